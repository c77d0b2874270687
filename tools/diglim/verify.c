// SPDX-License-Identifier: GPL-2.0
/*
 * diglimctl verify - remote attestation of a DIGLIM system.
 *
 * Checks a TPM 2.0 quote (as tpm2_quote writes it) with an attestation key
 * the verifier already trusts, replays the IMA measurement log (the binary
 * format of binary_runtime_measurements_sha256) for one PCR of the sha256
 * bank, compares it with the quoted PCR digest, then walks the records of
 * that PCR: DIGLIM's critical data records (additions and deletions of
 * lists, named by their digest) are applied in order as the kernel applied
 * them and must name trusted lists, reads of trusted list files are
 * recognised, and every other file record is reported as unknown.
 *
 * The formats come from the kernel (security/integrity/ima/ima_fs.c,
 * ima_template_lib.c, ima_crypto.c) and from the TPM 2.0 specification
 * (TPMS_ATTEST, TPMT_SIGNATURE, TPM2B_PUBLIC, unmarshalled by tss2-mu).
 */

#include <ctype.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <tss2/tss2_mu.h>

#include "common.h"
#include "verify.h"

#define DEFAULT_PCR		11
#define BANK_SIZE		32	/* the sha256 bank */
#define TEMPLATE_NAME_MAX	255
#define MAX_LOG_SIZE		(1UL << 30)

/**
 * struct verify_opts - Command line of diglimctl verify.
 * @log: Binary measurement log (sha256 bank).
 * @msg: TPMS_ATTEST of the quote (tpm2_quote -m).
 * @sig: TPMT_SIGNATURE of the quote (tpm2_quote -s).
 * @key: Trusted attestation key: PEM public key or TPM2B_PUBLIC.
 * @lists: Directory of trusted digest lists.
 * @cert: Certificate the list signatures must verify with, or NULL.
 * @pcrs: PCR values of the quote (tpm2_quote -o), or NULL.
 * @nonce: Expected qualifying data.
 * @nonce_len: Bytes in @nonce.
 * @have_nonce: Whether a nonce was given.
 * @pcr: PCR index.
 */
struct verify_opts {
	const char *log;
	const char *msg;
	const char *sig;
	const char *key;
	const char *lists;
	const char *cert;
	const char *pcrs;
	unsigned char nonce[64];
	size_t nonce_len;
	bool have_nonce;
	unsigned int pcr;
};

/**
 * struct tlist - A trusted digest list.
 * @name: File name in the trusted directory.
 * @file: The whole file, signature trailer included.
 * @len: Length of the list itself (the trailer cut off).
 * @ldig: Digest of the list per algorithm (kernel id), computed on demand.
 * @fdig: Digest of the whole file per algorithm, computed on demand.
 * @added: Whether a DIGLIM record of the covered log adds it.
 */
struct tlist {
	char *name;
	struct buf file;
	size_t len;
	bool added;
	unsigned char *ldig[HASH_ALGO_COUNT];
	unsigned char *fdig[HASH_ALGO_COUNT];
};

/**
 * struct loaded - A list the log shows as loaded.
 * @algo: Algorithm of the list digest (IMA's hash algorithm).
 * @digest: The list digest.
 * @label: Label of the addition.
 * @seq: Sequence number of the addition.
 * @list: The trusted list with that digest, NULL if untrusted.
 */
struct loaded {
	const struct algo *algo;
	unsigned char digest[MAX_DIGEST_SIZE];
	char *label;
	unsigned long long seq;
	struct tlist *list;
};

/**
 * struct entry - One record of the binary measurement log.
 * @index: Position in the log, from 0.
 * @pcr: PCR index.
 * @digest: Template digest of the sha256 bank (BANK_SIZE bytes).
 * @tmpl: Template name (not NUL-terminated).
 * @tmpl_len: Its length.
 * @data: Template data as logged.
 * @len: Its length.
 */
struct entry {
	size_t index;
	uint32_t pcr;
	const unsigned char *digest;
	const char *tmpl;
	uint32_t tmpl_len;
	const unsigned char *data;
	uint32_t len;
};

/**
 * struct verifier - State of one verification.
 * @o: Options.
 * @lists: Trusted lists, sorted by file name.
 * @nlists: Number of @lists.
 * @set: Lists loaded at the current point of the log.
 * @nset: Number of @set.
 * @status: Highest &enum verify_status found so far.
 * @have_seq: Whether a DIGLIM record was seen.
 * @last_seq: Sequence number of the last DIGLIM record.
 * @added: Additions seen.
 * @deleted: Deletions seen.
 * @unknown: Unknown files (and violations).
 * @list_reads: Reads of trusted list files.
 * @listed: Files found in a loaded list.
 * @anomalies: Records the kernel cannot have written.
 * @untrusted: Additions of untrusted lists.
 */
struct verifier {
	const struct verify_opts *o;
	struct tlist *lists;
	size_t nlists;
	struct loaded *set;
	size_t nset;
	int status;
	bool have_seq;
	unsigned long long last_seq;
	unsigned int added, deleted, unknown, list_reads, listed, anomalies;
	unsigned int untrusted;
};

static void raise_status(struct verifier *v, int status)
{
	if (status > v->status)
		v->status = status;
}

static void ssl_errors(void)
{
	unsigned long e;
	char buf[256];

	while ((e = ERR_get_error())) {
		ERR_error_string_n(e, buf, sizeof(buf));
		err_msg("  %s", buf);
	}
}

/* Prints @len bytes, escaping anything that is not printable ASCII. */
static void put_escaped(const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] > ' ' && s[i] < 0x7f && s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02x", s[i]);
	}
}

static void put_hex(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
}

static void put_digest(const struct algo *algo, const unsigned char *d)
{
	printf("%s:", algo->name);
	put_hex(d, algo->size);
}

static bool md_digest(const char *ossl, const void *data, size_t len,
		      unsigned char *out)
{
	EVP_MD *md = EVP_MD_fetch(NULL, ossl, NULL);
	bool ok = md && EVP_Digest(data, len, out, NULL, md, NULL);

	EVP_MD_free(md);
	return ok;
}

static void sha256(const void *data, size_t len, unsigned char *out)
{
	if (!md_digest("SHA256", data, len, out)) {
		err_msg("SHA256 is not available in libcrypto");
		exit(VERIFY_USAGE);
	}
}

/* ---- the attestation key ---------------------------------------------- */

static EVP_PKEY *pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *key = NULL;

	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return key;
}

