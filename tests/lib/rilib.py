# SPDX-License-Identifier: GPL-2.0
"""rilib - the one helper library of the Python tests (standard library only).

Every Python test imports it: the truth tests (tests/truth), the fault and
bad-input tests (tests/faults, with stormrun.py and unpriv.py), the soak
(tests/soak) and, for what it shares, the benchmark (tests/bench).

Owns:
  - where the tool and the workloads are (one default binary: the test
    build build/san/resource_image when it exists, else build/resource_image;
    RI_BIN always wins);
  - the verdict conventions: exit 0 pass, 1 fail, 77 skip; one "ok"/"FAIL"
    line per check (Checks); the last line says what was measured, or why
    the test was skipped;
  - running the tool (Tool): stdout read line by line as it comes and, in
    JSON mode, parsed into ticks; stderr kept; the memory high-water mark
    (VmHWM) sampled; sanitizer reports sent to a private directory when
    asked (SanDir), so a test can say "no crash" about its own runs;
  - the workloads (Workload): started, waited for "ready", their truth file
    (--truth) read when they end;
  - the interactive tool in a private tmux server (Tmux);
  - which BPF objects belong to which process, read from /proc/PID/fdinfo
    (bpftool's "pids" as well when it has them), and the one check that
    nothing of ours stays loaded (BpfWatch for a test's own runs,
    leftovers() for the whole machine; tests/lib/leftover.py is its entry
    point for shell scripts);
  - reading ticks (find_proc, appearances, steady, ...) and the system
    (schedstat, /proc/PID/status, meminfo, mounts) for the comparisons;
  - the metrics endpoint (--listen) and a real Prometheus scraping it:
    free ports, plain HTTP requests, expositions parsed into series, and
    Prometheus itself (generated config, private storage, its HTTP API).

Every process a test starts through Tool or Workload is killed when the
test exits, however it exits.

Environment:
  RI_BIN        tool binary       (default: see above)
  RI_WORKLOADS  workload dir      (default <repo>/build/tests/workloads)
  RI_SOURCE     --source value of Tool.json (default bpf)
  RI_IODIR      dir for I/O tests (default /var/tmp: must be disk-backed
                for storage numbers, and /tmp is often tmpfs)
"""

import atexit
import bisect
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PASS, FAIL, SKIP = 0, 1, 77

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HEADER = os.path.join(REPO, "bpf", "resource_image.h")


def _repo_path(p):
    return p if os.path.isabs(p) else os.path.join(REPO, p)


def _default_bin():
    if os.environ.get("RI_BIN"):
        return _repo_path(os.environ["RI_BIN"])
    san = os.path.join(REPO, "build", "san", "resource_image")
    return san if os.access(san, os.X_OK) else os.path.join(REPO, "build", "resource_image")


RI_BIN = _default_bin()
RI_WORKLOADS = _repo_path(os.environ.get("RI_WORKLOADS") or "build/tests/workloads")
RI_SOURCE = os.environ.get("RI_SOURCE") or "bpf"
RI_IODIR = os.environ.get("RI_IODIR") or "/var/tmp"

TEST = os.path.splitext(os.path.basename(sys.argv[0]))[0]

# Every process a test starts, so a failing test (sys.exit anywhere) never
# leaves a burner or the tool running behind it.
_children = []
_tmpfiles = []


@atexit.register
def _reap():
    for p in _children:
        if p.poll() is None:
            p.kill()
            p.wait()
    for f in _tmpfiles:
        try:
            os.unlink(f)
        except OSError:
            pass


# ---- verdicts ----------------------------------------------------------------

def say(msg):
    print(msg, flush=True)


def skip(reason):
    say("SKIP: %s" % reason)
    sys.exit(SKIP)


def fail(reason):
    say("FAIL: %s" % reason)
    sys.exit(FAIL)


def preflight(need_bpf=True, need_root=True, need_bpftool=True, need_workloads=False):
    """Skip or fail early when the environment cannot run the test at all."""
    if not os.access(RI_BIN, os.X_OK):
        fail("tool binary not found: %s (set RI_BIN)" % RI_BIN)
    if need_workloads and not os.path.isdir(RI_WORKLOADS):
        fail("workloads not built: %s (make workloads, or set RI_WORKLOADS)" % RI_WORKLOADS)
    if need_root and os.geteuid() != 0:
        skip("needs root%s" % (" for the bpf source" if need_bpf else ""))
    if need_bpf and not os.path.exists("/sys/kernel/btf/vmlinux"):
        skip("no /sys/kernel/btf/vmlinux: the bpf source cannot run here")
    if need_bpftool and not shutil.which("bpftool"):
        skip("bpftool not installed")


def preflight_source(bpf_only=False, need_bpftool=False):
    """preflight() for the tests that run against the source RI_SOURCE names."""
    if bpf_only and RI_SOURCE == "procfs":
        skip("this test needs the bpf source")
    bpf = RI_SOURCE in ("bpf", "auto")
    preflight(need_bpf=bpf, need_root=bpf, need_bpftool=need_bpftool, need_workloads=True)


def comm_name(base):
    """A per-run comm (<= 15 bytes) so parallel runs do not see each other."""
    return ("%s%d" % (base, os.getpid() % 100000))[:15]


