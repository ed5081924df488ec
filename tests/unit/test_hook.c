// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of --alert-exec (core/alerts/hook.c), driven by a monitor over a
 * scripted source: every transition reaches the program exactly once,
 * with its RI_ALERT_* environment, stdout on /dev/null and no descriptor
 * of the tool's; at most RI_HOOK_RUNNING at once; a program past its
 * timeout is killed; past the queue, transitions are counted as dropped,
 * and stopping is bounded by its grace. Also the splitting of the command
 * (no shell) and the program lookup in $PATH.
 *
 * Runs real programs (/bin/sh, sleep); needs no root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hook.h"
#include "check.h"
#include "world.h"

#define MAXP 400

/* ---- a source that plays a script: which processes are hot, per tick ---- */

struct script {
	struct ri_source src;
	int nprocs;
	int tick;
	bool (*hot)(int proc, int tick);
	uint64_t now, cpu[MAXP];
};

static int script_drain(struct ri_source *s, struct ri_drain *d)
{
	struct script *sc = (struct script *)s;
	int i;

	d->live.n = 0;
	sc->now += SEC;
	for (i = 0; i < sc->nprocs; i++) {
		struct ri_task *t;
		char comm[16];

		if (sc->tick && sc->hot(i, sc->tick))
			sc->cpu[i] += 9 * SEC / 10;
		snprintf(comm, sizeof(comm), "w%d", i);
		t = push(&d->live, task(1000 + i, 1000 + i, 1000 + (uint64_t)i, comm));
		t->cpu_ns = sc->cpu[i];
		t->rss_pages = 10;
	}
	sc->tick++;
	d->clock_ns = 5000 * SEC + sc->now;
	d->unix_time = 1.7e9 + (double)sc->now * 1e-9;
	d->machine.page_size = 4096;
	d->machine.mem_total = 1ULL << 34;
	d->machine.ncpu = 2;
	return 0;
}

static int script_filter(struct ri_source *s, const struct ri_filter *f)
{
	(void)s, (void)f;
	return 0;
}

static void script_close(struct ri_source *s)
{
	free(s);
}

static const struct ri_source_ops script_ops = {
	.name = "script",
	.drain = script_drain,
	.set_filter = script_filter,
	.close = script_close,
};

static struct script *last_script; /* the source of the last monitor() */

static struct ri_monitor *monitor(int nprocs, bool (*hot)(int, int), const char *rule)
{
	static struct ri_ruleset rs;
	struct ri_monitor_opts mo;
	struct ri_rule_error e;
	struct ri_monitor *mon;
	struct script *sc = calloc(1, sizeof(*sc));
	char err[256];

	if (!sc)
		exit(1);
	sc->src.ops = &script_ops;
	sc->src.probe = "none";
	sc->nprocs = nprocs;
	sc->hot = hot;
	last_script = sc;
	memset(&rs, 0, sizeof(rs));
	if (ri_rules_add(&rs, rule, &e))
		exit(1);
	memset(&mo, 0, sizeof(mo));
	mo.keep_privileges = true;
	mo.alerts = &rs;
	if (ri_monitor_attach(&mo, &sc->src, &mon, err, sizeof(err))) {
		fprintf(stderr, "attach: %s\n", err);
		exit(1);
	}
	return mon;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char dir[64];

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of @path, sorted; their number. */
static size_t read_lines(const char *path, char **lines, size_t max)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	size_t n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		lines[n++] = strdup(buf);
	}
	fclose(f);
	qsort(lines, n, sizeof(*lines), cmp_str);
	return n;
}

static void free_lines(char **lines, size_t n)
{
	while (n)
		free(lines[--n]);
}

/* ---- exactly once ---- */

/* Process i is hot in ticks where (tick / (i + 1)) is odd: many crossings. */
static bool hot_alternating(int proc, int tick)
{
	return (tick / (proc + 1)) % 2;
}