static EVP_PKEY *rsa_from_tpm(const TPMT_PUBLIC *pub)
{
	const TPM2B_PUBLIC_KEY_RSA *n = &pub->unique.rsa;
	uint32_t exp = pub->parameters.rsaDetail.exponent ?: 65537;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn = BN_bin2bn(n->buffer, n->size, NULL);
	BIGNUM *be = BN_new();
	EVP_PKEY *key = NULL;

	if (bld && bn && be && BN_set_word(be, exp) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
		key = pkey_fromdata("RSA", bld);
	BN_free(bn);
	BN_free(be);
	OSSL_PARAM_BLD_free(bld);
	return key;
}

static EVP_PKEY *ecc_from_tpm(const TPMT_PUBLIC *pub)
{
	const TPMS_ECC_POINT *q = &pub->unique.ecc;
	unsigned char point[1 + 2 * 66] = { 0x04 };
	OSSL_PARAM_BLD *bld;
	EVP_PKEY *key = NULL;
	const char *group;
	size_t size;

	switch (pub->parameters.eccDetail.curveID) {
	case TPM2_ECC_NIST_P256:
		group = "prime256v1";
		size = 32;
		break;
	case TPM2_ECC_NIST_P384:
		group = "secp384r1";
		size = 48;
		break;
	case TPM2_ECC_NIST_P521:
		group = "secp521r1";
		size = 66;
		break;
	default:
		err_msg("unsupported ECC curve 0x%x",
			pub->parameters.eccDetail.curveID);
		return NULL;
	}
	if (q->x.size > size || q->y.size > size)
		return NULL;
	/* Coordinates are big-endian and may come without leading zeros. */
	memcpy(point + 1 + size - q->x.size, q->x.buffer, q->x.size);
	memcpy(point + 1 + 2 * size - q->y.size, q->y.buffer, q->y.size);

	bld = OSSL_PARAM_BLD_new();
	if (bld &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					    group, 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					     point, 1 + 2 * size))
		key = pkey_fromdata("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return key;
}

/*
 * Loads the trusted attestation key: a PEM public key (tpm2_createak
 * -f pem, openssl pkey -pubout) or a TPM2B_PUBLIC (tpm2_createak -u).
 */
static EVP_PKEY *load_key(const char *path)
{
	static const char pem[] = "-----BEGIN";
	struct buf b = { 0 };
	EVP_PKEY *key = NULL;
	TPM2B_PUBLIC pub;
	size_t off = 0;
	BIO *bio;

	if (read_file(path, &b))
		return NULL;
	/* tss2-mu refuses to unmarshal into a TPM2B whose size is not 0. */
	memset(&pub, 0, sizeof(pub));
	if (b.len >= sizeof(pem) - 1 && !memcmp(b.data, pem, sizeof(pem) - 1)) {
		bio = BIO_new_mem_buf(b.data, b.len);
		key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
		if (!key) {
			err_msg("%s: not a PEM public key", path);
			ssl_errors();
		}
	} else if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(b.data, b.len, &off,
						  &pub) ||
		   off != b.len) {
		err_msg("%s: neither a PEM public key nor a TPM2B_PUBLIC",
			path);
	} else if (pub.publicArea.type == TPM2_ALG_RSA) {
		key = rsa_from_tpm(&pub.publicArea);
	} else if (pub.publicArea.type == TPM2_ALG_ECC) {
		key = ecc_from_tpm(&pub.publicArea);
	} else {
		err_msg("%s: unsupported key type 0x%x", path,
			pub.publicArea.type);
	}
	if (!key && b.len && off == b.len)
		err_msg("%s: cannot use this TPM public key", path);
	buf_free(&b);
	return key;
}

/* ---- the quote -------------------------------------------------------- */

/* OpenSSL name and size of a TPM hash algorithm. */
static const char *tpm_md(TPM2_ALG_ID alg, size_t *size)
{
	switch (alg) {
	case TPM2_ALG_SHA1:
		*size = 20;
		return "SHA1";
	case TPM2_ALG_SHA256:
		*size = 32;
		return "SHA256";
	case TPM2_ALG_SHA384:
		*size = 48;
		return "SHA384";
	case TPM2_ALG_SHA512:
		*size = 64;
		return "SHA512";
	default:
		return NULL;
	}
}

static int ecdsa_der(const TPMS_SIGNATURE_ECC *ecc, unsigned char **der)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(ecc->signatureR.buffer, ecc->signatureR.size,
			      NULL);
	BIGNUM *ss = BN_bin2bn(ecc->signatureS.buffer, ecc->signatureS.size,
			       NULL);
	int len = -1;

	if (s && r && ss && ECDSA_SIG_set0(s, r, ss)) {
		r = NULL;
		ss = NULL;
		*der = NULL;
		len = i2d_ECDSA_SIG(s, der);
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	return len;
}

/*
 * Verifies @sig over @msg with @key. Returns 0 or -EBADMSG after printing
 * why. Sets @md_name and @md_size to the hash of the signature scheme (the
 * TPM also computes the quote's PCR digest with it).
 */
static int verify_signature(EVP_PKEY *key, const TPMT_SIGNATURE *sig,
			    const unsigned char *msg, size_t len,
			    const char **md_name, size_t *md_size)
{
	unsigned char digest[EVP_MAX_MD_SIZE], *der = NULL;
	const unsigned char *sigbuf;
	EVP_PKEY_CTX *ctx = NULL;
	TPM2_ALG_ID hash;
	size_t mdsize = 0, siglen;
	const char *scheme, *type;
	EVP_MD *md = NULL;
	int pad = 0, ret = -EBADMSG, n;

	switch (sig->sigAlg) {
	case TPM2_ALG_RSASSA:
	case TPM2_ALG_RSAPSS:
		/* rsassa and rsapss share the layout of TPMS_SIGNATURE_RSA. */
		hash = sig->signature.rsassa.hash;
		sigbuf = sig->signature.rsassa.sig.buffer;
		siglen = sig->signature.rsassa.sig.size;
		pad = sig->sigAlg == TPM2_ALG_RSASSA ? RSA_PKCS1_PADDING :
						       RSA_PKCS1_PSS_PADDING;
		scheme = sig->sigAlg == TPM2_ALG_RSASSA ? "RSASSA" : "RSAPSS";
		type = "RSA";
		break;
	case TPM2_ALG_ECDSA:
		hash = sig->signature.ecdsa.hash;
		n = ecdsa_der(&sig->signature.ecdsa, &der);
		if (n < 0) {
			printf("quote: bad: malformed ECDSA signature\n");
			return -EBADMSG;
		}
		sigbuf = der;
		siglen = n;
		scheme = "ECDSA";
		type = "EC";
		break;
	default:
		printf("quote: bad: unsupported signature scheme 0x%x\n",
		       sig->sigAlg);
		return -EBADMSG;
	}

	*md_name = tpm_md(hash, &mdsize);
	*md_size = mdsize;
	if (!*md_name) {
		printf("quote: bad: unsupported signature hash 0x%x\n", hash);
		goto out;
	}
	if (!EVP_PKEY_is_a(key, type)) {
		printf("quote: bad: %s signature, but the trusted key is not %s\n",
		       scheme, type);
		goto out;
	}
	md = EVP_MD_fetch(NULL, *md_name, NULL);
	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (!md || !ctx || !EVP_Digest(msg, len, digest, NULL, md, NULL) ||
	    EVP_PKEY_verify_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0 ||
	    (pad && EVP_PKEY_CTX_set_rsa_padding(ctx, pad) <= 0) ||
	    (pad == RSA_PKCS1_PSS_PADDING &&
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) <= 0)) {
		err_msg("libcrypto cannot verify a %s-%s signature", scheme,
			*md_name);
		ssl_errors();
		goto out;
	}
	if (EVP_PKEY_verify(ctx, sigbuf, siglen, digest, mdsize) == 1) {
		printf("quote: signature %s-%s verified with the trusted key\n",
		       scheme, *md_name);
		ret = 0;
	} else {
		printf("quote: bad: the %s-%s signature does not verify with the trusted key\n",
		       scheme, *md_name);
	}
	ERR_clear_error();
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_MD_free(md);
	OPENSSL_free(der);
	return ret;
}

