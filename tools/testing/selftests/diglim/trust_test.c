// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - The IMA trust contract, attacked the way root would
 *
 * Root may load and delete digest lists, but must not be able to run
 * unknown code without it showing in the PCR a verifier checks, to pass
 * appraisal with lists IMA did not verify, or to make the measurement log
 * describe a set of lists other than the one the kernel uses.  Each test
 * tries one attack and asserts the secure outcome; the positive cases show
 * that the lists still do their job when the contract is met.
 *
 * The IMA policy is append-only, first match per action, and shared by the
 * tests of one boot: these rules are added once and scoped to owners and
 * real uids 4500-4599, which no other test uses.
 *
 *   appraise func=DIGEST_LIST_CHECK fowner=4501
 *   measure func=CRITICAL_DATA label=diglim uid=4500             (PCR 10)
 *   measure func=CRITICAL_DATA label=diglim uid=4511 pcr=11
 *   measure func=CRITICAL_DATA label=diglim uid=4532 pcr=12
 *   measure func=BPRM_CHECK fowner=4510 use_diglim=allow pcr=11
 *   measure func=FILE_CHECK fowner=4512                          (PCR 10)
 *   measure func=DIGEST_LIST_CHECK fowner=4513 pcr=11
 *   appraise func=DIGEST_LIST_CHECK fowner=4520
 *   appraise func=BPRM_CHECK fowner=4520 appraise_type=imasig
 *   appraise func=BPRM_CHECK fowner=4521 appraise_type=imasig use_diglim=allow
 *   appraise func=BPRM_CHECK fowner=4522 use_diglim=allow
 *   measure func=BPRM_CHECK fowner=4530 pcr=12
 *   appraise func=BPRM_CHECK fowner=4530 use_diglim=allow
 *   appraise func=BPRM_CHECK fowner=4550 use_diglim=allow
 *   measure func=BPRM_CHECK fowner=4551 use_diglim=allow pcr=11
 *
 * The test kernels put the sha256 digest of REVOKED_SCRIPT in the
 * .blacklist keyring (CONFIG_SYSTEM_BLACKLIST_HASH_LIST) and only accept
 * keys signed by a built-in test CA on the .ima keyring
 * (CONFIG_INTEGRITY_TRUSTED_KEYRING); $DIGLIM_BUILD/keys/ima.der is one.
 */

#define _GNU_SOURCE
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "common.h"
#include "tpm.h"

/* Real uids whose critical data IMA records, and where. */
#define UID_PCR10 4500
#define UID_PCR11 4511
#define UID_PCR12 4532
/* Owner of the lists appraised by their security.ima hash. */
#define OWN_LIST_APPRAISED 4501
/* Owner of the programs measured into PCR 11 with use_diglim=allow. */
#define OWN_MEASURE_DIGLIM 4510
/* Owner of the files measured into PCR 10 at FILE_CHECK. */
#define OWN_FILE_PCR10 4512
/* Owner of the list files measured into PCR 11 at DIGEST_LIST_CHECK. */
#define OWN_LIST_MEASURED 4513
/* Owner of the appraised list that root also tries to execute. */
#define OWN_LIST_IMASIG 4520
/* Owners of programs appraised with use_diglim=allow, imasig or not. */
#define OWN_IMASIG_DIGLIM 4521
#define OWN_APPRAISE_DIGLIM 4522
/* Owner of programs measured into PCR 12 and appraised through lists. */
#define OWN_SCOPE 4530
/* Owners of the revoked and control scripts. */
#define OWN_BL_APPRAISE 4550
#define OWN_BL_MEASURE 4551

#define TRUE_PATH "/usr/bin/true"
#define DEFAULT_BUILD "/work/main/build"
#define HEX_MAX (2 * MAX_DIGEST_SIZE + 1)

/* The file whose digest the test kernels revoke, and that digest. */
#define REVOKED_SCRIPT "#!/bin/sh\necho diglim-revoked\n"
#define REVOKED_HASH \
	"b4b17361c6305efe0f04bed9dba8ab40f776381d84a4b29093ba83bf591af713"

enum {
	ACTION_MEASURED = 1 << COMPACT_ACTION_IMA_MEASURED,
	ACTION_APPRAISED = 1 << COMPACT_ACTION_IMA_APPRAISED,
};

static const char policy[] =
	"appraise func=DIGEST_LIST_CHECK fowner=4501\n"
	"measure func=CRITICAL_DATA label=diglim uid=4500\n"
	"measure func=CRITICAL_DATA label=diglim uid=4511 pcr=11\n"
	"measure func=CRITICAL_DATA label=diglim uid=4532 pcr=12\n"
	"measure func=BPRM_CHECK fowner=4510 use_diglim=allow pcr=11\n"
	"measure func=FILE_CHECK fowner=4512\n"
	"measure func=DIGEST_LIST_CHECK fowner=4513 pcr=11\n"
	"appraise func=DIGEST_LIST_CHECK fowner=4520\n"
	"appraise func=BPRM_CHECK fowner=4520 appraise_type=imasig\n"
	"appraise func=BPRM_CHECK fowner=4521 appraise_type=imasig use_diglim=allow\n"
	"appraise func=BPRM_CHECK fowner=4522 use_diglim=allow\n"
	"measure func=BPRM_CHECK fowner=4530 pcr=12\n"
	"appraise func=BPRM_CHECK fowner=4530 use_diglim=allow\n"
	"appraise func=BPRM_CHECK fowner=4550 use_diglim=allow\n"
	"measure func=BPRM_CHECK fowner=4551 use_diglim=allow pcr=11\n";

