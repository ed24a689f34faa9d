#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# parity.sh OURS-INFO OUTDIR [STOCK-INFO]: boot the rig with the stock
# driver, dump what VFIO reports for every target device, and diff it with
# OURS-INFO (the dump of our driver's suite run), leaving out the lines that
# tools/testing/selftests/vfio/stock-differences.txt lists.  With
# STOCK-INFO (the dump of a stock suite run already made) nothing boots.
# Writes OUTDIR/tap/parity.tap.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ours=$1 out=$2 stock=${3:-}
mkdir -p "$out/tap"

if [ -z "$stock" ]; then
	DRIVER=stock RIG_TESTS=none "$top/scripts/vm-suite.sh" "$out/stock" >"$out/stock.log" 2>&1
	stock=$out/stock/tap/info.txt
fi

filter() {
	local pats
	pats=$(sed -n 's/^info: //p' "$top/tools/testing/selftests/vfio/stock-differences.txt")
	if [ -n "$pats" ]; then
		grep -v -E -f <(echo "$pats") "$1"
	else
		cat "$1"
	fi
}

{
	echo "TAP version 13"
	echo "1..1"
	if [ ! -s "$ours" ] || [ ! -s "$stock" ]; then
		echo "not ok 1 VFIO info parity with stock: missing dump (ours: $ours, stock: $stock)"
	elif diff -u <(filter "$stock") <(filter "$ours") >"$out/parity.diff"; then
		echo "ok 1 VFIO info parity with stock ($(filter "$ours" | wc -l) lines compared)"
	else
		echo "not ok 1 VFIO info parity with stock"
		sed 's/^/# /' "$out/parity.diff"
	fi
} >"$out/tap/parity.tap"
