#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: both drivers, measured in turn in ONE rig guest.  The guest
# (scripts/rig/bench-guest.sh) runs BENCH_ROUNDS rounds (default 21); each
# round runs every benchmark with our vfio-pci loaded and again with the
# kernel's stock vfio-pci (the order alternates between rounds), swapping
# the modules in between.  A second guest on a shared host can run 2-5x
# faster or slower than the first; one guest measured in turns makes the
# ratios fair.  For every row the output gives each driver's median over
# the rounds and its spread (min-max); ours/stock, the median over the
# rounds of each round's ratio of ours to stock (the two runs of a round
# are back to back: the slow spells of this shared machine, which slow a
# row by up to 1.6x whichever driver is loaded, fall on both alike or
# make a pair an outlier on either side, which the median leaves out; see
# bench-report.py), the ratio of the medians beside it; and
# ours/floor where the row has a floor: the same access with no VFIO in
# it (/dev/mem, /dev/port, sysfs config and resource files), measured
# right after the row in the same run.  Timings under TCG are slow in
# absolute terms; the ratios are what to read.
#
# Each row has a limit on ours/stock: the faults of a BAR mapping's
# population no more than stock's (1.00), its time within 1.20, every
# other row within 1.10; the output marks each row ok or OVER.  The two
# rows of a reset of a card that holds the legacy routing are held to
# stock's reset plus the routing switch that ours makes on purpose
# before it, timed through /dev/vga_arbiter in the same run under the
# same load (bench-report.py's EXTRAS); ours/stock alone is printed
# beside.
#
# Rows: BAR0 of edu (00:03.0) by mmap, pread and pwrite (BENCH_N accesses
# per run, default 20000); config-space reads of the header, of a
# capability and of extended space (edu and the PCIe device 02:00.0);
# INTx and MSI round trips of edu; population of the largest BARs (the
# GPU 01:00.0 with 256 MiB of VRAM, and a 1 GiB ivshmem BAR, 06:00.0);
# the VGA region of 01:00.0 (with 04:01.0 for the two-card row, and hot
# resets of 01:00.0 without and with the routing while 04:01.0 is read,
# and with it alone: the longest read and, on a kernel with our arbiter
# series, the arbiter's longest hold); one 64 KiB
# pread of the ROM of 01:00.0 and 04:01.0.
#
# BENCH_ONLY="vga rom" runs those benchmarks only (bar cfg irq populate
# vga rom).
#
# BENCH_KERNEL=debug boots the reliability lane's kernel instead (built
# once, cached: scripts/debug-kernel.sh), which carries our VGA arbiter
# series: the output then adds the arbiter's contention figures for the
# two-card row, read from its debugfs statistics.  Debug-kernel timings
# are slower across the board; the ratios still compare like with like.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/bench
n=${BENCH_N:-20000}
rounds=${BENCH_ROUNDS:-21}
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

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/selftests"
cp -a build/selftests/. "$stage/selftests/"
cp scripts/rig/bench-guest.sh "$stage/"

echo "bench: one guest, $rounds rounds of both drivers (20 s to 2 min a round)" >&2
start=$(date +%s)
scripts/rig/vm.sh --out "$out/vm" --files "$stage" --timeout $((600 + rounds * 600)) \
	--big-bar --vgamem 256 "${debug_args[@]}" -- "sh /rig/bench-guest.sh $rounds $n ${BENCH_ONLY:-}" \
	>"$out/vm.log" 2>&1 || { echo "bench: the guest run failed: $out/vm ($(cat "$out/vm/verdict" 2>/dev/null))" >&2; exit 1; }
echo "bench: the guest ran for $(( $(date +%s) - start )) s" >&2

python3 scripts/bench-report.py "$out/vm/tap" | tee "$out/report.txt"
