// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - libFuzzer harness for the kernel's digest list parser
 *
 * security/integrity/diglim/parser.c is compiled as it is in the kernel tree,
 * against the stand-in kernel headers of include/ here, with the address and
 * undefined-behaviour sanitizers.  One binary per entry point: build with
 * -DFUZZ_TARGET=<n> (see the FUZZ_* values below).
 *
 * Each input goes to the parser in a buffer of exactly its size, so ASan sees
 * any read past the end.  Besides not crashing, every answer is checked
 * against an independent model of the ABI (Documentation/ABI/testing/
 * securityfs-diglim); a disagreement aborts, which libFuzzer reports as a
 * crash with the input that caused it.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parser's own prototypes and types, from the kernel tree. */
#include "diglim.h"

#define FUZZ_PARSE_LIST		1
#define FUZZ_STRIP_SIG		2
#define FUZZ_PARSE_LABEL	3
#define FUZZ_PARSE_QUERY	4

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=<1..4>"
#endif

#define SIG_MAGIC	"~Module signature appended~\n"
#define SIG_MAGIC_LEN	(sizeof(SIG_MAGIC) - 1)
#define SIG_DESC_LEN	12
#define HDR_LEN		16

#define expect(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: model mismatch: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static uint32_t get_le(const uint8_t *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/*
 * The model of a compact list: blocks back to back, each a 16-byte header
 * (version 1, reserved 0, type < 3, modifiers within bit 0, known algorithm,
 * datalen == count * digest size) and its digests, covering the buffer
 * exactly.  Returns the number of digests or -1.
 */
static int64_t model_list(const uint8_t *d, size_t size)
{
	uint64_t total = 0, len;
	size_t off = 0;

	if (!size)
		return -1;
	while (off < size) {
		uint32_t type, mods, algo, count, datalen;

		if (size - off < HDR_LEN)
			return -1;
		type = get_le(d + off + 2, 2);
		mods = get_le(d + off + 4, 2);
		algo = get_le(d + off + 6, 2);
		count = get_le(d + off + 8, 4);
		datalen = get_le(d + off + 12, 4);
		if (d[off] != 1 || d[off + 1] || type >= COMPACT_DIGEST_LIST ||
		    mods & ~1U || algo >= HASH_ALGO__LAST ||
		    !hash_digest_size[algo])
			return -1;
		/* 64-bit product: no overflow to mask a mismatch. */
		len = (uint64_t)count * hash_digest_size[algo];
		if (len != datalen || len > size - off - HDR_LEN)
			return -1;
		off += HDR_LEN + len;
		total += count;
	}
	return total;
}

static void fuzz_parse_list(const uint8_t *data, size_t size)
{
	const int64_t want = model_list(data, size);
	size_t nr = 0xdeadbeef, off = 0;
	int ret;

	ret = diglim_parse_list(data, size, &nr);
	expect(ret == 0 || ret == -EINVAL);
	expect((ret == 0) == (want >= 0));
	if (ret)
		return;
	expect(nr == (uint64_t)want);
	/* What the rest of DIGLIM relies on: the block walk ends exactly. */
	while (off < size)
		off = diglim_block_next(data, off);
	expect(off == size);
}

static void fuzz_strip_sig(const uint8_t *data, size_t size)
{
	size_t len = size;
	uint32_t sig_len;
	int ret;

	ret = diglim_strip_appended_sig(data, &len);
	if (size < SIG_MAGIC_LEN ||
	    memcmp(data + size - SIG_MAGIC_LEN, SIG_MAGIC, SIG_MAGIC_LEN)) {
		/* No trailer: nothing to cut. */
		expect(ret == 0 && len == size);
		return;
	}
	if (size < SIG_MAGIC_LEN + SIG_DESC_LEN) {
		expect(ret == -EINVAL && len == size);
		return;
	}
	sig_len = (uint32_t)data[size - SIG_MAGIC_LEN - 4] << 24 |
		  data[size - SIG_MAGIC_LEN - 3] << 16 |
		  data[size - SIG_MAGIC_LEN - 2] << 8 |
		  data[size - SIG_MAGIC_LEN - 1];
	if ((uint64_t)sig_len + SIG_MAGIC_LEN + SIG_DESC_LEN > size) {
		expect(ret == -EINVAL && len == size);
		return;
	}
	expect(ret == 0);
	expect(len == size - SIG_MAGIC_LEN - SIG_DESC_LEN - sig_len);
	/* What is left is parsed as a list: it must be readable whole. */
	if (len) {
		size_t nr;

		diglim_parse_list(data, len, &nr);
	}
}

static void fuzz_parse_label(const uint8_t *data, size_t size)
{
	size_t len = size, i;
	int ret, want;

	if (len && data[len - 1] == '\n')
		len--;
	want = len && len <= 255 ? (int)len : -EINVAL;
	for (i = 0; i < len && want > 0; i++) {
		/* Printable ASCII, no space, no slash. */
		if (data[i] <= ' ' || data[i] >= 0x7f || data[i] == '/')
			want = -EINVAL;
	}
	ret = diglim_parse_label((const char *)data, size);
	expect(ret == want);
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The model of a query: "<algo>-<hex>", the longest algorithm name followed
 * by '-', exactly 2 * digest size hex digits, then optionally "\n", "\0" or
 * "\n\0".  No algorithm name with a '-' somewhere: -ENOENT.
 */
static int model_query(const uint8_t *d, size_t len, int *algo, uint8_t *out)
{
	size_t best = 0, n, i;
	int a, found = -1;

	if (len && d[len - 1] == '\0')
		len--;
	if (len && d[len - 1] == '\n')
		len--;
	for (a = 0; a < HASH_ALGO__LAST; a++) {
		n = strlen(hash_algo_name[a]);
		if (n < len && n > best && d[n] == '-' &&
		    !memcmp(d, hash_algo_name[a], n)) {
			found = a;
			best = n;
		}
	}
	if (found < 0)
		return memchr(d, '-', len) ? -ENOENT : -EINVAL;
	if (len - best - 1 != 2 * (size_t)hash_digest_size[found])
		return -EINVAL;
	for (i = 0; i < (size_t)hash_digest_size[found]; i++) {
		const int hi = hexval(d[best + 1 + 2 * i]);
		const int lo = hexval(d[best + 2 + 2 * i]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = hi << 4 | lo;
	}
	*algo = found;
	return 0;
}

static void fuzz_parse_query(const uint8_t *data, size_t size)
{
	uint8_t digest[HASH_MAX_DIGESTSIZE], want_digest[HASH_MAX_DIGESTSIZE];
	enum hash_algo algo = HASH_ALGO__LAST;
	int ret, want, want_algo = -1;

	want = model_query(data, size, &want_algo, want_digest);
	ret = diglim_parse_query((const char *)data, size, &algo, digest);
	expect(ret == want);
	if (ret)
		return;
	expect((int)algo == want_algo);
	expect(!memcmp(digest, want_digest, hash_digest_size[algo]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	switch (FUZZ_TARGET) {
	case FUZZ_PARSE_LIST:
		fuzz_parse_list(data, size);
		break;
	case FUZZ_STRIP_SIG:
		fuzz_strip_sig(data, size);
		break;
	case FUZZ_PARSE_LABEL:
		fuzz_parse_label(data, size);
		break;
	case FUZZ_PARSE_QUERY:
		fuzz_parse_query(data, size);
		break;
	}
	return 0;
}
