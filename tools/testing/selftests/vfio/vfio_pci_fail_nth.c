// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_fail_nth BDF: fail the n-th allocation of a call, for every n
 * until the call no longer reaches an n-th allocation.
 *
 * For each call (open of the device fd, SET_IRQS adding an MSI-X vector to
 * an enabled index, SET_IRQS enabling each IRQ index with an eventfd, mmap
 * of each mappable BAR, RESET, PCI_HOT_RESET),
 * /proc/thread-self/fail-nth makes the n-th slab or page allocation of the
 * task fail (failslab and fail_page_alloc, with GFP_KERNEL allocations
 * included).  Each injected failure must come back as success or a plain
 * errno (never a kernel-internal one), undo cleanly, and leave the device
 * usable: a new open and GET_INFO work afterwards.  Leaks are the rig's
 * kmemleak scan's to find.  Needs CONFIG_FAULT_INJECTION (the debug
 * kernel): SKIP without.
 *
 * The faults are confined to the driver (see confine_faults()), which
 * needs CONFIG_FAULT_INJECTION_STACKTRACE_FILTER: without it the test
 * SKIPs, unless FAIL_NTH_UNCONFINED is set.  Each call is swept twice,
 * slab allocations first, then page allocations: counted together, the
 * n-th allocation is not the same from one call to the next (a slab that
 * needs a new page adds a page allocation now and then), so a sweep could
 * step over an allocation and never fail it (a mutant that ignores its
 * vector array's allocation survived that way).  Counted apart, the slab
 * sweep reaches every kmalloc of the call.
 *
 * Under TCG with KASAN one faulted call can take seconds (the first open
 * enables the device through the PCI core), so the sweeps share a
 * budget of FAIL_NTH_SECONDS (default 60) per device; a sweep cut short
 * says how far it got and is a SKIP, unless a fault it did inject gave a
 * bad result: what was found fails, budget or not.  The driver's own calls go first,
 * the open (mostly the VFIO core and ACPI) last.
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "vfio_util.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define FAIL_NTH_MAX	4000

static int nth_fd = -1;
static int test_nr;
static time_t deadline;

/*
 * Address range of the text of the modules named in @mods (NULL-terminated),
 * from /proc/kallsyms: [*lo, *hi) spans them all.  -ENOENT if none is loaded.
 */
static int module_text(const char *const *mods, unsigned long *lo, unsigned long *hi)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], mod[64];
	unsigned long addr;
	char type;

	if (!f)
		return -errno;
	*lo = ~0UL;
	*hi = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s [%63[^]]]", &addr, &type, name, mod) != 4 ||
		    (type != 't' && type != 'T') || !addr)
			continue;
		for (const char *const *m = mods; *m; m++) {
			if (strcmp(mod, *m))
				continue;
			if (addr < *lo)
				*lo = addr;
			if (addr > *hi)
				*hi = addr;
		}
	}
	fclose(f);
	if (*lo > *hi)
		return -ENOENT;
	/* The last function's size is not listed: a page covers it. */
	*hi += 4096;
	return 0;
}

/* [*lo, *hi) of the core kernel function @fn: its address up to the next symbol's. */
static int kernel_function(const char *fn, unsigned long *lo, unsigned long *hi)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256];
	unsigned long addr;
	char type;

	if (!f)
		return -errno;
	*lo = 0;
	*hi = ~0UL;
	while (fgets(line, sizeof(line), f)) {
		/* Core kernel symbols only: a module's carry a "[module]" column. */
		if (sscanf(line, "%lx %c %255s", &addr, &type, name) != 3 || strchr(line, '['))
			continue;
		if (!*lo && !strcmp(name, fn))
			*lo = addr;
	}
	rewind(f);
	while (*lo && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, name) != 3 || strchr(line, '['))
			continue;
		if (addr > *lo && addr < *hi)
			*hi = addr;
	}
	fclose(f);
	return *lo && *hi != ~0UL ? 0 : -ENOENT;
}

