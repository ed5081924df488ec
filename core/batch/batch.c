// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The batch front end: plain text or JSON Lines on stdout, one block per
 * tick, for scripts, logs and tests. Never touches curses. It reads the
 * model through the same rows as the TUI, so both always agree on what is
 * listed and in which order.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "cgroup.h"
#include "batch_alerts.h"
#include "format.h"
#include "hook.h"
#include "monitor.h"
#include "rows.h"
#include "session.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	/* No SA_RESTART: the sleep between ticks must wake up and stop. */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* A closed pipe is a normal end of a batch run: see EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
}

static void print_ts(FILE *f, double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	(void)f;
}

/* ---- text ---- */

static void text_header(FILE *f, const struct ri_model *m,
			const struct ri_monitor_info *src, bool threads)
{
	char ts[64], used[16], total[16];
	const char *waiting[16];
	size_t nw, i;
	time_t s = (time_t)m->time;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "resource_image %s  interval %.2fs  source %s  probe %s  "
		   "tasks %zu  procs %zu  cpu %.1f%%  mem %s/%s  events %.0f/s  dropped %llu",
		ts, m->interval_s, src->source, src->probe, m->totals.ntasks,
		m->totals.nprocs, m->totals.cpu_pct,
		ri_fmt_bytes(used, sizeof(used), (double)m->totals.mem_used, 5),
		ri_fmt_bytes(total, sizeof(total), (double)m->totals.mem_total, 5),
		m->events_ps, (unsigned long long)m->dropped);
	nw = ri_model_waiting(m, waiting, 16);
	for (i = 0; i < nw; i++)
		fprintf(f, "  waiting for %.*s", RI_COMM_LEN, waiting[i]);
	fputc('\n', f);
	fprintf(f, "%-8s %7s %s%-15s %3s %6s %5s %6s ", "TIME", "PID",
		threads ? "    TID " : "", "COMM", "CPU", "CPU%", "MEM%", "RSS");
	for (i = 0; i < RI_C_COUNT; i++)
		if (ri_counter_shown((int)i))
			fprintf(f, "%*s ", ri_counters[i].text_width, ri_counters[i].title);
	fprintf(f, "%6s %6s %7s %8s\n", "CSW/s", "WAIT%", "AVGWAIT", "GROWTH");
}

/* A counter's rate as its column shows it (bytes or events per second). */
static char *fmt_counter_rate(char *b, size_t n, const struct ri_fig *g, int c, int w)
{
	if (ri_fig_na(g, c))
		snprintf(b, n, "n/a");
	else
		ri_fmt_rate(b, n, g->rate[c], w);
	return b;
}

/*
 * Output without printf: with ten thousand thread rows per tick, printf's
 * format parsing and float path were most of the tool's CPU time.
 */
static void put(FILE *f, const char *s)
{
	fputs_unlocked(s, f);
}

/* @s right-aligned (or left-aligned) in @w columns, then a space. */
static void put_col(FILE *f, const char *s, int w, bool left)
{
	int n = (int)strlen(s);

	if (left)
		put(f, s);
	for (; n < w; n++)
		fputc_unlocked(' ', f);
	if (!left)
		put(f, s);
	fputc_unlocked(' ', f);
}

static void put_int_col(FILE *f, long long v, int w)
{
	char b[24];

	if (v < 0) {
		b[0] = '-';
		ri_fmt_u64(b + 1, sizeof(b) - 1, (uint64_t)-v);
	} else {
		ri_fmt_u64(b, sizeof(b), (uint64_t)v);
	}
	put_col(f, b, w, false);
}

