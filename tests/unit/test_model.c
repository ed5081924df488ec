// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the model (core/model/model.c), fed with synthetic cumulative
 * snapshots the way a source would drain them: rates over an interval,
 * per-process sums, tasks that live and die between two ticks, counters
 * that misbehave, PID reuse, the user's choice, lingering exits, the
 * missing-task grace, a long churn of thousands of tasks (the pid tables'
 * deletion), history rings, sorting, and drains of one record per process
 * (exits read with or after the sums they left).
 *
 * Plain C, no root: exit 0 when every check passes, 1 otherwise, one line
 * per failed check and a last line with the count.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "sort.h"
#include "check.h"
#include "world.h"

/* --- a model fed synthetic drains ------------------------------------------ */

/* CLOCK_BOOTTIME of the first update; tasks older than this predate us. */
#define T0 (10000 * SEC)

static void init(struct world *w, int linger, bool keep_chosen, int grace)
{
	struct ri_model_opts o = {
		.linger_ticks = linger,
		.keep_chosen = keep_chosen,
		.missing_grace = grace,
		.thread_history = true,
	};

	world_init(w, &o);
	w->now = T0;
	w->d.machine.mem_total = 8ULL << 30;
	w->d.machine.mem_available = 4ULL << 30;
}

/* A process in the current view by PID and start time (exited ones too). */
static struct ri_proc *view(const struct ri_model *m, pid_t pid, uint64_t start)
{
	size_t i;

	for (i = 0; i < m->nprocs; i++)
		if (m->procs[i]->pid == pid && m->procs[i]->start_ns == start)
			return m->procs[i];
	return NULL;
}

static size_t view_count(const struct ri_model *m, pid_t pid)
{
	size_t i, n = 0;

	for (i = 0; i < m->nprocs; i++)
		n += m->procs[i]->pid == pid;
	return n;
}

static struct ri_thread *thread_of(const struct ri_proc *pr, pid_t tid,
				   uint64_t start)
{
	struct ri_thread *t;

	for (t = pr ? pr->threads : NULL; t; t = t->next)
		if (t->tid == tid && t->start_ns == start)
			return t;
	return NULL;
}

static size_t count_threads(const struct ri_proc *pr)
{
	struct ri_thread *t;
	size_t n = 0;

	for (t = pr ? pr->threads : NULL; t; t = t->next)
		n++;
	return n;
}

static bool fig_finite(const struct ri_fig *f)
{
	return isfinite(f->cpu_pct) && isfinite(f->mem_pct) &&
	       isfinite(f->rate[RI_C_READ]) && isfinite(f->rate[RI_C_WRITE]) &&
	       isfinite(f->rate[RI_C_DISK_READ]) && isfinite(f->rate[RI_C_DISK_WRITE]) &&
	       isfinite(f->csw_ps);
}

/* --- rates ---------------------------------------------------------------- */

static void test_rates(void)
{
	struct world w;
	struct ri_task a = task(100, 100, T0 - 50 * SEC, "rate");
	struct ri_proc *pr;
	struct ri_thread *t;
	uint64_t rss;
	double mem_pct;

	init(&w, 0, false, 0);
	a.cpu_ns = 7 * SEC;
	a.rchar = 1000;
	a.wchar = 2000;
	a.read_bytes = 4096;
	a.write_bytes = 8192;
	a.nvcsw = 10;
	a.nivcsw = 5;
	a.rss_pages = 100;
	live(&w, a);
	CHECK_EQ(tick(&w, 0), 0);

	/* Priming: the task's past is not this interval's. */
	pr = ri_model_find_proc(w.m, 100);
	CHECK(pr != NULL);
	if (!pr)
		goto out;
	CHECK_NEAR(w.m->interval_s, 0.0, 0);
	CHECK_U64(pr->fig.n[RI_C_CPU], 0);
	CHECK_NEAR(pr->fig.cpu_pct, 0.0, 0);
	CHECK_U64(pr->fig.n[RI_C_READ], 0);
	CHECK_U64(pr->fig.cpu_total_ns, 7 * SEC);
	CHECK_EQ(ri_hist_len(pr->hist), 0);

	/* Half a CPU for one second. */
	a.cpu_ns += SEC / 2;
	a.rchar += 3000;
	a.wchar += 1500;
	a.read_bytes += 8192;
	a.write_bytes += 4096;
	a.nvcsw += 30;
	a.nivcsw += 20;
	a.rss_pages = 1000;
	live(&w, a);
	CHECK_EQ(tick(&w, SEC), 0);
	CHECK_NEAR(w.m->interval_s, 1.0, 1e-12);
	t = ri_model_find_thread(w.m, 100);
	pr = ri_model_find_proc(w.m, 100);
	CHECK(t != NULL && pr != NULL);
	if (!t || !pr)
		goto out;
	rss = 1000 * (uint64_t)w.m->page_size;
	mem_pct = (double)rss / (double)w.m->mem_total * 100.0;
	CHECK(w.m->page_size > 0);
	CHECK(w.m->mem_total > 1);
	CHECK_NEAR(t->fig.cpu_pct, 50.0, 1e-6);
	CHECK_U64(t->fig.n[RI_C_CPU], SEC / 2);
	CHECK_U64(t->fig.cpu_total_ns, 7 * SEC + SEC / 2);
	CHECK_NEAR(t->fig.rate[RI_C_READ], 3000.0, 1e-9);
	CHECK_NEAR(t->fig.rate[RI_C_WRITE], 1500.0, 1e-9);
	CHECK_NEAR(t->fig.rate[RI_C_DISK_READ], 8192.0, 1e-9);
	CHECK_NEAR(t->fig.rate[RI_C_DISK_WRITE], 4096.0, 1e-9);
	CHECK_U64(t->fig.n[RI_C_READ], 3000);
	CHECK_U64(t->fig.n[RI_C_VCSW], 30);
	CHECK_U64(t->fig.n[RI_C_IVCSW], 20);
	CHECK_NEAR(t->fig.csw_ps, 50.0, 1e-9);
	CHECK_NEAR(pr->fig.cpu_pct, 50.0, 1e-6);
	CHECK_U64(pr->fig.n[RI_C_CPU], SEC / 2);
	CHECK_U64(pr->fig.cpu_total_ns, 7 * SEC + SEC / 2);
	CHECK_NEAR(pr->fig.rate[RI_C_READ], 3000.0, 1e-9);
	CHECK_NEAR(pr->fig.rate[RI_C_DISK_WRITE], 4096.0, 1e-9);
	CHECK_NEAR(pr->fig.csw_ps, 50.0, 1e-9);
	CHECK_U64(pr->fig.rss_bytes, rss);
	CHECK_NEAR(pr->fig.mem_pct, mem_pct, mem_pct * 1e-12);
	CHECK_NEAR(w.m->totals.tracked_cpu_pct, 50.0, 1e-6);
	CHECK_EQ(w.m->totals.ntasks, 1);
	CHECK_EQ(w.m->totals.nprocs, 1);
	/* The interval went into the history too (16-bit log: 0.1%). */
	CHECK_EQ(ri_hist_len(pr->hist), 1);
	CHECK_NEAR(ri_hist_get(pr->hist, RI_M_CPU, 0), 50.0, 0.05);
	CHECK_NEAR(ri_hist_get(pr->hist, RI_M_READ, 0), 3000.0, 3.0);

	/* The same CPU time over two seconds is half the rate. */
	a.cpu_ns += SEC;
	a.rchar += 4000;
	live(&w, a);
	tick(&w, 2 * SEC);
	CHECK_NEAR(pr->fig.cpu_pct, 50.0, 1e-6);
	CHECK_U64(pr->fig.n[RI_C_CPU], SEC);
	CHECK_NEAR(pr->fig.rate[RI_C_READ], 2000.0, 1e-9);
	CHECK_NEAR(pr->fig.rate[RI_C_WRITE], 0.0, 0);
	CHECK_NEAR(pr->fig.csw_ps, 0.0, 0);

	/* Two CPUs busy for a quarter of a second: 200%, like top. */
	a.cpu_ns += SEC / 2;
	live(&w, a);
	tick(&w, SEC / 4);
	CHECK_NEAR(pr->fig.cpu_pct, 200.0, 1e-6);
	CHECK_EQ(ri_hist_len(pr->hist), 3);
	CHECK_NEAR(ri_hist_get(pr->hist, RI_M_CPU, 0), 200.0, 0.2);
	CHECK_NEAR(ri_hist_get(pr->hist, RI_M_CPU, 2), 50.0, 0.05);
out:
	world_free(&w);
}

/* --- aggregation ------------------------------------------------------------ */

