// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): INTx.
 *
 * INTx is level triggered and AUTOMASKED: the handler masks the line before
 * it signals the user's eventfd, and the line stays masked until the user
 * unmasks it (UNMASK, or its unmask eventfd, which KVM's resampler signals
 * at the guest's EOI).  Devices with PCI 2.3 INTx masking are masked with
 * the INTx disable bit in PCI_COMMAND, which lets them share the line:
 * pci_check_and_mask_intx() claims an interrupt only when the device's
 * interrupt status says it is ours.  Others (or any with nointxmask) get
 * the line exclusively and are masked at the interrupt controller.
 *
 * When INTx is not in use, the INTx disable bit stays set so that a device
 * the user programs cannot assert a line nobody handles.
 *
 * The user's own INTx Disable bit (PCI_COMMAND bit 10 of the config region)
 * is virtual, and it masks INTx as a device would: while it is set nothing
 * is signalled and no unmask gets past it; clearing it unmasks, and an
 * interrupt still pending then is signalled.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vfio_pci_drv.h"

static void __vfio_pci_intx_mask(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;

	lockdep_assert_held(&irqs->intx_lock);
	if (irqs->intx_masked)
		return;
	if (irqs->intx_exclusive)
		disable_irq_nosync(vpdev->pdev->irq);
	else
		pci_intx(vpdev->pdev, 0);
	irqs->intx_masked = true;
}

/*
 * Unmask; with INTx masking, only when the device no longer asserts the
 * line.  Return: true when it still does (the line stays masked and the
 * user must be told again).
 */
static bool __vfio_pci_intx_unmask(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;

	lockdep_assert_held(&irqs->intx_lock);
	if (!irqs->intx_masked || irqs->intx_virt_disabled)
		return false;
	if (irqs->intx_exclusive)
		enable_irq(vpdev->pdev->irq);
	else if (!pci_check_and_unmask_intx(vpdev->pdev))
		return true;
	irqs->intx_masked = false;
	return false;
}

/*
 * Read the trigger under intx_lock; the caller signals it after dropping
 * the lock, so that an unmask eventfd that is the same eventfd as the
 * trigger cannot recurse into intx_lock.  Whoever replaces or drops the
 * trigger waits for the hard handler (synchronize_irq) and for the unmask
 * eventfd's thread before it puts the old one.
 */
static struct eventfd_ctx *__vfio_pci_intx_trigger(struct vfio_pci_dev *vpdev)
{
	lockdep_assert_held(&vpdev->irq.intx_lock);
	return vpdev->irq.intx_trigger;
}

static irqreturn_t vfio_pci_intx_handler(int irq, void *arg)
{
	struct vfio_pci_dev *vpdev = arg;
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	struct eventfd_ctx *trigger = NULL;
	irqreturn_t ret = IRQ_NONE;
	unsigned long flags;

	spin_lock_irqsave(&irqs->intx_lock, flags);
	if (irqs->intx_exclusive) {
		/* Our line alone: the interrupt is ours. */
		__vfio_pci_intx_mask(vpdev);
		ret = IRQ_HANDLED;
	} else if (!irqs->intx_masked && pci_check_and_mask_intx(vpdev->pdev)) {
		irqs->intx_masked = true;
		ret = IRQ_HANDLED;
	}
	if (ret == IRQ_HANDLED)
		trigger = __vfio_pci_intx_trigger(vpdev);
	spin_unlock_irqrestore(&irqs->intx_lock, flags);

	if (trigger)
		eventfd_signal(trigger);
	return ret;
}

/* Unmask; signal the user again when the line is still asserted. */
static void vfio_pci_intx_unmask(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	struct eventfd_ctx *trigger = NULL;
	unsigned long flags;

	spin_lock_irqsave(&irqs->intx_lock, flags);
	if (__vfio_pci_intx_unmask(vpdev))
		trigger = __vfio_pci_intx_trigger(vpdev);
	spin_unlock_irqrestore(&irqs->intx_lock, flags);

	if (trigger)
		eventfd_signal(trigger);
}

/**
 * vfio_pci_intx_pm_mask - mask the user's INTx before the device suspends
 * @vpdev: the device
 *
 * Context: the runtime suspend callback.
 *
 * Return: true when INTx was in use and unmasked, and is now masked: the
 * caller unmasks it at resume with vfio_pci_intx_pm_unmask().
 */
bool vfio_pci_intx_pm_mask(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	unsigned long flags;
	bool masked;

	spin_lock_irqsave(&irqs->intx_lock, flags);
	masked = irqs->intx_trigger && !irqs->intx_masked;
	if (masked)
		__vfio_pci_intx_mask(vpdev);
	spin_unlock_irqrestore(&irqs->intx_lock, flags);
	return masked;
}

/**
 * vfio_pci_intx_pm_unmask - undo vfio_pci_intx_pm_mask() at resume
 * @vpdev: the device
 *
 * The user is signalled if the device asserts INTx by then.
 */
void vfio_pci_intx_pm_unmask(struct vfio_pci_dev *vpdev)
{
	vfio_pci_intx_unmask(vpdev);
}

/*
 * The unmask eventfd fired.  This runs in the eventfd's wakeup, in atomic
 * context and inside the eventfd's own lock: unmask here, but leave the
 * signalling of a still-asserted line to the thread (a workqueue).
 */
static int vfio_pci_intx_unmask_handler(void *opaque, void *data)
{
	struct vfio_pci_dev *vpdev = opaque;
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&vpdev->irq.intx_lock, flags);
	pending = __vfio_pci_intx_unmask(vpdev);
	spin_unlock_irqrestore(&vpdev->irq.intx_lock, flags);
	return pending;
}

