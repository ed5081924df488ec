// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the row seam (core/rows/rows.c) over a model fed synthetic
 * snapshots: sort and its ties, the filter (a process stays when one of
 * its threads matches), threads flattened under expanded processes or all
 * with -H, expansion kept by PID, and a selection that follows its task
 * by PID/TID through re-sorting, filtering and exits. Then the folds of
 * the short-lived (per parent and name, summed, only this interval's
 * exits, the earlier ones hidden), the tree by parent with a collapsed
 * parent summing what is under it, the grouped view by cgroup, the user
 * and kernel-thread filters, and the groups' own histories.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rows.h"
#include "check.h"
#include "world.h"

/* One task of the scene, with @cpu_ns of CPU so far. */
static void ran(struct world *w, pid_t pid, pid_t tgid, const char *comm,
		uint64_t cpu_ns)
{
	struct ri_task *t = live(w, task(pid, tgid, SEC * (uint64_t)tgid, comm));

	t->cpu_ns = cpu_ns;
	t->rss_pages = 100 * (uint64_t)tgid;
}

/*
 * Process 10 "web" (threads 10, 11 "worker", 12 "worker"), 20 "db" (20),
 * 30 "cron" (30); CPU per tick in ms given per task.
 */
static void scene_tick(struct world *w, uint64_t ms[6], int step)
{
	static uint64_t total[6];
	static const pid_t pid[6] = { 10, 11, 12, 20, 30, 0 };
	static const pid_t tgid[6] = { 10, 10, 10, 20, 30, 0 };
	static const char *const comm[6] = { "web", "worker", "worker", "db",
					     "cron", NULL };
	int i;

	for (i = 0; i < 5; i++) {
		total[i] += (uint64_t)step * ms[i] * 1000000ULL;
		if (ms[i] != (uint64_t)-1)
			ran(w, pid[i], tgid[i], comm[i], 1000 * SEC + total[i]);
	}
	tick(w, SEC);
}

static const char *row_name(const struct ri_rows *r, size_t i)
{
	static char b[32];

	if (i >= r->n)
		return "-";
	if (r->v[i].t)
		snprintf(b, sizeof(b), "t%d", r->v[i].t->tid);
	else
		snprintf(b, sizeof(b), "p%d", r->v[i].p->pid);
	return b;
}

static void order(const struct ri_rows *r, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < r->n && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "",
				      row_name(r, i));
}

#define CHECK_ORDER(r, want)                                              \
	do {                                                              \
		char got_[256];                                           \
		order((r), got_, sizeof(got_));                           \
		CHECK_STR(got_, (want));                                  \
	} while (0)

/* --- folds, tree, groups ------------------------------------------------ */

/* A one-thread process of @uid in cgroup @cg, child of @ppid. */
static struct ri_task proc(pid_t pid, pid_t ppid, const char *comm,
			   uint64_t start, uint64_t cpu_ns, uid_t uid, uint64_t cg)
{
	struct ri_task t = task(pid, pid, start, comm);

	t.ppid = (__u32)ppid;
	t.cpu_ns = cpu_ns;
	t.uid = uid;
	t.cgroup_id = cg;
	t.rss_pages = 10;
	return t;
}

/* Live: the master 100, a kernel thread 2, a backend 206 (uid 70). */
static void swarm_live(struct world *w, uint64_t k)
{
	struct ri_task *t;

	live(w, proc(100, 1, "master", 10 * SEC, k * 50000000ULL, 70, 7));
	live(w, proc(206, 100, "backend", 20 * SEC, k * 100000000ULL, 70, 7));
	t = live(w, proc(2, 0, "kthreadd", 1 * SEC, 0, 0, 1));
	t->flags |= RI_F_KTHREAD;
}

/* A backend born and dead within the interval: @ms of CPU. */
static void backend(struct world *w, pid_t pid, uint64_t ms)
{
	died(w, proc(pid, 100, "backend", w->now + 100000000ULL, ms * 1000000ULL, 70, 7),
	     w->now + 500000000ULL);
}

