#!/usr/bin/env python3
"""Soak test (`make soak`, not part of `make test`).

Ten minutes (SOAK_SECONDS) of mixed churn -- thread storms, process storms,
CPU burners, a writer -- with the interactive tool in tmux and the batch
tool side by side. Every 10 s it samples each tool's RSS, CPU time per
tick, the dropped-event count and the entries of the tool's BPF maps, and
prints them as a table. Fails when memory keeps growing after warm-up, when
the CPU per tick grows, or when any event is dropped.
"""
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

BIN = ri.RI_BIN
WL = ri.RI_WORKLOADS
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
SAMPLE = 10
WARMUP = min(60, SECONDS // 4)
TICKS_PER_S = 1.0


def status_bytes(pid, key):
    """A /proc/PID/status size field (kB) in bytes, or None."""
    s = ri.proc_status(pid)
    try:
        return int(s[key].split()[0]) * 1024 if s and key in s else None
    except (ValueError, IndexError):
        return None


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def map_entries(pid):
    """Entries of each BPF map the process holds (its fdinfo), by map name."""
    out = {}
    for mid in sorted(ri.fd_objects(pid)["map"]):
        try:
            m = json.loads(subprocess.run(["bpftool", "map", "show", "id", str(mid), "--json"],
                                          capture_output=True, text=True).stdout)
        except (OSError, ValueError):
            continue
        name = m.get("name", "?")
        if m.get("type") == "ringbuf":
            out[name] = "%dK ring" % (m.get("max_entries", 0) // 1024)
            continue
        if m.get("type") in ("array", "percpu_array") or name.endswith(".bss"):
            continue  # fixed size by construction
        dump = subprocess.run(["bpftool", "map", "dump", "id", str(mid), "--json"],
                              capture_output=True, text=True).stdout
        try:
            out[name] = len(json.loads(dump or "[]"))
        except ValueError:
            out[name] = "?"
    return out


class Churn:
    """Keeps a rotation of workloads running until stopped."""

    def __init__(self):
        self.stop = threading.Event()
        self.procs = []
        self.created_threads = 0
        self.created_procs = 0

    def spawn(self, *args):
        p = subprocess.Popen([os.path.join(WL, args[0])] + list(args[1:]),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def run(self):
        self.spawn("burn", "--name", "soak-burn", "--thread", "a:30", "--thread", "b:20")
        self.spawn("writer", "--rate", str(2 << 20), "--seconds", str(SECONDS + 60),
                   "--dir", "/var/tmp", "--name", "soak-writer")
        while not self.stop.is_set():
            t = self.spawn("storm", "--threads", "3000", "--seconds", "20",
                           "--alive", "200", "--name", "soak-tstorm")
            p = self.spawn("storm", "--procs", "3000", "--seconds", "20",
                           "--alive", "32", "--name", "soak-pstorm")
            for w in (t, p):
                while w.poll() is None and not self.stop.is_set():
                    time.sleep(0.5)
            self.created_threads += 3000
            self.created_procs += 3000

    def kill(self):
        self.stop.set()
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def main():
    ri.preflight(need_workloads=True)
    if not shutil.which("tmux"):
        ri.skip("tmux not installed")
    if ri.asan_without_quarantine():
        ri.say("note: %s is a sanitizer build; ASan's quarantine is off so that "
               "memory figures are the tool's" % BIN)

    churn = Churn()
    ct = threading.Thread(target=churn.run, daemon=True)
    ct.start()

    tm = ri.Tmux(160, 48, "exec env TERM=xterm-256color XDG_CONFIG_HOME=%s %s -d 1" % (
        shlex.quote(ri.private_config()), shlex.quote(BIN)),
                 tag="ri-soak")
    if not tm.wait_for(r"^ *PID", 15):
        churn.kill()
        ri.fail("the interactive tool shows no table: %s" % tm.capture().strip()[:300])
    tui_pid = tm.tool_pid()

    batch = subprocess.Popen([BIN, "-b", "--json", "-H", "-d", "1"], stdout=subprocess.PIPE,
                             text=True, bufsize=1)
    state = {"dropped": 0, "ticks": 0, "ntasks": 0, "bad": None}

    def read_batch():
        for line in batch.stdout:
            try:
                d = json.loads(line)
            except ValueError as e:
                state["bad"] = "invalid JSON line: %s" % e
                continue
            state["dropped"] = d["dropped"]
            state["ticks"] += 1
            state["ntasks"] = d["ntasks"]

    rt = threading.Thread(target=read_batch, daemon=True)
    rt.start()

    rows = []
    start = time.monotonic()
    last = {"tui": cpu_seconds(tui_pid), "batch": cpu_seconds(batch.pid), "t": start}
    try:
        while time.monotonic() - start < SECONDS:
            time.sleep(SAMPLE)
            now = time.monotonic()
            dt = now - last["t"]
            row = {"t": now - start, "tasks": state["ntasks"], "dropped": state["dropped"]}
            for name, pid in (("tui", tui_pid), ("batch", batch.pid)):
                c = cpu_seconds(pid)
                if c is None:
                    raise RuntimeError("%s tool (pid %d) died" % (name, pid))
                row[name + "_rss"] = status_bytes(pid, "VmRSS")
                row[name + "_hwm"] = status_bytes(pid, "VmHWM")
                row[name + "_ms_tick"] = (c - last[name]) * 1000 / (dt * TICKS_PER_S)
                last[name] = c
            last["t"] = now
            row["maps"] = map_entries(batch.pid)
            rows.append(row)
            print("%5.0fs tasks %5d dropped %d | tui rss %6.1f MiB %5.1f ms/tick | "
                  "batch rss %6.1f MiB %5.1f ms/tick | maps %s" % (
                      row["t"], row["tasks"], row["dropped"], row["tui_rss"] / 2**20,
                      row["tui_ms_tick"], row["batch_rss"] / 2**20, row["batch_ms_tick"],
                      row["maps"]), flush=True)
    except RuntimeError as e:
        print("FAIL:", e)
        churn.kill()
        return 1
    finally:
        churn.kill()
        batch.send_signal(signal.SIGINT)
        try:
            batch.wait(timeout=10)
        except subprocess.TimeoutExpired:
            batch.kill()
        tm.keys("q")
        time.sleep(1)
        tm.kill()

    failures = []
    steady = [r for r in rows if r["t"] > WARMUP]
    if len(steady) >= 6:
        third = len(steady) // 3
        for name in ("tui", "batch"):
            early = statistics.median(r[name + "_rss"] for r in steady[:third])
            late = statistics.median(r[name + "_rss"] for r in steady[-third:])
            # Growth beyond noise: 10% and 2 MiB both.
            if late > early * 1.10 and late - early > 2 * 2**20:
                failures.append("%s RSS grew from %.1f to %.1f MiB" % (
                    name, early / 2**20, late / 2**20))
            e_cpu = statistics.median(r[name + "_ms_tick"] for r in steady[:third])
            l_cpu = statistics.median(r[name + "_ms_tick"] for r in steady[-third:])
            if l_cpu > e_cpu * 1.5 + 1.0:
                failures.append("%s CPU per tick grew from %.1f to %.1f ms" % (
                    name, e_cpu, l_cpu))
    else:
        failures.append("too short to judge growth (%d samples after warm-up)" % len(steady))
    if state["dropped"]:
        failures.append("%d events dropped" % state["dropped"])
    if state["bad"]:
        failures.append(state["bad"])
    peak = {n: max(r[n + "_hwm"] for r in rows) for n in ("tui", "batch")}
    print("soak %ds: churn created %d threads and %d processes; %d batch ticks" % (
        SECONDS, churn.created_threads, churn.created_procs, state["ticks"]))
    print("peak RSS: tui %.1f MiB, batch %.1f MiB; dropped %d" % (
        peak["tui"] / 2**20, peak["batch"] / 2**20, state["dropped"]))
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print("PASS: memory and CPU per tick flat, no event dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
