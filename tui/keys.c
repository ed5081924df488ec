// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Keys of the main view, as a table of key -> action (htop's Action.c
 * idea): easy to read, and the help screen lists the same bindings. Each
 * action returns what must happen next; the loop does it once. Modal
 * screens (prompt, picker, help) take keys before this table.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

#define CTRL(c) ((c) & 0x1f)

/* Steps for ] and [, in seconds. */
static const double delays[] = { 0.2, 0.5, 1, 2, 3, 5, 10, 30, 60 };

static enum ri_next nudge_delay(struct tui *v, int dir)
{
	int n = sizeof(delays) / sizeof(delays[0]), i;

	if (dir > 0) {
		for (i = 0; i < n - 1 && delays[i] <= v->delay + 1e-9; i++)
			;
	} else {
		for (i = n - 1; i > 0 && delays[i] >= v->delay - 1e-9; i--)
			;
	}
	tui_set_delay(v, delays[i]);
	return NEXT_REDRAW;
}

static enum ri_next set_sort(struct tui *v, enum ri_sort_key k)
{
	v->sort = k;
	tui_message(v, "sorted by %s%s", ri_sort_name(k),
		    v->reverse ? " (inverted)" : "");
	return NEXT_REBUILD;
}

/* @want: 1 expand, 0 collapse, -1 toggle. */
static enum ri_next toggle_row(struct tui *v, int want)
{
	const struct ri_row *r = ri_rows_selected(&v->rows);
	bool on;

	if (!r)
		return NEXT_NONE;
	/* Acting on a row pins the cursor to its task from now on. */
	v->rows.pinned = true;
	if (r->t && want != 1) {
		/* On a thread: collapse its process and land on it. */
		v->rows.sel_tid = 0;
		ri_rows_set_expanded(&v->rows, r->p->pid, false);
		return NEXT_REBUILD;
	}
	if (r->t)
		return NEXT_NONE;
	on = want < 0 ? !ri_rows_is_expanded(&v->rows, r->p->pid) : want;
	if (ri_rows_set_expanded(&v->rows, r->p->pid, on))
		tui_message(v, "out of memory");
	v->reveal = on;
	return NEXT_REBUILD;
}

static enum ri_next next_theme(struct tui *v)
{
	char err[256];

	if (!v->color) {
		tui_message(v, "colours are off (-C or NO_COLOR)");
		return NEXT_REDRAW;
	}
	v->ntheme_names = theme_list(v->theme_names, 32);
	v->theme_idx = (v->theme_idx + 1) % v->ntheme_names;
	if (theme_load(v->theme_names[v->theme_idx], &v->theme, err,
		       sizeof(err)))
		tui_message(v, "%s", err);
	else
		tui_message(v, "theme: %s", v->theme.name);
	colors_apply(v);
	return NEXT_FULL_REDRAW;
}

static enum ri_next all_processes(struct tui *v)
{
	if (!ri_model_has_choice(v->m))
		return NEXT_NONE;
	tui_message(v, "showing all processes");
	return tui_apply_choice(v, NULL, 0, NULL, 0);
}

static enum ri_next escape(struct tui *v)
{
	if (v->filter[0]) {
		v->filter[0] = '\0';
		return NEXT_REBUILD;
	}
	return all_processes(v);
}

static enum ri_next page(struct tui *v, int dir)
{
	long h = v->table_rows > 1 ? v->table_rows - 1 : 1;

	ri_rows_move(&v->rows, dir * h);
	return NEXT_REDRAW;
}

static enum ri_next move_by(struct tui *v, long d)
{
	ri_rows_move(&v->rows, d);
	return NEXT_REDRAW;
}

static enum ri_next pick_row(struct tui *v, size_t i)
{
	ri_rows_pick(&v->rows, i);
	return NEXT_REDRAW;
}

