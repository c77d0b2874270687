#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - the demonstration run by "make demo", inside the VM.
#
# 1. make a digest list of a set of the guest's own programs (diglim-gen);
# 2. load it, with an IMA policy that measures the list and skips every
#    program found in it (use_diglim=allow);
# 3. run the programs twice, in two orders, from two fresh copies: PCR 11
#    does not move, while plain IMA (PCR 12, same programs) adds one entry
#    per program and run;
# 4. run a program that is not in the list: PCR 11 changes, by exactly
#    the one entry the log shows, and the replayed log equals the TPM;
# 5. appraisal: programs of the list run without any security.ima
#    signature; the unknown one is denied.
#
# Exit status 0 only if every claim printed was checked true.
set -u

TOOLS=${DIGLIM_BUILD:?}/tools/diglim
SFS=/sys/kernel/security
POLICY=$SFS/ima/policy
D=/tmp/demo
PROGRAMS="ls cat sort wc head tail uniq tr cut date"
UNKNOWN=id
failures=0

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
pcr() { cat /sys/class/tpm/tpm0/pcr-sha256/"$1" | tr 'A-F' 'a-f'; }
entries() { grep -c "^$1 " $SFS/ima/ascii_runtime_measurements_sha256; }
claim() {
	if [ "$1" = yes ]; then
		say "   [ok] $2"
	else
		say "   [FAILED] $2"
		failures=$((failures + 1))
	fi
}
same() { [ "$1" = "$2" ] && echo yes || echo no; }

# The replay a verifier does: extend a zero PCR with the template digest of
# every entry of this PCR in the measurement list, in order.
replay() {
	/usr/bin/python3 - "$1" $SFS/ima/ascii_runtime_measurements_sha256 <<'EOF'
import hashlib, sys
pcr, value = sys.argv[1], bytes(32)
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == pcr:
        value = hashlib.sha256(value + bytes.fromhex(f[1].split(':')[-1])).digest()
print(value.hex())
EOF
}

# copy DIR OWNER PROGRAM...: fresh copies (new inodes: IMA has no cached
# verdict for them) owned by OWNER, which selects the policy rule.
copy() {
	dir=$1 owner=$2
	shift 2
	mkdir -p "$dir"
	for p in "$@"; do
		cp "$(command -v "$p")" "$dir/$p"
		chown "$owner" "$dir/$p"
	done
}

# run DIR PROGRAM...: run each program of DIR once.
run() {
	dir=$1
	shift
	for p in "$@"; do
		"$dir/$p" --version >/dev/null 2>&1 </dev/null
	done
}

reverse() { for w in "$@"; do r="$w ${r:-}"; done; echo "$r"; }

dmesg -n 1
mkdir -p $D/lists
say "DIGLIM demonstration: a PCR that does not depend on the order in which"
say "programs run, and appraisal by package digests instead of per-file"
say "signatures. Kernel $(uname -r), TPM 2.0 from swtpm."

step "1. A digest list of the guest's own programs"
# shellcheck disable=SC2086
copy $D/src 0 $PROGRAMS
"$TOOLS/diglim-gen" files -o $D/lists/demo-programs $D/src || exit 1
say "   diglim-gen files -o $D/lists/demo-programs  <- $PROGRAMS"
"$TOOLS/diglimctl" dump $D/lists/demo-programs | head -3
say "   ... ($(wc -c <$D/lists/demo-programs) bytes)"

step "2. IMA policy and list load"
cat >$D/policy <<'EOF'
measure func=CRITICAL_DATA label=diglim pcr=11
measure func=DIGEST_LIST_CHECK fowner=4300 pcr=11
appraise func=DIGEST_LIST_CHECK fowner=4300
measure func=BPRM_CHECK fowner=4301 use_diglim=allow pcr=11
measure func=BPRM_CHECK fowner=4302 pcr=12
appraise func=BPRM_CHECK fowner=4303 use_diglim=allow
EOF
sed 's/^/   /' $D/policy
cat $D/policy >$POLICY || exit 1
# The list must pass appraisal itself to let programs through appraisal: a
# real vendor signs it (diglim-sign, modsig); here IMA checks its hash.
evmctl ima_hash -a sha256 $D/lists/demo-programs >/dev/null 2>&1 || exit 1
chown 4300 $D/lists/demo-programs
p11_before=$(pcr 11)
"$TOOLS/diglimctl" add $D/lists/demo-programs || exit 1
say "   diglimctl add $D/lists/demo-programs"
"$TOOLS/diglimctl" count | sed 's/^/   /'
p11_list=$(pcr 11)
say "   PCR 11 before the list: $p11_before"
say "   PCR 11 after the list:  $p11_list (the list file and DIGLIM's record of its addition)"
grep "^11 .* add_file_demo-programs#" $SFS/ima/ascii_runtime_measurements_sha256 |
	awk '{ print "     log: " $3 " " $5 " " substr($6, 1, 16) "..." }'
