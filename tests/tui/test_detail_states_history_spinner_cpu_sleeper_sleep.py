#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_detail_states_history_spinner_cpu_sleeper_sleep - the detail panel's
STATES graph shows where a known workload's time went, live and replayed.

Two processes of the states workload, each one thread (--alone): a
spinner, always on a CPU or waiting for one, and a nanosleep loop. A live
TUI (BPF source, no colour: each cell of the STATES graph is then the
letter of its largest state, c r d b l n s o as the STATES bar)
chooses both (-c) and records (-w). Once their graphs hold 8 columns:

  - the spinner's STATES cells are all c (CPU) or r (RUNQ: a machine
    busy with other work makes it wait), never a sleep, and its shares
    now are cpu (more than 0) and runq only, adding up to 100%;
  - the sleeper's cells are s (SLEEP), or r where a busy machine makes
    its wake-ups wait for a CPU about as long as it sleeps, some s;
    its shares now are sleep, runq and at most 5% cpu, 100% in all;
  - the recording replayed, b to the live screen's second (and t to
    the next tick where the second holds two): both STATES rows are the same,
    cell for cell (the history is rebuilt from the recorded ticks).
Needs root and BPF (procfs cannot time sleeps: the row says n/a there).
"""

import os
import re
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

COLS, ROWS = 120, 44
ENV = ("TERM=tmux-256color", "LANG=C.UTF-8", "TZ=UTC", "NO_COLOR=1")
LABEL_W = 8


def states_row(screen, comm):
    """(cells, legend) of comm's STATES graph: the graph's cells (between
    the label column and the stats) and the text on its right."""
    lines = screen.splitlines()
    t = next((i for i, x in enumerate(lines) if re.match(r"^[▶>] \d+ %s " % comm, x)), None)
    if t is None:
        return None
    row = next((x for x in lines[t + 1:t + 12] if x.startswith("STATES")), None)
    if row is None:
        return None
    m = re.search(r" now( .*)?$", row)
    end = m.start() if m else len(row)
    return row[LABEL_W:end].strip(" "), (m.group(1) or "").strip() if m else ""


def shares(legend):
    return {k: int(v) for k, v in re.findall(r"(\w+) (\d+)%", legend)}


def main():
    ri.preflight(need_bpftool=False, need_workloads=True)
    c = ri.TuiChecks()
    tmp = tempfile.mkdtemp(prefix="ri-tui-states-")
    path = os.path.join(tmp, "states.rirec")
    spin_name, nap_name = ri.comm_name("rispin"), ri.comm_name("rinap")
    spin = ri.Workload("states", ["--alone", "spin", "--name", spin_name])
    nap = ri.Workload("states", ["--alone", "nap", "--name", nap_name])
    try:
        live = ri.Tmux(COLS, ROWS, ri.Tmux.tool_command(
            ["-c", spin_name, "-c", nap_name, "-d", "1", "-w", path], env=ENV))
        c.tmux = live
        screen = None
        end = time.monotonic() + 45
        while time.monotonic() < end:
            s = live.capture()
            a, b = states_row(s, spin_name), states_row(s, nap_name)
            if a and b and len(a[0].replace(" ", "")) >= 8 and \
                    len(b[0].replace(" ", "")) >= 8 and a[1] and b[1]:
                # The same tick (its clock, both rows) in two captures: the
                # meters may change in between on a loaded machine.
                time.sleep(0.1)
                s2 = live.capture()
                if (states_row(s2, spin_name), states_row(s2, nap_name)) == (a, b) and \
                        s2.splitlines()[0] == s.splitlines()[0]:
                    screen = s2
                    break
            time.sleep(0.2)
        if not screen:
            s = live.capture()
            c.fail("the STATES graphs never held 8 columns of both processes",
                   "%r | %r" % (states_row(s, spin_name), states_row(s, nap_name)))
        a, b = states_row(screen, spin_name), states_row(screen, nap_name)
        sa, sb = shares(a[1]), shares(b[1])
        c.true("the spinner's STATES cells are all CPU or RUNQ (c, r)",
               set(a[0].replace(" ", "")) <= {"c", "r"}, repr(a[0]))
        c.true("the spinner's shares now are cpu (> 0) and runq, 100% in all",
               set(sa) <= {"cpu", "runq"} and sa.get("cpu", 0) > 0 and
               sum(sa.values()) == 100, a[1])
        # The newest column is the newest sample: its letter is the
        # state of the larger share (on a quiet machine, all c).
        want = "c" if sa.get("cpu", 0) >= 60 else "r" if sa.get("runq", 0) >= 60 else None
        c.true("the spinner's newest column is the state of its larger share now",
               want is None or a[0][-1:] == want, "%r, %s" % (a[0], a[1]))
        cells = b[0].replace(" ", "")
        c.true("the sleeper's STATES cells are SLEEP (s) or RUNQ (r), some s",
               set(cells) <= {"s", "r"} and "s" in cells, repr(b[0]))
        c.true("the sleeper's shares now are sleep, runq, cpu <= 5%, 100% in all",
               set(sb) <= {"sleep", "runq", "cpu"} and sb.get("cpu", 0) <= 5 and
               sum(sb.values()) == 100, b[1])
        clock = re.search(r"^resource_image (\d\d:\d\d:\d\d) ", screen)
        live.keys("q")
        c.true("the live TUI leaves, exit 0", live.wait_for(r"^EXIT=0", 10))
        if not clock:
            c.fail("the live header has no clock", screen[:80])
        rep = ri.Tmux(COLS, ROWS + 1, ri.Tmux.tool_command(["-r", path], env=ENV))
        c.tmux = rep
        c.true("the replay opens", rep.wait_for(r"REPLAY", 10))
        rep.keys("b", clock.group(1), "Enter")
        again = None
        end = time.monotonic() + 15
        while time.monotonic() < end and not again:
            s = rep.capture()
            if re.search(r"^\d{4}-\d\d-\d\d %s " % clock.group(1), s, re.M) and \
                    states_row(s, spin_name) and states_row(s, nap_name):
                time.sleep(0.3)
                again = s if rep.capture() == s else None
            time.sleep(0.2)
        c.true("b lands on the live screen's second", again is not None)
        # The live screen's tick is the first or the second of its second.
        if again and (states_row(again, spin_name), states_row(again, nap_name)) != (a, b):
            rep.keys("t")
            end = time.monotonic() + 10
            while time.monotonic() < end:
                s = rep.capture()
                if s != again:
                    time.sleep(0.3)
                    if rep.capture() == s:
                        again = s
                        break
                time.sleep(0.1)
        for name, live_row in ((spin_name, a), (nap_name, b)):
            r = states_row(again or "", name)
            c.true("replayed, %s's STATES row is the live one" % name, r == live_row,
                   "%r | %r" % (live_row, r))
        rep.keys("q")
        c.true("q leaves the replay, exit 0", rep.wait_for(r"^EXIT=0", 10))
    finally:
        spin.stop()
        nap.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
