// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runtime low power through VFIO_DEVICE_FEATURE: LOW_POWER_ENTRY,
 * LOW_POWER_ENTRY_WITH_WAKEUP and LOW_POWER_EXIT.  What the device does is
 * read from sysfs (power/runtime_status, power_state), never from the
 * driver: after an entry runtime PM may suspend the device, mappings of its
 * BARs fault, region accesses wake it for their duration (and end the low
 * power state for good with a wakeup eventfd, which then fires), and close,
 * reset and exit bring it back to a usable D0.
 *
 * Whether a device can suspend at all is a sysfs fact: power/control
 * "auto".  Ours keeps VGA-class cards out of runtime suspend (their I/O
 * and memory enables are legacy VGA routing): it takes the entry and the
 * card stays active in D0.
 *
 * Usage: vfio_pci_pm_test [harness options] BDF
 */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

/* Runtime PM runs from a workqueue, and TCG is slow: wait this long. */
#define PM_DEADLINE_MS		5000
/* How long a device that must not suspend is watched. */
#define PM_HOLD_MS		1000
#define PM_POLL_MS		20

/* The flag bit after PROBE, which no uAPI defines. */
#define FEATURE_FLAG_UNKNOWN	(VFIO_DEVICE_FEATURE_PROBE << 1)

static const char *bdf;

/* ---- VFIO_DEVICE_FEATURE ---- */

/*
 * VFIO_DEVICE_FEATURE with @len bytes of @data after the header and an
 * argsz of @argsz (the real size when 0); 0 or -errno.
 */
static int feature_argsz(int fd, __u32 argsz, __u32 flags, const void *data, size_t len)
{
	__u64 buf[8] = { 0 };
	struct vfio_device_feature *f = (void *)buf;

	VFIO_ASSERT(sizeof(*f) + len <= sizeof(buf), "payload of %zu bytes", len);
	f->argsz = argsz ? argsz : sizeof(*f) + len;
	f->flags = flags;
	if (len)
		memcpy(f->data, data, len);
	return __vfio_ioctl(fd, VFIO_DEVICE_FEATURE, f);
}

static int feature_set(int fd, __u32 id)
{
	return feature_argsz(fd, 0, VFIO_DEVICE_FEATURE_SET | id, NULL, 0);
}

