// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resets: VFIO_DEVICE_RESET, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
 * VFIO_DEVICE_PCI_HOT_RESET and its proof rules, the reset of a device set
 * when its last device is released, and resets racing with other users.
 * The fixture's tests run in both IOMMU modes: through the group, where
 * the info lists group ids and the proof is group fds, and through the
 * cdev, where the info lists dev-ids and the proof is the caller's
 * iommufd (an empty group fd array).
 *
 * Usage: vfio_pci_reset_test [harness options] BDF
 * Observing a reset: the intel-hda function's WAKEEN register (BAR0 +
 * 0x0c) keeps what is written to it until the function is reset; so does
 * virtio's device status (modern common config, BAR4 + 0x14).  A reset
 * leaves the HDA controller itself in reset (GCTL.CRST clear), and it
 * then ignores register writes: hda_write_wakeen() brings it out first.
 */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define HDA_GCTL		0x08
#define HDA_GCTL_CRST		0x1
#define HDA_WAKEEN		0x0c
#define VIRTIO_STATUS		0x14

static const char *bdf;

/* The raw argument, for the malformed ones. */
struct hot_reset {
	struct vfio_pci_hot_reset hdr;
	__s32 fds[8];
};

static int hot_reset(int fd, const __s32 *fds, unsigned int count)
{
	return __vfio_hot_reset(fd, fds, count);
}

/* Hot reset info into @buf; returns 0 or -errno (hdr.count is set either way). */
static int reset_info(int fd, struct vfio_pci_hot_reset_info *buf, size_t size)
{
	memset(buf, 0, size);
	buf->argsz = size;
	return __vfio_ioctl(fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, buf);
}

static bool is_device(const char *b, unsigned long vendor, unsigned long device)
{
	unsigned long v, d;

	return !vfio_sysfs_read_hex(b, "vendor", &v) && !vfio_sysfs_read_hex(b, "device", &d) &&
	       v == vendor && d == device;
}

/*
 * Another function on @bdf's bus that @fd's hot reset resets too and that
 * is bound to vfio-pci, into @buf: the companion the set tests need.
 */
static bool reset_sibling(int fd, char *buf, size_t len)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} info;
	char drv[64];

	return !reset_info(fd, &info.hdr, sizeof(info)) && info.hdr.count > 1 &&
	       vfio_sysfs_bus_sibling(bdf, buf, len) &&
	       !vfio_sysfs_driver(buf, drv, sizeof(drv)) && !strcmp(drv, "vfio-pci");
}

static int bar_read16(struct vfio_dev *dev, unsigned int bar, __u64 off, __u16 *v)
{
	return __vfio_region_read(dev, bar, off, v, 2) == 2 ? 0 : -EIO;
}

static int bar_write16(struct vfio_dev *dev, unsigned int bar, __u64 off, __u16 v)
{
	return __vfio_region_write(dev, bar, off, &v, 2) == 2 ? 0 : -EIO;
}

static void enable_memory(struct vfio_dev *dev)
{
	__u16 cmd = vfio_cfg_read(dev, PCI_COMMAND, 2);

	vfio_cfg_write(dev, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
}

/*
 * Leave controller reset, then write WAKEEN; 0, the region access's
 * -errno, or -ETIMEDOUT when CRST does not read back set within 100 ms.
 */
static int hda_write_wakeen(struct vfio_dev *dev, __u16 v)
{
	__u32 gctl = HDA_GCTL_CRST;
	ssize_t n;

	n = __vfio_region_write(dev, 0, HDA_GCTL, &gctl, 4);
	if (n != 4)
		return n < 0 ? n : -EIO;
	for (int i = 0; i < 100; i++) {
		n = __vfio_region_read(dev, 0, HDA_GCTL, &gctl, 4);
		if (n != 4)
			return n < 0 ? n : -EIO;
		if (gctl & HDA_GCTL_CRST)
			return bar_write16(dev, 0, HDA_WAKEEN, v);
		usleep(1000);
	}
	return -ETIMEDOUT;
}

FIXTURE(reset) {
	struct vfio_dev dev;
};

FIXTURE_VARIANT(reset) {
	unsigned long iommu_mode;
};

FIXTURE_VARIANT_ADD(reset, type1v2) {
	.iommu_mode = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_VARIANT_ADD(reset, iommufd) {
	.iommu_mode = VFIO_IOMMUFD,
};

FIXTURE_SETUP(reset)
{
	if (vfio_mode_missing(bdf, variant->iommu_mode))
		SKIP(return, "%s", vfio_mode_missing(bdf, variant->iommu_mode));
	vfio_dev_open(&self->dev, bdf, variant->iommu_mode);
}

FIXTURE_TEARDOWN(reset)
{
	vfio_dev_close(&self->dev);
}

TEST_F(reset, info_argsz)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} buf;
	const size_t minsz = sizeof(buf.hdr);
	int ret;

	ret = reset_info(self->dev.fd, &buf.hdr, minsz - 1);
	ASSERT_EQ(-EINVAL, ret);

	ret = reset_info(self->dev.fd, &buf.hdr, minsz);
	if (ret == -ENODEV)
		SKIP(return, "no slot or bus reset for %s", bdf);
	ASSERT_EQ(-ENOSPC, ret);
	ASSERT_LE(1, buf.hdr.count);

	ret = reset_info(self->dev.fd, &buf.hdr, sizeof(buf));
	ASSERT_EQ(0, ret);
	ASSERT_LE(1, buf.hdr.count);
	if (self->dev.mode == VFIO_IOMMUFD) {
		ASSERT_TRUE(buf.hdr.flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID);
		ASSERT_EQ(0, buf.hdr.flags & ~(VFIO_PCI_HOT_RESET_FLAG_DEV_ID |
					       VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED));
	} else {
		ASSERT_EQ(0, buf.hdr.flags);
	}
}

