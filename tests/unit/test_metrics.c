// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the metrics endpoint's core (core/metrics*.c,
 * http_route.c, listen.c, the durations of units.c) over a model fed synthetic
 * snapshots: group counters equal to the ground truth of every task
 * that lived (before the tool, between two ticks, across an exit, a PID
 * reuse and a rename), never decreasing; lingering; the series bound and
 * the fold into "other"; chosen processes and thread names; both
 * formats, line for line; label escaping of any bytes; exact seconds;
 * routing and Accept negotiation; the --listen and duration parsers.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "units.h"
#include "http_route.h"
#include "listen.h"
#include "metrics.h"
#include "metrics_priv.h"
#include "model.h"
#include "check.h"
#include "world.h"

#define T0 (7000 * SEC)

/* --- a model fed by hand ---------------------------------------------------- */

struct feed {
	struct world w;
	struct ri_metrics *mx;
	struct ri_expo e;
};

static void feed_init(struct feed *f, const struct ri_metrics_opts *mo)
{
	struct ri_model_opts o = { .missing_grace = 1, .thread_history = true };

	memset(f, 0, sizeof(*f));
	world_init(&f->w, &o);
	f->mx = ri_metrics_new(mo);
	if (!f->mx)
		exit(1);
	f->w.now = T0;
	f->w.d.machine.mem_total = 1ULL << 33;
}

static void feed_free(struct feed *f)
{
	ri_metrics_free(f->mx);
	world_free(&f->w);
	ri_expo_free(&f->e);
}

/* A task's cumulative counters: every one derived from its CPU time. */
static struct ri_task worked(pid_t tid, pid_t pid, uint64_t start, const char *comm,
			     uint64_t cpu_ns)
{
	struct ri_task t = task(tid, pid, start, comm);

	t.cpu_ns = cpu_ns;
	t.rchar = cpu_ns / 1000;
	t.wchar = cpu_ns / 2000;
	t.read_bytes = cpu_ns / 4000;
	t.write_bytes = cpu_ns / 8000;
	t.nvcsw = cpu_ns / MS;
	t.nivcsw = cpu_ns / (10 * MS);
	t.run_delay_ns = cpu_ns / 3;
	t.pcount = cpu_ns / MS;
	t.rss_pages = 256;
	return t;
}

/* @t's exit half a second into the coming interval, its memory freed. */
static void gone(struct feed *f, struct ri_task t)
{
	t.rss_pages = 0;
	died(&f->w, t, f->w.now + SEC / 2);
}

/* One second on: the model, the metrics, both formats rendered. */
static void step(struct feed *f)
{
	struct ri_metrics_self self = { "0.0-test", "test", "none", 1234, 0.0025, 0.0001 };

	CHECK_EQ(tick(&f->w, SEC), 0);
	CHECK_EQ(ri_metrics_update(f->mx, f->w.m), 0);
	CHECK_EQ(ri_metrics_render(f->mx, f->w.m, &self, &f->e), 0);
	CHECK_EQ(ri_metrics_finish(f->mx, &f->e), 0);
}