/* One-line actions, so the table below stays a table. */
static enum ri_next a_quit(struct tui *v) { (void)v; return NEXT_QUIT; }
static enum ri_next a_up(struct tui *v) { return move_by(v, -1); }
static enum ri_next a_down(struct tui *v) { return move_by(v, 1); }
static enum ri_next a_pgup(struct tui *v) { return page(v, -1); }
static enum ri_next a_pgdn(struct tui *v) { return page(v, 1); }
static enum ri_next a_home(struct tui *v) { return pick_row(v, 0); }
static enum ri_next a_end(struct tui *v) { return pick_row(v, v->rows.n ? v->rows.n - 1 : 0); }
static enum ri_next a_toggle(struct tui *v) { return toggle_row(v, -1); }
static enum ri_next a_expand(struct tui *v) { return toggle_row(v, 1); }
static enum ri_next a_collapse(struct tui *v) { return toggle_row(v, 0); }
static enum ri_next a_sort_cpu(struct tui *v) { return set_sort(v, RI_SORT_CPU); }
static enum ri_next a_sort_mem(struct tui *v) { return set_sort(v, RI_SORT_MEM); }
static enum ri_next a_sort_time(struct tui *v) { return set_sort(v, RI_SORT_TIME); }
static enum ri_next a_sort_pid(struct tui *v) { return set_sort(v, RI_SORT_PID); }
static enum ri_next a_sort_io(struct tui *v) { return set_sort(v, RI_SORT_IO); }
static enum ri_next a_sort_next(struct tui *v) { return set_sort(v, table_next_sort(v->sort, 1)); }
static enum ri_next a_sort_prev(struct tui *v) { return set_sort(v, table_next_sort(v->sort, -1)); }
static enum ri_next a_search(struct tui *v) { return prompt_start(v, PROMPT_SEARCH); }
static enum ri_next a_filter(struct tui *v) { return prompt_start(v, PROMPT_FILTER); }
static enum ri_next a_delay(struct tui *v) { return prompt_start(v, PROMPT_DELAY); }
static enum ri_next a_slower(struct tui *v) { return nudge_delay(v, 1); }
static enum ri_next a_faster(struct tui *v) { return nudge_delay(v, -1); }
static enum ri_next a_redraw(struct tui *v) { (void)v; return NEXT_FULL_REDRAW; }

static enum ri_next a_help(struct tui *v)
{
	v->help = true;
	v->help_top = 0;
	return NEXT_REDRAW;
}

static enum ri_next a_threads(struct tui *v)
{
	v->all_threads = !v->all_threads;
	return NEXT_REBUILD;
}

static enum ri_next a_invert(struct tui *v)
{
	v->reverse = !v->reverse;
	return set_sort(v, v->sort);
}

static enum ri_next a_spark(struct tui *v)
{
	v->spark_metric = (v->spark_metric + 1) % RI_M_COUNT;
	return NEXT_REDRAW;
}

/* F3 repeats the last search, or starts one. */
static enum ri_next a_next(struct tui *v)
{
	if (v->search[0])
		return search_next(v);
	return prompt_start(v, PROMPT_SEARCH);
}

static enum ri_next a_pause(struct tui *v)
{
	v->paused = !v->paused;
	return NEXT_REDRAW;
}

/*
 * Every binding of the main view, grouped as the help screen shows them:
 * the help is drawn from this table, so it cannot fall out of step.
 */
