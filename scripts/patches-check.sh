#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# patches-check.sh [TAPFILE] [KERNEL...]   (default: 6.12 7.3)
#
# The series of "make patches" as a maintainer meets them.  For each
# KERNEL: generate build/patches/KERNEL/ and build/patches/vgaarb-KERNEL/
# (scripts/patches.sh), then on a fresh tree (scripts/ktree-lib.sh: Debian's
# config with every vfio-pci variant driver x86 can build) apply the arbiter
# series and then the driver series with git am, one patch at a time, and
# after each:
#   - checkpatch.pl --strict on the patch (6.12's checkpatch for both
#     kernels; ignored: UNKNOWN_COMMIT_ID, a Fixes: tag names a kernel
#     commit these trees have no history of, and FILE_PATH_CHANGES, the
#     MAINTAINERS reminder for added files, which drivers/vfio/ and
#     the arbiter's entries already cover);
#   - build what it changed with W=1: drivers/vfio/pci (make M=, which
#     builds vfio-pci-core and the variant drivers too, plus every file of
#     ours that the Makefile does not build yet, compiled on its own),
#     drivers/pci/vgaarb.o, the kselftest target; a warning that the
#     pristine tree's build does not give fails the step.
# In the fully patched tree: Kconfig still gives VFIO_PCI=m and
# VFIO_PCI_CORE=m, the vfio-pci module is ours (it depends on vfio and
# irqbypass only), vfio-pci-core and each enabled variant driver are
# built, and vfio-pci.ko defines no global symbol that vfio-pci-core.ko
# defines too (a kernel with both built in would not link).
#
# The driver builds for the kernels in $PATCHES_DRIVER_KERNELS (default
# 6.12 7.3, all of them): on a kernel left out of it, a driver step that
# does not build, and the checks of the patched tree's vfio-pci.ko, are
# reported "# TODO" (known, not counted as failures), for a kernel whose
# compat is still to come.  The arbiter series and checkpatch have no
# such allowance.
#
# Output: TAP on stdout (and in TAPFILE if given); logs in build/patches-check/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tapfile=${1:-/dev/null}
[ $# -gt 0 ] && shift
kernels=${*:-6.12 7.3}
driver_kernels=${PATCHES_DRIVER_KERNELS:-6.12 7.3}
log=$top/build/patches-check
mkdir -p "$log"
# shellcheck source=scripts/ktree-lib.sh
. "$top/scripts/ktree-lib.sh"
checkpatch=$("$top/scripts/linux-source.sh")/scripts/checkpatch.pl

n=0 failed=0
tap=()
result() {	# result OK|FAIL|TODO DESCRIPTION [LOGFILE]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		tap+=("ok $n $2")
	elif [ "$1" = TODO ]; then
		tap+=("not ok $n $2 # TODO the driver does not build for this kernel yet (compat layer)")
		[ -n "${3:-}" ] && [ -f "$3" ] && while IFS= read -r l; do tap+=("# $l"); done < <(tail -n 30 "$3")
	else
		failed=$((failed + 1))
		tap+=("not ok $n $2")
		[ -n "${3:-}" ] && [ -f "$3" ] && while IFS= read -r l; do tap+=("# $l"); done < <(tail -n 30 "$3")
	fi
}
finish() {
	{ echo "TAP version 13"; echo "1..$n"; printf '%s\n' "${tap[@]}"; } | tee "$tapfile"
	[ $failed = 0 ]
	exit $?
}

# Upstream's files in drivers/vfio/pci: the rest there is ours.
upstream_c='vfio_pci.c vfio_pci_core.c vfio_pci_config.c vfio_pci_intrs.c vfio_pci_rdwr.c vfio_pci_igd.c vfio_pci_zdev.c vfio_pci_dmabuf.c'

# build_vfio WORK LOGDIR: make M=drivers/vfio/pci W=1; files of ours that
# the Makefile does not build yet are compiled on their own (always-y, in
# a copy of the Makefile put back afterwards).
build_vfio() {
	local w=$1 l=$2 f objs="" rc
	if ! grep -q vfio_pci_main.o "$w/drivers/vfio/pci/Makefile"; then
		for f in "$w"/drivers/vfio/pci/vfio_pci_*.c; do
			case " $upstream_c " in *" $(basename "$f") "*) continue ;; esac
			objs="$objs $(basename "${f%.c}").o"
		done
		[ -n "$objs" ] && echo "always-y +=$objs" >>"$w/drivers/vfio/pci/Makefile"
	fi
	nice make -k -C "$w" -j"$ktree_jobs" W=1 KBUILD_MODPOST_WARN=1 M=drivers/vfio/pci modules \
		>"$l/vfio.log" 2>&1
	rc=$?
	(cd "$w" && git checkout -q -- drivers/vfio/pci/Makefile)
	[ $rc = 0 ] || return 1
	ktree_warnings "$l/vfio.log" | comm -13 <(ktree_warnings "$w/.vfio-w1.log") - >"$l/vfio.new-warnings"
	# Our module, once built, needs nothing that the kernel does not export.
	if [ -f "$w/drivers/vfio/pci/vfio_pci_main.o" ] && [ -f "$w/drivers/vfio/pci/vfio-pci.ko" ]; then
		comm -23 <(nm -u "$w/drivers/vfio/pci/vfio-pci.ko" | awk '{ print $2 }' | sort -u) \
			<(awk '{ print $2 }' "$w/Module.symvers" | sort -u) |
			grep -vxE '__fentry__|__x86_.*|__stack_chk_fail|_printk|__this_module' |
			sed 's/^/vfio-pci.ko: undefined: /' >>"$l/vfio.new-warnings"
	fi
	[ ! -s "$l/vfio.new-warnings" ]
}

