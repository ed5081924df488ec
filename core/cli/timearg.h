/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The command line's times, for replay: --from/--to and the replay's
 * jump prompt (a time of day, a date and time, a time back from the end
 * of the recording or on from its start, Unix seconds). Durations and
 * sizes, in them and everywhere else, are units.h's. Pure functions over
 * strings: the fuzzer calls them too.
 */
#ifndef RI_TIMEARG_H
#define RI_TIMEARG_H

enum ri_when_kind {
	RI_WHEN_UNIX,       /* Unix seconds, or a local date and time */
	RI_WHEN_CLOCK,      /* HH:MM[:SS]: seconds after local midnight */
	RI_WHEN_FROM_END,   /* -10m: seconds before the recording's end */
	RI_WHEN_FROM_START, /* +10m: seconds after the recording's start */
};

struct ri_when {
	enum ri_when_kind kind;
	double v;
};

/*
 * Parses a TIME: "HH:MM[:SS]", "YYYY-MM-DD HH:MM[:SS]" (or with a T),
 * "-DURATION", "+DURATION", or Unix seconds. 0, or -EINVAL.
 */
int ri_when_parse(const char *s, struct ri_when *w);
/*
 * The Unix time @w names in a recording from @first to @last (Unix
 * seconds): a time of day is its last occurrence at or before @last.
 */
double ri_when_resolve(const struct ri_when *w, double first, double last);

#endif /* RI_TIMEARG_H */
