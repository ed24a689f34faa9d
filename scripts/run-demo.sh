#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: boot the rig with our vfio-pci, bind the GPU-host's devices and
# print, per device, what VFIO reports (regions and IRQs).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

echo "run: building the driver and the tools"
make -s modules >/dev/null
make -s -C tools/testing/selftests/vfio >/dev/null

out=$top/build/run
echo "run: booting the rig (QEMU TCG, q35, emulated VT-d); this takes about 20 s"
DRIVER=${DRIVER:-ours} RIG_TESTS=none scripts/vm-suite.sh "$out" >"$out.log" 2>&1 || true
if [ ! -s "$out/tap/info.txt" ]; then
	echo "run: the guest did not report; see $out/console.log" >&2
	cat "$out.log" >&2
	exit 1
fi
echo "run: bound to vfio-pci:"
grep -E '^(ok|not ok) ' "$out/tap/rig-bind.tap" | sed 's/^/  /'
echo "run: what VFIO reports:"
sed 's/^/  /' "$out/tap/info.txt"
echo "run: logs in $out"
