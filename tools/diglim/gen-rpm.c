// SPDX-License-Identifier: GPL-2.0
/*
 * diglim-gen - RPM sources: the digests of the regular files of packages,
 * read from .rpm headers or from the RPM database with librpm. Nothing is
 * hashed here: the digests and their algorithm come from the header.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmfi.h>
#include <rpm/rpmio.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmts.h>

#include "gen.h"

/**
 * struct pkg - A package header waiting to be turned into a list.
 * @nvra: name-version-release.arch, the list name suffix and sort key.
 * @h: Header (a reference is held).
 */
struct pkg {
	char *nvra;
	Header h;
};

/* RPMTAG_FILEDIGESTALGO holds OpenPGP hash algorithm numbers. */
static const struct algo *pgp_to_algo(int pgp)
{
	switch (pgp) {
	case PGPHASHALGO_MD5:
		return algo_by_id(HASH_ALGO_MD5);
	case PGPHASHALGO_SHA1:
		return algo_by_id(HASH_ALGO_SHA1);
	case PGPHASHALGO_RIPEMD160:
		return algo_by_id(HASH_ALGO_RMD160);
	case PGPHASHALGO_SHA256:
		return algo_by_id(HASH_ALGO_SHA256);
	case PGPHASHALGO_SHA384:
		return algo_by_id(HASH_ALGO_SHA384);
	case PGPHASHALGO_SHA512:
		return algo_by_id(HASH_ALGO_SHA512);
	case PGPHASHALGO_SHA224:
		return algo_by_id(HASH_ALGO_SHA224);
	default:
		return NULL;
	}
}

/*
 * Adds the digest of every regular, non-ghost file of @h to @blk (which is
 * initialised here with the header's algorithm).
 */
static int header_digests(const struct gen_opts *o, struct pkg_stats *st,
			  Header h, const char *name, struct block *blk)
{
	const unsigned char *digest;
	const struct algo *algo;
	size_t len;
	rpmfi fi;
	int pgp, err = 0;

	fi = rpmfiNew(NULL, h, RPMTAG_BASENAMES, RPMFI_FLAGS_QUERY);
	algo = pgp_to_algo(rpmfiDigestAlgo(fi));
	if (!algo) {
		err_msg("%s: unsupported file digest algorithm %d", name,
			rpmfiDigestAlgo(fi));
		rpmfiFree(fi);
		return -EINVAL;
	}
	block_init(blk, o->type, o->modifiers, algo);
	while (rpmfiNext(fi) >= 0) {
		if (!S_ISREG(rpmfiFMode(fi)) ||
		    (rpmfiFFlags(fi) & RPMFILE_GHOST)) {
			st->skipped += !S_ISDIR(rpmfiFMode(fi));
			continue;
		}
		digest = rpmfiFDigest(fi, &pgp, &len);
		if (!digest || len != algo->size ||
		    pgp_to_algo(pgp) != algo) {
			err_msg("%s: %s: missing or inconsistent digest", name,
				rpmfiFN(fi));
			err = -EINVAL;
			break;
		}
		block_add(blk, digest);
	}
	rpmfiFree(fi);
	return err;
}

static int pkg_list(const struct gen_opts *o, struct pkg_stats *st,
		    const struct pkg *p)
{
	struct block blk = { 0 };
	int err;

	st->packages++;
	err = header_digests(o, st, p->h, p->nvra, &blk);
	if (!err)
		err = emit_package_list(o, st, p->nvra, &blk, 1);
	else
		st->errors++;
	buf_free(&blk.digests);
	return err;
}

static char *header_nvra(Header h)
{
	const char *errstr = NULL;

	return headerFormat(h, "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}",
			    &errstr);
}

static int read_rpm_file(rpmts ts, const char *path, struct pkg *p)
{
	Header h = NULL;
	rpmRC rc;
	FD_t fd;

	fd = Fopen(path, "r.ufdio");
	if (!fd || Ferror(fd)) {
		err_msg("%s: %s", path, Fstrerror(fd));
		if (fd)
			Fclose(fd);
		return -ENOENT;
	}
	rc = rpmReadPackageFile(ts, fd, path, &h);
	Fclose(fd);
	if (rc != RPMRC_OK || !h) {
		err_msg("%s: not a valid RPM package", path);
		headerFree(h);
		return -EINVAL;
	}
	p->h = h;
	p->nvra = header_nvra(h);
	return 0;
}

