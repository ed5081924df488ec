#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_remote_over_real_sshd_resumes_after_a_drop_without_gap - --remote HOST.

A real OpenSSH server, started by the test on a loopback port with a host
key and an authorized key of its own (the client told of them by an ssh
config given through RI_SSH); "this machine over ssh" is the remote host.
A recorder runs there in the background (-w DIR/, procfs, its ticks
printed as JSON so the test knows them):
  - --remote --json shows the host's processes: the recorder's own PID is
    among them, and each tick is one the recorder wrote;
  - the ssh connection killed: one line says it was lost and when it is
    retried; then the server stopped and the connection killed again: the
    failed retry is said, the next one later; the server back, the ticks
    go on. Over it all, no gap and nothing twice: exactly the recorder's
    ticks from the first shown to the last;
  - with no recorder there, a monitor is started there instead;
  - ssh that fails (a host that does not resolve, a host key not known, a
    key the server refuses), the tool missing there, a stream of a newer
    format: each one line naming the host, exit 1, within a deadline;
  - two hosts on one screen (the same server under two names): Tab
    switches the header's host, O lists both, live, with CPU, memory and
    the busiest process, Enter shows the one chosen; k is off for them;
  - with --remote-control, F9 sends the signal there, over ssh.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

STEP = 0.5


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Sshd:
    """sshd on 127.0.0.1:PORT, its own host key, one authorized key; an ssh
    config naming it "testhost" (and "wronghost": same server, a key it
    refuses; "strangehost": same server, a host key the client does not
    know)."""

    def __init__(self, d):
        self.d = d
        sshd = shutil.which("sshd") or "/usr/sbin/sshd"
        if not os.access(sshd, os.X_OK) or not shutil.which("ssh-keygen"):
            ri.skip("OpenSSH server not installed (make deps)")
        for k in ("hostkey", "id", "other"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                            os.path.join(d, k)], check=True)
        shutil.copy(os.path.join(d, "id.pub"), os.path.join(d, "authorized_keys"))
        self.port = free_port()
        with open(os.path.join(d, "sshd_config"), "w") as f:
            f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s/hostkey\n"
                    "AuthorizedKeysFile %s/authorized_keys\nPidFile %s/sshd.pid\n"
                    "UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                    "PermitRootLogin prohibit-password\nStrictModes no\nLogLevel INFO\n"
                    % (self.port, d, d, d))
        with open(os.path.join(d, "known_hosts"), "w") as f:
            with open(os.path.join(d, "hostkey.pub")) as k:
                f.write("[127.0.0.1]:%d %s" % (self.port, k.read()))
        common = ("  HostName 127.0.0.1\n  Port %d\n  User root\n  IdentitiesOnly yes\n"
                  "  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n"
                  "  LogLevel ERROR\n" % self.port)
        with open(os.path.join(d, "ssh_config"), "w") as f:
            f.write("Host testhost\n%s  IdentityFile %s/id\n  UserKnownHostsFile %s/known_hosts\n"
                    % (common, d, d))
            f.write("Host wronghost\n%s  IdentityFile %s/other\n  UserKnownHostsFile %s/known_hosts\n"
                    % (common, d, d))
            f.write("Host strangehost\n%s  IdentityFile %s/id\n  UserKnownHostsFile /dev/null\n"
                    % (common, d))
            f.write("Host otherhost\n%s  IdentityFile %s/id\n  UserKnownHostsFile %s/known_hosts\n"
                    % (common, d, d))
        os.makedirs("/run/sshd", exist_ok=True)
        self.sshd = sshd
        self.ssh = "ssh -F %s/ssh_config" % d
        self.start()

    def start(self):
        d = self.d
        self.proc = subprocess.Popen([self.sshd, "-D", "-f", os.path.join(d, "sshd_config"),
                                      "-E", os.path.join(d, "sshd.log")],
                                     stdin=subprocess.DEVNULL)
        end = time.monotonic() + 15
        while time.monotonic() < end:
            r = subprocess.run(self.ssh.split() + ["-o", "BatchMode=yes", "testhost", "true"],
                               capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        ri.fail("sshd did not accept the test's key within 15 s: %s" % r.stderr.decode()[-200:])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def main():
    ri.preflight(need_bpf=False, need_root=True, need_bpftool=False)
    c = ri.Checks()
    tmp = tempfile.mkdtemp(prefix="ri-remote-")
    sshd = rec = tool = victim = None
    got = []
    try:
        sshd = Sshd(tmp)
        env = dict(os.environ, RI_SSH=sshd.ssh)
        d = os.path.join(tmp, "rec") + "/"
        rec = ri.Tool(["-b", "--json", "--source", "procfs", "-d", str(STEP), "-w", d])
        rec.need_ticks(2, 20)
        remote = ["--remote", "testhost", "--remote-dir", d, "--remote-command", ri.RI_BIN]
        tool = ri.Tool(remote + ["--json"], env=env)
        tool.need_ticks(4, 30)
        pids = {p["pid"] for p in tool.ticks[-1]["processes"]}
        c.true("the host's processes appear (the recorder's own PID among them)",
               rec.pid in pids, "%d processes, recorder %d" % (len(pids), rec.pid))

        sshes = [p for p in children(tool.pid)]
        n = len(tool.ticks)
        for p in sshes:
            os.kill(p, signal.SIGKILL)
        c.true("an ssh connection to kill", len(sshes) == 1, "%s" % sshes)
        end = time.monotonic() + 20
        while time.monotonic() < end and not any("connection lost" in e for e in tool.err):
            time.sleep(0.05)
        lost = [e for e in tool.err if "connection lost" in e]
        c.true("the drop is said, with the retry", len(lost) >= 1 and "testhost" in lost[0] and
               "retrying in" in lost[0], repr(tool.err[-3:]))
        # Ticks after the retry: the connection is back.
        tool.need_ticks(n + 6, 30)
        # The server down for a while: the retries fail, backing off, and
        # once it is back the ticks resume after the newest one received.
        sshd.stop()
        for p in children(tool.pid):
            os.kill(p, signal.SIGKILL)
        end = time.monotonic() + 20
        while time.monotonic() < end and not any("refused" in e for e in tool.err):
            time.sleep(0.05)
        refused = [e for e in tool.err if "connection lost" in e and "refused" in e]
        c.true("server down: the failed retry is said, and backs off",
               refused and "retrying in 2 s" in refused[0], repr(tool.err[-3:]))
        down = len(tool.ticks)
        sshd.start()
        tool.need_ticks(down + 4, 30)
        tool.signal(signal.SIGINT)
        trc = tool.wait(15)
        rec.signal(signal.SIGINT)
        rec.wait(15)
        c.true("ends cleanly on SIGINT", trc == 0, "%s; %s" % (ri.rc_text(trc), tool.stderr_tail(3)))
        got = [round(t["time"], 6) for t in tool.ticks]
        want = [round(t["time"], 6) for t in rec.ticks if got and got[0] <= t["time"] <= got[-1]]
        c.true("after the retry, no gap and nothing twice: the host's ticks exactly",
               got == want and len(got) >= down + 4,
               "%d shown, %d written; first difference %s" % (
                   len(got), len(want),
                   next(((a, b) for a, b in zip(got, want) if a != b), None)))
        same = all(a["ntasks"] == b["ntasks"] and a["mem_used"] == b["mem_used"]
                   for a in tool.ticks for b in rec.ticks if abs(a["time"] - b["time"]) < 1e-6)
        c.true("with the host's figures", same)

        # No recorder there: a monitor is started there, and ends with us.
        r = subprocess.run([ri.RI_BIN, "--json", "-n", "3", "-d", "0.3", "--remote", "testhost",
                            "--remote-dir", "/nonexistent", "--remote-command", ri.RI_BIN],
                           capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
        lines = r.stdout.decode().splitlines()
        srcs = {json.loads(x)["source"] for x in lines}
        c.true("no recorder there: a monitor started there, its ticks shown, exit 0",
               r.returncode == 0 and len(lines) == 3 and srcs <= {"bpf", "procfs"},
               "exit %d, %d ticks, %s, %r" % (r.returncode, len(lines), srcs,
                                              r.stderr.decode()[-200:]))

        # Each failure: one line naming the host, exit 1, never a hang.
        # A tool there whose stream is of format version 99: a whole header.
        head = b"\x89RIREC\r\n" + (99).to_bytes(4, "little") + (20).to_bytes(4, "little")
        with open(os.path.join(tmp, "newer.rirec"), "wb") as f:
            f.write(head + crc32c(head).to_bytes(4, "little"))
        fake = os.path.join(tmp, "newer")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\ncat %s/newer.rirec\nsleep 1\n" % tmp)
        os.chmod(fake, 0o755)
        cases = [
            ("a host that does not resolve", ["--remote", "no-such-host.invalid"],
             "no-such-host.invalid"),
            ("a host key not known", ["--remote", "strangehost"], "Host key verification failed"),
            ("a key the server refuses", ["--remote", "wronghost"], "Permission denied"),
            ("the tool missing there", ["--remote", "testhost", "--remote-command",
                                        "/nonexistent/resource_image"], "not installed there"),
            ("a newer format", ["--remote", "testhost", "--remote-command", fake,
                                "--remote-dir", "/nonexistent"], "newer"),
        ]
        for what, args, says in cases:
            t0 = time.monotonic()
            r = subprocess.run([ri.RI_BIN, "--json"] + args, capture_output=True, timeout=40,
                               env=env, stdin=subprocess.DEVNULL)
            err = [x for x in r.stderr.decode().splitlines() if x.strip()]
            c.true("%s: one line naming the host, exit 1, at once" % what,
                   r.returncode == 1 and len(err) == 1 and says in err[0] and
                   args[1] in err[0] and not r.stdout and time.monotonic() - t0 < 30,
                   "exit %d in %.1f s: %r" % (r.returncode, time.monotonic() - t0, err[:2]))

        # Two hosts on one screen.
        rec = ri.Tool(["-b", "--json", "--source", "procfs", "-d", str(STEP), "-w", d])
        rec.need_ticks(2, 20)
        tm = ri.Tmux(150, 30, ri.Tmux.tool_command(
            ["--remote", "testhost", "--remote", "otherhost", "--remote-dir", d,
             "--remote-command", ri.RI_BIN],
            env=("TERM=tmux-256color", "LANG=C.UTF-8", "RI_SSH=" + sshd.ssh.replace(" ", "\\ "))))
        c.true("two hosts: the first one shown, LIVE",
               tm.wait_for(r"^resource_image LIVE testhost ", 30), tm.capture()[:300])
        tm.keys("Tab")
        c.true("Tab: the other host", tm.wait_for(r"^resource_image LIVE otherhost ", 10),
               tm.capture()[:200])
        tm.keys("O")
        c.true("O: both hosts listed, live, with CPU, memory and the busiest process",
               tm.wait_for(r"^ testhost +LIVE +[\d.]+ +\S+/\S+ +\d+ \S+", 10) and
               tm.wait_for(r"^\*otherhost +LIVE +[\d.]+ +\S+/\S+ +\d+ \S+", 5),
               tm.capture()[:600])
        tm.keys("Up", "Enter")
        c.true("Enter: the host chosen", tm.wait_for(r"^resource_image LIVE testhost ", 10),
               tm.capture()[:200])
        tm.keys("k")
        tm.keys("Enter")
        c.true("k: off for a remote host, said", tm.wait_for(r"off for a remote host", 10),
               tm.capture()[-300:])
        tm.keys("Escape", "q")
        c.true("q: exit 0", tm.wait_for(r"^EXIT=0$", 15), tm.capture()[-200:])

        # --remote-control: a signal goes there, over ssh.
        victim_bin = os.path.join(tmp, "rivictim")
        shutil.copy("/bin/sleep", victim_bin)
        victim = subprocess.Popen([victim_bin, "300"], stdin=subprocess.DEVNULL)
        tm = ri.Tmux(150, 30, ri.Tmux.tool_command(
            ["--remote", "testhost", "--remote-control", "--remote-dir", d,
             "--remote-command", ri.RI_BIN],
            env=("TERM=tmux-256color", "LANG=C.UTF-8", "RI_SSH=" + sshd.ssh.replace(" ", "\\ "))))
        tm.wait_for(r"^resource_image LIVE testhost ", 30)
        tm.keys("F4")
        tm.keys("rivictim", "Enter")
        c.true("--remote-control: the host's process listed",
               tm.wait_for(r"^ *%d .*rivictim" % victim.pid, 15), tm.capture()[:400])
        tm.keys("F9")
        tm.keys("Enter")
        c.true("--remote-control: SIGTERM sent there, said",
               tm.wait_for(r"SIGTERM to %d \(rivictim\) on testhost: sent" % victim.pid, 20),
               tm.capture()[-300:])
        try:
            rc = victim.wait(10)
        except subprocess.TimeoutExpired:
            victim.kill()
            rc = None
        c.true("--remote-control: the process ended by it", rc == -signal.SIGTERM, "%s" % rc)
        tm.keys("q")
    finally:
        for t in (tool, rec):
            if t:
                t.kill()
        if victim and victim.poll() is None:
            victim.kill()
            victim.wait()
        if sshd:
            sshd.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish("%d ticks over ssh, two drops (one with the server down), no gap" % len(got))


if __name__ == "__main__":
    main()
