// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - KUnit tests of the digest index and of list addition/deletion
 *
 * Every test works on a private store without securityfs entries and
 * without IMA measurements, so the global store is never touched.
 */

#include "diglim.h"

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/fault-inject.h>
#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#define MEASURED BIT(COMPACT_ACTION_IMA_MEASURED)
#define APPRAISED BIT(COMPACT_ACTION_IMA_APPRAISED)
#define IMMUTABLE BIT(COMPACT_MOD_IMMUTABLE)

/**
 * struct tblock - A block of a test list.
 * @type: Type of the block.
 * @modifiers: Modifiers of the block.
 * @algo: Algorithm of the block.
 * @nr: Number of digests.
 * @seeds: Digest i is hash_digest_size[@algo] bytes of value @seeds[i].
 */
struct tblock {
	u16 type;
	u16 modifiers;
	u16 algo;
	u8 nr;
	u8 seeds[4];
};

/**
 * struct tlist - A test list.
 * @data: List bytes (test-managed memory).
 * @size: Length of @data.
 */
struct tlist {
	void *data;
	size_t size;
};

static struct tlist build(struct kunit *test, const struct tblock *blocks,
			  unsigned int nr_blocks)
{
	struct tlist list = {};
	unsigned int i, j;
	u8 *p;

	for (i = 0; i < nr_blocks; i++)
		list.size += sizeof(struct compact_list_hdr) +
			     blocks[i].nr * hash_digest_size[blocks[i].algo];

	list.data = kunit_kzalloc(test, list.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, list.data);

	p = list.data;
	for (i = 0; i < nr_blocks; i++) {
		const int size = hash_digest_size[blocks[i].algo];
		struct compact_list_hdr *hdr = (void *)p;

		hdr->version = 1;
		hdr->type = cpu_to_le16(blocks[i].type);
		hdr->modifiers = cpu_to_le16(blocks[i].modifiers);
		hdr->algo = cpu_to_le16(blocks[i].algo);
		hdr->count = cpu_to_le32(blocks[i].nr);
		hdr->datalen = cpu_to_le32(blocks[i].nr * size);
		p += sizeof(*hdr);
		for (j = 0; j < blocks[i].nr; j++, p += size)
			memset(p, blocks[i].seeds[j], size);
	}

	return list;
}

#define BUILD(test, ...)                                              \
	build(test, (const struct tblock[]){ __VA_ARGS__ },           \
	      ARRAY_SIZE(((const struct tblock[]){ __VA_ARGS__ })))

#define FILE256(...)                                                   \
	{ .type = COMPACT_FILE, .algo = HASH_ALGO_SHA256,              \
	  .nr = ARRAY_SIZE(((u8[]){ __VA_ARGS__ })), .seeds = { __VA_ARGS__ } }

#ifdef CONFIG_FAULT_INJECTION
static void set_fail_nth(unsigned int n)
{
	current->fail_nth = n;
}

static void restore_verbose(void *old)
{
	diglim_fault_attr()->verbose = (unsigned long)old;
}

/* One line per injected fault instead of a stack dump (not a splat). */
static void quiet_faults(struct kunit *test)
{
	struct fault_attr *attr = diglim_fault_attr();

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_verbose,
							(void *)attr->verbose),
			0);
	attr->verbose = min(attr->verbose, 1UL);
}
#else /* CONFIG_FAULT_INJECTION */
static void set_fail_nth(unsigned int n)
{
}

static void quiet_faults(struct kunit *test)
{
}
#endif /* CONFIG_FAULT_INJECTION */

static int upload_nth(struct kunit *test, enum ops op, const struct tlist *l,
		      const char *label, u8 actions, unsigned int fail_nth)
{
	struct diglim_request req = {
		.op = op,
		.size = l->size,
		.label = label,
		.actions = actions,
	};
	int err;

	req.data = kvmemdup(l->data, l->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req.data);

	set_fail_nth(fail_nth);
	err = diglim_upload(test->priv, &req);
	set_fail_nth(0);
	return err;
}

static int add(struct kunit *test, const struct tlist *l, const char *label,
	       u8 actions)
{
	return upload_nth(test, DIGEST_LIST_ADD, l, label, actions, 0);
}

static int del(struct kunit *test, const struct tlist *l, const char *label,
	       u8 actions)
{
	return upload_nth(test, DIGEST_LIST_DEL, l, label, actions, 0);
}

