// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_bar_bench [-n ITERATIONS] BDF: time BAR0 access of a device,
 * one line per measurement, "bench NAME US_PER_OP":
 *
 *   devmem-read/-write  a raw mapping of the BAR through /dev/mem (the
 *                       floor: no VFIO at all), taken before the device is
 *                       opened, since an open device's BARs are claimed
 *   mmap-read/-write    the BAR mmapped through the VFIO device fd
 *   pread/pwrite        4-byte pread/pwrite on the VFIO device fd
 *
 * Register 0 is read and register 4 written: on edu the ID and the
 * liveness register, harmless on any device.  What is read is checked (a
 * wrong page or a failed access would look fast): every read of register
 * 0 must return what a pread through VFIO returned first, on edu its ID
 * 0x010000ed, and on edu the last value written to register 4 must read
 * back inverted.  A mismatch ends the bench with an error.  Each row is measured REPS
 * times and the fastest run is reported: the rig is a TCG guest on a
 * shared host, and the minimum is the figure least disturbed by other
 * load.  scripts/bench.sh runs it with each driver and prints the
 * comparison.
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>

#include "vfio_util.h"

#define REPS 5

#define EDU_ID_VALUE	0x010000ed

/* Register 0 as a pread through VFIO returned it; edu's liveness check. */
static __u32 want_reg0;
static bool is_edu;

static void check_reg0(const char *how, __u32 val)
{
	VFIO_ASSERT(val == want_reg0, "%s: register 0 reads %#x, not %#x", how, val, want_reg0);
}

/* edu's register 4 reads back what was written to it, inverted. */
static void check_liveness(const char *how, __u32 reg4, __u32 written)
{
	if (is_edu)
		VFIO_ASSERT(reg4 == ~written, "%s: edu's register 4 reads %#x after %#x",
			    how, reg4, written);
}

enum op { MAP_READ, MAP_WRITE, PREAD, PWRITE };

/* The fastest of REPS runs of @n accesses, in microseconds per access. */
static double measure(enum op op, __u32 *regs, int fd, __u64 off, long n)
{
	double best = 1e30, t0, t;
	__u32 val = 0;
	long i;
	int r;

	for (r = 0; r < REPS; r++) {
		t0 = vfio_now_us();
		for (i = 0; i < n; i++) {
			switch (op) {
			case MAP_READ:
				val = vfio_mmio_read32(&regs[0]);
				if (val != want_reg0)
					check_reg0("mmap read", val);
				break;
			case MAP_WRITE:
				vfio_mmio_write32(&regs[1], i);
				break;
			case PREAD:
				VFIO_ASSERT(pread(fd, &val, 4, off) == 4, "pread");
				if (val != want_reg0)
					check_reg0("pread", val);
				break;
			case PWRITE:
				val = i;
				VFIO_ASSERT(pwrite(fd, &val, 4, off + 4) == 4, "pwrite");
				break;
			}
		}
		t = (vfio_now_us() - t0) / n;
		if (t < best)
			best = t;
	}
	if (op == MAP_WRITE)
		check_liveness("mmap write", vfio_mmio_read32(&regs[1]), n - 1);
	if (op == PWRITE) {
		VFIO_ASSERT(pread(fd, &val, 4, off + 4) == 4, "pread");
		check_liveness("pwrite", val, n - 1);
	}
	return best;
}

static void bench_map(const char *prefix, __u32 *regs, long n)
{
	printf("bench %s-read %.3f\n", prefix, measure(MAP_READ, regs, -1, 0, n));
	printf("bench %s-write %.3f\n", prefix, measure(MAP_WRITE, regs, -1, 0, n));
}

static void bench_devmem(const char *bdf, long n)
{
	unsigned long long start, end, flags;
	void *p;
	int fd;

	if (vfio_sysfs_resource(bdf, 0, &start, &end, &flags) || !start) {
		printf("bench devmem-read n/a\nbench devmem-write n/a\n");
		return;
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	p = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, start);
	if (p == MAP_FAILED) {
		printf("# /dev/mem: %s\n", strerror(errno));
		printf("bench devmem-read n/a\nbench devmem-write n/a\n");
	} else {
		printf("# /dev/mem BAR0 %#llx reg0 %#x\n", start, vfio_mmio_read32(p));
		/* The device is not open yet: what edu's ID must be. */
		if (is_edu)
			want_reg0 = EDU_ID_VALUE;
		else
			want_reg0 = vfio_mmio_read32(p);
		bench_map("devmem", p, n);
		munmap(p, 4096);
	}
	if (fd >= 0)
		close(fd);
}

int main(int argc, char *argv[])
{
	unsigned long vendor = 0, device = 0;
	struct vfio_region_info info;
	struct vfio_dev dev;
	long n = 20000;
	const char *bdf;
	void *p;

	bdf = argv[vfio_bench_args(argc, argv, &n, "[-n ITERATIONS] BDF")];
	is_edu = !vfio_sysfs_read_hex(bdf, "vendor", &vendor) && vendor == 0x1234 &&
		 !vfio_sysfs_read_hex(bdf, "device", &device) && device == 0x11e8;
	bench_devmem(bdf, n);

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	vfio_region_info(&dev, 0, &info);
	vfio_region_read(&dev, 0, 0, &want_reg0, 4);
	if (is_edu)
		check_reg0("edu's ID", EDU_ID_VALUE);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, dev.fd, info.offset);
	if (p == MAP_FAILED) {
		printf("bench mmap-read n/a\nbench mmap-write n/a\n");
	} else {
		bench_map("mmap", p, n);
		munmap(p, 4096);
	}

	printf("bench pread %.3f\n", measure(PREAD, NULL, dev.fd, info.offset, n));
	printf("bench pwrite %.3f\n", measure(PWRITE, NULL, dev.fd, info.offset, n));

	vfio_dev_close(&dev);
	return 0;
}
