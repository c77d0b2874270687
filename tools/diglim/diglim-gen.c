// SPDX-License-Identifier: GPL-2.0
/*
 * diglim-gen - generate DIGLIM compact digest lists from files, manifests,
 * Debian and RPM packages, and convert lists of older tools.
 */

#include <ctype.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "gen.h"

void strv_add(struct strv *sv, char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 64;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
}

void strv_free(struct strv *sv)
{
	while (sv->n)
		free(sv->v[--sv->n]);
	free(sv->v);
	sv->v = NULL;
	sv->cap = 0;
}

/* Byte order, independent of the locale: the output must not depend on it. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(struct strv *sv)
{
	if (sv->n)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

char *path_join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *p = xmalloc(len + strlen(name) + 2);

	sprintf(p, "%s%s%s", dir, len && dir[len - 1] == '/' ? "" : "/",
		name);
	return p;
}

static int cmp_ref_path(const void *a, const void *b)
{
	return strcmp(((const struct file_ref *)a)->path,
		      ((const struct file_ref *)b)->path);
}

static int cmp_ref_ino(const void *a, const void *b)
{
	const struct file_ref *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * Sorts the @n elements of @size bytes at @v, each starting with a struct
 * file_ref, by path in byte order. With @by_inode, keeps one element per
 * file on disk, the first path in that order, so that hard links, repeated
 * operands and the two paths of a merged /usr do not repeat a digest; the
 * paths of the others are freed. @owner, if not NULL, is named in the
 * messages. Returns the number of elements kept.
 */
size_t file_refs_sort(void *v, size_t n, size_t size, const char *owner,
		      bool by_inode)
{
	struct file_ref *kept, *ref;
	char *p = v;
	size_t i, j;

	if (by_inode && n > 1) {
		qsort(v, n, size, cmp_ref_ino);
		for (i = 1, j = 0; i < n; i++) {
			ref = (struct file_ref *)(p + i * size);
			kept = (struct file_ref *)(p + j * size);
			if (ref->dev == kept->dev && ref->ino == kept->ino) {
				if (owner)
					info_msg("%s: %s is the same file as %s, listed once",
						 owner, ref->path, kept->path);
				else
					info_msg("%s: same file as %s, listed once",
						 ref->path, kept->path);
				free(ref->path);
				continue;
			}
			if (++j != i)
				memcpy(p + j * size, ref, size);
		}
		n = j + 1;
	}
	if (n > 1)
		qsort(v, n, size, cmp_ref_path);
	return n;
}

static const char *mode_kind(mode_t mode)
{
	if (S_ISLNK(mode))
		return "symbolic link";
	if (S_ISFIFO(mode))
		return "FIFO";
	if (S_ISSOCK(mode))
		return "socket";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	return "special file";
}

/**
 * struct walk_ctx - What a files run collects, and how.
 * @opts: Options (exclusions, one file system, executables only).
 * @files: Regular files found, with their device and inode.
 * @n: Number of @files.
 * @cap: Allocated @files.
 * @dev: Device of the operand being walked (-x).
 * @out_dev: Device of the existing output list (never hashed).
 * @out_ino: Inode of the existing output list, 0 if none.
 */
struct walk_ctx {
	const struct gen_opts *opts;
	struct file_ref *files;
	size_t n;
	size_t cap;
	dev_t dev;
	dev_t out_dev;
	ino_t out_ino;
};

static bool excluded(const struct gen_opts *o, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < o->nexclude; i++) {
		if (!fnmatch(o->exclude[i], path, 0) ||
		    !fnmatch(o->exclude[i], base, 0))
			return true;
	}
	return false;
}

static int walk(struct walk_ctx *w, const char *path);

static int walk_dir(struct walk_ctx *w, const char *path)
{
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = opendir(path);
	if (!d) {
		err = -errno;
		err_msg("%s: %s", path, strerror(errno));
		return err;
	}
	for (;;) {
		char *child;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				err = -errno;
				err_msg("%s: %s", path, strerror(errno));
			}
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		child = path_join(path, de->d_name);
		err = walk(w, child);
		free(child);
		if (err)
			break;
	}
	closedir(d);
	return err;
}

