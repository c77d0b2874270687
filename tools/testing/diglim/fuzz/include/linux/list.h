/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - see <linux/kref.h>. */
#ifndef _FUZZ_SHIM_LINUX_LIST_H
#define _FUZZ_SHIM_LINUX_LIST_H

struct list_head {
	struct list_head *next, *prev;
};

#endif /* _FUZZ_SHIM_LINUX_LIST_H */