static void test_aggregation(void)
{
	struct world w;
	uint64_t st = T0 - 100 * SEC;
	struct ri_task th[3];
	struct ri_proc *pr;
	struct ri_thread *t2;
	uint64_t page;
	int i;

	init(&w, 0, false, 0);
	page = (uint64_t)w.m->page_size;
	th[0] = task(200, 200, st, "app");
	th[1] = born(task(201, 200, st, "app-w1"), st + SEC);
	th[2] = born(task(202, 200, st, "app-w2"), st + 2 * SEC);
	for (i = 0; i < 3; i++) {
		th[i].cpu_ns = (uint64_t)(i + 1) * 10 * SEC;
		th[i].rss_pages = 300; /* one mm, seen by every thread */
		live(&w, th[i]);
	}
	tick(&w, 0);

	for (i = 0; i < 3; i++) {
		th[i].cpu_ns += SEC / 5;
		th[i].rchar += 1000 * (uint64_t)(i + 1);
		th[i].wchar += 10;
		th[i].nvcsw += 1;
		live(&w, th[i]);
	}
	tick(&w, SEC);
	pr = ri_model_find_proc(w.m, 200);
	CHECK(pr != NULL);
	if (!pr)
		goto out;
	CHECK_EQ(pr->nthreads, 3);
	CHECK_U64(pr->fig.n[RI_C_CPU], 3 * SEC / 5);
	CHECK_NEAR(pr->fig.cpu_pct, 60.0, 1e-6);
	CHECK_U64(pr->fig.n[RI_C_READ], 6000);
	CHECK_U64(pr->fig.n[RI_C_WRITE], 30);
	CHECK_NEAR(pr->fig.csw_ps, 3.0, 1e-9);
	/* Memory once per process, not once per thread. */
	CHECK_U64(pr->fig.rss_bytes, 300 * page);
	CHECK_U64(pr->fig.cpu_total_ns, 60 * SEC + 3 * SEC / 5);
	CHECK(!strcmp(pr->comm, "app"));
	CHECK_EQ(w.m->totals.ntasks, 3);
	CHECK_EQ(w.m->totals.nprocs, 1);
	CHECK_EQ(w.m->nprocs, 1);
	CHECK_NEAR(w.m->totals.tracked_cpu_pct, 60.0, 1e-6);

	/* Thread 202 runs 0.1 s more and exits 0.25 s before the drain. */
	th[0].cpu_ns += SEC / 5;
	th[1].cpu_ns += SEC / 5;
	th[2].cpu_ns += SEC / 10;
	th[2].wchar += 5000;
	live(&w, th[0]);
	live(&w, th[1]);
	died(&w, th[2], w.now + SEC - SEC / 4);
	tick(&w, SEC);
	CHECK(ri_model_find_proc(w.m, 200) == pr);
	CHECK(!pr->exited);
	CHECK_EQ(pr->nthreads, 2);
	CHECK_U64(pr->fig.n[RI_C_CPU], SEC / 2);
	CHECK_NEAR(pr->fig.cpu_pct, 50.0, 1e-6);
	CHECK_U64(pr->fig.n[RI_C_WRITE], 5000);
	CHECK_U64(pr->fig.rss_bytes, 300 * page);
	CHECK_EQ(w.m->totals.ntasks, 2);
	t2 = thread_of(pr, 202, st + 2 * SEC);
	CHECK(t2 != NULL);
	if (t2) {
		CHECK(t2->exited);
		CHECK_NEAR(t2->exit_time, w.d.unix_time - 0.25, 1e-6);
		CHECK_U64(t2->fig.n[RI_C_CPU], SEC / 10);
	}
	CHECK(ri_model_find_thread(w.m, 202) == NULL);
	CHECK(ri_model_find_thread(w.m, 201) != NULL);

	/* Next tick the exited thread is gone (linger 0) and not summed. */
	th[0].cpu_ns += SEC / 10;
	th[1].cpu_ns += SEC / 10;
	live(&w, th[0]);
	live(&w, th[1]);
	tick(&w, SEC);
	CHECK(thread_of(pr, 202, st + 2 * SEC) == NULL);
	CHECK_EQ(count_threads(pr), 2);
	CHECK_U64(pr->fig.n[RI_C_CPU], SEC / 5);
	/* Its CPU time stays in the process total. */
	CHECK_U64(pr->fig.cpu_total_ns,
		  th[0].cpu_ns + th[1].cpu_ns + th[2].cpu_ns);
out:
	world_free(&w);
}

/* --- short-lived tasks ---------------------------------------------------- */

static void test_short_lived(void)
{
	struct world w;
	struct ri_task old = task(300, 300, T0 - SEC, "daemon");
	struct ri_task sl, slt, pre, pre2;
	struct ri_proc *pr;
	uint64_t prev;

	init(&w, 0, false, 0);
	old.cpu_ns = 3 * SEC;
	live(&w, old);
	tick(&w, 0);

	/*
	 * Born 0.3 s after the last update, dead at 0.6 s, never seen alive:
	 * everything it did belongs to this interval.
	 */
	prev = w.now;
	sl = task(310, 310, prev + 300 * MS, "flash");
	sl.cpu_ns = SEC / 5;
	sl.rchar = 5000;
	sl.wchar = 7000;
	sl.write_bytes = 4096;
	sl.nvcsw = 3;
	sl.nivcsw = 1;
	died(&w, sl, prev + 600 * MS);
	/* A thread of the daemon, born exactly at the last update. */
	slt = born(task(301, 300, T0 - SEC, "daemon-w"), prev);
	slt.cpu_ns = SEC / 10;
	slt.rchar = 100;
	died(&w, slt, prev + 900 * MS);
	old.cpu_ns += SEC / 10;
	live(&w, old);
	tick(&w, SEC);
	pr = view(w.m, 310, prev + 300 * MS);
	CHECK(pr != NULL);
	if (pr) {
		CHECK(pr->exited);
		CHECK_U64(pr->fig.n[RI_C_CPU], SEC / 5);
		CHECK_NEAR(pr->fig.cpu_pct, 20.0, 1e-6);
		CHECK_U64(pr->fig.n[RI_C_READ], 5000);
		CHECK_U64(pr->fig.n[RI_C_WRITE], 7000);
		CHECK_U64(pr->fig.n[RI_C_DISK_WRITE], 4096);
		CHECK_U64(pr->fig.n[RI_C_VCSW] + pr->fig.n[RI_C_IVCSW], 4);
		CHECK_NEAR(pr->exit_time, w.d.unix_time - 0.4, 1e-6);
		CHECK_EQ(pr->nthreads, 0);
	}
	CHECK(ri_model_find_proc(w.m, 310) == NULL);
	pr = ri_model_find_proc(w.m, 300);
	CHECK(pr != NULL);
	if (pr) {
		CHECK(!pr->exited);
		CHECK_U64(pr->fig.n[RI_C_CPU], SEC / 5);
		CHECK_U64(pr->fig.n[RI_C_READ], 100);
		CHECK_EQ(pr->nthreads, 1);
	}
	CHECK_NEAR(w.m->totals.tracked_cpu_pct, 40.0, 1e-6);

	/*
	 * First seen now but started before the tool: its past is not ours,
	 * count it from first sight, alive or already dead.
	 */
	pre = task(320, 320, T0 - 500 * SEC, "oldtimer");
	pre.cpu_ns = 400 * SEC;
	pre.rchar = 1ULL << 40;
	pre.rss_pages = 10;
	live(&w, pre);
	pre2 = task(330, 330, T0 - 600 * SEC, "oldgone");
	pre2.cpu_ns = 100 * SEC;
	died(&w, pre2, w.now + SEC / 2);
	old.cpu_ns += SEC / 10;
	live(&w, old);
	tick(&w, SEC);
	pr = ri_model_find_proc(w.m, 320);
	CHECK(pr != NULL);
	if (pr) {
		CHECK_U64(pr->fig.n[RI_C_CPU], 0);
		CHECK_NEAR(pr->fig.cpu_pct, 0.0, 0);
		CHECK_U64(pr->fig.n[RI_C_READ], 0);
		CHECK_U64(pr->fig.cpu_total_ns, 400 * SEC);
		CHECK_U64(pr->fig.rss_bytes, 10 * (uint64_t)w.m->page_size);
	}
	pr = view(w.m, 330, T0 - 600 * SEC);
	CHECK(pr != NULL);
	if (pr) {
		CHECK(pr->exited);
		CHECK_U64(pr->fig.n[RI_C_CPU], 0);
	}
	CHECK_NEAR(w.m->totals.tracked_cpu_pct, 10.0, 1e-6);
	pre.cpu_ns += SEC / 4;
	live(&w, pre);
	live(&w, old);
	tick(&w, SEC);
	pr = ri_model_find_proc(w.m, 320);
	CHECK(pr && pr->fig.n[RI_C_CPU] == SEC / 4);
	world_free(&w);
}

/* --- counters that misbehave ---------------------------------------------- */

