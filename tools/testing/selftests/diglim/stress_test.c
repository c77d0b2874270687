// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Concurrency stress test
 *
 * Seven threads hit every interface at once for a bounded time:
 *
 * - three writers add and delete their own lists (two by path, one by raw
 *   buffer with the default label), now and then repeating an operation to
 *   check -EEXIST and -ENOENT;
 * - a querier asks for random digests (shared by several lists, unique to
 *   one, list digests) and checks that every answer line belongs to a list
 *   that holds the digest;
 * - a view reader opens random .bin and .ascii views and reads them in
 *   small pieces with pauses, while the writers delete and re-add them;
 * - a deleter loads its own list, opens both views, reads half of each,
 *   deletes the list, checks that the entries and the query answer are gone,
 *   then reads the rest: an open view must stay whole;
 * - a counter reads digests_count and checks its format and bounds.
 *
 * Lists share digests so that index chains hold entries of several lists.
 * When the time is up the state must match the model of the writers:
 * digests_count, digest_lists_loaded and every query answer.
 *
 * DIGLIM_STRESS_SECONDS=<n> sets the duration (default 5; "make stress" runs
 * it for longer on the debug kernel).  DIGLIM_SEED=<n> fixes the data.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "common.h"

#define NR_WRITERS 3
#define LISTS_PER_WRITER 4
/* The writers' lists, then the deleter's. */
#define NR_LISTS (NR_WRITERS * LISTS_PER_WRITER + 1)
#define DELETER_LIST (NR_LISTS - 1)
#define POOL_SIZE 6
#define MAX_BLOCKS 3
#define MAX_COUNT 12
#define DEFAULT_SECONDS 5
#define MAX_ERRORS 10

static const enum hash_algo stress_algos[] = {
	HASH_ALGO_SHA256, HASH_ALGO_SHA1, HASH_ALGO_SHA512, HASH_ALGO_SHA3_256,
	HASH_ALGO_MD5,
};

#define NR_ALGOS ARRAY_SIZE(stress_algos)

struct stress_list {
	struct dbuf data;
	char label[32];
	char path[PATH_MAX];
	char name[NAME_MAX + 1];
	__u8 digest[MAX_DIGEST_SIZE];
	bool by_buffer;
	/* Written only by the owner thread while the threads run. */
	bool loaded;
};

struct qdigest {
	__u16 algo;
	__u8 bytes[MAX_DIGEST_SIZE];
};

struct counters {
	unsigned long adds, dels, eexist, enoent;
	unsigned long queries, answer_lines;
	unsigned long bin_reads, ascii_reads, absent, read_bytes;
	unsigned long deleted_open;
	unsigned long counts;
};

struct stress;

struct worker {
	struct stress *s;
	pthread_t thread;
	int id;
	__u64 rng;
	struct counters c;
	int errors;
	char first_error[256];
};

struct stress {
	char dir[sizeof(TMP_TEMPLATE)];
	struct dbuf baseline;
	struct diglim_counts base_counts;
	struct stress_list lists[NR_LISTS];
	__u8 pool[NR_ALGOS][POOL_SIZE][MAX_DIGEST_SIZE];
	struct qdigest *universe;
	size_t nr_universe;
	/* Distinct digests per type over all lists: bounds for the counter. */
	unsigned long max_new[COMPACT__LAST];
	struct timespec deadline;
	int stop;
	__u64 seed;
	struct worker workers[NR_WRITERS + 4];
};