/*
 * The devices listed are the ones sharing the reset, with their groups;
 * or, from the cdev, with their dev-ids: the caller's own id, OWNED for a
 * vfio-pci device of the caller's IOMMU group (owned with it, not bound
 * itself), NOT_OWNED for any other (nothing else is bound to this test's
 * iommufd), and DEV_ID_OWNED exactly when none is NOT_OWNED.
 */
TEST_F(reset, info_lists_affected_devices)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} buf;
	bool self_listed = false, all_owned = true;
	unsigned int dom, bus, dev, fn;
	int ret, fields;

	fields = sscanf(bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn);
	ASSERT_EQ(4, fields);
	ret = reset_info(self->dev.fd, &buf.hdr, sizeof(buf));
	if (ret == -ENODEV) {
		/* Only devices on a root bus lack both resets in the rig. */
		ASSERT_EQ(0, bus) TH_LOG("-ENODEV off the root bus");
		SKIP(return, "root-bus device: no slot or bus reset (-ENODEV)");
	}
	ASSERT_EQ(0, ret);
	for (__u32 i = 0; i < buf.hdr.count; i++) {
		struct vfio_pci_dependent_device *d = &buf.devs[i];
		char other[VFIO_BDF_LEN];

		snprintf(other, sizeof(other), "%04x:%02x:%02x.%x", d->segment, d->bus,
			 d->devfn >> 3, d->devfn & 7);
		if (!strcmp(other, bdf))
			self_listed = true;
		if (self->dev.mode != VFIO_IOMMUFD) {
			TH_LOG("%s: affects %s (group %u)", bdf, other, d->group_id);
			ASSERT_EQ(vfio_sysfs_group(other), (int)d->group_id);
			continue;
		}
		TH_LOG("%s: affects %s (dev-id %d)", bdf, other, (int)d->devid);
		if (!strcmp(other, bdf)) {
			ASSERT_EQ(self->dev.devid, d->devid);
		} else {
			char drv[32] = "";
			bool owned = vfio_sysfs_group(other) == self->dev.group &&
				     !vfio_sysfs_driver(other, drv, sizeof(drv)) &&
				     !strcmp(drv, "vfio-pci");

			ASSERT_EQ(owned ? VFIO_PCI_DEVID_OWNED : VFIO_PCI_DEVID_NOT_OWNED,
				  (int)d->devid);
		}
		if ((int)d->devid == VFIO_PCI_DEVID_NOT_OWNED)
			all_owned = false;
	}
	ASSERT_TRUE(self_listed);
	if (self->dev.mode == VFIO_IOMMUFD)
		ASSERT_EQ(all_owned, !!(buf.hdr.flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED));
	/* The GPU and its audio function go together. */
	if (bus == 1 && dev == 0)
		ASSERT_EQ(2, buf.hdr.count);
}

