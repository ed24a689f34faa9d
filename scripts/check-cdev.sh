#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-cdev: the VF token through the device cdev.  Build (once,
# cached) the 7.3 cdev kernel of scripts/debug-kernel.sh --base 7.3
# (CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV, lockdep; none of Debian's
# kernels has the cdev), build our module against it with W=1, and run
# the SR-IOV selftest on the rig's PF there with $DRIVER (ours by
# default; stock is that kernel's own vfio-pci): its cdev tests bind a
# VF and the PF through VFIO_DEVICE_BIND_IOMMUFD with and without a
# token, its group tests run there too.  RIG_TESTS (vm-suite.sh) runs
# other tests instead.  TAP lands under build/check-cdev/
# (build/check-cdev-stock/), held to the lane check-cdev of
# expected-results.txt; the last line is "N passed, N failed, N
# skipped".  A cold kernel build takes about 25 min on 2 CPUs.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
driver=${DRIVER:-ours}
res=$top/build/check-cdev
[ "$driver" = ours ] || res=$top/build/check-cdev-$driver
rm -rf "$res"
mkdir -p "$res/static"

# shellcheck disable=SC2034 # read by tap-step.sh
step_prefix=check-cdev
# shellcheck source=scripts/tap-step.sh
. "$top/scripts/tap-step.sh"

finish() {
	python3 "$top/scripts/tap-summary.py" --expect "check-cdev:$driver" \
		--tap "$res/static/expected-results.tap" "$res"
	exit
}

# shellcheck disable=SC2317 # called by step
kernel_build() {
	local start=$SECONDS
	kdir=$("$top/scripts/debug-kernel.sh" --base 7.3) || return 1
	echo "cdev kernel: $kdir ($((SECONDS - start)) s here;" \
	     "cold build took $(cat "$kdir/build-seconds") s)"
}

# shellcheck disable=SC2317 # called by step
module_build() {
	"$top/scripts/build-copy.sh" "$kdir/build" "$res/tree" "$res/static/kbuild-cdev.out"
}

kdir=$("$top/scripts/debug-kernel.sh" --base 7.3 --print-key)
[ -e "$kdir/.done" ] ||
	echo "check-cdev: no cached cdev kernel: building $kdir once (about 25 min on 2 CPUs)"
step cdev-kernel kernel_build || finish
kdir=$("$top/scripts/debug-kernel.sh" --base 7.3 2>/dev/null)
sed -n 's/^cdev kernel: /check-cdev: cdev kernel: /p' "$res/static/cdev-kernel.log"
kver=$(cat "$kdir/kver")
if [ "$driver" = ours ]; then
	step kbuild-cdev-W1 module_build || finish
	export OUR_KO=$res/tree/drivers/vfio/pci/vfio-pci.ko
fi
# The selftests in the lane's own directory: make check may run at the
# same time in this tree, and builds (and copies) build/selftests.
export SELFTESTS_DIR=$res/selftests
step selftests-build make -C tools/testing/selftests/vfio OUTPUT="$SELFTESTS_DIR" ||
	finish

export KERNEL=$kdir/bzImage KMODDIR=$kdir/mods/lib/modules/$kver
# The two tests that unbind the PF with its VFs are left out: there 7.3's
# pci_disable_sriov(), called from the driver's remove (stock's too),
# reaches pci_stop_and_remove_bus_device() without pci_rescan_remove_lock,
# which this kernel's lockdep reports as a WARNING, whichever driver.  They
# run on Debian's 7.3 (make check KERNELS=7.3), which has no lockdep.
sriov_tests="vfio_pci_sriov_test 0000:05:00.0"
sriov_tests+=" -T pf_unbind_removes_idle_vfs -T pf_unbind_waits_for_users"
export RIG_TESTS=${RIG_TESTS:-$sriov_tests}
echo "check-cdev: $RIG_TESTS on $kver (DRIVER=$driver)"
start=$SECONDS
DRIVER=$driver scripts/vm-suite.sh "$res/vm" --mem 2048 >"$res/vm.log" 2>&1
tail -n 1 "$res/vm.log" | sed 's/^/check-cdev: /'
echo "check-cdev: the guest took $((SECONDS - start)) s"
finish
