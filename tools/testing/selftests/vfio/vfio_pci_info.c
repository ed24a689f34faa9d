// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_info BDF...: print what VFIO reports for each device (GET_INFO,
 * every region, every IRQ index) in a stable, diffable form.  make run
 * shows it; make check diffs ours against the stock driver's.
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "vfio_util.h"

static const char *const region_names[] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
};

static const char *const irq_names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

static void print_caps(const char *bdf, unsigned int index, void *buf,
		       __u32 cap_offset)
{
	while (cap_offset) {
		struct vfio_info_cap_header *hdr = buf + cap_offset;

		printf("%s region %u cap id %u version %u", bdf, index, hdr->id,
		       hdr->version);
		if (hdr->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			struct vfio_region_info_cap_sparse_mmap *sp = (void *)hdr;

			for (__u32 i = 0; i < sp->nr_areas; i++)
				printf(" [%#llx+%#llx]",
				       (unsigned long long)sp->areas[i].offset,
				       (unsigned long long)sp->areas[i].size);
		} else if (hdr->id == VFIO_REGION_INFO_CAP_TYPE) {
			struct vfio_region_info_cap_type *t = (void *)hdr;

			printf(" type %u subtype %u", t->type, t->subtype);
		}
		printf("\n");
		cap_offset = hdr->next;
	}
}

static void print_region(struct vfio_dev *dev, unsigned int index)
{
	struct vfio_region_info *info;
	size_t argsz = sizeof(*info);
	int ret;

	/* Ask once, then again with the room the capability chain needs. */
	for (int round = 0; round < 2; round++) {
		info = calloc(1, argsz);
		if (!info)
			VFIO_FAIL("calloc");
		info->argsz = argsz;
		info->index = index;
		ret = __vfio_ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, info);
		if (ret || info->argsz <= argsz)
			break;
		argsz = info->argsz;
		free(info);
	}
	printf("%s region %u %s: ", dev->bdf, index,
	       index < 9 ? region_names[index] : "dev-specific");
	if (ret)
		printf("error %d\n", ret);
	else
		printf("size %#llx flags %#x\n", (unsigned long long)info->size,
		       info->flags);
	if (!ret && (info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		print_caps(dev->bdf, index, info, info->cap_offset);
	free(info);
}

static void print_irq(struct vfio_dev *dev, unsigned int index)
{
	struct vfio_irq_info info;
	int ret = __vfio_irq_info(dev, index, &info);

	printf("%s irq %u %s: ", dev->bdf, index, index < 5 ? irq_names[index] : "?");
	if (ret)
		printf("error %d\n", ret);
	else
		printf("count %u flags %#x\n", info.count, info.flags);
}

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s BDF...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct vfio_dev dev;
		unsigned int n;
		int ret;

		ret = __vfio_dev_open(&dev, argv[i], VFIO_TYPE1v2_IOMMU);
		if (ret) {
			printf("%s open error %d\n", argv[i], ret);
			status = 1;
			continue;
		}
		printf("%s group %d flags %#x regions %u irqs %u\n", dev.bdf,
		       dev.group, dev.info.flags, dev.info.num_regions,
		       dev.info.num_irqs);
		for (n = 0; n < dev.info.num_regions; n++)
			print_region(&dev, n);
		for (n = 0; n < dev.info.num_irqs; n++)
			print_irq(&dev, n);
		vfio_dev_close(&dev);
	}
	return status;
}