static int lp_entry(int fd)
{
	return feature_set(fd, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
}

static int lp_exit(int fd)
{
	return feature_set(fd, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);
}

static int lp_entry_wakeup_reserved(int fd, int efd, __u32 reserved)
{
	struct vfio_device_low_power_entry_with_wakeup entry = {
		.wakeup_eventfd = efd,
		.reserved = reserved,
	};

	return feature_argsz(fd, 0, VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
			     &entry, sizeof(entry));
}

static int lp_entry_wakeup(int fd, int efd)
{
	return lp_entry_wakeup_reserved(fd, efd, 0);
}

/* ---- sysfs facts ---- */

/* The first word of the device's sysfs attribute @attr; 0 or -errno. */
static int read_attr(const char *attr, char *buf, size_t len)
{
	char path[128], fmt[16];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	snprintf(fmt, sizeof(fmt), "%%%zus", len - 1);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ret = fscanf(f, fmt, buf) == 1 ? 0 : -EINVAL;
	fclose(f);
	return ret;
}

static bool attr_is(const char *attr, const char *want)
{
	char val[32] = "";

	return !read_attr(attr, val, sizeof(val)) && !strcmp(val, want);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* True once runtime_status reads @want, within @ms. */
static bool status_becomes(const char *want, int ms)
{
	long long end = now_ms() + ms;

	do {
		if (attr_is("power/runtime_status", want))
			return true;
		usleep(PM_POLL_MS * 1000);
	} while (now_ms() < end);
	return attr_is("power/runtime_status", want);
}

/* True when runtime_status reads @want all along for @ms. */
static bool status_stays(const char *want, int ms)
{
	long long end = now_ms() + ms;

	do {
		if (!attr_is("power/runtime_status", want))
			return false;
		usleep(PM_POLL_MS * 1000);
	} while (now_ms() < end);
	return true;
}

static bool is_vga_card(void)
{
	unsigned long class;

	return !vfio_sysfs_read_hex(bdf, "class", &class) && (class >> 8) == 0x0300;
}

/* ---- BAR mappings ---- */

static sigjmp_buf fault_jmp;
static int fault_armed;

static void on_sigbus(int sig)
{
	if (__atomic_load_n(&fault_armed, __ATOMIC_SEQ_CST))
		siglongjmp(fault_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read the word at @p; true when the read raised SIGBUS. */
static bool read_faults(const __u32 *p, __u32 *val)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	bool faulted = false;

	sigemptyset(&sa.sa_mask);
	VFIO_ASSERT(!sigaction(SIGBUS, &sa, &old), "sigaction");
	if (sigsetjmp(fault_jmp, 1)) {
		faulted = true;
	} else {
		__atomic_store_n(&fault_armed, 1, __ATOMIC_SEQ_CST);
		*val = vfio_mmio_read32(p);
	}
	__atomic_store_n(&fault_armed, 0, __ATOMIC_SEQ_CST);
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/* The first page of the first BAR that can be mapped, or NULL. */
static __u32 *map_first_bar(struct vfio_dev *dev, unsigned int *index)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vfio_region_info info;
	unsigned int i;
	void *p;

	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		if (__vfio_region_info(dev, i, &info) ||
		    !(info.flags & VFIO_REGION_INFO_FLAG_MMAP) || info.size < (__u64)page)
			continue;
		p = mmap(NULL, page, PROT_READ, MAP_SHARED, dev->fd, info.offset);
		if (p == MAP_FAILED)
			continue;
		*index = i;
		return p;
	}
	return NULL;
}

/* ---- the fixture ---- */

/*
 * What sysfs says about the device under test, taken before each test
 * (each runs in a process of its own) while nothing is in low power.
 */
static struct {
	char control[16];	/* power/control */
	bool pm_cap;		/* the function has a PM capability */
	bool vga;		/* a VGA-class card */
	__u16 vendor;		/* "vendor" */
} facts;

FIXTURE(vfio_pci_pm) {
	struct vfio_dev dev;
	char control[16];	/* facts.control, for the teardown in the parent */
};

FIXTURE_VARIANT(vfio_pci_pm) {
	unsigned long iommu_mode;
};

FIXTURE_VARIANT_ADD(vfio_pci_pm, type1v2) {
	.iommu_mode = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_VARIANT_ADD(vfio_pci_pm, iommufd) {
	.iommu_mode = VFIO_IOMMUFD,
};

FIXTURE_SETUP(vfio_pci_pm)
{
	unsigned long vendor;

	if (vfio_mode_missing(bdf, variant->iommu_mode))
		SKIP(return, "%s", vfio_mode_missing(bdf, variant->iommu_mode));
	facts.pm_cap = vfio_sysfs_cap(bdf, PCI_CAP_ID_PM) != 0;
	facts.vga = is_vga_card();
	ASSERT_EQ(0, vfio_sysfs_read_hex(bdf, "vendor", &vendor));
	facts.vendor = vendor;
	ASSERT_EQ(0, read_attr("power/control", facts.control, sizeof(facts.control)));
	memcpy(self->control, facts.control, sizeof(self->control));
	vfio_dev_open(&self->dev, bdf, variant->iommu_mode);
}

/*
 * In the parent, so that power/control is put back even when the test's
 * process died on a signal or exited early; the device fds went with it.
 */
FIXTURE_TEARDOWN_PARENT(vfio_pci_pm)
{
	char path[128];

	if (!self->control[0])
		return;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/control", bdf);
	if (!attr_is("power/control", self->control))
		vfio_write_file(path, self->control);
}

/*
 * Ours holds VGA-class cards active on purpose: the entry is taken, the
 * card stays in D0.  Stock lets them suspend like any device.
 */
static bool held_active(void)
{
	return !vfio_driver_is_stock() && facts.vga;
}

/* Runtime PM may suspend the device: power/control is "auto". */
static bool may_suspend(void)
{
	return !strcmp(facts.control, "auto");
}

/* Why runtime PM cannot suspend the device, for a SKIP; NULL if it can. */
static const char *never_suspends(void)
{
	static char why[96];

	if (may_suspend())
		return NULL;
	snprintf(why, sizeof(why), "%s: power/control is \"%s\": runtime PM never suspends it",
		 bdf, facts.control);
	return why;
}

/*
 * The device is suspended, and in D3hot when it has a PM capability;
 * without one the PCI core leaves it in D0 (the rig's platform has no
 * power control of its own for its devices).
 */
static void assert_low_power(struct __test_metadata *_metadata)
{
	char state[16] = "";

	ASSERT_TRUE(status_becomes("suspended", PM_DEADLINE_MS))
		TH_LOG("%s not runtime-suspended after %d ms", bdf, PM_DEADLINE_MS);
	ASSERT_EQ(0, read_attr("power_state", state, sizeof(state)));
	ASSERT_STREQ(facts.pm_cap ? "D3hot" : "D0", state);
}

/* The device is active and in D0, and stays so. */
static void assert_held_d0(struct __test_metadata *_metadata)
{
	char state[16] = "";

	ASSERT_TRUE(status_stays("active", PM_HOLD_MS))
		TH_LOG("%s left runtime PM's active state", bdf);
	ASSERT_EQ(0, read_attr("power_state", state, sizeof(state)));
	ASSERT_STREQ("D0", state);
}

static void write_control(struct __test_metadata *_metadata, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/control", bdf);
	ASSERT_EQ(0, vfio_write_file(path, val));
}

/* ---- 1. probes, sizes and flags ---- */

TEST_F(vfio_pci_pm, probe)
{
	static const __u32 ids[] = {
		VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
		VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		VFIO_DEVICE_FEATURE_LOW_POWER_EXIT,
	};
	int fd = self->dev.fd;

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		__u32 probe = VFIO_DEVICE_FEATURE_PROBE | ids[i];

		ASSERT_EQ(0, feature_argsz(fd, 0, probe | VFIO_DEVICE_FEATURE_SET, NULL, 0))
			TH_LOG("PROBE|SET of feature %u", ids[i]);
		/* SET only: a GET in the probe is refused. */
		ASSERT_EQ(-EINVAL, feature_argsz(fd, 0, probe | VFIO_DEVICE_FEATURE_GET, NULL, 0))
			TH_LOG("PROBE|GET of feature %u", ids[i]);
		ASSERT_EQ(-EINVAL, feature_argsz(fd, 0, probe | VFIO_DEVICE_FEATURE_GET |
						 VFIO_DEVICE_FEATURE_SET, NULL, 0))
			TH_LOG("PROBE|GET|SET of feature %u", ids[i]);
		/* A probe without GET or SET asks for nothing it could refuse. */
		ASSERT_EQ(0, feature_argsz(fd, 0, probe, NULL, 0))
			TH_LOG("PROBE of feature %u", ids[i]);
	}
}

/* The VF token is a PF's feature: this device has no SR-IOV. */
TEST_F(vfio_pci_pm, probe_vf_token_without_sriov)
{
	unsigned long vfs;

	if (!vfio_sysfs_read_hex(bdf, "sriov_totalvfs", &vfs))
		SKIP(return, "%s is an SR-IOV PF", bdf);
	ASSERT_EQ(-ENOTTY, feature_argsz(self->dev.fd, 0, VFIO_DEVICE_FEATURE_PROBE |
					 VFIO_DEVICE_FEATURE_SET |
					 VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, NULL, 0));
}

TEST_F(vfio_pci_pm, bad_argsz_and_flags)
{
	struct vfio_device_low_power_entry_with_wakeup entry = { .wakeup_eventfd = -1 };
	const __u32 hdr = sizeof(struct vfio_device_feature);
	const __u32 entry_id = VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
	const __u32 wake_id = VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP;
	int fd = self->dev.fd, efd = vfio_eventfd_new();

	/* The header itself is not covered. */
	ASSERT_EQ(-EINVAL, feature_argsz(fd, hdr - 1, VFIO_DEVICE_FEATURE_SET | entry_id,
					 NULL, 0));
	ASSERT_EQ(-EINVAL, feature_argsz(fd, hdr - 1, VFIO_DEVICE_FEATURE_PROBE |
					 VFIO_DEVICE_FEATURE_SET | entry_id, NULL, 0));
	/* The wakeup payload is not covered. */
	entry.wakeup_eventfd = efd;
	ASSERT_EQ(-EINVAL, feature_argsz(fd, hdr + sizeof(entry) - 1,
					 VFIO_DEVICE_FEATURE_SET | wake_id, &entry, sizeof(entry)));
	ASSERT_EQ(-EINVAL, feature_argsz(fd, hdr, VFIO_DEVICE_FEATURE_SET | wake_id,
					 &entry, sizeof(entry)));
	/* Neither GET nor SET; GET; both; a flag nobody defined. */
	ASSERT_EQ(-EINVAL, feature_argsz(fd, 0, entry_id, NULL, 0));
	ASSERT_EQ(-EINVAL, feature_argsz(fd, 0, VFIO_DEVICE_FEATURE_GET | entry_id, NULL, 0));
	ASSERT_EQ(-EINVAL, feature_argsz(fd, 0, VFIO_DEVICE_FEATURE_GET |
					 VFIO_DEVICE_FEATURE_SET | entry_id, NULL, 0));
	ASSERT_EQ(-EINVAL, feature_argsz(fd, 0, FEATURE_FLAG_UNKNOWN |
					 VFIO_DEVICE_FEATURE_SET | entry_id, NULL, 0));
	ASSERT_EQ(-EINVAL, feature_argsz(fd, 0, FEATURE_FLAG_UNKNOWN |
					 VFIO_DEVICE_FEATURE_SET |
					 VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0));
	ASSERT_EQ(-EINVAL, feature_argsz(fd, 0, VFIO_DEVICE_FEATURE_GET |
					 VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0));
	/* Nothing of the above entered low power: one entry is taken now. */
	ASSERT_EQ(0, lp_entry(fd));
	ASSERT_EQ(0, lp_exit(fd));
	/* A payload longer than the feature's is taken (its tail is not read). */
	ASSERT_EQ(0, feature_argsz(fd, hdr + 8, VFIO_DEVICE_FEATURE_SET | entry_id, &entry,
				   sizeof(entry)));
	ASSERT_EQ(0, lp_exit(fd));
	close(efd);
}

/* ---- 2. entry ---- */

static void entry_and_exit(struct __test_metadata *_metadata,
			   struct vfio_dev *dev, bool wakeup)
{
	int efd = vfio_eventfd_new();
	char state[16] = "";

	if (held_active()) {
		ASSERT_EQ(0, wakeup ? lp_entry_wakeup(dev->fd, efd) : lp_entry(dev->fd));
		assert_held_d0(_metadata);
		ASSERT_EQ(0, lp_exit(dev->fd));
		ASSERT_EQ(0, vfio_eventfd_wait(efd, 0));
		close(efd);
		return;
	}
	if (never_suspends())
		SKIP(return, "%s", never_suspends());
	ASSERT_TRUE(attr_is("power/runtime_status", "active"));
	ASSERT_EQ(0, wakeup ? lp_entry_wakeup(dev->fd, efd) : lp_entry(dev->fd));
	assert_low_power(_metadata);
	ASSERT_EQ(0, read_attr("power_state", state, sizeof(state)));
	TH_LOG("%s in low power: suspended, %s", bdf, state);
	/* The exit is an ioctl, which resumes the device: the eventfd fires once. */
	ASSERT_EQ(0, lp_exit(dev->fd));
	ASSERT_TRUE(status_stays("active", PM_HOLD_MS));
	ASSERT_EQ(0, read_attr("power_state", state, sizeof(state)));
	ASSERT_STREQ("D0", state);
	ASSERT_EQ(wakeup ? 1 : 0, vfio_eventfd_wait(efd, 0));
	ASSERT_EQ(facts.vendor, vfio_cfg_read(dev, PCI_VENDOR_ID, 2));
	close(efd);
}

TEST_F(vfio_pci_pm, entry_suspends)
{
	entry_and_exit(_metadata, &self->dev, false);
}

TEST_F(vfio_pci_pm, entry_with_wakeup_suspends)
{
	entry_and_exit(_metadata, &self->dev, true);
}

/* ---- 3. mappings while in low power ---- */

static void mmap_in_low_power(struct __test_metadata *_metadata,
			      struct vfio_dev *dev, bool wakeup)
{
	long page = sysconf(_SC_PAGESIZE);
	__u32 before = 0, val = 0;
	unsigned int index = 0;
	int efd = vfio_eventfd_new();
	__u16 cmd;
	__u32 *p;

	cmd = vfio_cfg_read(dev, PCI_COMMAND, 2);
	vfio_cfg_write(dev, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
	p = map_first_bar(dev, &index);
	if (!p)
		SKIP(return, "%s has no BAR that can be mapped", bdf);
	ASSERT_FALSE(read_faults(p, &before));

	ASSERT_EQ(0, wakeup ? lp_entry_wakeup(dev->fd, efd) : lp_entry(dev->fd));
	/* Mappings are off from the entry on, whether or not it suspended. */
	ASSERT_TRUE(read_faults(p, &val)) TH_LOG("BAR %u read %#x in low power", index, val);
	if (!held_active() && may_suspend()) {
		assert_low_power(_metadata);
		ASSERT_TRUE(read_faults(p, &val));
		/* A fault in the mapping is no access that wakes the device. */
		ASSERT_TRUE(attr_is("power/runtime_status", "suspended"));
	}
	ASSERT_EQ(0, vfio_eventfd_wait(efd, 0));

	ASSERT_EQ(0, lp_exit(dev->fd));
	ASSERT_FALSE(read_faults(p, &val));
	ASSERT_EQ(before, val) TH_LOG("BAR %u word 0", index);
	munmap(p, page);
	close(efd);
}

TEST_F(vfio_pci_pm, mmap_faults_in_low_power)
{
	mmap_in_low_power(_metadata, &self->dev, false);
}

TEST_F(vfio_pci_pm, mmap_faults_in_low_power_with_wakeup)
{
	mmap_in_low_power(_metadata, &self->dev, true);
}

/* ---- 4. region accesses while in low power, without wakeup ---- */

/*
 * A region access resumes the device for its duration; without a wakeup
 * eventfd the low power state goes on, and the device suspends again.
 */
TEST_F(vfio_pci_pm, region_read_in_low_power)
{
	ASSERT_EQ(0, lp_entry(self->dev.fd));
	if (held_active()) {
		ASSERT_EQ(facts.vendor, vfio_cfg_read(&self->dev, PCI_VENDOR_ID, 2));
		assert_held_d0(_metadata);
		ASSERT_EQ(0, lp_exit(self->dev.fd));
		return;
	}
	if (!may_suspend()) {
		ASSERT_EQ(0, lp_exit(self->dev.fd));
		SKIP(return, "%s", never_suspends());
	}
	assert_low_power(_metadata);
	ASSERT_EQ(facts.vendor, vfio_cfg_read(&self->dev, PCI_VENDOR_ID, 2));
	assert_low_power(_metadata);
	/* Twice: the first access did not end the low power state. */
	ASSERT_EQ(facts.vendor, vfio_cfg_read(&self->dev, PCI_VENDOR_ID, 2));
	assert_low_power(_metadata);
	ASSERT_EQ(0, lp_exit(self->dev.fd));
	ASSERT_TRUE(status_stays("active", PM_HOLD_MS));
}

/* ---- 5. wakeup ---- */

/*
 * Enter with a wakeup eventfd and let the device suspend; after @wake the
 * eventfd has fired once, the device stays active (no second entry without
 * the user asking) and its mappings work again.
 */
static void wakeup_by(struct __test_metadata *_metadata,
		      struct vfio_dev *dev,
		      void (*wake)(struct __test_metadata *_metadata,
				   struct vfio_dev *dev))
{
	int efd = vfio_eventfd_new();
	__u32 *p, val = 0;
	unsigned int index;

	p = map_first_bar(dev, &index);
	ASSERT_EQ(0, lp_entry_wakeup(dev->fd, efd));
	if (held_active()) {
		/* Never suspended, so no notification. */
		wake(_metadata, dev);
		ASSERT_EQ(0, vfio_eventfd_wait(efd, PM_HOLD_MS));
		assert_held_d0(_metadata);
		ASSERT_EQ(0, lp_exit(dev->fd));
		ASSERT_EQ(0, vfio_eventfd_wait(efd, 0));
		return;
	}
	if (!may_suspend()) {
		ASSERT_EQ(0, lp_exit(dev->fd));
		SKIP(return, "%s", never_suspends());
	}
	assert_low_power(_metadata);
	ASSERT_EQ(0, vfio_eventfd_wait(efd, 0));

	wake(_metadata, dev);
	ASSERT_EQ(1, vfio_eventfd_wait(efd, PM_DEADLINE_MS));
	ASSERT_TRUE(status_stays("active", PM_HOLD_MS))
		TH_LOG("%s suspended again after the wakeup", bdf);
	if (p)
		ASSERT_FALSE(read_faults(p, &val)) TH_LOG("BAR %u after the wakeup", index);
	/* The wakeup ended the low power state: exit has nothing left to do. */
	ASSERT_EQ(0, lp_exit(dev->fd));
	ASSERT_EQ(0, vfio_eventfd_wait(efd, 0));
	ASSERT_EQ(facts.vendor, vfio_cfg_read(dev, PCI_VENDOR_ID, 2));
	close(efd);
}

/* A region read through VFIO is an access that wakes the device. */
static void wake_region_read(struct __test_metadata *_metadata,
			     struct vfio_dev *dev)
{
	ASSERT_EQ(facts.vendor, vfio_cfg_read(dev, PCI_VENDOR_ID, 2));
}

/*
 * The host asks runtime PM for the device (power/control "on"), as a host
 * driver or tool would before touching it.
 */
static void wake_host_resume(struct __test_metadata *_metadata,
			     struct vfio_dev *dev)
{
	write_control(_metadata, "on");
}

/* Any ioctl is an access too. */
static void wake_ioctl(struct __test_metadata *_metadata,
		       struct vfio_dev *dev)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, __vfio_ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &info));
}

