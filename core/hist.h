/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * History rings: a fixed number of samples per metric, newest last,
 * stored as 16-bit logarithms (0.05% relative precision from 1e-6 to 2^64,
 * and exact 0): 2.4 KiB per task instead of 9.6, which matters with tens
 * of thousands of threads.
 */
#ifndef RI_HIST_H
#define RI_HIST_H

#include <stddef.h>
#include <stdint.h>

/* Samples kept per process and per thread: 300 ticks, 5 minutes at -d 1. */
#define RI_HIST_LEN 300

enum ri_metric {
	RI_M_CPU,   /* CPU% */
	RI_M_MEM,   /* RSS bytes (MEM% = RSS / MemTotal) */
	RI_M_READ,  /* logical read bytes/s */
	RI_M_WRITE, /* logical write bytes/s */
	RI_M_COUNT
};

struct ri_hist {
	uint16_t v[RI_M_COUNT][RI_HIST_LEN];
	uint32_t head; /* next slot to write */
	uint32_t len;  /* valid samples, <= RI_HIST_LEN */
};

/* Sample @ago ticks back (0 = newest); 0 when @ago >= h->len. */
double ri_hist_get(const struct ri_hist *h, enum ri_metric m, size_t ago);
void ri_hist_push(struct ri_hist *h, const double v[RI_M_COUNT]);
uint16_t ri_hist_encode(double x);
double ri_hist_decode(uint16_t e);

#endif /* RI_HIST_H */
