# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""bench_record - what recording costs, next to atop -w (part of make bench).

  Size   bytes per recorded tick of `resource_image -b -q -d 1 -w FILE`
         (every thread) and of `atop -w FILE 1 N` (every process it sees),
         side by side over the same 60 s of the same load: the machine as
         it is, plus a burner with two threads, a writer, a process of 180
         idle threads (about 300 tasks in all) and a short-lived process
         every 200 ms. Target: at most 1/4 of atop's. Also the projected
         size of a day at 1 s with 300 tasks.
  Cost   CPU per tick of `resource_image -b -d 1` with and without -w
         (and -H with and without -w), the four running side by side on
         the same load: every thread's CPU time (the syncer's too) over 30
         ticks after start-up, from schedstat; medians of five rounds.
         Target: recording adds at most 20%. The same again with a
         process of 10,000 idle threads alive (the recorder keeps every
         thread, -b sums them in the kernel): at most 20% there too.
  Seek   over a generated day at 1 s (86,400 ticks, 300 tasks:
         build/bench/day.rirec, made by build/tests/gen_recording when
         missing), the wall time of `resource_image -r FILE --from T -b
         -n 1` for times all through it, from the page cache. Target: at
         most 100 ms for any T.

run(args, ri, wl) returns the lines of its section and its targets as
(what, value, ok); bench.py prints both.
"""

import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, "build")
GEN = os.path.join(BUILD, "tests", "gen_recording")
DAY = os.path.join(BUILD, "bench", "day.rirec")
DAY_TICKS = 86400


class Load:
    """The load of the size and cost parts, stopped on exit."""

    def __init__(self, wl, tmp):
        self.procs = []
        self.procs.append(self._spawn([os.path.join(wl, "burn"), "--name", "rbburn",
                                       "--seconds", "3600", "--thread", "a:30",
                                       "--thread", "b:10"]))
        self.procs.append(self._spawn([os.path.join(wl, "writer"), "--name", "rbwrite",
                                       "--rate", "65536", "--seconds", "3600",
                                       "--dir", tmp]))
        self.procs.append(self._spawn([os.path.join(wl, "threads"), "--count", "180",
                                       "--seconds", "3600", "--name", "rbthr"]))
        # A short-lived process every 200 ms: what a machine always has.
        self.procs.append(self._spawn(["sh", "-c", "while :; do sh -c : ; sleep 0.2; done"]))
        time.sleep(2)

    @staticmethod
    def _spawn(argv):
        return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


class Many(Load):
    """A process of 10,000 idle threads, for the cost at that size."""

    def __init__(self, wl):
        self.procs = [self._spawn([os.path.join(wl, "threads"), "--count", "10000",
                                   "--seconds", "3600", "--name", "rbmany"])]
        time.sleep(3)


def tasks_alive():
    n = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                n += len(os.listdir("/proc/%s/task" % d))
            except OSError:
                pass
    return n


def size_part(args, ri, tmp, log):
    """(ours bytes/tick, atop bytes/sample, tasks alive, ticks)."""
    n = 60 if not args.quick else 10
    ours = os.path.join(tmp, "size.rirec")
    theirs = os.path.join(tmp, "size.atop")
    alive = tasks_alive()
    # Started together: the same seconds of the same load. Each writes n
    # samples (ours: the first drain and n - 1 ticks).
    a = subprocess.Popen(["atop", "-w", theirs, "1", str(n)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    r = subprocess.Popen([ri, "-b", "-q", "-d", "1", "-n", str(n - 1), "-w", ours],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    _, err = r.communicate(timeout=n + 60)
    a.wait(timeout=n + 60)
    alive = (alive + tasks_alive()) / 2
    if r.returncode != 0:
        raise RuntimeError("resource_image -w failed: %s" % err.decode().strip())
    mine = os.path.getsize(ours) / n
    atop = os.path.getsize(theirs) / n
    log("  %d samples, ~%.0f tasks alive: resource_image %.0f B/tick, atop %.0f B/sample"
        % (n, alive, mine, atop))
    return mine, atop, alive, n


def threads_cpu_ns(pid):
    """CPU time so far of every thread of pid (schedstat), ns."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def per_tick_ms(argvs, env, ticks):
    """CPU per tick of runs at -d 1, all their threads' (the syncer's too),
    from after start-up. The runs go side by side: started a quarter of
    a second apart, so their ticks do not meet, and sampled together,
    ticks apart, so each is measured over the same seconds of the same
    load (run one after the other, a busy second of the load lands on
    one of them only, which made the rounds disagree by 2x)."""
    procs = []
    try:
        for argv in argvs:
            procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE,
                                          stdin=subprocess.DEVNULL, env=env))
            time.sleep(0.25)
        time.sleep(3.5)  # start-up, the first drain, two ticks
        for p, argv in zip(procs, argvs):
            if p.poll() is not None:
                raise RuntimeError("%s: exit %d: %s" % (" ".join(argv[1:]), p.returncode,
                                                        p.stderr.read().decode().strip()))
        a = [threads_cpu_ns(p.pid) for p in procs]
        time.sleep(ticks)
        b = [threads_cpu_ns(p.pid) for p in procs]
    finally:
        for p in procs:
            p.kill()
            p.wait()
            p.stderr.close()
    return [(y - x) / 1e6 / ticks for x, y in zip(a, b)]


