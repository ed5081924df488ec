#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_damaged_recording_shows_every_whole_frame - damage is said once, never a crash.

A recording made here (procfs source, no root needed, several groups of
frames) is cut at random offsets and has bytes flipped in a delta frame,
an index record and the header; copies of the checked-in v1 fixture get
the same. Replaying each with -r -b --json must:
  - exit 0 and print exactly the ticks of the frames that are whole (a
    damaged frame costs the rest of its group, never another group),
    each line up to the damage as the undamaged replay printed it;
  - say the damage in one stderr line naming the file and the byte
    offset of the record (a cut between two records is no damage);
  - exit 1 with one line, naming the file, only when nothing is readable
    (a foreign file, an empty one, a cut inside the header).
A directory holding a foreign file and a recording replays the recording
and says the other was left out.
"""

import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture-v1.rirec")


def records(b):
    """[(offset, end, kind, time_us, group)] of a recording's bytes."""
    off = struct.unpack_from("<I", b, 12)[0]
    out, group = [], -1
    while off + 32 <= len(b):
        assert b[off:off + 4] == b"RIFR", "not a record at %d" % off
        kind = chr(b[off + 4])
        ln, = struct.unpack_from("<I", b, off + 8)
        t, = struct.unpack_from("<q", b, off + 16)
        if kind == "I":
            group += 1
        out.append((off, off + 32 + ln, kind, t, group))
        off += 32 + ln
    return out


def shown(recs, size, bad=None):
    """Times of the frames a reader can decode in the first @size bytes,
    when the record at offset @bad is damaged."""
    out, broken = [], None
    for off, end, kind, t, g in recs:
        if end > size:
            break
        if off == bad:
            broken = g if kind != "I" else broken
            continue
        if kind == "I" or g == broken:
            continue
        out.append(t)
    return out


