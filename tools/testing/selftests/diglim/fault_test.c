// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Fault injection tests
 *
 * /proc/thread-self/fail-nth makes the n-th fault point reached by the
 * calling thread fail.  Every allocation DIGLIM makes on the add path is such
 * a point (the fail_diglim fault attribute), and with failslab's
 * ignore-gfp-wait off every slab allocation of the request is one too.
 * Uploads are repeated with n = 1, 2, ... until one runs without reaching
 * the n-th point: each failed upload must leave the state exactly as it was.
 */

#define _GNU_SOURCE
#include "common.h"

#define DEBUGFS_DIR "/sys/kernel/debug"
#define FAIL_DIGLIM_DIR DEBUGFS_DIR "/fail_diglim"
#define FAILSLAB_DIR DEBUGFS_DIR "/failslab"
#define FAIL_NTH_PATH "/proc/thread-self/fail-nth"
#define MAKE_IT_FAIL_PATH "/proc/self/make-it-fail"
#define MAX_FAULT_POINTS 10000
#define MAX_SAVED 16

struct saved_value {
	char path[PATH_MAX];
	struct dbuf value;
};

/* What both fixtures need: a scratch directory and settings to restore. */
struct fault_env {
	char dir[sizeof(TMP_TEMPLATE)];
	struct dbuf baseline;
	struct saved_value saved[MAX_SAVED];
	int nr_saved;
	int nth_fd;
	bool has_failslab;
};

