// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Keys of the main view, as a table of key -> action (htop's Action.c
 * idea): easy to read, and the help screen lists the same bindings. Each
 * action returns what must happen next; the loop does it once. The
 * overlays (help, setup, a menu, the picker, a prompt) take keys before
 * this table, and a replay's table comes first: screen.c routes them.
 *
 * htop's keys mean what they mean in htop (F1..F10, t tree, k kill, u
 * user, K kernel threads, F follow, S setup); p (pick) and Enter
 * (threads) are ours. Themes moved from t to C, moving up from k to the
 * arrow alone.
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

/* The row a row is under (its process, fold or group), or -1. */
static long parent_row(const struct ri_rows *rows, size_t i)
{
	int d = rows->v[i].depth;

	while (i-- > 0)
		if (rows->v[i].depth < d)
			return (long)i;
	return -1;
}

/* Puts the cursor on row @i at the next rebuild, wherever it goes. */
static void land_on(struct tui *v, size_t i)
{
	ri_rows_pick(&v->rows, i);
}

/* Hides what is open under row @i (threads, members, subtree); false: nothing. */
static bool close_row(struct tui *v, const struct ri_row *r)
{
	struct ri_row_key k;

	if (r->g && r->expanded) {
		ri_row_key(r, &k);
		ri_rows_set_open(&v->rows, &k, false);
		return true;
	}
	if (r->kind != RI_ROW_PROC || r->member)
		return false;
	if (r->expanded && !v->all_threads) {
		ri_rows_set_expanded(&v->rows, r->p->pid, false);
		return true;
	}
	if (v->view == RI_VIEW_TREE && r->has_kids && !r->collapsed) {
		ri_rows_set_collapsed(&v->rows, r->p->pid, true);
		return true;
	}
	return false;
}

static bool open_row(struct tui *v, const struct ri_row *r)
{
	struct ri_row_key k;

	if (r->g) {
		ri_row_key(r, &k);
		ri_rows_set_open(&v->rows, &k, true);
		return true;
	}
	if (r->kind != RI_ROW_PROC || r->member)
		return false;
	if (v->view == RI_VIEW_TREE && r->collapsed) {
		ri_rows_set_collapsed(&v->rows, r->p->pid, false);
		return true;
	}
	ri_rows_set_expanded(&v->rows, r->p->pid, true);
	return true;
}

/*
 * @want: 1 expand, 0 collapse, -1 toggle (Enter: a process's threads, a
 * fold's members, a cgroup's processes). Collapsing a row with nothing
 * open under it closes what it is under and lands there.
 */
static enum ri_next toggle_row(struct tui *v, int want)
{
	const struct ri_row *r = ri_rows_selected(&v->rows);
	long up;

	if (!r)
		return NEXT_NONE;
	/* Acting on a row pins the cursor to it from now on. */
	v->rows.pinned = true;
	if (want < 0 && r->kind == RI_ROW_PROC && !r->member && !r->g) {
		if (ri_rows_set_expanded(&v->rows, r->p->pid, !r->expanded))
			tui_message(v, "out of memory");
		v->reveal = !r->expanded;
		return NEXT_REBUILD;
	}
	if (want < 0)
		want = r->g ? !r->expanded : 0;
	if (want == 1) {
		v->reveal = open_row(v, r);
		return v->reveal ? NEXT_REBUILD : NEXT_NONE;
	}
	if (close_row(v, r))
		return NEXT_REBUILD;
	up = parent_row(&v->rows, v->rows.sel);
	if (up < 0)
		return NEXT_NONE;
	land_on(v, (size_t)up);
	close_row(v, &v->rows.v[up]);
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
	snprintf(v->theme_name, sizeof(v->theme_name), "%s",
		 v->theme_names[v->theme_idx]);
	if (theme_load(v->theme_name, &v->theme, err, sizeof(err)))
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

/* Moving the cursor ends a follow (htop does the same). */
static enum ri_next page(struct tui *v, int dir)
{
	long h = v->table_rows > 1 ? v->table_rows - 1 : 1;

	v->follow = false;
	ri_rows_move(&v->rows, dir * h);
	return NEXT_REDRAW;
}

static enum ri_next move_by(struct tui *v, long d)
{
	v->follow = false;
	ri_rows_move(&v->rows, d);
	return NEXT_REDRAW;
}

static enum ri_next pick_row(struct tui *v, size_t i)
{
	v->follow = false;
	ri_rows_pick(&v->rows, i);
	return NEXT_REDRAW;
}

static enum ri_next set_view(struct tui *v, enum ri_view view)
{
	static const char *const names[] = {
		[RI_VIEW_LIST] = "list", [RI_VIEW_TREE] = "tree by parent",
		[RI_VIEW_CGROUP] = "grouped by cgroup (Enter opens a group)",
	};

	v->view = view;
	tui_message(v, "view: %s", names[view]);
	return NEXT_REBUILD;
}

static enum ri_next a_tree(struct tui *v)
{
	return set_view(v, v->view == RI_VIEW_TREE ? RI_VIEW_LIST : RI_VIEW_TREE);
}

static enum ri_next a_cgroups(struct tui *v)
{
	return set_view(v, v->view == RI_VIEW_CGROUP ? RI_VIEW_LIST : RI_VIEW_CGROUP);
}

static enum ri_next a_fold(struct tui *v)
{
	v->fold = !v->fold;
	tui_message(v, v->fold ? "folding processes that exited, per parent and name" :
				 "every exited process on its own row");
	return NEXT_REBUILD;
}

static enum ri_next a_kthreads(struct tui *v)
{
	v->hide_kthreads = !v->hide_kthreads;
	tui_message(v, "kernel threads %s", v->hide_kthreads ? "hidden" : "shown");
	return NEXT_REBUILD;
}

static enum ri_next a_follow(struct tui *v)
{
	const struct ri_row *r = ri_rows_selected(&v->rows);

