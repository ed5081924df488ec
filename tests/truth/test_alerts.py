#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_alerts - 'cpu > 80% for 3s' against burners of known timing, and
--alert-exec receiving every transition exactly once, without privileges.

Two `phases` processes, the tool at -d 0.5 with the rule and a hook:
  burner  idle 4 s, 100% for 6 s, idle again
  spike   idle 1.5 s, 100% for 1 s, idle again
Each tells, on CLOCK_MONOTONIC, when its hot phase began and ended.

Checks, by the ticks' own timestamps (not by wall-clock sleeps):
  - the states of every tick are those the rule gives on the tick's
    cpu_pct: pending from the first tick over 80%, firing from the first
    tick at least 3 s after that, never before, resolved in the first
    tick at or under 80%; a pending one back to inactive;
  - the burner: its first hot tick is the one its hot phase began in (or,
    if that one had too little of it, the next); it fires; it resolves no
    later than the first tick that began after its hot phase ended;
  - the spike: pending, then inactive; never firing;
  - the hook: one run per transition, no more, no less, with the rule,
    PID, state, value and time the JSON has; CapEff 0 even though the
    tool runs as root; no BPF object among its descriptors; none failed,
    none dropped; the tool's stderr stays empty.
"""

import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
FOR_S = 3.0
LIMIT = 80.0
RULE = "cpu > 80% for 3s"
# "for" runs on the boot clock (the ticks carry Unix time), and counts as
# elapsed within 1% of a refresh of its end (core/alerts/alerts.c: a tick's jitter).
EPS = 0.012

HOOK = """#!/bin/sh
caps=$(awk '/^CapEff/ {print $2}' /proc/$$/status)
bpf=$(ls -l /proc/$$/fd 2>/dev/null | grep -c 'anon_inode:bpf')
echo "$RI_ALERT_STATE|$RI_ALERT_PID|$RI_ALERT_COMM|$RI_ALERT_RULE|$RI_ALERT_VALUE|\
$RI_ALERT_TIME|$RI_ALERT_SINCE|$caps|$bpf" >> %s
"""


def alerts_of(tick, pid):
    return [a for a in tick.get("alerts") or [] if a.get("pid") == pid]


def expected_states(apps):
    """What the rule gives, tick by tick, on the tool's own cpu_pct: a list
    of (tick, state or None, ambiguous). Borderline ticks (a figure at the
    limit, or "for" elapsing within EPS of the tick) take either state."""
    out, state, since = [], None, None
    for tick, p in apps:
        cpu = ri.num(p.get("cpu_pct")) or 0
        cond = cpu > LIMIT
        amb = abs(cpu - LIMIT) < 0.002
        t = tick["time"]
        if state in ("resolved", "inactive"):
            state = None
        if cond and state is None:
            state, since = "pending", t
        elif cond and state == "pending" and t - since >= FOR_S - EPS:
            amb = amb or t - since < FOR_S + EPS
            state = "firing"
        elif not cond and state == "pending":
            state = "inactive"
        elif not cond and state == "firing":
            state = "resolved"
        out.append((tick, state, amb))
    return out


def main():
    ri.preflight_source(bpf_only=True)
    a, b = ri.comm_name("riburner"), ri.comm_name("rispike")
    nticks = 28
    tmp = tempfile.mkdtemp(prefix="ri-alerts-")
    log = os.path.join(tmp, "hook.log")
    hook = os.path.join(tmp, "hook.sh")
    with open(hook, "w") as f:
        f.write(HOOK % log)
    os.chmod(hook, 0o755)
    san = ri.SanDir()
    wls = []
    try:
        offset = ri.mono_minus_real()
        tool = ri.Tool.json(["-d", str(DELAY), "-n", str(nticks), "-c", a, "-c", b,
                             "--alert", RULE, "--alert-exec", hook], san=san)
        tool.need_ticks(1, timeout=15)
        wls.append(ri.Workload("phases", ["--name", a, "--phase", "0:4", "--phase", "100:6",
                                          "--phase", "0:4"]))
        wls.append(ri.Workload("phases", ["--name", b, "--phase", "0:1.5", "--phase",
                                          "100:1", "--phase", "0:8"]))
        tool.wait(timeout=nticks * DELAY + 30)
        truths = [w.stop() for w in wls]
        try:
            with open(log) as f:
                hooked = [line.rstrip("\n").split("|") for line in f]
        except OSError:
            hooked = []
    finally:
        for w in wls:
            w.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    tool.require_clean()
    c = ri.Checks()
    burner, spike = (w.pid for w in wls)

    # --- every tick's states against the rule applied to the tick's figures ---
    for pid, what in ((burner, "burner"), (spike, "spike")):
        apps = [(t, p) for t, p in ri.appearances(tool.ticks, pid) if not p.get("exited")]
        bad = []
        for tick, want, amb in expected_states(apps):
            got = [x["state"] for x in alerts_of(tick, pid)]
            if len(got) > 1 or (not amb and (got[0] if got else None) != want):
                bad.append("tick %.2f cpu %s: %s, want %s" % (
                    tick["time"], ri.num(find(tick, pid).get("cpu_pct")), got, want))
        c.true("%s: every tick's state is what the rule gives on its cpu_pct (%d ticks)"
               % (what, len(apps)), apps and not bad, "; ".join(bad[:4]))

    # --- the burner, against its own timing ---
    hot0 = truths[0]["phases"][1]["start_mono"] - offset
    hot1 = truths[0]["phases"][1]["end_mono"] - offset
    apps = ri.appearances(tool.ticks, burner)
    hot = [(t, p) for t, p in apps if (ri.num(p.get("cpu_pct")) or 0) > LIMIT]
    full = [(t, p) for t, p in apps if t["time"] - t["interval_s"] >= hot0 and t["time"] <= hot1]
    h = hot[0][0] if hot else None
    fire = next((t for t, _ in apps if any(x["state"] == "firing" for x in alerts_of(t, burner))),
                None)
    res = next((t for t, _ in apps if any(x["state"] == "resolved" for x in alerts_of(t, burner))),
               None)
    if full and (ri.num(full[0][1].get("cpu_pct")) or 0) <= LIMIT:
        c.skip_part("burner timing", "machine busy: its first fully hot tick had %s%%"
                    % full[0][1].get("cpu_pct"))
    else:
        c.true("burner: first hot tick is the one its hot phase began in, or the next",
               h is not None and full and h["time"] > hot0 and h["time"] <= full[0][0]["time"],
               "hot from %.3f, first hot tick %s, first full tick %s" % (
                   hot0, h and h["time"], full and full[0][0]["time"]))
        a0 = alerts_of(h, burner) if h else []
        c.true("burner: pending from its first hot tick", a0 and a0[0]["state"] == "pending"
               and a0[0]["since"] == h["time"], str(a0))
        c.true("burner: no alert before it", not any(alerts_of(t, burner) for t, _ in apps
                                                     if h and t["time"] < h["time"]))
        waited = fire["time"] - h["time"] if fire and h else None
        prev = [t for t, _ in apps if h and fire and h["time"] <= t["time"] < fire["time"]]
        c.true("burner: firing from the first tick at least 3 s after (%s s; the tick "
               "before %s s)" % ("%.3f" % waited if waited is not None else "never",
                                 "%.3f" % (prev[-1]["time"] - h["time"]) if prev else "-"),
               waited is not None and waited >= FOR_S - EPS and
               prev and prev[-1]["time"] - h["time"] < FOR_S + EPS)
        after = [t for t, _ in apps if t["time"] - t["interval_s"] >= hot1]
        c.true("burner: resolved no later than the first tick after its hot phase",
               res is not None and after and res["time"] <= after[0]["time"] and
               res["time"] > hot1 - DELAY,
               "hot until %.3f, resolved %s" % (hot1, res and res["time"]))

    # --- the spike ---
    sp = [x["state"] for t in tool.ticks for x in alerts_of(t, spike)]
    c.true("spike: pending, then inactive, never firing", "pending" in sp and
           "inactive" in sp and "firing" not in sp, str(sp))

    # --- the hook: each transition exactly once, as the JSON has it ---
    want = []
    for t in tool.ticks:
        for x in t.get("alerts") or []:
            if x["since"] == t["time"]:
                want.append((x["state"], str(x["pid"]), x["rule"], x["value"], t["time"]))
    got = [(h_[0], h_[1], h_[3], float(h_[4]), float(h_[5])) for h_ in hooked if len(h_) == 9]

    def key(x):
        return (x[1], x[4], x[0])

    want.sort(key=key)
    got.sort(key=key)
    same = len(want) == len(got) and all(
        w[:3] == g[:3] and abs(w[3] - g[3]) < 0.0015 and abs(w[4] - g[4]) < 2e-6
        for w, g in zip(want, got))
    c.true("hook: every transition exactly once, with rule, PID, state, value, time "
           "(%d transitions, %d runs)" % (len(want), len(got)), want and same,
           "want %s; got %s" % (want[:6], got[:6]))
    caps = sorted({h_[7] for h_ in hooked if len(h_) == 9})
    c.true("hook: no capability (CapEff %s) though the tool runs as root" % caps,
           caps == ["0000000000000000"])
    c.true("hook: no BPF object among its descriptors",
           hooked and all(len(h_) == 9 and h_[8] == "0" for h_ in hooked),
           str([h_[8:] for h_ in hooked][:5]))
    ex = tool.ticks[-1].get("alert_exec") or {}
    c.true("hook: none failed, timed out or dropped (%s)" % ex, ex and ex.get("failed") == 0
           and ex.get("dropped") == 0 and ex.get("timed_out") == 0)
    c.true("tool: nothing on stderr", not tool.err, " | ".join(tool.err[:3]))
    reps = san.reports(tool)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:300])
    fired = "%.3f" % (fire["time"] - h["time"]) if fire and h else "never"
    c.finish("burner fired %s s after its first hot tick (rule: for 3s); %d transitions, "
             "%d hook runs, CapEff %s" % (fired, len(want), len(got), caps))


def find(tick, pid):
    return ri.find_proc(tick, pid) or {}


if __name__ == "__main__":
    main()