/* @pid 0: a fold, which has none (nor a CPU); @tail ends the line. */
static void text_row(FILE *f, const char *ts, pid_t pid, pid_t tid, bool threads,
		     const char *comm, const struct ri_fig *g,
		     const struct ri_growth *gr, const char *tail)
{
	char name[RI_COMM_LEN * 4 + 16], b[32];

	put_col(f, ts, 8, true);
	if (pid)
		put_int_col(f, pid, 7);
	else
		put_col(f, "-", 7, false);
	if (threads) {
		if (tid)
			put_int_col(f, tid, 7);
		else
			put_col(f, "-", 7, false);
	}
	/* Screen columns, not bytes: a name never shifts the columns after it. */
	put_col(f, ri_fit(name, sizeof(name), comm, RI_COMM_LEN, 15), 15, true);
	if (g->cpu >= 0)
		put_int_col(f, g->cpu, 3);
	else
		put_col(f, "-", 3, false);
	put_col(f, ri_fmt_pct(b, sizeof(b), g->cpu_pct, 6), 6, false);
	put_col(f, ri_fmt_pct(b, sizeof(b), g->mem_pct, 5), 5, false);
	put_col(f, ri_fmt_bytes(b, sizeof(b), (double)g->rss_bytes, 6), 6, false);
	for (int c = 0; c < RI_C_COUNT; c++)
		if (ri_counter_shown(c))
			put_col(f, fmt_counter_rate(b, sizeof(b), g, c, ri_counters[c].text_width),
				ri_counters[c].text_width, false);
	/* The same cell as the screen's (K and M past four digits). */
	put_col(f, ri_fmt_rate(b, sizeof(b), g->csw_ps, 5), 6, false);
	/* Run-queue wait, and a process's memory trend (threads: "-"). */
	put_col(f, g->wait_na ? "n/a" : ri_fmt_pct(b, sizeof(b), g->wait_pct, 6), 6, false);
	put_col(f, g->wait_na || !g->n[RI_C_PCOUNT] ? "-" : ri_fmt_ns(b, sizeof(b), g->wait_avg_ns),
		7, false);
	b[0] = '\0';
	if (gr && gr->valid)
		ri_fmt_growth(b, sizeof(b), gr->bps);
	for (int n = (int)strlen(b[0] ? b : "-"); n < 8; n++)
		fputc_unlocked(' ', f);
	put(f, b[0] ? b : "-");
	put(f, tail);
}

struct batch {
	const struct ri_opts *o;
	struct ri_monitor *mon;
	struct ri_monitor_info info;
	struct ri_rows rows;
	struct ri_cgroups *cgroups; /* JSON: cgroup ids to paths */
	struct ri_hook *hook; /* --alert-exec */
};

static int build_rows(struct batch *b)
{
	/*
	 * Text folds the short-lived (per parent and name, one row with their
	 * sums); JSON lists every process, for whoever sums them otherwise.
	 */
	struct ri_rows_opts ro = { .sort = b->o->sort, .all_threads = b->o->threads,
				   .fold = !b->o->json && !b->o->no_fold };

	return ri_rows_build(&b->rows, ri_monitor_model(b->mon), &ro);
}

static void text_tick(FILE *f, struct batch *b)
{
	const struct ri_model *m = ri_monitor_model(b->mon);
	char ts[32];
	size_t i;

	print_ts(f, m->time, ts, sizeof(ts));
	text_header(f, m, &b->info, b->o->threads);
	for (i = 0; i < b->rows.n; i++) {
		const struct ri_row *r = &b->rows.v[i];
		char tail[64];

		if (r->kind == RI_ROW_FOLD) {
			snprintf(tail, sizeof(tail), "  [folded: %zu exited, ppid %d]\n",
				 r->g->count, r->g->ppid);
			text_row(f, ts, 0, 0, b->o->threads, r->g->comm, r->fig, NULL, tail);
		} else if (r->t) {
			text_row(f, ts, r->p->pid, r->t->tid, true, r->t->comm,
				 &r->t->fig, NULL, r->t->exited ? "  [exited]\n" : "\n");
		} else {
			text_row(f, ts, r->p->pid, 0, b->o->threads, r->p->comm,
				 &r->p->fig, &r->p->growth,
				 r->p->exited ? "  [exited]\n" : "\n");
		}
	}
	ri_batch_alerts_text(f, ri_monitor_alerts(b->mon), b->hook);
	fputc('\n', f);
}

