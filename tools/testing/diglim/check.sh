#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - "make check": boot the debug kernel with swtpm, run every KUnit
# suite (at boot) and every kselftest, scan the console for splats, print a
# per-test summary and "N passed, N failed, N skipped".
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=${REPO:-$(cd "$HERE/../../.." && pwd)}
KERNEL= KS= TIMEOUT=1800
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=$2; shift 2 ;;
	--kselftests) KS=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	*) echo "check: unknown option $1" >&2; exit 2 ;;
	esac
done
BUILD=${BUILD:?}
RES=$BUILD/check-results
LOG=$BUILD/logs/check-$(date +%Y%m%d-%H%M%S).log
rm -rf "$RES"
mkdir -p "$RES" "$BUILD/logs"

# host_step NAME CMD...: a test that runs on the host, before the VM. Its
# standard output (TAP: "ok N name" / "not ok N name") goes to
# $RES/host-NAME.tap and its exit status to $RES/host-NAME.rc; report.py
# counts every result line, and a non-zero status without a failed line.
host_step() {
	name=$1
	shift
	echo "check: host step $name"
	"$@" >"$RES/host-$name.tap" 2>"$RES/host-$name.err"
	echo $? >"$RES/host-$name.rc"
}

# The boot-time loader test: the kernel adds the lists of this directory
# before init runs (diglim.lists_dir=), the first guest step checks them.
BOOT_LISTS=$BUILD/boot-lists
DIGLIM_BUILD=$BUILD "$HERE/boot-lists.sh" prepare "$BOOT_LISTS" ||
	echo "check: preparing $BOOT_LISTS failed"

# Host steps (keep them short: make check is the edit-test loop).
host_step tools bash "$REPO/tools/diglim/tests/host-tests.sh" "$BUILD/tools/diglim"
# The parser under libFuzzer, a short run; make fuzz runs it longer.
host_step fuzz "$REPO/tools/testing/diglim/fuzz/fuzz.sh" \
	--seconds "${CHECK_FUZZ_SECONDS:-24}"
# The real system across two reboots of its own VM (system-demo.sh
# --short: the lists of every installed package, a secret sealed to PCR
# 11 and unsealed, the verifier's verdicts): its policy appraises every
# program, so it cannot share the boot of the tests' own programs.
host_step system "$HERE/system-demo.sh" --short --tap --kernel "$KERNEL"

# progress: follow the console log and show which guest step runs: one
# updating line on a terminal, one line per step otherwise.
progress() {
	local tty=0 line what=booting t0=$SECONDS
	[ -t 1 ] && [ -z "${CI:-}" ] && tty=1
	while :; do
		if [ -f "$LOG" ]; then
			line=$(grep -a 'diglim-check: running ' "$LOG" | tail -n 1)
			line=${line##*diglim-check: running }
			line=${line%$'\r'}
			if [ -n "$line" ] && [ "$line" != "$what" ]; then
				what=$line
				[ $tty = 1 ] || echo "check: running $what ($((SECONDS - t0))s)"
			fi
		fi
		[ $tty = 1 ] && printf '\rcheck: %s, %dm%02ds \033[K' "$what" \
			$(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60))
		sleep 2
	done
}

echo "check: booting the debug kernel; console log: $LOG"
start=$(date +%s)
progress &
progress_pid=$!
"$HERE/vm.sh" --kernel "$KERNEL" --kunit --quiet --timeout "$TIMEOUT" \
	--out "$RES" --log "$LOG" \
	--append "diglim.lists_dir=$BOOT_LISTS ${CHECK_APPEND:-}" \
	-- "DIGLIM_REPO=$REPO DIGLIM_BUILD=$BUILD sh $HERE/guest-check.sh $KS"
vmrc=$?
kill "$progress_pid" 2>/dev/null
wait "$progress_pid" 2>/dev/null
[ -t 1 ] && printf '\r\033[K'
ln -sfn "$LOG" "$BUILD/logs/check-latest.log"
echo "check: VM finished with status $vmrc after $(( $(date +%s) - start ))s"

python3 "$HERE/report.py" --results "$RES" --console "$LOG" \
	--kselftests "$KS" --vm-status "$vmrc"
