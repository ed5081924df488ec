#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""More -p PIDs or -c names than the kernel maps hold: a usage error.

The kernel's maps of chosen processes hold RI_MAX_CHOSEN_PIDS PIDs and
RI_MAX_CHOSEN_NAMES names (bpf/resource_image.h; read from there, so the
test follows the constants).

What the user sees: exactly as many distinct -c names as the map holds
run (exit 0, JSON "waiting" lists every one of them); one more, or many
more, is refused before anything starts: exit 2, a first stderr line
that names the limit, then the usage; nothing on stdout; no bpf() system
call (traced with strace). The same for PIDs: one more than the limit,
given over several -p lists or one -p each, exit 2 with the limit in the
first line, checked before the tool looks whether the PIDs exist (the
list holds PIDs that name no process, and that must not be what it
reports).
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

# What the maps are to hold, if the header does not say (yet).
DEFAULTS = {"RI_MAX_CHOSEN_PIDS": 4096, "RI_MAX_CHOSEN_NAMES": 256}
LIST = 256   # PIDs per -p list: each list stays short


def limit(name):
    v = ri.header_constant(name)
    if v is None:
        ri.say("note: %s is not defined in %s; using %d, what the kernel map is to hold"
               % (name, os.path.relpath(ri.HEADER, ri.REPO), DEFAULTS[name]))
        return DEFAULTS[name], "%s=%d (assumed: not in the header)" % (name, DEFAULTS[name])
    return v, "%s=%d" % (name, v)


def names(n):
    """n distinct comms (<= 15 bytes) no process has."""
    return ["rich%05d-%d" % (os.getpid() % 100000, i) for i in range(n)]


def name_args(ns):
    return [a for n in ns for a in ("-c", n)]


def pids(n):
    """n distinct PIDs in range, nearly all naming no process; ours among them."""
    with open("/proc/sys/kernel/pid_max") as f:
        top = int(f.read())
    base = max(2, top - n - 1000)
    out = list(range(base, base + n))
    if os.getpid() not in out:
        out[n // 2] = os.getpid()
    return out


def exists(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class Refusal:
    """Runs the tool with args (under strace when there is one) and judges
    the refusal: exit 2, the limit on the first stderr line, then the
    usage, nothing on stdout, no bpf() call."""

    def __init__(self, san, strace, logdir):
        self.san, self.strace, self.logdir = san, strace, logdir
        self.n = 0
        self.env = san.env()
        if strace:
            # LeakSanitizer cannot work under ptrace: it would fail every run.
            self.env["ASAN_OPTIONS"] = ri.set_opt(self.env.get("ASAN_OPTIONS"),
                                                  "detect_leaks", "0")

    def run(self, c, what, args, lim, not_this=None):
        self.n += 1
        log = os.path.join(self.logdir, "%d.log" % self.n)
        argv = ([self.strace, "-f", "-qq", "-e", "trace=bpf", "-o", log, ri.RI_BIN]
                if self.strace else [ri.RI_BIN]) + args
        p = subprocess.run(argv, capture_output=True, timeout=60, env=self.env,
                           stdin=subprocess.DEVNULL)
        err = p.stderr.decode("utf-8", "replace")
        lines = err.splitlines()
        first = lines[0] if lines else ""
        calls = []
        if self.strace:
            with open(log, errors="replace") as f:
                calls = [l.strip() for l in f if "bpf(" in l]
        c.true("%s: exit 2" % what, p.returncode == 2, ri.rc_text(p.returncode))
        c.true("%s: the first stderr line names the limit (%d)" % (what, lim),
               str(lim) in first and not first.startswith("Usage")
               and not (not_this and not_this in first), repr(first[:160]))
        c.true("%s: then the usage" % what, "Usage: resource_image" in "\n".join(lines[1:]),
               "%d stderr lines" % len(lines))
        c.true("%s: nothing on stdout" % what, not p.stdout, "%d bytes" % len(p.stdout))
        if self.strace:
            c.true("%s: no bpf() system call" % what, not calls,
                   "%d calls%s" % (len(calls), (", first " + calls[0][:80]) if calls else ""))
        san = [l for l in lines if ri.SAN_LINE.search(l)]
        c.true("%s: no sanitizer line on stderr" % what, not san, repr(san[:1]))
        return "%s -> %s, %r" % (what, ri.rc_text(p.returncode), first[:100])


def main():
    ri.preflight()
    max_pids, pid_src = limit("RI_MAX_CHOSEN_PIDS")
    max_names, name_src = limit("RI_MAX_CHOSEN_NAMES")
    strace = shutil.which("strace")
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    measured = []

    # As many names as the map holds: they run, and all are waited for.
    ns = names(max_names)
    t = ri.Tool(["-b", "--json", "-n", "1", "-d", "0.2"] + name_args(ns), san)
    t.wait_ticks(1, 30)
    watch.note(t.pid)
    rc = t.wait(30)
    waiting = t.ticks[0].get("waiting") if t.ticks else None
    c.true("%d names: exit 0" % max_names, rc == 0, "%s%s" % (
        ri.rc_text(rc), ("; stderr: " + t.stderr_tail()) if rc else ""))
    c.true("%d names: one JSON tick" % max_names, len(t.ticks) == 1 and not t.bad,
           "%d ticks, %d bad lines" % (len(t.ticks), len(t.bad)))
    got = set(waiting or [])
    c.true("%d names: JSON waiting lists every one" % max_names,
           isinstance(waiting, list) and got == set(ns) and len(waiting) == len(ns),
           "lists %d, %d of the %d asked" % (len(waiting or []), len(got & set(ns)), len(ns)))
    measured.append("%d names -> %s, waiting lists %d" % (max_names, ri.rc_text(rc),
                                                          len(waiting or [])))

    logdir = tempfile.mkdtemp(prefix="ri-strace-")
    try:
        r = Refusal(san, strace, logdir)
        for n in (max_names + 1, max(300, max_names + 2)):
            measured.append(r.run(c, "%d names" % n, ["-b", "--json"] + name_args(names(n)),
                                  max_names))
        ps = pids(max_pids + 1)
        absent = sum(1 for p in ps if not exists(p))
        c.true("the %d PIDs hold PIDs that name no process" % len(ps), absent > 0,
               "%d of %d name no process" % (absent, len(ps)))
        lists = [",".join(map(str, ps[i:i + LIST])) for i in range(0, len(ps), LIST)]
        measured.append(r.run(c, "%d PIDs in %d -p lists" % (len(ps), len(lists)),
                              ["-b"] + [a for lst in lists for a in ("-p", lst)], max_pids,
                              not_this="no process"))
        measured.append(r.run(c, "%d PIDs, one -p each" % len(ps),
                              ["-b"] + [a for p in ps for a in ("-p", str(p))], max_pids,
                              not_this="no process"))
    finally:
        shutil.rmtree(logdir, ignore_errors=True)
    reps = san.reports(t)
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("%s, %s; %s%s" % (pid_src, name_src, "; ".join(measured),
                               "" if strace else "; strace not installed: bpf() not traced"))


if __name__ == "__main__":
    main()
