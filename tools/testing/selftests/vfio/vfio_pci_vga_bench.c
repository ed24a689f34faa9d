// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_vga_bench BDF [BDF2]: time the VGA region's paths and their
 * floors, and print one "bench: ROW VALUE UNIT" line per row.  Run it once
 * per driver; scripts/bench.sh puts the two side by side.
 *
 * Rows: I/O port read and write through the region and through /dev/port
 * (the floor), legacy memory byte read and 16-bit write through the region
 * and through /dev/mem, 4 KiB and 128 KiB transfers, and two processes
 * alternating between two cards, and hot resets of the first card, with
 * and without the legacy routing, while the second is read and alone
 * ("hot:" lines: the longest read, and the arbiter's longest hold on a
 * kernel with the series; see HOT_RESETS).  Each row is the median
 * of 5 runs; an "alt:" line splits the middle two-card run's time into the
 * accesses that waited for the other card and the others.  On a
 * kernel with the patches/vgaarb/ series, "arb:" lines add what the VGA
 * arbiter saw of each card during the two-card row: contended gets, wait
 * and hold times, routings.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/wait.h>

#include "vfio_util.h"

#define VGA		VFIO_PCI_VGA_REGION_INDEX
#define RUNS		5
/*
 * Accesses of each process per run of the two-card row: enough that a run
 * spans tens of the emulator's vCPU switches, each of which can keep one
 * process waiting for milliseconds, rather than the handful that decided
 * a run of 1000.
 */