/* The value of @series ("name{labels}") in @b; NAN when absent. */
static double value(const struct ri_buf *b, const char *series)
{
	size_t n = strlen(series);
	const char *p = b->p, *end = b->p + b->len;

	while (p && p < end) {
		if ((size_t)(end - p) > n && !strncmp(p, series, n) && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p = memchr(p, '\n', (size_t)(end - p));
		if (p)
			p++;
	}
	return NAN;
}

static double om(const struct feed *f, const char *series)
{
	return value(&f->e.om, series);
}

static bool has_line(const struct ri_buf *b, const char *line)
{
	size_t n = strlen(line);
	const char *p = b->p, *end = b->p + b->len;

	while (p && p < end) {
		if ((size_t)(end - p) >= n && !strncmp(p, line, n) &&
		    (p + n == end || p[n] == '\n'))
			return true;
		p = memchr(p, '\n', (size_t)(end - p));
		if (p)
			p++;
	}
	return false;
}

#define G_CPU(comm) "resource_image_group_cpu_seconds_total{comm=\"" comm "\"}"

/* --- groups ---------------------------------------------------------------- */

/*
 * web: pid 100 (threads 100, 101) started before the tool, and pid 200
 * which exits; a job born and dead between two ticks; PID 200 reused.
 * Each group's counter must be the sum of what its tasks did, exits
 * included, and never go down.
 */
static void test_groups_count_every_task(void)
{
	struct feed f;
	const uint64_t old = T0 - 100 * SEC;
	double prev = 0;
	int i;

	feed_init(&f, NULL);
	/* Before the tool: 100 has 3 s + 1 s, 200 has 2 s. */
	live(&f.w, worked(100, 100, old, "web", 3 * SEC));
	live(&f.w, worked(101, 100, old, "web", 1 * SEC));
	live(&f.w, worked(200, 200, old, "web", 2 * SEC));
	step(&f);
	CHECK_NEAR(om(&f, G_CPU("web")), 6.0, 1e-9);
	CHECK_NEAR(om(&f, "resource_image_group_processes{comm=\"web\"}"), 2, 0);
	CHECK_NEAR(om(&f, "resource_image_group_threads{comm=\"web\"}"), 3, 0);
	CHECK_NEAR(om(&f, "resource_image_group_resident_memory_bytes{comm=\"web\"}"),
		   2 * 256 * 4096, 0);
	/* What the first sight brings: every counter, not only CPU. */
	CHECK_NEAR(om(&f, "resource_image_group_read_bytes_total{comm=\"web\"}"),
		   6 * SEC / 1000, 0);
	CHECK_NEAR(om(&f, "resource_image_group_wait_seconds_total{comm=\"web\"}"),
		   (double)(3 * SEC / 3 + 1 * SEC / 3 + 2 * SEC / 3) * 1e-9, 1e-9);
	CHECK_NEAR(om(&f, "resource_image_group_context_switches_total{comm=\"web\","
			  "kind=\"voluntary\"}"), 6000, 0);

	/* 100 +0.5 s; 200 exits after +0.25 s; a job lives 30 ms in between. */
	live(&f.w, worked(100, 100, old, "web", 3 * SEC + SEC / 2));
	live(&f.w, worked(101, 100, old, "web", 1 * SEC));
	gone(&f, worked(200, 200, old, "web", 2 * SEC + SEC / 4));
	gone(&f, worked(300, 300, f.w.now + SEC / 4, "job", 30 * MS));
	step(&f);
	CHECK_NEAR(om(&f, G_CPU("web")), 6.75, 1e-9);
	CHECK_NEAR(om(&f, G_CPU("job")), 0.03, 1e-9);
	CHECK_NEAR(om(&f, "resource_image_group_exited_processes_total{comm=\"web\"}"), 1, 0);
	CHECK_NEAR(om(&f, "resource_image_group_exited_processes_total{comm=\"job\"}"), 1, 0);
	CHECK_NEAR(om(&f, "resource_image_group_processes{comm=\"web\"}"), 1, 0);
	CHECK_NEAR(om(&f, "resource_image_group_processes{comm=\"job\"}"), 0, 0);
	CHECK_NEAR(om(&f, "resource_image_group_written_bytes_total{comm=\"job\"}"),
		   30 * MS / 2000, 0);

	/* PID 200 reused by a new web (born after the tool: counted from 0). */
	for (i = 0; i < 5; i++) {
		live(&f.w, worked(100, 100, old, "web", 3 * SEC + SEC / 2 + (uint64_t)i * 100 * MS));
		live(&f.w, worked(101, 100, old, "web", 1 * SEC));
		live(&f.w, worked(200, 200, T0 + 2 * SEC + SEC / 2, "web", (uint64_t)(i + 1) * 10 * MS));
		step(&f);
		CHECK(om(&f, G_CPU("web")) >= prev);
		prev = om(&f, G_CPU("web"));
	}
	CHECK_NEAR(om(&f, G_CPU("web")), 6.75 + 0.4 + 0.05, 1e-9);
	CHECK_NEAR(om(&f, "resource_image_group_processes{comm=\"web\"}"), 2, 0);
	/* The job's group lingers (default 5 min) with its final count. */
	CHECK_NEAR(om(&f, G_CPU("job")), 0.03, 1e-9);
	feed_free(&f);
}

/* A rename (exec, PR_SET_NAME): what came after goes to the new name. */
static void test_rename_moves_new_counts_only(void)
{
	struct feed f;
	const uint64_t old = T0 - 10 * SEC;

	feed_init(&f, NULL);
	live(&f.w, worked(50, 50, old, "sh", 1 * SEC));
	step(&f);
	live(&f.w, worked(50, 50, old, "sh", 1 * SEC + 200 * MS));
	step(&f);
	live(&f.w, worked(50, 50, old, "postgres", 1 * SEC + 500 * MS));
	step(&f);
	CHECK_NEAR(om(&f, G_CPU("sh")), 1.2, 1e-9);
	CHECK_NEAR(om(&f, G_CPU("postgres")), 0.3, 1e-9);
	CHECK_NEAR(om(&f, "resource_image_group_processes{comm=\"sh\"}"), 0, 0);
	CHECK_NEAR(om(&f, "resource_image_group_processes{comm=\"postgres\"}"), 1, 0);
	feed_free(&f);
}

/* A group whose processes are all gone stays linger_s, then goes. */
static void test_linger(void)
{
	struct ri_metrics_opts mo = { .linger_s = 3 };
	struct feed f;
	int i;

	feed_init(&f, &mo);
	live(&f.w, worked(70, 70, T0 - SEC, "cron", 10 * MS));
	step(&f);
	gone(&f, worked(70, 70, T0 - SEC, "cron", 20 * MS));
	step(&f); /* exits at +2 s */
	for (i = 0; i < 3; i++) {
		step(&f);
		CHECK_NEAR(om(&f, G_CPU("cron")), 0.02, 1e-9);
	}
	step(&f); /* 4 s after its last live tick */
	CHECK(isnan(om(&f, G_CPU("cron"))));
	feed_free(&f);
}

/* --- the bound ---------------------------------------------------------------- */

static double series_sum(const struct ri_buf *b, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = b->p, *end = b->p + b->len;
	double sum = 0;

	while (p && p < end) {
		if ((size_t)(end - p) > n && !strncmp(p, prefix, n)) {
			const char *sp = memchr(p, ' ', (size_t)(end - p));

			if (sp)
				sum += strtod(sp + 1, NULL);
		}
		p = memchr(p, '\n', (size_t)(end - p));
		if (p)
			p++;
	}
	return sum;
}

/*
 * 30 names, 12 series each, under a bound of 100: the smallest fold into
 * "other", the sum over every comm stays the truth, "other" never goes
 * down, the series count stays within the bound, and the fold is counted.
 */
static void test_bound_folds_smallest_into_other(void)
{
	struct ri_metrics_opts mo = { .max_series = 100, .linger_s = -1 };
	struct feed f;
	double truth = 0, other = 0;
	char name[16];
	int t, i;

	feed_init(&f, &mo);
	for (t = 0; t < 6; t++) {
		truth = 0;
		for (i = 0; i < 30; i++) {
			uint64_t cpu = (uint64_t)(i + 1) * (uint64_t)(t + 1) * 10 * MS;

			snprintf(name, sizeof(name), "n%02d", i);
			live(&f.w, worked(1000 + i, 1000 + i, T0 + SEC / 2, name, cpu));
			truth += (double)cpu * 1e-9;
		}
		step(&f);
		CHECK(f.e.series <= 100);
		CHECK_NEAR(series_sum(&f.e.om, "resource_image_group_cpu_seconds_total{"),
			   truth, 1e-6);
		CHECK(om(&f, G_CPU("other")) >= other);
		other = om(&f, G_CPU("other"));
	}
	/* The biggest stay themselves, the smallest are folded. */
	CHECK(!isnan(om(&f, G_CPU("n29"))));
	CHECK(isnan(om(&f, G_CPU("n00"))));
	CHECK(om(&f, "resource_image_series_folded_total") >= 12);
	CHECK_NEAR(om(&f, "resource_image_series"), (double)f.e.series, 0);
	feed_free(&f);
}

/*
 * A storm of short-lived processes, each with a name of its own, under a
 * bound of 100 series: the exporter's memory (its groups) stays bounded
 * too, and the total stays the truth.
 */
static void test_storm_of_names_stays_bounded(void)
{
	struct ri_metrics_opts mo = { .max_series = 100, .linger_s = -1 };
	struct feed f;
	double truth = 0;
	size_t most = 0;
	char name[16];
	int t, i;

	feed_init(&f, &mo);
	live(&f.w, worked(10, 10, T0 - SEC, "big", 5 * SEC));
	step(&f);
	for (t = 0; t < 50; t++) {
		for (i = 0; i < 100; i++) {
			snprintf(name, sizeof(name), "job%d", t * 100 + i);
			gone(&f, worked(20000 + t * 100 + i, 20000 + t * 100 + i, f.w.now + SEC / 4,
				      name, 2 * MS));
			truth += 0.002;
		}
		live(&f.w, worked(10, 10, T0 - SEC, "big", 5 * SEC));
		step(&f);
		CHECK(f.e.series <= 100);
		if (f.mx->ngroups > most)
			most = f.mx->ngroups;
	}
	step(&f);
	CHECK(most < 250);
	CHECK(f.mx->nprocs < 10);
	CHECK_NEAR(series_sum(&f.e.om, "resource_image_group_cpu_seconds_total{") - 5.0,
		   truth, 1e-6);
	CHECK_NEAR(om(&f, "resource_image_group_exited_processes_total{comm=\"other\"}") +
			   series_sum(&f.e.om, "resource_image_group_exited_processes_total{comm=\"job"),
		   5000, 0);
	feed_free(&f);
}

/* --- chosen processes and thread names --------------------------------------- */

static void test_chosen_process_and_threads(void)
{
	struct ri_metrics_opts mo = { .threads = true, .linger_s = -1 };
	struct feed f;
	const uint64_t old = T0 - 20 * SEC;
	pid_t pid = 400;
	char s[256];

	feed_init(&f, &mo);
	CHECK_EQ(ri_model_choose(f.w.m, &pid, 1, NULL, 0), 0);
	live(&f.w, worked(400, 400, old, "pg", 2 * SEC));
	live(&f.w, worked(401, 400, old, "pg-worker", 1 * SEC));
	live(&f.w, worked(402, 400, old, "pg-worker", 1 * SEC));
	step(&f);
	live(&f.w, worked(400, 400, old, "pg", 2 * SEC + 100 * MS));
	live(&f.w, worked(401, 400, old, "pg-worker", 1 * SEC + 300 * MS));
	gone(&f, worked(402, 400, old, "pg-worker", 1 * SEC + 50 * MS));
	step(&f);
	CHECK_NEAR(om(&f, "resource_image_process_cpu_seconds_total{pid=\"400\",comm=\"pg\"}"),
		   4.45, 1e-9);
	CHECK_NEAR(om(&f, "resource_image_process_threads{pid=\"400\",comm=\"pg\"}"), 2, 0);
	CHECK_NEAR(om(&f, "resource_image_process_start_time_seconds{pid=\"400\",comm=\"pg\"}"),
		   1.7e9 + (double)(old)*1e-9, 1e-3);
	snprintf(s, sizeof(s), "resource_image_thread_cpu_seconds_total{pid=\"400\","
			       "comm=\"pg\",thread=\"pg-worker\"}");
	CHECK_NEAR(om(&f, s), 2.35, 1e-9);
	CHECK_NEAR(om(&f, "resource_image_thread_threads{pid=\"400\",comm=\"pg\","
			  "thread=\"pg-worker\"}"), 1, 0);
	CHECK_NEAR(om(&f, G_CPU("pg")), 4.45, 1e-9);
	feed_free(&f);
}

/*
 * The exporter's first exposition comes right after the choice is
 * applied, before the model's next update rebuilds its view: what the
 * choice left out is not counted.
 */
static void test_choice_before_the_next_update(void)
{
	struct ri_metrics_self self = { "t", "test", "none", 0, 0, 0 };
	struct ri_metrics *mx;
	struct feed f;
	pid_t pid = 600;

	feed_init(&f, NULL);
	live(&f.w, worked(600, 600, T0 - SEC, "chosen", SEC));
	live(&f.w, worked(700, 700, T0 - SEC, "other_one", SEC));
	step(&f);
	CHECK_EQ(ri_model_choose(f.w.m, &pid, 1, NULL, 0), 0);
	mx = ri_metrics_new(NULL);
	CHECK(mx && ri_metrics_update(mx, f.w.m) == 0);
	CHECK(mx && ri_metrics_render(mx, f.w.m, &self, &f.e) == 0);
	CHECK(mx && ri_metrics_finish(mx, &f.e) == 0);
	CHECK_NEAR(om(&f, G_CPU("chosen")), 1.0, 0);
	CHECK(isnan(om(&f, G_CPU("other_one"))));
	CHECK_NEAR(om(&f, "resource_image_process_cpu_seconds_total{pid=\"600\",comm=\"chosen\"}"),
		   1.0, 0);
	ri_metrics_free(mx);
	feed_free(&f);
}

/* --- the two formats ----------------------------------------------------------- */

static void strip_meta(const struct ri_buf *b, struct ri_buf *out)
{
	const char *p = b->p, *end = b->p + b->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (*p != '#')
			ri_buf_put(out, p, n);
		p += n;
	}
}

