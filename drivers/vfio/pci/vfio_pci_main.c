// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the PCI driver, the device lifecycle and the ioctl
 * dispatch.  Regions and interrupts are implemented in the files below this
 * one (see vfio_pci_drv.h); this file only routes requests to them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_pci_drv.h"

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "Comma-separated PCI IDs to bind at load, each vendor:device[:subvendor[:subdevice[:class[:class_mask]]]] in hex");

struct vfio_pci_params vfio_pci_params;

module_param_named(nointxmask, vfio_pci_params.nointxmask, bool, 0444);
MODULE_PARM_DESC(nointxmask, "Never mask INTx with the PCI 2.3 INTx disable bit; such devices need an exclusive interrupt line (default: false)");

module_param_named(disable_vga, vfio_pci_params.disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Do not offer the legacy VGA region (VFIO_PCI_VGA_REGION_INDEX) of VGA-class devices (default: false)");

module_param_named(disable_idle_d3, vfio_pci_params.disable_idle_d3, bool, 0444);
MODULE_PARM_DESC(disable_idle_d3, "Keep devices that no user has open in D0 instead of letting runtime PM move them to D3hot (default: false)");

static bool disable_denylist;
module_param(disable_denylist, bool, 0444);
MODULE_PARM_DESC(disable_denylist, "Bind devices of the denylist too: functions whose known errata make them unsafe to hand to an untrusted user (default: false)");

static const struct vfio_pci_region_ops *
vfio_pci_region(struct vfio_pci_dev *vpdev, unsigned int index)
{
	switch (index) {
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		return &vfio_pci_bar_region_ops;
	case VFIO_PCI_ROM_REGION_INDEX:
		return &vfio_pci_rom_region_ops;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return &vfio_pci_cfg_region_ops;
	case VFIO_PCI_VGA_REGION_INDEX:
		return vfio_pci_vga_region();
	default:
		return NULL;
	}
}

/* ---- lifecycle ---- */

/*
 * A function whose config space reads all-ones is gone (surprise removed,
 * stuck in D3cold, or dead): nothing it would hand out could work.  (A
 * VF's IDs read all-ones by definition: the PCI core asks its PF.)
 */
static int vfio_pci_check_alive(struct pci_dev *pdev)
{
	if (!pci_device_is_present(pdev)) {
		dev_warn_ratelimited(&pdev->dev, "config space reads all-ones (dead or in D3cold); refusing to open\n");
		return -ENODEV;
	}
	return 0;
}

/*
 * The first user gets a freshly reset function when the PCI core can reset
 * it alone, and the outcome is what GET_INFO reports as
 * VFIO_DEVICE_FLAGS_RESET.  A device lock held elsewhere (-EAGAIN: some
 * other path is resetting it) fails the open: no device is handed out in
 * the middle of a reset.
 */
static int vfio_pci_reset_at_open(struct vfio_pci_dev *vpdev)
{
	int ret = pci_try_reset_function(vpdev->pdev);

	if (ret == -EAGAIN)
		return ret;
	vpdev->reset_works = ret == 0;
	return 0;
}

/*
 * The reset at release.  The saved state of open is restored after it, so
 * pci_try_reset_function()'s own save and restore around the reset would
 * be wasted; under the device lock, taken here, the reset goes without
 * them, and without the note a PCI core that logs each reset it makes
 * for a driver would leave (7.3 does: stock's release is silent too).
 * -EAGAIN while some other path holds the device lock.
 */
static int vfio_pci_reset_at_close(struct pci_dev *pdev)
{
	int ret;

	if (!pci_dev_trylock(pdev))
		return -EAGAIN;
	ret = __pci_reset_function_locked(pdev);
	pci_dev_unlock(pdev);
	return ret;
}

/* Remember the config state the device came with; close puts it back. */
static void vfio_pci_keep_open_state(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;

	pci_save_state(pdev);
	vpdev->saved_state = pci_store_saved_state(pdev);
	if (!vpdev->saved_state)
		pci_dbg(pdev, "no copy of the config state: close will not restore it\n");
}

/**
 * vfio_pci_open_device - the first open of a device (vfio_device_ops)
 * @vdev: the device
 *
 * Context: the VFIO core holds dev_set->lock.
 *
 * Checks the VF token, keeps the device in D0 until the last close,
 * refuses a function whose config space reads all-ones, enables it, resets
 * it when the PCI core can reset it alone (the outcome is
 * VFIO_DEVICE_FLAGS_RESET), saves its config state for close to restore,
 * and sets up the config space, the No Snoop policy, the BARs and the idle
 * interrupt state.  Legacy VGA routing is kept from moving meanwhile
 * (vfio_pci_vga_route_begin()).
 *
 * Return: 0; -EACCES without the VF token the device needs; -ENODEV for a
 * dead function; -EAGAIN when another path is resetting it; -EINTR
 * (-ERESTARTSYS) on a signal while waiting for the VGA arbiter; -EIO for a
 * capability layout that moved since enumeration; -ENOMEM; the PCI core's
 * -errno.
 */
static int vfio_pci_open_device(struct vfio_device *vdev)
{
	struct vfio_pci_dev *vpdev = to_vfio_pci_dev(vdev);
	struct pci_dev *pdev = vpdev->pdev;
	struct pci_dev *vga_held;
	int ret;

	/* Before anything: the VF token, checked and counted. */
	ret = vfio_pci_sriov_open(vpdev);
	if (ret)
		return ret;

	/* D0 for as long as the user has it; see vfio_pci_probe(). */
	ret = pm_runtime_resume_and_get(&pdev->dev);
	if (ret)
		goto out_sriov_close;
	/* A mask of INTx from a suspend whose resume never came is void. */
	vpdev->pm_intx_masked = false;

	ret = vfio_pci_check_alive(pdev);
	if (ret)
		goto out_put_pm;

	/* Enabling and resetting may rewrite legacy routing: see vga.c. */
	ret = vfio_pci_vga_route_begin(vpdev, &vga_held);
	if (ret)
		goto out_put_pm;

	ret = pci_enable_device(pdev);
	if (ret)
		goto out_route_end;

	ret = vfio_pci_reset_at_open(vpdev);
	if (ret)
		goto out_disable;
	vfio_pci_keep_open_state(vpdev);

	ret = vfio_pci_cfg_init(vpdev);
	if (ret)
		goto out_free_state;
	/* After the state is saved: close restores the device's own bit. */
	vfio_pci_nosnoop_open(vpdev);
	vfio_pci_bar_init(vpdev);
	vfio_pci_memory_sync(vpdev);
	vfio_pci_irq_open(vpdev);
	vfio_pci_vga_route_end(vga_held);
	vpdev->needs_reset = true;
	return 0;

out_free_state:
	kfree(vpdev->saved_state);
	vpdev->saved_state = NULL;
out_disable:
	pci_disable_device(pdev);
out_route_end:
	vfio_pci_vga_route_end(vga_held);
out_put_pm:
	pm_runtime_put(&pdev->dev);
out_sriov_close:
	vfio_pci_sriov_close(vpdev);
	return ret;
}

/**
 * vfio_pci_close_device - the last close of a device (vfio_device_ops)
 * @vdev: the device
 *
 * Context: the VFIO core holds dev_set->lock.
 *
 * Undoes vfio_pci_open_device() in the order that stops the device first:
 * out of a low power state, bus mastering off, then the interrupts,
 * ioeventfds, BARs and config space; the function is reset when it can be
 * and its saved config state restored.  When it is the last open device
 * of its set and the set needs it, the set is reset
 * (vfio_pci_reset_set_on_last_close()).
 */
static void vfio_pci_close_device(struct vfio_device *vdev)
{
	struct vfio_pci_dev *vpdev = to_vfio_pci_dev(vdev);
	struct pci_dev *pdev = vpdev->pdev;
	struct pci_dev *vga_held;

	/* Back in D0 with our reference, if the user left it in low power. */
	vfio_pci_pm_close(vpdev);

	/* Stop DMA first: nothing the user programmed may outlive it. */
	pci_clear_master(pdev);

	/* Interrupts go next: no handler or eventfd of the user's outlives it. */
	vfio_pci_irq_release(vpdev);

	/* Then the regions' state. */
	vfio_pci_bar_ioeventfd_release(vpdev);
	vfio_pci_bar_release(vpdev);
	vfio_pci_cfg_release(vpdev);

	/*
	 * Reset and restore may rewrite legacy routing, and a card that holds
	 * the routing gives it back to the host's boot card here (see
	 * vga.c).  Only a signal keeps us from the arbiter, and then some
	 * other card holds the routing: restore all the same.
	 */
	if (vfio_pci_vga_route_begin(vpdev, &vga_held))
		vga_held = NULL;

	/* A device reset on its own here needs no reset of its set. */
	if (vpdev->reset_works) {
		if (!vfio_pci_reset_at_close(pdev))
			vpdev->needs_reset = false;
		else
			pci_dbg(pdev, "reset at close failed\n");
	}

	if (vpdev->saved_state &&
	    !pci_load_and_free_saved_state(pdev, &vpdev->saved_state))
		pci_restore_state(pdev);
	else
		kfree(vpdev->saved_state);
	vpdev->saved_state = NULL;

	pci_disable_device(pdev);
	vfio_pci_vga_route_end(vga_held);

	/* The last user of a slot or bus leaves it reset for the next. */
	vfio_pci_reset_set_on_last_close(vpdev);
	vfio_pci_sriov_close(vpdev);
	pm_runtime_put(&pdev->dev);
}

/* ---- ioctls ---- */

static int vfio_pci_ioctl_get_info(struct vfio_pci_dev *vpdev,
				   struct vfio_device_info __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	int ret = vfio_pci_copy_arg(&info, arg, minsz);

	if (ret)
		return ret;

	info.flags = VFIO_DEVICE_FLAGS_PCI |
		     (vpdev->reset_works ? VFIO_DEVICE_FLAGS_RESET : 0);
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/**
 * vfio_pci_get_region_info_caps - VFIO_DEVICE_GET_REGION_INFO for one region
 * @vdev: the device
 * @info: the user's request, of which only @info->index is read; filled in
 * @caps: the region's capability chain, for the VFIO core to place
 *
 * The VFIO core has copied in and checked the argument and places the
 * capability chain (vfio_pci_ioctl_get_region_info() does both on kernels
 * before 6.19).
 *
 * Return: 0, or -EINVAL for an index that names no region of the device.
 */
static int vfio_pci_get_region_info_caps(struct vfio_device *vdev,
					 struct vfio_region_info *info,
					 struct vfio_info_cap *caps)
{
	struct vfio_pci_dev *vpdev = to_vfio_pci_dev(vdev);
	const struct vfio_pci_region_ops *ops;

	ops = vfio_pci_region(vpdev, info->index);
	if (!ops)
		return -EINVAL;

	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	info->size = 0;
	info->flags = 0;
	info->cap_offset = 0;
	return ops->info(vpdev, info->index, info, caps);
}

/*
 * VFIO_DEVICE_GET_REGION_INFO reaches the driver on kernels before 6.19
 * only; since then the VFIO core answers it through the
 * get_region_info_caps op.  Answered here the way that core does: the
 * region's capability chain goes right behind the header when the user
 * made room for all of it (cap_offset then points at it); otherwise argsz
 * says how much room it needs and cap_offset stays 0.
 */
static long vfio_pci_ioctl_get_region_info(struct vfio_device *vdev,
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

static int vfio_pci_ioctl_get_irq_info(struct vfio_pci_dev *vpdev,
				       struct vfio_irq_info __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret = vfio_pci_copy_arg(&info, arg, minsz);

	if (!ret)
		ret = vfio_pci_irq_info(vpdev, &info);
	if (!ret && copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
	return ret;
}

static int vfio_pci_ioctl_ioeventfd(struct vfio_pci_dev *vpdev,
				    struct vfio_device_ioeventfd __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_device_ioeventfd, fd);
	struct vfio_device_ioeventfd req;
	unsigned int width;
	int ret = vfio_pci_copy_arg(&req, arg, minsz);

	if (ret)
		return ret;
	/* Nothing but a width, and exactly one of them. */
	width = req.flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
	if (req.flags != width || hweight32(width) != 1)
		return -EINVAL;
	return vfio_pci_bar_ioeventfd(vpdev, req.offset, req.data, width, req.fd);
}

static int vfio_pci_ioctl_set_irqs(struct vfio_pci_dev *vpdev,
				   struct vfio_irq_set __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	/* argsz, unknown flags, one data type, index, range, data size. */
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 vfio_pci_irq_count(vpdev, hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;

	data = data_size ? memdup_user(&arg->data, data_size) : NULL;
	if (IS_ERR(data))
		return PTR_ERR(data);
	ret = vfio_pci_set_irqs(vpdev, &hdr, data);
	kfree(data);
	return ret;
}

/**
 * vfio_pci_ioctl - the device's ioctls that the VFIO core passes on
 * @vdev: the device
 * @cmd: the ioctl
 * @arg: its argument, a user pointer
 *
 * One function per ioctl; each checks its argsz against its fixed part
 * before any work (vfio_pci_copy_arg()).  The VFIO core holds a runtime PM
 * reference around the call.
 *
 * Return: the ioctl's answer; -ENOTTY for an unknown one.
 */
static long vfio_pci_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct vfio_pci_dev *vpdev = to_vfio_pci_dev(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_pci_ioctl_get_info(vpdev, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_pci_ioctl_get_region_info(vdev, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_pci_ioctl_get_irq_info(vpdev, uarg);
	case VFIO_DEVICE_IOEVENTFD:
		return vfio_pci_ioctl_ioeventfd(vpdev, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_pci_ioctl_set_irqs(vpdev, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_pci_reset_function(vpdev);
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
		return vfio_pci_ioctl_hot_reset_info(vpdev, uarg);
	case VFIO_DEVICE_PCI_HOT_RESET:
		return vfio_pci_ioctl_hot_reset(vpdev, uarg);
	default:
		return -ENOTTY;
	}
}

/* ---- read, write, mmap: routed by the region index in the offset ---- */

/**
 * vfio_pci_rw - a read or write of the device fd, routed to its region
 * @vpdev: the device
 * @buf: the user buffer
 * @count: bytes asked for
 * @ppos: the file offset: region index in the bits above
 *	VFIO_PCI_INDEX_SHIFT, offset in the region below; advanced by the
 *	bytes moved
 * @write: a write
 *
 * Holds a runtime PM reference around the access unless the region takes
 * care of it (struct vfio_pci_region_ops's @rw_resumes).
 *
 * Return: the bytes moved, or -errno: -EINVAL for a region the device does
 * not have, -EIO when the device cannot be resumed, the region's answer.
 */
static ssize_t vfio_pci_rw(struct vfio_pci_dev *vpdev, char __user *buf,
			   size_t count, loff_t *ppos, bool write)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	const struct vfio_pci_region_ops *ops;
	ssize_t done;

	ops = vfio_pci_region(vpdev, index);
	if (!ops || !ops->rw)
		return -EINVAL;

	/* Out of a low power state for the access (vfio_pci_pm.c). */
	if (!ops->rw_resumes && pm_runtime_resume_and_get(&vpdev->pdev->dev)) {
		pci_info_ratelimited(vpdev->pdev, "cannot resume for a region access\n");
		return -EIO;
	}
	done = ops->rw(vpdev, index, buf, count, *ppos & VFIO_PCI_OFFSET_MASK,
		       write);
	if (!ops->rw_resumes)
		pm_runtime_put(&vpdev->pdev->dev);
	if (done > 0)
		*ppos += done;
	return done;
}

static ssize_t vfio_pci_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	if (!count)
		return 0;
	return vfio_pci_rw(to_vfio_pci_dev(vdev), buf, count, ppos, false);
}

static ssize_t vfio_pci_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	if (!count)
		return 0;
	return vfio_pci_rw(to_vfio_pci_dev(vdev), (char __user *)buf, count,
			   ppos, true);
}

/**
 * vfio_pci_mmap - map a region of the device fd (vfio_device_ops)
 * @vdev: the device
 * @vma: the mapping; its page offset carries the region index
 *
 * Return: 0, -EINVAL for a region that is never mappable, or the region's
 * answer (vfio_pci_bar_region_ops).
 */
static int vfio_pci_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct vfio_pci_dev *vpdev = to_vfio_pci_dev(vdev);
	unsigned int index = vma->vm_pgoff >> (VFIO_PCI_INDEX_SHIFT - PAGE_SHIFT);
	const struct vfio_pci_region_ops *ops;

	ops = vfio_pci_region(vpdev, index);
	if (!ops || !ops->mmap)
		return -EINVAL;
	return ops->mmap(vpdev, index, vma);
}

/**
 * vfio_pci_device_feature - the VFIO_DEVICE_FEATUREs of a PCI device
 * @vdev: the device
 * @flags: the feature's flags and index
 * @arg: its payload
 * @argsz: the payload's size
 *
 * Called by the VFIO core, which checked the header and holds a runtime
 * PM reference around the call.
 *
 * Return: see vfio_pci_pm_feature() and vfio_pci_sriov_feature_token();
 * -ENOTTY for any other feature.
 */
static int vfio_pci_device_feature(struct vfio_device *vdev, u32 flags,
				   void __user *arg, size_t argsz)
{
	struct vfio_pci_dev *vpdev = to_vfio_pci_dev(vdev);

	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
	case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
		return vfio_pci_pm_feature(vpdev, flags, arg, argsz);
	case VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
		return vfio_pci_sriov_feature_token(vpdev, flags, arg, argsz);
	default:
		return -ENOTTY;
	}
}

/**
 * vfio_pci_match - the name given to VFIO_GROUP_GET_DEVICE_FD (vfio_device_ops)
 * @vdev: a device of the group
 * @buf: the name, with its options (the VF token)
 *
 * Return: see vfio_pci_sriov_match().
 */
static int vfio_pci_match(struct vfio_device *vdev, char *buf)
{
	return vfio_pci_sriov_match(to_vfio_pci_dev(vdev), buf);
}

/**
 * vfio_pci_match_token_uuid - the VF token of VFIO_DEVICE_BIND_IOMMUFD
 *	(vfio_device_ops)
 * @vdev: the device being bound through its cdev
 * @uuid: the token presented, NULL for none
 *
 * Only a VFIO core that has the op (6.17+) calls it: see
 * VFIO_PCI_MATCH_TOKEN_OPS in vfio_pci_compat.h.
 *
 * Return: see vfio_pci_sriov_match_token().
 */
static int __maybe_unused vfio_pci_match_token_uuid(struct vfio_device *vdev,
						    const uuid_t *uuid)
{
	return vfio_pci_sriov_match_token(to_vfio_pci_dev(vdev), uuid);
}

/**
 * vfio_pci_release - free what the device holds, then the device
 * @vdev: the device, its last reference gone (vfio_device_ops)
 *
 * The device itself is freed by the VFIO core after this op, or, on a core
 * that leaves it to the op (6.1), here (vfio_pci_release_free()).
 */
static void vfio_pci_release(struct vfio_device *vdev)
{
	vfio_pci_dev_release(to_vfio_pci_dev(vdev));
	vfio_pci_release_free(vdev);
}

/**
 * vfio_pci_request - the host wants the device back
 * @vdev: the device
 * @count: how often the VFIO core has asked during this unbind (from 0)
 *
 * Called by vfio_unregister_group_dev() while it waits for the user to
 * close the device; relays the request through the REQ eventfd.
 */
static void vfio_pci_request(struct vfio_device *vdev, unsigned int count)
{
	vfio_pci_irq_request(to_vfio_pci_dev(vdev), count);
}

/*
 * DMA goes through the VFIO core in both ways a user can open the device:
 * the group with a container, or the device cdev bound to an iommufd (the
 * core's physical-device helpers; NULL, and unused, on a kernel without
 * CONFIG_IOMMUFD; absent from a VFIO core older than iommufd).  Nothing
 * else of ours depends on the way in, except the proof of ownership of a
 * hot reset (vfio_pci_reset.c).
 */
const struct vfio_device_ops vfio_pci_ops = {
	.name		= "vfio-pci",
	.release	= vfio_pci_release,
	VFIO_PCI_IOMMUFD_OPS
	.open_device	= vfio_pci_open_device,
	.close_device	= vfio_pci_close_device,
	VFIO_PCI_IOCTL_OPS,
	.read		= vfio_pci_read,
	.write		= vfio_pci_write,
	.mmap		= vfio_pci_mmap,
	.request	= vfio_pci_request,
	.match		= vfio_pci_match,
	VFIO_PCI_MATCH_TOKEN_OPS
	.device_feature	= vfio_pci_device_feature,
};

/* ---- PCI driver ---- */

/* One line per bind and unbind, naming the device and its IOMMU group. */
static void vfio_pci_announce(struct pci_dev *pdev, const char *what)
{
	struct iommu_group *group = iommu_group_get(&pdev->dev);

	pci_info(pdev, "%s, group %d\n", what, group ? iommu_group_id(group) : -1);
	iommu_group_put(group);
}

/*
 * Whether an idle device may be runtime-suspended.  Never a card with the
 * VGA region: suspend and resume rewrite its decode enables
 * asynchronously, and on a card without a bridge of its own they are the
 * legacy routing, which must only change under the VGA arbiter.
 */
static bool vfio_pci_idle_d3(struct vfio_pci_dev *vpdev)
{
	return !vfio_pci_params.disable_idle_d3 && !vpdev->has_vga;
}

/**
 * struct vfio_pci_denied - a device vfio-pci does not bind by default
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @why: the reason, for the log line that refuses it
 */
struct vfio_pci_denied {
	u16 vendor;
	u16 device;
	const char *why;
};

/*
 * Functions with errata that let the user of the function reach beyond it
 * even behind an IOMMU.  The same devices as stock's list, so that an
 * administrator sees one policy whichever driver is installed.
 */
static const struct vfio_pci_denied vfio_pci_denylist[] = {
	/* QuickAssist 1.x, PFs and VFs. */
	{ PCI_VENDOR_ID_INTEL, 0x0435, "QuickAssist DH895xCC PF errata" },
	{ PCI_VENDOR_ID_INTEL, 0x0443, "QuickAssist DH895xCC VF errata" },
	{ PCI_VENDOR_ID_INTEL, 0x19e2, "QuickAssist C3xxx PF errata" },
	{ PCI_VENDOR_ID_INTEL, 0x19e3, "QuickAssist C3xxx VF errata" },
	{ PCI_VENDOR_ID_INTEL, 0x37c8, "QuickAssist C62x PF errata" },
	{ PCI_VENDOR_ID_INTEL, 0x37c9, "QuickAssist C62x VF errata" },
	/* The first Sapphire Rapids accelerators; later device IDs are fixed. */
	{ PCI_VENDOR_ID_INTEL, 0x0b25, "Sapphire Rapids DSA security erratum" },
	{ PCI_VENDOR_ID_INTEL, 0x0cfe, "Sapphire Rapids IAA security erratum" },
};

/*
 * Whether the denylist keeps @pdev from being bound: -EINVAL (as stock)
 * with a line naming the device and the reason, unless disable_denylist
 * is set, which is said once per device too.
 */
static int vfio_pci_check_denylist(struct pci_dev *pdev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vfio_pci_denylist); i++) {
		const struct vfio_pci_denied *d = &vfio_pci_denylist[i];

		if (pdev->vendor != d->vendor || pdev->device != d->device)
			continue;
		if (disable_denylist) {
			pci_warn(pdev, "%04x:%04x is on the denylist (%s, unsafe for an untrusted user); bound anyway: disable_denylist is set\n",
				 d->vendor, d->device, d->why);
			return 0;
		}
		pci_warn(pdev, "%04x:%04x is on the denylist (%s, unsafe for an untrusted user): not bound; see disable_denylist\n",
			 d->vendor, d->device, d->why);
		return -EINVAL;
	}
	return 0;
}

