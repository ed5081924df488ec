// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The model: cumulative snapshots in, per-interval figures and history out.
 *
 * Each tick, every drained snapshot is matched to its thread by pid and
 * start time; the difference with the previous snapshot is that thread's
 * share of the interval. A thread that exited brings its final snapshot,
 * so its last slice counts too. Processes sum their threads.
 *
 * Threads and processes come from pools that keep freed nodes, so a steady
 * state allocates nothing; lookups are open-addressing tables keyed by pid.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

/* Freed nodes kept for reuse; past this, storms give memory back. */
#define POOL_KEEP 4096

/* pid -> node, linear probing with backward-shift deletion. */
struct ptab {
	uint32_t *keys;
	void **vals;
	size_t cap, n; /* cap is a power of two; key 0 = empty (pid 0 is idle) */
};

struct ri_model_priv {
	struct ptab threads, procs;
	struct ri_thread *free_threads;
	struct ri_proc *free_procs;
	size_t nfree_threads, nfree_procs;
	struct ri_proc *all; /* every process node in use */
	size_t procs_cap;
	uint64_t baseline_ns; /* tasks born after this are counted from zero */
	uint64_t events;      /* cumulative events at the last update */
	uint64_t stat_busy, stat_total; /* /proc/stat at the last update */
	bool primed;
};

/* --- pid tables --------------------------------------------------------- */

static size_t ptab_slot(const struct ptab *t, uint32_t key)
{
	/* Fibonacci hashing: pids are dense, this spreads them. */
	return (size_t)((key * 2654435769u) >> 7) & (t->cap - 1);
}

static void *ptab_get(const struct ptab *t, uint32_t key)
{
	size_t i;

	if (!t->cap || !key)
		return NULL;
	for (i = ptab_slot(t, key); t->keys[i]; i = (i + 1) & (t->cap - 1))
		if (t->keys[i] == key)
			return t->vals[i];
	return NULL;
}

static int ptab_grow(struct ptab *t);

static int ptab_put(struct ptab *t, uint32_t key, void *val)
{
	size_t i;

	if (!key)
		return -EINVAL;
	if ((t->n + 1) * 2 > t->cap && ptab_grow(t))
		return -ENOMEM;
	for (i = ptab_slot(t, key); t->keys[i]; i = (i + 1) & (t->cap - 1)) {
		if (t->keys[i] == key) {
			t->vals[i] = val;
			return 0;
		}
	}
	t->keys[i] = key;
	t->vals[i] = val;
	t->n++;
	return 0;
}

static int ptab_grow(struct ptab *t)
{
	struct ptab n = { .cap = t->cap ? t->cap * 2 : 1024 };
	size_t i;

	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.vals = calloc(n.cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return -ENOMEM;
	}
	for (i = 0; i < t->cap; i++)
		if (t->keys[i])
			ptab_put(&n, t->keys[i], t->vals[i]);
	free(t->keys);
	free(t->vals);
	*t = n;
	return 0;
}

static void ptab_del(struct ptab *t, uint32_t key)
{
	size_t i, j, k, mask = t->cap - 1;

	if (!t->cap || !key)
		return;
	for (i = ptab_slot(t, key); t->keys[i]; i = (i + 1) & mask)
		if (t->keys[i] == key)
			break;
	if (!t->keys[i])
		return;
	/* Shift later members of the cluster back so probes stay unbroken. */
	for (j = (i + 1) & mask; t->keys[j]; j = (j + 1) & mask) {
		k = ptab_slot(t, t->keys[j]);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->keys[i] = t->keys[j];
			t->vals[i] = t->vals[j];
			i = j;
		}
	}
	t->keys[i] = 0;
	t->vals[i] = NULL;
	t->n--;
}

