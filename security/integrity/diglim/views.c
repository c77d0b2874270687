// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - digest_lists_loaded/: the views of the loaded lists, on demand
 *
 * Each loaded list has two read-only entries: "<algo>-<hex digest>-<label>"
 * (the list bytes) and the same name plus ".ascii" (a text rendering).
 * Nothing is created when a list is added: as in procfs, an entry exists
 * when it is looked up or listed.  The directory's own lookup finds the list
 * by the digest in the name and makes a dentry and an inode for it; the
 * dentries are never cached once unused (always_delete_dentry()) and are
 * revalidated on every path walk, so memory is spent only while a view is
 * in use and an entry disappears as soon as its list is deleted.  An open
 * view holds a reference on its list, which stays readable after its
 * deletion until the file is closed.
 *
 * Locking: only RCU.  Lookups, revalidations, opens and listings find lists
 * in the index or walk &diglim_store.lists under the RCU read lock and
 * never take the store mutex.  Nothing that may sleep or fault (copies to
 * user space by dir_emit()) runs under the RCU read lock: a listing copies
 * a batch of names under it, then drops it to emit them.  Names in this
 * directory never change (there is no rename), so &dentry.d_name is read
 * without locks.
 */

#include "diglim.h"

#include <linux/ctype.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hex.h>
#include <linux/limits.h>
#include <linux/namei.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

/* The views of a list. */
enum list_view {
	LIST_VIEW_BIN,
	LIST_VIEW_ASCII,
	__LIST_VIEW_MAX
};

/* Lists whose names a listing copies per RCU read-side section. */
#define VIEWS_BATCH 16

/* Directory positions: ".", "..", then two per list by &diglim_list.seq. */
#define VIEWS_FIRST_POS 2

/**
 * struct view_id - What a view name designates.
 * @algo: Hash algorithm of the list digest.
 * @digest: The list digest.
 * @rest: What follows "<algo>-<hex digest>-": the label, possibly followed
 *        by %DIGLIM_ASCII_SUFFIX.
 * @rest_len: Length of @rest, at least 1.
 */
struct view_id {
	enum hash_algo algo;
	u8 digest[HASH_MAX_DIGESTSIZE];
	const char *rest;
	size_t rest_len;
};

static bool is_lower_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit(s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return false;

	return true;
}

/*
 * Splits "<algo>-<hex digest>-<rest>".  Algorithm names may contain a dash
 * (sha3-256): diglim_parse_algo() takes the longest name followed by '-', as
 * for queries.  The hex digest is lowercase, as printed.
 */
static bool parse_view_name(const char *name, size_t len, struct view_id *id)
{
	enum hash_algo algo;
	size_t best, size;
	const char *hex;

	algo = diglim_parse_algo(name, len);
	if (algo == HASH_ALGO__LAST)
		return false;

	best = strlen(hash_algo_name[algo]);
	size = hash_digest_size[algo];
	if (!size || size > HASH_MAX_DIGESTSIZE)
		return false;

	hex = name + best + 1;
	len -= best + 1;
	if (len < size * 2 + 2 || hex[size * 2] != '-' ||
	    !is_lower_hex(hex, size * 2) || hex2bin(id->digest, hex, size))
		return false;

	id->algo = algo;
	id->rest = hex + size * 2 + 1;
	id->rest_len = len - size * 2 - 1;
	return true;
}

/**
 * find_view - Find the live list and the view that a name designates.
 * @name: Entry name.
 * @len: Length of @name.
 * @view: Output: the view.
 *
 * A list is found by its digest alone (two loaded lists never have the same
 * one), so a name ending in ".ascii" is unambiguous: the binary view of the
 * list if its label ends with ".ascii", else its ASCII view.
 *
 * Context: Requires the RCU read lock, which keeps the list in memory.
 * Return: The list or NULL.
 */
static struct diglim_list *find_view(const char *name, size_t len,
				     enum list_view *view)
{
	const size_t suffix_len = strlen(DIGLIM_ASCII_SUFFIX);
	struct diglim_list *list;
	struct view_id id;
	const char *label;
	size_t label_len;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "no rcu_read_lock()");

	if (!parse_view_name(name, len, &id))
		return NULL;

	list = diglim_index_find_list(&diglim_global_store, id.algo,
				      id.digest);
	if (!list || !diglim_list_live(list) || list->algo != id.algo ||
	    memcmp(diglim_list_digest(list), id.digest,
		   hash_digest_size[id.algo]))
		return NULL;

	label = diglim_list_label(list);
	label_len = strlen(label);
	if (id.rest_len < label_len || memcmp(id.rest, label, label_len))
		return NULL;

	if (id.rest_len == label_len) {
		*view = LIST_VIEW_BIN;
		return list;
	}

	if (id.rest_len == label_len + suffix_len &&
	    !memcmp(id.rest + label_len, DIGLIM_ASCII_SUFFIX, suffix_len)) {
		*view = LIST_VIEW_ASCII;
		return list;
	}

	return NULL;
}

