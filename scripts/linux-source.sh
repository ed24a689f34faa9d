#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of an unpacked linux-source-6.12 tree, unpacking it once into
# a cache outside the repository.  The kselftest harness, checkpatch.pl,
# kernel-doc, the coccinelle scripts and the debug kernel all come from it.
set -eu

tarball=$(ls /usr/src/linux-source-6.12*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "linux-source.sh: no /usr/src/linux-source-6.12*.tar.xz (run scripts/install-deps.sh)" >&2
	exit 1
fi
cache=${VFIO_VGA_CACHE:-/var/cache/vfio-vga}
name=$(basename "$tarball" .tar.xz)
dest=$cache/$name

if [ ! -e "$dest/.unpacked" ]; then
	mkdir -p "$cache"
	# Unpack into a private directory and rename, so that concurrent callers
	# never see a half-unpacked tree.
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	tar -xJf "$tarball" -C "$tmp"
	touch "$tmp/$name/.unpacked"
	if ! mv -T "$tmp/$name" "$dest" 2>/dev/null; then
		[ -e "$dest/.unpacked" ] || { echo "linux-source.sh: cannot create $dest" >&2; exit 1; }
	fi
	rm -rf "$tmp"
fi
echo "$dest"
