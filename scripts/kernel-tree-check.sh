#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-tree-check.sh [TAPFILE]
#
# Prove that the tree drops into a 6.12 kernel source tree:
#   1. our drivers/vfio/pci/Kconfig, overlaid on linux-source-6.12 with
#      Debian's /boot/config-6.12*, still yields CONFIG_VFIO_PCI=m;
#   2. "make M=drivers/vfio/pci" in that tree builds vfio-pci.ko with W=1
#      and no warning, and the module depends on vfio (and irqbypass) only;
#   3. our selftests build and run as an ordinary kselftest target:
#      "make -C tools/testing/selftests TARGETS=vfio run_tests"; with no
#      device given every test skips cleanly ("1..0 # SKIP").
#
# The overlay replaces upstream's drivers/vfio/pci/ as a whole (vfio-pci-core
# and the variant drivers under mlx5/, hisilicon/, ... go away with it: they
# are built on vfio-pci-core, which this driver replaces), and
# include/uapi/linux/vfio.h.
#
# modules_prepare with Debian's config takes minutes, so the prepared tree is
# cached under $VFIO_VGA_CACHE (/var/cache/vfio-vga) keyed by a hash of the
# source tarball, the config and our Kconfig.  The cache is a
# hardlink copy (cp -al) of the unpacked source; overlaid files are replaced,
# never edited in place, and a check afterwards makes sure that no file of
# the unpacked source changed.  Every run works on a fresh hardlink copy of
# the prepared tree and writes only below drivers/vfio/pci/ and
# tools/testing/selftests/vfio/, which are our own fresh copies.
#
# Output: TAP on stdout (and in TAPFILE if given).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${VFIO_VGA_CACHE:-/var/cache/vfio-vga}
jobs=${JOBS:-$(nproc)}
tapfile=${1:-/dev/null}

