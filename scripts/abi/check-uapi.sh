#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that include/uapi/linux/vfio.h is ABI-identical to the VFIO uAPI of
# Linux 6.12 (linux-headers-6.12*-common) and keeps everything of the
# installed /usr/include/linux/vfio.h (6.1 on Debian 12).  Prints TAP and
# exits 0 iff every check passed.  See uapi_abi.py for what is compared.
#
# Environment overrides:
#   VFIO_UAPI_OURS     header to check (default: include/uapi/linux/vfio.h)
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
ref612=${VFIO_UAPI_REF_612:-${common:-/nonexistent}/include/uapi/linux/vfio.h}
ref61=${VFIO_UAPI_REF_61:-/usr/include/linux/vfio.h}

if [ ! -f "$ours" ]; then
	echo "Bail out! no header at $ours"
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/check-uapi.XXXXXX")
trap 'rm -rf "$work"' EXIT

args=(--ours "$ours" --ref "6.12=$ref612" --ref "6.1=$ref61" --workdir "$work")
if [ -n "$common" ] && [ -x "$common/scripts/unifdef" ]; then
	args+=(--kbuild "$common")
fi

rc=0
python3 "$here/uapi_abi.py" "${args[@]}" || rc=$?
exit $rc
