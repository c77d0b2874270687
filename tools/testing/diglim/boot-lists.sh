#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - test of the boot-time loader (diglim.lists_dir=).
#
#   boot-lists.sh prepare DIR   on the host, before the boot: fill DIR
#   boot-lists.sh test DIR      in the guest booted with diglim.lists_dir=DIR:
#                               check what the kernel loaded (TAP), then
#                               delete the lists so later tests start empty
#
# DIR holds, in name order: a valid list, a malformed one, a second valid
# list sharing a digest with the first, a directory, and a hidden valid
# list. The loader must add the two valid lists in name order, report the
# malformed file and the directory, skip the hidden file and go on booting.
# Lists are made by diglim-gen from files in DIR.src.
set -u

TOOLS=${DIGLIM_BUILD:?}/tools/diglim
SFS=/sys/kernel/security/integrity/diglim
mode=$1
dir=$2
src=$dir.src

prepare() {
	rm -rf "$dir" "$src"
	mkdir -p "$dir/40-directory" "$src/first" "$src/second" "$src/hidden"
	echo first-1 >"$src/first/one"
	echo first-2 >"$src/first/two"
	echo shared >"$src/first/shared"
	echo second >"$src/second/one"
	echo shared >"$src/second/shared"
	echo hidden >"$src/hidden/one"
	"$TOOLS/diglim-gen" files -o "$dir/10-first" "$src/first" &&
	"$TOOLS/diglim-gen" files -o "$dir/30-second" "$src/second" &&
	"$TOOLS/diglim-gen" files -o "$dir/.hidden" "$src/hidden" &&
	printf 'not a digest list\n' >"$dir/20-malformed"
}

n=0
failed=0
check() {
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		failed=$((failed + 1))
	fi
}

# query FILE: the labels of the lists holding FILE's digest, in answer order.
labels_of() {
	"$TOOLS/diglimctl" query --file "$1" | sed -n 's/^sha256-[0-9a-f]*-\([^ ]*\) .*/\1/p' |
		tr '\n' ' '
}

count_of() {
	sed -n "s/^$1 digests: //p" $SFS/digests_count
}

run_test() {
	echo "TAP version 13"
	echo "1..9"
	log=${TMPDIR:-/tmp}/boot-lists.dmesg
	dmesg >"$log"
	check "the loader reports 2 of 4 lists loaded" \
		grep -qF "diglim: loaded 2 of 4 digest lists from $dir" "$log"
	check "the malformed list is reported with -EINVAL" \
		grep -qF "diglim: $dir/20-malformed: not loaded (-22)" "$log"
	check "the directory is reported with -EINVAL" \
		grep -qF "diglim: $dir/40-directory: not loaded (-22)" "$log"
	check "two lists are loaded" test "$(count_of 'Digest list')" = 2
	check "four distinct file digests are indexed" test "$(count_of File)" = 4
	check "the shared digest is found in name order" \
		test "$(labels_of "$src/first/shared")" = "10-first 30-second "
	check "the hidden list was not loaded" \
		test -z "$(labels_of "$src/hidden/one")"
	check "the boot-loaded lists delete by path" \
		"$TOOLS/diglimctl" del "$dir/10-first" "$dir/30-second"
	check "the store is empty again" \
		test "$(count_of File)/$(count_of 'Digest list')" = 0/0
	[ $failed -eq 0 ]
}

case "$mode" in
prepare) prepare ;;
test) run_test ;;
*) echo "usage: $0 prepare|test DIR" >&2; exit 2 ;;
esac