TEST_F(reset, hot_reset_bad_input)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} info;
	struct hot_reset r = {};
	__s32 fds[8];
	int devnull, ret;

	ret = reset_info(self->dev.fd, &info.hdr, sizeof(info));
	fds[0] = self->dev.group_fd;
	if (ret == -ENODEV) {
		ASSERT_EQ(-ENODEV, vfio_hot_reset_self(&self->dev));
		SKIP(return, "no slot or bus reset for %s", bdf);
	}
	ASSERT_EQ(0, ret);

	if (self->dev.mode == VFIO_IOMMUFD) {
		/*
		 * From the cdev the proof is the iommufd: any group fd
		 * array is refused unread (even a closed fd: -EINVAL, not
		 * -EBADF), and so are flags and a short argsz.
		 */
		devnull = open("/dev/null", O_RDWR);
		fds[0] = devnull;
		ASSERT_EQ(-EINVAL, hot_reset(self->dev.fd, fds, 1));
		fds[0] = 1000;
		ASSERT_EQ(-EINVAL, hot_reset(self->dev.fd, fds, 1));
		close(devnull);
		r.hdr.argsz = sizeof(r.hdr) - 1;
		ASSERT_EQ(-EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET, &r));
		r.hdr.argsz = sizeof(r.hdr);
		r.hdr.flags = 1;
		ASSERT_EQ(-EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET, &r));
		return;
	}

	/* argsz below the header, flags, no fds, more fds than devices. */
	r.hdr.argsz = sizeof(r.hdr) - 1;
	r.hdr.count = 1;
	r.fds[0] = self->dev.group_fd;
	ASSERT_EQ(-EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET, &r));
	r.hdr.argsz = sizeof(r.hdr) + sizeof(__s32);
	r.hdr.flags = 1;
	ASSERT_EQ(-EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET, &r));
	/*
	 * count 1 but argsz leaves no room for it: ours never reads
	 * past argsz; stock reads the fd anyway (and resets).
	 */
	r.hdr.flags = 0;
	r.hdr.argsz = sizeof(r.hdr);
	ret = __vfio_ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET, &r);
	ASSERT_TRUE(vfio_driver_is_stock() ? ret == 0 || ret == -ENOTTY :
					     ret == -EINVAL) TH_LOG("got %d", ret);
	ASSERT_EQ(-EINVAL, hot_reset(self->dev.fd, fds, 0));
	for (unsigned int i = 0; i <= info.hdr.count && i < 8; i++)
		fds[i] = self->dev.group_fd;
	ASSERT_EQ(-EINVAL, hot_reset(self->dev.fd, fds, info.hdr.count + 1));

	/* A closed fd, and an open fd that is no VFIO group. */
	fds[0] = 1000;
	ASSERT_EQ(-EBADF, hot_reset(self->dev.fd, fds, 1));
	devnull = open("/dev/null", O_RDWR);
	fds[0] = devnull;
	ASSERT_EQ(-EINVAL, hot_reset(self->dev.fd, fds, 1));
	fds[0] = self->dev.container_fd;
	ASSERT_EQ(-EINVAL, hot_reset(self->dev.fd, fds, 1));
	close(devnull);
}

/* A group that is not the device's own is no proof. */
TEST_F(reset, hot_reset_unrelated_group)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} info;
	struct vfio_dev odev;
	char other[32];
	__s32 fd;

	if (self->dev.mode == VFIO_IOMMUFD)
		SKIP(return, "iommufd mode: no group fds (hot_reset_bad_input refuses any)");
	if (reset_info(self->dev.fd, &info.hdr, sizeof(info)))
		SKIP(return, "no slot or bus reset for %s", bdf);
	if (!vfio_sysfs_unrelated_vfio_dev(bdf, other, sizeof(other)))
		SKIP(return, "no device of another group and bus bound to vfio-pci");
	ASSERT_EQ(0, __vfio_dev_open(&odev, other, VFIO_TYPE1v2_IOMMU));
	fd = odev.group_fd;
	ASSERT_EQ(-EINVAL, hot_reset(self->dev.fd, &fd, 1));
	vfio_dev_close(&odev);
}

/*
 * The right group fd: the reset happens, and where another function on the
 * bus is an intel-hda controller, it is observable there (WAKEEN clears).
 */
