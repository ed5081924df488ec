// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One tick of the tasks: cumulative snapshots in, per-interval figures out.
 *
 * Each drained snapshot is matched to its thread by pid and start time;
 * the difference with the previous snapshot is that thread's share of the
 * interval. A thread that exited brings its final snapshot, so its last
 * slice counts too. Processes sum their threads; a task missing from the
 * live set without an exit snapshot is taken for exited after a grace.
 */
#include <string.h>

#include "model_priv.h"

void ri_proc_unlink(struct ri_model_priv *p, struct ri_proc *pr)
{
	if (pr->all_prev)
		pr->all_prev->all_next = pr->all_next;
	else
		p->all = pr->all_next;
	if (pr->all_next)
		pr->all_next->all_prev = pr->all_prev;
}

/*
 * A process whose PID was taken over in this very interval is out of the
 * table already; a late snapshot of it must still find it.
 */
static struct ri_proc *find_displaced_proc(struct ri_model *m, pid_t pid,
					   uint64_t start)
{
	struct ri_proc *pr;

	for (pr = m->priv->all; pr; pr = pr->all_next)
		if (pr->pid == pid && pr->start_ns == start && !pr->in_table)
			return pr;
	return NULL;
}

static struct ri_proc *proc_new(struct ri_model *m, const struct ri_task *r,
				bool in_table)
{
	struct ri_model_priv *p = m->priv;
	struct ri_proc *pr = ri_pool_proc(p);

	if (!pr)
		return NULL;
	pr->pid = (pid_t)r->tgid;
	pr->start_ns = r->pstart_ns;
	pr->uid = r->uid;
	pr->ppid = (pid_t)r->ppid;
	pr->kthread = r->flags & RI_F_KTHREAD;
	pr->cgroup_id = r->cgroup_id;
	memcpy(pr->comm, r->comm, RI_COMM_LEN);
	pr->comm[RI_COMM_LEN - 1] = '\0';
	if (!pr->hist)
		pr->hist = ri_hist_new(m->opts.hist_len ? m->opts.hist_len : RI_HIST_LEN,
				       m->opts.hist_metrics ? m->opts.hist_metrics :
							      RI_HIST_ALL | RI_HIST_STATES,
				       false);
	if (in_table) {
		if (ri_pidtab_put(&p->procs, r->tgid, pr)) {
			ri_pool_put_proc(p, pr);
			return NULL;
		}
		pr->in_table = true;
	}
	pr->all_next = p->all;
	if (p->all)
		p->all->all_prev = pr;
	p->all = pr;
	pr->chosen = ri_choice_takes(m, pr);
	return pr;
}

struct ri_proc *ri_proc_get(struct ri_model *m, const struct ri_task *r)
{
	struct ri_model_priv *p = m->priv;
	struct ri_proc *pr = ri_pidtab_get(&p->procs, r->tgid);

	if (pr && pr->start_ns == r->pstart_ns)
		return pr;
	if (pr && r->pstart_ns < pr->start_ns) {
		/* An older process's snapshot: it must not displace the new. */
		struct ri_proc *old = find_displaced_proc(m, (pid_t)r->tgid,
							  r->pstart_ns);

		return old ? old : proc_new(m, r, false);
	}
	if (pr) {
		/* The PID now names another process: the old one is gone. */
		ri_pidtab_del(&p->procs, r->tgid);
		pr->in_table = false;
	}
	return proc_new(m, r, true);
}

void ri_thread_mark_exited(struct ri_model *m, struct ri_thread *t, double when)
{
	struct ri_model_priv *p = m->priv;

	if (t->exited)
		return;
	t->exited = true;
	t->exit_time = when;
	t->gone_ticks = 0;
	if (t->in_table) {
		ri_pidtab_del(&p->threads, (uint32_t)t->tid);
		t->in_table = false;
	}
	if (t->proc->nthreads > 0)
		t->proc->nthreads--;
}

static struct ri_thread *find_displaced_thread(struct ri_proc *pr,
					      const struct ri_task *r)
{
	struct ri_thread *t;

	for (t = pr->threads; t; t = t->next)
		if (t->tid == (pid_t)r->pid && t->start_ns == r->start_ns)
			return t;
	return NULL;
}

/*
 * A thread's ring, when thread rows are drawn: the width of a sparkline,
 * of 8-bit samples (a sparkline has 8 levels; only processes have the
 * detail panel's tall graphs and their figures), each metric stored from
 * its first sample other than 0 on (most threads store their RSS alone).
 */