static __printf(2, 3) void fail(struct worker *const w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!w->errors++)
		vsnprintf(w->first_error, sizeof(w->first_error), fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	fprintf(stderr, "# thread %d: ", w->id);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static bool time_up(struct stress *const s)
{
	struct timespec now;

	if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
		return true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > s->deadline.tv_sec ||
	       (now.tv_sec == s->deadline.tv_sec &&
		now.tv_nsec >= s->deadline.tv_nsec);
}

static bool worker_done(struct worker *const w)
{
	return w->errors >= MAX_ERRORS || time_up(w->s);
}

/* Replaces every "(actions: N)" or "actions: N," value by 0. */
static void normalize_actions(struct dbuf *const b)
{
	char *p = (char *)dbuf_str(b), *digits, *end;

	while ((p = strstr(p, "actions: "))) {
		digits = p + strlen("actions: ");
		end = digits;
		while (*end >= '0' && *end <= '9')
			end++;
		if (end > digits) {
			*digits = '0';
			memmove(digits + 1, end, strlen(end) + 1);
			b->len -= end - digits - 1;
		}
		p = digits;
	}
}

static void universe_add(struct stress *const s, const __u16 algo,
			 const __u8 *const bytes)
{
	struct qdigest *q;

	s->universe = xrealloc(s->universe, (s->nr_universe + 1) * sizeof(*q));
	q = &s->universe[s->nr_universe++];
	memset(q, 0, sizeof(*q));
	q->algo = algo;
	memcpy(q->bytes, bytes, hash_algos[algo].size);
}

static void gen_list(struct stress *const s, __u64 *const rng,
		     struct stress_list *const l)
{
	const int nr_blocks = 1 + prng_below(rng, MAX_BLOCKS);
	__u8 digests[MAX_COUNT * MAX_DIGEST_SIZE];
	int b;
	__u32 i;

	for (b = 0; b < nr_blocks; b++) {
		const unsigned int ai = prng_below(rng, NR_ALGOS);
		const enum hash_algo algo = stress_algos[ai];
		const unsigned int size = hash_algos[algo].size;
		const __u32 count = prng_below(rng, MAX_COUNT + 1);

		for (i = 0; i < count; i++) {
			__u8 *const d = digests + i * size;
			const unsigned int r = prng_below(rng, 10);

			if (r < 5) {
				memcpy(d, s->pool[ai][prng_below(rng, POOL_SIZE)],
				       size);
			} else if (r < 6 && i) {
				memcpy(d, digests + prng_below(rng, i) * size,
				       size);
			} else {
				prng_fill(rng, d, size);
				universe_add(s, algo, d);
			}
		}
		put_block(&l->data, prng_below(rng, COMPACT_DIGEST_LIST),
			  prng_below(rng, 2), algo, count, digests);
	}
}

/* Expected answer lines (actions 0) for @q over the lists in @loaded. */
static void expected_answer(struct stress *const s, const struct qdigest *q,
			    const bool *const loaded, struct dbuf *const out)
{
	const unsigned int size = hash_algos[q->algo].size;
	struct block blk;
	size_t off;
	__u32 i;
	int k;

	dbuf_reset(out);
	for (k = 0; k < NR_LISTS; k++) {
		const struct stress_list *const l = &s->lists[k];

		if (loaded && !loaded[k])
			continue;
		off = 0;
		while (next_block(l->data.data, l->data.len, &off, &blk) > 0) {
			if (blk.algo != q->algo)
				continue;
			for (i = 0; i < blk.count; i++)
				if (!memcmp(blk.digests + i * size, q->bytes,
					    size))
					query_line(out, l->name, 0, &blk);
		}
		if (q->algo == list_algo && !memcmp(l->digest, q->bytes, size))
			query_list_line(out, l->name, 0, l->data.len);
	}
}

/* Sorts the lines of @b in place, for comparisons as multisets. */
static void sort_lines(struct dbuf *const b)
{
	char *copy = xstrdup(dbuf_str(b)), *save, *line, **lines = NULL;
	size_t nr = 0, i;

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lines = xrealloc(lines, (nr + 1) * sizeof(*lines));
		lines[nr++] = line;
	}
	qsort(lines, nr, sizeof(*lines), cmp_names);
	dbuf_reset(b);
	for (i = 0; i < nr; i++)
		dbuf_printf(b, "%s\n", lines[i]);
	free(lines);
	free(copy);
}

