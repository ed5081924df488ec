#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_nothing_lost - the ticks add up to the whole run, with no gaps.

A 50% burner runs for the whole tool run (-d 1 -n 11).  Its on-CPU time
is polled from /proc/PID/task/*/schedstat every 10 ms; interpolated at
the start of the first interval (first tick time - interval_s) and at
the last tick time, that gives the CPU the process used during the run.
The sum of the per-tick cpu_ns must equal it within one tick's worth
(the median per-tick cpu_ns); the error is printed so a drift well
inside that bound is still visible.  The intervals themselves must
tile the run: each tick's interval_s equals the time since the previous
tick within 10 ms.
"""

import os
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402


def main():
    ri.preflight_source()
    name = ri.comm_name("rilost")
    ticks = 11
    wl = ri.Workload("burn", ["--name", name, "--thread", "%s-t:50" % name[:12]])
    sampler = ri.Sampler(lambda: ri.task_cpu_ns(wl.pid), period=0.01)
    try:
        tool = ri.Tool.json(["-d", "1", "-n", str(ticks), "-p", str(wl.pid)])
        tool.wait(timeout=ticks + 15)
    finally:
        samples = sampler.stop()
        wl.kill()
    tool.require_clean()

    c = ri.Checks()
    apps = ri.appearances(tool.ticks, wl.pid)
    c.close("ticks listing the burner", len(apps), ticks, 0)
    if not apps:
        c.finish()

    first, last = tool.ticks[0], tool.ticks[-1]
    t_start = first["time"] - first["interval_s"]
    t_end = last["time"]
    a = ri.interpolate(samples, t_start)
    b = ri.interpolate(samples, t_end)
    if a is None or b is None:
        ri.fail("schedstat samples do not cover the run (%.3f..%.3f vs %.3f..%.3f)"
                % (t_start, t_end, samples[0][0] if samples else 0,
                   samples[-1][0] if samples else 0))
    truth = b - a
    got = sum(ri.num(p.get("cpu_ns")) or 0 for _, p in apps)
    per_tick = ri.median(ri.num(p.get("cpu_ns")) for _, p in apps)
    c.close("cpu_ns summed over %d ticks (error %+.1f ms, %+.2f%%)"
            % (len(apps), (got - truth) / 1e6, 100.0 * (got - truth) / truth),
            got, truth, per_tick, "ms")

    gaps = []
    for prev, cur in zip(tool.ticks, tool.ticks[1:]):
        gaps.append(abs((cur["time"] - prev["time"]) - cur["interval_s"]))
    c.true("intervals tile the run (max |dt - interval_s| <= 10 ms)",
           max(gaps) <= 0.010, "max %.1f ms" % (1000 * max(gaps)))
    c.close("sum of interval_s vs last tick - start",
            sum(t["interval_s"] for t in tool.ticks), t_end - t_start, 0.010)
    c.finish()


if __name__ == "__main__":
    main()
