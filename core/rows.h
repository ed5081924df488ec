/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rows a user sees, built once for every front end (htop's Table):
 * the model's processes (already narrowed to the choice) -> filter ->
 * sort -> flatten (the threads of expanded processes under them, or of
 * every process with -H) -> a selection that follows its task by PID/TID
 * whatever moves. The batch and JSON printers and the TUI all read these
 * rows, so they always agree on what is listed and in which order.
 */
#ifndef RI_ROWS_H
#define RI_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model.h"
#include "sort.h"

enum ri_row_kind { RI_ROW_PROC, RI_ROW_THREAD };

struct ri_row {
	enum ri_row_kind kind;
	struct ri_proc *p;   /* the process, also of a thread row */
	struct ri_thread *t; /* thread rows only */
	bool last;           /* last thread of its process (tree glyph) */
	bool expanded;       /* process rows: its threads follow */
};

struct ri_rows_opts {
	enum ri_sort_key sort;
	bool reverse;
	bool all_threads;   /* every process's threads (-H, H) */
	const char *filter; /* name or PID prefix, any case; NULL or "": all */
};

struct ri_rows {
	struct ri_row *v;
	size_t n;

	/* The selection: row index, and the task it follows. */
	size_t sel;
	pid_t sel_pid, sel_tid; /* tid 0: the process row */
	bool pinned; /* the user moved: follow the task, else stay on row 0 */

	/* private */
	size_t cap;
	pid_t *expanded;
	size_t nexpanded, expanded_cap;
	struct ri_proc **pbuf;
	size_t pbuf_cap;
	struct ri_thread **tbuf;
	size_t tbuf_cap;
};

/* Rebuilds @r from @m; the selection follows its task. 0 or -ENOMEM. */
int ri_rows_build(struct ri_rows *r, const struct ri_model *m,
		  const struct ri_rows_opts *o);
void ri_rows_free(struct ri_rows *r);

bool ri_rows_is_expanded(const struct ri_rows *r, pid_t pid);
/* Expansion is kept by PID, across rebuilds; applies at the next build. */
int ri_rows_set_expanded(struct ri_rows *r, pid_t pid, bool on);

/* Puts the cursor on row @i (clamped) without pinning it. */
void ri_rows_select(struct ri_rows *r, size_t i);
/* The user puts the cursor on row @i: from now on it follows that task. */
void ri_rows_pick(struct ri_rows *r, size_t i);
/* The user moves the cursor by @delta rows. */
void ri_rows_move(struct ri_rows *r, long delta);
/* The selected row, or NULL when there is none. */
const struct ri_row *ri_rows_selected(const struct ri_rows *r);

/* Whether a row's name contains @needle (any case) or its PID/TID starts with it. */
bool ri_row_matches(const struct ri_row *row, const char *needle);

#endif /* RI_ROWS_H */
