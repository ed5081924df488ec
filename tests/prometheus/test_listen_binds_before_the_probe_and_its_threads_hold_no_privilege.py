#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""--listen as the user meets it, in every mode.

  - A bad value (--listen 0, ::1:80 without brackets, a name, a port past
    65535; --max-series 5; --metrics-linger 1x; --max-series without
    --listen): one line and the usage on stderr, exit 2, no bpf() call.
  - A port already taken: exit 1 with one line naming the address and the
    reason, nothing on stdout, and no bpf() call: the port is bound
    before the probe is loaded.
  - A port below 1024, as root: served (bound before privileges go).
  - The default address is loopback only (the kernel's socket table says
    127.0.0.1); [::1]:PORT serves over IPv6 where the machine has it.
  - Every thread of the running exporter (the monitor's, the HTTP
    server's, its guard) holds exactly the capabilities the monitor keeps,
    with no_new_privs and the seccomp filter: the server's threads start
    after the drop.
  - The interactive mode serves too, and `q` ends it with the port closed.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

BAD = [["--listen", "0"], ["--listen", "::1:80"], ["--listen", "example.org:80"],
       ["--listen", "65536"], ["--listen", ":9100"], ["--listen", "9100", "--max-series", "5"],
       ["--listen", "9100", "--metrics-linger", "1x"], ["--max-series", "500"],
       ["--metrics-threads"]]


def traced(argv, env, timeout=30):
    """(completed process, bpf() calls seen) of argv under strace, or
    (completed process, None) without strace."""
    strace = shutil.which("strace")
    if not strace:
        return subprocess.run(argv, capture_output=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL), None
    fd, log = tempfile.mkstemp(prefix="ri-listen-strace-")
    os.close(fd)
    try:
        p = subprocess.run([strace, "-f", "-qq", "-e", "trace=bpf", "-o", log] + argv,
                           capture_output=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL)
        with open(log, errors="replace") as f:
            return p, [line for line in f if "bpf(" in line]
    finally:
        os.unlink(log)


def listening(port):
    """Local addresses of the listening TCP sockets on port (IPv4)."""
    out = []
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            ip, p = local.split(":")
            if int(p, 16) == port and state == "0A":
                out.append(socket.inet_ntoa(bytes.fromhex(ip)[::-1]))
    return out


def thread_status(pid):
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                st["comm"] = f.read().strip()
        except OSError:
            continue
        out[int(tid)] = st
    return out


def main():
    ri.preflight_source(bpf_only=True)
    checks = ri.Checks()
    san = ri.SanDir()
    env = san.env()
    if shutil.which("strace"):
        # LeakSanitizer cannot work under ptrace.
        env["ASAN_OPTIONS"] = ri.set_opt(env.get("ASAN_OPTIONS"), "detect_leaks", "0")

    for args in BAD:
        p, calls = traced([ri.RI_BIN, "-q", "-n", "1"] + args, env)
        err = p.stderr.decode(errors="replace")
        checks.true("%s: exit 2, what is wrong then the usage, no bpf()" % " ".join(args),
                    p.returncode == 2 and not p.stdout and err.startswith("resource_image: ")
                    and "Usage:" in err and not calls,
                    "exit %d, %s, bpf calls %s" % (p.returncode, err.splitlines()[0][:100],
                                                   calls and len(calls)))

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        p, calls = traced([ri.RI_BIN, "-q", "-n", "1", "--listen", str(port)], env)
        err = p.stderr.decode(errors="replace").strip()
        checks.true("port taken: exit 1, one line naming it, no bpf()",
                    p.returncode == 1 and not p.stdout and len(err.splitlines()) == 1 and
                    "127.0.0.1:%d" % port in err and "in use" in err and not calls,
                    "exit %d: %s; bpf calls %s" % (p.returncode, err, calls and len(calls)))

    # Below 1024, as root: bound before the privileges go.
    low = None
    for cand in range(990, 600, -7):
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", cand))
            low = cand
            break
        except OSError:
            continue
    if low is None:
        checks.skip_part("port below 1024", "none free from 600 to 990")
    else:
        t = ri.Tool(["-q", "-d", "0.5", "--listen", "127.0.0.1:%d" % low], json_mode=False,
                    san=san)
        checks.true("port %d (below 1024), as root: served" % low,
                    ri.wait_http(low, timeout=20, proc=t), t.stderr_tail())
        t.signal(15)
        t.wait(15)

    port = ri.free_port()
    tool = ri.Tool(["-q", "-d", "0.5", "--listen", str(port)], json_mode=False, san=san)
    if not ri.wait_http(port, timeout=20, proc=tool):
        tool.fail_with("the endpoint did not answer on port %d" % port)
    checks.true("default address: loopback only", listening(port) == ["127.0.0.1"],
                str(listening(port)))
    time.sleep(0.6)
    threads = thread_status(tool.pid)
    main_st = threads.get(tool.pid, {})
    keys = ("CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp")
    want = tuple(main_st.get(k) for k in keys)
    checks.true("%d threads (monitor, HTTP server, guard)" % len(threads), len(threads) >= 3,
                ", ".join(sorted(st["comm"] for st in threads.values())))
    checks.true("the monitor's thread: privileges dropped (NoNewPrivs 1, Seccomp 2)",
                main_st.get("NoNewPrivs") == "1" and main_st.get("Seccomp") == "2" and
                int(main_st.get("CapEff", "f" * 16), 16) & ~((1 << 2) | (1 << 19) | (1 << 39)) == 0,
                "CapEff %s" % main_st.get("CapEff"))
    bad = ["%d %s: %s" % (tid, st["comm"], tuple(st.get(k) for k in keys))
           for tid, st in threads.items() if tuple(st.get(k) for k in keys) != want]
    checks.true("every thread holds what the monitor holds, no more", not bad,
                "; ".join(bad) or "all %s" % (want,))
    ri.stop_checked(tool, checks, san, "exporter")

    six = ri.free_port("::1") if socket.has_ipv6 and os.path.exists("/proc/net/tcp6") else None
    if six is None:
        checks.skip_part("IPv6", "no IPv6 on this machine")
    else:
        t = ri.Tool(["-q", "-d", "0.5", "--listen", "[::1]:%d" % six], json_mode=False, san=san)
        checks.true("[::1]:%d: served over IPv6" % six,
                    ri.wait_http(six, host="::1", timeout=20, proc=t), t.stderr_tail())
        t.signal(15)
        t.wait(15)

    # The interactive mode: served while it runs, closed when it quits.
    port = ri.free_port()
    tm = ri.Tmux(120, 40, ri.Tmux.tool_command(["-d", "0.5", "--listen", str(port)]),
                 env=san.env())
    served = ri.wait_http(port, timeout=20)
    checks.true("interactive mode: served", served,
                "" if served else tm.capture().strip()[-200:])
    tm.keys("q")
    ended = tm.wait_for(r"^EXIT=0", timeout=10)
    checks.true("interactive mode: q ends it (exit 0)", ended,
                "" if ended else tm.capture().strip()[-200:])
    try:
        ri.http_get(port, timeout=2)
        closed = False
    except OSError:
        closed = True
    checks.true("interactive mode: the port is closed after", closed)
    tm.kill()
    reports = san.reports()
    checks.true("no sanitizer report from any run", not reports, "; ".join(reports)[:500])
    checks.finish()


if __name__ == "__main__":
    main()