/* Whether @sel selects exactly PCR @pcr of the sha256 bank. */
static bool selects_only(const TPML_PCR_SELECTION *sel, unsigned int pcr)
{
	const TPMS_PCR_SELECTION *s = &sel->pcrSelections[0];
	unsigned int i;

	if (sel->count != 1 || s->hash != TPM2_ALG_SHA256 ||
	    pcr / 8 >= s->sizeofSelect)
		return false;
	for (i = 0; i < s->sizeofSelect; i++) {
		if (s->pcrSelect[i] != (i == pcr / 8 ? 1U << (pcr % 8) : 0))
			return false;
	}
	return true;
}

static void put_selection(const TPML_PCR_SELECTION *sel)
{
	const TPMS_PCR_SELECTION *s;
	unsigned int i, j, bit, n;

	for (i = 0; i < sel->count && i < TPM2_NUM_PCR_BANKS; i++) {
		s = &sel->pcrSelections[i];
		printf("%s0x%04x:", i ? " " : "", s->hash);
		n = 0;
		for (j = 0; j < s->sizeofSelect && j < TPM2_PCR_SELECT_MAX; j++) {
			for (bit = 0; bit < 8; bit++) {
				if (s->pcrSelect[j] & 1U << bit)
					printf("%s%u", n++ ? "," : "", j * 8 + bit);
			}
		}
	}
	if (!sel->count)
		printf("none");
}

/*
 * Finds the value of PCR @pcr of the sha256 bank in a file that tpm2_quote
 * -o wrote in its default "serialized" format: the TPML_PCR_SELECTION and
 * TPML_DIGEST structures as tpm2-tools holds them in memory (not
 * marshalled: host byte order and padding), a u32 count of TPML_DIGEST,
 * then those, the values in selection order, 8 per TPML_DIGEST.
 */
static int read_pcrs_file(const char *path, unsigned int pcr,
			  unsigned char *value)
{
	const TPMS_PCR_SELECTION *s;
	TPML_PCR_SELECTION sel;
	struct buf b = { 0 };
	TPML_DIGEST list;
	size_t off, k = 0;
	unsigned int i, j;
	uint32_t count;
	int err;

	err = read_file(path, &b);
	if (err)
		return err;
	err = -EINVAL;
	if (b.len < sizeof(sel) + sizeof(count))
		goto out;
	memcpy(&sel, b.data, sizeof(sel));
	memcpy(&count, b.data + sizeof(sel), sizeof(count));
	off = sizeof(sel) + sizeof(count);
	if (sel.count > TPM2_NUM_PCR_BANKS ||
	    count > (b.len - off) / sizeof(list) ||
	    b.len != off + count * sizeof(list))
		goto out;
	for (i = 0; i < sel.count; i++) {
		s = &sel.pcrSelections[i];
		if (s->sizeofSelect > TPM2_PCR_SELECT_MAX)
			goto out;
		for (j = 0; j < s->sizeofSelect * 8U; j++) {
			if (!(s->pcrSelect[j / 8] & 1U << (j % 8)))
				continue;
			if (k / 8 >= count)
				goto out;
			memcpy(&list, b.data + off + k / 8 * sizeof(list),
			       sizeof(list));
			if (k % 8 >= list.count)
				goto out;
			if (s->hash == TPM2_ALG_SHA256 && j == pcr) {
				if (list.digests[k % 8].size != BANK_SIZE)
					goto out;
				memcpy(value, list.digests[k % 8].buffer,
				       BANK_SIZE);
				err = 0;
				goto out;
			}
			k++;
		}
	}
	err = -ENOENT;
out:
	buf_free(&b);
	return err;
}

/**
 * struct quote - What the verifier takes from a quote.
 * @md: OpenSSL name of the hash of the signature scheme.
 * @md_size: Its digest size.
 * @pcr_digest: The quoted PCR digest.
 * @pcr_digest_len: Its length.
 */
struct quote {
	const char *md;
	size_t md_size;
	unsigned char pcr_digest[64];
	size_t pcr_digest_len;
};

/*
 * The PCR values file is not signed: it is only worth something if it
 * hashes to the quoted digest. Returns 0 if it does.
 */
static int check_pcrs_file(const struct verify_opts *o, const struct quote *q)
{
	unsigned char value[BANK_SIZE], d[EVP_MAX_MD_SIZE];
	int err = read_pcrs_file(o->pcrs, o->pcr, value);

	if (err) {
		printf("quote: bad: %s: %s\n", o->pcrs,
		       err == -ENOENT ? "no value of the PCR" :
		       "not a PCR values file of tpm2_quote -o");
		return -EINVAL;
	}
	printf("quote: PCR %u ", o->pcr);
	put_hex(value, BANK_SIZE);
	if (!q->md || q->pcr_digest_len != q->md_size ||
	    !md_digest(q->md, value, BANK_SIZE, d) ||
	    memcmp(d, q->pcr_digest, q->md_size)) {
		printf(" in %s does not hash to the quoted digest\n", o->pcrs);
		printf("quote: bad: PCR values file\n");
		return -EINVAL;
	}
	printf(" (hashes to the quoted digest)\n");
	return 0;
}

/*
 * Checks the quote. Returns 0, VERIFY_BAD_QUOTE or VERIFY_USAGE; @q is
 * filled whenever the message could be parsed.
 */
static int check_quote(const struct verify_opts *o, EVP_PKEY *key,
		       struct quote *q)
{
	struct buf msg = { 0 }, sigfile = { 0 };
	TPMT_SIGNATURE sig;
	TPMS_ATTEST att;
	size_t off = 0, soff = 0;
	int ret = VERIFY_USAGE;
	bool bad = false;

