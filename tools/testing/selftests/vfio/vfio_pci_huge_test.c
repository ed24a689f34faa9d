// SPDX-License-Identifier: GPL-2.0-only
/*
 * Huge entries in BAR mappings.  Where the kernel maps PFNs with PMD
 * (2 MiB) and PUD (1 GiB) leaves, a fault in a mapping whose naturally
 * aligned 2 MiB (1 GiB) range lies inside the VMA, at a BAR offset and
 * PFN aligned alike, fills that whole range with one entry; anywhere else
 * the mapping falls back to the next smaller entry.  Which entries a
 * mapping holds is read from the minor faults (getrusage) it takes to
 * touch every page of it once: one per entry.  Every entry comes down
 * when memory decode goes off, at a reset and at a low power entry (an
 * access then raises SIGBUS), and comes back at its order; a fork
 * shares the entries, and a zap reaches the child's copy; mremap and
 * mprotect keep the data where it was; type1 maps a huge entry for DMA.
 * What a mapping reads equals pread of the same range.
 *
 * The BAR under test is the device's largest prefetchable memory BAR
 * that VFIO can map (prefetchable: reads have no side effects, so the
 * tests may read it anywhere); on a BAR known to be memory (the VRAM of
 * QEMU's std VGA, the shared memory of ivshmem) the tests also write a
 * pattern through pwrite and find it in the mapping.  Each order is a
 * variant (pmd, pud), which SKIPs with the reason when the kernel has no
 * such entries or the BAR is too small or unaligned (sysfs).
 *
 * One more test, msix_page_straddle, maps the pages around the MSI-X
 * table as the region's capabilities allow.
 *
 * Usage: vfio_pci_huge_test [harness options] BDF
 */
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define SZ_4K		0x1000UL
#define SZ_2M		0x200000UL
#define SZ_1G		0x40000000UL
#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_PREFETCH	0x00002000
/* Bytes compared at each sampled place of a mapping. */
#define SAMPLE		(16 * 1024UL)

static const char *bdf;

/* ---- faults and signals ---- */

static long minor_faults(void)
{
	struct rusage ru;

	VFIO_ASSERT(!getrusage(RUSAGE_SELF, &ru), "getrusage");
	return ru.ru_minflt;
}

