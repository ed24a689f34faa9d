#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the rig's guest (from /rig): bind the target devices to vfio-pci
# with the selftests' setup script, run every selftest on the devices it is
# meant for, and give the devices back.  Each run is framed by
# RIG-TEST-BEGIN/END lines, which vm.sh turns into tap/NAME.tap files.
#
# RIG_DEVICES overrides the device list; RIG_TESTS the test list;
# RIG_SETUP names a script to run first, before any device is bound
# (width-check.sh's: mmiotrace on, then the driver loaded again).
# FUZZ_CALLS (default 100000, about 5 s on the normal kernel) and
# FUZZ_SEED go to the fuzzer.  FAIL_NTH=1 adds the fail-nth sweep (make
# check-debug sets it; it SKIPs on a kernel that cannot confine its faults
# to the driver).

devices=${RIG_DEVICES:-"0000:00:03.0 0000:01:00.0 0000:01:00.1 0000:02:00.0 0000:04:01.0"}
# The boot VGA is bound too, for the VGA isolation test; the generic tests
# leave it alone.
vga_cards=${RIG_VGA_CARDS:-"0000:00:01.0 0000:01:00.0 0000:04:01.0"}
export VFIO_SELFTESTS_VGA_BDFS="$vga_cards"
st=/rig/selftests
# The PF driver of the SR-IOV test (vfio_pci_probe_test), when the kernel has it.
[ -f /rig/modules/pci-pf-stub.ko ] && [ ! -d /sys/bus/pci/drivers/pci-pf-stub ] &&
	insmod /rig/modules/pci-pf-stub.ko
# A VFIO PCI driver that is not vfio-pci, for the device-set tests (it binds
# nothing by itself).
[ -f /rig/modules/vfio_pci_foreign.ko ] && [ ! -d /sys/bus/pci/drivers/vfio-pci-foreign ] &&
	insmod /rig/modules/vfio_pci_foreign.ko

[ -n "${RIG_SETUP:-}" ] && sh "$RIG_SETUP"

begin() { echo "RIG-TEST-BEGIN $1"; }
end() { echo "RIG-TEST-END $1 $2"; }

# The rig's own checks: every target binds, and its group node appears,
# and its device cdev on a kernel with CONFIG_VFIO_DEVICE_CDEV.
begin rig-bind
set -- $devices
echo "TAP version 13"
echo "1..$(($# * 3))"
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
	n=$((n + 1))
	c=$(ls "/sys/bus/pci/devices/$d/vfio-dev" 2>/dev/null | head -n 1)
	if [ ! -e /dev/iommu ]; then
		echo "ok $n device cdev for $d # SKIP kernel without CONFIG_IOMMUFD"
	elif [ -n "$c" ] && [ -c "/dev/vfio/devices/$c" ]; then
		echo "ok $n device cdev for $d: /dev/vfio/devices/$c"
	else
		echo "not ok $n device cdev for $d: ${c:-no vfio-dev/ in sysfs}"
	fi
done
end rig-bind 0
"$st/scripts/setup.sh" $vga_cards >/dev/null 2>&1 || echo "rig: could not bind $vga_cards"