/* Writes @value to the debugfs or procfs file @path, saving the old one. */
static int set_knob(struct fault_env *const env, const char *const path,
		    const char *const value)
{
	struct saved_value *const s = &env->saved[env->nr_saved];
	int err;

	if (env->nr_saved == MAX_SAVED)
		return -ENOSPC;
	err = read_file(path, &s->value);
	if (err)
		return err;
	err = sfs_write(path, value, strlen(value));
	if (err) {
		dbuf_free(&s->value);
		return err;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	env->nr_saved++;
	return 0;
}

static void restore_knobs(struct fault_env *const env)
{
	struct saved_value *s;

	while (env->nr_saved) {
		s = &env->saved[--env->nr_saved];
		sfs_write(s->path, s->value.data, s->value.len);
		dbuf_free(&s->value);
	}
}

static void env_setup(struct __test_metadata *const _metadata,
		      struct fault_env *const env, const bool need_failslab)
{
	char path[PATH_MAX];

	env->nth_fd = -1;
	if (!diglim_available())
		SKIP(return, "DIGLIM is not available");
	if (geteuid())
		SKIP(return, "must run as root");
	if (access(FAIL_NTH_PATH, F_OK))
		SKIP(return, "no %s (CONFIG_FAULT_INJECTION)", FAIL_NTH_PATH);
	if (access(FAIL_DIGLIM_DIR, F_OK))
		mount("debugfs", DEBUGFS_DIR, "debugfs", 0, NULL);
	env->has_failslab = !access(FAILSLAB_DIR, F_OK);
	if (access(FAIL_DIGLIM_DIR, F_OK)) {
		/* Fault attributes in debugfs, but not DIGLIM's. */
		ASSERT_FALSE(env->has_failslab)
		{
			TH_LOG("%s is missing", FAIL_DIGLIM_DIR);
		}
		SKIP(return, "no %s", FAIL_DIGLIM_DIR);
	}
	if (need_failslab && !env->has_failslab)
		SKIP(return, "no %s (CONFIG_FAILSLAB)", FAILSLAB_DIR);

	ASSERT_EQ(0, clear_label());
	memcpy(env->dir, TMP_TEMPLATE, sizeof(TMP_TEMPLATE));
	ASSERT_NE(NULL, mkdtemp(env->dir));
	ASSERT_EQ(0, names_get(&env->baseline));
	detect_list_algo(_metadata);
	env->nth_fd = open(FAIL_NTH_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, env->nth_fd);

	/* Keep the console quiet: no stack dump per injected fault. */
	snprintf(path, sizeof(path), "%s/verbose", FAIL_DIGLIM_DIR);
	ASSERT_EQ(0, set_knob(env, path, "0"));
	if (env->has_failslab) {
		snprintf(path, sizeof(path), "%s/verbose", FAILSLAB_DIR);
		ASSERT_EQ(0, set_knob(env, path, "0"));
	}
	if (need_failslab) {
		/* Make GFP_KERNEL slab allocations fault points too. */
		snprintf(path, sizeof(path), "%s/ignore-gfp-wait",
			 FAILSLAB_DIR);
		ASSERT_EQ(0, set_knob(env, path, "N"));
	}
}

static void env_teardown(struct __test_metadata *const _metadata,
			 struct fault_env *const env)
{
	if (env->nth_fd >= 0)
		close(env->nth_fd);
	restore_knobs(env);
	drop_lists(_metadata, &env->baseline);
	rm_tree(env->dir);
	dbuf_free(&env->baseline);
}

/* Everything an upload may change, as seen from user space. */
struct snapshot {
	struct dbuf counts;
	struct dbuf names;
	struct dbuf answers;
};

/* Queries go through one digest_query file per test process. */
static int snapshot_query_fd = -1;

static void snapshot_take(struct __test_metadata *const _metadata,
			  const struct dbuf *const list,
			  struct snapshot *const snap)
{
	__u8 digest[MAX_DIGEST_SIZE];
	struct dbuf answer = {};
	struct block blk;
	const __u8 *d;
	size_t off = 0;
	__u32 i;

	if (snapshot_query_fd < 0)
		snapshot_query_fd = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, snapshot_query_fd);
	ASSERT_EQ(0, read_file(DIGLIM_COUNT_PATH, &snap->counts));
	ASSERT_EQ(0, names_get(&snap->names));
	dbuf_reset(&snap->answers);
	while (next_block(list->data, list->len, &off, &blk) > 0) {
		for (i = 0; i < blk.count; i++) {
			d = blk.digests + i * hash_algos[blk.algo].size;
			ASSERT_EQ(0, query_digest_fd(snapshot_query_fd,
						     blk.algo, d, &answer));
			dbuf_append(&snap->answers, answer.data, answer.len);
		}
	}
	ASSERT_EQ(0, hash_buf(list_algo, list->data, list->len, digest));
	ASSERT_EQ(0, query_digest_fd(snapshot_query_fd, list_algo, digest,
				     &answer));
	dbuf_append(&snap->answers, answer.data, answer.len);
	dbuf_free(&answer);
}

static void snapshot_free(struct snapshot *const snap)
{
	dbuf_free(&snap->counts);
	dbuf_free(&snap->names);
	dbuf_free(&snap->answers);
}

static void assert_snapshot(struct __test_metadata *const _metadata,
			    const struct dbuf *const list,
			    struct snapshot *const expected,
			    const char *const what, const unsigned int n)
{
	struct snapshot now = {};

	snapshot_take(_metadata, list, &now);
	ASSERT_STREQ(dbuf_str(&expected->counts), dbuf_str(&now.counts))
	{
		TH_LOG("%s, fault %u: digests_count", what, n);
	}
	ASSERT_STREQ(dbuf_str(&expected->names), dbuf_str(&now.names))
	{
		TH_LOG("%s, fault %u: digest_lists_loaded", what, n);
	}
	ASSERT_STREQ(dbuf_str(&expected->answers), dbuf_str(&now.answers))
	{
		TH_LOG("%s, fault %u: digest_query", what, n);
	}
	snapshot_free(&now);
}

