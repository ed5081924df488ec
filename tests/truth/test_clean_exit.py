#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_clean_exit - the tool exits 0 and leaves no BPF objects behind.

Three ways to end a run: -n running out, SIGINT and SIGTERM.  Each must
exit with code 0, print only complete JSON lines, and afterwards
`bpftool prog show` must list none of the programs the tool loaded (their
names start with "ri_"), `bpftool link show` no link to them and
`bpftool map show` none of their maps.  The tool's objects are the ones
its fds refer to while it runs (/proc/PID/fdinfo), so another copy of the
tool running meanwhile is not blamed on this one; they must exist and be
named ri_*, otherwise the check after exit would prove nothing.  The
same check also looks for ri_ programs loaded since the run began that
no live process holds (rilib's BpfWatch, the one leftover check).
"""

import os
import signal
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402


def run(c, how):
    args = ["-d", "1", "-p", str(os.getpid())]
    if how == "count":
        args += ["-n", "2"]
    watch = ri.BpfWatch()
    tool = ri.Tool.json(args)
    tool.need_ticks(1, timeout=15)
    o = watch.note(tool.pid)
    prog_ids = o["prog"] | o["link_prog"]
    names = {p["id"]: str(p.get("name", "")) for p in ri.bpftool("prog", "show")
             if p["id"] in prog_ids}
    if ri.RI_SOURCE == "procfs":
        c.true("%s: the procfs source holds no BPF objects" % how,
               not (prog_ids or o["link"] or o["map"]),
               "%d progs, %d links, %d maps" % (len(prog_ids), len(o["link"]), len(o["map"])))
    else:
        c.true("%s: tool holds its programs while running, all named %s*"
               % (how, ri.OURS_PREFIX),
               names and all(ri.is_ours({"name": n}) for n in names.values()),
               "%d progs (%s), %d links, %d maps" % (
                   len(names), ",".join(sorted(names.values())), len(o["link"]),
                   len(o["map"])))
    if how == "SIGINT":
        tool.signal(signal.SIGINT)
    elif how == "SIGTERM":
        tool.signal(signal.SIGTERM)
    rc = tool.wait(timeout=15)
    c.true("%s: exit code 0" % how, rc == 0,
           "%s%s" % (ri.rc_text(rc), ("; stderr: " + tool.stderr_tail()) if rc else ""))
    c.true("%s: every stdout line is complete JSON" % how, not tool.bad and tool.ticks,
           "%d ticks, %d bad lines" % (len(tool.ticks), len(tool.bad)))
    ok, detail = watch.left()
    c.true("%s: none of its programs, links or maps left, no unheld ri_ program" % how,
           ok, detail)


def main():
    ri.preflight_source(need_bpftool=True)
    c = ri.Checks()
    for how in ("count", "SIGINT", "SIGTERM"):
        run(c, how)
    c.finish()


if __name__ == "__main__":
    main()
