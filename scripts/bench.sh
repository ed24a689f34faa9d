#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: time BAR access to edu (00:03.0) in the rig, once with our
# driver and once with the stock one (two guests, one after the other),
# and print one table: pread/pwrite us/op ours vs stock, and mmap access
# vs the raw /dev/mem floor.  The modules and the selftests must be built.
# BENCH_N sets the iterations per row (default 20000).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
bdf=${BENCH_BDF:-0000:00:03.0}
n=${BENCH_N:-20000}
rm -rf "$out"
mkdir -p "$out/files"
cp "$top/build/selftests/vfio_pci_bar_bench" "$top/tools/testing/selftests/vfio/scripts/setup.sh" "$out/files/"

for drv in ours stock; do
	echo "bench: booting the rig with DRIVER=$drv" >&2
	DRIVER=$drv "$top/scripts/rig/vm.sh" --out "$out/$drv" --files "$out/files" \
		-- "sh /rig/setup.sh $bdf && /rig/vfio_pci_bar_bench -n $n $bdf" \
		>"$out/$drv.log" 2>&1 || { echo "bench: the $drv guest failed, see $out/$drv.log" >&2; exit 1; }
done

val() { tr -d '\r' <"$out/$1/out.log" | awk -v k="$2" '$1 == "bench" && $2 == k { print $3 }'; }
row() {
	local name=$1 a=$2 b=$3
	if [ -z "$a" ] || [ -z "$b" ] || [ "$a" = n/a ] || [ "$b" = n/a ]; then
		printf '%-12s %10s %10s %8s\n' "$name" "${a:-n/a}" "${b:-n/a}" "n/a"
	else
		printf '%-12s %10s %10s %8.2f\n' "$name" "$a" "$b" "$(echo "$a / $b" | bc -l)"
	fi
}

echo "BAR0 of $bdf, $n accesses per row, microseconds per access (TCG guest)"
printf '%-12s %10s %10s %8s\n' access ours stock ours/stock
row pread "$(val ours pread)" "$(val stock pread)"
row pwrite "$(val ours pwrite)" "$(val stock pwrite)"
row mmap-read "$(val ours mmap-read)" "$(val stock mmap-read)"
row mmap-write "$(val ours mmap-write)" "$(val stock mmap-write)"
echo
printf '%-12s %10s %10s %8s\n' access ours devmem ours/devmem
row mmap-read "$(val ours mmap-read)" "$(val ours devmem-read)"
row mmap-write "$(val ours mmap-write)" "$(val ours devmem-write)"
