#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_process_mode_sums_threads_that_come_and_go - without -H, a process's
figures are the sums over its threads, however briefly they live.

`relay` keeps one thread at a time burning 150 ms of its own CPU and
exiting, so a new thread is born and another exits about seven times a
second: many exit while the tool reads, which is where a per-process sum
and the exits that left it could count a slice twice or not at all. The
process's own total CPU (utime + stime of /proc/PID/stat: exited threads
included, the kernel's own sum) is polled every 10 ms.

The tool runs in process mode (`-p PID`, no -H: where the kernel has the
open-coded task iterators, one record per process, its threads summed in
the kernel), and again with -H (every thread read) at the same time, as
a yardstick. Each run's cpu_ns summed over its ticks must equal the
process's CPU over the same span within 2% + 30 ms (an exit that lands
in the last read comes with a drain that never happens), and per steady
tick the median error of cpu_pct must stay within 5 points.
"""

import os
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
TICKS = 9


def process_cpu_ns(pid):
    """utime + stime of the whole process, exited threads included."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            v = f.read().rsplit(")", 1)[1].split()
        return (int(v[11]) + int(v[12])) * 1_000_000_000 // CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def walks_processes(pid):
    """Whether the tool pid holds the per-process walk program."""
    ids = ri.held_prog_ids(pid)
    return any(p.get("id") in ids and p.get("name") == "ri_iter_procs"
               for p in ri.bpftool("prog", "show"))


def check(c, label, tool, pid, samples):
    apps = ri.appearances(tool.ticks, pid)
    c.close("%s: ticks listing the process" % label, len(apps), TICKS, 0)
    if len(apps) < 3:
        return
    first, last = tool.ticks[0], tool.ticks[-1]
    a = ri.interpolate(samples, first["time"] - first["interval_s"])
    b = ri.interpolate(samples, last["time"])
    if a is None or b is None:
        ri.fail("CPU samples (%.2f..%.2f) do not cover the %s run (%.2f..%.2f)"
                % (samples[0][0] if samples else 0, samples[-1][0] if samples else 0,
                   label, first["time"] - first["interval_s"], last["time"]))
    truth = b - a
    got = sum(ri.num(p.get("cpu_ns")) or 0 for _, p in apps)
    c.close("%s: cpu_ns summed over %d ticks (error %+.1f ms)"
            % (label, len(apps), (got - truth) / 1e6), got, truth,
            0.02 * truth + 30e6, "ms")
    errs = []
    for tick, p in ri.steady(apps):
        t0 = ri.interpolate(samples, tick["time"] - tick["interval_s"])
        t1 = ri.interpolate(samples, tick["time"])
        if t0 is not None and t1 is not None and tick["interval_s"] > 0:
            want = (t1 - t0) / 1e9 / tick["interval_s"] * 100
            errs.append((ri.num(p.get("cpu_pct")) or 0) - want)
    c.close("%s: median per-tick cpu_pct error over %d ticks" % (label, len(errs)),
            ri.median(errs), 0.0, 5.0)
    c.true("%s: thread count of a live process" % label,
           all(2 <= (ri.num(p.get("nthreads")) or 0) <= 3 for _, p in ri.steady(apps)),
           "nthreads %s" % sorted({p.get("nthreads") for _, p in apps}))


def main():
    ri.preflight_source(bpf_only=True, need_bpftool=True)
    name = ri.comm_name("rirelay")
    # It outlives both runs, a slow start-up of either included.
    wl = ri.Workload("relay", ["--seconds", str(TICKS + 12), "--name", name])
    sampler = ri.Sampler(lambda: process_cpu_ns(wl.pid), period=0.01)
    try:
        procs = ri.Tool.json(["-d", "1", "-n", str(TICKS), "-p", str(wl.pid)])
        threads = ri.Tool.json(["-d", "1", "-n", str(TICKS), "-H", "-p", str(wl.pid)])
        time.sleep(1.5)
        per_process = walks_processes(procs.pid)
        procs.wait(timeout=TICKS + 20)
        threads.wait(timeout=TICKS + 20)
    finally:
        samples = sampler.stop()
        truth = wl.wait(timeout=30)
    procs.require_clean()
    threads.require_clean()

    c = ri.Checks()
    ri.say("info process mode walks processes in the kernel: %s; %d threads came and went"
           % (per_process, truth.get("threads_started", 0)))
    c.at_least("threads that came and went during the run", truth.get("threads_started", 0),
               TICKS * 4)
    check(c, "process mode", procs, wl.pid, samples)
    check(c, "-H", threads, wl.pid, samples)
    c.finish()


if __name__ == "__main__":
    main()
