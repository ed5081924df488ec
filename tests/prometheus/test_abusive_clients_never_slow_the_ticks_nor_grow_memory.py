#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Whatever clients do to the metrics endpoint, the monitor ticks on
time, its memory stays bounded, and a normal scrape still answers.

The tool runs as `-b --json -d 0.5 --listen PORT` (its JSON ticks say
when each tick happened). For about fifteen seconds, all at once, on
loopback:
  - 500 connections opened and left idle;
  - 20 clients sending a request one header byte per second (and, after
    the rest, 5 alone, to see the deadline itself cut them off);
  - a request with a 1 MiB header;
  - POST and PUT with bodies, a GET with a body, a lower-case method;
  - bytes that are not HTTP (random bytes, a TLS hello, blank lines, NULs);
  - thousands of requests in a loop (keep-alive and fresh connections);
  - and a normal scrape every half second.
Checked: every normal scrape and every request of the loop got 200 and a
whole exposition; every idle and every slow client was cut off within the
server's deadline (10 s, plus the guard's 0.25 s period and some slack);
the 1 MiB header and the non-HTTP bytes never got a 200; the methods got
405, the GET with a body 400; the ticks kept their schedule (every one
within 0.15 s of its slot, none missing); the tool's peak memory grew by
less than 48 MiB; it ends cleanly with no sanitizer report.
"""

import http.client
import os
import selectors
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DELAY = 0.5
ABUSE_S = 15.0
DEADLINE_S = 10.0 + 0.25 + 1.5   # the server's, its guard's period, slack
IDLE = 500
SLOW = 20
LOOP = 2000
MEM_GROWTH_MIB = 48


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def closed_by_peer(s):
    """Whether the peer closed (EOF or reset), without blocking."""
    try:
        s.setblocking(False)
        data = s.recv(65536)
        return data == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.d = {}

    def add(self, key, value):
        with self.lock:
            self.d.setdefault(key, []).append(value)

    def get(self, key):
        with self.lock:
            return list(self.d.get(key, []))


def idle_clients(port, res, stop):
    """IDLE connections left idle: when does the server close each?"""
    sel = selectors.DefaultSelector()
    opened = {}
    for _ in range(IDLE):
        try:
            s = connect(port)
        except OSError as e:
            res.add("idle_connect_error", str(e))
            continue
        s.setblocking(False)
        opened[s] = time.monotonic()
        sel.register(s, selectors.EVENT_READ)
    while opened and not stop.is_set():
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            if closed_by_peer(s):
                res.add("idle_closed_after", time.monotonic() - opened.pop(s))
                sel.unregister(s)
                s.close()
    for s in opened:
        res.add("idle_left_open", 1)
        s.close()


def slow_clients(port, res, stop, n=SLOW, key="slow"):
    """n clients sending one byte of a header per second."""
    conns = {}
    for _ in range(n):
        try:
            s = connect(port)
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            conns[s] = time.monotonic()
        except OSError as e:
            res.add(key + "_connect_error", str(e))
    while conns and not stop.is_set():
        for s, t0 in list(conns.items()):
            gone = closed_by_peer(s)
            if not gone:
                try:
                    s.setblocking(True)
                    s.settimeout(1)
                    s.send(b"a")
                except OSError:
                    gone = True
            if gone:
                res.add(key + "_closed_after", time.monotonic() - t0)
                del conns[s]
                s.close()
        stop.wait(1.0)
    for s in conns:
        res.add(key + "_left_open", 1)
        s.close()


def raw_exchange(port, payload, wait=DEADLINE_S):
    """Sends payload, reads until the server closes or wait passes:
    (status line or None, seconds until closed or None)."""
    t0 = time.monotonic()
    s = connect(port, timeout=wait)
    try:
        try:
            s.sendall(payload)
        except OSError:
            pass
        data = b""
        while time.monotonic() - t0 < wait:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                chunk = b""
            if not chunk:
                return (data.split(b"\r\n", 1)[0] or None), time.monotonic() - t0
            data += chunk
        return (data.split(b"\r\n", 1)[0] or None), None
    finally:
        s.close()


def odd_requests(port, res):
    big = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * (1 << 20) + b"\r\n\r\n"
    res.add("big_header", raw_exchange(port, big))
    for name, req in (
            ("POST", b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
            ("PUT", b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + b"p" * 100000),
            ("GET with a body", b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"),
            ("lower-case get", b"get /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("path outside", b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")):
        res.add("method", (name, raw_exchange(port, req)))
    tls_hello = bytes.fromhex("16030100a5010000a10303") + os.urandom(32) + b"\x00" * 120
    for name, junk in (("random bytes", os.urandom(8192)), ("a TLS hello", tls_hello),
                       ("blank lines", b"\r\n" * 20000), ("NULs", b"\0" * 65536),
                       ("one endless line", b"G" * 300000)):
        res.add("junk", (name, raw_exchange(port, junk)))


def loop_requests(port, res, stop):
    """LOOP requests on keep-alive connections, and a few hundred fresh ones."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    n = 0
    while n < LOOP and not stop.is_set():
        accept = ri.PROM_ACCEPT if n % 2 else None
        try:
            if n % 5 == 4:
                st, _, body = ri.http_get(port, accept=accept)
            else:
                c.request("GET", "/metrics", headers={"Accept": accept} if accept else {})
                r = c.getresponse()
                st, body = r.status, r.read()
        except (OSError, http.client.HTTPException) as e:
            res.add("loop_error", str(e))
            c.close()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            n += 1
            continue
        whole = body.endswith(b"# EOF\n") if accept else b"resource_image_series " in body
        res.add("loop", st == 200 and whole)
        n += 1
    c.close()


