// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The one-line prompt in the footer, an overlay: search (/), filter (\ or
 * F4), the refresh delay (d), and whatever else asks through a struct
 * prompt_def (a replay's jump). It eats every key until Enter or Esc,
 * like htop's; search and filter apply as you type.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

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

static void prompt_draw(struct tui *v);
static enum ri_next prompt_key(struct tui *v, int ch);

/* Clicks do nothing while it asks; the wheel still moves the table. */
static enum ri_next ignore_click(struct tui *v, int y, int x)
{
	(void)v, (void)y, (void)x;
	return NEXT_NONE;
}

static const struct overlay prompt_overlay = {
	.name = "prompt",
	.flags = OVERLAY_WHEEL_BELOW,
	.draw = prompt_draw,
	.key = prompt_key,
	.click = ignore_click,
};

enum ri_next prompt_open(struct tui *v, const struct prompt_def *d,
			 const char *text)
{
	v->prompt = d;
	snprintf(v->input, sizeof(v->input), "%s", text ? text : "");
	overlay_push(v, &prompt_overlay);
	return NEXT_REDRAW;
}

static enum ri_next search_changed(struct tui *v, const char *text)
{
	snprintf(v->search, sizeof(v->search), "%s", text);
	return search_from(v, v->rows.sel);
}

static enum ri_next filter_changed(struct tui *v, const char *text)
{
	snprintf(v->filter, sizeof(v->filter), "%s", text);
	return NEXT_REBUILD;
}

/* Esc in a filter clears it. */
static enum ri_next filter_cancel(struct tui *v)
{
	return filter_changed(v, "");
}

static enum ri_next delay_done(struct tui *v, const char *text)
{
	char *end;
	double d;

	if (!text[0])
		return NEXT_NONE;
	d = strtod(text, &end);
	if (*end || !(d >= 0.1 && d <= 3600))
		tui_message(v, "delay must be 0.1 to 3600 seconds");
	else
		tui_set_delay(v, d);
	return NEXT_REDRAW;
}

static const struct prompt_def search_def = {
	.label = "Search: ", .changed = search_changed,
};
static const struct prompt_def filter_def = {
	.label = "Filter: ", .changed = filter_changed, .cancel = filter_cancel,
};
static const struct prompt_def delay_def = {
	.label = "Delay (seconds): ", .done = delay_done,
};

enum ri_next prompt_search(struct tui *v)
{
	return prompt_open(v, &search_def, NULL);
}

enum ri_next prompt_filter(struct tui *v)
{
	return prompt_open(v, &filter_def, v->filter);
}

enum ri_next prompt_delay(struct tui *v)
{
	return prompt_open(v, &delay_def, NULL);
}

static void prompt_close(struct tui *v)
{
	overlay_pop(v, &prompt_overlay);
	v->prompt = NULL;
}

static enum ri_next prompt_key(struct tui *v, int ch)
{
	const struct prompt_def *d = v->prompt;
	enum ri_next next = NEXT_REDRAW;
	size_t n = strlen(v->input);

	switch (ch) {
	case 27: /* Esc: cancel (a filter is cleared) */
		prompt_close(v);
		if (d->cancel)
			next |= d->cancel(v);
		return next;
	case '\n':
	case '\r':
	case KEY_ENTER:
		prompt_close(v);
		if (d->done)
			next |= d->done(v, v->input);
		return next | NEXT_REBUILD;
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
	/* The live effect of the text typed so far. */
	return d->changed ? d->changed(v, v->input) : NEXT_REDRAW;
}

/* Over the footer line. */
static void prompt_draw(struct tui *v)
{
	const char *label = v->prompt ? v->prompt->label : "";
	int y = LINES - 1;

	move(y, 0);
	clrtoeol();
	attrset(A_BOLD);
	addstr(label);
	attrset(A_NORMAL);
	addnstr(v->input, COLS - (int)strlen(label) - 1);
	attrset(A_REVERSE);
	addch(' ');
	attrset(A_NORMAL);
}
