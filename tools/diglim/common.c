// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM user-space tools - shared helpers: hash algorithms, compact lists,
 * appended signatures, file I/O.
 */

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common.h"

const char *prog = "diglim";
int verbose;

/* Indexed by the kernel's enum hash_algo (include/uapi/linux/hash_info.h). */
static const struct algo algos[HASH_ALGO_COUNT] = {
	{ 0, "md4", 16, "MD4" },
	{ 1, "md5", 16, "MD5" },
	{ 2, "sha1", 20, "SHA1" },
	{ 3, "rmd160", 20, "RIPEMD160" },
	{ 4, "sha256", 32, "SHA256" },
	{ 5, "sha384", 48, "SHA384" },
	{ 6, "sha512", 64, "SHA512" },
	{ 7, "sha224", 28, "SHA224" },
	{ 8, "rmd128", 16, NULL },
	{ 9, "rmd256", 32, NULL },
	{ 10, "rmd320", 40, NULL },
	{ 11, "wp256", 32, NULL },
	{ 12, "wp384", 48, NULL },
	{ 13, "wp512", 64, "WHIRLPOOL" },
	{ 14, "tgr128", 16, NULL },
	{ 15, "tgr160", 20, NULL },
	{ 16, "tgr192", 24, NULL },
	{ 17, "sm3", 32, "SM3" },
	{ 18, "streebog256", 32, NULL },
	{ 19, "streebog512", 64, NULL },
	{ 20, "sha3-256", 32, "SHA3-256" },
	{ 21, "sha3-384", 48, "SHA3-384" },
	{ 22, "sha3-512", 64, "SHA3-512" },
};

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void err_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void info_msg(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p) {
		err_msg("out of memory");
		exit(2);
	}
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		err_msg("out of memory");
		exit(2);
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

void buf_append(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = b->cap ? b->cap : 4096;
		while (b->cap < b->len + len)
			b->cap *= 2;
		b->data = xrealloc(b->data, b->cap);
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

const struct algo *algo_by_id(unsigned int id)
{
	return id < HASH_ALGO_COUNT ? &algos[id] : NULL;
}

const struct algo *algo_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < HASH_ALGO_COUNT; i++) {
		if (!strcmp(algos[i].name, name))
			return &algos[i];
	}
	return NULL;
}

/*
 * Finds the longest algorithm name that @s starts with and that is followed
 * by '-', as the kernel does for "<algo>-<hex>" (sha3-256 has a dash).
 */
const struct algo *algo_prefix(const char *s, size_t *len)
{
	const struct algo *best = NULL;
	size_t n, best_len = 0;
	unsigned int i;

	for (i = 0; i < HASH_ALGO_COUNT; i++) {
		n = strlen(algos[i].name);
		if (n > best_len && !strncmp(s, algos[i].name, n) && s[n] == '-') {
			best = &algos[i];
			best_len = n;
		}
	}
	*len = best_len;
	return best;
}

/*
 * Returns the algorithm called @name if libcrypto can compute it, else
 * prints why not and returns NULL.
 */
const struct algo *algo_hashing(const char *name)
{
	const struct algo *algo = algo_by_name(name);
	EVP_MD *md;

	if (!algo) {
		err_msg("unknown hash algorithm '%s'", name);
		return NULL;
	}
	md = algo->ossl ? EVP_MD_fetch(NULL, algo->ossl, NULL) : NULL;
	if (!md) {
		err_msg("hash algorithm '%s' is not available in libcrypto",
			name);
		return NULL;
	}
	EVP_MD_free(md);
	return algo;
}

