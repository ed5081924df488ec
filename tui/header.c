// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The lines around the table: the header (clock, interval, source and
 * probe, tasks, totals, event and drop rates, then the meters of
 * meters.c, the alerts line of alerts.c when rules are given, and what
 * the view is limited to; a replay's title and time bar through its
 * struct view_mode) and the footer (htop's function bar, or a passing
 * message; a prompt is an overlay drawn over it).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "view.h"

static void line1(struct tui *v)
{
	const struct ri_model *m = v->m;
	const struct ri_monitor_info *src = &v->info;
	char clock[16], d[16];
	time_t t = (time_t)(m->tick ? m->time : tui_now_real());
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	snprintf(d, sizeof(d), "%g", v->delay);
	if (v->mode && v->mode->title) {
		v->mode->title(v, clock);
	} else {
		attrset(v->attr[R_HEADER] | A_BOLD);
		mvprintw(0, 0, "resource_image");
		attrset(v->attr[R_HEADER]);
		printw(" %s  every %ss  source ", clock, d);
	}
	if (!src->degraded) {
		printw("%s/%s", src->source, src->probe);
	} else {
		/* A degraded source is said so, in the warning colour. */
		attrset(v->attr[R_WARNING] | A_BOLD);
		printw("%s", src->source);
		attrset(v->attr[R_HEADER]);
	}
	if (!src->sees_short_lived) {
		attrset(v->attr[R_WARNING]);
		printw(" (misses short-lived tasks)");
		attrset(v->attr[R_HEADER]);
	}
	printw("  tasks %zu procs %zu", m->totals.ntasks, m->totals.nprocs);
	if (v->paused) {
		attrset(v->attr[R_WARNING] | A_BOLD);
		printw("  PAUSED");
	}
	attrset(A_NORMAL);
}

static void line2(struct tui *v)
{
	const struct ri_model *m = v->m;
	char used[16], total[16], ev[16];
	double busy = m->ncpu ? m->totals.cpu_pct / m->ncpu : 0;
	double memp = m->totals.mem_total ?
			      100.0 * m->totals.mem_used / m->totals.mem_total :
			      0;

	ri_fmt_bytes(used, sizeof(used), (double)m->totals.mem_used, 6);
	ri_fmt_bytes(total, sizeof(total), (double)m->totals.mem_total, 6);
	ri_fmt_rate(ev, sizeof(ev), m->events_ps, 6);
	move(1, 0);
	attrset(v->attr[R_HEADER]);
	printw("CPU ");
	attrset(v->attr[busy < 30 ? R_CPU_LOW : busy < 70 ? R_CPU_MID :
							    R_CPU_HIGH] |
		A_BOLD);
	printw("%5.1f%%", busy);
	attrset(v->attr[R_HEADER]);
	printw(" busy of %d CPUs  MEM ", m->ncpu);
	attrset(v->attr[R_MEMORY] | A_BOLD);
	printw("%s/%s (%.0f%%)", used, total, memp);
	attrset(v->attr[R_HEADER]);
	printw("  events %s/s", ev);
	if (m->dropped) {
		attrset(v->attr[R_WARNING] | A_BOLD);
		printw("  dropped %llu (+%llu)", (unsigned long long)m->dropped,
		       (unsigned long long)m->dropped_delta);
	}
	attrset(A_NORMAL);
}

