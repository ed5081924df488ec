#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The exit ring buffer overflows: --exit-buffer 4096 (about 20 exit records)
and a burst of 2,000 short-lived processes within one tick.

What the user sees (--json -c NAME): "dropped" > 0 and "dropped_delta" > 0
in the tick of the burst; every exit that was not reported is counted in
"dropped"; the tool keeps running to -n and exits 0; after the burst,
"dropped_delta" is 0 in every tick and "dropped" no longer moves, and a
trickle of 10 processes started after the burst is reported whole (it
recovered).
"""

import os
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
TICKS = 14
BURST = 2000


def main():
    ri.preflight()
    name = ri.comm_name("burst")
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    # The storm process exists (and waits) before the tool starts, so the
    # chosen name matches from the first tick on.
    w = ri.Workload("storm", ["--procs", str(BURST), "--seconds", "0", "--alive", "64",
                              "--name", name, "--start-after", "3"])
    t = ri.Tool(["-b", "--json", "-c", name, "--exit-buffer", "4096", "-d", str(DELAY),
                 "-n", str(TICKS)], san)
    if not t.wait_ticks(2, 20):
        t.kill()
        w.kill()
        ri.fail("no 2 ticks within 20 s: %s" % " | ".join(t.err[-3:]))
    o = watch.note(t.pid)
    ring = [m for m in ri.bpftool("map", "show") if m["id"] in o["map"]
            and m.get("type") == "ringbuf"]
    truth = w.wait(30)
    t_end = time.time()
    # Recovered means recording again: a trickle after the burst is seen whole.
    time.sleep(1.2)
    w2 = ri.Workload("storm", ["--procs", "10", "--seconds", "0.5", "--name", name])
    truth2 = w2.wait(30)
    rc = t.wait(TICKS * DELAY + 30)

    created = truth.get("created", 0)
    c.true("the burst ran", created == BURST and not truth.get("failed"),
           "%d processes in %.2f s" % (created, truth.get("wall_ns", 0) / 1e9))
    c.true("the ring buffer is the small one asked for",
           ring and ring[0].get("max_entries") == 4096,
           "ringbuf max_entries %s" % (ring[0].get("max_entries") if ring else None))
    c.true("the tool ran to -n and exited 0", rc == 0 and len(t.ticks) == TICKS,
           "%s, %d ticks" % (ri.rc_text(rc), len(t.ticks)))
    c.true("every line is valid JSON", not t.bad, "%d bad" % len(t.bad))
    final = t.ticks[-1].get("dropped", 0) if t.ticks else 0
    deltas = [x.get("dropped_delta", 0) for x in t.ticks]
    c.true("dropped > 0", final > 0, "dropped %d" % final)
    c.true("a tick shows dropped_delta > 0", any(d > 0 for d in deltas), "deltas %s" % deltas)
    c.true("dropped_delta adds up to dropped", sum(deltas) == final,
           "sum %d, dropped %d" % (sum(deltas), final))
    reported = {(p["pid"], p.get("start_ns")) for x in t.ticks for p in x.get("processes") or []
                if p.get("ppid") == truth["pid"] and p.get("exited")}
    c.true("every exit not reported is counted in dropped",
           created - len(reported) <= final,
           "%d of %d reported exited, %d dropped" % (len(reported), created, final))
    again = {(p["pid"], p.get("start_ns")) for x in t.ticks for p in x.get("processes") or []
             if p.get("ppid") == truth2["pid"] and p.get("exited")}
    c.true("after the burst, a trickle of 10 processes is reported whole",
           len(again) == truth2.get("created") == 10, "%d of %s reported" % (len(again), truth2.get("created")))
    after = [x for x in t.ticks if x["time"] - x["interval_s"] > t_end + 0.1]
    c.true("after the burst: dropped_delta 0 in every tick, dropped steady",
           len(after) >= 2 and all(x.get("dropped_delta") == 0 and x.get("dropped") == final
                                   for x in after),
           "%d ticks after: deltas %s" % (len(after), [x.get("dropped_delta") for x in after]))
    reps = san.reports(t)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("ring 4096 B, burst of %d processes in %.2f s: %d reported exited, dropped %d "
             "(deltas %s), %d ticks after the burst with dropped_delta 0, trickle after it %d/10 "
             "reported; %s" % (
                 created, truth.get("wall_ns", 0) / 1e9, len(reported), final, deltas,
                 len(after), len(again), ri.rc_text(rc)))


if __name__ == "__main__":
    main()
