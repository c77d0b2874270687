// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Parsers of untrusted input: lists, signature trailers, labels,
 * queries
 *
 * Nothing here changes any state: these functions only check buffers.
 */

#include "diglim.h"

#include <linux/bits.h>
#include <linux/ctype.h>
#include <linux/hex.h>
#include <linux/limits.h>
#include <linux/module_signature.h>
#include <linux/overflow.h>
#include <linux/string.h>

#define COMPACT_MOD_MASK (BIT(COMPACT_MOD__LAST) - 1)

/* The wire format of a block header is frozen. */
static_assert(sizeof(struct compact_list_hdr) == 16);
static_assert(offsetof(struct compact_list_hdr, type) == 2);
static_assert(offsetof(struct compact_list_hdr, modifiers) == 4);
static_assert(offsetof(struct compact_list_hdr, algo) == 6);
static_assert(offsetof(struct compact_list_hdr, count) == 8);
static_assert(offsetof(struct compact_list_hdr, datalen) == 12);
/* Values are ABI. */
static_assert(COMPACT_DIGEST_LIST == 3 && COMPACT__LAST == 4);
static_assert(COMPACT_MOD__LAST <= 16);
static_assert(COMPACT_ACTION__LAST <= 8);
/* The appended signature descriptor is 12 bytes, the magic 28. */
static_assert(sizeof(struct module_signature) == 12);
static_assert(sizeof(MODULE_SIG_STRING) - 1 == 28);

/**
 * parse_block - Check the block header at the start of @data.
 * @data: Start of the block.
 * @left: Bytes from @data to the end of the list.
 * @count: Output: number of digests of the block.
 *
 * Return: Length of the block (header and digests) or -EINVAL.
 */
static ssize_t parse_block(const void *data, size_t left, u32 *count)
{
	const struct compact_list_hdr *hdr = data;
	u16 type, modifiers, algo;
	u32 datalen, len;

	if (left < sizeof(*hdr))
		return -EINVAL;

	if (hdr->version != 1 || hdr->_reserved != 0)
		return -EINVAL;

	type = le16_to_cpu(hdr->type);
	if (type >= COMPACT_DIGEST_LIST)
		return -EINVAL;

	modifiers = le16_to_cpu(hdr->modifiers);
	if ((modifiers | COMPACT_MOD_MASK) != COMPACT_MOD_MASK)
		return -EINVAL;

	algo = le16_to_cpu(hdr->algo);
	if (algo >= HASH_ALGO__LAST || !hash_digest_size[algo])
		return -EINVAL;

	/* Never trust the counts: check them against each other and @left. */
	*count = le32_to_cpu(hdr->count);
	datalen = le32_to_cpu(hdr->datalen);
	if (check_mul_overflow(*count, (u32)hash_digest_size[algo], &len))
		return -EINVAL;

	if (datalen != len || datalen > left - sizeof(*hdr))
		return -EINVAL;

	return sizeof(*hdr) + datalen;
}

/**
 * diglim_parse_list - Validate a compact digest list.
 * @data: List bytes.
 * @size: Length of @data.
 * @nr_digests: Output: number of digests in the list.
 *
 * Checks every block of the list: version 1, reserved byte 0, type below
 * %COMPACT_DIGEST_LIST, only known modifiers, a known algorithm, a datalen
 * equal to count times the digest size and within the buffer.  The blocks
 * must cover the buffer exactly.
 *
 * Context: Any context.
 * Return:
 * * %0 - The list is valid.
 * * %-EINVAL - The list is empty or malformed.
 */
int diglim_parse_list(const void *data, size_t size, size_t *nr_digests)
{
	size_t off = 0, total = 0;

	if (!size)
		return -EINVAL;

	while (off < size) {
		ssize_t len;
		u32 count;

		len = parse_block(data + off, size - off, &count);
		if (len < 0)
			return len;

		off += len;
		total += count;
	}

	*nr_digests = total;
	return 0;
}

/**
 * diglim_strip_appended_sig - Cut a module-style signature off a list.
 * @data: File content.
 * @size: Input: length of @data; output: length without the trailer.
 *
 * A list file may end with "[signature][struct module_signature]
 * MODULE_SIG_STRING".  If @data ends with the magic string, the magic, the
 * descriptor and sig_len bytes of signature are removed from @size.  The
 * signature is not verified here: IMA appraisal of the file does that.
 *
 * Context: Any context.
 * Return:
 * * %0 - @size is the length of the list.
 * * %-EINVAL - The trailer is longer than the file.
 */
