#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kernel-range.sh KVER: say, before a build, whether the kernel release
# KVER is one the driver is built for.  Older than 6.1: an
# error (the VFIO core lacks what the driver needs), exit 1.  Between the
# tested ones or newer than the newest: a warning, and the build goes on
# (the feature probes decide; the suite has not run there).  The list is
# the one of the README and of dkms.conf's BUILD_EXCLUSIVE_KERNEL.
supported="6.1 6.12 6.18 7.0 7.2 7.3"
newest=7.3
strict=""
[ "${1:-}" = --strict ] && { strict=1; shift; }
kver=${1:-}
[ -n "$kver" ] || exit 0
series=$(echo "$kver" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
[ -n "$series" ] || exit 0
older() {	# older A B: version A sorts before version B
	[ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]
}
for t in $supported; do
	[ "$series" = "$t" ] && exit 0
done
if older "$series" 6.1; then
	echo "vfio-vga: Linux $kver is too old: the driver needs 6.1 or newer" \
	     "(built for $supported; see README.md)" >&2
	exit 1
fi
if [ -n "$strict" ]; then
	echo "vfio-vga: Linux $kver is not one of the kernels the driver is built for" \
	     "($supported): not installing with DKMS; make install builds it anyway" >&2
	exit 1
fi
if older "$newest" "$series"; then
	echo "vfio-vga: warning: Linux $kver is newer than $newest, the newest the" \
	     "driver is tested on; building anyway (see README.md)" >&2
else
	echo "vfio-vga: warning: Linux $kver is not one of the kernels the driver is" \
	     "built for ($supported); building anyway (see README.md)" >&2
fi
exit 0