static void found_add(struct walk_ctx *w, const char *path,
		      const struct stat *st)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->files = xrealloc(w->files, w->cap * sizeof(*w->files));
	}
	w->files[w->n].path = xstrdup(path);
	w->files[w->n].dev = st->st_dev;
	w->files[w->n++].ino = st->st_ino;
}

/*
 * Collects the regular files at or below @path. Symbolic links are never
 * followed (so link loops cannot make us spin) and special files are
 * skipped; both are reported with -v, as are exclusions.
 */
static int walk(struct walk_ctx *w, const char *path)
{
	const struct gen_opts *o = w->opts;
	struct stat st;

	if (lstat(path, &st)) {
		err_msg("%s: %s", path, strerror(errno));
		return -errno;
	}
	if (o->nexclude && excluded(o, path)) {
		info_msg("%s: excluded", path);
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		if (w->out_ino && st.st_dev == w->out_dev &&
		    st.st_ino == w->out_ino) {
			info_msg("%s: the output list itself, not hashed", path);
			return 0;
		}
		if (o->exec_only && !(st.st_mode & 0111)) {
			info_msg("%s: not executable, skipped", path);
			return 0;
		}
		found_add(w, path, &st);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (o->one_fs && st.st_dev != w->dev) {
			info_msg("%s: another file system, not entered", path);
			return 0;
		}
		return walk_dir(w, path);
	}
	info_msg("%s: skipping %s", path, mode_kind(st.st_mode));
	return 0;
}

/* Operands must be regular files or directories. */
static int collect_operand(struct walk_ctx *w, const char *path)
{
	struct stat st;

	if (lstat(path, &st)) {
		err_msg("%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		err_msg("%s: is a %s, not a regular file or directory (not followed)",
			path, mode_kind(st.st_mode));
		return -EINVAL;
	}
	w->dev = st.st_dev;
	return walk(w, path);
}

/* The files in byte order, one path per file (see file_refs_sort()). */
static void found_to_strv(struct walk_ctx *w, struct strv *files)
{
	size_t i, n;

	n = file_refs_sort(w->files, w->n, sizeof(*w->files), NULL, true);
	for (i = 0; i < n; i++)
		strv_add(files, w->files[i].path);
	free(w->files);
	w->files = NULL;
	w->n = w->cap = 0;
}

static int hash_files(const struct strv *files, struct block *blk)
{
	unsigned char digest[MAX_DIGEST_SIZE];
	size_t i;
	int err;

	for (i = 0; i < files->n; i++) {
		err = hash_path(files->v[i], blk->algo, digest);
		if (err)
			return err;
		block_add(blk, digest);
	}
	return 0;
}

/* Writes the blocks as one list; a list with no digest at all is refused. */
int write_list(const char *out, struct block *blocks, int nblocks,
	       unsigned long *ndigests, unsigned long *nbytes)
{
	struct buf list = { 0 };
	unsigned long n = 0;
	int i, err;

	for (i = 0; i < nblocks; i++) {
		n += block_count(&blocks[i]);
		block_emit(&blocks[i], &list);
	}
	if (!n) {
		err_msg("%s: no digests, no list written", out);
		buf_free(&list);
		return -ENODATA;
	}
	if (list.len > MAX_LIST_SIZE) {
		err_msg("%s: list of %zu bytes is too large for the kernel",
			out, list.len);
		buf_free(&list);
		return -EFBIG;
	}
	err = write_atomic(out, list.data, list.len);
	if (!err) {
		info_msg("%s: %lu digests, %zu bytes", out, n, list.len);
		if (ndigests)
			*ndigests += n;
		if (nbytes)
			*nbytes += list.len;
	}
	buf_free(&list);
	return err;
}

