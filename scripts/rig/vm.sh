#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh [options] -- COMMAND
#
# Boot Debian's 6.12 kernel under QEMU (TCG, q35, emulated VT-d) on the rig's
# GPU-host topology, load the VFIO modules and the driver under test
# (DRIVER=ours, the default, or DRIVER=stock), run COMMAND in the guest's
# /rig directory and power off.  Everything lands in the output directory:
#   console.log  the kernel console
#   out.log      COMMAND's output
#   dmesg.log    the guest's dmesg after COMMAND
#   tap/NAME.tap each "RIG-TEST-BEGIN NAME" .. "RIG-TEST-END NAME RC" section
#                (a NAME ending in .txt, such as info.txt, is kept as it is)
#   verdict      one line: ok | command-failed RC | splat | no-finish |
#                host-crash (QEMU itself died of a signal: not the guest's fault)
#
# Options:
#   --out DIR          output directory (default: a new one under build/vm)
#   --timeout SEC      kill the guest after SEC seconds (default 900)
#   --files DIR        copy DIR's contents into the guest's /rig (repeatable)
#   --modules "A B"    also load these modules of the image (with deps)
#   --driver-args ARGS module parameters for our vfio-pci.ko
#   --snoop-control    intel-iommu,snoop-control=on
#   --hostfs           export the host's / read-only over 9p (tag hostroot)
#   --mem MB           guest memory (default 1536)
#   --monitor          keep a QEMU monitor socket at DIR/monitor.sock
#   --qemu-trace SPEC  -trace SPEC -D DIR/qemu-trace.log
#   --append ARGS      more kernel command line
#   --root-vga         a second std VGA on the root bus at 00:08.0, beside
#                      the boot VGA 00:01.0 (no bridge above it: its own
#                      enables are its legacy routing; its ROM is its ROM
#                      BAR, not a shadow copy); not in the default topology
#   --big-bar          add a device with a 1 GiB memory BAR: ivshmem-plain
#                      (BAR 2 backed by 1 GiB of the host's memory) behind a
#                      root port of its own, 0000:06:00.0 (not in the
#                      default topology)
#   --vgamem MB        the VRAM of the GPU at 0000:01:00.0 (QEMU's vgamem_mb,
#                      a power of two up to 256: BAR 0's size; default 16)
#   --tcg-threads single|multi
#                      TCG's vCPU threads (default single: the two vCPUs run
#                      in turns on one host thread; multi runs them at once,
#                      which stock's vga_get() does not survive: see the
#                      selftests' README.rst, "The two-card rows")
#   --kmemleak         forget the boot's kmemleak reports before COMMAND and
#                      scan after it: tap/kmemleak.tap, and any leak lands in
#                      the guest's dmesg, so it fails the run like a splat
#   --gcov             after COMMAND (and the kmemleak scan), dump the
#                      counters of every object built with gcov (a kernel
#                      with CONFIG_GCOV_KERNEL) to tap/gcov.txt: see
#                      gcov-dump.sh; scripts/coverage.py reads them
#
# Environment: KERNEL=bzImage boots another kernel, KMODDIR=DIR/lib/modules/KVER
# names its modules (default: the installed Debian kernel's), OUR_KO=FILE
# the vfio-pci.ko under test (see mkinitramfs.sh).
#
# Exit status: 0 when the command succeeded and the guest's logs are clean,
# 1 when the command failed, 2 on a kernel splat, 3 when the guest did not
# finish (panic, hang, timeout), 4 when QEMU on the host crashed (a signal
# such as SIGSEGV or SIGABRT, see qemu.log) without a guest splat: random
# register writes exercise QEMU's device models, which are not under test;
# 5 when the rig could not be set up (the guest never booted); 64 on a
# usage error.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

