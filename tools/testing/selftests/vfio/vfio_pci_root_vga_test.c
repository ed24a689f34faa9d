// SPDX-License-Identifier: GPL-2.0-only
/*
 * A second VGA card on a root bus, beside the boot VGA.  No bridge sits
 * above it, so its own I/O and memory enables are its legacy VGA routing,
 * and its ROM is read through its ROM BAR (the boot card's is the shadow
 * copy at 0xc0000): turning its memory decode on for a ROM read is a
 * routing change that needs the VGA arbiter.  The rig has such a card
 * only with vm.sh --root-vga (00:08.0).
 *
 * Usage: vfio_pci_root_vga_test [harness options] BDF
 * BDF is the root-bus card, bound to vfio-pci; the test SKIPs, saying
 * why, for any other card.  rom_read_waits_for_arbiter holds the legacy
 * ranges on the boot VGA through /dev/vga_arbiter (after a VGA card
 * behind a bridge took them, see there); routed_away_decodes_nothing
 * routes them to another card, the first of VFIO_SELFTESTS_VGA_BDFS
 * ("BDF BDF ...") behind a bridge and bound to vfio-pci.  Nothing else
 * may use the arbiter meanwhile.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "vfio_util.h"
#include "kselftest_harness.h"

#define ROM		VFIO_PCI_ROM_REGION_INDEX
#define VGA		VFIO_PCI_VGA_REGION_INDEX
#define VGA_MEM		0xa0000
#define MISC_OUT_R	0x3cc		/* a read-only legacy I/O register */
#define GFX_INDEX	0x3ce
#define ROM_LINE	6		/* the ROM's line of sysfs "resource" */
#define RES_ROM_SHADOW	0x2		/* IORESOURCE_ROM_SHADOW */
#define DECODES		(PCI_COMMAND_IO | PCI_COMMAND_MEMORY)

static const char *bdf;

/*
 * Whether @card sits on a root bus: its sysfs directory is a child of the
 * host bridge's (pciDDDD:BB), not of a bridge's.  Its parent into @parent.
 */
static bool on_root_bus(const char *card, char *parent, size_t len)
{
	return !vfio_sysfs_parent(card, parent, len) && !strncmp(parent, "pci", 3);
}

/* NULL when @card is a VGA card on a root bus but not the boot VGA; else why not. */
static const char *not_root_vga(const char *card)
{
	static char why[2 * NAME_MAX + 128];
	unsigned long class, boot;
	char parent[NAME_MAX + 1] = "";

	if (vfio_sysfs_read_hex(card, "class", &class) || (class >> 8) != 0x0300) {
		snprintf(why, sizeof(why), "%s is not a VGA card", card);
		return why;
	}
	if (!on_root_bus(card, parent, sizeof(parent))) {
		snprintf(why, sizeof(why), "%s is not on a root bus (parent %s)%s",
			 card, parent, ": vm.sh --root-vga has one, 0000:00:08.0");
		return why;
	}
	if (!vfio_sysfs_read_hex(card, "boot_vga", &boot) && boot) {
		snprintf(why, sizeof(why), "%s is the boot VGA (its ROM is the shadow copy)",
			 card);
		return why;
	}
	return NULL;
}

/* The first VGA card in sysfs behind a bridge into @out; false when none. */
static bool find_bridged_vga(char *out, size_t len)
{
	char parent[NAME_MAX + 1];
	unsigned long class;
	struct dirent *de;
	bool found = false;
	DIR *d;

	d = opendir("/sys/bus/pci/devices");
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    vfio_sysfs_read_hex(de->d_name, "class", &class) ||
		    (class >> 8) != 0x0300 ||
		    on_root_bus(de->d_name, parent, sizeof(parent)))
			continue;
		snprintf(out, len, "%s", de->d_name);
		found = true;
	}
	closedir(d);
	return found;
}