TEST_F(vfio_pci_pm, wakeup_by_region_read)
{
	wakeup_by(_metadata, &self->dev, wake_region_read);
}

TEST_F(vfio_pci_pm, wakeup_by_host_resume)
{
	wakeup_by(_metadata, &self->dev, wake_host_resume);
}

TEST_F(vfio_pci_pm, wakeup_by_ioctl)
{
	wakeup_by(_metadata, &self->dev, wake_ioctl);
}

/*
 * The host's config read through sysfs is no wakeup: the PCI core reads
 * the config space of a suspended device without resuming it (only
 * D3cold would need that).
 */
TEST_F(vfio_pci_pm, host_config_read_is_no_wakeup)
{
	unsigned char cfg[64];
	int efd = vfio_eventfd_new();

	ASSERT_EQ(0, lp_entry_wakeup(self->dev.fd, efd));
	if (held_active() || !may_suspend()) {
		ASSERT_EQ(0, lp_exit(self->dev.fd));
		if (held_active())
			return;
		SKIP(return, "%s", never_suspends());
	}
	assert_low_power(_metadata);
	ASSERT_EQ(sizeof(cfg), vfio_sysfs_read_config(bdf, cfg, sizeof(cfg)));
	ASSERT_EQ(facts.vendor, cfg[PCI_VENDOR_ID] | cfg[PCI_VENDOR_ID + 1] << 8);
	ASSERT_EQ(0, vfio_eventfd_wait(efd, PM_HOLD_MS));
	ASSERT_TRUE(attr_is("power/runtime_status", "suspended"));
	ASSERT_EQ(0, lp_exit(self->dev.fd));
	ASSERT_EQ(1, vfio_eventfd_wait(efd, 0));
	close(efd);
}

