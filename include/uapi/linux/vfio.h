/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VFIO user API, written for the vfio-vga project.
 *
 * Binary compatible with the VFIO uAPI of Linux 7.3: every ioctl number,
 * constant, structure and enum below has the upstream name, value and
 * layout, and differs from the uAPI of 7.2, 6.12 and 6.1 only where
 * upstream changed it since (scripts/abi/check-uapi.sh proves both).  The
 * text is our own.
 *
 * Conventions used by every ioctl argument that starts with @argsz/@flags:
 * userspace sets @argsz to the number of bytes it passes in; the kernel
 * never reads or writes past it, and may ask for a larger buffer by
 * returning a bigger @argsz.  Unknown @flags bits are rejected.
 *
 * Capability chains: structures with a @cap_offset field may be followed
 * by a list of struct vfio_info_cap_header records.  @cap_offset and each
 * header's @next are byte offsets from the start of the enclosing
 * structure; 0 ends the list.
 */
#ifndef _UAPIVFIO_H
#define _UAPIVFIO_H
/* Name of this guard used inside the project; same header as above. */
#define _UAPI_VFIO_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VFIO_API_VERSION	0

/* Extensions, for VFIO_CHECK_EXTENSION and VFIO_SET_IOMMU. */
#define VFIO_TYPE1_IOMMU		1
#define VFIO_SPAPR_TCE_IOMMU		2
#define VFIO_TYPE1v2_IOMMU		3
/* The IOMMU keeps DMA cache coherent (no-snoop is not possible). */
#define VFIO_DMA_CC_IOMMU		4
/* Extended error handling (EEH) on sPAPR. */
#define VFIO_EEH			5
/* Was the nesting type1 IOMMU, never usable; the number stays taken. */
#define __VFIO_RESERVED_TYPE1_NESTING_IOMMU	6
#define VFIO_SPAPR_TCE_v2_IOMMU		7
/* Container without any IOMMU protection (unsafe, needs a module option). */
#define VFIO_NOIOMMU_IOMMU		8
/* VFIO_DMA_UNMAP_FLAG_ALL is supported. */
#define VFIO_UNMAP_ALL			9
/* VFIO_DMA_MAP_FLAG_VADDR and VFIO_DMA_UNMAP_FLAG_VADDR are supported. */
#define VFIO_UPDATE_VADDR		10

/* All VFIO ioctls are _IO(VFIO_TYPE, VFIO_BASE + n); arguments go by pointer. */
#define VFIO_TYPE	(';')
#define VFIO_BASE	100

/**
 * struct vfio_info_cap_header - header of one capability in a chain
 * @id: capability ID, its meaning depends on the structure being extended
 * @version: version of the capability layout for this @id
 * @next: offset of the next capability from the start of the outer
 *	structure, 0 for the last one
 */
struct vfio_info_cap_header {
	__u16	id;
	__u16	version;
	__u32	next;
};

/* -------- Container (/dev/vfio/vfio) ioctls -------- */

/*
 * VFIO_GET_API_VERSION - no argument.
 * Returns VFIO_API_VERSION.
 */
#define VFIO_GET_API_VERSION		_IO(VFIO_TYPE, VFIO_BASE + 0)

/*
 * VFIO_CHECK_EXTENSION - argument is an extension number (int).
 * Returns 0 if unsupported, a positive value if supported.
 */
#define VFIO_CHECK_EXTENSION		_IO(VFIO_TYPE, VFIO_BASE + 1)

/*
 * VFIO_SET_IOMMU - argument is an IOMMU type (int).
 * Selects the IOMMU backend of a container that has at least one group.
 */
#define VFIO_SET_IOMMU			_IO(VFIO_TYPE, VFIO_BASE + 2)

/* -------- Group (/dev/vfio/$GROUP) ioctls -------- */

/**
 * struct vfio_group_status - argument of VFIO_GROUP_GET_STATUS
 * @argsz: size of this structure as passed by the caller
 * @flags: output, VFIO_GROUP_FLAGS_*
 */
struct vfio_group_status {
	__u32	argsz;
	__u32	flags;
/* All devices of the group are bound to VFIO or to no driver. */
#define VFIO_GROUP_FLAGS_VIABLE		(1 << 0)
#define VFIO_GROUP_FLAGS_CONTAINER_SET	(1 << 1)
};

#define VFIO_GROUP_GET_STATUS		_IO(VFIO_TYPE, VFIO_BASE + 3)

/*
 * VFIO_GROUP_SET_CONTAINER - argument is a pointer to a container fd (__s32).
 * VFIO_GROUP_UNSET_CONTAINER - no argument.
 */
#define VFIO_GROUP_SET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 4)
#define VFIO_GROUP_UNSET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 5)

/*
 * VFIO_GROUP_GET_DEVICE_FD - argument is a NUL terminated device name
 * (for PCI, "dddd:bb:dd.f").  Returns a new device fd.
 */
#define VFIO_GROUP_GET_DEVICE_FD	_IO(VFIO_TYPE, VFIO_BASE + 6)

/* -------- Device ioctls -------- */

/**
 * struct vfio_device_info - argument of VFIO_DEVICE_GET_INFO
 * @argsz: size of the caller's buffer
 * @flags: output, VFIO_DEVICE_FLAGS_*
 * @num_regions: number of regions; valid indexes are 0 .. @num_regions - 1
 * @num_irqs: number of IRQ indexes; valid indexes are 0 .. @num_irqs - 1
 * @cap_offset: offset of the first capability, if VFIO_DEVICE_FLAGS_CAPS
 * @pad: reserved, zero
 */
struct vfio_device_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_FLAGS_RESET		(1 << 0)	/* VFIO_DEVICE_RESET works */
#define VFIO_DEVICE_FLAGS_PCI		(1 << 1)
#define VFIO_DEVICE_FLAGS_PLATFORM	(1 << 2)
#define VFIO_DEVICE_FLAGS_AMBA		(1 << 3)
#define VFIO_DEVICE_FLAGS_CCW		(1 << 4)
#define VFIO_DEVICE_FLAGS_AP		(1 << 5)
#define VFIO_DEVICE_FLAGS_FSL_MC	(1 << 6)
#define VFIO_DEVICE_FLAGS_CAPS		(1 << 7)	/* @cap_offset is valid */
#define VFIO_DEVICE_FLAGS_CDX		(1 << 8)
	__u32	num_regions;
	__u32	num_irqs;
	__u32	cap_offset;
	__u32	pad;
};

