// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the bottom layer, device state that every other file
 * may use.  For now only the memory-enable lock: the driver's own accesses
 * to a BAR (the MSI-X table) need memory decode on, whatever the user left
 * in the command register.
 */

#include <linux/pci.h>

#include "vfio_pci_priv.h"

/**
 * vfio_pci_memory_lock_and_enable - block BAR users and force memory decode on
 * @vpdev: the device
 *
 * Takes memory_lock for writing, so that no BAR access and no change of
 * the decode bit by the user runs meanwhile, and turns PCI_COMMAND_MEMORY on.
 *
 * Return: the command register as it was, for
 * vfio_pci_memory_unlock_and_restore().
 */
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	u16 cmd;

	down_write(&vpdev->memory_lock);
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(pdev, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	return cmd;
}

/**
 * vfio_pci_memory_unlock_and_restore - undo vfio_pci_memory_lock_and_enable()
 * @vpdev: the device
 * @cmd: what vfio_pci_memory_lock_and_enable() returned
 *
 * Puts the memory decode bit back as it was and releases memory_lock.  Only
 * that bit: others (INTx disable) may have changed meanwhile on purpose.
 */
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_dev *vpdev, u16 cmd)
{
	struct pci_dev *pdev = vpdev->pdev;
	u16 now;

	if (!(cmd & PCI_COMMAND_MEMORY)) {
		pci_read_config_word(pdev, PCI_COMMAND, &now);
		pci_write_config_word(pdev, PCI_COMMAND, now & ~PCI_COMMAND_MEMORY);
	}
	up_write(&vpdev->memory_lock);
}