static void test_formats(void)
{
	struct ri_buf a = { 0 }, b = { 0 };
	struct feed f;

	feed_init(&f, NULL);
	live(&f.w, worked(10, 10, T0 - SEC, "a", 1500 * MS));
	live(&f.w, worked(11, 11, T0 - SEC, "b", 3 * SEC));
	live(&f.w, worked(12, 12, T0 - SEC, "c", 1));
	step(&f);
	CHECK(has_line(&f.e.text, "# TYPE resource_image_group_cpu_seconds_total counter"));
	CHECK(has_line(&f.e.om, "# TYPE resource_image_group_cpu_seconds counter"));
	CHECK(has_line(&f.e.om, "# UNIT resource_image_group_cpu_seconds seconds"));
	CHECK(has_line(&f.e.om, "# TYPE resource_image_build info"));
	CHECK(has_line(&f.e.text, "# TYPE resource_image_build_info gauge"));
	CHECK(has_line(&f.e.om, "resource_image_build_info{version=\"0.0-test\","
				"source=\"test\",probe=\"none\"} 1"));
	CHECK(has_line(&f.e.om, "resource_image_context_switches_seen_total 1234"));
	CHECK(has_line(&f.e.om, "resource_image_tick_duration_seconds 0.0025"));
	CHECK(has_line(&f.e.om, "resource_image_exposition_cpu_seconds 0.0001"));
	/* Exact decimal seconds. */
	CHECK(has_line(&f.e.om, G_CPU("a") " 1.5"));
	CHECK(has_line(&f.e.om, G_CPU("b") " 3"));
	CHECK(has_line(&f.e.om, G_CPU("c") " 0.000000001"));
	/* OpenMetrics ends with # EOF, the text format does not. */
	CHECK(f.e.om.len > 6 && !memcmp(f.e.om.p + f.e.om.len - 6, "# EOF\n", 6));
	CHECK(!has_line(&f.e.text, "# EOF"));
	CHECK(!has_line(&f.e.text, "# UNIT resource_image_group_cpu_seconds seconds"));
	/* Sample for sample, the same lines. */
	strip_meta(&f.e.om, &a);
	strip_meta(&f.e.text, &b);
	CHECK(a.len == b.len && a.len && !memcmp(a.p, b.p, a.len));
	CHECK_NEAR(om(&f, "resource_image_series"), (double)f.e.series, 0);
	ri_buf_free(&a);
	ri_buf_free(&b);
	feed_free(&f);
}

