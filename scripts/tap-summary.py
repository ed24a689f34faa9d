#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tap-summary.py DIR|FILE...: count the top-level TAP results of every *.tap
file below the given directories (and of the given files) and print the failures, then one closing line
'N passed, N failed, N skipped'.  A test program that exited non-zero
without reporting a failure (a crash, a timeout) counts as a failure; so
does a TAP file that announced more results than it gave, one without a
plan (empty, or cut short before its plan), and a "1..0" without a SKIP
reason."""
import os
import re
import sys

RESULT = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)(.*)$')


def scan(path):
    passed = failed = skipped = 0
    fails = []
    planned = None
    seen = 0
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\r\n')
            m = PLAN.match(line)
            if m and planned is None:
                planned = int(m.group(1))
                if planned == 0 and 'SKIP' in m.group(2):
                    skipped += 1
                continue
            m = RESULT.match(line)
            if not m:
                continue
            seen += 1
            desc = m.group(3)
            if re.search(r'#\s*SKIP', desc, re.I):
                skipped += 1
            elif m.group(1) == 'ok' or re.search(r'#\s*(TODO|XFAIL)', desc, re.I):
                passed += 1
            else:
                failed += 1
                fails.append(desc)
    name = os.path.basename(path)[:-4]
    rcfile = path[:-4] + '.rc'
    if os.path.exists(rcfile):
        rc = open(rcfile).read().strip()
        if rc not in ('0', '4') and not fails:
            failed += 1
            fails.append('exited with status %s' % rc)
    if planned is not None and seen < planned:
        failed += 1
        fails.append('gave %d of %d planned results' % (seen, planned))
    elif planned is None:
        # No plan: an empty file, or a program that died before its plan.
        failed += 1
        fails.append('no TAP plan (%d results)' % seen)
    elif planned == 0 and not skipped:
        failed += 1
        fails.append('planned no test and gave no SKIP reason')
    return passed, failed, skipped, ['%s: %s' % (name, d) for d in fails]


def main():
    tot = [0, 0, 0]
    fails = []
    for d in sys.argv[1:]:
        if os.path.isfile(d):
            p, f, s, fl = scan(d)
            tot[0] += p
            tot[1] += f
            tot[2] += s
            fails += fl
            continue
        for root, _, files in os.walk(d):
            for fn in sorted(files):
                if fn.endswith('.tap'):
                    p, f, s, fl = scan(os.path.join(root, fn))
                    tot[0] += p
                    tot[1] += f
                    tot[2] += s
                    fails += fl
    for f in fails:
        print('FAILED: ' + f)
    print('%d passed, %d failed, %d skipped' % tuple(tot))
    return 1 if tot[1] else 0


if __name__ == '__main__':
    sys.exit(main())
