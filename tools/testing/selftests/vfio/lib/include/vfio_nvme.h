/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough of an NVMe host to send admin commands to a controller
 * opened through VFIO: BAR0 through the region, the admin queues and one
 * data page in memory DMA-mapped through the device's container or IOAS.
 * No interrupts: completions are polled.
 *
 * Commands return the NVMe status field (Status Code Type << 8 | Status
 * Code, 0 for success) when the controller completed them, or -errno when
 * it did not (-ETIMEDOUT) or could not be reached.
 */
#ifndef VFIO_NVME_H
#define VFIO_NVME_H

#include "vfio_util.h"

#define NVME_ADMIN_IDENTIFY		0x06
#define NVME_ADMIN_VIRT_MGMT		0x1c

#define NVME_ID_CNS_CTRL		0x01
#define NVME_ID_CNS_PRI_CTRL_CAP	0x14

/* Virtualization Management: actions and resource types (CDW10). */
#define NVME_VIRT_ACT_PRI_ALLOC		0x1	/* Primary Controller Flexible Allocation */
#define NVME_VIRT_RT_VQ			0x0
#define NVME_VIRT_RT_VI			0x1

/* Identify Controller: Controller ID, bytes 79:78. */
#define NVME_ID_CTRL_CNTLID		78

/* Primary Controller Capabilities: the interrupt resources. */
#define NVME_PCC_VIFRT			64	/* flexible, total (32 bits) */
#define NVME_PCC_VIRFA			68	/* flexible, assigned to secondaries (32) */
#define NVME_PCC_VIRFAP			72	/* flexible, allocated to this one (16) */
#define NVME_PCC_VIPRT			74	/* private (16) */

#define VFIO_NVME_QDEPTH		16

struct vfio_nvme_cmd {
	__u32 cdw0;		/* opcode 7:0, command id 31:16 (filled in) */
	__u32 nsid;
	__u32 rsvd[2];
	__u64 mptr;
	__u64 prp1;		/* 0: the helper's data page */
	__u64 prp2;
	__u32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

/**
 * struct vfio_nvme - an NVMe controller driven through VFIO
 * @dev: the device, opened
 * @mem: admin SQ, admin CQ and a data page, one page each
 * @iova: where @mem is mapped for the device
 * @bar0: the file offset of BAR0 in the device fd
 * @db_stride: the doorbell stride in bytes
 * @ready_ms: how long CSTS.RDY may take to follow CC.EN (CAP.TO)
 * @sq_tail: next SQ slot
 * @cq_head: next CQ slot
 * @phase: the phase tag a new completion carries
 * @cid: the next command id
 */
struct vfio_nvme {
	struct vfio_dev *dev;
	unsigned char *mem;
	__u64 iova;
	__u64 bar0;
	unsigned int db_stride;
	unsigned int ready_ms;
	unsigned int sq_tail, cq_head;
	unsigned int phase;
	__u16 cid;
};

/* Little-endian fields of what the controller returns. */
static inline __u16 vfio_nvme_le16(const void *p, unsigned int off)
{
	const __u8 *b = (const __u8 *)p + off;

	return b[0] | b[1] << 8;
}

static inline __u32 vfio_nvme_le32(const void *p, unsigned int off)
{
	return vfio_nvme_le16(p, off) | (__u32)vfio_nvme_le16(p, off + 2) << 16;
}

/* The data page, where Identify lands (4096 bytes). */
static inline void *vfio_nvme_data(struct vfio_nvme *nvme)
{
	return nvme->mem + 2 * 4096;
}

/*
 * Map the queues at @iova (three pages) and unmap them; 0 or -errno.  The
 * memory is shared with processes forked after the init: one command at
 * a time among them, and @nvme->dev pointing at a device fd of theirs.
 */
int __vfio_nvme_init(struct vfio_nvme *nvme, struct vfio_dev *dev, __u64 iova);
void vfio_nvme_fini(struct vfio_nvme *nvme);

/*
 * Reset the controller (CC.EN = 0) and bring it up with the admin queues
 * (CC.EN = 1, CSTS.RDY); 0 or -errno (-ETIMEDOUT, -EIO for CSTS.CFS).
 * Its interrupts are masked (INTMS): only polling here.
 */
int __vfio_nvme_enable(struct vfio_nvme *nvme);
void vfio_nvme_enable(struct vfio_nvme *nvme);
/* CC.EN = 0 and wait for CSTS.RDY = 0: no more DMA from the controller. */
int __vfio_nvme_disable(struct vfio_nvme *nvme);

/* Submit @cmd on the admin queue and poll; DW0 of the completion in @result. */
int vfio_nvme_admin(struct vfio_nvme *nvme, struct vfio_nvme_cmd *cmd, __u32 *result);

/* Identify with @cns into the data page. */
int vfio_nvme_identify(struct vfio_nvme *nvme, __u8 cns);

/* Virtualization Management: @act on @nr resources of type @rt of @cntlid. */
int vfio_nvme_virt_mgmt(struct vfio_nvme *nvme, __u8 act, __u8 rt, __u16 cntlid,
			__u16 nr, __u32 *result);

#endif /* VFIO_NVME_H */