/* The I/O and memory enables of @card's command register, read through sysfs. */
static __u16 sysfs_decodes(const char *card)
{
	__u8 cfg[PCI_COMMAND + 2];

	if (vfio_sysfs_read_config(card, cfg, sizeof(cfg)) != sizeof(cfg))
		return 0xffff;
	return (cfg[PCI_COMMAND] | cfg[PCI_COMMAND + 1] << 8) & DECODES;
}

/* /dev/vga_arbiter with @card's legacy I/O and memory locked; -errno. */
static int arbiter_lock(const char *card)
{
	char target[NAME_MAX + 16];
	int fd;

	fd = open("/dev/vga_arbiter", O_RDWR);
	if (fd < 0)
		return -errno;
	snprintf(target, sizeof(target), "target PCI:%s", card);
	if (write(fd, target, strlen(target)) < 0 || write(fd, "lock io+mem", 11) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* Route legacy VGA back to the boot card, the arbiter's default target. */
static void route_to_boot(void)
{
	int fd = open("/dev/vga_arbiter", O_RDWR);

	if (fd < 0)
		return;
	if (write(fd, "lock io+mem", 11) > 0 && write(fd, "unlock all", 10) < 0)
		perror("# unlock all");
	close(fd);
}

/*
 * The root-bus card, opened; its command register is put back and legacy
 * VGA routed back to the boot card at the end, whatever the test did.
 */
FIXTURE(root_vga) {
	struct vfio_dev dev;
	__u16 cmd;
};

FIXTURE_SETUP(root_vga)
{
	const char *why = not_root_vga(bdf);

	if (why)
		SKIP(return, "%s", why);
	vfio_dev_open(&self->dev, bdf, VFIO_TYPE1v2_IOMMU);
	self->cmd = vfio_cfg_read(&self->dev, PCI_COMMAND, 2);
}

FIXTURE_TEARDOWN(root_vga)
{
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, self->cmd);
	vfio_dev_close(&self->dev);
	route_to_boot();
}

/*
 * A ROM read in a thread of its own, so that it can be interrupted while
 * it waits.  The region's offset is looked up before: the lookup would
 * wait for the arbiter as well (it measures the ROM).
 */
struct rom_reader {
	pid_t tid;
	int fd;
	__u64 offset;
	__u8 sig[2];
	ssize_t ret;
	bool started;
	bool done;
};

static void *rom_reader_run(void *arg)
{
	struct rom_reader *r = arg;
	ssize_t n;

	r->tid = gettid();
	__atomic_store_n(&r->started, true, __ATOMIC_RELEASE);
	n = pread(r->fd, r->sig, sizeof(r->sig), r->offset);
	r->ret = n < 0 ? -errno : n;
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static bool rom_reader_done(struct rom_reader *r)
{
	return __atomic_load_n(&r->done, __ATOMIC_ACQUIRE);
}

/*
 * Wait up to 2 s for @r's thread to be inside pread() (or done), so that
 * the signal cannot come before the read; false when /proc cannot tell.
 */
static bool rom_reader_in_pread(struct rom_reader *r)
{
	char path[64];
	long nr = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", r->tid);
	for (int i = 0; i < 200 && !rom_reader_done(r); i++) {
		FILE *f = fopen(path, "r");

		if (!f)
			return false;
		if (fscanf(f, "%ld", &nr) != 1)
			nr = -1;
		fclose(f);
		if (nr == SYS_pread64)
			return true;
		usleep(10000);
	}
	return rom_reader_done(r);
}

/* Wait up to @ms for @r to be done. */
static bool rom_reader_wait(struct rom_reader *r, unsigned int ms)
{
	for (unsigned int i = 0; i < ms / 10 && !rom_reader_done(r); i++)
		usleep(10000);
	return rom_reader_done(r);
}

/*
 * A ROM read of the root-bus card with its memory decode off asks the
 * arbiter for the card's normal memory, which the arbiter turns into a
 * lock of the legacy memory range (the card decodes it with its memory
 * enable), and so waits while the boot VGA holds the legacy ranges.  A
 * signal (handler without SA_RESTART) ends the wait with EINTR and the
 * card's memory decode stays off: turning it on without the arbiter would
 * make two cards decode legacy memory.  With the lock released the same
 * read goes through, and the user's decode is back as it was.
 *
 * Stock's ROM read takes no arbiter and never waits: with memory decode
 * off it fails at once with ENOMEM (the ROM BAR reads no image).
 */
TEST_F(root_vga, rom_read_waits_for_arbiter)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	char boot[NAME_MAX + 1], bridged[NAME_MAX + 1];
	unsigned long long start, end, flags;
	__u16 waiting, signalled, unlocked;
	struct vfio_region_info info;
	struct rom_reader r = { 0 };
	bool waited;
	pthread_t t;
	ssize_t n;
	int arb;

	if (!vfio_sysfs_has_rom(bdf))
		SKIP(return, "%s has no ROM", bdf);
	ASSERT_EQ(0, vfio_sysfs_resource(bdf, ROM_LINE, &start, &end, &flags));
	if (flags & RES_ROM_SHADOW)
		SKIP(return, "%s's ROM is a shadow copy at %#llx (resource flags %#llx)",
		     bdf, start, flags);
	if (!vfio_sysfs_boot_vga(boot, sizeof(boot)))
		SKIP(return, "no boot VGA to hold the arbiter");
	if (!find_bridged_vga(bridged, sizeof(bridged)))
		SKIP(return, "no VGA card behind a bridge to take the legacy ranges first");
	if (access("/dev/vga_arbiter", R_OK | W_OK))
		SKIP(return, "no /dev/vga_arbiter");

	/* Measured with decode on: nothing waits for the arbiter here. */
	vfio_region_info(&self->dev, ROM, &info);
	ASSERT_NE(0, info.size);
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, self->cmd & ~PCI_COMMAND_MEMORY);
	ASSERT_EQ(0, sysfs_decodes(bdf) & PCI_COMMAND_MEMORY);

	/*
	 * SeaBIOS leaves both root-bus cards decoding, and the arbiter books
	 * both as owning the legacy ranges from boot on: a lock of the boot
	 * card then takes nothing from this one.  A card behind a bridge
	 * takes the ranges from both first; the boot card's lock then routes
	 * them to the boot card alone.
	 */
	arb = arbiter_lock(bridged);
	ASSERT_LE(0, arb) TH_LOG("lock io+mem on %s: %s", bridged, strerror(-arb));
	close(arb);
	arb = arbiter_lock(boot);
	ASSERT_LE(0, arb) TH_LOG("lock io+mem on %s: %s", boot, strerror(-arb));

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	r.fd = self->dev.fd;
	r.offset = info.offset;
	ASSERT_EQ(0, pthread_create(&t, NULL, rom_reader_run, &r));
	while (!__atomic_load_n(&r.started, __ATOMIC_ACQUIRE))
		usleep(1000);
	if (!rom_reader_in_pread(&r))
		TH_LOG("could not see the reader enter pread(): timing alone");
	usleep(300 * 1000);
	waited = !rom_reader_done(&r);
	waiting = sysfs_decodes(bdf);
	pthread_kill(t, SIGUSR1);
	/* A read the signal did not end is let go by the unlock. */
	rom_reader_wait(&r, 5000);
	signalled = sysfs_decodes(bdf);
	ASSERT_LT(0, write(arb, "unlock all", 10));
	close(arb);
	pthread_join(t, NULL);

	/* The arbiter is free: the read goes through (ours). */
	n = __vfio_region_read(&self->dev, ROM, 0, r.sig, sizeof(r.sig));
	unlocked = sysfs_decodes(bdf);
	TH_LOG("%s's ROM read, %s locked: %s at 300 ms, %zd after SIGUSR1, %zd unlocked",
	       bdf, boot, waited ? "waiting" : "done", r.ret, n);
	TH_LOG("%s decodes %#x waiting, %#x after the signal, %#x after the unlocked read",
	       bdf, waiting, signalled, unlocked);

	if (vfio_driver_is_stock()) {
		ASSERT_FALSE(waited);
		ASSERT_EQ(-ENOMEM, r.ret);
		ASSERT_EQ(-ENOMEM, n);
	} else {
		ASSERT_TRUE(waited) TH_LOG("the ROM read did not wait for the arbiter");
		/* Bytes read: its memory decode went on with another card's lock held. */
		ASSERT_EQ(-EINTR, r.ret);
		ASSERT_EQ(2, n);
		ASSERT_EQ(0x55, r.sig[0]);
		ASSERT_EQ(0xaa, r.sig[1]);
	}
	/* Memory decode stays as the user left it: off. */
	ASSERT_EQ(0, waiting & PCI_COMMAND_MEMORY);
	ASSERT_EQ(0, signalled & PCI_COMMAND_MEMORY);
	ASSERT_EQ(0, unlocked & PCI_COMMAND_MEMORY);
}