/* Real uids tried, in order, to delete what a failed test left. */
static const uid_t cleanup_uids[] = { 0, UID_PCR10, UID_PCR11, UID_PCR12 };

FIXTURE(trust)
{
	char dir[sizeof(TMP_TEMPLATE)];
	/* Random, in file names and labels: the log outlives a run. */
	char tag[9];
	struct dbuf baseline;
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
};

FIXTURE_SETUP(trust)
{
	__u32 tag;
	TSS2_RC rc;

	if (access(IMA_POLICY, W_OK))
		SKIP(return, "IMA policy not writable (CONFIG_IMA_WRITE_POLICY)");
	if (access(TPM_DIR, F_OK))
		SKIP(return, "no TPM (%s)", TPM_DIR);
	if (!setup_test_dir(_metadata, self->dir, &self->baseline))
		return;
	ASSERT_EQ(0, chmod(self->dir, 0755));
	ASSERT_EQ(0, policy_setup_once(policy, "fowner=4510"));
	detect_list_algo(_metadata);
	random_bytes(&tag, sizeof(tag));
	snprintf(self->tag, sizeof(self->tag), "%08x", tag);

	rc = Tss2_TctiLdr_Initialize("device:/dev/tpmrm0", &self->tcti);
	ASSERT_EQ(TSS2_RC_SUCCESS, rc);
	rc = Esys_Initialize(&self->esys, self->tcti, NULL);
	ASSERT_EQ(TSS2_RC_SUCCESS, rc);
}

/* Deletes what a failed test left, by path and by buffer, as each uid. */
static void drop_leftovers(const char *const dir, struct dbuf *const baseline)
{
	struct dbuf now = {}, added = {}, data = {};
	char path[PATH_MAX], *copy, *save, *name;
	__u8 digest[MAX_DIGEST_SIZE];
	const char *label;
	enum hash_algo algo;
	struct dirent *de;
	unsigned int i;
	DIR *d;

	if (names_get(&now))
		return;
	names_diff(baseline, &now, &added);
	if (!added.len)
		goto out;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_type != DT_REG)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		/*
		 * A setattr makes IMA forget the rule flags it cached for the
		 * file, such as a signature requirement another hook left.
		 */
		if (chmod(path, 0644))
			continue;
		for (i = 0; i < ARRAY_SIZE(cleanup_uids); i++)
			if (!upload_path_as(cleanup_uids[i], DIGEST_LIST_DEL,
					    path))
				break;
	}
	if (d)
		closedir(d);
	copy = xstrdup(dbuf_str(&added));
	for (name = strtok_r(copy, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		if (strstr(name, DIGLIM_ASCII_SUFFIX) ||
		    parse_entry_name(name, &algo, digest, &label) ||
		    read_entry(name, false, &data))
			continue;
		for (i = 0; i < ARRAY_SIZE(cleanup_uids); i++)
			if (!upload_as(cleanup_uids[i], DIGEST_LIST_DEL, label,
				       data.data, data.len))
				break;
	}
	free(copy);
	clear_label();
out:
	dbuf_free(&now);
	dbuf_free(&added);
	dbuf_free(&data);
}

FIXTURE_TEARDOWN(trust)
{
	if (self->dir[0]) {
		drop_leftovers(self->dir, &self->baseline);
		rm_tree(self->dir);
	}
	dbuf_free(&self->baseline);
	if (self->esys)
		Esys_Finalize(&self->esys);
	if (self->tcti)
		Tss2_TctiLdr_Finalize(&self->tcti);
}

static void path_of(char *const out, const char *const dir,
		    const char *const name, const char *const tag)
{
	snprintf(out, PATH_MAX, "%s/%s_%s", dir, name, tag);
}

/*
 * Writes @len bytes of @buf to @path with @mode and @owner, and their
 * sha256 digest to @digest if not NULL.
 */
static int make_file(const char *const path, const void *const buf,
		     const size_t len, const mode_t mode, const uid_t owner,
		     __u8 *const digest)
{
	int err = write_file(path, buf, len);

	if (!err && chmod(path, mode))
		err = -errno;
	if (!err && chown(path, owner, -1))
		err = -errno;
	if (!err && digest)
		err = hash_buf(HASH_ALGO_SHA256, buf, len, digest);
	return err;
}

/*
 * A copy of true(1) owned by @owner, with random bytes after the ELF image
 * so that its digest is in no other list and in no earlier IMA record.
 */
static int make_prog(const char *const path, const uid_t owner,
		     __u8 *const digest)
{
	struct dbuf prog = {};
	__u8 salt[16];
	int err;

	err = read_file(TRUE_PATH, &prog);
	if (!err) {
		random_bytes(salt, sizeof(salt));
		dbuf_append(&prog, salt, sizeof(salt));
		err = make_file(path, prog.data, prog.len, 0755, owner,
				digest);
	}
	dbuf_free(&prog);
	return err;
}

/* A list file owned by @owner, appraisable by its hash if @appraisable. */
static int make_list_file(const char *const path,
			  const struct dbuf *const list, const mode_t mode,
			  const uid_t owner, const bool appraisable)
{
	int err = make_file(path, list->data, list->len, mode, owner, NULL);

	if (!err && appraisable)
		err = set_ima_hash(path, list->data, list->len);
	return err;
}