TEST_F(reset, hot_reset_with_proof)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} info;
	char hda[32];
	int hda_fd = -1, ret;
	__u16 v;

	if (reset_info(self->dev.fd, &info.hdr, sizeof(info)))
		SKIP(return, "no slot or bus reset for %s", bdf);

	if (reset_sibling(self->dev.fd, hda, sizeof(hda)) && is_device(hda, 0x8086, 0x2668)) {
		struct vfio_dev h = self->dev;

		hda_fd = vfio_dev_fd_beside(&self->dev, hda);
		ASSERT_LE(0, hda_fd) TH_LOG("%s beside %s: %d", hda, bdf, hda_fd);
		h.fd = hda_fd;
		enable_memory(&h);
		ASSERT_EQ(0, hda_write_wakeen(&h, 0x5));
		ASSERT_EQ(0, bar_read16(&h, 0, HDA_WAKEEN, &v));
		ASSERT_EQ(0x5, v);
	}

	ret = vfio_hot_reset_self(&self->dev);
	if (ret == -ENOTTY) {
		if (hda_fd >= 0)
			close(hda_fd);
		/* Both drivers: the PCI core's slot reset fails on this port. */
		SKIP(return, "the PCI core cannot reset the slot of %s (-ENOTTY)", bdf);
	}
	ASSERT_EQ(0, ret);

	if (hda_fd >= 0) {
		struct vfio_dev h = self->dev;

		h.fd = hda_fd;
		enable_memory(&h);
		ASSERT_EQ(0, bar_read16(&h, 0, HDA_WAKEEN, &v));
		ASSERT_EQ(0, v) TH_LOG("WAKEEN survived the hot reset");
		close(hda_fd);
	}
}

/*
 * A function the reset would touch that is not bound to vfio-pci blocks it
 * (the GPU's audio function left with no driver, here).
 */
TEST_F(reset, hot_reset_blocked_by_foreign_function)
{
	char path[160], sib[32];
	int ret;

	if (!reset_sibling(self->dev.fd, sib, sizeof(sib)))
		SKIP(return, "no other function bound to vfio-pci shares the reset of %s", bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", sib);
	if (vfio_write_file(path, sib))
		SKIP(return, "cannot unbind %s", sib);

	ret = vfio_hot_reset_self(&self->dev);

	/* Give the function back before asserting anything. */
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/vfio-pci/bind");
	ASSERT_EQ(0, vfio_write_file(path, sib));
	ASSERT_EQ(-EINVAL, ret);

	/* Ours says which device blocks the reset, and why. */
	if (!vfio_driver_is_stock()) {
		snprintf(path, sizeof(path),
			 "dmesg | grep -q '%s: hot reset refused: %s shares the reset but is not bound'",
			 bdf, sib);
		ASSERT_EQ(0, system(path));
	}
}

/* Bind @dev to the driver @drv through driver_override; 0 or -errno. */
static int rebind(const char *dev, const char *drv)
{
	char path[160];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", dev);
	vfio_write_file(path, dev);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", dev);
	ret = vfio_write_file(path, drv);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", drv);
	return vfio_write_file(path, dev);
}

/*
 * A member of the set that belongs to another VFIO driver (the test
 * driver vfio-pci-foreign, test_modules/; a vfio-pci-core variant driver
 * in real life) blocks the hot reset with -EINVAL, as a device bound to a
 * non-VFIO driver does, is reported NOT_OWNED from the cdev, and is never
 * taken for one of vfio-pci's own devices: the debug kernel's KASAN sees
 * an access through a wrong container_of() (the foreign device structure
 * is small).  Stock assumes every member is a vfio-pci-core device, which
 * this driver is not: it skips.
 */
TEST_F(reset, hot_reset_blocked_by_foreign_vfio_member)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} info;
	char cmd[256], sib[32];
	int ret, info_ret;

	if (!reset_sibling(self->dev.fd, sib, sizeof(sib)))
		SKIP(return, "no other function bound to vfio-pci shares the reset of %s", bdf);
	if (vfio_driver_is_stock())
		SKIP(return, "stock takes every set member for a vfio-pci-core device");
	if (access("/sys/bus/pci/drivers/vfio-pci-foreign", F_OK))
		SKIP(return, "no vfio-pci-foreign test driver (test_modules/vfio_pci_foreign.ko)");
	ret = rebind(sib, "vfio-pci-foreign");
	if (ret) {
		ASSERT_EQ(0, rebind(sib, "vfio-pci"));
		SKIP(return, "cannot bind %s to vfio-pci-foreign (%d)", sib, ret);
	}

	info_ret = reset_info(self->dev.fd, &info.hdr, sizeof(info));
	ret = vfio_hot_reset_self(&self->dev);

	/* Give the function back to vfio-pci before asserting anything. */
	ASSERT_EQ(0, rebind(sib, "vfio-pci"));
	ASSERT_EQ(-EINVAL, ret);
	ASSERT_EQ(0, info_ret);
	if (self->dev.mode == VFIO_IOMMUFD) {
		unsigned int dom, bus, slot, fn;
		int n = sscanf(sib, "%x:%x:%x.%x", &dom, &bus, &slot, &fn);

		ASSERT_EQ(4, n);
		for (__u32 i = 0; i < info.hdr.count; i++)
			if (info.devs[i].devfn == ((slot << 3) | fn))
				ASSERT_EQ(VFIO_PCI_DEVID_NOT_OWNED, (int)info.devs[i].devid);
		ASSERT_EQ(0, info.hdr.flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED);
	}
	snprintf(cmd, sizeof(cmd),
		 "dmesg | grep -q '%s: hot reset refused: %s shares the reset but is bound to vfio-pci-foreign'",
		 bdf, sib);
	ASSERT_EQ(0, system(cmd));
}

