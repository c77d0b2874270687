/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - byte order conversions of the kernel, for any host. */
#ifndef _FUZZ_SHIM_ASM_BYTEORDER_H
#define _FUZZ_SHIM_ASM_BYTEORDER_H

#include <endian.h>
#include <linux/types.h>

/*
 * Functions, not macros: like the kernel's, they take the bitwise type and
 * return the CPU one, and evaluate their argument once.
 */
static inline u16 le16_to_cpu(__le16 x) { return le16toh((u16)x); }
static inline u32 le32_to_cpu(__le32 x) { return le32toh((u32)x); }
static inline u64 le64_to_cpu(__le64 x) { return le64toh((u64)x); }
static inline u16 be16_to_cpu(__be16 x) { return be16toh((u16)x); }
static inline u32 be32_to_cpu(__be32 x) { return be32toh((u32)x); }
static inline u64 be64_to_cpu(__be64 x) { return be64toh((u64)x); }
static inline __le16 cpu_to_le16(u16 x) { return (__le16)htole16(x); }
static inline __le32 cpu_to_le32(u32 x) { return (__le32)htole32(x); }
static inline __be32 cpu_to_be32(u32 x) { return (__be32)htobe32(x); }

#endif /* _FUZZ_SHIM_ASM_BYTEORDER_H */
