// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The process table: its columns as data (name, title, width, importance,
 * sort key, whether shown by default), the layout of the columns the user
 * chose, in the user's order, for the terminal's width, and drawing the
 * rows: processes, threads, folds of the short-lived and cgroups, with
 * tree lines. Column widths depend on the terminal width only, never on
 * the values, so nothing jitters from tick to tick. The setup screen and
 * the settings file name columns by the names here.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "format.h"
#include "container.h"
#include "view.h"

#define COMM_MIN 12
#define COMM_MAX 28
#define SPARK_MIN 8
/* HEADROOM and ETA warn from here: most of a limit gone, or soon. */
#define HEADROOM_WARN_PCT 80.0
#define ETA_WARN_S (30 * 60.0)

enum col_id {
	C_PID, C_USER, C_COMM, C_THR, C_CPUN, C_CPU, C_WAIT, C_MEM, C_RSS,
	C_GROWTH, C_TIME,
	C_FIG, /* a column for each counter of figures.h with a figure of its own */
	C_CSW = C_FIG + RI_C_SHOWN, C_STATES, C_CGROUP, C_HEADROOM, C_ETA,
	C_CGV, /* the cgroup's figures of enum ri_cg_view, for the cgroup view */
	C_STATE = C_CGV + RI_CGV_COUNT, C_NICE, C_PRI, C_VIRT, C_START, C_SPARK, C_COUNT
};

/*
 * @drop: columns leave a narrow screen in this order, highest first; 0
 * never leaves. This order is documented in the man page. @on: shown
 * unless the settings say otherwise.
 */
static struct col {
	const char *name;
	const char *title;
	int width;
	int drop;
	bool left;
	bool on;
	enum ri_sort_key sort;
	const char *help;
	int counter; /* C_FIG...: its counter in figures.h */
} cols[C_COUNT] = {
	[C_PID] = { "PID", "PID", 7, 0, false, true, RI_SORT_PID,
		    "process ID; on thread rows the thread ID" },
	[C_USER] = { "USER", "USER", 8, 7, true, true, RI_SORT_USER, "owner" },
	[C_COMM] = { "COMM", "COMM", COMM_MIN, 0, true, true, RI_SORT_COMM,
		     "name; folds, cgroups and the tree" },
	[C_THR] = { "THR", "THR", 4, 8, false, true, RI_SORT_THREADS, "live threads" },
	[C_CPUN] = { "CPU", "CPU", 3, 12, false, true, RI_SORT_COUNT,
		     "CPU it last ran on" },
	[C_CPU] = { "CPU%", "CPU%", 6, 0, false, true, RI_SORT_CPU,
		    "CPU time over the interval, of one CPU" },
	[C_WAIT] = { "WAIT%", "WAIT%", 5, 9, false, true, RI_SORT_WAIT,
		     "time runnable but waiting for a CPU, of the interval" },
	[C_MEM] = { "MEM%", "MEM%", 5, 0, false, true, RI_SORT_MEM,
		    "resident memory over MemTotal" },
	[C_RSS] = { "RSS", "RSS", 6, 6, false, true, RI_SORT_RSS, "resident memory" },
	[C_GROWTH] = { "GROWTH", "GROWTH", 8, 9, false, true, RI_SORT_GROWTH,
		       "trend of resident memory per second; a steady climb warns" },
	[C_TIME] = { "TIME+", "TIME+", 9, 11, false, true, RI_SORT_TIME,
		     "CPU time since it started" },
	[C_CSW] = { "CSW/s", "CSW/s", 6, 10, false, true, RI_SORT_CSW,
		    "context switches per second" },
	[C_CGROUP] = { "CGROUP", "CGROUP", 16, 13, true, false, RI_SORT_COUNT,
		       "cgroup: a unit's name, a container's short id" },
	[C_HEADROOM] = { "HEADROOM", "HEADROOM", 12, 13, true, false, RI_SORT_HEADROOM,
			 "the scarcest limit and how much of it is used (fd 91%)" },
	[C_ETA] = { "ETA", "ETA", 13, 13, true, false, RI_SORT_ETA,
		    "time until the trend meets a limit (fd 14m); blank if none" },
	[C_CGV + RI_CGV_MEM] = { "CG-MEM", "CG-MEM", 11, 14, false, false,
				 RI_SORT_CGV + RI_CGV_MEM,
				 "its cgroup's memory and limit (119M/256M); the cgroup view's" },
	[C_CGV + RI_CGV_TASKS] = { "CG-TASKS", "CG-TASKS", 9, 14, false, false,
				   RI_SORT_CGV + RI_CGV_TASKS,
				   "its cgroup's tasks and pids.max (12/100)" },
	[C_CGV + RI_CGV_THROTTLED] = { "THROTL%", "THROTL%", 7, 14, false, false,
				       RI_SORT_CGV + RI_CGV_THROTTLED,
				       "its cgroup's quota periods throttled, of the interval's" },
	[C_CGV + RI_CGV_PSI_CPU] = { "PSI-CPU", "PSI-CPU", 7, 14, false, false,
				     RI_SORT_CGV + RI_CGV_PSI_CPU,
				     "share of the interval some of its cgroup waited for a CPU" },
	[C_CGV + RI_CGV_PSI_MEM] = { "PSI-MEM", "PSI-MEM", 7, 14, false, false,
				     RI_SORT_CGV + RI_CGV_PSI_MEM,
				     "share of the interval some of its cgroup stalled on memory" },
	[C_CGV + RI_CGV_PSI_IO] = { "PSI-IO", "PSI-IO", 7, 14, false, false,
				    RI_SORT_CGV + RI_CGV_PSI_IO,
				    "share of the interval some of its cgroup stalled on I/O" },
	[C_STATE] = { "STATE", "S", 1, 16, true, false, RI_SORT_COUNT,
		      "state: R running, S sleeping, D disk, T stopped, Z zombie" },
	[C_NICE] = { "NICE", "NI", 3, 16, false, false, RI_SORT_NICE, "nice value" },
	[C_PRI] = { "PRI", "PRI", 3, 16, false, false, RI_SORT_NICE,
		    "priority, 20 + nice (normal tasks)" },
	[C_VIRT] = { "VIRT", "VIRT", 6, 15, false, false, RI_SORT_VIRT,
		     "virtual size of the address space" },
	[C_START] = { "START", "START", 5, 15, false, false, RI_SORT_START,
		      "start time: HH:MM today, else the date" },
	[C_STATES] = { "STATES", "STATES", 16, 14, true, false, RI_SORT_COUNT,
		       "where the time goes: one bar of the states, a colour each" },
	[C_SPARK] = { "HISTORY", "", SPARK_MIN, 3, true, true, RI_SORT_COUNT,
		      "sparkline of the row's history (s: metric)" },
};