build_vgaarb() {
	local w=$1 l=$2
	nice make -C "$w" W=1 drivers/pci/vgaarb.o >"$l/vgaarb.log" 2>&1 || return 1
	ktree_warnings "$l/vgaarb.log" | comm -13 <(ktree_warnings "$w/.vgaarb-w1.log") - >"$l/vgaarb.new-warnings"
	[ ! -s "$l/vgaarb.new-warnings" ]
}

build_selftests() {
	local w=$1 l=$2 t=$3
	nice make -C "$w/tools/testing/selftests" -j"$ktree_jobs" TARGETS="$t" >"$l/kselftest.log" 2>&1 &&
		! grep -E 'warning|error' "$l/kselftest.log" >/dev/null
}

# driver_verdict K: FAIL where the driver is meant to build for K, else TODO.
driver_verdict() {
	case " $driver_kernels " in
	*" $1 "*) echo FAIL ;;
	*) echo TODO ;;
	esac
}

# step K W P: apply patch P to W and build what it changed.
step() {
	local k=$1 w=$2 p=$3 name l files what="" ok=1 d verdict=FAIL t0=$SECONDS
	name=$(basename "$p" .patch)
	l=$log/$k/$name
	mkdir -p "$l"
	if ! (cd "$w" && git am -q "$p") >"$l/am.log" 2>&1; then
		(cd "$w" && git am --abort) >/dev/null 2>&1
		result FAIL "apply $k/$name: git am" "$l/am.log"
		return 1
	fi
	(cd "$w" && "$checkpatch" --strict --show-types --terse \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$p") >"$l/checkpatch.log" 2>&1
	if grep -qE '^total: 0 errors, 0 warnings, 0 checks' "$l/checkpatch.log" ||
	   ! grep -qE ': (ERROR|WARNING|CHECK):' "$l/checkpatch.log"; then
		result OK "checkpatch $k/$name: --strict clean"
	else
		result FAIL "checkpatch $k/$name: --strict clean" "$l/checkpatch.log"
	fi
	files=$(cd "$w" && git diff --name-only HEAD~1 HEAD)
	if echo "$files" | grep -q '^drivers/vfio/pci/'; then
		what="$what drivers/vfio/pci"
		build_vfio "$w" "$l" || {
			ok=0
			verdict=$(driver_verdict "$k")
			{ grep -E 'error|Error' "$l/vfio.log"; cat "$l/vfio.new-warnings"; } >"$l/fail.log" 2>/dev/null
		}
	fi
	if echo "$files" | grep -qE '^(drivers/pci/vgaarb\.c|include/.*vgaarb\.h)$'; then
		what="$what vgaarb.o"
		build_vgaarb "$w" "$l" || { ok=0; cat "$l/vgaarb.log" "$l/vgaarb.new-warnings" >"$l/fail.log" 2>/dev/null; }
	fi
	for d in $(echo "$files" | sed -n 's|^tools/testing/selftests/\([^/]*\)/.*|\1|p' | sort -u); do
		what="$what kselftest:$d"
		build_selftests "$w" "$l" "$d" || { ok=0; cp "$l/kselftest.log" "$l/fail.log"; }
	done
	[ -n "$what" ] || what=" nothing to build"
	echo "$k/$name: $((SECONDS - t0)) s" >>"$log/times.txt"
	if [ $ok = 1 ]; then
		result OK "build $k/$name: W=1 ($what )"
	else
		result "$verdict" "build $k/$name: W=1 ($what )" "$l/fail.log"
	fi
}

# The fully patched tree of K.
final() {
	local k=$1 w=$2 l cfg deps ko v missing="" clash
	l=$log/$k/final
	mkdir -p "$l"
	cfg=$l/config
	cp "$w/.config" "$cfg"
	if make -C "$w" KCONFIG_CONFIG="$cfg" olddefconfig >"$l/kconfig.log" 2>&1 &&
	   grep -qx 'CONFIG_VFIO_PCI=m' "$cfg" && grep -qx 'CONFIG_VFIO_PCI_CORE=m' "$cfg"; then
		result OK "patched $k/Kconfig: VFIO_PCI=m beside VFIO_PCI_CORE=m"
	else
		grep -E 'VFIO' "$cfg" >>"$l/kconfig.log"
		result FAIL "patched $k/Kconfig: VFIO_PCI=m beside VFIO_PCI_CORE=m" "$l/kconfig.log"
	fi
	ko=$w/drivers/vfio/pci/vfio-pci.ko
	deps=$(modinfo -F depends "$ko" 2>/dev/null)
	if nm --defined-only "$ko" 2>/dev/null | grep -qw vfio_pci_dev_init &&
	   ! echo "$deps" | tr ',' '\n' | grep -qvxE 'vfio|irqbypass|'; then
		result OK "patched $k/vfio-pci.ko: ours, depends on vfio/irqbypass only ($deps)"
	else
		echo "vfio-pci.ko depends: $deps" >"$l/depends.log"
		result "$(driver_verdict "$k")" "patched $k/vfio-pci.ko: ours, depends on vfio/irqbypass only" "$l/depends.log"
	fi
	# Each variant driver the config enables, and the core.
	: >"$l/variants.txt"
	for v in VFIO_PCI_CORE:vfio-pci-core MLX5_VFIO_PCI:mlx5/mlx5-vfio-pci \
		 HISI_ACC_VFIO_PCI:hisilicon/hisi-acc-vfio-pci PDS_VFIO_PCI:pds/pds-vfio-pci \
		 VIRTIO_VFIO_PCI:virtio/virtio-vfio-pci NVGRACE_GPU_VFIO_PCI:nvgrace-gpu/nvgrace-gpu-vfio-pci \
		 QAT_VFIO_PCI:qat/qat_vfio_pci XE_VFIO_PCI:xe/xe-vfio-pci; do
		grep -qx "CONFIG_${v%%:*}=m" "$w/.config" || continue
		if [ -f "$w/drivers/vfio/pci/${v#*:}.ko" ]; then
			echo "${v#*:}.ko" >>"$l/variants.txt"
		else
			missing="$missing ${v#*:}.ko"
		fi
	done
	if [ -z "$missing" ]; then
		result OK "patched $k/variants: vfio-pci-core and the variant drivers build ($(sed 's|.*/||; s|\.ko$||' "$l/variants.txt" | tr '\n' ' ' | sed 's/ $//'))"
	else
		echo "missing:$missing" >"$l/variants-missing.log"
		result FAIL "patched $k/variants: vfio-pci-core and the variant drivers build (missing:$missing)" "$l/variants-missing.log"
	fi
	clash=$(comm -12 \
		<(nm --defined-only -g "$ko" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u) \
		<(nm --defined-only -g "$w/drivers/vfio/pci/vfio-pci-core.ko" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u) |
		grep -vxE '(__pfx_)?(init_module|cleanup_module)|__this_module|__UNIQUE_ID.*|____versions|__.*ksymtab.*|__(start|stop)_.*')
	if ! nm --defined-only "$ko" 2>/dev/null | grep -qw vfio_pci_dev_init; then
		echo "no vfio-pci.ko of ours" >"$l/clash.log"
		result "$(driver_verdict "$k")" "patched $k/symbols: vfio-pci.ko defines no global of vfio-pci-core.ko" "$l/clash.log"
	elif [ -z "$clash" ]; then
		result OK "patched $k/symbols: vfio-pci.ko defines no global of vfio-pci-core.ko"
	else
		echo "$clash" >"$l/clash.log"
		result FAIL "patched $k/symbols: vfio-pci.ko defines no global of vfio-pci-core.ko" "$l/clash.log"
	fi
}

start=$(date +%s)
# shellcheck disable=SC2086 # a list of kernels
if "$top/scripts/patches.sh" $kernels >"$log/patches.log" 2>&1; then
	result OK "make patches: series written to build/patches/"
else
	result FAIL "make patches: series written to build/patches/" "$log/patches.log"
	finish
fi

for k in $kernels; do
	rm -rf "${log:?}/$k"
	sed -i "\|^${k}[/:]|d" "$log/times.txt" 2>/dev/null
	mkdir -p "$log/$k"
	t0=$(date +%s)
	if ! base=$(ktree_prepare "$k" 2>"$log/$k/prepare.log"); then
		result FAIL "tree $k: prepared" "$log/$k/prepare.log"
		continue
	fi
	t1=$(date +%s)
	mapfile -t arb < <(find "$top/build/patches/vgaarb-$k" -name '0*.patch' ! -name '0000-*' | sort)
	mapfile -t drv < <(find "$top/build/patches/$k" -name '0*.patch' ! -name '0000-*' | sort)
	work=$(mktemp -d "$ktree_cache/.pwork-$k.XXXXXX")
	# shellcheck disable=SC2064 # expand now
	trap "rm -rf '$work'" EXIT
	ktree_work "$k" "$base" "$work" "${arb[@]}" "${drv[@]}" >"$log/$k/work.log" 2>&1 ||
		{ result FAIL "tree $k: work copy" "$log/$k/work.log"; continue; }
	for p in "${arb[@]}"; do
		step "$k" "$work" "$p" || break
	done
	for p in "${drv[@]}"; do
		step "$k" "$work" "$p" || break
	done
	final "$k" "$work"
	if ktree_unchanged "$base" >"$log/$k/unchanged.log"; then
		result OK "tree $k: the cached tree is unchanged by the builds"
	else
		result FAIL "tree $k: the cached tree is unchanged by the builds" "$log/$k/unchanged.log"
	fi
	echo "$k: prepare $((t1 - t0)) s, series $(($(date +%s) - t1)) s" >>"$log/times.txt"
	rm -rf "$work"
done
echo "total $(($(date +%s) - start)) s" >>"$log/times.txt"
finish
