// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * From theme colours to curses attributes, for whatever the terminal
 * has: 256 colours (RGB mapped to the xterm cube), 8 or 16 (nearest basic
 * colour, bright ones by bold), or none / NO_COLOR / -C (a monochrome
 * scheme that still shows selection and sort column by reverse and bold).
 */
#include <curses.h>
#include <math.h>
#include <stdlib.h>

#include "view.h"

static const uint8_t basic_rgb[16][3] = {
	{ 0, 0, 0 },	   { 205, 0, 0 },     { 0, 205, 0 },   { 205, 205, 0 },
	{ 0, 0, 238 },	   { 205, 0, 205 },   { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 },     { 0, 255, 0 },   { 255, 255, 0 },
	{ 92, 92, 255 },   { 255, 0, 255 },   { 0, 255, 255 }, { 255, 255, 255 },
};

static void index_rgb(int i, uint8_t rgb[3])
{
	static const uint8_t steps[6] = { 0, 95, 135, 175, 215, 255 };

	if (i < 16) {
		rgb[0] = basic_rgb[i][0];
		rgb[1] = basic_rgb[i][1];
		rgb[2] = basic_rgb[i][2];
	} else if (i < 232) {
		i -= 16;
		rgb[0] = steps[i / 36];
		rgb[1] = steps[(i / 6) % 6];
		rgb[2] = steps[i % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = (uint8_t)(8 + (i - 232) * 10);
	}
}

static int dist(const uint8_t a[3], const uint8_t b[3])
{
	int dr = a[0] - b[0], dg = a[1] - b[1], db = a[2] - b[2];

	return dr * dr + dg * dg + db * db;
}

/* Nearest of the first @n palette entries. */
static int nearest(const uint8_t rgb[3], int n)
{
	uint8_t p[3];
	int best = 0, bd = 1 << 30, i, d;

	for (i = 0; i < n; i++) {
		index_rgb(i, p);
		d = dist(rgb, p);
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

/*
 * The 8 basic colours by hue: a channel is "on" when near the brightest
 * one. Nearest-distance would turn every muted theme colour into grey,
 * which 8-colour terminals can only show as black or white.
 */
static int basic8(const uint8_t rgb[3])
{
	int mx = rgb[0], i, c = 0;

	for (i = 1; i < 3; i++)
		if (rgb[i] > mx)
			mx = rgb[i];
	if (mx < 48)
		return COLOR_BLACK;
	for (i = 0; i < 3; i++)
		if (rgb[i] * 4 >= mx * 3)
			c |= 1 << i; /* bit 0 red, 1 green, 2 blue: curses order */
	return c;
}

/* A theme colour as a curses colour number (-1 = default), plus attrs. */
static int to_curses(const struct ri_color *c, int *extra)
{
	uint8_t rgb[3];
	int i;

	if (c->kind == RI_COL_DEFAULT)
		return -1;
	if (c->kind == RI_COL_INDEX && c->idx < COLORS)
		i = c->idx;
	else if (c->kind == RI_COL_INDEX)
		index_rgb(c->idx, rgb), i = -2;
	else
		rgb[0] = c->r, rgb[1] = c->g, rgb[2] = c->b, i = -2;
	if (i == -2 && COLORS < 16)
		return basic8(rgb);
	if (i == -2)
		i = nearest(rgb, COLORS >= 256 ? 256 : 16);
	/* 8-colour terminals: bright colours are the basic ones in bold. */
	if (COLORS < 16 && i >= 8) {
		*extra |= A_BOLD;
		i -= 8;
	}
	return i;
}

static int make_pair(int n, const struct ri_color *fg, const struct ri_color *bg)
{
	int extra = 0, f = to_curses(fg, &extra), b = to_curses(bg, &extra);

	init_pair((short)n, (short)f, (short)b);
	return COLOR_PAIR(n) | extra;
}

static struct ri_color mix(struct ri_color a, struct ri_color b, int num,
			   int den)
{
	struct ri_color c = a;

	if (a.kind != RI_COL_RGB || b.kind != RI_COL_RGB)
		return num * 2 < den ? a : b;
	c.r = (uint8_t)(a.r + (b.r - a.r) * num / den);
	c.g = (uint8_t)(a.g + (b.g - a.g) * num / den);
	c.b = (uint8_t)(a.b + (b.b - a.b) * num / den);
	return c;
}

static void mono(struct tui *v)
{
	int i;

	for (i = 0; i < R_COUNT; i++)
		v->attr[i] = A_NORMAL;
	v->attr[R_HEADER] = A_NORMAL;
	v->attr[R_TITLE] = A_REVERSE;
	v->attr[R_SORT] = A_BOLD | A_UNDERLINE;
	v->attr[R_SELECTION] = A_REVERSE | A_BOLD;
	v->attr[R_PICKED] = A_BOLD;
	v->attr[R_CPU_HIGH] = A_BOLD;
	v->attr[R_EXITED] = A_DIM;
	v->attr[R_WARNING] = A_BOLD;
	v->attr[R_SPARK0 + 7] = A_BOLD;
	/* Glyphs in reverse video on the selection: inverted, still readable. */
	for (i = 0; i < 8; i++)
		v->attr[R_SPARK_SEL0 + i] = A_REVERSE | A_BOLD;
}

static const struct {
	int role, key;
} simple[] = {
	{ R_NORMAL, RI_TK_MAIN_FG },  { R_HEADER, RI_TK_HEADER },
	{ R_PICKED, RI_TK_PICKED },   { R_CPU_LOW, RI_TK_CPU_LOW },
	{ R_CPU_MID, RI_TK_CPU_MID }, { R_CPU_HIGH, RI_TK_CPU_HIGH },
	{ R_MEMORY, RI_TK_MEMORY },   { R_IO_READ, RI_TK_IO_READ },
	{ R_IO_WRITE, RI_TK_IO_WRITE }, { R_EXITED, RI_TK_EXITED },
	{ R_WARNING, RI_TK_WARNING }, { R_TREE, RI_TK_TREE },
};

static void spark_gradient(struct tui *v, const struct ri_theme *t, int pair)
{
	const struct ri_color *bg = &t->c[RI_TK_MAIN_BG];
	int i;

	for (i = 0; i < 8; i++) {
		struct ri_color c = i < 4 ? mix(t->c[RI_TK_SPARK_LOW],
						t->c[RI_TK_SPARK_MID], i, 4) :
					    mix(t->c[RI_TK_SPARK_MID],
						t->c[RI_TK_SPARK_HIGH], i - 4, 3);

		v->attr[R_SPARK0 + i] = make_pair(pair + i, &c, bg);
	}
}

/* A colour as RGB, when it has one (the terminal's own has not). */
static bool rgb_of(const struct ri_color *c, uint8_t rgb[3])
{
	if (c->kind == RI_COL_RGB) {
		rgb[0] = c->r, rgb[1] = c->g, rgb[2] = c->b;
		return true;
	}
	if (c->kind == RI_COL_INDEX) {
		index_rgb(c->idx, rgb);
		return true;
	}
	return false;
}

/* Relative luminance (WCAG 2), 0..1. */
static double luminance(const uint8_t rgb[3])
{
	double l[3];
	int i;

	for (i = 0; i < 3; i++) {
		double c = rgb[i] / 255.0;

		l[i] = c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
	}
	return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

static double contrast(const uint8_t a[3], const uint8_t b[3])
{
	double x = luminance(a) + 0.05, y = luminance(b) + 0.05;

	return x > y ? x / y : y / x;
}

/*
 * The gradient drawn on the selection's background: each level keeps its
 * colour where it stands out (a contrast of 3:1, WCAG's for graphics),
 * else is pulled towards the selection's own foreground until it does.
 * So the selected row's history reads like every other row's, not as a
 * block of the selection's foreground colour.
 */
static void spark_sel_gradient(struct tui *v, const struct ri_theme *t, int pair)
{
	const struct ri_color *sbg = &t->c[RI_TK_SELECTION_BG];
	const struct ri_color *sfg = &t->c[RI_TK_SELECTION_FG];
	uint8_t bg[3], fg[3], c3[3];
	int i, k;

	if (sbg->kind == RI_COL_DEFAULT && sfg->kind == RI_COL_DEFAULT) {
		for (i = 0; i < 8; i++)
			v->attr[R_SPARK_SEL0 + i] = A_REVERSE | A_BOLD;
		return;
	}
	for (i = 0; i < 8; i++) {
		struct ri_color c = i < 4 ? mix(t->c[RI_TK_SPARK_LOW],
						t->c[RI_TK_SPARK_MID], i, 4) :
					    mix(t->c[RI_TK_SPARK_MID],
						t->c[RI_TK_SPARK_HIGH], i - 4, 3);

		if (rgb_of(sbg, bg) && rgb_of(sfg, fg) && rgb_of(&c, c3)) {
			struct ri_color base = { .kind = RI_COL_RGB }, f = base, rgb;

			base.r = c3[0], base.g = c3[1], base.b = c3[2];
			f.r = fg[0], f.g = fg[1], f.b = fg[2];
			rgb = base;
			for (k = 1; k <= 4 && contrast(c3, bg) < 3.0; k++) {
				rgb = mix(base, f, k, 4);
				c3[0] = rgb.r, c3[1] = rgb.g, c3[2] = rgb.b;
			}
			c = rgb;
		} else if (c.kind == RI_COL_DEFAULT) {
			c = *sfg;
		}
		v->attr[R_SPARK_SEL0 + i] = make_pair(pair + i, &c, sbg);
	}
}

/* Pairs for two-colour roles; both default means "reverse". */
static int duo(int pair, const struct ri_color *fg, const struct ri_color *bg)
{
	if (fg->kind == RI_COL_DEFAULT && bg->kind == RI_COL_DEFAULT)
		return A_REVERSE;
	return make_pair(pair, fg, bg);
}

void colors_apply(struct tui *v)
{
	const struct ri_theme *t = &v->theme;
	const struct ri_color *bg = &t->c[RI_TK_MAIN_BG];
	size_t i;
	int pair = 1;

	if (!v->color) {
		mono(v);
		return;
	}
	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		v->attr[simple[i].role] = make_pair(pair++, &t->c[simple[i].key], bg);
	v->attr[R_EXITED] |= A_DIM;
	v->attr[R_TITLE] = duo(pair++, &t->c[RI_TK_TITLE_FG], &t->c[RI_TK_TITLE_BG]);
	v->attr[R_SORT] = duo(pair++, &t->c[RI_TK_SORT], &t->c[RI_TK_TITLE_BG]) |
			  A_BOLD | (v->attr[R_TITLE] == A_REVERSE ? A_UNDERLINE : 0);
	v->attr[R_SELECTION] = duo(pair++, &t->c[RI_TK_SELECTION_FG],
				   &t->c[RI_TK_SELECTION_BG]);
	spark_gradient(v, t, pair);
	pair += 8;
	spark_sel_gradient(v, t, pair);
	pair += 8;
	for (i = 0; i < RI_TK_STATES; i++)
		v->attr[R_STATE0 + i] = make_pair(pair++, ri_theme_color(t, RI_TK_STATE_CPU + (int)i),
						  bg);
	/*
	 * The STATES graph's cells of two states: one pair each, where the
	 * terminal has the pairs; else the lower state alone.
	 */
	for (i = 0; i < RI_TK_STATES; i++)
		for (size_t j = 0; j < RI_TK_STATES; j++)
			v->state_duo[i][j] =
				i == j || pair >= COLOR_PAIRS ?
					v->attr[R_STATE0 + i] :
					make_pair(pair++, ri_theme_color(t, RI_TK_STATE_CPU + (int)i),
						  ri_theme_color(t, RI_TK_STATE_CPU + (int)j));
	/* The screen's own background follows main_bg (light themes). */
	bkgdset(' ' | v->attr[R_NORMAL]);
	bkgd(' ' | v->attr[R_NORMAL]);
}

void colors_init(struct tui *v)
{
	const char *nc = getenv("NO_COLOR");

	/* no-color.org: set and non-empty means no colour. */
	v->color = has_colors() && !v->opts->no_color && !(nc && *nc);
	if (v->color) {
		start_color();
		use_default_colors();
	}
	colors_apply(v);
}
