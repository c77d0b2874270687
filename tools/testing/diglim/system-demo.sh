#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - the real system end to end, across reboots (make demo; a short
# version in make check).
#
# The lists of every installed package (system-lists.sh) are loaded at
# every boot, before anything runs, under a policy that measures and
# appraises programs by list (system-boot.sh, in the guest). The VM keeps
# its TPM and a directory across boots (vm.sh --tpm-state, --persist),
# as a machine that reboots does:
#   boot 1  a workload of packaged programs; an attestation key is made
#           and recorded by the host (the verifier's enrolment); a secret
#           is sealed to PCR 11 with clevis; quote and log are verified.
#   boot 2  another workload (other programs, other order): PCR 11 is
#           boot 1's, clevis decrypt returns the secret, the verifier
#           says the state is good.
#   boot 3  the same plus a program that is in no package: appraisal
#           denies it, its measurement is in the log, PCR 11 is boot 1's
#           log plus that one entry, clevis decrypt refuses, the verifier
#           names the unknown file and exits 1.
# --short (make check): two boots of a small workload, the second boot
# doing boot 2 and then boot 3 (two quotes with two nonces).
#
# Every claim is printed "[ok]" or "[FAILED]" (with --tap, as TAP lines for
# check.sh); the exit status is 0 only if all held.
#
# Usage: system-demo.sh --kernel BZIMAGE [--short] [--tap] [--programs N]
#                       [--timeout SEC]
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:?}
export BUILD
KERNEL= SHORT=0 TAP=0 PROGRAMS= TIMEOUT=900
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=$2; shift 2 ;;
	--short) SHORT=1; shift ;;
	--tap) TAP=1; shift ;;
	--programs) PROGRAMS=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	*) echo "system-demo: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -f "$KERNEL" ] || { echo "system-demo: no kernel at '$KERNEL'" >&2; exit 2; }
if [ -z "$PROGRAMS" ]; then
	PROGRAMS=50
	# make check: each program costs about a second of the debug kernel
	# under TCG; a few of several packages are enough for the test.
	[ $SHORT = 1 ] && PROGRAMS=8
fi

TOOLS=$BUILD/tools/diglim
LISTS=$BUILD/system-lists
W=$BUILD/system-demo
[ $SHORT = 1 ] && W=$BUILD/system-check
n=0 failures=0 guest=0 guest_failed=0

# In TAP mode standard output carries the results only; the rest goes to
# standard error (check.sh keeps it in host-system.err).
say() {
	if [ $TAP = 1 ]; then
		printf '# %s\n' "$*" >&2
	else
		printf '%s\n' "$*"
	fi
}
step() { say ""; say "== $*"; }
claim() {
	n=$((n + 1))
	[ "$1" = yes ] || failures=$((failures + 1))
	if [ $TAP = 1 ]; then
		if [ "$1" = yes ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
	elif [ "$1" = yes ]; then
		say "   [ok] $2"
	else
		say "   [FAILED] $2"
	fi
}
same() { [ "$1" = "$2" ] && echo yes || echo no; }
hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
seed() { od -An -N3 -tu4 /dev/urandom | tr -d ' \n'; }
# entries FILE: the template digests of PCR 11 in an ASCII log.
entries() { awk '$1 == 11 { print $2 }' "$1"; }

# boot N ACTION...: one boot of the VM with the kept TPM and directory;
# the guest's claims are counted here, as "boot N: ...".
boot() {
	local b=$1 rc t0=$SECONDS
	shift
	step "Boot $b: $*"
	local quiet=()
	[ $TAP = 1 ] && quiet=(--quiet)
	"$HERE/vm.sh" --kernel "$KERNEL" --timeout "$TIMEOUT" "${quiet[@]}" \
		--append quiet --tpm-state "$W/tpm" --persist "$W/persist" \
		--out "$W/boot$b" --log "$W/boot$b.console" \
		-- "DIGLIM_BUILD=$BUILD DIGLIM_SECRET=$SECRET sh $HERE/system-boot.sh $*"
	rc=$?
	say "   boot $b took $((SECONDS - t0)) s (console: $W/boot$b.console)"
	# With --tap every claim of the guest is a result of its own; without,
	# the guest printed them and they are counted for the summary.
	if [ $TAP = 1 ] && [ -f "$W/boot$b/claims" ]; then
		while read -r verdict what; do
			claim "$([ "$verdict" = ok ] && echo yes || echo no)" "boot $b: $what"
		done <"$W/boot$b/claims"
	elif [ -f "$W/boot$b/claims" ]; then
		guest=$((guest + $(wc -l <"$W/boot$b/claims")))
		guest_failed=$((guest_failed + $(grep -c '^FAILED' "$W/boot$b/claims")))
	fi
	claim "$([ -f "$W/boot$b/claims" ] && ! grep -q '^FAILED' "$W/boot$b/claims" &&
		[ $rc = 0 ] && echo yes || echo no)" \
		"boot $b: every claim of the guest held (status $rc)"
	# The debug kernel reports what goes wrong inside it on the console.
	local splat
	splat=$(grep -aE 'BUG: |WARNING: |Oops: |Kernel panic|UBSAN: |Call Trace:' \
		"$W/boot$b.console" | head -n 1)
	claim "$([ -z "$splat" ] && echo yes || echo no)" \
		"boot $b: no kernel warning on the console${splat:+ ($splat)}"
}

