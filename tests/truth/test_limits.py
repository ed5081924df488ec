#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_limits - headroom and time to exhaustion against the moments the
limits are really hit, and each cgroup's throttling and OOM kills against
its own counters.

The test makes its own cgroups (v1 controllers on a hybrid host, v2
otherwise) and runs, all at once, under one tool (-d 0.5, a 5 s growth
window):
  - a process that opens 80 descriptors a second under RLIMIT_NOFILE
    1024 until EMFILE (the workload says when);
  - a process that starts 20 threads a second in a cgroup with pids.max
    200 until pthread_create fails (EAGAIN);
  - a process that grows 24 MiB a second in a cgroup with a 256 MiB
    memory limit and no swap until the OOM killer kills it (the test sees
    the kill), an idle sibling keeping the cgroup in view;
  - another alone in a cgroup of its own with a 128 MiB limit, whose
    kill nothing alive in the cgroup is left to show (its own row does);
  - a CPU hog in a cgroup with a quota of 20 ms every 100 ms;
  - a sawtooth of descriptors and memory;
  - a process in a PID namespace of its own.
Checks: once the trend is steady (a window after the start), every ETA
the tool gives meets the limit within 10% of the time that was left; the
OOM kill is counted once, in the tick that first reads it (the lone
process's on its own row as it exits), with its alert; the throttled share is within
2 points of cpu.stat's own counters over the same stretch and CPU% about
20; the sawtooth never gets an ETA; the namespaced process shows its
inner PID 1; the eta and oom_kill alerts name what runs out.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
WINDOW = 5.0
ETA_TOL = 0.10
NEAR = 2.0        # seconds left under which a tick's jitter dominates
NEAR_ABS = 0.5    # ... and the ETA is held to a tick's length instead
ROOT = "/sys/fs/cgroup"


class Cgroups:
    """One cgroup per controller set, made and removed by the test: v1
    directories under each controller's hierarchy on a hybrid or v1 host,
    one v2 directory (controllers enabled) on a v2-only host."""

    def __init__(self, tag):
        self.tag = tag
        self.made = []
        self.v1 = os.path.isdir(os.path.join(ROOT, "memory")) and \
            not os.path.exists(os.path.join(ROOT, "cgroup.controllers"))
        self.cpu_dir = "cpu"
        if self.v1:
            with open("/proc/self/cgroup") as f:
                for line in f:
                    ctl = line.split(":")[1]
                    if "cpu" in ctl.split(","):
                        self.cpu_dir = ctl
        else:
            try:
                with open(os.path.join(ROOT, "cgroup.subtree_control"), "w") as f:
                    f.write("+memory +pids +cpu")
            except OSError as e:
                ri.skip("cannot enable the v2 controllers: %s" % e)

    def make(self, name, ctl):
        d = os.path.join(ROOT, ctl if self.v1 else "", "%s-%s" % (self.tag, name))
        try:
            os.makedirs(d)
        except OSError as e:
            ri.skip("cannot make a cgroup %s: %s" % (d, e))
        self.made.append(d)
        return d

    def memory(self, limit, name="mem"):
        d = self.make(name, "memory")
        if self.v1:
            write(d, "memory.limit_in_bytes", str(limit))
        else:
            write(d, "memory.max", str(limit))
            write(d, "memory.swap.max", "0")
        return [d]

    def pids(self, limit):
        d = self.make("pids", "pids")
        write(d, "pids.max", str(limit))
        return [d]

    def cpu(self, quota, period):
        d = self.make("cpu", self.cpu_dir)
        if self.v1:
            write(d, "cpu.cfs_period_us", str(period))
            write(d, "cpu.cfs_quota_us", str(quota))
        else:
            write(d, "cpu.max", "%d %d" % (quota, period))
        return [d]

    def cpu_stat(self, dirs):
        out = {}
        with open(os.path.join(dirs[0], "cpu.stat")) as f:
            for line in f:
                k, v = line.split()
                out[k] = int(v)
        return out

    def remove(self):
        end = time.monotonic() + 10
        for d in reversed(self.made):
            while os.path.isdir(d):
                try:
                    os.rmdir(d)
                except OSError:
                    if time.monotonic() > end:
                        ri.say("could not remove %s" % d)
                        break
                    time.sleep(0.05)


def write(d, name, value):
    with open(os.path.join(d, name), "w") as f:
        f.write(value)


def join(dirs, pid):
    for d in dirs:
        write(d, "cgroup.procs", str(pid))


def proc_rows(tool, pid):
    for t in tool.ticks:
        p = ri.find_proc(t, pid)
        if p:
            yield t, p


def eta_errors(tool, pid, res, go, hit):
    """(worst relative error, ticks, the worst) of the ETAs the tool gave
    for @res once a whole window of the trend was in, while at least
    NEAR seconds were left (closer, a tick's jitter is more than 10% of
    what is left: those get NEAR_ABS seconds), and the worst absolute
    error of those closer."""
    worst, n, bad, worst_near = 0.0, 0, None, 0.0
    for t, p in proc_rows(tool, pid):
        room = (p.get("headroom") or {}).get(res)
        if t["time"] < go + WINDOW + DELAY or t["time"] > hit - DELAY or not room:
            continue
        if room.get("eta_s") is None:
            continue
        left = hit - t["time"]
        off = abs(t["time"] + room["eta_s"] - hit)
        if left < NEAR:
            worst_near = max(worst_near, off)
            continue
        n += 1
        if off / left > worst:
            worst = off / left
            bad = "%.1fs before: eta %.2fs" % (left, room["eta_s"])
    return worst, n, bad, worst_near


def read_hog(pid):
    """(CPU ns the scheduler gave every thread of @pid, when read)."""
    ns = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
            ns += int(f.read().split()[0])
    return (ns, time.time())


def expected_eta_ticks(go, hit):
    return max(1, int((hit - go - WINDOW - DELAY - NEAR) / DELAY) - 1)


def main():
    ri.preflight_source()
    if os.geteuid() != 0:
        ri.skip("not root: cannot make cgroups")
    if not os.path.isdir(ROOT):
        ri.skip("no %s" % ROOT)
    c = ri.Checks()
    cg = Cgroups("ri-test-%d" % os.getpid())
    wls = []
    killed = {}
    ns_pid = None
    try:
        mem_dirs = cg.memory(256 << 20)
        alone_dirs = cg.memory(128 << 20, "alone")
        pids_dirs = cg.pids(200)
        cpu_dirs = cg.cpu(20000, 100000)

        def wl(mode, rate, name, extra=()):
            w = ri.Workload("limits", ["--mode", mode, "--rate", str(rate),
                                       "--name", ri.comm_name(name)] + list(extra))
            wls.append(w)
            return w

        fds = wl("fds", 80, "rifds", ["--nofile", "1024"])
        thr = wl("threads", 20, "rithr")
        join(pids_dirs, thr.pid)
        keeper = wl("idle", 1, "rikeep")
        join(mem_dirs, keeper.pid)
        grow = wl("mem", 24 << 20, "rigrow")
        join(mem_dirs, grow.pid)
        alone = wl("mem", 24 << 20, "rialone")
        join(alone_dirs, alone.pid)
        saw = wl("saw", 100, "risaw")
        hog = ri.Workload("burn", ["--name", ri.comm_name("rihog"), "--seconds", "40",
                                   "--thread", "h:100"], truth=False)
        wls.append(hog)
        join(cpu_dirs, hog.pid)
        ns = subprocess.Popen(["unshare", "--pid", "--fork", "sleep", "60"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        end = time.monotonic() + 5
        while ns_pid is None and time.monotonic() < end:
            try:
                with open("/proc/%d/task/%d/children" % (ns.pid, ns.pid)) as f:
                    kids = f.read().split()
                ns_pid = int(kids[0]) if kids else None
            except OSError:
                pass
            time.sleep(0.02)

        def watch(w):
            w.proc.wait()
            killed[w.pid] = time.time()
        threading.Thread(target=watch, args=(grow,), daemon=True).start()
        threading.Thread(target=watch, args=(alone,), daemon=True).start()

        pids = [fds.pid, thr.pid, keeper.pid, grow.pid, alone.pid, saw.pid, hog.pid] + \
            ([ns_pid] if ns_pid else [])
        tool = ri.Tool.json(["-d", str(DELAY), "--growth-window", "%gs" % WINDOW,
                             "--alert", "eta < 30m", "--alert", "oom_kill > 0",
                             "-p", ",".join(str(p) for p in pids)])
        tool.need_ticks(2, timeout=15)
        go = time.time()
        for w in (fds, thr, grow, alone, saw):
            os.kill(w.pid, signal.SIGUSR1)
        t_a = time.time()
        stat_a = cg.cpu_stat(cpu_dirs)
        sched_a = read_hog(hog.pid)
        emfile = fds.wait_said("emfile", timeout=40)
        eagain = thr.wait_said("eagain", timeout=40)
        end = time.monotonic() + 40
        while not (grow.pid in killed and alone.pid in killed) and time.monotonic() < end:
            time.sleep(0.02)
        if grow.pid not in killed:
            ri.fail("the memory grower was not killed within 40 s")
        if alone.pid not in killed:
            ri.fail("the lone memory grower was not killed within 40 s")
        t_b = time.time()
        stat_b = cg.cpu_stat(cpu_dirs)
        sched_b = read_hog(hog.pid)
        tool.stop_after(max(killed[grow.pid], killed[alone.pid], emfile, eagain))
        tool.require_clean()
        truth = {"fds": fds.stop(), "threads": thr.stop()}
    finally:
        for w in wls:
            w.kill()
        if "ns" in locals():
            # Its namespace's init first: unshare only waits for it.
            if ns_pid:
                try:
                    os.kill(ns_pid, signal.SIGKILL)
                except OSError:
                    pass
            ns.kill()
            ns.wait()
        if "tool" in locals():
            tool.kill()
        cg.remove()

    c.true("the grower was killed by SIGKILL (the OOM killer)", grow.rc == -9 or
           grow.proc.returncode == -9, "rc %s" % grow.proc.returncode)
    c.true("the descriptor workload hit EMFILE near its limit",
           1000 <= truth["fds"]["hit_count"] <= 1024, "after %d" % truth["fds"]["hit_count"])
    c.true("the thread workload hit EAGAIN near pids.max",
           150 <= truth["threads"]["hit_count"] <= 200, "after %d" % truth["threads"]["hit_count"])

    # The ETAs, once a window of the trend is in.
    for what, w, res, hit in (("fd", fds, "fd", truth["fds"]["hit_time"]),
                              ("threads", thr, "threads", truth["threads"]["hit_time"]),
                              ("mem", grow, "mem", killed[grow.pid])):
        worst, n, bad, near = eta_errors(tool, w.pid, res, go, hit)
        c.at_least("%s: ticks with an ETA once the trend is steady" % what, n,
                   expected_eta_ticks(go, hit) // 2)
        c.true("%s: every ETA within 10%% of the time left" % what, worst <= ETA_TOL,
               "worst %.1f%% (%s)" % (worst * 100, bad))
        c.true("%s: in the last %gs, every ETA within %gs" % (what, NEAR, NEAR_ABS),
               near <= NEAR_ABS, "worst %.2fs off" % near)

    # The descriptors' headroom near the end, and what HEADROOM names.
    last = [p for t, p in proc_rows(tool, fds.pid) if t["time"] >= truth["fds"]["hit_time"]]
    c.true("fd: headroom says fd at 97% or more once EMFILE came",
           bool(last) and last[0]["scarcest"] == "fd" and
           last[0]["headroom"]["fd"]["pct"] >= 97,
           "%s" % (last[0]["headroom"] if last else "no row"))
    c.true("fd: open_fds and fd_limit as the process has them",
           bool(last) and last[0]["fd_limit"] == 1024 and last[0]["open_fds"] >= 1000,
           "%s/%s" % ((last[0]["open_fds"], last[0]["fd_limit"]) if last else ("?", "?")))

    # The OOM kill, on the sibling's cgroup: the tick whose read of
    # memory.events first shows it says it, once, and no later than the
    # tick that sees the grower exit. (Not against the test's own clock:
    # the thread woken by waitpid, and the victim's exit itself, may be
    # seconds late on a busy machine.)
    def said_once(pid, exit_pid):
        rows = [(t["time"], p.get("limits_cgroup")) for t, p in proc_rows(tool, pid)]
        gone = next((t["time"] for t, p in proc_rows(tool, exit_pid) if p.get("exited")), None)
        said = [(t, cg["oom_kills_delta"]) for t, cg in rows if cg and cg.get("oom_kills_delta")]
        first = next((t for t, cg in rows if cg and cg.get("oom_kills")), None)
        ok = (gone is not None and len(said) == 1 and said[0][1] == 1 and
              said[0][0] == first and said[0][0] <= gone)
        return ok, "first read with the kill at %s, exit seen at %s, said (time, kills) %s" % (
            first, gone, said)
    ok, why = said_once(keeper.pid, grow.pid)
    c.true("mem: the OOM kill is counted once, in the tick that first reads it", ok, why)
    alerts = [a for t in tool.ticks for a in t.get("alerts", [])]
    c.true("oom_kill alert fires for the sibling and names mem",
           any(a["pid"] == keeper.pid and a["rule"].startswith("oom_kill") and
               a["resource"] == "mem" for a in alerts), "")
    # Alone in its cgroup: its own row, as it exits, says the kill, once.
    c.true("mem alone: the lone process was killed by SIGKILL (the OOM killer)",
           alone.proc.returncode == -9, "rc %s" % alone.proc.returncode)
    ok, why = said_once(alone.pid, alone.pid)
    c.true("mem alone: its own row says the kill once, in the tick that first reads it",
           ok, why)
    c.true("mem alone: the oom_kill alert fires for it and names mem",
           any(a["pid"] == alone.pid and a["rule"].startswith("oom_kill") and
               a["state"] == "firing" and a["resource"] == "mem" for a in alerts),
           "%s" % [a for a in alerts if a["pid"] == alone.pid])
    c.true("eta alert fires for the descriptor leak and names fd",
           any(a["pid"] == fds.pid and a["rule"].startswith("eta") and a["state"] == "firing"
               and a["resource"] == "fd" for a in alerts), "")

    # Throttling against cpu.stat over the same stretch.
    rows = [(t, p) for t, p in proc_rows(tool, hog.pid) if t_a <= t["time"] <= t_b]
    if len(rows) >= 4:
        a, b = rows[0][1]["limits_cgroup"], rows[-1][1]["limits_cgroup"]
        tool_share = 100.0 * (b["cpu_throttled_periods"] - a["cpu_throttled_periods"]) / \
            max(1, b["cpu_periods"] - a["cpu_periods"])
        true_share = 100.0 * (stat_b["nr_throttled"] - stat_a["nr_throttled"]) / \
            max(1, stat_b["nr_periods"] - stat_a["nr_periods"])
        c.close("cpu: throttled share of the quota periods", tool_share, true_share, 2.0, "pts")
        # CPU% against what the scheduler gave it over the same stretch
        # (a busy machine may give it less than its 20% quota).
        cpu = sum(p["cpu_pct"] for t, p in rows[1:]) / (len(rows) - 1)
        truth_cpu = 100.0 * (sched_b[0] - sched_a[0]) / 1e9 / (sched_b[1] - sched_a[1])
        c.close("cpu: CPU% of the hog against its own CPU time", cpu, truth_cpu, 2.0, "%")
        c.true("cpu: the hog stays within its 20% quota", cpu <= 21.0, "%.1f%%" % cpu)
        c.true("cpu: every tick says the throttled share",
               all(p["limits_cgroup"]["throttled_pct"] is not None for t, p in rows[1:]), "")
        # Pressure per cgroup: v2 keeps it (a share of the interval), v1 not (null).
        psi = [p["limits_cgroup"].get("psi_cpu_pct", "absent") for t, p in rows[1:]]
        if cg.v1:
            c.true("cpu: no pressure per cgroup on v1: null, not 0",
                   all(v is None for v in psi), "%s" % psi[:5])
        else:
            c.true("cpu: the throttled hog's cgroup's CPU pressure, a share of the interval",
                   all(v is not None and 0 <= v <= 100.5 for v in psi), "%s" % psi[:5])
    else:
        c.true("cpu: the hog has rows over the run", False, "%d rows" % len(rows))

    # The sawtooth heads nowhere: never an ETA.
    saws = [p for t, p in proc_rows(tool, saw.pid) if t["time"] >= go + WINDOW + DELAY]
    c.true("saw: rows once a window is in", len(saws) >= 4, "%d" % len(saws))
    c.true("saw: no ETA for a sawtooth of descriptors and memory",
           all(p["eta_s"] is None for p in saws),
           "%s" % [p["eta_resource"] for p in saws if p["eta_s"] is not None][:3])

    if ns_pid:
        rows = [p for t, p in proc_rows(tool, ns_pid)]
        c.true("pid namespace: the inner PID 1 next to the host's",
               bool(rows) and rows[-1]["nspid"] == 1,
               "nspid %s" % (rows[-1]["nspid"] if rows else "no row"))
    else:
        c.skip_part("pid namespace", "unshare --pid did not start")
    c.finish()


if __name__ == "__main__":
    main()