	q->md = NULL;
	q->pcr_digest_len = 0;
	if (read_file(o->msg, &msg) || read_file(o->sig, &sigfile))
		goto out;
	ret = VERIFY_BAD_QUOTE;
	memset(&att, 0, sizeof(att));
	memset(&sig, 0, sizeof(sig));
	if (Tss2_MU_TPMS_ATTEST_Unmarshal(msg.data, msg.len, &off, &att) ||
	    off != msg.len) {
		printf("quote: bad: %s is not a TPMS_ATTEST\n", o->msg);
		goto out;
	}
	if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(sigfile.data, sigfile.len, &soff,
					     &sig) ||
	    soff != sigfile.len) {
		printf("quote: bad: %s is not a TPMT_SIGNATURE\n", o->sig);
		goto out;
	}
	if (verify_signature(key, &sig, msg.data, msg.len, &q->md,
			     &q->md_size))
		bad = true;
	if (att.magic != TPM2_GENERATED_VALUE) {
		printf("quote: bad: magic 0x%08x, not TPM_GENERATED_VALUE\n",
		       att.magic);
		bad = true;
	}
	if (att.type != TPM2_ST_ATTEST_QUOTE) {
		printf("quote: bad: type 0x%04x, not TPM_ST_ATTEST_QUOTE\n",
		       att.type);
		goto out;
	}
	printf("quote: PCR selection ");
	put_selection(&att.attested.quote.pcrSelect);
	if (!selects_only(&att.attested.quote.pcrSelect, o->pcr)) {
		printf(", not exactly PCR %u of the sha256 bank (0x%04x)\n",
		       o->pcr, TPM2_ALG_SHA256);
		printf("quote: bad: PCR selection\n");
		bad = true;
	} else {
		printf("\n");
	}
	if (!o->have_nonce) {
		printf("quote: bad: no nonce given to check the quote's against\n");
		bad = true;
	} else if (att.extraData.size != o->nonce_len ||
		   CRYPTO_memcmp(att.extraData.buffer, o->nonce,
				 o->nonce_len)) {
		printf("quote: bad: nonce ");
		put_hex(att.extraData.buffer, att.extraData.size);
		printf(", expected ");
		put_hex(o->nonce, o->nonce_len);
		printf("\n");
		bad = true;
	} else {
		printf("quote: nonce matches\n");
	}
	printf("quote: reset count %u, restart count %u, clock %llu ms\n",
	       att.clockInfo.resetCount, att.clockInfo.restartCount,
	       (unsigned long long)att.clockInfo.clock);
	q->pcr_digest_len = att.attested.quote.pcrDigest.size;
	if (q->pcr_digest_len > sizeof(q->pcr_digest))
		q->pcr_digest_len = sizeof(q->pcr_digest);
	memcpy(q->pcr_digest, att.attested.quote.pcrDigest.buffer,
	       q->pcr_digest_len);
	printf("quote: PCR digest ");
	put_hex(q->pcr_digest, q->pcr_digest_len);
	printf("\n");
	if (o->pcrs && check_pcrs_file(o, q))
		bad = true;
	if (!q->md)
		bad = true;
	ret = bad ? VERIFY_BAD_QUOTE : 0;
out:
	buf_free(&msg);
	buf_free(&sigfile);
	return ret;
}

/* ---- the trusted lists ------------------------------------------------ */

static X509 *load_cert(const char *path)
{
	X509 *cert = cert_read(path);

	if (!cert) {
		err_msg("%s: cannot read the certificate (PEM or DER)", path);
		ssl_errors();
	}
	ERR_clear_error();
	return cert;
}

static int skip_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * Loads the trusted lists of @dir: every regular file that is a valid
 * compact list (after its signature trailer is cut), and, with @cert_path,
 * whose signature verifies. Other files are named on stderr and ignored.
 */
static int load_lists(struct verifier *v, const char *dir,
		      const char *cert_path)
{
	struct dirent **names;
	X509 *cert = NULL;
	struct tlist *t;
	char path[PATH_MAX], why[160];
	const char *bad;
	struct stat st;
	int i, n;

	if (cert_path) {
		cert = load_cert(cert_path);
		if (!cert)
			return -EINVAL;
	}
	n = scandir(dir, &names, skip_hidden, alphasort);
	if (n < 0) {
		err_msg("%s: %s", dir, strerror(errno));
		X509_free(cert);
		return -errno;
	}
	v->lists = xmalloc(sizeof(*v->lists) * (n ?: 1));
	for (i = 0; i < n; i++) {
		t = &v->lists[v->nlists];
		memset(t, 0, sizeof(*t));
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]->d_name) >= sizeof(path) ||
		    stat(path, &st) || !S_ISREG(st.st_mode))
			goto next;
		if (read_file(path, &t->file))
			goto drop;
		bad = NULL;
		if (cert) {
			bad = modsig_check(t->file.data, t->file.len, cert,
					   &t->len);
			ERR_clear_error();
		} else {
			t->len = modsig_strip(t->file.data, t->file.len);
			if (t->len == (size_t)-1)
				bad = "malformed signature trailer";
		}
		if (bad) {
			err_msg("%s: not trusted: %s", path, bad);
			goto drop;
		}
		if (list_check(t->file.data, t->len, why, sizeof(why)) < 0) {
			err_msg("%s: not trusted: not a valid compact list: %s",
				path, why);
			goto drop;
		}
		t->name = xstrdup(names[i]->d_name);
		v->nlists++;
		goto next;
drop:
		buf_free(&t->file);
next:
		free(names[i]);
	}
	free(names);
	X509_free(cert);
	if (!v->nlists)
		err_msg("%s: no trusted list", dir);
	return 0;
}

/* Digest of a list (@whole: of its whole file) with @algo, or NULL. */
static const unsigned char *tlist_digest(struct tlist *t,
					 const struct algo *algo, bool whole)
{
	unsigned char **d = whole ? &t->fdig[algo->id] : &t->ldig[algo->id];

	if (!*d && algo->ossl) {
		*d = xmalloc(algo->size);
		if (!md_digest(algo->ossl, t->file.data,
			       whole ? t->file.len : t->len, *d)) {
			free(*d);
			*d = NULL;
		}
	}
	return *d;
}

static struct tlist *find_list(struct verifier *v, const struct algo *algo,
			       const unsigned char *digest, bool whole)
{
	const unsigned char *d;
	size_t i;

	for (i = 0; i < v->nlists; i++) {
		d = tlist_digest(&v->lists[i], algo, whole);
		if (d && !memcmp(d, digest, algo->size))
			return &v->lists[i];
	}
	return NULL;
}

