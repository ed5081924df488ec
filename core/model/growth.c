// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The trend of a process's memory: a least-squares line through the RSS
 * samples of its history that cover the growth window, and how well the
 * line fits (R^2). One computation for every figure of growth: the
 * GROWTH column, JSON's rss_growth_bps and growing, the detail panel, the
 * alerts and the exporter.
 *
 * The samples are taken to be one interval apart (the history keeps no
 * times). Sums run with x = -ago (0 for the newest sample); the fit's
 * slope is per sample, divided by the interval for bytes per second.
 */
#include <math.h>
#include <string.h>

#include "model.h"

/* Samples that cover @window_s at @dt apart, within what @h keeps. */
static size_t window_samples(const struct ri_hist *h, double window_s, double dt)
{
	double n = dt > 0 ? floor(window_s / dt + 0.5) : 0;
	double cap = (double)(ri_hist_cap(h) ? ri_hist_cap(h) : RI_HIST_LEN);

	if (n < 3)
		n = 3;
	if (n > cap)
		n = cap;
	return (size_t)n;
}

void ri_growth_fit(const struct ri_hist *h, double window_s, double dt,
		   struct ri_growth *g)
{
	size_t want = window_samples(h, window_s, dt);
	size_t len = ri_hist_len(h);
	size_t n = len < want ? len : want, i;
	double sy = 0, sxy = 0, syy = 0, sx, sxx, num, den_x, den_y;

	memset(g, 0, sizeof(*g));
	if (n < 3 || !(dt > 0))
		return;
	for (i = 0; i < n; i++) {
		double y = ri_hist_get(h, RI_M_MEM, i);

		sy += y;
		sxy += -(double)i * y;
		syy += y * y;
	}
	sx = -(double)n * (double)(n - 1) / 2.0;
	sxx = (double)(n - 1) * (double)n * (double)(2 * n - 1) / 6.0;
	num = (double)n * sxy - sx * sy;
	den_x = (double)n * sxx - sx * sx;
	den_y = (double)n * syy - sy * sy;
	g->span_s = (double)(n - 1) * dt;
	/* A window not yet full gives no figure: a minute means a minute. */
	g->valid = n == want || len >= ri_hist_cap(h);
	g->bps = den_x > 0 ? num / den_x / dt : 0;
	g->r2 = den_x > 0 && den_y > 0 ? (num * num) / (den_x * den_y) : 0;
	if (g->r2 > 1)
		g->r2 = 1;
	g->growing = g->valid && g->bps > 0 && g->r2 >= RI_GROWTH_R2;
}

void ri_growth_update(const struct ri_hist *h, uint32_t still, double window_s,
		      double dt, struct ri_growth *g)
{
	size_t want = window_samples(h, window_s, dt);

	if (still >= want && ri_hist_len(h) >= want && dt > 0) {
		memset(g, 0, sizeof(*g));
		g->valid = true;
		g->span_s = (double)(want - 1) * dt;
		return;
	}
	ri_growth_fit(h, window_s, dt, g);
}