/*
 * Takes a reference on the live list of an open view.  The list may be
 * deleted right after: the open file then keeps reading it, as if it had
 * been opened just before the deletion.
 */
static struct diglim_list *get_view_list(const struct file *file,
					 enum list_view want)
{
	const struct qstr *name = &file->f_path.dentry->d_name;
	struct diglim_list *list;
	enum list_view view;

	rcu_read_lock();
	list = find_view(name->name, name->len, &view);
	if (list && (view != want || !diglim_get_list(list)))
		list = NULL;
	rcu_read_unlock();

	return list;
}

/* Binary view */

static int bin_open(struct inode *inode, struct file *file)
{
	struct diglim_list *list = get_view_list(file, LIST_VIEW_BIN);

	if (!list)
		return -ENOENT;

	file->private_data = list;
	return 0;
}

static ssize_t bin_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	const struct diglim_list *list = file->private_data;

	return simple_read_from_buffer(buf, count, ppos, list->data,
				       list->size);
}

static int bin_release(struct inode *inode, struct file *file)
{
	diglim_put_list(file->private_data);
	return 0;
}

static const struct file_operations bin_fops = {
	.open = bin_open,
	.read = bin_read,
	.llseek = default_llseek,
	.release = bin_release,
};

/* ASCII view */

/**
 * struct ascii_iter - Position in the ASCII view of a list.
 * @list: The list (the open file holds a reference).
 * @hdr_off: Offset of the current block header.
 * @off: Offset of the current record: @hdr_off for the header line, else
 *       the offset of a digest.
 *
 * The seq_file position encodes both offsets (@hdr_off in the upper 32
 * bits), so any position can be resumed without walking the list.
 */
struct ascii_iter {
	struct diglim_list *list;
	u32 hdr_off;
	u32 off;
};

static void *ascii_start(struct seq_file *m, loff_t *pos)
{
	struct ascii_iter *iter = m->private;

	if (*pos < 0)
		return NULL;

	iter->hdr_off = upper_32_bits(*pos);
	iter->off = lower_32_bits(*pos);
	if (iter->off >= iter->list->size || iter->hdr_off > iter->off)
		return NULL;

	return iter;
}

static void *ascii_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct ascii_iter *iter = v;
	const void *data = iter->list->data;
	const struct compact_list_hdr *hdr = data + iter->hdr_off;
	u32 end = diglim_block_next(data, iter->hdr_off);
	u32 off;

	if (iter->off == iter->hdr_off)
		off = iter->hdr_off + sizeof(*hdr);
	else
		off = iter->off + hash_digest_size[le16_to_cpu(hdr->algo)];

	*pos = off < end ? (loff_t)iter->hdr_off << 32 | off :
			   (loff_t)end << 32 | end;
	return ascii_start(m, pos);
}

static void ascii_stop(struct seq_file *m, void *v)
{
}

static int ascii_show(struct seq_file *m, void *v)
{
	const struct ascii_iter *iter = v;
	const struct diglim_list *list = iter->list;
	const struct compact_list_hdr *hdr = list->data + iter->hdr_off;
	const u16 algo = le16_to_cpu(hdr->algo);

	if (iter->off != iter->hdr_off) {
		seq_printf(m, "%*phN\n", hash_digest_size[algo],
			   list->data + iter->off);
		return 0;
	}

	seq_printf(m,
		   "actions: %u, version: %u, algo: %s, type: %u, modifiers: %u, count: %u, datalen: %u\n",
		   list->actions, hdr->version, hash_algo_name[algo],
		   le16_to_cpu(hdr->type), le16_to_cpu(hdr->modifiers),
		   le32_to_cpu(hdr->count), le32_to_cpu(hdr->datalen));
	return 0;
}

static const struct seq_operations ascii_seq_ops = {
	.start = ascii_start,
	.next = ascii_next,
	.stop = ascii_stop,
	.show = ascii_show,
};

