#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# docs.sh [html|check]
#
#   html   render Documentation/ with Sphinx into build/docs/html; any
#          Sphinx or kernel-doc warning fails the build (-W)
#   check  run the kernel's scripts/kernel-doc -none -Wall over the driver
#          sources and the uAPI header, and docutils over the rst documents
#          that live outside Documentation/ (the selftests' README.rst,
#          read on its own as well as through Sphinx): any warning fails
#
# Both use the unpacked linux-source-6.12 (scripts/linux-source.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
ksrc=$(scripts/linux-source.sh)
export VFIO_VGA_KSRC=$ksrc

case ${1:-html} in
html)
	command -v sphinx-build >/dev/null ||
		{ echo "docs: no sphinx-build (apt-get install python3-sphinx)" >&2; exit 1; }
	out=build/docs
	rm -rf "$out/html"
	sphinx-build -q -E -W --keep-going -b html -d "$out/doctrees" Documentation "$out/html"
	echo "docs: $out/html/index.html"
	;;
check)
	files=$(git ls-files -co --exclude-standard 'drivers/vfio/pci/*.[ch]' include/uapi/linux/vfio.h)
	# shellcheck disable=SC2086
	warnings=$("$ksrc/scripts/kernel-doc" -none -Wall $files 2>&1)
	if [ -n "$warnings" ]; then
		echo "$warnings"
		exit 1
	fi
	echo "docs: kernel-doc -Wall: no warnings in $(echo "$files" | wc -w) files"
	rst=tools/testing/selftests/vfio/README.rst
	python3 - "$rst" <<'EOF_PY'
import sys
import docutils.core
import docutils.utils

path = sys.argv[1]
with open(path, encoding='utf-8') as f:
    text = f.read()
try:
    # Warnings and errors are printed by docutils itself; the first stops.
    docutils.core.publish_string(
        text, source_path=path, writer_name='null',
        settings_overrides={'report_level': 2, 'halt_level': 2})
except docutils.utils.SystemMessage:
    sys.exit(1)
EOF_PY
	echo "docs: docutils: no warnings in $rst"
	;;
*)
	echo "usage: docs.sh [html|check]" >&2
	exit 64
	;;
esac
