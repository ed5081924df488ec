// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Numbers with units: durations, sizes and the periods of rates (see
 * units.h for what each accepts). One place, so "5m" or "2G" means the
 * same in every flag and every alert rule.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

/* Longer than any number a person means: refused rather than guessed. */
#define MAX_DIGITS 40

int ri_parse_number(const char *s, bool sign, double *v, const char **end)
{
	const char *p = s, *start;
	char buf[MAX_DIGITS + 2];
	size_t n;
	int digits = 0;

	*end = s;
	if (sign && (*p == '-' || *p == '+'))
		p++;
	start = p;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	if (!digits) {
		*end = start;
		return -EINVAL;
	}
	n = (size_t)(p - s);
	if (n > MAX_DIGITS)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, NULL);
	if (!isfinite(*v))
		return -EINVAL;
	*end = p;
	return 0;
}

/* Whether the word at @s is @w, not followed by more letters. */
static bool word_is(const char *s, const char *w)
{
	size_t n = strlen(w);

	return !strncasecmp(s, w, n) && !isalnum((unsigned char)s[n]);
}

/* Whether the unit @w is at @s, not followed by more letters (a digit may
 * follow: the next part of "1h30m"). */
static bool unit_is(const char *s, const char *w)
{
	size_t n = strlen(w);

	return !strncasecmp(s, w, n) && !isalpha((unsigned char)s[n]);
}

int ri_parse_duration(const char *s, double *secs, const char **end)
{
	static const struct {
		const char *name;
		double secs;
	} units[] = {
		{ "ms", 1e-3 }, { "s", 1 },     { "sec", 1 }, { "m", 60 },
		{ "min", 60 },  { "h", 3600 }, { "d", 86400 },
	};
	const char *p = s;
	double total = 0;

	/* Parts add up ("1h30m", "1m30"); a bare number ends the duration. */
	for (;;) {
		const char *q;
		double v;
		size_t i;
		int err = ri_parse_number(p, false, &v, &q);

		*end = q;
		if (err)
			return err;
		if (!isalpha((unsigned char)*q)) {
			*secs = total + v;
			return 0;
		}
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (unit_is(q, units[i].name))
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL; /* *end at the unit that is not one */
		total += v * units[i].secs;
		if (total > 1e12)
			return -EINVAL;
		p = q + strlen(units[i].name);
		*end = p;
		if (!isdigit((unsigned char)*p)) {
			*secs = total;
			return 0;
		}
	}
}

double ri_parse_size_suffix(const char *s, const char **end)
{
	static const char letters[] = "KMGT";
	const char *l = *s ? strchr(letters, toupper((unsigned char)*s)) : NULL;
	const char *p = s + 1;
	double mult;

	*end = s;
	if (!l)
		return 1;
	mult = pow(1024.0, (double)(l - letters + 1));
	if ((p[0] == 'i' || p[0] == 'I') && (p[1] == 'B' || p[1] == 'b'))
		p += 2;
	else if (p[0] == 'B' || p[0] == 'b')
		p++;
	if (isalnum((unsigned char)*p))
		return 1; /* "2Gx", "5min": not a size suffix */
	*end = p;
	return mult;
}

int ri_parse_size(const char *s, bool sign, double *bytes, const char **end)
{
	const char *p;
	double v;
	int err = ri_parse_number(s, sign, &v, &p);

	*end = p;
	if (err)
		return err;
	*bytes = v * ri_parse_size_suffix(p, end);
	if (*end == p && (*p == 'B' || *p == 'b') && !isalnum((unsigned char)p[1]))
		*end = p + 1; /* "4096B" */
	return 0;
}

int ri_parse_period(const char *s, double *secs, const char **end)
{
	static const struct {
		const char *name;
		double secs;
	} periods[] = {
		{ "s", 1 }, { "sec", 1 }, { "m", 60 }, { "min", 60 }, { "h", 3600 },
	};
	size_t i;

	*end = s;
	*secs = 0;
	if (*s != '/')
		return 0;
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		if (word_is(s + 1, periods[i].name)) {
			*secs = periods[i].secs;
			*end = s + 1 + strlen(periods[i].name);
			return 0;
		}
	}
	*end = s + 1;
	return -EINVAL;
}

int ri_duration_arg(const char *s, double *secs)
{
	const char *end;

	if (ri_parse_duration(s, secs, &end) || *end)
		return -EINVAL;
	return 0;
}

int ri_size_arg(const char *s, uint64_t *bytes)
{
	const char *end;
	double v;

	if (!s || ri_parse_size(s, false, &v, &end) || *end || !(v >= 1) || v > 9e18)
		return -EINVAL;
	*bytes = (uint64_t)v;
	return 0;
}
