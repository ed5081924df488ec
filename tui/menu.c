// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Popup lists over the table, as htop opens them: the signals k sends
 * (SIGTERM first), the users u filters by (those with processes now,
 * busiest first, "all users" on top), the columns F6 sorts by. Up/Down,
 * Home/End, Enter chooses, Esc cancels; a click chooses too (elsewhere:
 * cancels), the wheel moves. A number typed in the signal list jumps to
 * that signal, as in htop. An overlay over the main view.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "view.h"

static void add(struct menu *mu, const char *label, long value)
{
	if (mu->n >= MENU_MAX)
		return;
	snprintf(mu->label[mu->n], sizeof(mu->label[0]), "%s", label);
	mu->value[mu->n++] = value;
}

static const struct overlay menu_overlay;

/* Empties the menu of @v and opens it as @k. */
static void reset(struct tui *v, enum menu_kind k)
{
	memset(&v->menu, 0, sizeof(v->menu));
	v->menu.kind = k;
	overlay_push(v, &menu_overlay);
}

static void close_menu(struct tui *v)
{
	v->menu.kind = MENU_NONE;
	overlay_pop(v, &menu_overlay);
}

enum ri_next menu_open_signals(struct tui *v)
{
	const struct ri_row *r = ri_rows_selected(&v->rows);
	struct menu *mu = &v->menu;
	const struct proc_sig *sigs;
	char b[40], name[64];
	size_t i, n;

	if (!row_is_process(r)) {
		tui_message(v, "select a process to send a signal to");
		return NEXT_REDRAW;
	}
	if (r->p->exited) {
		tui_message(v, "%d has exited: nothing to signal", r->p->pid);
		return NEXT_REDRAW;
	}
	reset(v, MENU_SIGNAL);
	mu->pid = r->p->pid;
	mu->start_ns = r->p->start_ns;
	memcpy(mu->comm, r->p->comm, RI_COMM_LEN);
	ri_printable(name, sizeof(name), r->p->comm, RI_COMM_LEN);
	snprintf(mu->title, sizeof(mu->title), "Send signal to %d %s:", mu->pid, name);
	sigs = proc_signals(&n);
	for (i = 0; i < n; i++) {
		snprintf(b, sizeof(b), "%2d %s", sigs[i].sig, sigs[i].name);
		add(mu, b, sigs[i].sig);
	}
	return NEXT_REDRAW;
}

struct user_count {
	uid_t uid;
	size_t n;
	double cpu;
};

static int by_cpu(const void *a, const void *b)
{
	const struct user_count *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? 1 : -1;
	return (x->uid > y->uid) - (x->uid < y->uid);
}

enum ri_next menu_open_users(struct tui *v)
{
	struct user_count u[MENU_MAX];
	struct menu *mu = &v->menu;
	size_t i, nu = 0, k;
	char b[40];

	for (i = 0; i < v->m->nprocs; i++) {
		const struct ri_proc *p = v->m->procs[i];

		for (k = 0; k < nu && u[k].uid != p->uid; k++)
			;
		if (k == nu) {
			if (nu == MENU_MAX - 1)
				continue;
			u[nu].uid = p->uid;
			u[nu].n = 0;
			u[nu++].cpu = 0;
		}
		u[k].n++;
		u[k].cpu += p->fig.cpu_pct;
	}
	qsort(u, nu, sizeof(u[0]), by_cpu);
	reset(v, MENU_USER);
	snprintf(mu->title, sizeof(mu->title), "Show the processes of:");
	add(mu, "all users", -1);
	for (i = 0; i < nu; i++) {
		snprintf(b, sizeof(b), "%-12.12s %5zu proc", user_name(u[i].uid), u[i].n);
		add(mu, b, (long)u[i].uid);
		if (v->by_user && u[i].uid == v->user)
			mu->sel = (int)i + 1;
	}
	return NEXT_REDRAW;
}

enum ri_next menu_open_sort(struct tui *v)
{
	struct menu *mu = &v->menu;
	int i, j;

	reset(v, MENU_SORT);
	snprintf(mu->title, sizeof(mu->title), "Sort by:");
	for (i = 0; i < table_ncolumns(); i++) {
		enum ri_sort_key k = table_column_sort(i);

		if (k == RI_SORT_COUNT)
			continue;
		for (j = 0; j < mu->n && mu->value[j] != (long)k; j++)
			;
		if (j < mu->n)
			continue;
		if (k == v->sort)
			mu->sel = mu->n;
		add(mu, table_column_name(i), (long)k);
	}
	if (v->sort == RI_SORT_IO)
		mu->sel = mu->n;
	add(mu, "I/O (read + write)", RI_SORT_IO);
	return NEXT_REDRAW;
}

static enum ri_next choose(struct tui *v)
{
	struct menu *mu = &v->menu;
	long val = mu->n ? mu->value[mu->sel] : 0;
	enum menu_kind k = mu->kind;

