#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# diglimctl verify: host tests with real quotes of a software TPM, TAP.
#
# Usage: verify-tests.sh BINDIR, or sourced by host-tests.sh (which then
# provides t, fails, skip, $BIN, $T and the TAP counter).
#
# A swtpm listens on free local ports for the duration of the tests and is
# killed on exit. tpm2-tools drive it through the swtpm TCTI
# (libtss2-tcti-swtpm0). Logs are synthetic: tests/mklog.py writes them and
# prints the template digests that tpm2_pcrextend then extends, so the TPM
# holds the PCR value that the log replays to. Expected digests come from
# sha256sum and python's hashlib, never from the tool under test.

VT_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! declare -F t >/dev/null; then
	set -u
	BIN=$(cd "${1:?usage: verify-tests.sh BINDIR}" && pwd)
	export LC_ALL=C
	export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=99:print_stacktrace=1}
	T=$(mktemp -d /tmp/diglim-verify-test.XXXXXX)
	trap 'rm -rf "$T"' EXIT
	VG=()
	if [ "${VALGRIND:-0}" = 1 ]; then
		VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite
		    --show-leak-kinds=definite --error-exitcode=99)
	fi
	. "$VT_HERE/tap.sh"
	echo "TAP version 13"
	VT_ALONE=1
fi
V=$T/verify
mkdir -p "$V"

# vcase RC ARGS... [-- PATTERN...]: diglimctl verify ARGS must exit with RC
# and print a line matching each extended regular expression PATTERN (one
# starting with ! must match no line).
vcase() {
	local want=$1 rc p args=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	"${VG[@]}" "$BIN/diglimctl" verify "${args[@]}" >"$V/out" 2>&1
	rc=$?
	cat "$V/out"
	[ $rc -eq "$want" ] || { echo "exit status $rc, expected $want"; return 1; }
	for p in "$@"; do
		if [ "${p:0:1}" = '!' ]; then
			! grep -qE -- "${p:1}" "$V/out" || { echo "unexpected: ${p:1}"; return 1; }
		else
			grep -qE -- "$p" "$V/out" || { echo "missing: $p"; return 1; }
		fi
	done
}

sha() { sha256sum "$@" | cut -c1-64; }

# free_port: sets PORT to an even port above the last one whose successor
# is free too (a new one for each swtpm: the old ones may be in TIME_WAIT).
PORT=$((20000 + ($$ % 10000) * 2))
free_port() {
	local i
	for i in $(seq 1 50); do
		PORT=$((PORT + 2))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null &&
		   ! (exec 3<>"/dev/tcp/127.0.0.1/$((PORT + 1))") 2>/dev/null; then
			export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$PORT"
			return 0
		fi
	done
	return 1
}

SWTPM_PID=
trap 'stop_swtpm; rm -rf "$T"' EXIT
stop_swtpm() {
	if [ -n "$SWTPM_PID" ]; then
		kill "$SWTPM_PID" 2>/dev/null
		wait "$SWTPM_PID" 2>/dev/null
		SWTPM_PID=
	fi
}

# start_swtpm: a TPM in power-on state; PCRs are reset, persistent objects
# kept in $V/tpm.
start_swtpm() {
	local i
	stop_swtpm
	free_port || return 1
	swtpm socket --tpm2 --server "type=tcp,port=$PORT" \
		--ctrl "type=tcp,port=$((PORT + 1))" --tpmstate "dir=$V/tpm" \
		--flags not-need-init,startup-clear >"$V/swtpm.log" 2>&1 &
	SWTPM_PID=$!
	for i in $(seq 1 50); do
		tpm2_getrandom 4 >/dev/null 2>&1 && return 0
		kill -0 "$SWTPM_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$V/swtpm.log" >&2
	return 1
}

# extend: mklog.py appends the records on stdin to $V/log; extend the TPM
# with what it prints.
extend() {
	local pcr hex
	python3 "$VT_HERE/mklog.py" "$V/log" >"$V/ext" || return 1
	while read -r pcr hex; do
		tpm2_pcrextend "$pcr:sha256=$hex" || return 1
	done <"$V/ext"
}