/*
 * A device that never suspended never notifies, whatever is accessed:
 * with power/control "on" runtime PM keeps it active.
 */
TEST_F(vfio_pci_pm, no_wakeup_without_suspend)
{
	int efd = vfio_eventfd_new();

	write_control(_metadata, "on");
	ASSERT_TRUE(status_becomes("active", PM_DEADLINE_MS));
	ASSERT_EQ(0, lp_entry_wakeup(self->dev.fd, efd));
	ASSERT_EQ(facts.vendor, vfio_cfg_read(&self->dev, PCI_VENDOR_ID, 2));
	ASSERT_EQ(0, lp_exit(self->dev.fd));
	ASSERT_EQ(0, vfio_eventfd_wait(efd, 200));
	/* Entry and exit right away. */
	ASSERT_EQ(0, lp_entry_wakeup(self->dev.fd, efd));
	ASSERT_EQ(0, lp_exit(self->dev.fd));
	ASSERT_EQ(0, vfio_eventfd_wait(efd, 200));
	ASSERT_TRUE(attr_is("power/runtime_status", "active"));
	close(efd);
}

/* ---- 6. misuse ---- */

/*
 * A second entry while the first holds is refused, in either form.  With
 * a wakeup eventfd the device must not suspend in between (the refused
 * call would be an access that wakes it, and end the first entry):
 * power/control "on" keeps it active.
 */
