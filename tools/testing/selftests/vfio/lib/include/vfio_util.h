/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small library for the vfio-pci selftests: pick the device under test,
 * open container -> group -> device, and wrap the VFIO ioctls.
 *
 * Helpers come in pairs: __vfio_x() returns 0 or -errno and never fails the
 * test; vfio_x() asserts success, printing file, line and errno.
 */
#ifndef VFIO_UTIL_H
#define VFIO_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#define VFIO_BDF_LEN 16

/* The fixed part of each info struct: what argsz must at least cover. */
#define VFIO_DEVICE_INFO_MINSZ	offsetof(struct vfio_device_info, cap_offset)
#define VFIO_REGION_INFO_MINSZ	sizeof(struct vfio_region_info)
#define VFIO_IRQ_INFO_MINSZ	sizeof(struct vfio_irq_info)

/*
 * Feature numbers that the uAPI has from 7.2 on (DMA_BUF and
 * MIG_PRECOPY_INFOv2), under names of our own: in a kernel tree the tests
 * build against that tree's uAPI, which before 7.2 lacks them.
 */
#define VFIO_FEATURE_DMA_BUF			11
#define VFIO_FEATURE_MIG_PRECOPY_INFO_V2	12

/*
 * VFIO_DEVICE_BIND_IOMMUFD with a VF token (6.17 on), under names of our
 * own for the same reason: before 6.17 the uAPI has neither the flag nor
 * the field.  The layout is the uAPI's.
 */
#define VFIO_BIND_FLAG_TOKEN	0x1	/* VFIO_DEVICE_BIND_FLAG_TOKEN */

struct vfio_bind_iommufd_token {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;
};

/* Print where and why, then fail the current test (each TEST runs in its own process). */
#define VFIO_FAIL(fmt, ...) do {						\
	fprintf(stderr, "%s:%d: " fmt " (errno %d: %s)\n", __FILE__,		\
		__LINE__, ##__VA_ARGS__, errno, strerror(errno));		\
	exit(1);								\
} while (0)

#define VFIO_ASSERT(cond, fmt, ...) do {					\
	if (!(cond))								\
		VFIO_FAIL("assertion '%s' failed: " fmt, #cond, ##__VA_ARGS__);	\
} while (0)

/*
 * One 32-bit access to a mapped BAR.  Atomic accesses are never merged,
 * split or left out by the compiler, which is what device registers need.
 */
