// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Sparklines: a history ring drawn as one row of glyphs, newest on the
 * right, in one of three styles (data, not code): block elements (one
 * sample per cell, eight levels), braille (two samples per cell, four
 * levels each, as iotop and btop draw them) or an ASCII ramp (no UTF-8).
 * When there are more samples than slots, each slot shows the largest
 * sample of its bucket so a short spike is not averaged away.
 */
#include <curses.h>
#include <math.h>
#include <stdint.h>

#include "view.h"

#define LEVELS 8

static const char *const block_ramp[LEVELS + 1] = {
	" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█",
};
static const char *const ascii_ramp[LEVELS + 1] = {
	" ", ".", ":", "-", "=", "+", "*", "#", "@",
};

/*
 * Braille dots filled from the bottom: the left column is dots 7 3 2 1,
 * the right 8 6 5 4 (bits of U+2800).
 */
static const uint8_t braille_left[5] = { 0, 0x40, 0x44, 0x46, 0x47 };
static const uint8_t braille_right[5] = { 0, 0x80, 0xa0, 0xb0, 0xb8 };

struct style {
	int levels;   /* heights per cell row */
	int per_cell; /* samples per cell */
};

static const struct style styles[SPARK_STYLES] = {
	[SPARK_BLOCK] = { LEVELS, 1 },
	[SPARK_BRAILLE] = { 4, 2 },
	[SPARK_ASCII] = { LEVELS, 1 },
};

const char *spark_style_name(enum spark_style s)
{
	static const char *const names[SPARK_STYLES] = {
		[SPARK_BLOCK] = "block", [SPARK_BRAILLE] = "braille",
		[SPARK_ASCII] = "ascii",
	};
	return (unsigned)s < SPARK_STYLES ? names[s] : "?";
}

/* The style in use: ASCII whatever was chosen when there is no UTF-8. */
static enum spark_style style_of(const struct tui *v)
{
	if (!v->utf8 || (unsigned)v->spark_style >= SPARK_STYLES)
		return SPARK_ASCII;
	return v->spark_style;
}

size_t spark_per_cell(const struct tui *v)
{
	return (size_t)styles[style_of(v)].per_cell;
}