/* ---- JSON ---- */

static void json_key(FILE *f, const char *key)
{
	put(f, ",\"");
	put(f, key);
	put(f, "\":");
}

static void json_fixed(FILE *f, const char *key, double v, int dec)
{
	char b[48];

	json_key(f, key);
	put(f, ri_fmt_fixed(b, sizeof(b), v, dec));
}

static void json_num(FILE *f, const char *key, double v)
{
	json_fixed(f, key, v, 3);
}

static void json_u64(FILE *f, const char *key, uint64_t v)
{
	char b[24];

	json_key(f, key);
	put(f, ri_fmt_u64(b, sizeof(b), v));
}

static void json_int(FILE *f, const char *key, long long v)
{
	char b[24];

	json_key(f, key);
	if (v < 0) {
		put(f, "-");
		v = -v;
	}
	put(f, ri_fmt_u64(b, sizeof(b), (uint64_t)v));
}

static void json_bool(FILE *f, const char *key, bool v)
{
	json_key(f, key);
	put(f, v ? "true" : "false");
}

/*
 * A counter's two keys: "<json>_bps" and "<json>_bytes" for bytes,
 * "<json>_ps" and "<json>" for events; both null where it is n/a.
 */
static void json_counter(FILE *f, const struct ri_fig *g, int c)
{
	const struct ri_counter_info *ci = &ri_counters[c];
	bool bytes = ci->flags & RI_FF_BYTES;
	char k[64];

	snprintf(k, sizeof(k), "%s%s", ci->json, bytes ? "_bps" : "_ps");
	if (ri_fig_na(g, c)) {
		json_key(f, k);
		put(f, "null");
	} else {
		json_num(f, k, g->rate[c]);
	}
	snprintf(k, sizeof(k), "%s%s", ci->json, bytes ? "_bytes" : "");
	if (ri_fig_na(g, c)) {
		json_key(f, k);
		put(f, "null");
	} else {
		json_u64(f, k, g->n[c]);
	}
}

static void json_fig(FILE *f, const struct ri_fig *g, double exit_time, bool exited)
{
	json_bool(f, "exited", exited);
	if (exited)
		json_num(f, "exit_time", exit_time);
	json_num(f, "cpu_pct", g->cpu_pct);
	json_u64(f, "cpu_ns", g->n[RI_C_CPU]);
	json_u64(f, "cpu_total_ns", g->cpu_total_ns);
	json_fixed(f, "mem_pct", g->mem_pct, 4);
	json_u64(f, "rss_bytes", g->rss_bytes);
	for (int c = 0; c < RI_C_COUNT; c++)
		if (ri_counter_shown(c))
			json_counter(f, g, c);
	json_u64(f, "vcsw", g->n[RI_C_VCSW]);
	json_u64(f, "ivcsw", g->n[RI_C_IVCSW]);
	json_int(f, "cpu", g->cpu);
	if (g->wait_na) {
		put(f, ",\"wait_ns\":null,\"wait_pct\":null,\"nsched\":null,"
		       "\"wait_avg_ns\":null");
	} else {
		json_u64(f, "wait_ns", g->n[RI_C_RUN_DELAY]);
		json_num(f, "wait_pct", g->wait_pct);
		json_u64(f, "nsched", g->n[RI_C_PCOUNT]);
		if (g->n[RI_C_PCOUNT])
			json_num(f, "wait_avg_ns", g->wait_avg_ns);
		else
			put(f, ",\"wait_avg_ns\":null");
	}
}

static void json_thread(FILE *f, const struct ri_thread *t, bool first)
{
	char num[24];

	put(f, first ? "{\"tid\":" : ",{\"tid\":");
	put(f, ri_fmt_u64(num, sizeof(num), (uint64_t)t->tid));
	put(f, ",\"comm\":");
	ri_json_str(f, t->comm, RI_COMM_LEN);
	json_fig(f, &t->fig, t->exit_time, t->exited);
	fputc('}', f);
}

