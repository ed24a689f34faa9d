#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# width-check.sh OUTDIR
#
# How wide the driver's accesses to a card are: one rig guest with $DRIVER
# (ours | stock; KERNEL/KMODDIR/OUR_KO for another kernel, as vm.sh) turns
# the kernel's mmiotrace on and loads the driver again
# (scripts/rig/mmiotrace-setup.sh), then runs vfio_pci_width_test on the
# GPU 01:00.0: its ROM region is read in accesses of 4 bytes at most, its
# VGA region's memory in 8-byte ones before 6.19 and 4-byte ones after,
# as each kernel's stock driver does.  Results: OUTDIR/tap/*.tap.  One
# boot, under half a minute on an idle host.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: width-check.sh OUTDIR}
gpu=0000:01:00.0
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$top/scripts/rig/mmiotrace-setup.sh" "$stage/"

RIG_DEVICES="$gpu 0000:01:00.1" RIG_VGA_CARDS="$gpu" RIG_SETUP=/rig/mmiotrace-setup.sh \
	RIG_TESTS="vfio_pci_width_test $gpu" \
	"$top/scripts/vm-suite.sh" "$out" --files "$stage"
