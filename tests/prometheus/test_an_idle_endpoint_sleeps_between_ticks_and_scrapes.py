#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""--listen left running with nobody scraping, as on a watched database
host between Prometheus's scrapes: the exporter's threads sleep.

The HTTP server's threads (every thread but the monitor's: the server's
loop and the guard that closes overstaying connections, four times a
second) are watched over three ticks of `-q -d 0.5 --listen PORT`: the
CPU they use (schedstat) stays under 5% of the window, the guard's under
2%. A guard whose timed wait returned at once (a deadline on another
clock than its condition variable's) spun a whole CPU.
"""

import os
import re
import signal
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

TICKS = 3


def threads(pid):
    """{tid: (comm, CPU ns so far)} of pid's threads."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                comm = f.read().strip()
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                out[int(tid)] = (comm, int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
    return out


def switches_seen(port):
    """The exposition's count of context switches seen: it moves each tick."""
    st, _, body = ri.http_get(port)
    m = re.search(rb"^resource_image_context_switches_seen(?:_total)?(?:\{[^}]*\})? (\S+)",
                  body, re.M)
    return float(m.group(1)) if st == 200 and m else None


def main():
    ri.preflight()
    c = ri.Checks()
    san = ri.SanDir()
    port = ri.free_port()
    tool = ri.Tool(["-q", "-d", "0.5", "--listen", str(port)], json_mode=False, san=san)
    try:
        if not ri.wait_http(port, timeout=20, proc=tool):
            tool.fail_with("the endpoint did not answer within 20 s")
        a, t0 = threads(tool.pid), time.monotonic()
        # The window: until the exposition has moved TICKS times.
        seen, moves, deadline = switches_seen(port), 0, time.monotonic() + 20
        while moves < TICKS and time.monotonic() < deadline:
            time.sleep(0.1)
            now = switches_seen(port)
            if now is not None and now != seen:
                moves, seen = moves + 1, now
        b, t1 = threads(tool.pid), time.monotonic()
        c.true("the exposition moved %d times within 20 s" % TICKS, moves >= TICKS,
               "%d times" % moves)
        wall = (t1 - t0) * 1e9
        server = {tid: (comm, b[tid][1] - a.get(tid, (comm, 0))[1])
                  for tid, (comm, _) in b.items() if tid != tool.pid}
        guard = sum(ns for comm, ns in server.values() if comm == "ri-http-guard")
        total = sum(ns for _, ns in server.values())
        detail = ", ".join("%s %.1f ms" % (comm, ns / 1e6) for comm, ns in server.values())
        c.true("the guard thread used under 2%% of a CPU over %.1f s" % (wall / 1e9),
               guard < 0.02 * wall, detail)
        c.true("the server's threads used under 5%% of a CPU (%d scrapes of the window"
               " included)" % (moves + 1), total < 0.05 * wall, detail)
    finally:
        tool.signal(signal.SIGTERM)
        tool.wait(20)
    reps = san.reports(tool)
    c.true("no sanitizer report", not reps, reps[0][:300] if reps else "")
    san.cleanup()
    c.finish("an idle endpoint's threads sleep between ticks and scrapes")


if __name__ == "__main__":
    main()
