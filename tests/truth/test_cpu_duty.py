#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_cpu_duty - per-thread CPU% matches known duty cycles.

One burn process: threads at 25% and 50% share CPU 0, a 100% thread has
CPU 1 to itself (the tool is pinned to CPU 0 so it does not steal from
it).  The median of the steady ticks' cpu_pct for each thread must be
within 1 point of the thread's duty.

A busy machine can keep a thread from its duty in some seconds, so the
per-tick readings are also compared with the kernel's own per-thread
runtime over each tick's interval (/proc/PID/task/TID/schedstat polled
every 10 ms and interpolated): the median per-tick difference must be
within 1 point.  If the thread's per-tick runtime itself strays from its
duty by more than 1 point, the duty comparison is reported as skipped
(machine busy) instead of failing the tool for it.

The workload starts after the tool's first tick and ends before its
last, so the sum of a thread's per-tick cpu_ns over the run must equal
the thread's own total.
"""

import os
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

TOL_PCT = 1.0


def main():
    ri.preflight_source()
    if (os.cpu_count() or 1) < 2:
        ri.skip("needs 2 CPUs (100% thread alone on one)")
    name = ri.comm_name("riduty")
    ticks = 12
    tool = ri.Tool.json(["-d", "1", "-n", str(ticks), "-H", "-c", name], cpu=0)
    tool.need_ticks(1, timeout=15)
    wl = ri.Workload("burn", ["--name", name,
                              "--thread", "d25:25:0",
                              "--thread", "d50:50:0",
                              "--thread", "d100:100:1"])
    # The sampler (this process) stays on CPU 0 with the tool.
    os.sched_setaffinity(0, {0})
    sampler = ri.Sampler(lambda: ri.task_cpu_map(wl.pid), period=0.01)
    # Stop well before the tool's last tick so the exit is inside the run.
    time.sleep(ticks - 3.5)
    samples = sampler.stop()
    truth = wl.stop()
    tool.wait(timeout=ticks + 10)
    tool.require_clean()

    c = ri.Checks()
    apps = ri.appearances(tool.ticks, wl.pid)
    if not apps:
        tool.fail_with("process %s (pid %d) never reported" % (name, wl.pid))
    st = ri.steady(apps)
    c.at_least("steady ticks with the process", len(st), 5)
    c.true("process comm", all(p.get("comm") == name for _, p in apps),
           "reported %r" % sorted({p.get("comm") for _, p in apps}))
    c.true("last appearance is marked exited", apps[-1][1].get("exited") is True,
           "exited=%r in tick %d of %d" % (apps[-1][1].get("exited"),
                                           tool.ticks.index(apps[-1][0]) + 1,
                                           len(tool.ticks)))

    for th in truth["threads"]:
        tid, tname = th["tid"], th["name"]
        got = th["measured_duty"]
        pcts, diffs, real, sum_ns = [], [], [], 0
        for _, p in apps:
            t = ri.find_thread(p, tid)
            if t is not None:
                sum_ns += ri.num(t.get("cpu_ns")) or 0
        for tick, p in st:
            t = ri.find_thread(p, tid)
            pct = ri.num(t.get("cpu_pct")) if t else None
            want = ri.tick_truth_pct(samples, tid, tick)
            pcts.append(pct)
            if want is not None:
                real.append(want)
                if pct is not None:
                    diffs.append(pct - want)
        n = len([x for x in pcts if x is not None])
        c.close("cpu %.0f%% thread %s: median per-tick error vs schedstat over %d ticks"
                " (max |err| %.2f)" % (th["duty"], tname, len(diffs),
                                       max([abs(x) for x in diffs] or [0])),
                ri.median(diffs), 0.0, TOL_PCT)
        duty = th["duty"]
        busy = [x for x in real if abs(x - duty) > TOL_PCT]
        if busy or len(real) < len(st):
            c.skip_part("cpu %.0f%% thread %s vs duty" % (duty, tname),
                        "machine busy or stealing: thread really got %s%% in the "
                        "steady ticks (overall %.2f%%); tool median %s"
                        % (",".join("%.1f" % x for x in real), got, ri.median(pcts)))
        else:
            c.close("cpu %.0f%% thread %s: median of %d ticks" % (duty, tname, n),
                    ri.median(pcts), duty, TOL_PCT, "")
        if ri.RI_SOURCE == "procfs":
            c.skip_part("total %s" % tname,
                        "procfs cannot see CPU used between the last tick and exit")
            continue
        tol = max(5e6, 0.005 * th["cpu_ns"])
        c.close("cpu_ns total %s over all ticks" % tname, sum_ns, th["cpu_ns"], tol, "ms")

    if ri.RI_SOURCE != "procfs":
        tot = sum(ri.num(p.get("cpu_ns")) or 0 for _, p in apps)
        c.close("cpu_ns total process over all ticks", tot, truth["cpu_ns"],
                max(5e6, 0.005 * truth["cpu_ns"]), "ms")
    c.finish()


if __name__ == "__main__":
    main()