static const char *rname(const struct ri_rows *r, size_t i)
{
	static char b[8][48];
	static int k;
	const struct ri_row *row;

	if (i >= r->n)
		return "-";
	row = &r->v[i];
	k = (k + 1) % 8;
	switch (row->kind) {
	case RI_ROW_FOLD:
		snprintf(b[k], sizeof(b[k]), "F%s*%zu", row->g->comm, row->g->count);
		break;
	case RI_ROW_CGROUP:
		snprintf(b[k], sizeof(b[k]), "C%llu", (unsigned long long)row->g->cgroup_id);
		break;
	case RI_ROW_THREAD:
		snprintf(b[k], sizeof(b[k]), "t%d", row->t->tid);
		break;
	default:
		snprintf(b[k], sizeof(b[k]), "%s%d", row->member ? "m" : "p", row->p->pid);
	}
	if (row->depth)
		snprintf(b[k] + strlen(b[k]), sizeof(b[k]) - strlen(b[k]), "@%d", row->depth);
	return b[k];
}

static void rorder(const struct ri_rows *r, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < r->n && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "",
				      rname(r, i));
}

#define CHECK_ROWS(r, want)                                               \
	do {                                                              \
		char got_[512];                                           \
		rorder((r), got_, sizeof(got_));                          \
		CHECK_STR(got_, (want));                                  \
	} while (0)

static const struct ri_row *find_kind(const struct ri_rows *r, enum ri_row_kind k)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].kind == k)
			return &r->v[i];
	return NULL;
}

