#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - signed digest lists (guest step of make check, TAP output).
#
# The test kernels are built with INTEGRITY_TRUSTED_KEYRING and a test CA
# (kbuild.sh, $DIGLIM_BUILD/keys): only a key the CA signed goes on the .ima
# keyring, and a key root makes up is refused, so a signature means
# something against root.  List files owned by 4401 must pass
# "appraise func=DIGEST_LIST_CHECK appraise_type=imasig|modsig": a list
# signed with diglim-sign (appended PKCS#7, modsig) or with evmctl
# (security.ima signature, imasig) is added with the actions APPRAISED and
# APPRAISED_DIGSIG (2 | 4 = 6); an unsigned list, one signed by a key that
# is not on the keyring and a signed list modified afterwards are refused
# with EACCES and change nothing.  A file owned by 4402, appraised with
# "appraise_type=imasig use_diglim=allow", is then readable without any
# security.ima because a signed list holds its digest; an unlisted one is
# not.
set -u

TOOLS=${DIGLIM_BUILD:?}/tools/diglim
SFS=/sys/kernel/security
D=$(mktemp -d /tmp/signed-lists.XXXXXX)
# ok, expect_fail, $n and $failed.
. "$(dirname "$0")/guest-tap.sh"

state() { cat $SFS/integrity/diglim/digests_count; ls $SFS/integrity/diglim/digest_lists_loaded; }

list_digest() { sha256sum "$1" | cut -d' ' -f1; }

# actions_of FILE: the actions of the loaded list FILE (by its digest).
actions_of() {
	"$TOOLS/diglimctl" query "sha256-$(list_digest "$1")" |
		sed -n 's/.*(actions: \([0-9]*\)): type: 3.*/\1/p'
}

echo "TAP version 13"
echo "1..14"

# Keys: the IMA key signed by the built-in test CA, and one root makes up.
K=$DIGLIM_BUILD/keys
cp "$K/ima.key" "$D/trusted.key" && cp "$K/ima.pem" "$D/trusted.pem" &&
	cp "$K/ima.der" "$D/trusted.der" || exit 1
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
	-subj "/CN=DIGLIM test root-made key" \
	-addext keyUsage=digitalSignature \
	-addext subjectKeyIdentifier=hash \
	-keyout "$D/other.key" -out "$D/other.pem" >/dev/null 2>&1 || exit 1
openssl x509 -in "$D/other.pem" -outform DER -out "$D/other.der" || exit 1
keyctl padd asymmetric "" %keyring:.ima <"$D/trusted.der" >/dev/null
ok $? "the CA-signed test key is added to the .ima keyring"
! keyctl padd asymmetric "" %keyring:.ima <"$D/other.der" >/dev/null 2>&1
ok $? "a key root made up is refused by the .ima keyring"

cat >$SFS/ima/policy <<'EOF'
appraise func=DIGEST_LIST_CHECK fowner=4401 appraise_type=imasig|modsig
appraise func=FILE_CHECK fowner=4402 appraise_type=imasig use_diglim=allow
EOF
ok $? "policy loaded"

# Files: two listed (one per signed list), one not listed. They are given
# to 4402 only once the lists are made: under the appraise rule, reading
# them to make the lists would be denied.
for f in in_modsig in_imasig unlisted; do
	head -c 4096 /dev/urandom >"$D/$f"
done

mk_list() { # mk_list NAME FILE...
	local name=$1
	shift
	"$TOOLS/diglim-gen" files -o "$D/$name" "$@"
}

# add_list FILE: hand the list to 4401 (last: diglim-sign writes a new
# file) and add it.
add_list() { chown 4401 "$1" && "$TOOLS/diglimctl" add "$1"; }

mk_list modsig-list "$D/in_modsig" &&
	"$TOOLS/diglim-sign" sign -k "$D/trusted.key" -c "$D/trusted.pem" "$D/modsig-list"
add_list "$D/modsig-list"
ok $? "a list with a modsig trailer by the trusted key is added"
# The list digest is computed without the trailer.
"$TOOLS/diglim-sign" strip -o "$D/modsig-list.stripped" "$D/modsig-list"
a=$(actions_of "$D/modsig-list.stripped")
[ "$a" = 6 ]
ok $? "its actions are APPRAISED | APPRAISED_DIGSIG (6), got '$a'"

mk_list imasig-list "$D/in_imasig" &&
	evmctl ima_sign -a sha256 --key "$D/trusted.key" "$D/imasig-list" >/dev/null 2>&1
add_list "$D/imasig-list"
ok $? "a list with an imasig security.ima by the trusted key is added"
a=$(actions_of "$D/imasig-list")
[ "$a" = 6 ]
ok $? "its actions are 6 too, got '$a'"

before=$(state)
mk_list unsigned-list "$D/unlisted"
expect_fail "EACCES\|ermission denied" "an unsigned list is refused (EACCES)" \
	add_list "$D/unsigned-list"
mk_list other-list "$D/unlisted" &&
	"$TOOLS/diglim-sign" sign -k "$D/other.key" -c "$D/other.pem" "$D/other-list"
expect_fail "EACCES\|ermission denied" "a list signed by an unknown key is refused (EACCES)" \
	add_list "$D/other-list"
mk_list tampered-list "$D/unlisted" &&
	"$TOOLS/diglim-sign" sign -k "$D/trusted.key" -c "$D/trusted.pem" "$D/tampered-list" &&
	printf '\x5a' | dd of="$D/tampered-list" bs=1 seek=20 conv=notrunc status=none
expect_fail "EACCES\|ermission denied" "a signed list modified afterwards is refused (EACCES)" \
	add_list "$D/tampered-list"
[ "$(state)" = "$before" ]
ok $? "the refused lists changed nothing"

chown 4402 "$D/in_modsig" "$D/in_imasig" "$D/unlisted"
cat "$D/in_modsig" >/dev/null 2>&1 && cat "$D/in_imasig" >/dev/null 2>&1
ok $? "files of signed lists are readable without security.ima"
expect_fail "ermission denied" "an unlisted file is denied (EACCES)" cat "$D/unlisted"

"$TOOLS/diglimctl" del "$D/modsig-list" "$D/imasig-list"
ok $? "the signed lists are deleted"

rm -rf "$D"
[ $failed -eq 0 ]
