// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The setup screen (F2, S), htop's way but smaller: three sections.
 * Columns: every column of the table (table.c's list, so a column added
 * there appears here), the shown ones first in their order; Space shows
 * or hides one, F7/F8 (or - +) move a shown one up or down. Meters: the
 * header's meters, on or off. Display: the sparkline's metric and style,
 * the theme, the refresh delay, the view, folding, kernel threads, every
 * thread. Every change applies at once, and the settings file is written
 * when one changes (settings.c). Esc, F2 or q closes. An overlay, full
 * screen: a click toggles, the wheel moves.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

enum { S_COLUMNS, S_METERS, S_DISPLAY, S_COUNT };

static const char *const sections[S_COUNT] = { "Columns", "Meters", "Display" };

static const unsigned meter_bits[] = { METER_CPUS, METER_MEMORY, METER_SWAP,
				       METER_TASKS, METER_LOAD, METER_UPTIME,
				       METER_PSI, METER_NET };
#define NMETERS ((int)(sizeof(meter_bits) / sizeof(meter_bits[0])))

enum {
	D_METRIC, D_STYLE, D_THEME, D_DELAY, D_VIEW, D_FOLD, D_KTHREADS,
	D_THREADS, D_COUNT
};

static const double delays[] = { 0.2, 0.5, 1, 2, 3, 5, 10, 30, 60 };
#define NDELAYS ((int)(sizeof(delays) / sizeof(delays[0])))

static bool shown(const struct tui *v, int id, int *at)
{
	int i;

	for (i = 0; i < v->ncols; i++) {
		if (v->cols[i] == id) {
			if (at)
				*at = i;
			return true;
		}
	}
	return false;
}

/* Column items: the shown ones in order, then the others in table order. */
static int column_items(const struct tui *v, int *ids)
{
	int n = 0, i;

	for (i = 0; i < v->ncols; i++)
		ids[n++] = v->cols[i];
	for (i = 0; i < table_ncolumns() && n < TABLE_MAX_COLS * 2; i++)
		if (!shown(v, i, NULL))
			ids[n++] = i;
	return n;
}

static int nitems(const struct tui *v)
{
	switch (v->setup.section) {
	case S_COLUMNS:
		return table_ncolumns();
	case S_METERS:
		return NMETERS;
	}
	return D_COUNT;
}

static void toggle_column(struct tui *v, int id)
{
	int at;

	if (shown(v, id, &at)) {
		if (v->ncols <= 1) {
			tui_message(v, "the table needs a column");
			return;
		}
		memmove(&v->cols[at], &v->cols[at + 1],
			sizeof(int) * (size_t)(v->ncols - at - 1));
		v->ncols--;
		return;
	}
	if (v->ncols < TABLE_MAX_COLS)
		v->cols[v->ncols++] = id;
}

/* Moves the selected shown column by @d places; the cursor goes with it. */
static void move_column(struct tui *v, int d)
{
	int i = v->setup.sel, j = i + d, t;

	if (v->setup.section != S_COLUMNS || i >= v->ncols || j < 0 || j >= v->ncols)
		return;
	t = v->cols[i];
	v->cols[i] = v->cols[j];
	v->cols[j] = t;
	v->setup.sel = j;
}

static void theme_step(struct tui *v, int d)
{
	char err[256];
	int i = 0, k;

	if (!v->ntheme_names)
		return;
	for (k = 0; k < v->ntheme_names; k++)
		if (!strcmp(v->theme_names[k], v->theme_name))
			i = k;
	i = (i + d + v->ntheme_names) % v->ntheme_names;
	snprintf(v->theme_name, sizeof(v->theme_name), "%s", v->theme_names[i]);
	if (theme_load(v->theme_name, &v->theme, err, sizeof(err)))
		tui_message(v, "%s", err);
	colors_apply(v);
}

static void delay_step(struct tui *v, int d)
{
	int i, best = 0;

	for (i = 0; i < NDELAYS; i++)
		if (delays[i] <= v->delay + 1e-9)
			best = i;
	best += d;
	if (best < 0)
		best = 0;
	if (best >= NDELAYS)
		best = NDELAYS - 1;
	tui_set_delay(v, delays[best]);
}