static int nth_set(const int fd, const unsigned int n)
{
	char buf[16];
	const int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

static unsigned int nth_get(const int fd)
{
	char buf[16] = {};

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return UINT_MAX;
	return strtoul(buf, NULL, 10);
}

struct upload {
	const struct dbuf *list;
	const char *path;
	bool by_path;
};

/*
 * Uploads with the @n-th fault point armed (0: none).  Returns -errno of
 * the write and in *@left what remains of the fail-nth countdown: non-zero
 * means the n-th point was never reached.
 */
static int faulty_upload(struct fault_env *const env, const enum ops op,
			 const struct upload *const up, const unsigned int n,
			 unsigned int *const left)
{
	const void *const buf = up->by_path ? (void *)up->path : up->list->data;
	const size_t len = up->by_path ? strlen(up->path) : up->list->len;
	ssize_t ret;
	int fd, err;

	if (!up->by_path) {
		err = set_label("fault");
		if (err)
			return err;
	}
	fd = open(op_path(op), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = nth_set(env->nth_fd, n);
	if (!err) {
		ret = write(fd, buf, len);
		err = ret < 0 ? -errno : ((size_t)ret == len ? 0 : -EMSGSIZE);
		*left = nth_get(env->nth_fd);
		nth_set(env->nth_fd, 0);
	}
	close(fd);
	return err;
}

struct fault_stats {
	unsigned int points;
	unsigned int failed;
	unsigned int tolerated;
	unsigned int enomem;
};

/*
 * Runs @op with every fault point in turn.  @from is the state before the
 * operation, @to the state after it succeeds; @undo_op takes it back.
 */
static void fault_loop(struct __test_metadata *const _metadata,
		       struct fault_env *const env, const enum ops op,
		       const struct upload *const up,
		       struct snapshot *const from, struct snapshot *const to,
		       struct fault_stats *const stats)
{
	const char *const what = op == DIGEST_LIST_ADD ? "add" : "del";
	const enum ops undo_op = op == DIGEST_LIST_ADD ? DIGEST_LIST_DEL :
							 DIGEST_LIST_ADD;
	unsigned int n, left;
	int err;

	memset(stats, 0, sizeof(*stats));
	for (n = 1; n < MAX_FAULT_POINTS; n++) {
		left = 0;
		err = faulty_upload(env, op, up, n, &left);
		if (!err) {
			assert_snapshot(_metadata, up->list, to, what, n);
			if (left)
				break;
			/* A failure the kernel recovered from. */
			stats->tolerated++;
			ASSERT_EQ(0, faulty_upload(env, undo_op, up, 0, &left));
			assert_snapshot(_metadata, up->list, from, what, n);
			continue;
		}
		ASSERT_EQ(0, left)
		{
			TH_LOG("%s failed (%s) without an injected fault", what,
			       strerror(-err));
		}
		stats->failed++;
		if (err == -ENOMEM)
			stats->enomem++;
		else
			TH_LOG("%s, fault %u: %s", what, n, strerror(-err));
		assert_snapshot(_metadata, up->list, from, what, n);
	}
	ASSERT_LT(n, MAX_FAULT_POINTS);
	stats->points = n - 1;
}

FIXTURE(fault)
{
	struct fault_env env;
};

FIXTURE_VARIANT(fault)
{
	const bool by_path;
	const bool failslab;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(fault, buffer) {
	/* clang-format on */
	.by_path = false,
	.failslab = false,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(fault, path) {
	/* clang-format on */
	.by_path = true,
	.failslab = false,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(fault, buffer_failslab) {
	/* clang-format on */
	.by_path = false,
	.failslab = true,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(fault, path_failslab) {
	/* clang-format on */
	.by_path = true,
	.failslab = true,
};

FIXTURE_SETUP(fault)
{
	env_setup(_metadata, &self->env, variant->failslab);
}

FIXTURE_TEARDOWN(fault)
{
	env_teardown(_metadata, &self->env);
}

TEST_F_TIMEOUT(fault, every_fault_point, 600)
{
	struct snapshot before = {}, after = {};
	struct fault_stats add, del;
	struct dbuf list = {};
	struct upload up = {
		.list = &list,
		.by_path = variant->by_path,
	};
	char path[PATH_MAX];
	unsigned int left;
	__u8 d[20];

	/* Several blocks, types and algorithms, a repeated digest. */
	random_bytes(d, sizeof(d));
	put_random_block(&list, COMPACT_PARSER, 0, HASH_ALGO_SHA256, 3);
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA1, 1, d);
	put_random_block(&list, COMPACT_FILE, 1, HASH_ALGO_SHA1, 3);
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA1, 1, d);
	put_random_block(&list, COMPACT_METADATA, 0, HASH_ALGO_SHA512, 2);
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SM3_256, 0, NULL);
	snprintf(path, sizeof(path), "%s/faulty", self->env.dir);
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	up.path = path;

	/* Reference states, without faults. */
	snapshot_take(_metadata, &list, &before);
	ASSERT_EQ(0, faulty_upload(&self->env, DIGEST_LIST_ADD, &up, 0, &left));
	snapshot_take(_metadata, &list, &after);
	ASSERT_EQ(0, faulty_upload(&self->env, DIGEST_LIST_DEL, &up, 0, &left));
	assert_snapshot(_metadata, &list, &before, "reference", 0);

	fault_loop(_metadata, &self->env, DIGEST_LIST_ADD, &up, &before, &after,
		   &add);
	/* DIGLIM's own allocations are fault points, whatever failslab does. */
	EXPECT_LT(0, add.points)
	{
		TH_LOG("no fault point on the add path");
	}
	/* The list is loaded now: deletion cannot fail once started. */
	fault_loop(_metadata, &self->env, DIGEST_LIST_DEL, &up, &after, &before,
		   &del);

	TH_LOG("add by %s%s: %u fault points, %u failed (%u ENOMEM), %u tolerated",
	       variant->by_path ? "path" : "buffer",
	       variant->failslab ? " with failslab" : "", add.points,
	       add.failed, add.enomem, add.tolerated);
	TH_LOG("del by %s%s: %u fault points, %u failed (%u ENOMEM), %u tolerated",
	       variant->by_path ? "path" : "buffer",
	       variant->failslab ? " with failslab" : "", del.points,
	       del.failed, del.enomem, del.tolerated);
	snapshot_free(&before);
	snapshot_free(&after);
	dbuf_free(&list);
}

FIXTURE(fail_attr)
{
	struct fault_env env;
};

FIXTURE_SETUP(fail_attr)
{
	env_setup(_metadata, &self->env, false);
}

FIXTURE_TEARDOWN(fail_attr)
{
	env_teardown(_metadata, &self->env);
}

TEST_F(fail_attr, task_filter)
{
	static const struct {
		const char *name;
		const char *value;
	} knobs[] = {
		{ "probability", "100" }, { "interval", "1" },
		{ "times", "-1" },	  { "space", "0" },
		{ "task-filter", "Y" },
	};
	struct snapshot before = {};
	struct dbuf list = {};
	char path[PATH_MAX];
	size_t i;
	int err;

	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 4);
	snapshot_take(_metadata, &list, &before);
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		snprintf(path, sizeof(path), "%s/%s", FAIL_DIGLIM_DIR,
			 knobs[i].name);
		ASSERT_EQ(0, set_knob(&self->env, path, knobs[i].value))
		{
			TH_LOG("cannot set %s", path);
		}
	}

	/* Only tasks with make-it-fail set see the faults. */
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	ASSERT_EQ(0, set_knob(&self->env, MAKE_IT_FAIL_PATH, "1"));
	err = diglim_add(list.data, list.len);
	ASSERT_EQ(0, sfs_write(MAKE_IT_FAIL_PATH, "0", 1));
	EXPECT_EQ(-ENOMEM, err);
	assert_snapshot(_metadata, &list, &before, "fail_diglim", 1);

	ASSERT_EQ(0, diglim_add(list.data, list.len));
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	snapshot_free(&before);
	dbuf_free(&list);
}

/* Sets fail_diglim to fail every fault point of the tasks that ask for it. */
static void fail_always(struct __test_metadata *const _metadata,
			struct fault_env *const env, const char *const prob)
{
	const struct {
		const char *name;
		const char *value;
	} knobs[] = {
		{ "probability", prob }, { "interval", "1" },
		{ "times", "-1" },	 { "space", "0" },
		{ "task-filter", "Y" },
	};
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		snprintf(path, sizeof(path), "%s/%s", FAIL_DIGLIM_DIR,
			 knobs[i].name);
		ASSERT_EQ(0, set_knob(env, path, knobs[i].value))
		{
			TH_LOG("cannot set %s", path);
		}
	}
}

