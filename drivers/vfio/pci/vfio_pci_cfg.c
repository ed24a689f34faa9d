// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): the config space region.
 *
 * Every byte of config space has two permission masks, built at open from
 * the tables below:
 *
 *   virt   bits read from (and written to) a virtual copy, never the device
 *   write  bits the user may change
 *
 * so a bit is one of: read-only hardware (neither), read-write hardware
 * (write only), read-only virtual (virt only: the capability chain, the
 * FLR bit), or read-write virtual (both: BARs, the MSI/MSI-X programming,
 * PCI Express control registers).  The header and every capability the
 * driver knows has a table; unknown capabilities are read-only; bytes no
 * capability claims (device-specific registers) pass through read-write.
 * Capabilities the driver hides are unlinked from the virtual chain and
 * read as zero.
 *
 * Accesses are split into naturally aligned pieces of 4, 2 or 1 bytes, the
 * widths config cycles have, so that a VMM can read the whole header in one
 * call.
 */

#include <linux/bitfield.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_drv.h"

/* PCI Express capability length, version 2 and version 1 (up to Root Status). */
#define VFIO_PCI_EXP_SIZEOF_V2	0x3c
#define VFIO_PCI_EXP_SIZEOF_V1	0x24
/* VF Resizable BAR, PCIe r6.0 7.8.7; not in every pci_regs.h. */
#define VFIO_PCI_EXT_CAP_ID_VF_REBAR	0x24

/**
 * struct vfio_pci_cfg - the virtual config space of an open device
 * @vconfig: the virtual values
 * @virt: per byte, the bits taken from @vconfig
 * @write: per byte, the bits the user may write
 * @bar_len: each BAR's size (0: absent, or the upper half of a 64-bit BAR)
 * @bar_upper: the BAR is the upper half of a 64-bit BAR
 * @bar_flags: each BAR's read-only type bits, as the device has them (a
 *	VF's from its resources: vfio_pci_cfg_vf_bar_type())
 * @rom_len: the ROM BAR's size
 */
struct vfio_pci_cfg {
	u8 *vconfig;
	u8 *virt;
	u8 *write;
	u64 bar_len[PCI_STD_NUM_BARS];
	bool bar_upper[PCI_STD_NUM_BARS];
	u32 bar_flags[PCI_STD_NUM_BARS];
	u64 rom_len;
};

/**
 * struct vfio_pci_perm - the permissions of one register
 * @off: its offset in the header or capability
 * @len: its width, 1, 2 or 4
 * @virt: bits taken from the virtual copy
 * @write: bits the user may write
 */
struct vfio_pci_perm {
	u16 off;
	u8 len;
	u32 virt;
	u32 write;
};

#define PERM(_off, _len, _virt, _write) \
	{ .off = (_off), .len = (_len), .virt = (_virt), .write = (_write) }
#define PERM_VIRT_RW(_off, _len)	PERM(_off, _len, ~0U, ~0U)

/* Type 0 header; everything not listed is read-only hardware. */
static const struct vfio_pci_perm vfio_pci_header_perms[] = {
	/*
	 * The IDs as config space read at open: they are read-only, and a
	 * read of them then never waits for the device.
	 */
	PERM(PCI_VENDOR_ID, 4, ~0U, 0),
	/* INTx disable belongs to INTx masking; the rest reaches the device. */
	PERM(PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE,
	     PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
	     PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE),
	/* Write-one-to-clear error bits. */
	PERM(PCI_STATUS, 2, 0, 0xf900),
	PERM_VIRT_RW(PCI_CACHE_LINE_SIZE, 1),
	PERM_VIRT_RW(PCI_LATENCY_TIMER, 1),
	/* BARs: sized virtually, the device keeps the host's addresses. */
	PERM_VIRT_RW(PCI_BASE_ADDRESS_0, 4),
	PERM_VIRT_RW(PCI_BASE_ADDRESS_1, 4),
	PERM_VIRT_RW(PCI_BASE_ADDRESS_2, 4),
	PERM_VIRT_RW(PCI_BASE_ADDRESS_3, 4),
	PERM_VIRT_RW(PCI_BASE_ADDRESS_4, 4),
	PERM_VIRT_RW(PCI_BASE_ADDRESS_5, 4),
	PERM_VIRT_RW(PCI_ROM_ADDRESS, 4),
	PERM(PCI_CAPABILITY_LIST, 1, 0xff, 0),
	PERM_VIRT_RW(PCI_INTERRUPT_LINE, 1),
};

/* Power state is virtual: the device stays in D0 while the user has it. */
static const struct vfio_pci_perm vfio_pci_pm_perms[] = {
	PERM(PCI_PM_CTRL, 2, PCI_PM_CTRL_STATE_MASK, PCI_PM_CTRL_STATE_MASK),
};

/* Enable and function mask are programmed through SET_IRQS only. */
static const struct vfio_pci_perm vfio_pci_msix_perms[] = {
	PERM(PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL,
	     PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL),
};

/*
 * PCI Express: the control registers are virtual (payload size, ASPM and
 * link disable are the host's business; Enable No Snoop follows the
 * nosnoop= policy, see vfio_pci_nosnoop.c); FLR reads as zero, use
 * VFIO_DEVICE_RESET; error status bits are cleared in the device.
 */