class Checks:
    """Named checks, one printed line each; finish() prints the verdict last."""

    def __init__(self):
        self.failed = []
        self.passed = 0
        self.skipped = []

    def true(self, what, ok, detail=""):
        return self._line(bool(ok), "%s%s" % (what, (": " + detail) if detail else ""), what)

    def close(self, what, measured, truth, tol, unit=""):
        ok = measured is not None and abs(measured - truth) <= tol
        return self._line(ok, "%s: %s (truth %s, tol %s)" % (
            what, _fmt(measured, unit), _fmt(truth, unit), _fmt(tol, unit)), what)

    def within(self, what, measured, lo, hi, slack, unit=""):
        """measured in [lo - slack, hi + slack]: for a truth known only as
        the range a moving quantity was in (see bracket())."""
        ok = measured is not None and lo is not None and lo - slack <= measured <= hi + slack
        return self._line(ok, "%s: %s (truth %s..%s, slack %s)" % (
            what, _fmt(measured, unit), _fmt(lo, unit), _fmt(hi, unit),
            _fmt(slack, unit)), what)

    def at_least(self, what, measured, floor, unit=""):
        ok = measured is not None and measured >= floor
        return self._line(ok, "%s: %s (need >= %s)" % (what, _fmt(measured, unit),
                                                       _fmt(floor, unit)), what)

    def skip_part(self, what, reason):
        self.skipped.append(what)
        say("SKIP part %s: %s" % (what, reason))

    def _line(self, ok, text, what):
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
        say("%s %s" % ("ok  " if ok else "FAIL", text))
        return ok

    def finish(self, measured=None):
        """Exits: 1 if a check failed, 77 if nothing could be checked, else 0.
        measured, when given, ends the last line either way."""
        tail = ("; measured: %s" % measured) if measured else ""
        if self.failed:
            say("FAIL: %d of %d checks (%s)%s" % (
                len(self.failed), len(self.failed) + self.passed,
                "; ".join(self.failed), tail))
            sys.exit(FAIL)
        if not self.passed:
            skip("nothing could be checked (%s)" % ", ".join(self.skipped))
        if self.skipped:
            say("PASS with %d part(s) skipped: %s%s" % (
                len(self.skipped), "; ".join(self.skipped), tail))
        else:
            say("PASS: %s" % (measured or "%d checks" % self.passed))
        sys.exit(PASS)


class TuiChecks(Checks):
    """The checks of a TUI test: the same lines, kept until the verdict,
    whose first line then names the first check that failed, followed by
    the screen as it was then (that of tmux, a Tmux the test may switch
    as it goes from pane to pane); then every check's line, then the
    usual last line. fail() ends the test the same way."""

    def __init__(self, tmux=None):
        super().__init__()
        self.tmux = tmux
        self.lines = []
        self.first = None
        self.done = False
        atexit.register(self._flush)

    def _line(self, ok, text, what):
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
            if self.first is None:
                self.first = (text, self.tmux.capture() if self.tmux else "")
        self.lines.append("%s %s" % ("ok  " if ok else "FAIL", text))
        return ok

    def _flush(self):
        if self.done:
            return
        self.done = True
        if self.first:
            text, screen = self.first
            say("FAIL: %s" % text)
            say("--- the screen then:")
            for line in (screen or "(none)").rstrip("\n").split("\n"):
                say("  |" + line)
        for line in self.lines:
            say(line)

    def fail(self, what, detail=""):
        """A check that fails and ends the test: nothing after it can run."""
        self.true(what, False, detail)
        self.finish()

    def finish(self, measured=None):
        self._flush()
        super().finish(measured)


def _fmt(v, unit):
    if v is None:
        return "none"
    if unit == "MiB/s":
        return "%.3f MiB/s" % (v / 1048576.0)
    if unit == "MiB":
        return "%.3f MiB" % (v / 1048576.0)
    if unit == "ms":
        return "%.1f ms" % (v / 1e6)
    if isinstance(v, float):
        return "%.2f%s" % (v, unit)
    return "%s%s" % (v, unit)


def rc_text(rc):
    if rc is None:
        return "did not exit"
    if rc < 0:
        try:
            return "killed by %s" % signal.Signals(-rc).name
        except ValueError:
            return "killed by signal %d" % -rc
    return "exit %d" % rc


# ---- sanitizer reports ------------------------------------------------------

def set_opt(opts, key, value):
    """A sanitizer option string (a:b=c:...) with key set to value."""
    parts = [p for p in (opts or "").split(":") if p and not p.startswith(key + "=")]
    parts.append("%s=%s" % (key, value))
    return ":".join(parts)


SAN_LINE = re.compile(r"runtime error:|AddressSanitizer|LeakSanitizer|"
                      r"UndefinedBehaviorSanitizer|==\d+==ERROR")


