// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Uploads: digest_list_add and digest_list_del
 *
 * A write is one complete request: a path (first byte '/') of a list file,
 * read with kernel_read_file() so that IMA, IPE and LoadPin see the load,
 * or the raw bytes of a list.  The bytes are read or copied into a buffer
 * of their own size (diglim_data_alloc()), which becomes the stored list:
 * neither rounded up to whole pages nor, once an appended signature is
 * stripped, bigger than the list (diglim_data_fit()).
 *
 * Nothing here takes a lock: the request is built before diglim_upload()
 * takes the store mutex, so the file read, and with it IMA's appraisal of
 * the list file, happens outside it.
 */

#include "diglim.h"

#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static int upload_buffer(struct diglim_request *req,
			 const char __user *ubuf, size_t count)
{
	void *data;

	if (diglim_op_should_fail(req->op))
		return -ENOMEM;

	data = diglim_data_alloc(count);
	if (!data)
		return -ENOMEM;

	if (copy_from_user(data, ubuf, count)) {
		kvfree(data);
		return -EFAULT;
	}

	req->data = data;
	req->size = count;
	req->record = true;
	return diglim_upload(&diglim_global_store, req);
}

static struct file *open_list_file(const char *name, enum ops op)
{
	struct file *file;
	struct path path;
	int err;

	if (diglim_op_should_fail(op))
		return ERR_PTR(-ENOMEM);

	err = kern_path(name, LOOKUP_FOLLOW, &path);
	if (err)
		return ERR_PTR(err);

	/*
	 * Check the type before opening: opening a FIFO would block and
	 * opening a device may have side effects.
	 */
	if (!d_is_reg(path.dentry)) {
		file = ERR_PTR(-EINVAL);
		goto out_put_path;
	}

	/* dentry_open() does not check the caller's permission, open() does. */
	err = inode_permission(mnt_idmap(path.mnt), d_inode(path.dentry),
			       MAY_READ);
	if (err) {
		file = ERR_PTR(err);
		goto out_put_path;
	}

	if (diglim_op_should_fail(op)) {
		file = ERR_PTR(-ENOMEM);
		goto out_put_path;
	}

	file = dentry_open(&path, O_RDONLY, current_cred());
out_put_path:
	path_put(&path);
	return file;
}

/*
 * Reads a whole list file into a buffer of its size.  kernel_read_file()
 * fills a buffer it is given (it would vmalloc() one otherwise, rounded up
 * to whole pages) and fails with -EFBIG if the file grew past it.
 */
static ssize_t read_list_file(struct file *file, void **data,
			      size_t *alloc_size)
{
	loff_t size = i_size_read(file_inode(file));
	ssize_t len;

	if (size <= 0)
		return -EINVAL;

	if (size > DIGLIM_MAX_LIST_SIZE)
		return -EFBIG;

	*data = diglim_data_alloc(size);
	if (!*data)
		return -ENOMEM;

	/*
	 * kernel_read_file() denies write access while it reads (-ETXTBSY if
	 * the file is open for write) and lets IMA, IPE and LoadPin see and
	 * gate the load (READING_DIGEST_LIST).
	 */
	len = kernel_read_file(file, 0, data, size, NULL,
			       READING_DIGEST_LIST);
	if (len < 0) {
		kvfree(*data);
		*data = NULL;
		return len;
	}

	*alloc_size = size;
	return len;
}

static int upload_file(struct diglim_request *req, const char *name)
{
	const char *label = kbasename(name);
	size_t alloc_size, size;
	struct file *file;
	void *data;
	ssize_t len;
	int err;

	/*
	 * The final path component becomes the label: it names files in
	 * digest_lists_loaded/ and lines of query answers, so it follows the
	 * rules of digest_list_label.
	 */
	if (diglim_parse_label(label, strlen(label)) != strlen(label))
		return -EINVAL;

	file = open_list_file(name, req->op);
	if (IS_ERR(file))
		return PTR_ERR(file);

	if (diglim_op_should_fail(req->op)) {
		err = -ENOMEM;
		goto out_fput;
	}

	/*
	 * What IMA's appraisal of this very read established is taken at
	 * once, whatever happens next.
	 */
	len = read_list_file(file, &data, &alloc_size);
	req->actions = diglim_ima_file_actions(file);
	if (len < 0) {
		err = len;
		goto out_fput;
	}

	size = len;
	err = diglim_strip_appended_sig(data, &size);
	if (err) {
		kvfree(data);
		goto out_fput;
	}

	req->data = diglim_data_fit(data, alloc_size, size);
	req->size = size;
	req->label = label;
	req->record = true;
	err = diglim_upload(&diglim_global_store, req);
out_fput:
	fput(file);
	return err;
}