/*
 * The records logged since vfio_kmsg_open(): all of them, in *@ours those
 * of vfio-pci itself but for the PCI core's notes around a reset, and in
 * *@resets how many resets of the device under test the PCI core logged
 * (from 7.3 it says "resetting" and "reset done" around each reset it
 * makes through pci_reset_function() or pci_try_reset_function() for a
 * driver without reset_prepare/reset_done, stock included); the first few
 * are shown.  Records overwritten before they could be read (EPIPE) count
 * as one each time.
 */
static int kmsg_count(int fd, int *ours, int *resets, struct __test_metadata *_metadata)
{
	char rec[1024], resetting[64];
	int n = 0;
	ssize_t len;

	snprintf(resetting, sizeof(resetting), ";vfio-pci %s: resetting", bdf);
	*ours = 0;
	*resets = 0;
	while ((len = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (len < 0 && errno == EPIPE)) {
		n++;
		if (len < 0)
			continue;
		rec[len] = '\0';
		if (strstr(rec, resetting))
			(*resets)++;
		else if (strstr(rec, ": resetting\n") || strstr(rec, ": reset done\n"))
			;	/* the PCI core's, about another function of the set */
		else if (strstr(rec, ";vfio-pci ") || strstr(rec, ";vfio_pci: "))
			(*ours)++;
		if (n <= 5)
			TH_LOG("logged: %s", rec);
	}
	return n;
}

/*
 * Nothing a user repeats fills the host's log: 2000 hot resets refused
 * for bad group fds (not an fd, not a group) add a handful of lines at
 * most (stock: none).
 */
TEST_F(reset, refusals_keep_the_log_quiet)
{
	struct vfio_pci_hot_reset_info info = { .argsz = sizeof(info) };
	__s32 bad[2] = { -1, -1 };
	int kmsg, lines, ours, resets, i;

	if (__vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info) == -ENODEV)
		SKIP(return, "no slot or bus reset for %s", bdf);
	kmsg = vfio_kmsg_open();
	if (kmsg < 0)
		SKIP(return, "cannot read /dev/kmsg: %s", strerror(-kmsg));
	bad[1] = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, bad[1]);

	/* From the cdev any group fd is refused unread: -EINVAL for both. */
	for (i = 0; i < 2000; i++)
		ASSERT_EQ(i & 1 || self->dev.mode == VFIO_IOMMUFD ? -EINVAL : -EBADF,
			  hot_reset(self->dev.fd, &bad[i & 1], 1));

	lines = kmsg_count(kmsg, &ours, &resets, _metadata);
	TH_LOG("2000 refused hot resets: %d log lines, %d of vfio-pci", lines, ours);
	EXPECT_GE(10, lines);
	close(bad[1]);
	close(kmsg);
}

/*
 * Opening the device again and again adds a handful of vfio-pci lines at
 * most (the no-snoop policy used to be logged at every open).  Other
 * lines are shown and counted but not held against vfio-pci: the PCI
 * core logs about the slot or bus reset of a set at its release (02:00.0:
 * "Data Link Layer Link Active not set"), which is the release policy's
 * business.
 *
 * Twelve open/close cycles are slow on the debug kernel: 1.6 to 3 s a
 * cycle on average under TCG with KASAN (up to 10 s on a busy host), for
 * stock as for ours, which the harness's default 30 s cannot hold.  A
 * test killed by the harness also leaves its process releasing the
 * device while the next test opens it (-EBUSY), so the limit is the
 * test's own, well above what was measured.
 */
