// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the option ROM region (VFIO_PCI_ROM_REGION_INDEX).
 *
 * Read-only.  The region has the ROM BAR's size; the PCI core maps the ROM
 * for us: the ROM BAR of the device, or, for the boot VGA device, the
 * shadow copy the firmware left at 0xc0000 (IORESOURCE_ROM_SHADOW).  What
 * the user reads is the ROM *image*, as long as pci_map_rom() measures it
 * from the image headers, and 0xff for every byte after it up to the
 * region's end: past the image, a ROM BAR holds whatever the device
 * decodes there, and the 128 KiB after the shadow's start are host memory
 * holding other devices' option ROMs.
 *
 * A read maps the ROM once and moves the image in chunks, each under
 * memory_lock with memory decode forced on (vfio_pci_rom_hold(), which
 * asks the VGA arbiter first on a VGA card whose decode is off) and
 * 4 bytes at a time at most (wider reads have caused bus errors on real
 * devices); user memory is only touched between chunks.  A device without a
 * ROM, or whose ROM does not start with a valid image signature, has an
 * empty region.
 */

#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_drv.h"

/*
 * Bytes read per memory_lock hold, and the bounce buffer: bounds how long
 * a ROM read keeps the device's other accesses (and, on a VGA card whose
 * decode had to be turned on, the arbiter) waiting.
 */
#define VFIO_PCI_ROM_CHUNK	SZ_4K

/* The shadow copy is host memory: reading it needs no decode of the device. */
static bool vfio_pci_rom_shadowed(struct pci_dev *pdev)
{
	return pci_resource_flags(pdev, PCI_ROM_RESOURCE) & IORESOURCE_ROM_SHADOW;
}

/**
 * struct vfio_pci_rom_hold - what vfio_pci_rom_hold() took
 * @cmd: the command register as it was
 * @arbiter: the VGA arbiter holds the card's normal memory for us
 */
struct vfio_pci_rom_hold {
	u16 cmd;
	bool arbiter;
};

/*
 * Make the ROM readable: memory_lock held for write with memory decode on,
 * as vfio_pci_mem_lock_and_enable(), unless the ROM is a shadow copy.
 *
 * Turning on the memory decode of a VGA card is a legacy routing change
 * when the card decodes the legacy memory range with it (a card on the
 * root bus, or several behind one bridge).  The arbiter's own request for
 * that is a lock of the card's *normal* memory, VGA_RSRC_NORMAL_MEM: it
 * turns it into a legacy lock, routing the legacy range to this card and
 * away from the others, exactly when it books the card as a legacy
 * decoder, and otherwise only counts it (nothing moves, nobody waits).
 * So the flip never makes two cards decode the same legacy cycles.  The
 * arbiter is only asked when the flip is needed, through the driver's one
 * door to it (vfio_pci_vga_normal_mem_get()), outside memory_lock as for
 * a user's command register write.
 *
 * Return: 0; -ERESTARTSYS when a signal came while waiting for the
 * arbiter (nothing held, decode untouched).
 */
static int vfio_pci_rom_hold(struct vfio_pci_dev *vpdev,
			     struct vfio_pci_rom_hold *hold)
{
	struct pci_dev *pdev = vpdev->pdev;
	bool asked = false;
	int ret;

