#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""make bench: what resource_image costs, measured next to a yardstick.

  1. Probe cost: in-kernel run time per call of the sched_switch program
     (kernel.bpf_stats_enabled), for each probe kind, next to an empty
     sched_switch program (tests/bench/empty.bpf.c) attached at the same
     time, while `pingpong` forces context switches.  Target: at most 2x
     the empty program.
  2. Per-refresh cost: CPU time of the tool per refresh with 1,000 and
     10,000 threads alive (`threads`), next to top and pidstat on the same
     load, run one after the other.  Targets at 10,000 threads:
     `resource_image -b -H` and `--json -H` at most 0.08x `top -H -b` (a
     margin under 1/10, so that noise does not decide), and process mode
     `resource_image -b` no more than `top -b`.
  3. Peak RSS of each of them (VmHWM, last seen before the exit), and
     the steady RSS (VmRSS, last seen before the exit).  Target at 10,000
     threads: process mode `resource_image -b` at most 8 MiB steady.
     On the idle machine first: the peak RSS of start-up (loading the
     probe included) and the steady RSS after it, next to top's.
     Target: start-up peak at most 10 MiB.
  4. The metrics endpoint: per-tick CPU with and without --listen, and
     per-scrape CPU (tests/bench/bench_metrics.py says how).
  5. The interactive tool next to htop, every thread shown, in tmux
     (tests/bench/tui_cost.py): CPU per second and steady RSS at 1,000
     and 10,000 threads.  Targets at 10,000: at most htop's.
  7. Socket byte counting (tests/bench/bench_net.py): cost per send or
     receive call with the socket programs attached against without, and
     loopback TCP bytes per second with and without the tool.  Target: at
     most 2% fewer bytes per second.
  8. Where the time goes (tests/bench/bench_states.py): the probe's cost
     per switch with the state times (the switch program, and a wake-up
     program's per switch where the tool has one: today none) and with
     --no-states, next to the empty program, under pingpong.  Target:
     with the states, at most 2x the empty program.
  9. Reading the limits (tests/bench/bench_limits.py): per-refresh CPU
     with 1,000 processes and 10,000 threads next to top -b, and the
     reader's own system calls per process.  Target: process mode no
     more than top -b.
  Further parts are modules of tests/bench/ that bench.py imports and
  calls with its Bench (see there): each adds its section of the report
  and its targets.

Every figure is the median of several rounds; targets are printed as
ratios with MET / NOT MET, and nothing here fails on absolute times.

How per-refresh CPU is taken: every tool runs for the same number of
refreshes with its output to /dev/null.  Its CPU time (sum_exec_runtime of
its threads from /proc/PID/task/*/schedstat, ns resolution) is sampled
every 20 ms.  Refreshes are bursts of CPU separated by idle gaps; the CPU
between the first gap (after start-up and the first sample, which are
discarded) and the last gap (before the final refresh and exit) divided by
the number of bursts in between is the cost of one refresh.  When the gaps
do not split a run into the expected bursts (a refresh that outlasts its
interval on a busy machine), that run falls back to its whole CPU time
over every burst, start-up included, and the table marks it with "*".
The BPF probe's own cost runs in the context of the switching tasks, not
the tool's, and is what part 1 measures.

The empty program and its loader are built into build/bench/ (clang, cc)
when missing or older than their sources.

Environment: RI_BIN (the binary; not a sanitizer build), RI_WORKLOADS (the
workload programs); the defaults are tests/lib/rilib.py's.
Options: --quick (fewer, shorter rounds: a smoke test), --only PART (probe,
refresh, startup, metrics, tui, record, net, states).
Needs root (BPF, bpf_stats_enabled), bpftool, clang, cc, top, pidstat;
tmux and htop for part 5.
"""

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rilib  # noqa: E402
import bench_metrics  # noqa: E402  part 4: the metrics endpoint
import tui_cost  # noqa: E402  part 5: the TUI next to htop
import bench_record  # noqa: E402  part 6: recording and replay
import bench_net  # noqa: E402  part 7: socket byte counting
import bench_states  # noqa: E402  part 8: where the time goes
import bench_limits  # noqa: E402  part 9: reading the limits

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = rilib.REPO
BUILD = os.path.join(ROOT, "build")
OUT = os.path.join(BUILD, "bench")

STATS_SYSCTL = "/proc/sys/kernel/bpf_stats_enabled"
PROBES = ("tp_btf", "raw_tp", "kprobe")
SAMPLE_S = 0.02        # CPU sampling period
IDLE_NS = 100_000      # at most this much CPU in one sample period is "idle"
GAP_S = 0.1            # an idle stretch at least this long separates refreshes

children = []          # every process started here, stopped on the way out


def log(msg=""):
    print(msg, flush=True)


def die(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


median = rilib.median


def spawn(argv, **kw):
    p = subprocess.Popen(argv, **kw)
    children.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=30):
    """Stops a child started by spawn(), by its pid only."""
    if p.returncode is None:
        try:
            p.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in children:
        children.remove(p)


def stop_all():
    for p in list(children):
        try:
            if p.stdin:
                p.stdin.close()
        except OSError:
            pass
        stop(p, timeout=10)


# ---------------------------------------------------------------- build


def newer(target, *sources):
    if not os.path.exists(target):
        return False
    t = os.path.getmtime(target)
    return all(os.path.getmtime(s) <= t for s in sources)


def build_yardstick():
    """Builds the empty sched_switch program and its loader into build/bench/."""
    os.makedirs(OUT, exist_ok=True)
    src_bpf = os.path.join(HERE, "empty.bpf.c")
    src_ld = os.path.join(HERE, "empty_loader.c")
    obj = os.path.join(OUT, "empty.bpf.o")
    loader = os.path.join(OUT, "empty_loader")
    arch = {"x86_64": "x86", "aarch64": "arm64", "ppc64le": "powerpc",
            "riscv64": "riscv", "s390x": "s390"}.get(platform.machine(),
                                                    platform.machine())
    vmlinux_dir = BUILD
    if not os.path.exists(os.path.join(BUILD, "vmlinux.h")):
        vmlinux_dir = OUT
        vh = os.path.join(OUT, "vmlinux.h")
        if not os.path.exists(vh):
            with open(vh, "w") as f:
                subprocess.run([os.environ.get("BPFTOOL", "bpftool"), "btf", "dump",
                                "file", "/sys/kernel/btf/vmlinux", "format", "c"],
                               stdout=f, check=True)
    if not newer(obj, src_bpf):
        subprocess.run([os.environ.get("CLANG", "clang"), "-g", "-O2", "-target", "bpf",
                        "-D__TARGET_ARCH_" + arch, "-I" + vmlinux_dir, "-c", src_bpf,
                        "-o", obj], check=True)
    if not newer(loader, src_ld):
        subprocess.run([os.environ.get("CC", "cc"), "-O2", src_ld, "-lbpf", "-o", loader],
                       check=True)
    return obj, loader


# ---------------------------------------------------------------- part 1
#
# The tool's program is told apart from those of other instances running
# at the same time by the fds of the process started here (fdinfo
# "prog_id"), or bpftool's "pids" when it has them.


def bpftool_progs():
    """{prog id: entry} from `bpftool prog show --json`."""
    return {p["id"]: p for p in rilib.bpftool("prog", "show")}


def find_switch_prog(p, timeout=15.0):
    """The id of the ri_switch_* program of the tool instance p, or None."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and p.poll() is None:
        mine = rilib.held_prog_ids(p.pid)
        progs = bpftool_progs()
        for pid_id, e in progs.items():
            held = pid_id in mine or any(x.get("pid") == p.pid for x in e.get("pids", []))
            if held and e.get("name", "").startswith("ri_switch"):
                return pid_id
        time.sleep(0.1)
    return None


def stats_delta(a, b, pid_id):
    ea, eb = a.get(pid_id), b.get(pid_id)
    if not ea or not eb:
        return None, 0
    ns = eb.get("run_time_ns", 0) - ea.get("run_time_ns", 0)
    cnt = eb.get("run_cnt", 0) - ea.get("run_cnt", 0)
    return (ns / cnt if cnt > 0 else None), cnt


def probe_cost(args, ri, wl):
    """Part 1. Returns {probe: dict or {'skip': reason}}."""
    res = {}
    if os.geteuid() != 0:
        return {p: {"skip": "needs root (BPF, bpf_stats_enabled)"} for p in PROBES}
    if not shutil.which("bpftool"):
        return {p: {"skip": "bpftool not found"} for p in PROBES}
    try:
        obj, loader = build_yardstick()
    except (OSError, subprocess.CalledProcessError) as e:
        return {p: {"skip": f"cannot build the empty program: {e}"} for p in PROBES}

    try:
        with open(STATS_SYSCTL) as f:
            prev_stats = f.read().strip()
        with open(STATS_SYSCTL, "w") as f:
            f.write("1")
    except OSError as e:
        return {p: {"skip": f"cannot enable kernel.bpf_stats_enabled: {e}"} for p in PROBES}
    empty = ping = None
    try:
        empty = spawn([loader, obj], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                      text=True)
        line = empty.stdout.readline().strip()
        if not line.isdigit():
            return {p: {"skip": "the empty program did not load"} for p in PROBES}
        empty_id = int(line)
        ping = spawn([os.path.join(wl, "pingpong"), "--seconds", "3600"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rows = {p: [] for p in PROBES}
        for rnd in range(args.probe_rounds):
            order = PROBES if rnd % 2 == 0 else tuple(reversed(PROBES))
            for probe in order:
                if probe in res:          # skipped in an earlier round
                    continue
                with tempfile.TemporaryFile() as err:
                    tool = spawn([ri, "--source", "bpf", "--probe", probe, "-b", "-d", "1"],
                                 stdout=subprocess.DEVNULL, stderr=err,
                                 stdin=subprocess.DEVNULL)
                    pid_id = find_switch_prog(tool)
                    if pid_id is None:
                        stop(tool)
                        err.seek(0)
                        msg = err.read().decode(errors="replace").strip().splitlines()
                        why = (msg[-1] if msg else "no ri_switch_* program appeared"
                               ).replace("resource_image: ", "")
                        if rows[probe]:   # it worked before: a failed round only
                            log(f"  round {rnd + 1}/{args.probe_rounds} {probe:6s} failed: {why}")
                        else:
                            res[probe] = {"skip": why}
                        continue
                    time.sleep(args.probe_warmup)
                    a = bpftool_progs()
                    time.sleep(args.probe_window)
                    b = bpftool_progs()
                    stop(tool)
                ri_ns, ri_cnt = stats_delta(a, b, pid_id)
                em_ns, em_cnt = stats_delta(a, b, empty_id)
                name = b.get(pid_id, {}).get("name", "?")
                ratio = ri_ns / em_ns if ri_ns and em_ns else None
                rows[probe].append((ri_ns, em_ns, ratio, ri_cnt, em_cnt))
                log(f"  round {rnd + 1}/{args.probe_rounds} {probe:6s} {name} id {pid_id}: "
                    f"{fmt(ri_ns, '.1f')} ns/call ({ri_cnt} calls), empty "
                    f"{fmt(em_ns, '.1f')} ns/call ({em_cnt} calls), ratio {fmt(ratio, '.2f')}x")
        for probe in PROBES:
            if probe in res:
                continue
            r = rows[probe]
            res[probe] = {
                "ri_ns": median([x[0] for x in r]),
                "empty_ns": median([x[1] for x in r]),
                "ratio": median([x[2] for x in r]),
                "ratio_min": min((x[2] for x in r if x[2]), default=None),
                "ratio_max": max((x[2] for x in r if x[2]), default=None),
                "calls": median([x[3] for x in r]),
                "empty_calls": median([x[4] for x in r]),
                "rounds": len(r),
            }
    finally:
        if ping:
            stop(ping)
        if empty:
            empty.stdin.close()
            stop(empty)
        with open(STATS_SYSCTL, "w") as f:
            f.write(prev_stats)
    return res


# ---------------------------------------------------------------- part 2

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _schedstat_ok():
    try:
        with open(f"/proc/{os.getpid()}/task/{os.getpid()}/schedstat") as f:
            return int(f.read().split()[0]) > 0
    except (OSError, ValueError, IndexError):
        return False


USE_SCHEDSTAT = _schedstat_ok()


def cpu_ns(pid):
    """CPU time so far of every live thread of pid, in ns; None once gone."""
    try:
        if not USE_SCHEDSTAT:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // CLK_TCK
        total = 0
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
        return total
    except (OSError, ValueError, IndexError):
        return None


vm_hwm_kib = rilib.vm_hwm_kib


def vm_rss_kib(pid):
    """RSS of the process now (VmRSS), KiB; None once gone."""
    return rilib.status_kib(pid, "VmRSS")


def split_refreshes(samples):
    """CPU (ns) at the start of each idle gap between refreshes."""
    gaps = []
    i, n = 1, len(samples)
    while i < n:
        if samples[i][1] - samples[i - 1][1] <= IDLE_NS:
            j = i
            while j + 1 < n and samples[j + 1][1] - samples[j][1] <= IDLE_NS:
                j += 1
            if samples[j][0] - samples[i - 1][0] >= GAP_S:
                gaps.append(samples[i - 1][1])
            i = j + 1
        else:
            i += 1
    return gaps


def run_measured(argv, bursts, env, timeout):
    """Runs one tool to completion; it is expected to show @bursts bursts
    of CPU (start-up and first sample, then one per refresh). Returns
    (ms per refresh, refreshes measured, peak RSS KiB, total CPU ms,
    start-up CPU ms (up to the first gap), exact, steady RSS KiB)
    or raises RuntimeError. When the idle gaps do not split the run into
    the expected bursts (a refresh that outlasts its interval on a busy
    machine), the figure falls back to the whole run's CPU over every
    burst, start-up included, and exact is False.

    Peak RSS is VmHWM as last seen before the exit, not ru_maxrss: a
    child's ru_maxrss also counts the memory of the process it was forked
    from (this Python) before exec."""
    with tempfile.TemporaryFile() as err:
        p = spawn(argv, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                  env=env)
        samples = []
        end = time.monotonic() + timeout
        status = ru = hwm = rss = None
        while True:
            wpid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if wpid == p.pid:
                p.returncode = os.waitstatus_to_exitcode(status)
                children.remove(p)
                break
            c = cpu_ns(p.pid)
            if c is not None:
                samples.append((time.monotonic(), c))
            h = vm_hwm_kib(p.pid)
            if h is not None:
                hwm = max(h, hwm or 0)
            r = vm_rss_kib(p.pid)
            if r is not None:
                rss = r
            if time.monotonic() > end:
                stop(p, signal.SIGKILL)
                raise RuntimeError("timed out")
            time.sleep(SAMPLE_S)
        if p.returncode != 0:
            err.seek(0)
            msg = err.read().decode(errors="replace").strip().splitlines()
            raise RuntimeError(f"exit {p.returncode}: {msg[-1] if msg else ''}")
    gaps = split_refreshes(samples)
    total_ms = (ru.ru_utime + ru.ru_stime) * 1000
    if len(gaps) != bursts - 1:
        return total_ms / bursts, bursts, hwm, total_ms, None, False, rss
    return ((gaps[-1] - gaps[0]) / 1e6 / (len(gaps) - 1), len(gaps) - 1, hwm, total_ms,
            gaps[0] / 1e6, True, rss)


def tools(ri, n):
    """(name, argv, bursts of CPU expected in a run of n refreshes)."""
    s = str(n)
    # Each samples once at start-up (resource_image when it opens, top
    # before a short pause that gives its first frame a base, pidstat
    # before the first interval), then once per refresh.
    return [
        ("ri -b -H", [ri, "-b", "-H", "-d", "1", "-n", s], n + 1),
        ("ri --json -H", [ri, "--json", "-H", "-d", "1", "-n", s], n + 1),
        ("ri -b", [ri, "-b", "-d", "1", "-n", s], n + 1),
        ("top -H -b", ["top", "-H", "-b", "-d", "1", "-n", s], n + 1),
        ("top -b", ["top", "-b", "-d", "1", "-n", s], n + 1),
        ("pidstat -t", ["pidstat", "-t", "1", s], n + 1),
    ]


LABEL = {
    "ri -b -H": "resource_image -b -H -d 1",
    "ri --json -H": "resource_image --json -H -d 1",
    "ri -b": "resource_image -b -d 1",
    "top -H -b": "top -H -b -d 1",
    "top -b": "top -b -d 1",
    "pidstat -t": "pidstat -t 1",
}


def start_threads(wl, count):
    p = spawn([os.path.join(wl, "threads"), "--count", str(count), "--seconds", "3600",
               "--name", "benchthr"],
              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline().strip()
    if line != "ready":
        stop(p)
        raise RuntimeError(f"threads --count {count} did not get ready")
    return p


def startup_cost(args, ri):
    """Part 3, on the idle machine: {tool: {'hwm', 'steady', 'rounds'}} of
    short runs (start-up and two refreshes), next to top's."""
    home = tempfile.mkdtemp(prefix="ri-bench-home-")
    env = dict(os.environ, HOME=home, LC_ALL="C", LANG="C", TERM="dumb")
    runs = (("ri -b", [ri, "-b", "-d", "1", "-n", "2"]),
            ("top -b", ["top", "-b", "-d", "1", "-n", "2"]))
    rows = {name: [] for name, _ in runs}
    try:
        for rnd in range(args.rounds):
            for name, argv in runs:
                if not (shutil.which(argv[0]) or os.path.exists(argv[0])):
                    continue
                try:
                    _, _, hwm, _, _, _, steady = run_measured(argv, 3, env, 60)
                except RuntimeError as e:
                    log(f"  round {rnd + 1}/{args.rounds} {LABEL[name]:30s} failed: {e}")
                    continue
                rows[name].append((hwm, steady))
                log(f"  round {rnd + 1}/{args.rounds} idle   {LABEL[name]:30s} peak RSS "
                    f"{fmt(hwm and hwm / 1024, '.1f')} MiB, steady "
                    f"{fmt(steady and steady / 1024, '.1f')} MiB")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return {name: {"hwm": median([x[0] for x in r]), "steady": median([x[1] for x in r]),
                   "rounds": len(r)} for name, r in rows.items() if r}


def refresh_cost(args, ri, wl):
    """Part 2 and 3. Returns {threads: {tool: dict}}."""
    home = tempfile.mkdtemp(prefix="ri-bench-home-")   # no user toprc
    env = dict(os.environ, HOME=home, LC_ALL="C", LANG="C", TERM="dumb")
    env.pop("NO_COLOR", None)
    res = {}
    try:
        for count in args.thread_counts:
            wl_p = start_threads(wl, count)
            log(f"  {count} threads alive (pid {wl_p.pid})")
            rows = {}
            try:
                tl = [t for t in tools(ri, args.ticks)
                      if shutil.which(t[1][0]) or os.path.exists(t[1][0])]
                for rnd in range(args.rounds):
                    k = rnd % len(tl)
                    for name, argv, bursts in tl[k:] + tl[:k]:
                        try:
                            ms, nref, rss, tot, start, exact, steady = run_measured(
                                argv, bursts, env, args.ticks * 6 + 30)
                        except RuntimeError as e:
                            log(f"  round {rnd + 1}/{args.rounds} {LABEL[name]:30s} failed: {e}")
                            rows.setdefault(name, [])
                            continue
                        rows.setdefault(name, []).append((ms, rss, nref, tot, exact, start,
                                                          steady))
                        how = (f"{nref} refreshes" if exact else
                               f"whole run over {nref} bursts: refreshes ran together")
                        log(f"  round {rnd + 1}/{args.rounds} {count:>6} thr "
                            f"{LABEL[name]:30s} {fmt(ms, '8.2f')} ms/refresh "
                            f"({how}; start-up {fmt(start, '.0f')} ms, {tot:.0f} ms in all), "
                            f"peak RSS "
                            f"{fmt(rss and rss / 1024, '.1f')} MiB, steady "
                            f"{fmt(steady and steady / 1024, '.1f')} MiB")
            finally:
                stop(wl_p)
            res[count] = {
                name: {
                    "ms": median([x[0] for x in r]),
                    "ms_min": min((x[0] for x in r if x[0] is not None), default=None),
                    "ms_max": max((x[0] for x in r if x[0] is not None), default=None),
                    "rss": median([x[1] for x in r]),
                    "steady": median([x[6] for x in r]),
                    "inexact": sum(1 for x in r if not x[4]),
                    "start": median([x[5] for x in r]),
                    "rounds": len(r),
                } for name, r in rows.items()
            }
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return res


# ---------------------------------------------------------------- report


def fmt(x, spec):
    return format(x, spec) if x is not None else "n/a"


def verdict(ok):
    return "n/a" if ok is None else ("MET" if ok else "NOT MET")


class Bench:
    """What a part of the bench is given, and where it reports.

    A part in a module of its own is one function, run(bench): it checks
    bench.wants(its name), measures (start_threads, spawn, stop, cpu_ns,
    run_measured are here for it, log for its progress lines), then calls
    bench.section(title, lines) for its part of the report and
    bench.target(what, value, ok) for each target (ok: True, False or None
    when it could not be measured)."""

    log = staticmethod(log)
    spawn = staticmethod(spawn)
    stop = staticmethod(stop)
    median = staticmethod(median)
    fmt = staticmethod(fmt)
    cpu_ns = staticmethod(cpu_ns)
    run_measured = staticmethod(run_measured)
    build_yardstick = staticmethod(build_yardstick)
    bpftool_progs = staticmethod(bpftool_progs)

    def __init__(self, args, ri, wl):
        self.args, self.ri, self.wl = args, ri, wl
        self.sections = []
        self.targets = []

    def wants(self, part):
        return self.args.only in (None, part)

    def start_threads(self, count):
        return start_threads(self.wl, count)

    def section(self, title, lines):
        self.sections.append((title, list(lines)))

    def target(self, what, value, ok):
        self.targets.append((what, value, ok))


def report(args, probes, startup, refresh, bench):
    lines = []
    targets = []
    notes = set()
    w = lines.append
    w("")
    w("=" * 78)
    w("resource_image benchmark (medians; min..max over rounds in brackets)")
    w("=" * 78)
    if probes is not None:
        w("")
        w(f"1. Probe cost: in-kernel ns per sched_switch call (bpf_stats), "
          f"{args.probe_rounds} windows of {args.probe_window:g} s under pingpong,")
        w("   next to the empty tp_btf program ri_bench_empty attached at the same time")
        w("")
        w(f"   {'probe':8s} {'ri_switch_*':>12s} {'empty':>10s} {'ratio':>7s} "
          f"{'[range]':>14s} {'calls/window':>13s}   target <= 2x")
        for probe in PROBES:
            r = probes.get(probe, {"skip": "not run"})
            if "skip" in r:
                w(f"   {probe:8s} SKIP: {r['skip']}")
                targets.append((f"probe {probe}: ns/call <= 2x the empty program",
                                "SKIP", None))
                continue
            ok = r["ratio"] <= 2.0 if r["ratio"] is not None else None
            rng = f"[{fmt(r['ratio_min'], '.2f')}..{fmt(r['ratio_max'], '.2f')}]"
            w(f"   {probe:8s} {fmt(r['ri_ns'], '9.1f')} ns {fmt(r['empty_ns'], '7.1f')} ns "
              f"{fmt(r['ratio'], '6.2f')}x {rng:>14s} {fmt(r['calls'], '13.0f')}   "
              f"{verdict(ok)}")
            targets.append((f"probe {probe}: ns/call <= 2x the empty program",
                            f"{fmt(r['ratio'], '.2f')}x", ok))
    if startup is not None:
        w("")
        w(f"3. Start-up on the idle machine: peak RSS (VmHWM) of a run of two refreshes,")
        w(f"   loading the probe included, and its steady RSS (VmRSS before the exit); "
          f"{args.rounds} round(s)")
        w("")
        w(f"   {'command':32s} {'peak RSS':>10s} {'steady RSS':>11s}")
        for name, r in startup.items():
            w(f"   {LABEL[name]:32s} {fmt(r['hwm'] and r['hwm'] / 1024, '6.1f')} MiB "
              f"{fmt(r['steady'] and r['steady'] / 1024, '7.1f')} MiB")
        hwm = startup.get("ri -b", {}).get("hwm")
        targets.append(("idle machine: start-up peak RSS <= 10 MiB",
                        f"{fmt(hwm and hwm / 1024, '.1f')}M",
                        None if hwm is None else hwm <= 10 * 1024))
    if refresh is not None:
        w("")
        w(f"2./3. Per-refresh CPU and peak RSS, {args.ticks} refreshes per run "
          f"(the start-up sample and the last refresh left out), {args.rounds} round(s),")
        w("   output to /dev/null, one tool at a time; ratios are to top on the same load;")
        w("   peak RSS is VmHWM just before the exit, steady RSS VmRSS then; start-up is the")
        w("   CPU time up to the end of the first sample (not in ms CPU/refresh)")
        for count, rows in refresh.items():
            w("")
            w(f"   {count:,} threads alive")
            w(f"   {'command':32s} {'ms CPU/refresh':>14s} {'[range]':>17s} "
              f"{'/ top -H':>9s} {'/ top':>7s} {'peak RSS':>10s} {'steady':>10s} "
              f"{'start-up':>9s}")
            top_h = rows.get("top -H -b", {}).get("ms")
            top_p = rows.get("top -b", {}).get("ms")
            for name, r in rows.items():
                rh = r["ms"] / top_h if r["ms"] is not None and top_h else None
                rp = r["ms"] / top_p if r["ms"] is not None and top_p else None
                rng = f"[{fmt(r['ms_min'], '.2f')}..{fmt(r['ms_max'], '.2f')}]"
                rss = f"{r['rss'] / 1024:.1f} MiB" if r["rss"] is not None else "n/a"
                st = f"{r['steady'] / 1024:.1f} MiB" if r["steady"] is not None else "n/a"
                mark = "*" if r["inexact"] else " "
                w(f"   {LABEL[name]:32s} {fmt(r['ms'], '13.2f')}{mark} {rng:>17s} "
                  f"{fmt(rh, '8.3f')}x {fmt(rp, '6.2f')}x {rss:>10s} {st:>10s} "
                  f"{fmt(r['start'], '6.0f')} ms")
                if r["inexact"]:
                    notes.add("   * some rounds could not be split into refreshes (a refresh "
                              "outlasted its\n     interval): whole-run CPU over every "
                              "burst, start-up included")
            for name in ("ri -b -H", "ri --json -H"):
                if count != max(refresh) or name not in rows:
                    continue
                ms = rows[name]["ms"]
                ratio = ms / top_h if ms is not None and top_h else None
                targets.append((f"{count:,} threads: {LABEL[name]} <= 0.08x top -H -b -d 1",
                                f"{fmt(ratio, '.3f')}x", None if ratio is None else ratio <= 0.08))
            if "ri -b" in rows:
                ms = rows["ri -b"]["ms"]
                ratio = ms / top_p if ms is not None and top_p else None
                targets.append((f"{count:,} threads: resource_image -b -d 1 <= top -b -d 1",
                                f"{fmt(ratio, '.2f')}x", None if ratio is None else ratio <= 1.0))
                if count == max(refresh):
                    st = rows["ri -b"]["steady"]
                    targets.append((f"{count:,} threads: resource_image -b steady RSS <= 8 MiB",
                                    f"{fmt(st and st / 1024, '.1f')}M",
                                    None if st is None else st <= 8 * 1024))
    for n in sorted(notes):
        w(n)
    for title, sec in bench.sections:
        w("")
        w(title)
        for line in sec:
            w(line)
    targets += bench.targets
    w("")
    w("Targets")
    for what, val, ok in targets:
        w(f"   {what:68s} {val:>7s}  {verdict(ok) if val != 'SKIP' else ''}")
    log("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer, shorter rounds (smoke test)")
    ap.add_argument("--only", metavar="PART",
                    help="run one part only: probe, startup, refresh, metrics, tui, record, "
                    "net, states, limits")
    args = ap.parse_args()
    if args.quick:
        args.probe_rounds, args.probe_window, args.probe_warmup = 2, 1.0, 0.3
        args.rounds, args.ticks = 1, 4
    else:
        args.probe_rounds, args.probe_window, args.probe_warmup = 5, 2.0, 0.5
        args.rounds, args.ticks = 3, 6
    args.thread_counts = (1000, 10000)

    ri, wl = rilib.RI_BIN, rilib.RI_WORKLOADS
    if not os.access(ri, os.X_OK):
        die(f"no resource_image binary at {ri} (set RI_BIN)")
    if rilib.sanitized(ri):
        die(f"{ri} is the sanitizer build: its costs are not the tool's; "
            f"set RI_BIN to the plain build (make bench does)")
    for w_ in ("pingpong", "threads"):
        if not os.access(os.path.join(wl, w_), os.X_OK):
            die(f"no {w_} workload in {wl} (set RI_WORKLOADS, or make workloads)")

    def on_term(sig, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)

    t0 = time.monotonic()
    probes = startup = refresh = None
    bench = Bench(args, ri, wl)
    try:
        if bench.wants("probe"):
            log("1. probe cost (bpf_stats) ...")
            probes = probe_cost(args, ri, wl)
        if bench.wants("startup"):
            log("3. start-up on the idle machine ...")
            startup = startup_cost(args, ri)
        if bench.wants("refresh"):
            log("2. per-refresh cost and peak RSS ...")
            if not USE_SCHEDSTAT:
                log("  (no schedstat: CPU from /proc/PID/stat, 1/CLK_TCK resolution)")
            refresh = refresh_cost(args, ri, wl)
        # Parts in modules of their own: one call each.
        tui_cost.run(bench)
        bench_net.run(bench)
        bench_states.run(bench)
        bench_limits.run(bench)
        if bench.wants("record"):
            lines, targets = bench_record.run(args, ri, wl, log)
            # Its lines open with a blank one and its title.
            while lines and not lines[0]:
                lines.pop(0)
            if lines:
                bench.section(lines[0], lines[1:])
            for t in targets:
                bench.target(*t)
    except KeyboardInterrupt:
        stop_all()
        die("interrupted")
    finally:
        stop_all()
    report(args, probes, startup, refresh, bench)
    if args.only in (None, "metrics"):
        bench_metrics.run(args, ri, wl)
    log(f"\n(bench took {time.monotonic() - t0:.0f} s)")


if __name__ == "__main__":
    main()
