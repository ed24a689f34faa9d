// SPDX-License-Identifier: GPL-2.0-only
/*
 * What vfio-pci refuses to bind: a physical function whose SR-IOV virtual
 * functions are enabled (they belong to someone else, and every reset of
 * the PF would take them away), and the devices of the denylist (unless
 * disable_denylist says otherwise); and a VF of such a PF, which it takes.
 * And that an unbind frees what the bind allocated.
 *
 * Usage: vfio_pci_probe_test [harness options] BDF
 * BDF is an SR-IOV capable PF that is *not* bound to vfio-pci (the rig's
 * 0000:05:00.0, an NVMe controller).  The PF driver that enables the VFs is
 * pci-pf-stub; the test binds the PF to it, and gives the PF back unbound
 * with driver_override cleared, its VFs disabled.
 */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

static const char *bdf;

/* The PCI core's resource flags (include/linux/ioport.h). */
#define IORESOURCE_PREFETCH	0x00002000
#define IORESOURCE_MEM_64	0x00100000

/* An attribute of the PF. */
static int dev_write(const char *attr, const char *val)
{
	return vfio_sysfs_dev_write(bdf, attr, val);
}

static bool bound_to(const char *drv)
{
	char name[64];

	return !vfio_sysfs_driver(bdf, name, sizeof(name)) && !strcmp(name, drv);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Unbind from whatever driver, and bind to @drv through driver_override. */
static int bind_to(const char *drv)
{
	char name[64];
	int ret;

	if (!vfio_sysfs_driver(bdf, name, sizeof(name))) {
		if (!strcmp(name, drv))
			return 0;
		ret = vfio_sysfs_drv_write(name, "unbind", bdf);
		if (ret)
			return ret;
	}
	ret = dev_write("driver_override", drv);
	if (ret)
		return ret;
	return vfio_sysfs_drv_write(drv, "bind", bdf);
}

/* The PF as it came: no VFs, no driver, no override. */
static void put_back(void)
{
	char name[64];

	if (bound_to("pci-pf-stub"))
		dev_write("sriov_numvfs", "0");
	if (!vfio_sysfs_driver(bdf, name, sizeof(name)))
		vfio_sysfs_drv_write(name, "unbind", bdf);
	dev_write("driver_override", "\n");
}

/* Why the PF cannot be used here, or NULL. */
static const char *pf_unusable(void)
{
	unsigned long total;
	char name[64];

	if (vfio_sysfs_read_hex(bdf, "sriov_totalvfs", &total) || !total)
		return "not an SR-IOV physical function";
	if (!vfio_sysfs_driver(bdf, name, sizeof(name)) &&
	    strcmp(name, "pci-pf-stub") && strcmp(name, "vfio-pci"))
		return "bound to another driver";
	if (!exists("/sys/bus/pci/drivers/pci-pf-stub"))
		return "no pci-pf-stub driver (load pci-pf-stub.ko)";
	if (!exists("/sys/bus/pci/drivers/vfio-pci"))
		return "vfio-pci is not loaded";
	return NULL;
}

/* Put the PF under pci-pf-stub with one VF: NULL, or why not (put back). */
static const char *stub_pf_with_vf(void)
{
	static char why[64];
	const char *unusable = pf_unusable();
	int ret;

	if (unusable)
		return unusable;
	ret = bind_to("pci-pf-stub");
	if (!ret)
		ret = dev_write("sriov_numvfs", "1");
	if (!ret)
		return NULL;
	put_back();
	snprintf(why, sizeof(why), "cannot enable a VF under pci-pf-stub: %d", ret);
	return why;
}

/*
 * With one VF enabled the PF is refused with -EBUSY, like stock: opening
 * or resetting it would reset the VF, which is not the user's.  Without
 * VFs it binds.
 */
TEST(sriov_pf_with_vfs_refused)
{
	const char *why = stub_pf_with_vf();
	int ret;

	if (why)
		SKIP(return, "%s: %s", bdf, why);
	ASSERT_EQ(0, vfio_sysfs_drv_write("pci-pf-stub", "unbind", bdf));

	ret = bind_to("vfio-pci");
	EXPECT_EQ(-EBUSY, ret);
	EXPECT_FALSE(bound_to("vfio-pci"));

	/* Back to pci-pf-stub to disable the VF, then vfio-pci must take it. */
	if (bound_to("vfio-pci"))
		vfio_sysfs_drv_write("vfio-pci", "unbind", bdf);
	ASSERT_EQ(0, bind_to("pci-pf-stub"));
	ASSERT_EQ(0, dev_write("sriov_numvfs", "0"));
	ret = bind_to("vfio-pci");
	put_back();
	ASSERT_EQ(0, ret);
}

/* Bind the VF @vf (not the PF) to vfio-pci: unbound first, by override. */
static int vf_bind_vfio(const char *vf)
{
	char name[64];

	if (!vfio_sysfs_driver(vf, name, sizeof(name)) &&
	    vfio_sysfs_drv_write(name, "unbind", vf))
		return -EBUSY;
	if (vfio_sysfs_dev_write(vf, "driver_override", "vfio-pci"))
		return -EINVAL;
	return vfio_sysfs_drv_write("vfio-pci", "bind", vf);
}

static void vf_unbind_vfio(const char *vf)
{
	vfio_sysfs_drv_write("vfio-pci", "unbind", vf);
	vfio_sysfs_dev_write(vf, "driver_override", "\n");
}

/*
 * A VF of a PF in another driver's hands (pci-pf-stub) is a device like
 * any other for vfio-pci.  A VF's vendor and device ID read all-ones, its
 * BARs read zero and its Memory Space Enable is hardwired to zero (the
 * SR-IOV spec): it must still open, show the IDs sysfs shows and its
 * BARs' types, and reach its BAR once the user sets memory enable through
 * the config region.
 */
TEST(vf_of_another_pf_usable)
{
	const char *why = stub_pf_with_vf();
	unsigned long vendor, device;
	char link[256], vf[32], path[256];
	struct vfio_dev dev;
	ssize_t n, off = 0, on = 0;
	unsigned long long res_start, res_end, res_flags;
	__u16 ids[2], cmd;
	__u32 bar0, bar0_cfg = 0;
	int ret;

	if (why)
		SKIP(return, "%s: %s", bdf, why);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/virtfn0", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_LT(0, n);
	link[n] = '\0';
	snprintf(vf, sizeof(vf), "%s", strrchr(link, '/') + 1);
	ASSERT_EQ(0, vfio_sysfs_read_hex(vf, "vendor", &vendor));
	ASSERT_EQ(0, vfio_sysfs_read_hex(vf, "device", &device));
	ASSERT_EQ(0, vfio_sysfs_resource(vf, 0, &res_start, &res_end, &res_flags));

	ret = vf_bind_vfio(vf);
	if (!ret)
		ret = __vfio_dev_open(&dev, vf, VFIO_TYPE1v2_IOMMU);
	if (!ret) {
		vfio_region_read(&dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, ids, sizeof(ids));
		vfio_region_read(&dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_BASE_ADDRESS_0,
				 &bar0_cfg, sizeof(bar0_cfg));
		vfio_region_read(&dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
				 &cmd, sizeof(cmd));
		cmd &= ~PCI_COMMAND_MEMORY;
		vfio_region_write(&dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
				  &cmd, sizeof(cmd));
		off = __vfio_region_read(&dev, VFIO_PCI_BAR0_REGION_INDEX, 0, &bar0,
					 sizeof(bar0));
		cmd |= PCI_COMMAND_MEMORY;
		vfio_region_write(&dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
				  &cmd, sizeof(cmd));
		cmd = 0;
		vfio_region_read(&dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
				 &cmd, sizeof(cmd));
		on = __vfio_region_read(&dev, VFIO_PCI_BAR0_REGION_INDEX, 0, &bar0,
					sizeof(bar0));
		vfio_dev_close(&dev);
	}
	vf_unbind_vfio(vf);
	dev_write("sriov_numvfs", "0");
	put_back();

	ASSERT_EQ(0, ret) TH_LOG("%s: cannot open the VF", vf);
	EXPECT_EQ(vendor, ids[0]);
	EXPECT_EQ(device, ids[1]);
	/* BAR0's type bits (its own read zero) as the PCI core has the BAR. */
	EXPECT_EQ(res_flags & IORESOURCE_MEM_64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0,
		  bar0_cfg & PCI_BASE_ADDRESS_MEM_TYPE_MASK);
	EXPECT_EQ(res_flags & IORESOURCE_PREFETCH ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0,
		  bar0_cfg & PCI_BASE_ADDRESS_MEM_PREFETCH);
	EXPECT_TRUE(cmd & PCI_COMMAND_MEMORY);
	/*
	 * Ours: the BAR follows the user's Memory Space Enable, as on any
	 * device.  Stock lets a VF's BAR be read whatever the bit says.
	 * (What it reads says nothing here: QEMU's NVMe VF answers 0 while
	 * its PF has not brought it online.)
	 */
	EXPECT_EQ(vfio_driver_is_stock() ? (ssize_t)sizeof(bar0) : -EIO, off);
	EXPECT_EQ((ssize_t)sizeof(bar0), on);
}

/* The denylist's override exists on both drivers, read-only, off by default. */
TEST(denylist_parameter)
{
	const char *p = "/sys/module/vfio_pci/parameters/disable_denylist";
	struct stat st;
	char c = 0;
	int fd;

	ASSERT_EQ(0, stat(p, &st)) TH_LOG("%s missing", p);
	ASSERT_EQ(0, st.st_mode & 0222);
	fd = open(p, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, read(fd, &c, 1));
	close(fd);
	ASSERT_EQ('N', c);
}

/*
 * The bytes of every slab cache's objects in use (/proc/slabinfo: name,
 * active_objs, num_objs, objsize, ...), or -1 when it cannot be read.
 */
static long long slab_bytes_in_use(void)
{
	char line[512], name[64];
	unsigned long active, total, size;
	long long sum = 0;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lu %lu %lu", name, &active, &total, &size) == 4)
			sum += (long long)active * size;
	fclose(f);
	return sum;
}

#define UNBIND_CYCLES		128
#define UNBIND_WARMUP		16

/*
 * Every bind allocates a VFIO device and every unbind must free it: on 6.1
 * the VFIO core leaves that to the driver's release op.  After a warm-up
 * (slab caches filled), UNBIND_CYCLES binds and unbinds must leave the
 * slab caches' bytes in use nearly where they were: a device structure
 * lost per cycle (about 1.5 KiB, in a 2 KiB object) grows them by 256 KiB,
 * the noise of per-CPU slabs is a few tens.  Not a kmemleak scan, which
 * Debian's kernels do not have.
 */
TEST(unbind_frees_the_device)
{
	const char *unusable = pf_unusable();
	long long before = 0, after;
	int i, ret = 0;

	if (unusable)
		SKIP(return, "%s: %s", bdf, unusable);
	if (slab_bytes_in_use() < 0)
		SKIP(return, "no /proc/slabinfo");
	if (vfio_kconfig("CONFIG_KASAN") == 'y')
		SKIP(return, "KASAN's quarantine keeps freed objects");

	for (i = 0; !ret && i < UNBIND_WARMUP + UNBIND_CYCLES; i++) {
		if (i == UNBIND_WARMUP)
			before = slab_bytes_in_use();
		ret = bind_to("vfio-pci");
		if (!ret)
			ret = vfio_sysfs_drv_write("vfio-pci", "unbind", bdf);
	}
	after = slab_bytes_in_use();
	put_back();
	ASSERT_EQ(0, ret) TH_LOG("cycle %d", i);
	EXPECT_LT(after - before, UNBIND_CYCLES * 512LL)
		TH_LOG("slab bytes in use grew by %lld over %d binds and unbinds",
		       after - before, UNBIND_CYCLES);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
