// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the text helpers (core/text/format.c): unit scaling that never
 * outgrows its column, CPU time and percentages, JSON strings that stay
 * valid JSON and lossless for any bytes a comm may hold, and printable
 * copies that can never put a control character on a terminal.
 *
 * The JSON check is a small validator and decoder written here, so the
 * test needs nothing but libc. Plain C, no root: exit 0 when every check
 * passes, 1 otherwise, one line per failed check and a last line with the
 * count.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "check.h"

/*
 * A loop of many cases is one check: it counts once, and on failure says
 * how many cases failed and shows the first.
 */
struct many {
	unsigned long bad;
	char first[256];
};

static void many_bad(struct many *m, const char *fmt, ...)
{
	va_list ap;

	if (!m->bad++) {
		va_start(ap, fmt);
		vsnprintf(m->first, sizeof(m->first), fmt, ap);
		va_end(ap);
	}
}

#define CHECK_MANY(m, what)                                               \
	do {                                                              \
		if (!(m)->bad)                                            \
			passed++;                                         \
		else                                                      \
			fail(__FILE__, __LINE__, what, "%lu bad, first: %s", \
			     (m)->bad, (m)->first);                       \
	} while (0)

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* --- UTF-8, independently of format.c -------------------------------------- */

/*
 * Length of the well-formed UTF-8 sequence at @s (Unicode table 3-7), 0
 * if none; its code point in @cp.
 */
