#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bad flags and values: -d 0, -d -1, -d abc, -n 0, -p notapid,
-p 999999999, a very long -c name, unknown options, --source x, --probe x
(and a few more of the same kind).

What the user sees: a line saying what is wrong and the usage on stderr,
nothing on stdout, exit status 2; nothing is started: under strace, the
process makes no bpf() system call at all.
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

CASES = [
    ["-d", "0"], ["-d", "-1"], ["-d", "abc"], ["-d", ""], ["-d", "nan"], ["-d", "1e999"],
    ["-n", "0"], ["-n", "-3"], ["-n", "2x"],
    ["-p", "notapid"], ["-p", "999999999"], ["-p", "0"], ["-p", "1,,x"], ["-p", "-5"],
    ["-c", "x" * 300], ["-c", "sixteen_chars_xx"], ["-c", ""],
    ["--bogus"], ["-Z"], ["--json=1"], ["extra-argument"],
    ["--source", "x"], ["--probe", "x"], ["--exit-buffer", "0"], ["--exit-buffer", "2G"],
    ["-s", "nosuchkey"], ["-d"],
]


def main():
    ri.preflight(need_bpf=False)
    strace = shutil.which("strace")
    san = ri.SanDir()
    watch = ri.BpfWatch()
    c = ri.Checks()
    bad = []
    logdir = tempfile.mkdtemp(prefix="ri-faults-strace-")
    env = san.env()
    if strace:
        # LeakSanitizer cannot work under ptrace: it would fail every run.
        env["ASAN_OPTIONS"] = ri.set_opt(env.get("ASAN_OPTIONS"), "detect_leaks", "0")
    for n, case in enumerate(CASES):
        args = ["-b"] + case
        log = os.path.join(logdir, "%d.log" % n)
        argv = ([strace, "-f", "-qq", "-e", "trace=bpf", "-o", log, ri.RI_BIN] if strace
                else [ri.RI_BIN]) + args
        p = subprocess.run(argv, capture_output=True, timeout=30, env=env,
                           stdin=subprocess.DEVNULL)
        err = p.stderr.decode("utf-8", "replace")
        calls = []
        if strace:
            with open(log, errors="replace") as f:
                calls = [l.strip() for l in f if "bpf(" in l]
        why = []
        if p.returncode != 2:
            why.append("exit %d" % p.returncode)
        if p.stdout:
            why.append("stdout %r" % p.stdout[:80])
        lines = err.splitlines()
        if "Usage: resource_image" not in err:
            why.append("no usage on stderr")
        if not lines or not lines[0].strip() or lines[0].startswith("Usage"):
            why.append("no line saying what is wrong")
        if calls:
            why.append("%d bpf() calls, first %s" % (len(calls), calls[0][:80]))
        if ri.SAN_LINE.search(err):
            why.append("sanitizer: %s" % [l for l in lines if ri.SAN_LINE.search(l)][:1])
        shown = " ".join(a if len(a) < 24 else a[:8] + "...(%d chars)" % len(a) for a in case)
        ri.say("%-4s %-28s -> exit %d, %r" % ("ok" if not why else "FAIL", shown,
                                              p.returncode, lines[0][:90] if lines else ""))
        if why:
            bad.append("%s: %s" % (shown, "; ".join(why)))
    if strace and os.path.exists("/sys/kernel/btf/vmlinux"):
        # Control: the same tracing does see the bpf() calls of a real start.
        log = os.path.join(logdir, "control.log")
        subprocess.run([strace, "-f", "-qq", "-e", "trace=bpf", "-o", log, ri.RI_BIN, "-b",
                        "--json", "-n", "1", "-d", "0.1", "--source", "bpf"],
                       capture_output=True, timeout=30, env=env, stdin=subprocess.DEVNULL)
        with open(log, errors="replace") as f:
            ncalls = sum(1 for l in f if "bpf(" in l)
        c.true("control: strace sees the bpf() calls of a normal start", ncalls > 0,
               "%d calls" % ncalls)
    shutil.rmtree(logdir, ignore_errors=True)
    c.true("every bad flag: usage on stderr, nothing on stdout, exit 2%s" % (
        ", no bpf() call" if strace else ""), not bad, "; ".join(bad))
    reps = san.reports()
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    ok, detail = watch.left()
    c.true("nothing of ours loaded afterwards", ok, detail)
    san.cleanup()
    c.finish("%d bad command lines, %d misbehaved%s" % (
        len(CASES), len(bad), "; bpf() calls traced with strace" if strace else
        "; strace not installed: only bpftool checked"))


if __name__ == "__main__":
    main()