TEST_F_TIMEOUT(reset, reopen_keeps_the_log_quiet, 300)
{
	int kmsg, lines, ours, resets, i;
	char sib[VFIO_BDF_LEN];

	kmsg = vfio_kmsg_open();
	if (kmsg < 0)
		SKIP(return, "cannot read /dev/kmsg: %s", strerror(-kmsg));
	for (i = 0; i < 12; i++) {
		vfio_dev_close(&self->dev);
		vfio_dev_open(&self->dev, bdf, variant->iommu_mode);
	}
	lines = kmsg_count(kmsg, &ours, &resets, _metadata);
	TH_LOG("12 opens: %d log lines, %d of vfio-pci, %d logged resets", lines, ours, resets);
	EXPECT_GE(10, ours);
	/*
	 * The reset at open, and the set's at release when another function
	 * shares it (a hot reset resets them all); the function's own reset at
	 * release is made under the device lock, unlogged.
	 */
	EXPECT_GE(reset_sibling(self->dev.fd, sib, sizeof(sib)) ? 24 : 12, resets);
	close(kmsg);
}

/* Function reset: -EINVAL without a usable method, and it clears virtio's status. */
TEST_F(reset, function_reset)
{
	bool virtio = is_device(bdf, 0x1af4, 0x1044);
	__u16 v;
	int ret;

	if (!vfio_dev_has_reset(&self->dev)) {
		ASSERT_EQ(-EINVAL, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_RESET, NULL));
		return;
	}
	if (virtio) {
		enable_memory(&self->dev);
		ASSERT_EQ(0, bar_write16(&self->dev, 4, VIRTIO_STATUS, 0x1));
		ASSERT_EQ(0, bar_read16(&self->dev, 4, VIRTIO_STATUS, &v));
		ASSERT_EQ(0x1, v & 0xff);
	}
	ret = __vfio_ioctl(self->dev.fd, VFIO_DEVICE_RESET, NULL);
	ASSERT_EQ(0, ret);
	if (virtio) {
		enable_memory(&self->dev);
		ASSERT_EQ(0, bar_read16(&self->dev, 4, VIRTIO_STATUS, &v));
		ASSERT_EQ(0, v & 0xff) TH_LOG("virtio status survived VFIO_DEVICE_RESET");
	}
}

/*
 * Releasing the last open device of a set resets the set: WAKEEN written
 * through 01:00.1 alone reads 0 when it is opened again.  In each IOMMU
 * mode the kernel offers (the release is the same code for a device
 * opened through its cdev; the mode it cannot use is logged).
 */
TEST(release_resets_the_set)
{
	static const unsigned long modes[] = { VFIO_TYPE1v2_IOMMU, VFIO_IOMMUFD };
	const char *hda = bdf;
	char sibling[32];
	struct vfio_dev h;
	__u16 v;

	if (!is_device(hda, 0x8086, 0x2668))
		SKIP(return, "%s is no intel-hda controller (its WAKEEN shows the reset)", hda);
	if (!vfio_sysfs_bus_sibling(hda, sibling, sizeof(sibling)))
		SKIP(return, "%s has no function reset of its own to lose", hda);
	for (unsigned int i = 0; i < ARRAY_SIZE(modes); i++) {
		const char *why = vfio_mode_missing(hda, modes[i]);

		if (why) {
			TH_LOG("%s", why);
			continue;
		}
		vfio_dev_open(&h, hda, modes[i]);
		enable_memory(&h);
		ASSERT_EQ(0, hda_write_wakeen(&h, 0x3)) TH_LOG("%s", vfio_mode_name(modes[i]));
		ASSERT_EQ(0, bar_read16(&h, 0, HDA_WAKEEN, &v));
		ASSERT_EQ(0x3, v);
		vfio_dev_close(&h);

		vfio_dev_open(&h, hda, modes[i]);
		enable_memory(&h);
		ASSERT_EQ(0, bar_read16(&h, 0, HDA_WAKEEN, &v));
		ASSERT_EQ(0, v) TH_LOG("%s: WAKEEN survived the release of the set",
				       vfio_mode_name(modes[i]));
		vfio_dev_close(&h);
	}
}

/*
 * VFIO_DEVICE_RESET keeps the user's interrupts and ioeventfds, as stock
 * does and as a hot reset does: the PCI core restores MSI-X around the
 * reset, the vector still signals its eventfd, the hardware's MSI-X
 * enable is back, and the ioeventfd is still registered.
 */
