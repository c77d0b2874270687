#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM user-space tools: host tests, TAP on standard output.
#
# Usage: host-tests.sh BINDIR
#   VALGRIND=1     run every tool under valgrind (definite leaks and memory
#                  errors fail the test that ran it)
#   SIGN_FILE=...  the kernel's scripts/sign-file.c (or a built sign-file)
#                  to compare signatures with; found in $BUILD/linux or
#                  build/linux when unset
#
# Expected results come from other programs (sha256sum, dpkg-query, rpm,
# od), never from the tools under test.
set -u

BIN=$(cd "${1:?usage: host-tests.sh BINDIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C
# A sanitizer report must not pass for an expected failure (see fails()).
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=99:print_stacktrace=1}
T=$(mktemp -d /tmp/diglim-tools-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$HERE/tap.sh"

VG=()
if [ "${VALGRIND:-0}" = 1 ]; then
	VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite
	    --show-leak-kinds=definite --error-exitcode=99)
fi
gen() { "${VG[@]}" "$BIN/diglim-gen" "$@"; }
sign() { "${VG[@]}" "$BIN/diglim-sign" "$@"; }
ctl() { "${VG[@]}" "$BIN/diglimctl" "$@"; }

# fails CMD...: the command must exit non-zero, not crash, not be killed
# (valgrind errors are 99).
fails() {
	"$@"
	local rc=$?
	[ $rc -ne 0 ] && [ $rc -lt 99 ] || { echo "exit status $rc"; return 1; }
}

# nothing_in DIR: no file at all, not even a temporary one.
nothing_in() {
	[ -z "$(ls -A "$1")" ] || { echo "left behind:"; ls -A "$1"; return 1; }
}

# expect_dump LIST TYPE MODS ALGO SIZE FILE...: diglimctl dump of LIST must be
# one block of the digests of FILE... in that order, computed by ALGOsum.
expect_dump() {
	local list=$1 type=$2 mods=$3 algo=$4 size=$5 f n
	shift 5
	n=$#
	{
		echo "actions: 0, version: 1, algo: $algo, type: $type, modifiers: $mods, count: $n, datalen: $((n * size))"
		for f in "$@"; do
			"${algo}sum" <"$f" | cut -d' ' -f1
		done
	} >"$T/expected"
	ctl dump "$list" >"$T/dumped" || return 1
	diff -u "$T/expected" "$T/dumped"
}

# sorted_files DIR: regular files below DIR, NUL-separated, in byte order.
sorted_files() {
	find "$1" -type f -print0 | sort -z
}

mapfile_z() {
	local -n arr=$1
	arr=()
	while IFS= read -r -d '' f; do arr+=("$f"); done
}

echo "TAP version 13"

# --- help and usage -------------------------------------------------------
for p in diglim-gen diglim-sign diglimctl; do
	t "$p --help" sh -c "'$BIN/$p' --help | grep -q '^Usage: $p'"
	t "$p without arguments is a usage error" \
		fails "$BIN/$p"
	t "$p unknown command" fails "$BIN/$p" frobnicate
done

# --- a tree with odd names, links and special files -----------------------
D=$T/tree
mkdir -p "$D/sub/deeper" "$D/-dash" "$D/empty"
echo one >"$D/one"
printf '' >"$D/zero length"
printf 'nl' >"$D/new
line"
printf 'bs' >"$D/back\\slash"
printf 'ff' >"$D/$(printf 'latin\xff')"
printf 'x%.0s' $(seq 1 70000) >"$D/sub/big"
echo deep >"$D/sub/deeper/file"
echo dash >"$D/-dash/-f"
ln -s . "$D/sub/loop"
ln -s ../sub "$D/sub/deeper/up"
ln -s nowhere "$D/dangling"
ln -s one "$D/link-to-one"
mkfifo "$D/fifo"
/usr/bin/python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/sock" 2>/dev/null
[ "$(id -u)" = 0 ] && mknod "$D/null" c 1 3
mapfile_z FILES < <(sorted_files "$D")
O=$T/out
mkdir "$O"

t "files: a tree of ${#FILES[@]} regular files" gen files -o "$O/l" "$D"
t "files: round trip, dump equals sha256sum in byte order" expect_dump "$O/l" 1 0 sha256 32 "${FILES[@]}"
t "files: symbolic links, FIFO, socket, device skipped (-v says so)" sh -c '
	"$0" files -v -o "$1/l2" "$2" 2>&1 | grep -c "skipping" | grep -qx "$3"' \
	"$BIN/diglim-gen" "$T" "$D" "$(find "$D" ! -type f ! -type d | wc -l)"
t "files: symlink loops do not hang" timeout 20 "$BIN/diglim-gen" files \
	-o "$T/l3" "$D/sub"

# -x: a tmpfs mounted in the tree, in a private mount namespace.
one_fs() {
	local x=$T/xdev
	mkdir -p "$x/m" && echo outside >"$x/f" || return 1
	unshare -rm sh -c '
		mount -t tmpfs none "$1/m" && echo inside >"$1/m/g" &&
		"$0" files -x -o "$1/lx" "$1" && "$0" files -o "$1/la" "$1"' \
		"$BIN/diglim-gen" "$x" || return 1
	expect_dump "$x/lx" 1 0 sha256 32 "$x/f" && [ -f "$x/la" ] &&
		[ "$(ctl dump "$x/la" | head -1)" != "$(ctl dump "$x/lx" | head -1)" ]
}
if unshare -rm true 2>/dev/null; then
	t "files: -x does not enter a mounted file system" one_fs
else
	skip "files: -x does not enter a mounted file system" "no unshare -rm"
fi
exclude() {
	gen files -e '*.o' --exclude "$T/ex/skip" --exclude 'b?' \
		-o "$T/ex.l" "$T/ex" &&
	expect_dump "$T/ex.l" 1 0 sha256 32 "$T/ex/a" "$T/ex/keep/c"
}
mkdir -p "$T/ex/skip" "$T/ex/keep" "$T/ex/b1"
echo a >"$T/ex/a"; echo c >"$T/ex/keep/c"; echo o >"$T/ex/keep/x.o"
echo s >"$T/ex/skip/s"; echo b >"$T/ex/b1/z"; echo bx >"$T/ex/bx"
t "files: --exclude by path, name and glob (directories not entered)" exclude
exec_only() {
	mkdir -p "$T/exe" && echo x >"$T/exe/run" && echo d >"$T/exe/data" &&
	echo g >"$T/exe/grp" && chmod 755 "$T/exe/run" && chmod 610 "$T/exe/grp" &&
	gen files --executables-only -o "$T/exe.l" "$T/exe" &&
	expect_dump "$T/exe.l" 1 0 sha256 32 "$T/exe/grp" "$T/exe/run"
}
t "files: --executables-only keeps files with an execute bit" exec_only
dup_operands() {
	ln -f "$D/one" "$T/hardlink-to-one" &&
	gen files -o "$T/dup.l" "$D/sub" "$D/one" "$D/sub" "$D/sub/big" \
		"$D/sub/deeper" "$T/hardlink-to-one" "$D/one" &&
	expect_dump "$T/dup.l" 1 0 sha256 32 "$D/one" "$D/sub/big" \
		"$D/sub/deeper/file"
}
t "files: repeated, nested operands and hard links give one digest each" \
	dup_operands
own_output() {
	mkdir -p "$T/own" && echo a >"$T/own/a" &&
	gen files -o "$T/own/list" "$T/own" && cp "$T/own/list" "$T/own.1" &&
	gen files -o "$T/own/list" "$T/own" && cmp "$T/own/list" "$T/own.1" &&
	expect_dump "$T/own/list" 1 0 sha256 32 "$T/own/a"
}
t "files: the output list inside the tree is not hashed" own_output
t "files: deterministic (same input, same bytes)" sh -c '
	"$0" files -o "$1/a" "$2" && "$0" files -o "$1/b" "$2" && cmp "$1/a" "$1/b"' \
	"$BIN/diglim-gen" "$T" "$D"

