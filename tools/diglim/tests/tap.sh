# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM user-space tools: the TAP helpers of the test scripts, sourced by
# host-tests.sh, verify-tests.sh and guest-tests.sh.
#
# The sourcing script sets $T, a directory for the output of a test. Set
# TAP_SLOW to a number of seconds to have t name the time of the tests that
# take at least that long.

N=0
FAILED=0

# not_ok NAME: the failed result of test $N, which the caller has counted.
not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok $N $1"
}

# t NAME CMD...: one TAP result; the command's output goes to $T/log and is
# shown as TAP comments if it fails. $N is the test's number while it runs.
t() {
	local name=$1 rc start=$SECONDS
	shift
	N=$((N + 1))
	("$@") >"$T/log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $N $name"
		[ -z "${TAP_SLOW:-}" ] || [ $((SECONDS - start)) -lt "$TAP_SLOW" ] ||
			echo "# $((SECONDS - start)) s"
	else
		not_ok "$name"
		sed 's/^/# /' "$T/log" | head -20
	fi
}

# skip NAME WHY: one skipped TAP result.
skip() {
	N=$((N + 1))
	echo "ok $N $1 # SKIP $2"
}

# tap_end: the plan; succeeds if no test failed.
tap_end() {
	echo "1..$N"
	[ $FAILED -eq 0 ]
}
