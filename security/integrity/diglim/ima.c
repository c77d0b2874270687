// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - IMA glue: list digests, critical data measurements, actions
 */

#include "diglim.h"

#include <crypto/hash.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/ima.h>
#include <linux/kernel_read_file.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>

/* Label of the IMA critical data records of DIGLIM (policy: label=diglim). */
#define DIGLIM_IMA_LABEL "diglim"

/* Hash this much of a list between two scheduling points. */
#define DIGEST_CHUNK SZ_1M

/**
 * diglim_list_hash_algo - Hash algorithm that identifies lists.
 *
 * Lists are identified by their digest with IMA's hash algorithm, so the
 * names in digest_lists_loaded/ match the measurement list; without IMA, by
 * their sha256 digest.
 *
 * Context: Any context.
 * Return: The algorithm.
 */
enum hash_algo diglim_list_hash_algo(void)
{
	enum hash_algo algo = ima_get_current_hash_algo();

	/* The !CONFIG_IMA stub returns HASH_ALGO__LAST. */
	if (algo >= HASH_ALGO__LAST || !hash_digest_size[algo])
		return HASH_ALGO_SHA256;

	return algo;
}

static int hash_list(struct crypto_shash *tfm, const void *data, size_t size,
		     u8 *digest)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	size_t off;
	int err;

	desc->tfm = tfm;
	err = crypto_shash_init(desc);
	/* Lists can be 64 MiB: let others run while hashing. */
	for (off = 0; !err && off < size; off += DIGEST_CHUNK) {
		err = crypto_shash_update(desc, data + off,
					  min_t(size_t, size - off,
						DIGEST_CHUNK));
		cond_resched();
	}
	if (!err)
		err = crypto_shash_final(desc, digest);

	shash_desc_zero(desc);
	return err;
}

/*
 * One transform per algorithm, allocated at first use and kept: looking up
 * and allocating one per upload cost more than hashing a small list.  A
 * shash transform may be used by several callers at once, each with its
 * own descriptor.
 */
static struct crypto_shash *list_tfms[HASH_ALGO__LAST];

static struct crypto_shash *list_hash_tfm(enum hash_algo algo)
{
	struct crypto_shash *tfm, *old;

	/* Pairs with cmpxchg() below: a transform seen is initialised. */
	tfm = smp_load_acquire(&list_tfms[algo]);
	if (tfm)
		return tfm;

	tfm = crypto_alloc_shash(hash_algo_name[algo], 0, 0);
	if (IS_ERR(tfm))
		return tfm;

	/* Another caller may have been faster: keep its transform. */
	old = cmpxchg(&list_tfms[algo], NULL, tfm);
	if (old) {
		crypto_free_shash(tfm);
		return old;
	}

	return tfm;
}

/**
 * diglim_calc_list_digest - Compute the digest of a list.
 * @data: List bytes.
 * @size: Length of @data.
 * @algo: Hash algorithm.
 * @digest: Output, hash_digest_size[@algo] bytes.
 * @op: Operation the digest is for (fault injection on additions only).
 *
 * Context: Process context, may sleep.
 * Return: 0 or -errno (-ENOMEM, or any error of the crypto API).
 */
int diglim_calc_list_digest(const void *data, size_t size,
			    enum hash_algo algo, u8 *digest, enum ops op)
{
	struct crypto_shash *tfm;

	if (diglim_op_should_fail(op))
		return -ENOMEM;

	tfm = list_hash_tfm(algo);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	return hash_list(tfm, data, size, digest);
}

/**
 * diglim_ima_event_name - Name of the IMA record of an operation.
 * @op: %DIGEST_LIST_ADD or %DIGEST_LIST_DEL.
 * @from_file: Whether the list was uploaded by path.
 * @label: Label of the list.
 * @seq: Sequence number of the operation (&diglim_store.ops).
 *
 * The name starts as in the 2021 series ("add_buffer_<label>", ...) and
 * ends with "#<seq>": IMA drops a record whose template digest it already
 * logged, so without it adding a list again after deleting it would leave
 * no trace.  The sequence number only depends on the operations done since
 * boot, so the same operations give the same records and the same PCR.
 *
 * Context: Process context.
 * Return: "<add|del>_<file|buffer>_<label>#<seq>" (to be freed with
 * kfree()) or ERR_PTR(-ENOMEM).
 */
char *diglim_ima_event_name(enum ops op, bool from_file, const char *label,
			    u64 seq)
{
	char *name;

	if (diglim_op_should_fail(op))
		return ERR_PTR(-ENOMEM);

	name = kasprintf(GFP_KERNEL_ACCOUNT, "%s_%s_%s#%llu",
			 op == DIGEST_LIST_ADD ? "add" : "del",
			 from_file ? "file" : "buffer", label, seq);
	return name ?: ERR_PTR(-ENOMEM);
}

/**
 * diglim_ima_record - Record an operation in the IMA measurement list.
 * @event_name: Name of the record, from diglim_ima_event_name().
 * @digest: Digest of the list (its identity).
 * @algo: Algorithm of @digest: IMA's hash algorithm, see
 *        diglim_list_hash_algo().
 * @required_pcr: PCR the record must extend, or -1 for the one the IMA
 *                policy chooses.
 * @pcr: Output: the PCR extended, set only on success.
 *
 * The record is IMA critical data with label "diglim" (policy:
 * "measure func=CRITICAL_DATA label=diglim pcr=<N>"), template ima-buf,
 * whose buffer is the list digest: a verifier knows the lists by their
 * digest, and the log stays small whatever the size of the list.
 *
 * Context: Process context, may sleep.
 * Return: 0 if recorded, -ENOENT if no IMA rule asks for it, -EPERM if the
 * rule would extend another PCR than @required_pcr, another -errno if IMA
 * failed; nothing is recorded on error.
 */
int diglim_ima_record(const char *event_name, const u8 *digest,
		      enum hash_algo algo, int required_pcr, u8 *pcr)
{
	int ret, extended = -1;

	ret = ima_measure_critical_data_pcr(DIGLIM_IMA_LABEL, event_name,
					    digest, hash_digest_size[algo],
					    false, required_pcr, &extended);
	if (ret)
		return ret < 0 ? ret : -ENOENT;

	/* IMA only accepts PCRs 0 to 63 in a rule. */
	if (extended < 0 || extended > U8_MAX)
		return -ERANGE;

	*pcr = extended;
	return 0;
}

/**
 * diglim_ima_file_actions - What IMA's appraisal established for a list file.
 * @file: The list file, right after kernel_read_file() read it with
 *        %READING_DIGEST_LIST.
 *
 * Translates ima_digest_list_appraisal(): appraised successfully in
 * enforcing mode under a func=DIGEST_LIST_CHECK rule, by verifying a
 * signature (imasig, modsig) or not, in this very read.  Call it once per
 * read, whatever happens next: it consumes IMA's result.
 *
 * Context: Process context, may sleep.
 * Return: Bit mask of &enum compact_actions.
 */
u8 diglim_ima_file_actions(struct file *file)
{
	unsigned int result = ima_digest_list_appraisal(file);
	u8 actions = 0;

	if (result & IMA_RESULT_APPRAISED)
		actions |= BIT(COMPACT_ACTION_IMA_APPRAISED);
	if (result & IMA_RESULT_DIGSIG)
		actions |= BIT(COMPACT_ACTION_IMA_APPRAISED_DIGSIG);

	return actions;
}