TEST_F(reset, function_reset_keeps_irqs)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = VFIO_PCI_MSIX_IRQ_INDEX };
	struct vfio_device_ioeventfd ie = {
		.argsz = sizeof(ie), .flags = VFIO_DEVICE_IOEVENTFD_32,
	};
	struct vfio_region_info bar;
	unsigned int i;
	__u8 cfg[256];
	__u16 ctrl;
	int efd, iefd, cap;

	if (!vfio_dev_has_reset(&self->dev))
		SKIP(return, "%s has no function reset", bdf);
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	ASSERT_EQ(vfio_sysfs_msix_count(bdf), irq.count);
	if (!irq.count)
		SKIP(return, "%s has no MSI-X", bdf);

	efd = vfio_eventfd_new();
	iefd = vfio_eventfd_new();
	ASSERT_EQ(0, __vfio_set_irqs(&self->dev, VFIO_IRQ_SET_DATA_EVENTFD |
				     VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX,
				     0, 1, &efd));
	/* Past the first 12 KiB of a 16 KiB+ BAR (virtio: the notify area). */
	for (i = 0; i < 6; i++)
		if (!__vfio_region_info(&self->dev, i, &bar) && bar.size >= 0x4000 &&
		    (bar.flags & VFIO_REGION_INFO_FLAG_WRITE))
			break;
	if (i == 6)
		SKIP(return, "%s has no BAR of 16 KiB for an ioeventfd", bdf);
	ie.offset = bar.offset + 0x3000;
	ie.fd = iefd;
	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ie));

	ASSERT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_RESET, NULL));

	/* Loopback through the same vector still reaches the eventfd. */
	EXPECT_EQ(0, __vfio_set_irqs(&self->dev, VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX,
				     0, 1, NULL));
	EXPECT_EQ(1, vfio_eventfd_wait(efd, 1000));
	/* The hardware's MSI-X enable, from sysfs. */
	ASSERT_EQ(sizeof(cfg), vfio_sysfs_read_config(bdf, cfg, sizeof(cfg)));
	for (cap = cfg[PCI_CAPABILITY_LIST] & ~3; cap && cfg[cap] != PCI_CAP_ID_MSIX;
	     cap = cfg[cap + 1] & ~3)
		;
	ASSERT_NE(0, cap);
	memcpy(&ctrl, &cfg[cap + PCI_MSIX_FLAGS], 2);
	EXPECT_TRUE(ctrl & PCI_MSIX_FLAGS_ENABLE) TH_LOG("MSI-X disabled by the reset");
	/* The ioeventfd is still there to remove. */
	ie.fd = -1;
	EXPECT_EQ(0, __vfio_ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ie));
	close(efd);
	close(iefd);
}

/* Hits of a kprobe on the PCI core's secondary bus reset (tracefs). */
static const char *tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128];

	for (unsigned int i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dirs[i]);
		if (!access(path, W_OK))
			return dirs[i];
	}
	return NULL;
}

static long sbr_hits(const char *dir)
{
	char path[128], line[256];
	long hits = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kprobe_profile", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		long n;

		if (sscanf(line, "%127s %ld", name, &n) == 2 && strstr(name, "vfio_sbr"))
			hits = n;
	}
	fclose(f);
	return hits;
}

static int sbr_probe(const char *dir, bool on)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/events/vfio_selftest/vfio_sbr/enable", dir);
	if (!on) {
		vfio_write_file(path, "0");
		snprintf(path, sizeof(path), "%s/kprobe_events", dir);
		return vfio_write_file(path, "-:vfio_selftest/vfio_sbr");
	}
	snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	if (vfio_write_file(path, "p:vfio_selftest/vfio_sbr pcibios_reset_secondary_bus"))
		return -1;
	snprintf(path, sizeof(path), "%s/events/vfio_selftest/vfio_sbr/enable", dir);
	return vfio_write_file(path, "1");
}

/*
 * The last close of a device that its own function reset cleaned resets
 * no slot or bus (stock's policy): a secondary bus reset costs a link
 * retrain.  For a device whose function reset is itself a bus reset (one
 * alone on its bus, without FLR) there is nothing to tell apart: it skips.
 * Counted with a kprobe on pcibios_reset_secondary_bus(), which every slot
 * and bus reset of the PCI core goes through.
 */
