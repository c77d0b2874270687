/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM fuzz shim - the object types that diglim.h embeds in its
 * structures.  The parser never touches them; they only need to exist.
 */
#ifndef _FUZZ_SHIM_LINUX_KREF_H
#define _FUZZ_SHIM_LINUX_KREF_H

struct kref {
	int refcount;
};

#endif /* _FUZZ_SHIM_LINUX_KREF_H */
