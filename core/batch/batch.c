// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The batch front end: plain text or JSON Lines on stdout, one block per
 * tick, for scripts, logs and tests. Never touches curses. It reads the
 * model through the same rows as the TUI, so both always agree on what is
 * listed and in which order.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "batch_limits.h"
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

/*
 * Output without printf, and without stdio's cost per call: with ten
 * thousand thread rows per tick, printf's format parsing and float path
 * were most of the tool's CPU time, then stdio's own bookkeeping for
 * each of the sixty pieces of a row. A tick is built in memory and
 * written in 64 KiB pieces.
 */
struct out {
	FILE *f;
	size_t n;
	char b[1 << 16];
};

static void out_flush(struct out *o)
{
	if (o->n)
		fwrite_unlocked(o->b, 1, o->n, o->f);
	o->n = 0;
}

static void put_slow(struct out *o, const char *s, size_t k)
{
	out_flush(o);
	if (k > sizeof(o->b)) {
		fwrite_unlocked(s, 1, k, o->f);
		return;
	}
	memcpy(o->b, s, k);
	o->n = k;
}

/*
 * Inline, as are put() of a literal (its length a constant, its copy a
 * move or two) and the numbers below, written in place: a row of a
 * thread is some sixty of them.
 */
static inline __attribute__((always_inline)) void put_n(struct out *o, const char *s,
							size_t k)
{
	if (__builtin_expect(o->n + k > sizeof(o->b), 0)) {
		put_slow(o, s, k);
		return;
	}
	memcpy(o->b + o->n, s, k);
	o->n += k;
}

static inline __attribute__((always_inline)) void put(struct out *o, const char *s)
{
	put_n(o, s, strlen(s));
}

static void out_putc(struct out *o, char c)
{
	if (o->n == sizeof(o->b))
		out_flush(o);
	o->b[o->n++] = c;
}

static void out_spaces(struct out *o, int k)
{
	if (k <= 0)
		return;
	if (o->n + (size_t)k > sizeof(o->b))
		out_flush(o);
	if ((size_t)k > sizeof(o->b))
		k = sizeof(o->b);
	memset(o->b + o->n, ' ', (size_t)k);
	o->n += (size_t)k;
}

/* Room for @k more bytes in place. */
static inline void out_room(struct out *o, size_t k)
{
	if (o->n + k > sizeof(o->b))
		out_flush(o);
}

