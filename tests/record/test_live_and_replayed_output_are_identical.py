#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_live_and_replayed_output_are_identical - a replay prints what the live run printed.

Live runs with the BPF source record what they print (-w), while a
burner, a writer and a stream of short-lived children run; replaying
the recording (-r) with the same printing flags must print the same
bytes, tick for tick:
  - -b --json (every process), -b --json -H (every thread), -b -H (text);
  - -b --json -H with a choice (-c NAME -p PID): the recording then holds
    the chosen processes only, the first drain included;
  - the JSON's source and probe are the recorded ones.
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


def main():
    ri.preflight(need_bpftool=False, need_workloads=True)
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-same-")
    io = ri.io_dir()
    name = ri.comm_name("rs")  # short: the children add "k-c"
    burn = ri.Workload("burn", ["--name", name, "--seconds", "120", "--thread", "a:40",
                                "--thread", "b:15"])
    writer = ri.Workload("writer", ["--name", name + "w", "--rate", "131072",
                                    "--seconds", "120", "--dir", io])
    churn = ri.Workload("churn", ["--name", name + "k", "--children", "100000",
                                  "--cpu-ms", "2", "--write-kib", "4", "--dir", io],
                        truth=False)
    env = dict(os.environ, TZ="UTC")
    runs = [
        ("-b --json", ["-b", "--json"], []),
        ("-b --json -H", ["-b", "--json", "-H"], []),
        ("-b -H (text)", ["-b", "-H"], []),
        ("-b --json -H with a choice", ["-b", "--json", "-H"],
         ["-c", name, "-c", name + "k-c", "-p", str(writer.pid)]),
    ]
    try:
        for what, printing, choice in runs:
            path = os.path.join(tmp, "same.rirec")
            live = subprocess.run([ri.RI_BIN] + printing + choice +
                                  ["-d", "0.5", "-n", "8", "-w", path],
                                  capture_output=True, timeout=60, env=env,
                                  stdin=subprocess.DEVNULL)
            again = subprocess.run([ri.RI_BIN, "-r", path] + printing, capture_output=True,
                                   timeout=60, env=env, stdin=subprocess.DEVNULL)
            a, b = live.stdout.decode().splitlines(), again.stdout.decode().splitlines()
            c.true("%s: live run exits 0" % what, live.returncode == 0,
                   live.stderr.decode().strip()[:200])
            same = a == b and len(a) >= 8
            first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
            c.true("%s: the replay prints the same lines (%d)" % (what, len(a)), same,
                   "first difference at line %s: %s | %s" % (
                       first, (a[first] if first is not None else "")[:160],
                       (b[first] if first is not None else "")[:160]))
            c.true("%s: the replay says nothing on stderr, exit 0" % what,
                   again.returncode == 0 and not again.stderr.strip(),
                   again.stderr.decode().strip()[:200])
            if "--json" in printing and a:
                t = json.loads(a[0])
                c.true("%s: source and probe as recorded" % what,
                       t["source"] == "bpf" and t["probe"] in ("tp_btf", "raw_tp", "kprobe"),
                       "%s/%s" % (t["source"], t["probe"]))
            if choice:
                r = subprocess.run([ri.RI_BIN, "-r", path, "-b", "--json"], capture_output=True,
                                   timeout=60, stdin=subprocess.DEVNULL)
                comms = {p["comm"] for x in r.stdout.decode().splitlines()
                         for p in json.loads(x)["processes"]}
                c.true("with a choice: only the chosen processes were recorded",
                       comms and comms <= {name, name + "k-c", name + "w"},
                       "%s" % sorted(comms)[:8])
    finally:
        churn.kill()
        burn.stop()
        writer.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(io, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
