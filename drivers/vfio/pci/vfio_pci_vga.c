// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the legacy VGA region.
 *
 * A VGA card answers at fixed, system-wide addresses: memory 0xa0000-0xbffff
 * and I/O ports 0x3b0-0x3bb and 0x3c0-0x3df.  Which card sees a cycle is a
 * matter of routing (I/O and memory enables, bridge VGA enables), which the
 * VGA arbiter owns.  The region's offsets are those addresses; every access
 * takes the arbiter for the one legacy resource it touches, so that the
 * cycles reach the card being accessed, and gives it back before returning.
 *
 * The legacy window and the ports are mapped once, at module load; the hot
 * path is lock, access, unlock.  Long transfers move in chunks with the
 * arbiter released between them, and user memory is only touched outside
 * the arbiter hold (through a bounce buffer), so that a page fault never
 * stretches a hold.
 */

#include <linux/aperture.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vgaarb.h>
#include <linux/wait.h>

#include "vfio_pci_drv.h"

#define VGA_MEM_START		0xa0000
#define VGA_MEM_END		0xc0000		/* exclusive; also the region size */
#define VGA_IO_START		0x3b0
#define VGA_IO_END		0x3e0
#define VGA_IO_MONO_END		0x3bc		/* 0x3bc-0x3bf belong to LPT1 */
#define VGA_IO_COLOR_START	0x3c0

/*
 * Bytes moved per arbiter hold.  Bounds how long one caller keeps every
 * other VGA user waiting, and the bounce buffer.
 */
#define VFIO_PCI_VGA_CHUNK	SZ_4K

/**
 * struct vfio_pci_vga_range - one legacy range of the region
 * @start: first address (region offset)
 * @end: one past the last address
 * @rsrc: the arbiter resource that routes it
 * @io: the range is I/O ports (at most 32-bit accesses)
 */
struct vfio_pci_vga_range {
	u32 start;
	u32 end;
	unsigned int rsrc;
	bool io;
};

static const struct vfio_pci_vga_range vfio_pci_vga_ranges[] = {
	{ VGA_MEM_START, VGA_MEM_END, VGA_RSRC_LEGACY_MEM, false },
	{ VGA_IO_START, VGA_IO_MONO_END, VGA_RSRC_LEGACY_IO, true },
	{ VGA_IO_COLOR_START, VGA_IO_END, VGA_RSRC_LEGACY_IO, true },
};

/* Mapped at module load, for the life of the module. */
static void __iomem *vfio_pci_vga_mem;
static void __iomem *vfio_pci_vga_io;

/*
 * Held with every arbiter hold of this driver.  vga_get() checks for a
 * conflict, drops the arbiter's lock and only then queues itself to wait:
 * a vga_put() in between wakes nobody, and the waiter sleeps until some
 * later release, forever if none comes (a VGA region access stuck in
 * vga_get() while the other cards' users had nothing left to release).
 * Our users wait for each other here instead; only another arbiter client
 * (a /dev/vga_arbiter user, another driver) can still keep them waiting
 * in vga_get().
 *
 * They wait as the arbiter's own waiters do: asleep on
 * vfio_pci_vga_hold_wq, which a release wakes when anyone sleeps there,
 * trying the mutex when woken, never spinning on its holder and never
 * handed it.  A holder that comes back before a woken waiter has run
 * takes it again, so that one user's run of accesses is not broken up by
 * a routing switch for each.  As with the arbiter, nothing orders the
 * waiters: a user who accesses without pause keeps the others waiting,
 * one bounded hold (a register or a 4 KiB chunk) at a time.
 */
static DEFINE_MUTEX(vfio_pci_vga_hold);
static DECLARE_WAIT_QUEUE_HEAD(vfio_pci_vga_hold_wq);

/*
 * The device whose region access holds vfio_pci_vga_hold, or NULL (free,
 * or held for something else: a routing change, a ROM read).  Written
 * under the hold; read by vfio_pci_vga_block() without it.
 */
static struct vfio_pci_dev *vfio_pci_vga_hold_owner;

/*
 * Wakes the waiters, if any: most releases have none, and skip the wait
 * queue's lock.  wq_has_sleeper()'s barrier pairs with the one in the
 * waiter's queueing, which comes before its try of the mutex (or its look
 * at the owner: vfio_pci_vga_block()).
 */
static void vfio_pci_vga_hold_release(void)
{
	WRITE_ONCE(vfio_pci_vga_hold_owner, NULL);
	mutex_unlock(&vfio_pci_vga_hold);
	if (wq_has_sleeper(&vfio_pci_vga_hold_wq))
		wake_up(&vfio_pci_vga_hold_wq);
}

