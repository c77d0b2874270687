// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Digest index: one open-addressing table of 8-byte slots per type
 *
 * A table maps (algorithm, digest) to every occurrence of the digest in the
 * stored lists.  It is an array of buckets of eight u64 slots, one bucket
 * per 64-byte cache line.  A digest hashes to a home bucket; it is stored in
 * the first bucket from there (wrapping around) that has a free slot, so a
 * lookup reads buckets from the home one until it finds the digest or a
 * bucket with an empty slot.  The table is kept at most 11/20 full, and
 * rebuilt at 3/10 when it would exceed that, so most home buckets have an
 * empty slot: a lookup of an absent digest then reads one cache line of the
 * index and nothing else, since each slot carries a tag of the digest (19
 * bits of it) and only a matching tag (one slot in 2^19) leads to the list
 * bytes.  diglim_index_stats() computes how many lines a miss reads on
 * average from the occupancy of the table.
 *
 * A slot holds a digest once, whatever the number of its occurrences:
 *
 * - one occurrence: the tag, the id of the list (20 bits) and the offset
 *   of the digest in the list divided by 4 (24 bits: lists are at most
 *   64 MiB and every digest size is a multiple of 4), or 0 for the digest
 *   of the list itself;
 * - more: the tag, %SLOT_DUP and the id of a &struct diglim_dups in
 *   &diglim_store.dups, an array of occurrences.
 *
 * Writers hold &diglim_store.lock.  Readers take only the RCU read lock and
 * never see a slot half written (slots are written with WRITE_ONCE()).  A
 * deletion frees a slot as a tombstone, which probes go past; tombstones are
 * dropped when the table is rebuilt.  Rebuilding makes a new table and
 * publishes it with rcu_assign_pointer(); the old one is freed after a
 * grace period.  An occurrence array grows by copy (published with
 * xa_store()); a deletion removes its occurrences in place by moving the
 * last ones into the holes, which readers cannot miss (see dups_sweep()),
 * and never allocates: once started, a deletion cannot fail.
 *
 * With rhashtable (the 2021 series, and DIGLIM before this table), every
 * occurrence costs an entry of at least 32 bytes (rhash_head, list pointer,
 * offsets) plus its share of a bucket array of pointers, rounded to a
 * power of two and to pages, which adds 8 to 32 bytes: 40 to 64 bytes per
 * occurrence against 8 / load here (15 to 27 bytes).
 */

#include "diglim.h"

#include <linux/bitfield.h>
#include <linux/jhash.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <linux/unaligned.h>

/* Slots per bucket: a bucket is one 64-byte cache line. */
#define BUCKET_SLOTS 8
#define BUCKET_BYTES (BUCKET_SLOTS * sizeof(u64))

/* Slot layout. */
#define SLOT_OFF	GENMASK_ULL(23, 0)
#define SLOT_ID		GENMASK_ULL(43, 24)
#define SLOT_REF	GENMASK_ULL(43, 0)
#define SLOT_TAG	GENMASK_ULL(62, 44)
#define SLOT_DUP	BIT_ULL(63)
#define SLOT_EMPTY	0ULL
/* List id 0 is never allocated: no occurrence slot looks like this. */
#define SLOT_TOMB	1ULL

/* Mark of the occurrence nodes no slot points to any more. */
#define DUPS_RETIRED XA_MARK_1

/*
 * Occupancy limit (used + tombstones), and load after a rebuild, in 1/20:
 * up to 11/20, a miss reads 1.1 cache lines on average (diglim_index_stats()
 * computes it), 1.74 at 3/4.
 */
#define LOAD_MAX_20THS 11
#define LOAD_REBUILD_20THS 6

static_assert(DIGLIM_LIST_ID_BITS == 20);
static_assert(DIGLIM_MAX_LIST_SIZE < SZ_64M);

/**
 * struct diglim_table - The index of one type.
 * @rcu: Frees the table after a grace period once replaced.
 * @nr_buckets: Number of buckets of @slots.
 * @used: Slots holding a digest (writer only).
 * @tombs: Tombstones (writer only).
 * @slots: @nr_buckets * %BUCKET_SLOTS slots, 64-byte aligned.
 */
struct diglim_table {
	struct rcu_head rcu;
	u32 nr_buckets;
	u32 used;
	u32 tombs;
	u64 *slots;
};

