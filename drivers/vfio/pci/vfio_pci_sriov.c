// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci (vfio-vga): SR-IOV and the VF token.
 *
 * A physical function (PF) bound to vfio-pci can create virtual functions
 * (VFs) through sysfs sriov_numvfs when the enable_sriov parameter allows
 * it.  The PF's user then drives the PF, and with it every VF: a VF's user
 * must trust the PF's.  The VF token records that trust: a UUID the PF's
 * user sets (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, or "vf_token=" when opening
 * the PF while no VF is in use) and hands to the VFs' users, who must
 * present it to open a VF: "0000:05:00.1 vf_token=<uuid>" as the name given
 * to VFIO_GROUP_GET_DEVICE_FD (the .match op) or, through the device cdev
 * of a VFIO core that passes it on (6.17+), VFIO_DEVICE_BIND_IOMMUFD with
 * VFIO_DEVICE_BIND_FLAG_TOKEN (the .match_token_uuid op).  While any VF is
 * open, a new user of the PF must present the token too.
 *
 * VFs created by one of our PFs get driver_override "vfio-pci" before any
 * driver probes them, so that no host driver takes a device the PF's user
 * controls; binding one to another driver anyway is logged.
 *
 * Locking: each PF's sriov.lock protects its token and its count of open
 * VFs; it nests inside the VFIO core's dev_set->lock (held around open and
 * close, and around .match_token_uuid) and the group's device_lock (held
 * around .match), and takes nothing inside it.  Enabling and disabling
 * VFs runs under the PF's device lock (the PCI core holds it around
 * sriov_configure and remove).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>
#include <linux/vfio.h>

#include "vfio_pci_drv.h"

static bool enable_sriov;
module_param(enable_sriov, bool, 0644);
MODULE_PARM_DESC(enable_sriov, "Let a physical function bound to vfio-pci create virtual functions through sriov_numvfs; its user must set a VF token that the VFs' users present (default: false)");

/* The driver whose PFs we look for: set by vfio_pci_sriov_init(). */
static struct pci_driver *vfio_pci_sriov_driver;

/* The PF of @pdev when @pdev is a VF and its PF is bound to vfio-pci. */
static struct vfio_pci_dev *vfio_pci_sriov_our_pf(struct pci_dev *pdev)
{
	struct vfio_pci_dev *pf;

	if (!pdev->is_virtfn)
		return NULL;
	pf = pci_iov_get_pf_drvdata(pdev, vfio_pci_sriov_driver);
	return IS_ERR(pf) ? NULL : pf;
}

/**
 * vfio_pci_sriov_probe - SR-IOV state of a device being bound
 * @vpdev: the device
 *
 * A PF gets a random token that nobody knows until its user sets one; a
 * VF remembers its PF when the PF is ours.  The PF stays bound while any
 * of its VFs is: removing it removes the VFs first (vfio_pci_sriov_remove()).
 */
void vfio_pci_sriov_probe(struct vfio_pci_dev *vpdev)
{
	if (vpdev->pdev->is_physfn)
		uuid_gen(&vpdev->sriov.token);
	vpdev->sriov_pf = vfio_pci_sriov_our_pf(vpdev->pdev);
}

/* Remove the VFs a PF of ours created; its device lock held. */
static void vfio_pci_sriov_remove_vfs(struct vfio_pci_dev *vpdev)
{
	if (!vpdev->sriov.vfs_enabled)
		return;
	pci_disable_sriov(vpdev->pdev);
	vpdev->sriov.vfs_enabled = false;
	pm_runtime_put(&vpdev->pdev->dev);
}

/**
 * vfio_pci_sriov_remove - remove the VFs of a PF being unbound
 * @vpdev: the device, being unbound (its device lock held)
 *
 * Each VF's removal waits for its user to close it.
 */
void vfio_pci_sriov_remove(struct vfio_pci_dev *vpdev)
{
	vfio_pci_sriov_remove_vfs(vpdev);
}

/**
 * vfio_pci_sriov_configure - the PCI driver's sriov_configure
 * @pdev: a PF bound to vfio-pci (its device lock held by the PCI core)
 * @nr_virtfn: the number of VFs wanted, 0 to remove them
 *
 * The PF stays in D0 while it has VFs.  Disabling them waits for each VF's
 * user to close it (the VFIO core asks through the VF's REQ eventfd).
 *
 * Return: @nr_virtfn on success; -ENOENT without enable_sriov; -EBUSY
 * when VFs exist already; the PCI core's -errno.
 */