/* Changes Display item @i by @d steps (Space, Enter, Right: 1; Left: -1). */
static enum ri_next display_step(struct tui *v, int i, int d)
{
	switch (i) {
	case D_METRIC:
		v->spark_metric = (enum ri_metric)((v->spark_metric + d + RI_M_COUNT) %
						   RI_M_COUNT);
		return NEXT_REDRAW;
	case D_STYLE:
		v->spark_style = (enum spark_style)((v->spark_style + d + SPARK_STYLES) %
						    SPARK_STYLES);
		if (!v->utf8)
			tui_message(v, "no UTF-8 here: sparklines stay ASCII");
		return NEXT_REDRAW;
	case D_THEME:
		if (!v->color) {
			tui_message(v, "colours are off (-C or NO_COLOR)");
			return NEXT_REDRAW;
		}
		theme_step(v, d);
		return NEXT_FULL_REDRAW;
	case D_DELAY:
		delay_step(v, d);
		return NEXT_REDRAW;
	case D_VIEW:
		v->view = (enum ri_view)((v->view + d + 3) % 3);
		return NEXT_REBUILD;
	case D_FOLD:
		v->fold = !v->fold;
		return NEXT_REBUILD;
	case D_KTHREADS:
		v->hide_kthreads = !v->hide_kthreads;
		return NEXT_REBUILD;
	case D_THREADS:
		v->all_threads = !v->all_threads;
		return NEXT_REBUILD;
	}
	return NEXT_NONE;
}

/* Space on the selected item. */
static enum ri_next activate(struct tui *v, int d)
{
	struct setup *s = &v->setup;
	int ids[TABLE_MAX_COLS * 2];

	switch (s->section) {
	case S_COLUMNS:
		column_items(v, ids);
		toggle_column(v, ids[s->sel]);
		return NEXT_REDRAW;
	case S_METERS:
		v->meters ^= meter_bits[s->sel];
		return NEXT_REDRAW;
	}
	return display_step(v, s->sel, d);
}

static void move_sel(struct tui *v, int d)
{
	struct setup *s = &v->setup;
	int n = nitems(v);

	s->sel += d;
	if (s->sel >= n)
		s->sel = n - 1;
	if (s->sel < 0)
		s->sel = 0;
}

static void section(struct tui *v, int k)
{
	v->setup.section = (k + S_COUNT) % S_COUNT;
	v->setup.sel = 0;
	v->setup.top = 0;
}

static const struct overlay setup_overlay;

static enum ri_next setup_key(struct tui *v, int ch)
{
	struct setup *s = &v->setup;

	switch (ch) {
	case 27: case 'q': case KEY_F(2): case KEY_F(10):
		overlay_pop(v, &setup_overlay);
		return NEXT_REBUILD | NEXT_FULL_REDRAW;
	case '\t': section(v, s->section + 1); return NEXT_REDRAW;
	case KEY_BTAB: section(v, s->section - 1); return NEXT_REDRAW;
	case '1': case '2': case '3': section(v, ch - '1'); return NEXT_REDRAW;
	case KEY_UP: move_sel(v, -1); return NEXT_REDRAW;
	case KEY_DOWN: move_sel(v, 1); return NEXT_REDRAW;
	case KEY_PPAGE: move_sel(v, -10); return NEXT_REDRAW;
	case KEY_NPAGE: move_sel(v, 10); return NEXT_REDRAW;
	case KEY_HOME: s->sel = 0; return NEXT_REDRAW;
	case KEY_END: s->sel = nitems(v) - 1; return NEXT_REDRAW;
	case KEY_F(7): case '-': move_column(v, -1); return NEXT_REDRAW;
	case KEY_F(8): case '+': move_column(v, 1); return NEXT_REDRAW;
	case ' ': case '\n': case '\r': case KEY_ENTER:
		return activate(v, 1);
	case KEY_RIGHT:
	case KEY_LEFT:
		if (s->section == S_DISPLAY)
			return display_step(v, s->sel, ch == KEY_RIGHT ? 1 : -1);
		section(v, s->section + (ch == KEY_RIGHT ? 1 : -1));
		return NEXT_REDRAW;
	}
	return NEXT_NONE;
}

