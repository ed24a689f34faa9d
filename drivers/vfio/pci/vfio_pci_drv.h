/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci (vfio-vga): what the driver's files share.
 *
 * Layering: vfio_pci_main.c (PCI driver, lifecycle, ioctl dispatch) sits on
 * top and calls into the region files (config, BAR, ROM, VGA) and the
 * interrupt file.  Those never call back up; what they share lives in
 * struct vfio_pci_dev and in the small helpers below.
 */
#ifndef VFIO_PCI_DRV_H
#define VFIO_PCI_DRV_H

#include <linux/irqbypass.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pgtable.h>
#include <linux/rwsem.h>
#include <linux/seqlock.h>
#include <linux/uaccess.h>
#include <linux/spinlock.h>
#include <linux/uuid.h>
#include <linux/vfio.h>
#include <linux/vgaarb.h>

#include "vfio_pci_compat.h"

struct eventfd_ctx;
struct virqfd;

/*
 * A region's file offset carries its index in the bits above
 * VFIO_PCI_INDEX_SHIFT.  VMMs take the offset from GET_REGION_INFO, so the
 * split is ours to choose; 40 bits leaves room for any BAR.
 */
#define VFIO_PCI_INDEX_SHIFT		40
#define VFIO_PCI_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_PCI_INDEX_SHIFT)
#define VFIO_PCI_OFFSET_TO_INDEX(off)	((u64)(off) >> VFIO_PCI_INDEX_SHIFT)
#define VFIO_PCI_OFFSET_MASK		(VFIO_PCI_INDEX_TO_OFFSET(1) - 1)

/**
 * struct vfio_pci_params - module-wide policy, set at module load
 * @nointxmask: never use the PCI 2.3 INTx disable bit; INTx lines are then
 *	owned exclusively (no sharing with other devices)
 * @disable_vga: never offer the VGA region
 * @disable_idle_d3: keep idle devices in D0 instead of letting runtime PM
 *	put them into D3hot
 */
struct vfio_pci_params {
	bool nointxmask;
	bool disable_vga;
	bool disable_idle_d3;
};

extern struct vfio_pci_params vfio_pci_params;

struct vfio_pci_cfg;

/**
 * struct vfio_pci_sriov - SR-IOV state of a device bound to vfio-pci
 * @lock: protects every field but @vfs_enabled; see vfio_pci_sriov.c for
 *	nesting
 * @token: on a PF, the VF token, random until the PF's user sets it
 * @vf_users: on a PF, how many of its VFs are open through vfio-pci
 * @vfs_enabled: on a PF, its VFs were created by us (sriov_configure); a
 *	runtime PM reference keeps the PF in D0 meanwhile.  Under the PF's
 *	device lock.
 * @ticket_pid: the task (global PID) whose VFIO_GROUP_GET_DEVICE_FD or
 *	VFIO_DEVICE_BIND_IOMMUFD presented the right token last, 0 for none;
 *	its own open_device() consumes it (vfio_pci_sriov_open()), no other
 * @ticket_start: that task's start time, so that a reused PID is no match
 */
struct vfio_pci_sriov {
	struct mutex lock;		/* see above */
	uuid_t token;
	unsigned int vf_users;
	bool vfs_enabled;
	pid_t ticket_pid;
	u64 ticket_start;
};

/**
 * struct vfio_pci_vector - one MSI or MSI-X vector
 * @trigger: the eventfd the vector's interrupts signal; NULL while the
 *	user has not attached one (the handler is then not installed)
 * @producer: the vector as an irq-bypass producer (keyed by @trigger), so
 *	that KVM can post it straight into a guest
 * @irq: its Linux interrupt number; 0 while no vector is allocated
 * @used: a handler was installed once; the message in the hardware table
 *	is rewritten before the next one
 * @name: the handler's name in /proc/interrupts
 */
struct vfio_pci_vector {
	struct eventfd_ctx *trigger;
	struct irq_bypass_producer producer;
	int irq;
	bool used;
	char *name;
};

