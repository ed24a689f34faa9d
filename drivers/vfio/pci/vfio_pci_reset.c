// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): resets.
 *
 * A function reset (VFIO_DEVICE_RESET) resets one device with the best
 * method the PCI core has for it alone.  GPUs seldom have one; what gives a
 * guest a clean card is resetting the slot or bus the card sits on, which
 * resets its companion functions too.  So a hot reset
 * (VFIO_DEVICE_PCI_HOT_RESET) needs proof that the caller owns every
 * device it touches: the group fds of those devices, or, when the device
 * was opened through its cdev, the caller's iommufd, to which every one of
 * them (or its IOMMU group) must be bound.
 *
 * Devices that share a slot or bus reset form a VFIO device set.  When the
 * last open device of a set is closed and some device of it could not be
 * reset on its own, the whole set is reset once, if all its devices are
 * ours, so that the next user gets clean hardware.
 *
 * Locking: the VFIO core's dev_set->lock is the outer lock (the core holds
 * it around open and close; the hot reset takes it).  Under it, each reset
 * device's VGA region accesses are blocked (vfio_pci_vga_block(): they
 * wait), then the VGA arbiter is taken when legacy routing needs it
 * (vfio_pci_vga_route_begin()),
 * then each device's memory_lock for write, which blocks BAR, ROM and mmap
 * access for the duration of the reset; the PCI core then takes the
 * devices' locks (trylock: -EAGAIN when one is busy).
 */

#include <linux/file.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_pci_drv.h"

/* Upper bound on the group fds of one hot reset, whatever argsz says. */
#define VFIO_PCI_HOT_RESET_MAX_FDS	256

/* The slot whose reset touches @pdev, or NULL when a bus reset is used. */
static struct pci_slot *vfio_pci_reset_slot(struct pci_dev *pdev)
{
	if (pdev->slot && !pci_probe_reset_slot(pdev->slot))
		return pdev->slot;
	return NULL;
}

/* A slot reset takes everything below the slot's port. */
static bool vfio_pci_in_slot(struct pci_dev *dev, struct pci_slot *slot)
{
	for (; dev; dev = dev->bus->self)
		if (dev->slot == slot)
			return true;
	return false;
}

/* One walk over the devices a hot reset touches: @fn(dev, @data) each. */
struct vfio_pci_walk {
	struct pci_slot *slot;
	int (*fn)(struct pci_dev *dev, void *data);
	void *data;
	int ret;
};

/* pci_walk_bus() stops at a non-zero return but does not pass it on. */
static int vfio_pci_walk_one(struct pci_dev *dev, void *data)
{
	struct vfio_pci_walk *walk = data;

	if (walk->slot && !vfio_pci_in_slot(dev, walk->slot))
		return 0;
	walk->ret = walk->fn(dev, walk->data);
	return walk->ret;
}

/*
 * Call @fn for every device a hot reset of @pdev touches; stop at the
 * first non-zero return and return it.  -ENODEV when no slot or bus reset
 * is possible (devices on a root bus, for one).
 */
static int vfio_pci_walk_affected(struct pci_dev *pdev,
				  int (*fn)(struct pci_dev *dev, void *data), void *data)
{
	struct vfio_pci_walk walk = {
		.slot = vfio_pci_reset_slot(pdev),
		.fn = fn,
		.data = data,
	};

	if (!walk.slot && pci_probe_reset_bus(pdev->bus))
		return -ENODEV;
	pci_walk_bus(pdev->bus, vfio_pci_walk_one, &walk);
	return walk.ret;
}

/**
 * vfio_pci_reset_assign_set - put a device in the set it resets with
 * @vpdev: the device, being probed
 *
 * Devices that one slot or bus reset touches share a VFIO device set;
 * a device that can be reset alone is a set of its own.
 *
 * Return: 0 or -errno from the VFIO core.
 */
int vfio_pci_reset_assign_set(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	struct pci_slot *slot = vfio_pci_reset_slot(pdev);

	if (slot)
		return vfio_assign_device_set(&vpdev->vdev, slot);
	if (!pci_probe_reset_bus(pdev->bus))
		return vfio_assign_device_set(&vpdev->vdev, pdev->bus);
	return vfio_assign_device_set(&vpdev->vdev, vpdev);
}

