# SPDX-License-Identifier: GPL-2.0-only
#
# vfio-vga: top-level entry points.
#
#   make            build drivers/vfio/pci/vfio-pci.ko against KDIR
#   make check      static checks, the uAPI ABI test and the VM test suite
#                   (KERNELS="7.3": and the suite on those kernels too),
#                   and a smoke on each of SMOKE_KERNELS (default 6.18 7.0)
#   make run        the demo: a VM in the rig runs the VGA BIOS of a card
#                   assigned through our driver, then Linux, whose
#                   bochs-drm draws a framebuffer console on the card
#                   (screenshot saved); DEMO=seabios stops at the BIOS
#   make info       boot the rig and print what VFIO reports per device
#   make install    install the module under /lib/modules/<kver>/updates/
#                   and run depmod, so that "modprobe vfio-pci" loads ours
#   make uninstall  remove it again: modprobe loads the kernel's vfio-pci
#   make dkms       install with DKMS for the running kernel, and for every
#                   kernel installed later
#   make docs       render Documentation/ with Sphinx into build/docs/
#   make bench      both drivers in turn in one guest: BAR, config, IRQ,
#                   BAR population, VGA and ROM rows, ours/stock and
#                   ours/floor (medians over BENCH_ROUNDS rounds, 21)
#   make patches    the series a maintainer applies, against linux-source
#                   6.12 and 7.3, in build/patches/<kernel>/ (the arbiter
#                   series in build/patches/vgaarb-<kernel>/)
#   make mutants    break the driver on purpose (scripts/mutants/), one
#                   breakage at a time: the suite must catch each
#   make check-debug the VM suite, the fuzzer and a kmemleak scan on the
#                   debug kernel (built once into /var/cache/vfio-vga)
#   make check-cdev the VF token through the device cdev: the SR-IOV
#                   selftest on a 7.3 kernel with CONFIG_IOMMUFD (built
#                   once into /var/cache/vfio-vga)
#
# KDIR defaults to the newest installed Debian 6.12 headers; install and
# uninstall honour INSTALL_MOD_PATH (a staging root) like kbuild does.

# KDIR is looked up at each use, never when this file is parsed, and it is
# not exported: "make run" and "make check" install the headers (deps) after
# parsing, and their sub-makes must look again rather than inherit an empty
# value.  A KDIR given on the command line reaches sub-makes as usual.
ifeq ($(KDIR),)
KDIR = $(shell $(CURDIR)/scripts/kdir.sh 2>/dev/null)
endif
DRIVER ?= ours
# The kernels make check smokes (scripts/check-kernel.sh --smoke): what CI
# runs; SMOKE_KERNELS= runs none.
SMOKE_KERNELS ?= 6.18 7.0
export DRIVER

TOP := $(CURDIR)
MOD_DIR := $(TOP)/drivers/vfio/pci
KBUILD_ARGS := CONFIG_VFIO_PCI=m CONFIG_VFIO_PCI_VGA=y
ifneq ($(W),)
KBUILD_ARGS += W=$(W)
endif
ifneq ($(C),)
KBUILD_ARGS += C=$(C)
endif

# The kernel release KDIR was built for: install and uninstall act on
# $(INSTALL_MOD_PATH)/lib/modules/$(KVER).
KVER = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
MODLIB = $(INSTALL_MOD_PATH)/lib/modules/$(KVER)

.PHONY: all modules clean deps check check-debug check-cdev debug-kernel run info selftests bench install uninstall dkms docs mutants patches

all: modules

modules:
	@test -n "$(KDIR)" || scripts/kdir.sh >/dev/null
	@scripts/kernel-range.sh "$(KVER)"
	$(MAKE) -C $(KDIR) M=$(MOD_DIR) $(KBUILD_ARGS) modules

selftests:
	$(MAKE) -C tools/testing/selftests/vfio

# Not kbuild's modules_install: with Debian's headers it tries to sign with
# a key that is not shipped and skips depmod for want of System.map.
# updates/ ranks above kernel/ in depmod's default search order.
install: modules
	@test -n "$(KVER)" || { echo "no kernel release for KDIR=$(KDIR)" >&2; exit 1; }
	install -D -m 644 $(MOD_DIR)/vfio-pci.ko $(MODLIB)/updates/vfio-pci.ko
	depmod -b $(or $(INSTALL_MOD_PATH),/) $(KVER)

# DKMS: this tree for the running kernel and every kernel installed later.
dkms:
	@scripts/dkms-install.sh

uninstall:
	@test -n "$(KVER)" || { echo "no kernel release for KDIR=$(KDIR)" >&2; exit 1; }
	rm -f $(MODLIB)/updates/vfio-pci.ko*
	depmod -b $(or $(INSTALL_MOD_PATH),/) $(KVER)

docs:
	@scripts/docs.sh html

# Needs linux-source-6.12 (deps) and fetches Debian's linux-source-7.3.
patches: deps
	@scripts/patches.sh

# DEPS is what installs the dependencies; scripts/entry-check.sh replaces
# it to play a fresh machine.
DEPS ?= scripts/install-deps.sh
deps:
	@$(DEPS)

# KERNELS="7.3 ..." adds scripts/check-kernel.sh for each: the suite on
# that kernel with ours and with its own stock driver; SMOKE_KERNELS the
# smoke of check-kernel.sh --smoke, a few tests with each driver (both
# drivers in one lane: not run again by make check DRIVER=stock).  The
# last lines are one row per kernel of what the checks found
# (scripts/kernel-table.py), then "N passed, N failed, N skipped" over
# every lane it ran.
check: deps
	@rc=0; scripts/check.sh || rc=1; \
	lanes=build/check$(if $(filter stock,$(DRIVER)),-stock); \
	for k in $(KERNELS); do scripts/check-kernel.sh $$k || rc=1; lanes="$$lanes build/check-$$k"; done; \
	for k in $(if $(filter stock,$(DRIVER)),,$(SMOKE_KERNELS)); do \
		scripts/check-kernel.sh --smoke $$k || rc=1; lanes="$$lanes build/smoke-$$k"; done; \
	python3 scripts/kernel-table.py; \
	python3 scripts/tap-summary.py $$lanes; exit $$rc

check-debug: deps
	@scripts/check-debug.sh

check-cdev: deps
	@scripts/check-cdev.sh

# The reliability lane's kernel alone, built once and cached (make
# check-debug builds it on first use; CI builds it while make check runs).
debug-kernel: deps
	@scripts/debug-kernel.sh

run: deps
	@scripts/run-demo.sh

info: deps
	@scripts/run-info.sh

# Deliberate breakages of the driver that the suite must catch.
mutants: deps
	@scripts/mutants.sh $(MUTANTS)

bench: deps modules selftests
	@scripts/bench.sh

clean:
	$(if $(KDIR),$(MAKE) -C $(KDIR) M=$(MOD_DIR) clean)
	$(MAKE) -C tools/testing/selftests/vfio clean
	rm -rf build
