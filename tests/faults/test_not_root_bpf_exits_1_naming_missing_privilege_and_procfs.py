#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Not root, no CAP_BPF/CAP_PERFMON, --source bpf: the tool refuses.

What the user sees: exit status 1, nothing on stdout, and exactly one line
on stderr that names the missing privilege (root, or CAP_BPF and
CAP_PERFMON) and the way out (--source procfs). No sanitizer report, and
no program of ours left loaded.
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
    t, rc = unpriv.run(["-b", "--source", "bpf", "-n", "2", "-d", "0.2"], san)
    lines = [l for l in t.err if l.strip()]
    c.true("exit status 1", rc == 1, ri.rc_text(rc))
    c.true("nothing on stdout", not t.raw, "%d bytes" % sum(map(len, t.raw)))
    c.true("exactly one line on stderr", len(lines) == 1, repr(lines[:3]))
    msg = lines[0] if lines else ""
    c.true("the line names the missing privilege",
           "root" in msg and "CAP_BPF" in msg and "CAP_PERFMON" in msg, repr(msg))
    c.true("the line names the procfs alternative", "--source procfs" in msg, repr(msg))
    reps = san.reports(t)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("as uid 65534 without capabilities: %s, stderr %r" % (ri.rc_text(rc), msg))


if __name__ == "__main__":
    main()
