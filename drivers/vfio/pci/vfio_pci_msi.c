// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): MSI and MSI-X.
 *
 * The first eventfd enables the index with as many vectors as the call
 * reaches (start + count); every vector with an eventfd gets a handler
 * that signals it and is registered as an irq-bypass producer, so that KVM
 * can post the interrupt to a vCPU without us.  Vectors can then be given
 * new eventfds or detached (fd -1) one by one.  MSI-X vectors beyond those
 * allocated at enable are added in place when the platform allocates MSI-X
 * vectors dynamically; otherwise (and for MSI, which is NORESIZE) the user
 * disables and enables again with the new count, as QEMU does.
 *
 * Everything that writes the MSI-X table (enable, a handler's startup and
 * shutdown, disable) runs with memory decode forced on under memory_lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/msi.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vfio_pci_drv.h"

static irqreturn_t vfio_pci_msi_handler(int irq, void *arg)
{
	struct vfio_pci_vector *vec = arg;

	/* @trigger is set before the handler is installed, cleared after. */
	eventfd_signal(vec->trigger);
	return IRQ_HANDLED;
}

static void vfio_pci_vector_detach(struct vfio_pci_dev *vpdev,
				   struct vfio_pci_vector *vec)
{
	lockdep_assert_held(&vpdev->irq.lock);
	if (!vec->trigger)
		return;
	irq_bypass_unregister_producer(&vec->producer);
	free_irq(vec->irq, vec);
	kfree(vec->name);
	vec->name = NULL;
	eventfd_ctx_put(vec->trigger);
	vec->trigger = NULL;
}

/* MSI's Multiple Message Capable field encodes at most 32 vectors. */
#define VFIO_PCI_MSI_MAX_VECTORS	32

/**
 * vfio_pci_msi_count - how many vectors the MSI or MSI-X capability offers
 * @vpdev: the device
 * @index: VFIO_PCI_MSI_IRQ_INDEX or VFIO_PCI_MSIX_IRQ_INDEX
 *
 * MSI: 2^Multiple Message Capable, at most 32 (the encodings above 5 are
 * reserved); MSI-X: Table Size + 1 (PCIe r6.0, 7.7.1.2 and 7.7.2.2), read
 * from the device now.  The answer can change under the driver: some
 * devices resize their MSI-X table at a function reset (NVMe flexible
 * interrupt resources), and any device reads all-ones during a reset.  So
 * it only ever bounds a request; the vectors of an enabled index are
 * bounded by what was read when it was enabled (vfio_pci_irq_state.nvec).
 *
 * Return: the vector count; 0 without the capability.
 */
unsigned int vfio_pci_msi_count(struct vfio_pci_dev *vpdev, unsigned int index)
{
	struct pci_dev *pdev = vpdev->pdev;
	u16 flags;

	if (index == VFIO_PCI_MSI_IRQ_INDEX) {
		if (!pdev->msi_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &flags);
		return min(1U << FIELD_GET(PCI_MSI_FLAGS_QMASK, flags),
			   VFIO_PCI_MSI_MAX_VECTORS);
	}
	if (!pdev->msix_cap)
		return 0;
	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	return (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
}

/* Give vector @i a Linux interrupt, allocating an MSI-X one if need be. */
static int vfio_pci_vector_alloc(struct vfio_pci_dev *vpdev, unsigned int i)
{
	struct vfio_pci_vector *vec = &vpdev->irq.vectors[i];
	struct msi_map map;

	if (vec->irq)
		return 0;
	if (vpdev->irq.type != VFIO_PCI_MSIX_IRQ_INDEX ||
	    !pci_msix_can_alloc_dyn(vpdev->pdev))
		return -EINVAL;		/* NORESIZE: disable and enable again */
	/* A failure is in map.index (-errno); map.virq is then 0. */
	map = pci_msix_alloc_irq_at(vpdev->pdev, i, NULL);
	if (map.index < 0)
		return map.index;
	vec->irq = map.virq;
	return 0;
}

/* Point vector @i at eventfd @fd (detach it when @fd is negative). */
static int vfio_pci_vector_set(struct vfio_pci_dev *vpdev, unsigned int i,
			       s32 fd)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	struct vfio_pci_vector *vec = &irqs->vectors[i];
	bool msix = irqs->type == VFIO_PCI_MSIX_IRQ_INDEX;
	struct eventfd_ctx *trigger;
	struct msi_msg msg;
	int ret;

	lockdep_assert_held(&irqs->lock);
	if (fd < 0) {
		vfio_pci_vector_detach(vpdev, vec);
		return 0;
	}

	/* A bad fd leaves the vector as it was. */
	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);
	vfio_pci_vector_detach(vpdev, vec);

	ret = vfio_pci_vector_alloc(vpdev, i);
	if (ret)
		goto out_put_trigger;
	vec->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-msi%s[%u](%s)",
			      msix ? "x" : "", i, pci_name(vpdev->pdev));
	if (!vec->name) {
		ret = -ENOMEM;
		goto out_put_trigger;
	}

	/*
	 * The user can write the MSI-X table through the BAR; put the
	 * message the host composed back before the vector fires again.
	 */
	if (msix && vec->used) {
		get_cached_msi_msg(vec->irq, &msg);
		pci_write_msi_msg(vec->irq, &msg);
	}

	vec->trigger = trigger;
	ret = request_irq(vec->irq, vfio_pci_msi_handler, 0, vec->name, vec);
	if (ret)
		goto out_free_name;
	vec->used = true;

	ret = irq_bypass_register_producer(&vec->producer, trigger, vec->irq);
	if (ret) {
		/*
		 * Not fatal: the eventfd path works without KVM posting.
		 * -EBUSY: another vector shares the eventfd.  A producer that
		 * failed to register is unregistered as a no-op at detach.
		 */
		pci_dbg(vpdev->pdev, "vector %u: no irq bypass (%d)\n", i, ret);
	}
	return 0;

