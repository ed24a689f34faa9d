// SPDX-License-Identifier: GPL-2.0-only
/*
 * The selftests' device library: choosing the device under test, opening it
 * through a type1 container, and small wrappers around the device ioctls.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <linux/iommufd.h>

#include "vfio_util.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define PCI_ROM_RESOURCE_LINE	6	/* the ROM line of sysfs "resource" */

static const char *selected_bdf;

bool vfio_is_bdf(const char *s)
{
	unsigned int dom, bus, dev, fn;
	char end;

	return strlen(s) < VFIO_BDF_LEN &&
	       sscanf(s, "%4x:%2x:%2x.%1u%c", &dom, &bus, &dev, &fn, &end) == 4;
}

/*
 * Take the device from the end of argv (removing it, so that the harness
 * does not see it), else from VFIO_SELFTESTS_BDF.  Without either there is
 * nothing to test: exit with KSFT_SKIP and say how to run.
 */
const char *vfio_selftests_get_bdf(int *argc, char *argv[])
{
	const char *env;

	if (*argc > 1 && vfio_is_bdf(argv[*argc - 1])) {
		selected_bdf = argv[*argc - 1];
		argv[--(*argc)] = NULL;
		return selected_bdf;
	}
	env = getenv("VFIO_SELFTESTS_BDF");
	if (env && vfio_is_bdf(env)) {
		selected_bdf = env;
		return selected_bdf;
	}
	printf("TAP version 13\n");
	printf("1..0 # SKIP no device: run %s [options] BDF, or set VFIO_SELFTESTS_BDF\n",
	       argv[0]);
	exit(4); /* KSFT_SKIP */
}

const char *vfio_selftests_bdf(void)
{
	return selected_bdf;
}

static int sysfs_path(char *buf, size_t len, const char *bdf, const char *attr)
{
	int n = snprintf(buf, len, "/sys/bus/pci/devices/%s/%s", bdf, attr);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int vfio_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int vfio_sysfs_dev_write(const char *bdf, const char *attr, const char *val)
{
	char path[PATH_MAX];

	if (sysfs_path(path, sizeof(path), bdf, attr))
		return -ENAMETOOLONG;
	return vfio_write_file(path, val);
}

int vfio_sysfs_drv_write(const char *drv, const char *attr, const char *val)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/%s", drv, attr) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	return vfio_write_file(path, val);
}

int vfio_sysfs_resource(const char *bdf, unsigned int bar, unsigned long long *start,
			unsigned long long *end, unsigned long long *flags)
{
	char path[PATH_MAX];
	int ret = -EINVAL;
	FILE *f;

	if (sysfs_path(path, sizeof(path), bdf, "resource"))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	for (unsigned int i = 0; i <= bar; i++) {
		ret = fscanf(f, "%llx %llx %llx", start, end, flags) == 3 ? 0 : -EINVAL;
		if (ret)
			break;
	}
	fclose(f);
	return ret;
}

int vfio_sysfs_group(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *slash;
	ssize_t n;

	if (sysfs_path(path, sizeof(path), bdf, "iommu_group"))
		return -ENAMETOOLONG;
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	slash = strrchr(link, '/');
	return atoi(slash ? slash + 1 : link);
}

int vfio_sysfs_read_config(const char *bdf, void *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if (sysfs_path(path, sizeof(path), bdf, "config"))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, 0);
	close(fd);
	return n < 0 ? -errno : (int)n;
}

