// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - securityfs interface: /sys/kernel/security/integrity/diglim/
 *
 * Writers (digest_list_add, digest_list_del, digest_list_label) are
 * serialised by the store mutex; readers (digest_query, digests_count,
 * digest_lists_loaded/) never take it.  Unlike the 2021 series, add, del and
 * query may be open at the same time (no -EBUSY): the mutex makes that safe
 * and one stuck reader cannot block the writers.  A query written through an
 * open file is answered on reads of that file, so programs that write and
 * read on one open file do not see each other's answers; a file that wrote
 * no query answers the last one written through any file, as in 2021.
 */

#include "diglim.h"
#include "../integrity.h"

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel_read_file.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>

/* Longest valid query: "<algo>-<hex>\n\0". */
#define QUERY_MAX_LEN (CRYPTO_MAX_ALG_NAME + 1 + HASH_MAX_DIGESTSIZE * 2 + 2)

/* Views of a list in digest_lists_loaded/ (&diglim_list.dentries). */
enum list_view {
	LIST_VIEW_BIN,
	LIST_VIEW_ASCII,
};

static bool may_write(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

/* digest_list_add, digest_list_del */

static int upload_open(struct inode *inode, struct file *file)
{
	/* Write-only interfaces, whatever the caller's capabilities. */
	if (file->f_mode & FMODE_READ)
		return -EACCES;

	return 0;
}

static int upload_buffer(struct diglim_request *req,
			 const char __user *ubuf, size_t count)
{
	void *data;

	if (diglim_op_should_fail(req->op))
		return -ENOMEM;

	data = vmemdup_user(ubuf, count);
	if (IS_ERR(data))
		return PTR_ERR(data);

	req->data = data;
	req->size = count;
	req->record = true;
	return diglim_upload(&diglim_global_store, req);
}

static struct file *open_list_file(const char *name, enum ops op)
{
	struct file *file;
	struct path path;
	int err;

	if (diglim_op_should_fail(op))
		return ERR_PTR(-ENOMEM);

	err = kern_path(name, LOOKUP_FOLLOW, &path);
	if (err)
		return ERR_PTR(err);

	/*
	 * Check the type before opening: opening a FIFO would block and
	 * opening a device may have side effects.
	 */
	if (!d_is_reg(path.dentry)) {
		file = ERR_PTR(-EINVAL);
		goto out_put_path;
	}

	/* dentry_open() does not check the caller's permission, open() does. */
	err = inode_permission(mnt_idmap(path.mnt), d_inode(path.dentry),
			       MAY_READ);
	if (err) {
		file = ERR_PTR(err);
		goto out_put_path;
	}

	if (diglim_op_should_fail(op)) {
		file = ERR_PTR(-ENOMEM);
		goto out_put_path;
	}

	file = dentry_open(&path, O_RDONLY, current_cred());
out_put_path:
	path_put(&path);
	return file;
}

static int upload_file(struct diglim_request *req, const char *name)
{
	struct file *file;
	void *data = NULL;
	ssize_t len;
	size_t size;
	int err;

	/*
	 * The final path component becomes the label: it names files in
	 * digest_lists_loaded/ and lines of query answers, so it follows the
	 * rules of digest_list_label.
	 */
	if (diglim_parse_label(kbasename(name), strlen(kbasename(name))) !=
	    strlen(kbasename(name)))
		return -EINVAL;

	file = open_list_file(name, req->op);
	if (IS_ERR(file))
		return PTR_ERR(file);

	if (diglim_op_should_fail(req->op)) {
		err = -ENOMEM;
		goto out_fput;
	}

	/*
	 * kernel_read_file() denies write access while it reads (-ETXTBSY if
	 * the file is open for write) and lets IMA, IPE and LoadPin see and
	 * gate the load (READING_DIGEST_LIST).  What IMA's appraisal of this
	 * very read established is taken at once, whatever happens next.
	 */
	len = kernel_read_file(file, 0, &data, DIGLIM_MAX_LIST_SIZE, NULL,
			       READING_DIGEST_LIST);
	req->actions = diglim_ima_file_actions(file);
	if (len < 0) {
		err = len;
		goto out_fput;
	}

	size = len;
	err = diglim_strip_appended_sig(data, &size);
	if (err) {
		vfree(data);
		goto out_fput;
	}

	req->data = data;
	req->size = size;
	req->label = kbasename(name);
	req->record = true;
	err = diglim_upload(&diglim_global_store, req);
out_fput:
	fput(file);
	return err;
}

/**
 * diglim_add_path - Add the list in a file, as a write of its path would.
 * @name: Absolute path of the list file.
 *
 * Used by the boot-time loader: the file is opened with the credentials of
 * the caller, read through kernel_read_file() (READING_DIGEST_LIST, so IMA
 * measures and appraises it) and labelled with its final path component.
 *
 * Context: Process context; takes the store mutex.
 * Return: 0 or the -errno a write of @name to digest_list_add would return.
 */
int diglim_add_path(const char *name)
{
	struct diglim_request req = { .op = DIGEST_LIST_ADD };

	return upload_file(&req, name);
}

static int upload_path(struct diglim_request *req, const char __user *ubuf,
		       size_t count)
{
	size_t len = count;
	char *name;
	int err;

	/* PATH_MAX - 1 bytes and a newline at most. */
	if (count > PATH_MAX)
		return -ENAMETOOLONG;

	if (diglim_op_should_fail(req->op))
		return -ENOMEM;

	name = memdup_user_nul(ubuf, count);
	if (IS_ERR(name))
		return PTR_ERR(name);

	/* So that "echo /path > digest_list_add" works. */
	if (name[len - 1] == '\n')
		name[--len] = '\0';

	err = -EINVAL;
	if (strlen(name) != len)
		goto out_free_name;

	err = -ENAMETOOLONG;
	if (len >= PATH_MAX)
		goto out_free_name;

	err = upload_file(req, name);
out_free_name:
	kfree(name);
	return err;
}

/**
 * upload_write - Handle a write to digest_list_add or digest_list_del.
 * @file: Open file.
 * @ubuf: Written data: a path starting with '/' or a raw compact list.
 * @count: Length of @ubuf.
 * @ppos: File offset.
 * @op: %DIGEST_LIST_ADD or %DIGEST_LIST_DEL.
 *
 * Each write is one complete request.
 *
 * Return:
 * * @count - Success.
 * * %-EPERM - The writer lacks CAP_SYS_ADMIN in the initial namespace, or
 *   the deletion lacks an action performed at addition.
 * * %-EINVAL - Non-zero offset, empty write, malformed list, NUL in the
 *   path, final path component not a valid label, not a regular file,
 *   empty file, signature trailer longer than the file.
 * * %-EFBIG - More than %DIGLIM_MAX_LIST_SIZE bytes (written or in the file).
 * * %-ENAMETOOLONG - Path of %PATH_MAX bytes or more, or list view name
 *   longer than %NAME_MAX.
 * * %-EEXIST - Addition of a list already loaded.
 * * %-ENOENT - Deletion of a list not loaded with this label, or missing
 *   file.
 * * %-ENOMEM - Out of memory.
 * * %-EFAULT - Bad user buffer.
 * * %-EINTR - Interrupted while waiting for the writer mutex.
 * * Any error of the path lookup, permission check, open or read of the
 *   file (e.g. -EACCES, -ELOOP, -ETXTBSY).
 */
static ssize_t upload_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos, enum ops op)
{
	struct diglim_request req = { .op = op };
	char first;
	int err;

	if (!may_write(file))
		return -EPERM;

	if (*ppos != 0 || !count)
		return -EINVAL;

	if (count > DIGLIM_MAX_LIST_SIZE)
		return -EFBIG;

	if (get_user(first, ubuf))
		return -EFAULT;

	if (first == '/')
		err = upload_path(&req, ubuf, count);
	else
		err = upload_buffer(&req, ubuf, count);

	return err ?: count;
}

