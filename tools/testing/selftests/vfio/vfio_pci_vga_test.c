// SPDX-License-Identifier: GPL-2.0-only
/*
 * The legacy VGA region (VFIO_PCI_VGA_REGION_INDEX): region info, the
 * ranges and their boundaries, short accesses at range ends, register and
 * memory round trips, bulk transfers, interruption by a signal, and
 * isolation between cards under the VGA arbiter.
 *
 * Usage: vfio_pci_vga_test [harness options] BDF
 * The tests between cards (isolation_between_cards,
 * routing_survives_hot_reset, hot_reset_does_not_wait_for_arbiter,
 * host_routing_untouched) take their cards from VFIO_SELFTESTS_VGA_BDFS
 * ("BDF BDF ..."), bound to vfio-pci (host_routing_untouched: all but the
 * boot VGA, which it needs on the host); with fewer than two they skip.
 * They need only one run: select them with -t, and leave them out of per-device runs with -T.
 */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define VGA		VFIO_PCI_VGA_REGION_INDEX
#define VGA_MEM		0xa0000
#define VGA_MEM_SIZE	0x20000
#define SEQ_INDEX	0x3c4
#define GFX_INDEX	0x3ce

static const char *bdf;

/* 0 when the device offers the VGA region, else the skip reason. */
static const char *vga_absent(struct vfio_dev *dev)
{
	struct vfio_region_info info;

	if (__vfio_region_info(dev, VGA, &info))
		return "no VGA region on this device";
	return NULL;
}

static ssize_t vga_read(struct vfio_dev *dev, __u64 addr, void *buf, size_t len)
{
	return __vfio_region_read(dev, VGA, addr, buf, len);
}

static ssize_t vga_write(struct vfio_dev *dev, __u64 addr, const void *buf, size_t len)
{
	return __vfio_region_write(dev, VGA, addr, buf, len);
}

/* Write an indexed register (sequencer 0x3c4 or graphics controller 0x3ce). */
static void vga_reg_write(struct vfio_dev *dev, unsigned int port, __u8 index, __u8 val)
{
	__u16 pair = index | (val << 8);

	vfio_region_write(dev, VGA, port, &pair, 2);
}

static __u8 vga_reg_read(struct vfio_dev *dev, unsigned int port, __u8 index)
{
	__u8 val;

	vfio_region_write(dev, VGA, port, &index, 1);
	vfio_region_read(dev, VGA, port + 1, &val, 1);
	return val;
}

/*
 * Make legacy memory a plain byte array: all planes writable, chain-4
 * addressing, the 128 KiB map at 0xa0000.  For tests of one card only:
 * see vga_planar_memory().
 */
static void vga_linear_memory(struct vfio_dev *dev)
{
	/*
	 * Cirrus extended mode off: with it on, QEMU's cirrus model feeds
	 * legacy memory writes to a pending CPU-to-screen blit (which the
	 * BAR tests may have started).  A reserved register on plain VGA.
	 */
	vga_reg_write(dev, SEQ_INDEX, 0x07, 0x00);
	vga_reg_write(dev, SEQ_INDEX, 0x02, 0x0f);	/* map mask: all planes */
	vga_reg_write(dev, SEQ_INDEX, 0x04, 0x08);	/* memory mode: chain 4 */
	vga_reg_write(dev, GFX_INDEX, 0x05, 0x00);	/* read/write mode 0 */
	vga_reg_write(dev, GFX_INDEX, 0x06, 0x00);	/* map 0xa0000-0xbffff */
}

/*
 * Legacy memory as a byte array without chain 4: planar addressing, write
 * mode 0 with set/reset off and the bit mask (GR08) at 0xff writes a byte
 * into all four planes, and read mode 0 returns it from plane 0.  The map
 * is 0xa0000-0xbffff as in vga_linear_memory().
 *
 * The tests between cards use this mode, not chain 4.  QEMU's std VGA in
 * chain 4 with all planes enabled maps its VRAM straight into its bus's
 * address space (vga_update_memory_access(), the "vga.chain4" alias, at
 * priority 2), whatever its command register says.  For the boot VGA on
 * the root bus that alias overrides the bridges' VGA windows (priority 1,
 * pci_register_vga()), so legacy memory cycles routed by the arbiter to a
 * card behind a bridge land in the boot VGA's VRAM, although the arbiter
 * has cleared the boot VGA's memory decode.  Real cards stop decoding
 * when their memory enable is clear.
 */
static void vga_planar_memory(struct vfio_dev *dev)
{
	vga_reg_write(dev, SEQ_INDEX, 0x07, 0x00);	/* cirrus extended mode off */
	vga_reg_write(dev, SEQ_INDEX, 0x02, 0x0f);	/* map mask: all planes */
	vga_reg_write(dev, SEQ_INDEX, 0x04, 0x06);	/* memory mode: planar */
	vga_reg_write(dev, GFX_INDEX, 0x01, 0x00);	/* set/reset off */
	vga_reg_write(dev, GFX_INDEX, 0x03, 0x00);	/* no rotation, replace */
	vga_reg_write(dev, GFX_INDEX, 0x04, 0x00);	/* read plane 0 */
	vga_reg_write(dev, GFX_INDEX, 0x05, 0x00);	/* read/write mode 0 */
	vga_reg_write(dev, GFX_INDEX, 0x06, 0x01);	/* graphics, 0xa0000-0xbffff */
	vga_reg_write(dev, GFX_INDEX, 0x08, 0xff);	/* bit mask: the CPU's byte */
}

FIXTURE(vga) {
	struct vfio_dev dev;
};

FIXTURE_VARIANT(vga) {
	unsigned long iommu_mode;
};

FIXTURE_VARIANT_ADD(vga, type1v2) {
	.iommu_mode = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_VARIANT_ADD(vga, iommufd) {
	.iommu_mode = VFIO_IOMMUFD,
};

FIXTURE_SETUP(vga)
{
	if (vfio_mode_missing(bdf, variant->iommu_mode))
		SKIP(return, "%s", vfio_mode_missing(bdf, variant->iommu_mode));
	vfio_dev_open(&self->dev, bdf, variant->iommu_mode);
}

FIXTURE_TEARDOWN(vga)
{
	vfio_dev_close(&self->dev);
}

TEST_F(vga, region_info)
{
	struct vfio_region_info info;
	unsigned long class;
	int ret;

	ASSERT_EQ(0, vfio_sysfs_read_hex(bdf, "class", &class));
	ret = __vfio_region_info(&self->dev, VGA, &info);
	if ((class >> 8) != 0x0300) {
		ASSERT_EQ(-EINVAL, ret);
		return;
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0xc0000, info.size);
	ASSERT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE, info.flags);
}

