#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_header_network - the header's network rates are the bytes that
crossed the machine's interfaces.

The test makes a network of its own: a veth pair, one end here and the
other in a network namespace of its own, IPv6 off on both so that no
neighbour discovery talks on it. A thread here sends UDP datagrams of a
known size, paced, to an echo process in the namespace, which sends each
one back; another thread here counts what comes back. Both count in the
test's own memory, and a sampler reads those counts with wall-clock
stamps, densely near the moments the tool is due to tick (its ticks keep
to a grid).

Each datagram crosses the veth end here as PAYLOAD + 42 bytes (UDP 8, IPv4
20, Ethernet 14), out, then back in. For every steady tick the tool's
net_tx_bps and net_rx_bps times the interval must lie within the range
of those bytes between the samples around the interval's two ends, with
2% and 16 KiB of slack (the machine's other interfaces: this one idles;
loopback is not counted at all). Summed over the steady ticks, where
the uncertainty of the reads' moments is left at the two ends, the
slack is 0.5%: the wire's bytes, told from the payload's. Then the same from a run whose
choice (-p) hides every other process: the header stays the machine's.
"""

import os
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

PAYLOAD = 1000
WIRE = PAYLOAD + 8 + 20 + 14
RATE = 1500            # datagrams per second each way: 1.56 MB/s on the wire
TICKS = 6
SLACK_FRAC = 0.02
SLACK_BYTES = 16384
READ_EARLY = 0.02      # the tool reads /proc/net/dev this near its tick's time
READ_LATE = 0.05
GRID_SLACK = 0.1

ECHO = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(65536)
    s.sendto(data, peer)
"""


def sh(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if r.returncode:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))


class Veth:
    """A veth pair, host end HOST_IP, far end FAR_IP in namespace ns."""

    def __init__(self):
        tag = os.getpid() % 100000
        self.ns, self.here, self.far = "rinet%d" % tag, "rih%d" % tag, "rif%d" % tag
        self.host_ip, self.far_ip = "10.213.%d.1" % (tag % 250), "10.213.%d.2" % (tag % 250)
        self.echo = None
        sh("ip", "netns", "add", self.ns)
        try:
            sh("ip", "link", "add", self.here, "type", "veth", "peer", "name", self.far)
            sh("ip", "link", "set", self.far, "netns", self.ns)
            for ns, dev in ((None, self.here), (self.ns, self.far)):
                pre = ["ip", "netns", "exec", ns] if ns else []
                sh(*pre, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev)
            sh("ip", "addr", "add", self.host_ip + "/30", "dev", self.here)
            sh("ip", "link", "set", self.here, "up")
            sh("ip", "netns", "exec", self.ns, "ip", "addr", "add", self.far_ip + "/30",
               "dev", self.far)
            sh("ip", "netns", "exec", self.ns, "ip", "link", "set", self.far, "up")
            self.port = 9000 + tag % 1000
            self.echo = subprocess.Popen(
                ["ip", "netns", "exec", self.ns, sys.executable, "-c", ECHO, self.far_ip,
                 str(self.port)], stdout=subprocess.PIPE, text=True)
            if self.echo.stdout.readline().strip() != "ready":
                raise RuntimeError("the echo process in the namespace did not start")
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.echo:
            self.echo.kill()
            self.echo.wait()
        subprocess.run(["ip", "link", "del", self.here], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)


class Traffic:
    """Paced datagrams to the echo, and the count of what came back."""

    def __init__(self, veth):
        self.sent = self.got = 0
        self.stop = threading.Event()
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((veth.host_ip, 0))
        self.s.settimeout(0.2)
        self.dest = (veth.far_ip, veth.port)
        self.threads = [threading.Thread(target=self._send, daemon=True),
                        threading.Thread(target=self._recv, daemon=True)]
        for t in self.threads:
            t.start()

    def _send(self):
        data = b"x" * PAYLOAD
        t0 = time.monotonic()
        while not self.stop.is_set():
            due = int((time.monotonic() - t0) * RATE)
            while self.sent < due:
                self.s.sendto(data, self.dest)
                self.sent += 1
            time.sleep(0.002)

    def _recv(self):
        while not self.stop.is_set():
            try:
                self.s.recv(65536)
                self.got += 1
            except socket.timeout:
                pass

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join()
        self.s.close()