static void test_counter_edges(void)
{
	struct world w;
	struct ri_task a = task(400, 400, T0 - SEC, "edge");
	struct ri_task h = task(410, 410, T0 - SEC, "huge");
	struct ri_task z;
	struct ri_proc *pa, *ph, *pz;
	uint64_t big = (1ULL << 63) - 3 * SEC;

	init(&w, 0, false, 0);
	a.cpu_ns = 10 * SEC;
	a.rchar = a.wchar = a.read_bytes = a.write_bytes = 1000000;
	a.nvcsw = a.nivcsw = 1000;
	h.cpu_ns = h.rchar = h.wchar = h.read_bytes = h.write_bytes = big;
	h.nvcsw = h.nivcsw = big;
	live(&w, a);
	live(&w, h);
	tick(&w, 0);

	/* A running task's estimate ran ahead: 2 s used, 12 s reported. */
	a.cpu_ns = 12 * SEC;
	a.rchar += 500;
	h.cpu_ns += SEC / 2;
	h.rchar += 1ULL << 40;
	h.wchar += 1;
	h.nvcsw += 7;
	live(&w, a);
	live(&w, h);
	tick(&w, SEC);
	pa = ri_model_find_proc(w.m, 400);
	ph = ri_model_find_proc(w.m, 410);
	CHECK(pa && ph);
	if (!pa || !ph)
		goto out;
	CHECK_U64(pa->fig.n[RI_C_CPU], 2 * SEC);
	CHECK_U64(ph->fig.n[RI_C_CPU], SEC / 2);
	CHECK_NEAR(ph->fig.cpu_pct, 50.0, 1e-6);
	CHECK_U64(ph->fig.n[RI_C_READ], 1ULL << 40);
	CHECK_U64(ph->fig.n[RI_C_WRITE], 1);
	CHECK_U64(ph->fig.n[RI_C_VCSW], 7);
	CHECK(fig_finite(&ph->fig));

	/* ...then the real figure, lower: nothing this interval, no wrap. */
	a.cpu_ns = 11 * SEC + SEC / 2;
	a.rchar -= 200;
	a.wchar -= 1;
	a.read_bytes -= 1;
	a.write_bytes -= 1;
	a.nvcsw -= 1;
	a.nivcsw -= 1;
	live(&w, a);
	live(&w, h);
	tick(&w, SEC);
	CHECK_U64(pa->fig.n[RI_C_CPU], 0);
	CHECK_NEAR(pa->fig.cpu_pct, 0.0, 0);
	CHECK_U64(pa->fig.n[RI_C_READ], 0);
	CHECK_U64(pa->fig.n[RI_C_WRITE], 0);
	CHECK_U64(pa->fig.n[RI_C_DISK_READ], 0);
	CHECK_U64(pa->fig.n[RI_C_DISK_WRITE], 0);
	CHECK_U64(pa->fig.n[RI_C_VCSW] + pa->fig.n[RI_C_IVCSW], 0);
	CHECK(fig_finite(&pa->fig));
	CHECK(pa->fig.cpu_total_ns <= 12 * SEC);
	CHECK_U64(ph->fig.n[RI_C_CPU], 0);

	/* Once past the overshoot, only the new part counts. */
	a.cpu_ns = 13 * SEC;
	a.rchar += 1200;
	live(&w, a);
	live(&w, h);
	tick(&w, SEC);
	CHECK_U64(pa->fig.n[RI_C_CPU], SEC);
	CHECK_U64(pa->fig.n[RI_C_READ], 1000);
	CHECK_U64(pa->fig.cpu_total_ns, 13 * SEC);

	/* A task born with counters near 2^63, and one at the very top. */
	z = task(420, 420, w.now + 1, "born-huge");
	z.cpu_ns = (1ULL << 63) + SEC;
	z.rchar = UINT64_MAX;
	z.nvcsw = UINT64_MAX / 2;
	z.nivcsw = UINT64_MAX / 2;
	died(&w, z, w.now + 2);
	live(&w, a);
	live(&w, h);
	tick(&w, SEC);
	pz = view(w.m, 420, z.start_ns);
	CHECK(pz != NULL);
	if (pz) {
		CHECK_U64(pz->fig.n[RI_C_CPU], (1ULL << 63) + SEC);
		CHECK_U64(pz->fig.n[RI_C_READ], UINT64_MAX);
		CHECK(fig_finite(&pz->fig));
		CHECK(pz->fig.cpu_pct > 9e11);
	}
	CHECK(isfinite(w.m->totals.cpu_pct));

	/* A zero-length interval, then a clock that steps back. */
	a.cpu_ns += SEC;
	a.rchar += 10;
	live(&w, a);
	live(&w, h);
	tick(&w, 0);
	CHECK_NEAR(w.m->interval_s, 0.0, 0);
	CHECK(fig_finite(&pa->fig));
	CHECK(fig_finite(&ph->fig));
	CHECK_NEAR(pa->fig.cpu_pct, 0.0, 0);
	CHECK_NEAR(pa->fig.csw_ps, 0.0, 0);
	CHECK(isfinite(w.m->totals.cpu_pct));
	CHECK(isfinite(w.m->events_ps));
	live(&w, a);
	live(&w, h);
	w.now -= 5 * SEC;
	tick(&w, 0);
	CHECK_NEAR(w.m->interval_s, 0.0, 0);
	CHECK(fig_finite(&pa->fig));
	CHECK(isfinite(w.m->totals.cpu_pct));
out:
	world_free(&w);
}

/* --- PID reuse ------------------------------------------------------------- */

static void test_pid_reuse(void)
{
	struct world w;
	uint64_t sa = T0 - 10 * SEC, sb;
	struct ri_task a = task(500, 500, sa, "first");
	struct ri_task b, w1, w1b;
	struct ri_proc *pa, *pb;
	struct ri_thread *t;

	init(&w, 0, false, 0);
	a.cpu_ns = 5 * SEC;
	live(&w, a);
	tick(&w, 0);
	a.cpu_ns += SEC / 10;
	live(&w, a);
	tick(&w, SEC);
	pa = ri_model_find_proc(w.m, 500);
	CHECK(pa != NULL);

	/*
	 * The PID now names a younger process whose exit of the old one we
	 * never saw (procfs): the old one is gone, the new one starts afresh.
	 */
	sb = w.now + SEC / 2;
	b = task(500, 500, sb, "second");
	b.cpu_ns = SEC / 4;
	b.rss_pages = 5;
	live(&w, b);
	tick(&w, SEC);
	pb = ri_model_find_proc(w.m, 500);
	CHECK(pb != NULL && pb != pa);
	if (pb) {
		CHECK_U64(pb->start_ns, sb);
		CHECK(!pb->exited);
		CHECK(!strcmp(pb->comm, "second"));
		CHECK_U64(pb->fig.n[RI_C_CPU], SEC / 4);
		CHECK_U64(pb->fig.cpu_total_ns, SEC / 4);
		CHECK_EQ(pb->nthreads, 1);
	}
	pa = view(w.m, 500, sa);
	CHECK(pa != NULL);
	if (pa) {
		CHECK(pa->exited);
		CHECK_U64(pa->fig.n[RI_C_CPU], 0);
		CHECK_EQ(pa->nthreads, 0);
	}
	CHECK_EQ(view_count(w.m, 500), 2);
	t = ri_model_find_thread(w.m, 500);
	CHECK(t && t->start_ns == sb && t->proc == pb);
	CHECK_EQ(w.m->totals.nprocs, 1);
	b.cpu_ns += SEC / 10;
	live(&w, b);
	tick(&w, SEC);
	CHECK_EQ(view_count(w.m, 500), 1);
	pb = ri_model_find_proc(w.m, 500);
	CHECK(pb && pb->fig.n[RI_C_CPU] == SEC / 10);

	/* A thread ID reused inside a live process. */
	w1 = task(501, 500, sb, "second-w");
	w1.cpu_ns = 1;
	b.cpu_ns += SEC / 10;
	live(&w, b);
	live(&w, w1);
	tick(&w, SEC);
	w1b = born(task(501, 500, sb, "second-w2"), w.now + 1);
	w1b.cpu_ns = SEC / 5;
	live(&w, b);
	live(&w, w1b);
	tick(&w, SEC);
	pb = ri_model_find_proc(w.m, 500);
	CHECK(pb != NULL);
	if (pb) {
		CHECK_EQ(pb->nthreads, 2);
		CHECK_U64(pb->fig.n[RI_C_CPU], SEC / 5);
		t = thread_of(pb, 501, sb + 1);
		CHECK(t && t->exited);
		t = ri_model_find_thread(w.m, 501);
		CHECK(t && t->start_ns == w.now - SEC + 1 && !t->exited);
	}
	world_free(&w);
}

/*
 * The old task's exit and the new task with its PID in the same drain:
 * pid_max wrapped within one interval (a fork storm on a 32768 pid_max).
 * Sources put live tasks in @live and the old one's final snapshot in
 * @exited; neither may be taken for the other.
 */
static void test_pid_reuse_same_interval(void)
{
	struct world w;
	uint64_t sa = T0 + SEC / 2, sb;
	struct ri_task a = task(600, 600, sa, "old");
	struct ri_task b;
	struct ri_proc *pa, *pb;
	struct ri_thread *t;

	init(&w, 0, false, 0);
	tick(&w, 0);
	a.cpu_ns = SEC / 2;
	live(&w, a);
	tick(&w, SEC);
	a.cpu_ns += SEC / 10;
	live(&w, a);
	tick(&w, SEC);

	sb = w.now + 600 * MS;
	a.cpu_ns += SEC / 10;
	died(&w, a, w.now + 500 * MS);
	b = task(600, 600, sb, "new");
	b.cpu_ns = SEC / 5;
	live(&w, b);
	tick(&w, SEC);
	pb = ri_model_find_proc(w.m, 600);
	CHECK(pb != NULL);
	if (pb) {
		CHECK_U64(pb->start_ns, sb);
		CHECK(!pb->exited);
		CHECK_U64(pb->fig.n[RI_C_CPU], SEC / 5);
	}
	t = ri_model_find_thread(w.m, 600);
	CHECK(t != NULL && t->start_ns == sb && !t->exited);
	pa = view(w.m, 600, sa);
	CHECK(pa != NULL);
	if (pa) {
		CHECK(pa->exited);
		CHECK_U64(pa->fig.n[RI_C_CPU], SEC / 10);
	}
	CHECK_EQ(view_count(w.m, 600), 2);
	CHECK_NEAR(w.m->totals.tracked_cpu_pct, 30.0, 1e-6);

	/* And the next tick the new one is not counted from its birth again. */
	b.cpu_ns += SEC / 10;
	live(&w, b);
	tick(&w, SEC);
	pb = ri_model_find_proc(w.m, 600);
	CHECK(pb != NULL && pb->start_ns == sb);
	if (pb)
		CHECK_U64(pb->fig.n[RI_C_CPU], SEC / 10);
	CHECK_NEAR(w.m->totals.tracked_cpu_pct, 10.0, 1e-6);
	CHECK_EQ(view_count(w.m, 600), 1);
	world_free(&w);
}

/* --- the choice ------------------------------------------------------------- */

