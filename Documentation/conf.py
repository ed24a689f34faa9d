# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for vfio-vga's documentation ("make docs").
#
# The kernel-doc directive is the kernel's own Sphinx extension
# (Documentation/sphinx/kerneldoc.py of the unpacked linux-source-6.12),
# which runs that tree's scripts/kernel-doc over our sources.  Everything is
# local: no network access, no theme outside python3-sphinx.

import os
import subprocess
import sys

top = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
ksrc = os.environ.get('VFIO_VGA_KSRC') or subprocess.check_output(
    [os.path.join(top, 'scripts', 'linux-source.sh')], text=True).strip()
sys.path.insert(0, os.path.join(ksrc, 'Documentation', 'sphinx'))

project = 'vfio-vga'
copyright = 'The vfio-vga authors'
root_doc = 'index'
exclude_patterns = ['output']

extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(ksrc, 'scripts', 'kernel-doc')
kerneldoc_srctree = top

# Kernel annotations that Sphinx's C domain does not know (the same
# approach as the kernel's Documentation/conf.py).
c_id_attributes = [
    '__iomem', '__user', '__force', '__rcu', '__percpu', '__must_check',
    '__always_inline', '__init', '__exit', '__printf', '__packed',
    '__aligned', '__maybe_unused', 'noinline', 'notrace',
]
c_paren_attributes = ['__printf', '__aligned']

html_theme = 'alabaster'
html_title = 'vfio-vga'
html_show_sourcelink = False
