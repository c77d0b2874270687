/* SPDX-License-Identifier: GPL-2.0 */
/* DIGLIM fuzz shim - <crypto/hash.h>: only the largest digest size. */
#ifndef _FUZZ_SHIM_CRYPTO_HASH_H
#define _FUZZ_SHIM_CRYPTO_HASH_H

#define HASH_MAX_DIGESTSIZE	64

#endif /* _FUZZ_SHIM_CRYPTO_HASH_H */
