#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_replay_keys_move_the_cursor - t, T, b, Space, x, [ and ] in a replay.

The TUI over tests/record/fixture-v1.rirec (25 ticks at 1 s; no root,
no BPF), read through its time bar: it starts paused on the first tick;
t and T step one recorded tick forward and back; b asks for a time and
jumps to the first tick at or after it (HH:MM:SS, and +Ns); ] and [ go
to the last and the first tick; Space plays at the recorded pace (about
a tick a second, the header's clock with it) and pauses again; x makes
it x10, which reaches the end and says so; a time that is none is said
and the cursor stays.
"""

import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

FIXTURE = os.path.join(ri.REPO, "tests", "record", "fixture-v1.rirec")
BAR = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) .*\b(paused|playing) x(\d+)", re.M)


def cursor(tm, timeout=5, want=None, state=None, speed=None):
    """(time of the cursor 'YYYY-MM-DD HH:MM:SS', state, speed) from the bar,
    once it shows what is wanted (a key takes a moment to land)."""
    end = time.monotonic() + timeout
    m = None
    while time.monotonic() < end:
        m = BAR.search(tm.capture())
        if m and (want is None or m.group(1) == want) and \
                (state is None or m.group(2) == state) and \
                (speed is None or int(m.group(3)) == speed):
            return m.group(1), m.group(2), int(m.group(3))
        time.sleep(0.1)
    return (m.group(1), m.group(2), int(m.group(3))) if m else (None, None, None)


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.TuiChecks()
    r = subprocess.run([ri.RI_BIN, "-r", FIXTURE, "-b", "--json"], capture_output=True,
                       timeout=60, env=dict(os.environ, TZ="UTC"))
    ticks = [time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(json.loads(x)["time"])))
             for x in r.stdout.decode().splitlines()]
    if len(ticks) < 20:
        ri.fail("the fixture does not replay in batch mode")
    tm = ri.Tmux(120, 40, ri.Tmux.tool_command(
        ["-r", FIXTURE], env=("TERM=tmux-256color", "LANG=C.UTF-8", "TZ=UTC")))
    c.tmux = tm
    now = cursor(tm)
    c.true("starts paused on the first tick", now == (ticks[0], "paused", 1), "%s" % (now,))
    for keys, want, what in ((["t"], 1, "t: one tick forward"),
                             (["t"], 2, "t again"),
                             (["T"], 1, "T: one tick back"),
                             (["]"], len(ticks) - 1, "]: the last tick"),
                             (["["], 0, "[: the first tick")):
        tm.keys(*keys)
        now = cursor(tm, want=ticks[want])
        c.true(what, now[0] == ticks[want], "at %s, want %s" % (now[0], ticks[want]))
    tm.keys("b")
    c.true("b asks for a time", tm.wait_for(r"Jump to", 5))
    tm.keys(ticks[12][11:], "Enter")
    now = cursor(tm, want=ticks[12])
    c.true("b HH:MM:SS: the tick at that time", now[0] == ticks[12], "at %s" % now[0])
    tm.keys("b", "+3s", "Enter")
    now = cursor(tm, want=ticks[3])
    c.true("b +3s: three seconds after the start", now[0] in ticks[3:5], "at %s" % now[0])
    tm.keys("b", "noon", "Enter")
    c.true("b with a time that is none: said", tm.wait_for(r"not a time: noon", 5))
    c.true("... and the cursor stays", cursor(tm)[0] == now[0])

    start = ticks.index(cursor(tm)[0])
    tm.keys("Space")
    c.true("Space plays", cursor(tm, timeout=3, state="playing")[1] == "playing")
    # Not a wait for the screen: the time it plays for, in which x1 must
    # move about a tick a second.
    time.sleep(3.2)
    tm.keys("Space")
    now = cursor(tm, timeout=3, state="paused")
    moved = ticks.index(now[0]) - start if now[0] in ticks else -1
    c.true("at x1, about a tick a second (3.2 s: 2 to 4 ticks), then paused",
           2 <= moved <= 4 and now[1] == "paused", "moved %d, %s" % (moved, now[1]))
    c.true("the header's clock moved with it",
           tm.wait_for(r"\A[^\n]*%s" % re.escape(now[0][11:]), 3),
           "header: %r" % (tm.capture().splitlines() or [""])[0])
    tm.keys("x")
    c.true("x: x10", cursor(tm, speed=10)[2] == 10)
    tm.keys("Space")
    c.true("x10 reaches the end and says so", tm.wait_for(r"end of the recording", 8))
    now = cursor(tm)
    c.true("... paused on the last tick", now[0] == ticks[-1] and now[1] == "paused",
           "%s" % (now,))
    tm.keys("q")
    c.true("q leaves, exit 0", tm.wait_for(r"^EXIT=0", 10))
    c.finish()


if __name__ == "__main__":
    main()