#define VFIO_DEVICE_GET_INFO		_IO(VFIO_TYPE, VFIO_BASE + 7)

/* Values of the sysfs "device_api" attribute of mediated device types. */
#define VFIO_DEVICE_API_PCI_STRING		"vfio-pci"
#define VFIO_DEVICE_API_PLATFORM_STRING		"vfio-platform"
#define VFIO_DEVICE_API_AMBA_STRING		"vfio-amba"
#define VFIO_DEVICE_API_CCW_STRING		"vfio-ccw"
#define VFIO_DEVICE_API_AP_STRING		"vfio-ap"

/* Capability IDs of struct vfio_device_info. */
#define VFIO_DEVICE_INFO_CAP_ZPCI_BASE		1
#define VFIO_DEVICE_INFO_CAP_ZPCI_GROUP		2
#define VFIO_DEVICE_INFO_CAP_ZPCI_UTIL		3
#define VFIO_DEVICE_INFO_CAP_ZPCI_PFIP		4
#define VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP	5

/**
 * struct vfio_device_info_cap_pci_atomic_comp - PCIe AtomicOp completer support
 * @header: capability header, id VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP
 * @flags: VFIO_PCI_ATOMIC_COMP* operand sizes the path to the root supports
 * @reserved: zero
 */
struct vfio_device_info_cap_pci_atomic_comp {
	struct vfio_info_cap_header header;
	__u32	flags;
#define VFIO_PCI_ATOMIC_COMP32	(1 << 0)
#define VFIO_PCI_ATOMIC_COMP64	(1 << 1)
#define VFIO_PCI_ATOMIC_COMP128	(1 << 2)
	__u32	reserved;
};

/**
 * struct vfio_region_info - argument of VFIO_DEVICE_GET_REGION_INFO
 * @argsz: size of the caller's buffer
 * @flags: output, VFIO_REGION_INFO_FLAG_*
 * @index: input, region index
 * @cap_offset: offset of the first capability, if VFIO_REGION_INFO_FLAG_CAPS
 * @size: size of the region in bytes
 * @offset: file offset of the region on the device fd (read/write/mmap)
 */
struct vfio_region_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_REGION_INFO_FLAG_READ	(1 << 0)
#define VFIO_REGION_INFO_FLAG_WRITE	(1 << 1)
#define VFIO_REGION_INFO_FLAG_MMAP	(1 << 2)
#define VFIO_REGION_INFO_FLAG_CAPS	(1 << 3)
	__u32	index;
	__u32	cap_offset;
	__aligned_u64	size;
	__aligned_u64	offset;
};

#define VFIO_DEVICE_GET_REGION_INFO	_IO(VFIO_TYPE, VFIO_BASE + 8)

/* Region capability: only some parts of the region may be mmap'ed. */
#define VFIO_REGION_INFO_CAP_SPARSE_MMAP	1

/**
 * struct vfio_region_sparse_mmap_area - one mmap'able window of a region
 * @offset: offset of the window from the start of the region
 * @size: size of the window
 */
struct vfio_region_sparse_mmap_area {
	__aligned_u64	offset;
	__aligned_u64	size;
};

/**
 * struct vfio_region_info_cap_sparse_mmap - VFIO_REGION_INFO_CAP_SPARSE_MMAP
 * @header: capability header
 * @nr_areas: number of entries in @areas
 * @reserved: zero
 * @areas: the mmap'able windows
 */
struct vfio_region_info_cap_sparse_mmap {
	struct vfio_info_cap_header header;
	__u32	nr_areas;
	__u32	reserved;
	struct vfio_region_sparse_mmap_area areas[];
};

/* Region capability: the region has a type/subtype (device specific region). */
#define VFIO_REGION_INFO_CAP_TYPE	2

/**
 * struct vfio_region_info_cap_type - VFIO_REGION_INFO_CAP_TYPE
 * @header: capability header
 * @type: region type, VFIO_REGION_TYPE_*
 * @subtype: meaning depends on @type, VFIO_REGION_SUBTYPE_*
 */
struct vfio_region_info_cap_type {
	struct vfio_info_cap_header header;
	__u32	type;
	__u32	subtype;
};

/* Vendor specific region types: the PCI vendor ID ORed with this bit. */
#define VFIO_REGION_TYPE_PCI_VENDOR_TYPE	(1 << 31)
#define VFIO_REGION_TYPE_PCI_VENDOR_MASK	(0xffff)
#define VFIO_REGION_TYPE_GFX			(1)
#define VFIO_REGION_TYPE_CCW			(2)
#define VFIO_REGION_TYPE_MIGRATION_DEPRECATED	(3)

/* Subtypes of VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x8086 (Intel). */
#define VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION	(1)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG	(2)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG	(3)

/* Subtype of VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x10de (NVIDIA). */
#define VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM	(1)

/* Subtype of VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x1014 (IBM). */
#define VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD	(1)

/* Subtype of VFIO_REGION_TYPE_GFX: virtual display EDID. */
#define VFIO_REGION_SUBTYPE_GFX_EDID		(1)

/**
 * struct vfio_region_gfx_edid - layout at the start of the EDID region
 * @edid_offset: offset of the EDID blob inside the region (read only)
 * @edid_max_size: room for the EDID blob in bytes (read only)
 * @edid_size: size of the EDID blob currently written by userspace
 * @max_xres: largest horizontal resolution the device supports (read only)
 * @max_yres: largest vertical resolution the device supports (read only)
 * @link_state: VFIO_DEVICE_GFX_LINK_STATE_*; the EDID is used when going up
 */
struct vfio_region_gfx_edid {
	__u32	edid_offset;
	__u32	edid_max_size;
	__u32	edid_size;
	__u32	max_xres;
	__u32	max_yres;
	__u32	link_state;
#define VFIO_DEVICE_GFX_LINK_STATE_UP		1
#define VFIO_DEVICE_GFX_LINK_STATE_DOWN		2
};

