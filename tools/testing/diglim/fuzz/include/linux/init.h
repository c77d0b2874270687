/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - no init sections or initcalls in user space. */
#ifndef _FUZZ_SHIM_LINUX_INIT_H
#define _FUZZ_SHIM_LINUX_INIT_H

#define __init
#define __initdata
#define late_initcall(fn)

#endif /* _FUZZ_SHIM_LINUX_INIT_H */
