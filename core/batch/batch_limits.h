/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a process can run out of, in batch output: its limits' JSON keys
 * (figures.h's RI_LIMIT_FIELDS, RI_RESOURCES and RI_CG_FIELDS, iterated)
 * and the HEADROOM and ETA cells of the text table.
 */
#ifndef RI_BATCH_LIMITS_H
#define RI_BATCH_LIMITS_H

#include <stdio.h>

#include "model.h"

/* The process's limit keys, each ",\"key\":value", null where unknown. */
void ri_batch_limits_json(FILE *f, const struct ri_model *m, const struct ri_proc *p);

/*
 * The HEADROOM and ETA cells of @p's text row ("fd 91%", "fd 14m"),
 * "-" where it has none (a thread, a fold, unknown limits, no trend).
 */
void ri_batch_limits_cells(const struct ri_proc *p, char *room, size_t rl, char *eta,
			   size_t el);

#endif /* RI_BATCH_LIMITS_H */
