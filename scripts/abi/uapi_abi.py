#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare the ABI of our include/uapi/linux/vfio.h with reference copies.

Each header is parsed (after the preprocessor has evaluated its
conditionals) to collect object-like and function-like macros, enums,
structs/unions and their fields, including members of anonymous unions and
flexible arrays.  From every reference a C file is generated that includes
<linux/vfio.h> and emits, for each item, its value: macro values (with size
and signedness of the expression), ioctl numbers, strings, function-like
macros evaluated on sample arguments, enumerator values, sizeof/alignof of
each struct and offsetof/sizeof/alignof of each field.  The values are
emitted with the asm-offsets trick ("i" constraints, compiled with -S), so
no program has to be linked or run and the same file is compiled for
x86_64 and i386.  The file is compiled once against the reference and once
against our header and the results are compared.  Output is TAP.

Usage: uapi_abi.py --ours HDR --ref LABEL=HDR [--ref ...] --workdir DIR
                   [--kbuild DIR]
The first --ref is the primary one: differences against later references
are tolerated (and reported as notes) where our header matches the primary
reference, i.e. where upstream itself changed between the two versions.
"""

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys

IOCTL_RE = re.compile(r'\b_IO(?:R|W|WR)?\s*\(')
FN_SAMPLE_ARGS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 0xff, -1]


class Field:
    def __init__(self, path, ctype, kind):
        self.path = path        # e.g. "group_id" or "u.x"
        self.ctype = ctype      # normalized type text, e.g. "__u64 *"
        self.kind = kind        # "plain", "flex" or "bitfield"


class Header:
    def __init__(self):
        self.macros = {}        # name -> body (object-like)
        self.fmacros = {}       # name -> (params, body)
        self.aggs = {}          # "struct x" -> list of Field
        self.enums = {}         # enumerator -> enum tag ("" if anonymous)
        self.enum_tags = []     # "enum x" for named enums


# ---------------------------------------------------------------- parsing

TOKEN_RE = re.compile(r'''
    (?P<ws>\s+)
  | (?P<str>"(?:\\.|[^"\\])*")
  | (?P<chr>'(?:\\.|[^'\\])*')
  | (?P<num>\.?\d[\w.]*)
  | (?P<id>[A-Za-z_]\w*)
  | (?P<punct>->|\+\+|--|<<|>>|[<>=!]=|&&|\|\||\.\.\.|[^\s])
''', re.X)


def tokenize(text):
    out = []
    for m in TOKEN_RE.finditer(text):
        if m.lastgroup != 'ws':
            out.append(m.group())
    return out


def preprocess(path, workdir, extra_defs):
    """Run cpp over one header; return (defines, code) of that file only."""
    fake = os.path.join(workdir, 'fakeinc')
    os.makedirs(os.path.join(fake, 'linux'), exist_ok=True)
    for name in ('types.h', 'ioctl.h', 'stddef.h'):
        open(os.path.join(fake, 'linux', name), 'a').close()
    cmd = ['gcc', '-E', '-dD', '-undef', '-nostdinc', '-I', fake, '-x', 'c']
    cmd += COUNTED_BY
    cmd += extra_defs + [path]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode:
        raise RuntimeError('cpp failed on %s:\n%s' % (path, res.stderr))
    defines, code = [], []
    current = None
    for line in res.stdout.splitlines():
        m = re.match(r'# \d+ "(.*)"', line)
        if m:
            current = m.group(1)
            continue
        if current != path:
            continue
        if line.startswith('#define '):
            defines.append(line[len('#define '):])
        elif line.startswith('#undef '):
            defines.append(None)
            defines.append(line.split()[1])
        else:
            code.append(line)
    return defines, '\n'.join(code)


def split_top(tokens, sep):
    """Split a token list at 'sep' tokens that are not nested."""
    parts, cur, depth = [], [], 0
    for t in tokens:
        if t in '([{':
            depth += 1
        elif t in ')]}':
            depth -= 1
        if t == sep and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return parts


def strip_attributes(tokens):
    out, i = [], 0
    while i < len(tokens):
        if tokens[i] in ('__attribute__', '__attribute'):
            i += 1
            depth = 0
            while i < len(tokens):
                if tokens[i] == '(':
                    depth += 1
                elif tokens[i] == ')':
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                i += 1
            continue
        out.append(tokens[i])
        i += 1
    return out


def match_brace(tokens, i):
    """tokens[i] is '{'; return index of the matching '}'."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j] == '{':
            depth += 1
        elif tokens[j] == '}':
            depth -= 1
            if depth == 0:
                return j
    raise ValueError('unbalanced braces')


