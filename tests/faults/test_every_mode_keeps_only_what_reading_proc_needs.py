#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Started as root, every mode gives up what it no longer needs once the
probe is attached: batch (-b), JSON (-b --json) and the interactive TUI.

What the user (or an attacker who takes the process over) gets, read from
/proc/PID/status of the running tool after its first tick: CapEff and
CapPrm hold nothing but CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE (to read
other users' /proc files), plus CAP_BPF only on kernels that check it on
every bpf() call, even on a file descriptor already held (asked of the
kernel here the way the tool asks it); the TUI keeps exactly what batch
keeps; the bounding set is as small; no ambient capability; no_new_privs
set; and a seccomp filter installed (Seccomp: 2) that leaves bpf() only
for what the per-tick drain uses. Each run then ends cleanly (exit 0, no
sanitizer report) and nothing of ours stays loaded.
"""

import ctypes
import os
import platform
import shutil
import signal
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

CAP_DAC_READ_SEARCH = 2
CAP_SYS_PTRACE = 19
CAP_SYS_ADMIN = 21
CAP_BPF = 39
NAMES = {CAP_DAC_READ_SEARCH: "DAC_READ_SEARCH", CAP_SYS_PTRACE: "SYS_PTRACE",
         CAP_BPF: "BPF"}
DELAY = "0.5"
SYS_BPF = {"x86_64": 321, "aarch64": 280, "riscv64": 280, "ppc64le": 361,
           "s390x": 351, "i686": 357, "armv7l": 386}
BPF_MAP_LOOKUP_ELEM = 1
CAP_V3 = 0x20080522


def bpf_needs_cap():
    """Whether bpf() on a held fd needs CAP_BPF on this kernel: True, False,
    or None when it cannot be asked. As the tool asks: in a child, CAP_BPF
    and CAP_SYS_ADMIN leave the effective set, and a map lookup on fd -1
    fails with EBADF where the fd is all that counts, EPERM where the
    capability is still needed."""
    nr = SYS_BPF.get(platform.machine())
    if nr is None:
        return None
    pid = os.fork()
    if pid == 0:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            hdr = (ctypes.c_uint32 * 2)(CAP_V3, 0)
            data = (ctypes.c_uint32 * 6)()
            if libc.capget(hdr, data):
                os._exit(12)
            data[0] &= ~(1 << CAP_SYS_ADMIN) & 0xffffffff
            data[3] &= ~(1 << (CAP_BPF - 32)) & 0xffffffff
            if libc.capset(hdr, data):
                os._exit(12)
            attr = (ctypes.c_uint8 * 128)()
            ctypes.memmove(attr, (ctypes.c_uint32 * 1)(0xffffffff), 4)
            r = libc.syscall(ctypes.c_long(nr), ctypes.c_int(BPF_MAP_LOOKUP_ELEM),
                             attr, ctypes.c_uint(128))
            os._exit(10 if r < 0 and ctypes.get_errno() == 1 else 11)
        except BaseException:
            os._exit(12)
    _, st = os.waitpid(pid, 0)
    rc = os.waitstatus_to_exitcode(st)
    return {10: True, 11: False}.get(rc)


def caps(status, key):
    try:
        return int(status.get(key, ""), 16)
    except ValueError:
        return None


def bits(v):
    """'0-1,3-18,20' for the set bits of v."""
    out, run = [], None
    for b in range(64):
        if v >> b & 1:
            run = [b, b] if run is None else [run[0], b]
        elif run:
            out.append(run)
            run = None
    if run:
        out.append(run)
    return ",".join("%d" % a if a == b else "%d-%d" % (a, b) for a, b in out) or "none"


def named(v):
    return ",".join(NAMES.get(b, str(b)) for b in range(64) if v >> b & 1) or "none"


def check_status(c, mode, st, allowed):
    if st is None:
        c.true("%s: /proc/PID/status readable while it runs" % mode, False, "gone")
        return
    for key in ("CapEff", "CapPrm", "CapBnd"):
        v = caps(st, key)
        extra = None if v is None else v & ~allowed
        c.true("%s: %s holds nothing but %s" % (mode, key, named(allowed)),
               v is not None and not extra,
               "%s %s (%s)%s" % (key, st.get(key), named(v or 0),
                                 "; beyond that: bits %s" % bits(extra) if extra else ""))
    c.true("%s: no ambient capability" % mode, caps(st, "CapAmb") == 0,
           "CapAmb %s" % st.get("CapAmb"))
    c.true("%s: no_new_privs set" % mode, st.get("NoNewPrivs") == "1",
           "NoNewPrivs %s" % st.get("NoNewPrivs"))
    c.true("%s: a seccomp filter is installed" % mode, st.get("Seccomp") == "2",
           "Seccomp %s (0 none, 1 strict, 2 filter), filters %s"
           % (st.get("Seccomp"), st.get("Seccomp_filters", "?")))


def short(st):
    if st is None:
        return "not read"
    return " ".join("%s=%s" % (k, st.get(k)) for k in
                    ("CapEff", "CapPrm", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"))


def run_batch(c, san, watch, mode, args):
    t = ri.Tool(args, san, json_mode="--json" in args)
    if not t.wait_ticks(1, 20):
        t.kill()
        c.true("%s: first tick" % mode, False, "%s; stderr %s" % (
            ri.rc_text(t.proc.poll()), t.stderr_tail()))
        return t, None
    st = ri.proc_status(t.pid)
    watch.note(t.pid)
    t.signal(signal.SIGINT)
    rc = t.wait(15)
    c.true("%s: ends with exit 0 on SIGINT" % mode, rc == 0,
           "%s%s" % (ri.rc_text(rc), ("; stderr: " + t.stderr_tail()) if rc else ""))
    return t, st


def run_tui(c, san, watch):
    mode = "TUI"
    tm = ri.Tmux(120, 40, ri.Tmux.tool_command(["-d", DELAY]), env=san.env())
    if not tm.wait_for(r"^ *PID", 20):
        c.true("%s: the table is on screen" % mode, False, tm.capture().strip()[-300:])
        tm.kill()
        return None
    pid = tm.tool_pid()
    if pid is None:
        c.true("%s: the tool's PID (child of the pane's shell)" % mode, False, "not found")
        tm.kill()
        return None
    st = ri.proc_status(pid)
    watch.note(pid)
    tm.keys("q")
    ok = tm.wait_for(r"^EXIT=", 15)
    screen = tm.capture()
    c.true("%s: ends with exit 0 on q" % mode, ok and "EXIT=0" in screen,
           ([l for l in screen.splitlines() if l.startswith("EXIT=")] or ["no EXIT line"])[-1])
    tm.kill()
    return st


def main():
    ri.preflight()
    if not shutil.which("tmux"):
        ri.skip("tmux is not installed (the TUI runs in it)")
    needs = bpf_needs_cap()
    allowed = (1 << CAP_DAC_READ_SEARCH) | (1 << CAP_SYS_PTRACE)
    if needs is None:
        ri.say("note: cannot ask this kernel (%s) whether bpf() on a held fd needs "
               "CAP_BPF: CAP_BPF allowed" % platform.machine())
    if needs is not False:
        allowed |= 1 << CAP_BPF
    why = {True: "needed: this kernel checks CAP_BPF on every bpf() call",
           False: "not needed: bpf() on a held fd needs no capability here",
           None: "allowed: could not ask"}[needs]
    ri.say("CAP_BPF %s" % why)
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    tb, sb = run_batch(c, san, watch, "batch", ["-b", "-d", DELAY])
    tj, sj = run_batch(c, san, watch, "JSON", ["-b", "--json", "-d", DELAY])
    su = run_tui(c, san, watch)
    status = {"batch": sb, "JSON": sj, "TUI": su}
    for mode, st in status.items():
        check_status(c, mode, st, allowed)
    for m in ("TUI", "JSON"):
        a = status[m] and status[m].get("CapEff")
        b = sb and sb.get("CapEff")
        c.true("%s keeps exactly the capabilities batch keeps" % m, a and a == b,
               "CapEff %s, batch %s" % (a, b))
    reps = san.reports(tb, tj)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("batch: %s; JSON: %s; TUI: %s; CAP_BPF %s" % (short(sb), short(sj), short(su),
                                                           why))


if __name__ == "__main__":
    main()
