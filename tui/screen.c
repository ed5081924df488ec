// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The screen: the main view (header, table, detail panels, footer) under
 * a stack of overlays (help, alert log, setup, picker, menus, prompts),
 * drawn from the top full-screen one up, and the one place where input is
 * routed, as htop's ScreenManager does: a key, a click or a wheel turn
 * goes to the overlay on top when one is open, else to the main view. An
 * overlay's NULL handler ignores what it gets: nothing reaches a table it
 * hides. The main view's keys are tables (a replay's, then keys.c's),
 * looked up here; a click on it may press a key (the function bar's
 * entries, the selected row's re-click), which goes the same way.
 */
#include <curses.h>

#include "view.h"

void screen_init(struct tui *v, const struct view_mode *mode)
{
	v->mode = mode;
	v->nkeymaps = 0;
	if (mode && mode->nactions) {
		v->keymap[v->nkeymaps].a = mode->actions;
		v->keymap[v->nkeymaps++].n = mode->nactions;
		if (mode->nmore) {
			v->keymap[v->nkeymaps].a = mode->more;
			v->keymap[v->nkeymaps++].n = mode->nmore;
		}
	}
	v->keymap[v->nkeymaps].a = keys_actions(&v->keymap[v->nkeymaps].n);
	v->nkeymaps++;
}

/*
 * With a choice, the table shrinks to its rows and the detail panels of
 * the chosen processes fill the rest of the screen.
 */
static void draw_main(struct tui *v)
{
	int y = header_draw(v), avail = LINES - 1 - y, th, dh;

	const struct ri_row *sel;

	if (!ri_model_has_choice(v->m)) {
		table_draw(v, y, avail);
		return;
	}
	dh = detail_height(v);
	th = (int)v->rows.n + 2; /* title, rows, a blank line */
	if (th > avail - dh)
		th = avail - dh;
	if (th < 4)
		th = 4 < avail ? 4 : avail;
	table_draw(v, y, th - 1);
	/* The selected process's panel first; a fold's or a group's: its first. */
	sel = ri_rows_selected(&v->rows);
	if (sel && sel->p)
		detail_draw(v, sel->p, y + th, avail - th);
}

void screen_draw(struct tui *v, bool full)
{
	int i;

	if (full)
		clearok(curscr, TRUE);
	erase();
	if (COLS < 40 || LINES < 10) {
		mvprintw(LINES / 2, 0, "%.*s", COLS,
			 "terminal too small (need 40x10)");
		refresh();
		return;
	}
	/* Nothing to click but what is drawn now. */
	v->nfbar = 0;
	v->geom.ncols = v->geom.nrows = 0;
	v->fbar_y = -1;
	/* From the top full-screen overlay up; without one, the main view first. */
	for (i = v->nov; i > 0 && !(v->ov[i - 1]->flags & OVERLAY_FULL); i--)
		;
	if (i == 0) {
		draw_main(v);
		footer_draw(v);
	} else {
		i--;
	}
	for (; i < v->nov; i++)
		v->ov[i]->draw(v);
	refresh();
}

/* The main view's key: the first table that binds it; unknown keys are ignored, like iotop. */
static enum ri_next view_key(struct tui *v, int ch)
{
	int t;
	size_t i, k;

	for (t = 0; t < v->nkeymaps; t++)
		for (i = 0; i < v->keymap[t].n; i++) {
			const struct action *a = &v->keymap[t].a[i];

			for (k = 0; k < MAX_ACTION_KEYS && a->codes[k]; k++)
				if (a->codes[k] == ch)
					return a->fn(v);
		}
	return NEXT_NONE;
}

static const struct overlay *top(const struct tui *v)
{
	return v->nov ? v->ov[v->nov - 1] : NULL;
}

static enum ri_next route_key(struct tui *v, int ch)
{
	const struct overlay *o = top(v);

	if (o)
		return o->key ? o->key(v, ch) : NEXT_NONE;
	return view_key(v, ch);
}

static enum ri_next route_click(struct tui *v, int y, int x)
{
	const struct overlay *o = top(v);
	enum ri_next next;
	int press = 0;

	if (o)
		return o->click ? o->click(v, y, x) : NEXT_NONE;
	next = mouse_view_click(v, y, x, &press);
	if (press)
		next |= route_key(v, press);
	return next;
}

static enum ri_next route_wheel(struct tui *v, int dir)
{
	int i = v->nov;

	/* Past the overlays that hide no row (a prompt on the footer line). */
	while (i > 0 && (v->ov[i - 1]->flags & OVERLAY_WHEEL_BELOW))
		i--;
	if (i > 0)
		return v->ov[i - 1]->wheel ? v->ov[i - 1]->wheel(v, dir) : NEXT_NONE;
	return mouse_view_wheel(v, dir);
}

enum ri_next screen_input(struct tui *v, int ch)
{
	struct mouse_ev ev;

	if (ch != KEY_MOUSE)
		return route_key(v, ch);
	if (!mouse_read(&ev))
		return NEXT_NONE;
	if (ev.wheel)
		return route_wheel(v, ev.wheel);
	return route_click(v, ev.y, ev.x);
}
