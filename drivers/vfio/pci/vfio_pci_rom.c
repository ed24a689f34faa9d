// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the option ROM region (VFIO_PCI_ROM_REGION_INDEX).
 *
 * Read-only.  The PCI core maps the ROM for us: the ROM BAR of the device,
 * or, for the boot VGA device, the shadow copy the firmware left at 0xc0000
 * (IORESOURCE_ROM_SHADOW).  ROM decode is turned on only for the duration
 * of a read, with memory decode forced on under memory_lock, and the image
 * is read 4 bytes at a time at most: wider reads have caused bus errors on
 * real devices.  A device without a ROM, or whose ROM does not start with a
 * valid image signature, has an empty region.
 */

#include <linux/io.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "vfio_pci_priv.h"

/* The ROM region's size: the ROM BAR's, when it holds a valid image. */
static size_t vfio_pci_rom_size(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	void __iomem *rom;
	size_t size;
	u16 cmd;

	if (!pci_resource_len(pdev, PCI_ROM_RESOURCE))
		return 0;

	cmd = vfio_pci_memory_lock_and_enable(vpdev);
	rom = pci_map_rom(pdev, &size);
	if (rom)
		pci_unmap_rom(pdev, rom);
	vfio_pci_memory_unlock_and_restore(vpdev, cmd);

	return rom ? pci_resource_len(pdev, PCI_ROM_RESOURCE) : 0;
}

static int vfio_pci_rom_info(struct vfio_pci_dev *vpdev, unsigned int index,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	info->size = vfio_pci_rom_size(vpdev);
	if (info->size)
		info->flags = VFIO_REGION_INFO_FLAG_READ;
	return 0;
}

/* Copy @count bytes at @pos of the mapped ROM into @kbuf, 4 bytes at most at once. */
static void vfio_pci_rom_copy(void __iomem *rom, loff_t pos, u8 *kbuf,
			      size_t count)
{
	size_t done = 0;

	while (done < count) {
		if (count - done >= 4 && IS_ALIGNED(pos, 4)) {
			put_unaligned_le32(ioread32(rom + pos), kbuf + done);
			done += 4;
			pos += 4;
		} else if (count - done >= 2 && IS_ALIGNED(pos, 2)) {
			put_unaligned_le16(ioread16(rom + pos), kbuf + done);
			done += 2;
			pos += 2;
		} else {
			kbuf[done++] = ioread8(rom + pos++);
		}
	}
}

/* Reads go through a bounce buffer of this size: no user copy under the lock. */
#define VFIO_PCI_ROM_CHUNK	256

static ssize_t vfio_pci_rom_rw(struct vfio_pci_dev *vpdev, unsigned int index,
			       char __user *buf, size_t count, loff_t pos,
			       bool write)
{
	struct pci_dev *pdev = vpdev->pdev;
	u8 kbuf[VFIO_PCI_ROM_CHUNK];
	size_t size, len, done = 0;
	void __iomem *rom;
	u16 cmd;

	if (write || !pci_resource_len(pdev, PCI_ROM_RESOURCE))
		return -EINVAL;

	while (done < count) {
		cmd = vfio_pci_memory_lock_and_enable(vpdev);
		rom = pci_map_rom(pdev, &size);
		if (!rom) {
			vfio_pci_memory_unlock_and_restore(vpdev, cmd);
			return done ? done : -EINVAL;
		}
		/* The whole ROM BAR is mapped, not only the image. */
		size = pci_resource_len(pdev, PCI_ROM_RESOURCE);
		if (pos >= size) {
			pci_unmap_rom(pdev, rom);
			vfio_pci_memory_unlock_and_restore(vpdev, cmd);
			return done ? done : -EINVAL;
		}
		len = min3(count - done, size - (size_t)pos, sizeof(kbuf));
		vfio_pci_rom_copy(rom, pos, kbuf, len);
		pci_unmap_rom(pdev, rom);
		vfio_pci_memory_unlock_and_restore(vpdev, cmd);

		if (copy_to_user(buf + done, kbuf, len))
			return done ? done : -EFAULT;
		done += len;
		pos += len;
		if (pos >= size)
			break;
	}
	return done;
}

const struct vfio_pci_region_ops vfio_pci_rom_region_ops = {
	.info	= vfio_pci_rom_info,
	.rw	= vfio_pci_rom_rw,
};
