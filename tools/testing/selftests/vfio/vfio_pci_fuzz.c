// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_fuzz BDF...: a seeded fuzzer of the vfio-pci device uAPI.
 *
 * Every ioctl of a device fd, region read/write, mmap/munmap, eventfds and
 * close/reopen of the device fd, with random and boundary values of argsz,
 * flags, indexes, offsets, sizes and fds, on every device given, from
 * FUZZ_PROCS processes of FUZZ_THREADS threads at once.  The processes
 * share the device files (forked after the open), so one process's close
 * races the others' calls on the same open file, and a thread's reopen
 * races its siblings' calls on the fd it replaces.
 *
 * Environment:
 *   FUZZ_SEED     replay a run (the seed is printed at the start)
 *   FUZZ_CALLS    total number of calls (default 100000)
 *   FUZZ_PROCS    processes (default 2), FUZZ_THREADS threads each (3)
 *   FUZZ_SKIP     operations not to make, by name, comma-separated (to get
 *                 past a known finding: "IOEVENTFD,mmap")
 *
 * Each worker draws from its own generator seeded by (seed, process,
 * thread), so a seed replays every worker's sequence of calls; with
 * FUZZ_PROCS=1 FUZZ_THREADS=1 the replay is exact, otherwise the scheduler
 * decides the interleaving.
 *
 * The verdict is the kernel's: the test exits 0 when the calls come back
 * with any errno a user may see, and fails when a worker dies of an
 * unexpected signal or a call returns a kernel-internal errno (512 and
 * up).  The VM rig fails the run on any splat in dmesg.
 *
 * Rig safety: the edu device's DMA registers (BAR0 0x80-0x9f) are never
 * written, by pwrite or by ioeventfd, on any device fd (fds get reused
 * under the races): QEMU aborts on random DMA.  Mappings are only read.
 *
 * An NVMe controller that takes flexible interrupt resources (the rig's
 * SR-IOV PF 05:00.0) is the device's owner's way to change its MSI-X Table
 * Size: given one, the fuzzer now and then hands it a random number of
 * them through its admin queue and resets it (MSIX_RESIZE), so that the
 * table grows and shrinks between the other calls, under enabled indexes
 * too.  The allocation it had is given back at the end.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "vfio_nvme.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define FUZZ_MAX_DEVS		16
#define FUZZ_MAX_GROUPS		FUZZ_MAX_DEVS
#define FUZZ_NR_REGIONS		12	/* a few past VFIO_PCI_NUM_REGIONS */
#define FUZZ_NR_EVENTFDS	8
#define FUZZ_NR_MAPS		4
#define FUZZ_NR_TARGETS		64	/* boundary offsets per device */
#define FUZZ_BUF_SIZE		(64 * 1024)
#define FUZZ_PAGE		4096UL
/* 0: success, then errno up to the kernel's internal ones (512..529) */
#define FUZZ_NR_RESULTS		600
#define FUZZ_RES_SIGNAL		598	/* SIGBUS/SIGSEGV reading a mapping */
#define FUZZ_RES_OTHER		599	/* not made (edu DMA), or a strange errno */
#define FUZZ_KERNEL_ERRNO	512	/* ERESTARTSYS and up: must not leak */

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_DMA_START		0x80
#define EDU_DMA_END		0xa0

#define NVME_CLASS		0x010802
/* The admin queues of the Nth device: far from anything else mapped. */
#define FUZZ_NVME_IOVA(n)	(0x40000000ULL + (n) * 0x10000ULL)

enum fuzz_op {
	OP_GET_INFO,
	OP_GET_REGION_INFO,
	OP_GET_IRQ_INFO,
	OP_SET_IRQS,
	OP_RESET,
	OP_HOT_RESET_INFO,
	OP_HOT_RESET,
	OP_IOEVENTFD,
	OP_FEATURE,
	OP_UNKNOWN,
	OP_READ,
	OP_WRITE,
	OP_MMAP,
	OP_MUNMAP,
	OP_EVENTFD,
	OP_REOPEN,
	OP_MSIX_RESIZE,	/* last: a run without an NVMe PF draws as before */
	OP_NR,
};

static struct {
	const char *name;
	unsigned int weight;	/* per mille; FUZZ_SKIP sets it to 0 */
} ops[OP_NR] = {
	[OP_GET_INFO]		= { "GET_INFO",			50 },
	[OP_GET_REGION_INFO]	= { "GET_REGION_INFO",		90 },
	[OP_GET_IRQ_INFO]	= { "GET_IRQ_INFO",		60 },
	[OP_SET_IRQS]		= { "SET_IRQS",			160 },
	/* Resets take 100 ms to 1 s each: keep them rare. */
	[OP_RESET]		= { "RESET",			2 },
	[OP_HOT_RESET_INFO]	= { "GET_PCI_HOT_RESET_INFO",	40 },
	[OP_HOT_RESET]		= { "PCI_HOT_RESET",		2 },
	[OP_IOEVENTFD]		= { "IOEVENTFD",		60 },
	[OP_FEATURE]		= { "FEATURE",			60 },
	[OP_UNKNOWN]		= { "unknown ioctl",		30 },
	[OP_READ]		= { "read",			170 },
	[OP_WRITE]		= { "write",			110 },
	[OP_MMAP]		= { "mmap",			60 },
	[OP_MUNMAP]		= { "munmap",			40 },
	[OP_EVENTFD]		= { "eventfd",			60 },
	[OP_REOPEN]		= { "close+reopen",		6 },
	/* Off unless a device can resize (main); a reset each, like RESET. */
	[OP_MSIX_RESIZE]	= { "MSIX_RESIZE",		0 },
};

struct fuzz_region {
	bool valid;
	__u64 offset;
	__u64 size;
};