/* Subtypes of VFIO_REGION_TYPE_CCW. */
#define VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD	(1)
#define VFIO_REGION_SUBTYPE_CCW_SCHIB		(2)
#define VFIO_REGION_SUBTYPE_CCW_CRW		(3)

/* Subtype of VFIO_REGION_TYPE_MIGRATION_DEPRECATED (migration protocol v1). */
#define VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED	(1)

/**
 * struct vfio_device_migration_info - header of the v1 migration region
 * @device_state: VFIO_DEVICE_STATE_V1_* bits
 * @reserved: zero
 * @pending_bytes: bytes still to be saved
 * @data_offset: offset of the data window inside the region
 * @data_size: bytes valid in the data window
 *
 * Migration protocol v1 is no longer implemented by Linux; the layout stays
 * for source compatibility only.
 */
struct vfio_device_migration_info {
	__u32	device_state;
#define VFIO_DEVICE_STATE_V1_STOP	(0)
#define VFIO_DEVICE_STATE_V1_RUNNING	(1 << 0)
#define VFIO_DEVICE_STATE_V1_SAVING	(1 << 1)
#define VFIO_DEVICE_STATE_V1_RESUMING	(1 << 2)
#define VFIO_DEVICE_STATE_MASK		(VFIO_DEVICE_STATE_V1_RUNNING | \
					 VFIO_DEVICE_STATE_V1_SAVING | \
					 VFIO_DEVICE_STATE_V1_RESUMING)

/*
 * RESUMING may not be combined with another state bit.  RESUMING is the
 * highest bit of the mask, so that is the same as "at most RESUMING".
 */
#define VFIO_DEVICE_STATE_VALID(state)					\
	(((state) & VFIO_DEVICE_STATE_MASK) <= VFIO_DEVICE_STATE_V1_RESUMING)

#define VFIO_DEVICE_STATE_IS_ERROR(state)				\
	(((state) & VFIO_DEVICE_STATE_MASK) ==				\
	 (VFIO_DEVICE_STATE_V1_SAVING | VFIO_DEVICE_STATE_V1_RESUMING))

#define VFIO_DEVICE_STATE_SET_ERROR(state)				\
	(((state) & ~VFIO_DEVICE_STATE_MASK) |				\
	 VFIO_DEVICE_STATE_V1_SAVING | VFIO_DEVICE_STATE_V1_RESUMING)

	__u32	reserved;
	__aligned_u64	pending_bytes;
	__aligned_u64	data_offset;
	__aligned_u64	data_size;
};

/* Region capability: the MSI-X table BAR may be mmap'ed as a whole. */
#define VFIO_REGION_INFO_CAP_MSIX_MAPPABLE	3

/* Region capability: NVLink2 GPU RAM target address. */
#define VFIO_REGION_INFO_CAP_NVLINK2_SSATGT	4

/**
 * struct vfio_region_info_cap_nvlink2_ssatgt - VFIO_REGION_INFO_CAP_NVLINK2_SSATGT
 * @header: capability header
 * @tgt: system physical address of the GPU RAM as seen by the NVLink
 */
struct vfio_region_info_cap_nvlink2_ssatgt {
	struct vfio_info_cap_header header;
	__aligned_u64	tgt;
};

/* Region capability: NVLink2 link speed. */
#define VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD	5

/**
 * struct vfio_region_info_cap_nvlink2_lnkspd - VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD
 * @header: capability header
 * @link_speed: link speed code
 * @__pad: zero
 */
struct vfio_region_info_cap_nvlink2_lnkspd {
	struct vfio_info_cap_header header;
	__u32	link_speed;
	__u32	__pad;
};

/**
 * struct vfio_irq_info - argument of VFIO_DEVICE_GET_IRQ_INFO
 * @argsz: size of the caller's buffer
 * @flags: output, VFIO_IRQ_INFO_*
 * @index: input, IRQ index
 * @count: number of vectors (sub-indexes) behind @index
 */
struct vfio_irq_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_INFO_EVENTFD		(1 << 0)	/* can signal an eventfd */
#define VFIO_IRQ_INFO_MASKABLE		(1 << 1)	/* mask/unmask supported */
#define VFIO_IRQ_INFO_AUTOMASKED	(1 << 2)	/* masked on delivery (INTx) */
#define VFIO_IRQ_INFO_NORESIZE		(1 << 3)	/* enabled vector count is fixed */
	__u32	index;
	__u32	count;
};

#define VFIO_DEVICE_GET_IRQ_INFO	_IO(VFIO_TYPE, VFIO_BASE + 9)

/**
 * struct vfio_irq_set - argument of VFIO_DEVICE_SET_IRQS
 * @argsz: size of this structure plus @data
 * @flags: exactly one VFIO_IRQ_SET_DATA_* and one VFIO_IRQ_SET_ACTION_* bit
 * @index: IRQ index
 * @start: first vector of the range
 * @count: number of vectors; 0 with DATA_NONE and ACTION_TRIGGER disables
 * @data: per-vector payload: nothing, __u8 booleans or __s32 eventfds (-1
 *	to unset)
 */
struct vfio_irq_set {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_SET_DATA_NONE		(1 << 0)
#define VFIO_IRQ_SET_DATA_BOOL		(1 << 1)
#define VFIO_IRQ_SET_DATA_EVENTFD	(1 << 2)
#define VFIO_IRQ_SET_ACTION_MASK	(1 << 3)
#define VFIO_IRQ_SET_ACTION_UNMASK	(1 << 4)
#define VFIO_IRQ_SET_ACTION_TRIGGER	(1 << 5)
	__u32	index;
	__u32	start;
	__u32	count;
	__u8	data[];
};

#define VFIO_DEVICE_SET_IRQS		_IO(VFIO_TYPE, VFIO_BASE + 10)

#define VFIO_IRQ_SET_DATA_TYPE_MASK	(VFIO_IRQ_SET_DATA_NONE | \
					 VFIO_IRQ_SET_DATA_BOOL | \
					 VFIO_IRQ_SET_DATA_EVENTFD)
