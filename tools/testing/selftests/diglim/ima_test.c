// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - IMA integration tests
 *
 * The IMA policy is append-only and shared with the other tests of the
 * same boot, so every rule added here is scoped to owners and users that
 * no other test uses, and measures into PCR 11 only:
 *
 *   measure func=DIGEST_LIST_CHECK fowner=4201 pcr=11
 *   measure func=FILE_CHECK mask=MAY_READ fowner=4201 use_diglim=allow pcr=11
 *   appraise func=DIGEST_LIST_CHECK fowner=4203
 *   appraise func=FILE_CHECK fowner=4202 use_diglim=allow
 *   measure func=CRITICAL_DATA label=diglim uid=4204 pcr=11
 *   measure func=CRITICAL_DATA label=diglim euid=4206 pcr=11
 */

#define _GNU_SOURCE
#include <sys/xattr.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "common.h"
#include "tpm.h"

#define IMA_POLICY SECURITYFS_DIR "/ima/policy"
#define IMA_ASCII_LOG SECURITYFS_DIR "/ima/ascii_runtime_measurements"
#define PCR 11
/* Owner of the measured lists and of the measured files. */
#define UID_MEASURE 4201
/* Owner of the appraised files. */
#define UID_APPRAISE 4202
/* Owner of the appraised lists. */
#define UID_LIST_APPRAISE 4203
/* Real uid whose critical data is measured. */
#define UID_CRITICAL 4204
/* Owner that no rule matches. */
#define UID_NONE 4205
#define NR_KNOWN 4
#define FILE_SIZE 4096
/* security.ima: IMA_XATTR_DIGEST_NG, algorithm, digest. */
#define IMA_XATTR_DIGEST_NG 0x04

static const char policy[] =
	"measure func=DIGEST_LIST_CHECK fowner=4201 pcr=11\n"
	"measure func=FILE_CHECK mask=MAY_READ fowner=4201 use_diglim=allow pcr=11\n"
	"appraise func=DIGEST_LIST_CHECK fowner=4203\n"
	"appraise func=FILE_CHECK fowner=4202 use_diglim=allow\n"
	"measure func=CRITICAL_DATA label=diglim uid=4204 pcr=11\n"
	"measure func=CRITICAL_DATA label=diglim euid=4206 pcr=11\n";

