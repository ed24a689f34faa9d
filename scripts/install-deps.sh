#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build, the VM rig and the checks need on Debian 12.
# Idempotent: when every package is present it does nothing and prints nothing.
set -eu

PKGS="build-essential bc bison flex libelf-dev libssl-dev kmod cpio
	linux-headers-6.12-amd64 linux-image-6.12-amd64 linux-source-6.12
	linux-headers-6.12-rt-amd64 linux-image-6.12-rt-amd64
	sparse coccinelle qemu-system-x86 qemu-utils busybox-static python3
	perl xz-utils ovmf seabios netpbm ocaml-nox dkms python3-sphinx python3-ply
	lcov"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
