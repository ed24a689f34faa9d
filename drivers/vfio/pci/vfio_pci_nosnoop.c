// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the No Snoop policy.
 *
 * A PCI Express function whose Device Control has Enable No Snoop set may
 * tag its DMA "No Snoop": the root complex then skips the CPU caches.  An
 * IOMMU that enforces cache coherency (VFIO_DMA_CC_IOMMU) overrides the tag;
 * without one, a guest that assumes coherent DMA sees stale data unless the
 * hypervisor emulates the cache flushes its driver does.
 *
 * The module parameter nosnoop= decides who owns the bit while a user has
 * the device:
 *
 *   allow  the user's Enable No Snoop reaches the device (as with stock)
 *   deny   the device's bit is held clear; the user sees a virtual bit
 *          that reads back what it wrote
 *   auto   deny when the device's IOMMU cannot enforce cache coherency,
 *          allow when it can
 *
 * The decision is taken at open and applied again after every reset that
 * restores config state; the state saved at open (and restored at close)
 * keeps the device's own value.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/iommu.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "vfio_pci_drv.h"

enum vfio_pci_nosnoop {
	VFIO_PCI_NOSNOOP_ALLOW,
	VFIO_PCI_NOSNOOP_AUTO,
	VFIO_PCI_NOSNOOP_DENY,
};

static const char * const vfio_pci_nosnoop_names[] = {
	[VFIO_PCI_NOSNOOP_ALLOW] = "allow",
	[VFIO_PCI_NOSNOOP_AUTO] = "auto",
	[VFIO_PCI_NOSNOOP_DENY] = "deny",
};

/* Set at load only (the parameter is read-only in sysfs). */
static enum vfio_pci_nosnoop vfio_pci_nosnoop = VFIO_PCI_NOSNOOP_ALLOW;

static int vfio_pci_nosnoop_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(vfio_pci_nosnoop_names, val);

	if (i < 0) {
		pr_err("nosnoop=%s: must be allow, auto or deny\n", val);
		return -EINVAL;
	}
	vfio_pci_nosnoop = i;
	return 0;
}

static int vfio_pci_nosnoop_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", vfio_pci_nosnoop_names[vfio_pci_nosnoop]);
}

static const struct kernel_param_ops vfio_pci_nosnoop_ops = {
	.set = vfio_pci_nosnoop_set,
	.get = vfio_pci_nosnoop_get,
};

module_param_cb(nosnoop, &vfio_pci_nosnoop_ops, NULL, 0444);
MODULE_PARM_DESC(nosnoop, "Who owns PCIe Enable No Snoop while a user has the device: allow (the user, as with stock), deny (held clear, the user sees a virtual bit) or auto (deny unless the IOMMU enforces cache coherency) (default: allow)");

/* Hold the device's bit clear; the PCI core restores it only from saved state. */
static void vfio_pci_nosnoop_clear(struct pci_dev *pdev)
{
	if (pcie_capability_clear_word(pdev, PCI_EXP_DEVCTL,
				       PCI_EXP_DEVCTL_NOSNOOP_EN))
		dev_warn_ratelimited(&pdev->dev, "no-snoop: could not clear Enable No Snoop\n");
}

/**
 * vfio_pci_nosnoop_open - decide and apply the No Snoop policy at open
 * @vpdev: the device, its config space just built by vfio_pci_cfg_init()
 *	and its config state saved (dev_set->lock held by the VFIO core)
 *
 * Under allow, Enable No Snoop becomes a hardware bit of the config region;
 * under deny it stays virtual (vfio_pci_cfg.c) and the device's bit is
 * cleared.  The effective policy is logged, naming the device, at the
 * first open after the bind only: it cannot change while the module is
 * loaded, and a user who opens the device in a loop must not fill the log.
 */
void vfio_pci_nosnoop_open(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	bool coherent;
	const char *why;

	vpdev->nosnoop_deny = false;
	if (!pci_is_pcie(pdev))
		return;

	switch (vfio_pci_nosnoop) {
	case VFIO_PCI_NOSNOOP_AUTO:
		coherent = device_iommu_capable(&pdev->dev,
						IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
		vpdev->nosnoop_deny = !coherent;
		why = coherent ? "IOMMU enforces coherency" :
				 "IOMMU does not enforce coherency";
		break;
	case VFIO_PCI_NOSNOOP_DENY:
		vpdev->nosnoop_deny = true;
		why = "nosnoop=deny";
		break;
	default:
		why = "nosnoop=allow";
		break;
	}

	if (!vpdev->nosnoop_logged)
		pci_info(pdev, "no-snoop: %s (%s)\n",
			 vpdev->nosnoop_deny ? "deny" : "allow", why);
	else
		pci_dbg(pdev, "no-snoop: %s (%s)\n",
			vpdev->nosnoop_deny ? "deny" : "allow", why);
	vpdev->nosnoop_logged = true;

	if (vpdev->nosnoop_deny)
		vfio_pci_nosnoop_clear(pdev);
	else
		vfio_pci_cfg_passthrough(vpdev, pdev->pcie_cap + PCI_EXP_DEVCTL,
					 2, PCI_EXP_DEVCTL_NOSNOOP_EN);
}

/**
 * vfio_pci_nosnoop_reapply - apply the policy again after a reset
 * @vpdev: the device, just reset and its config state restored by the PCI
 *	core (memory_lock held for write by the reset path)
 *
 * A reset restores whatever config state the PCI core saved; under deny the
 * device's bit is cleared again whatever that was.  Nothing happens for a
 * device no user has open (its config space is not built): a reset of a
 * whole set at release leaves the device as its own state says.
 */
void vfio_pci_nosnoop_reapply(struct vfio_pci_dev *vpdev)
{
	lockdep_assert_held_write(&vpdev->memory_lock);

	if (vpdev->cfg && vpdev->nosnoop_deny)
		vfio_pci_nosnoop_clear(vpdev->pdev);
}
