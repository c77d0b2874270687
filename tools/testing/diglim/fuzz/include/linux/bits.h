/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - <linux/bits.h>. */
#ifndef _FUZZ_SHIM_LINUX_BITS_H
#define _FUZZ_SHIM_LINUX_BITS_H

#define BIT(nr)		(1UL << (nr))
#define BIT_ULL(nr)	(1ULL << (nr))

#endif /* _FUZZ_SHIM_LINUX_BITS_H */
