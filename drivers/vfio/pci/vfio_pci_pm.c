// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the low power states a user asks for.
 *
 * An open device keeps a runtime PM reference of ours, so it stays in D0
 * (vfio_pci_open_device()).  VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY gives
 * that reference up: once nothing else holds the device, the PCI core may
 * suspend it (D3hot, or D3cold where the platform can cut its power).
 * Each access the kernel sees takes a reference of its own for its
 * duration (the VFIO core around every ioctl, vfio_pci_rw() around read
 * and write), so the device is resumed for it and may suspend again after.
 * A mapping of a BAR is not such an access: mappings are zapped at entry
 * and fault with SIGBUS until the low power state is left.
 *
 * The _WITH_WAKEUP form is one-shot: the first runtime resume after the
 * entry (a resume happens only if the device was suspended, whoever
 * caused it, the host included) signals the user's eventfd and takes our
 * reference back, as LOW_POWER_EXIT does.  LOW_POWER_EXIT and close
 * leave the low power state whatever its form.
 *
 * A card with the VGA region, or any device with disable_idle_d3, never
 * runtime-suspends (vfio_pci_idle_d3(): the runtime PM reference the PCI
 * core takes for probe is kept, so not even power/control "auto" in sysfs
 * lets it go): the entry is accepted with its rule for mappings, the card
 * stays in D0 and no wakeup is signalled.
 *
 * Locking: pm_low_power and pm_wake are under memory_lock.  The runtime
 * resume callback takes memory_lock for write, so no path may resume the
 * device while it holds memory_lock: every path takes its runtime PM
 * reference first.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_pci_drv.h"

/* Take our reference back and drop the wakeup; memory_lock held for write. */
static void __vfio_pci_pm_leave(struct vfio_pci_dev *vpdev)
{
	lockdep_assert_held_write(&vpdev->memory_lock);

	if (vpdev->pm_low_power) {
		WRITE_ONCE(vpdev->pm_low_power, false);
		pm_runtime_get_noresume(&vpdev->pdev->dev);
	}
	if (vpdev->pm_wake) {
		eventfd_ctx_put(vpdev->pm_wake);
		vpdev->pm_wake = NULL;
	}
}

/*
 * Give our reference up.  Called inside the VFIO core's own reference
 * around the ioctl, whose release then lets the device idle.  -EINVAL
 * when the device is in a low power state already: leave it first.
 */
static int vfio_pci_pm_enter(struct vfio_pci_dev *vpdev,
			     struct eventfd_ctx *wake)
{
	int ret;

	/* VGA region accesses read pm_low_power without memory_lock. */
	ret = vfio_pci_vga_block(vpdev);
	if (ret)
		return ret;
	vfio_pci_memory_write_lock(vpdev);
	if (vpdev->pm_low_power) {
		ret = -EINVAL;
	} else {
		__vfio_pci_zap_bars(vpdev);
		WRITE_ONCE(vpdev->pm_low_power, true);
		vpdev->pm_wake = wake;
		pm_runtime_put_noidle(&vpdev->pdev->dev);
	}
	vfio_pci_memory_write_unlock(vpdev);
	vfio_pci_vga_unblock(vpdev);
	return ret;
}

static int vfio_pci_pm_entry_wakeup(struct vfio_pci_dev *vpdev,
				    void __user *arg)
{
	struct vfio_device_low_power_entry_with_wakeup req;
	struct eventfd_ctx *wake;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	/* reserved is for later flags: refuse what we cannot honour. */
	if (req.wakeup_eventfd < 0 || req.reserved)
		return -EINVAL;
	wake = eventfd_ctx_fdget(req.wakeup_eventfd);
	if (IS_ERR(wake))
		return PTR_ERR(wake);
	ret = vfio_pci_pm_enter(vpdev, wake);
	if (ret)
		eventfd_ctx_put(wake);
	return ret;
}

/**
 * vfio_pci_pm_feature - the low power VFIO_DEVICE_FEATUREs
 * @vpdev: the device
 * @flags: the feature's flags; its index is one of
 *	VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, _ENTRY_WITH_WAKEUP or _EXIT
 * @arg: the user's payload
 * @argsz: its size
 *
 * Context: inside the VFIO core's runtime PM reference (the device is in
 * D0); takes memory_lock.
 *
 * Return: 0 for a PROBE of SET or a done SET; -EINVAL for GET, a payload
 * too short, an entry while in low power, a negative eventfd or a nonzero
 * reserved field; -EBADF or -EINVAL from the eventfd lookup; -EFAULT;
 * -EINTR when a signal came while a VGA card's accesses were waited for.
 */
