// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Interface and input validation tests
 *
 * Every user-visible error of the securityfs interface is checked here, each
 * time together with the absence of side effects: digests_count and the
 * digest_lists_loaded listing must be byte-identical before and after.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/vfs.h>

#include "common.h"

FIXTURE(base)
{
	char dir[sizeof(TMP_TEMPLATE)];
	struct dbuf baseline;
};

FIXTURE_SETUP(base)
{
	if (!setup_test_dir(_metadata, self->dir, &self->baseline))
		return;
	detect_list_algo(_metadata);
}

FIXTURE_TEARDOWN(base)
{
	drop_lists(_metadata, &self->baseline);
	rm_tree(self->dir);
	dbuf_free(&self->baseline);
}

/* Logs which request failed: the path, or the first header. */
static void describe(struct __test_metadata *const _metadata, const enum ops op,
		     const void *const buf, const size_t len)
{
	char hex[2 * sizeof(struct compact_list_hdr) + 1];
	const char *const what = op == DIGEST_LIST_ADD ? "add" : "del";

	if (len && *(const char *)buf == '/') {
		TH_LOG("%s of path %.*s", what, (int)len, (const char *)buf);
		return;
	}
	bin2hex(hex, buf, len < sizeof(hex) / 2 ? len : sizeof(hex) / 2);
	TH_LOG("%s of %zu bytes starting with %s", what, len, hex);
}

/* Asserts that an upload fails with @err and leaves no trace. */
static void assert_upload_err(struct __test_metadata *const _metadata,
			      const enum ops op, const void *const buf,
			      const size_t len, const int err)
{
	struct diglim_state before = {};

	ASSERT_EQ(0, state_get(&before));
	ASSERT_EQ(err, diglim_upload(op, buf, len))
	{
		describe(_metadata, op, buf, len);
	}
	assert_state_same(_metadata, &before);
	state_free(&before);
}

/* Asserts that both add and del of a raw buffer fail with @err. */
static void assert_list_err(struct __test_metadata *const _metadata,
			    const void *const buf, const size_t len,
			    const int err)
{
	assert_upload_err(_metadata, DIGEST_LIST_ADD, buf, len, err);
	assert_upload_err(_metadata, DIGEST_LIST_DEL, buf, len, err);
}

/* Asserts that uploading the file at @path fails with @err (add and del). */
static void assert_path_err(struct __test_metadata *const _metadata,
			    const char *const path, const int err)
{
	assert_upload_err(_metadata, DIGEST_LIST_ADD, path, strlen(path), err);
	assert_upload_err(_metadata, DIGEST_LIST_DEL, path, strlen(path), err);
}

/* Asserts that the listing now is @before plus the two entries of @name. */
static void assert_added(struct __test_metadata *const _metadata,
			 struct dbuf *const before, const char *const name)
{
	struct dbuf now = {}, added = {}, removed = {}, expected = {};

	ASSERT_EQ(0, names_get(&now));
	names_diff(before, &now, &added);
	names_diff(&now, before, &removed);
	dbuf_printf(&expected, "%s\n%s%s\n", name, name, DIGLIM_ASCII_SUFFIX);
	ASSERT_STREQ(dbuf_str(&expected), dbuf_str(&added));
	ASSERT_STREQ("", dbuf_str(&removed));
	dbuf_free(&now);
	dbuf_free(&added);
	dbuf_free(&removed);
	dbuf_free(&expected);
}

/* Asserts the answer of digest_query for @digest. */
static void assert_answer(struct __test_metadata *const _metadata,
			  const enum hash_algo algo, const __u8 *const digest,
			  const char *const expected)
{
	struct dbuf answer = {};

	ASSERT_EQ(0, query_digest(algo, digest, &answer));
	ASSERT_STREQ(expected, dbuf_str(&answer));
	dbuf_free(&answer);
}

/* Adds @list by buffer with @label (NULL: the default one). */
static void add_labeled(struct __test_metadata *const _metadata,
			const struct dbuf *const list, const char *const label)
{
	ASSERT_EQ(0, label ? set_label(label) : clear_label());
	ASSERT_EQ(0, diglim_add(list->data, list->len));
}

static void del_labeled(struct __test_metadata *const _metadata,
			const struct dbuf *const list, const char *const label)
{
	ASSERT_EQ(0, label ? set_label(label) : clear_label());
	ASSERT_EQ(0, diglim_del(list->data, list->len));
}

static void make_path(char *const path, const char *const dir,
		      const char *const name)
{
	snprintf(path, PATH_MAX, "%s/%s", dir, name);
}

/* A small valid list of three blocks with random digests. */
static void make_list(struct dbuf *const list)
{
	put_random_block(list, COMPACT_PARSER, 0, HASH_ALGO_SHA256, 2);
	put_random_block(list, COMPACT_FILE, 1 << COMPACT_MOD_IMMUTABLE,
			 HASH_ALGO_SHA1, 3);
	put_random_block(list, COMPACT_METADATA, 0, HASH_ALGO_SHA512, 1);
}

TEST_F(base, interface)
{
	static const struct {
		const char *name;
		mode_t mode;
	} files[] = {
		{ "digest_list_add", 0200 },   { "digest_list_del", 0200 },
		{ "digest_list_label", 0200 }, { "digest_query", 0600 },
		{ "digests_count", 0440 },
	};
	char path[PATH_MAX];
	struct statfs sfs;
	struct stat st;
	size_t i;

	ASSERT_EQ(0, statfs(DIGLIM_DIR, &sfs));
	/* SECURITYFS_MAGIC */
	EXPECT_EQ(0x73636673, sfs.f_type);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		make_path(path, DIGLIM_DIR, files[i].name);
		ASSERT_EQ(0, stat(path, &st))
		{
			TH_LOG("%s: %s", path, strerror(errno));
		}
		EXPECT_EQ(S_IFREG | files[i].mode, st.st_mode)
		{
			TH_LOG("%s has mode 0%o", path, st.st_mode);
		}
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_gid);
	}
	ASSERT_EQ(0, stat(DIGLIM_LOADED_DIR, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(0, st.st_uid);
}

TEST_F(base, digests_count_format)
{
	struct diglim_counts counts;
	struct dbuf names = {};
	const char *p;
	size_t lines = 0;

	ASSERT_EQ(0, counts_get(&counts));
	ASSERT_EQ(0, names_get(&names));
	for (p = dbuf_str(&names); *p; p++)
		lines += *p == '\n';
	/* Two entries per loaded list, one list digest per list. */
	EXPECT_EQ(0, lines % 2);
	EXPECT_EQ(lines / 2, counts.nr[COMPACT_DIGEST_LIST]);
	dbuf_free(&names);
}

TEST_F(base, open_for_read_denied)
{
	static const char *const paths[] = {
		DIGLIM_ADD_PATH,
		DIGLIM_DEL_PATH,
		DIGLIM_LABEL_PATH,
	};
	struct diglim_state before = {};
	size_t i;

	ASSERT_EQ(0, state_get(&before));
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		EXPECT_EQ(-EACCES, test_open(paths[i], O_RDONLY))
		{
			TH_LOG("%s", paths[i]);
		}
		EXPECT_EQ(-EACCES, test_open(paths[i], O_RDWR))
		{
			TH_LOG("%s", paths[i]);
		}
		EXPECT_EQ(0, test_open(paths[i], O_WRONLY));
	}
	EXPECT_EQ(0, test_open(DIGLIM_QUERY_PATH, O_RDWR));
	EXPECT_EQ(0, test_open(DIGLIM_COUNT_PATH, O_RDONLY));
	assert_state_same(_metadata, &before);
	state_free(&before);
}

