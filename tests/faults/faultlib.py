# SPDX-License-Identifier: GPL-2.0
"""faultlib - shared plumbing for the fault and bad-input tests (stdlib only).

Owns: locating the tool and the workloads; the verdict conventions (exit 0
pass, 1 fail, 77 skip; the last output line says what was measured, or why
the test was skipped); running the tool with its sanitizer reports sent to
a private directory (so a test can say "no crash" about its own runs);
and telling which BPF objects belong to which process, so a test can prove
that nothing of the tool stays loaded after it ends.

Ownership of BPF objects is read from /proc/PID/fdinfo (prog_id, link_id,
map_id of every bpf fd the process holds). `bpftool prog show --json`
gives "pids" only when bpftool was built with that feature; it is used as
well when present.

Environment:
  RI_BIN        tool binary    (default <repo>/build/san/resource_image)
  RI_WORKLOADS  workload dir   (default <repo>/build/tests/workloads)
"""

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

PASS, FAIL, SKIP = 0, 1, 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RI_PROGS = ("ri_switch_btf", "ri_switch_raw", "ri_switch_kp", "ri_iter")


def _repo_path(env, default):
    p = os.environ.get(env) or default
    return p if os.path.isabs(p) else os.path.join(REPO, p)


RI_BIN = _repo_path("RI_BIN", "build/san/resource_image")
RI_WORKLOADS = _repo_path("RI_WORKLOADS", "build/tests/workloads")
TEST = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def say(msg):
    print(msg, flush=True)


def skip(reason):
    say("SKIP: %s" % reason)
    sys.exit(SKIP)


def fail(reason):
    say("FAIL: %s" % reason)
    sys.exit(FAIL)


def preflight(need_bpf=True, need_bpftool=True):
    if not os.access(RI_BIN, os.X_OK):
        fail("tool binary not found: %s (set RI_BIN)" % RI_BIN)
    if os.geteuid() != 0:
        skip("needs root")
    if need_bpf and not os.path.exists("/sys/kernel/btf/vmlinux"):
        skip("no /sys/kernel/btf/vmlinux: the bpf source cannot run here")
    if need_bpftool and not shutil.which("bpftool"):
        skip("bpftool not installed")


def workload(name):
    p = os.path.join(RI_WORKLOADS, name)
    if not os.access(p, os.X_OK):
        fail("workload not built: %s (make workloads, or set RI_WORKLOADS)" % p)
    return p


def unique_name(base):
    """A comm (<= 15 bytes) of this run, so parallel runs do not meet."""
    return ("%s%d" % (base, os.getpid() % 100000))[:15]


class Checks:
    """Named checks, one line each; finish() prints the verdict line last."""

    def __init__(self):
        self.failed = []
        self.passed = 0

    def true(self, what, ok, detail=""):
        ok = bool(ok)
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
        say("%s %s%s" % ("ok  " if ok else "FAIL", what,
                         (": " + detail) if detail else ""))
        return ok

    def finish(self, measured):
        if self.failed:
            say("FAIL: %d of %d checks (%s); measured: %s" % (
                len(self.failed), len(self.failed) + self.passed,
                "; ".join(self.failed), measured))
            sys.exit(FAIL)
        say("PASS: %s" % measured)
        sys.exit(PASS)


# ---- sanitizer reports ------------------------------------------------------

def _set_opt(opts, key, value):
    parts = [p for p in (opts or "").split(":") if p and not p.startswith(key + "=")]
    parts.append("%s=%s" % (key, value))
    return ":".join(parts)


SAN_LINE = re.compile(r"runtime error:|AddressSanitizer|LeakSanitizer|"
                      r"UndefinedBehaviorSanitizer|==\d+==ERROR")


class SanDir:
    """A directory the tool's sanitizer reports go to (world-writable, so a
    run without privileges can write there too)."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="ri-faults-san-")
        os.chmod(self.path, 0o1777)
        atexit.register(self.cleanup)

    def env(self, base=None):
        e = dict(os.environ if base is None else base)
        e["ASAN_OPTIONS"] = _set_opt(e.get("ASAN_OPTIONS"), "log_path",
                                     os.path.join(self.path, "asan"))
        e["UBSAN_OPTIONS"] = _set_opt(e.get("UBSAN_OPTIONS"), "log_path",
                                      os.path.join(self.path, "ubsan"))
        if "suppressions=" not in e.get("LSAN_OPTIONS", ""):
            e["LSAN_OPTIONS"] = _set_opt(e.get("LSAN_OPTIONS"), "suppressions",
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
        for n in sorted(os.listdir(self.path)):
            try:
                with open(os.path.join(self.path, n), errors="replace") as f:
                    out.append("%s: %s" % (n, f.read().strip()[:2000]))
            except OSError:
                pass
        return out

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


# ---- BPF objects and who holds them ----------------------------------------

def bpftool(*args):
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


def ri_progs():
    """{id: prog} of every loaded program named like ours."""
    return {p["id"]: p for p in bpftool("prog", "show")
            if str(p.get("name", "")) in RI_PROGS}


def fd_objects(pid):
    """{"prog": set, "link": set, "map": set, "link_prog": set} of ids held by pid."""
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
        if "link_id" in info:
            objs["link"].add(int(info["link_id"]))
            if "prog_id" in info:
                objs["link_prog"].add(int(info["prog_id"]))
        elif "prog_id" in info:
            objs["prog"].add(int(info["prog_id"]))
        elif "map_id" in info:
            objs["map"].add(int(info["map_id"]))
    return objs


def prog_holders():
    """{prog_id: set(pid)} over every process: prog fds and link fds."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        o = fd_objects(int(d))
        for pid_ in o["prog"] | o["link_prog"]:
            out.setdefault(pid_, set()).add(int(d))
    return out