/* @v in decimal, in place: two digits a step, most figures being zero. */
static void out_u64(struct out *o, uint64_t v)
{
	static const char d2[] = "00010203040506070809101112131415161718192021222324"
				 "25262728293031323334353637383940414243444546474849"
				 "50515253545556575859606162636465666768697071727374"
				 "75767778798081828384858687888990919293949596979899";
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;

	if (v < 10) {
		out_putc(o, (char)('0' + v));
		return;
	}
	while (v >= 100) {
		unsigned i = (unsigned)(v % 100) * 2;

		v /= 100;
		*--p = d2[i + 1];
		*--p = d2[i];
	}
	if (v >= 10) {
		*--p = d2[v * 2 + 1];
		*--p = d2[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	put_n(o, p, (size_t)(e - p));
}

/* ri_fmt_fixed's figure, in place. */
static void out_fixed(struct out *o, double v, int dec)
{
	out_room(o, 48);
	ri_fmt_fixed(o->b + o->n, 48, v, dec);
	o->n += strlen(o->b + o->n);
}

__attribute__((format(printf, 2, 3))) static void out_printf(struct out *o,
							      const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (k > 0)
		put_n(o, b, (size_t)k < sizeof(b) ? (size_t)k : sizeof(b) - 1);
}

/* A JSON string of at most @n bytes of @s (ri_json_esc's rules). */
static void out_json_str(struct out *o, const char *s, size_t n)
{
	size_t room = 6 * strnlen(s, n) + 3;

	if (o->n + room > sizeof(o->b))
		out_flush(o);
	if (room > sizeof(o->b)) {
		ri_json_str(o->f, s, n);
		return;
	}
	o->n += ri_json_esc(o->b + o->n, room, s, n);
}

static void print_ts(struct out *f, double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	(void)f;
}

/* ---- text ---- */

static void text_header(struct out *f, const struct ri_model *m,
			const struct ri_monitor_info *src, bool threads)
{
	char ts[64], used[16], total[16];
	const char *waiting[16];
	size_t nw, i;
	time_t s = (time_t)m->time;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	out_printf(f, "resource_image %s  interval %.2fs  source %s  probe %s  "
		   "tasks %zu  procs %zu  cpu %.1f%%  mem %s/%s  events %.0f/s  dropped %llu",
		ts, m->interval_s, src->source, src->probe, m->totals.ntasks,
		m->totals.nprocs, m->totals.cpu_pct,
		ri_fmt_bytes(used, sizeof(used), (double)m->totals.mem_used, 5),
		ri_fmt_bytes(total, sizeof(total), (double)m->totals.mem_total, 5),
		m->events_ps, (unsigned long long)m->dropped);
	if (m->machine.has_net)
		out_printf(f, "  net rx %s/s tx %s/s",
			ri_fmt_rate(used, sizeof(used), m->machine.net_rx_bps, 5),
			ri_fmt_rate(total, sizeof(total), m->machine.net_tx_bps, 5));
	nw = ri_model_waiting(m, waiting, 16);
	for (i = 0; i < nw; i++)
		out_printf(f, "  waiting for %.*s", RI_COMM_LEN, waiting[i]);
	out_putc(f, '\n');
	out_printf(f, "%-8s %7s %s%-15s %3s %6s %5s %6s ", "TIME", "PID",
		threads ? "    TID " : "", "COMM", "CPU", "CPU%", "MEM%", "RSS");
	for (i = 0; i < RI_C_COUNT; i++)
		if (ri_counter_shown((int)i))
			out_printf(f, "%*s ", ri_counters[i].text_width, ri_counters[i].title);
	out_printf(f, "%6s %6s %7s %8s %12s %13s\n", "CSW/s", "WAIT%", "AVGWAIT", "GROWTH",
		   "HEADROOM", "ETA");
}

/*
 * A counter's rate as its column shows it (bytes or events per second, a
 * state's share of the time in percent).
 */
static char *fmt_counter_rate(char *b, size_t n, const struct ri_fig *g, int c, int w)
{
	if (ri_fig_na(g, c))
		snprintf(b, n, "n/a");
	else if (ri_counters[c].flags & RI_FF_TIME)
		ri_fmt_pct(b, n, g->rate[c], w);
	else
		ri_fmt_rate(b, n, g->rate[c], w);
	return b;
}


/* @s right-aligned (or left-aligned) in @w columns, then a space. */
static void put_col(struct out *f, const char *s, int w, bool left)
{
	size_t len = strlen(s), pad = (int)len < w ? (size_t)w - len : 0;
	char *d;

	if (f->n + len + pad + 1 > sizeof(f->b)) {
		if (left)
			put_n(f, s, len);
		out_spaces(f, (int)pad);
		if (!left)
			put_n(f, s, len);
		out_putc(f, ' ');
		return;
	}
	/* In place: a cell is a few bytes, not worth a call to the library. */
	d = f->b + f->n;
	if (left)
		for (size_t i = 0; i < len; i++)
			*d++ = s[i];
	for (size_t i = 0; i < pad; i++)
		*d++ = ' ';
	if (!left)
		for (size_t i = 0; i < len; i++)
			*d++ = s[i];
	*d++ = ' ';
	f->n = (size_t)(d - f->b);
}

static void put_int_col(struct out *f, long long v, int w)
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
static void text_row(struct out *f, const char *ts, pid_t pid, pid_t tid, bool threads,
		     const char *comm, const struct ri_fig *g,
		     const struct ri_growth *gr, const struct ri_proc *p, const char *tail)
{
	char room[32], eta[32];

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
	out_spaces(f, 8 - (int)strlen(b[0] ? b : "-"));
	put(f, b[0] ? b : "-");
	/* What a process runs out of first, and when (the screen's cells). */
	ri_batch_limits_cells(p, room, sizeof(room), eta, sizeof(eta));
	/* Right-aligned like GROWTH: a row ends where the header does. */
	out_putc(f, ' ');
	put_col(f, room, 12, false);
	out_spaces(f, 13 - (int)strlen(eta));
	put(f, eta);
	put(f, tail);
}

struct batch {
	const struct ri_opts *o;
	struct ri_monitor *mon;
	struct ri_monitor_info info;
	struct ri_rows rows;
	struct ri_cgroups *cgroups; /* JSON: cgroup ids to paths */
	struct ri_hook *hook; /* --alert-exec */
	struct out *out;      /* stdout's */
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

/*
 * After the rows, one line per process with wait sites, the threads
 * grouped by where they wait: "WAITS 12:00:01 pid 812 (nginx): 6 threads
 * in futex_do_wait <- futex, 2 in do_epoll_wait <- epoll_wait".
 */
static void text_waits(struct out *f, const struct ri_model *m, const struct ri_rows *rows,
		       const char *ts)
{
	struct ri_site_group g[64];
	char name[RI_COMM_LEN * 4 + 8], site[RI_SITE_LEN + 40];

	if (!m->sites.known)
		return;
	for (size_t i = 0; i < rows->n; i++) {
		const struct ri_row *r = &rows->v[i];
		const struct ri_site *s;
		size_t n, ng;

		if (r->kind != RI_ROW_PROC || r->t || !r->p || r->p->exited)
			continue;
		s = ri_site_table_proc(&m->sites, (uint32_t)r->p->pid, &n);
		if (!n)
			continue;
		ng = ri_site_group(s, n, g, 64);
		ri_printable(name, sizeof(name), r->p->comm, RI_COMM_LEN);
		out_printf(f, "WAITS %s pid %d (%s):", ts, (int)r->p->pid, name);
		for (size_t k = 0; k < ng; k++)
			out_printf(f, "%s %u %s %s", k ? "," : "", g[k].threads,
				   k ? "in" : g[k].threads == 1 ? "thread in" : "threads in",
				   ri_site_text(site, sizeof(site), g[k].fn, g[k].nr, "<-"));
		out_putc(f, '\n');
	}
}

static void text_tick(struct out *f, struct batch *b)
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
			text_row(f, ts, 0, 0, b->o->threads, r->g->comm, r->fig, NULL, NULL, tail);
		} else if (r->t) {
			text_row(f, ts, r->p->pid, r->t->tid, true, r->t->comm,
				 &r->t->fig, NULL, NULL, r->t->exited ? "  [exited]\n" : "\n");
		} else {
			text_row(f, ts, r->p->pid, 0, b->o->threads, r->p->comm,
				 &r->p->fig, &r->p->growth, r->p,
				 r->p->exited ? "  [exited]\n" : "\n");
		}
	}
	text_waits(f, m, &b->rows, ts);
	out_flush(f);
	ri_batch_alerts_text(f->f, ri_monitor_alerts(b->mon), b->hook);
	out_putc(f, '\n');
}

