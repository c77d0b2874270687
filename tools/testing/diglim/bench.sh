#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - "make bench": boot the bench kernel once (slab_nomerge, 4 GiB)
# with swtpm, run guest-bench.sh in it and print its table, preceded by what
# the numbers were measured on.
#
# Usage: bench.sh --kernel BZIMAGE [--timeout SEC]
#
# Environment passed to the guest: DEL_TIMEOUT (seconds a deletion of the
# duplicate-digest step may take before it is recorded as timed out,
# default 600), WL_REPS (runs of the hash-only floor and of the B
# workloads, default 3).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KERNEL= TIMEOUT=3600
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
done
BUILD=${BUILD:?}
RES=$BUILD/bench-results
LOG=$BUILD/logs/bench-$(date +%Y%m%d-%H%M%S).log
rm -rf "$RES"
mkdir -p "$RES" "$BUILD/logs"

# Under TCG every instruction is emulated, but not at the same cost: the
# kernel's AVX2/BMI2 SHA-256 (sha256_transform_rorx) hashes about 11 MB/s
# in the guest, its SSSE3 code about 30 MB/s (measured with an IMA audit
# rule on a 64 MiB file).  File hashing is common to the A and B workloads
# while the TPM (swtpm, native) is not emulated, so the AVX2 code would
# inflate both and hide what DIGLIM saves; hide AVX from the guest.
# QEMU_CPU= overrides this; under KVM the guest gets the host CPU.
export QEMU_CPU=${QEMU_CPU:-max,avx=off,avx2=off,bmi2=off}

# The loader the guest times list loads with (one write per list on one
# open entry; guest-bench.sh falls back to a shell loop without it).
mkdir -p "$BUILD/bench-tools"
${CC:-cc} -O2 -Wall -o "$BUILD/bench-tools/upload-lists" "$HERE/upload-lists.c" ||
	echo "bench: cannot build upload-lists; the guest will load with a shell loop" >&2

# The real-scale section (guest-bench.sh step 6) loads the signed lists
# of every installed package: made here if missing or stale (they are
# reused while the dpkg database does not change). Without them that
# section is skipped and says so; the rest still runs.
"$HERE/system-lists.sh" ||
	echo "bench: no system lists; the real-scale section will be skipped" >&2
# The files of its workload: the programs and the shared libraries they
# link, one per name (ldd here: the guest runs this root, and ldd is slow
# under TCG).
if [ -s "$BUILD/system-lists.info/workload" ]; then
	cut -d' ' -f1 "$BUILD/system-lists.info/workload" | sort -u |
		while read -r p; do
			echo "$p"
			ldd "$p" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'
		done | sort -u | awk -F/ '!seen[$NF]++' >"$RES/system-files"
fi

echo "bench: booting the bench kernel; progress in the console log: $LOG"
start=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
"$HERE/vm.sh" --kernel "$KERNEL" --quiet --mem 4096 --timeout "$TIMEOUT" \
	--out "$RES" --log "$LOG" --append "slab_nomerge ${APPEND:-}" \
	-- "DIGLIM_BUILD=$(cd "$BUILD" && pwd) DEL_TIMEOUT=${DEL_TIMEOUT:-600} WL_REPS=${WL_REPS:-5} bash $HERE/guest-bench.sh" 2> >(tee "$RES/vm.err" >&2)
rc=$?
wait
ln -sfn "$LOG" "$BUILD/logs/bench-latest.log"
accel=$(sed -n 's/^vm: booting .*(\(.*\)).*/\1/p' "$RES/vm.err" | head -1)
echo
echo "DIGLIM benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date +%s) - start)) s"
echo "host: $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ { print $2 }') GB;" \
	"guest: QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')" \
	"$accel, 2 vCPUs, swtpm TPM 2.0; kernel $(sed -n 's/^kernel //p' "$RES/bench/results" 2>/dev/null)"
echo "host load average (1, 5, 15 min) at start: $load0, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "2021: Fedora 33 VM, 16 vCPUs, 2 GB, swtpm (DIGLIM v3 cover letter)"
echo
if [ -f "$RES/bench/results" ]; then
	# The guest's CPU reference, natively on the host.
	ref=$(mktemp /tmp/diglim-bench-ref.XXXXXX)
	python3 -c 'import random, sys; sys.stdout.buffer.write(random.Random(7).randbytes(16 << 20))' >"$ref"
	t0=$EPOCHREALTIME
	gzip -1 -c "$ref" >/dev/null
	t1=$EPOCHREALTIME
	rm -f "$ref"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "host_ref_gzip_s %.6f\n", b - a }' \
		>>"$RES/bench/results"
	python3 "$HERE/bench.py" table "$RES/bench" | tee "$RES/table.txt"
else
	echo "bench: no table (guest status $rc); see $LOG" >&2
fi
for p in "$RES"/bench/profile-*.txt; do
	[ -s "$p" ] || continue
	echo
	echo "perf profile (cpu-clock, all CPUs), $(basename "$p" .txt | sed 's/^profile-//'):"
	head -8 "$p"
done
[ $rc = 0 ] || echo "bench: FAILED (guest status $rc); see $LOG" >&2
exit $rc
