/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The unit tests' builders of synthetic tasks and of a synthetic machine,
 * one set for every test (and for synth.h's stream of drains):
 *
 *   task()     a task snapshot as a source reads it, every counter 0
 *   born()     a task made a thread born at a given time
 *   counters() every counter of a task at once, by figures.h's table
 *   whole()    a task made a record of its whole process (RI_F_PROC)
 *   exited()   a task made its final snapshot, the exit at a given time
 *   push()     a copy of a task into a drain's list
 *
 *   world_init(), world_free()  a model and the drain that feeds it
 *   live(), died()              a task into the next drain, alive or its exit
 *   tick()                      delivers that drain some time after the last
 *
 * Times are on the boot-time clock in ns (SEC, MS); the wall clock of a
 * drain is 1.7e9 s at boot plus the boot-time clock. Everything exits on
 * running out of memory: a test has nothing better to do. Header-only:
 * every test is one program.
 */
#ifndef RI_TEST_WORLD_H
#define RI_TEST_WORLD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "model.h"

#define SEC 1000000000ULL
#define MS 1000000ULL
#define WORLD_PAGE 4096ULL
/* The boot-time clock when a world starts (a test may set w.now instead). */
#define WORLD_T0 (1000 * SEC)

/* --- tasks ---------------------------------------------------------------- */

/*
 * Thread @pid of process @tgid, named @comm, its process started at
 * @pstart and the thread @pid - @tgid ns later (set start_ns for another
 * birth). A leader has init for parent and uid 1000, as sources give
 * them for leaders only.
 */
static inline struct ri_task task(pid_t pid, pid_t tgid, uint64_t pstart,
				  const char *comm)
{
	struct ri_task t;

	memset(&t, 0, sizeof(t));
	t.pid = (__u32)pid;
	t.tgid = (__u32)tgid;
	t.pstart_ns = pstart;
	t.start_ns = pstart + (uint64_t)(int64_t)(pid - tgid);
	if (pid == tgid) {
		t.ppid = 1;
		t.uid = 1000;
	}
	/* Cut to a comm as the kernel cuts it: 15 bytes and a NUL. */
	for (size_t i = 0; i < sizeof(t.comm) - 1 && comm[i]; i++)
		t.comm[i] = comm[i];
	return t;
}

/* @t born at @start (its process's start unchanged). */
static inline struct ri_task born(struct ri_task t, uint64_t start)
{
	t.start_ns = start;
	return t;
}

/* @t's counter c set to @k * (c + 1) * 1000: each one told apart. */
static inline void counters(struct ri_task *t, uint64_t k)
{
	struct ri_counters v;

	for (int c = 0; c < RI_C_COUNT; c++)
		v.v[c] = k * (uint64_t)(c + 1) * 1000;
	ri_counters_put(t, &v);
}

/* @t as the record of its whole process: its @nthreads live threads summed. */
static inline struct ri_task whole(struct ri_task t, uint32_t nthreads)
{
	t.flags |= RI_F_PROC;
	t.nthreads = nthreads;
	return t;
}

/* @t's final snapshot: it exited at boot-time clock @at. */
static inline struct ri_task exited(struct ri_task t, uint64_t at)
{
	t.flags |= RI_F_EXITED;
	t.exit_ns = at;
	return t;
}

/* A copy of @t at the end of @b. */
static inline struct ri_task *push(struct ri_taskbuf *b, struct ri_task t)
{
	struct ri_task *r = ri_taskbuf_push(b);

	if (!r) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	*r = t;
	return r;
}

/* --- a model fed drains --------------------------------------------------- */

struct world {
	struct ri_model *m;
	struct ri_drain d; /* the next drain, filled by live() and died() */
	uint64_t now;      /* boot-time clock of the last drain */
};

/* A model made with @o (NULL: defaults) on a machine of two CPUs, 16 GiB. */
static inline void world_init(struct world *w, const struct ri_model_opts *o)
{
	struct ri_model_opts none = { 0 };

	memset(w, 0, sizeof(*w));
	w->m = ri_model_new(o ? o : &none);
	if (!w->m) {
		fprintf(stderr, "ri_model_new failed\n");
		exit(1);
	}
	w->now = WORLD_T0;
	w->d.machine.page_size = WORLD_PAGE;
	w->d.machine.mem_total = 1ULL << 34;
	w->d.machine.ncpu = 2;
}

static inline void world_free(struct world *w)
{
	ri_model_free(w->m);
	ri_drain_free(&w->d);
}

/* @t alive in the next drain; the copy, to change. */
static inline struct ri_task *live(struct world *w, struct ri_task t)
{
	return push(&w->d.live, t);
}

/* @t's final snapshot in the next drain: it exited at @at. */
static inline struct ri_task *died(struct world *w, struct ri_task t, uint64_t at)
{
	return push(&w->d.exited, exited(t, at));
}

/*
 * Delivers the drain @dt ns after the last one and empties it for the
 * next; ri_model_update()'s result.
 */
static inline int tick(struct world *w, uint64_t dt)
{
	int r;

	w->now += dt;
	w->d.clock_ns = w->now;
	w->d.unix_time = 1.7e9 + (double)w->now * 1e-9;
	r = ri_model_update(w->m, &w->d);
	w->d.live.n = 0;
	w->d.exited.n = 0;
	return r;
}

#endif /* RI_TEST_WORLD_H */