TEST_F(vfio_pci_pm, double_entry)
{
	int efd = vfio_eventfd_new();
	int fd = self->dev.fd;

	ASSERT_EQ(0, lp_entry(fd));
	ASSERT_EQ(-EINVAL, lp_entry(fd));
	ASSERT_EQ(-EINVAL, lp_entry_wakeup(fd, efd));
	ASSERT_EQ(0, lp_exit(fd));

	write_control(_metadata, "on");
	ASSERT_EQ(0, lp_entry_wakeup(fd, efd));
	ASSERT_EQ(-EINVAL, lp_entry(fd));
	ASSERT_EQ(-EINVAL, lp_entry_wakeup(fd, efd));
	ASSERT_EQ(0, lp_exit(fd));
	ASSERT_EQ(0, vfio_eventfd_wait(efd, 0));

	/* The refused entries changed nothing: one more round works. */
	ASSERT_EQ(0, lp_entry(fd));
	ASSERT_EQ(0, lp_exit(fd));
	ASSERT_EQ(facts.vendor, vfio_cfg_read(&self->dev, PCI_VENDOR_ID, 2));
	close(efd);
}

/*
 * Once the wakeup has ended a with-wakeup entry, a new entry is taken
 * (the call itself is the access that wakes the device), and the device
 * suspends again for it.
 */
