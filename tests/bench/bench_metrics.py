# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""make bench, part 4: what the metrics endpoint (--listen) costs.

With 10,000 threads alive (`threads`), side by side in each round:
  - the CPU time of one tick of `resource_image -q -d 0.5` without
    --listen, and with it (the exporter's accumulation and rendering of
    the exposition run in the tick, after the model);
  - the CPU time of one scrape: SCRAPES requests for the OpenMetrics
    exposition on one keep-alive connection, and the CPU the server's
    threads (every thread but the monitor's) used meanwhile, over SCRAPES;
  - the series and bytes of the exposition.

Per-tick CPU is the monitor thread's own (its schedstat, sampled every
5 ms): ticks are bursts of CPU between idle gaps; the CPU from the first
gap to the last over the bursts in between is the cost of one tick; the
two runs of a round are back to back, and their difference is printed
too. But the exporter's share of a tick is below the machine's noise
between two runs (about half a millisecond), so it is read from the tool
itself as well: resource_image_exposition_cpu_seconds, the thread CPU
time of the exporter's work in the tick (counters and rendering), scraped
once a tick for ten ticks. Medians over rounds. Targets: the exporter adds
at most 10% to a tick; a scrape costs less CPU than the tick's exporter
(what is served is the buffer of the tick, never a new rendering).

