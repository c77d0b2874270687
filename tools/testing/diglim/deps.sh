#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - install the Debian 12 packages the project needs. Idempotent and
# quiet when everything is already there.
set -euo pipefail

PKGS=(
	# kernel build
	make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio kmod
	xz-utils perl python3 git ccache linux-source-6.12
	# the VM: QEMU, software TPM, guest tools
	qemu-system-x86 swtpm swtpm-tools tpm2-tools busybox-static
	ima-evm-utils openssl util-linux keyutils attr
	# selftests and user-space tools
	pkg-config libtss2-dev libcap-dev
	# tools/diglim: librpm, rpmbuild for its tests, rst2man for man pages
	librpm-dev rpm python3-docutils
	# make fuzz: clang with libFuzzer and the sanitizer runtimes
	clang libclang-rt-14-dev
	# make bench: perf in the guest, for the profiles of missed targets
	linux-perf
	# checkpatch.pl (spdxcheck.py) for make patches
	python3-ply python3-git
)

missing=()
for p in "${PKGS[@]}"; do
	case "$p" in \#*) continue ;; esac
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
