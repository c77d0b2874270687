// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - Hostile use of the securityfs interface
 *
 * With a locked-down kernel even root is untrusted: every request here is
 * one a hostile writer could make.  Each must fail with the errno that
 * Documentation/ABI/testing/securityfs-diglim gives, and leave the state
 * (digests_count and digest_lists_loaded) exactly as it was.  base_test.c
 * has the plain error cases; this file adds the nastier ones: descriptors
 * passed to another process, files that change under the reader, special
 * files, sparse files, symlink chains, control bytes and oversized writes.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "common.h"

/* Symbolic links followed in one lookup at most (MAXSYMLINKS). */
#define MAX_SYMLINKS 40
/* Longest query the kernel copies (CRYPTO_MAX_ALG_NAME + 1 + 128 + 2). */
#define QUERY_MAX_LEN 259

FIXTURE(hostile)
{
	char dir[sizeof(TMP_TEMPLATE)];
	struct dbuf baseline;
};

FIXTURE_SETUP(hostile)
{
	if (!setup_test_dir(_metadata, self->dir, &self->baseline))
		return;
	detect_list_algo(_metadata);
}

FIXTURE_TEARDOWN(hostile)
{
	drop_lists(_metadata, &self->baseline);
	rm_tree(self->dir);
	dbuf_free(&self->baseline);
}

/* Asserts that writing @buf to @path fails with @err, state unchanged. */
static void assert_write_err(struct __test_metadata *const _metadata,
			     const char *const path, const void *const buf,
			     const size_t len, const int err)
{
	struct diglim_state before = {};

	ASSERT_EQ(0, state_get(&before));
	ASSERT_EQ(err, sfs_write(path, buf, len))
	{
		TH_LOG("write of %zu bytes to %s", len, path);
	}
	assert_state_same(_metadata, &before);
	state_free(&before);
}

/* Asserts that add and del of the list file @path fail with @err. */
static void assert_path_err(struct __test_metadata *const _metadata,
			    const char *const path, const int err)
{
	assert_write_err(_metadata, DIGLIM_ADD_PATH, path, strlen(path), err);
	assert_write_err(_metadata, DIGLIM_DEL_PATH, path, strlen(path), err);
}

static void make_path(char *const path, const char *const dir,
		      const char *const name)
{
	snprintf(path, PATH_MAX, "%s/%s", dir, name);
}

static void make_list(struct dbuf *const list)
{
	put_random_block(list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 2);
	put_random_block(list, COMPACT_PARSER, 1, HASH_ALGO_SHA1, 1);
}

/* Sends @fd over the socket @sock (SCM_RIGHTS). */
static int send_fd(const int sock, const int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *const cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(const int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * A confused deputy: a process without CAP_SYS_ADMIN opens the interfaces
 * (root owns them, so DAC lets it) and hands the descriptors to a fully
 * privileged process.  The capability is checked with the credentials of
 * the opener, so the privileged writes fail with EPERM.
 */
TEST_F(hostile, descriptor_from_unprivileged_opener)
{
	static const char *const paths[] = {
		DIGLIM_ADD_PATH, DIGLIM_DEL_PATH, DIGLIM_LABEL_PATH,
		DIGLIM_QUERY_PATH,
	};
	struct diglim_state before = {};
	struct dbuf list = {}, answer = {};
	int sv[2], fds[ARRAY_SIZE(paths)], status;
	char req[32 + 2 * MAX_DIGEST_SIZE];
	struct block blk;
	size_t i;
	pid_t pid;

	make_list(&list);
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	blk = get_block(&list, 0);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		if (drop_cap(CAP_SYS_ADMIN))
			_exit(1);
		for (i = 0; i < ARRAY_SIZE(paths); i++) {
			const int fd = open(paths[i], i == 3 ? O_RDWR :
							       O_WRONLY);

			if (fd < 0 || send_fd(sv[1], fd))
				_exit(2);
			close(fd);
		}
		_exit(0);
	}
	close(sv[1]);
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		fds[i] = recv_fd(sv[0]);
		ASSERT_LE(0, fds[i]);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);

	ASSERT_EQ(0, state_get(&before));
	EXPECT_EQ(-1, write(fds[0], list.data, list.len));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, write(fds[1], list.data, list.len));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, write(fds[2], "label", 5));
	EXPECT_EQ(EPERM, errno);
	query_string(req, blk.algo, blk.digests);
	EXPECT_EQ(-1, write(fds[3], req, strlen(req)));
	EXPECT_EQ(EPERM, errno);
	/* Nothing was stored for that file: its answer is empty. */
	ASSERT_EQ(0, pread_all(fds[3], 0, &answer));
	EXPECT_EQ(0, answer.len);
	assert_state_same(_metadata, &before);
	for (i = 0; i < ARRAY_SIZE(paths); i++)
		close(fds[i]);
	state_free(&before);
	/* The list is still there and still ours to delete. */
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
	dbuf_free(&answer);
}