#define VFIO_IRQ_SET_ACTION_TYPE_MASK	(VFIO_IRQ_SET_ACTION_MASK | \
					 VFIO_IRQ_SET_ACTION_UNMASK | \
					 VFIO_IRQ_SET_ACTION_TRIGGER)

/*
 * VFIO_DEVICE_RESET - no argument.
 * Resets the device if VFIO_DEVICE_FLAGS_RESET is set.
 */
#define VFIO_DEVICE_RESET		_IO(VFIO_TYPE, VFIO_BASE + 11)

/* Fixed region indexes of vfio-pci devices. */
enum {
	VFIO_PCI_BAR0_REGION_INDEX,
	VFIO_PCI_BAR1_REGION_INDEX,
	VFIO_PCI_BAR2_REGION_INDEX,
	VFIO_PCI_BAR3_REGION_INDEX,
	VFIO_PCI_BAR4_REGION_INDEX,
	VFIO_PCI_BAR5_REGION_INDEX,
	VFIO_PCI_ROM_REGION_INDEX,
	VFIO_PCI_CONFIG_REGION_INDEX,
	/*
	 * Legacy VGA: offsets are bus addresses, MMIO 0xa0000-0xbffff and
	 * I/O ports 0x3b0-0x3bb and 0x3c0-0x3df.  Only present on VGA class
	 * devices when vfio-pci is built with VGA support.
	 */
	VFIO_PCI_VGA_REGION_INDEX,
	/* Device specific regions start here (see VFIO_REGION_INFO_CAP_TYPE). */
	VFIO_PCI_NUM_REGIONS = 9
};

/* Fixed IRQ indexes of vfio-pci devices. */
enum {
	VFIO_PCI_INTX_IRQ_INDEX,
	VFIO_PCI_MSI_IRQ_INDEX,
	VFIO_PCI_MSIX_IRQ_INDEX,
	VFIO_PCI_ERR_IRQ_INDEX,	/* AER error notification */
	VFIO_PCI_REQ_IRQ_INDEX,	/* host asks userspace to release the device */
	VFIO_PCI_NUM_IRQS
};

/* Region and IRQ indexes of vfio-ccw devices. */
enum {
	VFIO_CCW_CONFIG_REGION_INDEX,
	VFIO_CCW_NUM_REGIONS
};

enum {
	VFIO_CCW_IO_IRQ_INDEX,
	VFIO_CCW_CRW_IRQ_INDEX,
	VFIO_CCW_REQ_IRQ_INDEX,
	VFIO_CCW_NUM_IRQS
};

/* IRQ indexes of vfio-ap devices. */
enum {
	VFIO_AP_REQ_IRQ_INDEX,
	VFIO_AP_CFG_CHG_IRQ_INDEX,	/* the adapter's configuration changed */
	VFIO_AP_NUM_IRQS
};

/**
 * struct vfio_pci_dependent_device - one device affected by a hot reset
 * @group_id: IOMMU group of the device (group/container interface)
 * @devid: with VFIO_PCI_HOT_RESET_FLAG_DEV_ID: iommufd device ID, or
 *	VFIO_PCI_DEVID_OWNED / VFIO_PCI_DEVID_NOT_OWNED
 * @segment: PCI segment
 * @bus: PCI bus number
 * @devfn: PCI device and function number
 */
struct vfio_pci_dependent_device {
	union {
		__u32	group_id;
		__u32	devid;
#define VFIO_PCI_DEVID_OWNED		0
#define VFIO_PCI_DEVID_NOT_OWNED	(-1)
	};
	__u16	segment;
	__u8	bus;
	__u8	devfn;
};

/**
 * struct vfio_pci_hot_reset_info - argument of VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
 * @argsz: size of the caller's buffer
 * @flags: output, VFIO_PCI_HOT_RESET_FLAG_*
 * @count: number of entries in @devices (output; on -ENOSPC the needed one)
 * @devices: the devices a hot reset of this device would also reset
 */
struct vfio_pci_hot_reset_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID		(1 << 0)
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED	(1 << 1)
	__u32	count;
	struct vfio_pci_dependent_device	devices[];
};

#define VFIO_DEVICE_GET_PCI_HOT_RESET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

/**
 * struct vfio_pci_hot_reset - argument of VFIO_DEVICE_PCI_HOT_RESET
 * @argsz: size of this structure plus @group_fds
 * @flags: zero
 * @count: number of entries in @group_fds (0 for iommufd bound devices)
 * @group_fds: group fds proving ownership of every affected device
 */
struct vfio_pci_hot_reset {
	__u32	argsz;
	__u32	flags;
	__u32	count;
	__s32	group_fds[];
};

#define VFIO_DEVICE_PCI_HOT_RESET	_IO(VFIO_TYPE, VFIO_BASE + 13)

/**
 * struct vfio_device_gfx_plane_info - argument of VFIO_DEVICE_QUERY_GFX_PLANE
 * @argsz: size of the caller's buffer
 * @flags: one VFIO_GFX_PLANE_TYPE_* bit; with PROBE also DMABUF or REGION
 * @drm_plane_type: input, DRM_PLANE_TYPE_*
 * @drm_format: DRM fourcc of the plane
 * @drm_format_mod: DRM format modifier
 * @width: width in pixels
 * @height: height in pixels
 * @stride: bytes per line
 * @size: size of the plane in bytes
 * @x_pos: horizontal position (cursor plane)
 * @y_pos: vertical position (cursor plane)
 * @x_hot: horizontal hotspot (cursor plane)
 * @y_hot: vertical hotspot (cursor plane)
 * @region_index: region holding the plane, for VFIO_GFX_PLANE_TYPE_REGION
 * @dmabuf_id: plane ID for VFIO_DEVICE_GET_GFX_DMABUF, for
 *	VFIO_GFX_PLANE_TYPE_DMABUF
 * @reserved: zero
 */
