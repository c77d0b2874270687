// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - KUnit tests of the digest index and of list addition/deletion
 *
 * Every test works on a private store (req.record is false: no IMA record,
 * no IMA event name), so the global store is never touched.  The tests are
 * the only writers of their store: a list they found stays valid, and its
 * hits (&struct diglim_hit) too, until they delete it.
 */

#include "diglim.h"

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/fault-inject.h>
#include <linux/hex.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/xarray.h>

#define MEASURED BIT(COMPACT_ACTION_IMA_MEASURED)
#define APPRAISED BIT(COMPACT_ACTION_IMA_APPRAISED)
#define IMMUTABLE BIT(COMPACT_MOD_IMMUTABLE)

#define HDR_SIZE sizeof(struct compact_list_hdr)

/**
 * struct tblock - A block of a test list, with digests made of one byte.
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
 * struct gblock - A block of a test list, with generated digests.
 * @type: Type of the block.
 * @modifiers: Modifiers of the block.
 * @algo: Algorithm of the block.
 * @first: Digest i is digest number @first + i of make_digest().
 * @nr: Number of digests.
 * @repeat: Every digest is number @first.
 * @same_tag: The digests have the same first four bytes, and thus the same
 *            tag in the index.
 */
struct gblock {
	u16 type;
	u16 modifiers;
	u16 algo;
	u32 first;
	u32 nr;
	bool repeat;
	bool same_tag;
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

static void *put_hdr(void *p, u16 type, u16 modifiers, u16 algo, u32 nr)
{
	struct compact_list_hdr *hdr = p;

	hdr->version = 1;
	hdr->type = cpu_to_le16(type);
	hdr->modifiers = cpu_to_le16(modifiers);
	hdr->algo = cpu_to_le16(algo);
	hdr->count = cpu_to_le32(nr);
	hdr->datalen = cpu_to_le32(nr * hash_digest_size[algo]);
	return p + sizeof(*hdr);
}

static struct tlist build(struct kunit *test, const struct tblock *blocks,
			  unsigned int nr_blocks)
{
	struct tlist list = {};
	unsigned int i, j;
	u8 *p;

	for (i = 0; i < nr_blocks; i++)
		list.size += HDR_SIZE +
			     blocks[i].nr * hash_digest_size[blocks[i].algo];

	list.data = kunit_kzalloc(test, list.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, list.data);

	p = list.data;
	for (i = 0; i < nr_blocks; i++) {
		const int size = hash_digest_size[blocks[i].algo];

		p = put_hdr(p, blocks[i].type, blocks[i].modifiers,
			    blocks[i].algo, blocks[i].nr);
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

/*
 * Digest number @n: 0x5a bytes, with @n (little-endian) in the first four
 * bytes (distinct tags for n < 2^19) or, if @same_tag, in the last four.
 */
static void make_digest(u8 *digest, size_t size, u32 n, bool same_tag)
{
	memset(digest, 0x5a, size);
	put_unaligned_le32(n, digest + (same_tag ? size - 4 : 0));
}

/* A list of one block of generated digests. */
static struct tlist generate(struct kunit *test, const struct gblock *block)
{
	const size_t size = hash_digest_size[block->algo];
	struct tlist list;
	u32 i;
	u8 *p;

	list.size = HDR_SIZE + block->nr * size;
	list.data = kunit_kzalloc(test, list.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, list.data);

	p = put_hdr(list.data, block->type, block->modifiers, block->algo,
		    block->nr);
	for (i = 0; i < block->nr; i++, p += size)
		make_digest(p, size, block->first + (block->repeat ? 0 : i),
			    block->same_tag);

	return list;
}

#ifdef CONFIG_FAULT_INJECTION
static void set_fail_nth(unsigned int n)
{
	current->fail_nth = n;
}

/* Clears fail-nth.  Return: what was left of it (0 if it fired). */
static unsigned int take_fail_nth(void)
{
	unsigned int left = current->fail_nth;

	current->fail_nth = 0;
	return left;
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

/**
 * struct fail_all - What fail_everything() changed.
 * @probability: Old probability of fail_diglim.
 * @interval: Old interval of fail_diglim.
 * @times: Old times of fail_diglim.
 * @space: Old space of fail_diglim.
 * @task_filter: Old task filter of fail_diglim.
 * @make_it_fail: Old make-it-fail of the test task.
 */
struct fail_all {
	unsigned long probability;
	unsigned long interval;
	int times;
	int space;
	bool task_filter;
	int make_it_fail;
};

static void restore_faults(void *arg)
{
	struct fail_all *old = arg;
	struct fault_attr *attr = diglim_fault_attr();

	/* The reverse order: other tasks never see the filter off. */
	attr->probability = old->probability;
	attr->interval = old->interval;
	atomic_set(&attr->times, old->times);
	atomic_set(&attr->space, old->space);
	attr->task_filter = old->task_filter;
	current->make_it_fail = old->make_it_fail;
}

/*
 * Makes every fail_diglim fault point of the test task fail, until
 * kunit_release_action(test, restore_faults, return value) or the end of
 * the test.
 */
static void *fail_everything(struct kunit *test)
{
	struct fault_attr *attr = diglim_fault_attr();
	struct fail_all *old;

	old = kunit_kzalloc(test, sizeof(*old), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);
	old->probability = attr->probability;
	old->interval = attr->interval;
	old->times = atomic_read(&attr->times);
	old->space = atomic_read(&attr->space);
	old->task_filter = attr->task_filter;
	old->make_it_fail = current->make_it_fail;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_faults,
							old),
			0);

	/* Only this task: the filter first, the probability last. */
	current->make_it_fail = 1;
	attr->task_filter = true;
	atomic_set(&attr->space, 0);
	atomic_set(&attr->times, -1);
	attr->interval = 1;
	attr->probability = 100;
	return old;
}
#else /* CONFIG_FAULT_INJECTION */
static void set_fail_nth(unsigned int n)
{
}

static unsigned int take_fail_nth(void)
{
	return 0;
}

static void quiet_faults(struct kunit *test)
{
}

static void restore_faults(void *arg)
{
}

static void *fail_everything(struct kunit *test)
{
	return NULL;
}
#endif /* CONFIG_FAULT_INJECTION */

/*
 * Uploads @l with the @fail_nth-th fault point of the task failing (none if
 * 0).  *@reached, if not NULL, tells whether that point was reached.
 */
static int upload_nth(struct kunit *test, enum ops op, const struct tlist *l,
		      const char *label, u8 actions, unsigned int fail_nth,
		      bool *reached)
{
	struct diglim_request req = {
		.op = op,
		.size = l->size,
		.label = label,
		.actions = actions,
		.record = false,
	};
	unsigned int left;
	int err;

	req.data = diglim_data_alloc(l->size);
	KUNIT_ASSERT_NOT_NULL(test, req.data);
	memcpy(req.data, l->data, l->size);

	set_fail_nth(fail_nth);
	err = diglim_upload(test->priv, &req);
	left = take_fail_nth();
	if (reached)
		*reached = fail_nth && !left;
	return err;
}

static int add(struct kunit *test, const struct tlist *l, const char *label,
	       u8 actions)
{
	return upload_nth(test, DIGEST_LIST_ADD, l, label, actions, 0, NULL);
}

static int del(struct kunit *test, const struct tlist *l, const char *label,
	       u8 actions)
{
	return upload_nth(test, DIGEST_LIST_DEL, l, label, actions, 0, NULL);
}

/* diglim_store_lookup() with @info cleared first. */
static int lookup(struct kunit *test, const u8 *digest, enum hash_algo algo,
		  enum compact_types type, struct diglim_digest_info *info)
{
	memset(info, 0, sizeof(*info));
	return diglim_store_lookup(test->priv, digest, algo, type, info);
}

static int lookup_seed(struct kunit *test, u8 seed, enum hash_algo algo,
		       enum compact_types type,
		       struct diglim_digest_info *info)
{
	u8 digest[HASH_MAX_DIGESTSIZE];

	memset(digest, seed, sizeof(digest));
	return lookup(test, digest, algo, type, info);
}

static int get_info(struct kunit *test, u8 seed, enum compact_types type)
{
	struct diglim_digest_info info;

	return lookup_seed(test, seed, HASH_ALGO_SHA256, type, &info);
}

/* The digest of @l, as diglim_upload() computes it (no fault point). */
static void list_digest(struct kunit *test, const struct tlist *l, u8 *digest)
{
	memset(digest, 0, HASH_MAX_DIGESTSIZE);
	KUNIT_ASSERT_EQ(test, diglim_calc_list_digest(l->data, l->size,
						      diglim_list_hash_algo(),
						      digest, DIGEST_LIST_DEL),
			0);
}

static int get_list_info(struct kunit *test, const struct tlist *l,
			 struct diglim_digest_info *info)
{
	u8 digest[HASH_MAX_DIGESTSIZE];

	list_digest(test, l, digest);
	return lookup(test, digest, diglim_list_hash_algo(),
		      COMPACT_DIGEST_LIST, info);
}

/* The list of the store with the digest of @l (live or not), or NULL. */
static const struct diglim_list *find_list(struct kunit *test,
					   const struct tlist *l)
{
	struct diglim_store *store = test->priv;
	u8 digest[HASH_MAX_DIGESTSIZE];
	const struct diglim_list *list;

	list_digest(test, l, digest);
	mutex_lock(&store->lock);
	list = diglim_index_find_list(store, diglim_list_hash_algo(), digest);
	mutex_unlock(&store->lock);
	return list;
}

/* Number of live occurrences of a digest, the first @max in @found. */
static unsigned int collect(struct kunit *test, enum compact_types type,
			    enum hash_algo algo, const u8 *digest,
			    struct diglim_hit *found, unsigned int max)
{
	unsigned int n;

	rcu_read_lock();
	n = diglim_index_collect(test->priv, type, algo, digest, found, max);
	rcu_read_unlock();
	return n;
}

static unsigned int collect_seed(struct kunit *test, u8 seed,
				 enum compact_types type,
				 struct diglim_hit *found, unsigned int max)
{
	u8 digest[HASH_MAX_DIGESTSIZE];

	memset(digest, seed, sizeof(digest));
	return collect(test, type, HASH_ALGO_SHA256, digest, found, max);
}

/*
 * Checks that @hit is an occurrence of @digest in a block of @algo of
 * @list.  Return: its offset in @list, or 0 if it is not.
 */
static u32 hit_off(const struct diglim_hit *hit, const struct diglim_list *list,
		   enum hash_algo algo, const u8 *digest)
{
	const void *hdr = hit->hdr;

	if (hit->list != list || !hdr || hdr < list->data ||
	    hdr + HDR_SIZE > list->data + list->size ||
	    le16_to_cpu(hit->hdr->algo) != algo ||
	    hit->off < hdr - list->data + HDR_SIZE ||
	    hit->off + hash_digest_size[algo] > list->size ||
	    memcmp(list->data + hit->off, digest, hash_digest_size[algo]))
		return 0;

	return hit->off;
}

/*
 * Number of the @n hits of @found that are occurrences of @digest in @list,
 * each at a distinct offset (a hit seen twice counts once).
 */
static unsigned int hits_in(struct kunit *test, const struct diglim_hit *found,
			    unsigned int n, const struct diglim_list *list,
			    enum hash_algo algo, const u8 *digest)
{
	unsigned long *seen;
	unsigned int i, good = 0;

	seen = kunit_kcalloc(test, BITS_TO_LONGS(list->size / 4),
			     sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);

	for (i = 0; i < n; i++) {
		u32 off = hit_off(&found[i], list, algo, digest);

		if (off && !__test_and_set_bit(off / 4, seen))
			good++;
	}

	kunit_kfree(test, seen);
	return good;
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

static void get_stats(struct kunit *test, enum compact_types type,
		      struct diglim_index_stats *stats)
{
	struct diglim_store *store = test->priv;

	mutex_lock(&store->lock);
	diglim_index_stats(store, type, stats);
	mutex_unlock(&store->lock);
}

/*
 * Checks the invariants of the table of @type: it holds one slot per
 * distinct digest, @used of them, is at most 11/20 full (tombstones
 * included) and exists only while it holds something.
 */
static void check_table(struct kunit *test, enum compact_types type,
			unsigned long used, struct diglim_index_stats *stats)
{
	struct diglim_index_stats s;

	get_stats(test, type, &s);
	KUNIT_EXPECT_EQ_MSG(test, s.used, used, "type %d", type);
	KUNIT_EXPECT_EQ_MSG(test, s.used, count(test, type), "type %d", type);
	KUNIT_EXPECT_EQ(test, s.slots, s.buckets * 8);
	KUNIT_EXPECT_EQ(test, !s.slots, !s.used);
	KUNIT_EXPECT_LE(test, (s.used + s.tombstones) * 20, s.slots * 11);
	if (s.slots) {
		KUNIT_EXPECT_GE(test, s.bytes, s.slots * sizeof(u64));
		/* A miss reads its home bucket at least. */
		KUNIT_EXPECT_GE(test, s.miss_lines_x1000, 1000);
	} else {
		KUNIT_EXPECT_EQ(test, s.tombstones, 0);
		KUNIT_EXPECT_EQ(test, s.bytes, 0);
	}

	if (stats)
		*stats = s;
}

static int diglim_store_test_init(struct kunit *test)
{
	struct diglim_store *store;

	store = kunit_kzalloc(test, sizeof(*store), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, store);
	KUNIT_ASSERT_EQ(test, diglim_store_init(store), 0);
	test->priv = store;
	return 0;
}

static void diglim_store_test_exit(struct kunit *test)
{
	diglim_store_destroy(test->priv);
}

/* Index */

static void diglim_index_add_delete_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1, 2));
	struct diglim_digest_info info;

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);

	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, 0);
	KUNIT_EXPECT_EQ(test, info.actions, 0);
	KUNIT_EXPECT_EQ(test, info.measured_pcrs, 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 2, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), -ENOENT);
	/* The key is (type, algorithm, digest). */
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_PARSER), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_METADATA), -ENOENT);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA3_256,
					  COMPACT_FILE, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &a, &info), 0);
	/* Invalid arguments find nothing. */
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO__LAST,
					  COMPACT_FILE, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT__LAST), -ENOENT);
	KUNIT_EXPECT_EQ(test, diglim_store_lookup(test->priv, NULL,
						  HASH_ALGO_SHA256,
						  COMPACT_FILE, &info),
			-ENOENT);

	KUNIT_EXPECT_EQ(test, count(test, COMPACT_PARSER), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 2);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_METADATA), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 1);
	check_table(test, COMPACT_PARSER, 0, NULL);
	check_table(test, COMPACT_FILE, 2, NULL);
	check_table(test, COMPACT_DIGEST_LIST, 1, NULL);

	KUNIT_ASSERT_EQ(test, del(test, &a, "a", 0), 0);

	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 2, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &a, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 0);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 0);
	/* An empty table is freed. */
	check_table(test, COMPACT_FILE, 0, NULL);
	check_table(test, COMPACT_DIGEST_LIST, 0, NULL);
}