/* IMA parses one rule per write(2): writes @rules line by line. */
static int policy_write(const char *rules)
{
	const char *eol;
	ssize_t ret;
	int fd, err = 0;

	fd = open(IMA_POLICY, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (; !err && *rules; rules = eol + 1) {
		eol = strchrnul(rules, '\n');
		ret = write(fd, rules, eol - rules + 1);
		if (ret < 0)
			err = -errno;
		else if (ret != eol - rules + 1)
			err = -EMSGSIZE;
		if (!*eol)
			break;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* Adds the rules above once per boot. */
static int policy_setup(void)
{
	struct dbuf cur = {};
	int err;

	err = read_file(IMA_POLICY, &cur);
	if (!err && strstr(dbuf_str(&cur), "fowner=4201"))
		goto out;
	err = policy_write(policy);
out:
	dbuf_free(&cur);
	return err;
}

static int make_file(const char *const path, const void *const buf,
		     const size_t len, const uid_t owner)
{
	int err = write_file(path, buf, len);

	if (!err && chown(path, owner, -1))
		err = -errno;
	return err;
}

static int read_all(const char *const path)
{
	struct dbuf b = {};
	int err = read_file(path, &b);

	dbuf_free(&b);
	return err;
}

static unsigned long pcr_entries(void)
{
	struct dbuf log = {};
	unsigned long n = 0;
	const char *p;

	if (read_file(IMA_ASCII_LOG, &log))
		return ~0UL;
	for (p = dbuf_str(&log); p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		n += !strncmp(p, "11 ", 3);
	dbuf_free(&log);
	return n;
}

/* Answer of digest_query for the sha256 digest @digest. */
static bool query_has(const __u8 *const digest, const char *const what)
{
	struct dbuf answer = {};
	bool found;

	found = !query_digest(HASH_ALGO_SHA256, digest, &answer) &&
		strstr(dbuf_str(&answer), what);
	dbuf_free(&answer);
	return found;
}

/* Runs an upload with real uid @ruid (euid 0 keeps CAP_SYS_ADMIN). */
static int upload_as(const uid_t ruid, const enum ops op,
		     const char *const label, const void *const buf,
		     const size_t len)
{
	int status, err;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	/* The child's exit status carries the positive errno. */
	if (!pid) {
		if (setresuid(ruid, 0, 0))
			_exit(errno);
		err = set_label(label);
		if (!err)
			err = diglim_upload(op, buf, len);
		_exit(-err);
	}
	err = -ECHILD;
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		err = -WEXITSTATUS(status);
	return err;
}

FIXTURE(ima)
{
	char dir[sizeof(TMP_TEMPLATE)];
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
};

FIXTURE_SETUP(ima)
{
	TSS2_RC rc;

	if (access(DIGLIM_ADD_PATH, F_OK))
		SKIP(return, "no DIGLIM (%s)", DIGLIM_ADD_PATH);
	if (access(IMA_POLICY, W_OK))
		SKIP(return, "IMA policy not writable (CONFIG_IMA_WRITE_POLICY)");
	if (access(TPM_DIR, F_OK))
		SKIP(return, "no TPM (%s)", TPM_DIR);
	ASSERT_EQ(0, policy_setup());
	memcpy(self->dir, TMP_TEMPLATE, sizeof(TMP_TEMPLATE));
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));

	rc = Tss2_TctiLdr_Initialize("device:/dev/tpmrm0", &self->tcti);
	ASSERT_EQ(TSS2_RC_SUCCESS, rc);
	rc = Esys_Initialize(&self->esys, self->tcti, NULL);
	ASSERT_EQ(TSS2_RC_SUCCESS, rc);
}

FIXTURE_TEARDOWN(ima)
{
	char cmd[sizeof(self->dir) + 16];

	if (self->esys)
		Esys_Finalize(&self->esys);
	if (self->tcti)
		Tss2_TctiLdr_Finalize(&self->tcti);
	if (self->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
		if (system(cmd))
			TH_LOG("cleanup of %s failed", self->dir);
	}
}

static void path_of(char *const out, const char *const dir,
		    const char *const name)
{
	snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

/* PCR 11 read through the TPM equals the replay of the measurement list. */
static void check_replay(struct __test_metadata *const _metadata,
			 ESYS_CONTEXT *const esys, __u8 *const value)
{
	struct dbuf log = {}, log256 = {};
	char sysfs[2 * SHA256_SIZE + 8];
	struct replay r;

	ASSERT_EQ(0, read_file(IMA_LOG, &log));
	if (read_file(IMA_LOG "_sha256", &log256))
		dbuf_reset(&log256);
	pcr_both(_metadata, esys, PCR, value, sysfs, sizeof(sysfs));
	replay_log(_metadata, &log, &log256, PCR, &r);
	EXPECT_EQ(0, memcmp(r.sha256, value, SHA256_SIZE));
	dbuf_free(&log);
	dbuf_free(&log256);
}

/*
 * (a) Reading the known files in two orders leaves PCR 11 and the log
 * alone; one unknown file adds exactly one entry; the log replays PCR 11.
 * (d) Once the list is deleted, its files are measured again.
 */
TEST_F_TIMEOUT(ima, measure_order_independent, 120)
{
	__u8 data[NR_KNOWN + 1][FILE_SIZE], digests[NR_KNOWN][SHA256_SIZE];
	__u8 pcr0[SHA256_SIZE], pcr1[SHA256_SIZE], pcr2[SHA256_SIZE];
	__u8 pcr3[SHA256_SIZE], pcr4[SHA256_SIZE];
	char path[PATH_MAX], list_path[PATH_MAX], hex[2 * SHA256_SIZE + 1];
	unsigned long n0, n1, n2, n3, n4;
	struct dbuf list = {};
	int i;

	random_bytes(data, sizeof(data));
	for (i = 0; i < NR_KNOWN; i++)
		ASSERT_EQ(0, hash_buf(HASH_ALGO_SHA256, data[i], FILE_SIZE,
				      digests[i]));
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, NR_KNOWN,
		  digests);
	path_of(list_path, self->dir, "ima_measure_list");
	ASSERT_EQ(0, make_file(list_path, list.data, list.len, UID_MEASURE));
	ASSERT_EQ(0, diglim_add_file(list_path));
	/* DIGEST_LIST_CHECK measured the list: MEASURED (1). */
	ASSERT_TRUE(query_has(digests[0], "(actions: 1)"));

	for (i = 0; i < 2 * NR_KNOWN; i++) {
		snprintf(path, sizeof(path), "%s/%c%d", self->dir,
			 i < NR_KNOWN ? 'a' : 'b', i % NR_KNOWN);
		ASSERT_EQ(0, make_file(path, data[i % NR_KNOWN], FILE_SIZE,
				       UID_MEASURE));
	}
	path_of(path, self->dir, "unknown");
	ASSERT_EQ(0, make_file(path, data[NR_KNOWN], FILE_SIZE, UID_MEASURE));

	n0 = pcr_entries();
	ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(self->esys, PCR, pcr0));
	for (i = 0; i < NR_KNOWN; i++) {
		snprintf(path, sizeof(path), "%s/a%d", self->dir, i);
		ASSERT_EQ(0, read_all(path));
	}
	n1 = pcr_entries();
	ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(self->esys, PCR, pcr1));
	for (i = NR_KNOWN - 1; i >= 0; i--) {
		snprintf(path, sizeof(path), "%s/b%d", self->dir, i);
		ASSERT_EQ(0, read_all(path));
	}
	n2 = pcr_entries();
	ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(self->esys, PCR, pcr2));
	bin2hex(hex, pcr0, SHA256_SIZE);
	TH_LOG("PCR 11 before: %s", hex);
	bin2hex(hex, pcr1, SHA256_SIZE);
	TH_LOG("PCR 11 after order a0..a3: %s", hex);
	bin2hex(hex, pcr2, SHA256_SIZE);
	TH_LOG("PCR 11 after order b3..b0: %s", hex);
	EXPECT_EQ(0, memcmp(pcr0, pcr1, SHA256_SIZE));
	EXPECT_EQ(0, memcmp(pcr1, pcr2, SHA256_SIZE));
	EXPECT_EQ(n0, n1);
	EXPECT_EQ(n1, n2);

	path_of(path, self->dir, "unknown");
	ASSERT_EQ(0, read_all(path));
	n3 = pcr_entries();
	check_replay(_metadata, self->esys, pcr3);
	bin2hex(hex, pcr3, SHA256_SIZE);
	TH_LOG("PCR 11 after the unknown file: %s", hex);
	EXPECT_EQ(n2 + 1, n3);
	EXPECT_NE(0, memcmp(pcr2, pcr3, SHA256_SIZE));

	/* (d) The deleted list no longer spares a0 its measurement. */
	ASSERT_EQ(0, diglim_del_file(list_path));
	snprintf(path, sizeof(path), "%s/a0", self->dir);
	ASSERT_EQ(0, read_all(path));
	n4 = pcr_entries();
	check_replay(_metadata, self->esys, pcr4);
	EXPECT_EQ(n3 + 1, n4);
	EXPECT_NE(0, memcmp(pcr3, pcr4, SHA256_SIZE));
	dbuf_free(&list);
}