/* A list file held open for writing by another process: ETXTBSY. */
TEST_F(hostile, path_open_for_write_elsewhere)
{
	struct dbuf list = {};
	char path[PATH_MAX];
	int ready[2], done[2], status;
	pid_t pid;
	char c;

	make_list(&list);
	make_path(path, self->dir, "shared");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		const int fd = open(path, O_WRONLY | O_APPEND);

		close(ready[0]);
		close(done[1]);
		c = fd < 0 ? 'e' : 'o';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Hold the file open until the parent is done. */
		if (read(done[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ('o', c);
	assert_write_err(_metadata, DIGLIM_ADD_PATH, path, strlen(path),
			 -ETXTBSY);
	ASSERT_EQ(1, write(done[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(ready[0]);
	close(done[1]);

	/* Closed by the other process: loads, and the reverse is refused. */
	ASSERT_EQ(0, diglim_add_file(path));
	ASSERT_EQ(0, diglim_del_file(path));
	dbuf_free(&list);
}

TEST_F(hostile, special_files)
{
	static const char *const paths[] = {
		/* Character devices: never opened. */
		"/dev/zero", "/dev/urandom", "/dev/full", "/dev/random",
		/* Regular files of size 0 in /proc. */
		"/proc/self/maps", "/proc/self/mem", "/proc/self/environ",
		"/proc/sys/kernel/ostype", "/proc/version",
		/* Directories. */
		"/", "/proc", "/proc/self", "/dev",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		if (access(paths[i], F_OK))
			continue;
		assert_path_err(_metadata, paths[i], -EINVAL);
	}
	/* A link to a pipe (not followed to a file): not a regular file. */
	{
		char link[64];
		int p[2];

		ASSERT_EQ(0, pipe(p));
		snprintf(link, sizeof(link), "/proc/self/fd/%d", p[0]);
		assert_path_err(_metadata, link, -EINVAL);
		close(p[0]);
		close(p[1]);
	}
	/* The running test binary: a regular file, not a list. */
	assert_path_err(_metadata, "/proc/self/exe", -EINVAL);
}

TEST_F(hostile, symlink_chains)
{
	char path[PATH_MAX], target[PATH_MAX], name[32];
	struct dbuf list = {};
	int i;

	/* A link to itself. */
	make_path(path, self->dir, "self");
	ASSERT_EQ(0, symlink(path, path));
	assert_path_err(_metadata, path, -ELOOP);

	/* 40 links are followed, 41 are too many. */
	make_list(&list);
	make_path(target, self->dir, "l0");
	ASSERT_EQ(0, write_file(target, list.data, list.len));
	for (i = 1; i <= MAX_SYMLINKS + 1; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		make_path(path, self->dir, name);
		ASSERT_EQ(0, symlink(target, path));
		snprintf(target, sizeof(target), "%s", path);
	}
	snprintf(name, sizeof(name), "l%d", MAX_SYMLINKS + 1);
	make_path(path, self->dir, name);
	assert_path_err(_metadata, path, -ELOOP);
	snprintf(name, sizeof(name), "l%d", MAX_SYMLINKS);
	make_path(path, self->dir, name);
	/* The label is the name written, not the name of the target. */
	ASSERT_EQ(0, diglim_add_file(path));
	ASSERT_EQ(0, diglim_del_file(path));
	dbuf_free(&list);
}

TEST_F(hostile, sparse_files)
{
	const __u32 count = 8192;
	struct dbuf list = {}, names = {}, data = {};
	const size_t datalen = (size_t)count * 32;
	char path[PATH_MAX], name[PATH_MAX];
	struct diglim_counts before, after;
	__u8 *zeros;
	int fd;

	/* All hole: zero bytes, version 0. */
	make_path(path, self->dir, "hole");
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 1 << 20));
	close(fd);
	assert_path_err(_metadata, path, -EINVAL);

	/* A valid list followed by a hole: trailing bytes. */
	make_list(&list);
	make_path(path, self->dir, "tail_hole");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	ASSERT_EQ(0, truncate(path, list.len + 4096));
	assert_path_err(_metadata, path, -EINVAL);

	/*
	 * A header and a hole where its digests are: the hole reads as
	 * zeros, so this is a valid list of 8192 identical zero digests.
	 */
	dbuf_reset(&list);
	put_hdr(&list, 1, 0, COMPACT_FILE, 0, HASH_ALGO_SHA256, count, datalen);
	make_path(path, self->dir, "digest_hole");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	ASSERT_EQ(0, truncate(path, list.len + datalen));
	zeros = calloc(1, datalen);
	ASSERT_NE(NULL, zeros);
	dbuf_append(&list, zeros, datalen);
	free(zeros);
	ASSERT_EQ(0, entry_name(name, list.data, list.len, "digest_hole"));
	ASSERT_EQ(0, counts_get(&before));
	ASSERT_EQ(0, diglim_add_file(path));
	ASSERT_EQ(0, counts_get(&after));
	/* One distinct file digest, one more list. */
	EXPECT_EQ(before.nr[COMPACT_FILE] + 1, after.nr[COMPACT_FILE]);
	EXPECT_EQ(before.nr[COMPACT_DIGEST_LIST] + 1,
		  after.nr[COMPACT_DIGEST_LIST]);
	ASSERT_EQ(0, read_entry(name, false, &data));
	ASSERT_EQ(list.len, data.len);
	EXPECT_EQ(0, memcmp(list.data, data.data, list.len));
	ASSERT_EQ(0, diglim_del_file(path));
	ASSERT_EQ(0, counts_get(&after));
	EXPECT_EQ(before.nr[COMPACT_FILE], after.nr[COMPACT_FILE]);
	dbuf_free(&list);
	dbuf_free(&names);
	dbuf_free(&data);
}

TEST_F(hostile, relative_and_odd_paths)
{
	static const char *const raw[] = {
		"list", "./list", "../list", "~/list", "proc/self/exe",
	};
	char path[PATH_MAX], odd[PATH_MAX + 8];
	struct dbuf list = {};
	size_t i;

	make_list(&list);
	make_path(path, self->dir, "list");
	ASSERT_EQ(0, write_file(path, list.data, list.len));
	/* Only a first byte '/' makes a path: the rest are raw lists. */
	ASSERT_EQ(0, chdir(self->dir));
	for (i = 0; i < ARRAY_SIZE(raw); i++) {
		assert_write_err(_metadata, DIGLIM_ADD_PATH, raw[i],
				 strlen(raw[i]), -EINVAL);
		assert_write_err(_metadata, DIGLIM_DEL_PATH, raw[i],
				 strlen(raw[i]), -EINVAL);
	}
	ASSERT_EQ(0, chdir("/"));
	/* No last component to take the label from. */
	assert_path_err(_metadata, "/", -EINVAL);
	snprintf(odd, sizeof(odd), "%s/", self->dir);
	assert_path_err(_metadata, odd, -EINVAL);
	snprintf(odd, sizeof(odd), "%s/.", self->dir);
	assert_path_err(_metadata, odd, -EINVAL);
	/* Two newlines: the second one is part of the label. */
	snprintf(odd, sizeof(odd), "%s\n\n", path);
	assert_path_err(_metadata, odd, -EINVAL);
	/* A label with a control byte. */
	snprintf(odd, sizeof(odd), "%s/li\tst", self->dir);
	assert_path_err(_metadata, odd, -EINVAL);
	/* A NUL byte inside the path. */
	snprintf(odd, sizeof(odd), "%s", path);
	odd[strlen(self->dir)] = '\0';
	assert_write_err(_metadata, DIGLIM_ADD_PATH, odd, strlen(path),
			 -EINVAL);
	/* Dot-dot components are resolved like any path. */
	snprintf(odd, sizeof(odd), "%s/../%s/list", self->dir,
		 strrchr(self->dir, '/') + 1);
	ASSERT_EQ(0, diglim_add_file(odd));
	ASSERT_EQ(0, diglim_del_file(path));
	dbuf_free(&list);
}

TEST_F_TIMEOUT(hostile, oversized_writes, 120)
{
	const size_t len = DIGLIM_MAX_UPLOAD + 2;
	struct dbuf list = {};
	__u8 *buf;

	/* 64 MiB + 1 bytes of zero pages: refused before any copy. */
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	make_list(&list);
	ASSERT_EQ(0, diglim_add(list.data, list.len));
	assert_write_err(_metadata, DIGLIM_ADD_PATH, buf, len, -EFBIG);
	assert_write_err(_metadata, DIGLIM_DEL_PATH, buf, len, -EFBIG);
	/* Starting with '/', as a path would: the size is checked first. */
	buf[0] = '/';
	assert_write_err(_metadata, DIGLIM_ADD_PATH, buf, len, -EFBIG);
	assert_write_err(_metadata, DIGLIM_DEL_PATH, buf, len, -EFBIG);
	buf[0] = '\0';
	/* Label and query: far beyond their maximum. */
	assert_write_err(_metadata, DIGLIM_LABEL_PATH, buf, len, -EINVAL);
	assert_write_err(_metadata, DIGLIM_LABEL_PATH, buf, 4096, -EINVAL);
	EXPECT_EQ(-EINVAL, query_raw(buf, len, NULL));
	EXPECT_EQ(-EINVAL, query_raw(buf, QUERY_MAX_LEN + 1, NULL));
	EXPECT_EQ(-EINVAL, query_raw(buf, 1 << 20, NULL));
	munmap(buf, len);
	ASSERT_EQ(0, diglim_del(list.data, list.len));
	dbuf_free(&list);
}

TEST_F(hostile, label_control_bytes)
{
	char label[8];
	int c;

	/* Every control byte, DEL and a high byte, inside or alone. */
	for (c = 0; c < 0x100; c++) {
		if (c > ' ' && c < 0x7f)
			continue;
		label[0] = 'a';
		label[1] = c;
		label[2] = 'b';
		assert_write_err(_metadata, DIGLIM_LABEL_PATH, label, 3,
				 -EINVAL);
		label[0] = c;
		/* One trailing newline is allowed, so "\n" alone is empty. */
		assert_write_err(_metadata, DIGLIM_LABEL_PATH, label, 1,
				 -EINVAL);
	}
	ASSERT_EQ(0, clear_label());
}

TEST_F(hostile, query_hostile)
{
	struct diglim_state before = {};
	char req[QUERY_MAX_LEN * 2];
	__u8 digest[MAX_DIGEST_SIZE] = {};
	struct dbuf answer = {};
	size_t len, i;
	int algo, c, fd;

	ASSERT_EQ(0, state_get(&before));
	for (algo = 0; algo < HASH_ALGO__LAST; algo++) {
		/* One hex digit missing, one too many. */
		query_string(req, algo, digest);
		len = strlen(req);
		EXPECT_EQ(-EINVAL, query_raw(req, len - 1, NULL))
		{
			TH_LOG("%s: short query accepted", hash_algos[algo].name);
		}
		strcat(req, "0");
		EXPECT_EQ(-EINVAL, query_raw(req, len + 1, NULL))
		{
			TH_LOG("%s: long query accepted", hash_algos[algo].name);
		}
		/* Upper case is fine. */
		for (i = 0; i < len; i++)
			req[i] = toupper(req[i]);
		memcpy(req, hash_algos[algo].name,
		       strlen(hash_algos[algo].name));
		EXPECT_EQ(0, query_raw(req, len, NULL));
	}
	/* Control bytes anywhere: in the digits, after them, as separator. */
	for (c = 1; c < 0x20; c++) {
		query_string(req, HASH_ALGO_SHA256, digest);
		len = strlen(req);
		req[10] = c;
		EXPECT_EQ(-EINVAL, query_raw(req, len, NULL));
		query_string(req, HASH_ALGO_SHA256, digest);
		req[len] = c;
		if (c != '\n')
			EXPECT_EQ(-EINVAL, query_raw(req, len + 1, NULL));
		/* No '-' left at all: malformed, not an unknown name. */
		req[6] = c;
		EXPECT_EQ(-EINVAL, query_raw(req, len, NULL))
		{
			TH_LOG("separator %#x", c);
		}
	}
	/* Terminators in the wrong order, or twice. */
	query_string(req, HASH_ALGO_SHA256, digest);
	len = strlen(req);
	memcpy(req + len, "\0\n", 2);
	EXPECT_EQ(-EINVAL, query_raw(req, len + 2, NULL));
	memcpy(req + len, "\0\0", 2);
	EXPECT_EQ(-EINVAL, query_raw(req, len + 2, NULL));

	/* A failed write clears the stored query of that file only. */
	fd = open(DIGLIM_QUERY_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, query_fd(fd, req, len, &answer));
	EXPECT_EQ(-EINVAL, query_fd(fd, req, len - 1, NULL));
	ASSERT_EQ(0, pread_all(fd, 0, &answer));
	EXPECT_EQ(0, answer.len);
	close(fd);
	assert_state_same(_metadata, &before);
	state_free(&before);
	dbuf_free(&answer);
}

TEST_HARNESS_MAIN
