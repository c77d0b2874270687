// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Digest index: one resizable hash list table per digest type
 *
 * Each table maps (algorithm, digest) to every occurrence of the digest in
 * the stored lists.  Writers hold the store mutex; readers only RCU.
 */

#include "diglim.h"

#include <linux/jhash.h>
#include <linux/lockdep.h>
#include <linux/rhashtable.h>
#include <linux/string.h>

/**
 * struct diglim_key - Lookup key of the index.
 * @digest: Digest bytes, hash_digest_size[@algo] long.
 * @algo: Hash algorithm of @digest.
 */
struct diglim_key {
	const u8 *digest;
	enum hash_algo algo;
};

/* An entry is 32 bytes: no per-digest slab object, no copy of the digest. */
static_assert(sizeof(void *) != 8 || sizeof(struct diglim_entry) == 32);

static enum hash_algo entry_algo(const struct diglim_entry *entry)
{
	if (diglim_entry_is_list_digest(entry))
		return entry->list->algo;

	return le16_to_cpu(diglim_entry_hdr(entry)->algo);
}

static const u8 *entry_digest(const struct diglim_entry *entry)
{
	if (diglim_entry_is_list_digest(entry))
		return entry->list->digest;

	return entry->list->data + entry->digest_off;
}

static u32 hash_digest(const u8 *digest, enum hash_algo algo, u32 seed)
{
	return jhash(digest, hash_digest_size[algo], seed ^ algo);
}

static u32 key_hashfn(const void *data, u32 len, u32 seed)
{
	const struct diglim_key *key = data;

	return hash_digest(key->digest, key->algo, seed);
}

static u32 entry_hashfn(const void *data, u32 len, u32 seed)
{
	const struct diglim_entry *entry = data;

	return hash_digest(entry_digest(entry), entry_algo(entry), seed);
}

static int entry_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct diglim_key *key = arg->key;
	const struct diglim_entry *entry = obj;

	if (entry_algo(entry) != key->algo)
		return 1;

	return memcmp(entry_digest(entry), key->digest,
		      hash_digest_size[key->algo]);
}

static const struct rhashtable_params diglim_params = {
	.head_offset = offsetof(struct diglim_entry, node),
	.key_len = sizeof(struct diglim_key),
	.hashfn = key_hashfn,
	.obj_hashfn = entry_hashfn,
	.obj_cmpfn = entry_cmpfn,
	.automatic_shrinking = true,
};

/**
 * diglim_htable_init - Initialise the tables of a store.
 * @store: Store.
 *
 * Context: Process context.
 * Return: 0 or -errno.
 */
int diglim_htable_init(struct diglim_store *store)
{
	int i, err;

	for (i = 0; i < COMPACT__LAST; i++) {
		err = rhltable_init(&store->tables[i], &diglim_params);
		if (err)
			goto out_destroy;
	}

	return 0;

out_destroy:
	while (i--)
		rhltable_destroy(&store->tables[i]);
	return err;
}

/**
 * diglim_htable_destroy - Free the tables of a store.
 * @store: Store with no list left.
 *
 * Context: Process context, no concurrent reader.
 */
void diglim_htable_destroy(struct diglim_store *store)
{
	int i;

	for (i = 0; i < COMPACT__LAST; i++)
		rhltable_destroy(&store->tables[i]);
}

static struct rhlist_head *lookup(struct diglim_store *store,
				  enum compact_types type,
				  const struct diglim_key *key)
{
	return rhltable_lookup(&store->tables[type], key, diglim_params);
}

/**
 * diglim_htable_insert - Add an entry to the index.
 * @store: Store.
 * @entry: Entry of a list that is not live.
 * @new_key: Output: true if no other entry had the same key.
 *
 * Context: Process context, takes the RCU read lock.  Requires
 * &diglim_store.lock to be held.
 * Return: 0 or -errno (-ENOMEM).
 */
int diglim_htable_insert(struct diglim_store *store,
			 struct diglim_entry *entry, bool *new_key)
{
	const enum compact_types type = diglim_entry_type(entry);
	const struct diglim_key key = {
		.digest = entry_digest(entry),
		.algo = entry_algo(entry),
	};

	lockdep_assert_held(&store->lock);

	rcu_read_lock();
	*new_key = !lookup(store, type, &key);
	rcu_read_unlock();

	/* Stands for the bucket allocations rhltable may need. */
	if (diglim_should_fail())
		return -ENOMEM;

	return rhltable_insert_key(&store->tables[type], &key, &entry->node,
				   diglim_params);
}

/**
 * diglim_htable_remove - Remove an entry from the index.
 * @store: Store.
 * @entry: Entry previously inserted with diglim_htable_insert().
 *
 * The entry must not be freed before an RCU grace period.
 *
 * Context: Process context, takes the RCU read lock.  Requires
 * &diglim_store.lock to be held.
 * Return: True if no entry with the same key is left.
 */
bool diglim_htable_remove(struct diglim_store *store,
			  struct diglim_entry *entry)
{
	const enum compact_types type = diglim_entry_type(entry);
	const struct diglim_key key = {
		.digest = entry_digest(entry),
		.algo = entry_algo(entry),
	};
	bool gone;

