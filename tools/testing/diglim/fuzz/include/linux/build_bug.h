/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - compile-time assertions, checked by the host compiler. */
#ifndef _FUZZ_SHIM_LINUX_BUILD_BUG_H
#define _FUZZ_SHIM_LINUX_BUILD_BUG_H

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
/* As the kernel's: the message is optional. */
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)

#endif /* _FUZZ_SHIM_LINUX_BUILD_BUG_H */