/*
 * fail_diglim guards the allocations of an addition only: at probability
 * 100, every addition fails and every deletion of a loaded list succeeds,
 * by buffer and by path.
 */
TEST_F(fail_attr, deletion_never_fails)
{
	struct snapshot loaded = {}, empty = {};
	struct dbuf list = {};
	char path[PATH_MAX];
	int err_add, err_del;
	int by_path;

	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 4);
	snprintf(path, sizeof(path), "%s/always", self->env.dir);
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	snapshot_take(_metadata, &list, &empty);
	fail_always(_metadata, &self->env, "100");

	for (by_path = 0; by_path < 2; by_path++) {
		ASSERT_EQ(0, by_path ? diglim_add_file(path) :
				       diglim_add(list.data, list.len));
		snapshot_take(_metadata, &list, &loaded);

		ASSERT_EQ(0, set_knob(&self->env, MAKE_IT_FAIL_PATH, "1"));
		err_add = by_path ? diglim_add_file(path) :
				    diglim_add(list.data, list.len);
		err_del = by_path ? diglim_del_file(path) :
				    diglim_del(list.data, list.len);
		ASSERT_EQ(0, sfs_write(MAKE_IT_FAIL_PATH, "0", 1));
		/* Already loaded: the check comes after the first fault point. */
		EXPECT_EQ(-ENOMEM, err_add);
		EXPECT_EQ(0, err_del)
		{
			TH_LOG("deletion by %s: %s", by_path ? "path" : "buffer",
			       strerror(-err_del));
		}
		assert_snapshot(_metadata, &list, &empty, "deletion", by_path);

		ASSERT_EQ(0, set_knob(&self->env, MAKE_IT_FAIL_PATH, "1"));
		err_add = by_path ? diglim_add_file(path) :
				    diglim_add(list.data, list.len);
		ASSERT_EQ(0, sfs_write(MAKE_IT_FAIL_PATH, "0", 1));
		EXPECT_EQ(-ENOMEM, err_add);
		assert_snapshot(_metadata, &list, &empty, "addition", by_path);
		snapshot_free(&loaded);
	}
	snapshot_free(&empty);
	dbuf_free(&list);
}

