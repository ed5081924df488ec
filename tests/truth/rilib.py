# SPDX-License-Identifier: GPL-2.0
"""rilib - shared plumbing for the ground-truth tests (standard library only).

Owns: locating the tool and the workloads, the skip/fail conventions
(exit 0 pass, 1 fail, 77 skip), running the tool in batch JSON mode while
collecting its ticks, starting workloads and collecting the truth they
report, and small measurement helpers (medians, /proc readers,
interpolation).

Environment:
  RI_BIN        tool binary       (default <repo>/build/resource_image)
  RI_WORKLOADS  workload dir      (default <repo>/build/tests/workloads)
  RI_SOURCE     --source value    (default bpf)
  RI_IODIR      dir for I/O tests (default /var/tmp: must be disk-backed
                for storage numbers, and /tmp is often tmpfs)
"""

import atexit
import json
import os
import queue
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PASS, FAIL, SKIP = 0, 1, 77

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _repo_path(env, default):
    p = os.environ.get(env) or default
    return p if os.path.isabs(p) else os.path.join(REPO, p)


RI_BIN = _repo_path("RI_BIN", "build/resource_image")
RI_WORKLOADS = _repo_path("RI_WORKLOADS", "build/tests/workloads")
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


def say(msg):
    print(msg, flush=True)


def skip(reason):
    say("SKIP: %s" % reason)
    sys.exit(SKIP)


def fail(reason):
    say("FAIL: %s" % reason)
    sys.exit(FAIL)


def preflight(bpf_only=False):
    """Skip or fail early when the environment cannot run the test at all."""
    if bpf_only and RI_SOURCE == "procfs":
        skip("this test needs the bpf source")
    if RI_SOURCE in ("bpf", "auto"):
        if os.geteuid() != 0:
            skip("needs root for the bpf source")
        if not os.path.exists("/sys/kernel/btf/vmlinux"):
            skip("no /sys/kernel/btf/vmlinux")
    if not os.access(RI_BIN, os.X_OK):
        fail("tool binary not found: %s (set RI_BIN)" % RI_BIN)
    if not os.path.isdir(RI_WORKLOADS):
        fail("workloads not built: %s (set RI_WORKLOADS)" % RI_WORKLOADS)


def comm_name(base):
    """A per-run comm (<= 15 bytes) so parallel runs do not see each other."""
    return ("%s%d" % (base, os.getpid() % 100000))[:15]


class Checks:
    """Accumulates named comparisons; prints one line each; exits at the end."""

    def __init__(self):
        self.failed = 0
        self.passed = 0
        self.skipped = []

    def close(self, what, measured, truth, tol, unit=""):
        ok = measured is not None and abs(measured - truth) <= tol
        self._line(ok, "%s: %s (truth %s, tol %s)" % (
            what, _fmt(measured, unit), _fmt(truth, unit), _fmt(tol, unit)))
        return ok

    def at_least(self, what, measured, floor, unit=""):
        ok = measured is not None and measured >= floor
        self._line(ok, "%s: %s (need >= %s)" % (what, _fmt(measured, unit),
                                                _fmt(floor, unit)))
        return ok

    def true(self, what, ok, detail=""):
        self._line(bool(ok), "%s%s" % (what, (": " + detail) if detail else ""))
        return bool(ok)

    def skip_part(self, what, reason):
        self.skipped.append(what)
        say("SKIP part %s: %s" % (what, reason))

    def _line(self, ok, text):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        say("%s %s" % ("ok  " if ok else "FAIL", text))

    def finish(self):
        if self.failed:
            say("FAIL: %d of %d checks failed" % (self.failed,
                                                  self.failed + self.passed))
            sys.exit(FAIL)
        if not self.passed:
            skip("nothing could be checked (%s)" % ", ".join(self.skipped))
        if self.skipped:
            say("PASS with %d part(s) skipped: %s" % (len(self.skipped),
                                                   "; ".join(self.skipped)))
        sys.exit(PASS)


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


