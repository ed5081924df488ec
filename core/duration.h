/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Durations on the command line: "300", "90s", "500ms", "5m", "1h30m",
 * "2.5h", "1d". A bare number is seconds.
 */
#ifndef RI_DURATION_H
#define RI_DURATION_H

/*
 * Parses @s into seconds. Every part is a non-negative number with a unit
 * (ms, s, m, h, d); the last part may omit it (seconds). 0 or -EINVAL.
 */
int ri_parse_duration(const char *s, double *out_s);

#endif /* RI_DURATION_H */
