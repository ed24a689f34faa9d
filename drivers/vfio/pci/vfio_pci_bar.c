// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the BAR regions (indexes 0-5) and VFIO_DEVICE_IOEVENTFD.
 *
 * Reads and writes go through a kernel mapping of the BAR, split into
 * naturally aligned pieces of up to 8 bytes (4 for I/O BARs).  Memory BARs
 * can also be mmapped; the mapping is filled at fault time, one page or,
 * where the kernel maps PFNs with huge entries, one PMD or PUD entry at a
 * time, so that it can be zapped whenever the user turns memory decode
 * off, after which faults raise SIGBUS until decode is back (see
 * vfio_pci_dev.c).
 *
 * The MSI-X table lives in a BAR and holds the messages the host composed
 * for the device's vectors.  Which bytes of a BAR the user reaches is
 * answered in one place, vfio_pci_bar_reach(), which every path asks:
 * read/write (the table reads all-ones, writes to it are dropped, as with
 * stock), ioeventfd (refused on the table), mmap and its sparse-mmap
 * capability (the table's pages are left out unless the platform isolates
 * MSI, in which case the region says VFIO_REGION_INFO_CAP_MSIX_MAPPABLE).
 * The PBA holds the pending bits of the device's own vectors and is
 * reached like the rest of the BAR.
 */

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/msi.h>
#include <linux/cleanup.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_drv.h"

/* VFIO_DEVICE_IOEVENTFD entries a device may hold, as the stock driver. */
#define VFIO_PCI_IOEVENTFD_MAX	1000

/**
 * struct vfio_pci_ioeventfd_entry - one registered VFIO_DEVICE_IOEVENTFD
 * @node: in vfio_pci_dev.ioeventfds
 * @vpdev: the device
 * @virqfd: the VFIO core's eventfd hook
 * @addr: where to write, in the kernel mapping of the BAR
 * @pos: the region offset (index bits included) it was registered for
 * @data: what to write
 * @width: 1, 2, 4 or 8 bytes
 * @is_io: an I/O BAR, which memory decode does not gate
 */
struct vfio_pci_ioeventfd_entry {
	struct list_head node;
	struct vfio_pci_dev *vpdev;
	struct virqfd *virqfd;
	void __iomem *addr;
	u64 pos;
	u64 data;
	unsigned int width;
	bool is_io;
};

static bool vfio_pci_bar_is_io(struct pci_dev *pdev, unsigned int bar)
{
	return pci_resource_flags(pdev, bar) & IORESOURCE_IO;
}

/* The table's place as the device describes it: BIR and offset. */
static u32 vfio_pci_msix_table_reg(struct pci_dev *pdev)
{
	u32 table;

	if (pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table))
		return ~0U;
	return table;
}

/*
 * Where the MSI-X table is, read once at open: the table's BIR and offset
 * and the table size come from the device, so the range is clamped to the
 * BAR here, and every path uses the clamped copy.  The table can grow
 * later, never move: see vfio_pci_msix_table_cover().
 */
static void vfio_pci_msix_init(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	unsigned int bar;
	u64 len, start;
	u32 table;
	u16 flags;

	vpdev->msix_bar = PCI_STD_NUM_BARS;
	if (!pdev->msix_cap)
		return;
	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	table = vfio_pci_msix_table_reg(pdev);
	vpdev->msix_table_reg = table;
	bar = table & PCI_MSIX_TABLE_BIR;
	if (bar >= PCI_STD_NUM_BARS)
		return;
	len = pci_resource_len(pdev, bar);
	start = min_t(u64, table & PCI_MSIX_TABLE_OFFSET, len);
	vpdev->msix_bar = bar;
	vpdev->msix_table_start = start;
	vpdev->msix_table_end = min_t(u64, len, start +
		((flags & PCI_MSIX_FLAGS_QSIZE) + 1) * PCI_MSIX_ENTRY_SIZE);
}

