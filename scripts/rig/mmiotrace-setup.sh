#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the rig's guest before the suite binds anything (guest-suite.sh's
# RIG_SETUP, from width-check.sh): turn the kernel's mmiotrace on, then
# load the driver under test again, so that mmiotrace also sees the
# mappings it makes at load (ours maps the legacy VGA memory then).
# mmiotrace takes the other CPUs offline while it runs.
t=/sys/kernel/tracing
[ -e $t/current_tracer ] || mount -t tracefs nodev $t
echo 4096 >$t/buffer_size_kb
echo mmiotrace >$t/current_tracer || echo "rig: no mmiotrace"
# shellcheck source=/dev/null
. /rig/config
rmmod vfio_pci
if [ "$RIG_DRIVER" = stock ]; then
	insmod /rig/modules/vfio-pci.ko
else
	# shellcheck disable=SC2086
	insmod /rig/vfio-pci.ko $RIG_DRIVER_ARGS
fi
echo "rig: mmiotrace on, vfio_pci ($RIG_DRIVER) loaded again"