static int cmd_files(const struct gen_opts *o, int argc, char **argv)
{
	struct walk_ctx w = { .opts = o };
	struct strv files = { 0 };
	struct block blk;
	struct stat st;
	int i, err = 0;

	if (!o->out || !argc) {
		err_msg("files: -o OUT and at least one PATH are required");
		return 2;
	}
	/* A list written into the scanned tree must not be in the next one. */
	if (!stat(o->out, &st)) {
		w.out_dev = st.st_dev;
		w.out_ino = st.st_ino;
	}
	for (i = 0; i < argc && !err; i++)
		err = collect_operand(&w, argv[i]);
	found_to_strv(&w, &files);

	block_init(&blk, o->type, o->modifiers, o->algo);
	if (!err)
		err = hash_files(&files, &blk);
	if (!err)
		err = write_list(o->out, &blk, 1, NULL, NULL);

	for (i = 0; (size_t)i < w.n; i++)
		free(w.files[i].path);
	free(w.files);
	buf_free(&blk.digests);
	strv_free(&files);
	return err ? 1 : 0;
}

/* Maps a coreutils --tag name (SHA256, SHA3-256, MD5, ...) to an algo. */
static const struct algo *tag_algo(const char *tag)
{
	char name[32];
	size_t i;

	if (strlen(tag) >= sizeof(name))
		return NULL;
	for (i = 0; tag[i]; i++)
		name[i] = tolower((unsigned char)tag[i]);
	name[i] = '\0';
	return algo_by_name(name);
}

/*
 * Parses one manifest line into an algorithm and a digest. Accepted:
 *   <hex>  <name>   or   <hex> *<name>        (sha256sum output, -a algo)
 *   <ALGO> (<name>) = <hex>                   (sha256sum --tag output)
 * A leading backslash says that the name is escaped (it holds a newline or
 * a backslash); names are not used, so it is just skipped.
 */
static int parse_manifest_line(char *line, const struct algo *dflt,
			       const struct algo **algo, unsigned char *digest,
			       const char **why)
{
	char *hex, *sp, *p;
	size_t hexlen;

	if (line[0] == '\\')
		line++;
	hex = line;

	sp = strchr(line, ' ');
	if (!sp || sp == line) {
		*why = "malformed line";
		return -EINVAL;
	}
	*algo = dflt;
	if (sp[1] == '(') {
		*sp = '\0';
		*algo = tag_algo(line);
		if (!*algo) {
			*why = "unknown hash algorithm";
			return -EINVAL;
		}
		p = strstr(sp + 2, ") = ");
		/* The name may contain ") = ": the digest is after the last. */
		while (p && strstr(p + 1, ") = "))
			p = strstr(p + 1, ") = ");
		if (!p || p == sp + 2) {
			*why = "malformed line";
			return -EINVAL;
		}
		hex = p + 4;
		hexlen = strlen(hex);
	} else {
		hexlen = sp - line;
		if ((sp[1] != ' ' && sp[1] != '*') || !sp[2]) {
			*why = "malformed line";
			return -EINVAL;
		}
	}
	if (hexlen != 2 * (*algo)->size) {
		*why = "wrong digest length for the algorithm";
		return -EINVAL;
	}
	if (hex_decode(hex, hexlen, digest)) {
		*why = "invalid hex digit";
		return -EINVAL;
	}
	return 0;
}

/* Consecutive lines with the same algorithm share a block. */
static struct block *manifest_block(struct block **blocks, int *nblocks,
				    const struct gen_opts *o,
				    const struct algo *algo)
{
	struct block *last = *nblocks ? &(*blocks)[*nblocks - 1] : NULL;

	if (last && last->algo == algo)
		return last;
	*blocks = xrealloc(*blocks, (*nblocks + 1) * sizeof(**blocks));
	last = &(*blocks)[(*nblocks)++];
	block_init(last, o->type, o->modifiers, algo);
	return last;
}

static int read_manifest(const struct gen_opts *o, FILE *f, const char *name,
			 struct block **blocks, int *nblocks)
{
	unsigned char digest[MAX_DIGEST_SIZE];
	const struct algo *algo;
	unsigned long lineno = 0;
	const char *why;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int err = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if ((size_t)len != strlen(line)) {
			why = "NUL byte in line";
			err = -EINVAL;
		} else {
			err = parse_manifest_line(line, o->algo, &algo,
						  digest, &why);
		}
		if (err) {
			err_msg("%s:%lu: %s", name, lineno, why);
			break;
		}
		block_add(manifest_block(blocks, nblocks, o, algo), digest);
	}
	if (!err && ferror(f)) {
		err_msg("%s: read error", name);
		err = -EIO;
	}
	free(line);
	return err;
}