static size_t u8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t c;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		len = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		len = 3;
		c = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;
		if (b == 0xed)
			hi = 0x9f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		len = 4;
		c = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;
		if (b == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/* What a JSON reader must get back: text as text, other bytes as U+00XX. */
static size_t expected_cps(const unsigned char *s, size_t n, uint32_t *out)
{
	size_t i = 0, k, o = 0;
	uint32_t cp;

	while (i < n && s[i]) {
		k = u8_decode(s + i, n - i, &cp);
		if (k) {
			out[o++] = cp;
			i += k;
		} else {
			out[o++] = s[i++];
		}
	}
	return o;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Validates @j (@n bytes) as exactly one JSON string (RFC 8259) and
 * decodes it into code points. Returns the count, or -1 with @why set.
 */
static long json_string(const char *j, size_t n, uint32_t *out, size_t max,
			const char **why)
{
	const unsigned char *s = (const unsigned char *)j;
	size_t i = 1, o = 0, k;
	uint32_t cp;
	int h, d;

	if (n < 2 || s[0] != '"') {
		*why = "does not start with a quote";
		return -1;
	}
	for (;;) {
		if (i >= n) {
			*why = "unterminated";
			return -1;
		}
		if (s[i] == '"')
			break;
		if (o >= max) {
			*why = "too long";
			return -1;
		}
		if (s[i] < 0x20) {
			*why = "raw control character";
			return -1;
		}
		if (s[i] != '\\') {
			k = u8_decode(s + i, n - i, &cp);
			if (!k) {
				*why = "invalid UTF-8";
				return -1;
			}
			out[o++] = cp;
			i += k;
			continue;
		}
		if (i + 1 >= n) {
			*why = "backslash at the end";
			return -1;
		}
		switch (s[i + 1]) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (i + 6 > n) {
				*why = "short \\u escape";
				return -1;
			}
			for (cp = 0, d = 2; d < 6; d++) {
				h = hexval(s[i + d]);
				if (h < 0) {
					*why = "bad hex in \\u escape";
					return -1;
				}
				cp = cp << 4 | (uint32_t)h;
			}
			/* A lone surrogate is not text. */
			if (cp >= 0xd800 && cp <= 0xdfff) {
				*why = "surrogate escape";
				return -1;
			}
			i += 4;
			break;
		default:
			*why = "unknown escape";
			return -1;
		}
		out[o++] = cp;
		i += 2;
	}
	if (i + 1 != n) {
		*why = "bytes after the closing quote";
		return -1;
	}
	return (long)o;
}

/* ri_json_str into @buf; one stream reused, as the cases run by the million. */
static size_t json_of(char *buf, size_t cap, const void *s, size_t n)
{
	static char mem[1024];
	static FILE *f;
	long len;

	if (!f)
		f = fmemopen(mem, sizeof(mem), "w");
	if (!f)
		exit(1);
	rewind(f);
	ri_json_str(f, s, n);
	fflush(f);
	len = ftell(f);
	if (len < 0 || (size_t)len >= cap || (size_t)len >= sizeof(mem))
		len = 0;
	memcpy(buf, mem, (size_t)len);
	return (size_t)len;
}

/* One input through ri_json_str: valid JSON that decodes to the input. */
static void json_case(struct many *m, const unsigned char *s, size_t n)
{
	char buf[512], e[600];
	uint32_t got[64], want[64];
	const char *why = NULL;
	size_t len = json_of(buf, sizeof(buf), s, n), nw, i;
	long ng;

	buf[len] = '\0';

	ng = json_string(buf, len, got, 64, &why);
	nw = expected_cps(s, n, want);
	if (ng < 0) {
		many_bad(m, "%s: %s (input %02x %02x %02x %02x, %zu bytes)",
			 why, esc(buf, e, sizeof(e)), n > 0 ? s[0] : 0, n > 1 ? s[1] : 0,
			 n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n);
		return;
	}
	if ((size_t)ng != nw) {
		many_bad(m, "%ld code points, want %zu: %s", ng, nw,
			 esc(buf, e, sizeof(e)));
		return;
	}
	for (i = 0; i < nw; i++) {
		if (got[i] != want[i]) {
			many_bad(m, "U+%04X at %zu, want U+%04X: %s", got[i], i,
				 want[i], esc(buf, e, sizeof(e)));
			return;
		}
	}
}

/* One input through ri_printable: text only, within the buffer. */
static void printable_case(struct many *m, struct many *c1,
			   const unsigned char *s, size_t n, size_t outlen)
{
	char out[80];
	const unsigned char *p = (const unsigned char *)out;
	size_t i, k, len;
	uint32_t cp;

	memset(out, 'X', sizeof(out));
	ri_printable(out, outlen, (const char *)s, n);
	len = strnlen(out, sizeof(out));
	if (len >= outlen) {
		many_bad(m, "%zu bytes in a buffer of %zu", len, outlen);
		return;
	}
	for (i = 0; i < len; i += k) {
		k = u8_decode(p + i, len - i, &cp);
		if (!k) {
			many_bad(m, "invalid UTF-8 at %zu", i);
			return;
		}
		if (cp < 0x20 || cp == 0x7f) {
			many_bad(m, "control byte %02x at %zu", cp, i);
			return;
		}
		/* C1 controls are control characters too (CSI is U+009B). */
		if (cp >= 0x80 && cp <= 0x9f) {
			many_bad(c1, "U+%04X kept (input %02x %02x...)", cp, s[0],
				 n > 1 ? s[1] : 0);
			return;
		}
	}
}

/* --- units ---------------------------------------------------------------- */

/* Parses "812", "4.0K", "12M" back into bytes. */
static double unscale(const char *s)
{
	static const char units[] = "BKMGTPE";
	char *end;
	double v = strtod(s, &end);
	const char *u;

	if (*end) {
		u = strchr(units, *end);
		if (!u || end[1])
			return -1;
		v *= pow(1024.0, (double)(u - units));
	}
	return v;
}

/*
 * The contract (format.h): 1024-based, at most three significant digits
 * and a unit, so at most 5 columns whatever the value and the width: a
 * column of width 5 or more is never overrun.
 */
static void fit_case(struct many *m, double v, int width, bool rate)
{
	char buf[64];
	double back;
	int digits = 0;
	const char *c;

	if (rate)
		ri_fmt_rate(buf, sizeof(buf), v, width);
	else
		ri_fmt_bytes(buf, sizeof(buf), v, width);
	for (c = buf; *c; c++)
		digits += *c >= '0' && *c <= '9';
	if (strlen(buf) > 5 || (width >= 5 && (int)strlen(buf) > width) ||
	    digits > 3) {
		many_bad(m, "%.17g (width %d): \"%s\"", v, width, buf);
		return;
	}
	/* And still says the right thing, to its three digits. */
	back = unscale(buf);
	if (back < 0 || fabs(back - v) > fmax(0.5, v * 0.051))
		many_bad(m, "%.17g (width %d) reads as %.17g: \"%s\"", v, width,
			 back, buf);
}

static void test_units(void)
{
	struct many m = { 0 };
	char buf[64];
	static const double mant[] = { 0.5,  0.999, 1, 1.5, 9.94, 9.949, 9.95,
				       9.96, 9.999, 10,  99.4, 99.5, 99.9,
				       99.95, 99.96, 999.4, 999.5, 1000, 1023,
				       1023.5, 1024 };
	double v;
	int width, u, i, r;

	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 0, 5), "0");
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 812, 5), "812");
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 999, 5), "999");
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 1000, 5), "1.0K");
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 4096, 5), "4.0K");
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 60.3 * 1024 * 1024, 5), "60.3M");
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 600.0 * 1024 * 1024, 5), "600M");
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 1.2 * 1024 * 1024 * 1024, 5),
		  "1.2G");
	/* The width does not buy more digits. */
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), 12.0 * 1024 * 1024, 8), "12.0M");
	CHECK_STR(ri_fmt_rate(buf, sizeof(buf), 1536, 7), "1.5K");
	CHECK_STR(ri_fmt_rate(buf, sizeof(buf), 150.0 * 1024, 7), "150K");
	CHECK_STR(ri_fmt_rate(buf, sizeof(buf), 17.0 * (1ULL << 60), 7), "17.0E");
	/* Nonsense in, zero out. */
	CHECK_STR(ri_fmt_bytes(buf, sizeof(buf), -5, 5), "0");
	CHECK_STR(ri_fmt_rate(buf, sizeof(buf), NAN, 5), "0");
	/* A short buffer truncates, it does not overflow. */
	CHECK_STR(ri_fmt_bytes(buf, 3, 812, 5), "81");

	/* Around every unit boundary, and log-uniform between 0 and 1e19. */
	for (width = 4; width <= 8; width++) {
		for (u = 0; u <= 6; u++) {
			for (i = 0; i < (int)(sizeof(mant) / sizeof(mant[0])); i++) {
				v = mant[i] * pow(1024.0, u);
				if (v > 1.8e19)
					continue; /* past 2^64: no counter gets there */
				fit_case(&m, v, width, false);
				fit_case(&m, nextafter(v, 0), width, true);
				fit_case(&m, nextafter(v, 1e300), width, false);
				fit_case(&m, v * 1000.0 / 1024.0, width, true);
			}
		}
		for (r = 0; r < 20000; r++) {
			v = exp10((double)(rnd() % 19000000) / 1e6);
			if (r % 10 == 0)
				v = (double)(rnd() % 100000);
			fit_case(&m, v, width, r & 1);
		}
		fit_case(&m, 0, width, false);
		fit_case(&m, 1e19, width, true);
		fit_case(&m, 1e19, width, false);
		fit_case(&m, 18446744073709551615.0, width, false);
	}
	CHECK_MANY(&m, "ri_fmt_bytes/ri_fmt_rate: 3 digits, 5 columns, right value");
}

