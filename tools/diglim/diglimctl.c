// SPDX-License-Identifier: GPL-2.0
/*
 * diglimctl - manage DIGLIM through securityfs: add and delete digest lists,
 * query digests, show the counters and the loaded lists, and print a list
 * file in the kernel's ASCII view format.
 */

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "verify.h"

#define DIGLIM_DIR	"/sys/kernel/security/integrity/diglim"

/**
 * struct ctl_opts - Command line of diglimctl.
 * @dir: The DIGLIM securityfs directory.
 * @label: Label of a buffer upload (--label).
 * @file: File to hash for a query (--file).
 * @algo: Algorithm of a file query (-a).
 * @actions: Actions printed by dump (--actions).
 * @buffer: Upload the list bytes instead of the path (--buffer).
 * @raw: dump: do not cut an appended signature (--raw).
 */
struct ctl_opts {
	const char *dir;
	const char *label;
	const char *file;
	const char *algo;
	unsigned int actions;
	bool buffer;
	bool raw;
};

/**
 * struct errno_text - What an errno means for one kind of request.
 * @err: errno value.
 * @name: Its symbolic name.
 * @add: Meaning for an addition (NULL: use @any).
 * @del: Meaning for a deletion (NULL: use @any).
 * @any: Meaning otherwise.
 */
struct errno_text {
	int err;
	const char *name;
	const char *add;
	const char *del;
	const char *any;
};

static const struct errno_text errno_texts[] = {
	{ EEXIST, "EEXIST", "the list is already loaded", NULL,
	  "already exists" },
	{ ENOENT, "ENOENT", "the list file does not exist",
	  "the list is not loaded (or not with this label)",
	  "unknown hash algorithm, or no such file" },
	{ EPERM, "EPERM",
	  "CAP_SYS_ADMIN in the initial user namespace is required",
	  "the deletion must be measured and appraised like the addition was (or CAP_SYS_ADMIN is missing)",
	  "CAP_SYS_ADMIN in the initial user namespace is required" },
	{ EINVAL, "EINVAL", "the list is malformed (check it with 'diglimctl dump')",
	  "the list is malformed (check it with 'diglimctl dump')",
	  "invalid argument" },
	{ EACCES, "EACCES", NULL, NULL,
	  "permission denied (file mode, IMA appraisal or an LSM refused it)" },
	{ ETXTBSY, "ETXTBSY", NULL, NULL, "the list file is open for writing" },
	{ EFBIG, "EFBIG", NULL, NULL,
	  "the list is too large (64 MiB - 1 bytes at most)" },
	{ ENAMETOOLONG, "ENAMETOOLONG", NULL, NULL,
	  "the path, or the list name <algo>-<digest>-<label>, is too long" },
	{ ENOMEM, "ENOMEM", NULL, NULL, "out of memory in the kernel" },
	{ EBUSY, "EBUSY", NULL, NULL, "DIGLIM is busy with another request" },
	{ ELOOP, "ELOOP", NULL, NULL, "too many levels of symbolic links" },
};

enum req { REQ_ADD, REQ_DEL, REQ_OTHER };

/* Prints "WHAT: ENAME: meaning" for a failed request. */
static void report_errno(enum req req, const char *what, int err)
{
	const struct errno_text *t = NULL;
	const char *text = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_texts); i++) {
		if (errno_texts[i].err == err)
			t = &errno_texts[i];
	}
	if (t && req == REQ_ADD)
		text = t->add;
	else if (t && req == REQ_DEL)
		text = t->del;
	if (t && !text)
		text = t->any;
	if (t)
		err_msg("%s: %s: %s", what, t->name, text);
	else
		err_msg("%s: %s", what, strerror(err));
}