/*
 * A physical function with its VFs enabled is not ours to take: the VFs
 * belong to their own users, any reset of the PF (at open, at close,
 * VFIO_DEVICE_RESET) would take them away, and disabling them here would
 * pull them from under their drivers.  -EBUSY, as stock.
 */
static int vfio_pci_check_sriov(struct pci_dev *pdev)
{
	if (!pci_num_vf(pdev))
		return 0;
	pci_warn(pdev, "SR-IOV physical function with %d VFs enabled: not bound; disable them first (sriov_numvfs)\n",
		 pci_num_vf(pdev));
	return -EBUSY;
}

/**
 * vfio_pci_probe - bind a PCI function to vfio-pci (pci_driver)
 * @pdev: the function
 * @id: the matching entry (driver_override, new_id or ids=)
 *
 * Refuses bridges, denylisted devices and a PF with VFs enabled, puts the
 * device in the VFIO device set it resets with, makes a display device's
 * firmware framebuffers go and a VGA card an arbiter client, registers it
 * with the VFIO core, and lets runtime PM suspend it while idle unless it
 * is a VGA card or disable_idle_d3 is set.
 *
 * Return: 0; -EINVAL for a bridge, a denylisted device or a function
 * without an IOMMU group; -EBUSY for a PF with VFs enabled; -ENOMEM; the
 * VFIO core's -errno.
 */