/**
 * struct diglim_dups - The occurrences of a digest found more than once.
 * @rcu: Frees the node after a grace period once replaced or unused.
 * @nr: Number of valid elements of @occ.  Written with smp_store_release()
 *      after the elements, read with smp_load_acquire().
 * @cap: Number of elements @occ has room for.
 * @sweep: Number (&diglim_store.sweeps) of the last removal of a list
 *         that swept the node, so that a removal sweeps a node once.
 * @gp: RCU cookie taken when a deletion moved elements: positions past @nr
 *      may still be read by earlier readers until it has elapsed, so
 *      appends copy the node until then.
 * @occ: Occurrences, as in a slot without tag (list id, offset / 4).
 */
struct diglim_dups {
	struct rcu_head rcu;
	u32 nr;
	u32 cap;
	u64 sweep;
	unsigned long gp;
	u64 occ[];
};

/* A digest being inserted, looked up or removed. */
struct ikey {
	const u8 *digest;
	enum hash_algo algo;
	u32 hash;
	u64 tag;
};

static void make_key(struct diglim_store *store, struct ikey *key,
		     const u8 *digest, enum hash_algo algo)
{
	key->digest = digest;
	key->algo = algo;
	key->hash = jhash(digest, hash_digest_size[algo], store->seed ^ algo);
	/* Independent of the bucket: a tag is made of the digest itself. */
	key->tag = FIELD_PREP(SLOT_TAG, get_unaligned_le32(digest));
}

static u32 home_bucket(const struct diglim_table *tbl, u32 hash)
{
	/* Any number of buckets: no rounding to a power of two. */
	return reciprocal_scale(hash, tbl->nr_buckets);
}

static u64 make_occ(const struct diglim_list *list, u32 off)
{
	return FIELD_PREP(SLOT_ID, list->id) | FIELD_PREP(SLOT_OFF, off >> 2);
}

/* The header of the block of @list that spans offset @off, or NULL. */
static const struct compact_list_hdr *find_block(const struct diglim_list *list,
						 u32 off)
{
	const u32 *blocks = diglim_list_blocks(list);
	u32 lo = 0, hi = list->nr_blocks;

	/* The last block whose header is before @off. */
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (blocks[mid] < off)
			lo = mid;
		else
			hi = mid;
	}
	if (!list->nr_blocks || blocks[lo] >= off)
		return NULL;

	return list->data + blocks[lo];
}

/*
 * The header of the block holding the digest at @off of @list, or NULL if
 * @off is not the offset of a digest of @algo in @list.
 */
static const struct compact_list_hdr *
occ_hdr(const struct diglim_list *list, u32 off, enum hash_algo algo)
{
	const struct compact_list_hdr *hdr = find_block(list, off);
	u32 start, size;

	if (!hdr || le16_to_cpu(hdr->algo) != algo)
		return NULL;

	size = hash_digest_size[algo];
	start = (const void *)hdr - list->data + sizeof(*hdr);
	if (off < start || (off - start) % size ||
	    off - start >= le32_to_cpu(hdr->datalen))
		return NULL;

	return hdr;
}

/*
 * Resolves occurrence @occ.  Return: the list (NULL if its id is unknown),
 * with *@hdr set to the block header (NULL for the list digest) and
 * *@digest to the digest bytes, or NULL if @occ is not a digest of @algo.
 */
static const struct diglim_list *resolve(struct diglim_store *store, u64 occ,
					 enum hash_algo algo,
					 const struct compact_list_hdr **hdr,
					 const u8 **digest)
{
	const struct diglim_list *list;
	u32 off = FIELD_GET(SLOT_OFF, occ) << 2;

	list = xa_load(&store->ids, FIELD_GET(SLOT_ID, occ));
	if (!list)
		return NULL;

	if (!off) {
		if (list->algo != algo)
			return NULL;
		*hdr = NULL;
		*digest = diglim_list_digest(list);
		return list;
	}

	*hdr = occ_hdr(list, off, algo);
	if (!*hdr)
		return NULL;
	*digest = list->data + off;
	return list;
}

static struct diglim_dups *slot_dups(struct diglim_store *store, u64 slot)
{
	return xa_load(&store->dups, FIELD_GET(SLOT_REF, slot));
}

/**
 * struct match - A slot found by find_slot().
 * @slot: Its value when it matched.
 * @dups: Its occurrence node if @slot has %SLOT_DUP.
 */
struct match {
	u64 slot;
	const struct diglim_dups *dups;
};

/*
 * Whether slot *@slotp holds the digest of @key; if so, what it held is in
 * *@m.  The slot may change under a reader, which keeps what it read: the
 * node of an old slot value stays in &diglim_store.dups for a grace period
 * after the slot stopped pointing to it (reap_dups()), in every table a
 * reader may still hold.
 */
