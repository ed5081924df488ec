#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_detail_graphs_start_at_zero_labels_fit - every detail graph's scale
starts at 0, and no label of a detail panel runs past the right edge.

The TUI replays tests/record/fixture-v1.rirec (no root, no BPF; UTC,
UTF-8, no colour), whose fxburn has a flat memory series (1.5M) and a
steady CPU% (85%), and whose fxgrow's memory grows (+30 MiB/min, the
label that a narrow screen used to cut: "+171.5 MiB/min ("):

  - 120x72, the graphs two rows tall with the top of their scale under
    their name ("^2M"): the newest column of fxburn's MEM and CPU% graphs
    is as tall as now / top of the 16 eighths (+-1), and the flat MEM
    series does not fill the height;
  - played for a few seconds, then at 80, 100, 120 and 160 columns (and
    80x24): every line of the panels is whole: the title keeps whole
    parts ("last 0:07", "wait 0.8%", ...), the growth label is one of
    its forms ("+30.0 MiB/min", "flat", "(7s)" whole or gone), every "("
    has its ")", the stats read "now X min Y max Z" or "n/a (...)" whole.
"""

import os
import re
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

ENV = ("TERM=tmux-256color", "LANG=C.UTF-8", "TZ=UTC", "NO_COLOR=1")
EIGHTHS = {" ": 0, "▁": 1, "▂": 2, "▃": 3, "▄": 4, "▅": 5, "▆": 6, "▇": 7, "█": 8}
UNIT = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4, "%": 1}
GRAPHS = ("CPU%", "STATES", "MEM", "READ/s", "WRITE/s", "NET-RX/s", "NET-TX/s")
TITLE = re.compile(r"^▶ \d+ \S+ \(\w+\)(  last \d+:\d\d(, \d+ samples)?)?"
                   r"(  wait [\d.]+%(, [\d.]+\w+ per run)?)?(  states:( \w+ \d+)+)?$")
GROWTH = re.compile(r"(gathering|growth: gathering|flat|[+-][\d.]+ \w+/min)"
                    r"( steady| \(\d+s\))?$")
STATS = re.compile(r"now +\S+( min +\S+( max +\S+)?)?$|n/a( \(not counted in this source\))?$")


def value(text):
    """'1.5M' -> bytes, '85.4%' -> 85.4."""
    m = re.match(r"^([\d.]+)([KMGT%]?)$", text)
    return float(m.group(1)) * UNIT[m.group(2)] if m else None


def panel(lines, comm):
    """The lines of comm's panel: its title first, up to the time axis."""
    start = next((i for i, x in enumerate(lines) if re.match(r"^▶ \d+ %s " % comm, x)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if "now" in lines[i] and
                re.search(r"-\d+[smh]\S*\s+.*now\s*$", lines[i])), len(lines))
    return lines[start:end + 1]


def graph_rows(p, name):
    """The rows of graph name in panel p (the label's row and those under it)."""
    i = next((k for k, x in enumerate(p) if x.startswith(name + " ") or x == name), None)
    if i is None:
        return None
    rows = [p[i]]
    for x in p[i + 1:]:
        if any(x.startswith(g + " ") for g in GRAPHS) or re.match(r"^\s+-\d", x):
            break
        rows.append(x)
    return rows


def check_height(c, p, name, gx, which="now"):
    """Column gx of graph name against its figure which (now: the newest
    sample, the last column; min: a growing series' oldest, the first)
    over the top of its scale."""
    rows = graph_rows(p, name)
    if not rows or len(rows) < 2:
        c.true("%s is two rows tall with its scale" % name, False, repr(rows))
        return
    top = re.match(r"^[↑^]([\d.]+[KMGT%]?)\s", rows[1])
    now = re.search(which + r" +(\S+)", rows[0])
    if gx < 0:
        # The oldest column: the first drawn one.
        gx = min((len(r) - len(r[8:].lstrip()) for r in rows if r[8:].strip()), default=8)
    c.true("%s shows the top of its scale under its name" % name, top is not None,
           repr(rows[1][:10]))
    if not top or not now:
        return
    hi, x = value(top.group(1)), value(now.group(1))
    # The newest sample is the graph's last column, just left of its stats.
    units = sum(EIGHTHS.get(r[gx] if gx < len(r) else " ", 0) for r in rows)
    want = x / hi * 8 * len(rows)
    c.true("%s: %s %s drawn %d/%d eighths high on a 0..%s scale (want %.1f)" % (
        name, which, now.group(1), units, 8 * len(rows), top.group(1), want),
        abs(units - want) <= 1.0 and hi >= x, " | ".join(rows))
    return units, 8 * len(rows)


