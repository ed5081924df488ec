#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_every_figure_shows_everywhere - each counter of core/figures/figures.h
that has a figure of its own shows wherever a figure goes.

The table is read from the source itself (a small program compiled
against core/figures/figures.c prints it), so a counter added there is
tested here with no change. For each one:
  - JSON, live and replayed from the recording the live run made: its
    two keys in every process row (the rate and the interval's count);
  - batch text: its column title in the header;
  - -s NAME and --alert 'NAME > 1/s' (a state's time: 'NAME > 1%') are
    taken;
  - the screen: a settings file that turns its column on shows its title;
  - the metrics endpoint: its group and process families (a state's time:
    its series of the ..._state_seconds family), and promtool accepts the
    exposition.
Needs root and BPF for the live run (SKIP otherwise).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DUMP = r'''
#include <stdio.h>
#include "figures.h"
int main(void)
{
	for (int c = 0; c < RI_C_COUNT; c++) {
		const struct ri_counter_info *i = &ri_counters[c];
		if (!ri_counter_shown(c))
			continue;
		printf("{\"name\":\"%s\",\"title\":\"%s\",\"json\":\"%s\",\"family\":\"%s\","
		       "\"bytes\":%d,\"time\":%d}\n", i->name, i->title, i->json, i->family,
		       !!(i->flags & RI_FF_BYTES), !!(i->flags & RI_FF_TIME));
	}
	return 0;
}
'''


def figures(tmp):
    src = os.path.join(tmp, "dump.c")
    exe = os.path.join(tmp, "dump")
    with open(src, "w") as f:
        f.write(DUMP)
    r = subprocess.run(["cc", "-std=gnu11", "-I", os.path.join(ri.REPO, "core", "figures"),
                        "-I", os.path.join(ri.REPO, "bpf"), src,
                        os.path.join(ri.REPO, "core", "figures", "figures.c"), "-o", exe],
                       capture_output=True, text=True)
    if r.returncode != 0:
        ri.fail("the table does not compile on its own: %s" % r.stderr[-400:])
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def run(args, timeout=60, env=None):
    r = subprocess.run([ri.RI_BIN] + args, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL, env=env)
    return r.returncode, r.stdout, r.stderr


def keys(f):
    if f["time"]:
        return (f["json"] + "_pct", f["json"] + "_ns")
    return (f["json"] + "_bps", f["json"] + "_bytes") if f["bytes"] else \
        (f["json"] + "_ps", f["json"])


def main():
    ri.preflight(need_bpftool=False)
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-figs-")
    try:
        figs = figures(tmp)
        c.true("the table lists figures", len(figs) >= 4, "%d" % len(figs))
        rec = os.path.join(tmp, "r.rirec")
        port = ri.free_port()
        live = ri.Tool.json(["-d", "0.3", "-n", "6", "-w", rec, "--listen",
                             "127.0.0.1:%d" % port])
        ri.wait_http(port, proc=live.proc)
        st, hdr, body = ri.http_get(port, accept=ri.PROM_TEXT)
        expo = body.decode(errors="replace")
        if live.wait(timeout=30) is None:
            live.fail_with("the live run did not end after -n 6")
        live.require_clean()
        rc, out, err = run(["-r", rec, "-b", "--json"])
        c.true("the replay prints JSON", rc == 0 and out, err.strip()[:200])
        replayed = [json.loads(line) for line in out.splitlines() if line]
        rc, text, err = run(["-r", rec, "-b", "-n", "1"])
        header = next((line for line in text.splitlines() if line.startswith("TIME")), "")
        cfg = ri.private_config()
        os.makedirs(os.path.join(cfg, "resource_image"), exist_ok=True)
        with open(os.path.join(cfg, "resource_image", "config"), "w") as f:
            f.write("columns = PID,COMM,%s\n" % ",".join(x["title"] for x in figs))
        tm = ri.Tmux(200, 20, ri.Tmux.tool_command(["-r", rec]))
        for f in figs:
            n = f["name"]
            for label, ticks in (("live", live.ticks), ("replayed", replayed)):
                rows = [p for t in ticks for p in t["processes"]]
                miss = [k for k in keys(f) for p in rows if k not in p]
                c.true("%s: %s JSON has %s in every row" % (n, label, "/".join(keys(f))),
                       rows and not miss, "%d rows, %d missing" % (len(rows), len(miss)))
            c.true("%s: batch text has the column %s" % (n, f["title"]),
                   f["title"] in header.split(), header)
            rc, _, err = run(["-r", rec, "-b", "-n", "1", "-s", n])
            c.true("%s: -s %s is a sort key" % (n, n), rc == 0, err.strip()[:200])
            rule = "%s > 1%%" % n if f["time"] else "%s > 1/s" % n
            rc, _, err = run(["-r", rec, "-b", "-n", "1", "--alert", rule])
            c.true("%s: --alert '%s' is a rule" % (n, rule), rc == 0, err.strip()[:200])
            shown = tm.wait_for(r"^\s*PID\s+COMM.*%s" % re.escape(f["title"]), timeout=15)
            c.true("%s: the screen shows the column %s" % (n, f["title"]), shown,
                   "" if shown else tm.capture()[:600])
            if f["time"]:
                fam = "resource_image_group_state_seconds"
                c.true("%s: the exposition has %s{...state=\"%s\"}" % (n, fam, f["family"]),
                       re.search(r"^# TYPE %s(_total)? counter$" % fam, expo, re.M) and
                       re.search(r'^%s_total\{.*state="%s"\} ' % (fam, f["family"]),
                                 expo, re.M))
                continue
            fam = "resource_image_group_" + f["family"]
            c.true("%s: the exposition has %s" % (n, fam),
                   re.search(r"^# TYPE %s(_total)? counter$" % fam, expo, re.M) and
                   fam + "_total{" in expo)
        tm.keys("q")
        if shutil.which("promtool"):
            r = subprocess.run(["promtool", "check", "metrics"], input=expo.encode(),
                               capture_output=True, timeout=60)
            c.true("promtool check metrics accepts the exposition", r.returncode == 0,
                   (r.stdout + r.stderr).decode(errors="replace")[:400])
        else:
            c.skip_part("promtool", "not installed")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish("%d figures" % len(figs))


if __name__ == "__main__":
    main()