def orphans(ignore=()):
    """Our programs that no running process holds (leaked), minus ignore."""
    progs = ri_progs()
    if not progs:
        return []
    holders = prog_holders()
    out = []
    for i, p in progs.items():
        if i in ignore:
            continue
        alive = [x.get("pid") for x in (p.get("pids") or [])
                 if os.path.exists("/proc/%s" % x.get("pid"))]
        if holders.get(i) or alive:
            continue
        out.append(p)
    return out


class BpfWatch:
    """What a test's tool runs loaded, and proof that it is gone after."""

    def __init__(self):
        self.pre_orphans = {p["id"] for p in orphans()}
        if self.pre_orphans:
            say("note: %d program(s) named ri_* were already loaded with no "
                "holder before this test (not counted): ids %s"
                % (len(self.pre_orphans), sorted(self.pre_orphans)))
        self.ids = {"prog": set(), "link": set(), "map": set()}

    def note(self, pid):
        o = fd_objects(pid)
        self.ids["prog"] |= o["prog"] | o["link_prog"]
        self.ids["link"] |= o["link"]
        self.ids["map"] |= o["map"]
        return o

    def left(self, timeout=5.0):
        """(ok, detail) once the tools have exited: waits for deferred frees."""
        end = time.monotonic() + timeout
        while True:
            progs = [p for p in bpftool("prog", "show") if p["id"] in self.ids["prog"]]
            links = [l for l in bpftool("link", "show") if l["id"] in self.ids["link"]
                     or l.get("prog_id") in self.ids["prog"]]
            maps = [m for m in bpftool("map", "show") if m["id"] in self.ids["map"]]
            orph = orphans(self.pre_orphans)
            if not (progs or links or maps or orph) or time.monotonic() > end:
                break
            time.sleep(0.25)
        ok = not (progs or links or maps or orph)
        detail = ("seen while running: %d progs, %d links, %d maps; left after exit: "
                  "%d progs %s, %d links, %d maps; unheld ri_* programs: %s" % (
                      len(self.ids["prog"]), len(self.ids["link"]), len(self.ids["map"]),
                      len(progs), [p.get("name") for p in progs], len(links),
                      len(maps), [(p["id"], p.get("name")) for p in orph] or "none"))
        return ok, detail


# ---- running the tool -------------------------------------------------------

class Tool:
    """The tool as a child process; stdout lines (bytes) and stderr lines kept."""

    def __init__(self, args, san, json_mode=True, preexec=None, binary=None,
                 env=None, sample=None):
        self.cmd = [binary or RI_BIN] + list(args)
        self.json_mode = json_mode
        self.raw, self.ticks, self.bad, self.err = [], [], [], []
        self.sample = sample
        self.hwm_kib = 0
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     env=san.env(env), preexec_fn=preexec)
        self.pid = self.proc.pid
        self._cv = threading.Condition()
        self._t = [threading.Thread(target=self._out, daemon=True),
                   threading.Thread(target=self._errf, daemon=True),
                   threading.Thread(target=self._mem, daemon=True)]
        for t in self._t:
            t.start()

    def _out(self):
        for n, line in enumerate(iter(self.proc.stdout.readline, b""), 1):
            with self._cv:
                self.raw.append(line)
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
            try:
                with open("/proc/%d/status" % self.pid) as f:
                    m = re.search(r"^VmHWM:\s+(\d+)", f.read(), re.M)
                if m:
                    self.hwm_kib = max(self.hwm_kib, int(m.group(1)))
            except OSError:
                pass
            if self.sample:
                try:
                    self.sample(self)
                except Exception:  # sampling must never kill the run
                    pass
            time.sleep(0.2)

    def wait_ticks(self, n, timeout):
        end = time.monotonic() + timeout
        with self._cv:
            while len(self.ticks if self.json_mode else self.raw) < n:
                left = end - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._t[0].is_alive()):
                    return False
                self._cv.wait(min(left, 0.2))
        return True

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        for t in self._t[:2]:
            t.join(5)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Workload:
    """A workload; ready once it printed "ready PID" on stderr."""

    def __init__(self, name, args, timeout=20, cwd=None, truth=True):
        self.path = workload(name)
        self.truth_path = None
        if truth:
            fd, self.truth_path = tempfile.mkstemp(prefix="ri-faults-truth-")
            os.close(fd)
            args = list(args) + ["--truth", self.truth_path]
        self.err = []
        self._ready = threading.Event()
        self.proc = subprocess.Popen([self.path] + list(args), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     cwd=cwd)
        self.pid = self.proc.pid
        threading.Thread(target=self._errf, daemon=True).start()
        end = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if self.proc.poll() is not None:
                fail("workload %s exited early (rc %s): %s" % (
                    name, self.proc.returncode, " | ".join(self.err[-3:])))
            if time.monotonic() > end:
                self.kill()
                fail("workload %s not ready within %d s" % (name, timeout))

    def _errf(self):
        for line in iter(self.proc.stderr.readline, b""):
            s = line.decode("utf-8", "replace").rstrip("\n")
            if s.startswith("ready"):
                self._ready.set()
            else:
                self.err.append(s)

    def wait(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            fail("workload did not finish within %d s" % timeout)
        try:
            with open(self.truth_path) as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            fail("workload left no truth (%s): %s" % (e, " | ".join(self.err[-3:])))
        finally:
            self.cleanup()

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


def rc_text(rc):
    if rc is None:
        return "did not exit"
    if rc < 0:
        try:
            return "killed by %s" % signal.Signals(-rc).name
        except ValueError:
            return "killed by signal %d" % -rc
    return "exit %d" % rc


def find_proc(tick, pid):
    for p in tick.get("processes") or []:
        if p.get("pid") == pid:
            return p
    return None
