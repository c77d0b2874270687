// SPDX-License-Identifier: GPL-2.0
/*
 * diglim-gen - Debian sources.
 *
 * dpkg: the installed packages of a dpkg database (status, file lists,
 * md5sums, diversions), each file checked against the MD5 sum dpkg
 * recorded for it and hashed where it really is (diversions, merged /usr).
 *
 * deb: .deb archives read with dpkg-deb (nothing is installed), each
 * checked against the SHA256 of apt's package indexes.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "gen.h"

#define MD5_SIZE	16

/**
 * struct kv - A key with two values, in a sorted table.
 * @key: Key (owned).
 * @val: First value (owned, may be NULL).
 * @val2: Second value (owned, may be NULL).
 */
struct kv {
	char *key;
	char *val;
	char *val2;
};

/**
 * struct kvtab - A table of &struct kv, sorted by key once filled.
 * @v: Entries.
 * @n: Number of entries.
 * @cap: Allocated entries.
 */
struct kvtab {
	struct kv *v;
	size_t n;
	size_t cap;
};

static void kv_add(struct kvtab *t, const char *key, const char *val,
		   const char *val2)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n].key = xstrdup(key);
	t->v[t->n].val = val ? xstrdup(val) : NULL;
	t->v[t->n++].val2 = val2 ? xstrdup(val2) : NULL;
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

static void kv_sort(struct kvtab *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_kv);
}

static const struct kv *kv_find(const struct kvtab *t, const char *key)
{
	struct kv k = { .key = (char *)key };

	return t->n ? bsearch(&k, t->v, t->n, sizeof(*t->v), cmp_kv) : NULL;
}

static void kv_free(struct kvtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].val);
		free(t->v[i].val2);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/**
 * struct entry - A file of a package and its digest.
 * @ref: Path as the package names it, and the file on disk (dpkg only).
 * @digest: Digest with the list's algorithm.
 */
struct entry {
	struct file_ref ref;
	unsigned char digest[MAX_DIGEST_SIZE];
};

/**
 * struct entries - The files of one package.
 * @v: Entries.
 * @n: Number of entries.
 * @cap: Allocated entries.
 */
struct entries {
	struct entry *v;
	size_t n;
	size_t cap;
};

static struct entry *entry_add(struct entries *e, const char *path)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 64;
		e->v = xrealloc(e->v, e->cap * sizeof(*e->v));
	}
	memset(&e->v[e->n], 0, sizeof(e->v[e->n]));
	e->v[e->n].ref.path = xstrdup(path);
	return &e->v[e->n++];
}

static void entries_free(struct entries *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].ref.path);
	free(e->v);
	memset(e, 0, sizeof(*e));
}

static int entries_emit(const struct gen_opts *o, struct pkg_stats *st,
			const char *name, struct entries *e)
{
	struct block blk;
	size_t i;
	int err;

	block_init(&blk, o->type, o->modifiers, o->algo);
	for (i = 0; i < e->n; i++)
		block_add(&blk, e->v[i].digest);
	err = emit_package_list(o, st, name, &blk, 1);
	buf_free(&blk.digests);
	return err;
}

/* The list name of a package: <name>_<version>_<arch>, epoch ':' as %3a. */
static char *deb_list_name(const char *name, const char *version,
			   const char *arch)
{
	char *s = xmalloc(strlen(name) + 3 * strlen(version) +
			  strlen(arch) + 3), *p;
	const char *v;

	p = s + sprintf(s, "%s_", name);
	for (v = version; *v; v++) {
		if (*v == ':')
			p += sprintf(p, "%%3a");
		else
			*p++ = *v;
	}
	sprintf(p, "_%s", arch);
	return s;
}

/* Reads a whole text file into a NUL-terminated buffer. */
static int read_text(const char *path, struct buf *b, bool quiet_enoent)
{
	struct stat st;
	int err;

	if (quiet_enoent && stat(path, &st) && errno == ENOENT)
		return -ENOENT;
	err = read_file(path, b);
	buf_append(b, "", 1);
	return err;
}

/* ---- dpkg database ------------------------------------------------------ */

/**
 * struct dpkg_pkg - An installed package, from the status file.
 * @name: Package name.
 * @arch: Architecture.
 * @version: Version.
 * @status: Third word of the Status field (installed, ...).
 * @ma_same: Multi-Arch: same (its info files may be named name:arch).
 * @conffiles: Configuration files, with their MD5 sums.
 */
struct dpkg_pkg {
	char *name;
	char *arch;
	char *version;
	char *status;
	bool ma_same;
	struct kvtab conffiles;
};

/**
 * struct dpkg_db - The dpkg database of a root.
 * @root: Root directory ("/" by default).
 * @admindir: Database directory.
 * @rootfd: Open root directory.
 * @pkgs: Packages of the status file.
 * @npkgs: Number of @pkgs.
 * @div: Diversions: key from, val to, val2 package (":" for local ones).
 */
struct dpkg_db {
	const char *root;
	char *admindir;
	int rootfd;
	struct dpkg_pkg *pkgs;
	size_t npkgs;
	struct kvtab div;
};