/**
 * vfio_pci_msix_table_cover - keep the MSI-X table out of reach at enable
 * @vpdev: the device, about to have MSI-X enabled; memory_lock held for
 *	write
 * @entries: the table size the vectors are bounded by (the Table Size read
 *	for the enable, struct vfio_pci_irq_state's nvec)
 *
 * The PCI core writes the host's messages into the table it finds at each
 * enable, and the device may have resized its table since open (flexible
 * interrupt resources, a new firmware image).  A table that grew grows the
 * hole, and the user's mappings are zapped so that every page is asked
 * about again at its next fault.  A table that moved to another BAR or
 * offset is not covered by the hole at all: the enable is refused.
 *
 * Return: 0, or -EIO when the table is no longer where it was at open.
 */
int vfio_pci_msix_table_cover(struct vfio_pci_dev *vpdev, unsigned int entries)
{
	unsigned int bar = vpdev->msix_bar;
	u64 end;

	lockdep_assert_held_write(&vpdev->memory_lock);
	if (vfio_pci_msix_table_reg(vpdev->pdev) != vpdev->msix_table_reg) {
		pci_dbg(vpdev->pdev, "MSI-X table moved since open: not enabled\n");
		return -EIO;
	}
	if (bar >= PCI_STD_NUM_BARS)
		return 0;
	end = min_t(u64, pci_resource_len(vpdev->pdev, bar),
		    vpdev->msix_table_start + (u64)entries * PCI_MSIX_ENTRY_SIZE);
	if (end > vpdev->msix_table_end) {
		WRITE_ONCE(vpdev->msix_table_end, end);
		__vfio_pci_zap_bars(vpdev);
	}
	return 0;
}

/**
 * vfio_pci_bar_init - claim and map the BARs at open
 * @vpdev: the device
 *
 * A BAR another driver holds (or that cannot be mapped) stays unusable: its
 * region reads and writes fail with -EINVAL, as an absent one.
 */
void vfio_pci_bar_init(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	unsigned int bar;

	vfio_pci_msix_init(vpdev);
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!pci_resource_len(pdev, bar))
			continue;
		if (pci_request_region(pdev, bar, "vfio-pci")) {
			pci_dbg(pdev, "BAR %u is busy; not offered\n", bar);
			continue;
		}
		vpdev->barmap[bar] = pci_iomap(pdev, bar, 0);
		if (!vpdev->barmap[bar]) {
			pci_dbg(pdev, "BAR %u cannot be mapped; not offered\n", bar);
			pci_release_region(pdev, bar);
		}
	}
}

/**
 * vfio_pci_bar_release - undo vfio_pci_bar_init() at close
 * @vpdev: the device; no ioeventfd may remain
 */
void vfio_pci_bar_release(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	unsigned int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!vpdev->barmap[bar])
			continue;
		pci_iounmap(pdev, vpdev->barmap[bar]);
		pci_release_region(pdev, bar);
		vpdev->barmap[bar] = NULL;
	}
}

static bool vfio_pci_msix_mappable(struct vfio_pci_dev *vpdev)
{
	return msi_device_has_isolated_msi(&vpdev->pdev->dev);
}

/**
 * vfio_pci_bar_reach - may the user reach these bytes of a BAR?
 * @vpdev: the device (open)
 * @bar: the BAR
 * @pos: the first byte
 * @len: how many bytes from @pos are asked about (at least 1)
 * @grain: the asking path's granularity
 * @hole: set to true when the answer is no
 *
 * The one answer to "may the user reach this byte range of this BAR?".
 * The MSI-X table is a hole: it holds messages composed by the host, which
 * the user may neither read nor rewrite (a rewritten message is an
 * arbitrary DMA write the device makes on the host's behalf).  At page
 * grain (mmap), the hole is the table's pages, and there is none when the
 * platform isolates MSI (interrupt remapping validates every message, so
 * a mapping of the table is harmless, and VMMs such as QEMU and DPDK map
 * the whole BAR when VFIO_REGION_INFO_CAP_MSIX_MAPPABLE says so).  The
 * PBA is not a hole: its bits are the device's own vectors' state.
 *
 * Return: the length of the run from @pos, at most @len, that is all
 * reachable (*@hole false) or all a hole (*@hole true).  A caller asks
 * again from the end of the run for the rest.
 */