TEST_F(base, add_del_buffer)
{
	struct dbuf list = {}, names = {}, data = {}, expected = {};
	struct diglim_counts before, after;
	char name[PATH_MAX], path[PATH_MAX];
	__u8 digest[MAX_DIGEST_SIZE];
	struct block blk;
	struct stat st;
	size_t off = 0;
	__u32 i;

	make_list(&list);
	ASSERT_EQ(0,
		  entry_name(name, list.data, list.len, DIGLIM_DEFAULT_LABEL));
	ASSERT_EQ(0, counts_get(&before));
	ASSERT_EQ(0, names_get(&names));

	ASSERT_EQ(0, diglim_add(list.data, list.len));
	assert_added(_metadata, &names, name);
	ASSERT_EQ(0, counts_get(&after));
	EXPECT_EQ(before.nr[COMPACT_PARSER] + 2, after.nr[COMPACT_PARSER]);
	EXPECT_EQ(before.nr[COMPACT_FILE] + 3, after.nr[COMPACT_FILE]);
	EXPECT_EQ(before.nr[COMPACT_METADATA] + 1, after.nr[COMPACT_METADATA]);
	EXPECT_EQ(before.nr[COMPACT_DIGEST_LIST] + 1,
		  after.nr[COMPACT_DIGEST_LIST]);

	/* Both views, read-only for root only. */
	loaded_path(path, name);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(S_IFREG | 0440, st.st_mode);
	strcat(path, DIGLIM_ASCII_SUFFIX);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(S_IFREG | 0440, st.st_mode);
	ASSERT_EQ(0, read_entry(name, false, &data));
	ASSERT_EQ(list.len, data.len);
	EXPECT_EQ(0, memcmp(list.data, data.data, list.len));
	ASSERT_EQ(0, read_entry(name, true, &data));
	ascii_view(list.data, list.len, 0, &expected);
	EXPECT_STREQ(dbuf_str(&expected), dbuf_str(&data));

	/* Every digest is found in its block, and the list itself too. */
	while (next_block(list.data, list.len, &off, &blk) > 0) {
		for (i = 0; i < blk.count; i++) {
			dbuf_reset(&expected);
			query_line(&expected, name, 0, &blk);
			assert_answer(_metadata, blk.algo,
				      blk.digests +
					      i * hash_algos[blk.algo].size,
				      dbuf_str(&expected));
		}
	}
	ASSERT_EQ(0, hash_buf(list_algo, list.data, list.len, digest));
	dbuf_reset(&expected);
	query_list_line(&expected, name, 0, list.len);
	assert_answer(_metadata, list_algo, digest, dbuf_str(&expected));

	/* Deletion restores everything. */
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	ASSERT_EQ(0, names_get(&data));
	EXPECT_STREQ(dbuf_str(&names), dbuf_str(&data));
	ASSERT_EQ(0, counts_get(&after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	assert_answer(_metadata, list_algo, digest, "");
	blk = get_block(&list, 1);
	assert_answer(_metadata, blk.algo, blk.digests, "");
	dbuf_free(&list);
	dbuf_free(&names);
	dbuf_free(&data);
	dbuf_free(&expected);
}

/*
 * The entries of digest_lists_loaded/ are made when looked up: a name that
 * is not exactly one of a loaded list (another label, upper-case hex, a
 * truncated digest, a doubled suffix, an unknown algorithm, a list that is
 * not loaded) does not exist, nothing can be created in the directory, and
 * looking such names up changes nothing.
 */
TEST_F(base, views_lookup_names)
{
	struct dbuf list = {}, other = {}, names = {};
	char name[PATH_MAX], bad[PATH_MAX + 32], path[PATH_MAX];
	struct diglim_state before = {}, after = {};
	const char *dash;
	size_t i, n;
	int fd;

	make_list(&list);
	make_list(&other);
	ASSERT_EQ(0, set_label("views"));
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0, entry_name(name, list.data, list.len, "views"));
	ASSERT_EQ(0, state_get(&before));

	/* The two exact names exist. */
	loaded_path(path, name);
	EXPECT_EQ(0, test_open(path, O_RDONLY));
	strcat(path, DIGLIM_ASCII_SUFFIX);
	EXPECT_EQ(0, test_open(path, O_RDONLY));

	/* Another label, and the label with a suffix too many or too few. */
	n = strrchr(name, '-') - name;
	snprintf(bad, sizeof(bad), "%.*s-viewz", (int)n, name);
	loaded_path(path, bad);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));
	snprintf(bad, sizeof(bad), "%s%s%s", name, DIGLIM_ASCII_SUFFIX,
		 DIGLIM_ASCII_SUFFIX);
	loaded_path(path, bad);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));
	snprintf(bad, sizeof(bad), "%s.ascii.", name);
	loaded_path(path, bad);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));
	snprintf(bad, sizeof(bad), "%.*s", (int)n, name);
	loaded_path(path, bad);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));

	/* The digest in upper case, or one hex digit short. */
	dash = strchr(name + strlen(hash_algos[list_algo].name) + 1, '-');
	ASSERT_NE(NULL, dash);
	snprintf(bad, sizeof(bad), "%s", name);
	for (i = strlen(hash_algos[list_algo].name) + 1;
	     i < (size_t)(dash - name); i++)
		bad[i] = toupper(bad[i]);
	if (strcmp(bad, name)) {
		loaded_path(path, bad);
		EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));
	}
	snprintf(bad, sizeof(bad), "%.*s%s", (int)(dash - name - 1), name,
		 dash);
	loaded_path(path, bad);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));

	/* An unknown algorithm, and a list that is not loaded. */
	snprintf(bad, sizeof(bad), "md6%s",
		 name + strlen(hash_algos[list_algo].name));
	loaded_path(path, bad);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));
	ASSERT_EQ(0, entry_name(bad, other.data, other.len, "views"));
	loaded_path(path, bad);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));

	/* Nothing can be made in the directory. */
	loaded_path(path, "new-file");
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	EXPECT_GT(0, fd);
	if (fd >= 0)
		close(fd);
	EXPECT_NE(0, mkdir(path, 0700));
	loaded_path(path, name);
	EXPECT_NE(0, unlink(path));

	/* None of this changed the store or the listing. */
	ASSERT_EQ(0, state_get(&after));
	EXPECT_STREQ(dbuf_str(&before.names), dbuf_str(&after.names));
	EXPECT_STREQ(dbuf_str(&before.counts), dbuf_str(&after.counts));

	/* Deleted, both names are gone at once, even after a lookup. */
	ASSERT_EQ(0, set_label("views"));
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	loaded_path(path, name);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));
	strcat(path, DIGLIM_ASCII_SUFFIX);
	EXPECT_EQ(-ENOENT, test_open(path, O_RDONLY));
	ASSERT_EQ(0, names_get(&names));
	EXPECT_FALSE(names_has(&names, name));

	state_free(&before);
	state_free(&after);
	dbuf_free(&list);
	dbuf_free(&other);
	dbuf_free(&names);
}

TEST_F(base, empty_block)
{
	/* clang-format off */
	static const char expected[] =
		"actions: 0, version: 1, algo: sha1, type: 1, modifiers: 0, count: 0, datalen: 0\n"
		"actions: 0, version: 1, algo: md5, type: 0, modifiers: 1, count: 0, datalen: 0\n";
	/* clang-format on */
	struct dbuf list = {}, names = {}, data = {};
	struct diglim_counts before, after;
	char name[PATH_MAX];

	/* A block with no digest is valid, and so is a list of such blocks. */
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA1, 0, NULL);
	put_block(&list, COMPACT_PARSER, 1, HASH_ALGO_MD5, 0, NULL);
	ASSERT_EQ(0,
		  entry_name(name, list.data, list.len, DIGLIM_DEFAULT_LABEL));
	ASSERT_EQ(0, counts_get(&before));
	ASSERT_EQ(0, names_get(&names));
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	assert_added(_metadata, &names, name);
	ASSERT_EQ(0, counts_get(&after));
	before.nr[COMPACT_DIGEST_LIST]++;
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	ASSERT_EQ(0, read_entry(name, true, &data));
	EXPECT_STREQ(expected, dbuf_str(&data));
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
	dbuf_free(&names);
	dbuf_free(&data);
}

/* One header field set to @value in an otherwise valid one-block list. */
enum hdr_field { F_VERSION, F_RESERVED, F_TYPE, F_MODIFIERS, F_ALGO };

static void make_bad_hdr(struct dbuf *const list, const enum hdr_field field,
			 const __u32 value)
{
	__u8 digest[32];

	random_bytes(digest, sizeof(digest));
	dbuf_reset(list);
	put_hdr(list, field == F_VERSION ? value : 1,
		field == F_RESERVED ? value : 0,
		field == F_TYPE ? value : COMPACT_FILE,
		field == F_MODIFIERS ? value : 0,
		field == F_ALGO ? value : HASH_ALGO_SHA256, 1, sizeof(digest));
	dbuf_append(list, digest, sizeof(digest));
}