/*
 * A family of another part of the tool (the alerts'), added between
 * render and finish: in both formats, counted in resource_image_series.
 */
static void test_added_family(void)
{
	static const struct ri_mx_family firing = {
		"resource_image_alert_firing", RI_MX_GAUGE, NULL, "Alerts firing now"
	};
	struct ri_metrics_self self = { "t", "test", "none", 0, 0, 0 };
	char lb[256] = "";
	struct feed f;
	size_t before;

	feed_init(&f, NULL);
	live(&f.w, worked(5, 5, T0 - SEC, "x", SEC));
	step(&f);
	before = (size_t)om(&f, "resource_image_series");
	CHECK_EQ(ri_metrics_render(f.mx, f.w.m, &self, &f.e), 0);
	ri_mx_label(lb, sizeof(lb), "rule", "cpu_hot");
	ri_mx_label(lb, sizeof(lb), "pid", "5");
	ri_mx_label(lb, sizeof(lb), "comm", "x");
	ri_expo_sample_u64(&f.e, &firing, lb, 1);
	CHECK_EQ(ri_metrics_finish(f.mx, &f.e), 0);
	CHECK(has_line(&f.e.om, "resource_image_alert_firing{rule=\"cpu_hot\",pid=\"5\",comm=\"x\"} 1"));
	CHECK(has_line(&f.e.text, "# TYPE resource_image_alert_firing gauge"));
	CHECK_NEAR(om(&f, "resource_image_series"), (double)before + 1, 0);
	feed_free(&f);
}

