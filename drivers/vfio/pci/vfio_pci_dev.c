// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the shared device state at the bottom of the driver.
 *
 * Whether the device decodes memory is the one piece of state that the
 * config, BAR, ROM and interrupt code all depend on: a BAR access or an
 * mmap fault while the user has memory decode turned off must fail rather
 * than reach the bus (an access to a disabled BAR is an Unsupported Request,
 * which some platforms escalate to a machine check).  memory_lock serializes
 * the two sides; see struct vfio_pci_dev for what it protects.
 */

#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pci.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

#include "vfio_pci_drv.h"

/**
 * vfio_pci_dev_init - set up the shared state of a freshly allocated device
 * @vpdev: the device
 */
void vfio_pci_dev_init(struct vfio_pci_dev *vpdev)
{
	init_rwsem(&vpdev->memory_lock);
	seqcount_init(&vpdev->memory_seq);
	mutex_init(&vpdev->rom_lock);
	mutex_init(&vpdev->ioeventfds_lock);
	INIT_LIST_HEAD(&vpdev->ioeventfds);
	mutex_init(&vpdev->mmaps_lock);
	INIT_LIST_HEAD(&vpdev->mmaps);
	mutex_init(&vpdev->sriov.lock);
}

/**
 * vfio_pci_dev_release - undo vfio_pci_dev_init()
 * @vpdev: the device, about to be freed
 */
void vfio_pci_dev_release(struct vfio_pci_dev *vpdev)
{
	mutex_destroy(&vpdev->sriov.lock);
	/* Every mapping holds the device's file, hence its open. */
	WARN_ON(!list_empty(&vpdev->mmaps));
	mutex_destroy(&vpdev->mmaps_lock);
	mutex_destroy(&vpdev->ioeventfds_lock);
	mutex_destroy(&vpdev->rom_lock);
}

/* The mm of a tracked mapping that zap @zap has not reached, or NULL. */
static struct mm_struct *vfio_pci_next_mm(struct vfio_pci_dev *vpdev, u64 zap)
{
	struct vfio_pci_bar_mapping *m;

	lockdep_assert_held(&vpdev->mmaps_lock);
	list_for_each_entry(m, &vpdev->mmaps, node)
		if (m->zap != zap)
			return m->vma->vm_mm;
	return NULL;
}

/*
 * __vfio_pci_zap_tracked - unmap every tracked mapping of the BARs
 * @vpdev: the device; memory_lock held for write
 *
 * zap_special_vma_range() walks the page tables of a VMA, which only its
 * mm's mmap_lock keeps (munmap() frees them before the VMA's close op
 * runs), so the mappings are zapped mm by mm under that lock, taken for
 * read.  It is waited for without @mmaps_lock, which the VMA ops take
 * under it; the fault handler never waits for memory_lock under it
 * (vfio_pci_bar_fault_lock()).  A mapping added meanwhile is caught by
 * the loop: once memory_lock is held for write no fault fills one, so
 * only copies of a mapping not yet zapped can bring PTEs, and they are
 * tracked before they get them.
 */
static void __vfio_pci_zap_tracked(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_bar_mapping *m;
	struct mm_struct *mm;
	u64 zap;

	lockdep_assert_held_write(&vpdev->memory_lock);

	mutex_lock(&vpdev->mmaps_lock);
	zap = ++vpdev->mmaps_zap;
	while ((mm = vfio_pci_next_mm(vpdev, zap))) {
		mmgrab(mm);
		mutex_unlock(&vpdev->mmaps_lock);
		mmap_read_lock(mm);
		mutex_lock(&vpdev->mmaps_lock);
		list_for_each_entry(m, &vpdev->mmaps, node) {
			if (m->vma->vm_mm != mm)
				continue;
			zap_special_vma_range(m->vma, m->vma->vm_start,
					      m->vma->vm_end - m->vma->vm_start);
			m->zap = zap;
		}
		mutex_unlock(&vpdev->mmaps_lock);
		mmap_read_unlock(mm);
		mmdrop(mm);
		mutex_lock(&vpdev->mmaps_lock);
	}
	mutex_unlock(&vpdev->mmaps_lock);
}

/**
 * __vfio_pci_zap_bars - unmap every user mapping of the BARs
 * @vpdev: the device; memory_lock held for write
 *
 * The next access faults, and the fault handler decides, under
 * memory_lock, whether the page comes back or the access raises SIGBUS.
 * Through the VFIO core's inode of the device, which every mapping of it
 * goes through; on a core without one (6.1), mapping by mapping
 * (__vfio_pci_zap_tracked()).
 */
void __vfio_pci_zap_bars(struct vfio_pci_dev *vpdev)
{
	struct address_space *mapping = vfio_pci_core_mapping(&vpdev->vdev);

	lockdep_assert_held_write(&vpdev->memory_lock);

	if (mapping)
		unmap_mapping_range(mapping,
				    VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR0_REGION_INDEX),
				    VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_ROM_REGION_INDEX),
				    true);
	else
		__vfio_pci_zap_tracked(vpdev);
}

/**
 * __vfio_pci_memory_sync - take mem_enabled from the hardware
 * @vpdev: the device; memory_lock held for write
 *
 * For every path that may have changed PCI_COMMAND behind the config
 * region's back (open, reset, a user config write).  Live mappings are
 * zapped when decoding is off.  A VF's decode is the user's virtual bit,
 * vf_memory (its own bit is hardwired to zero).
 */
