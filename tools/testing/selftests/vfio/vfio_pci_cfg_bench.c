// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_cfg_bench [-n READS] BDF: time 4-byte reads of a device's
 * config space through the VFIO config region, one line per row,
 * "bench NAME US_PER_READ":
 *
 *   cfg-hdr@BDF   offset 0, the vendor and device IDs
 *   cfg-cap@BDF   the header dword of the first capability in the list
 *   cfg-ext@BDF   offset 0x100, the first extended capability (devices
 *                 with 4 KiB of config space only)
 *
 * and beside each its floor, NAME_floor_sysfs: the same read through the
 * device's sysfs "config" file, the PCI core's own path to the device
 * with no VFIO in it.  Each figure is the fastest of REPS runs of READS
 * reads (default 5000).
 */
#include <fcntl.h>
#include <unistd.h>

#include "vfio_util.h"

#define REPS	5

/* The fastest of REPS runs of @n 4-byte preads at @off of @fd, in us. */
static double measure(int fd, off_t off, long n)
{
	double best = 1e30, t0, t;
	__u32 val;
	long i;
	int r;

	for (r = 0; r < REPS; r++) {
		t0 = vfio_now_us();
		for (i = 0; i < n; i++)
			VFIO_ASSERT(pread(fd, &val, 4, off) == 4, "config pread at %#lx",
				    (long)off);
		t = (vfio_now_us() - t0) / n;
		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char *argv[])
{
	static const char * const names[] = { "hdr", "cap", "ext" };
	struct vfio_region_info info;
	unsigned char cfg[256];
	off_t offs[3] = { 0, -1, -1 };
	struct vfio_dev dev;
	char path[128];
	const char *bdf;
	long n = 5000;
	int sfd, i;

	bdf = argv[vfio_bench_args(argc, argv, &n, "[-n READS] BDF")];

	VFIO_ASSERT(vfio_sysfs_read_config(bdf, cfg, sizeof(cfg)) >= PCI_STD_HEADER_SIZEOF,
		    "%s: sysfs config", bdf);
	if (cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST && cfg[PCI_CAPABILITY_LIST] >= 0x40)
		offs[1] = cfg[PCI_CAPABILITY_LIST] & ~3;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	sfd = open(path, O_RDONLY);
	VFIO_ASSERT(sfd >= 0, "open %s", path);

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	vfio_region_info(&dev, VFIO_PCI_CONFIG_REGION_INDEX, &info);
	if (info.size > PCI_CFG_SPACE_SIZE)
		offs[2] = PCI_CFG_SPACE_SIZE;

	for (i = 0; i < 3; i++) {
		if (offs[i] < 0)
			continue;
		printf("bench cfg-%s@%s %.3f\n", names[i], bdf + 5,
		       measure(dev.fd, info.offset + offs[i], n));
		printf("bench cfg-%s@%s_floor_sysfs %.3f\n", names[i], bdf + 5,
		       measure(sfd, offs[i], n));
	}
	vfio_dev_close(&dev);
	close(sfd);
	return 0;
}
