// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_irq_bench [-n ROUND_TRIPS] BDF: time interrupt round trips of
 * QEMU's edu device through VFIO, one line per row,
 * "bench NAME US_PER_ROUND_TRIP":
 *
 *   intx-rt-{same,cross}-cpu  edu raises INTx; the driver masks the line
 *            and signals the eventfd; the user reads it, acks edu and
 *            unmasks (VFIO_IRQ_SET_ACTION_UNMASK), which makes the line
 *            live again
 *   msi-rt-{same,cross}-cpu   edu sends its MSI; the eventfd fires; the
 *            user reads it and acks edu
 *
 * Each round trip is measured twice, with the waiter pinned to the CPU
 * that handles the interrupt (same) and to another one (cross): where the
 * scheduler happens to put an unpinned waiter decides its cost (about 3
 * against 20 us for MSI in the rig, with either driver), which is the
 * guest's and the emulator's doing, not the driver's; the "#" line before
 * the rows says which CPU handles the IRQ.
 *
 * edu's registers are written through a mapping of BAR0, so that the rows
 * time the interrupt path and not the BAR access path.  Each figure is the
 * fastest of REPS runs of ROUND_TRIPS round trips (default 2000).  A
 * device that is not edu gets no rows.
 */
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <sys/mman.h>

#include "vfio_util.h"

#define REPS		5
#define EDU_ID		0x00
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64

#define EFD_TRIGGER	(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define NONE_TRIGGER	(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)
#define NONE_UNMASK	(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK)

static void edu_write(__u32 *regs, unsigned int reg, __u32 val)
{
	vfio_mmio_write32(&regs[reg / 4], val);
}

/* One raise, signal, ack (and for INTx, unmask) of edu's interrupt. */
static void round_trip(struct vfio_dev *dev, __u32 *regs, int efd, __u32 index)
{
	__u64 count;

	edu_write(regs, EDU_IRQ_RAISE, 1);
	VFIO_ASSERT(read(efd, &count, sizeof(count)) == sizeof(count), "eventfd read");
	edu_write(regs, EDU_IRQ_ACK, 1);
	if (index == VFIO_PCI_INTX_IRQ_INDEX)
		vfio_set_irqs(dev, NONE_UNMASK, index, 0, 1, NULL);
}

/*
 * The CPU that handles the interrupt (the first of its effective
 * affinity).  The IRQ is found in /proc/interrupts by its action name,
 * which names @bdf.
 */
static int where(const char *bdf, const char *kind)
{
	char line[512], path[64], aff[64] = "?";
	unsigned int irq = 0;
	FILE *f = fopen("/proc/interrupts", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, kind) && strstr(line, bdf) && sscanf(line, " %u:", &irq) == 1)
			break;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/irq/%u/effective_affinity_list", irq);
	f = irq ? fopen(path, "r") : NULL;
	if (f && fgets(aff, sizeof(aff), f))
		aff[strcspn(aff, "\n")] = 0;
	if (f)
		fclose(f);
	printf("# %s: IRQ %u handled on CPU %s\n", kind, irq, aff);
	return atoi(aff);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	VFIO_ASSERT(!sched_setaffinity(0, sizeof(set), &set), "sched_setaffinity to CPU %d", cpu);
}

/* The fastest of REPS runs of @n round trips, in microseconds each. */
static double best_of(struct vfio_dev *dev, __u32 *regs, int efd, __u32 index, long n)
{
	double best = 1e30, t0, t;
	long i;
	int r;

	for (r = 0; r < REPS; r++) {
		t0 = vfio_now_us();
		for (i = 0; i < n; i++)
			round_trip(dev, regs, efd, index);
		t = (vfio_now_us() - t0) / n;
		if (t < best)
			best = t;
	}
	return best;
}

static void measure(struct vfio_dev *dev, __u32 *regs, __u32 index, long n)
{
	const char *name = index == VFIO_PCI_INTX_IRQ_INDEX ? "intx" : "msi";
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int efd = vfio_eventfd_new();
	int cpu;

	/* Blocking reads: the round trip waits for the interrupt itself. */
	VFIO_ASSERT(!fcntl(efd, F_SETFL, fcntl(efd, F_GETFL) & ~O_NONBLOCK), "fcntl");
	/* Nothing raised from before (edu keeps its status across opens). */
	edu_write(regs, EDU_IRQ_ACK, ~0U);
	vfio_set_irqs(dev, EFD_TRIGGER, index, 0, 1, &efd);
	/* One round trip first: proof that this index signals at all. */
	edu_write(regs, EDU_IRQ_RAISE, 1);
	VFIO_ASSERT(vfio_eventfd_wait(efd, 5000) >= 1, "no interrupt on index %u", index);
	edu_write(regs, EDU_IRQ_ACK, 1);
	if (index == VFIO_PCI_INTX_IRQ_INDEX)
		vfio_set_irqs(dev, NONE_UNMASK, index, 0, 1, NULL);
	cpu = where(dev->bdf, index == VFIO_PCI_INTX_IRQ_INDEX ? "vfio-intx" : "vfio-msi");

	pin(cpu);
	printf("bench %s-rt-same-cpu %.3f\n", name, best_of(dev, regs, efd, index, n));
	if (cpus > 1) {
		pin((cpu + 1) % cpus);
		printf("bench %s-rt-cross-cpu %.3f\n", name, best_of(dev, regs, efd, index, n));
	} else {
		printf("bench %s-rt-cross-cpu n/a\n", name);
	}
	vfio_set_irqs(dev, NONE_TRIGGER, index, 0, 0, NULL);
	close(efd);
}

int main(int argc, char *argv[])
{
	unsigned long vendor = 0, device = 0;
	struct vfio_region_info info;
	struct vfio_dev dev;
	const char *bdf;
	long n = 2000;
	__u32 *regs;

	bdf = argv[vfio_bench_args(argc, argv, &n, "[-n ROUND_TRIPS] BDF")];
	if (vfio_sysfs_read_hex(bdf, "vendor", &vendor) || vendor != 0x1234 ||
	    vfio_sysfs_read_hex(bdf, "device", &device) || device != 0x11e8) {
		printf("# %s: not an edu device\n", bdf);
		return 0;
	}

	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	vfio_cfg_write(&dev, PCI_COMMAND, 2, vfio_cfg_read(&dev, PCI_COMMAND, 2) |
		       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	vfio_region_info(&dev, VFIO_PCI_BAR0_REGION_INDEX, &info);
	regs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, dev.fd, info.offset);
	VFIO_ASSERT(regs != MAP_FAILED, "mmap of %s's BAR0", bdf);
	VFIO_ASSERT((vfio_mmio_read32(&regs[EDU_ID / 4]) & 0xff) == 0xed, "edu's ID");

	measure(&dev, regs, VFIO_PCI_INTX_IRQ_INDEX, n);
	measure(&dev, regs, VFIO_PCI_MSI_IRQ_INDEX, n);

	munmap(regs, 4096);
	vfio_dev_close(&dev);
	return 0;
}