static void assert_bad_field(struct __test_metadata *const _metadata,
			     const enum hdr_field field,
			     const __u32 *const values, const size_t nr)
{
	struct dbuf list = {};
	size_t i;

	for (i = 0; i < nr; i++) {
		make_bad_hdr(&list, field, values[i]);
		ASSERT_FALSE(list_valid(list.data, list.len));
		assert_list_err(_metadata, list.data, list.len, -EINVAL);
	}
	/* The same list with the field restored is accepted. */
	make_bad_hdr(&list, F_ALGO, HASH_ALGO_SHA256);
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
}

TEST_F(base, bad_version)
{
	const __u32 values[] = { 0, 2, 3, 0x7f, 0xff };

	assert_bad_field(_metadata, F_VERSION, values, ARRAY_SIZE(values));
}

TEST_F(base, bad_reserved)
{
	const __u32 values[] = { 1, 0x80, 0xff };

	assert_bad_field(_metadata, F_RESERVED, values, ARRAY_SIZE(values));
}

TEST_F(base, bad_type)
{
	/* COMPACT_DIGEST_LIST is kernel-internal. */
	const __u32 values[] = { COMPACT_DIGEST_LIST, COMPACT__LAST, 5, 0x100,
				 0xffff };

	assert_bad_field(_metadata, F_TYPE, values, ARRAY_SIZE(values));
}

TEST_F(base, bad_modifiers)
{
	const __u32 values[] = { 1 << COMPACT_MOD__LAST,
				 (1 << COMPACT_MOD__LAST) | 1, 0x100, 0x8000,
				 0xffff };

	assert_bad_field(_metadata, F_MODIFIERS, values, ARRAY_SIZE(values));
}

TEST_F(base, bad_algo)
{
	const __u32 values[] = { HASH_ALGO__LAST, HASH_ALGO__LAST + 1, 0x100,
				 0xffff };

	assert_bad_field(_metadata, F_ALGO, values, ARRAY_SIZE(values));
}

TEST_F(base, count_overflow)
{
	/* count * digest size wraps to a small datalen that is present. */
	static const struct {
		enum hash_algo algo;
		__u32 count;
		__u32 datalen;
	} cases[] = {
		/* 32 * (2^27 + 1) = 2^32 + 32 */
		{ HASH_ALGO_SHA256, (1U << 27) + 1, 32 },
		/* 32 * 2^27 = 2^32 */
		{ HASH_ALGO_SHA256, 1U << 27, 0 },
		/* 20 * (2^30 + 1) = 5 * 2^32 + 20 */
		{ HASH_ALGO_SHA1, (1U << 30) + 1, 20 },
		/* 64 * (2^26 + 2) = 2^32 + 128 */
		{ HASH_ALGO_SHA512, (1U << 26) + 2, 128 },
		{ HASH_ALGO_SHA256, UINT32_MAX, UINT32_MAX - 31 },
	};
	struct dbuf list = {};
	__u8 data[128];
	size_t i;

	random_bytes(data, sizeof(data));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		dbuf_reset(&list);
		put_hdr(&list, 1, 0, COMPACT_FILE, 0, cases[i].algo,
			cases[i].count, cases[i].datalen);
		if (cases[i].datalen <= sizeof(data))
			dbuf_append(&list, data, cases[i].datalen);
		ASSERT_FALSE(list_valid(list.data, list.len));
		assert_list_err(_metadata, list.data, list.len, -EINVAL);
	}
	dbuf_free(&list);
}

TEST_F(base, datalen_mismatch)
{
	/* datalen differs from count * size, the data length follows it. */
	static const struct {
		__u32 count;
		__u32 datalen;
	} cases[] = {
		{ 2, 63 }, { 2, 65 }, { 2, 96 }, { 2, 32 }, { 0, 32 }, { 1, 0 },
	};
	struct dbuf list = {};
	__u8 data[96];
	size_t i;

	random_bytes(data, sizeof(data));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		dbuf_reset(&list);
		put_hdr(&list, 1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			cases[i].count, cases[i].datalen);
		dbuf_append(&list, data, cases[i].datalen);
		ASSERT_FALSE(list_valid(list.data, list.len));
		assert_list_err(_metadata, list.data, list.len, -EINVAL);
	}
	dbuf_free(&list);
}

TEST_F(base, datalen_past_end)
{
	static const struct {
		__u32 count;
		__u32 present;
	} cases[] = {
		{ 2, 32 },
		{ 2, 63 },
		{ 1, 0 },
		{ 1000, 64 },
	};
	struct dbuf list = {};
	__u8 data[64];
	size_t i;

	random_bytes(data, sizeof(data));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		dbuf_reset(&list);
		put_hdr(&list, 1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256,
			cases[i].count, cases[i].count * 32);
		dbuf_append(&list, data, cases[i].present);
		ASSERT_FALSE(list_valid(list.data, list.len));
		assert_list_err(_metadata, list.data, list.len, -EINVAL);
	}
	/* Past the end of a second block. */
	dbuf_reset(&list);
	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	put_hdr(&list, 1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256, 2, 64);
	dbuf_append(&list, data, 32);
	assert_list_err(_metadata, list.data, list.len, -EINVAL);
	dbuf_free(&list);
}

TEST_F(base, trailing_bytes)
{
	struct dbuf list = {}, valid = {};
	__u8 junk[15];
	size_t n;

	memset(junk, 1, sizeof(junk));
	put_random_block(&valid, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	for (n = 1; n < sizeof(struct compact_list_hdr); n++) {
		dbuf_reset(&list);
		dbuf_append(&list, valid.data, valid.len);
		/* Looks like the start of a valid header. */
		dbuf_append(&list, valid.data, n);
		ASSERT_FALSE(list_valid(list.data, list.len));
		assert_list_err(_metadata, list.data, list.len, -EINVAL);

		dbuf_reset(&list);
		dbuf_append(&list, valid.data, valid.len);
		dbuf_append(&list, junk, n);
		assert_list_err(_metadata, list.data, list.len, -EINVAL);
	}
	dbuf_free(&list);
	dbuf_free(&valid);
}

TEST_F(base, truncated_header)
{
	struct dbuf valid = {};
	size_t n;

	put_random_block(&valid, COMPACT_FILE, 0, HASH_ALGO_SHA256, 0);
	for (n = 1; n < sizeof(struct compact_list_hdr); n++)
		assert_list_err(_metadata, valid.data, n, -EINVAL);
	dbuf_free(&valid);
}

TEST_F(base, invalid_block_rejects_whole_list)
{
	struct dbuf list = {};
	struct block first;

	/* A valid block then an invalid one: nothing may be added. */
	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 3);
	put_random_block(&list, COMPACT_PARSER, 0, HASH_ALGO_SHA1, 2);
	put_hdr(&list, 1, 0, COMPACT_FILE, 0, HASH_ALGO__LAST, 0, 0);
	assert_list_err(_metadata, list.data, list.len, -EINVAL);
	first = get_block(&list, 0);
	assert_answer(_metadata, first.algo, first.digests, "");
	assert_answer(_metadata, first.algo, first.digests + 64, "");
	dbuf_free(&list);
}

TEST_F(base, not_a_path)
{
	/* Data not starting with '/' is a raw list, however it looks. */
	static const char *const reqs[] = {
		"tmp/list",
		"./list",
		"\n/tmp/list",
		" /tmp/list",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reqs); i++)
		assert_list_err(_metadata, reqs[i], strlen(reqs[i]), -EINVAL);
}

TEST_F(base, empty_write)
{
	struct dbuf list = {};

	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	assert_list_err(_metadata, list.data, 0, -EINVAL);
	dbuf_free(&list);
}

static void assert_pwrite_err(struct __test_metadata *const _metadata,
			      const enum ops op, const void *const buf,
			      const size_t len, const off_t offset)
{
	struct diglim_state before = {};
	int fd;

	ASSERT_EQ(0, state_get(&before));
	fd = open(op_path(op), O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, pwrite(fd, buf, len, offset));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	assert_state_same(_metadata, &before);
	state_free(&before);
}

