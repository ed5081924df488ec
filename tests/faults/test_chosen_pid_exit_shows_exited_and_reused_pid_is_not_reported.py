#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""-p PID of a process that exits mid-run, then a new process on that PID.

What the user sees (--json -p PID): the chosen process in every tick until
it dies; in the tick of its death "exited": true with an "exit_time" close
to the moment it was killed; the tool keeps going to -n and exits 0. A new
process that the kernel then gives the same PID (forced here through
/proc/sys/kernel/ns_last_pid) is someone else: no tick reports the PID
with the new process's start_ns, and the old process stays exited.
"""

import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
TICKS = 14


def reuse_pid(pid, attempts=300):
    """A new `sleep` process with this PID, or None."""
    for _ in range(attempts):
        try:
            with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                f.write(str(pid - 1))
        except OSError as e:
            ri.skip("cannot write /proc/sys/kernel/ns_last_pid: %s" % e)
        p = subprocess.Popen(["sleep", "30"], stdin=subprocess.DEVNULL)
        if p.pid == pid:
            return p
        p.kill()
        p.wait()
    return None


def main():
    ri.preflight()
    if not os.path.exists("/proc/sys/kernel/ns_last_pid"):
        ri.skip("no /proc/sys/kernel/ns_last_pid (kernel without checkpoint/restore)")
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    sleeper = subprocess.Popen(["sleep", "60"], stdin=subprocess.DEVNULL)
    pid = sleeper.pid
    t = ri.Tool(["-b", "--json", "-p", str(pid), "-d", str(DELAY), "-n", str(TICKS)], san)
    if not t.wait_ticks(3, 20):
        t.kill()
        sleeper.kill()
        ri.fail("no 3 ticks within 20 s: %s" % " | ".join(t.err[-3:]))
    watch.note(t.pid)
    killed_at = time.time()
    sleeper.kill()
    sleeper.wait()
    # Let the tool report the exit first, then put someone else on the PID.
    t.wait_ticks(len(t.ticks) + 2, 10)
    new = reuse_pid(pid)
    new_start = None
    reused_at = time.time()
    if new is not None:
        with open("/proc/%d/stat" % pid) as f:
            new_start = int(f.read().rsplit(")", 1)[1].split()[19])
    rc = t.wait(TICKS * DELAY + 30)
    if new is not None:
        new_alive_at_end = new.poll() is None
        new.kill()
        new.wait()

    c.true("the tool ran to -n and exited 0", rc == 0 and len(t.ticks) == TICKS,
           "%s, %d ticks of %d" % (ri.rc_text(rc), len(t.ticks), TICKS))
    c.true("every line is valid JSON", not t.bad, "%d bad" % len(t.bad))
    rows = [(i, ri.find_proc(x, pid)) for i, x in enumerate(t.ticks)]
    rows = [(i, p) for i, p in rows if p is not None]
    starts = sorted({p.get("start_ns") for _, p in rows})
    alive = [i for i, p in rows if not p.get("exited")]
    dead = [(i, p) for i, p in rows if p.get("exited")]
    c.true("the chosen process is shown while alive", len(alive) >= 2,
           "alive in ticks %s" % alive)
    c.true("exactly one tick shows it exited", len(dead) == 1,
           "exited in ticks %s" % [i for i, _ in dead])
    if dead:
        i, p = dead[0]
        et = p.get("exit_time")
        c.true("that tick has exit_time near the kill",
               isinstance(et, (int, float)) and abs(et - killed_at) < 1.0,
               "exit_time %s, killed at %.3f (diff %s)" % (
                   et, killed_at, "%.3f s" % (et - killed_at) if isinstance(et, (int, float)) else "n/a"))
        c.true("it is the tick right after the last alive one",
               alive and i == max(alive) + 1, "alive up to %s, exited at %d"
               % (max(alive) if alive else None, i))
    c.true("all rows of the PID carry one start_ns (the chosen process)", len(starts) == 1,
           "start_ns seen: %s" % starts)
    if new is None:
        c.true("PID reuse forced", False, "no new process got PID %d in 300 tries" % pid)
    else:
        after = [x for x in t.ticks if x["time"] > reused_at + DELAY]
        c.true("the new process on the PID lived through ticks", len(after) >= 2 and new_alive_at_end,
               "%d ticks after the reuse" % len(after))
        later = [ri.find_proc(x, pid) for x in after]
        c.true("no tick after the reuse reports the PID as the chosen (live) process",
               not any(p and not p.get("exited") for p in later),
               "%d of %d ticks list PID %d" % (sum(1 for p in later if p), len(after), pid))
    reps = san.reports(t)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("PID %d killed at tick %s, exit row %s; reused: %s (start %s ticks after boot); "
             "rows of PID: %d, start_ns %s; %s, %d ticks"
             % (pid, max(alive) + 1 if alive else None,
                {k: dead[0][1].get(k) for k in ("exited", "exit_time")} if dead else None,
                new is not None, new_start, len(rows), starts, ri.rc_text(rc), len(t.ticks)))


if __name__ == "__main__":
    main()