def wire_range(samples, start, end, k):
    """(least, most) bytes of count k that crossed between a sample
    around start and one around end; None when not covered."""
    a = ri.bracket(samples, start - READ_EARLY, start + READ_LATE)
    b = ri.bracket(samples, end - READ_EARLY, end + READ_LATE)
    if a is None or b is None:
        return None
    spans = [y[k] - x[k] for x in a for y in b]
    return min(spans) * WIRE, max(spans) * WIRE


def check_run(c, traffic, args, label):
    tool = ri.Tool.json(["-d", "1", "-n", str(TICKS)] + args)
    grid = []

    def period(now):
        if not grid and tool.ticks:
            grid.append(ri.around_ticks(tool.ticks[0]["time"], 1.0, near=GRID_SLACK))
        return grid[0](now) if grid else 0.0005
    sampler = ri.Sampler(lambda: (traffic.sent, traffic.got), period=period)
    try:
        tool.need_ticks(TICKS, 30)
        tool.wait(10)
    finally:
        samples = sampler.stop()
        tool.kill()
    tool.require_clean()
    steady = list(ri.steady(tool.ticks))
    c.true("%s: steady ticks to check" % label, len(steady) >= 3, "%d" % len(steady))
    for tick in steady:
        end, dt = tick["time"], tick["interval_s"]
        for key, k, what in (("net_tx_bps", 0, "sent"), ("net_rx_bps", 1, "received")):
            got = tick.get(key)
            rng = wire_range(samples, end - dt, end, k)
            lo, hi = rng if rng else (None, None)
            c.within("%s: bytes %s in the tick at %.0f (%s x interval)" % (
                label, what, end, key), None if got is None else got * dt, lo, hi,
                SLACK_BYTES + SLACK_FRAC * (hi or 0), "B")
    # Over the steady ticks together, the uncertainty of where each read
    # fell is left at the two ends only: tight enough to tell the wire's
    # bytes from the payload's (4% apart).
    if len(steady) < 3:
        return
    start, end = steady[0]["time"] - steady[0]["interval_s"], steady[-1]["time"]
    for key, k, what in (("net_tx_bps", 0, "sent"), ("net_rx_bps", 1, "received")):
        vals = [t.get(key) for t in steady]
        got = None if None in vals else sum(v * t["interval_s"]
                                            for v, t in zip(vals, steady))
        rng = wire_range(samples, start, end, k)
        lo, hi = rng if rng else (None, None)
        c.within("%s: bytes %s over %d steady ticks, as the wire carries them" % (
            label, what, len(steady)), got, lo, hi, SLACK_BYTES + 0.005 * (hi or 0), "B")


def main():
    ri.preflight_source()
    if not os.path.exists("/usr/sbin/ip") and not os.path.exists("/sbin/ip"):
        ri.skip("no ip(8) to make a veth pair with (iproute2)")
    c = ri.Checks()
    try:
        veth = Veth()
    except (RuntimeError, OSError) as e:
        ri.skip("cannot make a veth pair in a namespace here: %s" % e)
    traffic = None
    burner = None
    try:
        traffic = Traffic(veth)
        check_run(c, traffic, [], "system-wide")
        burner = ri.Workload("burn", ["--name", ri.comm_name("rinetp"), "--seconds", "30",
                                      "--thread", "t:5"])
        check_run(c, traffic, ["-p", str(burner.pid)], "with -p")
    finally:
        if burner:
            burner.kill()
        if traffic:
            traffic.close()
        veth.close()
    c.finish("%d datagrams of %d bytes each way" % (traffic.sent, PAYLOAD))


if __name__ == "__main__":
    main()
