#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""bench_states - what timing where threads' time goes costs (part "states"
of make bench).

Under pingpong (two threads waking each other through a pipe: every
switch is a sleep and a wake-up, the states' worst case), with the empty
tp_btf/sched_switch program (tests/bench/empty.bpf.c) attached all along,
for the tool with the state times (the default) and with --no-states,
rounds alternated: the in-kernel run time (kernel.bpf_stats_enabled) of
ri_switch_btf per switch, and of a wake-up program (ri_wakeup) where the
tool has one, added per switch: (switch program's time + wake-up
program's time) / switches. The switch program opens and closes the
spans itself, so today there is none, and the column says so. Printed
side by side with the empty program's, as ratios. Target: the probe with
the states at most 2.0x the empty program, per switch. A round with the
states counts only if the tool's "states" map is a task storage (the
state times loaded, not left out for the kernel's sake).

Medians of the rounds. Run by bench.py (--only states).
"""

import os
import subprocess
import tempfile
import time

import rilib

STATS_SYSCTL = "/proc/sys/kernel/bpf_stats_enabled"
MODES = (("states", []), ("no-states", ["--no-states"]))


def _ours(bench, tool, timeout=15.0):
    """{name: prog id} of tool's ri_switch_btf and ri_wakeup, once its switch
    program shows; {} when it does not. The programs are told apart from
    other instances' by the fds of the process started here (the
    kernel-side loader leaves bpftool no "pids" to show)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and tool.poll() is None:
        held_ids = rilib.held_prog_ids(tool.pid)
        progs = bench.bpftool_progs()
        mine = {}
        for pid_id, e in progs.items():
            held = pid_id in held_ids or any(x.get("pid") == tool.pid
                                             for x in e.get("pids", []))
            if held and e.get("name") in ("ri_switch_btf", "ri_wakeup"):
                mine[e["name"]] = pid_id
        if "ri_switch_btf" in mine:
            return mine
        time.sleep(0.1)
    return {}


def _states_loaded(tool):
    """Whether the tool runs with the state times: its "states" map is a
    task storage (a stand-in hash map where they were left out)."""
    held = rilib.fd_objects(tool.pid)["map"]
    return any(m.get("id") in held and m.get("name") == "states" and
               m.get("type") == "task_storage" for m in rilib.bpftool("map", "show"))


def _delta(a, b, pid_id):
    ea, eb = a.get(pid_id), b.get(pid_id)
    if not ea or not eb:
        return 0, 0
    return (eb.get("run_time_ns", 0) - ea.get("run_time_ns", 0),
            eb.get("run_cnt", 0) - ea.get("run_cnt", 0))


def measure(bench):
    args, log = bench.args, bench.log
    if os.geteuid() != 0:
        return {"skip": "needs root (BPF, bpf_stats_enabled)"}
    try:
        obj, loader = bench.build_yardstick()
    except (OSError, subprocess.CalledProcessError) as e:
        return {"skip": "cannot build the empty program: %s" % e}
    try:
        with open(STATS_SYSCTL) as f:
            prev = f.read().strip()
        with open(STATS_SYSCTL, "w") as f:
            f.write("1")
    except OSError as e:
        return {"skip": "cannot enable kernel.bpf_stats_enabled: %s" % e}
    rows = {m: [] for m, _ in MODES}
    empty = ping = None
    try:
        empty = bench.spawn([loader, obj], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
        line = empty.stdout.readline().strip()
        if not line.isdigit():
            return {"skip": "the empty program did not load"}
        empty_id = int(line)
        ping = bench.spawn([os.path.join(bench.wl, "pingpong"), "--seconds", "3600"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for rnd in range(args.probe_rounds):
            order = MODES if rnd % 2 == 0 else tuple(reversed(MODES))
            for mode, extra in order:
                with tempfile.TemporaryFile() as err:
                    tool = bench.spawn([bench.ri, "--source", "bpf", "--probe", "tp_btf",
                                        "-b", "-d", "1"] + extra,
                                       stdout=subprocess.DEVNULL, stderr=err,
                                       stdin=subprocess.DEVNULL)
                    ids = _ours(bench, tool)
                    if not ids:
                        bench.stop(tool)
                        log("  round %d %s: no ri_switch_btf appeared" % (rnd + 1, mode))
                        continue
                    if mode == "states" and not _states_loaded(tool):
                        bench.stop(tool)
                        log("  round %d %s: the state times did not load" % (rnd + 1, mode))
                        continue
                    time.sleep(args.probe_warmup)
                    a = bench.bpftool_progs()
                    time.sleep(args.probe_window)
                    b = bench.bpftool_progs()
                    bench.stop(tool)
                sw_ns, sw_cnt = _delta(a, b, ids["ri_switch_btf"])
                wk_ns, wk_cnt = (_delta(a, b, ids["ri_wakeup"]) if "ri_wakeup" in ids
                                 else (0, 0))
                em_ns, em_cnt = _delta(a, b, empty_id)
                if not sw_cnt or not em_cnt:
                    continue
                per = (sw_ns + wk_ns) / sw_cnt
                em = em_ns / em_cnt
                rows[mode].append((per, sw_ns / sw_cnt, wk_ns / wk_cnt if wk_cnt else 0.0,
                                   wk_cnt / sw_cnt, em, per / em if em else None))
                log("  round %d/%d %-9s %.1f ns/switch (switch %.1f, wake-up %.1f ns x %.2f "
                    "a switch), empty %.1f ns: %.2fx" % (
                        rnd + 1, args.probe_rounds, mode, per, sw_ns / sw_cnt,
                        wk_ns / wk_cnt if wk_cnt else 0.0, wk_cnt / sw_cnt, em,
                        per / em if em else 0))
    finally:
        if ping:
            bench.stop(ping)
        if empty:
            empty.stdin.close()
            bench.stop(empty)
        with open(STATS_SYSCTL, "w") as f:
            f.write(prev)
    med = bench.median
    return {m: {"per": med([r[0] for r in v]), "switch": med([r[1] for r in v]),
                "wakeup": med([r[2] for r in v]), "wakeups": med([r[3] for r in v]),
                "empty": med([r[4] for r in v]), "ratio": med([r[5] for r in v]),
                "ratio_min": min((r[5] for r in v if r[5]), default=None),
                "ratio_max": max((r[5] for r in v if r[5]), default=None),
                "rounds": len(v)} if v else {"skip": "no round measured"}
            for m, v in rows.items()}


def report(bench, res):
    fmt = bench.fmt
    lines = ["ns per switch under pingpong (in-kernel run time, bpf_stats), next to the",
             "empty tp_btf program attached at the same time; a wake-up program's time,",
             "where there is one, is added to the switch program's (\"none\": the switch",
             "program opens and closes the spans itself, nothing runs at the wake-up):",
             "  %-10s %10s %10s %10s %9s %10s %7s %14s" % ("probe", "per switch", "switch",
                                                          "wake-up", "wakes/sw", "empty",
                                                          "ratio", "[range]")]
    if "skip" in res:
        return lines + ["  SKIP: %s" % res["skip"]], [
            ("probe with the states: ns/switch <= 2x the empty program", "SKIP", None)]
    for mode, _ in MODES:
        r = res[mode]
        if "skip" in r:
            lines.append("  %-10s SKIP: %s" % (mode, r["skip"]))
            continue
        wk = ("%7s ns" % fmt(r["wakeup"], ".1f")) if r["wakeups"] else "%10s" % "none"
        rng = "[%s..%s]" % (fmt(r["ratio_min"], ".2f"), fmt(r["ratio_max"], ".2f"))
        lines.append("  %-10s %7s ns %7s ns %s %9s %7s ns %6sx %14s" % (
            mode, fmt(r["per"], ".1f"), fmt(r["switch"], ".1f"), wk,
            fmt(r["wakeups"], ".2f"), fmt(r["empty"], ".1f"), fmt(r["ratio"], ".2f"), rng))
    r = res.get("states", {})
    ok = r["ratio"] <= 2.0 if r.get("ratio") is not None else None
    if r.get("ratio") is not None and not r.get("wakeups"):
        lines.append("  wake-up program: none (a span closes as its thread next leaves the CPU)")
    return lines, [("probe with the states: ns/switch <= 2x the empty program",
                    "%sx" % fmt(r.get("ratio"), ".2f") if "skip" not in r else "SKIP", ok)]


def run(bench):
    """bench.py's hook."""
    if not bench.wants("states"):
        return
    bench.log("8. state times (DISK% ... OTHER%) ...")
    lines, targets = report(bench, measure(bench))
    bench.section("8. Where the time goes: the states' cost per switch", lines)
    for t in targets:
        bench.target(*t)
