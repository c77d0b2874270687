// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Benchmark helpers for "make bench" (CONFIG_DIGLIM_BENCH)
 *
 * debugfs diglim_bench/ (root only):
 *
 * - lookup: write a number N (at most 20000000) to build a private store of
 *   N distinct sha256 file digests, in lists of at most 2^20 digests, and
 *   time diglim_store_lookup(), the lookup IMA does for use_diglim=allow,
 *   for digests that are in the store (hits) and digests that are not
 *   (misses).  Each timed lookup uses a different digest, picked at random,
 *   so the index is not kept in the CPU caches by repetition.  The write
 *   returns when the store is freed again; read the result afterwards.
 * - memory: the memory the global store holds, allocation by allocation
 *   (ksize() of slab and large kmalloc objects, page-rounded vmalloc areas),
 *   to split what /proc/slabinfo, /proc/meminfo and /proc/vmallocinfo show.
 *
 * Nothing here is used by the rest of DIGLIM; the private store has no
 * securityfs entries and is never measured.
 */

#include "diglim.h"

#include <linux/bits.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <crypto/sha2.h>

/* Largest store the lookup benchmark builds (about 1.6 GB of memory). */
#define BENCH_MAX_DIGESTS 20000000UL
/* Digests per list: 32 MiB of sha256 digests, below the 64 MiB limit. */
#define BENCH_LIST_DIGESTS BIT(20)
/* Distinct digests looked up per timed run. */
#define BENCH_LOOKUPS 65536
/* Timed runs per kind of lookup; the median is reported. */
#define BENCH_RUNS 5

/* Digest streams: the stored digests and digests that are never stored. */
#define STREAM_STORED 1
#define STREAM_ABSENT 2

static DEFINE_MUTEX(bench_lock);
static char bench_result[256];

/* The splitmix64 finaliser: a bijection of u64. */
static u64 mix64(u64 z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Digest @n (< 2^40) of @stream: distinct (stream, n) pairs give distinct
 * first words, so a digest of one stream is never one of another.
 */
static void make_digest(u64 stream, u64 n, u8 *digest)
{
	__le64 w[SHA256_DIGEST_SIZE / sizeof(__le64)];
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(w); k++)
		w[k] = cpu_to_le64(mix64(stream << 56 | n << 2 | k));
	memcpy(digest, w, sizeof(w));
}

/* Adds digests [@first, @first + @nr) of STREAM_STORED as one list. */
static int add_bench_list(struct diglim_store *store, u64 first, u32 nr)
{
	struct diglim_request req = {
		.op = DIGEST_LIST_ADD,
		.label = "bench",
		.actions = BIT(COMPACT_ACTION_IMA_MEASURED) |
			   BIT(COMPACT_ACTION_IMA_APPRAISED),
	};
	struct compact_list_hdr *hdr;
	u8 *p;
	u32 i;

	req.size = sizeof(*hdr) + (size_t)nr * SHA256_DIGEST_SIZE;
	req.data = kvmalloc(req.size, GFP_KERNEL);
	if (!req.data)
		return -ENOMEM;

	hdr = req.data;
	hdr->version = 1;
	hdr->_reserved = 0;
	hdr->type = cpu_to_le16(COMPACT_FILE);
	hdr->modifiers = 0;
	hdr->algo = cpu_to_le16(HASH_ALGO_SHA256);
	hdr->count = cpu_to_le32(nr);
	hdr->datalen = cpu_to_le32(nr * SHA256_DIGEST_SIZE);
	p = req.data + sizeof(*hdr);
	for (i = 0; i < nr; i++, p += SHA256_DIGEST_SIZE) {
		make_digest(STREAM_STORED, first + i, p);
		if (!(i % 4096))
			cond_resched();
	}

	/* Consumes req.data. */
	return diglim_upload(store, &req);
}