TEST_F(base, offset_write)
{
	struct dbuf list = {};
	char path[PATH_MAX];

	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	make_path(path, self->dir, "list");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	assert_pwrite_err(_metadata, DIGEST_LIST_ADD, list.data, list.len, 1);
	assert_pwrite_err(_metadata, DIGEST_LIST_ADD, path, strlen(path), 1);
	assert_pwrite_err(_metadata, DIGEST_LIST_ADD, list.data, list.len,
			  4096);

	ASSERT_EQ(0, diglim_add(list.data, list.len));
	assert_pwrite_err(_metadata, DIGEST_LIST_DEL, list.data, list.len, 1);
	assert_pwrite_err(_metadata, DIGEST_LIST_DEL, path, strlen(path), 1);
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
}

TEST_F_TIMEOUT(base, too_big, 120)
{
	const size_t len = DIGLIM_MAX_UPLOAD + 1;
	char path[PATH_MAX];
	__u8 *buf;
	int fd;

	/* Zero pages: the kernel must refuse before copying anything. */
	buf = mmap(NULL, len + 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	ASSERT_NE(MAP_FAILED, buf);
	assert_list_err(_metadata, buf, len, -EFBIG);
	assert_list_err(_metadata, buf, len + 4096, -EFBIG);
	/* The largest upload is parsed: all zero, version 0. */
	assert_upload_err(_metadata, DIGEST_LIST_ADD, buf, len - 1, -EINVAL);
	munmap(buf, len + 4096);

	/* The same limit applies to a list file. */
	make_path(path, self->dir, "big");
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, len));
	close(fd);
	assert_path_err(_metadata, path, -EFBIG);
}

TEST_F(base, eexist)
{
	struct dbuf list = {}, names = {};
	char name[PATH_MAX], path[PATH_MAX];

	make_list(&list);
	ASSERT_EQ(0, entry_name(name, list.data, list.len, "first"));
	ASSERT_EQ(0, names_get(&names));
	add_labeled(_metadata, &list, "first");
	assert_added(_metadata, &names, name);

	/* Same bytes, whatever the label or the way: no stray entry. */
	ASSERT_EQ(0, set_label("second"));
	assert_upload_err(_metadata, DIGEST_LIST_ADD, list.data, list.len,
			  -EEXIST);
	ASSERT_EQ(0, set_label("first"));
	assert_upload_err(_metadata, DIGEST_LIST_ADD, list.data, list.len,
			  -EEXIST);
	ASSERT_EQ(0, clear_label());
	assert_upload_err(_metadata, DIGEST_LIST_ADD, list.data, list.len,
			  -EEXIST);
	make_path(path, self->dir, "third");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	assert_upload_err(_metadata, DIGEST_LIST_ADD, path, strlen(path),
			  -EEXIST);
	make_path(path, self->dir, "first");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	assert_upload_err(_metadata, DIGEST_LIST_ADD, path, strlen(path),
			  -EEXIST);
	assert_added(_metadata, &names, name);

	del_labeled(_metadata, &list, "first");
	dbuf_free(&list);
	dbuf_free(&names);
}

TEST_F(base, del_enoent)
{
	struct dbuf list = {}, other = {};
	char path[PATH_MAX];

	make_list(&list);
	make_list(&other);
	/* Never loaded. */
	assert_upload_err(_metadata, DIGEST_LIST_DEL, list.data, list.len,
			  -ENOENT);
	make_path(path, self->dir, "one");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	assert_upload_err(_metadata, DIGEST_LIST_DEL, path, strlen(path),
			  -ENOENT);

	/* Loaded with another label. */
	add_labeled(_metadata, &list, "one");
	add_labeled(_metadata, &other, NULL);
	ASSERT_EQ(0, set_label("two"));
	assert_upload_err(_metadata, DIGEST_LIST_DEL, list.data, list.len,
			  -ENOENT);
	ASSERT_EQ(0, clear_label());
	assert_upload_err(_metadata, DIGEST_LIST_DEL, list.data, list.len,
			  -ENOENT);
	ASSERT_EQ(0, set_label("one"));
	assert_upload_err(_metadata, DIGEST_LIST_DEL, other.data, other.len,
			  -ENOENT);
	make_path(path, self->dir, "three");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	assert_upload_err(_metadata, DIGEST_LIST_DEL, path, strlen(path),
			  -ENOENT);

	/* The right label works, by buffer or by path. */
	del_labeled(_metadata, &list, "one");
	add_labeled(_metadata, &list, "one");
	make_path(path, self->dir, "one");
	ASSERT_EQ(0, diglim_del_file(path));
	del_labeled(_metadata, &other, NULL);
	dbuf_free(&list);
	dbuf_free(&other);
}

TEST_F(base, label_newline)
{
	struct dbuf list = {}, names = {};
	char name[PATH_MAX];

	make_list(&list);
	ASSERT_EQ(0, entry_name(name, list.data, list.len, "withnl"));
	ASSERT_EQ(0, names_get(&names));
	/* The whole write is consumed, the newline is not part of it. */
	ASSERT_EQ(0, set_label("withnl\n"));
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	assert_added(_metadata, &names, name);
	ASSERT_EQ(0, set_label("withnl\n"));
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
	dbuf_free(&names);
}

TEST_F(base, label_consumed)
{
	struct dbuf a = {}, b = {}, names = {};
	char name[PATH_MAX];

	make_list(&a);
	make_list(&b);
	ASSERT_EQ(0, names_get(&names));

	/* An addition consumes the label. */
	ASSERT_EQ(0, set_label("once"));
	ASSERT_EQ(0, diglim_add(a.data, a.len));
	ASSERT_EQ(0, entry_name(name, a.data, a.len, "once"));
	assert_added(_metadata, &names, name);
	ASSERT_EQ(0, diglim_add(b.data, b.len));
	ASSERT_EQ(0, entry_name(name, b.data, b.len, DIGLIM_DEFAULT_LABEL));
	ASSERT_EQ(0, read_entry(name, false, &names));
	ASSERT_EQ(0, diglim_del(b.data, b.len));

	/* So does a deletion. */
	ASSERT_EQ(0, set_label("once"));
	ASSERT_EQ(0, diglim_del(a.data, a.len));
	ASSERT_EQ(0, diglim_add(a.data, a.len));
	ASSERT_EQ(0, entry_name(name, a.data, a.len, DIGLIM_DEFAULT_LABEL));
	ASSERT_EQ(0, read_entry(name, false, &names));
	ASSERT_EQ(0, diglim_del(a.data, a.len));

	/* The last write wins. */
	ASSERT_EQ(0, set_label("first"));
	ASSERT_EQ(0, set_label("last"));
	ASSERT_EQ(0, diglim_add(a.data, a.len));
	ASSERT_EQ(0, entry_name(name, a.data, a.len, "last"));
	ASSERT_EQ(0, read_entry(name, false, &names));
	del_labeled(_metadata, &a, "last");
	dbuf_free(&a);
	dbuf_free(&b);
	dbuf_free(&names);
}

