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
 * - upload.c, upload by path: copy of the path, path lookup, file open,
 *   file read (4); upload of a raw buffer: copy of the buffer (1);
 * - ima.c: hash transform for the list digest (1);
 * - here: list object, list id (2);
 * - ima.c: the name of the IMA record of the addition (1, global store
 *   only);
 * - index.c: one per index insertion, that is one per digest plus one for
 *   the list digest (nr_digests + 1).
 *
 * So a raw buffer of N digests has 1 + 1 + 3 + (N + 1) = N + 6 points and
 * a path upload 4 + 1 + 3 + (N + 1) = N + 9.  A deletion has none: once
 * its list is loaded, it succeeds (failslab can still fail its own
 * allocations before it starts).  Nothing is created in securityfs: the
 * views in digest_lists_loaded/ exist while they are used (views.c).
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
#include <linux/vmalloc.h>
#include <linux/xarray.h>

/* The store behind securityfs and the kernel API. */
struct diglim_store diglim_global_store;

/**
 * diglim_store_init - Initialise a store.
 * @store: Store to initialise.
 *
 * Context: Process context.
 * Return: 0.
 */
int diglim_store_init(struct diglim_store *store)
{
	memset(store, 0, sizeof(*store));
	mutex_init(&store->lock);
	INIT_LIST_HEAD(&store->lists);
	diglim_index_init(store);

	/* Pairs with smp_load_acquire() in the index readers. */
	smp_store_release(&store->ready, true);
	return 0;
}

/**
 * diglim_list_name - Print the name of a list.
 * @list: List.
 * @buf: Output buffer.
 * @size: Size of @buf (NAME_MAX + 1 is always enough).
 *
 * The name, "<algo>-<hex digest>-<label>", names the binary view of the
 * list in digest_lists_loaded/ and the list in query answers.
 *
 * Context: Any context.
 * Return: Length of the name (as snprintf()).
 */
int diglim_list_name(const struct diglim_list *list, char *buf, size_t size)
{
	return snprintf(buf, size, "%s-%*phN-%s", hash_algo_name[list->algo],
			(int)hash_digest_size[list->algo],
			diglim_list_digest(list), diglim_list_label(list));
}

/* Lists up to this size are kmalloc'd, bigger ones vmalloc'd. */
#define DATA_KMALLOC_MAX (2 * PAGE_SIZE)

/**
 * diglim_data_alloc - Allocate the buffer of the bytes of a list.
 * @size: Size of the list, at least 1.
 *
 * kmalloc() up to 8 KiB, where size classes waste less than a page,
 * vmalloc() above, which rounds to a page.  kvmalloc() would round sizes
 * above a page to a power of two: up to twice the list.
 *
 * Context: Process context.
 * Return: The buffer (free it with kvfree()) or NULL.
 */
void *diglim_data_alloc(size_t size)
{
	if (size <= DATA_KMALLOC_MAX)
		return kmalloc(size, GFP_KERNEL_ACCOUNT);

	return __vmalloc(size, GFP_KERNEL_ACCOUNT);
}

/**
 * diglim_data_fit - Move list bytes into a right-sized buffer.
 * @data: Buffer from diglim_data_alloc().
 * @alloc_size: Size @data was allocated with.
 * @size: Size of the list in @data, at most @alloc_size.
 *
 * Used when an appended signature was stripped: the bytes are copied into a
 * buffer of @size if that takes less memory.
 *
 * Context: Process context.
 * Return: The buffer holding the list: @data, or a copy (then @data is
 * freed).  Never fails: without memory, @data is kept.
 */
void *diglim_data_fit(void *data, size_t alloc_size, size_t size)
{
	size_t have, need;
	void *copy;

	have = alloc_size <= DATA_KMALLOC_MAX ? kmalloc_size_roundup(alloc_size) :
						 PAGE_ALIGN(alloc_size);
	need = size <= DATA_KMALLOC_MAX ? kmalloc_size_roundup(size) :
					   PAGE_ALIGN(size);
	if (!size || need >= have)
		return data;

	copy = diglim_data_alloc(size);
	if (!copy)
		return data;

	memcpy(copy, data, size);
	kvfree(data);
	return copy;
}

static void free_list_rcu(struct rcu_head *head)
{
	struct diglim_list *list = container_of(head, struct diglim_list, rcu);

	/*
	 * RCU callbacks may run in softirq context: kvfree() is fine there,
	 * vfree() defers the unmapping to a work item when in_interrupt().
	 */
	kvfree(list->data);
	kvfree(list);
}

