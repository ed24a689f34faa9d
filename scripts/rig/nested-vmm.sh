#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# nested-vmm.sh DONE-FILE BDF [QEMU-ARGS...]
#
# Runs in the rig's guest (from /rig): bind BDF's IOMMU group to vfio-pci,
# mount the host's / read-only over 9p (tag hostroot), chroot into it and
# run the host's QEMU (TCG, -M pc) with BDF assigned.  QEMU runs until
# DONE-FILE appears on the host (the host watches the card through the
# outer QEMU's monitor and creates it), until SeaBIOS's debug console
# shows NESTED_UNTIL (a grep pattern, when set), or for NESTED_TIMEOUT
# seconds.  The nested QEMU's messages and SeaBIOS's debug console are
# printed at the end, framed as the sections nested-qemu.txt and
# seabios.txt.
#
# NESTED_LINUX=DIR (made by mknested-linux.sh, copied under /rig) boots a
# Linux kernel in the nested VM: the kernel named in DIR/kernel (a path
# in the host's /), DIR/initrd.cpio.gz and DIR/cmdline; DIR/qemu-args
# holds more arguments for the nested QEMU (split at spaces).  Its serial
# console is the section nested-serial.txt, and its "linux-demo: ..."
# progress lines are relayed as they come, as "nested: linux: ...".
done_file=$1 bdf=$2
shift 2
st=/rig/selftests
say() { echo "nested: $*"; }

group=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")
members=$(ls "/sys/kernel/iommu_groups/$group/devices")
# Bridges in the group stay with their driver; endpoints go to vfio-pci.
binds=""
for d in $members; do
	case $(cat "/sys/bus/pci/devices/$d/class") in
	0x0604*) ;;
	*) binds="$binds $d" ;;
	esac
done
say "binding group $group:$binds"
"$st/scripts/setup.sh" $binds || exit 1

mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=none hostroot /host || exit 1
for m in dev proc sys; do
	mount --bind "/$m" "/host/$m" || exit 1
done
# Scratch space for QEMU on a tmpfs at the chroot's /run; the host's /tmp
# stays visible (the DONE-FILE may be there, under a clone in /tmp).
mount -t tmpfs tmpfs /host/run

set -- -device "vfio-pci,host=$bdf${*:+,$*}"
if [ -n "${NESTED_LINUX:-}" ]; then
	cp "$NESTED_LINUX/initrd.cpio.gz" /host/run/initrd.cpio.gz || exit 1
	set -- "$@" -kernel "$(cat "$NESTED_LINUX/kernel")" -initrd /run/initrd.cpio.gz \
		-append "$(cat "$NESTED_LINUX/cmdline")"
	# shellcheck disable=SC2046
	[ -f "$NESTED_LINUX/qemu-args" ] && set -- "$@" $(cat "$NESTED_LINUX/qemu-args")
fi

say "starting the host's QEMU with $bdf assigned"
chroot /host env TMPDIR=/run /usr/bin/qemu-system-x86_64 -M pc -accel tcg -m 256 \
	-nodefaults -vga none -display none -no-user-config "$@" \
	-chardev file,id=seabios,path=/run/seabios.log \
	-device isa-debugcon,iobase=0x402,chardev=seabios \
	-serial file:/run/nested-serial.log >/tmp/nested.log 2>&1 &
qpid=$!
say "nested QEMU pid $qpid"

# Relay what is new in the nested VM: SeaBIOS handing over to the kernel,
# and the Linux guest's own progress lines.
relayed=0 booting=""
relay() {
	if [ -z "$booting" ] && grep -q 'Booting from ROM' /host/run/seabios.log 2>/dev/null; then
		booting=1
		say "seabios: booting the kernel"
	fi
	[ -n "${NESTED_LINUX:-}" ] || return 0
	tr -d '\r' </host/run/nested-serial.log 2>/dev/null | grep '^linux-demo: ' >/tmp/marks
	n=$(wc -l </tmp/marks)
	if [ "$n" -gt "$relayed" ]; then
		tail -n +$((relayed + 1)) /tmp/marks | sed 's/^linux-demo: /nested: linux: /'
		relayed=$n
	fi
}

timeout=${NESTED_TIMEOUT:-240}
t=0
while [ $t -lt "$timeout" ]; do
	relay
	[ -e "/host$done_file" ] && break
	if [ -n "${NESTED_UNTIL:-}" ] && grep -q "$NESTED_UNTIL" /host/run/seabios.log 2>/dev/null; then
		say "SeaBIOS reached: $NESTED_UNTIL"
		break
	fi
	kill -0 $qpid 2>/dev/null || { say "nested QEMU exited early"; break; }
	sleep 2
	t=$((t + 2))
done
say "stopping after ${t}s"
kill $qpid 2>/dev/null
wait $qpid
cp /tmp/nested.log /rig-nested.log 2>/dev/null

echo "RIG-TEST-BEGIN nested-qemu.txt"
cat /rig-nested.log 2>/dev/null
echo "RIG-TEST-END nested-qemu.txt 0"
echo "RIG-TEST-BEGIN seabios.txt"
tr -d '\r' </host/run/seabios.log 2>/dev/null
echo "RIG-TEST-END seabios.txt 0"
if [ -n "${NESTED_LINUX:-}" ]; then
	echo "RIG-TEST-BEGIN nested-serial.txt"
	tr -d '\r' </host/run/nested-serial.log 2>/dev/null
	echo "RIG-TEST-END nested-serial.txt 0"
fi

umount /host/run /host/sys /host/proc /host/dev /host
"$st/scripts/cleanup.sh"
exit 0
