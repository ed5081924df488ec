/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the model's files share and nobody else sees: the private state
 * behind struct ri_model, and the functions one part calls in another.
 */
#ifndef RI_MODEL_PRIV_H
#define RI_MODEL_PRIV_H

#include "model.h"
#include "pidtab.h"

struct ri_model_priv {
	struct ri_pidtab threads, procs;
	struct ri_thread *free_threads;
	struct ri_proc *free_procs;
	size_t nfree_threads, nfree_procs;
	struct ri_proc *all; /* every process node in use */
	size_t procs_cap;
	uint64_t baseline_ns; /* tasks born after this are counted from zero */
	uint64_t events;      /* cumulative events at the last update */
	bool primed;

	/* The machine's counters at the last update (machine.c). */
	struct ri_machine last_machine;
	bool machine_primed;
	uint32_t machine_fig_cap; /* entries allocated in machine.cpu */

	/* headroom.c: the last drain's cgroups, and room in m->cgroups. */
	struct ri_cg_table pcg;
	size_t cgroups_cap;
};

/* pool.c: nodes kept for reuse, so a steady state allocates nothing. */
struct ri_thread *ri_pool_thread(struct ri_model_priv *p);
void ri_pool_put_thread(struct ri_model_priv *p, struct ri_thread *t);
struct ri_proc *ri_pool_proc(struct ri_model_priv *p);
void ri_pool_put_proc(struct ri_model_priv *p, struct ri_proc *pr);
void ri_pool_free(struct ri_model_priv *p);

/* choice.c */
bool ri_choice_takes(struct ri_model *m, struct ri_proc *pr);
/* The choice of ri_model_choose(), which then rebuilds the view (model.c). */
int ri_choice_set(struct ri_model *m, const pid_t *pids, size_t npids,
		  const char (*names)[RI_COMM_LEN], size_t nnames);


/* tick.c: one update of the tasks, between the model's bookkeeping. */
void ri_tick_begin(struct ri_model *m);
void ri_tick_account(struct ri_model *m, const struct ri_drain *d);
void ri_tick_reap(struct ri_model *m);
void ri_tick_finish(struct ri_model *m, double dt);
void ri_proc_unlink(struct ri_model_priv *p, struct ri_proc *pr);
/* The process a snapshot belongs to, created if new; NULL without memory. */
struct ri_proc *ri_proc_get(struct ri_model *m, const struct ri_task *r);
/* A thread's figures from its snapshot @r (deltas since the last one). */
void ri_thread_account(struct ri_model *m, struct ri_thread *t,
		       const struct ri_task *r);
/* The same for the counters only: a thread that has no snapshot of its own. */
void ri_thread_account_counts(struct ri_thread *t, const struct ri_counters *now,
			      uint64_t rss_pages);
void ri_thread_mark_exited(struct ri_model *m, struct ri_thread *t, double when);
/* Back to zero for a new interval, keeping what is not per interval. */
void ri_fig_reset(struct ri_fig *f);
/* Unix time of an exit snapshot's exit, by the drain's clocks. */
double ri_exit_time(const struct ri_drain *d, const struct ri_task *r);

/*
 * perproc.c: per-process drains. ri_perproc_account replaces the thread
 * accounting for them; ri_perproc_reap ends each whole process that has
 * no live record (its exits came, or it is missing past the grace).
 */
void ri_perproc_account(struct ri_model *m, const struct ri_drain *d);
void ri_perproc_reap(struct ri_model *m);

/* headroom.c: the limits' figures, after the machine's. */
int ri_headroom_update(struct ri_model *m, const struct ri_drain *d, double dt);

/* machine.c */
int ri_machine_update(struct ri_model *m, const struct ri_machine *now,
		      double dt);
void ri_machine_free(struct ri_model *m);

#endif /* RI_MODEL_PRIV_H */