def parse_declarator(tokens):
    """Return (name, stars, arrays, bitfield) of one member declarator."""
    bitfield = None
    if ':' in tokens:
        k = tokens.index(':')
        bitfield = ' '.join(tokens[k + 1:])
        tokens = tokens[:k]
    arrays = []
    while tokens and tokens[-1] == ']':
        k = len(tokens) - 1 - tokens[::-1].index('[')
        arrays.insert(0, ' '.join(tokens[k + 1:-1]))
        tokens = tokens[:k]
    if not tokens or not re.match(r'[A-Za-z_]\w*$', tokens[-1]):
        raise ValueError('cannot parse declarator %r' % tokens)
    name = tokens[-1]
    rest = tokens[:-1]
    stars = ''.join(t for t in rest if t == '*')
    quals = [t for t in rest if t != '*']
    return name, stars, quals, arrays, bitfield


def parse_members(tokens, header, prefix):
    """Parse the tokens between the braces of a struct/union body."""
    fields = []
    i = 0
    while i < len(tokens):
        # one member declaration, up to ';' at depth 0
        j, depth = i, 0
        while j < len(tokens):
            t = tokens[j]
            if t in '({[':
                depth += 1
            elif t in ')}]':
                depth -= 1
            elif t == ';' and depth == 0:
                break
            j += 1
        decl = strip_attributes(tokens[i:j])
        i = j + 1
        if not decl:
            continue
        if decl[0] in ('struct', 'union') and '{' in decl[:3]:
            k = decl.index('{')
            end = match_brace(decl, k)
            tag = decl[1] if k == 2 else None
            inner_tokens = decl[k + 1:end]
            declarators = decl[end + 1:]
            if tag:
                header.aggs['%s %s' % (decl[0], tag)] = \
                    parse_members(inner_tokens, header, '')
            if not declarators:
                # anonymous struct/union: its members belong to the parent
                fields.extend(parse_members(inner_tokens, header, prefix))
                continue
            spec = ['%s %s' % (decl[0], tag)] if tag else \
                ['%s {...}' % decl[0]]
            for d in split_top(declarators, ','):
                name, stars, quals, arrays, bf = parse_declarator(d)
                ctype = normalize(spec + quals, stars, arrays)
                fields.append(Field(prefix + name, ctype, kind_of(arrays, bf)))
                if not stars and not arrays:
                    fields.extend(parse_members(inner_tokens, header,
                                                prefix + name + '.'))
            continue
        decls = split_top(decl, ',')
        first = decls[0]
        # specifiers: everything before the first '*' or the name
        name_idx = None
        for k, t in enumerate(first):
            if t in ('[', ':'):
                break
            if re.match(r'[A-Za-z_]\w*$', t):
                name_idx = k
        if name_idx is None:
            raise ValueError('cannot parse member %r' % decl)
        spec_end = name_idx
        while spec_end > 0 and first[spec_end - 1] == '*':
            spec_end -= 1
        spec = first[:spec_end]
        decls[0] = first[spec_end:]
        for d in decls:
            name, stars, quals, arrays, bf = parse_declarator(d)
            ctype = normalize(spec + quals, stars, arrays)
            fields.append(Field(prefix + name, ctype, kind_of(arrays, bf)))
    return fields


def kind_of(arrays, bitfield):
    if bitfield is not None:
        return 'bitfield'
    if arrays and arrays[0] == '':
        return 'flex'
    return 'plain'


def normalize(spec, stars, arrays):
    text = ' '.join(spec)
    if stars:
        text += ' ' + stars
    for a in arrays:
        text += '[%s]' % a
    return text


def parse_code(code, header):
    tokens = tokenize(code)
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t in ('struct', 'union') and i + 2 < len(tokens) and \
                tokens[i + 2] == '{':
            end = match_brace(tokens, i + 2)
            header.aggs['%s %s' % (t, tokens[i + 1])] = \
                parse_members(tokens[i + 3:end], header, '')
            i = end + 1
            continue
        if t == 'enum':
            k = i + 1
            tag = ''
            if tokens[k] != '{':
                tag = tokens[k]
                k += 1
            if tokens[k] == '{':
                end = match_brace(tokens, k)
                if tag:
                    header.enum_tags.append('enum ' + tag)
                for item in split_top(tokens[k + 1:end], ','):
                    if item:
                        header.enums[item[0]] = tag
                i = end + 1
                continue
        i += 1