static bool slot_matches(struct diglim_store *store, const u64 *slotp,
			 const struct ikey *key, struct match *m)
{
	const struct compact_list_hdr *hdr;
	const u8 *digest;
	const u64 *occ;
	u32 i, nr = 1;
	u64 slot;

	slot = READ_ONCE(*slotp);
	if ((slot & SLOT_TAG) != key->tag || slot == SLOT_EMPTY ||
	    slot == SLOT_TOMB)
		return false;

	m->slot = slot;
	m->dups = NULL;
	occ = &m->slot;
	if (slot & SLOT_DUP) {
		m->dups = slot_dups(store, slot);
		if (!m->dups)
			return false;
		/* Pairs with smp_store_release() in add_dup(), dups_sweep(). */
		nr = smp_load_acquire(&m->dups->nr);
		occ = m->dups->occ;
	}

	/* Every occurrence has the same digest: the first resolved one. */
	for (i = 0; i < nr; i++) {
		if (resolve(store, READ_ONCE(occ[i]), key->algo, &hdr, &digest))
			return !memcmp(digest, key->digest,
				       hash_digest_size[key->algo]);
	}

	return false;
}

/*
 * Finds the slot of @key in @tbl.  Return: its index, or -1 if absent, with
 * *@m set to what it held, and *@free (if not NULL) set to the first free
 * slot (empty or tombstone) of the probe.
 */
static long find_slot(struct diglim_store *store,
		      const struct diglim_table *tbl, const struct ikey *key,
		      struct match *m, long *free)
{
	u32 b = home_bucket(tbl, key->hash), n;

	if (free)
		*free = -1;

	for (n = 0; n < tbl->nr_buckets; n++) {
		const u64 *bucket = tbl->slots + (size_t)b * BUCKET_SLOTS;
		bool empty = false;
		int i;

		for (i = 0; i < BUCKET_SLOTS; i++) {
			u64 slot = READ_ONCE(bucket[i]);
			long pos = (long)b * BUCKET_SLOTS + i;

			if (slot == SLOT_EMPTY || slot == SLOT_TOMB) {
				if (free && *free < 0)
					*free = pos;
				empty |= slot == SLOT_EMPTY;
				continue;
			}
			if (slot_matches(store, &bucket[i], key, m))
				return pos;
		}
		if (empty)
			break;
		if (++b == tbl->nr_buckets)
			b = 0;
	}

	return -1;
}

static void free_table(struct diglim_table *tbl)
{
	if (!tbl)
		return;
	kvfree(tbl->slots);
	kfree(tbl);
}

static void free_table_rcu(struct rcu_head *head)
{
	free_table(container_of(head, struct diglim_table, rcu));
}

/* A table of at least @nr_buckets buckets, every slot empty. */
static struct diglim_table *alloc_table(u32 nr_buckets)
{
	struct diglim_table *tbl;
	size_t bytes;

	tbl = kzalloc(sizeof(*tbl), GFP_KERNEL_ACCOUNT);
	if (!tbl)
		return NULL;

