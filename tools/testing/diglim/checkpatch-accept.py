#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - split checkpatch.pl findings on a patch into accepted and new.
#
#   checkpatch-accept.py ACCEPTED PATCH USED < findings
#
# The findings are checkpatch's output with --terse --show-types on PATCH.
# ACCEPTED is patches/checkpatch-accepted (its header describes the format).
# Prints each new finding as checkpatch reported it, each accepted one as
# "accepted: ..." with the line of ACCEPTED that accepts it, appends the
# line numbers of the entries used to the file USED, and exits 1 if there is
# a new finding.
# Anything that does not parse as a finding (a Perl warning, say) is new.

import fnmatch
import re
import sys

FINDING = re.compile(
    r'^(?P<file>[^:]+):(?P<line>\d+): (?P<level>ERROR|WARNING|CHECK):'
    r'(?P<type>[A-Z0-9_]+): (?P<msg>.*)$')
SEP = re.compile(r'\s+\|\s+')


def die(msg):
    print(f'checkpatch-accept: {msg}', file=sys.stderr)
    sys.exit(2)


def read_accepted(path):
    entries = []
    with open(path) as f:
        for nr, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            fields = SEP.split(line, maxsplit=3)
            if len(fields) != 4 or not all(fields):
                die(f'{path}:{nr}: expected TYPE | WHERE | PATTERN | REASON')
            typ, where, pattern, reason = fields
            try:
                regex = re.compile(pattern)
            except re.error as e:
                die(f'{path}:{nr}: bad pattern {pattern!r}: {e}')
            entries.append((nr, typ, where, regex, reason))
    return entries


def read_patch(path):
    """The patch's lines, subject, and for each line the file it patches."""
    with open(path, errors='replace') as f:
        lines = f.read().split('\n')
    subject, files, cur = '', [], ''
    for line in lines:
        if not subject and line.startswith('Subject: '):
            subject = re.sub(r'^\[PATCH[^]]*\]\s*', '', line[9:])
        if line.startswith('+++ '):
            cur = line[4:].split('\t')[0]
            cur = cur[2:] if cur.startswith('b/') else cur
        files.append(cur)
    return lines, subject, files


def main():
    if len(sys.argv) != 4:
        die('usage: checkpatch-accept.py ACCEPTED PATCH USED < findings')
    entries = read_accepted(sys.argv[1])
    lines, subject, files = read_patch(sys.argv[2])
    name = sys.argv[1].split('/')[-1]
    used, new = set(), 0
    for finding in sys.stdin.read().splitlines():
        if not finding.strip():
            continue
        m = FINDING.match(finding)
        entry = None
        if m:
            n = int(m['line'])
            path = files[n - 1] if 0 < n <= len(files) else ''
            text = lines[n - 1] if 0 < n <= len(lines) else ''
            for e in entries:
                nr, typ, where, regex, reason = e
                if typ != m['type']:
                    continue
                if not (fnmatch.fnmatchcase(path, where) or
                        fnmatch.fnmatchcase(subject, where)):
                    continue
                if regex.search(m['msg']) or regex.search(text):
                    entry = e
                    break
        if entry:
            used.add(entry[0])
            where = f'{path}: ' if path else ''
            print(f'accepted: {where}{m["level"]}:{m["type"]}: {m["msg"]}'
                  f' [{name}:{entry[0]}]')
        else:
            new += 1
            print(finding)
    with open(sys.argv[3], 'a') as f:
        for nr in sorted(used):
            f.write(f'{nr}\n')
    sys.exit(1 if new else 0)


if __name__ == '__main__':
    main()