/* ---- JSON ---- */

/*
 * Each key with its comma, quotes and colon is one literal: every row of
 * ten thousand threads writes them all.
 */
#define JSON_KEY(key) ",\"" key "\":"
#define json_key(f, key) put_n(f, JSON_KEY(key), sizeof(JSON_KEY(key)) - 1)
#define json_fixed(f, key, v, dec) (json_key(f, key), out_fixed(f, v, dec))
#define json_num(f, key, v) json_fixed(f, key, v, 3)
#define json_u64(f, key, v) (json_key(f, key), out_u64(f, v))
#define json_int(f, key, v) (json_key(f, key), out_int(f, v))

static void out_int(struct out *f, long long v)
{
	if (v < 0) {
		out_putc(f, '-');
		out_u64(f, -(uint64_t)v);
	} else {
		out_u64(f, (uint64_t)v);
	}
}

#define json_bool(f, key, v) (json_key(f, key), put(f, (v) ? "true" : "false"))

/*
 * A counter's two keys: "<json>_bps" and "<json>_bytes" for bytes,
 * "<json>_pct" and "<json>_ns" for a state's time, "<json>_ps" and
 * "<json>" for events; both null where it is n/a. Each
 * written with its comma, quotes and colon, made once: every row of
 * ten thousand threads writes them all.
 */