/**
 * struct vfio_pci_irq_state - the device's interrupts as the user set them
 * @lock: serialises interrupt configuration (VFIO_DEVICE_SET_IRQS, the
 *	request and error callbacks, release at close) and protects every
 *	other field but the INTx mask state.  Nesting: taken inside the VFIO
 *	core's dev_set->lock (held around close_device) and the VGA
 *	arbiter's hold (a config write of PCI_COMMAND takes it after
 *	vfio_pci_vga_decode_get()), and outside memory_lock and @intx_lock;
 *	never taken while memory_lock is held.
 * @type: the index in use, VFIO_PCI_INTX/MSI/MSIX_IRQ_INDEX, or
 *	VFIO_PCI_NUM_IRQS when none is (only one at a time)
 * @intx_lock: protects @intx_masked and @intx_trigger against the hard
 *	interrupt handler and the unmask eventfd (both run in atomic
 *	context); innermost lock, irqs off
 * @intx_masked: INTx is masked, in the hardware's INTx disable bit or,
 *	with @intx_exclusive, at the interrupt controller
 * @intx_exclusive: the line is owned exclusively and masked with
 *	disable_irq_nosync() (nointxmask, or no PCI 2.3 INTx masking)
 * @intx_virt_disabled: the user's virtual INTx Disable bit is set: INTx
 *	stays masked whatever unmasks it.  Written under @lock and
 *	@intx_lock (cleared at open), read under either.
 * @intx_trigger: INTx's eventfd
 * @intx_unmask: the unmask eventfd (the VFIO core's virqfd), or NULL
 * @intx_name: INTx's handler name in /proc/interrupts
 * @vectors: with MSI or MSI-X in use, one entry per vector of the index
 * @nvec: the number of entries in @vectors: the index's vector count as
 *	read from the device when the index was enabled.  Every later vector
 *	number is bounded by it, never by a new reading (the device can
 *	resize its MSI-X table at a reset, and reads all-ones during one).
 * @err_trigger: the ERR eventfd, signalled by AER's error_detected
 * @req_trigger: the REQ eventfd, signalled when the host wants the
 *	device back
 */
struct vfio_pci_irq_state {
	struct mutex lock;		/* configuration; see above */
	unsigned int type;
	spinlock_t intx_lock;		/* INTx mask state; see above */
	bool intx_masked;
	bool intx_exclusive;
	bool intx_virt_disabled;
	struct eventfd_ctx *intx_trigger;
	struct virqfd *intx_unmask;
	char *intx_name;
	struct vfio_pci_vector *vectors;
	unsigned int nvec;
	struct eventfd_ctx *err_trigger;
	struct eventfd_ctx *req_trigger;
};

/**
 * struct vfio_pci_bar_mapping - a user's BAR mapping, tracked by the driver
 * @node: in vfio_pci_dev.mmaps
 * @vma: the mapping
 * @zap: the number of the last zap that reached it (0: none yet)
 *
 * Where the VFIO core has no inode of the device (6.1), the device's files
 * share the system's anonymous inode, whose address_space holds every
 * anonymous file's mappings: it cannot zap ours alone.  The driver then
 * keeps its own list, one entry per VMA from mmap (or a VMA's split, copy
 * or fork: the open op) to its close op.
 */
struct vfio_pci_bar_mapping {
	struct list_head node;
	struct vm_area_struct *vma;
	u64 zap;
};