def parse_header(path, workdir, extra_defs=()):
    header = Header()
    defines, code = preprocess(path, workdir, ['-D__user='] + list(extra_defs))
    undef_next = False
    for d in defines:
        if d is None:
            undef_next = True
            continue
        if undef_next:
            header.macros.pop(d, None)
            header.fmacros.pop(d, None)
            undef_next = False
            continue
        m = re.match(r'(\w+)\(([^)]*)\)\s?(.*)$', d)
        if m:
            params = [p.strip() for p in m.group(2).split(',') if p.strip()]
            header.fmacros[m.group(1)] = (params, m.group(3))
            continue
        m = re.match(r'(\w+)\s?(.*)$', d)
        header.macros[m.group(1)] = m.group(2).strip()
    parse_code(code, header)
    return header


# ------------------------------------------------------------ generation

class Unit:
    """One independently compilable group of checks."""

    def __init__(self, category, name):
        self.category = category
        self.name = name
        self.lines = []

    def val(self, key, expr):
        self.lines.append('\tV("%s", %s);' % (key, expr))

    def text(self, key, expr):
        self.lines.append('\tS("%s", %s);' % (key, expr))


def macro_category(header, name, seen=None):
    body = header.macros[name]
    if IOCTL_RE.search(body):
        return 'ioctl'
    seen = seen or set()
    seen.add(name)
    for ref in re.findall(r'[A-Za-z_]\w*', body):
        if ref in header.macros and ref not in seen and \
                macro_category(header, ref, seen) == 'ioctl':
            return 'ioctl'
    return 'macro'


def make_units(ref, ours, fn_ok):
    """Units for every item of ref that also exists in ours (if given)."""
    units = []
    for name, body in ref.macros.items():
        if body == '' or (ours and name not in ours.macros):
            continue
        if body.startswith('"'):
            u = Unit('macro', name)
            u.text('string %s' % name, name)
        else:
            u = Unit(macro_category(ref, name), name)
            u.val('%s %s value' % (u.category, name), name)
            u.val('%s %s sizeof' % (u.category, name), 'sizeof(%s)' % name)
            u.val('%s %s signed' % (u.category, name),
                  '((%s) * 0 - 1 < 0)' % name)
        units.append(u)
    for name, (params, _) in ref.fmacros.items():
        if name not in fn_ok:
            continue
        if ours and (name not in ours.fmacros or
                     len(ours.fmacros[name][0]) != len(params)):
            continue
        u = Unit('macro', name)
        for args in fn_args(len(params)):
            argtxt = ', '.join(str(a) for a in args)
            u.val('fmacro %s(%s)' % (name, argtxt),
                  '%s(%s)' % (name, argtxt))
        units.append(u)
    for name, tag in ref.enums.items():
        if ours and name not in ours.enums:
            continue
        u = Unit('enum', name)
        u.val('enum %s value' % name, name)
        u.val('enum %s signed' % name, '((%s) * 0 - 1 < 0)' % name)
        units.append(u)
    for tag in ref.enum_tags:
        if ours and tag not in ours.enum_tags:
            continue
        u = Unit('enum', tag)
        u.val('%s sizeof' % tag, 'sizeof(%s)' % tag)
        u.val('%s alignof' % tag, '__alignof__(%s)' % tag)
        units.append(u)
    for agg, fields in ref.aggs.items():
        if ours and agg not in ours.aggs:
            continue
        ours_paths = {f.path for f in ours.aggs[agg]} if ours else None
        u = Unit('layout', agg)
        u.val('%s sizeof' % agg, 'sizeof(%s)' % agg)
        u.val('%s alignof' % agg, '__alignof__(%s)' % agg)
        for f in fields:
            if ours_paths is not None and f.path not in ours_paths:
                continue
            if f.kind == 'bitfield':
                continue        # no offsetof/sizeof; covered by sizeof
            member = '((%s *)0)->%s' % (agg, f.path)
            if f.kind == 'flex':
                member += '[0]'
            key = '%s.%s' % (agg, f.path)
            u.val('%s offsetof' % key, 'offsetof(%s, %s)' % (agg, f.path))
            u.val('%s %s' % (key, 'elemsize' if f.kind == 'flex' else 'sizeof'),
                  'sizeof(%s)' % member)
            u.val('%s alignof' % key, '__alignof__(%s)' % member)
        units.append(u)
    return units


