#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_default_load_is_the_kernel_side_loader - the light path is taken.

On a kernel with everything the kernel-side loader needs (tp_btf, the
open-coded task iterators of 6.7+, the socket tracepoints of 6.3+), a
plain run must be served by it: no BTF parsed in the tool, no libbpf
load, a third of libbpf's start-up peak. When that loader fails the tool
falls back to libbpf and works on, so nothing else would notice; -v says
which served, and that it did not fall back.
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402


def main():
    ri.preflight(need_bpftool=False)
    rel = os.uname().release.split("-")[0].split(".")
    if (int(rel[0]), int(rel[1])) < (6, 7):
        ri.skip("the kernel-side loader serves 6.7+ only (this is %s)" % os.uname().release)
    c = ri.Checks()
    r = subprocess.run([ri.RI_BIN, "-v", "-b", "--source", "bpf", "-n", "1", "-d", "0.1",
                        "-p", "1"], capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    err = [ln for ln in r.stderr.decode(errors="replace").splitlines()
           if ln.startswith("resource_image:")]
    c.true("exit 0", r.returncode == 0, "exit %d" % r.returncode)
    loaded = [ln for ln in err if " loaded by " in ln]
    c.true("tp_btf loaded by the kernel, not by libbpf",
           loaded and "tp_btf loaded by the kernel" in loaded[0], "; ".join(err)[:400])
    c.true("no fall-back said (nothing 'failed' on the way)",
           not any("failed" in ln for ln in err), "; ".join(err)[:400])
    c.true("socket bytes counted by the tracepoints",
           loaded and "socket bytes: tracepoints" in loaded[0], "; ".join(loaded)[:300])
    c.finish()


if __name__ == "__main__":
    main()
