// SPDX-License-Identifier: GPL-2.0-only
/*
 * SR-IOV on a physical function bound to vfio-pci, and the VF token.
 *
 * With the module parameter enable_sriov set, the user of a PF may have
 * the host create VFs (sysfs sriov_numvfs); the VFs are captured for
 * vfio-pci.  A VF's user can drive DMA the PF's user may see, and the
 * PF's user can reset the VFs under the VF's user, so the two must agree:
 * the PF's user picks a UUID (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, or a
 * " vf_token=UUID" suffix on the PF's own name while no VF is in use) and
 * a VF opens only with it: through its group under the name
 * "BDF vf_token=UUID", or (6.17+) through its cdev with
 * VFIO_DEVICE_BIND_IOMMUFD carrying it (VFIO_DEVICE_BIND_FLAG_TOKEN).
 * Taking the VFs away (sriov_numvfs=0, unbinding the PF) asks their users
 * to let go through the REQ interrupt and waits.
 *
 * Usage: vfio_pci_sriov_test [harness options] BDF
 * BDF is an SR-IOV capable PF (the rig's 0000:05:00.0, an NVMe controller
 * with one VF).  The test binds it to vfio-pci, and at the end gives it
 * back to the driver and driver_override it had.  Each test leaves the PF
 * bound to vfio-pci with no VF and enable_sriov as it was.  Another
 * device already bound to vfio-pci (the rig's edu) stands for a device
 * that is neither PF nor VF.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define ENABLE_SRIOV	"/sys/module/vfio_pci/parameters/enable_sriov"
#define UUID_LEN	16
/* Far above what the debug kernel needs under TCG for an open and a close. */
#define CHILD_WAIT_MS	60000
#define SLOW_TEST_S	300

static const char *pf;
static char vf[VFIO_BDF_LEN];

static const char token1[] = "3f6b1a84-8f0e-4c62-9d53-5b1c2a7e0d11";
static const char token2[] = "c0a8e5d2-7b41-4e9f-a3c6-0d2f6e9b8a47";
static const char token1_upper[] = "3F6B1A84-8F0E-4C62-9D53-5B1C2A7E0D11";
static const char null_token[] = "00000000-0000-0000-0000-000000000000";

static bool bound_to(const char *bdf, const char *drv)
{
	char name[64];

	return !vfio_sysfs_driver(bdf, name, sizeof(name)) && !strcmp(name, drv);
}

static bool exists(const char *bdf)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	return !access(path, F_OK);
}