	/*
	 * kmalloc() aligns power-of-two sizes naturally, vmalloc() to a
	 * page: buckets are cache lines either way.  Above a page, any
	 * number of buckets (vmalloc() rounds to a page, not to a power of
	 * two).
	 */
	bytes = (size_t)nr_buckets * BUCKET_BYTES;
	if (bytes <= PAGE_SIZE) {
		bytes = roundup_pow_of_two(bytes);
		tbl->slots = kzalloc(bytes, GFP_KERNEL_ACCOUNT);
	} else {
		bytes = PAGE_ALIGN(bytes);
		tbl->slots = __vmalloc(bytes, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	}
	if (!tbl->slots) {
		kfree(tbl);
		return NULL;
	}

	tbl->nr_buckets = bytes / BUCKET_BYTES;
	return tbl;
}

/* Key of the digest of slot @slot (a writer's view: it resolves). */
static void slot_key(struct diglim_store *store, u64 slot, struct ikey *key)
{
	const struct compact_list_hdr *hdr;
	const struct diglim_list *list;
	u64 occ = slot;
	u32 off;

	if (slot & SLOT_DUP)
		occ = slot_dups(store, slot)->occ[0];

	list = xa_load(&store->ids, FIELD_GET(SLOT_ID, occ));
	off = FIELD_GET(SLOT_OFF, occ) << 2;
	if (!off) {
		make_key(store, key, diglim_list_digest(list), list->algo);
		return;
	}

	hdr = find_block(list, off);
	make_key(store, key, list->data + off, le16_to_cpu(hdr->algo));
}

/*
 * Replaces the table of @type by one sized for @used + @extra digests at
 * the rebuild load, without tombstones.
 */
static int rebuild(struct diglim_store *store, enum compact_types type,
		   u32 extra)
{
	struct diglim_table *old, *tbl;
	u64 want;
	u32 i;

	old = rcu_dereference_protected(store->tables[type],
					lockdep_is_held(&store->lock));

	want = (u64)((old ? old->used : 0) + extra) * 20;
	want = DIV_ROUND_UP_ULL(want, LOAD_REBUILD_20THS * BUCKET_SLOTS);
	if (want > U32_MAX / BUCKET_SLOTS)
		return -ENOMEM;

	tbl = alloc_table(max_t(u32, want, 1));
	if (!tbl)
		return -ENOMEM;

	for (i = 0; old && i < old->nr_buckets * BUCKET_SLOTS; i++) {
		u64 slot = old->slots[i];
		struct ikey key;
		u32 b;

		if (slot == SLOT_EMPTY || slot == SLOT_TOMB)
			continue;
		slot_key(store, slot, &key);

		/* The new table has room: the first empty slot from home. */
		b = home_bucket(tbl, key.hash);
		for (;;) {
			u64 *bucket = tbl->slots + (size_t)b * BUCKET_SLOTS;
			int j = 0;

			while (j < BUCKET_SLOTS && bucket[j] != SLOT_EMPTY)
				j++;
			if (j < BUCKET_SLOTS) {
				bucket[j] = slot;
				break;
			}
			if (++b == tbl->nr_buckets)
				b = 0;
		}
		tbl->used++;
		if (!(i % 4096))
			cond_resched();
	}

	rcu_assign_pointer(store->tables[type], tbl);
	if (old)
		call_rcu(&old->rcu, free_table_rcu);
	return 0;
}

/*
 * Makes room for one more digest in the table of @type: rebuilds it at 3/10
 * of its digests when it would be more than 11/20 full (counting
 * tombstones), which grows it by 11/6 at least (insertion in amortised
 * O(1)), or when less than 1/10 of it is used.
 */
static int reserve(struct diglim_store *store, enum compact_types type)
{
	struct diglim_table *tbl;
	u64 slots;

	tbl = rcu_dereference_protected(store->tables[type],
					lockdep_is_held(&store->lock));
	if (tbl) {
		slots = (u64)tbl->nr_buckets * BUCKET_SLOTS;
		if ((tbl->used + tbl->tombs + 1) * 20 <= slots * LOAD_MAX_20THS &&
		    (tbl->used + 1 >= slots / 10 || tbl->nr_buckets <= 8))
			return 0;
	}

	return rebuild(store, type, 1);
}

static struct diglim_dups *alloc_dups(u32 cap)
{
	struct diglim_dups *dups;
	size_t size;

	/* Use the whole size class. */
	size = kmalloc_size_roundup(struct_size(dups, occ, cap));
	dups = kmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!dups)
		return NULL;

	dups->nr = 0;
	dups->sweep = 0;
	dups->gp = get_completed_synchronize_rcu();
	dups->cap = (size - sizeof(*dups)) / sizeof(u64);
	return dups;
}

/* Adds occurrence @occ to the digest of slot @pos, which has others. */
static int add_dup(struct diglim_store *store, struct diglim_table *tbl,
		   long pos, u64 occ)
{
	u64 slot = tbl->slots[pos];
	struct diglim_dups *dups, *old = NULL;
	u32 id;
	int err;

	if (slot & SLOT_DUP) {
		old = slot_dups(store, slot);
		/* Append in place, unless earlier readers may see the spot. */
		if (old->nr < old->cap && poll_state_synchronize_rcu(old->gp)) {
			WRITE_ONCE(old->occ[old->nr], occ);
			/* Pairs with smp_load_acquire() of readers. */
			smp_store_release(&old->nr, old->nr + 1);
			return 0;
		}
	}

	dups = alloc_dups(old ? old->nr * 2 : 4);
	if (!dups)
		return -ENOMEM;

	if (old) {
		memcpy(dups->occ, old->occ, old->nr * sizeof(u64));
		dups->nr = old->nr;
		dups->sweep = old->sweep;
	} else {
		dups->occ[dups->nr++] = slot & SLOT_REF;
	}
	dups->occ[dups->nr++] = occ;

	if (old) {
		/* Replacing an entry never allocates. */
		xa_store(&store->dups, FIELD_GET(SLOT_REF, slot), dups,
			 GFP_KERNEL_ACCOUNT);
		kfree_rcu(old, rcu);
		return 0;
	}

	/* Cyclic: an id is not reused soon after its node was freed. */
	err = xa_alloc_cyclic(&store->dups, &id, dups, xa_limit_32b,
			      &store->next_dup_id, GFP_KERNEL_ACCOUNT);
	if (err < 0) {
		kfree(dups);
		return err == -EBUSY ? -ENOSPC : err;
	}

	/* The node is complete before readers can reach it. */
	WRITE_ONCE(tbl->slots[pos],
		   (slot & SLOT_TAG) | SLOT_DUP | FIELD_PREP(SLOT_REF, id));
	return 0;
}