def sanitized(path=None):
    """Whether the binary is a sanitizer build."""
    try:
        with open(path or RI_BIN, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def asan_without_quarantine():
    """For a sanitizer build, turns ASan's quarantine off in this process's
    environment (so in every tool started after): under churn it keeps each
    freed block for a while, and memory figures would measure ASan, not the
    tool. Returns whether it did."""
    if not sanitized():
        return False
    os.environ["ASAN_OPTIONS"] = set_opt(set_opt(os.environ.get("ASAN_OPTIONS"),
                                                 "quarantine_size_mb", "0"),
                                         "thread_local_quarantine_size_kb", "0")
    return True


class SanDir:
    """A directory the tool's sanitizer reports go to (world-writable, so a
    run without privileges can write there too)."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="ri-san-")
        os.chmod(self.path, 0o1777)
        atexit.register(self.cleanup)

    def env(self, base=None):
        e = dict(os.environ if base is None else base)
        e["ASAN_OPTIONS"] = set_opt(e.get("ASAN_OPTIONS"), "log_path",
                                    os.path.join(self.path, "asan"))
        e["UBSAN_OPTIONS"] = set_opt(e.get("UBSAN_OPTIONS"), "log_path",
                                     os.path.join(self.path, "ubsan"))
        if "suppressions=" not in e.get("LSAN_OPTIONS", ""):
            e["LSAN_OPTIONS"] = set_opt(e.get("LSAN_OPTIONS"), "suppressions",
                                        os.path.join(REPO, "tests", "lsan.supp"))
        return e

    def reports(self, *tools):
        """Reports in the directory, and sanitizer lines on the tools' stderr
        (UBSan from a separate runtime library may ignore log_path)."""
        out = []
        for t in tools:
            for line in t.err:
                if SAN_LINE.search(line):
                    out.append("stderr of %d: %s" % (t.pid, line))
        try:
            names = sorted(os.listdir(self.path))
        except OSError:
            names = []
        for n in names:
            try:
                with open(os.path.join(self.path, n), errors="replace") as f:
                    out.append("%s: %s" % (n, f.read().strip()[:2000]))
            except OSError:
                pass
        return out

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


# ---- BPF objects and who holds them ----------------------------------------
#
# Ours are the programs whose name starts with "ri_" (test_clean_exit
# checks that every program the tool holds is so named, so the check by
# name proves something), the links to them and the maps the tool holds.
# A program no process holds any more (no fd, no link fd, nothing pinned)
# is being freed; one still listed after a few seconds is a leak.

OURS_PREFIX = "ri_"


def bpftool(*args):
    """bpftool --json ARGS, parsed; fails the test when bpftool does."""
    try:
        out = subprocess.run(["bpftool", "--json"] + list(args),
                             capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        fail("bpftool %s: %s" % (" ".join(args), e))
    if out.returncode != 0:
        fail("bpftool %s failed: %s" % (" ".join(args),
                                        out.stderr.decode(errors="replace").strip()))
    text = out.stdout.decode(errors="replace").strip()
    return json.loads(text) if text else []


def is_ours(prog):
    return str(prog.get("name", "")).startswith(OURS_PREFIX)


def fd_objects(pid):
    """{"prog", "link", "map", "link_prog"}: sets of the ids of the BPF
    objects pid holds a file descriptor of (link_prog: the programs of its
    links), read from /proc/PID/fdinfo."""
    objs = {"prog": set(), "link": set(), "map": set(), "link_prog": set()}
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return objs
    for fd in fds:
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if not target.startswith("anon_inode:bpf"):
            continue
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                info = dict(re.findall(r"^(\w+):\s*(\S+)", f.read(), re.M))
        except OSError:
            continue
        try:
            if "link_id" in info:
                objs["link"].add(int(info["link_id"]))
                if "prog_id" in info:
                    objs["link_prog"].add(int(info["prog_id"]))
            elif "prog_id" in info:
                objs["prog"].add(int(info["prog_id"]))
            elif "map_id" in info:
                objs["map"].add(int(info["map_id"]))
        except ValueError:
            continue
    return objs


def held_prog_ids(pid):
    """Ids of the programs pid holds, directly or through a link."""
    o = fd_objects(pid)
    return o["prog"] | o["link_prog"]


def _comm(pid):
    # Names are bytes: a hostile one (the weird workload's) is no UTF-8.
    try:
        with open("/proc/%s/comm" % pid, errors="replace") as f:
            return f.read().strip()
    except OSError:
        return None


def holders():
    """({prog_id: {pid}}, {link_id: {pid}}) over every live process.
    bpftool itself is left out: it opens every program to describe it, and
    would make a leaked one look held while it runs (another test's)."""
    progs, links = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit() or _comm(d) == "bpftool":
            continue
        pid = int(d)
        o = fd_objects(pid)
        for i in o["prog"] | o["link_prog"]:
            progs.setdefault(i, set()).add(pid)
        for i in o["link"]:
            links.setdefault(i, set()).add(pid)
    return progs, links


def mark():
    """(highest program id, highest link id) loaded now: what was there
    before a test is not the test's."""
    return (max([p["id"] for p in bpftool("prog", "show")] + [0]),
            max([link["id"] for link in bpftool("link", "show")] + [0]))


def orphans(since=(0, 0)):
    """Our programs (and links to them) loaded after since = mark() that no
    live process holds: [(kind, id, name)]."""
    progs = [p for p in bpftool("prog", "show") if is_ours(p) and p["id"] > since[0]]
    if not progs:
        return []
    ours = {p["id"] for p in progs}
    links = [link for link in bpftool("link", "show")
             if link.get("prog_id") in ours and link["id"] > since[1]]
    hp, hl = holders()
    out = []
    for p in progs:
        alive = [x.get("pid") for x in (p.get("pids") or [])
                 if os.path.exists("/proc/%s" % x.get("pid"))
                 and x.get("comm") != "bpftool"]
        if not (hp.get(p["id"]) or alive):
            out.append(("prog", p["id"], p.get("name")))
    for link in links:
        alive = [x.get("pid") for x in (link.get("pids") or [])
                 if os.path.exists("/proc/%s" % x.get("pid"))]
        if not (hl.get(link["id"]) or alive):
            out.append(("link", link["id"], "to prog %s" % link.get("prog_id")))
    return out


def still_loaded(ids):
    """Of ids = {"prog": set, "link": set, "map": set}, those still loaded:
    the same dict shape, with (id, name) pairs."""
    progs = [(p["id"], p.get("name")) for p in bpftool("prog", "show")
             if p["id"] in ids.get("prog", ())]
    links = [(link["id"], "to prog %s" % link.get("prog_id"))
             for link in bpftool("link", "show")
             if link["id"] in ids.get("link", ()) or link.get("prog_id") in ids.get("prog", ())]
    maps = [(m["id"], m.get("name")) for m in bpftool("map", "show")
            if m["id"] in ids.get("map", ())]
    return {"prog": progs, "link": links, "map": maps}


def leftovers(ids=None, since=(0, 0), timeout=5.0):
    """What is left loaded of ours, after up to timeout seconds for the
    kernel's deferred frees (RCU, work queues): (still, orph) where still is
    still_loaded(ids) (empty lists without ids) and orph is orphans(since)."""
    end = time.monotonic() + timeout
    while True:
        still = still_loaded(ids) if ids else {"prog": [], "link": [], "map": []}
        orph = orphans(since)
        if not (any(still.values()) or orph) or time.monotonic() > end:
            return still, orph
        time.sleep(0.25)


def describe_orphans(orph):
    return ", ".join("%s %d (%s)" % o for o in orph) or "none"


class BpfWatch:
    """What a test's tool runs load, and proof that it is gone after them:
    every object a noted process held, and any program of ours loaded
    since the watch began that no live process holds."""

    def __init__(self):
        self.since = mark()
        pre = orphans()
        if pre:
            say("note: %d program(s) named %s* were already loaded with no holder "
                "before this test (not counted): %s" % (len(pre), OURS_PREFIX,
                                                        describe_orphans(pre)))
        self.ids = {"prog": set(), "link": set(), "map": set()}

    def note(self, pid):
        """Records what pid holds now; returns fd_objects(pid)."""
        o = fd_objects(pid)
        self.ids["prog"] |= o["prog"] | o["link_prog"]
        self.ids["link"] |= o["link"]
        self.ids["map"] |= o["map"]
        return o

    def left(self, timeout=5.0):
        """(ok, detail) once the tools have exited."""
        still, orph = leftovers(self.ids, self.since, timeout)
        ok = not (any(still.values()) or orph)
        detail = ("seen while running: %d progs, %d links, %d maps; left after exit: "
                  "%d progs %s, %d links, %d maps; unheld %s* programs: %s" % (
                      len(self.ids["prog"]), len(self.ids["link"]), len(self.ids["map"]),
                      len(still["prog"]), [n for _, n in still["prog"]], len(still["link"]),
                      len(still["map"]), OURS_PREFIX, describe_orphans(orph)))
        return ok, detail


# ---- running the tool -------------------------------------------------------

class Tool:
    """The tool as a child process: cmd is [binary] + args. stdout lines
    (bytes) are kept in raw, with the time.time() each arrived in
    raw_times, and, in JSON mode, parsed into ticks (lines that do not
    parse go to bad); stderr lines in err; VmHWM in hwm_kib.

    san: a SanDir for its sanitizer reports (else the environment's
    settings hold); cpu: pin it to that CPU; sample(tool): called every
    0.2 s while it runs; stdin: what it reads (nothing by default)."""

    def __init__(self, args, san=None, json_mode=True, preexec=None, binary=None,
                 env=None, sample=None, cpu=None, source=None, stdin=None):
        self.cmd = [binary or RI_BIN] + list(args)
        self.json_mode = json_mode
        self.source = source
        self.raw, self.ticks, self.bad, self.err = [], [], [], []
        self.raw_times = []
        self.sample = sample
        self.hwm_kib = 0
        self.rc = None
        self.timed_out = False
        pre = preexec
        if cpu is not None and cpu < (os.cpu_count() or 1):
            # Keep the tool off the CPU that a 100% burner has to itself.
            def pre():
                os.sched_setaffinity(0, {cpu})
                if preexec:
                    preexec()
        if san is not None:
            env = san.env(env)
        self.started = time.time()
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL if stdin is None else stdin,
                                     env=env, preexec_fn=pre)
        _children.append(self.proc)
        self.pid = self.proc.pid
        self._cv = threading.Condition()
        self._t = [threading.Thread(target=self._out, daemon=True),
                   threading.Thread(target=self._errf, daemon=True),
                   threading.Thread(target=self._mem, daemon=True)]
        for t in self._t:
            t.start()

    @classmethod
    def json(cls, args, source=None, **kw):
        """`-b --json --source SOURCE ARGS` (SOURCE: RI_SOURCE by default),
        as the truth tests run it."""
        source = source or RI_SOURCE
        return cls(["-b", "--json", "--source", source] + list(args), source=source, **kw)

    def _out(self):
        for n, line in enumerate(iter(self.proc.stdout.readline, b""), 1):
            now = time.time()
            with self._cv:
                self.raw.append(line)
                self.raw_times.append(now)
                if self.json_mode:
                    try:
                        self.ticks.append(json.loads(line.decode("utf-8")))
                    except (UnicodeDecodeError, ValueError) as e:
                        self.bad.append((n, str(e)))
                self._cv.notify_all()
        with self._cv:
            self._cv.notify_all()

    def _errf(self):
        for line in iter(self.proc.stderr.readline, b""):
            self.err.append(line.decode("utf-8", "replace").rstrip("\n"))

    def _mem(self):
        while self.proc.poll() is None:
            h = vm_hwm_kib(self.pid)
            if h:
                self.hwm_kib = max(self.hwm_kib, h)
            if self.sample:
                try:
                    self.sample(self)
                except Exception:  # sampling must never kill the run
                    pass
            time.sleep(0.2)

    def wait_ticks(self, n, timeout):
        """Whether n ticks (JSON) or n lines (text) arrived within timeout."""
        end = time.monotonic() + timeout
        with self._cv:
            while len(self.ticks if self.json_mode else self.raw) < n:
                left = end - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._t[0].is_alive()):
                    return False
                self._cv.wait(min(left, 0.2))
        return True

    def need_ticks(self, n, timeout):
        """Tick n (JSON mode), or the test fails saying why it did not come."""
        if not self.wait_ticks(n, timeout):
            if self.proc.poll() is not None:
                self.fail_with("tool exited (%s) after %d ticks, wanted %d"
                               % (rc_text(self.proc.returncode), len(self.ticks), n))
            self.fail_with("no tick %d within %.0f s" % (n, timeout))
        return self.ticks[n - 1]

    def stop_after(self, when, timeout=15):
        """Waits for two whole ticks after the Unix time when (JSON mode),
        then ends the tool with SIGINT; fails saying why otherwise."""
        n = len(self.ticks)
        self.need_ticks(n + 2, timeout)
        if self.ticks[n]["time"] < when:
            self.need_ticks(n + 3, timeout)
        self.signal(signal.SIGINT)
        if self.wait(timeout) is None:
            self.fail_with("the tool did not stop on SIGINT")

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout):
        """The exit code (negative: killed by that signal), or None when it
        did not exit within timeout (it is killed then)."""
        try:
            self.rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.timed_out = True
            self.kill()
            self.rc = None
        for t in self._t[:2]:
            t.join(5)
        return self.rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stderr_tail(self, n=5):
        return " | ".join(self.err[-n:])

    def fail_with(self, msg):
        self.kill()
        if self.err:
            msg += "; stderr: " + self.stderr_tail()
        fail(msg)

    def require_clean(self):
        """Exited 0, every line parsed, and (Tool.json) the source asked for."""
        if self.timed_out:
            self.fail_with("tool did not exit in time")
        if self.rc != 0:
            self.fail_with("tool %s" % rc_text(self.rc))
        if self.bad:
            fail("tool printed %d unparsable lines, first: line %d: %s"
                 % (len(self.bad), self.bad[0][0], self.bad[0][1]))
        if not self.ticks:
            self.fail_with("tool printed no ticks")
        if self.source and self.source != "auto":
            srcs = sorted({str(t.get("source")) for t in self.ticks})
            if srcs != [self.source]:
                fail("asked for --source %s, ticks say %s" % (self.source, srcs))


