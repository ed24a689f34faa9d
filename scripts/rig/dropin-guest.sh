#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the rig's guest for scripts/dropin-test.sh.  /rig/dropin/ holds
# module trees (make, dkms, uninstall: ROOT/lib/modules/KVER) staged on the
# host and "expect": one line per tree, "NAME SRCVERSION" of the module that
# "modprobe vfio-pci" must load from it, or "NAME stock" for the kernel's
# (which has no srcversion but pulls in vfio_pci_core).  For each tree: make it the
# guest's /lib/modules, modprobe vfio-pci with ids= naming the edu device,
# check what was loaded and that edu is bound, then unload.
kver=$(uname -r)
bdf=0000:00:03.0
dev=/sys/bus/pci/devices/$bdf

echo "RIG-TEST-BEGIN dropin"
echo "TAP version 13"
echo "1..$(($(wc -l </rig/dropin/expect) * 3 + 1))"

# guest-init loaded the driver under test with insmod: start clean.
rmmod vfio_pci 2>/dev/null

n=0
check() {	# check DESCRIPTION COMMAND...
	n=$((n + 1))
	what=$1
	shift
	if "$@"; then echo "ok $n $what"; else echo "not ok $n $what"; fi
}
bound() {
	[ "$(basename "$(readlink "$dev/driver" 2>/dev/null)")" = vfio-pci ] &&
		[ -c "/dev/vfio/$(basename "$(readlink "$dev/iommu_group")")" ]
}

stock_loaded() {
	[ -d /sys/module/vfio_pci ] && [ -d /sys/module/vfio_pci_core ] && [ -z "$1" ]
}

while read -r name want; do
	rm -rf /lib/modules
	mkdir -p /lib/modules
	cp -a "/rig/dropin/$name/lib/modules/$kver" /lib/modules/
	modprobe vfio-pci ids=1234:11e8 2>&1 | sed 's/^/# /'
	got=$(cat /sys/module/vfio_pci/srcversion 2>/dev/null)
	echo "# $name: loaded srcversion ${got:-none}, expected $want"
	if [ "$want" = stock ]; then
		check "$name: modprobe vfio-pci loads the kernel's module" stock_loaded "$got"
	else
		check "$name: modprobe vfio-pci loads ours (srcversion $want)" [ "$got" = "$want" ]
	fi
	check "$name: edu ($bdf) bound to vfio-pci, group node present" bound
	modprobe -r vfio-pci 2>&1 | sed 's/^/# /'
	rmmod vfio_pci_core 2>/dev/null
	check "$name: vfio-pci unloads" [ ! -d /sys/module/vfio_pci ]
done </rig/dropin/expect

check "our driver names the device and its group on bind and unbind" \
	sh -c "dmesg | grep -q 'vfio-pci $bdf: bound, group [0-9]' &&
	       dmesg | grep -q 'vfio-pci $bdf: unbound, group [0-9]'"

echo "# dmesg:"
dmesg | grep -E 'vfio|0000:00:03.0' | tail -n 20 | sed 's/^/# /'
echo "RIG-TEST-END dropin 0"
