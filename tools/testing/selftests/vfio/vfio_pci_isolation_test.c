// SPDX-License-Identifier: GPL-2.0-only
/*
 * The isolation map of Documentation/driver-api/vfio.rst, walked on one
 * device: what its owner can reach through the ROM and BAR regions.
 *
 *   ROM      the image reads as the PCI core reads it (sysfs "rom"); every
 *            byte past the image, up to the region's end, reads 0xff
 *            (the PCI core's shadow of the boot VGA is followed by other
 *            devices' option ROMs in host memory, a ROM BAR by whatever
 *            the device decodes there); what a read costs is make
 *            bench's ROM row (vfio_pci_rom_bench), not a timed test
 *   MSI-X    the table holds messages the host composed: read/write of
 *            the BAR reads all-ones there and drops writes, as with stock,
 *            and an ioeventfd may not target it; the PBA is the device's
 *            (its own vectors' pending bits) and reads through
 *   BARs     outside those holes a BAR region reads what the device
 *            holds: compared with a sysfs resourceN mapping for memory
 *            BARs without read side effects (display framebuffers, edu's
 *            registers)
 *
 * Each check expects the same answer from ours and from stock.
 *
 * Usage: vfio_pci_isolation_test [harness options] BDF
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define ROM	VFIO_PCI_ROM_REGION_INDEX
#define CFG	VFIO_PCI_CONFIG_REGION_INDEX

static const char *bdf;

static bool is_edu(void)
{
	unsigned long vendor = 0, device = 0;

	vfio_sysfs_read_hex(bdf, "vendor", &vendor);
	vfio_sysfs_read_hex(bdf, "device", &device);
	return vendor == 0x1234 && device == 0x11e8;
}

static bool is_display(void)
{
	unsigned long class = 0;

	vfio_sysfs_read_hex(bdf, "class", &class);
	return (class >> 16) == 0x03;
}

/* ---- ROM ---- */

/*
 * The ROM image as the PCI core reads it: sysfs "rom" returns the image
 * (pci_map_rom()'s size) and then end of file.  Returns its length.
 */
static ssize_t sysfs_rom(void *buf, size_t len)
{
	ssize_t n, done = 0;
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/rom", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1) {
		close(fd);
		return -errno;
	}
	while ((size_t)done < len) {
		n = pread(fd, (char *)buf + done, len - done, done);
		if (n <= 0)
			break;
		done += n;
	}
	if (write(fd, "0", 1) != 1)
		done = -errno;
	close(fd);
	return done;
}

/*
 * The image length from the image headers, as the PCI spec lays them out:
 * each image starts with 55 aa, the word at 0x18 points to the "PCIR"
 * structure, whose word at 0x10 is the image length in 512-byte units and
 * whose byte at 0x15 has bit 7 set on the last image.
 */
static size_t rom_image_len(const unsigned char *rom, size_t size)
{
	size_t img = 0;

	while (img + 0x1a <= size && rom[img] == 0x55 && rom[img + 1] == 0xaa) {
		size_t pcir = img + (rom[img + 0x18] | rom[img + 0x19] << 8);
		size_t len;

		if (pcir + 0x18 > size || memcmp(rom + pcir, "PCIR", 4))
			break;
		len = (rom[pcir + 0x10] | rom[pcir + 0x11] << 8) * 512UL;
		if (!len)
			break;
		img += len;
		if (rom[pcir + 0x15] & 0x80)
			break;
	}
	return img < size ? img : size;
}

struct rom {
	struct vfio_dev dev;
	struct vfio_region_info info;
	unsigned char *buf;	/* the whole region, one pread */
	unsigned char *ref;	/* sysfs "rom" */
	ssize_t ref_len;
};

static bool rom_open(struct rom *r)
{
	vfio_dev_open(&r->dev, bdf, VFIO_TYPE1v2_IOMMU);
	vfio_region_info(&r->dev, ROM, &r->info);
	if (!r->info.size)
		return false;
	r->buf = malloc(r->info.size);
	r->ref = calloc(1, r->info.size);
	VFIO_ASSERT(r->buf && r->ref, "malloc");
	r->ref_len = sysfs_rom(r->ref, r->info.size);
	VFIO_ASSERT(r->ref_len > 0, "sysfs rom of %s", bdf);
	return true;
}

