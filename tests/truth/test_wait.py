#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_wait - WAIT% (run-queue wait) against the scheduler's own schedstat.

One burn process: two threads at 100% pinned to CPU 0, so each runs about
half the time and waits for the CPU the other half, and a 100% hog alone
on CPU 1, which waits about never (the tool and the sampler stay on CPU 0,
so they do not take CPU 1 from it).

Truth is /proc/PID/task/TID/schedstat (run_delay and pcount, fields 2 and
3) at the ends of each tick's interval. Both move in steps (a wait is
added when the task gets the CPU back), so they are polled every 0.5 ms
within 25 ms of each tick the tool is due to take (batch ticks keep to a
grid) and every 20 ms in between. The tool reads a task somewhere
between the moment its tick is due and the time the tick carries: its
walk of the tasks comes first, and the procfs source's walk of /proc can
take tens of ms on a busy machine. So the truth at an end is the range
of the samples from just before the earliest such moment to just after
the latest (a step counter cannot be placed closer than its samples are
apart either). Checks:
  - per thread and per steady tick: wait_pct within 1 point of the range
    of the run_delay delta over the same interval; nsched within 5% (+2)
    of the range of the pcount delta; wait_ns, wait_pct and wait_avg_ns
    agree with each other;
  - per process and tick: wait_pct within 2 points of the range of the
    sum of its threads' truth;
  - the shape: each pinned thread about 50% CPU and 50% WAIT (within 10
    points, median), the hog about 0% WAIT (under 2 points, median). A
    machine too busy for that shape (another load on CPU 1, say) makes
    those a skipped part, not a failure: the schedstat comparison holds.
"""

import os
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

TOL_THREAD = 1.0
TOL_PROC = 2.0
DELAY = 1.0
# The grid below is estimated from the tick that read fastest, as if its
# walk took no time: this much earlier covers that walk.
READ_SLACK = 0.005


def truth_delta(samples, tid, tick, field):
    """Change of schedstat field (1 run_delay, 2 pcount) of tid over the
    tick's interval, interpolated; None when not covered."""
    series = [(t, m[tid][field]) for t, m in samples if tid in m]
    t1 = tick["time"]
    t0 = t1 - tick["interval_s"]
    a, b = ri.interpolate(series, t0), ri.interpolate(series, t1)
    return None if a is None or b is None else b - a


def read_windows(ticks):
    """[(earliest, latest)] moments at which the tool can have read a task
    for each tick: from when the tick was due (the grid: the ticks' times
    less their place in it, at the least) to the time the tick carries."""
    due = min(t["time"] - i * DELAY for i, t in enumerate(ticks))
    return [(due + i * DELAY - READ_SLACK, t["time"]) for i, t in enumerate(ticks)]


def truth_bracket(samples, tid, ends, field):
    """(least, most) the field can have changed over a tick's interval,
    ends being the read windows of the tick before and of the tick: from
    the samples either side of each window. None when not covered."""
    series = [(t, m[tid][field]) for t, m in samples if tid in m]
    a, b = ri.bracket(series, *ends[0]), ri.bracket(series, *ends[1])
    if a is None or b is None:
        return None
    return min(b) - max(a), max(b) - min(a)


def beyond(x, lo, hi):
    """How far x lies outside [lo, hi], with its sign; 0 inside."""
    return x - hi if x > hi else x - lo if x < lo else 0.0


