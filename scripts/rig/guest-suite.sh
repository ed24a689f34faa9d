#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the rig's guest (from /rig): bind the target devices to vfio-pci
# with the selftests' setup script, run every selftest on the devices it is
# meant for, and give the devices back.  Each run is framed by
# RIG-TEST-BEGIN/END lines, which vm.sh turns into tap/NAME.tap files.
#
# RIG_DEVICES overrides the device list; RIG_TESTS the test list.
# FUZZ_CALLS (default 100000, about 5 s on the normal kernel) and
# FUZZ_SEED go to the fuzzer.  FAIL_NTH=1 adds the fail-nth sweep (debug
# kernel only): off by default, because faults injected into the IRQ core
# (not confined to vfio-pci.ko yet) trip its own WARNING in
# remove_proc_entry when an MSI-X vector's /proc/irq entry failed.

devices=${RIG_DEVICES:-"0000:00:03.0 0000:01:00.0 0000:01:00.1 0000:02:00.0 0000:04:01.0"}
st=/rig/selftests

begin() { echo "RIG-TEST-BEGIN $1"; }
end() { echo "RIG-TEST-END $1 $2"; }

# The rig's own checks: every target binds, and its group node appears.
begin rig-bind
set -- $devices
echo "TAP version 13"
echo "1..$(($# * 2))"
n=0
for d in $devices; do
	n=$((n + 1))
	if "$st/scripts/setup.sh" "$d" >/tmp/setup.log 2>&1; then
		echo "ok $n bind $d to vfio-pci"
	else
		echo "not ok $n bind $d to vfio-pci"
		sed 's/^/# /' /tmp/setup.log
	fi
	n=$((n + 1))
	g=$(basename "$(readlink "/sys/bus/pci/devices/$d/iommu_group")")
	if [ -c "/dev/vfio/$g" ]; then
		echo "ok $n /dev/vfio/$g for $d"
	else
		echo "not ok $n /dev/vfio/$g for $d"
	fi
done
end rig-bind 0

# test  devices it runs on ("all" = every target, one run each;
#                          "together" = one run given every target)
tests=${RIG_TESTS:-"
vfio_pci_device_test all
vfio_pci_fuzz together
${FAIL_NTH:+vfio_pci_fail_nth all}
"}
export FUZZ_CALLS=${FUZZ_CALLS:-100000}
[ -n "${FUZZ_SEED:-}" ] && export FUZZ_SEED
[ -n "${FUZZ_SKIP:-}" ] && export FUZZ_SKIP

echo "$tests" | while read -r t on; do
	[ -n "$t" ] && [ "$t" != none ] || continue
	if [ "$on" = together ]; then
		begin "$t"
		timeout 1200 "$st/$t" $devices 2>&1
		end "$t" $?
		continue
	fi
	[ "$on" = all ] && on=$devices
	for d in $on; do
		begin "$t@$d"
		timeout 600 "$st/$t" "$d" 2>&1
		end "$t@$d" $?
	done
done

# What VFIO reports for each device, for the parity check against stock.
begin info.txt
"$st/vfio_pci_info" $devices
end info.txt $?

begin rig-cleanup
echo "TAP version 13"
echo "1..1"
if "$st/scripts/cleanup.sh" >/tmp/cleanup.log 2>&1; then
	echo "ok 1 devices returned to their drivers"
else
	echo "not ok 1 devices returned to their drivers"
	sed 's/^/# /' /tmp/cleanup.log
fi
end rig-cleanup 0
