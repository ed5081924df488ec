#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Process storm: 20,000 short-lived child processes over 20 s (--full:
100,000 over 100 s), tool system-wide.

What the user sees: the tool keeps running; "dropped" stays 0 and every
child is reported exited exactly once (or every loss is counted in
"dropped"); the tool's VmHWM stays under 64 MiB; its BPF maps keep their
sizes and the most exits in one tick fit the exit ring buffer.
"""

import stormrun

if __name__ == "__main__":
    stormrun.main("procs")
