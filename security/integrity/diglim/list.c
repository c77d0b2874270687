// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Digest list objects and atomic addition and deletion
 *
 * An addition either fully succeeds or leaves the store exactly as it was:
 * index, counters, securityfs entries and label.  A deletion can only fail
 * before it starts.
 *
 * Fault points (fail_diglim) on the add path, in order:
 *
 * - fs.c, upload by path: copy of the path, path lookup, file open, file
 *   read (4); upload of a raw buffer: copy of the buffer (1);
 * - ima.c: hash transform for the list digest (1);
 * - here: list object, list name, entries array (3), and the IMA event
 *   name (1, global store only);
 * - htable.c: one per index insertion, that is one per digest plus one for
 *   the list digest (nr_digests + 1);
 * - fs.c: the two files in digest_lists_loaded/ (2, global store only).
 *
 * So a raw buffer of N digests has 1 + 1 + 4 + (N + 1) + 2 = N + 9 points
 * and a path upload 4 + 1 + 4 + (N + 1) + 2 = N + 12.  A deletion has none:
 * once its list is loaded, it succeeds (failslab can still fail its own
 * allocations before it starts).
 *
 * IMA records (global store): every addition and deletion is recorded as
 * critical data (diglim_ima_record()), named after the operation and its
 * sequence number, so a verifier replaying the log rebuilds exactly the
 * set of lists measured into the PCR it checks.  An addition is recorded
 * after everything that can fail, and is %COMPACT_ACTION_IMA_MEASURED into
 * that PCR only if recorded.  A deletion of a measured list is recorded
 * first, into the PCR of its addition, and refused (-EPERM, nothing
 * changed) if that record cannot be made.
 */

#include "diglim.h"

#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

/* The store behind securityfs and the kernel API. */
struct diglim_store diglim_global_store;

/**
 * diglim_store_init - Initialise a store.
 * @store: Store to initialise.
 * @dir: Directory for the views of the lists, or NULL.
 *
 * Context: Process context.
 * Return: 0 or -errno.
 */
int diglim_store_init(struct diglim_store *store, struct dentry *dir)
{
	int err;

	memset(store, 0, sizeof(*store));
	mutex_init(&store->lock);
	INIT_LIST_HEAD(&store->lists);
	store->dir = dir;

	err = diglim_htable_init(store);
	if (err)
		return err;

	/* Pairs with smp_load_acquire() in diglim_store_lookup(). */
	smp_store_release(&store->ready, true);
	return 0;
}

static void free_list_rcu(struct rcu_head *head)
{
	struct diglim_list *list = container_of(head, struct diglim_list, rcu);

	/*
	 * RCU callbacks may run in softirq context: kvfree() is fine there,
	 * vfree() defers the unmapping to a work item when in_interrupt().
	 */
	kvfree(list->entries);
	kvfree(list->data);
	kfree(list->name);
	kfree(list);
}

static void release_list(struct kref *ref)
{
	struct diglim_list *list = container_of(ref, struct diglim_list, ref);

	/* Index readers may still look at the list and its entries. */
	call_rcu(&list->rcu, free_list_rcu);
}

/**
 * diglim_get_list - Take a reference on a list.
 * @list: List.
 *
 * Context: Any context.
 * Return: False if the list is already being freed.
 */
bool diglim_get_list(struct diglim_list *list)
{
	return kref_get_unless_zero(&list->ref);
}

/**
 * diglim_put_list - Drop a reference on a list.
 * @list: List, or NULL.
 *
 * The last reference frees the list after an RCU grace period.
 *
 * Context: Any context.
 */
void diglim_put_list(struct diglim_list *list)
{
	if (list)
		kref_put(&list->ref, release_list);
}

/**
 * alloc_list - Allocate a list object for an upload.
 * @req: Validated upload; @req->data is moved into the list.
 * @nr_digests: Number of digests in @req->data.
 * @algo: Algorithm of @digest.
 * @digest: Digest of @req->data.
 * @label: Label of the list.
 *
 * Return: The list, not live, with its entries filled in but not indexed, or
 * ERR_PTR(-ENAMETOOLONG) if the name of its ASCII view would be longer than
 * %NAME_MAX, ERR_PTR(-ENOMEM).
 */