static char json_ckey[RI_C_COUNT][2][48];

__attribute__((constructor)) static void json_counter_keys(void)
{
	for (int c = 0; c < RI_C_COUNT; c++) {
		const struct ri_counter_info *ci = &ri_counters[c];
		bool bytes = ci->flags & RI_FF_BYTES, time = ci->flags & RI_FF_TIME;

		if (!ci->json)
			continue;
		snprintf(json_ckey[c][0], sizeof(json_ckey[c][0]), ",\"%s%s\":", ci->json,
			 bytes ? "_bps" : time ? "_pct" : "_ps");
		snprintf(json_ckey[c][1], sizeof(json_ckey[c][1]), ",\"%s%s\":", ci->json,
			 bytes ? "_bytes" : time ? "_ns" : "");
	}
}

static void json_counter(struct out *f, const struct ri_fig *g, int c)
{
	if (ri_fig_na(g, c)) {
		put(f, json_ckey[c][0]);
		put(f, "null");
		put(f, json_ckey[c][1]);
		put(f, "null");
		return;
	}
	put(f, json_ckey[c][0]);
	out_fixed(f, g->rate[c], 3);
	put(f, json_ckey[c][1]);
	out_u64(f, g->n[c]);
}

static void json_fig(struct out *f, const struct ri_fig *g, double exit_time, bool exited)
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

/*
 * Where thread @t waits (waits.h): its kernel function and syscall, null
 * when it is not asleep, not wanted (a process not chosen, not stuck)
 * or the source reads no sites.
 */
static void json_site(struct out *f, const struct ri_model *m, const struct ri_thread *t)
{
	const struct ri_site *s = NULL;
	const char *sc;

	if (!t->exited && t->proc)
		s = ri_site_table_find(&m->sites, (uint32_t)t->proc->pid, (uint32_t)t->tid);
	put(f, ",\"wait_site\":");
	if (s && *s->fn)
		out_json_str(f, s->fn, strnlen(s->fn, sizeof(s->fn)));
	else
		put(f, "null");
	put(f, ",\"wait_syscall\":");
	if (s && (sc = ri_syscall_name(s->nr)))
		out_json_str(f, sc, strlen(sc));
	else
		put(f, "null");
}

/*
 * The process's wait sites grouped, most threads first: "waits":
 * [{"site", "syscall", "threads"}]; null where the source reads none.
 */
static void json_waits(struct out *f, const struct ri_model *m, const struct ri_proc *p)
{
	struct ri_site_group g[64];
	const struct ri_site *s;
	size_t n, ng, i;

	if (!m->sites.known || p->exited) {
		put(f, ",\"waits\":null");
		return;
	}
	s = ri_site_table_proc(&m->sites, (uint32_t)p->pid, &n);
	ng = ri_site_group(s, n, g, 64);
	put(f, ",\"waits\":[");
	for (i = 0; i < ng; i++) {
		const char *sc = ri_syscall_name(g[i].nr);

		put(f, i ? ",{\"site\":" : "{\"site\":");
		out_json_str(f, g[i].fn, strlen(g[i].fn));
		put(f, ",\"syscall\":");
		if (sc)
			out_json_str(f, sc, strlen(sc));
		else
			put(f, "null");
		json_int(f, "threads", g[i].threads);
		out_putc(f, '}');
	}
	out_putc(f, ']');
}