	hold->arbiter = false;
	if (vfio_pci_rom_shadowed(pdev))
		return 0;
	for (;;) {
		vfio_pci_memory_write_lock(vpdev);
		pci_read_config_word(pdev, PCI_COMMAND, &hold->cmd);
		/*
		 * The arbiter turns decode on itself for a card it cannot
		 * route with bridges: what is put back is the user's setting.
		 */
		if (asked && !vpdev->mem_enabled)
			hold->cmd &= ~PCI_COMMAND_MEMORY;
		if ((hold->cmd & PCI_COMMAND_MEMORY) || asked ||
		    !pci_is_vga(pdev))
			break;
		vfio_pci_memory_write_unlock(vpdev);
		ret = vfio_pci_vga_normal_mem_get(pdev);
		/* -ENODEV: a card the arbiter does not manage routes nothing. */
		if (ret && ret != -ENODEV)
			return ret;
		hold->arbiter = !ret;
		asked = true;
	}
	if (!(hold->cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(pdev, PCI_COMMAND,
				      hold->cmd | PCI_COMMAND_MEMORY);
	return 0;
}

/*
 * Undo vfio_pci_rom_hold(): decode back as the user left it, then the
 * arbiter released; it keeps its lazy routing, as after any put.
 */
static void vfio_pci_rom_unhold(struct vfio_pci_dev *vpdev,
				struct vfio_pci_rom_hold *hold)
{
	if (vfio_pci_rom_shadowed(vpdev->pdev))
		return;
	vfio_pci_mem_unlock_and_restore(vpdev, hold->cmd);
	if (hold->arbiter)
		vfio_pci_vga_normal_mem_put(vpdev->pdev);
}

/*
 * Unmapping disables the ROM BAR: under memory_lock, so that no reset
 * saves or restores the ROM BAR meanwhile.
 */
static void vfio_pci_rom_unmap(struct vfio_pci_dev *vpdev, void __iomem *rom)
{
	vfio_pci_memory_write_lock(vpdev);
	pci_unmap_rom(vpdev->pdev, rom);
	vfio_pci_memory_write_unlock(vpdev);
}

/*
 * The ROM region's size: the ROM BAR's, when it holds a valid image.
 * Return: the size, 0 for none, or -ERESTARTSYS.
 */
static ssize_t vfio_pci_rom_size(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	struct vfio_pci_rom_hold hold;
	void __iomem *rom;
	size_t size;
	int ret;

	if (!pci_resource_len(pdev, PCI_ROM_RESOURCE))
		return 0;

	ret = vfio_pci_rom_hold(vpdev, &hold);
	if (ret)
		return ret;
	rom = pci_map_rom(pdev, &size);
	if (rom)
		pci_unmap_rom(pdev, rom);
	vfio_pci_rom_unhold(vpdev, &hold);

	return rom ? pci_resource_len(pdev, PCI_ROM_RESOURCE) : 0;
}

/**
 * vfio_pci_rom_info - GET_REGION_INFO of the ROM region
 * @vpdev: the device
 * @index: VFIO_PCI_ROM_REGION_INDEX
 * @info: filled in: the size, READ when there is a ROM
 * @caps: no capabilities
 *
 * The ROM is measured at each call: its image may have gone bad.
 *
 * Return: 0; -EINTR on a fatal signal while another ROM read holds
 * rom_lock; -ERESTARTSYS on a signal while waiting for the VGA arbiter.
 */
static int vfio_pci_rom_info(struct vfio_pci_dev *vpdev, unsigned int index,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	ssize_t size;

	/* Another ROM read keeps the ROM mapped: measure after it. */
	if (mutex_lock_killable(&vpdev->rom_lock))
		return -EINTR;
	size = vfio_pci_rom_size(vpdev);
	mutex_unlock(&vpdev->rom_lock);
	if (size < 0)
		return size;
	info->size = size;
	if (info->size)
		info->flags = VFIO_REGION_INFO_FLAG_READ;
	return 0;
}

/*
 * Copy @count bytes at @pos of the mapped ROM into @kbuf: 4 bytes at most
 * at once from a device, as wide as the CPU likes from the shadow copy
 * (host memory).
 */
static void vfio_pci_rom_copy(struct pci_dev *pdev, void __iomem *rom,
			      loff_t pos, u8 *kbuf, size_t count)
{
	size_t done = 0;

	if (vfio_pci_rom_shadowed(pdev)) {
		memcpy_fromio(kbuf, rom + pos, count);
		return;
	}
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

/**
 * vfio_pci_rom_read - read the ROM region
 * @vpdev: the device; rom_lock held
 * @buf: the user buffer
 * @count: bytes to read, within the region
 * @pos: the offset in the region
 *
 * Reads [@pos, @pos + @count) of the region, mapping the ROM once: the
 * part inside the image comes from the ROM, in VFIO_PCI_ROM_CHUNK chunks
 * each under vfio_pci_rom_hold(), the rest is 0xff.
 *
 * Return: the bytes read (fewer when a chunk failed after some were
 * moved), or -ENOMEM, -ERESTARTSYS, -EFAULT, or -EINVAL when the image
 * went bad since the region was sized.
 */
static ssize_t vfio_pci_rom_read(struct vfio_pci_dev *vpdev, char __user *buf,
				 size_t count, loff_t pos)
{
	struct pci_dev *pdev = vpdev->pdev;
	struct vfio_pci_rom_hold hold;
	size_t image, want, len, done = 0;
	void __iomem *rom;
	bool held;
	u8 *bounce;
	int ret;

	lockdep_assert_held(&vpdev->rom_lock);

	bounce = kmalloc(min_t(size_t, count, VFIO_PCI_ROM_CHUNK),
			 GFP_KERNEL_ACCOUNT);
	if (!bounce)
		return -ENOMEM;

	ret = vfio_pci_rom_hold(vpdev, &hold);
	if (ret)
		goto out_free;
	rom = pci_map_rom(pdev, &image);
	if (!rom) {
		/* The image went bad since the region was sized. */
		vfio_pci_rom_unhold(vpdev, &hold);
		ret = -EINVAL;
		goto out_free;
	}
	/* pci_map_rom() clamps the image to the ROM BAR; so do we, once. */
	image = min_t(size_t, image, pci_resource_len(pdev, PCI_ROM_RESOURCE));
	want = pos < image ? min_t(size_t, count, image - pos) : 0;
	held = true;

	while (done < want) {
		if (!held) {
			ret = vfio_pci_rom_hold(vpdev, &hold);
			if (ret)
				break;
			held = true;
		}
		len = min_t(size_t, want - done, VFIO_PCI_ROM_CHUNK);
		vfio_pci_rom_copy(pdev, rom, pos + done, bounce, len);
		/* No user copy under memory_lock (see its comment). */
		vfio_pci_rom_unhold(vpdev, &hold);
		held = false;
		if (copy_to_user(buf + done, bounce, len)) {
			ret = -EFAULT;
			break;
		}
		done += len;
	}
	if (held)
		vfio_pci_rom_unhold(vpdev, &hold);
	vfio_pci_rom_unmap(vpdev, rom);

	/* Past the image the region reads as a bus read nobody answers. */
	if (done == want && count > want) {
		ret = vfio_pci_fill_user(buf + want, count - want);
		if (!ret)
			done = count;
	}
out_free:
	kfree(bounce);
	return done ? done : ret;
}

/**
 * vfio_pci_rom_rw - read or write of the ROM region
 * @vpdev: the device
 * @index: VFIO_PCI_ROM_REGION_INDEX
 * @buf: the user buffer
 * @count: bytes asked for; cut at the region's end
 * @pos: the offset in the region
 * @write: a write, which the ROM refuses
 *
 * Return: the bytes read; -EINVAL for a write or an offset past the ROM
 * BAR; -EINTR on a fatal signal while another read holds rom_lock; see
 * vfio_pci_rom_read().
 */
static ssize_t vfio_pci_rom_rw(struct vfio_pci_dev *vpdev, unsigned int index,
			       char __user *buf, size_t count, loff_t pos,
			       bool write)
{
	u64 size = pci_resource_len(vpdev->pdev, PCI_ROM_RESOURCE);
	ssize_t ret;

	if (write || pos >= size)
		return -EINVAL;
	count = min_t(u64, count, size - pos);

	if (mutex_lock_killable(&vpdev->rom_lock))
		return -EINTR;
	ret = vfio_pci_rom_read(vpdev, buf, count, pos);
	mutex_unlock(&vpdev->rom_lock);
	return ret;
}

const struct vfio_pci_region_ops vfio_pci_rom_region_ops = {
	.info	= vfio_pci_rom_info,
	.rw	= vfio_pci_rom_rw,
};
