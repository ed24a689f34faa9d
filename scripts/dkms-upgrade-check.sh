#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-upgrade-check.sh OUTDIR [OLD NEW]
#
# A user installs the driver with DKMS on one kernel and later installs a
# newer kernel: DKMS's autoinstall (what a kernel package's postinst runs)
# must build the driver for the new kernel too, so that "modprobe
# vfio-pci" keeps loading ours after the reboot.  OLD and NEW are kernel
# SPECs of scripts/kernels.sh (default 6.1, Debian 12's own kernel, and 7.3,
# the newest; DKMS_UPGRADE="OLD NEW" in the environment does the same).
#
# One staged system root plays the machine's /, with each kernel's own
# VFIO modules under lib/modules/KREL/kernel/; DKMS keeps its trees there
# too (DKMS_ROOT of scripts/dkms-install.sh), so nothing is installed on
# the host:
#   1. on OLD: "make dkms", the README's command (here, or in the build
#      chroot for a trixie kernel: the build needs that kernel's compiler):
#      modprobe vfio-pci resolves to updates/dkms/;
#   2. NEW's modules appear beside OLD's, "dkms autoinstall -k NEW" as the
#      kernel's postinst would run it, depmod: the same for NEW, and OLD's
#      module is still there;
#   3. the rig boots each kernel with that root as its /lib/modules
#      (scripts/rig/dropin-guest.sh): "modprobe vfio-pci ids=1234:11e8"
#      loads ours (the srcversion DKMS built for that kernel) and binds edu.
#
# TAP: OUTDIR/tap/dkms-upgrade.tap and OUTDIR/vm-SPEC/tap/dropin.tap; the
# log is OUTDIR/host.log.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
read -r old new <<<"${*:-${DKMS_UPGRADE:-6.1 7.3}}"
[ -n "${new:-}" ] || { echo "usage: dkms-upgrade-check.sh OUTDIR [OLD NEW]" >&2; exit 64; }
cd "$top" || exit 1
rm -rf "$out/tap" "$out"/vm-*
mkdir -p "$out/tap"
log=$out/host.log
: >"$log"
ks=$top/scripts/kernels.sh

n=0
tap=()
result() {	# result OK|FAIL DESCRIPTION
	n=$((n + 1))
	if [ "$1" = OK ]; then tap+=("ok $n $2"); else tap+=("not ok $n $2"); fi
}
write_tap() {
	{ echo "TAP version 13"; echo "1..$n"; printf '%s\n' "${tap[@]}"; } >"$out/tap/dkms-upgrade.tap"
}
command -v dkms >/dev/null || { result FAIL "dkms installed (make deps)"; write_tap; exit 0; }

# The staged root lives under the tree: the build chroot binds the tree.
stage=$top/build/dkms-upgrade-stage
rm -rf "$stage"
mkdir -p "$stage/sys" "$stage/files/dropin"
trap '[ -n "${KEEP_STAGE:-}" ] || rm -rf "$stage"' EXIT
dk=(--dkmstree "$stage/sys/var/lib/dkms" --sourcetree "$stage/sys/usr/src"
    --installtree "$stage/sys/lib/modules")

# A kernel's release, headers and modules, from the cache of kernels.sh:
# asked once per SPEC, because another run may resolve the SPEC again
# meanwhile (the archive moved on to a newer release) and the guest must
# boot the kernel DKMS built for.
declare -A krel kdir kroot kenv
for spec in "$old" "$new"; do
	env=$("$ks" env "$spec" 2>>"$log") || { result FAIL "fetch $spec"; write_tap; exit 0; }
	kenv[$spec]=$env
	krel[$spec]=$(echo "$env" | sed -n 's/^KVER=//p')
	kdir[$spec]=$(echo "$env" | sed -n 's/^KDIR=//p')
	kroot[$spec]=$(echo "$env" | sed -n 's,^KMODDIR=\(.*\)/lib/modules/.*,\1,p')
done

