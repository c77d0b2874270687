// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Randomized list tests against a user-space model
 *
 * Random lists (several blocks, types, algorithms and modifiers, digests
 * repeated within and across lists, empty blocks) are added and deleted by
 * path and by buffer.  After every step the kernel must agree with a model
 * kept here: digests_count, the digest_lists_loaded listing, both views of
 * every loaded list and the answers of digest_query, byte for byte.
 *
 * The run is reproducible: the seed is printed, DIGLIM_SEED=<n> replays it and
 * DIGLIM_SCALE=<factor> scales the number of iterations.
 */

#define _GNU_SOURCE
#include <sys/param.h>

#include "common.h"

#define NR_LISTS 10
#define POOL_SIZE 8
#define MAX_BLOCKS 5
#define MAX_COUNT 24
#define MAX_LABEL 12
/* "diglim" */
#define DEFAULT_SEED 0x6469676c696dULL

/* Algorithms of the random blocks: several digest sizes, names with a dash. */
static const enum hash_algo test_algos[] = {
	HASH_ALGO_SHA256,   HASH_ALGO_SHA1,	   HASH_ALGO_SHA512,
	HASH_ALGO_SHA3_256, HASH_ALGO_MD5,	   HASH_ALGO_SM3_256,
	HASH_ALGO_TGR_192,  HASH_ALGO_RIPE_MD_320,
};

#define NR_ALGOS ARRAY_SIZE(test_algos)

struct model_list {
	struct dbuf data;
	char label[MAX_LABEL + 1];
	char path[PATH_MAX];
	char name[NAME_MAX + 1];
	__u8 digest[MAX_DIGEST_SIZE];
	bool loaded;
};

/* A digest to query: algorithm and value. */
struct qdigest {
	__u16 algo;
	__u8 bytes[MAX_DIGEST_SIZE];
};

/* The model: what the kernel must show. */
struct model {
	char dir[sizeof(TMP_TEMPLATE)];
	struct dbuf baseline;
	struct diglim_counts base_counts;
	__u64 rng;
	__u64 seed;
	unsigned long step;
	__u8 pool[NR_ALGOS][POOL_SIZE][MAX_DIGEST_SIZE];
	struct model_list lists[NR_LISTS];
	/* Indexes of the loaded lists, in insertion order. */
	int order[NR_LISTS];
	int nr_loaded;
	struct qdigest *universe;
	size_t nr_universe;
	/* One digest_query file for all the queries of the model. */
	int query_fd;
	/* Scratch buffers. */
	struct dbuf got, want;
};

FIXTURE(lists)
{
	struct model m;
};

static __u64 get_seed(void)
{
	const char *const env = getenv("DIGLIM_SEED");

	return env ? strtoull(env, NULL, 0) : DEFAULT_SEED;
}

static void universe_add(struct model *const self, const __u16 algo,
			 const __u8 *const bytes)
{
	struct qdigest *q;

	self->universe =
		xrealloc(self->universe, (self->nr_universe + 1) * sizeof(*q));
	q = &self->universe[self->nr_universe++];
	memset(q, 0, sizeof(*q));
	q->algo = algo;
	memcpy(q->bytes, bytes, hash_algos[algo].size);
}

/* A random block: digests from the shared pool, repeated, or fresh. */
static void gen_block(struct model *const self, struct dbuf *const list,
		      const __u32 max_count, const bool fresh_in_universe)
{
	const __u16 type = prng_below(&self->rng, COMPACT_DIGEST_LIST);
	const __u16 modifiers = prng_below(&self->rng, 2);
	const unsigned int ai = prng_below(&self->rng, NR_ALGOS);
	const enum hash_algo algo = test_algos[ai];
	const unsigned int size = hash_algos[algo].size;
	__u8 *digests;
	__u32 count, i;

	count = prng_below(&self->rng, 8) ?
			1 + prng_below(&self->rng, max_count) :
			0;
	digests = xrealloc(NULL, (size_t)count * size);
	for (i = 0; i < count; i++) {
		const unsigned int r = prng_below(&self->rng, 10);
		__u8 *const d = digests + i * size;

		if (r < 4) {
			memcpy(d,
			       self->pool[ai][prng_below(&self->rng, POOL_SIZE)],
			       size);
		} else if (r < 6 && i) {
			memcpy(d, digests + prng_below(&self->rng, i) * size,
			       size);
		} else {
			prng_fill(&self->rng, d, size);
			if (fresh_in_universe)
				universe_add(self, algo, d);
		}
	}
	put_block(list, type, modifiers, algo, count, digests);
	free(digests);
}

static void gen_label(struct model *const self, const int idx)
{
	char *const label = self->lists[idx].label;
	bool unique;
	int i, len;

	if (!idx) {
		/* Also exercise the default label of raw buffers. */
		memcpy(label, DIGLIM_DEFAULT_LABEL,
		       sizeof(DIGLIM_DEFAULT_LABEL));
		return;
	}
	do {
		len = 1 + prng_below(&self->rng, MAX_LABEL);
		for (i = 0; i < len; i++) {
			/* Printable, not a space, not a slash. */
			do {
				label[i] = '!' + prng_below(&self->rng, 94);
			} while (label[i] == '/');
		}
		label[len] = '\0';
		unique = strcmp(label, ".") && strcmp(label, "..");
		for (i = 0; i < idx && unique; i++)
			unique = strcmp(label, self->lists[i].label);
	} while (!unique);
}

static void gen_lists(struct __test_metadata *const _metadata,
		      struct model *const self)
{
	struct model_list *l;
	int i, j, b, nr_blocks;
	bool unique;