static void ptab_free(struct ptab *t)
{
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

/* --- history ------------------------------------------------------------ */

/*
 * 0 is zero; 1..65535 map log2(x) from -20 to +64 in steps of 1/780:
 * 0.05% relative precision from 1e-6 to 2^64.
 */
#define HIST_SCALE 780.0
#define HIST_BIAS 20.0

uint16_t ri_hist_encode(double x)
{
	double e;

	if (!(x > 0))
		return 0;
	e = (log2(x) + HIST_BIAS) * HIST_SCALE + 1.5;
	if (e < 1.0)
		return 1;
	return e >= 65535.0 ? 65535 : (uint16_t)e;
}

double ri_hist_decode(uint16_t e)
{
	return e ? exp2((e - 1) / HIST_SCALE - HIST_BIAS) : 0.0;
}

void ri_hist_push(struct ri_hist *h, const double v[RI_M_COUNT])
{
	int m;

	for (m = 0; m < RI_M_COUNT; m++)
		h->v[m][h->head] = ri_hist_encode(v[m]);
	h->head = (h->head + 1) % RI_HIST_LEN;
	if (h->len < RI_HIST_LEN)
		h->len++;
}

double ri_hist_get(const struct ri_hist *h, enum ri_metric m, size_t ago)
{
	size_t i;

	if (ago >= h->len || m >= RI_M_COUNT)
		return 0.0;
	i = (h->head + RI_HIST_LEN - 1 - ago) % RI_HIST_LEN;
	return ri_hist_decode(h->v[m][i]);
}

/* --- pools -------------------------------------------------------------- */

static struct ri_thread *thread_alloc(struct ri_model_priv *p)
{
	struct ri_thread *t = p->free_threads;

	if (t) {
		p->free_threads = t->next;
		p->nfree_threads--;
	} else {
		t = malloc(sizeof(*t));
		if (!t)
			return NULL;
	}
	memset(t, 0, sizeof(*t));
	return t;
}

static void thread_release(struct ri_model_priv *p, struct ri_thread *t)
{
	if (p->nfree_threads >= POOL_KEEP) {
		free(t);
		return;
	}
	t->next = p->free_threads;
	p->free_threads = t;
	p->nfree_threads++;
}

static struct ri_proc *proc_alloc(struct ri_model_priv *p)
{
	struct ri_proc *pr = p->free_procs;

	if (pr) {
		p->free_procs = pr->all_next;
		p->nfree_procs--;
	} else {
		pr = malloc(sizeof(*pr));
		if (!pr)
			return NULL;
	}
	memset(pr, 0, sizeof(*pr));
	pr->choice_slot = -1;
	return pr;
}

static void proc_release(struct ri_model_priv *p, struct ri_proc *pr)
{
	if (p->nfree_procs >= POOL_KEEP) {
		free(pr);
		return;
	}
	pr->all_next = p->free_procs;
	p->free_procs = pr;
	p->nfree_procs++;
}

/* --- model lifetime ------------------------------------------------------ */

static uint64_t meminfo_kb(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	unsigned long long v = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			sscanf(line + klen + 1, "%llu", &v);
			break;
		}
	}
	fclose(f);
	return v;
}

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
	m->page_size = sysconf(_SC_PAGESIZE);
	m->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	m->mem_total = meminfo_kb("MemTotal") * 1024;
	if (!m->mem_total)
		m->mem_total = 1; /* never divide by zero, even without /proc */
	return m;
}

static void proc_unlink(struct ri_model_priv *p, struct ri_proc *pr)
{
	if (pr->all_prev)
		pr->all_prev->all_next = pr->all_next;
	else
		p->all = pr->all_next;
	if (pr->all_next)
		pr->all_next->all_prev = pr->all_prev;
}

void ri_model_free(struct ri_model *m)
{
	struct ri_model_priv *p;
	struct ri_proc *pr, *pn;
	struct ri_thread *t, *tn;

	if (!m)
		return;
	p = m->priv;
	for (pr = p->all; pr; pr = pn) {
		pn = pr->all_next;
		for (t = pr->threads; t; t = tn) {
			tn = t->next;
			free(t);
		}
		free(pr);
	}
	for (t = p->free_threads; t; t = tn) {
		tn = t->next;
		free(t);
	}
	for (pr = p->free_procs; pr; pr = pn) {
		pn = pr->all_next;
		free(pr);
	}
	ptab_free(&p->threads);
	ptab_free(&p->procs);
	free(m->procs);
	free(m->choice_pids);
	free(m->choice_starts);
	free(m->choice_names);
	free(p);
	free(m);
}

/* --- the choice ---------------------------------------------------------- */

bool ri_model_has_choice(const struct ri_model *m)
{
	return m->nchoice_pids || m->nchoice_names;
}

static bool name_chosen(const struct ri_model *m, const char *comm)
{
	size_t i;

	for (i = 0; i < m->nchoice_names; i++)
		if (!strncmp(m->choice_names[i], comm, RI_COMM_LEN))
			return true;
	return false;
}