/* vga_get_interruptible() with vfio_pci_vga_hold taken; released on failure. */
static int vfio_pci_vga_get_held(struct pci_dev *pdev, unsigned int rsrc)
{
	int ret = vga_get_interruptible(pdev, rsrc);

	if (ret)
		vfio_pci_vga_hold_release();
	return ret;
}

/* Take vfio_pci_vga_hold; 0 or -ERESTARTSYS. */
static int vfio_pci_vga_hold_get(void)
{
	if (wait_event_interruptible(vfio_pci_vga_hold_wq,
				     mutex_trylock(&vfio_pci_vga_hold)))
		return -ERESTARTSYS;
	return 0;
}

/* vga_get_interruptible() under vfio_pci_vga_hold; 0 or -ERESTARTSYS. */
static int vfio_pci_vga_get(struct pci_dev *pdev, unsigned int rsrc)
{
	int ret = vfio_pci_vga_hold_get();

	return ret ? ret : vfio_pci_vga_get_held(pdev, rsrc);
}

static void vfio_pci_vga_put(struct pci_dev *pdev, unsigned int rsrc)
{
	vga_put(pdev, rsrc);
	vfio_pci_vga_hold_release();
}

/**
 * vfio_pci_vga_normal_mem_get - hold a VGA card's normal memory
 * @pdev: the card, about to have its memory decode turned on
 *
 * The arbiter's request for turning on a card's memory decode (see
 * vfio_pci_rom_hold()), through the driver's one door to the arbiter.
 *
 * Return: 0 with the hold taken; -ENODEV when the arbiter does not manage
 * @pdev (nothing held: it routes nothing); -ERESTARTSYS on a signal while
 * waiting.
 */
int vfio_pci_vga_normal_mem_get(struct pci_dev *pdev)
{
	return vfio_pci_vga_get(pdev, VGA_RSRC_NORMAL_MEM);
}

/**
 * vfio_pci_vga_normal_mem_put - release vfio_pci_vga_normal_mem_get()'s hold
 * @pdev: the card
 */
void vfio_pci_vga_normal_mem_put(struct pci_dev *pdev)
{
	vfio_pci_vga_put(pdev, VGA_RSRC_NORMAL_MEM);
}

/*
 * Whether @vpdev is the arbiter's default device, whose own enables are the
 * host's legacy routing.  Asked at each use: the default can change (the
 * arbiter forgets a boot card that is removed).
 */
static bool vfio_pci_vga_is_boot(struct vfio_pci_dev *vpdev)
{
	return vpdev->has_vga && vpdev->pdev == vga_default_device();
}

static const struct vfio_pci_vga_range *vfio_pci_vga_find(loff_t pos)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vfio_pci_vga_ranges); i++)
		if (pos >= vfio_pci_vga_ranges[i].start &&
		    pos < vfio_pci_vga_ranges[i].end)
			return &vfio_pci_vga_ranges[i];
	return NULL;
}

/*
 * The widest naturally aligned access at @addr that fits in @len: 4 bytes
 * at most for I/O ports, VFIO_PCI_VGA_MEM_MAX_WIDTH for memory.
 */
static unsigned int vfio_pci_vga_width(u32 addr, size_t len, bool io)
{
	if (!io && VFIO_PCI_VGA_MEM_MAX_WIDTH >= 8 && len >= 8 &&
	    IS_ALIGNED(addr, 8))
		return 8;
	if (len >= 4 && IS_ALIGNED(addr, 4))
		return 4;
	if (len >= 2 && IS_ALIGNED(addr, 2))
		return 2;
	return 1;
}

/*
 * Move @len bytes between @buf and the card at @addr.  Called with the
 * arbiter held for the range's resource; @buf is kernel memory.
 */
static void vfio_pci_vga_xfer(const struct vfio_pci_vga_range *range, u32 addr,
			      void *buf, size_t len, bool write)
{
	void __iomem *base = range->io ?
		vfio_pci_vga_io + (addr - VGA_IO_START) :
		vfio_pci_vga_mem + (addr - VGA_MEM_START);
	size_t off = 0;

	while (off < len) {
		unsigned int width = vfio_pci_vga_width(addr + off, len - off,
							 range->io);
		void __iomem *p = base + off;
		void *b = buf + off;

		switch (width) {
		case 8:
			if (write)
				writeq(get_unaligned_le64(b), p);
			else
				put_unaligned_le64(readq(p), b);
			break;
		case 4:
			if (write)
				iowrite32(get_unaligned_le32(b), p);
			else
				put_unaligned_le32(ioread32(p), b);
			break;
		case 2:
			if (write)
				iowrite16(get_unaligned_le16(b), p);
			else
				put_unaligned_le16(ioread16(p), b);
			break;
		default:
			if (write)
				iowrite8(*(u8 *)b, p);
			else
				*(u8 *)b = ioread8(p);
			break;
		}
		off += width;
	}
}