static void vfio_pci_intx_unmask_thread(void *opaque, void *data)
{
	struct vfio_pci_dev *vpdev = opaque;
	struct eventfd_ctx *trigger;
	unsigned long flags;

	spin_lock_irqsave(&vpdev->irq.intx_lock, flags);
	trigger = __vfio_pci_intx_trigger(vpdev);
	spin_unlock_irqrestore(&vpdev->irq.intx_lock, flags);
	if (trigger)
		eventfd_signal(trigger);
}

static int vfio_pci_intx_enable(struct vfio_pci_dev *vpdev, int fd)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	struct pci_dev *pdev = vpdev->pdev;
	struct eventfd_ctx *trigger;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&irqs->lock);
	if (!pdev->irq)
		return -ENODEV;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);
	irqs->intx_name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-intx(%s)",
				    pci_name(pdev));
	if (!irqs->intx_name) {
		ret = -ENOMEM;
		goto out_put_trigger;
	}

	/* Start masked; the handler's first chance comes with the unmask. */
	irqs->intx_exclusive = !vfio_pci_intx_maskable(pdev);
	irqs->intx_masked = true;
	irqs->intx_trigger = trigger;
	if (!irqs->intx_exclusive)
		pci_intx(pdev, 0);

	ret = request_irq(pdev->irq, vfio_pci_intx_handler,
			  irqs->intx_exclusive ? IRQF_NO_AUTOEN : IRQF_SHARED,
			  irqs->intx_name, vpdev);
	if (ret) {
		pci_dbg(pdev, "cannot request INTx (irq %d%s): %d\n", pdev->irq,
			irqs->intx_exclusive ? ", exclusive" : "", ret);
		goto out_free_name;
	}
	irqs->type = VFIO_PCI_INTX_IRQ_INDEX;

	vfio_pci_intx_unmask(vpdev);
	return 0;

out_free_name:
	spin_lock_irqsave(&irqs->intx_lock, flags);
	irqs->intx_trigger = NULL;
	spin_unlock_irqrestore(&irqs->intx_lock, flags);
	kfree(irqs->intx_name);
	irqs->intx_name = NULL;
out_put_trigger:
	eventfd_ctx_put(trigger);
	return ret;
}

/**
 * vfio_pci_intx_disable - stop delivering INTx and mask it in the hardware
 * @vpdev: the device, with INTx in use
 *
 * Caller holds irq.lock.
 */
void vfio_pci_intx_disable(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	struct pci_dev *pdev = vpdev->pdev;
	struct eventfd_ctx *trigger;
	unsigned long flags;

	lockdep_assert_held(&irqs->lock);
	/* Flushes the unmask eventfd's thread, which reads the trigger. */
	vfio_virqfd_disable(&irqs->intx_unmask);

	spin_lock_irqsave(&irqs->intx_lock, flags);
	/*
	 * Leave the hardware masked.  An exclusive line is left as it is:
	 * free_irq() shuts it down and the next request starts it afresh.
	 */
	if (!irqs->intx_exclusive)
		__vfio_pci_intx_mask(vpdev);
	spin_unlock_irqrestore(&irqs->intx_lock, flags);

	free_irq(pdev->irq, vpdev);

	spin_lock_irqsave(&irqs->intx_lock, flags);
	trigger = irqs->intx_trigger;
	irqs->intx_trigger = NULL;
	spin_unlock_irqrestore(&irqs->intx_lock, flags);
	eventfd_ctx_put(trigger);

	kfree(irqs->intx_name);
	irqs->intx_name = NULL;
	irqs->type = VFIO_PCI_NUM_IRQS;
}

/* A new trigger for INTx in use: swap, then wait out the old one's users. */
static int vfio_pci_intx_set_trigger(struct vfio_pci_dev *vpdev, int fd)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	struct eventfd_ctx *trigger, *old;
	unsigned long flags;

	lockdep_assert_held(&irqs->lock);
	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);

	spin_lock_irqsave(&irqs->intx_lock, flags);
	old = irqs->intx_trigger;
	irqs->intx_trigger = trigger;
	spin_unlock_irqrestore(&irqs->intx_lock, flags);

	synchronize_irq(vpdev->pdev->irq);
	vfio_virqfd_flush_thread(&irqs->intx_unmask);
	eventfd_ctx_put(old);
	return 0;
}