/* Whether @t has @digest in a block of parser or file digests of @algo. */
static bool list_has(const struct tlist *t, const struct algo *algo,
		     const unsigned char *digest)
{
	const struct compact_list_hdr *hdr;
	const unsigned char *p;
	size_t off = 0;
	uint32_t i;

	while (off + HDR_SIZE <= t->len) {
		hdr = (const void *)(t->file.data + off);
		p = t->file.data + off + HDR_SIZE;
		off += HDR_SIZE + le32toh(hdr->datalen);
		if (le16toh(hdr->algo) != algo->id ||
		    le16toh(hdr->type) > COMPACT_FILE)
			continue;
		for (i = 0; i < le32toh(hdr->count); i++) {
			if (!memcmp(p + (size_t)i * algo->size, digest,
				    algo->size))
				return true;
		}
	}
	return false;
}

/* ---- the measurement log ---------------------------------------------- */

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool tmpl_is(const struct entry *e, const char *name)
{
	return e->tmpl_len == strlen(name) &&
	       !memcmp(e->tmpl, name, e->tmpl_len);
}

/*
 * Reads the measurement log. read_file() stops at the size of the largest
 * list; a log of a long-running system can be larger.
 */
static int read_log(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	unsigned char tmp[65536];
	size_t n;
	int err = 0;

	if (!f) {
		err_msg("%s: %s", path, strerror(errno));
		return -errno;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (out->len + n > MAX_LOG_SIZE) {
			err_msg("%s: larger than %lu MiB", path,
				MAX_LOG_SIZE >> 20);
			err = -EFBIG;
			break;
		}
		buf_append(out, tmp, n);
	}
	if (!err && ferror(f)) {
		err_msg("%s: %s", path, strerror(errno));
		err = -EIO;
	}
	fclose(f);
	return err;
}

/*
 * Splits the binary log @log into entries. Returns the number of entries
 * or -EINVAL after printing where the log is malformed.
 */
static long parse_log(const struct buf *log, struct entry **out)
{
	const unsigned char *p = log->data, *end = log->data + log->len;
	struct entry *e = NULL;
	size_t n = 0, cap = 0;
	uint32_t len;

	while (p < end) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			e = xrealloc(e, cap * sizeof(*e));
		}
		if ((size_t)(end - p) < 4 + BANK_SIZE + 4)
			goto bad;
		e[n].index = n;
		e[n].pcr = get_u32(p);
		e[n].digest = p + 4;
		len = get_u32(p + 4 + BANK_SIZE);
		p += 4 + BANK_SIZE + 4;
		if (!len || len > TEMPLATE_NAME_MAX || len > (size_t)(end - p))
			goto bad;
		e[n].tmpl = (const char *)p;
		e[n].tmpl_len = len;
		p += len;
		if (tmpl_is(&e[n], "ima")) {
			/* Legacy: a 20-byte digest, then a counted name. */
			if ((size_t)(end - p) < 24 ||
			    get_u32(p + 20) > (size_t)(end - p) - 24)
				goto bad;
			len = 24 + get_u32(p + 20);
			e[n].data = p;
		} else {
			if ((size_t)(end - p) < 4)
				goto bad;
			len = get_u32(p);
			p += 4;
			if (len > (size_t)(end - p))
				goto bad;
			e[n].data = p;
		}
		e[n].len = len;
		p += len;
		n++;
	}
	*out = e;
	return n;
bad:
	printf("log: bad: entry %zu at offset %zu is truncated or malformed\n",
	       n, (size_t)(p - log->data));
	free(e);
	return -EINVAL;
}

/* Template data field @i of @e, or false if the data has fewer fields. */
static bool get_field(const struct entry *e, unsigned int i,
		      const unsigned char **f, uint32_t *flen)
{
	size_t off = 0;
	uint32_t len;

	for (;;) {
		if (e->len - off < 4)
			return false;
		len = get_u32(e->data + off);
		if (len > e->len - off - 4)
			return false;
		if (!i--) {
			*f = e->data + off + 4;
			*flen = len;
			return true;
		}
		off += 4 + len;
	}
}

static unsigned int count_fields(const struct entry *e)
{
	unsigned int n = 0;
	size_t off = 0;
	uint32_t len;

	while (off < e->len) {
		if (e->len - off < 4)
			return UINT_MAX;
		len = get_u32(e->data + off);
		if (len > e->len - off - 4)
			return UINT_MAX;
		off += 4 + len;
		n++;
	}
	return n;
}

/*
 * Parses a d-ng ("<algo>:\0<digest>") or, with @v2, a d-ngv2 field
 * ("<type>:<algo>:\0<digest>"). Returns the algorithm and sets @digest.
 */
static const struct algo *parse_digest_field(const unsigned char *f,
					     uint32_t len, bool v2,
					     const unsigned char **digest)
{
	const unsigned char *nul = memchr(f, '\0', len), *start = f, *colon;
	const struct algo *algo;
	char name[32];
	size_t n;

	if (!nul || nul == f || nul[-1] != ':')
		return NULL;
	n = nul - 1 - f;
	if (v2) {
		colon = memchr(f, ':', n);
		if (!colon)
			return NULL;
		start = colon + 1;
		n -= start - f;
	}
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, start, n);
	name[n] = '\0';
	algo = algo_by_name(name);
	if (!algo || (size_t)(f + len - (nul + 1)) != algo->size)
		return NULL;
	*digest = nul + 1;
	return algo;
}

/* The name field (n-ng): @name, @len without the terminating NUL. */
static bool get_name(const struct entry *e, const unsigned char **name,
		     uint32_t *len)
{
	const unsigned char *nul;

	if (!get_field(e, 1, name, len) || !*len)
		return false;
	nul = memchr(*name, '\0', *len);
	if (!nul)
		return false;
	*len = nul - *name;
	return true;
}

static bool is_zero(const unsigned char *p, size_t len)
{
	while (len--) {
		if (*p++)
			return false;
	}
	return true;
}

static void report_anomaly(struct verifier *v, const struct entry *e,
			   const char *what)
{
	printf("anomaly: entry %zu: %s\n", e->index, what);
	v->anomalies++;
	raise_status(v, VERIFY_BAD_RECORDS);
}

/*
 * struct diglim_event - A parsed DIGLIM event name,
 * "<add|del>_<file|buffer>_<label>#<seq>".
 */
struct diglim_event {
	bool add;
	bool file;
	const char *label;
	size_t label_len;
	unsigned long long seq;
};

static bool parse_event(const unsigned char *name, uint32_t len,
			struct diglim_event *ev)
{
	static const struct {
		const char *prefix;
		bool add, file;
	} ops[] = {
		{ "add_file_", true, true },
		{ "add_buffer_", true, false },
		{ "del_file_", false, true },
		{ "del_buffer_", false, false },
	};
	const unsigned char *hash = NULL, *p;
	unsigned long long seq = 0;
	unsigned int i;
	size_t n;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		n = strlen(ops[i].prefix);
		if (len > n && !memcmp(name, ops[i].prefix, n))
			break;
	}
	if (i == ARRAY_SIZE(ops))
		return false;
	ev->add = ops[i].add;
	ev->file = ops[i].file;
	name += n;
	len -= n;
	for (p = name; p < name + len; p++) {
		if (*p <= ' ' || *p >= 0x7f)
			return false;
		if (*p == '#')
			hash = p;
	}
	/* The label may hold '#': the sequence number follows the last. */
	if (!hash || hash == name || hash + 1 == name + len)
		return false;
	for (p = hash + 1; p < name + len; p++) {
		if (!isdigit(*p) || seq > (ULLONG_MAX - 9) / 10)
			return false;
		seq = seq * 10 + (*p - '0');
	}
	ev->label = (const char *)name;
	ev->label_len = hash - name;
	ev->seq = seq;
	return ev->label_len <= 255;
}

