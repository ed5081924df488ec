# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""make bench, part 5: the interactive tool next to htop on the same load.

Both run in a private tmux server (no config; TERM=tmux-256color, a
200x50 pane, a fresh HOME so htop reads no htoprc), with every thread
shown: `resource_image -H -d 1` and `htop -d 10` (htop counts tenths;
it lists userland threads by default), refreshing once a second, while
`threads` holds 1,000 and then 10,000 threads alive. After a warm-up,
each one's CPU time over a window (sum_exec_runtime of its threads) gives
its CPU per second, and its VmRSS at the end of the window its steady
RSS. Rounds alternate which tool goes first; figures are medians.

Targets at 10,000 threads: CPU per second and steady RSS at most htop's.
"""

import os
import shutil
import subprocess
import tempfile
import time

import rilib  # bench.py puts tests/lib on the path

COLS, ROWS = 200, 50

TOOLS = (
    ("ri", "resource_image -H -d 1"),
    ("htop", "htop -d 10"),
)


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


class _Pane:
    """One tool in its own tmux server; gone (SIGHUP) on close()."""

    _n = 0

    def __init__(self, command, env):
        _Pane._n += 1
        self.sock = "ri-bench-%d-%d" % (os.getpid(), _Pane._n)
        r = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d",
                            "-s", "b", "-x", str(COLS), "-y", str(ROWS),
                            command + "; cat >/dev/null"],
                           capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError("tmux: " + r.stderr.strip())
        self.tmux("set", "-g", "status", "off")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.sock] + list(args), capture_output=True,
                              text=True, stdin=subprocess.DEVNULL)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "b:0.0").stdout

    def tool_pid(self, comm, timeout=20.0):
        """The tool's pid once its first screen, with a PID column, is up."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            out = self.tmux("display", "-p", "-t", "b:0.0", "#{pane_pid}").stdout.strip()
            if out.isdigit():
                shell = int(out)
                pids = [shell] if _comm(shell) == comm else \
                    [k for k in rilib.children_of(shell) if _comm(k) == comm]
                if pids and "PID" in self.screen():
                    return pids[0]
            time.sleep(0.1)
        raise RuntimeError(f"{comm} did not show its screen: {self.screen().strip()[:200]!r}")

    def close(self):
        self.tmux("kill-server")


def _measure(b, name, command, env, warm, window):
    """(ms CPU per second, steady RSS KiB, peak RSS KiB) of one run."""
    comm = "resource_image" if name == "ri" else name
    pane = _Pane(command, env)
    try:
        pid = pane.tool_pid(comm)
        time.sleep(warm)
        c0, t0 = b.cpu_ns(pid), time.monotonic()
        time.sleep(window)
        c1, t1 = b.cpu_ns(pid), time.monotonic()
        rss, hwm = rilib.status_kib(pid, "VmRSS"), rilib.status_kib(pid, "VmHWM")
        if c0 is None or c1 is None or rss is None:
            raise RuntimeError(f"{comm} exited during the window")
        return (c1 - c0) / 1e6 / (t1 - t0), rss, hwm
    finally:
        pane.close()


def run(b):
    """Part 5, called by bench.py with its Bench."""
    if not b.wants("tui"):
        return
    title = "5. The interactive tool next to htop, every thread shown, in tmux " \
            f"({COLS}x{ROWS})"
    missing = [t for t in ("tmux", "htop") if not shutil.which(t)]
    if missing:
        b.section(title, [f"   SKIP: {', '.join(missing)} not installed (make deps)"])
        return
    b.log("5. TUI next to htop ...")
    rounds = 1 if b.args.quick else 3
    warm, window = (2.0, 3.0) if b.args.quick else (3.0, 8.0)
    home = tempfile.mkdtemp(prefix="ri-bench-tui-")
    env = dict(os.environ, HOME=home, TERM="xterm-256color", LANG="C.UTF-8")
    env.pop("NO_COLOR", None)
    res = {}
    try:
        for count in b.args.thread_counts:
            wl = b.start_threads(count)
            rows = {name: [] for name, _ in TOOLS}
            try:
                for rnd in range(rounds):
                    order = TOOLS if rnd % 2 == 0 else tuple(reversed(TOOLS))
                    for name, args in order:
                        exe = b.ri if name == "ri" else shutil.which("htop")
                        command = "env TERM=tmux-256color LANG=C.UTF-8 %s %s" % (
                            exe, args.split(" ", 1)[1])
                        try:
                            ms, rss, hwm = _measure(b, name, command, env, warm, window)
                        except RuntimeError as e:
                            b.log(f"  round {rnd + 1}/{rounds} {count:>6} thr {args:24s} "
                                  f"failed: {e}")
                            continue
                        rows[name].append((ms, rss, hwm))
                        b.log(f"  round {rnd + 1}/{rounds} {count:>6} thr {args:24s} "
                              f"{ms:7.1f} ms CPU/s, steady RSS {rss / 1024:.1f} MiB, "
                              f"peak {hwm / 1024:.1f} MiB")
            finally:
                b.stop(wl)
            res[count] = {
                name: {
                    "ms": b.median([x[0] for x in r]),
                    "ms_min": min((x[0] for x in r), default=None),
                    "ms_max": max((x[0] for x in r), default=None),
                    "rss": b.median([x[1] for x in r]),
                    "hwm": b.median([x[2] for x in r]),
                } for name, r in rows.items()
            }
    finally:
        shutil.rmtree(home, ignore_errors=True)

    lines = [f"   {rounds} round(s), {warm:g} s warm-up then {window:g} s measured; "
             "steady RSS is VmRSS at the end of the window"]
    for count, rows in res.items():
        h = rows.get("htop", {})
        lines.append("")
        lines.append(f"   {count:,} threads alive")
        lines.append(f"   {'command':26s} {'ms CPU/s':>9s} {'[range]':>17s} {'/ htop':>7s} "
                     f"{'steady RSS':>11s} {'/ htop':>7s} {'peak RSS':>9s}")
        for name, args in TOOLS:
            r = rows.get(name, {})
            cpu_r = r["ms"] / h["ms"] if r.get("ms") is not None and h.get("ms") else None
            rss_r = r["rss"] / h["rss"] if r.get("rss") is not None and h.get("rss") else None
            rng = f"[{b.fmt(r.get('ms_min'), '.1f')}..{b.fmt(r.get('ms_max'), '.1f')}]"
            lines.append(
                f"   {args:26s} {b.fmt(r.get('ms'), '9.1f')} {rng:>17s} "
                f"{b.fmt(cpu_r, '6.2f')}x "
                f"{b.fmt(r.get('rss') and r['rss'] / 1024, '7.1f')} MiB {b.fmt(rss_r, '6.2f')}x "
                f"{b.fmt(r.get('hwm') and r['hwm'] / 1024, '5.1f')} MiB")
        if count == max(res):
            r = rows.get("ri", {})
            for key, what in (("ms", "CPU per second"), ("rss", "steady RSS")):
                ratio = r[key] / h[key] if r.get(key) is not None and h.get(key) else None
                b.target(f"{count:,} threads: TUI -H {what} <= htop's",
                         f"{b.fmt(ratio, '.2f')}x", None if ratio is None else ratio <= 1.0)
    b.section(title, lines)