/* Indexes occurrence (@list, @off) of @digest.  Return: 0 or -errno. */
static int insert_occ(struct diglim_store *store, enum compact_types type,
		      const struct diglim_list *list, u32 off,
		      const u8 *digest, enum hash_algo algo, bool *new_key)
{
	struct diglim_table *tbl;
	struct match m;
	struct ikey key;
	long pos, free;
	int err;

	/* Stands for the allocations an insertion may need. */
	if (diglim_should_fail())
		return -ENOMEM;

	err = reserve(store, type);
	if (err)
		return err;

	tbl = rcu_dereference_protected(store->tables[type],
					lockdep_is_held(&store->lock));
	make_key(store, &key, digest, algo);
	pos = find_slot(store, tbl, &key, &m, &free);
	*new_key = pos < 0;
	if (pos >= 0)
		return add_dup(store, tbl, pos, make_occ(list, off));

	/* reserve() left a free slot: a probe ends at an empty one. */
	if (tbl->slots[free] == SLOT_TOMB)
		tbl->tombs--;
	tbl->used++;
	WRITE_ONCE(tbl->slots[free], key.tag | make_occ(list, off));
	return 0;
}

/*
 * Removes the occurrences of @list from the node of slot @pos, once per
 * deletion.  Return: true if the digest has no occurrence left.
 *
 * Readers cannot miss an occurrence of another list: each hole is filled
 * with the current last element, which thus only moves to a lower index,
 * its old copy staying where it was; @nr shrinks last.  A reader that read
 * the old @nr reads the old copy if it passed the hole before the move;
 * positions past the new @nr are not written again (appends copy the node)
 * until a grace period has elapsed (@gp).
 */
static bool dups_sweep(struct diglim_store *store, struct diglim_table *tbl,
		       long pos, const struct diglim_list *list)
{
	u64 slot = tbl->slots[pos];
	struct diglim_dups *dups = slot_dups(store, slot);
	u32 i = 0, nr = dups->nr;

	if (dups->sweep == store->sweeps)
		return false;
	dups->sweep = store->sweeps;

	while (i < nr) {
		if (FIELD_GET(SLOT_ID, dups->occ[i]) == list->id)
			WRITE_ONCE(dups->occ[i], dups->occ[--nr]);
		else
			i++;
	}
	if (nr == dups->nr)
		return false;

	/* Pairs with smp_load_acquire() of readers. */
	smp_store_release(&dups->nr, nr);
	dups->gp = get_state_synchronize_rcu();
	if (nr > 1)
		return false;

	/*
	 * One occurrence left goes back into the slot, none frees it.  The
	 * node is retired: readers may still reach it by the old slot value
	 * (in this table or one it replaced) until a grace period elapses.
	 */
	WRITE_ONCE(tbl->slots[pos], nr ? (slot & SLOT_TAG) | dups->occ[0] :
					  SLOT_TOMB);
	xa_set_mark(&store->dups, FIELD_GET(SLOT_REF, slot), DUPS_RETIRED);
	if (nr)
		return false;

	tbl->used--;
	tbl->tombs++;
	return true;
}

/* Removes occurrence (@list, @off).  Return: true if the digest is gone. */
static bool remove_occ(struct diglim_store *store, enum compact_types type,
		       const struct diglim_list *list, u32 off,
		       const u8 *digest, enum hash_algo algo)
{
	struct diglim_table *tbl;
	struct match m;
	struct ikey key;
	long pos;
	u64 slot;

	tbl = rcu_dereference_protected(store->tables[type],
					lockdep_is_held(&store->lock));
	if (!tbl)
		return false;

	make_key(store, &key, digest, algo);
	pos = find_slot(store, tbl, &key, &m, NULL);
	if (pos < 0)
		return false;

	slot = tbl->slots[pos];
	if (slot & SLOT_DUP)
		return dups_sweep(store, tbl, pos, list);

	/* The digest of another list, or not inserted (rollback). */
	if ((slot & SLOT_REF) != make_occ(list, off))
		return false;

	WRITE_ONCE(tbl->slots[pos], SLOT_TOMB);
	tbl->used--;
	tbl->tombs++;
	return true;
}