/* Every range boundary: inside is accepted, the holes are -EINVAL. */
TEST_F(vga, range_boundaries)
{
	static const struct { __u64 addr; bool ok; } probes[] = {
		{ 0x0, false }, { 0x3af, false }, { 0x3b0, true }, { 0x3bb, true },
		{ 0x3bc, false }, { 0x3bf, false }, { 0x3c0, true }, { 0x3df, true },
		{ 0x3e0, false }, { 0x1000, false }, { 0x9ffff, false },
		{ 0xa0000, true }, { 0xbffff, true }, { 0xc0000, false },
		{ 0xfffff, false }, { 1ULL << 39, false },
	};
	const char *why = vga_absent(&self->dev);
	__u8 b;

	if (why)
		SKIP(return, "%s", why);
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		ssize_t n = vga_read(&self->dev, probes[i].addr, &b, 1);

		ASSERT_EQ(probes[i].ok ? 1 : -EINVAL, n)
			TH_LOG("read at %#llx", (unsigned long long)probes[i].addr);
	}
	/* Writes follow the same map (only harmless targets are written). */
	b = 0;
	ASSERT_EQ(-EINVAL, vga_write(&self->dev, 0x3bc, &b, 1));
	ASSERT_EQ(-EINVAL, vga_write(&self->dev, 0xc0000, &b, 1));
	ASSERT_EQ(-EINVAL, vga_write(&self->dev, 0x9ffff, &b, 1));
}

/* An access that runs past the end of its range is cut at the end. */
TEST_F(vga, straddles_are_cut_short)
{
	const char *why = vga_absent(&self->dev);
	__u8 buf[16];

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(2, vga_read(&self->dev, 0x3ba, buf, 4));
	ASSERT_EQ(4, vga_read(&self->dev, 0x3dc, buf, 8));
	ASSERT_EQ(8, vga_read(&self->dev, 0xbfff8, buf, 16));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(8, vga_write(&self->dev, 0xbfff8, buf, 16));
}

TEST_F(vga, zero_length)
{
	const char *why = vga_absent(&self->dev);
	__u8 b;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, vga_read(&self->dev, 0x3c0, &b, 0));
	ASSERT_EQ(0, vga_write(&self->dev, 0x3c0, &b, 0));
}

TEST_F(vga, register_round_trip)
{
	const char *why = vga_absent(&self->dev);

	if (why)
		SKIP(return, "%s", why);
	for (unsigned int v = 0; v < 256; v += 37) {
		vga_reg_write(&self->dev, GFX_INDEX, 0x08, v);	/* bit mask */
		ASSERT_EQ(v, vga_reg_read(&self->dev, GFX_INDEX, 0x08));
	}
	vga_reg_write(&self->dev, GFX_INDEX, 0x08, 0xff);
}

/* Sizes 1-8 at every alignment, in one call each. */
TEST_F(vga, any_size_any_alignment)
{
	const char *why = vga_absent(&self->dev);
	__u8 out[16], in[16];

	if (why)
		SKIP(return, "%s", why);
	vga_linear_memory(&self->dev);
	for (unsigned int align = 0; align < 8; align++) {
		for (unsigned int len = 1; len <= 9; len++) {
			__u64 addr = VGA_MEM + 0x100 + align;

			for (unsigned int i = 0; i < len; i++)
				out[i] = align * 16 + len + i * 7;
			ASSERT_EQ(len, vga_write(&self->dev, addr, out, len));
			memset(in, 0, sizeof(in));
			ASSERT_EQ(len, vga_read(&self->dev, addr, in, len));
			ASSERT_EQ(0, memcmp(out, in, len))
				TH_LOG("len %u at %#llx", len, (unsigned long long)addr);
		}
	}
}

/*
 * The whole 128 KiB legacy window in one pwrite and one pread (both drivers
 * do it; ours moves it in bounded arbiter holds).
 */
TEST_F(vga, bulk_128k)
{
	const char *why = vga_absent(&self->dev);
	__u8 *out, *in;
	ssize_t n;

	if (why)
		SKIP(return, "%s", why);
	vga_linear_memory(&self->dev);
	out = malloc(VGA_MEM_SIZE);
	in = malloc(VGA_MEM_SIZE);
	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	for (size_t i = 0; i < VGA_MEM_SIZE; i++)
		out[i] = (i * 131 + (i >> 8)) & 0xff;

	n = vga_write(&self->dev, VGA_MEM, out, VGA_MEM_SIZE);
	ASSERT_EQ(VGA_MEM_SIZE, n);
	n = vga_read(&self->dev, VGA_MEM, in, VGA_MEM_SIZE);
	ASSERT_EQ(VGA_MEM_SIZE, n);
	ASSERT_EQ(0, memcmp(out, in, VGA_MEM_SIZE));
	free(out);
	free(in);
}