TEST_F(base, label_invalid)
{
	static const struct {
		const char *label;
		size_t len;
	} bad[] = {
		{ "", 0 },     { "\n", 1 },    { "a b", 3 },   { " a", 2 },
		{ "a/b", 3 },  { "/", 1 },     { "a\tb", 3 },  { "a\x7f", 2 },
		{ "\x80", 1 }, { "\377a", 2 }, { "a\n\n", 3 }, { "a\0b", 3 },
		{ "a\0", 2 },  { "a\r\n", 3 }, { "\na", 2 },
	};
	struct dbuf list = {}, data = {};
	struct diglim_state before = {};
	char name[PATH_MAX], longest[258];
	size_t i;

	make_list(&list);
	ASSERT_EQ(0,
		  entry_name(name, list.data, list.len, DIGLIM_DEFAULT_LABEL));
	memset(longest, 'a', sizeof(longest));
	for (i = 0; i <= ARRAY_SIZE(bad); i++) {
		const char *const label = i < ARRAY_SIZE(bad) ? bad[i].label :
								longest;
		const size_t len = i < ARRAY_SIZE(bad) ? bad[i].len : 256;

		ASSERT_EQ(0, set_label("good"));
		ASSERT_EQ(0, state_get(&before));
		ASSERT_EQ(-EINVAL, sfs_write(DIGLIM_LABEL_PATH, label, len))
		{
			TH_LOG("label %zu accepted", i);
		}
		assert_state_same(_metadata, &before);
		state_free(&before);
		/* The previous label is gone: the default one applies. */
		ASSERT_EQ(0, diglim_add(list.data, list.len));
		ASSERT_EQ(0, read_entry(name, false, &data))
		{
			TH_LOG("label %zu did not clear the stored one", i);
		}
		ASSERT_EQ(0, diglim_del(list.data, list.len));
	}
	/* 256 bytes are too many, even with the last one a newline. */
	longest[255] = '\n';
	EXPECT_EQ(0, sfs_write(DIGLIM_LABEL_PATH, longest, 256));
	longest[256] = '\n';
	EXPECT_EQ(-EINVAL, sfs_write(DIGLIM_LABEL_PATH, longest, 257));
	EXPECT_EQ(0, sfs_write(DIGLIM_LABEL_PATH, longest, 255));
	ASSERT_EQ(0, clear_label());
	dbuf_free(&list);
	dbuf_free(&data);
}

static void make_label(char *const label, const size_t len)
{
	memset(label, 'L', len);
	label[len] = '\0';
}

TEST_F(base, name_too_long)
{
	struct dbuf list = {}, names = {};
	char label[NAME_MAX + 2], name[PATH_MAX], path[PATH_MAX];
	const size_t max = max_label_len();
	struct stat st;

	make_list(&list);
	ASSERT_LT(max + 1, sizeof(label) - 1);

	/* One byte too many for the .ascii entry. */
	make_label(label, max + 1);
	ASSERT_EQ(0, set_label(label));
	assert_upload_err(_metadata, DIGEST_LIST_ADD, list.data, list.len,
			  -ENAMETOOLONG);
	make_path(path, self->dir, label);
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	assert_upload_err(_metadata, DIGEST_LIST_ADD, path, strlen(path),
			  -ENAMETOOLONG);
	/* A valid label still makes a too long name. */
	make_label(label, NAME_MAX);
	ASSERT_EQ(0, set_label(label));
	assert_upload_err(_metadata, DIGEST_LIST_ADD, list.data, list.len,
			  -ENAMETOOLONG);
	ASSERT_EQ(0, unlink(path));

	/* Exactly 255 bytes. */
	make_label(label, max);
	ASSERT_EQ(0, names_get(&names));
	ASSERT_EQ(0, set_label(label));
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0, entry_name(name, list.data, list.len, label));
	ASSERT_EQ(DIGLIM_NAME_MAX, strlen(name) + strlen(DIGLIM_ASCII_SUFFIX));
	assert_added(_metadata, &names, name);
	loaded_path(path, name);
	strcat(path, DIGLIM_ASCII_SUFFIX);
	EXPECT_EQ(0, stat(path, &st));
	del_labeled(_metadata, &list, label);

	make_path(path, self->dir, label);
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	ASSERT_EQ(0, diglim_add_file(path));
	assert_added(_metadata, &names, name);
	ASSERT_EQ(0, diglim_del_file(path));
	dbuf_free(&list);
	dbuf_free(&names);
}

TEST_F(base, query_errors)
{
	static const char hex[] =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00";
	static const struct {
		const char *fmt;
		int hex_len;
		int err;
	} cases[] = {
		{ "md6-%.*s", 32, -ENOENT },
		{ "foo-%.*s", 2, -ENOENT },
		{ "sha-%.*s", 40, -ENOENT },
		{ "sha25-%.*s", 64, -ENOENT },
		{ "-%.*s", 64, -ENOENT },
		{ "sha256-%.*s", 63, -EINVAL },
		{ "sha256-%.*s", 65, -EINVAL },
		{ "sha256-%.*s", 62, -EINVAL },
		{ "sha256-%.*s", 0, -EINVAL },
		{ "sha256-%.*s\n", 0, -EINVAL },
		{ "sha256-%.*szz", 62, -EINVAL },
		{ "sha256-%.*sx", 64, -EINVAL },
		{ "sha256-%.*s ", 64, -EINVAL },
		{ "sha256-%.*s\n\n", 64, -EINVAL },
		{ "sha256-%.*s\nx", 64, -EINVAL },
		{ "sha256--%.*s", 64, -EINVAL },
		{ "sha1-%.*s", 64, -EINVAL },
		{ "sha3-256-%.*s", 63, -EINVAL },
		{ "sha3-512-%.*s", 64, -EINVAL },
	};
	struct diglim_state before = {};
	char req[256];
	size_t i;

	ASSERT_EQ(0, state_get(&before));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(req, sizeof(req), cases[i].fmt, cases[i].hex_len, hex);
		EXPECT_EQ(cases[i].err, query_raw(req, strlen(req), NULL))
		{
			TH_LOG("query \"%s\"", req);
		}
	}
	/* Embedded NUL. */
	snprintf(req, sizeof(req), "sha256-%.64s", hex);
	req[20] = '\0';
	EXPECT_EQ(-EINVAL, query_raw(req, strlen(hex) + 7, NULL));
	assert_state_same(_metadata, &before);
	state_free(&before);
}

TEST_F(base, query_terminators)
{
	static const char *const ends[] = { "", "\n", "", "\n" };
	const size_t extra[] = { 0, 0, 1, 1 };
	struct dbuf list = {}, answer = {}, expected = {};
	char req[256], name[PATH_MAX];
	struct block blk;
	size_t i;

	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0,
		  entry_name(name, list.data, list.len, DIGLIM_DEFAULT_LABEL));
	blk = get_block(&list, 0);
	query_line(&expected, name, 0, &blk);
	for (i = 0; i < ARRAY_SIZE(ends); i++) {
		query_string(req, HASH_ALGO_SHA256, blk.digests);
		strcat(req, ends[i]);
		/* extra counts the terminating NUL, written too. */
		ASSERT_EQ(0, query_raw(req, strlen(req) + extra[i], &answer))
		{
			TH_LOG("terminator %zu", i);
		}
		EXPECT_STREQ(dbuf_str(&expected), dbuf_str(&answer));
	}
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
	dbuf_free(&answer);
	dbuf_free(&expected);
}

TEST_F(base, query_per_open_file)
{
	struct dbuf a = {}, b = {}, answer = {}, expected = {};
	char req[256], name[PATH_MAX];
	struct block blk;
	int fd_a, fd_b;

	put_random_block(&a, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	put_random_block(&b, COMPACT_PARSER, 1, HASH_ALGO_SHA256, 1);
	ASSERT_EQ(0, diglim_add(a.data, a.len));
	ASSERT_EQ(0, diglim_add(b.data, b.len));

	fd_a = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd_a);
	fd_b = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd_b);
	query_string(req, HASH_ALGO_SHA256, get_block(&a, 0).digests);
	ASSERT_EQ(strlen(req), write(fd_a, req, strlen(req)));
	query_string(req, HASH_ALGO_SHA256, get_block(&b, 0).digests);
	ASSERT_EQ(strlen(req), write(fd_b, req, strlen(req)));

	ASSERT_EQ(0, pread_all(fd_a, 0, &answer));
	ASSERT_EQ(0, entry_name(name, a.data, a.len, DIGLIM_DEFAULT_LABEL));
	blk = get_block(&a, 0);
	query_line(&expected, name, 0, &blk);
	EXPECT_STREQ(dbuf_str(&expected), dbuf_str(&answer));

	ASSERT_EQ(0, pread_all(fd_b, 0, &answer));
	ASSERT_EQ(0, entry_name(name, b.data, b.len, DIGLIM_DEFAULT_LABEL));
	blk = get_block(&b, 0);
	dbuf_reset(&expected);
	query_line(&expected, name, 0, &blk);
	EXPECT_STREQ(dbuf_str(&expected), dbuf_str(&answer));

	/* A malformed query clears the stored one, for this file only. */
	EXPECT_EQ(-1, write(fd_b, "sha256-00", 9));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, pread_all(fd_b, 0, &answer));
	EXPECT_STREQ("", dbuf_str(&answer));
	ASSERT_EQ(0, pread_all(fd_a, 0, &answer));
	EXPECT_NE(0, answer.len);

	close(fd_a);
	close(fd_b);
	ASSERT_EQ(0, diglim_del(a.data, a.len));
	ASSERT_EQ(0, diglim_del(b.data, b.len));
	dbuf_free(&a);
	dbuf_free(&b);
	dbuf_free(&answer);
	dbuf_free(&expected);
}