unsigned int vfio_cfg_find_cap(const unsigned char *cfg, unsigned int id)
{
	unsigned int pos, ttl;

	if (!(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	/* 48 capabilities fill the 192 bytes after the header: a longer chain loops. */
	for (pos = cfg[PCI_CAPABILITY_LIST] & ~3, ttl = 48; pos >= 0x40;
	     pos = cfg[pos + PCI_CAP_LIST_NEXT] & ~3) {
		VFIO_ASSERT(ttl-- > 0, "the capability chain loops");
		if (cfg[pos + PCI_CAP_LIST_ID] == id)
			return pos;
	}
	return 0;
}

unsigned int vfio_sysfs_cap(const char *bdf, unsigned int id)
{
	unsigned char cfg[256] = { 0 };

	VFIO_ASSERT(vfio_sysfs_read_config(bdf, cfg, sizeof(cfg)) >= 64,
		    "sysfs config of %s", bdf);
	return vfio_cfg_find_cap(cfg, id);
}

static __u16 sysfs_cfg_word(const char *bdf, unsigned int off)
{
	unsigned char cfg[256];

	VFIO_ASSERT(vfio_sysfs_read_config(bdf, cfg, sizeof(cfg)) >= (int)off + 2,
		    "sysfs config of %s", bdf);
	return cfg[off] | cfg[off + 1] << 8;
}

/* 1 << Multiple Message Capable (Message Control bits 3:1). */
unsigned int vfio_sysfs_msi_count(const char *bdf)
{
	unsigned int pos = vfio_sysfs_cap(bdf, PCI_CAP_ID_MSI);

	if (!pos)
		return 0;
	return 1u << ((sysfs_cfg_word(bdf, pos + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_QMASK) >> 1);
}

/* Table Size + 1. */
unsigned int vfio_sysfs_msix_count(const char *bdf)
{
	unsigned int pos = vfio_sysfs_cap(bdf, PCI_CAP_ID_MSIX);

	if (!pos)
		return 0;
	return (sysfs_cfg_word(bdf, pos + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1;
}

/*
 * Walk the PCI functions in sysfs, in name order; @fn returns true to stop
 * there, and the name is then copied into @buf.  False when none stopped.
 */
static bool sysfs_find_dev(bool (*fn)(const char *name, const char *bdf),
			   const char *bdf, char *buf, size_t len)
{
	struct dirent **names;
	bool found = false;
	int n = scandir("/sys/bus/pci/devices", &names, NULL, alphasort);

	VFIO_ASSERT(n >= 0, "scan /sys/bus/pci/devices");
	for (int i = 0; i < n; i++) {
		if (!found && names[i]->d_name[0] != '.' && fn(names[i]->d_name, bdf)) {
			snprintf(buf, len, "%s", names[i]->d_name);
			found = true;
		}
		free(names[i]);
	}
	free(names);
	return found;
}

/* Another function on @bdf's bus ("DDDD:BB:" alike). */
static bool is_bus_sibling(const char *name, const char *bdf)
{
	return !strncmp(name, bdf, 8) && strcmp(name, bdf);
}

bool vfio_sysfs_bus_sibling(const char *bdf, char *buf, size_t len)
{
	return sysfs_find_dev(is_bus_sibling, bdf, buf, len);
}

static bool sysfs_has_bus_sibling(const char *bdf)
{
	char name[32];

	return vfio_sysfs_bus_sibling(bdf, name, sizeof(name));
}

/* Bound to vfio-pci, on another bus and in another IOMMU group than @bdf. */
static bool is_unrelated_vfio(const char *name, const char *bdf)
{
	char drv[64];

	return strncmp(name, bdf, 8) && !vfio_sysfs_driver(name, drv, sizeof(drv)) &&
	       !strcmp(drv, "vfio-pci") && vfio_sysfs_group(name) != vfio_sysfs_group(bdf);
}

bool vfio_sysfs_unrelated_vfio_dev(const char *bdf, char *buf, size_t len)
{
	return sysfs_find_dev(is_unrelated_vfio, bdf, buf, len);
}

static bool is_boot_vga(const char *name, const char *unused)
{
	unsigned long v;

	return !vfio_sysfs_read_hex(name, "boot_vga", &v) && v == 1;
}

bool vfio_sysfs_boot_vga(char *buf, size_t len)
{
	return sysfs_find_dev(is_boot_vga, NULL, buf, len);
}

/*
 * reset_method lists what the PCI core probed when it found the device.
 * A bus reset resets a function only while it is alone on its bus, which
 * the probe of the first function of a slot cannot know yet: with a
 * sibling there, "bus" is listed and pci_reset_function() still answers
 * -ENOTTY (the rig's 01:00.0, with its audio function 01:00.1).
 */
#define SEPARATORS	"\n "

bool vfio_sysfs_has_reset(const char *bdf)
{
	char path[PATH_MAX], buf[128] = "", *tok, *save;
	bool sibling = sysfs_has_bus_sibling(bdf);
	ssize_t n;
	int fd;

	VFIO_ASSERT(!sysfs_path(path, sizeof(path), bdf, "reset_method"), "%s", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		VFIO_ASSERT(errno == ENOENT, "open %s", path);
		return false;	/* the PCI core hides it without a method */
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	VFIO_ASSERT(n >= 0, "read %s", path);
	for (tok = strtok_r(buf, SEPARATORS, &save); tok;
	     tok = strtok_r(NULL, SEPARATORS, &save))
		if (!sibling || (strcmp(tok, "bus") && strcmp(tok, "cxl_bus")))
			return true;
	return false;
}

bool vfio_dev_has_reset(struct vfio_dev *dev)
{
	bool flag = dev->info.flags & VFIO_DEVICE_FLAGS_RESET;
	bool sysfs = vfio_sysfs_has_reset(dev->bdf);

	VFIO_ASSERT(flag == sysfs, "%s: VFIO_DEVICE_FLAGS_RESET %d, reset_method %s",
		    dev->bdf, flag, sysfs ? "lists a method" : "absent or empty");
	return flag;
}

bool vfio_sysfs_has_rom(const char *bdf)
{
	unsigned long long start = 0, end = 0, flags;
	char path[PATH_MAX];
	FILE *f;
	int i;

	VFIO_ASSERT(!sysfs_path(path, sizeof(path), bdf, "rom"), "%s", bdf);
	if (!access(path, F_OK))
		return true;
	VFIO_ASSERT(errno == ENOENT, "access %s", path);
	/* Line 6 of "resource" is the ROM BAR. */
	sysfs_path(path, sizeof(path), bdf, "resource");
	f = fopen(path, "r");
	VFIO_ASSERT(f, "open %s", path);
	for (i = 0; i <= PCI_ROM_RESOURCE_LINE; i++)
		VFIO_ASSERT(fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3,
			    "line %d of %s", i, path);
	fclose(f);
	return end > start;
}

int vfio_sysfs_read_hex(const char *bdf, const char *attr, unsigned long *val)
{
	char path[PATH_MAX];
	FILE *f;
	int ret;

	if (sysfs_path(path, sizeof(path), bdf, attr))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ret = fscanf(f, "%lx", val) == 1 ? 0 : -EINVAL;
	fclose(f);
	return ret;
}

int vfio_sysfs_driver(const char *bdf, char *name, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *slash;
	ssize_t n;

	if (sysfs_path(path, sizeof(path), bdf, "driver"))
		return -ENAMETOOLONG;
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	slash = strrchr(link, '/');
	snprintf(name, len, "%s", slash ? slash + 1 : link);
	return 0;
}

int vfio_sysfs_parent(const char *bdf, char *name, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;

	if (sysfs_path(path, sizeof(path), bdf, ""))
		return -ENAMETOOLONG;
	if (!realpath(path, real))
		return -errno;
	slash = strrchr(real, '/');	/* realpath() drops the trailing "/" */
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	slash = strrchr(real, '/');
	if ((size_t)snprintf(name, len, "%s", slash ? slash + 1 : real) >= len)
		return -ENAMETOOLONG;
	return 0;
}

bool vfio_vga_bridged_card(const char *except, char *out, size_t len)
{
	const char *env = getenv("VFIO_SELFTESTS_VGA_BDFS");
	char *list, *tok, parent[NAME_MAX + 1], drv[64];
	bool found = false;

	list = strdup(env ? env : "");
	for (tok = strtok(list, " "); tok && !found; tok = strtok(NULL, " ")) {
		if ((except && !strcmp(tok, except)) ||
		    vfio_sysfs_parent(tok, parent, sizeof(parent)) ||
		    !strncmp(parent, "pci", 3) ||
		    vfio_sysfs_driver(tok, drv, sizeof(drv)) || strcmp(drv, "vfio-pci"))
			continue;
		snprintf(out, len, "%s", tok);
		found = true;
	}
	free(list);
	return found;
}

static void vfio_signal_noop(int sig)
{
}

int vfio_signal_wakes(int sig, bool on)
{
	struct sigaction sa = { .sa_handler = on ? vfio_signal_noop : SIG_DFL,
				.sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL) ? -errno : 0;
}

/*
 * Both drivers call themselves vfio-pci; only the stock one comes with
 * vfio_pci_core.  Tests of deliberate differences ask this.
 */
bool vfio_driver_is_stock(void)
{
	struct stat st;

	return stat("/sys/module/vfio_pci_core", &st) == 0;
}

const char *vfio_mode_name(unsigned long mode)
{
	switch (mode) {
	case VFIO_TYPE1_IOMMU:
		return "type1";
	case VFIO_TYPE1v2_IOMMU:
		return "type1v2";
	case VFIO_IOMMUFD:
		return "iommufd";
	default:
		return "unknown";
	}
}

/* /dev/vfio/devices/vfioN of @bdf, from its sysfs vfio-dev/ directory. */
static int vfio_cdev_path(const char *bdf, char *path, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!strncmp(e->d_name, "vfio", 4)) {
			snprintf(path, len, "/dev/vfio/devices/%s", e->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

const char *vfio_mode_missing(const char *bdf, unsigned long mode)
{
	static char why[128];
	char path[PATH_MAX];

	if (mode != VFIO_IOMMUFD)
		return NULL;
	if (access("/dev/iommu", R_OK | W_OK))
		return "iommufd mode: no /dev/iommu (kernel without CONFIG_IOMMUFD)";
	if (vfio_cdev_path(bdf, path, sizeof(path))) {
		snprintf(why, sizeof(why),
			 "iommufd mode: %s has no vfio-dev/ (kernel without CONFIG_VFIO_DEVICE_CDEV)",
			 bdf);
		return why;
	}
	return NULL;
}

/* Group, container of type @iommu_type, device fd asked for by @name. */
static int vfio_dev_open_group(struct vfio_dev *dev, const char *name,
			       unsigned long iommu_type)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int ret;

	dev->container_fd = open("/dev/vfio/vfio", O_RDWR);
	if (dev->container_fd < 0)
		return -errno;
	snprintf(path, sizeof(path), "/dev/vfio/%d", dev->group);
	dev->group_fd = open(path, O_RDWR);
	if (dev->group_fd < 0)
		return -errno;

	ret = __vfio_ioctl(dev->group_fd, VFIO_GROUP_GET_STATUS, &status);
	if (ret)
		return ret;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EPERM;
	ret = __vfio_ioctl(dev->group_fd, VFIO_GROUP_SET_CONTAINER,
			   &dev->container_fd);
	if (ret)
		return ret;
	if (ioctl(dev->container_fd, VFIO_SET_IOMMU, iommu_type) < 0)
		return -errno;

	dev->fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, name);
	return dev->fd < 0 ? -errno : 0;
}

/*
 * @bdf's cdev opened and bound to @iommufd, presenting the 16-byte VF
 * token @token unless NULL: the fd, or -errno.
 */
static int vfio_cdev_bind(const char *bdf, int iommufd, __u32 *devid,
			  const __u8 *token)
{
	struct vfio_bind_iommufd_token bind = {
		.argsz = sizeof(bind),
		.flags = token ? VFIO_BIND_FLAG_TOKEN : 0,
		.iommufd = iommufd,
		.token_uuid_ptr = (uintptr_t)token,
	};
	char path[PATH_MAX];
	int fd, ret;

	ret = vfio_cdev_path(bdf, path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	ret = __vfio_ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (ret) {
		close(fd);
		return ret;
	}
	if (devid)
		*devid = bind.out_devid;
	return fd;
}

/*
 * The cdev, bound to a new iommufd (with @token, unless NULL) and attached
 * to a new IOAS in it.
 */
static int vfio_dev_open_cdev(struct vfio_dev *dev, const char *bdf,
			      const __u8 *token)
{
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	int ret;

	dev->iommufd = open("/dev/iommu", O_RDWR);
	if (dev->iommufd < 0)
		return -errno;
	dev->fd = vfio_cdev_bind(bdf, dev->iommufd, &dev->devid, token);
	if (dev->fd < 0)
		return dev->fd;
	ret = __vfio_ioctl(dev->iommufd, IOMMU_IOAS_ALLOC, &alloc);
	if (ret)
		return ret;
	dev->ioas_id = alloc.out_ioas_id;
	attach.pt_id = dev->ioas_id;
	return __vfio_ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
}

/* The device opened by @name (a group) or with @token (the cdev). */
static int vfio_dev_open_as(struct vfio_dev *dev, const char *bdf,
			    const char *name, const __u8 *token,
			    unsigned long mode)
{
	int ret;

	memset(dev, 0, sizeof(*dev));
	dev->container_fd = -1;
	dev->group_fd = -1;
	dev->iommufd = -1;
	dev->fd = -1;
	dev->mode = mode;
	snprintf(dev->bdf, sizeof(dev->bdf), "%s", bdf);

	dev->group = vfio_sysfs_group(bdf);
	if (dev->group < 0)
		return dev->group;

	if (mode == VFIO_IOMMUFD)
		ret = strcmp(name, bdf) ? -EINVAL : vfio_dev_open_cdev(dev, bdf, token);
	else
		ret = vfio_dev_open_group(dev, name, mode);
	if (ret)
		goto out_close;

	dev->info.argsz = sizeof(dev->info);
	ret = __vfio_ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &dev->info);
	if (ret)
		goto out_close;
	return 0;

out_close:
	vfio_dev_close(dev);
	return ret;
}

int __vfio_dev_open_name(struct vfio_dev *dev, const char *bdf,
			 const char *name, unsigned long mode)
{
	return vfio_dev_open_as(dev, bdf, name, NULL, mode);
}

int __vfio_dev_open_token(struct vfio_dev *dev, const char *bdf, const __u8 *token)
{
	return vfio_dev_open_as(dev, bdf, bdf, token, VFIO_IOMMUFD);
}

int __vfio_dev_open(struct vfio_dev *dev, const char *bdf, unsigned long mode)
{
	return __vfio_dev_open_name(dev, bdf, bdf, mode);
}

/*
 * Whether the VFIO core's VFIO_DEVICE_BIND_IOMMUFD knows token_uuid_ptr,
 * asked of the core alone: with iommufd -1 the bind fails before the
 * device or its driver is reached.  A core that reads the struct with
 * copy_struct_from_user() (6.17+, with the token) refuses a non-zero byte
 * past its own struct (-E2BIG; the byte is far past any struct it may
 * grow to), and takes token_uuid_ptr as its own (-EINVAL for the
 * iommufd); an older core reads the first 16 bytes only, and says -EINVAL
 * to both.
 */
static bool vfio_core_bind_has_token(int cdev_fd)
{
	struct {
		struct vfio_bind_iommufd_token bind;
		__u8 beyond[256];
	} arg = {
		.bind = { .argsz = sizeof(arg), .iommufd = -1 },
	};

	arg.beyond[sizeof(arg.beyond) - 1] = 1;

	if (__vfio_ioctl(cdev_fd, VFIO_DEVICE_BIND_IOMMUFD, &arg) != -E2BIG)
		return false;
	arg.bind.argsz = sizeof(arg.bind);
	arg.bind.token_uuid_ptr = 1;
	return __vfio_ioctl(cdev_fd, VFIO_DEVICE_BIND_IOMMUFD, &arg) == -EINVAL;
}

const char *vfio_cdev_token_missing(const char *bdf)
{
	const char *why = vfio_mode_missing(bdf, VFIO_IOMMUFD);
	char path[PATH_MAX];
	bool has;
	int fd;

	if (why)
		return why;
	if (vfio_cdev_path(bdf, path, sizeof(path)))
		return "no cdev";
	fd = open(path, O_RDWR);
	if (fd < 0)
		return "cannot open the device cdev";
	has = vfio_core_bind_has_token(fd);
	close(fd);
	if (!has)
		return "the VFIO core's BIND_IOMMUFD takes no VF token (kernel before 6.17)";
	return NULL;
}

void vfio_dev_open(struct vfio_dev *dev, const char *bdf, unsigned long mode)
{
	int ret = __vfio_dev_open(dev, bdf, mode);

	if (ret) {
		errno = -ret;
		VFIO_FAIL("cannot open %s through VFIO (%s)", bdf, vfio_mode_name(mode));
	}
}

void vfio_dev_close(struct vfio_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	if (dev->group_fd >= 0)
		close(dev->group_fd);
	if (dev->container_fd >= 0)
		close(dev->container_fd);
	if (dev->iommufd >= 0)
		close(dev->iommufd);
	dev->fd = -1;
	dev->group_fd = -1;
	dev->container_fd = -1;
	dev->iommufd = -1;
}

int __vfio_dma_map(struct vfio_dev *dev, void *vaddr, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (unsigned long)vaddr,
		.iova = iova,
		.size = size,
	};
	struct iommu_ioas_map ioas_map = {
		.size = sizeof(ioas_map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = dev->ioas_id,
		.user_va = (unsigned long)vaddr,
		.length = size,
		.iova = iova,
	};

	if (dev->mode == VFIO_IOMMUFD)
		return __vfio_ioctl(dev->iommufd, IOMMU_IOAS_MAP, &ioas_map);
	return __vfio_ioctl(dev->container_fd, VFIO_IOMMU_MAP_DMA, &map);
}

int __vfio_dma_unmap(struct vfio_dev *dev, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};
	struct iommu_ioas_unmap ioas_unmap = {
		.size = sizeof(ioas_unmap),
		.ioas_id = dev->ioas_id,
		.iova = iova,
		.length = size,
	};
	__u64 done;
	int ret;

	if (dev->mode == VFIO_IOMMUFD) {
		ret = __vfio_ioctl(dev->iommufd, IOMMU_IOAS_UNMAP, &ioas_unmap);
		done = ioas_unmap.length;
	} else {
		ret = __vfio_ioctl(dev->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap);
		done = unmap.size;
	}
	if (!ret && done != size)
		ret = -EIO;
	return ret;
}

int __vfio_region_info(struct vfio_dev *dev, unsigned int index,
		       struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return __vfio_ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, info);
}

void vfio_region_info(struct vfio_dev *dev, unsigned int index,
		      struct vfio_region_info *info)
{
	int ret = __vfio_region_info(dev, index, info);

	if (ret) {
		errno = -ret;
		VFIO_FAIL("GET_REGION_INFO(%u) on %s", index, dev->bdf);
	}
}

int __vfio_irq_info(struct vfio_dev *dev, unsigned int index,
		    struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return __vfio_ioctl(dev->fd, VFIO_DEVICE_GET_IRQ_INFO, info);
}

void vfio_irq_info(struct vfio_dev *dev, unsigned int index,
		   struct vfio_irq_info *info)
{
	int ret = __vfio_irq_info(dev, index, info);

	if (ret) {
		errno = -ret;
		VFIO_FAIL("GET_IRQ_INFO(%u) on %s", index, dev->bdf);
	}
}

static int region_offset(struct vfio_dev *dev, unsigned int index, __u64 *off)
{
	struct vfio_region_info info;
	int ret = __vfio_region_info(dev, index, &info);

	if (!ret)
		*off = info.offset;
	return ret;
}

ssize_t __vfio_region_read(struct vfio_dev *dev, unsigned int index,
			   __u64 off, void *buf, size_t len)
{
	__u64 base;
	ssize_t n;
	int ret;

	ret = region_offset(dev, index, &base);
	if (ret)
		return ret;
	n = pread(dev->fd, buf, len, base + off);
	return n < 0 ? -errno : n;
}

ssize_t __vfio_region_write(struct vfio_dev *dev, unsigned int index,
			    __u64 off, const void *buf, size_t len)
{
	__u64 base;
	ssize_t n;
	int ret;

	ret = region_offset(dev, index, &base);
	if (ret)
		return ret;
	n = pwrite(dev->fd, buf, len, base + off);
	return n < 0 ? -errno : n;
}

void vfio_region_read(struct vfio_dev *dev, unsigned int index, __u64 off,
		      void *buf, size_t len)
{
	ssize_t n = __vfio_region_read(dev, index, off, buf, len);

	if (n != (ssize_t)len) {
		errno = n < 0 ? -n : 0;
		VFIO_FAIL("read of %zu bytes at %#llx in region %u of %s: %zd",
			  len, (unsigned long long)off, index, dev->bdf, n);
	}
}

void vfio_region_write(struct vfio_dev *dev, unsigned int index, __u64 off,
		       const void *buf, size_t len)
{
	ssize_t n = __vfio_region_write(dev, index, off, buf, len);

	if (n != (ssize_t)len) {
		errno = n < 0 ? -n : 0;
		VFIO_FAIL("write of %zu bytes at %#llx in region %u of %s: %zd",
			  len, (unsigned long long)off, index, dev->bdf, n);
	}
}

int __vfio_set_irqs(struct vfio_dev *dev, __u32 flags, __u32 index,
		    __u32 start, __u32 count, const void *data)
{
	size_t each = 0, len;
	struct vfio_irq_set *set;
	int ret;

	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		each = sizeof(__u8);
	else if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		each = sizeof(__s32);
	len = sizeof(*set) + each * count;
	set = calloc(1, len);
	if (!set)
		return -ENOMEM;
	set->argsz = len;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (each && data)
		memcpy(set->data, data, each * count);
	ret = __vfio_ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, set);
	free(set);
	return ret;
}

void vfio_set_irqs(struct vfio_dev *dev, __u32 flags, __u32 index,
		   __u32 start, __u32 count, const void *data)
{
	int ret = __vfio_set_irqs(dev, flags, index, start, count, data);

	if (ret) {
		errno = -ret;
		VFIO_FAIL("SET_IRQS(flags %#x index %u start %u count %u) on %s",
			  flags, index, start, count, dev->bdf);
	}
}

int vfio_eventfd_new(void)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	VFIO_ASSERT(efd >= 0, "eventfd");
	return efd;
}

__u64 vfio_eventfd_wait(int efd, int timeout_ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	__u64 val = 0;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	if (read(efd, &val, sizeof(val)) != sizeof(val))
		return 0;
	return val;
}

double vfio_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int vfio_bench_args(int argc, char *argv[], long *n, const char *usage)
{
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1)
		if (opt == 'n')
			*n = atol(optarg);
	if (optind >= argc) {
		fprintf(stderr, "usage: %s %s\n", argv[0], usage);
		exit(2);
	}
	return optind;
}

__u32 vfio_cfg_read(struct vfio_dev *dev, unsigned int off, unsigned int width)
{
	__u32 val = 0;

	vfio_region_read(dev, VFIO_PCI_CONFIG_REGION_INDEX, off, &val, width);
	return val;	/* config space is little-endian, like the host here */
}

void vfio_cfg_write(struct vfio_dev *dev, unsigned int off, unsigned int width,
		    __u32 val)
{
	vfio_region_write(dev, VFIO_PCI_CONFIG_REGION_INDEX, off, &val, width);
}

int __vfio_hot_reset(int device_fd, const __s32 *group_fds, unsigned int count)
{
	struct {
		struct vfio_pci_hot_reset hdr;
		__s32 fds[8];
	} r = {};

	if (count > 8)
		return -E2BIG;
	r.hdr.argsz = sizeof(r.hdr) + count * sizeof(__s32);
	r.hdr.count = count;
	if (count)
		memcpy(r.fds, group_fds, count * sizeof(__s32));
	return __vfio_ioctl(device_fd, VFIO_DEVICE_PCI_HOT_RESET, &r);
}

int vfio_hot_reset_self(struct vfio_dev *dev)
{
	if (dev->mode == VFIO_IOMMUFD)
		return __vfio_hot_reset(dev->fd, NULL, 0);
	return __vfio_hot_reset(dev->fd, &dev->group_fd, 1);
}

int vfio_dev_fd_beside(struct vfio_dev *dev, const char *bdf)
{
	int fd;

	if (dev->mode == VFIO_IOMMUFD)
		return vfio_cdev_bind(bdf, dev->iommufd, NULL, NULL);
	fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, bdf);
	return fd < 0 ? -errno : fd;
}

