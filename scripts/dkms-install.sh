#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms: install the driver with DKMS for the running kernel, so that
# "modprobe vfio-pci" loads it, and for every kernel installed later (DKMS
# builds it from each kernel package's postinst).  One command for a user
# on any kernel the driver supports; a clear error on one it does not
# (scripts/kernel-range.sh) or without that kernel's headers.
#
# Environment: DKMS_KERNEL=RELEASE installs for that kernel instead of the
# running one; DKMS_KDIR= its headers (default /lib/modules/RELEASE/build);
# DKMS_ROOT=DIR stages everything under DIR (DKMS's trees, the modules
# under DIR/lib/modules, depmod -b DIR) instead of the machine's own, as
# scripts/dkms-upgrade-check.sh does.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "make dkms: $*" >&2; exit 1; }

kver=${DKMS_KERNEL:-$(uname -r)}
"$top/scripts/kernel-range.sh" --strict "$kver" || exit 1
root=${DKMS_ROOT:-}
kdir=${DKMS_KDIR:-$root/lib/modules/$kver/build}
[ -r "$kdir/Makefile" ] ||
	die "no headers for $kver at $kdir: apt-get install linux-headers-$kver"
if ! command -v dkms >/dev/null; then
	[ "$(id -u)" = 0 ] || die "dkms is not installed, and installing it needs root"
	echo "make dkms: apt-get install dkms"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q dkms >/dev/null
fi
[ -n "$root" ] || [ "$(id -u)" = 0 ] || die "run as root (it installs under /lib/modules)"

pkg=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
dk=()
if [ -n "$root" ]; then
	mkdir -p "$root/var/lib/dkms" "$root/usr/src" "$root/lib/modules"
	dk=(--dkmstree "$root/var/lib/dkms" --sourcetree "$root/usr/src"
	    --installtree "$root/lib/modules")
fi
src=${root:-}/usr/src/$pkg-$ver
# The source DKMS keeps: this tree's driver, uAPI header, Makefile and
# dkms.conf, copied afresh without build products (an earlier copy of
# the same version goes first).
if dkms status "${dk[@]}" -m "$pkg" -v "$ver" 2>/dev/null | grep -q .; then
	dkms remove "$pkg/$ver" --all "${dk[@]}" >/dev/null
fi
rm -rf "$src"
mkdir -p "$src"
(cd "$top" && cp -r --parents Makefile dkms.conf scripts/kernel-range.sh drivers/vfio/pci \
	include/uapi/linux/vfio.h "$src")
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' -o -name 'vfio_pci_probes.h' \
	-o -name 'Module.symvers' -o -name 'modules.order' \) -delete
dkms add "$pkg/$ver" "${dk[@]}" >/dev/null
echo "make dkms: building $pkg $ver for $kver"
dkms install "$pkg/$ver" -k "$kver" --kernelsourcedir "$kdir" "${dk[@]}" \
	${root:+--no-depmod} >/dev/null ||
	die "dkms install failed: see ${root:-}/var/lib/dkms/$pkg/$ver/build/make.log"
[ -z "$root" ] || depmod -b "$root" "$kver"
echo "make dkms: modprobe vfio-pci now loads $(modinfo ${root:+-b "$root"} -k "$kver" -n vfio-pci)"
echo "make dkms: DKMS builds it for every kernel installed from now on;" \
     "'dkms remove $pkg/$ver --all' gives the kernel's vfio-pci back"