static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_dev *vpdev;
	int ret;

	/* Bridges and CardBus bridges have no business in a guest. */
	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return -EINVAL;

	ret = vfio_pci_check_denylist(pdev);
	if (ret)
		return ret;
	ret = vfio_pci_check_sriov(pdev);
	if (ret)
		return ret;

	vpdev = vfio_alloc_device(vfio_pci_dev, vdev, &pdev->dev, &vfio_pci_ops);
	if (IS_ERR(vpdev))
		return PTR_ERR(vpdev);
	vpdev->pdev = pdev;
	vfio_pci_dev_init(vpdev);
	vfio_pci_irq_init(vpdev);
	vfio_pci_sriov_probe(vpdev);
	vpdev->has_vga = IS_ENABLED(CONFIG_VFIO_PCI_VGA) &&
			 !vfio_pci_params.disable_vga && pci_is_vga(pdev);
	dev_set_drvdata(&pdev->dev, vpdev);

	ret = vfio_pci_reset_assign_set(vpdev);
	if (ret)
		goto out_put;

	ret = vfio_pci_vga_probe(vpdev);
	if (ret)
		goto out_put;

	/* Fails with -EINVAL when the device has no IOMMU group. */
	ret = vfio_register_group_dev(&vpdev->vdev);
	if (ret)
		goto out_vga_remove;

	/*
	 * The PCI core holds a runtime PM reference across probe and keeps
	 * runtime PM forbidden: let an idle device go to D3hot unless
	 * disable_idle_d3 says otherwise.  open_device() takes it back.
	 * Otherwise the reference is kept, so a VGA card stays in D0 even
	 * when power/control in sysfs is set to "auto"
	 * (boot_vga_resume_keeps_routing).
	 */
	if (vfio_pci_idle_d3(vpdev)) {
		pm_runtime_allow(&pdev->dev);
		pm_runtime_put(&pdev->dev);
	}

	vfio_pci_announce(pdev, "bound");
	return 0;

