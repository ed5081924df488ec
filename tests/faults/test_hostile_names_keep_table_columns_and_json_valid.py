#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Process and thread names with control characters, terminal escapes,
invalid UTF-8, quotes, backslashes, wide characters (the `weird` workload).

What the user sees: in the text table (-b -H) every row has the same
column positions as the header (the CSW/s field ends in the same screen
column; widths counted as a terminal shows them: wide characters take
two columns) and no control character reaches the terminal (C0, DEL, C1,
U+2028/U+2029). In --json every line parses, holds no raw control byte,
and each name decodes to the kernel's bytes (valid UTF-8 kept, any other
byte as the code point of the same value).
"""

import os
import re
import sys
import unicodedata

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
TICKS = 3
ROW = re.compile(r"^\d\d:\d\d:\d\d ")
EXITED = "  [exited]"


def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def bad_chars(s):
    return sorted({"U+%04X" % ord(ch) for ch in s if (ord(ch) < 0x20 and ch != "\n")
                   or 0x7f <= ord(ch) <= 0x9f or ch in "\u2028\u2029"})


def expected_json_name(raw):
    """What the tool promises: valid UTF-8 kept, other bytes as U+00XX."""
    out, i = [], 0
    while i < len(raw):
        for k in (1, 2, 3, 4):
            try:
                ch = raw[i:i + k].decode("utf-8")
                if len(ch) == 1:
                    out.append(ch)
                    i += k
                    break
            except UnicodeDecodeError:
                continue
        else:
            out.append(chr(raw[i]))
            i += 1
    return "".join(out)


def main():
    ri.preflight()
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    w = ri.Workload("weird", ["--seconds", "6"])
    args = ["-b", "-H", "-p", str(w.pid), "-d", str(DELAY), "-n", str(TICKS)]
    tx = ri.Tool(args, san, json_mode=False)
    js = ri.Tool(args + ["--json"], san)
    tx.wait_ticks(1, 20)
    watch.note(tx.pid)
    rct, rcj = tx.wait(30), js.wait(30)
    truth = w.wait(30)

    c.true("both runs exit 0", rct == 0 and rcj == 0, "text %s, json %s" % (
        ri.rc_text(rct), ri.rc_text(rcj)))
    raw = b"".join(tx.raw)
    try:
        text = raw.decode("utf-8")
        c.true("text output is valid UTF-8", True)
    except UnicodeDecodeError as e:
        text = raw.decode("utf-8", "replace")
        c.true("text output is valid UTF-8", False, str(e))
    bc = bad_chars(text)
    c.true("no control character in the text output", not bc, "found %s" % bc)
    lines = text.split("\n")
    heads = [l for l in lines if l.startswith("TIME ")]
    rows = [l[:-len(EXITED)] if l.endswith(EXITED) else l for l in lines if ROW.match(l)]
    hw = width(heads[0]) if heads else None
    off = [(width(r), r) for r in rows if width(r) != hw]
    ntid = 1 + len(truth.get("threads") or [])
    c.true("text rows for the process and its %d threads" % ntid,
           len(rows) >= TICKS * (ntid + 1), "%d rows" % len(rows))
    c.true("every row ends in the header's column (CSW/s aligned)", heads and not off,
           "header %s columns; %d of %d rows differ: %s" % (
               hw, len(off), len(rows), [(n, r[18:45]) for n, r in off[:4]]))

    c.true("every JSON line parses", js.ticks and not js.bad, "%d ticks, %d bad: %s" % (
        len(js.ticks), len(js.bad), js.bad[:1]))
    ctl = [l for l in js.raw if any(b < 0x20 or b == 0x7f for b in l.rstrip(b"\n"))]
    c.true("no raw control byte in JSON lines", not ctl, "%d lines with one" % len(ctl))
    want = {int(truth["pid"]): expected_json_name(bytes.fromhex(truth["comm_hex"]))}
    for th in truth.get("threads") or []:
        want[int(th["tid"])] = expected_json_name(bytes.fromhex(th["comm_hex"]))
    got = {}
    for x in js.ticks:
        p = ri.find_proc(x, w.pid)
        for th in (p or {}).get("threads") or []:
            got[th["tid"]] = th["comm"]
    wrong = {t: (got.get(t), n) for t, n in want.items() if got.get(t) != n}
    c.true("every name decodes to the kernel's bytes", not wrong,
           "%d of %d names differ: %r" % (len(wrong), len(want), list(wrong.items())[:3]))
    reps = san.reports(tx, js)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("%d names; text: %d rows, %d off the header's %s columns, control chars %s, "
             "json: %d ticks, %d bad lines, %d raw-control lines, %d names wrong"
             % (len(want), len(rows), len(off), hw, bc or "none",
                len(js.ticks), len(js.bad), len(ctl), len(wrong)))


if __name__ == "__main__":
    main()