u64 vfio_pci_bar_reach(struct vfio_pci_dev *vpdev, unsigned int bar, u64 pos,
		       u64 len, enum vfio_pci_reach_grain grain, bool *hole)
{
	u64 start = vpdev->msix_table_start;
	u64 end = READ_ONCE(vpdev->msix_table_end);

	*hole = false;
	if (bar != vpdev->msix_bar || start == end)
		return len;
	if (grain == VFIO_PCI_REACH_PAGES) {
		if (vfio_pci_msix_mappable(vpdev))
			return len;
		start = round_down(start, PAGE_SIZE);
		end = round_up(end, PAGE_SIZE);
	}
	if (pos >= end)
		return len;
	if (pos < start)
		return min(len, start - pos);
	*hole = true;
	return min(len, end - pos);
}

/* A memory BAR of whole pages can be mmapped. */
static bool vfio_pci_bar_mmappable(struct vfio_pci_dev *vpdev, unsigned int bar)
{
	struct pci_dev *pdev = vpdev->pdev;

	return vpdev->barmap[bar] && !vfio_pci_bar_is_io(pdev, bar) &&
	       pci_resource_len(pdev, bar) >= PAGE_SIZE &&
	       PAGE_ALIGNED(pci_resource_start(pdev, bar));
}

/* The mappable runs of a BAR with a hole at page grain, as sparse areas. */
static int vfio_pci_bar_sparse_cap(struct vfio_pci_dev *vpdev,
				   unsigned int index, u64 len,
				   struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	/* One hole leaves at most two runs around it. */
	size_t size = struct_size(sparse, areas, 2);
	unsigned int nr = 0;
	u64 pos, run;
	bool hole;
	int ret;

	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	for (pos = 0; pos < len && nr < 2; pos += run) {
		run = vfio_pci_bar_reach(vpdev, index, pos, len - pos,
					 VFIO_PCI_REACH_PAGES, &hole);
		if (hole)
			continue;
		sparse->areas[nr].offset = pos;
		sparse->areas[nr++].size = run;
	}
	sparse->nr_areas = nr;
	size = struct_size(sparse, areas, nr);
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	return ret;
}

static int vfio_pci_bar_info(struct vfio_pci_dev *vpdev, unsigned int index,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	struct vfio_info_cap_header header = {
		.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
		.version = 1,
	};
	struct pci_dev *pdev = vpdev->pdev;
	u64 len = pci_resource_len(pdev, index);
	bool hole;

	/* Absent, or the upper half of a 64-bit BAR: an empty region. */
	if (!len)
		return 0;

	info->size = len;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (!vfio_pci_bar_mmappable(vpdev, index))
		return 0;
	info->flags |= VFIO_REGION_INFO_FLAG_MMAP;

	if (index != vpdev->msix_bar)
		return 0;
	if (vfio_pci_bar_reach(vpdev, index, 0, len, VFIO_PCI_REACH_PAGES,
			       &hole) == len && !hole)
		return vfio_info_add_capability(caps, &header, sizeof(header));
	return vfio_pci_bar_sparse_cap(vpdev, index, len, caps);
}

/* The widest naturally aligned access at @pos that fits in @count. */
static unsigned int vfio_pci_bar_width(u64 pos, size_t count, bool is_io)
{
	if (!is_io && count >= 8 && IS_ALIGNED(pos, 8))
		return 8;
	if (count >= 4 && IS_ALIGNED(pos, 4))
		return 4;
	if (count >= 2 && IS_ALIGNED(pos, 2))
		return 2;
	return 1;
}

static u64 vfio_pci_ioread(void __iomem *addr, unsigned int width)
{
	switch (width) {
	case 8:
		return readq(addr);	/* memory BARs only */
	case 4:
		return ioread32(addr);
	case 2:
		return ioread16(addr);
	default:
		return ioread8(addr);
	}
}

static void vfio_pci_iowrite(void __iomem *addr, unsigned int width, u64 val)
{
	switch (width) {
	case 8:
		writeq(val, addr);
		break;
	case 4:
		iowrite32(val, addr);
		break;
	case 2:
		iowrite16(val, addr);
		break;
	default:
		iowrite8(val, addr);
		break;
	}
}

/*
 * User copies of one piece with a fixed width each: get_user()/put_user()
 * are a single move, where a copy of variable size goes through the
 * generic, checked path (measurably slower on the pread fast path).
 */
