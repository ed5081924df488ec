#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_recorded_alerts_replay_as_they_fired - a recording keeps the alert
transitions, and a replay given no rules shows them.

A live run records (-w) with `--alert 'cpu > 30% for 2s'` while a
`phases` process idles, burns 100% for 5 s and idles again. Then:
  - the live run's own JSON has the alert pending, firing and resolved;
  - `-r FILE -b --json` with no --alert prints, tick for tick, the same
    "alerts" the live run printed (rule, pid, comm, state, since, value),
    and in fact the same lines;
  - `-r FILE -b` (text, no --alert) prints the same ALERT lines the live
    text would: one per recorded transition, firing among them;
  - `-r FILE -b --json --alert 'cpu > 20%'`: rules given are evaluated
    afresh, and the recorded ones are not shown;
  - nothing on stderr, exit 0, every time.
Needs root and BPF (SKIP otherwise).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

# Far below the burst's 100% and far above the idle phases' 0%: a machine
# that gives the burner only half a CPU still sees every transition.
RULE = "cpu > 30% for 2s"
FRESH = "cpu > 20%"


def run(args, env):
    return subprocess.run([ri.RI_BIN] + args, capture_output=True, timeout=90, env=env,
                          stdin=subprocess.DEVNULL)


def ticks_of(out):
    return [json.loads(x) for x in out.decode().splitlines() if x.strip()]


def states(ticks, pid):
    return [a["state"] for t in ticks for a in t.get("alerts") or [] if a["pid"] == pid]


def main():
    ri.preflight(need_bpftool=False, need_workloads=True)
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-events-")
    path = os.path.join(tmp, "alerts.rirec")
    name = ri.comm_name("riev")
    env = dict(os.environ, TZ="UTC")
    wl = ri.Workload("phases", ["--name", name, "--phase", "0:2", "--phase", "100:5",
                                "--phase", "0:30"])
    try:
        live = run(["-b", "--json", "-d", "0.5", "-n", "24", "-c", name, "--alert", RULE,
                    "-w", path], env)
        wl.stop()
        again = run(["-r", path, "-b", "--json"], env)
        text = run(["-r", path, "-b"], env)
        fresh = run(["-r", path, "-b", "--json", "--alert", FRESH], env)
    finally:
        wl.kill()
    try:
        for what, r in (("live run", live), ("replay --json", again), ("replay text", text),
                        ("replay --alert", fresh)):
            c.true("%s: exit 0, nothing on stderr" % what,
                   r.returncode == 0 and not r.stderr.strip(),
                   "rc %s: %s" % (r.returncode, r.stderr.decode().strip()[:200]))
        lt, rt = ticks_of(live.stdout), ticks_of(again.stdout)
        ls = states(lt, wl.pid)
        c.true("live: the alert went pending, firing and resolved (%s)" % ls[:12],
               "pending" in ls and "firing" in ls and "resolved" in ls)
        la = [t.get("alerts") for t in lt]
        ra = [t.get("alerts") for t in rt]
        first = next((i for i, (x, y) in enumerate(zip(la, ra)) if x != y), None)
        c.true("replay without rules: every tick's alerts are the recorded ones (%d ticks)"
               % len(la), la and la == ra,
               "first difference at tick %s: %s | %s" % (
                   first, la[first] if first is not None else "",
                   ra[first] if first is not None else ""))
        c.true("replay without rules: the same lines as the live run",
               live.stdout == again.stdout and live.stdout)
        al = [x for x in text.stdout.decode().splitlines() if x.startswith("ALERT ")]
        want = sum(1 for t in lt for a in t.get("alerts") or [] if a["since"] == t["time"])
        c.true("replay text: one ALERT line per recorded transition (%d, want %d)"
               % (len(al), want), al and len(al) == want and
               any(" firing " in x and RULE in x and str(wl.pid) in x for x in al),
               " | ".join(al[:4]))
        ft = ticks_of(fresh.stdout)
        rules = {a["rule"] for t in ft for a in t.get("alerts") or []}
        c.true("replay with --alert: that rule evaluated afresh, not the recorded one (%s)"
               % sorted(rules), rules == {FRESH} and "firing" in states(ft, wl.pid))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