	lockdep_assert_held(&store->lock);

	/* Only fails if @entry is not in the table, a kernel bug. */
	WARN_ON_ONCE(rhltable_remove(&store->tables[type], &entry->node,
				     diglim_params));

	rcu_read_lock();
	gone = !lookup(store, type, &key);
	rcu_read_unlock();

	return gone;
}

/**
 * diglim_htable_find_list - Find a list by its digest.
 * @store: Store.
 * @algo: Hash algorithm of @digest.
 * @digest: Digest of the list.
 *
 * Context: Process context.  Requires &diglim_store.lock to be held, which
 * keeps the returned list in the store.
 * Return: The list (live or being added) or NULL.
 */
struct diglim_list *diglim_htable_find_list(struct diglim_store *store,
					    enum hash_algo algo,
					    const u8 *digest)
{
	const struct diglim_key key = { .digest = digest, .algo = algo };
	struct diglim_list *list = NULL;
	struct rhlist_head *head;

	lockdep_assert_held(&store->lock);

	rcu_read_lock();
	head = lookup(store, COMPACT_DIGEST_LIST, &key);
	if (head)
		list = container_of(head, struct diglim_entry, node)->list;
	rcu_read_unlock();

	return list;
}

/**
 * diglim_htable_collect - Find the live occurrences of a digest.
 * @store: Store.
 * @type: Index to search.
 * @algo: Hash algorithm of @digest.
 * @digest: Digest to look for.
 * @found: Output: the first @max occurrences, newest first.
 * @max: Number of elements of @found.
 *
 * rhltable puts new duplicates in front of old ones, so the occurrences come
 * newest first; callers that want insertion order walk @found backwards.
 *
 * Context: Requires the RCU read lock; the entries are valid until it is
 * released.
 * Return: Number of live occurrences (may be more than @max).
 */
unsigned int diglim_htable_collect(struct diglim_store *store,
				   enum compact_types type,
				   enum hash_algo algo, const u8 *digest,
				   const struct diglim_entry **found,
				   unsigned int max)
{
	const struct diglim_key key = { .digest = digest, .algo = algo };
	const struct diglim_entry *entry;
	struct rhlist_head *head, *pos;
	unsigned int n = 0;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "no rcu_read_lock()");

	head = lookup(store, type, &key);
	rhl_for_each_entry_rcu(entry, pos, head, node) {
		if (!diglim_list_live(entry->list))
			continue;
		if (n < max)
			found[n] = entry;
		n++;
	}

	return n;
}

/**
 * diglim_store_lookup - Look up a digest in the live lists of a store.
 * @store: Store.
 * @digest: Digest to look up.
 * @algo: Hash algorithm of @digest.
 * @type: Index to search.
 * @info: Output: what the lists holding @digest say, set if found.
 *
 * Context: Any context that may use RCU.
 * Return: 0 if found, -ENOENT otherwise.
 */
int diglim_store_lookup(struct diglim_store *store, const u8 *digest,
			enum hash_algo algo, enum compact_types type,
			struct diglim_digest_info *info)
{
	const struct diglim_key key = { .digest = digest, .algo = algo };
	struct diglim_digest_info found = {};
	const struct diglim_entry *entry;
	struct rhlist_head *head, *pos;
	bool any = false;

	if (!digest || algo >= HASH_ALGO__LAST || !hash_digest_size[algo] ||
	    type >= COMPACT__LAST)
		return -ENOENT;

	/* Pairs with smp_store_release() in diglim_store_init(). */
	if (!smp_load_acquire(&store->ready))
		return -ENOENT;

	rcu_read_lock();
	head = lookup(store, type, &key);
	rhl_for_each_entry_rcu(entry, pos, head, node) {
		const struct diglim_list *list = entry->list;

		if (!diglim_list_live(list))
			continue;
		if (!diglim_entry_is_list_digest(entry))
			found.modifiers |=
				le16_to_cpu(diglim_entry_hdr(entry)->modifiers);
		found.actions |= list->actions;
		if (list->actions & BIT(COMPACT_ACTION_IMA_MEASURED))
			found.measured_pcrs |= BIT_ULL(list->pcr);
		any = true;
	}
	rcu_read_unlock();

	if (!any)
		return -ENOENT;

	*info = found;
	return 0;
}

/* Documented in include/linux/diglim.h. */
int diglim_digest_lookup(const u8 *digest, enum hash_algo algo,
			 enum compact_types type,
			 struct diglim_digest_info *info)
{
	return diglim_store_lookup(&diglim_global_store, digest, algo, type,
				   info);
}

/* Documented in include/linux/diglim.h. */
int diglim_digest_get_info(const u8 *digest, enum hash_algo algo,
			   enum compact_types type, u16 *modifiers, u8 *actions)
{
	struct diglim_digest_info info;
	int ret;

	ret = diglim_digest_lookup(digest, algo, type, &info);
	if (ret)
		return ret;

	*modifiers = info.modifiers;
	*actions = info.actions;
	return 0;
}
