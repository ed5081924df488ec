// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of early warning in core/: units (units.c), the rule parser
 * and rule files (rules.c, with the caret of a bad rule), and the alert
 * states (alerts.c) stepped through a model fed synthetic snapshots:
 * pending from the first tick a condition holds, firing from the first
 * tick at least "for" later, never before, resolved when it stops
 * holding, a spike that never fires, a process that exits or leaves the
 * watched set, a reused PID, selectors, figures the kernel cannot give,
 * the steady-growth metric, and the log.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "format.h"
#include "units.h"
#include "check.h"
#include "world.h"

#define MIB (1024.0 * 1024.0)

/* ---- units ---- */

static void test_units(void)
{
	const char *end;
	double v;

	CHECK(!ri_duration_arg("30s", &v) && v == 30);
	CHECK(!ri_duration_arg("5m", &v) && v == 300);
	CHECK(!ri_duration_arg("5min", &v) && v == 300);
	CHECK(!ri_duration_arg("1.5h", &v) && v == 5400);
	CHECK(!ri_duration_arg("250ms", &v) && fabs(v - 0.25) < 1e-12);
	CHECK(!ri_duration_arg("2d", &v) && v == 172800);
	CHECK(!ri_duration_arg("7", &v) && v == 7);
	CHECK(!ri_duration_arg(".5", &v) && v == 0.5);
	CHECK(ri_duration_arg("", &v));
	CHECK(ri_duration_arg("5x", &v));
	CHECK(ri_duration_arg("5 s", &v));
	CHECK(ri_duration_arg("-5s", &v));
	CHECK(ri_duration_arg("inf", &v));
	CHECK(ri_duration_arg("nan", &v));
	CHECK(ri_duration_arg("1e3", &v));
	CHECK(ri_duration_arg("0x10", &v));
	CHECK(ri_duration_arg("5msec", &v));
	CHECK(ri_duration_arg("1234567890123456789012345678901234567890123", &v));

	CHECK(!ri_parse_size("2G", false, &v, &end) && v == 2 * 1024.0 * MIB && !*end);
	CHECK(!ri_parse_size("1.5M", false, &v, &end) && v == 1.5 * MIB && !*end);
	CHECK(!ri_parse_size("64KiB", false, &v, &end) && v == 65536 && !*end);
	CHECK(!ri_parse_size("64kb", false, &v, &end) && v == 65536 && !*end);
	CHECK(!ri_parse_size("4096B", false, &v, &end) && v == 4096 && !*end);
	CHECK(!ri_parse_size("1T", false, &v, &end) && v == 1024.0 * 1024 * MIB && !*end);
	CHECK(!ri_parse_size("-3M", true, &v, &end) && v == -3 * MIB && !*end);
	CHECK(ri_parse_size("-3M", false, &v, &end) && end && *end == '-');
	/* A suffix followed by letters is not one: the caller points there. */
	CHECK(!ri_parse_size("2Gx", false, &v, &end) && v == 2 && *end == 'G');
	CHECK(!ri_parse_size("10M/min", false, &v, &end) && v == 10 * MIB && *end == '/');

	CHECK(!ri_parse_period("/s", &v, &end) && v == 1 && !*end);
	CHECK(!ri_parse_period("/min", &v, &end) && v == 60 && !*end);
	CHECK(!ri_parse_period("/m", &v, &end) && v == 60 && !*end);
	CHECK(!ri_parse_period("/h x", &v, &end) && v == 3600 && *end == ' ');
	CHECK(!ri_parse_period("x", &v, &end) && v == 0 && *end == 'x');
	CHECK(ri_parse_period("/mins", &v, &end));
	CHECK(ri_parse_period("/", &v, &end));
}

/* ---- the parser ---- */

