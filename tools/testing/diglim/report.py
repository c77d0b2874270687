#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - turn the results of a "make check" VM run into a per-test summary.
#
# Inputs: the guest's result directory (one TAP file and exit status per
# kselftest, kmemleak report, dmesg), the console log (KUnit KTAP, splats)
# and the list of kselftests that should have run. A test that should have
# run but left no result counts as failed; so does every splat.
"""Summarise KUnit, kselftest and splat results; exit 1 on any failure."""

import argparse
import os
import re
import sys

TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(not ok|ok) (\d+) ?(?:- )?(.*?)(?: # (SKIP|skip|TODO)\b ?(.*))?$')
SPLATS = [
    re.compile(p) for p in (
        r'BUG: ',
        r'WARNING: ',
        r'kernel BUG at',
        r'Kernel panic',
        r'Oops: ',
        r'general protection fault',
        r'UBSAN: ',
        r'list_(add|del) corruption',
        r'rcu: INFO: ',
        r'INFO: rcu_\w+ (self-)?detected stall',
        r'INFO: task .* blocked for more than',
        r'Call Trace:',
    )
]


# Messages that come with a stack dump when a failure was injected on purpose.
EXPECTED_TRACES = (
    'FAULT_INJECTION: forcing a failure',
    'vmalloc error: ',
    'page allocation failure: ',
    'kmemleak: Cannot allocate a scan area',
)


class Report:
    def __init__(self):
        self.rows = []

    def add(self, status, name, why=''):
        self.rows.append((status, name, why))

    def counts(self):
        c = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
        for status, _, _ in self.rows:
            c[status] += 1
        return c


def console_lines(path):
    try:
        with open(path, errors='replace') as f:
            for line in f:
                yield TS.sub('', line.rstrip('\r\n'))
    except OSError:
        return


def parse_kunit(lines, rep):
    """KUnit KTAP on the console: suites at indent 4, cases at indent 4 inside."""
    suite = None
    found = 0
    for line in lines:
        stripped = line.lstrip(' ')
        indent = len(line) - len(stripped)
        m = re.match(r'^# Subtest: (\S+)', stripped)
        if m and indent == 4:
            suite = m.group(1)
            continue
        m = RESULT.match(stripped)
        if not m or suite is None:
            continue
        if indent == 4:
            name = 'kunit/%s/%s' % (suite, m.group(3))
            found += 1
            if m.group(4):
                rep.add('SKIP', name, m.group(5) or '')
            elif m.group(1) == 'ok':
                rep.add('PASS', name)
            else:
                rep.add('FAIL', name)
        elif indent == 0 and m.group(3) == suite:
            suite = None
    return found


def parse_tap_file(path, prefix, rep):
    """kselftest_harness TAP: top-level "ok N fixture.test" lines."""
    plan = None
    seen = 0
    failed = 0
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = re.match(r'^1\.\.(\d+)', line)
            if m:
                plan = int(m.group(1))
                continue
            m = RESULT.match(line)
            if not m:
                continue
            seen += 1
            name = '%s/%s' % (prefix, m.group(3))
            if m.group(4) and m.group(4).lower() == 'skip':
                rep.add('SKIP', name, m.group(5) or '')
            elif m.group(1) == 'ok':
                rep.add('PASS', name)
            else:
                failed += 1
                rep.add('FAIL', name)
    return plan, seen, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--results', required=True)
    ap.add_argument('--console', required=True)
    ap.add_argument('--kselftests', required=True)
    ap.add_argument('--vm-status', type=int, default=0)
    args = ap.parse_args()

    rep = Report()
    res = args.results
    console = list(console_lines(args.console))

    # KUnit suites run at boot, before the payload.
    if parse_kunit(console, rep) == 0:
        rep.add('FAIL', 'kunit', 'no KUnit results on the console')

    # kselftests: every one listed must have left a result.
    listing = os.path.join(args.kselftests, 'kselftest-list.txt')
    try:
        with open(listing) as f:
            tests = [l.strip().split(':', 1) for l in f if ':' in l]
    except OSError:
        tests = []
        rep.add('FAIL', 'kselftest', 'no %s' % listing)
    for coll, test in tests:
        prefix = 'kselftest/%s/%s' % (coll, test)
        base = os.path.join(res, 'ks-%s-%s' % (coll, test))
        if not os.path.exists(base + '.tap') or not os.path.exists(base + '.rc'):
            rep.add('FAIL', prefix, 'did not run (guest crashed or timed out?)')
            continue
        rc = int(open(base + '.rc').read().strip() or 1)
        plan, seen, failed = parse_tap_file(base + '.tap', prefix, rep)
        if rc == 4 and seen == 0:
            rep.add('SKIP', prefix, 'whole program skipped')
            continue
        if plan is not None and seen < plan:
            for i in range(seen, plan):
                rep.add('FAIL', '%s/#%d' % (prefix, i + 1), 'no result (crashed?)')
        if rc != 0 and failed == 0:
            rep.add('FAIL', prefix, 'exit status %d' % rc)
        if seen == 0 and plan is None:
            rep.add('FAIL', prefix, 'no TAP output')

    # Steps run on the host before the VM, and in the guest after the
    # kselftests: TAP on their standard output, an exit status beside it.
    for kind in ('host', 'vm'):
        for tap in sorted(f for f in os.listdir(res)
                          if f.startswith(kind + '-') and f.endswith('.tap')):
            step = tap[len(kind) + 1:-len('.tap')]
            prefix = '%s/%s' % (kind, step)
            base = os.path.join(res, tap[:-len('.tap')])
            try:
                rc = int(open(base + '.rc').read().strip())
            except (OSError, ValueError):
                rep.add('FAIL', prefix, 'no exit status (killed?)')
                continue
            plan, seen, failed = parse_tap_file(base + '.tap', prefix, rep)
            if rc == 4 and seen == 0:
                rep.add('SKIP', prefix, 'whole step skipped')
                continue
            if plan is not None and seen < plan:
                rep.add('FAIL', prefix, '%d of %d results missing' % (plan - seen, plan))
            if rc != 0 and failed == 0:
                rep.add('FAIL', prefix, 'exit status %d, see %s.err' % (rc, base))
            if seen == 0 and rc == 0:
                rep.add('FAIL', prefix, 'no TAP output')

    # Splats anywhere in the console log.
    splats = []
    injected = -100
    for i, line in enumerate(console):
        # The fault-injection library dumps the stack of every failure it
        # forces on purpose: that trace is expected, not a splat.
        # So do the allocation-failure reports that follow such a failure.
        if any(m in line for m in EXPECTED_TRACES):
            injected = i
            continue
        if 'Call Trace:' in line and i - injected < 12:
            continue
        for pat in SPLATS:
            if pat.search(line):
                splats.append((i, line.strip()))
                break
    reported = set()
    for i, line in splats:
        # One failure per splat, not per line of its backtrace.
        if any(abs(i - j) < 40 for j in reported):
            continue
        reported.add(i)
        rep.add('FAIL', 'splat', line[:160])

    # An injected failure must not have switched kmemleak off silently.
    if any('Kernel memory leak detector disabled' in l for l in console):
        rep.add('FAIL', 'kmemleak', 'kmemleak disabled itself during the run')
    leak = os.path.join(res, 'kmemleak.txt')
    if os.path.exists(leak):
        n = sum(1 for l in open(leak, errors='replace') if 'unreferenced object' in l)
        if n:
            rep.add('FAIL', 'kmemleak', '%d unreferenced object(s), see %s' % (n, leak))
        else:
            rep.add('PASS', 'kmemleak/scan')
    elif not os.path.exists(os.path.join(res, 'kmemleak.unavailable')):
        rep.add('FAIL', 'kmemleak', 'no kmemleak report (payload did not finish)')

    if args.vm_status == 124:
        rep.add('FAIL', 'vm', 'guest timed out')
    elif args.vm_status == 125:
        rep.add('FAIL', 'vm', 'guest died before the payload finished')
    if not os.path.exists(os.path.join(res, 'check-complete')):
        rep.add('FAIL', 'vm', 'the test payload did not complete')

    for status, name, why in rep.rows:
        print('%-4s %s%s' % (status, name, ('  (%s)' % why) if why else ''))
    c = rep.counts()
    print('console log: %s' % args.console)
    print('%d passed, %d failed, %d skipped' % (c['PASS'], c['FAIL'], c['SKIP']))
    return 1 if c['FAIL'] or not c['PASS'] else 0


if __name__ == '__main__':
    sys.exit(main())
