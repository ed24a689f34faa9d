#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-copy.sh KBUILD DIR LOG [KBUILD-VAR=VALUE...]
#
# Build vfio-pci.ko with W=1 from a copy of the driver, DIR/drivers/vfio/pci
# (DIR/include links to the tree's uAPI), against the kernel build tree
# KBUILD (the debug kernel's O= tree, another flavour's headers), so that
# drivers/vfio/pci/vfio-pci.ko of the tree stays what it was.  kbuild's
# output goes to stdout and to LOG; any warning fails.  More variables for
# kbuild follow LOG (check-debug.sh: VFIO_PCI_GCOV=y).  KMAKE (default
# make) is the make to run: "scripts/kernels.sh run SPEC make" for a kernel
# whose headers need another distribution's toolchain.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kbuild=$1 dir=$2 log=$3
shift 3
mod=$dir/drivers/vfio/pci

mkdir -p "$mod"
ln -sfn "$top/include" "$dir/include"
cp "$top"/drivers/vfio/pci/{Makefile,Kconfig,*.c,*.h} "$mod/"
# shellcheck disable=SC2086
${KMAKE:-make} -C "$kbuild" M="$mod" CONFIG_VFIO_PCI=m CONFIG_VFIO_PCI_VGA=y W=1 "$@" modules 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
! grep -E 'warning|error' "$log"