bench.py calls run(); it needs root (BPF) and the plain build.
"""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib  # noqa: E402

THREADS = 10000
DELAY = 0.5
SCRAPES = 300
SAMPLE_S = 0.005
GAP_S = 0.1


def log(msg=""):
    print(msg, flush=True)


def thread_ns(pid, tid):
    try:
        with open("/proc/%d/task/%d/schedstat" % (pid, tid)) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def others_ns(pid):
    """CPU of every thread of pid but its first (the monitor's)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        if int(tid) != pid:
            total += thread_ns(pid, int(tid)) or 0
    return total


def per_tick_ms(pid, seconds):
    """CPU ms of one tick of the monitor thread, from bursts between gaps."""
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        c = thread_ns(pid, pid)
        if c is None:
            return None
        samples.append((time.monotonic(), c))
        time.sleep(SAMPLE_S)
    # CPU values at the start of each idle stretch of GAP_S or more.
    marks, i = [], 0
    while i < len(samples):
        j = i
        while j + 1 < len(samples) and samples[j + 1][1] == samples[i][1]:
            j += 1
        if samples[j][0] - samples[i][0] >= GAP_S:
            marks.append(samples[i][1])
        i = j + 1
    if len(marks) < 3:
        return None
    return (marks[-1] - marks[0]) / 1e6 / (len(marks) - 1)


def measure(ri, listen, seconds):
    """(ms/tick, ms/scrape, exporter ms/tick, series, bytes) of one run
    (the last four None without --listen)."""
    port = rilib.free_port()
    args = ["-q", "-d", str(DELAY)] + (["--listen", str(port)] if listen else [])
    tool = rilib.Tool(args, json_mode=False, binary=ri)
    try:
        if listen and not rilib.wait_http(port, timeout=30, proc=tool):
            raise RuntimeError("no endpoint: " + tool.stderr_tail())
        time.sleep(2 * DELAY + 1)   # past start-up and the first ticks
        tick = per_tick_ms(tool.pid, seconds)
        if tick is None:
            raise RuntimeError("ticks not told apart: " + (tool.stderr_tail() or "busy?"))
        scrape = series = size = own = None
        if listen:
            # The exporter's own figure of itself, tick after tick.
            mine = []
            for _ in range(10):
                st, _, body = rilib.http_get(port)
                v = rilib.parse_exposition(body.decode()).get(
                    "resource_image_exposition_cpu_seconds")
                if st == 200 and v is not None:
                    mine.append(v * 1e3)
                time.sleep(DELAY)
            own = rilib.median(mine)
            import http.client
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c0 = others_ns(tool.pid)
            for _ in range(SCRAPES):
                c.request("GET", "/metrics", headers={"Accept": rilib.PROM_ACCEPT})
                body = c.getresponse().read()
            scrape = (others_ns(tool.pid) - c0) / 1e6 / SCRAPES
            c.close()
            size = len(body)
            series = rilib.parse_exposition(body.decode()).get("resource_image_series")
        return tick, scrape, own, series, size
    finally:
        tool.signal(signal.SIGTERM)
        tool.wait(20)


def run(args, ri, wl):
    """Runs part 4 and prints its table; returns its targets as
    [(what, value text, ok or None)]."""
    rounds = 1 if getattr(args, "quick", False) else 3
    seconds = 4 if getattr(args, "quick", False) else 10
    log("4. the metrics endpoint: per-tick and per-scrape cost ...")
    work = rilib.Workload("threads", ["--count", str(THREADS), "--seconds", "3600",
                                      "--name", "benchmx"], truth=False, timeout=120)
    rows = {"plain": [], "listen": [], "diff": [], "own": [], "scrape": [], "series": [],
            "bytes": []}
    try:
        for r in range(rounds):
            got = {}
            for listen in ((False, True) if r % 2 == 0 else (True, False)):
                try:
                    tick, scrape, own, series, size = measure(ri, listen, seconds)
                except RuntimeError as e:
                    log("  round %d %s failed: %s" % (r + 1, "--listen" if listen else "plain", e))
                    continue
                rows["listen" if listen else "plain"].append(tick)
                got[listen] = tick
                if listen:
                    rows["own"].append(own)
                    rows["scrape"].append(scrape)
                    rows["series"].append(series)
                    rows["bytes"].append(size)
                log("  round %d/%d %-26s %s ms/tick%s" % (
                    r + 1, rounds, "-q -d %g%s" % (DELAY, " --listen" if listen else ""),
                    "%.2f" % tick if tick is not None else "n/a",
                    "; exporter %s ms/tick by its own clock; %.3f ms/scrape; %.0f series, "
                    "%d bytes" % (_f(own, 3), scrape, series or 0, size)
                    if listen else ""))
            if len(got) == 2:
                # Paired within the round: the machine's drift cancels.
                rows["diff"].append(got[True] - got[False])
    finally:
        work.kill()
    med = {k: rilib.median(v) for k, v in rows.items()}
    plain, listen, scrape, own = med["plain"], med["listen"], med["scrape"], med["own"]
    lines = ["", "4. The metrics endpoint, %d threads alive, %d round(s) (medians)" % (
        THREADS, rounds), ""]
    row = "   %-58s %10s"
    lines.append(row % ("", "ms CPU"))
    lines.append(row % ("one tick, -q -d 0.5 (no --listen)", _f(plain)))
    lines.append(row % ("one tick, -q -d 0.5 --listen", _f(listen)))
    lines.append(row % ("  difference within a round (machine noise: about 0.5)", _f(med["diff"])))
    lines.append(row % ("  the exporter in a tick (its own thread CPU clock)", _f(own, 3)))
    lines.append(row % ("one scrape (OpenMetrics, the server threads)", _f(scrape, 3)))
    lines.append("   exposition: %s series, %s bytes" % (_f(med["series"], 0), _f(med["bytes"], 0)))
    ratio = own / plain if None not in (own, plain) and plain else None
    targets = [
        ("the exporter adds <= 10%% to a tick at %d threads" % THREADS,
         "%+.1f%%" % (100 * ratio) if ratio is not None else "n/a",
         None if ratio is None else ratio <= 0.10),
        ("a scrape costs less CPU than a tick's exporter",
         "%s/%s ms" % (_f(scrape, 3), _f(own, 3)),
         None if None in (scrape, own) else scrape < own),
    ]
    lines.append("")
    for what, val, ok in targets:
        lines.append("   %-58s %14s  %s" % (what, val,
                                            "n/a" if ok is None else "MET" if ok else "NOT MET"))
    log("\n".join(lines))
    return targets


def _f(x, dec=2):
    return "n/a" if x is None else "%.*f" % (dec, x)