static void diglim_index_info_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, { .type = COMPACT_FILE,
					     .modifiers = IMMUTABLE,
					     .algo = HASH_ALGO_SHA256,
					     .nr = 1, .seeds = { 5 } });
	const struct tlist b = BUILD(test, FILE256(5, 6));
	struct diglim_digest_info info;

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", MEASURED), 0);
	KUNIT_ASSERT_EQ(test, add(test, &b, "b", APPRAISED), 0);

	/* OR over every occurrence. */
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 5, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, IMMUTABLE);
	KUNIT_EXPECT_EQ(test, info.actions, MEASURED | APPRAISED);
	KUNIT_EXPECT_NE(test, info.measured_pcrs, 0);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 6, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, 0);
	KUNIT_EXPECT_EQ(test, info.actions, APPRAISED);
	KUNIT_EXPECT_EQ(test, info.measured_pcrs, 0);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &a, &info), 0);
	KUNIT_EXPECT_EQ(test, info.actions, MEASURED);
	KUNIT_EXPECT_EQ(test, info.modifiers, 0);

	KUNIT_ASSERT_EQ(test, del(test, &a, "a", MEASURED), 0);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 5, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, 0);
	KUNIT_EXPECT_EQ(test, info.actions, APPRAISED);
	KUNIT_EXPECT_EQ(test, info.measured_pcrs, 0);
}