# test  devices it runs on ("all" = every target, one run each; "vga" =
#       the VGA cards; "together" = one run given every target)
#       [harness options; a run with options is named test:N@device]
# The fuzzer runs when FUZZ_CALLS is set (make check-debug sets it): its
# random register writes now and then crash the host's QEMU itself, which
# only the debug lane tells apart and retries.
tests=${RIG_TESTS:-"
vfio_pci_device_test all
vfio_pci_config_test all
vfio_pci_bar_test all
vfio_pci_dma_test 0000:00:03.0
vfio_pci_vga_test all -T isolation_between_cards -T routing_survives_hot_reset -T own_accesses_side_by_side_with_hot_reset -T hot_reset_waiting_for_access_killed -T hot_reset_does_not_wait_for_arbiter -T hot_reset_leaves_routing_moved_away -T host_routing_untouched -T host_routing_back_after_release -T boot_vga_resume_keeps_routing
vfio_pci_vga_test 0000:01:00.0 -t isolation_between_cards -t routing_survives_hot_reset -t own_accesses_side_by_side_with_hot_reset -t hot_reset_waiting_for_access_killed -t hot_reset_does_not_wait_for_arbiter -t hot_reset_leaves_routing_moved_away -t boot_vga_resume_keeps_routing
vfio_pci_vga_test host-vga -t host_routing_untouched -t host_routing_back_after_release
vfio_pci_irq_test 0000:00:03.0
vfio_pci_irq_test 0000:02:00.0
vfio_pci_irq_test 0000:04:01.0
vfio_pci_reset_test all
vfio_pci_nosnoop_test 0000:02:00.0
vfio_pci_vgaarb_test 0000:01:00.0
vfio_pci_isolation_test all
vfio_pci_isolation_test 0000:00:01.0
vfio_pci_probe_test 0000:05:00.0
vfio_pci_pm_test all
vfio_pci_sriov_test 0000:05:00.0
vfio_pci_msix_resize_test 0000:05:00.0
vfio_pci_huge_test all
vgaarb-top 0000:01:00.0
${FUZZ_CALLS:+vfio_pci_fuzz together}
${FAIL_NTH:+vfio_pci_fail_nth all}
"}
export FUZZ_CALLS=${FUZZ_CALLS:-100000}
[ -n "${FUZZ_SEED:-}" ] && export FUZZ_SEED
[ -n "${FUZZ_SKIP:-}" ] && export FUZZ_SKIP

n=0
echo "$tests" | while read -r t on opts; do
	[ -n "$t" ] && [ "$t" != none ] || continue
	if [ "$on" = together ]; then
		begin "$t"
		timeout 1200 "$st/$t" $devices 2>&1
		end "$t" $?
		continue
	fi
	if [ "$t" = vgaarb-top ]; then
		# The arbiter's statistics viewer, one screen (patched kernels).
		begin vgaarb-top
		echo "TAP version 13"
		echo "1..1"
		if [ ! -d /sys/kernel/debug/vgaarb ]; then
			echo "ok 1 vgaarb-top # SKIP no arbiter statistics (unpatched kernel)"
		elif sh /rig/vgaarb-top -n 1 >/tmp/top.out 2>&1 &&
		     grep -q "^$on " /tmp/top.out; then
			echo "ok 1 vgaarb-top shows $on"
		else
			echo "not ok 1 vgaarb-top shows $on"
		fi
		sed 's/^/# /' /tmp/top.out 2>/dev/null
		end vgaarb-top 0
		continue
	fi
	if [ "$on" = host-vga ]; then
		# The boot VGA goes back to the host for this run, then to vfio-pci.
		boot=$(grep -l 1 /sys/bus/pci/devices/*/boot_vga 2>/dev/null | head -n 1)
		boot=$(basename "$(dirname "${boot:-/x/none}")")
		if [ -e "/sys/bus/pci/devices/$boot/driver" ]; then
			echo "$boot" >"/sys/bus/pci/devices/$boot/driver/unbind"
		fi
		echo >"/sys/bus/pci/devices/$boot/driver_override" 2>/dev/null
		begin "$t:host@$boot"
		# shellcheck disable=SC2086
		timeout 600 "$st/$t" $opts 0000:01:00.0 2>&1
		end "$t:host@$boot" $?
		"$st/scripts/setup.sh" "$boot" >/dev/null 2>&1
		continue
	fi
	n=$((n + 1))
	case $on in
	all) on=$devices ;;
	vga) on=$vga_cards ;;
	esac
	name=$t
	[ -n "$opts" ] && name="$t:$n"
	for d in $on; do
		begin "$name@$d"
		# shellcheck disable=SC2086
		timeout 600 "$st/$t" $opts "$d" 2>&1
		end "$name@$d" $?
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