/* The columns of figures.h's counters, in its order. */
__attribute__((constructor)) static void fig_columns(void)
{
	int c, id = C_FIG;

	for (c = 0; c < RI_C_COUNT; c++) {
		const struct ri_counter_info *ci = &ri_counters[c];

		if (!ri_counter_shown(c))
			continue;
		cols[id++] = (struct col){ ci->title, ci->title, ci->screen_width, ci->drop,
					   false, !(ci->flags & RI_FF_HIDDEN),
					   (enum ri_sort_key)(RI_SORT_FIG + c), ci->brief, c };
	}
}

struct layout {
	int n;
	int id[TABLE_MAX_COLS];
	int w[TABLE_MAX_COLS];
};

int table_ncolumns(void)
{
	return C_COUNT;
}

const char *table_column_name(int id)
{
	return id >= 0 && id < C_COUNT ? cols[id].name : "?";
}

const char *table_column_help(int id)
{
	return id >= 0 && id < C_COUNT ? cols[id].help : "";
}

enum ri_sort_key table_column_sort(int id)
{
	return id >= 0 && id < C_COUNT ? cols[id].sort : RI_SORT_COUNT;
}

int table_column_by_name(const char *name)
{
	int i;

	for (i = 0; i < C_COUNT; i++)
		if (!strcasecmp(name, cols[i].name))
			return i;
	return -1;
}

void table_default_columns(int *ids, int *n)
{
	int i;

	*n = 0;
	for (i = 0; i < C_COUNT && *n < TABLE_MAX_COLS; i++)
		if (cols[i].on)
			ids[(*n)++] = i;
}

/* Sort keys in on-screen order, for < and >; I/O (read + write) last. */
enum ri_sort_key table_next_sort(const struct tui *v, enum ri_sort_key k, int dir)
{
	enum ri_sort_key order[TABLE_MAX_COLS + 1];
	int n = 0, i, j;