/* True if every line of @got occurs in @allowed at least as often. */
static bool lines_subset(struct dbuf *const got, struct dbuf *const allowed)
{
	char *copy = xstrdup(dbuf_str(allowed)), *line, *next, *p;
	const char *g = dbuf_str(got);
	bool ok = true;

	while (*g && ok) {
		const char *const nl = strchr(g, '\n');
		const size_t len = nl ? (size_t)(nl - g) : strlen(g);

		ok = false;
		for (line = copy; line && *line; line = next) {
			p = strchr(line, '\n');
			next = p ? p + 1 : NULL;
			if (p && (size_t)(p - line) == len &&
			    !memcmp(line, g, len)) {
				/* Used up: blank it out. */
				*line = '\x01';
				ok = true;
				break;
			}
		}
		g += len + (nl ? 1 : 0);
	}
	free(copy);
	return ok;
}

static int upload(struct stress_list *const l, const enum ops op)
{
	return l->by_buffer ? diglim_upload(op, l->data.data, l->data.len) :
			      diglim_upload_file(op, l->path);
}

static void *writer_thread(void *arg)
{
	struct worker *const w = arg;
	struct stress *const s = w->s;
	struct stress_list *l;
	int err;

	while (!worker_done(w)) {
		l = &s->lists[w->id * LISTS_PER_WRITER +
			      prng_below(&w->rng, LISTS_PER_WRITER)];
		if (!prng_below(&w->rng, 8)) {
			/* The operation that must fail. */
			err = upload(l, l->loaded ? DIGEST_LIST_ADD :
						    DIGEST_LIST_DEL);
			if (err != (l->loaded ? -EEXIST : -ENOENT))
				fail(w, "%s of %s %s: %s",
				     l->loaded ? "add" : "del",
				     l->loaded ? "loaded" : "absent", l->name,
				     strerror(-err));
			l->loaded ? w->c.eexist++ : w->c.enoent++;
			continue;
		}
		err = upload(l, l->loaded ? DIGEST_LIST_DEL : DIGEST_LIST_ADD);
		if (err) {
			fail(w, "%s of %s: %s", l->loaded ? "del" : "add",
			     l->name, strerror(-err));
			continue;
		}
		l->loaded ? w->c.dels++ : w->c.adds++;
		l->loaded = !l->loaded;
	}
	return NULL;
}

static void *query_thread(void *arg)
{
	struct worker *const w = arg;
	struct stress *const s = w->s;
	struct dbuf got = {}, allowed = {};
	const struct qdigest *q;
	struct qdigest lq = {};
	int fd, err;

	fd = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail(w, "open digest_query: %s", strerror(errno));
		return NULL;
	}
	while (!worker_done(w)) {
		if (prng_below(&w->rng, 4)) {
			q = &s->universe[prng_below(&w->rng, s->nr_universe)];
		} else {
			/* The digest of a list. */
			lq.algo = list_algo;
			memcpy(lq.bytes,
			       s->lists[prng_below(&w->rng, NR_LISTS)].digest,
			       hash_algos[list_algo].size);
			q = &lq;
		}
		err = query_digest_fd(fd, q->algo, q->bytes, &got);
		w->c.queries++;
		if (err) {
			fail(w, "query: %s", strerror(-err));
			continue;
		}
		normalize_actions(&got);
		expected_answer(s, q, NULL, &allowed);
		if (!lines_subset(&got, &allowed))
			fail(w, "answer not from the lists holding the digest:\n%s",
			     dbuf_str(&got));
		w->c.answer_lines += got.len ? 1 : 0;
	}
	close(fd);
	dbuf_free(&got);
	dbuf_free(&allowed);
	return NULL;
}

/* Reads @fd from offset 0 in random pieces, pausing between them. */
static int read_slowly(struct worker *const w, const int fd,
		       struct dbuf *const out, const bool first_half_only)
{
	size_t piece;
	ssize_t ret;