/* Read one word of every page of [p, p + len): the minor faults it took. */
static long touch(const void *p, size_t len)
{
	long before = minor_faults();

	for (size_t off = 0; off < len; off += SZ_4K)
		(void)vfio_mmio_read32((const __u32 *)((const char *)p + off));
	return minor_faults() - before;
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

/* Whether a read at @p raises SIGBUS, caught here. */
static bool read_sigbus(const void *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	bool bus = true;

	sigemptyset(&sa.sa_mask);
	VFIO_ASSERT(!sigaction(SIGBUS, &sa, &old), "sigaction");
	/* A SIGBUS in the read comes back here with 1, bus still true. */
	if (!sigsetjmp(bus_jmp, 1)) {
		(void)vfio_mmio_read32(p);
		bus = false;
	}
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

/* ---- the BAR under test ---- */

/* The BAR under test. */
struct huge_bar {
	struct vfio_dev dev;
	struct vfio_region_info info;
	unsigned int bar;		/* PCI_STD_NUM_BARS: none */
	unsigned long long start;	/* its bus address, from sysfs */
	bool memory;			/* writes land and read back */
	unsigned int salt;
};

/* An order: the size of its entry, and of the next smaller one. */
struct huge_order {
	unsigned long size;
	unsigned long below;
	const char *name;
};

FIXTURE(huge) {
	struct huge_bar b;
};

FIXTURE_VARIANT(huge) {
	struct huge_order o;
};

FIXTURE_VARIANT_ADD(huge, pmd) {
	.o = { .size = SZ_2M, .below = SZ_4K, .name = "2 MiB" },
};

FIXTURE_VARIANT_ADD(huge, pud) {
	.o = { .size = SZ_1G, .below = SZ_2M, .name = "1 GiB" },
};

/* BARs whose contents are memory: std VGA's VRAM, ivshmem's shared memory. */
static bool bar_is_memory(const char *bdf, unsigned int bar)
{
	unsigned long vendor = 0, device = 0;

	vfio_sysfs_read_hex(bdf, "vendor", &vendor);
	vfio_sysfs_read_hex(bdf, "device", &device);
	return (vendor == 0x1234 && device == 0x1111 && bar == 0) ||
	       (vendor == 0x1af4 && device == 0x1110 && bar == 2);
}

FIXTURE_SETUP(huge)
{
	struct huge_bar *b = &self->b;
	unsigned long long start, end, flags;

	vfio_dev_open(&b->dev, bdf, VFIO_TYPE1v2_IOMMU);
	b->bar = PCI_STD_NUM_BARS;
	b->salt = getpid();
	for (unsigned int i = 0; i < PCI_STD_NUM_BARS; i++) {
		struct vfio_region_info info;

		ASSERT_EQ(0, vfio_sysfs_resource(bdf, i, &start, &end, &flags));
		if (!end || (flags & (IORESOURCE_MEM | IORESOURCE_PREFETCH)) !=
			    (IORESOURCE_MEM | IORESOURCE_PREFETCH))
			continue;
		vfio_region_info(&b->dev, i, &info);
		ASSERT_EQ(end - start + 1, info.size);
		if (!(info.flags & VFIO_REGION_INFO_FLAG_MMAP))
			continue;
		if (b->bar < PCI_STD_NUM_BARS && info.size <= b->info.size)
			continue;
		b->bar = i;
		b->info = info;
		b->start = start;
	}
	if (b->bar < PCI_STD_NUM_BARS)
		b->memory = bar_is_memory(bdf, b->bar);
}

FIXTURE_TEARDOWN(huge)
{
	vfio_dev_close(&self->b.dev);
}

/*
 * Why the variant cannot run on this BAR, for a SKIP; NULL when it can.
 * @need: the BAR size the test wants (at least one entry's).
 */
static const char *cannot(struct huge_bar *b,
			  const struct huge_order *o, unsigned long need)
{
	static char why[160];
	const char *missing = vfio_huge_pfnmap_missing(o->size);

	if (missing)
		return missing;
	if (o->below > SZ_4K && vfio_huge_pfnmap_missing(o->below))
		return vfio_huge_pfnmap_missing(o->below);
	if (b->bar >= PCI_STD_NUM_BARS) {
		snprintf(why, sizeof(why), "%s has no prefetchable memory BAR to map", bdf);
		return why;
	}
	if (b->info.size < need) {
		snprintf(why, sizeof(why), "BAR %u of %s is %llu KiB: less than %lu KiB",
			 b->bar, bdf, (unsigned long long)b->info.size >> 10, need >> 10);
		return why;
	}
	if (b->start & (o->size - 1)) {
		snprintf(why, sizeof(why), "BAR %u of %s at %#llx is not %s-aligned",
			 b->bar, bdf, b->start, o->name);
		return why;
	}
	return NULL;
}

static void *map(struct huge_bar *b, __u64 off, size_t len, size_t align,
		 size_t skew)
{
	void *p = vfio_mmap_aligned(&b->dev, b->info.offset + off, len, align,
				    skew, PROT_READ | PROT_WRITE);

	VFIO_ASSERT(p != MAP_FAILED, "mmap of %#zx bytes at BAR offset %#llx",
		    len, (unsigned long long)off);
	return p;
}

/*
 * What @p (mapping BAR offset @off) reads at @at, SAMPLE bytes, equals
 * pread there; on a memory BAR, after a pwrite there of a pattern of its
 * own (offset and salt), which pread must read back.  True when it does.
 */
static bool sample_matches(struct huge_bar *b, const void *p, __u64 off,
			   size_t at)
{
	static __u32 pat[SAMPLE / 4], want[SAMPLE / 4], got[SAMPLE / 4];

	if (b->memory) {
		for (size_t i = 0; i < SAMPLE / 4; i++)
			pat[i] = (__u32)(off + at + 4 * i) ^ (b->salt * 0x9e3779b9U);
		vfio_region_write(&b->dev, b->bar, off + at, pat, SAMPLE);
		b->salt++;
	}
	vfio_region_read(&b->dev, b->bar, off + at, want, SAMPLE);
	if (b->memory && memcmp(pat, want, SAMPLE))
		return false;
	for (size_t i = 0; i < SAMPLE / 4; i++)
		got[i] = vfio_mmio_read32((const __u32 *)((const char *)p + at) + i);
	return !memcmp(want, got, SAMPLE);
}

/* Sampled at the start, across the middle and at the end of [p, p + len). */
static bool data_matches(struct huge_bar *b, const void *p, __u64 off,
			 size_t len)
{
	size_t mid = (len / 2 - SAMPLE / 2) & ~(SZ_4K - 1);

	return sample_matches(b, p, off, 0) && sample_matches(b, p, off, mid) &&
	       sample_matches(b, p, off, len - SAMPLE);
}

/* ---- the order a mapping is filled with ---- */

/*
 * Aligned in address, BAR offset and PFN: one fault per entry, none on a
 * second pass, and the data of the BAR.
 */
TEST_F(huge, one_fault_per_entry)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long n, len;
	void *p;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	n = b->info.size / o->size;
	len = (n < 4 ? n : 4) * o->size;
	p = map(b, 0, len, o->size, 0);
	ASSERT_EQ(len / o->size, touch(p, len));
	ASSERT_EQ(0, touch(p, len));
	ASSERT_TRUE(data_matches(b, p, 0, len));
	munmap(p, len);
}

/* Every aligned BAR offset takes its entry, and maps its own data. */
TEST_F(huge, each_offset)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long n = b->info.size / o->size;
	unsigned long step = n > 8 ? n / 8 : 1;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	for (unsigned long i = 0; i < n; i += step) {
		__u64 off = i * o->size;
		void *p = map(b, off, o->size, o->size, 0);

		ASSERT_EQ(1, touch(p, o->size))
			TH_LOG("BAR offset %#llx", (unsigned long long)off);
		ASSERT_TRUE(data_matches(b, p, off, o->size));
		munmap(p, o->size);
	}
}

