#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_growth - the memory trend (GROWTH, rss_growth_bps, growing) and a
growth alert, against processes whose memory is known.

Three processes from 32 MiB: a grower adding 2 MiB/s, a sawtooth that adds
4 MiB/s and gives it all back every 2 s, and a flat one. The tool runs at
-d 0.5 with --growth-window 10s and the rule 'growth > 1M/min for 20s'.

Truth: the grower logs its own /proc/self/statm every 100 ms; its slope
over each tick's window is fitted by least squares from that log. Checks:
  - rss_growth_bps is null until the window holds 10 s of samples, then
    set in every tick;
  - the grower: every tick's slope within 5% of the statm slope over the
    same window (and of the 2 MiB/s it was told), growing true;
  - the sawtooth: never growing (its fit is poor), never an alert;
  - the flat one: slope under 1 KiB/s, never growing, never an alert;
  - the alert on the grower: pending from the first tick the figure is
    over 1M/min, firing from the first tick at least 20 s later (by the
    ticks' own times), never before.
"""

import os
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
WINDOW = 10.0
FOR_S = 20.0
RATE = 2 * 1048576
RULE = "growth > 1M/min for 20s"
TOL = 0.05
# "for" runs on the boot clock (the ticks carry Unix time), and counts as
# elapsed within 1% of a refresh of its end (core/alerts/alerts.c: a tick's jitter).
EPS = 0.012


def lsq_slope(points):
    n = len(points)
    if n < 3:
        return None
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return sxy / sxx if sxx else None


def alerts_for(tick, pid):
    return [a for a in tick.get("alerts") or [] if a.get("pid") == pid]


def main():
    ri.preflight_source()
    g, s, f = ri.comm_name("rigrow"), ri.comm_name("risaw"), ri.comm_name("riflat")
    nticks = int((WINDOW + FOR_S + 5) / DELAY)
    fd, log = tempfile.mkstemp(prefix="ri-statm-", suffix=".log")
    os.close(fd)
    wls = []
    try:
        offset = ri.mono_minus_real()
        tool = ri.Tool.json(["-d", str(DELAY), "-n", str(nticks), "--growth-window", "10s",
                             "-c", g, "-c", s, "-c", f, "--alert", RULE])
        tool.need_ticks(1, timeout=15)
        common = ["--start", "32M", "--seconds", str(nticks * DELAY + 10)]
        wls.append(ri.Workload("grow", ["--name", g, "--rate", str(RATE),
                                        "--statm-log", log] + common))
        wls.append(ri.Workload("grow", ["--name", s, "--rate", "4M", "--sawtooth", "2"]
                               + common))
        wls.append(ri.Workload("grow", ["--name", f, "--rate", "0"] + common))
        tool.wait(timeout=nticks * DELAY + 30)
        for w in wls:
            w.stop()
        with open(log) as fh:
            statm = [(float(a), int(b)) for a, b in (line.split() for line in fh)]
    finally:
        for w in wls:
            w.kill()
        os.unlink(log)
    tool.require_clean()
    grow, saw, flat = (w.pid for w in wls)

    c = ri.Checks()
    # --- the grower's slope, tick by tick, against its own statm ---
    apps = ri.appearances(tool.ticks, grow)
    c.at_least("ticks with the grower", len(apps), nticks - 4)
    figs = [ri.num(p.get("rss_growth_bps")) for _, p in apps]
    first = next((i for i, v in enumerate(figs) if v is not None), None)
    c.true("rss_growth_bps null until the window holds 10 s of samples, then always set",
           first is not None and WINDOW / DELAY - 2 <= first <= WINDOW / DELAY + 1 and
           all(v is not None for v in figs[first:]),
           "first figure at appearance %s of %d" % (first, len(apps)))
    errs, nominal = [], []
    for tick, p in apps[first or 0:]:
        bps = ri.num(p.get("rss_growth_bps"))
        t1 = tick["time"] + offset
        span = (WINDOW / DELAY - 1) * tick["interval_s"]
        want = lsq_slope([(t, r) for t, r in statm if t1 - span <= t <= t1])
        if bps is None or want is None:
            continue
        errs.append((bps - want) / want)
        nominal.append((bps - RATE) / RATE)
        if p.get("growing") is not True:
            c.true("grower growing at tick %.1f" % tick["time"], False, repr(p.get("growing")))
    worst = max(errs, key=abs) if errs else None
    c.true("grower: every tick's slope within 5%% of its statm slope over the window "
           "(%d ticks, worst %+.2f%%)" % (len(errs), 100 * (worst or 0)),
           len(errs) >= 10 and all(abs(e) <= TOL for e in errs))
    c.true("grower: within 5%% of the 2 MiB/s it was told (worst %+.2f%%)"
           % (100 * max(nominal, key=abs) if nominal else 0),
           nominal and all(abs(e) <= TOL for e in nominal))

    # --- the sawtooth and the flat one ---
    for pid, what in ((saw, "sawtooth"), (flat, "flat")):
        ap = ri.appearances(tool.ticks, pid)
        valid = [(t, p) for t, p in ap if ri.num(p.get("rss_growth_bps")) is not None]
        c.at_least("%s: ticks with a growth figure" % what, len(valid), 10)
        c.true("%s: never growing" % what, all(p.get("growing") is False for _, p in ap),
               "growing in %d ticks" % sum(1 for _, p in ap if p.get("growing")))
        c.true("%s: never an alert" % what, not any(alerts_for(t, pid) for t in tool.ticks),
               str([alerts_for(t, pid) for t in tool.ticks if alerts_for(t, pid)][:2]))
    flat_max = max([abs(ri.num(p.get("rss_growth_bps"))) for _, p in
                    ri.appearances(tool.ticks, flat)
                    if ri.num(p.get("rss_growth_bps")) is not None] or [None])
    c.true("flat: slope under 1 KiB/s in every tick (largest %s B/s)" % flat_max,
           flat_max is not None and flat_max < 1024)

    # --- the alert on the grower, by the ticks' own times ---
    hot = [t for t, p in apps if (ri.num(p.get("rss_growth_bps")) or 0) > 1048576 / 60.0]
    h = hot[0] if hot else None
    before = [t for t, _ in apps if h and t["time"] < h["time"] and alerts_for(t, grow)]
    c.true("no alert on the grower before its first figure over 1M/min", h and not before,
           "%d ticks" % len(before))
    a0 = alerts_for(h, grow) if h else []
    c.true("pending from that first tick", a0 and a0[0]["state"] == "pending" and
           a0[0]["since"] == h["time"], str(a0))
    fire = next((t for t, _ in apps if any(a["state"] == "firing" for a in alerts_for(t, grow))),
                None)
    if fire is None or h is None:
        c.true("firing at last", False, "never fired")
    else:
        waited = fire["time"] - h["time"]
        prev = [t for t, _ in apps if h["time"] <= t["time"] < fire["time"]][-1]
        c.true("firing from the first tick at least 20 s after (%.3f s; the tick before: "
               "%.3f s)" % (waited, prev["time"] - h["time"]),
               waited >= FOR_S - EPS and prev["time"] - h["time"] < FOR_S + EPS)
    c.finish("grower slope worst %+.2f%% vs statm (%d ticks); flat largest %s B/s; "
             "alert fired %s s after pending" % (
                 100 * (worst or 0), len(errs), flat_max,
                 "%.2f" % (fire["time"] - h["time"]) if fire and h else "never"))


if __name__ == "__main__":
    main()