static ssize_t add_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	return upload_write(file, ubuf, count, ppos, DIGEST_LIST_ADD);
}

static ssize_t del_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	return upload_write(file, ubuf, count, ppos, DIGEST_LIST_DEL);
}

static const struct file_operations add_fops = {
	.open = upload_open,
	.write = add_write,
	.llseek = noop_llseek,
};

static const struct file_operations del_fops = {
	.open = upload_open,
	.write = del_write,
	.llseek = noop_llseek,
};

/* digest_list_label */

static ssize_t label_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[NAME_MAX + 1];
	int err;

	if (!may_write(file))
		return -EPERM;

	/* Invalid writes clear the label, as diglim_set_label() does. */
	if (*ppos != 0 || count > sizeof(buf))
		count = 0;
	else if (copy_from_user(buf, ubuf, count))
		return -EFAULT;

	err = diglim_set_label(&diglim_global_store, buf, count);
	return err ?: count;
}

static const struct file_operations label_fops = {
	.open = upload_open,
	.write = label_write,
	.llseek = noop_llseek,
};

/* digest_query */

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
 * wrote none, as the 2021 interface did ("echo sha256-<hex> > digest_query;
 * cat digest_query").  It outlives its writer's close.  Protected by
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

static void show_entry(struct seq_file *m, const struct diglim_entry *entry)
{
	const struct diglim_list *list = entry->list;
	const struct compact_list_hdr *hdr;

	seq_printf(m, "%s (actions: %u): ", list->name, list->actions);
	if (diglim_entry_is_list_digest(entry)) {
		seq_printf(m, "type: %u, size: %zu\n", COMPACT_DIGEST_LIST,
			   list->size);
		return;
	}

	hdr = diglim_entry_hdr(entry);
	seq_printf(m,
		   "version: %u, algo: %s, type: %u, modifiers: %u, count: %u, datalen: %u\n",
		   hdr->version, hash_algo_name[le16_to_cpu(hdr->algo)],
		   le16_to_cpu(hdr->type), le16_to_cpu(hdr->modifiers),
		   le32_to_cpu(hdr->count), le32_to_cpu(hdr->datalen));
}

/*
 * Prints the occurrences of a digest in one index in insertion order.  The
 * index gives them newest first, so they are collected in an array (sized
 * by a first pass, allocated outside RCU, retried if the chain grew) and
 * printed backwards: no recursion, bounded stack.
 */
static int show_type(struct seq_file *m, enum compact_types type,
		     enum hash_algo algo, const u8 *digest)
{
	const struct diglim_entry **found = NULL;
	unsigned int n, max = 0;

	for (;;) {
		rcu_read_lock();
		n = diglim_htable_collect(&diglim_global_store, type, algo,
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

	while (n--)
		show_entry(m, found[n]);
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

	if (!may_write(file))
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

static const struct file_operations query_fops = {
	.open = query_open,
	.read_iter = query_read_iter,
	.write = query_write,
	.llseek = seq_lseek,
	.release = query_release,
};

/* digests_count */

static int count_show(struct seq_file *m, void *v)
{
	struct diglim_store *store = &diglim_global_store;

	seq_printf(m, "Parser digests: %lu\n",
		   diglim_store_count(store, COMPACT_PARSER));
	seq_printf(m, "File digests: %lu\n",
		   diglim_store_count(store, COMPACT_FILE));
	seq_printf(m, "Metadata digests: %lu\n",
		   diglim_store_count(store, COMPACT_METADATA));
	seq_printf(m, "Digest list digests: %lu\n",
		   diglim_store_count(store, COMPACT_DIGEST_LIST));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(count);

/* digest_lists_loaded/ */

/*
 * Takes a reference on the list of a view.  The deletion path clears
 * i_private under the inode lock before it removes the file and drops the
 * store's reference (diglim_fs_remove_list()), so a non-NULL i_private read
 * under the lock still has that reference behind it; an open file then
 * keeps the list readable after its deletion.
 */
static struct diglim_list *get_inode_list(struct inode *inode)
{
	struct diglim_list *list;

	inode_lock_shared(inode);
	list = inode->i_private;
	if (list && !diglim_get_list(list))
		list = NULL;
	inode_unlock_shared(inode);

	return list;
}

static int bin_open(struct inode *inode, struct file *file)
{
	struct diglim_list *list = get_inode_list(inode);

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
	struct diglim_list *list = get_inode_list(inode);
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

/**
 * diglim_fs_remove_list - Remove the views of a list.
 * @list: List.
 *
 * Context: Process context.  Requires &diglim_store.lock to be held.
 */
void diglim_fs_remove_list(struct diglim_list *list)
{
	int i;

	for (i = ARRAY_SIZE(list->dentries) - 1; i >= 0; i--) {
		struct dentry *dentry = list->dentries[i];
		struct inode *inode;

		if (!dentry)
			continue;

		/* Pairs with get_inode_list(): no new reference after this. */
		inode = d_inode(dentry);
		inode_lock(inode);
		inode->i_private = NULL;
		inode_unlock(inode);

		/*
		 * securityfs_remove() unlinks the file but leaves its dentry
		 * hashed while someone holds it open: the name would still be
		 * listed and a new list with the same name could not be
		 * created until the last close.  Unhash it ourselves.
		 */
		dget(dentry);
		securityfs_remove(dentry);
		d_drop(dentry);
		dput(dentry);
		list->dentries[i] = NULL;
	}
}

/**
 * diglim_fs_add_list - Create the views of a list in digest_lists_loaded/.
 * @store: Store of the list; nothing is created if it has no directory.
 * @list: List, not live yet.
 *
 * Context: Process context.  Requires &diglim_store.lock to be held.
 * Return: 0 or -errno; on error nothing is left behind.
 */
int diglim_fs_add_list(struct diglim_store *store, struct diglim_list *list)
{
	/* The length was checked against NAME_MAX by alloc_list(). */
	char ascii_name[NAME_MAX + 1];
	struct dentry *dentry;
	int err;

	lockdep_assert_held(&store->lock);

	if (!store->dir)
		return 0;

	if (diglim_should_fail())
		return -ENOMEM;

	dentry = securityfs_create_file(list->name, 0440, store->dir, list,
					&bin_fops);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	list->dentries[LIST_VIEW_BIN] = dentry;

	snprintf(ascii_name, sizeof(ascii_name), "%s%s", list->name,
		 DIGLIM_ASCII_SUFFIX);
	err = -ENOMEM;
	if (diglim_should_fail())
		goto out_remove_views;

	dentry = securityfs_create_file(ascii_name, 0440, store->dir, list,
					&ascii_fops);
	err = PTR_ERR(dentry);
	if (IS_ERR(dentry))
		goto out_remove_views;
	list->dentries[LIST_VIEW_ASCII] = dentry;

	return 0;

out_remove_views:
	diglim_fs_remove_list(list);
	return err;
}

/* Initialisation */

/**
 * struct fs_file - A file of the diglim/ directory.
 * @name: File name.
 * @mode: File mode.
 * @fops: File operations.
 */
struct fs_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
};

static const struct fs_file diglim_files[] = {
	{ "digest_list_add",	0200, &add_fops },
	{ "digest_list_del",	0200, &del_fops },
	{ "digest_list_label",	0200, &label_fops },
	{ "digest_query",	0600, &query_fops },
	{ "digests_count",	0440, &count_fops },
};

static int __init diglim_fs_init(void)
{
	struct dentry *files[ARRAY_SIZE(diglim_files)] = {};
	struct dentry *dir, *loaded;
	int i, err;

	if (!integrity_dir)
		return -ENODEV;

	dir = securityfs_create_dir("diglim", integrity_dir);
	if (IS_ERR(dir))
		return PTR_ERR(dir);

	loaded = securityfs_create_dir("digest_lists_loaded", dir);
	err = PTR_ERR(loaded);
	if (IS_ERR(loaded))
		goto out_remove_dir;

	err = diglim_store_init(&diglim_global_store, loaded);
	if (err)
		goto out_remove_loaded;

	for (i = 0; i < ARRAY_SIZE(diglim_files); i++) {
		files[i] = securityfs_create_file(diglim_files[i].name,
						  diglim_files[i].mode, dir,
						  NULL, diglim_files[i].fops);
		err = PTR_ERR(files[i]);
		if (IS_ERR(files[i]))
			goto out_remove_files;
	}

	return 0;

out_remove_files:
	while (i--)
		securityfs_remove(files[i]);
	diglim_store_destroy(&diglim_global_store);
out_remove_loaded:
	securityfs_remove(loaded);
out_remove_dir:
	securityfs_remove(dir);
	pr_err("initialisation failed: %d\n", err);
	return err;
}
late_initcall(diglim_fs_init);
