#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the rig's guest after the command (vm.sh --gcov): carry the gcov
# counters of every profiled object out of the guest, which has serial
# consoles only.  On a kernel with CONFIG_GCOV_KERNEL each profiled object
# has a .gcda file under /sys/kernel/debug/gcov, at the path the object had
# in its build tree on the host (a module's counters stay there after an
# unload).  Output, as the section gcov.txt (vm.sh keeps it as
# tap/gcov.txt):
#   gcov-tar FILES BYTES MD5   the archive's file count, size and md5sum
#   ...                        the gzipped tar of the .gcda files, base64
#   gcov-end SECONDS           the dump's time, the serial transfer included
# or "gcov-none REASON" and status 1.  scripts/coverage.py reads it.

g=/sys/kernel/debug/gcov
start=$(date +%s)
echo "RIG-TEST-BEGIN gcov.txt"
if [ ! -d "$g" ]; then
	echo "gcov-none: no $g (a kernel without CONFIG_GCOV_KERNEL)"
	echo "RIG-TEST-END gcov.txt 1"
	exit 1
fi
# debugfs reports a size of 0 for these files: tar would archive them
# empty, so each is read into /tmp first.
rm -rf /tmp/gcov
mkdir -p /tmp/gcov
n=0
for f in $(cd "$g" && find . -name '*.gcda' -type f); do
	mkdir -p "/tmp/gcov/${f%/*}"
	cat "$g/$f" >"/tmp/gcov/$f" && n=$((n + 1))
done
if [ "$n" = 0 ]; then
	echo "gcov-none: no .gcda file under $g (nothing was built with gcov)"
	echo "RIG-TEST-END gcov.txt 1"
	exit 1
fi
(cd /tmp/gcov && tar -cf - .) | gzip -9 >/tmp/gcov.tar.gz
echo "gcov-tar $n $(wc -c </tmp/gcov.tar.gz) $(md5sum </tmp/gcov.tar.gz | cut -d' ' -f1)"
base64 </tmp/gcov.tar.gz
echo "gcov-end $(($(date +%s) - start))"
echo "RIG-TEST-END gcov.txt 0"