static int get_info_algo(struct kunit *test, u8 seed, enum hash_algo algo,
			 enum compact_types type, u16 *mods, u8 *actions)
{
	struct diglim_digest_info info;
	u8 digest[HASH_MAX_DIGESTSIZE];
	int ret;

	memset(digest, seed, sizeof(digest));
	ret = diglim_store_lookup(test->priv, digest, algo, type, &info);
	if (!ret && mods)
		*mods = info.modifiers;
	if (!ret && actions)
		*actions = info.actions;
	return ret;
}

static int get_info(struct kunit *test, u8 seed, enum compact_types type)
{
	return get_info_algo(test, seed, HASH_ALGO_SHA256, type, NULL, NULL);
}

static void list_digest(struct kunit *test, const struct tlist *l, u8 *digest)
{
	memset(digest, 0, HASH_MAX_DIGESTSIZE);
	KUNIT_ASSERT_EQ(test, diglim_calc_list_digest(l->data, l->size,
						      diglim_list_hash_algo(),
						      digest, DIGEST_LIST_ADD),
			0);
}

static int get_list_info(struct kunit *test, const struct tlist *l,
			 u8 *actions)
{
	struct diglim_digest_info info;
	u8 digest[HASH_MAX_DIGESTSIZE];
	int ret;

	list_digest(test, l, digest);
	ret = diglim_store_lookup(test->priv, digest, diglim_list_hash_algo(),
				  COMPACT_DIGEST_LIST, &info);
	if (!ret && actions)
		*actions = info.actions;
	return ret;
}

/* Number of live occurrences; labels of the first ones, newest first. */
static unsigned int occurrences(struct kunit *test, u8 seed,
				enum compact_types type, const char **labels,
				unsigned int max)
{
	const struct diglim_entry *found[8];
	u8 digest[HASH_MAX_DIGESTSIZE];
	unsigned int n, i;

	memset(digest, seed, sizeof(digest));
	max = min(max, ARRAY_SIZE(found));
	rcu_read_lock();
	n = diglim_htable_collect(test->priv, type, HASH_ALGO_SHA256, digest,
				  found, max);
	for (i = 0; i < min(n, max); i++)
		labels[i] = found[i]->list->label;
	rcu_read_unlock();

	return n;
}

static unsigned long count(struct kunit *test, enum compact_types type)
{
	return diglim_store_count(test->priv, type);
}

static size_t nr_lists(struct kunit *test)
{
	struct diglim_store *store = test->priv;

	return list_count_nodes(&store->lists);
}

static int diglim_store_test_init(struct kunit *test)
{
	struct diglim_store *store;

	store = kunit_kzalloc(test, sizeof(*store), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, store);
	KUNIT_ASSERT_EQ(test, diglim_store_init(store, NULL), 0);
	test->priv = store;
	return 0;
}

static void diglim_store_test_exit(struct kunit *test)
{
	diglim_store_destroy(test->priv);
}

/* Index */

static void diglim_htable_add_delete_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1, 2));
	u16 mods = 0xffff;
	u8 actions = 0xff;

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);

	KUNIT_EXPECT_EQ(test, get_info_algo(test, 1, HASH_ALGO_SHA256,
					    COMPACT_FILE, &mods, &actions), 0);
	KUNIT_EXPECT_EQ(test, mods, 0);
	KUNIT_EXPECT_EQ(test, actions, 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 2, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), -ENOENT);
	/* The key is (type, algorithm, digest). */
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_PARSER), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_METADATA), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info_algo(test, 1, HASH_ALGO_SHA3_256,
					    COMPACT_FILE, NULL, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &a, NULL), 0);
	/* Invalid arguments find nothing. */
	KUNIT_EXPECT_EQ(test, get_info_algo(test, 1, HASH_ALGO__LAST,
					    COMPACT_FILE, NULL, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT__LAST), -ENOENT);

	KUNIT_EXPECT_EQ(test, count(test, COMPACT_PARSER), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 2);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_METADATA), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 1);

	KUNIT_ASSERT_EQ(test, del(test, &a, "a", 0), 0);

	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 2, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &a, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 0);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 0);
}

