#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: static checks, the uAPI ABI test, then the VM suite with
# $DRIVER (ours by default; DRIVER=stock runs the same suite on Debian's
# vfio-pci).  Every step leaves TAP under build/check/ (build/check-stock/
# for stock); the run is held to the lane's expected results, and the last
# line is "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
driver=${DRIVER:-ours}
KDIR=$("$top/scripts/kdir.sh") || exit 1
res=$top/build/check
[ "$driver" = ours ] || res=$top/build/check-$driver
rm -rf "$res"
mkdir -p "$res/static"

step_prefix=check
# shellcheck source=scripts/tap-step.sh
. "$top/scripts/tap-step.sh"

# A kbuild run with W=1 C=1 that prints no warning at all.
build_clean() {
	make -s -C "$KDIR" M="$top/drivers/vfio/pci" clean >/dev/null 2>&1
	make -C "$top" W=1 C=1 modules 2>&1 | tee "$res/static/kbuild.out"
	[ "${PIPESTATUS[0]}" = 0 ] || return 1
	! grep -E 'warning|error' "$res/static/kbuild.out"
}

ksrc=$("$top/scripts/linux-source.sh")
srcs=$(git ls-files 'drivers/vfio/pci/*.[ch]' 'include/uapi/linux/vfio.h' \
	'tools/testing/selftests/vfio/*.[ch]' 'tools/testing/selftests/vfio/lib/*.[ch]' \
	'tools/testing/selftests/vfio/lib/include/*.h' 'tools/testing/selftests/vfio/test_modules/*.c' 2>/dev/null)

# LINUX_VERSION_CODE: vfio_pci_compat.h tests the version where a kernel's
# behaviour changed and no header shows it (each test says so there).
checkpatch() {
	# shellcheck disable=SC2086
	"$ksrc/scripts/checkpatch.pl" --strict --no-tree --show-types --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE -f $srcs
}

coccicheck() {
	local out
	out=$(make -C "$ksrc" coccicheck MODE=report M="$top/drivers/vfio/pci" 2>&1)
	echo "$out"
	# Reports name a file of ours with a line number.
	! echo "$out" | grep -E "^$top/.*:[0-9]+:"
}

# The README's entry points on a machine whose headers arrive only with
# the deps step (played in a copy of the tree; about 40 s).
echo "check: entry-points"
scripts/entry-check.sh >"$res/static/entry-points.tap" 2>&1
grep '^not ok' "$res/static/entry-points.tap" | sed 's/^/check: entry-points | /'
step kbuild-W1-C1 build_clean
step checkpatch-strict checkpatch
step coccicheck coccicheck
step abi-uapi scripts/abi/check-uapi.sh
# The VGA arbiter series (patches/vgaarb/<kernel>/): applies cleanly, checkpatch.
step vgaarb-series-apply scripts/vgaarb-series-check.sh apply
step vgaarb-series-checkpatch scripts/vgaarb-series-check.sh checkpatch
step selftests-build make -C tools/testing/selftests/vfio

# kselftest's own runner, standalone: with no device every test skips.
kselftest_skip() {
	env -u VFIO_SELFTESTS_BDF make -s -C tools/testing/selftests/vfio run_tests >"$res/static/run_tests.out" 2>&1
	local rc=$?
	cat "$res/static/run_tests.out"
	[ $rc = 0 ] && grep -q '^# 1\.\.0 # SKIP' "$res/static/run_tests.out" &&
		! grep -q '^not ok' "$res/static/run_tests.out"
}
step kselftest-run-tests-skip kselftest_skip
step kernel-doc scripts/docs.sh check
step docs-sphinx scripts/docs.sh html