ksrc=$("$top/scripts/linux-source.sh") || exit 1
config=$(ls /boot/config-6.12.*-amd64 2>/dev/null | grep -v -- '-rt-amd64$' | sort -V | tail -n 1)
kver=${config#/boot/config-}
symvers=/usr/src/linux-headers-$kver/Module.symvers
log=$top/build/kernel-tree
mkdir -p "$log"

n=0 failed=0
tap=()
result() {	# result OK|FAIL DESCRIPTION [LOGFILE]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		tap+=("ok $n $2")
	else
		failed=$((failed + 1))
		tap+=("not ok $n $2")
		[ -n "${3:-}" ] && while IFS= read -r l; do tap+=("# $l"); done < <(tail -n 30 "$3")
	fi
}
finish() {
	{ echo "TAP version 13"; echo "1..$n"; printf '%s\n' "${tap[@]}"; } | tee "$tapfile"
	[ $failed = 0 ]
	exit $?
}

# overlay DIR: replace upstream's vfio-pci and uAPI header in DIR by ours.
overlay() {
	rm -rf "$1/drivers/vfio/pci" "$1/include/uapi/linux/vfio.h" \
		"$1/tools/testing/selftests/vfio"
	mkdir -p "$1/drivers/vfio/pci" "$1/tools/testing/selftests/vfio"
	(cd "$top" && git ls-files -z drivers/vfio/pci include/uapi/linux/vfio.h \
		tools/testing/selftests/vfio | xargs -0 cp --parents -t "$1")
}

if [ -z "$config" ] || [ ! -r "$symvers" ]; then
	echo "kernel-tree-check: need /boot/config-6.12* and $symvers" >&2
	result FAIL "kernel tree: Debian config and Module.symvers present"
	finish
fi

# Bump prep_version when the preparation below changes.
prep_version=1
key=$( { echo "$prep_version"; basename "$ksrc"; cat "$config" "$top/drivers/vfio/pci/Kconfig"; } |
	sha256sum | cut -c1-16)
base=$cache/ktree-$key

# The prepared tree: source + overlay + Debian config + modules_prepare +
# headers (the kselftests take the uAPI from usr/include).
if [ ! -e "$base/.prepared" ]; then
	echo "kernel-tree-check: preparing $base (cold cache: a few minutes)" >&2
	tmp=$(mktemp -d "$cache/.ktree.XXXXXX")
	stamp=$tmp.stamp
	touch "$stamp"
	sleep 1
	cp -al "$ksrc/." "$tmp/"
	rm -f "$tmp/.unpacked"
	overlay "$tmp"
	cp "$config" "$tmp/.config"
	if ! { make -C "$tmp" olddefconfig &&
	       make -C "$tmp" -j"$jobs" modules_prepare &&
	       make -C "$tmp" -j"$jobs" headers; } >"$log/prepare.log" 2>&1; then
		result FAIL "kernel tree: olddefconfig, modules_prepare, headers" "$log/prepare.log"
		rm -rf "$tmp" "$stamp"
		finish
	fi
	# A build step that rewrote a hardlinked file would have changed the
	# unpacked source as well: refuse such a cache.
	changed=$(find "$tmp" -type f -links +1 -newer "$stamp" | head -n 5)
	rm -f "$stamp"
	if [ -n "$changed" ]; then
		echo "$changed" >"$log/changed.log"
		result FAIL "kernel tree: preparing left the unpacked source unchanged" "$log/changed.log"
		rm -rf "$tmp"
		finish
	fi
	cp "$symvers" "$tmp/Module.symvers"
	touch "$tmp/.prepared"
	mv -T "$tmp" "$base" 2>/dev/null || rm -rf "$tmp"
fi

if grep -qx 'CONFIG_VFIO_PCI=m' "$base/.config"; then
	result OK "kernel tree: our Kconfig offers VFIO_PCI (=m with Debian's config)"
else
	grep VFIO "$base/.config" >"$log/config.log"
	result FAIL "kernel tree: our Kconfig offers VFIO_PCI (=m with Debian's config)" "$log/config.log"
fi

work=$(mktemp -d "$cache/.ktree-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -al "$base/." "$work/"
overlay "$work"

# 2. The driver, built the way a kernel developer builds one directory.
if make -C "$work" M=drivers/vfio/pci W=1 -j"$jobs" modules >"$log/kbuild.log" 2>&1 &&
   ! grep -Ei 'warning|error' "$log/kbuild.log" >/dev/null; then
	result OK "kernel tree: make M=drivers/vfio/pci W=1 builds vfio-pci.ko without warnings"
else
	result FAIL "kernel tree: make M=drivers/vfio/pci W=1 builds vfio-pci.ko without warnings" "$log/kbuild.log"
fi
ko=$work/drivers/vfio/pci/vfio-pci.ko
deps=$(modinfo -F depends "$ko" 2>/dev/null)
if [ -f "$ko" ] && echo ",$deps," | grep -q ',vfio,' &&
   [ -z "$(echo "$deps" | tr ',' '\n' | grep -vxE 'vfio|irqbypass')" ]; then
	result OK "kernel tree: vfio-pci.ko depends on vfio/irqbypass only ($deps)"
else
	echo "depends: $deps" >"$log/depends.log"
	result FAIL "kernel tree: vfio-pci.ko depends on vfio/irqbypass only" "$log/depends.log"
fi

# 3. The selftests as a kselftest target.  No device: every test skips.
sel=$work/tools/testing/selftests
if make -C "$sel" TARGETS=vfio -j"$jobs" >"$log/kselftest-build.log" 2>&1 &&
   ! grep -Ei 'warning|error' "$log/kselftest-build.log" >/dev/null; then
	result OK "kselftest: make -C tools/testing/selftests TARGETS=vfio builds without warnings"
else
	result FAIL "kselftest: make -C tools/testing/selftests TARGETS=vfio builds without warnings" "$log/kselftest-build.log"
fi
env -u VFIO_SELFTESTS_BDF make -C "$sel" TARGETS=vfio run_tests >"$log/kselftest-run.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '1\.\.0 # SKIP' "$log/kselftest-run.log" &&
   grep -qE '^ok [0-9]+ selftests: vfio: .* # SKIP' "$log/kselftest-run.log" &&
   ! grep -qE '^not ok' "$log/kselftest-run.log"; then
	result OK "kselftest: run_tests without a device skips cleanly"
else
	result FAIL "kselftest: run_tests without a device skips cleanly (rc $rc)" "$log/kselftest-run.log"
fi
finish