	if (!first_half_only)
		dbuf_reset(out);
	for (;;) {
		piece = 1 + prng_below(&w->rng, 700);
		dbuf_reserve(out, piece);
		ret = pread(fd, out->data + out->len, piece, out->len);
		if (ret < 0)
			return -errno;
		if (!ret)
			break;
		out->len += ret;
		w->c.read_bytes += ret;
		if (!prng_below(&w->rng, 4))
			usleep(prng_below(&w->rng, 300));
		else
			sched_yield();
		if (first_half_only && out->len >= 64)
			break;
	}
	dbuf_str(out);
	return 0;
}

static int check_view(struct worker *const w, const struct stress_list *l,
		      const bool ascii, struct dbuf *const got,
		      struct dbuf *const want)
{
	if (ascii) {
		normalize_actions(got);
		ascii_view(l->data.data, l->data.len, 0, want);
	} else {
		dbuf_reset(want);
		dbuf_append(want, l->data.data, l->data.len);
	}
	if (got->len == want->len && !memcmp(got->data, want->data, got->len))
		return 0;
	fail(w, "%s view of %s: %zu bytes, expected %zu", ascii ? "ascii" : "bin",
	     l->name, got->len, want->len);
	return -1;
}

static void *view_thread(void *arg)
{
	struct worker *const w = arg;
	struct stress *const s = w->s;
	struct dbuf got = {}, want = {};
	const struct stress_list *l;
	char path[PATH_MAX];
	bool ascii;
	int fd, err;

	while (!worker_done(w)) {
		l = &s->lists[prng_below(&w->rng, NR_LISTS)];
		ascii = prng_below(&w->rng, 2);
		loaded_path(path, l->name);
		if (ascii)
			strcat(path, DIGLIM_ASCII_SUFFIX);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT)
				fail(w, "open %s: %s", path, strerror(errno));
			w->c.absent++;
			continue;
		}
		err = read_slowly(w, fd, &got, false);
		close(fd);
		if (err) {
			fail(w, "read %s: %s", path, strerror(-err));
			continue;
		}
		ascii ? w->c.ascii_reads++ : w->c.bin_reads++;
		check_view(w, l, ascii, &got, &want);
	}
	dbuf_free(&got);
	dbuf_free(&want);
	return NULL;
}

static void *deleter_thread(void *arg)
{
	struct worker *const w = arg;
	struct stress *const s = w->s;
	struct stress_list *const l = &s->lists[DELETER_LIST];
	struct dbuf got[2] = {}, want = {}, answer = {};
	char path[2][PATH_MAX];
	int fd[2], i, err;

	loaded_path(path[0], l->name);
	loaded_path(path[1], l->name);
	strcat(path[1], DIGLIM_ASCII_SUFFIX);
	while (!worker_done(w)) {
		err = diglim_add_file(l->path);
		if (err) {
			fail(w, "add %s: %s", l->name, strerror(-err));
			continue;
		}
		l->loaded = true;
		w->c.adds++;
		for (i = 0; i < 2; i++) {
			dbuf_reset(&got[i]);
			fd[i] = open(path[i], O_RDONLY | O_CLOEXEC);
			if (fd[i] < 0)
				fail(w, "open %s: %s", path[i],
				     strerror(errno));
			else if (read_slowly(w, fd[i], &got[i], true))
				fail(w, "read %s", path[i]);
		}
		err = diglim_del_file(l->path);
		if (err)
			fail(w, "del %s: %s", l->name, strerror(-err));
		else
			l->loaded = false;
		w->c.dels++;
		/* Gone from the directory and from the index... */
		for (i = 0; i < 2; i++)
			if (!access(path[i], F_OK))
				fail(w, "%s still listed after deletion",
				     path[i]);
		err = query_digest(list_algo, l->digest, &answer);
		if (err || answer.len)
			fail(w, "list digest still found after deletion: %s%s",
			     strerror(-err), dbuf_str(&answer));
		/* ... but what is open stays readable, whole. */
		for (i = 0; i < 2; i++) {
			if (fd[i] < 0)
				continue;
			if (read_slowly(w, fd[i], &got[i], false))
				fail(w, "read %s after deletion", path[i]);
			else if (!check_view(w, l, i, &got[i], &want))
				w->c.deleted_open++;
			close(fd[i]);
		}
	}
	for (i = 0; i < 2; i++)
		dbuf_free(&got[i]);
	dbuf_free(&want);
	dbuf_free(&answer);
	return NULL;
}

