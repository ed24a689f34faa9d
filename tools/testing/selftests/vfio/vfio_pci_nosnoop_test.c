// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCIe Enable No Snoop and DMA coherency: the type1 IOMMU's
 * VFIO_DMA_CC_IOMMU answer, and the nosnoop= policy seen through the config
 * region (the user's view) and sysfs (the device's bit).
 *
 * Usage: vfio_pci_nosnoop_test [harness options] BDF
 *
 * VFIO_SELFTESTS_SNOOP_CONTROL=0|1 says whether the IOMMU enforces snooping
 * (the rig's intel-iommu snoop-control); unset, that assertion is skipped.
 * The policy is read from /sys/module/vfio_pci/parameters/nosnoop; stock
 * has no such parameter and behaves as "allow".  Under allow the device's
 * own bit is what reads back (QEMU's devices hardwire it to zero); the
 * host-side trace check (scripts/nosnoop-check.sh) sees what reached it.
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/iommufd.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define NOSNOOP_PARAM	"/sys/module/vfio_pci/parameters/nosnoop"

static const char *bdf;

FIXTURE(nosnoop) {
	struct vfio_dev dev;
	unsigned int devctl;
};

FIXTURE_VARIANT(nosnoop) {
	unsigned long iommu_mode;
};

FIXTURE_VARIANT_ADD(nosnoop, type1v2) {
	.iommu_mode = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_VARIANT_ADD(nosnoop, iommufd) {
	.iommu_mode = VFIO_IOMMUFD,
};

/* The offset of the PCI Express capability through the config region, or 0. */
static unsigned int exp_cap(struct vfio_dev *dev)
{
	unsigned char cfg[256];

	vfio_region_read(dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, cfg, sizeof(cfg));
	return vfio_cfg_find_cap(cfg, PCI_CAP_ID_EXP);
}

FIXTURE_SETUP(nosnoop)
{
	unsigned int pos;

	if (vfio_mode_missing(bdf, variant->iommu_mode))
		SKIP(return, "%s", vfio_mode_missing(bdf, variant->iommu_mode));
	vfio_dev_open(&self->dev, bdf, variant->iommu_mode);
	pos = exp_cap(&self->dev);
	self->devctl = pos ? pos + PCI_EXP_DEVCTL : 0;
}

FIXTURE_TEARDOWN(nosnoop)
{
	vfio_dev_close(&self->dev);
}

/* The device's Device Control, through sysfs (no virtualization). */
static __u16 hw_devctl(unsigned int off)
{
	unsigned char buf[256];
	__u16 val;

	VFIO_ASSERT(vfio_sysfs_read_config(bdf, buf, off + 2) >= (int)(off + 2),
		    "sysfs config of %s", bdf);
	memcpy(&val, buf + off, 2);
	return val;
}

/*
 * 1 when the IOMMU enforces snooping for @dev, 0 when not, -1 when it
 * cannot tell: the container's VFIO_DMA_CC_IOMMU in a type1 mode; in
 * iommufd mode, VT-d's Snoop Control (ECAP bit 7, VT-d spec 11.4.3) from
 * IOMMU_GET_HW_INFO, which is what the IOMMU driver answers to
 * IOMMU_CAP_ENFORCE_CACHE_COHERENCY (iommufd enforces it whenever it can).
 */
static int dma_cc_iommu(struct vfio_dev *dev)
{
	struct iommu_hw_info_vtd vtd = {};
	struct iommu_hw_info info = {
		.size = sizeof(info),
		.dev_id = dev->devid,
		.data_len = sizeof(vtd),
		.data_uptr = (unsigned long)&vtd,
	};

	if (dev->mode != VFIO_IOMMUFD)
		return ioctl(dev->container_fd, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU);
	if (__vfio_ioctl(dev->iommufd, IOMMU_GET_HW_INFO, &info) ||
	    info.out_data_type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return -1;
	return (vtd.ecap_reg >> 7) & 1;
}

/* The effective policy for @dev: true when the device's bit is held clear. */
static bool policy_denies(struct vfio_dev *dev)
{
	char buf[16] = "";
	int fd = open(NOSNOOP_PARAM, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;	/* stock, or ours before nosnoop=: allow */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	VFIO_ASSERT(n > 0, "read %s", NOSNOOP_PARAM);
	if (!strncmp(buf, "deny", 4))
		return true;
	if (!strncmp(buf, "auto", 4))
		return dma_cc_iommu(dev) != 1;
	VFIO_ASSERT(!strncmp(buf, "allow", 5), "%s says %s", NOSNOOP_PARAM, buf);
	return false;
}

TEST_F(nosnoop, dma_cc_iommu)
{
	const char *want = getenv("VFIO_SELFTESTS_SNOOP_CONTROL");
	int cc = dma_cc_iommu(&self->dev);

	ASSERT_LE(0, cc);
	ASSERT_GE(1, cc);
	if (!want || !*want)
		SKIP(return, "VFIO_SELFTESTS_SNOOP_CONTROL unset (IOMMU reports %d)", cc);
	ASSERT_EQ(atoi(want), cc);
}

/*
 * QEMU hardwires Enable No Snoop to zero, so the device's bit alone cannot
 * show a write that got through (scripts/nosnoop-check.sh checks the bit
 * from the host, in the trace of what reached the device).  What can show
 * here is the rest of Device Control: the error reporting enables, which
 * QEMU implements, are flipped in the user's (virtual, with ours) view
 * first, and the device's whole register is compared: with ours, only
 * Enable No Snoop may ever reach it, and only under allow.  Stock passes
 * all of Device Control through: only the user's view is checked.
 */
#define DEVCTL_ERR	(PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | \
			 PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE)

/* What of the device's Device Control may differ from @hw0 under the policy. */
static __u16 devctl_may_change(bool deny)
{
	if (vfio_driver_is_stock())
		return 0xffff;
	return deny ? 0 : PCI_EXP_DEVCTL_NOSNOOP_EN;
}

/*
 * Under deny the user's bit is virtual and the device's stays clear; under
 * allow the user's write reaches the device and what reads back is the
 * device's bit.  The rest of Device Control is untouched either way.
 */
TEST_F(nosnoop, devctl_enable_no_snoop)
{
	bool deny = policy_denies(&self->dev);
	unsigned int off = self->devctl;
	__u16 ctl, user, hw0, hw, keep;

	if (!off)
		SKIP(return, "%s is not PCI Express", bdf);
	keep = ~devctl_may_change(deny);
	ctl = vfio_cfg_read(&self->dev, off, 2);
	user = (ctl ^ DEVCTL_ERR) & ~PCI_EXP_DEVCTL_NOSNOOP_EN;
	hw0 = hw_devctl(off);
	if (deny)
		ASSERT_EQ(0, hw0 & PCI_EXP_DEVCTL_NOSNOOP_EN);

	vfio_cfg_write(&self->dev, off, 2, user | PCI_EXP_DEVCTL_NOSNOOP_EN);
	hw = hw_devctl(off);
	TH_LOG("Device Control: device %#x, user %#x -> device %#x", hw0,
	       user | PCI_EXP_DEVCTL_NOSNOOP_EN, hw);
	ASSERT_EQ(hw0 & keep, hw & keep);
	if (deny) {
		ASSERT_EQ(user | PCI_EXP_DEVCTL_NOSNOOP_EN, vfio_cfg_read(&self->dev, off, 2));
	} else {
		ASSERT_EQ(hw & PCI_EXP_DEVCTL_NOSNOOP_EN,
			  vfio_cfg_read(&self->dev, off, 2) & PCI_EXP_DEVCTL_NOSNOOP_EN);
	}

	vfio_cfg_write(&self->dev, off, 2, ctl & ~PCI_EXP_DEVCTL_NOSNOOP_EN);
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, off, 2) & PCI_EXP_DEVCTL_NOSNOOP_EN);
	ASSERT_EQ(hw0 & keep, hw_devctl(off) & keep);
}

/*
 * A function reset restores config state; the device's bit stays clear
 * under deny, and with ours the user's view of the rest does not reach the
 * device through the restore either.
 */
TEST_F(nosnoop, held_clear_across_reset)
{
	bool deny = policy_denies(&self->dev);
	unsigned int off = self->devctl;
	__u16 ctl, hw0, keep;

	if (!off)
		SKIP(return, "%s is not PCI Express", bdf);
	if (!vfio_dev_has_reset(&self->dev))
		SKIP(return, "%s has no function reset", bdf);
	keep = ~devctl_may_change(deny);
	ctl = vfio_cfg_read(&self->dev, off, 2);
	hw0 = hw_devctl(off);
	vfio_cfg_write(&self->dev, off, 2, (ctl ^ DEVCTL_ERR) | PCI_EXP_DEVCTL_NOSNOOP_EN);
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_RESET, NULL));
	ASSERT_EQ(hw0 & keep, hw_devctl(off) & keep);
	vfio_cfg_write(&self->dev, off, 2, ctl & ~PCI_EXP_DEVCTL_NOSNOOP_EN);
}