out_vga_remove:
	vfio_pci_vga_remove(vpdev);
out_put:
	dev_set_drvdata(&pdev->dev, NULL);
	vfio_put_device(&vpdev->vdev);
	return ret;
}

/**
 * vfio_pci_remove - unbind a function from vfio-pci (pci_driver)
 * @pdev: the function
 *
 * Removes the VFs of a PF first, then waits for the device's user to close
 * it (the VFIO core asks through the REQ eventfd), and undoes
 * vfio_pci_probe().
 */
static void vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_dev *vpdev = dev_get_drvdata(&pdev->dev);

	/* The VFs first, then the device: each waits for its users. */
	vfio_pci_sriov_remove(vpdev);
	vfio_unregister_group_dev(&vpdev->vdev);
	vfio_pci_vga_remove(vpdev);
	if (vfio_pci_idle_d3(vpdev)) {
		pm_runtime_get_noresume(&pdev->dev);
		pm_runtime_forbid(&pdev->dev);
	}
	dev_set_drvdata(&pdev->dev, NULL);
	vfio_put_device(&vpdev->vdev);
	vfio_pci_announce(pdev, "unbound");
}

/**
 * vfio_pci_error_detected - AER: an error was detected on the device
 * @pdev: the device
 * @state: the channel state
 *
 * Relays the error to the user through the ERR eventfd; the user (the VMM)
 * decides what to do about it.
 *
 * Return: PCI_ERS_RESULT_CAN_RECOVER.
 */