# verify NAME NONCE WANT: diglimctl verify of a quote and its log with the
# key the host recorded at enrolment; WANT is the expected exit status.
verify() {
	local name=$1 nonce=$2 want=$3 rc
	"$TOOLS/diglimctl" verify -e "$W/$name.log" -m "$W/$name.msg" -s "$W/$name.sig" \
		-u "$W/host/ak.pem" -q "$nonce" -L "$LISTS" -c "$BUILD/keys/ima.pem" \
		>"$W/$name.verify" 2>&1
	rc=$?
	say "   diglimctl verify -e $name.log -m $name.msg -s $name.sig -u ak.pem -q <nonce> -L system-lists -c ima.pem"
	grep -E '^(quote|summary|verdict|unknown file|anomaly|untrusted list added|violation):' \
		"$W/$name.verify" | cut -c 1-150 | while read -r l; do say "     $l"; done
	say "     ($(grep -c '^list added:' "$W/$name.verify") 'list added' lines; all in $W/$name.verify)"
	claim "$(same $rc "$want")" "the verifier exits $want (it did: $rc)"
}

say "DIGLIM on this system: the digest list of every installed package, loaded"
say "at each boot before anything runs; PCR 11 then holds the lists and the"
say "unknown programs only, so a secret can be sealed to it and a verifier can"
say "judge a quote of it. Three boots of one VM with one TPM, every claim checked."
say ""
if [ $TAP = 1 ]; then
	"$HERE/system-lists.sh" >&2
else
	"$HERE/system-lists.sh"
fi || { claim no "the lists of the installed packages are made"; echo "1..$n"; exit 1; }
say "$(ls "$LISTS" | wc -l) signed lists in $LISTS"

rm -rf "$W"
mkdir -p "$W/host"
SECRET=$(hex 16)
SEED1=$(seed) SEED2=$(seed) SEED3=$(seed)
N1=$(hex 20) N2=$(hex 20) N3=$(hex 20)
start=$SECONDS

# Boot 1.
boot 1 workload "$PROGRAMS" "$SEED1" enroll seal quote q1 "$N1"
step "Host: enrolment and the first verdict"
if [ -s "$W/persist/ak.pem" ]; then
	cp "$W/persist/ak.pem" "$W/host/ak.pem"
	say "   the host records the attestation key: $W/host/ak.pem"
	say "   (boots 2 and 3 are verified with this copy, never with a key sent later)"
fi
claim "$([ -s "$W/host/ak.pem" ] && echo yes || echo no)" "the attestation key is recorded on the host"
P1=$(cat "$W/boot1/q1.pcr11" 2>/dev/null)
mv "$W"/boot1/q1.* "$W/" 2>/dev/null
verify q1 "$N1" 0

