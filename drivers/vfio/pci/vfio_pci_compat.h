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

#include <linux/irqbypass.h>
#include <linux/mm.h>
#include <linux/version.h>

#include "vfio_pci_probes.h"

struct vfio_device;

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
 * Debian's 6.12.118 stock reads 8 bytes at once, 7.3.4's 4).
 */
#if KERNEL_VERSION(6, 19, 0) <= LINUX_VERSION_CODE
#define VFIO_PCI_VGA_MEM_MAX_WIDTH	4
#else
#define VFIO_PCI_VGA_MEM_MAX_WIDTH	8
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

#endif /* VFIO_PCI_COMPAT_H */