/* A digest twice in a list, and in two types of another one. */
static void diglim_index_shared_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1, 1, 2));
	const struct tlist b = BUILD(test, FILE256(1, 3),
				     { .type = COMPACT_PARSER,
				       .algo = HASH_ALGO_SHA256, .nr = 1,
				       .seeds = { 1 } });
	struct diglim_hit found[4];

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 2);
	KUNIT_EXPECT_EQ(test, collect_seed(test, 1, COMPACT_FILE, found, 4), 2);

	KUNIT_ASSERT_EQ(test, add(test, &b, "b", 0), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_PARSER), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 3);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 2);
	KUNIT_EXPECT_EQ(test, collect_seed(test, 1, COMPACT_FILE, found, 4), 3);
	KUNIT_EXPECT_EQ(test, collect_seed(test, 1, COMPACT_PARSER, found, 4),
			1);
	check_table(test, COMPACT_FILE, 3, NULL);
	check_table(test, COMPACT_PARSER, 1, NULL);

	/* Still found through b once a is gone. */
	KUNIT_ASSERT_EQ(test, del(test, &a, "a", 0), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 2, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 2);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 1);
	KUNIT_ASSERT_EQ(test, collect_seed(test, 1, COMPACT_FILE, found, 4), 1);
	KUNIT_EXPECT_STREQ(test, diglim_list_label(found[0].list), "b");
	check_table(test, COMPACT_FILE, 2, NULL);

	KUNIT_ASSERT_EQ(test, del(test, &b, "b", 0), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_PARSER), -ENOENT);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_PARSER), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 0);
	check_table(test, COMPACT_FILE, 0, NULL);
	check_table(test, COMPACT_PARSER, 0, NULL);
}

/* Blocks of several algorithms in one list, with colliding tags. */
static void diglim_index_algos_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1, 2),
				     { .type = COMPACT_FILE,
				       .modifiers = IMMUTABLE,
				       .algo = HASH_ALGO_SHA1, .nr = 2,
				       .seeds = { 1, 3 } },
				     { .type = COMPACT_METADATA,
				       .algo = HASH_ALGO_SHA1, .nr = 1,
				       .seeds = { 1 } },
				     { .type = COMPACT_FILE,
				       .algo = HASH_ALGO_SHA512, .nr = 1,
				       .seeds = { 1 } });
	/* The sha1 digest of seed 1: after the sha256 block and a header. */
	const u32 sha1_off = HDR_SIZE + 2 * SHA256_DIGEST_SIZE + HDR_SIZE;
	struct diglim_digest_info info;
	const struct diglim_list *list;
	struct diglim_hit found[2];
	u8 digest[HASH_MAX_DIGESTSIZE];

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", APPRAISED), 0);

	/* Each digest has the modifiers of its own block. */
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, 0);
	KUNIT_EXPECT_EQ(test, info.actions, APPRAISED);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA1,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, IMMUTABLE);
	KUNIT_EXPECT_EQ(test, info.actions, APPRAISED);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 3, HASH_ALGO_SHA1,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, IMMUTABLE);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA512,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, 0);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA1,
					  COMPACT_METADATA, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, 0);

	/* Same bytes, other algorithm: not found. */
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 2, HASH_ALGO_SHA1,
					  COMPACT_FILE, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 3, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA384,
					  COMPACT_FILE, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA256,
					  COMPACT_METADATA, &info), -ENOENT);

	/* Distinct keys are (algorithm, digest) pairs. */
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 5);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_METADATA), 1);
	check_table(test, COMPACT_FILE, 5, NULL);
	check_table(test, COMPACT_METADATA, 1, NULL);

	/* The hit points at the digest and at the header of its block. */
	list = find_list(test, &a);
	KUNIT_ASSERT_NOT_NULL(test, list);
	memset(digest, 1, sizeof(digest));
	KUNIT_ASSERT_EQ(test, collect(test, COMPACT_FILE, HASH_ALGO_SHA1,
				      digest, found, ARRAY_SIZE(found)), 1);
	KUNIT_EXPECT_EQ(test, hit_off(&found[0], list, HASH_ALGO_SHA1, digest),
			sha1_off);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(found[0].hdr->modifiers), IMMUTABLE);
	KUNIT_ASSERT_EQ(test, collect(test, COMPACT_FILE, HASH_ALGO_SHA256,
				      digest, found, ARRAY_SIZE(found)), 1);
	KUNIT_EXPECT_EQ(test, hit_off(&found[0], list, HASH_ALGO_SHA256,
				      digest), HDR_SIZE);

	KUNIT_ASSERT_EQ(test, del(test, &a, "a", APPRAISED), 0);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA1,
					  COMPACT_FILE, &info), -ENOENT);
	check_table(test, COMPACT_FILE, 0, NULL);
	check_table(test, COMPACT_METADATA, 0, NULL);
}

