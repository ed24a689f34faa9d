#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dropin-test.sh OUTDIR
#
# Prove that the module drops in for the kernel's vfio-pci the way a real
# host installs it.  On the host, three module trees are staged for the rig's
# kernel, each holding the kernel's own VFIO modules under kernel/:
#   make       + "make install"   (ours in updates/, depmod run)
#   dkms       + "dkms add/build/install" (ours in updates/dkms/), then depmod
#   uninstall  the "make" tree after "make uninstall" (the kernel's again)
# Nothing is installed on the host itself: make uses INSTALL_MOD_PATH, DKMS
# private --dkmstree/--sourcetree/--installtree and --no-depmod.
#
# Then one rig guest (scripts/rig/dropin-guest.sh) copies each tree to its
# /lib/modules/$(uname -r), runs "modprobe vfio-pci ids=1234:11e8" (the edu
# device) and checks that the loaded module is the expected one (its
# srcversion), that edu is bound and its group node exists.
#
# TAP: OUTDIR/tap/dropin-host.tap and OUTDIR/vm/tap/dropin.tap; logs in
# OUTDIR/host.log and OUTDIR/vm/.  The module must
# be built.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
rm -rf "$out/tap" "$out/vm"
cd "$top" || exit 1
KDIR=$("$top/scripts/kdir.sh") || exit 1
kver=$(cat "$KDIR/include/config/kernel.release")
ko=$top/drivers/vfio/pci/vfio-pci.ko
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out/tap" "$stage/files/dropin"
log=$out/host.log
: >"$log"

n=0
tap=()
result() {	# result OK|FAIL DESCRIPTION
	n=$((n + 1))
	if [ "$1" = OK ]; then tap+=("ok $n $2"); else tap+=("not ok $n $2"); fi
}
write_host_tap() {
	{ echo "TAP version 13"; echo "1..$n"; printf '%s\n' "${tap[@]}"; } >"$out/tap/dropin-host.tap"
}

# The kernel's VFIO modules, at their own paths, and the files depmod reads.
base_root() {
	local root=$1 m p
	mkdir -p "$root/lib/modules/$kver"
	(cd "/lib/modules/$kver" && cp --parents modules.builtin modules.builtin.modinfo \
		modules.order "$root/lib/modules/$kver/")
	for m in vfio vfio_iommu_type1 irqbypass vfio-pci-core vfio-pci; do
		p=$(modinfo -k "$kver" -n "$m") || return 1
		(cd "/lib/modules/$kver" && cp --parents "${p#"/lib/modules/$kver/"}" "$root/lib/modules/$kver/")
	done
	depmod -b "$root" "$kver"
}

# resolves ROOT SUBDIR: "modprobe vfio-pci" in ROOT picks a file in SUBDIR/.
resolves() {
	local p
	p=$(modinfo -b "$1" -k "$kver" -n vfio-pci 2>>"$log")
	echo "$1: vfio-pci -> $p" >>"$log"
	case $p in "$1/lib/modules/$kver/$2/"*) return 0 ;; esac
	return 1
}

[ -f "$ko" ] || { echo "dropin-test: build the module first" >&2; exit 1; }
ours=$(modinfo -F srcversion "$ko")
roots=$stage/files/dropin

# make install / make uninstall.
base_root "$roots/make" >>"$log" 2>&1
if make -s install INSTALL_MOD_PATH="$roots/make" >>"$log" 2>&1 &&
   resolves "$roots/make" updates; then
	result OK "make install: modprobe vfio-pci resolves to updates/vfio-pci.ko"
else
	result FAIL "make install: modprobe vfio-pci resolves to updates/vfio-pci.ko"
fi
cp -a "$roots/make" "$roots/uninstall"
if make -s uninstall INSTALL_MOD_PATH="$roots/uninstall" >>"$log" 2>&1 &&
   resolves "$roots/uninstall" kernel; then
	result OK "make uninstall: modprobe vfio-pci resolves to the kernel's module again"
else
	result FAIL "make uninstall: modprobe vfio-pci resolves to the kernel's module again"
fi

# DKMS, in private trees.
pkg=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
src=$stage/dkms-src/$pkg-$ver
mkdir -p "$src" "$stage/dkms-tree"
git ls-files -co --exclude-standard -z Makefile dkms.conf scripts/kernel-range.sh drivers/vfio/pci \
	include/uapi/linux/vfio.h | xargs -0 cp --parents -t "$src"
base_root "$roots/dkms" >>"$log" 2>&1
dk=(--dkmstree "$stage/dkms-tree" --sourcetree "$stage/dkms-src"
    --installtree "$roots/dkms/lib/modules")
if { dkms add "$pkg/$ver" "${dk[@]}" &&
     dkms build "$pkg/$ver" -k "$kver" "${dk[@]}" &&
     dkms install "$pkg/$ver" -k "$kver" "${dk[@]}" --no-depmod &&
     depmod -b "$roots/dkms" "$kver"; } >>"$log" 2>&1 &&
   resolves "$roots/dkms" updates/dkms &&
   [ "$(modinfo -b "$roots/dkms" -k "$kver" -F srcversion vfio-pci)" = "$ours" ]; then
	result OK "dkms add/build/install: modprobe vfio-pci resolves to updates/dkms/, same srcversion"
else
	result FAIL "dkms add/build/install: modprobe vfio-pci resolves to updates/dkms/, same srcversion"
fi
# DKMS builds for each installed 6.12 flavour: the PREEMPT_RT one too.
rt_kver=$(ls -d /lib/modules/6.12.*-rt-amd64/build 2>/dev/null | sort -V | tail -n 1)
rt_kver=$(basename "$(dirname "${rt_kver:-/x/none/build}")")
if [ "$rt_kver" != none ] &&
   dkms build "$pkg/$ver" -k "$rt_kver" "${dk[@]}" >>"$log" 2>&1; then
	result OK "dkms build for the PREEMPT_RT flavour ($rt_kver)"
else
	result FAIL "dkms build for the PREEMPT_RT flavour ($rt_kver; linux-headers-6.12-rt-amd64 from make deps)"
fi
write_host_tap

# The guest.
cp scripts/rig/dropin-guest.sh "$stage/files/"
printf 'make %s\ndkms %s\nuninstall stock\n' "$ours" "$ours" >"$roots/expect"
"$top/scripts/rig/vm.sh" --out "$out/vm" --files "$stage/files" --timeout "${VM_TIMEOUT:-600}" \
	-- "sh /rig/dropin-guest.sh" >>"$log" 2>&1
status=$?
tail -n 1 "$log"
gtap=$out/vm/tap/dropin.tap
if [ ! -s "$gtap" ]; then
	{ echo "TAP version 13"; echo "1..1"
	  echo "not ok 1 drop-in guest ran (vm.sh status $status: $(cat "$out/verdict" 2>/dev/null))"; } \
		>"$gtap"
elif [ $status -ge 2 ]; then
	echo "not ok 99 guest dmesg clean: $(cat "$out/vm/verdict")" >>"$gtap"
fi
exit 0