def workload_path(name):
    p = os.path.join(RI_WORKLOADS, name)
    if not os.access(p, os.X_OK):
        fail("workload not built: %s (make workloads, or set RI_WORKLOADS)" % p)
    return p


class Workload:
    """A workload process, ready once it printed "ready" on stderr (unless
    ready=False); with truth=True its --truth file is read when it ends."""

    def __init__(self, name, args, ready=True, timeout=20, cwd=None, truth=True):
        self.path = workload_path(name)
        self.name = name
        self.truth_path = None
        self.truth = None
        self.rc = None
        if truth:
            fd, self.truth_path = tempfile.mkstemp(prefix="ri-truth-", suffix=".json")
            os.close(fd)
            _tmpfiles.append(self.truth_path)
            args = list(args) + ["--truth", self.truth_path]
        self.err = []
        self._ready = threading.Event()
        self.proc = subprocess.Popen([self.path] + list(args), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     cwd=cwd)
        _children.append(self.proc)
        self.pid = self.proc.pid
        threading.Thread(target=self._errf, daemon=True).start()
        if ready:
            end = time.monotonic() + timeout
            while not self._ready.wait(0.05):
                if self.proc.poll() is not None:
                    fail("workload %s exited early (rc %s): %s" % (
                        name, self.proc.returncode, " | ".join(self.err[-3:])))
                if time.monotonic() > end:
                    self.kill()
                    fail("workload %s not ready within %d s" % (name, timeout))
        self.ready_time = time.time()

    def _errf(self):
        for line in iter(self.proc.stderr.readline, b""):
            s = line.decode("utf-8", "replace").rstrip("\n")
            if s.startswith("ready"):
                self._ready.set()
            else:
                self.err.append(s)

    def alive(self):
        return self.proc.poll() is None

    def wait_said(self, line, timeout=60):
        """Waits until the workload printed @line on stderr; the test fails
        saying which when it ends first or the deadline passes. Returns the
        time.time() it was seen."""
        end = time.monotonic() + timeout
        while line not in self.err:
            if not self.alive():
                fail("workload %s ended before it said %r: %s"
                     % (self.name, line, " | ".join(self.err[-3:])))
            if time.monotonic() > end:
                fail("workload %s did not say %r within %d s" % (self.name, line, timeout))
            time.sleep(0.02)
        return time.time()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Signals it and returns its truth."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=60):
        """Waits for its end and returns its truth (dict)."""
        try:
            self.rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            fail("workload %s did not finish within %d s" % (self.name, timeout))
        if not self.truth_path:
            return None
        try:
            with open(self.truth_path) as f:
                self.truth = json.load(f)
        except (OSError, ValueError) as e:
            fail("workload %s left no truth (%s): %s"
                 % (self.name, e, " | ".join(self.err[-3:])))
        finally:
            self.cleanup()
        return self.truth

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.cleanup()

    def cleanup(self):
        if self.truth_path:
            try:
                os.unlink(self.truth_path)
            except OSError:
                pass