static int set_ima_hash(const char *const path, const struct dbuf *const buf)
{
	__u8 xattr[2 + SHA256_SIZE] = { IMA_XATTR_DIGEST_NG,
					HASH_ALGO_SHA256 };
	int err;

	err = hash_buf(HASH_ALGO_SHA256, buf->data, buf->len, xattr + 2);
	if (!err && setxattr(path, "security.ima", xattr, sizeof(xattr), 0))
		err = -errno;
	return err;
}

/*
 * (b) In enforce mode, a file without security.ima is readable if it is
 * in an appraised list, and denied (EACCES) if it is unknown or only in a
 * list that was not appraised; write opens are denied.  (d) Once the
 * appraised list is deleted, its file is denied.
 */
TEST_F(ima, appraise)
{
	__u8 data[3][FILE_SIZE], digests[3][SHA256_SIZE];
	char appr[PATH_MAX], unappr[PATH_MAX], path[PATH_MAX];
	struct dbuf list_a = {}, list_b = {};
	static const char *const names[] = { "known", "unknown", "unappr" };
	int i;

	random_bytes(data, sizeof(data));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, hash_buf(HASH_ALGO_SHA256, data[i], FILE_SIZE,
				      digests[i]));
		path_of(path, self->dir, names[i]);
		ASSERT_EQ(0, make_file(path, data[i], FILE_SIZE,
				       UID_APPRAISE));
	}
	put_block(&list_a, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1, digests[0]);
	put_block(&list_b, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1, digests[2]);

	path_of(appr, self->dir, "ima_appraised_list");
	ASSERT_EQ(0, write_file(appr, list_a.data, list_a.len));
	ASSERT_EQ(0, set_ima_hash(appr, &list_a));
	ASSERT_EQ(0, chown(appr, UID_LIST_APPRAISE, -1));
	path_of(unappr, self->dir, "ima_unappraised_list");
	ASSERT_EQ(0, make_file(unappr, list_b.data, list_b.len, UID_NONE));

	ASSERT_EQ(0, diglim_add_file(appr));
	ASSERT_EQ(0, diglim_add_file(unappr));
	/* APPRAISED (2) by a hash: not APPRAISED_DIGSIG (4). */
	ASSERT_TRUE(query_has(digests[0], "(actions: 2)"));
	ASSERT_TRUE(query_has(digests[2], "(actions: 0)"));

	path_of(path, self->dir, "known");
	EXPECT_EQ(0, read_all(path));
	/* Again: the decision is not cached, the lookup is repeated. */
	EXPECT_EQ(0, read_all(path));
	EXPECT_EQ(-EACCES, test_open(path, O_RDWR));
	path_of(path, self->dir, "unknown");
	EXPECT_EQ(-EACCES, test_open(path, O_RDONLY));
	path_of(path, self->dir, "unappr");
	EXPECT_EQ(-EACCES, test_open(path, O_RDONLY));

	ASSERT_EQ(0, diglim_del_file(appr));
	path_of(path, self->dir, "known");
	EXPECT_EQ(-EACCES, test_open(path, O_RDONLY));
	EXPECT_EQ(0, diglim_del_file(unappr));
	dbuf_free(&list_a);
	dbuf_free(&list_b);
}