# The same content created in the opposite order, operands swapped.
mkdir -p "$T/rev"
for ((i = ${#FILES[@]} - 1; i >= 0; i--)); do
	rel=${FILES[i]#"$D"/}
	mkdir -p -- "$T/rev/$(dirname -- "$rel")"
	cp -- "${FILES[i]}" "$T/rev/$rel"
done
t "files: independent of creation order and locale" sh -c '
	"$0" files -o "$1/c" "$2" && LC_ALL=C.UTF-8 "$0" files -o "$1/d" "$3" &&
	"$0" files -o "$1/e" "$2" && cmp "$1/c" "$1/d"' \
	"$BIN/diglim-gen" "$T" "$D" "$T/rev"

for a in sha1:20 sha512:64 sha384:48 sha224:28; do
	t "files: -a ${a%:*} round trip" sh -c '
		"$0" files -a "$1" -o "$2/l-$1" "$3"' "$BIN/diglim-gen" "${a%:*}" \
		"$O" "$D/sub"
	mapfile_z SUB < <(sorted_files "$D/sub")
	t "files: -a ${a%:*} dump" expect_dump "$O/l-${a%:*}" 1 0 "${a%:*}" \
		"${a#*:}" "${SUB[@]}"
done

t "manifest: -t metadata -m immutable in the header" sh -c '
	sha256sum "$2/one" | "$0" manifest -t metadata -m immutable -o "$1/m" - &&
	"$3" dump "$1/m" | head -1 | grep -q "type: 2, modifiers: 1, count: 1, datalen: 32"' \
	"$BIN/diglim-gen" "$O" "$D" "$BIN/diglimctl"
t "files: -t parser" sh -c '
	"$0" files -t parser -o "$1/p" "$2/one" &&
	"$3" dump "$1/p" | head -1 | grep -q "type: 0, modifiers: 0"' \
	"$BIN/diglim-gen" "$O" "$D" "$BIN/diglimctl"
t "files: header bytes are little-endian on the wire" sh -c '
	sha512sum "$2/one" | "$0" manifest -a sha512 -t metadata -o "$1/le" - &&
	[ "$(od -An -tx1 -N16 "$1/le" | tr -d " \n")" = 01000200000006000100000040000000 ]' \
	"$BIN/diglim-gen" "$T" "$D"

# --- every bad input: non-zero exit, nothing written ----------------------
bad_gen() {
	local dir=$T/bad.$N
	mkdir "$dir"
	fails "$BIN/diglim-gen" "$@" -o "$dir/list" || return 1
	nothing_in "$dir"
}
t "files: symbolic link operand refused, nothing written" bad_gen files "$D/link-to-one"
t "files: symlink loop operand refused, nothing written" bad_gen files "$D/sub/loop"
t "files: FIFO operand refused, nothing written" bad_gen files "$D/fifo"
t "files: missing operand refused, nothing written" bad_gen files "$D/one" "$T/missing"
t "files: no regular file at all, nothing written" bad_gen files "$D/empty"
t "files: unknown algorithm" bad_gen files -a sha999 "$D/one"
t "files: algorithm libcrypto lacks (tgr192)" bad_gen files -a tgr192 "$D/one"
t "files: unknown type" bad_gen files -t key "$D/one"
metadata_refused() {
	local dir=$T/bad.$N
	mkdir "$dir"
	fails "$BIN/diglim-gen" "$@" -t metadata -d "$dir" -o "$dir/list" \
		2>"$T/err" || return 1
	cat "$T/err"
	grep -q "EVM portable-signature digests" "$T/err" && nothing_in "$dir"
}
t "files: -t metadata refused (content digests are not EVM digests)" \
	metadata_refused files "$D/one"
t "dpkg: -t metadata refused" metadata_refused dpkg
t "rpm: -t metadata refused" metadata_refused rpm
t "files: unknown modifier" bad_gen files -m mutable "$D/one"

mkdir -p "$T/unreadable"
cp -r "$D/sub" "$T/unreadable/"
echo secret >"$T/unreadable/sub/secret"
chmod 000 "$T/unreadable/sub/secret"
# Root reads mode 000 files: drop the capabilities that allow it.
NOCAP=()
[ "$(id -u)" = 0 ] && NOCAP=(setpriv --inh-caps=-all
	--bounding-set=-dac_override,-dac_read_search)
unreadable() {
	local dir=$T/bad.$N
	mkdir "$dir"
	fails "${NOCAP[@]}" "$BIN/diglim-gen" files -o "$dir/list" \
		"$T/unreadable" 2>"$T/err" || return 1
	grep -q 'secret: Permission denied' "$T/err" || { cat "$T/err"; return 1; }
	nothing_in "$dir"
}
t "files: unreadable file is an error naming it, nothing written" unreadable

mkdir -p "$T/keepdir2"
t "files: a failed run leaves an existing list untouched" sh -c '
	echo precious >"$1/keep" && ! "$0" files -o "$1/keep" "$2/fifo" &&
	[ "$(cat "$1/keep")" = precious ] && [ "$(ls -A "$1" | wc -l)" = 1 ]' \
	"$BIN/diglim-gen" "$T/keepdir2" "$D"
t "files: missing output directory" fails "$BIN/diglim-gen" files \
	-o "$T/no/such/dir/list" "$D/one"

# --- manifests -------------------------------------------------------------
M=$T/manifest
mkdir -p "$M"
(cd "$D" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$M/sha256" 2>/dev/null
(cd "$D" && find . -type f -print0 | sort -z | xargs -0 sha256sum --tag) >"$M/tag"
(cd "$D" && find . -type f -print0 | sort -z | xargs -0 sha512sum -b) >"$M/sha512"
t "manifest: sha256sum output gives the same bytes as files" sh -c '
	"$0" manifest -o "$1/m1" "$1/sha256" && cmp "$1/m1" "$2"' \
	"$BIN/diglim-gen" "$M" "$O/l"
t "manifest: sha256sum --tag output gives the same bytes" sh -c '
	"$0" manifest -o "$1/m2" "$1/tag" && cmp "$1/m2" "$2"' \
	"$BIN/diglim-gen" "$M" "$O/l"
t "manifest: from stdin" sh -c '
	"$0" manifest -o "$1/m3" - <"$1/sha256" && cmp "$1/m3" "$2"' \
	"$BIN/diglim-gen" "$M" "$O/l"
t "manifest: sha512sum -b output with -a sha512" sh -c '
	"$0" files -a sha512 -o "$1/f512" "$2" &&
	"$0" manifest -a sha512 -o "$1/m512" "$1/sha512" && cmp "$1/m512" "$1/f512"' \
	"$BIN/diglim-gen" "$M" "$D"
mixed() {
	{ head -2 "$M/tag"; (cd "$D" && sha512sum --tag one); tail -1 "$M/tag"; } >"$M/mixed"
	gen manifest -o "$M/mixed.list" "$M/mixed" &&
	ctl dump "$M/mixed.list" | grep '^actions' | cut -d, -f3,6 >"$T/hdrs" &&
	printf ' algo: sha256, count: 2\n algo: sha512, count: 1\n algo: sha256, count: 1\n' |
		diff - "$T/hdrs"
}
t "manifest: tagged lines of several algorithms, one block per run" mixed

hex64=$(printf '%064d' 0)
# bad_manifest LINE [OPTION...]: LINE as the second line of a manifest.
bad_manifest() {
	local line=$1 dir=$T/bad.$N
	shift
	mkdir "$dir"
	printf "%s  ok\n$line\n" "$hex64" >"$dir/in"
	fails "$BIN/diglim-gen" manifest "$@" -o "$dir/list" "$dir/in" \
		2>"$T/err" || return 1
	grep -q ":${BAD_LINE:-2}: " "$T/err" ||
		{ echo "error does not name line ${BAD_LINE:-2}:"; cat "$T/err"; return 1; }
	rm "$dir/in"
	nothing_in "$dir"
}
t "manifest: hex too short" bad_manifest "${hex64:1}  f"
t "manifest: hex too long" bad_manifest "${hex64}0  f"
BAD_LINE=1 t "manifest: sha256 digest with -a sha512" bad_manifest "$hex64  f" -a sha512
t "manifest: invalid hex digit" bad_manifest "${hex64:1}g  f"
t "manifest: no file name" bad_manifest "$hex64  "
t "manifest: one space only" bad_manifest "$hex64 f"
t "manifest: empty line" bad_manifest ""
t "manifest: unknown tagged algorithm" bad_manifest "BLAKE2b (f) = $hex64"
t "manifest: tagged line without digest" bad_manifest "SHA256 (f) = "
t "manifest: tagged line with wrong length" bad_manifest "SHA512 (f) = $hex64"
t "manifest: NUL byte in a line" bad_manifest "$hex64  a\\0b"
t "manifest: missing manifest" fails "$BIN/diglim-gen" manifest -o "$T/x" "$T/none"
t "manifest: empty manifest, nothing written" sh -c '
	mkdir "$1" && : >"$1/in" && ! "$0" manifest -o "$1/l" "$1/in" &&
	[ "$(ls -A "$1")" = in ]' "$BIN/diglim-gen" "$T/emptymf"

# --- malformed lists: dump refuses what the kernel refuses ------------------
L=$T/lists
mkdir -p "$L"
gen files -o "$L/good" "$D/one" "$D/sub/big"
# patch FILE OFFSET HEXBYTES: overwrite bytes in a copy.
patch_list() {
	cp "$L/good" "$1"
	printf "$(echo "$3" | sed 's/../\\x&/g')" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
patch_list "$L/version" 0 02
patch_list "$L/reserved" 1 01
patch_list "$L/type3" 2 0300
patch_list "$L/modifier" 4 0200
patch_list "$L/algo" 6 1700
patch_list "$L/count" 8 0300
patch_list "$L/datalen" 12 2100
patch_list "$L/past-end" 8 03000000600000
head -c 15 "$L/good" >"$L/short-header"
head -c 40 "$L/good" >"$L/truncated"
{ cat "$L/good"; printf 'x'; } >"$L/trailing"
{ cat "$L/good"; head -c 15 "$L/good"; } >"$L/trailing-header"
: >"$L/empty"
{ cat "$L/good"; printf '\0\0\2\0\0\0\0\0\0\0\0\0\0\0\0\0~Module signature appended~\n'; } >"$L/bad-trailer"
t "dump: the valid list" ctl dump "$L/good"
t "dump: empty block (count 0) is valid" sh -c '
	printf "\1\0\1\0\0\0\4\0\0\0\0\0\0\0\0\0" >"$1/zero" && "$0" dump "$1/zero" |
	grep -qx "actions: 0, version: 1, algo: sha256, type: 1, modifiers: 0, count: 0, datalen: 0"' \
	"$BIN/diglimctl" "$L"
for f in version reserved type3 modifier algo count datalen past-end \
	 short-header truncated trailing trailing-header empty bad-trailer; do
	t "dump: refuses $f" fails "$BIN/diglimctl" dump "$L/$f"
	# Type 3 is a valid legacy type (metadata), see below.
	[ $f = type3 ] ||
		t "convert: refuses $f, nothing written" bad_gen convert "$L/$f"
done
t "dump: --actions sets the actions field" sh -c '
	"$0" dump --actions 7 "$1/good" | head -1 | grep -q "^actions: 7, "' \
	"$BIN/diglimctl" "$L"
t "dump: refuses a missing file" fails "$BIN/diglimctl" dump "$T/none"

# --- legacy conversion -----------------------------------------------------
# An old "file" list (type 2) is a new metadata list byte for byte, an old
# parser list (1) a new file list, an old key list (0) a new parser list.
t "convert: legacy file (2) -> file (1)" sh -c '
	find "$2" -type f -print0 | sort -z | xargs -0 sha256sum |
	"$0" manifest -t metadata -o "$1/old" - && "$0" files -o "$1/new" "$2" &&
	"$0" convert -o "$1/conv" "$1/old" && cmp "$1/conv" "$1/new"' \
	"$BIN/diglim-gen" "$L" "$D/sub"
t "convert: legacy parser (1) -> parser (0)" sh -c '
	"$0" files -t file -o "$1/oldp" "$2" && "$0" files -t parser -o "$1/newp" "$2" &&
	"$0" convert -o "$1/convp" "$1/oldp" && cmp "$1/convp" "$1/newp"' \
	"$BIN/diglim-gen" "$L" "$D/sub"
patch_list "$L/legacy3" 2 0300
t "convert: legacy metadata (3) -> metadata (2)" sh -c '
	"$0" convert -o "$1/conv3" "$1/legacy3" && "$2" dump "$1/conv3" |
	head -1 | grep -q "type: 2,"' "$BIN/diglim-gen" "$L" "$BIN/diglimctl"
t "convert: legacy key list (0) has no equivalent, nothing written" \
	bad_gen convert "$L/newp"
patch_list "$L/legacy4" 2 0400
t "convert: legacy type 4, nothing written" bad_gen convert "$L/legacy4"

# --- signatures ------------------------------------------------------------
S=$T/sign
mkdir -p "$S"
for k in 1 2; do
	openssl req -new -x509 -newkey rsa:2048 -nodes -subj "/CN=diglim test $k" \
		-days 2 -keyout "$S/key$k.pem" -out "$S/cert$k.pem" 2>/dev/null
done
openssl x509 -in "$S/cert1.pem" -outform DER -out "$S/cert1.der"
cp "$O/l" "$S/list"
t "sign: sign and verify" sh -c '
	"$0" sign -k "$1/key1.pem" -c "$1/cert1.pem" -o "$1/signed" "$1/list" &&
	"$0" verify -c "$1/cert1.pem" "$1/signed" && "$0" verify -c "$1/cert1.der" "$1/signed"' \
	"$BIN/diglim-sign" "$S"
t "sign: the list is unchanged before the trailer" sh -c '
	cmp -n "$(stat -c %s "$1/list")" "$1/list" "$1/signed"' _ "$S"
t "sign: trailer is PKCS#7 id_type 2, big-endian sig_len, magic" bash -c '
	len=$(stat -c %s "$1/signed"); base=$(stat -c %s "$1/list")
	desc=$(tail -c 40 "$1/signed" | head -c 12 | od -An -tx1 | tr -d " \n")
	siglen=$((16#${desc#0000020000000000}))
	[ "${desc%????????}" = 0000020000000000 ] &&
	[ $((base + siglen + 40)) -eq "$len" ] &&
	[ "$(tail -c 28 "$1/signed")" = "~Module signature appended~" ] &&
	tail -c $((siglen + 40)) "$1/signed" | head -c "$siglen" |
	openssl cms -cmsout -inform DER -print -noout | grep -q "signedData"' _ "$S"
t "sign: dump of the signed list equals dump of the list" sh -c '
	"$0" dump "$1/signed" >"$1/d1" && "$0" dump "$1/list" >"$1/d2" &&
	cmp "$1/d1" "$1/d2" && ! "$0" dump --raw "$1/signed" >/dev/null 2>&1' \
	"$BIN/diglimctl" "$S"
t "sign: in place" sh -c '
	cp "$1/list" "$1/inplace" &&
	"$0" sign -k "$1/key1.pem" -c "$1/cert1.pem" "$1/inplace" && cmp "$1/inplace" "$1/signed"' \
	"$BIN/diglim-sign" "$S"
t "sign: deterministic" sh -c '
	"$0" sign -k "$1/key1.pem" -c "$1/cert1.pem" -o "$1/signed2" "$1/list" &&
	cmp "$1/signed" "$1/signed2"' "$BIN/diglim-sign" "$S"

SF=${SIGN_FILE:-}
for c in "${BUILD:-}/linux/scripts/sign-file.c" "$HERE/../../../build/linux/scripts/sign-file.c"; do
	[ -z "$SF" ] && [ -f "$c" ] && SF=$c
done
if [ -n "$SF" ] && [ "${SF%.c}" != "$SF" ]; then
	gcc -o "$T/sign-file" "$SF" -I"$(dirname "$SF")" -lcrypto 2>/dev/null &&
		SF=$T/sign-file || SF=
fi
if [ -n "$SF" ] && [ -x "$SF" ]; then
	t "sign: byte for byte what the kernel's sign-file writes" sh -c '
		"$0" sha256 "$1/key1.pem" "$1/cert1.pem" "$1/list" "$1/by-sign-file" &&
		cmp "$1/by-sign-file" "$1/signed"' "$SF" "$S"
else
	skip "sign: byte for byte what the kernel's sign-file writes" \
		"no kernel tree (scripts/sign-file.c)"
fi

bad_sign() {
	local dir=$T/bad.$N
	mkdir "$dir"
	fails "$BIN/diglim-sign" sign "$@" -o "$dir/out" "$S/list" 2>"$T/err" ||
		return 1
	cat "$T/err"
	nothing_in "$dir"
}
mismatched_key() {
	bad_sign -k "$S/key2.pem" -c "$S/cert1.pem" &&
		grep -q "does not match the certificate" "$T/err"
}
t "sign: key not matching the certificate, nothing written" mismatched_key
t "sign: mismatched key in place leaves the list untouched" sh -c '
	cp "$1/list" "$1/keep" &&
	! "$0" sign -k "$1/key2.pem" -c "$1/cert1.pem" "$1/keep" &&
	cmp "$1/keep" "$1/list" && [ -z "$(ls -A "$1" | grep "^\.")" ]' \
	"$BIN/diglim-sign" "$S"
t "sign: missing key, nothing written" bad_sign -k "$S/none" -c "$S/cert1.pem"
t "sign: certificate is not a certificate, nothing written" \
	bad_sign -k "$S/key1.pem" -c "$S/key1.pem"
t "sign: unknown digest, nothing written" \
	bad_sign -k "$S/key1.pem" -c "$S/cert1.pem" -a nodigest
t "sign: an already signed list is refused" sh -c '
	! "$0" sign -k "$1/key1.pem" -c "$1/cert1.pem" -o "$1/twice" "$1/signed" &&
	[ ! -e "$1/twice" ]' "$BIN/diglim-sign" "$S"
t "sign: a file that is not a list is refused, --force signs it" sh -c '
	echo text >"$1/text" &&
	! "$0" sign -k "$1/key1.pem" -c "$1/cert1.pem" -o "$1/text.s" "$1/text" &&
	[ ! -e "$1/text.s" ] &&
	"$0" sign -f -k "$1/key1.pem" -c "$1/cert1.pem" -o "$1/text.s" "$1/text" &&
	"$0" verify -c "$1/cert1.pem" "$1/text.s"' "$BIN/diglim-sign" "$S"
wrong_cert() {
	fails "$BIN/diglim-sign" verify -c "$S/cert2.pem" "$S/signed" \
		2>"$T/err" || return 1
	cat "$T/err"
	grep -q "^diglim-sign: $S/signed: BAD signature" "$T/err"
}
t "verify: wrong certificate fails, naming the list" wrong_cert
openssl req -new -x509 -newkey rsa:2048 -passout pass:right -subj "/CN=enc" \
	-days 2 -keyout "$S/enc.pem" -out "$S/enc.crt" 2>/dev/null
wrong_pin() {
	DIGLIM_SIGN_PIN=$1 bad_sign -k "$S/enc.pem" -c "$S/enc.crt" &&
		grep -q "^diglim-sign: $S/enc.pem: $2" "$T/err"
}
t "sign: wrong passphrase said in words, nothing written" wrong_pin wrong \
	"cannot decrypt the private key: wrong passphrase"
t "sign: missing passphrase said in words, nothing written" wrong_pin "" \
	"the private key is encrypted"
t "sign: right passphrase, options before the command" sh -c '
	DIGLIM_SIGN_PIN=right "$0" -k "$1/enc.pem" -c "$1/enc.crt" sign \
		-o "$1/enc.signed" "$1/list" &&
	"$0" verify -c "$1/enc.crt" "$1/enc.signed"' "$BIN/diglim-sign" "$S"
t "verify: tampered list fails" sh -c '
	cp "$1/signed" "$1/tampered" &&
	printf "\377" | dd of="$1/tampered" bs=1 seek=20 conv=notrunc status=none &&
	! "$0" verify -c "$1/cert1.pem" "$1/tampered"' "$BIN/diglim-sign" "$S"
t "verify: unsigned list fails" fails "$BIN/diglim-sign" verify \
	-c "$S/cert1.pem" "$S/list"
t "verify: trailer longer than the file fails" fails "$BIN/diglim-sign" verify \
	-c "$S/cert1.pem" "$L/bad-trailer"
# desc_patch OUT BYTE HEX: the signed list with descriptor byte BYTE (0-11) set.
desc_patch() {
	local len
	cp "$S/signed" "$1"
	len=$(stat -c %s "$1")
	printf "\\x$3" | dd of="$1" bs=1 seek=$((len - 40 + $2)) conv=notrunc status=none
}
for b in 5 6 7; do
	desc_patch "$S/pad$b" $b 01
	t "verify: non-zero padding byte $((b - 5)) refused (as mod_check_sig)" sh -c '
		! "$0" verify -c "$1/cert1.pem" "$2" 2>"$1/err" &&
		grep -q "padding" "$1/err"' "$BIN/diglim-sign" "$S" "$S/pad$b"
done
desc_patch "$S/signer" 3 04
t "verify: non-zero signer_len refused" fails "$BIN/diglim-sign" verify \
	-c "$S/cert1.pem" "$S/signer"
only_sig() {
	local siglen
	siglen=$(( $(stat -c %s "$S/signed") - $(stat -c %s "$S/list") - 40 ))
	tail -c $((siglen + 40)) "$S/signed" >"$S/nodata"
	fails "$BIN/diglim-sign" verify -c "$S/cert1.pem" "$S/nodata"
}
t "verify: a signature with no data before it refused" only_sig
t "strip: gives the list back" sh -c '
	"$0" strip -o "$1/stripped" "$1/signed" && cmp "$1/stripped" "$1/list"' \
	"$BIN/diglim-sign" "$S"
t "convert: a signed legacy list is refused" bad_gen convert "$S/signed"

# --- diglimctl against a stand-in directory ------------------------------------
F=$T/fakefs
mkdir -p "$F/digest_lists_loaded"
: >"$F/digest_list_add"; : >"$F/digest_list_del"; : >"$F/digest_list_label"
printf 'Parser digests: 0\nFile digests: 3\nMetadata digests: 0\nDigest list digests: 1\n' >"$F/digests_count"
: >"$F/digest_lists_loaded/sha256-ab-l"; : >"$F/digest_lists_loaded/sha256-ab-l.ascii"
: >"$F/digest_lists_loaded/sha256-00-k"; : >"$F/digest_lists_loaded/sha256-00-k.ascii"
t "ctl: add writes the absolute path, no newline" sh -c '
	cd "$1" && "$0" add -d "$2" good && [ "$(cat "$2/digest_list_add")" = "$1/good" ] &&
	[ "$(stat -c %s "$2/digest_list_add")" = "$(printf %s "$1/good" | wc -c)" ]' \
	"$BIN/diglimctl" "$L" "$F"
t "ctl: del --buffer --label writes the label, then the bytes" sh -c '
	"$0" del -d "$2" --buffer --label mylist "$1/good" &&
	[ "$(cat "$2/digest_list_label")" = mylist ] && cmp "$2/digest_list_del" "$1/good"' \
	"$BIN/diglimctl" "$L" "$F"
t "ctl: add of a missing file is refused before the kernel" sh -c '
	: >"$2/digest_list_add" && ! "$0" add -d "$2" "$1/none" &&
	[ ! -s "$2/digest_list_add" ]' "$BIN/diglimctl" "$L" "$F"
t "ctl: --label without --buffer is a usage error" fails "$BIN/diglimctl" \
	add -d "$F" --label x "$L/good"
t "ctl: count prints digests_count" sh -c '
	"$0" count -d "$1" | cmp - "$1/digests_count"' "$BIN/diglimctl" "$F"
t "ctl: lists prints the binary views, sorted" sh -c '
	[ "$("$0" lists -d "$1" | tr "\n" " ")" = "sha256-00-k sha256-ab-l " ]' \
	"$BIN/diglimctl" "$F"
no_diglim() {
	fails "$BIN/diglimctl" count -d /nonexistent/diglim 2>"$T/err" &&
		grep -q "securityfs not mounted" "$T/err"
}
t "ctl: no DIGLIM directory is a clear error" no_diglim
absent() {
	local rc
	"$BIN/diglimctl" "$@" -d /nonexistent/diglim "$L/good" 2>"$T/err"
	rc=$?
	cat "$T/err"
	[ $rc = 2 ] && grep -q "securityfs not mounted" "$T/err"
}
t "ctl: add without DIGLIM exits 2 with a hint" absent add
t "ctl: del without DIGLIM exits 2 with a hint" absent del
t "ctl: add --buffer without DIGLIM exits 2" absent add --buffer
lists_absent() {
	fails "$BIN/diglimctl" lists -d /nonexistent/diglim 2>"$T/err" &&
		grep -q "securityfs not mounted" "$T/err"
}
t "ctl: lists without DIGLIM gives the hint" lists_absent
: >"$F/digest_query"
several_unknown() {
	local a=sha256-$(printf '%064d' 1) b=sha256-$(printf '%064d' 2) rc
	"$BIN/diglimctl" query -d "$F" "$a" "$b" 2>"$T/err"
	rc=$?
	cat "$T/err"
	[ $rc = 1 ] && grep -q "$a: not found" "$T/err" &&
		grep -q "$b: not found" "$T/err"
}
t "ctl: query names every unknown digest" several_unknown
t "ctl: options before the command" sh -c '
	"$0" -d "$1" count | cmp - "$1/digests_count"' "$BIN/diglimctl" "$F"
t "gen: options before the command" sh -c '
	"$0" -o "$1/before" files "$2/one" && "$0" files "$2/one" -o "$1/after" &&
	cmp "$1/before" "$1/after"' "$BIN/diglim-gen" "$T" "$D"
t "ctl: query --file with an unknown algorithm" fails "$BIN/diglimctl" \
	query -d "$F" -a sha999 --file "$D/one"

# --- Debian packages: a fake installation under $T/root -----------------------
# An admin directory written by hand, so that diversions, changed files,
# conffiles and merged /usr are tested whatever this machine has installed.
R=$T/root
A=$R/var/lib/dpkg
mkdir -p "$A/info" "$R/usr/bin" "$R/usr/share/alpha" "$R/etc" "$R/usr/lib/abs"
ln -s usr/bin "$R/bin"
ln -s /usr/lib "$R/lib"		# absolute: must resolve inside $R
# fake_pkg NAME FILE...: .list of FILE... (plus /usr), .md5sums of the
# regular ones as they are now.
fake_pkg() {
	local name=$1 f
	shift
	printf '%s\n' /usr "$@" >"$A/info/$name.list"
	for f in "$@"; do
		[ -f "$R$f" ] && [ ! -L "$R$f" ] && echo "$(md5sum <"$R$f" | cut -c1-32)  ${f#/}"
	done >"$A/info/$name.md5sums"
}
status_par() {	# NAME VERSION ARCH [EXTRA LINES]
	printf 'Package: %s\nStatus: install ok installed\nArchitecture: %s\nVersion: %s\n' \
		"$1" "$3" "$2"
	[ -z "${4:-}" ] || printf '%s\n' "$4"
	echo
}
echo alpha >"$R/usr/bin/alpha"; chmod 755 "$R/usr/bin/alpha"
echo data >"$R/usr/share/alpha/data"
echo conf >"$R/etc/alpha.conf"
echo before >"$R/usr/share/alpha/modified"
echo gone >"$R/usr/share/alpha/gone"
ln -s alpha "$R/usr/bin/alpha-link"
fake_pkg alpha /usr/bin /usr/bin/alpha /usr/bin/alpha-link /usr/share/alpha \
	/usr/share/alpha/data /usr/share/alpha/modified /usr/share/alpha/gone \
	/etc/alpha.conf
echo nomd5 >"$R/usr/share/alpha/nomd5"
# A file replaced by a symbolic link is modified too.
echo rep >"$R/usr/share/alpha/replaced"
echo "$(md5sum <"$R/usr/share/alpha/replaced" | cut -c1-32)  usr/share/alpha/replaced" >>"$A/info/alpha.md5sums"
echo /usr/share/alpha/replaced >>"$A/info/alpha.list"
ln -sf data "$R/usr/share/alpha/replaced"
echo /usr/share/alpha/nomd5 >>"$A/info/alpha.list"
echo after >"$R/usr/share/alpha/modified"
rm "$R/usr/share/alpha/gone"
grep -v etc/alpha.conf "$A/info/alpha.md5sums" >"$A/x" && mv "$A/x" "$A/info/alpha.md5sums"
# A diversion: "wrapper" diverts /usr/bin/tool to /usr/bin/tool.real, where
# dpkg installed the file of "real".
echo wrapper >"$R/usr/bin/tool"
echo real >"$R/usr/bin/tool.real"
fake_pkg wrapper /usr/bin/tool
printf '/usr/bin\n/usr/bin/tool\n' >"$A/info/real.list"
echo "$(md5sum <"$R/usr/bin/tool.real" | cut -c1-32)  usr/bin/tool" >"$A/info/real.md5sums"
printf '/usr/bin/tool\n/usr/bin/tool.real\nwrapper\n' >"$A/diversions"
# Merged /usr: one file named twice, and a path through an absolute link.
echo mtool >"$R/usr/bin/mtool"
echo abs >"$R/usr/lib/abs/f"
fake_pkg merged /bin/mtool /usr/bin/mtool /lib/abs/f
echo "$(md5sum <"$R/usr/lib/abs/f" | cut -c1-32)  lib/abs/f" >>"$A/info/merged.md5sums"
# Multi-Arch: same, info files named name:arch.
echo lib >"$R/usr/lib/libm.so"
fake_pkg libm:amd64 /usr/lib/libm.so
LONG=$(printf 'l%.0s' $(seq 1 120))
echo long >"$R/usr/share/long"
fake_pkg "$LONG" /usr/share/long
{
	status_par alpha 1:2.0-1 amd64 "Conffiles:
 /etc/alpha.conf $(md5sum <"$R/etc/alpha.conf" | cut -c1-32)"
	status_par wrapper 1 all
	status_par real 2 amd64
	status_par merged 3 all
	status_par libm 1.0 amd64 "Multi-Arch: same"
	status_par "$LONG" 1 all
	printf 'Package: removed\nStatus: deinstall ok config-files\nArchitecture: all\nVersion: 1\n'
} >"$A/status"
echo gone-again >"$R/usr/share/removed"; fake_pkg removed /usr/share/removed

# rdpkg ARGS...: diglim-gen dpkg on the fake root, into $T/rd (emptied).
rdpkg() {
	rm -rf "$T/rd" && mkdir "$T/rd" &&
	gen dpkg --root "$R" -d "$T/rd" "$@" >"$T/summary" 2>"$T/err"
	local rc=$?
	cat "$T/summary" "$T/err"
	return $rc
}
sha() { sha256sum <"$1" | cut -c1-64; }
dpkg_names() {
	rdpkg || return 1
	printf '%s\n' "alpha_1%3a2.0-1_amd64" libm_1.0_amd64 merged_3_all \
		real_2_amd64 wrapper_1_all >"$T/want"
	ls "$T/rd" | grep -v '^llll' | diff "$T/want" - &&
	grep -q "^dpkg: 6 packages, 6 lists .* 0 errors" "$T/summary"
}
t "dpkg: stable names <package>_<version>_<arch>, no counter prefix" dpkg_names
dpkg_stable() {
	rdpkg alpha real && cp -r "$T/rd" "$T/rd1" &&
	rdpkg && for f in "$T/rd1"/*; do
		cmp "$f" "$T/rd/${f##*/}" || return 1
	done
}
t "dpkg: regenerating with other packages keeps names and bytes" dpkg_stable
dpkg_verify() {
	rdpkg alpha || return 1
	expect_dump "$T/rd/alpha_1%3a2.0-1_amd64" 1 0 sha256 32 \
		"$R/usr/bin/alpha" "$R/usr/share/alpha/data" &&
	grep -q "^diglim-gen: alpha: /usr/share/alpha/modified: content differs from dpkg's MD5 sum (modified), left out" "$T/err" &&
	grep -q "^diglim-gen: alpha: /usr/share/alpha/nomd5: no MD5 sum" "$T/err" &&
	grep -q "alpha: /usr/share/alpha/replaced: content differs" "$T/err" &&
	grep -q "2 files verified, 4 files left out (2 modified, 1 without MD5 sum, 1 missing, 0 unreadable), 1 conffiles not listed" "$T/summary"
}
t "dpkg: files checked against md5sums, left-out ones named, summary" dpkg_verify
dpkg_missing_v() {
	rm -rf "$T/rd" && mkdir "$T/rd" &&
	gen dpkg -v --root "$R" -d "$T/rd" alpha 2>&1 >/dev/null |
		grep -q "alpha: /usr/share/alpha/gone: missing, left out"
}
t "dpkg: missing files named with -v" dpkg_missing_v
dpkg_strict() {
	! rdpkg --strict alpha real || return 1
	[ "$(ls "$T/rd")" = real_2_amd64 ] &&
	grep -q "alpha: 4 files left out, no list (--strict)" "$T/err"
}
t "dpkg: --strict: a left-out file is an error, no list for it" dpkg_strict
dpkg_conffiles() {
	rdpkg --conffiles alpha &&
	expect_dump "$T/rd/alpha_1%3a2.0-1_amd64" 1 0 sha256 32 \
		"$R/etc/alpha.conf" "$R/usr/bin/alpha" "$R/usr/share/alpha/data" &&
	echo edited >>"$R/etc/alpha.conf" && rdpkg --conffiles alpha; local rc=$?
	sed -i '$d' "$R/etc/alpha.conf"
	[ $rc = 0 ] && grep -q "alpha: /etc/alpha.conf: content differs" "$T/err"
}
t "dpkg: --conffiles lists them, checked against the status file" dpkg_conffiles
dpkg_divert() {
	rdpkg real wrapper &&
	expect_dump "$T/rd/real_2_amd64" 1 0 sha256 32 "$R/usr/bin/tool.real" &&
	expect_dump "$T/rd/wrapper_1_all" 1 0 sha256 32 "$R/usr/bin/tool" &&
	grep -q "1 diverted files hashed at their new path" "$T/summary"
}
t "dpkg: a diverted file is hashed at its new path into its own package" dpkg_divert
local_divert() {
	cp "$A/diversions" "$T/div.save"
	printf '/usr/bin/tool\n/usr/bin/tool.real\n:\n' >"$A/diversions"
	rdpkg wrapper; local rc=$?
	cp "$T/div.save" "$A/diversions"
	# A local diversion moves the file of every package, wrapper's too.
	[ $rc = 0 ] && grep -q "wrapper: /usr/bin/tool (diverted to /usr/bin/tool.real): content differs" "$T/err"
}
t "dpkg: a local diversion applies to every package" local_divert
dpkg_merged() {
	rdpkg merged &&
	expect_dump "$T/rd/merged_3_all" 1 0 sha256 32 "$R/usr/bin/mtool" \
		"$R/usr/lib/abs/f"
}
t "dpkg: merged /usr: one file named twice listed once; links resolved in the root" dpkg_merged
DIGLIM_GEN_NO_OPENAT2=1 t "dpkg: the same without openat2 (older kernels)" dpkg_merged
dpkg_multiarch() {
	rdpkg libm:amd64 && expect_dump "$T/rd/libm_1.0_amd64" 1 0 sha256 32 \
		"$R/usr/lib/libm.so"
}
t "dpkg: Multi-Arch: same package (info/name:arch.*)" dpkg_multiarch
dpkg_long() {
	local name=${LONG}_1_all f
	rdpkg "$LONG" || return 1
	f=$(ls "$T/rd")
	[ ${#f} = 100 ] &&
	[ "$f" = "${name:0:83}~$(printf %s "$name" | sha256sum | cut -c1-16)" ] &&
	expect_dump "$T/rd/$f" 1 0 sha256 32 "$R/usr/share/long"
}
t "dpkg: a long name becomes 83 bytes, '~' and 16 hex digits of its SHA-256" dpkg_long
dpkg_unknown() {
	! rdpkg alpha no-such-package removed || return 1
	grep -q "no-such-package: unknown package (not in $A/status)" "$T/err" &&
	grep -q "removed: not installed (status config-files)" "$T/err" &&
	[ "$(ls "$T/rd")" = "alpha_1%3a2.0-1_amd64" ]
}
t "dpkg: unknown and removed packages are errors naming them" dpkg_unknown
dpkg_admindir() {
	cp -r "$A" "$T/admin" &&
	rm -rf "$T/rd" && mkdir "$T/rd" &&
	gen dpkg --root "$R" --admindir "$T/admin" -d "$T/rd" real >/dev/null &&
	expect_dump "$T/rd/real_2_amd64" 1 0 sha256 32 "$R/usr/bin/tool.real" &&
	! gen dpkg --root "$T/nowhere" -d "$T/rd" 2>"$T/err2" &&
	grep -q "nowhere" "$T/err2"
}
t "dpkg: --admindir apart from --root; a missing root is an error" dpkg_admindir

if command -v dpkg-query >/dev/null && dpkg-query -W dash >/dev/null 2>&1 &&
	[ -z "$(dpkg-query -W -f '${Conffiles}' dash)" ]; then
	host_dash() {
		local dir=$T/dpkg.$N f
		local -a files=()
		mkdir "$dir"
		gen dpkg -d "$dir" dash >"$T/stats" || return 1
		cat "$T/stats"
		while IFS= read -r f; do
			[ -f "$f" ] && [ ! -L "$f" ] && files+=("$f")
		done < <(dpkg-query -L dash | grep '^/' | sort)
		[ "$(ls "$dir" | wc -l)" = 1 ] || { ls "$dir"; return 1; }
		expect_dump "$dir"/dash_* 1 0 sha256 32 "${files[@]}"
	}
	t "dpkg: this machine's dash equals sha256sum of its regular files" host_dash
else
	skip "dpkg: this machine's dash" "no dpkg or no dash"
fi

# --- .deb archives ----------------------------------------------------------------
build_deb() {	# DIR VERSION: a package diglimtest in DIR/out.deb
	local d=$1/pkg
	mkdir -p "$d/DEBIAN" "$d/usr/bin" "$d/usr/share/diglimtest" "$d/etc"
	printf 'Package: diglimtest\nVersion: %s\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: DIGLIM test\n' \
		"$2" >"$d/DEBIAN/control"
	echo /etc/diglimtest.conf >"$d/DEBIAN/conffiles"
	printf '#!/bin/sh\necho %s\n' "$2" >"$d/usr/bin/diglimtest"
	chmod 755 "$d/usr/bin/diglimtest"
	echo "data $2" >"$d/usr/share/diglimtest/data"
	: >"$d/usr/share/diglimtest/empty"
	ln -s data "$d/usr/share/diglimtest/link"
	ln "$d/usr/share/diglimtest/data" "$d/usr/share/diglimtest/hardlink"
	echo conf >"$d/etc/diglimtest.conf"
	dpkg-deb --root-owner-group -Zgzip --build "$d" "$1/out.deb" >/dev/null
}
# apt_index DIR DEB [VERSION]: a Packages index in DIR holding DEB's SHA256.
apt_index() {
	mkdir -p "$1"
	printf 'Package: diglimtest\nVersion: %s\nArchitecture: all\nFilename: pool/d.deb\nSize: %s\nSHA256: %s\n\n' \
		"${3:-1:1.0-1}" "$(stat -c %s "$2")" "$(sha "$2")" \
		>"$1/example.org_dists_x_main_binary-all_Packages"
}
if command -v dpkg-deb >/dev/null; then
	DB=$T/deb
	mkdir -p "$DB"
	build_deb "$DB" 1:1.0-1
	apt_index "$DB/lists" "$DB/out.deb"
	DLIST=diglimtest_1%3a1.0-1_all
	deb_known() {
		rm -rf "$DB/o" && mkdir "$DB/o" &&
		gen deb --apt-lists "$DB/lists" -d "$DB/o" "$DB/out.deb" >"$T/summary" || return 1
		cat "$T/summary"
		grep -q "1 verified against apt's package indexes, 0 not found there, 1 conffiles not listed, 0 errors" "$T/summary" &&
		expect_dump "$DB/o/$DLIST" 1 0 sha256 32 "$DB/pkg/usr/bin/diglimtest" \
			"$DB/pkg/usr/share/diglimtest/data" "$DB/pkg/usr/share/diglimtest/empty"
	}
	t "deb: list of an archive found in apt's indexes (conffile, link, hard link left out)" deb_known
	deb_unknown() {
		rm -rf "$DB/o" && mkdir "$DB/o" &&
		gen deb --apt-lists "$DB/none" -d "$DB/o" "$DB/out.deb" >"$T/summary" 2>"$T/err" || return 1
		cat "$T/summary" "$T/err"
		grep -q "out.deb: diglimtest 1:1.0-1 all is not in apt's package indexes ($DB/none, none found): its origin is not verified" "$T/err" &&
		grep -q " 0 verified against apt's package indexes, 1 not found there" "$T/summary" &&
		[ -f "$DB/o/$DLIST" ] &&
		rm "$DB/o/$DLIST" && ! gen deb --strict --apt-lists "$DB/none" -d "$DB/o" "$DB/out.deb" 2>/dev/null &&
		nothing_in "$DB/o"
	}
	t "deb: an archive not in apt's indexes is said so (--strict: an error)" deb_unknown
	deb_mismatch() {
		apt_index "$DB/lists2" "$DB/out.deb" 2.0 &&
		rm -rf "$DB/o" && mkdir "$DB/o" &&
		! gen deb --apt-lists "$DB/lists2" -d "$DB/o" "$DB/out.deb" 2>"$T/err" &&
		grep -q "SHA256 is that of diglimtest 2.0 all" "$T/err" && nothing_in "$DB/o"
	}
	t "deb: an index entry of another version is an error" deb_mismatch
	deb_gz() {
		[ -x /usr/lib/apt/apt-helper ] || return 0
		mkdir -p "$DB/gz" && apt_index "$DB/gz" "$DB/out.deb" &&
		gzip "$DB/gz/"*_Packages && rm -rf "$DB/o" && mkdir "$DB/o" &&
		gen deb --apt-lists "$DB/gz" -d "$DB/o" "$DB/out.deb" | grep -q " 1 verified"
	}
	t "deb: compressed index (apt-helper cat-file)" deb_gz
	deb_bad() {
		rm -rf "$DB/o" && mkdir "$DB/o" && echo no >"$DB/bad.deb" &&
		! gen deb --apt-lists "$DB/lists" -d "$DB/o" "$DB/bad.deb" 2>"$T/err" &&
		grep -q "bad.deb" "$T/err" && nothing_in "$DB/o"
	}
	t "deb: not an archive is an error naming it, no list" deb_bad
	t "deb: -t metadata refused" metadata_refused deb "$DB/out.deb"
	# The same package installed by dpkg into a test root gives the same list.
	deb_installed() {
		local r=$T/droot
		mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" &&
		: >"$r/var/lib/dpkg/status" &&
		dpkg --root="$r" --force-not-root --force-bad-path --log=/dev/null \
			-i "$DB/out.deb" >/dev/null 2>&1 || { echo "dpkg -i failed"; return 1; }
		mkdir -p "$DB/oi" && gen dpkg --root "$r" -d "$DB/oi" >"$T/summary" &&
		cat "$T/summary" && gen deb --apt-lists "$DB/lists" -d "$DB/o" "$DB/out.deb" >/dev/null &&
		cmp "$DB/o/$DLIST" "$DB/oi/$DLIST" &&
		grep -q " 3 files verified, 0 files left out .* 1 conffiles not listed" "$T/summary"
	}
	t "deb: the list of an archive equals the list of it installed (dpkg --root)" deb_installed

	# --- the apt hook, on a test root, with a stand-in DIGLIM directory ---
	AR=$T/aroot
	AL=$AR/etc/digest_lists
	FD=$T/afs
	mkdir -p "$AR/var/lib/dpkg/info" "$AR/var/lib/dpkg/updates" "$T/acache" \
		"$FD/digest_lists_loaded" "$T/alists"
	: >"$AR/var/lib/dpkg/status"
	: >"$FD/digest_list_add"; : >"$FD/digest_list_del"
	mkdir -p "$T/deb2" && build_deb "$T/deb2" 1:2.0-1
	apt_index "$T/al1" "$DB/out.deb" && apt_index "$T/al2" "$T/deb2/out.deb" 1:2.0-1 &&
	cat "$T"/al1/* "$T"/al2/* >"$T/alists/x_Packages"
	V1=diglimtest_1%3a1.0-1_all
	V2=diglimtest_1%3a2.0-1_all
	hook() {
		"$HERE/../diglim-apt" --bindir "$BIN" --config "${HOOK_CONF:-/dev/null}" \
			--root "$AR" --lists-dir "$AL" --apt-lists "$T/alists" \
			--archives "$T/acache" --diglim-dir "$FD" "$@" 2>"$T/hook.log"
		local rc=$?
		cat "$T/hook.log"
		return $rc
	}
	rdpkg_i() {
		dpkg --root="$AR" --force-not-root --force-bad-path --log=/dev/null "$@" \
			>/dev/null 2>&1 || { echo "dpkg $* failed"; return 1; }
	}
	listed() { [ "$(ls "$AL" | xargs)" = "$*" ] || { ls "$AL"; return 1; }; }
	apt_install() {
		printf 'VERSION 3\nAPT::Architecture=amd64\nDir=/\n\ndiglimtest - - none < 1:1.0-1 all none %s\ndiglimtest - - none < 1:1.0-1 all none **CONFIGURE**\n' \
			"$DB/out.deb" | hook pre-install &&
		grep -q "added $V1" "$T/hook.log" && listed "$V1" &&
		cmp "$AL/$V1" "$DB/o/$DLIST" && rdpkg_i -i "$DB/out.deb" &&
		hook post-invoke && grep -q "post-invoke: 0 added, 0 deleted, 1 kept" "$T/hook.log"
	}
	t "apt hook: install: the list is made from the archive and added before dpkg" apt_install
	apt_upgrade() {
		printf 'VERSION 3\nDir=/\n\ndiglimtest 1:1.0-1 all none < 1:2.0-1 all none %s\n' \
			"$T/deb2/out.deb" | hook pre-install &&
		grep -q "added $V2" "$T/hook.log" && listed "$V1" "$V2" &&
		rdpkg_i -i "$T/deb2/out.deb" && hook post-invoke &&
		grep -q "deleted $V1" "$T/hook.log" && listed "$V2"
	}
	t "apt hook: upgrade: new list added before unpacking, old one deleted after" apt_upgrade
	apt_remove() {
		rdpkg_i -r diglimtest && hook post-invoke &&
		grep -q "deleted $V2" "$T/hook.log" && listed
	}
	t "apt hook: remove: the list is deleted" apt_remove
	outside_apt() {
		echo mine >"$AL/admin-list" && rdpkg_i -i "$DB/out.deb" &&
		hook reconcile && grep -q "added $V1" "$T/hook.log" &&
		cmp "$AL/$V1" "$DB/o/$DLIST" && listed admin-list "$V1" &&
		rdpkg_i -r diglimtest && hook reconcile && listed admin-list
	}
	t "apt hook: reconcile covers dpkg -i outside apt; other lists untouched" outside_apt
	signed_hook() {
		printf 'SIGN_KEY=%s\nSIGN_CERT=%s\n' "$S/key1.pem" "$S/cert1.pem" >"$T/hook.conf" &&
		cp "$DB/out.deb" "$T/acache/$V1.deb" && rdpkg_i -i "$DB/out.deb" &&
		HOOK_CONF=$T/hook.conf hook reconcile && grep -q "added $V1" "$T/hook.log" &&
		sign verify -c "$S/cert1.pem" "$AL/$V1" &&
		"$BIN/diglim-sign" strip -o "$T/stripped" "$AL/$V1" && cmp "$T/stripped" "$DB/o/$DLIST"
	}
	t "apt hook: lists are signed when a key is configured" signed_hook

	# apt itself on a test root (Dir, dpkg --root), with the hooks configured.
	real_apt() {
		local r=$T/aptroot h
		mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" \
			"$r/etc/apt/apt.conf.d" "$r/etc/apt/preferences.d" \
			"$r/var/lib/apt/lists/partial" "$r/var/cache/apt/archives/partial" \
			"$r/var/log/apt" "$T/afs2/digest_lists_loaded" &&
		: >"$r/var/lib/dpkg/status" && : >"$T/afs2/digest_list_add" &&
		: >"$T/afs2/digest_list_del" &&
		cp "$T/alists/x_Packages" "$r/var/lib/apt/lists/" || return 1
		h="$HERE/../diglim-apt --bindir $BIN --config /dev/null --root $r --diglim-dir $T/afs2"
		# Only the test root's configuration: none of the host's hooks.
		printf 'Dir "%s/";\nDir::Etc::main "%s/etc/apt/apt.conf";\nDir::Etc::Parts "%s/etc/apt/apt.conf.d";\n' \
			"$r" "$r" "$r" >"$r/apt-test.conf"
		apt_get() {
			APT_CONFIG=$r/apt-test.conf timeout 120 apt-get -q -y \
				-o Dir::State::status="$r/var/lib/dpkg/status" \
				-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=/dev/null \
				-o Dir::Bin::dpkg=/usr/bin/dpkg -o DPkg::Options::=--root="$r" \
				-o DPkg::Options::=--force-not-root -o DPkg::Options::=--log=/dev/null \
				-o DPkg::Pre-Install-Pkgs::="$h pre-install" \
				-o DPkg::Tools::Options::"$HERE/../diglim-apt"::Version=3 \
				-o DPkg::Post-Invoke::="$h post-invoke" \
				-o APT::Sandbox::User="$(id -un)" "$@" >"$T/apt.log" 2>&1 ||
				{ cat "$T/apt.log"; return 1; }
		}
		apt_get install "$DB/out.deb" &&
		grep -q "verified against apt's package indexes" "$T/apt.log" &&
		grep -q "added $V1" "$T/apt.log" &&
		[ "$(ls "$r/etc/digest_lists")" = "$V1" ] &&
		apt_get install "$T/deb2/out.deb" && grep -q "added $V2" "$T/apt.log" &&
		grep -q "deleted $V1" "$T/apt.log" &&
		[ "$(ls "$r/etc/digest_lists")" = "$V2" ] &&
		apt_get remove diglimtest && grep -q "deleted $V2" "$T/apt.log" &&
		[ -z "$(ls "$r/etc/digest_lists")" ]
	}
	if command -v apt-get >/dev/null; then
		t "apt hook: apt-get on a test root (its own config, dpkg --root): install, upgrade, remove" real_apt
	else
		skip "apt hook: apt-get" "no apt-get"
	fi
else
	skip "deb: archives" "no dpkg-deb"
fi

# --- RPM packages ----------------------------------------------------------------
build_rpm() {
	local algo=$1 top=$T/rpm/top$1
	mkdir -p "$top"
	cat >"$T/rpm/t.spec" <<-'EOF'
	Name: diglimtest
	Version: 1.0
	Release: 1
	Summary: DIGLIM test package
	License: GPL-2.0
	BuildArch: noarch
	%description
	A package for the DIGLIM tool tests.
	%install
	mkdir -p %{buildroot}/usr/share/diglimtest/sub
	echo hello >%{buildroot}/usr/share/diglimtest/hello
	printf abc >%{buildroot}/usr/share/diglimtest/sub/abc
	: >%{buildroot}/usr/share/diglimtest/empty
	ln -s hello %{buildroot}/usr/share/diglimtest/link
	%files
	/usr/share/diglimtest
	%ghost /usr/share/diglimtest/ghost
	EOF
	rpmbuild -bb --quiet --define "_topdir $top" \
		--define "_binary_filedigest_algorithm $algo" "$T/rpm/t.spec" \
		>/dev/null 2>&1
	echo "$top/RPMS/noarch/diglimtest-1.0-1.noarch.rpm"
}
rpm_expect() {
	local list=$1 algo=$2 size=$3
	mkdir -p "$T/rpm/files/sub"
	echo hello >"$T/rpm/files/hello"
	printf abc >"$T/rpm/files/sub/abc"
	: >"$T/rpm/files/empty"
	# rpm orders files by path: empty, hello, sub/abc
	expect_dump "$list" 1 0 "$algo" "$size" "$T/rpm/files/empty" \
		"$T/rpm/files/hello" "$T/rpm/files/sub/abc"
}
if command -v rpmbuild >/dev/null; then
	mkdir -p "$T/rpm"
	R8=$(build_rpm 8)
	R10=$(build_rpm 10)
	N_=diglimtest-1.0-1.noarch
	t "rpm: .rpm with sha256 file digests" sh -c '
		mkdir "$1/o8" && "$0" rpm -d "$1/o8" "$2" && [ -f "$1/o8/$3" ]' \
		"$BIN/diglim-gen" "$T/rpm" "$R8" "$N_"
	t "rpm: sha256 digests from the header (ghost, link, dir skipped)" \
		rpm_expect "$T/rpm/o8/$N_" sha256 32
	t "rpm: .rpm with sha512 file digests" sh -c '
		mkdir "$1/o10" && "$0" rpm -d "$1/o10" "$2"' "$BIN/diglim-gen" "$T/rpm" "$R10"
	t "rpm: sha512 digests from the header" \
		rpm_expect "$T/rpm/o10/$N_" sha512 64
	t "rpm: from an RPM database (--dbpath)" sh -c '
		rpm --dbpath "$1/db" --initdb 2>/dev/null &&
		rpm --dbpath "$1/db" -i --justdb --nodeps --noscripts "$2" 2>/dev/null &&
		mkdir "$1/odb" && "$0" rpm --dbpath "$1/db" -d "$1/odb" &&
		cmp "$1/odb/$3" "$1/o8/$3"' \
		"$BIN/diglim-gen" "$T/rpm" "$R8" "$N_"
	t "rpm: not an rpm file, nothing written" sh -c '
		mkdir "$1/obad" && head -c 4096 /dev/urandom >"$1/bad.rpm" &&
		! "$0" rpm -d "$1/obad" "$2" "$1/bad.rpm" && [ -z "$(ls -A "$1/obad")" ]' \
		"$BIN/diglim-gen" "$T/rpm" "$R8"
	t "rpm: --dbpath of a missing directory fails, creates nothing" sh -c '
		! "$0" rpm --dbpath "$1/typo" -d "$1" 2>"$1/err" &&
		grep -q "typo: No such file" "$1/err" && [ ! -e "$1/typo" ]' \
		"$BIN/diglim-gen" "$T/rpm"
	t "rpm: --dbpath of an empty directory fails, creates nothing" sh -c '
		mkdir "$1/emptydb" && ! "$0" rpm --dbpath "$1/emptydb" -d "$1" 2>"$1/err" &&
		grep -q "no database there" "$1/err" && [ -z "$(ls -A "$1/emptydb")" ]' \
		"$BIN/diglim-gen" "$T/rpm"
	t "rpm: truncated rpm file, nothing written" sh -c '
		mkdir "$1/otr" && head -c 3000 "$2" >"$1/trunc.rpm" &&
		! "$0" rpm -d "$1/otr" "$1/trunc.rpm" && [ -z "$(ls -A "$1/otr")" ]' \
		"$BIN/diglim-gen" "$T/rpm" "$R8"
else
	skip "rpm: .rpm and database sources" "rpmbuild not installed"
fi

# --- diglimctl verify, with quotes of a software TPM -----------------------
. "$HERE/verify-tests.sh"

tap_end