static void test_folds(void)
{
	struct ri_model_opts mo = { .linger_ticks = 3, .thread_history = true };
	struct world w;
	struct ri_rows_opts o = { .sort = RI_SORT_CPU, .fold = true,
				  .group_history = true };
	struct ri_rows r;
	const struct ri_row *f;
	struct ri_row_key k;
	uint64_t nth = 0;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	world_init(&w, &mo);
	w.now = 100 * SEC;
	swarm_live(&w, nth++);
	tick(&w, SEC);

	/* Five backends of 40 ms each and a lone exit under another parent. */
	swarm_live(&w, nth++);
	for (pid = 201; pid <= 205; pid++)
		backend(&w, pid, 40);
	died(&w, proc(300, 1, "lonely", w.now + 1000, 30000000ULL, 0, 9), 0);
	tick(&w, SEC);
	CHECK_EQ(ri_rows_build(&r, w.m, &o), 0);
	/* backend 10%, fold 5 x 40 ms = 20%, master 5%, lonely 3%. */
	CHECK_ROWS(&r, "Fbackend*5 p206 p100 p300 p2");
	f = find_kind(&r, RI_ROW_FOLD);
	CHECK(f && f->g->ppid == 100 && f->g->uid == 70);
	CHECK_NEAR(f->fig->cpu_pct, 20.0, 1e-6);
	CHECK_U64(f->fig->n[RI_C_CPU], 200000000ULL);
	CHECK(f->p && f->p->exited && f->p->ppid == 100);
	CHECK(f->hist && f->hist->len == 1);
	/* A fold's ring is drawn as a sparkline only: 8-bit, within 3%. */
	CHECK_NEAR(ri_hist_get(f->hist, RI_M_CPU, 0), 20.0, 20.0 * 0.03);

	/* Folding off: every process, as before. */
	o.fold = false;
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "p206 p100 p201 p202 p203 p204 p205 p300 p2");
	o.fold = true;

	/* Opening the fold lists its members under it, and Enter's key follows it. */
	ri_rows_build(&r, w.m, &o);
	ri_row_key(find_kind(&r, RI_ROW_FOLD), &k);
	CHECK_EQ(ri_rows_set_open(&r, &k, true), 0);
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "Fbackend*5 m201@1 m202@1 m203@1 m204@1 m205@1 p206 p100 p300 p2");
	CHECK(r.v[5].last && !r.v[4].last && r.v[1].member);
	ri_rows_pick(&r, 0);
	CHECK_EQ(r.sel_key.kind, RI_ROW_FOLD);

	/*
	 * Next tick: two more backends. The fold is this interval's only (x2); the five of the last interval linger in the model but are
	 * not listed again; the lone exit still is, dimmed by the front end.
	 * (12% against the live backend's 10%.)
	 */
	swarm_live(&w, nth++);
	backend(&w, 207, 60);
	backend(&w, 208, 60);
	tick(&w, SEC);
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "Fbackend*2 m207@1 m208@1 p206 p100 p300 p2");
	CHECK_STR(rname(&r, r.sel), "Fbackend*2");
	f = find_kind(&r, RI_ROW_FOLD);
	CHECK_NEAR(f->fig->cpu_pct, 12.0, 1e-6);
	CHECK(f->hist && f->hist->len == 2);
	/* A rebuild within the tick takes no second sample. */
	ri_rows_build(&r, w.m, &o);
	CHECK(find_kind(&r, RI_ROW_FOLD)->hist->len == 2);

	/* A quiet tick: no fold at all, nothing of the swarm listed. */
	swarm_live(&w, nth++);
	tick(&w, SEC);
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "p206 p100 p300 p2");
	CHECK_EQ(r.sel, 0); /* the fold went: the cursor keeps its slot */
	ri_rows_set_open(&r, &k, false);

	/* The user and kernel-thread filters. */
	o.by_user = true;
	o.uid = 70;
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "p206 p100");
	o.by_user = false;
	o.hide_kthreads = true;
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "p206 p100 p300");
	o.hide_kthreads = false;

	/* A new swarm, for the tree and the grouped view. */
	swarm_live(&w, nth++);
	for (pid = 211; pid <= 213; pid++)
		backend(&w, pid, 100);
	tick(&w, SEC);

	/* Tree: the backends and their fold under the master. */
	o.view = RI_VIEW_TREE;
	ri_rows_build(&r, w.m, &o);
	/* The master's parent, 1, is not listed: it is a root, by its own CPU%. */
	CHECK_ROWS(&r, "p100 Fbackend*3@1 p206@1 p300 p2");
	o.sort = RI_SORT_PID;
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "p2 p100 Fbackend*3@1 p206@1 p300");
	CHECK(r.v[1].has_kids && !r.v[1].collapsed);
	CHECK(!r.v[2].last && r.v[3].last);
	/* Collapsed: the master's row sums itself, 206 and the fold. */
	CHECK_EQ(ri_rows_set_collapsed(&r, 100, true), 0);
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "p2 p100 p300");
	CHECK(r.v[1].collapsed);
	CHECK_NEAR(r.v[1].fig->cpu_pct, 5.0 + 10.0 + 30.0, 1e-6);
	CHECK_NEAR(r.v[1].p->fig.cpu_pct, 5.0, 1e-6);
	/* Its threads stay under it when expanded. */
	ri_rows_set_expanded(&r, 100, true);
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "p2 p100 t100@1 p300");
	CHECK(r.v[2].last);
	ri_rows_set_collapsed(&r, 100, false);
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "p2 p100 t100@1 Fbackend*3@1 p206@1 p300");
	CHECK(!r.v[2].last && r.v[4].last);
	ri_rows_set_expanded(&r, 100, false);
	o.sort = RI_SORT_CPU;

	/* Grouped by cgroup: summed, collapsed until opened. */
	o.view = RI_VIEW_CGROUP;
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "C7 C9 C1");
	f = find_kind(&r, RI_ROW_CGROUP);
	CHECK_NEAR(f->fig->cpu_pct, 45.0, 1e-6);
	CHECK_EQ(f->g->count, 5); /* master, 206 and three backends */
	CHECK_EQ(f->g->nexited, 3);
	CHECK(f->p != NULL);
	ri_row_key(f, &k);
	ri_rows_set_open(&r, &k, true);
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "C7 Fbackend*3@1 p206@1 p100@1 C9 C1");
	CHECK(r.v[3].last && !r.v[1].last);
	ri_rows_pick(&r, 2);
	o.sort = RI_SORT_PID;
	ri_rows_build(&r, w.m, &o);
	CHECK_STR(rname(&r, r.sel), "p206@1");
	/* A filter leaves a group with what matches. */
	o.filter = "master";
	ri_rows_build(&r, w.m, &o);
	CHECK_ROWS(&r, "C7 p100@1");
	o.filter = NULL;

	/* Parents that name each other (only bad data does): both listed, once. */
	o.view = RI_VIEW_TREE;
	swarm_live(&w, nth++);
	live(&w, proc(400, 401, "loop-a", 40 * SEC, 0, 0, 1));
	live(&w, proc(401, 400, "loop-b", 41 * SEC, 0, 0, 1));
	tick(&w, SEC);
	o.filter = "loop";
	ri_rows_build(&r, w.m, &o);
	CHECK_EQ(r.n, 2);
	CHECK(r.n == 2 && r.v[0].depth == 0 && r.v[1].depth == 1 &&
	      r.v[0].p != r.v[1].p);
	o.filter = NULL;

	ri_rows_free(&r);
	world_free(&w);
}

