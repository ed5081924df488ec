#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_memory - RSS and mem% follow a process that grows at a fixed rate.

grow starts at 64 MiB and adds 16 MiB/s, logging its own /proc/self/statm
resident size every 100 ms with CLOCK_MONOTONIC stamps.  For every steady
tick, the tool's rss_bytes must be within 2% of the statm value at the
tick's time (tick time converted to CLOCK_MONOTONIC, statm interpolated
between the two nearest samples), and mem_pct must equal
rss_bytes / MemTotal * 100 within output rounding.
"""

import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

TOL = 0.02
PCT_TOL = 0.051      # a mem_pct printed with one decimal is within 0.05


def main():
    ri.preflight_source()
    name = ri.comm_name("rigrow")
    ticks = 10
    fd, log = tempfile.mkstemp(prefix="ri-statm-", suffix=".log")
    os.close(fd)
    wl = None
    try:
        offset = ri.mono_minus_real()
        tool = ri.Tool.json(["-d", "1", "-n", str(ticks), "-c", name])
        tool.need_ticks(1, timeout=15)
        wl = ri.Workload("grow", ["--name", name, "--start", "64M", "--rate", "16M",
                                  "--seconds", str(ticks + 5), "--statm-log", log])
        tool.wait(timeout=ticks + 10)
        wl.stop()
        samples = []
        with open(log) as f:
            for line in f:
                m, r = line.split()
                samples.append((float(m), int(r)))
    finally:
        if wl is not None:
            wl.kill()
        os.unlink(log)
    tool.require_clean()

    c = ri.Checks()
    total = ri.mem_total_bytes()
    st = ri.steady(ri.appearances(tool.ticks, wl.pid))
    c.at_least("steady ticks with the process", len(st), 5)
    worst, worst_pct, n = 0.0, 0.0, 0
    for tick, p in st:
        rss = ri.num(p.get("rss_bytes"))
        want = ri.interpolate(samples, tick["time"] + offset)
        if want is None:
            c.true("statm sample around tick %.3f" % tick["time"], False, "none")
            continue
        n += 1
        err = (rss - want) / want if rss is not None else float("inf")
        if abs(err) >= abs(worst):
            worst = err
        c.close("tick %.1f rss" % tick["time"], rss, int(want), TOL * want, "MiB")
        mp = ri.num(p.get("mem_pct"))
        if rss is not None and mp is not None:
            d = mp - 100.0 * rss / total
            worst_pct = max(worst_pct, abs(d))
        c.close("tick %.1f mem_pct vs rss/MemTotal" % tick["time"], mp,
                100.0 * (rss or 0) / total, PCT_TOL)
    ri.say("summary: %d ticks, worst rss error %+.2f%%, worst mem_pct error %.3f points"
           % (n, 100 * worst, worst_pct))
    c.finish()


if __name__ == "__main__":
    main()
