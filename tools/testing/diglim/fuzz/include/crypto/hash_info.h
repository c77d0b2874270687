/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM fuzz shim - <crypto/hash_info.h>: the algorithm enumeration comes
 * from the kernel tree's UAPI header and the two tables from the kernel
 * tree's crypto/hash_info.c, both built as they are; only the digest size
 * constants that hash_info.c uses are defined here (the kernel takes them
 * from the crypto/<algo>.h headers, which pull in too much).
 */
#ifndef _FUZZ_SHIM_CRYPTO_HASH_INFO_H
#define _FUZZ_SHIM_CRYPTO_HASH_INFO_H

#include <linux/types.h>
#include <uapi/linux/hash_info.h>

#define MD5_DIGEST_SIZE		16
#define SHA1_DIGEST_SIZE	20
#define SHA224_DIGEST_SIZE	28
#define SHA256_DIGEST_SIZE	32
#define SHA384_DIGEST_SIZE	48
#define SHA512_DIGEST_SIZE	64
#define RMD128_DIGEST_SIZE	16
#define RMD160_DIGEST_SIZE	20
#define RMD256_DIGEST_SIZE	32
#define RMD320_DIGEST_SIZE	40
#define WP256_DIGEST_SIZE	32
#define WP384_DIGEST_SIZE	48
#define WP512_DIGEST_SIZE	64
#define TGR128_DIGEST_SIZE	16
#define TGR160_DIGEST_SIZE	20
#define TGR192_DIGEST_SIZE	24
#define SM3256_DIGEST_SIZE	32
#define STREEBOG256_DIGEST_SIZE	32
#define STREEBOG512_DIGEST_SIZE	64
#define SHA3_256_DIGEST_SIZE	32
#define SHA3_384_DIGEST_SIZE	48
#define SHA3_512_DIGEST_SIZE	64

extern const char *const hash_algo_name[HASH_ALGO__LAST];
extern const int hash_digest_size[HASH_ALGO__LAST];

#endif /* _FUZZ_SHIM_CRYPTO_HASH_INFO_H */