# ---- the interactive tool in tmux -------------------------------------------

_config_dir = []


def private_config():
    """An XDG_CONFIG_HOME of this test's own (removed at exit), so the
    interactive tool neither reads nor writes the user's settings file."""
    if not _config_dir:
        d = tempfile.mkdtemp(prefix="ri-config-")
        atexit.register(shutil.rmtree, d, True)
        _config_dir.append(d)
    return _config_dir[0]


class Tmux:
    """A private tmux server (its own socket, no config) with one session
    running command in a cols x rows pane; killed when the test exits.
    env is the environment of the server, hence of the pane."""

    _n = 0

    def __init__(self, cols, rows, command, env=None, tag="ri-test"):
        if not shutil.which("tmux"):
            skip("tmux is not installed")
        Tmux._n += 1
        self.sock = "%s-%d-%d" % (tag, os.getpid(), Tmux._n)
        self.pane = "ri:0.0"
        atexit.register(self.kill)
        r = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session",
                            "-d", "-s", "ri", "-x", str(cols), "-y", str(rows), command],
                           capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            fail("tmux new-session failed: %s" % r.stderr.strip())
        self.run("set", "-g", "status", "off")

    @staticmethod
    def tool_command(args, env=("TERM=tmux-256color", "LANG=C.UTF-8"), binary=None):
        """The pane command the TUI tests use: the tool, then EXIT=<code>,
        then the pane stays open. Its settings file is the test's own
        (private_config()), never the user's."""
        return "env XDG_CONFIG_HOME=%s %s %s %s; echo EXIT=$?; cat >/dev/null" % (
            shlex.quote(private_config()), " ".join(env), shlex.quote(binary or RI_BIN),
            " ".join(shlex.quote(a) for a in args))

    def run(self, *args):
        return subprocess.run(["tmux", "-L", self.sock] + list(args), capture_output=True,
                              text=True, stdin=subprocess.DEVNULL)

    def capture(self):
        return self.run("capture-pane", "-p", "-t", self.pane).stdout

    def wait_for(self, regex, timeout=10):
        """Whether the screen matched regex (re.M) within timeout."""
        r = re.compile(regex, re.M)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if r.search(self.capture()):
                return True
            time.sleep(0.1)
        return False

    def settled(self, regex, timeout=15, before=None):
        """The screen once it matches regex (re.M), is not the screen
        before (what the last step left), and stays the same for 0.2 s (a
        frame being drawn is never read); None at the timeout."""
        r = re.compile(regex, re.M)
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            s = self.capture()
            if r.search(s) and s == last and s != before:
                return s
            last = s
            time.sleep(0.2)
        return None

    def keys(self, *keys):
        self.run("send-keys", "-t", self.pane, *keys)

    def pane_pid(self):
        out = self.run("display", "-p", "-t", self.pane, "#{pane_pid}").stdout.strip()
        return int(out) if out.isdigit() else None

    def tool_pid(self, comm="resource_image"):
        """The tool's PID: the pane's process itself when the shell exec'd
        it, else the child of the pane's shell of that name (or any child)."""
        shell = self.pane_pid()
        if shell is None:
            return None
        if _comm(shell) == comm:
            return shell
        kids = children_of(shell)
        named = [k for k in kids if _comm(k) == comm]
        return (named or kids or [None])[0]

    def kill(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True,
                       stdin=subprocess.DEVNULL)