/**
 * vfio_pci_reset_function - VFIO_DEVICE_RESET
 * @vpdev: the device
 *
 * Memory access is blocked and mmaps are zapped while the PCI core resets
 * the function with the best method it has for this device alone
 * (honouring the administrator's reset_method, quirks and the no-reset
 * flags); it saves and restores config state around the reset, MSI and
 * MSI-X included, and waits for the device to answer again.  The user's
 * interrupts and ioeventfds stay set up, as with stock and as across a
 * hot reset.  VGA region accesses wait, and legacy routing is kept safe
 * from the reset (vfio_pci_vga_route_begin()).
 *
 * Return: 0; -EINVAL when the device has no usable reset; -EAGAIN when
 * the device is locked by another path; -EINTR on a signal while waiting
 * for VGA accesses or the VGA arbiter; other -errno from the PCI core.
 */
int vfio_pci_reset_function(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *vga_held;
	int ret;

	if (!vpdev->reset_works)
		return -EINVAL;

	ret = vfio_pci_vga_block(vpdev);
	if (ret)
		return ret;
	ret = vfio_pci_vga_route_begin(vpdev, &vga_held);
	if (ret)
		goto out_unblock_vga;

	vfio_pci_memory_write_lock(vpdev);
	__vfio_pci_zap_bars(vpdev);
	ret = pci_try_reset_function(vpdev->pdev);
	vfio_pci_nosnoop_reapply(vpdev);
	__vfio_pci_memory_sync(vpdev);
	vfio_pci_memory_write_unlock(vpdev);

	vfio_pci_vga_route_end(vga_held);
out_unblock_vga:
	vfio_pci_vga_unblock(vpdev);
	return ret;
}

/* ---- VFIO_DEVICE_GET_PCI_HOT_RESET_INFO ---- */

struct vfio_pci_info_fill {
	struct vfio_pci_dependent_device *devs;
	unsigned int max;
	unsigned int count;
	/* Set for a device opened through its cdev: report dev-ids. */
	struct iommufd_ctx *ictx;
	struct vfio_device_set *dev_set;
	bool all_owned;
};

/*
 * The dev-id of @vdev, a member of a device set, as seen from @ictx: its
 * iommufd object id when it is bound to @ictx, VFIO_PCI_DEVID_OWNED when
 * it is not bound there but its IOMMU group is @ictx's (it cannot belong to
 * anyone else), VFIO_PCI_DEVID_NOT_OWNED otherwise.  A member that is not
 * one of ours is never owned: a hot reset refuses it whoever holds it
 * (vfio_pci_check_in_set()).  This is the cdev form's proof of a hot reset
 * and what its info reports.  Called with dev_set->lock held.
 */
static u32 vfio_pci_devid(struct vfio_device *vdev, struct iommufd_ctx *ictx)
{
	int id;

	if (!vfio_pci_set_member(vdev))
		return VFIO_PCI_DEVID_NOT_OWNED;
	/* The core's answer: the id, -ENOENT for "owned through its group". */
	id = vfio_iommufd_get_dev_id(vdev, ictx);
	if (id > 0)
		return id;
	if (id == -ENOENT)
		return VFIO_PCI_DEVID_OWNED;
	return VFIO_PCI_DEVID_NOT_OWNED;
}

static int vfio_pci_fill_dependent(struct pci_dev *dev, void *data)
{
	struct vfio_pci_info_fill *fill = data;
	struct vfio_pci_dependent_device *d;
	struct iommu_group *group;
	struct vfio_device *vdev;

	if (fill->count < fill->max) {
		d = &fill->devs[fill->count];
		*d = (struct vfio_pci_dependent_device) {
			.segment = pci_domain_nr(dev->bus),
			.bus = dev->bus->number,
			.devfn = dev->devfn,
		};
		if (fill->ictx) {
			vdev = vfio_find_device_in_devset(fill->dev_set, &dev->dev);
			d->devid = vdev ? vfio_pci_devid(vdev, fill->ictx) :
					  VFIO_PCI_DEVID_NOT_OWNED;
			if (d->devid == (u32)VFIO_PCI_DEVID_NOT_OWNED)
				fill->all_owned = false;
		} else {
			group = iommu_group_get(&dev->dev);
			/* A device outside any group can never be proven ours. */
			if (!group)
				return -EPERM;
			d->group_id = iommu_group_id(group);
			iommu_group_put(group);
		}
	}
	fill->count++;
	return 0;
}

