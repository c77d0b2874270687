#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM user-space tools: tests against the kernel, run as root in the test
# VM (guest-check.sh), TAP on standard output.
#
# Usage: guest-tests.sh BINDIR [TREE...]
#   TREE: directories to build lists from (default /usr/sbin; /usr/bin
#   works too but takes minutes under TCG).
#   DIGLIM_TOOLS_ALGOS: algorithms of the TREE lists (default sha256).
#
# Lists generated from the guest's own files are loaded through diglimctl;
# then every file must be found by a query, the kernel's views must equal
# the file (binary) and diglimctl dump (ASCII) byte for byte, and deletion
# must restore the counters. Other lists may be loaded already: the tests
# only look at what they add.
set -u

BIN=$(cd "${1:?usage: guest-tests.sh BINDIR [TREE...]}" && pwd)
shift
TREES=("$@")
[ ${#TREES[@]} -gt 0 ] || TREES=(/usr/sbin)
export LC_ALL=C
FS=/sys/kernel/security/integrity/diglim
T=$(mktemp -d /tmp/diglim-tools-guest.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/tap.sh"
TAP_SLOW=5
gen() { "$BIN/diglim-gen" "$@"; }
ctl() { "$BIN/diglimctl" "$@"; }

# The view name the kernel created for a list: the new entry of "lists".
# (No process substitution: the guest has no /dev/fd.)
new_list() {
	ctl lists >"$T/lists.after" &&
	comm -13 "$T/lists.before" "$T/lists.after" | head -1
}

# load FILE [diglimctl add options]: add, remember the view name in $T/name.
load() {
	local f=$1
	shift
	ctl lists >"$T/lists.before" &&
	ctl count >"$T/count.before" &&
	ctl add "$@" "$f" &&
	new_list >"$T/name" &&
	[ -s "$T/name" ] && echo "loaded as $(cat "$T/name")"
}

# views_match FILE: the binary view is FILE without its signature, the
# ASCII view is diglimctl dump with the kernel's actions.
views_match() {
	local name actions
	name=$(cat "$T/name")
	cat "$FS/digest_lists_loaded/$name.ascii" >"$T/ascii" || return 1
	actions=$(head -1 "$T/ascii" | sed -n 's/^actions: \([0-9]*\),.*/\1/p')
	ctl dump --actions "$actions" "$1" >"$T/dump" || return 1
	cmp "$T/ascii" "$T/dump" || { diff "$T/ascii" "$T/dump" | head; return 1; }
	"$BIN/diglim-sign" strip -o "$T/bare" "$1" 2>/dev/null || cp "$1" "$T/bare"
	cmp "$FS/digest_lists_loaded/$name" "$T/bare"
	echo "$(wc -l <"$T/ascii") lines, actions $actions"
}

# all_found ALGO FILE...: the digest of every file (by ALGOsum, not by the
# tools) is found in the list just loaded; the first file through --file.
all_found() {
	local algo=$1 name n want
	shift
	name=$(cat "$T/name")
	ctl query -a "$algo" --file "$1" >"$T/answer" &&
		grep -q "^$name (" "$T/answer" || { echo "$1: not found"; return 1; }
	printf '%s\0' "$@" | xargs -0 "${algo}sum" | cut -d' ' -f1 |
		sed 's/^\\//' >"$T/digests"
	# One process for all (exec is slow in the guest). A digest that
	# occurs k times in the list is queried k times and answered with k
	# lines each: the lines naming the new list must add up exactly.
	sed "s/^/$algo-/" "$T/digests" | xargs "$BIN/diglimctl" query \
		>"$T/answer" || return 1
	want=$(sort "$T/digests" | uniq -c | awk '{ s += $1 * $1 } END { print s }')
	n=$(grep -c "^$name (actions: [0-9]*): version: 1, algo: $algo, type: 1, " "$T/answer")
	[ "$n" -eq "$want" ] || { echo "$n lines name $name, expected $want"; return 1; }
	echo "$# files found ($n occurrences)"
}

# unload FILE [options]: delete, the view disappears, counters restored.
unload() {
	local name
	name=$(cat "$T/name")
	ctl del "$@" &&
	[ ! -e "$FS/digest_lists_loaded/$name" ] &&
	[ ! -e "$FS/digest_lists_loaded/$name.ascii" ] &&
	ctl count | diff "$T/count.before" -
}

regular_files() {
	find "$@" -type f -print0 | sort -z
}

echo "TAP version 13"
t "diglimctl count: four counters" sh -c "'$BIN/diglimctl' count | tee /dev/stderr | wc -l | grep -qx 4"

for tree in "${TREES[@]}"; do
	regular_files "$tree" >"$T/files"
	mapfile -d '' FILES <"$T/files"
	tag=$(basename "$tree")
	# sha512 is also covered by the two-block list below; more
	# algorithms cost a minute each under TCG.
	for algo in ${DIGLIM_TOOLS_ALGOS:-sha256}; do
		L=$T/$tag-$algo.list
		t "$tree/$algo: generate a list of ${#FILES[@]} files" \
			gen files -a $algo -o "$L" "$tree"
		t "$tree/$algo: diglimctl add" load "$L"
		t "$tree/$algo: views equal the file and diglimctl dump" \
			views_match "$L"
		t "$tree/$algo: every file found by query --file" \
			all_found $algo "${FILES[@]}"
		add_again() {
			ctl count >"$T/count.loaded" &&
			! ctl add "$L" 2>"$T/err" &&
			grep -q "EEXIST: the list is already loaded" "$T/err" &&
			ctl count | diff "$T/count.loaded" - &&
			cat "$T/err"
		}
		[ $algo = sha256 ] &&
			t "$tree/$algo: adding it again is EEXIST, in words" add_again
		t "$tree/$algo: diglimctl del restores the counters" unload "$L"
		gone() {
			local rc
			ctl query -a $algo --file "${FILES[0]}" >"$T/answer"
			rc=$?
			! grep -q "$(cat "$T/name")" "$T/answer" && [ $rc -le 1 ]
		}
		t "$tree/$algo: deleted digests are not found" gone
	done
done

del_missing() {
	! ctl del "$T/$tag-sha256.list" 2>"$T/err" &&
		grep -q "ENOENT: the list is not loaded" "$T/err" ||
		{ cat "$T/err"; false; }
}
t "del of a list not loaded is ENOENT, in words" del_missing

# Buffer uploads with a label.
B=$T/$tag-sha256.list
buffer_add() {
	load "$B" --buffer --label tools-test-label &&
	grep -q -- "-tools-test-label$" "$T/name"
}
t "add --buffer --label: the view carries the label" buffer_add
t "add --buffer: views equal the file and diglimctl dump" views_match "$B"
t "add --buffer: files found" all_found sha256 "${FILES[@]}"
del_wrong_label() {
	! ctl del --buffer --label other-label "$B" 2>"$T/err" &&
		grep -q "ENOENT" "$T/err" && cat "$T/err"
}
t "del --buffer with another label is ENOENT" del_wrong_label
t "del --buffer --label restores the counters" unload --buffer \
	--label tools-test-label "$B"
bad_label() {
	ctl count >"$T/count.before"
	! ctl add --buffer --label "two words" "$B" 2>"$T/err" &&
		grep -q "invalid label" "$T/err" &&
		ctl count | diff "$T/count.before" - && cat "$T/err"
}
t "add --buffer with an invalid label fails, nothing loaded" bad_label

# Malformed lists: EINVAL in words, counters unchanged.
malformed() {
	head -c 40 "$B" >"$T/truncated.list"
	ctl count >"$T/count.before"
	! ctl add "$T/truncated.list" 2>"$T/err" &&
		grep -q "EINVAL: the list is malformed" "$T/err" &&
		ctl count | diff "$T/count.before" - && cat "$T/err"
}
t "a malformed list is EINVAL, in words, nothing loaded" malformed
not_absolute() {
	cd "$T" && load "$(basename "$B")" && views_match "$B" &&
		unload "$(basename "$B")"
}
t "a relative path is made absolute" not_absolute

# Signed lists: the kernel cuts the trailer, dump does too.
signed() {
	openssl req -new -x509 -newkey rsa:2048 -nodes -subj /CN=diglim-tools \
		-days 2 -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null &&
	"$BIN/diglim-sign" sign -k "$T/key.pem" -c "$T/cert.pem" \
		-o "$T/signed.list" "$B" &&
	load "$T/signed.list" && views_match "$T/signed.list" &&
	cmp "$FS/digest_lists_loaded/$(cat "$T/name")" "$B" &&
	unload "$T/signed.list"
}
t "a signed list loads without its signature; dump equals .ascii" signed

# A list of several blocks (types, modifiers, algorithms) from manifests.
multi() {
	(cd "${TREES[0]}" && printf '%s\0' "${FILES[@]:0:3}" |
		xargs -0 sha256sum --tag; printf '%s\0' "${FILES[@]:3:2}" |
		xargs -0 sha512sum --tag) >"$T/mixed.manifest" &&
	gen manifest -o "$T/mixed.list" "$T/mixed.manifest" &&
	load "$T/mixed.list" && views_match "$T/mixed.list" &&
	grep -c '^actions' "$T/ascii" | grep -qx 2 &&
	unload "$T/mixed.list"
}
t "a two-block list (sha256 + sha512): dump equals .ascii" multi

# A Debian package source, from the guest's dpkg database.
dpkg_pkg() {
	local pkg=dash
	local list
	mkdir -p "$T/dpkg" && gen dpkg -d "$T/dpkg" $pkg &&
	list=$(echo "$T/dpkg/${pkg}_"*) && [ -f "$list" ] &&
	load "$list" && views_match "$list" &&
	dpkg-query -L $pkg | grep '^/' | while IFS= read -r f; do
		if [ -f "$f" ] && [ ! -L "$f" ]; then printf '%s\0' "$f"; fi
	done >"$T/pkgfiles" &&
	mapfile -d '' PF <"$T/pkgfiles" &&
	all_found sha256 "${PF[@]}" &&
	unload "$list"
}
if command -v dpkg-query >/dev/null; then
	t "dpkg dash: loads, every file found, dump equals .ascii" dpkg_pkg
fi

bad_query() {
	! ctl query nosuchalgo-00 2>"$T/err" && grep -q ENOENT "$T/err" &&
	! ctl query sha256-00 2>>"$T/err" && grep -q EINVAL "$T/err" &&
	cat "$T/err"
}
t "query: unknown algorithm ENOENT, malformed EINVAL, in words" bad_query
t "query: sha3-256 (a name with a dash) parses" sh -c "
	'$BIN/diglimctl' query sha3-256-$(printf '%064d' 0); [ \$? -eq 1 ]"

tap_end
