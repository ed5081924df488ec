#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_replay_options_choose_the_part_and_the_step - --from, --to, -d, -n, -p on a replay.

On the checked-in fixture (25 ticks at 1 s; no root, no BPF):
  - --from T starts at the first tick at or after T, for T as Unix
    seconds, HH:MM:SS, 'YYYY-MM-DD HH:MM:SS', +10s and -5s; --to T ends
    at the last tick at or before T; -n bounds the count;
  - -d 5 aggregates five recorded ticks into one: intervals of 5 s, the
    same CPU time in all, every short-lived child still counted once;
  - -p PID (a recorded process) narrows the replay to it;
  - what cannot be done says one line and exits 2 (-d finer than the
    recording, --from after its end, --to before its start, a time that
    is none) or 1 (no such file), and nothing is printed.
"""

import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture-v1.rirec")


def replay(*args, env=None):
    r = subprocess.run([ri.RI_BIN, "-r", FIXTURE, "-b", "--json"] + list(args),
                       capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    ticks = [json.loads(x) for x in r.stdout.decode().splitlines()]
    return r.returncode, ticks, [x for x in r.stderr.decode().splitlines() if x.strip()]


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.Checks()
    env = dict(os.environ, TZ="UTC")
    rc, all_ticks, err = replay(env=env)
    if rc or not all_ticks:
        ri.fail("the fixture does not replay: exit %d %s" % (rc, err[:1]))
    times = [t["time"] for t in all_ticks]
    t5 = times[5]
    tm = time.gmtime(int(t5))
    forms = {
        "Unix seconds": "%.6f" % (t5 - 0.2),
        "HH:MM:SS": time.strftime("%H:%M:%S", tm),
        "YYYY-MM-DD HH:MM:SS": time.strftime("%Y-%m-%d %H:%M:%S", tm),
        "+Ns": "+%ds" % int(t5 - times[0] + 1 - 0.5 + 0.5),
    }
    for what, arg in forms.items():
        rc, ticks, err = replay("--from", arg, env=env)
        # The first tick at or after the time given: the 6th, or the 7th when
        # the form drops the fraction of the second and lands just before.
        ok = rc == 0 and ticks and ticks[0]["time"] in times[4:7] and \
            ticks[-1]["time"] == times[-1] and not err
        c.true("--from %s (%s): starts there, runs to the end" % (what, arg), ok,
               "exit %d, first %s" % (rc, ticks[0]["time"] - times[0] if ticks else None))
    rc, ticks, err = replay("--from", "-5s", env=env)
    c.true("--from -5s: the last five seconds", rc == 0 and 5 <= len(ticks) <= 6,
           "%d ticks" % len(ticks))
    rc, ticks, err = replay("--from", "%.6f" % times[3], "--to", "%.6f" % times[9], env=env)
    c.true("--from and --to: ticks 4 to 10 exactly", rc == 0 and
           [t["time"] for t in ticks] == times[3:10], "%d ticks" % len(ticks))
    rc, ticks, err = replay("--from", "%.6f" % times[3], "-n", "4", env=env)
    c.true("-n 4 after --from: four ticks", rc == 0 and [t["time"] for t in ticks]
           == times[3:7])

    rc, coarse, err = replay("-d", "5", env=env)
    iv = [round(t["interval_s"]) for t in coarse[1:]]

    def cpu(ticks, comm):
        return sum(p["cpu_ns"] for t in ticks for p in t["processes"] if p["comm"] == comm)

    def kids(ticks):
        return sum(1 for t in ticks for p in t["processes"]
                   if p["comm"] == "fxchurn-c" and p["exited"])

    c.true("-d 5: one tick per five recorded", rc == 0 and len(coarse) == 5 and
           all(x == 5 for x in iv[:-1]), "%d ticks, intervals %s" % (len(coarse), iv))
    # The first coarse tick is the first recorded: the same ticks summed.
    fine_cpu = cpu(all_ticks, "fxburn")
    c.close("-d 5: the burner's CPU in all, ms", cpu(coarse, "fxburn") / 1e6,
            fine_cpu / 1e6, 0.001)
    c.true("-d 5: every child counted once", kids(coarse) == kids(all_ticks) == 20,
           "%d vs %d" % (kids(coarse), kids(all_ticks)))

    burner = next(p["pid"] for p in all_ticks[0]["processes"] if p["comm"] == "fxburn")
    rc, ticks, err = replay("-p", str(burner), env=env)
    c.true("-p PID: that recorded process only", rc == 0 and ticks and all(
        [p["pid"] for p in t["processes"]] == [burner] for t in ticks),
        "exit %d %s" % (rc, err[:1]))

    for args, code, what in (
            (["-d", "0.5"], 2, "-d 0.5: may only coarsen"),
            (["--from", "+1h"], 2, "after the recording's end"),
            (["--to", "%.0f" % (times[0] - 3600)], 2, "before the recording's start"),
            (["--from", "25:00"], 2, "is not a time")):
        rc, ticks, err = replay(*args, env=env)
        c.true("%s: exit %d, one line, nothing printed" % (" ".join(args), code),
               rc == code and not ticks and err and what.split(": ")[-1] in err[0],
               "exit %d %s" % (rc, err[:1]))
    r = subprocess.run([ri.RI_BIN, "-r", "/nonexistent/x.rirec", "-b"], capture_output=True,
                       timeout=30, stdin=subprocess.DEVNULL)
    err = r.stderr.decode().strip().splitlines()
    c.true("a missing file: exit 1, one line naming it", r.returncode == 1 and len(err) == 1
           and "/nonexistent/x.rirec" in err[0], "%s" % err)
    c.finish()


if __name__ == "__main__":
    main()
