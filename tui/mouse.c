// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mouse (-M leaves it to the terminal): a click selects the row under
 * it and a click on the selected row opens or closes it (htop's
 * re-click), a click on a column title sorts by that column and a second
 * one inverts, the wheel scrolls, a click on the function bar presses
 * that entry's key, a click in a menu chooses, in the picker marks, in
 * setup toggles. Clicks are mapped through where each screen says it
 * drew what (struct table_geom, the function bar's entries, the menu's
 * and the picker's first line).
 */
#include <curses.h>

#include "view.h"

#define WHEEL_ROWS 3

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

static enum ri_next row_click(struct tui *v, int y)
{
	size_t i = v->top + (size_t)(y - v->geom.first_y);

	if (y < v->geom.first_y || y >= v->geom.first_y + v->geom.nrows ||
	    i >= v->rows.n)
		return NEXT_NONE;
	v->follow = false;
	if (i == v->rows.sel && v->rows.pinned)
		return keys_act(v, '\n');
	ri_rows_pick(&v->rows, i);
	return NEXT_REDRAW;
}

static enum ri_next wheel(struct tui *v, int dir)
{
	if (v->help) {
		v->help_top += dir * WHEEL_ROWS;
		if (v->help_top < 0)
			v->help_top = 0;
		return NEXT_REDRAW;
	}
	if (v->menu.kind != MENU_NONE)
		return menu_key(v, dir < 0 ? KEY_UP : KEY_DOWN);
	if (v->pk.open || v->setup.open) {
		int k;

		for (k = 0; k < WHEEL_ROWS; k++)
			keys_dispatch(v, dir < 0 ? KEY_UP : KEY_DOWN);
		return NEXT_REDRAW;
	}
	v->follow = false;
	ri_rows_move(&v->rows, dir * WHEEL_ROWS);
	return NEXT_REDRAW;
}

static enum ri_next click(struct tui *v, int y, int x)
{
	int i;

	if (v->help) {
		v->help = false;
		return NEXT_REDRAW;
	}
	if (v->setup.open)
		return setup_click(v, y, x) ? NEXT_REBUILD | NEXT_FULL_REDRAW : NEXT_NONE;
	if (v->menu.kind != MENU_NONE) {
		if (menu_click(v, y, x))
			return menu_key(v, '\n');
		v->menu.kind = MENU_NONE; /* a click elsewhere cancels */
		return NEXT_REDRAW;
	}
	if (v->pk.open)
		return picker_click(v, y, x) ? NEXT_REDRAW : NEXT_NONE;
	if (v->prompt != PROMPT_NONE)
		return NEXT_NONE;
	if (y == v->fbar_y) {
		for (i = 0; i < v->nfbar; i++)
			if (x >= v->fbar[i].x0 && x < v->fbar[i].x1)
				return keys_act(v, v->fbar[i].key);
		return NEXT_NONE;
	}
	if (y == v->geom.title_y && v->geom.ncols)
		return title_click(v, x);
	return row_click(v, y);
}

enum ri_next mouse_event(struct tui *v)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return NEXT_NONE;
	if (ev.bstate & BUTTON4_PRESSED)
		return wheel(v, -1);
	if (ev.bstate & BUTTON5_PRESSED)
		return wheel(v, 1);
	if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		return click(v, ev.y, ev.x);
	return NEXT_NONE;
}
