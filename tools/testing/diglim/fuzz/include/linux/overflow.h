/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - checked arithmetic, as the kernel does it. */
#ifndef _FUZZ_SHIM_LINUX_OVERFLOW_H
#define _FUZZ_SHIM_LINUX_OVERFLOW_H

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

#endif /* _FUZZ_SHIM_LINUX_OVERFLOW_H */
