// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The one-line prompt in the footer for search (/), filter (\ or F4) and
 * the refresh delay (d). It eats every key until Enter or Esc, like
 * htop's; search and filter apply as you type.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

static const char *const labels[] = {
	[PROMPT_SEARCH] = "Search: ",
	[PROMPT_FILTER] = "Filter: ",
	[PROMPT_DELAY] = "Delay (seconds): ",
	[PROMPT_JUMP] = "Jump to (HH:MM[:SS], YYYY-MM-DD HH:MM, -10m, +1h): ",
};

/* Moves the selection to the next row matching the search from @from. */
static enum ri_next search_from(struct tui *v, size_t from)
{
	size_t i, n = v->rows.n;

	if (!v->search[0] || !n)
		return NEXT_REDRAW;
	for (i = 0; i < n; i++) {
		size_t r = (from + i) % n;

		if (ri_row_matches(&v->rows.v[r], v->search)) {
			ri_rows_pick(&v->rows, r);
			return NEXT_REDRAW;
		}
	}
	tui_message(v, "no match for '%s'", v->search);
	return NEXT_REDRAW;
}

enum ri_next search_next(struct tui *v)
{
	return search_from(v, v->rows.sel + 1);
}

enum ri_next prompt_start(struct tui *v, enum prompt_kind k)
{
	v->prompt = k;
	v->input[0] = '\0';
	if (k == PROMPT_FILTER)
		snprintf(v->input, sizeof(v->input), "%s", v->filter);
	return NEXT_REDRAW;
}

/* Live effect of the text typed so far. */
static enum ri_next prompt_changed(struct tui *v)
{
	if (v->prompt == PROMPT_SEARCH) {
		snprintf(v->search, sizeof(v->search), "%s", v->input);
		return search_from(v, v->rows.sel);
	}
	if (v->prompt == PROMPT_FILTER) {
		snprintf(v->filter, sizeof(v->filter), "%s", v->input);
		return NEXT_REBUILD;
	}
	return NEXT_REDRAW;
}

static void prompt_done(struct tui *v)
{
	char *end;
	double d;

	if (v->prompt == PROMPT_DELAY && v->input[0]) {
		d = strtod(v->input, &end);
		if (*end || !(d >= 0.1 && d <= 3600))
			tui_message(v, "delay must be 0.1 to 3600 seconds");
		else
			tui_set_delay(v, d);
	}
	if (v->prompt == PROMPT_JUMP) {
		v->prompt = PROMPT_NONE;
		replay_jump_to(v, v->input);
	}
	v->prompt = PROMPT_NONE;
}

enum ri_next prompt_key(struct tui *v, int ch)
{
	enum ri_next next = NEXT_REDRAW;
	size_t n = strlen(v->input);

	switch (ch) {
	case 27: /* Esc: cancel; a filter is cleared */
		if (v->prompt == PROMPT_FILTER) {
			v->input[0] = '\0';
			next = prompt_changed(v);
		}
		v->prompt = PROMPT_NONE;
		return next;
	case '\n':
	case '\r':
	case KEY_ENTER:
		prompt_done(v);
		return NEXT_REBUILD;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (n)
			v->input[n - 1] = '\0';
		break;
	case 21: /* Ctrl-U */
		v->input[0] = '\0';
		break;
	default:
		if (ch < 32 || ch > 126 || n + 1 >= sizeof(v->input))
			return NEXT_NONE;
		v->input[n] = (char)ch;
		v->input[n + 1] = '\0';
	}
	return prompt_changed(v);
}

void prompt_draw(struct tui *v, int y)
{
	move(y, 0);
	clrtoeol();
	attrset(A_BOLD);
	addstr(labels[v->prompt]);
	attrset(A_NORMAL);
	addnstr(v->input, COLS - (int)strlen(labels[v->prompt]) - 1);
	attrset(A_REVERSE);
	addch(' ');
	attrset(A_NORMAL);
}