/* The digest that identifies @list (IMA's algorithm), in hex. */
static int list_hex(const struct dbuf *const list, char *const hex)
{
	__u8 digest[MAX_DIGEST_SIZE];
	int err;

	err = hash_buf(list_algo, list->data, list->len, digest);
	if (!err)
		bin2hex(hex, digest, hash_algos[list_algo].size);
	return err;
}

/*
 * Actions of the loaded list @name, from the first line of its .ascii view
 * (the view of a big list is big): -ENOENT if it is not loaded.
 */
static int entry_actions(const char *const name)
{
	char path[PATH_MAX + 8], line[256];
	unsigned int actions;
	ssize_t len;
	int fd, err;

	loaded_path(path, name);
	strcat(path, DIGLIM_ASCII_SUFFIX);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, line, sizeof(line) - 1);
	err = len < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	line[len] = '\0';
	if (sscanf(line, "actions: %u,", &actions) != 1)
		return -EPROTO;
	return actions;
}

/* Actions of @list loaded with @label, -ENOENT if it is not loaded. */
static int list_actions(const struct dbuf *const list, const char *const label)
{
	char name[PATH_MAX];
	int err;

	err = entry_name(name, list->data, list->len, label);
	return err ? err : entry_actions(name);
}

/*
 * Executes @path without arguments and output: returns its exit status, or
 * the -errno of execve().
 */
static int run(const char *const path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
	int pipefd[2], status, err = 0, fd;
	ssize_t len;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (!pid) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execve(path, argv, envp);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) != sizeof(err))
			_exit(126);
		_exit(127);
	}
	close(pipefd[1]);
	len = read(pipefd[0], &err, sizeof(err));
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	if (len == sizeof(err))
		return -err;
	if (!WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

/*
 * Runs @prog, which must succeed, and checks PCR @pcr: if @measured, one
 * new record, with the path of @prog, and a new PCR value read through the
 * TPM; otherwise no new record and the same PCR value.
 */
static void run_measured(struct __test_metadata *const _metadata,
			 ESYS_CONTEXT *const esys, const unsigned int pcr,
			 const char *const prog, const bool measured)
{
	__u8 before[SHA256_SIZE], after[SHA256_SIZE];
	char hex[2 * SHA256_SIZE + 1];
	unsigned long n0, n1;

	n0 = log_count(pcr, NULL);
	ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(esys, pcr, before));
	ASSERT_EQ(0, run(prog))
	{
		TH_LOG("%s did not run", prog);
	}
	n1 = log_count(pcr, NULL);
	ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(esys, pcr, after));
	bin2hex(hex, after, SHA256_SIZE);
	TH_LOG("PCR %u after %s: %s", pcr, prog, hex);
	if (measured) {
		EXPECT_EQ(n0 + 1, n1);
		EXPECT_EQ(1, log_count(pcr, prog));
		EXPECT_NE(0, memcmp(before, after, SHA256_SIZE))
		{
			TH_LOG("PCR %u did not move", pcr);
		}
	} else {
		EXPECT_EQ(n0, n1);
		EXPECT_EQ(0, log_count(pcr, prog));
		EXPECT_EQ(0, memcmp(before, after, SHA256_SIZE))
		{
			TH_LOG("PCR %u moved", pcr);
		}
	}
}

/*
 * Checks that the records "<@prefix><@label>#<seq>" are @nr, all in PCR
 * @pcr (if @nr) and all hold the digest of @list.
 */
static void check_records(struct __test_metadata *const _metadata,
			  const char *const prefix, const char *const label,
			  const struct dbuf *const list,
			  const unsigned long nr, const unsigned int pcr,
			  struct dbuf *const events)
{
	struct diglim_records r = {};
	char hex[HEX_MAX];

	ASSERT_EQ(0, list_hex(list, hex));
	ASSERT_EQ(0, diglim_records(prefix, label, hex, &r));
	EXPECT_EQ(nr, r.nr)
	{
		TH_LOG("%s%s#: %lu records, %lu expected", prefix, label, r.nr,
		       nr);
	}
	EXPECT_EQ(0, r.wrong)
	{
		TH_LOG("%s%s#: a record does not hold the list digest %s",
		       prefix, label, hex);
	}
	EXPECT_EQ(nr ? 1ULL << pcr : 0, r.pcrs);
	if (events)
		dbuf_append(events, r.events.data, r.events.len);
	dbuf_free(&r.events);
}

/*
 * 1. A list recorded into PCR 10 does not silence a PCR 11 rule, nor does a
 * list file IMA only measured as a file (into PCR 10 at FILE_CHECK, or even
 * into PCR 11 at DIGEST_LIST_CHECK): each listed program adds one record to
 * PCR 11 and moves it.  A list recorded into PCR 11 does spare its program.
 */