/* The expected answer for the only digest of the single-block list @l. */
static void expect_single(struct __test_metadata *const _metadata,
			  const struct dbuf *const l, struct dbuf *const out)
{
	char name[PATH_MAX];
	struct block blk;

	ASSERT_EQ(0, entry_name(name, l->data, l->len, DIGLIM_DEFAULT_LABEL));
	blk = get_block(l, 0);
	dbuf_reset(out);
	query_line(out, name, 0, &blk);
}

/* Writes the query for the only digest of @l through a file closed at once. */
static int echo_query(const struct dbuf *const l)
{
	char req[32 + 2 * MAX_DIGEST_SIZE];

	query_string(req, HASH_ALGO_SHA256, get_block(l, 0).digests);
	strcat(req, "\n");
	return sfs_write(DIGLIM_QUERY_PATH, req, strlen(req));
}

/*
 * The 2021 way, from a shell: "echo sha256-<hex> > digest_query", then
 * "cat digest_query".  A file that wrote no query answers the last one
 * written through any file, even after its writer closed it, at each read
 * pass; a file that wrote one keeps its own.
 */
TEST_F(base, query_global)
{
	struct dbuf a = {}, b = {}, answer = {}, exp_a = {}, exp_b = {};
	int fd_own, fd_none;

	put_random_block(&a, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	put_random_block(&b, COMPACT_PARSER, 0, HASH_ALGO_SHA256, 1);
	ASSERT_EQ(0, diglim_add(a.data, a.len));
	ASSERT_EQ(0, diglim_add(b.data, b.len));
	expect_single(_metadata, &a, &exp_a);
	expect_single(_metadata, &b, &exp_b);

	ASSERT_EQ(0, echo_query(&a));
	ASSERT_EQ(0, read_file(DIGLIM_QUERY_PATH, &answer));
	EXPECT_STREQ(dbuf_str(&exp_a), dbuf_str(&answer));
	/* Again: the query outlives its writer and is not consumed. */
	ASSERT_EQ(0, read_file(DIGLIM_QUERY_PATH, &answer));
	EXPECT_STREQ(dbuf_str(&exp_a), dbuf_str(&answer));

	fd_none = open(DIGLIM_QUERY_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd_none);
	fd_own = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd_own);
	ASSERT_EQ(0, pread_all(fd_none, 0, &answer));
	EXPECT_STREQ(dbuf_str(&exp_a), dbuf_str(&answer));

	/* A query written on an open file is its own, and the global one. */
	ASSERT_EQ(0, query_digest_fd(fd_own, HASH_ALGO_SHA256,
				     get_block(&b, 0).digests, &answer));
	EXPECT_STREQ(dbuf_str(&exp_b), dbuf_str(&answer));
	ASSERT_EQ(0, pread_all(fd_none, 0, &answer));
	EXPECT_STREQ(dbuf_str(&exp_b), dbuf_str(&answer));

	/* A new global query: fd_own keeps its own answer. */
	ASSERT_EQ(0, echo_query(&a));
	ASSERT_EQ(0, pread_all(fd_own, 0, &answer));
	EXPECT_STREQ(dbuf_str(&exp_b), dbuf_str(&answer));
	ASSERT_EQ(0, pread_all(fd_none, 0, &answer));
	EXPECT_STREQ(dbuf_str(&exp_a), dbuf_str(&answer));

	close(fd_own);
	close(fd_none);
	ASSERT_EQ(0, diglim_del(a.data, a.len));
	ASSERT_EQ(0, diglim_del(b.data, b.len));
	dbuf_free(&a);
	dbuf_free(&b);
	dbuf_free(&answer);
	dbuf_free(&exp_a);
	dbuf_free(&exp_b);
}

/*
 * A malformed query is EINVAL (ENOENT for an unknown algorithm): the file
 * that wrote it answers nothing, the global query is cleared, and nothing
 * else changes.
 */
TEST_F(base, query_malformed_clears)
{
	static const char *const bad[] = {
		"sha256-00", "sha256-zz", "nosuchalgo-00", "sha256",
	};
	static const int err[] = { -EINVAL, -EINVAL, -ENOENT, -EINVAL };
	struct dbuf a = {}, answer = {}, exp_a = {};
	struct diglim_state before = {};
	unsigned int i;
	int fd;

	put_random_block(&a, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1);
	ASSERT_EQ(0, diglim_add(a.data, a.len));
	expect_single(_metadata, &a, &exp_a);
	ASSERT_EQ(0, state_get(&before));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		fd = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, query_digest_fd(fd, HASH_ALGO_SHA256,
					     get_block(&a, 0).digests, &answer));
		EXPECT_STREQ(dbuf_str(&exp_a), dbuf_str(&answer));
		EXPECT_EQ(err[i], query_fd(fd, bad[i], strlen(bad[i]), &answer))
		{
			TH_LOG("query \"%s\"", bad[i]);
		}
		ASSERT_EQ(0, pread_all(fd, 0, &answer));
		EXPECT_STREQ("", dbuf_str(&answer));
		ASSERT_EQ(0, read_file(DIGLIM_QUERY_PATH, &answer));
		EXPECT_STREQ("", dbuf_str(&answer));
		close(fd);
		assert_state_same(_metadata, &before);
	}

	ASSERT_EQ(0, diglim_del(a.data, a.len));
	state_free(&before);
	dbuf_free(&a);
	dbuf_free(&answer);
	dbuf_free(&exp_a);
}

/*
 * Two programs, each writing and reading its queries on one open file at
 * the same time, never see each other's answers.
 */
TEST_F_TIMEOUT(base, query_two_single_file_users, 300)
{
	const unsigned long rounds = scaled(2000);
	struct dbuf lists[2] = {}, expected[2] = {};
	pid_t pids[2];
	int i, status;

	for (i = 0; i < 2; i++) {
		put_random_block(&lists[i], COMPACT_FILE, 0, HASH_ALGO_SHA256,
				 1);
		ASSERT_EQ(0, diglim_add(lists[i].data, lists[i].len));
		expect_single(_metadata, &lists[i], &expected[i]);
	}
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			struct dbuf answer = {};
			unsigned long r;
			int fd = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);

			if (fd < 0)
				_exit(2);
			for (r = 0; r < rounds; r++) {
				if (query_digest_fd(fd, HASH_ALGO_SHA256,
						    get_block(&lists[i], 0).digests,
						    &answer))
					_exit(3);
				if (strcmp(dbuf_str(&answer),
					   dbuf_str(&expected[i])))
					_exit(4);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		{
			TH_LOG("user %d: status 0x%x (4: a foreign answer)", i,
			       status);
		}
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, diglim_del(lists[i].data, lists[i].len));
		dbuf_free(&lists[i]);
		dbuf_free(&expected[i]);
	}
}

TEST_F(base, query_algo_with_dash)
{
	struct dbuf list = {}, expected = {};
	char name[PATH_MAX];
	struct block blk;
	int i;

	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA3_256, 1);
	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA3_384, 1);
	put_random_block(&list, COMPACT_METADATA, 1, HASH_ALGO_SHA3_512, 1);
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0,
		  entry_name(name, list.data, list.len, DIGLIM_DEFAULT_LABEL));
	for (i = 0; i < 3; i++) {
		blk = get_block(&list, i);
		dbuf_reset(&expected);
		query_line(&expected, name, 0, &blk);
		assert_answer(_metadata, blk.algo, blk.digests,
			      dbuf_str(&expected));
	}
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
	dbuf_free(&expected);
}