/* Decodes @hexlen hex digits (an even number) into @out. */
int hex_decode(const char *hex, size_t hexlen, unsigned char *out)
{
	size_t i;
	int hi, lo;

	if (hexlen % 2)
		return -EINVAL;

	for (i = 0; i < hexlen / 2; i++) {
		hi = OPENSSL_hexchar2int((unsigned char)hex[2 * i]);
		lo = OPENSSL_hexchar2int((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = hi << 4 | lo;
	}
	return 0;
}

/* Writes 2 * @len lowercase hex digits and a NUL to @out. */
void hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

int parse_type(const char *s, unsigned int *type)
{
	if (!strcmp(s, "parser"))
		*type = COMPACT_PARSER;
	else if (!strcmp(s, "file"))
		*type = COMPACT_FILE;
	else if (!strcmp(s, "metadata"))
		*type = COMPACT_METADATA;
	else
		return -EINVAL;
	return 0;
}

/* Parses a comma-separated list of modifier names into a bit mask. */
int parse_modifiers(const char *s, unsigned int *mods)
{
	char *copy = xstrdup(s), *tok, *save = NULL;
	int ret = 0;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "immutable")) {
			*mods |= 1U << COMPACT_MOD_IMMUTABLE;
		} else {
			ret = -EINVAL;
			break;
		}
	}
	free(copy);
	return ret;
}

void block_init(struct block *blk, unsigned int type, unsigned int mods,
		const struct algo *algo)
{
	memset(blk, 0, sizeof(*blk));
	blk->type = type;
	blk->modifiers = mods;
	blk->algo = algo;
}

void block_add(struct block *blk, const unsigned char *digest)
{
	buf_append(&blk->digests, digest, blk->algo->size);
}

unsigned int block_count(const struct block *blk)
{
	return blk->digests.len / blk->algo->size;
}

/* Appends the header (little-endian fields) and the digests of @blk. */
void block_emit(const struct block *blk, struct buf *out)
{
	struct compact_list_hdr hdr = {
		.version = 1,
		.type = htole16(blk->type),
		.modifiers = htole16(blk->modifiers),
		.algo = htole16(blk->algo->id),
		.count = htole32(block_count(blk)),
		.datalen = htole32(blk->digests.len),
	};

	buf_append(out, &hdr, sizeof(hdr));
	buf_append(out, blk->digests.data, blk->digests.len);
}

/* Checks one block header against the @left bytes that follow it. */
static int check_block(const struct compact_list_hdr *hdr, size_t left,
		       char *why, size_t whylen)
{
	const struct algo *algo = algo_by_id(le16toh(hdr->algo));
	uint32_t count = le32toh(hdr->count), datalen = le32toh(hdr->datalen);

	if (hdr->version != 1 || hdr->_reserved)
		snprintf(why, whylen, "version %u, reserved %u", hdr->version,
			 hdr->_reserved);
	else if (le16toh(hdr->type) >= COMPACT_DIGEST_LIST)
		snprintf(why, whylen, "invalid type %u", le16toh(hdr->type));
	else if (le16toh(hdr->modifiers) >> COMPACT_MOD__LAST)
		snprintf(why, whylen, "unknown modifiers 0x%x",
			 le16toh(hdr->modifiers));
	else if (!algo)
		snprintf(why, whylen, "unknown algorithm %u",
			 le16toh(hdr->algo));
	else if (datalen != (uint64_t)count * algo->size)
		snprintf(why, whylen, "datalen %u != count %u * %u", datalen,
			 count, algo->size);
	else if (datalen > left)
		snprintf(why, whylen, "datalen %u past the end", datalen);
	else
		return 0;
	return -EINVAL;
}

/*
 * Validates a whole list with the kernel's rules (abi.md §1). Returns the
 * number of blocks, or -EINVAL with a reason in @why.
 */
int list_check(const unsigned char *data, size_t len, char *why,
	       size_t whylen)
{
	const struct compact_list_hdr *hdr;
	char reason[128];
	size_t off = 0;
	int n = 0;

	if (!len) {
		snprintf(why, whylen, "empty list");
		return -EINVAL;
	}
	while (off < len) {
		if (len - off < HDR_SIZE) {
			snprintf(why, whylen,
				 "block %d at offset %zu: truncated header (%zu bytes)",
				 n, off, len - off);
			return -EINVAL;
		}
		hdr = (const void *)(data + off);
		if (check_block(hdr, len - off - HDR_SIZE, reason,
				sizeof(reason))) {
			snprintf(why, whylen, "block %d at offset %zu: %s", n,
				 off, reason);
			return -EINVAL;
		}
		off += HDR_SIZE + le32toh(hdr->datalen);
		n++;
	}
	return n;
}

