/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM fuzz shim - hex2bin() with the contract of lib/hexdump.c: converts
 * @count bytes from 2 * @count hex digits (either case) and returns 0, or
 * -EINVAL at the first byte that is not a hex digit.  It reads exactly
 * 2 * @count bytes of @src, no terminator.
 */
#ifndef _FUZZ_SHIM_LINUX_HEX_H
#define _FUZZ_SHIM_LINUX_HEX_H

#include <linux/errno.h>
#include <linux/types.h>

static inline int hex_to_bin(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static inline int hex2bin(u8 *dst, const char *src, size_t count)
{
	while (count--) {
		int hi = hex_to_bin(*src++);
		int lo;

		if (hi < 0)
			return -EINVAL;
		lo = hex_to_bin(*src++);
		if (lo < 0)
			return -EINVAL;
		*dst++ = (hi << 4) | lo;
	}
	return 0;
}

#endif /* _FUZZ_SHIM_LINUX_HEX_H */