static void test_time(void)
{
	char buf[64];

	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 0), "0:00.00");
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 9999999), "0:00.00");
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 10000000), "0:00.01");
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 1500000000ULL), "0:01.50");
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 61230000000ULL), "1:01.23");
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 3599990000000ULL), "59:59.99");
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 3600000000000ULL), "1:00:00");
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 3725000000000ULL), "1:02:05");
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), 100 * 3600000000000ULL),
		  "100:00:00");
	/* 2^64 ns is 584 years: still a well-formed figure. */
	CHECK_STR(ri_fmt_time(buf, sizeof(buf), UINT64_MAX), "5124095:34:33");
	CHECK_STR(ri_fmt_time(buf, 4, 61230000000ULL), "1:0");
}

static void test_pct(void)
{
	struct many m = { 0 };
	char buf[64];
	double p;
	int width;

	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 0, 4), "0.0");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 12.34, 4), "12.3");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 99.94, 4), "99.9");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 99.96, 4), "100");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 150, 4), "150");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 150, 6), "150.0");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 999.94, 5), "999.9");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 1500, 6), "1500");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), 12345, 6), "12.3k");
	CHECK_STR(ri_fmt_pct(buf, sizeof(buf), -3, 4), "0.0");

	/*
	 * In its columns: up to 100 busy CPUs in 4 or 5, up to 10000 in 6
	 * (the CPU% column). Beyond, "10.0k" needs 5 and "100.0k" 6.
	 */
	for (width = 4; width <= 6; width++) {
		double top = width == 6 ? 999949 : 9999.4;

		for (p = 0.001; p < top; p *= 1.001) {
			ri_fmt_pct(buf, sizeof(buf), p, width);
			if ((int)strlen(buf) > width)
				many_bad(&m, "%.6g%% in %d columns: \"%s\"", p,
					 width, buf);
		}
		ri_fmt_pct(buf, sizeof(buf), top, width);
		if ((int)strlen(buf) > width)
			many_bad(&m, "%.6g%% in %d columns: \"%s\"", top, width,
				 buf);
	}
	CHECK_MANY(&m, "ri_fmt_pct fits its width");
}

