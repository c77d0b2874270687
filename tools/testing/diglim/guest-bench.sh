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
#   2. cat of the files with no IMA policy
#   3. IMA rules, a test key on the _ima keyring, the small set loaded again
#      (lists measured and appraised), then cat of fresh copies of the files
#      for measurement A and B and appraisal A and B
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
else
	FULL_LISTS=1423 FULL_DIGESTS=99100 SMALL_LISTS=1104 FILES=5986
	LOOKUP_SIZES="1000 100000 1000000 10000000"
fi
# File owners of the phases (fowner= in the IMA rules).
OWN_MEASURE_A=2001 OWN_MEASURE_B=2002 OWN_APPRAISE_A=2003
OWN_APPRAISE_B=2004 OWN_LISTS=2100
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
upload_dir() {
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
	res "$2" "$(elapsed "$t0" "$t1")"
	return $rc
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

for set in full small; do
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
		"appraise fowner=$OWN_APPRAISE_B func=FILE_CHECK mask=MAY_READ use_diglim=allow"; do
		echo "$rule" >&3 || rules_ok=0
	done
} 3>$IMA/policy || rules_ok=0
if [ $rules_ok = 1 ] && grep -q "fowner=$OWN_APPRAISE_B" $IMA/policy; then
	ok "IMA rules"
else
	fail "IMA rules" "the policy update failed"
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

say "workload: measurement B"
copy_files $OWN_MEASURE_B
n0=$(log_entries)
cat_dir "$W/run" wl_measure_b_s
n=$(($(log_entries) - n0))
res wl_measure_b_entries $n
# Not vacuous: a file in no list is measured.
head -c 1000 /dev/urandom >"$W/run/unknown" && chown $OWN_MEASURE_B "$W/run/unknown"
cat "$W/run/unknown" >/dev/null
if [ $n != 0 ]; then
	fail "measurement B" "$n entries, expected 0"
elif [ $(($(log_entries) - n0)) != 1 ]; then
	fail "measurement B" "a file in no list was not measured"
else
	ok "measurement B"
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

say "workload: appraisal B"
copy_files $OWN_APPRAISE_B
# Not vacuous: a file in no list is denied.
head -c 1000 /dev/urandom >"$W/unknown" && chown $OWN_APPRAISE_B "$W/unknown"
if ! cat_dir "$W/run" wl_appraise_b_s; then
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
# 4. Lookup micro-benchmark (late: it needs up to 1.6 GB for a while).
if [ -w $BENCHFS/lookup ]; then
	for n in $LOOKUP_SIZES; do
		e=${#n}
		e=$((e - 1))
		say "lookup micro-benchmark, $n digests"
		if echo "$n" >$BENCHFS/lookup; then
			set -- $(cat $BENCHFS/lookup)
			# digests N lists L buckets B build_ns_per_digest X hit_ps H miss_ps M
			res "lookup_1e${e}_buckets" "$6"
			res "lookup_1e${e}_build_ns" "$8"
			res "lookup_1e${e}_hit_ns" "$(awk -v p="${10}" 'BEGIN { printf "%.1f", p / 1000 }')"
			res "lookup_1e${e}_miss_ns" "$(awk -v p="${12}" 'BEGIN { printf "%.1f", p / 1000 }')"
			ok "lookup micro-benchmark, $n digests"
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
	for p in measure_a:$OWN_MEASURE_A measure_b:$OWN_MEASURE_B \
		 appraise_a:$OWN_APPRAISE_A appraise_b:$OWN_APPRAISE_B; do
		copy_files "${p#*:}" $([ "${p%:*}" = appraise_a ] && echo xattr)
		profile "${p%:*}" bash -c "$(declare -f catall); W=$W catall"
	done
	rm -rf "$W/run"
	profile load_full bash -c "$(declare -f upload_dir); DIGLIM=$DIGLIM upload_dir $W/full add"
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
