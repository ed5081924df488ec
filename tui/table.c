// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The process table: its columns as data (title, width, importance, sort
 * key, how to format a cell), the layout for the terminal's width, and
 * drawing the rows. Column widths depend on the terminal width only, never
 * on the values, so nothing jitters from tick to tick.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../core/format.h"
#include "view.h"

#define COMM_MIN 12
#define COMM_MAX 28
#define SPARK_MIN 8

enum col_id {
	C_PID, C_USER, C_COMM, C_THR, C_CPUN, C_CPU, C_WAIT, C_MEM, C_RSS,
	C_GROWTH, C_TIME, C_READ, C_WRITE, C_DREAD, C_DWRITE, C_CSW, C_SPARK,
	C_COUNT
};

/*
 * @drop: columns leave a narrow screen in this order, highest first; 0
 * never leaves. This order is documented in the man page.
 */
static const struct col {
	const char *title;
	int width;
	int drop;
	bool left;
	enum ri_sort_key sort;
} cols[C_COUNT] = {
	[C_PID] = { "PID", 7, 0, false, RI_SORT_PID },
	[C_USER] = { "USER", 8, 7, true, RI_SORT_USER },
	[C_COMM] = { "COMM", COMM_MIN, 0, true, RI_SORT_COMM },
	[C_THR] = { "THR", 4, 8, false, RI_SORT_THREADS },
	[C_CPUN] = { "CPU", 3, 12, false, RI_SORT_COUNT },
	[C_CPU] = { "CPU%", 6, 0, false, RI_SORT_CPU },
	[C_WAIT] = { "WAIT%", 5, 9, false, RI_SORT_WAIT },
	[C_MEM] = { "MEM%", 5, 0, false, RI_SORT_MEM },
	[C_RSS] = { "RSS", 6, 6, false, RI_SORT_RSS },
	[C_GROWTH] = { "GROWTH", 8, 9, false, RI_SORT_GROWTH },
	[C_TIME] = { "TIME+", 9, 11, false, RI_SORT_TIME },
	[C_READ] = { "READ/s", 7, 4, false, RI_SORT_READ },
	[C_WRITE] = { "WRITE/s", 7, 4, false, RI_SORT_WRITE },
	[C_DREAD] = { "DISK-R/s", 8, 9, false, RI_SORT_DISK_READ },
	[C_DWRITE] = { "DISK-W/s", 8, 9, false, RI_SORT_DISK_WRITE },
	[C_CSW] = { "CSW/s", 6, 10, false, RI_SORT_CSW },
	[C_SPARK] = { "", SPARK_MIN, 3, true, RI_SORT_COUNT },
};

/* Sort keys in on-screen order, for < and >. */
static const enum ri_sort_key sort_order[] = {
	RI_SORT_PID,  RI_SORT_USER,	 RI_SORT_COMM,	     RI_SORT_THREADS,
	RI_SORT_CPU,  RI_SORT_WAIT,	 RI_SORT_MEM,	     RI_SORT_RSS,
	RI_SORT_GROWTH, RI_SORT_TIME,	 RI_SORT_READ,	     RI_SORT_WRITE,
	RI_SORT_DISK_READ, RI_SORT_DISK_WRITE, RI_SORT_CSW,  RI_SORT_IO,
};

struct layout {
	bool on[C_COUNT];
	int w[C_COUNT];
};

enum ri_sort_key table_next_sort(enum ri_sort_key k, int dir)
{
	int n = sizeof(sort_order) / sizeof(sort_order[0]), i;

	for (i = 0; i < n; i++)
		if (sort_order[i] == k)
			return sort_order[(i + dir + n) % n];
	return RI_SORT_CPU;
}

/*
 * Decodes @s into @ws (at most @max - 1 characters). Invalid bytes and
 * control characters become '?': whatever a name holds, it can neither
 * vanish nor move the cursor.
 */
static size_t decode(wchar_t *ws, size_t max, const char *s)
{
	mbstate_t st;
	size_t n = 0, len = strlen(s), k;

	memset(&st, 0, sizeof(st));
	while (*s && n + 1 < max) {
		k = mbrtowc(&ws[n], s, len, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			ws[n] = L'?';
			k = 1;
		}
		if (wcwidth(ws[n]) < 0)
			ws[n] = L'?';
		s += k;
		len -= k;
		n++;
	}
	ws[n] = L'\0';
	return n;
}

