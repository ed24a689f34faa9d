#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-suite.sh OUTDIR [vm.sh options]
#
# Run the selftest suite in one rig guest with $DRIVER (ours | stock).  The
# module and the selftests must be built: the selftests in build/selftests,
# or in $SELFTESTS_DIR (a lane that runs beside others builds its own).
# Results: OUTDIR/tap/*.tap, and OUTDIR/tap/rig-vm.tap with the guest's
# own verdict (finished, dmesg clean).
# KERNEL/KMODDIR/OUR_KO pick another kernel and module (vm.sh); extra vm.sh
# options such as --kmemleak follow OUTDIR.  rig-vm fails on every vm.sh
# status but 0, with one exception: a crash of the host's QEMU (status 4)
# while the fuzzer runs (random register writes exercise QEMU's device
# models, which are not under test) is a SKIP with the fuzzer's replay
# line, and the exit status is then 4 so that a caller can retry.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/selftests"
cp -a "${SELFTESTS_DIR:-$top/build/selftests}/." "$stage/selftests/"
cp "$top/scripts/rig/guest-suite.sh" "$top/tools/vgaarb-top" "$stage/"

env_args=""
[ -n "${RIG_TESTS:-}" ] && env_args="$env_args RIG_TESTS='$RIG_TESTS'"
[ -n "${RIG_DEVICES:-}" ] && env_args="$env_args RIG_DEVICES='$RIG_DEVICES'"
[ -n "${RIG_VGA_CARDS:-}" ] && env_args="$env_args RIG_VGA_CARDS='$RIG_VGA_CARDS'"
[ -n "${RIG_SETUP:-}" ] && env_args="$env_args RIG_SETUP='$RIG_SETUP'"
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
# The section a crashed QEMU was in: the last one that began and never ended.
open_section=$(awk '/^RIG-TEST-BEGIN /{s=$2} /^RIG-TEST-END /{if ($2 == s) s=""} END{print s}' \
	"$out/out.log" 2>/dev/null | tr -d '\r')
mkdir -p "$out/tap"
{
	echo "TAP version 13"
	echo "1..1"
	desc="guest finished with a clean dmesg (DRIVER=${DRIVER:-ours})"
	case $status in
	0) echo "ok 1 $desc" ;;
	4)
		# Random register writes crash QEMU's device models now and
		# then: tolerated in the fuzzer alone, with its replay line.
		case $open_section in
		vfio_pci_fuzz*)
			echo "ok 1 $desc # SKIP $verdict in $open_section;" \
			     "$(grep -ho 'replay with FUZZ_SEED=[0-9]*' "$out/tap/$open_section.tap" 2>/dev/null | head -n 1)" ;;
		*)
			echo "not ok 1 $desc: $verdict during ${open_section:-no test}" ;;
		esac ;;
	1) echo "not ok 1 $desc: the suite's command failed ($verdict)" ;;
	*)
		echo "not ok 1 $desc: $verdict (vm.sh status $status)"
		sed 's/^/# /' "$out/splats.log" 2>/dev/null | head -n 40 ;;
	esac
} >"$out/tap/rig-vm.tap"
# Only a crash inside the fuzzer may be retried by the caller.
case $status/$open_section in
4/vfio_pci_fuzz*) exit 4 ;;
esac
exit 0