/* A sysfs attribute's first line, newline dropped; 0 or -errno. */
static int read_attr(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int numvfs(void)
{
	unsigned long n;

	return vfio_sysfs_read_hex(pf, "sriov_numvfs", &n) ? -1 : (int)n;
}

static char enable_sriov(void)
{
	char buf[8] = "";

	read_attr(ENABLE_SRIOV, buf, sizeof(buf));
	return buf[0];
}

static int set_enable_sriov(char c)
{
	char val[2] = { c, '\0' };

	return vfio_write_file(ENABLE_SRIOV, val);
}

/* Why @pf cannot be tested whatever the driver does, or NULL. */
static const char *pf_unusable(void)
{
	unsigned long total;

	/* The PCI core shows sriov_totalvfs with CONFIG_PCI_IOV, on a PF. */
	if (vfio_sysfs_read_hex(pf, "sriov_totalvfs", &total) || !total)
		return "not an SR-IOV physical function, or a kernel without CONFIG_PCI_IOV";
	return NULL;
}

/* The PF's first VF, from its virtfn0 link, into vf[]; 0 or -errno. */
static int find_vf(void)
{
	char path[256], link[256];
	const char *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/virtfn0", pf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	slash = strrchr(link, '/');
	snprintf(vf, sizeof(vf), "%.*s", VFIO_BDF_LEN - 1, slash ? slash + 1 : link);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The 16 bytes of a UUID string, in the order they are written. */
static void uuid_bytes(const char *s, __u8 *out)
{
	int i, hi, lo;

	for (i = 0; i < UUID_LEN; i++) {
		while (*s == '-')
			s++;
		hi = hex_digit(s[0]);
		lo = hex_digit(s[1]);
		VFIO_ASSERT(hi >= 0 && lo >= 0, "bad UUID %s", s);
		out[i] = hi << 4 | lo;
		s += 2;
	}
}

/* VFIO_DEVICE_FEATURE_PCI_VF_TOKEN with @len bytes of payload; 0 or -errno. */
static int vf_token_feature(int fd, __u32 flags, const void *payload, size_t len)
{
	__u64 buf[(sizeof(struct vfio_device_feature) + 64) / sizeof(__u64)] = {};
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;

	VFIO_ASSERT(len <= 64, "payload of %zu bytes", len);
	f->argsz = sizeof(*f) + len;
	f->flags = flags | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	if (payload)
		memcpy(f->data, payload, len);
	return __vfio_ioctl(fd, VFIO_DEVICE_FEATURE, f);
}

static int set_token(int fd, const char *uuid)
{
	__u8 bytes[UUID_LEN];

	uuid_bytes(uuid, bytes);
	return vf_token_feature(fd, VFIO_DEVICE_FEATURE_SET, bytes, sizeof(bytes));
}

/* "BDF" followed by @suffix, as VFIO_GROUP_GET_DEVICE_FD's argument. */
static const char *name_of(const char *bdf, const char *suffix)
{
	static char name[160];

	snprintf(name, sizeof(name), "%s%s", bdf, suffix ? suffix : "");
	return name;
}

static const char *with_token(const char *bdf, const char *uuid)
{
	static char suffix[64];

	snprintf(suffix, sizeof(suffix), " vf_token=%s", uuid);
	return name_of(bdf, suffix);
}

/* Open @bdf through a new container and its group, under @name. */
static int open_as(struct vfio_dev *dev, const char *bdf, const char *name)
{
	return __vfio_dev_open_name(dev, bdf, name, VFIO_TYPE1v2_IOMMU);
}

/* One more device fd from @dev's open group, under @name; fd or -errno. */
static int another_fd(struct vfio_dev *dev, const char *name)
{
	int fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, name);

	return fd < 0 ? -errno : fd;
}

/* Another fd of @dev's open group under @name, closed at once; 0 or -errno. */
static int another_fd_closed(struct vfio_dev *dev, const char *name)
{
	int fd = another_fd(dev, name);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static void dev_closed(struct vfio_dev *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->container_fd = -1;
	dev->group_fd = -1;
	dev->iommufd = -1;
	dev->fd = -1;
}

static int wait_bound(const char *bdf, const char *drv)
{
	int i;

	for (i = 0; i < 100 && !bound_to(bdf, drv); i++)
		usleep(20000);
	return bound_to(bdf, drv) ? 0 : -ENODEV;
}

/*
 * A device bound to vfio-pci that is neither an SR-IOV PF nor a VF, and no
 * VGA card (the VGA tests own those): the first by address, into @bdf.
 */
static int plain_device(char *bdf, size_t len)
{
	struct dirent **list;
	unsigned long val;
	char path[256];
	int i, n, ret = -ENOENT;

	n = scandir("/sys/bus/pci/drivers/vfio-pci", &list, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		const char *d = list[i]->d_name;

		if (ret && vfio_is_bdf(d) &&
		    vfio_sysfs_read_hex(d, "sriov_totalvfs", &val) &&
		    !vfio_sysfs_read_hex(d, "class", &val) && val >> 16 != 0x03) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%.*s/physfn",
				 VFIO_BDF_LEN - 1, d);
			if (access(path, F_OK)) {
				snprintf(bdf, len, "%.*s", VFIO_BDF_LEN - 1, d);
				ret = 0;
			}
		}
		free(list[i]);
	}
	free(list);
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The sequence number of the kernel's last log record, and the records
 * after @seq about the PF's slot or vfio, shown.  Each reads the whole log
 * from the start, so the two can be in different processes (teardown
 * runs in the harness's parent).
 */
static long long kmsg_walk(long long seq, struct __test_metadata *_metadata)
{
	long long last = -1, n;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	char rec[1024], slot[11], *msg;
	ssize_t len;

	if (fd < 0)
		return -1;
	/* "dddd:bb:dd", the PF's and its VFs' slot. */
	snprintf(slot, sizeof(slot), "%.10s", pf);
	while ((len = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (len < 0 && errno == EPIPE)) {
		if (len < 0)
			continue;
		rec[len] = '\0';
		rec[strcspn(rec, "\n")] = '\0';
		msg = strchr(rec, ';');
		if (sscanf(rec, "%*d,%lld", &n) != 1 || !msg)
			continue;
		last = n;
		if (_metadata && n > seq && (strstr(msg, "vfio") || strstr(msg, slot)))
			TH_LOG("logged: %s", msg + 1);
	}
	close(fd);
	return last;
}

/*
 * The user of a VF, in a child: opens the VF with @uuid, registers an
 * eventfd on the REQ interrupt when @req, says 'o' on @wr (or 'e'), waits
 * up to CHILD_WAIT_MS for a request (without @req it only sleeps
 * @hold_ms), writes the request count on @wr, holds the VF for @hold_ms
 * more and closes it.
 */
static void vf_user(int wr, const char *uuid, bool req, int hold_ms)
{
	struct vfio_dev dev;
	__u64 count = 0;
	int efd;

	/* Nobody else closes the VF if the test dies. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (open_as(&dev, vf, with_token(vf, uuid))) {
		if (write(wr, "e", 1) != 1)
			_exit(2);
		_exit(1);
	}
	if (req) {
		efd = vfio_eventfd_new();
		if (__vfio_set_irqs(&dev, VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_TRIGGER,
				    VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &efd)) {
			if (write(wr, "e", 1) != 1)
				_exit(2);
			_exit(1);
		}
	}
	if (write(wr, "o", 1) != 1)
		_exit(2);
	if (req)
		count = vfio_eventfd_wait(efd, CHILD_WAIT_MS);
	if (write(wr, &count, sizeof(count)) != sizeof(count))
		_exit(2);
	usleep(hold_ms * 1000);
	vfio_dev_close(&dev);
	_exit(0);
}

/* Read @len bytes from @fd within @ms; 0 or -errno (-ETIMEDOUT). */
static int read_within(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -ETIMEDOUT;
	return read(fd, buf, len) == (ssize_t)len ? 0 : -EIO;
}

/* enable_sriov as the test found it, restored after each test. */
static char saved_enable_sriov;

/*
 * Back to the state each test starts from: the PF bound to vfio-pci, no
 * VF (disabling them goes through vfio-pci, which needs enable_sriov),
 * enable_sriov as it was.
 */
static void recover(void)
{
	if (!bound_to(pf, "vfio-pci")) {
		vfio_sysfs_dev_write(pf, "driver_override", "vfio-pci");
		vfio_write_file("/sys/bus/pci/drivers_probe", pf);
	}
	if (numvfs() > 0) {
		set_enable_sriov('Y');
		vfio_sysfs_dev_write(pf, "sriov_numvfs", "0");
	}
	if (saved_enable_sriov)
		set_enable_sriov(saved_enable_sriov);
}

/* A child process holding the VF, and the read end of its pipe. */
struct vf_user {
	pid_t pid;
	int rd;
};

/*
 * The teardown runs in the harness's parent process: 6.12's harness skips
 * a child-side teardown after a failed ASSERT (its fork result does not
 * survive the longjmp), so the fixture lives in shared memory.  The
 * test's own fds are closed only in the test's process; its VF user dies
 * with it.  The setup recovers as well, from a test killed on timeout.
 */

FIXTURE(sriov) {
	struct vfio_dev pf;
	struct vfio_dev vf;
	pid_t pid;
	struct vf_user user;
	long long kmsg_seq;
};

FIXTURE_SETUP(sriov)
{
	const char *why = pf_unusable();

	dev_closed(&self->pf);
	dev_closed(&self->vf);
	self->pid = getpid();
	self->user.pid = -1;
	self->user.rd = -1;
	self->kmsg_seq = kmsg_walk(0, NULL);
	if (why)
		SKIP(return, "%s: %s", pf, why);
	recover();
	ASSERT_TRUE(bound_to(pf, "vfio-pci")) TH_LOG("%s is not bound to vfio-pci", pf);
	ASSERT_EQ(0, numvfs()) TH_LOG("%s keeps its VFs", pf);
	ASSERT_EQ(saved_enable_sriov, enable_sriov());
	vf[0] = '\0';
}

FIXTURE_TEARDOWN_PARENT(sriov)
{
	if (self->user.pid > 0) {
		kill(self->user.pid, SIGKILL);
		waitpid(self->user.pid, NULL, 0);
	}
	if (getpid() == self->pid) {
		if (self->user.rd >= 0)
			close(self->user.rd);
		vfio_dev_close(&self->vf);
		vfio_dev_close(&self->pf);
	}
	if (pf_unusable())
		return;
	recover();
	kmsg_walk(self->kmsg_seq, _metadata);
}

/* One VF, captured and bound to vfio-pci; its address in vf[]. */
static void vfs_up(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, vfio_sysfs_dev_write(pf, "sriov_numvfs", "1"));
	ASSERT_EQ(1, numvfs());
	ASSERT_EQ(0, find_vf());
	ASSERT_EQ(0, wait_bound(vf, "vfio-pci")) TH_LOG("VF %s not bound to vfio-pci", vf);
}

/*
 * The state most tests start from: enable_sriov set, the PF open in @dev
 * with @uuid set (unless NULL), one VF up.  The PF stays open while its VF
 * exists: opening or closing the PF resets it, which resets the VF under
 * vfio-pci's feet (in the rig, the VF's next function reset then waits
 * 65 s for a VF that does not come back).
 */
static void sriov_up(struct __test_metadata *_metadata, struct vfio_dev *dev,
		     const char *uuid)
{
	ASSERT_EQ(0, set_enable_sriov('Y'));
	ASSERT_EQ(0, open_as(dev, pf, pf));
	if (uuid)
		ASSERT_EQ(0, set_token(dev->fd, uuid));
	vfs_up(_metadata);
}

/* A child holding the VF: started, and past its open. */
static void start_vf_user(struct __test_metadata *_metadata, struct vf_user *u,
			  bool req, int hold_ms)
{
	int fds[2];
	char c = 0;

	pid_t pid;

	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(fds[0]);
		vf_user(fds[1], token1, req, hold_ms);
	}
	/* The fixture is shared memory: only the parent writes it. */
	u->pid = pid;
	close(fds[1]);
	u->rd = fds[0];
	ASSERT_EQ(0, read_within(u->rd, &c, 1, CHILD_WAIT_MS));
	ASSERT_EQ('o', c) TH_LOG("the child could not open %s with REQ", vf);
}

/* The child's request count, then its clean exit. */
static __u64 end_vf_user(struct __test_metadata *_metadata, struct vf_user *u)
{
	__u64 count = 0;
	int status;

	EXPECT_EQ(0, read_within(u->rd, &count, sizeof(count), CHILD_WAIT_MS));
	EXPECT_EQ(u->pid, waitpid(u->pid, &status, 0));
	u->pid = -1;
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return count;
}

/* Stock's parameter is writable by root at run time, and off by default. */
TEST(enable_sriov_parameter)
{
	struct stat st;

	if (pf_unusable())
		SKIP(return, "%s: %s", pf, pf_unusable());
	ASSERT_EQ(0, stat(ENABLE_SRIOV, &st)) TH_LOG("no %s", ENABLE_SRIOV);
	ASSERT_EQ(0644, st.st_mode & 0777);
	ASSERT_EQ('N', enable_sriov());
}

/*
 * enable_sriov=N: vfio-pci refuses to create VFs (-ENOENT from its
 * sriov_configure), whether the PF is open or not.  Asking for the number
 * it already has (0) does not reach the driver.
 */
TEST_F(sriov, numvfs_refused_without_enable_sriov)
{
	ASSERT_EQ(0, set_enable_sriov('N'));
	ASSERT_EQ(-ENOENT, vfio_sysfs_dev_write(pf, "sriov_numvfs", "1"));
	ASSERT_EQ(0, numvfs());
	ASSERT_EQ(0, vfio_sysfs_dev_write(pf, "sriov_numvfs", "0"));

	ASSERT_EQ(0, open_as(&self->pf, pf, pf));
	ASSERT_EQ(-ENOENT, vfio_sysfs_dev_write(pf, "sriov_numvfs", "1"));
	ASSERT_EQ(0, numvfs());
}

/*
 * The PF offers the token feature whatever enable_sriov says: SET only
 * (a PROBE without GET or SET answers 0 too), with a payload of at least
 * the 16 bytes of the UUID (more is ignored; less is -EINVAL).
 */
TEST_F(sriov, vf_token_feature_on_pf)
{
	__u8 bytes[32] = {};
	int fd;

	/* The setup left enable_sriov as found: N, the module's default. */
	ASSERT_EQ(0, open_as(&self->pf, pf, pf));
	fd = self->pf.fd;

	ASSERT_EQ(0, vf_token_feature(fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET,
				      NULL, 0));
	ASSERT_EQ(0, vf_token_feature(fd, VFIO_DEVICE_FEATURE_PROBE, NULL, 0));
	ASSERT_EQ(-EINVAL, vf_token_feature(fd, VFIO_DEVICE_FEATURE_PROBE |
					    VFIO_DEVICE_FEATURE_GET, NULL, 0));
	ASSERT_EQ(-EINVAL, vf_token_feature(fd, VFIO_DEVICE_FEATURE_GET, bytes, UUID_LEN));
	ASSERT_EQ(-EINVAL, vf_token_feature(fd, VFIO_DEVICE_FEATURE_SET, bytes, 0));
	ASSERT_EQ(-EINVAL, vf_token_feature(fd, VFIO_DEVICE_FEATURE_SET, bytes, UUID_LEN - 1));
	ASSERT_EQ(0, vf_token_feature(fd, VFIO_DEVICE_FEATURE_SET, bytes, UUID_LEN + 1));
	ASSERT_EQ(0, vf_token_feature(fd, VFIO_DEVICE_FEATURE_SET, bytes, sizeof(bytes)));
	ASSERT_EQ(0, set_token(fd, token1));
}

/*
 * A device that is neither PF nor VF has no token feature (-ENOTTY), and
 * naming a token to open it is an error (-EINVAL).
 */
TEST_F(sriov, vf_token_on_plain_device)
{
	struct vfio_dev dev;
	char bdf[VFIO_BDF_LEN];

	if (plain_device(bdf, sizeof(bdf)))
		SKIP(return, "no other device bound to vfio-pci");
	TH_LOG("plain device %s", bdf);
	ASSERT_EQ(-EINVAL, open_as(&dev, bdf, with_token(bdf, token1)));
	ASSERT_EQ(0, open_as(&dev, bdf, bdf));
	EXPECT_EQ(-ENOTTY, vf_token_feature(dev.fd, VFIO_DEVICE_FEATURE_PROBE |
					    VFIO_DEVICE_FEATURE_SET, NULL, 0));
	vfio_dev_close(&dev);
}

/*
 * enable_sriov=Y: the PF's user creates the VF, which the PF's driver
 * captures (driver_override "vfio-pci") and which binds to vfio-pci at
 * once.  Disabling takes it away again.
 */
TEST_F(sriov, vf_created_and_captured)
{
	char path[256], ovr[64] = "";
	int pf_group, vf_group;

	sriov_up(_metadata, &self->pf, token1);
	TH_LOG("VF %s", vf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", vf);
	ASSERT_EQ(0, read_attr(path, ovr, sizeof(ovr)));
	ASSERT_STREQ("vfio-pci", ovr);
	ASSERT_TRUE(bound_to(vf, "vfio-pci"));

	pf_group = vfio_sysfs_group(pf);
	vf_group = vfio_sysfs_group(vf);
	TH_LOG("IOMMU groups: PF %d, VF %d", pf_group, vf_group);
	ASSERT_LE(0, vf_group);
	ASSERT_NE(pf_group, vf_group);
	snprintf(path, sizeof(path), "/dev/vfio/%d", vf_group);
	ASSERT_EQ(0, access(path, F_OK));

	ASSERT_EQ(0, vfio_sysfs_dev_write(pf, "sriov_numvfs", "0"));
	ASSERT_EQ(0, numvfs());
	ASSERT_FALSE(exists(vf));
}

/* The VF without a token: -EACCES, its PF being vfio-pci's. */
TEST_F(sriov, vf_open_without_token)
{
	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, vf));
}

/* The VF with another token than the PF's: -EACCES. */
TEST_F(sriov, vf_open_wrong_token)
{
	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, with_token(vf, token2)));
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, with_token(vf, null_token)));
}

