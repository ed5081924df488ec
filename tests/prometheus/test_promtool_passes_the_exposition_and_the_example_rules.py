#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Prometheus's own linter passes what the tool exposes and the example
alerting rules it ships.

  - `promtool check metrics` on the text exposition of a pure exporter
    (`-q --listen`) watching every process while `weird` runs, whose
    process and thread names hold control characters, quotes,
    backslashes, newlines and bytes that are not UTF-8; and on the
    exposition of the same with `-p WEIRD --metrics-threads`, where those
    names become process and thread labels;
  - every name of a comm appears as valid UTF-8 in both formats, and the
    two formats carry the same samples;
  - with an alert rule that holds for weird (`--alert 'pid=WEIRD: threads
    >= 2'`), its resource_image_alert_firing sample, labelled with the
    rule, the PID and the escaped name, passing the linter too;
  - the formats' headers: Content-Type of each, OpenMetrics ending with
    "# EOF", HEAD giving the headers without a body;
  - `promtool check rules core/alerts/resource_image.rules.yml` and
    `promtool test rules tests/prometheus/rules_test.yml` (each rule
    firing on series shaped like the tool's, and not firing otherwise).
"""

import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True    # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rilib as ri  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(ri.REPO, "core", "alerts", "resource_image.rules.yml")


def promtool(checks, what, args, stdin=None, cwd=None):
    r = subprocess.run(["promtool"] + args, input=stdin, capture_output=True, cwd=cwd,
                       timeout=60)
    out = (r.stdout + r.stderr).decode(errors="replace").strip()
    checks.true("promtool %s" % what, r.returncode == 0,
                out.replace("\n", " | ")[:600] or "clean")


def scrape_both(port):
    """(text exposition, OpenMetrics one, their headers), from one tick:
    fetched again until both carry the same set of series."""
    for _ in range(20):
        st1, h1, text = ri.http_get(port, accept=ri.PROM_TEXT)
        st2, h2, om = ri.http_get(port, accept=ri.PROM_ACCEPT)
        if st1 == st2 == 200 and \
                ri.parse_exposition(text.decode()).keys() == \
                ri.parse_exposition(om.decode()).keys():
            return text, om, h1, h2
        time.sleep(0.1)
    ri.fail("no two scrapes with the same series in 20 tries")


def main():
    ri.preflight_source(bpf_only=True)
    if not shutil.which("promtool"):
        ri.skip("promtool is not installed (make deps installs Debian's prometheus)")
    checks = ri.Checks()
    san = ri.SanDir()
    weird = ri.Workload("weird", ["--seconds", "60", "--name", "wq\"\\\n\udcff\udcc3x"],
                        truth=False)
    rule = "pid=%d: threads >= 2" % weird.pid
    for what, extra in (("every process", []),
                        ("-p weird --metrics-threads", ["-p", str(weird.pid),
                                                        "--metrics-threads"]),
                        ("an alert firing", ["--alert", rule])):
        port = ri.free_port()
        tool = ri.Tool(["-q", "-d", "0.5", "--source", ri.RI_SOURCE, "--listen", str(port)]
                       + extra, json_mode=False, san=san)
        if not ri.wait_http(port, timeout=20, proc=tool):
            tool.fail_with("the endpoint did not answer on port %d" % port)
        time.sleep(1.2)   # a tick or two that saw the threads run
        text, om, h_text, h_om = scrape_both(port)
        promtool(checks, "check metrics (%s)" % what, ["check", "metrics"], stdin=text)
        try:
            text.decode("utf-8")
            om.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False
        checks.true("%s: both formats are valid UTF-8" % what, utf8)
        t, o = ri.parse_exposition(text.decode()), ri.parse_exposition(om.decode())
        checks.true("%s: the same %d series in both formats" % (what, len(t)),
                    t.keys() == o.keys() and len(t) > 50)
        weird_label = 'comm="wq\\"\\\\\\n\ufffd\ufffdx"'
        checks.true("%s: weird's name, escaped and made UTF-8" % what,
                    any(weird_label in k for k in t), weird_label)
        if "--alert" in extra:
            firing = 'resource_image_alert_firing{rule="%s",pid="%d",%s}' % (
                rule, weird.pid, weird_label)
            checks.true("%s: the rule's sample, 1, in both formats" % what,
                        t.get(firing) == 1 and o.get(firing) == 1,
                        str([k for k in t if "alert" in k])[:300])
        elif extra:
            fams = {k.split("{")[0] for k in t}
            checks.true("%s: process and thread families" % what,
                        "resource_image_process_cpu_seconds_total" in fams and
                        "resource_image_thread_cpu_seconds_total" in fams, str(sorted(fams))[:300])
            threads = [k for k in t if k.startswith("resource_image_thread_threads{")]
            checks.true("%s: one series per thread name of weird" % what,
                        len(threads) >= 10, "%d" % len(threads))
        checks.true("%s: text Content-Type" % what,
                    h_text.get("content-type") == "text/plain; version=0.0.4; charset=utf-8",
                    h_text.get("content-type"))
        checks.true("%s: OpenMetrics Content-Type" % what,
                    h_om.get("content-type") ==
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    h_om.get("content-type"))
        checks.true("%s: OpenMetrics ends with # EOF, text does not" % what,
                    om.endswith(b"\n# EOF\n") and b"# EOF" not in text)
        st, h, body = ri.http_get(port, method="HEAD")
        checks.true("%s: HEAD: 200, the headers, no body" % what,
                    st == 200 and body == b"" and int(h.get("content-length", "0")) > 1000,
                    "%s %s %d" % (st, h.get("content-length"), len(body)))
        ri.stop_checked(tool, checks, san, what)
    weird.kill()
    promtool(checks, "check rules", ["check", "rules", RULES])
    promtool(checks, "test rules", ["test", "rules", "rules_test.yml"], cwd=HERE)
    checks.finish()


if __name__ == "__main__":
    main()
