// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* History rings and their 16-bit logarithmic codec. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The 8-bit code: 0 is zero; 1..255 map log2(x) over each metric's range,
 * [lo, lo + octaves], 254 steps. Beyond it, the nearest end.
 */
static const struct {
	double lo, octaves;
} range8[RI_M_COUNT] = {
	[RI_M_CPU] = { -4, 21 },   /* 0.06% .. 1,310 CPUs busy */
	[RI_M_MEM] = { 12, 34 },   /* a page .. 64 TiB */
	[RI_M_READ] = { 0, 44 },   /* 1 B/s .. 16 TiB/s */
	[RI_M_WRITE] = { 0, 44 },
	[RI_M_NET_RX] = { 0, 44 },
	[RI_M_NET_TX] = { 0, 44 },
};

uint8_t ri_hist_encode8(double x, enum ri_metric m)
{
	double e;

	if (!(x > 0) || (unsigned)m >= RI_M_COUNT)
		return 0;
	e = (log2(x) - range8[m].lo) * (254.0 / range8[m].octaves) + 1.5;
	if (!(e >= 1.0))
		return 1;
	return e >= 255.0 ? 255 : (uint8_t)e;
}

double ri_hist_decode8(uint8_t e, enum ri_metric m)
{
	if (!e || (unsigned)m >= RI_M_COUNT)
		return 0.0;
	return exp2((e - 1) * (range8[m].octaves / 254.0) + range8[m].lo);
}

struct ri_hist *ri_hist_new(size_t cap, unsigned metrics, bool narrow)
{
	struct ri_hist *h;
	size_t kept, sbytes;
	bool states = metrics & RI_HIST_STATES;

	metrics &= RI_HIST_ALL;
	if (!metrics)
		metrics = RI_HIST_ALL;
	if (cap < 1)
		cap = 1;
	if (cap > RI_HIST_LEN)
		cap = RI_HIST_LEN;
	kept = (size_t)__builtin_popcount(metrics);
	sbytes = states ? cap * RI_HIST_NSTATES : 0;
	h = malloc(sizeof(*h) + kept * cap * (narrow ? 1 : sizeof(h->v[0])) + sbytes);
	if (!h)
		return NULL;
	h->head = 0;
	h->len = 0;
	h->cap = (uint16_t)cap;
	h->metrics = (uint8_t)metrics;
	h->narrow = narrow;
	h->states = states;
	return h;
}

struct ri_hist *ri_hist_new_sparse(size_t cap)
{
	struct ri_hist *h = malloc(sizeof(*h));

	if (!h)
		return NULL;
	h->head = 0;
	h->len = 0;
	h->cap = (uint16_t)(cap < 1 ? 1 : cap > RI_HIST_LEN ? RI_HIST_LEN : cap);
	h->metrics = 0;
	h->narrow = true;
	h->states = false;
	return h;
}

void ri_hist_clear(struct ri_hist *h)
{
	if (h)
		h->head = h->len = 0;
}

/* Index of metric @m's first sample, or -1 when @h does not keep it. */
static long row(const struct ri_hist *h, enum ri_metric m)
{
	unsigned below;

	if ((unsigned)m >= RI_M_COUNT || !(h->metrics & RI_HIST_METRIC(m)))
		return -1;
	below = h->metrics & (RI_HIST_METRIC(m) - 1);
	return (long)__builtin_popcount(below) * h->cap;
}

/* Where the states' bytes start: after every kept metric's samples. */
static uint8_t *states_base(const struct ri_hist *h)
{
	size_t kept = (size_t)__builtin_popcount(h->metrics);

	return (uint8_t *)h->v + kept * h->cap * (h->narrow ? 1 : sizeof(h->v[0]));
}

/*
 * Whole percents of the sum that add up to exactly 100: the largest
 * remainders get the points rounding leaves. All 0 when nothing is known.
 */