static struct loaded *find_loaded(struct verifier *v, const struct algo *algo,
				  const unsigned char *digest)
{
	size_t i;

	for (i = 0; i < v->nset; i++) {
		if (v->set[i].algo == algo &&
		    !memcmp(v->set[i].digest, digest, algo->size))
			return &v->set[i];
	}
	return NULL;
}

static void put_event(const struct diglim_event *ev)
{
	put_escaped(ev->label, ev->label_len);
	printf(" (%s, seq %llu)", ev->file ? "file" : "buffer", ev->seq);
}

/* A DIGLIM record: ima-buf, d-ng = H(list digest), buf = list digest. */
static void diglim_record(struct verifier *v, const struct entry *e)
{
	const unsigned char *dng, *name, *buf, *ddig;
	unsigned char check[MAX_DIGEST_SIZE];
	uint32_t dlen, nlen, blen;
	struct diglim_event ev;
	const struct algo *algo;
	struct loaded *l;
	struct tlist *t;

	if (count_fields(e) != 3 || !get_field(e, 0, &dng, &dlen) ||
	    !get_name(e, &name, &nlen) || !get_field(e, 2, &buf, &blen)) {
		report_anomaly(v, e, "malformed ima-buf record");
		return;
	}
	if (!parse_event(name, nlen, &ev)) {
		printf("anomaly: entry %zu: ima-buf record '", e->index);
		put_escaped(name, nlen);
		printf("' is not a DIGLIM record\n");
		v->anomalies++;
		raise_status(v, VERIFY_BAD_RECORDS);
		return;
	}
	algo = parse_digest_field(dng, dlen, false, &ddig);
	if (!algo || blen != algo->size) {
		report_anomaly(v, e, "DIGLIM record without a list digest of IMA's algorithm");
		return;
	}
	if (!algo->ossl || !md_digest(algo->ossl, buf, blen, check) ||
	    memcmp(check, ddig, algo->size)) {
		report_anomaly(v, e,
			       "the d-ng digest of a DIGLIM record is not the hash of its buf");
		return;
	}
	if (v->have_seq && ev.seq <= v->last_seq) {
		printf("anomaly: entry %zu: sequence number %llu after %llu\n",
		       e->index, ev.seq, v->last_seq);
		v->anomalies++;
		raise_status(v, VERIFY_BAD_RECORDS);
	}
	v->have_seq = true;
	v->last_seq = ev.seq;

	l = find_loaded(v, algo, buf);
	if (ev.add) {
		if (l) {
			printf("anomaly: entry %zu: list ", e->index);
			put_digest(algo, buf);
			printf(" added again (loaded with label ");
			put_escaped(l->label, strlen(l->label));
			printf(" at seq %llu)\n", l->seq);
			v->anomalies++;
			raise_status(v, VERIFY_BAD_RECORDS);
			return;
		}
		t = find_list(v, algo, buf, false);
		printf("%s: ", t ? "list added" : "untrusted list added");
		put_event(&ev);
		printf(" ");
		put_digest(algo, buf);
		if (t)
			printf(" %s\n", t->name);
		else
			printf(" is not in the trusted set\n");
		if (!t) {
			v->untrusted++;
			raise_status(v, VERIFY_UNTRUSTED_LIST);
		}
		v->set = xrealloc(v->set, (v->nset + 1) * sizeof(*v->set));
		l = &v->set[v->nset++];
		l->algo = algo;
		memcpy(l->digest, buf, algo->size);
		l->label = xmalloc(ev.label_len + 1);
		memcpy(l->label, ev.label, ev.label_len);
		l->label[ev.label_len] = '\0';
		l->seq = ev.seq;
		l->list = t;
		v->added++;
		return;
	}

	/*
	 * The kernel records the deletion of a list that was not measured
	 * (or was measured into another PCR) wherever the policy says: it
	 * does not change the set of lists this PCR vouches for.
	 */
	if (!l) {
		printf("list deleted, not loaded in this PCR: entry %zu: ",
		       e->index);
		put_digest(algo, buf);
		printf(" ");
		put_event(&ev);
		printf("\n");
		return;
	}
	if (strlen(l->label) != ev.label_len ||
	    memcmp(l->label, ev.label, ev.label_len)) {
		printf("anomaly: entry %zu: deletion of list ", e->index);
		put_digest(algo, buf);
		printf(" with label ");
		put_escaped(ev.label, ev.label_len);
		printf(", added with label ");
		put_escaped(l->label, strlen(l->label));
		printf("\n");
		v->anomalies++;
		raise_status(v, VERIFY_BAD_RECORDS);
		return;
	}
	printf("list deleted: ");
	put_event(&ev);
	printf(" ");
	put_digest(algo, buf);
	printf(" %s\n", l->list ? l->list->name : "(untrusted)");
	free(l->label);
	*l = v->set[--v->nset];
	v->deleted++;
}

/* A file record: ima-ng and the templates that start like it. */
static void file_record(struct verifier *v, const struct entry *e, bool v2,
			bool violation)
{
	const unsigned char *dfield, *name, *digest;
	const struct algo *algo;
	uint32_t dlen, nlen;
	bool loaded;
	struct tlist *t;
	size_t i;

	if (!get_field(e, 0, &dfield, &dlen) || !get_name(e, &name, &nlen)) {
		report_anomaly(v, e, "malformed file record");
		return;
	}
	if (violation) {
		printf("violation: ");
		put_escaped(name, nlen);
		printf("\n");
		v->unknown++;
		raise_status(v, VERIFY_UNKNOWN_FILE);
		return;
	}
	algo = parse_digest_field(dfield, dlen, v2, &digest);
	if (!algo) {
		report_anomaly(v, e, "malformed file digest field");
		return;
	}
	if (e->index == 0 && nlen == 14 && !memcmp(name, "boot_aggregate", 14)) {
		printf("boot aggregate: ");
		put_digest(algo, digest);
		printf(" (not checked: needs the TPM event log)\n");
		return;
	}
	t = find_list(v, algo, digest, true);
	if (t) {
		printf("list file read: ");
		put_escaped(name, nlen);
		printf(" ");
		put_digest(algo, digest);
		printf(" %s\n", t->name);
		v->list_reads++;
		return;
	}
	for (i = 0; i < v->nset; i++) {
		if (v->set[i].list && list_has(v->set[i].list, algo, digest))
			break;
	}
	t = i < v->nset ? v->set[i].list : NULL;
	loaded = t;
	/* Measured before its list was loaded, or after it was deleted. */
	for (i = 0; !t && i < v->nlists; i++) {
		if (v->lists[i].added && list_has(&v->lists[i], algo, digest))
			t = &v->lists[i];
	}
	if (t) {
		printf("listed file measured: ");
		put_escaped(name, nlen);
		printf(" ");
		put_digest(algo, digest);
		printf(" in %s%s\n", t->name, loaded ? "" : ", not loaded then");
		v->listed++;
		return;
	}
	printf("unknown file: ");
	put_escaped(name, nlen);
	printf(" ");
	put_digest(algo, digest);
	for (i = 0; i < v->nlists; i++) {
		if (list_has(&v->lists[i], algo, digest)) {
			printf(" (in the trusted list %s, never loaded)",
			       v->lists[i].name);
			break;
		}
	}
	printf("\n");
	v->unknown++;
	raise_status(v, VERIFY_UNKNOWN_FILE);
}