/**
 * struct vfio_pci_dev - one PCI function bound to vfio-pci
 * @vdev: the VFIO core's device; its dev_set lock (dev_set->lock) is held
 *	by the core around open_device() and close_device()
 * @pdev: the PCI function
 * @has_vga: the VGA region is offered (pci_is_vga() and not disable_vga);
 *	constant after probe
 * @vga_blocked: the device's VGA region accesses are kept out, by how
 *	many holders (vfio_pci_vga_block(): resets of the device, a low
 *	power entry), which so wait for accesses in flight and keep new ones
 *	waiting: no routing to the device can begin while a reset rewrites
 *	its bridge's control register.  No lock: raised, then a full barrier
 *	and a look at the arbiter mutex's holder; lowered with release
 *	ordering.  Each access looks at it under that mutex (vfio_pci_vga.c).
 *	Raised before the arbiter and @memory_lock are taken.
 * @reset_works: a function reset worked at open; reported as
 *	VFIO_DEVICE_FLAGS_RESET.  Written under dev_set->lock.
 * @needs_reset: opened since the device was last reset with its set, and
 *	not reset on its own at its close: the set is reset when its last
 *	device is closed.  Under dev_set->lock.
 * @saved_state: config state as found at open, restored at close.
 *	Written under dev_set->lock.
 * @nosnoop_deny: the device's Enable No Snoop is held clear while it is
 *	open (the nosnoop= policy taken at open); written at open under
 *	dev_set->lock
 * @nosnoop_logged: the policy was logged since the bind (later opens log
 *	it at debug level); written at open under dev_set->lock
 * @memory_lock: the memory-enable lock.  Held for read by everything that
 *	touches the BARs or ROM through the hardware (BAR read/write, the
 *	mmap fault handler, ioeventfd writes), held for write by everything
 *	that changes whether the device decodes memory (config writes,
 *	vfio_pci_mem_lock_and_enable(), reset), always through
 *	vfio_pci_memory_write_lock().  Config reads take it for read only
 *	when they overlapped a write hold (@memory_seq).  Protects
 *	@mem_enabled, @msix_table_end and the PCI_COMMAND_MEMORY bit of the
 *	hardware.  Nesting: taken inside
 *	mmap_lock (the fault handler runs under it) and outside the
 *	mapping's i_mmap_rwsem (zapping runs under it) and inside irq.lock
 *	(MSI-X enable forces memory decode on under it); never held across
 *	a user copy.  Where the driver tracks its mappings (@mmaps), the
 *	zap takes each mm's mmap_lock under it instead, and the fault
 *	handler only tries it under mmap_lock.
 * @memory_seq: counts the write holds of @memory_lock: odd while one
 *	lasts, moved on at both its ends (vfio_pci_memory_write_lock()).
 *	Written under @memory_lock for write; read without any lock by
 *	config reads, which take @memory_lock for read when it was odd or
 *	moved (vfio_pci_cfg_read_piece()).
 * @mem_enabled: the device decodes its memory BARs as the user set it
 *	(PCI_COMMAND_MEMORY); when false, BAR access fails and mmap faults
 *	raise SIGBUS.  Protected by @memory_lock.
 * @vf_memory: for an SR-IOV VF, the user's virtual Memory Space Enable,
 *	which @mem_enabled follows.  Protected by @memory_lock.
 * @cfg: config-space virtualization state (vfio_pci_cfg.c); set up at
 *	open, freed at close, under dev_set->lock.  Its contents are
 *	written under @memory_lock for write; config reads read them under
 *	@memory_seq, or @memory_lock for read.
 * @barmap: kernel mappings of the BARs, set up at open and torn down at
 *	close (under dev_set->lock); NULL for an absent or unclaimable BAR
 * @msix_bar: the BAR holding the MSI-X table, or PCI_STD_NUM_BARS for
 *	none; with @msix_table_start and @msix_table_end (the table's byte
 *	range, clamped to the BAR) and @msix_table_reg read once at open
 *	under dev_set->lock.  Only @msix_table_end changes while the device
 *	is open: it grows when an MSI-X enable finds a larger table
 *	(vfio_pci_msix_table_cover()), under @memory_lock for write, and the
 *	paths that touch the BAR ask vfio_pci_bar_reach() again under
 *	@memory_lock.  Only vfio_pci_bar.c looks at them.
 * @msix_table_start: see @msix_bar
 * @msix_table_end: see @msix_bar
 * @msix_table_reg: the MSI-X Table Offset/BIR register as read at open; an
 *	MSI-X enable that finds another value is refused
 * @rom_lock: serializes ROM region reads, which keep the ROM mapped (and
 *	its ROM BAR enabled) across several memory_lock holds; taken outside
 *	the VGA arbiter and memory_lock, may be held across user copies
 * @ioeventfds_lock: protects @ioeventfds and @ioeventfds_nr; nests
 *	outside @memory_lock
 * @ioeventfds: registered VFIO_DEVICE_IOEVENTFD entries
 * @ioeventfds_nr: how many entries @ioeventfds holds
 * @irq: interrupt state (vfio_pci_irq.c, vfio_pci_intx.c, vfio_pci_msi.c)
 * @mmaps_lock: protects @mmaps and @mmaps_zap; taken inside mmap_lock (the
 *	VMA ops run under it) and inside @memory_lock, never held while
 *	waiting for an mmap_lock
 * @mmaps: the user's BAR mappings (struct vfio_pci_bar_mapping),
 *	tracked where the VFIO core has no inode of the device to zap them
 *	through (vfio_pci_core_mapping() NULL: 6.1); empty otherwise
 * @mmaps_zap: the number of the last zap of @mmaps, from 1
 * @pm_low_power: the user asked for a low power state
 *	(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY*) and our runtime PM reference
 *	is given up; BAR mappings fault with SIGBUS.  Under @memory_lock;
 *	with @has_vga, set only while @vga_blocked is raised too, so that a
 *	VGA region access, which finds the device unblocked, needs a runtime
 *	PM reference of its own only when it reads true.
 * @pm_wake: the one-shot wakeup eventfd of the entry, or NULL.  Under
 *	@memory_lock.
 * @pm_intx_masked: INTx was masked by the runtime suspend; written by the
 *	runtime PM callbacks, which the PM core serialises, and cleared at
 *	open (under our runtime PM reference, no callback runs)
 * @sriov: SR-IOV state, for a PF (vfio_pci_sriov.c)
 * @sriov_pf: for a VF whose PF was bound to vfio-pci when the VF was, that
 *	PF, which stays bound at least as long; NULL otherwise.  Constant
 *	after probe.
 */