#define ALT_ITERS	20000

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @v's @n values; sorts @v. */
static double median_of(double *v, unsigned int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

/* us per operation: median over RUNS runs of @iters calls of @fn. */
typedef int (*op_fn)(void *ctx);

static double time_op(op_fn fn, void *ctx, unsigned int iters)
{
	double runs[RUNS];

	for (int r = 0; r < RUNS; r++) {
		double t0 = vfio_now_us();

		for (unsigned int i = 0; i < iters; i++)
			if (fn(ctx))
				return -1;
		runs[r] = (vfio_now_us() - t0) / iters;
	}
	return median_of(runs, RUNS);
}

struct io_ctx {
	int fd;
	off_t off;
	size_t len;
	bool write;
	void *buf;
};

static int do_io(void *p)
{
	struct io_ctx *c = p;
	ssize_t n = c->write ? pwrite(c->fd, c->buf, c->len, c->off) :
			       pread(c->fd, c->buf, c->len, c->off);

	return n == (ssize_t)c->len ? 0 : -1;
}

static void row(const char *name, double v, const char *unit)
{
	if (v < 0)
		printf("bench: %s failed %s\n", name, unit);
	else
		printf("bench: %s %.3f %s\n", name, v, unit);
}

static double bench(int fd, off_t off, size_t len, bool write, unsigned int iters)
{
	static __u8 buf[128 * 1024];
	struct io_ctx c = { fd, off, len, write, buf };

	memset(buf, 0x5a, sizeof(buf));
	return time_op(do_io, &c, iters);
}

static void vga_reg_write(int fd, off_t region, unsigned int port, __u8 index, __u8 val)
{
	__u16 pair = index | (val << 8);

	VFIO_ASSERT(pwrite(fd, &pair, 2, region + port) == 2, "write port %#x", port);
}

/*
 * The rows time lengths only; this checks that what the region moves is
 * the card's data, as vfio_pci_vga_test does: a sequencer register written
 * through the I/O path reads back, and a pattern written to legacy memory
 * (made a plain byte array: all planes, chain 4, the map at 0xa0000) reads
 * back through a 4 KiB and a 1-byte read.  A mismatch ends the bench.
 */
static void check_data(int fd, off_t region)
{
	static __u8 out[4096], in[4096];
	__u8 idx = 0x02, val = 0;

	vga_reg_write(fd, region, 0x3c4, 0x07, 0x00);	/* cirrus extended mode off */
	vga_reg_write(fd, region, 0x3c4, 0x02, 0x0f);	/* map mask: all planes */
	vga_reg_write(fd, region, 0x3c4, 0x04, 0x08);	/* memory mode: chain 4 */
	vga_reg_write(fd, region, 0x3ce, 0x05, 0x00);	/* read/write mode 0 */
	vga_reg_write(fd, region, 0x3ce, 0x06, 0x00);	/* map 0xa0000-0xbffff */
	VFIO_ASSERT(pwrite(fd, &idx, 1, region + 0x3c4) == 1 &&
		    pread(fd, &val, 1, region + 0x3c5) == 1, "sequencer");
	VFIO_ASSERT((val & 0x0f) == 0x0f, "map mask reads %#x, not 0x0f", val);

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (__u8)(i * 7 + 3);
	VFIO_ASSERT(pwrite(fd, out, sizeof(out), region + 0xa0000) == sizeof(out), "write");
	VFIO_ASSERT(pread(fd, in, sizeof(in), region + 0xa0000) == sizeof(in), "read");
	VFIO_ASSERT(!memcmp(out, in, sizeof(in)), "legacy memory does not read back");
	VFIO_ASSERT(pread(fd, &val, 1, region + 0xa0000 + 100) == 1 && val == out[100],
		    "a byte of legacy memory reads %#x, not %#x", val, out[100]);
	printf("# data checked: sequencer, 4 KiB of legacy memory\n");
}

/*
 * vga_get() of a kernel without patches/vgaarb/0006 (Debian's) checks for
 * a conflict, drops the arbiter's lock and only then queues itself to
 * wait: a release in between wakes nobody, and the access sleeps until the
 * next release.  Both drivers' VGA accesses can sleep so, stock's behind
 * each other and ours behind a /dev/vga_arbiter client.  While the other
 * process keeps accessing, its next release ends the sleep; when it stops
 * right after the release that was missed, nothing does, and the row
 * hangs.  So a process that stops sends the ones still accessing a signal
 * after its last release: both drivers wait in vga_get_interruptible(),
 * which the signal wakes to try again; SA_RESTART restarts whatever else
 * it meets (vfio_signal_wakes()).  Such a wait still counts, up to the
 * signal, in the rows.
 */

/*
 * An access slower than this waited: for the other process's hold and
 * routing switch, and for the emulator to run the other vCPU.
 */
#define ALT_WAITED_US	50.0

/*
 * One run of the two-card row, both processes together: the accesses that
 * waited (ALT_WAITED_US or longer), the time they took, and the average
 * time of the others (each driver's own cost of an access).
 */
struct alt_split {
	double most;
	unsigned int waited;
	double waited_us;
	double rest_us;
};

/*
 * Two processes, one card each, reading a port; total us per access.  The
 * clock starts once both have opened their cards (an open resets and
 * enables the card under the arbiter, which is not what this row times),
 * and @before/@after, when not NULL, take the arbiter's statistics of both
 * cards at the start and at the end.  *@longest: the longest single access
 * of either process, how long one card's user waited for the other's.
 * @split: where the time went (see struct alt_split).
 */
static double alternate(const char *const cards[2], unsigned int iters,
			struct vfio_vgaarb_stats *before, struct vfio_vgaarb_stats *after,
			double *longest, struct alt_split *split)
{
	struct alt_split part[2];
	int ready[2], go[2], done[2], quit[2];
	pid_t pids[2];
	double t0, t1;
	char c;

	if (pipe(ready) || pipe(go) || pipe(done) || pipe(quit))
		return -1;
	vfio_signal_wakes(SIGUSR1, true);
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			struct alt_split mine = {};
			struct vfio_dev dev;
			struct vfio_region_info info;
			__u8 v;

			if (__vfio_dev_open(&dev, cards[i], VFIO_TYPE1v2_IOMMU) ||
			    __vfio_region_info(&dev, VGA, &info))
				_exit(1);
			if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
				_exit(1);
			for (unsigned int n = 0; n < iters; n++) {
				double a = vfio_now_us();

				if (pread(dev.fd, &v, 1, info.offset + 0x3cc) != 1)
					_exit(1);
				a = vfio_now_us() - a;
				mine.most = a > mine.most ? a : mine.most;
				if (a >= ALT_WAITED_US) {
					mine.waited++;
					mine.waited_us += a;
				} else {
					mine.rest_us += a;
				}
			}
			/* Closing takes the arbiter too: after the counts. */
			if (write(done[1], &mine, sizeof(mine)) != sizeof(mine) ||
			    read(quit[0], &c, 1) != 1)
				_exit(1);
			_exit(0);
		}
	}
	for (int i = 0; i < 2; i++)
		if (read(ready[0], &c, 1) != 1)
			return -1;
	for (int i = 0; i < 2 && before; i++)
		if (vfio_vgaarb_stats(cards[i], &before[i]))
			before = NULL;
	t0 = vfio_now_us();
	if (write(go[1], "gg", 2) != 2)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (read(done[0], &part[i], sizeof(part[i])) != sizeof(part[i]))
			return -1;
		/* The first one done has released for the last time. */
		if (!i) {
			kill(pids[0], SIGUSR1);
			kill(pids[1], SIGUSR1);
		}
	}
	t1 = vfio_now_us();
	*longest = part[0].most > part[1].most ? part[0].most : part[1].most;
	split->most = *longest;
	split->waited = part[0].waited + part[1].waited;
	split->waited_us = part[0].waited_us + part[1].waited_us;
	split->rest_us = (part[0].rest_us + part[1].rest_us) /
			 (2 * iters - split->waited ? 2 * iters - split->waited : 1);
	for (int i = 0; i < 2 && before && after; i++)
		vfio_vgaarb_stats(cards[i], &after[i]);
	if (write(quit[1], "xx", 2) != 2)
		return -1;
	for (int i = 0; i < 2; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return -1;
	}
	vfio_signal_wakes(SIGUSR1, false);
	for (int i = 0; i < 2; i++) {
		close(ready[i]);
		close(go[i]);
		close(done[i]);
		close(quit[i]);
	}
	return (t1 - t0) / (2.0 * iters);
}