static int cmd_manifest(const struct gen_opts *o, int argc, char **argv)
{
	struct block *blocks = NULL;
	int i, nblocks = 0, err;
	FILE *f;

	if (!o->out || argc != 1) {
		err_msg("manifest: -o OUT and one MANIFEST ('-': stdin) are required");
		return 2;
	}
	f = strcmp(argv[0], "-") ? fopen(argv[0], "re") : stdin;
	if (!f) {
		err_msg("%s: %s", argv[0], strerror(errno));
		return 1;
	}
	err = read_manifest(o, f, argv[0], &blocks, &nblocks);
	if (f != stdin)
		fclose(f);
	if (!err)
		err = write_list(o->out, blocks, nblocks, NULL, NULL);

	for (i = 0; i < nblocks; i++)
		buf_free(&blocks[i].digests);
	free(blocks);
	return err ? 1 : 0;
}

/*
 * Runs @argv with its standard output captured in @out. Returns 0 if the
 * command exited with status 0.
 */
int run_capture(char *const argv[], struct buf *out)
{
	unsigned char tmp[65536];
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd)) {
		err_msg("pipe: %s", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		err_msg("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -EAGAIN;
	}
	if (!pid) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		err_msg("%s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], tmp, sizeof(tmp))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		buf_append(out, tmp, n);
	}
	close(pfd[0]);
	buf_append(out, "", 1);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		err_msg("%s exited with an error", argv[0]);
		return -EIO;
	}
	return 0;
}

/*
 * The list name (and so the kernel's label) of a package: stable across
 * runs, whatever other packages exist. The kernel's view names
 * "<algo>-<hex list digest>-<label>.ascii" must fit in 255 bytes for every
 * algorithm (streebog512: 12 + 128 + 1 + 6 bytes), so a label is at most
 * LABEL_MAX bytes: a longer name keeps its first bytes, then '~' and the
 * first 16 hex digits of the SHA-256 of the whole name. Bytes that cannot
 * be in a label (not printable, space, '/') become '_', as does a leading
 * '.' (which would hide the file).
 */
char *list_label(const char *name)
{
	size_t len = strlen(name), i;
	unsigned char md[32];
	char *label, hex[65];

	label = xmalloc(len > LABEL_MAX ? LABEL_MAX + 1 : len + 1);
	if (len > LABEL_MAX) {
		const size_t keep = LABEL_MAX - 17;

		SHA256((const unsigned char *)name, len, md);
		hex_encode(md, sizeof(md), hex);
		memcpy(label, name, keep);
		sprintf(label + keep, "~%.16s", hex);
	} else {
		memcpy(label, name, len + 1);
	}
	for (i = 0; label[i]; i++) {
		if ((unsigned char)label[i] <= ' ' ||
		    (unsigned char)label[i] > '~' || label[i] == '/' ||
		    (!i && label[i] == '.'))
			label[i] = '_';
	}
	return label;
}

int emit_package_list(const struct gen_opts *o, struct pkg_stats *st,
		      const char *name, struct block *blocks, int nblocks)
{
	unsigned long n = 0;
	char *out, *label;
	int i, err;

	for (i = 0; i < nblocks; i++)
		n += block_count(&blocks[i]);
	if (!n) {
		info_msg("%s: no regular files, no list", name);
		st->empty++;
		return 0;
	}
	label = list_label(name);
	out = path_join(o->outdir, label);
	err = write_list(out, blocks, nblocks, &st->digests, &st->bytes);
	if (err)
		st->errors++;
	else
		st->lists++;
	free(out);
	free(label);
	return err;
}

