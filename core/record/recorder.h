/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The recorder (-w): a sink of the monitor that appends, after every
 * tick, what the source drained and the choice in force to a recording
 * (record.h), with a header saying what ran. Opened before the monitor,
 * so a path that cannot be written stops the tool before anything is
 * loaded; attached after, when there is a first drain to record.
 */
#ifndef RI_RECORDER_H
#define RI_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor.h"

struct ri_recorder_opts {
	const char *path;    /* -w PATH: a file, or a directory of hourly files */
	double keep_s;       /* --keep: a directory's files older go; 0 = 7 days */
	uint64_t max_size;   /* --max-size: the oldest files past it go; 0 = no limit */
	const char *group;   /* --group: who may read the files; NULL: adm for a directory */
	double interval_s;   /* -d, as the header says it */
	int argc;            /* the command line, as the header says it */
	char *const *argv;
};

struct ri_recorder;

/* Opens @o->path. One sentence in @err. */
int ri_recorder_open(const struct ri_recorder_opts *o, struct ri_recorder **out,
		     char *err, size_t errlen);
/*
 * Records the monitor's first drain (the starting point of the figures)
 * and every tick from now on.
 */
void ri_recorder_attach(struct ri_recorder *r, struct ri_monitor *mon);
/*
 * A sentence for the user when recording stopped (a full disk, a write
 * error) or resumed since the last call, else NULL: each is said once.
 */
const char *ri_recorder_news(struct ri_recorder *r);
/* The step the header says, when it is not -d's (a recording relayed). */
void ri_recorder_interval(struct ri_recorder *r, double s);
/* -w -: the reader of the stream went away (a run that only records ends). */
bool ri_recorder_gone(const struct ri_recorder *r);
void ri_recorder_close(struct ri_recorder *r);

#endif /* RI_RECORDER_H */