static void test_choose_pid(void)
{
	struct world w;
	uint64_t sa = T0 - 20 * SEC, sb;
	struct ri_task a = task(700, 700, sa, "chosen");
	struct ri_task o = task(701, 701, sa, "other");
	struct ri_task later = task(702, 702, 0, "later");
	struct ri_task b;
	pid_t pids[] = { 700, 702 };
	struct ri_proc *pr;

	init(&w, 0, false, 0);
	CHECK(!ri_model_has_choice(w.m));
	CHECK_EQ(ri_model_choose(w.m, pids, 2, NULL, 0), 0);
	CHECK(ri_model_has_choice(w.m));
	live(&w, a);
	live(&w, o);
	tick(&w, 0);
	CHECK_EQ(w.m->nprocs, 1);
	CHECK(view(w.m, 700, sa) != NULL);
	CHECK(view(w.m, 701, sa) == NULL);
	/* Totals stay over everything. */
	CHECK_EQ(w.m->totals.nprocs, 2);
	pr = ri_model_find_proc(w.m, 701);
	CHECK(pr && !pr->chosen);

	/* A chosen PID that appears later binds to its first process. */
	later.start_ns = later.pstart_ns = w.now + SEC / 3;
	later.cpu_ns = SEC / 10;
	live(&w, a);
	live(&w, o);
	live(&w, later);
	tick(&w, SEC);
	CHECK_EQ(w.m->nprocs, 2);
	pr = view(w.m, 702, later.start_ns);
	CHECK(pr && pr->chosen && pr->fig.n[RI_C_CPU] == SEC / 10);

	/* 700 exits; a new process gets PID 700: not the one chosen. */
	a.cpu_ns += SEC / 10;
	died(&w, a, w.now + SEC / 2);
	live(&w, o);
	live(&w, later);
	tick(&w, SEC);
	pr = view(w.m, 700, sa);
	CHECK(pr && pr->exited && pr->chosen);
	sb = w.now + SEC / 2;
	b = task(700, 700, sb, "impostor");
	b.cpu_ns = SEC / 2;
	live(&w, b);
	live(&w, o);
	live(&w, later);
	tick(&w, SEC);
	CHECK(view(w.m, 700, sb) == NULL);
	CHECK_EQ(view_count(w.m, 700), 0);
	pr = ri_model_find_proc(w.m, 700);
	CHECK(pr && pr->start_ns == sb && !pr->chosen);
	CHECK_EQ(w.m->nprocs, 1);

	/* Choosing it again (same PID) keeps the binding to the first one. */
	CHECK_EQ(ri_model_choose(w.m, pids, 2, NULL, 0), 0);
	live(&w, b);
	live(&w, o);
	live(&w, later);
	tick(&w, SEC);
	CHECK(view(w.m, 700, sb) == NULL);

	/* An empty choice is every process again. */
	CHECK_EQ(ri_model_choose(w.m, NULL, 0, NULL, 0), 0);
	CHECK(!ri_model_has_choice(w.m));
	live(&w, b);
	live(&w, o);
	live(&w, later);
	tick(&w, SEC);
	CHECK_EQ(w.m->nprocs, 3);
	world_free(&w);
}

/*
 * A choice made mid-session (the picker) is what the view holds at once:
 * the table is rebuilt from the view before the next refresh, which a
 * busy machine may take seconds to bring.
 */
static void test_choose_mid_session(void)
{
	struct world w;
	uint64_t s = T0 - 20 * SEC;
	struct ri_task a = task(710, 710, s, "picked");
	struct ri_task o = task(711, 711, s, "other");
	pid_t one[] = { 710 };

	init(&w, 0, false, 0);
	live(&w, a);
	live(&w, o);
	tick(&w, 0);
	CHECK_EQ(w.m->nprocs, 2);
	CHECK_EQ(ri_model_choose(w.m, one, 1, NULL, 0), 0);
	CHECK_EQ(w.m->nprocs, 1);
	CHECK(w.m->nprocs == 1 && w.m->procs[0]->pid == 710);
	/* Back to all, again without waiting for a refresh. */
	CHECK_EQ(ri_model_choose(w.m, NULL, 0, NULL, 0), 0);
	CHECK_EQ(w.m->nprocs, 2);
	world_free(&w);
}

static void test_choose_name(void)
{
	struct world w;
	uint64_t s = T0 - 20 * SEC, s2;
	struct ri_task wk = task(800, 800, s, "worker");
	struct ri_task ot = task(801, 801, s, "other");
	struct ri_task lt;
	static const char names1[1][RI_COMM_LEN] = { "worker" };
	static const char names2[2][RI_COMM_LEN] = { "worker", "later" };
	const char *wait[4];
	struct ri_proc *pr;

	init(&w, 0, false, 0);
	CHECK_EQ(ri_model_choose(w.m, NULL, 0, names1, 1), 0);
	live(&w, wk);
	live(&w, ot);
	tick(&w, 0);
	CHECK_EQ(w.m->nprocs, 1);
	CHECK(view(w.m, 800, s) != NULL);
	CHECK_EQ(ri_model_waiting(w.m, wait, 4), 0);

	CHECK_EQ(ri_model_choose(w.m, NULL, 0, names2, 2), 0);
	live(&w, wk);
	live(&w, ot);
	tick(&w, SEC);
	CHECK_EQ(ri_model_waiting(w.m, wait, 4), 1);
	CHECK(!strcmp(wait[0], "later"));
	CHECK_EQ(ri_model_waiting(w.m, wait, 0), 0);

	/* A process by that name starts: picked up, no longer waited for. */
	s2 = w.now + SEC / 2;
	lt = task(802, 802, s2, "later");
	lt.cpu_ns = SEC / 4;
	live(&w, wk);
	live(&w, ot);
	live(&w, lt);
	tick(&w, SEC);
	CHECK_EQ(w.m->nprocs, 2);
	pr = view(w.m, 802, s2);
	CHECK(pr && pr->chosen && pr->fig.n[RI_C_CPU] == SEC / 4);
	CHECK_EQ(ri_model_waiting(w.m, wait, 4), 0);

	/* It exits: waited for again. */
	died(&w, lt, w.now + 1);
	live(&w, wk);
	live(&w, ot);
	tick(&w, SEC);
	CHECK_EQ(ri_model_waiting(w.m, wait, 4), 1);
	live(&w, wk);
	live(&w, ot);
	tick(&w, SEC);
	CHECK_EQ(w.m->nprocs, 1);
	CHECK_EQ(ri_model_waiting(w.m, wait, 4), 1);
	world_free(&w);
}

/* --- exited processes linger ---------------------------------------------- */

static int linger_run(int linger, bool keep, bool choose, int after)
{
	struct world w;
	uint64_t s = T0 - SEC;
	struct ri_task a = task(900, 900, s, "brief");
	struct ri_task k = task(901, 901, s, "keeper");
	pid_t pid = 900;
	int i, present = -1;

	init(&w, linger, keep, 0);
	if (choose)
		ri_model_choose(w.m, &pid, 1, NULL, 0);
	live(&w, a);
	live(&w, k);
	tick(&w, 0);
	a.cpu_ns += SEC / 10;
	died(&w, a, w.now + SEC / 2);
	live(&w, k);
	tick(&w, SEC);
	/* Its exit tick: always listed, with that tick's figures. */
	if (!view(w.m, 900, s) || !view(w.m, 900, s)->exited ||
	    view(w.m, 900, s)->fig.n[RI_C_CPU] != SEC / 10)
		present = -2;
	for (i = 1; i <= after && present == -1; i++) {
		live(&w, k);
		tick(&w, SEC);
		if (!view(w.m, 900, s))
			present = i - 1;
	}
	world_free(&w);
	return present; /* ticks listed after the exit tick; -1: all of them */
}

static void test_linger(void)
{
	CHECK_EQ(linger_run(0, false, false, 5), 0);
	CHECK_EQ(linger_run(2, false, false, 5), 2);
	CHECK_EQ(linger_run(0, true, false, 5), 0); /* no choice: nothing kept */
	CHECK_EQ(linger_run(0, false, true, 5), 0);
	CHECK_EQ(linger_run(0, true, true, 20), -1);
	CHECK_EQ(linger_run(2, true, true, 20), -1);
}

/* Exited threads of a live process linger the same way. */
static void test_thread_linger(void)
{
	struct world w;
	uint64_t s = T0 - SEC;
	struct ri_task l = task(950, 950, s, "multi");
	struct ri_task t = task(951, 950, s, "multi-t");
	struct ri_proc *pr;
	struct ri_thread *th;

	init(&w, 2, false, 0);
	live(&w, l);
	live(&w, t);
	tick(&w, 0);
	died(&w, t, w.now + 1);
	live(&w, l);
	tick(&w, SEC);
	pr = ri_model_find_proc(w.m, 950);
	CHECK(pr != NULL);
	if (!pr)
		goto out;
	th = thread_of(pr, 951, s + 1);
	CHECK(th && th->exited && th->gone_ticks == 0);
	live(&w, l);
	tick(&w, SEC);
	live(&w, l);
	tick(&w, SEC);
	th = thread_of(pr, 951, s + 1);
	CHECK(th && th->gone_ticks == 2);
	CHECK_EQ(pr->nthreads, 1);
	live(&w, l);
	tick(&w, SEC);
	CHECK(thread_of(pr, 951, s + 1) == NULL);
	CHECK_EQ(count_threads(pr), 1);
out:
	world_free(&w);
}

/* --- tasks missing without an exit snapshot ------------------------------- */

