// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_populate_bench BDF...: for each device, the cost of populating
 * a mapping of its largest prefetchable memory BAR, the way a VMM maps a
 * GPU's VRAM and the guest first touches it: mmap the whole BAR at an
 * address aligned to its size (at most 1 GiB), read one word of every
 * 4 KiB page, then read them all again.  Rows, "bench NAME VALUE UNIT":
 *
 *   pop-SIZE@BDF         ms for the mmap and the first pass
 *   pop-faults-SIZE@BDF  the minor faults of the first pass (getrusage):
 *                        one per page table entry the driver inserts
 *   pop2-SIZE@BDF        ms for the second pass, every entry in place
 *
 * and beside each its floor, NAME_floor_sysfs: the same through the
 * BAR's sysfs resource file, which the PCI core maps whole at mmap time,
 * taken before the device is opened (an open device's BARs are claimed).
 * Each figure is the fastest of REPS mappings; the faults are the
 * first mapping's (every mapping takes the same).
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "vfio_util.h"

#define REPS			3
#define SZ_4K			0x1000UL
#define SZ_1G			0x40000000UL
#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_PREFETCH	0x00002000

struct pop {
	double first_ms, second_ms;
	long faults;
};

static long minor_faults(void)
{
	struct rusage ru;

	VFIO_ASSERT(!getrusage(RUSAGE_SELF, &ru), "getrusage");
	return ru.ru_minflt;
}

static void touch(const char *p, size_t len)
{
	for (size_t off = 0; off < len; off += SZ_4K)
		(void)vfio_mmio_read32((const __u32 *)(p + off));
}

/* The largest prefetchable memory BAR: its index, or -1. */
static int largest_bar(const char *bdf, unsigned long long *size)
{
	unsigned long long start, end, flags;
	int bar, best = -1;

	*size = 0;
	for (bar = 0; bar < 6; bar++) {
		if (vfio_sysfs_resource(bdf, bar, &start, &end, &flags) || !start ||
		    (flags & (IORESOURCE_MEM | IORESOURCE_PREFETCH)) !=
		    (IORESOURCE_MEM | IORESOURCE_PREFETCH))
			continue;
		if (end - start + 1 > *size) {
			*size = end - start + 1;
			best = bar;
		}
	}
	return best;
}

/*
 * Map @len bytes with @map (which returns MAP_FAILED or the mapping),
 * touch them twice, unmap: the fastest of REPS times.
 */
static struct pop populate(void *(*map)(void *ctx, size_t len), void *ctx, size_t len)
{
	struct pop best = { 1e30, 1e30, -1 };
	double t0, t1, t2;
	long f0, f1;
	char *p;
	int r;

	for (r = 0; r < REPS; r++) {
		t0 = vfio_now_us();
		p = map(ctx, len);
		VFIO_ASSERT(p != MAP_FAILED, "mmap of %zu bytes", len);
		f0 = minor_faults();
		touch(p, len);
		f1 = minor_faults();
		t1 = vfio_now_us();
		touch(p, len);
		t2 = vfio_now_us();
		munmap(p, len);
		if (best.faults < 0)
			best.faults = f1 - f0;
		if ((t1 - t0) / 1e3 < best.first_ms)
			best.first_ms = (t1 - t0) / 1e3;
		if ((t2 - t1) / 1e3 < best.second_ms)
			best.second_ms = (t2 - t1) / 1e3;
	}
	return best;
}

struct vfio_ctx {
	struct vfio_dev *dev;
	__u64 offset;
};

static void *map_vfio(void *ctx, size_t len)
{
	struct vfio_ctx *c = ctx;

	return vfio_mmap_aligned(c->dev, c->offset, len, len < SZ_1G ? len : SZ_1G, 0,
				 PROT_READ);
}

static void *map_sysfs(void *ctx, size_t len)
{
	return mmap(NULL, len, PROT_READ, MAP_SHARED, *(int *)ctx, 0);
}

static void print_rows(const char *suffix, const char *bdf, unsigned long long size,
		       const struct pop *p)
{
	printf("bench pop-%lluM@%s%s %.3f ms\n", size >> 20, bdf + 5, suffix, p->first_ms);
	printf("bench pop-faults-%lluM@%s%s %ld faults\n", size >> 20, bdf + 5, suffix,
	       p->faults);
	printf("bench pop2-%lluM@%s%s %.3f ms\n", size >> 20, bdf + 5, suffix, p->second_ms);
}

static void bench_bar(const char *bdf)
{
	struct vfio_region_info info;
	unsigned long long size;
	struct vfio_ctx c;
	struct vfio_dev dev;
	struct pop floor = { 0 }, ours;
	bool have_floor = false;
	char path[128];
	int bar, fd;

	bar = largest_bar(bdf, &size);
	if (bar < 0) {
		printf("# %s: no prefetchable memory BAR\n", bdf);
		return;
	}
	printf("# %s: BAR%d, %llu MiB\n", bdf, bar, size >> 20);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d", bdf, bar);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		void *p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, fd, 0);

		if (p != MAP_FAILED) {
			munmap(p, SZ_4K);
			floor = populate(map_sysfs, &fd, size);
			have_floor = true;
		} else {
			printf("# %s: no floor: %s\n", path, strerror(errno));
		}
		close(fd);
	}

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	vfio_cfg_write(&dev, PCI_COMMAND, 2,
		       vfio_cfg_read(&dev, PCI_COMMAND, 2) | PCI_COMMAND_MEMORY);
	vfio_region_info(&dev, VFIO_PCI_BAR0_REGION_INDEX + bar, &info);
	VFIO_ASSERT(info.flags & VFIO_REGION_INFO_FLAG_MMAP && info.size == size,
		    "%s: BAR%d is not mappable whole (flags %#x, size %#llx)", bdf, bar,
		    info.flags, (unsigned long long)info.size);
	c.dev = &dev;
	c.offset = info.offset;
	ours = populate(map_vfio, &c, size);
	vfio_dev_close(&dev);

	print_rows("", bdf, size, &ours);
	if (have_floor)
		print_rows("_floor_sysfs", bdf, size, &floor);
}

int main(int argc, char *argv[])
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s BDF...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		bench_bar(argv[i]);
	return 0;
}
