// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device-level uAPI of vfio-pci: GET_INFO, GET_REGION_INFO, GET_IRQ_INFO,
 * the argsz rules every ioctl shares, and unknown ioctls.
 *
 * Usage: vfio_pci_device_test [harness options] BDF
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

static const char *bdf;

FIXTURE(vfio_pci_device) {
	struct vfio_dev dev;
};

FIXTURE_VARIANT(vfio_pci_device) {
	unsigned long iommu_type;
};

FIXTURE_VARIANT_ADD(vfio_pci_device, type1) {
	.iommu_type = VFIO_TYPE1_IOMMU,
};

FIXTURE_VARIANT_ADD(vfio_pci_device, type1v2) {
	.iommu_type = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_VARIANT_ADD(vfio_pci_device, iommufd) {
	.iommu_type = VFIO_IOMMUFD,
};

FIXTURE_SETUP(vfio_pci_device)
{
	if (vfio_mode_missing(bdf, variant->iommu_type))
		SKIP(return, "%s", vfio_mode_missing(bdf, variant->iommu_type));
	vfio_dev_open(&self->dev, bdf, variant->iommu_type);
}

FIXTURE_TEARDOWN(vfio_pci_device)
{
	vfio_dev_close(&self->dev);
}

TEST_F(vfio_pci_device, group_is_viable)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	if (self->dev.mode == VFIO_IOMMUFD)
		SKIP(return, "iommufd mode: the device was opened without its group");
	ASSERT_EQ(0, __vfio_ioctl(self->dev.group_fd, VFIO_GROUP_GET_STATUS, &status));
	ASSERT_TRUE(status.flags & VFIO_GROUP_FLAGS_VIABLE);
	ASSERT_TRUE(status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET);
}

TEST_F(vfio_pci_device, get_info_sane)
{
	struct vfio_device_info *info = &self->dev.info;

	TH_LOG("%s: flags %#x regions %u irqs %u", bdf, info->flags,
	       info->num_regions, info->num_irqs);
	ASSERT_TRUE(info->flags & VFIO_DEVICE_FLAGS_PCI);
	ASSERT_EQ(0, info->flags & ~(VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET |
				     VFIO_DEVICE_FLAGS_CAPS));
	ASSERT_LE(VFIO_PCI_NUM_REGIONS, info->num_regions);
	ASSERT_LE(VFIO_PCI_NUM_IRQS, info->num_irqs);
}

/* argsz below the fixed part: -EINVAL; exact: accepted; larger: accepted. */
TEST_F(vfio_pci_device, get_info_argsz)
{
	const size_t minsz = VFIO_DEVICE_INFO_MINSZ;
	struct {
		struct vfio_device_info info;
		unsigned char tail[64];
	} buf;

	memset(&buf, 0, sizeof(buf));
	buf.info.argsz = minsz - 1;
	ASSERT_EQ(-EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_INFO, &buf));

	memset(&buf, 0, sizeof(buf));
	buf.info.argsz = minsz;
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_INFO, &buf));
	ASSERT_EQ(self->dev.info.flags, buf.info.flags);
	ASSERT_EQ(self->dev.info.num_regions, buf.info.num_regions);
	ASSERT_EQ(self->dev.info.num_irqs, buf.info.num_irqs);

	memset(&buf, 0, sizeof(buf));
	buf.info.argsz = sizeof(buf);
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_INFO, &buf));
	ASSERT_EQ(self->dev.info.num_regions, buf.info.num_regions);
	if (!(buf.info.flags & VFIO_DEVICE_FLAGS_CAPS)) {
		for (size_t i = 0; i < sizeof(buf.tail); i++)
			ASSERT_EQ(0, buf.tail[i]);
	}
}

TEST_F(vfio_pci_device, config_region_info)
{
	struct vfio_region_info info;
	char path[96];
	struct stat st;

	vfio_region_info(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, &info);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	ASSERT_EQ(0, stat(path, &st));
	ASSERT_EQ((unsigned long long)st.st_size, info.size);
	ASSERT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		  info.flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
				VFIO_REGION_INFO_FLAG_MMAP));
}