static const struct vfio_pci_perm vfio_pci_exp_perms[] = {
	PERM(PCI_EXP_DEVCTL, 2, 0xffff, 0xffff & ~PCI_EXP_DEVCTL_BCR_FLR),
	PERM(PCI_EXP_DEVSTA, 2, 0, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
	     PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD),
	PERM(PCI_EXP_LNKCTL, 2, 0xffff, 0xffff),
	PERM(PCI_EXP_DEVCTL2, 2, 0xffff, 0xffff),
	PERM(PCI_EXP_LNKCTL2, 2, 0xffff, 0xffff),
};

/* AER: status is cleared in the device, masks and severity are virtual. */
static const struct vfio_pci_perm vfio_pci_err_perms[] = {
	PERM(PCI_ERR_UNCOR_STATUS, 4, 0, ~0U),
	PERM_VIRT_RW(PCI_ERR_UNCOR_MASK, 4),
	PERM_VIRT_RW(PCI_ERR_UNCOR_SEVER, 4),
	PERM(PCI_ERR_COR_STATUS, 4, 0, ~0U),
	PERM_VIRT_RW(PCI_ERR_COR_MASK, 4),
};

/**
 * struct vfio_pci_cap - what the driver knows of one capability ID
 * @id: capability ID
 * @hide: unlink it from the virtual chain; it reads as zero
 * @raw: its body passes through read-write (vendor-specific)
 * @len: its length at @pos as the device describes it in @raw, the
 *	reading of config space taken at open, or NULL: it ends where the
 *	next one starts.  Never trusted as it is: see vfio_pci_cfg_cap_len().
 * @setup: extra permissions depending on the capability's contents in
 *	@raw, given the capability's clamped length; touches nothing beyond
 *	it
 * @perms: register permissions, offsets relative to the capability
 * @nr_perms: entries in @perms
 */
struct vfio_pci_cap {
	u16 id;
	bool hide;
	bool raw;
	unsigned int (*len)(const u8 *raw, unsigned int pos);
	void (*setup)(struct vfio_pci_cfg *cfg, const u8 *raw,
		      unsigned int pos, unsigned int len);
	const struct vfio_pci_perm *perms;
	unsigned int nr_perms;
};

static void vfio_pci_cfg_set(struct vfio_pci_cfg *cfg, unsigned int pos,
			     unsigned int len, u32 virt, u32 write)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		cfg->virt[pos + i] = virt >> (8 * i);
		cfg->write[pos + i] = write >> (8 * i);
	}
}

/* Byte-wide permissions over a range of any length. */
static void vfio_pci_cfg_fill(struct vfio_pci_cfg *cfg, unsigned int pos,
			      unsigned int len, u8 virt, u8 write)
{
	memset(cfg->virt + pos, virt, len);
	memset(cfg->write + pos, write, len);
}

static void vfio_pci_cfg_apply(struct vfio_pci_cfg *cfg, unsigned int pos,
			       unsigned int caplen,
			       const struct vfio_pci_perm *perms,
			       unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (perms[i].off + perms[i].len <= caplen)
			vfio_pci_cfg_set(cfg, pos + perms[i].off, perms[i].len,
					 perms[i].virt, perms[i].write);
}

static unsigned int vfio_pci_pm_len(const u8 *raw, unsigned int pos)
{
	return PCI_PM_SIZEOF;
}

static unsigned int vfio_pci_msi_len(const u8 *raw, unsigned int pos)
{
	u16 flags = get_unaligned_le16(raw + pos + PCI_MSI_FLAGS);

	return (flags & PCI_MSI_FLAGS_64BIT ? 14 : 10) +
	       (flags & PCI_MSI_FLAGS_MASKBIT ? 10 : 0);
}

/*
 * MSI is programmed through SET_IRQS only: the whole body is virtual.
 * Which fields exist depends on the flags, and each is set only when it
 * fits in @len, the room the capability really has.
 */