/* A digest in three lists: collect, and deletion of the middle list. */
static void diglim_index_collect_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(7, 1));
	const struct tlist b = BUILD(test, FILE256(7, 2));
	const struct tlist c = BUILD(test, FILE256(7, 3));
	const struct diglim_list *la, *lb, *lc;
	struct diglim_index_stats stats;
	struct diglim_hit found[4];
	u8 digest[HASH_MAX_DIGESTSIZE];
	unsigned int n;

	memset(digest, 7, sizeof(digest));
	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);
	KUNIT_ASSERT_EQ(test, add(test, &b, "b", 0), 0);
	KUNIT_ASSERT_EQ(test, add(test, &c, "c", 0), 0);
	la = find_list(test, &a);
	lb = find_list(test, &b);
	lc = find_list(test, &c);
	KUNIT_ASSERT_NOT_NULL(test, la);
	KUNIT_ASSERT_NOT_NULL(test, lb);
	KUNIT_ASSERT_NOT_NULL(test, lc);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 4);

	/* In no particular order: each list once. */
	n = collect_seed(test, 7, COMPACT_FILE, found, ARRAY_SIZE(found));
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, hits_in(test, found, n, la, HASH_ALGO_SHA256,
				      digest), 1);
	KUNIT_EXPECT_EQ(test, hits_in(test, found, n, lb, HASH_ALGO_SHA256,
				      digest), 1);
	KUNIT_EXPECT_EQ(test, hits_in(test, found, n, lc, HASH_ALGO_SHA256,
				      digest), 1);
	check_table(test, COMPACT_FILE, 4, &stats);
	KUNIT_EXPECT_EQ(test, stats.dup_nodes, 1);
	KUNIT_EXPECT_EQ(test, stats.dup_occurrences, 3);

	/* A short array still gets the total. */
	n = collect_seed(test, 7, COMPACT_FILE, found, 1);
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, hits_in(test, found, 1, la, HASH_ALGO_SHA256,
				      digest) +
			      hits_in(test, found, 1, lb, HASH_ALGO_SHA256,
				      digest) +
			      hits_in(test, found, 1, lc, HASH_ALGO_SHA256,
				      digest), 1);
	KUNIT_EXPECT_EQ(test, collect_seed(test, 7, COMPACT_FILE, NULL, 0), 3);

	/* The middle one goes: the other two stay. */
	KUNIT_ASSERT_EQ(test, del(test, &b, "b", 0), 0);
	n = collect_seed(test, 7, COMPACT_FILE, found, ARRAY_SIZE(found));
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, hits_in(test, found, n, la, HASH_ALGO_SHA256,
				      digest), 1);
	KUNIT_EXPECT_EQ(test, hits_in(test, found, n, lc, HASH_ALGO_SHA256,
				      digest), 1);
	KUNIT_EXPECT_EQ(test, get_info(test, 2, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 3);
	check_table(test, COMPACT_FILE, 3, &stats);
	KUNIT_EXPECT_EQ(test, stats.dup_nodes, 1);
	KUNIT_EXPECT_EQ(test, stats.dup_occurrences, 2);

	/* One occurrence left: back in its slot, without a node. */
	KUNIT_ASSERT_EQ(test, del(test, &a, "a", 0), 0);
	n = collect_seed(test, 7, COMPACT_FILE, found, ARRAY_SIZE(found));
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, hits_in(test, found, n, lc, HASH_ALGO_SHA256,
				      digest), 1);
	check_table(test, COMPACT_FILE, 2, &stats);
	KUNIT_EXPECT_EQ(test, stats.dup_nodes, 0);
	KUNIT_EXPECT_EQ(test, stats.dup_occurrences, 0);

	KUNIT_ASSERT_EQ(test, del(test, &c, "c", 0), 0);
	KUNIT_EXPECT_EQ(test, collect_seed(test, 7, COMPACT_FILE, NULL, 0), 0);
	check_table(test, COMPACT_FILE, 0, NULL);
}

#define DUPS 1000

/* Checks that the occurrences of @digest are the DUPS of each of @lists. */
static void check_dups(struct kunit *test, const u8 *digest,
		       const struct diglim_list *const *lists,
		       unsigned int nr)
{
	struct diglim_hit *found;
	unsigned int i, n;

	found = kunit_kcalloc(test, 2 * DUPS, sizeof(*found), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, found);

	n = collect(test, COMPACT_FILE, HASH_ALGO_SHA256, digest, found,
		    2 * DUPS);
	KUNIT_ASSERT_EQ(test, n, nr * DUPS);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, hits_in(test, found, n, lists[i],
						  HASH_ALGO_SHA256, digest),
				    DUPS, "list %u", i);

	/* A short array still gets the total. */
	KUNIT_EXPECT_EQ(test, collect(test, COMPACT_FILE, HASH_ALGO_SHA256,
				      digest, found, 1), nr * DUPS);
	kunit_kfree(test, found);
}

