#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - install the Debian 12 packages the project needs, or check that
# the commands it runs are there.
#
#   deps.sh [GROUP...]          install the packages of GROUP (default: all)
#   deps.sh --check GROUP...    check the commands of GROUP; on the first
#                               missing one, print one line naming it and
#                               its package, and exit 1
#
# Groups: tools (build diglim-gen, diglim-sign, diglimctl), kernel (unpack,
# patch, build the kernel and the kselftests), vm (QEMU, swtpm and what the
# guest runs: the guest runs the host's programs), test (the host tests of
# make check: fuzzer, tool tests), bench (make bench), patches (make
# patches); initramfs (make initramfs-test) is installed only when named,
# not by default. Installing is idempotent and quiet when everything is there;
# packages are installed without Recommends, so each list names everything
# a step runs.
set -euo pipefail

TOOLS_PKGS=(
	# compiler, libcrypto, librpm, tpm2-tss (the verifier), man pages
	gcc make libc6-dev pkg-config libssl-dev librpm-dev libtss2-dev
	python3-docutils
)
KERNEL_PKGS=(
	# kbuild: gawk for certs/check-blacklist-hashes.awk, openssl for the
	# test CA, rsync for the kselftest install step
	make gcc libc6-dev flex bison bc gawk libelf-dev libssl-dev cpio kmod
	xz-utils perl python3 git ccache openssl rsync linux-source-6.12
	# selftests: libcap, tpm2-tss
	libcap-dev libtss2-dev pkg-config
)
VM_PKGS=(
	# QEMU, the software TPM and what the guest runs
	qemu-system-x86 swtpm swtpm-tools tpm2-tools libtss2-tcti-swtpm0
	ima-evm-utils openssl util-linux keyutils attr busybox-static
	# the sealed secret of make demo
	clevis clevis-tpm2
)
TEST_PKGS=(
	# host tests of the tools: rpmbuild, a software TPM for the verifier;
	# make fuzz: clang with libFuzzer and the sanitizer runtimes
	rpm swtpm swtpm-tools tpm2-tools libtss2-tcti-swtpm0 python3 openssl
	clang libclang-rt-14-dev
)
BENCH_PKGS=(
	# perf in the guest, for the profiles of missed targets
	linux-perf python3
)
INITRAMFS_PKGS=(
	# mkinitramfs for make initramfs-test; with no kernel in /boot its
	# postinst and trigger build nothing, and the test uses a private
	# configuration directory, never /etc/initramfs-tools
	initramfs-tools
)
PATCHES_PKGS=(
	# checkpatch.pl (spdxcheck.py) for make patches, docutils for make
	# doccheck
	perl python3 python3-ply python3-git git python3-docutils
)

# command package groups: what each step runs, and where it comes from.
# "pkgconfig:<module>" checks a library with pkg-config, "file:<path>" a
# file, anything else a command on PATH.
COMMANDS='
gcc		gcc		tools kernel
make		make		tools kernel
pkg-config	pkg-config	tools kernel
pkgconfig:libcrypto libssl-dev	tools kernel
pkgconfig:rpm	librpm-dev	tools
pkgconfig:tss2-mu libtss2-dev	tools kernel
rst2man		python3-docutils tools patches
flex		flex		kernel
bison		bison		kernel
bc		bc		kernel
gawk		gawk		kernel
pkgconfig:libelf libelf-dev	kernel
pkgconfig:libcap libcap-dev	kernel
cpio		cpio		kernel
xz		xz-utils	kernel
perl		perl		kernel patches
python3		python3		kernel test bench patches
git		git		kernel patches
openssl		openssl		kernel vm test
rsync		rsync		kernel
qemu-system-x86_64 qemu-system-x86 vm
swtpm		swtpm		vm test
swtpm_setup	swtpm-tools	vm
tpm2_pcrread	tpm2-tools	vm test
file:/usr/lib/x86_64-linux-gnu/libtss2-tcti-swtpm.so.0 libtss2-tcti-swtpm0 vm test
evmctl		ima-evm-utils	vm
keyctl		keyutils	vm
getfattr	attr		vm
setpriv		util-linux	vm
busybox		busybox-static	vm
clevis		clevis		vm
clevis-encrypt-tpm2 clevis-tpm2	vm
rpmbuild	rpm		test
clang		clang		test
perf		linux-perf	bench
mkinitramfs	initramfs-tools	initramfs
'

check() {
	local want=" $* " line what pkg groups g how
	while read -r what pkg groups; do
		[ -n "$what" ] || continue
		for g in $groups; do
			case "$want" in *" $g "*) ;; *) continue ;; esac
			# make deps installs every group but initramfs.
			how="run make deps"
			[ "$g" = initramfs ] &&
				how="run tools/testing/diglim/deps.sh initramfs"
			case "$what" in
			pkgconfig:*)
				command -v pkg-config >/dev/null &&
					pkg-config --exists "${what#pkgconfig:}" && continue
				echo "diglim: missing library ${what#pkgconfig:} (Debian package $pkg): $how" >&2
				;;
			file:*)
				[ -e "${what#file:}" ] && continue
				echo "diglim: missing ${what#file:} (Debian package $pkg): $how" >&2
				;;
			*)
				command -v "$what" >/dev/null && continue
				echo "diglim: missing command $what (Debian package $pkg): $how" >&2
				;;
			esac
			exit 1
		done
	done <<<"$COMMANDS"
	exit 0
}

if [ "${1:-}" = --check ]; then
	shift
	check "$@"
fi

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(tools kernel vm test bench patches)
pkgs=()
for g in "${groups[@]}"; do
	case "$g" in
	tools) pkgs+=("${TOOLS_PKGS[@]}") ;;
	kernel) pkgs+=("${KERNEL_PKGS[@]}") ;;
	vm) pkgs+=("${VM_PKGS[@]}") ;;
	test) pkgs+=("${TEST_PKGS[@]}") ;;
	bench) pkgs+=("${BENCH_PKGS[@]}") ;;
	patches) pkgs+=("${PATCHES_PKGS[@]}") ;;
	initramfs) pkgs+=("${INITRAMFS_PKGS[@]}") ;;
	*) echo "deps: unknown group $g" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	case " ${missing[*]} " in *" $p "*) continue ;; esac
	dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps: run as root or install sudo" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
