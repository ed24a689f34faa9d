#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mknested-linux.sh DIR [KVER]
#
# The Linux guest of the demo (make run DEMO=linux): the nested VM boots
# the host's own Debian kernel KVER (default: the newest installed 6.12)
# with a tiny busybox initramfs that loads bochs-drm, the native driver of
# the rig's GPU, and prints a banner on its framebuffer console.  Writes
#   DIR/kernel        the kernel's path, as seen in the host's / (chroot)
#   DIR/initrd.cpio.gz
#   DIR/cmdline       the kernel command line
#   DIR/qemu-args     more arguments for the nested QEMU
# for scripts/rig/nested-vmm.sh (NESTED_LINUX=DIR).
#
# Why bochs-drm and not vga=0x318 (a VBE mode from the card's VGA BIOS):
# the card's BIOS (SeaBIOS's vgabios-stdvga) reaches the Bochs VBE
# registers only through I/O ports 0x1ce/0x1cf, which are not legacy VGA
# ranges: neither the VFIO VGA region nor QEMU's vfio quirks forward them,
# so in the nested VM the BIOS logs "No VBE DISPI interface detected,
# falling back to stdvga" and offers no VBE mode.  bochs-drm reaches the
# same registers through the card's MMIO BAR 2, and its framebuffer is
# BAR 0: both are BARs the nested QEMU maps through the driver's mmap.
set -eu

dir=$1
here=$(cd "$(dirname "$0")" && pwd)
kver=${2:-$(ls /boot/ | sed -n 's/^vmlinuz-\(6\.12\..*-amd64\)$/\1/p' |
	grep -v -- '-rt-amd64$' | sort -V | tail -n 1)}
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "mknested-linux: no kernel $kernel" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,modules}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/nested-linux-init" "$root/init"
chmod +x "$root/init"

# bochs-drm and what it needs, decompressed (busybox insmod does not
# inflate), in the load order modprobe would use.
: >"$root/modules.order"
modprobe -S "$kver" --show-depends bochs | while read -r verb path _; do
	[ "$verb" = insmod ] || continue
	name=$(basename "$path")
	name=${name%%.ko*}
	case $path in
	(*.xz) xz -dc "$path" ;;
	(*.zst) zstd -qdc "$path" ;;
	(*) cat "$path" ;;
	esac >"$root/modules/$name.ko"
	echo "$name" >>"$root/modules.order"
done
grep -qx bochs "$root/modules.order" || { echo "mknested-linux: no bochs module for $kver" >&2; exit 1; }

mkdir -p "$dir"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -9 >"$dir/initrd.cpio.gz"
echo "$kernel" >"$dir/kernel"
# quiet: every console line costs VGA region traps under nested TCG.
# A fixed mode, no cursor and no blanking keep the screenshot the same
# from run to run.
# No CMPXCHG16B for the nested CPU: with it, the nested kernel took a
# double fault in early boot (start_kernel, in SLUB's this-cpu cmpxchg of
# __kmalloc, before any PCI device was touched): an emulator-in-emulator
# fault, not the card's.  Without it SLUB uses its locked path.
echo "-cpu qemu64,-cx16" >"$dir/qemu-args"
echo "console=ttyS0 console=tty0 quiet mitigations=off video=1024x768 vt.global_cursor_default=0 consoleblank=0 panic=-1" >"$dir/cmdline"