/* So does a hot reset of the device's slot or bus, proven by its group or iommufd. */
TEST_F(nosnoop, held_clear_across_hot_reset)
{
	bool deny = policy_denies(&self->dev);
	unsigned int off = self->devctl;
	__u16 ctl, hw0, keep;
	int ret;

	if (!off)
		SKIP(return, "%s is not PCI Express", bdf);
	keep = ~devctl_may_change(deny);
	ctl = vfio_cfg_read(&self->dev, off, 2);
	hw0 = hw_devctl(off);
	vfio_cfg_write(&self->dev, off, 2, (ctl ^ DEVCTL_ERR) | PCI_EXP_DEVCTL_NOSNOOP_EN);
	ret = vfio_hot_reset_self(&self->dev);
	if (ret == -ENOTTY || ret == -ENODEV) {
		vfio_cfg_write(&self->dev, off, 2, ctl & ~PCI_EXP_DEVCTL_NOSNOOP_EN);
		/* Both drivers: the PCI core cannot reset the rig's slots. */
		SKIP(return, "no slot or bus reset for %s (%d)", bdf, ret);
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(hw0 & keep, hw_devctl(off) & keep);
	vfio_cfg_write(&self->dev, off, 2, ctl & ~PCI_EXP_DEVCTL_NOSNOOP_EN);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
