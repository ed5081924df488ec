// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* History rings and their 16-bit logarithmic codec. */
#include <math.h>

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

void ri_hist_push(struct ri_hist *h, const double v[RI_M_COUNT])
{
	int m;

	for (m = 0; m < RI_M_COUNT; m++)
		h->v[m][h->head] = ri_hist_encode(v[m]);
	h->head = (h->head + 1) % RI_HIST_LEN;
	if (h->len < RI_HIST_LEN)
		h->len++;
}

double ri_hist_get(const struct ri_hist *h, enum ri_metric m, size_t ago)
{
	size_t i;

	if (ago >= h->len || m >= RI_M_COUNT)
		return 0.0;
	i = (h->head + RI_HIST_LEN - 1 - ago) % RI_HIST_LEN;
	return ri_hist_decode(h->v[m][i]);
}
