#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the reliability lane.  Build (once, cached) the debug
# kernel of scripts/debug-kernel.sh (KASAN, lockdep, kmemleak, fault
# injection), build our module against it with W=1, then run the whole VM
# suite on that kernel with $DRIVER (ours by default), the fuzzer with
# FUZZ_CALLS (default 100000) calls, and a kmemleak scan at the end.  Any
# splat, leak report or hung task fails the run.  TAP lands under
# build/check-debug/; the last line is "N passed, N failed, N skipped".
#
# The fail-nth sweep runs too (FAIL_NTH=1 by default; FAIL_NTH= leaves it
# out), its faults confined to the driver's calls (vfio_pci_fail_nth.c).
#
# Our module is built with gcov (VFIO_PCI_GCOV=y; the kernel has
# CONFIG_GCOV_KERNEL and profiles nothing of its own), the guest hands its
# counters out after the suite (vm.sh --gcov), and the lane prints the line
# and branch coverage per driver file (build/check-debug/coverage/:
# summary.txt, uncovered.txt, coverage.info).  No table is a failure; low
# coverage is not.
#
# A crash of the host's QEMU (random device register writes exercise
# QEMU's device models) is not a verdict on the driver: the suite is run
# once more, and a second crash is reported as a SKIP.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
driver=${DRIVER:-ours}
res=$top/build/check-debug
[ "$driver" = ours ] || res=$top/build/check-debug-$driver
rm -rf "$res"
mkdir -p "$res/static"

step_prefix=check-debug
# shellcheck source=scripts/tap-step.sh
. "$top/scripts/tap-step.sh"

finish() {
	# Held to the expected results of this lane and driver.
	python3 "$top/scripts/tap-summary.py" --expect "check-debug:$driver" \
		--tap "$res/static/expected-results.tap" "$res"
	exit
}

kernel_build() {
	local start=$SECONDS
	kdir=$("$top/scripts/debug-kernel.sh") || return 1
	echo "debug kernel: $kdir ($((SECONDS - start)) s here;" \
	     "cold build took $(cat "$kdir/build-seconds") s)"
}

# Our module, built out of the repository's tree so that the normal
# build's objects stay as they are, and profiled with gcov (the kernel has
# CONFIG_GCOV_KERNEL and profiles nothing of its own): its .gcno files
# stay in $res/tree.
module_build() {
	"$top/scripts/build-copy.sh" "$kdir/build" "$res/tree" "$res/static/kbuild-debug.out" \
		VFIO_PCI_GCOV=y
}

# The coverage of the suite's guest (the run that counts, after a retry).
coverage() {
	python3 "$top/scripts/coverage.py" "$res/vm" "$res/tree/drivers/vfio/pci" "$res/coverage"
}

kdir=$("$top/scripts/debug-kernel.sh" --print-key)
[ -e "$kdir/.done" ] ||
	echo "check-debug: no cached debug kernel: building $kdir once (30-60 min on 2 CPUs)"
step debug-kernel kernel_build || finish
kdir=$("$top/scripts/debug-kernel.sh" 2>/dev/null)
sed -n 's/^debug kernel: /check-debug: debug kernel: /p' "$res/static/debug-kernel.log"
kver=$(cat "$kdir/kver")
if [ "$driver" = ours ]; then
	step kbuild-debug-W1 module_build || finish
fi
# The arbiter series, applied in this kernel: its object builds with W=1.
step vgaarb-series-W1 scripts/vgaarb-series-check.sh w1 "$kdir"
# The selftests in the lane's own directory: make check may run at the
# same time in this tree, and builds (and copies) build/selftests.
export SELFTESTS_DIR=$res/selftests
step selftests-build make -C tools/testing/selftests/vfio OUTPUT="$SELFTESTS_DIR" ||
	finish

export KERNEL=$kdir/bzImage KMODDIR=$kdir/mods/lib/modules/$kver
[ "$driver" = ours ] && export OUR_KO=$res/tree/drivers/vfio/pci/vfio-pci.ko
export FUZZ_CALLS=${FUZZ_CALLS:-100000}
# Stock oopses on VFIO_DEVICE_IOEVENTFD with some offsets (a KASAN
# use-after-free in vfio_pci_core_setup_barmap(), or a page fault; the
# fuzzer found it, the docs' reliability section has it): its fuzzer run
# leaves that ioctl out, or every stock run would end there.
[ "$driver" = stock ] && export FUZZ_SKIP=${FUZZ_SKIP-IOEVENTFD}
export FAIL_NTH=${FAIL_NTH-1}
# TCG with KASAN and lockdep is several times slower than the normal lane.
# With -cpu max the guest runs 5-level paging, and generic KASAN reports a
# wild-memory-access on the first interrupt of the boot (in
# handle_edge_irq, during identify_cpu) with a la57 direct-map address:
# boot with 4-level paging, which the rig does not need.
export VM_TIMEOUT=${VM_TIMEOUT:-3000}
gcov=()
[ "$driver" = ours ] && gcov=(--gcov)

for attempt in 1 2; do
	echo "check-debug: VM suite on $kver (DRIVER=$driver, FUZZ_CALLS=$FUZZ_CALLS, attempt $attempt)"
	start=$SECONDS
	DRIVER=$driver scripts/vm-suite.sh "$res/vm" --kmemleak --mem 2048 --append no5lvl \
		"${gcov[@]}" >"$res/vm.log" 2>&1
	status=$?
	tail -n 1 "$res/vm.log" | sed 's/^/check-debug: /'
	echo "check-debug: VM suite took $((SECONDS - start)) s"
	[ $status = 4 ] || break
	echo "check-debug: the host's QEMU crashed (not the driver's verdict): once more"
	mv "$res/vm" "$res/host-crash-$attempt"
	# Keep the crashed run's logs, but out of the TAP count.
	find "$res/host-crash-$attempt" -name '*.tap' -exec mv {} {}.crashed \;
done
# PUD entries need the 1 GiB BAR of vm.sh --big-bar (ivshmem at 06:00.0):
# the huge-entry tests on that BAR, in a guest of their own, under KASAN,
# lockdep and kmemleak like the suite.
echo "check-debug: huge BAR mappings on a 1 GiB BAR (DRIVER=$driver)"
RIG_DEVICES=0000:06:00.0 RIG_TESTS="vfio_pci_huge_test 0000:06:00.0" DRIVER=$driver \
	scripts/vm-suite.sh "$res/vm-bigbar" --big-bar --kmemleak --mem 2048 --append no5lvl \
	>"$res/vm-bigbar.log" 2>&1
tail -n 1 "$res/vm-bigbar.log" | sed 's/^/check-debug: /'
grep -h '^# seed .* calls/s' "$res"/vm/tap/vfio_pci_fuzz.tap 2>/dev/null | sed 's/^# /check-debug: fuzz: /'
if [ "$driver" = ours ]; then
	step coverage coverage &&
		sed 's/^/check-debug: coverage | /' "$res/coverage/summary.txt" &&
		grep '^coverage: ' "$res/static/coverage.log" | sed 's/^/check-debug: /'
fi
finish
