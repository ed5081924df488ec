#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""-c NAME where no process has that name yet.

What the user sees: JSON ticks with "waiting": [NAME] and no process, the
text header saying "waiting for NAME"; when a process of that name starts
later, it is listed from the next tick on and the wait ends. Both ways a
process gets a name are tried: exec of a binary copied to NAME, and a
running process renaming itself (prctl PR_SET_NAME).
"""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.4
TICKS = 16


def rows(tick, name):
    return [p for p in tick.get("processes") or [] if p.get("comm") == name]


def wait_tool_tick(t, n):
    if not t.wait_ticks(n, 20):
        t.kill()
        ri.fail("tool stopped before tick %d: %s" % (n, " | ".join(t.err[-3:])))


def main():
    ri.preflight()
    name = ri.comm_name("late")
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    d = tempfile.mkdtemp(prefix="ri-faults-name-")
    atexit.register(shutil.rmtree, d, True)
    exe = os.path.join(d, name)
    shutil.copy2(shutil.which("sleep"), exe)
    js = ri.Tool(["-b", "--json", "-c", name, "-d", str(DELAY), "-n", str(TICKS)], san)
    tx = ri.Tool(["-b", "-c", name, "-d", str(DELAY), "-n", str(TICKS)], san,
                 json_mode=False)
    wait_tool_tick(js, 3)
    watch.note(js.pid)
    watch.note(tx.pid)
    t_exec = time.time()
    a = subprocess.Popen([exe, "30"], stdin=subprocess.DEVNULL)
    wait_tool_tick(js, len(js.ticks) + 4)
    a.kill()
    a.wait()
    t_gone = time.time()
    wait_tool_tick(js, len(js.ticks) + 3)
    t_rename = time.time()
    b = subprocess.Popen([sys.executable, "-c",
                          "import ctypes,time\n"
                          "ctypes.CDLL(None).prctl(15, %r, 0, 0, 0)\n"
                          "time.sleep(30)\n" % name.encode()], stdin=subprocess.DEVNULL)
    rc = js.wait(TICKS * DELAY + 30)
    rct = tx.wait(30)
    b.kill()
    b.wait()
    shutil.rmtree(d, ignore_errors=True)

    c.true("both tools ran to -n and exited 0", rc == 0 and rct == 0 and len(js.ticks) == TICKS,
           "json %s (%d ticks), text %s" % (ri.rc_text(rc), len(js.ticks), ri.rc_text(rct)))
    before = [x for x in js.ticks if x["time"] < t_exec]
    c.true("before the process: waiting lists NAME, no process listed",
           before and all(x.get("waiting") == [name] and not x.get("processes") for x in before),
           "%d ticks, waiting %s" % (len(before), sorted({str(x.get("waiting")) for x in before})))
    # The first tick whose interval starts after the exec must list it.
    during = [x for x in js.ticks if x["time"] - x["interval_s"] > t_exec + 0.05
              and x["time"] < t_gone]
    c.true("exec'd process listed in every tick after it started, waiting empty",
           during and all(any(p["pid"] == a.pid for p in rows(x, name)) and x.get("waiting") == []
                          for x in during),
           "%d ticks; pids %s" % (len(during), sorted({p["pid"] for x in during for p in rows(x, name)})))
    first = next((i for i, x in enumerate(js.ticks) if rows(x, name)), None)
    first_after = next((i for i, x in enumerate(js.ticks) if x["time"] > t_exec), None)
    c.true("it appears in the first tick after its start",
           first is not None and first_after is not None and first <= first_after + 1,
           "first tick after exec %s, first listing %s" % (first_after, first))
    gap = [x for x in js.ticks if x["time"] - x["interval_s"] > t_gone + 0.05
           and x["time"] < t_rename]
    c.true("after it died: waiting lists NAME again",
           gap and all(x.get("waiting") == [name] for x in gap),
           "%d ticks, waiting %s" % (len(gap), sorted({str(x.get("waiting")) for x in gap})))
    late = [x for x in js.ticks if x["time"] - x["interval_s"] > t_rename + 0.3]
    c.true("a process renamed to NAME (prctl) is listed in later ticks",
           late and any(any(p["pid"] == b.pid for p in rows(x, name)) for x in late)
           and late[-1].get("waiting") == [],
           "%d ticks after the rename; pid %d listed in %d" % (
               len(late), b.pid, sum(1 for x in late if any(p["pid"] == b.pid for p in rows(x, name)))))
    text = b"".join(tx.raw).decode("utf-8", "replace").splitlines()
    heads = [l for l in text if l.startswith("resource_image ")]
    c.true("text header says 'waiting for NAME' while nothing matches",
           heads and heads[0].endswith("  waiting for %s" % name),
           repr(heads[0][-40:]) if heads else "no header")
    c.true("text rows list the process later, header without 'waiting'",
           any((" %d " % a.pid) in l and name in l for l in text)
           and any("waiting" not in h for h in heads),
           "%d headers, %d with waiting" % (len(heads), sum("waiting for" in h for h in heads)))
    reps = san.reports(js, tx)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("name %s: %d ticks waiting, exec'd pid %d listed from tick %s (exec before tick %s), "
             "%d waiting ticks after its death, renamed pid %d listed in %d late ticks; text: %d of %d "
             "headers say waiting" % (
                 name, len(before), a.pid, first, first_after, len(gap), b.pid,
                 sum(1 for x in late if any(p["pid"] == b.pid for p in rows(x, name))),
                 sum("waiting for" in h for h in heads), len(heads)))


if __name__ == "__main__":
    main()