	for (i = 0; i < v->ncols; i++) {
		enum ri_sort_key s = cols[v->cols[i]].sort;

		for (j = 0; j < n && order[j] != s; j++)
			;
		if (s != RI_SORT_COUNT && j == n)
			order[n++] = s;
	}
	order[n++] = RI_SORT_IO;
	for (i = 0; i < n; i++)
		if (order[i] == k)
			return order[(i + dir + n) % n];
	return RI_SORT_CPU;
}

bool row_is_process(const struct ri_row *r)
{
	return r && (r->kind == RI_ROW_PROC || r->kind == RI_ROW_THREAD);
}

/* Prints @s in exactly @w cells, truncating by display width. */
void put_str(int y, int x, int w, const char *s, int attr, bool right)
{
	char shown[1024];
	int used;

	if (w <= 0)
		return;
	used = (int)ri_shown(shown, sizeof(shown), s, w, 0, NULL);
	attrset(attr);
	mvhline(y, x, ' ', w);
	mvaddstr(y, right ? x + w - used : x, shown);
	attrset(A_NORMAL);
}

static void layout(const struct tui *v, struct layout *l, int width)
{
	bool on[TABLE_MAX_COLS];
	int total = 0, extra, i, worst, comm = -1, spark = -1;

	l->n = v->ncols;
	for (i = 0; i < l->n; i++) {
		l->id[i] = v->cols[i];
		l->w[i] = cols[l->id[i]].width;
		on[i] = true;
		total += l->w[i] + 1;
	}
	while (total > width) {
		worst = -1;
		for (i = 0; i < l->n; i++)
			if (on[i] && cols[l->id[i]].drop &&
			    (worst < 0 || cols[l->id[i]].drop >= cols[l->id[worst]].drop))
				worst = i;
		if (worst < 0)
			break;
		on[worst] = false;
		total -= l->w[worst] + 1;
	}
	/* What stays, in order. */
	for (i = 0, worst = 0; i < l->n; i++) {
		if (!on[i])
			continue;
		l->id[worst] = l->id[i];
		l->w[worst++] = l->w[i];
	}
	l->n = worst;
	for (i = 0; i < l->n; i++) {
		if (l->id[i] == C_COMM)
			comm = i;
		if (l->id[i] == C_SPARK)
			spark = i;
	}
	extra = width - total;
	if (extra <= 0)
		return;
	if (comm >= 0) {
		i = extra < COMM_MAX - COMM_MIN ? extra : COMM_MAX - COMM_MIN;
		l->w[comm] += i;
		extra -= i;
	}
	if (spark >= 0) {
		i = extra < SPARK_MAX - SPARK_MIN ? extra : SPARK_MAX - SPARK_MIN;
		l->w[spark] += i;
		extra -= i;
	}
	if (comm >= 0)
		l->w[comm] += extra;
	else if (spark >= 0)
		l->w[spark] += extra;
}

static int cpu_role(double pct)
{
	if (pct < 30)
		return R_CPU_LOW;
	return pct < 70 ? R_CPU_MID : R_CPU_HIGH;
}

const char *table_cgroup_name(struct tui *v, uint64_t id, char *buf, size_t len)
{
	/* A cgroup the source read the limits of, by its key, else a v2 id. */
	const struct ri_cgroup_fig *cf = ri_model_cgroup(v->m, id);
	const char *path = cf ? cf->cg.path : ri_cgroup_path(v->cgroups, id);

	if (!path) {
		snprintf(buf, len, "%s", id ? "?" : "");
		return buf;
	}
	/* A container its runtime named goes by that name, as `docker ps` shows it. */
	if (cf && ri_ct_names_label(buf, len, &cf->cg.names))
		return buf;
	return ri_cgroup_short(buf, len, path);
}

/*
 * The tree lines before a name: for each ancestor level a bar when more
 * siblings follow at that level, then a tee or an elbow. At most @room
 * cells, so a deep tree still leaves the name some room.
 */
static int tree_prefix(char *b, size_t n, const struct tui *v,
		       const struct ri_row *r, int room)
{
	const char *bar = v->utf8 ? "│ " : "| ", *gap = "  ";
	const char *tee = v->utf8 ? "├─ " : "|- ", *elbow = v->utf8 ? "└─ " : "`- ";
	int d = r->depth, k, cells = 1;
	size_t o = 0;

	b[0] = '\0';
	if (d <= 0)
		return 0;
	/* Levels that do not fit are left out, the nearest ones kept. */
	while (d > 1 && 1 + 2 * (d - 1) + 3 > room)
		d--;
	o += (size_t)snprintf(b + o, n - o, " ");
	for (k = r->depth - d + 1; k < r->depth && o < n; k++, cells += 2)
		o += (size_t)snprintf(b + o, n - o, "%s",
				      k < 32 && (r->more & (1u << k)) ? bar : gap);
	if (o < n)
		snprintf(b + o, n - o, "%s", r->last ? elbow : tee);
	return cells + 3;
}

