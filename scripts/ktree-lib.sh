# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel trees for the checks that apply our series (sourced by
# scripts/patches-check.sh and scripts/kernel-tree-check.sh).
#
# ktree_prepare KERNEL prints a prepared tree, cached under $VFIO_VGA_CACHE
# (/var/cache/vfio-vga/ptree-KERNEL-HASH): a hardlink copy (cp -al) of the
# unpacked linux-source-KERNEL, configured with Debian's config of that
# kernel plus scripts/ktree.config (the vfio-pci variant drivers and what
# they depend on, COMPILE_TEST for the arm64 ones), modules_prepare'd, with
# "make headers" (the kselftests' uAPI), Debian's Module.symvers, and the
# pristine drivers/vfio/pci/ and drivers/pci/vgaarb.o built with W=1: a
# step's build then recompiles only what the series changed, and the
# warnings of the pristine build (.vfio-w1.log, .vgaarb-w1.log) are what
# a step is compared with.  Debian's Module.symvers lacks the exports of
# modules its config leaves out (the variants' PF drivers, iova_bitmap):
# modpost only warns about them (KBUILD_MODPOST_WARN=1), and the checks
# hold our module's own undefined symbols to Module.symvers.  HASH covers the source, the config, the
# fragment and $ktree_prep_version (bump it when the preparation changes).
# The series is not part of the hash: it is applied afresh at every run.
# A build that rewrote a hardlinked file would change the unpacked source
# as well: such a preparation is refused.
#
# ktree_work KERNEL BASE DIR PATCH... makes DIR a fresh work tree: a hardlink
# copy of BASE in which drivers/vfio/pci/, drivers/pci/, what an in-tree
# build rewrites (tools/objtool, ...) and every file the PATCHes touch are
# real copies, and a git repository (DIR/.git) that tracks only those
# files (all that git am needs), committed and tagged "base".  Nothing a
# build writes in DIR reaches BASE or the source; ktree_unchanged BASE
# says whether that held (no file of BASE newer than its preparation).
#
# Kernels newer than 6.12 are built here too (the host's gcc), not in the
# trixie chroot: the tree's own scripts and tools are built from source, so
# nothing of Debian's trixie binaries is run.
# $top: the repository, set by the script that sources this file.
: "${top:?}"
ktree_prep_version=3
ktree_cache=${VFIO_VGA_CACHE:-/var/cache/vfio-vga}
ktree_jobs=${JOBS:-$(nproc)}

ktree_source() {
	case $1 in
	6.12) "$top/scripts/linux-source.sh" ;;
	*) "$top/scripts/kernels.sh" source "$1" ;;
	esac
}

# ktree_config KERNEL: Debian's config and Module.symvers of KERNEL, one a line.
ktree_config() {
	local c kver kdir root
	case $1 in
	6.12)
		c=$(find /boot -maxdepth 1 -name 'config-6.12.*-amd64' ! -name '*-rt-amd64' | sort -V | tail -n 1)
		[ -n "$c" ] || return 1
		kver=${c#/boot/config-}
		echo "$c"
		echo "/usr/src/linux-headers-$kver/Module.symvers"
		;;
	*)
		# fetch, not kdir: the headers' own binaries (and so the trixie
		# chroot) are not needed, only their .config and Module.symvers.
		root=$("$top/scripts/kernels.sh" fetch --source "$1") || return 1
		kdir=$root/usr/src/linux-headers-$(basename "$root")
		echo "$kdir/.config"
		echo "$kdir/Module.symvers"
		;;
	esac
}