	if (v->follow) {
		v->follow = false;
		tui_message(v, "no longer following %d", v->follow_pid);
		return NEXT_REDRAW;
	}
	if (!row_is_process(r) || r->p->exited) {
		tui_message(v, "select a live process to follow");
		return NEXT_REDRAW;
	}
	v->follow = true;
	v->follow_pid = r->p->pid;
	v->rows.pinned = true;
	tui_message(v, "following %d (F again, or moving, stops)", r->p->pid);
	return NEXT_REBUILD;
}

static enum ri_next renice(struct tui *v, int delta)
{
	proc_renice(v, ri_rows_selected(&v->rows), delta);
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
static enum ri_next a_sort_next(struct tui *v) { return set_sort(v, table_next_sort(v, v->sort, 1)); }
static enum ri_next a_sort_prev(struct tui *v) { return set_sort(v, table_next_sort(v, v->sort, -1)); }
static enum ri_next a_nice_minus(struct tui *v) { return renice(v, -1); }
static enum ri_next a_nice_plus(struct tui *v) { return renice(v, 1); }
static enum ri_next a_slower(struct tui *v) { return nudge_delay(v, 1); }
static enum ri_next a_faster(struct tui *v) { return nudge_delay(v, -1); }
static enum ri_next a_redraw(struct tui *v) { (void)v; return NEXT_FULL_REDRAW; }

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
	return prompt_search(v);
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
	{ "Moving", "Up Down", "move up / down (k is kill, as in htop)", a_up,
	  { KEY_UP } },
	{ NULL, NULL, NULL, a_down, { KEY_DOWN } },
	{ NULL, "PgUp PgDn", "one page up / down", a_pgup, { KEY_PPAGE } },
	{ NULL, NULL, NULL, a_pgdn, { KEY_NPAGE } },
	{ NULL, "Home g", "first row", a_home, { KEY_HOME, 'g' } },
	{ NULL, "End G", "last row", a_end, { KEY_END, 'G' } },
	{ NULL, "F", "follow the process: the cursor stays on it", a_follow, { 'F' } },
	{ "Threads, folds, groups", "Enter",
	  "expand / collapse a process's threads, a fold's or a cgroup's processes",
	  a_toggle,
	  { '\n', '\r', KEY_ENTER } },
	{ NULL, "Right +", "expand (htop, tmux habit)", a_expand,
	  { KEY_RIGHT, '+', '=' } },
	{ NULL, "Left -", "collapse; on a thread or member, what it is under",
	  a_collapse, { KEY_LEFT, '-' } },
	{ NULL, "H", "show the threads of every process", a_threads, { 'H' } },
	{ NULL, "f", "fold processes that exited per parent and name, or not",
	  a_fold, { 'f' } },
	{ "Views", "t F5", "tree by parent (t again: the list)", a_tree,
	  { 't', KEY_F(5) } },
	{ NULL, "c", "group by cgroup (c again: the list)", a_cgroups, { 'c' } },
	{ NULL, "u", "only one user's processes (a list to choose from)",
	  menu_open_users, { 'u' } },
	{ NULL, "K", "hide / show kernel threads", a_kthreads, { 'K' } },
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
	{ NULL, "F6", "sort by: a list of the columns", menu_open_sort,
	  { KEY_F(6) } },
	{ NULL, "> .", "next sort column", a_sort_next, { '>', '.' } },
	{ NULL, "< ,", "previous sort column", a_sort_prev, { '<', ',' } },
	{ NULL, "I r", "invert the sort order", a_invert, { 'I', 'r' } },
	{ "Finding", "/", "search by name or PID as you type", prompt_search, { '/' } },
	{ NULL, "n F3", "find the next match", a_next, { 'n', KEY_F(3) } },
	{ NULL, "\\ F4", "filter rows by name or PID; Esc clears", prompt_filter,
	  { '\\', KEY_F(4) } },
	{ "Acting on the selected process (with the tool's user's rights)",
	  "k F9", "send a signal (a list, SIGTERM first)", menu_open_signals,
	  { 'k', KEY_F(9) } },
	{ NULL, "F7 F8", "nice - / nice + (lower needs CAP_SYS_NICE)",
	  a_nice_minus, { KEY_F(7) } },
	{ NULL, NULL, NULL, a_nice_plus, { KEY_F(8) } },
	{ "Display", "s", "sparkline metric: CPU%, MEM, READ/s, WRITE/s",
	  a_spark, { 's' } },
	{ NULL, "C", "next colour theme (was t)", next_theme, { 'C' } },
	{ NULL, "F2 S", "setup: columns, meters, sparklines, theme", setup_open,
	  { KEY_F(2), 'S' } },
	{ NULL, "d", "set the refresh delay (seconds)", prompt_delay, { 'd' } },
	{ NULL, "] [", "refresh slower / faster (+ - expand, as in htop)",
	  a_slower, { ']' } },
	{ NULL, NULL, NULL, a_faster, { '[' } },
	{ NULL, "Z", "pause / resume refreshing", a_pause, { 'Z' } },
	{ NULL, "Ctrl-L", "redraw the screen", a_redraw, { CTRL('l') } },
	{ "Alerts", "!", "alert log: what is pending and firing, every transition",
	  alerts_log_open, { '!' } },
	{ "Leaving", "q F10 Ctrl-C", "quit", a_quit,
	  { 'q', KEY_F(10), CTRL('c') } },
	{ NULL, "F1 h ?", "this help", help_open, { KEY_F(1), 'h', '?' } },
};

const struct action *keys_actions(size_t *n)
{
	*n = sizeof(actions) / sizeof(actions[0]);
	return actions;
}