/* An address off the order's alignment: the smaller entries. */
TEST_F(huge, unaligned_address)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	void *p;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	p = map(b, 0, o->size, o->size, o->below);
	ASSERT_EQ(o->size / o->below, touch(p, o->size));
	ASSERT_TRUE(data_matches(b, p, 0, o->size));
	munmap(p, o->size);
}

/*
 * An aligned address at a BAR offset (and so a PFN) off the order's
 * alignment: the smaller entries, each with its own data.  On a BAR of
 * one entry's size the mapping is shorter than an entry.
 */
TEST_F(huge, unaligned_offset)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long len;
	void *p;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	len = b->info.size >= o->size + o->below ? o->size :
	      o->size - o->below;
	p = map(b, o->below, len, o->size, 0);
	ASSERT_EQ(len / o->below, touch(p, len));
	ASSERT_TRUE(data_matches(b, p, o->below, len));
	munmap(p, len);
}

/*
 * Mappings of part of an entry's range: half of one (smaller entries);
 * and, on a BAR big enough, one that starts and ends a smaller entry
 * off the order's alignment around a whole entry (one entry, and one
 * smaller entry at each end).
 */
TEST_F(huge, partial)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long half = o->size / 2, len;
	void *p;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	p = map(b, 0, half, o->size, 0);
	ASSERT_EQ(half / o->below, touch(p, half));
	ASSERT_TRUE(data_matches(b, p, 0, half));
	munmap(p, half);

	if (b->info.size < 2 * o->size + o->below)
		return;
	len = o->size + 2 * o->below;
	p = map(b, o->size - o->below, len, o->size,
		o->size - o->below);
	ASSERT_EQ(3, touch(p, len));
	ASSERT_TRUE(data_matches(b, p, o->size - o->below, len));
	munmap(p, len);
}

