#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vgaarb-series-check.sh apply|checkpatch|w1 [KDIR]
#
# Checks of the VGA arbiter series, patches/vgaarb/<kernel>/*.patch (one
# series per kernel: 6.12 against linux-source-6.12, 7.3 against Debian's
# linux-source-7.3, scripts/kernels.sh source 7.3):
#   apply       each series applies in order, without fuzz or offset, to a
#               copy of the files it touches in its unpacked linux-source
#   checkpatch  checkpatch.pl --strict on each patch file
#   w1          drivers/pci/vgaarb.o builds with W=1 and no warning in the
#               debug kernel's tree KDIR (scripts/debug-kernel.sh), which
#               has the 6.12 series applied
# scripts/patches-check.sh applies both series with git am to full trees
# and builds every step.  Output is the tools' own; the exit status is the
# verdict.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
src612=$("$top/scripts/linux-source.sh") || exit 1

# series_source KERNEL: the unpacked source a series applies to.
series_source() {
	case $1 in
	6.12) echo "$src612" ;;
	*) "$top/scripts/kernels.sh" source "$1" ;;
	esac
}

kernels=$(find "$top/patches/vgaarb" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V)
[ -n "$kernels" ] || { echo "no series in patches/vgaarb"; exit 1; }

apply_one() {
	local k=$1 src tmp f p out ret=0 patches

	src=$(series_source "$k") || return 1
	mapfile -t patches < <(find "$top/patches/vgaarb/$k" -name '*.patch' | sort)
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now
	trap "rm -rf '$tmp'" RETURN
	sed -n 's|^+++ b/||p' "${patches[@]}" | sort -u | while read -r f; do
		[ -e "$src/$f" ] || continue
		mkdir -p "$tmp/$(dirname "$f")"
		cp "$src/$f" "$tmp/$f"
	done
	for p in "${patches[@]}"; do
		out=$(patch -p1 -d "$tmp" <"$p" 2>&1) || ret=1
		echo "$k/$(basename "$p"): ${out//$'\n'/; }"
		echo "$out" | grep -qE 'offset|fuzz|FAILED|rej' && ret=1
	done
	return $ret
}

apply() {
	local k ret=0

	for k in $kernels; do
		apply_one "$k" || ret=1
	done
	return $ret
}

# UNKNOWN_COMMIT_ID: the Fixes: tag names a kernel commit, which this
# repository's history does not hold.  FILE_PATH_CHANGES: the MAINTAINERS
# reminder for the new trace header (vgaarb has no MAINTAINERS entry).
checkpatch() {
	"$src612/scripts/checkpatch.pl" --strict --show-types --terse \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$top"/patches/vgaarb/*/*.patch
}

w1() {
	local kdir=$1 out

	out=$(nice -n 19 make -s -C "$kdir/build" W=1 drivers/pci/vgaarb.o 2>&1)
	echo "$out"
	rm -f "$kdir/build/drivers/pci/vgaarb.o"
	! echo "$out" | grep -qE 'warning|error'
}

case ${1:-} in
apply) apply ;;
checkpatch) checkpatch ;;
w1) [ -n "${2:-}" ] || { echo "usage: $0 w1 KDIR" >&2; exit 2; }; w1 "$2" ;;
*) echo "usage: $0 apply|checkpatch|w1 [KDIR]" >&2; exit 2 ;;
esac
