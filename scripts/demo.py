#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""demo.py OUTDIR [--linux] [--reference PNG] [--save-reference PNG] [--timeout S]

The demo: boot the rig, and inside its guest run the host's QEMU with the
GPU (01:00.0) assigned with x-vga=on (scripts/rig/nested-vmm.sh).  SeaBIOS
in the nested VM runs the card's VGA BIOS through our ROM and VGA regions
and prints on the card.  Meanwhile this script takes screendumps of that
card through the outer QEMU's monitor, until the SeaBIOS banner shows or
the time runs out, and saves the last one as OUTDIR/screen.png.

With --linux, SeaBIOS goes on to boot the host's kernel with a tiny
initramfs (scripts/rig/mknested-linux.sh): bochs-drm, the card's native
driver, takes the card over through its BARs (mapped through our mmap),
and the initramfs prints a banner on the framebuffer console.  The
screenshot is taken once the guest has printed it and the picture has
stopped changing.

With --reference, the banner's text rows (the first row of SeaBIOS's
text mode; the first two rows of Linux's console) must match the
reference image pixel for pixel (the reference was taken with the stock
driver).  Prints TAP on stdout; exit status 0 when the banner was seen
(and matched).
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import time
import zlib

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GPU = '0000:01:00.0'
ROW_PX = 16          # one text row in the 720x400 VGA text mode
LINUX_ROWS = 2       # the rows of Linux's banner that the reference holds


def log(msg, t0):
    sys.stderr.write('demo: [%3ds] %s\n' % (time.time() - t0, msg))
    sys.stderr.flush()


