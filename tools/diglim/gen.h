/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM user-space tools - diglim-gen internals shared with the RPM source.
 */

#ifndef _DIGLIM_TOOLS_GEN_H
#define _DIGLIM_TOOLS_GEN_H

#include <sys/types.h>

#include "common.h"

/**
 * struct gen_opts - Options of one diglim-gen run.
 * @algo: Hash algorithm for digests computed here (-a).
 * @type: Type of the blocks (-t).
 * @modifiers: Modifiers of the blocks (-m).
 * @out: Output file (-o), for single-list sources.
 * @outdir: Output directory (-d), for per-package sources.
 * @dbpath: RPM database directory (--dbpath), NULL for the default.
 * @exclude: Patterns of paths not to list (--exclude), @nexclude of them.
 * @nexclude: Number of @exclude patterns.
 * @one_fs: Do not enter other file systems (-x).
 * @exec_only: Only files with an execute bit (--executables-only).
 * @root: Root directory of the installation (--root), "" for /.
 * @admindir: dpkg database directory (--admindir), NULL for the default.
 * @aptlists: Directory of apt's package indexes (--apt-lists), NULL for
 *	the default.
 * @strict: Any file left out, or an archive not found in apt's indexes,
 *	is an error (--strict).
 * @conffiles: Also list configuration files (--conffiles).
 * @print_names: dpkg: print the list name of every package whose files
 *	are on disk instead of making lists (--print-names).
 */
struct gen_opts {
	const struct algo *algo;
	unsigned int type;
	unsigned int modifiers;
	const char *out;
	const char *outdir;
	const char *dbpath;
	const char **exclude;
	size_t nexclude;
	bool one_fs;
	bool exec_only;
	const char *root;
	const char *admindir;
	const char *aptlists;
	bool strict;
	bool conffiles;
	bool print_names;
};

/**
 * struct pkg_stats - Counters of a per-package run.
 * @packages: Packages looked at.
 * @lists: Lists written.
 * @empty: Packages without any digest (no list written).
 * @digests: Digests written.
 * @bytes: Bytes written.
 * @skipped: Files skipped (missing, not regular).
 * @errors: Packages that failed (no list written).
 * @verified: Files whose content matched dpkg's MD5 sum (dpkg).
 * @modified: Files left out: content differs from dpkg's MD5 sum.
 * @nomd5: Files left out: no MD5 sum in the package's md5sums.
 * @missing: Files left out: not on disk.
 * @unreadable: Files left out: could not be read.
 * @conffiles: Configuration files not listed (without --conffiles).
 * @diverted: Files hashed at the path dpkg diverted them to.
 * @indexed: Archives whose SHA256 is in apt's package indexes (deb).
 * @unindexed: Archives not found in apt's package indexes (deb).
 */
struct pkg_stats {
	unsigned long packages;
	unsigned long lists;
	unsigned long empty;
	unsigned long digests;
	unsigned long bytes;
	unsigned long skipped;
	unsigned long errors;
	unsigned long verified;
	unsigned long modified;
	unsigned long nomd5;
	unsigned long missing;
	unsigned long unreadable;
	unsigned long conffiles;
	unsigned long diverted;
	unsigned long indexed;
	unsigned long unindexed;
};

/**
 * struct strv - A growable array of strings.
 * @v: Strings (owned).
 * @n: Number of strings.
 * @cap: Allocated slots.
 */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};

/**
 * struct file_ref - A path and the file on disk that it names.
 * @path: Path (owned).
 * @dev: Device of the file.
 * @ino: Inode of the file.
 *
 * The first member of the elements that file_refs_sort() sorts.
 */
struct file_ref {
	char *path;
	dev_t dev;
	ino_t ino;
};

/* The longest label of a per-package list (see list_label()). */
#define LABEL_MAX	100

void strv_add(struct strv *sv, char *s);
void strv_free(struct strv *sv);
void strv_sort(struct strv *sv);
char *path_join(const char *dir, const char *name);
size_t file_refs_sort(void *v, size_t n, size_t size, const char *owner,
		      bool by_inode);
int run_capture(char *const argv[], struct buf *out);
int write_list(const char *out, struct block *blocks, int nblocks,
	       unsigned long *ndigests, unsigned long *nbytes);
char *list_label(const char *name);
double now(void);

int emit_package_list(const struct gen_opts *o, struct pkg_stats *st,
		      const char *name, struct block *blocks, int nblocks);
void print_pkg_stats(const char *source, const struct pkg_stats *st,
		     double secs);

int gen_rpm(const struct gen_opts *o, int argc, char **argv);
int gen_dpkg(const struct gen_opts *o, int argc, char **argv);
int gen_deb(const struct gen_opts *o, int argc, char **argv);

#endif /* _DIGLIM_TOOLS_GEN_H */
