# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - TAP helpers of the guest steps written in bash (signed-lists.sh,
# apt-guest.sh), sourced: "ok N desc" / "not ok N desc" lines, which
# check.sh and report.py count, and $failed for the exit status.

n=0
failed=0

# ok STATUS DESC: one result, passed if STATUS is 0.
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

# expect_fail ERRNO_TEXT DESC CMD...: CMD fails and says ERRNO_TEXT.
expect_fail() {
	local want=$1 desc=$2 out
	shift 2
	out=$("$@" 2>&1) && { ok 1 "$desc (succeeded)"; return; }
	echo "$out" | grep -q "$want"
	ok $? "$desc"
}