out_free_name:
	vec->trigger = NULL;
	kfree(vec->name);
	vec->name = NULL;
out_put_trigger:
	eventfd_ctx_put(trigger);
	return ret;
}

/*
 * Set vectors start..start+count-1; on failure, detach those this call
 * already set, and return the error.
 */
static int vfio_pci_vectors_set(struct vfio_pci_dev *vpdev, unsigned int start,
				unsigned int count, s32 *fds)
{
	unsigned int i, j;
	int ret;

	for (i = 0; i < count; i++) {
		ret = vfio_pci_vector_set(vpdev, start + i, fds[i]);
		if (ret)
			goto out_detach;
	}
	return 0;

out_detach:
	for (j = 0; j < i; j++)
		vfio_pci_vector_detach(vpdev, &vpdev->irq.vectors[start + j]);
	return ret;
}

/*
 * Enable @index with @nvec vectors allocated, and state for @total, the
 * vector count read once by the caller: from now on every vector number
 * is bounded by it, whatever the device reports later.
 */
static int vfio_pci_msi_enable(struct vfio_pci_dev *vpdev, unsigned int index,
			       unsigned int nvec, unsigned int total)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	struct vfio_pci_vector *vectors;
	unsigned int i;
	int ret;

	lockdep_assert_held(&irqs->lock);
	if (index == VFIO_PCI_MSIX_IRQ_INDEX) {
		ret = vfio_pci_msix_table_cover(vpdev, total);
		if (ret)
			return ret;
	}
	vectors = kvcalloc(total, sizeof(*vectors), GFP_KERNEL_ACCOUNT);
	if (!vectors)
		return -ENOMEM;

	ret = pci_alloc_irq_vectors(vpdev->pdev, nvec, nvec,
				    index == VFIO_PCI_MSIX_IRQ_INDEX ?
				    PCI_IRQ_MSIX : PCI_IRQ_MSI);
	if (ret < 0) {
		pci_dbg(vpdev->pdev, "cannot allocate %u %s vectors: %d\n", nvec,
			index == VFIO_PCI_MSIX_IRQ_INDEX ? "MSI-X" : "MSI", ret);
		kvfree(vectors);
		return ret;
	}
	for (i = 0; i < nvec; i++)
		vectors[i].irq = pci_irq_vector(vpdev->pdev, i);

	irqs->vectors = vectors;
	irqs->nvec = total;
	irqs->type = index;
	return 0;
}

/**
 * vfio_pci_msi_disable - detach every vector and disable MSI or MSI-X
 * @vpdev: the device, with MSI or MSI-X in use
 *
 * Caller holds irq.lock, and for MSI-X memory_lock with memory decode on.
 */
void vfio_pci_msi_disable(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	unsigned int i;

	lockdep_assert_held(&irqs->lock);
	for (i = 0; i < irqs->nvec; i++)
		vfio_pci_vector_detach(vpdev, &irqs->vectors[i]);
	pci_free_irq_vectors(vpdev->pdev);
	/* Disabling MSI lets INTx through again; keep it masked. */
	if (vfio_pci_intx_maskable(vpdev->pdev))
		pci_intx(vpdev->pdev, 0);

	kvfree(irqs->vectors);
	irqs->vectors = NULL;
	irqs->nvec = 0;
	irqs->type = VFIO_PCI_NUM_IRQS;
}