static pci_ers_result_t vfio_pci_error_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	struct vfio_pci_dev *vpdev = dev_get_drvdata(&pdev->dev);

	if (vpdev)
		vfio_pci_irq_error(vpdev);
	return PCI_ERS_RESULT_CAN_RECOVER;
}

static const struct pci_error_handlers vfio_pci_err_handlers = {
	.error_detected	= vfio_pci_error_detected,
};

/*
 * Match nothing by ID: devices come to us through driver_override, new_id
 * or ids=.  The override-only entry gives the module its vfio_pci: alias,
 * which tools such as driverctl and libvirt look for.
 */
static const struct pci_device_id vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{ /* end */ }
};
MODULE_DEVICE_TABLE(pci, vfio_pci_table);

/* DMA goes through the VFIO container's IOMMU domain, not the DMA API. */
static struct pci_driver vfio_pci_driver = {
	.name			= "vfio-pci",
	.probe			= vfio_pci_probe,
	.remove			= vfio_pci_remove,
	.sriov_configure	= vfio_pci_sriov_configure,
	.driver_managed_dma	= true,
	.err_handler		= &vfio_pci_err_handlers,
	.id_table		= vfio_pci_table,
	.driver.pm		= &vfio_pci_pm_ops,
};

/* One ids= entry, "vendor:device[:subvendor[:subdevice[:class[:mask]]]]". */
static void __init vfio_pci_add_id(const char *entry)
{
	unsigned int f[6] = { 0, 0, PCI_ANY_ID, PCI_ANY_ID, 0, 0 };
	int ret;

	if (sscanf(entry, "%x:%x:%x:%x:%x:%x", &f[0], &f[1], &f[2], &f[3],
		   &f[4], &f[5]) < 2) {
		pr_warn("ids: cannot parse \"%s\"\n", entry);
		return;
	}
	ret = pci_add_dynid(&vfio_pci_driver, f[0], f[1], f[2], f[3], f[4], f[5], 0);
	if (ret)
		pr_warn("ids: cannot add %04x:%04x: %d\n", f[0], f[1], ret);
	else
		pr_info("ids: added %04x:%04x\n", f[0], f[1]);
}

