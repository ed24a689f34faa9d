#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make mutants: deliberate small breakages of the driver that the suite
# must catch.  Each scripts/mutants/NAME.mutant says which file to break
# and how (a perl substitution that must change the file), and which
# selftests are meant to catch it (RIG_TESTS lines for guest-suite.sh,
# the devices to bind, and "rig:" options of vm.sh, such as --big-bar,
# for a device the default topology lacks).  For each mutant: copy the
# driver, apply the breakage, build the module against KDIR, boot the rig
# with it and run the killers.  A mutant is killed when any of their results fails (or
# the guest splats); a survivor is a hole in the suite.  A breakage that
# no longer applies (the code moved on) fails too: mend the mutant.
#
#   scripts/mutants.sh [NAME...]     TAP on stdout; logs under build/mutants/
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kdir=$(scripts/kdir.sh) || exit 1
out=$top/build/mutants
mkdir -p "$out"
make -s selftests >/dev/null || { echo "mutants: selftests do not build" >&2; exit 1; }

if [ $# -gt 0 ]; then
	list=()
	for n in "$@"; do list+=("scripts/mutants/$n.mutant"); done
else
	list=(scripts/mutants/*.mutant)
fi

field() { sed -n "s/^$1: //p" "$2"; }

echo "TAP version 13"
echo "1..${#list[@]}"
n=0
for m in "${list[@]}"; do
	n=$((n + 1))
	name=$(basename "$m" .mutant)
	dir=$out/$name
	rm -rf "$dir"
	mkdir -p "$dir/tree/drivers/vfio/pci"
	ln -s "$top/include" "$dir/tree/include"
	cp drivers/vfio/pci/{Makefile,Kconfig,*.c,*.h} "$dir/tree/drivers/vfio/pci/"
	file=$dir/tree/drivers/vfio/pci/$(field file "$m")
	cp "$file" "$dir/orig.c"
	MUTANT_PERL=$(field perl "$m") perl -0pi -e 'eval $ENV{MUTANT_PERL}; die $@ if $@' "$file"
	if cmp -s "$file" "$dir/orig.c"; then
		echo "not ok $n $name: the breakage no longer applies to $(field file "$m")"
		continue
	fi
	diff -u "$dir/orig.c" "$file" >"$dir/mutant.diff"
	# "kernel: debug": killed by what only the debug kernel shows
	# (fault injection, KASAN); its tree must be built (make check-debug).
	kd=$kdir vmenv=() vmopts=()
	if [ "$(field kernel "$m")" = debug ]; then
		dk=$(scripts/debug-kernel.sh --print-key)
		if [ ! -e "$dk/.done" ]; then
			echo "ok $n $name # SKIP needs the debug kernel (make check-debug builds it)"
			continue
		fi
		kd=$dk/build
		vmenv=(KERNEL="$dk/bzImage" KMODDIR="$dk/mods/lib/modules/$(cat "$dk/kver")" FAIL_NTH=1)
		vmopts=(--mem 2048 --append no5lvl)
	fi
	if ! make -C "$kd" M="$dir/tree/drivers/vfio/pci" CONFIG_VFIO_PCI=m \
		CONFIG_VFIO_PCI_VGA=y modules >"$dir/build.log" 2>&1; then
		echo "not ok $n $name: does not build (see $dir/build.log)"
		continue
	fi
	# "rig:" adds vm.sh options (a topology option such as --root-vga).
	read -ra rigopts <<<"$(field rig "$m")"
	vmopts+=("${rigopts[@]}")
	tests=$(field tests "$m")
	env "${vmenv[@]}" OUR_KO="$dir/tree/drivers/vfio/pci/vfio-pci.ko" RIG_TESTS="$tests" \
		RIG_DEVICES="$(field devices "$m")" VM_TIMEOUT=1500 \
		scripts/vm-suite.sh "$dir/vm" "${vmopts[@]}" >"$dir/vm.log" 2>&1
	killers=$(grep -l '^not ok' "$dir"/vm/tap/*.tap 2>/dev/null | xargs -r -n1 basename | sed 's/\.tap$//' | tr '\n' ' ')
	# A SKIP where the expected results want ok kills too: a driver
	# that answers -ENOTTY or -EINVAL where it must work is caught so.
	python3 scripts/tap-summary.py --expect check:ours --partial "$dir" |
		grep 'unexpected SKIP' >"$dir/skips.txt"
	[ -s "$dir/skips.txt" ] && killers="$killers(unexpected SKIPs: $(wc -l <"$dir/skips.txt")) "
	if [ -n "$killers" ]; then
		echo "ok $n $name killed by $killers"
		{ grep -h '^not ok' "$dir"/vm/tap/*.tap; cat "$dir/skips.txt"; } | head -n 3 | sed 's/^/#   /'
	else
		echo "not ok $n $name survived: $(field why "$m")"
	fi
done