static int vfio_pci_count_one(struct pci_dev *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/**
 * vfio_pci_ioctl_hot_reset_info - VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
 * @vpdev: the device
 * @arg: the user's struct vfio_pci_hot_reset_info, its devices[] after it
 *
 * Lists every device a hot reset of @vpdev would touch.  For a device
 * opened through its group each entry carries the IOMMU group number; for
 * one opened through its cdev, a dev-id as seen from the caller's iommufd
 * (vfio_pci_devid()), with VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED when the
 * caller owns them all.  The list is taken under dev_set->lock: a
 * snapshot.
 *
 * Return: 0; -ENOSPC, with count set, when argsz cannot hold the list;
 * -ENODEV when no slot or bus reset is possible; -EPERM for an affected
 * device without an IOMMU group (group path); -EAGAIN when the topology
 * grew meanwhile; -EINVAL, -EFAULT, -ENOMEM.
 */
int vfio_pci_ioctl_hot_reset_info(struct vfio_pci_dev *vpdev,
				  struct vfio_pci_hot_reset_info __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_pci_hot_reset_info, count);
	struct vfio_device_set *dev_set = vpdev->vdev.dev_set;
	struct vfio_pci_hot_reset_info hdr;
	struct vfio_pci_info_fill fill = { .dev_set = dev_set };
	unsigned int count = 0;
	int ret;

	ret = vfio_pci_copy_arg(&hdr, arg, minsz);
	if (ret)
		return ret;
	hdr.flags = 0;

	ret = vfio_pci_walk_affected(vpdev->pdev, vfio_pci_count_one, &count);
	if (ret)
		return ret;

	if (hdr.argsz < sizeof(hdr) + count * sizeof(*fill.devs)) {
		hdr.count = count;
		ret = -ENOSPC;
		goto out_copy_hdr;
	}

	fill.max = count;
	fill.devs = kcalloc(count, sizeof(*fill.devs), GFP_KERNEL);
	if (!fill.devs)
		return -ENOMEM;
	if (vfio_device_cdev_opened(&vpdev->vdev)) {
		fill.ictx = vfio_iommufd_device_ictx(&vpdev->vdev);
		fill.all_owned = true;
	}
	/* Bind, unbind, open and close of the set's devices wait. */
	mutex_lock(&dev_set->lock);
	ret = vfio_pci_walk_affected(vpdev->pdev, vfio_pci_fill_dependent, &fill);
	mutex_unlock(&dev_set->lock);
	/* The topology may change under us; never report more than fits. */
	if (!ret && fill.count > count)
		ret = -EAGAIN;
	if (ret)
		goto out_free;

	if (fill.ictx) {
		hdr.flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID;
		if (fill.all_owned)
			hdr.flags |= VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	}
	hdr.count = fill.count;
	if (copy_to_user(arg->devices, fill.devs, fill.count * sizeof(*fill.devs)))
		ret = -EFAULT;
out_free:
	kfree(fill.devs);
	if (ret)
		return ret;
out_copy_hdr:
	if (copy_to_user(arg, &hdr, minsz))
		return -EFAULT;
	return ret;
}

/* ---- VFIO_DEVICE_PCI_HOT_RESET ---- */

struct vfio_pci_proof {
	struct vfio_device_set *dev_set;
	struct pci_dev *blocker;
};

/*
 * Every affected device must be a vfio-pci device of this set: a reset
 * would pull any other device from under its driver (or from under
 * whoever binds one next).  -EINVAL, as with stock.
 */
static int vfio_pci_check_in_set(struct pci_dev *dev, void *data)
{
	struct vfio_pci_proof *proof = data;
	struct vfio_device *vdev;

	vdev = vfio_find_device_in_devset(proof->dev_set, &dev->dev);
	if (vdev && vfio_pci_set_member(vdev))
		return 0;
	proof->blocker = dev;
	return -EINVAL;
}

