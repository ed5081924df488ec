/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * State shared by the files of tui/: what is shown (rows, selection,
 * sort, expansion), how (theme, glyphs) and the modal overlays (prompt,
 * picker, help). Each tui/ file owns one concern over this state.
 */
#ifndef RI_TUI_VIEW_H
#define RI_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../core/cli.h"
#include "../core/model.h"
#include "../core/monitor.h"
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

/* One line of the table: a process, or one of its threads under it. */
struct row {
	struct ri_proc *p;
	struct ri_thread *t; /* NULL for a process row */
	bool last;           /* last thread of its process (tree glyph) */
};

enum prompt_kind { PROMPT_NONE, PROMPT_SEARCH, PROMPT_FILTER, PROMPT_DELAY };

/* A process as the picker lists it (read from /proc at picker open). */
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
	struct ri_model *m;

	double delay;
	int help_top;
	bool paused, quit, all_threads, reverse, help, need_full_redraw;
	enum ri_sort_key sort;
	enum ri_metric spark_metric;

	/* Terminal capabilities. */
	bool utf8, color;
	int attr[R_COUNT];
	struct ri_theme theme;
	char theme_names[32][64];
	int ntheme_names, theme_idx;

	/* The table. */
	struct row *rows;
	size_t nrows, rows_cap;
	size_t sel, top;
	pid_t sel_pid, sel_tid; /* follows the task, not the row number */
	bool user_moved;        /* until then the cursor stays on row 0 */
	bool reveal;            /* scroll so a just-expanded process's threads show */
	pid_t *expanded;
	size_t nexpanded, expanded_cap;
	struct ri_thread **tbuf; /* scratch for sorting threads */
	size_t tbuf_cap;
	struct ri_proc **pbuf; /* sorted copy of the model's processes */
	size_t pbuf_cap;
	int table_rows; /* visible lines in the last draw */

	/* Prompt line (search, filter, delay). */
	enum prompt_kind prompt;
	char input[64];
	char search[64], filter[64];

	char msg[400];
	double msg_until;

	struct picker pk;
};

/* rows.c */
void rows_rebuild(struct tui *v);
bool rows_is_expanded(const struct tui *v, pid_t pid);
void rows_set_expanded(struct tui *v, pid_t pid, bool on);
void rows_select(struct tui *v, size_t i);
void rows_pick(struct tui *v, size_t i);
void rows_move(struct tui *v, long delta);
bool rows_match(const struct row *r, const char *needle);
void rows_free(struct tui *v);

/* table.c */
void table_draw(struct tui *v, int y, int h);
enum ri_sort_key table_next_sort(enum ri_sort_key k, int dir);

/* header.c */
int header_draw(struct tui *v);
void footer_draw(struct tui *v);
void tui_message(struct tui *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* detail.c */
int detail_height(const struct tui *v);
void detail_draw(struct tui *v, const struct ri_proc *p, int y, int h);

/* spark.c */
void spark_draw(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		size_t samples, int width, double lo, double hi, int attr);
void spark_draw_tall(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		     size_t samples, int y, int x, int width, int height,
		     double lo, double hi);
void spark_range(const struct ri_hist *h, enum ri_metric m, size_t samples,
		 double *mn, double *mx);
const char *spark_metric_name(enum ri_metric m);

/* picker.c */
void picker_open(struct tui *v);
void picker_draw(struct tui *v);
void picker_key(struct tui *v, int ch);
void picker_free(struct picker *pk);

/* proclist.c */
int proclist_read(struct pick_item **out, size_t *n);

/* help.c */
void help_draw(struct tui *v);
bool help_key(struct tui *v, int ch);

/* prompt.c */
void prompt_start(struct tui *v, enum prompt_kind k);
void prompt_key(struct tui *v, int ch);
void prompt_draw(struct tui *v, int y);
void search_next(struct tui *v);

/* keys.c: a binding of the main view; the help screen lists the table. */
#define MAX_ACTION_KEYS 4
struct action {
	const char *group; /* starts a help section when set */
	const char *keys;  /* as shown in help; NULL: shares the line above */
	const char *help;
	void (*fn)(struct tui *v);
	int codes[MAX_ACTION_KEYS]; /* 0-terminated unless full */
};
const struct action *keys_actions(size_t *n);

void keys_dispatch(struct tui *v, int ch);
void tui_set_delay(struct tui *v, double d);
void tui_apply_choice(struct tui *v, const pid_t *pids, size_t n,
		      const char (*names)[RI_COMM_LEN], size_t nnames);

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