struct vfio_device_gfx_plane_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_GFX_PLANE_TYPE_PROBE	(1 << 0)
#define VFIO_GFX_PLANE_TYPE_DMABUF	(1 << 1)
#define VFIO_GFX_PLANE_TYPE_REGION	(1 << 2)
	__u32	drm_plane_type;
	__u32	drm_format;
	__aligned_u64	drm_format_mod;
	__u32	width;
	__u32	height;
	__u32	stride;
	__u32	size;
	__u32	x_pos;
	__u32	y_pos;
	__u32	x_hot;
	__u32	y_hot;
	union {
		__u32	region_index;
		__u32	dmabuf_id;
	};
	__u32	reserved;
};

#define VFIO_DEVICE_QUERY_GFX_PLANE	_IO(VFIO_TYPE, VFIO_BASE + 14)

/*
 * VFIO_DEVICE_GET_GFX_DMABUF - argument is a dmabuf_id (__u32) from
 * VFIO_DEVICE_QUERY_GFX_PLANE.  Returns a dma-buf fd.
 */
#define VFIO_DEVICE_GET_GFX_DMABUF	_IO(VFIO_TYPE, VFIO_BASE + 15)

/**
 * struct vfio_device_ioeventfd - argument of VFIO_DEVICE_IOEVENTFD
 * @argsz: size of this structure
 * @flags: one VFIO_DEVICE_IOEVENTFD_<width> bit, the access width
 * @offset: device fd offset (region offset included) to write to
 * @data: value written when @fd is signalled
 * @fd: eventfd to attach, -1 to detach the matching ioeventfd
 * @reserved: zero
 */
struct vfio_device_ioeventfd {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_IOEVENTFD_8		(1 << 0)
#define VFIO_DEVICE_IOEVENTFD_16	(1 << 1)
#define VFIO_DEVICE_IOEVENTFD_32	(1 << 2)
#define VFIO_DEVICE_IOEVENTFD_64	(1 << 3)
#define VFIO_DEVICE_IOEVENTFD_SIZE_MASK	(0xf)
	__aligned_u64	offset;
	__aligned_u64	data;
	__s32	fd;
	__u32	reserved;
};

#define VFIO_DEVICE_IOEVENTFD		_IO(VFIO_TYPE, VFIO_BASE + 16)

/**
 * struct vfio_device_feature - argument of VFIO_DEVICE_FEATURE
 * @argsz: size of this structure plus @data
 * @flags: feature number (VFIO_DEVICE_FEATURE_MASK bits) and exactly one of
 *	GET or SET, optionally with PROBE to only ask for support
 * @data: feature specific payload
 */
struct vfio_device_feature {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_FEATURE_MASK	(0xffff)
#define VFIO_DEVICE_FEATURE_GET		(1 << 16)
#define VFIO_DEVICE_FEATURE_SET		(1 << 17)
#define VFIO_DEVICE_FEATURE_PROBE	(1 << 18)
	__u8	data[];
};

#define VFIO_DEVICE_FEATURE		_IO(VFIO_TYPE, VFIO_BASE + 17)

/**
 * struct vfio_device_bind_iommufd - argument of VFIO_DEVICE_BIND_IOMMUFD
 * @argsz: size of this structure
 * @flags: zero or VFIO_DEVICE_BIND_FLAG_TOKEN
 * @iommufd: iommufd to bind the device (cdev) fd to
 * @out_devid: output, iommufd object ID of the device
 * @token_uuid_ptr: with VFIO_DEVICE_BIND_FLAG_TOKEN, the user address of
 *	a 16-byte UUID: the token a device may ask for (a VF, the one its PF's
 *	user set with VFIO_DEVICE_FEATURE_PCI_VF_TOKEN); ignored otherwise
 */
struct vfio_device_bind_iommufd {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_BIND_FLAG_TOKEN	(1 << 0)
	__s32	iommufd;
	__u32	out_devid;
	__aligned_u64	token_uuid_ptr;
};

#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

/**
 * struct vfio_device_attach_iommufd_pt - argument of VFIO_DEVICE_ATTACH_IOMMUFD_PT
 * @argsz: size of this structure
 * @flags: zero, or VFIO_DEVICE_ATTACH_PASID to attach @pasid of the device
 *	rather than the device itself
 * @pt_id: in: IOAS or hw_pagetable ID; out: the hw_pagetable ID used
 * @pasid: the PASID, with VFIO_DEVICE_ATTACH_PASID
 */
struct vfio_device_attach_iommufd_pt {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_ATTACH_PASID	(1 << 0)
	__u32	pt_id;
	__u32	pasid;
};

#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)

/**
 * struct vfio_device_detach_iommufd_pt - argument of VFIO_DEVICE_DETACH_IOMMUFD_PT
 * @argsz: size of this structure
 * @flags: zero, or VFIO_DEVICE_DETACH_PASID to detach @pasid of the device
 * @pasid: the PASID, with VFIO_DEVICE_DETACH_PASID
 */
struct vfio_device_detach_iommufd_pt {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_DETACH_PASID	(1 << 0)
	__u32	pasid;
};

#define VFIO_DEVICE_DETACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 20)

/*
 * Feature VFIO_DEVICE_FEATURE_PCI_VF_TOKEN - SET, payload is a 16 byte
 * UUID shared between the PF user and the VF users of SR-IOV devices.
 */
#define VFIO_DEVICE_FEATURE_PCI_VF_TOKEN	(0)

/**
 * struct vfio_device_feature_migration - VFIO_DEVICE_FEATURE_MIGRATION payload
 * @flags: GET only: VFIO_MIGRATION_* features of the device
 */
struct vfio_device_feature_migration {
	__aligned_u64	flags;
#define VFIO_MIGRATION_STOP_COPY	(1 << 0)
#define VFIO_MIGRATION_P2P		(1 << 1)
#define VFIO_MIGRATION_PRE_COPY		(1 << 2)
};

#define VFIO_DEVICE_FEATURE_MIGRATION	1

/**
 * struct vfio_device_feature_mig_state - VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE
 * @device_state: enum vfio_device_mig_state, current (GET) or wanted (SET)
 * @data_fd: output of SET: fd for the migration data stream of the new
 *	state, or -1 when the transition has no data stream
 */