TEST_F(vga, bad_user_buffer)
{
	const char *why = vga_absent(&self->dev);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(-EFAULT, vga_read(&self->dev, 0x3cc, (void *)8, 1));
	ASSERT_EQ(-EFAULT, vga_write(&self->dev, 0x3cc, (void *)8, 1));
	ASSERT_EQ(-EFAULT, vga_read(&self->dev, VGA_MEM, (void *)8, 4096));
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * A reader blocked on the arbiter is interrupted by a signal: -EINTR and
 * nothing accessed.  The lock is held through /dev/vga_arbiter on another
 * VGA card (VFIO_SELFTESTS_VGA_BDFS, or the boot VGA).
 */
TEST_F(vga, blocked_waiter_interrupted)
{
	const char *why = vga_absent(&self->dev);
	struct sigaction sa = { .sa_handler = on_alarm };
	char target[64], boot[32], *other = NULL, *list, *tok;
	const char *env = getenv("VFIO_SELFTESTS_VGA_BDFS");
	int arb;
	__u8 b;
	ssize_t n;

	if (why)
		SKIP(return, "%s", why);
	if (!env && vfio_sysfs_boot_vga(boot, sizeof(boot)))
		env = boot;
	list = strdup(env ? env : "");
	for (tok = strtok(list, " "); tok; tok = strtok(NULL, " "))
		if (strcmp(tok, bdf)) {
			other = tok;
			break;
		}
	if (!other)
		SKIP(free(list); return, "no second VGA card to hold the arbiter");

	arb = open("/dev/vga_arbiter", O_RDWR);
	if (arb < 0)
		SKIP(free(list); return, "no /dev/vga_arbiter");
	snprintf(target, sizeof(target), "target PCI:%s", other);
	if (write(arb, target, strlen(target)) < 0)
		SKIP(close(arb); free(list); return, "arbiter does not know %s", other);
	ASSERT_LT(0, write(arb, "lock io+mem", 11));

	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	n = vga_read(&self->dev, 0x3cc, &b, 1);
	alarm(0);
	ASSERT_EQ(-EINTR, n);

	ASSERT_LT(0, write(arb, "unlock all", 10));
	/* With the lock released the same read goes through. */
	ASSERT_EQ(1, vga_read(&self->dev, 0x3cc, &b, 1));
	close(arb);
	free(list);
}

/*
 * One process per card, each writing its own values into its card's
 * graphics-controller bit mask register and legacy memory, many rounds,
 * in random interleaving.  Every read-back must match its own card.
 * Before the rounds, every card writes its own bytes at one shared
 * address, and only then does every card read them back: any legacy
 * memory cycle that reaches another card shows there for certain, where
 * the random rounds would only catch it when two addresses collide.
 *
 * No round starts before every card is in planar mode: an earlier test
 * may have left a card in chain 4 (the boot VGA has no reset), and in
 * QEMU that card would take every card's legacy memory cycles until its
 * own worker switched it (see vga_planar_memory()).
 */
#define ISO_ROUNDS	300
#define ISO_SHARED	(VGA_MEM + 0x40)

/* Process-shared barriers of the isolation workers. */
struct iso_sync {
	pthread_barrier_t set_up;	/* every card in planar mode */
	pthread_barrier_t written;	/* every card wrote the shared address */
};

static void iso_pattern(__u8 *mem, unsigned int id, __u8 want)
{
	for (unsigned int i = 0; i < 8; i++)
		mem[i] = want ^ (i * 29) ^ id;
}

/* The shared-address check: mismatches, or -1 when an access failed. */
static int iso_shared_address(struct vfio_dev *dev, const char *card,
			      unsigned int id, struct iso_sync *sync)
{
	__u8 mem[8], back[8];
	int bad = 0;

	/* Byte 0 is 16 times the writer's number: it says whose it is. */
	iso_pattern(mem, id, 0x11 * id);
	if (vga_write(dev, ISO_SHARED, mem, sizeof(mem)) != sizeof(mem))
		bad = -1;
	pthread_barrier_wait(&sync->written);
	if (vga_read(dev, ISO_SHARED, back, sizeof(back)) != sizeof(back))
		return -1;
	if (!bad && memcmp(mem, back, sizeof(mem))) {
		fprintf(stderr, "# %s: wrote %02x%02x.. at %#x, read %02x%02x..\n",
			card, mem[0], mem[1], ISO_SHARED, back[0], back[1]);
		bad = 1;
	}
	return bad;
}

static int isolation_worker(const char *card, unsigned int id, unsigned int seed,
			    struct iso_sync *sync)
{
	struct vfio_dev dev;
	unsigned int mismatches = 0;
	int ret;

	/* The barriers count every worker: wait even when the open failed. */
	if (__vfio_dev_open(&dev, card, VFIO_TYPE1v2_IOMMU)) {
		pthread_barrier_wait(&sync->set_up);
		pthread_barrier_wait(&sync->written);
		return 255;
	}
	srand(seed);
	vga_planar_memory(&dev);
	pthread_barrier_wait(&sync->set_up);

	ret = iso_shared_address(&dev, card, id, sync);
	if (ret)
		mismatches++;

	for (unsigned int r = 0; r < ISO_ROUNDS; r++) {
		__u8 want = (id * 64 + r) & 0xff, got;
		__u8 mem[8], back[8];
		__u64 addr = VGA_MEM + ((rand() % (VGA_MEM_SIZE / 8)) * 8);

		/* Planar writes go through the bit mask: 0xff for memory. */
		vga_reg_write(&dev, GFX_INDEX, 0x08, 0xff);
		iso_pattern(mem, id, want);
		if (vga_write(&dev, addr, mem, sizeof(mem)) != sizeof(mem))
			mismatches++;
		vga_reg_write(&dev, GFX_INDEX, 0x08, want);
		if (rand() & 1)
			sched_yield();
		got = vga_reg_read(&dev, GFX_INDEX, 0x08);
		if (vga_read(&dev, addr, back, sizeof(back)) != sizeof(back))
			mismatches++;
		if (got != want || memcmp(mem, back, sizeof(mem))) {
			if (mismatches < 5)
				fprintf(stderr, "# %s round %u: reg %#x want %#x, %s%#llx %s\n",
					card, r, got, want, "memory at ",
					(unsigned long long)addr,
					memcmp(mem, back, sizeof(mem)) ? "differs" : "matches");
			mismatches++;
		}
	}
	vga_reg_write(&dev, GFX_INDEX, 0x08, 0xff);
	vfio_dev_close(&dev);
	return mismatches > 254 ? 254 : mismatches;
}

/* The I/O and memory enables of @card's command register, read through sysfs. */
static __u16 decodes(const char *card)
{
	__u8 cfg[PCI_COMMAND + 2];

	if (vfio_sysfs_read_config(card, cfg, sizeof(cfg)) != sizeof(cfg))
		return 0xffff;
	return (cfg[PCI_COMMAND] | cfg[PCI_COMMAND + 1] << 8) &
	       (PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
}

/* Write power/control of @card; the old value into @old when given. */
static int power_control(const char *card, const char *val, char *old, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/control", card);
	if (old) {
		f = fopen(path, "r");
		if (!f || fscanf(f, "%15s", old) != 1) {
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
	}
	return vfio_write_file(path, val);
}

/* Wait up to 2 s for @card to be runtime-suspended. */
static bool runtime_suspended(const char *card)
{
	char path[256], status[32] = "";

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/runtime_status", card);
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(path, "r");

		if (f) {
			if (fscanf(f, "%31s", status) != 1)
				status[0] = '\0';
			fclose(f);
		}
		if (!strcmp(status, "suspended"))
			return true;
		usleep(20000);
	}
	return false;
}

FIXTURE(cards) {
	int unused;
};

FIXTURE_SETUP(cards)
{
}

FIXTURE_TEARDOWN(cards)
{
}

/*
 * Under TCG, with other guests on the host, the 900 rounds can take well
 * over the harness's default 30 s.
 *
 * Stock's VGA accesses wait in vga_get(), which on kernels without
 * patches/vgaarb/0006 can miss the wake-up of a release that lands
 * between its failed try and its sleep; the access then sleeps until the
 * next release, forever when the worker that released has stopped (at a
 * barrier, or done): 7.3's stock lane once timed out so.  For stock only,
 * the workers still running get a signal every 100 ms
 * (vfio_signal_wakes()), which wakes such a sleep to try again.  Ours never sleeps
 * in vga_get() behind another of its users (vfio_pci_vga_hold) and gets no
 * signal: a lost wake-up of ours still hangs the test.
 */
TEST_F_TIMEOUT(cards, isolation_between_cards, 300)
{
	const char *env = getenv("VFIO_SELFTESTS_VGA_BDFS");
	char *list, *cards[8], *tok, ctl[8][16];
	unsigned int ncards = 0, total = 0;
	bool stock = vfio_driver_is_stock();
	pthread_barrierattr_t attr;
	struct iso_sync *sync;
	pid_t pids[8];

	if (!env)
		SKIP(return, "VFIO_SELFTESTS_VGA_BDFS: name 2+ VGA cards bound to vfio-pci");
	list = strdup(env);
	for (tok = strtok(list, " "); tok && ncards < 8; tok = strtok(NULL, " "))
		cards[ncards++] = tok;
	if (ncards < 2)
		SKIP(free(list); return, "need two or more VGA cards, have %u", ncards);

	/*
	 * Every card stays in D0 meanwhile: a runtime resume restores a
	 * card's decode enables behind the arbiter, a fault of its own,
	 * which boot_vga_resume_keeps_routing shows on stock every time
	 * (stock suspends idle VGA cards; ours never does, so this changes
	 * nothing for ours).  This test is about the arbiter's routing.
	 */
	for (unsigned int i = 0; i < ncards; i++)
		ASSERT_EQ(0, power_control(cards[i], "on", ctl[i], sizeof(ctl[i])));

	sync = mmap(NULL, sizeof(*sync), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sync);
	ASSERT_EQ(0, pthread_barrierattr_init(&attr));
	ASSERT_EQ(0, pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED));
	ASSERT_EQ(0, pthread_barrier_init(&sync->set_up, &attr, ncards));
	ASSERT_EQ(0, pthread_barrier_init(&sync->written, &attr, ncards));

	ASSERT_EQ(0, vfio_signal_wakes(SIGUSR1, true));
	for (unsigned int i = 0; i < ncards; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			_exit(isolation_worker(cards[i], i + 1,
					       (unsigned int)time(NULL) + i, sync));
	}
	for (unsigned int left = ncards; left;) {
		unsigned int i;
		int status;
		pid_t pid;

		pid = waitpid(-1, &status, stock ? WNOHANG : 0);
		ASSERT_LE(0, pid);
		if (!pid) {
			for (i = 0; i < ncards; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGUSR1);
			usleep(100000);
			continue;
		}
		for (i = 0; i < ncards && pids[i] != pid; i++)
			;
		ASSERT_LT(i, ncards);
		ASSERT_TRUE(WIFEXITED(status));
		TH_LOG("%s: %d mismatches in %d rounds and the shared address", cards[i],
		       WEXITSTATUS(status), ISO_ROUNDS);
		total += WEXITSTATUS(status);
		pids[i] = 0;
		left--;
	}
	vfio_signal_wakes(SIGUSR1, false);
	for (unsigned int i = 0; i < ncards; i++)
		power_control(cards[i], ctl[i], NULL, 0);
	/*
	 * The stock driver lets a byte of one card's legacy memory or a
	 * register change now and then on a loaded host (1 in 300 rounds:
	 * 6.1's in 4 of 6 runs, 6.12's once with check-debug running beside
	 * it; stock-differences.txt): its count is reported, not held to 0.
	 * Ours is held to 0.
	 */
	if (vfio_driver_is_stock()) {
		if (total)
			TH_LOG("stock: %u mismatches (a documented difference)", total);
	} else {
		ASSERT_EQ(0, total);
	}
	pthread_barrier_destroy(&sync->set_up);
	pthread_barrier_destroy(&sync->written);
	pthread_barrierattr_destroy(&attr);
	munmap(sync, sizeof(*sync));
	free(list);
}

/*
 * A slot or bus reset must not undo the arbiter's routing.  A child hot
 * resets a card's bus over and over, writing its own value into that
 * card's bit mask register after each reset, while this process does
 * round trips on another card.  A reset that restores the bridge's VGA
 * enable behind the arbiter (a copy read before the reset's delay) leaves
 * the reset card decoding legacy cycles routed to the other: writes land
 * on the wrong card and the round trips, or the child's own, come back
 * wrong.  Needs two cards, one of them with a working hot reset.
 */
#define HOT_RESET_ROUNDS	24

static int hot_reset_worker(const char *card)
{
	unsigned int bad = 0;
	struct vfio_dev dev;

	if (__vfio_dev_open(&dev, card, VFIO_TYPE1v2_IOMMU))
		return 255;
	for (unsigned int r = 0; r < HOT_RESET_ROUNDS; r++) {
		__u8 want = 0x90 + r;

		/* Own the routing when the reset starts: the bad case. */
		vga_reg_write(&dev, GFX_INDEX, 0x08, want);
		if (__vfio_hot_reset(dev.fd, &dev.group_fd, 1))
			bad++;
		vga_reg_write(&dev, GFX_INDEX, 0x08, want);
		sched_yield();
		if (vga_reg_read(&dev, GFX_INDEX, 0x08) != want) {
			fprintf(stderr, "# %s: own register lost after reset %u\n", card, r);
			bad++;
		}
	}
	vfio_dev_close(&dev);
	return bad;
}

/* The first card of @cards whose bus or slot can be hot reset now, or NULL. */
static const char *hot_resettable(char **cards, unsigned int ncards)
{
	for (unsigned int i = 0; i < ncards; i++) {
		struct vfio_dev dev;
		int ret;

		if (__vfio_dev_open(&dev, cards[i], VFIO_TYPE1v2_IOMMU))
			continue;
		ret = __vfio_hot_reset(dev.fd, &dev.group_fd, 1);
		vfio_dev_close(&dev);
		if (!ret)
			return cards[i];
	}
	return NULL;
}

/*
 * The cards of the hot reset tests, from VFIO_SELFTESTS_VGA_BDFS: the first
 * whose bus or slot can be hot reset now, and the first other one (pointing
 * into *@list, which the caller frees).  NULL, or why the test skips.
 */
static const char *reset_pair(char **list, const char **reset_card, const char **other)
{
	const char *env = getenv("VFIO_SELFTESTS_VGA_BDFS");
	unsigned int ncards = 0;
	char *cards[8], *tok;

	*list = NULL;
	if (!env)
		return "VFIO_SELFTESTS_VGA_BDFS: name 2+ VGA cards bound to vfio-pci";
	*list = strdup(env);
	for (tok = strtok(*list, " "); tok && ncards < 8; tok = strtok(NULL, " "))
		cards[ncards++] = tok;
	*reset_card = hot_resettable(cards, ncards);
	*other = NULL;
	for (unsigned int i = 0; i < ncards && *reset_card && !*other; i++)
		if (strcmp(cards[i], *reset_card))
			*other = cards[i];
	return *reset_card && *other ? NULL : "need a hot-resettable VGA card and another one";
}

TEST(routing_survives_hot_reset)
{
	const char *reset_card, *other, *why;
	unsigned int mismatches = 0, rounds = 0;
	struct vfio_dev dev;
	char *list;
	int status;
	pid_t pid;

	if (vfio_driver_is_stock())
		SKIP(return, "stock vfio-pci's resets can undo the arbiter's routing");
	why = reset_pair(&list, &reset_card, &other);
	if (why)
		SKIP(free(list); return, "%s", why);

	vfio_dev_open(&dev, other, VFIO_TYPE1v2_IOMMU);
	vga_planar_memory(&dev);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(hot_reset_worker(reset_card));

	while (waitpid(pid, &status, WNOHANG) == 0) {
		__u8 want = 0x20 + (rounds++ & 0x3f);

		vga_reg_write(&dev, GFX_INDEX, 0x08, want);
		sched_yield();
		if (vga_reg_read(&dev, GFX_INDEX, 0x08) != want)
			mismatches++;
	}
	vfio_dev_close(&dev);
	ASSERT_TRUE(WIFEXITED(status));
	TH_LOG("%s: %u round trips during %d hot resets of %s, %u wrong; %s: %d wrong",
	       other, rounds, HOT_RESET_ROUNDS, reset_card, mismatches, reset_card,
	       WEXITSTATUS(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, mismatches);
	free(list);
}

/* Hot resets of one device, counted as they start and as they end. */
struct own_resetter {
	struct vfio_dev *dev;
	unsigned int started, done, failed, counted;
};

/*
 * After each reset but the last, waits for the round trips to count two
 * more with no reset in them, so that every run has some, however slow
 * the guest.
 */
static void *own_reset_thread(void *arg)
{
	struct own_resetter *r = arg;

	for (unsigned int i = 0; i < HOT_RESET_ROUNDS; i++) {
		unsigned int counted;

		__atomic_add_fetch(&r->started, 1, __ATOMIC_SEQ_CST);
		if (__vfio_hot_reset(r->dev->fd, &r->dev->group_fd, 1))
			r->failed++;
		counted = __atomic_load_n(&r->counted, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&r->done, 1, __ATOMIC_SEQ_CST);
		/* After the last one the round trips stop. */
		while (i + 1 < HOT_RESET_ROUNDS &&
		       __atomic_load_n(&r->counted, __ATOMIC_SEQ_CST) < counted + 2)
			usleep(100);
	}
	return NULL;
}

/*
 * A card's own VGA accesses and its hot resets, side by side through one
 * fd: one thread resets the card again and again while another does round
 * trips on its bit mask register.  The accesses that come during a reset
 * wait for it, and every reset and every round trip must work: one that
 * no reset overlapped reads back what it wrote (one that a reset
 * overlapped may read the register's reset value, and is not counted).
 * This guards the wait, not its need: an access made during the reset's
 * delay would route to the card behind the bridge's control register
 * copy, but these accesses route back to the card right after the reset
 * hands the routing over, before the copy is read.
 */
TEST(own_accesses_side_by_side_with_hot_reset)
{
	const char *reset_card, *other, *why;
	unsigned int rounds = 0, mismatches = 0;
	struct own_resetter r = { 0 };
	struct vfio_dev dev;
	pthread_t t;
	char *list;

	why = reset_pair(&list, &reset_card, &other);
	if (why)
		SKIP(free(list); return, "%s", why);

	vfio_dev_open(&dev, reset_card, VFIO_TYPE1v2_IOMMU);
	r.dev = &dev;
	ASSERT_EQ(0, pthread_create(&t, NULL, own_reset_thread, &r));
	while (__atomic_load_n(&r.done, __ATOMIC_SEQ_CST) < HOT_RESET_ROUNDS) {
		unsigned int before = __atomic_load_n(&r.started, __ATOMIC_SEQ_CST);
		bool idle = before == __atomic_load_n(&r.done, __ATOMIC_SEQ_CST);
		__u8 want = 0x20 + (rounds++ & 0x3f), got;

		vga_reg_write(&dev, GFX_INDEX, 0x08, want);
		got = vga_reg_read(&dev, GFX_INDEX, 0x08);
		if (!idle || __atomic_load_n(&r.started, __ATOMIC_SEQ_CST) != before)
			continue;
		__atomic_add_fetch(&r.counted, 1, __ATOMIC_SEQ_CST);
		if (got != want && mismatches++ < 5)
			TH_LOG("round %u: wrote %#x, read %#x", rounds, want, got);
	}
	pthread_join(t, NULL);
	vfio_dev_close(&dev);
	TH_LOG("%s: %u round trips during %u hot resets (%u failed), %u with no reset in them",
	       reset_card, rounds, HOT_RESET_ROUNDS, r.failed, r.counted);
	EXPECT_EQ(0, r.failed);
	EXPECT_LE(2 * (HOT_RESET_ROUNDS - 1), r.counted);
	EXPECT_EQ(0, mismatches);
	free(list);
}

/*
 * A hot reset never waits for the VGA arbiter on behalf of other cards:
 * with the lock held through /dev/vga_arbiter on another card, the reset
 * of a set with a VGA card completes at once (it used to hold the arbiter
 * for the whole reset, and so had to wait for the lock).
 */
TEST(hot_reset_does_not_wait_for_arbiter)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	const char *reset_card, *other, *why;
	char *list, target[64];
	struct vfio_dev dev;
	int arb, ret;

	why = reset_pair(&list, &reset_card, &other);
	if (why)
		SKIP(free(list); return, "%s", why);

	vfio_dev_open(&dev, reset_card, VFIO_TYPE1v2_IOMMU);
	arb = open("/dev/vga_arbiter", O_RDWR);
	if (arb < 0)
		SKIP(vfio_dev_close(&dev); free(list); return, "no /dev/vga_arbiter");
	snprintf(target, sizeof(target), "target PCI:%s", other);
	ASSERT_LT(0, write(arb, target, strlen(target)));
	ASSERT_LT(0, write(arb, "lock io+mem", 11));

	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	ret = __vfio_hot_reset(dev.fd, &dev.group_fd, 1);
	alarm(0);
	EXPECT_EQ(0, ret) TH_LOG("the hot reset waited for the arbiter held on %s", other);

	ASSERT_LT(0, write(arb, "unlock all", 10));
	close(arb);
	vfio_dev_close(&dev);
	free(list);
}

/*
 * Whether the bridge right above @card forwards legacy VGA (its control
 * register's VGA enable, read through sysfs): 1 or 0, -1 when unreadable
 * or on a root bus.
 */
static int bridge_forwards(const char *card)
{
	__u8 cfg[PCI_BRIDGE_CONTROL + 2];
	char bridge[NAME_MAX + 1];

	if (vfio_sysfs_parent(card, bridge, sizeof(bridge)) || !strncmp(bridge, "pci", 3) ||
	    vfio_sysfs_read_config(bridge, cfg, sizeof(cfg)) != sizeof(cfg))
		return -1;
	return !!(cfg[PCI_BRIDGE_CONTROL] & PCI_BRIDGE_CTL_VGA);
}

/* Whether process @pid sleeps in a kernel function whose name has @what. */
static bool sleeps_in(pid_t pid, const char *what)
{
	char path[64], wchan[128] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, wchan, sizeof(wchan) - 1);
	close(fd);
	return n > 0 && strstr(wchan, what);
}

