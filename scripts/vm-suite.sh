#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-suite.sh OUTDIR [vm.sh options]
#
# Run the selftest suite in one rig guest with $DRIVER (ours | stock).  The
# module and the selftests must be built.  Results: OUTDIR/tap/*.tap, and
# OUTDIR/tap/rig-vm.tap with the guest's own verdict (finished, dmesg clean).
# KERNEL/KMODDIR/OUR_KO pick another kernel and module (vm.sh); extra vm.sh
# options such as --kmemleak follow OUTDIR.  A crash of the host's QEMU
# (vm.sh status 4) is no verdict on the driver: rig-vm reports a SKIP, and
# the exit status is 4 so that a caller can retry.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/selftests"
cp -a "$top/build/selftests/." "$stage/selftests/"
cp "$top/scripts/rig/guest-suite.sh" "$top/tools/vgaarb-top" "$stage/"

env_args=""
[ -n "${RIG_TESTS:-}" ] && env_args="$env_args RIG_TESTS='$RIG_TESTS'"
[ -n "${RIG_DEVICES:-}" ] && env_args="$env_args RIG_DEVICES='$RIG_DEVICES'"
[ -n "${VFIO_SELFTESTS_SNOOP_CONTROL:-}" ] &&
	env_args="$env_args VFIO_SELFTESTS_SNOOP_CONTROL='$VFIO_SELFTESTS_SNOOP_CONTROL'"
[ -n "${FUZZ_CALLS:-}" ] && env_args="$env_args FUZZ_CALLS='$FUZZ_CALLS'"
[ -n "${FUZZ_SEED:-}" ] && env_args="$env_args FUZZ_SEED='$FUZZ_SEED'"
[ -n "${FUZZ_SKIP:-}" ] && env_args="$env_args FUZZ_SKIP='$FUZZ_SKIP'"
[ -n "${FAIL_NTH:-}" ] && env_args="$env_args FAIL_NTH='$FAIL_NTH' FAIL_NTH_SECONDS='${FAIL_NTH_SECONDS:-60}'"

"$top/scripts/rig/vm.sh" --out "$out" --files "$stage" --timeout "${VM_TIMEOUT:-1500}" \
	"$@" -- "env $env_args sh /rig/guest-suite.sh"
status=$?

verdict=$(cat "$out/verdict" 2>/dev/null || echo "no verdict")
{
	echo "TAP version 13"
	echo "1..1"
	if [ $status = 0 ] || [ $status = 1 ]; then
		echo "ok 1 guest finished with a clean dmesg (DRIVER=${DRIVER:-ours})"
	elif [ $status = 4 ]; then
		echo "ok 1 guest finished with a clean dmesg (DRIVER=${DRIVER:-ours}) # SKIP $verdict"
	else
		echo "not ok 1 guest finished with a clean dmesg (DRIVER=${DRIVER:-ours}): $verdict"
		sed 's/^/# /' "$out/splats.log" 2>/dev/null | head -n 40
	fi
} >"$out/tap/rig-vm.tap"
[ $status = 4 ] && exit 4
exit 0