static struct diglim_list *alloc_list(struct diglim_request *req,
				      size_t nr_digests, enum hash_algo algo,
				      const u8 *digest, const char *label)
{
	const size_t digest_size = hash_digest_size[algo];
	struct diglim_list *list;
	size_t off, name_len, i = 0;

	/* The longest name is the one of the ASCII view. */
	name_len = strlen(hash_algo_name[algo]) + 1 + digest_size * 2 + 1 +
		   strlen(label) + strlen(DIGLIM_ASCII_SUFFIX);
	if (name_len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);

	/* Lists are at most 64 MiB: u32 offsets and counts are enough. */
	if (WARN_ON_ONCE(req->size > DIGLIM_MAX_LIST_SIZE))
		return ERR_PTR(-EFBIG);

	if (diglim_should_fail())
		return ERR_PTR(-ENOMEM);
	list = kzalloc(sizeof(*list), GFP_KERNEL_ACCOUNT);
	if (!list)
		return ERR_PTR(-ENOMEM);

	kref_init(&list->ref);
	INIT_LIST_HEAD(&list->node);
	list->algo = algo;
	memcpy(list->digest, digest, digest_size);
	list->actions = req->actions;
	/* With IMA records, only the record of the addition measures it. */
	if (req->record)
		list->actions &= ~BIT(COMPACT_ACTION_IMA_MEASURED);

	if (diglim_should_fail())
		goto out_free_list;
	list->name = kasprintf(GFP_KERNEL_ACCOUNT, "%s-%*phN-%s",
			       hash_algo_name[algo], (int)digest_size, digest,
			       label);
	if (!list->name)
		goto out_free_list;
	list->label = list->name + strlen(list->name) - strlen(label);

	list->nr_entries = nr_digests + 1;
	if (diglim_should_fail())
		goto out_free_name;
	list->entries = kvcalloc(list->nr_entries, sizeof(*list->entries),
				 GFP_KERNEL_ACCOUNT);
	if (!list->entries)
		goto out_free_name;

	/* From here the list owns the bytes. */
	list->data = req->data;
	list->size = req->size;
	req->data = NULL;

	for (off = 0; off < list->size; off = diglim_block_next(list->data, off)) {
		const struct compact_list_hdr *hdr = list->data + off;
		const u32 size = hash_digest_size[le16_to_cpu(hdr->algo)];
		const u32 count = le32_to_cpu(hdr->count);
		u32 j;

		for (j = 0; j < count; j++, i++) {
			list->entries[i].list = list;
			list->entries[i].hdr_off = off;
			list->entries[i].digest_off = off + sizeof(*hdr) +
						      j * size;
		}
	}

	list->entries[i].list = list;
	list->entries[i].hdr_off = DIGLIM_LIST_DIGEST_OFF;
	list->entries[i].digest_off = DIGLIM_LIST_DIGEST_OFF;
	return list;

out_free_name:
	kfree(list->name);
out_free_list:
	kfree(list);
	return ERR_PTR(-ENOMEM);
}

/**
 * unindex_list - Remove the first @nr entries of a list from the index.
 * @store: Store.
 * @list: List.
 * @nr: Number of entries to remove.
 * @update_counts: Whether the entries were counted in @store->nr_digests.
 */
static void unindex_list(struct diglim_store *store, struct diglim_list *list,
			 u32 nr, bool update_counts)
{
	lockdep_assert_held(&store->lock);

	while (nr--) {
		struct diglim_entry *entry = &list->entries[nr];
		const enum compact_types type = diglim_entry_type(entry);

		if (diglim_htable_remove(store, entry) && update_counts)
			WRITE_ONCE(store->nr_digests[type],
				   store->nr_digests[type] - 1);
		cond_resched();
	}
}

/**
 * index_list - Insert all entries of a list that is not live yet.
 * @store: Store.
 * @list: List.
 * @new_keys: Output: per type, the number of keys the list adds.
 *
 * Return: 0, or -errno after removing what was inserted.
 */
static int index_list(struct diglim_store *store, struct diglim_list *list,
		      unsigned long *new_keys)
{
	u32 i;
	int err;

	lockdep_assert_held(&store->lock);

	for (i = 0; i < list->nr_entries; i++) {
		struct diglim_entry *entry = &list->entries[i];
		bool new_key;

		err = diglim_htable_insert(store, entry, &new_key);
		if (err) {
			unindex_list(store, list, i, false);
			return err;
		}

		if (new_key)
			new_keys[diglim_entry_type(entry)]++;
		cond_resched();
	}

	return 0;
}

static void consume_label(struct diglim_store *store,
			  const struct diglim_request *req)
{
	lockdep_assert_held(&store->lock);

	if (!req->label) {
		kfree(store->label);
		store->label = NULL;
	}
}