static int vfio_pci_get_user(const char __user *buf, unsigned int width,
			     u64 *val)
{
	u32 v32;
	u16 v16;
	u8 v8;
	int ret;

	switch (width) {
	case 8:
		return get_user(*val, (const u64 __user *)buf);
	case 4:
		ret = get_user(v32, (const u32 __user *)buf);
		*val = v32;
		return ret;
	case 2:
		ret = get_user(v16, (const u16 __user *)buf);
		*val = v16;
		return ret;
	default:
		ret = get_user(v8, (const u8 __user *)buf);
		*val = v8;
		return ret;
	}
}

static int vfio_pci_put_user(char __user *buf, unsigned int width, u64 val)
{
	switch (width) {
	case 8:
		return put_user(val, (u64 __user *)buf);
	case 4:
		return put_user((u32)val, (u32 __user *)buf);
	case 2:
		return put_user((u16)val, (u16 __user *)buf);
	default:
		return put_user((u8)val, (u8 __user *)buf);
	}
}

/*
 * Whether [@pos, @pos + @len) of @bar became unreachable since the caller
 * asked vfio_pci_bar_reach(): asked again under memory_lock, which every
 * change of the answer holds for write (vfio_pci_msix_table_cover()).
 */
static bool vfio_pci_bar_now_hole(struct vfio_pci_dev *vpdev, unsigned int bar,
				  u64 pos, u64 len,
				  enum vfio_pci_reach_grain grain)
{
	bool hole;

	lockdep_assert_held(&vpdev->memory_lock);
	return vfio_pci_bar_reach(vpdev, bar, pos, len, grain, &hole) < len ||
	       hole;
}

/*
 * One piece, under memory_lock for read.  A memory BAR the user has
 * disabled answers -EIO, as the stock driver does: the access would be an
 * Unsupported Request on the bus.  A piece the MSI-X table has grown over
 * since it was measured is a hole: all-ones, writes dropped.
 */
static int vfio_pci_bar_access(struct vfio_pci_dev *vpdev, unsigned int bar,
			       void __iomem *base, u64 pos, bool is_io,
			       unsigned int width, u64 *val, bool write)
{
	int ret = 0;

	down_read(&vpdev->memory_lock);
	if (!is_io && !vpdev->mem_enabled)
		ret = -EIO;
	else if (vfio_pci_bar_now_hole(vpdev, bar, pos, width,
				       VFIO_PCI_REACH_BYTES))
		*val = ~0ULL;
	else if (write)
		vfio_pci_iowrite(base + pos, width, *val);
	else
		*val = vfio_pci_ioread(base + pos, width);
	up_read(&vpdev->memory_lock);
	return ret;
}

/* Move [pos, pos + count) of a reachable run, piece by piece. */
static ssize_t vfio_pci_bar_rw_run(struct vfio_pci_dev *vpdev,
				   unsigned int bar, void __iomem *base,
				   bool is_io, char __user *buf, size_t count,
				   u64 pos, bool write)
{
	size_t done = 0;

	while (done < count) {
		unsigned int width = vfio_pci_bar_width(pos, count - done, is_io);
		u64 val = 0;
		int ret;

		/* User copies stay outside memory_lock (see its comment). */
		if (write && vfio_pci_get_user(buf + done, width, &val))
			return done ? done : -EFAULT;
		ret = vfio_pci_bar_access(vpdev, bar, base, pos, is_io, width,
					  &val, write);
		if (ret)
			return done ? done : ret;
		if (!write && vfio_pci_put_user(buf + done, width, val))
			return done ? done : -EFAULT;
		done += width;
		pos += width;
	}
	return done;
}

static ssize_t vfio_pci_bar_rw(struct vfio_pci_dev *vpdev, unsigned int index,
			       char __user *buf, size_t count, loff_t pos,
			       bool write)
{
	struct pci_dev *pdev = vpdev->pdev;
	void __iomem *base = vpdev->barmap[index];
	bool is_io = vfio_pci_bar_is_io(pdev, index);
	u64 len = pci_resource_len(pdev, index);
	size_t done = 0;

	if (!base || pos >= len)
		return -EINVAL;
	count = min_t(u64, count, len - pos);

	while (done < count) {
		bool hole;
		u64 run = vfio_pci_bar_reach(vpdev, index, pos + done,
					     count - done, VFIO_PCI_REACH_BYTES,
					     &hole);
		ssize_t ret;

		if (hole) {
			/* Reads see all-ones, writes are dropped. */
			ret = write ? run : vfio_pci_fill_user(buf + done, run);
			ret = ret < 0 ? ret : run;
		} else {
			ret = vfio_pci_bar_rw_run(vpdev, index, base, is_io,
						  buf + done, run, pos + done,
						  write);
		}
		if (ret < 0)
			return done ? done : ret;
		done += ret;
		if (ret < run)
			break;
	}
	return done;
}

