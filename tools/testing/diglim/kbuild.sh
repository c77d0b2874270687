#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - prepare, configure and build the kernel out of tree.
#
#   kbuild.sh src      unpack the kernel once, apply patches/, link new files
#   kbuild.sh config   tinyconfig + checked-in fragments, verify every symbol
#   kbuild.sh build    bzImage + installed UAPI headers
#   kbuild.sh selftests  build and install tools/testing/selftests/diglim
#   kbuild.sh tree-config  config alone, on $BUILD/linux as it is (no
#                          unpacking, patching or linking: bisect.sh)
#   kbuild.sh tree-build   config and bzImage, likewise
#
# Environment (set by the top-level Makefile):
#   REPO   the DIGLIM repository          BUILD  the build directory
#   KSRC   optional kernel tree to use    KTAR   kernel tarball (default)
#   FLAVOUR  debug (default) or bench     JOBS   parallel jobs
#   KCONFIG_UNDEFINED_OK=1  requested symbols that no Kconfig of the tree
#          defines (a patch later in the series adds them) are listed, not
#          an error (bisect.sh)
set -euo pipefail

REPO=${REPO:?}
BUILD=${BUILD:?}
KTAR=${KTAR:-/usr/src/linux-source-6.12.tar.xz}
KSRC=${KSRC:-}
FLAVOUR=${FLAVOUR:-debug}
JOBS=${JOBS:-$(nproc)}
SRC=$BUILD/linux
OBJ=$BUILD/obj-$FLAVOUR
CFGDIR=$REPO/tools/testing/diglim/configs

# Files and directories that DIGLIM adds to the kernel tree. They are linked,
# not copied, so an edit in the repository is what gets built.
NEW_PATHS=(
	include/uapi/linux/diglim.h
	include/linux/diglim.h
	security/integrity/diglim
	Documentation/security/diglim
	Documentation/ABI/testing/securityfs-diglim
	tools/testing/selftests/diglim
)

die() { echo "kbuild: error: $*" >&2; exit 1; }
say() { echo "kbuild: $*"; }

kmake() {
	local cc=gcc
	# ccache with base_dir: paths are hashed relative to the object
	# directory, so a fresh clone in another place hits the same cache.
	command -v ccache >/dev/null && cc="ccache gcc" &&
		export CCACHE_BASEDIR="$BUILD"
	make -C "$SRC" O="$OBJ" ARCH=x86_64 CC="$cc" HOSTCC="$cc" \
		KBUILD_BUILD_USER=diglim KBUILD_BUILD_HOST=vm \
		-j"$JOBS" "$@"
}

# progress LOG WHAT: read kbuild's quiet output ("  CC      path") on
# standard input, keep all of it in LOG and, on a terminal, show one
# updating line with the number of steps done and the elapsed time.
progress() {
	local log=$1 what=$2 n=0 start=$SECONDS line tty=0
	[ -t 2 ] && [ -z "${CI:-}" ] && tty=1
	: >"$log"
	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$log"
		case "$line" in
		"  "[A-Z]*) n=$((n + 1)) ;;
		*) continue ;;
		esac
		[ $tty = 1 ] && [ $((n % 10)) = 0 ] &&
			printf '\rkbuild: %s: %d objects, %dm%02ds ' "$what" "$n" \
				$(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)) >&2
	done
	[ $tty = 1 ] && printf '\r\033[K' >&2
	echo "kbuild: $what: $n objects in $(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s (log: $log)"
}

# kmake_logged WHAT TARGET...: kmake with the output in the build log and a
# progress line; on failure, the end of the log.
kmake_logged() {
	local what=$1 log=$BUILD/logs/kbuild-$FLAVOUR.log
	shift
	mkdir -p "$BUILD/logs"
	set +e
	kmake "$@" 2>&1 | progress "$log" "$what"
	local rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ]; then
		grep -E 'error|Error' "$log" | head -n 20 >&2
		echo "--- last lines of $log:" >&2
		tail -n 25 "$log" >&2
		die "$what failed (full output: $log)"
	fi
}