struct vfio_pci_dev {
	struct vfio_device vdev;
	struct pci_dev *pdev;
	bool has_vga;
	atomic_t vga_blocked;
	bool reset_works;
	bool needs_reset;
	struct pci_saved_state *saved_state;
	bool nosnoop_deny;
	bool nosnoop_logged;

	/* device access: the bottom layer, config, BARs, ROM */
	struct rw_semaphore memory_lock;
	seqcount_t memory_seq;
	bool mem_enabled;
	bool vf_memory;
	struct vfio_pci_cfg *cfg;
	void __iomem *barmap[PCI_STD_NUM_BARS];
	unsigned int msix_bar;
	u64 msix_table_start;
	u64 msix_table_end;
	u32 msix_table_reg;
	/* serializes ROM reads; outside the arbiter and memory_lock */
	struct mutex rom_lock;
	/* protects ioeventfds and ioeventfds_nr; outside memory_lock */
	struct mutex ioeventfds_lock;
	struct list_head ioeventfds;
	unsigned int ioeventfds_nr;
	struct vfio_pci_irq_state irq;
	/* BAR mappings, where the core cannot zap them: inside memory_lock */
	struct mutex mmaps_lock;
	struct list_head mmaps;
	u64 mmaps_zap;

	/* power and SR-IOV */
	bool pm_low_power;
	struct eventfd_ctx *pm_wake;
	bool pm_intx_masked;
	struct vfio_pci_sriov sriov;
	struct vfio_pci_dev *sriov_pf;
};

/**
 * vfio_pci_copy_arg - copy in the fixed part of an ioctl's argument
 * @dst: where to (every VFIO argument structure starts with __u32 argsz)
 * @arg: the user's argument
 * @minsz: size of the fixed part
 *
 * The one place where an ioctl's argsz is checked against its fixed part.
 *
 * Return: 0; -EFAULT when @arg is not readable; -EINVAL when the user's
 * argsz does not cover the fixed part.
 */
static inline int vfio_pci_copy_arg(void *dst, const void __user *arg,
				    size_t minsz)
{
	if (copy_from_user(dst, arg, minsz))
		return -EFAULT;
	return *(u32 *)dst < minsz ? -EINVAL : 0;
}

/*
 * copy_from_user() (@from_user) or copy_to_user() of a region access's
 * bytes between @kbuf and @ubuf, with the length known at build time for
 * the widths of register accesses (1, 2, 4, 8): such a copy skips the
 * run-time check of the kernel object that a copy of a variable length
 * makes, a sizable part of the cost of an access of a few bytes.
 * 0 or -EFAULT.
 */
static inline int vfio_pci_copy_piece(void *kbuf, void __user *ubuf,
				      size_t len, bool from_user)
{
	unsigned long left;

	switch (len) {
	case 8:
		left = from_user ? copy_from_user(kbuf, ubuf, 8) :
				   copy_to_user(ubuf, kbuf, 8);
		break;
	case 4:
		left = from_user ? copy_from_user(kbuf, ubuf, 4) :
				   copy_to_user(ubuf, kbuf, 4);
		break;
	case 2:
		left = from_user ? copy_from_user(kbuf, ubuf, 2) :
				   copy_to_user(ubuf, kbuf, 2);
		break;
	case 1:
		left = from_user ? copy_from_user(kbuf, ubuf, 1) :
				   copy_to_user(ubuf, kbuf, 1);
		break;
	default:
		left = from_user ? copy_from_user(kbuf, ubuf, len) :
				   copy_to_user(ubuf, kbuf, len);
		break;
	}
	return left ? -EFAULT : 0;
}