struct fuzz_dev {
	char bdf[VFIO_BDF_LEN];
	int group_fd;			/* shared by the devices of one group */
	int fd;				/* swapped by OP_REOPEN, read atomically */
	bool edu;
	struct fuzz_region regions[FUZZ_NR_REGIONS];
	/*
	 * File offsets where the driver's range arithmetic lives: config
	 * capability starts, the ROM image's end and the region's, the MSI-X
	 * table's and PBA's starts and ends.
	 */
	__u64 targets[FUZZ_NR_TARGETS];
	unsigned int nr_targets;
	struct fuzz_nvme *nvme;		/* NULL: no MSI-X resize on this one */
};

/*
 * An NVMe PF whose MSI-X table the fuzzer resizes, in memory shared by
 * every process: one admin command at a time under @lock.
 */
struct fuzz_nvme {
	pthread_mutex_t lock;
	struct vfio_nvme nvme;
	struct vfio_dev dev;		/* for main(); workers use a copy */
	__u16 cntlid;
	unsigned int flexible;		/* the most flexible VIs it can take */
	unsigned int orig;		/* what it had, given back at the end */
};

/* Set up by main() before the workers start; read-only afterwards but fd. */
static struct fuzz_dev devs[FUZZ_MAX_DEVS];
static int nr_devs;
static int group_fds[FUZZ_MAX_GROUPS];
static int nr_groups;
static int container_fds[FUZZ_MAX_GROUPS];
/* Offsets at which no write may touch the edu DMA registers. */
static __u64 edu_bar0[FUZZ_MAX_DEVS + 1];
static int nr_edu_bar0;

static unsigned long calls_per_thread;

/* Shared by every process: results[op][result], and the calls made. */
static __u64 (*results)[FUZZ_NR_RESULTS];

struct fuzz_worker {
	__u64 rng;
	int evfds[FUZZ_NR_EVENTFDS];
	struct { void *addr; size_t len; } maps[FUZZ_NR_MAPS];
	unsigned char *buf;		/* FUZZ_BUF_SIZE, then a guard page */
};

/* A fault while touching a mapping jumps back instead of killing us. */
static __thread sigjmp_buf fault_jmp;
static __thread int fault_armed;

/* splitmix64: small, fast, and a good enough spread for a fuzzer. */
static __u64 rnd(struct fuzz_worker *w)
{
	__u64 z = (w->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u32 rnd_below(struct fuzz_worker *w, __u32 n)
{
	return n ? rnd(w) % n : 0;
}

static bool one_in(struct fuzz_worker *w, __u32 n)
{
	return rnd_below(w, n) == 0;
}

/* A 32-bit value near an edge more often than not. */
static __u32 rnd_u32(struct fuzz_worker *w)
{
	static const __u32 edges[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 0x7f, 0x80, 0xff,
		0x100, 0xfff, 0x1000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};

	if (one_in(w, 3))
		return rnd(w);
	return edges[rnd_below(w, ARRAY_SIZE(edges))];
}

/* argsz around the ioctl's minimum and its full size. */
static __u32 rnd_argsz(struct fuzz_worker *w, __u32 minsz, __u32 full)
{
	const __u32 sizes[] = {
		minsz - 1, minsz + 1, full + rnd_below(w, 64), rnd_u32(w),
		FUZZ_BUF_SIZE + rnd_below(w, 2 * FUZZ_PAGE), minsz, full, full,
		full, full,
	};

	return sizes[rnd_below(w, ARRAY_SIZE(sizes))];
}

/* A random fd: usually a real one of ours, sometimes garbage. */
static int rnd_fd(struct fuzz_worker *w)
{
	switch (rnd_below(w, 10)) {
	case 0: return -1;
	case 1: return rnd_below(w, 1024);
	case 2: return __atomic_load_n(&devs[rnd_below(w, nr_devs)].fd, __ATOMIC_RELAXED);
	case 3: return group_fds[rnd_below(w, nr_groups)];
	case 4: return (int)rnd_u32(w);
	default: return w->evfds[rnd_below(w, FUZZ_NR_EVENTFDS)];
	}
}

static struct fuzz_dev *rnd_dev(struct fuzz_worker *w)
{
	return &devs[rnd_below(w, nr_devs)];
}

static int dev_fd(struct fuzz_dev *d)
{
	return __atomic_load_n(&d->fd, __ATOMIC_RELAXED);
}

static __u32 rnd_region_index(struct fuzz_worker *w)
{
	if (one_in(w, 16))
		return rnd_u32(w);
	return rnd_below(w, FUZZ_NR_REGIONS);
}

/* A file offset and length inside, at the edges of, or outside a region. */
static void rnd_region_span(struct fuzz_worker *w, struct fuzz_dev *d,
			    __u64 *off, size_t *len)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 8, 16, 64, 256, 4096, 8192, 65536 };
	__u32 index = rnd_region_index(w);
	struct fuzz_region *r = index < FUZZ_NR_REGIONS ? &d->regions[index] : NULL;
	__u64 base = r && r->valid ? r->offset : (__u64)index << 40;
	__u64 size = r && r->valid ? r->size : 0x1000;

	*len = one_in(w, 8) ? rnd_below(w, FUZZ_BUF_SIZE) : lens[rnd_below(w, ARRAY_SIZE(lens))];
	if (d->nr_targets && one_in(w, 4)) {
		/* At, just before or just after a boundary. */
		*off = d->targets[rnd_below(w, d->nr_targets)] + (__s64)rnd_below(w, 17) - 8;
		return;
	}
	if (one_in(w, 2)) {
		const __u64 edges[] = {
			base, base + size - (*len < size ? *len : 0), base + size,
			base + size - 1, rnd(w),
		};

		*off = edges[rnd_below(w, ARRAY_SIZE(edges))];
		return;
	}
	/* Inside, mostly aligned, mostly 1 to 8 bytes: the device's registers. */
	*off = base + (size ? rnd(w) % size : 0);
	if (!one_in(w, 4))
		*off &= ~3ULL;
	if (*len > 8 && !one_in(w, 4))
		*len = 1 << rnd_below(w, 4);
}