static void json_proc_open(FILE *f, const struct ri_proc *p, bool first,
			   struct ri_cgroups *cg)
{
	const char *path = ri_cgroup_path(cg, p->cgroup_id);
	char num[24];

	put(f, first ? "{\"pid\":" : ",{\"pid\":");
	put(f, ri_fmt_u64(num, sizeof(num), (uint64_t)p->pid));
	json_int(f, "ppid", p->ppid);
	json_u64(f, "uid", p->uid);
	put(f, ",\"comm\":");
	ri_json_str(f, p->comm, RI_COMM_LEN);
	/* The cgroup v2 path; null when the process's is not known. */
	put(f, ",\"cgroup\":");
	if (path)
		ri_json_str(f, path, strlen(path));
	else
		put(f, "null");
	json_int(f, "nthreads", p->nthreads);
	json_u64(f, "start_ns", p->start_ns);
	json_fig(f, &p->fig, p->exit_time, p->exited);
	/* The memory trend: null until the growth window is full. */
	if (p->growth.valid)
		json_num(f, "rss_growth_bps", p->growth.bps);
	else
		put(f, ",\"rss_growth_bps\":null");
	json_bool(f, "growing", p->growth.growing);
}

static void json_tick(FILE *f, struct batch *b)
{
	const struct ri_model *m = ri_monitor_model(b->mon);
	const struct ri_monitor_info *src = &b->info;
	const char *waiting[RI_MAX_CHOSEN_NAMES];
	char num[48];
	size_t i, nw, nprocs = 0, nthreads = 0;

	put(f, "{\"time\":");
	put(f, ri_fmt_fixed(num, sizeof(num), m->time, 6));
	json_fixed(f, "interval_s", m->interval_s, 6);
	fprintf(f, ",\"source\":\"%s\",\"probe\":\"%s\"", src->source, src->probe);
	json_u64(f, "dropped", m->dropped);
	json_u64(f, "dropped_delta", m->dropped_delta);
	json_num(f, "events_ps", m->events_ps);
	json_int(f, "ncpu", m->ncpu);
	json_u64(f, "mem_total", m->totals.mem_total);
	json_u64(f, "mem_used", m->totals.mem_used);
	json_num(f, "cpu_pct_total", m->totals.cpu_pct);
	json_num(f, "cpu_pct_tracked", m->totals.tracked_cpu_pct);
	json_u64(f, "ntasks", m->totals.ntasks);
	json_bool(f, "sees_short_lived", src->sees_short_lived);
	fputs(",\"waiting\":[", f);
	nw = ri_model_waiting(m, waiting, RI_MAX_CHOSEN_NAMES);
	for (i = 0; i < nw; i++) {
		if (i)
			fputc(',', f);
		ri_json_str(f, waiting[i], RI_COMM_LEN);
	}
	fputs("],\"processes\":[", f);
	for (i = 0; i < b->rows.n; i++) {
		const struct ri_row *r = &b->rows.v[i];

		if (r->t) {
			json_thread(f, r->t, nthreads++ == 0);
			continue;
		}
		if (nprocs && b->o->threads)
			fputs("]}", f);
		else if (nprocs)
			fputc('}', f);
		json_proc_open(f, r->p, nprocs++ == 0, b->cgroups);
		nthreads = 0;
		if (b->o->threads)
			fputs(",\"threads\":[", f);
	}
	if (nprocs)
		fputs(b->o->threads ? "]}" : "}", f);
	fputc(']', f);
	ri_batch_alerts_json(f, ri_monitor_alerts(b->mon), b->hook);
	fputs("}\n", f);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Sleeps until @deadline (monotonic ns); false when a signal asks to stop. */
static bool sleep_until(uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / 1000000000ULL),
			       .tv_nsec = (long)(deadline % 1000000000ULL) };

	while (!stop_signal) {
		int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

		if (r == 0)
			return true;
		if (r != EINTR)
			return false;
	}
	return false;
}

