/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - see <linux/kref.h>. */
#ifndef _FUZZ_SHIM_LINUX_MUTEX_H
#define _FUZZ_SHIM_LINUX_MUTEX_H

struct mutex {
	int locked;
};

#endif /* _FUZZ_SHIM_LINUX_MUTEX_H */