/* One digest DUPS times in each of two lists. */
static void diglim_index_duplicates_test(struct kunit *test)
{
	const struct gblock block = {
		.type = COMPACT_FILE, .algo = HASH_ALGO_SHA256,
		.first = 7, .nr = DUPS, .repeat = true,
	};
	struct gblock block_b = block;
	const struct diglim_list *lists[2];
	struct diglim_index_stats stats;
	struct diglim_digest_info info;
	u8 digest[SHA256_DIGEST_SIZE];
	struct tlist a, b;

	/* Other header, other bytes: another list. */
	block_b.modifiers = IMMUTABLE;
	a = generate(test, &block);
	b = generate(test, &block_b);
	make_digest(digest, sizeof(digest), 7, false);

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);
	lists[0] = find_list(test, &a);
	KUNIT_ASSERT_NOT_NULL(test, lists[0]);
	check_dups(test, digest, lists, 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 1);
	check_table(test, COMPACT_FILE, 1, &stats);
	KUNIT_EXPECT_EQ(test, stats.dup_nodes, 1);
	KUNIT_EXPECT_EQ(test, stats.dup_occurrences, DUPS);

	KUNIT_ASSERT_EQ(test, add(test, &b, "b", APPRAISED), 0);
	lists[1] = find_list(test, &b);
	KUNIT_ASSERT_NOT_NULL(test, lists[1]);
	check_dups(test, digest, lists, 2);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 2);
	check_table(test, COMPACT_FILE, 1, &stats);
	KUNIT_EXPECT_EQ(test, stats.dup_nodes, 1);
	KUNIT_EXPECT_EQ(test, stats.dup_occurrences, 2 * DUPS);
	KUNIT_EXPECT_EQ(test, lookup(test, digest, HASH_ALGO_SHA256,
				     COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, IMMUTABLE);
	KUNIT_EXPECT_EQ(test, info.actions, APPRAISED);

	/* The first list goes: all of the second one is left. */
	KUNIT_ASSERT_EQ(test, del(test, &a, "a", 0), 0);
	check_dups(test, digest, &lists[1], 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 1);
	check_table(test, COMPACT_FILE, 1, &stats);
	KUNIT_EXPECT_EQ(test, stats.dup_occurrences, DUPS);

	/* Appending to a node that a deletion just shrank. */
	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);
	lists[0] = find_list(test, &a);
	KUNIT_ASSERT_NOT_NULL(test, lists[0]);
	check_dups(test, digest, lists, 2);
	KUNIT_ASSERT_EQ(test, del(test, &b, "b", APPRAISED), 0);
	check_dups(test, digest, lists, 1);
	KUNIT_EXPECT_EQ(test, lookup(test, digest, HASH_ALGO_SHA256,
				     COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.modifiers, 0);
	KUNIT_EXPECT_EQ(test, info.actions, 0);

	KUNIT_ASSERT_EQ(test, del(test, &a, "a", 0), 0);
	KUNIT_EXPECT_EQ(test, lookup(test, digest, HASH_ALGO_SHA256,
				     COMPACT_FILE, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, collect(test, COMPACT_FILE, HASH_ALGO_SHA256,
				      digest, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 0);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 0);
	check_table(test, COMPACT_FILE, 0, &stats);
	KUNIT_EXPECT_EQ(test, stats.dup_nodes, 0);
}

/**
 * struct mlist - A list of the many-digest test and what it holds.
 * @l: The list.
 * @first: Number (make_digest()) of its first digest.
 * @nr: Number of its digests: @first to @first + @nr - 1.
 * @modifiers: Modifiers of its block.
 * @actions: Actions of its upload.
 * @loaded: Whether it is loaded.
 */
struct mlist {
	struct tlist l;
	u32 first;
	u32 nr;
	u16 modifiers;
	u8 actions;
	bool loaded;
};

/* What the loaded lists of @m say about digest @n.  Return: found. */
static bool many_expect(const struct mlist *m, unsigned int nr, u32 n,
			struct diglim_digest_info *info)
{
	bool found = false;
	unsigned int i;

	memset(info, 0, sizeof(*info));
	for (i = 0; i < nr; i++) {
		if (!m[i].loaded || n - m[i].first >= m[i].nr)
			continue;
		info->modifiers |= m[i].modifiers;
		info->actions |= m[i].actions;
		found = true;
	}

	return found;
}

/* The number of digests below @limit held by a loaded list of @m. */
static unsigned long many_distinct(const struct mlist *m, unsigned int nr,
				   u32 limit)
{
	struct diglim_digest_info info;
	unsigned long distinct = 0;
	u32 n;

	for (n = 0; n < limit; n++)
		distinct += many_expect(m, nr, n, &info);

	return distinct;
}

static unsigned int many_loaded(const struct mlist *m, unsigned int nr)
{
	unsigned int i, loaded = 0;

	for (i = 0; i < nr; i++)
		loaded += m[i].loaded;

	return loaded;
}

/*
 * Looks up every digest below @limit, and a digest with the same tag that
 * no list holds.  Return: the number of wrong answers (*@first_wrong: the
 * first one).
 */
static unsigned int many_check(struct kunit *test, const struct mlist *m,
			       unsigned int nr, u32 limit, u32 *first_wrong)
{
	struct diglim_digest_info info, want;
	u8 digest[SHA256_DIGEST_SIZE];
	unsigned int wrong = 0;
	bool found, bad;
	u32 n;

	for (n = 0; n < limit; n++) {
		found = many_expect(m, nr, n, &want);
		make_digest(digest, sizeof(digest), n, false);
		bad = lookup(test, digest, HASH_ALGO_SHA256, COMPACT_FILE,
			     &info) != (found ? 0 : -ENOENT);
		if (found)
			bad |= info.modifiers != want.modifiers ||
			       info.actions != want.actions ||
			       !info.measured_pcrs != !(want.actions & MEASURED);

		/* Same first bytes, hence same tag: compared in full. */
		digest[sizeof(digest) - 1] ^= 0xff;
		bad |= lookup(test, digest, HASH_ALGO_SHA256, COMPACT_FILE,
			      &info) != -ENOENT;

		if (bad && !wrong++)
			*first_wrong = n;
	}

	return wrong;
}

static void many_add(struct kunit *test, struct mlist *m)
{
	KUNIT_ASSERT_EQ(test, add(test, &m->l, "many", m->actions), 0);
	m->loaded = true;
}

static void many_del(struct kunit *test, struct mlist *m)
{
	KUNIT_ASSERT_EQ(test, del(test, &m->l, "many", m->actions), 0);
	m->loaded = false;
}

#define MANY_LISTS 8
#define MANY_MORE 3
#define MANY_DIGESTS 1024
/* List k holds digests k * MANY_STEP to k * MANY_STEP + MANY_DIGESTS - 1. */
#define MANY_STEP 512

/*
 * Checks the lookups, the counts and the tables of the many-digest test;
 * *@stats: the statistics of the table of files.
 */
static void many_verify(struct kunit *test, const struct mlist *m,
			unsigned int nr, u32 limit,
			struct diglim_index_stats *stats)
{
	unsigned int wrong;
	u32 first_wrong = 0;

	wrong = many_check(test, m, nr, limit, &first_wrong);
	KUNIT_EXPECT_EQ_MSG(test, wrong, 0, "first wrong digest %u",
			    first_wrong);
	check_table(test, COMPACT_FILE, many_distinct(m, nr, limit), stats);
	check_table(test, COMPACT_DIGEST_LIST, many_loaded(m, nr), NULL);
	/* Large tables: a miss reads about 1.1 lines at 11/20 full. */
	if (stats->buckets >= 1024)
		KUNIT_EXPECT_LE(test, stats->miss_lines_x1000, 1300);
}

/*
 * Thousands of digests in lists that overlap: lookups across rebuilds,
 * after deletions (tombstones) and after new additions.
 */
static void diglim_index_many_test(struct kunit *test)
{
	static const unsigned int gone[] = { 1, 2, 5 };
	struct diglim_index_stats stats, before;
	unsigned int k, rebuilds = 0;
	const unsigned int nr = MANY_LISTS + MANY_MORE;
	u32 limit = 0;
	struct mlist *m;
	u64 slots = 0;

	m = kunit_kcalloc(test, nr, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);

	for (k = 0; k < nr; k++) {
		struct gblock block = {
			.type = COMPACT_FILE, .algo = HASH_ALGO_SHA256,
		};

		if (k < MANY_LISTS) {
			m[k].first = k * MANY_STEP;
			m[k].nr = MANY_DIGESTS;
		} else if (k == MANY_LISTS) {
			/* Over the gap that the deletions leave. */
			m[k].first = 2 * MANY_STEP;
			m[k].nr = MANY_DIGESTS;
		} else {
			/* New digests, past the first lists. */
			m[k].first = max(m[k - 1].first + m[k - 1].nr,
					 (MANY_LISTS + 1) * MANY_STEP);
			m[k].nr = MANY_DIGESTS * (k - MANY_LISTS + 1);
		}
		m[k].modifiers = k % 2 ? IMMUTABLE : 0;
		m[k].actions = k % 3 == 0 ? MEASURED :
			       k % 3 == 1 ? APPRAISED : 0;
		limit = max(limit, m[k].first + m[k].nr);

		block.modifiers = m[k].modifiers;
		block.first = m[k].first;
		block.nr = m[k].nr;
		m[k].l = generate(test, &block);
	}
	/* And absent digests above. */
	limit += MANY_STEP;

	for (k = 0; k < MANY_LISTS; k++) {
		many_add(test, &m[k]);
		many_verify(test, m, nr, limit, &stats);
		KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE),
				(k + 2) * MANY_STEP);
		/* Rebuilds only grow the table while nothing is deleted. */
		KUNIT_EXPECT_GE(test, stats.slots, slots);
		rebuilds += stats.slots != slots;
		slots = stats.slots;
	}
	/*
	 * Several rebuilds within the first addition, then at least two more:
	 * 2048, 4096 and 8192 slots with the growth of reserve().
	 */
	KUNIT_EXPECT_GE(test, rebuilds, 3);

	/*
	 * Deletions leave tombstones and never rebuild.  Digests 1024 to
	 * 1535 are only in lists 1 and 2.
	 */
	for (k = 0; k < ARRAY_SIZE(gone); k++) {
		before = stats;
		many_del(test, &m[gone[k]]);
		many_verify(test, m, nr, limit, &stats);
		KUNIT_EXPECT_EQ(test, stats.slots, before.slots);
		KUNIT_EXPECT_EQ(test, stats.used + stats.tombstones,
				before.used + before.tombstones);
	}
	KUNIT_EXPECT_EQ(test, stats.tombstones, MANY_STEP);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE),
			MANY_LISTS * MANY_STEP);

	/* New lists fill the gap and grow the table. */
	for (k = MANY_LISTS; k < nr; k++) {
		many_add(test, &m[k]);
		many_verify(test, m, nr, limit, &stats);
	}
	KUNIT_EXPECT_GT(test, stats.slots, slots);

	/* Deleting everything frees the tables. */
	for (k = 0; k < nr; k++) {
		if (m[k].loaded)
			many_del(test, &m[k]);
	}
	many_verify(test, m, nr, limit, &stats);
	KUNIT_EXPECT_EQ(test, stats.slots, 0);
	get_stats(test, COMPACT_DIGEST_LIST, &stats);
	KUNIT_EXPECT_EQ(test, stats.slots, 0);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 0);
}