	for (i = 0; i < NR_LISTS; i++) {
		l = &self->lists[i];
		gen_label(self, i);
		do {
			dbuf_reset(&l->data);
			nr_blocks = 1 + prng_below(&self->rng, MAX_BLOCKS);
			for (b = 0; b < nr_blocks; b++)
				gen_block(self, &l->data, MAX_COUNT, true);
			unique = true;
			for (j = 0; j < i && unique; j++)
				unique = l->data.len !=
						 self->lists[j].data.len ||
					 memcmp(l->data.data,
						self->lists[j].data.data,
						l->data.len);
		} while (!unique);
		ASSERT_TRUE(list_valid(l->data.data, l->data.len));
		snprintf(l->path, sizeof(l->path), "%s/%s", self->dir,
			 l->label);
		ASSERT_EQ(0, write_file(l->path, l->data.data, l->data.len));
		ASSERT_EQ(0, hash_buf(list_algo, l->data.data, l->data.len,
				      l->digest));
		entry_name_digest(l->name, l->digest, l->label);
		universe_add(self, list_algo, l->digest);
	}
}

static void model_setup(struct __test_metadata *const _metadata,
			struct model *const self)
{
	unsigned int a, p;

	if (!setup_test_dir(_metadata, self->dir, &self->baseline))
		return;
	ASSERT_EQ(0, counts_get(&self->base_counts));
	detect_list_algo(_metadata);

	self->seed = get_seed();
	self->rng = self->seed ? self->seed : 1;
	TH_LOG("seed %#llx (DIGLIM_SEED), scale %g (DIGLIM_SCALE)",
	       (unsigned long long)self->seed, env_scale());
	for (a = 0; a < NR_ALGOS; a++) {
		for (p = 0; p < POOL_SIZE; p++) {
			prng_fill(&self->rng, self->pool[a][p],
				  hash_algos[test_algos[a]].size);
			universe_add(self, test_algos[a], self->pool[a][p]);
		}
	}
	gen_lists(_metadata, self);
	self->query_fd = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->query_fd);
}

static void model_teardown(struct __test_metadata *const _metadata,
			   struct model *const self)
{
	int i;

	if (self->query_fd > 0)
		close(self->query_fd);
	drop_lists(_metadata, &self->baseline);
	rm_tree(self->dir);
	for (i = 0; i < NR_LISTS; i++)
		dbuf_free(&self->lists[i].data);
	free(self->universe);
	dbuf_free(&self->baseline);
	dbuf_free(&self->got);
	dbuf_free(&self->want);
}

/* The model. */

static void expected_answer(struct model *const self,
			    const struct qdigest *const q,
			    struct dbuf *const out)
{
	const unsigned int size = hash_algos[q->algo].size;
	const struct model_list *l;
	struct block blk;
	__u16 type;
	size_t off;
	__u32 i;
	int k;

	dbuf_reset(out);
	for (type = 0; type < COMPACT_DIGEST_LIST; type++) {
		for (k = 0; k < self->nr_loaded; k++) {
			l = &self->lists[self->order[k]];
			off = 0;
			while (next_block(l->data.data, l->data.len, &off,
					  &blk) > 0) {
				if (blk.type != type || blk.algo != q->algo)
					continue;
				for (i = 0; i < blk.count; i++)
					if (!memcmp(blk.digests + i * size,
						    q->bytes, size))
						query_line(out, l->name, 0,
							   &blk);
			}
		}
	}
	if (q->algo != list_algo)
		return;
	for (k = 0; k < self->nr_loaded; k++) {
		l = &self->lists[self->order[k]];
		if (!memcmp(l->digest, q->bytes, size))
			query_list_line(out, l->name, 0, l->data.len);
	}
}

struct occurrence {
	__u16 type;
	__u16 algo;
	__u8 bytes[MAX_DIGEST_SIZE];
};

static int cmp_occurrence(const void *const a, const void *const b)
{
	return memcmp(a, b, sizeof(struct occurrence));
}

static void expected_counts(struct model *const self,
			    struct diglim_counts *const counts)
{
	struct occurrence *occ = NULL;
	const struct model_list *l;
	size_t nr = 0, i;
	struct block blk;
	size_t off;
	__u32 j;
	int k;

	for (k = 0; k < self->nr_loaded; k++) {
		l = &self->lists[self->order[k]];
		off = 0;
		while (next_block(l->data.data, l->data.len, &off, &blk) > 0) {
			const unsigned int size = hash_algos[blk.algo].size;

			occ = xrealloc(occ, (nr + blk.count) * sizeof(*occ));
			for (j = 0; j < blk.count; j++, nr++) {
				memset(&occ[nr], 0, sizeof(*occ));
				occ[nr].type = blk.type;
				occ[nr].algo = blk.algo;
				memcpy(occ[nr].bytes, blk.digests + j * size,
				       size);
			}
		}
	}
	qsort(occ, nr, sizeof(*occ), cmp_occurrence);
	*counts = self->base_counts;
	for (i = 0; i < nr; i++)
		if (!i || cmp_occurrence(&occ[i - 1], &occ[i]))
			counts->nr[occ[i].type]++;
	counts->nr[COMPACT_DIGEST_LIST] += self->nr_loaded;
	free(occ);
}