/* Frees the table of @type once it holds nothing. */
static void drop_if_empty(struct diglim_store *store, enum compact_types type)
{
	struct diglim_table *tbl;

	tbl = rcu_dereference_protected(store->tables[type],
					lockdep_is_held(&store->lock));
	if (tbl && !tbl->used) {
		RCU_INIT_POINTER(store->tables[type], NULL);
		call_rcu(&tbl->rcu, free_table_rcu);
	}
}

/*
 * Inserts (@new_keys) or removes (@gone_keys, may be NULL) every occurrence
 * of @list, the list digest last; an insertion stops at the first error.
 * Return: 0 or the -errno of the insertion that failed.
 */
static int walk_occurrences(struct diglim_store *store,
			    struct diglim_list *list, unsigned long *new_keys,
			    unsigned long *gone_keys)
{
	enum compact_types type = COMPACT_DIGEST_LIST;
	const u8 *digest = diglim_list_digest(list);
	enum hash_algo algo = list->algo;
	u32 b = 0, j = 0, count = 0, size = 0, off = 0;
	bool new_key;
	int err;

	for (;;) {
		/* Next occurrence: the next digest, block or the list's. */
		while (j == count && b < list->nr_blocks) {
			const u32 hdr_off = diglim_list_blocks(list)[b++];
			const struct compact_list_hdr *hdr = list->data + hdr_off;

			type = le16_to_cpu(hdr->type);
			algo = le16_to_cpu(hdr->algo);
			size = hash_digest_size[algo];
			count = le32_to_cpu(hdr->count);
			off = hdr_off + sizeof(*hdr);
			j = 0;
		}
		if (j < count) {
			digest = list->data + off;
		} else {
			type = COMPACT_DIGEST_LIST;
			algo = list->algo;
			digest = diglim_list_digest(list);
			off = 0;
		}

		if (new_keys) {
			err = insert_occ(store, type, list, off, digest, algo,
					 &new_key);
			if (err)
				return err;
			if (new_key)
				new_keys[type]++;
		} else if (remove_occ(store, type, list, off, digest, algo) &&
			   gone_keys) {
			gone_keys[type]++;
		}

		if (!off)
			return 0;
		off += size;
		if (!(++j % 1024))
			cond_resched();
	}
}

/* Frees the retired occurrence nodes no reader can reach any more. */
static void reap_dups(struct diglim_store *store)
{
	struct diglim_dups *dups;
	unsigned long id;

	xa_for_each_marked(&store->dups, id, dups, DUPS_RETIRED) {
		if (!poll_state_synchronize_rcu(dups->gp))
			continue;
		xa_erase(&store->dups, id);
		kfree_rcu(dups, rcu);
	}
}

/**
 * diglim_index_del_list - Remove every occurrence of a list from the index.
 * @store: Store.
 * @list: List, not live, still in &diglim_store.ids.
 * @gone_keys: Output: per type, incremented for each digest that has no
 *             occurrence left; NULL if not wanted.
 *
 * Also removes what a failed diglim_index_add_list() inserted.  Never
 * allocates and never fails; takes time linear in the occurrences of the
 * list and of the digests it shares with other lists.
 *
 * Context: Process context.  Requires &diglim_store.lock to be held.
 */
void diglim_index_del_list(struct diglim_store *store,
			   struct diglim_list *list, unsigned long *gone_keys)
{
	enum compact_types type;

	lockdep_assert_held(&store->lock);

	reap_dups(store);
	/* A fresh sweep mark for the occurrence nodes (dups_sweep()). */
	store->sweeps++;
	walk_occurrences(store, list, NULL, gone_keys);

	for (type = 0; type < COMPACT__LAST; type++)
		drop_if_empty(store, type);
}

/**
 * diglim_index_add_list - Index every digest of a list that is not live.
 * @store: Store.
 * @list: List, in &diglim_store.ids.
 * @new_keys: Output: per type, incremented for each digest the list adds.
 *
 * Context: Process context.  Requires &diglim_store.lock to be held.
 * Return: 0, or -errno (-ENOMEM, -ENOSPC) after removing what was
 * inserted.
 */
int diglim_index_add_list(struct diglim_store *store,
			  struct diglim_list *list, unsigned long *new_keys)
{
	int err;

	lockdep_assert_held(&store->lock);

	reap_dups(store);
	err = walk_occurrences(store, list, new_keys, NULL);
	if (err)
		diglim_index_del_list(store, list, NULL);

	return err;
}

/**
 * struct visitor - What to do with each occurrence found.
 * @fn: Called on each; returns true to stop.
 */
struct visitor {
	bool (*fn)(const struct diglim_hit *hit, struct visitor *v);
};

/*
 * Calls @v->fn on every occurrence of (@algo, @digest) in @type, live or
 * not, until it returns true.  An occurrence may be seen twice while a deletion
 * moves it (dups_sweep()).  Requires the RCU read lock.
 */
