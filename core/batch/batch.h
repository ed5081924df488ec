/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The batch front end (-b): text or JSON Lines to stdout. */
#ifndef RI_BATCH_H
#define RI_BATCH_H

#include "cli.h"
#include "session.h"

/*
 * Opens @s, then runs until -n ticks, a signal, a closed stdout or the
 * end of the recording. Returns the exit code; the caller closes @s.
 */
int ri_batch_run(const struct ri_opts *o, struct ri_session *s);

#endif /* RI_BATCH_H */
