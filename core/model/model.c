// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The model's lifetime and its one entry per tick: a drain in, figures
 * for every task, every process and the machine out, and the list of
 * processes to show. The work itself is in tick.c (tasks) and machine.c
 * (the machine); this file orders it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

struct ri_model *ri_model_new(const struct ri_model_opts *o)
{
	struct ri_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->priv = calloc(1, sizeof(*m->priv));
	if (!m->priv) {
		free(m);
		return NULL;
	}
	if (o)
		m->opts = *o;
	/* Until the first drain says otherwise; never divide by zero. */
	m->page_size = 4096;
	m->mem_total = 1;
	return m;
}

void ri_model_free(struct ri_model *m)
{
	struct ri_model_priv *p;

	if (!m)
		return;
	p = m->priv;
	ri_pool_free(p);
	ri_pidtab_free(&p->threads);
	ri_pidtab_free(&p->procs);
	ri_machine_free(m);
	free(p->pcg.v);
	free(m->cgroups);
	ri_site_table_free(&m->sites);
	free(m->procs);
	free(m->choice_pids);
	free(m->choice_starts);
	free(m->choice_names);
	free(p);
	free(m);
}

struct ri_proc *ri_model_find_proc(const struct ri_model *m, pid_t pid)
{
	return ri_pidtab_get(&m->priv->procs, (uint32_t)pid);
}

struct ri_thread *ri_model_find_thread(const struct ri_model *m, pid_t tid)
{
	return ri_pidtab_get(&m->priv->threads, (uint32_t)tid);
}

/* The processes to show, and the header's totals of what is tracked. */
static int build_view(struct ri_model *m)
{
	struct ri_model_priv *p = m->priv;
	struct ri_proc *pr;
	size_t n = 0, all = 0;

	for (pr = p->all; pr; pr = pr->all_next)
		all++;
	if (all > p->procs_cap) {
		size_t cap = all * 2;
		struct ri_proc **v = realloc(m->procs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->procs = v;
		p->procs_cap = cap;
	}
	memset(&m->totals, 0, sizeof(m->totals));
	for (pr = p->all; pr; pr = pr->all_next) {
		if (!pr->exited) {
			m->totals.nprocs++;
			m->totals.ntasks += (size_t)pr->nthreads;
		}
		if (!pr->exited || pr->gone_ticks == 0)
			m->totals.tracked_cpu_pct += pr->fig.cpu_pct;
		pr->chosen = ri_choice_takes(m, pr);
		/* A whole process's extra tick (perproc.c) is out of sight. */
		if (pr->chosen && !(pr->whole && pr->exited &&
				    pr->gone_ticks > m->opts.linger_ticks))
			m->procs[n++] = pr;
	}
	m->nprocs = n;
	m->totals.cpu_pct = m->machine.all.busy * m->machine.ncpu;
	m->totals.mem_total = m->machine.mem_total;
	m->totals.mem_used = m->machine.mem_used;
	return 0;
}

int ri_model_choose(struct ri_model *m, const pid_t *pids, size_t npids,
		    const char (*names)[RI_COMM_LEN], size_t nnames)
{
	int err = ri_choice_set(m, pids, npids, names, nnames);

	/*
	 * The view holds the new choice at once: the table is rebuilt from
	 * it before the next refresh, which may be seconds away on a busy
	 * machine, and would show until then processes no longer chosen.
	 */
	return err ? err : build_view(m);
}

int ri_model_update(struct ri_model *m, const struct ri_drain *d)
{
	struct ri_model_priv *p = m->priv;
	double dt = p->primed && d->clock_ns > m->clock_ns ?
			    (double)(d->clock_ns - m->clock_ns) * 1e-9 :
			    0.0;
	int err;

	m->tick++;
	m->time = d->unix_time;
	m->interval_s = dt;
	if (d->machine.page_size)
		m->page_size = d->machine.page_size;
	if (d->machine.mem_total)
		m->mem_total = d->machine.mem_total;
	if (d->machine.ncpu)
		m->ncpu = (int)d->machine.ncpu;

	ri_tick_begin(m);
	if (d->per_process)
		ri_perproc_account(m, d);
	else
		ri_tick_account(m, d);
	ri_tick_reap(m);
	ri_perproc_reap(m);
	ri_tick_finish(m, dt);

	m->dropped_delta = p->primed && d->dropped > m->dropped ?
				   d->dropped - m->dropped : 0;
	m->dropped = d->dropped;
	m->events_ps = dt > 0 && d->events > p->events ?
			       (double)(d->events - p->events) / dt : 0;
	p->events = d->events;
	if (!p->primed) {
		p->primed = true;
		p->baseline_ns = d->clock_ns;
	}
	m->clock_ns = d->clock_ns;
	if ((err = ri_machine_update(m, &d->machine, dt)) ||
	    (err = ri_headroom_update(m, d, dt)) ||
	    (err = ri_site_table_copy(&m->sites, &d->sites)))
		return err;
	ri_site_table_sort(&m->sites); /* a recording's order is not trusted */
	return build_view(m);
}
