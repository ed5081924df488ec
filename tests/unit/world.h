/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A synthetic machine for the unit tests: a model fed drains the way a
 * source would fill them, one second apart, on the boot-time clock. Tasks
 * are pushed with world_task() and delivered by world_tick(). Header-only:
 * every test is one program.
 */
#ifndef RI_TEST_WORLD_H
#define RI_TEST_WORLD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define SEC 1000000000ULL
#define WORLD_PAGE 4096ULL

struct world {
	struct ri_model *m;
	struct ri_drain d;
	uint64_t now; /* boot-time clock of the last drain */
};

static inline void world_init(struct world *w, const struct ri_model_opts *o)
{
	memset(w, 0, sizeof(*w));
	w->m = ri_model_new(o);
	if (!w->m)
		exit(1);
	w->now = 1000 * SEC;
	w->d.machine.page_size = WORLD_PAGE;
	w->d.machine.mem_total = 1ULL << 34;
	w->d.machine.ncpu = 2;
}

/* A live task of process @tgid, started at @pid seconds, named @comm. */
static inline struct ri_task *world_task(struct world *w, pid_t pid, pid_t tgid,
					 const char *comm)
{
	struct ri_task *t = ri_taskbuf_push(&w->d.live);

	if (!t)
		exit(1);
	t->pid = (__u32)pid;
	t->tgid = (__u32)tgid;
	t->start_ns = SEC * (uint64_t)pid;
	t->pstart_ns = SEC * (uint64_t)tgid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	return t;
}

/* Delivers what was pushed, one second after the last drain. */
static inline void world_tick(struct world *w)
{
	w->now += SEC;
	w->d.clock_ns = w->now;
	w->d.unix_time = 1.7e9 + (double)w->now * 1e-9;
	if (ri_model_update(w->m, &w->d))
		exit(1);
	w->d.live.n = 0;
	w->d.exited.n = 0;
}

static inline void world_free(struct world *w)
{
	ri_model_free(w->m);
	ri_drain_free(&w->d);
}

#endif /* RI_TEST_WORLD_H */