TEST_F(base, query_order)
{
	struct dbuf a = {}, b = {}, c = {}, expected = {};
	__u8 d[32], x[32], two[64], digest[MAX_DIGEST_SIZE];
	char name_a[PATH_MAX], name_b[PATH_MAX], name_c[PATH_MAX];
	struct block blk;

	random_bytes(d, sizeof(d));
	random_bytes(x, sizeof(x));
	memcpy(two, x, 32);
	memcpy(two + 32, d, 32);
	/* A: FILE {x, d}, METADATA {d}, FILE {d, d} */
	put_block(&a, COMPACT_FILE, 0, HASH_ALGO_SHA256, 2, two);
	put_block(&a, COMPACT_METADATA, 1, HASH_ALGO_SHA256, 1, d);
	memcpy(two, d, 32);
	put_block(&a, COMPACT_FILE, 1, HASH_ALGO_SHA256, 2, two);
	/* The same bytes under another algorithm are another digest. */
	put_block(&a, COMPACT_FILE, 0, HASH_ALGO_SM3_256, 1, d);
	/* B: PARSER {d} */
	put_block(&b, COMPACT_PARSER, 0, HASH_ALGO_SHA256, 1, d);

	add_labeled(_metadata, &a, "qa");
	add_labeled(_metadata, &b, "qb");
	ASSERT_EQ(0, entry_name(name_a, a.data, a.len, "qa"));
	ASSERT_EQ(0, entry_name(name_b, b.data, b.len, "qb"));

	/* Type order first, insertion order within a type. */
	blk = get_block(&b, 0);
	query_line(&expected, name_b, 0, &blk);
	blk = get_block(&a, 0);
	query_line(&expected, name_a, 0, &blk);
	blk = get_block(&a, 2);
	query_line(&expected, name_a, 0, &blk);
	query_line(&expected, name_a, 0, &blk);
	blk = get_block(&a, 1);
	query_line(&expected, name_a, 0, &blk);
	assert_answer(_metadata, HASH_ALGO_SHA256, d, dbuf_str(&expected));

	dbuf_reset(&expected);
	blk = get_block(&a, 3);
	query_line(&expected, name_a, 0, &blk);
	assert_answer(_metadata, HASH_ALGO_SM3_256, d, dbuf_str(&expected));

	ASSERT_EQ(0, hash_buf(list_algo, a.data, a.len, digest));
	dbuf_reset(&expected);
	query_list_line(&expected, name_a, 0, a.len);
	assert_answer(_metadata, list_algo, digest, dbuf_str(&expected));

	/* A list digest in a list: the block comes first, then the list. */
	put_block(&c, COMPACT_FILE, 0, list_algo, 1, digest);
	add_labeled(_metadata, &c, "qc");
	ASSERT_EQ(0, entry_name(name_c, c.data, c.len, "qc"));
	dbuf_reset(&expected);
	blk = get_block(&c, 0);
	query_line(&expected, name_c, 0, &blk);
	query_list_line(&expected, name_a, 0, a.len);
	assert_answer(_metadata, list_algo, digest, dbuf_str(&expected));
	del_labeled(_metadata, &c, "qc");

	/* Occurrences go away with their list only. */
	del_labeled(_metadata, &a, "qa");
	dbuf_reset(&expected);
	blk = get_block(&b, 0);
	query_line(&expected, name_b, 0, &blk);
	assert_answer(_metadata, HASH_ALGO_SHA256, d, dbuf_str(&expected));
	assert_answer(_metadata, HASH_ALGO_SHA256, x, "");
	assert_answer(_metadata, HASH_ALGO_SM3_256, d, "");
	assert_answer(_metadata, list_algo, digest, "");
	del_labeled(_metadata, &b, "qb");
	assert_answer(_metadata, HASH_ALGO_SHA256, d, "");
	dbuf_free(&a);
	dbuf_free(&b);
	dbuf_free(&c);
	dbuf_free(&expected);
}

TEST_F(base, path_add_del)
{
	char path[PATH_MAX], req[PATH_MAX + 1], name[PATH_MAX];
	struct dbuf list = {}, names = {}, data = {};
	struct diglim_state before = {};
	int err;

	make_list(&list);
	make_path(path, self->dir, "vendor-list.v1");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	ASSERT_EQ(0, entry_name(name, list.data, list.len, "vendor-list.v1"));
	ASSERT_EQ(0, names_get(&names));

	ASSERT_EQ(0, diglim_add_file(path));
	assert_added(_metadata, &names, name);
	ASSERT_EQ(0, read_entry(name, false, &data));
	ASSERT_EQ(list.len, data.len);
	EXPECT_EQ(0, memcmp(list.data, data.data, list.len));
	ASSERT_EQ(0, diglim_del_file(path));
	ASSERT_EQ(0, names_get(&data));
	EXPECT_STREQ(dbuf_str(&names), dbuf_str(&data));

	/* "echo /path > digest_list_add": one newline is stripped. */
	snprintf(req, sizeof(req), "%s\n", path);
	ASSERT_EQ(0, diglim_upload_file(DIGEST_LIST_ADD, req));
	assert_added(_metadata, &names, name);
	ASSERT_EQ(0, diglim_upload_file(DIGEST_LIST_DEL, req));
	/*
	 * Only one: the other is part of the name, so no such file (or a
	 * label that digest_list_label would refuse).
	 */
	strcat(req, "\n");
	ASSERT_EQ(0, state_get(&before));
	err = diglim_upload_file(DIGEST_LIST_ADD, req);
	EXPECT_TRUE(err == -ENOENT || err == -EINVAL)
	{
		TH_LOG("%s", strerror(-err));
	}
	assert_state_same(_metadata, &before);
	state_free(&before);

	/* A path upload and a buffer upload with its label are the same. */
	ASSERT_EQ(0, diglim_add_file(path));
	del_labeled(_metadata, &list, "vendor-list.v1");
	add_labeled(_metadata, &list, "vendor-list.v1");
	ASSERT_EQ(0, diglim_del_file(path));
	dbuf_free(&list);
	dbuf_free(&names);
	dbuf_free(&data);
}

TEST_F(base, path_errors)
{
	char path[PATH_MAX], target[PATH_MAX], *longest;
	struct dbuf list = {};

	make_list(&list);
	make_path(path, self->dir, "missing");
	assert_path_err(_metadata, path, -ENOENT);

	make_path(target, self->dir, "loop2");
	make_path(path, self->dir, "loop1");
	ASSERT_EQ(0, symlink(target, path));
	ASSERT_EQ(0, symlink(path, target));
	assert_path_err(_metadata, path, -ELOOP);

	make_path(target, self->dir, "missing");
	make_path(path, self->dir, "dangling");
	ASSERT_EQ(0, symlink(target, path));
	assert_path_err(_metadata, path, -ENOENT);

	make_path(path, self->dir, "file");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	strcat(path, "/list");
	assert_path_err(_metadata, path, -ENOTDIR);

	/* Shorter than its size, as most sysfs files. */
	assert_path_err(_metadata, "/sys/kernel/uevent_seqnum", -EIO);

	longest = xrealloc(NULL, PATH_MAX + 2);
	memset(longest, 'a', PATH_MAX + 1);
	longest[0] = '/';
	longest[PATH_MAX + 1] = '\0';
	assert_path_err(_metadata, longest, -ENAMETOOLONG);
	free(longest);
	dbuf_free(&list);
}

TEST_F(base, path_not_regular)
{
	char path[PATH_MAX];
	int fd;

	assert_path_err(_metadata, self->dir, -EINVAL);
	assert_path_err(_metadata, "/dev/null", -EINVAL);
	/* Regular files of size 0 in /proc. */
	assert_path_err(_metadata, "/proc/self/status", -EINVAL);
	assert_path_err(_metadata, "/proc/self/stat", -EINVAL);
	make_path(path, self->dir, "empty");
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	assert_path_err(_metadata, path, -EINVAL);
}

TEST_F(base, path_fifo)
{
	struct diglim_state before = {};
	char path[PATH_MAX];
	int status, i, fd;
	pid_t pid;

	make_path(path, self->dir, "fifo");
	ASSERT_EQ(0, mkfifo(path, 0600));
	ASSERT_EQ(0, state_get(&before));
	pid = fork();
	ASSERT_LE(0, pid);
	/* The exit status carries the positive errno. */
	if (pid == 0)
		_exit(-diglim_add_file(path));

	/* Opening a FIFO must not wait for a writer. */
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(100000);
	}
	if (i == 100) {
		fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
	}
	EXPECT_LT(i, 100)
	{
		TH_LOG("upload of a FIFO blocked");
	}
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EINVAL, WEXITSTATUS(status));
	assert_state_same(_metadata, &before);
	state_free(&before);
}