def check_whole(c, screen, cols, what):
    """Every line of every panel is whole (see the docstring)."""
    lines = screen.splitlines()
    bad = []
    for comm in ("fxburn", "fxgrow", "fxwrite"):
        p = panel(lines, comm)
        if not p:
            continue
        if not TITLE.match(p[0].rstrip()):
            bad.append("title %r" % p[0].rstrip())
        for x in p[1:]:
            x = x.rstrip()
            if len(x) > cols:
                bad.append("too wide %r" % x)
            if x.count("(") != x.count(")"):
                bad.append("cut parenthesis %r" % x)
            label = next((g for g in GRAPHS if x.startswith(g + " ")), None)
            if not label:
                continue
            tail = re.split(r"\s{2,}(?=now|n/a)", x, maxsplit=1)
            stats = tail[1] if len(tail) > 1 else ""
            if label == "MEM":
                m = re.match(r"(now +\S+ min +\S+ max +\S+)\s+(.*)$", stats)
                if m and m.group(2) and not GROWTH.match(m.group(2)):
                    bad.append("growth label %r" % m.group(2))
                continue
            if stats and label != "STATES" and not STATS.match(stats.strip()):
                bad.append("stats %r" % stats)
    c.true("%s: every line of the panels is whole at %d columns" % (what, cols), not bad,
           "; ".join(bad[:3]))


def main():
    ri.preflight(need_bpf=False, need_root=False, need_bpftool=False)
    c = ri.TuiChecks()
    tm = ri.Tmux(120, 72, "cd %s && %s" % (ri.REPO, ri.Tmux.tool_command(
        ["-r", "tests/record/fixture-v1.rirec"], env=ENV)))
    c.tmux = tm
    s = tm.settled(r"^▶ 896 fxburn")
    c.true("the replay opens with its chosen processes' panels", s is not None)
    if s:
        p = panel(s.splitlines(), "fxburn")
        mem = graph_rows(p, "MEM")
        # The graphs end one column left of " now".
        gx = mem[0].index(" now") - 1 if mem and " now" in mem[0] else 0
        r = check_height(c, p, "MEM", gx)
        if r:
            c.true("the flat 1.5M memory series does not fill the graph's height",
                   r[0] < r[1], "%d of %d eighths" % r)
        check_height(c, p, "CPU%", gx)
    # A few seconds in: growth figures, "(7s)"-style spans, more samples.
    tm.keys("Space")
    c.true("the replay plays on", tm.wait_for(r"^▶ 902 fxgrow .*last 0:0[5-9]", 20))
    tm.keys("Space")
    for cols, rows in ((80, 24), (80, 40), (100, 40), (120, 40), (160, 50)):
        # Until the tool has drawn the new size: tmux shows the last frame
        # cut to it first, and a slow redraw (a loaded machine) let that
        # frame pass for the tool's. The redrawn frame ends with the
        # function bar and is another than the last size's.
        before = tm.capture()
        tm.run("resize-window", "-t", "ri", "-x", str(cols), "-y", str(rows))
        s = tm.settled(r"^▶ \d+ fx[\s\S]*^F1\S*Help.*\n*\Z", before=before)
        c.true("a panel shows at %dx%d" % (cols, rows), s is not None)
        if s:
            check_whole(c, s, cols, "%dx%d" % (cols, rows))
    # A growing series from 0 too: its oldest sample (its min) at its
    # level, not at the bottom of a window zoomed on its range.
    tm.run("resize-window", "-t", "ri", "-x", "120", "-y", "72")
    s = tm.settled(r"^▶ 902 fxgrow")
    p = panel((s or "").splitlines(), "fxgrow")
    if p:
        mem = graph_rows(p, "MEM")
        gx = mem[0].index(" now") - 1 if mem and " now" in mem[0] else 0
        check_height(c, p, "MEM", gx)
        check_height(c, p, "MEM", -1, "min")
    else:
        c.true("fxgrow's panel shows at 120x72", False)
    tm.keys("q")
    c.true("q leaves, exit 0", tm.wait_for(r"^EXIT=0", 15))
    c.finish()


if __name__ == "__main__":
    main()
