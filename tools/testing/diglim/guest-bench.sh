#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - the benchmark, run inside the VM ("make bench", and a tiny smoke
# run in "make check").
#
# Usage: guest-bench.sh [--smoke] [RESULTS_DIR]
#
# One boot, in this order (IMA policy rules can only be appended, so every
# phase has its own file owner and its own fresh copy of the files):
#   1. the data; load and delete the two data sets of the 2021 evaluation,
#      with no IMA rule yet: time, and memory from /proc/slabinfo,
#      /proc/meminfo and /proc/vmallocinfo (boot with slab_nomerge), split
#      by diglim_bench/memory
#  1c. deletion of a list whose digests another list also holds: list A,
#      one digest N times, and list B, the same digest N times in other
#      bytes; add A and B, time the deletion of A (it must stay linear
#      in N), delete B
#   2. cat of the files with no IMA policy
#   3. IMA rules, a test key on the _ima keyring, the small set loaded again
#      (lists measured and appraised), then cat of fresh copies of the files
#      for measurement A and appraisal A, then $WL_REPS times, interleaved,
#      the hash-only floor (an audit rule: IMA hashes the file and does
#      nothing else), measurement B and appraisal B
#   4. the lookup micro-benchmark (debugfs diglim_bench/lookup, bench
#      kernel only)
#   5. perf profiles of the same workloads, untimed
#   6. real scale (full run only, not --smoke): the lists of every
#      installed Debian package that make system-lists made on the host
#      ($DIGLIM_BUILD/system-lists), loaded and deleted with no IMA rule
#      right after step 1 (time, memory), then at the end loaded again
#      measured and appraised, and a workload of packaged programs run
#      from copies with and without use_diglim=allow (log entries, size)
# and prints one table (bench.py table). With --smoke the sizes are tiny,
# the output is TAP (the table as comments) and nothing is timed against a
# target; a step that needs what the kernel lacks is skipped.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
SMOKE=0
if [ "${1:-}" = --smoke ]; then
	SMOKE=1
	shift
fi
OUT=${1:-/run/diglim}
RES=/tmp/bench-results
W=/tmp/bench
DIGLIM=/sys/kernel/security/integrity/diglim
IMA=/sys/kernel/security/ima
BENCHFS=/sys/kernel/debug/diglim_bench

# Sizes of the 2021 evaluation; the smoke run only checks that it all works.
if [ $SMOKE = 1 ]; then
	FULL_LISTS=12 FULL_DIGESTS=300 SMALL_LISTS=8 FILES=40
	LOOKUP_SIZES="1000"
	DUP_SIZES="64 640"
else
	FULL_LISTS=1423 FULL_DIGESTS=99100 SMALL_LISTS=1104 FILES=5986
	LOOKUP_SIZES="1000 100000 1000000 10000000"
	DUP_SIZES="6400 64000"
fi
# Step 1c: how long a deletion may take before it is recorded as timed out
# (the old code was quadratic: N = 8,000 took 18.8 s).
DEL_TIMEOUT=${DEL_TIMEOUT:-600}
# Step 3: repetitions of the floor and B workloads (the median is the
# figure).
WL_REPS=${WL_REPS:-3}
# File owners of the phases (fowner= in the IMA rules).
OWN_MEASURE_A=2001 OWN_MEASURE_B=2002 OWN_APPRAISE_A=2003
OWN_APPRAISE_B=2004 OWN_LISTS=2100
# The hash-only floor of step 3 (an audit rule).
OWN_FLOOR=2007
# Step 6: the real system's lists and the two copies of its workload.
OWN_SYSLISTS=2101 OWN_SYS_A=2005 OWN_SYS_B=2006

rm -rf "$RES" "$W" "$OUT/bench"
mkdir -p "$RES" "$W" "$OUT/bench"
NTAP=0 FAILED=0

say() {
	local up
	read -r up _ </proc/uptime
	echo "bench: [$up] $*" >&2
}
res() {
	echo "$1 $2" >>"$RES/results"
	# A live copy on the result share, in case the run is cut short.
	echo "$1 $2" >>"$OUT/bench/results.live"
}
# Elapsed seconds between two $EPOCHREALTIME values.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

tap() {
	NTAP=$((NTAP + 1))
	[ $SMOKE = 1 ] && echo "$1 $NTAP $2"
	return 0
}
ok() { tap ok "$1"; }
skip() { tap ok "$1 # SKIP $2"; say "skipped $1: $2"; }
fail() {
	FAILED=1
	tap "not ok" "$1"
	say "FAILED: $1${2:+: $2}"
	[ $SMOKE = 1 ] && return 1
	finish
}