# ---- reading ticks ---------------------------------------------------------

def find_proc(tick, pid):
    for p in tick.get("processes") or []:
        if p.get("pid") == pid:
            return p
    return None


def find_thread(proc, tid):
    for t in proc.get("threads") or []:
        if t.get("tid") == tid:
            return t
    return None


def appearances(ticks, pid):
    """[(tick, proc)] for the ticks that list pid, in order."""
    out = []
    for t in ticks:
        p = find_proc(t, pid)
        if p is not None:
            out.append((t, p))
    return out


def steady(seq):
    """Drop the first and last entries: those intervals are partial."""
    return list(seq)[1:-1]


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def num(v):
    """A JSON number or None (null, missing or not a number)."""
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


# ---- reading the system ----------------------------------------------------

def proc_status(pid):
    """/proc/PID/status as {key: value text}, or None once it is gone."""
    try:
        with open("/proc/%d/status" % pid, errors="replace") as f:
            return dict(re.findall(r"^(\w+):\s*(.*?)\s*$", f.read(), re.M))
    except OSError:
        return None


def status_kib(pid, key):
    """A size of /proc/PID/status (VmHWM, VmRSS, ...), KiB; None once gone."""
    s = proc_status(pid)
    try:
        return int(s[key].split()[0]) if s and key in s else None
    except (ValueError, IndexError):
        return None


def vm_hwm_kib(pid):
    """Peak RSS of the process so far (VmHWM), KiB; None once gone."""
    return status_kib(pid, "VmHWM")


def children_of(pid):
    """PIDs whose parent is pid."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d, errors="replace") as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    return sorted(out)


def task_schedstat_map(pid):
    """{tid: (on-CPU ns, run-queue wait ns, times scheduled in)}, the three
    fields of /proc/PID/task/TID/schedstat, for every live thread of pid,
    or None once it is gone."""
    out = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                out[int(tid)] = tuple(int(x) for x in f.read().split()[:3])
        except (OSError, ValueError, IndexError):
            pass
    return out


def task_cpu_map(pid):
    """{tid: on-CPU ns} for every live thread of pid, or None once it is gone."""
    m = task_schedstat_map(pid)
    return None if m is None else {tid: v[0] for tid, v in m.items()}


def task_cpu_ns(pid):
    """Sum of on-CPU ns over all live threads of pid (schedstat field 1)."""
    per_thread = task_cpu_map(pid)
    return None if per_thread is None else sum(per_thread.values())


def mem_total_bytes():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return None


def fs_type(path):
    """Filesystem type of the mount holding path (longest mountinfo prefix)."""
    path = os.path.realpath(path)
    best, fstype = "", None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, post = line.split(" - ", 1)
            mnt = pre.split()[4].replace("\\040", " ")
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, fstype = mnt, post.split()[0]
    return fstype


def io_dir():
    """A fresh directory under RI_IODIR for files the workloads write."""
    try:
        return tempfile.mkdtemp(prefix="ri-io-", dir=RI_IODIR)
    except OSError as e:
        fail("cannot create a directory in RI_IODIR=%s: %s" % (RI_IODIR, e))


def header_constant(name, header=HEADER):
    """The value of `#define NAME <integer expression>` in a C header, or
    None when the header does not define it."""
    try:
        with open(header) as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(r"^\s*#\s*define\s+%s\s+(.+?)\s*(?:/[/*].*)?$" % re.escape(name), text, re.M)
    if not m:
        return _enum_constant(name, text)
    expr = re.sub(r"(?<=[0-9a-fA-F])[uUlL]+\b", "", m.group(1))
    if not re.fullmatch(r"[0-9a-fA-FxX\s()+\-*<>|]+", expr):
        return None
    try:
        return int(eval(expr, {"__builtins__": {}}))  # digits and operators only
    except (SyntaxError, ValueError, TypeError):
        return None


def _enum_constant(name, text):
    """The value of enumerator NAME of an enum in C source text (members
    counted from 0, or from a plain integer given with =), or None."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    for body in re.findall(r"\benum\s+\w*\s*\{(.*?)\}", text, re.S):
        v = 0
        for member in (x.strip() for x in body.split(",")):
            if not member:
                continue
            k, _, init = (x.strip() for x in member.partition("="))
            if init:
                try:
                    v = int(re.sub(r"[uUlL]+$", "", init), 0)
                except ValueError:
                    break  # not a plain number: this enum cannot be counted
            if k == name:
                return v
            v += 1
    return None


