/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM - Private definitions shared by the DIGLIM sources
 */

#ifndef _SECURITY_INTEGRITY_DIGLIM_DIGLIM_H
#define _SECURITY_INTEGRITY_DIGLIM_DIGLIM_H

#define pr_fmt(fmt) "diglim: " fmt

#include <crypto/hash.h>
#include <crypto/hash_info.h>
#include <linux/build_bug.h>
#include <linux/diglim.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <asm/byteorder.h>

/* Biggest list (and biggest write to digest_list_add/del), in bytes. */
#define DIGLIM_MAX_LIST_SIZE (SZ_64M - 1)

/* Label of raw-buffer uploads when digest_list_label was not written. */
#define DIGLIM_DEFAULT_LABEL "parser"

/* Suffix of the ASCII view of a list in digest_lists_loaded/. */
#define DIGLIM_ASCII_SUFFIX ".ascii"

/* Lists are identified in the index by an id of this many bits. */
#define DIGLIM_LIST_ID_BITS 20
/* Most lists loaded at the same time: ids 1 .. 2^20 - 1. */
#define DIGLIM_MAX_LISTS (BIT(DIGLIM_LIST_ID_BITS) - 1)

struct diglim_dups;
struct diglim_table;
struct fault_attr;
struct file;

/**
 * struct diglim_list - A loaded (or being loaded) digest list.
 *
 * One allocation holds the object and, after it (@tail), the offsets of the
 * block headers of @data, the digest of the list and its label.  The name
 * of the list, "<algo>-<hex digest>-<label>", is never stored: it is
 * printed from them (diglim_list_name()).  Allocated when an upload
 * passed validation, published by setting @live, freed after an RCU grace
 * period once the last reference is dropped.
 */
struct diglim_list {
	/**
	 * @ref: References: one held by the store from allocation until the
	 * list is deleted (or its addition failed), one per open view in
	 * digest_lists_loaded/.
	 */
	struct kref ref;
	/**
	 * @id: Id of the list in the index (&diglim_store.ids), 1 ..
	 * %DIGLIM_MAX_LISTS.  Constant.
	 */
	u32 id;
	/**
	 * @size: Length of @data in bytes.
	 */
	u32 size;
	/**
	 * @nr_blocks: Number of blocks of @data (elements of the block
	 * offset array at the start of @tail).
	 */
	u32 nr_blocks;
	/**
	 * @algo: Hash algorithm of the list digest (&enum hash_algo).
	 */
	u8 algo;
	/**
	 * @actions: Bit mask of &enum compact_actions performed on the list
	 * at upload time.  Constant once @live is set.
	 */
	u8 actions;
	/**
	 * @pcr: PCR that the record of the addition extended, if @actions
	 * has %COMPACT_ACTION_IMA_MEASURED.  Constant once @live is set.
	 */
	u8 pcr;
	/**
	 * @live: True when the addition committed and the deletion has not
	 * started.  Set with smp_store_release() once everything else is in
	 * place, read with smp_load_acquire() by index readers, which skip
	 * occurrences in lists that are not live.
	 */
	bool live;
	/**
	 * @seq: Sequence number of the addition (&diglim_store.ops): lists
	 * in insertion order have increasing @seq.  Constant.
	 */
	u64 seq;
	/**
	 * @node: Link in &diglim_store.lists, in insertion order.  Protected
	 * by &diglim_store.lock; RCU readers may walk it.
	 */
	struct list_head node;
	/**
	 * @rcu: Defers freeing until readers of the index are done.
	 */
	struct rcu_head rcu;
	/**
	 * @data: The list bytes exactly as uploaded, appended signature
	 * excluded: kmalloc'd up to 8 KiB, vmalloc'd above (never rounded
	 * up by more than a page).  Validated, constant.
	 */
	void *data;
	/**
	 * @tail: u32 offsets of the @nr_blocks block headers of @data, in
	 * increasing order, then the list digest (hash_digest_size[@algo]
	 * bytes), then the label (NUL-terminated).
	 */
	u8 tail[] __aligned(4);
};

/**
 * diglim_list_blocks - Offsets of the block headers of a list.
 * @list: List.
 *
 * Return: Array of @list->nr_blocks offsets in @list->data, increasing.
 */
static inline const u32 *diglim_list_blocks(const struct diglim_list *list)
{
	return (const u32 *)list->tail;
}

/**
 * diglim_list_digest - Digest of a list (its identity).
 * @list: List.
 *
 * Return: hash_digest_size[@list->algo] bytes.
 */
static inline const u8 *diglim_list_digest(const struct diglim_list *list)
{
	return list->tail + list->nr_blocks * sizeof(u32);
}

/**
 * diglim_list_label - Label of a list.
 * @list: List.
 *
 * Return: NUL-terminated label.
 */
static inline const char *diglim_list_label(const struct diglim_list *list)
{
	return (const char *)diglim_list_digest(list) +
	       hash_digest_size[list->algo];
}