static void gfx_write(struct vfio_dev *dev, __u8 index, __u8 val)
{
	__u16 pair = index | (val << 8);

	vfio_region_write(dev, VGA, GFX_INDEX, &pair, 2);
}

static __u8 gfx_read(struct vfio_dev *dev, __u8 index)
{
	__u8 val;

	vfio_region_write(dev, VGA, GFX_INDEX, &index, 1);
	vfio_region_read(dev, VGA, GFX_INDEX + 1, &val, 1);
	return val;
}

/* One I/O and one memory access of the VGA region: routes both ranges. */
static void vga_touch(struct vfio_dev *dev)
{
	__u8 b;

	vfio_region_read(dev, VGA, MISC_OUT_R, &b, 1);
	vfio_region_read(dev, VGA, VGA_MEM, &b, 1);
}

/*
 * The root-bus card is a legacy decoder to the arbiter: routing legacy
 * VGA to another card turns its I/O and memory decode off, as it does
 * the boot card's, although its user had them on; its next VGA region
 * access routes back to it.  Declared a non-legacy decoder, the card
 * kept both on (the arbiter routes such a card with the bridges above
 * it, and it has none): two cards decoding the legacy ranges.
 */
TEST_F(root_vga, routed_away_decodes_nothing)
{
	__u16 routed_here, routed_away, routed_back;
	char other[NAME_MAX + 1];
	struct vfio_dev odev;
	__u8 mine;

	if (!vfio_vga_bridged_card(bdf, other, sizeof(other)))
		SKIP(return, "VFIO_SELFTESTS_VGA_BDFS: no card behind a bridge on vfio-pci");

	vfio_dev_open(&odev, other, VFIO_TYPE1v2_IOMMU);
	vfio_cfg_write(&self->dev, PCI_COMMAND, 2, self->cmd | DECODES);

	vga_touch(&self->dev);
	gfx_write(&self->dev, 0x08, 0x5a);	/* bit mask: a value of its own */
	routed_here = sysfs_decodes(bdf);
	vga_touch(&odev);
	gfx_write(&odev, 0x08, 0xa5);
	routed_away = sysfs_decodes(bdf);
	mine = gfx_read(&self->dev, 0x08);
	vga_touch(&self->dev);
	routed_back = sysfs_decodes(bdf);

	TH_LOG("%s decodes %#x routed to it, %#x routed to %s, %#x routed back; "
	       "its bit mask reads %#x (wrote 0x5a)", bdf, routed_here, routed_away,
	       other, routed_back, mine);
	gfx_write(&self->dev, 0x08, 0xff);
	gfx_write(&odev, 0x08, 0xff);
	vfio_dev_close(&odev);

	ASSERT_EQ(DECODES, routed_here);
	ASSERT_EQ(0, routed_away) TH_LOG("%s still decodes with legacy VGA routed to %s",
					 bdf, other);
	ASSERT_EQ(DECODES, routed_back);
	ASSERT_EQ(0x5a, mine);
}

int main(int argc, char *argv[])
{
	bdf = vfio_selftests_get_bdf(&argc, argv);
	return test_harness_run(argc, argv);
}
