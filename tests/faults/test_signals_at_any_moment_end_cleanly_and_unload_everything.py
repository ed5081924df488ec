#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""SIGINT, SIGTERM, SIGHUP, SIGQUIT at any moment of `resource_image -b`,
start-up included (between load and attach), after random delays.

What the user sees: the tool ends every time, promptly; exit status 0
once it has installed its handlers (always once it printed output); only
a signal that lands before the handlers exist (the first milliseconds of
the process) may kill it with that signal's default action. Nothing on
stderr. Afterwards no program, link or map of that process is loaded.
"""

import os
import random
import resource
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

SIGS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
ROUNDS = 10  # per signal
MAX_DELAY = 0.4


def no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def where(pid):
    """Each thread's wait channel, system call and kernel stack, in one line."""
    out = []
    try:
        tids = sorted(os.listdir("/proc/%d/task" % pid), key=int)
    except OSError as e:
        return str(e)
    for tid in tids:
        parts = []
        for f in ("comm", "wchan", "syscall", "stack"):
            try:
                with open("/proc/%d/task/%s/%s" % (pid, tid, f)) as fh:
                    parts.append(" ".join(fh.read().split())[:200])
            except OSError:
                parts.append("?")
        out.append("%s: %s" % (tid, " | ".join(parts)))
    return "; ".join(out)


def main():
    ri.preflight()
    seed = int(time.time())
    rnd = random.Random(seed)
    ri.say("seed %d" % seed)
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    plan = [s for s in SIGS for _ in range(ROUNDS)]
    rnd.shuffle(plan)
    stats = {}
    problems = []
    loaded_seen = 0
    for i, sig in enumerate(plan):
        # A third of the rounds aim at start-up (load, attach), a third
        # anywhere in the first 400 ms, a third at the running loop.
        t = ri.Tool(["-b", "-d", "0.1"], san, json_mode=False, preexec=no_core)
        if i % 3 == 2:
            t.wait_ticks(1, 10)
            delay = rnd.uniform(0, 0.1)
        else:
            delay = rnd.uniform(0, 0.15) if i % 3 else rnd.uniform(0, MAX_DELAY)
        time.sleep(delay)
        o = watch.note(t.pid)
        loaded_seen += bool(o["prog"] or o["link"])
        printed = bool(t.raw)
        t0 = time.monotonic()
        t.signal(sig)
        try:
            t.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # Where it hangs, for whoever reads the failure: read before
            # wait() below kills it.
            problems.append("round %d: still running; where each thread waits: %s"
                            % (i, where(t.pid)))
        rc = t.wait(1)
        took = time.monotonic() - t0
        started = printed or bool(o["link"])
        key = (sig.name, "loop" if printed else ("attached" if o["link"] else "start-up"),
               ri.rc_text(rc))
        stats[key] = stats.get(key, 0) + 1
        ok = rc == 0 or (rc == -sig and not printed)
        errs = [l for l in t.err if l.strip()]
        if not ok or errs or took > 5:
            problems.append("round %d %s after %.0f ms (%s): %s in %.2f s, stderr %r"
                            % (i, sig.name, delay * 1000, "printed" if printed else
                               "attached" if started else "no output yet",
                               ri.rc_text(rc), took, errs[:2]))
        reps = san.reports(t)
        if reps:
            problems.append("round %d %s: sanitizer: %s" % (i, sig.name, reps[0][:300]))
            break
    for p in problems[:10]:
        ri.say("problem: " + p)
    for k in sorted(stats):
        ri.say("%-8s %-9s %-20s x%d" % (k[0], k[1], k[2], stats[k]))
    c.true("every round ended promptly, exit 0 (or killed by the signal before any output),"
           " nothing on stderr", not problems, "%d problem rounds of %d" % (len(problems), len(plan)))
    c.true("rounds caught the tool with programs loaded", loaded_seen > 0,
           "%d of %d rounds" % (loaded_seen, len(plan)))
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("%d rounds (seed %d; delays 0-150 ms, 0-%d ms, or 0-100 ms after the first "
             "output): %s; %d problems" % (
        len(plan), seed, MAX_DELAY * 1000,
        ", ".join("%s/%s/%s x%d" % (k + (v,)) for k, v in sorted(stats.items())),
        len(problems)))


if __name__ == "__main__":
    main()