/*
 * An munmap of the tail of a mapping filled with one entry takes the
 * entry down; the rest comes back in smaller entries.
 */
TEST_F(huge, partial_munmap)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long len = o->size - o->below;
	char *p;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	p = map(b, 0, o->size, o->size, 0);
	ASSERT_EQ(1, touch(p, o->size));
	ASSERT_EQ(0, munmap(p + len, o->below));
	ASSERT_EQ(len / o->below, touch(p, len));
	ASSERT_TRUE(data_matches(b, p, 0, len));
	munmap(p, len);
}

/* ---- what takes an entry down ---- */

static void memory_decode(struct vfio_dev *dev, bool on)
{
	__u16 cmd = vfio_cfg_read(dev, PCI_COMMAND, 2);

	cmd = on ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
	vfio_cfg_write(dev, PCI_COMMAND, 2, cmd);
}

static int low_power(struct vfio_dev *dev, bool enter)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_SET |
			 (enter ? VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY :
			  VFIO_DEVICE_FEATURE_LOW_POWER_EXIT),
	};

	return __vfio_ioctl(dev->fd, VFIO_DEVICE_FEATURE, &f);
}

/*
 * A mapping filled with one entry: with memory decode off (@lp false) or
 * in a low power state (@lp true) every page of it raises SIGBUS; back on,
 * the entry comes back, again with one fault, and maps the BAR's data.
 */
static void zap_and_refault(struct __test_metadata *_metadata,
			    struct huge_bar *b, const struct huge_order *o,
			    bool lp)
{
	unsigned long len = o->size;
	char *p = map(b, 0, len, len, 0);
	int ret = 0;
	__u32 val;

	ASSERT_EQ(1, touch(p, len));
	if (lp)
		ret = low_power(&b->dev, true);
	else
		memory_decode(&b->dev, false);
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(read_sigbus(p));
	ASSERT_TRUE(read_sigbus(p + len / 2));
	ASSERT_TRUE(read_sigbus(p + len - SZ_4K));
	if (lp) {
		ASSERT_EQ(0, low_power(&b->dev, false));
	} else {
		ASSERT_EQ(-EIO, __vfio_region_read(&b->dev, b->bar, 0, &val, 4));
		memory_decode(&b->dev, true);
	}
	ASSERT_EQ(1, touch(p, len));
	ASSERT_TRUE(data_matches(b, p, 0, len));
	munmap(p, len);
}

/* Memory decode off: SIGBUS (pread -EIO); on: the entry comes back. */
TEST_F(huge, memory_disable)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	zap_and_refault(_metadata, b, o, false);
}

/* A low power entry takes the mapping away, whether or not it suspends. */
TEST_F(huge, low_power)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	zap_and_refault(_metadata, b, o, true);
}

/*
 * A function reset takes every entry down; the mapping comes back when it
 * is touched again (the PCI core restores memory decode after the reset).
 */
TEST_F(huge, reset)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long len = o->size;
	char *p;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	if (!vfio_dev_has_reset(&b->dev))
		SKIP(return, "%s has no function reset", bdf);
	p = map(b, 0, len, len, 0);
	ASSERT_EQ(1, touch(p, len));
	ASSERT_EQ(0, __vfio_ioctl(b->dev.fd, VFIO_DEVICE_RESET, NULL));
	ASSERT_TRUE(vfio_cfg_read(&b->dev, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);
	ASSERT_EQ(1, touch(p, len));
	ASSERT_TRUE(data_matches(b, p, 0, len));
	munmap(p, len);
}

/*
 * A child shares the parent's entry and reads the same data; with memory
 * decode off the child's copy is gone as well (SIGBUS in the child).
 */