/*
 * Confine the faults to calls made on the driver's behalf: an allocation
 * fails only when its stack walk passes through the vfio-pci driver's text
 * (ours is vfio_pci; the stock driver is vfio_pci on vfio_pci_core, so
 * both count), and not through one function of the kernel whose own
 * handling of a failed allocation is broken, which no VFIO driver can
 * avoid (the filter has one reject range, set per call by reject_for()):
 *
 * - register_irq_proc(), for SET_IRQS: 6.12's IRQ core does not undo a
 *   half-made /proc/irq/N directory, and freeing the vector later WARNs in
 *   remove_proc_entry() (an MSI-X enable whose smp_affinity entry failed
 *   is enough);
 * - acpi_pci_irq_find_prt_entry(), for every other call: the open's
 *   pci_enable_device() and the close's pci_disable_device() evaluate the
 *   ACPI _PRT method there for the INTx routing, and ACPICA does not
 *   survive a failed allocation in it ("ACPI Error: AE_NO_MEMORY, Could not
 *   update object reference count", in the reference count update after
 *   the evaluation): a later _PRT evaluation is a KASAN slab-use-after-free
 *   in acpi_ns_get_attached_object() (seen in the debug lane on 00:03.0
 *   after 60-odd faults of the open sweep; any driver that enables the
 *   device gets it).  The interpreter's own entry, acpi_ns_evaluate(), is
 *   not enough: the failing update runs after it has returned.
 *
 * Needs CONFIG_FAULT_INJECTION_STACKTRACE_FILTER.
 */
static const char *const fault_attrs[] = { "failslab", "fail_page_alloc" };
static unsigned long text_lo, text_hi;
static unsigned long irq_proc_lo, irq_proc_hi, prt_lo, prt_hi;
static bool confined;

static int confine_faults(void)
{
	static const char *const mods[] = { "vfio_pci", "vfio_pci_core", NULL };
	int ret;

	if (access("/sys/kernel/debug/failslab/require-start", F_OK))
		return -EOPNOTSUPP;
	ret = module_text(mods, &text_lo, &text_hi);
	if (!ret)
		ret = kernel_function("register_irq_proc", &irq_proc_lo, &irq_proc_hi);
	if (ret)
		return ret;
	/* A kernel without ACPI has no _PRT to keep out. */
	if (kernel_function("acpi_pci_irq_find_prt_entry", &prt_lo, &prt_hi)) {
		prt_lo = 0;
		prt_hi = 0;
	}
	confined = true;
	printf("# faults confined to %#lx-%#lx (vfio-pci), except %#lx-%#lx (register_irq_proc)",
	       text_lo, text_hi, irq_proc_lo, irq_proc_hi);
	printf(" for SET_IRQS and %#lx-%#lx (acpi_pci_irq_find_prt_entry) for the rest\n",
	       prt_lo, prt_hi);
	return 0;
}

/* The reject range for the sweep of the call @name (see confine_faults()). */
static void reject_for(const char *name)
{
	bool irqs = !strncmp(name, "SET_IRQS", 8);
	char path[128], val[32];

	for (size_t i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		const struct { const char *knob; unsigned long v; } set[] = {
			{ "reject-start", irqs ? irq_proc_lo : prt_lo },
			{ "reject-end", irqs ? irq_proc_hi : prt_hi },
		};

		for (size_t k = 0; k < ARRAY_SIZE(set); k++) {
			snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", fault_attrs[i],
				 set[k].knob);
			snprintf(val, sizeof(val), "%#lx", set[k].v);
			if (vfio_write_file(path, val))
				VFIO_FAIL("set %s", path);
		}
	}
}

/*
 * Sweep pass @pass (0: slab, 1: page allocations) counts and fails only
 * that kind: the other's stack filter gets an empty range, which no
 * allocation passes.  Unconfined, both kinds count together (one pass).
 */
static void fault_pass(unsigned int pass)
{
	char path[128], val[32];

	for (size_t i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		bool on = i == pass;

		snprintf(path, sizeof(path), "/sys/kernel/debug/%s/require-start",
			 fault_attrs[i]);
		snprintf(val, sizeof(val), "%#lx", on ? text_lo : 1UL);
		if (vfio_write_file(path, val))
			VFIO_FAIL("set %s", path);
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s/require-end",
			 fault_attrs[i]);
		snprintf(val, sizeof(val), "%#lx", on ? text_hi : 1UL);
		if (vfio_write_file(path, val))
			VFIO_FAIL("set %s", path);
	}
}

/* GFP_KERNEL allocations are spared by default: include them. */
static int setup_fault_injection(void)
{
	static const char *const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++)
		if (vfio_write_file(knobs[i][0], knobs[i][1]))
			return -ENOENT;
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	return nth_fd < 0 ? -errno : 0;
}

static void fail_nth_arm(unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	if (pwrite(nth_fd, buf, strlen(buf), 0) < 0)
		VFIO_FAIL("arm fail-nth");
}

/* Disarm; true when the fault was injected during the call. */
static bool fail_nth_disarm(void)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) < 0)
		VFIO_FAIL("read fail-nth");
	if (pwrite(nth_fd, "0", 1, 0) < 0)
		VFIO_FAIL("disarm fail-nth");
	return atoi(buf) == 0;
}

