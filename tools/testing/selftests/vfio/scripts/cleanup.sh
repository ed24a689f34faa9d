#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cleanup.sh [BDF...]  Undo setup.sh: unbind from vfio-pci and give each
# device back its previous driver_override and driver.  Without arguments,
# every device setup.sh recorded.
set -u
state=${VFIO_SELFTESTS_STATE:-/tmp/vfio-selftests}
[ $# -gt 0 ] || set -- $(ls "$state" 2>/dev/null)
rc=0

for bdf in "$@"; do
	dev=/sys/bus/pci/devices/$bdf
	[ -f "$state/$bdf" ] || continue
	drv=$(sed -n 1p "$state/$bdf")
	ovr=$(sed -n 2p "$state/$bdf")
	[ -e "$dev/driver" ] && echo "$bdf" >"$dev/driver/unbind"
	if [ -n "$ovr" ]; then
		echo "$ovr" >"$dev/driver_override"
	else
		echo >"$dev/driver_override"
	fi
	if [ -n "$drv" ]; then
		echo "$bdf" >"/sys/bus/pci/drivers/$drv/bind" 2>/dev/null ||
			echo "$bdf" >/sys/bus/pci/drivers_probe
		if [ "$(basename "$(readlink "$dev/driver" 2>/dev/null)")" != "$drv" ]; then
			echo "cleanup.sh: $bdf did not return to $drv" >&2
			rc=1
		fi
	fi
	rm -f "$state/$bdf"
done
exit $rc
