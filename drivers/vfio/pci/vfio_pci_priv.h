/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci (vfio-vga): what the driver's files share.
 *
 * Layering: vfio_pci_main.c (PCI driver, lifecycle, ioctl dispatch) sits on
 * top and calls into the region files (config, BAR, ROM, VGA) and the
 * interrupt file.  Those never call back up; what they share lives in
 * struct vfio_pci_dev and in the small helpers below.
 */
#ifndef VFIO_PCI_PRIV_H
#define VFIO_PCI_PRIV_H

#include <linux/pci.h>
#include <linux/vfio.h>

/*
 * A region's file offset carries its index in the bits above
 * VFIO_PCI_INDEX_SHIFT.  VMMs take the offset from GET_REGION_INFO, so the
 * split is ours to choose; 40 bits leaves room for any BAR.
 */
#define VFIO_PCI_INDEX_SHIFT		40
#define VFIO_PCI_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_PCI_INDEX_SHIFT)
#define VFIO_PCI_OFFSET_TO_INDEX(off)	((u64)(off) >> VFIO_PCI_INDEX_SHIFT)
#define VFIO_PCI_OFFSET_MASK		(VFIO_PCI_INDEX_TO_OFFSET(1) - 1)

/**
 * struct vfio_pci_params - module-wide policy, set at module load
 * @nointxmask: never use the PCI 2.3 INTx disable bit; INTx lines are then
 *	owned exclusively (no sharing with other devices)
 * @disable_vga: never offer the VGA region
 * @disable_idle_d3: keep idle devices in D0 instead of letting runtime PM
 *	put them into D3hot
 */
struct vfio_pci_params {
	bool nointxmask;
	bool disable_vga;
	bool disable_idle_d3;
};

extern struct vfio_pci_params vfio_pci_params;

/**
 * struct vfio_pci_dev - one PCI function bound to vfio-pci
 * @vdev: the VFIO core's device; its dev_set lock (dev_set->lock) is held
 *	by the core around open_device() and close_device()
 * @pdev: the PCI function
 * @has_vga: the VGA region is offered (VGA class and not disable_vga);
 *	constant after probe
 * @reset_works: a function reset worked at open; reported as
 *	VFIO_DEVICE_FLAGS_RESET.  Written under dev_set->lock.
 * @saved_state: config state as found at open, restored at close.
 *	Written under dev_set->lock.
 */
struct vfio_pci_dev {
	struct vfio_device vdev;
	struct pci_dev *pdev;
	bool has_vga;
	bool reset_works;
	struct pci_saved_state *saved_state;
};

static inline struct vfio_pci_dev *to_vfio_pci_dev(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_pci_dev, vdev);
}

/**
 * struct vfio_pci_region_ops - one kind of region
 * @info: fill @info (size, flags; offset is set by the caller) and add
 *	capabilities to @caps; return 0 or -errno
 * @rw: read or write @count bytes at @pos within the region; return the
 *	byte count moved or -errno
 * @mmap: map the region into @vma (offset already made region-relative);
 *	NULL when the region is never mappable
 */
struct vfio_pci_region_ops {
	int (*info)(struct vfio_pci_dev *vpdev, unsigned int index,
		    struct vfio_region_info *info, struct vfio_info_cap *caps);
	ssize_t (*rw)(struct vfio_pci_dev *vpdev, unsigned int index,
		      char __user *buf, size_t count, loff_t pos, bool write);
	int (*mmap)(struct vfio_pci_dev *vpdev, unsigned int index,
		    struct vm_area_struct *vma);
};

/* vfio_pci_cfg.c */
extern const struct vfio_pci_region_ops vfio_pci_cfg_region_ops;

/* vfio_pci_vga.c */
#ifdef CONFIG_VFIO_PCI_VGA
extern const struct vfio_pci_region_ops vfio_pci_vga_region_ops;
int vfio_pci_vga_probe(struct vfio_pci_dev *vpdev);
void vfio_pci_vga_remove(struct vfio_pci_dev *vpdev);
int vfio_pci_vga_decode_get(struct vfio_pci_dev *vpdev);
void vfio_pci_vga_decode_put(struct vfio_pci_dev *vpdev);
int vfio_pci_vga_init(void);
void vfio_pci_vga_exit(void);

static inline const struct vfio_pci_region_ops *vfio_pci_vga_region(void)
{
	return &vfio_pci_vga_region_ops;
}
#else
static inline int vfio_pci_vga_probe(struct vfio_pci_dev *vpdev)
{
	return 0;
}

static inline void vfio_pci_vga_remove(struct vfio_pci_dev *vpdev)
{
}

static inline int vfio_pci_vga_decode_get(struct vfio_pci_dev *vpdev)
{
	return 0;
}

static inline void vfio_pci_vga_decode_put(struct vfio_pci_dev *vpdev)
{
}

static inline int vfio_pci_vga_init(void)
{
	return 0;
}

static inline void vfio_pci_vga_exit(void)
{
}

static inline const struct vfio_pci_region_ops *vfio_pci_vga_region(void)
{
	return NULL;
}
#endif

/* vfio_pci_irq.c */
int vfio_pci_irq_count(struct vfio_pci_dev *vpdev, unsigned int index);
int vfio_pci_irq_info(struct vfio_pci_dev *vpdev, struct vfio_irq_info *info);

#endif /* VFIO_PCI_PRIV_H */
