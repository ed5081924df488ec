/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The batch front end's part on alerts (batch_alerts.c): one text line
 * per transition, the JSON "alerts" list of every tick, and the
 * --alert-exec counters.
 */
#ifndef RI_BATCH_ALERTS_H
#define RI_BATCH_ALERTS_H

#include <stdio.h>

#include "alerts.h"
#include "hook.h"

/* "ALERT <time> <state> pid <pid> (<comm>) value <v> ... rule: <rule>" lines. */
void ri_batch_alerts_text(FILE *f, const struct ri_alerts *a, struct ri_hook *h);
/* ,"alerts":[...] (always, empty without rules) and ,"alert_exec":{...}. */
void ri_batch_alerts_json(FILE *f, const struct ri_alerts *a, struct ri_hook *h);

#endif /* RI_BATCH_ALERTS_H */