/* Ticks after its last sighting at which a silent task is marked exited. */
static int missing_run(int grace)
{
	struct world w;
	uint64_t s = T0 - SEC;
	struct ri_task a = task(1000, 1000, s, "silent");
	struct ri_task b = task(1001, 1001, s, "steady");
	struct ri_thread *t;
	int i, when = -1;

	init(&w, 0, false, grace);
	live(&w, a);
	live(&w, b);
	tick(&w, 0);
	live(&w, a);
	live(&w, b);
	tick(&w, SEC);
	for (i = 1; i <= grace + 3 && when < 0; i++) {
		live(&w, b);
		tick(&w, SEC);
		t = ri_model_find_thread(w.m, 1000);
		if (!t || t->exited)
			when = i;
	}
	world_free(&w);
	return when;
}

static void test_missing_grace(void)
{
	CHECK_EQ(missing_run(0), 1);
	CHECK_EQ(missing_run(1), 2);
	CHECK_EQ(missing_run(2), 3);
	CHECK_EQ(missing_run(5), 6);
}

/*
 * Within the grace the task may still be alive (the BPF source's exit
 * snapshot can land one drain late): its process is not gone yet, and
 * when the final snapshot does land, its last slice counts.
 */
static void test_missing_grace_process(void)
{
	struct world w;
	uint64_t s = T0 - SEC;
	struct ri_task a = task(1100, 1100, s, "late");
	struct ri_task c = task(1110, 1110, s, "back");
	/* Born after the tool started: its whole past is a spike if recounted. */
	struct ri_task d = task(1120, 1120, T0 + SEC / 2, "young");
	struct ri_proc *pa, *pc, *pd;
	struct ri_thread *t;

	init(&w, 0, false, 1);
	live(&w, a);
	live(&w, c);
	tick(&w, 0);
	a.cpu_ns += SEC / 10;
	c.cpu_ns += SEC / 10;
	d.cpu_ns = 40 * SEC;
	live(&w, a);
	live(&w, c);
	live(&w, d);
	tick(&w, SEC);
	pa = ri_model_find_proc(w.m, 1100);
	pc = ri_model_find_proc(w.m, 1110);
	pd = ri_model_find_proc(w.m, 1120);
	CHECK(pa && pc && pd);
	if (!pa || !pc || !pd)
		goto out;

	/* Both missing for one tick, within the grace. */
	tick(&w, SEC);
	t = ri_model_find_thread(w.m, 1100);
	CHECK(t && !t->exited);
	CHECK(!pa->exited);
	CHECK(!pc->exited);
	CHECK(!pd->exited);
	CHECK(ri_model_find_proc(w.m, 1100) == pa);
	CHECK_EQ(w.m->totals.nprocs, 3);

	/* 1100's exit snapshot lands late; 1110 was only hidden. */
	a.cpu_ns += SEC / 5;
	died(&w, a, w.now - SEC / 2); /* before the drain it missed */
	c.cpu_ns += SEC / 2;
	d.cpu_ns += SEC / 2;
	live(&w, c);
	live(&w, d);
	tick(&w, SEC);
	pa = view(w.m, 1100, s);
	CHECK(pa != NULL);
	if (pa) {
		CHECK(pa->exited);
		CHECK_U64(pa->fig.n[RI_C_CPU], SEC / 5);
		CHECK_NEAR(pa->exit_time, w.d.unix_time - 1.5, 1e-6);
	}
	CHECK_EQ(view_count(w.m, 1100), 1);
	pc = ri_model_find_proc(w.m, 1110);
	CHECK(pc != NULL);
	if (pc) {
		CHECK(!pc->exited);
		/* Two intervals' worth, reported in this one. */
		CHECK_U64(pc->fig.n[RI_C_CPU], SEC / 2);
	}
	pd = ri_model_find_proc(w.m, 1120);
	CHECK(pd != NULL);
	if (pd) {
		CHECK_U64(pd->fig.n[RI_C_CPU], SEC / 2);
		CHECK(pd->fig.cpu_pct <= 100.0);
	}
	c.cpu_ns += SEC / 10;
	live(&w, c);
	tick(&w, SEC);
	pc = ri_model_find_proc(w.m, 1110);
	CHECK(pc && !pc->exited && pc->fig.n[RI_C_CPU] == SEC / 10);
out:
	world_free(&w);
}

/* --- churn ------------------------------------------------------------------ */

#define CH_PIDS 8192     /* a small pid_max: PIDs get reused */
#define CH_FIRST 300
#define CH_TICKS 200
#define CH_BIRTHS 500
#define CH_DEATHS 500

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

enum { CH_FREE, CH_LIVE, CH_DEAD_THIS_TICK };

struct ch_task {
	struct ri_task t;
	int state;
	uint64_t dcpu, drd; /* expected figures of this tick */
};

struct churn {
	struct ch_task *v; /* by pid */
	pid_t next;
	size_t nlive, nprocs;
};

static pid_t ch_alloc(struct churn *c)
{
	int i;

	/* Like the kernel: the next free PID after the last one, wrapping. */
	for (i = 0; i < CH_PIDS; i++) {
		pid_t p = c->next;

		c->next = c->next + 1 >= CH_FIRST + CH_PIDS ? CH_FIRST : c->next + 1;
		if (c->v[p].state == CH_FREE)
			return p;
	}
	return 0;
}

static void test_churn(void)
{
	struct world w;
	struct churn c = { .next = CH_FIRST };
	uint64_t want_cpu, want_rd, got_cpu, got_rd;
	unsigned long bad_find = 0, bad_fig = 0, bad_sum = 0, bad_tot = 0;
	unsigned long reused = 0, shortlived = 0, vanished = 0;
	size_t i, nproc_view;
	int tk;

	c.v = calloc(CH_FIRST + CH_PIDS, sizeof(*c.v));
	if (!c.v)
		exit(1);
	init(&w, 0, false, 0);
	tick(&w, 0);
	for (tk = 1; tk <= CH_TICKS; tk++) {
		uint64_t prev = w.now;
		int deaths = 0, births = 0;

		want_cpu = want_rd = 0;
		/* Deaths: whole processes, or single non-leader threads. */
		while (deaths < CH_DEATHS && c.nlive > 0) {
			pid_t p = CH_FIRST + (pid_t)(rnd() % CH_PIDS);
			struct ch_task *x = &c.v[p];
			bool silent = rnd() % 10 == 0;
			pid_t q;

			if (x->state != CH_LIVE)
				continue;
			for (q = CH_FIRST; q < CH_FIRST + CH_PIDS; q++) {
				struct ch_task *y = &c.v[q];
				uint64_t d;

				if (y->state != CH_LIVE)
					continue;
				if (q != p && !((pid_t)x->t.pid == (pid_t)x->t.tgid &&
						(pid_t)y->t.tgid == p))
					continue;
				y->state = CH_DEAD_THIS_TICK;
				c.nlive--;
				deaths++;
				if (silent) {
					/* Vanishes: its last slice is lost. */
					vanished++;
					continue;
				}
				d = rnd() % (10 * MS);
				y->t.cpu_ns += d;
				y->t.rchar += d / 1000;
				want_cpu += d;
				want_rd += d / 1000;
				died(&w, y->t, prev + rnd() % SEC);
			}
			if ((pid_t)x->t.pid == (pid_t)x->t.tgid)
				c.nprocs--;
		}
		/* The living run a little. */
		for (i = CH_FIRST; i < CH_FIRST + CH_PIDS; i++) {
			struct ch_task *y = &c.v[i];

			if (y->state != CH_LIVE)
				continue;
			y->dcpu = rnd() % (20 * MS);
			y->drd = rnd() % 100000;
			y->t.cpu_ns += y->dcpu;
			y->t.rchar += y->drd;
			want_cpu += y->dcpu;
			want_rd += y->drd;
		}
		/* Births: processes of 1..4 threads, some gone before the tick. */
		while (births < CH_BIRTHS) {
			int nth = 1 + (int)(rnd() % 4), j;
			bool flash = rnd() % 8 == 0;
			pid_t leader = 0;
			uint64_t ps = prev + 1 + rnd() % (SEC / 2);

			for (j = 0; j < nth; j++) {
				pid_t p = ch_alloc(&c);
				struct ch_task *y;

				if (!p)
					break;
				y = &c.v[p];
				if (y->t.start_ns)
					reused++;
				if (!leader)
					leader = p;
				y->t = born(task(p, leader, ps, "churn"), ps + (uint64_t)j);
				y->dcpu = y->t.cpu_ns = rnd() % (30 * MS);
				y->drd = y->t.rchar = rnd() % 100000;
				want_cpu += y->dcpu;
				want_rd += y->drd;
				births++;
				if (flash) {
					y->state = CH_DEAD_THIS_TICK;
					shortlived++;
					died(&w, y->t, ps + SEC / 4);
				} else {
					y->state = CH_LIVE;
					c.nlive++;
				}
			}
			if (!flash && leader)
				c.nprocs++;
		}
		for (i = CH_FIRST; i < CH_FIRST + CH_PIDS; i++)
			if (c.v[i].state == CH_LIVE)
				live(&w, c.v[i].t);
		if (tick(&w, SEC))
			bad_tot++;

		/* Every live task found, nothing else. */
		for (i = CH_FIRST; i < CH_FIRST + CH_PIDS; i++) {
			struct ch_task *y = &c.v[i];
			struct ri_thread *t = ri_model_find_thread(w.m, (pid_t)i);

			if (y->state == CH_LIVE) {
				if (!t || t->start_ns != y->t.start_ns || t->exited ||
				    t->proc->pid != (pid_t)y->t.tgid) {
					bad_find++;
					continue;
				}
				if (t->fig.n[RI_C_CPU] != y->dcpu || t->fig.n[RI_C_READ] != y->drd)
					bad_fig++;
				if ((pid_t)y->t.pid == (pid_t)y->t.tgid) {
					struct ri_proc *pr = ri_model_find_proc(w.m, (pid_t)i);

					if (!pr || pr != t->proc || pr->exited)
						bad_find++;
				}
			} else if (t) {
				bad_find++;
			}
			if (y->state == CH_DEAD_THIS_TICK)
				y->state = CH_FREE;
		}
		if (w.m->totals.ntasks != c.nlive || w.m->totals.nprocs != c.nprocs)
			bad_tot++;
		/* Sums over the processes of this tick, exits included. */
		got_cpu = got_rd = 0;
		nproc_view = 0;
		for (i = 0; i < w.m->nprocs; i++) {
			struct ri_proc *pr = w.m->procs[i];

			if (pr->exited && pr->gone_ticks > 0)
				continue;
			got_cpu += pr->fig.n[RI_C_CPU];
			got_rd += pr->fig.n[RI_C_READ];
			nproc_view += !pr->exited;
		}
		if (got_cpu != want_cpu || got_rd != want_rd ||
		    nproc_view != c.nprocs)
			bad_sum++;
		if (bad_sum == 1 && (got_cpu != want_cpu || got_rd != want_rd))
			fprintf(stderr, "churn tick %d: cpu %" PRIu64 " vs %" PRIu64
				", read %" PRIu64 " vs %" PRIu64 "\n", tk, got_cpu,
				want_cpu, got_rd, want_rd);
	}
	CHECK_EQ(bad_find, 0);
	CHECK_EQ(bad_fig, 0);
	CHECK_EQ(bad_sum, 0);
	CHECK_EQ(bad_tot, 0);
	/* The run did what it says: reuse, short-lived and silent exits. */
	CHECK(reused > 10000);
	CHECK(shortlived > 1000);
	CHECK(vanished > 1000);
	CHECK(c.nlive > 300);
	/* Kill everything: the tables empty out. */
	for (i = CH_FIRST; i < CH_FIRST + CH_PIDS; i++)
		if (c.v[i].state == CH_LIVE)
			died(&w, c.v[i].t, w.now + 1);
	tick(&w, SEC);
	tick(&w, SEC);
	CHECK_EQ(w.m->totals.ntasks, 0);
	CHECK_EQ(w.m->totals.nprocs, 0);
	CHECK_EQ(w.m->nprocs, 0);
	for (i = CH_FIRST, bad_find = 0; i < CH_FIRST + CH_PIDS; i++)
		bad_find += ri_model_find_thread(w.m, (pid_t)i) != NULL ||
			    ri_model_find_proc(w.m, (pid_t)i) != NULL;
	CHECK_EQ(bad_find, 0);
	world_free(&w);
	free(c.v);
}

