// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_foreign: a VFIO PCI driver for the selftests that is not
 * vfio-pci.
 *
 * A VFIO device set is keyed by the slot or bus that one reset touches, so
 * a device bound to another VFIO PCI driver on the same slot or bus (a
 * vfio-pci-core variant driver, in real life) is a member of vfio-pci's
 * set.  vfio-pci must tell such a member by its ops and refuse to reset the
 * set with it; it must never take the member for one of its own devices.
 * This driver makes such a member in the rig: it binds only through
 * driver_override, joins the set its device resets with (the key vfio-pci
 * uses) and registers a VFIO device that does nothing.  Its device
 * structure is small on purpose: an access through a wrong container_of()
 * lands outside it, where KASAN sees it.
 */

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio.h>

struct vfio_pci_foreign {
	struct vfio_device vdev;
};

/*
 * Before 6.2 the VFIO core has no iommufd ops, and it leaves freeing the
 * device to the release op (the Makefile reads which from its header).
 */
#ifdef VFIO_FOREIGN_RELEASE_FREES
static void vfio_pci_foreign_release(struct vfio_device *vdev)
{
	vfio_free_device(vdev);
}

static const struct vfio_device_ops vfio_pci_foreign_ops = {
	.name		= "vfio-pci-foreign",
	.release	= vfio_pci_foreign_release,
};
#else
static const struct vfio_device_ops vfio_pci_foreign_ops = {
	.name		= "vfio-pci-foreign",
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};
#endif

/* The slot or bus a reset of @pdev touches: what vfio-pci keys its set by. */
static void *vfio_pci_foreign_set_id(struct pci_dev *pdev)
{
	if (pdev->slot && !pci_probe_reset_slot(pdev->slot))
		return pdev->slot;
	if (!pci_probe_reset_bus(pdev->bus))
		return pdev->bus;
	return NULL;
}

static int vfio_pci_foreign_probe(struct pci_dev *pdev,
				  const struct pci_device_id *id)
{
	struct vfio_pci_foreign *f;
	void *set_id;
	int ret;

	f = vfio_alloc_device(vfio_pci_foreign, vdev, &pdev->dev,
			      &vfio_pci_foreign_ops);
	if (IS_ERR(f))
		return PTR_ERR(f);
	set_id = vfio_pci_foreign_set_id(pdev);
	if (set_id) {
		ret = vfio_assign_device_set(&f->vdev, set_id);
		if (ret)
			goto out_put;
	}
	ret = vfio_register_group_dev(&f->vdev);
	if (ret)
		goto out_put;
	pci_set_drvdata(pdev, f);
	return 0;

out_put:
	vfio_put_device(&f->vdev);
	return ret;
}

static void vfio_pci_foreign_remove(struct pci_dev *pdev)
{
	struct vfio_pci_foreign *f = pci_get_drvdata(pdev);

	vfio_unregister_group_dev(&f->vdev);
	vfio_put_device(&f->vdev);
}

/* No IDs: it binds only what driver_override names it for. */
static struct pci_driver vfio_pci_foreign_driver = {
	.name			= "vfio-pci-foreign",
	.probe			= vfio_pci_foreign_probe,
	.remove			= vfio_pci_foreign_remove,
	.driver_managed_dma	= true,
};
module_pci_driver(vfio_pci_foreign_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-vga selftests: a VFIO PCI driver that is not vfio-pci");
