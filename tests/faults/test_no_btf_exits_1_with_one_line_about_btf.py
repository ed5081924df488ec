#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""No kernel BTF (--btf /nonexistent, the override the tool honours) with
--source bpf: the tool refuses cleanly.

What the user sees: exit status 1, nothing on stdout, one stderr line that
mentions BTF (and the procfs way out). No crash: no sanitizer report, and
nothing of ours loaded.
"""

import os
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402


def main():
    ri.preflight(need_bpf=False)
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    t = ri.Tool(["-b", "--source", "bpf", "--btf", "/nonexistent/vmlinux", "-n", "2",
                 "-d", "0.2"], san, json_mode=False)
    rc = t.wait(30)
    lines = [l for l in t.err if l.strip()]
    msg = lines[0] if lines else ""
    c.true("exit status 1", rc == 1, ri.rc_text(rc))
    c.true("nothing on stdout", not t.raw, "%d bytes" % sum(map(len, t.raw)))
    c.true("exactly one line on stderr", len(lines) == 1, repr(lines[:3]))
    c.true("the line mentions BTF and the path", "BTF" in msg and "/nonexistent" in msg,
           repr(msg))
    c.true("the line names the procfs alternative", "procfs" in msg, repr(msg))
    reps = san.reports(t)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("%s, stderr %r" % (ri.rc_text(rc), msg))


if __name__ == "__main__":
    main()