TEST_F(vfio_pci_pm, entry_after_wakeup)
{
	int efd = vfio_eventfd_new();
	int fd = self->dev.fd;

	if (held_active()) {
		ASSERT_EQ(0, lp_entry_wakeup(fd, efd));
		ASSERT_EQ(-EINVAL, lp_entry(fd));
		ASSERT_EQ(0, lp_exit(fd));
		ASSERT_EQ(0, vfio_eventfd_wait(efd, 0));
		return;
	}
	if (never_suspends())
		SKIP(return, "%s", never_suspends());
	ASSERT_EQ(0, lp_entry_wakeup(fd, efd));
	assert_low_power(_metadata);
	ASSERT_EQ(0, lp_entry(fd));
	ASSERT_EQ(1, vfio_eventfd_wait(efd, 0));
	assert_low_power(_metadata);
	ASSERT_EQ(-EINVAL, lp_entry(fd));
	ASSERT_EQ(0, lp_exit(fd));
	ASSERT_EQ(0, vfio_eventfd_wait(efd, 0));
	close(efd);
}

/* LOW_POWER_EXIT is also the way out after a wakeup: it never fails. */
TEST_F(vfio_pci_pm, exit_without_entry)
{
	ASSERT_EQ(0, lp_exit(self->dev.fd));
	ASSERT_EQ(0, lp_exit(self->dev.fd));
	ASSERT_EQ(0, lp_entry(self->dev.fd));
	ASSERT_EQ(0, lp_exit(self->dev.fd));
	ASSERT_EQ(0, lp_exit(self->dev.fd));
}