/* What the arbiter saw of @bdf between @a and @b, as "arb:" lines. */
static void arb_report(const char *bdf, const struct vfio_vgaarb_stats *a,
		       const struct vfio_vgaarb_stats *b)
{
	unsigned long long gets = b->gets - a->gets, cont = b->contended_gets - a->contended_gets;

	printf("arb: %s gets %llu contended %llu (%.1f%%)", bdf, gets, cont,
	       gets ? 100.0 * cont / gets : 0.0);
	printf(" wait_avg_us %.1f wait_max_us %.1f",
	       cont ? (b->wait_ns_total - a->wait_ns_total) / 1000.0 / cont : 0.0,
	       b->wait_ns_max / 1000.0);
	printf(" hold_avg_us %.1f routed_in %llu\n",
	       gets ? (b->hold_ns_total - a->hold_ns_total) / 1000.0 / gets : 0.0,
	       b->routed_in - a->routed_in);
}

/*
 * The VGA arbiter's longest hold while @fn runs, from the series'
 * vgaarb:vgaarb_put tracepoint (hold_ns of each put that ended a hold):
 * us, and the device in @dev; -1 on a kernel without the tracepoint.
 */
static const char *const tracing_dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static const char *trace_dir(void)
{
	char path[128];

	for (unsigned int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/vgaarb/vgaarb_put/enable", tracing_dirs[i]);
		if (!access(path, W_OK))
			return tracing_dirs[i];
	}
	return NULL;
}

static void trace_set(const char *dir, const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	vfio_write_file(path, val);
}

static double trace_max_hold(const char *dir, char *dev, size_t len)
{
	char path[128], line[512];
	double max = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *d = strstr(line, "dev="), *h = strstr(line, "hold_ns=");
		double us;

		if (!d || !h)
			continue;
		us = strtoull(h + 8, NULL, 10) / 1000.0;
		if (us > max) {
			max = us;
			snprintf(dev, len, "%.*s", (int)strcspn(d + 4, " "), d + 4);
		}
	}
	fclose(f);
	return max;
}

