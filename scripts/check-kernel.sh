#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-kernel.sh [--smoke] SPEC
#
# make check for another kernel of scripts/kernels.sh (SPEC: 7.3, 7.2,
# 6.12-rt, ...), each driver held against that kernel's own stock vfio-pci:
#   1. the driver, built from a copy of the tree against SPEC's headers with
#      W=1 and C=1: no warning (kbuild turns C=1 off where its
#      checker-valid.sh finds the distribution's sparse too old for the
#      kernel's headers: that result is then a SKIP saying so);
#   2. in the rig booted on SPEC's kernel, once with our driver and once
#      with that kernel's stock vfio-pci: the whole VM suite
#      (vm-suite.sh), the access widths under mmiotrace (width-check.sh)
#      and a nested QEMU that assigns edu and runs SeaBIOS (vmm-check.sh);
#   3. the parity of what VFIO reports, ours against stock, but for the
#      documented differences (parity.sh, from the two suites' dumps).
# Each driver's results are held to the lane check-SPEC of
# tools/testing/selftests/vfio/expected-results.txt.  Results:
# build/check-SPEC/{ours,stock}/; the last line counts both drivers'
# results, "N passed, N failed, N skipped", and the exit status is
# non-zero when anything failed.  The selftests are built first.
# Guests run one at a time; 7.3 took 8 min 54 s on the two shared CPUs
# of the project's machine (2026-12-06).
#
# --smoke (make check SMOKE_KERNELS=SPEC) is the cheap lane: the same
# build, then one guest per driver that runs a few tests only (every
# device binds; the VGA region; INTx, MSI and MSI-X; function and hot
# reset; DMA; low power; the ERR index; the 8-byte ioeventfd and the
# device features, where 6.18's and 7.0's stock differ: $SMOKE_TESTS),
# the access widths (a short boot of its own, which holds the VGA memory
# width that the compat header decides by version) and a nested QEMU that
# assigns edu, and the parity of the two guests' dumps (which every guest
# makes), held to the lane smoke-SPEC.  Results:
# build/smoke-SPEC/{ours,stock}/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
smoke=""
[ "${1:-}" = --smoke ] && { smoke=1; shift; }
spec=${1:?usage: check-kernel.sh [--smoke] SPEC}
lane=check-$spec
[ -z "$smoke" ] || lane=smoke-$spec
res=$top/build/$lane
rm -rf "$res"
mkdir -p "$res/ours/static" "$res/stock/static"
t0=$(date +%s)

say() { echo "$lane: $*"; }

if ! "$top/scripts/kernels.sh" fetch "$spec" >"$res/fetch.log" 2>&1; then
	say "cannot fetch $spec:"
	tail -n 5 "$res/fetch.log"
	exit 1
fi
kenv=$("$top/scripts/kernels.sh" env "$spec") || exit 1
kdir=$(echo "$kenv" | sed -n 's/^KDIR=//p')
read -r -a rig_env <<<"$(echo "$kenv" | grep -v '^KDIR=' | tr '\n' ' ')"

res_static=$res/ours/static
# shellcheck disable=SC2034
step_prefix=$lane
# shellcheck source=scripts/tap-step.sh
. "$top/scripts/tap-step.sh"
res=$res/ours step selftests-build make -C tools/testing/selftests/vfio

# 1. kbuild W=1 C=1, in a copy of the tree (the tree's own module stays the
# host kernel's).
ko=$res/tree/drivers/vfio/pci/vfio-pci.ko
if [ -z "$kdir" ]; then
	printf 'TAP version 13\n1..1\nnot ok 1 kbuild-W1: no headers for %s in the archive\n' \
		"$spec" >"$res_static/kbuild-W1.tap"
