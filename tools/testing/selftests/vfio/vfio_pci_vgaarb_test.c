// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VGA arbiter's instruments (the patches/vgaarb/ series) seen through
 * vfio-pci's VGA region: per-device statistics in debugfs, tracepoints,
 * routing counts, the hog warning, and the userspace trylock the series
 * fixes.
 *
 * Usage: vfio_pci_vgaarb_test [harness options] [BDF, ignored]
 * The cards come from VFIO_SELFTESTS_VGA_BDFS ("BDF BDF ..."), all bound
 * to vfio-pci.  On a kernel without the series (no
 * /sys/kernel/debug/vgaarb/BDF) every test SKIPs.  Nothing else may use
 * the arbiter while it runs: the counts are exact.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define VGA		VFIO_PCI_VGA_REGION_INDEX
#define MISC_OUT_R	0x3cc	/* a read-only legacy I/O register */
#define HOG_PARAM	"/sys/module/vgaarb/parameters/hog_threshold_ms"

/* The cards of VFIO_SELFTESTS_VGA_BDFS that the arbiter keeps statistics of. */
struct cards {
	char *list;
	char *bdf[8];
	unsigned int n;
};

/* Fill @c; true when it holds @want cards at least. */
static bool cards_get(struct cards *c, unsigned int want)
{
	const char *env = getenv("VFIO_SELFTESTS_VGA_BDFS");
	struct vfio_vgaarb_stats st;
	char *tok;

	c->n = 0;
	c->list = strdup(env ? env : "");
	for (tok = strtok(c->list, " "); tok && c->n < 8; tok = strtok(NULL, " "))
		if (!vfio_vgaarb_stats(tok, &st))
			c->bdf[c->n++] = tok;
	return c->n >= want;
}

static ssize_t vga_read_byte(struct vfio_dev *dev, __u8 *b)
{
	return __vfio_region_read(dev, VGA, MISC_OUT_R, b, 1);
}

#define NO_CARDS "VGA cards with arbiter statistics (the patches/vgaarb/ series)"

/* N one-byte reads from one process: exactly N gets on its card, none elsewhere. */
TEST(counts_one_process)
{
	struct vfio_vgaarb_stats before[8], after[8];
	struct cards c;
	struct vfio_dev dev;
	const unsigned int n = 50;
	__u8 b;

	if (!cards_get(&c, 1))
		SKIP(free(c.list); return, "need 1 %s, have %u", NO_CARDS, c.n);
	vfio_dev_open(&dev, c.bdf[0], VFIO_TYPE1v2_IOMMU);
	for (unsigned int i = 0; i < c.n; i++)
		ASSERT_EQ(0, vfio_vgaarb_stats(c.bdf[i], &before[i]));
	for (unsigned int i = 0; i < n; i++)
		ASSERT_EQ(1, vga_read_byte(&dev, &b));
	for (unsigned int i = 0; i < c.n; i++)
		ASSERT_EQ(0, vfio_vgaarb_stats(c.bdf[i], &after[i]));

	EXPECT_EQ(n, after[0].gets - before[0].gets);
	EXPECT_EQ(0, after[0].contended_gets - before[0].contended_gets);
	EXPECT_LT(before[0].hold_ns_total, after[0].hold_ns_total);
	EXPECT_STREQ("-", after[0].holder);
	for (unsigned int i = 1; i < c.n; i++) {
		const char *other = c.bdf[i];

		EXPECT_EQ(0, after[i].gets - before[i].gets) TH_LOG("gets on %s", other);
	}
	vfio_dev_close(&dev);
	free(c.list);
}

/* The first of the tracefs mounts that has the arbiter's events, or NULL. */
static const char *tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128];

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/events/vgaarb/enable", dirs[i]);
		if (!access(path, W_OK))
			return dirs[i];
	}
	return NULL;
}

static void trace_set(const char *dir, const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (vfio_write_file(path, val))
		VFIO_FAIL("write %s to %s", val, path);
}

/* One region access: one vgaarb_get and one vgaarb_put of its card in the trace. */
TEST(tracepoints_fire)
{
	char path[128], line[512], get[64], put[64];
	unsigned int gets = 0, puts = 0;
	const char *dir = tracefs();
	struct vfio_dev dev;
	struct cards c;
	FILE *f;
	int fd;
	__u8 b;

	if (!cards_get(&c, 1))
		SKIP(free(c.list); return, "need 1 %s, have %u", NO_CARDS, c.n);
	if (!dir)
		SKIP(free(c.list); return, "no vgaarb events in tracefs");
	vfio_dev_open(&dev, c.bdf[0], VFIO_TYPE1v2_IOMMU);
	/* Opening "trace" with O_TRUNC empties the buffer. */
	snprintf(path, sizeof(path), "%s/trace", dir);
	fd = open(path, O_WRONLY | O_TRUNC);
	ASSERT_LE(0, fd);
	close(fd);
	trace_set(dir, "events/vgaarb/enable", "1");
	ASSERT_EQ(1, vga_read_byte(&dev, &b));
	trace_set(dir, "events/vgaarb/enable", "0");

	snprintf(get, sizeof(get), "vgaarb_get: dev=%s rsrc=legacy_io", c.bdf[0]);
	snprintf(put, sizeof(put), "vgaarb_put: dev=%s rsrc=legacy_io", c.bdf[0]);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		gets += !!strstr(line, get);
		puts += !!strstr(line, put);
	}
	fclose(f);
	EXPECT_EQ(1, gets);
	EXPECT_EQ(1, puts);
	vfio_dev_close(&dev);
	free(c.list);
}

