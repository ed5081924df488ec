/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rows a user sees, built once for every front end (htop's Table):
 * the model's processes (already narrowed to the choice) -> filter (name
 * or PID, user, kernel threads) -> fold the short-lived -> arrange (a
 * list, a tree by parent, or groups by cgroup) -> sort -> flatten (the
 * threads of expanded processes under them, or of every process with -H;
 * the members of opened groups) -> a selection that follows its row by
 * identity whatever moves. The batch and JSON printers and the TUI all
 * read these rows, so they always agree on what is listed and in which
 * order.
 *
 * Folding: the processes of one parent and one name that exited in the
 * last interval become one row with their summed figures ("postgres x312
 * exited"), sorted like any row; opening it lists them. A swarm of
 * short-lived backends that burns half the machine is then one row at the
 * top, not a screen of dimmed 0.5% rows. Exited processes of a folded
 * name that linger from earlier intervals are not listed again.
 */
#ifndef RI_ROWS_H
#define RI_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model.h"
#include "sort.h"

enum ri_row_kind {
	RI_ROW_PROC,   /* a process */
	RI_ROW_THREAD, /* a thread, under its process */
	RI_ROW_FOLD,   /* processes of one parent and name, exited in the interval */
	RI_ROW_CGROUP, /* the processes of one cgroup (the grouped view) */
};

enum ri_view {
	RI_VIEW_LIST,   /* processes by the sort key */
	RI_VIEW_TREE,   /* processes under their parents, siblings by the key */
	RI_VIEW_CGROUP, /* processes grouped by cgroup, groups by the key */
};

/* What a fold or a cgroup row stands for. */
struct ri_group {
	enum ri_row_kind kind;  /* RI_ROW_FOLD or RI_ROW_CGROUP */
	pid_t ppid;             /* folds: the parent of the members */
	char comm[RI_COMM_LEN]; /* folds: the members' name */
	uint64_t cgroup_id;     /* cgroup rows; folds in the grouped view */
	uid_t uid;              /* of the first member */
	size_t count;           /* folds: members; cgroup rows: processes */
	size_t nexited;         /* processes that exited in the interval */
	struct ri_fig fig;      /* summed over the members, this interval */
	const struct ri_hist *hist; /* the group's own history, or NULL */
	struct ri_proc **members;   /* folds: sorted as the rows are */
	struct ri_proc *first;      /* a member (the first in the rows' order) */

	/* private */
	size_t moff;  /* folds: where the members start in the build's list */
	size_t nall;  /* folds: exited members, earlier intervals included */
	int32_t node; /* its node in the build, -1: not a row */
};

/*
 * Identity of a row across rebuilds: the selection and what is open
 * follow it. proc: pid; thread: pid + tid; fold: ppid (in pid) + comm
 * (+ cgroup in the grouped view); cgroup: cgroup.
 */
struct ri_row_key {
	enum ri_row_kind kind;
	pid_t pid, tid;
	uint64_t cgroup;
	char comm[RI_COMM_LEN];
};

struct ri_row {
	enum ri_row_kind kind;
	/*
	 * The process: of a thread row too, and for group rows one of their
	 * members, so nothing that reads a row's process finds none.
	 */
	struct ri_proc *p;
	struct ri_thread *t;     /* thread rows only */
	const struct ri_group *g; /* fold and cgroup rows */
	/*
	 * The figures the row shows: its own, a group's sums, or in the tree
	 * a collapsed process's own plus those of everything under it.
	 */
	const struct ri_fig *fig;
	const struct ri_hist *hist; /* its history; NULL when it has none */
	int depth;       /* 0 at the top; a thread under its process is 1 */
	uint32_t more;   /* bit d: the ancestor at depth d has siblings below */
	bool last;       /* last of its siblings (tree glyph) */
	bool expanded;   /* its threads or members follow */
	bool has_kids;   /* tree: processes under it; groups: always */
	bool collapsed;  /* tree: its processes are hidden (and summed in) */
	bool member;     /* a process listed under its fold */
};

struct ri_rows_opts {
	enum ri_sort_key sort;
	bool reverse;
	bool all_threads;   /* every process's threads (-H, H) */
	const char *filter; /* name or PID prefix, any case; NULL or "": all */
	enum ri_view view;
	bool fold;          /* fold processes that exited in the interval */
	bool hide_kthreads;
	bool by_user;       /* only the processes of @uid */
	uid_t uid;
	/* Keep a history per fold and per cgroup (the TUI's sparklines). */
	bool group_history;
};

struct ri_group_hist;

struct ri_rows {
	struct ri_row *v;
	size_t n;

	/* The selection: row index, and the row it follows. */
	size_t sel;
	pid_t sel_pid, sel_tid; /* the selected row's process / thread (0: none) */
	struct ri_row_key sel_key;
	bool pinned; /* the user moved: follow the row, else stay on row 0 */

	/* The groups of the last build: the fold and cgroup rows point here. */
	struct ri_group *groups;
	size_t ngroups;

	/* private */
	size_t cap, groups_cap;
	pid_t *expanded; /* processes whose threads are shown */
	size_t nexpanded, expanded_cap;
	pid_t *collapsed; /* tree: processes whose children are hidden */
	size_t ncollapsed, collapsed_cap;
	struct ri_row_key *open; /* groups opened */
	size_t nopen, open_cap;
	struct ri_proc **pbuf;
	size_t pbuf_cap;
	struct ri_thread **tbuf;
	size_t tbuf_cap;
	struct ri_rows_node *nodes;
	size_t nodes_cap;
	struct ri_sort_item *items;
	size_t items_cap;
	struct ri_fig *sums;
	size_t sums_cap;
	struct ri_proc **members;
	size_t members_cap;
	int32_t *slots;
	size_t slots_cap;
	struct ri_group_hist *gh;
	size_t ngh, gh_cap;
	uint64_t gh_tick;
};

/* Rebuilds @r from @m; the selection follows its row. 0 or -ENOMEM. */
int ri_rows_build(struct ri_rows *r, const struct ri_model *m,
		  const struct ri_rows_opts *o);
/*
 * What the cgroup view shows of cgroup @cf (NULL: none): memory charged
 * (bytes), tasks, throttled share (%, only under a CPU quota), pressure
 * (% of the interval); false when not known (not read, not primed).
 */
bool ri_cgroup_view_value(const struct ri_cgroup_fig *cf, enum ri_cg_view c, double *v);
void ri_rows_free(struct ri_rows *r);

bool ri_rows_is_expanded(const struct ri_rows *r, pid_t pid);
/* Expansion is kept by PID, across rebuilds; applies at the next build. */
int ri_rows_set_expanded(struct ri_rows *r, pid_t pid, bool on);
/* Tree view: whether @pid's children are hidden (and summed into it). */
bool ri_rows_is_collapsed(const struct ri_rows *r, pid_t pid);
int ri_rows_set_collapsed(struct ri_rows *r, pid_t pid, bool on);
/* Fold and cgroup rows: whether their members are listed. */
bool ri_rows_is_open(const struct ri_rows *r, const struct ri_row_key *k);
int ri_rows_set_open(struct ri_rows *r, const struct ri_row_key *k, bool on);

void ri_row_key(const struct ri_row *row, struct ri_row_key *k);
bool ri_row_key_eq(const struct ri_row_key *a, const struct ri_row_key *b);

/* Puts the cursor on row @i (clamped) without pinning it. */
void ri_rows_select(struct ri_rows *r, size_t i);
/* The user puts the cursor on row @i: from now on it follows that row. */
void ri_rows_pick(struct ri_rows *r, size_t i);
/* The user moves the cursor by @delta rows. */
void ri_rows_move(struct ri_rows *r, long delta);
/* The selected row, or NULL when there is none. */
const struct ri_row *ri_rows_selected(const struct ri_rows *r);

/*
 * Whether a row's name contains @needle (any case) or its PID/TID starts
 * with it. A fold matches by its members' name; a cgroup row never (its
 * name is the front end's to resolve).
 */
bool ri_row_matches(const struct ri_row *row, const char *needle);

/* Adds the additive figures of @b to @a (sums of groups and subtrees). */
void ri_fig_add(struct ri_fig *a, const struct ri_fig *b);

#endif /* RI_ROWS_H */