TEST_F(huge, fork)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long len = o->size;
	int go[2], ready[2], status;
	char *p, c = 0;
	pid_t pid;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	p = map(b, 0, len, len, 0);
	ASSERT_EQ(1, touch(p, len));
	ASSERT_TRUE(data_matches(b, p, 0, len));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The data the parent saw, with at most one fault for it. */
		if (touch(p, len) > 1 || !data_matches(b, p, 0, len))
			_exit(1);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(read_sigbus(p) && read_sigbus(p + len - SZ_4K) ? 0 : 3);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	memory_decode(&b->dev, false);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	memory_decode(&b->dev, true);
	ASSERT_EQ(1, touch(p, len));
	munmap(p, len);
}

/*
 * mremap moves a mapping filled with one entry to an aligned address
 * (where it holds one entry again) and then to one off the alignment
 * (smaller entries); the data goes along.  6.12 moves a PMD leaf whole,
 * but not a PUD leaf: get_old_pud() takes it for a bad page table, logs
 * "bad pud" and clears it, and the range refaults at its new place (with
 * either driver; see vfio.rst).  The test logs when that happened.
 */
TEST_F(huge, mremap)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long len = o->size;
	char *p, *q, *r;
	int kmsg;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	p = map(b, 0, len, len, 0);
	ASSERT_EQ(1, touch(p, len));
	ASSERT_TRUE(data_matches(b, p, 0, len));

	kmsg = vfio_kmsg_open();
	q = vfio_mmap_aligned(&b->dev, b->info.offset, len, len, 0, PROT_READ);
	ASSERT_NE(MAP_FAILED, q);
	r = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, q);
	ASSERT_EQ(q, r);
	ASSERT_LE(touch(q, len), 1);
	ASSERT_TRUE(data_matches(b, q, 0, len));

	p = vfio_mmap_aligned(&b->dev, b->info.offset, len, len, o->below,
			      PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	r = mremap(q, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p);
	ASSERT_EQ(p, r);
	ASSERT_LE(touch(p, len), o->size / o->below);
	ASSERT_TRUE(data_matches(b, p, 0, len));
	munmap(p, len);
	if (kmsg >= 0 && vfio_kmsg_grep(kmsg, "bad pud"))
		TH_LOG("the kernel dropped the PUD entry rather than move it (\"bad pud\")");
	if (kmsg >= 0)
		close(kmsg);
}

/*
 * A mapping filled with one entry can be mapped for DMA, as VMMs do with
 * BAR mappings for peer-to-peer: type1 follows the huge entry to its PFNs.
 */
TEST_F(huge, dma_map)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long len = o->size;
	__u64 iova = 1ULL << 32;
	char *p;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	p = map(b, 0, len, len, 0);
	ASSERT_EQ(1, touch(p, len));
	ASSERT_EQ(0, __vfio_dma_map(&b->dev, p, iova, len));
	ASSERT_EQ(0, __vfio_dma_unmap(&b->dev, iova, len));
	ASSERT_EQ(0, touch(p, len));
	munmap(p, len);
}

/*
 * A read fills the mapping; made read-only and writable again, a write
 * through it lands (the write fault makes the entry writable).
 */
TEST_F(huge, mprotect_write)
{
	struct huge_bar *b = &self->b;
	const struct huge_order *o = &variant->o;
	unsigned long len = o->size;
	__u32 val = 0, want = 0x5eed0000 | (b->salt & 0xffff);
	char *p;

	if (cannot(b, o, o->size))
		SKIP(return, "%s", cannot(b, o, o->size));
	if (!b->memory)
		SKIP(return, "BAR %u of %s is not known to be memory", b->bar, bdf);
	p = map(b, 0, len, len, 0);
	ASSERT_EQ(1, touch(p, len));
	ASSERT_EQ(0, mprotect(p, len, PROT_READ));
	ASSERT_EQ(0, mprotect(p, len, PROT_READ | PROT_WRITE));
	vfio_mmio_write32((__u32 *)(p + len / 2), want);
	vfio_region_read(&b->dev, b->bar, len / 2, &val, 4);
	ASSERT_EQ(want, val);
	munmap(p, len);
}