/* What the recorder and the recording have to say, once each. */
static void news(struct ri_session *s)
{
	const char *m;

	while ((m = ri_session_news(s)))
		fprintf(stderr, "resource_image: %s\n", m);
}

/*
 * What batch asks of the model. Without -H no thread row is printed:
 * the session sums the threads per process. Batch draws no history:
 * processes keep only the RSS the growth fit (-s growth, GROWTH,
 * alerts) reads, threads nothing.
 */
static void front(const struct ri_opts *o, struct ri_session_front *f)
{
	memset(f, 0, sizeof(*f));
	f->no_thread_rows = !o->threads;
	f->model.linger_ticks = 0;
	f->model.keep_chosen = false;
	f->model.thread_history = false;
	f->model.hist_metrics = RI_HIST_METRIC(RI_M_MEM);
	f->model.hist_len = (size_t)((o->growth_window > 0 ? o->growth_window :
							      RI_GROWTH_WINDOW_S) /
				     o->delay) + 3;
	f->model.growth_window_s = o->growth_window;
}

int ri_batch_run(const struct ri_opts *o, struct ri_session *s)
{
	struct batch b = { .o = o };
	struct ri_session_front f;
	char err[1024] = "";
	const char *warn;
	uint64_t start, step;
	long tick;
	int ret = 0, e;

	catch_signals();
	front(o, &f);
	if ((e = ri_session_open(s, &f, err, sizeof(err)))) {
		fprintf(stderr, "resource_image: %s\n", err);
		return e == -EDOM ? 2 : 1;
	}
	b.mon = ri_session_monitor(s);
	b.hook = ri_session_hook(s);
	ri_monitor_info(b.mon, &b.info);
	if (o->json && ri_cgroups_open(&b.cgroups, NULL)) {
		fprintf(stderr, "resource_image: out of memory\n");
		return 1;
	}
	if ((warn = ri_session_warning(s)))
		fprintf(stderr, "resource_image: warning: %s\n", warn);
	news(s);
	/* 0: a replay, as fast as it can be printed. */
	step = (uint64_t)(ri_session_pace_s(s) * 1e9);
	start = mono_ns();
	for (tick = 1; !o->count || tick <= o->count; tick++) {
		if (step ? !sleep_until(start + (uint64_t)tick * step) : stop_signal != 0)
			break;
		e = ri_monitor_tick(b.mon);
		news(s);
		if (e == -EAGAIN && ri_session_replay(s)) {
			/* Followed: the next frame is not written yet. */
			tick--;
			if (!sleep_until(mono_ns() +
					 (uint64_t)(ri_replay_poll_s(ri_session_replay(s)) * 1e9)))
				break;
			continue;
		}
		if (e == -ENODATA && ri_session_replay(s))
			break; /* the end of the recording, or --to */
		if (ri_recorder_gone(ri_session_recorder(s)))
			break; /* -w -: the stream's reader went away */
		if (e) {
			fprintf(stderr, "resource_image: reading the %s source failed: %s\n",
				b.info.source, strerror(-e));
			ret = 1;
			break;
		}
		if (o->quiet)
			continue;
		if (build_rows(&b)) {
			fprintf(stderr, "resource_image: out of memory\n");
			ret = 1;
			break;
		}
		if (o->json)
			json_tick(stdout, &b);
		else
			text_tick(stdout, &b);
		if (fflush(stdout) || ferror(stdout)) {
			/*
			 * The reader went away (| head), or the stop signal
			 * cut a write to a full pipe short: a normal end.
			 */
			ret = errno == EPIPE || (errno == EINTR && stop_signal) ? 0 : 1;
			break;
		}
	}
	ri_rows_free(&b.rows);
	ri_cgroups_close(b.cgroups);
	return ret;
}