/* ---- BAR mappings: tracked where the VFIO core cannot zap them ---- */

/* Whether the driver tracks its mappings: the core has no inode for it. */
static bool vfio_pci_bar_tracked(struct vfio_pci_dev *vpdev)
{
	return !vfio_pci_core_mapping(&vpdev->vdev);
}

static int vfio_pci_bar_track(struct vfio_pci_dev *vpdev,
			      struct vm_area_struct *vma, gfp_t gfp)
{
	struct vfio_pci_bar_mapping *m;

	m = kzalloc(sizeof(*m), gfp);
	if (!m)
		return -ENOMEM;
	m->vma = vma;
	mutex_lock(&vpdev->mmaps_lock);
	list_add(&m->node, &vpdev->mmaps);
	mutex_unlock(&vpdev->mmaps_lock);
	return 0;
}

/*
 * A new VMA copied from one of ours (a split, mremap() or fork()): it may
 * carry PTEs already, so it is tracked whatever it costs (the op cannot
 * fail).  Under the mmap_lock, held for write.  Entries are charged to
 * the user's memory cgroup: the user decides how many VMAs there are.
 */
static void vfio_pci_bar_vm_open(struct vm_area_struct *vma)
{
	vfio_pci_bar_track(vma->vm_private_data, vma, GFP_KERNEL_ACCOUNT | __GFP_NOFAIL);
}

static void vfio_pci_bar_vm_close(struct vm_area_struct *vma)
{
	struct vfio_pci_dev *vpdev = vma->vm_private_data;
	struct vfio_pci_bar_mapping *m;

	mutex_lock(&vpdev->mmaps_lock);
	list_for_each_entry(m, &vpdev->mmaps, node) {
		if (m->vma == vma) {
			list_del(&m->node);
			kfree(m);
			break;
		}
	}
	mutex_unlock(&vpdev->mmaps_lock);
}

/*
 * memory_lock for read, at a fault: 0 when taken.  Where the driver zaps
 * tracked mappings, the zap waits for each mm's mmap_lock while it holds
 * memory_lock for write, so a fault, which runs under the mmap_lock, must
 * not wait for memory_lock under it: it lets the mmap_lock go, waits for
 * memory_lock without it and has the fault retried (VM_FAULT_RETRY), or,
 * where it may not let the mmap_lock go, has the access retried
 * (VM_FAULT_NOPAGE without a page) or the caller retry
 * (FAULT_FLAG_RETRY_NOWAIT).
 */
static vm_fault_t vfio_pci_bar_fault_lock(struct vfio_pci_dev *vpdev,
					  struct vm_fault *vmf)
{
	struct file *file;

	if (!vfio_pci_bar_tracked(vpdev)) {
		down_read(&vpdev->memory_lock);
		return 0;
	}
	if (down_read_trylock(&vpdev->memory_lock))
		return 0;
	if (!(vmf->flags & FAULT_FLAG_ALLOW_RETRY))
		return VM_FAULT_NOPAGE;
	if (vmf->flags & FAULT_FLAG_RETRY_NOWAIT)
		return VM_FAULT_RETRY;
	/* Without the mmap_lock the mapping may go: its file keeps vpdev. */
	file = get_file(vmf->vma->vm_file);
	mmap_read_unlock(vmf->vma->vm_mm);
	down_read(&vpdev->memory_lock);
	up_read(&vpdev->memory_lock);
	fput(file);
	return VM_FAULT_RETRY;
}

