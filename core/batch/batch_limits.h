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

#endif /* RI_BATCH_LIMITS_H */