static int ascii_open(struct inode *inode, struct file *file)
{
	struct diglim_list *list = get_view_list(file, LIST_VIEW_ASCII);
	struct ascii_iter *iter;

	if (!list)
		return -ENOENT;

	iter = __seq_open_private(file, &ascii_seq_ops, sizeof(*iter));
	if (!iter) {
		diglim_put_list(list);
		return -ENOMEM;
	}

	iter->list = list;
	return 0;
}

static int ascii_release(struct inode *inode, struct file *file)
{
	struct ascii_iter *iter = ((struct seq_file *)file->private_data)->private;

	diglim_put_list(iter->list);
	return seq_release_private(inode, file);
}

static const struct file_operations ascii_fops = {
	.open = ascii_open,
	.read_iter = seq_read_iter,
	.llseek = seq_lseek,
	.release = ascii_release,
};

static const struct file_operations *const view_fops[__LIST_VIEW_MAX] = {
	[LIST_VIEW_BIN] = &bin_fops,
	[LIST_VIEW_ASCII] = &ascii_fops,
};

/* Entries */

/*
 * An entry stays valid while a live list has the digest and the label of
 * its name and the view of its inode.  A negative entry is never valid: a
 * list may have been added since.
 */
static int view_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	const struct inode *inode;
	enum list_view view;
	bool valid;

	if (flags & LOOKUP_RCU)
		return -ECHILD;

	inode = d_inode(dentry);
	if (!inode)
		return 0;

	rcu_read_lock();
	valid = find_view(dentry->d_name.name, dentry->d_name.len, &view) &&
		inode->i_fop == view_fops[view];
	rcu_read_unlock();

	return valid;
}

static const struct dentry_operations view_dops = {
	.d_revalidate = view_d_revalidate,
	.d_delete = always_delete_dentry,
};

static struct dentry *views_lookup(struct inode *dir, struct dentry *dentry,
				   unsigned int flags)
{
	struct diglim_list *list;
	enum list_view view;
	struct inode *inode;

	if (dentry->d_name.len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);

	d_set_d_op(dentry, &view_dops);

	rcu_read_lock();
	list = find_view(dentry->d_name.name, dentry->d_name.len, &view);
	rcu_read_unlock();

	/* Negative, and dropped as soon as unused (always_delete_dentry()). */
	if (!list) {
		d_add(dentry, NULL);
		return NULL;
	}

	inode = new_inode(dir->i_sb);
	if (!inode)
		return ERR_PTR(-ENOMEM);

	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFREG | 0440;
	simple_inode_init_ts(inode);
	inode->i_fop = view_fops[view];

	return d_splice_alias(inode, dentry);
}

/* Listing */

/**
 * struct list_id - A list to resume a listing from.
 * @seq: &diglim_list.seq of the list.
 * @algo: Hash algorithm of @digest.
 * @digest: Digest of the list.
 */
struct list_id {
	u64 seq;
	enum hash_algo algo;
	u8 digest[HASH_MAX_DIGESTSIZE];
};

/**
 * struct views_cursor - State of an open digest_lists_loaded/ directory.
 * @valid: @last is set.
 * @last: The last list whose entries were emitted.
 *
 * Serialised like the file position (&file.f_pos_lock, always taken for
 * directories with ->iterate_shared).
 */
struct views_cursor {
	bool valid;
	struct list_id last;
};

/**
 * struct view_names - The names of the views of one list, for a listing.
 * @id: The list.
 * @len: Length of the name of the binary view in @name.
 * @name: Name of the binary view, with room for %DIGLIM_ASCII_SUFFIX.
 */
struct view_names {
	struct list_id id;
	unsigned int len;
	char name[NAME_MAX + 1];
};

/*
 * The position of a view of the list of sequence number @seq.  Sequence
 * numbers count additions and deletions, so they stay far below 2^62.
 */
static loff_t view_pos(u64 seq, enum list_view view)
{
	return VIEWS_FIRST_POS + seq * __LIST_VIEW_MAX + view;
}

/*
 * Finds the list a listing stopped at, to go on from it without walking the
 * lists before it.  A list seen live under the RCU read lock has successors
 * that can be walked: the deletion of a list clears its live flag before
 * unlinking it, and a successor is freed only after a grace period that
 * started after its own unlinking, so later than that clearing; a reader
 * that started before the grace period keeps it alive, one that started
 * after sees the list not live.
 */
static struct diglim_list *resume_list(const struct list_id *last,
				       u64 min_seq)
{
	struct diglim_list *list;

	if (last->seq > min_seq)
		return NULL;

	list = diglim_index_find_list(&diglim_global_store, last->algo,
				      last->digest);
	if (!list || list->seq != last->seq || !diglim_list_live(list))
		return NULL;

	return list;
}

