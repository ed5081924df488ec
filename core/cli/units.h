/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Numbers with units, as people type them in a flag or a rule file:
 *
 *   durations  "500ms" "30s" "5m" "5min" "1h" "2d", "1h30m"; a bare number is seconds
 *   sizes      "4096" "64K" "1.5M" "2G" "1T" (1024-based, any case; a
 *              trailing "B" or "iB" is allowed: "2GiB", "64KB")
 *   periods    "/s" "/sec" "/m" "/min" "/h", for rates ("10M/min")
 *
 * Numbers are plain decimals ("12", "0.5", ".5", "-3" where a sign is
 * allowed): no exponents, no hex, no "inf" or "nan", which strtod would
 * take and nobody means.
 *
 * Each parser reads what it can from the start of @s and returns 0 with
 * *@end just past it, or -EINVAL with *@end at the first character that
 * does not fit, so a caller can point at it. The *_arg forms take a whole
 * string (a command-line value) and refuse anything left over.
 */
#ifndef RI_UNITS_H
#define RI_UNITS_H

#include <stdbool.h>
#include <stdint.h>

/* A decimal number; a leading '-' or '+' only when @sign is set. */
int ri_parse_number(const char *s, bool sign, double *v, const char **end);
/* A non-negative duration, in seconds; parts add up ("1h30m"). */
int ri_parse_duration(const char *s, double *secs, const char **end);
/* A size in bytes (signed when @sign), with an optional K/M/G/T suffix. */
int ri_parse_size(const char *s, bool sign, double *bytes, const char **end);
/*
 * A size suffix alone (K, M, G, T, with an optional B or iB), at @s: its
 * multiplier, or 1 with *@end == @s when there is none.
 */
double ri_parse_size_suffix(const char *s, const char **end);
/*
 * A period after a rate, "/s", "/min", ...: its length in seconds. With no
 * '/' at @s it returns 0, sets *@secs to 0 and *@end to @s.
 */
int ri_parse_period(const char *s, double *secs, const char **end);

/* A whole string as a duration (e.g. --growth-window 90s). */
int ri_duration_arg(const char *s, double *secs);
/* A whole string as a size in bytes, one at least (e.g. --max-size 2G). */
int ri_size_arg(const char *s, uint64_t *bytes);

#endif /* RI_UNITS_H */
