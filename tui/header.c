// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The lines around the table: the header (clock, interval, source and
 * probe, tasks, totals, event and drop rates, the alerts line of
 * alerts.c when rules are given) and the footer (key hints,
 * or the prompt, or a passing message).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/format.h"
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
	attrset(v->attr[R_HEADER] | A_BOLD);
	mvprintw(0, 0, "resource_image");
	attrset(v->attr[R_HEADER]);
	printw(" %s  every %ss  source ", clock, d);
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

/* Third line: what the view is limited to, when anything. */
static int line3(struct tui *v)
{
	const struct ri_model *m = v->m;
	char buf[256];
	int n = 0;

	buf[0] = '\0';
	if (ri_model_has_choice(m)) {
		size_t i;

		n += snprintf(buf + n, sizeof(buf) - n, "chosen:");
		for (i = 0; i < m->nchoice_names && n < (int)sizeof(buf) - 24; i++)
			n += snprintf(buf + n, sizeof(buf) - n, " %.*s",
				      RI_COMM_LEN, m->choice_names[i]);
		for (i = 0; i < m->nchoice_pids && n < (int)sizeof(buf) - 24; i++)
			n += snprintf(buf + n, sizeof(buf) - n, " %d",
				      m->choice_pids[i]);
		n += snprintf(buf + n, sizeof(buf) - n, "  (a: all)  ");
	}
	if (v->filter[0] && n < (int)sizeof(buf) - 80)
		n += snprintf(buf + n, sizeof(buf) - n, "filter: %s  ", v->filter);
	if (!n)
		return 0;
	attrset(v->attr[R_PICKED] | A_BOLD);
	mvaddnstr(2, 0, buf, COLS);
	attrset(A_NORMAL);
	return 1;
}

/* Returns the number of lines used. */
int header_draw(struct tui *v)
{
	int n;

	line1(v);
	line2(v);
	n = 2 + line3(v);
	return n + alerts_header_draw(v, n);
}

static const char *const hints[][2] = {
	{ "F1", "Help" }, { "p", "Pick" }, { "Enter", "Threads" },
	{ "s", "Spark" }, { "<>", "Sort" }, { "\\", "Filter" },
	{ "/", "Search" }, { "t", "Theme" }, { "Z", "Pause" }, { "q", "Quit" },
};

void footer_draw(struct tui *v)
{
	int y = LINES - 1, i, n = sizeof(hints) / sizeof(hints[0]);

	if (v->prompt != PROMPT_NONE) {
		prompt_draw(v, y);
		return;
	}
	move(y, 0);
	if (v->msg[0] && tui_now_real() < v->msg_until) {
		attrset(v->attr[R_WARNING] | A_BOLD);
		addnstr(v->msg, COLS);
		attrset(A_NORMAL);
		return;
	}
	for (i = 0; i < n && getcurx(stdscr) + 10 < COLS; i++) {
		attrset(A_BOLD);
		printw("%s", hints[i][0]);
		attrset(v->attr[R_TITLE]);
		printw("%-7s", hints[i][1]);
		attrset(A_NORMAL);
		addch(' ');
	}
}
