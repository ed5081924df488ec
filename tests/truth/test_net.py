#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_net - bytes sent and received through sockets (NET-RX/s, NET-TX/s)
against what each thread's own calls returned.

The net workload waits for a signal, then moves known byte counts all at
once, each exchange on threads of its own: pairs over loopback TCP (both
directions, a different size per pair), datagrams over loopback UDP, a
Unix stream socket pair (both directions), a file sent with sendfile(2)
over TCP, and a child process that connects, sends 1 MiB and exits within
a tick. Each thread counts what its send, recv and sendfile calls
returned. The tool watches the workload by name; the bytes it adds up
over its ticks, thread by thread (-H) and process by process, must be
within 1% of those counts, the child's included (its exit snapshot
carries them). No tick may say null for them.

From the procfs source, which cannot count socket bytes, every row must
say null (n/a), never 0.
"""

import os
import signal
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
TOL = 0.01


def sums(tool, pid, tid=None):
    """(rx, tx, null rows) over every tick, for process pid or its thread tid."""
    rx = tx = nulls = 0
    for tick in tool.ticks:
        p = ri.find_proc(tick, pid)
        if not p:
            continue
        r = p if tid is None else ri.find_thread(p, tid)
        if not r:
            continue
        if r.get("net_rx_bytes") is None or r.get("net_tx_bytes") is None:
            nulls += 1
            continue
        rx += r["net_rx_bytes"]
        tx += r["net_tx_bytes"]
    return rx, tx, nulls


def run_pass(c, d, threads):
    name = ri.comm_name("rinet")
    w = ri.Workload("net", ["--name", name, "--dir", d])
    args = ["-d", str(DELAY), "-c", name] + (["-H"] if threads else [])
    tool = ri.Tool.json(args)
    try:
        tool.need_ticks(2, timeout=15)
        os.kill(w.pid, signal.SIGUSR1)
        done = w.wait_said("done")
        # Its last bytes are in once two whole ticks follow the work.
        tool.stop_after(done)
        truth = w.stop()
    finally:
        w.kill()
        tool.kill()
    tool.require_clean()
    what = "thread" if threads else "process"
    if ri.RI_SOURCE == "procfs":
        rx, tx, nulls = sums(tool, w.pid)
        rows = sum(1 for t in tool.ticks if ri.find_proc(t, w.pid))
        c.true("%s rows: procfs says n/a (null) for socket bytes, never 0" % what,
               rows > 0 and nulls == rows, "%d of %d rows null" % (nulls, rows))
        return
    kid = truth["child"]
    if threads:
        for t in truth["threads"]:
            rx, tx, nulls = sums(tool, w.pid, t["tid"])
            c.true("thread %s: no tick says null" % t["name"], nulls == 0,
                   "%d null rows" % nulls)
            for label, got, want in (("received", rx, t["rx"]), ("sent", tx, t["tx"])):
                c.close("thread %s (%d) %s bytes" % (t["name"], t["tid"], label), got, want,
                        max(1, int(want * TOL)))
    else:
        want_rx = sum(t["rx"] for t in truth["threads"])
        want_tx = sum(t["tx"] for t in truth["threads"])
        rx, tx, nulls = sums(tool, w.pid)
        c.true("process %d: no tick says null" % w.pid, nulls == 0, "%d null rows" % nulls)
        c.close("process %d received bytes (its threads summed)" % w.pid, rx, want_rx,
                int(want_rx * TOL))
        c.close("process %d sent bytes (its threads summed)" % w.pid, tx, want_tx,
                int(want_tx * TOL))
    seen = ri.appearances(tool.ticks, kid["pid"])
    rx, tx, nulls = sums(tool, kid["pid"])
    c.true("%s pass: the short-lived child %d was seen (%d ticks)" % (what, kid["pid"], len(seen)),
           len(seen) >= 1)
    c.true("%s pass: no tick says null for the child" % what, nulls == 0)
    c.close("%s pass: the child's sent bytes, kept after its exit" % what, tx, kid["tx"],
            int(kid["tx"] * TOL))


def main():
    ri.preflight_source()
    d = ri.io_dir()
    c = ri.Checks()
    try:
        for threads in (False, True):
            run_pass(c, d, threads)
    finally:
        try:
            os.rmdir(d)
        except OSError:
            pass
    c.finish()


if __name__ == "__main__":
    main()