/*
 * Loopback: signal the vectors named, as if the device had.  A vector with
 * no eventfd is not signalled, and that includes every vector past those
 * the index was enabled with (@irqs->nvec): the table may have grown since.
 */
static int vfio_pci_msi_loopback(struct vfio_pci_dev *vpdev,
				 struct vfio_irq_set *hdr, u8 *fire)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	unsigned int i;

	if (irqs->type != hdr->index)
		return -EINVAL;
	for (i = 0; i < hdr->count && hdr->start + i < irqs->nvec; i++) {
		struct vfio_pci_vector *vec = &irqs->vectors[hdr->start + i];

		if (vec->trigger && (!fire || fire[i]))
			eventfd_signal(vec->trigger);
	}
	return 0;
}

/* Do vectors start..start+count-1 exist in a table of @total? */
static bool vfio_pci_msi_in_range(struct vfio_irq_set *hdr, unsigned int total)
{
	return hdr->start < total && hdr->count <= total - hdr->start;
}

static int __vfio_pci_msi_set(struct vfio_pci_dev *vpdev,
			      struct vfio_irq_set *hdr, s32 *fds)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	unsigned int total;
	int ret;

	if (!fds) {
		vfio_pci_msi_disable(vpdev);
		return 0;
	}
	/*
	 * The caller checked the range against a count read before irq.lock
	 * was taken.  An enabled index is bounded by its own state; a new one
	 * by one more reading, which then sizes that state.  A vector past an
	 * enabled index's table is -ERANGE, as the MSI layer answers a
	 * dynamic MSI-X allocation past the table it enabled.
	 */
	if (irqs->type == hdr->index) {
		if (!vfio_pci_msi_in_range(hdr, irqs->nvec))
			return -ERANGE;
		return vfio_pci_vectors_set(vpdev, hdr->start, hdr->count, fds);
	}
	total = vfio_pci_msi_count(vpdev, hdr->index);
	if (!vfio_pci_msi_in_range(hdr, total))
		return -EINVAL;

	ret = vfio_pci_msi_enable(vpdev, hdr->index, hdr->start + hdr->count,
				  total);
	if (ret)
		return ret;
	ret = vfio_pci_vectors_set(vpdev, hdr->start, hdr->count, fds);
	if (ret)
		vfio_pci_msi_disable(vpdev);
	return ret;
}

/**
 * vfio_pci_msi_set - VFIO_DEVICE_SET_IRQS on the MSI or MSI-X index
 * @vpdev: the device
 * @hdr: the validated header (one data type, one action, range checked)
 * @data: the payload, @hdr->count entries of the data type
 *
 * Caller holds irq.lock.
 *
 * Return: 0; -ENOTTY for MASK and UNMASK; -EINVAL while another index is
 * in use, for loopback or disable of an index not in use, for eventfds
 * with count 0, for a vector past those enabled where the index cannot
 * grow in place; -ERANGE for a vector past the table as it was when the
 * index was enabled (the device may have grown it since: disable and
 * enable again); -EIO when the MSI-X table moved since the device was
 * opened;
 * -EBADF/-EINVAL for an fd that is not an eventfd; what the PCI core says
 * when vectors cannot be allocated (-ENOSPC).
 */
int vfio_pci_msi_set(struct vfio_pci_dev *vpdev, struct vfio_irq_set *hdr,
		     void *data)
{
	struct vfio_pci_irq_state *irqs = &vpdev->irq;
	bool disable;
	u16 cmd = 0;
	int ret;

	lockdep_assert_held(&irqs->lock);
	if (!(hdr->flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -ENOTTY;
	if (irqs->type != hdr->index && irqs->type != VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	disable = hdr->flags & VFIO_IRQ_SET_DATA_NONE && !hdr->count;
	if (!(hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) && !disable)
		return vfio_pci_msi_loopback(vpdev, hdr,
					     hdr->flags & VFIO_IRQ_SET_DATA_BOOL ?
					     data : NULL);
	if (disable ? irqs->type != hdr->index : !hdr->count)
		return -EINVAL;

	if (hdr->index == VFIO_PCI_MSIX_IRQ_INDEX)
		cmd = vfio_pci_mem_lock_and_enable(vpdev);
	ret = __vfio_pci_msi_set(vpdev, hdr, disable ? NULL : data);
	if (hdr->index == VFIO_PCI_MSIX_IRQ_INDEX)
		vfio_pci_mem_unlock_and_restore(vpdev, cmd);
	return ret;
}
