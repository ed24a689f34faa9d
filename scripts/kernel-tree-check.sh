#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-tree-check.sh [TAPFILE]
#
# Prove that the tree goes into a 6.12 kernel source tree the way a
# maintainer takes it, as the series of "make patches" (scripts/patches.sh):
#   1. the arbiter series and the driver series apply with git am to a
#      fresh linux-source-6.12 (upstream's drivers/vfio/pci/ edited, not
#      replaced: vfio-pci-core and the variant drivers stay), configured
#      with Debian's /boot/config-6.12* plus scripts/ktree.config (the
#      variant drivers);
#   2. Kconfig still yields CONFIG_VFIO_PCI=m;
#   3. "make M=drivers/vfio/pci W=1" builds, with no warning that the
#      pristine tree's build does not give, and our vfio-pci.ko depends
#      on vfio (and irqbypass) only;
#   4. our selftests build and run as an ordinary kselftest target:
#      "make -C tools/testing/selftests TARGETS=vfio run_tests"; with no
#      device given every test skips cleanly ("1..0 # SKIP").
# scripts/patches-check.sh builds every step of both series, for 6.12 and
# 7.3; this is the end state only, with the kselftest runner.
#
# The prepared tree (modules_prepare, headers, the pristine build of
# drivers/vfio/pci) is cached under $VFIO_VGA_CACHE (/var/cache/vfio-vga,
# scripts/ktree-lib.sh); every run works on a fresh hardlink copy of it
# in which only the files the series touch and the directories built in
# are real copies.
#
# Output: TAP on stdout (and in TAPFILE if given).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tapfile=${1:-/dev/null}
log=$top/build/kernel-tree
rm -rf "$log"
mkdir -p "$log"
# shellcheck source=scripts/ktree-lib.sh
. "$top/scripts/ktree-lib.sh"

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

if ! PATCHES_OUT=$log/patches "$top/scripts/patches.sh" 6.12 >"$log/patches.log" 2>&1; then
	result FAIL "kernel tree: make patches writes the 6.12 series" "$log/patches.log"
	finish
fi
if ! base=$(ktree_prepare 6.12 2>"$log/prepare.log"); then
	result FAIL "kernel tree: Debian config, modules_prepare, headers" "$log/prepare.log"
	finish
fi
mapfile -t series < <(
	find "$log/patches/vgaarb-6.12" -name '0*.patch' ! -name '0000-*' | sort
	find "$log/patches/6.12" -name '0*.patch' ! -name '0000-*' | sort)
work=$(mktemp -d "$ktree_cache/.ktree-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
ktree_work 6.12 "$base" "$work" "${series[@]}" >"$log/work.log" 2>&1
if (cd "$work" && git am -q "${series[@]}") >"$log/am.log" 2>&1; then
	result OK "kernel tree: the arbiter and driver series apply with git am (${#series[@]} patches)"
else
	result FAIL "kernel tree: the arbiter and driver series apply with git am" "$log/am.log"
	finish
fi

cfg=$log/config
cp "$work/.config" "$cfg"
if make -C "$work" KCONFIG_CONFIG="$cfg" olddefconfig >"$log/config.log" 2>&1 &&
   grep -qx 'CONFIG_VFIO_PCI=m' "$cfg"; then
	result OK "kernel tree: our Kconfig offers VFIO_PCI (=m with Debian's config)"
else
	grep VFIO "$cfg" >>"$log/config.log"
	result FAIL "kernel tree: our Kconfig offers VFIO_PCI (=m with Debian's config)" "$log/config.log"
fi

# The driver, built the way a kernel developer builds one directory; the
# variant drivers' PF drivers are not in Debian's Module.symvers, so
# modpost only warns (the pristine build gives the same warnings).
if make -C "$work" M=drivers/vfio/pci W=1 KBUILD_MODPOST_WARN=1 -j"$ktree_jobs" modules \
	>"$log/kbuild.log" 2>&1 &&
   ktree_warnings "$log/kbuild.log" | comm -13 <(ktree_warnings "$work/.vfio-w1.log") - >"$log/new-warnings.log" &&
   [ ! -s "$log/new-warnings.log" ]; then
	result OK "kernel tree: make M=drivers/vfio/pci W=1 builds vfio-pci.ko without warnings"
else
	cat "$log/new-warnings.log" >>"$log/kbuild.log" 2>/dev/null
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
if make -C "$sel" TARGETS=vfio -j"$ktree_jobs" >"$log/kselftest-build.log" 2>&1 &&
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
if ktree_unchanged "$base" >"$log/unchanged.log"; then
	result OK "kernel tree: the cached tree is unchanged by the builds"
else
	result FAIL "kernel tree: the cached tree is unchanged by the builds" "$log/unchanged.log"
fi
finish