# The kernel's own VFIO modules at their own paths, and what depmod reads.
add_kernel() {
	local spec=$1 k=${krel[$1]} r=${kroot[$1]} m p
	mkdir -p "$stage/sys/lib/modules/$k"
	(cd "$r/lib/modules/$k" && cp --parents modules.builtin modules.builtin.modinfo \
		modules.order "$stage/sys/lib/modules/$k/")
	for m in vfio vfio_iommu_type1 irqbypass vfio-pci-core vfio-pci vfio_virqfd; do
		p=$(modinfo -b "$r" -k "$k" -n "$m" 2>/dev/null) || continue
		case $p in builtin|"(builtin)") continue ;; esac
		(cd "$r/lib/modules/$k" && cp --parents "${p#"$r/lib/modules/$k/"}" \
			"$stage/sys/lib/modules/$k/")
	done
	depmod -b "$stage/sys" "$k"
}

# DKMS as the kernel's postinst runs it, where that kernel builds.
autoinstall() {
	local spec=$1
	"$ks" run "$spec" dkms autoinstall -k "${krel[$spec]}" --kernelsourcedir "${kdir[$spec]}" \
		"${dk[@]}" --no-depmod &&
		depmod -b "$stage/sys" "${krel[$spec]}"
}

# resolves SPEC: "modprobe vfio-pci" on that kernel picks DKMS's module.
resolves() {
	local k=${krel[$1]} p
	p=$(modinfo -b "$stage/sys" -k "$k" -n vfio-pci 2>>"$log")
	echo "${krel[$1]}: vfio-pci -> $p" >>"$log"
	case $p in "$stage/sys/lib/modules/$k/updates/dkms/"*) return 0 ;; esac
	return 1
}

add_kernel "$old" >>"$log" 2>&1
if "$ks" run "$old" env DKMS_KERNEL="${krel[$old]}" DKMS_KDIR="${kdir[$old]}" DKMS_ROOT="$stage/sys" \
	make -s dkms >>"$log" 2>&1 && resolves "$old"; then
	result OK "make dkms on $old (${krel[$old]}): modprobe vfio-pci resolves to updates/dkms/"
else
	result FAIL "make dkms on $old (${krel[$old]}): modprobe vfio-pci resolves to updates/dkms/"
fi
add_kernel "$new" >>"$log" 2>&1
if autoinstall "$new" >>"$log" 2>&1 && resolves "$new"; then
	result OK "new kernel $new (${krel[$new]}): its postinst's dkms autoinstall builds ours, modprobe resolves to updates/dkms/"
else
	result FAIL "new kernel $new (${krel[$new]}): its postinst's dkms autoinstall builds ours, modprobe resolves to updates/dkms/"
fi
if resolves "$old"; then
	result OK "old kernel $old (${krel[$old]}): keeps its module after the upgrade"
else
	result FAIL "old kernel $old (${krel[$old]}): keeps its module after the upgrade"
fi
write_tap

# Each kernel boots with the staged root as its /lib/modules.
cp scripts/rig/dropin-guest.sh "$stage/files/"
ln -s ../../sys "$stage/files/dropin/sys"
for spec in "$old" "$new"; do
	k=${krel[$spec]}
	ko=$(find "$stage/sys/lib/modules/$k/updates/dkms" -name 'vfio-pci.ko*' 2>/dev/null | head -n 1)
	want=$( [ -n "$ko" ] && modinfo -F srcversion "$ko")
	echo "sys ${want:-missing}" >"$stage/files/dropin/expect"
	rm -rf "$stage/files-$k"
	cp -aL "$stage/files" "$stage/files-$k"
	# The kernel's stock driver at boot; the guest unloads it first.
	# shellcheck disable=SC2046
	env DRIVER=stock $(echo "${kenv[$spec]}" | grep -v '^KDIR=') \
		"$top/scripts/rig/vm.sh" --out "$out/vm-$spec" --files "$stage/files-$k" \
		--timeout "${VM_TIMEOUT:-600}" -- "sh /rig/dropin-guest.sh" >>"$log" 2>&1
	status=$?
	gtap=$out/vm-$spec/tap/dropin.tap
	if [ ! -s "$gtap" ]; then
		mkdir -p "$out/vm-$spec/tap"
		{ echo "TAP version 13"; echo "1..1"
		  echo "not ok 1 $spec guest ran (vm.sh status $status)"; } >"$gtap"
	elif [ $status -ge 2 ]; then
		echo "not ok 99 $spec guest dmesg clean: $(cat "$out/vm-$spec/verdict")" >>"$gtap"
	fi
done
python3 "$top/scripts/tap-summary.py" "$out" | tail -n 1
exit 0
