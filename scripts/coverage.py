#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""coverage.py VMOUT MODDIR OUT

Line and branch coverage of our module from one rig guest: the gcov
counters that vm.sh --gcov carried out of the guest (VMOUT/tap/gcov.txt,
written by scripts/rig/gcov-dump.sh) are matched with the .gcno files of
the build in MODDIR (build-copy.sh with VFIO_PCI_GCOV=y against a kernel
with CONFIG_GCOV_KERNEL) and turned into, in OUT:

  coverage.info  lcov's tracefile of the driver's own files, branches
                 included (genhtml renders it)
  gcda.tar.gz    the counters as the guest sent them
  summary.txt    one row per file of drivers/vfio/pci: lines hit/total,
                 branches taken/total, functions entered/total
  uncovered.txt  the functions never entered and the longest runs of
                 never-run lines inside entered functions, longest first

The guest's counters are found by the objects' build paths: a .gcda under
/sys/kernel/debug/gcov/MODDIR/ in the guest belongs to MODDIR/*.gcno here.
Exit status 1 when there is nothing to measure (no dump, a damaged one,
no counters for our objects, lcov failing); low coverage is not an error.
"""
import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

BRANCHES = ['--rc', 'lcov_branch_coverage=1']


def fail(msg):
    print('coverage: ' + msg, file=sys.stderr)
    sys.exit(1)


def read_dump(path):
    """(archive bytes, file count, guest seconds) of a gcov.txt section."""
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError:
        fail('no %s: the guest did not dump its counters '
             '(it did not finish, or vm.sh ran without --gcov)' % path)
    head = [i for i, l in enumerate(lines) if l.startswith('gcov-tar ')]
    if not head:
        why = [l for l in lines if l.startswith('gcov-none')]
        fail('%s holds no archive%s' % (path, ': ' + why[0] if why else ''))
    _, files, size, md5 = lines[head[0]].split()
    body, secs = [], None
    for l in lines[head[0] + 1:]:
        if l.startswith('gcov-end '):
            secs = int(l.split()[1])
            break
        body.append(l.strip())
    if secs is None:
        fail('%s: the archive is cut short (no gcov-end line)' % path)
    try:
        data = base64.b64decode(''.join(body), validate=True)
    except ValueError as e:
        fail('%s: the archive does not decode (%s)' % (path, e))
    if len(data) != int(size) or hashlib.md5(data).hexdigest() != md5:
        fail('%s: the archive arrived damaged (%d bytes, want %s)' %
             (path, len(data), size))
    return data, int(files), secs


def parse_info(path):
    """{source: {'lines': {n: count}, 'fns': [(line, name, count)],
    'br': [(line, taken)]}} of an lcov tracefile."""
    files, cur = {}, None
    fnline = {}
    for l in open(path):
        l = l.rstrip('\n')
        key, _, val = l.partition(':')
        if key == 'SF':
            cur = files.setdefault(val, {'lines': {}, 'fns': {}, 'br': []})
            fnline = {}
        elif key == 'FN':
            line, name = val.split(',', 1)
            fnline[name] = int(line)
            cur['fns'].setdefault(name, [int(line), 0])
        elif key == 'FNDA':
            count, name = val.split(',', 1)
            cur['fns'].setdefault(name, [fnline.get(name, 0), 0])[1] += int(count)
        elif key == 'DA':
            line, count = val.split(',')[:2]
            cur['lines'][int(line)] = cur['lines'].get(int(line), 0) + int(count)
        elif key == 'BRDA':
            line, _, _, taken = val.split(',')
            cur['br'].append((int(line), 0 if taken == '-' else int(taken)))
    return files


def pct(hit, total):
    return '%5.1f%%' % (100.0 * hit / total) if total else '    -'


def table(files, relto):
    rows = []
    tot = [0] * 6
    for src in sorted(files):
        f = files[src]
        lh = sum(1 for c in f['lines'].values() if c)
        lf = len(f['lines'])
        bh = sum(1 for _, t in f['br'] if t)
        bf = len(f['br'])
        fh = sum(1 for _, c in f['fns'].values() if c)
        ff = len(f['fns'])
        for i, v in enumerate((lh, lf, bh, bf, fh, ff)):
            tot[i] += v
        rows.append((os.path.relpath(src, relto), lh, lf, bh, bf, fh, ff))
    rows.append(('total',) + tuple(tot))
    width = max(len(r[0]) for r in rows)
    fmt = '%-*s  %15s %6s  %20s %6s  %9s'
    out = [fmt % (width, 'file', 'lines hit/total', '%',
                  'branches taken/total', '%', 'functions')]
    for name, lh, lf, bh, bf, fh, ff in rows:
        if name == 'total':
            out.append('-' * len(out[0]))
        out.append(fmt %
                   (width, name, '%d/%d' % (lh, lf), pct(lh, lf),
                    '%d/%d' % (bh, bf), pct(bh, bf), '%d/%d' % (fh, ff)))
    return out


def extents(work):
    """{source: {function: [first line, last line, calls]}} of the functions
    gcc emitted (a static function inlined everywhere has none), from
    gcov's JSON: lcov 1.16's tracefile gives no function's last line."""
    gcdas = sorted(f for f in os.listdir(work) if f.endswith('.gcda'))
    try:
        res = subprocess.run(['gcov', '--json-format', '--stdout'] + gcdas, cwd=work,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             universal_newlines=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        fail('gcov --json-format: %s' % e)
    ext = {}
    for doc in res.stdout.splitlines():
        for f in json.loads(doc)['files']:
            fns = ext.setdefault(f['file'], {})
            for fn in f['functions']:
                e = fns.setdefault(fn['name'], [fn['start_line'], fn['end_line'], 0])
                e[2] += fn['execution_count']
    return ext


def uncovered(files, ext, relto, top=25):
    """The functions never entered, and the runs of never-run lines in the
    others (or in code inlined from static functions that have no body
    of their own), each with its count of instrumented lines."""
    dead, runs = [], []
    for src, f in files.items():
        rel = os.path.relpath(src, relto)
        fns = sorted((a, b, n, c) for n, (a, b, c) in ext.get(src, {}).items())

        def owner(line):
            # The innermost function around @line: the last to start.
            inner = None
            for fn in fns:
                if fn[0] <= line <= fn[1]:
                    inner = fn
            return inner

        for a, b, name, count in fns:
            body = [l for l in f['lines'] if a <= l <= b]
            if body and not count:
                dead.append((len(body), '%s:%d-%d' % (rel, min(body), max(body)), name))
        run, run_fn = [], None
        for l in sorted(f['lines']) + [None]:
            fn = owner(l) if l is not None else None
            if l is not None and not f['lines'][l] and fn == run_fn and run:
                run.append(l)
                continue
            if run and (run_fn is None or run_fn[3]):
                runs.append((len(run), '%s:%d-%d' % (rel, run[0], run[-1]),
                             run_fn[2] if run_fn else '(inlined code)'))
            run, run_fn = ([l], fn) if l is not None and not f['lines'][l] else ([], None)
    dead.sort(key=lambda r: (-r[0], r[1]))
    runs.sort(key=lambda r: (-r[0], r[1]))
    out = ['Functions never entered (%d), by instrumented lines:' % len(dead)]
    out += ['  %4d  %-28s %s' % r for r in dead]
    out += ['', 'Longest never-run stretches in entered functions (top %d):' % top]
    out += ['  %4d  %-28s in %s' % r for r in runs[:top]]
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    vmout, moddir, out = sys.argv[1:]
    moddir = os.path.abspath(moddir)
    start = time.time()
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)

    data, nfiles, guest_secs = read_dump(os.path.join(vmout, 'tap', 'gcov.txt'))
    with open(os.path.join(out, 'gcda.tar.gz'), 'wb') as f:
        f.write(data)

    # Each .gcno of the build with its counters from the guest, side by
    # side in OUT/data for geninfo.  Only those members are read from the
    # archive (by name; nothing else of it is written anywhere).
    work = os.path.join(out, 'data')
    os.makedirs(work)
    gcnos = sorted(f for f in os.listdir(moddir) if f.endswith('.gcno'))
    if not gcnos:
        fail('no .gcno in %s: the module was not built with VFIO_PCI_GCOV=y' % moddir)
    missing = []
    with tarfile.open(fileobj=io.BytesIO(data), mode='r:gz') as tar:
        members = {os.path.normpath('/' + m.name): m for m in tar.getmembers() if m.isfile()}
        for g in gcnos:
            stem = g[:-5]
            m = members.get(os.path.join(moddir, stem + '.gcda'))
            if m is None:
                missing.append(stem)
                continue
            shutil.copy(os.path.join(moddir, g), work)
            with open(os.path.join(work, stem + '.gcda'), 'wb') as f:
                f.write(tar.extractfile(m).read())
    if missing:
        fail('the guest had no counters for %s of %s (%d .gcda in its dump; '
             'was this build the module it ran?)' % (', '.join(missing), moddir, nfiles))

    log = open(os.path.join(out, 'lcov.log'), 'w')
    allinfo = os.path.join(out, 'all.info')
    info = os.path.join(out, 'coverage.info')
    for cmd in (['lcov', '--capture', '--directory', work, '--output-file', allinfo],
                ['lcov', '--extract', allinfo, moddir + '/*', '--output-file', info]):
        try:
            rc = subprocess.call(cmd + BRANCHES, stdout=log, stderr=subprocess.STDOUT)
        except OSError as e:
            fail('%s: %s (scripts/install-deps.sh installs lcov)' % (cmd[0], e))
        if rc:
            fail('%s failed (status %d): see %s' % (' '.join(cmd[:2]), rc, log.name))
    os.remove(allinfo)

    files = parse_info(info)
    if not files:
        fail('%s holds none of the driver files' % info)
    # Every file is one of drivers/vfio/pci: its name says enough.
    relto = moddir
    summary = table(files, relto)
    with open(os.path.join(out, 'summary.txt'), 'w') as f:
        f.write('\n'.join(summary) + '\n')
    with open(os.path.join(out, 'uncovered.txt'), 'w') as f:
        f.write('\n'.join(uncovered(files, extents(work), relto)) + '\n')
    print('\n'.join(summary))
    print('coverage: %d objects; the guest\'s dump took %d s, this step %.0f s' %
          (len(gcnos), guest_secs, time.time() - start))
    return 0


if __name__ == '__main__':
    sys.exit(main())