/*
 * Waits up to 10 s for @pid to sleep in a function named with @what: 1
 * when it does, 2 when it exited first (reaped, *@status set), 0 if
 * neither.
 */
static int wait_sleeps_in(pid_t pid, const char *what, int *status)
{
	for (int i = 0; i < 1000; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 2;
		if (sleeps_in(pid, what))
			return 1;
		usleep(10000);
	}
	return 0;
}

/*
 * A hot reset that waits for the VGA accesses of its set dies with its
 * process.  An access of the reset card waits in vga_get() behind a
 * /dev/vga_arbiter lock on another card; a hot reset of the card's set
 * then waits for that access (stock does not), and a SIGKILL ends the
 * wait: the process is reaped within 5 s, while the access still waits.
 */
TEST(hot_reset_waiting_for_access_killed)
{
	const char *reset_card, *other, *why;
	pid_t access_pid, reset_pid;
	char *list, target[64];
	int arb, status, seen, i = 0;
	struct vfio_dev dev;

	why = reset_pair(&list, &reset_card, &other);
	if (why)
		SKIP(free(list); return, "%s", why);
	arb = open("/dev/vga_arbiter", O_RDWR);
	if (arb < 0)
		SKIP(free(list); return, "no /dev/vga_arbiter");

	vfio_dev_open(&dev, reset_card, VFIO_TYPE1v2_IOMMU);
	snprintf(target, sizeof(target), "target PCI:%s", other);
	ASSERT_LT(0, write(arb, target, strlen(target)));
	ASSERT_LT(0, write(arb, "lock io+mem", 11));

	access_pid = fork();
	ASSERT_LE(0, access_pid);
	if (!access_pid) {
		vga_reg_read(&dev, GFX_INDEX, 0x08);
		_exit(0);
	}
	ASSERT_EQ(1, wait_sleeps_in(access_pid, "vga_get", &status))
		TH_LOG("the access to %s did not wait for the arbiter", reset_card);

	reset_pid = fork();
	ASSERT_LE(0, reset_pid);
	if (!reset_pid)
		_exit(__vfio_hot_reset(dev.fd, &dev.group_fd, 1) ? 1 : 0);
	/* Ours waits for the access; stock goes ahead at once. */
	seen = wait_sleeps_in(reset_pid, "vfio_pci_vga", &status);
	if (seen != 2) {
		ASSERT_EQ(0, kill(reset_pid, SIGKILL));
		for (i = 0; i < 500 && waitpid(reset_pid, &status, WNOHANG) != reset_pid; i++)
			usleep(10000);
		EXPECT_LT(i, 500) TH_LOG("the killed hot reset of %s did not end", reset_card);
	}
	TH_LOG("the hot reset of %s %s", reset_card,
	       seen == 1 ? "waited for the access and was killed" :
	       seen == 2 ? "ended before the access" : "was not seen waiting, and was killed");
	EXPECT_TRUE(sleeps_in(access_pid, "vga_get"));

	ASSERT_LT(0, write(arb, "unlock all", 10));
	close(arb);
	if (i == 500)
		ASSERT_EQ(reset_pid, waitpid(reset_pid, &status, 0));
	ASSERT_EQ(access_pid, waitpid(access_pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	vfio_dev_close(&dev);
	free(list);
}

/*
 * A reset of a card that holds the legacy routing waits only until the
 * routing is off the card, not until it can take the arbiter itself: when
 * another card's access moves the routing while the reset waits, the
 * reset goes ahead and leaves the routing with that card.  Here the
 * routing is with the reset card, held there by a /dev/vga_arbiter lock;
 * a VGA access of the other card waits for that lock, and the reset
 * starts behind the access.  Once the lock goes, the access routes to
 * the other card and the reset finds the routing gone: the other card's
 * bridge still forwards legacy VGA afterwards.  (The reset used to take
 * the arbiter once the access was done and hand the routing to the boot
 * card, taking it from the other card; a user who accesses without pause
 * kept such a reset waiting until it won the hold from that user.)
 * Stock never waits here, and takes no routing.
 */
TEST(hot_reset_leaves_routing_moved_away)
{
	char *list, target[64], other[VFIO_BDF_LEN], c = 0;
	int arb, status, fwd, seen, done[2], go[2];
	const char *reset_card, *paired, *why;
	pid_t access_pid, reset_pid;
	struct vfio_dev dev;

	why = reset_pair(&list, &reset_card, &paired);
	if (why)
		SKIP(free(list); return, "%s", why);
	if (bridge_forwards(reset_card) < 0 ||
	    !vfio_vga_bridged_card(reset_card, other, sizeof(other)))
		SKIP(free(list); return, "need %s and another VGA card each behind a bridge",
		     reset_card);
	arb = open("/dev/vga_arbiter", O_RDWR);
	if (arb < 0)
		SKIP(free(list); return, "no /dev/vga_arbiter");

	vfio_dev_open(&dev, reset_card, VFIO_TYPE1v2_IOMMU);
	vga_reg_write(&dev, GFX_INDEX, 0x08, 0xff);
	ASSERT_EQ(1, bridge_forwards(reset_card));
	snprintf(target, sizeof(target), "target PCI:%s", reset_card);
	ASSERT_LT(0, write(arb, target, strlen(target)));
	ASSERT_LT(0, write(arb, "lock io+mem", 11));

	/* The access's user keeps the card open until told: a release routes back. */
	ASSERT_EQ(0, pipe(done));
	ASSERT_EQ(0, pipe(go));
	access_pid = fork();
	ASSERT_LE(0, access_pid);
	if (!access_pid) {
		struct vfio_dev o;
		char c = 0;

		vfio_dev_open(&o, other, VFIO_TYPE1v2_IOMMU);
		vga_reg_read(&o, GFX_INDEX, 0x08);
		if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		vfio_dev_close(&o);
		_exit(0);
	}
	ASSERT_EQ(1, wait_sleeps_in(access_pid, "vga_get", &status))
		TH_LOG("the access to %s did not wait for the arbiter", other);

	reset_pid = fork();
	ASSERT_LE(0, reset_pid);
	if (!reset_pid)
		_exit(__vfio_hot_reset(dev.fd, &dev.group_fd, 1) ? 1 : 0);
	/* Ours waits behind the access; stock goes ahead at once. */
	seen = wait_sleeps_in(reset_pid, "vfio_pci_vga", &status);

	ASSERT_LT(0, write(arb, "unlock all", 10));
	close(arb);
	if (seen != 2)
		ASSERT_EQ(reset_pid, waitpid(reset_pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("the hot reset of %s failed", reset_card);
	ASSERT_EQ(1, read(done[0], &c, 1));
	fwd = bridge_forwards(other);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(access_pid, waitpid(access_pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	TH_LOG("the reset of %s %s; %s's bridge forwards legacy VGA: %d", reset_card,
	       seen == 1 ? "waited behind the access" :
	       seen == 2 ? "ended before the access" : "was not seen waiting", other, fwd);
	EXPECT_EQ(1, fwd) TH_LOG("the reset took the routing from %s", other);
	vfio_dev_close(&dev);
	free(list);
}

/*
 * Legacy VGA stays routed to the host's boot card while other cards are
 * opened, reset, hot reset and released without a VGA region access: the
 * host's text buffer (0xb8000 through /dev/mem) and its misc output
 * register (port 0x3cc through /dev/port) read the same throughout.
 * Needs the boot VGA on the host (not bound to vfio-pci) and the other
 * cards of VFIO_SELFTESTS_VGA_BDFS bound to vfio-pci.
 */
#define HOST_TEXT	0xb8000
#define HOST_TEXT_SIZE	4000		/* 80x25 characters and attributes */

struct host_vga {
	__u8 text[HOST_TEXT_SIZE];
	__u8 misc;
};

static int host_vga_read(int mem, int port, struct host_vga *h)
{
	if (pread(mem, h->text, sizeof(h->text), HOST_TEXT) != sizeof(h->text))
		return -errno;
	if (pread(port, &h->misc, 1, 0x3cc) != 1)
		return -errno;
	return 0;
}

/* The host's VGA reads as in @ref; else say what moved, after @what on @card. */
static bool host_vga_same(int mem, int port, const struct host_vga *ref,
			  const char *card, const char *what)
{
	struct host_vga now;
	size_t diff = 0;

	if (host_vga_read(mem, port, &now)) {
		fprintf(stderr, "# %s %s: host VGA unreadable\n", card, what);
		return false;
	}
	for (size_t i = 0; i < sizeof(now.text); i++)
		diff += now.text[i] != ref->text[i];
	if (!diff && now.misc == ref->misc)
		return true;
	fprintf(stderr, "# after %s of %s: %zu of %d text bytes differ, misc %#x (was %#x)\n",
		what, card, diff, HOST_TEXT_SIZE, now.misc, ref->misc);
	return false;
}

/*
 * Open the host's VGA for reading and take its reference state; NULL, or
 * why the test skips.
 */
static const char *host_vga_open(int *mem, int *port, struct host_vga *ref)
{
	static char why[NAME_MAX + 80];
	char boot[NAME_MAX + 1], drv[64];
	size_t nonzero = 0;

	*mem = *port = -1;
	if (!getenv("VFIO_SELFTESTS_VGA_BDFS"))
		return "VFIO_SELFTESTS_VGA_BDFS: name the VGA cards bound to vfio-pci";
	if (!vfio_sysfs_boot_vga(boot, sizeof(boot)))
		return "no boot VGA device";
	if (!vfio_sysfs_driver(boot, drv, sizeof(drv)) && !strcmp(drv, "vfio-pci")) {
		snprintf(why, sizeof(why),
			 "the boot VGA %s is bound to vfio-pci: leave it to the host", boot);
		return why;
	}
	*mem = open("/dev/mem", O_RDONLY | O_SYNC);
	*port = open("/dev/port", O_RDONLY);
	if (*mem < 0 || *port < 0 || host_vga_read(*mem, *port, ref))
		return "cannot read the host's VGA through /dev/mem and /dev/port";
	for (size_t i = 0; i < sizeof(ref->text); i++)
		nonzero += ref->text[i] != 0;
	if (!nonzero && !ref->misc)
		return "the host's VGA reads all zeros before the test";
	return NULL;
}

/* The next card of VFIO_SELFTESTS_VGA_BDFS bound to vfio-pci, from *@list. */
static char *next_assigned(char **list)
{
	char drv[64], *tok;

	while ((tok = strsep(list, " "))) {
		if (*tok && !vfio_sysfs_driver(tok, drv, sizeof(drv)) && !strcmp(drv, "vfio-pci"))
			return tok;
	}
	return NULL;
}

TEST(host_routing_untouched)
{
	unsigned int cards = 0, bad = 0;
	char *list, *rest, *card;
	struct host_vga ref;
	const char *why;
	int mem, port;

	why = host_vga_open(&mem, &port, &ref);
	if (why)
		SKIP(return, "%s", why);

	list = strdup(getenv("VFIO_SELFTESTS_VGA_BDFS"));
	rest = list;
	while ((card = next_assigned(&rest))) {
		struct vfio_dev dev;

		cards++;
		ASSERT_EQ(0, __vfio_dev_open(&dev, card, VFIO_TYPE1v2_IOMMU));
		bad += !host_vga_same(mem, port, &ref, card, "open");
		if (dev.info.flags & VFIO_DEVICE_FLAGS_RESET) {
			ASSERT_EQ(0, __vfio_ioctl(dev.fd, VFIO_DEVICE_RESET, NULL));
			bad += !host_vga_same(mem, port, &ref, card, "VFIO_DEVICE_RESET");
		}
		/* A hot reset the set allows (else there is nothing to check). */
		if (!__vfio_hot_reset(dev.fd, &dev.group_fd, 1))
			bad += !host_vga_same(mem, port, &ref, card, "hot reset");
		vfio_dev_close(&dev);
		bad += !host_vga_same(mem, port, &ref, card, "release");
	}
	free(list);
	close(mem);
	close(port);
	if (!cards)
		SKIP(return, "no VGA card bound to vfio-pci");
	TH_LOG("%u cards opened, reset and released: the host's VGA moved %u times", cards, bad);
	/*
	 * Stock moves it or not from one run to the next (0 and 6 times in
	 * runs of the same suite): its resets can undo the arbiter's
	 * routing.  Not a property stock claims, so not held against it.
	 */
	if (vfio_driver_is_stock())
		SKIP(return, "stock moved the host's VGA %u times; not held", bad);
	ASSERT_EQ(0, bad);
}

/*
 * After its user's VGA region access the card holds the routing; its last
 * close gives it back to the host's boot card (ours).  Stock leaves the
 * routing with the card until something else asks the arbiter for it, or
 * one of its resets puts the bridges back as they were: not held.
 */
TEST(host_routing_back_after_release)
{
	unsigned int cards = 0, back = 0;
	char *list, *rest, *card;
	struct host_vga ref;
	const char *why;
	int mem, port;

	why = host_vga_open(&mem, &port, &ref);
	if (why)
		SKIP(return, "%s", why);

	list = strdup(getenv("VFIO_SELFTESTS_VGA_BDFS"));
	rest = list;
	while ((card = next_assigned(&rest))) {
		struct vfio_dev dev;
		int arb;
		__u8 b;

		cards++;
		ASSERT_EQ(0, __vfio_dev_open(&dev, card, VFIO_TYPE1v2_IOMMU));
		ASSERT_EQ(1, vga_read(&dev, 0x3cc, &b, 1));
		vfio_dev_close(&dev);
		back += host_vga_same(mem, port, &ref, card, "region access and release");
		/* Route to the boot card (the arbiter device's default target). */
		arb = open("/dev/vga_arbiter", O_RDWR);
		if (arb >= 0 && write(arb, "lock io+mem", 11) > 0)
			ASSERT_LT(0, write(arb, "unlock all", 10));
		if (arb >= 0)
			close(arb);
	}
	free(list);
	close(mem);
	close(port);
	if (!cards)
		SKIP(return, "no VGA card bound to vfio-pci");
	TH_LOG("%u of %u cards left the host's VGA routed back at release", back, cards);
	/* Stock: 0, 1 and 2 of 2 in runs of the same suite, as its resets go. */
	if (vfio_driver_is_stock())
		SKIP(return, "stock left it back for %u of %u cards; not held",
		     back, cards);
	ASSERT_EQ(cards, back);
}

/*
 * A runtime resume restores a function's saved config state, its decode
 * enables with it, behind the VGA arbiter's back; on the boot VGA (on the
 * root bus, no bridge of its own) those enables are the legacy routing.
 * So with another card holding the routing, a resume of the boot VGA
 * would leave both decoding legacy cycles.  Runtime PM is allowed the way
 * an administrator would (power/control "auto"), the routing is given to
 * another card by a region access, and the boot VGA resumed
 * (power/control "on"): idle, and then open in a low power state.  Its
 * I/O and memory enables must stay off.  Ours never runtime-suspends a
 * VGA card; stock does, and its resume turns them back on: the cross-talk
 * that stock's isolation_between_cards showed in some runs, which this
 * test shows every time (asserted as stock's behaviour).
 */
TEST(boot_vga_resume_keeps_routing)
{
	char *list, *rest, *card, *boot = NULL, *other = NULL, ctl[16];
	unsigned long is_boot;
	struct vfio_dev odev, bdev;
	__u16 before[2], after[2];
	bool slept[2];
	__u8 b;

	list = strdup(getenv("VFIO_SELFTESTS_VGA_BDFS") ?: "");
	rest = list;
	while ((card = next_assigned(&rest))) {
		if (!vfio_sysfs_read_hex(card, "boot_vga", &is_boot) && is_boot)
			boot = card;
		else if (!other)
			other = card;
	}
	if (!boot || !other)
		SKIP(free(list); return, "needs the boot VGA and another card bound to vfio-pci");
	ASSERT_EQ(0, power_control(boot, "auto", ctl, sizeof(ctl)));

	for (int open_lp = 0; open_lp < 2; open_lp++) {
		struct vfio_device_feature f = {
			.argsz = sizeof(f),
			.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
		};

		int arb = open("/dev/vga_arbiter", O_RDWR);

		/* Each round starts routed to the boot VGA, the arbiter's default. */
		if (arb >= 0 && write(arb, "lock io+mem", 11) > 0)
			ASSERT_LT(0, write(arb, "unlock all", 10));
		if (arb >= 0)
			close(arb);
		if (open_lp) {
			ASSERT_EQ(0, __vfio_dev_open(&bdev, boot, VFIO_TYPE1v2_IOMMU));
			ASSERT_EQ(0, __vfio_ioctl(bdev.fd, VFIO_DEVICE_FEATURE, &f));
		}
		slept[open_lp] = runtime_suspended(boot);
		ASSERT_EQ(0, __vfio_dev_open(&odev, other, VFIO_TYPE1v2_IOMMU));
		ASSERT_EQ(1, vga_read(&odev, 0x3cc, &b, 1));
		before[open_lp] = decodes(boot);
		ASSERT_EQ(0, power_control(boot, "on", NULL, 0));
		after[open_lp] = decodes(boot);
		ASSERT_EQ(0, power_control(boot, "auto", NULL, 0));
		vfio_dev_close(&odev);
		if (open_lp)
			vfio_dev_close(&bdev);
		TH_LOG("boot VGA %s%s: %s, decodes %#x with %s routed, %#x after its resume",
		       boot, open_lp ? " open in low power" : " idle",
		       slept[open_lp] ? "suspended" : "active", before[open_lp], other,
		       after[open_lp]);
	}
	power_control(boot, ctl, NULL, 0);
	free(list);

	for (int i = 0; i < 2; i++) {
		/* The other card holds the routing: the boot VGA decodes nothing. */
		ASSERT_EQ(0, before[i]);
		if (vfio_driver_is_stock() && slept[i]) {
			ASSERT_NE(0, after[i]);
		} else {
			ASSERT_FALSE(slept[i]);
			ASSERT_EQ(0, after[i]);
		}
	}
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
