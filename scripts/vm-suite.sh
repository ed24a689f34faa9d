#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-suite.sh OUTDIR [vm.sh options]
#
# Run the selftest suite in one rig guest with $DRIVER (ours | stock).  The
# module and the selftests must be built.  Results: OUTDIR/tap/*.tap, and
# OUTDIR/tap/rig-vm.tap with the guest's own verdict (finished, dmesg clean).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/selftests"
cp -a "$top/build/selftests/." "$stage/selftests/"
cp "$top/scripts/rig/guest-suite.sh" "$stage/"

env_args=""
[ -n "${RIG_TESTS:-}" ] && env_args="$env_args RIG_TESTS='$RIG_TESTS'"
[ -n "${RIG_DEVICES:-}" ] && env_args="$env_args RIG_DEVICES='$RIG_DEVICES'"
[ -n "${VFIO_SELFTESTS_SNOOP_CONTROL:-}" ] &&
	env_args="$env_args VFIO_SELFTESTS_SNOOP_CONTROL='$VFIO_SELFTESTS_SNOOP_CONTROL'"

"$top/scripts/rig/vm.sh" --out "$out" --files "$stage" --timeout "${VM_TIMEOUT:-1500}" \
	"$@" -- "env $env_args sh /rig/guest-suite.sh"
status=$?

verdict=$(cat "$out/verdict" 2>/dev/null || echo "no verdict")
{
	echo "TAP version 13"
	echo "1..1"
	if [ $status = 0 ] || [ $status = 1 ]; then
		echo "ok 1 guest finished with a clean dmesg (DRIVER=${DRIVER:-ours})"
	else
		echo "not ok 1 guest finished with a clean dmesg (DRIVER=${DRIVER:-ours}): $verdict"
		sed 's/^/# /' "$out/splats.log" 2>/dev/null | head -n 40
	fi
} >"$out/tap/rig-vm.tap"
exit 0