else
	say "kbuild W=1 C=1 against $kdir"
	MAKEFLAGS="-j2" KMAKE="$top/scripts/kernels.sh run $spec make" \
		"$top/scripts/build-copy.sh" "$kdir" "$res/tree" "$res_static/kbuild.log" C=1 \
		>/dev/null 2>&1
	{
		echo "TAP version 13"
		echo "1..2"
		if [ -f "$ko" ] && ! grep -qE 'warning|error' "$res_static/kbuild.log"; then
			echo "ok 1 kbuild-W1: no warning, no error"
		else
			echo "not ok 1 kbuild-W1: no warning, no error"
			grep -E 'warning|error' "$res_static/kbuild.log" | head -n 40 | sed 's/^/# /'
		fi
		if grep -q 'C=1 specified, but' "$res_static/kbuild.log"; then
			echo "ok 2 kbuild-C1 # SKIP kbuild's checker-valid.sh rejects the build machine's sparse for these headers"
		elif grep -q ' CHECK ' "$res_static/kbuild.log"; then
			echo "ok 2 kbuild-C1: sparse ran, no warning"
		else
			echo "not ok 2 kbuild-C1: sparse did not run"
		fi
	} >"$res_static/kbuild.tap"
	grep '^not ok' "$res_static/kbuild.tap" | sed "s/^/$lane: /"
fi

# The smoke's tests: one guest per driver (edu, the GPU, the MSI-X device).
SMOKE_TESTS="vfio_pci_vga_test 0000:01:00.0 -f vga
vfio_pci_irq_test 0000:00:03.0 -t intx_loopback -t msi_loopback -t edu_intx -t edu_msi -t err_index
vfio_pci_irq_test 0000:02:00.0 -t msix_loopback -t msix_vectors -t err_index
vfio_pci_reset_test 0000:01:00.0 -t function_reset -t hot_reset_with_proof
vfio_pci_dma_test 0000:00:03.0 -t round_trip
vfio_pci_pm_test 0000:00:03.0 -t entry_suspends -t wakeup_by_ioctl -t mmap_faults_in_low_power
vfio_pci_bar_test 0000:00:03.0 -t ioeventfd_edu
vfio_pci_config_test 0000:00:03.0 -t feature_probe"

# 2. The rig on SPEC's kernel, one guest at a time.
for driver in ours stock; do
	out=$res/$driver
	if [ "$driver" = ours ]; then
		[ -f "$ko" ] || { say "no module for $spec: nothing to boot with ours"; continue; }
		drv_env=(DRIVER=ours "OUR_KO=$ko")
	else
		drv_env=(DRIVER=stock)
	fi
	t1=$(date +%s)
	if [ -n "$smoke" ]; then
		say "smoke on $spec (DRIVER=$driver)"
		env "${rig_env[@]}" "${drv_env[@]}" "RIG_TESTS=$SMOKE_TESTS" \
			scripts/vm-suite.sh "$out/vm" >"$out/vm.log" 2>&1
	else
		say "VM suite on $spec (DRIVER=$driver)"
		env "${rig_env[@]}" "${drv_env[@]}" scripts/vm-suite.sh "$out/vm" >"$out/vm.log" 2>&1
	fi
	tail -n 1 "$out/vm.log" | sed "s/^/$lane: /"
	say "access widths under mmiotrace (DRIVER=$driver)"
	env "${rig_env[@]}" "${drv_env[@]}" scripts/width-check.sh "$out/width" >"$out/width.log" 2>&1
	say "a nested QEMU assigns edu (DRIVER=$driver)"
	env "${rig_env[@]}" "${drv_env[@]}" scripts/vmm-check.sh "$out/vmm-edu" >/dev/null 2>&1
	say "DRIVER=$driver: $(($(date +%s) - t1)) s in the rig"
done

# 3. Parity of the two dumps.
if [ -f "$ko" ]; then
	say "parity with $spec's stock driver"
	scripts/parity.sh "$res/ours/vm/tap/info.txt" "$res/ours/parity" "$res/stock/vm/tap/info.txt"
fi

say "$(($(date +%s) - t0)) s"
rc=0
for driver in ours stock; do
	say "held to the expected results of $lane:$driver"
	python3 scripts/tap-summary.py --expect "$lane:$driver" \
		--tap "$res/$driver/static/expected-results.tap" "$res/$driver" >"$res/$driver/summary.log" 2>&1 ||
		rc=1
	grep -v '^ok' "$res/$driver/summary.log" | sed "s/^/$lane: $driver | /" | tail -n 40
done
python3 scripts/tap-summary.py "$res/ours" "$res/stock" | tail -n 1
exit $rc
