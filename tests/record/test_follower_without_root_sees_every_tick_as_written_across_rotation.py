#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_follower_without_root_sees_every_tick_as_written_across_rotation - -r DIR --follow.

A recorder runs in the background (-w DIR/ --group adm, files every
second with the test-only RI_RECORD_ROTATE_S=1, procfs source, its ticks
also printed as JSON so the test knows when each was written). A follower
started after it, as uid 65534 with the group adm and no capability
(read permission on the files is all it has), prints -r DIR --follow
--json:
  - every tick the recorder wrote after the follower's first one, in
    order, none missing or repeated, with the recorder's figures, across
    every rotation of the directory;
  - each within one tick of the recorder having written it;
  - the follower holds no capability and runs as 65534;
  - without the group, the same follower says in one line that it may
    not read the directory, and exits 1 at once.
"""

import grp
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "lib"))
sys.path.insert(0, os.path.join(here, "..", "faults"))
import rilib as ri  # noqa: E402
import unpriv  # noqa: E402

STEP = 0.5
FOLLOW_S = 5.0


def as_nobody(binary, args, groups):
    sp = shutil.which("setpriv")
    if not sp:
        ri.skip("setpriv (util-linux) is needed to run the follower as another user")
    g = ["--groups=" + ",".join(str(x) for x in groups)] if groups else ["--clear-groups"]
    return [sp, "--reuid=%d" % unpriv.UID, "--regid=%d" % unpriv.GID] + g + [
        "--inh-caps=-all", "--bounding-set=-all", binary] + list(args)


def caps(pid):
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Uid", "CapEff", "CapPrm", "CapInh", "CapAmb"):
                    out[k] = v.split()[0] if k == "Uid" else v.strip()
    except OSError:
        pass
    return out


def figures(t):
    return (round(t["time"], 6), t["ntasks"], t["mem_used"], t["cpu_pct_total"])


def main():
    ri.preflight(need_bpf=False, need_root=True, need_bpftool=False)
    try:
        adm = grp.getgrnam("adm").gr_gid
    except KeyError:
        ri.skip("no group adm on this system")
    c = ri.Checks()
    san = ri.SanDir()
    tmp = tempfile.mkdtemp(prefix="ri-follow-")
    os.chmod(tmp, 0o711)
    bindir, binary = unpriv.copy_binary()
    env = san.env(dict(os.environ, RI_RECORD_ROTATE_S="1"))
    d = os.path.join(tmp, "rec") + "/"
    rec = fol = None
    try:
        rec = ri.Tool(["-b", "--json", "--source", "procfs", "-d", str(STEP), "-w", d,
                       "--group", "adm"], san=san, env=env)
        rec.need_ticks(3, 20)
        st = os.stat(d)
        c.true("the directory belongs to adm, setgid, not for others",
               st.st_gid == adm and st.st_mode & 0o2000 and not st.st_mode & 0o007,
               "gid %d mode %o" % (st.st_gid, st.st_mode))

        fol = ri.Tool(as_nobody(binary, ["-r", d, "--follow", "--json"], [adm])[1:],
                      binary=as_nobody(binary, [], [adm])[0], san=san)
        fol.need_ticks(1, 20)
        who = caps(fol.pid)
        c.true("the follower runs as 65534 with no capability at all",
               who.get("Uid") == str(unpriv.UID) and
               all(int(who.get(k, "1"), 16) == 0 for k in ("CapEff", "CapPrm", "CapInh", "CapAmb")),
               repr(who))
        # Long enough for several rotations (a file a second).
        end = time.time() + FOLLOW_S
        while time.time() < end and fol.proc.poll() is None:
            fol.wait_ticks(len(fol.ticks) + 1, 2)
        fol.signal(signal.SIGINT)
        frc = fol.wait(15)
        rec.signal(signal.SIGINT)
        rrc = rec.wait(15)
        c.true("both end cleanly on SIGINT", frc == 0 and rrc == 0,
               "follower %s, recorder %s; %s" % (ri.rc_text(frc), ri.rc_text(rrc),
                                                  fol.stderr_tail(2)))
        c.true("the follower printed valid JSON only, and said nothing",
               not fol.bad and not [e for e in fol.err if e.strip()],
               "%d bad lines; %s" % (len(fol.bad), fol.stderr_tail(2)))

        first = fol.ticks[0]["time"] if fol.ticks else 0
        last = fol.ticks[-1]["time"] if fol.ticks else 0
        want = [(figures(t), rec.raw_times[i]) for i, t in enumerate(rec.ticks)
                if first <= t["time"] <= last]
        got = [figures(t) for t in fol.ticks]
        c.true("every tick written since the follower's first, in order, with "
               "the recorder's figures", got == [w for w, _ in want] and len(got) >= 8,
               "%d followed, %d written; first difference: %s" % (
                   len(got), len(want),
                   next(((a, b) for a, (b, _) in zip(got, want) if a != b), None)))
        lags = [fol.raw_times[i] - want[i][1] for i in range(1, min(len(got), len(want)))]
        c.true("each within one tick (%.1f s) of its being written" % STEP,
               lags and max(lags) <= STEP,
               "lags %s" % ", ".join("%.2f" % x for x in sorted(lags)[-5:]))
        files = sorted(f for f in os.listdir(d) if f.endswith(".rirec"))
        spanned = [f for f in files if first - 1 <= time.mktime(
            time.strptime(f[:16], "%Y%m%dT%H%M%SZ")) - time.timezone <= last]
        c.true("followed across the rotation (several files)", len(spanned) >= 3,
               "%d files over %.1f s: %s" % (len(spanned), last - first, spanned))

        # The same without the group: the directory is not this user's to read.
        t0 = time.monotonic()
        r = subprocess.run(as_nobody(binary, ["-r", d, "--follow", "--json"], None),
                           capture_output=True, timeout=20, stdin=subprocess.DEVNULL,
                           env=san.env())
        err = [x for x in r.stderr.decode().splitlines() if x.strip()]
        c.true("without read permission: exit 1, one line saying so, at once",
               r.returncode == 1 and len(err) == 1 and "ermission denied" in err[0] and
               time.monotonic() - t0 < 10 and not r.stdout,
               "exit %d %r" % (r.returncode, err[:2]))
        reps = san.reports(rec, fol)
        c.true("no sanitizer report", not reps, " | ".join(reps)[:600])
    finally:
        for t in (fol, rec):
            if t:
                t.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(bindir, ignore_errors=True)
    lag = max(lags) if fol and lags else -1
    c.finish("%d ticks followed as uid 65534 across %d files, the slowest %.2f s after "
             "its writing" % (len(got), len(spanned), lag))


if __name__ == "__main__":
    main()
