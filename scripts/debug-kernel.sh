#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh [--base 6.12|7.3] [--print-key]
#
# Build (once) a kernel for the rig from source and print the cache
# directory that holds it.  The base (--base, or $DEBUG_KERNEL_BASE;
# default 6.12) picks the source, the VGA arbiter series and the
# fragment:
#   6.12  the reliability lane's debug kernel (KASAN, lockdep, kmemleak,
#         fault injection, gcov): linux-source-6.12,
#         scripts/debug-kernel.config, release 6.12.N-vfio-debug
#   7.3   the cdev kernel: 7.3's VFIO core, whose device cdev takes a VF
#         token (VFIO_DEVICE_BIND_IOMMUFD, 6.17+), with lockdep but
#         without KASAN: linux-source-7.3 (scripts/kernels.sh source 7.3),
#         scripts/cdev-kernel.config, release 7.3.N-vfio-cdev
#   DIR/bzImage   the kernel the rig boots (KERNEL=)
#   DIR/kver      its release string
#   DIR/mods      INSTALL_MOD_PATH: DIR/mods/lib/modules/KVER (KMODDIR=)
#   DIR/build     the O= build tree, for "make -C DIR/build M=..."
#   DIR/build.log the build's output, DIR/build-seconds its wall time
#
# The config is x86_64_defconfig + kvm_guest.config + the committed
# fragments scripts/rig-kernel.config and the base's own.  The source has
# our VGA arbiter series (patches/vgaarb/BASE/*.patch) applied to a
# hard-linked copy, DIR/src; the unpacked source itself is never written.
# DIR is $VFIO_VGA_CACHE/debug-kernel-HASH (debug-kernel-7.3-HASH), HASH
# covering the fragments' options, the patches' text, the recipe version
# below and the source version, so only a changed config, series or
# recipe rebuilds (moving the files or editing comments does not).  Both
# bases build with the host's gcc.  The build runs at
# nice 19 with $DEBUG_KERNEL_JOBS (default: the number of CPUs) jobs;
# progress goes to stderr, the directory alone to stdout.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${VFIO_VGA_CACHE:-/var/cache/vfio-vga}
base=${DEBUG_KERNEL_BASE:-6.12}
print_key=
while [ $# -gt 0 ]; do
	case $1 in
	--base) base=${2:?--base needs 6.12 or 7.3}; shift ;;
	--print-key) print_key=1 ;;
	*) echo "usage: debug-kernel.sh [--base 6.12|7.3] [--print-key]" >&2; exit 64 ;;
	esac
	shift
done
# Later fragments win where they set the same option.
case $base in
6.12)
	src=$("$top/scripts/linux-source.sh")
	frags="$top/scripts/rig-kernel.config $top/scripts/debug-kernel.config"
	prefix=debug-kernel ;;
7.3)
	src=$("$top/scripts/kernels.sh" source 7.3)
	frags="$top/scripts/rig-kernel.config $top/scripts/cdev-kernel.config"
	prefix=debug-kernel-7.3 ;;
*)
	echo "debug-kernel.sh: no base $base (6.12 or 7.3)" >&2
	exit 64 ;;
esac

srcver=$(make -s -C "$src" kernelversion 2>/dev/null)
patches=$(find "$top/patches/vgaarb/$base" -name '*.patch' | sort)
# The recipe's version: bump it with any change to this script that
# changes what is built (steps, make targets, options given to make).
recipe=2
# shellcheck disable=SC2086 # one path a line, no spaces
key=$( { sed -e '/^# CONFIG_/b' -e '/^#/d' -e '/^$/d' $frags; cat $patches
	  echo "recipe $recipe $(basename "$src") $srcver"; } |
	sha256sum | cut -c1-16)
dir=$cache/$prefix-$key
if [ -n "$print_key" ]; then
	echo "$dir"
	exit 0
fi
log() { echo "debug-kernel: $*" >&2; }

if [ -e "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

# One builder per key; a second caller waits for the first.
mkdir -p "$cache"
exec 9>"$cache/.$prefix-$key.lock"
flock 9
if [ -e "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

# A directory without .done is a build that was interrupted: make goes on
# where it stopped.  The tree is built in its final place because the O=
# tree is not relocatable.
mkdir -p "$dir/build"
tmp=$dir
jobs=${DEBUG_KERNEL_JOBS:-$(nproc)}
start=$(date +%s)
log "building $srcver into $dir (about 30-60 min cold on 2 CPUs; log: $tmp/build.log)"

# The patched source: a hard-linked copy in which each file a patch
# touches is first replaced by a real copy, so that patching never writes
# through a link into the unpacked source.
if [ ! -e "$tmp/src/.patched" ]; then
	rm -rf "$tmp/src"
	cp -al "$src" "$tmp/src"
	for p in $patches; do
		sed -n 's|^+++ b/||p' "$p" | while read -r f; do
			[ -e "$tmp/src/$f" ] && cp --remove-destination "$src/$f" "$tmp/src/$f"
			true
		done
	done
	for p in $patches; do
		patch -s -p1 -d "$tmp/src" <"$p" ||
			{ log "$(basename "$p") does not apply to $srcver"; exit 1; }
	done
	touch "$tmp/src/.patched"
fi
src=$tmp/src
kmake() { nice -n 19 make -s -C "$src" O="$tmp/build" "$@"; }

{
	kmake x86_64_defconfig
	# merge_config.sh -m only merges; olddefconfig then resolves the
	# dependencies, which is where an option can get dropped.
	# shellcheck disable=SC2086 # paths without spaces
	(cd "$tmp/build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$tmp/build" \
		"$tmp/build/.config" "$src/kernel/configs/kvm_guest.config" $frags)
	kmake olddefconfig
} >"$tmp/build.log" 2>&1 || { log "configuration failed: see $tmp/build.log"; exit 1; }

# Every option the fragments ask for (the last fragment's value where
# two set it) must have survived olddefconfig.
declare -A want=()
# shellcheck disable=SC2086 # paths without spaces
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) want[${line%%=*}]=$line ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; want[${opt%% *}]="" ;;
	esac
done < <(cat $frags)
dropped=0
for opt in "${!want[@]}"; do
	got=$(grep -E "^$opt=" "$tmp/build/.config" || true)
	if [ "$got" != "${want[$opt]}" ]; then
		log "dropped: wanted '${want[$opt]:-$opt unset}', got '${got:-$opt unset}'"
		dropped=1
	fi
done
[ $dropped = 0 ] || { log "the fragments do not apply cleanly; fix $frags"; exit 1; }

if ! kmake -j"$jobs" bzImage modules >>"$tmp/build.log" 2>&1; then
	tail -n 30 "$tmp/build.log" >&2
	log "build failed: see $tmp/build.log"
	exit 1
fi
kmake INSTALL_MOD_PATH="$tmp/mods" modules_install >>"$tmp/build.log" 2>&1
cp "$tmp/build/arch/x86/boot/bzImage" "$tmp/bzImage"
kmake -s kernelrelease >"$tmp/kver"
echo $(($(date +%s) - start)) >"$tmp/build-seconds"
# The build tree keeps what external modules need (Module.symvers, scripts,
# generated headers); the objects of the kernel itself are not needed.
find "$tmp/build" -name '*.o' ! -path '*/scripts/*' ! -path '*/tools/*' -delete
touch "$dir/.done"
log "built $(cat "$dir/kver") in $(cat "$dir/build-seconds") s"
echo "$dir"
