#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - the initramfs-tools hook (tools/diglim/initramfs/hooks/diglim)
# in a real initramfs, read by the kernel's boot-time loader (make
# initramfs-test; not part of make check).
#
#   initramfs-test.sh --kernel BZIMAGE [--timeout SEC]
#
# With an initramfs, the loader (diglim.lists_dir=, default
# /etc/digest_lists) reads the initramfs, and cpio keeps no extended
# attributes: the lists there must carry appended signatures. So: a few
# lists made by diglim-gen and signed by diglim-sign with the test IMA key
# ($BUILD/keys), an initramfs made by mkinitramfs with a private
# configuration directory (-d: COMPRESS=gzip, MODULES=list, the hook in
# its hooks/, a test script in scripts/init-top/ that prints what DIGLIM
# holds and powers off), then one boot of the kernel under QEMU with it.
# Debian's initramfs cannot mount the 9p root of vm.sh: the guest is
# stopped once the test script has printed, or after the timeout.
#
# mkinitramfs reads /boot/config-VERSION to check the decompressor: it
# runs in a private mount namespace with a tmpfs on /boot holding the test
# kernel's .config. The test kernel has no modules: mkinitramfs's depmod of
# /lib/modules/VERSION fails (said in its log), harmlessly. Nothing of the
# host's /etc or /boot is written, which the last test checks. Output: TAP.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
BUILD=${BUILD:-$REPO/build}
KERNEL= TIMEOUT=900

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	*) echo "initramfs-test: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -f "$KERNEL" ] || { echo "initramfs-test: no kernel at '$KERNEL' (make kernel)" >&2; exit 2; }
OBJ=$(cd "$(dirname "$KERNEL")/../../.." && pwd)
[ -f "$OBJ/.config" ] && [ -f "$OBJ/include/config/kernel.release" ] ||
	{ echo "initramfs-test: $KERNEL is not in a kernel build directory" >&2; exit 2; }
VERSION=$(cat "$OBJ/include/config/kernel.release")
TOOLS=$BUILD/tools/diglim
KEYS=$BUILD/keys
for f in "$TOOLS/diglim-gen" "$TOOLS/diglim-sign" "$KEYS/ima.key" "$KEYS/ima.pem" "$KEYS/ima.der"; do
	[ -e "$f" ] || { echo "initramfs-test: $f missing (make kernel tools)" >&2; exit 2; }
done
for c in mkinitramfs lsinitramfs unmkinitramfs unshare; do
	command -v $c >/dev/null ||
		{ echo "initramfs-test: $c missing (tools/testing/diglim/deps.sh initramfs)" >&2; exit 2; }
done
grep -qx 'CONFIG_BLK_DEV_INITRD=y' "$OBJ/.config" && grep -qx 'CONFIG_RD_GZIP=y' "$OBJ/.config" ||
	{ echo "initramfs-test: the kernel needs BLK_DEV_INITRD and RD_GZIP" >&2; exit 2; }

W=$BUILD/initramfs-test
CONF=$W/conf
IMG=$W/initrd.img
LOG=$BUILD/logs/initramfs-test-$(date +%Y%m%d-%H%M%S).log
DEST=/etc/digest_lists
TAG=diglim-initramfs-test
rm -rf "$W"
mkdir -p "$W/src" "$W/lists" "$W/unsigned" "$W/tmp" "$W/x" "$BUILD/logs" \
	"$CONF/hooks" "$CONF/scripts/init-top" "$CONF/conf.d" || exit 1

. "$HERE/guest-tap.sh"

# host_state: what the package's configuration and the host's /boot hold,
# to compare before and after.
host_state() {
	ls -la --time-style=+%s /boot 2>&1
	find /etc/initramfs-tools /var/lib/initramfs-tools -printf '%p %s %T@\n' 2>&1 | sort
}
before=$(host_state)