def main():
    ri.preflight_source()
    if (os.cpu_count() or 1) < 2:
        ri.skip("needs 2 CPUs (the hog alone on one)")
    name = ri.comm_name("riwait")
    ticks = 10
    tool = ri.Tool.json(["-d", str(DELAY), "-n", str(ticks), "-H", "-c", name], cpu=0)
    tool.need_ticks(1, timeout=15)
    wl = ri.Workload("burn", ["--name", name, "--thread", "pin1:100:0",
                              "--thread", "pin2:100:0", "--thread", "hog:100:1"])
    os.sched_setaffinity(0, {0})
    first = tool.ticks[0]["time"]
    sampler = ri.Sampler(lambda: ri.task_schedstat_map(wl.pid), period=ri.around_ticks(first, DELAY))
    time.sleep(ticks - 2.5)
    samples = sampler.stop()
    truth = wl.stop()
    tool.wait(timeout=ticks + 10)
    tool.require_clean()

    c = ri.Checks()
    apps = ri.appearances(tool.ticks, wl.pid)
    st = ri.steady(apps)
    win = read_windows(tool.ticks)
    place = {id(t): i for i, t in enumerate(tool.ticks)}
    # The read windows of the interval's two ends: the tick before's, its own.
    ends = {id(t): (win[place[id(t)] - 1], win[place[id(t)]]) for t, _ in st
            if place[id(t)] > 0}
    c.at_least("steady ticks with the process", len(st), 5)
    tids = {th["name"]: th["tid"] for th in truth["threads"]}
    worst = {}
    med = {}
    for tname, tid in sorted(tids.items()):
        diffs, nerr, pcts, cpus, real, bad = [], 0, [], [], [], []
        for tick, p in st:
            t = ri.find_thread(p, tid)
            want = truth_delta(samples, tid, tick, 1)
            rd = truth_bracket(samples, tid, ends[id(tick)], 1) if id(tick) in ends else None
            if t is None or want is None or rd is None:
                continue
            iv = tick["interval_s"]
            pct, ns = ri.num(t.get("wait_pct")), ri.num(t.get("wait_ns"))
            n, avg = ri.num(t.get("nsched")), t.get("wait_avg_ns")
            if pct is None or ns is None or n is None:
                bad.append("tick %.1f: wait fields %r" % (tick["time"], (pct, ns, n)))
                continue
            real_pct = 100.0 * want / 1e9 / iv
            diffs.append(beyond(pct, 100.0 * rd[0] / 1e9 / iv, 100.0 * rd[1] / 1e9 / iv))
            pcts.append(pct)
            real.append(real_pct)
            cpus.append(ri.num(t.get("cpu_pct")) or 0)
            pc = truth_bracket(samples, tid, ends[id(tick)], 2)
            if pc is not None:
                slack = max(2, 0.05 * pc[1])
                if not pc[0] - slack <= n <= pc[1] + slack:
                    nerr += 1
                    bad.append("tick %.1f: nsched %d, pcount delta %d..%d"
                               % (tick["time"], n, pc[0], pc[1]))
            if abs(pct - 100.0 * ns / 1e9 / iv) > 0.0015:
                bad.append("tick %.1f: wait_pct %.3f but wait_ns %d over %.6f s"
                           % (tick["time"], pct, ns, iv))
            if n and (avg is None or abs(avg - ns / n) > 0.0015):
                bad.append("tick %.1f: wait_avg_ns %r, wait_ns/nsched %.3f"
                           % (tick["time"], avg, ns / n))
        worst[tname] = max([abs(d) for d in diffs] or [float("nan")])
        med[tname] = (ri.median(pcts), ri.median(cpus), ri.median(real))
        c.at_least("thread %s: ticks compared" % tname, len(diffs), 5)
        c.true("thread %s: every tick's wait_pct within %.0f point of schedstat's range "
               "(worst %.2f beyond it over %d ticks)" % (tname, TOL_THREAD, worst[tname],
                                                         len(diffs)),
               diffs and all(abs(d) <= TOL_THREAD for d in diffs),
               ", ".join("%+.2f" % d for d in diffs))
        c.true("thread %s: nsched, wait_ns, wait_avg_ns agree with pcount and each other"
               % tname, not bad, "; ".join(bad[:4]))

    # The process: sums over its threads, the idle main thread included.
    pdiffs = []
    every = sorted({tid for _, m in samples for tid in m})
    for tick, p in st:
        want = [truth_bracket(samples, tid, ends[id(tick)], 1) if id(tick) in ends else None
                for tid in every]
        pct = ri.num(p.get("wait_pct"))
        if pct is None or any(w is None for w in want):
            continue
        iv = tick["interval_s"]
        pdiffs.append(beyond(pct, 100.0 * sum(w[0] for w in want) / 1e9 / iv,
                             100.0 * sum(w[1] for w in want) / 1e9 / iv))
    c.true("process wait_pct within %.0f points of the range of its threads' schedstat sum "
           "(worst %.2f beyond it over %d ticks)" % (TOL_PROC,
                                                     max([abs(d) for d in pdiffs] or [0]),
                                                     len(pdiffs)),
           len(pdiffs) >= 5 and all(abs(d) <= TOL_PROC for d in pdiffs),
           ", ".join("%+.2f" % d for d in pdiffs))

    # The shape the workload was built for, where the machine allowed it.
    for tname in ("pin1", "pin2"):
        wpct, cpu, real = med[tname]
        if real is None or abs(real - 50) > 10:
            c.skip_part("%s about 50%% WAIT" % tname,
                        "machine busy: the kernel says it waited %s%% (median)" % real)
            continue
        c.close("%s: median WAIT%% (it shares CPU 0 with pin2/pin1)" % tname, wpct, 50, 10)
        c.close("%s: median CPU%%" % tname, cpu, 50, 10)
    wpct, cpu, real = med["hog"]
    if real is None or real > 2:
        c.skip_part("hog about 0% WAIT", "machine busy: CPU 1 is shared, the kernel says "
                    "the hog waited %s%% (median)" % real)
    else:
        c.true("hog alone on CPU 1: median WAIT%% under 2 (%.2f)" % (wpct or -1),
               wpct is not None and wpct < 2)
    c.finish("per-tick |WAIT%% - schedstat| worst: %s; process worst %.2f; medians "
             "WAIT%%/CPU%%: %s" % (
                 ", ".join("%s %.2f" % kv for kv in sorted(worst.items())),
                 max([abs(d) for d in pdiffs] or [0]),
                 ", ".join("%s %.1f/%.1f" % (k, v[0] or -1, v[1] or -1)
                           for k, v in sorted(med.items()))))


if __name__ == "__main__":
    main()