void print_pkg_stats(const char *source, const struct pkg_stats *st,
		     double secs)
{
	printf("%s: %lu packages, %lu lists, %lu digests, %lu bytes, %lu without regular files, %lu files skipped, %lu errors, %.2f s\n",
	       source, st->packages, st->lists, st->digests, st->bytes,
	       st->empty, st->skipped, st->errors, secs);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Legacy lists (digest-list-tools 2019-2021) numbered the types one higher,
 * with COMPACT_KEY at 0 which has no equivalent here.
 */
static int convert_list(unsigned char *data, size_t len, const char *name)
{
	struct compact_list_hdr *hdr;
	unsigned int type, n = 0;
	size_t off = 0;
	char why[256];

	while (len - off >= HDR_SIZE) {
		hdr = (void *)(data + off);
		type = le16toh(hdr->type);
		if (type == 0 || type > COMPACT_DIGEST_LIST) {
			err_msg("%s: block %u at offset %zu: legacy type %u (%s) has no equivalent",
				name, n, off, type, type ? "unknown" : "key");
			return -EINVAL;
		}
		hdr->type = htole16(type - 1);
		off += HDR_SIZE + le32toh(hdr->datalen);
		if (off > len)
			break;
		n++;
	}
	if (list_check(data, len, why, sizeof(why)) < 0) {
		err_msg("%s: not a valid legacy list: %s", name, why);
		return -EINVAL;
	}
	return 0;
}

static int cmd_convert(const struct gen_opts *o, int argc, char **argv)
{
	struct buf in = { 0 };
	int err;

	if (!o->out || argc != 1) {
		err_msg("convert: -o OUT and one legacy LIST are required");
		return 2;
	}
	err = read_file(argv[0], &in);
	if (!err && modsig_strip(in.data, in.len) != in.len) {
		err_msg("%s: the list is signed; converting would void the signature (strip it with 'diglim-sign strip' and sign the result)",
			argv[0]);
		err = -EINVAL;
	}
	if (!err)
		err = convert_list(in.data, in.len, argv[0]);
	if (!err)
		err = write_atomic(o->out, in.data, in.len);
	buf_free(&in);
	return err ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: diglim-gen COMMAND [OPTIONS] [ARGS]\n"
		"Generate DIGLIM compact digest lists.\n"
		"\n"
		"Commands:\n"
		"  files -o OUT PATH...          regular files below PATHs (sorted, recursive,\n"
		"                                each file once)\n"
		"  manifest -o OUT MANIFEST      sha256sum/sha512sum style manifest ('-': stdin)\n"
		"  dpkg -d OUTDIR [PACKAGE...]   one list per installed Debian package,\n"
		"                                files checked against dpkg's md5sums\n"
		"  deb -d OUTDIR FILE.deb...     one list per Debian archive, checked\n"
		"                                against apt's package indexes\n"
		"  rpm -d OUTDIR [FILE.rpm...]   one list per .rpm file, or per package\n"
		"                                of the RPM database without FILE\n"
		"  convert -o OUT LEGACY         renumber the types of an older tool's list\n"
		"\n"
		"Options:\n"
		"  -a, --algo ALGO       hash algorithm (kernel name, default sha256)\n"
		"  -t, --type TYPE       file (default), metadata or parser\n"
		"  -m, --modifiers MODS  comma-separated modifiers: immutable\n"
		"  -o, --output FILE     output list\n"
		"  -d, --outdir DIR      output directory for per-package lists\n"
		"      --dbpath DIR      RPM database directory\n"
		"      --root DIR        dpkg: installation root (default /)\n"
		"      --admindir DIR    dpkg: database (default ROOT/var/lib/dpkg)\n"
		"      --apt-lists DIR   deb: apt's indexes (default ROOT/var/lib/apt/lists)\n"
		"      --strict          dpkg: no list for a package with a file left out;\n"
		"                        deb: no list for an archive apt does not know\n"
		"      --conffiles       dpkg, deb: list configuration files too\n"
		"      --print-names     dpkg: print LIST-NAME PACKAGE:ARCH VERSION of the\n"
		"                        packages whose files are on disk, make no list\n"
		"  -x, --one-file-system files: do not enter other file systems\n"
		"  -e, --exclude PATTERN files: skip paths or names matching PATTERN\n"
		"      --executables-only files: only files with an execute bit\n"
		"  -v, --verbose         report skipped files and written lists\n"
		"  -h, --help            this help\n"
		"\n"
		"Lists are written to a temporary file and renamed: on error no list\n"
		"is left behind. Symbolic links are not followed, special files are\n"
		"skipped. See diglim-gen(8).\n");
}