static void test_exactly_once(void)
{
	char cmd[1024], log[128], *got[400], *want[400];
	struct ri_hook_opts ho = { .cmd = cmd };
	struct ri_hook_stats st;
	struct ri_monitor *mon = monitor(3, hot_alternating, "cpu > 50%");
	struct ri_hook *h;
	size_t ngot, nwant = 0, i;
	int tick, fd;

	snprintf(log, sizeof(log), "%s/once.log", dir);
	/* A descriptor the tool holds without O_CLOEXEC must not reach it. */
	fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0 && dup2(fd, 50) == 50);
	snprintf(cmd, sizeof(cmd),
		 "/bin/sh -c 'out=$(readlink /proc/$$/fd/1); "
		 "if [ -e /proc/$$/fd/50 ]; then fds=leak; else fds=clean; fi; "
		 "echo \"$RI_ALERT_STATE $RI_ALERT_PID $RI_ALERT_COMM $RI_ALERT_RULE "
		 "$out $fds\" >> %s'",
		 log);
	CHECK_EQ(ri_hook_start(&ho, &h, cmd, sizeof(cmd)), 0);
	ri_monitor_add_sink(mon, ri_hook_sink(h));
	for (tick = 0; tick < 16; tick++) {
		const struct ri_alert_transition *t;
		size_t n;

		CHECK_EQ(ri_monitor_tick(mon), 0);
		n = ri_alerts_transitions(ri_monitor_alerts(mon), &t);
		for (i = 0; i < n && nwant < 400; i++) {
			char b[256];

			snprintf(b, sizeof(b), "%s %d w%d cpu > 50%% /dev/null clean",
				 ri_alert_state_name((enum ri_alert_state)t[i].to), t[i].pid,
				 t[i].pid - 1000);
			want[nwant++] = strdup(b);
		}
	}
	ri_hook_stop(h, 20, &st);
	ri_monitor_close(mon);
	close(fd);
	close(50);
	qsort(want, nwant, sizeof(*want), cmp_str);
	ngot = read_lines(log, got, 400);
	CHECK(nwant >= 12);
	CHECK_EQ(ngot, nwant);
	for (i = 0; i < ngot && i < nwant; i++)
		CHECK_STR(got[i], want[i]);
	CHECK_EQ(st.queued, nwant);
	CHECK_EQ(st.started, nwant);
	CHECK_EQ(st.failed, 0);
	CHECK_EQ(st.dropped, 0);
	CHECK_EQ(st.timed_out, 0);
	free_lines(got, ngot);
	free_lines(want, nwant);
	unlink(log);
}

/* ---- a replay that jumps back plays ticks again ---- */

static size_t tick_transitions(struct ri_monitor *mon)
{
	const struct ri_alert_transition *t;

	CHECK_EQ(ri_monitor_tick(mon), 0);
	return ri_alerts_transitions(ri_monitor_alerts(mon), &t);
}

static void test_replayed_ticks_run_once(void)
{
	char cmd[] = "/bin/true", err[256];
	struct ri_hook_opts ho = { .cmd = cmd };
	struct ri_hook_stats st;
	struct ri_monitor *mon = monitor(2, hot_alternating, "cpu > 50%");
	struct script *sc = last_script;
	size_t first = 0, again = 0, later = 0;
	struct ri_hook *h;
	int tick;

	CHECK_EQ(ri_hook_start(&ho, &h, err, sizeof(err)), 0);
	ri_monitor_add_sink(mon, ri_hook_sink(h));
	for (tick = 1; tick < 8; tick++)
		first += tick_transitions(mon);
	/* Back to the start, as a jump does: the same frames, the same times. */
	sc->now = 0;
	sc->tick = 0;
	memset(sc->cpu, 0, sizeof(sc->cpu));
	CHECK_EQ(ri_monitor_restart(mon), 0);
	for (tick = 1; tick < 8; tick++)
		again += tick_transitions(mon);
	for (tick = 8; tick < 12; tick++)
		later += tick_transitions(mon);
	ri_hook_stop(h, 20, &st);
	ri_monitor_close(mon);
	CHECK(first >= 4);
	CHECK_EQ(again, first);
	CHECK(later >= 2);
	/* Each transition ran once: the replayed ones not again. */
	CHECK_EQ(st.queued, first + later);
	CHECK_EQ(st.started, first + later);
}