static void comm_text(char *buf, size_t len, struct tui *v,
		      const struct ri_row *r, int w)
{
	const char *mark = "", *tail = "";
	char name[96], pre[160], extra[48] = "";
	bool exited = r->kind == RI_ROW_THREAD ? r->t->exited :
		      r->kind == RI_ROW_PROC ? r->p->exited : false;
	int pw, mw = 0, room, xw;

	pw = tree_prefix(pre, sizeof(pre), v, r, w - 8);
	switch (r->kind) {
	case RI_ROW_THREAD:
		ri_printable(name, sizeof(name), r->t->comm, RI_COMM_LEN);
		break;
	case RI_ROW_PROC:
		ri_printable(name, sizeof(name), r->p->comm, RI_COMM_LEN);
		if (r->collapsed)
			mark = v->utf8 ? "▸" : "+";
		else if (!v->all_threads && r->expanded)
			mark = v->utf8 ? "▾" : "-";
		break;
	case RI_ROW_FOLD:
		ri_printable(name, sizeof(name), r->g->comm, RI_COMM_LEN);
		snprintf(extra, sizeof(extra), " %s%zu exited", v->utf8 ? "×" : "x",
			 r->g->count);
		mark = r->expanded ? (v->utf8 ? "▾" : "-") : (v->utf8 ? "▸" : "+");
		break;
	case RI_ROW_CGROUP:
		table_cgroup_name(v, r->g->cgroup_id, name, sizeof(name));
		if (!name[0])
			snprintf(name, sizeof(name), "(unknown cgroup)");
		snprintf(extra, sizeof(extra), " (%zu)", r->g->count);
		mark = r->expanded ? (v->utf8 ? "▾" : "-") : (v->utf8 ? "▸" : "+");
		break;
	}
	if (mark[0])
		mw = 1;
	if (exited) {
		/* Keep the marker visible even when the name must be cut short. */
		tail = " <exited>";
		if (w - pw - mw - (int)strlen(tail) < 6)
			tail = " <x>";
	}
	/* "×" is two bytes and one cell: count cells, not bytes. */
	xw = (int)strlen(extra) - (r->kind == RI_ROW_FOLD && v->utf8);
	room = w - pw - mw - (int)strlen(tail) - xw;
	if (room < 4 && r->kind == RI_ROW_FOLD) {
		/* A narrow column: the count stays, the word goes. */
		snprintf(extra, sizeof(extra), " %s%zu", v->utf8 ? "×" : "x", r->g->count);
		xw = (int)strlen(extra) - v->utf8;
		room = w - pw - mw - (int)strlen(tail) - xw;
	}
	snprintf(buf, len, "%s%s%.*s%s%s", pre, mark, room > 0 ? room : 0, name,
		 extra, tail);
}

static void fmt_start(char *b, size_t n, const struct tui *v, uint64_t start_ns)
{
	const struct ri_model *m = v->m;
	double ago = m->clock_ns > start_ns ? (double)(m->clock_ns - start_ns) * 1e-9 : 0;
	time_t t = (time_t)(m->time - ago), now = (time_t)m->time;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(b, n, now - t < 24 * 3600 ? "%H:%M" : "%b%d", &tm);
}

/*
 * A cgroup's figure of the cgroup view (enum ri_cg_view): on its row, and
 * on a process's row outside that view (inside, the group's row says it).
 */
static int cgv_cell(char *b, size_t n, struct tui *v, const struct ri_row *r,
		    enum ri_cg_view c, int w)
{
	const struct ri_cgroup_fig *cf = NULL;
	const struct ri_cgroup *cg;
	char used[16], lim[16];
	double x;