static void expected_names(struct model *const self, struct dbuf *const out)
{
	char *const copy = xstrdup(dbuf_str(&self->baseline));
	char **names = NULL, *save, *name;
	size_t nr = 0, i;
	int k;

	for (name = strtok_r(copy, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		names = xrealloc(names, (nr + 1) * sizeof(*names));
		names[nr++] = xstrdup(name);
	}
	for (k = 0; k < self->nr_loaded; k++) {
		const struct model_list *const l = &self->lists[self->order[k]];

		names = xrealloc(names, (nr + 2) * sizeof(*names));
		names[nr++] = xstrdup(l->name);
		names[nr] = xrealloc(NULL, strlen(l->name) + 8);
		sprintf(names[nr++], "%s%s", l->name, DIGLIM_ASCII_SUFFIX);
	}
	qsort(names, nr, sizeof(*names), cmp_names);
	dbuf_reset(out);
	for (i = 0; i < nr; i++) {
		dbuf_printf(out, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	free(copy);
}

static void check_query(struct __test_metadata *const _metadata,
			struct model *const self, const struct qdigest *const q)
{
	char req[32 + 2 * MAX_DIGEST_SIZE];

	expected_answer(self, q, &self->want);
	ASSERT_EQ(0, query_digest_fd(self->query_fd, q->algo, q->bytes,
				     &self->got));
	ASSERT_STREQ(dbuf_str(&self->want), dbuf_str(&self->got))
	{
		query_string(req, q->algo, q->bytes);
		TH_LOG("step %lu: query %s", self->step, req);
	}
}

static void check_list_queries(struct __test_metadata *const _metadata,
			       struct model *const self,
			       const struct model_list *const l)
{
	struct qdigest q = {};
	struct block blk;
	size_t off = 0;
	__u32 i;

	while (next_block(l->data.data, l->data.len, &off, &blk) > 0) {
		for (i = 0; i < blk.count; i++) {
			q.algo = blk.algo;
			memcpy(q.bytes,
			       blk.digests + i * hash_algos[blk.algo].size,
			       hash_algos[blk.algo].size);
			check_query(_metadata, self, &q);
		}
	}
}

/*
 * Compares everything the kernel shows with the model.  Queries cover the
 * digests of @touched (the list of the last step, if any), every list
 * digest and a random sample of the other digests, or all of them if @full.
 */
static void check_state(struct __test_metadata *const _metadata,
			struct model *const self,
			const struct model_list *const touched, const bool full)
{
	struct diglim_counts counts;
	size_t i, nr_sample;
	int k;

	expected_counts(self, &counts);
	counts_format(&counts, &self->want);
	ASSERT_EQ(0, read_file(DIGLIM_COUNT_PATH, &self->got));
	ASSERT_STREQ(dbuf_str(&self->want), dbuf_str(&self->got))
	{
		TH_LOG("step %lu: digests_count", self->step);
	}

	expected_names(self, &self->want);
	ASSERT_EQ(0, names_get(&self->got));
	ASSERT_STREQ(dbuf_str(&self->want), dbuf_str(&self->got))
	{
		TH_LOG("step %lu: digest_lists_loaded", self->step);
	}

	for (k = 0; k < self->nr_loaded; k++) {
		const struct model_list *const l = &self->lists[self->order[k]];

		ASSERT_EQ(0, read_entry(l->name, false, &self->got));
		ASSERT_EQ(l->data.len, self->got.len);
		ASSERT_EQ(0, memcmp(l->data.data, self->got.data, l->data.len))
		{
			TH_LOG("step %lu: binary view of %s", self->step,
			       l->name);
		}
		ascii_view(l->data.data, l->data.len, 0, &self->want);
		ASSERT_EQ(0, read_entry(l->name, true, &self->got));
		ASSERT_STREQ(dbuf_str(&self->want), dbuf_str(&self->got))
		{
			TH_LOG("step %lu: ascii view of %s", self->step,
			       l->name);
		}
	}

	if (touched)
		check_list_queries(_metadata, self, touched);
	nr_sample = full ? self->nr_universe : 8;
	for (i = 0; i < nr_sample; i++) {
		const size_t idx =
			full ? i : prng_below(&self->rng, self->nr_universe);

		check_query(_metadata, self, &self->universe[idx]);
	}
	for (k = 0; k < NR_LISTS; k++) {
		struct qdigest q = { .algo = list_algo };

		memcpy(q.bytes, self->lists[k].digest,
		       hash_algos[list_algo].size);
		check_query(_metadata, self, &q);
	}
}

/* Steps. */

static int pick(struct model *const self, const bool loaded)
{
	int idx;

	do {
		idx = prng_below(&self->rng, NR_LISTS);
	} while (self->lists[idx].loaded != loaded);
	return idx;
}

/* Sets the label of a buffer upload of @l, in one of the accepted ways. */
static int label_for(struct model *const self, const struct model_list *const l)
{
	char label[MAX_LABEL + 2];

	if (!strcmp(l->label, DIGLIM_DEFAULT_LABEL) &&
	    prng_below(&self->rng, 2))
		return clear_label();
	snprintf(label, sizeof(label), "%s%s", l->label,
		 prng_below(&self->rng, 2) ? "\n" : "");
	return set_label(label);
}

static int upload(struct model *const self, const enum ops op,
		  const struct model_list *const l, const bool by_path)
{
	int err;

	if (by_path)
		return diglim_upload_file(op, l->path);
	err = label_for(self, l);
	return err ? err : diglim_upload(op, l->data.data, l->data.len);
}

static void step_add(struct __test_metadata *const _metadata,
		     struct model *const self, const int idx)
{
	struct model_list *const l = &self->lists[idx];
	const bool by_path = prng_below(&self->rng, 2);

	ASSERT_EQ(0, upload(self, DIGEST_LIST_ADD, l, by_path))
	{
		TH_LOG("step %lu: add %s by %s", self->step, l->name,
		       by_path ? "path" : "buffer");
	}
	l->loaded = true;
	self->order[self->nr_loaded++] = idx;
	check_state(_metadata, self, l, false);
}

static void step_del(struct __test_metadata *const _metadata,
		     struct model *const self, const int idx)
{
	struct model_list *const l = &self->lists[idx];
	const bool by_path = prng_below(&self->rng, 2);
	int k;

	ASSERT_EQ(0, upload(self, DIGEST_LIST_DEL, l, by_path))
	{
		TH_LOG("step %lu: del %s by %s", self->step, l->name,
		       by_path ? "path" : "buffer");
	}
	l->loaded = false;
	for (k = 0; self->order[k] != idx; k++)
		;
	memmove(&self->order[k], &self->order[k + 1],
		(self->nr_loaded - k - 1) * sizeof(self->order[0]));
	self->nr_loaded--;
	check_state(_metadata, self, l, false);
}

/* Uploads that must fail: the state may not change. */
static void step_fail(struct __test_metadata *const _metadata,
		      struct model *const self)
{
	const unsigned int r = prng_below(&self->rng, 4);
	char label[MAX_LABEL + 2], path[PATH_MAX];
	struct model_list *l;
	int err, expected;

	if (r < 2 || self->nr_loaded == NR_LISTS) {
		/* Already loaded, under another label or the same one. */
		l = &self->lists[pick(self, true)];
		expected = -EEXIST;
		if (r == 0) {
			snprintf(path, sizeof(path), "%s/dup", self->dir);
			ASSERT_EQ(0,
				  write_file(path, l->data.data, l->data.len));
			err = diglim_add_file(path);
		} else {
			snprintf(label, sizeof(label), "%sx", l->label);
			ASSERT_EQ(0, set_label(prng_below(&self->rng, 2) ?
						       label :
						       l->label));
			err = diglim_add(l->data.data, l->data.len);
		}
	} else if (r == 2) {
		/* Loaded, deleted with the wrong label. */
		l = &self->lists[pick(self, true)];
		expected = -ENOENT;
		snprintf(label, sizeof(label), "%sx", l->label);
		ASSERT_EQ(0, set_label(label));
		err = diglim_del(l->data.data, l->data.len);
	} else {
		/* Not loaded. */
		l = &self->lists[pick(self, false)];
		expected = -ENOENT;
		err = upload(self, DIGEST_LIST_DEL, l,
			     prng_below(&self->rng, 2));
	}
	ASSERT_EQ(expected, err)
	{
		TH_LOG("step %lu: failing upload of %s", self->step, l->name);
	}
	check_state(_metadata, self, l, false);
}

static void random_add_del(struct __test_metadata *const _metadata,
			   struct model *const self)
{
	const unsigned long nr_steps = scaled(60);
	unsigned int r;
	int idx;

	check_state(_metadata, self, NULL, true);
	for (self->step = 1; self->step <= nr_steps; self->step++) {
		r = prng_below(&self->rng, 100);
		if (!self->nr_loaded ||
		    (self->nr_loaded < NR_LISTS && r < 50)) {
			idx = pick(self, false);
			step_add(_metadata, self, idx);
		} else if (r < 85) {
			idx = pick(self, true);
			step_del(_metadata, self, idx);
		} else {
			step_fail(_metadata, self);
		}
		if (!(self->step % 20))
			check_state(_metadata, self, NULL, true);
	}
	/* Delete what is left, in random order. */
	while (self->nr_loaded) {
		idx = pick(self, true);
		step_del(_metadata, self, idx);
		self->step++;
	}
	check_state(_metadata, self, NULL, true);
	TH_LOG("%lu steps, %zu digests queried", self->step - 1,
	       self->nr_universe);
}

/* Malformed lists. */

enum mutation {
	M_VERSION,
	M_RESERVED,
	M_TYPE,
	M_MODIFIERS,
	M_ALGO,
	M_COUNT,
	M_DATALEN,
	M_WRAP,
	M_PAST_END,
	M_TRUNCATE,
	M_APPEND,
	M__LAST
};

static const char *const mutation_names[M__LAST] = {
	"version", "reserved", "type",	   "modifiers", "algo",	  "count",
	"datalen", "wrap",     "past_end", "truncate",	"append",
};

static void put_le16(__u8 *const p, const __u16 v)
{
	const __u16 le = htole16(v);

	memcpy(p, &le, sizeof(le));
}

static void put_le32(__u8 *const p, const __u32 v)
{
	const __u32 le = htole32(v);

	memcpy(p, &le, sizeof(le));
}

static __u32 nonzero32(struct model *const self)
{
	__u32 v;

	do {
		v = prng_next(&self->rng) >> 32;
	} while (!v);
	return v;
}

/*
 * Makes @list invalid by construction with mutation @m.  Offsets of the
 * block headers are in @hdrs, @nr of them.
 */
static void mutate(struct model *const self, struct dbuf *const list,
		   const enum mutation m, const size_t *const hdrs,
		   const size_t nr)
{
	const size_t b = prng_below(&self->rng, nr);
	__u8 *const h = list->data + hdrs[b];
	struct block blk;
	size_t off = hdrs[b], cut, i;
	__u8 junk[15], v;
	unsigned int size;
	bool boundary;

	next_block(list->data, list->len, &off, &blk);
	size = hash_algos[blk.algo].size;
	switch (m) {
	case M_VERSION:
		/* A leading '/' would make it a path. */
		do {
			v = prng_next(&self->rng);
		} while (v == 1 || (!hdrs[b] && v == '/'));
		h[0] = v;
		break;
	case M_RESERVED:
		h[1] = 1 + prng_below(&self->rng, 255);
		break;
	case M_TYPE:
		put_le16(h + 2,
			 COMPACT_DIGEST_LIST +
				 prng_below(&self->rng,
					    0x10000 - COMPACT_DIGEST_LIST));
		break;
	case M_MODIFIERS:
		put_le16(h + 4,
			 blk.modifiers |
				 1U << (COMPACT_MOD__LAST +
					prng_below(&self->rng,
						   16 - COMPACT_MOD__LAST)));
		break;
	case M_ALGO:
		put_le16(h + 6, HASH_ALGO__LAST +
					prng_below(&self->rng,
						   0x10000 - HASH_ALGO__LAST));
		break;
	case M_COUNT:
		put_le32(h + 8, blk.count ^ nonzero32(self));
		break;
	case M_DATALEN:
		put_le32(h + 12, blk.datalen ^ nonzero32(self));
		break;
	case M_WRAP:
		/* count * size modulo 2^32 is unchanged. */
		put_le32(h + 8, blk.count + (__u32)(0x100000000ULL >>
						    __builtin_ctz(size)));
		break;
	case M_PAST_END:
		/* The last block claims more digests than there are. */
		off = hdrs[nr - 1];
		next_block(list->data, list->len, &off, &blk);
		i = 1 + prng_below(&self->rng, 3);
		put_le32(list->data + hdrs[nr - 1] + 8, blk.count + i);
		put_le32(list->data + hdrs[nr - 1] + 12,
			 blk.datalen + i * hash_algos[blk.algo].size);
		break;
	case M_TRUNCATE:
		/* Anywhere but at the end of a block. */
		do {
			cut = 1 + prng_below(&self->rng, list->len - 1);
			boundary = false;
			for (i = 1; i < nr; i++)
				boundary |= cut == hdrs[i];
		} while (boundary);
		list->len = cut;
		break;
	case M_APPEND:
		i = 1 + prng_below(&self->rng, sizeof(junk));
		prng_fill(&self->rng, junk, i);
		dbuf_append(list, junk, i);
		break;
	default:
		break;
	}
}

/* Malformed lists are written through the same files, in batches. */
#define MALFORMED_BATCH 64

static void open_batch(struct __test_metadata *const _metadata, int *const fds)
{
	fds[DIGEST_LIST_ADD] = open(DIGLIM_ADD_PATH, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fds[DIGEST_LIST_ADD]);
	fds[DIGEST_LIST_DEL] = open(DIGLIM_DEL_PATH, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fds[DIGEST_LIST_DEL]);
}

/*
 * Failed writes must not move the file offset: a valid list written last
 * through the same files proves that every write of the batch was a
 * complete request at offset 0.
 */
static void end_batch(struct __test_metadata *const _metadata,
		      struct model *const self, int *const fds)
{
	const struct model_list *const l = &self->lists[3];

	ASSERT_EQ(0, set_label(l->label));
	ASSERT_EQ(l->data.len,
		  write(fds[DIGEST_LIST_ADD], l->data.data, l->data.len));
	ASSERT_EQ(0, set_label(l->label));
	ASSERT_EQ(l->data.len,
		  write(fds[DIGEST_LIST_DEL], l->data.data, l->data.len));
	close(fds[DIGEST_LIST_ADD]);
	close(fds[DIGEST_LIST_DEL]);
}

static void random_malformed(struct __test_metadata *const _metadata,
			     struct model *const self)
{
	const unsigned long nr_iter = scaled(10000);
	unsigned long it, by_kind[M__LAST] = {}, by_path = 0, dels = 0;
	struct dbuf list = {}, counts = {}, names = {};
	int fds[2], count_fd, err;
	size_t hdrs[4], nr, off;
	char count_buf[4096];
	char path[PATH_MAX];
	struct block blk;
	enum mutation m;
	ssize_t ret;
	enum ops op;

	/* Some state the bad lists could collide with. */
	ASSERT_EQ(0, upload(self, DIGEST_LIST_ADD, &self->lists[1], false));
	ASSERT_EQ(0, upload(self, DIGEST_LIST_ADD, &self->lists[2], true));
	self->lists[1].loaded = true;
	self->lists[2].loaded = true;
	self->order[0] = 1;
	self->order[1] = 2;
	self->nr_loaded = 2;
	check_state(_metadata, self, NULL, false);
	ASSERT_EQ(0, read_file(DIGLIM_COUNT_PATH, &counts));
	ASSERT_EQ(0, names_get(&names));
	snprintf(path, sizeof(path), "%s/malformed", self->dir);
	count_fd = open(DIGLIM_COUNT_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, count_fd);

	for (it = 0; it < nr_iter; it++) {
		if (!(it % MALFORMED_BATCH)) {
			if (it)
				end_batch(_metadata, self, fds);
			open_batch(_metadata, fds);
		}
		dbuf_reset(&list);
		nr = 1 + prng_below(&self->rng, ARRAY_SIZE(hdrs));
		for (off = 0; off < nr; off++) {
			hdrs[off] = list.len;
			gen_block(self, &list, 4, false);
		}
		m = prng_below(&self->rng, M__LAST);
		mutate(self, &list, m, hdrs, nr);
		ASSERT_FALSE(list_valid(list.data, list.len))
		{
			TH_LOG("iteration %lu: mutation %s is valid", it,
			       mutation_names[m]);
		}
		by_kind[m]++;
		op = prng_below(&self->rng, 10) ? DIGEST_LIST_ADD :
						  DIGEST_LIST_DEL;
		dels += op == DIGEST_LIST_DEL;
		if (!prng_below(&self->rng, 100)) {
			by_path++;
			ASSERT_EQ(0, write_file(path, list.data, list.len));
			ret = write(fds[op], path, strlen(path));
		} else {
			ret = write(fds[op], list.data, list.len);
		}
		err = ret < 0 ? -errno : 0;
		ASSERT_EQ(-EINVAL, err)
		{
			off = 0;
			TH_LOG("iteration %lu: %s, mutation %s, first block %d",
			       it, op == DIGEST_LIST_ADD ? "add" : "del",
			       mutation_names[m],
			       next_block(list.data, list.len, &off, &blk));
		}
		/* Any list added or deleted would show here at once. */
		ret = pread(count_fd, count_buf, sizeof(count_buf) - 1, 0);
		ASSERT_LT(0, ret);
		count_buf[ret] = '\0';
		ASSERT_STREQ(dbuf_str(&counts), count_buf)
		{
			TH_LOG("iteration %lu: mutation %s", it,
			       mutation_names[m]);
		}
		if (it % MALFORMED_BATCH)
			continue;
		ASSERT_EQ(0, names_get(&self->got));
		ASSERT_STREQ(dbuf_str(&names), dbuf_str(&self->got))
		{
			TH_LOG("iteration %lu: mutation %s", it,
			       mutation_names[m]);
		}
	}
	end_batch(_metadata, self, fds);
	close(count_fd);
	check_state(_metadata, self, NULL, true);
	TH_LOG("%lu malformed lists rejected (%lu deletions, %lu by path)",
	       nr_iter, dels, by_path);
	for (m = 0; m < M__LAST; m++)
		TH_LOG("  %-9s %lu", mutation_names[m], by_kind[m]);
	dbuf_free(&list);
	dbuf_free(&counts);
	dbuf_free(&names);
}

/* Reads @fd from @offset in chunks of @chunk bytes, up to @max bytes. */
static int read_chunks(const int fd, const off_t offset, const size_t chunk,
		       const size_t max, struct dbuf *const out)
{
	ssize_t ret;

	dbuf_reset(out);
	if (lseek(fd, offset, SEEK_SET) != offset)
		return -errno;
	while (out->len < max) {
		dbuf_reserve(out, chunk);
		ret = read(fd, out->data + out->len, chunk);
		if (ret < 0)
			return -errno;
		if (!ret)
			break;
		out->len += ret;
	}
	out->data[out->len] = '\0';
	return 0;
}

static void check_odd_reads(struct __test_metadata *const _metadata,
			    struct model *const self, const char *const name,
			    const bool ascii, const struct dbuf *const whole)
{
	static const size_t chunks[] = { 3, 7, 61, 4095, 4096, 4097, 65537 };
	char path[PATH_MAX];
	size_t i, off, len;
	ssize_t ret;
	int fd;

	loaded_path(path, name);
	if (ascii)
		strcat(path, DIGLIM_ASCII_SUFFIX);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);

	/*
	 * Sequential reads of odd sizes: the small ones over the first pages
	 * and the last ones, the others over the whole view.
	 */
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		off = chunks[i] < 4095 && whole->len > 3 * 4096 ?
			      whole->len - 3 * 4096 :
			      0;
		len = chunks[i] < 4095 ? 3 * 4096 : SIZE_MAX;
		ASSERT_EQ(0, read_chunks(fd, 0, chunks[i], len, &self->got));
		ASSERT_LE(MIN(whole->len, len), self->got.len);
		ASSERT_EQ(0, memcmp(whole->data, self->got.data,
				    MIN(whole->len, self->got.len)))
		{
			TH_LOG("reads of %zu bytes", chunks[i]);
		}
		ASSERT_EQ(0, read_chunks(fd, off, chunks[i], SIZE_MAX,
					 &self->got));
		ASSERT_EQ(whole->len - off, self->got.len);
		ASSERT_EQ(0, memcmp(whole->data + off, self->got.data,
				    self->got.len))
		{
			TH_LOG("reads of %zu bytes from %zu", chunks[i], off);
		}
	}
	/* Byte by byte, for a while. */
	ASSERT_EQ(0, read_chunks(fd, 0, 1, 600, &self->got));
	ASSERT_EQ(0, memcmp(whole->data, self->got.data, self->got.len));
	/* Continue from odd offsets. */
	for (i = 0; i < 20; i++) {
		off = prng_below(&self->rng, whole->len + 1);
		len = 1000 + prng_below(&self->rng, 5000);
		ASSERT_EQ(0, read_chunks(fd, off, len, SIZE_MAX, &self->got));
		ASSERT_EQ(whole->len - off, self->got.len);
		ASSERT_EQ(0, memcmp(whole->data + off, self->got.data,
				    self->got.len))
		{
			TH_LOG("read from offset %zu", off);
		}
	}
	/* pread of random ranges, also past the end. */
	dbuf_reserve(&self->got, 10000);
	for (i = 0; i < 100; i++) {
		off = prng_below(&self->rng, whole->len + 100);
		len = 1 + prng_below(&self->rng, 9000);
		ret = pread(fd, self->got.data, len, off);
		ASSERT_LE(0, ret);
		if (off >= whole->len) {
			ASSERT_EQ(0, ret);
			continue;
		}
		ASSERT_LT(0, ret);
		ASSERT_GE(whole->len - off, (size_t)ret);
		ASSERT_EQ(0, memcmp(whole->data + off, self->got.data, ret))
		{
			TH_LOG("pread of %zu bytes at %zu", len, off);
		}
	}
	close(fd);
}

static void odd_reads(struct __test_metadata *const _metadata,
		      struct model *const self)
{
	struct dbuf list = {}, whole = {};
	char name[PATH_MAX];

	/* About 56 KiB of text, 14 pages. */
	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 500);
	put_random_block(&list, COMPACT_PARSER, 1, HASH_ALGO_SHA512, 100);
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA1, 0, NULL);
	put_random_block(&list, COMPACT_METADATA, 0, HASH_ALGO_SHA1, 250);
	ASSERT_EQ(0, set_label("odd_reads"));
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0, entry_name(name, list.data, list.len, "odd_reads"));

	ascii_view(list.data, list.len, 0, &whole);
	ASSERT_EQ(0, read_entry(name, true, &self->got));
	ASSERT_STREQ(dbuf_str(&whole), dbuf_str(&self->got));
	check_odd_reads(_metadata, self, name, true, &whole);
	check_odd_reads(_metadata, self, name, false, &list);

	ASSERT_EQ(0, set_label("odd_reads"));
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
	dbuf_free(&whole);
}

