// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the memory trend (core/model/growth.c) and the run-queue wait
 * figures, through the model fed synthetic snapshots: a steady grower's
 * slope, a sawtooth that grows and frees (not "growing"), a flat process,
 * a window not yet full (no figure), and WAIT% / mean wait per scheduling
 * from run_delay and pcount, summed over threads, n/a where the kernel
 * keeps no such accounting.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "check.h"
#include "world.h"

#define PAGE WORLD_PAGE

/* A live task of process @tgid ("p<tgid>") holding @rss_pages. */
static struct ri_task *holding(struct world *w, pid_t pid, pid_t tgid,
			       uint64_t rss_pages)
{
	char comm[16];
	struct ri_task *t;

	snprintf(comm, sizeof(comm), "p%d", tgid);
	t = live(w, task(pid, tgid, SEC * (uint64_t)tgid, comm));
	t->rss_pages = rss_pages;
	return t;
}

static void start(struct world *w, double window_s)
{
	struct ri_model_opts o = { .growth_window_s = window_s };

	world_init(w, &o);
}

static void test_growth(void)
{
	struct world w;
	const struct ri_proc *grow, *saw, *flat;
	int i;

	start(&w, 20);
	for (i = 0; i <= 40; i++) {
		/* 1 MiB a second from 100 MiB; a sawtooth; a flat 50 MiB. */
		holding(&w, 10, 10, (100 * 256) + 256 * (uint64_t)i);
		holding(&w, 20, 20, (60 * 256) + 256 * 8 * (uint64_t)(i % 5));
		holding(&w, 30, 30, 50 * 256);
		tick(&w, SEC);
		grow = ri_model_find_proc(w.m, 10);
		if (i == 10) {
			/* Ten samples of a twenty-second window: no figure yet. */
			CHECK(grow && !grow->growth.valid && !grow->growth.growing);
		}
	}
	grow = ri_model_find_proc(w.m, 10);
	saw = ri_model_find_proc(w.m, 20);
	flat = ri_model_find_proc(w.m, 30);
	CHECK(grow && saw && flat);
	if (!grow || !saw || !flat)
		return;
	CHECK(grow->growth.valid);
	/* The history's 16-bit codec keeps 0.05%: well within the 5% asked. */
	CHECK_NEAR(grow->growth.bps, 1048576.0, 1048576.0 * 0.01);
	CHECK(grow->growth.r2 > 0.999);
	CHECK(grow->growth.growing);
	CHECK_NEAR(grow->growth.span_s, 19, 1e-9);
	CHECK(saw->growth.valid);
	CHECK(!saw->growth.growing);
	CHECK(saw->growth.r2 < RI_GROWTH_R2);
	CHECK(flat->growth.valid);
	CHECK_NEAR(flat->growth.bps, 0, 1e-6);
	CHECK(!flat->growth.growing);
	/* The grower exits: its RSS reads 0, its trend stays the one it had. */
	holding(&w, 20, 20, 60 * 256);
	holding(&w, 30, 30, 50 * 256);
	tick(&w, SEC);
	grow = NULL;
	for (i = 0; i < (int)w.m->nprocs; i++)
		if (w.m->procs[i]->pid == 10)
			grow = w.m->procs[i];
	CHECK(grow && grow->exited && grow->fig.rss_bytes == 0);
	CHECK(grow && grow->growth.valid && grow->growth.growing);
	CHECK(grow && fabs(grow->growth.bps - 1048576.0) < 1048576.0 * 0.01);
	world_free(&w);

	/* Shrinking memory is a negative slope, never "growing". */
	start(&w, 5);
	for (i = 0; i <= 10; i++) {
		holding(&w, 10, 10, 10000 - 100 * (uint64_t)i);
		tick(&w, SEC);
	}
	grow = ri_model_find_proc(w.m, 10);
	CHECK(grow && grow->growth.valid && grow->growth.bps < 0 &&
	      !grow->growth.growing);
	world_free(&w);
}

static void test_wait(void)
{
	struct world w;
	const struct ri_proc *p;
	const struct ri_thread *t;
	struct ri_task *r;
	int i;

	start(&w, 0);
	for (i = 0; i <= 2; i++) {
		/* Thread 11 waits 300 ms a second over 100 schedulings, 12 200 ms over 50. */
		r = holding(&w, 11, 10, 100);
		r->run_delay_ns = (uint64_t)i * 300 * 1000000ULL;
		r->pcount = (uint64_t)i * 100;
		r = holding(&w, 12, 10, 100);
		r->run_delay_ns = 5 * SEC + (uint64_t)i * 200 * 1000000ULL;
		r->pcount = 7 + (uint64_t)i * 50;
		r = holding(&w, 20, 20, 100);
		r->flags = RI_F_NO_SCHED;
		/* Switches but never a pcount: the kernel does not count. */
		r = holding(&w, 30, 30, 100);
		r->nvcsw = 5 + (uint64_t)i * 10;
		tick(&w, SEC);
	}
	t = ri_model_find_thread(w.m, 11);
	CHECK(t != NULL);
	if (t) {
		CHECK_NEAR(t->fig.wait_pct, 30, 1e-9);
		CHECK_U64(t->fig.n[RI_C_PCOUNT], 100);
		CHECK_NEAR(t->fig.wait_avg_ns, 3e6, 1e-3);
	}
	p = ri_model_find_proc(w.m, 10);
	CHECK(p != NULL);
	if (p) {
		/* The process: sums over its threads; the mean over all schedulings. */
		CHECK_NEAR(p->fig.wait_pct, 50, 1e-9);
		CHECK_U64(p->fig.n[RI_C_RUN_DELAY], 500 * 1000000ULL);
		CHECK_U64(p->fig.n[RI_C_PCOUNT], 150);
		CHECK_NEAR(p->fig.wait_avg_ns, 500e6 / 150, 1e-3);
		CHECK(!p->fig.wait_na);
	}
	p = ri_model_find_proc(w.m, 20);
	CHECK(p && p->fig.wait_na);
	p = ri_model_find_proc(w.m, 30);
	CHECK(p && p->fig.wait_na);
	world_free(&w);
}

int main(void)
{
	test_growth();
	test_wait();
	return check_report("test_growth");
}