static void thread_ring(struct ri_model *m, struct ri_thread *t)
{
	size_t n = m->opts.thread_hist_len ? m->opts.thread_hist_len :
		   m->opts.hist_len	   ? m->opts.hist_len :
					     RI_HIST_LEN;

	if (m->opts.thread_history && !t->hist)
		t->hist = ri_hist_new_sparse(n);
}

static struct ri_thread *thread_new(struct ri_model *m, const struct ri_task *r,
				    bool in_table)
{
	struct ri_model_priv *p = m->priv;
	struct ri_proc *pr = ri_proc_get(m, r);
	struct ri_thread *t;

	if (!pr)
		return NULL;
	/* Only an older snapshot can belong to a thread out of the table. */
	if (!in_table && (t = find_displaced_thread(pr, r)))
		return t;
	t = ri_pool_thread(p);
	if (!t)
		return NULL;
	t->tid = (pid_t)r->pid;
	t->start_ns = r->start_ns;
	t->proc = pr;
	thread_ring(m, t);
	t->next = pr->threads;
	if (pr->threads)
		pr->threads->prev = t;
	pr->threads = t;
	pr->nthreads++;
	if (in_table && ri_pidtab_put(&p->threads, r->pid, t) == 0)
		t->in_table = true;
	/*
	 * Born since the last drain (or since the tool started): all of its
	 * counters belong to this interval. Otherwise this is the first
	 * sight of an older task: start counting now.
	 */
	if (p->primed && r->start_ns >= p->baseline_ns)
		memset(&t->total, 0, sizeof(t->total));
	else
		ri_counters_get(&t->total, r);
	t->last_rss_pages = r->rss_pages;
	return t;
}

static struct ri_thread *thread_get(struct ri_model *m, const struct ri_task *r)
{
	struct ri_thread *t = ri_pidtab_get(&m->priv->threads, r->pid);

	if (t && t->start_ns == r->start_ns && t->proc->pid == (pid_t)r->tgid)
		return t;
	/*
	 * The exit snapshot of a task whose PID a newer task took in the same
	 * interval: account it to the old task, leave the new one alone.
	 */
	if (t && r->start_ns < t->start_ns)
		return thread_new(m, r, false);
	if (t)
		ri_thread_mark_exited(m, t, m->time);
	return thread_new(m, r, true);
}

static uint64_t delta(uint64_t *last, uint64_t now)
{
	uint64_t d = 0;

	/*
	 * Counters only grow; a smaller value means our previous reading
	 * ran ahead (a running task's estimate): wait until it catches up.
	 */
	if (now > *last) {
		d = now - *last;
		*last = now;
	}
	return d;
}

void ri_thread_account_counts(struct ri_thread *t, const struct ri_counters *now,
			      uint64_t rss_pages)
{
	struct ri_fig *f = &t->fig;

	for (int i = 0; i < RI_C_COUNT; i++)
		f->n[i] += delta(&t->total.v[i], now->v[i]);
	f->cpu_total_ns = t->total.v[RI_C_CPU];
	t->last_rss_pages = rss_pages;
	t->counted = true;
}

