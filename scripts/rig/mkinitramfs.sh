#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT.cpio.gz KVER CONFIG [FILE-TREE...]
#
# Build the rig's initramfs: static busybox, the VFIO modules of the
# installed kernel KVER (decompressed, with their dependencies, in load
# order), the stock vfio-pci modules, our vfio-pci.ko (if built), the
# file CONFIG as /rig/config, and the contents of each FILE-TREE directory
# copied under /rig.
set -eu

out=$1 kver=$2 config=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
moddir=/lib/modules/$kver

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,etc,rig/modules,usr/bin,usr/sbin}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/guest-init" "$root/init"
chmod +x "$root/init"
cp "$config" "$root/rig/config"

# Base modules the rig always loads, plus RIG_MODULES from the config.
extra=$(. "$config"; echo "${RIG_MODULES:-}")
order=()
declare -A seen
add_module() {
	local name=$1 path dep
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	path=$(modinfo -k "$kver" -n "$name" 2>/dev/null) || {
		echo "mkinitramfs: module $name not found for $kver" >&2; return 1; }
	case $path in (builtin|"(builtin)") return 0 ;; esac
	for dep in $(modinfo -k "$kver" -F depends "$name" | tr ',' ' '); do
		add_module "$dep"
	done
	case $path in
	(*.xz) xz -dc "$path" >"$root/rig/modules/$name.ko" ;;
	(*.zst) zstd -qdc "$path" >"$root/rig/modules/$name.ko" ;;
	(*) cp "$path" "$root/rig/modules/$name.ko" ;;
	esac
	order+=("$name")
}
for m in vfio vfio_iommu_type1 irqbypass $extra; do
	add_module "$m"
done
printf '%s\n' "${order[@]}" >"$root/rig/modules.order"

# The stock driver is kept aside and loaded only with RIG_DRIVER=stock.
for m in vfio-pci-core vfio-pci; do
	p=$(modinfo -k "$kver" -n "$m")
	xz -dc "$p" >"$root/rig/modules/$m.ko"
done

ours=$top/drivers/vfio/pci/vfio-pci.ko
[ -f "$ours" ] && cp "$ours" "$root/rig/vfio-pci.ko"

for tree in "$@"; do
	cp -a "$tree/." "$root/rig/"
done

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
