#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_sites - where threads wait: the kernel function and the syscall
each sleeping thread of a chosen process is blocked in, against threads
whose place is known.

The states workload, chosen by name, with its threads in known places: a
nanosleep loop (a function with "nanosleep" in its name, syscall
nanosleep or clock_nanosleep), threads taking turns on a pthread mutex
and workers idle on a condition variable (a futex function, syscall
futex), an epoll_wait over a socket (ep_poll or the epoll function it is
inlined into, syscall epoll_wait), a read from a pipe nobody writes
(pipe_read, anon_pipe_read on 6.16+, syscall read) and a thread held by
vfork (syscall vfork), which the 'hung > 2s' alert names with its site.
Every tick, the process's grouped list ("waits") counts exactly the
threads the per-thread fields name. The run is recorded: its replay
gives the same sites, tick by tick.

Then the whole system, nothing chosen: of the workload only the thread
held uninterruptible by vfork for longer than the threshold (2 s) has a
site; the ones asleep interruptibly have none. Two threads deadlocked on two
mutexes: the 'deadlock > 0' alert names both, and their futex.

From the procfs source, which cannot read a kernel stack, every site is
null (n/a), never a guess.
"""

import collections
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
TICKS = 8
LOCKERS = 4
IDLE = 8
SLEEPING = {"nanosleep", "clock_nanosleep", "futex", "read", "epoll_wait", "epoll_pwait",
            "recvfrom", "pause"}


def sites_of(tick, pid, tids):
    """{name: (site, syscall)} of the threads named in tids, in one tick."""
    p = ri.find_proc(tick, pid)
    out = {}
    for name, tid in tids.items():
        t = ri.find_thread(p, tid) if p else None
        if t:
            out[name] = (t.get("wait_site"), t.get("wait_syscall"), t.get("asleep_in"))
    return out


def grouped_matches(c, ticks, pid):
    bad = []
    n = 0
    for k in ticks:
        p = ri.find_proc(k, pid)
        if not p or p.get("waits") is None:
            bad.append("%.2f: no waits" % k["time"])
            continue
        want = collections.Counter((t["wait_site"], t["wait_syscall"])
                                   for t in p.get("threads") or [] if t.get("wait_site"))
        got = {(g["site"], g["syscall"]): g["threads"] for g in p["waits"]}
        n += 1
        if dict(want) != got:
            bad.append("%.2f: threads say %s, waits say %s" % (k["time"], dict(want), got))
    c.true("each tick's grouped waits count exactly the threads that name each site "
           "(%d ticks)" % n, n > 0 and not bad, "; ".join(bad[:2]))


def chosen_pass(c, d):
    name = ri.comm_name("risite")
    rec = os.path.join(d, "sites.rirec")
    w = ri.Workload("states", ["--name", name, "--dir", d, "--lockers", str(LOCKERS),
                               "--idle", str(IDLE), "--sites"], timeout=60)
    tool = ri.Tool.json(["-d", str(DELAY), "-c", name, "-H", "-w", rec,
                         "--alert", "hung > 2s"])
    try:
        tool.need_ticks(TICKS, timeout=30)
        tool.signal(2)
        if tool.wait(15) is None:
            tool.fail_with("the tool did not stop on SIGINT")
        truth = w.stop()
    finally:
        w.kill()
        tool.kill()
    tool.require_clean()
    tids = {t["name"]: t["tid"] for t in truth["threads"]}
    ticks = tool.ticks[1:]
    if ri.RI_SOURCE == "procfs":
        rows = nulls = 0
        for k in tool.ticks:
            p = ri.find_proc(k, w.pid)
            if not p:
                continue
            rows += 1
            nulls += p.get("waits") is None and all(
                t.get("wait_site") is None and t.get("wait_syscall") is None
                for t in p.get("threads") or [])
        c.true("procfs: no kernel stacks, every wait site is n/a (null)",
               rows > 0 and nulls == rows, "%d of %d ticks null" % (nulls, rows))
        return rec, None
    seen = collections.defaultdict(set)
    for k in ticks:
        for n, v in sites_of(k, w.pid, tids).items():
            seen[n].add(v)

    def check(what, thread, ok_site, syscalls, every=False):
        vals = seen.get(thread, set())
        named = [(s, sc) for s, sc, _ in vals if s]
        good = [(s, sc) for s, sc in named if ok_site(s) and sc in syscalls]
        ok = bool(good) and (not every or len(good) == len(named))
        c.true("%s: %s waits in %s" % (what, thread, good[0][0] + " <- " + good[0][1]
                                       if good else "?"), ok,
               "seen: %s" % sorted(vals, key=str)[:4])

    check("nanosleep loop", "nap", lambda s: "nanosleep" in s,
          {"nanosleep", "clock_nanosleep"}, every=True)
    check("read from a pipe nobody writes", "pipe", lambda s: "pipe_read" in s, {"read"},
          every=True)
    check("epoll_wait over a socket", "epsk", lambda s: "ep_poll" in s or "epoll" in s,
          {"epoll_wait", "epoll_pwait"}, every=True)
    check("thread held by vfork", "vfork", lambda s: bool(s), {"vfork"}, every=True)
    for i in range(IDLE):
        check("worker idle on a condition variable", "idle%d" % i, lambda s: "futex" in s,
              {"futex"}, every=True)
    # The lockers: each one asleep waiting for the mutex is in the futex.
    lock_sites = set()
    for i in range(LOCKERS):
        for s, sc, st in seen.get("lock%d" % i, set()):
            if st == "lock":
                lock_sites.add((s, sc))
    c.true("threads contending on a pthread mutex: those in LOCK wait in a futex "
           "function <- futex (%s)" % sorted(lock_sites),
           lock_sites and all(s and "futex" in s and sc == "futex" for s, sc in lock_sites))
    idle_n = sum(1 for i in range(IDLE) for k in ticks[-1:]
                 if (sites_of(k, w.pid, tids).get("idle%d" % i) or (None,))[0])
    c.true("all %d idle workers have a site in the last tick" % IDLE, idle_n == IDLE,
           "%d" % idle_n)
    grouped_matches(c, ticks, w.pid)
    fired = [a for k in tool.ticks for a in k.get("alerts") or []
             if a.get("pid") == w.pid and a.get("state") == "firing"]
    c.true("the hung alert names the thread and where it waits (%s)" %
           (fired[-1].get("resource") if fired else "never fired"),
           fired and (fired[-1].get("resource") or "").startswith("%d in " % tids["vfork"]) and
           "<- vfork" in fired[-1]["resource"])
    return rec, tool


def replay_pass(c, rec, live):
    r = subprocess.run([ri.RI_BIN, "-r", rec, "-b", "--json", "-H"], capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    c.true("the recording replays (exit 0)", r.returncode == 0,
           r.stderr.decode()[-300:])
    got = {round(json.loads(x)["time"], 3): json.loads(x) for x in r.stdout.decode().splitlines()}

    def sites(tick):
        return sorted((p["pid"], json.dumps(p.get("waits")),
                       json.dumps(sorted((t["tid"], t.get("wait_site"), t.get("wait_syscall"))
                                         for t in p.get("threads") or [])))
                      for p in tick["processes"])
    n, bad = 0, []
    for k in live.ticks:
        rk = got.get(round(k["time"], 3))
        if rk is None:
            continue
        n += 1
        if sites(k) != sites(rk):
            bad.append("%.3f" % k["time"])
    c.true("replay: the same wait sites in each of %d ticks as live" % n,
           n >= TICKS - 1 and not bad, "differ at %s" % bad[:3])


def hung_pass(c, d):
    """Nothing chosen: only the thread uninterruptible for over 2 s has a site."""
    name = ri.comm_name("rihung")
    w = ri.Workload("states", ["--name", name, "--dir", d, "--lockers", "2",
                               "--idle", "2", "--sites"], timeout=60)
    tool = ri.Tool.json(["-d", "1"])
    try:
        tool.need_ticks(5, timeout=40)
        tool.signal(2)
        if tool.wait(15) is None:
            tool.fail_with("the tool did not stop on SIGINT")
    finally:
        w.kill()
        tool.kill()
    tool.require_clean()
    p = ri.find_proc(tool.ticks[-1], w.pid)
    waits = (p or {}).get("waits")
    c.true("whole system: the thread held by vfork for over 2 s has its site (%s)" % waits,
           waits is not None and any(g["syscall"] == "vfork" and g["threads"] == 1
                                     for g in waits))
    c.true("whole system: no site for the workload's threads asleep interruptibly",
           waits is not None and not any(g["syscall"] in SLEEPING for g in waits))


def deadlock_pass(c, d):
    """Two threads deadlocked: the alert names both and where they wait."""
    name = ri.comm_name("ridlsite")
    w = ri.Workload("states", ["--name", name, "--dir", d, "--lockers", "1", "--idle", "0",
                               "--deadlock"], timeout=60)
    tool = ri.Tool.json(["-d", str(DELAY), "-c", name, "-H", "--alert", "deadlock > 0"])
    try:
        tool.need_ticks(5, timeout=30)
        tool.signal(2)
        if tool.wait(15) is None:
            tool.fail_with("the tool did not stop on SIGINT")
        truth = w.stop()
    finally:
        w.kill()
        tool.kill()
    tool.require_clean()
    tids = sorted(t["tid"] for t in truth["threads"] if t["name"] in ("dlA", "dlB"))
    fired = [a for k in tool.ticks for a in k.get("alerts") or []
             if a.get("pid") == w.pid and a.get("state") == "firing"]
    res = fired[-1].get("resource") or "" if fired else ""
    named = res.split(" ")[0].split(",") if res else []
    c.true("the deadlock alert names the threads of the cycle and where they wait (%s)" %
           (res or "never fired"),
           sorted(int(x) for x in named if x.isdigit()) == tids and "futex" in res)


def main():
    ri.preflight_source()
    d = ri.io_dir()
    c = ri.Checks()
    rec = None
    try:
        rec, live = chosen_pass(c, d)
        if ri.RI_SOURCE != "procfs":
            replay_pass(c, rec, live)
            hung_pass(c, d)
            deadlock_pass(c, d)
    finally:
        for f in (rec, os.path.join(d, "states-disk")):
            try:
                if f:
                    os.unlink(f)
            except OSError:
                pass
        try:
            os.rmdir(d)
        except OSError:
            pass
    c.finish()


if __name__ == "__main__":
    main()
