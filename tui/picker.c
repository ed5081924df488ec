// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The picker (p): a full-screen list of every process (as the monitor
 * lists them when it opens) with an incremental filter on name, PID or
 * command line. Space marks, Enter applies the marked set as the choice,
 * Esc cancels; a click marks, the wheel moves. An overlay, full screen. Processes already chosen (by PID, or by a
 * name given with -c) start marked. Marks stop at what the kernel filter
 * can hold.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "view.h"

void picker_free(struct picker *pk)
{
	size_t i;

	for (i = 0; i < pk->nitems; i++)
		free(pk->items[i].cmdline);
	free(pk->items);
	free(pk->shown);
	memset(pk, 0, sizeof(*pk));
}

/* Marked first (what is chosen stays in view), then busiest, then PID. */
static int by_cpu_then_pid(const void *a, const void *b)
{
	const struct pick_item *x = a, *y = b;

	if (x->marked != y->marked)
		return x->marked ? -1 : 1;
	if (x->cpu_pct != y->cpu_pct)
		return x->cpu_pct < y->cpu_pct ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static bool item_matches(const struct pick_item *it, const char *f)
{
	char pid[16];

	if (!f[0])
		return true;
	snprintf(pid, sizeof(pid), "%d", it->pid);
	return !strncmp(pid, f, strlen(f)) || strcasestr(it->comm, f) ||
	       strcasestr(it->cmdline, f);
}

static void refilter(struct picker *pk)
{
	size_t i;

	pk->nshown = 0;
	for (i = 0; i < pk->nitems; i++)
		if (item_matches(&pk->items[i], pk->filter))
			pk->shown[pk->nshown++] = i;
	pk->sel = 0;
	pk->top = 0;
}

/* Takes the entries of @l (their command lines move to the items). */
static int items_from(struct picker *pk, struct ri_proc_list *l)
{
	size_t i;

	pk->items = calloc(l->n ? l->n : 1, sizeof(*pk->items));
	if (!pk->items)
		return -1;
	for (i = 0; i < l->n; i++) {
		struct pick_item *it = &pk->items[i];

		it->pid = l->v[i].pid;
		it->uid = l->v[i].uid;
		memcpy(it->comm, l->v[i].comm, RI_COMM_LEN);
		it->cmdline = l->v[i].cmdline;
		it->cpu_pct = -1;
		l->v[i].cmdline = NULL;
	}
	pk->nitems = l->n;
	return 0;
}

static const struct overlay picker_overlay;

enum ri_next picker_open(struct tui *v)
{
	struct picker *pk = &v->pk;
	const struct ri_model *m = v->m;
	struct ri_proc_list l;
	size_t i;

	picker_free(pk);
	if (ri_monitor_proc_list(v->mon, &l) < 0 || !l.n || items_from(pk, &l)) {
		ri_proc_list_free(&l);
		picker_free(pk);
		tui_message(v, "cannot list the processes");
		return NEXT_REDRAW;
	}
	ri_proc_list_free(&l);
	for (i = 0; i < pk->nitems; i++) {
		struct pick_item *it = &pk->items[i];
		const struct ri_proc *p = ri_model_find_proc(m, it->pid);

		/*
		 * The busiest known processes first: they are the usual
		 * suspects. Unchosen ones are not measured under a choice.
		 */
		if (p && !p->exited && (p->chosen || !ri_model_has_choice(m)))
			it->cpu_pct = p->fig.cpu_pct;
		it->marked = ri_model_has_choice(m) &&
			     (ri_model_pid_chosen(m, it->pid) ||
			      ri_model_name_chosen(m, it->comm));
	}
	qsort(pk->items, pk->nitems, sizeof(*pk->items), by_cpu_then_pid);
	pk->shown = calloc(pk->nitems, sizeof(*pk->shown));
	if (!pk->shown) {
		picker_free(pk);
		return NEXT_REDRAW;
	}
	refilter(pk);
	overlay_push(v, &picker_overlay);
	return NEXT_REDRAW;
}

static size_t marked_count(const struct picker *pk)
{
	size_t i, n = 0;

	for (i = 0; i < pk->nitems; i++)
		n += pk->items[i].marked;
	return n;
}

static void close_picker(struct tui *v)
{
	picker_free(&v->pk);
	overlay_pop(v, &picker_overlay);
}

/*
 * Applies the marks. A name chosen with -c stays chosen (and keeps taking
 * new processes of that name) unless every process of it was unmarked.
 */
static enum ri_next apply(struct tui *v)
{
	struct picker *pk = &v->pk;
	const struct ri_model *m = v->m;
	static char names[RI_MAX_CHOSEN_NAMES][RI_COMM_LEN];
	pid_t *pids = calloc(pk->nitems + 1, sizeof(pid_t));
	size_t np = 0, nn = 0, i, j;
	enum ri_next next;

	if (!pids)
		return NEXT_REDRAW;
	for (i = 0; i < pk->nitems && np < RI_MAX_CHOSEN_PIDS; i++)
		if (pk->items[i].marked)
			pids[np++] = pk->items[i].pid;
	for (i = 0; i < m->nchoice_names && nn < RI_MAX_CHOSEN_NAMES; i++) {
		bool seen = false, kept = false;

		for (j = 0; j < pk->nitems; j++) {
			if (strncmp(pk->items[j].comm, m->choice_names[i],
				    RI_COMM_LEN))
				continue;
			seen = true;
			kept |= pk->items[j].marked;
		}
		if (kept || !seen)
			memcpy(names[nn++], m->choice_names[i], RI_COMM_LEN);
	}
	if (np || nn)
		tui_message(v, "showing %zu chosen process%s; a returns to all",
			    np, np == 1 ? "" : "es");
	else
		tui_message(v, "showing all processes");
	next = tui_apply_choice(v, pids, np, (const char(*)[RI_COMM_LEN])names, nn);
	free(pids);
	close_picker(v);
	return next;
}

static void move_sel(struct picker *pk, long d)
{
	long s = (long)pk->sel + d;

	if (s >= (long)pk->nshown)
		s = (long)pk->nshown - 1;
	if (s < 0)
		s = 0;
	pk->sel = (size_t)s;
}

/* Space: mark or unmark, within what the kernel filter can hold. */
static void toggle_mark(struct tui *v)
{
	struct picker *pk = &v->pk;
	struct pick_item *it;

	if (!pk->nshown)
		return;
	it = &pk->items[pk->shown[pk->sel]];
	if (!it->marked && marked_count(pk) >= RI_MAX_CHOSEN_PIDS) {
		tui_message(v, "at most %d processes can be chosen (the kernel "
			       "filter's size)", RI_MAX_CHOSEN_PIDS);
		return;
	}
	it->marked = !it->marked;
	move_sel(pk, 1);
}

static enum ri_next picker_key(struct tui *v, int ch)
{
	struct picker *pk = &v->pk;
	size_t n = strlen(pk->filter);
	long page = LINES > 6 ? LINES - 5 : 1;

	switch (ch) {
	case 27: close_picker(v); return NEXT_REDRAW;
	case '\n': case '\r': case KEY_ENTER: return apply(v);
	case KEY_UP: move_sel(pk, -1); return NEXT_REDRAW;
	case KEY_DOWN: move_sel(pk, 1); return NEXT_REDRAW;
	case KEY_PPAGE: move_sel(pk, -page); return NEXT_REDRAW;
	case KEY_NPAGE: move_sel(pk, page); return NEXT_REDRAW;
	case KEY_HOME: pk->sel = 0; return NEXT_REDRAW;
	case KEY_END: move_sel(pk, (long)pk->nshown); return NEXT_REDRAW;
	case ' ':
		toggle_mark(v);
		return NEXT_REDRAW;
	case KEY_BACKSPACE: case 127: case 8:
		if (n)
			pk->filter[n - 1] = '\0';
		break;
	case 21: /* Ctrl-U */
		pk->filter[0] = '\0';
		break;
	default:
		if (ch < 33 || ch > 126 || n + 1 >= sizeof(pk->filter))
			return NEXT_NONE;
		pk->filter[n] = (char)ch;
		pk->filter[n + 1] = '\0';
	}
	refilter(pk);
	return NEXT_REDRAW;
}

/* A click on a process marks it. */
static enum ri_next picker_click(struct tui *v, int y, int x)
{
	struct picker *pk = &v->pk;
	size_t i = pk->top + (size_t)(y - 3);

	(void)x;
	if (y < 3 || y >= LINES - 1 || i >= pk->nshown)
		return NEXT_NONE;
	pk->sel = i;
	toggle_mark(v);
	pk->sel = i; /* the mark moved the cursor on; a click stays */
	return NEXT_REDRAW;
}

static enum ri_next picker_wheel(struct tui *v, int dir)
{
	overlay_wheel_keys(v, picker_key, dir, WHEEL_ROWS);
	return NEXT_REDRAW;
}

static void draw_item(struct tui *v, const struct pick_item *it, int y,
		      bool sel)
{
	char line[1024], cpu[16] = "";
	int a = v->attr[R_NORMAL];

	if (sel)
		a = v->attr[R_SELECTION];
	else if (it->marked)
		a = v->attr[R_PICKED] | (int)A_BOLD;

	if (it->cpu_pct >= 0)
		snprintf(cpu, sizeof(cpu), "%.1f", it->cpu_pct);
	snprintf(line, sizeof(line), " %s %7d %-8.8s %6s  %-15s %s",
		 it->marked ? (v->utf8 ? "●" : "*") : " ", it->pid,
		 user_name(it->uid), cpu, it->comm, it->cmdline);
	put_str(y, 0, COLS, line, a, false);
}

static void picker_draw(struct tui *v)
{
	struct picker *pk = &v->pk;
	int rows = LINES - 4, i;
	size_t marked = marked_count(pk);
	char head[160];

	snprintf(head, sizeof(head),
		 "Pick processes: %zu shown, %zu marked   type to filter, "
		 "Space mark, Enter apply, Esc cancel",
		 pk->nshown, marked);
	put_str(0, 0, COLS, head, v->attr[R_HEADER] | A_BOLD, false);
	move(1, 0);
	attrset(A_BOLD);
	addstr("Filter: ");
	attrset(A_NORMAL);
	addnstr(pk->filter, COLS - 10);
	attrset(A_REVERSE);
	addch(' ');
	/* Same format as draw_item, so the titles sit over their columns. */
	snprintf(head, sizeof(head), " %s %7s %-8s %6s  %-15s %s", " ", "PID",
		 "USER", "CPU%", "COMM", "COMMAND");
	put_str(2, 0, COLS, head, v->attr[R_TITLE], false);
	if (pk->sel < pk->top)
		pk->top = pk->sel;
	if (rows > 0 && pk->sel >= pk->top + (size_t)rows)
		pk->top = pk->sel - (size_t)rows + 1;
	for (i = 0; i < rows && pk->top + (size_t)i < pk->nshown; i++) {
		size_t idx = pk->top + (size_t)i;

		draw_item(v, &pk->items[pk->shown[idx]], 3 + i, idx == pk->sel);
	}
	if (!pk->nshown)
		mvaddstr(3, 2, "no process matches");
}

static const struct overlay picker_overlay = {
	.name = "picker",
	.flags = OVERLAY_FULL,
	.draw = picker_draw,
	.key = picker_key,
	.click = picker_click,
	.wheel = picker_wheel,
};