static void shared_digests(struct __test_metadata *const _metadata,
			   struct model *const self)
{
	struct dbuf a = {}, b = {}, expected = {};
	struct diglim_counts base, counts;
	char name_a[PATH_MAX], name_b[PATH_MAX];
	struct block blk;
	struct qdigest q = { .algo = HASH_ALGO_SHA256 };

	/* d twice in a, once in b: indexed per occurrence, counted once. */
	random_bytes(q.bytes, 32);
	put_block(&a, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1, q.bytes);
	put_block(&a, COMPACT_FILE, 1, HASH_ALGO_SHA256, 1, q.bytes);
	put_block(&b, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1, q.bytes);
	put_block(&b, COMPACT_FILE, 0, HASH_ALGO_SHA256, 0, NULL);
	ASSERT_EQ(0, entry_name(name_a, a.data, a.len, DIGLIM_DEFAULT_LABEL));
	ASSERT_EQ(0, entry_name(name_b, b.data, b.len, DIGLIM_DEFAULT_LABEL));

	ASSERT_EQ(0, counts_get(&base));
	ASSERT_EQ(0, diglim_add(a.data, a.len));
	ASSERT_EQ(0, diglim_add(b.data, b.len));
	ASSERT_EQ(0, counts_get(&counts));
	EXPECT_EQ(base.nr[COMPACT_FILE] + 1, counts.nr[COMPACT_FILE]);
	EXPECT_EQ(base.nr[COMPACT_DIGEST_LIST] + 2,
		  counts.nr[COMPACT_DIGEST_LIST]);
	blk = get_block(&a, 0);
	query_line(&expected, name_a, 0, &blk);
	blk = get_block(&a, 1);
	query_line(&expected, name_a, 0, &blk);
	blk = get_block(&b, 0);
	query_line(&expected, name_b, 0, &blk);
	ASSERT_EQ(0, query_digest(q.algo, q.bytes, &self->got));
	EXPECT_STREQ(dbuf_str(&expected), dbuf_str(&self->got));