static inline __u32 vfio_mmio_read32(const __u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void vfio_mmio_write32(__u32 *p, __u32 val)
{
	__atomic_store_n(p, val, __ATOMIC_RELAXED);
}

/* Call an ioctl; 0 or -errno. */
#define __vfio_ioctl(fd, req, arg) (ioctl((fd), (req), (arg)) < 0 ? -errno : 0)

/*
 * The two ways into a device (upstream's selftests call them IOMMU modes):
 * a VFIO IOMMU type (VFIO_TYPE1v2_IOMMU, ...) opens it through its group
 * and a container of that type; VFIO_IOMMUFD opens its cdev
 * /dev/vfio/devices/vfioN, binds it to a new iommufd and attaches it to a
 * new IOAS.  VFIO_IOMMUFD is not a VFIO IOMMU type; its value is outside
 * their range.
 */
#define VFIO_IOMMUFD	0x10000UL

/**
 * struct vfio_dev - an opened device
 * @bdf: its PCI address, "0000:01:00.0"
 * @group: its IOMMU group number
 * @mode: how it was opened: a VFIO IOMMU type, or VFIO_IOMMUFD
 * @container_fd: /dev/vfio/vfio, with the group attached and an IOMMU set
 *	(-1 with VFIO_IOMMUFD)
 * @group_fd: /dev/vfio/@group (-1 with VFIO_IOMMUFD)
 * @iommufd: /dev/iommu, with VFIO_IOMMUFD (else -1)
 * @ioas_id: the IOAS the device is attached to, with VFIO_IOMMUFD
 * @devid: the device's id in @iommufd, with VFIO_IOMMUFD
 * @fd: the device fd
 * @info: VFIO_DEVICE_GET_INFO, taken at open
 */
struct vfio_dev {
	char bdf[VFIO_BDF_LEN];
	int group;
	unsigned long mode;
	int container_fd;
	int group_fd;
	int iommufd;
	__u32 ioas_id;
	__u32 devid;
	int fd;
	struct vfio_device_info info;
};

/* Device selection: the BDF at the end of argv, else $VFIO_SELFTESTS_BDF. */
const char *vfio_selftests_get_bdf(int *argc, char *argv[]);
const char *vfio_selftests_bdf(void);
bool vfio_is_bdf(const char *s);

/* Write @val to the file @path (sysfs, procfs knobs); 0 or -errno. */
int vfio_write_file(const char *path, const char *val);
/* The same for attribute @attr of PCI device @bdf, or of PCI driver @drv. */
int vfio_sysfs_dev_write(const char *bdf, const char *attr, const char *val);
int vfio_sysfs_drv_write(const char *drv, const char *attr, const char *val);

/* sysfs facts about a PCI device. */
int vfio_sysfs_group(const char *bdf);
int vfio_sysfs_read_config(const char *bdf, void *buf, size_t len);
int vfio_sysfs_read_hex(const char *bdf, const char *attr, unsigned long *val);
int vfio_sysfs_driver(const char *bdf, char *name, size_t len);
/*
 * The sysfs name of @bdf's parent: the BDF of the bridge above it, or
 * "pciDDDD:BB" on a root bus.  0 or -errno.
 */
int vfio_sysfs_parent(const char *bdf, char *name, size_t len);
/*
 * The first card of VFIO_SELFTESTS_VGA_BDFS other than @except (may be
 * NULL) that sits behind a bridge and is bound to vfio-pci, into @out;
 * false when there is none.
 */
bool vfio_vga_bridged_card(const char *except, char *out, size_t len);
/* Line @bar of sysfs resource: the PCI core's start, end and flags. */
int vfio_sysfs_resource(const char *bdf, unsigned int bar, unsigned long long *start,
			unsigned long long *end, unsigned long long *flags);

/*
 * What the device itself says, through sysfs and never through VFIO: the
 * offset of standard capability @id in its config space (0 if absent), the
 * vector counts of its MSI and MSI-X capabilities (0 without one), whether
 * the PCI core has a reset method for it that can work (reset_method lists
 * one, and not only a bus reset while another function shares the bus),
 * and whether it has a ROM (a "rom" file or a ROM resource).
 */
unsigned int vfio_sysfs_cap(const char *bdf, unsigned int id);
/*
 * The offset of standard capability @id in the 256 config bytes @cfg
 * (sysfs's or the VFIO config region's), 0 if absent; a chain that loops
 * fails the caller's test.
 */
unsigned int vfio_cfg_find_cap(const unsigned char *cfg, unsigned int id);
unsigned int vfio_sysfs_msi_count(const char *bdf);
unsigned int vfio_sysfs_msix_count(const char *bdf);
bool vfio_sysfs_has_reset(const char *bdf);
bool vfio_sysfs_has_rom(const char *bdf);

/*
 * Devices a test needs beside the one it was given, found in sysfs (the
 * first in name order), their names into @buf; false when there is none:
 * another function on @bdf's bus, which a bus or slot reset of @bdf
 * resets too; a device bound to vfio-pci on another bus and in another
 * IOMMU group than @bdf; the boot VGA device (boot_vga reads 1).
 */
bool vfio_sysfs_bus_sibling(const char *bdf, char *buf, size_t len);
bool vfio_sysfs_unrelated_vfio_dev(const char *bdf, char *buf, size_t len);
bool vfio_sysfs_boot_vga(char *buf, size_t len);

/*
 * VFIO_DEVICE_FLAGS_RESET of @dev, asserted to agree with the PCI core's
 * reset_method (both drivers set it when the reset at open worked, which
 * needs a method): a test may skip on false.
 */
bool vfio_dev_has_reset(struct vfio_dev *dev);
bool vfio_driver_is_stock(void);
/*
 * @sig wakes a process asleep in an interruptible wait and does nothing
 * else (a no-op handler, SA_RESTART), or, with @on false, has its default
 * action again.  For waking a VGA access that a lost arbiter wake-up left
 * asleep (vga_get() of a kernel without patches/vgaarb/0006).  Set it
 * before fork() so that no child can get @sig without it.  0 or -errno.
 */
int vfio_signal_wakes(int sig, bool on);

/*
 * Open the device in @mode (a VFIO IOMMU type, or VFIO_IOMMUFD); the __
 * variant returns -errno.
 */
int __vfio_dev_open(struct vfio_dev *dev, const char *bdf, unsigned long mode);
void vfio_dev_open(struct vfio_dev *dev, const char *bdf, unsigned long mode);
void vfio_dev_close(struct vfio_dev *dev);

/*
 * Open @bdf through its group, asking VFIO_GROUP_GET_DEVICE_FD for @name
 * (the device's name with options such as " vf_token=UUID", or anything a
 * test wants refused); @mode must be a VFIO IOMMU type (a cdev has no
 * name: -EINVAL).  0 or -errno, with everything closed on failure.
 */
int __vfio_dev_open_name(struct vfio_dev *dev, const char *bdf,
			 const char *name, unsigned long mode);

/*
 * Open @bdf through its cdev (VFIO_IOMMUFD), presenting the 16-byte VF
 * token @token with VFIO_DEVICE_BIND_FLAG_TOKEN, or no token when NULL.
 * 0 or -errno, with everything closed on failure.
 */
int __vfio_dev_open_token(struct vfio_dev *dev, const char *bdf, const __u8 *token);

/*
 * NULL when @bdf's cdev takes a VF token on this kernel, else why not
 * (for a SKIP): vfio_mode_missing() for VFIO_IOMMUFD, or a VFIO core whose
 * VFIO_DEVICE_BIND_IOMMUFD has no token (before 6.17), as the core alone
 * answers (a bind that fails before it reaches the device's driver).
 */
const char *vfio_cdev_token_missing(const char *bdf);

/*
 * NULL when @bdf can be opened in @mode on this kernel, else why not (for
 * a SKIP): VFIO_IOMMUFD needs CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV,
 * which show as the device's vfio-dev/ directory in sysfs and /dev/iommu.
 */
const char *vfio_mode_missing(const char *bdf, unsigned long mode);
const char *vfio_mode_name(unsigned long mode);

/*
 * Fixtures whose tests run once per IOMMU mode have a variant per mode,
 * type1v2 (.iommu_mode = VFIO_TYPE1v2_IOMMU) and iommufd (VFIO_IOMMUFD);
 * their setup SKIPs with vfio_mode_missing()'s reason before it opens the
 * device with vfio_dev_open(..., variant->iommu_mode).
 */

/*
 * Map @size bytes at @vaddr to @iova for device reads and writes, in the
 * container (type1) or the IOAS (VFIO_IOMMUFD) of @dev, and unmap them;
 * 0 or -errno.  Unmap also checks that exactly @size bytes went away.
 */
int __vfio_dma_map(struct vfio_dev *dev, void *vaddr, __u64 iova, __u64 size);
int __vfio_dma_unmap(struct vfio_dev *dev, __u64 iova, __u64 size);

int __vfio_region_info(struct vfio_dev *dev, unsigned int index,
		       struct vfio_region_info *info);
void vfio_region_info(struct vfio_dev *dev, unsigned int index,
		      struct vfio_region_info *info);
int __vfio_irq_info(struct vfio_dev *dev, unsigned int index,
		    struct vfio_irq_info *info);
void vfio_irq_info(struct vfio_dev *dev, unsigned int index,
		   struct vfio_irq_info *info);

/* pread/pwrite in a region; the __ variants return the byte count or -errno. */
ssize_t __vfio_region_read(struct vfio_dev *dev, unsigned int index,
			   __u64 off, void *buf, size_t len);
ssize_t __vfio_region_write(struct vfio_dev *dev, unsigned int index,
			    __u64 off, const void *buf, size_t len);
void vfio_region_read(struct vfio_dev *dev, unsigned int index, __u64 off,
		      void *buf, size_t len);
void vfio_region_write(struct vfio_dev *dev, unsigned int index, __u64 off,
		       const void *buf, size_t len);

/*
 * VFIO_DEVICE_SET_IRQS with @count entries of @data (__u8 for DATA_BOOL,
 * __s32 for DATA_EVENTFD, nothing for DATA_NONE); 0 or -errno.
 */
int __vfio_set_irqs(struct vfio_dev *dev, __u32 flags, __u32 index,
		    __u32 start, __u32 count, const void *data);
void vfio_set_irqs(struct vfio_dev *dev, __u32 flags, __u32 index,
		   __u32 start, __u32 count, const void *data);

/* Eventfds: a new one, and how often it fired within @timeout_ms (0: none). */
int vfio_eventfd_new(void);
__u64 vfio_eventfd_wait(int efd, int timeout_ms);

/*
 * VFIO_DEVICE_PCI_HOT_RESET on @device_fd with @count group fds as proof
 * (at most 8; none for a device opened through its cdev); 0 or -errno.
 */
int __vfio_hot_reset(int device_fd, const __s32 *group_fds, unsigned int count);

/*
 * A hot reset of @dev proven by what opened it alone: its own group fd, or
 * (VFIO_IOMMUFD) its iommufd, with no group fds; 0 or -errno.
 */
int vfio_hot_reset_self(struct vfio_dev *dev);

/*
 * A device fd for @bdf beside @dev: from @dev's group (type1 modes; the
 * two share a group), or @bdf's cdev bound to @dev's iommufd
 * (VFIO_IOMMUFD); the fd, or -errno.
 */
int vfio_dev_fd_beside(struct vfio_dev *dev, const char *bdf);

/*
 * The VGA arbiter's statistics of a device, from
 * /sys/kernel/debug/vgaarb/BDF (kernels with the patches/vgaarb/ series).
 */
struct vfio_vgaarb_stats {
	unsigned long long gets, contended_gets;
	unsigned long long wait_ns_total, wait_ns_max, hold_ns_total, hold_ns_max;
	unsigned long long routed_in, routed_out, decode_changes, hog_warnings;
	char holder[64];	/* comm[pid] of the current hold, or "-" */
};

/* 0, or -errno (-ENOENT on a kernel without the statistics). */
int vfio_vgaarb_stats(const char *bdf, struct vfio_vgaarb_stats *st);

/*
 * The kernel's log from now on: a /dev/kmsg fd at its end, or -errno.
 * vfio_kmsg_grep() reads what was logged since (or since its last call)
 * and says whether a record's text contains @needle.
 */
int vfio_kmsg_open(void);
bool vfio_kmsg_grep(int fd, const char *needle);

/*
 * The running kernel's build configuration, from /boot/config-RELEASE
 * (the rig puts its kernel's there): 'y', 'm' or 'n' for option @name
 * ("CONFIG_..."), or 0 when no configuration can be read.
 */
int vfio_kconfig(const char *name);

/*
 * Whether the running kernel is @major.@minor or later (uname's release),
 * for what the VFIO core or the stock driver do differently from a kernel
 * on, where nothing else tells.
 */
bool vfio_kernel_at_least(int major, int minor);

/*
 * NULL when the running kernel can map PFNs with page table leaves of
 * @size bytes (2 MiB: PMD, 1 GiB: PUD), which is what lets a BAR mapping
 * take huge entries; else why not, for a SKIP.  Asked of the kernel's
 * configuration (CONFIG_ARCH_SUPPORTS_PMD_PFNMAP, ..._PUD_PFNMAP), or,
 * without one, of sysfs: x86-64 has both exactly when it has transparent
 * huge pages (/sys/kernel/mm/transparent_hugepage).
 */
const char *vfio_huge_pfnmap_missing(unsigned long size);

/*
 * mmap @len bytes at region offset @offset of @dev (MAP_SHARED, @prot) at
 * an address @skew bytes past a multiple of @align, a power of two:
 * address space is reserved with room to spare, mapped over and trimmed.
 * MAP_FAILED (and errno) on failure.
 */
void *vfio_mmap_aligned(struct vfio_dev *dev, __u64 offset, size_t len,
			size_t align, size_t skew, int prot);

/*
 * GET_REGION_INFO of @index with its capability chain (a 4 KiB answer,
 * asserted to succeed); the caller frees it.  vfio_region_find_cap()
 * walks the chain for capability @id: its header, or NULL.
 */
struct vfio_region_info *vfio_region_info_caps(struct vfio_dev *dev, unsigned int index);
struct vfio_info_cap_header *vfio_region_find_cap(struct vfio_region_info *info,
						  unsigned int id);

/* CLOCK_MONOTONIC in microseconds, for the benchmarks. */
double vfio_now_us(void);

/*
 * A benchmark's command line, "-n COUNT" then BDFs: sets *@n when -n is
 * given and returns the index in @argv of the first BDF; without one,
 * prints "usage: PROGRAM @usage" and exits with status 2.
 */
int vfio_bench_args(int argc, char *argv[], long *n, const char *usage);

/* Config space through the config region. */
__u32 vfio_cfg_read(struct vfio_dev *dev, unsigned int off, unsigned int width);
void vfio_cfg_write(struct vfio_dev *dev, unsigned int off, unsigned int width,
		    __u32 val);

#endif /* VFIO_UTIL_H */