static void test_parse_good(void)
{
	struct ri_rule r;
	struct ri_rule_error e;

	CHECK_EQ(ri_rule_parse("cpu > 80% for 30s", &r, &e), 0);
	CHECK(r.sel == RI_SEL_ALL && r.metric == RI_AM_CPU && r.op == RI_OP_GT);
	CHECK_NEAR(r.value, 80, 0);
	CHECK_NEAR(r.for_s, 30, 0);
	CHECK_STR(r.text, "cpu > 80% for 30s");

	CHECK_EQ(ri_rule_parse("comm=nginx: rss > 2G", &r, &e), 0);
	CHECK(r.sel == RI_SEL_COMM && r.metric == RI_AM_RSS && r.for_s == 0);
	CHECK_STR(r.comm, "nginx");
	CHECK_NEAR(r.value, 2 * 1024 * MIB, 0);

	CHECK_EQ(ri_rule_parse("growth > 10M/min for 5m", &r, &e), 0);
	CHECK(r.metric == RI_AM_GROWTH);
	CHECK_NEAR(r.value, 10 * MIB / 60, 1e-6);
	CHECK_NEAR(r.for_s, 300, 0);

	CHECK_EQ(ri_rule_parse("growth < -1M for 1h", &r, &e), 0);
	CHECK_NEAR(r.value, -MIB, 0); /* per second without a period */
	CHECK(r.op == RI_OP_LT);

	CHECK_EQ(ri_rule_parse("wait > 20% for 10s", &r, &e), 0);
	CHECK(r.metric == RI_AM_WAIT && r.value == 20 && r.for_s == 10);

	CHECK_EQ(ri_rule_parse("pid=1234: read >= 1.5M/s", &r, &e), 0);
	CHECK(r.sel == RI_SEL_PID && r.pid == 1234 && r.op == RI_OP_GE);
	CHECK_NEAR(r.value, 1.5 * MIB, 0);

	CHECK_EQ(ri_rule_parse("write<100K/min", &r, &e), 0);
	CHECK(r.metric == (RI_AM_FIG + RI_C_WRITE) && r.op == RI_OP_LT);
	CHECK_NEAR(r.value, 102400.0 / 60, 1e-9);

	CHECK_EQ(ri_rule_parse("disk-read <= 0", &r, &e), 0);
	CHECK(r.metric == (RI_AM_FIG + RI_C_DISK_READ) && r.op == RI_OP_LE && r.value == 0);
	CHECK_EQ(ri_rule_parse("disk-write > 5M", &r, &e), 0);
	CHECK(r.metric == (RI_AM_FIG + RI_C_DISK_WRITE));
	CHECK_EQ(ri_rule_parse("csw > 600/min", &r, &e), 0);
	CHECK(r.metric == RI_AM_CSW && r.value == 10);
	CHECK_EQ(ri_rule_parse("threads > 100", &r, &e), 0);
	CHECK(r.metric == RI_AM_THREADS && r.value == 100);
	CHECK_EQ(ri_rule_parse("MEM >= 50", &r, &e), 0);
	CHECK(r.metric == RI_AM_MEM && r.op == RI_OP_GE);
	CHECK_EQ(ri_rule_parse("cpu > 50% for 0s", &r, &e), 0);
	CHECK(r.for_s == 0);

	/* Blanks and comments go; the text keeps what was meant. */
	CHECK_EQ(ri_rule_parse("  \tcpu > 1   # hot  ", &r, &e), 0);
	CHECK_STR(r.text, "cpu > 1");
	CHECK_EQ(ri_rule_parse("comm=\"a:b #c\": cpu > 1 # x", &r, &e), 0);
	CHECK_STR(r.comm, "a:b #c");
	CHECK_STR(r.text, "comm=\"a:b #c\": cpu > 1");
	CHECK_EQ(ri_rule_parse("comm=\"q\\\"x\": cpu > 1", &r, &e), 0);
	CHECK_STR(r.comm, "q\"x");
	CHECK_EQ(ri_rule_parse("comm = Web Content : cpu > 1", &r, &e), 0);
	CHECK_STR(r.comm, "Web Content");
	CHECK_EQ(ri_rule_parse("comm=fifteen_chars_x: cpu > 1", &r, &e), 0);
	CHECK_STR(r.comm, "fifteen_chars_x");

	CHECK_EQ(ri_rule_parse("", &r, &e), 1);
	CHECK_EQ(ri_rule_parse("   ", &r, &e), 1);
	CHECK_EQ(ri_rule_parse("# only a comment", &r, &e), 1);
}

static void bad(const char *rule, size_t pos, const char *what, int line)
{
	struct ri_rule r;
	struct ri_rule_error e;
	int ret = ri_rule_parse(rule, &r, &e);

	if (ret != -EINVAL || e.pos != pos || !strstr(e.what, what)) {
		failed++;
		fprintf(stderr, "%s:%d: FAIL: rule \"%s\": %d at %zu \"%s\", want %zu \"%s\"\n",
			__FILE__, line, rule, ret, e.pos, e.what, pos, what);
	} else {
		passed++;
	}
}