/*
 * The proof of a hot reset: the caller's group fds (@files, @nr) for a
 * device opened through its group, or, for a device opened through its
 * cdev (@ictx set, no fds), the caller's iommufd (vfio_pci_devid()).
 */
static bool vfio_pci_owned(struct vfio_device *vdev, struct file **files,
			   unsigned int nr, struct iommufd_ctx *ictx)
{
	unsigned int i;

	if (ictx)
		return vfio_pci_devid(vdev, ictx) != (u32)VFIO_PCI_DEVID_NOT_OWNED;
	for (i = 0; i < nr; i++)
		if (vfio_file_has_dev(files[i], vdev))
			return true;
	return false;
}

/* The first member of @dev_set that offers the VGA region, or NULL. */
static struct vfio_pci_dev *vfio_pci_set_vga_member(struct vfio_device_set *dev_set)
{
	struct vfio_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list) {
		struct vfio_pci_dev *m = vfio_pci_set_member(cur);

		if (m && m->has_vga)
			return m;
	}
	return NULL;
}

/*
 * Unblock the VGA region accesses of @dev_set's members, up to @stop
 * (excluded; NULL: all of them).
 */
static void vfio_pci_set_vga_unblock(struct vfio_device_set *dev_set,
				     struct vfio_device *stop)
{
	struct vfio_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list) {
		if (cur == stop)
			break;
		vfio_pci_vga_unblock(vfio_pci_set_member(cur));
	}
}

/* Block the members' VGA region accesses: 0, or -EINTR with none blocked. */
static int vfio_pci_set_vga_block(struct vfio_device_set *dev_set)
{
	struct vfio_device *cur;
	int ret;

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list) {
		ret = vfio_pci_vga_block(vfio_pci_set_member(cur));
		if (ret) {
			vfio_pci_set_vga_unblock(dev_set, cur);
			return ret;
		}
	}
	return 0;
}

/**
 * __vfio_pci_reset_set - reset a device set's slot or bus
 * @vpdev: the member whose slot or bus is reset
 * @must_route: a signal while waiting for the VGA arbiter fails the reset
 *	(a hot reset); false for the reset at release, which goes ahead
 *
 * Resets the slot or bus of @vpdev with every member of its set quiesced.
 * Called with dev_set->lock held, after the proof was checked.
 *
 * A secondary bus reset rewrites the control register of the bridge above
 * the set from a copy read before the reset's delay.  When the set holds a
 * VGA card, that register's VGA enable is the arbiter's routing to it, and
 * an arbiter decision made during the delay would be undone.  Instead of
 * holding the arbiter for the whole reset (seconds on real hardware, with
 * every VGA user of the host waiting), the members' VGA accesses are kept
 * out (vfio_pci_vga_block(); at release no member is open and none can
 * come) and a routing held by a member goes back to the host's
 * boot card first (vfio_pci_vga_route_begin()): the bridge's VGA enable is
 * then clear, only a member could set it, and the copy stays right.  The
 * next region access of a member routes to it again.  Only when the boot
 * card itself is reset with the set is the arbiter held throughout.  The
 * wait for the arbiter is interruptible; with @must_route false (the
 * reset at release, which a dying process must not skip) a signal means
 * another card holds the routing, and the reset goes ahead.
 *
 * Every member is resumed first (vfio_pci_pm_get_set()): closed ones may
 * be in D3hot, open ones in a low power state their user asked for.
 *
 * Return: 0, -EINTR on a signal while waiting for the arbiter (only with
 * @must_route) or on a fatal one while waiting for the members' VGA
 * accesses, -EIO when a member cannot be resumed, or the PCI core's
 * -errno.
 */
