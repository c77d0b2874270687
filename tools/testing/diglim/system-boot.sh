#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - one boot of the real system (make demo, make check), inside the
# VM, run by system-demo.sh as "sh system-boot.sh ACTION...".
#
# Before anything else runs: the test IMA key goes on the .ima keyring
# (only keys signed by the CA built into the kernel are accepted), then
# the IMA policy is written, then every list of $BUILD/system-lists (one
# per installed package, signed on the host) is added by path. The
# kernel's own boot-time loader (diglim.lists_dir=) is not used: it runs
# before any custom policy exists, so its lists would be neither measured
# nor appraised and could vouch for nothing; loading them from init right
# after the policy is what an initramfs would do. From the policy on, the
# guest executes only packaged programs: this script runs as "sh script"
# (dash reads it; only dash is executed), and the project's own binaries
# are never run here, since no list holds them and appraisal would deny
# them.
#
# The ACTIONs, in order (results in /run/diglim, the result share; what
# must survive the boot in $DIGLIM_PERSIST, the persistent share):
#   workload N SEED   N programs of system-lists.info/workload in an order
#                     drawn with SEED, some in parallel, every one checked
#                     to have run (not denied)
#   enroll            make an attestation key (under the endorsement key)
#                     persistent at 0x81010002, its public key to
#                     $DIGLIM_PERSIST/ak.pem for the host to record
#   seal              clevis encrypt tpm2 of $DIGLIM_SECRET, bound to PCR
#                     11 of the sha256 bank, to $DIGLIM_PERSIST/secret.jwe
#   unseal NAME       clevis decrypt of it: NAME.out and NAME.rc
#   unknown           run a program that is in no package (expect EACCES)
#   quote NAME NONCE  PCR 11 (NAME.pcr11), a TPM quote of sha256:11 with
#                     NONCE (NAME.msg, NAME.sig), then the logs (NAME.log
#                     binary, NAME.txt ASCII)
# Every claim is printed "[ok]" or "[FAILED]" and appended to "claims" of
# the result share; the exit status is 0 only if all held.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

BUILD=${DIGLIM_BUILD:?}
LISTS=$BUILD/system-lists
INFO=$BUILD/system-lists.info
KEYS=$BUILD/keys
OUT=/run/diglim
PERSIST=${DIGLIM_PERSIST:-}
SFS=/sys/kernel/security
DIGLIM=$SFS/integrity/diglim
ASCII=$SFS/ima/ascii_runtime_measurements_sha256
AK=0x81010002
failures=0