# The lists: three, six distinct files, signed with the test IMA key (the
# CA the test kernels trust signed it).
mkdir -p "$W/src/tools" "$W/src/libs" "$W/src/conf"
echo tool-1 >"$W/src/tools/one"
echo tool-2 >"$W/src/tools/two"
echo lib-1 >"$W/src/libs/one"
echo lib-2 >"$W/src/libs/two"
echo lib-3 >"$W/src/libs/three"
echo conf-1 >"$W/src/conf/one"
NLISTS=3 NFILES=6
for l in 10-tools:tools 20-libs:libs 30-conf:conf; do
	"$TOOLS/diglim-gen" files -o "$W/lists/${l%%:*}" "$W/src/${l#*:}" >/dev/null &&
		"$TOOLS/diglim-sign" sign -k "$KEYS/ima.key" -c "$KEYS/ima.pem" \
			"$W/lists/${l%%:*}" ||
		{ echo "initramfs-test: cannot make the list ${l%%:*}" >&2; exit 1; }
done
# An unsigned list, for the hook's warning (run alone, outside mkinitramfs).
"$TOOLS/diglim-gen" files -o "$W/unsigned/10-unsigned" "$W/src/conf" >/dev/null || exit 1

# The private initramfs-tools configuration.
cat >"$CONF/initramfs.conf" <<-EOF
MODULES=list
BUSYBOX=y
COMPRESS=gzip
DEVICE=
NFSROOT=auto
RUNSIZE=10%
FSTYPE=auto
EOF
: >"$CONF/modules"
cp "$REPO/tools/diglim/initramfs/hooks/diglim" "$CONF/hooks/diglim" || exit 1
cat >"$CONF/diglim.conf" <<-EOF
LISTS_DIR=$W/lists
LISTS_DEST=$DEST
CERTS="$KEYS/ima.der:/etc/keys/x509_ima.der"
EOF
# Runs first in the initramfs: what DIGLIM holds, then power off.
cat >"$CONF/scripts/init-top/diglim-test" <<-'EOF'
#!/bin/sh
case "${1:-}" in prereqs) exit 0 ;; esac
T=diglim-initramfs-test
D=/sys/kernel/security/integrity/diglim
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
echo "$T: begin"
while read -r line; do echo "$T: count: $line"; done <$D/digests_count
for v in $D/digest_lists_loaded/*.ascii; do
	[ -e "$v" ] || continue
	read -r head <"$v"
	echo "$T: list: ${v##*/}: $head"
done
echo "$T: end"
poweroff -f
EOF
chmod 755 "$CONF/scripts/init-top/diglim-test"

echo "TAP version 13"
echo "1..9"

# 1. The hook alone, on an unsigned list: a warning naming it.
mkdir -p "$W/conf-unsigned"
printf 'LISTS_DIR=%s\nCERTS=\n' "$W/unsigned" >"$W/conf-unsigned/diglim.conf"
out=$(DESTDIR=$W/x CONFDIR=$W/conf-unsigned verbose=n "$CONF/hooks/diglim" 2>&1)
rc=$?
[ $rc = 0 ] && grep -qF "W: diglim: $W/unsigned/10-unsigned has no appended signature" <<<"$out" &&
	[ -f "$W/x$DEST/10-unsigned" ]
ok $? "the hook copies an unsigned list and warns about it"
[ $rc = 0 ] || printf '# %s\n' "$out"

# 2. mkinitramfs with the private configuration, the test kernel's
# .config as /boot/config-VERSION in a private mount namespace.
TMPDIR=$W/tmp unshare -m --propagation private sh -c '
	mount -t tmpfs diglim-boot /boot &&
	cp "$1" "/boot/config-$2" &&
	exec mkinitramfs -v -d "$3" -o "$4" "$2"' sh \
	"$OBJ/.config" "$VERSION" "$CONF" "$IMG" >"$W/mkinitramfs.log" 2>&1
rc=$?
[ $rc = 0 ] && [ -s "$IMG" ] && ! grep -q '^W: diglim' "$W/mkinitramfs.log"
ok $? "mkinitramfs -d CONF makes the image, no hook warning for signed lists"
if [ $rc != 0 ]; then
	echo "# mkinitramfs exit $rc; last lines of $W/mkinitramfs.log:"
	tail -n 15 "$W/mkinitramfs.log" | sed 's/^/# /'