static void json_thread(struct out *f, const struct ri_model *m, const struct ri_thread *t,
			bool first)
{
	put(f, first ? "{\"tid\":" : ",{\"tid\":");
	out_u64(f, (uint64_t)t->tid);
	put(f, ",\"comm\":");
	out_json_str(f, t->comm, RI_COMM_LEN);
	json_fig(f, &t->fig, t->exit_time, t->exited);
	/*
	 * What it sleeps in at the snapshot, and the holder of the lock it
	 * waits for: null when running, runnable or not known.
	 */
	put(f, ",\"asleep_in\":");
	if (t->wait_state && !t->exited) {
		put(f, "\"");
		put(f, ri_state_name(t->wait_state - 1));
		put(f, "\"");
	} else {
		put(f, "null");
	}
	put(f, ",\"lock_holder\":");
	if (t->lock_holder && !t->exited)
		out_u64(f, (uint64_t)t->lock_holder);
	else
		put(f, "null");
	json_site(f, m, t);
	out_putc(f, '}');
}

/*
 * How many of the process's threads sleep in each state at the snapshot
 * ("threads_asleep"), the threads in a cycle of lock waits ("deadlocked")
 * and how long its longest uninterruptible thread has been so ("hung_s").
 * null where the states are not counted, or its threads were summed in
 * the kernel (no -H) and none is known one by one.
 */
static void json_asleep(struct out *f, const struct ri_proc *p)
{
	int now[RI_NSTATES] = { 0 };
	bool known = !ri_fig_na(&p->fig, RI_C_ST_DISK) && !p->exited;

	for (const struct ri_thread *t = p->threads; t && known; t = t->next) {
		if (t->whole)
			known = false;
		else if (!t->exited && t->wait_state && t->wait_state <= RI_NSTATES)
			now[t->wait_state - 1]++;
	}
	if (!known) {
		put(f, ",\"threads_asleep\":null,\"deadlocked\":null,\"hung_s\":null");
		return;
	}
	put(f, ",\"threads_asleep\":{");
	for (int i = 0; i < RI_NSTATES; i++) {
		put(f, i ? ",\"" : "\"");
		put(f, ri_state_name(i));
		put(f, "\":");
		out_u64(f, (uint64_t)now[i]);
	}
	out_putc(f, '}');
	json_int(f, "deadlocked", p->deadlocked);
	json_fixed(f, "hung_s", p->hung_s, 3);
}

static void json_proc_open(struct out *f, const struct ri_model *m, const struct ri_proc *p,
			   bool first, struct ri_cgroups *cg)
{
	const char *path = ri_cgroup_path(cg, p->cgroup_id);

	put(f, first ? "{\"pid\":" : ",{\"pid\":");
	out_u64(f, (uint64_t)p->pid);
	json_int(f, "ppid", p->ppid);
	json_u64(f, "uid", p->uid);
	put(f, ",\"comm\":");
	out_json_str(f, p->comm, RI_COMM_LEN);
	/* The cgroup v2 path; null when the process's is not known. */
	put(f, ",\"cgroup\":");
	if (path)
		out_json_str(f, path, strlen(path));
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
	json_asleep(f, p);
	json_waits(f, m, p);
	/* batch_limits.c writes to the stream: what is built goes first. */
	out_flush(f);
	ri_batch_limits_json(f->f, m, p);
}

