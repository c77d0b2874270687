/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - <linux/sizes.h>. */
#ifndef _FUZZ_SHIM_LINUX_SIZES_H
#define _FUZZ_SHIM_LINUX_SIZES_H

#define SZ_1K	0x00000400
#define SZ_4K	0x00001000
#define SZ_1M	0x00100000
#define SZ_64M	0x04000000

#endif /* _FUZZ_SHIM_LINUX_SIZES_H */