def replay(path, *args):
    r = subprocess.run([ri.RI_BIN, "-r", path, "-b", "--json"] + list(args),
                       capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    lines = r.stdout.decode().splitlines()
    return r.returncode, lines, [x for x in r.stderr.decode().splitlines() if x.strip()]


class Case:
    def __init__(self, c, name, good_lines, recs):
        self.c, self.name = c, name
        self.good = {round(json.loads(x)["time"], 5): x for x in good_lines}
        frames = [t for _, _, kind, t, _ in recs if kind != "I"]
        self.pos = {t: i for i, t in enumerate(frames)}

    def check(self, path, want_times, damage_at=None, header=False):
        """want_times: the times (µs) of the frames that can be decoded."""
        rc, lines, err = replay(path)
        want = want_times[1:]  # the first is the starting point
        got = [json.loads(x)["time"] for x in lines]
        ok_times = len(got) == len(want) and all(
            abs(a - b / 1e6) < 2e-6 for a, b in zip(got, want))
        same = True
        for i, x in enumerate(lines if ok_times and not header else []):
            # Up to the first gap, each tick is the undamaged replay's;
            # after one, the exits it hid come late and the lines differ.
            if self.pos[want_times[i + 1]] != self.pos[want_times[i]] + 1:
                break
            same &= self.good.get(round(got[i], 5)) == x
        if not want_times:
            self.c.true("%s: nothing readable: exit 1, one line naming the file" % self.name,
                        rc == 1 and len(err) == 1 and path in err[0],
                        "exit %d, stderr %s" % (rc, err[:2]))
            return
        self.c.true("%s: exit 0, every whole frame's tick" % self.name, rc == 0 and ok_times,
                    "exit %d, %d ticks, want %d" % (rc, len(got), len(want)))
        self.c.true("%s: each line as the undamaged replay's" % self.name, same)
        if damage_at is None:
            self.c.true("%s: nothing said" % self.name, not err, "%s" % err[:2])
        else:
            said = len(err) == 1 and path in err[0] and (
                damage_at is True or re.search(r"byte %d\b" % damage_at, err[0]))
            self.c.true("%s: one line naming the file and byte %s" % (self.name, damage_at),
                        said, "%s" % err[:2])


def damage(c, name, src, tmp, rnd):
    with open(src, "rb") as f:
        b = f.read()
    recs = records(b)
    rc, good, err = replay(src)
    c.true("%s: the undamaged replay exits 0, says nothing" % name, rc == 0 and not err)
    case = Case(c, name, good, recs)
    path = os.path.join(tmp, name + ".rirec")
    hlen = struct.unpack_from("<I", b, 12)[0]

    def put(data):
        with open(path, "wb") as f:
            f.write(data)

    # Cuts: inside the header, at record boundaries, inside records.
    ends = {end for _, end, _, _, _ in recs}
    cuts = [hlen // 2, hlen, recs[1][1], recs[5][1], recs[5][1] + 7] + \
        sorted(rnd.randrange(hlen, len(b)) for _ in range(12))
    for n in cuts:
        put(b[:n])
        want = shown(recs, n)
        inside = next((off for off, end, _, _, _ in recs if off < n < end), None)
        case.name = "%s cut at %d" % (name, n)
        case.check(path, want, damage_at=None if n in ends or n <= hlen else
                   (inside if inside is not None else True))
    # A flipped byte in a delta frame's payload: the rest of its group goes.
    deltas = [r for r in recs if r[2] == "D"]
    for off, end, _, _, _ in (deltas[len(deltas) // 3], deltas[-2]):
        x = bytearray(b)
        x[off + 32 + (end - off - 32) // 2] ^= 0x5a
        put(bytes(x))
        case.name = "%s frame at %d flipped" % (name, off)
        case.check(path, shown(recs, len(b), bad=off), damage_at=off)
    # An index record, and its header: nothing is lost.
    idx = [r for r in recs if r[2] == "I"]
    off = idx[-1][0]
    for where, what in ((off + 32 + 3, "payload"), (off + 10, "header")):
        x = bytearray(b)
        x[where] ^= 0x5a
        put(bytes(x))
        case.name = "%s index %s at %d flipped" % (name, what, off)
        case.check(path, shown(recs, len(b)), damage_at=True)
    # The file header: every frame, the run unknown.
    x = bytearray(b)
    x[hlen - 10] ^= 0x5a
    put(bytes(x))
    case.name = "%s file header flipped" % name
    case.check(path, shown(recs, len(b)), damage_at=0, header=True)


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-damage-")
    rnd = random.Random(20261127)
    try:
        # A recording with several groups: procfs, the test's own processes.
        # A group ends when its deltas outweigh its key frame nine times:
        # 240 frames of this one process make four.
        made = os.path.join(tmp, "made.rirec")
        r = subprocess.run([ri.RI_BIN, "-b", "-q", "--source", "procfs", "-d", "0.05", "-n",
                            "240", "-p", str(os.getpid()), "-w", made],
                           capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            ri.fail("recording failed: %s" % r.stderr.decode().strip())
        with open(made, "rb") as f:
            groups = sum(1 for x in records(f.read()) if x[2] == "I")
        c.true("the recording made here has several groups", groups >= 3, "%d" % groups)
        damage(c, "made", made, tmp, rnd)
        damage(c, "fixture", FIXTURE, tmp, rnd)

        foreign = os.path.join(tmp, "foreign.rirec")
        with open(foreign, "wb") as f:
            f.write(b"#!/bin/sh\necho not a recording\n" * 50)
        rc, lines, err = replay(foreign)
        c.true("a foreign file: exit 1, one line naming it and byte 0",
               rc == 1 and not lines and len(err) == 1 and foreign in err[0]
               and "byte 0" in err[0], "exit %d: %s" % (rc, err[:2]))
        empty = os.path.join(tmp, "empty.rirec")
        open(empty, "wb").close()
        rc, lines, err = replay(empty)
        c.true("an empty file: exit 1, one line", rc == 1 and len(err) == 1
               and empty in err[0], "exit %d: %s" % (rc, err[:2]))
        d = os.path.join(tmp, "dir")
        os.mkdir(d)
        shutil.copy(foreign, os.path.join(d, "20260101T000000Z.rirec"))
        shutil.copy(made, os.path.join(d, "20260101T010000Z.rirec"))
        rc, lines, err = replay(d)
        _, want, _ = replay(made)
        c.true("a directory with a foreign file: the recording replays, the other "
               "is said left out", rc == 0 and lines == want and len(err) == 1
               and "left out" in err[0], "exit %d, %d/%d lines: %s" % (
                   rc, len(lines), len(want), err[:2]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