static void rom_close(struct rom *r)
{
	free(r->buf);
	free(r->ref);
	vfio_dev_close(&r->dev);
}

/*
 * Past the image the region reads 0xff: not the rest of the ROM BAR, and
 * for a shadowed ROM not the host memory that follows the copy.
 */
TEST(rom_tail_reads_ff)
{
	struct rom r = {};
	size_t img, i, leaked = 0, first = 0;

	if (!rom_open(&r)) {
		rom_close(&r);
		SKIP(return, "%s has no ROM", bdf);
	}
	img = rom_image_len(r.ref, r.ref_len);
	TH_LOG("ROM region %#llx bytes, image %#zx (sysfs %#zx)",
	       (unsigned long long)r.info.size, img, (size_t)r.ref_len);
	ASSERT_EQ((size_t)r.ref_len, img);

	ASSERT_EQ((ssize_t)r.info.size,
		  __vfio_region_read(&r.dev, ROM, 0, r.buf, r.info.size));
	ASSERT_EQ(0, memcmp(r.buf, r.ref, img));
	for (i = img; i < r.info.size; i++)
		if (r.buf[i] != 0xff && !leaked++)
			first = i;
	if (leaked)
		TH_LOG("%zu bytes past the image are not 0xff (first at %#zx)",
		       leaked, first);
	ASSERT_EQ(0, leaked);

	/* A read that straddles the image's end, and one past it. */
	if (img >= 8 && img + 8 <= r.info.size) {
		unsigned char b[16];

		ASSERT_EQ(16, __vfio_region_read(&r.dev, ROM, img - 8, b, 16));
		ASSERT_EQ(0, memcmp(b, r.ref + img - 8, 8));
		for (i = 8; i < 16; i++)
			ASSERT_EQ(0xff, b[i]);
	}
	ASSERT_EQ(-EINVAL, __vfio_region_read(&r.dev, ROM, r.info.size, r.buf, 4));
	rom_close(&r);
}

/* ---- MSI-X ---- */

struct msix {
	unsigned int pos;		/* capability offset */
	unsigned int table_bar, pba_bar;
	__u64 table, pba;		/* offsets in their BARs */
	unsigned int nr;		/* table entries */
};

static bool find_msix(struct vfio_dev *dev, struct msix *m)
{
	unsigned char cfg[256];
	unsigned int pos;
	__u32 table, pba;
	__u16 flags;

	vfio_region_read(dev, CFG, 0, cfg, sizeof(cfg));
	pos = vfio_cfg_find_cap(cfg, PCI_CAP_ID_MSIX);
	if (!pos)
		return false;
	memcpy(&flags, cfg + pos + PCI_MSIX_FLAGS, 2);
	memcpy(&table, cfg + pos + PCI_MSIX_TABLE, 4);
	memcpy(&pba, cfg + pos + PCI_MSIX_PBA, 4);
	m->pos = pos;
	m->nr = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	m->table_bar = table & PCI_MSIX_TABLE_BIR;
	m->table = table & PCI_MSIX_TABLE_OFFSET;
	m->pba_bar = pba & PCI_MSIX_PBA_BIR;
	m->pba = pba & PCI_MSIX_PBA_OFFSET;
	return true;
}

static int ioeventfd(struct vfio_dev *dev, __u64 offset, int fd)
{
	struct vfio_device_ioeventfd ie = {
		.argsz = sizeof(ie), .flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = offset, .fd = fd,
	};

	return __vfio_ioctl(dev->fd, VFIO_DEVICE_IOEVENTFD, &ie);
}

/*
 * With one vector enabled, table entry 0 holds the message the host
 * composed.  read/write of the BAR must not reach it: reads are all-ones,
 * writes are dropped (the hardware entry, seen through an mmap of the BAR
 * where the platform allows one, is unchanged).  An ioeventfd may not
 * target it either.
 */