int vfio_pci_pm_feature(struct vfio_pci_dev *vpdev, u32 flags,
			void __user *arg, size_t argsz)
{
	u32 feature = flags & VFIO_DEVICE_FEATURE_MASK;
	size_t minsz = 0;
	int ret;

	if (feature == VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP)
		minsz = sizeof(struct vfio_device_low_power_entry_with_wakeup);
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, minsz);
	if (ret != 1)
		return ret;

	switch (feature) {
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
		return vfio_pci_pm_enter(vpdev, NULL);
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
		return vfio_pci_pm_entry_wakeup(vpdev, arg);
	default:
		vfio_pci_memory_write_lock(vpdev);
		__vfio_pci_pm_leave(vpdev);
		vfio_pci_memory_write_unlock(vpdev);
		return 0;
	}
}

/**
 * vfio_pci_pm_close - leave a low power state at close
 * @vpdev: the device, being closed
 *
 * The device is resumed, without a wakeup signal, and our reference is
 * back for close_device() to drop.
 */
void vfio_pci_pm_close(struct vfio_pci_dev *vpdev)
{
	bool was_low;

	vfio_pci_memory_write_lock(vpdev);
	was_low = vpdev->pm_low_power;
	__vfio_pci_pm_leave(vpdev);
	vfio_pci_memory_write_unlock(vpdev);
	if (was_low)
		pm_runtime_resume(&vpdev->pdev->dev);
}

/**
 * vfio_pci_pm_get_set - resume every member of a device set and keep it so
 * @dev_set: the set, about to be reset (dev_set->lock held)
 *
 * Members that are closed (idle, maybe in D3hot) or in a user's low power
 * state are resumed before any of their locks is taken: a reset of the
 * slot or bus is an access to each of them (a wakeup eventfd fires).
 * Every member is ours (the caller checked).
 *
 * Return: 0, or -EIO when one could not be resumed (none is held then).
 */
int vfio_pci_pm_get_set(struct vfio_device_set *dev_set)
{
	struct vfio_device *cur, *undo;
	int ret;

	lockdep_assert_held(&dev_set->lock);

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list) {
		ret = pm_runtime_resume_and_get(cur->dev);
		if (ret) {
			dev_info_ratelimited(cur->dev, "cannot resume for the reset of its set: %d\n",
					     ret);
			goto out_put;
		}
	}
	return 0;

out_put:
	list_for_each_entry(undo, &dev_set->device_list, dev_set_list) {
		if (undo == cur)
			break;
		pm_runtime_put(undo->dev);
	}
	return -EIO;
}

/**
 * vfio_pci_pm_put_set - undo vfio_pci_pm_get_set()
 * @dev_set: the set (dev_set->lock held)
 */
void vfio_pci_pm_put_set(struct vfio_device_set *dev_set)
{
	struct vfio_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list)
		pm_runtime_put(cur->dev);
}

/**
 * vfio_pci_runtime_suspend - the device is about to be runtime-suspended
 * @dev: the device (dev_pm_ops)
 *
 * A shared INTx line is checked by reading the device's status, which a
 * device in D3cold answers with all-ones: INTx the user enabled is masked
 * while the device is suspended and unmasked when it resumes (the user is
 * signalled then if the device still asserts it).
 *
 * Return: 0.
 */
static int vfio_pci_runtime_suspend(struct device *dev)
{
	struct vfio_pci_dev *vpdev = dev_get_drvdata(dev);

	if (vpdev)
		vpdev->pm_intx_masked = vfio_pci_intx_pm_mask(vpdev);
	return 0;
}

/**
 * vfio_pci_runtime_resume - the device was runtime-resumed
 * @dev: the device (dev_pm_ops)
 *
 * The first resume after LOW_POWER_ENTRY_WITH_WAKEUP signals the user's
 * eventfd and leaves the low power state; INTx masked by the suspend is
 * unmasked.  Takes memory_lock for write: no path may resume the device
 * while it holds memory_lock.
 *
 * Return: 0.
 */
static int vfio_pci_runtime_resume(struct device *dev)
{
	struct vfio_pci_dev *vpdev = dev_get_drvdata(dev);

	if (!vpdev)
		return 0;

	vfio_pci_memory_write_lock(vpdev);
	if (vpdev->pm_wake) {
		eventfd_signal(vpdev->pm_wake);
		__vfio_pci_pm_leave(vpdev);
	}
	vfio_pci_memory_write_unlock(vpdev);

	if (vpdev->pm_intx_masked) {
		vpdev->pm_intx_masked = false;
		vfio_pci_intx_pm_unmask(vpdev);
	}
	return 0;
}

/*
 * Runtime PM only; system sleep is the PCI core's default.  With these
 * the VFIO core also resumes the device around every ioctl.
 */
const struct dev_pm_ops vfio_pci_pm_ops = {
	SET_RUNTIME_PM_OPS(vfio_pci_runtime_suspend, vfio_pci_runtime_resume,
			   NULL)
};
