// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Alerts on the interactive screen: the header's line (how many fire,
 * the newest), and the alert log opened with '!', an overlay (what is
 * pending or firing now, then every transition, newest first: time,
 * state, process, value, rule). The states themselves come from
 * core/alerts/alerts.c, the same ones batch, JSON and a recording see;
 * this file only draws them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "hook.h"
#include "view.h"

static void clock_text(char *buf, size_t len, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

static const struct ri_rule *rule_of(const struct ri_alerts *a, uint32_t i)
{
	return &ri_alerts_rules(a)->v[i];
}

/* Transitions the hook could not run, 0 without a hook. */
static unsigned long long hook_dropped(struct tui *v)
{
	struct ri_hook_stats st;

	if (!v->hook)
		return 0;
	ri_hook_stats(v->hook, &st);
	return (unsigned long long)st.dropped;
}

int alerts_header_draw(struct tui *v, int y)
{
	const struct ri_alerts *a = ri_monitor_alerts(v->mon);
	const struct ri_alert *x;
	char line[400], val[160], since[16], name[64];
	unsigned long long dropped;
	size_t nf;

	/* A replay shows the recorded alerts: none known yet, no line. */
	if (!a || (!ri_alerts_rules(a)->n && !ri_alerts_log_len(a)))
		return 0;
	nf = ri_alerts_firing(a);
	x = ri_alerts_newest_firing(a);
	dropped = hook_dropped(v);
	if (!x) {
		snprintf(line, sizeof(line), "alerts: none firing (%zu rule%s)  ! log",
			 ri_alerts_rules(a)->n, ri_alerts_rules(a)->n == 1 ? "" : "s");
		put_str(y, 0, COLS, line, v->attr[R_HEADER], false);
	} else {
		ri_printable(name, sizeof(name), x->comm, RI_COMM_LEN);
		ri_alert_fmt_value_of(val, sizeof(val), rule_of(a, x->rule)->metric, x->value,
				      x->resource);
		clock_text(since, sizeof(since), x->since);
		snprintf(line, sizeof(line), "ALERT %zu firing, newest: %d %s %s since %s  %s  ! log",
			 nf, x->pid, name, val, since, rule_of(a, x->rule)->text);
		put_str(y, 0, COLS, line, v->attr[R_WARNING] | A_BOLD, false);
	}
	if (dropped) {
		int w = (int)strlen(line) + 2;

		snprintf(line, sizeof(line), "alert-exec: %llu not run", dropped);
		if (w < COLS)
			put_str(y, w, COLS - w, line, v->attr[R_WARNING] | A_BOLD, false);
	}
	return 1;
}

/* One line: TIME STATE PID COMM VALUE RULE, as the titles say. */
static void row(struct tui *v, int y, double t, enum ri_alert_state st, pid_t pid,
		const char *comm, const char *val, const char *rule, const char *extra)
{
	char line[512], when[16], name[64];
	int role = st == RI_ALERT_FIRING ? R_WARNING :
		   st == RI_ALERT_PENDING ? R_CPU_MID : R_NORMAL;

	clock_text(when, sizeof(when), t);
	ri_fit(name, sizeof(name), comm, RI_COMM_LEN, 15);
	snprintf(line, sizeof(line), " %-8s %-8s %7d %s %8s  %s%s", when,
		 ri_alert_state_name(st), (int)pid, name, val, rule, extra);
	put_str(y, 0, COLS, line, v->attr[role], false);
}

/* Calls @fn (or only counts, when NULL) for each line below the title. */
static int walk(struct tui *v, const struct ri_alerts *a, int first, int last)
{
	const struct ri_alert *x;
	size_t n = ri_alerts_list(a, &x), i, k, logn = ri_alerts_log_len(a);
	char val[160], extra[48];
	int line = 0;

#define AT(l) ((l) >= first && (l) < last)
#define Y(l) (2 + (l) - first)
	if (AT(line))
		put_str(Y(line), 0, COLS, "Now (pending and firing):",
			v->attr[R_HEADER] | A_BOLD, false);
	line++;
	for (i = k = 0; i < n; i++) {
		if (x[i].state != RI_ALERT_PENDING && x[i].state != RI_ALERT_FIRING)
			continue;
		k++;
		if (AT(line)) {
			ri_alert_fmt_value_of(val, sizeof(val), rule_of(a, x[i].rule)->metric,
					      x[i].value, x[i].resource);
			row(v, Y(line), x[i].since, x[i].state, x[i].pid, x[i].comm, val,
			    rule_of(a, x[i].rule)->text, "");
		}
		line++;
	}
	if (!k) {
		if (AT(line))
			put_str(Y(line), 0, COLS, "  nothing", v->attr[R_NORMAL], false);
		line++;
	}
	line++;
	if (AT(line)) {
		char t[96];

		snprintf(t, sizeof(t), "Log (newest first; %llu transitions in all, %d kept):",
			 (unsigned long long)ri_alerts_log_total(a), RI_ALERT_LOG);
		put_str(Y(line), 0, COLS, t, v->attr[R_HEADER] | A_BOLD, false);
	}
	line++;
	for (i = 0; i < logn; i++, line++) {
		const struct ri_alert_transition *t = ri_alerts_log_get(a, i);

		if (!AT(line))
			continue;
		ri_alert_fmt_value_of(val, sizeof(val), rule_of(a, t->rule)->metric, t->value,
				      t->resource);
		extra[0] = '\0';
		if (t->from != RI_ALERT_INACTIVE) {
			char s[16];

			clock_text(s, sizeof(s), t->since);
			snprintf(extra, sizeof(extra), "  (%s since %s)",
				 ri_alert_state_name((enum ri_alert_state)t->from), s);
		}
		row(v, Y(line), t->time, (enum ri_alert_state)t->to, t->pid, t->comm, val,
		    t->text, extra);
	}
	if (!logn) {
		if (AT(line))
			put_str(Y(line), 0, COLS, "  no transition yet", v->attr[R_NORMAL], false);
		line++;
	}
#undef AT
#undef Y
	return line;
}

static void log_draw(struct tui *v)
{
	const struct ri_alerts *a = ri_monitor_alerts(v->mon);
	char head[200];
	int rows = LINES - 3;

	snprintf(head, sizeof(head),
		 "Alert log: %zu firing   Up/Down PgUp/PgDn scroll, Esc or ! returns",
		 a ? ri_alerts_firing(a) : 0);
	put_str(0, 0, COLS, head, v->attr[R_HEADER] | A_BOLD, false);
	snprintf(head, sizeof(head), " %-8s %-8s %7s %-15s %8s  %s", "TIME", "STATE", "PID",
		 "COMM", "VALUE", "RULE");
	put_str(1, 0, COLS, head, v->attr[R_TITLE], false);
	if (!a) {
		put_str(2, 1, COLS - 1,
			"No alert rules: give --alert RULE or --alerts FILE (man resource_image)",
			v->attr[R_NORMAL], false);
		return;
	}
	walk(v, a, v->alert_log_top, v->alert_log_top + rows);
	if (hook_dropped(v)) {
		snprintf(head, sizeof(head), "--alert-exec: %llu transitions not run (queue full)",
			 hook_dropped(v));
		put_str(LINES - 1, 0, COLS, head, v->attr[R_WARNING] | A_BOLD, false);
	}
}

static const struct overlay log_overlay;

static enum ri_next log_key(struct tui *v, int ch)
{
	const struct ri_alerts *a = ri_monitor_alerts(v->mon);
	int rows = LINES - 3, max = (a ? walk(v, a, 0, 0) : 0) - rows;

	switch (ch) {
	case KEY_UP: case 'k': v->alert_log_top--; break;
	case KEY_DOWN: case 'j': v->alert_log_top++; break;
	case KEY_PPAGE: v->alert_log_top -= rows; break;
	case KEY_NPAGE: case ' ': v->alert_log_top += rows; break;
	case KEY_HOME: case 'g': v->alert_log_top = 0; break;
	case KEY_END: case 'G': v->alert_log_top = max; break;
	case 'q': case KEY_F(10): return NEXT_QUIT;
	case 27: case '!':
		overlay_pop(v, &log_overlay);
		return NEXT_REDRAW;
	default: return NEXT_NONE;
	}
	if (v->alert_log_top > max)
		v->alert_log_top = max;
	if (v->alert_log_top < 0)
		v->alert_log_top = 0;
	return NEXT_REDRAW;
}

/* The wheel scrolls the log (the table under it stays where it is). */
static enum ri_next log_wheel(struct tui *v, int dir)
{
	return overlay_wheel_keys(v, log_key, dir, WHEEL_ROWS);
}

/* Full screen; clicks do nothing here. */
static const struct overlay log_overlay = {
	.name = "alert log",
	.flags = OVERLAY_FULL,
	.draw = log_draw,
	.key = log_key,
	.wheel = log_wheel,
};

enum ri_next alerts_log_open(struct tui *v)
{
	v->alert_log_top = 0;
	overlay_push(v, &log_overlay);
	return NEXT_REDRAW;
}
