#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""compat-resolve.py VERSION HAVE FILE...

Resolve vfio_pci_compat.h and vfio_pci_compat.c for one kernel tree, in
place (scripts/patches.sh, for the series of that tree).  VERSION is the
tree's "make kernelversion" (6.12.118), HAVE the names whose probes
(drivers/vfio/pci/vfio_pci_probes.c) compile in it, comma-separated.

Like unifdef: an #if, #ifdef or #ifndef on VFIO_PCI_HAVE_<NAME> or on
KERNEL_VERSION()/LINUX_VERSION_CODE is decided, its line and the branch not
taken go; any other conditional (an include guard) stays.  Then the
include of the generated vfio_pci_probes.h goes, and so do the includes
and forward declarations that nothing left in the file uses.  A file left
without code (no definition at column 0) is removed: the tree does not need
it.  Prints the files removed.
"""
import os
import re
import sys

version, have, files = sys.argv[1], sys.argv[2], sys.argv[3:]
have = set(h for h in have.split(',') if h)
v = [int(x) for x in re.match(r'(\d+)\.(\d+)(?:\.(\d+))?', version).groups(default='0')]
code = (v[0] << 16) + (v[1] << 8) + min(v[2], 255)

# What an include is there for: the names of it that the file uses.
USES = {
    'linux/version.h': r'\b(KERNEL_VERSION|LINUX_VERSION_CODE)\b',
    'linux/irqbypass.h': r'\birq_bypass_',
    'linux/mm.h': r'\b(vm_fault|vmf_)',
    'linux/pfn_t.h': r'\b(pfn_t|__pfn_to_pfn_t|PFN_DEV)\b',
}


def decide(directive, arg):
    """True/False for a conditional this script resolves, else None."""
    if directive in ('ifdef', 'ifndef'):
        m = re.fullmatch(r'VFIO_PCI_HAVE_(\w+)', arg)
        if not m:
            return None
        return (m.group(1) in have) == (directive == 'ifdef')
    if not re.search(r'KERNEL_VERSION|LINUX_VERSION_CODE|VFIO_PCI_HAVE_', arg):
        return None
    e = re.sub(r'KERNEL_VERSION\((\d+),\s*(\d+),\s*(\d+)\)',
               lambda m: str((int(m[1]) << 16) + (int(m[2]) << 8) + int(m[3])), arg)
    e = e.replace('LINUX_VERSION_CODE', str(code))
    e = re.sub(r'defined\s*\(?\s*VFIO_PCI_HAVE_(\w+)\s*\)?',
               lambda m: '1' if m[1] in have else '0', e)
    e = e.replace('&&', ' and ').replace('||', ' or ')
    e = re.sub(r'!(?!=)', ' not ', e)
    if not re.fullmatch(r'[\d\s()<>=!andortn]*', e):
        sys.exit(f'compat-resolve: cannot decide "#{directive} {arg}"')
    return bool(eval(e))  # digits and operators only, checked above


def comment_before(out):
    """Where the block comment that ends @out starts, or None."""
    if not out or not out[-1].rstrip().endswith('*/'):
        return None
    i = len(out) - 1
    while i >= 0 and not out[i].startswith('/*'):
        i -= 1
    return i if i >= 0 else None


def resolve(text):
    out = []
    # per open conditional: None (kept), or [taken, in_else, len(out) at
    # its start, where the comment just before it starts]
    stack = []
    for line in text.split('\n'):
        m = re.match(r'#\s*(if|ifdef|ifndef|elif|else|endif)\b\s*(.*?)\s*$', line)
        live = all(s is None or s[0] != s[1] for s in stack)
        if m:
            d, arg = m.groups()
            if d in ('if', 'ifdef', 'ifndef'):
                r = decide(d, arg)
                stack.append(None if r is None else [r, False, len(out), comment_before(out)])
                if r is None and live:
                    out.append(line)
                continue
            top = stack[-1]
            if d == 'elif':
                if top is not None:
                    sys.exit('compat-resolve: #elif in a resolved conditional')
            elif d == 'else' and top is not None:
                top[1] = True
                continue
            elif d == 'endif':
                stack.pop()
                if top is not None:
                    # Nothing of it is left: neither is its comment.
                    if len(out) == top[2] and top[3] is not None:
                        del out[top[3]:]
                    continue
            if live or d == 'endif' and all(s is None or s[0] != s[1] for s in stack):
                out.append(line)
            continue
        if live:
            out.append(line)
    assert not stack, 'unbalanced conditionals'
    return '\n'.join(out)


# The in-tree header's own comment, in place of the first one.
HEAD = """/*
 * vfio-pci: what depends on the kernel the driver is built in.
 *
 * The driver's files are written against the interfaces of the newest
 * kernel it supports.  This header holds, as this kernel has them, the
 * choices that depend on the kernel: where the stock driver's behaviour
 * changed between kernels, how the VFIO core reaches the region info,
 * and, on a kernel older than the driver's interfaces, how they map onto
 * its own (with vfio_pci_compat.c).  Nothing else in the driver depends
 * on the kernel.
 */
"""


def tidy(text, header):
    text = re.sub(r'\n#include "vfio_pci_probes\.h"\n', '\n', text)
    if header:
        text = re.sub(r'/\*\n.*?\*/\n', lambda m: HEAD, text, count=1, flags=re.S)
    code = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    for inc, uses in USES.items():
        line = f'#include <{inc}>\n'
        if line in text and not re.search(uses, code.replace(line, '')):
            text = text.replace(line, '')
    for m in re.finditer(r'^struct (\w+);\n', text, re.M):
        if len(re.findall(r'\b' + m[1] + r'\b', text)) == 1:
            text = text.replace(m[0], '')
    text = re.sub(r'\n{3,}', '\n\n', text)
    # No empty include block left between two blank lines.
    return text


for f in files:
    if not os.path.exists(f):
        continue
    s = tidy(resolve(open(f).read()), f.endswith('.h'))
    if f.endswith('.c') and not re.search(r'^\{$', s, re.M):
        os.remove(f)
        print(f)
        continue
    open(f, 'w').write(s)