static void diglim_htable_duplicates_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1, 1, 2));
	const struct tlist b = BUILD(test, FILE256(1, 3),
				     { .type = COMPACT_PARSER,
				       .algo = HASH_ALGO_SHA256, .nr = 1,
				       .seeds = { 1 } });
	const char *labels[4];

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 2);
	KUNIT_EXPECT_EQ(test, occurrences(test, 1, COMPACT_FILE, labels, 4), 2);

	KUNIT_ASSERT_EQ(test, add(test, &b, "b", 0), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_PARSER), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 3);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 2);
	KUNIT_EXPECT_EQ(test, occurrences(test, 1, COMPACT_FILE, labels, 4), 3);
	KUNIT_EXPECT_EQ(test, occurrences(test, 1, COMPACT_PARSER, labels, 4),
			1);

	/* Still found through b once a is gone. */
	KUNIT_ASSERT_EQ(test, del(test, &a, "a", 0), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 2, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 2);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 1);
	KUNIT_EXPECT_EQ(test, occurrences(test, 1, COMPACT_FILE, labels, 4), 1);
	KUNIT_EXPECT_STREQ(test, labels[0], "b");

	KUNIT_ASSERT_EQ(test, del(test, &b, "b", 0), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_PARSER), -ENOENT);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_PARSER), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 0);
}

static void diglim_htable_order_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(7, 1));
	const struct tlist b = BUILD(test, FILE256(7, 2));
	const struct tlist c = BUILD(test, FILE256(7, 3));
	const char *labels[4];

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);
	KUNIT_ASSERT_EQ(test, add(test, &b, "b", 0), 0);
	KUNIT_ASSERT_EQ(test, add(test, &c, "c", 0), 0);

	/* Newest first: digest_query prints them backwards. */
	KUNIT_ASSERT_EQ(test, occurrences(test, 7, COMPACT_FILE, labels, 4), 3);
	KUNIT_EXPECT_STREQ(test, labels[0], "c");
	KUNIT_EXPECT_STREQ(test, labels[1], "b");
	KUNIT_EXPECT_STREQ(test, labels[2], "a");

	/* A short array still gets the total. */
	KUNIT_EXPECT_EQ(test, occurrences(test, 7, COMPACT_FILE, labels, 1), 3);
	KUNIT_EXPECT_STREQ(test, labels[0], "c");

	KUNIT_ASSERT_EQ(test, del(test, &b, "b", 0), 0);
	KUNIT_ASSERT_EQ(test, occurrences(test, 7, COMPACT_FILE, labels, 4), 2);
	KUNIT_EXPECT_STREQ(test, labels[0], "c");
	KUNIT_EXPECT_STREQ(test, labels[1], "a");
}

static void diglim_htable_info_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, { .type = COMPACT_FILE,
					     .modifiers = IMMUTABLE,
					     .algo = HASH_ALGO_SHA256,
					     .nr = 1, .seeds = { 5 } });
	const struct tlist b = BUILD(test, FILE256(5, 6));
	u16 mods;
	u8 actions;

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", MEASURED), 0);
	KUNIT_ASSERT_EQ(test, add(test, &b, "b", APPRAISED), 0);

	/* OR over every occurrence. */
	KUNIT_EXPECT_EQ(test, get_info_algo(test, 5, HASH_ALGO_SHA256,
					    COMPACT_FILE, &mods, &actions), 0);
	KUNIT_EXPECT_EQ(test, mods, IMMUTABLE);
	KUNIT_EXPECT_EQ(test, actions, MEASURED | APPRAISED);
	KUNIT_EXPECT_EQ(test, get_info_algo(test, 6, HASH_ALGO_SHA256,
					    COMPACT_FILE, &mods, &actions), 0);
	KUNIT_EXPECT_EQ(test, mods, 0);
	KUNIT_EXPECT_EQ(test, actions, APPRAISED);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &a, &actions), 0);
	KUNIT_EXPECT_EQ(test, actions, MEASURED);

	KUNIT_ASSERT_EQ(test, del(test, &a, "a", MEASURED), 0);
	KUNIT_EXPECT_EQ(test, get_info_algo(test, 5, HASH_ALGO_SHA256,
					    COMPACT_FILE, &mods, &actions), 0);
	KUNIT_EXPECT_EQ(test, mods, 0);
	KUNIT_EXPECT_EQ(test, actions, APPRAISED);
}

static struct kunit_case diglim_htable_cases[] = {
	KUNIT_CASE(diglim_htable_add_delete_test),
	KUNIT_CASE(diglim_htable_duplicates_test),
	KUNIT_CASE(diglim_htable_order_test),
	KUNIT_CASE(diglim_htable_info_test),
	{}
};

static struct kunit_suite diglim_htable_suite = {
	.name = "diglim_htable",
	.init = diglim_store_test_init,
	.exit = diglim_store_test_exit,
	.test_cases = diglim_htable_cases,
};

