// SPDX-License-Identifier: GPL-2.0
/*
 * diglim-sign - append, verify and strip a module-style PKCS#7 signature on
 * a DIGLIM digest list, so that IMA can appraise list files with modsig.
 *
 * Layout (the one the kernel's scripts/sign-file writes):
 *   [list][PKCS#7 detached signature][struct module_signature][magic]
 * with id_type PKEY_ID_PKCS7, sig_len big-endian, every other field 0, and
 * magic "~Module signature appended~\n".
 */

#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common.h"

/**
 * struct sign_opts - Command line of diglim-sign.
 * @key: Private key file (PEM or DER).
 * @cert: X.509 certificate file (PEM or DER).
 * @hash: Digest algorithm of the signature (OpenSSL name).
 * @out: Output file; the input is replaced when NULL.
 * @force: Sign even if the input is not a valid compact list.
 */
struct sign_opts {
	const char *key;
	const char *cert;
	const char *hash;
	const char *out;
	bool force;
};

/* Prints @what with the reason of the last libcrypto error. */
static void ssl_err(const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	err_msg("%s%s%s", what, reason ? ": " : "", reason ? reason : "");
	if (verbose)
		ERR_print_errors_fp(stderr);
	ERR_clear_error();
}

static int pin_cb(char *buf, int size, int rwflag __maybe_unused,
		  void *u __maybe_unused)
{
	const char *pin = getenv("DIGLIM_SIGN_PIN");
	int len;

	if (!pin || !*pin)
		return -1;
	len = strlen(pin);
	if (len >= size)
		return -1;
	memcpy(buf, pin, len);
	return len;
}

/* An encrypted PEM key: PKCS#8 or the older Proc-Type header. */
static bool pem_encrypted(const char *path)
{
	struct buf text = { 0 };
	bool enc = false;

	if (!read_file(path, &text)) {
		buf_append(&text, "", 1);
		enc = strstr((char *)text.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
		      strstr((char *)text.data, "Proc-Type: 4,ENCRYPTED");
	}
	buf_free(&text);
	return enc;
}

static EVP_PKEY *load_key(const char *path)
{
	EVP_PKEY *key = NULL;
	BIO *b;

	b = BIO_new_file(path, "rb");
	if (b) {
		key = PEM_read_bio_PrivateKey(b, NULL, pin_cb, NULL);
		if (!key && BIO_reset(b) == 0)
			key = d2i_PrivateKey_bio(b, NULL);
		BIO_free(b);
	}
	if (!key && b && pem_encrypted(path)) {
		/* libcrypto says "nested asn1 error" or "bad decrypt". */
		const char *pin = getenv("DIGLIM_SIGN_PIN");

		if (pin && *pin)
			err_msg("%s: cannot decrypt the private key: wrong passphrase in DIGLIM_SIGN_PIN",
				path);
		else
			err_msg("%s: the private key is encrypted: put its passphrase in DIGLIM_SIGN_PIN",
				path);
		if (verbose)
			ERR_print_errors_fp(stderr);
	} else if (!key) {
		char what[512];

		snprintf(what, sizeof(what), "%s: cannot read the private key",
			 path);
		ssl_err(what);
	}
	ERR_clear_error();
	return key;
}

static X509 *load_cert(const char *path)
{
	X509 *cert = cert_read(path);

	if (!cert) {
		char what[512];

		snprintf(what, sizeof(what), "%s: cannot read the certificate",
			 path);
		ssl_err(what);
	}
	ERR_clear_error();
	return cert;
}

/* DER of a detached PKCS#7 (CMS SignedData) signature without attributes. */
static int make_signature(const struct buf *data, EVP_PKEY *key, X509 *cert,
			  const EVP_MD *md, struct buf *sig)
{
	const unsigned int flags = CMS_NOCERTS | CMS_BINARY | CMS_DETACHED;
	CMS_ContentInfo *cms;
	unsigned char *der = NULL;
	BIO *in;
	int len = -1;

	in = BIO_new_mem_buf(data->data, data->len);
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL);
	if (!in || !cms ||
	    !CMS_add1_signer(cms, cert, key, md, flags | CMS_NOSMIMECAP |
			     CMS_NOATTR) ||
	    CMS_final(cms, in, NULL, flags) != 1)
		goto out;
	len = i2d_CMS_ContentInfo(cms, &der);
	if (len > 0)
		buf_append(sig, der, len);
out:
	if (len <= 0)
		ssl_err("cannot create the signature");
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return len > 0 ? 0 : -EINVAL;
}

static void append_trailer(struct buf *out, const struct buf *sig)
{
	struct module_signature ms = {
		.id_type = PKEY_ID_PKCS7,
		.sig_len = htobe32(sig->len),
	};

	buf_append(out, sig->data, sig->len);
	buf_append(out, &ms, sizeof(ms));
	buf_append(out, MODULE_SIG_STRING, MODULE_SIG_MAGIC_LEN);
}

/* The input must be an unsigned compact list (unless --force). */
static int check_input(const char *path, const struct buf *in, bool force)
{
	char why[256];

	if (modsig_strip(in->data, in->len) != in->len) {
		err_msg("%s: already signed (strip the signature first)", path);
		return -EEXIST;
	}
	if (!force && list_check(in->data, in->len, why, sizeof(why)) < 0) {
		err_msg("%s: not a valid compact list: %s (--force signs anyway)",
			path, why);
		return -EINVAL;
	}
	return 0;
}

