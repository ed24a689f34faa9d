#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh COMMAND [ARGS]
#
# The kernels users run, side by side, without installing any of them:
# Debian's packages are downloaded with apt (private lists, the machine's
# own mirror) and unpacked with dpkg -x under a cache outside the
# repository, one root per kernel release.  Kernels built in trixie need
# trixie's gcc-14 and kbuild binaries linked against trixie's libc: they
# are built inside a trixie chroot made with debootstrap.
#
# A SPEC names a kernel: SERIES[-rt][@SUITE] (6.1, 6.12, 6.12-rt, 7.3,
# 7.3-rt, 6.12@trixie), resolved to the newest release of that series
# whose image, modules and headers the archive has (its index, or its
# pool for the packages pinned in POOL_PINS below), or a kernel release
# as it is (7.3.4+deb13-amd64).  SUITE defaults to bookworm for 6.1 and
# 6.12, to trixie (with trixie-backports) for anything else.
#
#   fetch [--source] SPEC...   download and unpack image, modules and
#                              headers (and linux-source-SERIES); print
#                              the root; again: nothing is downloaded
#   kdir SPEC                  print the kbuild directory (fetches first)
#   run SPEC CMD [ARGS]        run CMD where SPEC builds: here, or in the
#                              trixie chroot for a trixie kernel (the
#                              cache, the tree, $PWD and M=/O= directories
#                              bind-mounted at their own paths)
#   make SPEC [ARGS]           run SPEC make -C KDIR ARGS
#   env SPEC                   print KVER= KDIR= KERNEL= KMODDIR=, for the rig:
#                              env $(scripts/kernels.sh env 6.1) scripts/rig/vm.sh -- true
#   source SPEC                print an unpacked linux-source tree
#   chroot [SUITE]             create the build chroot (default trixie)
#   build-table [SPEC...]      build the current driver (a copy, W=1)
#                              against each kernel: errors, warnings and
#                              the commonest error causes, one row each
#   list                       what the cache holds, and its size
#
# Cache: $VFIO_VGA_KERNELS (default /var/cache/vfio-vga/kernels):
#   apt/SUITE/   private apt lists, state and downloaded .debs
#   root/KREL/   the unpacked packages: boot/vmlinuz-KREL,
#                lib/modules/KREL (depmod run, build -> the headers),
#                usr/src/linux-headers-KREL, usr/lib/linux-kbuild-*
#   spec/SPEC    the release a SPEC resolved to
#   chroot/SUITE the build chroot
# Mirrors are the machine's own (/etc/apt/sources.list{,.d}), or
# VFIO_VGA_MIRROR and VFIO_VGA_SECURITY_MIRROR.  Lists older than a day
# are refreshed when a SPEC has to be resolved afresh.
set -eu
set -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/scripts/kernels.sh
cache=${VFIO_VGA_KERNELS:-/var/cache/vfio-vga/kernels}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "kernels: $*" >&2; exit 1; }
say() { echo "kernels: $*" >&2; }

# The first URI of the machine's sources that ends in /NAME.
host_mirror() {
	local name=$1
	{
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { print $i; break } }'
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }'
	} | sed 's,/*$,,' | grep -m 1 "/$name\$" || true
}

suite_of() {
	case $1 in
	*@*) echo "${1#*@}" ;;
	6.1|6.1-rt|6.12|6.12-rt|6.1.*|6.12.*+deb12*) echo bookworm ;;
	*) echo trixie ;;
	esac
}