TEST_F_TIMEOUT(trust, other_pcr, 180)
{
	static const char *const names[] = { "pcr10_prog", "readlist_prog",
					     "filelist_prog", "pcr11_prog" };
	char prog[4][PATH_MAX], list_read[PATH_MAX], list_file[PATH_MAX];
	char label10[32], label11[32], label_read[32], label_file[32];
	__u8 digests[4][SHA256_SIZE];
	struct dbuf lists[4] = {};
	int i;

	for (i = 0; i < 4; i++) {
		path_of(prog[i], self->dir, names[i], self->tag);
		ASSERT_EQ(0, make_prog(prog[i], OWN_MEASURE_DIGLIM,
				       digests[i]));
		put_block(&lists[i], COMPACT_FILE, 0, HASH_ALGO_SHA256, 1,
			  digests[i]);
	}
	snprintf(label10, sizeof(label10), "pcr10_%s", self->tag);
	snprintf(label11, sizeof(label11), "pcr11_%s", self->tag);
	snprintf(label_read, sizeof(label_read), "readlist_%s", self->tag);
	snprintf(label_file, sizeof(label_file), "filelist_%s", self->tag);

	/* A raw list that root has recorded into PCR 10. */
	ASSERT_EQ(0, upload_as(UID_PCR10, DIGEST_LIST_ADD, label10,
			       lists[0].data, lists[0].len));
	EXPECT_EQ(ACTION_MEASURED, list_actions(&lists[0], label10));
	check_records(_metadata, "add_buffer_", label10, &lists[0], 1, 10,
		      NULL);
	run_measured(_metadata, self->esys, 11, prog[0], true);

	/* A list file read once under a plain PCR 10 rule, added by root. */
	snprintf(list_read, sizeof(list_read), "%s/%s", self->dir, label_read);
	ASSERT_EQ(0, make_list_file(list_read, &lists[1], 0644,
				    OWN_FILE_PCR10, false));
	ASSERT_EQ(0, read_all(list_read));
	EXPECT_EQ(1, log_count(10, list_read));
	ASSERT_EQ(0, diglim_add_file(list_read));
	EXPECT_EQ(0, list_actions(&lists[1], label_read));
	run_measured(_metadata, self->esys, 11, prog[1], true);

	/* A list file measured as a file into PCR 11, added by root. */
	snprintf(list_file, sizeof(list_file), "%s/%s", self->dir, label_file);
	ASSERT_EQ(0, make_list_file(list_file, &lists[2], 0644,
				    OWN_LIST_MEASURED, false));
	ASSERT_EQ(0, diglim_add_file(list_file));
	EXPECT_EQ(1, log_count(11, list_file));
	EXPECT_EQ(0, list_actions(&lists[2], label_file));
	run_measured(_metadata, self->esys, 11, prog[2], true);

	/* Positive: a list recorded into PCR 11 vouches for PCR 11. */
	ASSERT_EQ(0, upload_as(UID_PCR11, DIGEST_LIST_ADD, label11,
			       lists[3].data, lists[3].len));
	EXPECT_EQ(ACTION_MEASURED, list_actions(&lists[3], label11));
	check_records(_metadata, "add_buffer_", label11, &lists[3], 1, 11,
		      NULL);
	run_measured(_metadata, self->esys, 11, prog[3], false);

	EXPECT_EQ(0, upload_as(UID_PCR10, DIGEST_LIST_DEL, label10,
			       lists[0].data, lists[0].len));
	EXPECT_EQ(0, diglim_del_file(list_read));
	EXPECT_EQ(0, diglim_del_file(list_file));
	EXPECT_EQ(0, upload_as(UID_PCR11, DIGEST_LIST_DEL, label11,
			       lists[3].data, lists[3].len));
	for (i = 0; i < 4; i++)
		dbuf_free(&lists[i]);
}

/*
 * 2. A list appraised by its hash is APPRAISED (2), never
 * APPRAISED_DIGSIG: not after root tried to execute the list file under
 * an appraise_type=imasig rule (which leaves IMA_DIGSIG_REQUIRED in the
 * inode's cache), deleted it and added it again.  The unsigned program it
 * lists stays denied where a signature is required; a program it lists
 * runs where a hash is enough.
 */
TEST_F(trust, appraisal_cache)
{
	char list_path[PATH_MAX], label[32], sig_prog[PATH_MAX];
	char hash_prog[PATH_MAX];
	struct diglim_state before = {};
	__u8 digests[2][SHA256_SIZE];
	struct dbuf list = {};

	path_of(sig_prog, self->dir, "imasig_prog", self->tag);
	ASSERT_EQ(0, make_prog(sig_prog, OWN_IMASIG_DIGLIM, digests[0]));
	path_of(hash_prog, self->dir, "hash_prog", self->tag);
	ASSERT_EQ(0, make_prog(hash_prog, OWN_APPRAISE_DIGLIM, digests[1]));
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 2, digests);
	snprintf(label, sizeof(label), "hashlist_%s", self->tag);
	snprintf(list_path, sizeof(list_path), "%s/%s", self->dir, label);
	ASSERT_EQ(0, make_list_file(list_path, &list, 0755, OWN_LIST_IMASIG,
				    true));

	ASSERT_EQ(0, diglim_add_file(list_path));
	ASSERT_EQ(ACTION_APPRAISED, list_actions(&list, label));
	ASSERT_EQ(0, state_get(&before));
	EXPECT_EQ(-EACCES, run(sig_prog));
	EXPECT_EQ(0, run(hash_prog));

	/* The attack: exec the list file where a signature is required. */
	EXPECT_EQ(-EACCES, run(list_path));
	assert_state_same(_metadata, &before);
	state_free(&before);

	/* Deleted and added again, it is appraised again, by its hash. */
	EXPECT_EQ(0, diglim_del_file(list_path));
	EXPECT_EQ(-ENOENT, list_actions(&list, label));
	EXPECT_EQ(0, diglim_add_file(list_path));
	EXPECT_EQ(ACTION_APPRAISED, list_actions(&list, label))
	{
		TH_LOG("a hash-appraised list came back with other actions");
	}
	ASSERT_EQ(0, state_get(&before));
	EXPECT_EQ(-EACCES, run(sig_prog));
	assert_state_same(_metadata, &before);
	state_free(&before);
	EXPECT_EQ(0, run(hash_prog));

	EXPECT_EQ(0, diglim_del_file(list_path));
	dbuf_free(&list);
}