static void *count_thread(void *arg)
{
	struct worker *const w = arg;
	struct stress *const s = w->s;
	struct diglim_counts c;
	int t, err;

	while (!worker_done(w)) {
		err = counts_get(&c);
		w->c.counts++;
		if (err) {
			fail(w, "digests_count: %s", strerror(-err));
			continue;
		}
		for (t = 0; t < COMPACT__LAST; t++)
			if (c.nr[t] < s->base_counts.nr[t] ||
			    c.nr[t] > s->base_counts.nr[t] + s->max_new[t])
				fail(w, "%s digests: %llu, not in [%llu, %llu]",
				     type_names[t], c.nr[t],
				     s->base_counts.nr[t],
				     s->base_counts.nr[t] + s->max_new[t]);
		sched_yield();
	}
	return NULL;
}

/* One occurrence of a digest: what the index is keyed by, per type. */
struct key {
	__u16 type;
	__u16 algo;
	__u8 bytes[MAX_DIGEST_SIZE];
};

static int cmp_keys(const void *const a, const void *const b)
{
	return memcmp(a, b, sizeof(struct key));
}

/* Distinct (algorithm, digest) keys per type over the lists in @loaded. */
static void model_counts(struct stress *const s, const bool *const loaded,
			 unsigned long *const nr)
{
	struct key *keys = NULL;
	size_t nr_keys = 0, i, off;
	struct block blk;
	__u32 j;
	int k;

	memset(nr, 0, COMPACT__LAST * sizeof(*nr));
	for (k = 0; k < NR_LISTS; k++) {
		const struct stress_list *const l = &s->lists[k];

		if (!loaded[k])
			continue;
		nr[COMPACT_DIGEST_LIST]++;
		off = 0;
		while (next_block(l->data.data, l->data.len, &off, &blk) > 0) {
			const unsigned int size = hash_algos[blk.algo].size;

			for (j = 0; j < blk.count; j++) {
				keys = xrealloc(keys,
						(nr_keys + 1) * sizeof(*keys));
				memset(&keys[nr_keys], 0, sizeof(*keys));
				keys[nr_keys].type = blk.type;
				keys[nr_keys].algo = blk.algo;
				memcpy(keys[nr_keys].bytes,
				       blk.digests + j * size, size);
				nr_keys++;
			}
		}
	}
	qsort(keys, nr_keys, sizeof(*keys), cmp_keys);
	for (i = 0; i < nr_keys; i++)
		if (!i || cmp_keys(&keys[i - 1], &keys[i]))
			nr[keys[i].type]++;
	free(keys);
}

static void check_model(struct __test_metadata *const _metadata,
			struct stress *const s)
{
	struct dbuf names = {}, want = {}, got = {};
	struct diglim_counts c, expected;
	unsigned long nr[COMPACT__LAST];
	bool loaded[NR_LISTS];
	char name[PATH_MAX];
	struct qdigest lq;
	size_t i;
	int k, t;

