// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - IMA integration tests
 *
 * The IMA policy is append-only and shared with the other tests of the
 * same boot, so every rule added here is scoped to owners and users that
 * no other test uses, and measures into PCR 11 only.  A list is MEASURED
 * only when DIGLIM's own record of its addition (critical data) is in the
 * log, so the lists these tests need measured are uploaded with real uid
 * 4204; the DIGEST_LIST_CHECK measure rule only measures the list file:
 *
 *   measure func=DIGEST_LIST_CHECK fowner=4201 pcr=11
 *   measure func=FILE_CHECK mask=MAY_READ fowner=4201 use_diglim=allow pcr=11
 *   appraise func=DIGEST_LIST_CHECK fowner=4203
 *   appraise func=FILE_CHECK fowner=4202 use_diglim=allow
 *   measure func=CRITICAL_DATA label=diglim uid=4204 pcr=11
 *   measure func=CRITICAL_DATA label=diglim euid=4206 pcr=11
 */

#define _GNU_SOURCE
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "common.h"
#include "tpm.h"

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

static const char policy[] =
	"measure func=DIGEST_LIST_CHECK fowner=4201 pcr=11\n"
	"measure func=FILE_CHECK mask=MAY_READ fowner=4201 use_diglim=allow pcr=11\n"
	"appraise func=DIGEST_LIST_CHECK fowner=4203\n"
	"appraise func=FILE_CHECK fowner=4202 use_diglim=allow\n"
	"measure func=CRITICAL_DATA label=diglim uid=4204 pcr=11\n"
	"measure func=CRITICAL_DATA label=diglim euid=4206 pcr=11\n";

/* Adds the rules above once per boot. */
static int policy_setup(void)
{
	return policy_setup_once(policy, "fowner=4201");
}

static int make_file(const char *const path, const void *const buf,
		     const size_t len, const uid_t owner)
{
	int err = write_file(path, buf, len);

	if (!err && chown(path, owner, -1))
		err = -errno;
	return err;
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
 * (d) Once the list is deleted, its files are measured again.  The list is
 * added by path by real uid 4204, whose critical data goes to PCR 11.
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
	ASSERT_EQ(0, upload_path_as(UID_CRITICAL, DIGEST_LIST_ADD, list_path));
	/* Its addition was recorded into PCR 11: MEASURED (1). */
	ASSERT_TRUE(query_has(digests[0], "(actions: 1)"));

	for (i = 0; i < 2 * NR_KNOWN; i++) {
		snprintf(path, sizeof(path), "%s/%c%d", self->dir,
			 i < NR_KNOWN ? 'a' : 'b', i % NR_KNOWN);
		ASSERT_EQ(0, make_file(path, data[i % NR_KNOWN], FILE_SIZE,
				       UID_MEASURE));
	}
	path_of(path, self->dir, "unknown");
	ASSERT_EQ(0, make_file(path, data[NR_KNOWN], FILE_SIZE, UID_MEASURE));

	n0 = log_count(PCR, NULL);
	ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(self->esys, PCR, pcr0));
	for (i = 0; i < NR_KNOWN; i++) {
		snprintf(path, sizeof(path), "%s/a%d", self->dir, i);
		ASSERT_EQ(0, read_all(path));
	}
	n1 = log_count(PCR, NULL);
	ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(self->esys, PCR, pcr1));
	for (i = NR_KNOWN - 1; i >= 0; i--) {
		snprintf(path, sizeof(path), "%s/b%d", self->dir, i);
		ASSERT_EQ(0, read_all(path));
	}
	n2 = log_count(PCR, NULL);
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
	n3 = log_count(PCR, NULL);
	check_replay(_metadata, self->esys, pcr3);
	bin2hex(hex, pcr3, SHA256_SIZE);
	TH_LOG("PCR 11 after the unknown file: %s", hex);
	EXPECT_EQ(n2 + 1, n3);
	EXPECT_NE(0, memcmp(pcr2, pcr3, SHA256_SIZE));

	/*
	 * (d) The deleted list no longer spares a0 its measurement.  The
	 * deletion has a record of its own in PCR 11.
	 */
	ASSERT_EQ(0, upload_path_as(UID_CRITICAL, DIGEST_LIST_DEL, list_path));
	EXPECT_EQ(n3 + 1, log_count(PCR, NULL));
	n3 = log_count(PCR, NULL);
	ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(self->esys, PCR, pcr3));
	snprintf(path, sizeof(path), "%s/a0", self->dir);
	ASSERT_EQ(0, read_all(path));
	n4 = log_count(PCR, NULL);
	check_replay(_metadata, self->esys, pcr4);
	EXPECT_EQ(n3 + 1, n4);
	EXPECT_NE(0, memcmp(pcr3, pcr4, SHA256_SIZE));
	dbuf_free(&list);
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
	ASSERT_EQ(0, set_ima_hash(appr, list_a.data, list_a.len));
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

/*
 * (c) A list added as a raw buffer by the critical data uid has one
 * add_buffer_<label>#<seq> record in PCR 11 holding the list digest (not
 * the list).  Its deletion by root, whom no critical data rule measures,
 * is refused (EPERM) without a record and without any change; the
 * deletion by the critical data uid is recorded.  Doing it all again with
 * the same bytes and label gives new records: IMA does not drop them as
 * duplicates.
 */