/*
 * 3. use_diglim=allow changes only the rule that carries it: with an
 * appraise rule that has it and a PCR 12 measure rule that does not, a
 * program in a list that is appraised and even recorded into PCR 12
 * passes appraisal and is measured into PCR 12 all the same.  A rule
 * without func= cannot carry it.
 */
TEST_F(trust, rule_scope)
{
	char list_path[PATH_MAX], label[32], prog[PATH_MAX];
	struct diglim_state before = {};
	__u8 digest[SHA256_SIZE];
	struct dbuf list = {};

	ASSERT_EQ(0, state_get(&before));
	EXPECT_EQ(-EINVAL, policy_write("measure fowner=4539 use_diglim=allow pcr=12\n"));
	EXPECT_EQ(-EINVAL, policy_write("appraise fowner=4539 use_diglim=allow\n"));
	assert_state_same(_metadata, &before);
	state_free(&before);

	path_of(prog, self->dir, "scope_prog", self->tag);
	ASSERT_EQ(0, make_prog(prog, OWN_SCOPE, digest));
	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 1, digest);
	snprintf(label, sizeof(label), "scopelist_%s", self->tag);
	snprintf(list_path, sizeof(list_path), "%s/%s", self->dir, label);
	ASSERT_EQ(0, make_list_file(list_path, &list, 0644,
				    OWN_LIST_APPRAISED, true));
	ASSERT_EQ(0, upload_path_as(UID_PCR12, DIGEST_LIST_ADD, list_path));
	ASSERT_EQ(ACTION_MEASURED | ACTION_APPRAISED,
		  list_actions(&list, label));
	check_records(_metadata, "add_file_", label, &list, 1, 12, NULL);

	run_measured(_metadata, self->esys, 12, prog, true);

	/* Without the list, the program has nothing to pass appraisal. */
	ASSERT_EQ(0, upload_path_as(UID_PCR12, DIGEST_LIST_DEL, list_path));
	check_records(_metadata, "del_file_", label, &list, 1, 12, NULL);
	ASSERT_EQ(0, state_get(&before));
	EXPECT_EQ(-EACCES, run(prog));
	assert_state_same(_metadata, &before);
	state_free(&before);
	dbuf_free(&list);
}

/* Whether the event names in @events, one a line, are all different. */
static bool all_distinct(struct dbuf *const events)
{
	const char *p = dbuf_str(events), *q, *nl;
	size_t len;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl - p;
		for (q = nl + 1; *q; q = strchr(q, '\n') + 1)
			if (!strncmp(p, q, len) && q[len] == '\n')
				return false;
	}
	return true;
}

/*
 * One round of attacks on the records of a list, uploaded as a buffer with
 * @label or by @path (labelled @label).  Leaves it loaded and measured.
 */
static void records_round(struct __test_metadata *const _metadata,
			  const struct dbuf *const list,
			  const char *const label, const char *const path)
{
	const char *const add = path ? "add_file_" : "add_buffer_";
	const char *const del = path ? "del_file_" : "del_buffer_";
	const void *const buf = path ? (const void *)path : list->data;
	const size_t len = path ? strlen(path) : list->len;
	const char *const set = path ? NULL : label;
	struct diglim_state before = {};
	struct dbuf events = {};

	ASSERT_EQ(0, upload_as(UID_PCR11, DIGEST_LIST_ADD, set, buf, len));
	EXPECT_EQ(ACTION_MEASURED, list_actions(list, label));
	check_records(_metadata, add, label, list, 1, 11, NULL);

	/*
	 * Deleted by root, whom no critical data rule records, then by a uid
	 * recorded into PCR 10 instead of the list's PCR: refused, no record,
	 * nothing changed.
	 */
	ASSERT_EQ(0, state_get(&before));
	EXPECT_EQ(-EPERM, upload_as(0, DIGEST_LIST_DEL, set, buf, len));
	assert_state_same(_metadata, &before);
	EXPECT_EQ(-EPERM, upload_as(UID_PCR10, DIGEST_LIST_DEL, set, buf,
				    len));
	assert_state_same(_metadata, &before);
	state_free(&before);
	check_records(_metadata, del, label, list, 0, 11, NULL);
	EXPECT_EQ(ACTION_MEASURED, list_actions(list, label));

	ASSERT_EQ(0, upload_as(UID_PCR11, DIGEST_LIST_DEL, set, buf, len));
	check_records(_metadata, del, label, list, 1, 11, NULL);
	EXPECT_EQ(-ENOENT, list_actions(list, label));

	/* Added again: a record of its own, not a duplicate IMA drops. */
	ASSERT_EQ(0, upload_as(UID_PCR11, DIGEST_LIST_ADD, set, buf, len));
	check_records(_metadata, add, label, list, 2, 11, &events);
	EXPECT_TRUE(all_distinct(&events))
	{
		TH_LOG("repeated records: %s", dbuf_str(&events));
	}
	EXPECT_EQ(ACTION_MEASURED, list_actions(list, label));
	dbuf_free(&events);
}

/* One element of the set of lists a verifier rebuilds for a PCR. */
struct replayed {
	unsigned int pcr;
	bool loaded;
	char hex[HEX_MAX];
};

