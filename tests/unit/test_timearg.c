// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the command line's times, durations and sizes
 * (core/cli/timearg.c, and units.c for sizes): every documented form, what each resolves to in a
 * recording (a time of day is its last occurrence by the recording's
 * end), and the near misses that must be refused rather than guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timearg.h"
#include "units.h"
#include "check.h"

/* -DURATION: duration.c's forms, seconds back from the end. */
static int back(const char *d, double *s)
{
	struct ri_when w;
	char b[64];

	snprintf(b, sizeof(b), "-%s", d);
	if (ri_when_parse(b, &w))
		return -1;
	CHECK_EQ(w.kind, RI_WHEN_FROM_END);
	*s = w.v;
	return 0;
}

static void test_durations(void)
{
	double s;

	CHECK_EQ(back("90", &s), 0);
	CHECK_NEAR(s, 90, 0);
	CHECK_EQ(back("30s", &s), 0);
	CHECK_NEAR(s, 30, 0);
	CHECK_EQ(back("10m", &s), 0);
	CHECK_NEAR(s, 600, 0);
	CHECK_EQ(back("2h", &s), 0);
	CHECK_NEAR(s, 7200, 0);
	CHECK_EQ(back("7d", &s), 0);
	CHECK_NEAR(s, 7 * 86400, 0);
	CHECK_EQ(back("1h30m", &s), 0);
	CHECK_NEAR(s, 5400, 0);
	CHECK_EQ(back("1.5h", &s), 0);
	CHECK_NEAR(s, 5400, 0);
	CHECK_EQ(back("1d2h3m4s", &s), 0);
	CHECK_NEAR(s, 86400 + 7200 + 180 + 4, 0);
	CHECK_EQ(back("0s", &s), 0); /* the end itself */
	CHECK_NEAR(s, 0, 0);
	CHECK(back("", &s) < 0);
	CHECK(back("-5m", &s) < 0);
	CHECK(back("5 m", &s) < 0);
	CHECK(back("5x", &s) < 0);
	CHECK(back("m", &s) < 0);
	CHECK(back("1e400", &s) < 0);
	CHECK(back("nan", &s) < 0);
	CHECK(back("99999999d", &s) < 0);
}

static void test_sizes(void)
{
	uint64_t b;

	CHECK_EQ(ri_size_arg("4096", &b), 0);
	CHECK_U64(b, 4096);
	CHECK_EQ(ri_size_arg("64K", &b), 0);
	CHECK_U64(b, 65536);
	CHECK_EQ(ri_size_arg("500M", &b), 0);
	CHECK_U64(b, 500ull << 20);
	CHECK_EQ(ri_size_arg("2G", &b), 0);
	CHECK_U64(b, 2ull << 30);
	CHECK_EQ(ri_size_arg("1.5GB", &b), 0);
	CHECK_U64(b, 3ull << 29);
	CHECK_EQ(ri_size_arg("1T", &b), 0);
	CHECK_U64(b, 1ull << 40);
	CHECK(ri_size_arg("", &b) < 0);
	CHECK(ri_size_arg("0", &b) < 0);
	CHECK(ri_size_arg("-1M", &b) < 0);
	CHECK(ri_size_arg("2Q", &b) < 0);
	CHECK(ri_size_arg("M", &b) < 0);
	CHECK(ri_size_arg("1e30", &b) < 0);
}

static void test_times(void)
{
	struct ri_when w;
	/* A recording from 2026-11-27 02:00:00 to 03:30:00 UTC. */
	double first = 1795744800.0, last = first + 5400;

	setenv("TZ", "UTC", 1);
	tzset();
	CHECK_EQ(ri_when_parse("03:10", &w), 0);
	CHECK_EQ(w.kind, RI_WHEN_CLOCK);
	CHECK_NEAR(ri_when_resolve(&w, first, last), first + 4200, 0);
	CHECK_EQ(ri_when_parse("03:10:30", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), first + 4230, 0);
	/* Later than the end on its day: the day before. */
	CHECK_EQ(ri_when_parse("23:00", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), first - 3 * 3600, 0);
	CHECK_EQ(ri_when_parse("2026-11-27 02:30", &w), 0);
	CHECK_EQ(w.kind, RI_WHEN_UNIX);
	CHECK_NEAR(ri_when_resolve(&w, first, last), first + 1800, 0);
	CHECK_EQ(ri_when_parse("2026-11-27T02:30:15", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), first + 1815, 0);
	CHECK_EQ(ri_when_parse("-10m", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), last - 600, 0);
	CHECK_EQ(ri_when_parse("-2h", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), last - 7200, 0);
	CHECK_EQ(ri_when_parse("-0s", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), last, 0);
	CHECK_EQ(ri_when_parse("+90s", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), first + 90, 0);
	CHECK_EQ(ri_when_parse("1795748400", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), 1795748400.0, 0);
	CHECK_EQ(ri_when_parse("1795748400.25", &w), 0);
	CHECK_NEAR(ri_when_resolve(&w, first, last), 1795748400.25, 0);
	/* Near misses. */
	CHECK(ri_when_parse("", &w) < 0);
	CHECK(ri_when_parse("3:10", &w) < 0);
	CHECK(ri_when_parse("24:00", &w) < 0);
	CHECK(ri_when_parse("03:60", &w) < 0);
	CHECK(ri_when_parse("03:10:", &w) < 0);
	CHECK(ri_when_parse("03:10:5", &w) < 0);
	CHECK(ri_when_parse("2026-02-31 02:00", &w) < 0);
	CHECK(ri_when_parse("2026-13-01 02:00", &w) < 0);
	CHECK(ri_when_parse("2026-11-27", &w) < 0);
	CHECK(ri_when_parse("2026-11-27 02:00x", &w) < 0);
	CHECK(ri_when_parse("-", &w) < 0);
	CHECK(ri_when_parse("-10", &w) == 0);
	CHECK(ri_when_parse("--10m", &w) < 0);
	CHECK(ri_when_parse("10m", &w) < 0);
	CHECK(ri_when_parse("yesterday", &w) < 0);
	CHECK(ri_when_parse("1e12", &w) < 0);
}

int main(void)
{
	test_durations();
	test_sizes();
	test_times();
	return check_report("test_timearg");
}
