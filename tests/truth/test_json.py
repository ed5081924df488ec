#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_json - JSON output stays valid with hostile process names.

The weird workload names itself and its threads with control
characters, escape sequences, invalid UTF-8, quotes, backslashes and
an empty name.  The tool runs system-wide with -H, so every process on
the machine is serialised too.  Every stdout line must be strict UTF-8,
contain no raw control byte, and parse with json.loads; each weird name
must come back as the kernel's bytes decoded as UTF-8 where they are
valid, with each invalid byte either replaced (U+FFFD or '?') or kept as
a code point / literal "\\xNN" escape.
"""

import os
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

REPLACERS = (
    lambda b: "\ufffd",
    lambda b: "?",
    lambda b: chr(b),
    lambda b: "\\x%02x" % b,
    lambda b: "\\x%02X" % b,
)


def utf8_char_at(b, i):
    """(char, length) for the valid UTF-8 sequence at b[i], or None."""
    for n in (1, 2, 3, 4):
        try:
            return b[i:i + n].decode("utf-8"), n
        except UnicodeDecodeError:
            continue
    return None


def decodings(b):
    """The acceptable renderings of raw comm bytes b."""
    parts, i = [], 0
    while i < len(b):
        r = utf8_char_at(b, i)
        if r:
            parts.append(r[0])
            i += r[1]
        else:
            parts.append(b[i])     # an int marks one invalid byte
            i += 1
    out = {b.decode("utf-8", "replace")}    # one U+FFFD per maximal subpart
    for rep in REPLACERS:
        out.add("".join(p if isinstance(p, str) else rep(p) for p in parts))
    return out


def read_comm(pid, tid):
    with open("/proc/%d/task/%d/comm" % (pid, tid), "rb") as f:
        raw = f.read()
    return raw[:-1] if raw.endswith(b"\n") else raw


def main():
    ri.preflight_source()
    wl = ri.Workload("weird", ["--seconds", "60"])
    try:
        names = {int(t): read_comm(wl.pid, int(t))
                 for t in os.listdir("/proc/%d/task" % wl.pid)}
        tool = ri.Tool.json(["-d", "1", "-n", "3", "-H"])
        tool.wait(timeout=20)
    finally:
        wl.kill()

    c = ri.Checks()
    c.true("exit code 0", tool.rc == 0, "rc %s %s" % (tool.rc, tool.stderr_tail()))
    c.true("3 lines", len(tool.raw) == 3, "%d lines" % len(tool.raw))
    bad_utf8, raw_ctl = [], []
    for n, line in enumerate(tool.raw, 1):
        body = line[:-1] if line.endswith(b"\n") else line
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as e:
            bad_utf8.append("line %d byte %d: %r" % (n, e.start, body[max(0, e.start - 20):e.start + 4]))
        for j, ch in enumerate(body):
            if ch < 0x20:
                raw_ctl.append("line %d byte %d: 0x%02x near %r" % (n, j, ch, body[max(0, j - 20):j + 4]))
                break
    c.true("output is strict UTF-8", not bad_utf8, "; ".join(bad_utf8[:3]))
    c.true("no raw control bytes inside lines", not raw_ctl, "; ".join(raw_ctl[:3]))
    c.true("every line parses with json.loads", not tool.bad and tool.ticks,
           "; ".join("line %d: %s" % b for b in tool.bad[:3]))

    found = 0
    for tick in tool.ticks:
        p = ri.find_proc(tick, wl.pid)
        if p is None:
            continue
        found += 1
        ok = p.get("comm") in decodings(names[wl.pid])
        c.true("tick %d process comm round-trips" % found, ok,
               "proc %r, json %r" % (names[wl.pid], p.get("comm")))
        got = {t.get("tid"): t.get("comm") for t in p.get("threads") or []}
        missing = [tid for tid in names if tid not in got]
        wrong = ["tid %d: proc %r, json %r" % (tid, names[tid], got[tid])
                 for tid in names if tid in got and got[tid] not in decodings(names[tid])]
        c.true("tick %d all %d thread names round-trip" % (found, len(names)),
               not missing and not wrong,
               "missing %s; %s" % (missing, "; ".join(wrong)) if missing or wrong else "")
    c.true("weird process in the output", found > 0, "%d ticks" % found)
    c.finish()


if __name__ == "__main__":
    main()