static bool pkg_installed(const struct dpkg_pkg *p)
{
	return p->status && (!strcmp(p->status, "installed") ||
			     !strcmp(p->status, "triggers-pending") ||
			     !strcmp(p->status, "triggers-awaited"));
}

/* Unpacked at least: the files of the version in Version are on disk. */
static bool pkg_on_disk(const struct dpkg_pkg *p)
{
	return pkg_installed(p) || (p->status &&
				    (!strcmp(p->status, "unpacked") ||
				     !strcmp(p->status, "half-configured")));
}

static void status_field(struct dpkg_pkg *p, const char *field, char *val,
			 const char **cur)
{
	*cur = field;
	if (!strcmp(field, "Package")) {
		p->name = xstrdup(val);
	} else if (!strcmp(field, "Architecture")) {
		p->arch = xstrdup(val);
	} else if (!strcmp(field, "Version")) {
		p->version = xstrdup(val);
	} else if (!strcmp(field, "Multi-Arch")) {
		p->ma_same = !strcmp(val, "same");
	} else if (!strcmp(field, "Status")) {
		char *last = strrchr(val, ' ');

		p->status = xstrdup(last ? last + 1 : val);
	}
}

/* A Conffiles line: " <path> <md5> [obsolete|remove-on-upgrade]". */
static void status_conffile(struct dpkg_pkg *p, char *line)
{
	char *path = strtok(line, " "), *md5 = strtok(NULL, " ");

	if (path && md5 && path[0] == '/')
		kv_add(&p->conffiles, path, md5, strtok(NULL, " "));
}

static void status_flush(struct dpkg_db *db, struct dpkg_pkg *cur)
{
	if (cur->name) {
		kv_sort(&cur->conffiles);
		db->pkgs = xrealloc(db->pkgs, (db->npkgs + 1) *
				    sizeof(*db->pkgs));
		db->pkgs[db->npkgs++] = *cur;
	} else {
		free(cur->arch);
		free(cur->version);
		free(cur->status);
		kv_free(&cur->conffiles);
	}
	memset(cur, 0, sizeof(*cur));
}

static int read_status(struct dpkg_db *db)
{
	char *path = path_join(db->admindir, "status");
	struct buf text = { 0 };
	struct dpkg_pkg cur = { 0 };
	const char *field = "";
	char *line, *next, *c;
	int err;

	err = read_text(path, &text, false);
	if (err) {
		err_msg("%s: cannot read dpkg's status file (see --root, --admindir)",
			path);
		free(path);
		buf_free(&text);
		return err;
	}
	for (line = (char *)text.data; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line) {
			status_flush(db, &cur);
			field = "";
		} else if (line[0] == ' ' || line[0] == '\t') {
			if (!strcmp(field, "Conffiles"))
				status_conffile(&cur, line);
		} else {
			c = strchr(line, ':');
			if (!c)
				continue;
			*c++ = '\0';
			while (*c == ' ' || *c == '\t')
				c++;
			status_field(&cur, line, c, &field);
		}
	}
	status_flush(db, &cur);
	free(path);
	buf_free(&text);
	return 0;
}

/* The diversions file: groups of three lines, from, to, package. */
static int read_diversions(struct dpkg_db *db)
{
	char *path = path_join(db->admindir, "diversions");
	struct buf text = { 0 };
	char *l[3], *save = NULL, *first;
	int err, i;

	err = read_text(path, &text, true);
	if (err == -ENOENT) {
		err = 0;
		goto out;
	}
	if (err)
		goto out;
	first = (char *)text.data;
	for (;;) {
		for (i = 0; i < 3; i++) {
			l[i] = strtok_r(first, "\n", &save);
			first = NULL;
			if (!l[i])
				break;
		}
		if (i < 3)
			break;
		kv_add(&db->div, l[0], l[1], l[2]);
	}
	kv_sort(&db->div);
out:
	free(path);
	buf_free(&text);
	return err;
}