# Test keys, made once per build directory: a CA that the test kernels
# trust (CONFIG_SYSTEM_TRUSTED_KEYS) and an IMA key it signed, for the
# .ima keyring (CONFIG_INTEGRITY_TRUSTED_KEYRING). For tests only: the
# private keys sit unprotected in $BUILD/keys.
do_keys() {
	local k=$BUILD/keys
	mkdir -p "$k" "$OBJ/certs"
	if [ ! -s "$k/ima.der" ]; then
		say "generating the test CA and IMA key in $k"
		cat >"$k/ext.cnf" <<-EOF
		[req]
		distinguished_name = dn
		[dn]
		[diglim_ca]
		basicConstraints = critical, CA:TRUE
		keyUsage = critical, keyCertSign, digitalSignature
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid
		[diglim_ima]
		basicConstraints = critical, CA:FALSE
		keyUsage = critical, digitalSignature
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid
		EOF
		(
			cd "$k"
			openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 \
				-days 36500 -subj "/CN=DIGLIM test CA" \
				-extensions diglim_ca -config ext.cnf \
				-keyout ca.key -out ca.pem
			openssl req -new -newkey rsa:2048 -nodes -sha256 \
				-config ext.cnf \
				-subj "/CN=DIGLIM test IMA key" -keyout ima.key -out ima.csr
			openssl x509 -req -in ima.csr -CA ca.pem -CAkey ca.key \
				-CAcreateserial -days 36500 -sha256 \
				-extfile ext.cnf -extensions diglim_ima -out ima.pem
			openssl x509 -in ima.pem -outform DER -out ima.der
		) >"$k/openssl.log" 2>&1 || { cat "$k/openssl.log" >&2; die "test key generation failed"; }
	fi
	cmp -s "$k/ca.pem" "$OBJ/certs/diglim-test-ca.pem" ||
		cp "$k/ca.pem" "$OBJ/certs/diglim-test-ca.pem"
	cmp -s "$CFGDIR/blacklist-hashes" "$OBJ/certs/diglim-blacklist-hashes" ||
		cp "$CFGDIR/blacklist-hashes" "$OBJ/certs/diglim-blacklist-hashes"
}

src_identity() {
	if [ -n "$KSRC" ]; then
		echo "dir:$(cd "$KSRC" && pwd)"
	else
		echo "tar:$KTAR:$(stat -c %s:%Y "$KTAR")"
	fi
}

check_ksrc() {
	[ -d "$KSRC" ] || die "KSRC=$KSRC is not a directory"
	[ -f "$KSRC/Makefile" ] && grep -q '^PATCHLEVEL' "$KSRC/Makefile" ||
		die "KSRC=$KSRC does not look like a Linux source tree (no top-level Makefile with PATCHLEVEL)"
	[ -f "$KSRC/security/integrity/Makefile" ] ||
		die "KSRC=$KSRC has no security/integrity: not a usable kernel tree"
	[ -f "$KSRC/include/linux/kernel_read_file.h" ] ||
		die "KSRC=$KSRC has no include/linux/kernel_read_file.h (DIGLIM needs Linux >= 5.10)"
}

unpack() {
	local id t0
	id=$(src_identity)
	if [ -f "$SRC/.diglim-src" ] && [ "$(cat "$SRC/.diglim-src")" = "$id" ]; then
		return 0
	fi
	rm -rf "$SRC"
	mkdir -p "$SRC"
	t0=$SECONDS
	if [ -n "$KSRC" ]; then
		say "copying kernel tree from $KSRC"
		tar -C "$KSRC" --exclude=.git --exclude='*.o' --exclude='*.cmd' \
			-cf - . | tar -C "$SRC" -xf -
	else
		[ -f "$KTAR" ] || die "$KTAR not found (apt-get install linux-source-6.12, or set KSRC=)"
		say "unpacking $KTAR (about a minute)"
		tar -C "$SRC" --strip-components=1 -xf "$KTAR"
	fi
	say "unpacked in $((SECONDS - t0))s"
	# A git history with the pristine tree as its root lets "make patches"
	# and the series be checked with git am against exactly this base.
	say "recording the pristine tree (git, about a minute)"
	t0=$SECONDS
	(cd "$SRC" && git init -q && git add -f -A . &&
		git -c user.name=diglim -c user.email=diglim@localhost \
			commit -q -m "pristine base" && git tag pristine)
	say "recorded in $((SECONDS - t0))s"
	rm -f "$SRC/.diglim-series"
	echo "$id" >"$SRC/.diglim-src"
}

series_files() {
	grep -v '^#' "$REPO/patches/series" | awk 'NF { print $1 }' |
		while read -r p; do
			case "$p" in *.patch) echo "$REPO/patches/$p" ;; esac
		done
}

apply_series() {
	local sum
	sum=$(cat $(series_files) | sha256sum | cut -d' ' -f1)
	[ -f "$SRC/.diglim-series" ] && [ "$(cat "$SRC/.diglim-series")" = "$sum" ] &&
		return 0
	say "applying the patch series"
	(
		cd "$SRC"
		git am --abort >/dev/null 2>&1 || true
		git reset -q --hard pristine
		git -c user.name=diglim -c user.email=diglim@localhost \
			am -q $(series_files) ||
			{ git am --abort; exit 1; }
	) || die "the patch series does not apply to $SRC"
	echo "$sum" >"$SRC/.diglim-series"
}

# Mirror a repository path into the kernel tree with one symlink per file:
# a symlinked directory would make "../foo.h" resolve next to the repository
# copy instead of inside the kernel tree.
link_one() {
	local src=$1 dst=$2
	if [ -L "$dst" ]; then
		[ "$(readlink "$dst")" = "$src" ] && return 0
		rm -f "$dst"
	elif [ -e "$dst" ]; then
		die "$dst exists in the kernel tree: DIGLIM would shadow it"
	fi
	mkdir -p "$(dirname "$dst")"
	ln -s "$src" "$dst"
}

