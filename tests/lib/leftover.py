#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""leftover - "nothing of ours is left loaded", for shell scripts.

The same check the Python tests make through rilib (BpfWatch,
leftovers()), as commands:

  leftover.py [--since PROG LINK]
      The verdict for the machine: no program of ours (named ri_*), nor a
      link to one, that no live process holds, after up to 5 s for the
      kernel's deferred frees; with --since, only those loaded after that
      mark. One line; exit 0 none left, 1 some left, 77 cannot tell (not
      root, no bpftool).
  leftover.py mark
      Prints "PROG LINK": the highest program and link ids loaded now.
  leftover.py held PID
      Prints "prog ID", "link ID", "map ID", one a line, for every BPF
      object PID holds (a link's program too), from its fdinfo.
  leftover.py gone "KIND ID"...
      Prints, comma-separated, those of the given objects still loaded
      after up to 5 s (an empty line when none); exit 0 none, 1 some.
  leftover.py since PROG LINK
      Prints, comma-separated, our unheld programs and links loaded after
      the mark (an empty line when none); exit 0 none, 1 some.
"""

import os
import shutil
import sys

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
import rilib as ri  # noqa: E402


def need_bpftool():
    if os.geteuid() != 0:
        ri.skip("cannot tell what is loaded: needs root")
    if not shutil.which("bpftool"):
        ri.skip("cannot tell what is loaded: bpftool not installed")


def verdict(since):
    _, orph = ri.leftovers(since=since)
    ours = [p for p in ri.bpftool("prog", "show") if ri.is_ours(p) and p["id"] > since[0]]
    scope = " loaded since prog %d, link %d" % since if since != (0, 0) else ""
    if orph:
        ri.fail("%d BPF object(s) of ours%s left loaded with no process holding them: %s"
                % (len(orph), scope, ri.describe_orphans(orph)))
    ids = {p["id"] for p in ours}
    held = sorted({pid for i, pids in ri.holders()[0].items() if i in ids for pid in pids})
    ri.say("PASS: no BPF program of ours%s left loaded (%s)" % (
        scope, "%d %s* program(s) loaded now, all held by live processes: pids %s"
        % (len(ours), ri.OURS_PREFIX, held) if ours else "none loaded now"))
    sys.exit(ri.PASS)


def parse_objs(args):
    words = " ".join(args).split()
    if len(words) % 2:
        usage()
    ids = {"prog": set(), "link": set(), "map": set()}
    for kind, i in zip(words[::2], words[1::2]):
        if kind not in ids or not i.isdigit():
            usage()
        ids[kind].add(int(i))
    return ids


def usage():
    sys.stderr.write(__doc__.split("\n\n", 1)[1])
    sys.exit(2)


def main(argv):
    cmd = argv[0] if argv else ""
    if cmd in ("", "--since"):
        need_bpftool()
        since = (0, 0)
        if cmd == "--since":
            if len(argv) != 3 or not (argv[1].isdigit() and argv[2].isdigit()):
                usage()
            since = (int(argv[1]), int(argv[2]))
        verdict(since)
    need_bpftool()
    if cmd == "mark" and len(argv) == 1:
        print("%d %d" % ri.mark())
    elif cmd == "held" and len(argv) == 2 and argv[1].isdigit():
        o = ri.fd_objects(int(argv[1]))
        for kind, ids in (("prog", o["prog"] | o["link_prog"]), ("link", o["link"]),
                          ("map", o["map"])):
            for i in sorted(ids):
                print("%s %d" % (kind, i))
    elif cmd == "gone":
        still, _ = ri.leftovers(parse_objs(argv[1:]), since=(1 << 62, 1 << 62))
        left = ["%s %d" % (k, i) for k in ("prog", "link", "map") for i, _ in still[k]]
        print(", ".join(left))
        sys.exit(1 if left else 0)
    elif cmd == "since" and len(argv) == 3 and argv[1].isdigit() and argv[2].isdigit():
        _, orph = ri.leftovers(since=(int(argv[1]), int(argv[2])))
        print(", ".join("%s %d" % (k, i) for k, i, _ in orph))
        sys.exit(1 if orph else 0)
    else:
        usage()


if __name__ == "__main__":
    main(sys.argv[1:])
