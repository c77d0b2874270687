/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM - Kernel API for IMA and other users of the digest lists
 */

#ifndef _LINUX_DIGLIM_H
#define _LINUX_DIGLIM_H

#include <crypto/hash_info.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/types.h>
#include <uapi/linux/diglim.h>

/**
 * struct diglim_digest_info - What the loaded lists say about a digest.
 * @measured_pcrs: Bit N is set if a list holding the digest had its
 *                 addition recorded in the IMA measurement list, extended
 *                 into PCR N (%COMPACT_ACTION_IMA_MEASURED into PCR N).
 * @modifiers: OR of the modifiers (&enum compact_modifiers bits) of every
 *             block that holds the digest.
 * @actions: OR of the actions (&enum compact_actions bits) of every loaded
 *           list that holds the digest.
 */
struct diglim_digest_info {
	u64 measured_pcrs;
	u16 modifiers;
	u8 actions;
};

#ifdef CONFIG_DIGLIM

/**
 * diglim_digest_lookup - Look up a digest in the loaded digest lists.
 * @digest: Digest to look up, hash_digest_size[@algo] bytes.
 * @algo: Hash algorithm of @digest.
 * @type: Type of digest to look for (&enum compact_types).
 * @info: Output: what the lists holding @digest say.  Not changed if not
 *        found.
 *
 * Like diglim_digest_get_info(), and also tells which PCRs the additions of
 * the lists holding @digest were measured into: a list may only vouch for
 * the files measured into the PCR it was measured into itself.
 *
 * Context: Any context that may use RCU (takes rcu_read_lock()), never
 * sleeps and never takes the DIGLIM writer mutex.
 * Return:
 * * %0 - @digest was found; @info is set.
 * * %-ENOENT - @digest is not in any loaded list (or DIGLIM is disabled).
 */
int diglim_digest_lookup(const u8 *digest, enum hash_algo algo,
			 enum compact_types type,
			 struct diglim_digest_info *info);

/**
 * diglim_digest_get_info - Look up a digest in the loaded digest lists.
 * @digest: Digest to look up, hash_digest_size[@algo] bytes.
 * @algo: Hash algorithm of @digest.
 * @type: Type of digest to look for (&enum compact_types).
 * @modifiers: Output: OR of the modifiers (&enum compact_modifiers bits) of
 *             every block that holds @digest.  Not changed if not found.
 * @actions: Output: OR of the actions (&enum compact_actions bits) of every
 *           loaded list that holds @digest.  Not changed if not found.
 *
 * Searches the index of @type for every occurrence of @digest in a loaded
 * digest list.  A list being added or deleted is seen either entirely or not
 * at all.  Invalid @algo or @type values find nothing.
 *
 * Context: Any context that may use RCU (takes rcu_read_lock()), never
 * sleeps and never takes the DIGLIM writer mutex.
 * Return:
 * * %0 - @digest was found; @modifiers and @actions are set.
 * * %-ENOENT - @digest is not in any loaded list (or DIGLIM is disabled).
 */
int diglim_digest_get_info(const u8 *digest, enum hash_algo algo,
			   enum compact_types type, u16 *modifiers, u8 *actions);

void __init diglim_load_lists(void);

#else /* CONFIG_DIGLIM */

static inline int diglim_digest_lookup(const u8 *digest, enum hash_algo algo,
				       enum compact_types type,
				       struct diglim_digest_info *info)
{
	return -ENOENT;
}

static inline int diglim_digest_get_info(const u8 *digest,
					 enum hash_algo algo,
					 enum compact_types type,
					 u16 *modifiers, u8 *actions)
{
	return -ENOENT;
}

static inline void diglim_load_lists(void)
{
}

#endif /* CONFIG_DIGLIM */

#endif /* _LINUX_DIGLIM_H */