fi
grep -E '^(W|E): ' "$W/mkinitramfs.log" | sort -u | sed 's/^/# mkinitramfs: /'

# 3, 4. What the image holds.
contents=$(lsinitramfs "$IMG" 2>/dev/null)
want=0
for l in 10-tools 20-libs 30-conf; do
	grep -qx "${DEST#/}/$l" <<<"$contents" || want=1
done
[ $want = 0 ] && grep -qx 'etc/keys/x509_ima.der' <<<"$contents"
ok $? "the image holds the $NLISTS lists in $DEST and the IMA certificate"
rm -rf "$W/x" && mkdir "$W/x" && unmkinitramfs "$IMG" "$W/x" 2>/dev/null
root=$W/x
[ -d "$W/x/main" ] && root=$W/x/main
good=0
for l in 10-tools 20-libs 30-conf; do
	cmp -s "$W/lists/$l" "$root$DEST/$l" &&
		"$TOOLS/diglim-sign" verify -c "$KEYS/ima.pem" "$root$DEST/$l" >/dev/null 2>&1 &&
		good=$((good + 1))
done
cmp -s "$KEYS/ima.der" "$root/etc/keys/x509_ima.der"
ok $(( $? + NLISTS - good )) "the lists in the image are the signed ones and verify ($good of $NLISTS)"

# 5-8. One boot with the image. The guest powers off after the test
# script; if it does not (no busybox poweroff, a panic before), it is
# stopped once the loader's line is there and nothing more came for 60 s,
# or at the timeout.
"$HERE/vm.sh" --kernel "$KERNEL" --initrd "$IMG" --quiet --log "$LOG" \
	--timeout "$TIMEOUT" -- true >"$W/vm.out" 2>&1 &
vm=$!
start=$SECONDS quiet_since=$SECONDS size=0
while kill -0 $vm 2>/dev/null; do
	sleep 2
	s=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
	[ "$s" != "$size" ] && size=$s quiet_since=$SECONDS
	if grep -q "^$TAG: end" "$LOG" 2>/dev/null ||
	   { grep -q 'diglim: loaded' "$LOG" 2>/dev/null && [ $((SECONDS - quiet_since)) -ge 60 ]; }; then
		sleep 10
		# vm.sh waits for its "timeout qemu" child: stop that child.
		for p in $(pgrep -P $vm -x timeout); do kill $p 2>/dev/null; done
		break
	fi
done
wait $vm
vmrc=$?
echo "# vm.sh exit $vmrc after $((SECONDS - start))s, console log $LOG"
# The console has CRs.
tr -d '\r' <"$LOG" >"$W/console.log"
line=$(grep -o 'diglim: loaded [0-9]* of [0-9]* digest lists from .*' "$W/console.log" | head -n 1)
echo "# console: ${line:-no loader line}"
[ "$line" = "diglim: loaded $NLISTS of $NLISTS digest lists from $DEST" ]
ok $? "the kernel's loader reads the initramfs: loaded $NLISTS of $NLISTS"
! grep -q "diglim: $DEST/.*: not loaded" "$W/console.log"
ok $? "no list is reported as not loaded"
grep "^$TAG: " "$W/console.log" | sed 's/^/# /'
count_of() { sed -n "s/^$TAG: count: $1 digests: //p" "$W/console.log"; }
[ "$(count_of 'Digest list')/$(count_of File)" = "$NLISTS/$NFILES" ]
ok $? "in the initramfs, DIGLIM holds $NLISTS lists and $NFILES file digests"
labels=$(sed -n "s/^$TAG: list: sha256-[0-9a-f]*-\([^ ]*\)\.ascii: actions: [0-9]*,.*/\1/p" \
	"$W/console.log" | sort | tr '\n' ' ')
[ "$labels" = "10-tools 20-libs 30-conf " ]
ok $? "each list is loaded under its file name, with its actions shown"

# 9. The host.
[ "$(host_state)" = "$before" ]
ok $? "the host's /boot and /etc/initramfs-tools are unchanged"

echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