	/* Still found, still counted, until its last list goes. */
	ASSERT_EQ(0, diglim_del(a.data, a.len));
	ASSERT_EQ(0, counts_get(&counts));
	EXPECT_EQ(base.nr[COMPACT_FILE] + 1, counts.nr[COMPACT_FILE]);
	dbuf_reset(&expected);
	query_line(&expected, name_b, 0, &blk);
	ASSERT_EQ(0, query_digest(q.algo, q.bytes, &self->got));
	EXPECT_STREQ(dbuf_str(&expected), dbuf_str(&self->got));

	ASSERT_EQ(0, diglim_del(b.data, b.len));
	ASSERT_EQ(0, counts_get(&counts));
	EXPECT_EQ(0, memcmp(&base, &counts, sizeof(base)));
	ASSERT_EQ(0, query_digest(q.algo, q.bytes, &self->got));
	EXPECT_STREQ("", dbuf_str(&self->got));
	dbuf_free(&a);
	dbuf_free(&b);
	dbuf_free(&expected);
}

static void distinct_per_type_and_algo(struct __test_metadata *const _metadata,
				       struct model *const self)
{
	struct diglim_counts base, counts;
	struct dbuf list = {};
	__u8 d[32];

	/* The same bytes as two algorithms and two types: four digests. */
	random_bytes(d, sizeof(d));
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1, d);
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SM3_256, 1, d);
	put_block(&list, COMPACT_PARSER, 0, HASH_ALGO_SHA256, 1, d);
	put_block(&list, COMPACT_METADATA, 0, HASH_ALGO_SHA3_256, 1, d);
	put_block(&list, COMPACT_METADATA, 1, HASH_ALGO_SHA3_256, 1, d);
	ASSERT_EQ(0, counts_get(&base));
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0, counts_get(&counts));
	EXPECT_EQ(base.nr[COMPACT_PARSER] + 1, counts.nr[COMPACT_PARSER]);
	EXPECT_EQ(base.nr[COMPACT_FILE] + 2, counts.nr[COMPACT_FILE]);
	EXPECT_EQ(base.nr[COMPACT_METADATA] + 1, counts.nr[COMPACT_METADATA]);
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	ASSERT_EQ(0, counts_get(&counts));
	EXPECT_EQ(0, memcmp(&base, &counts, sizeof(base)));
	dbuf_free(&list);
}

