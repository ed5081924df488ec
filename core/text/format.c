// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Units and escaping shared by every front end. The unit functions always
 * produce at most @width columns so tables never jitter from tick to tick.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "format.h"

static const char units[] = "BKMGTPE";

char *ri_fmt_u64(char *buf, size_t len, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (n + 1 > len)
		n = len ? len - 1 : 0;
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	if (len)
		buf[n] = '\0';
	return buf;
}

char *ri_fmt_fixed(char *buf, size_t len, double v, int dec)
{
	static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
	uint64_t x, scale, ip, fp;
	size_t n = 0;
	char ibuf[24];
	int i;

	if (dec < 0)
		dec = 0;
	if (dec > 6)
		dec = 6;
	if (v != v)
		v = 0;
	/* Most figures of most rows are zero. */
	if (v == 0 && len > (size_t)dec + 2) {
		buf[n++] = '0';
		if (dec)
			buf[n++] = '.';
		for (i = 0; i < dec; i++)
			buf[n++] = '0';
		buf[n] = '\0';
		return buf;
	}
	if (v < 0) {
		if (len > 1)
			buf[n++] = '-';
		v = -v;
	}
	if (v * p10[dec] >= 9e15) {
		snprintf(buf + n, len - n, "%.*f", dec, v);
		return buf;
	}
	scale = (uint64_t)p10[dec];
	x = (uint64_t)(v * p10[dec] + 0.5);
	ip = x / scale;
	fp = x % scale;
	ri_fmt_u64(ibuf, sizeof(ibuf), ip);
	for (i = 0; ibuf[i] && n + 1 < len; i++)
		buf[n++] = ibuf[i];
	if (dec && n + 1 < len) {
		char fbuf[8];

		/* Backwards by tens: a division by a constant, not by p10[i]. */
		for (i = dec - 1; i >= 0; i--) {
			fbuf[i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		buf[n++] = '.';
		for (i = 0; i < dec && n + 1 < len; i++)
			buf[n++] = fbuf[i];
	}
	buf[n < len ? n : len - 1] = '\0';
	return buf;
}

static char *with_unit(char *buf, size_t len, double v, int dec, char unit)
{
	size_t n;

	ri_fmt_fixed(buf, len, v, dec);
	n = strlen(buf);
	if (unit && n + 1 < len) {
		buf[n] = unit;
		buf[n + 1] = '\0';
	}
	return buf;
}

/*
 * At most three significant digits and a unit, 1024-based: "812", "4.0K",
 * "60.3M", "600M", "1.2G". Never wider than 5 columns, so a column does not
 * jitter as the figure changes.
 */
static char *scaled(char *buf, size_t len, double v, int width)
{
	int u = 0;

	(void)width;
	if (v < 0 || v != v)
		v = 0;
	while (v >= 999.5 && u < 6) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		return ri_fmt_fixed(buf, len, v, 0);
	return with_unit(buf, len, v, v < 99.95 ? 1 : 0, units[u]);
}

char *ri_fmt_bytes(char *buf, size_t len, double bytes, int width)
{
	return scaled(buf, len, bytes, width);
}

char *ri_fmt_rate(char *buf, size_t len, double bps, int width)
{
	return scaled(buf, len, bps, width);
}

/* Appends @s to @buf within @len, without printf (it runs per row). */
static void append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf), k = strlen(s);

	if (n + k >= len)
		k = len > n + 1 ? len - n - 1 : 0;
	memcpy(buf + n, s, k);
	buf[n + k] = '\0';
}

char *ri_fmt_growth(char *buf, size_t len, double bps)
{
	double per_min = bps * 60.0;
	char num[16];

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!(per_min >= 0.5 || per_min <= -0.5)) {
		append(buf, len, "0/m");
		return buf;
	}
	scaled(num, sizeof(num), per_min < 0 ? -per_min : per_min, 5);
	append(buf, len, per_min < 0 ? "-" : "+");
	append(buf, len, num);
	append(buf, len, "/m");
	return buf;
}

char *ri_fmt_eta(char *buf, size_t len, double s)
{
	unsigned long long m = (unsigned long long)(s / 60.0);

	if (!(s >= 0))
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (m < 60)
		snprintf(buf, len, "%llum", m);
	else if (m < 10 * 60)
		snprintf(buf, len, "%lluh%02llum", m / 60, m % 60);
	else if (m < 24 * 60)
		snprintf(buf, len, "%lluh", m / 60);
	else if (m < 10 * 24 * 60)
		snprintf(buf, len, "%llud%lluh", m / 1440, m % 1440 / 60);
	else if (m < 100 * 24 * 60)
		snprintf(buf, len, "%llud", m / 1440);
	else
		snprintf(buf, len, ">99d");
	return buf;
}

char *ri_fmt_ns(char *buf, size_t len, double ns)
{
	static const struct {
		double div;
		const char *unit;
	} steps[] = { { 1, "ns" }, { 1e3, "us" }, { 1e6, "ms" }, { 1e9, "s" } };
	size_t i = 0;
	double v;
	int dec;

	if (!(ns > 0))
		ns = 0;
	while (i + 1 < sizeof(steps) / sizeof(steps[0]) && ns >= steps[i + 1].div * 0.9995)
		i++;
	v = ns / steps[i].div;
	dec = i == 0 || v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2;
	ri_fmt_fixed(buf, len, v, dec);
	append(buf, len, steps[i].unit);
	return buf;
}