struct vfio_device_feature_mig_state {
	__u32	device_state;
	__s32	data_fd;
};

#define VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE	2

/**
 * enum vfio_device_mig_state - states of the migration state machine
 * @VFIO_DEVICE_STATE_ERROR: a transition failed; only a reset leaves it
 * @VFIO_DEVICE_STATE_STOP: not running, no DMA, no interrupts
 * @VFIO_DEVICE_STATE_RUNNING: operating normally
 * @VFIO_DEVICE_STATE_STOP_COPY: stopped, data_fd streams the final state
 * @VFIO_DEVICE_STATE_RESUMING: stopped, data_fd takes the incoming state
 * @VFIO_DEVICE_STATE_RUNNING_P2P: running but not starting peer-to-peer DMA
 * @VFIO_DEVICE_STATE_PRE_COPY: running, data_fd streams initial state
 * @VFIO_DEVICE_STATE_PRE_COPY_P2P: PRE_COPY with peer-to-peer quiesced
 * @VFIO_DEVICE_STATE_NR: number of states
 */
enum vfio_device_mig_state {
	VFIO_DEVICE_STATE_ERROR = 0,
	VFIO_DEVICE_STATE_STOP = 1,
	VFIO_DEVICE_STATE_RUNNING = 2,
	VFIO_DEVICE_STATE_STOP_COPY = 3,
	VFIO_DEVICE_STATE_RESUMING = 4,
	VFIO_DEVICE_STATE_RUNNING_P2P = 5,
	VFIO_DEVICE_STATE_PRE_COPY = 6,
	VFIO_DEVICE_STATE_PRE_COPY_P2P = 7,
	VFIO_DEVICE_STATE_NR,
};

/**
 * struct vfio_precopy_info - argument of VFIO_MIG_GET_PRECOPY_INFO
 * @argsz: size of this structure
 * @flags: output; VFIO_PRECOPY_INFO_REINIT: the stream starts over with new
 *	initial data (reported only after the user set
 *	VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2; zero before)
 * @initial_bytes: estimate of the remaining initial (pre-copy) data
 * @dirty_bytes: estimate of the data that changed since it was read
 *
 * Issued on a PRE_COPY data_fd.
 */
struct vfio_precopy_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_PRECOPY_INFO_REINIT	(1 << 0)
	__aligned_u64	initial_bytes;
	__aligned_u64	dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)

/* Feature: SET enters runtime low power state (D3cold when possible). */
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY	3

/**
 * struct vfio_device_low_power_entry_with_wakeup - LOW_POWER_ENTRY_WITH_WAKEUP payload
 * @wakeup_eventfd: signalled when the device leaves low power on its own
 * @reserved: zero
 */
struct vfio_device_low_power_entry_with_wakeup {
	__s32	wakeup_eventfd;
	__u32	reserved;
};

#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP	4

/* Feature: SET leaves the low power state. */
#define VFIO_DEVICE_FEATURE_LOW_POWER_EXIT	5

/**
 * struct vfio_device_feature_dma_logging_control - DMA_LOGGING_START payload
 * @page_size: tracking granule in bytes (may be adjusted by the device)
 * @num_ranges: number of entries at @ranges
 * @__reserved: zero
 * @ranges: user pointer to an array of struct vfio_device_feature_dma_logging_range
 */
struct vfio_device_feature_dma_logging_control {
	__aligned_u64	page_size;
	__u32	num_ranges;
	__u32	__reserved;
	__aligned_u64	ranges;
};

/**
 * struct vfio_device_feature_dma_logging_range - one IOVA range to track
 * @iova: start of the range
 * @length: length of the range
 */
struct vfio_device_feature_dma_logging_range {
	__aligned_u64	iova;
	__aligned_u64	length;
};

/* Features: start (SET, struct ..._dma_logging_control) / stop dirty tracking. */
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_START	6
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP	7

/**
 * struct vfio_device_feature_dma_logging_report - DMA_LOGGING_REPORT payload
 * @iova: start of the range to report
 * @length: length of the range to report
 * @page_size: granule of one bit in @bitmap
 * @bitmap: user pointer to the bitmap to fill; reported pages are cleared
 */
struct vfio_device_feature_dma_logging_report {
	__aligned_u64	iova;
	__aligned_u64	length;
	__aligned_u64	page_size;
	__aligned_u64	bitmap;
};

#define VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT	8

/**
 * struct vfio_device_feature_mig_data_size - MIG_DATA_SIZE payload
 * @stop_copy_length: GET: estimated bytes of the STOP_COPY data stream
 */
struct vfio_device_feature_mig_data_size {
	__aligned_u64	stop_copy_length;
};

#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE	9

/**
 * struct vfio_device_feature_bus_master - BUS_MASTER payload
 * @op: VFIO_DEVICE_FEATURE_CLEAR_MASTER or VFIO_DEVICE_FEATURE_SET_MASTER
 */
struct vfio_device_feature_bus_master {
	__u32	op;
#define VFIO_DEVICE_FEATURE_CLEAR_MASTER	0
#define VFIO_DEVICE_FEATURE_SET_MASTER		1
};

#define VFIO_DEVICE_FEATURE_BUS_MASTER	10

/**
 * struct vfio_region_dma_range - one slice of a region for a DMA_BUF
 * @offset: its offset in the region
 * @length: its length
 */
struct vfio_region_dma_range {
	__u64	offset;
	__u64	length;
};

/**
 * struct vfio_device_feature_dma_buf - DMA_BUF payload
 * @region_index: the region the slices are of
 * @open_flags: open(2) flags of the new dma-buf fd (O_RDWR, O_CLOEXEC, ...)
 * @flags: zero
 * @nr_ranges: how many entries @dma_ranges has
 * @dma_ranges: the slices, in the order the dma-buf lays them out
 *
 * GET returns a new dma-buf fd for peer-to-peer DMA to the slices.
 */
struct vfio_device_feature_dma_buf {
	__u32	region_index;
	__u32	open_flags;
	__u32	flags;
	__u32	nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};

#define VFIO_DEVICE_FEATURE_DMA_BUF	11

/* Feature: SET makes vfio_precopy_info.flags an output (REINIT). */
#define VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2	12