/**
 * diglim_add_path - Add the list in a file, as a write of its path would.
 * @name: Absolute path of the list file.
 *
 * Used by the boot-time loader: the file is opened with the credentials of
 * the caller, read through kernel_read_file() (READING_DIGEST_LIST, so IMA
 * measures and appraises it) and labelled with its final path component.
 *
 * Context: Process context; takes the store mutex.
 * Return: 0 or the -errno a write of @name to digest_list_add would return.
 */
int diglim_add_path(const char *name)
{
	struct diglim_request req = { .op = DIGEST_LIST_ADD };

	return upload_file(&req, name);
}

static int upload_path(struct diglim_request *req, const char __user *ubuf,
		       size_t count)
{
	size_t len = count;
	char *name;
	int err;

	/* PATH_MAX - 1 bytes and a newline at most. */
	if (count > PATH_MAX)
		return -ENAMETOOLONG;

	if (diglim_op_should_fail(req->op))
		return -ENOMEM;

	name = memdup_user_nul(ubuf, count);
	if (IS_ERR(name))
		return PTR_ERR(name);

	/* So that "echo /path > digest_list_add" works. */
	if (name[len - 1] == '\n')
		name[--len] = '\0';

	err = -EINVAL;
	if (strlen(name) != len)
		goto out_free_name;

	err = -ENAMETOOLONG;
	if (len >= PATH_MAX)
		goto out_free_name;

	err = upload_file(req, name);
out_free_name:
	kfree(name);
	return err;
}

/**
 * upload_write - Handle a write to digest_list_add or digest_list_del.
 * @file: Open file.
 * @ubuf: Written data: a path starting with '/' or a raw compact list.
 * @count: Length of @ubuf.
 * @ppos: File offset.
 * @op: %DIGEST_LIST_ADD or %DIGEST_LIST_DEL.
 *
 * Each write is one complete request.
 *
 * Return:
 * * @count - Success.
 * * %-EPERM - The writer lacks CAP_SYS_ADMIN in the initial namespace, or
 *   the deletion lacks an action performed at addition.
 * * %-EINVAL - Non-zero offset, empty write, malformed list, NUL in the
 *   path, final path component not a valid label, not a regular file,
 *   empty file, signature trailer longer than the file.
 * * %-EFBIG - More than %DIGLIM_MAX_LIST_SIZE bytes (written or in the file).
 * * %-ENAMETOOLONG - Path of %PATH_MAX bytes or more, or list view name
 *   longer than %NAME_MAX.
 * * %-EEXIST - Addition of a list already loaded.
 * * %-ENOSPC - Addition when %DIGLIM_MAX_LISTS lists are loaded.
 * * %-ENOENT - Deletion of a list not loaded with this label, or missing
 *   file.
 * * %-ENOMEM - Out of memory.
 * * %-EFAULT - Bad user buffer.
 * * %-EINTR - Interrupted while waiting for the writer mutex.
 * * Any error of the path lookup, permission check, open or read of the
 *   file (e.g. -EACCES, -ELOOP, -ETXTBSY).
 */
static ssize_t upload_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos, enum ops op)
{
	struct diglim_request req = { .op = op };
	char first;
	int err;

	if (!diglim_may_write(file))
		return -EPERM;

	if (*ppos != 0 || !count)
		return -EINVAL;

	if (count > DIGLIM_MAX_LIST_SIZE)
		return -EFBIG;

	if (get_user(first, ubuf))
		return -EFAULT;

	if (first == '/')
		err = upload_path(&req, ubuf, count);
	else
		err = upload_buffer(&req, ubuf, count);

	return err ?: count;
}

static ssize_t add_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	return upload_write(file, ubuf, count, ppos, DIGEST_LIST_ADD);
}

static ssize_t del_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	return upload_write(file, ubuf, count, ppos, DIGEST_LIST_DEL);
}

const struct file_operations diglim_add_fops = {
	.open = diglim_write_only_open,
	.write = add_write,
	.llseek = noop_llseek,
};

const struct file_operations diglim_del_fops = {
	.open = diglim_write_only_open,
	.write = del_write,
	.llseek = noop_llseek,
};
