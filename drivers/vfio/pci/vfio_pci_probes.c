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
