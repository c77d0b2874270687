// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - digest_list_label: the label of the next raw-buffer upload
 *
 * The label is kept in the store (&diglim_store.label) and set, replaced or
 * cleared by diglim_set_label() under the store mutex; an upload of a raw
 * buffer consumes it.
 */

#include "diglim.h"

#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/uaccess.h>

/**
 * label_write - Set the label of the next raw-buffer upload.
 * @file: Open file.
 * @ubuf: 1 to %NAME_MAX printable non-space bytes, optionally followed by a
 *        newline.
 * @count: Length of @ubuf.
 * @ppos: File offset.
 *
 * Each write replaces the previous label entirely; an invalid one clears it.
 *
 * Return:
 * * @count - Success.
 * * %-EPERM - The writer lacks CAP_SYS_ADMIN in the initial namespace.
 * * %-EINVAL - Invalid label or non-zero offset (the label is cleared).
 * * %-EFAULT - Bad user buffer.
 * * %-ENOMEM - Out of memory.
 * * %-EINTR - Interrupted while waiting for the writer mutex.
 */
static ssize_t label_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[NAME_MAX + 1];
	int err;

	if (!diglim_may_write(file))
		return -EPERM;

	/* Invalid writes clear the label, as diglim_set_label() does. */
	if (*ppos != 0 || count > sizeof(buf))
		count = 0;
	else if (copy_from_user(buf, ubuf, count))
		return -EFAULT;

	err = diglim_set_label(&diglim_global_store, buf, count);
	return err ?: count;
}

const struct file_operations diglim_label_fops = {
	.open = diglim_write_only_open,
	.write = label_write,
	.llseek = noop_llseek,
};
