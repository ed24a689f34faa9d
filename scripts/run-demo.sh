#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: the demo.  Boot the rig, bind the GPU (01:00.0) and its audio
# function to our vfio-pci, and inside the guest run the host's QEMU with
# -device vfio-pci,host=0000:01:00.0,x-vga=on.  SeaBIOS in that nested VM
# runs the card's VGA BIOS through our ROM and VGA regions, then boots the
# host's kernel, whose bochs-drm driver takes the card over through its
# BARs and draws a framebuffer console with a banner on it; the outer
# QEMU's monitor takes a screenshot of the card.
#
# DEMO=seabios stops at SeaBIOS's banner, drawn by the card's VGA BIOS
# (about a minute).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
demo=${DEMO:-linux}
case $demo in
seabios)
	out=$top/build/run args=() ref=scripts/rig/data/seabios-banner-stock.png
	what="the SeaBIOS banner"
	echo "run: the SeaBIOS demo takes about a minute (QEMU in QEMU, both under TCG)" ;;
linux)
	out=$top/build/run-linux args=(--linux) ref=scripts/rig/data/linux-banner-stock.png
	what="Linux's banner"
	echo "run: the demo takes about 3 minutes (Linux in QEMU in QEMU, both under TCG); DEMO=seabios stops at the BIOS" ;;
*)
	echo "run: DEMO must be seabios or linux" >&2
	exit 64 ;;
esac

# demo.py counts its seconds from here, so the build is on the same clock.
export DEMO_T0=$EPOCHREALTIME
echo "run: [  0s] building the driver and the tools"
make -s modules >/dev/null && make -s -C tools/testing/selftests/vfio >/dev/null || exit 1

DRIVER=${DRIVER:-ours} python3 scripts/demo.py "$out" "${args[@]}" --reference "$ref" \
	>"$out.tap" 2> >(sed 's/^demo: /run: /')
rc=$?
wait
sed 's/^/run:   /' "$out.tap" | grep -v 'TAP version\|1\.\.'
if grep -q '^ok 1 ' "$out.tap"; then
	echo "run: $what is on the assigned card: $out/screen.png"
else
	echo "run: no $what on the assigned card; logs in $out/vm"
fi
exit $rc
