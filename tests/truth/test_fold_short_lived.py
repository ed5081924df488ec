#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_fold_short_lived - a churn of short-lived children is one folded row
whose CPU% is the children's own.

churn starts 300 children a second (like pgbench -C, a backend per
connection), each burning 1 ms of CPU, and logs getrusage(RUSAGE_CHILDREN)
at every child it reaps, with the time. Batch text at -d 1 must show, in
every tick inside the churn, exactly one row folded for churn's pid and the
children's name ("[folded: N exited, ppid P]"), whose CPU% is within 2
points of the children's CPU over that interval by the log (interpolated
at the times the tick's lines arrived), and no child on a row of its own.
A second run with --no-fold, side by side, lists the children one by one
as before (hundreds of "[exited]" rows a tick) and folds nothing. procfs
cannot see such children, so the test skips for that source.
"""

import bisect
import os
import re
import shutil
import signal
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

RATE = 300
SECONDS = 7
CPU_MS = 1
TOL = 2.0  # CPU% points

FOLD = re.compile(r"^\S+ +- +(.{15}) .*\[folded: (\d+) exited, ppid (\d+)\]$")
ROW = re.compile(r"^\S+ +(\d+) (.{15}) .*?(  \[exited\])?$")


def blocks(tool):
    """[(arrival time, [lines])] per tick of a text run."""
    out = []
    for raw, t in zip(tool.raw, tool.raw_times):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if line.startswith("resource_image "):
            out.append((t, []))
        elif out and line and not line.startswith("TIME "):
            out[-1][1].append(line)
    return out


def cpu_at(log, t):
    """The children's cumulative CPU (ns) at time t, by the reap log."""
    times = [x[0] for x in log]
    i = bisect.bisect_right(times, t)
    if i == 0:
        return 0.0
    if i >= len(log):
        return float(log[-1][1])
    (t0, c0), (t1, c1) = log[i - 1], log[i]
    return c0 + (c1 - c0) * (t - t0) / (t1 - t0) if t1 > t0 else float(c1)


def main():
    if ri.RI_SOURCE == "procfs":
        ri.skip("procfs cannot see tasks that live between ticks")
    ri.preflight_source()
    name = ri.comm_name("rifold")
    d = ri.io_dir()
    log = os.path.join(d, "reaps.log")
    try:
        folded = ri.Tool(["-b", "-d", "1", "--source", ri.RI_SOURCE], json_mode=False)
        plain = ri.Tool(["-b", "-d", "1", "--source", ri.RI_SOURCE, "--no-fold"],
                        json_mode=False)
        folded.wait_ticks(2, timeout=15)
        wl = ri.Workload("churn", ["--name", name, "--children", str(RATE * SECONDS),
                                   "--rate", str(RATE), "--cpu-ms", str(CPU_MS),
                                   "--write-kib", "0", "--dir", d, "--log", log])
        truth = wl.wait(timeout=SECONDS + 30)
        n = len(folded.raw)
        folded.wait_ticks(n + 40, timeout=3)  # the tick holding the last reaps
        for t in (folded, plain):
            t.signal(signal.SIGINT)
            t.wait(timeout=10)
        with open(log) as f:
            reaps = [(float(a), int(b)) for a, b in (line.split() for line in f)]
    finally:
        shutil.rmtree(d, ignore_errors=True)
    for t in (folded, plain):
        if t.rc != 0:
            t.fail_with("tool %s" % ri.rc_text(t.rc))
    if truth["children_ok"] != RATE * SECONDS or not reaps:
        ri.fail("workload: %d of %d children succeeded, %d reaps logged"
                % (truth["children_ok"], RATE * SECONDS, len(reaps)))

    child = truth["child_comm"]
    ppid = truth["pid"]
    c = ri.Checks()
    fb = blocks(folded)
    # Ticks wholly inside the churn, a second clear of either end.
    lo, hi = reaps[0][0] + 1.0, reaps[-1][0] - 1.0
    steady, worst, twice, alone = 0, 0.0, [], 0
    for k in range(1, len(fb)):
        t0, t1 = fb[k - 1][0], fb[k][0]
        folds = [m for m in (FOLD.match(x) for x in fb[k][1]) if m]
        keys = [(m.group(1).strip(), int(m.group(3))) for m in folds]
        twice += [x for x in set(keys) if keys.count(x) > 1]
        if not (t0 >= lo and t1 <= hi):
            continue
        steady += 1
        mine = [m for m in folds if m.group(1).strip() == child and int(m.group(3)) == ppid]
        want = (cpu_at(reaps, t1) - cpu_at(reaps, t0)) / ((t1 - t0) * 1e9) * 100.0
        got = None
        if len(mine) == 1:
            cols = mine[0].group(0).split()
            got = float(cols[4])  # TIME PID COMM CPU CPU%
        alone += sum(1 for x in fb[k][1]
                     if (m := ROW.match(x)) and m.group(2).strip() == child and m.group(3))
        ok = got is not None and abs(got - want) <= TOL
        worst = max(worst, abs(got - want) if got is not None else 99)
        c.true("tick at +%.1fs: one fold of %s under %d, CPU%% %s vs children's %.2f%%"
               % (t1 - reaps[0][0], child, ppid, "none" if got is None else "%.2f" % got,
                  want), ok,
               "%d folds, %s members" % (len(mine), mine[0].group(2) if mine else "-"))
    # The window is about SECONDS - 2 s long; a tick grid out of phase with
    # it, or a churn done a little early, leaves one whole tick fewer.
    c.true("ticks inside the churn", steady >= SECONDS - 4, "%d" % steady)
    c.true("at most one folded row per parent and name in every tick", not twice,
           "twice: %s" % twice[:3])
    c.true("no child on a row of its own while folded", alone == 0, "%d rows" % alone)

    pb = blocks(plain)
    per_tick = [sum(1 for x in lines if (m := ROW.match(x)) and m.group(2).strip() == child
                    and m.group(3)) for _, lines in pb]
    nfold = sum(1 for _, lines in pb for x in lines if FOLD.match(x))
    c.true("--no-fold: children one by one, as before", max(per_tick or [0]) >= RATE // 2,
           "most [exited] rows of %s in a tick: %d" % (child, max(per_tick or [0])))
    c.true("--no-fold: nothing folded", nfold == 0, "%d folded rows" % nfold)
    c.finish("%d steady ticks, worst CPU%% error %.2f points (tolerance %.1f); "
             "%d children, %.0f ms of CPU" % (steady, worst, TOL, truth["children_ok"],
                                              truth["children_cpu_ns"] / 1e6))


if __name__ == "__main__":
    main()
