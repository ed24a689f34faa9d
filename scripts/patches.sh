#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# patches.sh [KERNEL...]   (make patches; KERNEL: 6.12 7.3, default both)
#
# Generate, from this tree, the patch series a maintainer applies, where
# "git format-patch -o" puts them, 0000-cover-letter.patch first:
#
#   build/patches/KERNEL/         the driver series against linux-source-KERNEL
#   build/patches/vgaarb-KERNEL/  the VGA arbiter series (patches/vgaarb/KERNEL/)
#
# The driver series is described by patches/vfio-pci/NN-*.msg, one file a
# patch, in order:
#
#   Files: PATH[:DEST] ...   files of this tree the patch adds (a directory
#                            or glob takes every tracked file under it),
#                            at DEST in the kernel tree if given
#   Edit: FUNCTION ...       edits of upstream files (functions below)
#   (empty line)
#   subject
#   (empty line)
#   body
#
# and its cover letter by patches/vfio-pci/cover-letter (the arbiter's:
# patches/vgaarb/cover-letter): the subject, an empty line, the text.
# "@KERNEL@" and "@BASE@" in either stand for the kernel and its source;
# the text of COVER-KERNEL (patches/vfio-pci/cover-letter-7.3), if there
# is one, is appended for that kernel.
# The measured results of the cover letter live there, in one place.
#
# The driver's files are written against the newest kernel's interfaces;
# out of tree, vfio_pci_compat.h bridges to older
# ones on the answers of build-time probes (vfio_pci_probes.c, run by the
# driver's Makefile).  A series is for one tree, whose answers never
# change: the probes are run once, here, against that tree (the prepared
# tree of scripts/ktree-lib.sh, cached; cold, several minutes), and
# scripts/compat-resolve.py resolves the header for it (Edit:
# in_tree_compat).  What the tree does not need is left out: the probes
# and the Makefile's probe rule (7.3: the driver calls 7.3's interfaces
# directly).
#
# Each series is made in a scratch git repository that holds only the
# upstream files it touches (what git am and format-patch need), with
# every commit's author, committer and date taken from this tree's HEAD,
# so that the output changes only when the tree does.  Prints the
# directories written.
set -eu
set -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${PATCHES_OUT:-$top/build/patches}

# source_of KERNEL: the unpacked linux-source of KERNEL.
source_of() {
	case $1 in
	6.12) "$top/scripts/linux-source.sh" ;;
	*) "$top/scripts/kernels.sh" source "$1" ;;
	esac
}

# Where the selftests go: 7.3 has upstream's own tests of VFIO in
# tools/testing/selftests/vfio/ (6.17 and later), ours sit beside them.
selftest_dir() {
	case $1 in
	6.*) echo tools/testing/selftests/vfio ;;
	*) echo tools/testing/selftests/vfio_pci ;;
	esac
}

# Identity and date of every commit: this tree's HEAD.
ident() {
	GIT_AUTHOR_NAME=$(git -C "$top" log -1 --format=%an)
	GIT_AUTHOR_EMAIL=$(git -C "$top" log -1 --format=%ae)
	GIT_AUTHOR_DATE=$(git -C "$top" log -1 --format=%ad --date=raw)
	GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
	GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
	GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE
	export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE
}

# new_repo DIR SRC FILE...: a repository holding FILEs of SRC (those that
# exist there), committed and tagged "base".
new_repo() {
	local dir=$1 src=$2 f
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	git -C "$dir" init -q
	git -C "$dir" config core.autocrlf false
	for f in "$@"; do
		[ -e "$src/$f" ] || continue
		mkdir -p "$dir/$(dirname "$f")"
		cp "$src/$f" "$dir/$f"
	done
	git -C "$dir" add -A
	git -C "$dir" commit -q --allow-empty -m "$(basename "$src")"
	git -C "$dir" tag base
}

# format DIR OUTDIR COVER KERNEL SRC: format-patch base..HEAD with a
# cover letter whose subject and text come from COVER.
format() {
	local dir=$1 od=$2 cover=$3 kernel=$4 src=$5 subject
	rm -rf "$od"
	git -C "$dir" format-patch -q --cover-letter --zero-commit --no-signature \
		-o "$od" base..HEAD
	subject=$(head -n 1 "$cover" | sed "s|@KERNEL@|$kernel|g")
	python3 - "$od/0000-cover-letter.patch" "$cover" "$subject" "$kernel" \
		"Debian's $(basename "$src") ($(make -s -C "$src" kernelversion 2>/dev/null))" <<'EOF'
import sys
path, cover, subject, kernel, base = sys.argv[1:]
text = open(cover).read().split('\n', 2)[2].rstrip('\n')
# A note for one kernel only: COVER-KERNEL, appended.
try:
    text += '\n\n' + open(cover + '-' + kernel).read().rstrip('\n')
except FileNotFoundError:
    pass
text = text.replace('@KERNEL@', kernel).replace('@BASE@', base)
s = open(path).read()
s = s.replace('*** SUBJECT HERE ***', subject).replace('*** BLURB HERE ***', text)
open(path, 'w').write(s)
EOF
}