# apt, on a private state of its own for SUITE; nothing of the machine's
# apt sources, lists or package state is read or written.  The package
# cache is named: an image's apt.conf.d may turn it off ("" as in
# Docker's images), and then every apt-cache call parses all the lists
# again (2 s each here, tens of calls per fetch).
apt_dir() { echo "$cache/apt/$1"; }
apt_opts() {
	local d
	d=$(apt_dir "$1")
	echo "-o Dir::Etc::sourcelist=$d/sources.list -o Dir::Etc::sourceparts=-
	      -o Dir::Etc::preferences=$d/preferences -o Dir::Etc::preferencesparts=$d/preferences.d
	      -o Dir::State=$d -o Dir::State::Lists=$d/lists -o Dir::State::status=$d/status
	      -o Dir::Cache=$d/cache -o Dir::Cache::Archives=$d/archives
	      -o Dir::Cache::pkgcache=$d/cache/pkgcache.bin -o Dir::Cache::srcpkgcache=$d/cache/srcpkgcache.bin
	      -o APT::Architecture=amd64 -o APT::Sandbox::User=root"
}
apt_setup() {
	local suite=$1 d main sec
	d=$(apt_dir "$suite")
	mkdir -p "$d/lists/partial" "$d/cache" "$d/archives/partial" "$d/preferences.d"
	touch "$d/status" "$d/preferences"
	main=${VFIO_VGA_MIRROR:-$(host_mirror debian)}
	sec=${VFIO_VGA_SECURITY_MIRROR:-$(host_mirror debian-security)}
	[ -n "$main" ] || die "no Debian mirror in /etc/apt/sources.list{,.d} (set VFIO_VGA_MIRROR)"
	{
		echo "deb [signed-by=$keyring] $main $suite main"
		echo "deb [signed-by=$keyring] $main $suite-updates main"
		[ "$suite" = bookworm ] || echo "deb [signed-by=$keyring] $main $suite-backports main"
		[ -z "$sec" ] || echo "deb [signed-by=$keyring] $sec $suite-security main"
	} >"$d/sources.list.new"
	# Rewritten only on a change: a newer sources.list voids the cache.
	if cmp -s "$d/sources.list.new" "$d/sources.list"; then
		rm "$d/sources.list.new"
	else
		mv "$d/sources.list.new" "$d/sources.list"
	fi
	if [ -z "$(find "$d/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		say "apt-get update ($suite)"
		# shellcheck disable=SC2046
		apt-get $(apt_opts "$suite") -q update >"$d/update.log" 2>&1 ||
			{ cat "$d/update.log" >&2; die "apt-get update failed for $suite"; }
	fi
}
apt_c() { local s=$1; shift; # shellcheck disable=SC2046
	apt-cache $(apt_opts "$s") "$@"; }

# Packages of a kernel that the archive's pool holds but no Packages
# index lists, so that apt cannot fetch them and no signed index vouches
# for them: trixie-backports lists the images of 6.18.15 and 7.0.13 (and
# 7.0.13's linux-binary) but not their headers, headers-common, kbuild and
# base, nor 7.0.13's modules.  Each is fetched by its pool path from the
# mirror and used only when its SHA-256 is the one below.  The hashes were
# recorded from deb.debian.org on 2026-12-07 (sha256sum of each download);
# a package is added here only after its image is in the index.
POOL_PINS="
1b19c975adf29e89c4cb2680e862db89b787fc5144a638b001854b075b4cc255  pool/main/l/linux/linux-headers-6.18.15+deb13-amd64_6.18.15-1~bpo13+1_amd64.deb
a54ed9b3be5247fe2e003423e067cb8e8b06e4a44a09459b85cfec0afbcbd5ef  pool/main/l/linux/linux-headers-6.18.15+deb13-common_6.18.15-1~bpo13+1_all.deb
5e64129020cdb5effd6ed3895ca89608ef17bcf643eedfc8013dad89bab70a02  pool/main/l/linux/linux-kbuild-6.18.15+deb13_6.18.15-1~bpo13+1_amd64.deb
4ae74680a3d8e40750916cb82bad1e2b85a994647945a79e2d4bc0e80a0dff53  pool/main/l/linux/linux-base-6.18.15+deb13-amd64_6.18.15-1~bpo13+1_amd64.deb
5010f3c012ca6f9705bab59dbd47006422753be0aad2b016b96377841009b38d  pool/main/l/linux/linux-headers-7.0.13+deb13-amd64_7.0.13-1~bpo13+1_amd64.deb
792c522ae61a5a5a1c78c161b80fbd61fe7f4e49ff3de2363e39ac77d7518616  pool/main/l/linux/linux-headers-7.0.13+deb13-common_7.0.13-1~bpo13+1_all.deb
7e8b3b17d5c6d3e232e0b31c18fd781ca21f79e45eca5afd5644c55d02c15429  pool/main/l/linux/linux-kbuild-7.0.13+deb13_7.0.13-1~bpo13+1_amd64.deb
3771568c09e1265030da34c0b998fb81d92b933667db0ec5d018c158a86f3706  pool/main/l/linux/linux-base-7.0.13+deb13-amd64_7.0.13-1~bpo13+1_amd64.deb
787ac652f5fac4805092ed951a6ae617d448684f5f399659f0e5dcfa544fabf4  pool/main/l/linux/linux-modules-7.0.13+deb13-amd64_7.0.13-1~bpo13+1_amd64.deb
"

# PACKAGE -> "SHA256 POOL-PATH" of its pin, or nothing.
pool_pin() {
	awk -v p="$1" '{ f = $2; sub(/.*\//, "", f); sub(/_.*/, "", f) } f == p { print $1, $2 }' <<<"$POOL_PINS"
}

# The .deb of a pinned package, downloaded once into the suite's archives
# and checked against its pin (a mismatch is an error, the file removed).
pool_download() {
	local suite=$1 pkg=$2 sum path file main
	read -r sum path < <(pool_pin "$pkg")
	file=$(apt_dir "$suite")/archives/$(basename "$path")
	if [ ! -s "$file" ]; then
		main=${VFIO_VGA_MIRROR:-$(host_mirror debian)}
		[ -n "$main" ] || die "no Debian mirror in /etc/apt/sources.list{,.d} (set VFIO_VGA_MIRROR)"
		say "download $pkg from the pool (not in the index; pinned sha256)"
		curl -fsS -o "$file.part$$" "$main/${path//+/%2B}" || die "download of $main/$path failed"
		mv "$file.part$$" "$file"
	fi
	if [ "$(sha256sum <"$file" | cut -d' ' -f1)" != "$sum" ]; then
		rm -f "$file"
		die "$(basename "$path"): sha256 is not the pinned $sum"
	fi
	echo "$file"
}

# Debian's image package names: linux-image-6.1.0-57-amd64,
# linux-image-7.3.4+deb13-amd64, linux-image-6.12.118+deb12-rt-amd64.
# SPEC -> "KREL STATUS", STATUS "full" (image and headers) or
# "no-headers" (the archive has the image only).
resolve() {
	local spec=$1 suite=$2 series flavour re krel
	series=${spec%@*}
	flavour=amd64
	case $series in *-rt) series=${series%-rt}; flavour=rt-amd64 ;; esac
	case $series in
	*-amd64) krel=$series ;;
	*)
		re="^linux-image-${series//./\\.}[.-][0-9][0-9.+a-z]*(-[0-9]+)?-$flavour\$"
		krel=""
		local k first=""
		for k in $(apt_c "$suite" pkgnames linux-image- | grep -E "$re" |
			sed 's/^linux-image-//' | sort -rV); do
			[ -n "$first" ] || first=$k
			if kernel_complete "$suite" "$k"; then krel=$k; break; fi
		done
		if [ -z "$krel" ]; then
			[ -n "$first" ] || die "no linux-image-$series*-$flavour in $suite"
			echo "$first no-headers"
			return
		fi
		;;
	esac
	if kernel_complete "$suite" "$krel"; then echo "$krel full"; else echo "$krel no-headers"; fi
}