void __vfio_pci_memory_sync(struct vfio_pci_dev *vpdev)
{
	u16 cmd;

	lockdep_assert_held_write(&vpdev->memory_lock);

	pci_read_config_word(vpdev->pdev, PCI_COMMAND, &cmd);
	if (vpdev->pdev->is_virtfn)
		vpdev->mem_enabled = vpdev->vf_memory;
	else	/* All-ones: gone or not ready, decoding nothing. */
		vpdev->mem_enabled = !PCI_POSSIBLE_ERROR(cmd) &&
				     (cmd & PCI_COMMAND_MEMORY);
	if (!vpdev->mem_enabled)
		__vfio_pci_zap_bars(vpdev);
}

/**
 * vfio_pci_memory_sync - __vfio_pci_memory_sync() taking memory_lock
 * @vpdev: the device
 */
void vfio_pci_memory_sync(struct vfio_pci_dev *vpdev)
{
	vfio_pci_memory_write_lock(vpdev);
	__vfio_pci_memory_sync(vpdev);
	vfio_pci_memory_write_unlock(vpdev);
}

/**
 * vfio_pci_memory_write_lock - take memory_lock for write
 * @vpdev: the device
 *
 * Every write hold of memory_lock is taken here (or in
 * vfio_pci_memory_write_lock_nest()) and let go in
 * vfio_pci_memory_write_unlock(): @memory_seq is odd for as long as it
 * lasts and moves on at both ends, so that a config read done without the
 * lock (vfio_pci_cfg_read_piece()) can tell that a hold began or ended
 * under it.  The holder may sleep: no reader waits for the count, a
 * reader that finds it odd or moved takes memory_lock for read instead.
 */
void vfio_pci_memory_write_lock(struct vfio_pci_dev *vpdev)
{
	down_write(&vpdev->memory_lock);
	raw_write_seqcount_begin(&vpdev->memory_seq);
}

/**
 * vfio_pci_memory_write_lock_nest - vfio_pci_memory_write_lock() for a
 *	device set's members
 * @vpdev: the device, a member of @dev_set
 * @dev_set: its device set, whose lock is held: all members' memory_locks
 *	are taken together under it (a hot reset)
 */
void vfio_pci_memory_write_lock_nest(struct vfio_pci_dev *vpdev,
				     struct vfio_device_set *dev_set)
{
	down_write_nest_lock(&vpdev->memory_lock, &dev_set->lock);
	raw_write_seqcount_begin(&vpdev->memory_seq);
}

/**
 * vfio_pci_memory_write_unlock - let go of a vfio_pci_memory_write_lock()
 * @vpdev: the device
 */
void vfio_pci_memory_write_unlock(struct vfio_pci_dev *vpdev)
{
	lockdep_assert_held_write(&vpdev->memory_lock);
	raw_write_seqcount_end(&vpdev->memory_seq);
	up_write(&vpdev->memory_lock);
}

/**
 * vfio_pci_mem_lock_and_enable - make the device decode memory for a while
 * @vpdev: the device
 *
 * For work that needs the BARs whatever the user did with the command
 * register (programming the MSI-X table, reading the ROM).  Takes
 * memory_lock for write, so no user access or fault runs meanwhile, and sets
 * PCI_COMMAND_MEMORY in the hardware if it is clear.
 *
 * Return: the command register as it was, for
 * vfio_pci_mem_unlock_and_restore().
 */
u16 vfio_pci_mem_lock_and_enable(struct vfio_pci_dev *vpdev)
{
	u16 cmd;

	vfio_pci_memory_write_lock(vpdev);
	pci_read_config_word(vpdev->pdev, PCI_COMMAND, &cmd);
	/* All-ones is no command register to write back (nor to restore). */
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(vpdev->pdev, PCI_COMMAND,
				      cmd | PCI_COMMAND_MEMORY);
	return cmd;
}

/**
 * vfio_pci_mem_unlock_and_restore - undo vfio_pci_mem_lock_and_enable()
 * @vpdev: the device
 * @cmd: its return value
 */
void vfio_pci_mem_unlock_and_restore(struct vfio_pci_dev *vpdev, u16 cmd)
{
	lockdep_assert_held_write(&vpdev->memory_lock);

	/*
	 * Clear only what we set: enabling or disabling MSI/MSI-X meanwhile
	 * may have changed INTx disable, which a write of @cmd would undo.
	 */
	if (!(cmd & PCI_COMMAND_MEMORY)) {
		u16 now;

		pci_read_config_word(vpdev->pdev, PCI_COMMAND, &now);
		/* Never write all-ones back: Bus Master, SERR and the rest. */
		if (!PCI_POSSIBLE_ERROR(now))
			pci_write_config_word(vpdev->pdev, PCI_COMMAND,
					      now & ~PCI_COMMAND_MEMORY);
	}
	vfio_pci_memory_write_unlock(vpdev);
}

/**
 * vfio_pci_fill_user - fill user memory with 0xff
 * @buf: the user buffer
 * @len: how many bytes
 *
 * What a read of a range the user may not reach returns: the all-ones of
 * a bus read nobody answers.
 *
 * Return: 0 or -EFAULT.
 */
int vfio_pci_fill_user(char __user *buf, size_t len)
{
	static const u8 ones[256] = { [0 ... 255] = 0xff };

	while (len) {
		size_t n = min(len, sizeof(ones));

		if (copy_to_user(buf, ones, n))
			return -EFAULT;
		buf += n;
		len -= n;
	}
	return 0;
}