#define BAD(rule, pos, what) bad(rule, pos, what, __LINE__)

static void test_parse_bad(void)
{
	char longrule[400];

	BAD("cpu >> 80%", 5, "expected a number");
	BAD("cpu = 80", 4, "expected a comparison");
	BAD("cpu", 3, "expected a comparison");
	BAD("cpux > 1", 0, "expected a metric");
	BAD("  disk-reed > 5M/s", 2, "expected a metric");
	BAD("> 5", 0, "expected a metric");
	BAD("comm=: cpu > 1", 5, "expected a process name");
	BAD("comm=\"\": cpu > 1", 6, "between the quotes");
	BAD("comm=sixteen_chars_xx: cpu > 1", 20, "at most 15");
	BAD("comm=\"abc: cpu > 1", 18, "closing");
	BAD("comm=kworker/0:1: cpu > 5", 15, "quote a name");
	BAD("comm=nginx cpu > 1", 18, "expected ':'");
	BAD("pid=abc: cpu > 1", 4, "expected a PID");
	BAD("pid=0: cpu > 1", 4, "from 1 to");
	BAD("pid=99999999: cpu > 1", 4, "from 1 to");
	BAD("pid=5 cpu > 1", 6, "expected ':'");
	BAD("rss > 2Q", 7, "end of the value");
	BAD("rss > 2G/s", 8, "end of the value");
	BAD("cpu > 80M", 8, "end of the value (cpu is a percentage");
	BAD("threads > 10%", 12, "end of the value");
	BAD("cpu > -5", 6, "expected a number");
	BAD("cpu > ", 5, "expected a number");
	BAD("read > 5M/x", 10, "after '/'");
	BAD("cpu > 80% for", 13, "a duration");
	BAD("cpu > 80% for 5x", 15, "a duration");
	BAD("cpu > 80% fr 5s", 10, "'for DURATION'");
	BAD("cpu > 80% forever", 10, "'for DURATION'");
	BAD("cpu > 80% for 5s and more", 17, "end of the rule");
	BAD("cpu > 80% for 32d", 14, "at most 31 days");
	BAD("cpu\x01 > 1", 3, "comparison");
	memset(longrule, 'x', sizeof(longrule) - 1);
	longrule[sizeof(longrule) - 1] = '\0';
	BAD(longrule, RI_RULE_TEXT - 1, "at most");
	/* Offsets count from the line as written, leading blanks included. */
	BAD("    cpu >> 1", 9, "expected a number");
}

static void test_error_print(void)
{
	struct ri_rule r;
	struct ri_rule_error e;
	char buf[512];
	FILE *f = tmpfile();
	size_t n;

	if (!f)
		exit(1);
	CHECK_EQ(ri_rule_parse("comm=héllo: cpu >> 1", &r, &e), -EINVAL);
	ri_rule_error_print(f, "--alert", "comm=héllo: cpu >> 1", &e);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	/* The caret sits under the second '>', é counting one column. */
	CHECK_STR(buf, "--alert: expected a number (cpu is a percentage of one CPU)\n"
		       "  comm=héllo: cpu >> 1\n"
		       "                   ^\n");
	fclose(f);
}

static char tmpdir[64];

static const char *write_file(const char *name, const char *text, size_t len)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f))
		exit(1);
	return path;
}