TEST_F(vfio_pci_pm, wakeup_bad_fds)
{
	int fd = self->dev.fd, null_fd, closed_fd;

	ASSERT_EQ(-EINVAL, lp_entry_wakeup(fd, -1));
	ASSERT_EQ(-EINVAL, lp_entry_wakeup(fd, INT32_MIN));
	null_fd = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, null_fd);
	ASSERT_EQ(-EINVAL, lp_entry_wakeup(fd, null_fd));
	closed_fd = dup(null_fd);
	ASSERT_LE(0, closed_fd);
	close(closed_fd);
	ASSERT_EQ(-EBADF, lp_entry_wakeup(fd, closed_fd));
	/* Not in low power after all that. */
	ASSERT_EQ(0, lp_entry(fd));
	ASSERT_EQ(0, lp_exit(fd));
	close(null_fd);
}

/*
 * reserved must be zero: ours refuses anything else; stock does not look
 * at it (a documented difference).
 */
TEST_F(vfio_pci_pm, wakeup_reserved_nonzero)
{
	int efd = vfio_eventfd_new();
	int ret = lp_entry_wakeup_reserved(self->dev.fd, efd, 1);

	TH_LOG("reserved 1: %d", ret);
	if (vfio_driver_is_stock()) {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, lp_exit(self->dev.fd));
	} else {
		ASSERT_EQ(-EINVAL, ret);
		ASSERT_EQ(0, lp_entry(self->dev.fd));
		ASSERT_EQ(0, lp_exit(self->dev.fd));
	}
	close(efd);
}

/* ---- 7. close and reset in low power ---- */

static void close_in_low_power(struct __test_metadata *_metadata,
			       struct vfio_dev *dev, bool wakeup)
{
	int efd = vfio_eventfd_new();
	unsigned long mode = dev->mode;
	char state[16] = "";