say() { printf '%s\n' "$*"; }
# step TITLE: a heading, with the time since boot (from a builtin).
step() {
	read -r up _ </proc/uptime
	printf '\n== %s  [%s s]\n' "$*" "${up%.*}"
}
claim() {
	if [ "$1" = yes ]; then
		say "   [ok] $2"
		echo "ok $2" >>$OUT/claims
	else
		say "   [FAILED] $2"
		echo "FAILED $2" >>$OUT/claims
		failures=$((failures + 1))
	fi
}
same() { [ "$1" = "$2" ] && echo yes || echo no; }
pcr11() { tr 'A-F' 'a-f' </sys/class/tpm/tpm0/pcr-sha256/11; }
entries11() { grep -c '^11 ' $ASCII; }
# uptime in centiseconds, with builtins only (read, parameter expansion).
now() {
	read -r up _ </proc/uptime
	sec=${up%.*} frac=${up#*.}
	echo $((sec * 100 + ${frac#0}))
}
elapsed() {
	d=$(($(now) - $1))
	printf '%d.%02d s' $((d / 100)) $((d % 100))
}

# tpm2-tools and clevis through the kernel's resource manager; clevis
# uses bash's process substitution, which needs /dev/fd.
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
dmesg -n 1
: >$OUT/claims

setup() {
	step "Policy and lists, before anything else runs"
	keyctl padd asymmetric '' %keyring:.ima <"$KEYS/ima.der" >/dev/null
	claim "$([ $? = 0 ] && echo yes || echo no)" \
		"the list-signing key is on the .ima keyring (its certificate is signed by the kernel's CA)"

	# appraise_type=imasig on the file rules: a file runs with a signature
	# in security.ima or through a signed list, never with a bare hash
	# that root can write. The list files themselves are not measured
	# (no measure func=DIGEST_LIST_CHECK rule): the diglim record names
	# each list by its digest already, which is what the verifier
	# matches against its trusted lists, and measuring the file too
	# would double the log and the TPM extends without telling the
	# verifier more. A list that fails appraisal is not added and leaves
	# no record, as it changes nothing.
	cat >/tmp/policy <<-'EOF'
	measure func=CRITICAL_DATA label=diglim pcr=11
	appraise func=DIGEST_LIST_CHECK appraise_type=imasig|modsig
	measure func=BPRM_CHECK use_diglim=allow pcr=11
	measure func=MMAP_CHECK mask=MAY_EXEC use_diglim=allow pcr=11
	appraise func=BPRM_CHECK appraise_type=imasig use_diglim=allow
	appraise func=MMAP_CHECK mask=MAY_EXEC appraise_type=imasig use_diglim=allow
	EOF
	sed 's/^/   /' /tmp/policy
	claim "$(same "$(entries11)" 0)" "PCR 11 has no log entry yet"
	# From this write on, until the lists are in, any program would be
	# denied and measured: only shell builtins run (echo, read, printf).
	cat /tmp/policy >$SFS/ima/policy
	policy_rc=$?

	n=0 bad=0
	t0=$(now)
	for f in "$LISTS"/*; do
		n=$((n + 1))
		echo "$f" >$DIGLIM/digest_list_add || bad=$((bad + 1))
	done
	say "   added $((n - bad)) of $n lists of $LISTS in $(elapsed "$t0")"
	claim "$(same $policy_rc 0)" "the IMA policy was in force before the first list"
	say "   digests_count: $(tr '\n' ' ' <$DIGLIM/digests_count)"
	claim "$(same $bad 0)" "every list was added ($n lists, one per package)"
	a7=$(head -qn 1 $DIGLIM/digest_lists_loaded/*.ascii | grep -c '^actions: 7,')
	claim "$(same "$a7" "$n")" \
		"every list is measured, appraised and signature-verified (actions 7): $a7"
	claim "$(same "$(entries11)" "$n")" "PCR 11 holds one record per list ($(entries11))"
	records=$(grep '^11 ' $ASCII | grep -c ' ima-buf sha256:[0-9a-f]* add_file_')
	claim "$(same "$records" "$n")" "... each an ima-buf add_file_<package> record"
	lists=$n
	say "   PCR 11 after the lists: $(pcr11)"
}

# workload N SEED: N commands drawn from the workload file in an order
# that SEED decides; a command starts a group of 1 to 3 run in parallel.
workload() {
	count=$1 seed=$2
	step "Workload: $count packaged programs, order drawn with seed $seed"
	awk -v seed="$seed" 'BEGIN { srand(seed) } { print rand() "\t" $0 }' \
		"$INFO/workload" | sort -n | cut -f 2- | head -n "$count" |
		awk -v seed="$seed" 'BEGIN { srand(seed + 1) }
			{ if (left <= 0) { g++; left = 1 + int(rand() * 3) } left--
			  print g "\t" $0 }' >/tmp/workload
	# The order, parallel groups in brackets.
	awk -F '\t' '{ split($2, w, " "); n = split(w[1], p, "/")
		name[NR] = p[n]; grp[NR] = $1 }
		END { for (i = 1; i <= NR; i++) {
			first = (i == 1 || grp[i] != grp[i - 1])
			last = (i == NR || grp[i] != grp[i + 1])
			s = s (first && !last ? "[" : "") name[i] (last && !first ? "]" : "") " " }
		print s }' /tmp/workload | fold -s -w 72 | sed 's/^/   /'
	p11=$(pcr11) e11=$(entries11)
	t0=$(now)
	i=0 group= pids=
	while IFS='	' read -r g cmd; do
		if [ "$g" != "$group" ]; then
			for p in $pids; do wait "$p"; done
			group=$g pids=
		fi
		i=$((i + 1))
		(
			set -f
			# shellcheck disable=SC2086
			set -- $cmd
			timeout 60 "$@" </dev/null >/dev/null 2>/tmp/wl.$i.err
			echo $? >/tmp/wl.$i.rc
		) &
		pids="$pids $!"
	done </tmp/workload
	for p in $pids; do wait "$p"; done
	denied=0 j=0
	while IFS='	' read -r g cmd; do
		j=$((j + 1))
		rc=$(cat /tmp/wl.$j.rc 2>/dev/null || echo none)
		case "$rc" in
		124 | 126 | 127 | none)
			say "     $cmd: status $rc $(head -c 200 /tmp/wl.$j.err)"
			denied=$((denied + 1))
			;;
		esac
	done </tmp/workload
	say "   ran $i programs in $(elapsed "$t0")"
	claim "$(same $denied 0)" "every program ran: none was denied or failed to start"
	claim "$(same "$(pcr11)" "$p11")" "PCR 11 did not move: $(pcr11)"
	claim "$(same "$(entries11)" "$e11")" "no new entry on PCR 11 ($(entries11) entries)"
}

enroll() {
	step "Attestation key, made once, kept in the TPM"
	[ -n "$PERSIST" ] || { claim no "a persistent directory (vm.sh --persist)"; return; }
	tpm2_readpublic -c $AK >/dev/null 2>&1 && tpm2_evictcontrol -C o -c $AK >/dev/null
	tpm2_createek -c /tmp/ek.ctx -G rsa -u /tmp/ek.pub >/dev/null &&
		tpm2_createak -C /tmp/ek.ctx -c /tmp/ak.ctx -G rsa -g sha256 -s rsassa \
			-u /tmp/ak.pem -f pem -n /tmp/ak.name >/dev/null &&
		tpm2_evictcontrol -C o -c /tmp/ak.ctx $AK >/dev/null &&
		cp /tmp/ak.pem "$PERSIST/ak.pem"
	claim "$([ $? = 0 ] && echo yes || echo no)" \
		"an attestation key under the endorsement key, persistent at $AK, public key saved for the verifier"
}

seal() {
	step "A secret sealed to PCR 11 with clevis"
	[ -n "${DIGLIM_SECRET:-}" ] && [ -n "$PERSIST" ] || { claim no "a secret and a persistent directory"; return; }
	printf '%s' "$DIGLIM_SECRET" |
		clevis encrypt tpm2 '{"pcr_bank":"sha256","pcr_ids":"11"}' >/tmp/secret.jwe &&
		cp /tmp/secret.jwe "$PERSIST/secret.jwe"
	claim "$([ $? = 0 ] && echo yes || echo no)" \
		"clevis encrypt tpm2 '{\"pcr_bank\":\"sha256\",\"pcr_ids\":\"11\"}' bound it to PCR 11 = $(pcr11)"
}

# unseal NAME: the host judges the result (it alone knows the secret).
unseal() {
	name=$1
	step "clevis decrypt, PCR 11 = $(pcr11)"
	clevis decrypt <"$PERSIST/secret.jwe" >"$OUT/$name.out" 2>"/tmp/$name.err"
	rc=$?
	echo $rc >"$OUT/$name.rc"
	if [ $rc = 0 ]; then
		say "   clevis decrypt returned $(wc -c <"$OUT/$name.out") bytes"
	else
		say "   clevis decrypt failed with status $rc: $(grep -v '^$' "/tmp/$name.err" | tail -n 1 | cut -c 1-100)"
	fi
}

unknown() {
	prog=$INFO/unpackaged-true
	step "A program that is in no package: $prog"
	say "   (/usr/bin/true with one byte of its text changed; it runs where nothing checks it)"
	p11=$(pcr11) e11=$(entries11)
	out=$("$prog" 2>&1)
	rc=$?
	say "   $prog: status $rc, ${out##*: }"
	claim "$([ $rc = 126 ] && echo "$out" | grep -q 'Permission denied' && echo yes || echo no)" \
		"appraisal denied it (EACCES, Permission denied)"
	claim "$(same "$(entries11)" $((e11 + 1)))" "exactly one new entry on PCR 11"
	grep '^11 ' $ASCII | tail -n 1 | awk '{ print "     log: " $3 " " $4 " " $5 }'
	claim "$(grep '^11 ' $ASCII | tail -n 1 | grep -q " $prog\$" && echo yes || echo no)" \
		"... the measurement of that program"
	claim "$([ "$(pcr11)" != "$p11" ] && echo yes || echo no)" "PCR 11 changed: $(pcr11)"
}

quote() {
	name=$1 nonce=$2
	step "Evidence for the verifier: quote of PCR 11, nonce ${nonce%"${nonce#????????????????}"}..."
	pcr11 >"$OUT/$name.pcr11"
	tpm2_quote -c $AK -l sha256:11 -q "$nonce" -g sha256 \
		-m "$OUT/$name.msg" -s "$OUT/$name.sig" -o "/tmp/$name.pcrs" >/dev/null
	claim "$([ $? = 0 ] && echo yes || echo no)" "tpm2_quote over sha256:11 with the attestation key ($name)"
	cat $SFS/ima/binary_runtime_measurements_sha256 >"$OUT/$name.log"
	cat $ASCII >"$OUT/$name.txt"
	say "   PCR 11 = $(cat "$OUT/$name.pcr11"), log: $(grep -c '^11 ' "$OUT/$name.txt") entries on PCR 11, $(wc -c <"$OUT/$name.log") bytes in all"
}

setup
while [ $# -gt 0 ]; do
	case "$1" in
	workload) workload "$2" "$3"; shift 3 ;;
	enroll) enroll; shift ;;
	seal) seal; shift ;;
	unseal) unseal "$2"; shift 2 ;;
	unknown) unknown; shift ;;
	quote) quote "$2" "$3"; shift 3 ;;
	*) claim no "unknown action $1"; shift ;;
	esac
done
echo "$lists" >$OUT/lists
[ $failures = 0 ]