# --- edits of upstream files, named by "Edit:" ------------------------------

# vfio_pci_compat.h and vfio_pci_compat.c (those this patch adds) as this
# tree has them: its probes' answers ($have) and its version ($kver).
in_tree_compat() {
	python3 "$top/scripts/compat-resolve.py" "$kver" "$have" \
		drivers/vfio/pci/vfio_pci_compat.h drivers/vfio/pci/vfio_pci_compat.c >/dev/null
}

# The vfio-pci module from our files: Kconfig's VFIO_PCI without
# VFIO_PCI_CORE, the Makefile's vfio-pci-y, and upstream's vfio_pci.c and
# vfio_pci_igd.c (whose only user is vfio_pci.c) gone with VFIO_PCI_IGD.
wire_build() {
	local k=drivers/vfio/pci/Kconfig m=drivers/vfio/pci/Makefile compat=""
	# The tree's own compat file, if it needs one (in_tree_compat).
	[ -e drivers/vfio/pci/vfio_pci_compat.c ] && compat=' \
	      vfio_pci_compat.o'
	python3 - "$k" "$m" drivers/vfio/pci/vfio_pci_priv.h "$compat" <<'EOF'
import re, sys
kconfig, makefile, priv, compat = sys.argv[1:]
s = open(kconfig).read()
old = '''	select VFIO_PCI_CORE
	help
	  Support for the generic PCI VFIO bus driver which can connect any
	  PCI device to the VFIO framework.
'''
assert s.count(old) == 1
s = s.replace(old, '''	depends on VFIO_GROUP && MMU
	select VFIO_VIRQFD
	select IRQ_BYPASS_MANAGER
	help
	  Support for the generic PCI VFIO bus driver which can connect any
	  PCI device to the VFIO framework: its config space, BARs, option
	  ROM, legacy VGA ranges and interrupts become VFIO regions and IRQ
	  indexes.  It is built on the VFIO core only, not on
	  vfio-pci-core, which the device specific drivers below use.

	  To compile this driver as a module, choose M here: the module
	  will be called vfio-pci.
''')
igd = re.search(r'\n\nconfig VFIO_PCI_IGD\n.*?\n(?=endif)', s, re.S)
s = s.replace(igd.group(0), '\n')
s = s.replace('''	  BIOS and generic video drivers.

	  If you don't know what to do here, say N.
''', '''	  BIOS and generic video drivers.  Every access takes the VGA
	  arbiter, which routes the legacy ranges to the device.

	  If you assign graphics cards to virtual machines, say Y.
''')
open(kconfig, 'w').write(s)
m = open(makefile).read()
old = re.search(r'vfio-pci-y := vfio_pci\.o\n.*?obj-\$\(CONFIG_VFIO_PCI\) \+= vfio-pci\.o\n', m, re.S).group(0)
m = m.replace(old, '''vfio-pci-y := vfio_pci_main.o vfio_pci_dev.o vfio_pci_cfg.o vfio_pci_bar.o \\
	      vfio_pci_rom.o vfio_pci_irq.o vfio_pci_intx.o vfio_pci_msi.o \\
	      vfio_pci_reset.o vfio_pci_nosnoop.o vfio_pci_pm.o vfio_pci_sriov.o%s
vfio-pci-$(CONFIG_VFIO_PCI_VGA) += vfio_pci_vga.o
obj-$(CONFIG_VFIO_PCI) += vfio-pci.o
''' % compat)
open(makefile, 'w').write(m)
p = open(priv).read()
p2 = re.sub(r'#ifdef CONFIG_VFIO_PCI_IGD\n.*?#endif\n\n?', '', p, count=1, flags=re.S)
open(priv, 'w').write(p2)
EOF
	git rm -q drivers/vfio/pci/vfio_pci.c drivers/vfio/pci/vfio_pci_igd.c
}

# The kselftest target, in tools/testing/selftests/Makefile's list.
selftests_target() {
	local t
	t=$(basename "$seldir")
	grep -qx "TARGETS += $t" tools/testing/selftests/Makefile && return 0
	awk -v t="$t" '
		!done && /^TARGETS \+= / && $3 > t { print "TARGETS += " t; done = 1 }
		{ print }' tools/testing/selftests/Makefile >tools/testing/selftests/Makefile.new
	mv tools/testing/selftests/Makefile.new tools/testing/selftests/Makefile
}

