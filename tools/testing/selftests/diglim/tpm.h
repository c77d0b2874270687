/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIGLIM - Selftest helpers for the TPM and IMA
 *
 * PCRs read through tpm2-tss, the replay of IMA's binary measurement list,
 * IMA policy writes, uploads as a chosen user and the DIGLIM records of the
 * ascii measurement list, shared by tpm_test, ima_test and trust_test.
 * Include after common.h.
 */

#ifndef _DIGLIM_SELFTEST_TPM_H
#define _DIGLIM_SELFTEST_TPM_H

#include <sys/xattr.h>
#include <tss2/tss2_esys.h>

#define TPM_DIR "/sys/class/tpm/tpm0"
#define IMA_LOG SECURITYFS_DIR "/ima/binary_runtime_measurements"
#define NR_PCRS 24
#define SHA1_SIZE 20
#define SHA256_SIZE 32
/* The "ima" template hashes its name field padded to this size. */
#define IMA_EVENT_NAME_LEN_MAX 255
#define MAX_TEMPLATE_NAME 255
#define IMA_POLICY SECURITYFS_DIR "/ima/policy"
#define IMA_ASCII_LOG SECURITYFS_DIR "/ima/ascii_runtime_measurements"
/* security.ima: IMA_XATTR_DIGEST_NG, algorithm, digest. */
#define IMA_XATTR_DIGEST_NG 0x04
/* PCRs a policy rule may name. */
#define IMA_MAX_PCR 64

/* Reads PCR @pcr of the sha256 bank with TPM2_PCR_Read. */
static TSS2_RC pcr_read(struct ESYS_CONTEXT *const esys,
			const unsigned int pcr, __u8 *const value)
{
	TPML_PCR_SELECTION sel = {
		.count = 1,
		.pcrSelections[0] = {
			.hash = TPM2_ALG_SHA256,
			.sizeofSelect = 3,
		},
	};
	TPML_PCR_SELECTION *sel_out = NULL;
	TPML_DIGEST *values = NULL;
	UINT32 update_counter;
	TSS2_RC rc;

	sel.pcrSelections[0].pcrSelect[pcr / 8] = 1 << (pcr % 8);
	rc = Esys_PCR_Read(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel,
			   &update_counter, &sel_out, &values);
	if (rc)
		return rc;
	if (values->count != 1 || values->digests[0].size != SHA256_SIZE)
		rc = TSS2_ESYS_RC_MALFORMED_RESPONSE;
	else
		memcpy(value, values->digests[0].buffer, SHA256_SIZE);
	Esys_Free(sel_out);
	Esys_Free(values);
	return rc;
}

/*
 * Reads PCR @pcr of the sha256 bank through the TPM (@value) and through
 * sysfs (@sysfs, upper case hex) at the same time.  Opening a file may add
 * an IMA measurement, so the sysfs file is opened first; the TPM is read
 * again after sysfs until nothing changed in between.
 */
static void pcr_both(struct __test_metadata *const _metadata,
		     struct ESYS_CONTEXT *const esys, const unsigned int pcr,
		     __u8 *const value, char *const sysfs, const size_t size)
{
	__u8 again[SHA256_SIZE];
	char path[PATH_MAX];
	int tries, fd;
	ssize_t ret;

	snprintf(path, sizeof(path), "%s/pcr-sha256/%u", TPM_DIR, pcr);
	for (tries = 0; tries < 10; tries++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd)
		{
			TH_LOG("%s: %s", path, strerror(errno));
		}
		ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(esys, pcr, value));
		ret = read(fd, sysfs, size - 1);
		close(fd);
		ASSERT_LT(0, ret);
		sysfs[ret] = '\0';
		sysfs[strcspn(sysfs, "\n")] = '\0';
		ASSERT_EQ(TSS2_RC_SUCCESS, pcr_read(esys, pcr, again));
		if (!memcmp(value, again, SHA256_SIZE))
			return;
	}
	ASSERT_LT(tries, 10);
}

/* One record of a binary measurement list. */
struct ima_entry {
	__u32 pcr;
	const __u8 *digest;
	char name[MAX_TEMPLATE_NAME + 1];
	/* Template data as logged, after the template name. */
	const __u8 *data;
	__u32 data_len;
};