static void commit_add(struct diglim_store *store,
		       const struct diglim_request *req,
		       struct diglim_list *list,
		       const unsigned long *new_keys)
{
	int i;

	lockdep_assert_held(&store->lock);

	for (i = 0; i < COMPACT__LAST; i++)
		WRITE_ONCE(store->nr_digests[i],
			   store->nr_digests[i] + new_keys[i]);

	store->ops++;
	list_add_tail_rcu(&list->node, &store->lists);
	consume_label(store, req);

	/*
	 * The list becomes visible to index readers as a whole.  Pairs with
	 * smp_load_acquire() in diglim_list_live().
	 */
	smp_store_release(&list->live, true);
}

static const char *upload_label(struct diglim_store *store,
				const struct diglim_request *req)
{
	lockdep_assert_held(&store->lock);

	if (req->label)
		return req->label;

	return store->label ?: DIGLIM_DEFAULT_LABEL;
}

static int add_list(struct diglim_store *store, struct diglim_request *req,
		    size_t nr_digests, enum hash_algo algo, const u8 *digest)
{
	unsigned long new_keys[COMPACT__LAST] = {};
	struct diglim_list *list;
	const char *label;
	char *event = NULL;
	int err;

	lockdep_assert_held(&store->lock);

	if (diglim_htable_find_list(store, algo, digest))
		return -EEXIST;

	label = upload_label(store, req);
	list = alloc_list(req, nr_digests, algo, digest, label);
	if (IS_ERR(list))
		return PTR_ERR(list);

	if (req->record) {
		event = diglim_ima_event_name(DIGEST_LIST_ADD, !!req->label,
					      label, store->ops + 1);
		if (IS_ERR(event)) {
			err = PTR_ERR(event);
			event = NULL;
			goto out_put_list;
		}
	}

	err = index_list(store, list, new_keys);
	if (err)
		goto out_put_list;

	err = diglim_fs_add_list(store, list);
	if (err)
		goto out_unindex_list;

	/*
	 * Record last: nothing can fail after this, so the measurement log
	 * never shows an addition that did not happen.  Without a record (no
	 * IMA rule asks for one, or IMA failed) the list is loaded but is not
	 * measured: it vouches for no PCR.
	 */
	if (event && !diglim_ima_record(event, list->digest, algo, -1,
					&list->pcr))
		list->actions |= BIT(COMPACT_ACTION_IMA_MEASURED);

	commit_add(store, req, list, new_keys);
	kfree(event);
	return 0;

out_unindex_list:
	unindex_list(store, list, list->nr_entries, false);
out_put_list:
	kfree(event);
	diglim_put_list(list);
	return err;
}

static int del_list(struct diglim_store *store, struct diglim_request *req,
		    enum hash_algo algo, const u8 *digest)
{
	const u8 measured = BIT(COMPACT_ACTION_IMA_MEASURED);
	struct diglim_list *list;
	const char *label;
	u8 needed;
	int err;

	lockdep_assert_held(&store->lock);

	label = upload_label(store, req);
	list = diglim_htable_find_list(store, algo, digest);
	if (!list || strcmp(list->label, label))
		return -ENOENT;

	/*
	 * An appraised (signed) addition needs an appraised (signed)
	 * deletion.  With IMA records, the deletion of a measured list is
	 * measured by its own record, below.
	 */
	needed = list->actions;
	if (req->record)
		needed &= ~measured;
	if (needed & ~req->actions)
		return -EPERM;

	if (req->record) {
		char *event;
		u8 pcr;

		event = diglim_ima_event_name(DIGEST_LIST_DEL, !!req->label,
					      label, store->ops + 1);
		if (IS_ERR(event))
			return PTR_ERR(event);

		/*
		 * Record first, into the PCR of the addition: a verifier of
		 * that PCR must see the list go, or the list stays.
		 */
		err = diglim_ima_record(event, list->digest, algo,
					list->actions & measured ? list->pcr : -1,
					&pcr);
		kfree(event);
		if (err && (list->actions & measured))
			return -EPERM;
	}

	/*
	 * From here nothing can fail.  Index readers stop seeing the list
	 * before anything is removed (see diglim_list_live()).
	 */
	WRITE_ONCE(list->live, false);
	store->ops++;
	diglim_fs_remove_list(list);
	unindex_list(store, list, list->nr_entries, true);
	list_del_rcu(&list->node);
	consume_label(store, req);
	diglim_put_list(list);
	return 0;
}

