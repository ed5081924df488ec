#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A real Prometheus (Debian's) scrapes the tool's endpoint every second,
in both formats, and its own query language gets the truth back.

Set-up: `resource_image -q -d 0.25 --listen PORT` (a pure exporter), and
prometheus on loopback with a generated config (scrape interval 1 s, its
own temporary storage) and two jobs on the same endpoint: "om" scrapes it
directly (Prometheus asks for OpenMetrics), "text" through a small proxy
in this test that asks for the Prometheus text format instead (the
Prometheus of Debian 12 cannot be told to).

Checked, through Prometheus's HTTP API:
  - while `burn` burns a known duty (40%) on one thread,
    rate(resource_image_group_cpu_seconds_total{comm="NAME"}[10s]) gives
    that duty within 0.03 CPU, in each job, three times a second apart;
    the truth is the duty the kernel itself gave the burner over the same
    ten seconds (its threads' schedstat, sampled every 50 ms), which is
    the 40% asked for on a quiet machine, and less when another process
    keeps it from a CPU;
  - `churn` forks children that each live about 30 ms (far less than a
    scrape interval); their group's counter ends with at least 99% of the
    CPU their parent's getrusage(RUSAGE_CHILDREN) reports, and no more
    than 101% (nothing counted twice);
  - both targets are up with no scrape error; Prometheus counted no
    duplicate, out-of-order or out-of-bounds sample; the samples it
    scraped are the series the tool says it exposed; and each job's
    metadata shows the format it ingested (OpenMetrics names a counter's
    family without _total and gives its unit).
"""

import http.client
import http.server
import os
import socketserver
import sys
import threading
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

DUTY = 40.0          # percent of one CPU
TOL = 0.03           # CPU
CHILDREN = 60
CHILD_MS = 30


class TextProxy(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """Forwards GET /metrics to the tool asking for the text format."""
    daemon_threads = True


def proxy_handler(tool_port, seen):
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            c = http.client.HTTPConnection("127.0.0.1", tool_port, timeout=5)
            try:
                c.request("GET", self.path, headers={"Accept": ri.PROM_TEXT})
                r = c.getresponse()
                body = r.read()
                ctype = r.getheader("Content-Type", "")
                seen.add(ctype)
                self.send_response(r.status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                self.send_error(502)
            finally:
                c.close()

        def log_message(self, *a):
            pass
    return H


def main():
    ri.preflight_source(bpf_only=True)
    checks = ri.Checks()
    san = ri.SanDir()
    name = ri.comm_name("promburn")
    cname = ri.comm_name("promch")
    port = ri.free_port()
    tool = ri.Tool(["-q", "-d", "0.25", "--source", ri.RI_SOURCE, "--listen", str(port)],
                   json_mode=False, san=san)
    if not ri.wait_http(port, timeout=20, proc=tool):
        tool.fail_with("the endpoint did not answer on port %d" % port)

    seen = set()
    proxy = TextProxy(("127.0.0.1", 0), proxy_handler(port, seen))
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    prom = ri.Prometheus({"om": ["127.0.0.1:%d" % port],
                          "text": ["127.0.0.1:%d" % proxy.server_address[1]]})
    # The first scrape comes seconds after Prometheus is ready.
    prom.wait_up()
    t0 = time.monotonic()

    burn = ri.Workload("burn", ["--name", name, "--thread", "%s:%g" % (name, DUTY),
                                "--seconds", "30"])
    cpu_of = ri.Sampler(lambda: ri.task_cpu_ns(burn.pid), period=0.05)
    errs = []
    # The window must lie wholly within the burn: 10 s plus two scrapes.
    time.sleep(13)
    for i in range(3):
        for job in ("om", "text"):
            now = min(time.time(), cpu_of.samples[-1][0])
            v = prom.value('rate(resource_image_group_cpu_seconds_total{comm="%s",job="%s"}[10s])'
                           % (name, job))
            got = ri.interpolate(cpu_of.samples, now - 10), ri.interpolate(cpu_of.samples, now)
            kernel = (got[1] - got[0]) / 1e10 if None not in got else float("nan")
            checks.close("%s: rate of %s's CPU over 10 s (query %d; asked for %.2f), "
                         "truth from the kernel's schedstat" % (job, name, i + 1, DUTY / 100),
                         v, kernel, TOL, " CPU")
            if v is not None:
                errs.append(abs(v - kernel))
        time.sleep(1)
    cpu_of.stop()
    burn.stop()

    d = ri.io_dir()
    churn = ri.Workload("churn", ["--children", str(CHILDREN), "--cpu-ms", str(CHILD_MS),
                                  "--write-kib", "0", "--dir", d, "--name", cname])
    truth = churn.wait(60)
    os.rmdir(d)
    checks.true("churn: every child ran", truth["children_ok"] == CHILDREN,
                "%d of %d" % (truth["children_ok"], CHILDREN))
    cpu = truth["children_cpu_ns"] / 1e9
    # Two ticks and two scrapes after the last child.
    time.sleep(2.5)
    for job in ("om", "text"):
        v = prom.value('resource_image_group_cpu_seconds_total{comm="%s",job="%s"}'
                       % (truth["child_comm"], job))
        checks.at_least("%s: %d children of %d ms: their group's CPU over their getrusage"
                        % (job, CHILDREN, CHILD_MS), v and v / cpu, 0.99)
        checks.true("%s: nothing counted twice (<= 101%% of getrusage)" % job,
                    v is not None and v <= cpu * 1.01 + 0.002,
                    "%s s of %.4f s" % (v, cpu))
        n = prom.value('resource_image_group_exited_processes_total{comm="%s",job="%s"}'
                       % (truth["child_comm"], job))
        checks.true("%s: every child counted as exited" % job, n == CHILDREN,
                    "%s of %d" % (n, CHILDREN))

    targets = prom.api("targets")["activeTargets"]
    for job in ("om", "text"):
        t = [x for x in targets if x["labels"].get("job") == job]
        checks.true("%s: target up, no scrape error" % job,
                    len(t) == 1 and t[0]["health"] == "up" and not t[0]["lastError"],
                    str([(x["health"], x["lastError"]) for x in t]))
        checks.true("%s: up == 1" % job, prom.value('up{job="%s"}' % job) == 1)
        diff = prom.value('scrape_samples_scraped{job="%s"} - on(job, instance) '
                          'resource_image_series{job="%s"}' % (job, job))
        checks.true("%s: Prometheus ingested every series the tool exposed" % job,
                    diff == 0, "scraped - exposed = %s" % diff)
    own = prom.self_metrics()
    for m in ("prometheus_target_scrapes_sample_duplicate_timestamp_total",
              "prometheus_target_scrapes_sample_out_of_order_total",
              "prometheus_target_scrapes_sample_out_of_bounds_total",
              "prometheus_target_scrapes_exceeded_sample_limit_total"):
        checks.true("prometheus: %s is 0" % m, own.get(m) == 0, str(own.get(m)))
    om = prom.api("targets/metadata", match_target='{job="om"}',
                  metric="resource_image_group_cpu_seconds")
    text = prom.api("targets/metadata", match_target='{job="text"}',
                    metric="resource_image_group_cpu_seconds_total")
    checks.true("om: ingested as OpenMetrics (family without _total, unit seconds)",
                any(x.get("type") == "counter" and x.get("unit") == "seconds" for x in om),
                str(om))
    checks.true("text: ingested as the text format (counter named with _total)",
                any(x.get("type") == "counter" for x in text), str(text))
    checks.true("text: the proxy got text/plain; version=0.0.4",
                seen == {"text/plain; version=0.0.4; charset=utf-8"}, str(seen))
    elapsed = time.monotonic() - t0

    prom.stop()
    proxy.shutdown()
    ri.stop_checked(tool, checks, san)
    checks.finish("rate - kernel's duty at most %.4f CPU (duty asked %.2f); %d children: "
                  "%.4f s of CPU, getrusage %.4f s; %.0f s with prometheus"
                  % (max(errs or [float("nan")]), DUTY / 100, CHILDREN, v or 0, cpu, elapsed))


if __name__ == "__main__":
    main()
