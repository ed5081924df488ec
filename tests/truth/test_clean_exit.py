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
named ri_*, otherwise the check after exit would prove nothing.  A
last check looks for new ri_ programs that no live process holds.
"""

import json
import os
import shutil
import signal
import subprocess
import time

import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
import rilib as ri  # noqa: E402


def bpftool(*args):
    out = subprocess.run(["bpftool", "-j"] + list(args), capture_output=True,
                         timeout=20)
    if out.returncode != 0:
        ri.fail("bpftool %s failed: %s" % (" ".join(args),
                                          out.stderr.decode(errors="replace").strip()))
    text = out.stdout.decode(errors="replace").strip()
    return json.loads(text) if text else []


def owned_ids(pid):
    """BPF objects held by pid's fds: ({prog ids}, {link ids}, {map ids}).

    Read from /proc/PID/fdinfo, so objects of other programs (another copy
    of the tool started meanwhile, say) are never blamed on this run.
    """
    progs, links, maps = set(), set(), set()
    fddir = "/proc/%d/fd" % pid
    for fd in os.listdir(fddir):
        try:
            if "bpf" not in os.readlink(os.path.join(fddir, fd)):
                continue
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                info = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
        except OSError:
            continue
        info = {k.strip(): v.strip() for k, v in info.items()}
        if "link_id" in info:
            links.add(int(info["link_id"]))
        if "prog_id" in info:
            progs.add(int(info["prog_id"]))
        if "map_id" in info:
            maps.add(int(info["map_id"]))
    return progs, links, maps


def leftovers(prog_ids, link_ids, map_ids):
    """This run's objects still present: (progs, links, maps)."""
    progs = [p for p in bpftool("prog", "show") if p["id"] in prog_ids]
    links = [l for l in bpftool("link", "show")
             if l["id"] in link_ids or l.get("prog_id") in prog_ids]
    maps = [m for m in bpftool("map", "show") if m["id"] in map_ids]
    return progs, links, maps


def run(c, how):
    args = ["-d", "1", "-p", str(os.getpid())]
    if how == "count":
        args += ["-n", "2"]
    tool = ri.Tool(args)
    tool.wait_ticks(1, timeout=15)
    prog_ids, link_ids, map_ids = owned_ids(tool.proc.pid)
    names = {p["id"]: str(p.get("name", "")) for p in bpftool("prog", "show")
             if p["id"] in prog_ids}
    if ri.RI_SOURCE == "procfs":
        c.true("%s: the procfs source holds no BPF objects" % how,
               not (prog_ids or link_ids or map_ids),
               "%d progs, %d links, %d maps" % (len(prog_ids), len(link_ids), len(map_ids)))
    else:
        c.true("%s: tool holds its programs while running, all named ri_*" % how,
               names and all(n.startswith("ri_") for n in names.values()),
               "%d progs (%s), %d links, %d maps" % (
                   len(names), ",".join(sorted(names.values())), len(link_ids),
                   len(map_ids)))
    if how == "SIGINT":
        tool.signal(signal.SIGINT)
    elif how == "SIGTERM":
        tool.signal(signal.SIGTERM)
    rc = tool.wait(timeout=15)
    c.true("%s: exit code 0" % how, rc == 0,
           "rc %s%s" % (rc, ("; stderr: " + tool.stderr_tail()) if rc else ""))
    c.true("%s: every stdout line is complete JSON" % how, not tool.bad and tool.ticks,
           "%d ticks, %d bad lines" % (len(tool.ticks), len(tool.bad)))
    # Freeing is deferred (RCU, workqueues): give the kernel a moment.
    end = time.monotonic() + 3
    while True:
        progs, links, maps = leftovers(prog_ids, link_ids, map_ids)
        if not (progs or links or maps) or time.monotonic() > end:
            break
        time.sleep(0.2)
    c.true("%s: none of its programs, links or maps left" % how,
           not (progs or links or maps),
           "%d progs %s, %d links, %d maps" % (
               len(progs), [p.get("name") for p in progs], len(links), len(maps)))
    # Catch-all by name, for objects the tool loaded but held no fd to.
    stray = [p for p in bpftool("prog", "show") if str(p.get("name", "")).startswith("ri_")
             and p["id"] not in before and not _held_elsewhere(p["id"])]
    c.true("%s: no unowned ri_ programs appeared" % how, not stray,
           "%s" % [(p["id"], p.get("name")) for p in stray])


def _held_elsewhere(prog_id):
    """Whether a live process (another copy of the tool) holds prog_id."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if prog_id in owned_ids(int(pid))[0]:
                return True
        except OSError:
            continue
    return False


before = set()


def main():
    ri.preflight()
    if not shutil.which("bpftool"):
        ri.skip("bpftool not installed")
    before.update(p["id"] for p in bpftool("prog", "show"))
    c = ri.Checks()
    for how in ("count", "SIGINT", "SIGTERM"):
        run(c, how)
    c.finish()


if __name__ == "__main__":
    main()
