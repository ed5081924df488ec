// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mouse (-M leaves it to the terminal): reading its events, and what
 * they do on the main view. A click selects the row under it and a click
 * on the selected row opens or closes it (htop's re-click), a click on a
 * column title sorts by that column and a second one inverts, the wheel
 * scrolls, a click on the function bar presses that entry's key. Clicks
 * are mapped through where the main view says it drew what (struct
 * table_geom, the function bar's entries). An overlay takes its own
 * clicks and wheel (a menu chooses, the picker marks, setup toggles):
 * screen.c routes each event to one or the other.
 */
#include <curses.h>

#include "view.h"

void mouse_init(struct tui *v)
{
	v->mouse = !v->opts->no_mouse &&
		   mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED |
				     BUTTON5_PRESSED,
			     NULL) != 0;
	/* Presses as they come: no waiting to tell a click from a drag. */
	if (v->mouse)
		mouseinterval(0);
}

static enum ri_next title_click(struct tui *v, int x)
{
	int i;

	for (i = 0; i < v->geom.ncols; i++) {
		enum ri_sort_key k;

		if (x < v->geom.x[i] || x >= v->geom.x[i] + v->geom.w[i])
			continue;
		k = table_column_sort(v->geom.id[i]);
		if (k == RI_SORT_COUNT)
			return NEXT_NONE;
		if (k == v->sort)
			v->reverse = !v->reverse;
		else
			v->sort = k;
		tui_message(v, "sorted by %s%s", ri_sort_name(v->sort),
			    v->reverse ? " (inverted)" : "");
		return NEXT_REBUILD;
	}
	return NEXT_NONE;
}

/* A click on the selected row presses Enter (its key, wherever it is bound). */
static enum ri_next row_click(struct tui *v, int y, int *press)
{
	size_t i = v->top + (size_t)(y - v->geom.first_y);

	if (y < v->geom.first_y || y >= v->geom.first_y + v->geom.nrows ||
	    i >= v->rows.n)
		return NEXT_NONE;
	v->follow = false;
	if (i == v->rows.sel && v->rows.pinned) {
		*press = '\n';
		return NEXT_NONE;
	}
	ri_rows_pick(&v->rows, i);
	return NEXT_REDRAW;
}

enum ri_next mouse_view_wheel(struct tui *v, int dir)
{
	v->follow = false;
	ri_rows_move(&v->rows, dir * WHEEL_ROWS);
	return NEXT_REDRAW;
}

enum ri_next mouse_view_click(struct tui *v, int y, int x, int *press)
{
	int i;

	*press = 0;
	if (y == v->fbar_y) {
		for (i = 0; i < v->nfbar; i++)
			if (x >= v->fbar[i].x0 && x < v->fbar[i].x1) {
				*press = v->fbar[i].key;
				break;
			}
		return NEXT_NONE;
	}
	if (y == v->geom.title_y && v->geom.ncols)
		return title_click(v, x);
	return row_click(v, y, press);
}

bool mouse_read(struct mouse_ev *ev)
{
	MEVENT me;

	if (getmouse(&me) != OK)
		return false;
	ev->y = me.y;
	ev->x = me.x;
	if (me.bstate & BUTTON4_PRESSED)
		ev->wheel = -1;
	else if (me.bstate & BUTTON5_PRESSED)
		ev->wheel = 1;
	else if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		ev->wheel = 0;
	else
		return false;
	return true;
}