def fn_args(arity):
    if arity == 0:
        return [()]
    vals = FN_SAMPLE_ARGS if arity == 1 else FN_SAMPLE_ARGS[:4]
    return list(itertools.product(vals, repeat=arity))


PROLOGUE = r'''#include <stddef.h>
#include <linux/vfio.h>
#define C(val, sh) "i" ((int)(((unsigned long long)(val) >> (sh)) & 0xffff))
#define V(key, val) __asm__ volatile("\n->" key " %c0 %c1 %c2 %c3" : : \
	C(val, 48), C(val, 32), C(val, 16), C(val, 0))
#define S(key, str) __asm__ volatile("\n->" key " " str)
'''


def write_c(path, units):
    with open(path, 'w') as fp:
        fp.write(PROLOGUE)
        for n, u in enumerate(units):
            fp.write('void unit_%d(void)\n{\n%s\n}\n' % (n, '\n'.join(u.lines)))


class Target:
    """A header to compile against: include dir plus flags."""

    def __init__(self, label, incdir, cflags=()):
        self.label = label
        self.incdir = incdir
        self.cflags = list(cflags)


def stage(workdir, label, header_path):
    incdir = os.path.join(workdir, 'inc-' + label)
    os.makedirs(os.path.join(incdir, 'linux'), exist_ok=True)
    shutil.copy(header_path, os.path.join(incdir, 'linux', 'vfio.h'))
    return incdir


ABIS = {
    'x86_64': ['-m64'],
    'i386': ['-m32', '-idirafter', '/usr/include/x86_64-linux-gnu'],
}


def compile_units(workdir, target, abi, units, tag):
    """Return dict key -> value; failed units map their keys to ERROR."""
    base = os.path.join(workdir, '%s-%s-%s' % (tag, target.label, abi))
    src = base + '.c'
    write_c(src, units)
    res = run_cc(target, abi, src, base + '.s')
    if res.returncode == 0:
        return read_values(base + '.s'), []
    # isolate the failing units
    values, errors = {}, []
    for n, u in enumerate(units):
        usrc = '%s-u%d.c' % (base, n)
        write_c(usrc, [u])
        r = run_cc(target, abi, usrc, usrc + '.s')
        if r.returncode == 0:
            values.update(read_values(usrc + '.s'))
        else:
            first = [ln for ln in r.stderr.splitlines() if 'error' in ln][:1]
            errors.append((u.category, '%s: does not compile: %s' % (
                u.name, first[0].split('error: ')[-1] if first else '?')))
            for line in u.lines:
                m = re.search(r'[VS]\("([^"]*)"', line)
                values[m.group(1)] = 'ERROR'
    return values, errors


# 6.7's uAPI annotates flexible arrays with __counted_by() from
# <linux/stddef.h>, which the build machine's older uAPI headers may lack;
# the annotation changes no layout.
COUNTED_BY = ['-D__counted_by(m)=']


def run_cc(target, abi, src, out):
    cmd = ['gcc', '-S', '-O0', '-w', '-std=gnu11', '-I', target.incdir] + COUNTED_BY
    cmd += ABIS[abi] + target.cflags + ['-o', out, src]
    return subprocess.run(cmd, capture_output=True, text=True)


def read_values(asm):
    """Collect "->KEY VALUE" lines; string keys are "string NAME"."""
    values = {}
    with open(asm) as fp:
        for line in fp:
            line = line.strip()
            if not line.startswith('->'):
                continue
            line = line[2:]
            if line.startswith('string '):
                parts = line.split(' ', 2)
                values[' '.join(parts[:2])] = parts[2] if len(parts) > 2 else ''
            else:
                parts = line.split(' ')
                val = 0
                for chunk in parts[-4:]:
                    val = (val << 16) | (int(chunk) & 0xffff)
                if val >= 1 << 63:
                    val -= 1 << 64
                values[' '.join(parts[:-4])] = str(val)
    return values


def abi_works(workdir, abi):
    src = os.path.join(workdir, 'probe-%s.c' % abi)
    with open(src, 'w') as fp:
        fp.write('#include <stddef.h>\n#include <linux/types.h>\n'
                 '#include <linux/ioctl.h>\nint x = sizeof(__aligned_u64);\n')
    res = subprocess.run(['gcc', '-S', '-o', src + '.s'] + ABIS[abi] + [src],
                         capture_output=True, text=True)
    return res.returncode == 0