char *ri_fmt_time(char *buf, size_t len, uint64_t ns)
{
	uint64_t cs = ns / 10000000ULL; /* hundredths */
	uint64_t s = cs / 100, m = s / 60, h = m / 60;

	if (h)
		snprintf(buf, len, "%llu:%02llu:%02llu", (unsigned long long)h,
			 (unsigned long long)(m % 60), (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%llu:%02llu.%02llu", (unsigned long long)m,
			 (unsigned long long)(s % 60), (unsigned long long)(cs % 100));
	return buf;
}

char *ri_fmt_pct(char *buf, size_t len, double pct, int width)
{
	if (!(pct > 0))
		pct = 0; /* negative and NaN alike */
	if (pct < 99.95 || (width >= 5 && pct < 999.95))
		return ri_fmt_fixed(buf, len, pct, 1);
	if (pct < 9999.5 && width >= 4)
		return ri_fmt_fixed(buf, len, pct, 0);
	return with_unit(buf, len, pct / 1000.0, 1, 'k');
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (need > n)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not text. */
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

size_t ri_json_esc(char *out, size_t len, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;

	if (len < 2)
		return 0;
	out[o++] = '"';
	/* Room for the longest escape of the next byte, and the closing quote. */
	while (i < n && p[i] && o + 7 <= len) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, len - o, "\\u%04x", c);
			i++;
		} else if ((k = utf8_len(p + i, n - i)) > 0) {
			if (o + k + 1 > len)
				break;
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		} else {
			/*
			 * Not UTF-8: JSON cannot carry raw bytes, so show the
			 * byte's value as the Latin-1 character of that code
			 * (lossless to anyone who wants the byte back).
			 */
			o += (size_t)snprintf(out + o, len - o, "\\u%04x", c);
			i++;
		}
	}
	out[o++] = '"';
	return o;
}

void ri_json_str(FILE *f, const char *s, size_t n)
{
	size_t len = 6 * strnlen(s, n) + 3;
	char stack[512], *b = len <= sizeof(stack) ? stack : malloc(len);

	if (!b) {
		fputs_unlocked("\"\"", f);
		return;
	}
	fwrite_unlocked(b, 1, ri_json_esc(b, len, s, n), f);
	if (b != stack)
		free(b);
}

char *ri_printable(char *out, size_t outlen, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;

	if (!outlen)
		return out;
	while (i < n && p[i] && o + 1 < outlen) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			out[o++] = '?';
			i++;
		} else if ((p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
			    p[i + 1] < 0xa0) ||
			   (p[i] == 0xe2 && i + 2 < n && p[i + 1] == 0x80 &&
			    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))) {
			/*
			 * C1 controls (U+0080..U+009F, CSI among them) and the
			 * line and paragraph separators: they move the cursor.
			 */
			out[o++] = '?';
			i += p[i] == 0xc2 ? 2 : 3;
		} else if ((k = utf8_len(p + i, n - i)) > 0) {
			if (o + k >= outlen)
				break;
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		} else {
			out[o++] = '?';
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

static unsigned int utf8_decode(const unsigned char *p, size_t k)
{
	unsigned int cp = k == 1 ? p[0] : k == 2 ? p[0] & 0x1f : k == 3 ? p[0] & 0x0f : p[0] & 0x07;
	size_t i;

	for (i = 1; i < k; i++)
		cp = (cp << 6) | (p[i] & 0x3f);
	return cp;
}

char *ri_fit(char *out, size_t outlen, const char *s, size_t n, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;
	int used = 0, w;

	if (!outlen)
		return out;
	while (i < n && p[i] && used < cols) {
		/* Printable ASCII, nearly every name: one column, no decoding. */
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (o + 2 > outlen)
				break;
			out[o++] = (char)p[i++];
			used++;
			continue;
		}
		k = utf8_len(p + i, n - i);
		w = k ? wcwidth((wchar_t)utf8_decode(p + i, k)) : -1;
		if (k && w == 0)
			w = -1; /* combining marks would merge with the padding */
		if (w < 0 || p[i] < 0x20) {
			k = k ? k : 1;
			if (o + 2 > outlen)
				break;
			out[o++] = '?';
			used++;
			i += k;
			continue;
		}
		if (used + w > cols || o + k + 1 > outlen)
			break;
		memcpy(out + o, p + i, k);
		o += k;
		used += w;
		i += k;
	}
	while (used < cols && o + 2 <= outlen) {
		out[o++] = ' ';
		used++;
	}
	out[o] = '\0';
	return out;
}

size_t ri_shown(char *out, size_t outlen, const char *s, int max_cols, size_t pos,
		size_t *pos_col)
{
	mbstate_t st;
	size_t i = 0, o = 0, col = 0, len = strlen(s);
	int used = 0;

	memset(&st, 0, sizeof(st));
	if (pos > len)
		pos = len;
	while (outlen && i < len && o + MB_LEN_MAX + 1 < outlen) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, len - i, &st);
		int w = 1;
		bool bad = k == (size_t)-1 || k == (size_t)-2 || k == 0 ||
			   (w = wcwidth(wc)) < 0 || (unsigned char)s[i] < 0x20;

		if (bad) {
			memset(&st, 0, sizeof(st));
			k = 1;
			w = 1;
		}
		if (used + w > max_cols)
			break;
		if (bad) {
			out[o++] = '?';
		} else {
			memcpy(out + o, s + i, k);
			o += k;
		}
		used += w;
		if (i < pos)
			col += (size_t)w;
		i += k;
	}
	if (outlen)
		out[o] = '\0';
	if (pos_col)
		*pos_col = col + (pos > i ? pos - i : 0); /* cut short: the caret stays */
	return (size_t)used;
}

int ri_put_word(FILE *f, int col, int indent, const char *w)
{
	int n = (int)strlen(w);

	if (col + 1 + n > 79) {
		fprintf(f, "\n%*s%s", indent, "", w);
		return indent + n;
	}
	fprintf(f, " %s", w);
	return col + 1 + n;
}