static void release_list(struct kref *ref)
{
	struct diglim_list *list = container_of(ref, struct diglim_list, ref);

	/* Index readers may still look at the list. */
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
 * @store: Store.
 * @req: Validated upload; @req->data is moved into the list.
 * @algo: Algorithm of @digest.
 * @digest: Digest of @req->data.
 * @label: Label of the list.
 *
 * Return: The list, not live, in &diglim_store.ids but not indexed, or
 * ERR_PTR(-ENAMETOOLONG) if the name of its ASCII view would be longer than
 * %NAME_MAX, ERR_PTR(-ENOSPC) if %DIGLIM_MAX_LISTS lists are loaded,
 * ERR_PTR(-ENOMEM).
 */
static struct diglim_list *alloc_list(struct diglim_store *store,
				      struct diglim_request *req,
				      enum hash_algo algo, const u8 *digest,
				      const char *label)
{
	const size_t digest_size = hash_digest_size[algo];
	const size_t label_len = strlen(label);
	struct diglim_list *list;
	size_t off, nr_blocks = 0;
	u32 *blocks;
	int err;

	/* The longest name is the one of the ASCII view. */
	if (strlen(hash_algo_name[algo]) + 1 + digest_size * 2 + 1 +
	    label_len + strlen(DIGLIM_ASCII_SUFFIX) > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);

	/* Lists are at most 64 MiB: u32 offsets and counts are enough. */
	if (WARN_ON_ONCE(req->size > DIGLIM_MAX_LIST_SIZE))
		return ERR_PTR(-EFBIG);

	for (off = 0; off < req->size; off = diglim_block_next(req->data, off))
		nr_blocks++;

	if (diglim_should_fail())
		return ERR_PTR(-ENOMEM);
	list = kvzalloc(struct_size(list, tail, nr_blocks * sizeof(u32) +
					       digest_size + label_len + 1),
			GFP_KERNEL_ACCOUNT);
	if (!list)
		return ERR_PTR(-ENOMEM);

	kref_init(&list->ref);
	INIT_LIST_HEAD(&list->node);
	list->algo = algo;
	list->actions = req->actions;
	/* With IMA records, only the record of the addition measures it. */
	if (req->record)
		list->actions &= ~BIT(COMPACT_ACTION_IMA_MEASURED);
	list->nr_blocks = nr_blocks;
	blocks = (u32 *)list->tail;
	nr_blocks = 0;
	for (off = 0; off < req->size; off = diglim_block_next(req->data, off))
		blocks[nr_blocks++] = off;
	memcpy((u8 *)diglim_list_digest(list), digest, digest_size);
	memcpy((char *)diglim_list_label(list), label, label_len + 1);

	/* From here the list owns the bytes. */
	list->data = req->data;
	list->size = req->size;
	req->data = NULL;

	/*
	 * Published last: index readers find lists by id.  Ids are handed
	 * out cyclically, so a deleted list's id is not reused at once.
	 */
	err = -ENOMEM;
	if (diglim_should_fail())
		goto out_free;
	err = xa_alloc_cyclic(&store->ids, &list->id, list,
			      XA_LIMIT(1, DIGLIM_MAX_LISTS), &store->next_id,
			      GFP_KERNEL_ACCOUNT);
	if (err < 0)
		goto out_free;

	return list;

out_free:
	kvfree(list->data);
	kvfree(list);
	return ERR_PTR(err == -EBUSY ? -ENOSPC : err);
}

/* Takes a list out of the store's ids and drops the store's reference. */
static void drop_list(struct diglim_store *store, struct diglim_list *list)
{
	lockdep_assert_held(&store->lock);

	xa_erase(&store->ids, list->id);
	diglim_put_list(list);
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
	list->seq = store->ops;
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
		    enum hash_algo algo, const u8 *digest)
{
	unsigned long new_keys[COMPACT__LAST] = {};
	struct diglim_list *list;
	const char *label;
	char *event = NULL;
	int err;

	lockdep_assert_held(&store->lock);

	if (diglim_index_find_list(store, algo, digest))
		return -EEXIST;

	label = upload_label(store, req);
	list = alloc_list(store, req, algo, digest, label);
	if (IS_ERR(list))
		return PTR_ERR(list);

	if (req->record) {
		event = diglim_ima_event_name(DIGEST_LIST_ADD, !!req->label,
					      label, store->ops + 1);
		if (IS_ERR(event)) {
			err = PTR_ERR(event);
			event = NULL;
			goto out_drop_list;
		}
	}

	err = diglim_index_add_list(store, list, new_keys);
	if (err)
		goto out_drop_list;

	/*
	 * Record last: nothing can fail after this, so the measurement log
	 * never shows an addition that did not happen.  Without a record (no
	 * IMA rule asks for one, or IMA failed) the list is loaded but is not
	 * measured: it vouches for no PCR.
	 */
	if (event && !diglim_ima_record(event, diglim_list_digest(list), algo,
					-1, &list->pcr))
		list->actions |= BIT(COMPACT_ACTION_IMA_MEASURED);

	commit_add(store, req, list, new_keys);
	kfree(event);
	return 0;

out_drop_list:
	kfree(event);
	drop_list(store, list);
	return err;
}

/* Removes a list that is not live any more from the store. */
static void remove_list(struct diglim_store *store, struct diglim_list *list)
{
	unsigned long gone_keys[COMPACT__LAST] = {};
	int i;

	lockdep_assert_held(&store->lock);

	diglim_index_del_list(store, list, gone_keys);
	for (i = 0; i < COMPACT__LAST; i++)
		WRITE_ONCE(store->nr_digests[i],
			   store->nr_digests[i] - gone_keys[i]);
	list_del_rcu(&list->node);
	drop_list(store, list);
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
	list = diglim_index_find_list(store, algo, digest);
	if (!list || strcmp(diglim_list_label(list), label))
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
		err = diglim_ima_record(event, diglim_list_digest(list), algo,
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
	remove_list(store, list);
	consume_label(store, req);
	return 0;
}

/**
 * diglim_upload - Add or delete a digest list.
 * @store: Store.
 * @req: Request; @req->data is consumed in every case.
 *
 * The list is validated, then identified by its digest (IMA's hash algorithm,
 * sha256 without IMA).  An addition indexes every digest of the list and
 * publishes it in one step; on any failure the store is left exactly as it
 * was.  A deletion needs the same bytes, the same
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
 * * %-ENOSPC - Addition when %DIGLIM_MAX_LISTS lists are loaded.
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
		err = add_list(store, req, algo, digest);
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
		remove_list(store, list);
	}
	kfree(store->label);
	store->label = NULL;
	store->ready = false;
	mutex_unlock(&store->lock);

	diglim_index_destroy(store);
	mutex_destroy(&store->lock);
}