def probe_fmacros(workdir, ref_target, ref):
    """Function-like macros that evaluate to constants on int arguments."""
    ok, skipped = set(), []
    for name, (params, _) in ref.fmacros.items():
        u = Unit('macro', name)
        args = ', '.join('1' for _ in params)
        u.val('probe', '%s(%s)' % (name, args))
        src = os.path.join(workdir, 'fprobe-%s.c' % name)
        write_c(src, [u])
        if run_cc(ref_target, 'x86_64', src, src + '.s').returncode == 0:
            ok.add(name)
        else:
            skipped.append(name)
    return ok, skipped


# ------------------------------------------------------------ comparison

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, what, diag=(), skip=None):
        self.n += 1
        if skip:
            print('ok %d - %s # SKIP %s' % (self.n, what, skip))
        else:
            print('%s %d - %s' % ('ok' if ok else 'not ok', self.n, what))
            if not ok:
                self.failed += 1
        for d in diag:
            print('# ' + d)
        sys.stdout.flush()


def category_of(key):
    kind = key.split(' ', 1)[0]
    if kind in ('macro', 'string', 'fmacro'):
        return 'macro'
    if kind in ('ioctl', 'enum'):
        return kind
    return 'layout'


def compare(ref_vals, ours_vals, alt_vals, keys, gone=()):
    """Return (mismatches, tolerated) for keys.

    gone: names the primary reference no longer has; ours may lack them.
    """
    bad, tolerated = [], []
    for key in keys:
        want = ref_vals.get(key)
        got = ours_vals.get(key, 'MISSING')
        if want == got:
            continue
        line = '%s: reference %s, ours %s' % (key, want, got)
        if alt_vals is not None and alt_vals.get(key) == got:
            tolerated.append(line + ' (as in the primary reference)')
        elif got == 'MISSING' and key.split(' ')[1] in gone:
            tolerated.append(line + ' (gone from the primary reference too)')
        else:
            bad.append(line)
    return bad, tolerated


MAX_DIAG = 40


def clip(lines):
    if len(lines) > MAX_DIAG:
        return lines[:MAX_DIAG] + ['... %d more' % (len(lines) - MAX_DIAG)]
    return lines