/* ---- bounded, timed out, dropped ---- */

static bool hot_from_1(int proc, int tick)
{
	(void)proc;
	return tick >= 1;
}

static void test_bounded(void)
{
	char cmd[512], log[128], *got[64];
	struct ri_hook_opts ho = { .cmd = cmd };
	struct ri_hook_stats st;
	struct ri_monitor *mon = monitor(12, hot_from_1, "cpu > 50%");
	struct ri_hook *h;
	size_t n, i;
	int running = 0, most = 0;
	FILE *f;
	char line[64];

	snprintf(log, sizeof(log), "%s/bounded.log", dir);
	snprintf(cmd, sizeof(cmd),
		 "/bin/sh -c 'echo start >> %s; sleep 0.3; echo end >> %s'", log, log);
	CHECK_EQ(ri_hook_start(&ho, &h, cmd, sizeof(cmd)), 0);
	ri_monitor_add_sink(mon, ri_hook_sink(h));
	CHECK_EQ(ri_monitor_tick(mon), 0); /* twelve go firing at once */
	ri_hook_stop(h, 20, &st);
	ri_monitor_close(mon);
	f = fopen(log, "r");
	while (f && fgets(line, sizeof(line), f)) {
		running += !strncmp(line, "start", 5) ? 1 : -1;
		if (running > most)
			most = running;
	}
	if (f)
		fclose(f);
	n = read_lines(log, got, 64);
	CHECK_EQ(n, 24);
	CHECK(most >= 2 && most <= RI_HOOK_RUNNING);
	CHECK_EQ(st.started, 12);
	CHECK_EQ(st.dropped, 0);
	free_lines(got, n);
	for (i = 0; i < 1; i++)
		unlink(log);
}

/* Processes whose command line is "sleep 30.123": what a timeout must kill. */
static int count_sleepers(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], buf[64] = "";
		FILE *f;
		size_t k;

		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		k = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		if (k == 13 && !memcmp(buf, "sleep\0" "30.123", 13))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void test_timeout_and_drops(void)
{
	struct ri_hook_opts ho = { .cmd = "sleep 30.123", .timeout_s = 0.3 };
	struct ri_hook_stats st;
	struct ri_monitor *mon = monitor(300, hot_from_1, "cpu > 50%");
	struct ri_hook *h;
	char err[256];
	double t0;

	CHECK_EQ(ri_hook_start(&ho, &h, err, sizeof(err)), 0);
	ri_monitor_add_sink(mon, ri_hook_sink(h));
	CHECK_EQ(ri_monitor_tick(mon), 0); /* 300 transitions in one tick */
	ri_hook_stats(h, &st);
	CHECK_EQ(st.queued, 300);
	CHECK_EQ(st.dropped, 300 - RI_HOOK_QUEUE);
	usleep(800 * 1000);
	ri_hook_stats(h, &st);
	/* Killed at 0.3 s, so more have started since. */
	CHECK(st.timed_out >= RI_HOOK_RUNNING);
	CHECK(st.started >= 2 * RI_HOOK_RUNNING);
	CHECK(st.running <= RI_HOOK_RUNNING);
	t0 = now_mono();
	ri_hook_stop(h, 0.5, &st);
	CHECK(now_mono() - t0 < 3.5);
	ri_monitor_close(mon);
	/* Everything is accounted for: run, or counted as not run. */
	CHECK_EQ(st.started + st.dropped, 300);
	CHECK_EQ(st.timed_out, st.started);
	CHECK_EQ(st.running, 0);
	CHECK_EQ(count_sleepers(), 0);
}

