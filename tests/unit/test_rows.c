// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the row seam (core/rows.c) over a model fed synthetic
 * snapshots: sort and its ties, the filter (a process stays when one of
 * its threads matches), threads flattened under expanded processes or all
 * with -H, expansion kept by PID, and a selection that follows its task
 * by PID/TID through re-sorting, filtering and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/model.h"
#include "../../core/rows.h"
#include "check.h"
#include "world.h"

/* One task of the scene, with @cpu_ns of CPU so far. */
static void task(struct world *w, pid_t pid, pid_t tgid, const char *comm,
		 uint64_t cpu_ns)
{
	struct ri_task *t = world_task(w, pid, tgid, comm);

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
			task(w, pid[i], tgid[i], comm[i], 1000 * SEC + total[i]);
	}
	world_tick(w);
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
	return check_report("test_rows");
}