def cost_part(args, ri, tmp, log):
    """Medians over rounds, at -d 1 (the recorder's own pace; its syncs to
    disk are every 5 s), of ms/tick: -b, -b -w, and -b -H, -b -H -w, the
    four side by side in each round (per_tick_ms), in an order that
    changes from round to round.

    -b alone sums each process's threads in the kernel (one record per
    process, where the kernel can); a recording keeps every thread, so -w
    walks them all as -H does: -H next to -H -w is the recorder's own
    share, -b next to -b -w what recording costs a batch run in all."""
    ticks = 30 if not args.quick else 5
    rounds = 5 if not args.quick else 1
    env = dict(os.environ, LC_ALL="C", TERM="dumb")
    runs = {k: [] for k in ("b", "bw", "h", "hw")}
    base = [ri, "-b", "-d", "1", "-n", "100000"]
    order = [("b", []), ("bw", ["-w", os.path.join(tmp, "cost-b.rirec")]),
             ("h", ["-H"]), ("hw", ["-H", "-w", os.path.join(tmp, "cost-h.rirec")])]
    for rnd in range(rounds):
        now = order[rnd % 4:] + order[:rnd % 4]
        ms = per_tick_ms([base + extra for _, extra in now], env, ticks)
        for (key, _), v in zip(now, ms):
            runs[key].append(v)
        log("  round %d/%d: -b %.2f, -b -w %.2f, -b -H %.2f, -b -H -w %.2f ms/tick"
            % (rnd + 1, rounds, runs["b"][-1], runs["bw"][-1], runs["h"][-1],
               runs["hw"][-1]))
    return tuple(statistics.median(runs[k]) for k in ("b", "bw", "h", "hw"))