static void test_missing_program(void)
{
	struct ri_hook_opts ho = { .cmd = "/nonexistent/hook --x" };
	struct ri_hook_stats st;
	struct ri_monitor *mon = monitor(2, hot_from_1, "cpu > 50%");
	struct ri_hook *h;
	char err[256];

	CHECK_EQ(ri_hook_start(&ho, &h, err, sizeof(err)), 0);
	ri_monitor_add_sink(mon, ri_hook_sink(h));
	CHECK_EQ(ri_monitor_tick(mon), 0);
	ri_hook_stop(h, 5, &st);
	ri_monitor_close(mon);
	CHECK_EQ(st.queued, 2);
	CHECK_EQ(st.failed, 2);
	CHECK_EQ(st.started, 0);
	ho.cmd = "'unclosed";
	CHECK(ri_hook_start(&ho, &h, err, sizeof(err)) < 0);
	CHECK(strstr(err, "never closed") != NULL);
}

/* ---- splitting and finding ---- */

static void split(const char *cmd, int want, const char *joined, int line)
{
	char buf[256], *argv[8], out[256] = "";
	const char *what;
	size_t pos, i;
	int n = ri_argv_split(cmd, buf, sizeof(buf), argv, 8, &pos, &what);

	for (i = 0; n > 0 && i < (size_t)n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s[%s]",
			 i ? " " : "", argv[i]);
	if (n != want || (n > 0 && (strcmp(out, joined) || argv[n])) ||
	    (n < 0 && (int)pos != atoi(joined))) {
		failed++;
		fprintf(stderr, "%s:%d: FAIL: split \"%s\": %d \"%s\" (at %zu: %s)\n", __FILE__,
			line, cmd, n, out, pos, what ? what : "");
	} else {
		passed++;
	}
}

#define SPLIT(cmd, want, joined) split(cmd, want, joined, __LINE__)

static void test_split(void)
{
	struct stat sb;
	char path[4096], f[128];
	int fd;

	SPLIT("notify-send alert", 2, "[notify-send] [alert]");
	SPLIT("  a\t b  \n c ", 3, "[a] [b] [c]");
	SPLIT("sh -c 'echo $HOME; ls | wc'", 3, "[sh] [-c] [echo $HOME; ls | wc]");
	SPLIT("a\" b \\\" \\x\"c", 1, "[a b \" \\xc]");
	SPLIT("a\\ b c\\", 2, "[a b] [c\\]");
	SPLIT("'' x", 2, "[] [x]");
	SPLIT("a'b'\"c\"d", 1, "[abcd]");
	SPLIT("1 2 3 4 5 6 7", 7, "[1] [2] [3] [4] [5] [6] [7]");
	SPLIT("1 2 3 4 5 6 7 8", -EINVAL, "14");
	SPLIT("a 'b", -EINVAL, "2");
	SPLIT("a \"b", -EINVAL, "2");
	SPLIT("", -EINVAL, "0");
	SPLIT("   ", -EINVAL, "0");

	CHECK_EQ(ri_find_program("sh", path, sizeof(path)), 0);
	CHECK(!stat(path, &sb) && S_ISREG(sb.st_mode));
	CHECK_EQ(ri_find_program("/bin/sh", path, sizeof(path)), 0);
	CHECK_EQ(ri_find_program("no-such-program-here", path, sizeof(path)), -ENOENT);
	CHECK_EQ(ri_find_program("/nonexistent/x", path, sizeof(path)), -ENOENT);
	CHECK_EQ(ri_find_program("/tmp", path, sizeof(path)), -ENOENT);
	snprintf(f, sizeof(f), "%s/noexec", dir);
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	/* Root may execute nothing without an x bit either. */
	CHECK_EQ(ri_find_program(f, path, sizeof(path)), -EACCES);
	unlink(f);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ri-test-hook-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_split();
	test_exactly_once();
	test_replayed_ticks_run_once();
	test_bounded();
	test_timeout_and_drops();
	test_missing_program();
	rmdir(dir);
	return check_report("test_hook");
}
