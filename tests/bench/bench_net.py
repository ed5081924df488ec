#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""bench_net - what counting socket bytes costs (part "net" of make bench).

  1. Per call: the net workload's --calls loop (64-byte send and receive
     on a Unix datagram pair, one thread), ns per call without the tool
     and with it running, rounds alternated; and the in-kernel run time
     per call of the two socket programs (kernel.bpf_stats_enabled, on
     only for that run: its clock reads would weigh on the others).
  2. Throughput: the net workload's --stream (loopback TCP, 64 KiB sends,
     a sender and a receiver thread), bytes per second without the tool
     and with it, rounds alternated. Target: at most 2% fewer bytes per
     second with the tool running.

Medians of the rounds. Run by bench.py (--only net), or alone:
  RI_BIN=build/resource_image python3 tests/bench/bench_net.py [--quick]
"""

import json
import os
import signal
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib  # noqa: E402

NET_PROGS = ("ri_net_tx", "ri_net_rx")


def _tool(ri):
    p = subprocess.Popen([ri, "-b", "--json", "-d", "1"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    # Attached once a program of ours shows.
    end = time.monotonic() + 15
    while time.monotonic() < end and not _prog_stats():
        time.sleep(0.05)
    return p


def _prog_stats():
    """{name: (run_time_ns, run_cnt)} of the socket programs loaded now."""
    try:
        out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True,
                             text=True, timeout=10).stdout
        progs = json.loads(out or "[]")
    except (OSError, ValueError, subprocess.SubprocessError):
        return {}
    return {p["name"]: (p.get("run_time_ns", 0), p.get("run_cnt", 0))
            for p in progs if p.get("name") in NET_PROGS}


def _stop(p):
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def _measure(wl, args, key):
    out = subprocess.run([os.path.join(wl, "net")] + args, capture_output=True, text=True,
                         timeout=120).stdout
    for line in out.splitlines():
        k, _, v = line.partition(" ")
        if k == key:
            return float(v)
    raise RuntimeError("net %s printed no %s" % (" ".join(args), key))


def measure(ri, wl, quick=False, log=print):
    rounds = 3 if quick else 5
    ncalls = 100000 if quick else 400000
    secs = 1.0 if quick else 3.0
    res = {"calls_off": [], "calls_on": [], "bps_off": [], "bps_on": [], "prog_ns": {}}
    stats_path = "/proc/sys/kernel/bpf_stats_enabled"
    try:
        with open(stats_path) as f:
            stats_was = f.read().strip()
    except OSError:
        stats_was = None
    def stats(on):
        if stats_was is not None:
            with open(stats_path, "w") as f:
                f.write("1" if on else "0")

    try:
        # Wall times with the statistics off: they read two clocks a run.
        stats(False)
        for r in range(rounds):
            log("  net round %d/%d ..." % (r + 1, rounds))
            res["calls_off"].append(_measure(wl, ["--calls", str(ncalls)], "ns_per_call"))
            res["bps_off"].append(_measure(wl, ["--stream", str(secs)], "bytes_per_s"))
            tool = _tool(ri)
            try:
                res["calls_on"].append(_measure(wl, ["--calls", str(ncalls)], "ns_per_call"))
                res["bps_on"].append(_measure(wl, ["--stream", str(secs)], "bytes_per_s"))
                stats(True)
                a = _prog_stats()
                _measure(wl, ["--calls", str(ncalls)], "ns_per_call")
                b = _prog_stats()
                stats(False)
                for n in NET_PROGS:
                    if n in a and n in b and b[n][1] > a[n][1]:
                        res["prog_ns"].setdefault(n, []).append(
                            (b[n][0] - a[n][0]) / (b[n][1] - a[n][1]))
            finally:
                _stop(tool)
    finally:
        if stats_was is not None:
            with open(stats_path, "w") as f:
                f.write(stats_was)
    return res


def report(res):
    """(lines, targets) of the part."""
    med = statistics.median
    off, on = med(res["calls_off"]), med(res["calls_on"])
    boff, bon = med(res["bps_off"]), med(res["bps_on"])
    lines = [
        "per send or receive call (64 B, Unix datagram pair; median of %d rounds):"
        % len(res["calls_off"]),
        "  %-28s %10s %10s %10s" % ("", "without", "with tool", "added"),
        "  %-28s %8.1f ns %8.1f ns %+8.1f ns" % ("wall time per call", off, on, on - off),
    ]
    for n in NET_PROGS:
        v = res["prog_ns"].get(n)
        lines.append("  %-28s %10s %8.1f ns" % ("%s run time per call (stats)" % n, "-",
                                                med(v)) if v else
                     "  %-28s %10s %10s" % ("%s run time per call (stats)" % n, "-", "n/a"))
    ratio = bon / boff if boff else 0
    lines += [
        "loopback TCP throughput (64 KiB sends; median of %d rounds):" % len(res["bps_off"]),
        "  without the tool %8.1f MiB/s, with it %8.1f MiB/s: %+.2f%%"
        % (boff / 2**20, bon / 2**20, (ratio - 1) * 100),
        "  rounds without %.0f..%.0f MiB/s, with %.0f..%.0f MiB/s (a spread wider than"
        % (min(res["bps_off"]) / 2**20, max(res["bps_off"]) / 2**20,
           min(res["bps_on"]) / 2**20, max(res["bps_on"]) / 2**20),
        "  the difference says the machine's noise decides the verdict)",
    ]
    targets = [("loopback TCP bytes/s with the tool >= 98%% of without (%.2f%%)"
                % (ratio * 100), "%.3f" % ratio, ratio >= 0.98)]
    return lines, targets


def run(bench):
    """bench.py's hook."""
    if not bench.wants("net"):
        return
    bench.log("7. socket byte counting ...")
    res = measure(bench.ri, bench.wl, quick=bench.args.quick, log=bench.log)
    lines, targets = report(res)
    bench.section("7. Socket byte counting (NET-RX/s, NET-TX/s)", lines)
    for t in targets:
        bench.target(*t)


def main():
    quick = "--quick" in sys.argv[1:]
    ri, wl = rilib.RI_BIN, rilib.RI_WORKLOADS
    if rilib.sanitized(ri):
        sys.exit("%s is the sanitizer build: set RI_BIN to the plain build" % ri)
    lines, targets = report(measure(ri, wl, quick=quick))
    print("\n".join(lines))
    for what, value, ok in targets:
        print("%-70s %s" % (what, "MET" if ok else "NOT MET"))


if __name__ == "__main__":
    main()