/* A token that is no UUID: -EINVAL. */
TEST_F(sriov, vf_open_malformed_token)
{
	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(-EINVAL, open_as(&self->vf, vf, with_token(vf, "1234")));
	ASSERT_EQ(-EINVAL, open_as(&self->vf, vf, with_token(vf, "")));
	ASSERT_EQ(-EINVAL, open_as(&self->vf, vf,
				   with_token(vf, "3f6b1a84-8f0e-4c62-9d53-5b1c2a7e0dzz")));
	ASSERT_EQ(-EINVAL, open_as(&self->vf, vf,
				   with_token(vf, "3f6b1a848f0e4c629d535b1c2a7e0d11")));
	/* The right token with more glued to it. */
	ASSERT_EQ(-EINVAL, open_as(&self->vf, vf,
				   with_token(vf, "3f6b1a84-8f0e-4c62-9d53-5b1c2a7e0d11ab")));
}

/*
 * What follows the name: nothing or " vf_token=UUID" (upper case hex
 * too, any number of spaces before it) is the VF; a name that goes on
 * without a space is another device
 * (-ENODEV); an unknown option, anything after the token, or a second
 * token is -EINVAL.
 */
TEST_F(sriov, vf_open_name_suffixes)
{
	char name[256];

	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(-ENODEV, open_as(&self->vf, vf, name_of(vf, "x")));
	ASSERT_EQ(-ENODEV, open_as(&self->vf, vf, name_of(vf, "vf_token=")));
	ASSERT_EQ(-EINVAL, open_as(&self->vf, vf, name_of(vf, " foo=bar")));
	snprintf(name, sizeof(name), "%s junk", with_token(vf, token1));
	ASSERT_EQ(-EINVAL, open_as(&self->vf, vf, name));
	snprintf(name, sizeof(name), "%s vf_token=%s", with_token(vf, token1), token1);
	ASSERT_EQ(-EINVAL, open_as(&self->vf, vf, name));
	snprintf(name, sizeof(name), "%s   vf_token=%s", vf, token1);
	ASSERT_EQ(0, open_as(&self->vf, vf, name));
	vfio_dev_close(&self->vf);
	ASSERT_EQ(0, open_as(&self->vf, vf, with_token(vf, token1_upper)));
}