out="" timeout=900 mem=1536 snoop="" hostfs="" monitor="" trace="" root_vga=""
files=() modules="" driver_args="" kmemleak="" gcov="" append="" big_bar="" vgamem="" tcg_threads=single
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--files) files+=("$2"); shift 2 ;;
	--modules) modules="$modules $2"; shift 2 ;;
	--driver-args) driver_args=$2; shift 2 ;;
	--snoop-control) snoop=",snoop-control=on"; shift ;;
	--hostfs) hostfs=1; shift ;;
	--mem) mem=$2; shift 2 ;;
	--monitor) monitor=1; shift ;;
	--qemu-trace) trace=$2; shift 2 ;;
	--kmemleak) kmemleak=1; shift ;;
	--big-bar) big_bar=1; shift ;;
	--vgamem) vgamem=",vgamem_mb=$2"; shift 2 ;;
	--gcov) gcov=1; shift ;;
	--append) append="$append $2"; shift 2 ;;
	--root-vga) root_vga=1; shift ;;
	--tcg-threads)
		case $2 in single|multi) tcg_threads=$2 ;; *) echo "vm.sh: --tcg-threads single|multi" >&2; exit 64 ;; esac
		shift 2 ;;
	--) shift; break ;;
	*) echo "vm.sh: unknown option $1" >&2; exit 64 ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: vm.sh [options] -- COMMAND" >&2; exit 64; }
# Anything that fails before the guest boots (the initramfs, a missing
# kernel) is status 5, never to be mistaken for the command's own status.
trap 'echo "vm.sh: rig setup failed before boot" >&2; [ -n "$out" ] && [ -d "$out" ] && echo setup-failed >"$out/verdict"; exit 5' ERR
cmd="$*"

driver=${DRIVER:-ours}
case $driver in ours|stock) ;; *) echo "vm.sh: DRIVER must be ours or stock" >&2; exit 64 ;; esac
kver=${KVER:-$(basename "$(dirname "$(readlink -f "${KDIR:-/lib/modules/x/build}")")" 2>/dev/null)}
if [ ! -e "/boot/vmlinuz-$kver" ]; then
	# The generic flavour; the -rt one only through KVER/KERNEL.
	kver=$(ls /boot/ | sed -n 's/^vmlinuz-\(6\.12\..*-amd64\)$/\1/p' |
		grep -v -- '-rt-amd64$' | sort -V | tail -n 1)
fi
[ -n "${KMODDIR:-}" ] && kver=$(basename "$KMODDIR")
kernel=${KERNEL:-/boot/vmlinuz-$kver}
[ -r "$kernel" ] || { echo "vm.sh: no kernel $kernel (install linux-image-6.12-amd64)" >&2; exit 64; }

if [ -z "$out" ]; then
	mkdir -p "$top/build/vm"
	out=$(mktemp -d "$top/build/vm/run.XXXXXX")
