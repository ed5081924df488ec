#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Thread storm: 20,000 threads created and destroyed over 20 s, about 300
alive at a time (--full: 100,000 over 100 s), tool system-wide with -H.

What the user sees: the tool keeps running; "dropped" stays 0 and every
thread of the storm is reported exited exactly once (or every loss is
counted in "dropped"); the tool's VmHWM stays under 64 MiB; its BPF maps
keep their sizes (no per-task map) and the most exits in one tick fit the
exit ring buffer, which is read every tick.
"""

import stormrun

if __name__ == "__main__":
    stormrun.main("threads")