TEST(release_without_bus_reset)
{
	struct vfio_dev d;
	const char *dir;
	long before, after;
	char path[PATH_MAX], method[64] = "";
	FILE *f;

	vfio_dev_open(&d, bdf, VFIO_TYPE1v2_IOMMU);
	if (!vfio_dev_has_reset(&d))
		SKIP(vfio_dev_close(&d); return, "%s has no function reset", bdf);
	vfio_dev_close(&d);
	/* The PCI core's first method is the one it uses. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", bdf);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%63s", method) != 1)
			method[0] = '\0';
		fclose(f);
	}
	if (!strcmp(method, "bus"))
		SKIP(return, "the function reset of %s is a bus reset", bdf);
	dir = tracefs();
	if (dir && sbr_probe(dir, true)) {
		sbr_probe(dir, false);
		dir = NULL;
	}
	if (!dir)
		SKIP(return, "no kprobe events in tracefs");

	before = sbr_hits(dir);
	vfio_dev_open(&d, bdf, VFIO_TYPE1v2_IOMMU);
	vfio_dev_close(&d);
	after = sbr_hits(dir);
	sbr_probe(dir, false);
	ASSERT_LE(0, before);
	TH_LOG("%s: %ld secondary bus resets at open and release", bdf, after - before);
	EXPECT_EQ(0, after - before);
}

/* Readers of config space and BARs keep going while hot resets run. */
struct reader {
	struct vfio_dev *dev;
	bool stop;		/* read and written with __atomic builtins */
	unsigned long reads;
};

static void *reader_thread(void *p)
{
	struct reader *r = p;
	__u8 buf[4];

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		__vfio_region_read(r->dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, buf, 4);
		__vfio_region_read(r->dev, 0, 0, buf, 4);
		if (r->dev->info.num_regions > VFIO_PCI_VGA_REGION_INDEX)
			__vfio_region_read(r->dev, VFIO_PCI_VGA_REGION_INDEX, 0x3cc, buf, 1);
		r->reads++;
	}
	return NULL;
}

TEST_F_TIMEOUT(reset, hot_reset_races_with_readers, 120)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} info;
	struct reader r = { .dev = &self->dev };
	pthread_t t;
	int ok = 0;

	if (reset_info(self->dev.fd, &info.hdr, sizeof(info)))
		SKIP(return, "no slot or bus reset for %s", bdf);
	enable_memory(&self->dev);
	ASSERT_EQ(0, pthread_create(&t, NULL, reader_thread, &r));
	for (int i = 0; i < 20; i++) {
		int ret = vfio_hot_reset_self(&self->dev);

		if (ret == -ENOTTY)
			break;
		/*
		 * -EAGAIN: the PCI core found a device lock taken.  Stock
		 * also gives up with -EBUSY while a reader holds its memory
		 * lock; ours waits for the reader.
		 */
		ASSERT_TRUE(ret == 0 || ret == -EAGAIN ||
			    (ret == -EBUSY && vfio_driver_is_stock()))
			TH_LOG("hot reset: %d", ret);
		ok += !ret;
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	TH_LOG("%d hot resets, %lu reader rounds", ok, r.reads);
	if (!ok && vfio_hot_reset_self(&self->dev) == -ENOTTY)
		SKIP(return, "the PCI core cannot reset the slot of %s (-ENOTTY)", bdf);
	if (!vfio_driver_is_stock())
		ASSERT_LT(0, ok);
}

/*
 * Opening and closing in a loop while another process hot-resets.  Through
 * the group the child opens the device itself again and again (the group
 * path allows several opens); a cdev is bound once, so in iommufd mode the
 * child binds and closes another device of the set instead (the GPU's
 * audio function), which is the set's open/close racing the set's reset.
 */
TEST_F_TIMEOUT(reset, hot_reset_races_with_open_close, 120)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} info;
	const char *other = bdf;
	unsigned int done = 0, nottys = 0;
	char sibling[32];
	pid_t child;
	int status;

	if (reset_info(self->dev.fd, &info.hdr, sizeof(info)))
		SKIP(return, "no slot or bus reset for %s", bdf);
	if (self->dev.mode == VFIO_IOMMUFD) {
		/* A cdev binds once: the child opens and closes the other function. */
		if (!reset_sibling(self->dev.fd, sibling, sizeof(sibling)))
			SKIP(return, "iommufd mode: no other function of %s's set to open", bdf);
		other = sibling;
	}

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		int opened = 0;

		for (int i = 0; i < 50; i++) {
			int dfd = vfio_dev_fd_beside(&self->dev, other);

			if (dfd >= 0) {
				close(dfd);
				opened++;
			}
		}
		_exit(opened ? 0 : 1);
	}
	for (int i = 0; i < 20; i++) {
		int ret = vfio_hot_reset_self(&self->dev);

		ASSERT_TRUE(ret == 0 || ret == -EAGAIN || ret == -ENOTTY ||
			    (ret == -EBUSY && vfio_driver_is_stock()))
			TH_LOG("hot reset: %d", ret);
		done += !ret;
		nottys += ret == -ENOTTY;
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("the child never opened %s", other);
	/*
	 * -ENOTTY passes no race: say so, and let the expected results
	 * (expected-results.txt) tell whether this device may skip.
	 */
	if (!done && nottys)
		SKIP(return, "the PCI core cannot reset the slot of %s (-ENOTTY)", bdf);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
