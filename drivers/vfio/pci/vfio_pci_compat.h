/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci (vfio-vga): the kernels it builds for, told apart.
 *
 * The driver's files are written against the newest kernel's interfaces.
 * This header maps each interface that an older
 * kernel spells differently onto what that kernel has, and says what an
 * older kernel lacks.  Every choice rests on a probe compiled against the
 * target's headers (vfio_pci_probes.c -> VFIO_PCI_HAVE_<NAME>), never on
 * the version alone; LINUX_VERSION_CODE only where the difference is
 * behaviour that no header shows.  Nothing else in the driver tests a
 * probe or a version.
 *
 * Every test is a preprocessor conditional on VFIO_PCI_HAVE_<NAME> or on
 * LINUX_VERSION_CODE, so that the series for one kernel tree (make
 * patches) carries this header and vfio_pci_compat.c resolved for that
 * tree, without the probes.
 */
#ifndef VFIO_PCI_COMPAT_H
#define VFIO_PCI_COMPAT_H

#include <linux/eventfd.h>
#include <linux/iommu.h>
#include <linux/irqbypass.h>
#include <linux/mm.h>
#include <linux/msi.h>
#include <linux/pci.h>
#include <linux/version.h>
#include <linux/vfio.h>

#include "vfio_pci_probes.h"

/*
 * The unaligned accessors, <asm/unaligned.h> before 6.12.  The driver's
 * files take them from here.
 */
#ifdef VFIO_PCI_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* eventfd_signal(), before 6.8: the count to add is given (always 1 here). */
#ifndef VFIO_PCI_HAVE_EVENTFD_SIGNAL_CTX
static inline void vfio_pci_compat_eventfd_signal(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx, 1);
}

#define eventfd_signal(ctx) vfio_pci_compat_eventfd_signal(ctx)
#endif

/* vm_flags_set(), before 6.3: vm_flags is written directly. */
#ifndef VFIO_PCI_HAVE_VM_FLAGS_SET
static inline void vfio_pci_compat_vm_flags_set(struct vm_area_struct *vma,
						unsigned long flags)
{
	vma->vm_flags |= flags;
}

#define vm_flags_set(vma, flags) vfio_pci_compat_vm_flags_set(vma, flags)
#endif

/* zap_special_vma_range(), on older kernels zap_vma_ptes(): the same call. */
#ifndef VFIO_PCI_HAVE_ZAP_SPECIAL_VMA_RANGE
#define zap_special_vma_range(vma, address, size) zap_vma_ptes(vma, address, size)
#endif

/* Page table orders by name, before 6.5 (macros: no probe needed). */
#ifndef PMD_ORDER
#define PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#endif
#ifndef PUD_ORDER
#define PUD_ORDER	(PUD_SHIFT - PAGE_SHIFT)
#endif

/*
 * The huge_fault op, given a page table order since 6.6.  Before, it takes
 * an enum page_entry_size; the kernels the driver builds for that have
 * that form (6.1) cannot map PFNs with huge entries at all (no
 * CONFIG_ARCH_SUPPORTS_PMD_PFNMAP, see vfio_pci_pfnmap_order()), so the op
 * is left NULL (the function still type-checked) and every fault maps one
 * page.
 */
#ifndef VFIO_PCI_HAVE_HUGE_FAULT_PE_SIZE
#define VFIO_PCI_HUGE_FAULT_OP(fn)	.huge_fault = (fn)
#else
#define VFIO_PCI_HUGE_FAULT_OP(fn)	.huge_fault = (false ? (fn) : NULL)
#endif

/*
 * pci_is_vga(), before 6.5: the same test, the class code of a VGA
 * controller or of a VGA-compatible device older than class codes.
 */