	if (r->kind == RI_ROW_CGROUP)
		cf = ri_model_cgroup(v->m, r->g->cgroup_id);
	else if (r->kind == RI_ROW_PROC && !r->t && v->view != RI_VIEW_CGROUP)
		cf = ri_proc_cgroup(v->m, r->p);
	if (!ri_cgroup_view_value(cf, c, &x)) {
		/* Pressure the kernel keeps not for this cgroup (v1): n/a, not 0. */
		if (cf && cf->primed && c >= RI_CGV_PSI_CPU)
			snprintf(b, n, "n/a");
		return R_NORMAL;
	}
	cg = &cf->cg;
	switch (c) {
	case RI_CGV_MEM: {
		/* Against the lower of its limits, as HEADROOM weighs it. */
		uint64_t l = RI_CG_NONE;

		if (cg->have & (1u << RI_CGF_mem_max))
			l = cg->mem_max;
		if ((cg->have & (1u << RI_CGF_mem_high)) && cg->mem_high < l)
			l = cg->mem_high;
		ri_fmt_bytes(used, sizeof(used), x, 5);
		if (l == RI_CG_NONE || !l) {
			snprintf(b, n, "%s", used);
			return R_MEMORY;
		}
		ri_fmt_bytes(lim, sizeof(lim), (double)l, 5);
		snprintf(b, n, "%s/%s", used, lim);
		return 100.0 * x / (double)l >= HEADROOM_WARN_PCT ? R_WARNING : R_MEMORY;
	}
	case RI_CGV_TASKS:
		if ((cg->have & (1u << RI_CGF_pids_max)) && cg->pids_max != RI_CG_NONE &&
		    cg->pids_max) {
			snprintf(b, n, "%.0f/%llu", x, (unsigned long long)cg->pids_max);
			return 100.0 * x / (double)cg->pids_max >= HEADROOM_WARN_PCT ? R_WARNING :
											R_NORMAL;
		}
		snprintf(b, n, "%.0f", x);
		return R_NORMAL;
	case RI_CGV_THROTTLED:
		ri_fmt_pct(b, n, x, w);
		return x >= 20 ? R_WARNING : R_NORMAL;
	default:
		ri_fmt_pct(b, n, x, w);
		return cpu_role(x);
	}
}

