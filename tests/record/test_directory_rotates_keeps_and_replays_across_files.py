#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_directory_rotates_keeps_and_replays_across_files - -w DIR/ as a recorder runs it.

With the test-only period RI_RECORD_ROTATE_S=1 (files start every second
instead of every hour; procfs source, no BPF needed):
  - a live -b --json -w DIR/ run leaves one file per second, named by its
    start (YYYYMMDDTHHMMSSZ.rirec, UTC), and -r DIR -b --json prints the
    live run's lines exactly, across every rotation;
  - --max-size keeps the directory near its limit by removing the oldest
    files, never the one being written, and the rest still replays;
  - --keep 2s removes the files whose every frame is older than that;
  - files that are not recordings' are never touched.
"""

import calendar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

NAME = re.compile(r"^(\d{8}T\d{6}Z)(_\d+)?\.rirec$")


def files(d):
    return sorted(f for f in os.listdir(d) if NAME.match(f))


def run(args, env):
    r = subprocess.run([ri.RI_BIN] + args, capture_output=True, timeout=120, env=env,
                       stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout.decode().splitlines(), [
        x for x in r.stderr.decode().splitlines() if x.strip()]


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-rotate-")
    env = dict(os.environ, RI_RECORD_ROTATE_S="1", TZ="UTC")
    me = str(os.getpid())
    try:
        d = os.path.join(tmp, "all") + "/"
        rc, live, err = run(["-b", "--json", "--source", "procfs", "-d", "0.25", "-n", "20",
                             "-w", d], env)
        c.true("live run with -w DIR/: exit 0, 20 ticks, nothing said",
               rc == 0 and len(live) == 20 and not err, "exit %d %s" % (rc, err[:1]))
        names = files(d)
        c.true("a file per second: 4 to 7 files", 4 <= len(names) <= 7, "%s" % names)
        first = NAME.match(names[0]).group(1) if names else ""
        started = calendar.timegm(time.strptime(first, "%Y%m%dT%H%M%SZ")) if first else 0
        c.true("named by their start, UTC", abs(started - time.time()) < 60, first)
        rc, replayed, err = run(["-r", d, "-b", "--json"], env)
        c.true("-r DIR prints the live lines exactly, across every rotation",
               rc == 0 and replayed == live and not err,
               "exit %d, %d of %d lines the same %s" % (
                   rc, sum(a == b for a, b in zip(replayed, live)), len(live), err[:1]))

        d = os.path.join(tmp, "max")
        os.mkdir(d)
        with open(os.path.join(d, "notes.txt"), "w") as f:
            f.write("not a recording: never removed\n")
        rc, live, err = run(["-b", "--json", "--source", "procfs", "-d", "0.1", "-n", "60",
                             "-w", d, "--max-size", "16K"], env)
        names = files(d)
        total = sum(os.path.getsize(os.path.join(d, f)) for f in names)
        oldest = calendar.timegm(time.strptime(NAME.match(names[0]).group(1),
                                               "%Y%m%dT%H%M%SZ")) if names else 0
        start = json.loads(live[0])["time"] if live else 0
        c.true("--max-size 16K: the oldest files removed", rc == 0 and names and
               oldest > start + 1, "exit %d, %d files, %d bytes, the oldest from %+.1f s" % (
                   rc, len(names), total, oldest - start))
        c.true("--max-size 16K: at most a file over it", total <= 16 * 1024 + max(
            [os.path.getsize(os.path.join(d, f)) for f in names] or [0]), "%d" % total)
        c.true("other files are left alone", os.path.exists(os.path.join(d, "notes.txt")))
        rc, replayed, err = run(["-r", d, "-b", "--json"], env)

        def figures(line):
            t = json.loads(line)
            # Interval figures only: a process's total CPU counts the threads
            # seen since the replay's start, which is later here.
            return t["time"], sorted((p["pid"], p["start_ns"], p["cpu_ns"], p["io_read_bytes"])
                                     for p in t["processes"])

        c.true("what is kept replays: the live run's last ticks",
               rc == 0 and len(replayed) > 3 and
               [figures(x) for x in replayed[-3:]] == [figures(x) for x in live[-3:]],
               "exit %d, %d lines %s" % (rc, len(replayed), err[:1]))

        d = os.path.join(tmp, "keep")
        os.mkdir(d)
        rc, live, err = run(["-b", "-q", "--source", "procfs", "-d", "0.25", "-n", "28",
                             "-p", me, "-w", d, "--keep", "2s"], env)
        names = files(d)
        c.true("--keep 2s: a few files of the last seconds left", rc == 0 and
               2 <= len(names) <= 4, "exit %d, %s" % (rc, names))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