/*
 * Hot resets of @cards[0], four rows (each the median of HOT_RESETS):
 *
 * hot_reset: the reset ioctl while this process reads port 0x3cc of
 * @cards[1] in a loop.  Nothing accesses @cards[0]'s VGA region, so the
 * routing stays with @cards[1] and a reset does the same work with either
 * driver.  Prints the longest single read of the other card (how long a
 * reset kept it waiting) and, on a kernel with the arbiter series, the
 * arbiter's longest hold.
 *
 * hot_reset_routed_busy: then, with the reads still going, the reset
 * ioctl right after a VGA register write to @cards[0] (timed apart, a
 * "hot:" line): the card holds the routing when the reset starts, unless
 * the reader took it in between.  Ours hands the routing back to the
 * boot card before such a reset, or waits until the reader's access has
 * moved it (vfio_pci_vga_route_begin(), a deliberate difference, see
 * vfio.rst); stock does neither.
 *
 * hot_reset_routed: the same with nothing else running: the card holds
 * the routing and ours always hands it back.
 *
 * hot_reset_routed_switch, hot_reset_routed_busy_switch: the arbiter's
 * part of that hand-back alone, no VFIO in it, with nothing else running
 * and with the reads still going: the routing moved from @cards[0] to the
 * boot card through /dev/vga_arbiter ("lock io+mem" on the default target,
 * after a lock and unlock on @cards[0]).  bench-report.py holds each
 * routed row to stock's reset plus its switch.
 */
#define HOT_RESETS	30

struct hot_times {
	double reset_us[HOT_RESETS];		/* not routed */
	double write_us[HOT_RESETS];		/* the write before a routed reset */
	double routed_us[HOT_RESETS];		/* routed */
	double switch_ms;			/* arbiter_switch() */
};

/*
 * Resets of @bdf as struct hot_times says (the ones that are not routed
 * only with @plain); 0 or -1.
 */
static int hot_resets(const char *bdf, bool plain, struct hot_times *t)
{
	__u16 gr = 0xff08;	/* graphics controller bit mask 0xff */
	struct vfio_region_info info;
	struct vfio_dev dev;
	int bad;

	if (__vfio_dev_open(&dev, bdf, VFIO_TYPE1v2_IOMMU))
		return -1;
	bad = __vfio_region_info(&dev, VGA, &info);
	for (int i = 0; plain && !bad && i < HOT_RESETS; i++) {
		double a = vfio_now_us();

		bad = __vfio_hot_reset(dev.fd, &dev.group_fd, 1);
		t->reset_us[i] = vfio_now_us() - a;
	}
	for (int i = 0; !bad && i < HOT_RESETS; i++) {
		double a = vfio_now_us(), b;

		bad = pwrite(dev.fd, &gr, 2, info.offset + 0x3ce) != 2;
		b = vfio_now_us();
		bad |= __vfio_hot_reset(dev.fd, &dev.group_fd, 1) != 0;
		t->write_us[i] = b - a;
		t->routed_us[i] = vfio_now_us() - b;
	}
	vfio_dev_close(&dev);
	return bad ? -1 : 0;
}

/* ms: the median time of HOT_RESETS routing switches from @card to the boot card. */
static double arbiter_switch(const char *card)
{
	char target[sizeof("target PCI:") + VFIO_BDF_LEN];
	double us[HOT_RESETS];
	int len, fd;

	fd = open("/dev/vga_arbiter", O_RDWR);
	if (fd < 0)
		return -1;
	len = snprintf(target, sizeof(target), "target PCI:%s", card);
	for (int i = 0; i < HOT_RESETS; i++) {
		double a;

		if (write(fd, target, len) != len || write(fd, "lock io+mem", 11) != 11 ||
		    write(fd, "unlock io+mem", 13) != 13 ||
		    write(fd, "target default", 14) != 14)
			break;
		a = vfio_now_us();
		if (write(fd, "lock io+mem", 11) != 11)
			break;
		us[i] = vfio_now_us() - a;
		if (write(fd, "unlock io+mem", 13) != 13)
			break;
		if (i == HOT_RESETS - 1) {
			close(fd);
			return median_of(us, HOT_RESETS) / 1000.0;
		}
	}
	close(fd);
	return -1;
}

/* The median and the longest of the writes before the routed resets. */
static void print_writes(const char *how, double *write_us)
{
	double med = median_of(write_us, HOT_RESETS);

	printf("hot: %s, the write before a routed reset took %.1f us (median), %.1f us at most\n",
	       how, med, write_us[HOT_RESETS - 1]);
}

