#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_stream_piped_prints_what_the_file_would_and_a_cut_says_so - -w - and -r -.

The stream form of a recording (procfs source, no BPF needed):
  - `-q -w -` live piped into `-r - --json` prints every tick, and ends
    when the writer does;
  - the stream's bytes, replayed from standard input, print exactly what
    the same bytes replayed as a file print (JSON and text);
  - a stream cut in the middle of a record prints every whole frame, then
    one line naming standard input, the cut and its byte offset; exit 0;
  - garbage, a foreign file (an ELF), nothing at all: refused in one line,
    exit 1, nothing printed, at once;
  - -w - without -q is a usage error (standard output carries the
    recording); the writer ends quietly when its reader goes away.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

N = 8


def run(args, stdin=b"", timeout=60):
    t0 = time.monotonic()
    r = subprocess.run([ri.RI_BIN] + args, input=stdin, capture_output=True, timeout=timeout)
    return (r.returncode, r.stdout, [x for x in r.stderr.decode().splitlines() if x.strip()],
            time.monotonic() - t0)


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-stream-")
    try:
        live = ["--source", "procfs", "-d", "0.2", "-n", str(N)]
        # Live, through a pipe.
        w = subprocess.Popen([ri.RI_BIN, "-q", "-w", "-"] + live, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        rd = ri.Tool(["-r", "-", "--json"], stdin=w.stdout)
        w.stdout.close()
        rd.need_ticks(N, 30)
        rrc, wrc = rd.wait(20), w.wait(20)
        c.true("-q -w - | -r - --json: every tick, both exit 0, nothing said",
               len(rd.ticks) == N and rrc == 0 and wrc == 0 and not rd.bad and
               not [e for e in rd.err if e.strip()] and not w.stderr.read().strip(),
               "%d ticks, exits %s %s; %s" % (len(rd.ticks), ri.rc_text(rrc),
                                              ri.rc_text(wrc), rd.stderr_tail(2)))

        rc, stream, err, _ = run(["-q", "-w", "-"] + live)
        path = os.path.join(tmp, "same.rirec")
        with open(path, "wb") as f:
            f.write(stream)
        c.true("-q -w -: exit 0, the recording on standard output, nothing else said",
               rc == 0 and stream[:8] == b"\x89RIREC\r\n" and not err, "exit %d %r" % (rc, err[:1]))
        for mode in (["--json"], ["-b"]):
            a = run(["-r", path] + mode)
            b = run(["-r", "-"] + mode, stdin=stream)
            c.true("-r - %s prints what -r FILE prints" % mode[0],
                   a[0] == 0 and b[:3] == a[:3] and len(a[1].splitlines()) >= N,
                   "exits %d %d, %d and %d bytes, %r" % (a[0], b[0], len(a[1]), len(b[1]),
                                                         b[2][:1]))

        # Cut in the middle of the last record: every frame before it shows.
        whole = run(["-r", "-", "--json"], stdin=stream)[1].splitlines()
        last = stream.rfind(b"RIFR")
        cut = stream[:last + 40]
        rc, out, err, _ = run(["-r", "-", "--json"], stdin=cut)
        c.true("a stream cut mid-record: every whole frame, exit 0",
               rc == 0 and out.splitlines() == whole[:-1] and len(whole) == N,
               "exit %d, %d of %d lines" % (rc, len(out.splitlines()), len(whole)))
        c.true("and one line naming the cut", len(err) == 1 and "standard input" in err[0] and
               "cut" in err[0] and "byte %d" % last in err[0], repr(err))

        with open(ri.RI_BIN, "rb") as f:
            elf = f.read(200000)
        for what, data in (("garbage", os.urandom(5000)), ("a foreign file (ELF)", elf),
                           ("nothing", b""), ("a header only", stream[:30])):
            rc, out, err, dt = run(["-r", "-", "--json"], stdin=data, timeout=20)
            c.true("%s on -r -: refused in one line, exit 1, at once" % what,
                   rc == 1 and not out and len(err) == 1 and "standard input" in err[0] and
                   dt < 10, "exit %d in %.1f s %r" % (rc, dt, err[:2]))

        rc, out, err, _ = run(["-w", "-", "-b"] + live)
        c.true("-w - without -q: usage error, exit 2, saying why",
               rc == 2 and not out and err and "-q" in err[0], "exit %d %r" % (rc, err[:1]))
        w = subprocess.Popen([ri.RI_BIN, "-q", "-w", "-", "--source", "procfs", "-d", "0.1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        w.stdout.read(100)
        w.stdout.close()
        try:
            wrc = w.wait(20)
        except subprocess.TimeoutExpired:
            w.kill()
            wrc = None
        werr = [x for x in w.stderr.read().decode().splitlines() if x.strip()]
        c.true("-q -w -: its reader gone, it ends quietly, exit 0", wrc == 0 and not werr,
               "exit %s %r" % (wrc, werr[:1]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish("%d ticks through a pipe; %d-byte stream; cut at byte %d" % (
        N, len(stream), last))


if __name__ == "__main__":
    main()
