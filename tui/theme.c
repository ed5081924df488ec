// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Theme file parser and the built-in default theme. Pure: no curses, no
 * I/O, no allocation, so it can be fuzzed and unit-tested in isolation.
 */
#include "theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Longest line worth reading; longer ones are reported, not truncated. */
#define LINE_MAX_LEN 512

_Static_assert(RI_TK_COUNT <= 32, "struct ri_theme's set is 32 bits");

static const char *const key_names[RI_TK_COUNT] = {
	[RI_TK_MAIN_FG] = "main_fg",
	[RI_TK_MAIN_BG] = "main_bg",
	[RI_TK_HEADER] = "header",
	[RI_TK_TITLE_FG] = "title_fg",
	[RI_TK_TITLE_BG] = "title_bg",
	[RI_TK_SORT] = "sort",
	[RI_TK_SELECTION_FG] = "selection_fg",
	[RI_TK_SELECTION_BG] = "selection_bg",
	[RI_TK_PICKED] = "picked",
	[RI_TK_CPU_LOW] = "cpu_low",
	[RI_TK_CPU_MID] = "cpu_mid",
	[RI_TK_CPU_HIGH] = "cpu_high",
	[RI_TK_MEMORY] = "memory",
	[RI_TK_IO_READ] = "io_read",
	[RI_TK_IO_WRITE] = "io_write",
	[RI_TK_EXITED] = "exited",
	[RI_TK_WARNING] = "warning",
	[RI_TK_TREE] = "tree",
	[RI_TK_SPARK_LOW] = "spark_low",
	[RI_TK_SPARK_MID] = "spark_mid",
	[RI_TK_SPARK_HIGH] = "spark_high",
	[RI_TK_STATE_CPU] = "state_cpu",
	[RI_TK_STATE_RUNQ] = "state_runq",
	[RI_TK_STATE_DISK] = "state_disk",
	[RI_TK_STATE_BLOCKED] = "state_blocked",
	[RI_TK_STATE_LOCK] = "state_lock",
	[RI_TK_STATE_NET] = "state_net",
	[RI_TK_STATE_SLEEP] = "state_sleep",
	[RI_TK_STATE_OTHER] = "state_other",
};

/* The dark default, as text: one source of truth, parsed like any file. */
static const char default_theme[] =
	"main_fg = \"\"\n"
	"main_bg = \"\"\n"
	"header = \"#5fafd7\"\n"
	"title_fg = \"#000000\"\n"
	"title_bg = \"#5faf5f\"\n"
	"sort = \"#ffffff\"\n"
	"selection_fg = \"#000000\"\n"
	"selection_bg = \"#5fafd7\"\n"
	"picked = \"#ffaf00\"\n"
	"cpu_low = \"#5faf5f\"\n"
	"cpu_mid = \"#d7af00\"\n"
	"cpu_high = \"#d75f5f\"\n"
	"memory = \"#af87d7\"\n"
	"io_read = \"#5fafaf\"\n"
	"io_write = \"#d787af\"\n"
	"exited = \"#808080\"\n"
	"warning = \"#ff5f5f\"\n"
	"tree = \"#5f87af\"\n"
	"spark_low = \"#5faf5f\"\n"
	"spark_mid = \"#d7af00\"\n"
	"spark_high = \"#d75f5f\"\n"
	"state_cpu = \"#5faf5f\"\n"
	"state_runq = \"#d7af00\"\n"
	"state_disk = \"#5f87d7\"\n"
	"state_blocked = \"#ff5f5f\"\n"
	"state_lock = \"#d75fd7\"\n"
	"state_net = \"#5fd7d7\"\n"
	"state_sleep = \"#4e4e4e\"\n"
	"state_other = \"#8a8a8a\"\n";

static const struct {
	const char *name;
	uint8_t idx;
} color_names[] = {
	{ "black", 0 },	  { "red", 1 },	    { "green", 2 }, { "yellow", 3 },
	{ "blue", 4 },	  { "magenta", 5 }, { "cyan", 6 },  { "white", 7 },
	{ "gray", 8 },	  { "grey", 8 },
};

const char *ri_theme_key_name(enum ri_theme_key k)
{
	return (unsigned)k < RI_TK_COUNT ? key_names[k] : "?";
}

/*
 * The state keys a theme leaves out: a colour of the same theme that means
 * something near (busy, waiting, I/O, trouble, quiet), so a light or a
 * high-contrast theme keeps its own look without naming them.
 */
static const int state_fallback[RI_TK_STATES] = {
	RI_TK_CPU_LOW,  /* cpu */
	RI_TK_CPU_MID,  /* runq */
	RI_TK_IO_READ,  /* disk */
	RI_TK_WARNING,  /* blocked */
	RI_TK_CPU_HIGH, /* lock */
	RI_TK_IO_WRITE, /* net */
	RI_TK_TREE,     /* sleep */
	RI_TK_EXITED,   /* other */
};

const struct ri_color *ri_theme_color(const struct ri_theme *t, int k)
{
	if (k >= RI_TK_STATE_CPU && k < RI_TK_STATE_CPU + RI_TK_STATES && !t->builtin &&
	    !(t->set & (1u << k)))
		return &t->c[state_fallback[k - RI_TK_STATE_CPU]];
	return &t->c[k];
}