static const struct action actions[] = {
	{ "Moving", "Up k", "move up", a_up, { KEY_UP, 'k' } },
	{ NULL, "Down j", "move down", a_down, { KEY_DOWN, 'j' } },
	{ NULL, "PgUp PgDn", "one page up / down", a_pgup, { KEY_PPAGE } },
	{ NULL, NULL, NULL, a_pgdn, { KEY_NPAGE } },
	{ NULL, "Home g", "first row", a_home, { KEY_HOME, 'g' } },
	{ NULL, "End G", "last row", a_end, { KEY_END, 'G' } },
	{ "Threads", "Enter", "expand / collapse the threads of a process",
	  a_toggle, { '\n', '\r', KEY_ENTER } },
	{ NULL, "Right +", "expand (htop, tmux habit)", a_expand,
	  { KEY_RIGHT, '+', '=' } },
	{ NULL, "Left -", "collapse; on a thread, its process", a_collapse,
	  { KEY_LEFT, '-' } },
	{ NULL, "H", "show the threads of every process", a_threads, { 'H' } },
	{ "Choosing processes", "p Space",
	  "picker: type to filter, Space marks, Enter applies", picker_open,
	  { 'p', ' ' } },
	{ NULL, "a", "back to all processes", all_processes, { 'a' } },
	{ NULL, "Esc", "clear the filter, else back to all processes", escape,
	  { 27 } },
	{ "Sorting", "P", "sort by CPU%", a_sort_cpu, { 'P' } },
	{ NULL, "M", "sort by MEM%", a_sort_mem, { 'M' } },
	{ NULL, "T", "sort by TIME+", a_sort_time, { 'T' } },
	{ NULL, "N", "sort by PID", a_sort_pid, { 'N' } },
	{ NULL, "D", "sort by I/O (read + write per second)", a_sort_io, { 'D' } },
	{ NULL, "> . F6", "next sort column", a_sort_next,
	  { '>', '.', KEY_F(6) } },
	{ NULL, "< ,", "previous sort column", a_sort_prev, { '<', ',' } },
	{ NULL, "I r", "invert the sort order", a_invert, { 'I', 'r' } },
	{ "Finding", "/", "search by name or PID as you type", a_search, { '/' } },
	{ NULL, "n F3", "find the next match", a_next, { 'n', KEY_F(3) } },
	{ NULL, "\\ F4", "filter rows by name or PID; Esc clears", a_filter,
	  { '\\', KEY_F(4) } },
	{ "Display", "s", "sparkline metric: CPU%, MEM, READ/s, WRITE/s",
	  a_spark, { 's' } },
	{ NULL, "t", "next colour theme", next_theme, { 't' } },
	{ NULL, "d", "set the refresh delay (seconds)", a_delay, { 'd' } },
	{ NULL, "] [", "refresh slower / faster (+ - expand, as in htop)",
	  a_slower, { ']' } },
	{ NULL, NULL, NULL, a_faster, { '[' } },
	{ NULL, "Z", "pause / resume refreshing", a_pause, { 'Z' } },
	{ NULL, "Ctrl-L", "redraw the screen", a_redraw, { CTRL('l') } },
	{ "Alerts", "!", "alert log: what is pending and firing, every transition",
	  alerts_log_open, { '!' } },
	{ "Leaving", "q F10 Ctrl-C", "quit", a_quit,
	  { 'q', KEY_F(10), CTRL('c') } },
	{ NULL, "F1 h ?", "this help", a_help, { KEY_F(1), 'h', '?' } },
};

const struct action *keys_actions(size_t *n)
{
	*n = sizeof(actions) / sizeof(actions[0]);
	return actions;
}

/* Unknown keys are ignored, like iotop. */
static enum ri_next act(struct tui *v, int ch)
{
	size_t i, k;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		for (k = 0; k < MAX_ACTION_KEYS && actions[i].codes[k]; k++)
			if (actions[i].codes[k] == ch)
				return actions[i].fn(v);
	return NEXT_NONE;
}

enum ri_next keys_dispatch(struct tui *v, int ch)
{
	if (v->help) {
		/* Any other key closes help; q still quits from there. */
		if (help_key(v, ch))
			return NEXT_REDRAW;
		v->help = false;
		return ch == 'q' ? NEXT_QUIT : NEXT_REDRAW;
	}
	if (v->alert_log)
		return alerts_log_key(v, ch);
	if (v->pk.open)
		return picker_key(v, ch);
	if (v->prompt != PROMPT_NONE)
		return prompt_key(v, ch);
	return act(v, ch);
}