const char *spark_metric_name(enum ri_metric m)
{
	static const char *const names[RI_M_COUNT] = {
		[RI_M_CPU] = "CPU%",
		[RI_M_MEM] = "MEM",
		[RI_M_READ] = "READ/s",
		[RI_M_WRITE] = "WRITE/s",
		[RI_M_NET_RX] = "NET-RX/s",
		[RI_M_NET_TX] = "NET-TX/s",
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
 * Fraction 0..1 of the full height that slot @slot (0 = oldest) of
 * @nslots shows, @per samples each; 0 past the history.
 */
static double slot_frac(const struct ri_hist *h, enum ri_metric m, size_t samples,
			int slot, int nslots, size_t per, double lo, double hi)
{
	size_t ago = (size_t)(nslots - 1 - slot) * per;

	if (ago >= h->len || ago >= samples)
		return 0;
	return frac(bucket_max(h, m, ago, per), lo, hi);
}

/* Units of @units for fraction @f; any non-zero value shows at least one. */
static int to_units(double f, int units)
{
	int u = (int)floor(f * units + 0.5);

	return !u && f > 0 ? 1 : u;
}

/* One braille glyph (UTF-8) for a left and a right height of 0..4. */
static const char *braille(char b[4], int l, int r)
{
	unsigned cp = 0x2800u + braille_left[l] + braille_right[r];

	b[0] = (char)(0xe0 | (cp >> 12));
	b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[2] = (char)(0x80 | (cp & 0x3f));
	b[3] = '\0';
	return b;
}

static int cell_attr(const struct tui *v, int attr, int lv8)
{
	if (attr >= 0)
		return attr;
	if (attr == -2)
		return lv8 ? v->attr[R_SPARK_SEL0 + lv8 - 1] : v->attr[R_SELECTION];
	return v->attr[R_SPARK0 + (lv8 ? lv8 - 1 : 0)];
}

/*
 * Draws @width cells at the cursor for the newest @samples samples,
 * scaled lo..hi (see view.h for @attr).
 */
void spark_draw(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		size_t samples, int width, double lo, double hi, int attr)
{
	enum spark_style st = style_of(v);
	const struct style *s = &styles[st];
	int nslots = width * s->per_cell, y = getcury(stdscr), x0 = getcurx(stdscr);
	size_t per = width > 0 ? (samples + (size_t)nslots - 1) / (size_t)nslots : 1;
	int cell;
	char b[4];

	if (!per)
		per = 1;
	for (cell = 0; cell < width; cell++) {
		const char *g;
		int lv8;

		if (st == SPARK_BRAILLE) {
			int l = to_units(slot_frac(h, m, samples, 2 * cell, nslots, per,
						   lo, hi), 4);
			int r = to_units(slot_frac(h, m, samples, 2 * cell + 1, nslots,
						   per, lo, hi), 4);
			int top = l > r ? l : r;

			g = braille(b, l, r);
			lv8 = top ? 2 * top : 0;
		} else {
			double f = slot_frac(h, m, samples, cell, nslots, per, lo, hi);

			lv8 = f > 0 ? 1 + (int)floor(f * (LEVELS - 1) + 0.5) : 0;
			g = (st == SPARK_ASCII ? ascii_ramp : block_ramp)[lv8];
		}
		attrset(cell_attr(v, attr, lv8));
		mvaddstr(y, x0 + cell, g);
	}
	attrset(A_NORMAL);
}

/*
 * A sparkline @height rows tall at (@y, @x): each row holds its style's
 * levels, so a detail panel shows small changes that one row would
 * flatten. Rows take the gradient colour of their height.
 */
void spark_draw_tall(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		     size_t samples, int y, int x, int width, int height,
		     double lo, double hi)
{
	enum spark_style st = style_of(v);
	const struct style *s = &styles[st];
	int nslots = width * s->per_cell, units = height * s->levels, cell, r;
	size_t per = width > 0 ? (samples + (size_t)nslots - 1) / (size_t)nslots : 1;
	char b[4];

	if (!per)
		per = 1;
	for (cell = 0; cell < width; cell++) {
		int u0 = to_units(slot_frac(h, m, samples, cell * s->per_cell, nslots,
					    per, lo, hi), units);
		int u1 = s->per_cell < 2 ? 0 :
			 to_units(slot_frac(h, m, samples, cell * s->per_cell + 1,
					    nslots, per, lo, hi), units);

		for (r = 0; r < height; r++) {
			int a = u0 - r * s->levels, c = u1 - r * s->levels, a8;
			const char *g;

			a = a < 0 ? 0 : a > s->levels ? s->levels : a;
			c = c < 0 ? 0 : c > s->levels ? s->levels : c;
			if (st == SPARK_BRAILLE)
				g = braille(b, a, c);
			else
				g = (st == SPARK_ASCII ? ascii_ramp : block_ramp)[a];
			/* The colour of the row's height, on the 8-level gradient. */
			a8 = (a > c ? a : c) * LEVELS / s->levels;
			attrset(v->attr[R_SPARK0 + (r * LEVELS + (a8 ? a8 - 1 : 0)) / height]);
			mvaddstr(y + height - 1 - r, x + cell, g);
		}
	}
	attrset(A_NORMAL);
}

char spark_state_letter(int i)
{
	static const char letters[] = "crdblnso";

	return i >= 0 && i < RI_HIST_NSTATES ? letters[i] : '?';
}

/*
 * The mean shares of the samples @ago .. @ago + @k - 1 ticks back that
 * have states, as @units whole units (largest remainders get the odd
 * ones); false when none has.
 */
static bool states_units(const struct ri_hist *h, size_t ago, size_t k, int units,
			 int out[RI_HIST_NSTATES])
{
	double sum[RI_HIST_NSTATES] = { 0 }, rem[RI_HIST_NSTATES];
	uint8_t pct[RI_HIST_NSTATES];
	size_t i, got = 0;
	int used = 0, s;

	for (i = ago; i < ago + k && i < ri_hist_len(h); i++) {
		if (!ri_hist_states(h, i, pct))
			continue;
		for (s = 0; s < RI_HIST_NSTATES; s++)
			sum[s] += pct[s];
		got++;
	}
	if (!got)
		return false;
	for (s = 0; s < RI_HIST_NSTATES; s++) {
		double exact = sum[s] / (100.0 * (double)got) * units;

		out[s] = (int)exact;
		rem[s] = sum[s] > 0 ? exact - out[s] : -1;
		used += out[s];
	}
	while (used < units) {
		int best = 0;

		for (s = 1; s < RI_HIST_NSTATES; s++)
			if (rem[s] > rem[best])
				best = s;
		if (rem[best] < 0)
			break;
		out[best]++;
		rem[best] = -1;
		used++;
	}
	return true;
}

/*
 * The units each state has in cell row @r of a column (units [8r, 8r+8)),
 * and the two states with the most there, lower one first in the stack
 * (@lo, @hi; @hi -1 when only one, both -1 when none).
 */
static void cell_states(const int units[RI_HIST_NSTATES], int r, int *lo, int *hi,
			int in[RI_HIST_NSTATES])
{
	int a = -1, b = -1;

	for (int s = 0, base = 0; s < RI_HIST_NSTATES; base += units[s], s++) {
		int from = base > r * LEVELS ? base : r * LEVELS;
		int to = base + units[s] < (r + 1) * LEVELS ? base + units[s] : (r + 1) * LEVELS;

		in[s] = to > from ? to - from : 0;
		if (!in[s])
			continue;
		if (a < 0 || in[s] > in[a]) {
			b = a;
			a = s;
		} else if (b < 0 || in[s] > in[b]) {
			b = s;
		}
	}
	*lo = b >= 0 && b < a ? b : a;
	*hi = b >= 0 && b < a ? a : b;
}

/*
 * Each cell shows two states at most, one under the other: the lower
 * eighths' glyph in the colour of the lower state, on the colour of the
 * upper, as btop stacks its graphs. Where more share a cell, the two
 * largest there, in proportion to each other: a 25% LOCK is not hidden
 * between 14% RUNQ under it and 46% SLEEP over it in a graph one row tall.
 * Without colour or UTF-8, the letter of the cell's largest state.
 */
void spark_draw_states(struct tui *v, const struct ri_hist *h, size_t samples,
		       int y, int x, int width, int height)
{
	int pc = (int)spark_per_cell(v), nslots = width * pc, units = height * LEVELS;
	size_t per = width > 0 ? (samples + (size_t)nslots - 1) / (size_t)nslots : 1;
	bool blocks = v->utf8 && v->color;
	int u[RI_HIST_NSTATES], in[RI_HIST_NSTATES];

	if (!per)
		per = 1;
	for (int cell = 0; cell < width; cell++) {
		size_t ago = (size_t)(width - 1 - cell) * (size_t)pc * per;
		bool any = ago < samples &&
			   states_units(h, ago, (size_t)pc * per, units, u);

		for (int r = 0; r < height; r++) {
			int lo = -1, hi = -1;

			if (any)
				cell_states(u, r, &lo, &hi, in);
			move(y + height - 1 - r, x + cell);
			if (lo < 0) {
				attrset(v->attr[R_NORMAL]);
				addch(' ');
			} else if (!blocks) {
				int big = hi >= 0 && in[hi] > in[lo] ? hi : lo;

				attrset(v->color ? v->attr[R_STATE0 + big] : v->attr[R_NORMAL]);
				addch((chtype)spark_state_letter(big));
			} else if (hi < 0) {
				/* One state: as high as it reaches in this row. */
				int top = 0;

				for (int s = 0; s <= lo; s++)
					top += u[s];
				top -= r * LEVELS;
				attrset(v->attr[R_STATE0 + lo]);
				addstr(block_ramp[top > LEVELS ? LEVELS : top < 1 ? 1 : top]);
			} else {
				int k = (int)floor(LEVELS * (double)in[lo] / (in[lo] + in[hi]) + 0.5);

				attrset(v->state_duo[lo][hi]);
				addstr(block_ramp[k < 1 ? 1 : k > LEVELS - 1 ? LEVELS - 1 : k]);
			}
		}
	}
	attrset(A_NORMAL);
}
