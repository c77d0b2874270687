#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - build and run the parser fuzzers for a bounded time, print TAP.
#
#   fuzz.sh [--seconds N]      N seconds in all (default $FUZZ_SECONDS or
#                              300), split evenly between the four targets
#
# Needs BUILD (the corpora, binaries and crash inputs live in $BUILD/fuzz)
# and an unpacked kernel tree in $BUILD/linux (or KSRC_TREE=<tree>).  The
# corpus of each target is kept between runs; the seeds are regenerated and
# replayed first every time.  Exit status 1 if a target crashed or found a
# mismatch with its model; the input is saved as $BUILD/fuzz/crash-<target>-*.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:?}
TREE=${KSRC_TREE:-$BUILD/linux}
OUT=$BUILD/fuzz
SECONDS_TOTAL=${FUZZ_SECONDS:-300}
TARGETS=(parse_list strip_sig parse_label parse_query)

while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECONDS_TOTAL=$2; shift 2 ;;
	*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
	esac
done
per=$(( SECONDS_TOTAL / ${#TARGETS[@]} ))
[ "$per" -ge 1 ] || per=1

mkdir -p "$OUT"
if ! make -s -C "$HERE" BUILD="$BUILD" KSRC="$TREE" OUT="$OUT" \
	>"$OUT/build.log" 2>&1; then
	cat "$OUT/build.log" >&2
	echo "1..1"
	echo "not ok 1 fuzz build # see $OUT/build.log"
	exit 1
fi
rm -rf "$OUT/seeds"
python3 "$HERE/gen_seeds.py" "$TREE" "$OUT" || exit 1

echo "1..${#TARGETS[@]}"
rc=0 n=0
for t in "${TARGETS[@]}"; do
	n=$((n + 1))
	mkdir -p "$OUT/corpus/$t"
	log=$OUT/$t.log
	max_len=4096
	case "$t" in parse_label|parse_query) max_len=512 ;; esac
	"$OUT/fuzz-$t" -max_total_time="$per" -print_final_stats=1 \
		-max_len="$max_len" -timeout=10 \
		-dict="$OUT/seeds/$t.dict" \
		-artifact_prefix="$OUT/crash-$t-" \
		"$OUT/corpus/$t" "$OUT/seeds/$t" >"$log" 2>&1
	status=$?
	# "#1234 DONE cov: 40 ft: 89 corp: 21/999b lim: 4096 exec/s: 99529 ..."
	done_line=$(grep -E '^#[0-9]+' "$log" | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
	corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$done_line")
	eps=$(sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p' <<<"$done_line")
	info="${per}s execs: ${execs:-?} cov: ${cov:-?} ft: ${ft:-?} corpus: ${corp:-?} exec/s: ${eps:-?}"
	if [ "$status" -eq 0 ] && grep -q 'DONE' <<<"$done_line"; then
		echo "ok $n fuzz $t $info"
	else
		rc=1
		echo "not ok $n fuzz $t $info (exit $status, log $OUT/$t.log)"
		grep -E 'ERROR|SUMMARY|runtime error|mismatch|Test unit written' \
			"$log" | head -5 | sed 's/^/# /'
	fi
done
exit $rc