/*
 * A PID choice binds to the process that had the PID when it was first
 * seen chosen: a later process reusing the PID is someone else.
 */
static bool proc_is_chosen(struct ri_model *m, struct ri_proc *pr)
{
	size_t i;

	if (!ri_model_has_choice(m))
		return true;
	if (pr->by_name)
		return true;
	if (name_chosen(m, pr->comm)) {
		pr->by_name = true;
		return true;
	}
	for (i = 0; i < m->nchoice_pids; i++) {
		if (m->choice_pids[i] != pr->pid)
			continue;
		if (!m->choice_starts[i] && !pr->exited)
			m->choice_starts[i] = pr->start_ns;
		return m->choice_starts[i] == pr->start_ns;
	}
	return false;
}

int ri_model_choose(struct ri_model *m, const pid_t *pids, size_t npids,
		    const char (*names)[RI_COMM_LEN], size_t nnames)
{
	pid_t *np = NULL;
	uint64_t *ns = NULL;
	char(*nn)[RI_COMM_LEN] = NULL;
	struct ri_proc *pr;
	size_t i, j;

	if (npids) {
		np = malloc(npids * sizeof(*np));
		ns = calloc(npids, sizeof(*ns));
		if (!np || !ns)
			goto nomem;
		memcpy(np, pids, npids * sizeof(*np));
	}
	if (nnames) {
		nn = calloc(nnames, sizeof(*nn));
		if (!nn)
			goto nomem;
		for (i = 0; i < nnames; i++)
			strncpy(nn[i], names[i], RI_COMM_LEN - 1);
	}
	/* Keep the binding of PIDs that stay chosen. */
	for (i = 0; i < npids; i++)
		for (j = 0; j < m->nchoice_pids; j++)
			if (m->choice_pids[j] == np[i])
				ns[i] = m->choice_starts[j];
	free(m->choice_pids);
	free(m->choice_starts);
	free(m->choice_names);
	m->choice_pids = np;
	m->choice_starts = ns;
	m->nchoice_pids = npids;
	m->choice_names = nn;
	m->nchoice_names = nnames;
	for (pr = m->priv->all; pr; pr = pr->all_next) {
		pr->by_name = false;
		pr->chosen = proc_is_chosen(m, pr);
	}
	/*
	 * Tasks of newly chosen processes appear in the next drain with all
	 * their past: count them from that drain on, not from birth.
	 */
	m->priv->baseline_ns = m->mono_ns;
	return 0;
nomem:
	free(np);
	free(ns);
	free(nn);
	return -ENOMEM;
}

size_t ri_model_waiting(const struct ri_model *m, const char **names,
			size_t max)
{
	struct ri_proc *pr;
	size_t i, n = 0;

	for (i = 0; i < m->nchoice_names && n < max; i++) {
		bool found = false;

		for (pr = m->priv->all; pr && !found; pr = pr->all_next)
			found = !pr->exited &&
				!strncmp(pr->comm, m->choice_names[i], RI_COMM_LEN);
		if (!found)
			names[n++] = m->choice_names[i];
	}
	return n;
}

void ri_model_filter(const struct ri_model *m, struct ri_filter *f, pid_t *buf,
		     size_t bufn)
{
	size_t i, n = 0;

	memset(f, 0, sizeof(*f));
	if (!ri_model_has_choice(m))
		return;
	for (i = 0; i < m->nchoice_pids && n < bufn; i++)
		buf[n++] = m->choice_pids[i];
	f->tgids = buf;
	f->ntgids = n;
	f->names = (const char(*)[RI_COMM_LEN])m->choice_names;
	f->nnames = m->nchoice_names;
	/* An empty choice must still filter: say so with a dummy entry. */
	if (!n && !f->nnames && bufn) {
		buf[0] = 0;
		f->ntgids = 1;
	}
}

/* --- lookups ------------------------------------------------------------- */

struct ri_proc *ri_model_find_proc(const struct ri_model *m, pid_t pid)
{
	return ptab_get(&m->priv->procs, (uint32_t)pid);
}

struct ri_thread *ri_model_find_thread(const struct ri_model *m, pid_t tid)
{
	return ptab_get(&m->priv->threads, (uint32_t)tid);
}

