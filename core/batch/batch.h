/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The batch front end (-b): text or JSON Lines to stdout. */
#ifndef RI_BATCH_H
#define RI_BATCH_H

#include "cli.h"
#include "monitor.h"

/* Runs until -n ticks, a signal or a closed stdout. Returns the exit code. */
int ri_batch_run(const struct ri_opts *o, struct ri_monitor_opts *mo);

#endif /* RI_BATCH_H */