#define SAME_TAG 512

/* Digests that all have the same tag are told apart by their bytes. */
static void diglim_index_same_tag_test(struct kunit *test)
{
	const struct gblock block_a = {
		.type = COMPACT_FILE, .algo = HASH_ALGO_SHA256,
		.first = 0, .nr = SAME_TAG, .same_tag = true,
	};
	const struct gblock block_b = {
		.type = COMPACT_FILE, .modifiers = IMMUTABLE,
		.algo = HASH_ALGO_SHA256, .first = SAME_TAG / 2,
		.nr = SAME_TAG, .same_tag = true,
	};
	struct diglim_digest_info info;
	u8 digest[SHA256_DIGEST_SIZE];
	unsigned int wrong = 0;
	struct tlist a, b;
	u32 n;

	a = generate(test, &block_a);
	b = generate(test, &block_b);
	KUNIT_ASSERT_EQ(test, add(test, &a, "a", 0), 0);
	KUNIT_ASSERT_EQ(test, add(test, &b, "b", APPRAISED), 0);
	check_table(test, COMPACT_FILE, SAME_TAG * 3 / 2, NULL);

	for (n = 0; n < SAME_TAG * 2; n++) {
		const bool in_a = n < SAME_TAG;
		const bool in_b = n >= SAME_TAG / 2 && n < SAME_TAG * 3 / 2;
		int err;

		make_digest(digest, sizeof(digest), n, true);
		err = lookup(test, digest, HASH_ALGO_SHA256, COMPACT_FILE,
			     &info);
		if (err != (in_a || in_b ? 0 : -ENOENT) ||
		    info.modifiers != (in_b ? IMMUTABLE : 0) ||
		    info.actions != (in_b ? APPRAISED : 0))
			wrong++;
	}
	KUNIT_EXPECT_EQ(test, wrong, 0);

	KUNIT_ASSERT_EQ(test, del(test, &a, "a", 0), 0);
	check_table(test, COMPACT_FILE, SAME_TAG, NULL);
	make_digest(digest, sizeof(digest), 0, true);
	KUNIT_EXPECT_EQ(test, lookup(test, digest, HASH_ALGO_SHA256,
				     COMPACT_FILE, &info), -ENOENT);
	make_digest(digest, sizeof(digest), SAME_TAG / 2, true);
	KUNIT_EXPECT_EQ(test, lookup(test, digest, HASH_ALGO_SHA256,
				     COMPACT_FILE, &info), 0);
	KUNIT_ASSERT_EQ(test, del(test, &b, "b", APPRAISED), 0);
	check_table(test, COMPACT_FILE, 0, NULL);
}

/*
 * A list object as diglim_upload() makes it before indexing it: in the ids
 * of the store, not indexed, not live.  Test-managed memory.
 */
static struct diglim_list *raw_list(struct kunit *test, const struct tlist *l,
				    const char *label, u8 actions, u8 pcr)
{
	const enum hash_algo algo = diglim_list_hash_algo();
	struct diglim_store *store = test->priv;
	struct diglim_list *list;
	size_t off, nr_blocks = 0;
	u32 *blocks;
	int err;

	for (off = 0; off < l->size; off = diglim_block_next(l->data, off))
		nr_blocks++;

	list = kunit_kzalloc(test, struct_size(list, tail,
					       nr_blocks * sizeof(u32) +
					       hash_digest_size[algo] +
					       strlen(label) + 1),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, list);
	kref_init(&list->ref);
	INIT_LIST_HEAD(&list->node);
	list->algo = algo;
	list->actions = actions;
	list->pcr = pcr;
	list->data = l->data;
	list->size = l->size;
	list->nr_blocks = nr_blocks;
	blocks = (u32 *)list->tail;
	nr_blocks = 0;
	for (off = 0; off < l->size; off = diglim_block_next(l->data, off))
		blocks[nr_blocks++] = off;
	list_digest(test, l, (u8 *)diglim_list_digest(list));
	memcpy((char *)diglim_list_label(list), label, strlen(label) + 1);

	mutex_lock(&store->lock);
	err = xa_alloc_cyclic(&store->ids, &list->id, list,
			      XA_LIMIT(1, DIGLIM_MAX_LISTS), &store->next_id,
			      GFP_KERNEL);
	mutex_unlock(&store->lock);
	KUNIT_ASSERT_GE(test, err, 0);
	return list;
}

/*
 * diglim_index_find_list() finds lists live or being added; lookups only
 * see live ones.  Drives the index directly, as diglim_upload() does.
 */
