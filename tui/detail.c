// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Detail panels, shown under the table when the user has chosen
 * processes: one sparkline per metric over the whole history window, with
 * the current, min and max values, the time span covered, and the memory
 * growth rate so a leak is visible at a glance; under CPU% where its
 * threads' time went (STATES, stacked in the theme's state colours); the
 * title says how long the process waited for a CPU (WAIT% and the mean
 * wait per run); a time axis under the graphs says how long ago each part
 * of them is ("-4m ... now"). Every graph's scale starts at 0; no label
 * runs past the right edge, the less telling parts go first.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "container.h"
#include "format.h"
#include "view.h"

static const enum ri_metric order[] = { RI_M_CPU, RI_M_MEM, RI_M_READ,
					RI_M_WRITE, RI_M_NET_RX, RI_M_NET_TX };
#define NMETRICS ((int)(sizeof(order) / sizeof(order[0])))
/* The metrics and the STATES graph, drawn after CPU%. */
#define NGRAPHS (NMETRICS + 1)
/* Title, a line per graph, the axis: the least a panel takes. */
#define PANEL_H (NGRAPHS + 2)
#define MAX_GRAPH_H 4 /* rows per metric when the screen has room */
#define LABEL_W 8
#define STATS_W 50 /* " now X min Y max Z" and the growth rate */

/*
 * Lines of a panel's limits: one per resource with a limit known, and
 * its cgroup's CPU throttling and OOM kills when it has a cgroup. None
 * for a process whose limits are unknown (an older recording).
 */
static int limit_lines(const struct tui *v, const struct ri_proc *p)
{
	int n = 0;

	if (!p->lim_known || p->exited)
		return 0;
	for (int r = 0; r < RI_R_COUNT; r++)
		n += p->room[r].known;
	return n + (ri_proc_cgroup(v->m, p) != NULL);
}

/* A panel's lines under its graphs: its limits, then where it waits. */
static int extra_lines(const struct tui *v, const struct ri_proc *p)
{
	return limit_lines(v, p) + waits_lines(v, p);
}

/* Lines all the chosen processes' panels would take. */
int detail_height(const struct tui *v)
{
	int n = 0;
	size_t i;

	for (i = 0; i < v->rows.n; i++)
		if (v->rows.v[i].kind == RI_ROW_PROC && !v->rows.v[i].member)
			n += PANEL_H + extra_lines(v, v->rows.v[i].p);
	return n;
}

static void fmt_value(char *b, size_t n, enum ri_metric m, double x)
{
	if (m == RI_M_CPU)
		snprintf(b, n, "%.1f%%", x);
	else if (m == RI_M_MEM)
		ri_fmt_bytes(b, n, x, 6);
	else
		ri_fmt_rate(b, n, x, 6);
}

static void fmt_growth(char *b, size_t n, double per_min)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double a = fabs(per_min);
	int u = 0;

	if (a < 1) {
		snprintf(b, n, "flat");
		return;
	}
	while (a >= 1024 && u < 4) {
		a /= 1024;
		u++;
	}
	snprintf(b, n, "%c%.1f %s/min", per_min < 0 ? '-' : '+', a, unit[u]);
}

/*
 * Display width of @s (UTF-8), and @s cut to at most @w cells: first
 * trailing parenthesised parts go ("+1.2 MiB/min (34s)" -> "+1.2
 * MiB/min"), then words from the end; a word is cut only when it is all
 * there is.
 */
