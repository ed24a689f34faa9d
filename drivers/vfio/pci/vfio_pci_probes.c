// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): build-time probes of the target kernel.
 *
 * Not part of the module.  kbuild compiles this file once per probe, with
 * the module's own flags, -Werror and -DVFIO_PCI_PROBE_<NAME>, against the
 * headers of the kernel being built for (Makefile: vfio_pci_probes.h).  A
 * probe that compiles becomes "#define VFIO_PCI_HAVE_<NAME> 1" in the
 * generated vfio_pci_probes.h, which only vfio_pci_compat.h reads.
 *
 * Each probe tests the interface the driver uses, never a version number:
 * distributions backport.  A new probe is one more "#ifdef
 * VFIO_PCI_PROBE_<NAME>" block below (the Makefile finds them by that
 * line) whose code compiles exactly when the kernel has the interface.
 */

#ifdef VFIO_PCI_PROBE_IRQ_BYPASS_EVENTFD
/*
 * 6.17: an irq-bypass producer is keyed by its eventfd, given with the
 * interrupt at registration, rather than by a token set beforehand.
 */
#include <linux/irqbypass.h>

static int __maybe_unused probe(struct irq_bypass_producer *prod,
				struct eventfd_ctx *trigger)
{
	return irq_bypass_register_producer(prod, trigger, 0);
}
#endif

#ifdef VFIO_PCI_PROBE_VMF_INSERT_PFN_PMD_PFN
/* 6.17: huge PFN entries take a plain PFN (pfn_t is gone). */
#include <linux/mm.h>

static vm_fault_t __maybe_unused probe(struct vm_fault *vmf, unsigned long pfn)
{
	return vmf_insert_pfn_pmd(vmf, pfn, false) |
	       vmf_insert_pfn_pud(vmf, pfn, false);
}
#endif

#ifdef VFIO_PCI_PROBE_GET_REGION_INFO_CAPS
/*
 * 6.19: the VFIO core answers VFIO_DEVICE_GET_REGION_INFO itself, through
 * the driver's get_region_info_caps op (-EINVAL without one).
 */
#include <linux/stddef.h>
#include <linux/vfio.h>

static size_t __maybe_unused probe(void)
{
	return offsetof(struct vfio_device_ops, get_region_info_caps);
}
#endif

#ifdef VFIO_PCI_PROBE_MATCH_TOKEN_UUID
/*
 * 6.17: the VFIO core passes the VF token of VFIO_DEVICE_BIND_IOMMUFD to
 * the driver's match_token_uuid op.
 */
#include <linux/stddef.h>
#include <linux/vfio.h>

static size_t __maybe_unused probe(void)
{
	return offsetof(struct vfio_device_ops, match_token_uuid);
}
#endif

#ifdef VFIO_PCI_PROBE_LINUX_UNALIGNED_H
/* 6.12: the unaligned accessors moved from <asm/unaligned.h>. */
#include <linux/unaligned.h>
#endif

#ifdef VFIO_PCI_PROBE_EVENTFD_SIGNAL_CTX
/* 6.8: eventfd_signal() adds one, without a count. */
#include <linux/eventfd.h>

static void __maybe_unused probe(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
#endif

#ifdef VFIO_PCI_PROBE_VM_FLAGS_SET
/* 6.3: vm_flags is changed through vm_flags_set() only. */
#include <linux/mm.h>

static void __maybe_unused probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO);
}
#endif

#ifdef VFIO_PCI_PROBE_HUGE_FAULT_PE_SIZE
/*
 * Before 6.6 the huge_fault op takes an enum page_entry_size, not an
 * order.  Probed by the old form: a function of the new one would be
 * accepted there too (the enum is compatible with unsigned int).
 */
#include <linux/mm.h>

static enum page_entry_size __maybe_unused probe(void)
{
	return PE_SIZE_PMD;
}
#endif

#ifdef VFIO_PCI_PROBE_PCI_IS_VGA
/* 6.5: pci_is_vga() counts the pre-class-code VGA devices in. */
#include <linux/pci.h>

static bool __maybe_unused probe(struct pci_dev *pdev)
{
	return pci_is_vga(pdev);
}
#endif

