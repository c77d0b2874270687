#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - the apt hook against the real kernel (guest step of make check,
# TAP output).
#
# diglim-apt(8) is tested on the host against a stand-in DIGLIM directory;
# here it drives the running kernel. A test root on the guest's tmpfs gets
# its own dpkg database and apt configuration (dpkg --root, apt -o Dir=),
# so the host's dpkg database, shared read-only as the guest's /, is never
# touched. Real apt-get installs, upgrades and removes a small
# package whose program is a copy of /bin/echo with a tag appended (so its
# digest is in no other list), with diglim-apt configured as apt's
# DPkg::Pre-Install-Pkgs and DPkg::Post-Invoke hooks, as in its man page.
#
# IMA rules are append-only and shared with every test of the boot, so
# both are scoped by owners no other test uses:
#   4601: the lists. The hook runs as uid 4601 with all of root's
#         capabilities kept as ambient capabilities (setpriv), so it works
#         as under root but the list files it writes belong to 4601, from
#         the moment they exist: there is no window in which a list owned
#         by root would be added unappraised. diglim-apt signs them with
#         the key the kernel's built-in test CA signed (appended PKCS#7),
#         and "appraise func=DIGEST_LIST_CHECK fowner=4601
#         appraise_type=imasig|modsig" makes the kernel check it: only an
#         appraised list has the APPRAISED action that use_diglim needs.
#   4602: the programs, "appraise func=BPRM_CHECK fowner=4602
#         use_diglim=allow": a program runs only if a loaded, appraised
#         list holds its digest (none has a security.ima).
set -u

TOOLS=${DIGLIM_BUILD:?}/tools/diglim
HOOK_SCRIPT=${DIGLIM_REPO:?}/tools/diglim/diglim-apt
SFS=/sys/kernel/security
DIG=$SFS/integrity/diglim
LIST_UID=4601
PROG_UID=4602
PKG=diglim-apt-guest
V1=${PKG}_1.0-1_all
V2=${PKG}_2.0-1_all
D=$(mktemp -d /tmp/apt-guest.XXXXXX)
R=$D/root	# the test root: dpkg's database, apt's state, the list directory
LISTS=$R/etc/digest_lists
# The hook runs as uid 4601: let it walk to its list directory.
chmod 755 "$D"
# ok, expect_fail, $n and $failed.
. "$(dirname "$0")/guest-tap.sh"

# bail REASON: the rest cannot run; say so in TAP and stop.
bail() {
	echo "Bail out! $1"
	exit 1
}

# loaded_name NAME: the kernel's entry for the list file $LISTS/NAME,
# <algo>-<hex>-<label>: the digest is over the list without its appended
# signature, and the label is the file name (path upload).
loaded_name() {
	"$TOOLS/diglim-sign" strip -o "$D/stripped" "$LISTS/$1" 2>/dev/null || return 1
	echo "sha256-$(sha256sum "$D/stripped" | cut -d' ' -f1)-$1"
}

# is_loaded NAME: the list file NAME is loaded under its own label.
is_loaded() { local e; e=$(loaded_name "$1") && [ -e "$DIG/digest_lists_loaded/$e" ]; }

