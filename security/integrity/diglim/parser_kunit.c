// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - KUnit tests of the parsers: lists, signature trailers, labels,
 * queries
 */

#include "diglim.h"

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/ctype.h>
#include <linux/limits.h>
#include <linux/module_signature.h>
#include <linux/string.h>

/* Compact lists */

/**
 * struct test_block - A block of a test list.
 * @version: Header version.
 * @reserved: Header reserved byte.
 * @type: Header type.
 * @modifiers: Header modifiers.
 * @algo: Header algorithm.
 * @count: Header count.
 * @datalen: Header datalen.
 * @short_by: The list holds @datalen - @short_by bytes of digests.
 * @auto_len: Set @datalen to @count times the digest size of @algo.
 */
struct test_block {
	u8 version;
	u8 reserved;
	u16 type;
	u16 modifiers;
	u16 algo;
	u32 count;
	u32 datalen;
	u32 short_by;
	bool auto_len;
};

/* A consistent block of @n digests. */
#define BLOCK(t, m, a, n)                                           \
	{ .version = 1, .type = (t), .modifiers = (m), .algo = (a), \
	  .count = (n), .auto_len = true }

#define FILE256(n) BLOCK(COMPACT_FILE, 0, HASH_ALGO_SHA256, n)

/* A block with header fields set by hand, @short_by bytes missing. */
#define RAW(v, r, t, m, a, c, d, s)                                    \
	{ .version = (v), .reserved = (r), .type = (t), .modifiers = (m), \
	  .algo = (a), .count = (c), .datalen = (d), .short_by = (s) }

/**
 * struct parser_case - One accept/reject rule of the list parser.
 * @desc: Description.
 * @blocks: Blocks of the list.
 * @nr_blocks: Number of valid elements of @blocks.
 * @tail: Number of garbage bytes appended after the blocks.
 * @err: Expected result.
 * @nr_digests: Expected number of digests when @err is 0.
 */
struct parser_case {
	const char *desc;
	struct test_block blocks[3];
	unsigned int nr_blocks;
	unsigned int tail;
	int err;
	size_t nr_digests;
};