static void vfio_pci_msi_setup(struct vfio_pci_cfg *cfg, const u8 *raw,
			       unsigned int pos, unsigned int len)
{
	u16 flags = get_unaligned_le16(raw + pos + PCI_MSI_FLAGS);
	struct vfio_pci_perm perms[5];
	unsigned int data = PCI_MSI_DATA_32, n = 0;

	/* All virtual and read-only, then the fields the user may write. */
	vfio_pci_cfg_fill(cfg, pos + PCI_MSI_FLAGS, len - PCI_MSI_FLAGS, 0xff, 0);
	perms[n++] = (struct vfio_pci_perm)PERM(PCI_MSI_FLAGS, 2, 0xffff,
						PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	perms[n++] = (struct vfio_pci_perm)PERM(PCI_MSI_ADDRESS_LO, 4, ~0U, ~3U);
	if (flags & PCI_MSI_FLAGS_64BIT) {
		perms[n++] = (struct vfio_pci_perm)PERM_VIRT_RW(PCI_MSI_ADDRESS_HI, 4);
		data = PCI_MSI_DATA_64;
	}
	perms[n++] = (struct vfio_pci_perm)PERM_VIRT_RW(data, 2);
	if (flags & PCI_MSI_FLAGS_MASKBIT) {
		/* Mask bits are writable, pending bits read as zero. */
		perms[n++] = (struct vfio_pci_perm)PERM_VIRT_RW(data + 4, 4);
		if (data + 12 <= len)
			memset(cfg->vconfig + pos + data + 8, 0, 4);
	}
	vfio_pci_cfg_apply(cfg, pos, len, perms, n);
}

static unsigned int vfio_pci_msix_len(const u8 *raw, unsigned int pos)
{
	return PCI_CAP_MSIX_SIZEOF;
}

static unsigned int vfio_pci_vndr_len(const u8 *raw, unsigned int pos)
{
	return raw[pos + PCI_CAP_FLAGS];
}

static unsigned int vfio_pci_exp_len(const u8 *raw, unsigned int pos)
{
	u16 flags = get_unaligned_le16(raw + pos + PCI_EXP_FLAGS);

	return (flags & PCI_EXP_FLAGS_VERS) > 1 ? VFIO_PCI_EXP_SIZEOF_V2 :
	       VFIO_PCI_EXP_SIZEOF_V1;
}

static unsigned int vfio_pci_sriov_len(const u8 *raw, unsigned int pos)
{
	return PCI_EXT_CAP_SRIOV_SIZEOF;
}

static unsigned int vfio_pci_rebar_len(const u8 *raw, unsigned int pos)
{
	u32 ctrl = get_unaligned_le32(raw + pos + PCI_REBAR_CTRL);

	return 4 + 8 * FIELD_GET(PCI_REBAR_CTRL_NBAR_MASK, ctrl);
}

static unsigned int vfio_pci_err_len(const u8 *raw, unsigned int pos)
{
	return PCI_ERR_ROOT_COMMAND;
}

static const struct vfio_pci_cap vfio_pci_std_caps[] = {
	{ .id = PCI_CAP_ID_PM, .len = vfio_pci_pm_len,
	  .perms = vfio_pci_pm_perms, .nr_perms = ARRAY_SIZE(vfio_pci_pm_perms) },
	{ .id = PCI_CAP_ID_MSI, .len = vfio_pci_msi_len,
	  .setup = vfio_pci_msi_setup },
	{ .id = PCI_CAP_ID_MSIX, .len = vfio_pci_msix_len,
	  .perms = vfio_pci_msix_perms,
	  .nr_perms = ARRAY_SIZE(vfio_pci_msix_perms) },
	{ .id = PCI_CAP_ID_EXP, .len = vfio_pci_exp_len,
	  .perms = vfio_pci_exp_perms, .nr_perms = ARRAY_SIZE(vfio_pci_exp_perms) },
	{ .id = PCI_CAP_ID_VNDR, .raw = true, .len = vfio_pci_vndr_len },
};

/*
 * Hidden: SR-IOV (the host owns VF creation) and resizable BARs (BAR sizes
 * are fixed while the device is assigned).
 */
static const struct vfio_pci_cap vfio_pci_ext_caps[] = {
	{ .id = PCI_EXT_CAP_ID_ERR, .len = vfio_pci_err_len,
	  .perms = vfio_pci_err_perms, .nr_perms = ARRAY_SIZE(vfio_pci_err_perms) },
	{ .id = PCI_EXT_CAP_ID_SRIOV, .hide = true, .len = vfio_pci_sriov_len },
	{ .id = PCI_EXT_CAP_ID_REBAR, .hide = true, .len = vfio_pci_rebar_len },
	{ .id = VFIO_PCI_EXT_CAP_ID_VF_REBAR, .hide = true, .len = vfio_pci_rebar_len },
};

static const struct vfio_pci_cap *
vfio_pci_find_cap(const struct vfio_pci_cap *caps, unsigned int nr, u16 id)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (caps[i].id == id)
			return &caps[i];
	return NULL;
}

/*
 * The length of the capability at @pos: what the device says (@cap->len),
 * clamped to @room, the bytes up to the next capability or the end of
 * config space.  The one place a capability's length is read; everything
 * after it (fills, permission tables, setup) stays within the result, so
 * a malformed capability can neither reach past the tables nor give its
 * permissions to its neighbour's bytes.  @room is at least @hdrlen: the
 * chain's offsets are dword aligned.
 */
static unsigned int vfio_pci_cfg_cap_len(struct pci_dev *pdev, const u8 *raw,
					 const struct vfio_pci_cap *cap,
					 unsigned int pos, unsigned int room,
					 unsigned int hdrlen)
{
	unsigned int len = cap && cap->len ? cap->len(raw, pos) : room;

	if (len > room) {
		pci_dbg(pdev, "capability %#x at %#x clamped from %u to %u bytes\n",
			cap->id, pos, len, room);
		len = room;
	}
	return max(len, hdrlen);
}