TEST(msix_table_not_reachable_by_rw)
{
	__u32 entry[4], hw[4], junk[4] = { 0x1000, 0, 0x4242, 0 };
	struct vfio_region_info *info;
	__u32 *map = NULL;
	struct vfio_dev dev;
	struct msix m;
	int efd, i;

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	if (!find_msix(&dev, &m)) {
		vfio_dev_close(&dev);
		SKIP(return, "%s has no MSI-X", bdf);
	}
	efd = vfio_eventfd_new();
	vfio_set_irqs(&dev, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &efd);

	info = vfio_region_info_caps(&dev, m.table_bar);
	if (vfio_region_find_cap(info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE)) {
		void *p = mmap(NULL, info->size, PROT_READ, MAP_SHARED, dev.fd,
			       info->offset);

		ASSERT_NE(MAP_FAILED, p);
		map = (__u32 *)((char *)p + m.table);
	}
	if (map) {
		for (i = 0; i < 4; i++)
			hw[i] = vfio_mmio_read32(&map[i]);
		TH_LOG("hardware entry 0: %08x %08x %08x %08x",
		       hw[0], hw[1], hw[2], hw[3]);
	}

	ASSERT_EQ(16, __vfio_region_read(&dev, m.table_bar, m.table, entry, 16));
	TH_LOG("pread of entry 0: %08x %08x %08x %08x",
	       entry[0], entry[1], entry[2], entry[3]);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0xffffffffU, entry[i]);
	/* Byte-sized and straddling reads see the same hole. */
	ASSERT_EQ(1, __vfio_region_read(&dev, m.table_bar, m.table + 5, entry, 1));
	ASSERT_EQ(0xff, *(unsigned char *)entry);
	if (m.table >= 4) {
		ASSERT_EQ(8, __vfio_region_read(&dev, m.table_bar, m.table - 4,
						entry, 8));
		ASSERT_EQ(0xffffffffU, entry[1]);
	}

	ASSERT_EQ(16, __vfio_region_write(&dev, m.table_bar, m.table, junk, 16));
	if (map) {
		for (i = 0; i < 4; i++)
			ASSERT_EQ(hw[i], vfio_mmio_read32(&map[i]));
	}
	ASSERT_EQ(-EINVAL, ioeventfd(&dev, info->offset + m.table, efd));
	ASSERT_EQ(-EINVAL, ioeventfd(&dev, info->offset + m.table + 16 * (m.nr - 1) + 12,
				     efd));

	vfio_set_irqs(&dev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		      VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL);
	if (map)
		munmap((char *)map - m.table, info->size);
	free(info);
	close(efd);
	vfio_dev_close(&dev);
}

/*
 * The PBA holds the pending bits of the device's own vectors: read/write
 * reaches it (QEMU reads it through the region once it stops emulating
 * the PBA), as with stock.
 */
TEST(msix_pba_reads_through)
{
	struct vfio_region_info *info;
	struct vfio_dev dev;
	struct msix m;
	__u64 pba = 0;

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	if (!find_msix(&dev, &m)) {
		vfio_dev_close(&dev);
		SKIP(return, "%s has no MSI-X", bdf);
	}
	info = vfio_region_info_caps(&dev, m.pba_bar);
	ASSERT_EQ(8, __vfio_region_read(&dev, m.pba_bar, m.pba, &pba, 8));
	TH_LOG("PBA at BAR%u %#llx: %#llx", m.pba_bar, (unsigned long long)m.pba,
	       (unsigned long long)pba);
	/* Nothing is enabled, nothing is pending: not the all-ones of a hole. */
	ASSERT_NE(~0ULL, pba);
	if (vfio_region_find_cap(info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE)) {
		void *p = mmap(NULL, info->size, PROT_READ, MAP_SHARED, dev.fd,
			       info->offset);

		__u32 *hw = (__u32 *)((char *)p + m.pba);

		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ((__u32)pba, vfio_mmio_read32(hw));
		ASSERT_EQ((__u32)(pba >> 32), vfio_mmio_read32(hw + 1));
		munmap(p, info->size);
	}
	free(info);
	vfio_dev_close(&dev);
}

/*
 * read/write, mmap and its sparse-mmap capability, and ioeventfd agree on
 * where the table is: a sparse area never covers it, and without
 * MSIX_MAPPABLE an mmap over it fails.
 */
