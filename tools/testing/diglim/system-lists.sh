#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - the digest lists of the real system, made on the host at build
# time for make demo and make check (system-boot.sh loads them in the VM).
#
# The guest runs the host's root file system, so the lists of the host's
# installed Debian packages are the lists of the guest: one per package,
# made by "diglim-gen dpkg" (files that no longer match dpkg's MD5 sums
# are left out and counted), each signed with the test IMA key that the
# test CA built into the kernel vouches for (diglim-sign, appended PKCS#7:
# IMA's modsig), into $BUILD/system-lists. That directory holds the lists
# and nothing else, since the guest loads every file of it and the
# verifier trusts every file of it; what we know about them goes to
# $BUILD/system-lists.info:
#   summary          diglim-gen's summary line (packages, lists, digests, left out)
#   left-out         the files left out, one per line, as diglim-gen named them
#   workload         the commands of system-workload whose program and libraries
#                    are all listed (a workload of unknown files would measure)
#   unpackaged-true  a program in no package: /usr/bin/true with one byte changed
#   stamp            what the lists were made from (below)
#
# The lists are made again only when what they depend on changed: the
# dpkg database (status, and so every install, removal or upgrade), the
# tools, the key and this script. They are made in a new directory that
# replaces the old one whole, so the lists of removed or upgraded
# packages go away and an interrupted run leaves the old set intact.
#
# Usage: system-lists.sh [--force]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:?}
TOOLS=$BUILD/tools/diglim
KEYS=$BUILD/keys
LISTS=$BUILD/system-lists
INFO=$BUILD/system-lists.info
FORCE=0
[ "${1:-}" = --force ] && FORCE=1

say() { echo "system-lists: $*"; }
die() { echo "system-lists: $*" >&2; exit 1; }

for f in "$TOOLS/diglim-gen" "$TOOLS/diglim-sign" "$TOOLS/diglimctl"; do
	[ -x "$f" ] || die "$f missing (make tools)"
done
for f in ima.key ima.pem; do
	[ -s "$KEYS/$f" ] || die "$KEYS/$f missing (made by the kernel build: make kernel)"
done

# Programs the guest script itself runs once its policy is in force: they
# must be listed too, or it would be denied its own tools. Shared
# libraries are found with ldd; the TPM transmission library is opened
# with dlopen, so it is named here.
INFRA="/usr/bin/dash /usr/bin/bash /usr/bin/cat /usr/bin/cp /usr/bin/mkdir
/usr/bin/ln /usr/bin/rm /usr/bin/sort /usr/bin/cut /usr/bin/head /usr/bin/tr
/usr/bin/wc /usr/bin/od /usr/bin/sleep /usr/bin/timeout /usr/bin/sync
/usr/bin/mktemp /usr/bin/base64 /usr/bin/grep /usr/bin/sed /usr/bin/fold
$(readlink -f /usr/bin/awk)
/usr/bin/busybox /usr/bin/tpm2 /usr/bin/jose /usr/bin/clevis
/usr/bin/clevis-encrypt-tpm2 /usr/bin/clevis-decrypt-tpm2
/usr/bin/clevis-decrypt /usr/bin/keyctl
/usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0"

stamp() {
	sha256sum /var/lib/dpkg/status "$TOOLS/diglim-gen" "$TOOLS/diglim-sign" \
		"$KEYS/ima.pem" "$HERE/system-lists.sh" "$HERE/system-workload"
}

if [ $FORCE = 0 ] && [ -d "$LISTS" ] && [ -f "$INFO/stamp" ] &&
	stamp | cmp -s - "$INFO/stamp"; then
	say "$(cat "$INFO/summary")"
	say "up to date in $LISTS (the dpkg database did not change)"
	exit 0
fi

say "making one signed list per installed package in $LISTS (about a minute)"
new=$LISTS.new
newinfo=$INFO.new
rm -rf "$new" "$newinfo"
mkdir -p "$new" "$newinfo"
t0=$SECONDS
"$TOOLS/diglim-gen" dpkg -d "$new" >"$newinfo/summary" 2>"$newinfo/left-out" ||
	die "diglim-gen dpkg failed: $(tail -3 "$newinfo/left-out")"
for f in "$new"/*; do
	"$TOOLS/diglim-sign" sign -k "$KEYS/ima.key" -c "$KEYS/ima.pem" "$f" ||
		die "signing $f failed"
done

# Every digest of every list, to check the workload against.
for f in "$new"/*; do
	"$TOOLS/diglimctl" dump "$f"
done | grep -v '^actions:' | sort -u >"$newinfo/digests"

# listed FILE...: true if the content of every FILE is in a list.
listed() {
	local f
	for f in "$@"; do
		grep -qxF "$(sha256sum <"$f" | cut -d' ' -f1)" "$newinfo/digests" || return 1
	done
}

# libs FILE: the shared libraries (and the loader) FILE maps.
libs() {
	ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
}

missing=
for f in $INFRA; do
	# shellcheck disable=SC2046
	listed "$f" $(libs "$f") || missing="$missing $f"
done
[ -z "$missing" ] ||
	die "the guest needs these, but they (or a library of theirs) are in no list:$missing"

# The workload: the commands of system-workload that can run under the
# policy without being measured.
kept=0 dropped=
while read -r prog args; do
	case "$prog" in '' | '#'*) continue ;; esac
	# shellcheck disable=SC2046
	if [ -x "$prog" ] && listed "$prog" $(libs "$prog"); then
		echo "$prog $args" >>"$newinfo/workload"
		kept=$((kept + 1))
	else
		dropped="$dropped ${prog##*/}"
	fi
done <"$HERE/system-workload"
[ -z "$dropped" ] || say "left out of the workload (not on this host, or not listed):$dropped"
[ $kept -ge 20 ] || die "only $kept programs of system-workload are listed"

# A program in no package: /usr/bin/true with one byte of its text
# "GNU coreutils" changed, so that it still runs where nothing checks it.
cp /usr/bin/true "$newinfo/unpackaged-true"
off=$(grep -obUa 'GNU coreutils' "$newinfo/unpackaged-true" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || die "no 'GNU coreutils' in /usr/bin/true"
printf 'g' | dd of="$newinfo/unpackaged-true" bs=1 seek="$off" conv=notrunc status=none
! listed "$newinfo/unpackaged-true" || die "the modified program is in a list"

stamp >"$newinfo/stamp"
rm -rf "$LISTS" "$INFO"
mv "$new" "$LISTS"
mv "$newinfo" "$INFO"
say "$(cat "$INFO/summary")"
say "signed $(ls "$LISTS" | wc -l) lists in $((SECONDS - t0)) s; $kept workload programs; left out: $INFO/left-out"