/* The right token opens the VF, which has no token feature of its own. */
TEST_F(sriov, vf_open_right_token)
{
	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(0, open_as(&self->vf, vf, with_token(vf, token1)));
	ASSERT_TRUE(self->vf.info.flags & VFIO_DEVICE_FLAGS_PCI);
	ASSERT_EQ(-ENOTTY, vf_token_feature(self->vf.fd, VFIO_DEVICE_FEATURE_PROBE |
					    VFIO_DEVICE_FEATURE_SET, NULL, 0));
	/* Another fd of the open VF needs the token as well. */
	ASSERT_EQ(-EACCES, another_fd(&self->vf, vf));
}

/*
 * The token belongs to vfio-pci's binding of the PF: a new binding has
 * forgotten the old one, and starts with one nobody knows (not the null
 * UUID), so no VF opens before its PF's user sets a token.
 */
TEST_F(sriov, vf_token_new_at_bind)
{
	ASSERT_EQ(0, open_as(&self->pf, pf, pf));
	ASSERT_EQ(0, set_token(self->pf.fd, token1));
	vfio_dev_close(&self->pf);
	ASSERT_EQ(0, vfio_sysfs_drv_write("vfio-pci", "unbind", pf));
	ASSERT_EQ(0, vfio_sysfs_drv_write("vfio-pci", "bind", pf));

	sriov_up(_metadata, &self->pf, NULL);
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, vf));
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, with_token(vf, null_token)));
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, with_token(vf, token1)));
	ASSERT_EQ(0, set_token(self->pf.fd, token1));
	ASSERT_EQ(0, open_as(&self->vf, vf, with_token(vf, token1)));
}