/*
 * Two processes take turns, each on its own card, handing over through
 * pipes: every access is an owner switch, and each switch routes the
 * legacy ranges to one card and away from the other exactly once.
 */
#define SWITCHES	40

static void turn_taker(const char *bdf, int in, int out, unsigned int turns)
{
	struct vfio_dev dev;
	char token;
	__u8 b;

	/* Opening routes too: say when it is done. */
	vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU);
	if (write(out, "r", 1) != 1)
		_exit(2);
	for (unsigned int i = 0; i < turns; i++) {
		if (read(in, &token, 1) != 1)
			_exit(2);
		if (vga_read_byte(&dev, &b) != 1)
			_exit(3);
		if (write(out, &token, 1) != 1)
			_exit(2);
	}
	/* Closing routes too: only once the counts are taken. */
	if (read(in, &token, 1) != 1)
		_exit(2);
	vfio_dev_close(&dev);
	_exit(0);
}

TEST(routing_changes_equal_owner_switches)
{
	unsigned long long in = 0, out = 0;
	struct vfio_vgaarb_stats before[8], after[8];
	int to_a[2], to_b[2], back[2];
	struct cards c;
	pid_t a, b;
	char token = 't';
	int status;

	if (!cards_get(&c, 2))
		SKIP(free(c.list); return, "need 2 %s, have %u", NO_CARDS, c.n);
	ASSERT_EQ(0, pipe(to_a));
	ASSERT_EQ(0, pipe(to_b));
	ASSERT_EQ(0, pipe(back));
	a = fork();
	ASSERT_LE(0, a);
	if (!a)
		turn_taker(c.bdf[0], to_a[0], back[1], SWITCHES / 2 + 1);
	b = fork();
	ASSERT_LE(0, b);
	if (!b)
		turn_taker(c.bdf[1], to_b[0], back[1], SWITCHES / 2);

	ASSERT_EQ(1, read(back[0], &token, 1));
	ASSERT_EQ(1, read(back[0], &token, 1));
	/* A first, uncounted: the ranges are then A's. */
	ASSERT_EQ(1, write(to_a[1], &token, 1));
	ASSERT_EQ(1, read(back[0], &token, 1));
	for (unsigned int i = 0; i < c.n; i++)
		ASSERT_EQ(0, vfio_vgaarb_stats(c.bdf[i], &before[i]));
	for (unsigned int i = 0; i < SWITCHES; i++) {
		ASSERT_EQ(1, write(i % 2 ? to_a[1] : to_b[1], &token, 1));
		ASSERT_EQ(1, read(back[0], &token, 1));
	}
	for (unsigned int i = 0; i < c.n; i++) {
		ASSERT_EQ(0, vfio_vgaarb_stats(c.bdf[i], &after[i]));
		in += after[i].routed_in - before[i].routed_in;
		out += after[i].routed_out - before[i].routed_out;
	}
	ASSERT_EQ(1, write(to_a[1], &token, 1));
	ASSERT_EQ(1, write(to_b[1], &token, 1));
	ASSERT_EQ(a, waitpid(a, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(b, waitpid(b, &status, 0));
	EXPECT_EQ(0, status);

	TH_LOG("%d switches: routed_in +%llu, routed_out +%llu", SWITCHES, in, out);
	EXPECT_EQ(SWITCHES, in);
	EXPECT_EQ(SWITCHES, out);
	EXPECT_EQ(SWITCHES / 2, after[0].routed_in - before[0].routed_in);
	EXPECT_EQ(SWITCHES / 2, after[1].routed_in - before[1].routed_in);
	free(c.list);
}

/*
 * The arbiter's userspace interface: "target" a card, "lock"; 0 or -errno.
 * Returns the open /dev/vga_arbiter fd in *fd.
 */
static int arbiter_lock(const char *bdf, const char *cmd, int *fd)
{
	char target[64];

	*fd = open("/dev/vga_arbiter", O_RDWR);
	if (*fd < 0)
		return -errno;
	snprintf(target, sizeof(target), "target PCI:%s", bdf);
	if (write(*fd, target, strlen(target)) < 0 || write(*fd, cmd, strlen(cmd)) < 0) {
		int ret = -errno;

		close(*fd);
		*fd = -1;
		return ret;
	}
	return 0;
}

/* Did the kernel log a line containing all of @a, @b and @c since @kmsg's position? */
static bool kmsg_has(int kmsg, const char *a, const char *b, const char *c)
{
	char rec[1024];
	ssize_t n;

	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (strstr(rec, a) && strstr(rec, b) && strstr(rec, c))
			return true;
	}
	return false;
}

/*
 * A process that keeps the arbiter (through /dev/vga_arbiter, as an X
 * server would) past the threshold while a vfio-pci user waits: the
 * kernel names the holder, and the holder's hog_warnings count goes up.
 */
TEST(hog_warning_names_the_holder)
{
	struct vfio_vgaarb_stats before, after;
	char old[16] = "", needle[64];
	struct cards c;
	struct vfio_dev dev;
	int kmsg, fd, pipefd[2], status;
	ssize_t ret;
	pid_t hog;
	FILE *f;
	__u8 b;

	if (!cards_get(&c, 2))
		SKIP(free(c.list); return, "need 2 %s, have %u", NO_CARDS, c.n);
	f = fopen(HOG_PARAM, "r");
	if (!f || !fgets(old, sizeof(old), f))
		SKIP(free(c.list); return, "no %s", HOG_PARAM);
	fclose(f);
	old[strcspn(old, "\n")] = 0;
	ASSERT_EQ(0, vfio_write_file(HOG_PARAM, "200"));
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	lseek(kmsg, 0, SEEK_END);
	vfio_dev_open(&dev, c.bdf[1], VFIO_TYPE1v2_IOMMU);
	ASSERT_EQ(0, vfio_vgaarb_stats(c.bdf[0], &before));
	ASSERT_EQ(0, pipe(pipefd));

	hog = fork();
	ASSERT_LE(0, hog);
	if (!hog) {
		/* The holder's name is what the warning must show. */
		if (vfio_write_file("/proc/self/comm", "vgaarb-hog") ||
		    arbiter_lock(c.bdf[0], "lock io+mem", &fd))
			_exit(1);
		if (write(pipefd[1], "l", 1) != 1)
			_exit(1);
		usleep(900 * 1000);
		_exit(0);	/* closing the arbiter fd unlocks */
	}
	ASSERT_EQ(1, read(pipefd[0], &b, 1));

	/* Blocks behind the hog for about 900 ms. */
	ret = vga_read_byte(&dev, &b);
	ASSERT_EQ(1, ret);
	ASSERT_EQ(hog, waitpid(hog, &status, 0));
	ASSERT_EQ(0, status);
	ASSERT_EQ(0, vfio_vgaarb_stats(c.bdf[0], &after));
	ASSERT_EQ(0, vfio_write_file(HOG_PARAM, old));

	snprintf(needle, sizeof(needle), "(held by vgaarb-hog[%d])", hog);
	EXPECT_TRUE(kmsg_has(kmsg, c.bdf[0], needle, c.bdf[1]))
		TH_LOG("no warning naming %s %s while %s waits", c.bdf[0], needle, c.bdf[1]);
	EXPECT_LE(1, after.hog_warnings - before.hog_warnings);
	close(kmsg);
	vfio_dev_close(&dev);
	free(c.list);
}

/*
 * "trylock" on a free card succeeds and holds, so that another trylock of
 * a conflicting card fails with EBUSY; "unlock" then frees it.  Before the
 * series' first patch the kernel had the result the wrong way round.
 */
TEST(userspace_trylock)
{
	struct vfio_vgaarb_stats st;
	struct cards c;
	int fd, fd2;

	if (!cards_get(&c, 2))
		SKIP(free(c.list); return, "need 2 %s, have %u", NO_CARDS, c.n);
	ASSERT_EQ(0, arbiter_lock(c.bdf[0], "trylock io+mem", &fd));
	ASSERT_EQ(0, vfio_vgaarb_stats(c.bdf[0], &st));
	EXPECT_STRNE("-", st.holder);
	EXPECT_EQ(-EBUSY, arbiter_lock(c.bdf[1], "trylock io+mem", &fd2));
	ASSERT_LT(0, write(fd, "unlock io+mem", 13));
	ASSERT_EQ(0, vfio_vgaarb_stats(c.bdf[0], &st));
	EXPECT_STREQ("-", st.holder);
	ASSERT_EQ(0, arbiter_lock(c.bdf[1], "trylock io+mem", &fd2));
	close(fd2);
	close(fd);
	free(c.list);
}

int main(int argc, char *argv[])
{
	/* A BDF argument (the rig passes one) is not needed: drop it. */
	vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
