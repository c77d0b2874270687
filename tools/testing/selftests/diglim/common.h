/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM - Selftest helpers
 *
 * Every helper that talks to the kernel returns 0 on success or a negative
 * errno, as the kernel does, so that tests read as
 * EXPECT_EQ(-EINVAL, diglim_add(buf, len)).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/diglim.h>
#include <linux/hash_info.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif

#define SECURITYFS_DIR "/sys/kernel/security"
#define DIGLIM_DIR SECURITYFS_DIR "/integrity/diglim"
#define DIGLIM_ADD_PATH DIGLIM_DIR "/digest_list_add"
#define DIGLIM_DEL_PATH DIGLIM_DIR "/digest_list_del"
#define DIGLIM_LABEL_PATH DIGLIM_DIR "/digest_list_label"
#define DIGLIM_QUERY_PATH DIGLIM_DIR "/digest_query"
#define DIGLIM_COUNT_PATH DIGLIM_DIR "/digests_count"
#define DIGLIM_LOADED_DIR DIGLIM_DIR "/digest_lists_loaded"

/* Largest accepted write to digest_list_add and digest_list_del. */
#define DIGLIM_MAX_UPLOAD ((64 << 20) - 1)
/* Longest entry name in digest_lists_loaded. */
#define DIGLIM_NAME_MAX 255
#define DIGLIM_ASCII_SUFFIX ".ascii"
/* Label used for raw buffers when digest_list_label is unset. */
#define DIGLIM_DEFAULT_LABEL "parser"

#define MAX_DIGEST_SIZE 64
#define MODIFIERS_MASK ((1U << COMPACT_MOD__LAST) - 1)
#define TMP_TEMPLATE "/tmp/diglim_test.XXXXXX"

/* Appended signature, as in include/linux/module_signature.h. */
#define SIG_MAGIC "~Module signature appended~\n"
#define SIG_MAGIC_LEN (sizeof(SIG_MAGIC) - 1)
#define SIG_DESC_LEN 12

/* clang-format off */
static const struct {
	const char *name;
	unsigned int size;
} hash_algos[HASH_ALGO__LAST] = {
	[HASH_ALGO_MD4]		= { "md4", 16 },
	[HASH_ALGO_MD5]		= { "md5", 16 },
	[HASH_ALGO_SHA1]	= { "sha1", 20 },
	[HASH_ALGO_RIPE_MD_160]	= { "rmd160", 20 },
	[HASH_ALGO_SHA256]	= { "sha256", 32 },
	[HASH_ALGO_SHA384]	= { "sha384", 48 },
	[HASH_ALGO_SHA512]	= { "sha512", 64 },
	[HASH_ALGO_SHA224]	= { "sha224", 28 },
	[HASH_ALGO_RIPE_MD_128]	= { "rmd128", 16 },
	[HASH_ALGO_RIPE_MD_256]	= { "rmd256", 32 },
	[HASH_ALGO_RIPE_MD_320]	= { "rmd320", 40 },
	[HASH_ALGO_WP_256]	= { "wp256", 32 },
	[HASH_ALGO_WP_384]	= { "wp384", 48 },
	[HASH_ALGO_WP_512]	= { "wp512", 64 },
	[HASH_ALGO_TGR_128]	= { "tgr128", 16 },
	[HASH_ALGO_TGR_160]	= { "tgr160", 20 },
	[HASH_ALGO_TGR_192]	= { "tgr192", 24 },
	[HASH_ALGO_SM3_256]	= { "sm3", 32 },
	[HASH_ALGO_STREEBOG_256] = { "streebog256", 32 },
	[HASH_ALGO_STREEBOG_512] = { "streebog512", 64 },
	[HASH_ALGO_SHA3_256]	= { "sha3-256", 32 },
	[HASH_ALGO_SHA3_384]	= { "sha3-384", 48 },
	[HASH_ALGO_SHA3_512]	= { "sha3-512", 64 },
};

static const char *const type_names[COMPACT__LAST] = {
	[COMPACT_PARSER]	= "Parser",
	[COMPACT_FILE]		= "File",
	[COMPACT_METADATA]	= "Metadata",
	[COMPACT_DIGEST_LIST]	= "Digest list",
};

/* clang-format on */