# The driver and the selftests inside a linux-source-6.12 tree (TAP of its
# own; the first run prepares a cached tree: about 2 minutes).
echo "check: kernel source tree drop-in"
mkdir -p "$res/kernel-tree"
scripts/kernel-tree-check.sh "$res/kernel-tree/kernel-tree.tap" >"$res/kernel-tree/out.log" 2>&1 ||
	grep '^not ok' "$res/kernel-tree/kernel-tree.tap" | sed 's/^/check: kernel-tree | /'

# The series of "make patches", for 6.12 and 7.3: each patch applies with
# git am to a fresh tree, passes checkpatch and builds with W=1, and the
# patched trees build vfio-pci-core and the variant drivers (TAP of its
# own; prepared trees cached: a few minutes).  Independent of DRIVER: run
# in our lane only.
if [ "$driver" = ours ]; then
	echo "check: the patch series (make patches)"
	mkdir -p "$res/patches"
	scripts/patches-check.sh "$res/patches/patches.tap" >"$res/patches/out.log" 2>&1 ||
		grep '^not ok' "$res/patches/patches.tap" | grep -v '# TODO' | sed 's/^/check: patches | /'
fi

if [ "$driver" = stock ] || [ -f drivers/vfio/pci/vfio-pci.ko ]; then
	echo "check: VM suite (DRIVER=$driver)"
	DRIVER=$driver scripts/vm-suite.sh "$res/vm-$driver" >"$res/vm-$driver.log" 2>&1
	tail -n 1 "$res/vm-$driver.log"
	# A second VGA card on the root bus (vm.sh --root-vga, not in the
	# default topology): its ROM read waits for the arbiter, and routing
	# legacy VGA elsewhere turns its decode off.  One boot.
	echo "check: a second VGA card on the root bus (DRIVER=$driver)"
	DRIVER=$driver scripts/root-vga-check.sh "$res/root-vga" >"$res/root-vga.log" 2>&1
	tail -n 1 "$res/root-vga.log"
	# The width of the accesses to the card's ROM and legacy VGA memory,
	# seen by mmiotrace (the kernel's stock rule for this kernel).  One boot.
	echo "check: access widths under mmiotrace (DRIVER=$driver)"
	DRIVER=$driver scripts/width-check.sh "$res/width" >"$res/width.log" 2>&1
	tail -n 1 "$res/width.log"
	# PUD entries need a BAR of 1 GiB, which the rig has only with
	# vm.sh --big-bar (ivshmem at 06:00.0): a guest of its own, about a
	# minute, running the huge-entry tests on that BAR.
	echo "check: huge BAR mappings on a 1 GiB BAR (DRIVER=$driver)"
	RIG_DEVICES=0000:06:00.0 RIG_TESTS="vfio_pci_huge_test 0000:06:00.0" DRIVER=$driver \
		scripts/vm-suite.sh "$res/vm-bigbar" --big-bar >"$res/vm-bigbar.log" 2>&1
	tail -n 1 "$res/vm-bigbar.log"
	if [ "$driver" = ours ]; then
		echo "check: parity with the stock driver"
		scripts/parity.sh "$res/vm-ours/tap/info.txt" "$res/parity"
		# make install, make uninstall and DKMS, then modprobe in a guest.
		echo "check: drop-in install (make install, dkms, modprobe in the rig)"
		scripts/dropin-test.sh "$res/dropin" >"$res/dropin.log" 2>&1
		tail -n 1 "$res/dropin.log"
		# make dkms on Debian 12's 6.1, then a 7.3 kernel installed
		# beside it (DKMS autoinstall), each booted (about a minute).
		echo "check: DKMS across a kernel upgrade (${DKMS_UPGRADE:-6.1 7.3})"
		scripts/dkms-upgrade-check.sh "$res/dkms-upgrade" >"$res/dkms-upgrade.log" 2>&1
		tail -n 1 "$res/dkms-upgrade.log"
		# nosnoop= seen from the host: one boot per policy and IOMMU
		# snoop control, and stock, each tracing the outer QEMU's config
		# writes, and a bad nosnoop= value (about 5 minutes).
		echo "check: no-snoop policy in the QEMU trace (8 boots)"
		mkdir -p "$res/nosnoop"
		scripts/nosnoop-check.sh "$top/build/nosnoop-check" >"$res/nosnoop/nosnoop-check.tap" 2>"$res/nosnoop/nosnoop-check.log"
		grep '^not ok' "$res/nosnoop/nosnoop-check.tap" | sed 's/^/check: nosnoop | /'
	fi