/*
 * While a VF is open, another fd of the PF needs the current token.
 * (Opening the PF afresh would reset it under the VF: not done here.)
 */
TEST_F(sriov, pf_open_needs_token_while_vf_open)
{
	int fd;

	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(0, open_as(&self->vf, vf, with_token(vf, token1)));

	ASSERT_EQ(-EACCES, another_fd(&self->pf, pf));
	ASSERT_EQ(-EACCES, another_fd(&self->pf, with_token(pf, token2)));
	fd = another_fd(&self->pf, with_token(pf, token1));
	ASSERT_LE(0, fd);
	close(fd);

	/* Once the VF is closed, the PF needs no token again. */
	vfio_dev_close(&self->vf);
	fd = another_fd(&self->pf, pf);
	ASSERT_LE(0, fd);
	close(fd);
}

/*
 * With no VF in use, a token in the PF's name sets it, at the first open
 * of the PF as for another fd of it: the VF then opens with that one and
 * no longer with the old one.
 */
TEST_F(sriov, pf_open_sets_token)
{
	ASSERT_EQ(0, set_enable_sriov('Y'));
	ASSERT_EQ(0, open_as(&self->pf, pf, pf));
	ASSERT_EQ(0, set_token(self->pf.fd, token1));
	vfio_dev_close(&self->pf);
	ASSERT_EQ(0, open_as(&self->pf, pf, with_token(pf, token2)));
	vfs_up(_metadata);
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, with_token(vf, token1)));
	ASSERT_EQ(0, open_as(&self->vf, vf, with_token(vf, token2)));
}