#ifndef VFIO_PCI_HAVE_PCI_IS_VGA
static inline bool pci_is_vga(struct pci_dev *pdev)
{
	return (pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA ||
	       (pdev->class >> 8) == PCI_CLASS_NOT_DEFINED_VGA;
}
#endif

/*
 * device_set_driver_override(), before driver_override moved into struct
 * device: the PCI device's own field, through the driver core's helper
 * (which takes the device lock as the newer one does).  Only PCI devices
 * are ever passed.
 */
#ifndef VFIO_PCI_HAVE_DEVICE_SET_DRIVER_OVERRIDE
static inline int vfio_pci_compat_set_driver_override(struct device *dev,
						      const char *s)
{
	return driver_set_override(dev, &to_pci_dev(dev)->driver_override,
				   s, s ? strlen(s) : 0);
}

#define device_set_driver_override(dev, s) \
	vfio_pci_compat_set_driver_override(dev, s)
#endif

/*
 * msi_device_has_isolated_msi(), before 6.2: MSIs are isolated when an
 * interrupt domain remaps them or the device's IOMMU does (the test 6.1's
 * own type1 IOMMU driver makes).
 */
#ifndef VFIO_PCI_HAVE_ISOLATED_MSI
static inline bool vfio_pci_compat_has_isolated_msi(struct device *dev)
{
	return irq_domain_check_msi_remap() ||
	       device_iommu_capable(dev, IOMMU_CAP_INTR_REMAP);
}

#define msi_device_has_isolated_msi(dev) vfio_pci_compat_has_isolated_msi(dev)
#endif

/*
 * Dynamic MSI-X, before 6.2: the kernel cannot add a vector to an enabled
 * MSI-X, so MSI-X is NORESIZE everywhere (the answer the newer PCI core
 * gives for an MSI-X domain without the feature); the allocation is never
 * reached and fails as it does there.
 */
#ifndef VFIO_PCI_HAVE_MSIX_ALLOC_IRQ_AT
struct msi_map {
	int index;
	int virq;
};

static inline bool pci_msix_can_alloc_dyn(struct pci_dev *pdev)
{
	return false;
}

static inline struct msi_map
pci_msix_alloc_irq_at(struct pci_dev *pdev, unsigned int index,
		      const struct irq_affinity_desc *affdesc)
{
	return (struct msi_map) { .index = -EOPNOTSUPP };
}
#endif

/*
 * IOMMU_CAP_ENFORCE_CACHE_COHERENCY, before 6.2: no IOMMU can be asked
 * whether it keeps No Snoop DMA coherent (IOMMU_CAP_CACHE_COHERENCY only
 * says that IOMMU_CACHE mappings work).  The answer is then "no", the safe
 * one: nosnoop=auto denies.
 */
#ifndef VFIO_PCI_HAVE_IOMMU_CAP_ENFORCE_CACHE_COHERENCY
#define IOMMU_CAP_ENFORCE_CACHE_COHERENCY	(-1)

static inline bool vfio_pci_compat_iommu_capable(struct device *dev, int cap)
{
	if (cap == IOMMU_CAP_ENFORCE_CACHE_COHERENCY)
		return false;
	return device_iommu_capable(dev, cap);
}

#define device_iommu_capable(dev, cap) vfio_pci_compat_iommu_capable(dev, cap)
#endif

/*
 * The iommufd ops of the VFIO core, since 6.2: DMA through an iommufd.  A
 * kernel without them opens a device through its group and a type1
 * container only.  The ops are listed with their commas, so that nothing
 * is left where the kernel has none.
 */
#ifdef VFIO_PCI_HAVE_IOMMUFD_OPS
#define VFIO_PCI_IOMMUFD_OPS \
	.bind_iommufd	= vfio_iommufd_physical_bind, \
	.unbind_iommufd	= vfio_iommufd_physical_unbind, \
	.attach_ioas	= vfio_iommufd_physical_attach_ioas, \
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
#else
#define VFIO_PCI_IOMMUFD_OPS
#endif

/*
 * The device cdev, since 6.6.  Before, no device is ever opened through a
 * cdev, and nothing is bound to an iommufd: the answers below are those
 * the newer headers give on a kernel built without CONFIG_IOMMUFD and
 * CONFIG_VFIO_DEVICE_CDEV (Debian's 6.12), so the cdev branches of a hot
 * reset are never taken.
 */
#ifndef VFIO_PCI_HAVE_DEVICE_CDEV
static inline bool vfio_device_cdev_opened(struct vfio_device *vdev)
{
	return false;
}

static inline struct iommufd_ctx *vfio_iommufd_device_ictx(struct vfio_device *vdev)
{
	return NULL;
}

static inline int vfio_iommufd_get_dev_id(struct vfio_device *vdev,
					  struct iommufd_ctx *ictx)
{
	return VFIO_PCI_DEVID_NOT_OWNED;
}
#endif

/*
 * Who frees a device after its release op: the VFIO core, since 6.2.
 * Before, the op itself must, with vfio_free_device(); the core's release
 * of the device's struct device only calls the op.
 */
#ifdef VFIO_PCI_HAVE_VFIO_FREE_DEVICE
static inline void vfio_pci_release_free(struct vfio_device *vdev)
{
	vfio_free_device(vdev);
}
#else
static inline void vfio_pci_release_free(struct vfio_device *vdev)
{
}
#endif

/*
 * The core's inode, since 6.12: every open file of a device maps through
 * its address_space, so that unmap_mapping_range() on it reaches all the
 * device's mappings.  Before, a device's files share the anonymous inode
 * of the whole system, and there is no address_space of the device's own:
 * NULL.
 */
#ifdef VFIO_PCI_HAVE_VFIO_DEVICE_INODE
static inline struct address_space *vfio_pci_core_mapping(struct vfio_device *vdev)
{
	return vdev->inode->i_mapping;
}
#else
static inline struct address_space *vfio_pci_core_mapping(struct vfio_device *vdev)
{
	return NULL;
}
#endif

/*
 * vfio_find_device_in_devset(), before 6.6: the same walk of the set's
 * members, under the set's lock.
 */
#ifndef VFIO_PCI_HAVE_FIND_DEVICE_IN_DEVSET
static inline struct vfio_device *
vfio_find_device_in_devset(struct vfio_device_set *dev_set, struct device *dev)
{
	struct vfio_device *cur;

	lockdep_assert_held(&dev_set->lock);
	list_for_each_entry(cur, &dev_set->device_list, dev_set_list)
		if (cur->dev == dev)
			return cur;
	return NULL;
}
#endif

/*
 * irq bypass, before 6.17: the producer carries its token (the eventfd)
 * and irq itself; the token must be cleared when registration fails or
 * after unregistration, so that the next registration and unregistration
 * see an unregistered producer, as 6.17's own functions leave it.
 */
#ifndef VFIO_PCI_HAVE_IRQ_BYPASS_EVENTFD
static inline int vfio_pci_compat_register_producer(struct irq_bypass_producer *prod,
						    struct eventfd_ctx *trigger,
						    int irq)
{
	int ret;

	prod->token = trigger;
	prod->irq = irq;
	ret = irq_bypass_register_producer(prod);
	if (ret)
		prod->token = NULL;
	return ret;
}

static inline void vfio_pci_compat_unregister_producer(struct irq_bypass_producer *prod)
{
	irq_bypass_unregister_producer(prod);
	prod->token = NULL;
}

#define irq_bypass_register_producer(prod, trigger, irq) \
	vfio_pci_compat_register_producer(prod, trigger, irq)
#define irq_bypass_unregister_producer(prod) \
	vfio_pci_compat_unregister_producer(prod)
#endif

/* Huge PFN entries, before 6.17: the PFN goes in a pfn_t. */
#ifndef VFIO_PCI_HAVE_VMF_INSERT_PFN_PMD_PFN
#include <linux/pfn_t.h>

static inline vm_fault_t
vfio_pci_compat_insert_pfn_pmd(struct vm_fault *vmf, unsigned long pfn,
			       bool write)
{
	return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), write);
}