fi
mkdir -p "$out/tap"
rm -f "$out"/*.log "$out"/tap/* "$out/verdict"

if [ -n "$hostfs" ]; then
	modules="$modules netfs 9pnet 9pnet_virtio 9p virtio_pci"
fi

# kmemleak reports what is unreferenced for two scans in a row (min age
# 5 s); reports from before COMMAND (the boot) are cleared first.  Leaks
# are echoed into the kernel log so that the splat scan sees them.
if [ -n "$kmemleak" ]; then
	cmd="km=/sys/kernel/debug/kmemleak
[ -w \$km ] && { echo scan >\$km; echo clear >\$km; }
( $cmd )
rc=\$?
echo RIG-TEST-BEGIN kmemleak
echo 'TAP version 13'
echo '1..1'
if [ -w \$km ]; then
	sleep 6; echo scan >\$km; sleep 6; echo scan >\$km
	cat \$km >/tmp/kmemleak.log
	if grep -q 'unreferenced object' /tmp/kmemleak.log; then
		echo 'not ok 1 kmemleak scan'
		sed 's/^/# /' /tmp/kmemleak.log | head -n 200
		head -n 20 /tmp/kmemleak.log | sed 's/^/kmemleak report: /' >/dev/kmsg
	else
		echo 'ok 1 kmemleak scan'
	fi
else
	echo 'not ok 1 kmemleak scan: no /sys/kernel/debug/kmemleak (--kmemleak needs a kernel with it)'
fi
echo RIG-TEST-END kmemleak 0
exit \$rc"
fi
# The counters are read last, so that they hold everything COMMAND did in
# this same guest; the dump's status does not change COMMAND's.
if [ -n "$gcov" ]; then
	cmd="( $cmd )
rc=\$?
sh /rig/gcov-dump.sh
exit \$rc"
fi

# --root-vga: SeaBIOS runs the VGA BIOS of the first VGA card in bus
# order (00:01.0, the arbiter's boot VGA) but enables the decode of every
# card, and x86's pci_fixup_video() takes each root-bus VGA that decodes
# for the boot card while the arbiter has none yet: 00:08.0's ROM would be
# "shadowed" at 0xc0000, never read through its ROM BAR.  So the guest
# enumerates it again, with the boot VGA known.  The arbiter books a card
# that no bridge routes as "no bridge control" only when a card behind a
# bridge is added after it, as at boot: 01:00.0 goes and comes back too
# (its audio function stays, so that the two share their IOMMU group).
if [ -n "$root_vga" ]; then
	cmd="for d in 0000:01:00.0 0000:00:08.0; do
	echo 1 >/sys/bus/pci/devices/\$d/remove
done
echo 1 >/sys/bus/pci/rescan
( $cmd )"
fi

{
	printf 'RIG_DRIVER=%q\n' "$driver"
	printf 'RIG_DRIVER_ARGS=%q\n' "$driver_args"
	printf 'RIG_MODULES=%q\n' "$modules"
	printf 'RIG_CMD=%q\n' "$cmd"
} >"$out/config"
"$here/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$kver" "$out/config" "${files[@]}"

# The GPU host: boot VGA and edu on the root bus; a GPU with its audio
# function behind a root port (one IOMMU group); a virtio function with
# MSI-X and FLR behind its own port; a legacy card behind a PCIe-to-PCI
# bridge; last, an SR-IOV physical function (an NVMe controller that can
# enable one VF) behind a port of its own, after every other bus so that
# the BDFs above stay what they were (it is 05:00.0, its VF 05:00.1).
# Its MSI-X Table Size is the owner's to change: 1 private interrupt and
# 31 flexible ones, which an NVMe Virtualization Management command hands
# to the PF or takes back, effective at its next function reset (QEMU 7.2
# wants msix_qsize - sriov_vi_flexible >= 1 and sriov_vi_flexible >=
# sriov_max_vfs), so that the table swings between 1 and 32 entries
# (vfio_pci_msix_resize_test).
topology=(
	-device "intel-iommu,intremap=on,caching-mode=on$snoop"
	-device VGA,bus=pcie.0,addr=01.0
	-device edu,bus=pcie.0,addr=03.0
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=04.0,chassis=1,slot=1
	-device "VGA,id=gpu,bus=rp1,addr=00.0,multifunction=on$vgamem"
	-device intel-hda,id=hda,bus=rp1,addr=00.1
	-device hda-output,bus=hda.0,audiodev=snd0
	-audiodev none,id=snd0
	-device pcie-root-port,id=rp2,bus=pcie.0,addr=05.0,chassis=2,slot=2
	-device virtio-rng-pci,bus=rp2,addr=00.0,disable-legacy=on,iommu_platform=on
	-device pcie-root-port,id=rp3,bus=pcie.0,addr=06.0,chassis=3,slot=3
	-device pcie-pci-bridge,id=br1,bus=rp3,addr=00.0
	-device cirrus-vga,id=cirrus,bus=br1,addr=01.0
	-device pcie-root-port,id=rp4,bus=pcie.0,addr=07.0,chassis=4,slot=4
	-device nvme-subsys,id=sriovsub,nqn=vfio-vga-rig-sriov
	-device "nvme,id=sriovpf,bus=rp4,addr=00.0,serial=rigpf0,subsys=sriovsub,sriov_max_vfs=1,sriov_vq_flexible=2,sriov_vi_flexible=31,max_ioqpairs=4,msix_qsize=32"
)
extra=()
[ -n "$root_vga" ] && extra+=(-device "VGA,id=rootvga,bus=pcie.0,addr=08.0")
if [ -n "$hostfs" ]; then
	extra+=(-fsdev local,id=hostroot,path=/,security_model=none,readonly=on
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,bus=pcie.0,addr=10.0)
fi
# A BAR of 1 GiB, so that mappings of it can take PUD entries: ivshmem's
# BAR 2 is 64-bit prefetchable memory and its root port's prefetchable
# window goes above 4 GiB, inside q35's 64-bit PCI hole (32 GiB by
# default).  Its bus number follows every bus above (06:00.0).
if [ -n "$big_bar" ]; then
	extra+=(-object memory-backend-ram,id=bigbar,size=1G
		-device pcie-root-port,id=rp5,bus=pcie.0,addr=09.0,chassis=5,slot=5
		-device ivshmem-plain,id=bigbar0,memdev=bigbar,bus=rp5,addr=00.0)
fi
[ -n "$monitor" ] && extra+=(-monitor "unix:$out/monitor.sock,server,nowait")
[ -n "$trace" ] && extra+=(-trace "$trace" -D "$out/qemu-trace.log")

trap - ERR
# no_timer_check: on a busy host the vCPU is descheduled for longer than
# the kernel's IO-APIC timer probe waits, and the boot panics with "timer
# doesn't work through Interrupt-remapped IO-APIC" (2 of the first 4 boots
# with other guests running).  TCG's timer is not what the rig tests.
set +e
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-M q35 -accel tcg,thread=$tcg_threads -cpu max -smp 2 -m "$mem" \
	-nodefaults -no-user-config -display none -vga none -no-reboot \
	-kernel "$kernel" -initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyS0 intel_iommu=on loglevel=4 panic=-1 oops=panic hung_task_timeout_secs=60 no_timer_check$append" \
	-serial "file:$out/console.log" -serial "file:$out/out.log" \
	-serial "file:$out/dmesg.log" \
	"${topology[@]}" "${extra[@]}" >"$out/qemu.log" 2>&1
qrc=$?
set -e

# Split the test sections into TAP files.
awk -v dir="$out/tap" '
	{ sub(/\r$/, "") }
	/^RIG-TEST-BEGIN / { f = dir "/" $2 ($2 ~ /\.txt$/ ? "" : ".tap"); next }
	/^RIG-TEST-END / { if (f) close(f); f = ""; print $3 > (dir "/" $2 ".rc"); close(dir "/" $2 ".rc"); next }
	f { print > f }
' "$out/out.log"

# "nobody cared" and "Disabling IRQ #" are an unhandled interrupt storm
# (the signature of INTx left unmasked); "BUG kmalloc-64 (...)" is SLUB's
# own report of a corrupted object, which has no colon after BUG.
splat='(BUG:|BUG [a-z][^ ]* \(|WARNING:|Oops|KASAN:|UBSAN:|general protection fault|Kernel panic|possible recursive locking|possible circular locking|inconsistent lock state|sleeping function called from invalid context|blocked for more than|unreferenced object|RCU stall|rcu_sched self-detected stall|soft lockup|hard LOCKUP|nobody cared|Disabling IRQ #)'
status=0 verdict=ok
if ! grep -q '^RIG-DMESG-END' "$out/dmesg.log" 2>/dev/null; then
	verdict="no-finish (qemu exit $qrc)"; status=3
	# timeout(1) says 124, or 137 after its -k; 128+N is QEMU's own death.
	if [ "$qrc" -gt 128 ] && [ "$qrc" != 137 ]; then
		verdict="host-crash (qemu exit $qrc: $(tail -n 1 "$out/qemu.log" 2>/dev/null))"; status=4
	fi
fi
if grep -Eh "$splat" "$out/dmesg.log" "$out/console.log" >"$out/splats.log" 2>/dev/null; then
	verdict="splat"; status=2
fi
if [ $status = 0 ]; then
	rc=$(sed -n 's/^RIG-RC \([0-9]*\).*/\1/p' "$out/out.log" | tail -n 1)
	if [ "$rc" != 0 ]; then
		verdict="command-failed ${rc:-?}"; status=1
	fi
fi
echo "$verdict" >"$out/verdict"
echo "vm.sh: $verdict ($out)"
if [ $status -ge 2 ]; then
	sed 's/^/vm.sh: | /' "$out/splats.log" | head -n 20
	tail -n 30 "$out/console.log" | sed 's/^/vm.sh: console | /'
fi
exit $status
