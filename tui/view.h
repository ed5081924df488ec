/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * State shared by the files of tui/: what is shown (the rows, with their
 * selection and expansion, from core/rows/rows.h), how (theme, glyphs) and the
 * stack of overlays over the main view (help, alert log, setup, picker,
 * menus, prompts). Each tui/ file owns one concern over this state.
 *
 * Layers, each calling only those below it: tui.c (lifecycle and the
 * loop) and replay.c (the screen over a recording) -> screen.c (drawing
 * the screen, and the one route of every key, click and wheel turn: to
 * the overlay on top, else to the main view) -> keys.c (the main view's
 * key table), mouse.c (its clicks and wheel), table.c, header.c,
 * meters.c, detail.c, spark.c, alerts.c (drawing) -> help.c, picker.c,
 * prompt.c, menu.c, setup.c, alerts.c (overlays: each has a struct
 * overlay of its own, which it pushes when it opens) -> procctl.c
 * (signals and nice values), settings.c (the settings file) -> shell.c
 * (what every screen may ask of the shell: a message, a delay, a choice,
 * rebuilt rows, opening and closing an overlay) -> core/. What the
 * replay adds to the main view (its keys, its title, its time bar, its
 * key bar) is data, a struct view_mode: no screen calls replay.c.
 * A handler returns what must happen next (enum ri_next); the loop does
 * it, once.
 */
#ifndef RI_TUI_VIEW_H
#define RI_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "cli.h"
#include "config.h"
#include "model.h"
#include "monitor.h"
#include "rows.h"
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
	/* The same levels on the selection's background, with contrast kept. */
	R_SPARK_SEL0 = R_SPARK0 + 8,
	/* The STATES bar: CPU, RUNQ, then enum ri_state's, as the theme keys. */
	R_STATE0 = R_SPARK_SEL0 + 8,
	R_COUNT = R_STATE0 + 8
};

enum spark_style {
	SPARK_BLOCK,   /* one sample per cell, eight levels (U+2581..2588) */
	SPARK_BRAILLE, /* two samples per cell, four levels each (U+2800..) */
	SPARK_ASCII,   /* one sample per cell, an ASCII ramp */
	SPARK_STYLES
};

/* Header meters (setup can turn each off). */
enum {
	METER_CPUS = 1 << 0,   /* one per CPU, or groups, or a summary */
	METER_MEMORY = 1 << 1,
	METER_SWAP = 1 << 2,
	METER_TASKS = 1 << 3,
	METER_LOAD = 1 << 4,
	METER_UPTIME = 1 << 5,
	METER_PSI = 1 << 6,
	METER_NET = 1 << 7,    /* the machine's interfaces but loopback */
	METER_ALL = (1 << 8) - 1,
};

#define TABLE_MAX_COLS 32

/* What a key asks of the loop, or-ed together. */
enum ri_next {
	NEXT_NONE = 0,
	NEXT_REDRAW = 1,       /* draw the screen again */
	NEXT_REBUILD = 2,      /* rebuild the rows (sort, filter, expansion) */
	NEXT_FULL_REDRAW = 4,  /* repaint every cell (Ctrl-L, a new theme) */
	NEXT_QUIT = 8,
};

/*
 * A screen over the main view, on the stack of struct tui: the help, the
 * alert log, setup, the picker, a menu, a prompt. Every key goes to the
 * overlay on top, and every click and wheel turn too: a NULL handler
 * ignores them (nothing reaches a table it hides). screen.c routes them.
 */
struct tui;
struct overlay {
	const char *name;
	unsigned flags;
	void (*draw)(struct tui *v);
	enum ri_next (*key)(struct tui *v, int ch);
	enum ri_next (*click)(struct tui *v, int y, int x); /* a cell, from 0 */
	enum ri_next (*wheel)(struct tui *v, int dir);      /* -1 up, 1 down */
};

enum {
	OVERLAY_FULL = 1,        /* covers the screen: nothing under it is drawn */
	OVERLAY_WHEEL_BELOW = 2, /* hides no row: the wheel goes to what is under */
};

#define OVERLAY_MAX 8
/* Lines one turn of the wheel moves. */
#define WHEEL_ROWS 3

