// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config region: what is virtual, what reaches the device, BAR and ROM
 * BAR sizing, the capability chain, read-only fields, split accesses, and
 * the device lifecycle seen from config space (D0 while open, feature
 * probes).
 *
 * Usage: vfio_pci_config_test [harness options] BDF
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

static const char *bdf;

FIXTURE(vfio_pci_config) {
	struct vfio_dev dev;
	unsigned int size;
};

FIXTURE_VARIANT(vfio_pci_config) {
	unsigned long iommu_mode;
};

FIXTURE_VARIANT_ADD(vfio_pci_config, type1v2) {
	.iommu_mode = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_VARIANT_ADD(vfio_pci_config, iommufd) {
	.iommu_mode = VFIO_IOMMUFD,
};

FIXTURE_SETUP(vfio_pci_config)
{
	struct vfio_region_info info;

	if (vfio_mode_missing(bdf, variant->iommu_mode))
		SKIP(return, "%s", vfio_mode_missing(bdf, variant->iommu_mode));
	vfio_dev_open(&self->dev, bdf, variant->iommu_mode);
	vfio_region_info(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, &info);
	self->size = info.size;
}

FIXTURE_TEARDOWN(vfio_pci_config)
{
	vfio_dev_close(&self->dev);
}

/* Config space as the device has it, through sysfs (no virtualization). */
static __u32 hw_read(unsigned int off, unsigned int width)
{
	unsigned char buf[4096];
	__u32 val = 0;

	VFIO_ASSERT(vfio_sysfs_read_config(bdf, buf, off + width) >= (int)(off + width),
		    "sysfs config of %s", bdf);
	memcpy(&val, buf + off, width);
	return val;
}

static unsigned int cap_pos(struct vfio_dev *dev, unsigned int id)
{
	unsigned char cfg[256];

	vfio_region_read(dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, cfg, sizeof(cfg));
	return vfio_cfg_find_cap(cfg, id);
}

/*
 * Right after open, the virtual copy was taken from the device: the whole
 * space reads as sysfs shows it, but for the status bits the device may
 * have set since, the capabilities the driver hides, and INTx disable,
 * which is virtual (the hardware bit masks idle INTx: see the irq test).
 */
TEST_F(vfio_pci_config, whole_space_matches_sysfs)
{
	static unsigned char via_vfio[4096], via_sysfs[4096];
	unsigned int off, diffs = 0;

	vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, via_vfio, self->size);
	ASSERT_EQ((int)self->size, vfio_sysfs_read_config(bdf, via_sysfs, self->size));

	for (off = 0; off < self->size; off++) {
		unsigned char mask = 0xff;

		if (off >= PCI_STATUS && off < PCI_STATUS + 2)
			continue;
		if (off == PCI_COMMAND + 1)
			mask = (unsigned char)~(PCI_COMMAND_INTX_DISABLE >> 8);
		if ((via_vfio[off] ^ via_sysfs[off]) & mask) {
			TH_LOG("%s: offset %#x: vfio %#04x sysfs %#04x", bdf, off,
			       via_vfio[off], via_sysfs[off]);
			diffs++;
		}
	}
	ASSERT_EQ(0, diffs);
}

/* Every BAR: all-ones reads back the size mask; the device keeps its BAR. */
TEST_F(vfio_pci_config, bar_sizing)
{
	unsigned int i;

	for (i = 0; i < 6; i++) {
		unsigned int off = PCI_BASE_ADDRESS_0 + 4 * i;
		__u32 orig = vfio_cfg_read(&self->dev, off, 4), hw = hw_read(off, 4);
		struct vfio_region_info info;
		__u32 got, want;

		vfio_region_info(&self->dev, i, &info);
		vfio_cfg_write(&self->dev, off, 4, 0xffffffff);
		got = vfio_cfg_read(&self->dev, off, 4);

		if (info.size) {
			__u32 flags = orig & (orig & PCI_BASE_ADDRESS_SPACE_IO ? 0x3 : 0xf);

			want = ((__u32)~(info.size - 1) & (flags & 1 ? ~3U : ~0xfU)) | flags;
		} else if (i && (vfio_cfg_read(&self->dev, off - 4, 4) & 0x7) ==
				(PCI_BASE_ADDRESS_MEM_TYPE_64)) {
			struct vfio_region_info lo;

			vfio_region_info(&self->dev, i - 1, &lo);
			want = ~(__u32)((lo.size - 1) >> 32);
		} else {
			want = 0;
		}
		TH_LOG("BAR%u: size %#llx orig %#x sized %#x", i,
		       (unsigned long long)info.size, orig, got);
		ASSERT_EQ(want, got);
		ASSERT_EQ(hw, hw_read(off, 4));
		vfio_cfg_write(&self->dev, off, 4, orig);
		ASSERT_EQ(orig, vfio_cfg_read(&self->dev, off, 4));
	}
}