/* --- one tick ------------------------------------------------------------ */

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
	struct ri_proc *pr = proc_alloc(p);

	if (!pr)
		return NULL;
	pr->pid = (pid_t)r->tgid;
	pr->start_ns = r->pstart_ns;
	pr->uid = r->uid;
	pr->ppid = (pid_t)r->ppid;
	pr->kthread = r->flags & RI_F_KTHREAD;
	memcpy(pr->comm, r->comm, RI_COMM_LEN);
	pr->comm[RI_COMM_LEN - 1] = '\0';
	if (in_table) {
		if (ptab_put(&p->procs, r->tgid, pr)) {
			proc_release(p, pr);
			return NULL;
		}
		pr->in_table = true;
	}
	pr->all_next = p->all;
	if (p->all)
		p->all->all_prev = pr;
	p->all = pr;
	pr->chosen = proc_is_chosen(m, pr);
	return pr;
}

static struct ri_proc *proc_get(struct ri_model *m, const struct ri_task *r)
{
	struct ri_model_priv *p = m->priv;
	struct ri_proc *pr = ptab_get(&p->procs, r->tgid);

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
		ptab_del(&p->procs, r->tgid);
		pr->in_table = false;
	}
	return proc_new(m, r, true);
}

static void thread_mark_exited(struct ri_model *m, struct ri_thread *t,
			       double when)
{
	struct ri_model_priv *p = m->priv;

	if (t->exited)
		return;
	t->exited = true;
	t->exit_time = when;
	t->gone_ticks = 0;
	if (t->in_table) {
		ptab_del(&p->threads, (uint32_t)t->tid);
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

static struct ri_thread *thread_new(struct ri_model *m, const struct ri_task *r,
				    bool in_table)
{
	struct ri_model_priv *p = m->priv;
	struct ri_proc *pr = proc_get(m, r);
	struct ri_thread *t;

	if (!pr)
		return NULL;
	/* Only an older snapshot can belong to a thread out of the table. */
	if (!in_table && (t = find_displaced_thread(pr, r)))
		return t;
	t = thread_alloc(p);
	if (!t)
		return NULL;
	t->tid = (pid_t)r->pid;
	t->start_ns = r->start_ns;
	t->proc = pr;
	t->next = pr->threads;
	if (pr->threads)
		pr->threads->prev = t;
	pr->threads = t;
	pr->nthreads++;
	if (in_table && ptab_put(&p->threads, r->pid, t) == 0)
		t->in_table = true;
	/*
	 * Born since the last drain (or since the tool started): all of its
	 * counters belong to this interval. Otherwise this is the first
	 * sight of an older task: start counting now.
	 */
	if (p->primed && r->start_ns >= p->baseline_ns)
		memset(&t->last, 0, sizeof(t->last));
	else
		t->last = *r;
	return t;
}

static struct ri_thread *thread_get(struct ri_model *m, const struct ri_task *r)
{
	struct ri_thread *t = ptab_get(&m->priv->threads, r->pid);

	if (t && t->start_ns == r->start_ns && t->proc->pid == (pid_t)r->tgid)
		return t;
	/*
	 * The exit snapshot of a task whose PID a newer task took in the same
	 * interval: account it to the old task, leave the new one alone.
	 */
	if (t && r->start_ns < t->start_ns)
		return thread_new(m, r, false);
	if (t)
		thread_mark_exited(m, t, m->time);
	return thread_new(m, r, true);
}

static uint64_t delta(__u64 *last, __u64 now)
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

static void thread_account(struct ri_model *m, struct ri_thread *t,
			   const struct ri_task *r)
{
	struct ri_fig *f = &t->fig;

	f->cpu_ns += delta(&t->last.cpu_ns, r->cpu_ns);
	f->io_rd += delta(&t->last.rchar, r->rchar);
	f->io_wr += delta(&t->last.wchar, r->wchar);
	f->disk_rd += delta(&t->last.read_bytes, r->read_bytes);
	f->disk_wr += delta(&t->last.write_bytes, r->write_bytes);
	f->vcsw += delta(&t->last.nvcsw, r->nvcsw);
	f->ivcsw += delta(&t->last.nivcsw, r->nivcsw);
	f->cpu_total_ns = t->last.cpu_ns;
	f->cpu = r->cpu;
	f->disk_na = r->flags & RI_F_NO_DISK;
	if (r->pid == r->tgid) {
		/* Only the leader's snapshot carries the process's owner. */
		t->proc->uid = r->uid;
		t->proc->ppid = (pid_t)r->ppid;
	}
	memcpy(t->comm, r->comm, RI_COMM_LEN);
	t->comm[RI_COMM_LEN - 1] = '\0';
	t->last.rss_pages = r->rss_pages;
	t->seen_tick = m->tick;
	t->missing = 0;
	t->counted = true;
}

static void fig_rates(struct ri_fig *f, double dt, uint64_t mem_total)
{
	double inv = dt > 0 ? 1.0 / dt : 0.0;

	f->cpu_pct = (double)f->cpu_ns * 1e-9 * inv * 100.0;
	f->io_rd_bps = (double)f->io_rd * inv;
	f->io_wr_bps = (double)f->io_wr * inv;
	f->disk_rd_bps = (double)f->disk_rd * inv;
	f->disk_wr_bps = (double)f->disk_wr * inv;
	f->csw_ps = (double)(f->vcsw + f->ivcsw) * inv;
	f->mem_pct = (double)f->rss_bytes * 100.0 / (double)mem_total;
}

static void hist_sample(struct ri_hist *h, const struct ri_fig *f)
{
	double v[RI_M_COUNT];

	v[RI_M_CPU] = f->cpu_pct;
	v[RI_M_MEM] = (double)f->rss_bytes;
	v[RI_M_READ] = f->io_rd_bps;
	v[RI_M_WRITE] = f->io_wr_bps;
	ri_hist_push(h, v);
}

static void thread_drop(struct ri_model *m, struct ri_thread *t)
{
	struct ri_proc *pr = t->proc;

	pr->cpu_total_base += t->last.cpu_ns;
	if (t->prev)
		t->prev->next = t->next;
	else
		pr->threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
	if (t->in_table)
		ptab_del(&m->priv->threads, (uint32_t)t->tid);
	thread_release(m->priv, t);
}

static void proc_drop(struct ri_model *m, struct ri_proc *pr)
{
	while (pr->threads)
		thread_drop(m, pr->threads);
	if (pr->in_table)
		ptab_del(&m->priv->procs, (uint32_t)pr->pid);
	proc_unlink(m->priv, pr);
	proc_release(m->priv, pr);
}

/* Start of a tick: last interval's figures go, lingering exits age. */
static void tick_begin(struct ri_model *m)
{
	struct ri_proc *pr, *pn;
	struct ri_thread *t, *tn;
	int linger = m->opts.linger_ticks;

	for (pr = m->priv->all; pr; pr = pn) {
		pn = pr->all_next;
		for (t = pr->threads; t; t = tn) {
			tn = t->next;
			t->counted = false;
			if (t->exited && ++t->gone_ticks > linger) {
				thread_drop(m, t);
				continue;
			}
			if (!t->exited) {
				uint64_t total = t->fig.cpu_total_ns;
				int cpu = t->fig.cpu;
				bool na = t->fig.disk_na;

				memset(&t->fig, 0, sizeof(t->fig));
				t->fig.cpu_total_ns = total;
				t->fig.cpu = cpu;
				t->fig.disk_na = na;
			}
		}
		if (pr->exited && ++pr->gone_ticks > linger &&
		    !(m->opts.keep_chosen && ri_model_has_choice(m) && pr->chosen))
			proc_drop(m, pr);
	}
}

/* Tasks missing from the live set with no exit snapshot. */
static void reap_missing(struct ri_model *m)
{
	struct ri_proc *pr;
	struct ri_thread *t;

	for (pr = m->priv->all; pr; pr = pr->all_next)
		for (t = pr->threads; t; t = t->next)
			if (!t->exited && t->seen_tick != m->tick &&
			    ++t->missing > m->opts.missing_grace) {
				thread_mark_exited(m, t, m->time);
				t->counted = true;
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
		total += t->last.cpu_ns;
		if (!t->exited) {
			/* Missing for a tick or two still counts as alive. */
			alive = true;
			/* Threads share one mm: take it once, leader first. */
			if (!leader || t->tid == pr->pid) {
				leader = t;
				rss = t->last.rss_pages;
			}
		}
		if (!t->counted)
			continue;
		any = true;
		f->cpu_ns += t->fig.cpu_ns;
		f->io_rd += t->fig.io_rd;
		f->io_wr += t->fig.io_wr;
		f->disk_rd += t->fig.disk_rd;
		f->disk_wr += t->fig.disk_wr;
		f->vcsw += t->fig.vcsw;
		f->ivcsw += t->fig.ivcsw;
		f->disk_na |= t->fig.disk_na;
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
	for (t = pr->threads; t; t = t->next) {
		if (!t->counted)
			continue;
		t->fig.rss_bytes = f->rss_bytes;
		fig_rates(&t->fig, dt, m->mem_total);
		if (dt > 0 && m->opts.thread_history)
			hist_sample(&t->hist, &t->fig);
	}
	if (dt > 0 && (any || alive))
		hist_sample(&pr->hist, f);
	if (!alive && pr->threads) {
		pr->exited = true;
		pr->gone_ticks = 0;
		pr->exit_time = 0;
		for (t = pr->threads; t; t = t->next)
			if (t->exit_time > pr->exit_time)
				pr->exit_time = t->exit_time;
		if (pr->in_table) {
			ptab_del(&m->priv->procs, (uint32_t)pr->pid);
			pr->in_table = false;
		}
	}
}

/* The machine's busy CPU since the last call, from /proc/stat's cpu line. */
static double machine_cpu_pct(struct ri_model *m)
{
	unsigned long long v[10] = { 0 }, busy, total;
	struct ri_model_priv *p = m->priv;
	double pct = 0;
	FILE *f = fopen("/proc/stat", "re");
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
		   &v[9]);
	fclose(f);
	if (n < 5)
		return 0;
	/* user nice system idle iowait irq softirq steal (guest is in user) */
	total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	busy = total - v[3] - v[4];
	if (p->stat_total && total > p->stat_total && busy >= p->stat_busy)
		pct = (double)(busy - p->stat_busy) / (double)(total - p->stat_total) *
		      100.0 * m->ncpu;
	p->stat_busy = busy;
	p->stat_total = total;
	return pct;
}

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
		pr->chosen = proc_is_chosen(m, pr);
		if (pr->chosen)
			m->procs[n++] = pr;
	}
	m->nprocs = n;
	m->totals.cpu_pct = machine_cpu_pct(m);
	m->totals.mem_total = m->mem_total;
	m->totals.mem_used = m->mem_total - meminfo_kb("MemAvailable") * 1024;
	return 0;
}