/* --- JSON strings ----------------------------------------------------------- */

static void json_is(const char *in, size_t n, const char *want, int line)
{
	char buf[256];
	size_t len = json_of(buf, sizeof(buf), in, n);

	buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
	if (!strcmp(buf, want))
		passed++;
	else
	{
		char eb[256], ew[256];

		fail(__FILE__, line, "ri_json_str", "%s vs %s",
		     esc(buf, eb, sizeof(eb)), esc(want, ew, sizeof(ew)));
	}
}

#define JSON_IS(in, n, want) json_is(in, n, want, __LINE__)

/* Bytes that sit on every UTF-8 and JSON boundary. */
static const unsigned char edge[] = {
	0x00, 0x01, 0x08, 0x09, 0x0a, 0x1f, 0x20, 0x22, 0x2f, 0x41, 0x5c,
	0x7e, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2,
	0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
};

static size_t random_comm(unsigned char *s, size_t cap)
{
	size_t n = (size_t)(rnd() % cap), i = 0;
	uint32_t cp;

	/* Mix raw bytes, edge bytes and whole encoded characters. */
	while (i < n) {
		switch (rnd() % 4) {
		case 0:
			s[i++] = (unsigned char)rnd();
			break;
		case 1:
			s[i++] = edge[rnd() % sizeof(edge)];
			break;
		case 2:
			s[i++] = (unsigned char)(0x20 + rnd() % 0x5f);
			break;
		default:
			cp = (uint32_t)(rnd() % 0x110000);
			if (cp < 0x80 && i < n) {
				s[i++] = (unsigned char)cp;
			} else if (cp < 0x800 && i + 2 <= n) {
				s[i++] = (unsigned char)(0xc0 | cp >> 6);
				s[i++] = (unsigned char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000 && i + 3 <= n) {
				s[i++] = (unsigned char)(0xe0 | cp >> 12);
				s[i++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
				s[i++] = (unsigned char)(0x80 | (cp & 0x3f));
			} else if (i + 4 <= n) {
				s[i++] = (unsigned char)(0xf0 | cp >> 18);
				s[i++] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
				s[i++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
				s[i++] = (unsigned char)(0x80 | (cp & 0x3f));
			} else {
				s[i++] = 'x';
			}
		}
	}
	return n;
}

static void test_json(void)
{
	struct many m = { 0 }, pm = { 0 }, c1 = { 0 };
	static const size_t outlens[] = { 1, 2, 3, 4, 5, 8, 16, 17, 64 };
	unsigned char s[17];
	size_t n, i, a, b, c, d;
	int r;

	JSON_IS("plain", 5, "\"plain\"");
	JSON_IS("", 0, "\"\"");
	JSON_IS("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	JSON_IS("tab\there", 8, "\"tab\\u0009here\"");
	JSON_IS("\n\x1f\x7f", 3, "\"\\u000a\\u001f\\u007f\"");
	JSON_IS("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
	JSON_IS("\xe2\x82\xac\xf0\x9f\x98\x80", 7, "\"\xe2\x82\xac\xf0\x9f\x98\x80\"");
	/* Not UTF-8: the byte as U+00XX, never raw. */
	JSON_IS("\xff", 1, "\"\\u00ff\"");
	JSON_IS("\xc3(", 2, "\"\\u00c3(\"");
	JSON_IS("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\""); /* surrogate */
	JSON_IS("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");             /* overlong */
	/* A sequence cut by @n is not UTF-8 either. */
	JSON_IS("\xc3\xa9", 1, "\"\\u00c3\"");
	/* NUL and @n both end the string. */
	JSON_IS("ab\0cd", 5, "\"ab\"");
	JSON_IS("abcdef", 3, "\"abc\"");
	JSON_IS("/", 1, "\"/\"");

	/* Every string of up to two bytes. */
	json_case(&m, s, 0);
	for (a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		json_case(&m, s, 1);
		for (b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			json_case(&m, s, 2);
			printable_case(&pm, &c1, s, 2, outlens[(a + b) % 9]);
		}
	}
	/* Every four-byte string over the boundary bytes. */
	for (a = 0; a < sizeof(edge); a++)
		for (b = 0; b < sizeof(edge); b++)
			for (c = 0; c < sizeof(edge); c++)
				for (d = 0; d < sizeof(edge); d++) {
					s[0] = edge[a];
					s[1] = edge[b];
					s[2] = edge[c];
					s[3] = edge[d];
					json_case(&m, s, 4);
					printable_case(&pm, &c1, s, 4,
						       outlens[(a + c + d) % 9]);
				}
	/* Random comm-sized inputs, with and without their NUL. */
	for (r = 0; r < 200000; r++) {
		n = random_comm(s, sizeof(s));
		json_case(&m, s, n);
		for (i = 0; i < sizeof(outlens) / sizeof(outlens[0]); i += 3)
			printable_case(&pm, &c1, s, n, outlens[(i + (size_t)r) % 9]);
	}
	CHECK_MANY(&m, "ri_json_str is valid JSON decoding to its input");
	CHECK_MANY(&pm, "ri_printable gives valid text within its buffer");
	CHECK_MANY(&c1, "ri_printable turns C1 controls into '?'");
}

static void test_printable(void)
{
	char out[64];

	CHECK_STR(ri_printable(out, sizeof(out), "bash", 16), "bash");
	CHECK_STR(ri_printable(out, sizeof(out), "ab\tc\x1b[2J", 16), "ab?c?[2J");
	CHECK_STR(ri_printable(out, sizeof(out), "\x7f\xff" "ok", 16), "??ok");
	CHECK_STR(ri_printable(out, sizeof(out), "caf\xc3\xa9", 16), "caf\xc3\xa9");
	CHECK_STR(ri_printable(out, sizeof(out), "\xc3\xa9", 1), "?");
	CHECK_STR(ri_printable(out, sizeof(out), "abcdef", 3), "abc");
	CHECK_STR(ri_printable(out, sizeof(out), "ab\0cd", 5), "ab");
	/* Out of room: whole characters only. */
	CHECK_STR(ri_printable(out, 4, "abcdef", 6), "abc");
	CHECK_STR(ri_printable(out, 3, "a\xc3\xa9", 3), "a");
	CHECK_STR(ri_printable(out, 1, "abc", 3), "");
	/* No room at all: nothing written. */
	out[0] = 'Z';
	CHECK(ri_printable(out, 0, "abc", 3) == out && out[0] == 'Z');
	/* CSI as a UTF-8 character: a terminal escape all the same. */
	CHECK_STR(ri_printable(out, sizeof(out), "x\xc2\x9b" "2J", 16), "x?2J");
}

/*
 * ri_fmt_fixed replaces printf's "%.Nf" on the hot path: it must read back
 * as the same number within half a unit of the last decimal, keep the
 * sign, print NaN as 0, and never overflow its buffer.
 */
static void test_fixed(void)
{
	char buf[64], small[4];
	unsigned long bad = 0, n;
	int dec;

	srand(7);
	for (n = 0; n < 200000; n++) {
		double mag = pow(10.0, (double)(rand() % 17) - 2.0);
		double v = (double)rand() / RAND_MAX * mag * (rand() % 5 ? 1 : -1);

		dec = rand() % 7;
		ri_fmt_fixed(buf, sizeof(buf), v, dec);
		if (fabs(strtod(buf, NULL) - v) > 0.5 * pow(10.0, -dec) * 1.000001 +
							  fabs(v) * 1e-15)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(!strcmp(ri_fmt_fixed(buf, sizeof(buf), 0.0, 1), "0.0"));
	CHECK(!strcmp(ri_fmt_fixed(buf, sizeof(buf), 12.34, 1), "12.3"));
	CHECK(!strcmp(ri_fmt_fixed(buf, sizeof(buf), 0.05, 3), "0.050"));
	CHECK(!strcmp(ri_fmt_fixed(buf, sizeof(buf), -1.5, 0), "-2"));
	CHECK(!strcmp(ri_fmt_fixed(buf, sizeof(buf), NAN, 2), "0.00"));
	CHECK(!strcmp(ri_fmt_fixed(buf, sizeof(buf), 1795762595.642258, 6),
		      "1795762595.642258"));
	CHECK(!strcmp(ri_fmt_fixed(buf, sizeof(buf), 1e20, 0),
		      "100000000000000000000"));
	ri_fmt_fixed(small, sizeof(small), 123456.0, 2);
	CHECK(strlen(small) == 3);
	CHECK(!strcmp(ri_fmt_u64(buf, sizeof(buf), 18446744073709551615ULL),
		      "18446744073709551615"));
	CHECK(!strcmp(ri_fmt_u64(buf, sizeof(buf), 0), "0"));
}

int main(void)
{
	test_fixed();
	test_units();
	test_time();
	test_pct();
	test_json();
	test_printable();
	return check_report("test_format");
}
