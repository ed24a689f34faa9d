#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kernel-table.py [BUILD]: one row per kernel of what the last checks found.

Reads the results make check left under BUILD (default build/): the 6.12
lane (build/check, and build/check-stock from make check DRIVER=stock),
its 6.12-rt guest (build/check/vm-rt), each lane of make check
KERNELS=SPEC (build/check-SPEC/{ours,stock}) and each smoke of make check
SMOKE_KERNELS=SPEC (build/smoke-SPEC/{ours,stock}; a kernel's full lane
is shown when it has both).  For each kernel: the W=1
build and sparse, our driver's and that kernel's stock driver's suite
results (passed/failed/skipped; the two run the same suite in the same
guest), and the parity step, which compares what VFIO reports with either
driver except for the documented differences
(tools/testing/selftests/vfio/stock-differences.txt).  A kernel this
check did not run says why.  Exit status 0; the table is a report, each
lane's own summary is the verdict.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("VFIO_VGA_KERNELS", "/var/cache/vfio-vga/kernels")
# The kernels the project targets, oldest first (the README's list).
KERNELS = ["6.1", "6.12", "6.12-rt", "6.18", "7.0", "7.2", "7.3"]


def counts(paths):
    """'P/F/S' for TAP files under @paths, or None when there are none."""
    paths = [p for p in paths if os.path.exists(p)]
    if not paths:
        return None
    out = subprocess.run([sys.executable, os.path.join(TOP, "scripts/tap-summary.py")] + paths,
                         capture_output=True, text=True).stdout
    m = re.search(r"(\d+) passed, (\d+) failed, (\d+) skipped", out)
    if not m or m.group(0) == "0 passed, 0 failed, 0 skipped":
        return None
    return "%s/%s/%s" % m.groups()


def tap_lines(path):
    try:
        with open(path) as f:
            return [l.rstrip("\n") for l in f if l.startswith(("ok ", "not ok "))]
    except OSError:
        return []


def build_cell(tap, log):
    """The W=1 (and sparse) result of one kbuild TAP file."""
    lines = tap_lines(tap)
    if not lines:
        return "-"
    w1 = lines[0]
    if w1.startswith("not ok"):
        n = 0
        try:
            with open(log, errors="replace") as f:
                n = sum(1 for l in f if re.search(r"\b(warning|error)\b", l))
        except OSError:
            pass
        return "FAILED (%d warnings/errors)" % n
    cell = "0 warnings"
    sparse = [l for l in lines[1:] if "C1" in l]
    if "C1" in w1 or (sparse and "# SKIP" not in sparse[0] and sparse[0].startswith("ok")):
        cell += ", sparse clean"
    elif sparse and "# SKIP" in sparse[0]:
        cell += ", sparse too old"
    elif sparse:
        cell += ", sparse FAILED"
    return cell


def parity_cell(d):
    lines = []
    for root, _, files in os.walk(d) if os.path.isdir(d) else []:
        for f in files:
            if f.endswith(".tap"):
                lines += tap_lines(os.path.join(root, f))
    if not lines:
        return "-"
    return "ok" if all(l.startswith("ok") for l in lines) else "FAILED"


def spec_info(spec):
    """(release, status) scripts/kernels.sh resolved @spec to, or ("", "")."""
    try:
        with open(os.path.join(CACHE, "spec", spec.replace("/", "_"))) as f:
            words = f.read().split()
    except OSError:
        return "", ""
    return (words + ["", ""])[0], (words + ["", ""])[1]


def release(spec):
    return spec_info(spec)[0]


def no_headers(spec):
    """Whether scripts/kernels.sh found no headers for @spec in the archive."""
    return spec_info(spec)[1] == "no-headers"


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build")
    rows = []
    main_lane = os.path.join(build, "check")
    for spec in KERNELS:
        if spec == "6.12" and os.path.isdir(main_lane):
            ours = counts([os.path.join(main_lane, e) for e in sorted(os.listdir(main_lane))
                           if e not in ("vm-rt", "rt") and not e.endswith(".log")])
            stock = counts([os.path.join(build, "check-stock")])
            rows.append((spec, release(spec) or "installed",
                         build_cell(os.path.join(main_lane, "static/kbuild-W1-C1.tap"),
                                    os.path.join(main_lane, "static/kbuild-W1-C1.log")),
                         ours or "-", stock or "not run (make check DRIVER=stock)",
                         parity_cell(os.path.join(main_lane, "parity"))))
            continue
        if spec == "6.12-rt" and os.path.isdir(main_lane):
            rows.append((spec, release(spec),
                         build_cell(os.path.join(main_lane, "static/kbuild-rt-W1.tap"),
                                    os.path.join(main_lane, "static/kbuild-rt-W1.log")),
                         (counts([os.path.join(main_lane, "vm-rt")]) or "-") + " (smoke)",
                         "not run", "-"))
            continue
        lane = os.path.join(build, "check-" + spec)
        smoke = os.path.join(build, "smoke-" + spec)
        suffix = ""
        if not os.path.isdir(lane) and os.path.isdir(smoke):
            lane, suffix = smoke, " (smoke)"
        if os.path.isdir(lane):
            rows.append((spec, release(spec),
                         build_cell(os.path.join(lane, "ours/static/kbuild.tap"),
                                    os.path.join(lane, "ours/static/kbuild.log")),
                         (counts([os.path.join(lane, "ours")]) or "-") + suffix,
                         (counts([os.path.join(lane, "stock")]) or "-") + suffix,
                         parity_cell(os.path.join(lane, "ours/parity"))))
        elif no_headers(spec):
            rows.append((spec, release(spec), "not built: the archive has no headers",
                         "-", "-", "-"))
        else:
            rows.append((spec, release(spec), "not checked (make check KERNELS=%s or SMOKE_KERNELS=%s)" % (spec, spec),
                         "-", "-", "-"))

    head = ("kernel", "release", "W=1 build", "ours p/f/s", "stock p/f/s", "parity")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    print("kernels: one row per kernel (suite results passed/failed/skipped; "
          "documented differences: stock-differences.txt)")
    for r in [head] + rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
