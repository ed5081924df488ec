#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_threads - per-thread CPU and names inside one process.

One burn process with three named threads at 20%, 40% and 60% (120% in
total, so both CPUs are needed).  With -H, each thread's median steady
cpu_pct must be within 2 points of the duty it really got, the process
within 2 points of the sum, and each thread's comm must be its name.
As in test_cpu_duty, per-tick readings are also checked against the
kernel's per-thread runtime over each interval (schedstat), and the
comparison with the nominal duty is skipped, not failed, when a busy
machine kept a thread from its duty.
"""

import os
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

TOL_PCT = 2.0


def main():
    ri.preflight_source()
    name = ri.comm_name("rithr")
    ticks = 9
    tool = ri.Tool.json(["-d", "1", "-n", str(ticks), "-H", "-c", name])
    tool.need_ticks(1, timeout=15)
    duties = {"%s-a" % name[:10]: 20, "%s-b" % name[:10]: 40, "%s-c" % name[:10]: 60}
    wl = ri.Workload("burn", ["--name", name] +
                     sum((["--thread", "%s:%d" % (n, d)] for n, d in duties.items()), []))
    sampler = ri.Sampler(lambda: ri.task_cpu_map(wl.pid), period=0.01)
    time.sleep(ticks - 2.5)
    samples = sampler.stop()
    truth = wl.stop()
    tool.wait(timeout=ticks + 10)
    tool.require_clean()

    c = ri.Checks()
    apps = ri.appearances(tool.ticks, wl.pid)
    if not apps:
        tool.fail_with("process %s (pid %d) never reported" % (name, wl.pid))
    st = ri.steady(apps)
    c.at_least("steady ticks with the process", len(st), 4)

    total_duty, all_real = 0.0, True
    for th in truth["threads"]:
        tid, tname, duty = th["tid"], th["name"], th["duty"]
        total_duty += duty
        pcts, diffs, real, comms = [], [], [], set()
        for tick, p in st:
            t = ri.find_thread(p, tid)
            want = ri.tick_truth_pct(samples, tid, tick)
            if want is not None:
                real.append(want)
            if t is not None:
                pct = ri.num(t.get("cpu_pct"))
                pcts.append(pct)
                comms.add(t.get("comm"))
                if pct is not None and want is not None:
                    diffs.append(pct - want)
        c.close("thread %s: median per-tick error vs schedstat over %d ticks (max |err| %.2f)"
                % (tname, len(diffs), max([abs(x) for x in diffs] or [0])),
                ri.median(diffs), 0.0, TOL_PCT)
        if len(real) < len(st) or any(abs(x - duty) > TOL_PCT for x in real):
            all_real = False
            c.skip_part("thread %s vs duty %.0f%%" % (tname, duty),
                        "machine busy: thread really got %s%%; tool median %s"
                        % (",".join("%.1f" % x for x in real), ri.median(pcts)))
        else:
            c.close("cpu %.0f%% thread %s: median of %d ticks" % (duty, tname, len(pcts)),
                    ri.median(pcts), duty, TOL_PCT)
        c.true("thread %d comm is %r" % (tid, tname), comms == {tname},
               "reported %r" % sorted(comms, key=str))

    # The idle main thread adds ~0; thread creation happens before the steady part.
    proc_med = ri.median(ri.num(p.get("cpu_pct")) for _, p in st)
    if all_real:
        c.close("process cpu_pct: median", proc_med, total_duty, TOL_PCT)
    else:
        c.skip_part("process cpu_pct vs sum of duties",
                    "machine busy (see threads); tool median %s" % proc_med)
    sums = []
    for tick, p in st:
        pct = ri.num(p.get("cpu_pct"))
        parts = [ri.num(t.get("cpu_pct")) for t in p.get("threads") or []]
        if pct is not None and None not in parts:
            sums.append(pct - sum(parts))
    c.close("process cpu_pct minus sum of its threads: median over %d ticks" % len(sums),
            ri.median(sums), 0.0, TOL_PCT)
    nthreads = sorted({p.get("nthreads") for _, p in st}, key=str)
    c.true("process nthreads is 4", nthreads == [4], "reported %r" % nthreads)
    c.finish()


if __name__ == "__main__":
    main()
