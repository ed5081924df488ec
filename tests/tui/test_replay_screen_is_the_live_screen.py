#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_replay_screen_is_the_live_screen - the TUI over a recording shows what it showed live.

A live TUI (BPF source) watches a burner with two threads, chosen with
-c, and records (-w). The screen it shows after a tick is captured, with
the tick's time from its header; the same recording replayed, b jumping
to that time, must show the same screen: the header under its title
(figures and meters), the table and the detail panels with their sparklines, cell for
cell (the replay's first line says REPLAY and a time bar comes under the
header, so its pane is one line taller). Needs root and BPF.
"""

import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

COLS, ROWS = 120, 36
ENV = ("TERM=tmux-256color", "LANG=C.UTF-8", "TZ=UTC", "NO_COLOR=1")


def main():
    ri.preflight(need_bpftool=False, need_workloads=True)
    c = ri.TuiChecks()
    tmp = tempfile.mkdtemp(prefix="ri-tui-same-")
    name = ri.comm_name("risc")
    path = os.path.join(tmp, "live.rirec")
    wl = ri.Workload("burn", ["--name", name, "--seconds", "120", "--thread", "a:50",
                              "--thread", "b:20"])
    try:
        live = ri.Tmux(COLS, ROWS, ri.Tmux.tool_command(
            ["-c", name, "-d", "2", "-w", path], env=ENV))
        c.tmux = live
        # A tick with figures (CPU% of the burner shown), between two ticks.
        screen = None
        for _ in range(3):
            s = live.settled(r"^\s+%d\s.*\s\d+\.\d\s" % wl.pid, timeout=20)
            if s and re.search(r"\b[1-9]\d?\.\d\b", s):
                screen = s
                break
        if not screen:
            c.fail("the live screen never showed the burner's figures")
        clock = re.search(r"^resource_image (\d\d:\d\d:\d\d) ", screen)
        live.keys("q")
        live.wait_for(r"^EXIT=", 10)
        c.true("the live header has the tick's time", clock is not None, screen[:80])
        rep = ri.Tmux(COLS, ROWS + 1, ri.Tmux.tool_command(["-r", path], env=ENV))
        c.tmux = rep
        c.true("the replay opens", rep.wait_for(r"REPLAY", 10))
        rep.keys("b", clock.group(1), "Enter")
        again = rep.settled(r"^\d{4}-\d\d-\d\d %s " % clock.group(1), timeout=20)
        c.true("b lands on that tick", again is not None)
        a = screen.splitlines()
        b = (again or "").splitlines()
        # The replay's time bar is the one line the live screen does not
        # have: above it the header (title aside), below it the rest.
        bar = next((i for i, x in enumerate(b)
                    if re.match(r"^\d{4}-\d\d-\d\d %s " % clock.group(1), x)), 3)
        c.true("the header's CPU, memory, meters and events lines are the same",
               a[1:bar] == b[1:bar], "%r | %r" % (a[1:bar], b[1:bar]))
        # The table and the detail panels, not the footer.
        body_a, body_b = a[bar:ROWS - 1], b[bar + 1:ROWS]
        first = next((i for i, (x, y) in enumerate(zip(body_a, body_b)) if x != y), None)
        c.true("the table and the detail panels are the same, cell for cell (%d lines)"
               % len(body_a), body_a == body_b and len(body_a) > 10,
               "line %s: %r | %r" % (first, body_a[first] if first is not None else "",
                                     body_b[first] if first is not None else ""))
        rep.keys("q")
        c.true("q leaves the replay, exit 0", rep.wait_for(r"^EXIT=0", 10))
    finally:
        wl.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
