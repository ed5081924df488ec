#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bad alert rules, rule files, --alert-exec commands and --growth-window
values: a usage error like any bad flag.

What the user sees: exit status 2, nothing on stdout; for a bad rule, the
first line names where it came from (--alert, or FILE:LINE) and what was
expected, the next echoes the rule and the one after puts a caret under
its first bad character; for the other values, one line saying what is
wrong and the usage. Nothing is started: under strace, no bpf() system
call. The user's own alerts file ($XDG_CONFIG_HOME/resource_image/alerts)
is checked the same way, and read when present: a good one gives alerts
in the JSON, and --alerts FILE takes its place; to another user, one in a
home out of its sight is not present, one in sight it cannot read is an
error.
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
import unpriv  # noqa: E402


def main():
    ri.preflight(need_bpf=False)
    strace = shutil.which("strace")
    san = ri.SanDir()
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-bad-rules-")
    rules = os.path.join(tmp, "rules")
    with open(rules, "w") as f:
        f.write("# the web tier\ncomm=nginx: cpu > 80% for 30s\nrss >> 2G\n")
    good = os.path.join(tmp, "good")
    with open(good, "w") as f:
        f.write("pid=1: threads >= 1 # always true\n")
    xdg_bad = os.path.join(tmp, "xdg-bad")
    os.makedirs(os.path.join(xdg_bad, "resource_image"))
    with open(os.path.join(xdg_bad, "resource_image", "alerts"), "w") as f:
        f.write("wait > 20% for ten seconds\n")
    xdg_good = os.path.join(tmp, "xdg-good")
    os.makedirs(os.path.join(xdg_good, "resource_image"))
    shutil.copy(good, os.path.join(xdg_good, "resource_image", "alerts"))
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)

    # (args, environment XDG_CONFIG_HOME, first line holds, the rule, caret column)
    rule_cases = [
        (["--alert", "cpu >> 80%"], empty, "--alert: expected a number", "cpu >> 80%", 5),
        (["--alert", "comm=nginx: rss > 2Gx"], empty, "expected the end of the value",
         "comm=nginx: rss > 2Gx", 19),
        (["--alert", "cpux > 1"], empty, "expected a metric", "cpux > 1", 0),
        (["--alert", "cpu > 80% fur 3s"], empty, "'for DURATION'", "cpu > 80% fur 3s", 10),
        (["--alert", "comm=kworker/0:1: cpu > 5"], empty, "quote a name",
         "comm=kworker/0:1: cpu > 5", 15),
        (["--alert", "cpu > 5", "--alert", ""], empty, "not an empty one", "", 0),
        (["--alerts", rules], empty, "%s:3: expected a number" % rules, "rss >> 2G", 5),
        ([], xdg_bad, "%s/resource_image/alerts:1: expected a duration" % xdg_bad,
         "wait > 20% for ten seconds", 15),
    ]
    other_cases = [
        (["--alerts", os.path.join(tmp, "none")], "cannot read"),
        (["--alerts", tmp], "cannot read"),
        (["--alert-exec", "'unclosed"], "never closed"),
        (["--alert-exec", ""], "no command"),
        (["--alert-exec", "no-such-program-here --x"], "no such program"),
        (["--growth-window", "0"], "--growth-window"),
        (["--growth-window", "5x"], "--growth-window"),
        (["--growth-window", "1h"], "more than the 300 refreshes"),
        (["--growth-window", "2s", "-d", "1"], "less than 3 refreshes"),
    ]
    env0 = san.env()
    if strace:
        # LeakSanitizer cannot work under ptrace.
        env0["ASAN_OPTIONS"] = ri.set_opt(env0.get("ASAN_OPTIONS"), "detect_leaks", "0")
    bad = []

    def run(args, xdg, n):
        env = dict(env0)
        env["XDG_CONFIG_HOME"] = xdg
        log = os.path.join(tmp, "strace-%d.log" % n)
        argv = ([strace, "-f", "-qq", "-e", "trace=bpf", "-o", log, ri.RI_BIN] if strace
                else [ri.RI_BIN]) + ["-b"] + args
        p = subprocess.run(argv, capture_output=True, timeout=30, env=env,
                           stdin=subprocess.DEVNULL)
        calls = []
        if strace and os.path.exists(log):
            with open(log, errors="replace") as f:
                calls = [l.strip() for l in f if "bpf(" in l]
        return p, p.stderr.decode("utf-8", "replace").split("\n"), calls

    def usage_error(p, calls):
        """What makes the run something else than a usage error."""
        why = []
        if p.returncode != 2:
            why.append("exit %d" % p.returncode)
        if p.stdout:
            why.append("stdout %r" % p.stdout[:60])
        if calls:
            why.append("%d bpf() calls" % len(calls))
        return why

    n = 0
    for args, xdg, first, rule, col in rule_cases:
        n += 1
        p, lines, calls = run(args, xdg, n)
        why = usage_error(p, calls)
        if len(lines) < 3 or not lines[0].startswith("resource_image: ") or first not in lines[0]:
            why.append("first line %r" % (lines[0] if lines else ""))
        elif lines[1] != "  " + rule:
            why.append("rule line %r" % lines[1])
        elif lines[2] != "  " + " " * col + "^":
            why.append("caret line %r, want column %d" % (lines[2], col))
        ri.say("%-4s %-40.40s -> %s | %s" % ("ok" if not why else "FAIL", " ".join(args) or
                                              "(the user's alerts file)",
                                              lines[0][:70] if lines else "",
                                              lines[2] if len(lines) > 2 else ""))
        if why:
            bad.append("%s: %s" % (" ".join(args) or xdg, "; ".join(why)))
    for args, first in other_cases:
        n += 1
        p, lines, calls = run(args, empty, n)
        why = usage_error(p, calls)
        if not lines or first not in lines[0] or not lines[0].startswith("resource_image: "):
            why.append("first line %r" % (lines[0] if lines else ""))
        if "Usage: resource_image" not in "\n".join(lines):
            why.append("no usage")
        ri.say("%-4s %-40.40s -> %s" % ("ok" if not why else "FAIL", " ".join(args),
                                         lines[0][:80] if lines else ""))
        if why:
            bad.append("%s: %s" % (" ".join(args), "; ".join(why)))
    c.true("every bad rule or value: exit 2, nothing on stdout, the reason%s" % (
        ", no bpf() call" if strace else ""), not bad, "; ".join(bad))

    # The user's file is read when present, and --alerts takes its place.
    for what, xdg, extra in (("the user's alerts file is read", xdg_good, []),
                             ("--alerts FILE instead of a bad user's file", xdg_bad,
                              ["--alerts", good])):
        env = san.env()
        env["XDG_CONFIG_HOME"] = xdg
        p = subprocess.run([ri.RI_BIN, "-b", "--json", "--source", "procfs", "-n", "1",
                            "-d", "0.2", "-p", "1"] + extra, capture_output=True,
                           timeout=30, env=env, stdin=subprocess.DEVNULL)
        try:
            tick = json.loads(p.stdout.decode().splitlines()[-1])
            al = tick.get("alerts")
        except (ValueError, IndexError):
            al = None
        c.true("%s: pid=1: threads >= 1 fires" % what, p.returncode == 0 and al and
               al[0].get("rule") == "pid=1: threads >= 1" and al[0].get("state") == "firing",
               "exit %d, alerts %r, stderr %r" % (p.returncode, al, p.stderr[:200]))
    # As another user: a home it may not look into holds no file of its
    # own (sudo -u keeps HOME); a file in sight it cannot read is an error.
    hidden = os.path.join(tmp, "hidden")
    shutil.copytree(xdg_bad, hidden)
    os.chmod(hidden, 0o700)
    seen = os.path.join(tmp, "seen")
    shutil.copytree(xdg_good, seen)
    os.chmod(tmp, 0o755)
    os.chmod(seen, 0o755)
    os.chmod(os.path.join(seen, "resource_image"), 0o755)
    os.chmod(os.path.join(seen, "resource_image", "alerts"), 0o600)
    bindir, binary = unpriv.copy_binary()
    for xdg, what, want_rc, want_err in (
            (hidden, "a user's file in a home out of sight is not there", 0, None),
            (seen, "a user's file in sight but unreadable is an error", 2,
             "cannot read the alerts file")):
        argv, pre = unpriv.command(binary, ["-b", "--json", "--source", "procfs", "-n", "1",
                                            "-d", "0.2", "-p", "1"])
        env = san.env()
        env["XDG_CONFIG_HOME"] = xdg
        t = ri.Tool(argv[1:], san, preexec=pre, binary=argv[0], env=env)
        rc = t.wait(30)
        c.true("as uid %d, %s: exit %d" % (unpriv.UID, what, want_rc), rc == want_rc and
               (want_err is None or (t.err and want_err in t.err[0])),
               "exit %s, stderr %r" % (rc, t.err[:1]))
    shutil.rmtree(bindir, ignore_errors=True)
    reps = san.reports()
    c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    shutil.rmtree(tmp, ignore_errors=True)
    c.finish("%d bad command lines, %d misbehaved%s" % (
        len(rule_cases) + len(other_cases), len(bad),
        "; bpf() calls traced with strace" if strace else "; strace not installed"))


if __name__ == "__main__":
    main()