static char *dir_file(const struct ctl_opts *o, const char *name)
{
	char *p = xmalloc(strlen(o->dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", o->dir, name);
	return p;
}

/*
 * Returns 0 if the DIGLIM directory exists, else explains and returns 2, the
 * exit status of a system error.
 */
static int diglim_present(const struct ctl_opts *o)
{
	struct stat st;

	const char *why = "not a directory";

	if (stat(o->dir, &st))
		why = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		return 0;
	err_msg("%s: %s (securityfs not mounted, or a kernel without DIGLIM?)",
		o->dir, why);
	return 2;
}

/* Opens a DIGLIM entry, explaining a missing directory. */
static int open_entry(const struct ctl_opts *o, const char *name, int flags)
{
	char *path = dir_file(o, name);
	struct stat st;
	int fd;

	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (stat(o->dir, &st))
			diglim_present(o);
		else
			report_errno(REQ_OTHER, path, err);
	}
	free(path);
	return fd;
}

/*
 * The entries written by this run, each opened once: every write() is a
 * request of its own, so a command adding many lists makes one write per
 * list instead of an open, a write and a close.
 */
static struct {
	const char *name;
	int fd;
} entry_fds[3];

/* One write() is one request; returns 0 or -errno. */
static int write_request(const struct ctl_opts *o, const char *name,
			 const void *data, size_t len)
{
	unsigned int i;
	ssize_t n;
	int fd = -1;

	for (i = 0; i < ARRAY_SIZE(entry_fds) && entry_fds[i].name; i++) {
		if (!strcmp(entry_fds[i].name, name)) {
			fd = entry_fds[i].fd;
			break;
		}
	}
	if (fd < 0) {
		fd = open_entry(o, name, O_WRONLY);
		if (fd < 0)
			return -EBADF;
		if (i < ARRAY_SIZE(entry_fds)) {
			entry_fds[i].name = name;
			entry_fds[i].fd = fd;
		}
	}
	n = write(fd, data, len);
	if (i == ARRAY_SIZE(entry_fds))
		close(fd);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

/* The kernel needs an absolute path; symlinks are kept (they give the label). */
static char *absolute_path(const char *path)
{
	char cwd[PATH_MAX];
	char *abs;

	if (path[0] == '/')
		return xstrdup(path);
	if (!getcwd(cwd, sizeof(cwd))) {
		err_msg("getcwd: %s", strerror(errno));
		return NULL;
	}
	abs = xmalloc(strlen(cwd) + strlen(path) + 2);
	sprintf(abs, "%s/%s", cwd, path);
	return abs;
}

static int upload_path(const struct ctl_opts *o, enum req req,
		       const char *entry, const char *path)
{
	char *abs;
	int err;

	/*
	 * With the effective ids, as the kernel opens the file with the
	 * writer's credentials: access(2) would check the real ones.
	 */
	if (faccessat(AT_FDCWD, path, F_OK, AT_EACCESS)) {
		err_msg("%s: %s", path, strerror(errno));
		return 1;
	}
	abs = absolute_path(path);
	if (!abs)
		return 1;
	err = write_request(o, entry, abs, strlen(abs));
	if (err && err != -EBADF)
		report_errno(req, abs, -err);
	free(abs);
	return err ? 1 : 0;
}

static int upload_buffer(const struct ctl_opts *o, enum req req,
			 const char *entry, const char *path)
{
	struct buf list = { 0 };
	int err;

	if (read_file(path, &list))
		return 1;
	if (list.len && list.data[0] == '/') {
		err_msg("%s: starts with '/', the kernel would take it for a path",
			path);
		buf_free(&list);
		return 1;
	}
	err = 0;
	if (o->label) {
		err = write_request(o, "digest_list_label", o->label,
				    strlen(o->label));
		if (err && err != -EBADF)
			err_msg("label '%s': %s: invalid label (1-255 printable characters, no space or '/')",
				o->label, err == -EINVAL ? "EINVAL" :
				strerror(-err));
	}
	if (!err) {
		err = write_request(o, entry, list.data, list.len);
		if (err && err != -EBADF)
			report_errno(req, path, -err);
	}
	buf_free(&list);
	return err ? 1 : 0;
}

static int cmd_upload(const struct ctl_opts *o, enum req req, int argc,
		      char **argv)
{
	const char *entry = req == REQ_ADD ? "digest_list_add" :
					     "digest_list_del";
	int i, ret = 0;

	if (!argc) {
		err_msg("%s: at least one LIST is required",
			req == REQ_ADD ? "add" : "del");
		return 2;
	}
	if (o->label && !o->buffer) {
		err_msg("--label applies to --buffer uploads only (a path upload is labelled with the file name)");
		return 2;
	}
	if (diglim_present(o))
		return 2;
	for (i = 0; i < argc; i++) {
		if (o->buffer)
			ret |= upload_buffer(o, req, entry, argv[i]);
		else
			ret |= upload_path(o, req, entry, argv[i]);
	}
	return ret;
}

/* Reads what an open entry returns from offset 0. */
static int read_fd(int fd, struct buf *out)
{
	char tmp[65536];
	ssize_t n;

	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf_append(out, tmp, n);
	}
	return 0;
}

static int do_query(const struct ctl_opts *o, const char *q)
{
	struct buf answer = { 0 };
	int fd, err = 0;
	bool found;

	fd = open_entry(o, "digest_query", O_RDWR);
	if (fd < 0)
		return 2;
	if (write(fd, q, strlen(q)) < 0) {
		err = errno;
		if (err == ENOENT)
			err_msg("query '%s': ENOENT: unknown hash algorithm", q);
		else if (err == EINVAL)
			err_msg("query '%s': EINVAL: malformed query (<algo>-<hex>, two hex digits per digest byte)",
				q);
		else
			report_errno(REQ_OTHER, q, err);
	} else {
		err = -read_fd(fd, &answer);
		if (err)
			report_errno(REQ_OTHER, "digest_query", err);
	}
	close(fd);
	found = answer.len > 0;
	if (!err && found)
		fwrite(answer.data, 1, answer.len, stdout);
	buf_free(&answer);
	if (err)
		return 2;
	return found ? 0 : 1;
}

static int cmd_query(const struct ctl_opts *o, int argc, char **argv)
{
	unsigned char digest[MAX_DIGEST_SIZE];
	const struct algo *algo;
	size_t len;
	char *q;
	int ret;

	if (!o->file) {
		if (!argc) {
			err_msg("query: <algo>-<hex digest>... or --file FILE is required");
			return 2;
		}
		/* Several digests: one answer after the other, the worst status. */
		for (ret = 0; argc; argc--, argv++) {
			int r = do_query(o, argv[0]);

			if (r == 1)
				err_msg("%s: not found", argv[0]);
			ret = r > ret ? r : ret;
		}
		return ret;
	}
	if (argc) {
		err_msg("query: --file takes no other argument");
		return 2;
	}
	algo = algo_hashing(o->algo);
	if (!algo || hash_path(o->file, algo, digest))
		return 2;
	len = strlen(algo->name);
	q = xmalloc(len + 2 * algo->size + 2);
	memcpy(q, algo->name, len);
	q[len] = '-';
	hex_encode(digest, algo->size, q + len + 1);
	ret = do_query(o, q);
	free(q);
	return ret;
}

static int cmd_count(const struct ctl_opts *o)
{
	struct buf text = { 0 };
	int fd, err;

	fd = open_entry(o, "digests_count", O_RDONLY);
	if (fd < 0)
		return 2;
	err = read_fd(fd, &text);
	close(fd);
	if (err)
		report_errno(REQ_OTHER, "digests_count", -err);
	else
		fwrite(text.data, 1, text.len, stdout);
	buf_free(&text);
	return err ? 2 : 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the binary view names (one per loaded list), sorted. */
static int cmd_lists(const struct ctl_opts *o)
{
	char *path = dir_file(o, "digest_lists_loaded");
	char **names = NULL;
	size_t i, n = 0, len;
	struct dirent *de;
	DIR *d;

	d = opendir(path);
	if (!d) {
		if (!diglim_present(o))
			err_msg("%s: %s", path, strerror(errno));
		free(path);
		return 2;
	}
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' ||
		    (len > 6 && !strcmp(de->d_name + len - 6, ".ascii")))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		puts(names[i]);
		free(names[i]);
	}
	free(names);
	free(path);
	return 0;
}

