#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_header_totals - the machine totals in the header are the machine's.

While a burner keeps one CPU 60% busy, a sampler reads /proc/stat and
/proc/meminfo every 20 ms with wall-clock stamps. For every steady tick,
the tool's cpu_pct_total (busy CPU of the whole machine over the tick's
interval, of one CPU) must match the busy time /proc/stat accounted over
the same interval within 3 points, and mem_used must match MemTotal -
MemAvailable at the tick's time within 1% + 4 MiB. With -p on the burner
(so the kernel filter hides every other task) the totals must still be
the machine's, not the chosen process's.
"""

import bisect
import os
import sys
import threading
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

CPU_TOL = 3.0


def read_stat():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    total = sum(v)
    return total - v[3] - v[4], total


def read_mem():
    m = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, rest = line.split(":", 1)
            m[k] = int(rest.split()[0]) * 1024
    return m["MemTotal"] - m["MemAvailable"]


class Sampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.t, self.busy, self.total, self.mem = [], [], [], []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            b, tot = read_stat()
            self.t.append(time.time())
            self.busy.append(b)
            self.total.append(tot)
            self.mem.append(read_mem())
            time.sleep(0.02)

    def at(self, series, when):
        i = min(max(bisect.bisect_left(self.t, when), 1), len(self.t) - 1)
        t0, t1 = self.t[i - 1], self.t[i]
        f = 0.0 if t1 == t0 else min(max((when - t0) / (t1 - t0), 0.0), 1.0)
        return series[i - 1] + (series[i] - series[i - 1]) * f

    def busy_pct(self, start, end, ncpu):
        db = self.at(self.busy, end) - self.at(self.busy, start)
        dt = self.at(self.total, end) - self.at(self.total, start)
        return 100.0 * ncpu * db / dt if dt > 0 else None


def check_run(checks, args, label, sampler):
    tool = ri.Tool.json(["-d", "1", "-n", "6"] + args)
    tool.need_ticks(6, 30)
    tool.wait(10)
    tool.require_clean()
    for tick in ri.steady(tool.ticks):
        end = tick["time"]
        truth = sampler.busy_pct(end - tick["interval_s"], end, tick["ncpu"])
        checks.close("%s cpu_pct_total at %.0f" % (label, end), tick["cpu_pct_total"],
                     truth, CPU_TOL)
        mem = sampler.at(sampler.mem, end)
        checks.close("%s mem_used at %.0f" % (label, end), tick["mem_used"], mem,
                     mem * 0.01 + 4 * 2**20, "MiB")


def main():
    ri.preflight_source()
    checks = ri.Checks()
    burner = ri.Workload("burn", ["--name", ri.comm_name("ritot"), "--seconds", "30",
                                  "--thread", "hot:60"])
    sampler = Sampler()
    sampler.start()
    time.sleep(0.3)
    try:
        check_run(checks, [], "system-wide", sampler)
        check_run(checks, ["-p", str(burner.pid)], "with -p", sampler)
    finally:
        sampler.stop.set()
        burner.kill()
    checks.finish()


if __name__ == "__main__":
    main()