static int __vfio_pci_reset_set(struct vfio_pci_dev *vpdev, bool must_route)
{
	struct vfio_device_set *dev_set = vpdev->vdev.dev_set;
	struct vfio_pci_dev *vga;
	struct pci_dev *vga_held = NULL;
	struct vfio_device *cur;
	int ret = 0;

	lockdep_assert_held(&dev_set->lock);

	/* Only our own members can be quiesced (see vfio_pci_set_member()). */
	list_for_each_entry(cur, &dev_set->device_list, dev_set_list)
		if (!vfio_pci_set_member(cur))
			return -EINVAL;
	ret = vfio_pci_pm_get_set(dev_set);
	if (ret)
		return ret;
	if (must_route) {
		ret = vfio_pci_set_vga_block(dev_set);
		if (ret)
			goto out_pm_put;
	}

	vga = vfio_pci_set_vga_member(dev_set);
	if (vga && vfio_pci_vga_route_begin(vga, &vga_held)) {
		if (must_route) {
			ret = -EINTR;
			goto out_unblock_vga;
		}
		pci_dbg(vpdev->pdev, "set reset without the VGA arbiter: signal pending\n");
	}

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list) {
		struct vfio_pci_dev *m = vfio_pci_set_member(cur);

		vfio_pci_memory_write_lock_nest(m, dev_set);
		__vfio_pci_zap_bars(m);
	}

	ret = pci_reset_bus(vpdev->pdev);

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list) {
		struct vfio_pci_dev *m = vfio_pci_set_member(cur);

		vfio_pci_nosnoop_reapply(m);
		__vfio_pci_memory_sync(m);
		vfio_pci_memory_write_unlock(m);
		if (!ret)
			m->needs_reset = false;
	}
	vfio_pci_vga_route_end(vga_held);

out_unblock_vga:
	if (must_route)
		vfio_pci_set_vga_unblock(dev_set, NULL);
out_pm_put:
	vfio_pci_pm_put_set(dev_set);
	return ret;
}

/*
 * Take a reference on each group file.  *@got says how many @files hold a
 * reference when it returns, on success and on failure alike.
 */
static int vfio_pci_get_group_files(unsigned int count, s32 __user *ufds,
				    struct file **files, unsigned int *got)
{
	s32 fd;

	for (*got = 0; *got < count; (*got)++) {
		if (get_user(fd, &ufds[*got]))
			return -EFAULT;
		files[*got] = fget(fd);
		if (!files[*got])
			return -EBADF;
		if (!vfio_file_is_group(files[*got])) {
			(*got)++;
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * vfio_pci_ioctl_hot_reset - VFIO_DEVICE_PCI_HOT_RESET
 * @vpdev: the device
 * @arg: the user's struct vfio_pci_hot_reset, its group_fds[] after it
 *
 * Checks the proof that the caller owns every device of the set (group fds
 * for a device opened through its group, at least one and at most one per
 * affected device; none and the caller's iommufd for one opened through
 * its cdev) and that every affected device is a vfio-pci member of the
 * set, then resets the set (__vfio_pci_reset_set()).  A refusal logs, rate
 * limited, which device blocks the reset and why.
 *
 * Return: 0; -EINVAL for flags, a count or argsz that does not fit the way
 * the device was opened, an fd that is not a VFIO group, a device the
 * caller does not own or that is not ours; -EBADF for an fd that is not
 * open; -ENODEV when no slot or bus reset is possible; -EINTR
 * (-ERESTARTSYS) on a signal while waiting for the VGA arbiter; -EIO when
 * a member cannot be resumed; -ENOMEM, -EFAULT; the PCI core's -errno.
 */
int vfio_pci_ioctl_hot_reset(struct vfio_pci_dev *vpdev,
			     struct vfio_pci_hot_reset __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_pci_hot_reset, count);
	struct vfio_device_set *dev_set = vpdev->vdev.dev_set;
	struct vfio_pci_proof proof = { .dev_set = dev_set };
	struct pci_dev *pdev = vpdev->pdev;
	struct iommufd_ctx *ictx = NULL;
	struct vfio_pci_hot_reset hdr;
	struct vfio_device *cur;
	struct file **files = NULL;
	unsigned int affected = 0, got = 0, i;
	int ret;

	ret = vfio_pci_copy_arg(&hdr, arg, minsz);
	if (ret)
		return ret;
	if (hdr.flags)
		return -EINVAL;

	ret = vfio_pci_walk_affected(pdev, vfio_pci_count_one, &affected);
	if (ret)
		return ret;

	/*
	 * Opened through its cdev: no group fds, the caller's iommufd is
	 * the proof.  Opened through its group: one group fd at least, and
	 * never more than there are devices.  The two do not mix.
	 */
	if (vfio_device_cdev_opened(&vpdev->vdev)) {
		if (hdr.count)
			return -EINVAL;
		ictx = vfio_iommufd_device_ictx(&vpdev->vdev);
		if (!ictx)
			return -EINVAL;
	} else if (!hdr.count || hdr.count > affected ||
		   hdr.count > VFIO_PCI_HOT_RESET_MAX_FDS ||
		   hdr.argsz < minsz + (size_t)hdr.count * sizeof(s32)) {
		return -EINVAL;
	}

	if (hdr.count) {
		files = kcalloc(hdr.count, sizeof(*files), GFP_KERNEL);
		if (!files)
			return -ENOMEM;
		ret = vfio_pci_get_group_files(hdr.count, arg->group_fds, files, &got);
		if (ret) {
			if (ret != -EFAULT)
				pci_dbg(pdev, "hot reset refused: group_fds[%u] is %s\n",
					ret == -EBADF ? got : got - 1,
					ret == -EBADF ? "not an open fd" : "not a VFIO group");
			goto out_put_files;
		}
	}

	mutex_lock(&dev_set->lock);

	ret = vfio_pci_walk_affected(pdev, vfio_pci_check_in_set, &proof);
	if (ret) {
		pci_info_ratelimited(pdev, "hot reset refused: %s shares the reset but is %s%s\n",
				     pci_name(proof.blocker),
				     proof.blocker->driver ? "bound to " : "not bound to vfio-pci",
				     proof.blocker->driver ? proof.blocker->driver->name : "");
		goto out_unlock;
	}

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list) {
		if (!vfio_pci_owned(cur, files, hdr.count, ictx)) {
			pci_info_ratelimited(pdev, "hot reset refused: %s for %s\n",
					     ictx ? "the caller's iommufd does not own it" :
						    "no group fd given",
					     dev_name(cur->dev));
			ret = -EINVAL;
			goto out_unlock;
		}
	}

	ret = __vfio_pci_reset_set(vpdev, true);
	if (ret)
		pci_info_ratelimited(pdev, "hot reset failed: %d\n", ret);

out_unlock:
	mutex_unlock(&dev_set->lock);
out_put_files:
	for (i = 0; i < got; i++)
		fput(files[i]);
	kfree(files);
	return ret;
}

/* Some member was opened and not reset on its own since the set's last reset. */
static bool vfio_pci_set_needs_reset(struct vfio_device_set *dev_set)
{
	struct vfio_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list) {
		struct vfio_pci_dev *m = vfio_pci_set_member(cur);