	close_menu(v);
	switch (k) {
	case MENU_SIGNAL:
		proc_signal(v, mu->pid, mu->start_ns, mu->comm, (int)val);
		return NEXT_REDRAW;
	case MENU_USER:
		v->by_user = val >= 0;
		v->user = val >= 0 ? (uid_t)val : 0;
		if (v->by_user)
			tui_message(v, "showing the processes of %s (u: all users)",
				    user_name(v->user));
		else
			tui_message(v, "showing every user's processes");
		return NEXT_REBUILD;
	case MENU_SORT:
		v->sort = (enum ri_sort_key)val;
		tui_message(v, "sorted by %s%s", ri_sort_name(v->sort),
			    v->reverse ? " (inverted)" : "");
		return NEXT_REBUILD;
	case MENU_NONE:
		break;
	}
	return NEXT_REDRAW;
}

static void move_sel(struct menu *mu, int d)
{
	mu->sel += d;
	if (mu->sel >= mu->n)
		mu->sel = mu->n - 1;
	if (mu->sel < 0)
		mu->sel = 0;
}

static enum ri_next menu_key(struct tui *v, int ch)
{
	struct menu *mu = &v->menu;
	int i, rows = mu->rows > 0 ? mu->rows : 1;

	switch (ch) {
	case 27:
	case 'q':
		close_menu(v);
		return NEXT_REDRAW;
	case '\n': case '\r': case KEY_ENTER:
		return choose(v);
	case KEY_UP: move_sel(mu, -1); return NEXT_REDRAW;
	case KEY_DOWN: move_sel(mu, 1); return NEXT_REDRAW;
	case KEY_PPAGE: move_sel(mu, -rows); return NEXT_REDRAW;
	case KEY_NPAGE: move_sel(mu, rows); return NEXT_REDRAW;
	case KEY_HOME: mu->sel = 0; return NEXT_REDRAW;
	case KEY_END: mu->sel = mu->n - 1; return NEXT_REDRAW;
	}
	/* htop: a signal's number jumps to it ("1" "5": SIGTERM). */
	if (mu->kind == MENU_SIGNAL && ch >= '0' && ch <= '9') {
		int want = mu->typed * 10 + (ch - '0'), pass;

		for (pass = 0; pass < 2; pass++, want = ch - '0')
			for (i = 0; i < mu->n; i++)
				if (mu->value[i] == want) {
					mu->sel = i;
					mu->typed = want < 10 ? want : 0;
					return NEXT_REDRAW;
				}
		mu->typed = 0;
		return NEXT_REDRAW;
	}
	return NEXT_NONE;
}

static void menu_draw(struct tui *v)
{
	struct menu *mu = &v->menu;
	int w = (int)strlen(mu->title) + 4, h, i, y0, x0;

	for (i = 0; i < mu->n; i++)
		if ((int)strlen(mu->label[i]) + 6 > w)
			w = (int)strlen(mu->label[i]) + 6;
	if (w > COLS - 2)
		w = COLS - 2;
	/* Over the table, under the header: the meters stay in view. */
	y0 = v->geom.title_y > 0 && v->geom.title_y < LINES - 6 ? v->geom.title_y : 1;
	x0 = 2;
	h = mu->n + 3;
	if (h > LINES - 1 - y0)
		h = LINES - 1 - y0;
	mu->rows = h - 3;
	if (mu->rows < 1)
		return;
	if (mu->sel < mu->top)
		mu->top = mu->sel;
	if (mu->sel >= mu->top + mu->rows)
		mu->top = mu->sel - mu->rows + 1;
	put_str(y0, x0, w, mu->title, v->attr[R_TITLE] | A_BOLD, false);
	put_str(y0 + h - 1, x0, w, " Enter: choose  Esc: cancel", v->attr[R_TITLE],
		false);
	for (i = 0; i < mu->rows; i++) {
		int k = mu->top + i;
		char line[64];

		snprintf(line, sizeof(line), "  %s", k < mu->n ? mu->label[k] : "");
		put_str(y0 + 1 + i, x0, w, line,
			k == mu->sel ? v->attr[R_SELECTION] : v->attr[R_NORMAL], false);
	}
	put_str(y0 + 1 + mu->rows, x0, w, "", v->attr[R_NORMAL], false);
	mu->y0 = y0 + 1;
	mu->x0 = x0;
	mu->w = w;
}

/* A click on an entry chooses it; elsewhere, cancels. */
static enum ri_next menu_click(struct tui *v, int y, int x)
{
	struct menu *mu = &v->menu;
	int k = mu->top + (y - mu->y0);

	if (x < mu->x0 || x >= mu->x0 + mu->w || y < mu->y0 || y >= mu->y0 + mu->rows ||
	    k >= mu->n) {
		close_menu(v);
		return NEXT_REDRAW;
	}
	mu->sel = k;
	return menu_key(v, '\n');
}

static enum ri_next menu_wheel(struct tui *v, int dir)
{
	return menu_key(v, dir < 0 ? KEY_UP : KEY_DOWN);
}

/* Over the main view, which stays drawn under it. */
static const struct overlay menu_overlay = {
	.name = "menu",
	.draw = menu_draw,
	.key = menu_key,
	.click = menu_click,
	.wheel = menu_wheel,
};