/* The same through another fd of the open PF, its VF existing but closed. */
TEST_F(sriov, pf_fd_sets_token)
{
	int fd;

	sriov_up(_metadata, &self->pf, token1);
	fd = another_fd(&self->pf, with_token(pf, token2));
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, with_token(vf, token1)));
	ASSERT_EQ(0, open_as(&self->vf, vf, with_token(vf, token2)));
}

/*
 * The PF's user may change the token while a VF is open: the open VF
 * keeps working, new opens of the VF need the new token.
 */
TEST_F(sriov, new_token_while_vf_open)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int fd;

	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(0, open_as(&self->vf, vf, with_token(vf, token1)));
	ASSERT_EQ(0, set_token(self->pf.fd, token2));
	ASSERT_EQ(0, __vfio_ioctl(self->vf.fd, VFIO_DEVICE_GET_INFO, &info));
	ASSERT_EQ(-EACCES, another_fd(&self->vf, with_token(vf, token1)));
	fd = another_fd(&self->vf, with_token(vf, token2));
	ASSERT_LE(0, fd);
	close(fd);
}

/*
 * sriov_numvfs=0 while another process has the VF open: the VF's user
 * gets the REQ interrupt, and the write returns only once the VF is
 * closed (the child holds it half a second after the request).
 */
TEST_F_TIMEOUT(sriov, numvfs_zero_waits_for_vf_user, SLOW_TEST_S)
{
	double t;

	sriov_up(_metadata, &self->pf, token1);
	start_vf_user(_metadata, &self->user, true, 500);
	t = now();
	ASSERT_EQ(0, vfio_sysfs_dev_write(pf, "sriov_numvfs", "0"));
	t = now() - t;
	TH_LOG("the write took %.2f s", t);
	ASSERT_LE(1, end_vf_user(_metadata, &self->user));
	ASSERT_LE(0.45, t);
	ASSERT_EQ(0, numvfs());
	ASSERT_FALSE(exists(vf));
}

/* The same without a REQ eventfd: the write waits for the close alone. */
TEST_F_TIMEOUT(sriov, numvfs_zero_waits_without_req, SLOW_TEST_S)
{
	double t;

	sriov_up(_metadata, &self->pf, token1);
	start_vf_user(_metadata, &self->user, false, 1500);
	t = now();
	ASSERT_EQ(0, vfio_sysfs_dev_write(pf, "sriov_numvfs", "0"));
	t = now() - t;
	TH_LOG("the write took %.2f s", t);
	ASSERT_EQ(0, end_vf_user(_metadata, &self->user));
	ASSERT_LE(1.4, t);
	ASSERT_EQ(0, numvfs());
}

/*
 * Unbinding the PF from vfio-pci with its VF idle: the VF goes away with
 * the binding (SR-IOV is disabled), and the PF binds again.
 */
TEST_F(sriov, pf_unbind_removes_idle_vfs)
{
	sriov_up(_metadata, &self->pf, token1);
	vfio_dev_close(&self->pf);
	ASSERT_EQ(0, vfio_sysfs_drv_write("vfio-pci", "unbind", pf));
	ASSERT_EQ(0, numvfs());
	ASSERT_FALSE(exists(vf));
	ASSERT_EQ(0, vfio_sysfs_drv_write("vfio-pci", "bind", pf));
}

struct unbinder {
	pthread_t thread;
	int ret;
	double took;
};

static void *unbind_pf(void *arg)
{
	struct unbinder *u = arg;
	double t = now();

	u->ret = vfio_sysfs_drv_write("vfio-pci", "unbind", pf);
	u->took = now() - t;
	return NULL;
}

/*
 * Unbinding the PF while another process has the VF open and the test
 * has the PF open: the VFs go first (their user gets the REQ interrupt
 * and the unbind waits for the close), then the PF's user gets its own
 * request.  The unbind runs in a thread; the test closes the PF when
 * asked, or after CHILD_WAIT_MS, so nothing waits for ever.
 */
