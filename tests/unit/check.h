/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The unit tests' checks: each CHECK counts a pass or prints where and why
 * it failed, and check_report() prints the tally and gives the exit code.
 * Header-only: every test is one program.
 */
#ifndef RI_TEST_CHECK_H
#define RI_TEST_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned long passed, failed;

static void fail(const char *file, int line, const char *expr,
		 const char *fmt, ...)
{
	va_list ap;

	failed++;
	fprintf(stderr, "%s:%d: FAIL: %s", file, line, expr);
	if (fmt) {
		fputs(" [", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc(']', stderr);
	}
	fputc('\n', stderr);
}

/* @s with anything but printable ASCII as \xNN: failures print safely. */
static inline const char *esc(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

#define CHECK(c)                                                          \
	do {                                                              \
		if (c)                                                    \
			passed++;                                         \
		else                                                      \
			fail(__FILE__, __LINE__, #c, NULL);               \
	} while (0)

/* Integers of any width, compared and printed as 64-bit. */
#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);       \
		if (a_ == b_)                                             \
			passed++;                                         \
		else                                                      \
			fail(__FILE__, __LINE__, #a " == " #b,            \
			     "%lld vs %lld", a_, b_);                     \
	} while (0)

#define CHECK_U64(a, b)                                                   \
	do {                                                              \
		uint64_t a_ = (a), b_ = (b);                              \
		if (a_ == b_)                                             \
			passed++;                                         \
		else                                                      \
			fail(__FILE__, __LINE__, #a " == " #b,            \
			     "%" PRIu64 " vs %" PRIu64, a_, b_);          \
	} while (0)

/* |a - b| <= eps, and never NaN. */
#define CHECK_NEAR(a, b, eps)                                             \
	do {                                                              \
		double a_ = (a), b_ = (b);                                \
		if (fabs(a_ - b_) <= (eps))                               \
			passed++;                                         \
		else                                                      \
			fail(__FILE__, __LINE__, #a " ~= " #b,            \
			     "%.15g vs %.15g", a_, b_);                   \
	} while (0)

#define CHECK_STR(a, b)                                                   \
	do {                                                              \
		const char *a_ = (a), *b_ = (b);                          \
		char ea_[128], eb_[128];                                  \
		if (!strcmp(a_, b_))                                      \
			passed++;                                         \
		else                                                      \
			fail(__FILE__, __LINE__, #a " == " #b,            \
			     "\"%s\" vs \"%s\"",                          \
			     esc(a_, ea_, sizeof(ea_)),                   \
			     esc(b_, eb_, sizeof(eb_)));                  \
	} while (0)

/*
 * Prints "NAME: N checks passed" (or how many failed); the exit code. A
 * test that ran no check at all fails: a main() that returns early, or
 * checks compiled out, would otherwise pass having proved nothing.
 */
static inline int check_report(const char *name)
{
	fflush(stderr);
	if (!passed && !failed) {
		printf("%s: FAIL: no check ran\n", name);
		return 1;
	}
	if (failed) {
		printf("%s: %lu of %lu checks failed\n", name, failed,
		       passed + failed);
		return 1;
	}
	printf("%s: %lu checks passed\n", name, passed);
	return 0;
}

#endif /* RI_TEST_CHECK_H */