static void hot_reset_shared(const char *const cards[2])
{
	const char *tdir = trace_dir();
	struct vfio_region_info info;
	struct hot_times t = {};
	unsigned long reads = 0;
	struct vfio_dev other;
	double worst = 0;
	char dev[64] = "-";
	int status, p[2];
	bool got;
	pid_t pid;
	__u8 v;

	if (__vfio_dev_open(&other, cards[1], VFIO_TYPE1v2_IOMMU))
		goto fail;
	/* The routing goes to @cards[1] before the first reset. */
	if (__vfio_region_info(&other, VGA, &info) ||
	    pread(other.fd, &v, 1, info.offset + 0x3cc) != 1 || pipe(p)) {
		vfio_dev_close(&other);
		goto fail;
	}
	if (tdir) {
		trace_set(tdir, "trace", "");
		trace_set(tdir, "events/vgaarb/vgaarb_put/enable", "1");
	}
	/* The child's exit comes after its last release. */
	vfio_signal_wakes(SIGCHLD, true);
	pid = fork();
	if (!pid) {
		int bad = hot_resets(cards[0], true, &t);

		t.switch_ms = arbiter_switch(cards[0]);

		if (write(p[1], &t, sizeof(t)) != sizeof(t))
			bad = 1;
		_exit(!!bad);
	}
	close(p[1]);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		double a = vfio_now_us();

		if (pread(other.fd, &v, 1, info.offset + 0x3cc) != 1)
			break;
		a = vfio_now_us() - a;
		worst = a > worst ? a : worst;
		reads++;
	}
	waitpid(pid, &status, 0);
	vfio_signal_wakes(SIGCHLD, false);
	got = read(p[0], &t, sizeof(t)) == sizeof(t);
	close(p[0]);
	vfio_dev_close(&other);
	if (tdir)
		trace_set(tdir, "events/vgaarb/vgaarb_put/enable", "0");
	if (!got || !WIFEXITED(status) || WEXITSTATUS(status))
		goto fail;
	row("hot_reset", median_of(t.reset_us, HOT_RESETS) / 1000.0, "ms/op");
	row("hot_reset_routed_busy", median_of(t.routed_us, HOT_RESETS) / 1000.0, "ms/op");
	row("hot_reset_routed_busy_switch", t.switch_ms, "ms/op");
	printf("hot: %d resets of %s, %d of them routed; %lu reads of %s, the longest %.1f us\n",
	       2 * HOT_RESETS, cards[0], HOT_RESETS, reads, cards[1], worst);
	print_writes("with the reads", t.write_us);
	if (tdir)
		printf("hot: arbiter's longest hold %.1f us (%s)\n",
		       trace_max_hold(tdir, dev, sizeof(dev)), dev);
	else
		printf("hot: arbiter's longest hold n/a (no vgaarb tracepoints: %s)\n",
		       "a kernel without the patches/vgaarb/ series");
	return;
fail:
	row("hot_reset", -1, "ms/op");
	row("hot_reset_routed_busy", -1, "ms/op");
	row("hot_reset_routed_busy_switch", -1, "ms/op");
}

static void hot_reset_routed(const char *card)
{
	struct hot_times t;

	if (hot_resets(card, false, &t)) {
		row("hot_reset_routed", -1, "ms/op");
		return;
	}
	row("hot_reset_routed", median_of(t.routed_us, HOT_RESETS) / 1000.0, "ms/op");
	print_writes("alone", t.write_us);
}

static void hot_reset_rows(const char *const cards[2])
{
	hot_reset_shared(cards);
	hot_reset_routed(cards[0]);
	row("hot_reset_routed_switch", arbiter_switch(cards[0]), "ms/op");
}

