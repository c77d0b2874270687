/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * DIGLIM - User space API: the compact digest list format
 */

#ifndef _UAPI_LINUX_DIGLIM_H
#define _UAPI_LINUX_DIGLIM_H

#include <linux/types.h>

/**
 * DOC: Compact digest list format
 *
 * A compact digest list is one or more blocks stored back to back, without
 * padding and without a global header.  Each block is a 16-byte
 * &struct compact_list_hdr followed by @datalen bytes of raw digests, all
 * computed with the same hash algorithm.  Blocks of one list may differ in
 * type, modifiers and algorithm.  Multi-byte header fields are little-endian
 * on every host; digests are opaque bytes.
 *
 * The kernel validates the whole buffer before it changes any state: every
 * violation (wrong version, non-zero reserved byte, unknown type, modifier
 * bit or algorithm, @datalen that is not exactly @count times the digest
 * size or that goes past the end of the buffer, bytes left over after the
 * last block) makes the upload fail with -EINVAL.
 */

/**
 * struct compact_list_hdr - Header of a block of a compact digest list.
 *
 * The header is 16 bytes long on every architecture.
 */
struct compact_list_hdr {
	/**
	 * @version: Version of the format, must be 1.
	 */
	__u8 version;
	/**
	 * @_reserved: Must be 0.
	 */
	__u8 _reserved;
	/**
	 * @type: Type of the digests of the block (&enum compact_types), only
	 * %COMPACT_PARSER, %COMPACT_FILE and %COMPACT_METADATA are accepted.
	 */
	__le16 type;
	/**
	 * @modifiers: Bit mask of &enum compact_modifiers attributes shared by
	 * the digests of the block.  Unknown bits are rejected.
	 */
	__le16 modifiers;
	/**
	 * @algo: Hash algorithm of the digests, a kernel &enum hash_algo value
	 * (see include/uapi/linux/hash_info.h).
	 */
	__le16 algo;
	/**
	 * @count: Number of digests in the block (0 is allowed).
	 */
	__le32 count;
	/**
	 * @datalen: Length in bytes of the digests that follow the header,
	 * must be @count times the digest size of @algo.
	 */
	__le32 datalen;
} __attribute__((packed));

/**
 * enum compact_types - Types of digests.
 *
 * @COMPACT_PARSER: Digests of executables allowed to convert other digest
 *                  list formats and to upload the result.
 * @COMPACT_FILE: Digests of regular file content.
 * @COMPACT_METADATA: Digests of file metadata (for instance the digest
 *                    covered by an EVM portable signature).
 * @COMPACT_DIGEST_LIST: Digests of the loaded digest lists themselves.  The
 *                       kernel adds them, lists cannot contain this type.
 * @COMPACT__LAST: Number of types.
 */
enum compact_types {
	COMPACT_PARSER,
	COMPACT_FILE,
	COMPACT_METADATA,
	COMPACT_DIGEST_LIST,
	COMPACT__LAST
};

/**
 * enum compact_modifiers - Bit numbers of the modifiers of a block.
 *
 * @COMPACT_MOD_IMMUTABLE: Files with these digests must be immutable.
 * @COMPACT_MOD__LAST: Number of modifiers.
 */
enum compact_modifiers {
	COMPACT_MOD_IMMUTABLE,
	COMPACT_MOD__LAST
};

/**
 * enum compact_actions - Bit numbers of the actions performed on a list.
 *
 * The kernel records, for each loaded list, which integrity actions were
 * performed on it when it was uploaded.
 *
 * @COMPACT_ACTION_IMA_MEASURED: IMA measured the list (file or buffer).
 * @COMPACT_ACTION_IMA_APPRAISED: IMA appraised the list successfully.
 * @COMPACT_ACTION_IMA_APPRAISED_DIGSIG: IMA appraised the list successfully
 *                                      by verifying a digital signature.
 * @COMPACT_ACTION__LAST: Number of actions.
 */
enum compact_actions {
	COMPACT_ACTION_IMA_MEASURED,
	COMPACT_ACTION_IMA_APPRAISED,
	COMPACT_ACTION_IMA_APPRAISED_DIGSIG,
	COMPACT_ACTION__LAST
};

/**
 * enum ops - Operations on digest lists.
 *
 * @DIGEST_LIST_ADD: Add a digest list (write to digest_list_add).
 * @DIGEST_LIST_DEL: Delete a digest list (write to digest_list_del).
 */
enum ops {
	DIGEST_LIST_ADD,
	DIGEST_LIST_DEL
};

#endif /* _UAPI_LINUX_DIGLIM_H */