TEST_F(vfio_pci_device, region_info_bad_index)
{
	struct vfio_region_info info;

	ASSERT_EQ(-EINVAL, __vfio_region_info(&self->dev, self->dev.info.num_regions, &info));
	ASSERT_EQ(-EINVAL, __vfio_region_info(&self->dev, 0xffffffff, &info));
}

TEST_F(vfio_pci_device, region_info_argsz)
{
	const size_t minsz = VFIO_REGION_INFO_MINSZ;
	struct {
		struct vfio_region_info info;
		unsigned char tail[64];
	} buf;

	memset(&buf, 0, sizeof(buf));
	buf.info.index = VFIO_PCI_CONFIG_REGION_INDEX;
	buf.info.argsz = minsz - 1;
	ASSERT_EQ(-EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_REGION_INFO, &buf));

	buf.info.argsz = minsz;
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_REGION_INFO, &buf));
	ASSERT_NE(0, buf.info.size);

	memset(&buf, 0, sizeof(buf));
	buf.info.index = VFIO_PCI_CONFIG_REGION_INDEX;
	buf.info.argsz = sizeof(buf);
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_REGION_INFO, &buf));
	ASSERT_NE(0, buf.info.size);
}

TEST_F(vfio_pci_device, irq_info_all)
{
	unsigned char cfg[64];
	unsigned int index;

	ASSERT_EQ(sizeof(cfg), vfio_sysfs_read_config(bdf, cfg, sizeof(cfg)));

	for (index = 0; index < self->dev.info.num_irqs; index++) {
		struct vfio_irq_info info;
		int ret = __vfio_irq_info(&self->dev, index, &info);

		if (ret == -EINVAL && index == VFIO_PCI_ERR_IRQ_INDEX) {
			/* ERR exists only on PCI Express functions. */
			continue;
		}
		ASSERT_EQ(0, ret) TH_LOG("GET_IRQ_INFO(%u)", index);
		ASSERT_TRUE(info.flags & VFIO_IRQ_INFO_EVENTFD);
		TH_LOG("%s: irq %u flags %#x count %u", bdf, index, info.flags, info.count);

		switch (index) {
		case VFIO_PCI_INTX_IRQ_INDEX:
			ASSERT_EQ(cfg[PCI_INTERRUPT_PIN] ? 1 : 0, info.count);
			ASSERT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
				  VFIO_IRQ_INFO_AUTOMASKED, info.flags);
			break;
		case VFIO_PCI_REQ_IRQ_INDEX:
			ASSERT_EQ(1, info.count);
			break;
		default:
			break;
		}
	}
}

TEST_F(vfio_pci_device, irq_info_bad_index)
{
	struct vfio_irq_info info;

	ASSERT_EQ(-EINVAL, __vfio_irq_info(&self->dev, self->dev.info.num_irqs, &info));
	ASSERT_EQ(-EINVAL, __vfio_irq_info(&self->dev, 0xffffffff, &info));
}

TEST_F(vfio_pci_device, irq_info_argsz)
{
	const size_t minsz = VFIO_IRQ_INFO_MINSZ;
	struct {
		struct vfio_irq_info info;
		unsigned char tail[64];
	} buf;

	memset(&buf, 0, sizeof(buf));
	buf.info.index = VFIO_PCI_REQ_IRQ_INDEX;
	buf.info.argsz = minsz - 1;
	ASSERT_EQ(-EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_IRQ_INFO, &buf));

	buf.info.argsz = minsz;
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_IRQ_INFO, &buf));
	ASSERT_EQ(1, buf.info.count);

	memset(&buf, 0, sizeof(buf));
	buf.info.index = VFIO_PCI_REQ_IRQ_INDEX;
	buf.info.argsz = sizeof(buf);
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_IRQ_INFO, &buf));
	ASSERT_EQ(1, buf.info.count);
	for (size_t i = 0; i < sizeof(buf.tail); i++)
		ASSERT_EQ(0, buf.tail[i]);
}

