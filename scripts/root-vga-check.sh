#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# root-vga-check.sh OUTDIR
#
# A second VGA card on the root bus, beside the boot VGA: one rig guest
# with vm.sh --root-vga (0000:00:08.0) and $DRIVER (ours | stock; OUR_KO
# names another build of ours), running vfio_pci_root_vga_test on that
# card with the GPU 01:00.0 as the card behind a bridge.  Such a card's
# own enables are its legacy routing and its ROM is read through its ROM
# BAR, so its ROM read with memory decode off waits for the VGA arbiter,
# and routing legacy VGA elsewhere turns its decode off: paths the default
# topology, whose only root-bus VGA is the boot card, cannot reach.  It
# stays out of that topology so that no other test's results move.
#
# The module and the selftests must be built.  Results: OUTDIR/tap/*.tap
# (vm-suite.sh's: rig-bind, the test, rig-cleanup, rig-vm).  One boot,
# under half a minute on an idle host.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: root-vga-check.sh OUTDIR}
card=0000:00:08.0
gpu=0000:01:00.0

RIG_DEVICES="$card $gpu 0000:01:00.1" RIG_VGA_CARDS="$card $gpu" \
	RIG_TESTS="vfio_pci_root_vga_test $card" \
	"$top/scripts/vm-suite.sh" "$out" --root-vga
