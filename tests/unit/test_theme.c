// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the theme file parser (tui/theme.c): good files, keys
 * left out falling back to the default, bad colours, unknown keys,
 * binary garbage and over-long lines. Plain C: exit 0 pass, 1 fail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tui/theme.h"

static int failures;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,     \
				__LINE__, #cond);                          \
			failures++;                                        \
		}                                                          \
	} while (0)

static int parse(const char *text, struct ri_theme *t, char *err, size_t n)
{
	ri_theme_default(t);
	return ri_theme_parse(text, strlen(text), t, err, n);
}

static int same(const struct ri_color *a, const struct ri_color *b)
{
	return a->kind == b->kind && a->r == b->r && a->g == b->g &&
	       a->b == b->b && a->idx == b->idx;
}

static void test_good_file(void)
{
	struct ri_theme t;
	char err[128];
	const char *text = "# a comment\n"
			   "\n"
			   "header = \"#ff0000\"\r\n"
			   "  theme[memory]=\"#7f\"\n"
			   "cpu_low = \"10 20 30\"\n"
			   "cpu_mid = \"bright_yellow\"\n"
			   "cpu_high = \"196\"\n"
			   "main_bg = \"\"\n"
			   "exited = default";

	CHECK(parse(text, &t, err, sizeof(err)) == 0);
	CHECK(t.c[RI_TK_HEADER].kind == RI_COL_RGB && t.c[RI_TK_HEADER].r == 255 &&
	      t.c[RI_TK_HEADER].g == 0 && t.c[RI_TK_HEADER].b == 0);
	CHECK(t.c[RI_TK_MEMORY].kind == RI_COL_RGB && t.c[RI_TK_MEMORY].r == 0x7f &&
	      t.c[RI_TK_MEMORY].b == 0x7f);
	CHECK(t.c[RI_TK_CPU_LOW].r == 10 && t.c[RI_TK_CPU_LOW].g == 20 &&
	      t.c[RI_TK_CPU_LOW].b == 30);
	CHECK(t.c[RI_TK_CPU_MID].kind == RI_COL_INDEX && t.c[RI_TK_CPU_MID].idx == 11);
	CHECK(t.c[RI_TK_CPU_HIGH].kind == RI_COL_INDEX && t.c[RI_TK_CPU_HIGH].idx == 196);
	CHECK(t.c[RI_TK_MAIN_BG].kind == RI_COL_DEFAULT);
	CHECK(t.c[RI_TK_EXITED].kind == RI_COL_DEFAULT);
}

static void test_missing_keys_fall_back(void)
{
	struct ri_theme def, t;
	char err[128];
	int k;

	ri_theme_default(&def);
	CHECK(parse("warning = \"#123456\"\n", &t, err, sizeof(err)) == 0);
	for (k = 0; k < RI_TK_COUNT; k++)
		if (k != RI_TK_WARNING)
			CHECK(same(&t.c[k], &def.c[k]));
	CHECK(t.c[RI_TK_WARNING].r == 0x12);
	/* The default defines every key with a real colour where it should. */
	CHECK(def.c[RI_TK_SELECTION_BG].kind != RI_COL_DEFAULT);
	CHECK(parse("", &t, err, sizeof(err)) == 0);
}

/*
 * A state key the file leaves out takes a related key of the same file,
 * not the dark default's colour; one it gives is its own; the built-in
 * default has its own state colours.
 */
static void test_state_keys_fall_back(void)
{
	struct ri_theme def, t;
	char err[128];

	ri_theme_default(&def);
	CHECK(ri_theme_color(&def, RI_TK_STATE_LOCK) == &def.c[RI_TK_STATE_LOCK]);
	CHECK(parse("cpu_high = \"#102030\"\nstate_net = \"#405060\"\n", &t, err,
		    sizeof(err)) == 0);
	CHECK(ri_theme_color(&t, RI_TK_STATE_LOCK)->r == 0x10);
	CHECK(ri_theme_color(&t, RI_TK_STATE_NET)->r == 0x40);
	CHECK(same(ri_theme_color(&t, RI_TK_STATE_SLEEP), &t.c[RI_TK_TREE]));
	CHECK(same(ri_theme_color(&t, RI_TK_CPU_HIGH), &t.c[RI_TK_CPU_HIGH]));
}

