#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tap-summary.py [--expect LANE:DRIVER [--tap FILE] [--partial]] [--record LANE:DRIVER] DIR|FILE...

Count the top-level TAP results of every *.tap file below the given
directories (and of the given files), print the failures, then one closing
line 'N passed, N failed, N skipped'; exit 1 when anything failed.

A test program that exited non-zero without reporting a failure (a crash,
a timeout) counts as a failure; so does a TAP file that announced more
results than it gave, one without a plan (empty, or cut short before its
plan), and a "1..0" without a SKIP reason.

--expect LANE:DRIVER holds the results against the expected-results
manifest (tools/testing/selftests/vfio/expected-results.txt) for that lane
(check, check-debug) and driver (ours, stock).  Then an expected result
that is missing, a SKIP where the manifest wants ok, and a result the
manifest does not know each count as a failure.  With --tap FILE the
verdict is also written as one TAP result to FILE (the lane's own results
directory), so that a later count of the lane's TAP files sees it.
--partial is for a run of some of the tests (make mutants): results the
run does not contain are not missing.  For DRIVER stock, a test
that stock-differences.txt names ("test: NAME", a shell pattern) may SKIP anywhere: those
are the documented differences, and the tests SKIP their ours-only parts.

--record LANE:DRIVER prints the manifest lines that describe this run
instead (ok, or skip with the SKIP's own reason), for review and commit.
"""
import fnmatch
import os
import re
import sys

RESULT = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)(.*)$')
SKIP = re.compile(r'\s#\s*SKIP\b\s*(.*)$', re.I)
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SELFTESTS = os.path.join(TOP, 'tools', 'testing', 'selftests', 'vfio')
MANIFEST = os.path.join(SELFTESTS, 'expected-results.txt')
DIFFERENCES = os.path.join(SELFTESTS, 'stock-differences.txt')


def result_name(desc):
    """A result's stable name: its description without the SKIP reason,
    and cut at the first ': ' or ' (' (where counts, seeds and drivers
    follow)."""
    desc = SKIP.sub('', desc)
    desc = re.sub(r'\s#\s*(TODO|XFAIL)\b.*$', '', desc, flags=re.I)
    for sep in (': ', ' ('):
        if sep in desc:
            desc = desc[:desc.index(sep)]
    return '_'.join(desc.split()) or '-'


def scan(path):
    """Return (passed, failed, skipped, fails, results) of one TAP file;
    results: (name, 'ok' | 'skip' | 'fail', skip reason)."""
    passed = failed = skipped = 0
    fails = []
    results = []
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
                    results.append(('-', 'skip', m.group(2).split('SKIP', 1)[1].strip()))
                continue
            m = RESULT.match(line)
            if not m:
                continue
            seen += 1
            desc = m.group(3)
            sk = SKIP.search(desc)
            if sk:
                skipped += 1
                results.append((result_name(desc), 'skip', sk.group(1).strip()))
            elif m.group(1) == 'ok' or re.search(r'#\s*(TODO|XFAIL)', desc, re.I):
                passed += 1
                results.append((result_name(desc), 'ok', ''))
            else:
                failed += 1
                fails.append(desc)
                results.append((result_name(desc), 'fail', ''))
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
        failed += 1
        fails.append('no TAP plan (%d results)' % seen)
    elif planned == 0 and not skipped:
        failed += 1
        fails.append('planned no test and gave no SKIP reason')
    return passed, failed, skipped, ['%s: %s' % (name, d) for d in fails], results


def tap_files(args):
    """(key, path) of every TAP file; key: the path below its argument,
    with the driver's name in vm-ours/vm-stock written as vm."""
    for arg in args:
        if os.path.isfile(arg):
            yield os.path.basename(arg)[:-4], arg
            continue
        for root, _, files in os.walk(arg):
            for fn in sorted(files):
                if fn.endswith('.tap'):
                    path = os.path.join(root, fn)
                    rel = os.path.relpath(path, arg)[:-4]
                    rel = re.sub(r'^vm-(ours|stock)/', 'vm/', rel)
                    yield rel, path


def load_manifest(lane, driver):
    rules = []
    with open(MANIFEST) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 5)
            if len(parts) < 5 or parts[4] not in ('ok', 'skip'):
                sys.exit('%s:%d: want LANE DRIVER FILE TEST ok|skip [REASON]' % (MANIFEST, n))
            lanes, drivers, fpat, tpat, want = parts[:5]
            if lane not in lanes.split(',') and lanes != '*':
                continue
            if driver not in drivers.split(',') and drivers != '*':
                continue
            why = parts[5] if len(parts) > 5 else ''
            rules.append({'file': fpat, 'test': tpat, 'want': want, 'why': why,
                          'line': n, 'hits': 0})
    return rules