void ri_theme_default(struct ri_theme *t)
{
	char err[8];

	memset(t, 0, sizeof(*t));
	/* Cannot fail: the text above is covered by the unit tests. */
	ri_theme_parse(default_theme, sizeof(default_theme) - 1, t, err,
		       sizeof(err));
	t->set = 0;
	t->builtin = true;
	snprintf(t->name, sizeof(t->name), "default");
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static int parse_hex(const char *s, struct ri_color *c)
{
	size_t n = strlen(s), i;
	int v[6];

	if (n != 2 && n != 6)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		v[i] = hexval((unsigned char)s[i]);
		if (v[i] < 0)
			return -EINVAL;
	}
	c->kind = RI_COL_RGB;
	if (n == 2) {
		c->r = c->g = c->b = (uint8_t)(v[0] * 16 + v[1]);
		return 0;
	}
	c->r = (uint8_t)(v[0] * 16 + v[1]);
	c->g = (uint8_t)(v[2] * 16 + v[3]);
	c->b = (uint8_t)(v[4] * 16 + v[5]);
	return 0;
}

/* Reads up to @max decimal numbers 0..255 separated by blanks. */
static int parse_decimals(const char *s, int *v, int max)
{
	int n = 0;

	while (*s) {
		int x = 0, digits = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		while (isdigit((unsigned char)*s) && digits < 4) {
			x = x * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits || x > 255 || n == max)
			return -EINVAL;
		if (*s && *s != ' ' && *s != '\t')
			return -EINVAL;
		v[n++] = x;
	}
	return n;
}

static int parse_name(const char *s, struct ri_color *c)
{
	int bright = 0;
	size_t i;

	if (!strncmp(s, "bright_", 7)) {
		bright = 8;
		s += 7;
	}
	for (i = 0; i < sizeof(color_names) / sizeof(color_names[0]); i++) {
		if (strcmp(s, color_names[i].name))
			continue;
		if (bright && color_names[i].idx >= 8)
			return -EINVAL;
		c->kind = RI_COL_INDEX;
		c->idx = (uint8_t)(color_names[i].idx + bright);
		return 0;
	}
	return -EINVAL;
}

int ri_color_parse(const char *s, struct ri_color *c)
{
	int v[3], n;

	memset(c, 0, sizeof(*c));
	if (!*s || !strcmp(s, "default"))
		return 0;
	if (s[0] == '#')
		return parse_hex(s + 1, c);
	if (isalpha((unsigned char)s[0]))
		return parse_name(s, c);
	n = parse_decimals(s, v, 3);
	if (n == 1) {
		c->kind = RI_COL_INDEX;
		c->idx = (uint8_t)v[0];
		return 0;
	}
	if (n == 3) {
		c->kind = RI_COL_RGB;
		c->r = (uint8_t)v[0];
		c->g = (uint8_t)v[1];
		c->b = (uint8_t)v[2];
		return 0;
	}
	return -EINVAL;
}

static int find_key(const char *k)
{
	int i;

	for (i = 0; i < RI_TK_COUNT; i++)
		if (!strcmp(k, key_names[i]))
			return i;
	return -1;
}

static char *skip_blank(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Cuts "theme[key]" or "key" out of @s in place; NULL if malformed. */
static char *take_key(char *s)
{
	char *end;

	if (!strncmp(s, "theme[", 6)) {
		s += 6;
		end = strchr(s, ']');
		if (!end || *skip_blank(end + 1))
			return NULL;
		*end = '\0';
	}
	rstrip(s);
	for (end = s; *end; end++)
		if (!isalnum((unsigned char)*end) && *end != '_')
			return NULL;
	return *s ? s : NULL;
}

/* Unquotes "value" in place; a bare word is accepted too. */
static char *take_value(char *s)
{
	size_t n;

	s = skip_blank(s);
	rstrip(s);
	n = strlen(s);
	if (n && s[0] == '"') {
		if (n < 2 || s[n - 1] != '"')
			return NULL;
		s[n - 1] = '\0';
		s++;
	}
	if (strchr(s, '"'))
		return NULL;
	return s;
}

static int fail(char *err, size_t errlen, unsigned line, const char *what,
		const char *arg)
{
	char safe[41];
	size_t i;

	if (arg) {
		/* The file may be binary: never echo control bytes. */
		for (i = 0; i < sizeof(safe) - 1 && arg[i]; i++)
			safe[i] = isprint((unsigned char)arg[i]) ? arg[i] : '?';
		safe[i] = '\0';
		snprintf(err, errlen, "line %u: %s \"%s\"", line, what, safe);
	}
	else
		snprintf(err, errlen, "line %u: %s", line, what);
	return -EINVAL;
}

static int parse_line(char *s, unsigned line, struct ri_theme *t, char *err,
		      size_t errlen)
{
	char *eq, *key, *val;
	struct ri_color c;
	int k;

	s = skip_blank(s);
	if (!*s || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (!eq)
		return fail(err, errlen, line, "expected key = \"value\"", NULL);
	*eq = '\0';
	key = take_key(s);
	if (!key)
		return fail(err, errlen, line, "bad key", s);
	k = find_key(key);
	if (k < 0)
		return fail(err, errlen, line, "unknown key", key);
	val = take_value(eq + 1);
	if (!val)
		return fail(err, errlen, line, "bad quoting in value for", key);
	if (ri_color_parse(val, &c))
		return fail(err, errlen, line, "bad colour", val);
	t->c[k] = c;
	t->set |= 1u << k;
	return 0;
}

int ri_theme_parse(const char *buf, size_t len, struct ri_theme *t, char *err,
		   size_t errlen)
{
	char line[LINE_MAX_LEN + 1];
	unsigned lineno = 0;
	size_t pos = 0;

	if (errlen)
		err[0] = '\0';
	t->builtin = false;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		int ret;

		lineno++;
		if (n > LINE_MAX_LEN)
			return fail(err, errlen, lineno, "line too long", NULL);
		if (memchr(buf + pos, '\0', n))
			return fail(err, errlen, lineno, "NUL byte (not a text file?)",
				    NULL);
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		ret = parse_line(line, lineno, t, err, errlen);
		if (ret)
			return ret;
		pos += n + 1;
	}
	return 0;
}