/* Lists */

static void diglim_list_exists_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1));

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);
	KUNIT_EXPECT_EQ(test, add(test, &a, "a", 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, add(test, &a, "other", MEASURED), -EEXIST);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 1);
	KUNIT_EXPECT_EQ(test, occurrences(test, 1, COMPACT_FILE, NULL, 0), 1);
}

static void diglim_list_del_errors_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1));

	KUNIT_EXPECT_EQ(test, del(test, &a, "a", 0), -ENOENT);

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", MEASURED), 0);
	KUNIT_EXPECT_EQ(test, del(test, &a, "b", MEASURED), -ENOENT);
	/* A measured addition cannot be undone by an unmeasured deletion. */
	KUNIT_EXPECT_EQ(test, del(test, &a, "a", 0), -EPERM);
	KUNIT_EXPECT_EQ(test, del(test, &a, "a", APPRAISED), -EPERM);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 1);

	KUNIT_EXPECT_EQ(test, del(test, &a, "a", MEASURED | APPRAISED), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, del(test, &a, "a", MEASURED), -ENOENT);
}

static void diglim_list_invalid_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1));
	struct compact_list_hdr *hdr = a.data;

	hdr->version = 2;
	KUNIT_EXPECT_EQ(test, add(test, &a, "a", 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, del(test, &a, "a", 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 0);
}

static void diglim_list_name_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1));
	const enum hash_algo algo = diglim_list_hash_algo();
	size_t max;
	char *label;

	/* "<algo>-<hex>-<label>.ascii" must fit in NAME_MAX. */
	max = NAME_MAX - strlen(hash_algo_name[algo]) - 1 -
	      2 * hash_digest_size[algo] - 1 - strlen(DIGLIM_ASCII_SUFFIX);
	label = kunit_kzalloc(test, max + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, label);
	memset(label, 'x', max + 1);

	KUNIT_EXPECT_EQ(test, add(test, &a, label, 0), -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 0);

	label[max] = '\0';
	KUNIT_EXPECT_EQ(test, add(test, &a, label, 0), 0);
	KUNIT_EXPECT_EQ(test, del(test, &a, label, 0), 0);
}

static void diglim_list_label_test(struct kunit *test)
{
	struct diglim_store *store = test->priv;
	const struct tlist a = BUILD(test, FILE256(1));
	const struct tlist b = BUILD(test, FILE256(2));
	const char *labels[1];

	/* A buffer upload takes the label and consumes it on success. */
	KUNIT_ASSERT_EQ(test, diglim_set_label(store, "pkgs\n", 5), 0);
	KUNIT_EXPECT_STREQ(test, store->label, "pkgs");
	KUNIT_ASSERT_EQ(test, add(test, &a, NULL, 0), 0);
	KUNIT_EXPECT_NULL(test, store->label);
	KUNIT_ASSERT_EQ(test, occurrences(test, 1, COMPACT_FILE, labels, 1), 1);
	KUNIT_EXPECT_STREQ(test, labels[0], "pkgs");

	/* A failed upload leaves it. */
	KUNIT_ASSERT_EQ(test, diglim_set_label(store, "x", 1), 0);
	KUNIT_EXPECT_EQ(test, add(test, &a, NULL, 0), -EEXIST);
	KUNIT_EXPECT_STREQ(test, store->label, "x");

	/* Each write replaces it; an invalid one clears it. */
	KUNIT_ASSERT_EQ(test, diglim_set_label(store, "pkgs", 4), 0);
	KUNIT_EXPECT_STREQ(test, store->label, "pkgs");
	KUNIT_EXPECT_EQ(test, diglim_set_label(store, "a b", 3), -EINVAL);
	KUNIT_EXPECT_NULL(test, store->label);

	/* Without a label: "parser". */
	KUNIT_ASSERT_EQ(test, add(test, &b, NULL, 0), 0);
	KUNIT_ASSERT_EQ(test, occurrences(test, 2, COMPACT_FILE, labels, 1), 1);
	KUNIT_EXPECT_STREQ(test, labels[0], DIGLIM_DEFAULT_LABEL);
	KUNIT_EXPECT_EQ(test, del(test, &b, "parser", 0), 0);

	/* Deletion of a buffer upload needs the same label. */
	KUNIT_EXPECT_EQ(test, del(test, &a, NULL, 0), -ENOENT);
	KUNIT_ASSERT_EQ(test, diglim_set_label(store, "pkgs", 4), 0);
	KUNIT_EXPECT_EQ(test, del(test, &a, NULL, 0), 0);
	KUNIT_EXPECT_NULL(test, store->label);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 0);
}

