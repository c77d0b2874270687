/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM fuzz shim - the kernel's <linux/ctype.h> classes.
 *
 * Not the C library's: the kernel classifies bytes by a fixed ISO 8859-1
 * table (lib/ctype.c), whatever the locale, so 0xa0-0xff are letters or
 * punctuation and isgraph() is true for 0xa1-0xff except 0xa0 (NBSP, a
 * space) and the C1 controls 0x80-0x9f.  A char argument may be negative;
 * the kernel casts it to unsigned char.
 */
#ifndef _FUZZ_SHIM_LINUX_CTYPE_H
#define _FUZZ_SHIM_LINUX_CTYPE_H

static inline int kshim_isgraph(unsigned char c)
{
	return (c > 0x20 && c < 0x7f) || c > 0xa0;
}

static inline int kshim_isxdigit(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

#define isascii(c)	(((unsigned char)(c)) <= 0x7f)
#define isgraph(c)	kshim_isgraph((unsigned char)(c))
#define isxdigit(c)	kshim_isxdigit((unsigned char)(c))
#define isdigit(c)	((unsigned char)(c) - '0' < 10)

#endif /* _FUZZ_SHIM_LINUX_CTYPE_H */
