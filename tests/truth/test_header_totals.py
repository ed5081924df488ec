#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_header_totals - the machine totals in the header are the machine's.

While a burner keeps one CPU 60% busy, a sampler reads /proc/stat and
/proc/meminfo with wall-clock stamps: every 0.5 ms until the tool's first
tick and near each moment it is due to tick after that (batch ticks keep
to a grid), every 20 ms in between.
Both move on their own, so the truth at a tick is a range: the values of
the samples from just before the moment the tool read them to just after
(the read lies within READ_EARLY before the tick's time and READ_LATE
after it). For every steady tick, the tool's cpu_pct_total (busy CPU of
the whole machine over the tick's interval, of one CPU) must lie within
3 points of the busy time /proc/stat accounted between some pair of
samples around the interval's two ends, and mem_used within 4 MiB of
the MemTotal - MemAvailable of the samples around the tick. With -p on
the burner (so the kernel filter hides every other task) the totals must
still be the machine's, not the chosen process's.
"""

import os
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

CPU_TOL = 3.0
MEM_SLACK = 4 * 2**20
# Where the tool reads /proc/stat and /proc/meminfo, against the time its
# tick carries: the procfs source reads them just before taking the time
# (about 1 ms), the bpf source just after, once it has drained the exit
# ring (about 5 ms, under strace).
READ_EARLY = 0.02
READ_LATE = 0.05
# The procfs source takes its time after walking /proc, which takes a
# varying part of the refresh: its ticks stray this far from the grid.
GRID_SLACK = 0.1
FAST = 0.0005


def read_machine():
    """(busy jiffies, all jiffies, MemTotal - MemAvailable bytes)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    total = sum(v)
    m = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, rest = line.split(":", 1)
            m[k] = int(rest.split()[0]) * 1024
    return total - v[3] - v[4], total, m["MemTotal"] - m["MemAvailable"]


def around(samples, t):
    return ri.bracket(samples, t - READ_EARLY, t + READ_LATE)


def busy_range(samples, start, end, ncpu):
    """(least, most) busy CPU%, of one CPU, /proc/stat gives between a
    sample around start and one around end; None when not covered."""
    a, b = around(samples, start), around(samples, end)
    if a is None or b is None:
        return None
    pcts = [100.0 * ncpu * (y[0] - x[0]) / (y[1] - x[1])
            for x in a for y in b if y[1] > x[1]]
    return (min(pcts), max(pcts)) if pcts else None


def check_run(checks, args, label):
    tool = ri.Tool.json(["-d", "1", "-n", "6"] + args)
    grid = []

    def period(now):
        # Densely until the first tick shows where the grid lies: its read
        # is the start of the first steady interval.
        if not grid and tool.ticks:
            grid.append(ri.around_ticks(tool.ticks[0]["time"], 1.0, fast=FAST,
                                        near=GRID_SLACK))
        return grid[0](now) if grid else FAST
    sampler = ri.Sampler(read_machine, period=period)
    tool.need_ticks(6, 30)
    tool.wait(10)
    samples = sampler.stop()
    tool.require_clean()
    for tick in ri.steady(tool.ticks):
        end = tick["time"]
        cpu = busy_range(samples, end - tick["interval_s"], end, tick["ncpu"])
        checks.within("%s cpu_pct_total at %.0f" % (label, end), tick["cpu_pct_total"],
                      cpu and cpu[0], cpu and cpu[1], CPU_TOL)
        mem = [x[2] for x in around(samples, end) or []]
        checks.within("%s mem_used at %.0f" % (label, end), tick["mem_used"],
                      min(mem or [None]), max(mem or [None]), MEM_SLACK, "MiB")


def main():
    ri.preflight_source()
    checks = ri.Checks()
    burner = ri.Workload("burn", ["--name", ri.comm_name("ritot"), "--seconds", "30",
                                  "--thread", "hot:60"])
    try:
        check_run(checks, [], "system-wide")
        check_run(checks, ["-p", str(burner.pid)], "with -p")
    finally:
        burner.kill()
    checks.finish()


if __name__ == "__main__":
    main()
