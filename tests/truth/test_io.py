#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_io - logical and storage I/O rates match paced workloads.

A writer at 8 MiB/s (64 KiB chunks, fsync after each) and an O_DIRECT
reader at 4 MiB/s (16 KiB chunks, so one chunk is 0.4% of a second's
bytes) run side by side in RI_IODIR.  The median over the steady ticks
of io_write_bps / io_read_bps (logical) and disk_write_bps /
disk_read_bps (storage) must be within 2% of the paced rate.  Storage
fields are allowed to be null when the kernel cannot measure them; that
part is then reported as skipped, never as passed.
"""

import os
import shutil
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

W_RATE = 8 << 20
R_RATE = 4 << 20
TOL = 0.02


def main():
    ri.preflight_source()
    d = ri.io_dir()
    fstype = ri.fs_type(d)
    wname, rname = ri.comm_name("riwr"), ri.comm_name("rird")
    ticks = 10
    writer = reader = None
    direct_ok = True
    try:
        data = os.path.join(d, "reader.dat")
        prep = ri.Workload("reader", ["--prepare", "64M", "--file", data], ready=False)
        prep.proc.wait(60)
        if prep.proc.returncode != 0:
            ri.fail("reader --prepare failed: %s" % " | ".join(prep.err[-3:]))
        prep.kill()

        tool = ri.Tool.json(["-d", "1", "-n", str(ticks), "-c", wname, "-c", rname])
        tool.need_ticks(1, timeout=15)
        writer = ri.Workload("writer", ["--name", wname, "--rate", str(W_RATE),
                                        "--dir", d, "--fsync", "--seconds", "60"])
        try:
            os.close(os.open(data, os.O_RDONLY | os.O_DIRECT))
        except OSError:
            # O_DIRECT refused (e.g. tmpfs): report it, keep the writer half.
            direct_ok = False
        if direct_ok:
            reader = ri.Workload("reader", ["--name", rname, "--rate", str(R_RATE),
                                            "--file", data, "--direct",
                                            "--chunk", "16384", "--seconds", "60"])
        tool.wait(timeout=ticks + 10)
        wt = writer.stop()
        rt = reader.stop() if reader else None
    finally:
        for w in (writer, reader):
            if w is not None:
                w.kill()
        shutil.rmtree(d, ignore_errors=True)
    tool.require_clean()

    c = ri.Checks()
    storage = fstype not in ("tmpfs", "ramfs", "overlay", None)

    def rates(pid, field):
        st = ri.steady(ri.appearances(tool.ticks, pid))
        vals = [ri.num(p.get(field)) for _, p in st]
        return st, vals

    def check(pid, label, field, rate, is_storage):
        st, vals = rates(pid, field)
        if not st:
            c.true("%s reported in steady ticks" % label, False, "pid %d absent" % pid)
            return
        if is_storage and not storage:
            c.skip_part("%s %s" % (label, field),
                        "%s is on %s, which has no storage I/O; set RI_IODIR" % (d, fstype))
            return
        if is_storage and all(v is None for v in vals):
            c.skip_part("%s %s" % (label, field),
                        "tool reports null: kernel cannot measure storage I/O")
            return
        c.close("%s %s: median of %d ticks" % (label, field, len(vals)),
                ri.median(vals), rate, TOL * rate, "MiB/s")

    for w, t, label, rate in ((writer, wt, "writer", W_RATE), (reader, rt, "reader", R_RATE)):
        if w is None:
            continue
        if t.get("error"):
            ri.fail("%s workload error %d: %s" % (label, t["error"], " | ".join(w.err[-3:])))
        done = t.get("bytes_written", t.get("bytes_read"))
        ri.say("truth %s: %d bytes in %.2f s = %.3f MiB/s (paced %.3f)"
               % (label, done, t["wall_ns"] / 1e9, done / (t["wall_ns"] / 1e9) / 1048576,
                  rate / 1048576))

    check(writer.pid, "writer", "io_write_bps", W_RATE, False)
    check(writer.pid, "writer", "disk_write_bps", W_RATE, True)
    if reader is None:
        c.skip_part("reader", "O_DIRECT open failed in %s (%s)" % (d, fstype))
    else:
        check(reader.pid, "reader", "io_read_bps", R_RATE, False)
        check(reader.pid, "reader", "disk_read_bps", R_RATE, True)
    c.finish()


if __name__ == "__main__":
    main()
