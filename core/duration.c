// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Parsing durations such as "5m" or "1h30m" (see duration.h). Strict: any
 * byte that is not part of a number and a known unit makes it invalid.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"

static const struct {
	const char *name;
	double seconds;
} units[] = {
	/* "ms" before "m": the longest unit that matches wins. */
	{ "ms", 0.001 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
};

int ri_parse_duration(const char *s, double *out_s)
{
	double total = 0;
	bool any = false;

	if (!s || !*s)
		return -EINVAL;
	while (*s) {
		const char *p = s;
		double v, mul = 0;
		size_t i, len = 0;
		char *end;

		/* strtod would take "inf", "nan", hex and signs: digits only. */
		while ((*p >= '0' && *p <= '9') || *p == '.')
			p++;
		if (p == s || p - s > 32)
			return -EINVAL;
		v = strtod(s, &end);
		if (end != p || !isfinite(v))
			return -EINVAL;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].name);

			if (!strncmp(p, units[i].name, n) && n > len) {
				len = n;
				mul = units[i].seconds;
			}
		}
		if (!len) {
			if (*p)
				return -EINVAL;
			mul = 1; /* a bare number at the end: seconds */
		}
		total += v * mul;
		if (total > 1e12)
			return -EINVAL;
		s = p + len;
		any = true;
	}
	if (!any)
		return -EINVAL;
	*out_s = total;
	return 0;
}
