#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmm-check.sh OUTDIR [BDF]: a real VMM assigns a device through our
# driver.  The rig's guest runs the host's QEMU with
# -device vfio-pci,host=BDF (default edu, 0000:00:03.0) until SeaBIOS
# reports the end of its boot ("No bootable device": it got through PCI
# enumeration, option ROMs and the boot menu).  TAP in OUTDIR/tap/vmm.tap:
# the firmware got there, and the nested QEMU said nothing about vfio.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1 bdf=${2:-0000:00:03.0}
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/selftests"
cp -a "$top/build/selftests/." "$stage/selftests/"
cp "$top/scripts/rig/nested-vmm.sh" "$stage/"

"$top/scripts/rig/vm.sh" --out "$out/vm" --files "$stage" --hostfs --mem 2048 --timeout 600 -- \
	"NESTED_TIMEOUT=300 NESTED_UNTIL='No bootable device' sh /rig/nested-vmm.sh /nonexistent $bdf" \
	>"$out/vm.log" 2>&1
verdict=$(cat "$out/vm/verdict" 2>/dev/null || echo "no verdict")
seabios=$out/vm/tap/seabios.txt
nested=$out/vm/tap/nested-qemu.txt
mkdir -p "$out/tap"
{
	echo "TAP version 13"
	echo "1..3"
	if grep -q 'No bootable device' "$seabios" 2>/dev/null; then
		echo "ok 1 a nested QEMU with $bdf assigned ran SeaBIOS to the end of its boot"
	else
		echo "not ok 1 a nested QEMU with $bdf assigned ran SeaBIOS to the end of its boot"
		tail -n 20 "$seabios" 2>/dev/null | sed 's/^/# seabios: /'
	fi
	# QEMU's notice for a device with no reset of its own on a root bus
	# (edu): the same with stock, and no error of the driver's.
	notes=$(grep -i 'no available reset mechanism' "$nested" 2>/dev/null | sort -u)
	errs=$(grep -i vfio "$nested" 2>/dev/null | grep -v 'terminating on signal' |
		grep -v 'no available reset mechanism')
	[ -n "$notes" ] && echo "$notes" | sed 's/^/# note: /'
	if [ -z "$errs" ]; then
		echo "ok 2 the nested QEMU reported nothing about vfio"
	else
		echo "not ok 2 the nested QEMU reported nothing about vfio"
		echo "$errs" | sed 's/^/# nested qemu: /'
	fi
	case $verdict in
	ok) echo "ok 3 outer guest finished with a clean dmesg" ;;
	*) echo "not ok 3 outer guest finished with a clean dmesg ($verdict)" ;;
	esac
	# The device as SeaBIOS saw it, for the log.
	grep -i "$(echo "$bdf" | cut -c6- | tr -d :.)\|PCI: .*00:03" "$seabios" 2>/dev/null | head -n 3 | sed 's/^/# /'
} >"$out/tap/vmm.tap"
cat "$out/tap/vmm.tap"
