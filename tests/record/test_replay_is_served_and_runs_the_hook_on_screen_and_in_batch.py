#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_replay_is_served_and_runs_the_hook_on_screen_and_in_batch - -r with
--listen and --alert-exec, as any run.

tests/record/fixture-v1.rirec (25 ticks at 1 s; no root, no BPF) replayed
with --listen on a free loopback port:

  - on the screen (tmux): /metrics answers within a deadline with the
    replayed figures (fxburn's CPU seconds of the tick under the cursor,
    exactly what batch JSON says of that tick; the recorded source and
    probe; the firing alert of the rule given), and follows the cursor: t
    serves the next tick's. --alert-exec runs at the tick's transition
    (the rule given fires on the first tick).
  - in batch (--json): /metrics answers while the replay runs, at its
    recorded pace rather than as fast as it can, with the figures of one
    of the ticks printed; the ticks printed are those of the replay
    without --listen.

Every wait has a deadline, never a fixed sleep. On failure the first line
says which check failed.
"""

import atexit
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture-v1.rirec")
CPU = 'resource_image_group_cpu_seconds_total{comm="fxburn"}'
RULE = "comm=fxburn: cpu > 50%"

passed = []


def check(what, ok, detail=""):
    """Fails at once, the failed check on the first line, what passed after."""
    if ok:
        passed.append(what)
        return
    ri.say("FAIL: %s%s" % (what, (": " + detail) if detail else ""))
    for p in passed:
        ri.say("ok   %s" % p)
    sys.exit(ri.FAIL)


def scrape(port):
    """The exposition's series, or None when there is no answer."""
    try:
        status, _, body = ri.http_get(port, timeout=2)
    except OSError:
        return None
    return ri.parse_exposition(body.decode()) if status == 200 else None