/* Prints @s in exactly @w cells, truncating by display width. */
void put_str(int y, int x, int w, const char *s, int attr, bool right)
{
	wchar_t ws[256];
	int used = 0, i, cw;

	if (w <= 0)
		return;
	decode(ws, sizeof(ws) / sizeof(ws[0]), s);
	for (i = 0; ws[i]; i++) {
		cw = wcwidth(ws[i]);
		if (used + cw > w)
			break;
		used += cw;
	}
	ws[i] = L'\0';
	attrset(attr);
	mvhline(y, x, ' ', w);
	mvaddwstr(y, right ? x + w - used : x, ws);
	attrset(A_NORMAL);
}

static void layout(struct layout *l, int width)
{
	int total = 0, extra, i, worst;

	for (i = 0; i < C_COUNT; i++) {
		l->on[i] = true;
		l->w[i] = cols[i].width;
		total += l->w[i] + 1;
	}
	while (total > width) {
		worst = -1;
		for (i = 0; i < C_COUNT; i++)
			if (l->on[i] && cols[i].drop &&
			    (worst < 0 || cols[i].drop >= cols[worst].drop))
				worst = i;
		if (worst < 0)
			break;
		l->on[worst] = false;
		total -= l->w[worst] + 1;
	}
	extra = width - total;
	if (extra <= 0)
		return;
	i = extra < COMM_MAX - COMM_MIN ? extra : COMM_MAX - COMM_MIN;
	l->w[C_COMM] += i;
	extra -= i;
	if (l->on[C_SPARK]) {
		i = extra < SPARK_MAX - SPARK_MIN ? extra : SPARK_MAX - SPARK_MIN;
		l->w[C_SPARK] += i;
		extra -= i;
	}
	l->w[C_COMM] += extra;
}

static int cpu_role(double pct)
{
	if (pct < 30)
		return R_CPU_LOW;
	return pct < 70 ? R_CPU_MID : R_CPU_HIGH;
}

static void comm_text(char *buf, size_t len, const struct tui *v,
		      const struct ri_row *r, int w)
{
	const char *comm = r->t ? r->t->comm : r->p->comm;
	bool exited = r->t ? r->t->exited : r->p->exited;
	const char *glyph = "", *mark = " <exited>";
	int gw = 0, room;
	char name[64];

	ri_printable(name, sizeof(name), comm, RI_COMM_LEN);
	if (r->t) {
		glyph = v->utf8 ? (r->last ? " └─ " : " ├─ ") :
				  (r->last ? " `- " : " |- ");
		gw = 4;
	} else if (!v->all_threads && r->expanded) {
		glyph = v->utf8 ? "▾" : "-";
		gw = 1;
	}
	if (!exited) {
		snprintf(buf, len, "%s%s", glyph, name);
		return;
	}
	/* Keep the marker visible even when the name must be cut short. */
	room = w - gw - (int)strlen(mark);
	if (room < 6) {
		mark = " <x>";
		room = w - gw - (int)strlen(mark);
	}
	snprintf(buf, len, "%s%.*s%s", glyph, room > 0 ? room : 0, name, mark);
}