/*
 * Marks the trusted lists that a DIGLIM record of @e adds, before the
 * records are judged in order: a file measured while its list was not
 * loaded is still a file of a list the system used.
 */
static void mark_added(struct verifier *v, const struct entry *e)
{
	const unsigned char *dng, *name, *buf, *ddig;
	const struct algo *algo;
	uint32_t dlen, nlen, blen;
	struct diglim_event ev;
	struct tlist *t;

	if (!tmpl_is(e, "ima-buf") || is_zero(e->digest, BANK_SIZE) ||
	    count_fields(e) != 3 || !get_field(e, 0, &dng, &dlen) ||
	    !get_name(e, &name, &nlen) || !get_field(e, 2, &buf, &blen) ||
	    !parse_event(name, nlen, &ev) || !ev.add)
		return;
	algo = parse_digest_field(dng, dlen, false, &ddig);
	if (!algo || blen != algo->size)
		return;
	t = find_list(v, algo, buf, false);
	if (t)
		t->added = true;
}

static void unsupported(struct verifier *v, const struct entry *e)
{
	printf("anomaly: entry %zu: template '", e->index);
	put_escaped(e->tmpl, e->tmpl_len);
	printf("' is not supported\n");
	v->anomalies++;
	raise_status(v, VERIFY_BAD_RECORDS);
}

static void judge(struct verifier *v, const struct entry *e)
{
	bool violation = is_zero(e->digest, BANK_SIZE);

	if (tmpl_is(e, "ima-buf") && !violation)
		diglim_record(v, e);
	else if (tmpl_is(e, "ima-ng") || tmpl_is(e, "ima-sig") ||
		 tmpl_is(e, "ima-modsig") || tmpl_is(e, "ima-buf"))
		file_record(v, e, false, violation);
	else if (tmpl_is(e, "ima-ngv2") || tmpl_is(e, "ima-sigv2"))
		file_record(v, e, true, violation);
	else
		unsupported(v, e);
}

/*
 * Replays the entries of the PCR and finds the prefix of the log that the
 * quote covers (the log may have grown since). Returns the number of
 * entries covered (in the whole log), or -1 if no prefix matches.
 */
static long replay(struct verifier *v, const struct entry *e, size_t n,
		   const struct quote *q)
{
	unsigned char pcr[BANK_SIZE] = { 0 }, ext[2 * BANK_SIZE];
	unsigned char d[EVP_MAX_MD_SIZE];
	size_t i, records = 0, covered_records = 0;
	long covered = -1;
	bool bad = false;

	for (i = 0; i <= n; i++) {
		if (covered < 0 && q->md && q->pcr_digest_len &&
		    md_digest(q->md, pcr, sizeof(pcr), d) &&
		    q->pcr_digest_len == q->md_size &&
		    !memcmp(d, q->pcr_digest, q->pcr_digest_len)) {
			covered = i;
			covered_records = records;
		}
		if (i == n)
			break;
		if (e[i].pcr != v->o->pcr)
			continue;
		records++;
		memcpy(ext, pcr, BANK_SIZE);
		if (is_zero(e[i].digest, BANK_SIZE)) {
			memset(ext + BANK_SIZE, 0xff, BANK_SIZE);
		} else if (tmpl_is(&e[i], "ima")) {
			/* Hashed differently; judge() reports it. */
			memcpy(ext + BANK_SIZE, e[i].digest, BANK_SIZE);
		} else {
			sha256(e[i].data, e[i].len, d);
			if (memcmp(d, e[i].digest, BANK_SIZE)) {
				printf("log: bad: entry %zu: the template digest is not the hash of the template data\n",
				       i);
				bad = true;
			}
			memcpy(ext + BANK_SIZE, e[i].digest, BANK_SIZE);
		}
		sha256(ext, sizeof(ext), pcr);
	}
	printf("log: %zu entries, %zu in PCR %u, replayed PCR %u: ", n,
	       records, v->o->pcr, v->o->pcr);
	put_hex(pcr, BANK_SIZE);
	printf("\n");
	if (bad) {
		raise_status(v, VERIFY_LOG_MISMATCH);
		return -1;
	}
	if (covered < 0) {
		printf("log: bad: no prefix of the log replays to the quoted PCR digest ");
		put_hex(q->pcr_digest, q->pcr_digest_len);
		printf("\n");
		raise_status(v, VERIFY_LOG_MISMATCH);
		return -1;
	}
	printf("log: the quote covers the first %ld entries (%zu in PCR %u)",
	       covered, covered_records, v->o->pcr);
	if (records > covered_records)
		printf("; %zu later entries of PCR %u ignored",
		       records - covered_records, v->o->pcr);
	printf("\n");
	return covered;
}

/* ---- the command ------------------------------------------------------ */

static void verify_usage(FILE *f)
{
	fprintf(f,
		"Usage: diglimctl verify -e LOG -m MSG -s SIG -u KEY -L DIR\n"
		"                        (-q HEX | --nonce-file FILE) [-c CERT] [-p PCR]\n"
		"                        [-f PCRS]\n"
		"Check a TPM quote and the IMA log against trusted digest lists.\n"
		"\n"
		"  -e, --log FILE        binary measurement log (sha256 bank)\n"
		"  -m, --message FILE    quote message (tpm2_quote -m)\n"
		"  -s, --signature FILE  quote signature (tpm2_quote -s)\n"
		"  -u, --key FILE        trusted attestation key (PEM or TPM2B_PUBLIC)\n"
		"  -q, --nonce HEX       the nonce given to tpm2_quote -q\n"
		"      --nonce-file FILE the nonce, raw bytes\n"
		"  -L, --lists DIR       directory of trusted digest lists\n"
		"  -c, --cert FILE       lists must be signed with this certificate\n"
		"  -p, --pcr N           PCR of the DIGLIM records (default 11)\n"
		"  -f, --pcrs FILE       PCR values of the quote (tpm2_quote -o)\n"
		"\n"
		"Exit status: 0 good state, 1 unknown file, 2 usage or input error,\n"
		"3 untrusted list, 4 inconsistent records, 5 log not the quoted one,\n"
		"6 invalid quote (the highest applies). See diglimctl(8).\n");
}