static inline struct vfio_pci_dev *to_vfio_pci_dev(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_pci_dev, vdev);
}

/* Our vfio_device_ops: what tells our devices from other drivers'. */
extern const struct vfio_device_ops vfio_pci_ops;

/**
 * vfio_pci_set_member - one of ours among the members of a device set
 * @vdev: a member of a VFIO device set
 *
 * A device set is keyed by the slot or bus it resets, so a device bound
 * to another VFIO PCI driver on the same slot or bus (a vfio-pci-core
 * variant driver) is a member too; its container is not a struct
 * vfio_pci_dev.
 *
 * Return: the device, or NULL when @vdev belongs to another driver.
 */
static inline struct vfio_pci_dev *vfio_pci_set_member(struct vfio_device *vdev)
{
	return vdev->ops == &vfio_pci_ops ? to_vfio_pci_dev(vdev) : NULL;
}

/* INTx is masked with PCI_COMMAND_INTX_DISABLE (and so can be shared). */
static inline bool vfio_pci_intx_maskable(struct pci_dev *pdev)
{
	return !vfio_pci_params.nointxmask && pci_intx_mask_supported(pdev);
}

/**
 * struct vfio_pci_region_ops - one kind of region
 * @info: fill @info (size, flags; offset is set by the caller) and add
 *	capabilities to @caps; return 0 or -errno
 * @rw: read or write @count bytes at @pos within the region; return the
 *	byte count moved or -errno
 * @mmap: map the region into @vma (offset already made region-relative);
 *	NULL when the region is never mappable
 * @rw_resumes: @rw takes care of the device's runtime PM itself; otherwise
 *	the caller holds a runtime PM reference around it (vfio_pci_pm.c)
 */
struct vfio_pci_region_ops {
	int (*info)(struct vfio_pci_dev *vpdev, unsigned int index,
		    struct vfio_region_info *info, struct vfio_info_cap *caps);
	ssize_t (*rw)(struct vfio_pci_dev *vpdev, unsigned int index,
		      char __user *buf, size_t count, loff_t pos, bool write);
	int (*mmap)(struct vfio_pci_dev *vpdev, unsigned int index,
		    struct vm_area_struct *vma);
	bool rw_resumes;
};

/* vfio_pci_dev.c: the shared device state at the bottom */
void vfio_pci_dev_init(struct vfio_pci_dev *vpdev);
void vfio_pci_dev_release(struct vfio_pci_dev *vpdev);
void vfio_pci_memory_write_lock(struct vfio_pci_dev *vpdev);
void vfio_pci_memory_write_lock_nest(struct vfio_pci_dev *vpdev,
				     struct vfio_device_set *dev_set);
void vfio_pci_memory_write_unlock(struct vfio_pci_dev *vpdev);
u16 vfio_pci_mem_lock_and_enable(struct vfio_pci_dev *vpdev);
void vfio_pci_mem_unlock_and_restore(struct vfio_pci_dev *vpdev, u16 cmd);
void __vfio_pci_memory_sync(struct vfio_pci_dev *vpdev);
void vfio_pci_memory_sync(struct vfio_pci_dev *vpdev);
void __vfio_pci_zap_bars(struct vfio_pci_dev *vpdev);
int vfio_pci_fill_user(char __user *buf, size_t len);

/* vfio_pci_cfg.c */
extern const struct vfio_pci_region_ops vfio_pci_cfg_region_ops;
int vfio_pci_cfg_init(struct vfio_pci_dev *vpdev);
void vfio_pci_cfg_release(struct vfio_pci_dev *vpdev);
void vfio_pci_cfg_passthrough(struct vfio_pci_dev *vpdev, unsigned int pos,
			      unsigned int len, u32 mask);

/* vfio_pci_nosnoop.c: the nosnoop= policy, applied at open and after resets */
void vfio_pci_nosnoop_open(struct vfio_pci_dev *vpdev);
void vfio_pci_nosnoop_reapply(struct vfio_pci_dev *vpdev);

/* vfio_pci_bar.c */
extern const struct vfio_pci_region_ops vfio_pci_bar_region_ops;

/**
 * enum vfio_pci_reach_grain - how finely a path can leave a range out
 * @VFIO_PCI_REACH_BYTES: read/write and ioeventfd: byte ranges
 * @VFIO_PCI_REACH_PAGES: mmap and its sparse-mmap capability: pages
 */
