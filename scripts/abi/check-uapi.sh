#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that include/uapi/linux/vfio.h is ABI-identical to the VFIO uAPI of
# Linux 7.3, the newest kernel the driver builds for (its headers from
# scripts/kernels.sh, fetched into its cache on first use), and differs
# from the other target kernels' only where upstream itself changed since:
# 7.2, 6.12 (linux-headers-6.12*-common) and the installed
# /usr/include/linux/vfio.h (6.1 on Debian 12).  The driver is compiled
# against it on every kernel (drivers/vfio/pci/Makefile), so no kernel's
# driver sees a uAPI older than the kernel's own.  Prints TAP and exits 0
# iff every check passed.  See uapi_abi.py for what is compared.
#
# Environment overrides:
#   VFIO_UAPI_OURS     header to check (default: include/uapi/linux/vfio.h)
#   VFIO_UAPI_REF_73   7.3 reference, the primary one (default: kernels.sh's 7.3 headers)
#   VFIO_UAPI_REF_72   7.2 reference (default: kernels.sh's 7.2 headers when cached)
#   VFIO_UAPI_REF_612  6.12 reference (default: linux-headers-6.12*-common)
#   VFIO_UAPI_REF_61   older installed reference (default: /usr/include/linux/vfio.h)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

common=
for d in /usr/src/linux-headers-6.12*-common; do
	[ -d "$d" ] && common=$d	# several: the last in glob order
done
ours=${VFIO_UAPI_OURS:-$top/include/uapi/linux/vfio.h}
# The uAPI of a kernel of scripts/kernels.sh (its -common headers);
# --cached-only: nothing when that kernel was never fetched.
kernels_uapi() {
	local kdir
	if [ "${2:-}" = --cached-only ]; then
		[ -e "${VFIO_VGA_KERNELS:-/var/cache/vfio-vga/kernels}/spec/$1" ] || return 0
	fi
	kdir=$("$top/scripts/kernels.sh" kdir "$1" 2>/dev/null) || return 0
	ls -d "$(dirname "$kdir")"/linux-headers-*-common/include/uapi/linux/vfio.h 2>/dev/null | tail -n 1
}
ref73=${VFIO_UAPI_REF_73:-$(kernels_uapi 7.3)}
ref72=${VFIO_UAPI_REF_72:-$(kernels_uapi 7.2 --cached-only)}
ref612=${VFIO_UAPI_REF_612:-${common:-/nonexistent}/include/uapi/linux/vfio.h}
ref61=${VFIO_UAPI_REF_61:-/usr/include/linux/vfio.h}

if [ ! -f "$ours" ]; then
	echo "Bail out! no header at $ours"
	exit 1
fi
if [ ! -f "${ref73:-/nonexistent}" ]; then
	echo "Bail out! no 7.3 reference header (scripts/kernels.sh fetch 7.3)"
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/check-uapi.XXXXXX")
trap 'rm -rf "$work"' EXIT

args=(--ours "$ours" --ref "7.3=$ref73")
[ -n "$ref72" ] && args+=(--ref "7.2=$ref72")
args+=(--ref "6.12=$ref612" --ref "6.1=$ref61" --workdir "$work")
if [ -n "$common" ] && [ -x "$common/scripts/unifdef" ]; then
	args+=(--kbuild "$common")
fi

rc=0
python3 "$here/uapi_abi.py" "${args[@]}" || rc=$?
exit $rc
