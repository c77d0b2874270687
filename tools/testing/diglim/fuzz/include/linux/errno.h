/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - errno values: the UAPI ones the parser returns. */
#ifndef _FUZZ_SHIM_LINUX_ERRNO_H
#define _FUZZ_SHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif /* _FUZZ_SHIM_LINUX_ERRNO_H */