int main(void)
{
	struct ri_model_opts mo = { .missing_grace = 0, .thread_history = true };
	struct world w;
	struct ri_rows_opts o = { .sort = RI_SORT_CPU };
	struct ri_rows r;
	uint64_t ms[6] = { 100, 300, 50, 200, 0, 0 };

	memset(&r, 0, sizeof(r));
	world_init(&w, &mo);
	scene_tick(&w, ms, 0); /* primes */
	scene_tick(&w, ms, 1);

	/* CPU: web 45%, db 20%, cron 0%. */
	CHECK_EQ(ri_rows_build(&r, w.m, &o), 0);
	CHECK_ORDER(&r, "p10 p20 p30");
	CHECK_EQ(r.sel, 0);
	o.reverse = true;
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p30 p20 p10");
	o.reverse = false;
	o.sort = RI_SORT_PID;
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p10 p20 p30");
	o.sort = RI_SORT_COMM;
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p30 p20 p10");
	o.sort = RI_SORT_CPU;

	/* -H: every thread under its process, busiest first, the last marked. */
	o.all_threads = true;
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p10 t11 t10 t12 p20 t20 p30 t30");
	CHECK(r.v[0].expanded);
	CHECK(!r.v[1].last && r.v[3].last);
	CHECK(r.v[1].p == r.v[0].p);
	o.all_threads = false;

	/* Expansion by PID, kept whatever the order. */
	CHECK_EQ(ri_rows_set_expanded(&r, 20, true), 0);
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p10 p20 t20 p30");
	CHECK(ri_rows_is_expanded(&r, 20) && !ri_rows_is_expanded(&r, 10));
	ri_rows_set_expanded(&r, 20, false);
	ri_rows_set_expanded(&r, 10, true);
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p10 t11 t10 t12 p20 p30");

	/* The filter: by name (any case), by PID prefix, by a thread's name. */
	o.filter = "DB";
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p20");
	o.filter = "3";
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p30");
	o.filter = "work";
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p10 t11 t10 t12");
	o.filter = "nothing";
	ri_rows_build(&r, w.m, &o);
	CHECK_EQ(r.n, 0);
	CHECK(ri_rows_selected(&r) == NULL);
	o.filter = NULL;

	/* Unpinned, the cursor stays on the top row as the order changes. */
	ri_rows_build(&r, w.m, &o);
	CHECK_EQ(r.sel, 0);
	CHECK(!r.pinned);

	/* Pinned on thread 12: it follows when the thread climbs. */
	ri_rows_pick(&r, 3);
	CHECK_STR(row_name(&r, r.sel), "t12");
	ms[2] = 900;
	scene_tick(&w, ms, 1);
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p10 t12 t11 t10 p20 p30");
	CHECK_STR(row_name(&r, r.sel), "t12");

	/* Moving is relative to where the cursor is, clamped at both ends. */
	ri_rows_move(&r, 100);
	CHECK_STR(row_name(&r, r.sel), "p30");
	ri_rows_move(&r, -100);
	CHECK_STR(row_name(&r, r.sel), "p10");
	ri_rows_move(&r, 1);
	CHECK_STR(row_name(&r, r.sel), "t12");

	/* The thread exits: the cursor falls back to its process. */
	ms[2] = (uint64_t)-1;
	scene_tick(&w, ms, 1);
	scene_tick(&w, ms, 1); /* gone from the model after its exit tick */
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p10 t11 t10 p20 p30");
	CHECK_STR(row_name(&r, r.sel), "p10");
	CHECK_EQ(r.sel_tid, 0);

	/* Pinned on db, which becomes the busiest: it moves to the top. */
	ri_rows_set_expanded(&r, 10, false);
	ri_rows_build(&r, w.m, &o);
	ri_rows_pick(&r, 1);
	CHECK_STR(row_name(&r, r.sel), "p20");
	ms[3] = 2000;
	scene_tick(&w, ms, 1);
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p20 p10 p30");
	CHECK_EQ(r.sel, 0);

	/* The selected process goes: the cursor keeps its slot, in range. */
	ri_rows_pick(&r, 2);
	CHECK_STR(row_name(&r, r.sel), "p30");
	ms[4] = (uint64_t)-1;
	scene_tick(&w, ms, 1);
	scene_tick(&w, ms, 1);
	ri_rows_build(&r, w.m, &o);
	CHECK_ORDER(&r, "p20 p10");
	CHECK_EQ(r.sel, 1);

	ri_rows_free(&r);
	world_free(&w);
	test_folds();
	return check_report("test_rows");
}