int vfio_pci_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	struct vfio_pci_dev *vpdev = dev_get_drvdata(&pdev->dev);
	int ret;

	device_lock_assert(&pdev->dev);
	if (!vpdev)
		return -ENODEV;

	if (!nr_virtfn) {
		vfio_pci_sriov_remove_vfs(vpdev);
		return 0;
	}
	if (!enable_sriov) {
		pci_info_ratelimited(pdev, "VFs not created: the enable_sriov parameter of vfio-pci is off\n");
		return -ENOENT;
	}
	if (vpdev->sriov.vfs_enabled)
		return -EBUSY;

	ret = pm_runtime_resume_and_get(&pdev->dev);
	if (ret)
		return ret;
	ret = pci_enable_sriov(pdev, nr_virtfn);
	if (ret) {
		pm_runtime_put(&pdev->dev);
		return ret;
	}
	vpdev->sriov.vfs_enabled = true;
	pci_info(pdev, "%d VFs created for the PF's vfio-pci user\n", nr_virtfn);
	return nr_virtfn;
}

/**
 * vfio_pci_sriov_feature_token - VFIO_DEVICE_FEATURE_PCI_VF_TOKEN
 * @vpdev: the device
 * @flags: the feature's flags
 * @arg: the payload, a 16-byte UUID
 * @argsz: its size
 *
 * Return: 0; -ENOTTY on a device that is not an SR-IOV PF; -EINVAL for
 * GET or a payload shorter than a UUID; -EFAULT.
 */
int vfio_pci_sriov_feature_token(struct vfio_pci_dev *vpdev, u32 flags,
				 void __user *arg, size_t argsz)
{
	uuid_t token;
	int ret;

	if (!vpdev->pdev->is_physfn)
		return -ENOTTY;
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 sizeof(token));
	if (ret != 1)
		return ret;
	if (copy_from_user(&token, arg, sizeof(token)))
		return -EFAULT;

	mutex_lock(&vpdev->sriov.lock);
	uuid_copy(&vpdev->sriov.token, &token);
	mutex_unlock(&vpdev->sriov.lock);
	return 0;
}

/**
 * vfio_pci_sriov_check_token - may the opener of a device have it?
 * @vpdev: the device named
 * @token: the token the opener presented, NULL for none
 *
 * A VF of one of our PFs needs its PF's token; a PF needs it while any of
 * its VFs is open, and otherwise takes a token presented as its new one.
 *
 * Return: 0; -EACCES for a missing or wrong token; -EINVAL for a token
 * given to a device that takes none.
 */
static int vfio_pci_sriov_check_token(struct vfio_pci_dev *vpdev,
				      const uuid_t *token)
{
	struct pci_dev *pdev = vpdev->pdev;
	struct vfio_pci_dev *pf = vpdev->sriov_pf;
	int ret = 0;

	if (pf) {
		mutex_lock(&pf->sriov.lock);
		if (!token || !uuid_equal(token, &pf->sriov.token))
			ret = -EACCES;
		mutex_unlock(&pf->sriov.lock);
		if (ret)
			pci_info_ratelimited(pdev, "VF open refused: %s VF token (its PF %s is bound to vfio-pci)\n",
					     token ? "wrong" : "no", pci_name(pf->pdev));
		return ret;
	}

	if (pdev->is_physfn) {
		mutex_lock(&vpdev->sriov.lock);
		if (vpdev->sriov.vf_users) {
			if (!token || !uuid_equal(token, &vpdev->sriov.token))
				ret = -EACCES;
		} else if (token) {
			uuid_copy(&vpdev->sriov.token, token);
		}
		mutex_unlock(&vpdev->sriov.lock);
		if (ret)
			pci_info_ratelimited(pdev, "PF open refused: %s VF token while its VFs are in use\n",
					     token ? "wrong" : "no");
		return ret;
	}

	if (token) {
		pci_info_ratelimited(pdev, "VF token refused: neither an SR-IOV PF nor a VF of a PF bound to vfio-pci\n");
		return -EINVAL;
	}
	return 0;
}

