// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The trend of a process's memory: a least-squares line through the RSS
 * samples of its history that cover the growth window, and how well the
 * line fits (R^2). One computation for every figure of growth: the
 * GROWTH column, JSON's rss_growth_bps and growing, the detail panel, the
 * alerts and the exporter; and the same fit over its open descriptors
 * and threads for the times to exhaustion (headroom.c).
 *
 * The samples are taken to be one interval apart (the history keeps no
 * times). Sums run with x = -ago (0 for the newest sample); the fit's
 * slope is per sample, divided by the interval for bytes per second.
 */
#include <math.h>
#include <stdlib.h>
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

/* One series of samples, newest first, whatever keeps them. */
struct series {
	double (*get)(const void *src, int k, size_t ago);
	const void *src;
	int k;
};

static double hist_get(const void *src, int k, size_t ago)
{
	return ri_hist_get(src, (enum ri_metric)k, ago);
}

static double counts_get(const void *src, int k, size_t ago)
{
	const struct ri_counts_hist *h = src;

	return h->v[(h->head + h->cap - 1 - ago) % h->cap][k];
}

/*
 * The least-squares line through the newest of @len samples of @s that
 * cover the window (@want of them, of a ring of @cap): the one engine of
 * every trend, RSS's GROWTH and the limits' times to exhaustion.
 */
static void fit(const struct series *s, size_t len, size_t cap, size_t want,
		double dt, struct ri_growth *g)
{
	size_t n = len < want ? len : want, i;
	double sy = 0, sxy = 0, syy = 0, sx, sxx, num, den_x, den_y;

	memset(g, 0, sizeof(*g));
	if (n < 3 || !(dt > 0))
		return;
	for (i = 0; i < n; i++) {
		double y = s->get(s->src, s->k, i);

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
	g->valid = n == want || len >= cap;
	g->bps = den_x > 0 ? num / den_x / dt : 0;
	g->r2 = den_x > 0 && den_y > 0 ? (num * num) / (den_x * den_y) : 0;
	if (g->r2 > 1)
		g->r2 = 1;
	g->growing = g->valid && g->bps > 0 && g->r2 >= RI_GROWTH_R2;
}

void ri_growth_fit(const struct ri_hist *h, double window_s, double dt,
		   struct ri_growth *g)
{
	struct series s = { hist_get, h, RI_M_MEM };

	fit(&s, ri_hist_len(h), ri_hist_cap(h), window_samples(h, window_s, dt), dt, g);
}

struct ri_counts_hist *ri_counts_hist_new(size_t cap)
{
	struct ri_counts_hist *h;

	if (cap < 3)
		cap = 3;
	if (cap > RI_HIST_LEN)
		cap = RI_HIST_LEN;
	h = calloc(1, sizeof(*h) + cap * sizeof(h->v[0]));
	if (h)
		h->cap = (uint16_t)cap;
	return h;
}

void ri_counts_hist_push(struct ri_counts_hist *h, const uint32_t v[RI_CS_COUNT])
{
	memcpy(h->v[h->head], v, sizeof(h->v[0]));
	h->head = (uint16_t)((h->head + 1) % h->cap);
	if (h->len < h->cap)
		h->len++;
}

void ri_growth_fit_counts(const struct ri_counts_hist *h, int k, double window_s,
			  double dt, struct ri_growth *g)
{
	struct series s = { counts_get, h, k };
	double n = dt > 0 ? floor(window_s / dt + 0.5) : 0;

	if (!h) {
		memset(g, 0, sizeof(*g));
		return;
	}
	if (n < 3)
		n = 3;
	if (n > h->cap)
		n = h->cap;
	fit(&s, h->len, h->cap, (size_t)n, dt, g);
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
