#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_faults - minor and major page faults (MINFLT/s, MAJFLT/s) against
the kernel's own counts in /proc/PID/stat.

Two workloads wait for a signal, then fault a known way once: one touches
20,000 fresh anonymous pages (minor faults, no huge pages), the other
reads every page of a 16 MiB file through a mapping after evicting it
from the page cache (major faults, no readahead). The tool watches both
by name. Their counts (fields 10 and 12 of /proc/PID/stat) are read
before the tool starts, just before and just after the burst, and after
the tool's last tick: the faults the tool adds up over its ticks must lie
between what moved across the burst and what moved while it watched, and
the burst itself must be what the workload promised (one fault a page).
The same from the thread rows (-H). A file on tmpfs has no major faults
to take: that part is then reported as skipped.
"""

import os
import signal
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

TOUCH = 20000
FILE_BYTES = 16 << 20
DELAY = 0.5


def stat_faults(pid):
    """(minflt, majflt) of the process: fields 10 and 12 of its stat."""
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[7]), int(rest[9])


def tool_sums(tool, pid, threads):
    """Sums of min_flt and maj_flt over every tick: the process's, or
    (threads) its thread rows'; None where a tick said null."""
    mins = majs = 0
    nulls = 0
    for tick in tool.ticks:
        p = ri.find_proc(tick, pid)
        if not p:
            continue
        rows = p.get("threads", []) if threads else [p]
        for r in rows:
            if r.get("min_flt") is None or r.get("maj_flt") is None:
                nulls += 1
                continue
            mins += r["min_flt"]
            majs += r["maj_flt"]
    return mins, majs, nulls


def main():
    ri.preflight_source()
    d = ri.io_dir()
    fstype = ri.fs_type(d)
    data = os.path.join(d, "faults.dat")
    minor = major = tool = None
    c = ri.Checks()
    try:
        with open(data, "wb") as f:
            f.write(os.urandom(FILE_BYTES))
            f.flush()
            os.fsync(f.fileno())
        for threads in (False, True):
            # Fresh workloads for each pass: each has one burst to give.
            mname, jname = ri.comm_name("rimin"), ri.comm_name("rimaj")
            minor = ri.Workload("faults", ["--touch", str(TOUCH), "--name", mname],
                                truth=False)
            major = ri.Workload("faults", ["--file", data, "--name", jname], truth=False)
            pre = {w.pid: stat_faults(w.pid) for w in (minor, major)}
            args = ["-d", str(DELAY), "-c", mname, "-c", jname] + (["-H"] if threads else [])
            tool = ri.Tool.json(args)
            tool.need_ticks(2, timeout=15)
            before = {w.pid: stat_faults(w.pid) for w in (minor, major)}
            for w in (minor, major):
                os.kill(w.pid, signal.SIGUSR1)
            done = max(minor.wait_said("done"), major.wait_said("done"))
            after = {w.pid: stat_faults(w.pid) for w in (minor, major)}
            # Its last faults are in once two whole ticks follow the burst.
            tool.stop_after(done)
            post = {w.pid: stat_faults(w.pid) for w in (minor, major)}
            what = "thread rows" if threads else "process"
            for w, k, label, name in ((minor, 0, "minor", mname), (major, 1, "major", jname)):
                mins, majs, nulls = tool_sums(tool, w.pid, threads)
                got = (mins, majs)[k]
                lo = after[w.pid][k] - before[w.pid][k]
                hi = post[w.pid][k] - pre[w.pid][k]
                c.true("%s: no tick says null for %s's faults" % (what, name), nulls == 0,
                       "%d null rows" % nulls)
                c.true("%s: %s faults of %s between the burst's and the watch's "
                       "(%d <= %d <= %d)" % (what, label, name, lo, got, hi),
                       lo <= got <= hi)
            if not threads:
                mn = after[minor.pid][0] - before[minor.pid][0]
                c.true("the burst took a minor fault a page (%d for %d pages)" % (mn, TOUCH),
                       TOUCH <= mn <= TOUCH * 1.05)
                mj = after[major.pid][1] - before[major.pid][1]
                pages = FILE_BYTES // os.sysconf("SC_PAGE_SIZE")
                if fstype in ("tmpfs", "ramfs") or mj == 0:
                    c.skip_part("major faults of an evicted file",
                                "%s on %s: no page was read from storage" % (d, fstype))
                else:
                    c.true("the file's burst took a major fault a page (%d for %d pages)"
                           % (mj, pages), pages * 0.9 <= mj <= pages * 1.05)
            for w in (minor, major):
                w.kill()
    finally:
        for w in (minor, major):
            if w is not None:
                w.kill()
        try:
            os.unlink(data)
            os.rmdir(d)
        except OSError:
            pass
    tool.require_clean()
    c.finish()


if __name__ == "__main__":
    main()
