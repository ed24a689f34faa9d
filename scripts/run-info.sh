#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make info: boot the rig with our vfio-pci, bind the GPU-host's devices and
# print, per device, what VFIO reports (regions and IRQs).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

echo "run: building the driver and the tools"
make -s modules >/dev/null
make -s -C tools/testing/selftests/vfio >/dev/null

out=$top/build/run
echo "run: booting the rig (QEMU TCG, q35, emulated VT-d); this takes about 20 s"
DRIVER=${DRIVER:-ours} RIG_TESTS=none scripts/vm-suite.sh "$out" >"$out.log" 2>&1 &
pid=$!

# Progress: follow the guest's markers on its output port while it runs.
stage() {
	case $1 in
	"rig: driver"*) echo "guest booted, ${1#rig: }" ;;
	"RIG-TEST-BEGIN rig-bind") echo "binding the devices to vfio-pci" ;;
	"RIG-TEST-BEGIN info.txt") echo "asking VFIO about every device" ;;
	"RIG-TEST-BEGIN rig-cleanup") echo "giving the devices back, powering off" ;;
	esac
}
shown=0 t=0
while kill -0 "$pid" 2>/dev/null; do
	sleep 1
	t=$((t + 1))
	marks=$(grep -aE '^(rig: |RIG-TEST-BEGIN )' "$out/out.log" 2>/dev/null | tr -d '\r')
	count=$(printf '%s' "$marks" | grep -c '^' || true)
	if [ "$count" -gt "$shown" ]; then
		printf '%s\n' "$marks" | tail -n +"$((shown + 1))" | while IFS= read -r m; do
			msg=$(stage "$m")
			[ -n "$msg" ] && echo "run:   [${t}s] $msg"
		done
		shown=$count
	elif [ $((t % 15)) = 0 ]; then
		echo "run:   [${t}s] still running (guest console: $out/console.log)"
	fi
done
wait "$pid" || true
if [ ! -s "$out/tap/info.txt" ]; then
	echo "run: the guest did not report; see $out/console.log" >&2
	cat "$out.log" >&2
	exit 1
fi
echo "run: bound to vfio-pci:"
grep -E '^(ok|not ok) ' "$out/tap/rig-bind.tap" | sed 's/^/  /'
echo "run: the driver's messages in the guest's dmesg:"
grep -aE 'vfio-pci [0-9a-f:.]+: (bound|unbound), group' "$out/dmesg.log" | tr -d '\r' | sed 's/^/  /'
echo "run: what VFIO reports:"
sed 's/^/  /' "$out/tap/info.txt"
echo "run: logs in $out"
