// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): what an older kernel's VFIO core leaves to the
 * driver.  See vfio_pci_compat.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_pci_drv.h"

#ifndef VFIO_PCI_HAVE_GET_REGION_INFO_CAPS
/*
 * VFIO_DEVICE_GET_REGION_INFO as 6.19's VFIO core answers it: the region's
 * capability chain goes right behind the header when the user made room
 * for all of it (cap_offset then points at it); otherwise argsz says how
 * much room it needs and cap_offset stays 0.
 */
static long vfio_pci_compat_region_info(struct vfio_device *vdev,
					struct vfio_region_info __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = {};
	struct vfio_region_info info;
	int ret = vfio_pci_copy_arg(&info, arg, minsz);

	if (ret)
		return ret;
	ret = vfio_pci_get_region_info_caps(vdev, &info, &caps);
	if (ret)
		goto out_free_caps;

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size)) {
				ret = -EFAULT;
				goto out_free_caps;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user(arg, &info, minsz))
		ret = -EFAULT;

out_free_caps:
	kfree(caps.buf);
	return ret;
}

/**
 * vfio_pci_compat_ioctl - the ioctl op on kernels before 6.19
 * @vdev: the device
 * @cmd: the ioctl
 * @arg: its argument, a user pointer
 *
 * Return: the ioctl's result.
 */
long vfio_pci_compat_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	if (cmd == VFIO_DEVICE_GET_REGION_INFO)
		return vfio_pci_compat_region_info(vdev, (void __user *)arg);
	return vfio_pci_ioctl(vdev, cmd, arg);
}
#endif