# The fixed-width types the ABI header is written in (it allows no other):
# size, which is also the alignment.
_ABI_TYPES = {"__u8": 1, "__s8": 1, "char": 1, "__u16": 2, "__s16": 2,
              "__u32": 4, "__s32": 4, "__u64": 8, "__s64": 8}


def header_struct_size(name, header=HEADER):
    """sizeof(struct NAME) of the C header, summed from its members' types
    (with natural alignment, as a compiler lays them out), array lengths
    given as numbers, #define'd constants or enumerators of the header. Raises
    ValueError naming what it cannot size, so that a new kind of member
    fails a test loudly instead of giving it a wrong size."""
    with open(header) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    m = re.search(r"\bstruct\s+%s\s*\{(.*?)\}\s*;" % re.escape(name), text, re.S)
    if not m:
        raise ValueError("no struct %s in %s" % (name, header))
    size, align = 0, 1
    for decl in (d.strip() for d in m.group(1).split(";")):
        if not decl:
            continue
        d = re.fullmatch(r"(\w+)\s+(\w+)\s*(?:\[\s*(\w+)\s*\])?", decl)
        if not d or d.group(1) not in _ABI_TYPES:
            raise ValueError("struct %s: cannot size member %r" % (name, decl))
        n = 1
        if d.group(3):
            n = int(d.group(3), 0) if d.group(3)[0].isdigit() else \
                header_constant(d.group(3), header)
            if n is None:
                raise ValueError("struct %s: unknown array length %s" % (name, d.group(3)))
        w = _ABI_TYPES[d.group(1)]
        size = (size + w - 1) // w * w + w * n
        align = max(align, w)
    return (size + align - 1) // align * align


# BPF_RINGBUF_HDR_SZ: the kernel puts this header before every ring buffer
# record, and rounds each record up to a multiple of 8 bytes.
RINGBUF_HDR_BYTES = 8


def ring_record_bytes(struct="ri_task", header=HEADER):
    """The bytes one record of struct takes in a BPF ring buffer."""
    return RINGBUF_HDR_BYTES + (header_struct_size(struct, header) + 7) // 8 * 8


def mono_minus_real():
    """CLOCK_MONOTONIC - CLOCK_REALTIME, read as tightly as possible."""
    best = None
    for _ in range(20):
        a = time.monotonic()
        r = time.time()
        b = time.monotonic()
        if best is None or b - a < best[0]:
            best = (b - a, (a + b) / 2 - r)
    return best[1]


def interpolate(samples, x):
    """Linear interpolation in sorted [(x, y)]; None outside the range."""
    if not samples or x < samples[0][0] or x > samples[-1][0]:
        return None
    lo, hi = 0, len(samples) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if samples[mid][0] <= x:
            lo = mid
        else:
            hi = mid
    (x0, y0), (x1, y1) = samples[lo], samples[hi]
    if x1 == x0:
        return y0
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


class Sampler:
    """Polls f() every period on a thread, keeping (time.time(), value).
    period may be a function of the time of the last sample, giving the
    wait before the next (see around_ticks)."""

    def __init__(self, f, period=0.01):
        self.f, self.period = f, period
        self.samples = []
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.is_set():
            t0 = time.time()
            v = self.f()
            t1 = time.time()
            if v is not None:
                self.samples.append(((t0 + t1) / 2, v))
            self._stop.wait(self.period(t1) if callable(self.period) else self.period)

    def stop(self):
        self._stop.set()
        self._t.join()
        return self.samples


def bracket(samples, lo, hi):
    """The values of sorted [(time, value)] samples from the last one at or
    before lo to the first one at or after hi: what a quantity that moves
    on its own (the machine's memory, its CPU counters) may have been at a
    moment known only to lie between lo and hi. None when the samples do
    not reach past both ends."""
    times = [t for t, _ in samples]
    i = bisect.bisect_right(times, lo) - 1
    j = bisect.bisect_left(times, hi)
    if i < 0 or j >= len(samples):
        return None
    return [v for _, v in samples[i:j + 1]]


def around_ticks(t0, delay, fast=0.0005, slow=0.02, near=0.025):
    """A Sampler period: every `fast` s within `near` s of t0 + k * delay
    (the ticks a batch run is due to take: they keep to a grid), every
    `slow` s in between. For counters that move in steps, whose value at
    a tick's time interpolation would smear."""
    def wait(now):
        k = round((now - t0) / delay)
        off = abs(now - (t0 + k * delay))
        return fast if off < near else min(slow, max(fast, off - near))
    return wait


