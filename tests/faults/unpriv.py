# SPDX-License-Identifier: GPL-2.0
"""unpriv - run the tool as an unprivileged user (nobody, no capabilities).

The binary is copied into a fresh 0755 directory first, since the build
tree may not be reachable by that user. setpriv does the switch when it is
installed; otherwise a preexec hook does (setgroups, setgid, setuid: a
non-root uid keeps no capabilities).
"""

import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

UID = GID = 65534


def copy_binary():
    d = tempfile.mkdtemp(prefix="ri-faults-bin-")
    os.chmod(d, 0o755)
    dst = os.path.join(d, "resource_image")
    shutil.copy2(ri.RI_BIN, dst)
    os.chmod(dst, 0o755)
    return d, dst


def command(binary, args):
    """(argv, preexec) running binary as nobody with no capabilities."""
    sp = shutil.which("setpriv")
    if sp:
        return ([sp, "--reuid=%d" % UID, "--regid=%d" % GID, "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", binary] + list(args), None)

    def drop():
        os.setgroups([])
        os.setgid(GID)
        os.setuid(UID)
    return [binary] + list(args), drop


def run(args, san, timeout=30):
    """Runs the tool as nobody; returns (Tool, rc). Caller removes the copy."""
    d, binary = copy_binary()
    argv, pre = command(binary, args)
    t = ri.Tool(argv[1:], san, json_mode="--json" in args, preexec=pre, binary=argv[0])
    rc = t.wait(timeout)
    shutil.rmtree(d, ignore_errors=True)
    return t, rc