	for (k = 0; k < NR_LISTS; k++)
		loaded[k] = s->lists[k].loaded;
	model_counts(s, loaded, nr);
	for (t = 0; t < COMPACT__LAST; t++)
		expected.nr[t] = s->base_counts.nr[t] + nr[t];
	ASSERT_EQ(0, counts_get(&c));
	counts_format(&expected, &want);
	counts_format(&c, &got);
	EXPECT_STREQ(dbuf_str(&want), dbuf_str(&got));

	dbuf_reset(&want);
	dbuf_append(&want, s->baseline.data, s->baseline.len);
	for (k = 0; k < NR_LISTS; k++) {
		if (!loaded[k])
			continue;
		snprintf(name, sizeof(name), "%s\n%s%s\n", s->lists[k].name,
			 s->lists[k].name, DIGLIM_ASCII_SUFFIX);
		dbuf_append(&want, name, strlen(name));
	}
	sort_lines(&want);
	ASSERT_EQ(0, names_get(&names));
	EXPECT_STREQ(dbuf_str(&want), dbuf_str(&names));

	for (i = 0; i < s->nr_universe + NR_LISTS; i++) {
		const struct qdigest *q = &s->universe[i];

		if (i >= s->nr_universe) {
			lq.algo = list_algo;
			memcpy(lq.bytes, s->lists[i - s->nr_universe].digest,
			       hash_algos[list_algo].size);
			q = &lq;
		}
		expected_answer(s, q, loaded, &want);
		ASSERT_EQ(0, query_digest(q->algo, q->bytes, &got));
		normalize_actions(&got);
		sort_lines(&want);
		sort_lines(&got);
		EXPECT_STREQ(dbuf_str(&want), dbuf_str(&got))
		{
			TH_LOG("query answer of universe digest %zu", i);
		}
	}
	dbuf_free(&names);
	dbuf_free(&want);
	dbuf_free(&got);
}

FIXTURE(stress)
{
	struct stress s;
};

FIXTURE_SETUP(stress)
{
	struct stress *const s = &self->s;
	const char *const env = getenv("DIGLIM_SEED");
	bool all[NR_LISTS];
	unsigned int a, p;
	__u64 rng;
	int k;

	memset(s, 0, sizeof(*s));
	if (!setup_test_dir(_metadata, s->dir, &s->baseline))
		return;
	detect_list_algo(_metadata);
	ASSERT_EQ(0, counts_get(&s->base_counts));
	s->seed = env ? strtoull(env, NULL, 0) : random_seed();
	rng = s->seed;
	for (a = 0; a < NR_ALGOS; a++) {
		for (p = 0; p < POOL_SIZE; p++) {
			prng_fill(&rng, s->pool[a][p], MAX_DIGEST_SIZE);
			universe_add(s, stress_algos[a], s->pool[a][p]);
		}
	}
	for (k = 0; k < NR_LISTS; k++) {
		struct stress_list *const l = &s->lists[k];

		gen_list(s, &rng, l);
		/* The third writer uploads raw buffers, labelled "parser". */
		l->by_buffer = k / LISTS_PER_WRITER == 2 && k != DELETER_LIST;
		snprintf(l->label, sizeof(l->label), "%s",
			 l->by_buffer ? DIGLIM_DEFAULT_LABEL : "");
		if (!l->by_buffer) {
			snprintf(l->label, sizeof(l->label), "stress-%d", k);
			snprintf(l->path, sizeof(l->path), "%s/%s", s->dir,
				 l->label);
			ASSERT_EQ(0, write_file(l->path, l->data.data,
						l->data.len));
		}
		ASSERT_EQ(0, hash_buf(list_algo, l->data.data, l->data.len,
				      l->digest));
		entry_name_digest(l->name, l->digest, l->label);
		all[k] = true;
	}
	/* Upper bounds of digests_count while the threads run. */
	model_counts(s, all, s->max_new);
}

FIXTURE_TEARDOWN(stress)
{
	struct stress *const s = &self->s;
	int k;

	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	drop_lists(_metadata, &s->baseline);
	rm_tree(s->dir);
	for (k = 0; k < NR_LISTS; k++)
		dbuf_free(&s->lists[k].data);
	free(s->universe);
	dbuf_free(&s->baseline);
}

