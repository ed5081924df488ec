// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The batch front end: plain text or JSON Lines on stdout, one block per
 * tick, for scripts, logs and tests. Never touches curses. It reads only
 * the model, like the TUI, so both always agree.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "format.h"
#include "monitor.h"

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

static void text_header(FILE *f, const struct ri_model *m, const struct ri_source *src,
			bool threads)
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
		ts, m->interval_s, src->ops->name, src->probe, m->totals.ntasks,
		m->totals.nprocs, m->totals.cpu_pct,
		ri_fmt_bytes(used, sizeof(used), (double)m->totals.mem_used, 5),
		ri_fmt_bytes(total, sizeof(total), (double)m->totals.mem_total, 5),
		m->events_ps, (unsigned long long)m->dropped);
	nw = ri_model_waiting(m, waiting, 16);
	for (i = 0; i < nw; i++)
		fprintf(f, "  waiting for %.*s", RI_COMM_LEN, waiting[i]);
	fputc('\n', f);
	fprintf(f, "%-8s %7s %s%-15s %3s %6s %5s %6s %7s %7s %8s %8s %6s\n", "TIME",
		"PID", threads ? "    TID " : "", "COMM", "CPU", "CPU%", "MEM%", "RSS",
		"READ/s", "WRITE/s", "DISK-R/s", "DISK-W/s", "CSW/s");
}

static void text_row(FILE *f, const char *ts, pid_t pid, const char *tid,
		     const char *comm, const struct ri_fig *g, bool exited)
{
	char name[RI_COMM_LEN * 4 + 16], pct[16], mem[16], rss[16], rd[16], wr[16],
		drd[16] = "n/a", dwr[16] = "n/a";

	/* Screen columns, not bytes: a name never shifts the columns after it. */
	ri_fit(name, sizeof(name), comm, RI_COMM_LEN, 15);
	if (!g->disk_na) {
		ri_fmt_rate(drd, sizeof(drd), g->disk_rd_bps, 8);
		ri_fmt_rate(dwr, sizeof(dwr), g->disk_wr_bps, 8);
	}
	fprintf(f, "%-8s %7d %s%s %3d %6s %5s %6s %7s %7s %8s %8s %6.0f%s\n", ts,
		pid, tid, name, g->cpu, ri_fmt_pct(pct, sizeof(pct), g->cpu_pct, 6),
		ri_fmt_pct(mem, sizeof(mem), g->mem_pct, 5),
		ri_fmt_bytes(rss, sizeof(rss), (double)g->rss_bytes, 6),
		ri_fmt_rate(rd, sizeof(rd), g->io_rd_bps, 7),
		ri_fmt_rate(wr, sizeof(wr), g->io_wr_bps, 7), drd, dwr, g->csw_ps,
		exited ? "  [exited]" : "");
}

/* Threads of @p sorted like the processes; @buf grows as needed. */
static size_t sorted_threads(const struct ri_proc *p, struct ri_thread ***buf,
			     size_t *cap, const struct ri_opts *o)
{
	struct ri_thread *t;
	size_t n = 0;

	for (t = p->threads; t; t = t->next) {
		if (n == *cap) {
			size_t c = *cap ? *cap * 2 : 64;
			struct ri_thread **v = realloc(*buf, c * sizeof(*v));

			if (!v)
				break;
			*buf = v;
			*cap = c;
		}
		(*buf)[n++] = t;
	}
	ri_sort_threads(*buf, n, o->sort, false);
	return n;
}

struct batch {
	const struct ri_opts *o;
	struct ri_monitor *mon;
	struct ri_proc **procs;
	size_t procs_cap;
	struct ri_thread **threads;
	size_t threads_cap;
};

static int sorted_procs(struct batch *b)
{
	const struct ri_model *m = b->mon->model;

	if (m->nprocs > b->procs_cap) {
		struct ri_proc **v = realloc(b->procs, m->nprocs * 2 * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->procs = v;
		b->procs_cap = m->nprocs * 2;
	}
	if (m->nprocs) {
		memcpy(b->procs, m->procs, m->nprocs * sizeof(*b->procs));
		ri_sort_procs(b->procs, m->nprocs, b->o->sort, false);
	}
	return 0;
}

static void text_tick(FILE *f, struct batch *b)
{
	const struct ri_model *m = b->mon->model;
	char ts[32], tid[32];
	size_t i, j, nt;

	print_ts(f, m->time, ts, sizeof(ts));
	text_header(f, m, b->mon->src, b->o->threads);
	for (i = 0; i < m->nprocs; i++) {
		const struct ri_proc *p = b->procs[i];

		text_row(f, ts, p->pid, b->o->threads ? "      - " : "", p->comm,
			 &p->fig, p->exited);
		if (!b->o->threads)
			continue;
		nt = sorted_threads(p, &b->threads, &b->threads_cap, b->o);
		for (j = 0; j < nt; j++) {
			const struct ri_thread *t = b->threads[j];

			snprintf(tid, sizeof(tid), "%7d ", t->tid);
			text_row(f, ts, p->pid, tid, t->comm, &t->fig, t->exited);
		}
	}
	fputc('\n', f);
}

/* ---- JSON ---- */

static void json_num(FILE *f, const char *key, double v)
{
	fprintf(f, ",\"%s\":%.3f", key, v);
}

static void json_u64(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, ",\"%s\":%llu", key, (unsigned long long)v);
}