/* Formats one cell; returns its role (colour). */
static int cell(char *b, size_t n, struct tui *v, const struct ri_row *r,
		int c, int w)
{
	const struct ri_fig *f = r->fig;
	bool proc = r->kind == RI_ROW_PROC, group = r->g != NULL;

	b[0] = '\0';
	if (c >= C_CGV && c < C_CGV + RI_CGV_COUNT)
		return cgv_cell(b, n, v, r, (enum ri_cg_view)(c - C_CGV), w);
	switch (c) {
	case C_PID:
		if (!group)
			snprintf(b, n, "%d", r->t ? r->t->tid : r->p->pid);
		return R_NORMAL;
	case C_USER:
		if (r->kind != RI_ROW_CGROUP)
			snprintf(b, n, "%s", user_name(group ? r->g->uid : r->p->uid));
		return R_NORMAL;
	case C_COMM:
		comm_text(b, n, v, r, w);
		return r->t ? R_TREE : R_NORMAL;
	case C_THR:
		if (proc)
			snprintf(b, n, "%d", r->p->nthreads);
		return R_NORMAL;
	case C_CPUN:
		if (f->cpu >= 0 && !group)
			snprintf(b, n, "%d", f->cpu);
		return R_NORMAL;
	case C_CPU:
		ri_fmt_pct(b, n, f->cpu_pct, w);
		return cpu_role(f->cpu_pct);
	case C_WAIT:
		/* Runnable but waiting for a CPU: coloured as CPU% is. */
		if (f->wait_na)
			snprintf(b, n, "n/a");
		else
			ri_fmt_pct(b, n, f->wait_pct, w);
		return f->wait_na ? R_NORMAL : cpu_role(f->wait_pct);
	case C_GROWTH:
		/* A process's memory trend (core/model/growth.c); a steady climb warns. */
		if (proc && r->p->growth.valid)
			ri_fmt_growth(b, n, r->p->growth.bps);
		return proc && r->p->growth.growing ? R_WARNING : R_MEMORY;
	case C_MEM:
		/* Threads share their process's memory: shown once, on it. */
		if (!r->t && r->kind != RI_ROW_FOLD)
			ri_fmt_pct(b, n, f->mem_pct, w);
		return R_MEMORY;
	case C_RSS:
		if (!r->t && r->kind != RI_ROW_FOLD)
			ri_fmt_bytes(b, n, (double)f->rss_bytes, w);
		return R_MEMORY;
	case C_TIME:
		ri_fmt_time(b, n, f->cpu_total_ns);
		return R_NORMAL;
	case C_CSW:
		ri_fmt_rate(b, n, f->csw_ps, 5);
		return R_NORMAL;
	case C_CGROUP:
		/* A fold's is its members' (the first stands for all). */
		/*
		 * The cgroup it is listed under: on a hybrid host the v1 one its
		 * limits come from, as the source read it (a recording's too).
		 */
		if (r->kind != RI_ROW_CGROUP && r->p)
			table_cgroup_name(v, ri_proc_view_cgroup(r->p), b, n);
		return R_TREE;
	case C_HEADROOM:
		/* What it runs out of first; a limit nearly reached warns. */
		if (r->kind == RI_ROW_CGROUP) {
			/* A cgroup row: the scarcest of the cgroup's own limits. */
			const struct ri_cgroup_fig *cf = ri_model_cgroup(v->m, r->g->cgroup_id);
			double pct;
			int k = cf ? ri_cgroup_scarce(&cf->cg, &pct) : -1;

			if (k >= 0) {
				snprintf(b, n, "%s %.0f%%", ri_resources[k].name, pct < 999 ? pct : 999);
				return pct >= HEADROOM_WARN_PCT ? R_WARNING : R_NORMAL;
			}
			return R_NORMAL;
		}
		if (proc && r->p->lim_known && r->p->scarce >= 0) {
			const struct ri_room *o = &r->p->room[r->p->scarce];

			snprintf(b, n, "%s %.0f%%", ri_resources[r->p->scarce].name,
				 o->pct < 999 ? o->pct : 999);
			return o->pct >= HEADROOM_WARN_PCT ? R_WARNING : R_NORMAL;
		}
		return R_NORMAL;
	case C_ETA:
		/* Blank unless a steady trend heads for a limit (growth.c). */
		if (proc && r->p->lim_known && r->p->soonest >= 0) {
			char t[16];

			ri_fmt_eta(t, sizeof(t), r->p->room[r->p->soonest].eta_s);
			snprintf(b, n, "%s %s", ri_resources[r->p->soonest].name, t);
			return r->p->room[r->p->soonest].eta_s < ETA_WARN_S ? R_WARNING :
									      R_NORMAL;
		}
		return R_NORMAL;
	case C_STATE:
		if (r->t && r->t->state)
			snprintf(b, n, "%c", r->t->state);
		else if (proc && r->p->state)
			snprintf(b, n, "%c", r->p->state);
		return r->p && r->p->state == 'D' ? R_WARNING : R_NORMAL;
	case C_NICE:
	case C_PRI:
		if (!group) {
			int nice = r->t ? r->t->nice : r->p->nice;

			snprintf(b, n, "%d", c == C_PRI ? 20 + nice : nice);
		}
		return R_NORMAL;
	case C_VIRT:
		if (proc)
			ri_fmt_bytes(b, n, (double)r->p->vm_bytes, w);
		return R_MEMORY;
	case C_START:
		if (!group)
			fmt_start(b, n, v, r->t ? r->t->start_ns : r->p->start_ns);
		return R_NORMAL;
	default:
		if (c >= C_FIG && c < C_CSW) {
			int k = cols[c].counter;
			unsigned fl = ri_counters[k].flags;

			if (ri_fig_na(f, k))
				snprintf(b, n, "n/a");
			else if (fl & RI_FF_TIME)
				ri_fmt_pct(b, n, f->rate[k], w);
			else
				ri_fmt_rate(b, n, f->rate[k], 4);
			return fl & RI_FF_IN ? R_IO_READ : fl & RI_FF_OUT ? R_IO_WRITE : R_NORMAL;
		}
	}
	return R_NORMAL;
}

/* PID, COMM and USER ascend by default (as the model sorts), the rest descend. */
static const char *sort_arrow(const struct tui *v)
{
	bool up = ri_sort_ascends(v->sort);

	if (v->reverse)
		up = !up;
	if (v->utf8)
		return up ? "▲" : "▼";
	return up ? "^" : "v";
}

/* "TITLE" plus the sort arrow within @w cells; "/s" goes first if need be. */
static void sorted_title(char *t, size_t n, const char *title, int w,
			 const char *arrow)
{
	int len = (int)strlen(title);

	if (len + 1 > w && len > 2 && !strcmp(title + len - 2, "/s"))
		len -= 2;
	if (len + 1 > w)
		len = w - 1;
	snprintf(t, n, "%.*s%s", len > 0 ? len : 0, title, arrow);
}