static bool hits_edu_dma(__u64 off, __u64 len)
{
	for (int i = 0; i < nr_edu_bar0; i++) {
		__u64 start = edu_bar0[i] + EDU_DMA_START;
		__u64 end = edu_bar0[i] + EDU_DMA_END;

		if (off < end && off + len > start && off + len >= off)
			return true;
		if (off + len < off)	/* wraps: be careful */
			return true;
	}
	return false;
}

/* A user buffer: ours, with a zero or a dirty tail, or a bad pointer. */
static void *rnd_arg(struct fuzz_worker *w, size_t used)
{
	if (one_in(w, 50))
		return NULL;
	if (one_in(w, 50))
		return w->buf + FUZZ_BUF_SIZE;	/* the guard page */
	if (used < FUZZ_BUF_SIZE) {
		if (one_in(w, 8))
			w->buf[used + rnd_below(w, FUZZ_BUF_SIZE - used)] = rnd(w) | 1;
		else
			memset(w->buf + used, 0,
			       FUZZ_BUF_SIZE - used > 256 ? 256 : FUZZ_BUF_SIZE - used);
	}
	return w->buf;
}

static int result(long ret)
{
	if (ret >= 0)
		return 0;
	return errno > 0 && errno < FUZZ_RES_SIGNAL ? errno : FUZZ_RES_OTHER;
}

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return result(ioctl(fd, cmd, arg));
}

static int op_get_info(struct fuzz_worker *w, struct fuzz_dev *d)
{
	struct vfio_device_info *info = (void *)w->buf;

	memset(info, 0, sizeof(*info));
	info->argsz = rnd_argsz(w, VFIO_DEVICE_INFO_MINSZ, sizeof(*info));
	if (one_in(w, 4))
		info->flags = rnd_u32(w);
	return do_ioctl(dev_fd(d), VFIO_DEVICE_GET_INFO, rnd_arg(w, sizeof(*info)));
}

static int op_get_region_info(struct fuzz_worker *w, struct fuzz_dev *d)
{
	struct vfio_region_info *info = (void *)w->buf;

	memset(info, 0, sizeof(*info));
	info->argsz = rnd_argsz(w, sizeof(*info), one_in(w, 2) ? 4096 : sizeof(*info));
	info->index = rnd_region_index(w);
	if (one_in(w, 4))
		info->flags = rnd_u32(w);
	return do_ioctl(dev_fd(d), VFIO_DEVICE_GET_REGION_INFO, rnd_arg(w, sizeof(*info)));
}

static int op_get_irq_info(struct fuzz_worker *w, struct fuzz_dev *d)
{
	struct vfio_irq_info *info = (void *)w->buf;

	memset(info, 0, sizeof(*info));
	info->argsz = rnd_argsz(w, sizeof(*info), sizeof(*info));
	info->index = one_in(w, 8) ? rnd_u32(w) : rnd_below(w, 7);
	if (one_in(w, 4))
		info->flags = rnd_u32(w);
	return do_ioctl(dev_fd(d), VFIO_DEVICE_GET_IRQ_INFO, rnd_arg(w, sizeof(*info)));
}

