#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - "make doccheck": the documentation checks of "make htmldocs",
# without Sphinx, on DIGLIM's documentation and sources:
#
#   - scripts/kernel-doc -none -Wall on every DIGLIM source and header (the
#     kernel-doc comments, as "make W=2" checks them);
#   - scripts/get_abi.pl validate on Documentation/ABI/testing/securityfs-diglim,
#     and its rst rendering parsed with docutils;
#   - every .rst of Documentation/security/diglim parsed with docutils, its
#     :doc:/:ref: targets and toctrees resolved, and each kernel-doc
#     directive run as Sphinx runs it, its output parsed too (rstcheck.py);
#   - the series adds diglim/index to Documentation/security/index.rst.
#
# Any warning fails (exit 1). Needs the kernel tree ($BUILD/linux, "make
# kernel" or "make patches" unpacks it) for its scripts, and python3-docutils.
set -euo pipefail

REPO=${REPO:?}
BUILD=${BUILD:?}
SRC=$BUILD/linux
T=$REPO/tools/testing/diglim

die() { echo "doccheck: error: $*" >&2; exit 2; }

[ -x "$SRC/scripts/kernel-doc" ] || die "no kernel tree in $SRC (make kernel)"
python3 -c 'import docutils' 2>/dev/null ||
	die "python3-docutils is not installed (make deps)"
cd "$REPO"

status=0
fail() { status=1; }

# kernel-doc on every source and header, as "make W=2" would.
mapfile -t sources < <(git ls-files -co --exclude-standard -- \
	'security/integrity/diglim/*.[ch]' include/linux/diglim.h \
	include/uapi/linux/diglim.h)
out=$(for f in "${sources[@]}"; do "$SRC/scripts/kernel-doc" -none -Wall "$f"; done 2>&1)
if [ -n "$out" ]; then
	echo "doccheck: kernel-doc:"
	printf '%s\n' "$out" | sed 's/^/  /'
	fail
else
	echo "doccheck: kernel-doc -none -Wall: ${#sources[@]} files, no warning"
fi

# The ABI file, alone in a directory laid out as Documentation/ABI.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
abi=Documentation/ABI/testing/securityfs-diglim
mkdir -p "$tmp/ABI/testing"
cp "$abi" "$tmp/ABI/testing/"
out=$("$SRC/scripts/get_abi.pl" validate --dir "$tmp/ABI" 2>&1) || fail
"$SRC/scripts/get_abi.pl" rest --dir "$tmp/ABI" >"$tmp/abi.rst" 2>"$tmp/abi.err" || fail
out+=$(cat "$tmp/abi.err")
if [ -n "$out" ]; then
	echo "doccheck: get_abi.pl on $abi:"
	printf '%s\n' "$out" | sed 's/^/  /'
	fail
else
	echo "doccheck: get_abi.pl validate: $abi, no warning"
fi

# The rst, as Sphinx would read it.
mapfile -t docs < <(git ls-files -co --exclude-standard -- 'Documentation/security/diglim/*.rst')
if out=$(python3 "$T/rstcheck.py" --ktree "$SRC" --kernel-doc "$SRC/scripts/kernel-doc" \
		--toctree-root Documentation/security/diglim/index.rst \
		--generated "$abi:$tmp/abi.rst" "${docs[@]}"); then
	echo "doccheck: docutils: ${#docs[@]} documents and the ABI file, no warning"
else
	echo "doccheck: docutils:"
	printf '%s\n' "$out" | sed 's/^/  /'
	fail
fi

# The DIGLIM index must be in the toctree of Documentation/security.
if grep -l '^+++ b/Documentation/security/index.rst' patches/*.patch 2>/dev/null |
	xargs -r grep -q '^+ *diglim/index$'; then
	echo "doccheck: the series adds diglim/index to Documentation/security/index.rst"
else
	echo "doccheck: no patch adds diglim/index to Documentation/security/index.rst"
	fail
fi

[ $status = 0 ] && echo "doccheck: clean" || echo "doccheck: warnings (above)" >&2
exit $status