static bool take(const struct dbuf *const log, size_t *const off,
		 void *const dst, const size_t len)
{
	if (log->len - *off < len)
		return false;
	if (dst)
		memcpy(dst, log->data + *off, len);
	*off += len;
	return true;
}

/*
 * Decodes the entry at *@off of a binary_runtime_measurements* file whose
 * template digests are @digest_size bytes long (host byte order, as IMA
 * writes it unless ima_canonical_fmt is set).
 */
static bool next_entry(const struct dbuf *const log, size_t *const off,
		       const size_t digest_size, struct ima_entry *const e)
{
	__u32 name_len, len;
	size_t start;

	if (!take(log, off, &e->pcr, sizeof(e->pcr)))
		return false;
	e->digest = log->data + *off;
	if (!take(log, off, NULL, digest_size) ||
	    !take(log, off, &name_len, sizeof(name_len)) ||
	    name_len > MAX_TEMPLATE_NAME || !take(log, off, e->name, name_len))
		return false;
	e->name[name_len] = '\0';
	start = *off;
	if (!strcmp(e->name, "ima")) {
		/* No total length: d is 20 bytes, n is <u32 length><string>. */
		if (!take(log, off, NULL, SHA1_SIZE) ||
		    !take(log, off, &len, sizeof(len)) ||
		    len > IMA_EVENT_NAME_LEN_MAX || !take(log, off, NULL, len))
			return false;
	} else {
		if (!take(log, off, &len, sizeof(len)))
			return false;
		start = *off;
		if (!take(log, off, NULL, len))
			return false;
	}
	e->data = log->data + start;
	e->data_len = *off - start;
	return true;
}

/*
 * Template digest of @e with @algo, as ima_calc_field_array_hash_tfm()
 * computes it: over the template data as logged (<u32 length><field> for
 * each field), or for the legacy "ima" template over the 20-byte digest and
 * the event name padded with zeros to 256 bytes.
 */
static int template_digest(const struct ima_entry *const e,
			   const enum hash_algo algo, __u8 *const out)
{
	__u8 buf[SHA1_SIZE + IMA_EVENT_NAME_LEN_MAX + 1] = {};

	if (strcmp(e->name, "ima"))
		return hash_buf(algo, e->data, e->data_len, out);
	memcpy(buf, e->data, SHA1_SIZE);
	memcpy(buf + SHA1_SIZE, e->data + SHA1_SIZE + sizeof(__u32),
	       e->data_len - SHA1_SIZE - sizeof(__u32));
	return hash_buf(algo, buf, sizeof(buf), out);
}