static void test_bad_colours(void)
{
	static const char *const bad[] = {
		"header = \"#12345\"",	  "header = \"#gg0000\"",
		"header = \"256\"",	  "header = \"1 2\"",
		"header = \"1 2 3 4\"",	  "header = \"purple\"",
		"header = \"bright_grey\"", "header = \"-1\"",
		"header = \"12a\"",	  "header = \"#ff0000",
		"header = \"a\"b\"",	  "header = \"99999 1 1\"",
	};
	struct ri_theme t;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(parse(bad[i], &t, err, sizeof(err)) == -EINVAL);
		CHECK(!strncmp(err, "line 1:", 7));
	}
	CHECK(parse("# ok\nheader = \"#fff\"\n", &t, err, sizeof(err)) == -EINVAL);
	CHECK(!strncmp(err, "line 2: bad colour", 18));
}

static void test_unknown_and_malformed(void)
{
	struct ri_theme t;
	char err[128];

	CHECK(parse("\n\nheadr = \"#ffffff\"\n", &t, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "line 3") && strstr(err, "unknown key") &&
	      strstr(err, "headr"));
	CHECK(parse("header \"#ffffff\"\n", &t, err, sizeof(err)) == -EINVAL);
	CHECK(parse("theme[header = \"#ffffff\"\n", &t, err, sizeof(err)) == -EINVAL);
	CHECK(parse("he ader = \"#ffffff\"\n", &t, err, sizeof(err)) == -EINVAL);
	CHECK(parse(" = \"#ffffff\"\n", &t, err, sizeof(err)) == -EINVAL);
}

static void test_binary_garbage(void)
{
	struct ri_theme t;
	char buf[4096], err[128];
	unsigned seed = 12345;
	size_t i;
	int round;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (char)(seed >> 16);
		}
		ri_theme_default(&t);
		/* Must not crash; must report, with nothing unprintable. */
		if (ri_theme_parse(buf, sizeof(buf), &t, err, sizeof(err)) == 0)
			continue;
		for (i = 0; err[i]; i++)
			CHECK(err[i] >= 0x20 && err[i] < 0x7f);
	}
	memcpy(buf, "header = \"#ffffff\"\n\0\0\0", 22);
	ri_theme_default(&t);
	CHECK(ri_theme_parse(buf, 22, &t, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "line 2") != NULL);
	/* A tiny error buffer is truncated, not overrun. */
	CHECK(parse("nope = \"1\"", &t, err, 5) == -EINVAL && strlen(err) == 4);
}

static void test_long_lines(void)
{
	struct ri_theme t;
	char err[128];
	size_t n = 100000;
	char *buf = malloc(n + 64);

	if (!buf)
		exit(1);
	memset(buf, '#', n);
	strcpy(buf + n, "\nheader = \"#ffffff\"\n");
	CHECK(parse(buf, &t, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "line 1: line too long") != NULL);
	/* Long but within the limit is fine. */
	memset(buf, ' ', 400);
	strcpy(buf + 400, "header = \"#ffffff\"\n");
	CHECK(parse(buf, &t, err, sizeof(err)) == 0);
	free(buf);
}

static void test_shipped_names(void)
{
	struct ri_theme t;

	ri_theme_default(&t);
	CHECK(!strcmp(t.name, "default"));
	CHECK(!strcmp(ri_theme_key_name(RI_TK_SPARK_HIGH), "spark_high"));
	CHECK(!strcmp(ri_theme_key_name(RI_TK_COUNT), "?"));
}

/* Every theme shipped in themes/ parses, and sets every key. */
static void test_shipped_files(void)
{
#ifdef RI_TEST_TREE
	static const char *const names[] = { "default", "light", "mono",
					     "high-contrast", "nord" };
	char path[512], buf[8192], err[128];
	struct ri_theme t;
	size_t i, n;
	FILE *f;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/themes/%s.theme", RI_TEST_TREE,
			 names[i]);
		f = fopen(path, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		ri_theme_default(&t);
		CHECK(ri_theme_parse(buf, n, &t, err, sizeof(err)) == 0);
		if (err[0])
			fprintf(stderr, "%s: %s\n", path, err);
	}
#endif
}

int main(void)
{
	test_good_file();
	test_missing_keys_fall_back();
	test_state_keys_fall_back();
	test_bad_colours();
	test_unknown_and_malformed();
	test_binary_garbage();
	test_long_lines();
	test_shipped_names();
	test_shipped_files();
	if (failures) {
		fprintf(stderr, "test_theme: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_theme: ok\n");
	return 0;
}