static int dpkg_open(struct dpkg_db *db, const struct gen_opts *o)
{
	int err;

	db->root = o->root && *o->root ? o->root : "/";
	db->admindir = o->admindir ? xstrdup(o->admindir) :
				     path_join(db->root, "var/lib/dpkg");
	db->rootfd = open(db->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (db->rootfd < 0) {
		err = -errno;
		err_msg("%s: %s", db->root, strerror(errno));
		return err;
	}
	err = read_status(db);
	if (!err)
		err = read_diversions(db);
	return err;
}

static void dpkg_close(struct dpkg_db *db)
{
	size_t i;

	for (i = 0; i < db->npkgs; i++) {
		free(db->pkgs[i].name);
		free(db->pkgs[i].arch);
		free(db->pkgs[i].version);
		free(db->pkgs[i].status);
		kv_free(&db->pkgs[i].conffiles);
	}
	free(db->pkgs);
	kv_free(&db->div);
	free(db->admindir);
	if (db->rootfd >= 0)
		close(db->rootfd);
}

/*
 * root_open() without openat2() (kernels before 5.6, valgrind): resolves
 * the directory components of @path one by one, symbolic links included,
 * never above the root. The last component is opened with @flags (which
 * hold O_NOFOLLOW).
 */
static int root_open_walk(const struct dpkg_db *db, const char *path,
			  int flags)
{
	char cur[PATH_MAX] = "", rest[2 * PATH_MAX], link[PATH_MAX], *comp;
	char *next, tmp[2 * PATH_MAX];
	int links = 0;
	ssize_t n;

	if (strlen(path) >= sizeof(rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(rest, path);
	for (comp = rest; ; comp = next) {
		size_t len;

		while (*comp == '/')
			comp++;
		if (!*comp)
			break;
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		else
			next = comp + strlen(comp);
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(cur, '/');

			if (slash)
				*slash = '\0';
			else
				cur[0] = '\0';
			continue;
		}
		len = strlen(cur);
		if (len + strlen(comp) + 2 > sizeof(cur)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		/* The last component is for the caller's flags. */
		if (!*next) {
			sprintf(cur + len, "%s%s", len ? "/" : "", comp);
			break;
		}
		sprintf(cur + len, "%s%s", len ? "/" : "", comp);
		n = readlinkat(db->rootfd, cur, link, sizeof(link) - 1);
		if (n < 0) {
			if (errno != EINVAL)
				return -1;	/* missing, not a directory */
			continue;		/* not a link */
		}
		if (++links > 40) {
			errno = ELOOP;
			return -1;
		}
		link[n] = '\0';
		cur[len] = '\0';
		if (link[0] == '/')
			cur[0] = '\0';
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", link, next) >=
		    sizeof(tmp)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(rest, tmp);
		next = rest;
	}
	return openat(db->rootfd, *cur ? cur : ".", flags | O_CLOEXEC);
}

/*
 * Opens @path inside the root: symbolic links (absolute ones included) are
 * resolved as if the root were /, so that an image's /lib -> /usr/lib does
 * not lead to the host's files.
 */
static int root_open(const struct dpkg_db *db, const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	/* The tests force the fallback with DIGLIM_GEN_NO_OPENAT2=1. */
	if (getenv("DIGLIM_GEN_NO_OPENAT2"))
		return root_open_walk(db, path, flags);
	fd = syscall(SYS_openat2, db->rootfd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = root_open_walk(db, path, flags);
	return fd;
}

/* info/<name>:<arch>.<what> for Multi-Arch: same packages, else <name>. */
static char *info_file(const struct dpkg_db *db, const struct dpkg_pkg *p,
		       const char *what)
{
	char *name = xmalloc(strlen(p->name) + strlen(p->arch ?: "") +
			     strlen(what) + 16), *path;
	struct stat st;

	if (p->arch) {
		sprintf(name, "info/%s:%s.%s", p->name, p->arch, what);
		path = path_join(db->admindir, name);
		if (!stat(path, &st)) {
			free(name);
			return path;
		}
		free(path);
	}
	sprintf(name, "info/%s.%s", p->name, what);
	path = path_join(db->admindir, name);
	free(name);
	return path;
}

static int read_md5sums(const struct dpkg_db *db, const struct dpkg_pkg *p,
			struct kvtab *md5s, bool *have)
{
	char *path = info_file(db, p, "md5sums"), *line, *save = NULL;
	struct buf text = { 0 };
	int err;

	err = read_text(path, &text, true);
	*have = !err;
	if (err == -ENOENT)
		err = 0;
	for (line = *have ? strtok_r((char *)text.data, "\n", &save) : NULL;
	     line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!sp || sp - line != 2 * MD5_SIZE)
			continue;
		*sp = '\0';
		sp++;
		while (*sp == ' ' || *sp == '*')
			sp++;
		while (*sp == '/')
			sp++;
		kv_add(md5s, sp, line, NULL);
	}
	kv_sort(md5s);
	free(path);
	buf_free(&text);
	return err;
}

static const char *const left_out_why[] = {
	"content differs from dpkg's MD5 sum (modified)",
	"no MD5 sum in the package's md5sums",
	"missing",
	"unreadable",
};

enum left_out { LEFT_MODIFIED, LEFT_NOMD5, LEFT_MISSING, LEFT_UNREADABLE };

static void left_out(struct pkg_stats *st, const char *pkg, const char *path,
		     const char *at, enum left_out why, int *nleft)
{
	unsigned long *count[] = {
		&st->modified, &st->nomd5, &st->missing, &st->unreadable,
	};
	char extra[PATH_MAX + 16] = "";

	(*count[why])++;
	(*nleft)++;
	if (at)
		snprintf(extra, sizeof(extra), " (diverted to %s)", at);
	/* Missing files are common (dpkg path-exclude): shown with -v. */
	if (why == LEFT_MISSING && !verbose)
		return;
	err_msg("%s: %s%s: %s, left out", pkg, path, extra,
		left_out_why[why]);
}

/*
 * Where the file that @pkg ships as @path is on disk: a diversion of @path
 * by another package (or a local one) moved it to the diversion's target.
 */
static const char *diverted_to(const struct dpkg_db *db, const char *pkg,
			       const char *path)
{
	const struct kv *d = kv_find(&db->div, path);

	if (!d || !d->val || !d->val2 || !strcmp(d->val2, pkg))
		return NULL;
	return d->val;
}

/* Hashes one file of a package after checking it against its MD5 sum. */
static void dpkg_file(const struct gen_opts *o, const struct dpkg_db *db,
		      struct pkg_stats *st, const struct dpkg_pkg *p,
		      const char *path, const char *md5hex,
		      struct entries *e, int *nleft)
{
	static const struct algo *md5_algo;
	unsigned char md5[MD5_SIZE], want[MD5_SIZE];
	const char *at = diverted_to(db, p->name, path);
	struct stat sb, sb2;
	struct entry *ent;
	int fd, err;

	if (!md5_algo)
		md5_algo = algo_by_id(HASH_ALGO_MD5);
	fd = root_open(db, at ?: path, O_PATH | O_NOFOLLOW);
	if (fd < 0) {
		/* Only a path with an MD5 sum is known to be a file. */
		if (md5hex && (errno == ENOENT || errno == ENOTDIR))
			left_out(st, p->name, path, at, LEFT_MISSING, nleft);
		else if (md5hex)
			left_out(st, p->name, path, at, LEFT_UNREADABLE, nleft);
		return;
	}
	err = fstat(fd, &sb);
	close(fd);
	if (err || !S_ISREG(sb.st_mode)) {
		/* md5sums name regular files only: this one was replaced. */
		if (!err && md5hex && !S_ISDIR(sb.st_mode))
			left_out(st, p->name, path, at, LEFT_MODIFIED, nleft);
		return;		/* directories, symbolic links, devices */
	}
	if (!md5hex || hex_decode(md5hex, strlen(md5hex), want) ||
	    strlen(md5hex) != 2 * MD5_SIZE) {
		left_out(st, p->name, path, at, LEFT_NOMD5, nleft);
		return;
	}
	fd = root_open(db, at ?: path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &sb2) || sb2.st_ino != sb.st_ino ||
	    sb2.st_dev != sb.st_dev) {
		if (fd >= 0)
			close(fd);
		left_out(st, p->name, path, at, LEFT_UNREADABLE, nleft);
		return;
	}
	ent = entry_add(e, path);
	err = hash_fd2(fd, (size_t)-1, o->algo, ent->digest, md5_algo, md5);
	close(fd);
	if (err || memcmp(md5, want, MD5_SIZE)) {
		free(ent->ref.path);
		e->n--;
		left_out(st, p->name, path, at,
			 err ? LEFT_UNREADABLE : LEFT_MODIFIED, nleft);
		return;
	}
	ent->ref.dev = sb.st_dev;
	ent->ref.ino = sb.st_ino;
	if (at) {
		st->diverted++;
		info_msg("%s: %s diverted, hashed at %s", p->name, path, at);
	}
}

static int dpkg_package(const struct gen_opts *o, const struct dpkg_db *db,
			struct pkg_stats *st, const struct dpkg_pkg *p)
{
	char *listpath = info_file(db, p, "list"), *line, *save = NULL, *name;
	struct kvtab md5s = { 0 };
	struct entries e = { 0 };
	struct buf text = { 0 };
	int err, nleft = 0;
	bool have_md5s;

	st->packages++;
	err = read_text(listpath, &text, false);
	if (err) {
		err_msg("%s: cannot read its file list %s", p->name, listpath);
		goto out;
	}
	err = read_md5sums(db, p, &md5s, &have_md5s);
	if (err) {
		err_msg("%s: cannot read its md5sums", p->name);
		goto out;
	}
	if (!have_md5s)
		info_msg("%s: no md5sums file: its files cannot be verified",
			 p->name);
	for (line = strtok_r((char *)text.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const struct kv *c = kv_find(&p->conffiles, line), *m;

		if (line[0] != '/')
			continue;
		if (c && !o->conffiles) {
			st->conffiles++;
			info_msg("%s: %s: configuration file, not listed",
				 p->name, line);
			continue;
		}
		m = c ? NULL : kv_find(&md5s, line + 1);
		dpkg_file(o, db, st, p, line, c ? c->val : m ? m->val : NULL,
			  &e, &nleft);
	}
	e.n = file_refs_sort(e.v, e.n, sizeof(*e.v), p->name, true);
	st->verified += e.n;
	if (nleft && o->strict) {
		err_msg("%s: %d files left out, no list (--strict)", p->name,
			nleft);
		err = -EBADMSG;
	} else {
		name = deb_list_name(p->name, p->version ?: "",
				     p->arch ?: "");
		err = entries_emit(o, st, name, &e);
		free(name);
		/* emit_package_list() counted a failure already. */
		if (err)
			st->errors--;
	}
out:
	if (err)
		st->errors++;
	free(listpath);
	buf_free(&text);
	kv_free(&md5s);
	entries_free(&e);
	return err;
}

static void print_dpkg_stats(const struct pkg_stats *st, double secs)
{
	printf("dpkg: %lu packages, %lu lists (%lu digests, %lu bytes), %lu files verified, %lu files left out (%lu modified, %lu without MD5 sum, %lu missing, %lu unreadable), %lu conffiles not listed, %lu diverted files hashed at their new path, %lu packages without regular files, %lu errors, %.2f s\n",
	       st->packages, st->lists, st->digests, st->bytes, st->verified,
	       st->modified + st->nomd5 + st->missing + st->unreadable,
	       st->modified, st->nomd5, st->missing, st->unreadable,
	       st->conffiles, st->diverted, st->empty, st->errors, secs);
}

/* PACKAGE or PACKAGE:ARCH; a name alone matches every architecture. */
static bool pkg_matches(const struct dpkg_pkg *p, const char *arg)
{
	size_t len = strlen(p->name);

	if (strncmp(arg, p->name, len))
		return false;
	if (!arg[len])
		return true;
	return arg[len] == ':' && p->arch && !strcmp(arg + len + 1, p->arch);
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct dpkg_pkg *x = *(struct dpkg_pkg *const *)a;
	const struct dpkg_pkg *y = *(struct dpkg_pkg *const *)b;
	int c = strcmp(x->name, y->name);

	return c ?: strcmp(x->arch ?: "", y->arch ?: "");
}

/**
 * gen_dpkg - diglim-gen dpkg: one list per installed Debian package.
 * @o: Options.
 * @argc: Number of package names; 0 for every installed package.
 * @argv: Package names.
 *
 * Return: the exit status.
 */
int gen_dpkg(const struct gen_opts *o, int argc, char **argv)
{
	struct dpkg_db db = { .rootfd = -1 };
	struct pkg_stats st = { 0 };
	struct dpkg_pkg **sel = NULL;
	double start = now();
	size_t i, n = 0;
	int j, err;

	if (!o->outdir && !o->print_names) {
		err_msg("dpkg: -d OUTDIR is required");
		return 2;
	}
	err = dpkg_open(&db, o);
	if (err) {
		dpkg_close(&db);
		return 1;
	}
	if (o->print_names) {
		for (i = 0; i < db.npkgs; i++) {
			const struct dpkg_pkg *p = &db.pkgs[i];
			char *name, *label;

			if (!pkg_on_disk(p) || !p->version || !p->arch)
				continue;
			name = deb_list_name(p->name, p->version, p->arch);
			label = list_label(name);
			printf("%s %s:%s %s\n", label, p->name, p->arch,
			       p->version);
			free(label);
			free(name);
		}
		dpkg_close(&db);
		return 0;
	}
	sel = xmalloc(db.npkgs * sizeof(*sel));
	for (i = 0; i < db.npkgs; i++) {
		bool want = !argc && pkg_installed(&db.pkgs[i]);

		for (j = 0; j < argc && !want; j++)
			want = pkg_matches(&db.pkgs[i], argv[j]) &&
			       pkg_installed(&db.pkgs[i]);
		if (want)
			sel[n++] = &db.pkgs[i];
	}
	for (j = 0; j < argc; j++) {
		const struct dpkg_pkg *found = NULL;

		for (i = 0; i < db.npkgs && !found; i++) {
			if (pkg_matches(&db.pkgs[i], argv[j]))
				found = &db.pkgs[i];
		}
		if (!found)
			err_msg("%s: unknown package (not in %s/status)",
				argv[j], db.admindir);
		else if (!pkg_installed(found))
			err_msg("%s: not installed (status %s)", argv[j],
				found->status ?: "unknown");
		if (!found || !pkg_installed(found)) {
			st.packages++;
			st.errors++;
		}
	}
	if (n)
		qsort(sel, n, sizeof(*sel), cmp_pkg);
	for (i = 0; i < n; i++)
		dpkg_package(o, &db, &st, sel[i]);
	print_dpkg_stats(&st, now() - start);
	free(sel);
	dpkg_close(&db);
	return st.errors ? 1 : 0;
}

/* ---- .deb archives ------------------------------------------------------ */

/* Starts @argv with its standard output on the returned pipe. */
static int spawn_reader(char *const argv[], pid_t *pid)
{
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC)) {
		err_msg("pipe: %s", strerror(errno));
		return -1;
	}
	*pid = fork();
	if (*pid < 0) {
		err_msg("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!*pid) {
		dup2(pfd[1], 1);
		execvp(argv[0], argv);
		err_msg("%s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	return pfd[0];
}

/* Drains and closes @fd, then reaps @pid: 0 if it exited with status 0. */
static int reap(int fd, pid_t pid)
{
	char tmp[65536];
	int status;

	while (read(fd, tmp, sizeof(tmp)) > 0)
		;
	close(fd);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -EIO;
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -ENODATA;
		p += n;
		len -= n;
	}
	return 0;
}

static int skip_bytes(int fd, uint64_t len)
{
	char tmp[65536];
	int err = 0;

	while (len && !err) {
		size_t n = len < sizeof(tmp) ? len : sizeof(tmp);

		err = read_full(fd, tmp, n);
		len -= n;
	}
	return err;
}

/* A tar number: octal, or base-256 when the first byte has bit 7 set. */
static int tar_number(const unsigned char *f, size_t len, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -EINVAL;		/* negative or too large */
		for (i = 1; i < len; i++) {
			if (*v >> 56)
				return -EINVAL;
			*v = *v << 8 | f[i];
		}
		return 0;
	}
	for (i = 0; i < len && f[i] == ' '; i++)
		;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
		*v = *v << 3 | (f[i] - '0');
	return 0;
}

/**
 * struct tar_member - A member of a tar stream.
 * @path: Path, "./" prefix and all.
 * @type: Type flag ('0' regular, '5' directory, ...).
 * @size: Size of the data that follows.
 */
struct tar_member {
	const char *path;
	char type;
	uint64_t size;
};

/*
 * Called for every member of a tar stream; returns 1 if it consumed
 * exactly @m->size bytes of @fd, 0 to let the reader skip them, or an
 * error.
 */
typedef int (*tar_fn)(void *arg, const struct tar_member *m, int fd);

/* The pax "path=" record of an extended header, if any. */
static char *pax_path(const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		char *end;
		unsigned long rec = strtoul(data + off, &end, 10);
		const char *kv;

		if (!rec || end >= data + len || *end != ' ' ||
		    rec > len - off)
			break;
		kv = end + 1;
		if (!strncmp(kv, "path=", 5)) {
			size_t vlen = data + off + rec - 1 - (kv + 5);
			char *p = xmalloc(vlen + 1);

			memcpy(p, kv + 5, vlen);
			p[vlen] = '\0';
			return p;
		}
		off += rec;
	}
	return NULL;
}

/* Reads a tar stream (ustar, GNU long names, pax) from @fd. */
static int tar_read(int fd, const char *what, tar_fn fn, void *arg)
{
	unsigned char hdr[512];
	char *longname = NULL, name[257];
	struct tar_member m;
	uint64_t size;
	int err, zeros = 0;

	for (;;) {
		err = read_full(fd, hdr, sizeof(hdr));
		if (err == -ENODATA && zeros)
			err = 0;
		if (err)
			break;
		{
			size_t i;

			for (i = 0; i < sizeof(hdr) && !hdr[i]; i++)
				;
			if (i == sizeof(hdr)) {
				if (++zeros == 2)
					break;
				continue;
			}
			zeros = 0;
		}
		if (tar_number(hdr + 124, 12, &size)) {
			err = -EINVAL;
			break;
		}
		m.type = hdr[156];
		m.size = size;
		if (m.type == 'L' || m.type == 'x') {
			char *data;

			if (size > 1 << 20) {
				err = -EINVAL;
				break;
			}
			data = xmalloc(size + 1);
			err = read_full(fd, data, size);
			data[size] = '\0';
			if (!err)
				err = skip_bytes(fd, (512 - size % 512) % 512);
			free(longname);
			longname = m.type == 'L' ? xstrdup(data) :
				   pax_path(data, size);
			free(data);
			if (err)
				break;
			continue;
		}
		if (longname) {
			m.path = longname;
		} else {
			size_t plen = strnlen((char *)hdr + 345, 155), off = 0;
			size_t nlen = strnlen((char *)hdr, 100);

			if (!memcmp(hdr + 257, "ustar", 5) && plen)
				off = sprintf(name, "%.*s/", (int)plen,
					      (char *)hdr + 345);
			memcpy(name + off, hdr, nlen);
			name[off + nlen] = '\0';
			m.path = name;
		}
		err = fn(arg, &m, fd);
		free(longname);
		longname = NULL;
		if (err < 0)
			break;
		if (!err)
			err = skip_bytes(fd, size);
		else
			err = 0;
		if (!err)
			err = skip_bytes(fd, (512 - size % 512) % 512);
		if (err)
			break;
	}
	free(longname);
	if (err == -ENODATA || err == -EINVAL)
		err_msg("%s: truncated or malformed tar stream", what);
	return err;
}

/* "./usr/bin/x", "usr/bin/x", "/usr/bin/x" -> "/usr/bin/x". */
static const char *member_path(const char *p, char *out, size_t len)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	snprintf(out, len, "/%s", p);
	return out;
}