TEST_F(vfio_pci_config, rom_bar_sizing)
{
	struct vfio_region_info info;
	__u32 orig = vfio_cfg_read(&self->dev, PCI_ROM_ADDRESS, 4), got;

	vfio_region_info(&self->dev, VFIO_PCI_ROM_REGION_INDEX, &info);
	vfio_cfg_write(&self->dev, PCI_ROM_ADDRESS, 4, 0xffffffff);
	got = vfio_cfg_read(&self->dev, PCI_ROM_ADDRESS, 4);
	TH_LOG("ROM: size %#llx sized %#x", (unsigned long long)info.size, got);
	if (info.size)
		ASSERT_EQ(((__u32)~(info.size - 1) & PCI_ROM_ADDRESS_MASK) |
			  PCI_ROM_ADDRESS_ENABLE, got);
	vfio_cfg_write(&self->dev, PCI_ROM_ADDRESS, 4, orig);
	ASSERT_EQ(orig, vfio_cfg_read(&self->dev, PCI_ROM_ADDRESS, 4));
}

/* Writes to read-only fields do nothing, virtually or in the device. */
TEST_F(vfio_pci_config, readonly_fields)
{
	static const struct { unsigned int off, width; } ro[] = {
		{ PCI_VENDOR_ID, 4 }, { PCI_CLASS_REVISION, 4 },
		{ PCI_HEADER_TYPE, 1 }, { PCI_SUBSYSTEM_VENDOR_ID, 4 },
		{ PCI_CAPABILITY_LIST, 1 }, { PCI_INTERRUPT_PIN, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		__u32 before = vfio_cfg_read(&self->dev, ro[i].off, ro[i].width);
		__u32 hw = hw_read(ro[i].off, ro[i].width);

		vfio_cfg_write(&self->dev, ro[i].off, ro[i].width, ~before);
		ASSERT_EQ(before, vfio_cfg_read(&self->dev, ro[i].off, ro[i].width))
			TH_LOG("offset %#x", ro[i].off);
		ASSERT_EQ(hw, hw_read(ro[i].off, ro[i].width));
	}
}

/* Wider and unaligned accesses are split into aligned pieces. */
TEST_F(vfio_pci_config, split_accesses)
{
	unsigned char whole[16], piece[16];

	vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, whole, 16);
	vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, 2, piece, 4);
	ASSERT_EQ(0, memcmp(whole + 2, piece, 4));
	vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, 1, piece, 3);
	ASSERT_EQ(0, memcmp(whole + 1, piece, 3));
	vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, 3, piece, 13);
	ASSERT_EQ(0, memcmp(whole + 3, piece, 13));
}