/*
 * Copies the names of up to VIEWS_BATCH live lists with entries at @pos or
 * after, in insertion order.  Return: the number of lists copied.
 */
static unsigned int collect_names(const struct views_cursor *cursor,
				  loff_t pos, struct view_names *batch)
{
	struct diglim_store *store = &diglim_global_store;
	const u64 min_seq = (pos - VIEWS_FIRST_POS) / __LIST_VIEW_MAX;
	struct diglim_list *list = NULL;
	unsigned int n = 0;

	rcu_read_lock();
	if (cursor->valid)
		list = resume_list(&cursor->last, min_seq);
	if (!list)
		list = list_first_or_null_rcu(&store->lists,
					      struct diglim_list, node);
	if (!list)
		goto out_unlock;

	list_for_each_entry_from_rcu(list, &store->lists, node) {
		struct view_names *names = &batch[n];
		int len;

		if (list->seq < min_seq || !diglim_list_live(list))
			continue;

		len = diglim_list_name(list, names->name,
				       sizeof(names->name));
		/* Should already be checked in alloc_list(). */
		if (WARN_ON_ONCE(len + strlen(DIGLIM_ASCII_SUFFIX) > NAME_MAX))
			continue;

		names->len = len;
		names->id.seq = list->seq;
		names->id.algo = list->algo;
		memcpy(names->id.digest, diglim_list_digest(list),
		       hash_digest_size[list->algo]);
		if (++n == VIEWS_BATCH)
			break;
	}
out_unlock:
	rcu_read_unlock();
	return n;
}

/* Emits the views of one list at or after ctx->pos.  Return: false if full. */
static bool emit_views(struct dir_context *ctx, struct views_cursor *cursor,
		       struct view_names *names)
{
	enum list_view view;

	for (view = 0; view < __LIST_VIEW_MAX; view++) {
		const loff_t pos = view_pos(names->id.seq, view);
		unsigned int len = names->len;

		if (pos < ctx->pos)
			continue;

		if (view == LIST_VIEW_ASCII) {
			memcpy(names->name + len, DIGLIM_ASCII_SUFFIX,
			       strlen(DIGLIM_ASCII_SUFFIX));
			len += strlen(DIGLIM_ASCII_SUFFIX);
		}

		/*
		 * The inode of an entry is made when it is looked up: the
		 * position, unique in the directory, stands for its number.
		 */
		ctx->pos = pos;
		if (!dir_emit(ctx, names->name, len, pos, DT_REG))
			return false;
		ctx->pos = pos + 1;

		cursor->last = names->id;
		cursor->valid = true;
	}

	return true;
}

static int views_iterate(struct file *file, struct dir_context *ctx)
{
	struct views_cursor *cursor = file->private_data;
	struct view_names *batch;
	unsigned int i, n;

	if (!dir_emit_dots(file, ctx))
		return 0;

	batch = kmalloc_array(VIEWS_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	do {
		n = collect_names(cursor, ctx->pos, batch);
		for (i = 0; i < n; i++)
			if (!emit_views(ctx, cursor, &batch[i]))
				goto out_free_batch;
	} while (n == VIEWS_BATCH);

out_free_batch:
	kfree(batch);
	return 0;
}

static int views_dir_open(struct inode *inode, struct file *file)
{
	struct views_cursor *cursor;

	cursor = kzalloc(sizeof(*cursor), GFP_KERNEL_ACCOUNT);
	if (!cursor)
		return -ENOMEM;

	file->private_data = cursor;
	return 0;
}

static int views_dir_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct inode_operations views_dir_iops = {
	.lookup = views_lookup,
};

static const struct file_operations views_dir_fops = {
	.open = views_dir_open,
	.release = views_dir_release,
	.read = generic_read_dir,
	.iterate_shared = views_iterate,
	.llseek = generic_file_llseek,
};

/**
 * diglim_views_init - Serve digest_lists_loaded/ from the loaded lists.
 * @dir: The directory, just created with securityfs_create_dir().
 *
 * Replaces the operations of the empty securityfs directory with ones that
 * make its entries on demand from the lists of the global store.
 *
 * Context: Process context, at initialisation, before user space can reach
 * @dir.
 */
void diglim_views_init(struct dentry *dir)
{
	struct inode *inode = d_inode(dir);

	inode->i_op = &views_dir_iops;
	inode->i_fop = &views_dir_fops;
}
