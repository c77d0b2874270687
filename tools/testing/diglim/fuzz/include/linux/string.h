/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - the C library's string functions (same contracts). */
#ifndef _FUZZ_SHIM_LINUX_STRING_H
#define _FUZZ_SHIM_LINUX_STRING_H

#include <string.h>

#endif /* _FUZZ_SHIM_LINUX_STRING_H */