static void states_put(uint8_t out[RI_HIST_NSTATES], const double st[RI_HIST_NSTATES])
{
	double total = 0, rem[RI_HIST_NSTATES];
	int used = 0, i;

	memset(out, 0, RI_HIST_NSTATES);
	if (!st)
		return;
	for (i = 0; i < RI_HIST_NSTATES; i++) {
		if (st[i] < 0 || !isfinite(st[i]))
			return;
		total += st[i];
	}
	if (!(total > 0))
		return;
	for (i = 0; i < RI_HIST_NSTATES; i++) {
		double exact = st[i] * 100.0 / total;

		out[i] = (uint8_t)exact;
		rem[i] = exact - out[i];
		used += out[i];
	}
	while (used < 100) {
		int best = 0;

		for (i = 1; i < RI_HIST_NSTATES; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1;
		used++;
	}
}

void ri_hist_push(struct ri_hist *h, const double v[RI_M_COUNT])
{
	ri_hist_push_states(h, v, NULL);
}

void ri_hist_push_states(struct ri_hist *h, const double v[RI_M_COUNT],
			 const double st[RI_HIST_NSTATES])
{
	uint8_t *b;
	long r;
	int m;

	if (!h)
		return;
	if (h->states)
		states_put(states_base(h) + (size_t)h->head * RI_HIST_NSTATES, st);
	b = (uint8_t *)h->v;
	for (m = 0; m < RI_M_COUNT; m++) {
		if ((r = row(h, (enum ri_metric)m)) < 0)
			continue;
		if (h->narrow)
			b[r + h->head] = ri_hist_encode8(v[m], (enum ri_metric)m);
		else
			h->v[r + h->head] = ri_hist_encode(v[m]);
	}
	h->head = (h->head + 1) % h->cap;
	if (h->len < h->cap)
		h->len++;
}

void ri_hist_push_grow(struct ri_hist **hp, const double v[RI_M_COUNT])
{
	struct ri_hist *h = *hp, *g;
	unsigned add = 0, all;
	int m;

	if (!h)
		return;
	/* Narrow rings without states only: those are the sparse ones. */
	for (m = 0; h->narrow && !h->states && m < RI_M_COUNT; m++)
		if (!(h->metrics & RI_HIST_METRIC(m)) && ri_hist_encode8(v[m], (enum ri_metric)m))
			add |= RI_HIST_METRIC(m);
	if (add) {
		all = h->metrics | add;
		g = malloc(sizeof(*g) + (size_t)__builtin_popcount(all) * h->cap);
		if (g) {
			*g = *h;
			g->metrics = (uint8_t)all;
			for (m = 0; m < RI_M_COUNT; m++) {
				long to = row(g, (enum ri_metric)m), from = row(h, (enum ri_metric)m);

				if (to < 0)
					continue;
				if (from < 0)
					memset((uint8_t *)g->v + to, 0, h->cap);
				else
					memcpy((uint8_t *)g->v + to, (const uint8_t *)h->v + from,
					       h->cap);
			}
			free(h);
			*hp = h = g;
		}
	}
	ri_hist_push(h, v);
}

double ri_hist_get(const struct ri_hist *h, enum ri_metric m, size_t ago)
{
	size_t i;
	long r;

	if (!h || ago >= h->len || (r = row(h, m)) < 0)
		return 0.0;
	i = (size_t)r + (h->head + h->cap - 1 - ago) % h->cap;
	if (h->narrow)
		return ri_hist_decode8(((const uint8_t *)h->v)[i], m);
	return ri_hist_decode(h->v[i]);
}

bool ri_hist_states(const struct ri_hist *h, size_t ago, uint8_t pct[RI_HIST_NSTATES])
{
	const uint8_t *s;
	int i, sum = 0;

	memset(pct, 0, RI_HIST_NSTATES);
	if (!h || !h->states || ago >= h->len)
		return false;
	s = states_base(h) + (size_t)((h->head + h->cap - 1 - ago) % h->cap) * RI_HIST_NSTATES;
	for (i = 0; i < RI_HIST_NSTATES; i++)
		sum += (pct[i] = s[i]);
	return sum > 0;
}
