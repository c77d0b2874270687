/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diglimctl verify - check a TPM quote and the IMA measurement log against
 * a set of trusted digest lists.
 */

#ifndef _DIGLIM_TOOLS_VERIFY_H
#define _DIGLIM_TOOLS_VERIFY_H

/* Exit status of diglimctl verify: the highest one that applies. */
enum verify_status {
	VERIFY_GOOD		= 0,	/* valid evidence, trusted state */
	VERIFY_UNKNOWN_FILE	= 1,	/* unknown file or violation logged */
	VERIFY_USAGE		= 2,	/* usage error, unreadable input */
	VERIFY_UNTRUSTED_LIST	= 3,	/* a list not in the trusted set */
	VERIFY_BAD_RECORDS	= 4,	/* records the kernel cannot produce */
	VERIFY_LOG_MISMATCH	= 5,	/* log malformed or not the quoted one */
	VERIFY_BAD_QUOTE	= 6,	/* signature, magic, type, PCRs, nonce */
};

/*
 * cmd_verify - Run "diglimctl verify" (argv[0] is the program, options
 * follow). Returns an &enum verify_status value.
 */
int cmd_verify(int argc, char **argv);

#endif /* _DIGLIM_TOOLS_VERIFY_H */