/*
 * Returns the length of @data without a module-signature trailer, as the
 * kernel cuts it off path uploads, or (size_t)-1 if the trailer is bogus.
 */
size_t modsig_strip(const unsigned char *data, size_t len)
{
	struct module_signature ms;
	uint32_t sig_len;

	if (len < MODULE_SIG_MAGIC_LEN ||
	    memcmp(data + len - MODULE_SIG_MAGIC_LEN, MODULE_SIG_STRING,
		   MODULE_SIG_MAGIC_LEN))
		return len;

	len -= MODULE_SIG_MAGIC_LEN;
	if (len < sizeof(ms))
		return (size_t)-1;

	/* The descriptor has no alignment in the file. */
	len -= sizeof(ms);
	memcpy(&ms, data + len, sizeof(ms));
	sig_len = be32toh(ms.sig_len);
	if (sig_len > len)
		return (size_t)-1;

	return len - sig_len;
}

/*
 * Reads an X.509 certificate, PEM or DER, from @path. Returns NULL if it
 * cannot, with the libcrypto error queue left to the caller.
 */
X509 *cert_read(const char *path)
{
	BIO *bio = BIO_new_file(path, "rb");
	X509 *cert = NULL;

	if (bio) {
		cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (!cert && BIO_reset(bio) == 0)
			cert = d2i_X509_bio(bio, NULL);
	}
	BIO_free(bio);
	return cert;
}

/*
 * Checks the appended signature of @data (@len bytes): its trailer with the
 * rules of the kernel's mod_check_sig(), in its order, then the detached
 * PKCS#7 signature with @cert. Returns NULL if the signature is good, else
 * a constant string that says why not. Sets @signed_len to the length of
 * the data before the signature once the trailer is found. The libcrypto
 * error queue is left to the caller, to print or to clear.
 */
const char *modsig_check(const unsigned char *data, size_t len, X509 *cert,
			 size_t *signed_len)
{
	const unsigned int flags = CMS_BINARY | CMS_DETACHED | CMS_NOINTERN |
				   CMS_NO_SIGNER_CERT_VERIFY;
	STACK_OF(X509) *certs = NULL;
	struct module_signature ms;
	CMS_ContentInfo *cms;
	const unsigned char *p;
	const char *why = NULL;
	BIO *content = NULL;
	size_t slen;

	slen = modsig_strip(data, len);
	if (slen == len)
		return "not signed (no \"~Module signature appended~\" trailer)";
	if (slen == (size_t)-1)
		return "malformed signature trailer (longer than the file)";
	*signed_len = slen;
	memcpy(&ms, data + len - MODSIG_TRAILER_SIZE, sizeof(ms));
	if (!slen)
		return "the signature covers no data (the kernel refuses a signature as long as the file)";
	if (ms.id_type != PKEY_ID_PKCS7)
		return "the signature trailer is not of the PKCS#7 type";
	if (ms.algo || ms.hash || ms.signer_len || ms.key_id_len ||
	    ms.pad[0] || ms.pad[1] || ms.pad[2])
		return "the signature descriptor has non-zero fields or padding (the kernel refuses it)";

	p = data + slen;
	cms = d2i_CMS_ContentInfo(NULL, &p, be32toh(ms.sig_len));
	if (!cms)
		return "the signature is not a valid PKCS#7 message";
	certs = sk_X509_new_null();
	content = BIO_new_mem_buf(data, slen);
	if (!certs || !content || !sk_X509_push(certs, cert))
		why = "out of memory";
	else if (CMS_verify(cms, certs, NULL, content, NULL, flags) != 1)
		why = "BAD signature: not made by the key of the certificate over these bytes";
	sk_X509_free(certs);
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	return why;
}

/* Reads a whole regular file (at most MAX_LIST_SIZE + 1 MiB) into @out. */
int read_file(const char *path, struct buf *out)
{
	unsigned char tmp[65536];
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		err_msg("%s: %s", path, strerror(errno));
		return err;
	}
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			err_msg("%s: %s", path, strerror(errno));
			break;
		}
		if (out->len + n > MAX_LIST_SIZE + (1 << 20)) {
			err = -EFBIG;
			err_msg("%s: file too large", path);
			break;
		}
		buf_append(out, tmp, n);
	}
	close(fd);
	return err;
}

