// SPDX-License-Identifier: GPL-2.0-only
/*
 * An MSI-X table that changes size under an enabled index.
 *
 * The Table Size in the MSI-X capability is the device's to report, and
 * some devices let their owner change it: an NVMe controller with SR-IOV
 * flexible resources takes interrupt resources (VIs) from its user with a
 * Virtualization Management command (Primary Controller Flexible
 * Allocation) and shows the new count in its Table Size at the next
 * function reset.  The user of the device through VFIO can do all of that
 * (admin queue in BAR0, VFIO_DEVICE_RESET), so SET_IRQS must hold whatever
 * the table says between two calls: vectors past those the index was
 * enabled with answer an error, never reach past the driver's own state.
 *
 *   grown_under_enabled_index  enable 1 vector of the smallest table, grow
 *                              the table to its full size: loopback and
 *                              eventfds past vector 0
 *   shrunk_under_enabled_index enable 4 vectors, shrink the table to 1
 *   grown_table_out_of_reach   the table grown since open, then enabled:
 *                              every entry of it out of pread's reach
 *   set_irqs_races_resize      the owner resizes and resets in one thread
 *                              while another makes SET_IRQS calls
 *
 * Usage: vfio_pci_msix_resize_test [harness options] BDF
 * BDF is an NVMe controller that accepts a flexible VI allocation (the
 * rig's 0000:05:00.0: QEMU's nvme with msix_qsize=32 and
 * sriov_vi_flexible=31, a table of 1 to 32 entries); anything else SKIPs
 * with the reason.  A device without a driver is bound to vfio-pci for
 * the run and unbound after; one bound to another driver is left alone
 * (SKIP).  Each test binds vfio-pci again first (see rebind()), and the
 * controller gets the allocation it had back after the run.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "vfio_nvme.h"
#include "kselftest_harness.h"

#define EFD_TRIGGER	(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define NONE_TRIGGER	(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)
#define BOOL_TRIGGER	(VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER)
#define MSIX		VFIO_PCI_MSIX_IRQ_INDEX

#define QUEUE_IOVA	0x400000ULL
#define FIRE_MS		3000
#define QUIET_MS	200
#define MAX_VECTORS	2048
/* The race: this many resizes, at most this long. */
#define RACE_RESIZES	16
#define RACE_SECONDS	90

#define NVME_CLASS	0x010802

static const char *bdf;
static bool bound_here;

/* The controller and what it said about its interrupt resources. */
struct pf {
	struct vfio_dev dev;
	struct vfio_nvme nvme;
	__u16 cntlid;
	unsigned int private;	/* VIPRT: the table with no flexible VI */
	unsigned int flexible;	/* the most flexible VIs the PF can take */
	unsigned int orig;	/* VIRFAP: allocated now */
};

FIXTURE(msix_resize) {
	struct pf pf;
};

FIXTURE_VARIANT(msix_resize) {
	unsigned long iommu_mode;
};