/*
 * failslab can still fail the allocations a deletion makes before it
 * starts (the copy of the request, the read of the file): the deletion is
 * then refused with ENOMEM and the list stays loaded, as it was.
 */
TEST_F(fail_attr, failslab_before_deletion)
{
	struct snapshot loaded = {};
	struct dbuf list = {};
	unsigned int n, left, refused = 0;
	int err;

	if (!self->env.has_failslab)
		SKIP(return, "no %s (CONFIG_FAILSLAB)", FAILSLAB_DIR);
	ASSERT_EQ(0, set_knob(&self->env, FAILSLAB_DIR "/ignore-gfp-wait",
			      "N"));
	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 4);
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	snapshot_take(_metadata, &list, &loaded);
	for (n = 1; n < MAX_FAULT_POINTS; n++) {
		ASSERT_EQ(0, nth_set(self->env.nth_fd, n));
		err = diglim_del(list.data, list.len);
		left = nth_get(self->env.nth_fd);
		nth_set(self->env.nth_fd, 0);
		if (!err)
			break;
		/* The crypto API may turn a failed allocation into another errno. */
		if (err != -ENOMEM)
			TH_LOG("deletion, fault %u: %s", n, strerror(-err));
		refused++;
		assert_snapshot(_metadata, &list, &loaded, "failslab del", n);
	}
	EXPECT_LT(0, refused);
	TH_LOG("deletion: %u allocations before it starts, %s", refused,
	       left ? "then it succeeded" : "the last one tolerated");
	snapshot_free(&loaded);
	dbuf_free(&list);
}