TEST(msix_paths_agree)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vfio_region_info *info;
	struct vfio_info_cap_header *hdr;
	struct vfio_dev dev;
	__u64 t0, t1;
	struct msix m;
	void *p;

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	if (!find_msix(&dev, &m)) {
		vfio_dev_close(&dev);
		SKIP(return, "%s has no MSI-X", bdf);
	}
	info = vfio_region_info_caps(&dev, m.table_bar);
	t0 = m.table & ~(page - 1);
	t1 = (m.table + 16 * m.nr + page - 1) & ~(page - 1);
	if (!(info->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		free(info);
		vfio_dev_close(&dev);
		SKIP(return, "BAR%u is not mappable", m.table_bar);
	}
	hdr = vfio_region_find_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (vfio_region_find_cap(info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE)) {
		ASSERT_EQ(NULL, hdr);
		p = mmap(NULL, t1 - t0, PROT_READ, MAP_SHARED, dev.fd, info->offset + t0);
		ASSERT_NE(MAP_FAILED, p);
		munmap(p, t1 - t0);
	} else {
		struct vfio_region_info_cap_sparse_mmap *sp = (void *)hdr;

		ASSERT_NE(NULL, sp);
		for (__u32 i = 0; i < sp->nr_areas; i++)
			ASSERT_TRUE(sp->areas[i].offset + sp->areas[i].size <= t0 ||
				    sp->areas[i].offset >= t1);
		p = mmap(NULL, page, PROT_READ, MAP_SHARED, dev.fd, info->offset + t0);
		ASSERT_EQ(MAP_FAILED, p);
	}
	free(info);
	vfio_dev_close(&dev);
}

/* ---- BARs outside the holes ---- */

/*
 * Memory BARs read what the device holds, compared with a mapping of the
 * sysfs resource file taken before the device is opened (an open device's
 * BARs are claimed, and a claimed BAR cannot be mapped through sysfs).
 * Only BARs whose reads have no side effects: a display device's
 * prefetchable BAR (its framebuffer) and edu's identification and
 * arithmetic registers.
 */
TEST(bar_reads_match_sysfs)
{
	unsigned long long start, end, flags;
	unsigned char *ref[6] = {}, *buf;
	size_t len[6] = {};
	unsigned int bar, compared = 0;
	struct vfio_dev dev;
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	for (bar = 0; bar < 6 && fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3;
	     bar++) {
		void *p;
		int fd;

		if (!end || !(flags & 0x200))		/* IORESOURCE_MEM */
			continue;
		if (is_edu() && bar == 0)
			len[bar] = 0x30;
		else if (is_display() && (flags & 0x2000))	/* PREFETCH */
			len[bar] = end - start + 1 < 65536 ? end - start + 1 : 65536;
		else
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%u",
			 bdf, bar);
		fd = open(path, O_RDONLY);
		ASSERT_LE(0, fd);
		p = mmap(NULL, len[bar], PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED) {
			TH_LOG("BAR%u: sysfs mmap: %s", bar, strerror(errno));
			len[bar] = 0;
			continue;
		}
		ref[bar] = malloc(len[bar]);
		ASSERT_NE(NULL, ref[bar]);
		for (size_t i = 0; i < len[bar]; i += 4)
			*(__u32 *)(ref[bar] + i) = vfio_mmio_read32((__u32 *)((char *)p + i));
		munmap(p, len[bar]);
	}
	fclose(f);

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	for (bar = 0; bar < 6; bar++) {
		if (!ref[bar])
			continue;
		buf = malloc(len[bar]);
		ASSERT_NE(NULL, buf);
		/* 4 bytes at a time, as the sysfs side read (edu answers only those). */
		for (size_t i = 0; i < len[bar]; i += 4)
			ASSERT_EQ(4, __vfio_region_read(&dev, bar, i, buf + i, 4));
		TH_LOG("BAR%u: %#zx bytes compared", bar, len[bar]);
		ASSERT_EQ(0, memcmp(ref[bar], buf, len[bar]));
		free(buf);
		free(ref[bar]);
		compared++;
	}
	vfio_dev_close(&dev);
	if (!compared)
		SKIP(return, "%s has no BAR known to read without side effects", bdf);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