# Boot 2 (and, --short, boot 3 in the same boot).
if [ $SHORT = 1 ]; then
	boot 2 workload "$PROGRAMS" "$SEED2" unseal u2 quote q2 "$N2" \
		unknown unseal u3 quote q3 "$N3"
	B3=$W/boot2
else
	boot 2 workload "$PROGRAMS" "$SEED2" unseal u2 quote q2 "$N2"
fi
mv "$W"/boot2/q2.* "$W/" 2>/dev/null
step "Host: boot 2 against boot 1"
P2=$(cat "$W/q2.pcr11" 2>/dev/null)
say "   PCR 11, boot 1: $P1"
say "   PCR 11, boot 2: $P2"
claim "$([ -n "$P1" ] && same "$P2" "$P1")" "PCR 11 after a different workload is boot 1's"
claim "$(cmp -s <(entries "$W/q1.txt") <(entries "$W/q2.txt") && echo yes || echo no)" \
	"the PCR 11 log is the same: $(entries "$W/q2.txt" | wc -l) records, one per list, nothing else"
claim "$([ "$(cat "$W/boot2/u2.rc" 2>/dev/null)" = 0 ] &&
	[ "$(cat "$W/boot2/u2.out" 2>/dev/null)" = "$SECRET" ] && echo yes || echo no)" \
	"clevis decrypt returned the secret sealed in boot 1"
verify q2 "$N2" 0

# Boot 3.
if [ $SHORT = 0 ]; then
	boot 3 workload "$PROGRAMS" "$SEED3" unknown unseal u3 quote q3 "$N3"
	B3=$W/boot3
fi
mv "$B3"/q3.* "$W/" 2>/dev/null
step "Host: the boot with an unknown program against boot 1"
P3=$(cat "$W/q3.pcr11" 2>/dev/null)
say "   PCR 11, boot 1: $P1"
say "   PCR 11, boot 3: $P3"
claim "$([ -n "$P3" ] && [ "$P3" != "$P1" ] && echo yes || echo no)" "PCR 11 differs from boot 1's"
extra=$(diff <(entries "$W/q1.txt") <(entries "$W/q3.txt") | grep -c '^>')
gone=$(diff <(entries "$W/q1.txt") <(entries "$W/q3.txt") | grep -c '^<')
claim "$([ "$extra" = 1 ] && [ "$gone" = 0 ] && echo yes || echo no)" \
	"by exactly one entry: boot 1's log plus $extra, none missing"
awk '$1 == 11' "$W/q3.txt" | grep -vF -f <(entries "$W/q1.txt") |
	awk '{ print "     the entry: " $3 " " $4 " " $5 }' | while read -r l; do say "     $l"; done
claim "$([ -f "$B3/u3.rc" ] && [ "$(cat "$B3/u3.rc")" != 0 ] &&
	[ "$(cat "$B3/u3.out" 2>/dev/null)" != "$SECRET" ] && echo yes || echo no)" \
	"clevis decrypt refused (status $(cat "$B3/u3.rc" 2>/dev/null)): the secret stays sealed"
verify q3 "$N3" 1
claim "$(grep -q "^unknown file: $BUILD/system-lists.info/unpackaged-true " "$W/q3.verify" &&
	echo yes || echo no)" "the verifier names the unknown program"

step "Summary"
if [ $SHORT = 0 ]; then
	say "   $(cat "$BUILD/system-lists.info/summary")"
	say "   PCR 11: boot 1 $P1"
	say "           boot 2 $P2"
	say "           boot 3 $P3"
fi
if [ $TAP = 0 ]; then
	say "   $((n + guest)) claims checked ($guest in the guests, $n on the host), $((failures + guest_failed)) failed, in $((SECONDS - start)) s"
else
	say "   $n claims checked, $failures failed, in $((SECONDS - start)) s"
fi
[ $TAP = 1 ] && echo "1..$n"
[ $failures = 0 ]
