// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_rom_bench [-n READS] BDF...: time one 64 KiB pread of the ROM
 * region of each device, and print "rom: read-64k@BDF US_PER_READ" per
 * device ("n/a" when its ROM region is smaller).  A 64 KiB read of the
 * rig's GPUs covers the image and the 0xff after it.  The figure is the
 * fastest of REPS runs of READS reads (default 10): the rig is a TCG
 * guest on a shared host, and the minimum is the figure least disturbed
 * by other load.  scripts/bench.sh runs it with each driver and prints
 * the ratio.
 */
#include <unistd.h>

#include "vfio_util.h"

#define REPS		5
#define ROM_READ	65536

static void bench_rom(const char *bdf, long n)
{
	static unsigned char buf[ROM_READ];
	struct vfio_region_info info;
	double best = 1e30, t0, t;
	struct vfio_dev dev;
	long i;
	int r;

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	vfio_region_info(&dev, VFIO_PCI_ROM_REGION_INDEX, &info);
	if (info.size < ROM_READ) {
		printf("rom: read-64k@%s n/a\n", bdf + 5);
		vfio_dev_close(&dev);
		return;
	}
	for (r = 0; r < REPS; r++) {
		t0 = vfio_now_us();
		for (i = 0; i < n; i++)
			VFIO_ASSERT(pread(dev.fd, buf, ROM_READ, info.offset) == ROM_READ,
				    "ROM pread");
		t = (vfio_now_us() - t0) / n;
		if (t < best)
			best = t;
	}
	printf("rom: read-64k@%s %.1f\n", bdf + 5, best);
	vfio_dev_close(&dev);
}

int main(int argc, char *argv[])
{
	long n = 10;

	int i;

	for (i = vfio_bench_args(argc, argv, &n, "[-n READS] BDF..."); i < argc; i++)
		bench_rom(argv[i], n);
	return 0;
}