# quote NAME KEYHANDLE NONCE PCRLIST [OPTION...]: tpm2_quote into
# $V/NAME.msg and $V/NAME.sig.
quote() {
	local name=$1 key=$2 nonce=$3 pcrs=$4
	shift 4
	tpm2_quote -c "$key" -q "$nonce" -l "$pcrs" -m "$V/$name.msg" \
		-s "$V/$name.sig" -o "$V/$name.pcrs" -g sha256 "$@" >/dev/null
}

VT_MISSING=
for c in swtpm tpm2_createek tpm2_createak tpm2_quote tpm2_pcrextend \
	 tpm2_evictcontrol tpm2_flushcontext tpm2_readpublic tpm2_getrandom \
	 python3 openssl; do
	command -v $c >/dev/null || VT_MISSING="$VT_MISSING $c"
done

# new_ak HANDLE OPTIONS...: an attestation key made persistent at HANDLE.
new_ak() {
	local h=$1
	shift
	tpm2_createak -C "$V/ek.ctx" -c "$V/ak.ctx" -u "$V/ak.tmp" "$@" \
		>/dev/null &&
	tpm2_flushcontext -t &&
	tpm2_evictcontrol -C o -c "$V/ak.ctx" "$h" >/dev/null &&
	tpm2_flushcontext -t
}

vt_setup() {
	local f
	mkdir -p "$V/tpm" "$V/files" "$V/trusted" "$V/signed" "$V/other" \
		"$V/keys"
	for f in a1 a2 b1 c1 d1 u1 x; do
		echo "content of $f" >"$V/files/$f"
	done
	"$BIN/diglim-gen" files -o "$V/trusted/A.list" "$V/files/a1" \
		"$V/files/a2" &&
	"$BIN/diglim-gen" files -o "$V/trusted/B.list" "$V/files/b1" &&
	"$BIN/diglim-gen" files -o "$V/trusted/C.list" "$V/files/c1" &&
	"$BIN/diglim-gen" files -o "$V/trusted/D.list" "$V/files/d1" &&
	"$BIN/diglim-gen" files -o "$V/other/U.list" "$V/files/u1" || return 1
	# List digests are over the list without its signature.
	LD_A=$(sha "$V/trusted/A.list")
	LD_B=$(sha "$V/trusted/B.list")
	LD_C=$(sha "$V/trusted/C.list")
	LD_U=$(sha "$V/other/U.list")
	openssl req -new -x509 -newkey rsa:2048 -nodes -subj "/CN=diglim verify" \
		-days 2 -keyout "$V/keys/list.key" -out "$V/keys/list.crt" \
		2>/dev/null || return 1
	for f in A B C; do
		"$BIN/diglim-sign" sign -k "$V/keys/list.key" -c "$V/keys/list.crt" \
			-o "$V/signed/$f.list" "$V/trusted/$f.list" || return 1
	done
	# The trusted directory holds A and B signed, C unsigned.
	cp "$V/signed/A.list" "$V/trusted/A.list"
	cp "$V/signed/B.list" "$V/trusted/B.list"
	FD_A=$(sha "$V/trusted/A.list")
	FD_B=$(sha "$V/trusted/B.list")
	echo "not a list" >"$V/trusted/README"

	start_swtpm || return 1
	# Three attestation keys, made persistent as a verifier would enrol
	# them: RSASSA (tpm2_createak's default), ECDSA and RSAPSS.
	# Without a resource manager, transient objects stay loaded: flush
	# them after each step (the saved contexts can be loaded again).
	tpm2_createek -c "$V/ek.ctx" -G rsa -u "$V/ek.pub" >/dev/null &&
	tpm2_flushcontext -t &&
	new_ak 0x81010002 -G rsa &&
	new_ak 0x81010003 -G ecc -g sha256 -s ecdsa &&
	new_ak 0x81010004 -G rsa -g sha256 -s rsapss || return 1
	for f in 1 2 3; do
		tpm2_readpublic -c 0x8101000$((f + 1)) -f pem \
			-o "$V/ak$f.pem" >/dev/null &&
		tpm2_readpublic -c 0x8101000$((f + 1)) -o "$V/ak$f.tss" \
			>/dev/null || return 1
	done

	# State 1: two list files read and added by path, one list added as
	# a buffer with a label holding '#' and '_'; PCR 10 has other records.
	extend <<-EOF || return 1
		boot 10
		file 10 /usr/bin/ls $(sha /bin/ls)
		file 11 /etc/digest_lists/A.list $FD_A
		diglim 11 add_file_A.list#1 $LD_A
		file 11 /etc/digest_lists/B.list $FD_B
		diglim 11 add_file_B.list#2 $LD_B
		diglim 11 add_buffer_c#x_y#3 $LD_C
	EOF
	cp "$V/log" "$V/log1"
	N1=0123456789abcdef
	quote q1 0x81010002 $N1 sha256:11 &&
	quote q1e 0x81010003 $N1 sha256:11 --scheme ecdsa &&
	quote q1p 0x81010004 $N1 sha256:11 --scheme rsapss &&
	quote q12 0x81010002 $N1 sha256:12 &&
	quote q1112 0x81010002 $N1 sha256:11,12 &&
	quote q1sha1 0x81010002 $N1 sha1:11 || return 1

	# State 2: C deleted, a listed file measured anyway, a file of C
	# measured after C was deleted: still good.
	extend <<-EOF || return 1
		diglim 11 del_buffer_c#x_y#4 $LD_C
		file 11 $V/files/a1 $(sha "$V/files/a1")
		file 11 $V/files/c1 $(sha "$V/files/c1")
	EOF
	quote q2 0x81010002 22222222 sha256:11 || return 1

	# State 3: a violation, an unknown file, a file of a trusted list
	# that was never loaded.
	extend <<-EOF || return 1
		viol 11 /var/log/written-while-read
		file 11 $V/files/x $(sha "$V/files/x")
		file 11 $V/files/d1 $(sha "$V/files/d1")
	EOF
	quote q3 0x81010002 33333333 sha256:11 || return 1

	# State 4: a list that is not trusted.
	extend <<-EOF || return 1
		diglim 11 add_buffer_evil#5 $LD_U
	EOF
	quote q4 0x81010002 44444444 sha256:11 || return 1
	cp "$V/log" "$V/log4"

	# A new boot whose records the kernel cannot have written.
	start_swtpm || return 1
	: >"$V/log"
	extend <<-EOF || return 1
		diglim 11 add_file_A.list#5 $LD_A
		diglim 11 add_buffer_again#6 $LD_A
		diglim 11 del_buffer_B.list#7 $LD_B
		diglim 11 add_file_B.list#3 $LD_B
		diglim 11 del_file_B.list#8 $LD_B
		diglim 11 del_file_other#9 $LD_A
		buf 11 kexec-cmdline 726f6f743d2f6465762f766461
	EOF
	quote q5 0x81010002 55555555 sha256:11 || return 1
	mv "$V/log" "$V/log5"
	stop_swtpm
}

