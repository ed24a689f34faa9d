#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh BDF...  Bind each device to vfio-pci through driver_override,
# remembering its previous driver and driver_override so that cleanup.sh can
# put things back.  Works on a real host as well as in the test rig.
set -eu
state=${VFIO_SELFTESTS_STATE:-/tmp/vfio-selftests}
mkdir -p "$state"

for bdf in "$@"; do
	dev=/sys/bus/pci/devices/$bdf
	[ -d "$dev" ] || { echo "setup.sh: no device $bdf" >&2; exit 1; }
	if [ ! -e "$state/$bdf" ]; then
		drv=""
		[ -e "$dev/driver" ] && drv=$(basename "$(readlink "$dev/driver")")
		ovr=$(cat "$dev/driver_override")
		[ "$ovr" = "(null)" ] && ovr=""
		printf '%s\n%s\n' "$drv" "$ovr" >"$state/$bdf"
	fi
	if [ -e "$dev/driver" ]; then
		[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ] && continue
		echo "$bdf" >"$dev/driver/unbind"
	fi
	echo vfio-pci >"$dev/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers_probe
	if [ "$(basename "$(readlink "$dev/driver" 2>/dev/null)")" != vfio-pci ]; then
		echo "setup.sh: $bdf did not bind to vfio-pci" >&2
		exit 1
	fi
done