def stock_differences():
    names = set()
    with open(DIFFERENCES) as f:
        for line in f:
            if line.startswith('test: '):
                names.add(line[6:].strip())
    return names


def hold_to_manifest(lane, driver, seen, partial=False):
    """Failures (strings) of the results @seen against the manifest; with
    @partial (a run of some tests only), missing results are not counted."""
    rules = load_manifest(lane, driver)
    if not rules:
        return ['no expected results recorded for %s/%s in expected-results.txt '
                '(record a reviewed run with --record %s:%s)' % (lane, driver, lane, driver)]
    patterns = stock_differences() if driver == 'stock' else set()
    fails = []
    for key, name, kind, reason in seen:
        # Shell patterns: "reset.*.hot_reset_bad_input" covers each IOMMU
        # mode variant of the test.
        differ = {name} if any(fnmatch.fnmatchcase(name, p) for p in patterns) else set()
        rule = next((r for r in rules if fnmatch.fnmatchcase(key, r['file']) and
                     fnmatch.fnmatchcase(name, r['test'])), None)
        if rule is None:
            if not (kind == 'skip' and name in differ):
                fails.append('%s: %s: not in the expected results of %s/%s' %
                             (key, name, lane, driver))
            continue
        rule['hits'] += 1
        if kind == 'skip' and rule['want'] == 'ok' and name not in differ:
            fails.append('%s: %s: unexpected SKIP (%s)' % (key, name, reason))
        elif (kind == 'skip' and rule['want'] == 'skip' and rule['why'] and
              not fnmatch.fnmatchcase(reason, rule['why']) and name not in differ):
            # A SKIP is allowed for the reason written down, not another:
            # "not mappable" where "time budget" was expected is a finding.
            fails.append('%s: %s: unexpected SKIP (%s; allowed: %s)' %
                         (key, name, reason, rule['why']))
    for r in rules:
        if not r['hits'] and not partial:
            fails.append('%s %s: expected result missing (expected-results.txt:%d)' %
                         (r['file'], r['test'], r['line']))
    return fails


def main():
    args = sys.argv[1:]
    expect = record = tap = None
    partial = False
    while args and args[0] == '--partial':
        partial = True
        args = args[1:]
    while args and args[0] in ('--expect', '--record', '--tap', '--partial'):
        if args[0] == '--partial':
            partial = True
            args = args[1:]
            continue
        lane, _, driver = args[1].partition(':')
        if args[0] == '--expect':
            expect = (lane, driver)
        elif args[0] == '--record':
            record = (lane, driver)
        else:
            tap = args[1]
        args = args[2:]
    tot = [0, 0, 0]
    fails = []
    seen = []
    for key, path in tap_files(args):
        if tap and os.path.abspath(path) == os.path.abspath(tap):
            continue
        p, f, s, fl, results = scan(path)
        tot[0] += p
        tot[1] += f
        tot[2] += s
        fails += fl
        seen += [(key, n, k, r) for n, k, r in results]
    if record:
        # One line per (file, test): the first matching line is the one
        # that counts, so results that share a description (a TAP file
        # whose descriptions differ only after ": ") make one line, a SKIP
        # line when any of them skipped (it allows a pass too).
        rows = {}
        for key, name, kind, reason in seen:
            if kind == 'fail':
                continue
            row = rows.setdefault((key, name), set())
            row.add(reason if kind == 'skip' else None)
        for (key, name), kinds in rows.items():
            skips = sorted(r for r in kinds if r is not None)
            if not skips:
                print('%s %s %s %s ok' % (record[0], record[1], key, name))
            else:
                print('%s %s %s %s skip %s' % (record[0], record[1], key, name,
                                               skips[0] if len(skips) == 1 else '*'))
        return 0
    if expect:
        extra = hold_to_manifest(expect[0], expect[1], seen, partial)
        if tap:
            with open(tap, 'w') as f:
                f.write('TAP version 13\n1..1\n%s 1 expected results of %s/%s (%d findings)\n' %
                        ('not ok' if extra else 'ok', expect[0], expect[1], len(extra)))
                f.writelines('# %s\n' % e for e in extra)
        tot[1] += len(extra)
        fails += extra
    for f in fails:
        print('FAILED: ' + f)
    print('%d passed, %d failed, %d skipped' % tuple(tot))
    return 1 if tot[1] else 0


if __name__ == '__main__':
    sys.exit(main())
