/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics exporter (--listen) as the session sees it: three calls, in
 * every mode (the screen, batch, -q), live or replayed.
 *
 *   ri_exporter_prepare  before anything is loaded: binds the port, so a
 *                        bad or busy address fails at once, and a port
 *                        below 1024 works for root (privileges go later)
 *   ri_exporter_attach   once the monitor is attached (privileges
 *                        dropped): starts the server threads, which so
 *                        hold none, and feeds the exposition from every tick
 *   ri_exporter_stop     before the monitor closes; frees the exporter
 */
#ifndef RI_EXPORTER_H
#define RI_EXPORTER_H

#include <stddef.h>

#include "listen.h"
#include "metrics.h"
#include "monitor.h"

struct ri_exporter_opts {
	struct ri_listen addr;          /* --listen [ADDR:]PORT */
	struct ri_metrics_opts metrics; /* --max-series, --metrics-linger, --metrics-threads */
};

struct ri_exporter;

/* 0, or a negative errno with one sentence in @err (exit 1). */
int ri_exporter_prepare(const struct ri_exporter_opts *o, struct ri_exporter **out,
			char *err, size_t errlen);
int ri_exporter_attach(struct ri_exporter *x, struct ri_monitor *mon, char *err,
		       size_t errlen);
/* NULL: nothing. */
void ri_exporter_stop(struct ri_exporter *x);

#endif /* RI_EXPORTER_H */