static void draw_title(struct tui *v, const struct layout *l, int y)
{
	char t[32];
	int x = 0, i;

	put_str(y, 0, COLS, "", v->attr[R_TITLE], false);
	v->geom.ncols = l->n;
	for (i = 0; i < l->n; i++) {
		int c = l->id[i], a = v->attr[R_TITLE];
		const char *s = cols[c].title;

		if (c == C_SPARK) {
			snprintf(t, sizeof(t), l->w[i] >= 16 ? "%s history" : "%s",
				 spark_metric_name(v->spark_metric));
			s = t;
		} else if (cols[c].sort == v->sort ||
			   (v->sort == RI_SORT_IO && c >= C_FIG && c < C_CSW &&
			    (cols[c].counter == RI_C_READ || cols[c].counter == RI_C_WRITE))) {
			/* NICE and PRI share a key: the arrow goes on the first. */
			a = v->attr[R_SORT];
			sorted_title(t, sizeof(t), s, l->w[i], sort_arrow(v));
			s = t;
		}
		put_str(y, x, l->w[i], s, a, !cols[c].left);
		v->geom.id[i] = c;
		v->geom.x[i] = x;
		v->geom.w[i] = l->w[i];
		x += l->w[i] + 1;
	}
}

static void spark_cell(struct tui *v, const struct ri_row *r, int y, int x,
		       int w, int attr)
{
	const struct ri_hist *h = r->hist;
	size_t samples = (size_t)w * spark_per_cell(v);
	double mn, mx, hi;

	move(y, x);
	if (!h) {
		attrset(attr >= 0 ? attr : attr == -2 ? v->attr[R_SELECTION] : (int)A_NORMAL);
		hline(' ', w);
		attrset(A_NORMAL);
		return;
	}
	spark_range(h, v->spark_metric, samples, &mn, &mx);
	hi = mx;
	/* CPU is on an absolute scale: a flat 5% must not look like 100%. */
	if (v->spark_metric == RI_M_CPU && hi < 100)
		hi = 100;
	spark_draw(v, h, v->spark_metric, samples, w, 0, hi, attr);
}

/*
 * A row's time as one bar of @w cells: CPU, RUNQ, then the states, each
 * its share of the row's whole (largest remainders get the odd cells), in
 * the theme's colour; a letter per state where colour or UTF-8 is
 * missing. "n/a" where the states are not counted.
 */
static void states_cell(struct tui *v, const struct ri_row *r, int y, int x, int w,
			int attr)
{
	static const char letters[] = "crdblnso";
	const struct ri_fig *f = r->fig;
	double s[RI_TK_STATES], total = 0, rem[RI_TK_STATES];
	int cells[RI_TK_STATES], used = 0, k = 0;

	move(y, x);
	attrset(attr >= 0 ? attr : (int)A_NORMAL);
	hline(' ', w);
	if (ri_fig_na(f, RI_C_ST_DISK)) {
		mvaddstr(y, x, "n/a");
		attrset(A_NORMAL);
		return;
	}
	s[0] = f->cpu_pct;
	s[1] = f->wait_na ? 0 : f->wait_pct;
	for (int c = 0, i = 2; c < RI_C_COUNT && i < RI_TK_STATES; c++)
		if (ri_counters[c].flags & RI_FF_TIME)
			s[i++] = f->rate[c];
	for (int i = 0; i < RI_TK_STATES; i++)
		total += s[i] > 0 ? s[i] : (s[i] = 0);
	if (total <= 0) {
		attrset(A_NORMAL);
		return;
	}
	for (int i = 0; i < RI_TK_STATES; i++) {
		double exact = s[i] * w / total;

		cells[i] = (int)exact;
		rem[i] = exact - cells[i];
		used += cells[i];
	}
	while (used < w) {
		int best = 0;

		for (int i = 1; i < RI_TK_STATES; i++)
			if (rem[i] > rem[best])
				best = i;
		cells[best]++;
		rem[best] = -1;
		used++;
	}
	move(y, x);
	for (int i = 0; i < RI_TK_STATES; i++) {
		attrset(attr >= 0 ? attr : v->attr[R_STATE0 + i]);
		for (int n = 0; n < cells[i] && k < w; n++, k++) {
			if (v->utf8 && v->color && attr < 0)
				addstr("█");
			else
				addch((chtype)letters[i]);
		}
	}
	attrset(A_NORMAL);
}

