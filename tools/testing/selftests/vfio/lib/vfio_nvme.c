// SPDX-License-Identifier: GPL-2.0-only
/*
 * A polled NVMe admin queue over VFIO, for tests that need the device's
 * cooperation (NVMe Base Specification 2.0: controller registers in 3.1,
 * initialization in 3.5.1, queue entries in 4.2 and 4.6).
 */
#include <assert.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "vfio_nvme.h"

#define NVME_REG_CAP		0x00
#define NVME_REG_INTMS		0x0c
#define NVME_REG_CC		0x14
#define NVME_REG_CSTS		0x1c
#define NVME_REG_AQA		0x24
#define NVME_REG_ASQ		0x28
#define NVME_REG_ACQ		0x30
#define NVME_REG_DBS		0x1000

#define NVME_CC_EN		0x00000001
#define NVME_CC_IOSQES		0x00060000	/* 2^6: 64-byte SQ entries */
#define NVME_CC_IOCQES		0x00400000	/* 2^4: 16-byte CQ entries */
#define NVME_CSTS_RDY		0x00000001
#define NVME_CSTS_CFS		0x00000002

#define NVME_PAGE		4096
#define NVME_CMD_TIMEOUT_MS	5000

struct nvme_cqe {
	__u32 result;
	__u32 rsvd;
	__u16 sq_head, sq_id;
	__u16 cid;
	__u16 status;		/* phase tag in bit 0 */
};

static_assert(sizeof(struct vfio_nvme_cmd) == 64, "an SQ entry is 64 bytes");
static_assert(sizeof(struct nvme_cqe) == 16, "a CQ entry is 16 bytes");

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static int reg_read(struct vfio_nvme *nvme, unsigned int off, __u32 *val)
{
	ssize_t n = pread(nvme->dev->fd, val, 4, nvme->bar0 + off);

	return n == 4 ? 0 : n < 0 ? -errno : -EIO;
}

static int reg_write(struct vfio_nvme *nvme, unsigned int off, __u32 val)
{
	ssize_t n = pwrite(nvme->dev->fd, &val, 4, nvme->bar0 + off);

	return n == 4 ? 0 : n < 0 ? -errno : -EIO;
}

/* 64-bit registers as two dwords, low first: every driver passes those. */
static int reg_write64(struct vfio_nvme *nvme, unsigned int off, __u64 val)
{
	return reg_write(nvme, off, (__u32)val) ?: reg_write(nvme, off + 4, val >> 32);
}

