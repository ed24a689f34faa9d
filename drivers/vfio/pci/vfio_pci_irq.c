// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): interrupt indexes.
 *
 * Index by index, what the device can raise: INTx when it has an interrupt
 * pin, MSI and MSI-X as their capabilities advertise, ERR (AER) for PCI
 * Express functions, and REQ, the host's request to give the device back.
 */

#include <linux/pci.h>

#include "vfio_pci_priv.h"

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
	u16 flags;
	u8 pin;

	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (pdev->is_virtfn)
			return 0;
		pci_read_config_byte(pdev, PCI_INTERRUPT_PIN, &pin);
		return pin ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (!pdev->msi_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &flags);
		return 1 << FIELD_GET(PCI_MSI_FLAGS_QMASK, flags);
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (!pdev->msix_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
		return (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pci_is_pcie(pdev) ? 1 : 0;
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
 * Return: 0, or -EINVAL for an index this device does not have (ERR exists
 * only on PCI Express functions).
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
		if (!pci_is_pcie(vpdev->pdev))
			return -EINVAL;
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		break;
	default:
		return -EINVAL;
	}

	info->count = vfio_pci_irq_count(vpdev, info->index);
	return 0;
}
