#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vgaarb-series-check.sh apply|checkpatch|w1 [KDIR]
#
# Checks of the VGA arbiter series in drivers/gpu/vga/*.patch:
#   apply       each patch applies in order, without fuzz or offset, to a
#               copy of the files it touches in the unpacked linux-source
#   checkpatch  checkpatch.pl --strict on each patch file
#   w1          drivers/pci/vgaarb.o builds with W=1 and no warning in the
#               debug kernel's tree KDIR (scripts/debug-kernel.sh), which
#               has the series applied
# Output is the tools' own; the exit status is the verdict.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
src=$("$top/scripts/linux-source.sh") || exit 1
mapfile -t patches < <(find "$top/drivers/gpu/vga" -name '*.patch' | sort)
[ ${#patches[@]} -gt 0 ] || { echo "no patches in drivers/gpu/vga"; exit 1; }

apply() {
	local tmp f p out ret=0

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
		echo "$(basename "$p"): ${out//$'\n'/; }"
		echo "$out" | grep -qE 'offset|fuzz|FAILED|rej' && ret=1
	done
	return $ret
}

# UNKNOWN_COMMIT_ID: the Fixes: tag names a kernel commit, which this
# repository's history does not hold.  FILE_PATH_CHANGES: the MAINTAINERS
# reminder for the new trace header (vgaarb has no MAINTAINERS entry).
checkpatch() {
	"$src/scripts/checkpatch.pl" --strict --show-types --terse \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "${patches[@]}"
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