/* We cannot put such helpers in a library because of kselftest_harness.h . */

static void *__maybe_unused xrealloc(void *const ptr, const size_t size)
{
	void *const ret = realloc(ptr, size ? size : 1);

	if (!ret) {
		perror("realloc");
		abort();
	}
	return ret;
}

static char *__maybe_unused xstrdup(const char *const str)
{
	const size_t len = strlen(str) + 1;

	return memcpy(xrealloc(NULL, len), str, len);
}

/* Growable byte buffer, always NUL-terminated so text can be compared. */
struct dbuf {
	__u8 *data;
	size_t len;
	size_t size;
};

static void __maybe_unused dbuf_reserve(struct dbuf *const b,
					const size_t extra)
{
	if (b->len + extra + 1 <= b->size)
		return;
	b->size = (b->len + extra + 1) * 2;
	b->data = xrealloc(b->data, b->size);
}

static void __maybe_unused dbuf_append(struct dbuf *const b,
				       const void *const data, const size_t len)
{
	dbuf_reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static void __maybe_unused __printf(2, 3)
	dbuf_printf(struct dbuf *const b, const char *const fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	dbuf_reserve(b, len);
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, len + 1, fmt, ap);
	va_end(ap);
	b->len += len;
}

static void __maybe_unused dbuf_reset(struct dbuf *const b)
{
	b->len = 0;
	dbuf_reserve(b, 0);
	b->data[0] = '\0';
}