# The packages of one kernel: image and headers and the kernel-specific
# packages they depend on (modules, binary, base, headers-common, kbuild),
# first alternative of each.  Prints nothing for a package the archive
# does not list.
closure() {
	local suite=$1; shift
	local -A seen
	local todo=("$@") p info deps d deb
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}; todo=("${todo[@]:1}")
		[ -n "${seen[$p]:-}" ] && continue
		seen[$p]=1
		info=$(apt_c "$suite" show --no-all-versions "$p" 2>/dev/null) || true
		if echo "$info" | grep -q '^Filename: '; then
			deps=$(echo "$info" | sed -n 's/^Depends: //p')
		elif [ -n "$(pool_pin "$p")" ]; then
			# A pinned .deb that fails its check is missing.
			deb=$(pool_download "$suite" "$p") || { echo "MISSING:$p"; continue; }
			deps=$(dpkg-deb -f "$deb" Depends)
		else
			echo "MISSING:$p"
			continue
		fi
		echo "$p"
		for d in $(echo "$deps" | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g'); do
			case $d in
			linux-image-[0-9]*|linux-headers-[0-9]*|linux-kbuild-[0-9]*|linux-modules-[0-9]*|linux-binary-[0-9]*|linux-base-[0-9]*)
				todo+=("$d") ;;
			esac
		done
	done
}

