#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_fixture_v1_replays_its_truth - a version 1 recording replays forever.

tests/record/fixture-v1.rirec was recorded live (make_fixture.py) from
workloads that reported their own truth, kept in fixture-v1.truth.json.
Replayed with -b --json -H, without root or BPF, it must give that truth
back: the burner's threads their measured duty (within 1 point), the
process their sum, every one of the 20 short-lived children exited with
its CPU time (within 5%: the workload's own figure is getrusage's) and
exactly the bytes they wrote, the writer its rate (within one chunk), the
growing process its growth rate (within 2%), the source and probe that
ran; and the text mode the same rows. A newer binary that cannot read
version 1, or reads it differently, fails here.
"""

import json
import os
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture-v1.rirec")


def replay(*args):
    r = subprocess.run([ri.RI_BIN, "-r", FIXTURE] + list(args), capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    with open(os.path.join(HERE, "fixture-v1.truth.json")) as f:
        made = json.load(f)
    truth = {w["workload"]: w for w in made["workloads"]}
    c = ri.Checks()
    rc, out, err = replay("-b", "--json", "-H")
    c.true("replay exits 0 and says nothing on stderr", rc == 0 and not err.strip(),
           "exit %d, stderr %r" % (rc, err.strip()[:200]))
    ticks = [json.loads(line) for line in out.splitlines()]
    c.true("every tick the live run printed (-n %d)" % made["ticks"],
           len(ticks) == made["ticks"], "%d" % len(ticks))
    if not ticks:
        c.finish()
    c.true("the recorded source and probe", ticks[0]["source"] == "bpf"
           and ticks[0]["probe"] == "tp_btf" and ticks[0]["sees_short_lived"] is True,
           "%s/%s" % (ticks[0]["source"], ticks[0]["probe"]))
    c.true("the recording's machine: 2 CPUs", ticks[0]["ncpu"] == 2)
    # Counters added after the fixture was made are unknown there, not 0.
    newer = [(k, p.get(k)) for t in ticks for p in t["processes"]
             for k in ("min_flt", "min_flt_ps", "maj_flt", "maj_flt_ps")]
    c.true("page faults, newer than the recording: null in every row",
           newer and all(v is None for _, v in newer),
           "%d of %d not null" % (sum(v is not None for _, v in newer), len(newer)))

    mach = [(k, t.get(k, "absent")) for t in ticks
            for k in ("net_rx_bps", "net_tx_bps", "net_rx_pps", "net_tx_pps")]
    c.true("the machine's network, newer than the recording: null in every tick",
           all(v is None for _, v in mach),
           "%d of %d not null" % (sum(v is not None for _, v in mach), len(mach)))

    def procs(comm):
        return [(t, p) for t in ticks for p in t["processes"] if p["comm"] == comm]

    burn = truth["burn"]
    bp = procs("fxburn")
    c.true("the burner in every tick", len(bp) == len(ticks))
    total = 0.0
    for th in burn["threads"]:
        pcts = [x["cpu_pct"] for _, p in ri.steady(bp) for x in p["threads"]
                if x["tid"] == th["tid"]]
        med = statistics.median(pcts) if pcts else None
        total += th["measured_duty"]
        c.close("thread %s: median CPU%%" % th["name"], med, th["measured_duty"], 1.0)
    c.close("the burner: median CPU% is its threads' sum",
            statistics.median([p["cpu_pct"] for _, p in ri.steady(bp)]), total, 1.5)

    churn = truth["churn"]
    kids = [p for _, p in procs(churn["child_comm"]) if p["exited"]]
    c.true("every child seen exited, once each", len(kids) == churn["children"]
           and len({k["pid"] for k in kids}) == churn["children"],
           "%d of %d" % (len(kids), churn["children"]))
    cpu = sum(k["cpu_ns"] for k in kids)
    c.close("children's CPU time, ms", cpu / 1e6, churn["children_cpu_ns"] / 1e6,
            churn["children_cpu_ns"] / 1e6 * 0.05)
    c.true("children's bytes written, exactly", sum(k["io_write_bytes"] for k in kids)
           == churn["bytes_written"], "%d vs %d" % (
               sum(k["io_write_bytes"] for k in kids), churn["bytes_written"]))

    writer = truth["writer"]
    wr = [p["io_write_bps"] for _, p in ri.steady(procs("fxwrite"))]
    c.close("writer: median bytes/s written", statistics.median(wr) if wr else None,
            writer["rate"], writer["chunk"])

    grow = truth["grow"]
    g = [(t["time"], p["rss_bytes"]) for t, p in procs("fxgrow")]
    slope = (g[-1][1] - g[0][1]) / (g[-1][0] - g[0][0]) if len(g) > 2 else None
    c.close("grower: RSS growth, bytes/s", slope, grow["rate"], grow["rate"] * 0.02)

    rc, text, err = replay("-b", "-H")
    rows = [ln for ln in text.splitlines() if " alpha " in ln]
    c.true("text mode: the same ticks, thread rows by name", rc == 0 and
           len(rows) == len(ticks), "%d alpha rows" % len(rows))
    c.finish("%d ticks, alpha %.1f%%, %d children" % (
        len(ticks), statistics.median([x["cpu_pct"] for _, p in ri.steady(bp)
                                       for x in p["threads"] if x["comm"] == "alpha"]),
        len(kids)))


if __name__ == "__main__":
    main()