/* One entry of @order at the fault: a PTE, or a PMD or PUD leaf. */
static vm_fault_t vfio_pci_bar_insert(struct vm_fault *vmf, unsigned long pfn,
				      unsigned int order)
{
	/* A write fault on a read-only leaf (after mprotect) makes it writable. */
	bool write = vmf->flags & FAULT_FLAG_WRITE;

	if (!order)
		return vmf_insert_pfn(vmf->vma, vmf->address, pfn);
	if (order == PMD_ORDER && vfio_pci_pfnmap_order(PMD_ORDER))
		return vmf_insert_pfn_pmd(vmf, pfn, write);
	if (order == PUD_ORDER && vfio_pci_pfnmap_order(PUD_ORDER))
		return vmf_insert_pfn_pud(vmf, pfn, write);
	return VM_FAULT_FALLBACK;
}

/**
 * vfio_pci_bar_huge_fault - fill a BAR mapping at a fault
 * @vmf: the fault
 * @order: the entry the kernel asks for: 0 (a page), PMD_ORDER or PUD_ORDER
 *
 * An entry of @order maps the naturally aligned 2^@order pages around the
 * faulting address, all at once.  It is inserted only when that range lies
 * inside the VMA, its BAR offset and its PFN are aligned to @order, the
 * kernel maps PFNs at that order (vfio_pci_pfnmap_order()), and
 * vfio_pci_bar_reach() lets the user reach every page of it: a huge entry
 * never covers a page of a hole.  Otherwise the kernel is told to try a
 * smaller order (VM_FAULT_FALLBACK), down to the one page.  Memory decode
 * off and a low power state raise SIGBUS at every order; the zaps that
 * enforce them (unmap_mapping_range()) take huge entries down whole, and
 * the next access faults here again.
 *
 * Return: VM_FAULT_NOPAGE (or the insert's error), VM_FAULT_FALLBACK or
 * VM_FAULT_SIGBUS.
 */
static vm_fault_t vfio_pci_bar_huge_fault(struct vm_fault *vmf,
					  unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_pci_dev *vpdev = vma->vm_private_data;
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr = ALIGN_DOWN(vmf->address, size);
	u64 off = (u64)(vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT))
		  << PAGE_SHIFT;
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(off);
	u64 pos = off & VFIO_PCI_OFFSET_MASK;
	unsigned long pfn;
	vm_fault_t ret;

	if (order && (!vfio_pci_pfnmap_order(order) ||
		      addr < vma->vm_start || vma->vm_end - addr < size))
		return VM_FAULT_FALLBACK;
	pfn = PHYS_PFN(pci_resource_start(vpdev->pdev, index) + pos);
	if (!IS_ALIGNED(pos, size) || !IS_ALIGNED(pfn, 1UL << order))
		return VM_FAULT_FALLBACK;

	ret = vfio_pci_bar_fault_lock(vpdev, vmf);
	if (ret)
		return ret;
	if (!vpdev->mem_enabled || vpdev->pm_low_power)
		ret = VM_FAULT_SIGBUS;
	else if (vfio_pci_bar_now_hole(vpdev, index, pos, size,
				       VFIO_PCI_REACH_PAGES))
		ret = order ? VM_FAULT_FALLBACK : VM_FAULT_SIGBUS;
	else
		ret = vfio_pci_bar_insert(vmf, pfn, order);
	up_read(&vpdev->memory_lock);
	return ret;
}

static vm_fault_t vfio_pci_bar_fault(struct vm_fault *vmf)
{
	return vfio_pci_bar_huge_fault(vmf, 0);
}

static const struct vm_operations_struct vfio_pci_bar_vm_ops = {
	.fault = vfio_pci_bar_fault,
	VFIO_PCI_HUGE_FAULT_OP(vfio_pci_bar_huge_fault),
};

/* The same, for a mapping the driver tracks (vfio_pci_bar_tracked()). */
static const struct vm_operations_struct vfio_pci_bar_tracked_vm_ops = {
	.open = vfio_pci_bar_vm_open,
	.close = vfio_pci_bar_vm_close,
	.fault = vfio_pci_bar_fault,
	VFIO_PCI_HUGE_FAULT_OP(vfio_pci_bar_huge_fault),
};

static int vfio_pci_bar_mmap(struct vfio_pci_dev *vpdev, unsigned int index,
			     struct vm_area_struct *vma)
{
	struct pci_dev *pdev = vpdev->pdev;
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	u64 req = vma->vm_end - vma->vm_start;
	bool hole;