/* The kernel's .ascii view: ascii_show(), security/integrity/diglim/views.c */
static void dump_list(const unsigned char *data, size_t len,
		      unsigned int actions, FILE *out)
{
	const struct compact_list_hdr *hdr;
	const struct algo *algo;
	char hex[2 * MAX_DIGEST_SIZE + 1];
	size_t off = 0;
	uint32_t i;

	while (off < len) {
		hdr = (const void *)(data + off);
		algo = algo_by_id(le16toh(hdr->algo));
		fprintf(out,
			"actions: %u, version: %u, algo: %s, type: %u, modifiers: %u, count: %u, datalen: %u\n",
			actions, hdr->version, algo->name,
			le16toh(hdr->type), le16toh(hdr->modifiers),
			le32toh(hdr->count), le32toh(hdr->datalen));
		off += HDR_SIZE;
		for (i = 0; i < le32toh(hdr->count); i++) {
			hex_encode(data + off, algo->size, hex);
			fprintf(out, "%s\n", hex);
			off += algo->size;
		}
	}
}

static int cmd_dump(const struct ctl_opts *o, int argc, char **argv)
{
	struct buf list = { 0 };
	char why[256];
	size_t len;
	int err;

	if (argc != 1) {
		err_msg("dump: one LIST file is required");
		return 2;
	}
	err = read_file(argv[0], &list);
	len = list.len;
	if (!err && !o->raw)
		len = modsig_strip(list.data, list.len);
	if (!err && len == (size_t)-1) {
		err_msg("%s: malformed signature trailer", argv[0]);
		err = -EINVAL;
	}
	if (!err && list_check(list.data, len, why, sizeof(why)) < 0) {
		err_msg("%s: not a valid compact list: %s", argv[0], why);
		err = -EINVAL;
	}
	if (!err)
		dump_list(list.data, len, o->actions, stdout);
	buf_free(&list);
	if (!err && (fflush(stdout) || ferror(stdout))) {
		err_msg("write error: %s", strerror(errno));
		err = -EIO;
	}
	return err ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: diglimctl COMMAND [OPTIONS] [ARGS]\n"
		"Manage DIGLIM digest lists through securityfs.\n"
		"\n"
		"Commands:\n"
		"  add LIST...                  add lists by path (the file name is the label)\n"
		"  add --buffer [--label L] LIST...  upload the list bytes instead\n"
		"  del LIST...                  delete lists (same bytes and label as added)\n"
		"  del --buffer [--label L] LIST...\n"
		"  query ALGO-HEX...            print every occurrence of digests\n"
		"  query --file FILE [-a ALGO]  hash FILE (default sha256), then query\n"
		"  count                        distinct digests per type\n"
		"  lists                        names of the loaded lists\n"
		"  dump [--actions N] [--raw] LIST\n"
		"                               print LIST like the kernel's .ascii view\n"
		"  verify --help                check a TPM quote and the IMA log\n"
		"\n"
		"Options:\n"
		"  -d, --dir DIR       DIGLIM directory (default " DIGLIM_DIR ")\n"
		"  -b, --buffer        upload list bytes (label: --label, else \"parser\")\n"
		"  -l, --label LABEL   label of a buffer upload\n"
		"  -f, --file FILE     file to hash and query\n"
		"  -a, --algo ALGO     hash algorithm of --file (default sha256)\n"
		"  -A, --actions N     actions value printed by dump (default 0)\n"
		"  -r, --raw           dump: keep an appended signature (buffer semantics)\n"
		"  -h, --help          this help\n"
		"\n"
		"Options may come before or after the command.\n"
		"Exit status: 0 success, 1 failure (query: digest not found), 2 usage\n"
		"or system error (no DIGLIM). See diglimctl(8).\n");
}

