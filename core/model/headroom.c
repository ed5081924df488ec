// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * How close each process is to what it can run out of (figures.h's
 * RI_RESOURCES), and when it gets there: its open descriptors against
 * RLIMIT_NOFILE, the tasks of its cgroup against pids.max (else the
 * machine's against threads-max), the memory of its cgroup against
 * memory.max or memory.high (else its RSS and swap against what the
 * machine has). The times to exhaustion come from the growth fit
 * (growth.c), the one that gives GROWTH, so a sawtooth that gives no
 * GROWTH gives no time either. And each cgroup's interval: throttled
 * share of its quota periods, OOM kills.
 *
 * Everything comes through the drain (ri_task's limit fields and
 * d->cgroups): a recording replays the same figures.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

static uint64_t cgv(const struct ri_cgroup *cg, int f)
{
	return *(const uint64_t *)((const char *)cg + ri_cg_fields[f].off);
}

static bool cg_has(const struct ri_cgroup *cg, int f)
{
	return cg->have & (1u << f);
}

/* The growth of a counter, 0 when it went back (a cgroup made anew). */
static uint64_t grew(const struct ri_cgroup *now, const struct ri_cgroup *was, int f)
{
	uint64_t a = cgv(now, f), b = cgv(was, f);

	return cg_has(now, f) && cg_has(was, f) && a > b ? a - b : 0;
}

static int cgroups_update(struct ri_model *m, const struct ri_drain *d, double dt)
{
	struct ri_model_priv *p = m->priv;
	const struct ri_cg_table *t = &d->cgroups;
	int err;

	m->cgroups_known = t->known;
	m->threads_max = t->threads_max;
	if (t->n > p->cgroups_cap) {
		struct ri_cgroup_fig *v = realloc(m->cgroups, t->n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->cgroups = v;
		p->cgroups_cap = t->n;
	}
	m->ncgroups = t->n;
	for (size_t i = 0; i < t->n; i++) {
		struct ri_cgroup_fig *f = &m->cgroups[i];
		const struct ri_cgroup *was = NULL;

		memset(f, 0, sizeof(*f));
		f->cg = t->v[i];
		if (i < p->pcg.n && p->pcg.v[i].key == f->cg.key)
			was = &p->pcg.v[i];
		else
			was = ri_cg_table_find(&p->pcg, f->cg.key);
		if (!was || !(dt > 0))
			continue;
		f->primed = true;
		{
			uint64_t periods = grew(&f->cg, was, RI_CGF_nr_periods);
			uint64_t thr = grew(&f->cg, was, RI_CGF_nr_throttled);

			f->throttled_pct = periods ? 100.0 * (double)thr / (double)periods : 0;
		}
		f->throttled_s = (double)grew(&f->cg, was, RI_CGF_throttled_ns) * 1e-9;
		f->oom_kills = grew(&f->cg, was, RI_CGF_ev_oom_kill);
		f->max_events = grew(&f->cg, was, RI_CGF_ev_max);
		{
			static const int psi[3] = { RI_CGF_psi_cpu_some_us, RI_CGF_psi_mem_some_us,
						    RI_CGF_psi_io_some_us };

			for (int k = 0; k < 3; k++) {
				f->psi_known[k] = cg_has(&f->cg, psi[k]) && cg_has(was, psi[k]);
				f->psi_pct[k] = (double)grew(&f->cg, was, psi[k]) * 1e-4 / dt;
			}
		}
	}
	if ((err = ri_cg_table_copy(&p->pcg, t)))
		return err;
	return 0;
}

static void room_set(struct ri_room *r, uint64_t used, uint64_t limit, bool own,
		     const struct ri_growth *trend)
{
	memset(r, 0, sizeof(*r));
	r->eta_s = -1;
	if (!limit || limit == RI_CG_NONE)
		return;
	r->known = true;
	r->own = own;
	r->used = used;
	r->limit = limit;
	r->pct = 100.0 * (double)used / (double)limit;
	r->trend = *trend;
	if (trend->growing)
		r->eta_s = used >= limit ? 0 : (double)(limit - used) / trend->bps;
}

static long find_cg(const struct ri_model *m, uint64_t key)
{
	for (size_t i = 0; i < m->ncgroups; i++)
		if (m->cgroups[i].cg.key == key)
			return (long)i;
	return -1;
}

const struct ri_cgroup_fig *ri_model_cgroup(const struct ri_model *m, uint64_t id)
{
	long i = id ? find_cg(m, id) : -1;

	return i >= 0 ? &m->cgroups[i] : NULL;
}

int ri_cgroup_scarce(const struct ri_cgroup *cg, double *pct)
{
	uint64_t lim = RI_CG_NONE;
	int r = -1;

	*pct = 0;
	if (cg_has(cg, RI_CGF_mem_max))
		lim = cg->mem_max;
	if (cg_has(cg, RI_CGF_mem_high) && cg->mem_high < lim)
		lim = cg->mem_high;
	if (lim != RI_CG_NONE && lim && cg_has(cg, RI_CGF_mem_usage)) {
		*pct = 100.0 * (double)cg->mem_usage / (double)lim;
		r = RI_R_MEM;
	}
	if (cg_has(cg, RI_CGF_pids_max) && cg->pids_max != RI_CG_NONE && cg->pids_max &&
	    cg_has(cg, RI_CGF_pids_current)) {
		double p = 100.0 * (double)cg->pids_current / (double)cg->pids_max;

		if (r < 0 || p > *pct) {
			*pct = p;
			r = RI_R_THREADS;
		}
	}
	return r;
}

const struct ri_cgroup_fig *ri_proc_cgroup(const struct ri_model *m,
					   const struct ri_proc *p)
{
	return p->cgi >= 0 && (size_t)p->cgi < m->ncgroups ? &m->cgroups[p->cgi] : NULL;
}

static void proc_rooms(struct ri_model *m, struct ri_proc *pr, double dt, double window)
{
	const struct ri_cgroup_fig *cf;
	const struct ri_cgroup *cg;
	struct ri_growth tfd, tthr;
	uint64_t lim, used, mem = pr->fig.rss_bytes + pr->swap_bytes;
	int r;

	pr->scarce = pr->soonest = -1;
	pr->cgi = pr->cg_key ? find_cg(m, pr->cg_key) : -1;
	cf = ri_proc_cgroup(m, pr);
	cg = cf ? &cf->cg : NULL;
	if (!pr->counts) {
		size_t cap = m->opts.hist_len ? m->opts.hist_len : RI_HIST_LEN;

		pr->counts = ri_counts_hist_new(cap);
	}
	if (pr->counts && dt > 0)
		ri_counts_hist_push(pr->counts,
				    (uint32_t[RI_CS_COUNT]){
					    [RI_CS_FDS] = (uint32_t)pr->nfds,
					    [RI_CS_THREADS] = (uint32_t)pr->nthreads });
	ri_growth_fit_counts(pr->counts, RI_CS_FDS, window, dt, &tfd);
	ri_growth_fit_counts(pr->counts, RI_CS_THREADS, window, dt, &tthr);

	room_set(&pr->room[RI_R_FD], pr->nfds, pr->fd_limit, true, &tfd);

	if (cg && cg_has(cg, RI_CGF_pids_max) && cgv(cg, RI_CGF_pids_max) != RI_CG_NONE)
		room_set(&pr->room[RI_R_THREADS],
			 cg_has(cg, RI_CGF_pids_current) ? cg->pids_current :
							   (uint64_t)pr->nthreads,
			 cg->pids_max, true, &tthr);
	else if (m->threads_max && m->machine.tasks_known)
		room_set(&pr->room[RI_R_THREADS],
			 (uint64_t)m->machine.nr_threads + m->machine.nr_kthreads,
			 m->threads_max, false, &tthr);
	else
		room_set(&pr->room[RI_R_THREADS], 0, 0, false, &tthr);

	/* The lower of the hard limit and the throttling one is the wall. */
	lim = RI_CG_NONE;
	if (cg && cg_has(cg, RI_CGF_mem_max))
		lim = cg->mem_max;
	if (cg && cg_has(cg, RI_CGF_mem_high) && cg->mem_high < lim)
		lim = cg->mem_high;
	if (lim != RI_CG_NONE) {
		/* What the OOM killer weighs is the cgroup's charge, not one RSS. */
		used = cg_has(cg, RI_CGF_mem_usage) ? cg->mem_usage : mem;
		room_set(&pr->room[RI_R_MEM], used, lim, true, &pr->growth);
	} else {
		room_set(&pr->room[RI_R_MEM], mem,
			 m->machine.mem_available ? mem + m->machine.mem_available : 0, false,
			 &pr->growth);
	}

	/* Its cgroup's interval, for the alerts that read a process. */
	pr->throttle_known = cf && cf->primed && cg_has(cg, RI_CGF_nr_periods);
	pr->throttled_pct = pr->throttle_known ? cf->throttled_pct : 0;
	pr->oom_known = cf && cf->primed && cg_has(cg, RI_CGF_ev_oom_kill);
	pr->oom_kills = pr->oom_known ? cf->oom_kills : 0;

	for (r = 0; r < RI_R_COUNT; r++) {
		const struct ri_room *o = &pr->room[r];

		if (!o->known)
			continue;
		if (pr->scarce < 0 || o->pct > pr->room[pr->scarce].pct)
			pr->scarce = r;
		if (o->eta_s >= 0 &&
		    (pr->soonest < 0 || o->eta_s < pr->room[pr->soonest].eta_s))
			pr->soonest = r;
	}
}

/*
 * The OOM kills of the cgroup a process was last seen in, when it has
 * no limits of its own any more: it exited, or its files went as it
 * died. Its cgroup is read once more after its last process went
 * (limits_read.c), so a process killed alone in it still shows the kill.
 */
static void proc_cg_events(struct ri_model *m, struct ri_proc *pr)
{
	const struct ri_cgroup_fig *cf;

	pr->cgi = pr->cg_key ? find_cg(m, pr->cg_key) : -1;
	cf = ri_proc_cgroup(m, pr);
	pr->throttle_known = false;
	pr->oom_known = cf && cf->primed && cg_has(&cf->cg, RI_CGF_ev_oom_kill);
	pr->oom_kills = pr->oom_known ? cf->oom_kills : 0;
}

int ri_headroom_update(struct ri_model *m, const struct ri_drain *d, double dt)
{
	double window = m->opts.growth_window_s > 0 ? m->opts.growth_window_s :
						      RI_GROWTH_WINDOW_S;
	struct ri_proc *pr;
	int err;

	if ((err = cgroups_update(m, d, dt)))
		return err;
	for (pr = m->priv->all; pr; pr = pr->all_next) {
		if (pr->exited) {
			/* Figures kept; its cgroup only while it is read again. */
			proc_cg_events(m, pr);
			continue;
		}
		pr->view_cgroup = 0;
		if (!pr->lim_known || pr->kthread) {
			memset(pr->room, 0, sizeof(pr->room));
			pr->scarce = pr->soonest = -1;
			proc_cg_events(m, pr);
			continue;
		}
		proc_rooms(m, pr, dt, window);
		/*
		 * Listed under the cgroup its limits come from, so the cgroup
		 * view's row has them: on a hybrid host the v1 one (its v2 one
		 * is the root, where every process would be), on v2 the same
		 * cgroup its v2 id names.
		 */
		{
			const struct ri_cgroup_fig *cf = ri_proc_cgroup(m, pr);

			if (cf && strcmp(cf->cg.path, "/"))
				pr->view_cgroup = pr->cg_key;
		}
	}
	return 0;
}