static void sum(struct counters *const total, const struct counters *c)
{
	total->adds += c->adds;
	total->dels += c->dels;
	total->eexist += c->eexist;
	total->enoent += c->enoent;
	total->queries += c->queries;
	total->answer_lines += c->answer_lines;
	total->bin_reads += c->bin_reads;
	total->ascii_reads += c->ascii_reads;
	total->absent += c->absent;
	total->read_bytes += c->read_bytes;
	total->deleted_open += c->deleted_open;
	total->counts += c->counts;
}

/* Long runs go through "make stress"; make check uses the default. */
TEST_F_TIMEOUT(stress, mixed, 3600)
{
	static void *(*const fns[])(void *) = {
		writer_thread, writer_thread, writer_thread, query_thread,
		view_thread,   deleter_thread, count_thread,
	};
	struct stress *const s = &self->s;
	const char *const env = getenv("DIGLIM_STRESS_SECONDS");
	const long seconds = env ? strtol(env, NULL, 10) : DEFAULT_SECONDS;
	struct counters total = {};
	struct timespec start, end;
	double secs;
	int i, errors = 0;

	ASSERT_LT(0, seconds);
	ASSERT_GT(3300, seconds)
	{
		TH_LOG("DIGLIM_STRESS_SECONDS beyond the test timeout");
	}
	ASSERT_EQ(ARRAY_SIZE(fns), ARRAY_SIZE(s->workers));
	TH_LOG("seed %#llx (DIGLIM_SEED), %ld s (DIGLIM_STRESS_SECONDS), %zu threads",
	       (unsigned long long)s->seed, seconds, ARRAY_SIZE(fns));
	clock_gettime(CLOCK_MONOTONIC, &start);
	s->deadline = start;
	s->deadline.tv_sec += seconds;
	for (i = 0; i < (int)ARRAY_SIZE(fns); i++) {
		struct worker *const w = &s->workers[i];

		w->s = s;
		w->id = i;
		w->rng = s->seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
		ASSERT_EQ(0, pthread_create(&w->thread, NULL, fns[i], w));
	}
	for (i = 0; i < (int)ARRAY_SIZE(fns); i++) {
		struct worker *const w = &s->workers[i];

		ASSERT_EQ(0, pthread_join(w->thread, NULL));
		sum(&total, &w->c);
		errors += w->errors;
		EXPECT_EQ(0, w->errors)
		{
			TH_LOG("thread %d: %d errors, first: %s", i, w->errors,
			       w->first_error);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	secs = (end.tv_sec - start.tv_sec) +
	       (end.tv_nsec - start.tv_nsec) / 1e9;
	ksft_print_msg("stress: %.1f s, adds %lu, dels %lu, EEXIST %lu, ENOENT %lu\n",
		       secs, total.adds, total.dels, total.eexist, total.enoent);
	ksft_print_msg("stress: queries %lu (%lu non-empty), digests_count reads %lu\n",
		       total.queries, total.answer_lines, total.counts);
	ksft_print_msg("stress: bin reads %lu, ascii reads %lu, absent views %lu\n",
		       total.bin_reads, total.ascii_reads, total.absent);
	ksft_print_msg("stress: bytes read %lu, views read whole after deletion %lu\n",
		       total.read_bytes, total.deleted_open);
	ASSERT_EQ(0, errors);
	/* Every kind of operation happened. */
	EXPECT_LT(0, total.adds);
	EXPECT_LT(0, total.dels);
	EXPECT_LT(0, total.queries);
	EXPECT_LT(0, total.bin_reads + total.ascii_reads);
	EXPECT_LT(0, total.deleted_open);
	EXPECT_LT(0, total.counts);

	check_model(_metadata, s);
}

TEST_HARNESS_MAIN
