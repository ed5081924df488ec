/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Text for humans and machines: unit scaling shared by every front end,
 * and JSON string escaping that holds whatever bytes a comm contains.
 */
#ifndef RI_FORMAT_H
#define RI_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Human-readable bytes, 1024-based, at most 5 columns whatever the value:
 * "812", "4.0K", "60.3M", "600M", "1.2G". @width is kept for callers that
 * size columns. Returns @buf.
 */
char *ri_fmt_bytes(char *buf, size_t len, double bytes, int width);
/*
 * @v rounded to @dec decimals (0..6), "-" sign kept, NaN as 0. Written
 * without printf: it runs for every figure of every row, and printf's
 * float path is most of a batch run's cost with 10,000 threads.
 */
char *ri_fmt_fixed(char *buf, size_t len, double v, int dec);
/* An unsigned integer in decimal, without printf. */
char *ri_fmt_u64(char *buf, size_t len, uint64_t v);
/* Same, for a rate: no unit suffix for seconds (the column says /s). */
char *ri_fmt_rate(char *buf, size_t len, double bps, int width);
/*
 * A signed memory growth rate per minute, for the GROWTH column:
 * "+8.0M/m", "-512K/m", "0/m". At most 8 columns.
 */
char *ri_fmt_growth(char *buf, size_t len, double bytes_per_s);
/* A short time: "850ns", "12.4us", "4.10ms", "1.20s". At most 6 columns. */
char *ri_fmt_ns(char *buf, size_t len, double ns);
/*
 * A time to exhaustion in at most 5 characters: "45s", "14m", "2h10m",
 * "3d4h", ">99d".
 */
char *ri_fmt_eta(char *buf, size_t len, double s);
/* CPU time as [H:]MM:SS.hh like top's TIME+. */
char *ri_fmt_time(char *buf, size_t len, uint64_t ns);
/*
 * A percentage: "0.0".."99.9", then "150.0" where @width >= 5 allows it,
 * else "150"; past 9999 in thousands, "12.3k".
 */
char *ri_fmt_pct(char *buf, size_t len, double pct, int width);

/* Writes @s (at most @n bytes, stops at NUL) as a quoted JSON string. */
void ri_json_str(FILE *f, const char *s, size_t n);
/*
 * The same into @out (@len bytes, at least 6 per byte of @s and 3 more
 * for all of it): the bytes written, no NUL.
 */
size_t ri_json_esc(char *out, size_t len, const char *s, size_t n);
/*
 * Copies @s (at most @n bytes) into @out as printable text: control bytes
 * become '?' and invalid UTF-8 becomes '?', so a comm can never break a
 * table's layout. Returns @out.
 */
char *ri_printable(char *out, size_t outlen, const char *s, size_t n);

/*
 * Writes @s (at most @n bytes) as exactly @cols screen columns into @out:
 * characters the terminal would not print as one glyph (controls, line
 * separators, invalid UTF-8, anything wcwidth() calls unprintable) become
 * '?', wide characters count two columns, and the rest is cut or padded
 * with spaces. Needs setlocale() for UTF-8 widths. Returns @out.
 */
char *ri_fit(char *out, size_t outlen, const char *s, size_t n, int cols);
/*
 * @s as a terminal shows it in the current locale, in at most @max_cols
 * screen columns: a character it cannot show (bad bytes, a control, no
 * width) becomes '?', so a name can neither vanish nor move the cursor.
 * Returns the columns used; *@pos_col (unless NULL) is the screen column
 * of byte @pos of @s. The one place that decodes wide characters.
 */
/*
 * Prints " @w" on a line that holds @col columns already, or on a new line
 * indented by @indent when it would pass column 79. Returns the new column.
 */
int ri_put_word(FILE *f, int col, int indent, const char *w);
size_t ri_shown(char *out, size_t outlen, const char *s, int max_cols, size_t pos,
		size_t *pos_col);

#endif /* RI_FORMAT_H */