static bool row_exited(const struct ri_row *r)
{
	if (r->kind == RI_ROW_THREAD)
		return r->t->exited;
	return r->kind == RI_ROW_PROC && r->p->exited;
}

static void draw_row(struct tui *v, const struct layout *l, size_t i, int y)
{
	const struct ri_row *r = &v->rows.v[i];
	const struct ri_alerts *al = ri_monitor_alerts(v->mon);
	bool sel = i == v->rows.sel;
	bool exited = row_exited(r);
	/* A process with a firing alert: the whole row in the warning colour. */
	bool alert = r->kind == RI_ROW_PROC && al &&
		     ri_alerts_proc_firing(al, r->p->pid, r->p->start_ns);
	char b[256];
	int x = 0, k, role, a;

	for (k = 0; k < l->n; k++) {
		int c = l->id[k];

		if (c == C_SPARK) {
			/*
			 * The selected row keeps the gradient, on the selection's
			 * background: the busiest row is the one most looked at.
			 */
			spark_cell(v, r, y, x, l->w[k],
				   sel ? -2 : exited ? v->attr[R_EXITED] :
				   alert ? v->attr[R_WARNING] : -1);
		} else if (c == C_STATES) {
			/* Letters on the selected row: the colours would fight its own. */
			states_cell(v, r, y, x, l->w[k],
				    sel ? v->attr[R_SELECTION] : exited ? v->attr[R_EXITED] : -1);
		} else {
			role = cell(b, sizeof(b), v, r, c, l->w[k]);
			a = v->attr[role];
			if (alert)
				a = v->attr[R_WARNING] | A_BOLD;
			if (exited)
				a = v->attr[R_EXITED];
			if (sel)
				a = v->attr[R_SELECTION];
			put_str(y, x, l->w[k], b, a, !cols[c].left);
		}
		if (sel && x + l->w[k] < COLS)
			put_str(y, x + l->w[k], 1, "", v->attr[R_SELECTION], false);
		x += l->w[k] + 1;
	}
	if (sel && x < COLS)
		put_str(y, x, COLS - x, "", v->attr[R_SELECTION], false);
}

static void draw_empty(struct tui *v, int y)
{
	const char *names[8];
	size_t n = ri_model_waiting(v->m, names, 8);

	if (n)
		mvprintw(y, 1, "waiting for a process named '%s' to start",
			 names[0]);
	else if (v->filter[0])
		mvprintw(y, 1, "no process matches the filter '%s' (Esc clears)",
			 v->filter);
	else if (v->by_user)
		mvprintw(y, 1, "no process of user %s (u: all users)", user_name(v->user));
	else if (!v->m->tick)
		mvprintw(y, 1, "collecting the first sample...");
	else
		mvprintw(y, 1, "no process to show");
}

/*
 * After an expand, scroll just enough that what opened under the cursor
 * is on screen, without pushing the row itself off the top.
 */
static void reveal_children(struct tui *v, size_t rows)
{
	const struct ri_rows *r = &v->rows;
	size_t last = r->sel;

	v->reveal = false;
	while (last + 1 < r->n && r->v[last + 1].depth > r->v[r->sel].depth)
		last++;
	if (last >= v->top + rows)
		v->top = last - rows + 1;
	if (v->top > r->sel)
		v->top = r->sel;
}

void table_draw(struct tui *v, int y, int h)
{
	struct layout l;
	size_t i;
	int rows = h - 1;

	v->geom.nrows = 0;
	if (h < 2)
		return;
	layout(v, &l, COLS);
	draw_title(v, &l, y);
	v->geom.title_y = y;
	v->geom.first_y = y + 1;
	v->table_rows = rows;
	if (v->rows.sel < v->top)
		v->top = v->rows.sel;
	if (v->rows.sel >= v->top + (size_t)rows)
		v->top = v->rows.sel - (size_t)rows + 1;
	if (v->top && v->top + (size_t)rows > v->rows.n)
		v->top = v->rows.n > (size_t)rows ? v->rows.n - (size_t)rows : 0;
	if (v->reveal)
		reveal_children(v, (size_t)rows);
	if (!v->rows.n) {
		draw_empty(v, y + 1);
		return;
	}
	for (i = v->top; i < v->rows.n && i < v->top + (size_t)rows; i++)
		draw_row(v, &l, i, y + 1 + (int)(i - v->top));
	v->geom.nrows = (int)(i - v->top);
}