static inline vm_fault_t
vfio_pci_compat_insert_pfn_pud(struct vm_fault *vmf, unsigned long pfn,
			       bool write)
{
	return vmf_insert_pfn_pud(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), write);
}

#define vmf_insert_pfn_pmd(vmf, pfn, write) \
	vfio_pci_compat_insert_pfn_pmd(vmf, pfn, write)
#define vmf_insert_pfn_pud(vmf, pfn, write) \
	vfio_pci_compat_insert_pfn_pud(vmf, pfn, write)
#endif

/*
 * The widest access to the legacy VGA memory.  Since 6.19 the stock driver
 * reaches the VGA region, as it does the ROM, in accesses of 4 bytes at
 * most (some devices fault on 8-byte ones).  That is behaviour, which no
 * header shows: the version decides (measured in the rig with mmiotrace:
 * Debian's 6.12.118 stock reads 8 bytes at once, 7.3.4's 4).  Before,
 * the stock driver takes 8 bytes at once only where the VFIO PCI core has
 * its 64-bit accessors, which 6.1's lacks (6.1.192's stock reads 4).
 */
#ifndef VFIO_PCI_HAVE_CORE_IOREAD64
#define VFIO_PCI_VGA_MEM_MAX_WIDTH	4
#else
#if KERNEL_VERSION(6, 19, 0) <= LINUX_VERSION_CODE
#define VFIO_PCI_VGA_MEM_MAX_WIDTH	4
#else
#define VFIO_PCI_VGA_MEM_MAX_WIDTH	8
#endif
#endif