def day_file(log):
    """The generated day: made once, kept under build/bench."""
    gen_t = os.path.getmtime(GEN) if os.path.exists(GEN) else None
    if gen_t is None:
        raise RuntimeError("no %s (make bench builds it)" % GEN)
    if os.path.exists(DAY) and os.path.getmtime(DAY) >= gen_t:
        return DAY
    os.makedirs(os.path.dirname(DAY), exist_ok=True)
    tmp = DAY + ".tmp"
    r = subprocess.run([GEN, "--out", tmp, "--ticks", str(DAY_TICKS), "--procs", "60",
                        "--threads", "5"], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("gen_recording: %s" % r.stderr.strip())
    os.rename(tmp, DAY)
    log("  generated %s" % r.stdout.strip().replace(tmp, DAY))
    return DAY


def seek_part(args, ri, log):
    """[(T offset s, wall ms)] over the generated day."""
    path = day_file(log)
    offsets = [0, 1, 3599, 3 * 3600 + 17, 6 * 3600, 9 * 3600 + 33 * 60 + 7, 12 * 3600,
               14 * 3600 + 59, 18 * 3600, 21 * 3600 + 1234, 23 * 3600 + 59 * 60,
               DAY_TICKS - 2]
    if args.quick:
        offsets = offsets[::3]
    out = []
    for off in offsets:
        walls = []
        for _ in range(3):
            t0 = time.monotonic()
            r = subprocess.run([ri, "-r", path, "--from", "+%ds" % off, "-b", "-n", "1"],
                               capture_output=True, text=True, timeout=60,
                               stdin=subprocess.DEVNULL)
            walls.append((time.monotonic() - t0) * 1000)
            if r.returncode != 0 or not r.stdout.startswith("resource_image "):
                raise RuntimeError("--from +%ds: exit %d: %s" % (off, r.returncode,
                                                                r.stderr.strip()[:200]))
        out.append((off, statistics.median(walls)))
    return out


def run(args, ri, wl, log=print):
    """The section's lines and targets [(what, value, ok)]."""
    lines, targets = [], []
    w = lines.append
    tmp = tempfile.mkdtemp(prefix="ri-bench-rec-", dir="/var/tmp")
    load = None
    try:
        log("3. recording: size next to atop -w, cost, seek ...")
        if not shutil.which("atop"):
            raise RuntimeError("atop is not installed")
        load = Load(wl, tmp)
        mine, atop, alive, n = size_part(args, ri, tmp, log)
        plain, rec, plain_h, rec_h = cost_part(args, ri, tmp, log)
        load.stop()
        load = None
        load = Many(wl)
        log("  10,000 threads alive:")
        plain_k, rec_k, plain_hk, rec_hk = cost_part(args, ri, tmp, log)
        load.stop()
        load = None
        seeks = seek_part(args, ri, log)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        w("")
        w("4. Recording: SKIP: %s" % e)
        return lines, [("recording: size, cost, seek", "SKIP", None)]
    finally:
        if load:
            load.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    ratio = mine / atop if atop else None
    day = mine * 86400 * (300.0 / alive if alive else 1)
    extra = (rec - plain) / plain if plain else None
    extra_h = (rec_h - plain_h) / plain_h if plain_h else None
    extra_k = (rec_k - plain_k) / plain_k if plain_k else None
    extra_hk = (rec_hk - plain_hk) / plain_hk if plain_hk else None
    worst = max(ms for _, ms in seeks)
    w("")
    w("4. Recording (-w) and replay (-r)")
    w("")
    w("   size, %d samples at 1 s, the same load (~%.0f tasks alive):" % (n, alive))
    w("     resource_image -b -q -d 1 -w   %7.0f bytes/tick (every thread)" % mine)
    w("     atop -w FILE 1 %-3d            %7.0f bytes/sample (every process it sees)"
      % (n, atop))
    w("     ratio %.3f; a day at 1 s with 300 tasks: %.0f MiB (projected from %.0f tasks)"
      % (ratio, day / 1048576, alive))
    w("   cost, CPU per tick of -b -d 1 on the same load (medians; the four side by side):")
    w("     without -w %.2f ms, with -w %.2f ms: %+.1f%%" % (plain, rec, 100 * extra))
    w("     the recorder's own share, every thread walked both ways:")
    w("     -b -H %.2f ms, -b -H -w %.2f ms: %+.1f%%" % (plain_h, rec_h, 100 * extra_h))
    w("     (-b alone sums threads in the kernel; a recording keeps every thread)")
    w("   cost with 10,000 idle threads alive (the four side by side again):")
    w("     without -w %.2f ms, with -w %.2f ms: %+.1f%%" % (plain_k, rec_k, 100 * extra_k))
    w("     -b -H %.2f ms, -b -H -w %.2f ms: %+.1f%%" % (plain_hk, rec_hk, 100 * extra_hk))
    w("   seek, %s (%d ticks), wall time of -r FILE --from T -b -n 1:" % (
        os.path.relpath(DAY, ROOT), DAY_TICKS))
    w("     " + "  ".join("%s %.0f" % (hm(off), ms) for off, ms in seeks[::3]) + "  (ms)")
    w("     max %.1f ms, median %.1f ms over %d seeks"
      % (worst, statistics.median(ms for _, ms in seeks), len(seeks)))
    targets.append(("recording size <= 1/4 of atop -w's per tick", "%.3f" % ratio,
                    ratio <= 0.25))
    targets.append(("recording adds <= 20% to -b CPU per tick", "%+.1f%%" % (100 * extra),
                    extra <= 0.20))
    targets.append(("10,000 threads: recording adds <= 20% to -b CPU per tick",
                    "%+.1f%%" % (100 * extra_k), extra_k <= 0.20))
    targets.append(("seek in a 24 h recording: --from T -b -n 1 <= 100 ms",
                    "%.0f ms" % worst, worst <= 100))
    return lines, targets


def hm(off):
    return "%02d:%02d:%02d" % (off // 3600, off // 60 % 60, off % 60)