fi

# The PREEMPT_RT flavour of Debian's 6.12: the module builds against its
# headers with W=1 and no warning (in a copy of the tree, so that the
# module above stays the one the drop-in test compares), and a short smoke
# on that kernel in the rig: every device binds, then one VGA, IRQ, reset
# and DMA test each, with the rig's usual splat check of the guest's log.
rt_kdir=$(ls -d /lib/modules/6.12.*-rt-amd64/build 2>/dev/null | sort -V | tail -n 1)
rt_build() {
	[ -n "$rt_kdir" ] || { echo "no linux-headers-6.12-rt-amd64 (make deps)"; return 1; }
	"$top/scripts/build-copy.sh" "$rt_kdir" "$res/rt/tree" "$res/static/kbuild-rt.out"
}
if [ "$driver" = ours ]; then
	step kbuild-rt-W1 rt_build
	if [ -f "$res/rt/tree/drivers/vfio/pci/vfio-pci.ko" ]; then
		echo "check: PREEMPT_RT smoke in the rig"
		rt_kver=$(basename "$(dirname "$rt_kdir")")
		RIG_TESTS="vfio_pci_vga_test 0000:01:00.0 -f vga
vfio_pci_irq_test 0000:00:03.0 -t intx_loopback -t msi_loopback -t edu_intx -t edu_msi
vfio_pci_reset_test 0000:01:00.0 -t function_reset -t hot_reset_with_proof
vfio_pci_dma_test 0000:00:03.0 -t round_trip" \
		KMODDIR=/lib/modules/$rt_kver OUR_KO=$res/rt/tree/drivers/vfio/pci/vfio-pci.ko \
			scripts/vm-suite.sh "$res/vm-rt" >"$res/vm-rt.log" 2>&1
		tail -n 1 "$res/vm-rt.log" | sed 's/^/check: rt | /'
	fi
fi

# A real VMM assigns edu (no VGA): SeaBIOS must get to the end of its boot
# with no word about vfio from QEMU.
echo "check: a nested QEMU assigns edu (DRIVER=$driver)"
DRIVER=$driver scripts/vmm-check.sh "$res/vmm-edu" >/dev/null 2>&1

# The demo as a test: a real VMM runs its VGA BIOS on the card assigned
# through our driver; the banner row must match the stock reference.
if [ "$driver" = ours ]; then
	echo "check: the VGA demo (nested QEMU, about a minute)"
	mkdir -p "$res/demo"
	python3 scripts/demo.py "$res/demo/run" --reference scripts/rig/data/seabios-banner-stock.png \
		>"$res/demo/demo.tap" 2>"$res/demo/demo.log"
	tail -n 3 "$res/demo/demo.log"
	# make run: Linux in the nested VM drives the card with
	# bochs-drm through its BARs; its banner rows must match the stock
	# reference.
	echo "check: the Linux demo (Linux in a nested QEMU, several minutes)"
	mkdir -p "$res/demo-linux"
	python3 scripts/demo.py "$res/demo-linux/run" --linux --reference scripts/rig/data/linux-banner-stock.png \
		>"$res/demo-linux/demo-linux.tap" 2>"$res/demo-linux/demo-linux.log"
	tail -n 3 "$res/demo-linux/demo-linux.log"
fi

# Held to the expected results of this lane and driver
# (tools/testing/selftests/vfio/expected-results.txt).
python3 scripts/tap-summary.py --expect "check:$driver" \
	--tap "$res/static/expected-results.tap" "$res"