# tamper IN OUT PYTHON: OUT is IN changed by the python statements, which
# edit the bytearray b.
tamper() {
	python3 -c "
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
$3
open(sys.argv[2], 'wb').write(b)" "$1" "$2"
}

if [ -n "$VT_MISSING" ]; then
	skip "verify: quotes of a software TPM" "missing:$VT_MISSING"
elif ! vt_setup >"$V/setup.log" 2>&1; then
	N=$((N + 1))
	not_ok "verify: set up swtpm, keys, lists and quotes"
	sed 's/^/# /' "$V/setup.log" | tail -20
	stop_swtpm
else
	K1=(-u "$V/ak1.pem" -L "$V/trusted")
	Q1=(-m "$V/q1.msg" -s "$V/q1.sig" -q $N1)

	# --- good states ---------------------------------------------------
	t "verify: good state (RSASSA, PEM key)" vcase 0 "${K1[@]}" "${Q1[@]}" \
		-e "$V/log1" -- \
		"^quote: signature RSASSA-SHA256 verified" \
		"^quote: nonce matches" \
		"^list file read: /etc/digest_lists/A.list sha256:$FD_A A.list$" \
		"^list added: A.list \(file, seq 1\) sha256:$LD_A A.list$" \
		"^list added: B.list \(file, seq 2\) sha256:$LD_B B.list$" \
		"^list added: c#x_y \(buffer, seq 3\) sha256:$LD_C C.list$" \
		"^loaded: c#x_y sha256:$LD_C C.list$" \
		"!^unknown file" "!/usr/bin/ls" \
		"^verdict: good state$"
	t "verify: good state, key as TPM2B_PUBLIC" vcase 0 -u "$V/ak1.tss" \
		-L "$V/trusted" "${Q1[@]}" -e "$V/log1" -- "^verdict: good state$"
	t "verify: good state, ECDSA attestation key" vcase 0 -u "$V/ak2.pem" \
		-L "$V/trusted" -m "$V/q1e.msg" -s "$V/q1e.sig" -q $N1 \
		-e "$V/log1" -- "^quote: signature ECDSA-SHA256 verified"
	t "verify: good state, ECDSA key as TPM2B_PUBLIC" vcase 0 \
		-u "$V/ak2.tss" -L "$V/trusted" -m "$V/q1e.msg" \
		-s "$V/q1e.sig" -q $N1 -e "$V/log1"
	t "verify: good state, RSAPSS attestation key" vcase 0 -u "$V/ak3.pem" \
		-L "$V/trusted" -m "$V/q1p.msg" -s "$V/q1p.sig" -q $N1 \
		-e "$V/log1" -- "^quote: signature RSAPSS-SHA256 verified"
	t "verify: nonce from a file" sh -c '
		printf "\001\043\105\147\211\253\315\357" >"$1/nonce" &&
		"$0" verify -u "$1/ak1.pem" -L "$1/trusted" -m "$1/q1.msg" \
			-s "$1/q1.sig" --nonce-file "$1/nonce" -e "$1/log1"' \
		"$BIN/diglimctl" "$V"
	t "verify: PCR values of the quote (tpm2_quote -o) equal the replay" sh -c '
		"$0" verify -u "$1/ak1.pem" -L "$1/trusted" -m "$1/q1.msg" \
			-s "$1/q1.sig" -q 0123456789abcdef -e "$1/log1" \
			-f "$1/q1.pcrs" >"$1/o" || exit 1
		cat "$1/o"
		v=$(sed -n "s/^quote: PCR 11 \([0-9a-f]*\) (hashes to the quoted digest)$/\1/p" "$1/o")
		[ ${#v} = 64 ] && grep -q "replayed PCR 11: $v$" "$1/o"' \
		"$BIN/diglimctl" "$V"
	t "verify: PCR values of another quote" vcase 6 "${K1[@]}" "${Q1[@]}" \
		-e "$V/log1" -f "$V/q2.pcrs" -- \
		"does not hash to the quoted digest" "^quote: bad: PCR values file$"
	t "verify: PCR values without the PCR" vcase 6 "${K1[@]}" "${Q1[@]}" \
		-e "$V/log1" -f "$V/q12.pcrs" -- "no value of the PCR"
	tamper "$V/q1.pcrs" "$V/t.pcrs" "b.append(0)"
	t "verify: malformed PCR values file" vcase 6 "${K1[@]}" "${Q1[@]}" \
		-e "$V/log1" -f "$V/t.pcrs" -- "not a PCR values file"
	t "verify: the log grew after the quote, later records ignored" \
		vcase 0 "${K1[@]}" "${Q1[@]}" -e "$V/log4" -- \
		"covers the first 7 entries \(5 in PCR 11\); 7 later entries of PCR 11 ignored" \
		"!^untrusted" "^verdict: good state$"
	t "verify: a deleted list (good state, reported)" vcase 0 "${K1[@]}" \
		-m "$V/q2.msg" -s "$V/q2.sig" -q 22222222 -e "$V/log4" -- \
		"^list deleted: c#x_y \(buffer, seq 4\) sha256:$LD_C C.list$" \
		"!^loaded: c#x_y" "^loaded: A.list" "^loaded: B.list" \
		"^listed file measured: $V/files/a1 sha256:$(sha "$V/files/a1") in A.list$" \
		"^listed file measured: $V/files/c1 sha256:$(sha "$V/files/c1") in C.list, not loaded then$" \
		"1 deleted, 2 loaded" "^verdict: good state$"
	t "verify: signed lists checked with their certificate" vcase 0 \
		-u "$V/ak1.pem" -L "$V/signed" -c "$V/keys/list.crt" \
		"${Q1[@]}" -e "$V/log1" -- "signatures verified" \
		"^verdict: good state$"

	# --- bad states ----------------------------------------------------
	t "verify: an unknown file and a violation" vcase 1 "${K1[@]}" \
		-m "$V/q3.msg" -s "$V/q3.sig" -q 33333333 -e "$V/log4" -- \
		"^unknown file: $V/files/x sha256:$(sha "$V/files/x")$" \
		"^violation: /var/log/written-while-read$" \
		"^unknown file: $V/files/d1 sha256:$(sha "$V/files/d1") \(in the trusted list D.list, never loaded\)$" \
		"^verdict: unknown files measured$"
	t "verify: an untrusted list" vcase 3 "${K1[@]}" \
		-m "$V/q4.msg" -s "$V/q4.sig" -q 44444444 -e "$V/log4" -- \
		"^untrusted list added: evil \(buffer, seq 5\) sha256:$LD_U is not in the trusted set$" \
		"^loaded: evil sha256:$LD_U \(untrusted\)$" \
		"^verdict: untrusted list loaded$"
	t "verify: unsigned lists are not trusted with --cert" vcase 3 \
		"${K1[@]}" -c "$V/keys/list.crt" "${Q1[@]}" -e "$V/log1" -- \
		"C.list: not trusted: not signed" \
		"^untrusted list added: c#x_y" "^list added: B.list"
	t "verify: records the kernel cannot write" vcase 4 "${K1[@]}" \
		-m "$V/q5.msg" -s "$V/q5.sig" -q 55555555 -e "$V/log5" -- \
		"^anomaly: entry 1: list sha256:$LD_A added again" \
		"^list deleted, not loaded in this PCR: entry 2: sha256:$LD_B " \
		"^anomaly: entry 3: sequence number 3 after 7" \
		"^anomaly: entry 5: deletion of list sha256:$LD_A with label other, added with label A.list" \
		"^anomaly: entry 6: ima-buf record 'kexec-cmdline' is not a DIGLIM record" \
		"^verdict: records the kernel cannot have written$"

	# --- the log is not the quoted one ----------------------------------
	# The first occurrence of the path is the read of A.list, in PCR 11.
	tamper "$V/log1" "$V/t-path" "
p = b.index(b'/etc/digest_lists/A.list')
b[p + 19] ^= 1"
	t "verify: tampered log (a path changed)" vcase 5 "${K1[@]}" "${Q1[@]}" \
		-e "$V/t-path" -- \
		"entry 2: the template digest is not the hash of the template data" \
		"^verdict: the log is not the quoted one$"
	# Records changed with their template digests: C never added.
	python3 "$VT_HERE/mklog.py" "$V/t-forged" >/dev/null <<-EOF
		boot 10
		file 11 /etc/digest_lists/A.list $FD_A
		diglim 11 add_file_A.list#1 $LD_A
		file 11 /etc/digest_lists/B.list $FD_B
		diglim 11 add_file_B.list#2 $LD_B
	EOF
	t "verify: tampered log (records and digests changed together)" \
		vcase 5 "${K1[@]}" "${Q1[@]}" -e "$V/t-forged" -- \
		"no prefix of the log replays to the quoted PCR digest" \
		"^verdict: the log is not the quoted one$"
	tamper "$V/log1" "$V/t-trunc" "del b[-10:]"
	t "verify: truncated log" vcase 5 "${K1[@]}" "${Q1[@]}" \
		-e "$V/t-trunc" -- "truncated or malformed"
	: >"$V/empty"
	t "verify: an empty log does not replay to the quote" vcase 5 \
		"${K1[@]}" "${Q1[@]}" -e "$V/empty"
	tamper "$V/log1" "$V/t-pcr10" "
p = b.index(b'/usr/bin/ls')
b[p] = ord('X')"
	t "verify: records of other PCRs are not attested" vcase 0 "${K1[@]}" \
		"${Q1[@]}" -e "$V/t-pcr10" -- "^verdict: good state$"

	# --- invalid quotes --------------------------------------------------
	t "verify: wrong nonce" vcase 6 "${K1[@]}" -m "$V/q1.msg" \
		-s "$V/q1.sig" -q 0123456789abcdee -e "$V/log1" -- \
		"^quote: bad: nonce 0123456789abcdef, expected 0123456789abcdee$" \
		"^verdict: invalid quote$"
	t "verify: quote over another PCR" vcase 6 "${K1[@]}" -m "$V/q12.msg" \
		-s "$V/q12.sig" -q $N1 -e "$V/log1" -- \
		"^quote: PCR selection 0x000b:12, not exactly PCR 11" \
		"^verdict: invalid quote$"
	t "verify: quote over PCR 11 and 12" vcase 6 "${K1[@]}" \
		-m "$V/q1112.msg" -s "$V/q1112.sig" -q $N1 -e "$V/log1" -- \
		"^quote: PCR selection 0x000b:11,12, not exactly"
	t "verify: quote of the sha1 bank" vcase 6 "${K1[@]}" \
		-m "$V/q1sha1.msg" -s "$V/q1sha1.sig" -q $N1 -e "$V/log1" -- \
		"^quote: PCR selection 0x0004:11, not exactly"
	t "verify: --pcr 12, quote of PCR 12 that holds no record" vcase 0 \
		"${K1[@]}" -m "$V/q12.msg" -s "$V/q12.sig" -q $N1 \
		-e "$V/log1" -p 12 -- "^quote: PCR selection 0x000b:12$" \
		"^log: 7 entries, 0 in PCR 12"
	t "verify: quote signed by another key (RSA)" vcase 6 -u "$V/ak3.pem" \
		-L "$V/trusted" "${Q1[@]}" -e "$V/log1" -- \
		"does not verify with the trusted key" "^verdict: invalid quote$"
	t "verify: quote signed by another key (ECDSA)" vcase 6 \
		-u "$V/ak2.pem" -L "$V/trusted" -m "$V/q1p.msg" \
		-s "$V/q1p.sig" -q $N1 -e "$V/log1" -- \
		"RSAPSS signature, but the trusted key is not RSA"
	t "verify: ECDSA quote, another ECDSA key" sh -c '
		openssl ecparam -name prime256v1 -genkey -noout -out "$1/ec.key" &&
		openssl ec -in "$1/ec.key" -pubout -out "$1/ec.pem" 2>/dev/null &&
		"$0" verify -u "$1/ec.pem" -L "$1/trusted" -m "$1/q1e.msg" \
			-s "$1/q1e.sig" -q 0123456789abcdef -e "$1/log1"
		[ $? -eq 6 ]' "$BIN/diglimctl" "$V"
	tamper "$V/q1.msg" "$V/t.msg" "b[-1] ^= 1"
	t "verify: quote message changed" vcase 6 "${K1[@]}" -m "$V/t.msg" \
		-s "$V/q1.sig" -q $N1 -e "$V/log1" -- "does not verify"
	tamper "$V/q1.msg" "$V/t2.msg" "b.append(0)"
	t "verify: quote message with trailing bytes" vcase 6 "${K1[@]}" \
		-m "$V/t2.msg" -s "$V/q1.sig" -q $N1 -e "$V/log1" -- \
		"is not a TPMS_ATTEST"
	t "verify: not a signature" vcase 6 "${K1[@]}" -m "$V/q1.msg" \
		-s "$V/q1.msg" -q $N1 -e "$V/log1" -- "is not a TPMT_SIGNATURE"

	# --- usage --------------------------------------------------------------
	t "verify: missing arguments" vcase 2 "${K1[@]}" -e "$V/log1"
	t "verify: missing log file" vcase 2 "${K1[@]}" "${Q1[@]}" \
		-e "$V/none"
	t "verify: not a key" vcase 2 -u "$V/log1" -L "$V/trusted" \
		"${Q1[@]}" -e "$V/log1" -- "neither a PEM public key"
	t "verify: invalid nonce" vcase 2 "${K1[@]}" -m "$V/q1.msg" \
		-s "$V/q1.sig" -q xyz -e "$V/log1"
fi
stop_swtpm

if [ -n "${VT_ALONE:-}" ]; then
	tap_end
fi