/* What the view is, and is limited to, when anything: one line at @y. */
static int line3(struct tui *v, int y)
{
	const struct ri_model *m = v->m;
	char buf[320];
	int n = 0;

#define ADD(...)                                                               \
	do {                                                                   \
		if (n < (int)sizeof(buf) - 1)                                  \
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, __VA_ARGS__); \
	} while (0)
	buf[0] = '\0';
	if (ri_model_has_choice(m)) {
		size_t i;

		ADD("chosen:");
		for (i = 0; i < m->nchoice_names && n < (int)sizeof(buf) - 24; i++)
			ADD(" %.*s", RI_COMM_LEN, m->choice_names[i]);
		for (i = 0; i < m->nchoice_pids && n < (int)sizeof(buf) - 24; i++)
			ADD(" %d", m->choice_pids[i]);
		ADD("  (a: all)  ");
	}
	if (v->view == RI_VIEW_TREE)
		ADD(v->replay ? "tree (F5: list)  " : "tree (t: list)  ");
	else if (v->view == RI_VIEW_CGROUP)
		ADD("by cgroup (c: list)  ");
	if (!v->fold)
		ADD("not folding (f)  ");
	if (v->by_user)
		ADD("user: %s  ", user_name(v->user));
	if (v->hide_kthreads)
		ADD("kernel threads hidden (K)  ");
	if (v->follow)
		ADD("following %d  ", v->follow_pid);
	if (v->filter[0] && n < (int)sizeof(buf) - 80)
		ADD("filter: %s  ", v->filter);
#undef ADD
	if (!n)
		return 0;
	attrset(v->attr[R_PICKED] | A_BOLD);
	mvaddnstr(y, 0, buf, COLS);
	attrset(A_NORMAL);
	return 1;
}

/*
 * Lines the meters may take: what leaves the table room for a dozen
 * rows, and no more than a dozen.
 */
static int meter_budget(void)
{
	int b = (LINES - 12) / 2;

	return b > 12 ? 12 : b;
}

/* Returns the number of lines used. */
int header_draw(struct tui *v)
{
	int y = 2;

	line1(v);
	line2(v);
	if (v->meters && meter_budget() >= 2)
		y += meters_draw(v, y, meter_budget());
	if (v->mode && v->mode->bar_draw)
		y += v->mode->bar_draw(v, y);
	y += alerts_header_draw(v, y);
	return y + line3(v, y);
}

/* htop's function bar, then what is ours; a click on an entry presses its key. */
static const struct fbar_hint hints[] = {
	{ "F1", "Help", KEY_F(1) },	{ "F2", "Setup", KEY_F(2) },
	{ "F3", "Search", KEY_F(3) },	{ "F4", "Filter", KEY_F(4) },
	{ "F5", "Tree", KEY_F(5) },	{ "F6", "SortBy", KEY_F(6) },
	{ "F7", "Nice -", KEY_F(7) },	{ "F8", "Nice +", KEY_F(8) },
	{ "F9", "Kill", KEY_F(9) },	{ "F10", "Quit", KEY_F(10) },
	{ "p", "Pick", 'p' },		{ "Enter", "Threads", '\n' },
	{ "f", "Fold", 'f' },		{ "c", "Cgroups", 'c' },
};

void footer_draw(struct tui *v)
{
	int y = LINES - 1, i, n = sizeof(hints) / sizeof(hints[0]);
	const struct fbar_hint *h = hints;

	if (v->mode && v->mode->hints) {
		h = v->mode->hints;
		n = v->mode->nhints;
	}
	v->nfbar = 0;
	v->fbar_y = y;
	move(y, 0);
	if (v->msg[0] && tui_now_real() < v->msg_until) {
		attrset(v->attr[R_WARNING] | A_BOLD);
		addnstr(v->msg, COLS);
		attrset(A_NORMAL);
		return;
	}
	for (i = 0; i < n && v->nfbar < FBAR_MAX; i++) {
		const char *label = h[i].label;
		int x0 = getcurx(stdscr), w;

		if (h[i].code == KEY_F(5) && v->view == RI_VIEW_TREE)
			label = "List";
		w = (int)strlen(h[i].key) +
		    ((int)strlen(label) > 6 ? (int)strlen(label) : 6);
		if (x0 + w > COLS)
			break;
		attrset(A_BOLD);
		printw("%s", h[i].key);
		attrset(v->attr[R_TITLE]);
		printw("%-6s", label);
		attrset(A_NORMAL);
		v->fbar[v->nfbar].x0 = x0;
		v->fbar[v->nfbar].x1 = x0 + w;
		v->fbar[v->nfbar++].key = h[i].code;
		if (getcurx(stdscr) + 1 < COLS)
			addch(' ');
	}
}
