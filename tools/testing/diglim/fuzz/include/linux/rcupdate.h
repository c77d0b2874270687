/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - see <linux/kref.h>. */
#ifndef _FUZZ_SHIM_LINUX_RCUPDATE_H
#define _FUZZ_SHIM_LINUX_RCUPDATE_H

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#endif /* _FUZZ_SHIM_LINUX_RCUPDATE_H */