/*
 * Hashes what is read from @fd with @algo and, if @algo2 is not NULL, with
 * @algo2 in the same pass. At most @max bytes are read when @max is not
 * (size_t)-1, and then exactly @max must be there (a member of a stream).
 */
int hash_fd2(int fd, size_t max, const struct algo *algo,
	     unsigned char *digest, const struct algo *algo2,
	     unsigned char *digest2)
{
	EVP_MD_CTX *ctx = NULL, *ctx2 = NULL;
	EVP_MD *md = NULL, *md2 = NULL;
	unsigned char tmp[65536];
	size_t left = max;
	ssize_t n;
	int err = -EIO;

	md = EVP_MD_fetch(NULL, algo->ossl, NULL);
	ctx = EVP_MD_CTX_new();
	if (!md || !ctx || !EVP_DigestInit_ex(ctx, md, NULL))
		goto out;
	if (algo2) {
		md2 = EVP_MD_fetch(NULL, algo2->ossl, NULL);
		ctx2 = EVP_MD_CTX_new();
		if (!md2 || !ctx2 || !EVP_DigestInit_ex(ctx2, md2, NULL))
			goto out;
	}
	while (left) {
		n = read(fd, tmp, left < sizeof(tmp) ? left : sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (!n) {
			if (max != (size_t)-1)
				goto out;	/* truncated stream */
			break;
		}
		if (max != (size_t)-1)
			left -= n;
		if (!EVP_DigestUpdate(ctx, tmp, n) ||
		    (ctx2 && !EVP_DigestUpdate(ctx2, tmp, n)))
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, digest, NULL) &&
	    (!ctx2 || EVP_DigestFinal_ex(ctx2, digest2, NULL)))
		err = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_MD_CTX_free(ctx2);
	EVP_MD_free(md);
	EVP_MD_free(md2);
	return err;
}

int hash_fd(int fd, const struct algo *algo, unsigned char *digest)
{
	return hash_fd2(fd, (size_t)-1, algo, digest, NULL, NULL);
}

/*
 * Hashes the regular file @path. Symbolic links are not followed and
 * anything that is not a regular file when opened is refused, so that a
 * FIFO swapped in after the caller's lstat() cannot block us.
 */
int hash_path(const char *path, const struct algo *algo,
	      unsigned char *digest)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		err_msg("%s: %s", path, strerror(errno));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err_msg("%s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	err = hash_fd(fd, algo, digest);
	if (err)
		err_msg("%s: %s", path, strerror(-err));
	close(fd);
	return err;
}

/* The temporary file being written, removed if a signal stops us. */
static char *tmp_path;

static void tmp_cleanup(int sig)
{
	if (tmp_path)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= n;
	}
	return 0;
}

/*
 * Writes @path atomically: a temporary file in the same directory, synced,
 * then renamed over @path. On failure @path is untouched and the temporary
 * file removed.
 */
int write_atomic(const char *path, const void *data, size_t len)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	const char *base = strrchr(path, '/');
	mode_t mask = umask(0);
	int fd, err;

	umask(mask);
	base = base ? base + 1 : path;
	tmp_path = xmalloc(strlen(dir) + strlen(base) + 16);
	sprintf(tmp_path, "%s/.%s.XXXXXX", dir, base);
	signal(SIGINT, tmp_cleanup);
	signal(SIGTERM, tmp_cleanup);
	signal(SIGHUP, tmp_cleanup);

	fd = mkstemp(tmp_path);
	if (fd < 0) {
		err = -errno;
		err_msg("%s: cannot create a temporary file: %s", dir,
			strerror(errno));
		goto out;
	}
	err = write_all(fd, data, len);
	if (!err && fchmod(fd, 0666 & ~mask))
		err = -errno;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp_path, path))
		err = -errno;
	if (err) {
		err_msg("%s: %s", path, strerror(-err));
		unlink(tmp_path);
	}
out:
	free(tmp_path);
	tmp_path = NULL;
	free(copy);
	return err;
}