static bool all_zero(const __u8 *const p, const size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void extend(const enum hash_algo algo, __u8 *const pcr,
		   const __u8 *const digest)
{
	const unsigned int size = hash_algos[algo].size;
	__u8 buf[2 * SHA256_SIZE];

	memcpy(buf, pcr, size);
	memcpy(buf + size, digest, size);
	hash_buf(algo, buf, 2 * size, pcr);
}

struct replay {
	__u8 sha1[SHA1_SIZE];
	__u8 sha256[SHA256_SIZE];
	unsigned long entries;
	unsigned long violations;
	unsigned long in_pcr;
};

/*
 * Replays the sha1 measurement list @log for PCR @pcr_idx, in both banks.
 * The sha256 template digests are recomputed; if @log256 (the list with
 * sha256 template digests) is not empty, they must also equal the ones it
 * holds.  Violations (all-zero digest) extend every bank with 0xff bytes.
 */
static void replay_log(struct __test_metadata *const _metadata,
		       const struct dbuf *const log,
		       const struct dbuf *const log256, const __u32 pcr_idx,
		       struct replay *const r)
{
	__u8 digest1[SHA1_SIZE], digest256[SHA256_SIZE];
	struct ima_entry e, e256;
	size_t off = 0, off256 = 0;
	bool violation;

	memset(r, 0, sizeof(*r));
	while (off < log->len) {
		ASSERT_TRUE(next_entry(log, &off, SHA1_SIZE, &e))
		{
			TH_LOG("entry %lu: truncated", r->entries);
		}
		r->entries++;
		violation = all_zero(e.digest, SHA1_SIZE);
		r->violations += violation;
		ASSERT_EQ(0, template_digest(&e, HASH_ALGO_SHA256, digest256));
		if (!violation) {
			ASSERT_EQ(0,
				  template_digest(&e, HASH_ALGO_SHA1, digest1));
			ASSERT_EQ(0, memcmp(digest1, e.digest, SHA1_SIZE))
			{
				TH_LOG("entry %lu (%s): sha1 digest",
				       r->entries, e.name);
			}
		}
		if (log256->len) {
			ASSERT_TRUE(next_entry(log256, &off256, SHA256_SIZE,
					       &e256));
			ASSERT_EQ(e.pcr, e256.pcr);
			ASSERT_STREQ(e.name, e256.name);
			ASSERT_EQ(e.data_len, e256.data_len);
			ASSERT_EQ(0, memcmp(e.data, e256.data, e.data_len));
			/* Violations are logged with all-zero digests. */
			ASSERT_TRUE(violation ?
					    all_zero(e256.digest, SHA256_SIZE) :
					    !memcmp(digest256, e256.digest,
						    SHA256_SIZE))
			{
				TH_LOG("entry %lu (%s): sha256 digest",
				       r->entries, e.name);
			}
		}
		if (e.pcr != pcr_idx)
			continue;
		r->in_pcr++;
		if (violation) {
			memset(digest1, 0xff, SHA1_SIZE);
			memset(digest256, 0xff, SHA256_SIZE);
		} else {
			memcpy(digest1, e.digest, SHA1_SIZE);
		}
		extend(HASH_ALGO_SHA1, r->sha1, digest1);
		extend(HASH_ALGO_SHA256, r->sha256, digest256);
	}
	if (log256->len)
		ASSERT_EQ(log256->len, off256);
}

/* IMA policy. */

/* IMA parses one rule per write(2): writes @rules line by line. */
static int __maybe_unused policy_write(const char *rules)
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

/*
 * Adds @rules unless the policy already holds @marker.  The policy is
 * append-only and shared by the tests of one boot: each test program adds
 * its rules once, scoped to owners and users no other program uses.
 */
static int __maybe_unused policy_setup_once(const char *const rules,
					    const char *const marker)
{
	struct dbuf cur = {};
	int err;

	err = read_file(IMA_POLICY, &cur);
	if (!err && !strstr(dbuf_str(&cur), marker))
		err = policy_write(rules);
	dbuf_free(&cur);
	return err;
}

/* Whether a rule of the policy read back has all of @a, @b and @c. */
static bool __maybe_unused policy_has(const char *const a,
				      const char *const b,
				      const char *const c)
{
	struct dbuf cur = {};
	char *line, *save;
	bool found = false;

	if (read_file(IMA_POLICY, &cur))
		return false;
	for (line = strtok_r((char *)cur.data, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save))
		found = strstr(line, a) && strstr(line, b) && strstr(line, c);
	dbuf_free(&cur);
	return found;
}

/*
 * Uploads as real uid @ruid, with euid and saved uid 0 so that
 * CAP_SYS_ADMIN stays: critical data rules with uid= match the real uid of
 * the uploader.  @label goes to digest_list_label first, unless NULL (an
 * upload by path is labelled with the file name).
 */
static int __maybe_unused upload_as(const uid_t ruid, const enum ops op,
				    const char *const label,
				    const void *const buf, const size_t len)
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
		err = label ? set_label(label) : 0;
		if (!err)
			err = diglim_upload(op, buf, len);
		_exit(-err);
	}
	err = -ECHILD;
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		err = -WEXITSTATUS(status);
	return err;
}

/* Uploads the list file at the absolute @path as real uid @ruid. */
static int __maybe_unused upload_path_as(const uid_t ruid, const enum ops op,
					 const char *const path)
{
	return upload_as(ruid, op, NULL, path, strlen(path));
}