TEST_F_TIMEOUT(sriov, pf_unbind_waits_for_users, SLOW_TEST_S)
{
	struct unbinder u = { .ret = 1 };
	__u64 vf_req, pf_req;
	int efd;

	sriov_up(_metadata, &self->pf, token1);
	efd = vfio_eventfd_new();
	vfio_set_irqs(&self->pf, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &efd);
	start_vf_user(_metadata, &self->user, true, 500);

	ASSERT_EQ(0, pthread_create(&u.thread, NULL, unbind_pf, &u));
	pf_req = vfio_eventfd_wait(efd, CHILD_WAIT_MS);
	vf_req = end_vf_user(_metadata, &self->user);
	/*
	 * The VF is gone before the PF is asked for.  (Not sriov_numvfs:
	 * reading it takes the device lock, which the unbind holds until the
	 * PF is closed.)
	 */
	EXPECT_FALSE(exists(vf));
	vfio_dev_close(&self->pf);
	ASSERT_EQ(0, pthread_join(u.thread, NULL));
	close(efd);
	TH_LOG("the unbind took %.2f s", u.took);

	ASSERT_EQ(0, u.ret);
	ASSERT_EQ(0, numvfs());
	ASSERT_LE(1, vf_req);
	ASSERT_LE(1, pf_req);
	ASSERT_LE(0.45, u.took);
	ASSERT_FALSE(bound_to(pf, "vfio-pci"));
	ASSERT_EQ(0, vfio_sysfs_drv_write("vfio-pci", "bind", pf));
}

/*
 * The VF's device cdev (CONFIG_VFIO_DEVICE_CDEV), bound without a token:
 * -EACCES.  Where the VFIO core takes a token in VFIO_DEVICE_BIND_IOMMUFD
 * (6.17+) both drivers ask for it there.  Before, the bind has no token:
 * stock does not ask for one and binds the VF; ours refuses the bind, as
 * the token cannot be presented there.
 */
TEST_F(sriov, vf_cdev_open_without_token)
{
	bool core_token;

	if (access("/dev/iommu", R_OK | W_OK))
		SKIP(return, "no /dev/iommu (kernel without CONFIG_IOMMUFD)");
	core_token = !vfio_cdev_token_missing(pf);
	sriov_up(_metadata, &self->pf, token1);
	if (vfio_mode_missing(vf, VFIO_IOMMUFD))
		SKIP(return, "%s", vfio_mode_missing(vf, VFIO_IOMMUFD));
	if (vfio_driver_is_stock() && !core_token) {
		ASSERT_EQ(0, __vfio_dev_open(&self->vf, vf, VFIO_IOMMUFD));
		return;
	}
	ASSERT_EQ(-EACCES, __vfio_dev_open(&self->vf, vf, VFIO_IOMMUFD));
}

/*
 * The tests below bind through the device cdev with a VF token
 * (VFIO_DEVICE_BIND_FLAG_TOKEN), which needs a VFIO core that takes one:
 * the PF's cdev, asked before any VF exists, tells (the question fails in
 * the core, before any driver).
 */
static const char *cdev_token_missing(void)
{
	return vfio_cdev_token_missing(pf);
}

static int open_cdev_token(struct vfio_dev *dev, const char *bdf, const char *uuid)
{
	__u8 bytes[UUID_LEN];

	if (!uuid)
		return __vfio_dev_open_token(dev, bdf, NULL);
	uuid_bytes(uuid, bytes);
	return __vfio_dev_open_token(dev, bdf, bytes);
}

/*
 * The VF's cdev bound with its PF's token: the VF is the caller's, and
 * counts as an open VF (the PF needs the token for another fd).
 */
TEST_F(sriov, vf_cdev_bind_right_token)
{
	if (cdev_token_missing())
		SKIP(return, "%s", cdev_token_missing());
	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(0, open_cdev_token(&self->vf, vf, token1));
	ASSERT_TRUE(self->vf.info.flags & VFIO_DEVICE_FLAGS_PCI);
	ASSERT_EQ(-EACCES, another_fd(&self->pf, pf));
	vfio_dev_close(&self->vf);
	/* Closed, the VF no longer counts. */
	ASSERT_EQ(0, another_fd_closed(&self->pf, pf));
	/* Nothing of the first bind is left: the VF binds again. */
	ASSERT_EQ(0, open_cdev_token(&self->vf, vf, token1));
}

/* The VF's cdev bound with another token than its PF's: -EACCES. */
TEST_F(sriov, vf_cdev_bind_wrong_token)
{
	if (cdev_token_missing())
		SKIP(return, "%s", cdev_token_missing());
	sriov_up(_metadata, &self->pf, token1);
	ASSERT_EQ(-EACCES, open_cdev_token(&self->vf, vf, token2));
	ASSERT_EQ(-EACCES, open_cdev_token(&self->vf, vf, null_token));
	/* Refused binds leave nothing behind: the right token still binds. */
	ASSERT_EQ(0, open_cdev_token(&self->vf, vf, token1));
}

/*
 * The PF's token as the PF's user sets it, new at each binding of the
 * PF: a VF's cdev refuses the token of the PF's previous binding until
 * the user sets it again.
 */
