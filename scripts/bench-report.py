#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.py TAPDIR: the table of scripts/bench.sh, from the sections
# bench-DRIVER-ROUND.txt that scripts/rig/bench-guest.sh wrote.  Per row:
# each driver's median over the rounds with its spread (min-max); ours/stock,
# the median over the rounds of each round's ratio of ours to stock (the
# two runs of a round are back to back); the ratio of the two medians, for
# reference; ours/floor, the median over the rounds of ours divided by the
# floor measured right after it in the same run; the row's limit on
# ours/stock and a verdict (for a row in EXTRAS, on ours against stock plus
# the extra work ours does on purpose).
#
# Why the ratios are paired.  This machine is a guest of a shared host
# (its CPUs lose time to steal in spells, up to 33 of 200 ticks a second),
# and a row's samples fall into a fast and a slow cluster about 1.6 times
# apart, driver or not.  The median of either driver's samples lands in
# one cluster or the other depending on how many fell where: over 21
# rounds, mmap-read (a load from a mapping the driver has already
# populated: no driver code runs) read 1.26 times stock by the ratio of
# medians and 1.00 paired.
import glob
import os
import re
import statistics
import sys

# Rows whose floor is a row of another name; any other floor is ROW_floor_*.
FLOORS = {'mmap-read': 'devmem-read', 'mmap-write': 'devmem-write'}

# Rows where ours does more than stock on purpose, and the row that times
# that extra work alone, with no VFIO in it.  Such a row's verdict is on
# ours against stock plus the extra, as measured in ours' run of the same
# round; ours/stock alone is printed beside it.  A reset of a card that
# holds the legacy VGA routing: ours first hands the routing back to the
# boot card (vfio.rst, differences), one routing switch of the arbiter.
EXTRAS = {'vga_hot_reset_routed': 'vga_hot_reset_routed_switch',
          'vga_hot_reset_routed_busy': 'vga_hot_reset_routed_busy_switch'}


def limit(name):
    """The most ours may cost, as a ratio to stock's."""
    if name.startswith('pop-faults'):
        return 1.0
    if name.startswith('pop-'):
        return 1.2
    return 1.1


def parse(path):
    """Rows {name: (value, unit)} and the alt:/hot:/arb: lines of one section."""
    rows, notes, driver = {}, [], None
    for line in open(path, errors='replace'):
        f = line.split()
        if not f:
            continue
        if f[:2] == ['#', 'driver'] and len(f) > 2:
            driver = f[2]
        elif f[0] == 'bench' and len(f) >= 3:        # bar, cfg, irq, populate
            rows[f[1]] = (None if f[2] == 'n/a' else float(f[2]),
                          f[3] if len(f) > 3 else 'us/op')
        elif f[0] == 'bench:' and len(f) >= 4:       # vga
            rows['vga_' + f[1]] = (None if f[2] == 'failed' else float(f[2]), f[3])
        elif f[0] == 'rom:' and len(f) >= 3:         # rom
            rows['rom_' + f[1]] = (None if f[2] == 'n/a' else float(f[2]), 'us/op')
        elif f[0] in ('alt:', 'hot:', 'arb:'):
            notes.append(line.rstrip())
    return driver, rows, notes


def main():
    tap = sys.argv[1]
    by_round = {'ours': {}, 'stock': {}}      # {driver: {row: {round: value}}}
    units, order, notes = {}, [], {'ours': [], 'stock': []}
    sections = sorted((int(m.group(2)), m.group(1), m.string) for m in
                      (re.search(r'bench-(\w+)-(\d+)\.txt$', p)
                       for p in glob.glob(os.path.join(tap, 'bench-*-*.txt'))) if m)
    if not sections:
        sys.exit('bench-report: no bench sections in %s' % tap)
    for rnd, want, path in sections:
        driver, rows, n = parse(path)
        if driver != want:
            sys.exit('bench-report: %s ran with the %s driver loaded' % (path, driver))
        rc = path[:-4] + '.txt.rc'
        if os.path.exists(rc) and open(rc).read().strip() != '0':
            sys.exit('bench-report: %s failed (rc %s)' % (path, open(rc).read().strip()))
        for name, (v, unit) in rows.items():
            if name not in units:
                order.append(name)
            units[name] = unit
            if v is not None:
                by_round[driver].setdefault(name, {})[rnd] = v
        notes[driver] += n

    floors = set(FLOORS.values()) | set(EXTRAS.values()) | {k for k in order if '_floor_' in k}

    def samples(d, name):
        return list(by_round[d].get(name, {}).values())

    def stat(d, name):
        v = samples(d, name)
        return (statistics.median(v), min(v), max(v)) if v else None

    def floor_name(name):
        return FLOORS.get(name) or (name + '_floor_sysfs' if name + '_floor_sysfs' in units else
                                    next((k for k in order if k.startswith(name + '_floor_')), None))

    def paired(a, b):
        """Median over the rounds of a's value divided by b's, or None."""
        if not a or not b:
            return None
        r = [a[k] / b[k] for k in a if k in b and b[k]]
        if not r and all(a[k] == b.get(k) for k in a):
            return 1.0                  # both zero in every round
        return statistics.median(r) if r else None

    def cell(s):
        if not s:
            return '%-26s' % 'n/a'
        return '%-26s' % ('%.3f [%.3f-%.3f]' % s if s[0] < 1e5 else '%.0f [%.0f-%.0f]' % s)

    rounds = len(sections) // 2
    print('%d rounds per driver, one guest; median [min-max]; ours/stock and ours/floor: '
          'median of the per-round ratios' % rounds)
    print('%-34s %-7s %-26s %-26s %10s %8s %10s %6s %s' %
          ('row', 'unit', 'ours', 'stock', 'ours/stock', 'med/med', 'ours/floor', 'limit', ''))
    over = []
    for name in order:
        if name in floors:
            continue
        o, s, fl = stat('ours', name), stat('stock', name), floor_name(name)
        ratio = paired(by_round['ours'].get(name), by_round['stock'].get(name))
        mratio = o[0] / s[0] if o and s and s[0] else (1.0 if o and s and o[0] == s[0] else None)
        fratio = paired(by_round['ours'].get(name), by_round['ours'].get(fl)) if fl else None
        held, why = ratio, ''
        if name in EXTRAS:
            st, ex = by_round['stock'].get(name, {}), by_round['ours'].get(EXTRAS[name], {})
            held = paired(by_round['ours'].get(name), {k: st[k] + ex[k] for k in st if k in ex})
            why = ' (%s against stock + %s)' % ('-' if held is None else '%.2f' % held,
                                                EXTRAS[name])
        verdict = '' if held is None else ('ok' if held <= limit(name) else 'OVER') + why
        if verdict.startswith('OVER'):
            over.append(name)
        print('%-34s %-7s %s %s %10s %8s %10s %6.2f %s' %
              (name, units[name], cell(o), cell(s),
               '%.2f' % ratio if ratio is not None else '-',
               '%.2f' % mratio if mratio is not None else '-',
               '%.2f' % fratio if fratio is not None else '-', limit(name), verdict))
    print('floors (median over the rounds of both drivers):')
    for name in order:
        if name in floors:
            v = samples('ours', name) + samples('stock', name)
            print('  %-32s %-7s %s' % (name, units[name],
                                       '%.3f' % statistics.median(v) if v else 'n/a'))
    for d in ('ours', 'stock'):
        print('%s, two-card runs, hot resets and arbiter (each round):' % d)
        for line in notes[d]:
            print('  ' + line)
    print('bench: %d rows over their limit%s' % (len(over), (': ' + ' '.join(over)) if over else ''))


main()