void ri_thread_account(struct ri_model *m, struct ri_thread *t,
		       const struct ri_task *r)
{
	struct ri_fig *f = &t->fig;
	struct ri_counters now;

	ri_counters_get(&now, r);
	ri_thread_account_counts(t, &now, r->rss_pages);
	/*
	 * No run-queue accounting: the field is not in this kernel, or it is
	 * but nothing fills it (5.10 with delay accounting and schedstats
	 * off). A task that has been switched out was switched in first, so
	 * switches without a single pcount say so: n/a, never a fake 0.
	 */
	f->wait_na = (r->flags & RI_F_NO_SCHED) || (!r->pcount && (r->nvcsw || r->nivcsw));
	f->cpu = r->cpu;
	f->disk_na = r->flags & RI_F_NO_DISK;
	f->net_na = r->flags & RI_F_NO_NET;
	f->states_na = r->flags & RI_F_NO_STATES;
	f->newer_na = r->flags & RI_F_OLD_REC;
	t->state = (char)r->state;
	t->nice = r->nice;
	t->wait_state = r->wait_state <= RI_NSTATES ? (uint8_t)r->wait_state : 0;
	t->lock_holder = t->wait_state == RI_ST_LOCK + 1 ? (pid_t)r->lock_holder : 0;
	if (r->pid == r->tgid) {
		/* Only the leader's snapshot carries the process's own fields. */
		struct ri_proc *pr = t->proc;

		pr->uid = r->uid;
		pr->ppid = (pid_t)r->ppid;
		pr->state = (char)r->state;
		pr->nice = r->nice;
		pr->vm_bytes = r->vm_pages * (uint64_t)m->page_size;
		if (r->cgroup_id)
			pr->cgroup_id = r->cgroup_id;
		/* A fake or old source leaves fd_limit 0: nothing read. */
		pr->lim_known = !(r->flags & RI_F_NO_LIMITS) && r->fd_limit;
		pr->nfds = r->nfds;
		pr->fd_limit = r->fd_limit;
		pr->swap_bytes = r->swap_bytes;
		/*
		 * An exit record, or a dying process whose files are gone,
		 * brings no cgroup: the one it was in stays known for a tick,
		 * to report the OOM kill that ended it (headroom.c).
		 */
		if (r->cg_key || !(r->flags & RI_F_NO_LIMITS || !r->fd_limit))
			pr->cg_key = r->cg_key;
		pr->nspid = r->nspid;
	}
	memcpy(t->comm, r->comm, RI_COMM_LEN);
	t->comm[RI_COMM_LEN - 1] = '\0';
	t->seen_tick = m->tick;
	t->missing = 0;
}

static void fig_rates(struct ri_fig *f, double dt, uint64_t mem_total)
{
	double inv = dt > 0 ? 1.0 / dt : 0.0;

	for (int i = 0; i < RI_C_COUNT; i++)
		f->rate[i] = (double)f->n[i] * inv *
			     (ri_counters[i].flags & RI_FF_TIME ? 1e-9 * 100.0 : 1.0);
	f->cpu_pct = f->rate[RI_C_CPU] * 1e-9 * 100.0;
	f->csw_ps = f->rate[RI_C_VCSW] + f->rate[RI_C_IVCSW];
	f->wait_pct = f->rate[RI_C_RUN_DELAY] * 1e-9 * 100.0;
	f->wait_avg_ns = f->n[RI_C_PCOUNT] ?
				 (double)f->n[RI_C_RUN_DELAY] / (double)f->n[RI_C_PCOUNT] :
				 0.0;
	f->mem_pct = (double)f->rss_bytes * 100.0 / (double)mem_total;
}

/* The metrics of a history sample of @f. */
static void hist_values(const struct ri_fig *f, double v[RI_M_COUNT])
{
	v[RI_M_CPU] = f->cpu_pct;
	v[RI_M_MEM] = (double)f->rss_bytes;
	v[RI_M_READ] = f->rate[RI_C_READ];
	v[RI_M_WRITE] = f->rate[RI_C_WRITE];
	v[RI_M_NET_RX] = ri_fig_na(f, RI_C_NET_RX) ? 0 : f->rate[RI_C_NET_RX];
	v[RI_M_NET_TX] = ri_fig_na(f, RI_C_NET_TX) ? 0 : f->rate[RI_C_NET_TX];
}

/* One sample of @f's figures into @h (also the rows' group histories). */
void ri_hist_sample(struct ri_hist *h, const struct ri_fig *f)
{
	double v[RI_M_COUNT], st[RI_HIST_NSTATES];

	hist_values(f, v);
	_Static_assert(RI_HIST_NSTATES == RI_NSTATES + 2, "CPU, RUNQ and the states");
	if (!ri_hist_has_states(h) || ri_fig_na(f, RI_C_ST_DISK)) {
		ri_hist_push(h, v);
		return;
	}
	/* Where the time went, in the order of the STATES bar. */
	st[0] = f->cpu_pct;
	st[1] = f->wait_na ? 0 : f->wait_pct;
	for (int c = 0, i = 2; c < RI_C_COUNT && i < RI_HIST_NSTATES; c++)
		if (ri_counters[c].flags & RI_FF_TIME)
			st[i++] = f->rate[c] > 0 ? f->rate[c] : 0;
	ri_hist_push_states(h, v, st);
}

static void thread_drop(struct ri_model *m, struct ri_thread *t)
{
	struct ri_proc *pr = t->proc;

	pr->cpu_total_base += t->total.v[RI_C_CPU];
	if (t->prev)
		t->prev->next = t->next;
	else
		pr->threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
	if (t->in_table)
		ri_pidtab_del(&m->priv->threads, (uint32_t)t->tid);
	ri_pool_put_thread(m->priv, t);
}