/*
 * A question on the footer line (prompt.c): its label, what the text does
 * as it is typed, on Enter and on Esc (each may be NULL).
 */
struct prompt_def {
	const char *label;
	enum ri_next (*changed)(struct tui *v, const char *text);
	enum ri_next (*done)(struct tui *v, const char *text);
	enum ri_next (*cancel)(struct tui *v);
};

/* A popup list (menu.c): the signals of k, the users of u, the sort of F6. */
enum menu_kind { MENU_NONE, MENU_SIGNAL, MENU_USER, MENU_SORT };
#define MENU_MAX 64

struct menu {
	enum menu_kind kind;
	char title[96];
	char label[MENU_MAX][40];
	long value[MENU_MAX];
	int n, sel, top;
	int typed; /* MENU_SIGNAL: the digit typed so far */
	/* Where the list was drawn, for the mouse. */
	int y0, x0, w, rows;
	/* MENU_SIGNAL: the process it is for, as it was when the menu opened. */
	pid_t pid;
	uint64_t start_ns;
	char comm[RI_COMM_LEN];
};

/* The setup screen (setup.c). */
struct setup {
	int section; /* 0 columns, 1 meters, 2 display */
	int sel, top;
	int y0;      /* first item line of the last draw, for the mouse */
};

/* Where the table and the function bar were drawn: what a click hits. */
struct table_geom {
	int title_y, first_y, nrows; /* rows drawn from v->top */
	int ncols;
	int id[TABLE_MAX_COLS], x[TABLE_MAX_COLS], w[TABLE_MAX_COLS];
};

#define FBAR_MAX 16
struct fbar_entry {
	int x0, x1; /* cells [x0, x1) */
	int key;    /* what a click on it presses */
};

/* An entry of the footer's key bar: what it says, and the key it stands for. */
struct fbar_hint {
	const char *key, *label;
	int code;
};


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
	struct pick_item *items;
	size_t nitems;
	size_t *shown; /* indexes into items matching the filter */
	size_t nshown;
	size_t sel, top;
	char filter[64];
};

/* One host of several (--remote, repeated): what the screen swaps in. */
struct tui_host {
	const char *name;
	struct ri_session *s;
	struct ri_monitor *mon;
	struct tui_replay *replay;
	struct ri_monitor_info info;
};

struct tui {
	const struct ri_opts *opts;
	struct ri_monitor *mon;
	const struct ri_model *m;
	struct ri_monitor_info info;

	double delay;
	int help_top;
	bool paused, all_threads, reverse;
	int alert_log_top;
	struct ri_hook *hook; /* --alert-exec, NULL without */
	enum ri_sort_key sort;
	enum ri_metric spark_metric;
	enum spark_style spark_style;

	/* What the rows are: the view, the fold, the filters. */
	enum ri_view view;
	bool fold, hide_kthreads, by_user;
	uid_t user;
	/* F: the cursor stays on this process until the user moves. */
	bool follow;
	pid_t follow_pid;

	/* The table's columns, in order (ids of table.c), and the meters. */
	int cols[TABLE_MAX_COLS];
	int ncols;
	unsigned meters;
	struct ri_cgroups *cgroups;

	bool mouse;
	struct table_geom geom;
	struct fbar_entry fbar[FBAR_MAX];
	int nfbar, fbar_y;
	struct menu menu;
	struct setup setup;

	/* The settings file: where, what it held, whether writing failed. */
	char config_path[512];
	struct ri_config saved;
	bool config_on, config_failed;
	/* From the command line: kept for the run, not written unless changed. */
	bool cli_sort, cli_delay, cli_theme, cli_threads, cli_view;
	struct ri_config cli_base; /* the values the command line gave */

	/* Terminal capabilities. */
	bool utf8, color;
	int attr[R_COUNT];
	/* A cell of two states, one under the other: [lower][upper] (spark.c). */
	int state_duo[8][8];
	struct ri_theme theme;
	char theme_name[64]; /* as asked for (-t, the settings, C): what is saved */
	char theme_names[32][64];
	int ntheme_names, theme_idx;

	/* The table: rows, selection and expansion live in core/rows. */
	struct ri_rows rows;
	size_t top;     /* first row on screen */
	bool reveal;    /* scroll so a just-expanded process's threads show */
	int table_rows; /* visible lines in the last draw */

