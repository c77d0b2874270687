// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - TPM and IMA measurement list tests
 *
 * What a remote verifier relies on: the PCRs read through the TPM software
 * stack (tpm2-tss) equal those the kernel exports in sysfs, and replaying
 * IMA's binary measurement list reproduces PCR 10 of the sha256 bank.
 */

#define _GNU_SOURCE
#include <strings.h>
#include <sys/vfs.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "common.h"
#include "tpm.h"

#define SECURITYFS_MAGIC 0x73636673
#define IMA_PCR 10

TEST(securityfs_mounted)
{
	struct statfs sfs;

	ASSERT_EQ(0, statfs(SECURITYFS_DIR, &sfs));
	EXPECT_EQ(SECURITYFS_MAGIC, sfs.f_type);
}

FIXTURE(tpm)
{
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
};

FIXTURE_SETUP(tpm)
{
	struct dbuf major = {};
	TSS2_RC rc;

	if (access(TPM_DIR, F_OK))
		SKIP(return, "no TPM (%s)", TPM_DIR);
	ASSERT_EQ(0, read_file(TPM_DIR "/tpm_version_major", &major));
	ASSERT_STREQ("2\n", dbuf_str(&major));
	dbuf_free(&major);

	rc = Tss2_TctiLdr_Initialize("device:/dev/tpmrm0", &self->tcti);
	ASSERT_EQ(TSS2_RC_SUCCESS, rc)
	{
		TH_LOG("Tss2_TctiLdr_Initialize: 0x%x", rc);
	}
	rc = Esys_Initialize(&self->esys, self->tcti, NULL);
	ASSERT_EQ(TSS2_RC_SUCCESS, rc)
	{
		TH_LOG("Esys_Initialize: 0x%x", rc);
	}
}

FIXTURE_TEARDOWN(tpm)
{
	if (self->esys)
		Esys_Finalize(&self->esys);
	if (self->tcti)
		Tss2_TctiLdr_Finalize(&self->tcti);
}

TEST_F(tpm, pcrs_match_sysfs)
{
	char hex[2 * SHA256_SIZE + 1], sysfs[2 * SHA256_SIZE + 8];
	__u8 value[SHA256_SIZE];
	unsigned int pcr;

	for (pcr = 0; pcr < NR_PCRS; pcr++) {
		pcr_both(_metadata, self->esys, pcr, value, sysfs,
			 sizeof(sysfs));
		bin2hex(hex, value, sizeof(value));
		EXPECT_EQ(0, strcasecmp(hex, sysfs))
		{
			TH_LOG("PCR %u: TPM %s, sysfs %s", pcr, hex, sysfs);
		}
	}
}

TEST_F_TIMEOUT(tpm, ima_log_replays_pcr10, 120)
{
	struct dbuf log = {}, again = {}, log256 = {};
	char hex[2 * SHA256_SIZE + 1], sysfs[2 * SHA256_SIZE + 8];
	__u8 value[SHA256_SIZE];
	struct replay r;
	int tries;

	if (access(IMA_LOG, F_OK))
		SKIP(return, "no IMA measurement list (%s)", IMA_LOG);
	/* Measurements may come in meanwhile: read until stable. */
	for (tries = 0; tries < 10; tries++) {
		ASSERT_EQ(0, read_file(IMA_LOG, &log));
		pcr_both(_metadata, self->esys, IMA_PCR, value, sysfs,
			 sizeof(sysfs));
		if (read_file(IMA_LOG "_sha256", &log256))
			dbuf_reset(&log256);
		ASSERT_EQ(0, read_file(IMA_LOG, &again));
		if (log.len == again.len &&
		    !memcmp(log.data, again.data, log.len))
			break;
	}
	ASSERT_LT(tries, 10);
	replay_log(_metadata, &log, &log256, IMA_PCR, &r);
	ASSERT_LT(0, r.in_pcr)
	{
		TH_LOG("no measurement in PCR %d", IMA_PCR);
	}
	/* The sha256 log may have grown since: only check what we have. */
	bin2hex(hex, r.sha256, SHA256_SIZE);
	EXPECT_EQ(0, memcmp(r.sha256, value, SHA256_SIZE))
	{
		bin2hex(sysfs, value, SHA256_SIZE);
		TH_LOG("replay %s, TPM %s", hex, sysfs);
	}
	EXPECT_EQ(0, strcasecmp(hex, sysfs))
	{
		TH_LOG("replay %s, sysfs %s", hex, sysfs);
	}
	TH_LOG("%lu entries, %lu in PCR %d, %lu violations%s", r.entries,
	       r.in_pcr, IMA_PCR, r.violations,
	       log256.len ? ", sha256 list checked" : "");
	dbuf_free(&log);
	dbuf_free(&again);
	dbuf_free(&log256);
}

TEST_HARNESS_MAIN
