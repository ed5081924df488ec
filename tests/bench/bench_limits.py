#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""bench_limits - what reading the limits costs (part "limits" of make bench).

The tool reads, for each process and refresh, one stat() of /proc/PID/fd
(since Linux 6.2 its size is the descriptor count); every 8 refreshes
/proc/PID/status; every 32 /proc/PID/limits and cgroup; and each cgroup
that sets a limit every refresh (core/sources/limits_read.c). With 10,000 threads alive in
1,000 processes (`limits --mode idle`, each holding 64 descriptors, and
the `threads` workload's 9,000 threads):

  1. The tool's CPU per refresh in process mode (`-b`) and with `-H`,
     next to `top -b` on the same load.  Target: process mode no more
     than `top -b`, as without the limits.
  2. The reader's own work, timed apart in CPU time (from Python, so an
     upper bound: the interpreter's own work is in it): the per-refresh
     stat() of every process's /proc/PID/fd, the reading of status, and
     of limits and cgroup, in microseconds per process (what 1,000
     processes add to a refresh: the first, an eighth of the second and
     a 32nd of the third).

Medians of the rounds. Run by bench.py (--only limits), or alone:
  RI_BIN=build/resource_image python3 tests/bench/bench_limits.py [--quick]
"""

import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib  # noqa: E402

PROCS = 1000
THREADS = 9000
FDS = 64


def _procs(bench, n):
    """n idle processes, each with FDS descriptors open; their Popen list."""
    path = os.path.join(bench.wl, "limits")
    ps = []
    for _ in range(n):
        # Its descriptors: those the shell gives it and FDS more it keeps.
        ps.append(bench.spawn([path, "--mode", "idle", "--name", "benchlim"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, pass_fds=_fds()))
    return ps


_fd_cache = []


def _fds():
    if not _fd_cache:
        for _ in range(FDS):
            _fd_cache.append(os.open("/dev/null", os.O_RDONLY))
    return tuple(_fd_cache)


def _read_all(pids, names):
    for p in pids:
        for name in names:
            try:
                with open("/proc/%d/%s" % (p, name), "rb") as f:
                    f.read()
            except OSError:
                pass


def _reader_cost(pids, rounds):
    """(us per process for the stat of fd, for status, for limits and
    cgroup), CPU time, medians over rounds: CPU time holds on a machine
    busy with other work, where wall time would count the waits."""
    st, status, rare = [], [], []
    for _ in range(rounds):
        t0 = time.process_time()
        for p in pids:
            try:
                os.stat("/proc/%d/fd" % p)
            except OSError:
                pass
        t1 = time.process_time()
        _read_all(pids, ("status",))
        t2 = time.process_time()
        _read_all(pids, ("limits", "cgroup"))
        t3 = time.process_time()
        st.append((t1 - t0) / len(pids) * 1e6)
        status.append((t2 - t1) / len(pids) * 1e6)
        rare.append((t3 - t2) / len(pids) * 1e6)
    return bench_median(st), bench_median(status), bench_median(rare)


def bench_median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else None


def run(bench):
    if not bench.wants("limits"):
        return
    args, ri = bench.args, bench.ri
    bench.log("limits: the cost of reading each process's limits ...")
    procs = _procs(bench, PROCS)
    thr = bench.start_threads(THREADS)
    env = dict(os.environ, HOME="/nonexistent", LC_ALL="C", LANG="C", TERM="dumb")
    rows = {}
    try:
        runs = (("resource_image -b -d 1", [ri, "-b", "-d", "1", "-n", str(args.ticks)]),
                ("resource_image -b -H -d 1", [ri, "-b", "-H", "-d", "1", "-n",
                                               str(args.ticks)]),
                ("top -b -d 1", ["top", "-b", "-d", "1", "-n", str(args.ticks)]))
        for rnd in range(args.rounds):
            for name, argv in runs:
                try:
                    ms = bench.run_measured(argv, args.ticks + 1, env, args.ticks * 6 + 30)[0]
                except RuntimeError as e:
                    bench.log(f"  round {rnd + 1} {name}: failed: {e}")
                    continue
                rows.setdefault(name, []).append(ms)
                bench.log(f"  round {rnd + 1}/{args.rounds} {name:28s} "
                          f"{bench.fmt(ms, '8.2f')} ms/refresh")
        st_us, status_us, rare_us = _reader_cost([p.pid for p in procs], max(3, args.rounds))
    finally:
        bench.stop(thr)
        for p in procs:
            bench.stop(p)
    med = {k: bench.median(v) for k, v in rows.items()}
    lines = [f"   {PROCS:,} processes ({FDS}+ descriptors each) and {THREADS:,} more threads",
             f"   {'command':32s} {'ms CPU/refresh':>14s}"]
    for k, v in med.items():
        lines.append(f"   {k:32s} {bench.fmt(v, '13.2f')}")
    lines.append(f"   stat() of /proc/PID/fd, every refresh:        "
                 f"{bench.fmt(st_us, '6.1f')} us CPU a process")
    lines.append(f"   status, every 8 refreshes:                    "
                 f"{bench.fmt(status_us, '6.1f')} us CPU a process")
    lines.append(f"   limits + cgroup, every 32 refreshes:          "
                 f"{bench.fmt(rare_us, '6.1f')} us CPU a process")
    per = (st_us + status_us / 8 + rare_us / 32) * PROCS / 1000 if st_us is not None else None
    lines.append(f"   reader's share of a refresh at {PROCS:,} processes: "
                 f"{bench.fmt(per, '.2f')} ms")
    bench.section(f"Limits: reading descriptors, rlimits and cgroups, {args.rounds} round(s)",
                  lines)
    top = med.get("top -b -d 1")
    ri_p = med.get("resource_image -b -d 1")
    ratio = ri_p / top if ri_p is not None and top else None
    bench.target(f"{PROCS:,} processes: resource_image -b -d 1 <= top -b -d 1",
                 bench.fmt(ratio, ".2f") + "x", None if ratio is None else ratio <= 1.0)


if __name__ == "__main__":
    import argparse
    import bench as bench_mod  # noqa: E402

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    a.only = "limits"
    a.rounds, a.ticks = (1, 4) if a.quick else (3, 6)
    b = bench_mod.Bench(a, rilib.RI_BIN, rilib.RI_WORKLOADS)
    run(b)
    for title, sec in b.sections:
        print(title)
        print("\n".join(sec))
    for t in b.targets:
        print(*t)