static void proc_drop(struct ri_model *m, struct ri_proc *pr)
{
	while (pr->threads)
		thread_drop(m, pr->threads);
	if (pr->in_table)
		ri_pidtab_del(&m->priv->procs, (uint32_t)pr->pid);
	ri_proc_unlink(m->priv, pr);
	ri_pool_put_proc(m->priv, pr);
}

void ri_fig_reset(struct ri_fig *f)
{
	uint64_t total = f->cpu_total_ns;
	int cpu = f->cpu;
	bool na = f->disk_na, nna = f->net_na, sna = f->states_na, wna = f->wait_na,
	     v2na = f->newer_na;

	memset(f, 0, sizeof(*f));
	f->cpu_total_ns = total;
	f->cpu = cpu;
	f->disk_na = na;
	f->net_na = nna;
	f->states_na = sna;
	f->wait_na = wna;
	f->newer_na = v2na;
}

/* Start of a tick: last interval's figures go, lingering exits age. */
void ri_tick_begin(struct ri_model *m)
{
	struct ri_proc *pr, *pn;
	struct ri_thread *t, *tn;
	int linger = m->opts.linger_ticks;

	for (pr = m->priv->all; pr; pr = pn) {
		pn = pr->all_next;
		for (t = pr->threads; t; t = tn) {
			tn = t->next;
			t->counted = false;
			/*
			 * A whole process's node stays a tick longer, hidden,
			 * for an exit of one of its threads read late.
			 */
			if (t->exited && ++t->gone_ticks > linger + t->whole) {
				thread_drop(m, t);
				continue;
			}
			if (!t->exited)
				ri_fig_reset(&t->fig);
		}
		if (pr->exited && ++pr->gone_ticks > linger + pr->whole &&
		    !(m->opts.keep_chosen && ri_model_has_choice(m) && pr->chosen))
			proc_drop(m, pr);
	}
}

/*
 * Threads missing from the live set with no exit snapshot. A node that
 * stands for a whole process is perproc.c's to end.
 */
void ri_tick_reap(struct ri_model *m)
{
	struct ri_proc *pr;
	struct ri_thread *t;

	for (pr = m->priv->all; pr; pr = pr->all_next)
		for (t = pr->threads; t; t = t->next)
			if (!t->whole && !t->exited && t->seen_tick != m->tick &&
			    ++t->missing > m->opts.missing_grace) {
				ri_thread_mark_exited(m, t, m->time);
				t->counted = true;
			}
}

/*
 * The wait-for graph of @pr's threads: each thread in LOCK points at the
 * thread that holds its lock. A thread whose chain comes back to itself
 * is in a cycle, a deadlock: nothing it waits for can ever be released.
 * Chains are followed for at most 64 steps, through the model's TID table.
 */
static void wait_for_graph(struct ri_model *m, struct ri_proc *pr)
{
	struct ri_thread *t, *u;

	pr->deadlocked = 0;
	pr->hung_s = 0;
	for (t = pr->threads; t; t = t->next) {
		t->deadlocked = false;
		if (t->exited)
			continue;
		/* Uninterruptible at this snapshot, and no CPU since the last. */
		if (t->counted && (t->wait_state == RI_ST_BLOCKED + 1 ||
				   t->wait_state == RI_ST_DISK + 1) && !t->fig.n[RI_C_CPU]) {
			if (!t->stuck_since)
				t->stuck_since = m->time;
		} else if (t->counted) {
			t->stuck_since = 0;
		}
		if (t->stuck_since && m->time - t->stuck_since > pr->hung_s)
			pr->hung_s = m->time - t->stuck_since;
	}
	for (t = pr->threads; t; t = t->next) {
		if (t->exited || t->wait_state != RI_ST_LOCK + 1 || !t->lock_holder)
			continue;
		u = t;
		for (int step = 0; step < 64 && u; step++) {
			u = ri_pidtab_get(&m->priv->threads, (uint32_t)u->lock_holder);
			if (!u || u->proc != pr || u->exited || u->wait_state != RI_ST_LOCK + 1 ||
			    !u->lock_holder)
				break;
			if (u == t) {
				t->deadlocked = true;
				pr->deadlocked++;
				break;
			}
		}
	}
}