/**
 * struct diglim_store - A set of loaded digest lists and their index.
 *
 * The kernel uses one global store (diglim_global_store); KUnit tests and
 * the benchmark create private ones.
 */
struct diglim_store {
	/**
	 * @lock: The writer mutex.  It serialises additions, deletions and
	 * label changes and protects @tables and the tables they point to
	 * against modification, @ids, @dups and their contents against
	 * modification, @lists, @nr_digests, @label and @ops.  Readers of
	 * the index (lookups, queries, the views in digest_lists_loaded/)
	 * never take it: they use RCU.  Nothing nests inside it except the
	 * locks of the xarrays and IMA's own locks.
	 */
	struct mutex lock;
	/**
	 * @tables: One index per &enum compact_types, keyed by (algorithm,
	 * digest) (index.c), or NULL while empty.  Replaced with
	 * rcu_assign_pointer() when rebuilt.
	 */
	struct diglim_table __rcu *tables[COMPACT__LAST];
	/**
	 * @ids: Loaded lists (and the list being added) by &diglim_list.id.
	 */
	struct xarray ids;
	/**
	 * @next_id: Cursor of xa_alloc_cyclic() for @ids.
	 */
	u32 next_id;
	/**
	 * @dups: Occurrences of the digests found more than once in a type
	 * (&struct diglim_dups), by the id stored in their slot.
	 */
	struct xarray dups;
	/**
	 * @next_dup_id: Cursor of xa_alloc_cyclic() for @dups.
	 */
	u32 next_dup_id;
	/**
	 * @seed: Seed of the hash of the index (random).
	 */
	u32 seed;
	/**
	 * @sweeps: Number of removals of a list from the index so far (see
	 * diglim_index_del_list()).
	 */
	u64 sweeps;
	/**
	 * @lists: Loaded lists in insertion order (&diglim_list.node).
	 */
	struct list_head lists;
	/**
	 * @nr_digests: Number of distinct (algorithm, digest) keys per type
	 * in loaded lists; the last one is the number of loaded lists.
	 * Written under @lock with WRITE_ONCE(), read locklessly.
	 */
	unsigned long nr_digests[COMPACT__LAST];
	/**
	 * @label: Label for the next raw-buffer upload, or NULL.
	 */
	char *label;
	/**
	 * @ops: Number of additions and deletions done so far: the
	 * sequence number of an operation, in the name of its IMA record,
	 * makes every record unique and deterministic.
	 */
	u64 ops;
	/**
	 * @ready: Set with smp_store_release() once the store is
	 * initialised.
	 */
	bool ready;
};

/**
 * struct diglim_request - One request to add or delete a list.
 */
struct diglim_request {
	/**
	 * @op: %DIGEST_LIST_ADD or %DIGEST_LIST_DEL.
	 */
	enum ops op;
	/**
	 * @data: The list bytes (kvmalloc'd), appended signature already
	 * stripped.  Consumed by diglim_upload().
	 */
	void *data;
	/**
	 * @size: Length of @data in bytes.
	 */
	size_t size;
	/**
	 * @label: Label of the list for an upload by path (the file name),
	 * or NULL for an upload of a raw buffer, which uses (and on success
	 * consumes) the label of the store.
	 */
	const char *label;
	/**
	 * @actions: Actions already performed on the upload: the appraisal
	 * of the list file by IMA while it was read.
	 */
	u8 actions;
	/**
	 * @record: Record the operation in the IMA measurement list (see
	 * diglim_ima_record()); false only for stores without IMA records
	 * (KUnit).
	 */
	bool record;
};

/* parser.c */

int diglim_parse_list(const void *data, size_t size, size_t *nr_digests);
int diglim_strip_appended_sig(const void *data, size_t *size);
int diglim_parse_label(const char *buf, size_t len);
enum hash_algo diglim_parse_algo(const char *buf, size_t len);
int diglim_parse_query(const char *buf, size_t len, enum hash_algo *algo,
		       u8 *digest);

/**
 * diglim_block_next - Offset of the block after the one at @off.
 * @data: Validated list.
 * @off: Offset of a block header in @data.
 *
 * Return: Offset of the next block, or the size of the list after the last
 * block.
 */
static inline size_t diglim_block_next(const void *data, size_t off)
{
	const struct compact_list_hdr *hdr = data + off;

	return off + sizeof(*hdr) + le32_to_cpu(hdr->datalen);
}

/* index.c */

/**
 * struct diglim_hit - One occurrence of a digest, found in the index.
 * @list: List holding the occurrence.
 * @hdr: Header of the block holding it, or NULL if the digest is the one of
 *       @list itself (%COMPACT_DIGEST_LIST).
 * @off: Offset of the digest in the list bytes (0 if @hdr is NULL).
 */
struct diglim_hit {
	const struct diglim_list *list;
	const struct compact_list_hdr *hdr;
	u32 off;
};

