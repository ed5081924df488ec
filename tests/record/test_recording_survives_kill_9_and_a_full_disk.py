#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_recording_survives_kill_9_and_a_full_disk - a crash or a full disk loses a frame at most.

kill -9: a recorder printing JSON (-b --json -w, procfs source: no BPF
needed) is killed at random moments, five times. Its recording then
replays (exit 0) every tick it printed, line for line, plus at most the
frame it was writing; a cut-short last record is said in one line.

A full disk (root: a 96 KiB tmpfs mounted for the test, most of it taken
by a filler file): the recorder keeps printing every tick to -n, exits 0,
and says on stderr once that recording stopped (naming the file and "No
space left on device"); the filler removed, it says once that it resumed.
The recording replays the ticks it holds, before and after the gap.
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402


def replay(path):
    r = subprocess.run([ri.RI_BIN, "-r", path, "-b", "--json"], capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout.decode().splitlines(), [
        x for x in r.stderr.decode().splitlines() if x.strip()]


def kill_9(c, tmp, rnd):
    for i in range(5):
        path = os.path.join(tmp, "k%d.rirec" % i)
        t = ri.Tool.json(["-d", "0.05", "-p", str(os.getpid()), "-w", path],
                         source="procfs")
        t.need_ticks(3 + rnd.randrange(20), timeout=20)
        time.sleep(rnd.random() * 0.05)
        t.signal(signal.SIGKILL)
        t.wait(10)
        printed = [x.decode().rstrip("\n") for x in t.raw]
        rc, lines, err = replay(path)
        c.true("kill -9 #%d: replay exits 0" % (i + 1), rc == 0, "exit %d %s" % (rc, err[:1]))
        c.true("kill -9 #%d: every tick printed is replayed, the same (%d printed, %d "
               "replayed)" % (i + 1, len(printed), len(lines)),
               lines[:len(printed)] == printed and len(lines) <= len(printed) + 1)
        c.true("kill -9 #%d: at most one line said" % (i + 1), len(err) <= 1 and all(
            path in e for e in err), "%s" % err)


def full_disk(c, tmp):
    if os.geteuid() != 0:
        c.skip_part("full disk", "needs root to mount a small tmpfs")
        return
    mnt = os.path.join(tmp, "small")
    os.mkdir(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", mnt],
                       capture_output=True, text=True)
    if r.returncode != 0:
        c.skip_part("full disk", "cannot mount a tmpfs: %s" % r.stderr.strip())
        return
    try:
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb") as f:
            try:
                f.write(b"\0" * (88 * 1024))
            except OSError:
                pass
        path = os.path.join(mnt, "full.rirec")
        n = 60
        t = ri.Tool.json(["-d", "0.05", "-n", str(n), "-w", path], source="procfs")
        # Wait for the disk to fill and the recorder to say so, then make room.
        end = time.monotonic() + 20
        while time.monotonic() < end and not any("stopped" in e for e in t.err):
            time.sleep(0.05)
        os.unlink(filler)
        t.wait(30)
        stopped = [e for e in t.err if "stopped" in e]
        resumed = [e for e in t.err if "resumed" in e]
        c.true("full disk: every tick printed, exit 0", t.rc == 0 and len(t.ticks) == n,
               "exit %s, %d ticks" % (t.rc, len(t.ticks)))
        c.true("full disk: said once, naming the file and the reason", len(stopped) == 1
               and path in stopped[0] and "No space left on device" in stopped[0],
               "%s" % t.err)
        c.true("room again: said once that recording resumed", len(resumed) == 1,
               "%s" % t.err)
        c.true("nothing else on stderr", len(t.err) == len(stopped) + len(resumed),
               "%s" % t.err)
        rc, lines, err = replay(path)
        times = [json.loads(x)["time"] for x in lines]
        # The frames the full disk refused leave one gap, ticks on each side.
        gaps = sum(1 for a, b in zip(times, times[1:]) if b - a > 0.09)
        c.true("the recording replays, ticks before and after the gap", rc == 0 and
               2 <= len(lines) < n and gaps == 1, "exit %d, %d ticks, %d gaps, %s" % (
                   rc, len(lines), gaps, err[:1]))
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-crash-")
    try:
        kill_9(c, tmp, random.Random(9))
        full_disk(c, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
