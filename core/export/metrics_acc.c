// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exporter's accumulators: counters that only grow, kept per process
 * name (group), per process and per thread name of a chosen process, fed
 * with the model's per-interval figures once per tick.
 *
 * The model counts every slice exactly once, the final slice of a task
 * that exits included, in the figures of the tick it happened in. So a
 * process adds to its counters what it had when first seen (the model's
 * cumulative snapshot of each thread), then every interval's figures:
 * what a process does between two scrapes, even a process that lives
 * for a millisecond, lands in its group's counters, and a group counter
 * never goes down when a process exits. Each tick ends with the sweep
 * (what lingered long enough goes) and the bound (--max-series).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_priv.h"

/* ---- hashing and the index --------------------------------------------- */

static uint32_t fnv(const void *p, size_t n, uint32_t h)
{
	const unsigned char *s = p;

	while (n--) {
		h ^= *s++;
		h *= 16777619u;
	}
	return h;
}

#define FNV0 2166136261u

static uint32_t hash_proc(pid_t pid, uint64_t start)
{
	uint64_t k[2] = { (uint64_t)pid, start };

	return fnv(k, sizeof(k), FNV0);
}

static uint32_t hash_bucket(uint32_t id, const char *name)
{
	return fnv(name, strlen(name), fnv(&id, sizeof(id), FNV0));
}

