/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - see <linux/kref.h>. */
#ifndef _FUZZ_SHIM_LINUX_XARRAY_H
#define _FUZZ_SHIM_LINUX_XARRAY_H

struct xarray {
	void *head;
};

#endif /* _FUZZ_SHIM_LINUX_XARRAY_H */