struct sweep {
	const char *name;
	unsigned int injected;
	unsigned int errnos[600];
	bool bad;
};

/* Set by a call that found a vector of the device's on IRQ 0. */
static bool irq0_taken;

/* Record the call's result under an injected fault. */
static void record(struct sweep *s, int ret)
{
	int e = ret < 0 ? -ret : 0;

	s->injected++;
	if (irq0_taken) {
		printf("# %s: fault %u: a vector was given IRQ 0 (%s)\n", s->name,
		       s->injected, strerror(e));
		s->bad = true;
		irq0_taken = false;
	}
	if (e >= 512) {
		printf("# %s: fault %u: kernel-internal errno %d\n", s->name, s->injected, e);
		s->bad = true;
	} else {
		s->errnos[e]++;
	}
}

static void check_usable(struct sweep *s, struct vfio_dev *dev)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, dev->bdf);

	if (fd < 0 || ioctl(fd, VFIO_DEVICE_GET_INFO, &info)) {
		printf("# %s: device unusable after fault %u: %s\n", s->name,
		       s->injected, strerror(errno));
		s->bad = true;
	}
	if (fd >= 0)
		close(fd);
}

static void report(struct sweep *s, unsigned int n)
{
	test_nr++;
	printf("# %s: %u faults injected, results:", s->name, s->injected);
	for (int e = 0; e < 600; e++)
		if (s->errnos[e])
			printf(" %s %u", e ? strerror(e) : "ok", s->errnos[e]);
	printf("\n");
	/* What was found counts, whether or not the budget ran out. */
	if (s->bad) {
		printf("not ok %d %s: a fault left a bad result (above)\n", test_nr, s->name);
		return;
	}
	if (n > FAIL_NTH_MAX) {
		printf("not ok %d %s: still failing after %u faults\n", test_nr, s->name, n);
		return;
	}
	if (time(NULL) >= deadline) {
		printf("ok %d %s # SKIP time budget (FAIL_NTH_SECONDS) spent after %u faults%s\n",
		       test_nr, s->name, s->injected, ", none bad");
		return;
	}
	printf("ok %d %s: every allocation failed once\n", test_nr, s->name);
}

static void skip(const char *name, const char *why)
{
	printf("ok %d %s # SKIP %s\n", ++test_nr, name, why);
}

/* call() returns 0/-errno and undoes its own success; true: fault injected. */
#define SWEEP(s, dev, call) ({						\
	struct sweep *__s = (s);					\
	unsigned int __n, __most = 0;					\
	if (confined)							\
		reject_for(__s->name);					\
	for (unsigned int __p = 0; __p < (confined ? 2 : 1); __p++) {	\
		if (confined)						\
			fault_pass(__p);				\
		for (__n = 1; __n <= FAIL_NTH_MAX && time(NULL) < deadline; __n++) {\
			int __ret;					\
			bool __hit;					\
			fail_nth_arm(__n);				\
			__ret = (call);					\
			__hit = fail_nth_disarm();			\
			if (!__hit)					\
				break;					\
			record(__s, __ret);				\
			check_usable(__s, (dev));			\
		}							\
		__most = __n > __most ? __n : __most;			\
	}								\
	report(__s, __most);						\
})

static int call_open(struct vfio_dev *dev)
{
	int fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, dev->bdf);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Vector @start of @index triggers @efd. */
static int irq_trigger_at(struct vfio_dev *dev, unsigned int index,
			  unsigned int start, int efd)
{
	struct {
		struct vfio_irq_set set;
		__s32 fd;
	} arg = {
		.set = {
			.argsz = sizeof(arg),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = index,
			.start = start,
			.count = 1,
		},
		.fd = efd,
	};

	return __vfio_ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, &arg);
}

static int irq_trigger(struct vfio_dev *dev, unsigned int index, int efd)
{
	return irq_trigger_at(dev, index, 0, efd);
}

static int irq_disable(struct vfio_dev *dev, unsigned int index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
	};

	return __vfio_ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, &set);
}

static int call_set_irqs(struct vfio_dev *dev, unsigned int index, int efd)
{
	int ret = irq_trigger(dev, index, efd);

	if (!ret)
		irq_disable(dev, index);
	return ret;
}

/* Is there a handler of the device's vectors on IRQ 0 (/proc/interrupts)? */
static bool vfio_on_irq0(struct vfio_dev *dev)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[1024];
	bool found = false;

	if (!f)
		VFIO_FAIL("open /proc/interrupts");
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line + strspn(line, " "), "0:", 2) &&
			strstr(line, "vfio-msi") && strstr(line, dev->bdf);
	fclose(f);
	return found;
}