int ri_model_update(struct ri_model *m, const struct ri_taskbuf *live,
		    const struct ri_taskbuf *exited, uint64_t mono_ns,
		    double unix_time, uint64_t dropped, uint64_t events)
{
	struct ri_model_priv *p = m->priv;
	double dt = p->primed && mono_ns > m->mono_ns ?
			    (double)(mono_ns - m->mono_ns) * 1e-9 :
			    0.0;
	struct ri_proc *pr;
	struct ri_thread *t;
	size_t i;

	m->tick++;
	m->time = unix_time;
	m->interval_s = dt;
	tick_begin(m);

	for (i = 0; live && i < live->n; i++) {
		t = thread_get(m, &live->v[i]);
		if (t)
			thread_account(m, t, &live->v[i]);
	}
	for (i = 0; exited && i < exited->n; i++) {
		const struct ri_task *r = &exited->v[i];

		t = thread_get(m, r);
		if (!t)
			continue;
		thread_account(m, t, r);
		t->last.rss_pages = 0;
		thread_mark_exited(m, t,
				   unix_time - (double)(mono_ns > r->exit_ns ?
								mono_ns - r->exit_ns :
								0) * 1e-9);
	}
	reap_missing(m);
	for (pr = p->all; pr; pr = pr->all_next)
		proc_finish(m, pr, dt);

	m->dropped_delta = p->primed && dropped > m->dropped ? dropped - m->dropped : 0;
	m->dropped = dropped;
	m->events_ps = dt > 0 && events > p->events ? (double)(events - p->events) / dt : 0;
	p->events = events;
	if (!p->primed) {
		p->primed = true;
		p->baseline_ns = mono_ns;
	}
	m->mono_ns = mono_ns;
	return build_view(m);
}