/*
 * The verifier of remote_attestation.rst: for each DIGLIM record of a PCR,
 * in log order, an addition puts the list digest in the set of that PCR,
 * a deletion takes it out.  Every loaded list that is MEASURED must be in
 * exactly one set, and every digest of a set must be a loaded, MEASURED
 * list.  The TPM must agree with the log, for the PCRs used here.
 */
static void check_log_agrees(struct __test_metadata *const _metadata,
			     ESYS_CONTEXT *const esys)
{
	static const unsigned int pcrs[] = { 10, 11, 12 };
	struct dbuf log = {}, names = {}, bin = {}, bin256 = {};
	char hex[HEX_MAX], sysfs[2 * SHA256_SIZE + 8], *line, *save;
	__u8 digest[MAX_DIGEST_SIZE], value[SHA256_SIZE];
	struct replayed *set = NULL;
	size_t nr = 0, i, found;
	const char *label;
	enum hash_algo algo;
	struct log_line l;
	struct replay r;
	bool is_add;

	ASSERT_EQ(0, read_file(IMA_ASCII_LOG, &log));
	for (line = strtok_r((char *)log.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!log_split(line, &l) || strcmp(l.template, "ima-buf") ||
		    !l.buf || strlen(l.buf) >= HEX_MAX)
			continue;
		is_add = diglim_event_is(l.event, "add_buffer_", NULL) ||
			 diglim_event_is(l.event, "add_file_", NULL);
		if (!is_add && !diglim_event_is(l.event, "del_buffer_", NULL) &&
		    !diglim_event_is(l.event, "del_file_", NULL))
			continue;
		for (i = 0; i < nr; i++)
			if (set[i].pcr == l.pcr && !strcmp(set[i].hex, l.buf))
				break;
		if (is_add && i == nr) {
			set = xrealloc(set, (nr + 1) * sizeof(*set));
			set[nr].pcr = l.pcr;
			set[nr].loaded = false;
			snprintf(set[nr++].hex, HEX_MAX, "%s", l.buf);
		} else if (!is_add && i < nr) {
			set[i] = set[--nr];
		}
	}

	ASSERT_EQ(0, names_get(&names));
	for (line = strtok_r((char *)names.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int actions;

		if (strstr(line, DIGLIM_ASCII_SUFFIX))
			continue;
		ASSERT_EQ(0, parse_entry_name(line, &algo, digest, &label));
		bin2hex(hex, digest, hash_algos[algo].size);
		actions = entry_actions(line);
		ASSERT_LE(0, actions);
		found = 0;
		for (i = 0; i < nr; i++) {
			if (strcmp(set[i].hex, hex))
				continue;
			set[i].loaded = actions & ACTION_MEASURED;
			found++;
		}
		if (actions & ACTION_MEASURED)
			EXPECT_EQ(1, found)
			{
				TH_LOG("%s (actions %d) is in %zu replayed sets",
				       line, actions, found);
			}
	}
	for (i = 0; i < nr; i++)
		EXPECT_TRUE(set[i].loaded)
		{
			TH_LOG("PCR %u replays %s: not a loaded measured list",
			       set[i].pcr, set[i].hex);
		}

	ASSERT_EQ(0, read_file(IMA_LOG, &bin));
	if (read_file(IMA_LOG "_sha256", &bin256))
		dbuf_reset(&bin256);
	for (i = 0; i < ARRAY_SIZE(pcrs); i++) {
		pcr_both(_metadata, esys, pcrs[i], value, sysfs,
			 sizeof(sysfs));
		replay_log(_metadata, &bin, &bin256, pcrs[i], &r);
		EXPECT_EQ(0, memcmp(r.sha256, value, SHA256_SIZE))
		{
			TH_LOG("PCR %u does not replay", pcrs[i]);
		}
	}
	free(set);
	dbuf_free(&log);
	dbuf_free(&names);
	dbuf_free(&bin);
	dbuf_free(&bin256);
}

/*
 * 4. The log agrees with the list set: additions and deletions, by buffer
 * and by path, each have one record holding the list digest; a deletion
 * that cannot be recorded into the list's PCR fails with EPERM, leaves no
 * record and changes nothing; a list added again gets a new record.  A
 * verifier replaying the log rebuilds exactly the loaded measured lists.
 */
TEST_F_TIMEOUT(trust, log_agrees, 180)
{
	char raw_label[32], file_label[32], path[PATH_MAX];
	struct dbuf raw = {}, file = {};

	snprintf(raw_label, sizeof(raw_label), "logbuf_%s", self->tag);
	snprintf(file_label, sizeof(file_label), "logfile_%s", self->tag);
	snprintf(path, sizeof(path), "%s/%s", self->dir, file_label);
	put_random_block(&raw, COMPACT_FILE, 0, HASH_ALGO_SHA256, 2);
	put_random_block(&file, COMPACT_FILE, 0, HASH_ALGO_SHA256, 3);
	ASSERT_EQ(0, make_list_file(path, &file, 0644, 0, false));

	records_round(_metadata, &raw, raw_label, NULL);
	records_round(_metadata, &file, file_label, path);
	check_log_agrees(_metadata, self->esys);

	ASSERT_EQ(0, upload_as(UID_PCR11, DIGEST_LIST_DEL, raw_label,
			       raw.data, raw.len));
	ASSERT_EQ(0, upload_path_as(UID_PCR11, DIGEST_LIST_DEL, path));
	check_records(_metadata, "del_buffer_", raw_label, &raw, 2, 11, NULL);
	check_records(_metadata, "del_file_", file_label, &file, 2, 11, NULL);
	check_log_agrees(_metadata, self->esys);
	dbuf_free(&raw);
	dbuf_free(&file);
}

/*
 * 5. A raw list over 4 MiB under a critical data rule is added, MEASURED
 * and recorded (the record holds its digest, not its 5 MiB), then deleted
 * with a record.  The console must show no WARNING (make check).
 */
TEST_F_TIMEOUT(trust, big_list, 300)
{
	const __u32 count = (5 << 20) / SHA256_SIZE;
	struct dbuf list = {}, answer = {};
	char label[32];
	struct block blk;

	snprintf(label, sizeof(label), "biglist_%s", self->tag);
	put_random_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, count);
	ASSERT_LT(4 << 20, list.len);
	ASSERT_EQ(0, upload_as(UID_PCR11, DIGEST_LIST_ADD, label, list.data,
			       list.len));
	EXPECT_EQ(ACTION_MEASURED, list_actions(&list, label));
	check_records(_metadata, "add_buffer_", label, &list, 1, 11, NULL);
	blk = get_block(&list, 0);
	ASSERT_EQ(0, query_digest(HASH_ALGO_SHA256,
				  blk.digests + (count - 1) * SHA256_SIZE,
				  &answer));
	EXPECT_NE(NULL, strstr(dbuf_str(&answer), "(actions: 1)"));

	ASSERT_EQ(0, upload_as(UID_PCR11, DIGEST_LIST_DEL, label, list.data,
			       list.len));
	check_records(_metadata, "del_buffer_", label, &list, 1, 11, NULL);
	EXPECT_EQ(-ENOENT, list_actions(&list, label));
	dbuf_free(&answer);
	dbuf_free(&list);
}