	if (!vfio_pci_bar_mmappable(vpdev, index))
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off + req < off || off + req > pci_resource_len(pdev, index))
		return -EINVAL;
	if (vfio_pci_bar_reach(vpdev, index, off, req, VFIO_PCI_REACH_PAGES,
			       &hole) < req || hole)
		return -EINVAL;

	vma->vm_ops = &vfio_pci_bar_vm_ops;
	if (vfio_pci_bar_tracked(vpdev)) {
		if (vfio_pci_bar_track(vpdev, vma, GFP_KERNEL_ACCOUNT))
			return -ENOMEM;
		vma->vm_ops = &vfio_pci_bar_tracked_vm_ops;
	}
	vma->vm_private_data = vpdev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

const struct vfio_pci_region_ops vfio_pci_bar_region_ops = {
	.info	= vfio_pci_bar_info,
	.rw	= vfio_pci_bar_rw,
	.mmap	= vfio_pci_bar_mmap,
};

/* ---- VFIO_DEVICE_IOEVENTFD ---- */

static void vfio_pci_ioeventfd_write(struct vfio_pci_ioeventfd_entry *ioeventfd)
{
	struct vfio_pci_dev *vpdev = ioeventfd->vpdev;

	lockdep_assert_held(&vpdev->memory_lock);

	/*
	 * A write to a disabled BAR is dropped, as from the bus's view; in a
	 * low power state, where this context cannot resume the device, any;
	 * and one the MSI-X table has grown over since it was registered.
	 */
	if ((ioeventfd->is_io || vpdev->mem_enabled) && !vpdev->pm_low_power &&
	    !vfio_pci_bar_now_hole(vpdev, VFIO_PCI_OFFSET_TO_INDEX(ioeventfd->pos),
				   ioeventfd->pos & VFIO_PCI_OFFSET_MASK,
				   ioeventfd->width, VFIO_PCI_REACH_BYTES))
		vfio_pci_iowrite(ioeventfd->addr, ioeventfd->width,
				 ioeventfd->data);
}

/* From the eventfd's wakeup, atomic: write now unless the lock is busy. */
static int vfio_pci_ioeventfd_handler(void *opaque, void *unused)
{
	struct vfio_pci_ioeventfd_entry *ioeventfd = opaque;
	struct vfio_pci_dev *vpdev = ioeventfd->vpdev;

	if (!down_read_trylock(&vpdev->memory_lock))
		return 1;	/* leave it to the thread */
	vfio_pci_ioeventfd_write(ioeventfd);
	up_read(&vpdev->memory_lock);
	return 0;
}

static void vfio_pci_ioeventfd_thread(void *opaque, void *unused)
{
	struct vfio_pci_ioeventfd_entry *ioeventfd = opaque;
	struct vfio_pci_dev *vpdev = ioeventfd->vpdev;

	down_read(&vpdev->memory_lock);
	vfio_pci_ioeventfd_write(ioeventfd);
	up_read(&vpdev->memory_lock);
}

static void __vfio_pci_ioeventfd_free(struct vfio_pci_dev *vpdev,
				      struct vfio_pci_ioeventfd_entry *ioeventfd)
{
	lockdep_assert_held(&vpdev->ioeventfds_lock);

	vfio_virqfd_disable(&ioeventfd->virqfd);
	list_del(&ioeventfd->node);
	vpdev->ioeventfds_nr--;
	kfree(ioeventfd);
}

/* Where an ioeventfd may write; -EINVAL names every reason it may not. */
static int vfio_pci_ioeventfd_check(struct vfio_pci_dev *vpdev, u64 offset,
				    unsigned int width)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(offset);
	u64 pos = offset & VFIO_PCI_OFFSET_MASK;
	struct pci_dev *pdev = vpdev->pdev;
	bool hole;

	if (index > VFIO_PCI_BAR5_REGION_INDEX || !vpdev->barmap[index])
		return -EINVAL;
	if (pos + width > pci_resource_len(pdev, index) ||
	    !IS_ALIGNED(pos, width))
		return -EINVAL;
	if (width == 8 && vfio_pci_bar_is_io(pdev, index))
		return -EINVAL;
	/* A write the user could not make with pwrite either. */
	if (vfio_pci_bar_reach(vpdev, index, pos, width, VFIO_PCI_REACH_BYTES,
			       &hole) < width || hole)
		return -EINVAL;
	return 0;
}

