/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the metrics endpoint exposes, computed from the model once per
 * tick: counters that only grow, per process name (every process folded
 * by comm, exited ones kept in their group), per chosen process and,
 * optionally, per thread name of the chosen processes; and the exposition
 * of all of it rendered once into two buffers, the Prometheus text format
 * 0.0.4 and OpenMetrics 1.0, which the server (http.c) then serves as is.
 *
 * Cardinality is the tool's business: at most max_series series; past
 * it, chosen processes' and threads' series are left out (their counts
 * stay in their group) and the smallest groups fold into comm="other".
 * A group or process whose tasks are gone keeps its series for
 * linger_s, so a counter does not vanish and come back between scrapes.
 *
 * metrics_acc.c holds the accumulators, metrics.c the families and the
 * rendering. Like the model, none of it does I/O.
 */
#ifndef RI_METRICS_H
#define RI_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define RI_METRICS_MAX_SERIES 10000
#define RI_METRICS_MIN_SERIES 100
#define RI_METRICS_LINGER_S 300.0

/* A growable byte buffer; a failed allocation is remembered in oom. */
struct ri_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

void ri_buf_put(struct ri_buf *b, const char *s, size_t n);
void ri_buf_puts(struct ri_buf *b, const char *s);
void ri_buf_free(struct ri_buf *b);

/* One tick's exposition, in both formats. */
struct ri_expo {
	struct ri_buf text; /* text/plain; version=0.0.4 */
	struct ri_buf om;   /* application/openmetrics-text; version=1.0.0, ends "# EOF" */
	size_t series;      /* samples in it */
	/* while rendering: the family whose samples are being written */
	const struct ri_mx_family *family;
};

struct ri_metrics_opts {
	size_t max_series;  /* 0: RI_METRICS_MAX_SERIES */
	double linger_s;    /* < 0: RI_METRICS_LINGER_S */
	bool threads;       /* per-thread-name series of the chosen processes */
};

/* What the exposition says of the tool itself. */
struct ri_metrics_self {
	const char *version, *source, *probe;
	uint64_t events;  /* context switches seen, cumulative */
	double tick_s;    /* how long the last complete tick took */
	double cpu_s;     /* CPU time the exporter took in the last tick */
};

struct ri_metrics;

struct ri_metrics *ri_metrics_new(const struct ri_metrics_opts *o);
void ri_metrics_free(struct ri_metrics *mx);
/* After every ri_model_update: the tick's figures into the counters. */
int ri_metrics_update(struct ri_metrics *mx, const struct ri_model *m);
/*
 * The exposition of the last update, both formats (buffers reused), but
 * its end: families of other parts of the tool (alerts) may follow, then
 * ri_metrics_finish, which writes the series count (counting them too)
 * and ends the exposition. 0, or -ENOMEM (then serve the last one).
 */
int ri_metrics_render(const struct ri_metrics *mx, const struct ri_model *m,
		      const struct ri_metrics_self *self, struct ri_expo *out);
int ri_metrics_finish(const struct ri_metrics *mx, struct ri_expo *out);
/* Series the bound kept out so far: folded into "other" or left out. */
uint64_t ri_metrics_folded(const struct ri_metrics *mx);

/*
 * The renderer, for whoever adds a family (one table entry and a loop):
 * ri_expo_sample_*() writes one sample of @f, preceded by the family's
 * metadata the first time, in each format's own words. @labels is
 * 'name="value",...' already escaped (ri_mx_label), or NULL.
 */
enum ri_mx_type { RI_MX_COUNTER, RI_MX_GAUGE, RI_MX_INFO };

struct ri_mx_family {
	const char *name; /* without _total (counters) or _info (info) */
	enum ri_mx_type type;
	const char *unit; /* the name's own suffix ("seconds", "bytes") or NULL */
	const char *help;
};

void ri_expo_reset(struct ri_expo *e);
void ri_expo_sample_u64(struct ri_expo *e, const struct ri_mx_family *f,
			const char *labels, uint64_t v);
/* A count of nanoseconds, written as exact decimal seconds. */
void ri_expo_sample_ns(struct ri_expo *e, const struct ri_mx_family *f,
		       const char *labels, uint64_t ns);
void ri_expo_sample_double(struct ri_expo *e, const struct ri_mx_family *f,
			   const char *labels, double v);
/* The end of the exposition ("# EOF" in OpenMetrics). */
void ri_expo_finish(struct ri_expo *e);
void ri_expo_free(struct ri_expo *e);

/* Longest label value a comm becomes: 15 bytes, each at most 3 (U+FFFD). */
#define RI_MX_VALUE_MAX 48
/*
 * @s (at most @n bytes, up to a NUL) as a label value: valid UTF-8, each
 * byte of an invalid sequence replaced by U+FFFD. Returns @out.
 */
char *ri_mx_value(char out[RI_MX_VALUE_MAX], const char *s, size_t n);
/*
 * Appends name="value" to @out (of @len bytes, NUL-terminated, after a
 * comma when not empty), the value escaped as both formats want.
 */
void ri_mx_label(char *out, size_t len, const char *name, const char *value);

#endif /* RI_METRICS_H */