struct vfio_region_info *vfio_region_info_caps(struct vfio_dev *dev, unsigned int index)
{
	struct vfio_region_info *info = calloc(1, 4096);

	VFIO_ASSERT(info, "calloc");
	info->argsz = 4096;
	info->index = index;
	VFIO_ASSERT(!ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, info), "region info");
	return info;
}

struct vfio_info_cap_header *vfio_region_find_cap(struct vfio_region_info *info,
						  unsigned int id)
{
	__u32 off = info->flags & VFIO_REGION_INFO_FLAG_CAPS ? info->cap_offset : 0;

	while (off) {
		struct vfio_info_cap_header *hdr = (void *)info + off;

		if (hdr->id == id)
			return hdr;
		off = hdr->next;
	}
	return NULL;
}

int vfio_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

bool vfio_kmsg_grep(int fd, const char *needle)
{
	char rec[2048];
	bool found = false;
	ssize_t len;

	/* EPIPE: records overwritten before they were read; read on. */
	while ((len = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (len < 0 && errno == EPIPE)) {
		if (len < 0)
			continue;
		rec[len] = '\0';
		found |= !!strstr(rec, needle);
	}
	return found;
}

int vfio_vgaarb_stats(const char *bdf, struct vfio_vgaarb_stats *st)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
#define VGAARB_KEY(k) { #k, offsetof(struct vfio_vgaarb_stats, k) }
		VGAARB_KEY(gets), VGAARB_KEY(contended_gets),
		VGAARB_KEY(wait_ns_total), VGAARB_KEY(wait_ns_max),
		VGAARB_KEY(hold_ns_total), VGAARB_KEY(hold_ns_max),
		VGAARB_KEY(routed_in), VGAARB_KEY(routed_out),
		VGAARB_KEY(decode_changes), VGAARB_KEY(hog_warnings),
#undef VGAARB_KEY
	};
	char path[PATH_MAX], key[32], val[64];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/vgaarb/%s", bdf);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	memset(st, 0, sizeof(*st));
	while (fscanf(f, "%31s %63s", key, val) == 2) {
		if (!strcmp(key, "holder"))
			snprintf(st->holder, sizeof(st->holder), "%s", val);
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strcmp(key, keys[i].key))
				*(unsigned long long *)((char *)st + keys[i].off) =
					strtoull(val, NULL, 10);
	}
	fclose(f);
	return 0;
}

