#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_cgroup - each process's cgroup is the one /proc/PID/cgroup names.

Makes two cgroups under the cgroup2 mount (a.slice/web.service and
b.slice/docker-<64 hex>.scope), moves a burner into each, and checks that
the JSON "cgroup" of both, and of the test itself (left where it is),
equals the cgroup v2 path in /proc/PID/cgroup, from the source RI_SOURCE
names. Skips without a writable cgroup2 mount.
"""

import os
import shutil
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402


def cgroup2_mount():
    with open("/proc/self/mounts") as f:
        for line in f:
            dev, mnt, fstype = line.split()[:3]
            if fstype == "cgroup2":
                return mnt
    return None


def v2_path(pid):
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].strip()
    return None


def main():
    ri.preflight_source()
    mnt = cgroup2_mount()
    if not mnt:
        ri.skip("no cgroup2 mount")
    tag = "ri-test-%d" % os.getpid()
    paths = ["/%s-a.slice/web.service" % tag,
             "/%s-b.slice/docker-%s.scope" % (tag, "0123456789abcdef" * 4)]
    made = []
    try:
        for p in paths:
            try:
                os.makedirs(mnt + p)
            except OSError as e:
                ri.skip("cannot make a cgroup under %s: %s" % (mnt, e))
            made.append(mnt + p)
        wls = []
        for i, p in enumerate(paths):
            w = ri.Workload("burn", ["--name", ri.comm_name("ricg%d" % i), "--seconds", "20",
                                     "--thread", "t:5"], truth=False)
            with open(mnt + p + "/cgroup.procs", "w") as f:
                f.write(str(w.pid))
            wls.append(w)
        me = os.getpid()
        pids = [w.pid for w in wls] + [me]
        tool = ri.Tool.json(["-d", "0.3", "-n", "3", "-p", ",".join(map(str, pids))])
        tool.wait(timeout=20)
        tool.require_clean()
        c = ri.Checks()
        last = tool.ticks[-1]
        for pid in pids:
            want = v2_path(pid)
            p = ri.find_proc(last, pid)
            c.true("pid %d: cgroup %s" % (pid, want), p and p.get("cgroup") == want,
                   "JSON says %r" % (p or {}).get("cgroup"))
        for w in wls:
            w.kill()
    finally:
        for d in reversed(made):
            for x in (d, os.path.dirname(d)):
                try:
                    os.rmdir(x)
                except OSError:
                    pass
    c.finish("%d processes in %d cgroups, source %s" % (len(pids), len(paths) + 1,
                                                        ri.RI_SOURCE))


if __name__ == "__main__":
    main()