/* --- history rings ----------------------------------------------------------- */

static void test_hist(void)
{
	struct ri_hist *hp = ri_hist_new(RI_HIST_LEN, 0, false), *small;
	double v[RI_M_COUNT], x, worst = 0, worst_x = 0;
	unsigned long bad = 0;
	size_t i;
	int m;

#define h (*hp)
	CHECK(hp != NULL);
	CHECK_EQ(ri_hist_len(NULL), 0);
	CHECK_NEAR(ri_hist_get(NULL, RI_M_CPU, 0), 0.0, 0);
	ri_hist_push(NULL, v); /* no history kept: nothing happens */
	CHECK_NEAR(ri_hist_get(&h, RI_M_CPU, 0), 0.0, 0);
	for (i = 1; i <= 10; i++) {
		for (m = 0; m < RI_M_COUNT; m++)
			v[m] = (double)(i * 100 + (size_t)m);
		ri_hist_push(&h, v);
	}
	CHECK_EQ(h.len, 10);
	CHECK_NEAR(ri_hist_get(&h, RI_M_CPU, 0), 1000.0, 1.0);
	CHECK_NEAR(ri_hist_get(&h, RI_M_WRITE, 0), 1003.0, 1.0);
	CHECK_NEAR(ri_hist_get(&h, RI_M_CPU, 9), 100.0, 0.1);
	CHECK_NEAR(ri_hist_get(&h, RI_M_MEM, 9), 101.0, 0.1);
	/* Beyond what was pushed: 0, not stale memory. */
	CHECK_NEAR(ri_hist_get(&h, RI_M_CPU, 10), 0.0, 0);
	CHECK_NEAR(ri_hist_get(&h, RI_M_COUNT, 0), 0.0, 0);

	/* Wrap around: the length caps, the oldest go first. */
	for (i = 11; i <= RI_HIST_LEN + 57; i++) {
		for (m = 0; m < RI_M_COUNT; m++)
			v[m] = (double)i;
		ri_hist_push(&h, v);
	}
	CHECK_EQ(h.len, RI_HIST_LEN);
	for (i = 0; i < RI_HIST_LEN; i++) {
		x = (double)(RI_HIST_LEN + 57 - i);
		if (fabs(ri_hist_get(&h, RI_M_READ, i) - x) > x * 1e-3)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_NEAR(ri_hist_get(&h, RI_M_CPU, RI_HIST_LEN - 1), 58.0, 0.06);
	CHECK_NEAR(ri_hist_get(&h, RI_M_CPU, RI_HIST_LEN), 0.0, 0);
#undef h
	free(hp);

	/*
	 * A ring of one metric and a few samples (batch's RSS for the
	 * growth fit): the others read 0, the length caps at its size.
	 */
	small = ri_hist_new(5, RI_HIST_METRIC(RI_M_MEM), false);
	CHECK(small != NULL);
	CHECK_EQ(ri_hist_cap(small), 5);
	for (i = 1; i <= 7; i++) {
		for (m = 0; m < RI_M_COUNT; m++)
			v[m] = (double)(i * 10 + (size_t)m);
		ri_hist_push(small, v);
	}
	CHECK_EQ(ri_hist_len(small), 5);
	CHECK_NEAR(ri_hist_get(small, RI_M_MEM, 0), 71.0, 0.1);
	CHECK_NEAR(ri_hist_get(small, RI_M_MEM, 4), 31.0, 0.05);
	CHECK_NEAR(ri_hist_get(small, RI_M_MEM, 5), 0.0, 0);
	CHECK_NEAR(ri_hist_get(small, RI_M_CPU, 0), 0.0, 0);
	CHECK_NEAR(ri_hist_get(small, RI_M_WRITE, 0), 0.0, 0);
	ri_hist_clear(small);
	CHECK_EQ(ri_hist_len(small), 0);
	free(small);
	/* Sizes out of range are brought within it. */
	small = ri_hist_new(0, 0, false);
	CHECK_EQ(ri_hist_cap(small), 1);
	free(small);
	small = ri_hist_new(RI_HIST_LEN * 2, 0, false);
	CHECK_EQ(ri_hist_cap(small), RI_HIST_LEN);
	free(small);

	/*
	 * Narrow rings (a thread's sparkline): within each metric's range
	 * the 8-bit code keeps 3% (CPU%), 5% (RSS), 6.5% (rates); 0 stays
	 * 0; beyond the range, the nearest end; the ring wraps alike.
	 */
	{
		static const struct {
			enum ri_metric m;
			double lo, hi, tol;
		} rg[] = {
			{ RI_M_CPU, 0.07, 1e5, 0.03 },
			{ RI_M_MEM, 4096, 6e13, 0.05 },
			{ RI_M_READ, 1, 1.7e13, 0.065 },
			{ RI_M_WRITE, 1, 1.7e13, 0.065 },
		};
		size_t k;

		for (k = 0; k < sizeof(rg) / sizeof(rg[0]); k++) {
			double w = 0;

			for (x = rg[k].lo; x <= rg[k].hi; x *= 1.013) {
				double r = fabs(ri_hist_decode8(ri_hist_encode8(x, rg[k].m),
								rg[k].m) - x) / x;
				if (r > w)
					w = r;
			}
			CHECK(w <= rg[k].tol);
			if (w > rg[k].tol)
				fprintf(stderr, "hist8: metric %d worst %.3g\n", (int)rg[k].m, w);
			CHECK_EQ(ri_hist_encode8(0, rg[k].m), 0);
			CHECK_EQ(ri_hist_encode8(-1, rg[k].m), 0);
			CHECK_EQ(ri_hist_encode8(rg[k].lo / 1000, rg[k].m), 1);
			CHECK_EQ(ri_hist_encode8(rg[k].hi * 1000, rg[k].m), 255);
			CHECK_EQ(ri_hist_encode8(INFINITY, rg[k].m), 255);
		}
		small = ri_hist_new(3, 0, true);
		CHECK(small && small->narrow);
		for (i = 1; i <= 4; i++) {
			for (m = 0; m < RI_M_COUNT; m++)
				v[m] = (double)(i * 1000);
			ri_hist_push(small, v);
		}
		CHECK_EQ(ri_hist_len(small), 3);
		CHECK_NEAR(ri_hist_get(small, RI_M_CPU, 0), 4000.0, 4000.0 * 0.03);
		CHECK_NEAR(ri_hist_get(small, RI_M_WRITE, 2), 2000.0, 2000.0 * 0.065);
		CHECK_NEAR(ri_hist_get(small, RI_M_MEM, 3), 0.0, 0);
		free(small);

		/*
		 * A sparse ring stores a metric from its first sample other
		 * than 0 on, the earlier ones 0; the others read 0 throughout.
		 */
		small = ri_hist_new_sparse(3);
		CHECK(small && small->narrow && !small->metrics);
		memset(v, 0, sizeof(v));
		v[RI_M_MEM] = 1 << 20;
		ri_hist_push_grow(&small, v);
		CHECK_EQ(small->metrics, RI_HIST_METRIC(RI_M_MEM));
		v[RI_M_CPU] = 50;
		ri_hist_push_grow(&small, v);
		v[RI_M_CPU] = 0;
		v[RI_M_WRITE] = 4096;
		for (i = 0; i < 2; i++)
			ri_hist_push_grow(&small, v);
		CHECK_EQ(small->metrics, RI_HIST_METRIC(RI_M_MEM) | RI_HIST_METRIC(RI_M_CPU) |
						 RI_HIST_METRIC(RI_M_WRITE));
		CHECK_EQ(ri_hist_len(small), 3);
		CHECK_NEAR(ri_hist_get(small, RI_M_CPU, 2), 50.0, 50.0 * 0.03);
		CHECK_NEAR(ri_hist_get(small, RI_M_CPU, 1), 0.0, 0);
		CHECK_NEAR(ri_hist_get(small, RI_M_WRITE, 2), 0.0, 0);
		CHECK_NEAR(ri_hist_get(small, RI_M_WRITE, 0), 4096.0, 4096.0 * 0.065);
		for (i = 0; i < 3; i++)
			CHECK_NEAR(ri_hist_get(small, RI_M_MEM, (size_t)i), 1 << 20, (1 << 20) * 0.05);
		CHECK_NEAR(ri_hist_get(small, RI_M_READ, 0), 0.0, 0);
		free(small);
	}

	/*
	 * Where the time went (the STATES graph): whole percents of the
	 * sample's sum that add up to 100, none where not known, kept only
	 * when asked for, wrapping with the metrics.
	 */
	{
		double st[RI_HIST_NSTATES] = { 98.4, 1.3, 0, 0, 0, 0, 0.3, 0 };
		uint8_t pct[RI_HIST_NSTATES];
		int sum;

		small = ri_hist_new(4, RI_HIST_STATES, false);
		CHECK(ri_hist_has_states(small));
		CHECK(!ri_hist_states(small, 0, pct));
		for (m = 0; m < RI_M_COUNT; m++)
			v[m] = 7;
		ri_hist_push_states(small, v, st);
		CHECK(ri_hist_states(small, 0, pct));
		CHECK_EQ(pct[0], 99); /* the largest remainder gets the odd point */
		CHECK_EQ(pct[1], 1);
		CHECK_EQ(pct[6], 0);
		CHECK_NEAR(ri_hist_get(small, RI_M_READ, 0), 7.0, 0.01);
		/* Shares of the whole: 16 threads at 1600% in all read the same. */
		for (m = 0; m < RI_HIST_NSTATES; m++)
			st[m] = m == 4 ? 1200 : m == 6 ? 400 : 0;
		ri_hist_push_states(small, v, st);
		ri_hist_states(small, 0, pct);
		CHECK_EQ(pct[4], 75);
		CHECK_EQ(pct[6], 25);
		/* Not known (procfs): no states, not a fake 0% everywhere. */
		ri_hist_push(small, v);
		CHECK(!ri_hist_states(small, 0, pct));
		st[0] = -1;
		ri_hist_push_states(small, v, st);
		CHECK(!ri_hist_states(small, 0, pct));
		CHECK(ri_hist_states(small, 2, pct));
		CHECK_EQ(pct[4], 75);
		/* Uneven thirds still add up to 100. */
		for (m = 0; m < RI_HIST_NSTATES; m++)
			st[m] = m < 3 ? 1 : 0;
		ri_hist_push_states(small, v, st);
		ri_hist_states(small, 0, pct);
		for (sum = 0, m = 0; m < RI_HIST_NSTATES; m++)
			sum += pct[m];
		CHECK_EQ(sum, 100);
		CHECK_EQ(ri_hist_len(small), 4);
		CHECK(!ri_hist_states(small, 4, pct));
		free(small);
		small = ri_hist_new(4, 0, false);
		CHECK(!ri_hist_has_states(small));
		ri_hist_push_states(small, v, st);
		CHECK(!ri_hist_states(small, 0, pct));
		free(small);
	}

	CHECK_EQ(ri_hist_encode(0), 0);
	CHECK_NEAR(ri_hist_decode(0), 0.0, 0);
	CHECK_EQ(ri_hist_encode(-5), 0);
	CHECK_EQ(ri_hist_encode(NAN), 0);
	CHECK(ri_hist_encode(1e-3) > 0); /* tiny but not nothing */
	CHECK(ri_hist_encode(INFINITY) == 65535);
	CHECK(isfinite(ri_hist_decode(65535)));
	CHECK(ri_hist_decode(65535) >= 1.8e19);

	/* Relative precision from 1 to 1e18 (and to 2^64). */
	for (x = 1; x < 1.8e19; x *= 1.0007) {
		double r = fabs(ri_hist_decode(ri_hist_encode(x)) - x) / x;

		if (r > worst)
			worst = r, worst_x = x;
	}
	if (worst >= 1e-3)
		fprintf(stderr, "hist: worst relative error %.3g at %.6g\n",
			worst, worst_x);
	CHECK(worst < 1e-3);

	/*
	 * And below 1, down to 1e-3: CPU% of a quiet process lives there.
	 * The header promises relative precision "0..2^64".
	 */
	worst = 0;
	for (x = 1e-3; x < 1; x *= 1.0007) {
		double r = fabs(ri_hist_decode(ri_hist_encode(x)) - x) / x;

		if (r > worst)
			worst = r, worst_x = x;
	}
	if (worst >= 1e-3)
		fprintf(stderr, "hist: worst relative error below 1: %.3g at %.6g\n",
			worst, worst_x);
	CHECK(worst < 1e-3);
	/* Ordering survives the encoding. */
	for (x = 1e-3, bad = 0; x < 1e18; x *= 1.01)
		bad += ri_hist_encode(x * 1.01) < ri_hist_encode(x);
	CHECK_EQ(bad, 0);
}

/* --- sorting ------------------------------------------------------------------ */

static void test_sort(void)
{
	static struct ri_proc p[6];
	struct ri_proc *v[6];
	static struct ri_thread t[3];
	struct ri_thread *tv[3];
	static const struct {
		pid_t pid;
		double cpu;
		const char *comm;
		uint64_t rss;
	} in[6] = {
		{ 50, 10.0, "bash", 300 },  { 7, 80.0, "cc1", 100 },
		{ 30, 10.0, "make", 500 },  { 12, 0.0, "init", 200 },
		{ 99, 80.0, "a.out", 100 }, { 3, 10.0, "zsh", 400 },
	};
	enum ri_sort_key k, back;
	size_t i;
	int j;

	for (i = 0; i < 6; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].pid = in[i].pid;
		p[i].fig.cpu_pct = in[i].cpu;
		p[i].fig.rss_bytes = in[i].rss;
		strcpy(p[i].comm, in[i].comm);
		v[i] = &p[i];
	}
	/* CPU descending, ties by PID ascending. */
	ri_sort_procs(v, 6, RI_SORT_CPU, false);
	{
		static const pid_t want[6] = { 7, 99, 3, 30, 50, 12 };

		for (i = 0; i < 6; i++)
			CHECK_EQ(v[i]->pid, want[i]);
	}
	/* Reversed: ascending, ties still by PID ascending (rows stay put). */
	ri_sort_procs(v, 6, RI_SORT_CPU, true);
	{
		static const pid_t want[6] = { 12, 3, 30, 50, 7, 99 };

		for (i = 0; i < 6; i++)
			CHECK_EQ(v[i]->pid, want[i]);
	}
	ri_sort_procs(v, 6, RI_SORT_PID, false);
	for (i = 1; i < 6; i++)
		CHECK(v[i - 1]->pid < v[i]->pid);
	ri_sort_procs(v, 6, RI_SORT_PID, true);
	for (i = 1; i < 6; i++)
		CHECK(v[i - 1]->pid > v[i]->pid);
	ri_sort_procs(v, 6, RI_SORT_COMM, false);
	for (i = 1; i < 6; i++)
		CHECK(strcmp(v[i - 1]->comm, v[i]->comm) < 0);
	ri_sort_procs(v, 6, RI_SORT_MEM, false);
	{
		static const pid_t want[6] = { 30, 3, 50, 12, 7, 99 };

		for (i = 0; i < 6; i++)
			CHECK_EQ(v[i]->pid, want[i]);
	}
	ri_sort_procs(v, 0, RI_SORT_CPU, false); /* nothing to sort: fine */

	for (i = 0; i < 3; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].tid = (pid_t)(10 - i);
		t[i].fig.cpu_pct = i == 2 ? 5.0 : 1.0;
		tv[i] = &t[i];
	}
	ri_sort_threads(tv, 3, RI_SORT_CPU, false);
	CHECK_EQ(tv[0]->tid, 8);
	CHECK_EQ(tv[1]->tid, 9);
	CHECK_EQ(tv[2]->tid, 10);

	/* Names round-trip; parsing ignores case; unknown names fail. */
	for (j = 0; j < RI_SORT_COUNT; j++) {
		k = (enum ri_sort_key)j;
		back = RI_SORT_COUNT;
		/* A counter without a figure of its own is no key. */
		if (j >= RI_SORT_FIG && j <= RI_SORT_FIG_LAST &&
		    !ri_counter_shown(j - RI_SORT_FIG)) {
			CHECK(ri_sort_name(k) == NULL);
			continue;
		}
		CHECK(ri_sort_name(k) != NULL && strcmp(ri_sort_name(k), "?"));
		CHECK_EQ(ri_sort_parse(ri_sort_name(k), &back), 0);
		CHECK_EQ(back, k);
	}
	CHECK_EQ(ri_sort_parse("CPU", &back), 0);
	CHECK_EQ(back, RI_SORT_CPU);
	CHECK_EQ(ri_sort_parse("Disk-Write", &back), 0);
	CHECK_EQ(back, (RI_SORT_FIG + RI_C_DISK_WRITE));
	back = RI_SORT_MEM;
	CHECK_EQ(ri_sort_parse("nosuchkey", &back), -EINVAL);
	CHECK_EQ(ri_sort_parse("", &back), -EINVAL);
	CHECK_EQ(back, RI_SORT_MEM);
	CHECK(!strcmp(ri_sort_name(RI_SORT_COUNT), "?"));
}