/* Any bytes in a comm: valid UTF-8, escaped, one series per name. */
static void test_label_escaping(void)
{
	char v[RI_MX_VALUE_MAX], l[256] = "";
	struct feed f;

	CHECK_STR(ri_mx_value(v, "ok", 16), "ok");
	CHECK_STR(ri_mx_value(v, "a\xff" "b", 16), "a\xef\xbf\xbd" "b");
	CHECK_STR(ri_mx_value(v, "\xc3\xa9t\xc3\xa9", 16), "\xc3\xa9t\xc3\xa9");
	/* Overlong, surrogate, truncated: each byte replaced. */
	CHECK_STR(ri_mx_value(v, "\xc0\xaf", 16), "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(ri_mx_value(v, "\xed\xa0\x80", 16),
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(ri_mx_value(v, "x\xe2\x82", 16), "x\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(ri_mx_value(v, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 15),
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ri_mx_label(l, sizeof(l), "comm", "a\"b\\c\nd");
	CHECK_STR(l, "comm=\"a\\\"b\\\\c\\nd\"");
	ri_mx_label(l, sizeof(l), "pid", "7");
	CHECK_STR(l, "comm=\"a\\\"b\\\\c\\nd\",pid=\"7\"");

	feed_init(&f, NULL);
	live(&f.w, worked(5, 5, T0 - SEC, "q\"\\\n\xff", SEC));
	step(&f);
	CHECK_NEAR(om(&f, "resource_image_group_cpu_seconds_total{comm=\"q\\\"\\\\\\n\xef\xbf\xbd\"}"),
		   1.0, 0);
	feed_free(&f);
}

/* --- routing, negotiation ---------------------------------------------------------- */

static const char *prom_accept =
	"application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
	"version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

static void test_routes(void)
{
	struct ri_http_route r;

	ri_http_route("GET", "/metrics", prom_accept, false, &r);
	CHECK(r.status == 200 && r.page == RI_PAGE_METRICS && r.format == RI_FMT_OPENMETRICS);
	ri_http_route("HEAD", "/metrics", NULL, false, &r);
	CHECK(r.status == 200 && r.page == RI_PAGE_METRICS && r.format == RI_FMT_TEXT);
	ri_http_route("GET", "/", NULL, false, &r);
	CHECK(r.status == 200 && r.page == RI_PAGE_INDEX);
	ri_http_route("GET", "/metrics/", NULL, false, &r);
	CHECK(r.status == 404);
	ri_http_route("GET", "/etc/passwd", NULL, false, &r);
	CHECK(r.status == 404);
	ri_http_route("POST", "/metrics", NULL, true, &r);
	CHECK(r.status == 405 && r.page == RI_PAGE_NOT_ALLOWED);
	ri_http_route("PUT", "/", NULL, false, &r);
	CHECK(r.status == 405);
	ri_http_route("get", "/metrics", NULL, false, &r);
	CHECK(r.status == 405);
	ri_http_route("GET", "/metrics", NULL, true, &r);
	CHECK(r.status == 400);
	ri_http_route(NULL, NULL, NULL, false, &r);
	CHECK(r.status == 405);

	CHECK(ri_http_negotiate(prom_accept) == RI_FMT_OPENMETRICS);
	CHECK(ri_http_negotiate("application/openmetrics-text") == RI_FMT_OPENMETRICS);
	CHECK(ri_http_negotiate(" Application/OpenMetrics-Text ; Version=\"1.0.0\" ") ==
	      RI_FMT_OPENMETRICS);
	CHECK(ri_http_negotiate(NULL) == RI_FMT_TEXT);
	CHECK(ri_http_negotiate("") == RI_FMT_TEXT);
	CHECK(ri_http_negotiate("*/*") == RI_FMT_TEXT);
	CHECK(ri_http_negotiate("text/plain;version=0.0.4") == RI_FMT_TEXT);
	CHECK(ri_http_negotiate("application/openmetrics-text;q=0") == RI_FMT_TEXT);
	CHECK(ri_http_negotiate("application/openmetrics-text;version=2.0.0") == RI_FMT_TEXT);
	CHECK(ri_http_negotiate("application/openmetrics-text;q=0.4,text/plain;q=0.5") ==
	      RI_FMT_TEXT);
	CHECK(ri_http_negotiate("text/plain;q=0.5,application/openmetrics-text;q=0.5") ==
	      RI_FMT_OPENMETRICS);
	CHECK(ri_http_negotiate("application/openmetrics-text;q=banana") == RI_FMT_TEXT);
	CHECK(ri_http_negotiate(",,;;==,;q=,") == RI_FMT_TEXT);
}

/* --- parsers -------------------------------------------------------------------------- */

static void test_duration(void)
{
	static const struct {
		const char *s;
		double v;
	} good[] = {
		{ "300", 300 }, { "0", 0 }, { "90s", 90 }, { "5m", 300 }, { "1h30m", 5400 },
		{ "500ms", 0.5 }, { "2.5s", 2.5 }, { "1d", 86400 }, { "1m30", 90 },
	};
	static const char *const bad[] = {
		"", "5x", "-1", "m", "1e3", "inf", "nan", "5 m", "0x10", "1.5.5s", "s5",
	};
	double v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = -1;
		CHECK_EQ(ri_duration_arg(good[i].s, &v), 0);
		CHECK_NEAR(v, good[i].v, 1e-9);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(ri_duration_arg(bad[i], &v) < 0);
}

static void test_listen(void)
{
	static const char *const bad[] = {
		"0", "65536", "abc", "::1:9100", "[::1]9100", ":9100", "1.2.3:80",
		"[zz]:1", "host.example:80", "9100x", "[]:80", "1.2.3.4:", "",
	};
	struct ri_listen l;
	char err[160], s[64];
	size_t i;

	CHECK_EQ(ri_listen_parse("9100", &l, err, sizeof(err)), 0);
	CHECK_STR(ri_listen_str(&l, s, sizeof(s)), "127.0.0.1:9100");
	CHECK_EQ(ri_listen_parse("0.0.0.0:80", &l, err, sizeof(err)), 0);
	CHECK(l.family == AF_INET && l.port == 80);
	CHECK_EQ(ri_listen_parse("[::1]:9100", &l, err, sizeof(err)), 0);
	CHECK(l.family == AF_INET6);
	CHECK_STR(ri_listen_str(&l, s, sizeof(s)), "[::1]:9100");
	CHECK_EQ(ri_listen_parse("localhost:65535", &l, err, sizeof(err)), 0);
	CHECK_STR(ri_listen_str(&l, s, sizeof(s)), "127.0.0.1:65535");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(ri_listen_parse(bad[i], &l, err, sizeof(err)) < 0);
		CHECK(err[0] != '\0');
	}
}

/* The endpoint's flags on the command line. */
static enum ri_cli_result parse(struct ri_opts *o, int argc, char **argv)
{
	FILE *null = fopen("/dev/null", "w");
	enum ri_cli_result r;

	if (!null)
		exit(1);
	r = ri_cli_parse(argc, argv, o, null, null);
	fclose(null);
	return r;
}

static void test_cli_flags(void)
{
	static struct ri_opts o;
	char *all[] = { "ri", "-q", "--listen", "[::1]:9100", "--max-series", "500",
			"--metrics-linger", "1h30m", "--metrics-threads", NULL };
	char *quiet[] = { "ri", "-q", NULL };
	char *zero[] = { "ri", "--listen", "9100", "--metrics-linger", "0", NULL };
	char *bad[][4] = {
		{ "ri", "--listen", "0", NULL },
		{ "ri", "--listen", "9100", "--max-series=99" },
		{ "ri", "--listen", "9100", "--metrics-linger=2d" },
		{ "ri", "--max-series", "500", NULL },
		{ "ri", "--metrics-linger", "5m", NULL },
		{ "ri", "--metrics-threads", NULL, NULL },
	};
	size_t i;

	CHECK(parse(&o, 9, all) == RI_CLI_RUN);
	CHECK(o.quiet && o.batch && o.listen && o.metrics_threads);
	CHECK(o.listen_addr.family == AF_INET6 && o.listen_addr.port == 9100);
	CHECK_EQ(o.max_series, 500);
	CHECK(o.metrics_linger_set);
	CHECK_NEAR(o.metrics_linger, 5400, 0);
	CHECK(parse(&o, 2, quiet) == RI_CLI_RUN);
	CHECK(o.quiet && o.batch && !o.listen);
	CHECK(parse(&o, 5, zero) == RI_CLI_RUN);
	CHECK(o.listen && o.metrics_linger_set && o.metrics_linger == 0 && !o.batch);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = 0;

		while (n < 4 && bad[i][n])
			n++;
		CHECK(parse(&o, n, bad[i]) == RI_CLI_USAGE);
	}
}

int main(void)
{
	test_groups_count_every_task();
	test_rename_moves_new_counts_only();
	test_linger();
	test_bound_folds_smallest_into_other();
	test_storm_of_names_stays_bounded();
	test_chosen_process_and_threads();
	test_choice_before_the_next_update();
	test_formats();
	test_added_family();
	test_label_escaping();
	test_routes();
	test_duration();
	test_listen();
	test_cli_flags();
	return check_report("test_metrics");
}