# actions_of NAME: the actions the kernel recorded for the list NAME.
actions_of() {
	local hex=${1#sha256-}
	"$TOOLS/diglimctl" query "sha256-${hex%%-*}" |
		sed -n 's/.*(actions: \([0-9]*\)): type: 3.*/\1/p'
}

# ours: how many kernel entries carry one of our labels (two per list:
# the binary view and the .ascii one).
ours() {
	local f c=0
	for f in "$DIG/digest_lists_loaded"/*-"${PKG}"_*; do
		[ -e "$f" ] && c=$((c + 1))
	done
	echo $c
}
none_of_ours() { [ "$(ours)" = 0 ]; }

echo "TAP version 13"
for t in apt-get dpkg dpkg-deb setpriv keyctl; do
	command -v $t >/dev/null || { echo "1..0 # SKIP no $t"; exit 0; }
done
echo "1..19"

# --- keys and policy ---------------------------------------------------------
K=$DIGLIM_BUILD/keys
# The key may be on the keyring already (signed-lists.sh adds it in make
# check): adding it again may fail, so look for it (its description starts
# with the certificate's CN) rather than trust padd.
keyctl padd asymmetric "" %keyring:.ima <"$K/ima.der" >/dev/null 2>&1
cn=$(openssl x509 -in "$K/ima.pem" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= //p')
[ -n "$cn" ] && keyctl show %keyring:.ima 2>/dev/null | grep -qF "$cn"
ok $? "the CA-signed test key is on the .ima keyring"

cat >$SFS/ima/policy <<EOF
appraise func=DIGEST_LIST_CHECK fowner=$LIST_UID appraise_type=imasig|modsig
appraise func=BPRM_CHECK fowner=$PROG_UID use_diglim=allow
EOF
ok $? "policy loaded (lists of $LIST_UID appraised, programs of $PROG_UID through DIGLIM)"

# --- the test root, the packages, apt's index ---------------------------------
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" \
	"$R/etc/apt/apt.conf.d" "$R/etc/apt/preferences.d" \
	"$R/var/lib/apt/lists/partial" "$R/var/cache/apt/archives/partial" \
	"$R/var/log/apt" || bail "cannot make the test root"
: >"$R/var/lib/dpkg/status"

# build_deb VERSION: $D/VERSION.deb, with /usr/bin/$PKG a copy of echo
# whose appended tag makes its digest new (ELF ignores trailing bytes).
build_deb() {
	local p=$D/pkg-$1
	mkdir -p "$p/DEBIAN" "$p/usr/bin"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: DIGLIM apt guest test\n' \
		"$PKG" "$1" >"$p/DEBIAN/control"
	cp /bin/echo "$p/usr/bin/$PKG" &&
	printf '\nDIGLIM apt-guest.sh %s\n' "$1" >>"$p/usr/bin/$PKG" &&
	dpkg-deb --root-owner-group -Zgzip --build "$p" "$D/$1.deb" >/dev/null
}
# A Packages index holding both archives' SHA256, so that diglim-gen deb
# verifies their origin as it would from a signed repository.
index_entry() {
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nFilename: pool/%s.deb\nSize: %s\nSHA256: %s\n\n' \
		"$PKG" "$1" "$1" "$(stat -c %s "$D/$1.deb")" "$(sha256sum "$D/$1.deb" | cut -d' ' -f1)"
}
{ build_deb 1.0-1 && build_deb 2.0-1; } || bail "dpkg-deb failed"
{ index_entry 1.0-1 && index_entry 2.0-1; } \
	>"$R/var/lib/apt/lists/example.org_dists_x_main_binary-all_Packages"

# The hook: diglim-apt as uid LIST_UID with every capability of the
# bounding set kept (ambient), so that it can write to securityfs and the
# lists it makes are owned by LIST_UID.
CAPS=$(setpriv -d | sed -n 's/^Capability bounding set: //p' | sed 's/\(^\|,\)/\1+/g')
printf 'SIGN_KEY=%s\nSIGN_CERT=%s\n' "$K/ima.key" "$K/ima.pem" >"$D/hook.conf"
cat >"$D/hook" <<EOF
#!/bin/sh
exec setpriv --reuid=$LIST_UID --regid=$LIST_UID --clear-groups \\
	--inh-caps=$CAPS --ambient-caps=$CAPS \\
	bash "$HOOK_SCRIPT" --bindir "$TOOLS" --config "$D/hook.conf" --root "$R" "\$@"
EOF
chmod 755 "$D/hook"

# Only the test root's configuration: none of the host's apt hooks.
printf 'Dir "%s/";\nDir::Etc::main "%s/etc/apt/apt.conf";\nDir::Etc::Parts "%s/etc/apt/apt.conf.d";\n' \
	"$R" "$R" "$R" >"$R/apt-test.conf"
# apt_get ARGS...: apt-get on the test root with the hooks of the man page
# (Version 3 of Pre-Install-Pkgs, keyed by the hook's program); its output
# and the hook's messages go to $D/apt.log.
apt_get() {
	APT_CONFIG=$R/apt-test.conf timeout 120 apt-get -q -y \
		-o Dir::State::status="$R/var/lib/dpkg/status" \
		-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::Bin::dpkg=/usr/bin/dpkg -o DPkg::Options::=--root="$R" \
		-o DPkg::Options::=--log=/dev/null \
		-o DPkg::Pre-Install-Pkgs::="$D/hook pre-install" \
		-o DPkg::Tools::Options::"$D/hook"::Version=3 \
		-o DPkg::Post-Invoke::="$D/hook post-invoke" \
		-o APT::Sandbox::User=root "$@" >"$D/apt.log" 2>&1
	local rc=$?
	[ $rc = 0 ] || sed 's/^/# /' "$D/apt.log"
	return $rc
}
PROG=$R/usr/bin/$PKG

# run_prog WORD FILE: FILE, given to PROG_UID, runs (as echo) and says WORD.
run_prog() { chown $PROG_UID "$2" && [ "$("$2" "$1")" = "$1" ]; }

count_before=$(cat "$DIG/digests_count")

# --- install -----------------------------------------------------------------
apt_get install "$D/1.0-1.deb" || bail "apt-get install of $PKG 1.0-1 failed"
grep -q "verified against apt's package indexes" "$D/apt.log" &&
	grep -q "added $V1" "$D/apt.log" && grep -q "pre-install: 1 added, 0 deleted, 0 kept, 0 failed" "$D/apt.log"
ok $? "install: apt-get ran the hook, which verified the archive and added $V1"
E1=$(loaded_name "$V1") && is_loaded "$V1" && [ "$(stat -c %u "$LISTS/$V1")" = $LIST_UID ] &&
	"$TOOLS/diglim-sign" verify -c "$K/ima.pem" "$LISTS/$V1" >/dev/null 2>&1
ok $? "install: the signed list $V1 (owner $LIST_UID) is loaded in the kernel as ${E1:-?}"
a=$(actions_of "${E1:-x-x-x}")
[ "$a" = 6 ]
ok $? "install: its actions are APPRAISED | APPRAISED_DIGSIG (6), got '$a'"
cp "$PROG" "$D/copy-1.0-1"	# for later: not run now, so IMA caches nothing
run_prog v1 "$PROG"
ok $? "install: the installed program runs under use_diglim=allow"

# --- upgrade -----------------------------------------------------------------
apt_get install "$D/2.0-1.deb" || bail "apt-get install of $PKG 2.0-1 failed"
# In apt's output: the new list added, then dpkg unpacking, then the old
# list deleted: the program is covered all along.
line_of() { grep -n -m1 -- "$1" "$D/apt.log" | cut -d: -f1; }
a=$(line_of "added $V2") u=$(line_of "Unpacking $PKG") d=$(line_of "deleted $V1")
[ -n "$a" ] && [ -n "$u" ] && [ -n "$d" ] && [ "$a" -lt "$u" ] && [ "$u" -lt "$d" ]
ok $? "upgrade: the hook added $V2 before dpkg and deleted $V1 after"
E2=$(loaded_name "$V2") && is_loaded "$V2"
ok $? "upgrade: $V2 is loaded as ${E2:-?}"
a=$(actions_of "${E2:-x-x-x}")
[ "$a" = 6 ]
ok $? "upgrade: its actions are 6, got '$a'"
[ ! -e "$LISTS/$V1" ] && [ ! -e "$DIG/digest_lists_loaded/${E1:-x}" ] &&
	[ "$(ours)" = 2 ]
ok $? "upgrade: $V1 is gone from the kernel and from the list directory"
run_prog v2 "$PROG"
ok $? "upgrade: the new program runs"
chown $PROG_UID "$D/copy-1.0-1"
expect_fail "ermission denied" "upgrade: a copy of the old program is denied (EACCES)" \
	"$D/copy-1.0-1" v1

# --- remove ------------------------------------------------------------------
cp "$PROG" "$D/copy-2.0-1"
apt_get remove "$PKG" || bail "apt-get remove $PKG failed"
grep -q "deleted $V2" "$D/apt.log"
ok $? "remove: the hook deleted $V2"
[ ! -e "$LISTS/$V2" ] && none_of_ours
ok $? "remove: no list of $PKG is left in the kernel or in the list directory"
[ "$(cat "$DIG/digests_count")" = "$count_before" ]
ok $? "remove: the kernel's digest counts are back to what they were"
chown $PROG_UID "$D/copy-2.0-1"
expect_fail "ermission denied" "remove: a copy of the removed program is denied (EACCES)" \
	"$D/copy-2.0-1" v2

# A control: the denial above is the list's absence, not the copy. The
# same bytes run again once a list holding them is added (by the hook's
# own reconcile, from the archive in apt's cache, as after a dpkg -i).
dpkg --root="$R" --log=/dev/null -i "$D/2.0-1.deb" >/dev/null 2>&1 &&
	cp "$D/2.0-1.deb" "$R/var/cache/apt/archives/$V2.deb" &&
	"$D/hook" reconcile 2>"$D/reconcile.log" && is_loaded "$V2"
ok $? "reconcile: after dpkg -i outside apt, the hook adds $V2"
cp "$D/copy-2.0-1" "$D/copy2-2.0-1" && run_prog v2 "$D/copy2-2.0-1"
ok $? "reconcile: a fresh copy of the program runs again"
dpkg --root="$R" --log=/dev/null -r "$PKG" >/dev/null 2>&1 &&
	"$D/hook" reconcile 2>>"$D/reconcile.log" && none_of_ours
ok $? "reconcile: after dpkg -r, its list is deleted"

rm -rf "$D"
[ $failed -eq 0 ]