int main(int argc, char *argv[])
{
	struct vfio_region_info info;
	struct vfio_dev dev;
	int port, mem;

	if (argc < 2) {
		fprintf(stderr, "usage: %s BDF [BDF2]\n", argv[0]);
		return 2;
	}
	vfio_dev_open(&dev, argv[1], VFIO_TYPE1v2_IOMMU);
	vfio_region_info(&dev, VGA, &info);
	port = open("/dev/port", O_RDWR);
	mem = open("/dev/mem", O_RDWR | O_SYNC);

	/* Port 0x3cc reads the misc output register; 0x3ce/0x3cf is GR index/data. */
	row("io_read_1", bench(dev.fd, info.offset + 0x3cc, 1, false, 2000), "us/op");
	row("io_read_1_floor_devport", port < 0 ? -1 : bench(port, 0x3cc, 1, false, 2000), "us/op");
	row("io_write_1", bench(dev.fd, info.offset + 0x3ce, 1, true, 2000), "us/op");
	row("io_write_1_floor_devport", port < 0 ? -1 : bench(port, 0x3ce, 1, true, 2000), "us/op");
	row("mem_read_1", bench(dev.fd, info.offset + 0xa0000, 1, false, 2000), "us/op");
	row("mem_read_1_floor_devmem", mem < 0 ? -1 : bench(mem, 0xa0000, 1, false, 2000), "us/op");
	row("mem_write_2", bench(dev.fd, info.offset + 0xa0000, 2, true, 2000), "us/op");
	row("mem_write_2_floor_devmem", mem < 0 ? -1 : bench(mem, 0xa0000, 2, true, 2000), "us/op");
	row("bulk_read_4k", bench(dev.fd, info.offset + 0xa0000, 4096, false, 20), "us/op");
	row("bulk_write_4k", bench(dev.fd, info.offset + 0xa0000, 4096, true, 20), "us/op");
	row("bulk_read_128k", bench(dev.fd, info.offset + 0xa0000, 128 * 1024, false, 2), "us/op");
	row("bulk_write_128k", bench(dev.fd, info.offset + 0xa0000, 128 * 1024, true, 2), "us/op");
	check_data(dev.fd, info.offset);
	/* The children open the cards themselves: a group opens once. */
	vfio_dev_close(&dev);
	if (argc > 2) {
		const char *const cards[2] = { argv[1], argv[2] };
		struct vfio_vgaarb_stats before[2] = {}, after[2] = {};
		bool have = !vfio_vgaarb_stats(cards[0], &before[0]);
		double per_op[RUNS], longest[RUNS], sorted[RUNS], most;
		struct alt_split split[RUNS] = {};
		int mid = 0;

		/*
		 * Where the two processes' turns fall moves a single run by
		 * tens of percent: the median of RUNS runs, as for the other
		 * rows (the arbiter's figures are those of the middle run).
		 */
		for (int r = 0; r < RUNS; r++) {
			bool stats = have && r == RUNS / 2;

			longest[r] = -1;
			per_op[r] = alternate(cards, ALT_ITERS, stats ? before : NULL,
					      stats ? after : NULL, &longest[r], &split[r]);
		}
		memcpy(sorted, per_op, sizeof(sorted));
		qsort(sorted, RUNS, sizeof(sorted[0]), cmp_double);
		for (int r = 0; r < RUNS; r++)
			if (per_op[r] == sorted[RUNS / 2])
				mid = r;
		row("alternate_2_cards", sorted[0] < 0 ? -1 : sorted[RUNS / 2], "us/op");
		most = median_of(longest, RUNS);	/* longest[0]: the least */
		row("alternate_2_cards_longest", longest[0] < 0 ? -1 : most, "us");
		/* Where the middle run's time went. */
		if (sorted[0] >= 0) {
			printf("alt: %d accesses, %u waited %.0f us or more", 2 * ALT_ITERS,
			       split[mid].waited, ALT_WAITED_US);
			printf(" (%.1f ms in all, the longest %.1f ms), the others %.3f us each\n",
			       split[mid].waited_us / 1000.0, split[mid].most / 1000.0,
			       split[mid].rest_us);
		}
		if (have) {
			arb_report(cards[0], &before[0], &after[0]);
			arb_report(cards[1], &before[1], &after[1]);
		} else {
			printf("arb: n/a (no /sys/kernel/debug/vgaarb: a kernel without %s)\n",
			       "the patches/vgaarb/ series");
		}
		hot_reset_rows(cards);
	}
	return 0;
}