static int cmd_sign(const struct sign_opts *o, const char *path)
{
	struct buf in = { 0 }, sig = { 0 };
	EVP_PKEY *key = NULL;
	const EVP_MD *md;
	X509 *cert = NULL;
	int err;

	md = EVP_get_digestbyname(o->hash);
	if (!md) {
		err_msg("unknown digest algorithm '%s'", o->hash);
		return 2;
	}
	err = read_file(path, &in);
	if (!err)
		err = check_input(path, &in, o->force);
	if (!err) {
		key = load_key(o->key);
		cert = load_cert(o->cert);
		err = key && cert ? 0 : -EINVAL;
	}
	if (!err && X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		err_msg("the private key %s does not match the certificate %s: nothing written",
			o->key, o->cert);
		err = -EINVAL;
	}
	if (!err)
		err = make_signature(&in, key, cert, md, &sig);
	if (!err) {
		append_trailer(&in, &sig);
		err = write_atomic(o->out ? o->out : path, in.data, in.len);
	}
	EVP_PKEY_free(key);
	X509_free(cert);
	buf_free(&in);
	buf_free(&sig);
	return err ? 1 : 0;
}

static int cmd_verify(const struct sign_opts *o, const char *path)
{
	struct buf in = { 0 };
	const char *why;
	X509 *cert;
	size_t len = 0;
	int err;

	err = read_file(path, &in);
	if (err)
		return 1;
	cert = load_cert(o->cert);
	if (!cert) {
		buf_free(&in);
		return 1;
	}
	why = modsig_check(in.data, in.len, cert, &len);
	if (why) {
		char what[1024];

		snprintf(what, sizeof(what), "%s: %s", path, why);
		ssl_err(what);
		err = -EBADMSG;
	} else {
		printf("%s: signature OK (%zu bytes signed, %zu-byte signature)\n",
		       path, len, in.len - len - MODSIG_TRAILER_SIZE);
	}
	X509_free(cert);
	buf_free(&in);
	return err ? 1 : 0;
}

static int cmd_strip(const struct sign_opts *o, const char *path)
{
	struct buf in = { 0 };
	size_t len;
	int err;

	err = read_file(path, &in);
	if (err)
		return 1;
	len = modsig_strip(in.data, in.len);
	if (len == (size_t)-1 || len == in.len) {
		err_msg("%s: %s", path, len == in.len ? "not signed" :
			"malformed signature trailer");
		err = -EINVAL;
	}
	if (!err)
		err = write_atomic(o->out ? o->out : path, in.data, len);
	buf_free(&in);
	return err ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: diglim-sign COMMAND [OPTIONS] LIST\n"
		"Sign DIGLIM digest lists with an appended PKCS#7 signature (module\n"
		"signature format, for IMA appraise_type=modsig).\n"
		"\n"
		"Commands:\n"
		"  sign -k KEY -c CERT [-a HASH] [-o OUT] LIST   append a signature\n"
		"  verify -c CERT LIST                           check the signature\n"
		"  strip [-o OUT] LIST                           remove the signature\n"
		"\n"
		"Options:\n"
		"  -k, --key FILE     private key (PEM or DER; PIN in $DIGLIM_SIGN_PIN)\n"
		"  -c, --cert FILE    X.509 certificate of the key (PEM or DER)\n"
		"  -a, --hash HASH    signature digest algorithm (default sha256)\n"
		"  -o, --output FILE  write here instead of replacing LIST\n"
		"  -f, --force        sign a file that is not a valid compact list\n"
		"  -v, --verbose      print libcrypto error details\n"
		"  -h, --help         this help\n"
		"\n"
		"Output is written to a temporary file and renamed; on any error\n"
		"nothing is written. See diglim-sign(8).\n");
}

static const struct option long_opts[] = {
	{ "key", required_argument, NULL, 'k' },
	{ "cert", required_argument, NULL, 'c' },
	{ "hash", required_argument, NULL, 'a' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int parse_opts(struct sign_opts *o, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "k:c:a:o:fvh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'k':
			o->key = optarg;
			break;
		case 'c':
			o->cert = optarg;
			break;
		case 'a':
			o->hash = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'f':
			o->force = true;
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
	return 0;
}

int main(int argc, char **argv)
{
	struct sign_opts o = { .hash = "sha256" };
	const char *cmd;

	prog = "diglim-sign";
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	/* Options may come before or after the command (getopt permutes). */
	if (parse_opts(&o, argc, argv))
		return 2;
	if (optind >= argc) {
		err_msg("no command (see --help)");
		return 2;
	}
	cmd = argv[optind++];
	if (optind != argc - 1) {
		err_msg("%s: exactly one LIST is required", cmd);
		return 2;
	}

	if (!strcmp(cmd, "sign")) {
		if (!o.key || !o.cert) {
			err_msg("sign: -k KEY and -c CERT are required");
			return 2;
		}
		return cmd_sign(&o, argv[optind]);
	}
	if (!strcmp(cmd, "verify")) {
		if (!o.cert) {
			err_msg("verify: -c CERT is required");
			return 2;
		}
		return cmd_verify(&o, argv[optind]);
	}
	if (!strcmp(cmd, "strip"))
		return cmd_strip(&o, argv[optind]);
	err_msg("unknown command '%s' (see --help)", cmd);
	return 2;
}
