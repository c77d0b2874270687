/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM fuzz shim - <linux/types.h> for building kernel sources in user
 * space: the UAPI types from the C library's kernel headers, plus the
 * kernel-internal names and helpers the DIGLIM parser and its headers use.
 *
 * Every shim header is a stand-in written for user space; none is a copy of
 * the kernel's.  Only what security/integrity/diglim/parser.c needs is here,
 * with the kernel's semantics.
 */
#ifndef _FUZZ_SHIM_LINUX_TYPES_H
#define _FUZZ_SHIM_LINUX_TYPES_H

#include_next <linux/types.h>	/* __u8, __le16, __be32, ... */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>		/* ssize_t */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#define U32_MAX		((u32)~0U)

#define __maybe_unused	__attribute__((__unused__))

/* For diglim_list_live() in diglim.h, which the parser never calls. */
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)

/* From <linux/compiler_types.h>, which the kernel's types.h pulls in. */
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __rcu

#endif /* _FUZZ_SHIM_LINUX_TYPES_H */