/**
 * vfio_pci_sriov_match_token - the token of whoever is about to open a device
 * @vpdev: the device, by either way in: VFIO_GROUP_GET_DEVICE_FD (the .match
 *	op) or VFIO_DEVICE_BIND_IOMMUFD (the .match_token_uuid op)
 * @token: the token presented, NULL for none
 *
 * Checks the token and, when one was presented and is right, leaves a
 * ticket for the same task's open_device(), which the VFIO core calls next
 * (vfio_pci_sriov_open()).
 *
 * Context: dev_set->lock (a cdev bind) or the group's device_lock (.match)
 * held by the VFIO core.
 *
 * Return: 0 when the caller may have the device; -EACCES when the token is
 * missing or wrong; -EINVAL for a token given to a device that takes none
 * (vfio_pci_sriov_check_token()).
 */
int vfio_pci_sriov_match_token(struct vfio_pci_dev *vpdev, const uuid_t *token)
{
	int ret;

	ret = vfio_pci_sriov_check_token(vpdev, token);
	if (ret || !token)
		return ret;
	mutex_lock(&vpdev->sriov.lock);
	vpdev->sriov.ticket_pid = task_pid_nr(current);
	vpdev->sriov.ticket_start = current->start_time;
	mutex_unlock(&vpdev->sriov.lock);
	return 0;
}

/**
 * vfio_pci_sriov_match - the .match op: the device's name, and its options
 * @vpdev: a device of the group being searched
 * @buf: the name the user gave VFIO_GROUP_GET_DEVICE_FD: the device's PCI
 *	name, then optionally spaces and "vf_token=<uuid>"
 *
 * Context: the group's device_lock held by the VFIO core.
 *
 * A match that presented the right token leaves a ticket for the open that
 * follows (vfio_pci_sriov_open()).
 *
 * Return: 1 when @buf names @vpdev and its opener may have it; 0 when it
 * names another device; -EINVAL for an unknown, repeated or malformed
 * option, or a token for a device that takes none; -EACCES when the token
 * is missing or wrong (vfio_pci_sriov_check_token()).
 */
int vfio_pci_sriov_match(struct vfio_pci_dev *vpdev, char *buf)
{
	const char *name = pci_name(vpdev->pdev), *opt, *end;
	const size_t tlen = strlen("vf_token=");
	size_t len = strlen(name);
	bool has_token = false;
	char uuid[UUID_STRING_LEN + 1];
	uuid_t token;
	int ret;

	if (strncmp(buf, name, len) || (buf[len] && buf[len] != ' '))
		return 0;

	/* The buffer is the core's, shared by every device it asks: read only. */
	for (opt = skip_spaces(buf + len); *opt; opt = skip_spaces(end)) {
		end = strchrnul(opt, ' ');
		if (!has_token && end - opt == tlen + UUID_STRING_LEN &&
		    !strncmp(opt, "vf_token=", tlen)) {
			strscpy(uuid, opt + tlen, sizeof(uuid));
			if (!uuid_parse(uuid, &token)) {
				has_token = true;
				continue;
			}
		}
		/*
		 * The option is the user's text: where and how long it is
		 * goes to the log, never the text itself (an option runs to
		 * the next space, newlines and escape sequences included).
		 */
		pci_info_ratelimited(vpdev->pdev, "device name option not understood (%td bytes at offset %td)\n",
				     end - opt, opt - buf);
		return -EINVAL;
	}

	ret = vfio_pci_sriov_match_token(vpdev, has_token ? &token : NULL);
	return ret ? ret : 1;
}

/*
 * Whether the caller is the task that presented the token: its
 * ticket is consumed; anyone else's is left to its owner.  One ticket at a
 * time: of two tasks presenting the token for the same closed device at
 * the same moment through the group, the one whose match came first gets
 * -EACCES (a cdev bind checks and opens under one hold of dev_set->lock).
 */
static bool vfio_pci_sriov_take_ticket(struct vfio_pci_dev *vpdev)
{
	bool mine;

	mutex_lock(&vpdev->sriov.lock);
	mine = vpdev->sriov.ticket_pid == task_pid_nr(current) &&
	       vpdev->sriov.ticket_start == current->start_time;
	if (mine)
		vpdev->sriov.ticket_pid = 0;
	mutex_unlock(&vpdev->sriov.lock);
	return mine;
}