static const struct option long_opts[] = {
	{ "algo", required_argument, NULL, 'a' },
	{ "type", required_argument, NULL, 't' },
	{ "modifiers", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "outdir", required_argument, NULL, 'd' },
	{ "dbpath", required_argument, NULL, 'D' },
	{ "exclude", required_argument, NULL, 'e' },
	{ "one-file-system", no_argument, NULL, 'x' },
	{ "executables-only", no_argument, NULL, 'E' },
	{ "root", required_argument, NULL, 'R' },
	{ "admindir", required_argument, NULL, 'A' },
	{ "apt-lists", required_argument, NULL, 'L' },
	{ "strict", no_argument, NULL, 'S' },
	{ "conffiles", no_argument, NULL, 'C' },
	{ "print-names", no_argument, NULL, 'P' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int parse_opts(struct gen_opts *o, int argc, char **argv)
{
	const char *algo = "sha256";
	int c;

	while ((c = getopt_long(argc, argv, "a:t:m:o:d:e:xvh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'a':
			algo = optarg;
			break;
		case 't':
			if (parse_type(optarg, &o->type)) {
				err_msg("invalid type '%s' (file, metadata, parser)",
					optarg);
				return -EINVAL;
			}
			break;
		case 'm':
			if (parse_modifiers(optarg, &o->modifiers)) {
				err_msg("invalid modifiers '%s' (immutable)",
					optarg);
				return -EINVAL;
			}
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'd':
			o->outdir = optarg;
			break;
		case 'D':
			o->dbpath = optarg;
			break;
		case 'e':
			o->exclude = xrealloc(o->exclude, (o->nexclude + 1) *
					      sizeof(*o->exclude));
			o->exclude[o->nexclude++] = optarg;
			break;
		case 'x':
			o->one_fs = true;
			break;
		case 'E':
			o->exec_only = true;
			break;
		case 'R':
			o->root = optarg;
			break;
		case 'A':
			o->admindir = optarg;
			break;
		case 'L':
			o->aptlists = optarg;
			break;
		case 'S':
			o->strict = true;
			break;
		case 'C':
			o->conffiles = true;
			break;
		case 'P':
			o->print_names = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	o->algo = algo_hashing(algo);
	return o->algo ? 0 : -EINVAL;
}

static int run_cmd(const struct gen_opts *o, const char *cmd, int argc,
		   char **argv)
{
	/*
	 * A metadata digest is the digest of an EVM portable signature's
	 * input (content digest, xattrs, mode, owner), which no source but a
	 * manifest of such digests provides here.
	 */
	if (o->type == COMPACT_METADATA && strcmp(cmd, "manifest")) {
		err_msg("%s: -t metadata needs EVM portable-signature digests, which %s does not have (content digests typed metadata would never match); use 'manifest' with a manifest of EVM digests",
			cmd, cmd);
		return 2;
	}
	if (!strcmp(cmd, "files"))
		return cmd_files(o, argc, argv);
	if (!strcmp(cmd, "manifest"))
		return cmd_manifest(o, argc, argv);
	if (!strcmp(cmd, "dpkg"))
		return gen_dpkg(o, argc, argv);
	if (!strcmp(cmd, "deb"))
		return gen_deb(o, argc, argv);
	if (!strcmp(cmd, "rpm"))
		return gen_rpm(o, argc, argv) ? 1 : 0;
	if (!strcmp(cmd, "convert"))
		return cmd_convert(o, argc, argv);
	err_msg("unknown command '%s' (see --help)", cmd);
	return 2;
}

int main(int argc, char **argv)
{
	struct gen_opts o = { .type = COMPACT_FILE };
	int ret = 2;

	prog = "diglim-gen";
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	/* Options may come before or after the command (getopt permutes). */
	if (parse_opts(&o, argc, argv))
		goto out;
	if (optind >= argc) {
		err_msg("no command (see --help)");
		goto out;
	}
	ret = run_cmd(&o, argv[optind], argc - optind - 1, argv + optind + 1);
out:
	free(o.exclude);
	return ret;
}
