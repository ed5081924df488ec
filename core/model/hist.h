/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * History rings: a number of samples per metric, newest last, stored as
 * 16-bit logarithms (0.05% relative precision from 1e-6 to 2^64, and exact
 * 0), or, for rings drawn only as a one-row sparkline of 8 levels (a
 * thread's), as 8-bit logarithms over each metric's plausible range
 * (within 3% for CPU%, 5% for RSS, 6.5% for rates; exact 0; clamped at
 * the ends). A ring is allocated apart from the task it belongs to, holds only
 * the metrics asked for and only as many samples as its user can show or
 * fit (the detail panel's five minutes, a table sparkline's width, the
 * growth window), and only where a history is kept at all: a batch run
 * keeps no thread rings and only the RSS of processes, for the growth fit.
 * Every reader goes through ri_hist_len / ri_hist_get, which take NULL for
 * a task that keeps no history.
 *
 * A process's ring may also keep where its threads' time went (the
 * detail panel's STATES graph): per sample, one byte per state, the
 * state's whole percent of the time of all its threads (CPU, RUNQ, then
 * enum ri_state's). 8 bytes a sample, 2.4 KiB over 300 samples, kept only
 * when asked for (RI_HIST_STATES: the TUI's processes, not thread rows,
 * groups or batch).
 */
#ifndef RI_HIST_H
#define RI_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most samples a ring holds: 300 ticks, 5 minutes at -d 1. */
#define RI_HIST_LEN 300

enum ri_metric {
	RI_M_CPU,   /* CPU% */
	RI_M_MEM,   /* RSS bytes (MEM% = RSS / MemTotal) */
	RI_M_READ,  /* logical read bytes/s */
	RI_M_WRITE, /* logical write bytes/s */
	RI_M_NET_RX, /* bytes/s received through sockets (0 where not counted) */
	RI_M_NET_TX, /* bytes/s sent through sockets */
	RI_M_COUNT
};

/* Masks of metrics a ring keeps. */
#define RI_HIST_METRIC(m) (1u << (m))
#define RI_HIST_ALL ((1u << RI_M_COUNT) - 1)
/* Also the states (with the metrics of the mask; alone: with them all). */
#define RI_HIST_STATES (1u << RI_M_COUNT)
/* States a sample keeps: CPU, RUNQ, then enum ri_state's. */
#define RI_HIST_NSTATES 8

struct ri_hist {
	uint32_t head;    /* next slot to write */
	uint32_t len;     /* valid samples, <= cap */
	uint16_t cap;     /* samples kept of each metric */
	uint8_t metrics;  /* RI_HIST_METRIC mask of the metrics kept */
	uint8_t narrow;   /* samples are 8-bit (ri_hist_encode8) */
	uint8_t states;   /* RI_HIST_STATES: cap * RI_HIST_NSTATES bytes follow */
	uint16_t v[];     /* cap samples of each kept metric, in metric order
			     (bytes, not 16-bit words, when narrow), then
			     the states' bytes, a sample's together */
};

/*
 * A ring of @cap samples (1..RI_HIST_LEN) of the metrics in @metrics
 * (0: all), 8-bit ones if @narrow; NULL when out of memory. Freed with
 * free().
 */
struct ri_hist *ri_hist_new(size_t cap, unsigned metrics, bool narrow);
/*
 * A ring of @cap 8-bit samples that stores no metric yet: each one gets
 * its samples with its first one other than 0 (ri_hist_push_grow), the
 * earlier ones 0, as they were. A metric it does not store reads 0. Most
 * threads sleep, read and write nothing, and have only their RSS to
 * store: 76 bytes, where a ring of every metric takes 376.
 */
struct ri_hist *ri_hist_new_sparse(size_t cap);
/* Empties @h, keeping its size. */
void ri_hist_clear(struct ri_hist *h);
/* Valid samples; 0 for NULL. */
static inline size_t ri_hist_len(const struct ri_hist *h)
{
	return h ? h->len : 0;
}
/* Samples the ring can hold; 0 for NULL. */
static inline size_t ri_hist_cap(const struct ri_hist *h)
{
	return h ? h->cap : 0;
}
/* Sample @ago ticks back (0 = newest); 0 when absent or not kept. */
double ri_hist_get(const struct ri_hist *h, enum ri_metric m, size_t ago);
/* Appends one sample of every metric (those not kept are ignored). */
void ri_hist_push(struct ri_hist *h, const double v[RI_M_COUNT]);
/*
 * The same into a ring of ri_hist_new_sparse(), storing first each metric
 * whose first sample other than 0 this is: *@hp may move (freed with
 * free() as ever). Out of memory, the sample goes in without the metrics
 * it would have added.
 */
void ri_hist_push_grow(struct ri_hist **hp, const double v[RI_M_COUNT]);
/*
 * The same, with where the time went: @st the percent (of any total) of
 * each state, negative or NULL when not known (the sample then has none).
 */
void ri_hist_push_states(struct ri_hist *h, const double v[RI_M_COUNT],
			 const double st[RI_HIST_NSTATES]);
/* Whether @h keeps the states. */
static inline bool ri_hist_has_states(const struct ri_hist *h)
{
	return h && h->states;
}
/*
 * The share, in whole percent of their sum, of each state in the sample
 * @ago ticks back, into @pct; false (and zeros) when the sample has none.
 */
bool ri_hist_states(const struct ri_hist *h, size_t ago,
		    uint8_t pct[RI_HIST_NSTATES]);
uint16_t ri_hist_encode(double x);
double ri_hist_decode(uint16_t e);
uint8_t ri_hist_encode8(double x, enum ri_metric m);
double ri_hist_decode8(uint8_t e, enum ri_metric m);

#endif /* RI_HIST_H */
