#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_follow_screen_live_then_past_then_live - the screen of -r DIR --follow.

A recorder writes a directory in the background (procfs, a tick every
0.5 s, a file a second with the test-only RI_RECORD_ROTATE_S=1); the
screen follows it:
  - the header says LIVE and the clock moves with each frame written, the
    time bar says live, across the rotation;
  - T steps into the past: the header says REPLAY with the cursor's time,
    which stays while frames go on being written;
  - ] comes back to live, at the newest frame;
  - q ends it, exit 0.
"""

import os
import re
import shutil
import signal
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

HEAD = re.compile(r"^resource_image (LIVE|REPLAY) .*?(\d\d:\d\d:\d\d)  every", re.M)


def header(tm):
    m = HEAD.search(tm.capture())
    return (m.group(1), m.group(2)) if m else (None, None)


def wait_header(tm, pred, timeout=10):
    end = time.monotonic() + timeout
    h = (None, None)
    while time.monotonic() < end:
        h = header(tm)
        if h[0] and pred(h):
            return h
        time.sleep(0.05)
    return h


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.TuiChecks()
    tmp = tempfile.mkdtemp(prefix="ri-follow-tui-")
    d = os.path.join(tmp, "rec") + "/"
    rec = ri.Tool(["-b", "--json", "--source", "procfs", "-d", "0.5", "-w", d],
                  env=dict(os.environ, RI_RECORD_ROTATE_S="1", TZ="UTC"))
    try:
        rec.need_ticks(3, 20)
        tm = ri.Tmux(140, 30, ri.Tmux.tool_command(
            ["-r", d, "--follow"], env=("TERM=tmux-256color", "LANG=C.UTF-8", "TZ=UTC")))
        c.tmux = tm
        first = wait_header(tm, lambda h: h[0] == "LIVE")
        c.true("starts LIVE on the newest frame", first[0] == "LIVE", "%s" % (first,))
        moved = wait_header(tm, lambda h: h[0] == "LIVE" and h[1] > first[1], 10)
        c.true("LIVE: the clock moves with the frames written", moved[1] and
               moved[1] > (first[1] or ""), "%s then %s" % (first, moved))
        c.true("the time bar says live", tm.wait_for(r"\blive$", 5))
        tm.keys("T")
        past = wait_header(tm, lambda h: h[0] == "REPLAY", 5)
        c.true("T: REPLAY, the cursor's time in the past", past[0] == "REPLAY" and
               past[1] <= moved[1], "%s (live was %s)" % (past, moved))
        n = len(rec.ticks)
        rec.need_ticks(n + 3, 15)
        still = header(tm)
        c.true("in the past the cursor stays while frames are written", still == past,
               "%s then %s" % (past, still))
        tm.keys("]")
        back = wait_header(tm, lambda h: h[0] == "LIVE" and h[1] > past[1], 5)
        c.true("]: LIVE again, at the newest frame", back[0] == "LIVE" and back[1] > past[1],
               "%s" % (back,))
        tm.keys("q")
        c.true("q: exit 0", tm.wait_for(r"^EXIT=0$", 10))
    finally:
        rec.signal(signal.SIGINT)
        rec.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
