/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Themes: the colour of each semantic role on screen, and the parser of
 * theme files. The parser is a pure function over a buffer (no curses, no
 * files) so unit tests and a fuzzer can call it directly.
 *
 * File format, one setting per line, '#' starts a comment:
 *
 *   key = "value"          (btop's theme[key]="value" is accepted too)
 *
 * Values: "#RRGGBB", "#BW" (two hex digits of grey), "R G B" (decimal),
 * a colour name (black, red, green, yellow, blue, magenta, cyan, white,
 * optionally prefixed "bright_"), a 256-colour index "0".."255", or ""
 * / "default" for the terminal's own colour.
 */
#ifndef RI_TUI_THEME_H
#define RI_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ri_theme_key {
	RI_TK_MAIN_FG,
	RI_TK_MAIN_BG,
	RI_TK_HEADER,
	RI_TK_TITLE_FG,
	RI_TK_TITLE_BG,
	RI_TK_SORT,
	RI_TK_SELECTION_FG,
	RI_TK_SELECTION_BG,
	RI_TK_PICKED,
	RI_TK_CPU_LOW,
	RI_TK_CPU_MID,
	RI_TK_CPU_HIGH,
	RI_TK_MEMORY,
	RI_TK_IO_READ,
	RI_TK_IO_WRITE,
	RI_TK_EXITED,
	RI_TK_WARNING,
	RI_TK_TREE,
	RI_TK_SPARK_LOW,
	RI_TK_SPARK_MID,
	RI_TK_SPARK_HIGH,
	/*
	 * Where the time goes: one colour per state of the STATES bar, in
	 * the order CPU, RUNQ, then enum ri_state's. A theme that leaves one
	 * out gets a related colour of its own (ri_theme_color), not the
	 * dark default's.
	 */
	RI_TK_STATE_CPU,
	RI_TK_STATE_RUNQ,
	RI_TK_STATE_DISK,
	RI_TK_STATE_BLOCKED,
	RI_TK_STATE_LOCK,
	RI_TK_STATE_NET,
	RI_TK_STATE_SLEEP,
	RI_TK_STATE_OTHER,
	RI_TK_COUNT
};
#define RI_TK_STATES 8

enum ri_color_kind {
	RI_COL_DEFAULT, /* the terminal's own foreground/background */
	RI_COL_INDEX,   /* a palette index 0..255 */
	RI_COL_RGB,
};

struct ri_color {
	enum ri_color_kind kind;
	uint8_t r, g, b;
	uint8_t idx;
};

struct ri_theme {
	char name[64];
	struct ri_color c[RI_TK_COUNT];
	uint32_t set;  /* bit k: a line of a file gave key k */
	bool builtin;  /* the built-in default, no file over it */
};

/*
 * Key @k's colour; for a state key a theme file left out, the colour of a
 * related key of the same file (the built-in default has its own).
 */
const struct ri_color *ri_theme_color(const struct ri_theme *t, int k);

/* The built-in dark default, used for every key a file leaves out. */
void ri_theme_default(struct ri_theme *t);

/*
 * Applies the settings in @buf (@len bytes, need not be NUL-terminated)
 * over @t, which the caller has filled (usually with the default).
 * Returns 0 on success, or -EINVAL with "line N: what is wrong" in @err;
 * on error @t keeps the keys set before the bad line (callers that want
 * all-or-nothing parse into a copy). Unknown keys are errors too: a typo
 * in a theme should be seen, not silently ignored.
 */
int ri_theme_parse(const char *buf, size_t len, struct ri_theme *t, char *err,
		   size_t errlen);

/* Parses one colour value; 0 or -EINVAL. */
int ri_color_parse(const char *s, struct ri_color *c);

const char *ri_theme_key_name(enum ri_theme_key k);

#endif /* RI_TUI_THEME_H */
