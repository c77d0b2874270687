// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - securityfs directory: /sys/kernel/security/integrity/diglim/
 *
 * One file per interface: upload.c (digest_list_add, digest_list_del),
 * label.c (digest_list_label), query.c (digest_query), views.c
 * (digest_lists_loaded/); the tiny digests_count stays here.
 *
 * Writers (digest_list_add, digest_list_del, digest_list_label) are
 * serialised by the store mutex; readers (digest_query, digests_count,
 * digest_lists_loaded/) never take it.  Unlike the 2021 series, add, del and
 * query may be open at the same time (no -EBUSY): the mutex makes that safe
 * and one stuck reader cannot block the writers.
 */

#include "diglim.h"
#include "../integrity.h"

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/user_namespace.h>

/**
 * diglim_may_write - Whether the opener of a file may change DIGLIM state.
 * @file: Open file of the diglim/ directory.
 *
 * Writes that add, delete, label or query need CAP_SYS_ADMIN in the initial
 * user namespace, checked against the credentials of the opener.
 *
 * Context: Any context.
 * Return: True if the write is allowed.
 */
bool diglim_may_write(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

/**
 * diglim_write_only_open - Open a write-only file of the diglim/ directory.
 * @inode: Inode of the file.
 * @file: File being opened.
 *
 * Context: Process context.
 * Return: 0, or -EACCES if @file is opened for reading, whatever the
 * caller's capabilities.
 */
int diglim_write_only_open(struct inode *inode, struct file *file)
{
	if (file->f_mode & FMODE_READ)
		return -EACCES;

	return 0;
}

/* digests_count */

static int count_show(struct seq_file *m, void *v)
{
	struct diglim_store *store = &diglim_global_store;

	seq_printf(m, "Parser digests: %lu\n",
		   diglim_store_count(store, COMPACT_PARSER));
	seq_printf(m, "File digests: %lu\n",
		   diglim_store_count(store, COMPACT_FILE));
	seq_printf(m, "Metadata digests: %lu\n",
		   diglim_store_count(store, COMPACT_METADATA));
	seq_printf(m, "Digest list digests: %lu\n",
		   diglim_store_count(store, COMPACT_DIGEST_LIST));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(count);

/* Initialisation */

/**
 * struct fs_file - A file of the diglim/ directory.
 * @name: File name.
 * @mode: File mode.
 * @fops: File operations.
 */
struct fs_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
};

static const struct fs_file diglim_files[] = {
	{ "digest_list_add",	0200, &diglim_add_fops },
	{ "digest_list_del",	0200, &diglim_del_fops },
	{ "digest_list_label",	0200, &diglim_label_fops },
	{ "digest_query",	0600, &diglim_query_fops },
	{ "digests_count",	0440, &count_fops },
};

static int __init diglim_fs_init(void)
{
	struct dentry *files[ARRAY_SIZE(diglim_files)] = {};
	struct dentry *dir, *loaded;
	int i, err;

	if (!integrity_dir)
		return -ENODEV;

	dir = securityfs_create_dir("diglim", integrity_dir);
	if (IS_ERR(dir))
		return PTR_ERR(dir);

	loaded = securityfs_create_dir("digest_lists_loaded", dir);
	err = PTR_ERR(loaded);
	if (IS_ERR(loaded))
		goto out_remove_dir;

	/* Its entries are made on demand from the loaded lists. */
	diglim_views_init(loaded);

	err = diglim_store_init(&diglim_global_store);
	if (err)
		goto out_remove_loaded;

	for (i = 0; i < ARRAY_SIZE(diglim_files); i++) {
		files[i] = securityfs_create_file(diglim_files[i].name,
						  diglim_files[i].mode, dir,
						  NULL, diglim_files[i].fops);
		err = PTR_ERR(files[i]);
		if (IS_ERR(files[i]))
			goto out_remove_files;
	}

	return 0;

out_remove_files:
	while (i--)
		securityfs_remove(files[i]);
	diglim_store_destroy(&diglim_global_store);
out_remove_loaded:
	securityfs_remove(loaded);
out_remove_dir:
	securityfs_remove(dir);
	pr_err("initialisation failed: %d\n", err);
	return err;
}
late_initcall(diglim_fs_init);