def wait_series(port, want, timeout, alive=None):
    """The first exposition within timeout for which want(series) holds,
    else the last one seen (None when none answered)."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        if alive is not None and not alive():
            break
        s = scrape(port)
        if s is not None:
            last = s
            if want(s):
                return s
        time.sleep(0.1)
    return last


def info_of(series):
    return [k for k in series if k.startswith("resource_image_build_info{")]


def truth():
    """The replay's ticks without --listen: fxburn's CPU seconds in each."""
    r = subprocess.run([ri.RI_BIN, "-r", FIXTURE, "-b", "--json"], capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    lines = r.stdout.decode().splitlines()
    if r.returncode != 0 or len(lines) < 20:
        ri.fail("the fixture does not replay in batch mode (exit %d, %d ticks)"
                % (r.returncode, len(lines)))
    cpu = []
    for line in lines:
        p = [x for x in json.loads(line)["processes"] if x["comm"] == "fxburn"]
        cpu.append(p[0]["cpu_total_ns"] / 1e9 if p else None)
    return lines, cpu


def near(a, b):
    return a is not None and b is not None and abs(a - b) < 1e-6


def screen(cpu, san):
    port = ri.free_port()
    d = tempfile.mkdtemp(prefix="ri-hook-")
    atexit.register(shutil.rmtree, d, True)
    os.chmod(d, 0o1777)    # the hook runs with no capability
    log = os.path.join(d, "hook.log")
    hook = "sh -c %s" % shlex.quote('echo "$RI_ALERT_STATE $RI_ALERT_COMM" >> %s' % log)
    tm = ri.Tmux(150, 40, ri.Tmux.tool_command(
        ["-r", FIXTURE, "--listen", str(port), "--alert", RULE, "--alert-exec", hook]),
        env=san.env())
    check("screen: the replay is on the screen", tm.wait_for(r"REPLAY", 20),
          tm.capture().strip()[-300:])
    s = wait_series(port, lambda s: CPU in s, 15)
    check("screen: /metrics answers within 15 s", s is not None,
          "no answer on 127.0.0.1:%d" % port)
    check("screen: the first tick's CPU seconds of fxburn, as batch JSON says",
          near(s.get(CPU), cpu[0]), "served %s, JSON %s" % (s.get(CPU), cpu[0]))
    info = info_of(s)
    check("screen: the recorded source and probe",
          info and 'source="bpf"' in info[0] and 'probe="tp_btf"' in info[0], str(info))
    firing = [k for k, v in s.items()
              if k.startswith("resource_image_alert_firing{") and 'comm="fxburn"' in k and v == 1]
    check("screen: the rule's alert served as firing", firing,
          str([k for k in s if "alert" in k]))
    tm.keys("t")
    s = wait_series(port, lambda s: near(s.get(CPU), cpu[1]), 10)
    check("screen: t serves the next tick's figures", s and near(s.get(CPU), cpu[1]),
          "served %s, want %s" % (s and s.get(CPU), cpu[1]))
    end = time.monotonic() + 15
    text = ""
    while time.monotonic() < end:
        try:
            with open(log) as f:
                text = f.read()
        except OSError:
            text = ""
        if "firing fxburn" in text:
            break
        time.sleep(0.1)
    check("screen: --alert-exec ran at the replayed transition", "firing fxburn" in text,
          "hook log: %r" % text[:200])
    tm.keys("q")
    check("screen: q exits 0", tm.wait_for(r"^EXIT=0", 15), tm.capture().strip()[-300:])


def batch(lines, cpu, san):
    port = ri.free_port()
    tool = ri.Tool(["-r", FIXTURE, "-b", "--json", "--listen", str(port)], san=san)
    started = time.monotonic()
    tool.need_ticks(1, 20)
    s = wait_series(port, lambda s: CPU in s, 15, alive=lambda: tool.proc.poll() is None)
    check("batch: /metrics answers while the replay runs", s is not None,
          "no answer on 127.0.0.1:%d; %s" % (port, ri.rc_text(tool.proc.poll())
                                             if tool.proc.poll() is not None else "running"))
    served = s.get(CPU)
    running = tool.proc.poll() is None
    elapsed = time.monotonic() - started
    check("batch: played at the recorded pace, not at once", running,
          "exited after %.1f s, %d ticks" % (elapsed, len(tool.ticks)))
    info = info_of(s)
    check("batch: the recorded source and probe",
          info and 'source="bpf"' in info[0] and 'probe="tp_btf"' in info[0], str(info))
    tool.signal(signal.SIGTERM)
    tool.wait(15)
    check("batch: exit 0 on SIGTERM", tool.rc == 0, ri.rc_text(tool.rc))
    got = [x.decode().rstrip("\n") for x in tool.raw]
    check("batch: the ticks printed are the replay's without --listen",
          got and got == lines[:len(got)], "%d ticks, first differing: %s" % (
              len(got), next((i for i, (a, b) in enumerate(zip(got, lines)) if a != b), None)))
    check("batch: fxburn's CPU seconds served are those of a tick printed",
          any(near(served, c) for c in cpu[:len(got) + 1]),
          "served %s, ticks %s" % (served, cpu[:len(got) + 1]))
    reports = san.reports(tool)
    check("batch: no sanitizer report", not reports, "; ".join(reports)[:500])
    return len(got), elapsed


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    probe = subprocess.run([ri.RI_BIN, "-r", FIXTURE, "-b", "-n", "1", "--listen",
                            str(ri.free_port())], capture_output=True, timeout=30,
                           stdin=subprocess.DEVNULL)
    if b"no HTTP server" in probe.stderr:
        ri.skip("this build has no HTTP server (--listen refused)")
    lines, cpu = truth()
    san = ri.SanDir()
    screen(cpu, san)
    reports = san.reports()
    check("screen: no sanitizer report", not reports, "; ".join(reports)[:500])
    n, elapsed = batch(lines, cpu, san)
    for p in passed:
        ri.say("ok   %s" % p)
    ri.say("PASS: %d checks; batch served after %d ticks in %.1f s" % (len(passed), n, elapsed))


if __name__ == "__main__":
    main()
