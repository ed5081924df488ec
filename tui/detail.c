// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Detail panels, shown under the table when the user has chosen
 * processes: one sparkline per metric over the whole history window, with
 * the current, min and max values, the time span covered, and the memory
 * growth rate so a leak is visible at a glance; the title says how long
 * the process waited for a CPU (WAIT% and the mean wait per run); a time
 * axis under the graphs says how long ago each part of them is
 * ("-4m ... now").
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
#define NGRAPHS ((int)(sizeof(order) / sizeof(order[0])))
/* Title, a line per metric, the axis: the least a panel takes. */
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

/* Lines all the chosen processes' panels would take. */
int detail_height(const struct tui *v)
{
	int n = 0;
	size_t i;

	for (i = 0; i < v->rows.n; i++)
		if (v->rows.v[i].kind == RI_ROW_PROC && !v->rows.v[i].member)
			n += PANEL_H + limit_lines(v, v->rows.v[i].p);
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

static void scale(enum ri_metric m, double mn, double mx, double *lo,
		  double *hi)
{
	*lo = 0;
	*hi = mx;
	if (m == RI_M_CPU && *hi < 100)
		*hi = 100;
	if (m != RI_M_MEM)
		return;
	/* Memory: zoom on the window's range so slow growth shows. */
	if (mx > mn) {
		*lo = mn - (mx - mn) / 8;
	} else {
		*hi = 2 * mx;
	}
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

static void metric_line(struct tui *v, const struct ri_proc *p,
			enum ri_metric m, size_t n, int y, int gh)
{
	char now[16], mnb[16], mxb[16], st[96], g[32];
	double mn, mx, lo, hi;
	int w = COLS - LABEL_W - STATS_W - 1;
	int role = metric_role(m);

	if (w < 10)
		w = 10;
	spark_range(p->hist, m, n, &mn, &mx);
	scale(m, mn, mx, &lo, &hi);
	put_str(y, 0, LABEL_W, spark_metric_name(m), v->attr[role] | A_BOLD,
		false);
	spark_draw_tall(v, p->hist, m, n, y, LABEL_W, w, gh, lo, hi);
	fmt_value(now, sizeof(now), m, n ? ri_hist_get(p->hist, m, 0) : 0);
	fmt_value(mnb, sizeof(mnb), m, mn);
	fmt_value(mxb, sizeof(mxb), m, mx);
	snprintf(st, sizeof(st), " now %6s min %6s max %6s", now, mnb, mxb);
	/* Socket bytes the source cannot count (procfs, an older recording). */
	if ((m == RI_M_NET_RX && ri_fig_na(&p->fig, RI_C_NET_RX)) ||
	    (m == RI_M_NET_TX && ri_fig_na(&p->fig, RI_C_NET_TX)))
		snprintf(st, sizeof(st), " n/a (not counted in this source)");
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
		int x = LABEL_W + w + 35;

		if (ri_hist_len(p->hist) >= 3) {
			fmt_growth(g, sizeof(g), per_min);
			if (gr->growing)
				snprintf(g + strlen(g), sizeof(g) - strlen(g), " steady");
			else if (!gr->valid)
				/* The window is not full yet: say what the fit covers. */
				snprintf(g + strlen(g), sizeof(g) - strlen(g), " (%.0fs)",
					 gr->span_s);
		} else {
			snprintf(g, sizeof(g), "growth: gathering");
		}
		/* A steady climb over 1 MiB/min is worth a warning colour. */
		put_str(y, x, COLS - x, g,
			v->attr[gr->growing && per_min > 1024 * 1024 ? R_WARNING :
								       R_MEMORY] |
				A_BOLD,
			false);
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
 * What the process's threads sleep in now, for the right of the time
 * axis, the telling states first: " asleep: 2 lock on 8706 DEADLOCK 1 net
 * 8 sleep" ("+": other holders too; DEADLOCK: threads wait for each
 * other's locks in a cycle); a thread stuck uninterruptible says how
 * long. Empty when no thread is known asleep.
 */
static void asleep_text(char *b, size_t n, const struct ri_proc *p)
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
		int i = first[k];

		if (!now[i])
			continue;
		o += (size_t)snprintf(b + o, n - o, " %d %s", now[i], ri_state_name(i));
		if (i == RI_ST_LOCK && holder[0] && o < n)
			o += (size_t)snprintf(b + o, n - o, " on %d%s%s", (int)holder[0],
					      holder[1] ? "+" : "", p->deadlocked ? " DEADLOCK" : "");
		if (i == RI_ST_BLOCKED && p->hung_s >= 1 && o < n)
			o += (size_t)snprintf(b + o, n - o, " (%.0fs)", p->hung_s);
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
	snprintf(title, sizeof(title),
		 "%s %d%s %s (%s)  last %d:%02d, %zu samples%s%s", v->utf8 ? "▶" : ">",
		 p->pid, ns, name, user_name(p->uid), (int)span / 60, (int)span % 60,
		 n, wait, p->exited ? "  <exited>" : "");
	states_text(title + strlen(title), sizeof(title) - strlen(title), p);
	put_str(y, 0, COLS, title,
		v->attr[p->exited ? R_EXITED : R_PICKED] | A_BOLD, false);
	for (i = 0; i < NGRAPHS; i++)
		metric_line(v, p, order[i], n, y + 1 + i * gh, gh);
	time_axis(v, n, y + 1 + NGRAPHS * gh);
	asleep_text(title, sizeof(title), p);
	if (title[0] && COLS > LABEL_W + 10 + STATS_W)
		put_str(y + 1 + NGRAPHS * gh, COLS - STATS_W, STATS_W, title,
			v->attr[p->deadlocked || p->hung_s >= 1 ? R_WARNING : R_NORMAL], false);
	limits_draw(v, p, y + 2 + NGRAPHS * gh);
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
			extra += limit_lines(v, v->rows.v[i].p);
		}
	if (h < PANEL_H + limit_lines(v, sel) || npanels < 1)
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
	y += ph + limit_lines(v, sel);
	h -= ph + limit_lines(v, sel);
	for (i = 0; i < v->rows.n; i++) {
		const struct ri_proc *p = v->rows.v[i].p;

		if (v->rows.v[i].kind != RI_ROW_PROC || v->rows.v[i].member || p == sel)
			continue;
		if (h < ph + limit_lines(v, p))
			break;
		panel(v, p, y, gh);
		y += ph + limit_lines(v, p);
		h -= ph + limit_lines(v, p);
	}
}