# A kernel is complete when its image is listed and its headers are listed
# or pinned, with every package they need.
kernel_complete() {
	local suite=$1 krel=$2
	apt_c "$suite" show --no-all-versions "linux-headers-$krel" 2>/dev/null | grep -q '^Filename: ' ||
		[ -n "$(pool_pin "linux-headers-$krel")" ] || return 1
	! closure "$suite" "linux-image-$krel" "linux-headers-$krel" | grep -q '^MISSING:'
}

# The .deb of a package, downloaded once into the suite's archives: with
# apt when the index lists it, else from the pool when it is pinned.
download() {
	local suite=$1 pkg=$2 d file
	d=$(apt_dir "$suite")/archives
	file=$(apt_c "$suite" show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Filename: //p' | head -n 1)
	if [ -z "$file" ] && [ -n "$(pool_pin "$pkg")" ]; then
		pool_download "$suite" "$pkg"
		return
	fi
	file=$d/$(basename "$file")
	if [ ! -s "$file" ]; then
		# shellcheck disable=SC2046
		(cd "$d" && apt-get $(apt_opts "$suite") -q download "$pkg" >/dev/null) ||
			die "apt-get download $pkg failed"
	fi
	echo "$file"
}

spec_file() { echo "$cache/spec/${1//\//_}"; }

# SPEC -> KREL, offline when it was resolved before.
krel_of() {
	local spec=$1 f
	f=$(spec_file "$spec")
	if [ -s "$f" ]; then
		cut -d' ' -f1 "$f"
		return
	fi
	case $spec in *-amd64) echo "${spec%@*}"; return ;; esac
	die "$spec is not fetched: run scripts/kernels.sh fetch $spec"
}

kroot() { echo "$cache/root/$1"; }