/*
 * Woken when a device's region accesses may go on again
 * (vfio_pci_vga_unblock()).
 */
static DECLARE_WAIT_QUEUE_HEAD(vfio_pci_vga_unblock_wq);

/**
 * vfio_pci_vga_block - keep a device's VGA region accesses out
 * @vpdev: the device, about to be reset or to enter a low power state
 *
 * Returns once no region access of @vpdev is in its arbiter hold, and
 * keeps new ones waiting until vfio_pci_vga_unblock().  Waits for
 * accesses of @vpdev only, never for other cards' users (however busy)
 * or for the hold itself.  Blocks nest (a count).  A device without the
 * VGA region has no accesses to keep out, and nothing is done.
 *
 * Return: 0, or -EINTR on a fatal signal while waiting for an access in
 * flight (nothing blocked then).
 */
int vfio_pci_vga_block(struct vfio_pci_dev *vpdev)
{
	if (!vpdev->has_vga)
		return 0;
	atomic_inc(&vpdev->vga_blocked);
	/*
	 * Pairs with the barrier in vfio_pci_vga_hold_unblocked(): either
	 * the access sees the count, or this sees it as the hold's owner.
	 */
	smp_mb__after_atomic();
	if (wait_event_killable(vfio_pci_vga_hold_wq,
				READ_ONCE(vfio_pci_vga_hold_owner) != vpdev)) {
		vfio_pci_vga_unblock(vpdev);
		return -EINTR;
	}
	return 0;
}

/**
 * vfio_pci_vga_unblock - let a device's VGA region accesses go on
 * @vpdev: the device vfio_pci_vga_block() succeeded on
 *
 * What the caller wrote before (@vpdev's low power state) is seen by the
 * accesses that find the device unblocked.  Never waits.
 */
void vfio_pci_vga_unblock(struct vfio_pci_dev *vpdev)
{
	if (!vpdev->has_vga)
		return;
	if (!atomic_dec_return_release(&vpdev->vga_blocked))
		wake_up_all(&vfio_pci_vga_unblock_wq);
}

/*
 * Take vfio_pci_vga_hold for an access of @vpdev, as its owner: when the
 * device is blocked (vfio_pci_vga_block()), waits without the hold until
 * it is not.  On return 0 the hold is taken and the device is not
 * blocked; otherwise -ERESTARTSYS (a signal while waiting for the hold) or
 * -EINTR (a fatal signal while blocked), with nothing held.
 */
static int vfio_pci_vga_hold_unblocked(struct vfio_pci_dev *vpdev)
{
	for (;;) {
		int ret = vfio_pci_vga_hold_get();

		if (ret)
			return ret;
		WRITE_ONCE(vfio_pci_vga_hold_owner, vpdev);
		/* Pairs with the barrier in vfio_pci_vga_block(). */
		smp_mb();
		/* And with the release in vfio_pci_vga_unblock(). */
		if (!atomic_read_acquire(&vpdev->vga_blocked))
			return 0;
		vfio_pci_vga_hold_release();
		if (wait_event_killable(vfio_pci_vga_unblock_wq,
					!atomic_read(&vpdev->vga_blocked)))
			return -EINTR;
	}
}

/*
 * One arbiter hold: copy in (write), lock, access, unlock, copy out (read).
 * Returns 0 or -errno; nothing reached the card when it fails.
 */