	/* Overlays open over the main view, the last one on top (shell.c). */
	const struct overlay *ov[OVERLAY_MAX];
	int nov;
	/* The main view's keys, looked up in order (a replay's first). */
	struct keymap {
		const struct action *a;
		size_t n;
	} keymap[3];
	int nkeymaps;
	const struct view_mode *mode; /* what a replay adds; NULL live */

	/* Prompt line (search, filter, delay, a replay's jump). */
	const struct prompt_def *prompt;
	char input[64];
	char search[64], filter[64];

	char msg[400];
	double msg_until;

	struct picker pk;

	struct tui_replay *replay; /* replaying a recording (-r): replay.c */
	struct tui_host hosts[RI_MAX_REMOTES]; /* hosts.c; nhosts 1: just this one */
	int nhosts, host, host_sel;
	struct ri_recorder *rec;   /* recording (-w) */
	char rec_said[600];        /* its last news, for stderr at the end */
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
/* Opens @o on top of the stack (or brings it there); false when full. */
bool overlay_push(struct tui *v, const struct overlay *o);
/* Closes @o wherever it is on the stack. */
void overlay_pop(struct tui *v, const struct overlay *o);
/* The wheel as @n presses of Up or Down, for a screen that scrolls by keys. */
enum ri_next overlay_wheel_keys(struct tui *v,
				enum ri_next (*key)(struct tui *v, int ch),
				int dir, int n);

/* screen.c: the screen, and the one route of every key, click and wheel. */
void screen_init(struct tui *v, const struct view_mode *mode);
void screen_draw(struct tui *v, bool full);
/* A key from getch() (KEY_MOUSE: the mouse event waiting). */
enum ri_next screen_input(struct tui *v, int ch);

/* table.c */
void table_draw(struct tui *v, int y, int h);
enum ri_sort_key table_next_sort(const struct tui *v, enum ri_sort_key k, int dir);
/* The columns there are: names (for the settings file), titles, help. */
int table_ncolumns(void);
const char *table_column_name(int id);
const char *table_column_help(int id);
int table_column_by_name(const char *name); /* -1 when none */
enum ri_sort_key table_column_sort(int id);  /* RI_SORT_COUNT: none */
void table_default_columns(int *cols, int *n);
/* What a process's cgroup is called in a column (a unit, a short id). */
const char *table_cgroup_name(struct tui *v, uint64_t id, char *buf, size_t len);
/* Whether a row is a process a detail panel, a signal or nice may be for. */
bool row_is_process(const struct ri_row *r);

/* header.c */
int header_draw(struct tui *v);
void footer_draw(struct tui *v);

/* meters.c: the header's meters from lines @y on, at most @h; lines used. */
int meters_draw(struct tui *v, int y, int h);
const char *meter_name(unsigned bit);

/* detail.c */
int detail_height(const struct tui *v);
void detail_draw(struct tui *v, const struct ri_proc *p, int y, int h);
/* The panel's lines of where its threads wait (waits.c), and drawing them. */
int waits_lines(const struct tui *v, const struct ri_proc *p);
int waits_draw(struct tui *v, const struct ri_proc *p, int y);

/* spark.c */
/*
 * @attr >= 0: every cell in that attribute; -1: the gradient colours;
 * -2: the gradient on the selection's background.
 */
/* The widest table sparkline, in cells: what a thread's ring keeps. */
#define SPARK_MAX 60
void spark_draw(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		size_t samples, int width, double lo, double hi, int attr);
const char *spark_style_name(enum spark_style s);
/* Samples one cell of @width cells shows, in the current style. */
size_t spark_per_cell(const struct tui *v);
void spark_draw_tall(struct tui *v, const struct ri_hist *h, enum ri_metric m,
		     size_t samples, int y, int x, int width, int height,
		     double lo, double hi);
void spark_range(const struct ri_hist *h, enum ri_metric m, size_t samples,
		 double *mn, double *mx);
const char *spark_metric_name(enum ri_metric m);
/* The letter of state @i of the STATES bar (CPU, RUNQ, then enum ri_state's). */
char spark_state_letter(int i);
/*
 * Where the time went, @height rows tall at (@y, @x): one stacked column
 * per cell (time aligned as spark_draw_tall's), CPU at the bottom.
 */
void spark_draw_states(struct tui *v, const struct ri_hist *h, size_t samples,
		       int y, int x, int width, int height);

/* The overlays: each opens itself (pushed on the stack); keys close it. */
/* picker.c */
enum ri_next picker_open(struct tui *v);
void picker_free(struct picker *pk);

/* alerts.c: the header's alert line (0 or 1 lines used), the log screen */
int alerts_header_draw(struct tui *v, int y);
enum ri_next alerts_log_open(struct tui *v);

/* help.c: the keys of every table in v->keymap, then the overlays' keys. */
enum ri_next help_open(struct tui *v);

/* prompt.c */
enum ri_next prompt_open(struct tui *v, const struct prompt_def *d,
			 const char *text);
enum ri_next prompt_search(struct tui *v);
enum ri_next prompt_filter(struct tui *v);
enum ri_next prompt_delay(struct tui *v);
enum ri_next search_next(struct tui *v);

/* menu.c */
enum ri_next menu_open_signals(struct tui *v);
enum ri_next menu_open_users(struct tui *v);
enum ri_next menu_open_sort(struct tui *v);

/* setup.c */
enum ri_next setup_open(struct tui *v);

/* procctl.c: acting on processes, errors said on the message line. */
struct proc_sig {
	int sig;
	const char *name;
};
/* The signals k offers, SIGTERM first. */
const struct proc_sig *proc_signals(size_t *n);
void proc_signal(struct tui *v, pid_t pid, uint64_t start_ns, const char *comm,
		 int sig);
/* Nice value of the selected row's process (or thread) by @delta. */
void proc_renice(struct tui *v, const struct ri_row *r, int delta);

/* mouse.c: reading the mouse, and what it does on the main view. */
void mouse_init(struct tui *v);
struct mouse_ev {
	int y, x;
	int wheel; /* -1 up, 1 down, 0 a click */
};
/* The event waiting after KEY_MOUSE; false when none that we act on. */
bool mouse_read(struct mouse_ev *ev);
/* A click on the main view; *@press: a key it presses (0: none). */
enum ri_next mouse_view_click(struct tui *v, int y, int x, int *press);
enum ri_next mouse_view_wheel(struct tui *v, int dir);

/* settings.c: the settings file. */
void settings_load(struct tui *v);
/* Writes the file when a setting changed since it was last read or written. */
void settings_save_if_changed(struct tui *v);
void settings_capture(const struct tui *v, struct ri_config *c);

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

/*
 * What a mode of the main view adds to it (a replay: replay.c): keys
 * looked up before the main table's (the help lists them first), the
 * header's title, a bar under the meters, the footer's key bar.
 */
struct view_mode {
	const struct action *actions;
	size_t nactions;
	void (*title)(struct tui *v, const char *clock);
	int (*bar_draw)(struct tui *v, int y); /* lines used */
	const struct fbar_hint *hints;
	int nhints;
	/* Keys looked up after the mode's own (several hosts: hosts.c). */
	const struct action *more;
	size_t nmore;
};

struct ri_replay;

/*
 * replay.c: only when replaying (its keys, title, bar and hints are
 * replay_mode). The session opened the replay: the screen takes its
 * player, and shows the first tick (at --from with the history that led
 * there).
 */
int replay_open(struct tui *v, struct ri_replay *rp);
void replay_close(struct tui *v);
int replay_tick(struct tui *v);
/* The screen's pace for the replay shown (after a switch of host). */
void replay_pace(struct tui *v);
/* A replay not shown (another host): kept up with its stream while live. */
void replay_background(struct tui *v, struct tui_replay *r);
/* "LIVE", "REPLAY HH:MM:SS" or "no news for Ns", for the hosts' summary. */
void replay_state(struct tui_replay *r, char *buf, size_t len);

/* hosts.c: several hosts (--remote, repeated). */
void hosts_switch(struct tui *v, int i);
void hosts_keep_up(struct tui *v);
/* A replay's mode with the hosts' keys (Tab, Shift-Tab, O) after its own. */
const struct view_mode *hosts_mode(void);
extern const struct view_mode replay_mode;

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