/* --- per-process drains (perproc.c) ------------------------------------------- */

/* A record for a whole process of @nthreads: @cpu_ns in all, 10 pages. */
static struct ri_task agg(pid_t pid, uint64_t pstart, const char *comm,
			  uint64_t cpu_ns, uint32_t nthreads)
{
	struct ri_task t = whole(task(pid, pid, pstart, comm), nthreads);

	t.cpu_ns = cpu_ns;
	t.rss_pages = 10;
	return t;
}

static void test_perproc_threads_exit(void)
{
	struct world w;
	uint64_t ps = T0 - 100 * SEC;
	struct ri_task p = agg(100, ps, "whole", 10 * SEC, 3);
	struct ri_task e = born(task(101, 100, ps, "whole-t1"), ps + SEC);
	struct ri_proc *pr;

	init(&w, 0, false, 1);
	w.d.per_process = true;
	live(&w, p);
	CHECK_EQ(tick(&w, 0), 0);
	pr = view(w.m, 100, ps);
	CHECK(pr != NULL);
	CHECK(pr && pr->whole);
	CHECK_EQ(w.m->totals.ntasks, 3);

	/* 0.5 s in a second: 50%, and the record's thread count. */
	p.cpu_ns = 10 * SEC + 500 * MS;
	live(&w, p);
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 100, ps);
	CHECK(pr && fabs(pr->fig.cpu_pct - 50.0) < 1e-6);
	CHECK(pr && pr->nthreads == 3);
	CHECK_EQ(count_threads(pr), 1);

	/*
	 * A thread that had 2.2 s exits with 2.3 s: the live sum loses its
	 * 2.2 s, its exit brings 2.3 s; with 0.4 s of the others, 0.5 s.
	 */
	p.cpu_ns = 10 * SEC + 500 * MS - 2200 * MS + 400 * MS;
	p.nthreads = 2;
	e.cpu_ns = 2300 * MS;
	live(&w, p);
	died(&w, e, w.now + 500 * MS);
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 100, ps);
	CHECK(pr && fabs(pr->fig.cpu_pct - 50.0) < 1e-6);
	CHECK(pr && !pr->exited && pr->nthreads == 2);
	CHECK_EQ(w.m->totals.ntasks, 2);

	/*
	 * Another (1.0 s so far) exits during the walk: gone from the sum,
	 * its exit not read yet. The figure waits (0, never negative) ...
	 */
	p.cpu_ns = p.cpu_ns - 1000 * MS + 200 * MS;
	p.nthreads = 1;
	live(&w, p);
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 100, ps);
	CHECK(pr && pr->fig.n[RI_C_CPU] == 0);
	/* ... and has it all a tick later: 0.2 + its last 0.1 + 0.3. */
	e = born(task(102, 100, ps, "whole-t2"), ps + SEC);
	e.cpu_ns = 1100 * MS;
	p.cpu_ns += 300 * MS;
	live(&w, p);
	died(&w, e, w.now + 10 * MS);
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 100, ps);
	CHECK(pr && pr->fig.n[RI_C_CPU] == 600 * MS);
	CHECK(pr && pr->fig.cpu_total_ns == 11 * SEC + 600 * MS);
	world_free(&w);
}