static int vfio_pci_vga_chunk(struct vfio_pci_dev *vpdev,
			      const struct vfio_pci_vga_range *range, u32 addr,
			      char __user *ubuf, void *bounce, size_t len,
			      bool write)
{
	bool resumed = false;
	int ret;

	if (write && vfio_pci_copy_piece(bounce, ubuf, len, true))
		return -EFAULT;

	for (;;) {
		ret = vfio_pci_vga_hold_unblocked(vpdev);
		if (ret)
			break;
		/*
		 * Our own runtime PM reference keeps the card in D0 unless
		 * its user gave it up, which happens only while the device
		 * is blocked: then, and only then, the access needs one of
		 * its own, taken without the hold (a resume can take long).
		 * A VGA card is not runtime-suspended by this driver, but
		 * its power/control in sysfs belongs to the administrator.
		 */
		if (!resumed && READ_ONCE(vpdev->pm_low_power)) {
			vfio_pci_vga_hold_release();
			if (pm_runtime_resume_and_get(&vpdev->pdev->dev))
				return -EIO;
			resumed = true;
			continue;
		}
		ret = vfio_pci_vga_get_held(vpdev->pdev, range->rsrc);
		if (!ret) {
			vfio_pci_vga_xfer(range, addr, bounce, len, write);
			vfio_pci_vga_put(vpdev->pdev, range->rsrc);
		}
		break;
	}
	if (resumed)
		pm_runtime_put(&vpdev->pdev->dev);
	if (ret)
		return ret;

	if (!write)
		return vfio_pci_copy_piece(bounce, ubuf, len, false);
	return 0;
}

