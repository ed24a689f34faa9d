#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nosnoop-check.sh OUTDIR
#
# What reaches the device of the nosnoop= policy, seen from the host: boot
# the rig once per configuration, {allow, deny, auto} x {snoop control off,
# on} with our driver and stock without snoop control, with the outer
# QEMU tracing pci_cfg_write.  In the guest, vfio_pci_nosnoop_test runs on
# virtio-rng 02:00.0 (it writes Enable No Snoop through the config region,
# resets the device and closes it).  Then the trace is read for the Device
# Control writes that reached the device (PCIe capability at 0x40, Device
# Control at 0x48; QEMU prints "pci_cfg_write virtio-rng-pci 02:00.0
# @0x48 <- 0x..." without the width, so a byte write of the upper half
# shows at 0x49):
#
#   effective deny (deny; auto without snoop control): no write with
#     Enable No Snoop (bit 11) set
#   effective allow (allow, auto with snoop control, stock): the guest's
#     write with bit 11 set is seen
#   the whole register: with ours, the test's writes of the other Device
#     Control bits (error reporting enables, payload sizes) stay virtual,
#     so every write that reaches the device carries the same value in
#     all bits but Enable No Snoop and Initiate FLR (bit 15, the PCI
#     core's function reset); stock passes them through, so there it
#     carries several (the documented difference)
#
# One more boot checks that a bad nosnoop= value fails the module load.
#
# The module and the selftests must be built.  Runs land in OUTDIR/NAME;
# TAP goes to stdout.  Eight boots of some 30 s each.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: nosnoop-check.sh OUTDIR}
mkdir -p "$out"
bdf=0000:02:00.0

# name driver policy snoop-control effective
configs="
ours-allow-nosc  ours  allow 0 allow
ours-allow-sc    ours  allow 1 allow
ours-deny-nosc   ours  deny  0 deny
ours-deny-sc     ours  deny  1 deny
ours-auto-nosc   ours  auto  0 deny
ours-auto-sc     ours  auto  1 allow
stock-nosc       stock -     0 allow
"

# Device Control writes to 02:00.0 that carry Enable No Snoop.
nosnoop_writes() {
	local off val hits=0

	while read -r off val; do
		if { [ "$off" = @0x48 ] && (( val & 0x800 )); } ||
		   { [ "$off" = @0x49 ] && (( val & 0x8 )); }; then
			hits=$((hits + 1))
		fi
	done < <(sed -n 's/^pci_cfg_write [^ ]* 02:00\.0 \(@0x4[89]\) <- \(0x[0-9a-f]*\)$/\1 \2/p' "$1")
	echo "$hits"
}

# The distinct values Device Control writes to 02:00.0 carry in the bits
# other than Enable No Snoop and Initiate FLR (the 16-bit register at
# 0x48, or its upper byte alone at 0x49).
devctl_others() {
	local off val

	while read -r off val; do
		if [ "$off" = @0x48 ]; then
			printf '%#x\n' $(( val & ~0x8800 & 0xffff ))
		else
			printf '%#x\n' $(( (val & ~0x88 & 0xff) << 8 ))
		fi
	done < <(sed -n 's/^pci_cfg_write [^ ]* 02:00\.0 \(@0x4[89]\) <- \(0x[0-9a-f]*\)$/\1 \2/p' "$1") |
		sort -u | tr '\n' ' '
}

