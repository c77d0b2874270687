/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - NAME_MAX and PATH_MAX from the UAPI header. */
#ifndef _FUZZ_SHIM_LINUX_LIMITS_H
#define _FUZZ_SHIM_LINUX_LIMITS_H

#include_next <linux/limits.h>
#include <linux/types.h>

#endif /* _FUZZ_SHIM_LINUX_LIMITS_H */