int __vfio_nvme_init(struct vfio_nvme *nvme, struct vfio_dev *dev, __u64 iova)
{
	struct vfio_region_info info;
	__u32 cap_lo, cap_hi;
	int ret;

	memset(nvme, 0, sizeof(*nvme));
	nvme->dev = dev;
	nvme->iova = iova;
	ret = __vfio_region_info(dev, VFIO_PCI_BAR0_REGION_INDEX, &info);
	if (ret)
		return ret;
	nvme->bar0 = info.offset;

	ret = reg_read(nvme, NVME_REG_CAP, &cap_lo) ?: reg_read(nvme, NVME_REG_CAP + 4, &cap_hi);
	if (ret)
		return ret;
	nvme->db_stride = 4u << (cap_hi & 0xf);
	/* CAP.TO is in 500 ms units; a little more for a busy emulator. */
	nvme->ready_ms = ((cap_lo >> 24) & 0xff) * 500 + 1000;

	/* Shared: processes forked later see what the device writes. */
	nvme->mem = mmap(NULL, 3 * NVME_PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (nvme->mem == MAP_FAILED) {
		nvme->mem = NULL;
		return -errno;
	}
	memset(nvme->mem, 0, 3 * NVME_PAGE);
	ret = __vfio_dma_map(dev, nvme->mem, iova, 3 * NVME_PAGE);
	if (ret) {
		munmap(nvme->mem, 3 * NVME_PAGE);
		nvme->mem = NULL;
	}
	return ret;
}

void vfio_nvme_fini(struct vfio_nvme *nvme)
{
	if (!nvme->mem)
		return;
	__vfio_nvme_disable(nvme);
	__vfio_dma_unmap(nvme->dev, nvme->iova, 3 * NVME_PAGE);
	munmap(nvme->mem, 3 * NVME_PAGE);
	nvme->mem = NULL;
}

static int wait_ready(struct vfio_nvme *nvme, bool ready)
{
	__u64 end = now_ms() + nvme->ready_ms;
	__u32 csts;
	int ret;

	for (;;) {
		ret = reg_read(nvme, NVME_REG_CSTS, &csts);
		if (ret)
			return ret;
		if (csts == ~0u)	/* gone, or memory decode off */
			return -EIO;
		if (ready && (csts & NVME_CSTS_CFS))
			return -EIO;
		if (!!(csts & NVME_CSTS_RDY) == ready)
			return 0;
		if (now_ms() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

int __vfio_nvme_disable(struct vfio_nvme *nvme)
{
	return reg_write(nvme, NVME_REG_CC, 0) ?: wait_ready(nvme, false);
}

/* Memory decode and bus mastering on, through the config region. */
static int command_on(struct vfio_nvme *nvme)
{
	__u16 cmd;
	ssize_t n;

	n = __vfio_region_read(nvme->dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
			       &cmd, sizeof(cmd));
	if (n == sizeof(cmd)) {
		cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
		n = __vfio_region_write(nvme->dev, VFIO_PCI_CONFIG_REGION_INDEX,
					PCI_COMMAND, &cmd, sizeof(cmd));
	}
	return n == sizeof(cmd) ? 0 : n < 0 ? n : -EIO;
}

int __vfio_nvme_enable(struct vfio_nvme *nvme)
{
	int ret;

	ret = command_on(nvme) ?: __vfio_nvme_disable(nvme);
	if (ret)
		return ret;

	memset(nvme->mem, 0, 2 * NVME_PAGE);
	nvme->sq_tail = 0;
	nvme->cq_head = 0;
	nvme->phase = 1;
	ret = reg_write(nvme, NVME_REG_AQA,
			(VFIO_NVME_QDEPTH - 1) << 16 | (VFIO_NVME_QDEPTH - 1)) ?:
	      reg_write64(nvme, NVME_REG_ASQ, nvme->iova) ?:
	      reg_write64(nvme, NVME_REG_ACQ, nvme->iova + NVME_PAGE) ?:
	      reg_write(nvme, NVME_REG_CC, NVME_CC_EN | NVME_CC_IOSQES | NVME_CC_IOCQES) ?:
	      wait_ready(nvme, true);
	if (ret)
		return ret;
	/* Without MSI-X the admin CQ would raise INTx, which nobody handles. */
	return reg_write(nvme, NVME_REG_INTMS, ~0u);
}

void vfio_nvme_enable(struct vfio_nvme *nvme)
{
	int ret = __vfio_nvme_enable(nvme);

	if (ret) {
		errno = -ret;
		VFIO_FAIL("NVMe controller %s did not come up", nvme->dev->bdf);
	}
}

int vfio_nvme_admin(struct vfio_nvme *nvme, struct vfio_nvme_cmd *cmd, __u32 *result)
{
	struct vfio_nvme_cmd *sq = (void *)nvme->mem;
	struct nvme_cqe *cq = (void *)(nvme->mem + NVME_PAGE), *cqe;
	__u16 cid = nvme->cid++;
	__u64 end;
	int ret;

	cmd->cdw0 = (cmd->cdw0 & 0xffff) | (__u32)cid << 16;
	if (!cmd->prp1)
		cmd->prp1 = nvme->iova + 2 * NVME_PAGE;
	sq[nvme->sq_tail] = *cmd;
	nvme->sq_tail = (nvme->sq_tail + 1) % VFIO_NVME_QDEPTH;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = reg_write(nvme, NVME_REG_DBS, nvme->sq_tail);
	if (ret)
		return ret;

	cqe = &cq[nvme->cq_head];
	end = now_ms() + NVME_CMD_TIMEOUT_MS;
	while ((__atomic_load_n(&cqe->status, __ATOMIC_ACQUIRE) & 1) != nvme->phase) {
		if (now_ms() > end)
			return -ETIMEDOUT;
		usleep(200);
	}
	if (++nvme->cq_head == VFIO_NVME_QDEPTH) {
		nvme->cq_head = 0;
		nvme->phase ^= 1;
	}
	ret = reg_write(nvme, NVME_REG_DBS + nvme->db_stride, nvme->cq_head);
	if (ret)
		return ret;
	if (cqe->cid != cid)
		return -EPROTO;
	if (result)
		*result = cqe->result;
	return cqe->status >> 1;
}

int vfio_nvme_identify(struct vfio_nvme *nvme, __u8 cns)
{
	struct vfio_nvme_cmd cmd = {
		.cdw0 = NVME_ADMIN_IDENTIFY,
		.cdw10 = cns,
	};

	memset(vfio_nvme_data(nvme), 0, NVME_PAGE);
	return vfio_nvme_admin(nvme, &cmd, NULL);
}

int vfio_nvme_virt_mgmt(struct vfio_nvme *nvme, __u8 act, __u8 rt, __u16 cntlid,
			__u16 nr, __u32 *result)
{
	struct vfio_nvme_cmd cmd = {
		.cdw0 = NVME_ADMIN_VIRT_MGMT,
		.cdw10 = (__u32)cntlid << 16 | (rt & 0x7) << 8 | (act & 0xf),
		.cdw11 = nr,
	};

	return vfio_nvme_admin(nvme, &cmd, result);
}