/* Whether the ascii log has an ima-buf record @event holding @buf. */
static bool log_has_buf(const char *const event, const struct dbuf *const buf)
{
	struct dbuf log = {};
	char *hex, *line, *save;
	bool found = false;

	hex = calloc(1, 2 * buf->len + 1);
	if (!hex)
		return false;
	bin2hex(hex, buf->data, buf->len);
	if (!read_file(IMA_ASCII_LOG, &log)) {
		for (line = strtok_r((char *)log.data, "\n", &save); line && !found;
		     line = strtok_r(NULL, "\n", &save))
			found = strstr(line, " ima-buf ") &&
				strstr(line, event) && strcasestr(line, hex);
	}
	dbuf_free(&log);
	free(hex);
	return found;
}

/*
 * (c) A list added as a measured raw buffer cannot be deleted without a
 * measurement (EPERM); the measured deletion works and is in the log with
 * the list bytes.  Doing it again with the same bytes and label, whose
 * records IMA already holds, works as well.
 */
TEST_F(ima, critical_data)
{
	struct dbuf list = {};
	int round;

	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 2);
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, upload_as(UID_CRITICAL, DIGEST_LIST_ADD,
				       "ima_cd_list", list.data, list.len));
		EXPECT_EQ(-EPERM, upload_as(0, DIGEST_LIST_DEL, "ima_cd_list",
					    list.data, list.len));
		ASSERT_EQ(0, upload_as(UID_CRITICAL, DIGEST_LIST_DEL,
				       "ima_cd_list", list.data, list.len));
		EXPECT_TRUE(log_has_buf("add_buffer_ima_cd_list", &list));
		EXPECT_TRUE(log_has_buf("del_buffer_ima_cd_list", &list));
	}
	dbuf_free(&list);
}

/* use_diglim=allow only on measure and appraise rules of file hooks. */
TEST(policy_syntax)
{
	static const char *const bad[] = {
		"dont_measure func=FILE_CHECK fowner=4209 use_diglim=allow\n",
		"audit func=FILE_CHECK fowner=4209 use_diglim=allow\n",
		"measure func=FILE_CHECK fowner=4209 use_diglim=deny\n",
		"measure func=FILE_CHECK fowner=4209 use_diglim=allow use_diglim=allow\n",
		"measure func=DIGEST_LIST_CHECK fowner=4209 use_diglim=allow\n",
		"measure func=CRITICAL_DATA uid=4209 use_diglim=allow\n",
		"measure func=KEY_CHECK euid=4209\n",
	};
	struct dbuf cur = {};
	unsigned int i;

	if (access(IMA_POLICY, W_OK))
		SKIP(return, "IMA policy not writable");
	ASSERT_EQ(0, policy_setup());
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, policy_write(bad[i]))
		{
			TH_LOG("rule %u accepted", i);
		}
	ASSERT_EQ(0, read_file(IMA_POLICY, &cur));
	EXPECT_NE(NULL, strstr(dbuf_str(&cur), "use_diglim=allow"));
	EXPECT_NE(NULL, strstr(dbuf_str(&cur), "func=DIGEST_LIST_CHECK"));
	EXPECT_NE(NULL, strstr(dbuf_str(&cur), "euid=4206"));
	dbuf_free(&cur);
}

TEST_HARNESS_MAIN
