// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* History rings and their 16-bit logarithmic codec. */
#include <math.h>
#include <stdlib.h>

#include "hist.h"

/*
 * 0 is zero; 1..65535 map log2(x) from -20 to +64 in steps of 1/780:
 * 0.05% relative precision from 1e-6 to 2^64.
 */
#define HIST_SCALE 780.0
#define HIST_BIAS 20.0

uint16_t ri_hist_encode(double x)
{
	double e;

	if (!(x > 0))
		return 0;
	e = (log2(x) + HIST_BIAS) * HIST_SCALE + 1.5;
	if (e < 1.0)
		return 1;
	return e >= 65535.0 ? 65535 : (uint16_t)e;
}

double ri_hist_decode(uint16_t e)
{
	return e ? exp2((e - 1) / HIST_SCALE - HIST_BIAS) : 0.0;
}

struct ri_hist *ri_hist_new(size_t cap, unsigned metrics)
{
	struct ri_hist *h;
	size_t kept;

	metrics &= RI_HIST_ALL;
	if (!metrics)
		metrics = RI_HIST_ALL;
	if (cap < 1)
		cap = 1;
	if (cap > RI_HIST_LEN)
		cap = RI_HIST_LEN;
	kept = (size_t)__builtin_popcount(metrics);
	h = malloc(sizeof(*h) + kept * cap * sizeof(h->v[0]));
	if (!h)
		return NULL;
	h->head = 0;
	h->len = 0;
	h->cap = (uint16_t)cap;
	h->metrics = (uint16_t)metrics;
	return h;
}

void ri_hist_clear(struct ri_hist *h)
{
	if (h)
		h->head = h->len = 0;
}

/* Where metric @m's samples start, or NULL when @h does not keep it. */
static uint16_t *row(const struct ri_hist *h, enum ri_metric m)
{
	unsigned below;

	if ((unsigned)m >= RI_M_COUNT || !(h->metrics & RI_HIST_METRIC(m)))
		return NULL;
	below = h->metrics & (RI_HIST_METRIC(m) - 1);
	return (uint16_t *)h->v + (size_t)__builtin_popcount(below) * h->cap;
}

void ri_hist_push(struct ri_hist *h, const double v[RI_M_COUNT])
{
	int m;

	if (!h)
		return;
	for (m = 0; m < RI_M_COUNT; m++) {
		uint16_t *r = row(h, (enum ri_metric)m);

		if (r)
			r[h->head] = ri_hist_encode(v[m]);
	}
	h->head = (h->head + 1) % h->cap;
	if (h->len < h->cap)
		h->len++;
}

double ri_hist_get(const struct ri_hist *h, enum ri_metric m, size_t ago)
{
	const uint16_t *r;

	if (!h || ago >= h->len || !(r = row(h, m)))
		return 0.0;
	return ri_hist_decode(r[(h->head + h->cap - 1 - ago) % h->cap]);
}
