// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Sparklines: a history ring drawn as one row of glyphs, newest on the
 * right. Glyph sets are data (block elements, or an ASCII ramp when the
 * locale is not UTF-8). When there are more samples than cells, each cell
 * shows the largest sample of its bucket so a short spike is not averaged
 * away.
 */
#include <curses.h>
#include <math.h>

#include "view.h"

#define LEVELS 8

static const char *const block_ramp[LEVELS + 1] = {
	" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█",
};
static const char *const ascii_ramp[LEVELS + 1] = {
	" ", ".", ":", "-", "=", "+", "*", "#", "@",
};

const char *spark_metric_name(enum ri_metric m)
{
	static const char *const names[RI_M_COUNT] = {
		[RI_M_CPU] = "CPU%",
		[RI_M_MEM] = "MEM",
		[RI_M_READ] = "READ/s",
		[RI_M_WRITE] = "WRITE/s",
	};
	return (unsigned)m < RI_M_COUNT ? names[m] : "?";
}

void spark_range(const struct ri_hist *h, enum ri_metric m, size_t samples,
		 double *mn, double *mx)
{
	size_t i, len = ri_hist_len(h), n = samples < len ? samples : len;

	*mn = 0;
	*mx = 0;
	for (i = 0; i < n; i++) {
		double x = ri_hist_get(h, m, i);

		if (!i || x < *mn)
			*mn = x;
		if (!i || x > *mx)
			*mx = x;
	}
}

/* Largest sample among @ago .. @ago + @k - 1 ticks back. */
static double bucket_max(const struct ri_hist *h, enum ri_metric m,
			 size_t ago, size_t k)
{
	double best = 0;
	size_t i;

	for (i = ago; i < ago + k && i < ri_hist_len(h); i++) {
		double x = ri_hist_get(h, m, i);

		if (x > best)
			best = x;
	}
	return best;
}

static int level(double x, double lo, double hi)
{
	double f;

	if (x <= lo || !(x > 0))
		return 0;
	if (hi <= lo)
		return LEVELS;
	f = (x - lo) / (hi - lo);
	if (f > 1)
		f = 1;
	/* Any non-zero value shows at least the lowest glyph. */
	return 1 + (int)floor(f * (LEVELS - 1) + 0.5);
}

/*
 * Draws @width cells at the cursor for the newest @samples samples,
 * scaled lo..hi. @attr >= 0 draws all in that attribute; else each cell
 * takes the gradient colour of its level.
 */
void spark_draw(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		size_t samples, int width, double lo, double hi, int attr)
{
	const char *const *ramp = v->utf8 ? block_ramp : ascii_ramp;
	size_t per = (samples + (size_t)width - 1) / (size_t)width;
	int y = getcury(stdscr), x0 = getcurx(stdscr), cell;

	if (!per)
		per = 1;
	for (cell = 0; cell < width; cell++) {
		size_t ago = (size_t)(width - 1 - cell) * per;
		int lv = 0;

		if (ago < ri_hist_len(h) && ago < samples)
			lv = level(bucket_max(h, m, ago, per), lo, hi);
		attrset(attr >= 0 ? attr : v->attr[R_SPARK0 + (lv ? lv - 1 : 0)]);
		mvaddstr(y, x0 + cell, ramp[lv]);
	}
	attrset(A_NORMAL);
}

/* Fraction 0..1 of @x on the lo..hi scale. */
static double frac(double x, double lo, double hi)
{
	if (!(x > lo))
		return 0;
	if (hi <= lo)
		return 1;
	return x >= hi ? 1 : (x - lo) / (hi - lo);
}

/*
 * A sparkline @height rows tall at (@y, @x): each row holds eight levels,
 * so a detail panel shows small changes that one row would flatten. Rows
 * take the gradient colour of their height.
 */
void spark_draw_tall(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		     size_t samples, int y, int x, int width, int height,
		     double lo, double hi)
{
	const char *const *ramp = v->utf8 ? block_ramp : ascii_ramp;
	size_t per = (samples + (size_t)width - 1) / (size_t)width;
	int cell, r;

	if (!per)
		per = 1;
	for (cell = 0; cell < width; cell++) {
		size_t ago = (size_t)(width - 1 - cell) * per;
		int units = 0;

		if (ago < ri_hist_len(h) && ago < samples) {
			double f = frac(bucket_max(h, m, ago, per), lo, hi);

			units = (int)floor(f * height * LEVELS + 0.5);
			/* Any non-zero value shows at least the lowest glyph. */
			if (!units && f > 0)
				units = 1;
		}
		for (r = 0; r < height; r++) {
			int u = units - r * LEVELS;

			if (u < 0)
				u = 0;
			if (u > LEVELS)
				u = LEVELS;
			attrset(v->attr[R_SPARK0 + (r * LEVELS + (u ? u - 1 : 0)) /
							  height]);
			mvaddstr(y + height - 1 - r, x + cell, ramp[u]);
		}
	}
	attrset(A_NORMAL);
}