/*
 * Vector 1 added to an enabled MSI-X index: in place, where the platform
 * allocates MSI-X vectors dynamically.  A failed allocation must come back
 * as its errno, never as a vector on IRQ 0 (whose request then fails with
 * -EBUSY against the timer's handler, or succeeds on a free IRQ 0).  The
 * call starts and ends with vector 0 enabled alone, so that the faults
 * count the addition's allocations first.
 */
static int call_msix_add(struct vfio_dev *dev, int efd)
{
	int ret = irq_trigger_at(dev, VFIO_PCI_MSIX_IRQ_INDEX, 1, efd);

	if (vfio_on_irq0(dev) || ret == -EBUSY)
		irq0_taken = true;
	irq_disable(dev, VFIO_PCI_MSIX_IRQ_INDEX);
	irq_trigger(dev, VFIO_PCI_MSIX_IRQ_INDEX, efd);
	return ret;
}

static int call_mmap(struct vfio_dev *dev, struct vfio_region_info *r)
{
	size_t len = r->size < 4096 ? r->size : 4096;
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, dev->fd, r->offset);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

static int call_reset(struct vfio_dev *dev)
{
	return __vfio_ioctl(dev->fd, VFIO_DEVICE_RESET, NULL);
}

/* A low power state with a wakeup eventfd, entered and left. */
static int call_low_power(struct vfio_dev *dev, int efd)
{
	struct {
		struct vfio_device_feature hdr;
		struct vfio_device_low_power_entry_with_wakeup entry;
	} f = {
		.hdr.argsz = sizeof(f),
		.hdr.flags = VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		.entry.wakeup_eventfd = efd,
	};
	int ret = __vfio_ioctl(dev->fd, VFIO_DEVICE_FEATURE, &f);

	f.hdr.argsz = sizeof(f.hdr);
	f.hdr.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
	return __vfio_ioctl(dev->fd, VFIO_DEVICE_FEATURE, &f.hdr) ?: ret;
}

/* The info call sizes its answer first: the sweep covers both calls. */
static int call_hot_reset_info(struct vfio_dev *dev)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} info = { .hdr.argsz = sizeof(info) };

	return __vfio_ioctl(dev->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info);
}