def monitor(sock_path, command, timeout=20):
    """Send one HMP command; return what the monitor said."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock_path)
    out = b''
    try:
        out += s.recv(4096)                 # banner and prompt
        s.sendall(command.encode() + b'\n')
        deadline = time.time() + timeout
        while time.time() < deadline and out.count(b'(qemu)') < 2:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    return out.decode(errors='replace')


def read_ppm(path):
    """(width, height, rows of RGB bytes) of a binary PPM (P6)."""
    with open(path, 'rb') as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b'#':
            pos = data.index(b'\n', pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b'P6':
        raise ValueError('not a P6 PPM')
    w, h = int(fields[1]), int(fields[2])
    rows = [data[pos + y * w * 3:pos + (y + 1) * w * 3] for y in range(h)]
    return w, h, rows


def write_png(path, w, h, rows):
    def chunk(kind, body):
        return (struct.pack('>I', len(body)) + kind + body +
                struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))
    raw = b''.join(b'\0' + r for r in rows)
    png = (b'\x89PNG\r\n\x1a\n' +
           chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
           chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))
    with open(path, 'wb') as f:
        f.write(png)


def read_png(path):
    """Read back a PNG this script wrote (8-bit RGB, filter 0)."""
    with open(path, 'rb') as f:
        data = f.read()
    pos = 8
    w = h = 0
    idat = b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h = struct.unpack('>II', body[:8])
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * 3 + 1
    return w, h, [raw[y * stride + 1:(y + 1) * stride] for y in range(h)]


def banner_row(w, h, rows, nrows=1):
    """The first NROWS text rows (16 pixels each: the VGA BIOS's 8x16 font,
    fbcon's 8x16 font) if each has text on it (a non-black pixel)."""
    if w < 320 or h < nrows * ROW_PX:
        return None
    for i in range(nrows):
        if not any(any(r) for r in rows[i * ROW_PX:(i + 1) * ROW_PX]):
            return None
    return rows[:nrows * ROW_PX]


def screendump(sock, path):
    monitor(sock, 'screendump %s gpu' % path)
    return read_ppm(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--linux', action='store_true')
    ap.add_argument('--reference')
    ap.add_argument('--save-reference')
    ap.add_argument('--timeout', type=int, default=int(os.environ.get('DEMO_TIMEOUT', '0')))
    args = ap.parse_args()
    if not args.timeout:
        args.timeout = 900 if args.linux else 300
    nrows = LINUX_ROWS if args.linux else 1
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    done = os.path.join(out, 'demo-done')
    if os.path.exists(done):
        os.unlink(done)
    # make run starts the clock before it builds (DEMO_T0).
    t0 = float(os.environ.get('DEMO_T0') or time.time())

    stage = os.path.join(out, 'stage')
    subprocess.run(['rm', '-rf', stage], check=True)
    os.makedirs(stage + '/selftests')
    subprocess.run('cp -a %s/build/selftests/. %s/selftests/ && cp %s/scripts/rig/nested-vmm.sh %s/'
                   % (TOP, stage, TOP, stage), shell=True, check=True)
    env = 'NESTED_TIMEOUT=%d' % args.timeout
    if args.linux:
        subprocess.run([TOP + '/scripts/rig/mknested-linux.sh', stage + '/linux'], check=True)
        env += ' NESTED_LINUX=/rig/linux'
    vmdir = os.path.join(out, 'vm')
    cmd = [TOP + '/scripts/rig/vm.sh', '--out', vmdir, '--files', stage, '--hostfs',
           '--monitor', '--mem', '2048', '--timeout', str(args.timeout + 120), '--',
           '%s sh /rig/nested-vmm.sh %s %s x-vga=on' % (env, done, GPU)]
    log('booting the rig with DRIVER=%s' % os.environ.get('DRIVER', 'ours'), t0)
    vm = subprocess.Popen(cmd, stdout=open(os.path.join(out, 'vm.log'), 'w'),
                          stderr=subprocess.STDOUT)

    sock = os.path.join(vmdir, 'monitor.sock')
    shot_ppm = os.path.join(out, 'screen.ppm')
    seen = None
    said = set()
    relayed = 0
    last = None
    size = None
    while vm.poll() is None and time.time() - t0 < args.timeout + 60:
        time.sleep(5)
        try:
            outlog = open(os.path.join(vmdir, 'out.log'), errors='replace').read()
        except OSError:
            outlog = ''
        for key, msg in (('driver', 'guest booted'), ('binding group', 'GPU group bound to vfio-pci'),
                         ('starting the host', 'nested QEMU started (SeaBIOS under TCG in TCG: about a minute)')):
            if key in outlog and key not in said:
                said.add(key)
                log(msg, t0)
        # What nested-vmm.sh relays from the nested VM, as it comes.
        news = [line[len('nested: '):] for line in outlog.splitlines()
                if line.startswith(('nested: seabios:', 'nested: linux:'))]
        for line in news[relayed:]:
            log('nested VM: ' + line.split(': ', 1)[1], t0)
        relayed = len(news)
        if not os.path.exists(sock) or 'starting the host' not in outlog:
            continue
        try:
            last = screendump(sock, shot_ppm)
        except (OSError, ValueError) as e:
            log('screendump failed: %s' % e, t0)
            continue
        if last[:2] != size:
            size = last[:2]
            log('the assigned card shows %dx%d' % size, t0)
        if args.linux:
            if 'linux: banner printed' not in outlog:
                continue
            # fbcon's shadow buffer reaches the card from a worker: wait
            # until two screendumps in a row are the same picture.
            for _ in range(20):
                time.sleep(3)
                prev = last
                last = screendump(sock, shot_ppm)
                if last == prev:
                    break
            seen = banner_row(*last, nrows=nrows)
            log('Linux\'s banner is on the assigned card (%dx%d)' % (last[0], last[1])
                if seen else 'no text in the banner rows', t0)
            break
        row = banner_row(*last)
        if row:
            seen = row
            log('text on the assigned card (%dx%d)' % (last[0], last[1]), t0)
            time.sleep(3)       # let the rest of the line be drawn
            last = screendump(sock, shot_ppm)
            seen = banner_row(*last) or seen
            break
    open(done, 'w').close()
    try:
        vm.wait(timeout=180)
    except subprocess.TimeoutExpired:
        vm.kill()
    verdict = open(os.path.join(vmdir, 'verdict')).read().strip() if os.path.exists(
        os.path.join(vmdir, 'verdict')) else 'no verdict'
    log('guest verdict: %s' % verdict, t0)

    results = []
    if last:
        png = os.path.join(out, 'screen.png')
        write_png(png, *last)
        log('screenshot of the assigned card: %s' % png, t0)
    if args.linux:
        what = 'Linux printed its banner on the assigned card\'s framebuffer console (%s)' % GPU
    else:
        what = 'SeaBIOS printed on the assigned card (%s)' % GPU
    results.append((seen is not None, what))
    if args.save_reference and seen:
        write_png(args.save_reference, last[0], nrows * ROW_PX, seen)
        log('saved reference %s' % args.save_reference, t0)
    if args.reference:
        ok = False
        if seen and os.path.exists(args.reference):
            rw, rh, rrows = read_png(args.reference)
            ok = rw == last[0] and rrows == seen
        results.append((ok, '%s match%s the stock driver\'s reference pixel for pixel' %
                        (('banner rows', '') if args.linux else ('banner row', 'es'))))
    nested = os.path.join(vmdir, 'tap', 'nested-qemu.txt')
    vfio_errors = []
    if os.path.exists(nested):
        vfio_errors = [line.strip() for line in open(nested, errors='replace')
                       if 'vfio' in line.lower()]
    results.append((not vfio_errors, 'the nested QEMU reported no vfio errors'))
    results.append((verdict in ('ok', 'command-failed 0'), 'outer guest finished with a clean dmesg (%s)' % verdict))

    print('TAP version 13')
    print('1..%d' % len(results))
    for i, (ok, what) in enumerate(results, 1):
        print('%s %d %s' % ('ok' if ok else 'not ok', i, what))
    for line in vfio_errors[:20]:
        print('# nested qemu: ' + line)
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