/* Gives @path a security.ima with the sha256 digest of @buf (hash only). */
static int __maybe_unused set_ima_hash(const char *const path,
				       const void *const buf, const size_t len)
{
	__u8 xattr[2 + SHA256_SIZE] = { IMA_XATTR_DIGEST_NG,
					HASH_ALGO_SHA256 };
	int err;

	err = hash_buf(HASH_ALGO_SHA256, buf, len, xattr + 2);
	if (!err && setxattr(path, "security.ima", xattr, sizeof(xattr), 0))
		err = -errno;
	return err;
}

/* The ascii measurement list. */

/* Number of records of PCR @pcr whose line holds @what (all if NULL). */
static unsigned long __maybe_unused log_count(const unsigned int pcr,
					      const char *const what)
{
	struct dbuf log = {};
	char *line, *save, *end;
	unsigned long n = 0;

	if (read_file(IMA_ASCII_LOG, &log))
		return ~0UL;
	for (line = strtok_r((char *)log.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strtoul(line, &end, 10) == pcr && *end == ' ' &&
		    (!what || strstr(line, what)))
			n++;
	dbuf_free(&log);
	return n;
}

/* The fields of a line of the ascii log, split in place. */
struct log_line {
	unsigned int pcr;
	const char *template;
	/* ima-ng, ima-buf: the digest field, then the event name. */
	const char *digest;
	const char *event;
	/* ima-buf: the buffer in hex. */
	const char *buf;
};

static bool __maybe_unused log_split(char *const line, struct log_line *l)
{
	char *save, *tok[6];
	int i;

	tok[0] = strtok_r(line, " ", &save);
	for (i = 1; i < 6 && tok[i - 1]; i++)
		tok[i] = strtok_r(NULL, " ", &save);
	if (!tok[0] || !tok[4])
		return false;
	l->pcr = strtoul(tok[0], NULL, 10);
	l->template = tok[2];
	l->digest = tok[3];
	l->event = tok[4];
	l->buf = i == 6 ? tok[5] : NULL;
	return true;
}

/*
 * Matches the event name of a DIGLIM record, "<@prefix><@label>#<seq>",
 * against @prefix and @label (any label if NULL).  Labels may hold '#': the
 * sequence number is what follows the last one.
 */
static bool __maybe_unused diglim_event_is(const char *const event,
					   const char *const prefix,
					   const char *const label)
{
	const size_t plen = strlen(prefix);
	const char *const hash = strrchr(event, '#');
	const char *p;

	if (strncmp(event, prefix, plen) || !hash || hash == event + plen ||
	    !hash[1])
		return false;
	for (p = hash + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return !label || ((size_t)(hash - event - plen) == strlen(label) &&
			  !strncmp(event + plen, label, strlen(label)));
}

/* The DIGLIM records of one kind and label found by diglim_records(). */
struct diglim_records {
	unsigned long nr;
	/* Records whose buffer is not the expected list digest. */
	unsigned long wrong;
	/* Bit mask of the PCRs they extend. */
	__u64 pcrs;
	/* Their event names, one a line, in log order. */
	struct dbuf events;
};

/*
 * Collects the ima-buf records "<@prefix><@label>#<seq>" of the ascii log;
 * their buffer must be @hex, the list digest in hex.
 */
static int __maybe_unused diglim_records(const char *const prefix,
					 const char *const label,
					 const char *const hex,
					 struct diglim_records *const r)
{
	struct dbuf log = {};
	char *line, *save;
	struct log_line l;
	int err;

	r->nr = 0;
	r->wrong = 0;
	r->pcrs = 0;
	dbuf_reset(&r->events);
	err = read_file(IMA_ASCII_LOG, &log);
	if (err)
		goto out;
	for (line = strtok_r((char *)log.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!log_split(line, &l) || strcmp(l.template, "ima-buf") ||
		    !diglim_event_is(l.event, prefix, label))
			continue;
		r->nr++;
		r->wrong += !l.buf || strcmp(l.buf, hex);
		if (l.pcr < IMA_MAX_PCR)
			r->pcrs |= 1ULL << l.pcr;
		dbuf_printf(&r->events, "%s\n", l.event);
	}
out:
	dbuf_free(&log);
	return err;
}

#endif /* _DIGLIM_SELFTEST_TPM_H */
