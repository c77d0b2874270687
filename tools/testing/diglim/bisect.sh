#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - "make bisect": check that the series is bisectable, i.e. that the
# kernel builds after each patch. The series is folded exactly as "make
# patches" exports it (export-patches.sh --fold: each patch with the new
# files patches/series assigns to it) onto the pristine base in a tree of
# its own, $BUILD/bisect/linux, and the debug configuration (kbuild.sh's
# fragments) is built in $BUILD/bisect/obj-debug after each patch in turn,
# incrementally and with ccache. Config symbols that the tree does not
# define yet (a later patch adds them) are left out, except after the last
# patch, where every requested symbol must land in .config.
#
# Prints one line per patch with the time its build took, and exits 1 at
# the first patch that does not build (its log: $BUILD/bisect/logs), 0 if
# all of them build. Long (one debug build per patch): not part of make
# check; run it niced next to other work: nice -n 19 make bisect.
#
#   bisect.sh           fold and build
#   bisect.sh --list    fold only, and list the commits that would be built
set -euo pipefail

REPO=${REPO:?}
BUILD=${BUILD:?}
SRC=$BUILD/linux
B=$BUILD/bisect
W=$B/linux
T=$REPO/tools/testing/diglim

die() { echo "bisect: error: $*" >&2; exit 2; }
# What bisect says is also kept in $B/logs/summary.log.
say() { echo "bisect: $*" | tee -a "$B/logs/summary.log"; }
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

git -C "$SRC" rev-parse -q --verify pristine >/dev/null ||
	die "no pristine kernel tree in $SRC (make kernel or make patches)"
mkdir -p "$B/logs"
exec 9>"$B/.bisect.lock"
flock -n 9 || die "another bisect runs in $B"
: >"$B/logs/summary.log"

start=$SECONDS

# A tree of our own (a local clone: its objects are hard links), back at
# the pristine base.
base=$(git -C "$SRC" rev-parse pristine)
if [ "$(git -C "$W" rev-parse -q --verify pristine 2>/dev/null)" != "$base" ]; then
	say "cloning the pristine tree into $W"
	rm -rf "$W"
	git clone -q --no-checkout "$SRC" "$W"
fi
git -C "$W" am --abort >/dev/null 2>&1 || true
git -C "$W" checkout -q -f -B diglim pristine
git -C "$W" clean -q -fdx

# The series, one commit per line of patches/series.
REPO=$REPO BUILD=$BUILD "$T/export-patches.sh" --fold "$W" >"$B/logs/fold.log" 2>&1 ||
	{ cat "$B/logs/fold.log" >&2; die "the series does not fold onto the pristine base"; }
mapfile -t commits < <(git -C "$W" rev-list --reverse pristine..diglim)
n=${#commits[@]}
[ "$n" -gt 0 ] || die "empty series"
say "$n patches folded onto the pristine base in $W ($(mmss $((SECONDS - start))))"
if [ "${1:-}" = --list ]; then
	git -C "$W" log --reverse --format='%h %s' pristine..diglim
	exit 0
fi

i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	subject=$(git -C "$W" log -1 --format=%s "$c")
	log=$B/logs/$(printf '%02d' "$i").log
	git -C "$W" checkout -q --detach "$c"
	lax=1
	[ "$i" = "$n" ] && lax=0
	t0=$SECONDS
	if REPO=$REPO BUILD=$B FLAVOUR=debug KCONFIG_UNDEFINED_OK=$lax \
		"$T/kbuild.sh" tree-build >"$log" 2>&1; then
		say "$(printf '%2d/%d  ok      %8s  %s' "$i" "$n" "$(mmss $((SECONDS - t0)))" "$subject")"
	else
		say "$(printf '%2d/%d  FAILED  %8s  %s' "$i" "$n" "$(mmss $((SECONDS - t0)))" "$subject")"
		echo "--- last lines of $log:" >&2
		tail -n 30 "$log" >&2
		say "first patch that does not build: $i/$n \"$subject\" (log: $log)"
		say "total $(mmss $((SECONDS - start)))"
		exit 1
	fi
done
say "all $n patches build (total $(mmss $((SECONDS - start))))"