def normal_scrapes(port, res, stop):
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            st, _, body = ri.http_get(port, accept=ri.PROM_ACCEPT, timeout=5)
            ok = st == 200 and body.endswith(b"# EOF\n")
        except OSError as e:
            ok = False
            res.add("scrape_error", str(e))
        res.add("scrape", (ok, time.monotonic() - t0))
        stop.wait(0.5)


def main():
    ri.preflight_source(bpf_only=True)
    checks = ri.Checks()
    san = ri.SanDir()
    # ASan keeps freed blocks for a while: measure the tool, not its quarantine.
    ri.asan_without_quarantine()
    port = ri.free_port()
    tool = ri.Tool.json(["-d", str(DELAY), "--listen", str(port)], san=san)
    if not ri.wait_http(port, timeout=20, proc=tool):
        tool.fail_with("the endpoint did not answer on port %d" % port)
    tool.need_ticks(4, 20)
    # A few scrapes first: the buffers of a served exposition exist before.
    for _ in range(5):
        ri.http_get(port, accept=ri.PROM_ACCEPT)
        ri.http_get(port)
    time.sleep(1)
    hwm0 = ri.vm_hwm_kib(tool.pid)
    start = time.time()
    n0 = len(tool.ticks)

    res, stop = Results(), threading.Event()
    threads = [threading.Thread(target=f, args=a, daemon=True) for f, a in (
        (idle_clients, (port, res, stop)), (slow_clients, (port, res, stop)),
        (odd_requests, (port, res)), (loop_requests, (port, res, stop)),
        (normal_scrapes, (port, res, stop)))]
    for t in threads:
        t.start()
    stop.wait(ABUSE_S)
    stop.set()
    for t in threads:
        t.join(DEADLINE_S + 10)
    end = time.time()
    hwm1 = ri.vm_hwm_kib(tool.pid)
    # Alone (above, the crowd had them evicted early): the deadline itself.
    alone, stop2 = threading.Event(), threading.Event()
    t = threading.Thread(target=lambda: (slow_clients(port, res, stop2, 5, "alone"),
                                         alone.set()), daemon=True)
    t.start()
    alone.wait(DEADLINE_S + 5)
    stop2.set()
    t.join(5)

    scrapes = res.get("scrape")
    checks.true("a normal scrape every 0.5 s: all 200 with a whole exposition",
                scrapes and all(ok for ok, _ in scrapes),
                "%d of %d; errors: %s" % (sum(ok for ok, _ in scrapes), len(scrapes),
                                         res.get("scrape_error")[:3]))
    checks.true("a normal scrape answers within 2 s",
                scrapes and max(t for _, t in scrapes) < 2.0,
                "slowest %.3f s" % max([t for _, t in scrapes] or [0]))
    loop = res.get("loop")
    checks.true("%d requests in a loop: all 200 with a whole exposition" % LOOP,
                len(loop) >= LOOP * 0.95 and all(loop) and not res.get("loop_error"),
                "%d ok of %d; errors: %s" % (sum(loop), len(loop), res.get("loop_error")[:3]))
    idle = res.get("idle_closed_after")
    checks.true("%d idle connections: every one closed by the server" % IDLE,
                len(idle) + len(res.get("idle_connect_error")) == IDLE and
                not res.get("idle_left_open"),
                "%d closed, %d refused at connect, %d left open" % (
                    len(idle), len(res.get("idle_connect_error")),
                    len(res.get("idle_left_open"))))
    checks.true("idle connections closed within %.2f s" % DEADLINE_S,
                idle and max(idle) <= DEADLINE_S, "slowest %.2f s" % max(idle or [0]))
    slow = res.get("slow_closed_after")
    checks.true("%d clients sending a header byte a second: all cut off within %.2f s"
                % (SLOW, DEADLINE_S),
                len(slow) == SLOW and max(slow) <= DEADLINE_S,
                "%d cut, slowest %.2f s" % (len(slow), max(slow or [0])))
    slow = res.get("alone_closed_after")
    checks.true("5 such clients alone: cut off at the deadline (10 to %.2f s)" % DEADLINE_S,
                len(slow) == 5 and min(slow) >= 9.5 and max(slow) <= DEADLINE_S,
                "%d cut, after %s s" % (len(slow), ", ".join("%.2f" % x for x in slow)))
    big = res.get("big_header")
    checks.true("1 MiB header: no 200, and an answer or a close",
                big and (big[0][0] is None or b" 200 " not in big[0][0]) and
                big[0][1] is not None, str(big))
    want = {"POST": b" 405 ", "PUT": b" 405 ", "GET with a body": b" 400 ",
            "lower-case get": None, "path outside": b" 404 "}
    for name, (line, closed) in res.get("method"):
        w = want[name]
        ok = (line is not None and w in line) if w else \
            (line is None or b" 200 " not in line)
        checks.true("%s: %s" % (name, (w or b"no 200").decode().strip()), ok,
                    "%s, closed after %s s" % (line, closed and "%.2f" % closed))
    for name, (line, closed) in res.get("junk"):
        checks.true("not HTTP (%s): no 200, closed within the deadline" % name,
                    (line is None or b" 200 " not in line) and closed is not None,
                    "%s, closed after %s s" % (line, closed and "%.2f" % closed))

    # The schedule of the ticks during the abuse, from their own times.
    during = [t for t in tool.ticks[n0:] if start <= t["time"] <= end]
    gaps = [b["time"] - a["time"] for a, b in zip(during, during[1:])]
    late = max([abs(g - DELAY) for g in gaps] or [99])
    checks.true("ticks during the abuse: every one in its slot (+-0.15 s)",
                late <= 0.15, "worst gap %.3f s off %.1f s over %d ticks" % (late, DELAY,
                                                                            len(during)))
    checks.true("ticks during the abuse: none missing",
                len(during) >= int((end - start) / DELAY) - 1,
                "%d ticks in %.1f s" % (len(during), end - start))
    grew = (hwm1 - hwm0) / 1024.0 if hwm0 and hwm1 else None
    checks.true("peak memory grew by less than %d MiB" % MEM_GROWTH_MIB,
                grew is not None and grew < MEM_GROWTH_MIB,
                "%.1f MiB -> %.1f MiB" % ((hwm0 or 0) / 1024.0, (hwm1 or 0) / 1024.0))
    st = ri.http_get(port)[0]
    checks.true("after the abuse, a scrape answers", st == 200, str(st))

    ri.stop_checked(tool, checks, san)
    checks.finish("worst tick %.3f s off its slot; %d scrapes, slowest %.3f s; "
                  "peak memory +%.1f MiB" % (late, len(scrapes),
                                            max([t for _, t in scrapes] or [0]), grew or 0))


if __name__ == "__main__":
    main()
