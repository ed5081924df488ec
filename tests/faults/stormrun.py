# SPDX-License-Identifier: GPL-2.0
"""stormrun - the tool, system-wide, through a storm of short-lived tasks.

Shared by the thread-storm and process-storm tests: starts the tool
(--json -d 1, system-wide), then the storm workload; counts the exits the
tool reported for the storm against what the workload created; watches
the tool's memory high-water mark (VmHWM) and the sizes of its BPF maps.
"""

import json
import os
import signal
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

RSS_BOUND_KIB = 64 * 1024       # a plain build
SAN_RSS_BOUND_KIB = 160 * 1024  # AddressSanitizer: shadow memory and quarantine
GROWTH_BOUND_KIB = 16 * 1024    # what the storm may add to the high-water mark


def map_info(ids):
    out = []
    for m in ri.bpftool("map", "show"):
        if m["id"] in ids:
            out.append((m.get("name"), m.get("type"), m.get("max_entries"),
                        m.get("bytes_memlock")))
    return sorted(out, key=str)


def run(kind, full):
    ri.preflight()
    if kind == "threads":
        n, secs, alive = (100000, 100, 300) if full else (20000, 20, 300)
        count_key = "tid"
    else:
        n, secs, alive = (100000, 100, 64) if full else (20000, 20, 64)
        count_key = "pid"
    scale = "%d %s over %d s, at most %d alive%s" % (n, kind, secs, alive,
                                                   " (--full)" if full else " (scaled; --full: 100000)")
    ri.say("scale: " + scale)
    name = ri.comm_name("storm")
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    args = ["-b", "--json", "-d", "1"] + (["-H"] if kind == "threads" else [])
    maps_seen = {}

    def sample(t):
        watch.note(t.pid)

    # ASan's quarantine keeps every freed block for a while: with a storm's
    # churn it would measure ASan, not the tool. Without it, freed memory
    # is reused as in the plain build.
    bound = SAN_RSS_BOUND_KIB if ri.asan_without_quarantine() else RSS_BOUND_KIB
    t = ri.Tool(args, san, sample=sample)
    if not t.wait_ticks(2, 30):
        t.kill()
        ri.fail("tool gave no 2 ticks: %s" % " | ".join(t.err[-3:]))
    time.sleep(0.5)
    # Once attached: a sample taken while the probe loads sees some maps only.
    watch.note(t.pid)
    maps_seen["start"] = map_info(watch.ids["map"])
    hwm0 = t.hwm_kib
    w = ri.Workload("storm", ["--%s" % kind, str(n), "--seconds", str(secs),
                              "--alive", str(alive), "--name", name])
    truth = w.wait(secs * 3 + 30)
    # Two more ticks so the last exits are drained.
    t.wait_ticks(len(t.ticks) + 2, 10)
    maps_seen["end"] = map_info(watch.ids["map"])
    hwm = t.hwm_kib
    t.signal(signal.SIGINT)
    rc = t.wait(20)

    c.true("the storm ran", truth.get("created") == n and not truth.get("failed"),
           "created %s, failed %s, max alive %s, %.1f s" % (
               truth.get("created"), truth.get("failed"), truth.get("max_alive"),
               truth.get("wall_ns", 0) / 1e9))
    c.true("the tool kept running and exited 0 on SIGINT", rc == 0,
           "%s after %d ticks" % (ri.rc_text(rc), len(t.ticks)))
    c.true("every line is valid JSON", not t.bad and t.ticks,
           "%d ticks, %d bad" % (len(t.ticks), len(t.bad)))
    spid = truth["pid"]
    seen = {}
    per_tick = []
    for x in t.ticks:
        k = 0
        if kind == "threads":
            p = ri.find_proc(x, spid)
            for th in (p or {}).get("threads") or []:
                if th.get("exited") and th["tid"] != spid:
                    # pid_max may be 32768: a storm of 20,000 threads can
                    # take a TID it already used. A thread row has no start
                    # time; its exit time tells two lives of a TID apart
                    # (seconds apart), and one exit reported twice not.
                    key = (th["tid"], th.get("exit_time"))
                    seen[key] = seen.get(key, 0) + 1
                    k += 1
        else:
            for p in x.get("processes") or []:
                if p.get("ppid") == spid and p.get("exited"):
                    key = (p["pid"], p.get("start_ns"))
                    seen[key] = seen.get(key, 0) + 1
                    k += 1
        per_tick.append(k)
    dropped = max([x.get("dropped", 0) for x in t.ticks] or [0])
    reported = len(seen)
    dup = sum(1 for v in seen.values() if v > 1)
    created = truth.get("created", 0)
    c.true("every exit reported once, or every loss counted in dropped",
           (reported == created or (reported < created and created - reported <= dropped))
           and not dup,
           "%d exited %s reported of %d created, %d reported twice, dropped %d"
           % (reported, count_key + "s", created, dup, dropped))
    if dropped:
        # System-wide, "dropped" also counts exits of every other task on
        # the machine; the check above is the one about the storm.
        ri.say("note: dropped %d (exits of other tasks: %d of %d storm exits reported)"
               % (dropped, reported, created))
    c.true("tool memory high-water mark under %d MiB (%s build)" % (
        bound // 1024, "sanitizer" if bound == SAN_RSS_BOUND_KIB else "plain"),
           0 < hwm < bound, "VmHWM %.1f MiB" % (hwm / 1024.0))
    c.true("the storm adds under %d MiB to it" % (GROWTH_BOUND_KIB // 1024),
           hwm - hwm0 < GROWTH_BOUND_KIB, "%.1f MiB before the storm, %.1f MiB after"
           % (hwm0 / 1024.0, hwm / 1024.0))
    ring = [m for m in maps_seen.get("end", []) if m[1] == "ringbuf"]
    # One exit record: struct ri_task as the ABI header has it now, plus
    # the ring's own header.
    try:
        record = ri.ring_record_bytes("ri_task")
    except (OSError, ValueError) as e:
        ri.fail("cannot size an exit record from %s: %s" % (ri.HEADER, e))
    ring_records = (ring[0][2] // record) if ring else 0
    c.true("BPF maps the same size before and after the storm (no per-task map)",
           maps_seen.get("start") and maps_seen.get("start") == maps_seen.get("end"),
           "maps %s" % maps_seen.get("end"))
    c.true("most exits in one tick fit the exit ring buffer",
           ring and max(per_tick) < ring_records,
           "max %d exits in a tick, ring holds ~%d records of %d bytes"
           % (max(per_tick or [0]), ring_records, record))
    reps = san.reports(t)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("%s: %d/%d exits reported, dropped %d, max %d exits/tick (ring ~%d records), "
             "VmHWM %.1f MiB (%.1f before the storm; bound %d MiB), maps %s, %s" % (
                 scale, reported, created, dropped, max(per_tick or [0]), ring_records,
                 hwm / 1024.0, hwm0 / 1024.0, bound // 1024,
                 ", ".join("%s:%s/%sB" % (m[0], m[2], m[3]) for m in maps_seen.get("end", [])),
                 ri.rc_text(rc)))


def main(kind):
    full = "--full" in sys.argv[1:]
    run(kind, full)
