// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Boot-time loading of the digest lists of a directory
 *
 * A PCR that does not depend on the order in which files are accessed needs
 * the lists in the kernel before the first program runs.  Once the root file
 * system is mounted, and before init is started, integrity_load_keys() calls
 * diglim_load_lists(): every regular file of the directory (Kconfig
 * CONFIG_DIGLIM_DIGEST_LISTS_DIR, or the diglim.lists_dir= kernel parameter)
 * is added in name order exactly as if its path had been written to
 * digest_list_add, so IMA measures and appraises each list file
 * (DIGEST_LIST_CHECK) and the list gets the matching actions.
 *
 * A list that cannot be added is reported and skipped: the boot goes on.
 * Names starting with '.' are ignored (editors and generators keep their
 * temporary files there).
 */

#include "diglim.h"

#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/list_sort.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "diglim."

static char *lists_dir = CONFIG_DIGLIM_DIGEST_LISTS_DIR;
module_param(lists_dir, charp, 0);
MODULE_PARM_DESC(lists_dir,
		 "Directory of the digest lists loaded at boot (empty: none)");

/**
 * struct list_name - A directory entry to load.
 * @node: Link in &dir_names.names.
 * @name: NUL-terminated entry name.
 */
struct list_name {
	struct list_head node;
	char name[];
};

/**
 * struct dir_names - Names collected from the directory.
 * @ctx: Directory iteration context.
 * @names: Collected &struct list_name.
 * @err: First error met while collecting, or 0.
 */
struct dir_names {
	struct dir_context ctx;
	struct list_head names;
	int err;
};

static bool collect_name(struct dir_context *ctx, const char *name, int len,
			 loff_t offset, u64 ino, unsigned int d_type)
{
	struct dir_names *dn = container_of(ctx, struct dir_names, ctx);
	struct list_name *ln;

	/* ".", ".." and hidden files. */
	if (name[0] == '.')
		return true;

	ln = kmalloc(struct_size(ln, name, len + 1), GFP_KERNEL);
	if (!ln) {
		dn->err = -ENOMEM;
		return false;
	}

	memcpy(ln->name, name, len);
	ln->name[len] = '\0';
	list_add_tail(&ln->node, &dn->names);
	return true;
}

static int cmp_names(void *priv, const struct list_head *a,
		     const struct list_head *b)
{
	return strcmp(list_entry(a, struct list_name, node)->name,
		      list_entry(b, struct list_name, node)->name);
}

static int read_dir(const char *dir, struct list_head *names)
{
	struct dir_names dn = {
		.ctx.actor = collect_name,
		.names = LIST_HEAD_INIT(dn.names),
	};
	struct file *file;
	int err;

	file = filp_open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);

	err = iterate_dir(file, &dn.ctx);
	fput(file);
	if (!err)
		err = dn.err;

	list_sort(NULL, &dn.names, cmp_names);
	list_splice(&dn.names, names);
	return err;
}

/**
 * diglim_load_lists - Add the digest lists of the boot-time directory.
 *
 * Adds, in name order, every file of the directory named by the
 * diglim.lists_dir= kernel parameter (default CONFIG_DIGLIM_DIGEST_LISTS_DIR)
 * through the same path as a write of its path to digest_list_add.  Errors
 * are logged, one line per file, and never stop the boot.
 *
 * Context: Process context, called once by integrity_load_keys() when the
 * root file system is ready and before init runs.
 */
void __init diglim_load_lists(void)
{
	struct list_name *ln, *tmp;
	unsigned int loaded = 0, total = 0;
	LIST_HEAD(names);
	char *path;
	int err;

	if (!lists_dir || !*lists_dir)
		return;

	if (lists_dir[0] != '/') {
		pr_warn("%s: not an absolute path, no list loaded\n",
			lists_dir);
		return;
	}

	/* Pairs with smp_store_release() in diglim_store_init(). */
	if (!smp_load_acquire(&diglim_global_store.ready)) {
		pr_warn("not initialised, lists in %s not loaded\n", lists_dir);
		return;
	}

	err = read_dir(lists_dir, &names);
	if (err == -ENOENT && list_empty(&names))
		return;
	if (err)
		pr_warn("%s: cannot read the directory (%d)%s\n", lists_dir,
			err, list_empty(&names) ? "" : ", loading what was read");

	list_for_each_entry_safe(ln, tmp, &names, node) {
		total++;
		path = kasprintf(GFP_KERNEL, "%s/%s", lists_dir, ln->name);
		err = path ? diglim_add_path(path) : -ENOMEM;
		if (err)
			pr_warn("%s/%s: not loaded (%d)\n", lists_dir, ln->name,
				err);
		else
			loaded++;
		kfree(path);
		list_del(&ln->node);
		kfree(ln);
	}

	pr_info("loaded %u of %u digest lists from %s\n", loaded, total,
		lists_dir);
}
