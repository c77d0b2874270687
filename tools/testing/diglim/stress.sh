#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - "make stress": boot the debug kernel and run the concurrency
# stress kselftest alone for DIGLIM_STRESS_SECONDS (default 300), then the
# forced kmemleak scans; report like make check (KUnit at boot, splats,
# kmemleak) with the machinery of check.sh: guest-check.sh and report.py.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KERNEL= KS=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=$2; shift 2 ;;
	--kselftests) KS=$2; shift 2 ;;
	*) echo "stress: unknown option $1" >&2; exit 2 ;;
	esac
done
BUILD=${BUILD:?}
SECS=${DIGLIM_STRESS_SECONDS:-300}
case "$SECS" in ''|*[!0-9]*) echo "stress: bad DIGLIM_STRESS_SECONDS" >&2; exit 2 ;; esac
RES=$BUILD/stress-results
LOG=$BUILD/logs/stress-$(date +%Y%m%d-%H%M%S).log
# guest-check.sh runs what a kselftest-list.txt names: list only this one.
KSF=$BUILD/stress-kselftests
rm -rf "$RES" "$KSF"
mkdir -p "$RES" "$KSF" "$BUILD/logs"
ln -s "$KS/diglim" "$KSF/diglim"
echo "diglim:stress_test" >"$KSF/kselftest-list.txt"

echo "stress: ${SECS}s on the debug kernel; console log: $LOG"
start=$(date +%s)
"$HERE/vm.sh" --kernel "$KERNEL" --kunit --quiet \
	--timeout $((SECS + 900)) --out "$RES" --log "$LOG" \
	-- "DIGLIM_KS_ONLY=1 DIGLIM_STRESS_SECONDS=$SECS sh $HERE/guest-check.sh $KSF $((SECS + 600))"
vmrc=$?
ln -sfn "$LOG" "$BUILD/logs/stress-latest.log"
echo "stress: VM finished with status $vmrc after $(( $(date +%s) - start ))s"
grep -h -E '^# (stress:|.*seed )' "$RES"/ks-diglim-stress_test.tap 2>/dev/null
python3 "$HERE/report.py" --results "$RES" --console "$LOG" \
	--kselftests "$KSF" --vm-status "$vmrc"