def tick_truth_pct(samples, tid, tick):
    """CPU% of tid over the tick's interval, from task_cpu_map samples.

    This is the kernel's own per-thread runtime, so it shows what a thread
    really got in that second even when a busy machine kept it from its
    duty; None when the samples do not cover the interval.
    """
    series = [(t, m[tid]) for t, m in samples if tid in m]
    t1 = tick["time"]
    t0 = t1 - tick["interval_s"]
    a, b = interpolate(series, t0), interpolate(series, t1)
    if a is None or b is None:
        return None
    return 100.0 * (b - a) / 1e9 / tick["interval_s"]


# ---- the metrics endpoint and a real Prometheus ----------------------------

def free_port(host="127.0.0.1"):
    """A TCP port free on host now (the kernel's pick); a caller that loses
    the race sees "Address already in use" and may ask again."""
    import socket
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def http_get(port, path="/metrics", accept=None, host="127.0.0.1", method="GET",
             timeout=5.0, body=None):
    """(status, {header: value}, body bytes) of one request on a new
    connection; raises OSError when there is no answer."""
    import http.client
    c = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {"Accept": accept} if accept else {}
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def wait_http(port, path="/metrics", timeout=20.0, host="127.0.0.1", proc=None):
    """Whether GET path answered 200 within timeout (False at once when
    proc, a Tool or Popen, has exited)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        p = getattr(proc, "proc", proc)
        if p is not None and p.poll() is not None:
            return False
        try:
            if http_get(port, path, host=host, timeout=2)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def stop_checked(tool, checks, san, what="tool"):
    """Ends a Tool with SIGTERM and checks it the way every test does: exit
    0, no sanitizer report in san (a SanDir)."""
    tool.signal(signal.SIGTERM)
    tool.wait(15)
    checks.true("%s: exit 0 on SIGTERM" % what, tool.rc == 0, rc_text(tool.rc))
    reports = san.reports(tool)
    checks.true("%s: no sanitizer report" % what, not reports, "; ".join(reports)[:500])


OPENMETRICS = "application/openmetrics-text;version=1.0.0"
PROM_TEXT = "text/plain;version=0.0.4"
# What Prometheus 2.x itself sends.
PROM_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
               "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def parse_exposition(text):
    """{'name{labels}': value} of the sample lines of an exposition (either
    format); comments and # EOF left out."""
    out = {}
    # Lines end with \n only: a label may hold a raw \r or U+2028.
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        out[series] = float(value)
    return out


class Prometheus:
    """Debian's prometheus on loopback, with a generated config (scrape and
    evaluation every `interval` seconds), its own temporary storage, and a
    free port; killed when the test exits. jobs: {job name: ["host:port",
    ...]}. Skips the test when prometheus is not installed."""

    def __init__(self, jobs, interval=1, extra=None):
        self.njobs = sum(len(t) for t in jobs.values())
        self.bin = shutil.which("prometheus")
        if not self.bin:
            skip("prometheus is not installed (make deps installs Debian's package)")
        self.dir = tempfile.mkdtemp(prefix="ri-prom-")
        atexit.register(shutil.rmtree, self.dir, True)
        lines = ["global:", "  scrape_interval: %ds" % interval,
                 "  scrape_timeout: %ds" % interval,
                 "  evaluation_interval: %ds" % interval, "scrape_configs:"]
        for name, targets in jobs.items():
            lines += ["  - job_name: %s" % json.dumps(name),
                      "    static_configs:",
                      "      - targets: %s" % json.dumps(list(targets))]
        lines += list(extra or [])
        self.config = os.path.join(self.dir, "prometheus.yml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.log = os.path.join(self.dir, "log")
        for _ in range(3):
            self.port = free_port()
            with open(self.log, "wb") as log:
                self.proc = subprocess.Popen(
                    [self.bin, "--config.file=" + self.config,
                     "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
                     "--web.listen-address=127.0.0.1:%d" % self.port,
                     "--log.level=warn"],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    cwd=self.dir)
            _children.append(self.proc)
            if wait_http(self.port, "/-/ready", timeout=30, proc=self.proc):
                return
            self.stop()
        fail("prometheus did not get ready: %s" % self.log_tail())

    def log_tail(self, n=5):
        try:
            with open(self.log, errors="replace") as f:
                return " | ".join(f.read().strip().splitlines()[-n:])
        except OSError:
            return ""

    def api(self, path, **params):
        """The "data" of GET /api/v1/PATH?params; fails the test on an error."""
        import urllib.parse
        import urllib.request
        url = "http://127.0.0.1:%d/api/v1/%s?%s" % (self.port, path,
                                                     urllib.parse.urlencode(params))
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                doc = json.load(r)
        except (OSError, ValueError) as e:
            fail("prometheus API %s: %s" % (path, e))
        if doc.get("status") != "success":
            fail("prometheus API %s: %s" % (path, doc))
        return doc["data"]

    def query(self, expr):
        """The instant vector of expr: [(labels, value)]."""
        data = self.api("query", query=expr)
        return [(r["metric"], float(r["value"][1])) for r in data.get("result", [])]

    def value(self, expr):
        """The one value expr gives, or None when it gives none."""
        r = self.query(expr)
        return r[0][1] if len(r) == 1 else None

    def wait_up(self, timeout=30.0):
        """Waits for a first successful scrape of every job: Prometheus
        hands its targets to the scrapers some seconds after it is ready
        (target updates are batched every 5 s)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            up = self.query("up")
            if up and len(up) == self.njobs and all(v == 1 for _, v in up):
                return
            time.sleep(0.2)
        fail("prometheus: not every target up within %.0f s: %s; %s"
             % (timeout, self.query("up"), self.log_tail()))

    def self_metrics(self):
        """Prometheus's own /metrics, parsed."""
        st, _, body = http_get(self.port, "/metrics")
        return parse_exposition(body.decode()) if st == 200 else {}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
