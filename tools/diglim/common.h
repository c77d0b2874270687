/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM user-space tools - shared helpers: hash algorithms, compact lists,
 * appended signatures, file I/O.
 */

#ifndef _DIGLIM_TOOLS_COMMON_H
#define _DIGLIM_TOOLS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/diglim.h>
#include <openssl/types.h>

#define __maybe_unused		__attribute__((unused))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define HDR_SIZE		sizeof(struct compact_list_hdr)
#define MAX_DIGEST_SIZE		64
/* The kernel refuses lists of 64 MiB and more (-EFBIG). */
#define MAX_LIST_SIZE		(64UL * 1024 * 1024 - 1)

#define MODULE_SIG_STRING	"~Module signature appended~\n"
#define MODULE_SIG_MAGIC_LEN	(sizeof(MODULE_SIG_STRING) - 1)
#define PKEY_ID_PKCS7		2

/**
 * struct module_signature - Descriptor of an appended signature.
 * @algo: Public-key algorithm, 0 for PKCS#7.
 * @hash: Digest algorithm, 0 for PKCS#7.
 * @id_type: Key identifier type, %PKEY_ID_PKCS7.
 * @signer_len: Length of the signer's name, 0 for PKCS#7.
 * @key_id_len: Length of the key identifier, 0 for PKCS#7.
 * @pad: Zero.
 * @sig_len: Big-endian length of the signature that precedes it.
 *
 * The layout of the kernel's struct module_signature.
 */
struct module_signature {
	uint8_t algo;
	uint8_t hash;
	uint8_t id_type;
	uint8_t signer_len;
	uint8_t key_id_len;
	uint8_t pad[3];
	uint32_t sig_len;
};

#define MODSIG_TRAILER_SIZE	(sizeof(struct module_signature) + \
				 MODULE_SIG_MAGIC_LEN)

/**
 * struct algo - A kernel hash algorithm.
 * @id: Value of the kernel's enum hash_algo.
 * @name: The kernel's hash_algo_name[] string.
 * @size: Digest size in bytes.
 * @ossl: OpenSSL name, NULL if libcrypto does not implement it.
 */
struct algo {
	unsigned int id;
	const char *name;
	unsigned int size;
	const char *ossl;
};

#define HASH_ALGO_COUNT		23	/* HASH_ALGO__LAST of Linux 6.12 */
#define HASH_ALGO_MD5		1
#define HASH_ALGO_SHA1		2
#define HASH_ALGO_RMD160	3
#define HASH_ALGO_SHA256	4
#define HASH_ALGO_SHA384	5
#define HASH_ALGO_SHA512	6
#define HASH_ALGO_SHA224	7

/**
 * struct buf - A growable byte buffer.
 * @data: Bytes.
 * @len: Bytes used.
 * @cap: Bytes allocated.
 */
struct buf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

/**
 * struct block - A block being built: digests of one type, modifiers, algo.
 * @type: &enum compact_types value.
 * @modifiers: Bit mask of &enum compact_modifiers.
 * @algo: Hash algorithm.
 * @digests: Raw digests, back to back.
 */
struct block {
	unsigned int type;
	unsigned int modifiers;
	const struct algo *algo;
	struct buf digests;
};

extern const char *prog;
extern int verbose;

void err_msg(const char *fmt, ...) __printf(1, 2);
void info_msg(const char *fmt, ...) __printf(1, 2);
void *xmalloc(size_t size) __attribute__((returns_nonnull));
void *xrealloc(void *p, size_t size) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((returns_nonnull));

void buf_append(struct buf *b, const void *data, size_t len);
void buf_free(struct buf *b);

const struct algo *algo_by_id(unsigned int id);
const struct algo *algo_by_name(const char *name);
const struct algo *algo_prefix(const char *s, size_t *len);
const struct algo *algo_hashing(const char *name);

int hex_decode(const char *hex, size_t hexlen, unsigned char *out);
void hex_encode(const unsigned char *in, size_t len, char *out);

int parse_type(const char *s, unsigned int *type);
int parse_modifiers(const char *s, unsigned int *mods);

void block_init(struct block *blk, unsigned int type, unsigned int mods,
		const struct algo *algo);
void block_add(struct block *blk, const unsigned char *digest);
unsigned int block_count(const struct block *blk);
void block_emit(const struct block *blk, struct buf *out);

int list_check(const unsigned char *data, size_t len, char *why,
	       size_t whylen);
size_t modsig_strip(const unsigned char *data, size_t len);
X509 *cert_read(const char *path);
const char *modsig_check(const unsigned char *data, size_t len, X509 *cert,
			 size_t *signed_len);

int read_file(const char *path, struct buf *out);
int hash_fd(int fd, const struct algo *algo, unsigned char *digest);
int hash_fd2(int fd, size_t max, const struct algo *algo,
	     unsigned char *digest, const struct algo *algo2,
	     unsigned char *digest2);
int hash_path(const char *path, const struct algo *algo,
	      unsigned char *digest);
int write_atomic(const char *path, const void *data, size_t len);

#endif /* _DIGLIM_TOOLS_COMMON_H */
