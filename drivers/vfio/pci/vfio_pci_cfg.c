// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the config space region.
 *
 * Accesses are split into naturally aligned pieces of 4, 2 or 1 bytes, the
 * widths config cycles have, so that a VMM can read the whole header in one
 * call.
 */

#include <linux/pci.h>
#include <linux/uaccess.h>

#include "vfio_pci_priv.h"

static int vfio_pci_cfg_info(struct vfio_pci_dev *vpdev, unsigned int index,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	info->size = vpdev->pdev->cfg_size;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	return 0;
}

/* The widest naturally aligned access at @pos that fits in @count. */
static unsigned int vfio_pci_cfg_width(loff_t pos, size_t count)
{
	if (count >= 4 && IS_ALIGNED(pos, 4))
		return 4;
	if (count >= 2 && IS_ALIGNED(pos, 2))
		return 2;
	return 1;
}

static int vfio_pci_cfg_read_one(struct pci_dev *pdev, loff_t pos,
				 unsigned int width, u32 *val)
{
	u16 w;
	u8 b;
	int ret;

	switch (width) {
	case 4:
		ret = pci_user_read_config_dword(pdev, pos, val);
		break;
	case 2:
		ret = pci_user_read_config_word(pdev, pos, &w);
		*val = w;
		break;
	default:
		ret = pci_user_read_config_byte(pdev, pos, &b);
		*val = b;
		break;
	}
	return ret;
}

static ssize_t vfio_pci_cfg_rw(struct vfio_pci_dev *vpdev, unsigned int index,
			       char __user *buf, size_t count, loff_t pos,
			       bool write)
{
	struct pci_dev *pdev = vpdev->pdev;
	size_t done = 0;

	if (pos >= pdev->cfg_size)
		return -EINVAL;
	count = min_t(size_t, count, pdev->cfg_size - pos);

	/* Writes arrive with config-space virtualization. */
	if (write)
		return -EINVAL;

	while (done < count) {
		unsigned int width = vfio_pci_cfg_width(pos, count - done);
		__le32 le;
		u32 val;
		int ret;

		ret = vfio_pci_cfg_read_one(pdev, pos, width, &val);
		if (ret)
			return done ? done : ret;
		le = cpu_to_le32(val);
		if (copy_to_user(buf + done, &le, width))
			return done ? done : -EFAULT;
		done += width;
		pos += width;
	}
	return done;
}

const struct vfio_pci_region_ops vfio_pci_cfg_region_ops = {
	.info	= vfio_pci_cfg_info,
	.rw	= vfio_pci_cfg_rw,
};
