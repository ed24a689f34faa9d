#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kbuild directory to build against: $KDIR when it is set and not
# empty, else the newest installed Debian 6.12 headers.  Asked afresh by
# every caller, never cached, so that a build started right after
# scripts/install-deps.sh finds the headers it has just installed.
# Exits 1 with a message that says what to do when there are none.
# VFIO_VGA_MODULES_ROOT (default /lib/modules) is where to look: the
# entry-point check (scripts/entry-check.sh) points it at an empty
# directory to play a machine without the headers.
set -u
root=${VFIO_VGA_MODULES_ROOT:-/lib/modules}
if [ -n "${KDIR:-}" ]; then
	echo "$KDIR"
	exit 0
fi
# The generic flavour first: the -rt flavour (6.12.N+debN-rt-amd64, which
# sorts after it) is built for only when asked (KDIR=...).
kdir=$(ls -d "$root"/6.12.*-amd64/build 2>/dev/null | grep -v -- '-rt-amd64/build$' |
	sort -V | tail -n 1)
[ -n "$kdir" ] || kdir=$(ls -d "$root"/6.12.*-amd64/build 2>/dev/null | sort -V | tail -n 1)
if [ -z "$kdir" ]; then
	echo "no 6.12 kernel headers found: run scripts/install-deps.sh (make deps) or set KDIR" >&2
	exit 1
fi
echo "$kdir"