#ifdef VFIO_PCI_PROBE_DEVICE_SET_DRIVER_OVERRIDE
/* driver_override moved into struct device (Debian's 6.12 has it too). */
#include <linux/device.h>

static int __maybe_unused probe(struct device *dev)
{
	return device_set_driver_override(dev, NULL);
}
#endif

#ifdef VFIO_PCI_PROBE_ISOLATED_MSI
/* 6.2: whether a device's MSIs are isolated is asked of the device. */
#include <linux/msi.h>

static bool __maybe_unused probe(struct device *dev)
{
	return msi_device_has_isolated_msi(dev);
}
#endif

#ifdef VFIO_PCI_PROBE_MSIX_ALLOC_IRQ_AT
/* 6.2: MSI-X vectors can be added while MSI-X is enabled. */
#include <linux/pci.h>

static int __maybe_unused probe(struct pci_dev *pdev)
{
	struct msi_map map = pci_msix_alloc_irq_at(pdev, 0, NULL);

	return pci_msix_can_alloc_dyn(pdev) ? map.index : 0;
}
#endif

#ifdef VFIO_PCI_PROBE_IOMMU_CAP_ENFORCE_CACHE_COHERENCY
/* 6.2: an IOMMU says whether it can keep No Snoop DMA coherent. */
#include <linux/iommu.h>

static bool __maybe_unused probe(struct device *dev)
{
	return device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
}
#endif

#ifdef VFIO_PCI_PROBE_IOMMUFD_OPS
/* 6.2: the VFIO core can bind a device to an iommufd. */
#include <linux/stddef.h>
#include <linux/vfio.h>

static size_t __maybe_unused probe(void)
{
	return offsetof(struct vfio_device_ops, bind_iommufd);
}
#endif

#ifdef VFIO_PCI_PROBE_DEVICE_CDEV
/*
 * 6.6: a device can be opened through its own cdev, bound to the caller's
 * iommufd, which then proves the ownership of a hot reset.
 */
#include <linux/vfio.h>

static int __maybe_unused probe(struct vfio_device *vdev)
{
	struct iommufd_ctx *ictx = vfio_iommufd_device_ictx(vdev);

	return vfio_device_cdev_opened(vdev) + vfio_iommufd_get_dev_id(vdev, ictx);
}
#endif

#ifdef VFIO_PCI_PROBE_FIND_DEVICE_IN_DEVSET
/* 6.6: the VFIO core finds a member of a device set by its struct device. */
#include <linux/vfio.h>

static struct vfio_device * __maybe_unused probe(struct vfio_device_set *set,
						 struct device *dev)
{
	return vfio_find_device_in_devset(set, dev);
}
#endif

#ifdef VFIO_PCI_PROBE_VFIO_DEVICE_INODE
/*
 * 6.12: every open file of a device shares the core's inode, whose
 * address_space holds all the device's mappings.
 */
#include <linux/vfio.h>

static struct inode * __maybe_unused probe(struct vfio_device *vdev)
{
	return vdev->inode;
}
#endif

#ifdef VFIO_PCI_PROBE_VFIO_FREE_DEVICE
/*
 * Until 6.2 the VFIO core leaves freeing a device to the driver's release
 * op, which calls vfio_free_device(); the core exports it only while so.
 */
#include <linux/vfio.h>

static void __maybe_unused probe(struct vfio_device *vdev)
{
	vfio_free_device(vdev);
}
#endif

#ifdef VFIO_PCI_PROBE_ZAP_SPECIAL_VMA_RANGE
/* zap_vma_ptes() became zap_special_vma_range() (7.2 has it, 6.12 not). */
#include <linux/mm.h>

static void __maybe_unused probe(struct vm_area_struct *vma)
{
	zap_special_vma_range(vma, vma->vm_start, PAGE_SIZE);
}
#endif

#ifdef VFIO_PCI_PROBE_CORE_IOREAD64
/*
 * The stock driver's region accesses take 8 bytes at once where the VFIO
 * PCI core has its 64-bit accessors (not in 6.1).
 */
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/vfio_pci_core.h>

static int __maybe_unused probe(struct vfio_pci_core_device *vdev, void __iomem *io)
{
	u64 val;

	return vfio_pci_core_ioread64(vdev, false, &val, io);
}
#endif
