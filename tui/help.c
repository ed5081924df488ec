// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The help screen, an overlay: every key of the main view, drawn from the
 * binding tables the main view looks keys up in (a replay's, then
 * keys.c's) so it lists exactly what the keys do, plus the keys of the
 * picker, the menus, setup and the prompts. Scrolls when the terminal is
 * short; any other key, or a click, closes it.
 */
#include <curses.h>
#include <string.h>

#include "view.h"

/* Modal screens take their own keys; they are not in the main table. */
static const char *const extra[][2] = {
	{ NULL, "In the picker (p)" },
	{ "type", "filter by name, PID or command line" },
	{ "Up Down PgUp PgDn", "move" },
	{ "Space", "mark / unmark; chosen processes start marked" },
	{ "Enter", "apply (nothing marked: all processes)" },
	{ "Esc", "cancel" },
	{ NULL, "In a menu (k F9 signals, u users, F6 sort by)" },
	{ "Up Down Home End", "move" },
	{ "0-9", "signals: jump to that number" },
	{ "Enter Esc", "choose / cancel" },
	{ NULL, "In setup (F2 S)" },
	{ "Tab 1 2 3", "section: Columns, Meters, Display" },
	{ "Space Enter", "show / hide a column or meter; change a setting" },
	{ "F7 F8 - +", "move a shown column up / down" },
	{ "Left Right", "change a Display setting (else: section)" },
	{ "Esc q F2", "close (changes are already applied and saved)" },
	{ NULL, "In a prompt (/ \\ d)" },
	{ "Enter Esc", "accept / cancel (Esc clears a filter)" },
	{ "Backspace Ctrl-U", "delete a character / the line" },
};

#define NEXTRA ((int)(sizeof(extra) / sizeof(extra[0])))

/* Calls @fn for each help line in order; returns the number of lines. */
static int walk(struct tui *v, void (*fn)(struct tui *, int, const char *,
					   const char *))
{
	size_t i;
	int line = 0, k, t;

	/* In the order keys are looked up: a replay's own keys first. */
	for (t = 0; t < v->nkeymaps; t++) {
		const struct action *a = v->keymap[t].a;

		for (i = 0; i < v->keymap[t].n; i++) {
			if (a[i].group) {
				line += line > 0;
				fn(v, line++, NULL, a[i].group);
			}
			if (a[i].keys)
				fn(v, line++, a[i].keys, a[i].help);
		}
	}
	for (k = 0; k < NEXTRA; k++) {
		if (!extra[k][0])
			line++;
		fn(v, line++, extra[k][0], extra[k][1]);
	}
	return line;
}

static void count_only(struct tui *v, int line, const char *k, const char *h)
{
	(void)v, (void)line, (void)k, (void)h;
}

static void put_line(struct tui *v, int line, const char *keys,
		     const char *text)
{
	int y = 2 + line - v->help_top;

	if (y < 2 || y >= LINES - 1)
		return;
	if (!keys) {
		attrset(v->attr[R_HEADER] | A_BOLD);
		mvaddnstr(y, 1, text, COLS - 2);
	} else {
		attrset(A_BOLD);
		mvaddnstr(y, 3, keys, COLS - 4);
		attrset(A_NORMAL);
		if (COLS > 24)
			mvaddnstr(y, 22, text, COLS - 23);
	}
	attrset(A_NORMAL);
}

static void help_draw(struct tui *v);
static enum ri_next help_key(struct tui *v, int ch);
static enum ri_next help_click(struct tui *v, int y, int x);
static enum ri_next help_wheel(struct tui *v, int dir);

static const struct overlay help_overlay = {
	.name = "help",
	.flags = OVERLAY_FULL,
	.draw = help_draw,
	.key = help_key,
	.click = help_click,
	.wheel = help_wheel,
};

enum ri_next help_open(struct tui *v)
{
	v->help_top = 0;
	overlay_push(v, &help_overlay);
	return NEXT_REDRAW;
}

/* Up/Down/PgUp/PgDn scroll; any other key closes help; q still quits. */
static enum ri_next help_key(struct tui *v, int ch)
{
	int room = LINES - 3, max = walk(v, count_only) - room;

	if (max < 0)
		max = 0;
	switch (ch) {
	case KEY_UP: case 'k': v->help_top--; break;
	case KEY_DOWN: case 'j': v->help_top++; break;
	case KEY_PPAGE: v->help_top -= room; break;
	case KEY_NPAGE: case ' ': v->help_top += room; break;
	default:
		overlay_pop(v, &help_overlay);
		return ch == 'q' ? NEXT_QUIT : NEXT_REDRAW;
	}
	if (v->help_top > max)
		v->help_top = max;
	if (v->help_top < 0)
		v->help_top = 0;
	return NEXT_REDRAW;
}

static enum ri_next help_click(struct tui *v, int y, int x)
{
	(void)y, (void)x;
	overlay_pop(v, &help_overlay);
	return NEXT_REDRAW;
}

static enum ri_next help_wheel(struct tui *v, int dir)
{
	return overlay_wheel_keys(v, help_key, dir, WHEEL_ROWS);
}

static void help_draw(struct tui *v)
{
	attrset(v->attr[R_TITLE]);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 1,
		  "resource_image help   Up/Down scroll, any other key returns",
		  COLS - 2);
	attrset(A_NORMAL);
	walk(v, put_line);
	attrset(v->attr[R_EXITED]);
	mvaddnstr(LINES - 1, 1,
		  "Exited tasks stay a few ticks, dimmed and marked <exited>.",
		  COLS - 2);
	attrset(A_NORMAL);
}
