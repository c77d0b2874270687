// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Fault injection: the fail_diglim fault attribute
 *
 * Every allocation on the add path first asks diglim_should_fail(), so the
 * standard knobs (/sys/kernel/debug/fail_diglim/, /proc/<pid>/make-it-fail
 * and /proc/thread-self/fail-nth) can fail each of them.  The fault points
 * are listed at the top of list.c.
 */

#include "diglim.h"

#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/init.h>

static DECLARE_FAULT_ATTR(fail_diglim);

/**
 * diglim_should_fail - Fault point before an allocation.
 *
 * Context: Any context.
 * Return: True if the caller must fail as if the allocation failed.
 */
bool diglim_should_fail(void)
{
	return should_fail(&fail_diglim, 1);
}

/**
 * diglim_fault_attr - The fail_diglim attribute itself.
 *
 * For the KUnit tests, which lower its verbosity while they inject faults.
 *
 * Context: Any context.
 * Return: The fault attribute.
 */
struct fault_attr *diglim_fault_attr(void)
{
	return &fail_diglim;
}

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS

static int __init fail_diglim_debugfs(void)
{
	struct dentry *dir;

	dir = fault_create_debugfs_attr("fail_diglim", NULL, &fail_diglim);
	return PTR_ERR_OR_ZERO(dir);
}
late_initcall(fail_diglim_debugfs);

#endif /* CONFIG_FAULT_INJECTION_DEBUG_FS */