static void proc_finish(struct ri_model *m, struct ri_proc *pr, double dt)
{
	struct ri_fig *f = &pr->fig;
	struct ri_thread *t, *leader = NULL;
	uint64_t total = pr->cpu_total_base, rss = 0;
	bool any = false, alive = false;

	if (pr->exited)
		return; /* lingering: keeps the figures of its exit tick */
	memset(f, 0, sizeof(*f));
	for (t = pr->threads; t; t = t->next) {
		total += t->total.v[RI_C_CPU];
		if (!t->exited) {
			/* Missing for a tick or two still counts as alive. */
			alive = true;
			/* Threads share one mm: take it once, leader first. */
			if (!leader || t->tid == pr->pid) {
				leader = t;
				rss = t->last_rss_pages;
			}
		}
		if (!t->counted)
			continue;
		any = true;
		for (int i = 0; i < RI_C_COUNT; i++)
			f->n[i] += t->fig.n[i];
		f->disk_na |= t->fig.disk_na;
		f->net_na |= t->fig.net_na;
		f->states_na |= t->fig.states_na;
		f->wait_na |= t->fig.wait_na;
		f->newer_na |= t->fig.newer_na;
	}
	f->cpu_total_ns = total;
	f->rss_bytes = rss * (uint64_t)m->page_size;
	if (leader)
		f->cpu = leader->fig.cpu;
	/* The process is called what its leader was last called, even at exit. */
	for (t = pr->threads; t; t = t->next) {
		if (t->tid == pr->pid && t->counted) {
			memcpy(pr->comm, t->comm, RI_COMM_LEN);
			break;
		}
	}
	fig_rates(f, dt, m->mem_total);
	wait_for_graph(m, pr);
	for (t = pr->threads; t; t = t->next) {
		if (!t->counted)
			continue;
		t->fig.rss_bytes = f->rss_bytes;
		fig_rates(&t->fig, dt, m->mem_total);
		if (dt > 0 && t->hist) {
			double v[RI_M_COUNT];

			hist_values(&t->fig, v);
			ri_hist_push_grow(&t->hist, v);
		}
	}
	if (dt > 0 && (any || alive)) {
		ri_hist_sample(pr->hist, f);
		pr->rss_still = ri_hist_len(pr->hist) > 1 && f->rss_bytes == pr->last_rss ?
					pr->rss_still + 1 : 1;
		pr->last_rss = f->rss_bytes;
		/*
		 * The RSS of an exit tick is 0 (the mm is gone): no trend of the
		 * process's life ends in a plunge. It keeps the one it had.
		 */
		if (alive)
			ri_growth_update(pr->hist, pr->rss_still,
					 m->opts.growth_window_s > 0 ?
						 m->opts.growth_window_s :
						 RI_GROWTH_WINDOW_S,
					 dt, &pr->growth);
	}
	if (!alive && pr->threads) {
		pr->exited = true;
		pr->gone_ticks = 0;
		pr->exit_time = 0;
		for (t = pr->threads; t; t = t->next)
			if (t->exit_time > pr->exit_time)
				pr->exit_time = t->exit_time;
		/*
		 * A whole process stays findable while it lingers: a late exit
		 * of one of its threads must find it, not make a new one.
		 */
		if (pr->in_table && !pr->whole) {
			ri_pidtab_del(&m->priv->procs, (uint32_t)pr->pid);
			pr->in_table = false;
		}
	}
}

double ri_exit_time(const struct ri_drain *d, const struct ri_task *r)
{
	return d->unix_time -
	       (double)(d->clock_ns > r->exit_ns ? d->clock_ns - r->exit_ns : 0) * 1e-9;
}

void ri_tick_account(struct ri_model *m, const struct ri_drain *d)
{
	const struct ri_taskbuf *live = &d->live, *exited = &d->exited;
	struct ri_thread *t;
	size_t i;

	for (i = 0; i < live->n; i++) {
		t = thread_get(m, &live->v[i]);
		if (t)
			ri_thread_account(m, t, &live->v[i]);
	}
	for (i = 0; i < exited->n; i++) {
		const struct ri_task *r = &exited->v[i];

		t = thread_get(m, r);
		if (!t)
			continue;
		ri_thread_account(m, t, r);
		t->last_rss_pages = 0;
		ri_thread_mark_exited(m, t, ri_exit_time(d, r));
	}
}

void ri_tick_finish(struct ri_model *m, double dt)
{
	struct ri_proc *pr;

	for (pr = m->priv->all; pr; pr = pr->all_next)
		proc_finish(m, pr, dt);
}