/* Formats one cell; returns its role (colour). */
static int cell(char *b, size_t n, const struct tui *v, const struct ri_row *r,
		int c, int w)
{
	const struct ri_fig *f = r->t ? &r->t->fig : &r->p->fig;

	b[0] = '\0';
	switch (c) {
	case C_PID:
		snprintf(b, n, "%d", r->t ? r->t->tid : r->p->pid);
		return R_NORMAL;
	case C_USER:
		snprintf(b, n, "%s", user_name(r->p->uid));
		return R_NORMAL;
	case C_COMM:
		comm_text(b, n, v, r, w);
		return r->t ? R_TREE : R_NORMAL;
	case C_THR:
		if (!r->t)
			snprintf(b, n, "%d", r->p->nthreads);
		return R_NORMAL;
	case C_CPUN:
		if (f->cpu >= 0)
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
		/* A process's memory trend (core/growth.c); a steady climb warns. */
		if (!r->t && r->p->growth.valid)
			ri_fmt_growth(b, n, r->p->growth.bps);
		return !r->t && r->p->growth.growing ? R_WARNING : R_MEMORY;
	case C_MEM:
		/* Threads share their process's memory: shown once, on it. */
		if (!r->t)
			ri_fmt_pct(b, n, f->mem_pct, w);
		return R_MEMORY;
	case C_RSS:
		if (!r->t)
			ri_fmt_bytes(b, n, (double)f->rss_bytes, w);
		return R_MEMORY;
	case C_TIME:
		ri_fmt_time(b, n, f->cpu_total_ns);
		return R_NORMAL;
	case C_READ:
		ri_fmt_rate(b, n, f->io_rd_bps, 4);
		return R_IO_READ;
	case C_WRITE:
		ri_fmt_rate(b, n, f->io_wr_bps, 4);
		return R_IO_WRITE;
	case C_DREAD:
		if (f->disk_na)
			snprintf(b, n, "n/a");
		else
			ri_fmt_rate(b, n, f->disk_rd_bps, 4);
		return R_IO_READ;
	case C_DWRITE:
		if (f->disk_na)
			snprintf(b, n, "n/a");
		else
			ri_fmt_rate(b, n, f->disk_wr_bps, 4);
		return R_IO_WRITE;
	case C_CSW:
		ri_fmt_rate(b, n, f->csw_ps, 5);
		return R_NORMAL;
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
	int x = 0, c;

	put_str(y, 0, COLS, "", v->attr[R_TITLE], false);
	for (c = 0; c < C_COUNT; c++) {
		int a = v->attr[R_TITLE];
		const char *s = cols[c].title;

		if (!l->on[c])
			continue;
		if (c == C_SPARK) {
			snprintf(t, sizeof(t),
				 l->w[c] >= 16 ? "%s history" : "%s",
				 spark_metric_name(v->spark_metric));
			s = t;
		} else if (cols[c].sort == v->sort ||
			   (v->sort == RI_SORT_IO &&
			    (c == C_READ || c == C_WRITE))) {
			a = v->attr[R_SORT];
			sorted_title(t, sizeof(t), s, l->w[c], sort_arrow(v));
			s = t;
		}
		put_str(y, x, l->w[c], s, a, !cols[c].left);
		x += l->w[c] + 1;
	}
}

static void spark_cell(struct tui *v, const struct ri_row *r, int y, int x,
		       int w, int attr)
{
	const struct ri_hist *h = r->t ? r->t->hist : r->p->hist;
	double mn, mx, hi;

	spark_range(h, v->spark_metric, (size_t)w, &mn, &mx);
	hi = mx;
	/* CPU is on an absolute scale: a flat 5% must not look like 100%. */
	if (v->spark_metric == RI_M_CPU && hi < 100)
		hi = 100;
	move(y, x);
	spark_draw(v, h, v->spark_metric, (size_t)w, w, 0, hi, attr);
}

static void draw_row(struct tui *v, const struct layout *l, size_t i, int y)
{
	const struct ri_row *r = &v->rows.v[i];
	const struct ri_alerts *al = ri_monitor_alerts(v->mon);
	bool sel = i == v->rows.sel;
	bool exited = r->t ? r->t->exited : r->p->exited;
	/* A process with a firing alert: the whole row in the warning colour. */
	bool alert = !r->t && al && ri_alerts_proc_firing(al, r->p->pid, r->p->start_ns);
	char b[128];
	int x = 0, c, role, a;

	for (c = 0; c < C_COUNT; c++) {
		if (!l->on[c])
			continue;
		if (c == C_SPARK) {
			spark_cell(v, r, y, x, l->w[c],
				   sel ? v->attr[R_SELECTION] :
				   exited ? v->attr[R_EXITED] :
				   alert ? v->attr[R_WARNING] : -1);
			x += l->w[c] + 1;
			continue;
		}
		role = cell(b, sizeof(b), v, r, c, l->w[c]);
		a = v->attr[role];
		if (alert)
			a = v->attr[R_WARNING] | A_BOLD;
		if (exited)
			a = v->attr[R_EXITED];
		if (sel)
			a = v->attr[R_SELECTION];
		put_str(y, x, l->w[c], b, a, !cols[c].left);
		if (sel && x + l->w[c] < COLS)
			put_str(y, x + l->w[c], 1, "", a, false);
		x += l->w[c] + 1;
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
	else if (!v->m->tick)
		mvprintw(y, 1, "collecting the first sample...");
	else
		mvprintw(y, 1, "no process to show");
}

/*
 * After an expand, scroll just enough that the threads under the cursor
 * are on screen, without pushing the process itself off the top.
 */
static void reveal_children(struct tui *v, size_t rows)
{
	const struct ri_rows *r = &v->rows;
	size_t last = r->sel;

	v->reveal = false;
	while (last + 1 < r->n && r->v[last + 1].t &&
	       r->v[last + 1].p == r->v[r->sel].p)
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

	if (h < 2)
		return;
	layout(&l, COLS);
	draw_title(v, &l, y);
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
}