/**
 * struct deb_ctx - One archive being read.
 * @o: Options.
 * @st: Statistics.
 * @path: The archive.
 * @conffiles: Its configuration files (control member conffiles).
 * @control: Its control member.
 * @e: Digests of its regular files.
 */
struct deb_ctx {
	const struct gen_opts *o;
	struct pkg_stats *st;
	const char *path;
	struct kvtab conffiles;
	struct buf control;
	struct entries e;
};

static int ctrl_member(void *arg, const struct tar_member *m, int fd)
{
	struct deb_ctx *c = arg;
	char path[PATH_MAX], *data, *line, *save = NULL;
	int err;

	member_path(m->path, path, sizeof(path));
	if (m->type != '0' && m->type != '\0')
		return 0;
	if (strcmp(path, "/conffiles") && strcmp(path, "/control"))
		return 0;
	if (m->size > 16 << 20)
		return -EFBIG;
	data = xmalloc(m->size + 1);
	err = read_full(fd, data, m->size);
	data[m->size] = '\0';
	if (!err && !strcmp(path, "/control")) {
		buf_append(&c->control, data, m->size + 1);
	} else if (!err) {
		for (line = strtok_r(data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *end = line + strlen(line);

			while (end > line && (end[-1] == ' ' || end[-1] == '\r'))
				*--end = '\0';
			/* remove-on-upgrade entries are not shipped files. */
			if (line[0] == '/')
				kv_add(&c->conffiles, line, NULL, NULL);
		}
		kv_sort(&c->conffiles);
	}
	free(data);
	return err ?: 1;
}

static int data_member(void *arg, const struct tar_member *m, int fd)
{
	struct deb_ctx *c = arg;
	char path[PATH_MAX];
	struct entry *ent;
	int err;

	/* Hard links ('1') have the content of a file listed already. */
	if (m->type != '0' && m->type != '\0' && m->type != '7')
		return 0;
	member_path(m->path, path, sizeof(path));
	if (kv_find(&c->conffiles, path) && !c->o->conffiles) {
		c->st->conffiles++;
		info_msg("%s: %s: configuration file, not listed", c->path,
			 path);
		return 0;
	}
	ent = entry_add(&c->e, path);
	err = hash_fd2(fd, m->size, c->o->algo, ent->digest, NULL, NULL);
	if (err)
		err_msg("%s: %s: cannot read the member", c->path, path);
	return err ?: 1;
}

/* Package, Version and Architecture of a control paragraph. */
static char *control_field(const struct buf *control, const char *field)
{
	size_t flen = strlen(field);
	const char *p = (const char *)control->data;

	while (p && *p) {
		if (!strncmp(p, field, flen) && p[flen] == ':') {
			const char *v = p + flen + 1, *end;

			while (*v == ' ' || *v == '\t')
				v++;
			end = strchr(v, '\n');
			if (!end)
				end = v + strlen(v);
			return strndup(v, end - v);
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/**
 * struct apt_pkg - A package of apt's indexes.
 * @sha256: Binary SHA256 of the archive.
 * @name: Package name.
 * @version: Version.
 * @arch: Architecture.
 */
struct apt_pkg {
	unsigned char sha256[32];
	char *name;
	char *version;
	char *arch;
};

/**
 * struct apt_index - Every package of apt's package indexes.
 * @dir: Directory of the indexes.
 * @v: Packages, sorted by SHA256 once loaded.
 * @n: Number of packages.
 * @files: Number of index files read.
 */
struct apt_index {
	char *dir;
	struct apt_pkg *v;
	size_t n;
	size_t files;
};

static int cmp_apt(const void *a, const void *b)
{
	return memcmp(((const struct apt_pkg *)a)->sha256,
		      ((const struct apt_pkg *)b)->sha256, 32);
}

static void apt_paragraph(struct apt_index *idx, char *par)
{
	struct buf b = { .data = (unsigned char *)par };
	char *sha = control_field(&b, "SHA256");
	struct apt_pkg p = { 0 };

	if (sha && strlen(sha) == 64 && !hex_decode(sha, 64, p.sha256)) {
		p.name = control_field(&b, "Package");
		p.version = control_field(&b, "Version");
		p.arch = control_field(&b, "Architecture");
		idx->v = xrealloc(idx->v, (idx->n + 1) * sizeof(*idx->v));
		idx->v[idx->n++] = p;
	}
	free(sha);
}

static bool is_index(const char *name)
{
	static const char *const ext[] = {
		"", ".gz", ".xz", ".lz4", ".zst", ".bz2", ".lzma",
	};
	const char *p = strstr(name, "_Packages");
	size_t i;

	if (!p)
		return false;
	for (i = 0; i < ARRAY_SIZE(ext); i++) {
		if (!strcmp(p + 9, ext[i]))
			return true;
	}
	return false;
}

/*
 * Reads every *_Packages index of @idx->dir. apt may keep them compressed
 * (lz4 by default on Debian): apt-helper cat-file decompresses whatever
 * apt can read.
 */
static void apt_load(struct apt_index *idx)
{
	DIR *d = opendir(idx->dir);
	struct dirent *de;

	if (!d) {
		info_msg("%s: %s", idx->dir, strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		char *path, *argv[4], *par, *end;
		struct buf text = { 0 };
		int err;

		if (!is_index(de->d_name))
			continue;
		path = path_join(idx->dir, de->d_name);
		if (strstr(de->d_name, "_Packages")[9]) {
			argv[0] = "/usr/lib/apt/apt-helper";
			argv[1] = "cat-file";
			argv[2] = path;
			argv[3] = NULL;
			err = run_capture(argv, &text);
		} else {
			err = read_text(path, &text, false);
		}
		if (err) {
			err_msg("%s: cannot read this package index", path);
		} else {
			idx->files++;
			for (par = (char *)text.data; par && *par; par = end) {
				end = strstr(par, "\n\n");
				if (end) {
					end[1] = '\0';
					end += 2;
				}
				apt_paragraph(idx, par);
			}
		}
		buf_free(&text);
		free(path);
	}
	closedir(d);
	if (idx->n)
		qsort(idx->v, idx->n, sizeof(*idx->v), cmp_apt);
}

static void apt_free(struct apt_index *idx)
{
	size_t i;

	for (i = 0; i < idx->n; i++) {
		free(idx->v[i].name);
		free(idx->v[i].version);
		free(idx->v[i].arch);
	}
	free(idx->v);
	free(idx->dir);
}

/*
 * Checks @path (whose SHA256 is @sha) against apt's indexes. Returns 0 if
 * it is there with the same package, version and architecture, 1 if it is
 * not known there, or an error.
 */
static int apt_check(const struct apt_index *idx, const char *path,
		     const unsigned char *sha, const char *name,
		     const char *version, const char *arch)
{
	struct apt_pkg key, *p;

	memcpy(key.sha256, sha, 32);
	p = idx->n ? bsearch(&key, idx->v, idx->n, sizeof(*idx->v), cmp_apt) :
		     NULL;
	if (!p)
		return 1;
	if (!p->name || !p->version || !p->arch || strcmp(p->name, name) ||
	    strcmp(p->version, version) || strcmp(p->arch, arch)) {
		err_msg("%s: its SHA256 is that of %s %s %s in apt's indexes, but it says %s %s %s",
			path, p->name ?: "?", p->version ?: "?", p->arch ?: "?",
			name, version, arch);
		return -EBADMSG;
	}
	return 0;
}

static int deb_tar(struct deb_ctx *c, const char *opt, tar_fn fn)
{
	char *argv[] = { "dpkg-deb", (char *)opt, (char *)c->path, NULL };
	pid_t pid;
	int fd, err, err2;

	fd = spawn_reader(argv, &pid);
	if (fd < 0)
		return -EIO;
	err = tar_read(fd, c->path, fn, c);
	err2 = reap(fd, pid);
	if (!err && err2)
		err_msg("%s: dpkg-deb %s failed (not a Debian archive?)",
			c->path, opt);
	return err ?: err2;
}

static int deb_archive(const struct gen_opts *o, struct pkg_stats *st,
		       struct apt_index *idx, const char *path)
{
	char *name = NULL, *version = NULL, *arch = NULL, *list;
	struct deb_ctx c = { .o = o, .st = st, .path = path };
	unsigned char sha[32];
	int fd, err, known;

	st->packages++;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		err_msg("%s: %s", path, strerror(errno));
		goto out;
	}
	err = hash_fd(fd, algo_by_id(HASH_ALGO_SHA256), sha);
	close(fd);
	if (err) {
		err_msg("%s: %s", path, strerror(-err));
		goto out;
	}
	err = deb_tar(&c, "--ctrl-tarfile", ctrl_member);
	if (err)
		goto out;
	name = c.control.len ? control_field(&c.control, "Package") : NULL;
	version = c.control.len ? control_field(&c.control, "Version") : NULL;
	arch = c.control.len ? control_field(&c.control, "Architecture") :
			       NULL;
	if (!name || !version || !arch) {
		err_msg("%s: no Package, Version and Architecture in its control file",
			path);
		err = -EINVAL;
		goto out;
	}
	known = apt_check(idx, path, sha, name, version, arch);
	if (known < 0) {
		err = known;
		goto out;
	}
	if (known) {
		st->unindexed++;
		err_msg("%s: %s %s %s is not in apt's package indexes (%s%s): its origin is not verified%s",
			path, name, version, arch, idx->dir,
			idx->files ? "" : ", none found",
			o->strict ? ", no list (--strict)" : "");
		if (o->strict) {
			err = -EBADMSG;
			goto out;
		}
	} else {
		st->indexed++;
		info_msg("%s: SHA256 found in apt's package indexes", path);
	}
	err = deb_tar(&c, "--fsys-tarfile", data_member);
	if (err)
		goto out;
	c.e.n = file_refs_sort(c.e.v, c.e.n, sizeof(*c.e.v), name, false);
	list = deb_list_name(name, version, arch);
	err = entries_emit(o, st, list, &c.e);
	free(list);
	if (err)
		st->errors--;
out:
	if (err)
		st->errors++;
	free(name);
	free(version);
	free(arch);
	kv_free(&c.conffiles);
	buf_free(&c.control);
	entries_free(&c.e);
	return err;
}

/**
 * gen_deb - diglim-gen deb: one list per .deb archive.
 * @o: Options.
 * @argc: Number of archives.
 * @argv: Archives.
 *
 * Return: the exit status.
 */
int gen_deb(const struct gen_opts *o, int argc, char **argv)
{
	struct apt_index idx = { 0 };
	struct pkg_stats st = { 0 };
	double start = now();
	int i;

	if (!o->outdir || !argc) {
		err_msg("deb: -d OUTDIR and at least one FILE.deb are required");
		return 2;
	}
	idx.dir = o->aptlists ? xstrdup(o->aptlists) :
		  path_join(o->root && *o->root ? o->root : "/",
			    "var/lib/apt/lists");
	apt_load(&idx);
	for (i = 0; i < argc; i++)
		deb_archive(o, &st, &idx, argv[i]);
	printf("deb: %lu archives, %lu lists (%lu digests, %lu bytes), %lu verified against apt's package indexes, %lu not found there, %lu conffiles not listed, %lu errors, %.2f s\n",
	       st.packages, st.lists, st.digests, st.bytes, st.indexed,
	       st.unindexed, st.conffiles, st.errors, now() - start);
	apt_free(&idx);
	return st.errors ? 1 : 0;
}