/*
 * The ERR interrupt index: until 7.2 the stock driver offers it on PCI
 * Express functions only, from 7.3 on every device (measured in the rig:
 * 7.2.12's stock answers GET_IRQ_INFO for ERR of a conventional device with
 * -EINVAL, 7.3.4's with a count of 1).  Behaviour again: the version
 * decides.
 */
#if KERNEL_VERSION(7, 3, 0) > LINUX_VERSION_CODE
#define VFIO_PCI_ERR_IRQ_PCIE_ONLY	1
#else
#define VFIO_PCI_ERR_IRQ_PCIE_ONLY	0
#endif

/*
 * VFIO_DEVICE_GET_REGION_INFO: since 6.19 the VFIO core answers it through
 * the get_region_info_caps op (and fails it with -EINVAL without one).
 * Before, it reaches the driver's ioctl op, which answers it the way 6.19's
 * core does, through the same function (vfio_pci_main.c).
 */
#ifdef VFIO_PCI_HAVE_GET_REGION_INFO_CAPS
#define VFIO_PCI_IOCTL_OPS \
	.ioctl = vfio_pci_ioctl, \
	.get_region_info_caps = vfio_pci_get_region_info_caps
#else
#define VFIO_PCI_IOCTL_OPS \
	.ioctl = vfio_pci_ioctl
#endif

/*
 * The VF token of a bind through the device cdev: since 6.17 the VFIO
 * core hands what VFIO_DEVICE_BIND_IOMMUFD presented (or NULL) to the
 * match_token_uuid op before it opens the device.  Before, that ioctl
 * carries no token (VFIO_DEVICE_BIND_FLAG_TOKEN is -EINVAL), and a device
 * that needs one cannot be opened through the cdev at all
 * (vfio_pci_sriov_open()).  Listed with its comma, like the iommufd ops.
 */
#ifdef VFIO_PCI_HAVE_MATCH_TOKEN_UUID
#define VFIO_PCI_MATCH_TOKEN_OPS \
	.match_token_uuid = vfio_pci_match_token_uuid,
#else
#define VFIO_PCI_MATCH_TOKEN_OPS
#endif

#endif /* VFIO_PCI_COMPAT_H */