static struct vfio_pci_ioeventfd_entry *
__vfio_pci_ioeventfd_find(struct vfio_pci_dev *vpdev, u64 pos,
			  unsigned int width, u64 data)
{
	struct vfio_pci_ioeventfd_entry *e;

	lockdep_assert_held(&vpdev->ioeventfds_lock);
	list_for_each_entry(e, &vpdev->ioeventfds, node)
		if (e->pos == pos && e->width == width && e->data == data)
			return e;
	return NULL;
}

/* Arm a new entry on @fd; ioeventfds_lock held. */
static int __vfio_pci_ioeventfd_add(struct vfio_pci_dev *vpdev, u64 pos,
				    u64 data, unsigned int width, int fd)
{
	unsigned int bar = VFIO_PCI_OFFSET_TO_INDEX(pos);
	struct vfio_pci_ioeventfd_entry *e;
	int ret;

	lockdep_assert_held(&vpdev->ioeventfds_lock);
	if (vpdev->ioeventfds_nr >= VFIO_PCI_IOEVENTFD_MAX)
		return -ENOSPC;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	*e = (struct vfio_pci_ioeventfd_entry) {
		.vpdev = vpdev,
		.addr = vpdev->barmap[bar] + (pos & VFIO_PCI_OFFSET_MASK),
		.pos = pos,
		.data = data,
		.width = width,
		.is_io = vfio_pci_bar_is_io(vpdev->pdev, bar),
	};
	ret = vfio_virqfd_enable(e, vfio_pci_ioeventfd_handler,
				 vfio_pci_ioeventfd_thread, NULL, &e->virqfd, fd);
	if (ret) {
		kfree(e);
		return ret;
	}
	list_add_tail(&e->node, &vpdev->ioeventfds);
	vpdev->ioeventfds_nr++;
	return 0;
}

/**
 * vfio_pci_bar_ioeventfd - add or remove one VFIO_DEVICE_IOEVENTFD entry
 * @vpdev: the device
 * @offset: device fd offset of the write (a BAR region)
 * @data: the value written when @fd fires
 * @width: 1, 2, 4 or 8
 * @fd: an eventfd to add, or -1 to remove the entry matching the rest
 *
 * Return: 0; -EINVAL for a place the write may not go or a bad @fd;
 * -EEXIST for a duplicate; -ENODEV when there is nothing to remove;
 * -ENOSPC past VFIO_PCI_IOEVENTFD_MAX entries; -ENOMEM.
 */
int vfio_pci_bar_ioeventfd(struct vfio_pci_dev *vpdev, u64 offset, u64 data,
			   unsigned int width, int fd)
{
	struct vfio_pci_ioeventfd_entry *e;
	int ret;

	ret = vfio_pci_ioeventfd_check(vpdev, offset, width);
	if (ret)
		return ret;
	if (width < 8)
		data &= GENMASK_ULL(8 * width - 1, 0);

	guard(mutex)(&vpdev->ioeventfds_lock);
	e = __vfio_pci_ioeventfd_find(vpdev, offset, width, data);
	if (fd == -1) {
		/* -1 removes the entry with this offset, width and data. */
		if (!e)
			return -ENODEV;
		__vfio_pci_ioeventfd_free(vpdev, e);
		return 0;
	}
	if (e)
		return -EEXIST;
	if (fd < 0)
		return -EINVAL;
	return __vfio_pci_ioeventfd_add(vpdev, offset, data, width, fd);
}

/**
 * vfio_pci_bar_ioeventfd_release - remove every ioeventfd at close
 * @vpdev: the device
 */
void vfio_pci_bar_ioeventfd_release(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_ioeventfd_entry *ioeventfd, *tmp;

	mutex_lock(&vpdev->ioeventfds_lock);
	list_for_each_entry_safe(ioeventfd, tmp, &vpdev->ioeventfds, node)
		__vfio_pci_ioeventfd_free(vpdev, ioeventfd);
	mutex_unlock(&vpdev->ioeventfds_lock);
}
