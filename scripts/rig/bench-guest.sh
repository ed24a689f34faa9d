#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-guest.sh ROUNDS N [BENCH...]: the benchmarks of scripts/bench.sh, in one rig
# guest, with both drivers in turn.  Every round loads one driver, runs
# every benchmark, unloads it and does the same with the other (ours
# first in odd rounds, stock first in even ones), so that the two are
# measured under the same load, in the same guest, on the same devices.
# The devices stay bound through driver_override: unloading one vfio-pci
# unbinds them, loading the other binds them again.
#
# BENCH... limits a round to those benchmarks (bar cfg irq populate vga
# rom; default all of them).
#
# Each run is a section "bench-DRIVER-ROUND.txt" on the rig's output;
# its first line says which module is loaded ("# driver ours|stock").
. /rig/config
st=/rig/selftests
rounds=$1 n=$2
shift 2
only=${*:-bar cfg irq populate vga rom}
edu=0000:00:03.0 gpu=0000:01:00.0 hda=0000:01:00.1 cirrus=0000:04:01.0
pcie=0000:02:00.0 big=0000:06:00.0
devs="$edu $gpu $hda $cirrus $pcie"
[ -e /sys/bus/pci/devices/$big ] && devs="$devs $big"

loaded=$RIG_DRIVER

load() {
	case $1 in
	stock)
		[ -d /sys/module/vfio_pci_core ] || insmod /rig/modules/vfio-pci-core.ko
		insmod /rig/modules/vfio-pci.ko ;;
	ours)
		insmod /rig/vfio-pci.ko $RIG_DRIVER_ARGS ;;
	esac
}

# Which vfio-pci is loaded: stock's holds vfio_pci_core, ours does not.
which_driver() {
	if [ -e /sys/module/vfio_pci_core/holders/vfio_pci ]; then echo stock; else echo ours; fi
}

swap_to() {
	[ "$loaded" = "$1" ] && return 0
	rmmod vfio_pci || return 1
	load "$1" || return 1
	loaded=$1
	for dev in $devs; do
		[ "$(basename "$(readlink /sys/bus/pci/devices/$dev/driver 2>/dev/null)")" = vfio-pci ] ||
			{ echo "bench-guest: $dev did not bind to $1's vfio-pci" >&2; return 1; }
	done
}

want() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }

run() {
	echo "# driver $(which_driver)"
	if want bar; then $st/vfio_pci_bar_bench -n "$n" $edu || return 1; fi
	if want cfg; then
		$st/vfio_pci_cfg_bench -n $((n / 4)) $edu || return 1
		$st/vfio_pci_cfg_bench -n $((n / 4)) $pcie || return 1
	fi
	if want irq; then $st/vfio_pci_irq_bench -n $((n / 10)) $edu || return 1; fi
	if want populate; then
		$st/vfio_pci_populate_bench $gpu $([ -e /sys/bus/pci/devices/$big ] && echo $big) ||
			return 1
	fi
	if want vga; then $st/vfio_pci_vga_bench $gpu $cirrus || return 1; fi
	if want rom; then $st/vfio_pci_rom_bench $gpu $cirrus || return 1; fi
}

$st/scripts/setup.sh $devs >/dev/null || exit 1
status=0
r=1
while [ $r -le "$rounds" ]; do
	if [ $((r % 2)) = 1 ]; then order="ours stock"; else order="stock ours"; fi
	for d in $order; do
		swap_to $d || { status=1; break 2; }
		echo "RIG-TEST-BEGIN bench-$d-$r.txt"
		run
		rc=$?
		echo "RIG-TEST-END bench-$d-$r.txt $rc"
		[ $rc = 0 ] || status=1
	done
	r=$((r + 1))
done
$st/scripts/cleanup.sh >/dev/null
exit $status