static const struct option long_opts[] = {
	{ "dir", required_argument, NULL, 'd' },
	{ "buffer", no_argument, NULL, 'b' },
	{ "label", required_argument, NULL, 'l' },
	{ "file", required_argument, NULL, 'f' },
	{ "algo", required_argument, NULL, 'a' },
	{ "actions", required_argument, NULL, 'A' },
	{ "raw", no_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int parse_actions(const char *s, unsigned int *actions)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > 255)
		return -EINVAL;
	*actions = v;
	return 0;
}

static int parse_opts(struct ctl_opts *o, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "d:bl:f:a:A:rh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dir = optarg;
			break;
		case 'b':
			o->buffer = true;
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'a':
			o->algo = optarg;
			break;
		case 'A':
			if (parse_actions(optarg, &o->actions)) {
				err_msg("invalid actions '%s' (0-255)", optarg);
				return -EINVAL;
			}
			break;
		case 'r':
			o->raw = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl_opts o = { .dir = DIGLIM_DIR, .algo = "sha256" };
	const char *cmd;

	prog = "diglimctl";
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	/* verify has options of its own. */
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	/* Options may come before or after the command (getopt permutes). */
	if (parse_opts(&o, argc, argv))
		return 2;
	if (optind >= argc) {
		err_msg("no command (see --help)");
		return 2;
	}
	cmd = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;

	if (!strcmp(cmd, "add"))
		return cmd_upload(&o, REQ_ADD, argc, argv);
	if (!strcmp(cmd, "del"))
		return cmd_upload(&o, REQ_DEL, argc, argv);
	if (!strcmp(cmd, "query"))
		return cmd_query(&o, argc, argv);
	if (!strcmp(cmd, "count") && !argc)
		return cmd_count(&o);
	if (!strcmp(cmd, "lists") && !argc)
		return cmd_lists(&o);
	if (!strcmp(cmd, "dump"))
		return cmd_dump(&o, argc, argv);
	err_msg("unknown command or extra arguments: '%s' (see --help)", cmd);
	return 2;
}