TEST(critical_data)
{
	struct diglim_records add = {}, del = {};
	char hex[2 * MAX_DIGEST_SIZE + 1], label[32];
	__u8 digest[MAX_DIGEST_SIZE];
	struct diglim_state before = {};
	struct dbuf list = {};
	unsigned long round;
	__u32 id;

	if (access(DIGLIM_ADD_PATH, F_OK) || access(IMA_POLICY, W_OK))
		SKIP(return, "no DIGLIM or IMA policy not writable");
	ASSERT_EQ(0, policy_setup());
	detect_list_algo(_metadata);
	/* A label of its own: the log keeps the records of earlier runs. */
	random_bytes(&id, sizeof(id));
	snprintf(label, sizeof(label), "ima_cd_%08x", id);
	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 2);
	ASSERT_EQ(0, hash_buf(list_algo, list.data, list.len, digest));
	bin2hex(hex, digest, hash_algos[list_algo].size);
	for (round = 1; round <= 2; round++) {
		ASSERT_EQ(0, upload_as(UID_CRITICAL, DIGEST_LIST_ADD, label,
				       list.data, list.len));
		ASSERT_EQ(0, diglim_records("add_buffer_", label, hex, &add));
		EXPECT_EQ(round, add.nr);
		EXPECT_EQ(0, add.wrong);
		EXPECT_EQ(1ULL << PCR, add.pcrs);

		ASSERT_EQ(0, state_get(&before));
		EXPECT_EQ(-EPERM, upload_as(0, DIGEST_LIST_DEL, label,
					    list.data, list.len));
		assert_state_same(_metadata, &before);
		state_free(&before);
		ASSERT_EQ(0, diglim_records("del_buffer_", label, hex, &del));
		EXPECT_EQ(round - 1, del.nr);

		ASSERT_EQ(0, upload_as(UID_CRITICAL, DIGEST_LIST_DEL, label,
				       list.data, list.len));
		ASSERT_EQ(0, diglim_records("del_buffer_", label, hex, &del));
		EXPECT_EQ(round, del.nr);
		EXPECT_EQ(0, del.wrong);
		EXPECT_EQ(1ULL << PCR, del.pcrs);
	}
	dbuf_free(&add.events);
	dbuf_free(&del.events);
	dbuf_free(&list);
}

/*
 * use_diglim=allow only on measure and appraise rules naming a file hook
 * with func=: a rule without func= would also reach kernel reads.
 */
TEST(policy_syntax)
{
	static const char *const bad[] = {
		"dont_measure func=FILE_CHECK fowner=4209 use_diglim=allow\n",
		"audit func=FILE_CHECK fowner=4209 use_diglim=allow\n",
		"measure func=FILE_CHECK fowner=4209 use_diglim=deny\n",
		"measure func=FILE_CHECK fowner=4209 use_diglim=allow use_diglim=allow\n",
		"measure fowner=4209 use_diglim=allow\n",
		"appraise fowner=4209 use_diglim=allow\n",
		"measure func=MODULE_CHECK fowner=4209 use_diglim=allow\n",
		"appraise func=MODULE_CHECK fowner=4209 use_diglim=allow\n",
		"measure func=DIGEST_LIST_CHECK fowner=4209 use_diglim=allow\n",
		"appraise func=DIGEST_LIST_CHECK fowner=4209 use_diglim=allow\n",
		"measure func=CRITICAL_DATA uid=4209 use_diglim=allow\n",
		"measure func=KEY_CHECK euid=4209\n",
	};
	static const char *const good[] = {
		"measure func=CREDS_CHECK fowner=4209 use_diglim=allow\n",
		"appraise func=CREDS_CHECK fowner=4209 use_diglim=allow\n",
		"measure func=MMAP_CHECK_REQPROT fowner=4209 use_diglim=allow\n",
		"appraise func=MMAP_CHECK_REQPROT fowner=4209 use_diglim=allow\n",
	};
	static const char *const good_func[] = {
		"func=CREDS_CHECK", "func=MMAP_CHECK_REQPROT",
	};
	struct diglim_state before = {};
	unsigned int i;

	if (!diglim_available() || access(IMA_POLICY, W_OK))
		SKIP(return, "no DIGLIM or IMA policy not writable");
	ASSERT_EQ(0, policy_setup());
	ASSERT_EQ(0, state_get(&before));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, policy_write(bad[i]))
		{
			TH_LOG("bad rule %u accepted", i);
		}
	assert_state_same(_metadata, &before);
	state_free(&before);
	for (i = 0; i < ARRAY_SIZE(good); i++)
		EXPECT_EQ(0, policy_write(good[i]))
		{
			TH_LOG("good rule %u refused", i);
		}
	for (i = 0; i < ARRAY_SIZE(good_func); i++)
		EXPECT_TRUE(policy_has(good_func[i], "fowner=4209",
				       "use_diglim=allow"))
		{
			TH_LOG("good rule %u not read back", i);
		}
	EXPECT_TRUE(policy_has("func=FILE_CHECK", "fowner=4202",
			       "use_diglim=allow"));
	EXPECT_TRUE(policy_has("func=DIGEST_LIST_CHECK", "fowner=4201",
			       "pcr=11"));
	EXPECT_TRUE(policy_has("func=CRITICAL_DATA", "euid=4206", "pcr=11"));
}

TEST_HARNESS_MAIN
