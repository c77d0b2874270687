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
#include <linux/rhashtable-types.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <asm/byteorder.h>

/* Biggest list (and biggest write to digest_list_add/del), in bytes. */
#define DIGLIM_MAX_LIST_SIZE (SZ_64M - 1)

/* Label of raw-buffer uploads when digest_list_label was not written. */
#define DIGLIM_DEFAULT_LABEL "parser"

/* Suffix of the ASCII view of a list in digest_lists_loaded/. */
#define DIGLIM_ASCII_SUFFIX ".ascii"

/* Offset of an entry that indexes the digest of its list (DIGEST_LIST). */
#define DIGLIM_LIST_DIGEST_OFF U32_MAX

struct dentry;
struct diglim_list;
struct fault_attr;
struct file;
struct seq_file;

/**
 * struct diglim_entry - One occurrence of a digest in the index.
 *
 * Entries are not allocated one by one: each list owns one array of entries,
 * one per digest it holds plus one for its own digest, allocated and freed
 * with the list.  The digest bytes are never copied: the entry points into
 * the stored list.
 */
struct diglim_entry {
	/**
	 * @node: Link in the index of the entry's type (&diglim_store.tables).
	 */
	struct rhlist_head node;
	/**
	 * @list: List holding this occurrence.  Constant.
	 */
	struct diglim_list *list;
	/**
	 * @hdr_off: Offset in &diglim_list.data of the header of the block
	 * holding the digest, or %DIGLIM_LIST_DIGEST_OFF for the entry that
	 * indexes &diglim_list.digest.  Constant.
	 */
	u32 hdr_off;
	/**
	 * @digest_off: Offset in &diglim_list.data of the digest, unused when
	 * @hdr_off is %DIGLIM_LIST_DIGEST_OFF.  Constant.
	 */
	u32 digest_off;
};

/**
 * struct diglim_list - A loaded (or being loaded) digest list.
 *
 * Allocated when an upload passed validation, published by setting @live,
 * freed after an RCU grace period once the last reference is dropped.
 */
struct diglim_list {
	/**
	 * @ref: References: one held by the store from allocation until the
	 * list is deleted (or its addition failed), one per open file of
	 * digest_lists_loaded/.
	 */
	struct kref ref;
	/**
	 * @rcu: Defers freeing until readers of the index are done.
	 */
	struct rcu_head rcu;
	/**
	 * @node: Link in &diglim_store.lists, in insertion order.  Protected
	 * by &diglim_store.lock; RCU readers may walk it.
	 */
	struct list_head node;
	/**
	 * @data: The list bytes exactly as uploaded, appended signature
	 * excluded (kvmalloc'd).  Validated, constant.
	 */
	void *data;
	/**
	 * @size: Length of @data in bytes.
	 */
	size_t size;
	/**
	 * @digest: Digest of @data with @algo: the identity of the list.
	 */
	u8 digest[HASH_MAX_DIGESTSIZE];
	/**
	 * @algo: Hash algorithm of @digest.
	 */
	enum hash_algo algo;
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
	 * entries of lists that are not live.
	 */
	bool live;
	/**
	 * @name: "<algo>-<hex digest>-<label>", the name of the binary view
	 * in digest_lists_loaded/ and of the list in query answers.
	 */
	char *name;
	/**
	 * @label: Label of the list (points into @name).
	 */
	const char *label;
	/**
	 * @dentries: The binary and ASCII views in digest_lists_loaded/, or
	 * NULL.  Protected by &diglim_store.lock.
	 */
	struct dentry *dentries[2];
	/**
	 * @nr_entries: Number of elements of @entries.
	 */
	u32 nr_entries;
	/**
	 * @entries: One index entry per digest of @data, then one for
	 * @digest (kvmalloc'd).
	 */
	struct diglim_entry *entries;
};

/**
 * struct diglim_store - A set of loaded digest lists and their index.
 *
 * The kernel uses one global store (diglim_global_store); KUnit tests create
 * private ones.
 */
struct diglim_store {
	/**
	 * @lock: The writer mutex.  It serialises additions, deletions and
	 * label changes and protects @tables against modification, @lists,
	 * @nr_digests, @label and the securityfs entries of the lists.
	 * Readers of the index (lookups, queries, diglim_digest_get_info())
	 * never take it: they use RCU.  Nothing nests inside it except the
	 * securityfs inode locks and IMA's own locks.
	 */
	struct mutex lock;
	/**
	 * @tables: One index per &enum compact_types, keyed by (algorithm,
	 * digest), one &struct diglim_entry per occurrence.
	 */
	struct rhltable tables[COMPACT__LAST];
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
	 * @dir: Directory where the views of the lists are created
	 * (digest_lists_loaded/), or NULL for a store without securityfs
	 * entries.
	 */
	struct dentry *dir;
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

/* htable.c */

int diglim_htable_init(struct diglim_store *store);
void diglim_htable_destroy(struct diglim_store *store);
int diglim_htable_insert(struct diglim_store *store,
			 struct diglim_entry *entry, bool *new_key);
bool diglim_htable_remove(struct diglim_store *store,
			  struct diglim_entry *entry);
struct diglim_list *diglim_htable_find_list(struct diglim_store *store,
					    enum hash_algo algo,
					    const u8 *digest);
unsigned int diglim_htable_collect(struct diglim_store *store,
				   enum compact_types type,
				   enum hash_algo algo, const u8 *digest,
				   const struct diglim_entry **found,
				   unsigned int max);
int diglim_store_lookup(struct diglim_store *store, const u8 *digest,
			enum hash_algo algo, enum compact_types type,
			struct diglim_digest_info *info);

/**
 * diglim_entry_is_list_digest - Whether @entry indexes a list's own digest.
 * @entry: Index entry.
 *
 * Return: True for the %COMPACT_DIGEST_LIST entry of a list.
 */
static inline bool diglim_entry_is_list_digest(const struct diglim_entry *entry)
{
	return entry->hdr_off == DIGLIM_LIST_DIGEST_OFF;
}

/**
 * diglim_entry_hdr - Header of the block holding an occurrence.
 * @entry: Index entry, not a list digest entry.
 *
 * Return: The block header, inside the list bytes (possibly unaligned, the
 * structure is packed).
 */
static inline const struct compact_list_hdr *
diglim_entry_hdr(const struct diglim_entry *entry)
{
	return entry->list->data + entry->hdr_off;
}

/**
 * diglim_entry_type - Index of an entry.
 * @entry: Index entry.
 *
 * Return: The type of the block holding the occurrence, or
 * %COMPACT_DIGEST_LIST for a list digest.
 */
static inline enum compact_types
diglim_entry_type(const struct diglim_entry *entry)
{
	if (diglim_entry_is_list_digest(entry))
		return COMPACT_DIGEST_LIST;

	return le16_to_cpu(diglim_entry_hdr(entry)->type);
}

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

int diglim_store_init(struct diglim_store *store, struct dentry *dir);
void diglim_store_destroy(struct diglim_store *store);
int diglim_upload(struct diglim_store *store, struct diglim_request *req);
int diglim_set_label(struct diglim_store *store, const char *buf,
		     size_t len);
bool diglim_get_list(struct diglim_list *list);
void diglim_put_list(struct diglim_list *list);
unsigned long diglim_store_count(struct diglim_store *store,
				 enum compact_types type);

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

int diglim_fs_add_list(struct diglim_store *store, struct diglim_list *list);
int diglim_add_path(const char *name);
void diglim_fs_remove_list(struct diglim_list *list);

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