static void __init vfio_pci_add_ids(void)
{
	char *rest = ids, *entry;

	for (entry = strsep(&rest, ","); entry; entry = strsep(&rest, ","))
		if (*entry)
			vfio_pci_add_id(entry);
}

static int __init vfio_pci_init(void)
{
	int ret;

	ret = vfio_pci_vga_init();
	if (ret)
		return ret;
	ret = vfio_pci_sriov_init(&vfio_pci_driver);
	if (ret)
		goto out_vga_exit;
	ret = pci_register_driver(&vfio_pci_driver);
	if (ret)
		goto out_sriov_exit;
	vfio_pci_add_ids();
	return 0;

out_sriov_exit:
	vfio_pci_sriov_exit();
out_vga_exit:
	vfio_pci_vga_exit();
	return ret;
}
module_init(vfio_pci_init);

static void __exit vfio_pci_exit(void)
{
	pci_unregister_driver(&vfio_pci_driver);
	vfio_pci_sriov_exit();
	vfio_pci_vga_exit();
}
module_exit(vfio_pci_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vfio-vga authors");
MODULE_DESCRIPTION("VFIO PCI driver with legacy VGA support (vfio-vga)");
/*
 * The kernel's vfio-pci has no version: with one, DKMS ranks this module
 * above it instead of refusing to replace a module of the same version.
 * Keep it equal to PACKAGE_VERSION in dkms.conf.
 */
MODULE_VERSION("0.1");