/* Apply one capability at @pos with @room up to the next one.  True: hidden. */
static bool vfio_pci_cfg_cap(struct vfio_pci_cfg *cfg, struct pci_dev *pdev,
			     const u8 *raw, const struct vfio_pci_cap *cap,
			     unsigned int pos, unsigned int room,
			     unsigned int hdrlen)
{
	unsigned int len = vfio_pci_cfg_cap_len(pdev, raw, cap, pos, room,
						hdrlen);

	if (cap && cap->hide) {
		memset(cfg->vconfig + pos, 0, len);
		vfio_pci_cfg_fill(cfg, pos, len, 0xff, 0);
		return true;
	}

	/* Read-only by default; the chain pointers are virtual. */
	vfio_pci_cfg_fill(cfg, pos, len, 0, 0);
	vfio_pci_cfg_fill(cfg, pos, hdrlen, 0xff, 0);
	if (cap && cap->raw)
		vfio_pci_cfg_fill(cfg, pos + hdrlen, len - hdrlen, 0, 0xff);
	if (cap && cap->perms)
		vfio_pci_cfg_apply(cfg, pos, len, cap->perms, cap->nr_perms);
	if (cap && cap->setup)
		cap->setup(cfg, raw, pos, len);
	return false;
}

/*
 * The capabilities the PCI core found at enumeration and programs itself
 * (MSI, MSI-X, power management, PCI Express): their bit when @id at @pos
 * is one of them.  The walk at open must meet every one where the core
 * has it, or the core's registers would get the permissions of whatever
 * the walk saw there.
 */
#define VFIO_PCI_CORE_MSI	BIT(0)
#define VFIO_PCI_CORE_MSIX	BIT(1)
#define VFIO_PCI_CORE_PM	BIT(2)
#define VFIO_PCI_CORE_EXP	BIT(3)

static unsigned int vfio_pci_core_cap(struct pci_dev *pdev, unsigned int pos,
				      u8 id)
{
	if (pos == pdev->msi_cap && id == PCI_CAP_ID_MSI)
		return VFIO_PCI_CORE_MSI;
	if (pos == pdev->msix_cap && id == PCI_CAP_ID_MSIX)
		return VFIO_PCI_CORE_MSIX;
	if (pos == pdev->pm_cap && id == PCI_CAP_ID_PM)
		return VFIO_PCI_CORE_PM;
	if (pos == pdev->pcie_cap && id == PCI_CAP_ID_EXP)
		return VFIO_PCI_CORE_EXP;
	return 0;
}

static unsigned int vfio_pci_core_caps(struct pci_dev *pdev)
{
	return (pdev->msi_cap ? VFIO_PCI_CORE_MSI : 0) |
	       (pdev->msix_cap ? VFIO_PCI_CORE_MSIX : 0) |
	       (pdev->pm_cap ? VFIO_PCI_CORE_PM : 0) |
	       (pdev->pcie_cap ? VFIO_PCI_CORE_EXP : 0);
}

/* The offset of the next standard capability after @pos, or the end. */
static unsigned int vfio_pci_std_room(const u8 *raw, unsigned int pos)
{
	unsigned int end = PCI_CFG_SPACE_SIZE, p;
	u8 next = raw[PCI_CAPABILITY_LIST];
	int ttl = 48;

	while ((p = next & ~3) >= PCI_STD_HEADER_SIZEOF && ttl--) {
		if (p > pos && p < end)
			end = p;
		next = raw[p + PCI_CAP_LIST_NEXT];
	}
	return end - pos;
}

/* Return: the VFIO_PCI_CORE_* capabilities met on the way. */
static unsigned int vfio_pci_cfg_std_caps(struct vfio_pci_cfg *cfg,
					  struct pci_dev *pdev, const u8 *raw)
{
	unsigned int prev = PCI_CAPABILITY_LIST, pos, core = 0;
	u8 next = raw[PCI_CAPABILITY_LIST];
	int ttl = 48;