static int op_set_irqs(struct fuzz_worker *w, struct fuzz_dev *d)
{
	static const __u32 datas[] = {
		VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL, VFIO_IRQ_SET_DATA_EVENTFD,
	};
	static const __u32 actions[] = {
		VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK,
		VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	struct vfio_irq_set *set = (void *)w->buf;
	__u32 data = datas[rnd_below(w, 3)], count, each = 0, n;

	memset(set, 0, sizeof(*set));
	set->flags = data | actions[rnd_below(w, 3)];
	if (one_in(w, 10))
		set->flags = rnd_u32(w);
	else if (one_in(w, 10))
		set->flags |= 1U << rnd_below(w, 32);
	set->index = one_in(w, 10) ? rnd_u32(w) : rnd_below(w, 6);
	if (one_in(w, 2)) {
		/* Plausible: what a VMM does, so that vectors get enabled. */
		count = rnd_below(w, 3);
		set->start = one_in(w, 4);
	} else {
		count = one_in(w, 3) ? rnd_below(w, 4) : rnd_u32(w);
		if (count > 2048 && !one_in(w, 4))
			count = rnd_below(w, 2049);
		set->start = one_in(w, 4) ? rnd_u32(w) : rnd_below(w, 3);
	}
	set->count = count;
	if (data == VFIO_IRQ_SET_DATA_BOOL)
		each = 1;
	else if (data == VFIO_IRQ_SET_DATA_EVENTFD)
		each = 4;
	n = count < 4096 ? count : 4096;
	for (__u32 i = 0; i < n; i++) {
		if (each == 1)
			set->data[i] = rnd(w) & (one_in(w, 8) ? 0xff : 1);
		else if (each == 4)
			((__s32 *)set->data)[i] = rnd_fd(w);
	}
	set->argsz = sizeof(*set) + (__u64)each * count;
	if (one_in(w, 6))
		set->argsz = rnd_argsz(w, sizeof(*set), set->argsz);
	return do_ioctl(dev_fd(d), VFIO_DEVICE_SET_IRQS,
			rnd_arg(w, sizeof(*set) + each * n));
}

static int op_reset(struct fuzz_worker *w, struct fuzz_dev *d)
{
	return do_ioctl(dev_fd(d), VFIO_DEVICE_RESET, one_in(w, 2) ? NULL : w->buf);
}

static int op_hot_reset_info(struct fuzz_worker *w, struct fuzz_dev *d)
{
	struct vfio_pci_hot_reset_info *info = (void *)w->buf;
	__u32 full = sizeof(*info) + rnd_below(w, 8) * sizeof(info->devices[0]);

	memset(info, 0, sizeof(*info));
	info->argsz = rnd_argsz(w, sizeof(*info), full);
	if (one_in(w, 4))
		info->flags = rnd_u32(w);
	if (one_in(w, 4))
		info->count = rnd_u32(w);
	return do_ioctl(dev_fd(d), VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, rnd_arg(w, full));
}

static int op_hot_reset(struct fuzz_worker *w, struct fuzz_dev *d)
{
	struct vfio_pci_hot_reset *hr = (void *)w->buf;
	__u32 count = one_in(w, 8) ? rnd_u32(w) : rnd_below(w, nr_groups + 2);
	__u32 n = count < 1024 ? count : 1024;

	memset(hr, 0, sizeof(*hr));
	if (one_in(w, 4))
		hr->flags = rnd_u32(w);
	hr->count = count;
	/* Half the time every group we hold, so that the reset can happen. */
	for (__u32 i = 0; i < n; i++)
		hr->group_fds[i] = one_in(w, 2) && i < (__u32)nr_groups ? group_fds[i] : rnd_fd(w);
	hr->argsz = sizeof(*hr) + (__u64)count * sizeof(__s32);
	if (one_in(w, 6))
		hr->argsz = rnd_argsz(w, sizeof(*hr), hr->argsz);
	return do_ioctl(dev_fd(d), VFIO_DEVICE_PCI_HOT_RESET,
			rnd_arg(w, sizeof(*hr) + n * sizeof(__s32)));
}

static int op_ioeventfd(struct fuzz_worker *w, struct fuzz_dev *d)
{
	struct vfio_device_ioeventfd *io = (void *)w->buf;
	size_t len;
	__u64 off;

	memset(io, 0, sizeof(*io));
	io->argsz = rnd_argsz(w, sizeof(*io), sizeof(*io));
	io->flags = one_in(w, 6) ? rnd_u32(w) : 1U << rnd_below(w, 5);
	rnd_region_span(w, d, &off, &len);
	io->offset = off;
	io->data = rnd(w);
	io->fd = one_in(w, 3) ? -1 : rnd_fd(w);
	if (one_in(w, 10))
		io->reserved = rnd_u32(w);
	/* A signalled ioeventfd writes the device: the same rule as pwrite. */
	if (hits_edu_dma(io->offset, 8))
		io->offset = 0;
	return do_ioctl(dev_fd(d), VFIO_DEVICE_IOEVENTFD, rnd_arg(w, sizeof(*io)));
}

static int op_feature(struct fuzz_worker *w, struct fuzz_dev *d)
{
	struct vfio_device_feature *f = (void *)w->buf;
	__u32 payload = rnd_below(w, 4) * 8;
	__u32 feature = one_in(w, 8) ? rnd_u32(w) & 0xffff : rnd_below(w, 12);

	memset(w->buf, 0, sizeof(*f) + 64);
	const __u32 modes[] = {
		VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_SET,
		VFIO_DEVICE_FEATURE_PROBE | (rnd(w) & 3) << 16,
		rnd_u32(w) & ~VFIO_DEVICE_FEATURE_MASK, 0,
	};

	f->flags = feature | modes[rnd_below(w, ARRAY_SIZE(modes))];
	/* Payloads of the features that take an fd, or a bus master bit. */
	for (__u32 i = 0; i < payload / 4; i++)
		((__s32 *)f->data)[i] = one_in(w, 2) ? rnd_fd(w) : (__s32)rnd_below(w, 3);
	f->argsz = rnd_argsz(w, sizeof(*f), sizeof(*f) + payload);
	return do_ioctl(dev_fd(d), VFIO_DEVICE_FEATURE, rnd_arg(w, sizeof(*f) + payload));
}

static int op_unknown(struct fuzz_worker *w, struct fuzz_dev *d)
{
	unsigned long cmd;

	/* Only VFIO's type: other types reach generic file ioctls. */
	if (one_in(w, 3))
		cmd = _IO(VFIO_TYPE, VFIO_BASE + 14 + rnd_below(w, 30));
	else if (one_in(w, 2))
		cmd = _IO(VFIO_TYPE, rnd_below(w, 256));
	else
		cmd = _IOC(rnd_below(w, 4), VFIO_TYPE, rnd_below(w, 256),
			   rnd_below(w, 1 << _IOC_SIZEBITS));
	memset(w->buf, 0, 256);
	*(__u32 *)w->buf = rnd_u32(w);
	return do_ioctl(dev_fd(d), cmd, rnd_arg(w, 256));
}

static int op_read(struct fuzz_worker *w, struct fuzz_dev *d)
{
	size_t len;
	__u64 off;

	rnd_region_span(w, d, &off, &len);
	return result(pread(dev_fd(d), rnd_arg(w, 0), len, off));
}

static int op_write(struct fuzz_worker *w, struct fuzz_dev *d)
{
	size_t len;
	__u64 off;

	rnd_region_span(w, d, &off, &len);
	if (hits_edu_dma(off, len))
		return FUZZ_RES_OTHER;
	for (size_t i = 0; i < len && i < 64; i++)
		w->buf[i] = rnd(w);
	return result(pwrite(dev_fd(d), rnd_arg(w, len < 64 ? len : 64), len, off));
}

static void sig_fault(int sig)
{
	if (__atomic_load_n(&fault_armed, __ATOMIC_SEQ_CST))
		siglongjmp(fault_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read the first and the last word of a mapping; a SIGBUS is an answer too. */
static int touch(void *addr, size_t len)
{
	__u32 *p = addr;

	if (sigsetjmp(fault_jmp, 1)) {
		__atomic_store_n(&fault_armed, 0, __ATOMIC_SEQ_CST);
		return FUZZ_RES_SIGNAL;
	}
	__atomic_store_n(&fault_armed, 1, __ATOMIC_SEQ_CST);
	(void)__atomic_load_n(&p[0], __ATOMIC_RELAXED);
	if (len >= 4)
		(void)__atomic_load_n(&p[len / 4 - 1], __ATOMIC_RELAXED);
	__atomic_store_n(&fault_armed, 0, __ATOMIC_SEQ_CST);
	return 0;
}

static int op_munmap_slot(struct fuzz_worker *w, int slot)
{
	void *addr = w->maps[slot].addr;
	size_t len = w->maps[slot].len;
	int ret;

	if (!addr)
		return FUZZ_RES_OTHER;
	/* Now and then only the first page: the driver sees the VMA split. */
	if (len > FUZZ_PAGE && one_in(w, 3)) {
		ret = result(munmap(addr, FUZZ_PAGE));
		if (!ret) {
			w->maps[slot].addr = addr + FUZZ_PAGE;
			w->maps[slot].len = len - FUZZ_PAGE;
		}
		return ret;
	}
	w->maps[slot].addr = NULL;
	return result(munmap(addr, len));
}

static int op_mmap(struct fuzz_worker *w, struct fuzz_dev *d)
{
	static const int prots[] = {
		PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE, PROT_NONE,
		PROT_READ | PROT_EXEC,
	};
	int slot = rnd_below(w, FUZZ_NR_MAPS), prot = prots[rnd_below(w, 5)];
	size_t len;
	__u64 off;
	void *addr;
	int ret;

	rnd_region_span(w, d, &off, &len);
	if (!one_in(w, 8))
		off &= ~(FUZZ_PAGE - 1);
	if (one_in(w, 2))
		len = (rnd_below(w, 4) + 1) * FUZZ_PAGE;
	addr = mmap(NULL, len, prot, one_in(w, 8) ? MAP_PRIVATE : MAP_SHARED,
		    dev_fd(d), off);
	if (addr == MAP_FAILED)
		return result(-1);
	ret = (prot & PROT_READ) && len ? touch(addr, len) : 0;
	if (w->maps[slot].addr)
		op_munmap_slot(w, slot);
	w->maps[slot].addr = addr;
	w->maps[slot].len = len;
	return ret;
}

static int op_munmap(struct fuzz_worker *w, struct fuzz_dev *d)
{
	int slot = rnd_below(w, FUZZ_NR_MAPS);

	/* Touch it first: the device may have been reset or closed since. */
	if (w->maps[slot].addr && one_in(w, 2))
		touch(w->maps[slot].addr, w->maps[slot].len);
	return op_munmap_slot(w, slot);
}

/* Create, signal or close one of the worker's eventfds. */
static int op_eventfd(struct fuzz_worker *w, struct fuzz_dev *d)
{
	int slot = rnd_below(w, FUZZ_NR_EVENTFDS);
	__u64 one = 1;
	int ret;

	if (w->evfds[slot] < 0) {
		w->evfds[slot] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		return result(w->evfds[slot]);
	}
	if (one_in(w, 4)) {
		ret = result(close(w->evfds[slot]));
		w->evfds[slot] = -1;
		return ret;
	}
	return result(write(w->evfds[slot], &one, sizeof(one)));
}

/*
 * Open a new fd of the device and close the old one while the other
 * threads may be inside a call on it.
 */
static int op_reopen(struct fuzz_worker *w, struct fuzz_dev *d)
{
	int fd = ioctl(d->group_fd, VFIO_GROUP_GET_DEVICE_FD, d->bdf);

	if (fd < 0)
		return result(-1);
	fd = __atomic_exchange_n(&d->fd, fd, __ATOMIC_SEQ_CST);
	return result(close(fd));
}

/*
 * Hand an NVMe PF @nr flexible VIs and reset it: its MSI-X Table Size
 * changes at that reset.  @dev's fd may be one of a worker's; the NVMe
 * status or -errno.
 */
static int nvme_resize(struct fuzz_nvme *fn, struct vfio_dev *dev, unsigned int nr)
{
	int ret;

	/* Robust: a worker killed while holding it blocks nobody. */
	if (pthread_mutex_lock(&fn->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&fn->lock);
	fn->nvme.dev = dev;
	ret = __vfio_nvme_enable(&fn->nvme) ?:
	      vfio_nvme_virt_mgmt(&fn->nvme, NVME_VIRT_ACT_PRI_ALLOC, NVME_VIRT_RT_VI,
				  fn->cntlid, nr, NULL);
	__vfio_nvme_disable(&fn->nvme);
	if (!ret)
		ret = __vfio_ioctl(dev->fd, VFIO_DEVICE_RESET, NULL);
	pthread_mutex_unlock(&fn->lock);
	return ret;
}

/* The devices whose table MSIX_RESIZE resizes, whatever device it drew. */
static int resizable[FUZZ_MAX_DEVS];
static int nr_resizable;

static int op_msix_resize(struct fuzz_worker *w, struct fuzz_dev *d)
{
	struct fuzz_nvme *fn;
	struct vfio_dev dev;
	unsigned int nr;
	int ret;

	if (!nr_resizable)
		return FUZZ_RES_OTHER;
	d = &devs[resizable[rnd_below(w, nr_resizable)]];
	fn = d->nvme;
	/* The extremes half of the time: the largest swing. */
	nr = rnd_below(w, fn->flexible + 1);
	if (one_in(w, 2))
		nr = one_in(w, 2) ? 0 : fn->flexible;
	dev = fn->dev;
	dev.fd = dev_fd(d);
	ret = nvme_resize(fn, &dev, nr);
	if (ret > 0)		/* the controller refused: not the driver's answer */
		return FUZZ_RES_OTHER;
	errno = -ret;
	return result(ret);
}

typedef int (*fuzz_fn)(struct fuzz_worker *w, struct fuzz_dev *d);

static const fuzz_fn fns[OP_NR] = {
	[OP_GET_INFO]		= op_get_info,
	[OP_GET_REGION_INFO]	= op_get_region_info,
	[OP_GET_IRQ_INFO]	= op_get_irq_info,
	[OP_SET_IRQS]		= op_set_irqs,
	[OP_RESET]		= op_reset,
	[OP_HOT_RESET_INFO]	= op_hot_reset_info,
	[OP_HOT_RESET]		= op_hot_reset,
	[OP_IOEVENTFD]		= op_ioeventfd,
	[OP_FEATURE]		= op_feature,
	[OP_UNKNOWN]		= op_unknown,
	[OP_READ]		= op_read,
	[OP_WRITE]		= op_write,
	[OP_MMAP]		= op_mmap,
	[OP_MUNMAP]		= op_munmap,
	[OP_EVENTFD]		= op_eventfd,
	[OP_REOPEN]		= op_reopen,
	[OP_MSIX_RESIZE]	= op_msix_resize,
};

static enum fuzz_op rnd_op(struct fuzz_worker *w)
{
	unsigned int total = 0, pick;
	int op;

	for (op = 0; op < OP_NR; op++)
		total += ops[op].weight;
	pick = rnd_below(w, total);
	for (op = 0; op < OP_NR - 1; op++) {
		if (pick < ops[op].weight)
			break;
		pick -= ops[op].weight;
	}
	return op;
}

static void *worker(void *arg)
{
	struct fuzz_worker *w = arg;

	for (unsigned long i = 0; i < calls_per_thread; i++) {
		enum fuzz_op op = rnd_op(w);
		int res;

		errno = 0;
		res = fns[op](w, rnd_dev(w));
		__atomic_fetch_add(&results[op][res], 1, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < FUZZ_NR_MAPS; i++)
		if (w->maps[i].addr)
			munmap(w->maps[i].addr, w->maps[i].len);
	for (int i = 0; i < FUZZ_NR_EVENTFDS; i++)
		if (w->evfds[i] >= 0)
			close(w->evfds[i]);
	return NULL;
}

static int worker_init(struct fuzz_worker *w, __u64 seed, int proc, int thread)
{
	memset(w, 0, sizeof(*w));
	w->rng = seed ^ (0x9e3779b97f4a7c15ULL * (proc * 64 + thread + 1));
	for (int i = 0; i < FUZZ_NR_EVENTFDS; i++)
		w->evfds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->buf = mmap(NULL, FUZZ_BUF_SIZE + FUZZ_PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->buf == MAP_FAILED)
		return -errno;
	return mprotect(w->buf + FUZZ_BUF_SIZE, FUZZ_PAGE, PROT_NONE) ? -errno : 0;
}

static int run_process(__u64 seed, int proc, int nr_threads)
{
	struct fuzz_worker *w = calloc(nr_threads, sizeof(*w));
	pthread_t *tids = calloc(nr_threads, sizeof(*tids));

	if (!w || !tids)
		return 1;
	for (int t = 0; t < nr_threads; t++) {
		if (worker_init(&w[t], seed, proc, t))
			return 1;
		if (pthread_create(&tids[t], NULL, worker, &w[t]))
			return 1;
	}
	for (int t = 0; t < nr_threads; t++)
		pthread_join(tids[t], NULL);
	return 0;
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

static void skip_ops(const char *list)
{
	char *copy = strdup(list ? list : ""), *save, *name;

	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		for (int op = 0; op < OP_NR; op++) {
			if (!strcmp(name, ops[op].name)) {
				ops[op].weight = 0;
				printf("# not making %s calls (FUZZ_SKIP)\n", name);
			}
		}
	}
	free(copy);
}

static bool is_edu(const char *bdf)
{
	unsigned long vendor, device;

	return !vfio_sysfs_read_hex(bdf, "vendor", &vendor) &&
	       !vfio_sysfs_read_hex(bdf, "device", &device) &&
	       vendor == EDU_VENDOR && device == EDU_DEVICE;
}

/* One container per group, so that any group can come and go. */
static int open_group(int group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int container, fd;

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		return -errno;
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE) ||
	    ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		int ret = errno ? -errno : -EPERM;

		if (fd >= 0)
			close(fd);
		close(container);
		return ret;
	}
	container_fds[nr_groups] = container;
	return fd;
}

static void add_target(struct fuzz_dev *d, unsigned int index, __u64 pos)
{
	if (index < FUZZ_NR_REGIONS && d->regions[index].valid &&
	    d->nr_targets < FUZZ_NR_TARGETS)
		d->targets[d->nr_targets++] = d->regions[index].offset + pos;
}

/* The boundaries of one device: see struct fuzz_dev's targets. */
static void find_targets(struct fuzz_dev *d)
{
	static unsigned char buf[131072];
	struct fuzz_region *rom = &d->regions[VFIO_PCI_ROM_REGION_INDEX];
	struct fuzz_region *cfg = &d->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	unsigned int pos, ttl = 48, img = 0;
	__u32 hdr, table, pba;
	__u16 flags;
	ssize_t n;

	n = cfg->valid ? pread(d->fd, buf, 4096, cfg->offset) : -1;
	if (n >= 256 && (buf[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
		for (pos = buf[PCI_CAPABILITY_LIST] & ~3; pos >= 0x40 && ttl--;
		     pos = buf[pos + 1] & ~3) {
			add_target(d, VFIO_PCI_CONFIG_REGION_INDEX, pos);
			if (buf[pos] != PCI_CAP_ID_MSIX)
				continue;
			memcpy(&flags, buf + pos + PCI_MSIX_FLAGS, 2);
			memcpy(&table, buf + pos + PCI_MSIX_TABLE, 4);
			memcpy(&pba, buf + pos + PCI_MSIX_PBA, 4);
			add_target(d, table & 7, table & ~7U);
			add_target(d, table & 7, (table & ~7U) +
				   16 * ((flags & PCI_MSIX_FLAGS_QSIZE) + 1));
			add_target(d, pba & 7, pba & ~7U);
			add_target(d, pba & 7, (pba & ~7U) +
				   8 * (((flags & PCI_MSIX_FLAGS_QSIZE) + 64) / 64));
		}
	}
	for (pos = 0x100, ttl = 512; n == 4096 && pos >= 0x100 && pos < 4096 && ttl--;
	     pos = hdr >> 20) {
		memcpy(&hdr, buf + pos, 4);
		if (!hdr || hdr == ~0U)
			break;
		add_target(d, VFIO_PCI_CONFIG_REGION_INDEX, pos);
	}
	add_target(d, VFIO_PCI_CONFIG_REGION_INDEX, n > 0 ? n : 256);

	/* The ROM image's end (from its headers) and the region's. */
	n = rom->valid && rom->size ? pread(d->fd, buf, rom->size < sizeof(buf) ?
					    rom->size : sizeof(buf), rom->offset) : -1;
	while (n > 0 && img + 0x1a <= n && buf[img] == 0x55 && buf[img + 1] == 0xaa) {
		unsigned int pcir = img + (buf[img + 0x18] | buf[img + 0x19] << 8);
		unsigned int len;

		if (pcir + 0x18 > n || memcmp(buf + pcir, "PCIR", 4))
			break;
		len = (buf[pcir + 0x10] | buf[pcir + 0x11] << 8) * 512;
		img += len;
		if (!len || (buf[pcir + 0x15] & 0x80))
			break;
	}
	if (img)
		add_target(d, VFIO_PCI_ROM_REGION_INDEX, img);
	if (rom->valid && rom->size)
		add_target(d, VFIO_PCI_ROM_REGION_INDEX, rom->size);
}

static struct fuzz_nvme *nvmes;	/* FUZZ_MAX_DEVS of them, shared */

static bool is_nvme(const char *bdf)
{
	unsigned long class;

	return !vfio_sysfs_read_hex(bdf, "class", &class) && class == NVME_CLASS;
}

/*
 * Can the fuzzer resize @d's MSI-X table?  Its admin queue goes in the
 * container of its group (@g), and its answers decide: Primary Controller
 * Capabilities with flexible VIs, and a flexible allocation accepted.
 */
static const char *setup_resize(struct fuzz_dev *d, int g)
{
	struct fuzz_nvme *fn = &nvmes[nr_devs];
	pthread_mutexattr_t attr;
	static char why[64];
	void *id;
	int ret;

	fn->dev = (struct vfio_dev) {
		.fd = d->fd, .group_fd = d->group_fd, .container_fd = container_fds[g],
		.iommufd = -1, .mode = VFIO_TYPE1v2_IOMMU,
	};
	snprintf(fn->dev.bdf, sizeof(fn->dev.bdf), "%s", d->bdf);
	if (__vfio_nvme_init(&fn->nvme, &fn->dev, FUZZ_NVME_IOVA(nr_devs)))
		return "cannot map an admin queue";
	id = vfio_nvme_data(&fn->nvme);
	ret = __vfio_nvme_enable(&fn->nvme) ?:
	      vfio_nvme_identify(&fn->nvme, NVME_ID_CNS_CTRL);
	fn->cntlid = vfio_nvme_le16(id, NVME_ID_CTRL_CNTLID);
	ret = ret ?: vfio_nvme_identify(&fn->nvme, NVME_ID_CNS_PRI_CTRL_CAP);
	fn->orig = vfio_nvme_le16(id, NVME_PCC_VIRFAP);
	fn->flexible = vfio_nvme_le32(id, NVME_PCC_VIFRT) - vfio_nvme_le32(id, NVME_PCC_VIRFA);
	ret = ret ?: vfio_nvme_virt_mgmt(&fn->nvme, NVME_VIRT_ACT_PRI_ALLOC,
					 NVME_VIRT_RT_VI, fn->cntlid, fn->orig, NULL);
	__vfio_nvme_disable(&fn->nvme);
	if (ret || !fn->flexible) {
		vfio_nvme_fini(&fn->nvme);
		if (!ret)
			return "no flexible VIs";
		snprintf(why, sizeof(why), "no flexible VI allocation (%s %d)",
			 ret < 0 ? "errno" : "NVMe status", ret < 0 ? -ret : ret);
		return why;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&fn->lock, &attr);
	d->nvme = fn;
	resizable[nr_resizable++] = nr_devs;
	ops[OP_MSIX_RESIZE].weight = 2;
	return NULL;
}

/* The allocation each resized PF had, given back through a new device fd. */
static void restore_resized(void)
{
	for (int i = 0; i < nr_devs; i++) {
		struct fuzz_nvme *fn = devs[i].nvme;
		int ret;

		if (!fn)
			continue;
		fn->dev.fd = ioctl(devs[i].group_fd, VFIO_GROUP_GET_DEVICE_FD, devs[i].bdf);
		ret = fn->dev.fd < 0 ? -errno : nvme_resize(fn, &fn->dev, fn->orig);
		if (ret)
			printf("# %s: %u flexible VIs not given back: %d\n", devs[i].bdf,
			       fn->orig, ret);
		vfio_nvme_fini(&fn->nvme);
		if (fn->dev.fd >= 0)
			close(fn->dev.fd);
	}
}

static int open_dev(const char *bdf)
{
	static int group_nums[FUZZ_MAX_GROUPS];
	struct fuzz_dev *d = &devs[nr_devs];
	int group = vfio_sysfs_group(bdf), g;

	if (group < 0)
		return group;
	for (g = 0; g < nr_groups; g++)
		if (group_nums[g] == group)
			break;
	if (g == nr_groups) {
		int fd = open_group(group);

		if (fd < 0)
			return fd;
		group_nums[nr_groups] = group;
		group_fds[nr_groups++] = fd;
	}
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->group_fd = group_fds[g];
	d->fd = ioctl(d->group_fd, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0)
		return -errno;
	d->edu = is_edu(bdf);
	for (__u32 i = 0; i < FUZZ_NR_REGIONS; i++) {
		struct vfio_region_info info = { .argsz = sizeof(info), .index = i };

		if (!ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &info)) {
			d->regions[i].valid = true;
			d->regions[i].offset = info.offset;
			d->regions[i].size = info.size;
		}
	}
	find_targets(d);
	if (is_nvme(bdf)) {
		const char *why = setup_resize(d, g);

		printf("# %s: NVMe, %s\n", bdf,
		       why ? why : "its MSI-X table resized between calls");
	}
	if (d->edu) {
		/* Where BAR0 is, and where it would be by convention. */
		edu_bar0[nr_edu_bar0++] = 0;
		if (d->regions[0].valid && d->regions[0].offset)
			edu_bar0[nr_edu_bar0++] = d->regions[0].offset;
	}
	nr_devs++;
	return 0;
}

static const char *errname(int res)
{
	static __thread char buf[16];
	static const struct { int e; const char *n; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
		{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
		{ ESPIPE, "ESPIPE" }, { ERANGE, "ERANGE" }, { EOVERFLOW, "EOVERFLOW" },
		{ 524, "ENOTSUPP(kernel-internal)" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { EPROTO, "EPROTO" },
		{ EMSGSIZE, "EMSGSIZE" }, { EDEADLK, "EDEADLK" },
	};

	if (res == 0)
		return "ok";
	if (res == FUZZ_RES_SIGNAL)
		return "SIGBUS";
	if (res == FUZZ_RES_OTHER)
		return "skipped";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == res)
			return names[i].n;
	snprintf(buf, sizeof(buf), "errno%d", res);
	return buf;
}

/* Print the results; return how many calls leaked a kernel-internal errno. */
static __u64 report(__u64 seed, double secs, __u64 *total)
{
	__u64 leaked = 0;

	*total = 0;
	for (int op = 0; op < OP_NR; op++) {
		__u64 calls = 0;
		int distinct = 0;

		for (int r = 0; r < FUZZ_NR_RESULTS; r++) {
			calls += results[op][r];
			distinct += results[op][r] && r != FUZZ_RES_OTHER;
		}
		*total += calls;
		printf("# %-22s %7llu calls, %2d results:", ops[op].name,
		       (unsigned long long)calls, distinct);
		for (int r = 0; r < FUZZ_NR_RESULTS; r++) {
			if (!results[op][r])
				continue;
			printf(" %s %llu", errname(r), (unsigned long long)results[op][r]);
			if (r >= FUZZ_KERNEL_ERRNO && r < FUZZ_RES_SIGNAL)
				leaked += results[op][r];
		}
		printf("\n");
	}
	if (leaked)
		printf("# %llu calls returned a kernel-internal errno (>= 512): a bug\n",
		       (unsigned long long)leaked);
	printf("# seed %llu: %llu calls in %.1f s, %.0f calls/s\n",
	       (unsigned long long)seed, (unsigned long long)*total, secs,
	       secs > 0 ? *total / secs : 0.0);
	return leaked;
}

int main(int argc, char *argv[])
{
	unsigned long nr_calls = env_ul("FUZZ_CALLS", 100000);
	int nr_procs = env_ul("FUZZ_PROCS", 2), nr_threads = env_ul("FUZZ_THREADS", 3);
	struct sigaction sa = { .sa_handler = sig_fault, .sa_flags = SA_NODEFER };
	struct timespec t0, t1;
	__u64 seed, total;
	int failed = 0;
	pid_t *pids;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	seed = getenv("FUZZ_SEED") ? strtoull(getenv("FUZZ_SEED"), NULL, 0) :
	       (__u64)time(NULL) * 2654435761ULL ^ getpid();
	printf("# seed %llu (replay with FUZZ_SEED=%llu)\n",
	       (unsigned long long)seed, (unsigned long long)seed);

	nvmes = mmap(NULL, sizeof(*nvmes) * FUZZ_MAX_DEVS, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (nvmes == MAP_FAILED) {
		printf("not ok 1 fuzz # out of memory\n");
		return 1;
	}
	if (argc < 2 && vfio_selftests_bdf())
		argv[argc++] = (char *)vfio_selftests_bdf();
	for (int i = 1; i < argc && nr_devs < FUZZ_MAX_DEVS; i++) {
		int ret = open_dev(argv[i]);

		if (ret)
			printf("# %s: cannot open through VFIO: %s\n", argv[i], strerror(-ret));
		else
			printf("# %s: fd %d%s\n", argv[i], devs[nr_devs - 1].fd,
			       devs[nr_devs - 1].edu ? " (edu: DMA registers spared)" : "");
	}
	/* After the devices: FUZZ_SKIP=MSIX_RESIZE holds against setup_resize(). */
	skip_ops(getenv("FUZZ_SKIP"));
	if (!nr_devs) {
		printf("ok 1 fuzz # SKIP no device to fuzz (usage: %s BDF...)\n", argv[0]);
		return 4;
	}
	if (nr_procs < 1)
		nr_procs = 1;
	if (nr_threads < 1)
		nr_threads = 1;
	calls_per_thread = (nr_calls + nr_procs * nr_threads - 1) / (nr_procs * nr_threads);

	results = mmap(NULL, sizeof(*results) * OP_NR, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(nr_procs, sizeof(*pids));
	if (results == MAP_FAILED || !pids) {
		printf("not ok 1 fuzz # out of memory\n");
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	printf("# %d devices, %d processes x %d threads, %lu calls each\n",
	       nr_devs, nr_procs, nr_threads, calls_per_thread);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int p = 0; p < nr_procs; p++) {
		pids[p] = fork();
		if (pids[p] == 0)
			_exit(run_process(seed, p, nr_threads));
		if (pids[p] < 0)
			printf("# fork: %s\n", strerror(errno));
	}
	/* The parent lets go of the device fds: the children hold the files. */
	for (int i = 0; i < nr_devs; i++)
		close(devs[i].fd);
	for (int p = 0; p < nr_procs; p++) {
		int status;

		if (pids[p] <= 0 || waitpid(pids[p], &status, 0) < 0) {
			failed = 1;
			continue;
		}
		if (WIFSIGNALED(status)) {
			printf("# process %d killed by signal %d\n", p, WTERMSIG(status));
			failed = 1;
		} else if (WEXITSTATUS(status)) {
			printf("# process %d exited with %d\n", p, WEXITSTATUS(status));
			failed = 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	restore_resized();
	/* ERESTARTSYS and friends never reach userspace from a sound driver. */
	if (report(seed, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9, &total))
		failed = 1;
	printf("%s 1 fuzz: %llu calls on %d devices, seed %llu\n", failed ? "not ok" : "ok",
	       (unsigned long long)total, nr_devs, (unsigned long long)seed);
	return failed;
}