/* Whether /proc/keys shows a key whose line holds @what. */
static bool proc_keys_has(const char *const what)
{
	struct dbuf keys = {};
	bool found;

	found = !read_file("/proc/keys", &keys) &&
		strstr(dbuf_str(&keys), what);
	dbuf_free(&keys);
	return found;
}

/*
 * 6. A revoked digest (.blacklist) in an appraised list recorded into
 * PCR 11: the revoked script is denied (EACCES) where the list would let
 * it pass appraisal, and measured into PCR 11 where the list would spare
 * it; the control script of the same list runs and is not measured.
 */
TEST_F(trust, blacklist)
{
	char revoked_a[PATH_MAX], revoked_b[PATH_MAX], control_a[PATH_MAX];
	char control_b[PATH_MAX], list_path[PATH_MAX], label[32];
	char control[64], hex[2 * SHA256_SIZE + 1];
	__u8 digests[2][SHA256_SIZE];
	struct diglim_state before = {};
	struct dbuf list = {};

	ASSERT_TRUE(proc_keys_has("bin:" REVOKED_HASH))
	{
		TH_LOG("bin:%s missing from .blacklist (CONFIG_SYSTEM_BLACKLIST_HASH_LIST)",
		       REVOKED_HASH);
	}

	path_of(revoked_a, self->dir, "revoked_appraised", self->tag);
	path_of(revoked_b, self->dir, "revoked_measured", self->tag);
	ASSERT_EQ(0, make_file(revoked_a, REVOKED_SCRIPT,
			       strlen(REVOKED_SCRIPT), 0755, OWN_BL_APPRAISE,
			       digests[0]));
	ASSERT_EQ(0, make_file(revoked_b, REVOKED_SCRIPT,
			       strlen(REVOKED_SCRIPT), 0755, OWN_BL_MEASURE,
			       NULL));
	bin2hex(hex, digests[0], SHA256_SIZE);
	ASSERT_STREQ(REVOKED_HASH, hex);

	snprintf(control, sizeof(control), "#!/bin/sh\n# %s\nexit 0\n",
		 self->tag);
	path_of(control_a, self->dir, "control_appraised", self->tag);
	path_of(control_b, self->dir, "control_measured", self->tag);
	ASSERT_EQ(0, make_file(control_a, control, strlen(control), 0755,
			       OWN_BL_APPRAISE, digests[1]));
	ASSERT_EQ(0, make_file(control_b, control, strlen(control), 0755,
			       OWN_BL_MEASURE, NULL));

	put_block(&list, COMPACT_FILE, 0, HASH_ALGO_SHA256, 2, digests);
	snprintf(label, sizeof(label), "bllist_%s", self->tag);
	snprintf(list_path, sizeof(list_path), "%s/%s", self->dir, label);
	ASSERT_EQ(0, make_list_file(list_path, &list, 0644,
				    OWN_LIST_APPRAISED, true));
	ASSERT_EQ(0, upload_path_as(UID_PCR11, DIGEST_LIST_ADD, list_path));
	ASSERT_EQ(ACTION_MEASURED | ACTION_APPRAISED,
		  list_actions(&list, label));

	ASSERT_EQ(0, state_get(&before));
	EXPECT_EQ(-EACCES, run(revoked_a));
	assert_state_same(_metadata, &before);
	state_free(&before);
	EXPECT_EQ(0, run(control_a));

	run_measured(_metadata, self->esys, 11, control_b, false);
	run_measured(_metadata, self->esys, 11, revoked_b, true);

	EXPECT_EQ(0, upload_path_as(UID_PCR11, DIGEST_LIST_DEL, list_path));
	dbuf_free(&list);
}