static void display_value(const struct tui *v, int i, char *b, size_t n,
			  const char **label)
{
	static const char *const views[] = { "list", "tree by parent", "by cgroup" };

	switch (i) {
	case D_METRIC:
		*label = "Sparkline metric";
		snprintf(b, n, "%s", spark_metric_name(v->spark_metric));
		break;
	case D_STYLE:
		*label = "Sparkline style";
		snprintf(b, n, "%s", spark_style_name(v->spark_style));
		break;
	case D_THEME:
		*label = "Theme";
		snprintf(b, n, "%s", v->theme_name);
		break;
	case D_DELAY:
		*label = "Refresh delay";
		snprintf(b, n, "%g s", v->delay);
		break;
	case D_VIEW:
		*label = "View";
		snprintf(b, n, "%s", views[v->view % 3]);
		break;
	case D_FOLD:
		*label = "Fold processes that exited";
		snprintf(b, n, "%s", v->fold ? "yes" : "no");
		break;
	case D_KTHREADS:
		*label = "Kernel threads";
		snprintf(b, n, "%s", v->hide_kthreads ? "hidden" : "shown");
		break;
	case D_THREADS:
		*label = "Every process's threads";
		snprintf(b, n, "%s", v->all_threads ? "yes" : "no");
		break;
	}
}

static void item_text(const struct tui *v, int i, const int *ids, char *line,
		      size_t n)
{
	char val[80];
	const char *label = "";

	switch (v->setup.section) {
	case S_COLUMNS:
		snprintf(line, n, " [%c] %-10s %s", shown(v, ids[i], NULL) ? 'x' : ' ',
			 table_column_name(ids[i]), table_column_help(ids[i]));
		break;
	case S_METERS:
		snprintf(line, n, " [%c] %s", v->meters & meter_bits[i] ? 'x' : ' ',
			 meter_name(meter_bits[i]));
		break;
	default:
		display_value(v, i, val, sizeof(val), &label);
		snprintf(line, n, " %-28s < %s >", label, val);
	}
}

static void setup_draw(struct tui *v)
{
	struct setup *s = &v->setup;
	int ids[TABLE_MAX_COLS * 2], n = nitems(v), rows = LINES - 5, i, x = 1;
	char line[200];

	put_str(0, 0, COLS, " Setup   Tab: section   Up/Down: move   Space: change   "
			    "F7 F8 (- +): move a column   Esc F2 q: done",
		v->attr[R_TITLE], false);
	move(1, 0);
	for (i = 0; i < S_COUNT; i++) {
		attrset(i == s->section ? v->attr[R_SELECTION] | A_BOLD : A_BOLD);
		mvprintw(1, x, " %d %s ", i + 1, sections[i]);
		x += (int)strlen(sections[i]) + 5;
	}
	attrset(A_NORMAL);
	if (s->section == S_COLUMNS)
		column_items(v, ids);
	if (rows < 1)
		return;
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + rows)
		s->top = s->sel - rows + 1;
	s->y0 = 3;
	for (i = 0; i < rows && s->top + i < n; i++) {
		int k = s->top + i;

		item_text(v, k, ids, line, sizeof(line));
		put_str(3 + i, 0, COLS, line,
			k == s->sel ? v->attr[R_SELECTION] : v->attr[R_NORMAL], false);
	}
	put_str(LINES - 1, 0, COLS,
		s->section == S_COLUMNS ?
			" Shown columns first, in their order; a narrow screen drops "
			"the least important first." :
			" Changes apply at once and are saved to the settings file.",
		v->attr[R_EXITED], false);
}

static bool click_at(struct tui *v, int y, int x)
{
	struct setup *s = &v->setup;
	int i, cx = 1, k;

	if (y == 1) {
		for (i = 0; i < S_COUNT; i++) {
			int w = (int)strlen(sections[i]) + 4;

			if (x >= cx && x < cx + w) {
				section(v, i);
				return true;
			}
			cx += w + 1;
		}
		return false;
	}
	k = s->top + (y - s->y0);
	if (y < s->y0 || k >= nitems(v))
		return false;
	s->sel = k;
	activate(v, 1);
	return true;
}

static enum ri_next setup_click(struct tui *v, int y, int x)
{
	return click_at(v, y, x) ? NEXT_REBUILD | NEXT_FULL_REDRAW : NEXT_NONE;
}

static enum ri_next setup_wheel(struct tui *v, int dir)
{
	overlay_wheel_keys(v, setup_key, dir, WHEEL_ROWS);
	return NEXT_REDRAW;
}

static const struct overlay setup_overlay = {
	.name = "setup",
	.flags = OVERLAY_FULL,
	.draw = setup_draw,
	.key = setup_key,
	.click = setup_click,
	.wheel = setup_wheel,
};

enum ri_next setup_open(struct tui *v)
{
	memset(&v->setup, 0, sizeof(v->setup));
	v->ntheme_names = theme_list(v->theme_names, 32);
	overlay_push(v, &setup_overlay);
	return NEXT_REDRAW;
}