	if (!(raw[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;

	while ((pos = next & ~3) >= PCI_STD_HEADER_SIZEOF && ttl--) {
		const struct vfio_pci_cap *cap;
		u8 id = raw[pos + PCI_CAP_LIST_ID];

		next = raw[pos + PCI_CAP_LIST_NEXT];
		core |= vfio_pci_core_cap(pdev, pos, id);
		cap = vfio_pci_find_cap(vfio_pci_std_caps,
					ARRAY_SIZE(vfio_pci_std_caps), id);
		if (vfio_pci_cfg_cap(cfg, pdev, raw, cap, pos,
				     vfio_pci_std_room(raw, pos), 2)) {
			cfg->vconfig[prev] = next & ~3;
			continue;
		}
		cfg->vconfig[pos + PCI_CAP_LIST_NEXT] = next & ~3;
		prev = pos + PCI_CAP_LIST_NEXT;
	}
	return core;
}

static unsigned int vfio_pci_ext_room(const u8 *raw, unsigned int size,
				      unsigned int pos)
{
	unsigned int end = size, p = PCI_CFG_SPACE_SIZE;
	int ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
	u32 hdr;

	while (p >= PCI_CFG_SPACE_SIZE && p < size && ttl--) {
		hdr = get_unaligned_le32(raw + p);
		if (!hdr || hdr == ~0U)
			break;
		if (p > pos && p < end)
			end = p;
		p = PCI_EXT_CAP_NEXT(hdr);
	}
	return end - pos;
}

static void vfio_pci_cfg_ext_caps(struct vfio_pci_cfg *cfg,
				  struct pci_dev *pdev, const u8 *raw)
{
	int ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
	unsigned int pos = PCI_CFG_SPACE_SIZE, prev = 0, size = pdev->cfg_size;
	u32 hdr, next;

	if (size <= PCI_CFG_SPACE_SIZE)
		return;

	while (pos >= PCI_CFG_SPACE_SIZE && pos < size && ttl--) {
		const struct vfio_pci_cap *cap;

		hdr = get_unaligned_le32(raw + pos);
		if (!hdr || hdr == ~0U)
			break;
		next = PCI_EXT_CAP_NEXT(hdr);
		cap = vfio_pci_find_cap(vfio_pci_ext_caps,
					ARRAY_SIZE(vfio_pci_ext_caps),
					PCI_EXT_CAP_ID(hdr));
		if (vfio_pci_cfg_cap(cfg, pdev, raw, cap, pos,
				     vfio_pci_ext_room(raw, size, pos), 4)) {
			/*
			 * The chain starts at 0x100 whatever happens: a
			 * hidden first capability leaves an empty header
			 * (ID 0) pointing on.
			 */
			if (!prev) {
				put_unaligned_le32(next << 20, cfg->vconfig + pos);
				prev = pos;
			} else {
				hdr = get_unaligned_le32(cfg->vconfig + prev);
				hdr = (hdr & 0xfffff) | (next << 20);
				put_unaligned_le32(hdr, cfg->vconfig + prev);
			}
		} else {
			prev = pos;
		}
		pos = next;
	}
}

/*
 * Keep the virtual BARs what a BAR can hold: address bits above its size
 * and its read-only type bits.  Writing all-ones therefore reads back the
 * size mask, and the hardware BAR is never touched.
 */
static void vfio_pci_cfg_fixup_bars(struct vfio_pci_cfg *cfg,
				    struct pci_dev *pdev)
{
	unsigned int i;
	u32 val;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		u8 *p = cfg->vconfig + PCI_BASE_ADDRESS_0 + 4 * i;
		u64 len = cfg->bar_len[i];

		val = get_unaligned_le32(p);
		if (cfg->bar_upper[i])
			val &= ~(u32)((cfg->bar_len[i - 1] - 1) >> 32);
		else if (!len)
			val = 0;
		else if (pci_resource_flags(pdev, i) & IORESOURCE_IO)
			val = (val & (u32)~(len - 1) & PCI_BASE_ADDRESS_IO_MASK) |
			      cfg->bar_flags[i];
		else
			val = (val & (u32)~(len - 1) & PCI_BASE_ADDRESS_MEM_MASK) |
			      cfg->bar_flags[i];
		put_unaligned_le32(val, p);
	}

	val = get_unaligned_le32(cfg->vconfig + PCI_ROM_ADDRESS);
	if (cfg->rom_len)
		val &= ((u32)~(cfg->rom_len - 1) & PCI_ROM_ADDRESS_MASK) |
		       PCI_ROM_ADDRESS_ENABLE;
	else
		val = 0;
	put_unaligned_le32(val, cfg->vconfig + PCI_ROM_ADDRESS);
}

/*
 * A VF's BARs read as zero (they live in its PF's SR-IOV capability): its
 * type bits are those of the PCI core's view of the BAR.
 */
static u32 vfio_pci_cfg_vf_bar_type(struct pci_dev *pdev, unsigned int bar)
{
	unsigned long flags = pci_resource_flags(pdev, bar);

	if (flags & IORESOURCE_IO)
		return PCI_BASE_ADDRESS_SPACE_IO;
	return (flags & IORESOURCE_MEM_64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) |
	       (flags & IORESOURCE_PREFETCH ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
}

static void vfio_pci_cfg_init_bars(struct vfio_pci_cfg *cfg,
				   struct pci_dev *pdev)
{
	unsigned int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		u32 val = get_unaligned_le32(cfg->vconfig + PCI_BASE_ADDRESS_0 +
					     4 * i);

		cfg->bar_len[i] = pci_resource_len(pdev, i);
		if (pdev->is_virtfn)
			cfg->bar_flags[i] = vfio_pci_cfg_vf_bar_type(pdev, i);
		else
			cfg->bar_flags[i] = val & (pci_resource_flags(pdev, i) &
						   IORESOURCE_IO ?
						   ~PCI_BASE_ADDRESS_IO_MASK :
						   ~PCI_BASE_ADDRESS_MEM_MASK);
		if (i && (pci_resource_flags(pdev, i - 1) & IORESOURCE_MEM_64) &&
		    !cfg->bar_upper[i - 1] && cfg->bar_len[i - 1]) {
			cfg->bar_upper[i] = true;
			cfg->bar_len[i] = 0;
		}
	}
	cfg->rom_len = pci_resource_len(pdev, PCI_ROM_RESOURCE);
	vfio_pci_cfg_fixup_bars(cfg, pdev);
}

/*
 * An SR-IOV VF reads all-ones for its vendor and device ID and hardwires
 * Memory Space Enable to zero (PCIe SR-IOV spec, VF configuration space):
 * its BARs decode while its PF's VF MSE is set.  The IDs the PCI core
 * knows are shown instead, and Memory Space Enable is virtual, the user's
 * switch for BAR access (vpdev->vf_memory).
 */
static void vfio_pci_cfg_vf_header(struct vfio_pci_dev *vpdev,
				   struct vfio_pci_cfg *cfg)
{
	struct pci_dev *pdev = vpdev->pdev;

	put_unaligned_le16(pdev->vendor, cfg->vconfig + PCI_VENDOR_ID);
	put_unaligned_le16(pdev->device, cfg->vconfig + PCI_DEVICE_ID);
	cfg->virt[PCI_COMMAND] |= PCI_COMMAND_MEMORY;
	cfg->vconfig[PCI_COMMAND] &= ~PCI_COMMAND_MEMORY;
	vpdev->vf_memory = false;
}

/**
 * vfio_pci_cfg_init - build the virtual config space at open
 * @vpdev: the device, freshly reset and enabled
 *
 * Config space is read once, here; the virtual copy, the capability
 * layout and every length and permission come from that one reading, and
 * no later reading is compared with it.  A reading that cannot be right
 * is refused rather than sized from: a function that answers all-ones
 * (gone, or not ready after the reset), or a capability layout that has
 * lost a capability the PCI core found at enumeration and programs itself.
 *
 * Return: 0; -ENOMEM; -ENODEV for all-ones; -EIO for a capability layout
 * that does not hold the PCI core's capabilities where it found them.
 */
int vfio_pci_cfg_init(struct vfio_pci_dev *vpdev)
{
	struct pci_dev *pdev = vpdev->pdev;
	unsigned int size = pdev->cfg_size, pos, core;
	struct vfio_pci_cfg *cfg;
	u8 *raw;
	u32 val;
	int ret;

	raw = kzalloc(size, GFP_KERNEL);
	if (!raw)
		return -ENOMEM;
	for (pos = 0; pos < size; pos += 4) {
		if (pci_read_config_dword(pdev, pos, &val))
			val = 0;
		put_unaligned_le32(val, raw + pos);
	}
	/* A VF's IDs read all-ones by definition: look further. */
	if (PCI_POSSIBLE_ERROR(get_unaligned_le32(raw + PCI_COMMAND))) {
		pci_dbg(pdev, "config space reads all-ones at open\n");
		ret = -ENODEV;
		goto out_free_raw;
	}

	ret = -ENOMEM;
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		goto out_free_raw;
	cfg->vconfig = kzalloc(3 * size, GFP_KERNEL);
	if (!cfg->vconfig)
		goto out_free_cfg;
	memcpy(cfg->vconfig, raw, size);
	cfg->virt = cfg->vconfig + size;
	cfg->write = cfg->virt + size;

	/* Device-specific registers beyond the header pass through. */
	memset(cfg->write + PCI_STD_HEADER_SIZEOF, 0xff,
	       size - PCI_STD_HEADER_SIZEOF);
	vfio_pci_cfg_apply(cfg, 0, PCI_STD_HEADER_SIZEOF, vfio_pci_header_perms,
			   ARRAY_SIZE(vfio_pci_header_perms));
	/* INTx Disable is the user's own, clear at open like after a reset. */
	put_unaligned_le16(get_unaligned_le16(cfg->vconfig + PCI_COMMAND) &
			   ~PCI_COMMAND_INTX_DISABLE, cfg->vconfig + PCI_COMMAND);
	if (pdev->is_virtfn)
		vfio_pci_cfg_vf_header(vpdev, cfg);
	core = vfio_pci_cfg_std_caps(cfg, pdev, raw);
	if (core != vfio_pci_core_caps(pdev)) {
		pci_dbg(pdev, "capabilities moved since enumeration (%#x of %#x found)\n",
			core, vfio_pci_core_caps(pdev));
		ret = -EIO;
		goto out_free_cfg;
	}
	vfio_pci_cfg_ext_caps(cfg, pdev, raw);
	vfio_pci_cfg_init_bars(cfg, pdev);

	vpdev->cfg = cfg;
	kfree(raw);
	return 0;

out_free_cfg:
	kfree(cfg->vconfig);
	kfree(cfg);
out_free_raw:
	kfree(raw);
	return ret;
}

/**
 * vfio_pci_cfg_release - free the virtual config space at close
 * @vpdev: the device
 */
void vfio_pci_cfg_release(struct vfio_pci_dev *vpdev)
{
	if (!vpdev->cfg)
		return;
	kfree(vpdev->cfg->vconfig);
	kfree(vpdev->cfg);
	vpdev->cfg = NULL;
}

/**
 * vfio_pci_cfg_passthrough - make virtual bits of a register hardware bits
 * @vpdev: the device, its config space built by vfio_pci_cfg_init()
 * @pos: the register's offset in config space
 * @len: its width, 1, 2 or 4
 * @mask: the bits that the user's writes now reach the device through,
 *	and that reads take from the device
 *
 * Only bits the user may write are affected.
 */
void vfio_pci_cfg_passthrough(struct vfio_pci_dev *vpdev, unsigned int pos,
			      unsigned int len, u32 mask)
{
	struct vfio_pci_cfg *cfg = vpdev->cfg;
	unsigned int i;

	if (!cfg || pos + len > vpdev->pdev->cfg_size)
		return;
	for (i = 0; i < len; i++)
		cfg->virt[pos + i] &= ~(cfg->write[pos + i] & (mask >> (8 * i)));
}

static int vfio_pci_cfg_info(struct vfio_pci_dev *vpdev, unsigned int index,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	info->size = vpdev->pdev->cfg_size;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	return 0;
}

/* The widest naturally aligned access at @pos that fits in @count. */
static unsigned int vfio_pci_cfg_width(loff_t pos, size_t count)
{
	if (count >= 4 && IS_ALIGNED(pos, 4))
		return 4;
	if (count >= 2 && IS_ALIGNED(pos, 2))
		return 2;
	return 1;
}

static u32 vfio_pci_cfg_get(const u8 *p, unsigned int width)
{
	switch (width) {
	case 4:
		return get_unaligned_le32(p);
	case 2:
		return get_unaligned_le16(p);
	default:
		return *p;
	}
}

static void vfio_pci_cfg_put(u8 *p, unsigned int width, u32 val)
{
	switch (width) {
	case 4:
		put_unaligned_le32(val, p);
		break;
	case 2:
		put_unaligned_le16(val, p);
		break;
	default:
		*p = val;
		break;
	}
}

static int vfio_pci_cfg_hw_read(struct pci_dev *pdev, unsigned int pos,
				unsigned int width, u32 *val)
{
	u16 w;
	u8 b;
	int ret;

	switch (width) {
	case 4:
		ret = pci_user_read_config_dword(pdev, pos, val);
		break;
	case 2:
		ret = pci_user_read_config_word(pdev, pos, &w);
		*val = w;
		break;
	default:
		ret = pci_user_read_config_byte(pdev, pos, &b);
		*val = b;
		break;
	}
	return ret;
}

static int vfio_pci_cfg_hw_write(struct pci_dev *pdev, unsigned int pos,
				 unsigned int width, u32 val)
{
	switch (width) {
	case 4:
		return pci_user_write_config_dword(pdev, pos, val);
	case 2:
		return pci_user_write_config_word(pdev, pos, val);
	default:
		return pci_user_write_config_byte(pdev, pos, val);
	}
}

/*
 * Under memory_lock for read, or inside a read section of memory_seq whose
 * result is thrown away when a write hold overlapped it: nothing here
 * writes, and a read of config space changes nothing in the device.
 */
static int __vfio_pci_cfg_read(struct vfio_pci_dev *vpdev, unsigned int pos,
			       unsigned int width, u32 *val)
{
	struct vfio_pci_cfg *cfg = vpdev->cfg;
	u32 full = width == 4 ? ~0U : (1U << (8 * width)) - 1;
	u32 virt = vfio_pci_cfg_get(cfg->virt + pos, width);
	u32 hw = 0;
	int ret;

	if (virt != full) {
		ret = vfio_pci_cfg_hw_read(vpdev->pdev, pos, width, &hw);
		if (ret)
			return ret;
	}
	*val = (hw & ~virt) | (vfio_pci_cfg_get(cfg->vconfig + pos, width) & virt);
	return 0;
}

/*
 * One naturally aligned piece of a user's read, without memory_lock when
 * no write hold of it began or ended meanwhile: config reads are the
 * hottest path a VMM has into the driver (a guest's every config access
 * is one), and the lock's shared cache line is what made them slower
 * than stock's, which takes no lock.  What a write hold changes (the
 * virtual registers, the masks, the hardware's command register while
 * vfio_pci_mem_lock_and_enable() forces decode on, a reset) is never seen
 * half done: a read that overlapped one is done again under the lock, so
 * it answers as if it had waited for the hold, as it used to.  The
 * device's registers are reached through pci_lock on the read side, which
 * orders the hardware access after the count is read and before it is
 * checked.
 */
static int vfio_pci_cfg_read_piece(struct vfio_pci_dev *vpdev,
				   unsigned int pos, unsigned int width,
				   u32 *val)
{
	unsigned int seq = raw_read_seqcount(&vpdev->memory_seq);
	int ret;

	if (!(seq & 1)) {
		ret = __vfio_pci_cfg_read(vpdev, pos, width, val);
		if (!read_seqcount_retry(&vpdev->memory_seq, seq))
			return ret;
	}
	down_read(&vpdev->memory_lock);
	ret = __vfio_pci_cfg_read(vpdev, pos, width, val);
	up_read(&vpdev->memory_lock);
	return ret;
}

/*
 * Write the user's hardware bits of one piece.  Only the bytes that hold
 * such bits are written, so that write-one-to-clear status bytes next to
 * them are not written back; bytes with some bits read-only are merged
 * with what the device holds.
 */
static int vfio_pci_cfg_write_hw(struct vfio_pci_dev *vpdev, unsigned int pos,
				 unsigned int width, u32 val, u32 mask)
{
	unsigned int first = __ffs(mask) / 8, last = __fls(mask) / 8;
	u32 full, hw;
	int ret;

	if (first == last)
		width = 1;
	else if (last - first == 1 && IS_ALIGNED(pos + first, 2))
		width = 2;
	else
		first = 0;
	pos += first;
	val >>= 8 * first;
	mask >>= 8 * first;
	full = width == 4 ? ~0U : (1U << (8 * width)) - 1;
	mask &= full;

	if (mask != full) {
		ret = vfio_pci_cfg_hw_read(vpdev->pdev, pos, width, &hw);
		if (ret)
			return ret;
		val = (hw & ~mask) | (val & mask);
	}
	return vfio_pci_cfg_hw_write(vpdev->pdev, pos, width, val);
}

static int __vfio_pci_cfg_write(struct vfio_pci_dev *vpdev, unsigned int pos,
				unsigned int width, u32 val)
{
	struct vfio_pci_cfg *cfg = vpdev->cfg;
	u32 virt = vfio_pci_cfg_get(cfg->virt + pos, width);
	u32 write = vfio_pci_cfg_get(cfg->write + pos, width);
	u32 vmask = write & virt, hmask = write & ~virt;
	int ret;

	lockdep_assert_held_write(&vpdev->memory_lock);

	if (vmask) {
		u32 old = vfio_pci_cfg_get(cfg->vconfig + pos, width);

		vfio_pci_cfg_put(cfg->vconfig + pos, width,
				 (old & ~vmask) | (val & vmask));
		if (pos < PCI_CAPABILITY_LIST && pos + width > PCI_BASE_ADDRESS_0)
			vfio_pci_cfg_fixup_bars(cfg, vpdev->pdev);
		/* A VF's virtual Memory Space Enable (vfio_pci_cfg_vf_header()). */
		if (vpdev->pdev->is_virtfn && pos <= PCI_COMMAND &&
		    pos + width > PCI_COMMAND) {
			vpdev->vf_memory = cfg->vconfig[PCI_COMMAND] &
					   PCI_COMMAND_MEMORY;
			__vfio_pci_memory_sync(vpdev);
		}
	}
	if (hmask) {
		ret = vfio_pci_cfg_write_hw(vpdev, pos, width, val, hmask);
		if (ret)
			return ret;
		/* Memory decode may have changed: zap or allow mappings. */
		if (pos <= PCI_COMMAND && pos + width > PCI_COMMAND)
			__vfio_pci_memory_sync(vpdev);
	}
	return 0;
}

static bool vfio_pci_cfg_intx_disabled(struct vfio_pci_cfg *cfg)
{
	return get_unaligned_le16(cfg->vconfig + PCI_COMMAND) &
	       PCI_COMMAND_INTX_DISABLE;
}

/*
 * One naturally aligned piece of a user's write.  The command register
 * needs company: a VGA card's I/O and memory enables can be its legacy
 * routing, changed under the arbiter only; the virtual INTx Disable bit
 * masks INTx, changed under irq.lock so that the mask follows the writes
 * in their order.
 */
static int vfio_pci_cfg_write_piece(struct vfio_pci_dev *vpdev,
				    unsigned int pos, unsigned int width,
				    u32 val)
{
	bool decode = pos <= PCI_COMMAND && pos + width > PCI_COMMAND;
	bool intx = pos <= PCI_COMMAND + 1 && pos + width > PCI_COMMAND + 1;
	struct pci_dev *vga_held = NULL;
	bool was, now;
	int ret;

	if (decode) {
		ret = vfio_pci_vga_decode_get(vpdev, &vga_held);
		if (ret)
			return ret;
	}
	if (intx)
		mutex_lock(&vpdev->irq.lock);

	vfio_pci_memory_write_lock(vpdev);
	was = vfio_pci_cfg_intx_disabled(vpdev->cfg);
	ret = __vfio_pci_cfg_write(vpdev, pos, width, val);
	now = vfio_pci_cfg_intx_disabled(vpdev->cfg);
	vfio_pci_memory_write_unlock(vpdev);

	if (intx) {
		if (was != now)
			vfio_pci_intx_virt_disable(vpdev, now);
		mutex_unlock(&vpdev->irq.lock);
	}
	vfio_pci_vga_decode_put(vga_held);
	return ret;
}

static ssize_t vfio_pci_cfg_rw(struct vfio_pci_dev *vpdev, unsigned int index,
			       char __user *buf, size_t count, loff_t pos,
			       bool write)
{
	struct pci_dev *pdev = vpdev->pdev;
	size_t done = 0;

	if (pos >= pdev->cfg_size)
		return -EINVAL;
	count = min_t(size_t, count, pdev->cfg_size - pos);

	while (done < count) {
		unsigned int width = vfio_pci_cfg_width(pos, count - done);
		__le32 le = 0;
		u32 val;
		int ret;

		/* User copies stay outside memory_lock (see its comment). */
		if (write) {
			if (vfio_pci_copy_piece(&le, buf + done, width, true))
				return done ? done : -EFAULT;
			ret = vfio_pci_cfg_write_piece(vpdev, pos, width,
						       le32_to_cpu(le));
		} else {
			ret = vfio_pci_cfg_read_piece(vpdev, pos, width, &val);
			le = cpu_to_le32(val);
			if (!ret && vfio_pci_copy_piece(&le, buf + done, width, false))
				return done ? done : -EFAULT;
		}
		if (ret)
			return done ? done : ret;
		done += width;
		pos += width;
	}
	return done;
}

const struct vfio_pci_region_ops vfio_pci_cfg_region_ops = {
	.info	= vfio_pci_cfg_info,
	.rw	= vfio_pci_cfg_rw,
};