/* Serial of the .ima keyring, from /proc/keys, or -errno. */
static long ima_keyring(void)
{
	struct dbuf keys = {};
	char *line, *save, type[32];
	unsigned int id;
	long ret;
	int off;

	ret = read_file("/proc/keys", &keys);
	if (ret)
		return ret;
	ret = -ENOKEY;
	for (line = strtok_r((char *)keys.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%x %*s %*s %*s %*s %*s %*s %31s %n", &id,
			   type, &off) == 2 &&
		    !strcmp(type, "keyring") && !strncmp(line + off, ".ima:", 5)) {
			ret = id;
			break;
		}
	dbuf_free(&keys);
	return ret;
}

/* Adds the X.509 certificate in the DER file @path to @keyring. */
static long add_cert(const char *const path, const long keyring)
{
	struct dbuf der = {};
	long ret;

	ret = read_file(path, &der);
	if (!ret) {
		ret = syscall(SYS_add_key, "asymmetric", "", der.data, der.len,
			      keyring);
		if (ret < 0)
			ret = -errno;
	}
	dbuf_free(&der);
	return ret;
}

/* openssl extensions for the keys root makes up, as kbuild.sh's. */
static const char own_cnf[] =
	"[req]\n"
	"distinguished_name = dn\n"
	"[dn]\n"
	"[ca]\n"
	"basicConstraints = critical, CA:TRUE\n"
	"keyUsage = critical, keyCertSign, digitalSignature\n"
	"subjectKeyIdentifier = hash\n"
	"authorityKeyIdentifier = keyid\n"
	"[leaf]\n"
	"basicConstraints = critical, CA:FALSE\n"
	"keyUsage = critical, digitalSignature\n"
	"subjectKeyIdentifier = hash\n"
	"authorityKeyIdentifier = keyid\n";

/* The keys root makes up: DER certificate file and common name. */
static const char *const own_keys[][2] = {
	{ "self.der", "DIGLIM root-made key" },
	{ "ca.der", "DIGLIM root-made CA" },
	{ "leaf.der", "DIGLIM key of the root-made CA" },
};

/* Makes them, with common names ending in $1. */
static const char own_sh[] =
	"set -e\n"
	"req='openssl req -new -newkey rsa:2048 -nodes -sha256 -config own.cnf'\n"
	"$req -x509 -days 2 -extensions leaf -subj \"/CN=DIGLIM root-made key $1\" -keyout self.key -out self.pem\n"
	"$req -x509 -days 2 -extensions ca -subj \"/CN=DIGLIM root-made CA $1\" -keyout ca.key -out ca.pem\n"
	"$req -subj \"/CN=DIGLIM key of the root-made CA $1\" -keyout leaf.key -out leaf.csr\n"
	"openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -sha256 -extfile own.cnf -extensions leaf -out leaf.pem\n"
	"for k in self ca leaf; do openssl x509 -in $k.pem -outform DER -out $k.der; done\n";

/* Makes the keys of own_keys in @dir, their common names ending in @tag. */
static int make_own_keys(const char *const dir, const char *const tag)
{
	char path[PATH_MAX], cmd[2 * PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/own.cnf", dir);
	err = write_file(path, own_cnf, strlen(own_cnf));
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/own.sh", dir);
	err = write_file(path, own_sh, strlen(own_sh));
	if (err)
		return err;
	snprintf(cmd, sizeof(cmd), "cd %s && sh own.sh %s >/dev/null 2>&1",
		 dir, tag);
	return system(cmd) ? -EIO : 0;
}

/*
 * 7. Signatures mean something against root: a key root makes up is
 * refused on the .ima keyring, whether self-signed or signed by a CA root
 * also made up (and so is that CA): only the built-in CA vouches.  Making
 * three RSA keys takes a while on an emulated machine.
 */
TEST_F_TIMEOUT(trust, trusted_keyring, 240)
{
	char der[PATH_MAX], name[128];
	struct diglim_state before = {};
	long keyring;
	unsigned int i;

	keyring = ima_keyring();
	ASSERT_LT(0, keyring)
	{
		TH_LOG("no .ima keyring in /proc/keys (CONFIG_INTEGRITY_TRUSTED_KEYRING)");
	}
	ASSERT_EQ(0, make_own_keys(self->dir, self->tag))
	{
		TH_LOG("openssl could not make the keys");
	}
	for (i = 0; i < ARRAY_SIZE(own_keys); i++) {
		snprintf(der, sizeof(der), "%s/%s", self->dir, own_keys[i][0]);
		snprintf(name, sizeof(name), "%s %s", own_keys[i][1],
			 self->tag);
		ASSERT_EQ(0, state_get(&before));
		EXPECT_EQ(-ENOKEY, add_cert(der, keyring))
		{
			TH_LOG("%s: not refused with ENOKEY", name);
		}
		assert_state_same(_metadata, &before);
		state_free(&before);
		EXPECT_FALSE(proc_keys_has(name));
	}
}

/* The IMA key of the build, signed by the built-in test CA, is accepted. */
TEST_F(trust, trusted_keyring_ca)
{
	const char *build = getenv("DIGLIM_BUILD");
	char der[512];
	long keyring;

	snprintf(der, sizeof(der), "%s/keys/ima.der",
		 build ? build : DEFAULT_BUILD);
	if (access(der, R_OK))
		SKIP(return, "%s not found (set DIGLIM_BUILD to the kernel build)",
		     der);
	keyring = ima_keyring();
	ASSERT_LT(0, keyring);
	EXPECT_LT(0, add_cert(der, keyring));
}

TEST_HARNESS_MAIN
