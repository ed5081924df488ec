// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Times as the user writes them (timearg.h; the durations in them are
 * units.c's). Strict: anything but the forms documented is -EINVAL, so a
 * typo is a usage error and never a silent seek to somewhere else.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "units.h"
#include "timearg.h"

/* "HH:MM" or "HH:MM:SS" at @s, exactly; seconds after midnight. */
static int clock_of(const char *s, int *h, int *m, int *sec)
{
	int n = 0;

	*sec = 0;
	if (sscanf(s, "%2d:%2d%n", h, m, &n) != 2 || n != 5)
		return -EINVAL;
	if (s[n] == ':') {
		int k = 0;

		if (sscanf(s + n + 1, "%2d%n", sec, &k) != 1 || k != 2)
			return -EINVAL;
		n += 3;
	}
	if (s[n] || *h < 0 || *h > 23 || *m < 0 || *m > 59 || *sec < 0 || *sec > 60)
		return -EINVAL;
	return 0;
}

int ri_when_parse(const char *s, struct ri_when *w)
{
	int y, mo, d, h, m, sec, n = 0;
	double v;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	if (*s == '-' || *s == '+') {
		/* "-0s" is the end itself. */
		if (ri_duration_arg(s + 1, &v))
			return -EINVAL;
		w->kind = *s == '-' ? RI_WHEN_FROM_END : RI_WHEN_FROM_START;
		w->v = v;
		return 0;
	}
	if (!clock_of(s, &h, &m, &sec)) {
		w->kind = RI_WHEN_CLOCK;
		w->v = h * 3600.0 + m * 60.0 + sec;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10 &&
	    (s[10] == ' ' || s[10] == 'T') && !clock_of(s + 11, &h, &m, &sec)) {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
				 .tm_hour = h, .tm_min = m, .tm_sec = sec,
				 .tm_isdst = -1 };
		time_t t;

		if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31)
			return -EINVAL;
		t = mktime(&tm);
		/* mktime normalises 31 February: that is no date. */
		if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
			return -EINVAL;
		w->kind = RI_WHEN_UNIX;
		w->v = (double)t;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0 || v > 253402300799.0)
		return -EINVAL;
	w->kind = RI_WHEN_UNIX;
	w->v = v;
	return 0;
}

double ri_when_resolve(const struct ri_when *w, double first, double last)
{
	time_t t = (time_t)last;
	struct tm tm;
	double at;
	int sod;

	switch (w->kind) {
	case RI_WHEN_FROM_END:
		return last - w->v;
	case RI_WHEN_FROM_START:
		return first + w->v;
	case RI_WHEN_CLOCK:
		sod = (int)w->v;
		localtime_r(&t, &tm);
		tm.tm_hour = sod / 3600;
		tm.tm_min = sod / 60 % 60;
		tm.tm_sec = sod % 60;
		tm.tm_isdst = -1;
		at = (double)mktime(&tm);
		if (at > last) {
			/* Not yet that time on the last day: the day before. */
			localtime_r(&t, &tm);
			tm.tm_mday -= 1;
			tm.tm_hour = sod / 3600;
			tm.tm_min = sod / 60 % 60;
			tm.tm_sec = sod % 60;
			tm.tm_isdst = -1;
			at = (double)mktime(&tm);
		}
		return at;
	default:
		return w->v;
	}
}
