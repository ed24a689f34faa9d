// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA with QEMU's edu device, in each IOMMU mode (a type1 container, or
 * the device cdev with an iommufd IOAS): map a buffer, have edu copy it
 * into its internal buffer and back out to another IOVA, and check the
 * bytes; a DMA to an IOVA whose mapping was taken back faults in the IOMMU
 * and writes nothing.
 *
 * edu quirks (QEMU 7.2): transfers of at most 4095 bytes (one ending exactly
 * at the end of its 4 KiB buffer aborts the VM), DMA addresses masked to 28
 * bits.
 *
 * Usage: vfio_pci_dma_test [harness options] BDF   (edu only)
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_START	0x01
#define EDU_DMA_TO_RAM	0x02
#define EDU_BUFFER	0x40000

#define IOVA		0x100000ULL	/* below edu's 28-bit mask */
#define UNMAPPED_IOVA	0x800000ULL
#define XFER		4000

static const char *bdf;

FIXTURE(vfio_pci_dma) {
	struct vfio_dev dev;
	unsigned char *buf;	/* two pages: source, destination */
	size_t len;
};

FIXTURE_VARIANT(vfio_pci_dma) {
	unsigned long iommu_mode;
};

FIXTURE_VARIANT_ADD(vfio_pci_dma, type1v2) {
	.iommu_mode = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_VARIANT_ADD(vfio_pci_dma, iommufd) {
	.iommu_mode = VFIO_IOMMUFD,
};

static void edu_write64(struct vfio_dev *dev, unsigned int off, __u64 val)
{
	vfio_region_write(dev, 0, off, &val, 8);
}

static __u64 edu_read64(struct vfio_dev *dev, unsigned int off)
{
	__u64 val;

	vfio_region_read(dev, 0, off, &val, 8);
	return val;
}

/* Start one transfer and wait for the engine (a 100 ms timer in QEMU). */
static bool edu_dma(struct vfio_dev *dev, __u64 src, __u64 dst, __u64 count,
		    bool to_ram)
{
	int i;

	edu_write64(dev, EDU_DMA_SRC, src);
	edu_write64(dev, EDU_DMA_DST, dst);
	edu_write64(dev, EDU_DMA_COUNT, count);
	edu_write64(dev, EDU_DMA_CMD, EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0));
	for (i = 0; i < 500; i++) {
		if (!(edu_read64(dev, EDU_DMA_CMD) & EDU_DMA_START))
			return true;
		usleep(10000);
	}
	return false;
}

FIXTURE_SETUP(vfio_pci_dma)
{
	unsigned long vendor = 0, device = 0;
	__u16 cmd;

	vfio_sysfs_read_hex(bdf, "vendor", &vendor);
	vfio_sysfs_read_hex(bdf, "device", &device);
	if (vendor != 0x1234 || device != 0x11e8)
		SKIP(return, "%s is not edu", bdf);

	if (vfio_mode_missing(bdf, variant->iommu_mode))
		SKIP(return, "%s", vfio_mode_missing(bdf, variant->iommu_mode));
	vfio_dev_open(&self->dev, bdf, variant->iommu_mode);
	self->len = 2 * sysconf(_SC_PAGESIZE);
	self->buf = mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	memset(self->buf, 0, self->len);

	ASSERT_EQ(0, __vfio_dma_map(&self->dev, self->buf, IOVA, self->len));

	cmd = vfio_cfg_read(&self->dev, PCI_COMMAND, 2);
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2,
		       cmd | PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY);
}

FIXTURE_TEARDOWN(vfio_pci_dma)
{
	if (self->dev.fd < 0 || !self->buf)
		return;
	__vfio_dma_unmap(&self->dev, IOVA, self->len);
	vfio_dev_close(&self->dev);
	munmap(self->buf, self->len);
}

TEST_F(vfio_pci_dma, round_trip)
{
	size_t page = self->len / 2, i;

	for (i = 0; i < XFER; i++)
		self->buf[i] = (unsigned char)(i * 7 + 3);

	ASSERT_TRUE(edu_dma(&self->dev, IOVA, EDU_BUFFER, XFER, false));
	ASSERT_TRUE(edu_dma(&self->dev, EDU_BUFFER, IOVA + page, XFER, true));
	ASSERT_EQ(0, memcmp(self->buf, self->buf + page, XFER));
	/* Nothing past the transfer was written. */
	for (i = XFER; i < page; i++)
		ASSERT_EQ(0, self->buf[page + i]);
}

/*
 * An IOVA that was mapped and is no more: a page is mapped there, edu's
 * DMA to it is seen to land, the mapping is taken back, and a second DMA
 * of other bytes to the same IOVA must change neither that page (still
 * ours, so a stale mapping would show in it) nor the mapped buffers.  edu
 * reports no DMA errors (QEMU ignores the IOMMU's fault), so the bytes are
 * all there is to look at; that edu had them to write is read back.
 */
TEST_F(vfio_pci_dma, unmapped_iova_writes_nothing)
{
	size_t page = self->len / 2, i;
	unsigned char *victim;

	victim = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, victim);
	memset(victim, 0, page);
	ASSERT_EQ(0, __vfio_dma_map(&self->dev, victim, UNMAPPED_IOVA, page));

	/* Mapped: the DMA lands. */
	memset(self->buf, 0x5a, XFER);
	ASSERT_TRUE(edu_dma(&self->dev, IOVA, EDU_BUFFER, XFER, false));
	ASSERT_TRUE(edu_dma(&self->dev, EDU_BUFFER, UNMAPPED_IOVA, XFER, true));
	for (i = 0; i < XFER; i++)
		ASSERT_EQ(0x5a, victim[i]);

	ASSERT_EQ(0, __vfio_dma_unmap(&self->dev, UNMAPPED_IOVA, page));
	memset(victim, 0, page);

	/* Unmapped: the IOMMU faults this one; the engine still completes. */
	memset(self->buf, 0xa5, XFER);
	ASSERT_TRUE(edu_dma(&self->dev, IOVA, EDU_BUFFER, XFER, false));
	ASSERT_TRUE(edu_dma(&self->dev, EDU_BUFFER, UNMAPPED_IOVA, XFER, true));
	for (i = 0; i < page; i++)
		ASSERT_EQ(0, victim[i]) TH_LOG("byte %zu written through a taken-back mapping", i);
	for (i = 0; i < page; i++)
		ASSERT_EQ(0, self->buf[page + i]);
	for (i = 0; i < XFER; i++)
		ASSERT_EQ(0xa5, self->buf[i]);

	/* edu had the bytes to write. */
	ASSERT_TRUE(edu_dma(&self->dev, EDU_BUFFER, IOVA + page, XFER, true));
	for (i = 0; i < XFER; i++)
		ASSERT_EQ(0xa5, self->buf[page + i]);
	munmap(victim, page);
}

/* With bus mastering off, the device cannot DMA at all. */
TEST_F(vfio_pci_dma, no_bus_master_no_dma)
{
	size_t page = self->len / 2, i;
	__u16 cmd = vfio_cfg_read(&self->dev, PCI_COMMAND, 2);

	memset(self->buf, 0x3c, XFER);
	ASSERT_TRUE(edu_dma(&self->dev, IOVA, EDU_BUFFER, XFER, false));
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MASTER);
	ASSERT_TRUE(edu_dma(&self->dev, EDU_BUFFER, IOVA + page, XFER, true));
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, cmd);
	for (i = 0; i < page; i++)
		ASSERT_EQ(0, self->buf[page + i]);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