/*
 * Reads an open view whole: 0 if it matches @expected, 1 if it does not,
 * or -errno if it cannot be read.
 */
static int read_view_fd(const int fd, const struct dbuf *const expected,
			struct dbuf *const got)
{
	const int err = pread_all(fd, 0, got);

	if (err)
		return err;
	return got->len == expected->len &&
			       !memcmp(got->data, expected->data, got->len) ?
		       0 :
		       1;
}

static void view_survives_delete(struct __test_metadata *const _metadata,
				 struct model *const self)
{
	const struct model_list *const l = &self->lists[4];
	char path[PATH_MAX];
	struct dbuf ascii = {};
	int bin_fd, ascii_fd, err;

	ascii_view(l->data.data, l->data.len, 0, &ascii);
	ASSERT_EQ(0, diglim_add_file(l->path));
	loaded_path(path, l->name);
	bin_fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, bin_fd);
	strcat(path, DIGLIM_ASCII_SUFFIX);
	ascii_fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ascii_fd);
	ASSERT_EQ(0, read_view_fd(bin_fd, &l->data, &self->got));
	ASSERT_EQ(0, read_view_fd(ascii_fd, &ascii, &self->got));

	/* Deleted while open: no entry, but no stale or partial data either. */
	ASSERT_EQ(0, diglim_del_file(l->path));
	expected_names(self, &self->want);
	ASSERT_EQ(0, names_get(&self->got));
	EXPECT_STREQ(dbuf_str(&self->want), dbuf_str(&self->got))
	{
		TH_LOG("views of a deleted list still listed while open");
	}
	EXPECT_NE(1, read_view_fd(bin_fd, &l->data, &self->got));
	EXPECT_NE(1, read_view_fd(ascii_fd, &ascii, &self->got));

	/* Loaded again: the old files still see the old list, or nothing. */
	err = diglim_add_file(l->path);
	EXPECT_EQ(0, err)
	{
		TH_LOG("list not loaded again while its old views are open: %s",
		       strerror(-err));
	}
	EXPECT_NE(1, read_view_fd(bin_fd, &l->data, &self->got));
	close(bin_fd);
	close(ascii_fd);
	if (!err)
		ASSERT_EQ(0, diglim_del_file(l->path));
	check_state(_metadata, self, NULL, false);
	dbuf_free(&ascii);
}