/* --- sorting ------------------------------------------------------------- */

static const char *const sort_names[RI_SORT_COUNT] = {
	[RI_SORT_CPU] = "cpu",       [RI_SORT_MEM] = "mem",
	[RI_SORT_TIME] = "time",     [RI_SORT_PID] = "pid",
	[RI_SORT_IO] = "io",         [RI_SORT_COMM] = "comm",
	[RI_SORT_READ] = "read",     [RI_SORT_WRITE] = "write",
	[RI_SORT_DISK_READ] = "disk-read", [RI_SORT_DISK_WRITE] = "disk-write",
	[RI_SORT_CSW] = "csw",       [RI_SORT_THREADS] = "threads",
	[RI_SORT_RSS] = "rss",       [RI_SORT_USER] = "user",
};

const char *ri_sort_name(enum ri_sort_key k)
{
	return k < RI_SORT_COUNT ? sort_names[k] : "?";
}

int ri_sort_parse(const char *name, enum ri_sort_key *k)
{
	int i;

	for (i = 0; i < RI_SORT_COUNT; i++) {
		if (!strcasecmp(name, sort_names[i])) {
			*k = (enum ri_sort_key)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* A key's value; PID and COMM ascend by default, the rest descend. */
static double fig_key(const struct ri_fig *f, enum ri_sort_key k)
{
	switch (k) {
	case RI_SORT_CPU:
		return f->cpu_pct;
	case RI_SORT_MEM:
	case RI_SORT_RSS:
		return (double)f->rss_bytes;
	case RI_SORT_TIME:
		return (double)f->cpu_total_ns;
	case RI_SORT_IO:
		return f->io_rd_bps + f->io_wr_bps;
	case RI_SORT_READ:
		return f->io_rd_bps;
	case RI_SORT_WRITE:
		return f->io_wr_bps;
	case RI_SORT_DISK_READ:
		return f->disk_rd_bps;
	case RI_SORT_DISK_WRITE:
		return f->disk_wr_bps;
	case RI_SORT_CSW:
		return f->csw_ps;
	default:
		return 0;
	}
}

static _Thread_local enum ri_sort_key sort_key;
static _Thread_local int sort_dir; /* 1: as the key's default order, -1: inverted */

static int cmp_num(double a, double b)
{
	return a < b ? -1 : a > b;
}

static int cmp_common(const struct ri_fig *fa, const struct ri_fig *fb,
		      pid_t pa, pid_t pb, const char *ca, const char *cb,
		      int ta, int tb, uid_t ua, uid_t ub)
{
	int c;

	switch (sort_key) {
	case RI_SORT_PID:
		c = cmp_num(pa, pb);
		break;
	case RI_SORT_COMM:
		c = strncmp(ca, cb, RI_COMM_LEN);
		break;
	case RI_SORT_USER:
		c = cmp_num(ua, ub);
		break;
	case RI_SORT_THREADS:
		c = -cmp_num(ta, tb);
		break;
	default:
		c = -cmp_num(fig_key(fa, sort_key), fig_key(fb, sort_key));
	}
	c *= sort_dir;
	/* Ties break by PID, always ascending, so rows do not jump. */
	return c ? c : cmp_num(pa, pb);
}

static int cmp_proc(const void *a, const void *b)
{
	const struct ri_proc *x = *(struct ri_proc *const *)a;
	const struct ri_proc *y = *(struct ri_proc *const *)b;

	return cmp_common(&x->fig, &y->fig, x->pid, y->pid, x->comm, y->comm,
			  x->nthreads, y->nthreads, x->uid, y->uid);
}

static int cmp_thread(const void *a, const void *b)
{
	const struct ri_thread *x = *(struct ri_thread *const *)a;
	const struct ri_thread *y = *(struct ri_thread *const *)b;

	return cmp_common(&x->fig, &y->fig, x->tid, y->tid, x->comm, y->comm,
			  1, 1, 0, 0);
}

void ri_sort_procs(struct ri_proc **v, size_t n, enum ri_sort_key k,
		   bool reverse)
{
	if (n < 2)
		return; /* qsort's pointer must not be NULL, even for nothing */
	sort_key = k;
	sort_dir = reverse ? -1 : 1;
	qsort(v, n, sizeof(*v), cmp_proc);
}

void ri_sort_threads(struct ri_thread **v, size_t n, enum ri_sort_key k,
		     bool reverse)
{
	if (n < 2)
		return;
	sort_key = k;
	sort_dir = reverse ? -1 : 1;
	qsort(v, n, sizeof(*v), cmp_thread);
}