int vfio_kconfig(const char *name)
{
	char path[PATH_MAX], line[256];
	size_t len = strlen(name);
	struct utsname u;
	int val = 'n';
	FILE *f;

	if (uname(&u))
		return 0;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == '=') {
			val = line[len + 1];
			break;
		}
	fclose(f);
	return val;
}

bool vfio_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

const char *vfio_huge_pfnmap_missing(unsigned long size)
{
	const char *opt = size == 1UL << 30 ? "CONFIG_ARCH_SUPPORTS_PUD_PFNMAP" :
			  size == 1UL << 21 ? "CONFIG_ARCH_SUPPORTS_PMD_PFNMAP" : NULL;
	static char why[128];
	int val;

	if (!opt)
		return "no page table leaf of that size";
	val = vfio_kconfig(opt);
	if (val == 'y')
		return NULL;
	if (val) {
		snprintf(why, sizeof(why), "kernel without %s", opt);
		return why;
	}
#ifdef __x86_64__
	/* 6.12's x86-64 selects both with CONFIG_TRANSPARENT_HUGEPAGE. */
	if (access("/sys/kernel/mm/transparent_hugepage", F_OK))
		return "kernel without transparent huge pages (no sysfs transparent_hugepage)";
	return NULL;
#else
	snprintf(why, sizeof(why), "no kernel config to tell %s", opt);
	return why;
#endif
}

void *vfio_mmap_aligned(struct vfio_dev *dev, __u64 offset, size_t len,
			size_t align, size_t skew, int prot)
{
	size_t span = len + align + skew;
	char *res, *at, *p;
	int err;

	res = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return MAP_FAILED;
	at = (char *)(((uintptr_t)res + align - 1) & ~(uintptr_t)(align - 1)) + skew;
	p = mmap(at, len, prot, MAP_SHARED | MAP_FIXED, dev->fd, offset);
	if (p == MAP_FAILED) {
		err = errno;
		munmap(res, span);
		errno = err;
		return MAP_FAILED;
	}
	if (at > res)
		munmap(res, at - res);
	if (res + span > at + len)
		munmap(at + len, res + span - (at + len));
	return p;
}