/**
 * struct state - What an upload may change in a store.
 * @counts: Distinct digests per type.
 * @nr_lists: Number of loaded lists.
 * @occurrences: Occurrences of digest 1 in FILE.
 */
struct state {
	unsigned long counts[COMPACT__LAST];
	size_t nr_lists;
	unsigned int occurrences;
};

static void get_state(struct kunit *test, struct state *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < COMPACT__LAST; i++)
		s->counts[i] = count(test, i);
	s->nr_lists = nr_lists(test);
	s->occurrences = occurrences(test, 1, COMPACT_FILE, NULL, 0);
}

static void diglim_list_rollback_test(struct kunit *test)
{
	const struct tlist b = BUILD(test, FILE256(1, 2),
				     { .type = COMPACT_PARSER,
				       .algo = HASH_ALGO_SHA256, .nr = 1,
				       .seeds = { 9 } });
	const struct tlist a = BUILD(test, FILE256(1, 3, 3),
				     { .type = COMPACT_METADATA,
				       .algo = HASH_ALGO_SHA256, .nr = 1,
				       .seeds = { 4 } });
	/* Hash transform, list, name, entries, 4 digests + list digest. */
	const unsigned int nr_points = 1 + 3 + 4 + 1;
	struct state before, now;
	unsigned int n;
	u8 actions;
	int err;

	if (!IS_ENABLED(CONFIG_FAULT_INJECTION))
		kunit_skip(test, "requires CONFIG_FAULT_INJECTION");
	quiet_faults(test);

	KUNIT_ASSERT_EQ(test, add(test, &b, "b", APPRAISED), 0);
	get_state(test, &before);

	for (n = 1; n < 100; n++) {
		err = upload_nth(test, DIGEST_LIST_ADD, &a, "a", MEASURED, n);
		if (!err)
			break;

		KUNIT_EXPECT_EQ_MSG(test, err, -ENOMEM, "fault %u", n);
		get_state(test, &now);
		KUNIT_EXPECT_MEMEQ_MSG(test, &now, &before, sizeof(now),
				       "fault %u", n);
		KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), -ENOENT);
		KUNIT_EXPECT_EQ(test, get_info(test, 4, COMPACT_METADATA),
				-ENOENT);
		KUNIT_EXPECT_EQ(test, get_list_info(test, &a, NULL), -ENOENT);
		KUNIT_EXPECT_EQ(test, get_info_algo(test, 1, HASH_ALGO_SHA256,
						    COMPACT_FILE, NULL,
						    &actions), 0);
		KUNIT_EXPECT_EQ(test, actions, APPRAISED);
	}
	KUNIT_ASSERT_EQ(test, err, 0);

	/*
	 * fail-nth counts the calls of every fault attribute of the task:
	 * with failslab or fail_page_alloc, atomic allocations count too.
	 */
	if (IS_ENABLED(CONFIG_FAILSLAB) || IS_ENABLED(CONFIG_FAIL_PAGE_ALLOC))
		KUNIT_EXPECT_GE(test, n - 1, nr_points);
	else
		KUNIT_EXPECT_EQ(test, n - 1, nr_points);

	KUNIT_EXPECT_EQ(test, count(test, COMPACT_PARSER), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 3);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_METADATA), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 2);
	KUNIT_EXPECT_EQ(test, occurrences(test, 1, COMPACT_FILE, NULL, 0), 2);

	/* fail_diglim guards additions only: a deletion goes through. */
	err = upload_nth(test, DIGEST_LIST_DEL, &a, "a", MEASURED, 1);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &a, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 2);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_METADATA), 0);
}

static struct kunit_case diglim_list_cases[] = {
	KUNIT_CASE(diglim_list_exists_test),
	KUNIT_CASE(diglim_list_del_errors_test),
	KUNIT_CASE(diglim_list_invalid_test),
	KUNIT_CASE(diglim_list_name_test),
	KUNIT_CASE(diglim_list_label_test),
	KUNIT_CASE(diglim_list_rollback_test),
	{}
};

static struct kunit_suite diglim_list_suite = {
	.name = "diglim_list",
	.init = diglim_store_test_init,
	.exit = diglim_store_test_exit,
	.test_cases = diglim_list_cases,
};

kunit_test_suites(&diglim_htable_suite, &diglim_list_suite);
