#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Not root, no CAP_BPF/CAP_PERFMON, default --source auto: runs on procfs.

What the user sees: one warning line on stderr (BPF unavailable, using
procfs), then the requested ticks, every JSON line saying "source":
"procfs", "probe": "none" and "sees_short_lived": false; exit status 0.
"""

import os
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402
import unpriv  # noqa: E402


def main():
    ri.preflight()
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    n = 3
    t, rc = unpriv.run(["-b", "--json", "-n", str(n), "-d", "0.3"], san)
    lines = [l for l in t.err if l.strip()]
    c.true("exit status 0", rc == 0, ri.rc_text(rc))
    c.true("exactly one line on stderr", len(lines) == 1, repr(lines[:3]))
    msg = lines[0] if lines else ""
    c.true("it is a warning that says procfs is used",
           "warning" in msg and "procfs" in msg, repr(msg))
    c.true("%d ticks, all valid JSON" % n, len(t.ticks) == n and not t.bad,
           "%d ticks, %d bad lines" % (len(t.ticks), len(t.bad)))
    srcs = sorted({(x.get("source"), x.get("probe"), x.get("sees_short_lived"))
                   for x in t.ticks}, key=str)
    c.true("every tick says source procfs, probe none, sees_short_lived false",
           srcs == [("procfs", "none", False)], repr(srcs))
    c.true("processes are listed", all(x.get("processes") for x in t.ticks),
           "%s processes in the last tick" % (len(t.ticks[-1].get("processes") or [])
                                              if t.ticks else "no"))
    reps = san.reports(t)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("as uid 65534: %s, %d ticks, source %s, stderr %r"
             % (ri.rc_text(rc), len(t.ticks), srcs, msg))


if __name__ == "__main__":
    main()