ktree_prepare() {
	local k=$1 src config symvers key base tmp stamp changed log
	src=$(ktree_source "$k") || return 1
	{ read -r config; read -r symvers; } < <(ktree_config "$k")
	if [ ! -r "$config" ] || [ ! -r "$symvers" ]; then
		echo "ktree: no Debian config or Module.symvers for $k" >&2
		return 1
	fi
	key=$( { echo "$ktree_prep_version"; basename "$src"; cat "$src/Makefile" "$config" \
		"$top/scripts/ktree.config"; } | sha256sum | cut -c1-16)
	base=$ktree_cache/ptree-$k-$key
	if [ -e "$base/.prepared" ]; then
		echo "$base"
		return 0
	fi
	mkdir -p "$ktree_cache"
	exec 8>"$ktree_cache/.ptree-$k-$key.lock"
	flock 8
	if [ -e "$base/.prepared" ]; then
		flock -u 8
		echo "$base"
		return 0
	fi
	echo "ktree: preparing $base (cold cache: several minutes)" >&2
	tmp=$(mktemp -d "$ktree_cache/.ptree.XXXXXX")
	log=$tmp.log
	stamp=$tmp.stamp
	touch "$stamp"
	sleep 1
	cp -al "$src/." "$tmp/"
	rm -f "$tmp/.unpacked"
	cp "$config" "$tmp/.config"
	if ! { (cd "$tmp" && scripts/kconfig/merge_config.sh -m .config "$top/scripts/ktree.config") &&
	       nice make -C "$tmp" olddefconfig &&
	       nice make -C "$tmp" -j"$ktree_jobs" modules_prepare &&
	       nice make -C "$tmp" -j"$ktree_jobs" headers; } >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		echo "ktree: preparing $k failed (log: $log)" >&2
		rm -rf "$tmp" "$stamp"
		flock -u 8
		return 1
	fi
	cp "$symvers" "$tmp/Module.symvers"
	nice make -C "$tmp" -j"$ktree_jobs" W=1 KBUILD_MODPOST_WARN=1 M=drivers/vfio/pci modules \
		>"$tmp/.vfio-w1.log" 2>&1
	nice make -C "$tmp" W=1 drivers/pci/vgaarb.o >"$tmp/.vgaarb-w1.log" 2>&1
	changed=$(find "$tmp" -type f -links +1 -newer "$stamp" | head -n 5)
	rm -f "$stamp"
	if [ -n "$changed" ]; then
		echo "ktree: preparing $k rewrote files of the unpacked source: $changed" >&2
		rm -rf "$tmp"
		flock -u 8
		return 1
	fi
	rm -f "$log"
	touch "$tmp/.prepared"
	mv -T "$tmp" "$base" 2>/dev/null || rm -rf "$tmp"
	flock -u 8
	echo "$base"
}

# The upstream files a series changes (its "--- a/" lines).
ktree_touched() {
	sed -n 's|^--- a/||p' "$@" | sort -u
}

ktree_work() {
	local k=$1 base=$2 dir=$3 f
	shift 3
	rm -rf "$dir"
	cp -al "$base/." "$dir/"
	rm -rf "$dir/drivers/vfio/pci" "$dir/drivers/pci"
	cp -a "$base/drivers/vfio/pci" "$dir/drivers/vfio/pci"
	cp -a "$base/drivers/pci" "$dir/drivers/pci"
	# What an in-tree build (make drivers/pci/vgaarb.o) writes besides its
	# object, in place: the tools it checks and a dependency file.
	for f in tools/objtool tools/bpf/resolve_btfids .missing-syscalls.d; do
		[ -e "$base/$f" ] || continue
		rm -rf "${dir:?}/$f"
		cp -a "$base/$f" "$dir/$f"
	done
	ktree_touched "$@" | while read -r f; do
		[ -e "$base/$f" ] && cp --remove-destination "$base/$f" "$dir/$f"
		true
	done
	(
		cd "$dir" || exit 1
		git init -q
		git config user.name ktree
		git config user.email ktree@localhost
		ktree_touched "$@" | while read -r f; do
			[ -e "$f" ] && git add -f -- "$f"
			true
		done
		git commit -q -m "$(basename "$base")"
		git tag base
	)
}

# ktree_warnings LOG: the warnings of a kbuild log without line and column
# numbers (a patch that moves lines does not make a warning new).
ktree_warnings() {
	grep -iE '(warning|error):' "$1" | sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sort -u
}

# ktree_unchanged BASE: no file of BASE was written since it was prepared
# (a hardlinked file written in place by a work tree's build); prints the
# first few that were.
ktree_unchanged() {
	local changed
	changed=$(find "$1" -newer "$1/.prepared" -type f | head -n 5)
	[ -z "$changed" ] || { echo "$changed"; return 1; }
}