static const struct parser_case parser_cases[] = {
	{
		.desc = "one block",
		.blocks = { FILE256(2) },
		.nr_blocks = 1,
		.nr_digests = 2,
	},
	{
		.desc = "mixed types, algorithms and modifiers",
		.blocks = {
			FILE256(2),
			BLOCK(COMPACT_PARSER, 0, HASH_ALGO_SHA1, 1),
			BLOCK(COMPACT_METADATA, BIT(COMPACT_MOD_IMMUTABLE),
			      HASH_ALGO_SHA512, 3),
		},
		.nr_blocks = 3,
		.nr_digests = 6,
	},
	{
		.desc = "empty block",
		.blocks = { FILE256(0) },
		.nr_blocks = 1,
	},
	{
		.desc = "empty blocks around a block",
		.blocks = { FILE256(0), FILE256(1), FILE256(0) },
		.nr_blocks = 3,
		.nr_digests = 1,
	},
	{
		.desc = "empty buffer",
		.err = -EINVAL,
	},
	{
		.desc = "truncated header",
		.tail = 15,
		.err = -EINVAL,
	},
	{
		.desc = "1 byte after the last block",
		.blocks = { FILE256(1) },
		.nr_blocks = 1,
		.tail = 1,
		.err = -EINVAL,
	},
	{
		.desc = "15 bytes after the last block",
		.blocks = { FILE256(1) },
		.nr_blocks = 1,
		.tail = 15,
		.err = -EINVAL,
	},
	{
		.desc = "version 0",
		.blocks = { RAW(0, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "version 2",
		.blocks = { RAW(2, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "nonzero reserved byte",
		.blocks = { RAW(1, 1, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "type 3 (digest list, kernel-internal)",
		.blocks = { RAW(1, 0, COMPACT_DIGEST_LIST, 0, HASH_ALGO_SHA256,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "type 4",
		.blocks = { RAW(1, 0, COMPACT__LAST, 0, HASH_ALGO_SHA256,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "type 0xffff",
		.blocks = { RAW(1, 0, 0xffff, 0, HASH_ALGO_SHA256,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "unknown modifier bit 1",
		.blocks = { RAW(1, 0, COMPACT_FILE, BIT(1), HASH_ALGO_SHA256,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "unknown modifier bit 15",
		.blocks = { RAW(1, 0, COMPACT_FILE, BIT(15) | 1,
			      HASH_ALGO_SHA256, 1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "algo HASH_ALGO__LAST",
		.blocks = { RAW(1, 0, COMPACT_FILE, 0, HASH_ALGO__LAST,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "algo 0xffff",
		.blocks = { RAW(1, 0, COMPACT_FILE, 0, 0xffff,
			      1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "count * size wraps to 0 in 32 bits",
		.blocks = { RAW(1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      BIT(27), 0, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "count * size wraps to datalen in 32 bits",
		.blocks = { RAW(1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      BIT(27) + 1, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "datalen smaller than count * size",
		.blocks = { RAW(1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      2, 32, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "datalen not a multiple of the digest size",
		.blocks = { RAW(1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      1, 33, 0) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "datalen past the end",
		.blocks = { RAW(1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      2, 64, 1) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "datalen near U32_MAX past the end",
		.blocks = { RAW(1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			      U32_MAX / 32, U32_MAX / 32 * 32,
			      U32_MAX / 32 * 32 - 32) },
		.nr_blocks = 1,
		.err = -EINVAL,
	},
	{
		.desc = "bad block after a good one",
		.blocks = {
			FILE256(1),
			RAW(1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1, 32, 16),
		},
		.nr_blocks = 2,
		.err = -EINVAL,
	},
};

static void parser_case_desc(const struct parser_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parser, parser_cases, parser_case_desc);

static u32 block_datalen(const struct test_block *block)
{
	if (!block->auto_len)
		return block->datalen;

	return block->count * hash_digest_size[block->algo];
}

static void *build_list(struct kunit *test, const struct test_block *blocks,
			unsigned int nr_blocks, unsigned int tail,
			size_t *size)
{
	size_t total = tail, off = 0;
	unsigned int i;
	u8 *buf;

	for (i = 0; i < nr_blocks; i++)
		total += sizeof(struct compact_list_hdr) +
			 block_datalen(&blocks[i]) - blocks[i].short_by;

	buf = kunit_kzalloc(test, total + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	for (i = 0; i < nr_blocks; i++) {
		struct compact_list_hdr *hdr = (void *)(buf + off);
		u32 j;

		hdr->version = blocks[i].version;
		hdr->_reserved = blocks[i].reserved;
		hdr->type = cpu_to_le16(blocks[i].type);
		hdr->modifiers = cpu_to_le16(blocks[i].modifiers);
		hdr->algo = cpu_to_le16(blocks[i].algo);
		hdr->count = cpu_to_le32(blocks[i].count);
		hdr->datalen = cpu_to_le32(block_datalen(&blocks[i]));
		off += sizeof(*hdr);
		for (j = 0; j < block_datalen(&blocks[i]) - blocks[i].short_by;
		     j++)
			buf[off++] = j + i;
	}
	memset(buf + off, 1, tail);

	*size = total;
	return buf;
}

static void diglim_parse_list_test(struct kunit *test)
{
	const struct parser_case *c = test->param_value;
	size_t size, nr_digests = 12345;
	void *buf;

	buf = build_list(test, c->blocks, c->nr_blocks, c->tail, &size);
	KUNIT_EXPECT_EQ(test, diglim_parse_list(buf, size, &nr_digests),
			c->err);
	if (!c->err)
		KUNIT_EXPECT_EQ(test, nr_digests, c->nr_digests);
	else
		KUNIT_EXPECT_EQ(test, nr_digests, 12345);
}

/**
 * struct sig_case - One rule of the appended signature trailer.
 * @desc: Description.
 * @list: Whether a valid one-digest list precedes the trailer.
 * @sig_bytes: Bytes of signature written.
 * @sig_len: sig_len field of the descriptor.
 * @desc_present: Whether the descriptor is written.
 * @magic: Whether the magic string is written.
 * @after: Garbage bytes after the magic string.
 * @err: Expected result of diglim_strip_appended_sig().
 * @stripped: Whether the trailer is expected to be cut.
 * @parse_err: Expected result of parsing what is left.
 */
struct sig_case {
	const char *desc;
	bool list;
	u32 sig_bytes;
	u32 sig_len;
	bool desc_present;
	bool magic;
	u32 after;
	int err;
	bool stripped;
	int parse_err;
};

static const struct sig_case sig_cases[] = {
	{
		.desc = "no trailer",
		.list = true,
	},
	{
		.desc = "valid trailer stripped",
		.list = true, .sig_bytes = 10, .sig_len = 10,
		.desc_present = true, .magic = true,
		.stripped = true,
	},
	{
		.desc = "valid trailer with empty signature stripped",
		.list = true, .desc_present = true, .magic = true,
		.stripped = true,
	},
	{
		/*
		 * Found by fuzzing: the descriptor was read in place, a
		 * misaligned access (48 + 11 bytes precede it).
		 */
		.desc = "descriptor at an unaligned offset",
		.list = true, .sig_bytes = 11, .sig_len = 11,
		.desc_present = true, .magic = true,
		.stripped = true,
	},
	{
		.desc = "trailer longer than the file",
		.list = true, .sig_bytes = 10, .sig_len = 100,
		.desc_present = true, .magic = true,
		.err = -EINVAL,
	},
	{
		.desc = "sig_len U32_MAX",
		.list = true, .sig_bytes = 10, .sig_len = U32_MAX,
		.desc_present = true, .magic = true,
		.err = -EINVAL,
	},
	{
		.desc = "magic without descriptor",
		.magic = true,
		.err = -EINVAL,
	},
	{
		.desc = "trailer is the whole file",
		.sig_bytes = 4, .sig_len = 4, .desc_present = true,
		.magic = true, .stripped = true, .parse_err = -EINVAL,
	},
	{
		.desc = "magic not at the end",
		.list = true, .sig_bytes = 10, .sig_len = 10,
		.desc_present = true, .magic = true, .after = 1,
		.parse_err = -EINVAL,
	},
};

static void sig_case_desc(const struct sig_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sig, sig_cases, sig_case_desc);

static void diglim_strip_appended_sig_test(struct kunit *test)
{
	static const struct test_block block = FILE256(1);
	const size_t magic_len = sizeof(MODULE_SIG_STRING) - 1;
	const struct sig_case *c = test->param_value;
	struct module_signature ms = {
		.id_type = PKEY_ID_PKCS7,
		.sig_len = cpu_to_be32(c->sig_len),
	};
	size_t list_len = 0, size, nr_digests;
	void *list = NULL;
	u8 *buf, *p;

	if (c->list)
		list = build_list(test, &block, 1, 0, &list_len);

	size = list_len + c->sig_bytes + (c->desc_present ? sizeof(ms) : 0) +
	       (c->magic ? magic_len : 0) + c->after;
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	p = buf;
	if (c->list)
		p = memcpy(p, list, list_len) + list_len;
	p = memset(p, 0xaa, c->sig_bytes) + c->sig_bytes;
	if (c->desc_present)
		p = memcpy(p, &ms, sizeof(ms)) + sizeof(ms);
	if (c->magic)
		p = memcpy(p, MODULE_SIG_STRING, magic_len) + magic_len;
	memset(p, '\n', c->after);

	KUNIT_EXPECT_EQ(test, diglim_strip_appended_sig(buf, &size), c->err);
	if (c->err)
		return;

	if (c->stripped)
		KUNIT_EXPECT_EQ(test, size, list_len);
	KUNIT_EXPECT_EQ(test, diglim_parse_list(buf, size, &nr_digests),
			c->parse_err);
}

static struct kunit_case diglim_parser_cases[] = {
	KUNIT_CASE_PARAM(diglim_parse_list_test, parser_gen_params),
	KUNIT_CASE_PARAM(diglim_strip_appended_sig_test, sig_gen_params),
	{}
};

static struct kunit_suite diglim_parser_suite = {
	.name = "diglim_parser",
	.test_cases = diglim_parser_cases,
};

/* Labels */

#define NAME_255 \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/**
 * struct label_case - One rule of the label parser.
 * @desc: Description.
 * @buf: Written bytes (NUL-terminated, the NUL is not written).
 * @ret: Expected result: label length or -errno.
 */
struct label_case {
	const char *desc;
	const char *buf;
	int ret;
};

static const struct label_case label_cases[] = {
	{ "plain", "rpm-pkgs", 8 },
	{ "trailing newline stripped", "rpm-pkgs\n", 8 },
	{ "punctuation", "a.b_c-d+e~f:g@h", 15 },
	{ "255 bytes", NAME_255, 255 },
	{ "255 bytes and newline", NAME_255 "\n", 255 },
	{ "256 bytes", NAME_255 "a", -EINVAL },
	{ "empty", "", -EINVAL },
	{ "newline only", "\n", -EINVAL },
	{ "two newlines", "name\n\n", -EINVAL },
	{ "space", "a b", -EINVAL },
	{ "tab", "a\tb", -EINVAL },
	{ "slash", "a/b", -EINVAL },
	{ "dot dot slash", "../x", -EINVAL },
	{ "control character", "a\x01", -EINVAL },
	{ "DEL", "a\x7f", -EINVAL },
	{ "non-ASCII byte", "caf\xc3\xa9", -EINVAL },
};

static void label_case_desc(const struct label_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(label, label_cases, label_case_desc);

static void diglim_parse_label_test(struct kunit *test)
{
	const struct label_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, diglim_parse_label(c->buf, strlen(c->buf)),
			c->ret);
}

static void diglim_parse_label_nul_test(struct kunit *test)
{
	/* An embedded NUL is not a printable byte. */
	KUNIT_EXPECT_EQ(test, diglim_parse_label("ab\0cd", 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, diglim_parse_label("abcd\0", 5), -EINVAL);
}

static struct kunit_case diglim_label_cases[] = {
	KUNIT_CASE_PARAM(diglim_parse_label_test, label_gen_params),
	KUNIT_CASE(diglim_parse_label_nul_test),
	{}
};

static struct kunit_suite diglim_label_suite = {
	.name = "diglim_label",
	.test_cases = diglim_label_cases,
};

/* Queries */

/* Digit i of a test digest; byte i is then (i % 16) * 0x11. */
static const char hex_digits[] = "00112233445566778899aabbccddeeff";

/**
 * struct query_case - One rule of the query parser.
 * @desc: Description.
 * @prefix: Start of the query, before the hex digits.
 * @digits: Number of hex digits after @prefix.
 * @suffix: End of the query, after the hex digits.
 * @nul: Whether a NUL is written after @suffix.
 * @upper: Whether the hex digits are upper case.
 * @err: Expected result.
 * @algo: Expected algorithm when @err is 0.
 */
struct query_case {
	const char *desc;
	const char *prefix;
	unsigned int digits;
	const char *suffix;
	bool nul;
	bool upper;
	int err;
	enum hash_algo algo;
};

static const struct query_case query_cases[] = {
	{ "sha256", "sha256-", 64, "", false, false, 0, HASH_ALGO_SHA256 },
	{ "newline", "sha256-", 64, "\n", false, false, 0, HASH_ALGO_SHA256 },
	{ "NUL", "sha256-", 64, "", true, false, 0, HASH_ALGO_SHA256 },
	{ "newline and NUL", "sha256-", 64, "\n", true, false, 0,
	  HASH_ALGO_SHA256 },
	{ "upper case hex", "sha1-", 40, "", false, true, 0, HASH_ALGO_SHA1 },
	{ "md5", "md5-", 32, "", false, false, 0, HASH_ALGO_MD5 },
	{ "sha512", "sha512-", 128, "", false, false, 0, HASH_ALGO_SHA512 },
	{ "sha3-256 (dash in the name)", "sha3-256-", 64, "", false, false, 0,
	  HASH_ALGO_SHA3_256 },
	{ "sha3-512 (dash in the name)", "sha3-512-", 128, "", false, false, 0,
	  HASH_ALGO_SHA3_512 },
	{ "sm3", "sm3-", 64, "", false, false, 0, HASH_ALGO_SM3_256 },
	{ "unknown algorithm", "foo-", 64, "", false, false, -ENOENT },
	{ "algorithm prefix", "sha3-", 64, "", false, false, -ENOENT },
	{ "algorithm name case", "SHA256-", 64, "", false, false, -ENOENT },
	{ "leading space", " sha256-", 64, "", false, false, -ENOENT },
	{ "no dash", "sha256", 64, "", false, false, -EINVAL },
	{ "empty", "", 0, "", false, false, -EINVAL },
	{ "newline only", "", 0, "\n", false, false, -EINVAL },
	{ "algorithm only", "sha256-", 0, "", false, false, -EINVAL },
	{ "one digit short", "sha256-", 63, "", false, false, -EINVAL },
	{ "one digit long", "sha256-", 65, "", false, false, -EINVAL },
	{ "digest of another size", "sha256-", 40, "", false, false, -EINVAL },
	{ "not hex", "sha256-", 63, "g", false, false, -EINVAL },
	{ "two newlines", "sha256-", 64, "\n\n", false, false, -EINVAL },
	{ "space before the digest", "sha256- ", 64, "", false, false,
	  -EINVAL },
	{ "space after the digest", "sha256-", 64, " ", false, false,
	  -EINVAL },
};

static void query_case_desc(const struct query_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(query, query_cases, query_case_desc);

static char *build_query(struct kunit *test, const struct query_case *c,
			 size_t *len)
{
	size_t prefix = strlen(c->prefix), suffix = strlen(c->suffix);
	unsigned int i;
	char *buf;

	*len = prefix + c->digits + suffix + c->nul;
	/* Room for two more bytes. */
	buf = kunit_kzalloc(test, *len + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	memcpy(buf, c->prefix, prefix);
	for (i = 0; i < c->digits; i++) {
		char digit = hex_digits[i % (sizeof(hex_digits) - 1)];

		buf[prefix + i] = c->upper ? toupper(digit) : digit;
	}
	memcpy(buf + prefix + c->digits, c->suffix, suffix);
	return buf;
}

static void diglim_parse_query_test(struct kunit *test)
{
	const struct query_case *c = test->param_value;
	u8 digest[HASH_MAX_DIGESTSIZE] = {};
	u8 expected[HASH_MAX_DIGESTSIZE] = {};
	enum hash_algo algo = HASH_ALGO__LAST;
	size_t len;
	char *buf;
	int i;

	buf = build_query(test, c, &len);
	KUNIT_EXPECT_EQ(test, diglim_parse_query(buf, len, &algo, digest),
			c->err);
	if (c->err) {
		KUNIT_EXPECT_EQ(test, algo, HASH_ALGO__LAST);
		return;
	}

	KUNIT_EXPECT_EQ(test, algo, c->algo);
	for (i = 0; i < hash_digest_size[c->algo]; i++)
		expected[i] = (i % 16) * 0x11;
	KUNIT_EXPECT_MEMEQ(test, digest, expected, sizeof(digest));
}

static void diglim_parse_query_nul_test(struct kunit *test)
{
	static const struct query_case c = { .prefix = "sha1-", .digits = 40,
					     .suffix = "" };
	u8 digest[HASH_MAX_DIGESTSIZE];
	enum hash_algo algo;
	size_t len;
	char *buf;

	buf = build_query(test, &c, &len);
	KUNIT_ASSERT_EQ(test, diglim_parse_query(buf, len, &algo, digest), 0);

	/* A NUL inside the digest is malformed. */
	buf[len - 3] = '\0';
	KUNIT_EXPECT_EQ(test, diglim_parse_query(buf, len, &algo, digest),
			-EINVAL);

	/* NUL then newline (instead of newline then NUL) is malformed. */
	buf = build_query(test, &c, &len);
	buf[len] = '\0';
	buf[len + 1] = '\n';
	KUNIT_EXPECT_EQ(test, diglim_parse_query(buf, len + 2, &algo, digest),
			-EINVAL);
}

static struct kunit_case diglim_query_cases[] = {
	KUNIT_CASE_PARAM(diglim_parse_query_test, query_gen_params),
	KUNIT_CASE(diglim_parse_query_nul_test),
	{}
};

static struct kunit_suite diglim_query_suite = {
	.name = "diglim_query",
	.test_cases = diglim_query_cases,
};

kunit_test_suites(&diglim_parser_suite, &diglim_label_suite,
		  &diglim_query_suite);