# Make an unpacked root usable where it lies: the headers' Makefile and
# the modules' build link name /usr/src, which is the cache's here;
# depmod makes the modules tree what modinfo -b and the rig read.
# ROOT is where the tree is now, FINAL where it will lie.  The root is
# made merged-/usr like the machine (lib -> usr/lib): older packages put
# the modules in /lib/modules, newer ones in /usr/lib/modules with the
# bzImage beside them instead of in /boot.
fixup_root() {
	local root=$1 krel=$2 final=$3 h l t
	h=$root/usr/src/linux-headers-$krel
	if [ -f "$h/Makefile" ]; then
		sed -i "s,\([ =]\)/usr/src/,\1$final/usr/src/,g" "$h/Makefile"
	fi
	if [ -d "$root/lib" ] && [ ! -L "$root/lib" ]; then
		mkdir -p "$root/usr/lib"
		cp -a "$root/lib/." "$root/usr/lib/"
		rm -rf "${root:?}/lib"
	fi
	[ -e "$root/lib" ] || ln -s usr/lib "$root/lib"
	if [ ! -e "$root/boot/vmlinuz-$krel" ] && [ -e "$root/usr/lib/modules/$krel/vmlinuz" ]; then
		mkdir -p "$root/boot"
		ln -s "../usr/lib/modules/$krel/vmlinuz" "$root/boot/vmlinuz-$krel"
	fi
	for l in build source; do
		l=$root/usr/lib/modules/$krel/$l
		t=$(readlink "$l" 2>/dev/null) || continue
		case $t in /*) ln -sfnr "$root$t" "$l" ;; esac
	done
	if [ -d "$root/lib/modules/$krel/kernel" ]; then
		depmod -b "$root" "$krel"
	fi
}

cmd_fetch() {
	local want_source="" spec
	[ "${1:-}" = --source ] && { want_source=1; shift; }
	[ $# -gt 0 ] || die "usage: fetch [--source] SPEC..."
	for spec in "$@"; do
		fetch_one "$spec" "$want_source"
	done
}

fetch_one() {
	local spec=$1 want_source=$2 suite krel status root pkgs p f tmp series
	suite=$(suite_of "$spec")
	mkdir -p "$cache/spec" "$cache/root"
	f=$(spec_file "$spec")
	# A kernel fetched without headers is resolved again: its headers
	# may have been pinned since.
	if [ -s "$f" ] && [ -e "$(kroot "$(cut -d' ' -f1 "$f")")/.fetched" ] &&
		[ "$(cut -d' ' -f2 "$f")" = full ]; then
		read -r krel status _ <"$f"
	else
		apt_setup "$suite"
		read -r krel status < <(resolve "$spec" "$suite")
	fi
	root=$(kroot "$krel")
	mkdir -p "$cache/lock"
	exec 8>"$cache/lock/$krel"
	flock 8
	if [ ! -e "$root/.fetched" ] || [ "$(cat "$root/.status" 2>/dev/null)" != "$status" ]; then
		apt_setup "$suite"
		pkgs=$(closure "$suite" "linux-image-$krel" "linux-headers-$krel") || true
		# shellcheck disable=SC2013 # package names: one word each
		for p in $(sed -n 's/^MISSING://p' <<<"$pkgs"); do
			[ -z "$(pool_pin "$p")" ] || die "$p: the pinned .deb could not be fetched or failed its check"
			# resolve() found every package of a "full" kernel: one
			# gone now is apt failing, and a root cached without it
			# would lack it for good.
			[ "$status" != full ] ||
				die "$p, listed when $krel was resolved, is missing now (apt-cache: $(apt_c "$suite" show --no-all-versions "$p" 2>&1 >/dev/null | head -n 1)); nothing cached"
		done
		pkgs=$(grep -v '^MISSING:' <<<"$pkgs" || true)
		[ -n "$pkgs" ] || die "no linux-image-$krel in $suite"
		say "fetch $krel ($suite): $(tr "\n" " " <<<"$pkgs")"
		tmp=$root.tmp
		rm -rf "$tmp"
		mkdir -p "$tmp"
		for p in $pkgs; do
			dpkg -x "$(download "$suite" "$p")" "$tmp"
		done
		fixup_root "$tmp" "$krel" "$root"
		echo "$pkgs" >"$tmp/.packages"
		apt_c "$suite" show --no-all-versions "linux-image-$krel" |
			sed -n 's/^Version: //p' >"$tmp/.version"
		echo "$status" >"$tmp/.status"
		rm -rf "$root"
		mv -T "$tmp" "$root"
		touch "$root/.fetched"
	fi
	echo "$krel $status $suite" >"$f"
	if [ -n "$want_source" ] && [ ! -e "$root/.source" ]; then
		series=$(echo "$krel" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
		apt_setup "$suite"
		say "fetch linux-source-$series ($suite)"
		dpkg -x "$(download "$suite" "linux-source-$series")" "$root"
		touch "$root/.source"
	fi
	flock -u 8
	check_root "$krel"
	echo "$root"
}

# What the rig needs of a root: the bzImage, the modules with depmod's
# index, the stock VFIO modules; and the headers for a build.
check_root() {
	local krel=$1 root m miss=""
	root=$(kroot "$krel")
	[ -r "$root/boot/vmlinuz-$krel" ] || miss="$miss boot/vmlinuz-$krel"
	[ -r "$root/lib/modules/$krel/modules.dep" ] || miss="$miss modules.dep"
	for m in vfio vfio_iommu_type1 irqbypass vfio-pci-core vfio-pci; do
		modinfo -b "$root" -k "$krel" -n "$m" >/dev/null 2>&1 || miss="$miss $m.ko"
	done
	[ -r "$root/usr/src/linux-headers-$krel/Makefile" ] || miss="$miss headers"
	[ -z "$miss" ] || say "$krel lacks:$miss"
}

kdir_of() {
	local krel=$1 d
	d=$(kroot "$krel")/usr/src/linux-headers-$krel
	[ -r "$d/Makefile" ] || die "$krel has no headers in the archive"
	echo "$d"
}

cmd_kdir() {
	local spec=${1:?usage: kdir SPEC} krel
	cmd_fetch "$spec" >/dev/null
	krel=$(krel_of "$spec")
	[ "$(suite_of "$spec")" = bookworm ] || chroot_ensure "$(suite_of "$spec")"
	kdir_of "$krel"
}

# --- the build chroot --------------------------------------------------------

chroot_dir() { echo "$cache/chroot/$1"; }

# The packages the trixie kernels' headers ask for (gcc-14-for-host, and
# the kbuild binaries' libraries and pahole; python3 for 6.18's kbuild,
# whose W=1 runs the Python kernel-doc on every file), make, sparse for
# C=1, and dkms for scripts/dkms-upgrade-check.sh.
# A chroot made with fewer gets the rest with apt-get.
CHROOT_PKGS=make,gcc-14,gcc-14-for-host,libc6-dev,pahole,libelf1t64,libssl3t64,zlib1g,kmod,bc,xz-utils,zstd,sparse,dkms,python3

chroot_ensure() {
	local suite=${1:-trixie} ch main
	ch=$(chroot_dir "$suite")
	[ -e "$ch/.done" ] && [ "$(cat "$ch/.done")" = "$CHROOT_PKGS" ] && return 0
	mkdir -p "$cache/chroot" "$cache/debootstrap-debs"
	mkdir -p "$cache/lock"
	exec 7>"$cache/lock/chroot-$suite"
	flock 7
	if [ ! -e "$ch/.done" ]; then
		command -v debootstrap >/dev/null || {
			say "installing debootstrap"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
		}
		main=${VFIO_VGA_MIRROR:-$(host_mirror debian)}
		say "debootstrap $suite into $ch"
		rm -rf "$ch"
		debootstrap --variant=minbase --include="$CHROOT_PKGS" \
			--cache-dir="$cache/debootstrap-debs" --keyring="$keyring" \
			"$suite" "$ch" "$main" >"$ch.log" 2>&1 ||
			{ tail -n 20 "$ch.log" >&2; die "debootstrap failed (see $ch.log)"; }
		echo "$CHROOT_PKGS" >"$ch/.done"
	elif [ "$(cat "$ch/.done")" != "$CHROOT_PKGS" ]; then
		say "apt-get install into the $suite chroot: $CHROOT_PKGS"
		# shellcheck disable=SC2046
		in_chroot "$suite" sh -c 'apt-get -q update &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' \
			sh $(echo "$CHROOT_PKGS" | tr , ' ') >"$ch.log" 2>&1 ||
			{ tail -n 20 "$ch.log" >&2; die "apt-get install failed in the $suite chroot (see $ch.log)"; }
		echo "$CHROOT_PKGS" >"$ch/.done"
	fi
	flock -u 7
}

cmd_chroot() { chroot_ensure "${1:-trixie}"; chroot_dir "${1:-trixie}"; }

# Run a command inside SUITE's chroot, in a mount namespace of its own
# (the binds vanish with it): the cache, the tree, $PWD and every M=/O=
# directory are bind-mounted at their own paths, so that every path of
# the command means the same inside.
in_chroot() {
	local suite=$1; shift
	local ch a binds=("$cache" "$top" "$PWD")
	ch=$(chroot_dir "$suite")
	for a in "$@"; do
		case $a in
		M=*|O=*|KBUILD_EXTMOD=*) binds+=("$(readlink -f "${a#*=}")") ;;
		esac
	done
	# shellcheck disable=SC2016
	unshare --mount --propagation private -- /bin/bash -c '
		ch=$1 n=$2; shift 2
		for d in "${@:1:n}"; do
			[ -d "$d" ] || continue
			mkdir -p "$ch$d" && mount --bind "$d" "$ch$d"
		done
		shift "$n"
		mount --bind /proc "$ch/proc"
		mount --rbind /dev "$ch/dev"
		exec chroot "$ch" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$PWD" "$@"
	' in-chroot "$ch" "${#binds[@]}" "${binds[@]}" "$@"
}

# Run CMD where SPEC's kernel is built: here for bookworm's kernels, in
# the chroot for the others.
cmd_run() {
	local spec=${1:?usage: run SPEC CMD [ARGS]} suite
	shift
	suite=$(suite_of "$spec")
	krel_of "$spec" >/dev/null
	if [ "$suite" = bookworm ]; then
		exec "$@"
	fi
	chroot_ensure "$suite"
	in_chroot "$suite" "$@"
}

cmd_make() {
	local spec=${1:?usage: make SPEC [ARGS]}
	shift
	cmd_run "$spec" make -C "$(kdir_of "$(krel_of "$spec")")" "$@"
}

cmd_env() {
	local spec=${1:?usage: env SPEC} krel root
	cmd_fetch "$spec" >/dev/null
	krel=$(krel_of "$spec")
	root=$(kroot "$krel")
	echo "KVER=$krel"
	[ -r "$root/usr/src/linux-headers-$krel/Makefile" ] && echo "KDIR=$root/usr/src/linux-headers-$krel"
	echo "KERNEL=$root/boot/vmlinuz-$krel"
	echo "KMODDIR=$root/lib/modules/$krel"
}

cmd_source() {
	local spec=${1:?usage: source SPEC} krel root tarball name dest
	cmd_fetch --source "$spec" >/dev/null
	krel=$(krel_of "$spec")
	root=$(kroot "$krel")
	tarball=$(find "$root/usr/src" -maxdepth 1 -name 'linux-source-*.tar.xz' | sort -V | tail -n 1)
	name=$(basename "$tarball" .tar.xz)
	dest=$root/usr/src/$name
	if [ ! -e "$dest/.unpacked" ]; then
		rm -rf "$dest.tmp"
		mkdir -p "$dest.tmp"
		tar -xJf "$tarball" -C "$dest.tmp"
		rm -rf "$dest"
		mv -T "$dest.tmp/$name" "$dest"
		rmdir "$dest.tmp"
		touch "$dest/.unpacked"
	fi
	echo "$dest"
}

# --- the build table ---------------------------------------------------------

# kbuild's log -> "ERRORS WARNINGS" and, in $causes, the commonest error
# messages (file and line dropped, counted over the log).
count_log() {
	local log=$1
	grep -cE '(error|ERROR):|: not found$' "$log" | tr -d '\n' || true
	printf ' '
	grep -cE '(warning|WARNING):' "$log" || true
}
causes_of() {
	{ grep -E '(error|ERROR):|: not found$' "$1" || true; } | sed -E 's/^.*(error|ERROR): //' |
		sed -E "s/ \[-W[^]]*\]\$//" | sort | uniq -c | sort -rn | head -n "${2:-4}" |
		sed -E 's/^ *([0-9]+) (.*)/\2 (x\1)/'
}

cmd_build_table() {
	local specs=("$@") spec krel status version kdir out log t0 t1 counts row
	[ ${#specs[@]} -gt 0 ] || specs=(6.1 6.12 6.12-rt 6.18 7.0 7.2 7.3)
	out=$top/build/kernels
	mkdir -p "$out"
	printf '%-8s %-26s %-18s %6s %8s %5s  %s\n' SPEC KREL VERSION ERRORS WARNINGS SEC 'TOP ERROR CAUSES'
	for spec in "${specs[@]}"; do
		if ! cmd_fetch "$spec" >/dev/null 2>"$out/$spec.fetch.log"; then
			printf '%-8s %-26s %s\n' "$spec" - "fetch failed: $(tail -n 1 "$out/$spec.fetch.log")"
			continue
		fi
		krel=$(krel_of "$spec")
		status=$(sed -n 1p "$(kroot "$krel")/.status")
		version=$(cat "$(kroot "$krel")/.version" 2>/dev/null || echo -)
		if [ "$status" != full ]; then
			printf '%-8s %-26s %-18s %s\n' "$spec" "$krel" "$version" "no headers in the archive: not built"
			continue
		fi
		[ "$(suite_of "$spec")" = bookworm ] || chroot_ensure "$(suite_of "$spec")"
		kdir=$(kdir_of "$krel")
		log=$out/$spec.log
		rm -rf "${out:?}/$spec"
		t0=$(date +%s.%N)
		# -k: every file is compiled, so that the count covers the driver.
		MAKEFLAGS="-k -j2" KMAKE="$self run $spec make" \
			"$top/scripts/build-copy.sh" "$kdir" "$out/$spec" "$log" >/dev/null 2>&1 || true
		t1=$(date +%s.%N)
		counts=$(count_log "$log")
		row=$(printf '%-8s %-26s %-18s %6s %8s %5.0f' "$spec" "$krel" "$version" "${counts% *}" "${counts#* }" \
			"$(echo "$t1 - $t0" | bc)")
		if [ -f "$out/$spec/drivers/vfio/pci/vfio-pci.ko" ]; then
			echo "$row  (vfio-pci.ko built)"
		else
			echo "$row  $(causes_of "$log" 1)"
			causes_of "$log" 4 | tail -n +2 | sed "s/^/$(printf '%75s' '')/"
		fi
	done
}

cmd_list() {
	local f krel status suite
	for f in "$cache"/spec/*; do
		[ -e "$f" ] || continue
		read -r krel status suite _ <"$f"
		printf '%-10s %-28s %-9s %-11s %s\n' "$(basename "$f")" "$krel" "$suite" "$status" \
			"$(du -sh "$(kroot "$krel")" 2>/dev/null | cut -f1)"
	done
	# One du each: du counts a file once across its arguments.
	for f in apt root chroot .; do du -sh "$cache/$f" 2>/dev/null || true; done
}

[ "$(id -u)" = 0 ] || die "needs root (dpkg -x ownership, depmod, chroot)"
cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
fetch) cmd_fetch "$@" ;;
kdir) cmd_kdir "$@" ;;
make) cmd_make "$@" ;;
run) cmd_run "$@" ;;
env) cmd_env "$@" ;;
source) cmd_source "$@" ;;
chroot) cmd_chroot "$@" ;;
build-table) cmd_build_table "$@" ;;
list) cmd_list ;;
*) sed -n '3,/^set -eu/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
