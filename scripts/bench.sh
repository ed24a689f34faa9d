#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the rig once with our driver and once with the stock
# one (two guests, one after the other), run the guest-side benchmarks in
# each, and print every row with the ratios measured in this one run:
# ours/stock, and ours/floor where the row has a floor (the same access
# through /dev/port or /dev/mem).  Timings under TCG are slow in absolute
# terms; the ratios are what to read.
#
# Rows: BAR0 of edu (00:03.0) by pread, pwrite and mmap (BENCH_N accesses
# per row, default 20000), the VGA region of 01:00.0 (with 04:01.0 for
# the two-card row; and hot resets of 01:00.0 while 04:01.0 is read: the
# longest read and, on the debug kernel, the arbiter's longest hold), and
# one 64 KiB pread of the ROM region of 01:00.0 and 04:01.0 (acceptance:
# at most 1.5 times stock's).
#
# BENCH_KERNEL=debug boots the reliability lane's kernel instead (built
# once, cached: scripts/debug-kernel.sh), which carries our VGA arbiter
# series: the output then adds the arbiter's contention figures for the
# two-card row (contended gets, wait and hold times, routings), read from
# its debugfs statistics.  Debug-kernel timings are slower across the
# board; the ratios still compare like with like.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/bench
n=${BENCH_N:-20000}
rm -rf "$out"
mkdir -p "$out"
make -s modules >/dev/null && make -s -C tools/testing/selftests/vfio >/dev/null || exit 1
if [ "${BENCH_KERNEL:-}" = debug ]; then
	kdir=$(scripts/debug-kernel.sh) || exit 1
	kver=$(cat "$kdir/kver")
	mod=$out/tree/drivers/vfio/pci
	mkdir -p "$mod"
	ln -sfn "$top/include" "$out/tree/include"
	cp drivers/vfio/pci/{Makefile,Kconfig,*.c,*.h} "$mod/"
	make -s -C "$kdir/build" M="$mod" CONFIG_VFIO_PCI=m CONFIG_VFIO_PCI_VGA=y modules \
		>"$out/kbuild.log" 2>&1 || { echo "bench: module build failed: $out/kbuild.log" >&2; exit 1; }
	export KERNEL=$kdir/bzImage KMODDIR=$kdir/mods/lib/modules/$kver OUR_KO=$mod/vfio-pci.ko
	debug_args=(--mem 2048 --append no5lvl)
	echo "bench: on the debug kernel $kver" >&2
else
	debug_args=()
fi

cmd="st=/rig/selftests; \$st/scripts/setup.sh 0000:00:03.0 0000:01:00.0 0000:01:00.1 0000:04:01.0 >/dev/null;
echo RIG-TEST-BEGIN bench.txt; \$st/vfio_pci_bar_bench -n $n 0000:00:03.0;
\$st/vfio_pci_vga_bench 0000:01:00.0 0000:04:01.0;
\$st/vfio_pci_rom_bench 0000:01:00.0 0000:04:01.0; echo RIG-TEST-END bench.txt 0;
\$st/scripts/cleanup.sh"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/selftests"
cp -a build/selftests/. "$stage/selftests/"

for d in ours stock; do
	echo "bench: booting the rig with DRIVER=$d" >&2
	DRIVER=$d scripts/rig/vm.sh --out "$out/$d" --files "$stage" --timeout 1800 \
		"${debug_args[@]}" -- "$cmd" \
		>"$out/$d.log" 2>&1 || { echo "bench: the $d run failed: $out/$d" >&2; exit 1; }
done

python3 - "$out/ours/tap/bench.txt" "$out/stock/tap/bench.txt" <<'PY'
import sys

# Rows without a floor row of their own named ROW_floor_*: (row, floor).
FLOORS = {'bar_mmap-read': 'bar_devmem-read', 'bar_mmap-write': 'bar_devmem-write'}


def load(path):
    rows = {}
    for line in open(path, errors='replace'):
        f = line.split()
        if len(f) >= 3 and f[0] == 'bench:':          # vfio_pci_vga_bench
            rows['vga_' + f[1]] = None if f[2] == 'failed' else float(f[2])
        elif len(f) >= 3 and f[0] == 'rom:':          # vfio_pci_rom_bench
            rows['rom_' + f[1]] = None if f[2] == 'n/a' else float(f[2])
        elif len(f) >= 3 and f[0] == 'bench':         # vfio_pci_bar_bench
            try:
                rows['bar_' + f[1]] = float(f[2])
            except ValueError:
                rows['bar_' + f[1]] = None
    return rows


ours, stock = load(sys.argv[1]), load(sys.argv[2])
floors = set(FLOORS.values()) | {k for k in ours if '_floor_' in k}


def fmt(x):
    return '%12.2f' % x if x is not None else '%12s' % 'n/a'


def ratio(a, b):
    return '%12.2f' % (a / b) if a and b else '%12s' % '-'


print('%-30s %12s %12s %12s %12s' % ('row (us/op)', 'ours', 'stock', 'ours/stock', 'ours/floor'))
for name, v in ours.items():
    if name in floors:
        continue
    floor_name = FLOORS.get(name) or next((k for k in ours if k.startswith(name + '_floor_')), None)
    floor = ours.get(floor_name) if floor_name else None
    print('%-30s %s %s %s %s' % (name, fmt(v), fmt(stock.get(name)), ratio(v, stock.get(name)),
                                 ratio(v, floor)))
# The ROM rows' acceptance: one 64 KiB read costs at most 1.5x stock's.
for name, v in ours.items():
    if name.startswith('rom_') and v and stock.get(name):
        r = v / stock[name]
        print('%-30s %s (ours/stock %.2f, limit 1.50)' % (name, 'ok' if r <= 1.5 else 'OVER', r))
print('floors (measured in the same guest as ours):')
for name in sorted(floors):
    if name in ours:
        print('  %-28s %s' % (name, fmt(ours[name])))
PY

# The arbiter's view of the two-card row (kernels with our vgaarb series).
echo "VGA arbiter during alternate_2_cards:"
for d in ours stock; do
	if grep -q '^arb: 0000' "$out/$d/tap/bench.txt" 2>/dev/null; then
		sed -n "s/^arb: /  $d: /p" "$out/$d/tap/bench.txt"
	else
		echo "  $d: n/a (a kernel without the drivers/gpu/vga/ series; BENCH_KERNEL=debug has it)"
	fi
done

# Hot resets of the first card while the second is read (vfio_pci_vga_bench):
# the longest read of the other card, and the arbiter's longest hold.
echo "VGA hot reset loop (01:00.0 reset, 04:01.0 read):"
for d in ours stock; do
	sed -n "s/^hot: /  $d: /p" "$out/$d/tap/bench.txt" 2>/dev/null
done