static void diglim_index_find_list_test(struct kunit *test)
{
	struct diglim_store *store = test->priv;
	const struct tlist a = BUILD(test, FILE256(1, 2));
	const struct tlist b = BUILD(test, FILE256(2, 3));
	unsigned long keys[COMPACT__LAST] = {};
	const struct diglim_list *found;
	struct diglim_digest_info info;
	struct diglim_list *list;
	int err;

	KUNIT_ASSERT_EQ(test, add(test, &a, "a", APPRAISED), 0);
	found = find_list(test, &a);
	KUNIT_ASSERT_NOT_NULL(test, found);
	KUNIT_EXPECT_TRUE(test, diglim_list_live(found));
	KUNIT_EXPECT_STREQ(test, diglim_list_label(found), "a");
	KUNIT_EXPECT_NULL(test, find_list(test, &b));

	/* Being added: indexed, not live. */
	list = raw_list(test, &b, "b", MEASURED, 11);
	mutex_lock(&store->lock);
	err = diglim_index_add_list(store, list, keys);
	mutex_unlock(&store->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, keys[COMPACT_FILE], 1);
	KUNIT_EXPECT_EQ(test, keys[COMPACT_DIGEST_LIST], 1);
	KUNIT_EXPECT_PTR_EQ(test, find_list(test, &b), list);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test,
			    diglim_index_find_list(store, list->algo,
						   diglim_list_digest(list)),
			    list);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &b, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 2, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.actions, APPRAISED);
	KUNIT_EXPECT_EQ(test, collect_seed(test, 2, COMPACT_FILE, NULL, 0), 1);
	/* Another upload of the same bytes is refused meanwhile. */
	KUNIT_EXPECT_EQ(test, add(test, &b, "other", 0), -EEXIST);

	/* Live: seen by lookups, with the PCR of its record. */
	smp_store_release(&list->live, true);
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 3, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.actions, MEASURED);
	KUNIT_EXPECT_EQ(test, info.measured_pcrs, BIT_ULL(11));
	KUNIT_EXPECT_EQ(test, lookup_seed(test, 2, HASH_ALGO_SHA256,
					  COMPACT_FILE, &info), 0);
	KUNIT_EXPECT_EQ(test, info.actions, MEASURED | APPRAISED);
	KUNIT_EXPECT_EQ(test, info.measured_pcrs, BIT_ULL(11));
	KUNIT_EXPECT_EQ(test, collect_seed(test, 2, COMPACT_FILE, NULL, 0), 2);

	/* Being deleted: not live, then out of the index. */
	WRITE_ONCE(list->live, false);
	KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, find_list(test, &b), list);
	memset(keys, 0, sizeof(keys));
	mutex_lock(&store->lock);
	diglim_index_del_list(store, list, keys);
	xa_erase(&store->ids, list->id);
	mutex_unlock(&store->lock);
	KUNIT_EXPECT_EQ(test, keys[COMPACT_FILE], 1);
	KUNIT_EXPECT_EQ(test, keys[COMPACT_DIGEST_LIST], 1);
	KUNIT_EXPECT_NULL(test, find_list(test, &b));
	KUNIT_EXPECT_PTR_EQ(test, find_list(test, &a), found);
	KUNIT_EXPECT_EQ(test, collect_seed(test, 2, COMPACT_FILE, NULL, 0), 1);
	check_table(test, COMPACT_FILE, 2, NULL);
	check_table(test, COMPACT_DIGEST_LIST, 1, NULL);
}

static struct kunit_case diglim_index_cases[] = {
	KUNIT_CASE(diglim_index_add_delete_test),
	KUNIT_CASE(diglim_index_info_test),
	KUNIT_CASE(diglim_index_shared_test),
	KUNIT_CASE(diglim_index_algos_test),
	KUNIT_CASE(diglim_index_collect_test),
	KUNIT_CASE(diglim_index_duplicates_test),
	KUNIT_CASE(diglim_index_many_test),
	KUNIT_CASE(diglim_index_same_tag_test),
	KUNIT_CASE(diglim_index_find_list_test),
	{}
};

static struct kunit_suite diglim_index_suite = {
	.name = "diglim_index",
	.init = diglim_store_test_init,
	.exit = diglim_store_test_exit,
	.test_cases = diglim_index_cases,
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
	KUNIT_EXPECT_EQ(test, collect_seed(test, 1, COMPACT_FILE, NULL, 0), 1);
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
	check_table(test, COMPACT_DIGEST_LIST, 0, NULL);
}

static void diglim_list_name_test(struct kunit *test)
{
	const struct tlist a = BUILD(test, FILE256(1));
	const struct tlist b = BUILD(test, FILE256(2));
	const enum hash_algo algo = diglim_list_hash_algo();
	u8 digest[HASH_MAX_DIGESTSIZE];
	const struct diglim_list *list;
	char hex[2 * HASH_MAX_DIGESTSIZE + 1];
	char *label, *name, *expect;
	size_t max;
	int len;

	name = kunit_kzalloc(test, NAME_MAX + 1, GFP_KERNEL);
	expect = kunit_kzalloc(test, NAME_MAX + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_ASSERT_NOT_NULL(test, expect);

	/* "<algo>-<hex digest>-<label>", printed from the list object. */
	KUNIT_ASSERT_EQ(test, add(test, &b, "b", 0), 0);
	list = find_list(test, &b);
	KUNIT_ASSERT_NOT_NULL(test, list);
	len = diglim_list_name(list, name, NAME_MAX + 1);
	list_digest(test, &b, digest);
	*bin2hex(hex, digest, hash_digest_size[algo]) = '\0';
	snprintf(expect, NAME_MAX + 1, "%s-%s-b", hash_algo_name[algo], hex);
	KUNIT_EXPECT_STREQ(test, name, expect);
	KUNIT_EXPECT_EQ(test, len, strlen(expect));

	/* "<algo>-<hex>-<label>.ascii" must fit in NAME_MAX. */
	max = NAME_MAX - strlen(hash_algo_name[algo]) - 1 -
	      2 * hash_digest_size[algo] - 1 - strlen(DIGLIM_ASCII_SUFFIX);
	label = kunit_kzalloc(test, max + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, label);
	memset(label, 'x', max + 1);

	KUNIT_EXPECT_EQ(test, add(test, &a, label, 0), -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 1);

	label[max] = '\0';
	KUNIT_EXPECT_EQ(test, add(test, &a, label, 0), 0);
	list = find_list(test, &a);
	KUNIT_ASSERT_NOT_NULL(test, list);
	len = diglim_list_name(list, name, NAME_MAX + 1);
	KUNIT_EXPECT_EQ(test, len + strlen(DIGLIM_ASCII_SUFFIX), NAME_MAX);
	KUNIT_EXPECT_STREQ(test, diglim_list_label(list), label);
	KUNIT_EXPECT_EQ(test, del(test, &a, label, 0), 0);
}

static void diglim_list_label_test(struct kunit *test)
{
	struct diglim_store *store = test->priv;
	const struct tlist a = BUILD(test, FILE256(1));
	const struct tlist b = BUILD(test, FILE256(2));
	struct diglim_hit found[1];

	/* A buffer upload takes the label and consumes it on success. */
	KUNIT_ASSERT_EQ(test, diglim_set_label(store, "pkgs\n", 5), 0);
	KUNIT_EXPECT_STREQ(test, store->label, "pkgs");
	KUNIT_ASSERT_EQ(test, add(test, &a, NULL, 0), 0);
	KUNIT_EXPECT_NULL(test, store->label);
	KUNIT_ASSERT_EQ(test, collect_seed(test, 1, COMPACT_FILE, found, 1), 1);
	KUNIT_EXPECT_STREQ(test, diglim_list_label(found[0].list), "pkgs");

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
	KUNIT_ASSERT_EQ(test, collect_seed(test, 2, COMPACT_FILE, found, 1), 1);
	KUNIT_EXPECT_STREQ(test, diglim_list_label(found[0].list),
			   DIGLIM_DEFAULT_LABEL);
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
 * @used: Used slots of the table of each type.
 * @dup_nodes: Occurrence nodes of the index.
 * @dup_occurrences: Occurrences in those nodes.
 * @nr_lists: Number of loaded lists.
 * @occurrences: Occurrences of digest 1 in FILE.
 */
struct state {
	unsigned long counts[COMPACT__LAST];
	u64 used[COMPACT__LAST];
	u64 dup_nodes;
	u64 dup_occurrences;
	size_t nr_lists;
	unsigned int occurrences;
};

static void get_state(struct kunit *test, struct state *s)
{
	struct diglim_index_stats stats;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < COMPACT__LAST; i++) {
		s->counts[i] = count(test, i);
		get_stats(test, i, &stats);
		s->used[i] = stats.used;
		/* The nodes of all types, told by any table. */
		if (stats.slots) {
			s->dup_nodes = stats.dup_nodes;
			s->dup_occurrences = stats.dup_occurrences;
		}
	}
	s->nr_lists = nr_lists(test);
	s->occurrences = collect_seed(test, 1, COMPACT_FILE, NULL, 0);
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
	/*
	 * Hash transform, list object and id, 4 digests and the list digest
	 * (list.c): no copy of the buffer (diglim_upload() is called
	 * directly) and no IMA event name (req.record is false).
	 */
	const unsigned int nr_points = 1 + 2 + 4 + 1;
	/* fail-nth also counts failslab's calls (atomic allocations). */
	const bool other_faults = IS_ENABLED(CONFIG_FAILSLAB) ||
				  IS_ENABLED(CONFIG_FAIL_PAGE_ALLOC);
	struct diglim_digest_info info;
	unsigned int n, injected = 0;
	struct state before, now;
	bool reached;
	int err;

	if (!IS_ENABLED(CONFIG_FAULT_INJECTION))
		kunit_skip(test, "requires CONFIG_FAULT_INJECTION");
	quiet_faults(test);

	KUNIT_ASSERT_EQ(test, add(test, &b, "b", APPRAISED), 0);
	get_state(test, &before);

	for (n = 1; n < 100; n++) {
		err = upload_nth(test, DIGEST_LIST_ADD, &a, "a", MEASURED, n,
				 &reached);
		/* Fewer than n fault points: all of them were tried. */
		if (!reached)
			break;
		injected++;

		/*
		 * An atomic allocation of an xarray fails, and the xarray
		 * retries it with the gfp flags of its caller.
		 */
		if (!err) {
			KUNIT_EXPECT_TRUE_MSG(test, other_faults, "fault %u",
					      n);
			KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE),
					0);
			KUNIT_ASSERT_EQ(test, del(test, &a, "a", MEASURED), 0);
			continue;
		}

		KUNIT_EXPECT_EQ_MSG(test, err, -ENOMEM, "fault %u", n);
		get_state(test, &now);
		KUNIT_EXPECT_MEMEQ_MSG(test, &now, &before, sizeof(now),
				       "fault %u", n);
		KUNIT_EXPECT_EQ(test, get_info(test, 3, COMPACT_FILE), -ENOENT);
		KUNIT_EXPECT_EQ(test, get_info(test, 4, COMPACT_METADATA),
				-ENOENT);
		KUNIT_EXPECT_EQ(test, get_list_info(test, &a, &info), -ENOENT);
		KUNIT_EXPECT_EQ(test, lookup_seed(test, 1, HASH_ALGO_SHA256,
						  COMPACT_FILE, &info), 0);
		KUNIT_EXPECT_EQ(test, info.actions, APPRAISED);
	}
	KUNIT_ASSERT_FALSE(test, reached);
	KUNIT_ASSERT_EQ(test, err, 0);

	if (other_faults)
		KUNIT_EXPECT_GE(test, injected, nr_points);
	else
		KUNIT_EXPECT_EQ(test, injected, nr_points);

	KUNIT_EXPECT_EQ(test, count(test, COMPACT_PARSER), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_FILE), 3);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_METADATA), 1);
	KUNIT_EXPECT_EQ(test, count(test, COMPACT_DIGEST_LIST), 2);
	KUNIT_EXPECT_EQ(test, collect_seed(test, 1, COMPACT_FILE, NULL, 0), 2);

	KUNIT_EXPECT_EQ(test, del(test, &a, "a", MEASURED), 0);
	get_state(test, &now);
	KUNIT_EXPECT_MEMEQ(test, &now, &before, sizeof(now));
}

