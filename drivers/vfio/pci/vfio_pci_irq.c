// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): interrupt indexes.
 *
 * Index by index, what the device can raise: INTx when it has an interrupt
 * pin, MSI and MSI-X as their capabilities advertise, ERR (AER) for PCI
 * Express functions, and REQ, the host's request to give the device back.
 * This file answers GET_IRQ_INFO, routes SET_IRQS to vfio_pci_intx.c and
 * vfio_pci_msi.c, and keeps the ERR and REQ eventfds itself.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/pci.h>

#include "vfio_pci_drv.h"

/*
 * Whether @pdev has the ERR index: every device, or only PCI Express
 * functions on kernels whose stock driver draws that line
 * (VFIO_PCI_ERR_IRQ_PCIE_ONLY).
 */
static bool vfio_pci_has_err_irq(struct pci_dev *pdev)
{
	return !VFIO_PCI_ERR_IRQ_PCIE_ONLY || pci_is_pcie(pdev);
}

/**
 * vfio_pci_irq_count - how many vectors an IRQ index has
 * @vpdev: the device
 * @index: a VFIO_PCI_*_IRQ_INDEX
 *
 * Return: the vector count; 0 when the device cannot raise that kind.
 */
int vfio_pci_irq_count(struct vfio_pci_dev *vpdev, unsigned int index)
{
	struct pci_dev *pdev = vpdev->pdev;
	u8 pin;

	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (pdev->is_virtfn)
			return 0;
		pci_read_config_byte(pdev, PCI_INTERRUPT_PIN, &pin);
		return pin ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return vfio_pci_msi_count(vpdev, index);
	case VFIO_PCI_ERR_IRQ_INDEX:
		return vfio_pci_has_err_irq(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

/**
 * vfio_pci_irq_info - answer VFIO_DEVICE_GET_IRQ_INFO
 * @vpdev: the device
 * @info: in: index; out: flags and count
 *
 * Return: 0, or -EINVAL for an index this device does not have (ERR: see
 * vfio_pci_has_err_irq()).
 */
int vfio_pci_irq_info(struct vfio_pci_dev *vpdev, struct vfio_irq_info *info)
{
	switch (info->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_AUTOMASKED;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		break;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD;
		/* Vectors can be added while enabled only with dynamic MSI-X. */
		if (!pci_msix_can_alloc_dyn(vpdev->pdev))
			info->flags |= VFIO_IRQ_INFO_NORESIZE;
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
		if (!vfio_pci_has_err_irq(vpdev->pdev))
			return -EINVAL;
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		break;
	default:
		return -EINVAL;
	}

	info->count = vfio_pci_irq_count(vpdev, info->index);
	return 0;
}

/**
 * vfio_pci_irq_init - set up the interrupt state of a new device
 * @vpdev: the device, at probe
 */
void vfio_pci_irq_init(struct vfio_pci_dev *vpdev)
{
	mutex_init(&vpdev->irq.lock);
	spin_lock_init(&vpdev->irq.intx_lock);
	vpdev->irq.type = VFIO_PCI_NUM_IRQS;
}

/**
 * vfio_pci_irq_open - put the interrupt hardware in its idle state
 * @vpdev: the device, being opened
 *
 * INTx stays masked in the hardware until the user enables it, so that a
 * device it programs cannot assert a line that nobody handles.
 */
void vfio_pci_irq_open(struct vfio_pci_dev *vpdev)
{
	/* The config region shows INTx Disable clear at open (vfio_pci_cfg.c). */
	vpdev->irq.intx_virt_disabled = false;
	if (vfio_pci_irq_count(vpdev, VFIO_PCI_INTX_IRQ_INDEX) &&
	    vfio_pci_intx_maskable(vpdev->pdev))
		pci_intx(vpdev->pdev, 0);
}

/* Turn off whichever of INTx, MSI or MSI-X is enabled; irq.lock held. */
static void __vfio_pci_irq_disable(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	u16 cmd;

	lockdep_assert_held(&irqs->lock);

	switch (irqs->type) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		vfio_pci_intx_disable(vpdev);
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		vfio_pci_msi_disable(vpdev);
		break;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		cmd = vfio_pci_mem_lock_and_enable(vpdev);
		vfio_pci_msi_disable(vpdev);
		vfio_pci_mem_unlock_and_restore(vpdev, cmd);
		break;
	}
}

/**
 * vfio_pci_irq_release - tear down every interrupt the user set up
 * @vpdev: the device, being closed (the VFIO core holds dev_set->lock)
 *
 * Disables INTx, MSI or MSI-X and drops the ERR and REQ eventfds.
 */
void vfio_pci_irq_release(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;

	mutex_lock(&irqs->lock);
	__vfio_pci_irq_disable(vpdev);
	if (irqs->err_trigger)
		eventfd_ctx_put(irqs->err_trigger);
	irqs->err_trigger = NULL;
	if (irqs->req_trigger)
		eventfd_ctx_put(irqs->req_trigger);
	irqs->req_trigger = NULL;
	mutex_unlock(&irqs->lock);
}

/*
 * ERR and REQ: one eventfd, TRIGGER only.  DATA_NONE count 0 drops it;
 * loopback signals it.
 */
static int vfio_pci_set_trigger(struct vfio_pci_dev *vpdev,
				struct eventfd_ctx **slot,
				struct vfio_irq_set *hdr, void *data)
{
	struct eventfd_ctx *trigger;
	s32 fd;

	lockdep_assert_held(&vpdev->irq.lock);
	if (!(hdr->flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -ENOTTY;

	if (hdr->flags & VFIO_IRQ_SET_DATA_NONE) {
		if (!*slot)
			return -EINVAL;
		if (hdr->count) {
			eventfd_signal(*slot);
		} else {
			eventfd_ctx_put(*slot);
			*slot = NULL;
		}
		return 0;
	}
	if (hdr->count != 1)
		return -EINVAL;

	if (hdr->flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(u8 *)data && *slot)
			eventfd_signal(*slot);
		return 0;
	}

	fd = *(s32 *)data;
	if (fd < -1)
		return -EINVAL;
	trigger = NULL;
	if (fd >= 0) {
		trigger = eventfd_ctx_fdget(fd);
		if (IS_ERR(trigger))
			return PTR_ERR(trigger);
	}
	if (*slot)
		eventfd_ctx_put(*slot);
	*slot = trigger;
	return 0;
}

/**
 * vfio_pci_set_irqs - VFIO_DEVICE_SET_IRQS
 * @vpdev: the device
 * @hdr: the header, already checked by vfio_set_irqs_validate_and_prepare()
 *	against the index's vector count
 * @data: the payload copied from the user (NULL for DATA_NONE)
 *
 * Return: 0 or -errno: -ENOTTY for no or several actions and for an action
 * the index does not support; see the index handlers for the rest.
 */
int vfio_pci_set_irqs(struct vfio_pci_dev *vpdev, struct vfio_irq_set *hdr,
		      void *data)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	int ret;

	if (hweight32(hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) != 1)
		return -ENOTTY;

	mutex_lock(&irqs->lock);
	switch (hdr->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		ret = vfio_pci_intx_set(vpdev, hdr, data);
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
		ret = vfio_pci_msi_set(vpdev, hdr, data);
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
		ret = vfio_pci_set_trigger(vpdev, &irqs->err_trigger, hdr, data);
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		ret = vfio_pci_set_trigger(vpdev, &irqs->req_trigger, hdr, data);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&irqs->lock);
	return ret;
}

/**
 * vfio_pci_irq_request - relay the host's request for the device
 * @vpdev: the device
 * @count: how many times the VFIO core has asked (from 0)
 *
 * Signals the REQ eventfd; without one, says once that the unbind waits
 * for the user.
 */
void vfio_pci_irq_request(struct vfio_pci_dev *vpdev, unsigned int count)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;

	mutex_lock(&irqs->lock);
	if (irqs->req_trigger) {
		pci_notice_ratelimited(vpdev->pdev,
				       "asking the user to release the device (#%u)\n",
				       count);
		eventfd_signal(irqs->req_trigger);
	} else if (!count) {
		pci_warn(vpdev->pdev,
			 "no request eventfd: waiting until the user releases the device\n");
	}
	mutex_unlock(&irqs->lock);
}

/**
 * vfio_pci_irq_error - relay an AER error to the user
 * @vpdev: the device
 *
 * Signals the ERR eventfd when the user set one.
 */
void vfio_pci_irq_error(struct vfio_pci_dev *vpdev)
{
	mutex_lock(&vpdev->irq.lock);
	if (vpdev->irq.err_trigger)
		eventfd_signal(vpdev->irq.err_trigger);
	mutex_unlock(&vpdev->irq.lock);
}
