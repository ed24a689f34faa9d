#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# entry-check.sh: the README's entry points on a machine that has no kernel
# headers yet, played in a copy of the tree.  The headers are "installed" by
# the deps step itself (DEPS= of the Makefile links the real ones into an
# empty VFIO_VGA_MODULES_ROOT), after make has parsed the Makefile: the
# order of a first "make run" or "make check" on a fresh machine.  Catches
# any variable fixed before the dependencies are in (KDIR, the kernel
# release, tool paths).  TAP on stdout.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$(env -u VFIO_VGA_MODULES_ROOT KDIR= "$top/scripts/kdir.sh") || exit 1
kver=$(basename "$(dirname "$kdir")")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree" "$work/empty"
(cd "$top" && cp -r Makefile scripts drivers include "$work/tree/")
find "$work/tree/drivers" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete

n=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; sed 's/^/# /' "$work/log"; fi
}
echo "TAP version 13"
echo "1..4"

# 1. No headers, KDIR unset: the build fails and says what to do.
env -u KDIR VFIO_VGA_MODULES_ROOT="$work/empty" make -C "$work/tree" modules >"$work/log" 2>&1
rc=$?
[ $rc != 0 ] && grep -q 'run scripts/install-deps.sh' "$work/log"
result $? "no headers: make modules fails and names scripts/install-deps.sh"

# 2. The headers arrive in the deps step, after the Makefile was parsed.
env -u KDIR VFIO_VGA_MODULES_ROOT="$work/empty" \
	make -C "$work/tree" DEPS="ln -s $(dirname "$kdir") $work/empty/$kver" deps modules \
	>"$work/log" 2>&1 && [ -e "$work/tree/drivers/vfio/pci/vfio-pci.ko" ]
result $? "headers installed by deps after parsing: make deps modules builds"
rm -f "$work/empty/$kver" "$work/tree/drivers/vfio/pci/vfio-pci.ko"

# 3. The same through a sub-make in a recipe, as make run does it
# (scripts/run-demo.sh runs "make modules" after deps).
printf 'entry-check-sub: deps\n\t@$(MAKE) -s modules\n' >"$work/sub.mk"
env -u KDIR VFIO_VGA_MODULES_ROOT="$work/empty" \
	make -C "$work/tree" DEPS="ln -s $(dirname "$kdir") $work/empty/$kver" \
	-f Makefile -f "$work/sub.mk" entry-check-sub \
	>"$work/log" 2>&1 && [ -e "$work/tree/drivers/vfio/pci/vfio-pci.ko" ]
result $? "headers installed by deps: a recipe's sub-make builds (make run's path)"
rm -f "$work/empty/$kver" "$work/tree/drivers/vfio/pci/vfio-pci.ko"

# 4. An empty KDIR in the environment (an older make exported one) is
# looked up afresh rather than used.
KDIR= VFIO_VGA_MODULES_ROOT=/lib/modules make -s -C "$work/tree" modules >"$work/log" 2>&1 &&
	[ -e "$work/tree/drivers/vfio/pci/vfio-pci.ko" ]
result $? "KDIR= in the environment: make modules looks the headers up"