/**
 * struct diglim_index_stats - Occupancy of the index of one type.
 * @buckets: Buckets (cache lines of 8 slots).
 * @slots: Slots (@buckets * 8).
 * @used: Slots holding a digest.
 * @tombstones: Slots freed by a deletion, not reusable by readers' probes
 *              until the table is rebuilt.
 * @bytes: Memory of the table (slot array and header).
 * @dup_nodes: Digests found more than once, with a node of occurrences.
 * @dup_occurrences: Occurrences held by those nodes.
 * @dup_bytes: Memory of those nodes.
 * @miss_lines_x1000: Expected number of buckets (cache lines) a lookup of
 *                    an absent digest reads, times 1000, for a digest
 *                    hashed uniformly to any bucket.
 */
struct diglim_index_stats {
	u64 buckets;
	u64 slots;
	u64 used;
	u64 tombstones;
	u64 bytes;
	u64 dup_nodes;
	u64 dup_occurrences;
	u64 dup_bytes;
	u64 miss_lines_x1000;
};

void diglim_index_init(struct diglim_store *store);
void diglim_index_destroy(struct diglim_store *store);
int diglim_index_add_list(struct diglim_store *store,
			  struct diglim_list *list, unsigned long *new_keys);
void diglim_index_del_list(struct diglim_store *store,
			   struct diglim_list *list, unsigned long *gone_keys);
struct diglim_list *diglim_index_find_list(struct diglim_store *store,
					   enum hash_algo algo,
					   const u8 *digest);
unsigned int diglim_index_collect(struct diglim_store *store,
				  enum compact_types type,
				  enum hash_algo algo, const u8 *digest,
				  struct diglim_hit *found, unsigned int max);
int diglim_store_lookup(struct diglim_store *store, const u8 *digest,
			enum hash_algo algo, enum compact_types type,
			struct diglim_digest_info *info);
void diglim_index_stats(struct diglim_store *store, enum compact_types type,
			struct diglim_index_stats *stats);

/**
 * diglim_list_live - Whether a list is loaded and not being deleted.
 * @list: List.
 *
 * Return: The value of @list->live.
 */
static inline bool diglim_list_live(const struct diglim_list *list)
{
	/*
	 * Pairs with smp_store_release() in commit_add(): a reader that
	 * sees the list live sees its actions.  Deletion clears the flag
	 * with WRITE_ONCE() before removing anything (del_list()).
	 */
	return smp_load_acquire(&list->live);
}

/* list.c */

extern struct diglim_store diglim_global_store;

int diglim_store_init(struct diglim_store *store);
void diglim_store_destroy(struct diglim_store *store);
int diglim_upload(struct diglim_store *store, struct diglim_request *req);
int diglim_set_label(struct diglim_store *store, const char *buf,
		     size_t len);
bool diglim_get_list(struct diglim_list *list);
void diglim_put_list(struct diglim_list *list);
unsigned long diglim_store_count(struct diglim_store *store,
				 enum compact_types type);
int diglim_list_name(const struct diglim_list *list, char *buf, size_t size);
void *diglim_data_alloc(size_t size);
void *diglim_data_fit(void *data, size_t alloc_size, size_t size);

/* ima.c */

enum hash_algo diglim_list_hash_algo(void);
int diglim_calc_list_digest(const void *data, size_t size,
			    enum hash_algo algo, u8 *digest, enum ops op);
char *diglim_ima_event_name(enum ops op, bool from_file, const char *label,
			    u64 seq);
int diglim_ima_record(const char *event_name, const u8 *digest,
		      enum hash_algo algo, int required_pcr, u8 *pcr);
u8 diglim_ima_file_actions(struct file *file);

/* fs.c */

struct dentry;
struct inode;

bool diglim_may_write(const struct file *file);
int diglim_write_only_open(struct inode *inode, struct file *file);

/* upload.c */

extern const struct file_operations diglim_add_fops;
extern const struct file_operations diglim_del_fops;
int diglim_add_path(const char *name);

/* label.c */

extern const struct file_operations diglim_label_fops;

/* query.c */

extern const struct file_operations diglim_query_fops;

/* views.c */

void diglim_views_init(struct dentry *dir);

/* fault.c */

#ifdef CONFIG_FAULT_INJECTION
bool diglim_should_fail(void);
struct fault_attr *diglim_fault_attr(void);
#else /* CONFIG_FAULT_INJECTION */
static inline bool diglim_should_fail(void)
{
	return false;
}
#endif /* CONFIG_FAULT_INJECTION */

/**
 * diglim_op_should_fail - Fault point of an allocation shared by both ops.
 * @op: %DIGEST_LIST_ADD or %DIGEST_LIST_DEL.
 *
 * fail_diglim guards the allocations of additions only: a deletion of a
 * loaded list must succeed (failslab can still fail its allocations).
 *
 * Return: True if the allocation must fail.
 */
static inline bool diglim_op_should_fail(enum ops op)
{
	return op == DIGEST_LIST_ADD && diglim_should_fail();
}

#endif /* _SECURITY_INTEGRITY_DIGLIM_DIGLIM_H */