def names_of(h):
    names = {}
    for m, body in h.macros.items():
        if body != '':
            names['macro ' + m] = True
    for m in h.fmacros:
        names['function-like macro ' + m] = True
    for e in h.enums:
        names['enumerator ' + e] = True
    for e in h.enum_tags:
        names[e] = True
    for agg, fields in h.aggs.items():
        names[agg] = True
        for f in fields:
            names['field %s.%s' % (agg, f.path)] = True
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ours', required=True)
    ap.add_argument('--ref', action='append', required=True,
                    help='LABEL=PATH; the first one is primary')
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--kbuild', help='dir with scripts/headers_install.sh')
    ap.add_argument('--counts', help='write item counts to this file')
    args = ap.parse_args()

    work = args.workdir
    refs = []
    for r in args.ref:
        label, _, path = r.partition('=')
        refs.append((label, path))

    abis = [a for a in ABIS if abi_works(work, a)]

    tap = Tap()
    print('TAP version 13')
    n_tests = 7 * len(refs) + 3
    print('1..%d' % n_tests)

    ours_path = os.path.abspath(args.ours)
    ours = parse_header(ours_path, work)
    ours_t = Target('ours', stage(work, 'ours', ours_path))

    def ref_target(label, path):
        """Userspace form of a reference: headers_install.sh if we can."""
        hi = args.kbuild and os.path.join(args.kbuild, 'scripts',
                                          'headers_install.sh')
        if hi and os.path.exists(hi) and '__user' in open(path).read():
            out = os.path.join(work, 'installed-%s.h' % label)
            res = subprocess.run(['sh', hi, path, out], cwd=args.kbuild,
                                 capture_output=True, text=True)
            if res.returncode == 0:
                return Target(label, stage(work, label, out))
        return Target(label, stage(work, label, path), ['-D__user='])

    primary = None
    counts = []
    for label, path in refs:
        what = 'vs %s' % label
        if not os.path.exists(path):
            for _ in range(7):
                tap.result(False, 'reference %s missing' % what,
                           ['no such file: %s' % path])
            continue
        ref = parse_header(os.path.abspath(path), work)
        rt = ref_target(label, path)
        fn_ok, fn_skipped = probe_fmacros(work, rt, ref)
        units = make_units(ref, ours, fn_ok)
        ref_units = make_units(ref, None, fn_ok)

        per_abi = {}
        for abi in abis:
            rv, rerr = compile_units(work, rt, abi, ref_units, 'ref')
            ov, oerr = compile_units(work, ours_t, abi, units, 'ours')
            av = None
            if primary is not None:
                av, _ = compile_units(work, primary[1], abi, units, 'alt')
            per_abi[abi] = (rv, ov, av, rerr + oerr)

        rv = per_abi[abis[0]][0] if abis else {}
        nfields = sum(len(f) for f in ref.aggs.values())
        counts.append('%s: %d ioctls, %d other macros (+%d function-like, '
                      '%d skipped), %d enumerators, %d structs/unions, '
                      '%d fields, ABIs %s' % (
                          label,
                          sum(1 for m in ref.macros if ref.macros[m] and
                              macro_category(ref, m) == 'ioctl'),
                          sum(1 for m in ref.macros if ref.macros[m] and
                              macro_category(ref, m) != 'ioctl'),
                          len(fn_ok), len(fn_skipped), len(ref.enums),
                          len(ref.aggs), nfields, '+'.join(abis)))

        # Names of this reference that the primary one dropped.
        gone = set()
        if primary is not None:
            gone = {n for n in set(ref.macros) | set(ref.enums)
                    if n not in primary[0].macros and n not in primary[0].enums}

        def check_group(cat, abi_list):
            bad, tol, nkeys = [], [], 0
            for abi in abi_list:
                rv_a, ov_a, av_a, errs_a = per_abi[abi]
                keys = [k for k in rv_a if category_of(k) == cat]
                nkeys += len(keys)
                b, t = compare(rv_a, ov_a, av_a, keys, gone)
                pre = '[%s] ' % abi if len(abi_list) > 1 else ''
                bad += [pre + e for c, e in errs_a if c == cat]
                bad += [pre + x for x in b]
                tol += [pre + x for x in t]
            return bad, tol, nkeys

        for cat, title in (('ioctl', 'ioctl numbers'),
                           ('macro', 'macros (values, types, strings, '
                                     'function-like)'),
                           ('enum', 'enum constants')):
            bad, tol, nkeys = check_group(cat, abis)
            diag = ['%d values compared (%s)' % (nkeys, '+'.join(abis))]
            if cat == 'macro' and fn_skipped:
                diag.append('function-like macros not evaluable, skipped: ' +
                            ', '.join(fn_skipped))
            tap.result(not bad and nkeys > 0, '%s %s' % (title, what),
                       diag + clip(bad) + ['note: ' + t for t in clip(tol)])

        for abi in ABIS:
            if abi not in per_abi:
                tap.result(True, 'struct layouts %s (%s)' % (what, abi),
                           skip='gcc cannot build for %s here' % abi)
                continue
            bad, tol, nkeys = check_group('layout', [abi])
            diag = ['%d sizeof/alignof/offsetof values compared' % nkeys]
            tap.result(not bad and nkeys > 0,
                       'struct layouts %s (%s)' % (what, abi),
                       diag + clip(bad) + ['note: ' + t for t in clip(tol)])

        # textual field types
        bad, tol, n = [], [], 0
        prim = primary[0] if primary else None
        for agg, fields in ref.aggs.items():
            mine = {f.path: f for f in ours.aggs.get(agg, [])}
            pfields = {f.path: f for f in prim.aggs.get(agg, [])} if prim \
                else {}
            for f in fields:
                n += 1
                o = mine.get(f.path)
                if o is None:
                    continue    # reported as missing
                if o.ctype != f.ctype or o.kind != f.kind:
                    line = '%s.%s: reference "%s", ours "%s"' % (
                        agg, f.path, f.ctype, o.ctype)
                    p = pfields.get(f.path)
                    if p is not None and p.ctype == o.ctype:
                        tol.append(line + ' (as in the primary reference)')
                    else:
                        bad.append(line)
        tap.result(not bad, 'field types %s' % what,
                   ['%d field types compared' % n] + clip(bad) +
                   ['note: ' + t for t in clip(tol)])

        # nothing missing (and no stray fields)
        rn, on = names_of(ref), names_of(ours)
        pn = names_of(prim) if prim else None
        bad, notes, upstream_added = [], [], 0
        for k in rn:
            if k in on:
                continue
            if pn is not None and k not in pn:
                notes.append('missing in ours: %s (also gone from %s)'
                             % (k, refs[0][0]))
            else:
                bad.append('missing in ours: ' + k)
        for k in on:
            if k in rn:
                continue
            if pn is not None and k in pn:
                upstream_added += 1
            elif k.startswith('field ') and k[6:].split('.')[0] in rn:
                bad.append('extra field in ours: ' + k)
            else:
                notes.append('extra in ours: ' + k)
        if pn is not None:
            notes.append('%d names added upstream after %s are in ours too'
                         % (upstream_added, label))
        tap.result(not bad, 'nothing missing %s' % what,
                   ['%d names checked' % len(rn)] + clip(bad) +
                   ['note: ' + t for t in clip(notes)])

        if primary is None:
            primary = (ref, rt, rv, units, os.path.abspath(path))

    # ---- extra checks against the primary reference
    # 1. our header compiles on its own, as C and C++, warning free
    diag = []
    src = os.path.join(work, 'standalone.c')
    with open(src, 'w') as fp:
        fp.write('#include <linux/vfio.h>\n#include <linux/vfio.h>\n'
                 'struct vfio_device_info vfio_vga_probe;\n')
    for cc, std in (('gcc', '-std=gnu11'), ('g++', '-std=gnu++11')):
        if shutil.which(cc) is None:
            continue
        lang = ['-x', 'c++'] if cc == 'g++' else []
        res = subprocess.run([cc, '-c', std, '-Wall', '-Wextra', '-Werror',
                              '-I', ours_t.incdir] + lang +
                             ['-o', src + '.o', src],
                             capture_output=True, text=True)
        if res.returncode:
            diag += ['%s: %s' % (cc, ln) for ln in res.stderr.splitlines()]
    tap.result(not diag, 'our header compiles standalone (C and C++, '
               '-Wall -Wextra -Werror, included twice)', clip(diag))

    # 2. the headers_install.sh form of our header has the same ABI
    hi = args.kbuild and os.path.join(args.kbuild, 'scripts',
                                      'headers_install.sh')
    if not (hi and os.path.exists(hi)) or primary is None:
        tap.result(True, 'headers_install.sh form of our header',
                   skip='no headers_install.sh or primary reference')
    else:
        out = os.path.join(work, 'installed-ours.h')
        res = subprocess.run(['sh', hi, ours_path, out], cwd=args.kbuild,
                             capture_output=True, text=True)
        if res.returncode:
            tap.result(False, 'headers_install.sh form of our header',
                       res.stderr.splitlines())
        else:
            it = Target('ours-installed', stage(work, 'ours-installed', out))
            iv, ierr = compile_units(work, it, 'x86_64', primary[3], 'inst')
            bad, _ = compare(primary[2], iv, None, list(primary[2]))
            ierr = [e for _, e in ierr]
            tap.result(not bad and not ierr,
                       'headers_install.sh accepts our header and its '
                       'output matches %s' % refs[0][0],
                       clip(ierr + bad))

    # 3. one include guard with the kernel's copy: both orders, one TU
    diag = []
    if primary is not None:
        # the raw (not headers_install'ed) copy, as the kernel build sees it
        kernel_copy = primary[4]
        for first, second in ((ours_path, kernel_copy),
                              (kernel_copy, ours_path)):
            src = os.path.join(work, 'guard.c')
            with open(src, 'w') as fp:
                fp.write('#include "%s"\n#include "%s"\n'
                         'struct vfio_region_info vfio_vga_probe;\n'
                         % (first, second))
            res = subprocess.run(['gcc', '-c', '-std=gnu11', '-Wall',
                                  '-Werror', '-D__user='] + COUNTED_BY +
                                 ['-o', src + '.o', src],
                                 capture_output=True, text=True)
            if res.returncode:
                diag += res.stderr.splitlines()
    tap.result(primary is not None and not diag,
               'our header and the %s copy share the include guard '
               '(either order in one TU)' % refs[0][0], clip(diag))

    for c in counts:
        print('# counts ' + c)
    if args.counts:
        with open(args.counts, 'w') as fp:
            fp.write('\n'.join(counts) + '\n')
    assert tap.n == n_tests, (tap.n, n_tests)
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