static const struct option verify_opts[] = {
	{ "log", required_argument, NULL, 'e' },
	{ "message", required_argument, NULL, 'm' },
	{ "signature", required_argument, NULL, 's' },
	{ "key", required_argument, NULL, 'u' },
	{ "nonce", required_argument, NULL, 'q' },
	{ "nonce-file", required_argument, NULL, 'N' },
	{ "lists", required_argument, NULL, 'L' },
	{ "cert", required_argument, NULL, 'c' },
	{ "pcr", required_argument, NULL, 'p' },
	{ "pcrs", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int set_nonce_file(struct verify_opts *o, const char *path)
{
	struct buf b = { 0 };
	int err = read_file(path, &b);

	if (!err && b.len > sizeof(o->nonce)) {
		err_msg("%s: nonce longer than %zu bytes", path,
			sizeof(o->nonce));
		err = -EINVAL;
	}
	if (!err) {
		memcpy(o->nonce, b.data, b.len);
		o->nonce_len = b.len;
		o->have_nonce = true;
	}
	buf_free(&b);
	return err;
}

static int parse_verify_opts(struct verify_opts *o, int argc, char **argv)
{
	unsigned long pcr;
	size_t len;
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "e:m:s:u:q:L:c:p:f:h", verify_opts,
				NULL)) != -1) {
		switch (c) {
		case 'e':
			o->log = optarg;
			break;
		case 'm':
			o->msg = optarg;
			break;
		case 's':
			o->sig = optarg;
			break;
		case 'u':
			o->key = optarg;
			break;
		case 'q':
			len = strlen(optarg);
			if (len > 2 && optarg[0] == '0' &&
			    (optarg[1] == 'x' || optarg[1] == 'X')) {
				optarg += 2;
				len -= 2;
			}
			if (len > 2 * sizeof(o->nonce) ||
			    hex_decode(optarg, len, o->nonce)) {
				err_msg("invalid nonce '%s' (hex, at most %zu bytes)",
					optarg, sizeof(o->nonce));
				return -EINVAL;
			}
			o->nonce_len = len / 2;
			o->have_nonce = true;
			break;
		case 'N':
			if (set_nonce_file(o, optarg))
				return -EINVAL;
			break;
		case 'L':
			o->lists = optarg;
			break;
		case 'c':
			o->cert = optarg;
			break;
		case 'f':
			o->pcrs = optarg;
			break;
		case 'p':
			errno = 0;
			pcr = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || pcr > 23) {
				err_msg("invalid PCR '%s' (0-23)", optarg);
				return -EINVAL;
			}
			o->pcr = pcr;
			break;
		case 'h':
			verify_usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || !o->log || !o->msg || !o->sig || !o->key ||
	    !o->lists || !o->have_nonce) {
		err_msg("verify needs --log, --message, --signature, --key, --lists and a nonce (see --help)");
		return -EINVAL;
	}
	return 0;
}

static void print_summary(const struct verifier *v)
{
	size_t i;

	for (i = 0; i < v->nset; i++) {
		printf("loaded: ");
		put_escaped(v->set[i].label, strlen(v->set[i].label));
		printf(" ");
		put_digest(v->set[i].algo, v->set[i].digest);
		printf(" %s\n", v->set[i].list ? v->set[i].list->name :
						 "(untrusted)");
	}
	printf("summary: %u added, %u deleted, %zu loaded, %u untrusted, %u list file reads, %u listed files, %u unknown files, %u anomalies\n",
	       v->added, v->deleted, v->nset, v->untrusted, v->list_reads,
	       v->listed, v->unknown, v->anomalies);
}

static const char *const verdicts[] = {
	[VERIFY_GOOD] = "good state",
	[VERIFY_UNKNOWN_FILE] = "unknown files measured",
	[VERIFY_USAGE] = "error",
	[VERIFY_UNTRUSTED_LIST] = "untrusted list loaded",
	[VERIFY_BAD_RECORDS] = "records the kernel cannot have written",
	[VERIFY_LOG_MISMATCH] = "the log is not the quoted one",
	[VERIFY_BAD_QUOTE] = "invalid quote",
};

int cmd_verify(int argc, char **argv)
{
	struct verify_opts o = { .pcr = DEFAULT_PCR };
	struct verifier v = { .o = &o };
	struct entry *entries = NULL;
	struct buf log = { 0 };
	EVP_PKEY *key = NULL;
	struct quote q;
	long n = 0, covered, i;
	size_t j;
	int ret;

	if (parse_verify_opts(&o, argc, argv))
		return VERIFY_USAGE;
	key = load_key(o.key);
	if (!key || load_lists(&v, o.lists, o.cert) || read_log(o.log, &log)) {
		v.status = VERIFY_USAGE;
		goto out;
	}
	ret = check_quote(&o, key, &q);
	if (ret == VERIFY_USAGE) {
		v.status = ret;
		goto out;
	}
	raise_status(&v, ret);
	printf("trusted lists: %zu in %s%s\n", v.nlists, o.lists,
	       o.cert ? " (signatures verified)" : "");

	n = parse_log(&log, &entries);
	if (n < 0) {
		raise_status(&v, VERIFY_LOG_MISMATCH);
		goto verdict;
	}
	covered = replay(&v, entries, n, &q);
	/* Still report what a log that does not match says, for diagnosis. */
	if (covered < 0)
		covered = n;
	for (i = 0; i < covered; i++) {
		if (entries[i].pcr == o.pcr)
			mark_added(&v, &entries[i]);
	}
	for (i = 0; i < covered; i++) {
		if (entries[i].pcr == o.pcr)
			judge(&v, &entries[i]);
	}
	print_summary(&v);
verdict:
	printf("verdict: %s\n", verdicts[v.status]);
out:
	for (j = 0; j < v.nset; j++)
		free(v.set[j].label);
	free(v.set);
	for (j = 0; j < v.nlists; j++) {
		free(v.lists[j].name);
		buf_free(&v.lists[j].file);
		for (i = 0; i < HASH_ALGO_COUNT; i++) {
			free(v.lists[j].ldig[i]);
			free(v.lists[j].fdig[i]);
		}
	}
	free(v.lists);
	free(entries);
	buf_free(&log);
	EVP_PKEY_free(key);
	if (fflush(stdout) || ferror(stdout))
		return VERIFY_USAGE;
	return v.status;
}