link_new_files() {
	local p f
	for p in "${NEW_PATHS[@]}"; do
		if [ -f "$REPO/$p" ]; then
			link_one "$REPO/$p" "$SRC/$p"
		elif [ -d "$REPO/$p" ]; then
			[ -L "$SRC/$p" ] && rm -f "$SRC/$p"
			# Drop links to files that no longer exist.
			[ -d "$SRC/$p" ] && find "$SRC/$p" -xtype l -delete
			(cd "$REPO" && find "$p" -type f ! -name '*.o' ! -name '.*.cmd' ! -name '*~') |
				while read -r f; do link_one "$REPO/$f" "$SRC/$f"; done
		fi
	done
}

do_src() {
	[ -n "$KSRC" ] && check_ksrc
	unpack
	apply_series
	link_new_files
}

fragments() {
	echo "$CFGDIR/base.config"
	[ "$FLAVOUR" = debug ] && echo "$CFGDIR/debug.config"
	[ "$FLAVOUR" = bench ] && echo "$CFGDIR/bench.config"
	echo "$CFGDIR/diglim.config"
	# The bench kernel runs no kselftest and must not get their fault
	# injection options.
	[ "$FLAVOUR" = bench ] || echo "$REPO/tools/testing/selftests/diglim/config"
}

do_config() {
	local frags sum missing=()
	mapfile -t frags < <(fragments | while read -r f; do [ -f "$f" ] && echo "$f"; done)
	sum=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
	mkdir -p "$OBJ"
	if [ -f "$OBJ/.config" ] && [ -f "$OBJ/.diglim-config" ] &&
	   [ "$(cat "$OBJ/.diglim-config")" = "$sum" ]; then
		kmake -s olddefconfig >/dev/null
		return 0
	fi
	say "configuring ($FLAVOUR): tinyconfig + ${frags[*]##*/}"
	kmake -s tinyconfig >/dev/null
	(cd "$OBJ" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" \
		"$OBJ/.config" "${frags[@]}" >/dev/null)
	kmake -s olddefconfig >/dev/null
	# merge_config.sh silently drops symbols whose dependencies are unmet:
	# check that every requested value is what .config ended up with.
	local line sym val
	while read -r line; do
		case "$line" in
		CONFIG_*=*)
			sym=${line%%=*}; val=${line#*=}
			if [ "$val" = n ]; then
				grep -q "^$sym=" "$OBJ/.config" && missing+=("$line")
			else
				grep -qxF "$sym=$val" "$OBJ/.config" || missing+=("$line")
			fi
			;;
		esac
	done < <(cat "${frags[@]}")
	if [ ${#missing[@]} -gt 0 ] && [ "${KCONFIG_UNDEFINED_OK:-0}" = 1 ]; then
		local defined undefined=() left=()
		defined=$(grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+' "$SRC" |
			awk '{ print "CONFIG_" $2 }' | sort -u)
		for line in "${missing[@]}"; do
			if grep -qxF "${line%%=*}" <<<"$defined"; then
				left+=("$line")
			else
				undefined+=("$line")
			fi
		done
		[ ${#undefined[@]} = 0 ] ||
			say "not in this tree's Kconfig, left out:" \
				$(printf '%s\n' "${undefined[@]}" | sort -u)
		# Configure again next time: a later tree may define them.
		rm -f "$OBJ/.diglim-config"
		[ ${#left[@]} -gt 0 ] || return 0
		missing=("${left[@]}")
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		echo "kbuild: error: these requested symbols did not land in $OBJ/.config:" >&2
		printf '  %s\n' "${missing[@]}" >&2
		rm -f "$OBJ/.diglim-config"
		exit 1
	fi
	echo "$sum" >"$OBJ/.diglim-config"
}

do_build() {
	do_keys
	say "building bzImage ($FLAVOUR) in $OBJ"
	kmake_logged "bzImage ($FLAVOUR)" bzImage
	kmake -s headers >/dev/null
	say "kernel: $OBJ/arch/x86/boot/bzImage ($(kmake -s kernelrelease))"
}

do_selftests() {
	local out=$BUILD/kselftest-$FLAVOUR t0=$SECONDS
	say "building selftests/diglim (about a minute; log: $out.log)"
	rm -rf "$out/install"
	make -s -C "$SRC/tools/testing/selftests" TARGETS=diglim \
		O="$out/obj" KHDR_INCLUDES="-isystem $OBJ/usr/include" \
		INSTALL_PATH="$out/install" install >"$out.log" 2>&1 ||
		{ cat "$out.log" >&2; die "selftests build failed"; }
	say "selftests: $out/install, built in $((SECONDS - t0))s"
}

mkdir -p "$BUILD"
exec 9>"$BUILD/.kbuild.lock"
flock 9
for step in "$@"; do
	case "$step" in
	src) do_src ;;
	config) do_src; do_config ;;
	build) do_src; do_config; do_build ;;
	selftests) do_selftests ;;
	tree-config) do_config ;;
	tree-build) do_config; do_build ;;
	*) die "unknown step $step" ;;
	esac
done