int diglim_strip_appended_sig(const void *data, size_t *size)
{
	const size_t magic_len = sizeof(MODULE_SIG_STRING) - 1;
	struct module_signature ms;
	size_t len = *size;
	u32 sig_len;

	if (len < magic_len ||
	    memcmp(data + len - magic_len, MODULE_SIG_STRING, magic_len))
		return 0;

	len -= magic_len;
	if (len < sizeof(ms))
		return -EINVAL;

	/* The descriptor may sit at any offset: copy, do not dereference. */
	len -= sizeof(ms);
	memcpy(&ms, data + len, sizeof(ms));
	sig_len = be32_to_cpu(ms.sig_len);
	if (sig_len > len)
		return -EINVAL;

	*size = len - sig_len;
	return 0;
}

/**
 * diglim_parse_label - Check a label written to digest_list_label.
 * @buf: Written bytes.
 * @len: Length of @buf.
 *
 * One trailing newline is ignored.  What is left must be 1 to %NAME_MAX
 * bytes, each printable ASCII, not a space and not '/' (the label becomes
 * part of a file name).
 *
 * Context: Any context.
 * Return: Length of the label (without newline) or -EINVAL.
 */
int diglim_parse_label(const char *buf, size_t len)
{
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;

	if (!len || len > NAME_MAX)
		return -EINVAL;

	/* isgraph() alone would accept Latin-1 letters. */
	for (i = 0; i < len; i++) {
		if (!isascii(buf[i]) || !isgraph(buf[i]) || buf[i] == '/')
			return -EINVAL;
	}

	return len;
}

/**
 * diglim_parse_algo - Find the hash algorithm that prefixes a name.
 * @buf: A query, or the name of a list: "<algo>-...".
 * @len: Length of @buf.
 *
 * Algorithm names may contain a dash (sha3-256), so the longest name of
 * hash_algo_name[] followed by '-' wins.
 *
 * Context: Any context.
 * Return: The algorithm or %HASH_ALGO__LAST if none matches.
 */
enum hash_algo diglim_parse_algo(const char *buf, size_t len)
{
	enum hash_algo i, algo = HASH_ALGO__LAST;
	size_t best = 0;

	for (i = 0; i < HASH_ALGO__LAST; i++) {
		size_t n = strlen(hash_algo_name[i]);

		if (n < len && n > best && buf[n] == '-' &&
		    !memcmp(buf, hash_algo_name[i], n)) {
			algo = i;
			best = n;
		}
	}

	return algo;
}

/**
 * diglim_parse_query - Parse a query written to digest_query.
 * @buf: Written bytes: "<algo>-<hex digest>", optionally followed by a
 *       newline, a NUL or both (in this order).
 * @len: Length of @buf.
 * @algo: Output: hash algorithm.
 * @digest: Output: digest (at least %HASH_MAX_DIGESTSIZE bytes).
 *
 * The hex digest must have exactly twice as many digits as the digest size
 * of @algo, in lower or upper case.
 *
 * Context: Any context.
 * Return:
 * * %0 - @algo and @digest are set.
 * * %-ENOENT - Unknown algorithm.
 * * %-EINVAL - Malformed query.
 */
int diglim_parse_query(const char *buf, size_t len, enum hash_algo *algo,
		       u8 *digest)
{
	enum hash_algo found;
	size_t name_len, size;

	if (len && buf[len - 1] == '\0')
		len--;
	if (len && buf[len - 1] == '\n')
		len--;

	found = diglim_parse_algo(buf, len);
	if (found == HASH_ALGO__LAST)
		return memchr(buf, '-', len) ? -ENOENT : -EINVAL;

	size = hash_digest_size[found];
	if (!size || size > HASH_MAX_DIGESTSIZE)
		return -ENOENT;

	name_len = strlen(hash_algo_name[found]) + 1;
	if (len - name_len != size * 2)
		return -EINVAL;

	if (hex2bin(digest, buf + name_len, size))
		return -EINVAL;

	*algo = found;
	return 0;
}