static void test_files(void)
{
	static struct ri_ruleset rs;
	struct ri_rule_error e;
	char bad_line[2048], big[3000], *many;
	size_t lineno, i, o = 0;
	const char *p;
	static const char good[] = "# rules of the web tier\n"
				   "\n"
				   "comm=nginx: cpu > 80% for 30s\r\n"
				   "   rss > 2G   # any process\n"
				   "wait > 20% for 10s";

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ri-test-alerts-XXXXXX");
	if (!mkdtemp(tmpdir))
		exit(1);
	p = write_file("good", good, sizeof(good) - 1);
	memset(&rs, 0, sizeof(rs));
	CHECK_EQ(ri_rules_read_file(p, &rs, &lineno, bad_line, sizeof(bad_line), &e), 0);
	CHECK_EQ(rs.n, 3);
	CHECK_STR(rs.v[0].text, "comm=nginx: cpu > 80% for 30s");
	CHECK_STR(rs.v[1].text, "rss > 2G");
	CHECK(rs.v[2].metric == RI_AM_WAIT);

	p = write_file("bad", "cpu > 1\n\nmem >> 3\n", 19);
	memset(&rs, 0, sizeof(rs));
	CHECK_EQ(ri_rules_read_file(p, &rs, &lineno, bad_line, sizeof(bad_line), &e), -EINVAL);
	CHECK_EQ(lineno, 3);
	CHECK_STR(bad_line, "mem >> 3");
	CHECK_EQ(e.pos, 5);

	p = write_file("nul", "cpu > 1\ncpu\0 > 2\n", 17);
	CHECK_EQ(ri_rules_read_file(p, &rs, &lineno, bad_line, sizeof(bad_line), &e), -EINVAL);
	CHECK_EQ(lineno, 2);
	CHECK(strstr(e.what, "NUL") != NULL);

	memset(big, 'x', sizeof(big));
	p = write_file("long", big, sizeof(big));
	CHECK_EQ(ri_rules_read_file(p, &rs, &lineno, bad_line, sizeof(bad_line), &e), -EINVAL);
	CHECK_EQ(lineno, 1);

	many = malloc(200 * 16);
	if (!many)
		exit(1);
	for (i = 0; i < 200; i++)
		o += (size_t)sprintf(many + o, "cpu > %zu\n", i);
	p = write_file("many", many, o);
	memset(&rs, 0, sizeof(rs));
	CHECK_EQ(ri_rules_read_file(p, &rs, &lineno, bad_line, sizeof(bad_line), &e), -E2BIG);
	CHECK_EQ(lineno, RI_MAX_RULES + 1);
	CHECK_EQ(rs.n, RI_MAX_RULES);
	free(many);

	CHECK_EQ(ri_rules_read_file(tmpdir, &rs, &lineno, bad_line, sizeof(bad_line), &e),
		 -EISDIR);
	CHECK_EQ(lineno, 0);
	snprintf(big, sizeof(big), "%s/none", tmpdir);
	CHECK_EQ(ri_rules_read_file(big, &rs, &lineno, bad_line, sizeof(bad_line), &e),
		 -ENOENT);
	snprintf(big, sizeof(big), "%s/fifo", tmpdir);
	CHECK_EQ(mkfifo(big, 0600), 0);
	CHECK_EQ(ri_rules_read_file(big, &rs, &lineno, bad_line, sizeof(bad_line), &e),
		 -EINVAL);
	unlink(big);
	for (i = 0; i < 5; i++) {
		static const char *const names[] = { "good", "bad", "nul", "long", "many" };

		snprintf(big, sizeof(big), "%s/%s", tmpdir, names[i]);
		unlink(big);
	}
	rmdir(tmpdir);
}

/* ---- the states, through the model ---- */

/* A model, the alerts over it, and the CPU time of each process. */
struct scene {
	struct world w;
	struct ri_alerts *a;
	uint64_t cpu[8]; /* cumulative CPU ns of process 10 + i */
};

static void scene_init(struct scene *s, const char *const *rules, size_t n)
{
	static struct ri_ruleset rs;
	struct ri_rule_error e;
	struct ri_model_opts o = { .growth_window_s = 5 };
	size_t i;

	memset(s, 0, sizeof(*s));
	memset(&rs, 0, sizeof(rs));
	for (i = 0; i < n; i++)
		if (ri_rules_add(&rs, rules[i], &e))
			exit(1);
	world_init(&s->w, &o);
	s->a = ri_alerts_new(&rs);
	if (!s->a)
		exit(1);
}

static void scene_free(struct scene *s)
{
	ri_alerts_free(s->a);
	world_free(&s->w);
}

/* Process 10 + @i (start time @start) used @pct of a CPU since the last tick. */
static struct ri_task *proc(struct scene *s, int i, double pct, uint64_t dt,
			    uint64_t start)
{
	char comm[16];
	struct ri_task *t;

	snprintf(comm, sizeof(comm), "p%d", 10 + i);
	t = live(&s->w, task(10 + i, 10 + i, start ? start : SEC * (uint64_t)(10 + i), comm));
	s->cpu[i] += (uint64_t)(pct / 100.0 * (double)dt);
	t->cpu_ns = s->cpu[i];
	t->rss_pages = 1000;
	return t;
}

