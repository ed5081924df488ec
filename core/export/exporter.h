/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics exporter (--listen) as the front ends see it: three calls,
 * in every mode (interactive, batch, -q). One per process, as there is
 * one command line; without --listen every call does nothing.
 *
 *   ri_exporter_prepare  before anything is loaded: binds the port, so a
 *                        bad or busy address fails at once, and a port
 *                        below 1024 works for root (privileges go later)
 *   ri_exporter_attach   right after ri_monitor_open (privileges dropped):
 *                        starts the server threads, which so hold none,
 *                        and feeds the exposition from every tick
 *   ri_exporter_stop     before ri_monitor_close
 */
#ifndef RI_EXPORTER_H
#define RI_EXPORTER_H

#include <stddef.h>

#include "cli.h"
#include "monitor.h"

/* 0, or a negative errno with one sentence in @err (exit 1). */
int ri_exporter_prepare(const struct ri_opts *o, char *err, size_t errlen);
int ri_exporter_attach(struct ri_monitor *mon, char *err, size_t errlen);
void ri_exporter_stop(void);

#endif /* RI_EXPORTER_H */