static int cmp_u64(const void *a, const void *b)
{
	const u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Times BENCH_LOOKUPS lookups of distinct random digests of @stream, BENCH_RUNS
 * times.  Return: median time per lookup in picoseconds, or 0 if a lookup
 * gave the wrong answer.
 */
static u64 time_lookups(struct diglim_store *store, u8 *probes, u64 nr,
			u64 stream, u64 seed)
{
	const int expect = stream == STREAM_STORED ? 0 : -ENOENT;
	u64 runs[BENCH_RUNS], t0, t1;
	unsigned int run, i, wrong = 0;
	struct diglim_digest_info info;

	for (run = 0; run < BENCH_RUNS; run++) {
		for (i = 0; i < BENCH_LOOKUPS; i++) {
			u64 n = mix64(seed + (u64)run * BENCH_LOOKUPS + i);

			/* Hits: a random stored digest; misses: any. */
			if (stream == STREAM_STORED)
				n %= nr;
			else
				n &= GENMASK_ULL(39, 0);
			make_digest(stream, n, probes + i * SHA256_DIGEST_SIZE);
		}
		cond_resched();

		t0 = ktime_get_ns();
		for (i = 0; i < BENCH_LOOKUPS; i++)
			wrong += diglim_store_lookup(store,
						     probes + i * SHA256_DIGEST_SIZE,
						     HASH_ALGO_SHA256,
						     COMPACT_FILE, &info) != expect;
		t1 = ktime_get_ns();
		runs[run] = div_u64((t1 - t0) * 1000, BENCH_LOOKUPS);
	}

	if (wrong) {
		pr_err("bench: %u wrong lookup answers\n", wrong);
		return 0;
	}

	sort(runs, BENCH_RUNS, sizeof(runs[0]), cmp_u64, NULL);
	return runs[BENCH_RUNS / 2];
}

static int run_lookup_bench(u64 nr)
{
	struct diglim_index_stats stats;
	struct diglim_store *store;
	u64 first, t0, build, hit, miss;
	unsigned int nr_lists = 0;
	u8 *probes;
	int err;

	probes = kvmalloc_array(BENCH_LOOKUPS, SHA256_DIGEST_SIZE, GFP_KERNEL);
	store = kzalloc(sizeof(*store), GFP_KERNEL);
	if (!probes || !store) {
		err = -ENOMEM;
		goto out_free;
	}

	err = diglim_store_init(store);
	if (err)
		goto out_free;

	t0 = ktime_get_ns();
	for (first = 0; first < nr; first += BENCH_LIST_DIGESTS, nr_lists++) {
		err = add_bench_list(store, first,
				     min_t(u64, nr - first,
					   BENCH_LIST_DIGESTS));
		if (err) {
			pr_err("bench: adding list %u failed: %d\n", nr_lists,
			       err);
			goto out_destroy;
		}
	}
	build = ktime_get_ns() - t0;

	if (diglim_store_count(store, COMPACT_FILE) != nr) {
		err = -EIO;
		goto out_destroy;
	}
	mutex_lock(&store->lock);
	diglim_index_stats(store, COMPACT_FILE, &stats);
	mutex_unlock(&store->lock);

	hit = time_lookups(store, probes, nr, STREAM_STORED, 0x5eed0000);
	miss = time_lookups(store, probes, nr, STREAM_ABSENT, 0xabcd0000);
	if (!hit || !miss) {
		err = -EIO;
		goto out_destroy;
	}

	snprintf(bench_result, sizeof(bench_result),
		 "digests %llu lists %u buckets %llu slots %llu load %llu.%04llu build_ns_per_digest %llu hit_ps %llu miss_ps %llu miss_lines %llu.%03llu\n",
		 nr, nr_lists, stats.buckets, stats.slots,
		 div64_u64(stats.used, stats.slots),
		 div64_u64(stats.used * 10000, stats.slots) % 10000,
		 div64_u64(build, nr), hit, miss,
		 div_u64(stats.miss_lines_x1000, 1000),
		 stats.miss_lines_x1000 % 1000);

out_destroy:
	diglim_store_destroy(store);
out_free:
	kfree(store);
	kvfree(probes);
	return err;
}

static ssize_t lookup_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	u64 nr;
	int err;

	err = kstrtou64_from_user(ubuf, count, 0, &nr);
	if (err)
		return err;
	if (!nr || nr > BENCH_MAX_DIGESTS)
		return -EINVAL;

	if (mutex_lock_interruptible(&bench_lock))
		return -EINTR;
	bench_result[0] = '\0';
	err = run_lookup_bench(nr);
	mutex_unlock(&bench_lock);

	return err ?: count;
}

static ssize_t lookup_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_interruptible(&bench_lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, ppos, bench_result,
				      strlen(bench_result));
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct file_operations lookup_fops = {
	.owner = THIS_MODULE,
	.read = lookup_read,
	.write = lookup_write,
	.llseek = default_llseek,
};

/* Memory behind an allocation of @size bytes of diglim_data_alloc(). */
static size_t alloc_bytes(const void *p, size_t size)
{
	if (!p)
		return 0;
	if (is_vmalloc_addr(p))
		return PAGE_ALIGN(size);
	return ksize(p);
}

/**
 * struct bench_mem - Memory of the global store, by kind of allocation.
 * @lists: Loaded lists.
 * @occurrences: Digests in the lists, plus one per list for its digest.
 * @list_struct_bytes: Memory of the &struct diglim_list objects.
 * @data_len: Length of the stored list bytes.
 * @data_bytes: Memory of the stored list bytes.
 * @data_vmalloc: Part of @data_bytes in vmalloc areas.
 * @data_limit: The target for @data_bytes: the kmalloc size class of each
 *              list up to 8 KiB, its size plus a page above.
 * @id_leaves: xarray leaves (64 ids each) holding the list ids.
 * @index: Occupancy and memory of the index tables, all types summed.
 */