/* The model's tick @dt after the last, and the alerts evaluated on it. */
static void step(struct scene *s, uint64_t dt)
{
	if (tick(&s->w, dt) || ri_alerts_eval(s->a, s->w.m))
		exit(1);
}

/* The state of rule @rule on pid @pid after the last tick (inactive: not listed). */
static enum ri_alert_state state_of(const struct scene *s, uint32_t rule, pid_t pid)
{
	const struct ri_alert *v;
	size_t n = ri_alerts_list(s->a, &v), i;

	for (i = 0; i < n; i++)
		if (v[i].rule == rule && v[i].pid == pid)
			return v[i].state;
	return RI_ALERT_INACTIVE;
}

static void test_states(void)
{
	static const char *const rules[] = { "cpu > 80% for 3s" };
	/* CPU% per one-second tick of the burner (p10) and the spike (p11). */
	static const double burner[] = { 0, 0, 0, 95, 95, 95, 95, 95, 0, 0 };
	static const double spike[] = { 0, 95, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const enum ri_alert_state want[] = {
		RI_ALERT_INACTIVE, RI_ALERT_INACTIVE, RI_ALERT_INACTIVE,
		RI_ALERT_PENDING,  RI_ALERT_PENDING,  RI_ALERT_PENDING,
		RI_ALERT_FIRING,   RI_ALERT_FIRING,   RI_ALERT_RESOLVED,
		RI_ALERT_INACTIVE,
	};
	const struct ri_alert_transition *t;
	const struct ri_alert *x;
	struct scene s;
	double pending_at = 0;
	size_t i, n;

	scene_init(&s, rules, 1);
	proc(&s, 0, 0, SEC, 0);
	proc(&s, 1, 0, SEC, 0);
	step(&s, SEC); /* priming: no figures, no alerts */
	CHECK_EQ(ri_alerts_log_total(s.a), 0);
	for (i = 0; i < 10; i++) {
		proc(&s, 0, burner[i], SEC, 0);
		proc(&s, 1, spike[i], SEC, 0);
		step(&s, SEC);
		CHECK_EQ(state_of(&s, 0, 10), want[i]);
		CHECK(state_of(&s, 0, 11) != RI_ALERT_FIRING);
		if (i == 3)
			pending_at = s.w.m->time;
		if (i == 6) {
			n = ri_alerts_transitions(s.a, &t);
			CHECK_EQ(n, 1);
			CHECK(n && t[0].from == RI_ALERT_PENDING && t[0].to == RI_ALERT_FIRING);
			CHECK(n && t[0].since == pending_at && t[0].pid == 10);
			CHECK(n && t[0].value > 94 && t[0].value < 96);
			CHECK_STR(n ? t[0].text : "", "cpu > 80% for 3s");
			CHECK_EQ(ri_alerts_firing(s.a), 1);
			x = ri_alerts_newest_firing(s.a);
			CHECK(x && x->pid == 10 && x->since == s.w.m->time);
			CHECK(ri_alerts_proc_firing(s.a, 10, 10 * SEC));
			CHECK(!ri_alerts_proc_firing(s.a, 10, 99 * SEC));
			CHECK(!ri_alerts_proc_firing(s.a, 11, 11 * SEC));
		}
	}
	/* The spike: pending, then back to inactive, never firing. */
	CHECK_EQ(ri_alerts_log_total(s.a), 5);
	t = ri_alerts_log_get(s.a, 0); /* newest: the burner resolved */
	CHECK(t && t->pid == 10 && t->to == RI_ALERT_RESOLVED && t->from == RI_ALERT_FIRING);
	t = ri_alerts_log_get(s.a, 3);
	CHECK(t && t->pid == 11 && t->to == RI_ALERT_INACTIVE && t->from == RI_ALERT_PENDING);
	t = ri_alerts_log_get(s.a, 4);
	CHECK(t && t->pid == 11 && t->to == RI_ALERT_PENDING);
	CHECK(ri_alerts_log_get(s.a, 5) == NULL);
	CHECK_EQ(ri_alerts_firing(s.a), 0);
	scene_free(&s);
}

/*
 * A replay given no rules: the transitions evaluated live, applied tick
 * by tick to alerts that have no rules, give the same list, the same
 * firing count and the same log, and the rules learned from their text.
 */
static void test_apply(void)
{
	static const char *const rules[] = { "mem > 99%", "cpu > 80% for 2s" };
	static const double burner[] = { 0, 95, 91, 97, 93, 0, 0, 95, 0 };
	struct ri_alerts *b = ri_alerts_new(NULL);
	const struct ri_alert_transition *t;
	const struct ri_alert *x, *y;
	struct scene s;
	size_t i, k, n, nx, ny, diff = 0;

	scene_init(&s, rules, 2);
	CHECK(b != NULL);
	proc(&s, 0, 0, SEC, 0);
	step(&s, SEC);
	CHECK_EQ(ri_alerts_apply(b, s.w.m, NULL, 0), 0);
	CHECK_EQ(ri_alerts_rules(b)->n, 0);
	for (i = 0; i < sizeof(burner) / sizeof(burner[0]); i++) {
		proc(&s, 0, burner[i], SEC, 0);
		step(&s, SEC);
		n = ri_alerts_transitions(s.a, &t);
		CHECK_EQ(ri_alerts_apply(b, s.w.m, t, n), 0);
		nx = ri_alerts_list(s.a, &x);
		ny = ri_alerts_list(b, &y);
		diff += nx != ny || ri_alerts_firing(s.a) != ri_alerts_firing(b) ||
			ri_alerts_transitions(b, &t) != n;
		for (k = 0; k < nx && k < ny; k++)
			diff += x[k].rule != y[k].rule || x[k].pid != y[k].pid ||
				x[k].state != y[k].state || x[k].since != y[k].since ||
				x[k].value != y[k].value || strcmp(x[k].comm, y[k].comm);
	}
	CHECK_EQ(diff, 0);
	CHECK(ri_alerts_log_total(s.a) >= 4);
	CHECK_EQ(ri_alerts_log_total(b), ri_alerts_log_total(s.a));
	for (k = 0; k < ri_alerts_log_len(b); k++)
		CHECK(memcmp(ri_alerts_log_get(b, k), ri_alerts_log_get(s.a, k),
			     sizeof(*t)) == 0);
	/* Rule 1 was learned (its index kept); rule 0 never fired, nor is known. */
	CHECK_EQ(ri_alerts_rules(b)->n, 2);
	CHECK_STR(ri_alerts_rules(b)->v[1].text, "cpu > 80% for 2s");
	CHECK_EQ(ri_alerts_rules(b)->v[1].metric, RI_AM_CPU);
	CHECK_STR(ri_alerts_rules(b)->v[0].text, "");
	ri_alerts_free(b);
	scene_free(&s);
}

/* Ticks of 0.9 s: "for 3s" fires at 3.6 s, the first tick at least 3 s on. */
static void test_for_is_at_least(void)
{
	static const char *const rules[] = { "cpu > 80% for 3s", "cpu > 80%" };
	const uint64_t dt = 900 * 1000000ULL;
	struct scene s;
	int i;

	scene_init(&s, rules, 2);
	proc(&s, 0, 0, dt, 0);
	step(&s, dt);
	for (i = 0; i < 6; i++) {
		proc(&s, 0, 95, dt, 0);
		step(&s, dt);
		/* Without "for": firing from the first tick. */
		CHECK_EQ(state_of(&s, 1, 10), RI_ALERT_FIRING);
		CHECK_EQ(state_of(&s, 0, 10), i < 4 ? RI_ALERT_PENDING : RI_ALERT_FIRING);
	}
	scene_free(&s);
}

/*
 * A tick a millisecond early still fires "for 3s" at the third second;
 * 20 ms early (2% of a refresh) is early, and waits for the next tick.
 */
static void test_jitter(void)
{
	static const char *const rules[] = { "cpu > 80% for 3s" };
	static const int64_t early_ms[] = { 1, 20 };
	struct scene s;
	size_t k;
	int i;

	for (k = 0; k < 2; k++) {
		scene_init(&s, rules, 1);
		proc(&s, 0, 0, SEC, 0);
		step(&s, SEC);
		for (i = 0; i < 4; i++) {
			uint64_t dt = i == 3 ? SEC - (uint64_t)early_ms[k] * 1000000ULL : SEC;

			proc(&s, 0, 95, dt, 0);
			step(&s, dt);
		}
		/* Pending at tick 0, 2.999 (or 2.980) s at tick 3. */
		CHECK_EQ(state_of(&s, 0, 10), k == 0 ? RI_ALERT_FIRING : RI_ALERT_PENDING);
		proc(&s, 0, 95, SEC, 0);
		step(&s, SEC);
		CHECK_EQ(state_of(&s, 0, 10), RI_ALERT_FIRING);
		scene_free(&s);
	}
}

static void test_gone(void)
{
	static const char *const rules[] = { "cpu > 50%", "comm=p11: cpu >= 0",
					     "pid=12: cpu >= 0", "pid=13: cpu >= 0" };
	const struct ri_alert_transition *t;
	struct scene s;
	size_t n, k;

	scene_init(&s, rules, 4);
	proc(&s, 0, 0, SEC, 0);
	proc(&s, 1, 0, SEC, 0);
	proc(&s, 2, 0, SEC, 0);
	step(&s, SEC);
	proc(&s, 0, 90, SEC, 0);
	proc(&s, 1, 0, SEC, 0);
	proc(&s, 2, 0, SEC, 0);
	step(&s, SEC);
	CHECK_EQ(state_of(&s, 0, 10), RI_ALERT_FIRING);
	CHECK_EQ(state_of(&s, 0, 11), RI_ALERT_INACTIVE);
	CHECK_EQ(state_of(&s, 1, 11), RI_ALERT_FIRING); /* by name */
	CHECK_EQ(state_of(&s, 1, 10), RI_ALERT_INACTIVE);
	CHECK_EQ(state_of(&s, 2, 12), RI_ALERT_FIRING); /* by PID */
	CHECK_EQ(state_of(&s, 3, 12), RI_ALERT_INACTIVE);
	CHECK_EQ(ri_alerts_firing(s.a), 3);

	/*
	 * p10's PID now names another process (first seen now: no figures
	 * yet); p11 exits; p12 stays. The old p10 and p11 resolve.
	 */
	proc(&s, 0, 90, SEC, 500 * SEC);
	proc(&s, 2, 0, SEC, 0);
	step(&s, SEC);
	n = ri_alerts_transitions(s.a, &t);
	CHECK_EQ(n, 2);
	for (k = 0; k < n && t[k].pid != 10; k++)
		;
	CHECK(k < n && t[k].start_ns == 10 * SEC && t[k].to == RI_ALERT_RESOLVED);
	CHECK_EQ(state_of(&s, 1, 11), RI_ALERT_RESOLVED);
	CHECK_EQ(state_of(&s, 2, 12), RI_ALERT_FIRING);
	CHECK_EQ(ri_alerts_firing(s.a), 1);
	CHECK(!ri_alerts_proc_firing(s.a, 10, 10 * SEC));

	/*
	 * The new p10 fires of its own; p12, out of the watched set now,
	 * resolves though its figures still hold.
	 */
	CHECK_EQ(ri_model_choose(s.w.m, (pid_t[]){ 10 }, 1, NULL, 0), 0);
	proc(&s, 0, 90, SEC, 500 * SEC);
	proc(&s, 2, 0, SEC, 0);
	step(&s, SEC);
	CHECK(ri_alerts_proc_firing(s.a, 10, 500 * SEC));
	CHECK_EQ(state_of(&s, 2, 12), RI_ALERT_RESOLVED);
	CHECK_EQ(ri_alerts_firing(s.a), 1);
	scene_free(&s);
}

static void test_metrics(void)
{
	static const char *const rules[] = { "wait < 5%", "disk-read <= 0",
					     "growth > 1K", "growth < 1K", "threads >= 2",
					     "rss > 30M", "wait > 40%", "read > 1M/min" };
	struct ri_task *t;
	struct scene s;
	int i;

	scene_init(&s, rules, 8);
	for (i = 0; i < 12; i++) {
		/* p10: no run-queue or storage accounting; breathes in memory. */
		t = proc(&s, 0, 10, SEC, 0);
		t->flags = RI_F_NO_SCHED | RI_F_NO_DISK;
		t->rss_pages = 1000 + (uint64_t)(i % 2) * 4000;
		/* p11: waits 50% of the time, two threads, reads 20 KiB/s. */
		t = proc(&s, 1, 10, SEC, 0);
		t->run_delay_ns = (uint64_t)i * SEC / 2;
		t->rchar = (uint64_t)i * 20480;
		t = live(&s.w, *t); /* its thread 21, alike */
		t->pid = 21;
		t->start_ns = 21 * SEC;
		step(&s, SEC);
	}
	CHECK_EQ(state_of(&s, 0, 10), RI_ALERT_INACTIVE); /* n/a is no figure */
	CHECK_EQ(state_of(&s, 0, 11), RI_ALERT_INACTIVE);
	CHECK_EQ(state_of(&s, 6, 11), RI_ALERT_FIRING);
	CHECK_EQ(state_of(&s, 1, 10), RI_ALERT_INACTIVE);
	CHECK_EQ(state_of(&s, 1, 11), RI_ALERT_FIRING);
	/* A breathing process has no steady trend: its growth counts as 0. */
	CHECK_EQ(state_of(&s, 2, 10), RI_ALERT_INACTIVE);
	CHECK_EQ(state_of(&s, 3, 10), RI_ALERT_FIRING);
	CHECK_EQ(state_of(&s, 4, 11), RI_ALERT_FIRING);
	CHECK_EQ(state_of(&s, 4, 10), RI_ALERT_INACTIVE);
	CHECK_EQ(state_of(&s, 5, 10), RI_ALERT_INACTIVE);
	CHECK_EQ(state_of(&s, 7, 11), RI_ALERT_FIRING);
	scene_free(&s);
}

static void test_fmt(void)
{
	char b[32];

	CHECK_STR(ri_alert_fmt_value(b, sizeof(b), RI_AM_CPU, 93.24), "93.2%");
	CHECK_STR(ri_alert_fmt_value(b, sizeof(b), RI_AM_RSS, 2.1 * 1024 * MIB), "2.1G");
	CHECK_STR(ri_alert_fmt_value(b, sizeof(b), RI_AM_GROWTH, 8 * MIB / 60), "+8.0M/m");
	CHECK_STR(ri_alert_fmt_value(b, sizeof(b), RI_AM_GROWTH, -MIB / 60), "-1.0M/m");
	CHECK_STR(ri_alert_fmt_value(b, sizeof(b), (RI_AM_FIG + RI_C_READ), 12 * MIB), "12.0M/s");
	CHECK_STR(ri_alert_fmt_value(b, sizeof(b), RI_AM_CSW, 812.4), "812/s");
	CHECK_STR(ri_alert_fmt_value(b, sizeof(b), RI_AM_THREADS, 12), "12");
	CHECK_STR(ri_fmt_growth(b, sizeof(b), 0), "0/m");
	CHECK_STR(ri_fmt_growth(b, sizeof(b), 0.001), "0/m");
	CHECK_STR(ri_fmt_growth(b, sizeof(b), 600.0 * MIB / 60), "+600M/m");
	CHECK_STR(ri_fmt_growth(b, sizeof(b), -60.3 * MIB / 60), "-60.3M/m");
	CHECK(strlen(ri_fmt_growth(b, sizeof(b), -1e18)) <= 8);
	CHECK_STR(ri_fmt_growth(b, 4, 8 * MIB / 60), "+8.");
	CHECK_STR(ri_fmt_ns(b, sizeof(b), 850), "850ns");
	CHECK_STR(ri_fmt_ns(b, sizeof(b), 12400), "12.4us");
	CHECK_STR(ri_fmt_ns(b, sizeof(b), 4.1e6), "4.10ms");
	CHECK_STR(ri_fmt_ns(b, sizeof(b), 1.2e9), "1.20s");
	CHECK_STR(ri_fmt_ns(b, sizeof(b), 999.8), "1.00us");
	CHECK_STR(ri_fmt_ns(b, sizeof(b), 0), "0ns");
	CHECK_STR(ri_fmt_ns(b, sizeof(b), -5), "0ns");
	CHECK_STR(ri_alert_state_name(RI_ALERT_PENDING), "pending");
	CHECK_STR(ri_alert_metric_name((RI_AM_FIG + RI_C_DISK_WRITE)), "disk-write");
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	test_units();
	test_parse_good();
	test_parse_bad();
	test_error_print();
	test_files();
	test_states();
	test_apply();
	test_for_is_at_least();
	test_jitter();
	test_gone();
	test_metrics();
	test_fmt();
	return check_report("test_alerts");
}