/**
 * vfio_pci_sriov_open - the VF token's check at open, and the VF count
 * @vpdev: the device being opened (dev_set->lock held)
 *
 * A device that needs the token (a VF of one of our PFs; a PF while any
 * of its VFs is open) is opened only by the task whose
 * VFIO_GROUP_GET_DEVICE_FD or VFIO_DEVICE_BIND_IOMMUFD presented it.  A
 * way in that carries no token, the device cdev of a VFIO core without
 * .match_token_uuid (before 6.17), is refused rather than let past the
 * token.  An open VF is counted against its PF.
 *
 * Return: 0, or -EACCES.
 */
int vfio_pci_sriov_open(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_dev *pf = vpdev->sriov_pf;
	bool ticket = vfio_pci_sriov_take_ticket(vpdev);
	int ret = 0;

	if (pf) {
		mutex_lock(&pf->sriov.lock);
		if (ticket)
			pf->sriov.vf_users++;
		mutex_unlock(&pf->sriov.lock);
	} else if (vpdev->pdev->is_physfn) {
		mutex_lock(&vpdev->sriov.lock);
		if (vpdev->sriov.vf_users && !ticket)
			ret = -EACCES;
		mutex_unlock(&vpdev->sriov.lock);
	}
	if ((pf && !ticket) || ret) {
		pci_info_ratelimited(vpdev->pdev, "open refused: the VF token was not presented (a device cdev before 6.17 cannot take it)\n");
		return -EACCES;
	}
	return 0;
}

/**
 * vfio_pci_sriov_close - undo vfio_pci_sriov_open()
 * @vpdev: the device being closed (dev_set->lock held)
 */
void vfio_pci_sriov_close(struct vfio_pci_dev *vpdev)
{
	struct vfio_pci_dev *pf = vpdev->sriov_pf;

	if (!pf)
		return;
	mutex_lock(&pf->sriov.lock);
	pf->sriov.vf_users--;
	mutex_unlock(&pf->sriov.lock);
}

/**
 * vfio_pci_sriov_notify - watch VFs of our PFs come and bind
 * @nb: vfio_pci_sriov_nb
 * @action: the bus event
 * @data: the device
 *
 * A VF of one of our PFs is being added: make vfio-pci its only driver
 * before any driver probes it.  When one is bound to another driver all
 * the same (driver_override rewritten by the administrator), say so.
 *
 * Return: NOTIFY_OK for a VF of one of our PFs, NOTIFY_DONE otherwise.
 */
static int vfio_pci_sriov_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	struct vfio_pci_dev *pf = vfio_pci_sriov_our_pf(pdev);
	const char *name = vfio_pci_sriov_driver->name;
	int ret;

	if (!pf)
		return NOTIFY_DONE;

	if (action == BUS_NOTIFY_ADD_DEVICE) {
		ret = device_set_driver_override(&pdev->dev, name);
		if (ret)
			pci_warn(pdev, "cannot reserve the VF for %s: %d\n", name, ret);
	} else if (action == BUS_NOTIFY_BOUND_DRIVER &&
		   pdev->dev.driver != &vfio_pci_sriov_driver->driver) {
		pci_warn(pdev, "VF bound to %s while its PF %s is in the hands of a vfio-pci user\n",
			 pdev->dev.driver->name, pci_name(pf->pdev));
	}
	return NOTIFY_OK;
}

static struct notifier_block vfio_pci_sriov_nb = {
	.notifier_call = vfio_pci_sriov_notify,
};

/**
 * vfio_pci_sriov_init - watch the PCI bus for VFs of our PFs
 * @driver: vfio-pci's PCI driver
 *
 * Return: 0 or the -errno of bus_register_notifier().
 */
int vfio_pci_sriov_init(struct pci_driver *driver)
{
	vfio_pci_sriov_driver = driver;
	return bus_register_notifier(&pci_bus_type, &vfio_pci_sriov_nb);
}

/**
 * vfio_pci_sriov_exit - undo vfio_pci_sriov_init()
 */
void vfio_pci_sriov_exit(void)
{
	bus_unregister_notifier(&pci_bus_type, &vfio_pci_sriov_nb);
}