#define NR_WRITERS 2
#define LISTS_PER_WRITER 3

/* Name a list gets from writer @w: by path (label) or by buffer ("parser"). */
static void concurrent_name(const struct model_list *const l, const int w,
			    char *const name)
{
	entry_name_digest(name, l->digest, w ? DIGLIM_DEFAULT_LABEL : l->label);
}

/*
 * Writer @w adds and deletes its lists: writer 0 by path, writer 1 by
 * buffer with the default label (the label is global: only one writer may
 * rely on it).  Returns the number of failed uploads.
 */
static int concurrent_writer(struct model *const self, const int w,
			     const unsigned long nr_iter)
{
	const struct model_list *l;
	unsigned long it;
	int k, op, err, failures = 0;

	for (it = 0; it < nr_iter; it++) {
		for (op = DIGEST_LIST_ADD; op <= DIGEST_LIST_DEL; op++) {
			for (k = 0; k < LISTS_PER_WRITER; k++) {
				l = &self->lists[w * LISTS_PER_WRITER + k];
				err = w ? diglim_upload(op, l->data.data,
							l->data.len) :
					  diglim_upload_file(op, l->path);
				if (!err)
					continue;
				fprintf(stderr, "# writer %d: %s of %s: %s\n",
					w,
					op == DIGEST_LIST_ADD ? "add" : "del",
					l->name, strerror(-err));
				failures++;
			}
		}
	}
	return failures;
}

