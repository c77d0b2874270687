/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - see <linux/kref.h>. */
#ifndef _FUZZ_SHIM_LINUX_RHASHTABLE_TYPES_H
#define _FUZZ_SHIM_LINUX_RHASHTABLE_TYPES_H

struct rhash_head {
	struct rhash_head *next;
};

struct rhlist_head {
	struct rhash_head rhead;
	struct rhlist_head *next;
};

struct rhltable {
	void *tbl;
};

#endif /* _FUZZ_SHIM_LINUX_RHASHTABLE_TYPES_H */