enum vfio_pci_reach_grain {
	VFIO_PCI_REACH_BYTES,
	VFIO_PCI_REACH_PAGES,
};

u64 vfio_pci_bar_reach(struct vfio_pci_dev *vpdev, unsigned int bar, u64 pos,
		       u64 len, enum vfio_pci_reach_grain grain, bool *hole);
void vfio_pci_bar_init(struct vfio_pci_dev *vpdev);
int vfio_pci_msix_table_cover(struct vfio_pci_dev *vpdev, unsigned int entries);
void vfio_pci_bar_release(struct vfio_pci_dev *vpdev);
int vfio_pci_bar_ioeventfd(struct vfio_pci_dev *vpdev, u64 offset, u64 data,
			   unsigned int width, int fd);
void vfio_pci_bar_ioeventfd_release(struct vfio_pci_dev *vpdev);

/**
 * vfio_pci_pfnmap_order - can the kernel map a BAR with entries of @order?
 * @order: a page table order: 0, PMD_ORDER or PUD_ORDER
 *
 * Pages always; PMD and PUD leaves where the architecture maps PFNs with
 * them (CONFIG_ARCH_SUPPORTS_PMD_PFNMAP, CONFIG_ARCH_SUPPORTS_PUD_PFNMAP:
 * transparent huge pages, which PREEMPT_RT lacks).  A constant for each
 * order, so that the huge inserts compile out where the kernel has none.
 *
 * Return: true when a mapping may hold entries of @order.
 */
static inline bool vfio_pci_pfnmap_order(unsigned int order)
{
	if (!order)
		return true;
	if (order == PMD_ORDER)
		return IS_ENABLED(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP);
	if (order == PUD_ORDER)
		return IS_ENABLED(CONFIG_ARCH_SUPPORTS_PUD_PFNMAP);
	return false;
}

/* vfio_pci_rom.c */
extern const struct vfio_pci_region_ops vfio_pci_rom_region_ops;

/* vfio_pci_reset.c */
int vfio_pci_reset_assign_set(struct vfio_pci_dev *vpdev);
int vfio_pci_reset_function(struct vfio_pci_dev *vpdev);
int vfio_pci_ioctl_hot_reset_info(struct vfio_pci_dev *vpdev,
				  struct vfio_pci_hot_reset_info __user *arg);
int vfio_pci_ioctl_hot_reset(struct vfio_pci_dev *vpdev,
			     struct vfio_pci_hot_reset __user *arg);
void vfio_pci_reset_set_on_last_close(struct vfio_pci_dev *vpdev);

/* vfio_pci_pm.c */
extern const struct dev_pm_ops vfio_pci_pm_ops;
int vfio_pci_pm_feature(struct vfio_pci_dev *vpdev, u32 flags,
			void __user *arg, size_t argsz);
void vfio_pci_pm_close(struct vfio_pci_dev *vpdev);
int vfio_pci_pm_get_set(struct vfio_device_set *dev_set);
void vfio_pci_pm_put_set(struct vfio_device_set *dev_set);

/* vfio_pci_sriov.c */
int vfio_pci_sriov_init(struct pci_driver *driver);
void vfio_pci_sriov_exit(void);
void vfio_pci_sriov_probe(struct vfio_pci_dev *vpdev);
void vfio_pci_sriov_remove(struct vfio_pci_dev *vpdev);
int vfio_pci_sriov_configure(struct pci_dev *pdev, int nr_virtfn);
int vfio_pci_sriov_feature_token(struct vfio_pci_dev *vpdev, u32 flags,
				 void __user *arg, size_t argsz);
int vfio_pci_sriov_match(struct vfio_pci_dev *vpdev, char *buf);
int vfio_pci_sriov_match_token(struct vfio_pci_dev *vpdev, const uuid_t *token);
int vfio_pci_sriov_open(struct vfio_pci_dev *vpdev);
void vfio_pci_sriov_close(struct vfio_pci_dev *vpdev);