static void json_tick(struct out *f, struct batch *b)
{
	const struct ri_model *m = ri_monitor_model(b->mon);
	const struct ri_monitor_info *src = &b->info;
	const char *waiting[RI_MAX_CHOSEN_NAMES];
	char num[48];
	size_t i, nw, nprocs = 0, nthreads = 0;

	put(f, "{\"time\":");
	put(f, ri_fmt_fixed(num, sizeof(num), m->time, 6));
	json_fixed(f, "interval_s", m->interval_s, 6);
	out_printf(f, ",\"source\":\"%s\",\"probe\":\"%s\"", src->source, src->probe);
	json_u64(f, "dropped", m->dropped);
	json_u64(f, "dropped_delta", m->dropped_delta);
	/* Sleeping threads whose wait site did not fit, since the start. */
	if (m->sites.known)
		json_u64(f, "waits_lost", m->sites.lost);
	else
		put(f, ",\"waits_lost\":null");
	json_num(f, "events_ps", m->events_ps);
	json_int(f, "ncpu", m->ncpu);
	json_u64(f, "mem_total", m->totals.mem_total);
	json_u64(f, "mem_used", m->totals.mem_used);
	json_num(f, "cpu_pct_total", m->totals.cpu_pct);
	json_num(f, "cpu_pct_tracked", m->totals.tracked_cpu_pct);
	json_u64(f, "ntasks", m->totals.ntasks);
	/* The machine's interfaces but loopback; null where not read. */
	if (m->machine.has_net) {
		json_num(f, "net_rx_bps", m->machine.net_rx_bps);
		json_num(f, "net_tx_bps", m->machine.net_tx_bps);
		json_num(f, "net_rx_pps", m->machine.net_rx_pps);
		json_num(f, "net_tx_pps", m->machine.net_tx_pps);
	} else {
		put(f, ",\"net_rx_bps\":null,\"net_tx_bps\":null,"
		       "\"net_rx_pps\":null,\"net_tx_pps\":null");
	}
	json_bool(f, "sees_short_lived", src->sees_short_lived);
	put(f, ",\"waiting\":[");
	nw = ri_model_waiting(m, waiting, RI_MAX_CHOSEN_NAMES);
	for (i = 0; i < nw; i++) {
		if (i)
			out_putc(f, ',');
		out_json_str(f, waiting[i], RI_COMM_LEN);
	}
	put(f, "],\"processes\":[");
	for (i = 0; i < b->rows.n; i++) {
		const struct ri_row *r = &b->rows.v[i];

		if (r->t) {
			json_thread(f, m, r->t, nthreads++ == 0);
			continue;
		}
		if (nprocs && b->o->threads)
			put(f, "]}");
		else if (nprocs)
			out_putc(f, '}');
		json_proc_open(f, m, r->p, nprocs++ == 0, b->cgroups);
		nthreads = 0;
		if (b->o->threads)
			put(f, ",\"threads\":[");
	}
	if (nprocs)
		put(f, b->o->threads ? "]}" : "}");
	out_putc(f, ']');
	out_flush(f);
	ri_batch_alerts_json(f->f, ri_monitor_alerts(b->mon), b->hook);
	put(f, "}\n");
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
	uint64_t start, step, slot = 0, last = 0;
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
	b.out = calloc(1, sizeof(*b.out));
	if (!b.out || (o->json && ri_cgroups_open(&b.cgroups, NULL))) {
		free(b.out);
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
		if (step) {
			/*
			 * Refreshes keep to a grid of steps from the start. After
			 * a stall (a loaded machine, SIGSTOP) the ones missed are
			 * not made up in a burst: refreshes a fraction of a
			 * millisecond apart would print noise, as a running task's
			 * CPU time moves in the scheduler's ticks (4 ms). The next
			 * is the first point of the grid at least half a step
			 * after the last refresh.
			 */
			slot++;
			if (last && start + slot * step < last + step / 2)
				slot = (last + step / 2 - start + step - 1) / step;
			if (!sleep_until(start + slot * step))
				break;
		} else if (stop_signal) {
			break;
		}
		last = mono_ns();
		e = ri_monitor_tick(b.mon);
		news(s);
		if (e == -EAGAIN && ri_session_replay(s)) {
			/* Followed: the next frame is not written yet. */
			if (ri_recorder_gone(ri_session_recorder(s)))
				break; /* -w -: the stream's reader went away */
			tick--;
			slot--;
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
		b.out->f = stdout;
		if (o->json)
			json_tick(b.out, &b);
		else
			text_tick(b.out, &b);
		out_flush(b.out);
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
	free(b.out);
	return ret;
}