acts=$("$TOOLS/diglimctl" query "sha256-$(sha256sum $D/lists/demo-programs | cut -d' ' -f1)" |
	sed -n 's/.*(actions: \([0-9]*\)): type: 3.*/\1/p')
claim "$(same "$acts" 3)" "the list is MEASURED (its record is in PCR 11) and APPRAISED: actions $acts"

step "3. The same programs in two orders, from two fresh copies"
# shellcheck disable=SC2086
{
	copy $D/run1 4301 $PROGRAMS
	copy $D/run2 4301 $PROGRAMS
	copy $D/plain1 4302 $PROGRAMS
	copy $D/plain2 4302 $PROGRAMS
}
order1=$PROGRAMS
# shellcheck disable=SC2086
order2=$(reverse $PROGRAMS)
p12_0=$(pcr 12)
n12_0=$(entries 12)
# shellcheck disable=SC2086
run $D/run1 $order1
# shellcheck disable=SC2086
run $D/plain1 $order1
p11_a=$(pcr 11)
p12_a=$(pcr 12)
say "   order 1: $order1"
say "     PCR 11 (use_diglim=allow): $p11_a"
say "     PCR 12 (plain IMA):        $p12_a"
# shellcheck disable=SC2086
run $D/run2 $order2
# shellcheck disable=SC2086
run $D/plain2 $order2
p11_b=$(pcr 11)
p12_b=$(pcr 12)
say "   order 2: $order2"
say "     PCR 11 (use_diglim=allow): $p11_b"
say "     PCR 12 (plain IMA):        $p12_b"
claim "$(same "$p11_a" "$p11_list")" "PCR 11 did not move for known programs (order 1)"
claim "$(same "$p11_b" "$p11_a")" "PCR 11 is the same after order 2"
n=$(( $(entries 12) - n12_0 ))
claim "$(same "$n" 20)" "plain IMA logged one entry per program and run on PCR 12 ($n)"
claim "$([ "$p12_a" != "$p12_0" ] && [ "$p12_b" != "$p12_a" ] && echo yes || echo no)" \
	"PCR 12 changed with every run: its value depends on what ran, in which order"

step "4. A program that is not in the list"
copy $D/run1 4301 $UNKNOWN
n11=$(entries 11)
run $D/run1 $UNKNOWN
p11_c=$(pcr 11)
say "   ran $UNKNOWN (not in the list)"
say "     PCR 11: $p11_c"
grep "^11 " $SFS/ima/ascii_runtime_measurements_sha256 | tail -1 |
	awk '{ print "     new log entry: " $3 " " $5 }'
claim "$([ "$p11_c" != "$p11_b" ] && echo yes || echo no)" "PCR 11 changed"
claim "$(same $(( $(entries 11) - n11 )) 1)" "exactly one new entry on PCR 11"
r=$(replay 11)
say "     replayed log:  $r"
claim "$(same "$r" "$p11_c")" "the replayed measurement list equals the TPM's PCR 11"

step "5. Appraisal without per-file signatures"
# shellcheck disable=SC2086
copy $D/appraise 4303 $PROGRAMS $UNKNOWN
say "   programs owned by 4303 have no security.ima at all:"
getfattr -n security.ima $D/appraise/ls >/dev/null 2>&1 &&
	say "   (unexpected: ls has one)"
if "$D/appraise/ls" $D/appraise >/dev/null 2>&1; then
	say "     $D/appraise/ls: runs (its digest is in the appraised list)"
	claim yes "a known program runs"
else
	claim no "a known program runs"
fi
if out=$("$D/appraise/$UNKNOWN" 2>&1); then
	say "     $D/appraise/$UNKNOWN: ran ($out)"
	claim no "the unknown program is denied"
else
	say "     $D/appraise/$UNKNOWN: ${out##*: }"
	claim "$(echo "$out" | grep -q 'Permission denied' && echo yes || echo no)" \
		"the unknown program is denied (EACCES)"
fi

step "Summary"
if [ $failures -eq 0 ]; then
	say "   every claim above was checked: PCR 11 holds the list and the"
	say "   unknown program only, whatever ran before, in whatever order."
else
	say "   $failures claim(s) FAILED"
fi
[ $failures -eq 0 ]