TEST_F(base, path_etxtbsy)
{
	struct dbuf list = {};
	char path[PATH_MAX];
	int fd;

	make_list(&list);
	make_path(path, self->dir, "busy");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	assert_upload_err(_metadata, DIGEST_LIST_ADD, path, strlen(path),
			  -ETXTBSY);
	close(fd);
	ASSERT_EQ(0, diglim_add_file(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	assert_upload_err(_metadata, DIGEST_LIST_DEL, path, strlen(path),
			  -ETXTBSY);
	close(fd);
	ASSERT_EQ(0, diglim_del_file(path));
	dbuf_free(&list);
}

TEST_F(base, path_writer_credentials)
{
	struct diglim_state before = {};
	struct dbuf list = {};
	char path[PATH_MAX];
	int status;
	pid_t pid;

	/* The file is opened with the credentials of the writer. */
	make_list(&list);
	make_path(path, self->dir, "secret");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	ASSERT_EQ(0, chown(path, 65534, 65534));
	ASSERT_EQ(0, chmod(path, 0));
	ASSERT_EQ(0, state_get(&before));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		EXPECT_EQ(0, drop_cap(CAP_DAC_OVERRIDE));
		EXPECT_EQ(0, drop_cap(CAP_DAC_READ_SEARCH));
		EXPECT_EQ(-EACCES, diglim_add_file(path));
		_exit(_metadata->exit_code);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	assert_state_same(_metadata, &before);
	state_free(&before);
	dbuf_free(&list);
}

TEST_F(base, signature_stripped)
{
	const __u32 sig_lens[] = { 0, 1, 566 };
	struct dbuf list = {}, file = {}, names = {}, data = {};
	char path[PATH_MAX], name[PATH_MAX];
	size_t i;

	make_list(&list);
	ASSERT_EQ(0, entry_name(name, list.data, list.len, "signed"));
	ASSERT_EQ(0, names_get(&names));
	make_path(path, self->dir, "signed");
	for (i = 0; i < ARRAY_SIZE(sig_lens); i++) {
		dbuf_reset(&file);
		dbuf_append(&file, list.data, list.len);
		put_sig_trailer(&file, sig_lens[i], sig_lens[i]);
		ASSERT_EQ(0, write_file(path, file.data, file.len));
		ASSERT_EQ(0, diglim_add_file(path));
		/* Same identity and content as the unsigned list. */
		assert_added(_metadata, &names, name);
		ASSERT_EQ(0, read_entry(name, false, &data));
		ASSERT_EQ(list.len, data.len);
		EXPECT_EQ(0, memcmp(list.data, data.data, list.len));
		/* Raw buffers are never stripped. */
		ASSERT_EQ(0, set_label("signed"));
		assert_upload_err(_metadata, DIGEST_LIST_DEL, file.data,
				  file.len, -EINVAL);
		if (i % 2)
			del_labeled(_metadata, &list, "signed");
		else
			ASSERT_EQ(0, diglim_del_file(path));
	}
	assert_list_err(_metadata, file.data, file.len, -EINVAL);
	dbuf_free(&list);
	dbuf_free(&file);
	dbuf_free(&names);
	dbuf_free(&data);
}

TEST_F(base, signature_too_long)
{
	struct dbuf list = {}, file = {};
	char path[PATH_MAX];
	__u32 claims[] = { 1, 100, UINT32_MAX - 39, UINT32_MAX - 20,
			   UINT32_MAX };
	size_t i;

	make_list(&list);
	claims[0] += list.len;
	claims[1] += list.len;
	make_path(path, self->dir, "badsig");
	for (i = 0; i < ARRAY_SIZE(claims); i++) {
		dbuf_reset(&file);
		dbuf_append(&file, list.data, list.len);
		/* The claimed signature starts before the file. */
		put_sig_trailer(&file, 0, claims[i]);
		ASSERT_EQ(0, write_file(path, file.data, file.len));
		assert_path_err(_metadata, path, -EINVAL);
	}
	dbuf_free(&list);
	dbuf_free(&file);
}

TEST_F(base, unprivileged)
{
	char entry[PATH_MAX], name[PATH_MAX];
	struct diglim_state before = {};
	struct dbuf list = {};
	int status;
	pid_t pid;

	make_list(&list);
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0,
		  entry_name(name, list.data, list.len, DIGLIM_DEFAULT_LABEL));
	loaded_path(entry, name);
	ASSERT_EQ(0, state_get(&before));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		EXPECT_EQ(0, become_nobody());
		EXPECT_EQ(-EACCES, test_open(DIGLIM_ADD_PATH, O_WRONLY));
		EXPECT_EQ(-EACCES, test_open(DIGLIM_DEL_PATH, O_WRONLY));
		EXPECT_EQ(-EACCES, test_open(DIGLIM_LABEL_PATH, O_WRONLY));
		EXPECT_EQ(-EACCES, test_open(DIGLIM_QUERY_PATH, O_RDWR));
		EXPECT_EQ(-EACCES, test_open(DIGLIM_QUERY_PATH, O_RDONLY));
		EXPECT_EQ(-EACCES, test_open(DIGLIM_COUNT_PATH, O_RDONLY));
		EXPECT_EQ(-EACCES, test_open(entry, O_RDONLY));
		strcat(entry, DIGLIM_ASCII_SUFFIX);
		EXPECT_EQ(-EACCES, test_open(entry, O_RDONLY));
		_exit(_metadata->exit_code);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	assert_state_same(_metadata, &before);
	state_free(&before);
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
}

/* Every write needs CAP_SYS_ADMIN; runs @child_setup in a child first. */
static void assert_writes_eperm(struct __test_metadata *const _metadata,
				const char *const dir, int (*child_setup)(void))
{
	struct dbuf loaded = {}, other = {};
	struct diglim_state before = {};
	char path[PATH_MAX];
	struct block blk;
	int status, err;
	pid_t pid;

	make_list(&loaded);
	make_list(&other);
	make_path(path, dir, "other");
	ASSERT_EQ(0, write_file(path, other.data, other.len));
	ASSERT_EQ(0, diglim_add(loaded.data, loaded.len));
	blk = get_block(&loaded, 0);
	ASSERT_EQ(0, state_get(&before));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		err = child_setup();
		if (err == -EINVAL || err == -EPERM || err == -ENOSPC)
			_exit(KSFT_SKIP);
		EXPECT_EQ(0, err);
		EXPECT_EQ(-EPERM, diglim_add(other.data, other.len));
		EXPECT_EQ(-EPERM, diglim_add_file(path));
		EXPECT_EQ(-EPERM, diglim_del(loaded.data, loaded.len));
		EXPECT_EQ(-EPERM, diglim_del_file(path));
		EXPECT_EQ(-EPERM, set_label("label"));
		EXPECT_EQ(-EPERM, query_digest(blk.algo, blk.digests, NULL));
		_exit(_metadata->exit_code);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == KSFT_SKIP)
		SKIP(goto out, "cannot set up the unprivileged child");
	ASSERT_EQ(0, WEXITSTATUS(status));
	assert_state_same(_metadata, &before);
out:
	state_free(&before);
	ASSERT_EQ(0, diglim_del(loaded.data, loaded.len));
	dbuf_free(&loaded);
	dbuf_free(&other);
}

static int drop_sys_admin(void)
{
	return drop_cap(CAP_SYS_ADMIN);
}

static int enter_user_ns(void)
{
	return unshare(CLONE_NEWUSER) ? -errno : 0;
}

TEST_F(base, no_cap_sys_admin)
{
	/* Still uid 0 and owner of the files: open works, write does not. */
	assert_writes_eperm(_metadata, self->dir, drop_sys_admin);
}

TEST_F(base, user_namespace_root)
{
	/* CAP_SYS_ADMIN in a user namespace is not enough. */
	assert_writes_eperm(_metadata, self->dir, enter_user_ns);
}

TEST_HARNESS_MAIN