struct bench_mem {
	u64 lists;
	u64 occurrences;
	u64 list_struct_bytes;
	u64 data_len;
	u64 data_bytes;
	u64 data_vmalloc;
	u64 data_limit;
	u64 id_leaves;
	struct diglim_index_stats index;
};

static u64 list_digests(const struct diglim_list *list)
{
	const u32 *blocks = diglim_list_blocks(list);
	u64 n = 0;
	u32 i;

	for (i = 0; i < list->nr_blocks; i++) {
		const struct compact_list_hdr *hdr = list->data + blocks[i];

		n += le32_to_cpu(hdr->count);
	}
	return n;
}

static int memory_show(struct seq_file *m, void *v)
{
	struct diglim_store *store = &diglim_global_store;
	unsigned long id, last_leaf = ULONG_MAX;
	struct diglim_index_stats stats;
	struct bench_mem mem = {};
	struct diglim_list *list;
	int i;

	/* Pairs with smp_store_release() in diglim_store_init(). */
	if (!smp_load_acquire(&store->ready))
		return -ENODEV;
	if (mutex_lock_interruptible(&store->lock))
		return -EINTR;

	list_for_each_entry(list, &store->lists, node) {
		mem.lists++;
		mem.occurrences += list_digests(list) + 1;
		mem.list_struct_bytes += alloc_bytes(list, sizeof(*list));
		mem.data_len += list->size;
		mem.data_bytes += alloc_bytes(list->data, list->size);
		if (is_vmalloc_addr(list->data))
			mem.data_vmalloc += alloc_bytes(list->data, list->size);
		/* No page rounding of a small list: its kmalloc size class. */
		mem.data_limit += list->size > SZ_8K ?
				  list->size + PAGE_SIZE :
				  kmalloc_size_roundup(list->size);
	}
	/* The xarray leaves (64 ids each) the ids fall in. */
	xa_for_each(&store->ids, id, list) {
		if (id / XA_CHUNK_SIZE != last_leaf) {
			last_leaf = id / XA_CHUNK_SIZE;
			mem.id_leaves++;
		}
	}
	for (i = 0; i < COMPACT__LAST; i++) {
		diglim_index_stats(store, i, &stats);
		mem.index.buckets += stats.buckets;
		mem.index.slots += stats.slots;
		mem.index.used += stats.used;
		mem.index.tombstones += stats.tombstones;
		mem.index.bytes += stats.bytes;
	}
	mutex_unlock(&store->lock);

	seq_printf(m, "lists %llu\n", mem.lists);
	seq_printf(m, "occurrences %llu\n", mem.occurrences);
	seq_printf(m, "list_struct_bytes %llu\n", mem.list_struct_bytes);
	seq_printf(m, "list_struct_size %zu\n", sizeof(struct diglim_list));
	seq_printf(m, "data_len %llu\n", mem.data_len);
	seq_printf(m, "data_bytes %llu\n", mem.data_bytes);
	seq_printf(m, "data_vmalloc_bytes %llu\n", mem.data_vmalloc);
	seq_printf(m, "data_limit_bytes %llu\n", mem.data_limit);
	seq_printf(m, "table_buckets %llu\n", mem.index.buckets);
	seq_printf(m, "table_slots %llu\n", mem.index.slots);
	seq_printf(m, "table_used %llu\n", mem.index.used);
	seq_printf(m, "table_tombstones %llu\n", mem.index.tombstones);
	seq_printf(m, "table_bytes %llu\n", mem.index.bytes);
	/* Occurrence nodes are per store: every type reports them all. */
	seq_printf(m, "dup_nodes %llu\n", stats.dup_nodes);
	seq_printf(m, "dup_occurrences %llu\n", stats.dup_occurrences);
	seq_printf(m, "dup_bytes %llu\n", stats.dup_bytes);
	/* Leaves and their share of the parents: an estimate. */
	seq_printf(m, "ids_bytes %llu\n",
		   (mem.id_leaves + DIV_ROUND_UP(mem.id_leaves, XA_CHUNK_SIZE)) *
		   sizeof(struct xa_node));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memory);

static int __init diglim_bench_init(void)
{
	struct dentry *dir;

	dir = debugfs_create_dir("diglim_bench", NULL);
	debugfs_create_file("lookup", 0600, dir, NULL, &lookup_fops);
	debugfs_create_file("memory", 0400, dir, NULL, &memory_fops);
	return 0;
}
late_initcall(diglim_bench_init);
