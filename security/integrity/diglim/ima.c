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

/**
 * diglim_calc_list_digest - Compute the digest of a list.
 * @data: List bytes.
 * @size: Length of @data.
 * @algo: Hash algorithm.
 * @digest: Output, hash_digest_size[@algo] bytes.
 *
 * Context: Process context, may sleep.
 * Return: 0 or -errno (-ENOMEM, or any error of the crypto API).
 */
int diglim_calc_list_digest(const void *data, size_t size,
			    enum hash_algo algo, u8 *digest)
{
	struct crypto_shash *tfm;
	int err;

	if (diglim_should_fail())
		return -ENOMEM;

	tfm = crypto_alloc_shash(hash_algo_name[algo], 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	err = hash_list(tfm, data, size, digest);
	crypto_free_shash(tfm);
	return err;
}

/**
 * diglim_ima_event_name - Name of the IMA record of an upload.
 * @op: %DIGEST_LIST_ADD or %DIGEST_LIST_DEL.
 * @from_file: Whether the list was uploaded by path.
 * @label: Label of the list.
 *
 * Context: Process context.
 * Return: "<add|del>_<file|buffer>_<label>" (to be freed with kfree()) or
 * ERR_PTR(-ENOMEM).
 */
char *diglim_ima_event_name(enum ops op, bool from_file, const char *label)
{
	char *name;

	if (diglim_should_fail())
		return ERR_PTR(-ENOMEM);

	name = kasprintf(GFP_KERNEL_ACCOUNT, "%s_%s_%s",
			 op == DIGEST_LIST_ADD ? "add" : "del",
			 from_file ? "file" : "buffer", label);
	return name ?: ERR_PTR(-ENOMEM);
}

/**
 * diglim_ima_measure - Measure an upload as IMA critical data.
 * @event_name: Name of the record, from diglim_ima_event_name().
 * @data: List bytes (recorded in full by the ima-buf template).
 * @size: Length of @data.
 *
 * Whether anything is measured depends on the IMA policy, for instance
 * "measure func=CRITICAL_DATA label=diglim".
 *
 * IMA drops a record whose template digest is already in the measurement
 * list for the same PCR (-EEXIST, unless CONFIG_IMA_DISABLE_HTABLE): the
 * same operation with the same label and bytes was measured before, so a
 * verifier already holds exactly this record.  That counts as measured;
 * otherwise deleting a list a second time, or adding it again after a
 * deletion, would fail or lose the MEASURED action.  The verifier's
 * replay must therefore treat the records as a set, not as a sequence of
 * operations (see Documentation/security/diglim/remote_attestation.rst).
 *
 * Context: Process context, may sleep.
 * Return: BIT(%COMPACT_ACTION_IMA_MEASURED) if IMA measured the data (now or
 * before), 0 otherwise.
 */
u8 diglim_ima_measure(const char *event_name, const void *data, size_t size)
{
	int ret;

	ret = ima_measure_critical_data(DIGLIM_IMA_LABEL, event_name, data,
					size, false, NULL, 0);
	return ret == 0 || ret == -EEXIST ? BIT(COMPACT_ACTION_IMA_MEASURED) :
					    0;
}

/**
 * diglim_ima_file_actions - Actions IMA performed on a list file.
 * @file: The list file, after kernel_read_file() read it with
 *        %READING_DIGEST_LIST.
 *
 * Translates ima_file_read_result(): measured (now or by an earlier read
 * of the same content), appraised successfully in enforcing mode, and
 * appraised with a signature (imasig, modsig), as seen through the IMA
 * policy rules for func=DIGEST_LIST_CHECK.
 *
 * Context: Process context, may sleep.
 * Return: Bit mask of &enum compact_actions.
 */
u8 diglim_ima_file_actions(struct file *file)
{
	unsigned int result = ima_file_read_result(file, READING_DIGEST_LIST);
	u8 actions = 0;

	if (result & IMA_RESULT_MEASURED)
		actions |= BIT(COMPACT_ACTION_IMA_MEASURED);
	if (result & IMA_RESULT_APPRAISED)
		actions |= BIT(COMPACT_ACTION_IMA_APPRAISED);
	if (result & IMA_RESULT_DIGSIG)
		actions |= BIT(COMPACT_ACTION_IMA_APPRAISED_DIGSIG);

	return actions;
}