static void __maybe_unused dbuf_free(struct dbuf *const b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static const char *__maybe_unused dbuf_str(struct dbuf *const b)
{
	dbuf_reserve(b, 0);
	b->data[b->len] = '\0';
	return (const char *)b->data;
}

static void __maybe_unused bin2hex(char *dst, const __u8 *src, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (; len; len--, src++) {
		*dst++ = digits[*src >> 4];
		*dst++ = digits[*src & 0xf];
	}
	*dst = '\0';
}

/* Deterministic xorshift64* generator, the same on every libc. */
static __u64 __maybe_unused prng_next(__u64 *const state)
{
	__u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static __u32 __maybe_unused prng_below(__u64 *const state, const __u32 bound)
{
	return bound ? (__u32)((prng_next(state) >> 32) % bound) : 0;
}

static void __maybe_unused prng_fill(__u64 *const state, void *const buf,
				     size_t len)
{
	__u8 *p = buf;

	while (len) {
		const __u64 r = prng_next(state);
		const size_t n = len < sizeof(r) ? len : sizeof(r);

		memcpy(p, &r, n);
		p += n;
		len -= n;
	}
}

/* Seeds a generator with unpredictable bytes, for unique test data. */
static __u64 __maybe_unused random_seed(void)
{
	__u64 seed = 0;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (__u64)getpid() << 32 ^ (__u64)time(NULL);
	return seed ? seed : 1;
}

static void __maybe_unused random_bytes(void *const buf, const size_t len)
{
	__u64 state = random_seed();

	prng_fill(&state, buf, len);
}

/**
 * env_scale - Scale factor for the number of random iterations
 *
 * DIGLIM_SCALE=<float> in the environment multiplies the default iteration
 * counts, e.g. 0.1 on a slow emulated machine or 10 for a soak run.
 */
static double __maybe_unused env_scale(void)
{
	const char *const env = getenv("DIGLIM_SCALE");
	double scale;

	if (!env)
		return 1.0;
	scale = strtod(env, NULL);
	return scale > 0 ? scale : 1.0;
}

static unsigned long __maybe_unused scaled(const unsigned long n)
{
	const unsigned long ret = (unsigned long)(n * env_scale());

	return ret ? ret : 1;
}

/* Hashes @buf with @algo through libcrypto. */
static int __maybe_unused hash_buf(const enum hash_algo algo,
				   const void *const buf, const size_t len,
				   __u8 *const out)
{
	static const char *const evp_names[HASH_ALGO__LAST] = {
		[HASH_ALGO_RIPE_MD_160] = "ripemd160",
		[HASH_ALGO_WP_512] = "whirlpool",
	};
	const char *name = evp_names[algo];
	unsigned int out_len;

	if (!name)
		name = hash_algos[algo].name;
	if (!EVP_get_digestbyname(name))
		return -EOPNOTSUPP;
	if (!EVP_Digest(buf, len, out, &out_len, EVP_get_digestbyname(name),
			NULL))
		return -EIO;
	if (out_len != hash_algos[algo].size)
		return -EPROTO;
	return 0;
}

/* File helpers. */

/* Reads all of @fd from @offset on with pread(2). */
static int __maybe_unused pread_all(const int fd, off_t offset,
				    struct dbuf *const out)
{
	ssize_t ret;

	dbuf_reset(out);
	for (;;) {
		dbuf_reserve(out, 4096);
		ret = pread(fd, out->data + out->len, 4096, offset);
		if (ret < 0)
			return -errno;
		if (!ret)
			break;
		out->len += ret;
		offset += ret;
	}
	out->data[out->len] = '\0';
	return 0;
}

/* Reads @path whole with read(2): debugfs attributes cannot pread. */
static int __maybe_unused read_file(const char *const path,
				    struct dbuf *const out)
{
	ssize_t ret;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dbuf_reset(out);
	for (;;) {
		dbuf_reserve(out, 4096);
		ret = read(fd, out->data + out->len, 4096);
		if (ret < 0)
			err = -errno;
		if (ret <= 0)
			break;
		out->len += ret;
	}
	out->data[out->len] = '\0';
	close(fd);
	return err;
}

/* Reads @path whole and throws the bytes away: what an open and read does. */
static int __maybe_unused read_all(const char *const path)
{
	struct dbuf b = {};
	const int err = read_file(path, &b);

	dbuf_free(&b);
	return err;
}

static int __maybe_unused write_file(const char *const path,
				     const void *const buf, const size_t len)
{
	ssize_t ret;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		err = -errno;
	else if ((size_t)ret != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int __maybe_unused test_open(const char *const path, const int flags)
{
	const int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * Opens @path write-only and writes @len bytes of @buf in one write(2) at
 * offset 0.  A short write is reported as -EMSGSIZE: every DIGLIM interface
 * must consume the whole request or fail.
 */
static int __maybe_unused sfs_write(const char *const path,
				    const void *const buf, const size_t len)
{
	ssize_t ret;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		err = -errno;
	else if ((size_t)ret != len)
		err = -EMSGSIZE;
	close(fd);
	return err;
}

static const char *__maybe_unused op_path(const enum ops op)
{
	return op == DIGEST_LIST_ADD ? DIGLIM_ADD_PATH : DIGLIM_DEL_PATH;
}

static int __maybe_unused diglim_upload(const enum ops op,
					const void *const buf, const size_t len)
{
	return sfs_write(op_path(op), buf, len);
}

static int __maybe_unused diglim_add(const void *const buf, const size_t len)
{
	return diglim_upload(DIGEST_LIST_ADD, buf, len);
}

static int __maybe_unused diglim_del(const void *const buf, const size_t len)
{
	return diglim_upload(DIGEST_LIST_DEL, buf, len);
}

/* Uploads the list stored at the absolute @path. */
static int __maybe_unused diglim_upload_file(const enum ops op,
					     const char *const path)
{
	return diglim_upload(op, path, strlen(path));
}

static int __maybe_unused diglim_add_file(const char *const path)
{
	return diglim_upload_file(DIGEST_LIST_ADD, path);
}

static int __maybe_unused diglim_del_file(const char *const path)
{
	return diglim_upload_file(DIGEST_LIST_DEL, path);
}

static int __maybe_unused set_label(const char *const label)
{
	return sfs_write(DIGLIM_LABEL_PATH, label, strlen(label));
}

/* An invalid label clears the stored one. */
static int __maybe_unused clear_label(void)
{
	const int err = sfs_write(DIGLIM_LABEL_PATH, "/", 1);

	return err == -EINVAL ? 0 : (err ? err : -EPROTO);
}

/*
 * Writes a query to the open digest_query file @fd, and reads the answer
 * back into @answer (if not NULL): the query is per open file and the write
 * leaves the offset alone.
 */
static int __maybe_unused query_fd(const int fd, const void *const req,
				   const size_t len, struct dbuf *const answer)
{
	const ssize_t ret = write(fd, req, len);

	if (ret < 0)
		return -errno;
	if ((size_t)ret != len)
		return -EMSGSIZE;
	return answer ? pread_all(fd, 0, answer) : 0;
}

/* Queries a raw request string on a new open file. */
static int __maybe_unused query_raw(const void *const req, const size_t len,
				    struct dbuf *const answer)
{
	int fd, err;

	fd = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = query_fd(fd, req, len, answer);
	close(fd);
	return err;
}

static void __maybe_unused query_string(char *const req,
					const enum hash_algo algo,
					const __u8 *const digest)
{
	const size_t len = strlen(hash_algos[algo].name);

	memcpy(req, hash_algos[algo].name, len);
	req[len] = '-';
	bin2hex(req + len + 1, digest, hash_algos[algo].size);
}

/* Queries @digest, on the open file @fd or, if negative, on a new one. */
static int __maybe_unused query_digest_fd(const int fd,
					  const enum hash_algo algo,
					  const __u8 *const digest,
					  struct dbuf *const answer)
{
	char req[32 + 2 * MAX_DIGEST_SIZE];

	query_string(req, algo, digest);
	strcat(req, "\n");
	if (fd < 0)
		return query_raw(req, strlen(req), answer);
	return query_fd(fd, req, strlen(req), answer);
}

static int __maybe_unused query_digest(const enum hash_algo algo,
				       const __u8 *const digest,
				       struct dbuf *const answer)
{
	return query_digest_fd(-1, algo, digest, answer);
}

/* State snapshots. */

static int __maybe_unused cmp_names(const void *const a, const void *const b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists digest_lists_loaded, sorted, one name per line. */
static int __maybe_unused names_get(struct dbuf *const out)
{
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, i;
	DIR *dir;

	dir = opendir(DIGLIM_LOADED_DIR);
	if (!dir)
		return -errno;
	errno = 0;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = xrealloc(names, (nr + 1) * sizeof(*names));
		names[nr++] = xstrdup(de->d_name);
	}
	closedir(dir);
	qsort(names, nr, sizeof(*names), cmp_names);
	dbuf_reset(out);
	for (i = 0; i < nr; i++) {
		dbuf_printf(out, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

static bool __maybe_unused names_has(struct dbuf *const names,
				     const char *const name)
{
	const char *p = dbuf_str(names);
	const size_t len = strlen(name);

	while (*p) {
		const char *const nl = strchr(p, '\n');

		if ((size_t)(nl - p) == len && !memcmp(p, name, len))
			return true;
		p = nl + 1;
	}
	return false;
}

struct diglim_counts {
	unsigned long long nr[COMPACT__LAST];
};

static void __maybe_unused counts_format(const struct diglim_counts *const c,
					 struct dbuf *const out)
{
	int i;

	dbuf_reset(out);
	for (i = 0; i < COMPACT__LAST; i++)
		dbuf_printf(out, "%s digests: %llu\n", type_names[i], c->nr[i]);
}

/* Parses digests_count, which must have exactly the four expected lines. */
static int __maybe_unused counts_get(struct diglim_counts *const c)
{
	struct dbuf raw = {}, again = {};
	const char *p;
	int i, err;

	err = read_file(DIGLIM_COUNT_PATH, &raw);
	if (err)
		goto out;
	p = dbuf_str(&raw);
	for (i = 0; i < COMPACT__LAST; i++) {
		const size_t len = strlen(type_names[i]);
		char *end;

		if (strncmp(p, type_names[i], len) ||
		    strncmp(p + len, " digests: ", 10)) {
			err = -EPROTO;
			goto out;
		}
		c->nr[i] = strtoull(p + len + 10, &end, 10);
		if (*end != '\n') {
			err = -EPROTO;
			goto out;
		}
		p = end + 1;
	}
	counts_format(c, &again);
	if (strcmp(dbuf_str(&raw), dbuf_str(&again)))
		err = -EPROTO;
out:
	dbuf_free(&raw);
	dbuf_free(&again);
	return err;
}

struct diglim_state {
	struct dbuf counts;
	struct dbuf names;
};

static int __maybe_unused state_get(struct diglim_state *const st)
{
	const int err = read_file(DIGLIM_COUNT_PATH, &st->counts);

	return err ? err : names_get(&st->names);
}

static void __maybe_unused state_free(struct diglim_state *const st)
{
	dbuf_free(&st->counts);
	dbuf_free(&st->names);
}

/* Asserts that digests_count and the loaded listing equal @before. */
static void __maybe_unused
assert_state_same(struct __test_metadata *const _metadata,
		  struct diglim_state *const before)
{
	struct diglim_state now = {};

	ASSERT_EQ(0, state_get(&now));
	ASSERT_STREQ(dbuf_str(&before->counts), dbuf_str(&now.counts));
	ASSERT_STREQ(dbuf_str(&before->names), dbuf_str(&now.names));
	state_free(&now);
}

/* Compact list builder and parser. */

static void __maybe_unused put_hdr(struct dbuf *const list, const __u8 version,
				   const __u8 reserved, const __u16 type,
				   const __u16 modifiers, const __u16 algo,
				   const __u32 count, const __u32 datalen)
{
	const struct compact_list_hdr hdr = {
		.version = version,
		._reserved = reserved,
		.type = htole16(type),
		.modifiers = htole16(modifiers),
		.algo = htole16(algo),
		.count = htole32(count),
		.datalen = htole32(datalen),
	};

	dbuf_append(list, &hdr, sizeof(hdr));
}

/* Appends a valid block; @digests holds @count digests of @algo. */
static void __maybe_unused put_block(struct dbuf *const list, const __u16 type,
				     const __u16 modifiers,
				     const enum hash_algo algo,
				     const __u32 count,
				     const void *const digests)
{
	const __u32 datalen = count * hash_algos[algo].size;

	put_hdr(list, 1, 0, type, modifiers, algo, count, datalen);
	dbuf_append(list, digests, datalen);
}

/* Appends a valid block of @count random digests. */
static void __maybe_unused put_random_block(struct dbuf *const list,
					    const __u16 type,
					    const __u16 modifiers,
					    const enum hash_algo algo,
					    const __u32 count)
{
	const size_t len = (size_t)count * hash_algos[algo].size;
	__u8 *const digests = xrealloc(NULL, len);

	random_bytes(digests, len);
	put_block(list, type, modifiers, algo, count, digests);
	free(digests);
}

struct block {
	__u8 version;
	__u16 type;
	__u16 modifiers;
	__u16 algo;
	__u32 count;
	__u32 datalen;
	const __u8 *digests;
};

/*
 * Decodes the block at *@off of @list and advances *@off.  Returns 1 for a
 * valid block, 0 at the end of the list and -1 for anything the ABI rejects.
 */
static int __maybe_unused next_block(const __u8 *const list, const size_t len,
				     size_t *const off, struct block *const blk)
{
	struct compact_list_hdr hdr;

	if (*off == len)
		return 0;
	if (len - *off < sizeof(hdr))
		return -1;
	memcpy(&hdr, list + *off, sizeof(hdr));
	blk->version = hdr.version;
	blk->type = le16toh(hdr.type);
	blk->modifiers = le16toh(hdr.modifiers);
	blk->algo = le16toh(hdr.algo);
	blk->count = le32toh(hdr.count);
	blk->datalen = le32toh(hdr.datalen);
	blk->digests = list + *off + sizeof(hdr);
	if (blk->version != 1 || hdr._reserved ||
	    blk->type >= COMPACT_DIGEST_LIST ||
	    (blk->modifiers | MODIFIERS_MASK) != MODIFIERS_MASK ||
	    blk->algo >= HASH_ALGO__LAST ||
	    (__u64)blk->count * hash_algos[blk->algo].size != blk->datalen ||
	    blk->datalen > len - *off - sizeof(hdr))
		return -1;
	*off += sizeof(hdr) + blk->datalen;
	return 1;
}

/* User-space model of the kernel parser: true if the kernel must accept. */
static bool __maybe_unused list_valid(const __u8 *const list, const size_t len)
{
	struct block blk;
	size_t off = 0;
	int ret;

	if (!len || list[0] == '/')
		return false;
	while ((ret = next_block(list, len, &off, &blk)) > 0)
		;
	return !ret;
}

/* Returns the block at index @idx of a valid list. */
static struct block __maybe_unused get_block(const struct dbuf *const list,
					     int idx)
{
	struct block blk = {};
	size_t off = 0;

	while (next_block(list->data, list->len, &off, &blk) > 0 && idx--)
		;
	return blk;
}

/* The part of a block description common to both views. */
static void block_fields(struct dbuf *const out, const struct block *const blk)
{
	dbuf_printf(out, "version: %u, algo: %s, type: %u, ", blk->version,
		    hash_algos[blk->algo].name, blk->type);
	dbuf_printf(out, "modifiers: %u, count: %u, datalen: %u\n",
		    blk->modifiers, blk->count, blk->datalen);
}

/* Expected header line of a block in the .ascii view. */
static void ascii_block_hdr(struct dbuf *const out, const unsigned int actions,
			    const struct block *const blk)
{
	dbuf_printf(out, "actions: %u, ", actions);
	block_fields(out, blk);
}

/* Expected .ascii view of a valid list. */
static void __maybe_unused ascii_view(const __u8 *const list, const size_t len,
				      const unsigned int actions,
				      struct dbuf *const out)
{
	char hex[2 * MAX_DIGEST_SIZE + 1];
	struct block blk;
	size_t off = 0;
	__u32 i;

	dbuf_reset(out);
	while (next_block(list, len, &off, &blk) > 0) {
		const unsigned int size = hash_algos[blk.algo].size;

		ascii_block_hdr(out, actions, &blk);
		for (i = 0; i < blk.count; i++) {
			bin2hex(hex, blk.digests + i * size, size);
			dbuf_printf(out, "%s\n", hex);
		}
	}
}

/* Expected digest_query line for an occurrence in block @blk of @name. */
static void __maybe_unused query_line(struct dbuf *const out,
				      const char *const name,
				      const unsigned int actions,
				      const struct block *const blk)
{
	dbuf_printf(out, "%s (actions: %u): ", name, actions);
	block_fields(out, blk);
}

/* Expected digest_query line when the digest is the list @name itself. */
static void __maybe_unused query_list_line(struct dbuf *const out,
					   const char *const name,
					   const unsigned int actions,
					   const size_t size)
{
	dbuf_printf(out, "%s (actions: %u): type: %u, size: %zu\n", name,
		    actions, COMPACT_DIGEST_LIST, size);
}

/* Appends a module-signature style trailer with a @sig_len signature. */
static void __maybe_unused put_sig_trailer(struct dbuf *const list,
					   const __u32 sig_len,
					   const __u32 claimed_len)
{
	__u8 desc[SIG_DESC_LEN] = {};
	const __u32 be_len = htobe32(claimed_len);
	__u8 *const sig = xrealloc(NULL, sig_len);

	random_bytes(sig, sig_len);
	dbuf_append(list, sig, sig_len);
	free(sig);
	/* algo, hash, id_type = PKEY_ID_PKCS7 (2), then sig_len. */
	desc[2] = 2;
	memcpy(desc + SIG_DESC_LEN - sizeof(be_len), &be_len, sizeof(be_len));
	dbuf_append(list, desc, sizeof(desc));
	dbuf_append(list, SIG_MAGIC, SIG_MAGIC_LEN);
}

/* Entry names. */

/* Algorithm DIGLIM identifies lists with, found by detect_list_algo(). */
static enum hash_algo list_algo = HASH_ALGO__LAST;

/*
 * Each test runs in its own child process: the first one to detect the
 * algorithm shares it with the next ones through this page, mapped by the
 * parent before any test runs.
 */
static int *detected_algo;

static void __attribute__((constructor)) detected_algo_init(void)
{
	void *const page = mmap(NULL, sizeof(*detected_algo),
				PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (page != MAP_FAILED) {
		detected_algo = page;
		*detected_algo = HASH_ALGO__LAST;
	}
}

/* Builds the binary entry name of a list, from its digest. */
static void __maybe_unused entry_name_digest(char *const name,
					     const __u8 *const digest,
					     const char *const label)
{
	query_string(name, list_algo, digest);
	strcat(name, "-");
	strcat(name, label);
}

/* Builds the binary entry name that @list gets with @label. */
static int __maybe_unused entry_name(char *const name, const void *const list,
				     const size_t len, const char *const label)
{
	__u8 digest[MAX_DIGEST_SIZE];
	int err;

	if (list_algo >= HASH_ALGO__LAST)
		return -EPROTO;
	err = hash_buf(list_algo, list, len, digest);
	if (!err)
		entry_name_digest(name, digest, label);
	return err;
}

/* Longest label whose .ascii entry name still fits in NAME_MAX. */
static size_t __maybe_unused max_label_len(void)
{
	return DIGLIM_NAME_MAX - strlen(hash_algos[list_algo].name) - 1 -
	       2 * hash_algos[list_algo].size - 1 - strlen(DIGLIM_ASCII_SUFFIX);
}

/*
 * Splits an entry name into algorithm, digest and label.  The algorithm is
 * the longest known name followed by '-' (sha3-256 contains a dash).
 */
static int __maybe_unused parse_entry_name(const char *const name,
					   enum hash_algo *const algo,
					   __u8 *const digest,
					   const char **const label)
{
	size_t best = 0, i, len, size;
	int found = -1;
	const char *hex;

	for (i = 0; i < HASH_ALGO__LAST; i++) {
		len = strlen(hash_algos[i].name);
		if (len > best && !strncmp(name, hash_algos[i].name, len) &&
		    name[len] == '-') {
			best = len;
			found = i;
		}
	}
	if (found < 0)
		return -EPROTO;
	size = hash_algos[found].size;
	hex = name + best + 1;
	for (i = 0; i < size; i++) {
		unsigned int byte;

		if (!isxdigit(hex[2 * i]) || !isxdigit(hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return -EPROTO;
		digest[i] = byte;
	}
	if (hex[2 * size] != '-' || !hex[2 * size + 1])
		return -EPROTO;
	*algo = found;
	*label = hex + 2 * size + 1;
	return 0;
}

static void __maybe_unused loaded_path(char *const path, const char *const name)
{
	/* Names longer than NAME_MAX cannot exist. */
	snprintf(path, PATH_MAX, "%s/%.*s", DIGLIM_LOADED_DIR, NAME_MAX + 1,
		 name);
}

/* Reads the binary (@ascii false) or .ascii view of entry @name. */
static int __maybe_unused read_entry(const char *const name, const bool ascii,
				     struct dbuf *const out)
{
	char path[PATH_MAX];

	loaded_path(path, name);
	if (ascii)
		strcat(path, DIGLIM_ASCII_SUFFIX);
	return read_file(path, out);
}

/* Collects the entry names present in @after but not in @before. */
static void __maybe_unused names_diff(struct dbuf *const before,
				      struct dbuf *const after,
				      struct dbuf *const added)
{
	char *const copy = xstrdup(dbuf_str(after));
	char *save, *name;

	dbuf_reset(added);
	for (name = strtok_r(copy, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save))
		if (!names_has(before, name))
			dbuf_printf(added, "%s\n", name);
	free(copy);
}

/*
 * Finds the hash algorithm DIGLIM names lists with (IMA's), by uploading a
 * unique list and reading back its entry name, and checks that libcrypto
 * computes the same digest, so that later names can be predicted.
 */
static void __maybe_unused
detect_list_algo(struct __test_metadata *const _metadata)
{
	struct dbuf list = {}, before = {}, after = {}, added = {};
	__u8 digest[MAX_DIGEST_SIZE], expected[MAX_DIGEST_SIZE];
	char name[PATH_MAX], *nl;
	const char *label;
	enum hash_algo algo;

	if (detected_algo && *detected_algo < HASH_ALGO__LAST)
		list_algo = *detected_algo;
	if (list_algo < HASH_ALGO__LAST)
		return;
	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	ASSERT_EQ(0, names_get(&before));
	ASSERT_EQ(0, set_label("diglim_selftest_probe"));
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0, names_get(&after));
	names_diff(&before, &after, &added);
	/* The binary entry sorts first, right before its .ascii twin. */
	nl = strchr((char *)added.data, '\n');
	ASSERT_NE(NULL, nl);
	*nl = '\0';
	snprintf(name, sizeof(name), "%s", (char *)added.data);
	*nl = '\n';
	ASSERT_EQ(0, parse_entry_name(name, &algo, digest, &label));
	ASSERT_STREQ("diglim_selftest_probe", label);
	ASSERT_EQ(0, hash_buf(algo, list.data, list.len, expected))
	{
		TH_LOG("libcrypto cannot compute %s", hash_algos[algo].name);
	}
	ASSERT_EQ(0, memcmp(expected, digest, hash_algos[algo].size))
	{
		TH_LOG("entry %s does not match the list digest", name);
	}
	ASSERT_EQ(0, set_label("diglim_selftest_probe"));
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	list_algo = algo;
	if (detected_algo)
		*detected_algo = algo;
	dbuf_free(&list);
	dbuf_free(&before);
	dbuf_free(&after);
	dbuf_free(&added);
}

/* Privileges. */

/* Clears capability @cap from every set of the calling thread. */
static int __maybe_unused drop_cap(const int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	const __u32 mask = CAP_TO_MASK(cap);
	const int idx = CAP_TO_INDEX(cap);

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[idx].effective &= ~mask;
	data[idx].permitted &= ~mask;
	data[idx].inheritable &= ~mask;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* Becomes user and group "nobody", which drops every capability. */
static int __maybe_unused become_nobody(void)
{
	if (setgroups(0, NULL))
		return -errno;
	if (setresgid(65534, 65534, 65534))
		return -errno;
	if (setresuid(65534, 65534, 65534))
		return -errno;
	return 0;
}

/* Setup and cleanup. */

/* Returns true if DIGLIM's securityfs directory is reachable. */
static bool __maybe_unused diglim_available(void)
{
	if (!access(DIGLIM_DIR, F_OK))
		return true;
	/* securityfs may just not be mounted yet. */
	mount("securityfs", SECURITYFS_DIR, "securityfs", 0, NULL);
	return !access(DIGLIM_DIR, F_OK);
}

/*
 * Common start of the fixtures: skips unless DIGLIM is there and we are root,
 * clears the label, makes a private directory in @dir (TMP_TEMPLATE sized)
 * and records in @baseline the digest_lists_loaded/ listing that tests
 * compare against.  Returns false when the test was skipped.
 */
static bool __maybe_unused setup_test_dir(struct __test_metadata *const _metadata,
					  char *const dir,
					  struct dbuf *const baseline)
{
	if (!diglim_available())
		SKIP(return false, "DIGLIM is not available");
	if (geteuid())
		SKIP(return false, "must run as root");
	ASSERT_EQ(0, clear_label());
	memcpy(dir, TMP_TEMPLATE, sizeof(TMP_TEMPLATE));
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, names_get(baseline));
	return true;
}

static int __maybe_unused rm_one(const char *const path,
				 const struct stat *const sb, const int type,
				 struct FTW *const ftw)
{
	return remove(path);
}

static void __maybe_unused rm_tree(const char *const dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Deletes every loaded list whose binary entry is not in @baseline: by
 * buffer with the label of its name, or by path (labels of path uploads
 * need not be valid digest_list_label content).
 */
static void __maybe_unused drop_lists(struct __test_metadata *const _metadata,
				      struct dbuf *const baseline)
{
	struct dbuf now = {}, added = {}, data = {};
	char ascii[PATH_MAX + 8], tmp[] = TMP_TEMPLATE, path[PATH_MAX * 2];
	__u8 digest[MAX_DIGEST_SIZE];
	char *copy, *save, *name;
	const char *label;
	enum hash_algo algo;

	if (names_get(&now))
		return;
	names_diff(baseline, &now, &added);
	copy = xstrdup(dbuf_str(&added));
	for (name = strtok_r(copy, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		snprintf(ascii, sizeof(ascii), "%s%s", name,
			 DIGLIM_ASCII_SUFFIX);
		if (!names_has(&now, ascii))
			continue;
		if (parse_entry_name(name, &algo, digest, &label) ||
		    read_entry(name, false, &data))
			continue;
		if (!set_label(label) && !diglim_del(data.data, data.len))
			continue;
		if (!mkdtemp(tmp))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, label);
		if (!write_file(path, data.data, data.len))
			EXPECT_EQ(0, diglim_del_file(path))
			{
				TH_LOG("cannot delete %s", name);
			}
		rm_tree(tmp);
		memcpy(tmp, TMP_TEMPLATE, sizeof(TMP_TEMPLATE));
	}
	clear_label();
	free(copy);
	dbuf_free(&now);
	dbuf_free(&added);
	dbuf_free(&data);
}
