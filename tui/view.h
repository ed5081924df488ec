/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * State shared by the files of tui/: what is shown (the rows, with their
 * selection and expansion, from core/rows.h), how (theme, glyphs) and the
 * modal overlays (prompt, picker, help, alert log). Each tui/ file owns one concern
 * over this state.
 *
 * Layers, each calling only those below it: tui.c (lifecycle and the
 * loop) -> keys.c, picker.c, prompt.c, help.c (input) and table.c,
 * header.c, detail.c, alerts.c (drawing) -> shell.c (what every screen may ask of
 * the shell: a message, a delay, a choice, rebuilt rows) -> core/.
 * A key handler returns what must happen next (enum ri_next); the loop
 * does it, once.
 */
#ifndef RI_TUI_VIEW_H
#define RI_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../core/cli.h"
#include "../core/model.h"
#include "../core/monitor.h"
#include "../core/rows.h"
#include "theme.h"

/* Screen roles, each an attribute built from the theme (colors.c). */
enum ri_role {
	R_NORMAL,
	R_HEADER,
	R_TITLE,
	R_SORT,
	R_SELECTION,
	R_PICKED,
	R_CPU_LOW,
	R_CPU_MID,
	R_CPU_HIGH,
	R_MEMORY,
	R_IO_READ,
	R_IO_WRITE,
	R_EXITED,
	R_WARNING,
	R_TREE,
	R_SPARK0, /* R_SPARK0 + level, 8 levels low to high */
	R_COUNT = R_SPARK0 + 8
};

/* What a key asks of the loop, or-ed together. */
enum ri_next {
	NEXT_NONE = 0,
	NEXT_REDRAW = 1,       /* draw the screen again */
	NEXT_REBUILD = 2,      /* rebuild the rows (sort, filter, expansion) */
	NEXT_FULL_REDRAW = 4,  /* repaint every cell (Ctrl-L, a new theme) */
	NEXT_QUIT = 8,
};

enum prompt_kind { PROMPT_NONE, PROMPT_SEARCH, PROMPT_FILTER, PROMPT_DELAY };

/* A process as the picker lists it (listed when the picker opens). */
struct pick_item {
	pid_t pid;
	uid_t uid;
	char comm[RI_COMM_LEN];
	char *cmdline; /* printable, spaces for NULs; never NULL */
	double cpu_pct; /* from the model when known, else -1 */
	bool marked;
};

struct picker {
	bool open;
	struct pick_item *items;
	size_t nitems;
	size_t *shown; /* indexes into items matching the filter */
	size_t nshown;
	size_t sel, top;
	char filter[64];
};

struct tui {
	const struct ri_opts *opts;
	struct ri_monitor *mon;
	const struct ri_model *m;
	struct ri_monitor_info info;

	double delay;
	int help_top;
	bool paused, all_threads, reverse, help;
	bool alert_log;     /* the alert log (alerts.c) is open */
	int alert_log_top;
	struct ri_hook *hook; /* --alert-exec, NULL without */
	enum ri_sort_key sort;
	enum ri_metric spark_metric;

	/* Terminal capabilities. */
	bool utf8, color;
	int attr[R_COUNT];
	struct ri_theme theme;
	char theme_names[32][64];
	int ntheme_names, theme_idx;

	/* The table: rows, selection and expansion live in core/rows. */
	struct ri_rows rows;
	size_t top;     /* first row on screen */
	bool reveal;    /* scroll so a just-expanded process's threads show */
	int table_rows; /* visible lines in the last draw */

	/* Prompt line (search, filter, delay). */
	enum prompt_kind prompt;
	char input[64];
	char search[64], filter[64];

	char msg[400];
	double msg_until;

	struct picker pk;
};

/* shell.c: what every screen may ask of the shell. */
double tui_now_real(void); /* CLOCK_REALTIME, seconds */
void tui_message(struct tui *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tui_set_delay(struct tui *v, double d);
/* Applies a choice; the rows must be rebuilt after (NEXT_REBUILD). */
enum ri_next tui_apply_choice(struct tui *v, const pid_t *pids, size_t n,
			      const char (*names)[RI_COMM_LEN], size_t nnames);
void tui_rebuild_rows(struct tui *v);

/* table.c */
void table_draw(struct tui *v, int y, int h);
enum ri_sort_key table_next_sort(enum ri_sort_key k, int dir);

/* header.c */
int header_draw(struct tui *v);
void footer_draw(struct tui *v);

/* detail.c */
int detail_height(const struct tui *v);
void detail_draw(struct tui *v, const struct ri_proc *p, int y, int h);

/* spark.c */
/* The widest table sparkline, in cells: what a thread's ring keeps. */
#define SPARK_MAX 60
void spark_draw(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		size_t samples, int width, double lo, double hi, int attr);
void spark_draw_tall(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		     size_t samples, int y, int x, int width, int height,
		     double lo, double hi);
void spark_range(const struct ri_hist *h, enum ri_metric m, size_t samples,
		 double *mn, double *mx);
const char *spark_metric_name(enum ri_metric m);

/* picker.c */
enum ri_next picker_open(struct tui *v);
void picker_draw(struct tui *v);
enum ri_next picker_key(struct tui *v, int ch);
void picker_free(struct picker *pk);

/* alerts.c: the header's alert line (0 or 1 lines used), the log screen */
int alerts_header_draw(struct tui *v, int y);
enum ri_next alerts_log_open(struct tui *v);
void alerts_log_draw(struct tui *v);
enum ri_next alerts_log_key(struct tui *v, int ch);

/* help.c */
void help_draw(struct tui *v);
bool help_key(struct tui *v, int ch);

/* prompt.c */
enum ri_next prompt_start(struct tui *v, enum prompt_kind k);
enum ri_next prompt_key(struct tui *v, int ch);
void prompt_draw(struct tui *v, int y);
enum ri_next search_next(struct tui *v);

/* keys.c: a binding of the main view; the help screen lists the table. */
#define MAX_ACTION_KEYS 4
struct action {
	const char *group; /* starts a help section when set */
	const char *keys;  /* as shown in help; NULL: shares the line above */
	const char *help;
	enum ri_next (*fn)(struct tui *v);
	int codes[MAX_ACTION_KEYS]; /* 0-terminated unless full */
};
const struct action *keys_actions(size_t *n);

enum ri_next keys_dispatch(struct tui *v, int ch);

/* colors.c */
void colors_init(struct tui *v);
void colors_apply(struct tui *v);

/* theme_load.c */
int theme_load(const char *name_or_path, struct ri_theme *t, char *err,
	       size_t errlen);
int theme_list(char names[][64], int max);

/* users.c */
const char *user_name(uid_t uid);

/* draw helpers (table.c) */
void put_str(int y, int x, int w, const char *s, int attr, bool right);

#endif /* RI_TUI_VIEW_H */