static void visit_hits(struct diglim_store *store, enum compact_types type,
		       enum hash_algo algo, const u8 *digest, struct visitor *v)
{
	const struct diglim_table *tbl;
	const u64 *occ;
	struct match m;
	struct ikey key;
	u32 i, nr = 1;

	if (!digest || algo >= HASH_ALGO__LAST || !hash_digest_size[algo] ||
	    type >= COMPACT__LAST)
		return;

	/* Pairs with smp_store_release() in diglim_store_init(). */
	if (!smp_load_acquire(&store->ready))
		return;

	tbl = rcu_dereference_check(store->tables[type],
				    lockdep_is_held(&store->lock));
	if (!tbl)
		return;

	make_key(store, &key, digest, algo);
	if (find_slot(store, tbl, &key, &m, NULL) < 0)
		return;

	/* The slot and node that matched, not what they may hold now. */
	occ = &m.slot;
	if (m.dups) {
		/* Pairs with smp_store_release() in add_dup(), dups_sweep(). */
		nr = smp_load_acquire(&m.dups->nr);
		occ = m.dups->occ;
	}

	for (i = 0; i < nr; i++) {
		struct diglim_hit hit;
		const u8 *d;

		hit.list = resolve(store, READ_ONCE(occ[i]), algo, &hit.hdr,
				   &d);
		if (!hit.list)
			continue;
		hit.off = hit.hdr ? d - (const u8 *)hit.list->data : 0;
		if (v->fn(&hit, v))
			return;
	}
}

/**
 * struct first - State of diglim_index_find_list().
 * @v: Visitor.
 * @list: The list found.
 */
struct first {
	struct visitor v;
	const struct diglim_list *list;
};

static bool first_hit(const struct diglim_hit *hit, struct visitor *v)
{
	/* Not a digest inside a list's block of type DIGEST_LIST. */
	if (hit->hdr)
		return false;

	container_of(v, struct first, v)->list = hit->list;
	return true;
}

/**
 * diglim_index_find_list - Find a list by its digest.
 * @store: Store.
 * @algo: Hash algorithm of @digest.
 * @digest: Digest of the list.
 *
 * Context: Requires &diglim_store.lock to be held, which keeps the
 * returned list in the store, or the RCU read lock, which keeps it in
 * memory until released.
 * Return: The list (live or not) or NULL.
 */
struct diglim_list *diglim_index_find_list(struct diglim_store *store,
					   enum hash_algo algo,
					   const u8 *digest)
{
	struct first f = { .v.fn = first_hit };

	RCU_LOCKDEP_WARN(!rcu_read_lock_held() &&
			 !lockdep_is_held(&store->lock),
			 "neither rcu_read_lock() nor the store lock");

	rcu_read_lock();
	visit_hits(store, COMPACT_DIGEST_LIST, algo, digest, &f.v);
	rcu_read_unlock();

	return (struct diglim_list *)f.list;
}

/**
 * struct collect - State of diglim_index_collect().
 * @v: Visitor.
 * @found: Output array.
 * @max: Elements of @found.
 * @n: Live occurrences seen.
 */
struct collect {
	struct visitor v;
	struct diglim_hit *found;
	unsigned int max;
	unsigned int n;
};

static bool collect_hit(const struct diglim_hit *hit, struct visitor *v)
{
	struct collect *c = container_of(v, struct collect, v);

	if (diglim_list_live(hit->list)) {
		if (c->n < c->max)
			c->found[c->n] = *hit;
		c->n++;
	}
	return false;
}

/**
 * diglim_index_collect - Find the occurrences of a digest in live lists.
 * @store: Store.
 * @type: Index to search.
 * @algo: Hash algorithm of @digest.
 * @digest: Digest to look for.
 * @found: Output: the first @max occurrences found, in no particular order;
 *         while a deletion runs, one may appear twice (same list and
 *         offset).
 * @max: Number of elements of @found.
 *
 * Context: Requires the RCU read lock; the lists are valid until it is
 * released.
 * Return: Number of occurrences found (may be more than @max).
 */
unsigned int diglim_index_collect(struct diglim_store *store,
				  enum compact_types type,
				  enum hash_algo algo, const u8 *digest,
				  struct diglim_hit *found, unsigned int max)
{
	struct collect c = { .v.fn = collect_hit, .found = found, .max = max };

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "no rcu_read_lock()");

	visit_hits(store, type, algo, digest, &c.v);
	return c.n;
}

/**
 * struct lookup - State of diglim_store_lookup().
 * @v: Visitor.
 * @info: What the live lists holding the digest say.
 * @found: A live list holds it.
 */