/**
 * struct vfio_device_feature_zpci_err - ZPCI_ERROR payload (s390)
 * @data: user address of a buffer as long as the length that the
 *	VFIO_DEVICE_INFO_CAP_ZPCI_BASE capability gives; GET fills it with
 *	the pending PCI error, or fails with -ENOMSG when none is pending
 */
struct vfio_device_feature_zpci_err {
	__aligned_u64	data;
};

#define VFIO_DEVICE_FEATURE_ZPCI_ERROR	13

/* -------- Type1 IOMMU (container) ioctls -------- */

/**
 * struct vfio_iommu_type1_info - argument of VFIO_IOMMU_GET_INFO (type1)
 * @argsz: size of the caller's buffer
 * @flags: output, VFIO_IOMMU_INFO_*
 * @iova_pgsizes: bitmap of supported page sizes
 * @cap_offset: offset of the first capability, if VFIO_IOMMU_INFO_CAPS
 * @pad: zero
 */
struct vfio_iommu_type1_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_INFO_PGSIZES	(1 << 0)
#define VFIO_IOMMU_INFO_CAPS	(1 << 1)
	__aligned_u64	iova_pgsizes;
	__u32	cap_offset;
	__u32	pad;
};

/* IOMMU capability: usable IOVA ranges. */
#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE	1

/**
 * struct vfio_iova_range - one usable IOVA range
 * @start: first usable IOVA
 * @end: last usable IOVA (inclusive)
 */
struct vfio_iova_range {
	__u64	start;
	__u64	end;
};

/**
 * struct vfio_iommu_type1_info_cap_iova_range - VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE
 * @header: capability header
 * @nr_iovas: number of entries in @iova_ranges
 * @reserved: zero
 * @iova_ranges: the usable ranges
 */
struct vfio_iommu_type1_info_cap_iova_range {
	struct vfio_info_cap_header header;
	__u32	nr_iovas;
	__u32	reserved;
	struct vfio_iova_range iova_ranges[];
};

/* IOMMU capability: dirty page tracking limits. */
#define VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION	2

/**
 * struct vfio_iommu_type1_info_cap_migration - VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION
 * @header: capability header
 * @flags: zero
 * @pgsize_bitmap: page sizes usable for dirty tracking
 * @max_dirty_bitmap_size: largest bitmap in bytes one query may return
 */
struct vfio_iommu_type1_info_cap_migration {
	struct vfio_info_cap_header header;
	__u32	flags;
	__u64	pgsize_bitmap;
	__u64	max_dirty_bitmap_size;
};

/* IOMMU capability: number of DMA mappings still available. */
#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL		3

/**
 * struct vfio_iommu_type1_info_dma_avail - VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL
 * @header: capability header
 * @avail: number of further mappings the container accepts
 */
struct vfio_iommu_type1_info_dma_avail {
	struct vfio_info_cap_header header;
	__u32	avail;
};

#define VFIO_IOMMU_GET_INFO		_IO(VFIO_TYPE, VFIO_BASE + 12)

/**
 * struct vfio_iommu_type1_dma_map - argument of VFIO_IOMMU_MAP_DMA
 * @argsz: size of this structure
 * @flags: VFIO_DMA_MAP_FLAG_*
 * @vaddr: process virtual address of the memory to map
 * @iova: IO virtual address to map it at
 * @size: size of the mapping in bytes
 *
 * With VFIO_DMA_MAP_FLAG_VADDR an existing mapping at @iova/@size gets a
 * new @vaddr instead (after VFIO_DMA_UNMAP_FLAG_VADDR).
 */
struct vfio_iommu_type1_dma_map {
	__u32	argsz;
	__u32	flags;
#define VFIO_DMA_MAP_FLAG_READ	(1 << 0)	/* device may read */
#define VFIO_DMA_MAP_FLAG_WRITE	(1 << 1)	/* device may write */
#define VFIO_DMA_MAP_FLAG_VADDR	(1 << 2)
	__u64	vaddr;
	__u64	iova;
	__u64	size;
};

#define VFIO_IOMMU_MAP_DMA		_IO(VFIO_TYPE, VFIO_BASE + 13)

/**
 * struct vfio_bitmap - user buffer for a dirty page bitmap
 * @pgsize: page size one bit stands for
 * @size: size of @data in bytes
 * @data: user pointer to the bitmap
 */
struct vfio_bitmap {
	__u64	pgsize;
	__u64	size;
#ifdef __KERNEL__
	__u64 __user	*data;
#else
	__u64	*data;
#endif
};

/**
 * struct vfio_iommu_type1_dma_unmap - argument of VFIO_IOMMU_UNMAP_DMA
 * @argsz: size of this structure, plus a struct vfio_bitmap in @data with
 *	VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP
 * @flags: VFIO_DMA_UNMAP_FLAG_*
 * @iova: start of the range to unmap (must be 0 with FLAG_ALL)
 * @size: size of the range; on return the number of bytes unmapped
 * @data: optional struct vfio_bitmap
 */
struct vfio_iommu_type1_dma_unmap {
	__u32	argsz;
	__u32	flags;
#define VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP	(1 << 0)
#define VFIO_DMA_UNMAP_FLAG_ALL			(1 << 1)
#define VFIO_DMA_UNMAP_FLAG_VADDR		(1 << 2)
	__u64	iova;
	__u64	size;
	__u8	data[];
};

#define VFIO_IOMMU_UNMAP_DMA		_IO(VFIO_TYPE, VFIO_BASE + 14)

/* VFIO_IOMMU_ENABLE / VFIO_IOMMU_DISABLE - sPAPR TCE only, no argument. */
#define VFIO_IOMMU_ENABLE		_IO(VFIO_TYPE, VFIO_BASE + 15)
#define VFIO_IOMMU_DISABLE		_IO(VFIO_TYPE, VFIO_BASE + 16)

/**
 * struct vfio_iommu_type1_dirty_bitmap - argument of VFIO_IOMMU_DIRTY_PAGES
 * @argsz: size of this structure plus @data
 * @flags: exactly one VFIO_IOMMU_DIRTY_PAGES_FLAG_*
 * @data: struct vfio_iommu_type1_dirty_bitmap_get for FLAG_GET_BITMAP
 */
