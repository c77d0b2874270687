#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - test payload run inside the VM by check.sh.
#
# Runs every installed kselftest (one result file each, so a test that did
# not run is visible to the host), then forces kmemleak scans and saves the
# kernel log. Results go to /run/diglim, the writable share.
KS=$1
OUT=/run/diglim
PER_TEST_TIMEOUT=${2:-900}
export DIGLIM_REPO DIGLIM_BUILD

# vm_step NAME CMD...: a test run in the guest after the kselftests, with
# $DIGLIM_REPO and $DIGLIM_BUILD set; TAP on standard output goes to
# $OUT/vm-NAME.tap, the exit status to $OUT/vm-NAME.rc (see report.py).
vm_step() {
	# make stress runs one kselftest and nothing else.
	[ -z "${DIGLIM_KS_ONLY:-}" ] || return 0
	name=$1
	shift
	echo "diglim-check: running $name"
	(cd /tmp && timeout -k 10 "$PER_TEST_TIMEOUT" "$@") \
		>"$OUT/vm-$name.tap" 2>"$OUT/vm-$name.err"
	echo $? >"$OUT/vm-$name.rc"
	echo "diglim-check: $name exit $(cat "$OUT/vm-$name.rc")"
}

# First, before anything changes the store: what the boot-time loader
# added (check.sh booted with diglim.lists_dir=); it then deletes the lists.
vm_step boot-lists sh "$DIGLIM_REPO/tools/testing/diglim/boot-lists.sh" \
	test "$DIGLIM_BUILD/boot-lists"

cd "$KS" || exit 1
while IFS=: read -r coll test; do
	[ -n "$test" ] || continue
	name="$coll-$test"
	echo "diglim-check: running $coll/$test"
	start=$(cut -d' ' -f1 /proc/uptime)
	(cd "$KS/$coll" && timeout -k 10 "$PER_TEST_TIMEOUT" "./$test") \
		>"$OUT/ks-$name.tap" 2>&1
	echo $? >"$OUT/ks-$name.rc"
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "$start $end" >"$OUT/ks-$name.time"
	echo "diglim-check: $coll/$test exit $(cat "$OUT/ks-$name.rc")"
done <"$KS/kselftest-list.txt"

# Guest steps.
vm_step tools bash "$DIGLIM_REPO/tools/diglim/tests/guest-tests.sh" \
	"$DIGLIM_BUILD/tools/diglim"
vm_step signed-lists bash "$DIGLIM_REPO/tools/testing/diglim/signed-lists.sh"
# The apt hook against this kernel, on a test root in the guest's tmpfs.
vm_step apt bash "$DIGLIM_REPO/tools/testing/diglim/apt-guest.sh"
# The benchmark at tiny sizes: it has to run and print its table; nothing
# is judged against a target (make bench does that, on the bench kernel).
vm_step bench-smoke bash "$DIGLIM_REPO/tools/testing/diglim/guest-bench.sh" \
	--smoke "$OUT/bench-smoke"

# kmemleak only reports objects that stayed unreferenced across scans older
# than its minimum age: scan, wait, scan again.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$OUT/kmemleak.txt"
	echo "diglim-check: kmemleak: $(grep -c 'unreferenced object' "$OUT/kmemleak.txt") report(s)"
else
	echo "kmemleak not available" >"$OUT/kmemleak.unavailable"
fi
dmesg >"$OUT/dmesg.txt"
echo done >"$OUT/check-complete"
exit 0