/* The chain through VFIO is the device's, minus the capabilities hidden. */
TEST_F(vfio_pci_config, capability_chain)
{
	unsigned char v[256], h[256];
	unsigned int pos, ttl = 48, n = 0;

	vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, v, sizeof(v));
	ASSERT_EQ(256, vfio_sysfs_read_config(bdf, h, sizeof(h)));
	if (!(v[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		SKIP(return, "%s has no capabilities", bdf);

	/* 48 capabilities fill config space: a longer chain loops. */
	for (pos = v[PCI_CAPABILITY_LIST] & ~3; pos >= 0x40;
	     pos = v[pos + PCI_CAP_LIST_NEXT] & ~3) {
		ASSERT_LT(0, ttl) TH_LOG("the capability chain loops");
		ttl--;
		TH_LOG("cap %#04x at %#x", v[pos], pos);
		ASSERT_EQ(h[pos], v[pos]);
		n++;
	}
	ASSERT_LT(0, n);
	/* Interrupt capabilities are never hidden. */
	ASSERT_EQ(vfio_cfg_find_cap(h, PCI_CAP_ID_MSI), vfio_cfg_find_cap(v, PCI_CAP_ID_MSI));
	ASSERT_EQ(vfio_cfg_find_cap(h, PCI_CAP_ID_MSIX), vfio_cfg_find_cap(v, PCI_CAP_ID_MSIX));
}

TEST_F(vfio_pci_config, ext_capability_chain)
{
	__u32 hdr, hw;
	unsigned int pos = 0x100, ttl = 480;

	if (self->size <= 256)
		SKIP(return, "%s has no extended config space", bdf);
	/* 480 headers fill extended config space: a longer chain loops. */
	while (pos >= 0x100) {
		ASSERT_LT(0, ttl) TH_LOG("the extended capability chain loops");
		ttl--;
		hdr = vfio_cfg_read(&self->dev, pos, 4);
		if (!hdr)
			break;
		hw = hw_read(pos, 4);
		TH_LOG("ext cap %#x at %#x", hdr & 0xffff, pos);
		/* A capability the driver hides leaves an empty header (ID 0). */
		if (hdr & 0xffff)
			ASSERT_EQ(hw & 0xfffff, hdr & 0xfffff);
		pos = (hdr >> 20) & 0xffc;
	}
}

/* MSI is programmed through SET_IRQS: config writes stay virtual. */
TEST_F(vfio_pci_config, msi_virtual)
{
	unsigned int pos = cap_pos(&self->dev, PCI_CAP_ID_MSI);
	__u16 flags;
	__u32 hw_addr;
	unsigned int data;

	if (!pos)
		SKIP(return, "%s has no MSI capability", bdf);
	flags = vfio_cfg_read(&self->dev, pos + PCI_MSI_FLAGS, 2);
	data = flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32;
	hw_addr = hw_read(pos + PCI_MSI_ADDRESS_LO, 4);

	vfio_cfg_write(&self->dev, pos + PCI_MSI_ADDRESS_LO, 4, 0xfee01000);
	vfio_cfg_write(&self->dev, pos + data, 2, 0x4321);
	ASSERT_EQ(0xfee01000, vfio_cfg_read(&self->dev, pos + PCI_MSI_ADDRESS_LO, 4));
	ASSERT_EQ(0x4321, vfio_cfg_read(&self->dev, pos + data, 2));
	ASSERT_EQ(hw_addr, hw_read(pos + PCI_MSI_ADDRESS_LO, 4));

	vfio_cfg_write(&self->dev, pos + PCI_MSI_FLAGS, 2, flags | PCI_MSI_FLAGS_ENABLE);
	ASSERT_EQ(0, hw_read(pos + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);
	vfio_cfg_write(&self->dev, pos + PCI_MSI_FLAGS, 2, flags);
}

TEST_F(vfio_pci_config, msix_virtual)
{
	unsigned int pos = cap_pos(&self->dev, PCI_CAP_ID_MSIX);
	__u16 flags;

	if (!pos)
		SKIP(return, "%s has no MSI-X capability", bdf);
	flags = vfio_cfg_read(&self->dev, pos + PCI_MSIX_FLAGS, 2);
	ASSERT_EQ(hw_read(pos + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE,
		  flags & PCI_MSIX_FLAGS_QSIZE);
	/* The table size is read-only. */
	vfio_cfg_write(&self->dev, pos + PCI_MSIX_FLAGS, 2, flags ^ PCI_MSIX_FLAGS_QSIZE);
	ASSERT_EQ(flags & PCI_MSIX_FLAGS_QSIZE,
		  vfio_cfg_read(&self->dev, pos + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE);
	/* Enable does not reach the device. */
	vfio_cfg_write(&self->dev, pos + PCI_MSIX_FLAGS, 2, flags | PCI_MSIX_FLAGS_ENABLE);
	ASSERT_EQ(0, hw_read(pos + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_ENABLE);
	vfio_cfg_write(&self->dev, pos + PCI_MSIX_FLAGS, 2, flags);
	/* Table and PBA locations are the device's. */
	ASSERT_EQ(hw_read(pos + PCI_MSIX_TABLE, 4),
		  vfio_cfg_read(&self->dev, pos + PCI_MSIX_TABLE, 4));
	ASSERT_EQ(hw_read(pos + PCI_MSIX_PBA, 4),
		  vfio_cfg_read(&self->dev, pos + PCI_MSIX_PBA, 4));
}

/*
 * INTx disable is virtual with ours (INTx masking owns the hardware bit);
 * stock passes it to the device while INTx is not in use.
 */
TEST_F(vfio_pci_config, intx_disable_virtual)
{
	__u16 cmd = vfio_cfg_read(&self->dev, PCI_COMMAND, 2);
	__u16 hw = hw_read(PCI_COMMAND, 2);

	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, cmd | PCI_COMMAND_INTX_DISABLE);
	ASSERT_TRUE(vfio_cfg_read(&self->dev, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
	ASSERT_EQ(vfio_driver_is_stock() ? PCI_COMMAND_INTX_DISABLE :
		  hw & PCI_COMMAND_INTX_DISABLE,
		  hw_read(PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, cmd);
	ASSERT_EQ(cmd, vfio_cfg_read(&self->dev, PCI_COMMAND, 2));
}

/* Memory and bus master enable reach the device. */
TEST_F(vfio_pci_config, command_reaches_device)
{
	__u16 cmd = vfio_cfg_read(&self->dev, PCI_COMMAND, 2);

	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, cmd | PCI_COMMAND_MASTER);
	ASSERT_TRUE(hw_read(PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MASTER);
	ASSERT_FALSE(hw_read(PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MEMORY);
	ASSERT_FALSE(hw_read(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, cmd);
	ASSERT_EQ(cmd & PCI_COMMAND_MEMORY, hw_read(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);
}

/* The interrupt line is a scratch register for the guest. */
TEST_F(vfio_pci_config, interrupt_line_virtual)
{
	__u8 hw = hw_read(PCI_INTERRUPT_LINE, 1);

	vfio_cfg_write(&self->dev, PCI_INTERRUPT_LINE, 1, hw ^ 0x5a);
	ASSERT_EQ(hw ^ 0x5a, vfio_cfg_read(&self->dev, PCI_INTERRUPT_LINE, 1));
	ASSERT_EQ(hw, hw_read(PCI_INTERRUPT_LINE, 1));
}

static int read_power_state(char *buf, size_t len)
{
	char path[96];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power_state", bdf);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ret = fscanf(f, "%15s", buf) == 1 ? 0 : -EINVAL;
	fclose(f);
	(void)len;
	return ret;
}

/* The device is in D0 for as long as the user has it open. */
TEST_F(vfio_pci_config, d0_while_open)
{
	char state[16];

	if (read_power_state(state, sizeof(state)))
		SKIP(return, "no power_state in sysfs");
	ASSERT_STREQ("D0", state);
}

/*
 * Nobody has the device open: runtime PM may suspend it (unless the
 * module was loaded with disable_idle_d3=1); opening brings it to D0.
 */
static bool vga_card(const char *b)
{
	unsigned long class;

	return !vfio_sysfs_read_hex(b, "class", &class) && (class >> 8) == 0x0300;
}

TEST(idle_runtime_suspended)
{
	char path[128], status[32] = "", state[16];
	struct vfio_dev dev;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/runtime_status", bdf);
	for (i = 0; i < 50; i++) {
		f = fopen(path, "r");
		if (!f)
			SKIP(return, "no runtime PM status in sysfs");
		ASSERT_EQ(1, fscanf(f, "%31s", status));
		fclose(f);
		if (!strcmp(status, "suspended") ||
		    (!vfio_driver_is_stock() && vga_card(bdf)))
			break;
		usleep(20000);
	}
	TH_LOG("%s idle: runtime_status %s", bdf, status);
	/* Ours keeps VGA cards active: see vfio_pci_idle_d3(). */
	ASSERT_STREQ(!vfio_driver_is_stock() && vga_card(bdf) ? "active" : "suspended",
		     status);

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	if (!read_power_state(state, sizeof(state)))
		ASSERT_STREQ("D0", state);
	vfio_dev_close(&dev);
}

/*
 * PM power state: ours keeps it virtual (the device stays in D0); stock
 * moves the device.  Both read back what was written.
 */
TEST_F(vfio_pci_config, pm_state_virtual)
{
	unsigned int pos = cap_pos(&self->dev, PCI_CAP_ID_PM);
	char state[16];
	__u16 ctrl;

	if (!pos)
		SKIP(return, "%s has no PM capability", bdf);
	ctrl = vfio_cfg_read(&self->dev, pos + PCI_PM_CTRL, 2);
	vfio_cfg_write(&self->dev, pos + PCI_PM_CTRL, 2,
		       (ctrl & ~PCI_PM_CTRL_STATE_MASK) | 3);
	ASSERT_EQ(3, vfio_cfg_read(&self->dev, pos + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK);
	if (!vfio_driver_is_stock() && !read_power_state(state, sizeof(state)))
		ASSERT_STREQ("D0", state);
	vfio_cfg_write(&self->dev, pos + PCI_PM_CTRL, 2, ctrl & ~PCI_PM_CTRL_STATE_MASK);
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, pos + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK);
}

/*
 * FLR is asked for with VFIO_DEVICE_RESET; the bit reads as zero.  Enable
 * No Snoop follows the nosnoop= policy (vfio_pci_nosnoop_test).  The rest
 * is virtual with ours: the error reporting enables stand for it, since
 * QEMU's devices implement them (virtio's are writable) while Relaxed
 * Ordering is hardwired to zero there, and a Relaxed Ordering write that
 * reached the device would not show.
 */
#define DEVCTL_PROBE	(PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | \
			 PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE | PCI_EXP_DEVCTL_RELAX_EN)

TEST_F(vfio_pci_config, pcie_devctl_virtual)
{
	unsigned int pos = cap_pos(&self->dev, PCI_CAP_ID_EXP);
	__u16 ctl, hw;

	if (!pos)
		SKIP(return, "%s is not PCI Express", bdf);
	ctl = vfio_cfg_read(&self->dev, pos + PCI_EXP_DEVCTL, 2);
	hw = hw_read(pos + PCI_EXP_DEVCTL, 2);
	vfio_cfg_write(&self->dev, pos + PCI_EXP_DEVCTL, 2, ctl ^ DEVCTL_PROBE);
	TH_LOG("Device Control %#x, written %#x: device %#x", ctl, ctl ^ DEVCTL_PROBE,
	       hw_read(pos + PCI_EXP_DEVCTL, 2));
	if (!vfio_driver_is_stock()) {
		ASSERT_EQ(ctl ^ DEVCTL_PROBE,
			  vfio_cfg_read(&self->dev, pos + PCI_EXP_DEVCTL, 2));
		ASSERT_EQ(hw, hw_read(pos + PCI_EXP_DEVCTL, 2));
	}
	vfio_cfg_write(&self->dev, pos + PCI_EXP_DEVCTL, 2, ctl);
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, pos + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR);
	if (!vfio_driver_is_stock())
		ASSERT_EQ(hw, hw_read(pos + PCI_EXP_DEVCTL, 2));
}

TEST_F(vfio_pci_config, write_past_end)
{
	__u32 val = 0;

	ASSERT_EQ(vfio_driver_is_stock() ? -EFAULT : -EINVAL,
		  __vfio_region_write(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX,
				      self->size, &val, 4));
}

/*
 * VFIO_DEVICE_FEATURE: the three low-power features are offered (SET
 * only), everything else is -ENOTTY, with both drivers
 * (vfio_pci_pm_test tests the features themselves).  The VFIO core of
 * 7.2 and 7.3 answers MIG_PRECOPY_INFOv2 itself, before any driver:
 * -EINVAL for a device without migration (6.12's passes it on).  The
 * stock driver offers DMA_BUF, for GET only (-EINVAL for SET), from 7.0
 * on (6.18's has none); ours does not (yet).
 */
TEST_F(vfio_pci_config, feature_probe)
{
	struct vfio_device_feature feature = { .argsz = sizeof(feature) };
	unsigned int id;

	for (id = 0; id < 16; id++) {
		bool lowpower = id >= VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY &&
				id <= VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
		int want = lowpower ? 0 : -ENOTTY;

		if (id == VFIO_FEATURE_MIG_PRECOPY_INFO_V2 && vfio_kernel_at_least(7, 2))
			want = -EINVAL;
		if (id == VFIO_FEATURE_DMA_BUF && vfio_driver_is_stock() &&
		    vfio_kernel_at_least(7, 0))
			want = -EINVAL;
		feature.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET | id;
		ASSERT_EQ(want, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_FEATURE, &feature))
			TH_LOG("feature %u", id);
	}
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
