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
};

/* Moves the selection to the next row matching the search from @from. */
static void search_from(struct tui *v, size_t from)
{
	size_t i, n = v->nrows;

	if (!v->search[0] || !n)
		return;
	for (i = 0; i < n; i++) {
		size_t r = (from + i) % n;

		if (rows_match(&v->rows[r], v->search)) {
			rows_pick(v, r);
			return;
		}
	}
	tui_message(v, "no match for '%s'", v->search);
}

void search_next(struct tui *v)
{
	search_from(v, v->sel + 1);
}

void prompt_start(struct tui *v, enum prompt_kind k)
{
	v->prompt = k;
	v->input[0] = '\0';
	if (k == PROMPT_FILTER)
		snprintf(v->input, sizeof(v->input), "%s", v->filter);
}

/* Live effect of the text typed so far. */
static void prompt_changed(struct tui *v)
{
	if (v->prompt == PROMPT_SEARCH) {
		snprintf(v->search, sizeof(v->search), "%s", v->input);
		search_from(v, v->sel);
	} else if (v->prompt == PROMPT_FILTER) {
		snprintf(v->filter, sizeof(v->filter), "%s", v->input);
		rows_rebuild(v);
	}
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
	v->prompt = PROMPT_NONE;
}

void prompt_key(struct tui *v, int ch)
{
	size_t n = strlen(v->input);

	switch (ch) {
	case 27: /* Esc: cancel; a filter is cleared */
		if (v->prompt == PROMPT_FILTER) {
			v->input[0] = '\0';
			prompt_changed(v);
		}
		v->prompt = PROMPT_NONE;
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		prompt_done(v);
		return;
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
			return;
		v->input[n] = (char)ch;
		v->input[n + 1] = '\0';
	}
	prompt_changed(v);
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