FIXTURE_VARIANT_ADD(msix_resize, type1v2) {
	.iommu_mode = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_VARIANT_ADD(msix_resize, iommufd) {
	.iommu_mode = VFIO_IOMMUFD,
};

static int set_efd(struct vfio_dev *dev, unsigned int start, int fd)
{
	return __vfio_set_irqs(dev, EFD_TRIGGER, MSIX, start, 1, &fd);
}

static int fire(struct vfio_dev *dev, unsigned int start, unsigned int count)
{
	return __vfio_set_irqs(dev, NONE_TRIGGER, MSIX, start, count, NULL);
}

static int fire_bool(struct vfio_dev *dev, unsigned int start, unsigned int count)
{
	static const __u8 ones[MAX_VECTORS] = { [0 ... MAX_VECTORS - 1] = 1 };

	return __vfio_set_irqs(dev, BOOL_TRIGGER, MSIX, start, count, ones);
}

static int disable(struct vfio_dev *dev)
{
	return __vfio_set_irqs(dev, NONE_TRIGGER, MSIX, 0, 0, NULL);
}

/*
 * Hand @nr flexible VIs to the PF, effective at its next function reset:
 * the NVMe status, or -errno when the controller could not be reached.
 */
static int allocate(struct pf *pf, unsigned int nr)
{
	int ret = __vfio_nvme_enable(&pf->nvme);

	if (ret)
		return ret;
	ret = vfio_nvme_virt_mgmt(&pf->nvme, NVME_VIRT_ACT_PRI_ALLOC,
				  NVME_VIRT_RT_VI, pf->cntlid, nr, NULL);
	__vfio_nvme_disable(&pf->nvme);
	return ret;
}

static int reset(struct pf *pf)
{
	return __vfio_ioctl(pf->dev.fd, VFIO_DEVICE_RESET, NULL);
}

/*
 * The owner's resize: allocate, reset; the new table size, as the device
 * shows it in sysfs.  (QEMU applies the allocation at a function reset
 * only, not at a controller reset through CC.EN.)
 */
static unsigned int resize(struct __test_metadata *_metadata, struct pf *pf,
			   unsigned int nr)
{
	ASSERT_EQ(0, allocate(pf, nr));
	ASSERT_EQ(0, reset(pf));
	ASSERT_EQ(pf->private + nr, vfio_sysfs_msix_count(bdf));
	return pf->private + nr;
}

/*
 * The PCI core sizes a device's MSI-X interrupt domain at the first enable
 * after a driver bound it, from the Table Size of that moment, and keeps
 * that size until the driver lets go: binding vfio-pci again gives each
 * test a domain that its own first enable sizes.
 */
static int rebind(void)
{
	char drv[64] = "";
	int ret;

	ret = vfio_sysfs_drv_write("vfio-pci", "unbind", bdf);
	if (ret)
		return ret;
	vfio_write_file("/sys/bus/pci/drivers_probe", bdf);
	vfio_sysfs_driver(bdf, drv, sizeof(drv));
	return strcmp(drv, "vfio-pci") ? -ENODEV : 0;
}

/*
 * Open the controller in @mode, bring it up and read its identity and
 * interrupt resources: 0, -errno when the host side failed, or the NVMe
 * status of a controller without Primary Controller Capabilities.
 */
static int pf_open(struct pf *pf, unsigned long mode)
{
	void *id;
	int ret;

	ret = __vfio_dev_open(&pf->dev, bdf, mode) ?:
	      __vfio_nvme_init(&pf->nvme, &pf->dev, QUEUE_IOVA) ?:
	      __vfio_nvme_enable(&pf->nvme) ?:
	      vfio_nvme_identify(&pf->nvme, NVME_ID_CNS_CTRL);
	if (ret)
		return ret > 0 ? -EIO : ret;
	id = vfio_nvme_data(&pf->nvme);
	pf->cntlid = vfio_nvme_le16(id, NVME_ID_CTRL_CNTLID);
	ret = vfio_nvme_identify(&pf->nvme, NVME_ID_CNS_PRI_CTRL_CAP);
	if (ret)
		return ret;
	pf->private = vfio_nvme_le16(id, NVME_PCC_VIPRT);
	pf->orig = vfio_nvme_le16(id, NVME_PCC_VIRFAP);
	pf->flexible = vfio_nvme_le32(id, NVME_PCC_VIFRT) - vfio_nvme_le32(id, NVME_PCC_VIRFA);
	return __vfio_nvme_disable(&pf->nvme);
}

static void pf_close(struct pf *pf)
{
	vfio_nvme_fini(&pf->nvme);
	vfio_dev_close(&pf->dev);
}

FIXTURE_SETUP(msix_resize)
{
	struct pf *pf = &self->pf;
	int ret;

	pf->dev.fd = -1;
	if (vfio_mode_missing(bdf, variant->iommu_mode))
		SKIP(return, "%s", vfio_mode_missing(bdf, variant->iommu_mode));
	ASSERT_EQ(0, rebind());
	ret = pf_open(pf, variant->iommu_mode);
	ASSERT_LE(0, ret);
	/* From here on, what the controller answers is its own business. */
	if (ret)
		SKIP(return, "no Primary Controller Capabilities (NVMe status %#x)", ret);
	if (!vfio_dev_has_reset(&pf->dev))
		SKIP(return, "%s has no function reset", bdf);
	if (!vfio_sysfs_msix_count(bdf))
		SKIP(return, "%s has no MSI-X", bdf);
	if (pf->flexible < 3 || pf->private + pf->flexible > MAX_VECTORS)
		SKIP(return, "%u private and %u flexible VIs: no room to resize",
		     pf->private, pf->flexible);
	ret = allocate(pf, pf->orig);
	ASSERT_LE(0, ret);
	if (ret)
		SKIP(return, "no flexible VI allocation (NVMe status %#x)", ret);
	TH_LOG("controller %u: %u private VIs, up to %u flexible, %u allocated",
	       pf->cntlid, pf->private, pf->flexible, pf->orig);
}

/*
 * Only when the test passed (6.12's harness skips a child-side teardown
 * after a failed ASSERT): main() gives the controller its allocation back.
 */
FIXTURE_TEARDOWN(msix_resize)
{
	if (self->pf.dev.fd >= 0)
		disable(&self->pf.dev);
	pf_close(&self->pf);
}

/*
 * One vector enabled on the smallest table, the table grown to its full
 * size by the owner's reset: GET_IRQ_INFO says the new size (both drivers
 * read it live), vector 0 still loops back, loopback past it reaches no
 * vector and answers 0 (stock has no vector state there and signals
 * nothing), and an eventfd past it is refused.
 */
TEST_F(msix_resize, grown_under_enabled_index)
{
	int efd = vfio_eventfd_new(), other = vfio_eventfd_new();
	struct pf *pf = &self->pf;
	struct vfio_irq_info info;
	unsigned int big;

	resize(_metadata, pf, 0);
	ASSERT_EQ(0, set_efd(&pf->dev, 0, efd));
	big = resize(_metadata, pf, pf->flexible);
	vfio_eventfd_wait(efd, 0);	/* the admin queue's completions */

	vfio_irq_info(&pf->dev, MSIX, &info);
	ASSERT_EQ(big, info.count);

	ASSERT_EQ(0, fire(&pf->dev, 0, 1));
	ASSERT_EQ(1, vfio_eventfd_wait(efd, FIRE_MS));

	/*
	 * 6.1's stock, without dynamic MSI-X, fails a loopback past the
	 * vectors enabled with -EINVAL, where ours and later stock have
	 * nothing to signal (stock-differences.txt).
	 */
	if (vfio_driver_is_stock() && !vfio_kernel_at_least(6, 2)) {
		ASSERT_EQ(-EINVAL, fire(&pf->dev, 1, big - 1));
		ASSERT_EQ(0, disable(&pf->dev));
		SKIP(goto out, "6.1's stock fails a loopback past the vectors enabled");
	}

	/* Past the enabled vector: nothing there to signal. */
	ASSERT_EQ(0, fire(&pf->dev, 1, big - 1));
	ASSERT_EQ(0, fire(&pf->dev, big - 1, 1));
	ASSERT_EQ(0, fire_bool(&pf->dev, 1, big - 1));
	ASSERT_EQ(0, vfio_eventfd_wait(efd, QUIET_MS));
	/* The whole table at once: vector 0 fires, once. */
	ASSERT_EQ(0, fire(&pf->dev, 0, big));
	ASSERT_EQ(1, vfio_eventfd_wait(efd, FIRE_MS));
	ASSERT_EQ(0, fire_bool(&pf->dev, 0, big));
	ASSERT_EQ(1, vfio_eventfd_wait(efd, FIRE_MS));

	/*
	 * An eventfd for a vector past the table the index was enabled with:
	 * -ERANGE from both drivers (stock asks the PCI core to add one,
	 * which refuses an index past the size its MSI-X domain took at the
	 * first enable; ours bounds the vector by that size itself).
	 */
	ASSERT_EQ(-ERANGE, set_efd(&pf->dev, 1, other));
	ASSERT_EQ(-ERANGE, set_efd(&pf->dev, big - 1, other));
	ASSERT_EQ(0, fire(&pf->dev, 0, big));
	ASSERT_EQ(1, vfio_eventfd_wait(efd, FIRE_MS));
	ASSERT_EQ(0, vfio_eventfd_wait(other, QUIET_MS));

	/* Detaching vector 0 and back is fine. */
	ASSERT_EQ(0, set_efd(&pf->dev, 0, -1));
	ASSERT_EQ(0, fire(&pf->dev, 0, big));
	ASSERT_EQ(0, vfio_eventfd_wait(efd, QUIET_MS));
	ASSERT_EQ(0, set_efd(&pf->dev, 0, efd));

	/*
	 * Disabled and enabled again: the PCI core's domain keeps its one
	 * vector until the device is bound again, so more fail (-ERANGE, the
	 * index stays disabled) and one works.  Before 6.2 the PCI core has
	 * no such domain and takes as many vectors as the table has at each
	 * enable: the grown table is all there, with either driver.
	 */
	ASSERT_EQ(0, disable(&pf->dev));
	ASSERT_EQ(-EINVAL, fire(&pf->dev, 0, 1));
	if (vfio_kernel_at_least(6, 2)) {
		ASSERT_EQ(-ERANGE, set_efd(&pf->dev, big - 1, other));
		ASSERT_EQ(-EINVAL, disable(&pf->dev));
	} else {
		ASSERT_EQ(0, set_efd(&pf->dev, big - 1, other));
		ASSERT_EQ(0, disable(&pf->dev));
	}
	ASSERT_EQ(0, set_efd(&pf->dev, 0, other));
	ASSERT_EQ(0, fire(&pf->dev, 0, big));
	ASSERT_EQ(1, vfio_eventfd_wait(other, FIRE_MS));
	ASSERT_EQ(0, disable(&pf->dev));
out:
	close(efd);
	close(other);
}

/*
 * The table as the device was opened with it (one entry), grown by the
 * owner, then MSI-X enabled: the PCI core writes the host's messages into
 * the grown table, so every entry of it is out of the user's reach
 * (all-ones to pread), not just the one entry measured at open.  Stock
 * measures the table at open only: it reads the grown entries.
 */
TEST_F(msix_resize, grown_table_out_of_reach)
{
	int efd = vfio_eventfd_new();
	struct pf *pf = &self->pf;
	unsigned char cfg[256];
	unsigned int pos, big, bir, i;
	__u32 table, val;

	resize(_metadata, pf, 0);
	pf_close(pf);
	ASSERT_EQ(0, pf_open(pf, variant->iommu_mode));
	ASSERT_EQ(pf->private, vfio_sysfs_msix_count(bdf));
	big = resize(_metadata, pf, pf->flexible);
	ASSERT_EQ(0, set_efd(&pf->dev, 0, efd));

	ASSERT_EQ((int)sizeof(cfg), vfio_sysfs_read_config(bdf, cfg, sizeof(cfg)));
	pos = vfio_cfg_find_cap(cfg, PCI_CAP_ID_MSIX);
	ASSERT_NE(0, pos);
	memcpy(&table, cfg + pos + PCI_MSIX_TABLE, sizeof(table));
	bir = table & PCI_MSIX_TABLE_BIR;
	for (i = 0; i < big; i++) {
		__u64 off = (table & PCI_MSIX_TABLE_OFFSET) + i * PCI_MSIX_ENTRY_SIZE;

		ASSERT_EQ(4, __vfio_region_read(&pf->dev, bir, off + PCI_MSIX_ENTRY_VECTOR_CTRL,
						&val, 4));
		if (vfio_driver_is_stock() && i >= pf->private)
			continue;	/* stock reads the device's entry */
		ASSERT_EQ(~0U, val) TH_LOG("entry %u of %u reads %#x", i, big, val);
	}
	ASSERT_EQ(0, disable(&pf->dev));
	close(efd);
}

/*
 * Four vectors enabled on the full table, the table shrunk to one: the
 * range check follows the table (stock: -EINVAL past it), vector 0 still
 * loops back, and the index disables cleanly, the vectors past the table
 * included.
 */
TEST_F(msix_resize, shrunk_under_enabled_index)
{
	int efd[4], other = vfio_eventfd_new();
	struct pf *pf = &self->pf;
	struct vfio_irq_info info;
	unsigned int small, i;

	for (i = 0; i < 4; i++)
		efd[i] = vfio_eventfd_new();
	resize(_metadata, pf, pf->flexible);
	ASSERT_EQ(0, __vfio_set_irqs(&pf->dev, EFD_TRIGGER, MSIX, 0, 4, efd));
	ASSERT_EQ(0, fire(&pf->dev, 0, 4));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(1, vfio_eventfd_wait(efd[i], FIRE_MS));

	small = resize(_metadata, pf, 0);
	vfio_eventfd_wait(efd[0], 0);
	vfio_irq_info(&pf->dev, MSIX, &info);
	ASSERT_EQ(small, info.count);

	ASSERT_EQ(0, fire(&pf->dev, 0, small));
	ASSERT_EQ(1, vfio_eventfd_wait(efd[0], FIRE_MS));
	ASSERT_EQ(-EINVAL, fire(&pf->dev, 0, 4));
	ASSERT_EQ(-EINVAL, fire_bool(&pf->dev, small, 1));
	ASSERT_EQ(-EINVAL, set_efd(&pf->dev, 3, other));
	ASSERT_EQ(-EINVAL, set_efd(&pf->dev, 3, -1));
	for (i = 1; i < 4; i++)
		ASSERT_EQ(0, vfio_eventfd_wait(efd[i], QUIET_MS));

	ASSERT_EQ(0, disable(&pf->dev));
	ASSERT_EQ(-EINVAL, fire(&pf->dev, 0, 1));
	ASSERT_EQ(0, set_efd(&pf->dev, 0, other));
	ASSERT_EQ(0, fire(&pf->dev, 0, 1));
	ASSERT_EQ(1, vfio_eventfd_wait(other, FIRE_MS));
	ASSERT_EQ(0, disable(&pf->dev));
	for (i = 0; i < 4; i++)
		close(efd[i]);
	close(other);
}

/* ---- SET_IRQS against the owner's own resize and reset ---- */

enum race_op { RACE_ENABLE, RACE_FIRE, RACE_BOOL, RACE_EFD, RACE_DISABLE, RACE_NR };

static const char *const race_names[RACE_NR] = {
	"enable", "loopback", "bool loopback", "eventfd", "disable",
};

struct race {
	struct pf *pf;
	bool done;
	int resizes, resize_err, reset_err;
	/* results[op][0]: 0; [1] -EINVAL; [2] -ERANGE; [3] anything else */
	unsigned long results[RACE_NR][4];
	int other_errno[RACE_NR];
};

/* The owner: flip between the smallest and the largest table. */
static void *resizer(void *arg)
{
	struct race *r = arg;
	time_t end = time(NULL) + RACE_SECONDS;
	int ret;

	for (int i = 0; i < RACE_RESIZES && time(NULL) < end; i++) {
		ret = allocate(r->pf, i % 2 ? 0 : r->pf->flexible);
		if (ret && !r->resize_err)
			r->resize_err = ret;
		ret = reset(r->pf);
		if (ret && !r->reset_err)
			r->reset_err = ret;
		r->resizes++;
	}
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* @efds: one eventfd per vector (irq bypass wants a token per vector). */
static int race_call(struct vfio_dev *dev, enum race_op op, unsigned int max,
		     unsigned int *seed, const int *efds)
{
	unsigned int start = rand_r(seed) % max;
	unsigned int count = 1 + rand_r(seed) % (max - start);
	int fds[MAX_VECTORS];

	switch (op) {
	case RACE_ENABLE:
		memcpy(fds, efds, count * sizeof(*fds));
		return __vfio_set_irqs(dev, EFD_TRIGGER, MSIX, 0, count, fds);
	case RACE_FIRE:
		return fire(dev, start, count);
	case RACE_BOOL:
		return fire_bool(dev, start, count);
	case RACE_EFD:
		return set_efd(dev, start, rand_r(seed) % 2 ? efds[start] : -1);
	default:
		return disable(dev);
	}
}

/*
 * Every call comes back, with 0 or an errno that says what was wrong with
 * it at that moment: -EINVAL past the table or the enabled vectors, or
 * for loopback on a disabled index; -ERANGE for vectors past the size the
 * PCI core's MSI-X domain took at the first enable.  Vectors anywhere in
 * the largest table, so that the range check passes whenever the table
 * is large, whatever the index was enabled with.
 */
TEST_F_TIMEOUT(msix_resize, set_irqs_races_resize, RACE_SECONDS + 60)
{
	struct pf *pf = &self->pf;
	unsigned int max = pf->private + pf->flexible, seed = 1;
	struct race r = { .pf = pf };
	unsigned long calls = 0;
	int efds[MAX_VECTORS];
	pthread_t t;
	int ret;

	for (unsigned int i = 0; i < max; i++)
		efds[i] = vfio_eventfd_new();
	resize(_metadata, pf, pf->flexible);
	ASSERT_EQ(0, pthread_create(&t, NULL, resizer, &r));
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) {
		enum race_op op = rand_r(&seed) % RACE_NR;

		ret = race_call(&pf->dev, op, max, &seed, efds);

		if (!ret) {
			r.results[op][0]++;
		} else if (ret == -EINVAL) {
			r.results[op][1]++;
		} else if (ret == -ERANGE) {
			r.results[op][2]++;
		} else {
			r.results[op][3]++;
			r.other_errno[op] = -ret;
		}
		calls++;
	}
	pthread_join(t, NULL);

	TH_LOG("%d resizes, %lu calls", r.resizes, calls);
	for (int op = 0; op < RACE_NR; op++)
		TH_LOG("%-13s ok %lu, EINVAL %lu, ERANGE %lu, other %lu (errno %d)",
		       race_names[op], r.results[op][0], r.results[op][1],
		       r.results[op][2], r.results[op][3], r.other_errno[op]);
	ASSERT_EQ(0, r.resize_err);
	ASSERT_EQ(0, r.reset_err);
	for (int op = 0; op < RACE_NR; op++) {
		ASSERT_EQ(0, r.results[op][3])
			TH_LOG("%s: errno %d", race_names[op], r.other_errno[op]);
	}

	/* Still a working index afterwards (enabled or not, as the race left it). */
	ret = disable(&pf->dev);
	ASSERT_TRUE(ret == 0 || ret == -EINVAL);
	vfio_eventfd_wait(efds[0], 0);
	ASSERT_EQ(0, set_efd(&pf->dev, 0, efds[0]));
	ASSERT_EQ(0, fire(&pf->dev, 0, 1));
	ASSERT_EQ(1, vfio_eventfd_wait(efds[0], FIRE_MS));
	ASSERT_EQ(0, disable(&pf->dev));
	for (unsigned int i = 0; i < max; i++)
		close(efds[i]);
}

/* ---- the device for the run ---- */

/* A driverless device goes to vfio-pci for the run; others stay put. */
static void take_device(void)
{
	char drv[64];

	if (!vfio_sysfs_driver(bdf, drv, sizeof(drv)))
		return;
	if (vfio_sysfs_dev_write(bdf, "driver_override", "vfio-pci") ||
	    vfio_write_file("/sys/bus/pci/drivers_probe", bdf))
		return;
	bound_here = true;
}

static void give_back_device(void)
{
	if (!bound_here)
		return;
	vfio_sysfs_drv_write("vfio-pci", "unbind", bdf);
	vfio_sysfs_dev_write(bdf, "driver_override", "\n");
}

static int skip_all(const char *why, const char *what)
{
	printf("TAP version 13\n1..0 # SKIP %s %s %s\n", bdf, why, what);
	return 4;	/* KSFT_SKIP */
}

/*
 * The flexible VIs the controller had before the run, given back after
 * it: the tests leave whatever they last allocated, or fail half-way.
 */
static int allocation_as_found = -1;

static void note_allocation(void)
{
	struct pf pf = {};

	if (!pf_open(&pf, VFIO_TYPE1v2_IOMMU))
		allocation_as_found = pf.orig;
	pf_close(&pf);
}

static void restore_allocation(void)
{
	struct pf pf = {};
	int ret;

	if (allocation_as_found < 0)
		return;
	ret = pf_open(&pf, VFIO_TYPE1v2_IOMMU) ?: allocate(&pf, allocation_as_found) ?:
	      reset(&pf);
	if (ret)
		printf("# %s: %d flexible VIs not given back: %d\n", bdf,
		       allocation_as_found, ret);
	pf_close(&pf);
}

/* test_harness_run() exits: the harness's own process cleans up at exit. */
static pid_t harness_pid;

static void after_run(void)
{
	if (getpid() != harness_pid)
		return;
	restore_allocation();
	give_back_device();
}

int main(int argc, char *argv[])
{
	unsigned long class = 0;
	char drv[64] = "";

	bdf = vfio_selftests_get_bdf(&argc, argv);
	vfio_sysfs_read_hex(bdf, "class", &class);
	if (class != NVME_CLASS)
		return skip_all("is not", "an NVMe controller");
	take_device();
	vfio_sysfs_driver(bdf, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci")) {
		give_back_device();
		return skip_all("is bound to", drv[0] ? drv : "no driver");
	}
	note_allocation();
	harness_pid = getpid();
	atexit(after_run);
	return test_harness_run(argc, argv);
}
