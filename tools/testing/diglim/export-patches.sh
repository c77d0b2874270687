#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - "make patches": export the series, with the new files folded into
# the commits that patches/series assigns them to, as git format-patch output
# against the pristine base, check that it applies with git am to a fresh
# checkout of the base, then run checkpatch.pl --strict over it. Exits 1 on
# any checkpatch finding that patches/checkpatch-accepted does not accept.
#
#   export-patches.sh             the above, into $BUILD/patches
#   export-patches.sh --fold DIR  only make the commits, one per series line,
#                                 on the branch checked out in the git tree
#                                 DIR (at the pristine base); for bisect.sh
set -euo pipefail

REPO=${REPO:?}
BUILD=${BUILD:?}
SRC=$BUILD/linux
W=$BUILD/export/tree
OUTDIR=$BUILD/patches
ACCEPTED=$REPO/patches/checkpatch-accepted

die() { echo "patches: error: $*" >&2; exit 1; }

export GIT_AUTHOR_NAME="DIGLIM developers" GIT_AUTHOR_EMAIL=diglim@lists.linux.dev
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

# fold_series W: on the checked-out branch of W, one commit per line of
# patches/series: the patch applied with git am, plus the new files that
# the line names, exactly as git tracks them in the repository.
fold_series() {
	local W=$1
	grep -v '^#' "$REPO/patches/series" | awk 'NF' | while read -r patch paths; do
		case "$patch" in
		*.patch) git -C "$W" am -q "$REPO/patches/$patch" || die "$patch does not apply" ;;
		*.msg) ;;
		*) die "bad series line: $patch" ;;
		esac
		[ -n "$paths" ] || continue
		for p in $paths; do
			[ -e "$REPO/$p" ] || die "$p (named in series) does not exist"
			mkdir -p "$W/$(dirname "$p")"
			rm -rf "${W:?}/$p"
			# Only what git tracks in the repository (no editor or build droppings).
			(cd "$REPO" && git ls-files -co --exclude-standard -- "$p") |
				while read -r f; do
					mkdir -p "$W/$(dirname "$f")"
					cp -a "$REPO/$f" "$W/$f"
				done
			git -C "$W" add -f -- "$p"
		done
		case "$patch" in
		*.patch) git -C "$W" commit -q --amend --no-edit ;;
		*.msg) git -C "$W" commit -q -s -F "$REPO/patches/$patch" ;;
		esac
	done
}

if [ "${1:-}" = --fold ]; then
	[ $# = 2 ] || die "usage: export-patches.sh [--fold DIR]"
	fold_series "$2"
	exit 0
fi

rm -rf "$BUILD/export" "$OUTDIR"
mkdir -p "$BUILD/export"
git clone -q --shared --no-checkout "$SRC" "$W"
git -C "$W" checkout -q -b diglim pristine
fold_series "$W"

n=$(git -C "$W" rev-list --count pristine..diglim)
git -C "$W" format-patch -q --cover-letter -o "$OUTDIR" pristine
cover=$(ls "$OUTDIR"/0000-cover-letter.patch)
python3 - "$cover" "$REPO/patches/cover-letter.txt" <<'PY'
import sys
cover, text = sys.argv[1], open(sys.argv[2]).read()
subject, _, body = text.partition('\n')
s = open(cover).read()
s = s.replace('*** SUBJECT HERE ***', subject.strip())
s = s.replace('*** BLURB HERE ***', body.strip('\n'))
open(cover, 'w').write(s)
PY
echo "patches: $n patches + cover letter in $OUTDIR"

# The series must apply with git am to a clean checkout of the base.
rm -rf "$BUILD/export/verify"
git clone -q --shared --no-checkout "$SRC" "$BUILD/export/verify"
git -C "$BUILD/export/verify" checkout -q -b verify pristine
git -C "$BUILD/export/verify" am -q $(ls "$OUTDIR"/*.patch | grep -v 0000-cover) ||
	die "the exported series does not apply with git am"
echo "patches: the series applies with git am to the pristine base"

# checkpatch --strict on each patch; the findings patches/checkpatch-accepted
# lists as false positives are shown as accepted, any other fails.
status=0 used=$BUILD/export/accepted-used
: >"$used"
for p in "$OUTDIR"/*.patch; do
	case "$p" in *0000-cover-letter.patch) continue ;; esac
	# Debian's python3 (with python3-ply, python3-git) for spdxcheck.py.
	out=$(PATH=/usr/bin:/bin:$PATH "$SRC/scripts/checkpatch.pl" --strict --terse --no-summary \
		--show-types --root="$W" "$p" 2>&1) || true
	rc=0
	res=$(printf '%s\n' "$out" |
		python3 "$REPO/tools/testing/diglim/checkpatch-accept.py" "$ACCEPTED" "$p" "$used") ||
		rc=$?
	case "$rc" in
	0) [ -z "$res" ] && echo "checkpatch: $(basename "$p"): clean" ||
		echo "checkpatch: $(basename "$p"): clean, $(printf '%s\n' "$res" | grep -c '^accepted: ') accepted" ;;
	1) echo "checkpatch: $(basename "$p"): new findings"; status=1 ;;
	*) die "checkpatch-accept.py failed on $(basename "$p")" ;;
	esac
	[ -z "$res" ] || printf '%s\n' "$res" | sed 's/^/  /'
done

# Entries that accept nothing any more should go.
grep -n . "$ACCEPTED" | grep -v '^[0-9]*:#' | cut -d: -f1 |
	while read -r nr; do
		grep -qx "$nr" "$used" ||
			echo "checkpatch: warning: $(basename "$ACCEPTED"):$nr accepts no finding: remove it?"
	done
if [ $status = 0 ]; then
	echo "patches: checkpatch --strict: no finding beyond the $(sort -u "$used" | wc -l) accepted in $(basename "$ACCEPTED")"
else
	echo "patches: checkpatch --strict: new findings (fix them; only false positives go in $ACCEPTED)" >&2
fi
exit $status