echo "TAP version 13"
echo "1..$(($(echo "$configs" | grep -c .) * 4 + 1))"
n=0
while read -r name driver policy sc effective; do
	[ -n "$name" ] || continue
	run=$out/$name
	args=(--qemu-trace pci_cfg_write)
	[ "$sc" = 1 ] && args+=(--snoop-control)
	[ "$policy" != - ] && args+=(--driver-args "nosnoop=$policy")
	DRIVER=$driver RIG_DEVICES=$bdf RIG_TESTS="vfio_pci_nosnoop_test $bdf" \
		VFIO_SELFTESTS_SNOOP_CONTROL=$sc \
		"$top/scripts/vm-suite.sh" "$run" "${args[@]}" >"$out/$name.log" 2>&1

	tap=$run/tap/vfio_pci_nosnoop_test@$bdf
	n=$((n + 1))
	if [ "$(cat "$run/verdict" 2>/dev/null)" = ok ] && [ "$(cat "$tap.rc" 2>/dev/null)" = 0 ]; then
		echo "ok $n $name: vfio_pci_nosnoop_test passes in the guest"
	else
		echo "not ok $n $name: vfio_pci_nosnoop_test passes in the guest"
		grep -h '^not ok\|SKIP\|verdict' "$tap.tap" "$run/verdict" 2>/dev/null | sed 's/^/# /'
	fi

	n=$((n + 1))
	if [ "$driver" = stock ]; then
		echo "ok $n $name: no policy line # SKIP stock has no nosnoop="
	elif grep -q "$bdf: no-snoop: $effective (" "$run/dmesg.log" 2>/dev/null; then
		echo "ok $n $name: dmesg names the policy: $(grep -o "no-snoop: $effective ([^)]*)" "$run/dmesg.log" | head -n 1)"
	else
		echo "not ok $n $name: dmesg names the policy ($effective)"
		grep -h 'no-snoop' "$run/dmesg.log" 2>/dev/null | head -n 3 | sed 's/^/# /'
	fi

	n=$((n + 1))
	if [ ! -s "$run/qemu-trace.log" ]; then
		echo "not ok $n $name: no QEMU trace"
		n=$((n + 1))
		echo "not ok $n $name: no QEMU trace"
		continue
	fi
	hits=$(nosnoop_writes "$run/qemu-trace.log")
	total=$(grep -c "02:00.0 @0x4[89] " "$run/qemu-trace.log")
	if [ "$effective" = deny ] && [ "$hits" = 0 ]; then
		echo "ok $n $name: none of $total Device Control writes set Enable No Snoop"
	elif [ "$effective" = allow ] && [ "$hits" -gt 0 ]; then
		echo "ok $n $name: $hits of $total Device Control writes set Enable No Snoop"
	else
		echo "not ok $n $name: $hits of $total Device Control writes set Enable No Snoop (policy $effective)"
	fi

	n=$((n + 1))
	others=$(devctl_others "$run/qemu-trace.log")
	count=$(echo "$others" | wc -w)
	if [ "$driver" = stock ] && [ "$count" -gt 1 ]; then
		echo "ok $n $name: the other Device Control bits reach the device (stock passes them through): $others"
	elif [ "$driver" = ours ] && [ "$count" -le 1 ]; then
		echo "ok $n $name: only Enable No Snoop of Device Control reaches the device (the other bits: ${others:-no write})"
	else
		echo "not ok $n $name: the other Device Control bits reaching the device carry: ${others:-no write}"
	fi
done <<<"$configs"

# nosnoop=bogus: the load fails with -EINVAL and says why.
n=$((n + 1))
"$top/scripts/rig/vm.sh" --out "$out/bad-param" -- \
	'rmmod vfio_pci; insmod /rig/vfio-pci.ko nosnoop=bogus; echo "insmod-rc=$?"' \
	>"$out/bad-param.log" 2>&1
if grep -q '^insmod-rc=[1-9]' "$out/bad-param/out.log" 2>/dev/null &&
   grep -q 'nosnoop=bogus: must be allow, auto or deny' "$out/bad-param/dmesg.log"; then
	echo "ok $n nosnoop=bogus fails the module load"
else
	echo "not ok $n nosnoop=bogus fails the module load"
	grep -h 'insmod\|nosnoop' "$out/bad-param/out.log" "$out/bad-param/dmesg.log" 2>/dev/null | sed 's/^/# /'
fi