static int vfio_pci_intx_trigger(struct vfio_pci_dev *vpdev,
				 struct vfio_irq_set *hdr, void *data)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	bool enabled = irqs->type == VFIO_PCI_INTX_IRQ_INDEX;

	if (hdr->flags & VFIO_IRQ_SET_DATA_NONE && !hdr->count && enabled) {
		vfio_pci_intx_disable(vpdev);
		return 0;
	}
	if (hdr->count != 1)
		return -EINVAL;

	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (fd < -1)
			return -EINVAL;
		if (!enabled) {
			if (irqs->type != VFIO_PCI_NUM_IRQS)
				return -EINVAL;
			return fd == -1 ? 0 : vfio_pci_intx_enable(vpdev, fd);
		}
		if (fd == -1) {
			vfio_pci_intx_disable(vpdev);
			return 0;
		}
		return vfio_pci_intx_set_trigger(vpdev, fd);
	}

	/* Loopback: signal the user as an interrupt would, without masking. */
	if (!enabled)
		return -EINVAL;
	if (hdr->flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data)
		eventfd_signal(irqs->intx_trigger);
	return 0;
}

static int vfio_pci_intx_mask(struct vfio_pci_dev *vpdev,
			      struct vfio_irq_set *hdr, void *data)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	unsigned long flags;

	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -ENOTTY;		/* masking is the handler's job */
	if (irqs->type != VFIO_PCI_INTX_IRQ_INDEX || hdr->count != 1)
		return -EINVAL;
	if (hdr->flags & VFIO_IRQ_SET_DATA_BOOL && !*(u8 *)data)
		return 0;

	spin_lock_irqsave(&irqs->intx_lock, flags);
	__vfio_pci_intx_mask(vpdev);
	spin_unlock_irqrestore(&irqs->intx_lock, flags);
	return 0;
}

static int vfio_pci_intx_set_unmask(struct vfio_pci_dev *vpdev,
				    struct vfio_irq_set *hdr, void *data)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;

	if (irqs->type != VFIO_PCI_INTX_IRQ_INDEX || hdr->count != 1)
		return -EINVAL;

	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (fd < -1)
			return -EINVAL;
		vfio_virqfd_disable(&irqs->intx_unmask);
		if (fd == -1)
			return 0;
		return vfio_virqfd_enable(vpdev, vfio_pci_intx_unmask_handler,
					  vfio_pci_intx_unmask_thread, NULL,
					  &irqs->intx_unmask, fd);
	}

	if (hdr->flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data)
		vfio_pci_intx_unmask(vpdev);
	return 0;
}

/**
 * vfio_pci_intx_virt_disable - the user wrote its INTx Disable bit
 * @vpdev: the device
 * @disable: the bit's new value
 *
 * Caller holds irq.lock (so that the bit and the mask state change in the
 * order of the config writes).  With INTx in use, setting the bit masks
 * INTx and clearing it unmasks, signalling an interrupt still pending;
 * otherwise it is remembered for when INTx is enabled.
 */
void vfio_pci_intx_virt_disable(struct vfio_pci_dev *vpdev, bool disable)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	unsigned long flags;

	lockdep_assert_held(&irqs->lock);

	spin_lock_irqsave(&irqs->intx_lock, flags);
	irqs->intx_virt_disabled = disable;
	if (disable && irqs->type == VFIO_PCI_INTX_IRQ_INDEX)
		__vfio_pci_intx_mask(vpdev);
	spin_unlock_irqrestore(&irqs->intx_lock, flags);

	if (!disable && irqs->type == VFIO_PCI_INTX_IRQ_INDEX)
		vfio_pci_intx_unmask(vpdev);
}

/**
 * vfio_pci_intx_set - VFIO_DEVICE_SET_IRQS on the INTx index
 * @vpdev: the device
 * @hdr: the validated header (one data type, one action, range checked)
 * @data: the payload, @hdr->count entries of the data type
 *
 * Caller holds irq.lock.
 *
 * Return: 0; -EINVAL when INTx is not in use for MASK/UNMASK/loopback, when
 * MSI or MSI-X is, or for a count other than 1 (0 disables); -ENOTTY for
 * a mask eventfd; -EBADF/-EINVAL for an fd that is not an eventfd; -ENODEV
 * when the host assigned no interrupt; what request_irq() says (-EBUSY: an
 * exclusive line is taken).
 */
int vfio_pci_intx_set(struct vfio_pci_dev *vpdev, struct vfio_irq_set *hdr,
		      void *data)
{
	lockdep_assert_held(&vpdev->irq.lock);

	switch (hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_MASK:
		return vfio_pci_intx_mask(vpdev, hdr, data);
	case VFIO_IRQ_SET_ACTION_UNMASK:
		return vfio_pci_intx_set_unmask(vpdev, hdr, data);
	default:
		return vfio_pci_intx_trigger(vpdev, hdr, data);
	}
}
