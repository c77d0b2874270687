// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - digest_query: where a digest occurs
 *
 * A query written through an open file is answered on reads of that file,
 * so programs that write and read on one open file do not see each other's
 * answers; a file that wrote no query answers the last one written through
 * any file, as in 2021 ("echo sha256-<hex> > digest_query; cat
 * digest_query").
 *
 * Locking: each open file has a &struct query protected by its own mutex;
 * global_query is protected by global_query_lock, which nests inside it and
 * is the innermost lock.  Neither is taken with the store mutex held or
 * while taking it.  The answer is computed under RCU only.
 */

#include "diglim.h"

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* Longest valid query: "<algo>-<hex>\n\0". */
#define QUERY_MAX_LEN (CRYPTO_MAX_ALG_NAME + 1 + HASH_MAX_DIGESTSIZE * 2 + 2)

/**
 * struct query_key - A digest to look for.
 * @valid: A valid query was written (otherwise the answer is empty).
 * @algo: Hash algorithm of @digest.
 * @digest: Digest to look for.
 */
struct query_key {
	bool valid;
	enum hash_algo algo;
	u8 digest[HASH_MAX_DIGESTSIZE];
};

/* What a read of an open digest_query file answers. */
enum query_state {
	/* Nothing written through this file: the global query. */
	QUERY_GLOBAL,
	/* The last write through this file was a valid query. */
	QUERY_OWN,
	/* The last write through this file was malformed: nothing. */
	QUERY_NONE,
};

/*
 * The last query written through any open file, answered to the files that
 * wrote none.  It outlives its writer's close.  Protected by
 * global_query_lock, which nests inside &query.lock.
 */
static DEFINE_MUTEX(global_query_lock);
static struct query_key global_query;

/**
 * struct query - The query of one open digest_query file.
 * @lock: Protects the other members; global_query_lock nests inside it.
 * @state: Where the answer comes from.
 * @own: The query written through this file (%QUERY_OWN).
 * @pass: The query of the current read pass, taken when a read starts at
 *        offset 0, so that a pass gives one consistent answer.
 */
struct query {
	/* Protects the members below; global_query_lock nests inside. */
	struct mutex lock;
	enum query_state state;
	struct query_key own;
	struct query_key pass;
};

static void show_hit(struct seq_file *m, const struct diglim_hit *hit)
{
	const struct diglim_list *list = hit->list;
	const struct compact_list_hdr *hdr = hit->hdr;
	char name[NAME_MAX + 1];

	diglim_list_name(list, name, sizeof(name));
	seq_printf(m, "%s (actions: %u): ", name, list->actions);
	if (!hdr) {
		seq_printf(m, "type: %u, size: %u\n", COMPACT_DIGEST_LIST,
			   list->size);
		return;
	}

	seq_printf(m,
		   "version: %u, algo: %s, type: %u, modifiers: %u, count: %u, datalen: %u\n",
		   hdr->version, hash_algo_name[le16_to_cpu(hdr->algo)],
		   le16_to_cpu(hdr->type), le16_to_cpu(hdr->modifiers),
		   le32_to_cpu(hdr->count), le32_to_cpu(hdr->datalen));
}

/* Insertion order: by list (addition order), then position in the list. */
static int cmp_hits(const void *a, const void *b)
{
	const struct diglim_hit *x = a, *y = b;

	if (x->list->seq != y->list->seq)
		return x->list->seq < y->list->seq ? -1 : 1;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * Prints the occurrences of a digest in one index in insertion order.  The
 * index gives them in no particular order, so they are collected in an
 * array (sized by a first pass, allocated outside RCU, retried if more
 * appeared), sorted and printed under the RCU read lock that keeps their
 * lists valid.  While a deletion runs, the index may give an occurrence
 * twice: it is printed once.
 */
static int show_type(struct seq_file *m, enum compact_types type,
		     enum hash_algo algo, const u8 *digest)
{
	struct diglim_hit *found = NULL;
	unsigned int i, n, max = 0;

	for (;;) {
		rcu_read_lock();
		n = diglim_index_collect(&diglim_global_store, type, algo,
					 digest, found, max);
		if (n <= max)
			break;
		rcu_read_unlock();

		kvfree(found);
		max = n;
		found = kvmalloc_array(max, sizeof(*found),
				       GFP_KERNEL_ACCOUNT);
		if (!found)
			return -ENOMEM;
	}

	sort(found, n, sizeof(*found), cmp_hits, NULL);
	for (i = 0; i < n; i++) {
		if (i && found[i].list == found[i - 1].list &&
		    found[i].off == found[i - 1].off)
			continue;
		show_hit(m, &found[i]);
	}
	rcu_read_unlock();

	kvfree(found);
	return 0;
}

static int query_show(struct seq_file *m, void *v)
{
	struct query *query = m->private;
	enum compact_types type;
	struct query_key key;
	int err;

	mutex_lock(&query->lock);
	key = query->pass;
	mutex_unlock(&query->lock);

	if (!key.valid)
		return 0;

	for (type = 0; type < COMPACT__LAST; type++) {
		err = show_type(m, type, key.algo, key.digest);
		if (err)
			return err;
	}

	return 0;
}

/*
 * A read pass starts at offset 0: take the query it answers once, so that
 * seq_file re-running query_show() (for a bigger buffer) cannot mix two.
 */
static ssize_t query_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct seq_file *m = iocb->ki_filp->private_data;
	struct query *query = m->private;

	if (iocb->ki_pos == 0) {
		mutex_lock(&query->lock);
		switch (query->state) {
		case QUERY_GLOBAL:
			mutex_lock(&global_query_lock);
			query->pass = global_query;
			mutex_unlock(&global_query_lock);
			break;
		case QUERY_OWN:
			query->pass = query->own;
			break;
		case QUERY_NONE:
			query->pass.valid = false;
			break;
		}
		mutex_unlock(&query->lock);
	}

	return seq_read_iter(iocb, to);
}

static int query_open(struct inode *inode, struct file *file)
{
	struct query *query;
	int err;

	query = kzalloc(sizeof(*query), GFP_KERNEL_ACCOUNT);
	if (!query)
		return -ENOMEM;

	mutex_init(&query->lock);
	err = single_open(file, query_show, query);
	if (err)
		kfree(query);

	return err;
}

static int query_release(struct inode *inode, struct file *file)
{
	struct query *query = ((struct seq_file *)file->private_data)->private;

	single_release(inode, file);
	mutex_destroy(&query->lock);
	kfree(query);
	return 0;
}

/**
 * query_write - Set the query of an open digest_query file.
 * @file: Open file.
 * @ubuf: "<algo>-<hex digest>", optionally followed by a newline and a NUL.
 * @count: Length of @ubuf.
 * @ppos: File offset, ignored and left unchanged so that a read at offset
 *        0 returns the answer.
 *
 * The query is answered on reads of this file, and on reads of the open
 * files that wrote none (the last query written through any file).  A
 * failed write clears both: this file answers nothing until its next valid
 * write.
 *
 * Return:
 * * @count - Success.
 * * %-EPERM - The writer lacks CAP_SYS_ADMIN in the initial namespace.
 * * %-ENOENT - Unknown algorithm.
 * * %-EINVAL - Malformed query.
 * * %-EFAULT - Bad user buffer.
 */
static ssize_t query_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct query *query = ((struct seq_file *)file->private_data)->private;
	u8 digest[HASH_MAX_DIGESTSIZE];
	char buf[QUERY_MAX_LEN];
	enum hash_algo algo;
	int err;

	if (!diglim_may_write(file))
		return -EPERM;

	if (count > sizeof(buf))
		err = -EINVAL;
	else if (copy_from_user(buf, ubuf, count))
		err = -EFAULT;
	else
		err = diglim_parse_query(buf, count, &algo, digest);

	mutex_lock(&query->lock);
	query->state = err ? QUERY_NONE : QUERY_OWN;
	query->own.valid = !err;
	if (!err) {
		query->own.algo = algo;
		memcpy(query->own.digest, digest, sizeof(digest));
	}
	mutex_lock(&global_query_lock);
	global_query = query->own;
	mutex_unlock(&global_query_lock);
	mutex_unlock(&query->lock);

	return err ?: count;
}

const struct file_operations diglim_query_fops = {
	.open = query_open,
	.read_iter = query_read_iter,
	.write = query_write,
	.llseek = seq_lseek,
	.release = query_release,
};
