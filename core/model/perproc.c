// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Drains of one record per process (ri_drain.per_process): the model's
 * side. A live record holds the sums over a process's live threads; its
 * threads' exits still come one by one, with their final counters.
 *
 * Such a process has one node in its thread list that stands for all of
 * its threads (whole, tid = the process's PID). The exits of its threads
 * are added into the process's "dead" counters, so that live sums + dead
 * is the process's cumulative: it only grows, but for a thread that has
 * left the live sums while its exit is not read yet (it exited during the
 * walk); the figure then waits for it a tick, as a thread's own does, and
 * nothing is counted twice. A process ends in the tick that brings exits
 * and no live record, or when it has been missing past the grace; it
 * lingers one tick more out of sight, for an exit of its read late.
 */
#include <string.h>

#include "model_priv.h"

/* The node that stands for all of @pr's threads, made on first sight. */
static struct ri_thread *whole_node(struct ri_model *m, struct ri_proc *pr)
{
	struct ri_thread *t;

	for (t = pr->threads; t; t = t->next)
		if (t->whole)
			return t;
	t = ri_pool_thread(m->priv);
	if (!t)
		return NULL;
	t->tid = pr->pid;
	t->start_ns = pr->start_ns;
	t->proc = pr;
	t->whole = true;
	memcpy(t->comm, pr->comm, RI_COMM_LEN);
	t->next = pr->threads;
	if (pr->threads)
		pr->threads->prev = t;
	pr->threads = t;
	pr->whole = true;
	return t;
}

/* An exit read after its process was ended: it counts, in this tick. */
static void revive(struct ri_proc *pr, struct ri_thread *t)
{
	if (pr->exited) {
		pr->exited = false;
		pr->gone_ticks = 0;
	}
	if (t->exited) {
		t->exited = false;
		t->gone_ticks = 0;
		ri_fig_reset(&t->fig);
	}
}

/*
 * The first figures of a whole process: all of its counters belong to
 * this interval if it was born since the last drain, none otherwise (an
 * older process first seen: start counting now), as for a thread.
 */
static void prime(struct ri_model *m, struct ri_thread *t,
		  const struct ri_counters *now)
{
	struct ri_model_priv *p = m->priv;

	if (t->primed)
		return;
	t->primed = true;
	if (p->primed && t->start_ns >= p->baseline_ns)
		memset(&t->total, 0, sizeof(t->total));
	else
		t->total = *now;
}

static void fold_exit(struct ri_model *m, const struct ri_drain *d,
		      const struct ri_task *r)
{
	struct ri_proc *pr = ri_proc_get(m, r);
	struct ri_thread *t = pr ? whole_node(m, pr) : NULL;
	double when = ri_exit_time(d, r);

	if (!t)
		return;
	revive(pr, t);
	{
		struct ri_counters c;

		ri_counters_get(&c, r);
		ri_counters_add(&pr->dead, &c);
	}
	pr->exit_tick = m->tick;
	if (when > t->exit_time)
		t->exit_time = when;
	if (r->pid == r->tgid) {
		/* The leader's last name and place are the process's. */
		memcpy(t->comm, r->comm, RI_COMM_LEN);
		t->comm[RI_COMM_LEN - 1] = '\0';
		t->fig.cpu = r->cpu;
		t->fig.disk_na = r->flags & RI_F_NO_DISK;
		t->fig.net_na = r->flags & RI_F_NO_NET;
		t->fig.states_na = r->flags & RI_F_NO_STATES;
		t->fig.wait_na = r->flags & RI_F_NO_SCHED;
		t->fig.newer_na = r->flags & RI_F_OLD_REC;
	}
}

static void account_live(struct ri_model *m, const struct ri_task *r)
{
	struct ri_proc *pr = ri_proc_get(m, r);
	struct ri_thread *t = pr ? whole_node(m, pr) : NULL;
	struct ri_task sum;
	struct ri_counters now;

	if (!t)
		return;
	revive(pr, t);
	ri_counters_get(&now, r);
	ri_counters_add(&now, &pr->dead);
	sum = *r;
	ri_counters_put(&sum, &now);
	prime(m, t, &now);
	ri_thread_account(m, t, &sum);
	pr->nthreads = (int)r->nthreads;
}

void ri_perproc_account(struct ri_model *m, const struct ri_drain *d)
{
	size_t i;

	/* The drain read its exits first: fold them, then the live sums. */
	for (i = 0; i < d->exited.n; i++)
		fold_exit(m, d, &d->exited.v[i]);
	for (i = 0; i < d->live.n; i++)
		account_live(m, &d->live.v[i]);
}

static void reap(struct ri_model *m, struct ri_thread *t)
{
	struct ri_proc *pr = t->proc;
	struct ri_counters now;

	if (t->exited || t->seen_tick == m->tick)
		return;
	if (pr->exit_tick == m->tick) {
		/* Exits and no live thread: what its threads left is all. */
		now = pr->dead;
		prime(m, t, &now);
		ri_thread_account_counts(t, &now, 0);
	} else if (++t->missing <= m->opts.missing_grace) {
		return;
	} else {
		t->counted = true;
	}
	pr->nthreads = 0;
	ri_thread_mark_exited(m, t, t->exit_time > 0 ? t->exit_time : m->time);
}

void ri_perproc_reap(struct ri_model *m)
{
	struct ri_proc *pr;
	struct ri_thread *t;

	for (pr = m->priv->all; pr; pr = pr->all_next) {
		if (!pr->whole)
			continue;
		for (t = pr->threads; t; t = t->next)
			if (t->whole)
				reap(m, t);
	}
}
