#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""--probe kprobe on a kernel built without kprobes: the tool refuses.

What the user sees: exit status 1, nothing on stdout, one stderr line
saying the kernel has no kprobe support; a probe asked for by name never
falls back to another probe or to procfs. No sanitizer report, nothing of
ours left loaded. Skipped on a kernel that has kprobes.
"""

import os
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402


def kernel_has_kprobes():
    if os.path.exists("/sys/bus/event_source/devices/kprobe"):
        return True, "/sys/bus/event_source/devices/kprobe exists"
    for p in ("/sys/kernel/tracing/kprobe_events", "/sys/kernel/debug/tracing/kprobe_events"):
        if os.path.exists(p):
            return True, "%s exists" % p
    return False, "no kprobe PMU and no kprobe_events"


def main():
    ri.preflight()
    has, why = kernel_has_kprobes()
    if has:
        ri.skip("this kernel has kprobe support (%s): the case needs a kernel "
                "without CONFIG_KPROBES" % why)
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    t = ri.Tool(["-b", "--json", "--probe", "kprobe", "-n", "2", "-d", "0.2"], san)
    rc = t.wait(30)
    lines = [l for l in t.err if l.strip()]
    msg = lines[0] if lines else ""
    c.true("exit status 1", rc == 1, ri.rc_text(rc))
    c.true("nothing on stdout (no fall-back to another source)", not t.raw,
           "%d lines" % len(t.raw))
    c.true("exactly one line on stderr", len(lines) == 1, repr(lines[:3]))
    c.true("the line says the kernel has no kprobe support",
           "kprobe" in msg and "no kprobe support" in msg, repr(msg))
    reps = san.reports(t)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("kernel %s (%s): %s, stderr %r" % (os.uname().release, why, ri.rc_text(rc), msg))


if __name__ == "__main__":
    main()
