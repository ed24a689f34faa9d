#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: the demo.  Boot the rig, bind the GPU (01:00.0) and its audio
# function to our vfio-pci, and inside the guest run the host's QEMU with
# -device vfio-pci,host=0000:01:00.0,x-vga=on.  SeaBIOS in that nested VM
# runs the card's VGA BIOS through our ROM and VGA regions and prints on
# the card; the outer QEMU's monitor takes a screenshot of it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

echo "run: building the driver and the tools"
make -s modules >/dev/null && make -s -C tools/testing/selftests/vfio >/dev/null || exit 1

out=$top/build/run
echo "run: the demo takes about a minute (QEMU in QEMU, both under TCG)"
DRIVER=${DRIVER:-ours} python3 scripts/demo.py "$out" \
	--reference scripts/rig/data/seabios-banner-stock.png >"$out.tap" 2> >(sed 's/^demo: /run: /')
rc=$?
wait
sed 's/^/run:   /' "$out.tap" | grep -v 'TAP version\|1\.\.'
if grep -q '^ok 1 ' "$out.tap"; then
	echo "run: the SeaBIOS banner is on the assigned card: $out/screen.png"
else
	echo "run: no SeaBIOS banner on the assigned card; logs in $out/vm"
fi
exit $rc
