#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the rig once with our driver and once with the stock
# one, run the guest-side benchmarks in each, and print every row with the
# ratios measured in this one run: ours/stock, and ours/floor where the row
# has a floor (the same access through /dev/port or /dev/mem).  Timings
# under TCG are slow in absolute terms; the ratios are what to read.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/bench
rm -rf "$out"
mkdir -p "$out"
make -s modules >/dev/null && make -s -C tools/testing/selftests/vfio >/dev/null || exit 1

# Guest command: bind the cards, run every bench program.
cmd='st=/rig/selftests; $st/scripts/setup.sh 0000:01:00.0 0000:01:00.1 0000:04:01.0 >/dev/null;
echo RIG-TEST-BEGIN bench.txt; $st/vfio_pci_vga_bench 0000:01:00.0 0000:04:01.0;
for b in $st/*_bench_*; do [ -x "$b" ] && "$b"; done; echo RIG-TEST-END bench.txt 0;
$st/scripts/cleanup.sh'
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/selftests"
cp -a build/selftests/. "$stage/selftests/"

for d in ours stock; do
	echo "bench: booting the rig with DRIVER=$d"
	DRIVER=$d scripts/rig/vm.sh --out "$out/$d" --files "$stage" --timeout 900 -- "$cmd" \
		>"$out/$d.log" 2>&1 || { echo "bench: the $d run failed: $out/$d"; exit 1; }
done

python3 - "$out/ours/tap/bench.txt" "$out/stock/tap/bench.txt" <<'PY'
import sys
def load(p):
    rows = {}
    for line in open(p, errors='replace'):
        f = line.split()
        if len(f) == 4 and f[0] == 'bench:' and f[2] != 'failed':
            rows[f[1]] = float(f[2])
        elif len(f) >= 3 and f[0] == 'bench:' and f[2] == 'failed':
            rows[f[1]] = None
    return rows
ours, stock = load(sys.argv[1]), load(sys.argv[2])
print('%-28s %12s %12s %12s %12s' % ('row (us/op)', 'ours', 'stock', 'ours/stock', 'ours/floor'))
for name, v in ours.items():
    if '_floor_' in name:
        continue
    s = stock.get(name)
    floor = next((ours[k] for k in ours if k.startswith(name + '_floor_')), None)
    fmt = lambda x: '%12.2f' % x if x is not None else '%12s' % 'failed'
    ratio = lambda a, b: '%12.2f' % (a / b) if a and b else '%12s' % '-'
    print('%-28s %s %s %s %s' % (name, fmt(v), fmt(s), ratio(v, s), ratio(v, floor)))
for name, v in ours.items():
    if '_floor_' in name:
        print('%-28s %s' % (name, '%12.2f' % v if v is not None else 'failed'))
PY
