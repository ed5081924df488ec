#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A batch run stalled for several refreshes (SIGSTOP, standing for a
machine so loaded that the tool gets no CPU): the refreshes it missed are
not made up in a burst once it runs again.

What the user sees: after the stall, one refresh whose interval spans it,
then the steps it asked for; never a refresh a fraction of a step after
the last. (A burst of refreshes microseconds apart printed noise: a
running thread's CPU time moves in the scheduler's 4 ms ticks, so a
spinner showed CPU 839% over a 0.5 ms interval.) Both the grid and the
count of refreshes asked for (-n) hold.
"""

import os
import signal
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

STEP = 0.2
COUNT = 20
STALL = 1.5


def main():
    ri.preflight()
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    tool = ri.Tool.json(["-d", str(STEP), "-n", str(COUNT), "-p", "1"], san=san)
    watch.note(tool.pid)
    tool.need_ticks(3, 30)
    tool.signal(signal.SIGSTOP)
    stopped = time.monotonic()
    # The stall itself is the point: several refreshes' worth of time.
    while time.monotonic() - stopped < STALL:
        time.sleep(0.05)
    tool.signal(signal.SIGCONT)
    rc = tool.wait(STEP * COUNT + STALL + 30)
    c.true("the run ends by itself with status 0", rc == 0, ri.rc_text(rc))
    ivals = [t.get("interval_s") for t in tool.ticks]
    c.true("every refresh asked for is printed", len(ivals) == COUNT,
           "%d of %d" % (len(ivals), COUNT))
    later = ivals[1:]
    short = [v for v in later if v is None or v < STEP / 2]
    c.true("no refresh less than half a step after the last", not short,
           "intervals %s" % " ".join("%.4f" % v if v is not None else "null" for v in ivals))
    c.true("one refresh spans the stall", any(v is not None and v >= STALL for v in later),
           "longest %.3f s" % max(v for v in later if v is not None))
    c.true("the others keep the step",
           sum(1 for v in later if v is not None and abs(v - STEP) < STEP / 4) >= len(later) - 3,
           " ".join("%.3f" % v for v in later if v is not None))
    reps = san.reports()
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("intervals " + " ".join("%.3f" % v for v in ivals if v is not None))


if __name__ == "__main__":
    main()
