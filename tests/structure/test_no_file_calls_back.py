#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_no_file_calls_back - no loop of calls between the source files.

File A depends on file B when A's object uses a global symbol that B's
object alone defines (nm). A loop (A needs B needs ... needs A) means
two files that cannot be understood, tested or replaced apart: the
fix is to move what both need down, or to pass a function in. Reads the
binary's own objects under RI_BUILD (default build/), not the sanitizer,
unit or fuzz builds. Prints each loop with the symbols that close it.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("RI_BUILD", os.path.join(HERE, "..", "..", "build"))
SKIP = {"san", "unit", "fuzz", "tests", "static", "test-logs", "deb"}


def objects():
    for d, dirs, files in os.walk(BUILD):
        if os.path.relpath(d, BUILD).split(os.sep)[0] in SKIP:
            dirs[:] = []
            continue
        for f in files:
            if f.endswith(".o") and not f.endswith(".bpf.o"):
                yield os.path.join(d, f)


def main():
    defs, uses = {}, {}
    objs = list(objects())
    if not objs:
        print("FAIL no objects under %s: build first (make)" % BUILD)
        return 1
    for o in objs:
        name = os.path.relpath(o, BUILD)[:-2] + ".c"
        uses[name] = set()
        out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 2 and f[0] == "U":
                uses[name].add(f[1])
            elif len(f) == 3 and f[1] in "TDBRVW":
                defs.setdefault(f[2], set()).add(name)
    deps = {a: {} for a in uses}
    for a, syms in uses.items():
        for s in syms:
            owners = defs.get(s, ())
            if len(owners) == 1:
                b = next(iter(owners))
                if b != a:
                    deps[a].setdefault(b, []).append(s)
    # Strongly connected groups (iterative Tarjan): each of two files or more is a loop.
    index, low, on, stack, loops, counter = {}, {}, set(), [], [], [0]
    for root in deps:
        if root in index:
            continue
        work = [(root, iter(deps[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(deps[w])))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1:
                    loops.append(sorted(group))
    if loops:
        for g in loops:
            print("FAIL a loop of %d files: %s" % (len(g), ", ".join(g)))
            for a in g:
                for b, syms in sorted(deps[a].items()):
                    if b in g:
                        print("    %s -> %s: %s" % (a, b, ", ".join(sorted(syms)[:6])))
        return 1
    print("PASS: %d files, no loop of calls between them" % len(uses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