static void json_fig(FILE *f, const struct ri_fig *g, double exit_time, bool exited)
{
	fprintf(f, ",\"exited\":%s", exited ? "true" : "false");
	if (exited)
		json_num(f, "exit_time", exit_time);
	json_num(f, "cpu_pct", g->cpu_pct);
	json_u64(f, "cpu_ns", g->cpu_ns);
	json_u64(f, "cpu_total_ns", g->cpu_total_ns);
	fprintf(f, ",\"mem_pct\":%.4f", g->mem_pct);
	json_u64(f, "rss_bytes", g->rss_bytes);
	json_num(f, "io_read_bps", g->io_rd_bps);
	json_num(f, "io_write_bps", g->io_wr_bps);
	json_u64(f, "io_read_bytes", g->io_rd);
	json_u64(f, "io_write_bytes", g->io_wr);
	if (g->disk_na) {
		fputs(",\"disk_read_bps\":null,\"disk_write_bps\":null,"
		      "\"disk_read_bytes\":null,\"disk_write_bytes\":null",
		      f);
	} else {
		json_num(f, "disk_read_bps", g->disk_rd_bps);
		json_num(f, "disk_write_bps", g->disk_wr_bps);
		json_u64(f, "disk_read_bytes", g->disk_rd);
		json_u64(f, "disk_write_bytes", g->disk_wr);
	}
	json_u64(f, "vcsw", g->vcsw);
	json_u64(f, "ivcsw", g->ivcsw);
	fprintf(f, ",\"cpu\":%d", g->cpu);
}

static void json_tick(FILE *f, struct batch *b)
{
	const struct ri_model *m = b->mon->model;
	const struct ri_source *src = b->mon->src;
	const char *waiting[64];
	size_t i, j, nt, nw;

	fprintf(f, "{\"time\":%.6f,\"interval_s\":%.6f,\"source\":\"%s\",\"probe\":\"%s\"",
		m->time, m->interval_s, src->ops->name, src->probe);
	json_u64(f, "dropped", m->dropped);
	json_u64(f, "dropped_delta", m->dropped_delta);
	json_num(f, "events_ps", m->events_ps);
	fprintf(f, ",\"ncpu\":%d", m->ncpu);
	json_u64(f, "mem_total", m->totals.mem_total);
	json_u64(f, "mem_used", m->totals.mem_used);
	json_num(f, "cpu_pct_total", m->totals.cpu_pct);
	json_num(f, "cpu_pct_tracked", m->totals.tracked_cpu_pct);
	json_u64(f, "ntasks", m->totals.ntasks);
	fprintf(f, ",\"sees_short_lived\":%s", src->sees_short_lived ? "true" : "false");
	fputs(",\"waiting\":[", f);
	nw = ri_model_waiting(m, waiting, 64);
	for (i = 0; i < nw; i++) {
		if (i)
			fputc(',', f);
		ri_json_str(f, waiting[i], RI_COMM_LEN);
	}
	fputs("],\"processes\":[", f);
	for (i = 0; i < m->nprocs; i++) {
		const struct ri_proc *p = b->procs[i];

		fprintf(f, "%s{\"pid\":%d,\"ppid\":%d,\"uid\":%u,\"comm\":", i ? "," : "",
			p->pid, p->ppid, (unsigned)p->uid);
		ri_json_str(f, p->comm, RI_COMM_LEN);
		fprintf(f, ",\"nthreads\":%d,\"start_ns\":%llu", p->nthreads,
			(unsigned long long)p->start_ns);
		json_fig(f, &p->fig, p->exit_time, p->exited);
		if (b->o->threads) {
			fputs(",\"threads\":[", f);
			nt = sorted_threads(p, &b->threads, &b->threads_cap, b->o);
			for (j = 0; j < nt; j++) {
				const struct ri_thread *t = b->threads[j];

				fprintf(f, "%s{\"tid\":%d,\"comm\":", j ? "," : "", t->tid);
				ri_json_str(f, t->comm, RI_COMM_LEN);
				json_fig(f, &t->fig, t->exit_time, t->exited);
				fputc('}', f);
			}
			fputc(']', f);
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
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

int ri_batch_run(const struct ri_opts *o, struct ri_monitor_opts *mo)
{
	struct batch b = { .o = o };
	char err[1024] = "", warn[512] = "";
	uint64_t start, step = (uint64_t)(o->delay * 1e9);
	long tick;
	int ret = 0, e;

	catch_signals();
	mo->src.warning = warn;
	mo->src.warning_len = sizeof(warn);
	e = ri_monitor_open(mo, &b.mon, err, sizeof(err));
	if (e) {
		fprintf(stderr, "resource_image: %s\n", err);
		return 1;
	}
	if (warn[0])
		fprintf(stderr, "resource_image: warning: %s\n", warn);
	if ((o->npids || o->nnames) &&
	    (e = ri_monitor_choose(b.mon, o->pids, o->npids,
				   (const char(*)[RI_COMM_LEN])o->names, o->nnames))) {
		fprintf(stderr, "resource_image: cannot apply the choice: %s\n",
			strerror(-e));
		ri_monitor_close(b.mon);
		return 1;
	}
	start = mono_ns();
	for (tick = 1; !o->count || tick <= o->count; tick++) {
		if (!sleep_until(start + (uint64_t)tick * step))
			break;
		e = ri_monitor_tick(b.mon);
		if (e) {
			fprintf(stderr, "resource_image: reading the %s source failed: %s\n",
				b.mon->src->ops->name, strerror(-e));
			ret = 1;
			break;
		}
		if (sorted_procs(&b)) {
			ret = 1;
			break;
		}
		if (o->json)
			json_tick(stdout, &b);
		else
			text_tick(stdout, &b);
		if (fflush(stdout) || ferror(stdout)) {
			/* The reader went away (| head): a normal end. */
			ret = errno == EPIPE ? 0 : 1;
			break;
		}
	}
	ri_monitor_close(b.mon);
	free(b.procs);
	free(b.threads);
	return ret;
}