	ASSERT_EQ(0, wakeup ? lp_entry_wakeup(dev->fd, efd) : lp_entry(dev->fd));
	if (!held_active() && may_suspend())
		assert_low_power(_metadata);
	vfio_dev_close(dev);
	TH_LOG("after close: eventfd %llu", (unsigned long long)vfio_eventfd_wait(efd, 0));

	vfio_dev_open(dev, bdf, mode);
	ASSERT_EQ(0, read_attr("power_state", state, sizeof(state)));
	ASSERT_STREQ("D0", state);
	ASSERT_TRUE(attr_is("power/runtime_status", "active"));
	ASSERT_EQ(facts.vendor, vfio_cfg_read(dev, PCI_VENDOR_ID, 2));
	/* A new open starts out of low power. */
	ASSERT_EQ(0, lp_entry(dev->fd));
	ASSERT_EQ(0, lp_exit(dev->fd));
	close(efd);
}

TEST_F(vfio_pci_pm, close_in_low_power)
{
	close_in_low_power(_metadata, &self->dev, false);
}

TEST_F(vfio_pci_pm, close_in_low_power_with_wakeup)
{
	close_in_low_power(_metadata, &self->dev, true);
}

/*
 * VFIO_DEVICE_RESET in low power resets the device (when it can be reset
 * at all) and leaves the low power state to the user.
 */
TEST_F(vfio_pci_pm, reset_in_low_power)
{
	bool suspends = !held_active() && may_suspend();
	bool has_reset = vfio_dev_has_reset(&self->dev);

	ASSERT_EQ(0, lp_entry(self->dev.fd));
	if (suspends)
		assert_low_power(_metadata);
	ASSERT_EQ(has_reset ? 0 : -EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_RESET, NULL));
	if (suspends)
		assert_low_power(_metadata);
	ASSERT_EQ(0, lp_exit(self->dev.fd));
	ASSERT_TRUE(attr_is("power/runtime_status", "active"));
	ASSERT_EQ(facts.vendor, vfio_cfg_read(&self->dev, PCI_VENDOR_ID, 2));
	ASSERT_EQ(0, lp_entry(self->dev.fd));
	ASSERT_EQ(0, lp_exit(self->dev.fd));
}

/*
 * A hot reset resumes every device it resets, a device in a low power
 * state included: another function of the set (the rig's GPU and its
 * audio function), in a low power state with a wakeup eventfd, is woken
 * by the hot reset of this one (its eventfd fires once it had suspended)
 * and is usable after it.
 */
TEST_F(vfio_pci_pm, hot_reset_wakes_a_member_in_low_power)
{
	struct vfio_pci_hot_reset_info info = { .argsz = sizeof(info) };
	const char *dev = bdf;
	struct vfio_dev h = self->dev;
	unsigned long vendor;
	char hda[32], drv[64];
	bool suspended;
	__u64 n = 0;
	int efd, ret;

	/* Another function of the set, bound to vfio-pci: the one to wake. */
	ret = __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info);
	if ((ret && ret != -ENOSPC) || !vfio_sysfs_bus_sibling(bdf, hda, sizeof(hda)) ||
	    vfio_sysfs_driver(hda, drv, sizeof(drv)) || strcmp(drv, "vfio-pci") ||
	    vfio_sysfs_read_hex(hda, "vendor", &vendor))
		SKIP(return, "no other function bound to vfio-pci shares the reset of %s", bdf);
	h.fd = vfio_dev_fd_beside(&self->dev, hda);
	ASSERT_LE(0, h.fd);
	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, lp_entry_wakeup(h.fd, efd));
	bdf = hda;		/* the sysfs helpers read the other function's */
	suspended = status_becomes("suspended", PM_DEADLINE_MS);
	bdf = dev;

	ret = vfio_hot_reset_self(&self->dev);
	if (ret == -ENOTTY) {
		close(h.fd);
		close(efd);
		SKIP(return, "the PCI core cannot reset the slot of %s (-ENOTTY)", bdf);
	}
	ASSERT_EQ(0, ret);
	TH_LOG("%s %s before the hot reset", hda, suspended ? "suspended" : "active");
	if (suspended)
		ASSERT_EQ((ssize_t)sizeof(n), read(efd, &n, sizeof(n)));
	ASSERT_EQ(vendor, vfio_cfg_read(&h, PCI_VENDOR_ID, 2));
	ASSERT_EQ(0, lp_exit(h.fd));
	close(h.fd);
	close(efd);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