/* Empties @ix and sizes it for @n entries (load at most one half). */
static int ix_size(struct mx_index *ix, size_t n)
{
	size_t cap = 64;
	uint32_t *s;

	while (cap < n * 2 + 2)
		cap <<= 1;
	if (cap != ix->mask + 1 || !ix->slot) {
		s = realloc(ix->slot, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		ix->slot = s;
		ix->mask = cap - 1;
	}
	memset(ix->slot, 0, cap * sizeof(*ix->slot));
	return 0;
}

static void ix_put(struct mx_index *ix, size_t idx, uint32_t hash)
{
	size_t i = hash & ix->mask;

	while (ix->slot[i])
		i = (i + 1) & ix->mask;
	ix->slot[i] = (uint32_t)idx + 1;
}

static bool ix_full(const struct mx_index *ix, size_t n)
{
	return !ix->slot || (n + 1) * 2 > ix->mask;
}

static void free_index(struct mx_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->mask = 0;
}

static size_t next_cap(size_t cap, size_t need)
{
	size_t c = cap ? cap * 2 : 64;

	while (c < need)
		c *= 2;
	return c;
}

/* Room for @need entries in @arr (of @capv); false when out of memory. */
#define GROW(arr, capv, need)                                              \
	__extension__({                                                    \
		bool ok_ = true;                                           \
		if ((need) > (capv)) {                                     \
			size_t c_ = next_cap((capv), (need));              \
			void *p_ = realloc((arr), c_ * sizeof(*(arr)));    \
			if (p_) {                                          \
				(arr) = p_;                                \
				(capv) = c_;                               \
			} else {                                           \
				ok_ = false;                               \
			}                                                  \
		}                                                          \
		ok_;                                                       \
	})

/* ---- counters ------------------------------------------------------------ */

static void cnt_add(struct mx_counters *a, const struct mx_counters *b)
{
	ri_counters_add(a, b);
}

/* One interval's figures. */
static void cnt_of_fig(struct mx_counters *c, const struct ri_fig *f)
{
	memcpy(c->v, f->n, sizeof(c->v));
}

/*
 * Everything a thread did up to now: the model's cumulative snapshot of
 * it (ri_thread.total), this interval included.
 */
static void cnt_of_task(struct mx_counters *c, const struct ri_counters *t)
{
	*c = *t;
}

/* Everything a process did up to now, as far as the model knows it. */
static void cnt_of_proc(struct mx_counters *c, const struct ri_proc *pr)
{
	const struct ri_thread *t;
	struct mx_counters one;

	memset(c, 0, sizeof(*c));
	for (t = pr->threads; t; t = t->next) {
		cnt_of_task(&one, &t->total);
		cnt_add(c, &one);
	}
	/* Including the threads the model has already let go of. */
	c->v[RI_C_CPU] = pr->fig.cpu_total_ns;
}

/* ---- groups -------------------------------------------------------------- */

static int groups_reindex(struct ri_metrics *mx)
{
	size_t i;

	if (ix_size(&mx->group_ix, mx->ngroups))
		return -ENOMEM;
	for (i = 0; i < mx->ngroups; i++)
		ix_put(&mx->group_ix, i, mx->groups[i]->hash);
	return 0;
}

static struct mx_group *group_find(const struct ri_metrics *mx, const char *name,
				   uint32_t h)
{
	size_t i;

	if (!mx->group_ix.slot)
		return NULL;
	for (i = h & mx->group_ix.mask; mx->group_ix.slot[i];
	     i = (i + 1) & mx->group_ix.mask) {
		struct mx_group *g = mx->groups[mx->group_ix.slot[i] - 1];

		if (g->hash == h && !strcmp(g->s.name, name))
			return g;
	}
	return NULL;
}

static struct mx_group *group_get(struct ri_metrics *mx, const char *name)
{
	uint32_t h = fnv(name, strlen(name), FNV0);
	struct mx_group *g = group_find(mx, name, h);

	if (g)
		return g;
	if (!GROW(mx->groups, mx->cap_groups, mx->ngroups + 1))
		return NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	snprintf(g->s.name, sizeof(g->s.name), "%s", name);
	ri_mx_label(g->s.labels, sizeof(g->s.labels), "comm", g->s.name);
	g->hash = h;
	g->s.last_live = mx->now;
	mx->groups[mx->ngroups++] = g;
	if (ix_full(&mx->group_ix, mx->ngroups)) {
		if (groups_reindex(mx)) {
			free(mx->groups[--mx->ngroups]);
			return NULL;
		}
	} else {
		ix_put(&mx->group_ix, mx->ngroups - 1, h);
	}
	return g;
}

/* ---- processes ----------------------------------------------------------- */

static int procs_reindex(struct ri_metrics *mx)
{
	size_t i;

	if (ix_size(&mx->proc_ix, mx->nprocs))
		return -ENOMEM;
	for (i = 0; i < mx->nprocs; i++)
		ix_put(&mx->proc_ix, i, mx->procs[i]->hash);
	return 0;
}

static struct mx_proc *proc_find(const struct ri_metrics *mx, pid_t pid,
				 uint64_t start)
{
	uint32_t h = hash_proc(pid, start);
	size_t i;

	if (!mx->proc_ix.slot)
		return NULL;
	for (i = h & mx->proc_ix.mask; mx->proc_ix.slot[i]; i = (i + 1) & mx->proc_ix.mask) {
		struct mx_proc *e = mx->procs[mx->proc_ix.slot[i] - 1];

		if (e->hash == h && e->pid == pid && e->start_ns == start)
			return e;
	}
	return NULL;
}

static void proc_relabel(struct mx_proc *e)
{
	char pid[24];

	snprintf(pid, sizeof(pid), "%d", (int)e->pid);
	e->s.labels[0] = '\0';
	ri_mx_label(e->s.labels, sizeof(e->s.labels), "pid", pid);
	ri_mx_label(e->s.labels, sizeof(e->s.labels), "comm", e->s.name);
}

static struct mx_proc *proc_add(struct ri_metrics *mx, const struct ri_model *m,
				const struct ri_proc *pr)
{
	struct mx_proc *e = mx->free_procs;

	if (!GROW(mx->procs, mx->cap_procs, mx->nprocs + 1))
		return NULL;
	if (e)
		mx->free_procs = e->next_free;
	else if (!(e = malloc(sizeof(*e))))
		return NULL;
	memset(e, 0, sizeof(*e));
	e->pid = pr->pid;
	e->start_ns = pr->start_ns;
	e->hash = hash_proc(pr->pid, pr->start_ns);
	e->id = ++mx->next_id;
	/* Start times are on the boot-time clock, as the model's clock is. */
	e->start_time = m->time - (m->clock_ns > pr->start_ns ?
					   (double)(m->clock_ns - pr->start_ns) * 1e-9 :
					   0.0);
	mx->procs[mx->nprocs++] = e;
	if (ix_full(&mx->proc_ix, mx->nprocs)) {
		if (procs_reindex(mx)) {
			mx->nprocs--;
			e->next_free = mx->free_procs;
			mx->free_procs = e;
			return NULL;
		}
	} else {
		ix_put(&mx->proc_ix, mx->nprocs - 1, e->hash);
	}
	return e;
}

/* ---- thread buckets ------------------------------------------------------ */

static int buckets_reindex(struct ri_metrics *mx)
{
	size_t i;

	if (ix_size(&mx->bucket_ix, mx->nbuckets))
		return -ENOMEM;
	for (i = 0; i < mx->nbuckets; i++)
		ix_put(&mx->bucket_ix, i, mx->buckets[i]->hash);
	return 0;
}

static void bucket_relabel(struct mx_bucket *b)
{
	memcpy(b->s.labels, b->proc->s.labels, sizeof(b->s.labels));
	ri_mx_label(b->s.labels, sizeof(b->s.labels), "thread", b->s.name);
}

static struct mx_bucket *bucket_get(struct ri_metrics *mx, struct mx_proc *e,
				    const char *name)
{
	uint32_t h = hash_bucket(e->id, name);
	struct mx_bucket *b;
	size_t i;

	if (mx->bucket_ix.slot) {
		for (i = h & mx->bucket_ix.mask; mx->bucket_ix.slot[i];
		     i = (i + 1) & mx->bucket_ix.mask) {
			b = mx->buckets[mx->bucket_ix.slot[i] - 1];
			if (b->hash == h && b->proc_id == e->id && !strcmp(b->s.name, name))
				return b;
		}
	}
	if (!GROW(mx->buckets, mx->cap_buckets, mx->nbuckets + 1))
		return NULL;
	b = mx->free_buckets;
	if (b)
		mx->free_buckets = b->next_free;
	else if (!(b = malloc(sizeof(*b))))
		return NULL;
	memset(b, 0, sizeof(*b));
	b->proc_id = e->id;
	b->proc = e;
	b->hash = h;
	snprintf(b->s.name, sizeof(b->s.name), "%s", name);
	bucket_relabel(b);
	b->s.last_live = mx->now;
	mx->buckets[mx->nbuckets++] = b;
	if (ix_full(&mx->bucket_ix, mx->nbuckets)) {
		if (buckets_reindex(mx)) {
			mx->nbuckets--;
			b->next_free = mx->free_buckets;
			mx->free_buckets = b;
			return NULL;
		}
	} else {
		ix_put(&mx->bucket_ix, mx->nbuckets - 1, h);
	}
	return b;
}

static void relabel_buckets(struct ri_metrics *mx, const struct mx_proc *e)
{
	size_t i;

	for (i = 0; i < mx->nbuckets; i++)
		if (mx->buckets[i]->proc == e)
			bucket_relabel(mx->buckets[i]);
}

/* ---- one tick ------------------------------------------------------------ */

/*
 * The threads of a chosen process, folded by name. The first time, each
 * thread brings everything it did so far; then only each interval.
 */
static int account_threads(struct ri_metrics *mx, struct mx_proc *e,
			   const struct ri_proc *pr, bool first)
{
	const struct ri_thread *t;
	char name[RI_MX_VALUE_MAX];
	struct mx_counters c;
	struct mx_bucket *b;

	for (t = pr->threads; t; t = t->next) {
		/* A lingering exit was counted in its own tick. */
		if (!first && t->exited && t->gone_ticks > 0)
			continue;
		ri_mx_value(name, t->comm, RI_COMM_LEN);
		b = bucket_get(mx, e, name);
		if (!b)
			return -ENOMEM;
		if (first)
			cnt_of_task(&c, &t->total);
		else
			cnt_of_fig(&c, &t->fig);
		cnt_add(&b->s.c, &c);
		b->s.disk_na |= t->fig.disk_na;
		b->s.net_na |= t->fig.net_na;
		b->s.states_na |= t->fig.states_na;
		b->s.wait_na |= t->fig.wait_na;
		b->s.newer_na |= t->fig.newer_na;
		b->s.last_live = mx->now;
		if (!t->exited)
			b->s.nthreads++;
	}
	return 0;
}

static int account_proc(struct ri_metrics *mx, const struct ri_model *m,
			const struct ri_proc *pr)
{
	char name[RI_MX_VALUE_MAX];
	struct mx_counters c;
	struct mx_group *g, *to;
	struct mx_proc *e;
	bool fresh;

	/* Lingering after its exit: its last interval was counted then. */
	if (pr->exited && pr->gone_ticks > 0)
		return 0;
	/*
	 * Left out of a choice made since the model's last update (its view
	 * is rebuilt then): the kernel filter no longer reports it.
	 */
	if (!pr->chosen)
		return 0;
	e = proc_find(mx, pr->pid, pr->start_ns);
	fresh = !e;
	if (fresh && !(e = proc_add(mx, m, pr)))
		return -ENOMEM;
	if (e->seen_tick == mx->tick)
		return 0;
	if (fresh)
		cnt_of_proc(&c, pr);
	else
		cnt_of_fig(&c, &pr->fig);
	cnt_add(&e->s.c, &c);

	ri_mx_value(name, pr->comm, RI_COMM_LEN);
	if (fresh || strcmp(name, e->s.name)) {
		/* exec or prctl(PR_SET_NAME): from now on, the new name's group */
		memcpy(e->s.name, name, sizeof(e->s.name));
		proc_relabel(e);
		if (!fresh)
			relabel_buckets(mx, e);
	}
	e->s.rss = pr->fig.rss_bytes;
	e->s.nthreads = (uint32_t)(pr->nthreads > 0 ? pr->nthreads : 0);
	e->growth_valid = pr->growth.valid && !pr->exited;
	e->growth_bps = pr->growth.bps;
	e->lim_known = pr->lim_known && !pr->exited;
	e->nfds = pr->nfds;
	e->fd_limit = pr->fd_limit;
	for (int r = 0; r < RI_R_COUNT; r++) {
		e->room[r] = e->lim_known && pr->room[r].known ? pr->room[r].pct / 100.0 : -1;
		e->eta[r] = e->lim_known && pr->room[r].known ? pr->room[r].eta_s : -1;
	}
	e->s.disk_na |= pr->fig.disk_na;
	e->s.net_na |= pr->fig.net_na;
	e->s.states_na |= pr->fig.states_na;
	e->s.wait_na |= pr->fig.wait_na;
	e->s.newer_na |= pr->fig.newer_na;
	e->seen_tick = mx->tick;
	e->last_seen = mx->now;
	if (pr->exited && !e->exited) {
		e->exited = true;
		e->exit_time = mx->now;
	}

	g = group_get(mx, name);
	to = g && g->folded ? group_get(mx, MX_OTHER) : g;
	if (!to)
		return -ENOMEM;
	cnt_add(&to->s.c, &c);
	to->s.disk_na |= pr->fig.disk_na;
	to->s.net_na |= pr->fig.net_na;
	to->s.states_na |= pr->fig.states_na;
	to->s.wait_na |= pr->fig.wait_na;
	to->s.newer_na |= pr->fig.newer_na;
	/* Its exit tick counts as live: the linger starts after it. */
	g->s.last_live = to->s.last_live = mx->now;
	if (pr->exited) {
		to->exited++;
	} else {
		to->nprocs++;
		to->s.nthreads += (uint32_t)pr->nthreads;
		to->s.rss += pr->fig.rss_bytes;
	}
	if (mx->opts.threads && mx->choice) {
		/*
		 * The first time its threads are counted (first sight, or
		 * chosen later), each brings everything it did so far.
		 */
		int err = account_threads(mx, e, pr, !e->threads_seen);

		if (err)
			return err;
		e->threads_seen = true;
	}
	return 0;
}

/* ---- the sweep: what is gone and has lingered long enough ------------- */

static bool proc_keep(const struct ri_metrics *mx, const struct mx_proc *e)
{
	double linger = mx->opts.linger_s;

	if (e->seen_tick == mx->tick)
		return true;
	/*
	 * Exited: its series stay for the linger when it has any; without
	 * them nothing more can come of it (a pid and start time never
	 * return), so it goes at once, which keeps a storm of short-lived
	 * processes from piling up here.
	 */
	if (e->exited)
		return mx->choice && e->s.admit == MX_IN && mx->now - e->exit_time <= linger;
	/*
	 * Not seen but not exited: left the choice. Kept for a while, so
	 * that coming back is not taken for a first sight (which would count
	 * its past a second time).
	 */
	return mx->now - e->last_seen <= linger;
}

static int sweep(struct ri_metrics *mx)
{
	double linger = mx->opts.linger_s;
	size_t i, n;
	int err = 0;

	for (i = n = 0; i < mx->nprocs; i++) {
		struct mx_proc *e = mx->procs[i];

		if (proc_keep(mx, e)) {
			mx->procs[n++] = e;
			continue;
		}
		/* Freed for reuse after the buckets below have seen the mark. */
		e->removed = true;
		e->next_free = mx->free_procs;
		mx->free_procs = e;
	}
	if (n != mx->nprocs) {
		mx->nprocs = n;
		err = procs_reindex(mx);
	}
	/*
	 * What the bound keeps out goes as soon as it is idle: its counts
	 * are in its process's (or in "other"), and nothing of it is shown,
	 * so a storm of new names costs no memory past the tick.
	 */
	for (i = n = 0; i < mx->nbuckets; i++) {
		struct mx_bucket *b = mx->buckets[i];
		double keep = b->s.admit == MX_OUT ? 0 : linger;

		if (!b->proc->removed &&
		    (b->s.nthreads || mx->now - b->s.last_live <= keep)) {
			mx->buckets[n++] = b;
			continue;
		}
		b->next_free = mx->free_buckets;
		mx->free_buckets = b;
	}
	if (n != mx->nbuckets) {
		mx->nbuckets = n;
		err = err ? err : buckets_reindex(mx);
	}
	for (i = n = 0; i < mx->ngroups; i++) {
		struct mx_group *g = mx->groups[i];

		if (mx->now - g->s.last_live <= (g->folded ? 0 : linger))
			mx->groups[n++] = g;
		else
			free(g);
	}
	if (n != mx->ngroups) {
		mx->ngroups = n;
		err = err ? err : groups_reindex(mx);
	}
	return err;
}

/* ---- the bound: at most max_series series ------------------------------ */

static bool scratch(struct ri_metrics *mx, size_t n)
{
	return GROW(mx->scratch, mx->cap_scratch, n);
}

/*
 * Newest admission first, of processes or thread names alike: both start
 * with their struct mx_series.
 */
static int by_seq_desc(const void *a, const void *b)
{
	const struct mx_series *x = *(const struct mx_series *const *)a;
	const struct mx_series *y = *(const struct mx_series *const *)b;

	return x->admit_seq < y->admit_seq ? 1 : x->admit_seq > y->admit_seq ? -1 : 0;
}

/* Smallest first: least CPU, then fewest bytes, then by name. */
static int group_by_size(const void *a, const void *b)
{
	const struct mx_group *x = *(const struct mx_group *const *)a;
	const struct mx_group *y = *(const struct mx_group *const *)b;

	const uint64_t *xv = x->s.c.v, *yv = y->s.c.v;

	if (xv[RI_C_CPU] != yv[RI_C_CPU])
		return xv[RI_C_CPU] < yv[RI_C_CPU] ? -1 : 1;
	if (xv[RI_C_READ] + xv[RI_C_WRITE] != yv[RI_C_READ] + yv[RI_C_WRITE])
		return xv[RI_C_READ] + xv[RI_C_WRITE] < yv[RI_C_READ] + yv[RI_C_WRITE] ? -1 : 1;
	return strcmp(x->s.name, y->s.name);
}

static bool bucket_shown(const struct mx_bucket *b)
{
	return b->s.admit == MX_IN && b->proc->s.admit == MX_IN;
}

/* Folds @g into "other", for good: "other" never gives anything back. */
static int fold(struct ri_metrics *mx, struct mx_group *g, size_t *used)
{
	bool had = group_find(mx, MX_OTHER, fnv(MX_OTHER, strlen(MX_OTHER), FNV0));
	struct mx_group *o = group_get(mx, MX_OTHER);

	if (!o)
		return -ENOMEM;
	if (!had)
		*used += MX_GROUP_SERIES;
	cnt_add(&o->s.c, &g->s.c);
	o->exited += g->exited;
	o->s.rss += g->s.rss;
	o->nprocs += g->nprocs;
	o->s.nthreads += g->s.nthreads;
	o->s.disk_na |= g->s.disk_na;
	o->s.net_na |= g->s.net_na;
	o->s.states_na |= g->s.states_na;
	o->s.wait_na |= g->s.wait_na;
	o->s.newer_na |= g->s.newer_na;
	if (g->s.last_live > o->s.last_live)
		o->s.last_live = g->s.last_live;
	memset(&g->s.c, 0, sizeof(g->s.c));
	g->exited = g->s.rss = 0;
	g->nprocs = g->s.nthreads = 0;
	g->folded = true;
	mx->folded += MX_GROUP_SERIES;
	*used -= MX_GROUP_SERIES;
	return 0;
}

static int bound(struct ri_metrics *mx)
{
	size_t max = mx->opts.max_series, used = MX_SELF_SERIES, i, n;
	bool threads = mx->opts.threads && mx->choice;

	for (i = 0; i < mx->ngroups; i++)
		if (!mx->groups[i]->folded)
			used += MX_GROUP_SERIES;
	if (mx->choice) {
		for (i = 0; i < mx->nprocs; i++)
			if (mx->procs[i]->s.admit == MX_IN)
				used += MX_PROC_SERIES;
		for (i = 0; threads && i < mx->nbuckets; i++)
			if (bucket_shown(mx->buckets[i]))
				used += MX_BUCKET_SERIES;
		/* Newcomers, in the order they came, while there is room. */
		for (i = 0; i < mx->nprocs; i++) {
			struct mx_proc *e = mx->procs[i];

			if (e->s.admit != MX_UNDECIDED)
				continue;
			if (used + MX_PROC_SERIES <= max) {
				e->s.admit = MX_IN;
				e->s.admit_seq = ++mx->seq;
				used += MX_PROC_SERIES;
			} else {
				e->s.admit = MX_OUT;
				mx->folded += MX_PROC_SERIES;
			}
		}
		for (i = 0; threads && i < mx->nbuckets; i++) {
			struct mx_bucket *b = mx->buckets[i];

			if (b->s.admit != MX_UNDECIDED)
				continue;
			if (b->proc->s.admit == MX_IN && used + MX_BUCKET_SERIES <= max) {
				b->s.admit = MX_IN;
				b->s.admit_seq = ++mx->seq;
				used += MX_BUCKET_SERIES;
			} else {
				b->s.admit = MX_OUT;
				mx->folded += MX_BUCKET_SERIES;
			}
		}
	}
	if (used <= max)
		return 0;

	/* Over (new groups came): the newest threads' series go first... */
	if (threads) {
		if (!scratch(mx, mx->nbuckets))
			return -ENOMEM;
		for (i = n = 0; i < mx->nbuckets; i++)
			if (bucket_shown(mx->buckets[i]))
				mx->scratch[n++] = mx->buckets[i];
		qsort(mx->scratch, n, sizeof(void *), by_seq_desc);
		for (i = 0; i < n && used > max; i++) {
			((struct mx_bucket *)mx->scratch[i])->s.admit = MX_OUT;
			mx->folded += MX_BUCKET_SERIES;
			used -= MX_BUCKET_SERIES;
		}
	}
	/* ...then the newest processes' (with what is left of their threads)... */
	if (mx->choice && used > max) {
		if (!scratch(mx, mx->nprocs))
			return -ENOMEM;
		for (i = n = 0; i < mx->nprocs; i++)
			if (mx->procs[i]->s.admit == MX_IN)
				mx->scratch[n++] = mx->procs[i];
		qsort(mx->scratch, n, sizeof(void *), by_seq_desc);
		for (i = 0; i < n && used > max; i++) {
			struct mx_proc *e = mx->scratch[i];
			size_t j;

			for (j = 0; threads && j < mx->nbuckets; j++) {
				struct mx_bucket *b = mx->buckets[j];

				if (b->proc == e && b->s.admit == MX_IN) {
					b->s.admit = MX_OUT;
					mx->folded += MX_BUCKET_SERIES;
					used -= MX_BUCKET_SERIES;
				}
			}
			e->s.admit = MX_OUT;
			mx->folded += MX_PROC_SERIES;
			used -= MX_PROC_SERIES;
		}
	}
	/* ...then the smallest groups fold into "other". */
	if (used > max) {
		if (!scratch(mx, mx->ngroups))
			return -ENOMEM;
		for (i = n = 0; i < mx->ngroups; i++)
			if (!mx->groups[i]->folded && strcmp(mx->groups[i]->s.name, MX_OTHER))
				mx->scratch[n++] = mx->groups[i];
		qsort(mx->scratch, n, sizeof(void *), group_by_size);
		for (i = 0; i < n && used > max; i++) {
			int err = fold(mx, mx->scratch[i], &used);

			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- lifetime ------------------------------------------------------------ */

struct ri_metrics *ri_metrics_new(const struct ri_metrics_opts *o)
{
	struct ri_metrics *mx = calloc(1, sizeof(*mx));

	if (!mx)
		return NULL;
	if (o)
		mx->opts = *o;
	else
		mx->opts.linger_s = -1;
	if (!mx->opts.max_series)
		mx->opts.max_series = RI_METRICS_MAX_SERIES;
	if (mx->opts.max_series < RI_METRICS_MIN_SERIES)
		mx->opts.max_series = RI_METRICS_MIN_SERIES;
	if (mx->opts.linger_s < 0)
		mx->opts.linger_s = RI_METRICS_LINGER_S;
	return mx;
}

void ri_metrics_free(struct ri_metrics *mx)
{
	struct mx_proc *e;
	struct mx_bucket *b;
	size_t i;

	if (!mx)
		return;
	for (i = 0; i < mx->ngroups; i++)
		free(mx->groups[i]);
	for (i = 0; i < mx->nprocs; i++)
		free(mx->procs[i]);
	for (i = 0; i < mx->nbuckets; i++)
		free(mx->buckets[i]);
	while ((e = mx->free_procs)) {
		mx->free_procs = e->next_free;
		free(e);
	}
	while ((b = mx->free_buckets)) {
		mx->free_buckets = b->next_free;
		free(b);
	}
	free(mx->groups);
	free(mx->procs);
	free(mx->buckets);
	free(mx->scratch);
	free_index(&mx->group_ix);
	free_index(&mx->proc_ix);
	free_index(&mx->bucket_ix);
	free(mx);
}

int ri_metrics_update(struct ri_metrics *mx, const struct ri_model *m)
{
	size_t i;
	int err = 0;

	mx->tick++;
	mx->now = m->time;
	mx->choice = ri_model_has_choice(m);
	for (i = 0; i < mx->ngroups; i++) {
		struct mx_group *g = mx->groups[i];

		g->s.rss = 0;
		g->nprocs = g->s.nthreads = 0;
	}
	for (i = 0; i < mx->nbuckets; i++)
		mx->buckets[i]->s.nthreads = 0;
	for (i = 0; i < m->nprocs && !err; i++)
		err = account_proc(mx, m, m->procs[i]);
	if (!err)
		err = sweep(mx);
	if (!err)
		err = bound(mx);
	return err;
}

uint64_t ri_metrics_folded(const struct ri_metrics *mx)
{
	return mx->folded;
}