/*
 * librpm creates an empty database where none is, so that a mistyped
 * --dbpath (or a machine without RPM) would give no list and success.
 * Insist on a database file of one of librpm's backends.
 */
static int rpm_db_exists(void)
{
	static const char *const files[] = {
		"rpmdb.sqlite", "Packages", "Packages.db", "data.mdb",
	};
	char *db = rpmExpand("%{_dbpath}", NULL);
	char *path = xmalloc(strlen(db) + 32);
	const char *why = NULL;
	struct stat st;
	size_t i;

	if (stat(db, &st))
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a directory";
	if (why) {
		err_msg("RPM database %s: %s (see --dbpath)", db, why);
		free(path);
		free(db);
		return -ENOENT;
	}
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		sprintf(path, "%s/%s", db, files[i]);
		if (!stat(path, &st) && S_ISREG(st.st_mode))
			break;
	}
	if (i == ARRAY_SIZE(files))
		err_msg("RPM database %s: no database there (none of rpmdb.sqlite, Packages, Packages.db, data.mdb; see --dbpath)",
			db);
	free(path);
	free(db);
	return i == ARRAY_SIZE(files) ? -ENOENT : 0;
}

static int read_rpm_db(rpmts ts, struct pkg **pkgs, size_t *n)
{
	rpmdbMatchIterator mi;
	Header h;

	if (rpm_db_exists())
		return -ENOENT;

	mi = rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0);
	if (!mi) {
		char *db = rpmExpand("%{_dbpath}", NULL);

		err_msg("cannot open the RPM database %s", db);
		free(db);
		return -ENOENT;
	}
	while ((h = rpmdbNextIterator(mi))) {
		*pkgs = xrealloc(*pkgs, (*n + 1) * sizeof(**pkgs));
		(*pkgs)[*n].h = headerLink(h);
		(*pkgs)[(*n)++].nvra = header_nvra(h);
	}
	rpmdbFreeIterator(mi);
	return 0;
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct pkg *x = a, *y = b;

	return strcmp(x->nvra, y->nvra);
}

static rpmts rpm_open(const struct gen_opts *o)
{
	rpmts ts;

	if (rpmReadConfigFiles(NULL, NULL)) {
		err_msg("cannot read the RPM configuration");
		return NULL;
	}
	rpmSetVerbosity(verbose ? RPMLOG_WARNING : RPMLOG_ERR);
	if (o->dbpath)
		rpmPushMacro(NULL, "_dbpath", NULL, o->dbpath, RMIL_CMDLINE);
	ts = rpmtsCreate();
	/* Header digests are checked, signatures are IMA's business. */
	rpmtsSetVSFlags(ts, _RPMVSF_NOSIGNATURES);
	return ts;
}

/**
 * gen_rpm - diglim-gen rpm: one list per .rpm file, or per installed package.
 * @o: Options (@o->outdir is required).
 * @argc: Number of .rpm files; 0 reads the RPM database.
 * @argv: .rpm files.
 *
 * Return: 0 if every package gave a list (or had no regular file).
 */
int gen_rpm(const struct gen_opts *o, int argc, char **argv)
{
	struct pkg_stats st = { 0 };
	struct pkg *pkgs = NULL;
	double start = now();
	size_t i, n = 0;
	int err = 0;
	rpmts ts;

	if (!o->outdir) {
		err_msg("rpm: -d OUTDIR is required");
		return -EINVAL;
	}
	ts = rpm_open(o);
	if (!ts)
		return -EINVAL;
	if (!argc)
		err = read_rpm_db(ts, &pkgs, &n);
	for (i = 0; !err && i < (size_t)argc; i++) {
		pkgs = xrealloc(pkgs, (n + 1) * sizeof(*pkgs));
		err = read_rpm_file(ts, argv[i], &pkgs[n]);
		n += !err;
	}
	if (!err && !argc && n)
		qsort(pkgs, n, sizeof(*pkgs), cmp_pkg);
	for (i = 0; !err && i < n; i++)
		pkg_list(o, &st, &pkgs[i]);
	if (!err)
		print_pkg_stats("rpm", &st, now() - start);

	for (i = 0; i < n; i++) {
		headerFree(pkgs[i].h);
		free(pkgs[i].nvra);
	}
	free(pkgs);
	rpmtsFree(ts);
	rpmFreeMacros(NULL);
	rpmFreeRpmrc();
	return err ?: (st.errors ? -EIO : 0);
}