		if (m && m->needs_reset)
			return true;
	}
	return false;
}

/**
 * vfio_pci_reset_set_on_last_close - reset the set its last user released
 * @vpdev: the device being closed (dev_set->lock held by the VFIO core)
 *
 * When the device being closed is the last open one of its set, some
 * device of the set was used and could not be reset on its own at its
 * close (no function reset, or it failed) nor by a hot reset since, and
 * every device the reset touches is ours, the slot or bus is reset once so
 * that the next user gets clean hardware.  This is stock's policy: a bus
 * or slot reset costs far more than a function reset (the link retrains;
 * on PCIe a second or more) and adds nothing when every device was reset
 * already.  Nothing happens when some affected device belongs to another
 * driver or to no driver.
 */
void vfio_pci_reset_set_on_last_close(struct vfio_pci_dev *vpdev)
{
	struct vfio_device_set *dev_set = vpdev->vdev.dev_set;
	struct vfio_pci_proof proof = { .dev_set = dev_set };
	int ret;

	lockdep_assert_held(&dev_set->lock);

	/* A set of its own was reset by close_device already, if it could. */
	if (dev_set->set_id == vpdev || vfio_device_set_open_count(dev_set) > 1)
		return;
	if (!vfio_pci_set_needs_reset(dev_set)) {
		pci_dbg(vpdev->pdev, "set not reset at release: every device was reset on its own\n");
		return;
	}
	ret = vfio_pci_walk_affected(vpdev->pdev, vfio_pci_check_in_set, &proof);
	if (ret) {
		pci_dbg(vpdev->pdev, "set not reset at release: %s is not ours\n",
			proof.blocker ? pci_name(proof.blocker) : "a device");
		return;
	}
	ret = __vfio_pci_reset_set(vpdev, false);
	if (ret)
		pci_dbg(vpdev->pdev, "set reset at release failed: %d\n", ret);
}
