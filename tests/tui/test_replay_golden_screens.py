#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_replay_golden_screens - the screen over the v1 fixture, cell for cell.

The TUI replaying tests/record/fixture-v1.rirec in tmux (120x40, UTC,
UTF-8; no root, no BPF: a replay never opens the probe) must draw
exactly the screens kept in tests/tui/golden/:
  replay-detail     the first screen: the recorded choice, its processes
                    with their detail panels, the time bar;
  replay-overview   after a: every recorded process;
  replay-threads    after Enter: the busiest process's threads;
  replay-picker     after p: the picker over the recorded processes;
  replay-help       after ?: the replay's keys first.
So the drawing of the TUI is tested on any machine. After a deliberate
change of the screen, `make golden` writes them again (and git diff shows
what changed).
"""

import os
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
UPDATE = os.environ.get("RI_GOLDEN_UPDATE") == "1"
COLS, ROWS = 120, 40


def settled(tm, marker, before=None, timeout=10):
    """The screen once it shows marker, is no longer the screen before
    (what the last step's keys left), and stays the same for 0.3 s."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        s = tm.capture()
        if marker in s and s != before and s == last:
            return s
        last = s
        time.sleep(0.3)
    return None


def compare(c, name, screen):
    path = os.path.join(GOLDEN, name + ".txt")
    text = "\n".join(line.rstrip() for line in (screen or "").splitlines()) + "\n"
    if UPDATE:
        with open(path, "w") as f:
            f.write(text)
        c.true("%s written" % name, screen is not None)
        return
    try:
        with open(path) as f:
            want = f.read()
    except OSError:
        want = None
    ok = want == text
    detail = ""
    if not ok:
        w = (want or "").splitlines()
        g = text.splitlines()
        i = next((i for i in range(max(len(w), len(g)))
                  if (w[i] if i < len(w) else None) != (g[i] if i < len(g) else None)), 0)
        detail = "line %d: want %r, got %r (make golden writes them again)" % (
            i + 1, w[i] if i < len(w) else None, g[i] if i < len(g) else None)
    c.true("%s equals %s" % (name, os.path.relpath(path, ri.REPO)), ok, detail)


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.TuiChecks()
    cmd = "cd %s && %s" % (ri.REPO, ri.Tmux.tool_command(
        ["-r", "tests/record/fixture-v1.rirec"],
        env=("TERM=tmux-256color", "LANG=C.UTF-8", "TZ=UTC", "NO_COLOR=1")))
    tm = ri.Tmux(COLS, ROWS, cmd)
    c.tmux = tm
    steps = [
        ("replay-detail", None, "REPLAY"),
        ("replay-overview", ["a"], "showing all processes"),
        ("replay-threads", ["Enter"], "alpha"),
        ("replay-picker", ["p"], "Space"),
        ("replay-help", ["Escape", "?"], "one tick back"),
    ]
    screen = None
    for name, keys, marker in steps:
        if keys:
            tm.keys(*keys)
        screen = settled(tm, marker, screen)
        compare(c, name, screen)
    tm.keys("q")
    c.true("q leaves, exit 0", tm.wait_for(r"^EXIT=0", 15),
           "screen ends: %r" % tm.capture().strip()[-200:])
    c.finish()


if __name__ == "__main__":
    main()