/* vfio_pci_vga.c */
#ifdef CONFIG_VFIO_PCI_VGA
extern const struct vfio_pci_region_ops vfio_pci_vga_region_ops;
int vfio_pci_vga_probe(struct vfio_pci_dev *vpdev);
void vfio_pci_vga_remove(struct vfio_pci_dev *vpdev);
int vfio_pci_vga_decode_get(struct vfio_pci_dev *vpdev, struct pci_dev **held);
void vfio_pci_vga_decode_put(struct pci_dev *held);
int vfio_pci_vga_normal_mem_get(struct pci_dev *pdev);
void vfio_pci_vga_normal_mem_put(struct pci_dev *pdev);
int vfio_pci_vga_route_begin(struct vfio_pci_dev *vpdev, struct pci_dev **held);
void vfio_pci_vga_route_end(struct pci_dev *held);
int vfio_pci_vga_block(struct vfio_pci_dev *vpdev);
void vfio_pci_vga_unblock(struct vfio_pci_dev *vpdev);
int vfio_pci_vga_init(void);
void vfio_pci_vga_exit(void);

static inline const struct vfio_pci_region_ops *vfio_pci_vga_region(void)
{
	return &vfio_pci_vga_region_ops;
}
#else
static inline int vfio_pci_vga_probe(struct vfio_pci_dev *vpdev)
{
	return 0;
}

static inline void vfio_pci_vga_remove(struct vfio_pci_dev *vpdev)
{
}

static inline int vfio_pci_vga_decode_get(struct vfio_pci_dev *vpdev,
					  struct pci_dev **held)
{
	*held = NULL;
	return 0;
}

static inline void vfio_pci_vga_decode_put(struct pci_dev *held)
{
}

/* Without the VGA region no other path of ours takes the arbiter. */
static inline int vfio_pci_vga_normal_mem_get(struct pci_dev *pdev)
{
	return vga_get_interruptible(pdev, VGA_RSRC_NORMAL_MEM);
}

static inline void vfio_pci_vga_normal_mem_put(struct pci_dev *pdev)
{
	vga_put(pdev, VGA_RSRC_NORMAL_MEM);
}

static inline int vfio_pci_vga_route_begin(struct vfio_pci_dev *vpdev,
					   struct pci_dev **held)
{
	*held = NULL;
	return 0;
}

static inline void vfio_pci_vga_route_end(struct pci_dev *held)
{
}

static inline int vfio_pci_vga_block(struct vfio_pci_dev *vpdev)
{
	return 0;
}

static inline void vfio_pci_vga_unblock(struct vfio_pci_dev *vpdev)
{
}

static inline int vfio_pci_vga_init(void)
{
	return 0;
}

static inline void vfio_pci_vga_exit(void)
{
}

static inline const struct vfio_pci_region_ops *vfio_pci_vga_region(void)
{
	return NULL;
}
#endif

/* vfio_pci_dev.c: the bottom layer */
u16 vfio_pci_mem_lock_and_enable(struct vfio_pci_dev *vpdev);
void vfio_pci_mem_unlock_and_restore(struct vfio_pci_dev *vpdev, u16 cmd);

/* vfio_pci_irq.c */
void vfio_pci_irq_init(struct vfio_pci_dev *vpdev);
void vfio_pci_irq_open(struct vfio_pci_dev *vpdev);
void vfio_pci_irq_release(struct vfio_pci_dev *vpdev);
int vfio_pci_irq_count(struct vfio_pci_dev *vpdev, unsigned int index);
int vfio_pci_irq_info(struct vfio_pci_dev *vpdev, struct vfio_irq_info *info);
int vfio_pci_set_irqs(struct vfio_pci_dev *vpdev, struct vfio_irq_set *hdr,
		      void *data);
void vfio_pci_irq_request(struct vfio_pci_dev *vpdev, unsigned int count);
void vfio_pci_irq_error(struct vfio_pci_dev *vpdev);

/* vfio_pci_intx.c */
int vfio_pci_intx_set(struct vfio_pci_dev *vpdev, struct vfio_irq_set *hdr,
		      void *data);
void vfio_pci_intx_disable(struct vfio_pci_dev *vpdev);
void vfio_pci_intx_virt_disable(struct vfio_pci_dev *vpdev, bool disable);
bool vfio_pci_intx_pm_mask(struct vfio_pci_dev *vpdev);
void vfio_pci_intx_pm_unmask(struct vfio_pci_dev *vpdev);

/* vfio_pci_msi.c */
unsigned int vfio_pci_msi_count(struct vfio_pci_dev *vpdev, unsigned int index);
int vfio_pci_msi_set(struct vfio_pci_dev *vpdev, struct vfio_irq_set *hdr,
		     void *data);
void vfio_pci_msi_disable(struct vfio_pci_dev *vpdev);

#endif /* VFIO_PCI_DRV_H */