struct vfio_iommu_type1_dirty_bitmap {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_START	(1 << 0)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP	(1 << 1)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP	(1 << 2)
	__u8	data[];
};

/**
 * struct vfio_iommu_type1_dirty_bitmap_get - range for FLAG_GET_BITMAP
 * @iova: start of the range
 * @size: size of the range
 * @bitmap: where to store the bits
 */
struct vfio_iommu_type1_dirty_bitmap_get {
	__u64	iova;
	__u64	size;
	struct vfio_bitmap bitmap;
};

#define VFIO_IOMMU_DIRTY_PAGES		_IO(VFIO_TYPE, VFIO_BASE + 17)

/* -------- sPAPR TCE IOMMU (container) ioctls -------- */

/**
 * struct vfio_iommu_spapr_tce_ddw_info - dynamic DMA window limits
 * @pgsizes: bitmap of supported IOMMU page sizes
 * @max_dynamic_windows_supported: number of windows that may be created
 * @levels: maximum number of TCE table levels
 */
struct vfio_iommu_spapr_tce_ddw_info {
	__u64	pgsizes;
	__u32	max_dynamic_windows_supported;
	__u32	levels;
};

/**
 * struct vfio_iommu_spapr_tce_info - argument of VFIO_IOMMU_SPAPR_TCE_GET_INFO
 * @argsz: size of the caller's buffer
 * @flags: output, VFIO_IOMMU_SPAPR_INFO_*
 * @dma32_window_start: start of the default 32-bit DMA window
 * @dma32_window_size: size of the default 32-bit DMA window
 * @ddw: dynamic DMA window limits, valid with VFIO_IOMMU_SPAPR_INFO_DDW
 */
struct vfio_iommu_spapr_tce_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_SPAPR_INFO_DDW	(1 << 0)
	__u32	dma32_window_start;
	__u32	dma32_window_size;
	struct vfio_iommu_spapr_tce_ddw_info ddw;
};

#define VFIO_IOMMU_SPAPR_TCE_GET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

/**
 * struct vfio_eeh_pe_err - error to inject with VFIO_EEH_PE_INJECT_ERR
 * @type: error type
 * @func: error function
 * @addr: address
 * @mask: address mask
 */
struct vfio_eeh_pe_err {
	__u32	type;
	__u32	func;
	__u64	addr;
	__u64	mask;
};

/**
 * struct vfio_eeh_pe_op - argument of VFIO_EEH_PE_OP
 * @argsz: size of this structure
 * @flags: zero
 * @op: VFIO_EEH_PE_* operation
 * @err: operand of VFIO_EEH_PE_INJECT_ERR
 */
struct vfio_eeh_pe_op {
	__u32	argsz;
	__u32	flags;
	__u32	op;
	union {
		struct vfio_eeh_pe_err err;
	};
};

/* EEH operations. */
#define VFIO_EEH_PE_DISABLE		0
#define VFIO_EEH_PE_ENABLE		1
#define VFIO_EEH_PE_UNFREEZE_IO		2
#define VFIO_EEH_PE_UNFREEZE_DMA	3
#define VFIO_EEH_PE_GET_STATE		4
/* Results of VFIO_EEH_PE_GET_STATE. */
#define VFIO_EEH_PE_STATE_NORMAL	0
#define VFIO_EEH_PE_STATE_RESET		1
#define VFIO_EEH_PE_STATE_STOPPED	2
#define VFIO_EEH_PE_STATE_STOPPED_DMA	4
#define VFIO_EEH_PE_STATE_UNAVAIL	5
#define VFIO_EEH_PE_RESET_DEACTIVATE	5
#define VFIO_EEH_PE_RESET_HOT		6
#define VFIO_EEH_PE_RESET_FUNDAMENTAL	7
#define VFIO_EEH_PE_CONFIGURE		8
#define VFIO_EEH_PE_INJECT_ERR		9

#define VFIO_EEH_PE_OP			_IO(VFIO_TYPE, VFIO_BASE + 21)

/**
 * struct vfio_iommu_spapr_register_memory - pre-register (pin) guest memory
 * @argsz: size of this structure
 * @flags: zero
 * @vaddr: process virtual address of the memory
 * @size: size of the memory in bytes
 */
struct vfio_iommu_spapr_register_memory {
	__u32	argsz;
	__u32	flags;
	__u64	vaddr;
	__u64	size;
};

#define VFIO_IOMMU_SPAPR_REGISTER_MEMORY	_IO(VFIO_TYPE, VFIO_BASE + 17)
#define VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY	_IO(VFIO_TYPE, VFIO_BASE + 18)

/**
 * struct vfio_iommu_spapr_tce_create - argument of VFIO_IOMMU_SPAPR_TCE_CREATE
 * @argsz: size of this structure
 * @flags: zero
 * @page_shift: log2 of the IOMMU page size
 * @__resv1: zero
 * @window_size: size of the DMA window in bytes
 * @levels: number of TCE table levels
 * @__resv2: zero
 * @start_addr: output, bus address of the new window
 */
struct vfio_iommu_spapr_tce_create {
	__u32	argsz;
	__u32	flags;
	__u32	page_shift;
	__u32	__resv1;
	__u64	window_size;
	__u32	levels;
	__u32	__resv2;
	__u64	start_addr;
};

#define VFIO_IOMMU_SPAPR_TCE_CREATE	_IO(VFIO_TYPE, VFIO_BASE + 19)

/**
 * struct vfio_iommu_spapr_tce_remove - argument of VFIO_IOMMU_SPAPR_TCE_REMOVE
 * @argsz: size of this structure
 * @flags: zero
 * @start_addr: bus address of the window to remove
 */
struct vfio_iommu_spapr_tce_remove {
	__u32	argsz;
	__u32	flags;
	__u64	start_addr;
};

#define VFIO_IOMMU_SPAPR_TCE_REMOVE	_IO(VFIO_TYPE, VFIO_BASE + 20)

#endif /* _UAPIVFIO_H */