class Tool:
    """The tool in batch JSON mode; stdout is parsed line by line as it comes."""

    def __init__(self, args, cpu=None, source=None):
        self.cmd = [RI_BIN, "-b", "--json", "--source", source or RI_SOURCE] + list(args)
        self.raw = []            # every stdout line, bytes
        self.ticks = []          # parsed tick objects
        self.bad = []            # (line number, error) for lines that did not parse
        self.err = []            # stderr lines
        self._q = queue.Queue()
        pre = None
        if cpu is not None and cpu < (os.cpu_count() or 1):
            # Keep the tool off the CPU that a 100% burner has to itself.
            pre = lambda: os.sched_setaffinity(0, {cpu})
        self.started = time.time()
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=pre)
        _children.append(self.proc)
        self._t_out = threading.Thread(target=self._read_out, daemon=True)
        self._t_err = threading.Thread(target=self._read_err, daemon=True)
        self._t_out.start()
        self._t_err.start()
        self.rc = None

    def _read_out(self):
        for n, line in enumerate(iter(self.proc.stdout.readline, b""), 1):
            self.raw.append(line)
            try:
                tick = json.loads(line.decode("utf-8"))
                self.ticks.append(tick)
                self._q.put(tick)
            except (UnicodeDecodeError, ValueError) as e:
                self.bad.append((n, str(e)))

    def _read_err(self):
        for line in iter(self.proc.stderr.readline, b""):
            self.err.append(line.decode("utf-8", "replace").rstrip("\n"))

    def wait_ticks(self, n, timeout):
        """Block until n ticks have arrived; fail with context if they do not."""
        end = time.monotonic() + timeout
        while len(self.ticks) < n:
            if self.proc.poll() is not None and not self._t_out.is_alive():
                self.fail_with("tool exited (rc %s) after %d ticks, wanted %d"
                               % (self.proc.returncode, len(self.ticks), n))
            left = end - time.monotonic()
            if left <= 0:
                self.kill()
                self.fail_with("no tick %d within %.0f s" % (n, timeout))
            try:
                self._q.get(timeout=min(left, 0.2))
            except queue.Empty:
                pass
        return self.ticks[n - 1]

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout):
        try:
            self.rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.fail_with("tool did not exit within %.0f s" % timeout)
        self._t_out.join(5)
        self._t_err.join(5)
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

    def require_clean(self, checks=None):
        """rc 0, every line parsed, source as asked."""
        if self.rc != 0:
            self.fail_with("tool exit code %s" % self.rc)
        if self.bad:
            fail("tool printed %d unparsable lines, first: line %d: %s"
                 % (len(self.bad), self.bad[0][0], self.bad[0][1]))
        if not self.ticks:
            self.fail_with("tool printed no ticks")
        if RI_SOURCE != "auto":
            srcs = sorted({str(t.get("source")) for t in self.ticks})
            if srcs != [RI_SOURCE]:
                fail("asked for --source %s, ticks say %s" % (RI_SOURCE, srcs))


class Workload:
    """A workload process; truth is read from its --truth file when it ends."""

    def __init__(self, name, args, ready=True, timeout=20, cwd=None):
        path = os.path.join(RI_WORKLOADS, name)
        if not os.access(path, os.X_OK):
            fail("workload not built: %s" % path)
        fd, self.truth_path = tempfile.mkstemp(prefix="ri-truth-", suffix=".json")
        os.close(fd)
        _tmpfiles.append(self.truth_path)
        self.name = name
        self.err = []
        self._ready = threading.Event()
        self.proc = subprocess.Popen([path] + list(args) + ["--truth", self.truth_path],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, cwd=cwd)
        _children.append(self.proc)
        self.pid = self.proc.pid
        threading.Thread(target=self._read_err, daemon=True).start()
        if ready:
            end = time.monotonic() + timeout
            while not self._ready.wait(0.1):
                if self.proc.poll() is not None:
                    fail("workload %s exited early (rc %s): %s"
                         % (name, self.proc.returncode, " | ".join(self.err[-3:])))
                if time.monotonic() > end:
                    self.proc.kill()
                    fail("workload %s not ready within %d s" % (name, timeout))
        self.ready_time = time.time()

    def _read_err(self):
        for line in iter(self.proc.stderr.readline, b""):
            s = line.decode("utf-8", "replace").rstrip("\n")
            if s.startswith("ready"):
                self._ready.set()
            else:
                self.err.append(s)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=60):
        try:
            self.rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            fail("workload %s did not finish within %d s" % (self.name, timeout))
        try:
            with open(self.truth_path) as f:
                self.truth = json.load(f)
        except (OSError, ValueError) as e:
            fail("workload %s left no truth (%s): %s"
                 % (self.name, e, " | ".join(self.err[-3:])))
        finally:
            try:
                os.unlink(self.truth_path)
            except OSError:
                pass
        return self.truth

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            os.unlink(self.truth_path)
        except OSError:
            pass


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
    """Polls f() every period on a thread, keeping (time.time(), value)."""

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
            self._stop.wait(self.period)

    def stop(self):
        self._stop.set()
        self._t.join()
        return self.samples


def task_cpu_map(pid):
    """{tid: on-CPU ns} for every live thread of pid, or None once it is gone."""
    out = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                out[int(tid)] = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return out


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