TEST_F(vfio_pci_device, unknown_ioctl)
{
	/* Inside VFIO's range but unassigned, and outside it entirely. */
	ASSERT_EQ(-ENOTTY, __vfio_ioctl(self->dev.fd, _IO(VFIO_TYPE, VFIO_BASE + 99), NULL));
	ASSERT_EQ(-ENOTTY, __vfio_ioctl(self->dev.fd, _IO('x', 0x42), NULL));
}

/*
 * What a user appends to the device's name (VFIO_GROUP_GET_DEVICE_FD takes
 * "BDF option...") never reaches the host's log as text: an unknown option
 * with a newline, a forged kernel record and a terminal escape is refused,
 * and no log record carries any of it.
 */
TEST_F(vfio_pci_device, name_option_text_stays_out_of_the_log)
{
	static const char marker[] = "vfio-vga-forged-record";
	char name[256];
	int kmsg, fd;

	if (self->dev.mode == VFIO_IOMMUFD)
		SKIP(return, "iommufd mode: a device cdev takes no name");
	kmsg = vfio_kmsg_open();
	if (kmsg < 0)
		SKIP(return, "cannot read /dev/kmsg: %s", strerror(-kmsg));
	snprintf(name, sizeof(name), "%s x=\n<2>%s:\tBUG:\x1b[31m forged %s", bdf,
		 marker, marker);
	fd = ioctl(self->dev.group_fd, VFIO_GROUP_GET_DEVICE_FD, name);
	ASSERT_GT(0, fd);
	ASSERT_EQ(EINVAL, errno);
	EXPECT_FALSE(vfio_kmsg_grep(kmsg, marker));
	close(kmsg);
}

TEST_F(vfio_pci_device, config_ids_match_sysfs)
{
	unsigned long vendor, device, class;
	__u32 id, cls;

	ASSERT_EQ(0, vfio_sysfs_read_hex(bdf, "vendor", &vendor));
	ASSERT_EQ(0, vfio_sysfs_read_hex(bdf, "device", &device));
	ASSERT_EQ(0, vfio_sysfs_read_hex(bdf, "class", &class));

	id = vfio_cfg_read(&self->dev, 0, 4);
	ASSERT_EQ(vendor, id & 0xffff);
	ASSERT_EQ(device, id >> 16);
	cls = vfio_cfg_read(&self->dev, 8, 4);
	ASSERT_EQ(class, cls >> 8);
	ASSERT_EQ(vendor, vfio_cfg_read(&self->dev, 0, 2));
	ASSERT_EQ(vendor & 0xff, vfio_cfg_read(&self->dev, 0, 1));
}

/* A VMM reads the whole header in one call; that must work. */
TEST_F(vfio_pci_device, config_bulk_read)
{
	unsigned char via_vfio[64], via_sysfs[64];

	vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, via_vfio,
			 sizeof(via_vfio));
	ASSERT_EQ(sizeof(via_sysfs), vfio_sysfs_read_config(bdf, via_sysfs, sizeof(via_sysfs)));
	/* Vendor, device, revision and class are never virtualized. */
	ASSERT_EQ(0, memcmp(via_vfio, via_sysfs, 4));
	ASSERT_EQ(0, memcmp(via_vfio + 8, via_sysfs + 8, 4));
}

/*
 * Offsets outside the region: ours says -EINVAL, stock -EFAULT (a deliberate
 * difference: -EFAULT is kept for bad user buffers).  A read that starts
 * inside and runs past the end is cut short by ours.
 */
TEST_F(vfio_pci_device, config_read_past_end)
{
	const int einval = vfio_driver_is_stock() ? -EFAULT : -EINVAL;
	struct vfio_region_info info;
	unsigned char buf[8];
	ssize_t n;

	vfio_region_info(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX, &info);
	ASSERT_EQ(einval, __vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX,
					     info.size, buf, 1));
	n = __vfio_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX,
			       info.size - 4, buf, sizeof(buf));
	TH_LOG("straddling read: %zd", n);
	ASSERT_EQ(vfio_driver_is_stock() ? -EFAULT : 4, n);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