/*
 * Checks, while the writers run, what must hold at any time: a list digest
 * is either not found or found as its list, an open view holds the whole
 * list, digests_count is well formed.  Returns the number of violations.
 */
static int concurrent_reader(struct model *const self, int *const stop)
{
	struct dbuf expected = {}, ascii = {}, got = {};
	struct diglim_counts counts;
	char name[NAME_MAX + 1], path[PATH_MAX];
	unsigned long rounds = 0;
	int w, k, fd, err, failures = 0;
	const struct model_list *l;

	while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE) && failures < 10) {
		rounds++;
		for (w = 0; w < NR_WRITERS; w++) {
			for (k = 0; k < LISTS_PER_WRITER; k++) {
				l = &self->lists[w * LISTS_PER_WRITER + k];
				concurrent_name(l, w, name);
				dbuf_reset(&expected);
				query_list_line(&expected, name, 0,
						l->data.len);
				err = query_digest(list_algo, l->digest, &got);
				if (err ||
				    (got.len && strcmp(dbuf_str(&got),
						       dbuf_str(&expected)))) {
					fprintf(stderr, "# query %s: %s[%s]\n",
						name, strerror(-err),
						dbuf_str(&got));
					failures++;
				}
				loaded_path(path, name);
				fd = open(path, O_RDONLY | O_CLOEXEC);
				if (fd >= 0) {
					if (read_view_fd(fd, &l->data, &got) ==
					    1) {
						fprintf(stderr,
							"# binary view %s\n",
							name);
						failures++;
					}
					close(fd);
				}
				strcat(path, DIGLIM_ASCII_SUFFIX);
				fd = open(path, O_RDONLY | O_CLOEXEC);
				if (fd >= 0) {
					ascii_view(l->data.data, l->data.len, 0,
						   &ascii);
					if (read_view_fd(fd, &ascii, &got) ==
					    1) {
						fprintf(stderr,
							"# ascii view %s\n",
							name);
						failures++;
					}
					close(fd);
				}
			}
		}
		if (counts_get(&counts)) {
			fprintf(stderr, "# digests_count malformed\n");
			failures++;
		}
	}
	fprintf(stderr, "# reader: %lu rounds\n", rounds);
	dbuf_free(&expected);
	dbuf_free(&ascii);
	dbuf_free(&got);
	return failures;
}

static void concurrent(struct __test_metadata *const _metadata,
		       struct model *const self)
{
	const unsigned long nr_iter = scaled(8);
	pid_t writers[NR_WRITERS], reader;
	int *stop;
	int w, status;

	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	*stop = 0;
	ASSERT_EQ(0, clear_label());
	reader = fork();
	ASSERT_LE(0, reader);
	if (!reader)
		_exit(concurrent_reader(self, stop) ? 1 : 0);
	for (w = 0; w < NR_WRITERS; w++) {
		writers[w] = fork();
		ASSERT_LE(0, writers[w]);
		if (!writers[w])
			_exit(concurrent_writer(self, w, nr_iter) ? 1 : 0);
	}
	for (w = 0; w < NR_WRITERS; w++) {
		ASSERT_EQ(writers[w], waitpid(writers[w], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		{
			TH_LOG("writer %d failed", w);
		}
	}
	__atomic_store_n(stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(reader, waitpid(reader, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
	{
		TH_LOG("reader saw an inconsistent state");
	}
	/* Everything was deleted again. */
	check_state(_metadata, self, NULL, true);
	munmap(stop, sizeof(*stop));
}

FIXTURE_SETUP(lists)
{
	model_setup(_metadata, &self->m);
}

FIXTURE_TEARDOWN(lists)
{
	model_teardown(_metadata, &self->m);
}

TEST_F_TIMEOUT(lists, random_add_del, 300)
{
	random_add_del(_metadata, &self->m);
}

TEST_F_TIMEOUT(lists, random_malformed, 300)
{
	random_malformed(_metadata, &self->m);
}

TEST_F_TIMEOUT(lists, odd_reads, 120)
{
	odd_reads(_metadata, &self->m);
}

TEST_F(lists, shared_digests)
{
	shared_digests(_metadata, &self->m);
}

TEST_F(lists, distinct_per_type_and_algo)
{
	distinct_per_type_and_algo(_metadata, &self->m);
}

TEST_F(lists, view_survives_delete)
{
	view_survives_delete(_metadata, &self->m);
}

TEST_F_TIMEOUT(lists, concurrent, 120)
{
	concurrent(_metadata, &self->m);
}

TEST_HARNESS_MAIN