static int width_of(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void fit(char *s, int w)
{
	size_t len;

	if (w < 0)
		w = 0;
	while (width_of(s) > w) {
		char *sp;

		len = strlen(s);
		while (len && s[len - 1] == ' ')
			s[--len] = '\0';
		if (len && s[len - 1] == ')' && (sp = strrchr(s, '(')) && sp > s) {
			*sp = '\0';
			continue;
		}
		sp = strrchr(s, ' ');
		if (sp && sp > s && sp[-1] != ' ') {
			*sp = '\0';
			continue;
		}
		if (sp && sp > s) {
			/* Several blanks: drop them with the word. */
			while (sp > s && sp[-1] == ' ')
				sp--;
			*sp = '\0';
			if (sp > s)
				continue;
		}
		/* One long word: cut it at a character's start. */
		for (len = 0; s[len] && w > 0; w -= 1)
			for (len++; ((unsigned char)s[len] & 0xc0) == 0x80; len++)
				;
		s[len] = '\0';
		return;
	}
}

/*
 * The top of a graph's scale, whose bottom is always 0: for CPU% a whole
 * number of CPUs (100% at least); else a round number a little above the
 * window's largest sample (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a
 * power of ten, of B..TiB), so a flat series draws at its
 * level, not at the full height, and the scale reads as a round figure.
 */
static double scale_top(enum ri_metric m, double mx)
{
	static const double steps[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
	double unit = 1, want, dec;

	if (m == RI_M_CPU)
		return mx > 100 ? 100 * ceil(mx / 100 - 1e-9) : 100;
	if (!(mx > 0))
		return 0;
	/* Every other graph is of bytes or bytes/s, shown in binary units. */
	want = mx * 1.1;
	while (want >= 1024 * unit && unit < 1099511627776.0)
		unit *= 1024;
	want /= unit;
	dec = pow(10, floor(log10(want)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * dec >= want * (1 - 1e-9))
			return steps[i] * dec * unit;
	return 10 * dec * unit;
}

static int metric_role(enum ri_metric m)
{
	static const int roles[RI_M_COUNT] = {
		[RI_M_CPU] = R_CPU_LOW, [RI_M_MEM] = R_MEMORY,
		[RI_M_READ] = R_IO_READ, [RI_M_WRITE] = R_IO_WRITE,
		[RI_M_NET_RX] = R_IO_READ, [RI_M_NET_TX] = R_IO_WRITE,
	};
	return roles[m];
}

/*
 * The label column of a graph @gh rows tall: its name, and under it, with
 * room, the top of its scale ("^2M").
 */
static void graph_label(struct tui *v, const char *name, int attr, enum ri_metric m,
			double hi, int y, int gh)
{
	char b[24], t[16];

	put_str(y, 0, LABEL_W, name, attr | A_BOLD, false);
	/* No scale over a series of zeros: nothing to read it against. */
	if (gh < 2 || !(hi > 0))
		return;
	if (m == RI_M_CPU)
		snprintf(t, sizeof(t), "%.0f%%", hi);
	else if ((int)m < 0)
		snprintf(t, sizeof(t), "100%%");
	else
		fmt_value(t, sizeof(t), m, hi);
	/* A round figure: no ".0" to read. */
	{
		char *z = strstr(t, ".0");

		if (z && !(z[2] >= '0' && z[2] <= '9'))
			memmove(z, z + 2, strlen(z + 2) + 1);
	}
	snprintf(b, sizeof(b), "%s%s", v->utf8 ? "↑" : "^", t);
	put_str(y + 1, 0, LABEL_W - 1, b, v->attr[R_EXITED], false);
}

static void metric_line(struct tui *v, const struct ri_proc *p,
			enum ri_metric m, size_t n, int y, int gh)
{
	char now[16], mnb[16], mxb[16], st[96], g[48];
	double mn, mx, hi;
	int w = COLS - LABEL_W - STATS_W - 1;
	int role = metric_role(m);

	if (w < 10)
		w = 10;
	spark_range(p->hist, m, n, &mn, &mx);
	hi = scale_top(m, mx);
	graph_label(v, spark_metric_name(m), v->attr[role], m, hi, y, gh);
	spark_draw_tall(v, p->hist, m, n, y, LABEL_W, w, gh, 0, hi);
	fmt_value(now, sizeof(now), m, n ? ri_hist_get(p->hist, m, 0) : 0);
	fmt_value(mnb, sizeof(mnb), m, mn);
	fmt_value(mxb, sizeof(mxb), m, mx);
	snprintf(st, sizeof(st), " now %6s min %6s max %6s", now, mnb, mxb);
	/* Socket bytes the source cannot count (procfs, an older recording). */
	if ((m == RI_M_NET_RX && ri_fig_na(&p->fig, RI_C_NET_RX)) ||
	    (m == RI_M_NET_TX && ri_fig_na(&p->fig, RI_C_NET_TX)))
		snprintf(st, sizeof(st), " n/a (not counted in this source)");
	fit(st, COLS - LABEL_W - w);
	put_str(y, LABEL_W + w, COLS - LABEL_W - w, st, v->attr[R_NORMAL],
		false);
	if (m == RI_M_MEM) {
		/*
		 * The process's own growth figure (core/model/growth.c), the one the
		 * GROWTH column, JSON and the alerts show; "steady" when the
		 * line fits well, so a cache that breathes is not called a leak.
		 */
		const struct ri_growth *gr = &p->growth;
		double per_min = gr->bps * 60;
		int x = LABEL_W + w + 34;

		if (ri_hist_len(p->hist) >= 3) {
			fmt_growth(g, sizeof(g), per_min);
			if (gr->growing)
				snprintf(g + strlen(g), sizeof(g) - strlen(g), " steady");
			else if (!gr->valid)
				/* The window is not full yet: say what the fit covers. */
				snprintf(g + strlen(g), sizeof(g) - strlen(g), " (%.0fs)",
					 gr->span_s);
		} else {
			snprintf(g, sizeof(g), COLS - x >= 17 ? "growth: gathering" : "gathering");
		}
		fit(g, COLS - x);
		/* A steady climb over 1 MiB/min is worth a warning colour. */
		put_str(y, x, COLS - x, g,
			v->attr[gr->growing && per_min > 1024 * 1024 ? R_WARNING :
								       R_MEMORY] |
				A_BOLD,
			false);
	}
}

/*
 * Where the process's threads' time went over the window, stacked, CPU
 * at the bottom, and on the right the shares of the newest sample, each
 * in its state's colour ("now cpu 12% runq 3% lock 61% sleep 24%"), as
 * many as fit, the largest first when not all do.
 */
static void states_line(struct tui *v, const struct ri_proc *p, size_t n, int y, int gh)
{
	static const char *const names[RI_HIST_NSTATES] = { "cpu", "runq" };
	int w = COLS - LABEL_W - STATS_W - 1, x, room;
	uint8_t pct[RI_HIST_NSTATES];
	bool show[RI_HIST_NSTATES] = { false };
	char b[48];

	if (w < 10)
		w = 10;
	graph_label(v, "STATES", v->attr[R_NORMAL], (enum ri_metric)-1, 100, y, gh);
	spark_draw_states(v, p->hist, n, y, LABEL_W, w, gh);
	x = LABEL_W + w;
	room = COLS - x;
	put_str(y, x, room, "", v->attr[R_NORMAL], false);
	if (ri_fig_na(&p->fig, RI_C_ST_DISK)) {
		snprintf(b, sizeof(b), " n/a (not counted in this source)");
		fit(b, room);
		put_str(y, x, room, b, v->attr[R_NORMAL], false);
		return;
	}
	/*
	 * The newest sample that has them: a tick in which a starved thread
	 * never ran has no RUNQ yet (run_delay joins as it gets a CPU).
	 */
	for (size_t ago = 0;; ago++)
		if (ago >= n || ago >= 8)
			return;
		else if (ri_hist_states(p->hist, ago, pct))
			break;
	if (room < 5)
		return;
	put_str(y, x, 4, " now", v->attr[R_NORMAL], false);
	x += 4;
	room -= 4;
	/* The largest shares that fit, shown in the bar's order. */
	for (int left = room;;) {
		int best = -1, len;

		for (int i = 0; i < RI_HIST_NSTATES; i++)
			if (!show[i] && pct[i] && (best < 0 || pct[i] > pct[best]))
				best = i;
		if (best < 0)
			break;
		len = snprintf(b, sizeof(b), " %s %u%%",
			       best < 2 ? names[best] : ri_state_name(best - 2), pct[best]);
		if (len > left)
			break;
		show[best] = true;
		left -= len;
	}
	for (int i = 0; i < RI_HIST_NSTATES; i++) {
		int len;

		if (!show[i])
			continue;
		len = snprintf(b, sizeof(b), " %s %u%%",
			       i < 2 ? names[i] : ri_state_name(i - 2), pct[i]);
		put_str(y, x, len, b, v->attr[R_STATE0 + i] | A_BOLD, false);
		x += len;
	}
}

/* "-90s", "-4m", "-4m30s", "-1h5m": how long ago. */
static void fmt_ago(char *b, size_t n, double s)
{
	long t = (long)(s + 0.5);

	if (t < 120)
		snprintf(b, n, "-%lds", t);
	else if (t < 3600 && t % 60)
		snprintf(b, n, "-%ldm%02lds", t / 60, t % 60);
	else if (t < 3600)
		snprintf(b, n, "-%ldm", t / 60);
	else
		snprintf(b, n, "-%ldh%ldm", t / 3600, t % 3600 / 60);
}

/*
 * The time axis under a panel's graphs, as they are drawn: each cell
 * covers the same number of samples (spark.c), the newest on the right.
 */
static void time_axis(struct tui *v, size_t n, int y)
{
	int w = COLS - LABEL_W - STATS_W - 1, k = (int)spark_per_cell(v), c, last = -1;
	double dt = v->m->interval_s > 0 ? v->m->interval_s : v->delay;
	size_t slots, per;
	char b[24];

	if (w < 10)
		w = 10;
	slots = (size_t)w * (size_t)k;
	per = n > slots ? (n + slots - 1) / slots : 1;
	attrset(v->attr[R_EXITED]);
	mvhline(y, LABEL_W, ' ', w);
	mvaddstr(y, LABEL_W + w - 3, "now");
	for (c = 0; c < w - 12; c += w / 4 > 10 ? w / 4 : 10) {
		double ago = (double)(w - c) * (double)k * (double)per * dt;

		fmt_ago(b, sizeof(b), ago);
		if (c <= last)
			continue;
		mvaddstr(y, LABEL_W + c, b);
		last = c + (int)strlen(b);
	}
	attrset(A_NORMAL);
}

/*
 * Where the process's time went (its threads summed), for the panel's
 * title: "  states: cpu 87 runq 75 lock 289 sleep 779". Nothing where the
 * states are n/a.
 */
static void states_text(char *b, size_t n, const struct ri_proc *p)
{
	size_t o = 0;

	if (ri_fig_na(&p->fig, RI_C_ST_DISK) || !n)
		return;
	o += (size_t)snprintf(b + o, n - o, "  states: cpu %.0f", p->fig.cpu_pct);
	if (!p->fig.wait_na && o < n)
		o += (size_t)snprintf(b + o, n - o, " runq %.0f", p->fig.wait_pct);
	for (int c = 0, i = 0; c < RI_C_COUNT && i < RI_NSTATES; c++) {
		if (!(ri_counters[c].flags & RI_FF_TIME))
			continue;
		if (p->fig.rate[c] >= 0.5 && o < n)
			o += (size_t)snprintf(b + o, n - o, " %s %.0f", ri_state_name(i),
					      p->fig.rate[c]);
		i++;
	}
}

/*
 * Appends @piece to @b when it fits in @w cells; a piece of "name value"
 * pairs ("  states: cpu 87 runq 75") keeps the pairs that fit.
 */
static void add_fitting(char *b, size_t n, const char *piece, int w, bool pairs)
{
	char t[400];
	int room = w - width_of(b);

	snprintf(t, sizeof(t), "%s", piece);
	if (width_of(t) > room && pairs) {
		fit(t, room);
		/* A name whose value was cut goes with it. */
		char *sp = strrchr(t, ' ');

		if (sp && !(sp[1] >= '0' && sp[1] <= '9'))
			*sp = '\0';
		if (!strchr(t, ' ') || !strchr(strchr(t, ':') ? strchr(t, ':') : t, ' '))
			t[0] = '\0';
	}
	if (width_of(t) <= room)
		snprintf(b + strlen(b), n - strlen(b), "%s", t);
}

/*
 * What the process's threads sleep in now, for the right of the time
 * axis, the telling states first: " asleep: 2 lock on 8706 DEADLOCK 1 net
 * 8 sleep" ("+": other holders too; DEADLOCK: threads wait for each
 * other's locks in a cycle); a thread stuck uninterruptible says how
 * long. Empty when no thread is known asleep. Only the groups that fit in
 * @w cells, whole.
 */
static void asleep_text(char *b, size_t n, const struct ri_proc *p, int w)
{
	static const int first[RI_NSTATES] = { RI_ST_LOCK, RI_ST_BLOCKED, RI_ST_DISK,
					       RI_ST_NET, RI_ST_OTHER, RI_ST_SLEEP };
	int now[RI_NSTATES] = { 0 }, any = 0;
	pid_t holder[2] = { 0 };
	size_t o = 0;

	b[0] = '\0';
	for (const struct ri_thread *t = p->threads; t; t = t->next) {
		if (t->exited || !t->wait_state || t->wait_state > RI_NSTATES)
			continue;
		now[t->wait_state - 1]++;
		any++;
		if (t->wait_state - 1 != RI_ST_LOCK || !t->lock_holder)
			continue;
		if (!holder[0] || holder[0] == t->lock_holder)
			holder[0] = t->lock_holder;
		else
			holder[1] = t->lock_holder;
	}
	if (!any)
		return;
	o += (size_t)snprintf(b + o, n - o, " asleep:");
	for (int k = 0; k < RI_NSTATES && o < n; k++) {
		int i = first[k], l;
		char g[96];

		if (!now[i])
			continue;
		l = snprintf(g, sizeof(g), " %d %s", now[i], ri_state_name(i));
		if (i == RI_ST_LOCK && holder[0])
			l += snprintf(g + l, sizeof(g) - (size_t)l, " on %d%s%s", (int)holder[0],
				      holder[1] ? "+" : "", p->deadlocked ? " DEADLOCK" : "");
		if (i == RI_ST_BLOCKED && p->hung_s >= 1)
			snprintf(g + l, sizeof(g) - (size_t)l, " (%.0fs)", p->hung_s);
		if ((int)o + width_of(g) > w)
			break;
		o += (size_t)snprintf(b + o, n - o, "%s", g);
	}
}

static void fmt_amount(char *b, size_t n, int r, uint64_t x)
{
	if (r == RI_R_MEM)
		ri_fmt_bytes(b, n, (double)x, 6);
	else
		snprintf(b, n, "%llu", (unsigned long long)x);
}

/*
 * One line per limit: its bar, % used, used/limit, when the trend meets
 * it, and whose limit it is; then the cgroup's throttling and OOM kills.
 */
static int limits_draw(struct tui *v, const struct ri_proc *p, int y)
{
	const struct ri_cgroup_fig *cf = ri_proc_cgroup(v->m, p);
	int lines = 0, bw = 20;
	char line[1024], used[16], lim[16], eta[32], bar[3 * 20 + 1];

	if (!p->lim_known || p->exited)
		return 0;
	for (int r = 0; r < RI_R_COUNT; r++) {
		const struct ri_room *o = &p->room[r];
		int fill = (int)(o->pct / 100.0 * bw + 0.5), k;
		size_t bl = 0;

		if (!o->known)
			continue;
		if (fill > bw)
			fill = bw;
		for (k = 0; k < bw; k++) {
			const char *g = k < fill ? (v->utf8 ? "█" : "#") : (v->utf8 ? "░" : ".");

			memcpy(bar + bl, g, strlen(g));
			bl += strlen(g);
		}
		bar[bl] = '\0';
		fmt_amount(used, sizeof(used), r, o->used);
		fmt_amount(lim, sizeof(lim), r, o->limit);
		if (o->eta_s >= 0) {
			char t[16];

			snprintf(eta, sizeof(eta), "runs out in %s", ri_fmt_eta(t, sizeof(t), o->eta_s));
		} else {
			snprintf(eta, sizeof(eta), "%s", o->trend.valid ? "no trend to it" : "trend: gathering");
		}
		snprintf(line, sizeof(line), "%s %5.1f%% %7s/%-7s %-18s %s", bar, o->pct, used, lim,
			 eta,
			 r == RI_R_FD ? "RLIMIT_NOFILE" :
			 o->own	      ? (r == RI_R_MEM ? "cgroup memory limit" : "cgroup pids.max") :
			 r == RI_R_MEM ? "MemAvailable" : "threads-max");
		put_str(y + lines, 0, LABEL_W, ri_resources[r].name,
			v->attr[o->pct >= 80 ? R_WARNING : R_NORMAL] | A_BOLD, false);
		put_str(y + lines, LABEL_W, COLS - LABEL_W, line,
			v->attr[o->pct >= 80 || (o->eta_s >= 0 && o->eta_s < 1800) ? R_WARNING :
										  R_NORMAL],
			false);
		lines++;
	}
	if (cf) {
		char thr[48] = "no CPU quota", oom[48] = "";

		if ((cf->cg.have & (1u << RI_CGF_cpu_quota_us)) &&
		    cf->cg.cpu_quota_us != RI_CG_NONE && cf->cg.cpu_period_us)
			snprintf(thr, sizeof(thr), "quota %.0f%% CPU, throttled %.0f%% of periods",
				 100.0 * (double)cf->cg.cpu_quota_us / (double)cf->cg.cpu_period_us,
				 cf->throttled_pct);
		if (cf->cg.have & (1u << RI_CGF_ev_oom_kill))
			snprintf(oom, sizeof(oom), ", %llu OOM kills",
				 (unsigned long long)cf->cg.ev_oom_kill);
		{
			struct ri_container ct;
			char who[320] = "";

			/* The container and pod its path names: a 12-digit id, as runtimes show. */
			if (ri_container_of(cf->cg.path, &ct))
				snprintf(who, sizeof(who), "  %s%s%.12s%s%s%s%s%s%s",
					 ct.runtime ? ct.runtime : "",
					 ct.runtime ? " " : "", ct.id,
					 cf->cg.names.name[0] ? " " : "", cf->cg.names.name,
					 ct.pod_uid[0] || cf->cg.names.pod[0] ? " pod " : "",
					 cf->cg.names.pod_ns[0] ? cf->cg.names.pod_ns : "",
					 cf->cg.names.pod_ns[0] ? "/" : "",
					 cf->cg.names.pod[0] ? cf->cg.names.pod : ct.pod_uid);
			snprintf(line, sizeof(line), "%s%s  %s%s", cf->cg.path, who, thr, oom);
		}
		put_str(y + lines, 0, LABEL_W, "cgroup", v->attr[R_NORMAL] | A_BOLD, false);
		put_str(y + lines, LABEL_W, COLS - LABEL_W, line,
			v->attr[cf->oom_kills || cf->throttled_pct >= 20 ? R_WARNING : R_NORMAL],
			false);
		lines++;
	}
	return lines;
}

static void panel(struct tui *v, const struct ri_proc *p, int y, int gh)
{
	size_t n = ri_hist_len(p->hist);
	double span = n * (v->m->interval_s > 0 ? v->m->interval_s : v->delay);
	char title[400], name[64], wait[64], ns[24] = "";
	int i;

	/* Its PID inside its container's namespace, next to the host's. */
	if (p->lim_known && p->nspid)
		snprintf(ns, sizeof(ns), " (ns %u)", p->nspid);

	ri_printable(name, sizeof(name), p->comm, RI_COMM_LEN);
	wait[0] = '\0';
	if (!p->fig.wait_na) {
		/* Waiting for a CPU: how much, and how long per run on one. */
		char pct[16], avg[16];

		ri_fmt_pct(pct, sizeof(pct), p->fig.wait_pct, 6);
		if (p->fig.n[RI_C_PCOUNT])
			ri_fmt_ns(avg, sizeof(avg), p->fig.wait_avg_ns);
		snprintf(wait, sizeof(wait), "  wait %s%%%s%s%s", pct,
			 p->fig.n[RI_C_PCOUNT] ? ", " : "", p->fig.n[RI_C_PCOUNT] ? avg : "",
			 p->fig.n[RI_C_PCOUNT] ? " per run" : "");
	}
	/*
	 * What the title says, the less telling parts dropped first where
	 * the screen is narrow: the states (the STATES graph shows them),
	 * the mean wait per run, the samples.
	 */
	{
		char piece[300];

		snprintf(title, sizeof(title), "%s %d%s %s (%s)", v->utf8 ? "▶" : ">",
			 p->pid, ns, name, user_name(p->uid));
		fit(title, COLS);
		if (p->exited)
			add_fitting(title, sizeof(title), "  <exited>", COLS, false);
		snprintf(piece, sizeof(piece), "  last %d:%02d, %zu samples", (int)span / 60,
			 (int)span % 60, n);
		if (width_of(title) + width_of(piece) + width_of(wait) > COLS)
			snprintf(piece, sizeof(piece), "  last %d:%02d", (int)span / 60,
				 (int)span % 60);
		add_fitting(title, sizeof(title), piece, COLS, false);
		if (width_of(title) + width_of(wait) > COLS && strchr(wait, ','))
			*strchr(wait, ',') = '\0';
		add_fitting(title, sizeof(title), wait, COLS, false);
		piece[0] = '\0';
		states_text(piece, sizeof(piece), p);
		add_fitting(title, sizeof(title), piece, COLS, true);
	}
	put_str(y, 0, COLS, title,
		v->attr[p->exited ? R_EXITED : R_PICKED] | A_BOLD, false);
	metric_line(v, p, order[0], n, y + 1, gh);
	states_line(v, p, n, y + 1 + gh, gh);
	for (i = 1; i < NMETRICS; i++)
		metric_line(v, p, order[i], n, y + 1 + (i + 1) * gh, gh);
	time_axis(v, n, y + 1 + NGRAPHS * gh);
	asleep_text(title, sizeof(title), p, STATS_W);
	if (title[0] && COLS > LABEL_W + 10 + STATS_W)
		put_str(y + 1 + NGRAPHS * gh, COLS - STATS_W, STATS_W, title,
			v->attr[p->deadlocked || p->hung_s >= 1 ? R_WARNING : R_NORMAL], false);
	waits_draw(v, p, y + 2 + NGRAPHS * gh + limits_draw(v, p, y + 2 + NGRAPHS * gh));
}

/*
 * The selected process first, then the others in table order. With room
 * to spare the graphs grow taller (up to MAX_GRAPH_H rows) rather than
 * leaving the screen empty.
 */
void detail_draw(struct tui *v, const struct ri_proc *sel, int y, int h)
{
	int npanels = 0, extra = 0, gh, ph;
	size_t i;

	for (i = 0; i < v->rows.n; i++)
		if (v->rows.v[i].kind == RI_ROW_PROC && !v->rows.v[i].member) {
			npanels++;
			extra += extra_lines(v, v->rows.v[i].p);
		}
	if (h < PANEL_H + extra_lines(v, sel) || npanels < 1)
		return;
	if (npanels > (h - extra) / PANEL_H)
		npanels = (h - extra) / PANEL_H;
	if (npanels < 1)
		npanels = 1;
	gh = ((h - extra) / npanels - 2) / NGRAPHS;
	if (gh > MAX_GRAPH_H)
		gh = MAX_GRAPH_H;
	if (gh < 1)
		gh = 1;
	ph = 2 + NGRAPHS * gh;
	panel(v, sel, y, gh);
	y += ph + extra_lines(v, sel);
	h -= ph + extra_lines(v, sel);
	for (i = 0; i < v->rows.n; i++) {
		const struct ri_proc *p = v->rows.v[i].p;

		if (v->rows.v[i].kind != RI_ROW_PROC || v->rows.v[i].member || p == sel)
			continue;
		if (h < ph + extra_lines(v, p))
			break;
		panel(v, p, y, gh);
		y += ph + extra_lines(v, p);
		h -= ph + extra_lines(v, p);
	}
}