static void test_perproc_short_lived(void)
{
	struct world w;
	uint64_t ps;
	struct ri_task a = agg(100, T0 - 100 * SEC, "steady", SEC, 1), l, t;
	struct ri_proc *pr;

	init(&w, 0, false, 1);
	w.d.per_process = true;
	live(&w, a);
	CHECK_EQ(tick(&w, 0), 0);
	/* Born and gone between two drains, two threads: only their exits. */
	ps = w.now + 100 * MS;
	l = task(200, 200, ps, "brief");
	t = born(task(201, 200, ps, "brief-t"), ps + 10 * MS);
	l.cpu_ns = 300 * MS;
	l.wchar = 4096;
	t.cpu_ns = 200 * MS;
	live(&w, a);
	died(&w, t, w.now + 400 * MS);
	died(&w, l, w.now + 500 * MS);
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 200, ps);
	CHECK(pr != NULL);
	CHECK(pr && pr->exited);
	CHECK(pr && pr->fig.n[RI_C_CPU] == 500 * MS);
	CHECK(pr && pr->fig.n[RI_C_WRITE] == 4096);
	CHECK(pr && !strcmp(pr->comm, "brief"));
	CHECK(pr && pr->nthreads == 0);
	CHECK(pr && fabs(pr->exit_time - (w.d.unix_time - 0.5)) < 1e-6);
	/* Not a live process in the header's counts. */
	CHECK_EQ(w.m->totals.nprocs, 1);
	/* Gone from the view the next tick. */
	live(&w, a);
	CHECK_EQ(tick(&w, SEC), 0);
	CHECK(view(w.m, 200, ps) == NULL);
	world_free(&w);
}

static void test_perproc_death(void)
{
	struct world w;
	uint64_t ps = T0 - 10 * SEC;
	struct ri_task p = agg(300, ps, "dies", 5 * SEC, 2);
	struct ri_task q = agg(310, ps, "dies-late", 5 * SEC, 2);
	struct ri_task l = task(300, 300, ps, "dies");
	struct ri_task t = task(301, 300, ps, "dies-t");
	struct ri_task lq = task(310, 310, ps, "dies-late");
	struct ri_task tq = task(311, 310, ps, "dies-late-t");
	struct ri_proc *pr;

	init(&w, 0, false, 1);
	w.d.per_process = true;
	live(&w, p);
	live(&w, q);
	CHECK_EQ(tick(&w, 0), 0);

	/* Both of 300's exits come together: ended, with its last 0.3 s. */
	l.cpu_ns = 3100 * MS;
	t.cpu_ns = 2200 * MS;
	died(&w, l, w.now + 200 * MS);
	died(&w, t, w.now + 300 * MS);
	/* 310's leader exit comes, its other thread's is read late. */
	lq.cpu_ns = 3100 * MS;
	tq.cpu_ns = 2200 * MS;
	died(&w, lq, w.now + 200 * MS);
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 300, ps);
	CHECK(pr && pr->exited && pr->fig.n[RI_C_CPU] == 300 * MS);
	pr = view(w.m, 310, ps);
	CHECK(pr && pr->exited && pr->fig.n[RI_C_CPU] == 0);

	/* The late exit finds its process: counted once, in this tick. */
	died(&w, tq, w.now + 300 * MS);
	CHECK_EQ(tick(&w, SEC), 0);
	CHECK(view(w.m, 300, ps) == NULL);
	pr = view(w.m, 310, ps);
	CHECK(pr && pr->exited && pr->fig.n[RI_C_CPU] == 300 * MS);
	CHECK(pr && pr->fig.cpu_total_ns == 5300 * MS);
	CHECK_EQ(view_count(w.m, 310), 1);

	CHECK_EQ(tick(&w, SEC), 0);
	CHECK_EQ(tick(&w, SEC), 0);
	CHECK(view(w.m, 310, ps) == NULL);
	CHECK(ri_model_find_proc(w.m, 300) == NULL);
	CHECK(ri_model_find_proc(w.m, 310) == NULL);
	world_free(&w);
}

static void test_perproc_missing_and_reuse(void)
{
	struct world w;
	uint64_t ps = T0 - 10 * SEC, ps2;
	struct ri_task p = agg(400, ps, "gone", SEC, 1);
	struct ri_task o = agg(410, ps, "old", SEC, 1), n, e;
	struct ri_proc *pr;

	init(&w, 0, false, 1);
	w.d.per_process = true;
	live(&w, p);
	live(&w, o);
	CHECK_EQ(tick(&w, 0), 0);
	/* Missing, no exit: alive through the grace, then ended. */
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 400, ps);
	CHECK(pr && !pr->exited);
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 400, ps);
	CHECK(pr && pr->exited);

	/* 410 exits and its PID is taken in the same interval. */
	ps2 = w.now + 500 * MS;
	n = agg(410, ps2, "new", 100 * MS, 1);
	e = task(410, 410, ps, "old");
	e.cpu_ns = SEC + 100 * MS;
	died(&w, e, w.now + 200 * MS);
	live(&w, n);
	CHECK_EQ(tick(&w, SEC), 0);
	pr = view(w.m, 410, ps);
	CHECK(pr && pr->exited && pr->fig.n[RI_C_CPU] == 100 * MS);
	pr = view(w.m, 410, ps2);
	CHECK(pr && !pr->exited && pr->fig.n[RI_C_CPU] == 100 * MS);
	CHECK(pr && !strcmp(pr->comm, "new"));
	CHECK(ri_model_find_proc(w.m, 410) == pr);
	world_free(&w);
}

int main(void)
{
	test_rates();
	test_aggregation();
	test_short_lived();
	test_counter_edges();
	test_pid_reuse();
	test_pid_reuse_same_interval();
	test_choose_pid();
	test_choose_name();
	test_choose_mid_session();
	test_linger();
	test_thread_linger();
	test_missing_grace();
	test_missing_grace_process();
	test_churn();
	test_hist();
	test_sort();
	test_perproc_threads_exit();
	test_perproc_short_lived();
	test_perproc_death();
	test_perproc_missing_and_reuse();
	return check_report("test_model");
}