int main(int argc, char *argv[])
{
	const char *bdf = vfio_selftests_get_bdf(&argc, argv);
	static const char *const irq_names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };
	struct vfio_dev dev;
	char name[64];
	int efd, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (!bdf) {
		printf("1..0 # SKIP usage: %s BDF (or VFIO_SELFTESTS_BDF)\n", argv[0]);
		return 4;
	}
	if (setup_fault_injection()) {
		printf("1..0 # SKIP no fault injection (%s)\n",
		       "CONFIG_FAULT_INJECTION, FAILSLAB, debugfs");
		return 4;
	}
	ret = confine_faults();
	if (ret && !getenv("FAIL_NTH_UNCONFINED")) {
		printf("1..0 # SKIP cannot confine faults to vfio-pci: %s%s\n",
		       ret == -EOPNOTSUPP ? "no CONFIG_FAULT_INJECTION_STACKTRACE_FILTER" :
		       "no vfio-pci text in /proc/kallsyms", " (FAIL_NTH_UNCONFINED=1 overrides)");
		return 4;
	}
	ret = __vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	if (ret) {
		printf("1..0 # SKIP cannot open %s: %s\n", bdf, strerror(-ret));
		return 4;
	}
	efd = eventfd(0, EFD_CLOEXEC);
	deadline = time(NULL) + (getenv("FAIL_NTH_SECONDS") ?
				 atoi(getenv("FAIL_NTH_SECONDS")) : 60);
	printf("1..%d\n", 5 + 1 + (VFIO_PCI_ROM_REGION_INDEX + 1) + 4 + 1);

	/* First, while the budget lasts: the driver's one dynamic allocation. */
	{
		struct vfio_irq_info info;
		struct sweep s = { .name = "SET_IRQS MSI-X vector added in place" };

		if (__vfio_irq_info(&dev, VFIO_PCI_MSIX_IRQ_INDEX, &info) || info.count < 2) {
			skip(s.name, "fewer than 2 MSI-X vectors");
		} else if (info.flags & VFIO_IRQ_INFO_NORESIZE) {
			skip(s.name, "MSI-X is NORESIZE here (no dynamic MSI-X)");
		} else if (irq_trigger(&dev, VFIO_PCI_MSIX_IRQ_INDEX, efd) ||
			   call_msix_add(&dev, efd) || irq0_taken) {
			irq0_taken = false;
			skip(s.name, "fails without a fault");
		} else {
			SWEEP(&s, &dev, call_msix_add(&dev, efd));
		}
		irq_disable(&dev, VFIO_PCI_MSIX_IRQ_INDEX);
	}

	for (unsigned int i = 0; i < 5; i++) {
		struct vfio_irq_info info;
		struct sweep s = { .name = name };

		snprintf(name, sizeof(name), "SET_IRQS %s trigger", irq_names[i]);
		if (__vfio_irq_info(&dev, i, &info) || !info.count) {
			skip(name, "no such IRQ");
			continue;
		}
		ret = call_set_irqs(&dev, i, efd);
		if (ret) {
			snprintf(name + strlen(name), sizeof(name) - strlen(name),
				 " # SKIP fails without a fault: %s", strerror(-ret));
			printf("ok %d %s\n", ++test_nr, name);
			continue;
		}
		SWEEP(&s, &dev, call_set_irqs(&dev, i, efd));
	}

	{
		struct vfio_irq_info info;
		struct sweep s = { .name = "SET_IRQS MSI-X vector added in place" };

		if (__vfio_irq_info(&dev, VFIO_PCI_MSIX_IRQ_INDEX, &info) || info.count < 2)
			skip(s.name, "fewer than 2 MSI-X vectors");
		else if (info.flags & VFIO_IRQ_INFO_NORESIZE)
			skip(s.name, "MSI-X is NORESIZE here (no dynamic MSI-X)");
		else if (call_msix_add(&dev, efd) || irq0_taken)
			skip(s.name, "fails without a fault");
		else
			SWEEP(&s, &dev, call_msix_add(&dev, efd));
	}

	for (unsigned int i = 0; i <= VFIO_PCI_ROM_REGION_INDEX; i++) {
		struct vfio_region_info r;
		struct sweep s = { .name = name };

		snprintf(name, sizeof(name), "mmap region %u", i);
		if (__vfio_region_info(&dev, i, &r) || !(r.flags & VFIO_REGION_INFO_FLAG_MMAP) ||
		    !r.size) {
			skip(name, "not mappable");
			continue;
		}
		if (call_mmap(&dev, &r)) {
			skip(name, "mmap fails without a fault");
			continue;
		}
		SWEEP(&s, &dev, call_mmap(&dev, &r));
	}

	/* A reset failing half-way must still leave the device usable. */
	if (!(dev.info.flags & VFIO_DEVICE_FLAGS_RESET) || call_reset(&dev)) {
		skip("RESET", "no reset, or it fails without a fault");
	} else {
		struct sweep s = { .name = "RESET" };

		SWEEP(&s, &dev, call_reset(&dev));
	}

	if (call_low_power(&dev, efd)) {
		skip("low power entry and exit", "fails without a fault");
	} else {
		struct sweep s = { .name = "low power entry and exit" };

		SWEEP(&s, &dev, call_low_power(&dev, efd));
	}

	/*
	 * Hot reset with the device's group as proof: where the bus or slot
	 * holds only this group's devices (the rig's GPU and its audio
	 * function).
	 */
	if (call_hot_reset_info(&dev)) {
		skip("GET_PCI_HOT_RESET_INFO", "no bus or slot reset");
		skip("PCI_HOT_RESET", "no bus or slot reset");
	} else {
		struct sweep si = { .name = "GET_PCI_HOT_RESET_INFO" };
		struct sweep sr = { .name = "PCI_HOT_RESET" };

		SWEEP(&si, &dev, call_hot_reset_info(&dev));
		ret = __vfio_hot_reset(dev.fd, &dev.group_fd, 1);
		if (ret)
			skip(sr.name, ret == -ENOTTY ? "the PCI core cannot reset it (-ENOTTY)" :
			     "fails without a fault");
		else
			SWEEP(&sr, &dev, __vfio_hot_reset(dev.fd, &dev.group_fd, 1));
	}

	/* With no other fd open, each open is the first: the driver's own path. */
	{
		struct sweep s = { .name = "open" };

		close(dev.fd);
		SWEEP(&s, &dev, call_open(&dev));
		dev.fd = ioctl(dev.group_fd, VFIO_GROUP_GET_DEVICE_FD, dev.bdf);
		if (dev.fd < 0)
			VFIO_FAIL("reopen %s", dev.bdf);
	}

	close(efd);
	vfio_dev_close(&dev);
	return 0;
}