/* fail_diglim guards additions only: a deletion goes through. */
static void diglim_list_del_never_fails_test(struct kunit *test)
{
	const struct tlist b = BUILD(test, FILE256(2, 5));
	const struct tlist a = BUILD(test, FILE256(1, 2, 2),
				     { .type = COMPACT_PARSER,
				       .algo = HASH_ALGO_SHA256, .nr = 1,
				       .seeds = { 3 } });
	const struct tlist c = BUILD(test, FILE256(6));
	/* More than the fault points of the addition of a. */
	const unsigned int nr_points = 1 + 2 + 4 + 1 + 4;
	struct state before, now;
	struct diglim_digest_info info;
	unsigned int n;
	void *old;

	if (!IS_ENABLED(CONFIG_FAULT_INJECTION))
		kunit_skip(test, "requires CONFIG_FAULT_INJECTION");
	quiet_faults(test);

	KUNIT_ASSERT_EQ(test, add(test, &b, "b", 0), 0);
	get_state(test, &before);

	for (n = 1; n <= nr_points; n++) {
		KUNIT_ASSERT_EQ(test, add(test, &a, "a", APPRAISED), 0);
		KUNIT_EXPECT_EQ_MSG(test, upload_nth(test, DIGEST_LIST_DEL, &a,
						     "a", APPRAISED, n, NULL),
				    0, "fault %u", n);
		get_state(test, &now);
		KUNIT_EXPECT_MEMEQ_MSG(test, &now, &before, sizeof(now),
				       "fault %u", n);
	}

	/* Every fault point failing: additions fail, deletions do not. */
	KUNIT_ASSERT_EQ(test, add(test, &a, "a", APPRAISED), 0);
	old = fail_everything(test);
	KUNIT_EXPECT_EQ(test, add(test, &c, "c", 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, del(test, &a, "a", APPRAISED), 0);
	KUNIT_EXPECT_EQ(test, del(test, &b, "b", 0), 0);
	kunit_release_action(test, restore_faults, old);

	KUNIT_EXPECT_EQ(test, get_info(test, 1, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_info(test, 6, COMPACT_FILE), -ENOENT);
	KUNIT_EXPECT_EQ(test, get_list_info(test, &b, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, nr_lists(test), 0);
	check_table(test, COMPACT_FILE, 0, NULL);
	check_table(test, COMPACT_PARSER, 0, NULL);
	check_table(test, COMPACT_DIGEST_LIST, 0, NULL);

	/* And additions work again. */
	KUNIT_EXPECT_EQ(test, add(test, &c, "c", 0), 0);
}

static struct kunit_case diglim_list_cases[] = {
	KUNIT_CASE(diglim_list_exists_test),
	KUNIT_CASE(diglim_list_del_errors_test),
	KUNIT_CASE(diglim_list_invalid_test),
	KUNIT_CASE(diglim_list_name_test),
	KUNIT_CASE(diglim_list_label_test),
	KUNIT_CASE(diglim_list_rollback_test),
	KUNIT_CASE(diglim_list_del_never_fails_test),
	{}
};

static struct kunit_suite diglim_list_suite = {
	.name = "diglim_list",
	.init = diglim_store_test_init,
	.exit = diglim_store_test_exit,
	.test_cases = diglim_list_cases,
};

kunit_test_suites(&diglim_index_suite, &diglim_list_suite);