static ssize_t vfio_pci_vga_rw(struct vfio_pci_dev *vpdev, unsigned int index,
			       char __user *buf, size_t count, loff_t pos,
			       bool write)
{
	const struct vfio_pci_vga_range *range;
	u64 small;
	void *bounce;
	size_t done = 0;
	int ret = 0;

	if (!vpdev->has_vga)
		return -EINVAL;
	range = vfio_pci_vga_find(pos);
	if (!range)
		return -EINVAL;
	/* An access that runs past its range is cut at the range's end. */
	count = min_t(size_t, count, range->end - pos);

	/* The hot path (single register accesses) needs no allocation. */
	if (count <= sizeof(small)) {
		ret = vfio_pci_vga_chunk(vpdev, range, pos, buf, &small,
					 count, write);
		return ret ? ret : count;
	}

	bounce = kmalloc(min_t(size_t, count, VFIO_PCI_VGA_CHUNK), GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	while (done < count) {
		size_t len = min_t(size_t, count - done, VFIO_PCI_VGA_CHUNK);

		ret = vfio_pci_vga_chunk(vpdev, range, pos + done,
					 buf + done, bounce, len, write);
		if (ret)
			break;
		done += len;
		/* Let other arbiter users in; stop early on a fatal signal. */
		if (done < count) {
			if (fatal_signal_pending(current))
				break;
			cond_resched();
		}
	}
	kfree(bounce);
	return done ? done : ret;
}

static int vfio_pci_vga_info(struct vfio_pci_dev *vpdev, unsigned int index,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	if (!vpdev->has_vga)
		return -EINVAL;
	info->size = VGA_MEM_END;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	return 0;
}

const struct vfio_pci_region_ops vfio_pci_vga_region_ops = {
	.info	= vfio_pci_vga_info,
	.rw	= vfio_pci_vga_rw,
	.rw_resumes = true,
};

/*
 * The arbiter asks which resources the card decodes.  @single is true when
 * it is the only VGA device in the system.  An assigned card needs its
 * legacy ranges only while the VGA region is being accessed, and then the
 * arbiter routes them to it; otherwise it tells the arbiter it does not
 * decode them.  The arbiter then counts one legacy decoder less, never
 * turns off the card's memory and I/O decode (the guest's BARs) to route
 * legacy cycles elsewhere, and uses the bridges' VGA enables instead.
 * That holds only where a bridge can route: a card on a root bus has none
 * above it, its own enables are its routing, and it stays a legacy decoder,
 * so that the arbiter turns them off when it routes elsewhere.  The boot
 * device keeps its legacy decode too: the host's console is there.
 */
static unsigned int vfio_pci_vga_set_decode(struct pci_dev *pdev, bool single)
{
	unsigned int decodes = VGA_RSRC_NORMAL_IO | VGA_RSRC_NORMAL_MEM;

	if (single || pdev == vga_default_device() || pci_is_root_bus(pdev->bus))
		decodes |= VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM;
	return decodes;
}

/* Whether @dev sits on the secondary bus of @bridge or further down. */
static bool vfio_pci_vga_below(struct pci_dev *dev, struct pci_dev *bridge)
{
	for (; dev; dev = dev->bus->self)
		if (dev->bus->self == bridge)
			return true;
	return false;
}

/* @bridge forwards legacy VGA cycles: some card below it owns the routing. */
static bool vfio_pci_vga_forwarded(struct pci_dev *bridge)
{
	u16 ctl;

	pci_read_config_word(bridge, PCI_BRIDGE_CONTROL, &ctl);
	return ctl & PCI_BRIDGE_CTL_VGA;
}

/* Wait condition: the hold taken (*@held), or @bridge forwarding no more. */
static bool vfio_pci_vga_held_or_gone(struct pci_dev *bridge, bool *held)
{
	*held = mutex_trylock(&vfio_pci_vga_hold);
	return *held || !vfio_pci_vga_forwarded(bridge);
}

/*
 * vfio_pci_vga_get() of @boot's legacy resources for a hand-back of the
 * routing from the card below @bridge, whose accesses the caller keeps
 * out.  The wait also ends, with nothing taken, once @bridge stops
 * forwarding: another user's access has moved the routing away, which is
 * all the hand-back is for.  The routing then stays with that user's card
 * instead of going on to the boot card, and the wait does not depend on
 * that user ever leaving the hold free (see vfio_pci_vga_hold).
 *
 * Return: 0 with the hold and the arbiter taken, 1 when @bridge forwards
 * no more (nothing taken), or -ERESTARTSYS or vga_get_interruptible()'s
 * -errno.
 */
static int vfio_pci_vga_get_unless_gone(struct pci_dev *boot, struct pci_dev *bridge)
{
	bool held = false;
	int ret;

	ret = wait_event_interruptible(vfio_pci_vga_hold_wq,
				       vfio_pci_vga_held_or_gone(bridge, &held));
	if (ret)
		return ret;
	if (!held)
		return 1;
	/* The trylock won before the bridge was looked at. */
	if (!vfio_pci_vga_forwarded(bridge)) {
		vfio_pci_vga_hold_release();
		return 1;
	}
	return vfio_pci_vga_get_held(boot, VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM);
}

/**
 * vfio_pci_vga_decode_get - hold the routing while the boot card's enables change
 * @vpdev: the device
 * @held: set to the device whose legacy resources are held, or NULL
 *
 * The boot card (the arbiter's default device, on the root bus in most
 * machines) is routed by its own I/O and memory enables, so enabling it,
 * resetting it, restoring its config state or a user's command register
 * write change legacy routing.  For the boot card this holds the
 * arbiter's legacy resources around such changes (the routing is then
 * with the boot card, the arbiter's default owner); the arbiter's books
 * match the hardware afterwards.  Any other card's enables are not
 * routing (see vfio_pci_vga_set_decode()) and nothing is taken.  The wait
 * is interruptible.
 *
 * Return: 0 (then see *@held), or -ERESTARTSYS on a signal.
 */
int vfio_pci_vga_decode_get(struct vfio_pci_dev *vpdev, struct pci_dev **held)
{
	int ret;

	*held = NULL;
	if (!vfio_pci_vga_is_boot(vpdev))
		return 0;
	ret = vfio_pci_vga_get(vpdev->pdev, VGA_RSRC_LEGACY_IO |
			       VGA_RSRC_LEGACY_MEM);
	/* A card the arbiter no longer manages routes nothing. */
	if (ret == -ENODEV)
		return 0;
	if (!ret)
		*held = vpdev->pdev;
	return ret;
}

/**
 * vfio_pci_vga_decode_put - release what vfio_pci_vga_decode_get() held
 * @held: its *@held (NULL: nothing)
 */
void vfio_pci_vga_decode_put(struct pci_dev *held)
{
	if (held)
		vfio_pci_vga_put(held, VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM);
}

/**
 * vfio_pci_vga_route_begin - keep a reset or decode change from moving routing
 * @vpdev: the device about to be enabled, reset or restored
 * @held: set to the device whose legacy resources stay held, or NULL
 *
 * Enabling a device, resetting it and restoring its config state rewrite
 * its I/O and memory enables, and a slot or bus reset (also what a
 * function reset may use) rewrites the control register of the bridge
 * above it from a copy read before the reset's delay: either can change
 * legacy routing behind the arbiter.  The routing only moves toward a
 * card for an access to its VGA region; here it can only go back to the
 * host's boot card, and only from a card that holds it:
 *
 * - The boot card itself: as vfio_pci_vga_decode_get(), held until
 *   vfio_pci_vga_route_end().
 * - Another card whose bridge forwards legacy VGA, that is, which owns
 *   the routing since its user's last region access: the routing is
 *   handed back to the boot card (one get and put, no hold), so that the
 *   bridge's VGA enable is clear before the change, and only this card's
 *   region accesses could set it again; the caller keeps them out
 *   (vfio_pci_vga_block()).  When another card's access moves
 *   the routing away while this waits for the arbiter, nothing more is
 *   needed and the routing stays with that card.  When the boot card is
 *   below that bridge too (a reset would reset it as well), it stays
 *   held.
 * - Otherwise nothing: no routing can change.
 *
 * Return: 0 (then see *@held), or -ERESTARTSYS on a signal while waiting
 * for the arbiter.
 */
int vfio_pci_vga_route_begin(struct vfio_pci_dev *vpdev, struct pci_dev **held)
{
	struct pci_dev *pdev = vpdev->pdev, *boot = vga_default_device();
	struct pci_dev *bridge = pdev->bus->self;
	bool keep = true;
	int ret;

	*held = NULL;
	if (vfio_pci_vga_is_boot(vpdev)) {
		boot = pdev;
	} else {
		if (!vpdev->has_vga || !boot || !bridge ||
		    !vfio_pci_vga_forwarded(bridge))
			return 0;
		keep = vfio_pci_vga_below(boot, bridge);
	}
	if (keep)
		ret = vfio_pci_vga_get(boot, VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM);
	else
		ret = vfio_pci_vga_get_unless_gone(boot, bridge);
	/*
	 * A default device the arbiter does not manage routes nothing (and
	 * 1: the routing left the card meanwhile).
	 */
	if (ret == -ENODEV || ret == 1)
		return 0;
	if (ret)
		return ret;
	if (keep)
		*held = boot;
	else
		vfio_pci_vga_put(boot, VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM);
	return 0;
}

/**
 * vfio_pci_vga_route_end - release what vfio_pci_vga_route_begin() held
 * @held: its *@held (NULL: nothing)
 */
void vfio_pci_vga_route_end(struct pci_dev *held)
{
	if (held)
		vfio_pci_vga_put(held, VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM);
}

static bool vfio_pci_is_display(struct pci_dev *pdev)
{
	return (pdev->class >> 16) == PCI_BASE_CLASS_DISPLAY;
}

/**
 * vfio_pci_vga_probe - prepare a display device for userspace
 * @vpdev: the device, being bound
 *
 * Removes the firmware framebuffers (efifb, vesafb, simplefb/simpledrm)
 * that sit on this card's apertures, and, when it is the boot device, the
 * VGA text console, so that the BARs can be handed over.  Framebuffers of
 * other cards are left alone.  A VGA card then becomes an arbiter client.
 *
 * Return: 0 or -errno.
 */
int vfio_pci_vga_probe(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	int ret;

	if (!vfio_pci_is_display(pdev))
		return 0;

	ret = aperture_remove_conflicting_pci_devices(pdev, "vfio-pci");
	if (ret)
		return ret;

	if (!vpdev->has_vga)
		return 0;

	if (vga_client_register(pdev, vfio_pci_vga_set_decode)) {
		/* The arbiter cannot route to a card it does not know. */
		pci_info(pdev, "not managed by the VGA arbiter: no VGA region\n");
		vpdev->has_vga = false;
		return 0;
	}
	vga_set_legacy_decoding(pdev, vfio_pci_vga_set_decode(pdev, false));
	return 0;
}

/**
 * vfio_pci_vga_remove - undo vfio_pci_vga_probe()'s arbiter registration
 * @vpdev: the device, being unbound
 *
 * The card is handed back decoding its legacy ranges, as it came.
 */
void vfio_pci_vga_remove(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;

	if (!vpdev->has_vga)
		return;
	vga_client_unregister(pdev);
	vga_set_legacy_decoding(pdev, VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM |
				      VGA_RSRC_NORMAL_IO | VGA_RSRC_NORMAL_MEM);
}

/**
 * vfio_pci_vga_init - map the legacy window and ports, once
 *
 * Return: 0 or -ENOMEM.
 */
int __init vfio_pci_vga_init(void)
{
	vfio_pci_vga_mem = ioremap(VGA_MEM_START, VGA_MEM_END - VGA_MEM_START);
	if (!vfio_pci_vga_mem)
		return -ENOMEM;
	vfio_pci_vga_io = ioport_map(VGA_IO_START, VGA_IO_END - VGA_IO_START);
	if (!vfio_pci_vga_io) {
		iounmap(vfio_pci_vga_mem);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vfio_pci_vga_exit - unmap what vfio_pci_vga_init() mapped
 */
void vfio_pci_vga_exit(void)
{
	ioport_unmap(vfio_pci_vga_io);
	iounmap(vfio_pci_vga_mem);
}
