#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Output to a pipe whose reader goes away: `resource_image -b | head -1`
and `resource_image -b --json | head -1` (also with -H, whose blocks are
larger than a stdio buffer, and with a short and a long delay).

What the user sees: the tool ends by itself soon after head exits, with
status 0 (or 141, killed by SIGPIPE), and prints nothing on stderr;
nothing of it stays loaded.
"""

import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

MODES = [["-b"], ["-b", "--json"], ["-b", "-H"], ["-b", "--json", "-H"]]
DELAYS = ["0.1", "0.5"]
ROUNDS = 2


def main():
    ri.preflight()
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    results = {}
    bad = []
    for mode in MODES:
        for d in DELAYS:
            for _ in range(ROUNDS):
                tool = subprocess.Popen([ri.RI_BIN] + mode + ["-d", d], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                        env=san.env())
                head = subprocess.Popen(["head", "-1"], stdin=tool.stdout,
                                        stdout=subprocess.PIPE)
                tool.stdout.close()
                first = head.communicate(timeout=30)[0]
                t_head = time.monotonic()
                watch.note(tool.pid)
                try:
                    rc = tool.wait(timeout=float(d) * 3 + 10)
                except subprocess.TimeoutExpired:
                    tool.kill()
                    rc = tool.wait()
                took = time.monotonic() - t_head
                err = tool.stderr.read().decode("utf-8", "replace")
                tool.stderr.close()
                rc = 141 if rc == -13 else rc
                key = "%s -d %s" % (" ".join(mode), d)
                results.setdefault(key, []).append("%s/%.1fs" % (rc, took))
                if rc not in (0, 141) or err.strip() or not first or took > float(d) * 2 + 2:
                    bad.append("%s: exit %s after %.1f s, stderr %r, head got %d bytes"
                               % (key, rc, took, err.strip()[:200], len(first)))
    for k, v in results.items():
        ri.say("%-28s %s" % (k, " ".join(v)))
    for b in bad:
        ri.say("problem: " + b)
    c.true("every run: ends soon after head, exit 0 or 141, stderr empty", not bad,
           "%d of %d runs misbehaved" % (len(bad), sum(len(v) for v in results.values())))
    reps = san.reports()
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("%d runs (exit/seconds after head): %s" % (
        sum(len(v) for v in results.values()),
        "; ".join("%s: %s" % (k, " ".join(v)) for k, v in results.items())))


if __name__ == "__main__":
    main()