/**
 * diglim_upload - Add or delete a digest list.
 * @store: Store.
 * @req: Request; @req->data is consumed in every case.
 *
 * The list is validated, then identified by its digest (IMA's hash algorithm,
 * sha256 without IMA).  An addition indexes every digest of the list, creates
 * its views in securityfs and publishes it in one step; on any failure the
 * store is left exactly as it was.  A deletion needs the same bytes, the same
 * label and at least the actions recorded at addition.
 *
 * Context: Process context, takes &diglim_store.lock.
 * Return:
 * * %0 - Done.
 * * %-EINVAL - Malformed list.
 * * %-EEXIST - Addition of a list already loaded (under any label).
 * * %-ENOENT - Deletion of a list that is not loaded with this label.
 * * %-EPERM - Deletion lacking an appraisal performed at addition, or of a
 *   measured list whose deletion cannot be recorded into the PCR that
 *   recorded its addition.
 * * %-ENAMETOOLONG - The name of the list views would exceed %NAME_MAX.
 * * %-ENOMEM - Out of memory (or injected fault).
 * * %-EINTR - Interrupted while waiting for the writer mutex.
 */
int diglim_upload(struct diglim_store *store, struct diglim_request *req)
{
	u8 digest[HASH_MAX_DIGESTSIZE];
	enum hash_algo algo;
	size_t nr_digests;
	int err;

	might_sleep();

	err = diglim_parse_list(req->data, req->size, &nr_digests);
	if (err)
		goto out_free_data;

	algo = diglim_list_hash_algo();
	err = diglim_calc_list_digest(req->data, req->size, algo, digest,
				      req->op);
	if (err)
		goto out_free_data;

	err = mutex_lock_interruptible(&store->lock);
	if (err)
		goto out_free_data;

	if (req->op == DIGEST_LIST_ADD)
		err = add_list(store, req, nr_digests, algo, digest);
	else
		err = del_list(store, req, algo, digest);

	mutex_unlock(&store->lock);
out_free_data:
	kvfree(req->data);
	req->data = NULL;
	return err;
}

/**
 * diglim_set_label - Set the label of the next raw-buffer upload.
 * @store: Store.
 * @buf: Written bytes, checked with diglim_parse_label().
 * @len: Length of @buf.
 *
 * Every call replaces the label; a failed call clears it.
 *
 * Context: Process context, takes &diglim_store.lock.
 * Return:
 * * %0 - Label set.
 * * %-EINVAL - Invalid label.
 * * %-ENOMEM - Out of memory.
 * * %-EINTR - Interrupted while waiting for the writer mutex.
 */
int diglim_set_label(struct diglim_store *store, const char *buf, size_t len)
{
	char *label = NULL;
	int ret;

	might_sleep();

	ret = diglim_parse_label(buf, len);
	if (ret > 0) {
		label = kmemdup_nul(buf, ret, GFP_KERNEL_ACCOUNT);
		ret = label ? 0 : -ENOMEM;
	}

	if (mutex_lock_interruptible(&store->lock)) {
		kfree(label);
		return -EINTR;
	}

	kfree(store->label);
	store->label = label;
	mutex_unlock(&store->lock);
	return ret;
}

/**
 * diglim_store_count - Number of distinct digests of a type.
 * @store: Store.
 * @type: Type.
 *
 * Context: Any context.
 * Return: The number of distinct (algorithm, digest) keys of @type in the
 * loaded lists (for %COMPACT_DIGEST_LIST: the number of loaded lists).
 */
unsigned long diglim_store_count(struct diglim_store *store,
				 enum compact_types type)
{
	return READ_ONCE(store->nr_digests[type]);
}

/**
 * diglim_store_destroy - Delete every list of a store and free it.
 * @store: Store initialised with diglim_store_init().
 *
 * Nothing is measured.
 *
 * Context: Process context, no concurrent user of @store.
 */
void diglim_store_destroy(struct diglim_store *store)
{
	struct diglim_list *list, *tmp;

	if (!store->ready)
		return;

	mutex_lock(&store->lock);
	list_for_each_entry_safe(list, tmp, &store->lists, node) {
		WRITE_ONCE(list->live, false);
		diglim_fs_remove_list(list);
		unindex_list(store, list, list->nr_entries, true);
		list_del_rcu(&list->node);
		diglim_put_list(list);
	}
	kfree(store->label);
	store->label = NULL;
	store->ready = false;
	mutex_unlock(&store->lock);

	diglim_htable_destroy(store);
	mutex_destroy(&store->lock);
}