#define RANDOM_LISTS 16

/*
 * The fault test of the 2021 series: random additions and deletions with
 * fail_diglim failing 1 percent of the fault points.  Every failed addition
 * leaves no trace (digests_count and digest_lists_loaded as before), every
 * deletion succeeds.  DIGLIM_SCALE shortens it.
 */
TEST_F_TIMEOUT(fail_attr, random_ops, 900)
{
	const unsigned long steps = scaled(10000);
	struct dbuf lists[RANDOM_LISTS] = {}, before = {}, after = {};
	struct dbuf names_before = {}, names_after = {};
	bool loaded[RANDOM_LISTS] = {};
	unsigned long step, adds = 0, failed = 0, dels = 0;
	__u64 seed = random_seed(), state = seed;
	int i, err;

	TH_LOG("seed %llu, %lu steps", (unsigned long long)seed, steps);
	for (i = 0; i < RANDOM_LISTS; i++) {
		put_random_block(&lists[i], COMPACT_FILE, 0, HASH_ALGO_SHA256,
				 1 + prng_below(&state, 8));
	}
	fail_always(_metadata, &self->env, "1");
	ASSERT_EQ(0, set_knob(&self->env, MAKE_IT_FAIL_PATH, "1"));

	for (step = 0; step < steps; step++) {
		i = prng_below(&state, RANDOM_LISTS);
		if (loaded[i]) {
			err = diglim_del(lists[i].data, lists[i].len);
			ASSERT_EQ(0, err)
			{
				TH_LOG("step %lu: deletion: %s", step,
				       strerror(-err));
			}
			loaded[i] = false;
			dels++;
			continue;
		}
		ASSERT_EQ(0, read_file(DIGLIM_COUNT_PATH, &before));
		ASSERT_EQ(0, names_get(&names_before));
		err = diglim_add(lists[i].data, lists[i].len);
		adds++;
		if (!err) {
			loaded[i] = true;
			continue;
		}
		ASSERT_EQ(-ENOMEM, err)
		{
			TH_LOG("step %lu: addition: %s", step, strerror(-err));
		}
		failed++;
		ASSERT_EQ(0, read_file(DIGLIM_COUNT_PATH, &after));
		ASSERT_EQ(0, names_get(&names_after));
		ASSERT_STREQ(dbuf_str(&before), dbuf_str(&after))
		{
			TH_LOG("step %lu: digests_count changed", step);
		}
		ASSERT_STREQ(dbuf_str(&names_before), dbuf_str(&names_after))
		{
			TH_LOG("step %lu: digest_lists_loaded changed", step);
		}
	}
	ASSERT_EQ(0, sfs_write(MAKE_IT_FAIL_PATH, "0", 1));
	TH_LOG("%lu additions (%lu failed), %lu deletions", adds, failed, dels);
	/* At 1 percent of about ten points per addition, some must fail. */
	EXPECT_LT(0, failed);
	for (i = 0; i < RANDOM_LISTS; i++) {
		if (loaded[i])
			EXPECT_EQ(0, diglim_del(lists[i].data, lists[i].len));
		dbuf_free(&lists[i]);
	}
	dbuf_free(&before);
	dbuf_free(&after);
	dbuf_free(&names_before);
	dbuf_free(&names_after);
}

TEST_HARNESS_MAIN
