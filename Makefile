# SPDX-License-Identifier: GPL-2.0-only
#
# vfio-vga: top-level entry points.
#
#   make            build drivers/vfio/pci/vfio-pci.ko against KDIR
#   make check      static checks, the uAPI ABI test and the VM test suite
#   make run        the demo: boot the test rig with our driver
#   make bench      BAR access timing, ours vs stock vs raw /dev/mem
#
# KDIR defaults to the newest installed Debian 6.12 headers.

KDIR ?= $(lastword $(sort $(wildcard /lib/modules/6.12.*-amd64/build)))
DRIVER ?= ours
export KDIR DRIVER

TOP := $(CURDIR)
MOD_DIR := $(TOP)/drivers/vfio/pci
KBUILD_ARGS := CONFIG_VFIO_PCI=m CONFIG_VFIO_PCI_VGA=y
ifneq ($(W),)
KBUILD_ARGS += W=$(W)
endif
ifneq ($(C),)
KBUILD_ARGS += C=$(C)
endif

.PHONY: all modules clean deps check run selftests bench

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no 6.12 kernel headers found: run scripts/install-deps.sh or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(MOD_DIR) $(KBUILD_ARGS) modules

selftests:
	$(MAKE) -C tools/testing/selftests/vfio

deps:
	@scripts/install-deps.sh

check: deps
	@scripts/check.sh

run: deps
	@scripts/run-demo.sh

bench: deps modules selftests
	@scripts/bench.sh

clean:
	$(MAKE) -C $(KDIR) M=$(MOD_DIR) clean
	$(MAKE) -C tools/testing/selftests/vfio clean
	rm -rf build
