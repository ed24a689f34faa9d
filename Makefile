# SPDX-License-Identifier: GPL-2.0-only
#
# vfio-vga: top-level entry points.
#
#   make            build drivers/vfio/pci/vfio-pci.ko against KDIR
#   make check      static checks, the uAPI ABI test and the VM test suite
#   make check-debug the VM suite, the fuzzer and a kmemleak scan on the
#                   debug kernel (built once into /var/cache/vfio-vga)
#   make run        the demo: boot the test rig with our driver
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

.PHONY: all modules clean deps check check-debug run selftests

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

check-debug: deps
	@scripts/check-debug.sh

run: deps
	@scripts/run-demo.sh

clean:
	$(MAKE) -C $(KDIR) M=$(MOD_DIR) clean
	$(MAKE) -C tools/testing/selftests/vfio clean
	rm -rf build