# Results and table to the result share (visible on the host at once).
publish() {
	mkdir -p "$OUT/bench"
	cp -r "$RES/." "$OUT/bench/"
	[ -s "$RES/results" ] &&
		$PY "$HERE/bench.py" table "$RES" >"$OUT/bench/table.txt"
	return 0
}

finish() {
	publish
	touch "$OUT/bench/table.txt"
	if [ $SMOKE = 1 ]; then
		sed 's/^/# /' "$OUT/bench/table.txt"
		echo "1..$NTAP"
	else
		cat "$OUT/bench/table.txt"
	fi
	exit $FAILED
}

count() {
	sed -n "s/^$1 digests: //p" "$DIGLIM/digests_count"
}

snapshot() {
	cat /proc/slabinfo >"$RES/$1.slab"
	cat /proc/meminfo >"$RES/$1.mem"
	cat /proc/vmallocinfo >"$RES/$1.vm"
	[ -r $BENCHFS/memory ] && cat $BENCHFS/memory >"$RES/$1.dmem"
	return 0
}

# Writes the path of every list of a directory to digest_list_add or
# digest_list_del, as a loader would.
# A loader: one process opens the entry once and writes each path with a
# write() of its own (one request each), as a boot script or a package
# manager hook would: upload-lists.c, built by bench.sh; without it (make
# check), a subshell whose printf builtin makes one write() per list.
# (diglimctl add does the same, but starting it, with libcrypto and
# libtss2, costs about 0.2 s under TCG, more than loading the small set.)
# The shell loop below (an open, a write and a close per list) is also
# timed, as information.
LOADER=${DIGLIM_BUILD:-/nonexistent}/bench-tools/upload-lists
upload_dir() {
	if [ -x "$LOADER" ]; then
		"$LOADER" "$DIGLIM/digest_list_$2" "$1"/*
		return
	fi
	(
		exec >"$DIGLIM/digest_list_$2" || exit 1
		for f in "$1"/*; do
			printf '%s' "$f" || exit 1
		done
	)
}
upload_dir_shell() {
	local f
	for f in "$1"/*; do
		echo "$f" >"$DIGLIM/digest_list_$2" || return 1
	done
}

# cat of every file of a directory, timed.
cat_dir() {
	local t0 t1 rc
	t0=$EPOCHREALTIME
	printf '%s\0' "$1"/* | xargs -0 cat >/dev/null
	rc=$?
	t1=$EPOCHREALTIME
	CAT_S=$(elapsed "$t0" "$t1")
	res "$2" "$CAT_S"
	return $rc
}

# The median of the numbers given.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]
		      else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# A fresh copy of the files owned by $1 (with security.ima if $2 = xattr).
copy_files() {
	rm -rf "$W/run"
	if [ "${2:-}" = xattr ]; then
		cp -a "$W/files" "$W/run"
	else
		cp -r "$W/files" "$W/run"
	fi
	chown -R "$1" "$W/run"
}

log_entries() { wc -l <$IMA/ascii_runtime_measurements; }
log_bytes() { wc -c <$IMA/binary_runtime_measurements_sha256; }

[ -d $DIGLIM ] || { fail "DIGLIM securityfs" "no $DIGLIM"; finish; }
[ -w $IMA/policy ] || { fail "IMA policy writable" "no $IMA/policy"; finish; }
say "kernel $(uname -r), $(nproc) CPUs, $(sed -n 's/MemTotal: *//p' /proc/meminfo)," \
	"cmdline: $(cat /proc/cmdline)"
res kernel "$(uname -r)"
res slab_nomerge "$(grep -c slab_nomerge /proc/cmdline)"
res smoke $SMOKE

# A CPU-bound reference that bench.sh also times on the host, natively: how
# much slower this guest is than the host CPU (QEMU TCG).
$PY -c 'import random, sys; sys.stdout.buffer.write(random.Random(7).randbytes(16 << 20))' \
	>"$W/ref.bin"
t0=$EPOCHREALTIME
gzip -1 -c "$W/ref.bin" >/dev/null
t1=$EPOCHREALTIME
res ref_gzip_s "$(elapsed "$t0" "$t1")"
rm -f "$W/ref.bin"

# 1. Data: the files of the workloads, the small set (the digests of exactly
# these files, as the execution-only set of 2021) and the full set (these
# digests and random ones).
say "making $FILES files"
$PY "$HERE/bench.py" files "$W/files" $FILES 2021 >"$W/files.sha256" ||
	fail "make the files"
res files $FILES
res files_bytes "$(du -sb --apparent-size "$W/files" | cut -f1)"
set -- $($PY "$HERE/bench.py" lists "$W/full" full $FULL_LISTS $FULL_DIGESTS 99 "$W/files.sha256")
res set_full_lists "$1"
res set_full_digests "$2"
res set_full_bytes "$3"
set -- $($PY "$HERE/bench.py" lists "$W/small" small $SMALL_LISTS $FILES 5 "$W/files.sha256")
res set_small_lists "$1"
res set_small_digests "$2"
res set_small_bytes "$3"
ok "make the files and the lists"

# The small set first: its memory is measured before the full set leaves
# freed slab objects behind for it to reuse.
for set in small full; do
	dir=$W/$set
	ndig=$(sed -n "s/^set_${set}_digests //p" "$RES/results")
	say "loading the $set set"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 3
	snapshot "before-$set"
	t0=$EPOCHREALTIME
	upload_dir "$dir" add
	rc=$?
	t1=$EPOCHREALTIME
	res "load_${set}_s" "$(elapsed "$t0" "$t1")"
	# Steady state: let a pending table resize and RCU frees finish.
	sleep 2
	snapshot "after-$set"
	if [ $rc = 0 ] && [ "$(count File)" = "$ndig" ]; then
		ok "load the $set set"
	else
		fail "load the $set set" "File digests: $(count File), expected $ndig"
	fi
	t0=$EPOCHREALTIME
	upload_dir "$dir" del
	rc=$?
	t1=$EPOCHREALTIME
	res "del_${set}_s" "$(elapsed "$t0" "$t1")"
	if [ $rc = 0 ] && [ "$(count File)" = 0 ] &&
	   [ "$(count 'Digest list')" = 0 ]; then
		ok "delete the $set set"
	else
		fail "delete the $set set" "digests left: $(cat $DIGLIM/digests_count)"
	fi
	# The same with the shell loop, and the loop alone (writing the
	# paths to a tmpfs file): information on what the shell costs.
	if :; then
		t0=$EPOCHREALTIME
		upload_dir_shell "$dir" add
		rc=$?
		t1=$EPOCHREALTIME
		res "load_${set}_shell_s" "$(elapsed "$t0" "$t1")"
		upload_dir_shell "$dir" del || rc=1
		t0=$EPOCHREALTIME
		for f in "$dir"/*; do echo "$f" >"$W/paths"; done
		t1=$EPOCHREALTIME
		res "shell_loop_${set}_s" "$(elapsed "$t0" "$t1")"
		if [ $rc = 0 ] && [ "$(count 'Digest list')" = 0 ]; then
			ok "load and delete the $set set with a shell loop"
		else
			fail "load and delete the $set set with a shell loop"
		fi
	fi
done

# 1b. Real scale, full run only: the lists of every installed package,
# one per package, as make system-lists made and signed them on the host
# (the guest runs the host's root, so they are this system's lists),
# copied to tmpfs like the synthetic sets. What they hold is counted with
# bench.py scan (the compact format, appended signatures skipped);
# digests_count counts a digest that is in several lists once, so it
# must show the distinct count (the index has an entry per digest of
# each list). Loaded and deleted with no IMA rule, as above: the
# time and memory of DIGLIM alone. Step 6 loads them again, measured and
# appraised.
SYS=0
SYSLISTS=${DIGLIM_BUILD:-/nonexistent}/system-lists
SYSINFO=${DIGLIM_BUILD:-/nonexistent}/system-lists.info
if [ $SMOKE = 0 ]; then
	if [ -d "$SYSLISTS" ] && [ -s "$SYSINFO/workload" ]; then
		SYS=1
	else
		res system_skip "no $SYSLISTS (make system-lists)"
		skip "real scale" "no $SYSLISTS (make system-lists)"
	fi
fi
if [ $SYS = 1 ]; then
	say "real scale: the lists of the installed packages, no IMA rule"
	rm -rf "$W/system"
	cp -r "$SYSLISTS" "$W/system" || fail "copy $SYSLISTS"
	res system_packages "$(sed -n 's/^dpkg: \([0-9]*\) packages.*/\1/p' "$SYSINFO/summary")"
	$PY "$HERE/bench.py" scan "$W/system" >"$W/scan" || fail "bench.py scan $W/system"
	while read -r k v; do
		res "system_$k" "$v"
	done <"$W/scan"
	nlists=$(sed -n 's/^lists //p' "$W/scan")
	ndist=$(sed -n 's/^distinct //p' "$W/scan")
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 3
	snapshot before-system
	t0=$EPOCHREALTIME
	upload_dir "$W/system" add
	rc=$?
	t1=$EPOCHREALTIME
	res load_system_s "$(elapsed "$t0" "$t1")"
	sleep 2
	snapshot after-system
	res system_digests_count "$(count File)"
	res system_list_digests_count "$(count 'Digest list')"
	if [ $rc = 0 ] && [ "$(count File)" = "$ndist" ] &&
	   [ "$(count 'Digest list')" = "$nlists" ]; then
		ok "load the real system's lists"
	else
		fail "load the real system's lists" \
			"digests_count: $(cat $DIGLIM/digests_count | tr '\n' ' '), expected $ndist file digests, $nlists lists"
	fi
	t0=$EPOCHREALTIME
	upload_dir "$W/system" del
	rc=$?
	t1=$EPOCHREALTIME
	res del_system_s "$(elapsed "$t0" "$t1")"
	if [ $rc = 0 ] && [ "$(count File)" = 0 ] &&
	   [ "$(count 'Digest list')" = 0 ]; then
		ok "delete the real system's lists"
	else
		fail "delete the real system's lists" "digests left: $(cat $DIGLIM/digests_count)"
	fi
fi

# 1c. Deletion of a list whose digests another list also holds, no IMA
# rule: list A is one compact block of one fixed digest N times, list B
# the same digest N times in other bytes (the block's modifiers field is
# 1, so B's own digest differs from A's). Add A, add B, delete A (B still
# holds the digest: each of A's N occurrences has to be found among the
# 2N and removed), delete B. The deletion of A must stay linear in N. The
# write runs in the background: after DEL_TIMEOUT it is recorded as timed
# out, and still awaited (the kernel holds the writer mutex until it ends).
dup_step() {
	local n=$1 what=$2 path=$3 op=$4 key=$5 pid rc t waited=0
	rm -f "$W/dup.out"
	(
		t0=$EPOCHREALTIME
		if echo "$path" >"$DIGLIM/digest_list_$op"; then
			rc=0
		else
			rc=1
		fi
		t1=$EPOCHREALTIME
		echo "$rc $(elapsed "$t0" "$t1")" >"$W/dup.out"
	) &
	pid=$!
	while kill -0 $pid 2>/dev/null && [ $waited -lt $((DEL_TIMEOUT * 10)) ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		res "$key" timeout
		say "$what, N = $n: not done after $DEL_TIMEOUT s; waiting for it"
		key=${key%_s}_late_s
	fi
	wait $pid
	rc=1 t='?'
	[ -s "$W/dup.out" ] && read -r rc t <"$W/dup.out"
	res "$key" "$t"
	say "$what, N = $n: status $rc, $t s"
	return "$rc"
}
dup_state() {
	echo "$(count File)/$(count 'Digest list')"
}
res dup_sizes "$DUP_SIZES"
res dup_timeout_s "$DEL_TIMEOUT"
mkdir -p "$W/dup"
for n in $DUP_SIZES; do
	say "deletion of a list of $n duplicate digests"
	a=$W/dup/a-$n b=$W/dup/b-$n
	if ! $PY "$HERE/bench.py" duplist "$a" "$n" 0 ||
	   ! $PY "$HERE/bench.py" duplist "$b" "$n" 1; then
		fail "bench.py duplist $n"
	fi
	# File digests / lists loaded after each step: 1/1, 1/2, 1/1, 0/0.
	states=$(dup_state)
	dup_step "$n" "add A" "$a" add "dup_add_a_${n}_s" || states="$states add-A-failed"
	states="$states $(dup_state)"
	dup_step "$n" "add B" "$b" add "dup_add_b_${n}_s" || states="$states add-B-failed"
	states="$states $(dup_state)"
	dup_step "$n" "delete A" "$a" del "dup_del_${n}_s" || states="$states del-A-failed"
	states="$states $(dup_state)"
	dup_step "$n" "delete B" "$b" del "dup_del_b_${n}_s" || states="$states del-B-failed"
	states="$states $(dup_state)"
	res "dup_${n}_counts" "${states// /,}"
	if [ "$states" = "0/0 1/1 1/2 1/1 0/0" ]; then
		ok "delete a list of $n duplicate digests"
	else
		fail "delete a list of $n duplicate digests" \
			"File digests/lists: $states, expected 0/0 1/1 1/2 1/1 0/0"
	fi
done
rm -rf "$W/dup"

publish

# 2. No IMA policy yet.
say "workload: no IMA"
copy_files 0
if cat_dir "$W/run" wl_noima_s; then
	ok "cat, no IMA"
else
	fail "cat, no IMA"
fi

# 3. IMA. The test key signed by the test CA built into the kernel
# (CONFIG_INTEGRITY_TRUSTED_KEYRING: the .ima keyring only takes keys the
# CA signed), made by kbuild.sh in $DIGLIM_BUILD/keys.
say "IMA rules and key"
cp "${DIGLIM_BUILD:?}/keys/ima.key" "$W/key.pem" || fail "the test key"
SIGS=0
# make check adds the same key in an earlier step: that is fine.
if keyctl padd asymmetric "" %keyring:.ima \
	<"$DIGLIM_BUILD/keys/ima.der" >/dev/null 2>&1; then
	SIGS=1
fi
# The 2021 text wrote ima_template=ima-sig, the name of the boot parameter;
# the rule option is template=. IMA takes one rule per write and drops every
# rule of the open file if one is invalid.
rules_ok=1
{
	for rule in \
		"measure func=DIGEST_LIST_CHECK fowner=$OWN_LISTS pcr=11" \
		"measure func=CRITICAL_DATA label=diglim pcr=11" \
		"appraise func=DIGEST_LIST_CHECK fowner=$OWN_LISTS" \
		"measure fowner=$OWN_MEASURE_A func=FILE_CHECK mask=MAY_READ pcr=11 template=ima-sig" \
		"measure fowner=$OWN_MEASURE_B func=FILE_CHECK mask=MAY_READ use_diglim=allow pcr=11 template=ima-sig" \
		"appraise fowner=$OWN_APPRAISE_A func=FILE_CHECK mask=MAY_READ" \
		"appraise fowner=$OWN_APPRAISE_B func=FILE_CHECK mask=MAY_READ use_diglim=allow" \
		"audit fowner=$OWN_FLOOR func=FILE_CHECK mask=MAY_READ"; do
		echo "$rule" >&3 || rules_ok=0
	done
} 3>$IMA/policy || rules_ok=0
if [ $rules_ok = 1 ] && grep -q "fowner=$OWN_APPRAISE_B" $IMA/policy; then
	ok "IMA rules"
else
	fail "IMA rules" "the policy update failed"
fi
# The floor: IMA hashes the file (into its iint) and, without CONFIG_AUDIT
# in the bench kernel, does nothing else; the B workloads hash the same
# files and look the digest up. The rule has to be in the policy.
if grep -q "^audit .*fowner=$OWN_FLOOR" $IMA/policy; then
	ok "IMA hash-only rule (audit)"
else
	fail "IMA hash-only rule (audit)" "not in $IMA/policy"
fi

# Does the kernel verify the signatures? (Not the debug kernel of make check.)
if [ $SIGS = 1 ]; then
	head -c 4096 /dev/urandom >"$W/probe"
	evmctl ima_sign --key "$W/key.pem" -a sha256 "$W/probe" >/dev/null 2>&1 &&
		chown $OWN_APPRAISE_A "$W/probe" && cat "$W/probe" >/dev/null 2>&1 ||
		SIGS=0
fi
[ $SIGS = 1 ] || [ $SMOKE = 1 ] ||
	fail "signature appraisal" "the kernel does not verify evmctl signatures"
say "signing the files and the lists (signatures: $SIGS)"
if [ $SIGS = 1 ]; then
	# One directory per call: with -r, evmctl only walks its first path.
	for d in "$W/small" "$W/files"; do
		evmctl ima_sign -r --key "$W/key.pem" -a sha256 "$d" \
			>/dev/null 2>&1 || fail "evmctl ima_sign $d"
	done
else
	# Lists can still be appraised by a hash in security.ima.
	evmctl ima_hash -r -a sha256 "$W/small" >/dev/null 2>&1 ||
		fail "evmctl ima_hash"
fi
chown -R $OWN_LISTS "$W/small"
ok "sign the files and the lists"

say "loading the small set, measured and appraised"
t0=$EPOCHREALTIME
upload_dir "$W/small" add || fail "load the small set with IMA"
t1=$EPOCHREALTIME
res load_ima_s "$(elapsed "$t0" "$t1")"
v=$(ls $DIGLIM/digest_lists_loaded/*.ascii | head -1)
acts=$(sed -n '1s/^actions: \([0-9]*\),.*/\1/p' "$v")
res list_actions "$acts"
want=$((SIGS ? 7 : 3))
if [ "$acts" = $want ]; then
	ok "load the small set with IMA (actions $acts)"
else
	fail "load the small set with IMA" "actions $acts, expected $want"
fi

say "workload: measurement A"
copy_files $OWN_MEASURE_A
n0=$(log_entries)
cat_dir "$W/run" wl_measure_a_s
n=$(($(log_entries) - n0))
res wl_measure_a_entries $n
if [ $n = $FILES ]; then
	ok "measurement A"
else
	fail "measurement A" "$n entries, expected $FILES"
fi

if [ $SIGS = 1 ]; then
	say "workload: appraisal A"
	copy_files $OWN_APPRAISE_A xattr
	if cat_dir "$W/run" wl_appraise_a_s; then
		ok "appraisal A"
	else
		fail "appraisal A" "a signed file was denied"
	fi
else
	skip "appraisal A" "the kernel does not verify signatures"
fi

# The floor and the B workloads, interleaved (floor, measurement B,
# appraisal B, floor, ...) so that a drift of the host hits them alike,
# each on its own fresh copy (new inodes: IMA has not seen them); the
# medians are the figures.
res wl_reps "$WL_REPS"
fl="" mb="" ab="" nfl=0 nmb=0 abfail=0
for i in $(seq 1 "$WL_REPS"); do
	say "workload: hash-only floor ($i of $WL_REPS)"
	copy_files $OWN_FLOOR
	n0=$(log_entries)
	cat_dir "$W/run" "wl_floor_s_$i" || fail "hash-only floor" "cat failed"
	fl="$fl $CAT_S"
	nfl=$((nfl + $(log_entries) - n0))

	say "workload: measurement B ($i of $WL_REPS)"
	copy_files $OWN_MEASURE_B
	n0=$(log_entries)
	cat_dir "$W/run" "wl_measure_b_s_$i"
	mb="$mb $CAT_S"
	nmb=$((nmb + $(log_entries) - n0))

	say "workload: appraisal B ($i of $WL_REPS)"
	copy_files $OWN_APPRAISE_B
	cat_dir "$W/run" "wl_appraise_b_s_$i" || abfail=1
	ab="$ab $CAT_S"
done
# shellcheck disable=SC2086
{
	res wl_floor_s "$(median $fl)"
	res wl_measure_b_s "$(median $mb)"
	res wl_appraise_b_s "$(median $ab)"
}
res wl_floor_entries $nfl
res wl_measure_b_entries $nmb
ok "hash-only floor ($nfl log entries)"

# Not vacuous: a file in no list is measured.
n0=$(log_entries)
head -c 1000 /dev/urandom >"$W/unknown-m" && chown $OWN_MEASURE_B "$W/unknown-m"
cat "$W/unknown-m" >/dev/null
if [ $nmb != 0 ]; then
	fail "measurement B" "$nmb entries, expected 0"
elif [ $(($(log_entries) - n0)) != 1 ]; then
	fail "measurement B" "a file in no list was not measured"
else
	ok "measurement B"
fi

# Not vacuous: a file in no list is denied.
head -c 1000 /dev/urandom >"$W/unknown" && chown $OWN_APPRAISE_B "$W/unknown"
if [ $abfail = 1 ]; then
	fail "appraisal B" "a listed file was denied"
elif cat "$W/unknown" >/dev/null 2>&1; then
	fail "appraisal B" "a file in no list was not denied"
else
	ok "appraisal B"
fi
rm -rf "$W/run"

profile() {
	local name=$1
	shift
	perf record -q -a -F 997 -e cpu-clock -o "$W/perf.data" -- "$@" \
		>/dev/null 2>&1 || return 1
	perf report -i "$W/perf.data" --stdio --no-children --sort dso,symbol \
		--percent-limit 1 2>/dev/null | grep -v '^#' | grep -v '^$' |
		head -20 >"$RES/profile-$name.txt"
	rm -f "$W/perf.data"
}
catall() { printf '%s\0' "$W/run"/* | xargs -0 cat >/dev/null; }
publish
# The value of a key in a line of "key value" pairs.
lookup_key() {
	echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i += 2)
		if ($i == k) { print $(i + 1); exit } }'
}
# 4. Lookup micro-benchmark (late: it needs up to 1.6 GB for a while).
if [ -w $BENCHFS/lookup ]; then
	for n in $LOOKUP_SIZES; do
		e=${#n}
		e=$((e - 1))
		say "lookup micro-benchmark, $n digests"
		if echo "$n" >$BENCHFS/lookup; then
			# Pairs of key and value, e.g. "digests N lists L
			# buckets B slots S load X build_ns_per_digest X
			# hit_ps H miss_ps M miss_lines F": read by name.
			lk=$(cat $BENCHFS/lookup)
			say "lookup: $lk"
			for k in digests lists buckets slots load miss_lines; do
				v=$(lookup_key "$lk" $k)
				[ -n "$v" ] && res "lookup_1e${e}_$k" "$v"
			done
			v=$(lookup_key "$lk" build_ns_per_digest)
			[ -n "$v" ] && res "lookup_1e${e}_build_ns" "$v"
			for k in hit miss; do
				v=$(lookup_key "$lk" ${k}_ps)
				[ -n "$v" ] && res "lookup_1e${e}_${k}_ns" \
					"$(awk -v p="$v" 'BEGIN { printf "%.1f", p / 1000 }')"
			done
			if [ -n "$(lookup_key "$lk" hit_ps)" ] &&
			   [ -n "$(lookup_key "$lk" miss_ps)" ]; then
				ok "lookup micro-benchmark, $n digests"
			else
				fail "lookup micro-benchmark, $n digests" "no hit_ps or miss_ps in: $lk"
			fi
		else
			fail "lookup micro-benchmark, $n digests"
		fi
	done
else
	res lookup_skip "skipped: kernel without CONFIG_DIGLIM_BENCH"
	skip "lookup micro-benchmark" "kernel without CONFIG_DIGLIM_BENCH"
fi

publish

# 5. Where the time goes: the same workloads again on fresh copies (and the
# full set loaded again), untimed, under perf sampling every CPU.
if [ $SMOKE = 0 ] && perf --version >/dev/null 2>&1; then
	say "profiles"
	for p in floor:$OWN_FLOOR measure_a:$OWN_MEASURE_A \
		 measure_b:$OWN_MEASURE_B appraise_a:$OWN_APPRAISE_A \
		 appraise_b:$OWN_APPRAISE_B; do
		copy_files "${p#*:}" $([ "${p%:*}" = appraise_a ] && echo xattr)
		profile "${p%:*}" bash -c "$(declare -f catall); W=$W catall"
	done
	rm -rf "$W/run"
	profile load_full bash -c "$(declare -f upload_dir); LOADER=$LOADER DIGLIM=$DIGLIM upload_dir $W/full add"
	upload_dir "$W/full" del
	ok "profiles"
fi

# 6. Real scale, measured: the lists of step 1b loaded again the way
# system-boot.sh loads them at boot (every one recorded into PCR 11 by
# the CRITICAL_DATA rule of step 3 and appraised by its appended
# signature, made with the key of step 3), then the same workload run
# twice, from two copies: measured in full (A) and with use_diglim=allow
# (B). The workload is the programs of system-workload that the host
# lists cover (system-lists.info/workload), each run once with its
# arguments, with copies of the shared libraries it links (ldd) found
# through LD_LIBRARY_PATH, so that both the executions (BPRM_CHECK) and
# the library mappings (MMAP_CHECK) are the copies' and match the rules'
# owners; the loader itself is not a copy. Default template, as in
# system-boot.sh. The rules are appended to those of step 3.
sys_copy() {
	local dir=$1 f
	rm -rf "$dir"
	mkdir -p "$dir"
	while read -r f; do
		cp "$f" "$dir/" || return 1
	done <"$W/sys-files"
	chown -R "$2" "$dir"
}
sys_run() {
	local dir=$1 prog args
	while read -r prog args; do
		# shellcheck disable=SC2086
		(set -f; LD_LIBRARY_PATH=$dir timeout 60 "$dir/${prog##*/}" $args \
			</dev/null >/dev/null 2>&1)
	done <"$SYSINFO/workload"
}
if [ $SYS = 1 ]; then
	say "real scale: IMA rules for the lists and the workload"
	rules_ok=1
	{
		for rule in \
			"appraise func=DIGEST_LIST_CHECK fowner=$OWN_SYSLISTS appraise_type=imasig|modsig" \
			"measure fowner=$OWN_SYS_A func=BPRM_CHECK pcr=11" \
			"measure fowner=$OWN_SYS_A func=MMAP_CHECK mask=MAY_EXEC pcr=11" \
			"measure fowner=$OWN_SYS_B func=BPRM_CHECK use_diglim=allow pcr=11" \
			"measure fowner=$OWN_SYS_B func=MMAP_CHECK mask=MAY_EXEC use_diglim=allow pcr=11"; do
			echo "$rule" >&3 || rules_ok=0
		done
	} 3>$IMA/policy || rules_ok=0
	if [ $rules_ok = 1 ] && grep -q "fowner=$OWN_SYS_B" $IMA/policy; then
		ok "real scale: IMA rules"
	else
		fail "real scale: IMA rules" "the policy update failed"
	fi

	say "real scale: loading the lists, measured and appraised"
	chown -R $OWN_SYSLISTS "$W/system"
	a7() { head -qn 1 $DIGLIM/digest_lists_loaded/*.ascii 2>/dev/null | grep -c '^actions: 7,'; }
	n0=$(log_entries) b0=$(log_bytes) a0=$(a7)
	t0=$EPOCHREALTIME
	upload_dir "$W/system" add
	rc=$?
	t1=$EPOCHREALTIME
	res load_system_ima_s "$(elapsed "$t0" "$t1")"
	n=$(($(log_entries) - n0))
	res system_load_entries $n
	res system_load_log_bytes $(($(log_bytes) - b0))
	acts=$(($(a7) - a0))
	res system_actions7 $acts
	if [ $rc = 0 ] && [ $acts = "$nlists" ] && [ $n = "$nlists" ]; then
		ok "real scale: every list measured and appraised by its signature"
	else
		fail "real scale: lists measured and appraised" \
			"status $rc, $acts of $nlists with actions 7, $n log entries"
	fi

	say "real scale: the workload's programs and libraries"
	# bench.sh lists them on the host (ldd is slow under TCG); one copy
	# per name, the first of two same-named files wins.
	if [ -s "$DIGLIM_BUILD/bench-results/system-files" ]; then
		cp "$DIGLIM_BUILD/bench-results/system-files" "$W/sys-files"
	else
		cut -d' ' -f1 "$SYSINFO/workload" | sort -u | while read -r p; do
			echo "$p"
			ldd "$p" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'
		done | sort -u | awk -F/ '!seen[$NF]++' >"$W/sys-files"
	fi
	res system_workload_programs "$(wc -l <"$SYSINFO/workload")"
	res system_workload_files "$(wc -l <"$W/sys-files")"
	sys_copy "$W/sys-a" $OWN_SYS_A || fail "copy the workload (A)"
	sys_copy "$W/sys-b" $OWN_SYS_B || fail "copy the workload (B)"
	for v in a:$OWN_SYS_A b:$OWN_SYS_B; do
		say "real scale: workload ${v%:*}"
		n0=$(log_entries) b0=$(log_bytes)
		t0=$EPOCHREALTIME
		sys_run "$W/sys-${v%:*}"
		t1=$EPOCHREALTIME
		res "system_wl_${v%:*}_s" "$(elapsed "$t0" "$t1")"
		res "system_wl_${v%:*}_entries" $(($(log_entries) - n0))
		res "system_wl_${v%:*}_log_bytes" $(($(log_bytes) - b0))
	done
	na=$(sed -n 's/^system_wl_a_entries //p' "$RES/results")
	nb=$(sed -n 's/^system_wl_b_entries //p' "$RES/results")
	# Not vacuous: a program in no package, run from B, is measured.
	cp "$SYSINFO/unpackaged-true" "$W/sys-b/unpackaged" &&
		chown $OWN_SYS_B "$W/sys-b/unpackaged"
	n0=$(log_entries)
	"$W/sys-b/unpackaged" >/dev/null 2>&1
	nu=$(($(log_entries) - n0))
	if [ "$na" -gt 0 ] && [ "$nb" = 0 ] && [ $nu = 1 ]; then
		ok "real scale: workload measured $na files without use_diglim, none with it"
	else
		fail "real scale: workload" \
			"A $na entries, B $nb (expected 0), unpackaged program $nu (expected 1)"
	fi
	res system_log_total_entries "$(log_entries)"
	res system_log_total_bytes "$(log_bytes)"
	rm -rf "$W/sys-a" "$W/sys-b"
fi

finish
