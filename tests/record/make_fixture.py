#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make_fixture - how tests/record/fixture-v1.rirec was made (run once, by hand).

Version 1 of the recording format must replay forever: this recording of
it is checked in, and tests replay it (test_fixture_v1_replays_its_truth,
the golden screens). It was made here, live, with the BPF source, from
workloads that report their own truth, saved beside it as
fixture-v1.truth.json:

  fxburn   two threads burning 60% and 25% of a CPU (burn);
  fxwrite  writing 256 KiB/s (writer);
  fxgrow   growing its memory by 512 KiB/s from 8 MiB (grow);
  fxchurn  20 children of 15 ms CPU and 16 KiB written each, started
           8 s in, one at a time (churn), named fxchurn-c.

The recorder chose them by name (-c), so the file holds them only, and
ran in a UTS namespace named "fixture" so the header names no machine.
Running this again makes a recording of the current format version: do
so only for a new version's own fixture (fixture-vN), never over v1.

    sudo python3 tests/record/make_fixture.py [OUT_PREFIX]
"""

import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

TICKS = 25


def main():
    ri.preflight(need_bpftool=False, need_workloads=True)
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ri.REPO, "tests", "record",
                                                            "fixture-v1")
    rec = out + ".rirec"
    if os.path.exists(rec):
        os.unlink(rec)
    d = ri.io_dir()
    wls = [
        ri.Workload("burn", ["--name", "fxburn", "--seconds", "40",
                             "--thread", "alpha:60", "--thread", "beta:25"]),
        ri.Workload("writer", ["--name", "fxwrite", "--rate", "262144", "--seconds", "40",
                               "--dir", d, "--chunk", "16384"]),
        ri.Workload("grow", ["--name", "fxgrow", "--rate", "524288", "--seconds", "40",
                             "--start", "8388608"]),
    ]
    names = ["fxburn", "fxwrite", "fxgrow", "fxchurn", "fxchurn-c"]
    cmd = ["unshare", "--uts", "sh", "-c",
           'hostname fixture && exec "$0" "$@"', ri.RI_BIN, "-b", "-q", "-d", "1",
           "-n", str(TICKS), "-w", rec] + sum((["-c", n] for n in names), [])
    started = time.time()
    tool = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    time.sleep(8)
    churn = ri.Workload("churn", ["--name", "fxchurn", "--children", "20", "--cpu-ms", "15",
                                  "--write-kib", "16", "--dir", d])
    truths = [churn.wait(timeout=60)]
    if tool.wait(timeout=TICKS + 20) != 0:
        ri.fail("the recorder failed")
    truths += [w.stop() for w in wls]
    with open(out + ".truth.json", "w") as f:
        json.dump({"made": started, "ticks": TICKS, "workloads": truths}, f, indent=1)
        f.write("\n")
    os.rmdir(d)
    print("%s: %d bytes" % (rec, os.path.getsize(rec)))


if __name__ == "__main__":
    main()