struct lookup {
	struct visitor v;
	struct diglim_digest_info info;
	bool found;
};

static bool lookup_hit(const struct diglim_hit *hit, struct visitor *v)
{
	struct lookup *l = container_of(v, struct lookup, v);
	const struct diglim_list *list = hit->list;

	if (!diglim_list_live(list))
		return false;

	if (hit->hdr)
		l->info.modifiers |= le16_to_cpu(hit->hdr->modifiers);
	l->info.actions |= list->actions;
	if (list->actions & BIT(COMPACT_ACTION_IMA_MEASURED))
		l->info.measured_pcrs |= BIT_ULL(list->pcr);
	l->found = true;
	return false;
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
	struct lookup l = { .v.fn = lookup_hit };

	rcu_read_lock();
	visit_hits(store, type, algo, digest, &l.v);
	rcu_read_unlock();

	if (!l.found)
		return -ENOENT;

	*info = l.info;
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

/**
 * diglim_index_stats - Occupancy and memory of the index of a type.
 * @store: Store.
 * @type: Type.
 * @stats: Output.
 *
 * For the benchmark and the KUnit tests: the expected number of cache
 * lines a miss reads is the mean, over the home buckets, of the number of
 * buckets from it to the first one with an empty slot.
 *
 * Context: Process context.  Requires &diglim_store.lock to be held.
 */
void diglim_index_stats(struct diglim_store *store, enum compact_types type,
			struct diglim_index_stats *stats)
{
	const struct diglim_table *tbl;
	struct diglim_dups *dups;
	unsigned long id;
	u64 lines = 0, run = 0, first_run = 0;
	u32 b, i;
	bool wrapped = false;

	lockdep_assert_held(&store->lock);
	memset(stats, 0, sizeof(*stats));

	tbl = rcu_dereference_protected(store->tables[type],
					lockdep_is_held(&store->lock));
	if (!tbl)
		return;

	stats->buckets = tbl->nr_buckets;
	stats->slots = (u64)tbl->nr_buckets * BUCKET_SLOTS;
	stats->used = tbl->used;
	stats->tombstones = tbl->tombs;
	stats->bytes = ksize(tbl) +
		       (is_vmalloc_addr(tbl->slots) ?
			PAGE_ALIGN(stats->buckets * BUCKET_BYTES) :
			ksize(tbl->slots));

	/*
	 * A run of k full buckets followed by one with an empty slot costs
	 * k + 1, k, ..., 1 lines to misses homed in it: (k + 1)(k + 2) / 2.
	 */
	for (b = 0; b < tbl->nr_buckets; b++) {
		const u64 *bucket = tbl->slots + (size_t)b * BUCKET_SLOTS;
		bool empty = false;

		for (i = 0; i < BUCKET_SLOTS; i++)
			empty |= bucket[i] == SLOT_EMPTY;
		run++;
		if (empty) {
			if (!wrapped) {
				first_run = run;
				wrapped = true;
			}
			lines += run * (run + 1) / 2;
			run = 0;
		}
	}
	/* Full buckets at the end continue at the start. */
	if (run && wrapped)
		lines += run * (run + 1) / 2 + run * first_run;
	stats->miss_lines_x1000 = div64_u64(lines * 1000, tbl->nr_buckets);

	xa_for_each(&store->dups, id, dups) {
		if (xa_get_mark(&store->dups, id, DUPS_RETIRED))
			continue;
		stats->dup_nodes++;
		stats->dup_occurrences += dups->nr;
		stats->dup_bytes += ksize(dups);
	}
}

/**
 * diglim_index_init - Initialise the index of a store.
 * @store: Store.
 *
 * Context: Process context.
 */
void diglim_index_init(struct diglim_store *store)
{
	xa_init_flags(&store->ids, XA_FLAGS_ALLOC1);
	xa_init_flags(&store->dups, XA_FLAGS_ALLOC1);
	store->seed = get_random_u32();
}

/**
 * diglim_index_destroy - Free the index of a store.
 * @store: Store with no list left.
 *
 * Context: Process context, no concurrent reader.
 */
void diglim_index_destroy(struct diglim_store *store)
{
	struct diglim_dups *dups;
	enum compact_types type;
	unsigned long id;

	for (type = 0; type < COMPACT__LAST; type++) {
		free_table(rcu_dereference_protected(store->tables[type], 1));
		RCU_INIT_POINTER(store->tables[type], NULL);
	}
	xa_for_each(&store->dups, id, dups)
		kfree_rcu(dups, rcu);
	xa_destroy(&store->dups);
	xa_destroy(&store->ids);
}