# The driver's page in the driver-api index, after upstream's vfio page.
docs_index() {
	sed -i 's/^   vfio$/&\n   vfio-pci/' Documentation/driver-api/index.rst
}

# --- the series ---------------------------------------------------------------

# add_files SPEC...: copy this tree's tracked files named by SPEC
# (PATH[:DEST], PATH a file, directory or glob) into the repository.
add_files() {
	local spec path dest f f2
	for spec in "$@"; do
		path=${spec%%:*}
		dest=${spec#*:}
		[ "$dest" = "$spec" ] && dest=$path
		while IFS= read -r f; do
			case $f in
			*/expected-results.txt|*/stock-differences.txt) continue ;;
			esac
			f2=$f
			[ "$dest" = "$path" ] || f2=$dest${f#"$path"}
			case $f2 in
			tools/testing/selftests/vfio/*) f2=$seldir/${f2#tools/testing/selftests/vfio/} ;;
			esac
			mkdir -p "$(dirname "$f2")"
			cp "$top/$f" "$f2"
		done < <(git -C "$top" ls-files -- "$path")
	done
}

# tree_probes KERNEL: the probes of vfio_pci_probes.c that compile in
# KERNEL's prepared tree, comma-separated: the driver's own probe rule,
# run alone (a Kbuild file that builds vfio_pci_probes.h and no module)
# in a copy of the driver's Makefile, out of the tree.
tree_probes() {
	local base d=$scratch/probes-$1/drivers/vfio/pci
	base=$(ktree_prepare "$1") || return 1
	mkdir -p "$d" "$scratch/probes-$1/include/uapi/linux"
	cp "$top/drivers/vfio/pci/Makefile" "$top/drivers/vfio/pci/vfio_pci_probes.c" "$d/"
	cp "$top/include/uapi/linux/vfio.h" "$scratch/probes-$1/include/uapi/linux/"
	# shellcheck disable=SC2016 # kbuild's variables
	printf '%s\n' 'include $(src)/Makefile' 'obj-m :=' 'always-y += vfio_pci_probes.h' >"$d/Kbuild"
	if ! make -s -C "$base" M="$d" modules >"$d/make.log" 2>&1; then
		cat "$d/make.log" >&2
		return 1
	fi
	sed -n 's/^#define VFIO_PCI_HAVE_\([A-Z0-9_]*\) 1$/\1/p' "$d/vfio_pci_probes.h" | paste -sd, -
}

driver_series() {
	local kernel=$1 src=$2 dir=$3 msg files edits fn
	seldir=$(selftest_dir "$kernel")
	kver=$(make -s -C "$src" kernelversion)
	have=$(tree_probes "$kernel")
	echo "$kernel: $kver, probes: ${have:-none}" >&2
	new_repo "$dir" "$src" drivers/vfio/pci/Kconfig drivers/vfio/pci/Makefile \
		drivers/vfio/pci/vfio_pci.c drivers/vfio/pci/vfio_pci_igd.c \
		drivers/vfio/pci/vfio_pci_priv.h Documentation/driver-api/index.rst \
		tools/testing/selftests/Makefile
	for msg in "$top"/patches/vfio-pci/[0-9]*.msg; do
		files=$(sed -n '1,/^$/s/^Files: //p' "$msg")
		edits=$(sed -n '1,/^$/s/^Edit: //p' "$msg")
		(
			cd "$dir"
			# shellcheck disable=SC2086 # lists of words
			add_files $files
			for fn in $edits; do
				"$fn"
			done
			git add -A
			sed '1,/^$/d' "$msg" | git commit -q -s -F -
		)
	done
}

vgaarb_series() {
	local kernel=$1 src=$2 dir=$3
	mapfile -t ps < <(find "$top/patches/vgaarb/$kernel" -name '*.patch' | sort)
	# shellcheck disable=SC2046 # one path a line
	new_repo "$dir" "$src" $(sed -n 's|^--- a/||p' "${ps[@]}" | sort -u)
	git -C "$dir" am -q --committer-date-is-author-date "${ps[@]}"
}

# shellcheck source=scripts/ktree-lib.sh
. "$top/scripts/ktree-lib.sh"
kernels=${*:-6.12 7.3}
ident
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for k in $kernels; do
	src=$(source_of "$k")
	driver_series "$k" "$src" "$scratch/$k"
	format "$scratch/$k" "$out/$k" "$top/patches/vfio-pci/cover-letter" "$k" "$src"
	echo "$out/$k"
	vgaarb_series "$k" "$src" "$scratch/vgaarb-$k"
	format "$scratch/vgaarb-$k" "$out/vgaarb-$k" "$top/patches/vgaarb/cover-letter" "$k" "$src"
	echo "$out/vgaarb-$k"
done
