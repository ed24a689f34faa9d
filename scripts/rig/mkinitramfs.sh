#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT.cpio.gz KVER CONFIG [FILE-TREE...]
#
# Build the rig's initramfs: static busybox, the VFIO modules of the
# installed kernel KVER (decompressed, with their dependencies, in load
# order), the stock vfio-pci modules, our vfio-pci.ko (if built), the
# file CONFIG as /rig/config, the kernel's build configuration as
# /boot/config-KVER, gcov-dump.sh (for vm.sh --gcov), and the contents of
# each FILE-TREE directory copied under /rig.
#
# Environment: KMODDIR=DIR/lib/modules/KVER takes the modules from another
# tree (a kernel installed with INSTALL_MOD_PATH=DIR, such as the debug
# kernel of scripts/debug-kernel.sh); OUR_KO=FILE is the vfio-pci.ko to
# put in (default: drivers/vfio/pci/vfio-pci.ko of this repository).
set -eu

out=$1 kver=$2 config=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
modinfo_args=(-k "$kver")
if [ -n "${KMODDIR:-}" ]; then
	modinfo_args=(-b "${KMODDIR%/lib/modules/*}" -k "$kver")
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,etc,rig/modules,usr/bin,usr/sbin}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/guest-init" "$root/init"
chmod +x "$root/init"
cp "$config" "$root/rig/config"
cp "$here/gcov-dump.sh" "$root/rig/gcov-dump.sh"

# Base modules the rig always loads, plus RIG_MODULES from the config.
extra=$(. "$config"; echo "${RIG_MODULES:-}")
order=()
declare -A seen
copy_module() {
	case $1 in
	(*.xz) xz -dc "$1" >"$2" ;;
	(*.zst) zstd -qdc "$1" >"$2" ;;
	(*) cp "$1" "$2" ;;
	esac
}
add_module() {
	local name=$1 path dep
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	path=$(modinfo "${modinfo_args[@]}" -n "$name" 2>/dev/null) || {
		echo "mkinitramfs: module $name not found for $kver" >&2; return 1; }
	case $path in (builtin|"(builtin)") return 0 ;; esac
	for dep in $(modinfo "${modinfo_args[@]}" -F depends "$name" | tr ',' ' '); do
		add_module "$dep"
	done
	copy_module "$path" "$root/rig/modules/$name.ko"
	order+=("$name")
}
# Ours needs what it links against too (6.1: vfio_virqfd, a module there).
ours=${OUR_KO:-$top/drivers/vfio/pci/vfio-pci.ko}
ours_deps=""
[ -f "$ours" ] && ours_deps=$(modinfo -F depends "$ours" | tr ',' ' ')
for m in vfio vfio_iommu_type1 irqbypass $ours_deps $extra; do
	add_module "$m"
done
printf '%s\n' "${order[@]}" >"$root/rig/modules.order"

# The stock driver is kept aside and loaded only with RIG_DRIVER=stock,
# after what it needs beyond the base modules (6.1's vfio-pci-core needs
# vfio_virqfd, a module of its own there), in load order: stock.order.
stock=()
add_stock() {
	local name=$1 p dep
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	for dep in $(modinfo "${modinfo_args[@]}" -F depends "$name" | tr ',' ' '); do
		add_stock "$dep"
	done
	p=$(modinfo "${modinfo_args[@]}" -n "$name")
	case $p in (builtin|"(builtin)") return 0 ;; esac
	copy_module "$p" "$root/rig/modules/$name.ko"
	stock+=("$name")
}
for m in vfio-pci-core vfio-pci; do
	add_stock "$m"
done
printf '%s\n' "${stock[@]}" >"$root/rig/stock.order"

# pci-pf-stub is kept aside too, for tests that need a PF driver which
# enables VFs and nothing else (guest-suite.sh loads it); a kernel built
# without it just has none.
p=$(modinfo "${modinfo_args[@]}" -n pci-pf-stub 2>/dev/null) &&
	case $p in (/*) copy_module "$p" "$root/rig/modules/pci-pf-stub.ko" ;; esac

# The selftests' test-only modules (tools/testing/selftests/vfio/
# test_modules), built with kbuild for this kernel, once per source change,
# under build/test-modules/KVER; guest-suite.sh loads them.
kbuild=${KMODDIR:-/lib/modules/$kver}/build
tm=$top/build/test-modules/$kver
# A kernel of scripts/kernels.sh's cache builds where its headers want
# (trixie's kernels: in the trixie chroot).
kmake="make"
case ${KMODDIR:-} in
"${VFIO_VGA_KERNELS:-/var/cache/vfio-vga/kernels}"/*) kmake="$top/scripts/kernels.sh run $kver make" ;;
esac
if [ -d "$kbuild" ]; then
	mkdir -p "$tm"
	(
		flock 9
		cp -u "$top"/tools/testing/selftests/vfio/test_modules/{Makefile,*.c} "$tm/"
		# shellcheck disable=SC2086
		$kmake -C "$kbuild" M="$tm" modules >"$tm/build.log" 2>&1
	) 9>"$tm/.lock" && cp "$tm/vfio_pci_foreign.ko" "$root/rig/modules/" ||
		echo "mkinitramfs: the test modules do not build for $kver (see $tm/build.log)" >&2
fi

# The kernel's build configuration as /boot/config-KVER, where tests look
# up what the kernel offers (huge PFN mappings) as on an installed system.
for c in "$kbuild/.config" "/boot/config-$kver"; do
	if [ -r "$c" ]; then
		mkdir -p "$root/boot"
		cp "$c" "$root/boot/config-$kver"
		break
	fi
done

[ -f "$ours" ] && cp "$ours" "$root/rig/vfio-pci.ko"

for tree in "$@"; do
	cp -a "$tree/." "$root/rig/"
done

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
