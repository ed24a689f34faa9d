// SPDX-License-Identifier: GPL-2.0-only
/*
 * How wide the driver's accesses to the card are, seen by the kernel's
 * mmiotrace: a read of 8 aligned bytes of the ROM region reaches the ROM
 * BAR in accesses of 4 bytes at most on every kernel, and one of the
 * legacy VGA memory does so from 6.19 on (before, as one 8-byte access),
 * as each kernel's stock driver does.  Some devices fault on 8-byte ROM
 * reads; 6.19 gave the VGA region the same limit.
 *
 * Usage: vfio_pci_width_test [harness options] BDF
 * BDF: a VGA card with a ROM BAR (not the boot VGA, whose ROM is the
 * shadow copy in host memory), bound to vfio-pci.  The caller sets the
 * stage: current_tracer is mmiotrace, and the driver was loaded after
 * that, so that mmiotrace sees the mappings it makes at load
 * (scripts/width-check.sh); otherwise every test SKIPs, saying so.
 */
#include <stdio.h>
#include <linux/pci_regs.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define TRACING		"/sys/kernel/tracing"
#define VGA_MEM		0xa0000
#define ROM_BAR		6

static const char *bdf;

static bool mmiotrace_on(void)
{
	char cur[64] = "";
	FILE *f = fopen(TRACING "/current_tracer", "r");

	if (!f)
		return false;
	if (!fgets(cur, sizeof(cur), f))
		cur[0] = '\0';
	fclose(f);
	return !strcmp(cur, "mmiotrace\n");
}

/* The widest read mmiotrace saw in [@phys, @phys + @len); 0 for none. */
static int widest_read(unsigned long long phys, size_t len)
{
	unsigned long long addr;
	char line[256];
	int width, widest = 0;
	FILE *f = fopen(TRACING "/trace", "r");

	if (!f)
		return -1;
	/* "R width secs.usecs map-id 0xphys 0xvalue 0xpc pid" */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "R %d %*s %*d 0x%llx", &width, &addr) != 2)
			continue;
		if (addr >= phys && addr < phys + len && width > widest)
			widest = width;
	}
	fclose(f);
	return widest;
}

static void trace_clear(void)
{
	vfio_write_file(TRACING "/trace", "");
}

/*
 * 6.19's VFIO splits an 8-byte access to the VGA region too; before 6.12
 * it had no 8-byte access (6.1.192's stock reads 4 bytes at once).
 */
static int vga_max_width(void)
{
	return vfio_kernel_at_least(6, 19) || !vfio_kernel_at_least(6, 12) ? 4 : 8;
}

FIXTURE(width) {
	struct vfio_dev dev;
	unsigned long cmd;
};

FIXTURE_SETUP(width)
{
	if (!mmiotrace_on())
		SKIP(return, "current_tracer is not mmiotrace (see scripts/width-check.sh)");
	vfio_dev_open(&self->dev, bdf, VFIO_TYPE1v2_IOMMU);
	self->cmd = vfio_cfg_read(&self->dev, PCI_COMMAND, 2);
	/* Stock reads the ROM only with memory decode on. */
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, self->cmd | PCI_COMMAND_MEMORY);
}

FIXTURE_TEARDOWN(width)
{
	if (self->dev.fd <= 0)
		return;
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, self->cmd);
	vfio_dev_close(&self->dev);
}

TEST_F(width, rom_dword_at_most)
{
	unsigned long long start, end, flags;
	unsigned char buf[8];

	if (vfio_sysfs_resource(bdf, ROM_BAR, &start, &end, &flags) || !start)
		SKIP(return, "%s has no ROM BAR", bdf);
	trace_clear();
	vfio_region_read(&self->dev, VFIO_PCI_ROM_REGION_INDEX, 0, buf, sizeof(buf));
	ASSERT_NE(0, widest_read(start, sizeof(buf)))
		TH_LOG("no ROM read at %#llx traced: driver loaded before mmiotrace?", start);
	ASSERT_GE(4, widest_read(start, sizeof(buf)));
}

TEST_F(width, vga_mem_width)
{
	struct vfio_region_info info;
	unsigned char buf[8];

	vfio_region_info(&self->dev, VFIO_PCI_VGA_REGION_INDEX, &info);
	if (!info.size)
		SKIP(return, "%s has no VGA region", bdf);
	trace_clear();
	vfio_region_read(&self->dev, VFIO_PCI_VGA_REGION_INDEX, VGA_MEM, buf, sizeof(buf));
	ASSERT_NE(0, widest_read(VGA_MEM, sizeof(buf)))
		TH_LOG("no read of %#x traced: driver loaded before mmiotrace?", VGA_MEM);
	ASSERT_EQ(vga_max_width(), widest_read(VGA_MEM, sizeof(buf)));
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