/* ---- the MSI-X table's pages ---- */

/*
 * A mapping from the page before the MSI-X table's first page to the page
 * after its last (within the BAR).  With VFIO_REGION_INFO_CAP_MSIX_MAPPABLE
 * (isolated MSI, as on the rig) it maps, faults in without SIGBUS and
 * reads what pread reads outside the table (which pread reads as
 * all-ones); without, it is refused, and each sparse area maps and reads
 * what pread reads.
 */
TEST(msix_page_straddle)
{
	unsigned int pos, bir, first, last;
	struct vfio_region_info *info;
	__u32 table, entries, word;
	unsigned char cfg[256];
	struct vfio_dev dev;
	__u64 start, end;
	char *p;

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	vfio_region_read(&dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, cfg, sizeof(cfg));
	pos = vfio_cfg_find_cap(cfg, PCI_CAP_ID_MSIX);
	if (!pos)
		SKIP(return, "%s has no MSI-X", bdf);
	memcpy(&table, cfg + pos + PCI_MSIX_TABLE, 4);
	entries = ((cfg[pos + PCI_MSIX_FLAGS] | cfg[pos + PCI_MSIX_FLAGS + 1] << 8) &
		   PCI_MSIX_FLAGS_QSIZE) + 1;
	bir = table & PCI_MSIX_TABLE_BIR;
	table &= PCI_MSIX_TABLE_OFFSET;
	info = vfio_region_info_caps(&dev, bir);
	ASSERT_TRUE(info->flags & VFIO_REGION_INFO_FLAG_MMAP);
	first = table / SZ_4K;
	last = (table + entries * PCI_MSIX_ENTRY_SIZE - 1) / SZ_4K;
	start = first ? (first - 1) * SZ_4K : 0;
	end = (last + 2) * SZ_4K < info->size ? (last + 2) * SZ_4K : info->size;
	TH_LOG("table in BAR %u at %#x, %u entries; mapping [%#llx, %#llx)", bir, table,
	       entries, (unsigned long long)start, (unsigned long long)end);

	p = mmap(NULL, end - start, PROT_READ, MAP_SHARED, dev.fd, info->offset + start);
	if (vfio_region_find_cap(info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE)) {
		ASSERT_NE(MAP_FAILED, p);
		for (__u64 off = start; off < end; off += 4) {
			__u32 mine = vfio_mmio_read32((__u32 *)(p + off - start));

			if (off >= table && off < table + entries * PCI_MSIX_ENTRY_SIZE)
				continue;
			vfio_region_read(&dev, bir, off, &word, 4);
			ASSERT_EQ(word, mine) TH_LOG("BAR offset %#llx", (unsigned long long)off);
		}
		munmap(p, end - start);
	} else {
		struct vfio_region_info_cap_sparse_mmap *sparse = (void *)
			vfio_region_find_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP);

		ASSERT_EQ(MAP_FAILED, p);
		ASSERT_EQ(EINVAL, errno);
		ASSERT_NE(NULL, sparse);
		for (__u32 i = 0; i < sparse->nr_areas; i++) {
			__u64 off = sparse->areas[i].offset, len = sparse->areas[i].size;

			p = mmap(NULL, len, PROT_READ, MAP_SHARED, dev.fd, info->offset + off);
			ASSERT_NE(MAP_FAILED, p);
			vfio_region_read(&dev, bir, off, &word, 4);
			ASSERT_EQ(word, vfio_mmio_read32((__u32 *)p));
			vfio_region_read(&dev, bir, off + len - 4, &word, 4);
			ASSERT_EQ(word, vfio_mmio_read32((__u32 *)(p + len - 4)));
			munmap(p, len);
		}
	}
	free(info);
	vfio_dev_close(&dev);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