TEST_F(sriov, vf_cdev_bind_token_new_at_bind)
{
	if (cdev_token_missing())
		SKIP(return, "%s", cdev_token_missing());
	ASSERT_EQ(0, open_as(&self->pf, pf, pf));
	ASSERT_EQ(0, set_token(self->pf.fd, token1));
	vfio_dev_close(&self->pf);
	ASSERT_EQ(0, vfio_sysfs_drv_write("vfio-pci", "unbind", pf));
	ASSERT_EQ(0, vfio_sysfs_drv_write("vfio-pci", "bind", pf));

	sriov_up(_metadata, &self->pf, NULL);
	ASSERT_EQ(-EACCES, open_cdev_token(&self->vf, vf, token1));
	ASSERT_EQ(-EACCES, open_cdev_token(&self->vf, vf, NULL));
	ASSERT_EQ(0, set_token(self->pf.fd, token1));
	ASSERT_EQ(0, open_cdev_token(&self->vf, vf, token1));
}

/*
 * The PF's own cdev bound with a token while none of its VFs is open: as
 * " vf_token=" in its name through the group, the token becomes the PF's;
 * the VF then opens with it and no longer with the old one.
 */
TEST_F(sriov, pf_cdev_bind_sets_token)
{
	if (cdev_token_missing())
		SKIP(return, "%s", cdev_token_missing());
	ASSERT_EQ(0, set_enable_sriov('Y'));
	ASSERT_EQ(0, open_as(&self->pf, pf, pf));
	ASSERT_EQ(0, set_token(self->pf.fd, token1));
	vfio_dev_close(&self->pf);
	ASSERT_EQ(0, open_cdev_token(&self->pf, pf, token2));
	vfs_up(_metadata);
	ASSERT_EQ(-EACCES, open_cdev_token(&self->vf, vf, token1));
	ASSERT_EQ(-EACCES, open_as(&self->vf, vf, with_token(vf, token1)));
	ASSERT_EQ(0, open_cdev_token(&self->vf, vf, token2));
}

/*
 * The PF's cdev bound without a token, none of its VFs open: the PF
 * binds and its token stays as its user set it.
 */
TEST_F(sriov, pf_cdev_bind_without_token)
{
	if (cdev_token_missing())
		SKIP(return, "%s", cdev_token_missing());
	ASSERT_EQ(0, set_enable_sriov('Y'));
	ASSERT_EQ(0, open_as(&self->pf, pf, pf));
	ASSERT_EQ(0, set_token(self->pf.fd, token1));
	vfio_dev_close(&self->pf);
	ASSERT_EQ(0, open_cdev_token(&self->pf, pf, NULL));
	vfs_up(_metadata);
	ASSERT_EQ(0, open_cdev_token(&self->vf, vf, token1));
}

/*
 * A device that is neither PF nor VF takes no token through its cdev
 * either (-EINVAL), and binds without one.
 */
TEST_F(sriov, cdev_token_on_plain_device)
{
	struct vfio_dev dev;
	char bdf[VFIO_BDF_LEN];

	if (cdev_token_missing())
		SKIP(return, "%s", cdev_token_missing());
	if (plain_device(bdf, sizeof(bdf)))
		SKIP(return, "no other device bound to vfio-pci");
	TH_LOG("plain device %s", bdf);
	ASSERT_EQ(-EINVAL, open_cdev_token(&dev, bdf, token1));
	ASSERT_EQ(0, open_cdev_token(&dev, bdf, NULL));
	vfio_dev_close(&dev);
}

/* The PF as it came to the test, to give it back. */
static char pf_driver[64], pf_override[64];
static bool pf_taken;

static void take_pf(void)
{
	char path[256];

	if (pf_unusable() || bound_to(pf, "vfio-pci"))
		return;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", pf);
	if (read_attr(path, pf_override, sizeof(pf_override)) ||
	    !strcmp(pf_override, "(null)"))
		pf_override[0] = '\0';
	if (!vfio_sysfs_driver(pf, pf_driver, sizeof(pf_driver)) &&
	    vfio_sysfs_drv_write(pf_driver, "unbind", pf))
		return;
	pf_taken = true;
	vfio_sysfs_dev_write(pf, "driver_override", "vfio-pci");
	vfio_write_file("/sys/bus/pci/drivers_probe", pf);
}

static void give_back_pf(void)
{
	if (!pf_taken)
		return;
	if (bound_to(pf, "vfio-pci"))
		vfio_sysfs_drv_write("vfio-pci", "unbind", pf);
	vfio_sysfs_dev_write(pf, "driver_override", pf_override[0] ? pf_override : "\n");
	if (pf_driver[0])
		vfio_sysfs_drv_write(pf_driver, "bind", pf);
}

int main(int argc, char *argv[])
{
	int ret;

	pf = vfio_selftests_get_bdf(&argc, argv);
	saved_enable_sriov = enable_sriov();
	take_pf();
	ret = test_harness_run(argc, argv);
	if (!pf_unusable())
		recover();
	give_back_pf();
	return ret;
}
