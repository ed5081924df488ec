// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Sorting processes and threads by a key (see sort.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "sort.h"

static const char *const sort_names[RI_SORT_COUNT] = {
	[RI_SORT_CPU] = "cpu",       [RI_SORT_MEM] = "mem",
	[RI_SORT_TIME] = "time",     [RI_SORT_PID] = "pid",
	[RI_SORT_IO] = "io",         [RI_SORT_COMM] = "comm",
	[RI_SORT_CSW] = "csw",       [RI_SORT_THREADS] = "threads",
	[RI_SORT_RSS] = "rss",       [RI_SORT_USER] = "user",
	[RI_SORT_WAIT] = "wait",     [RI_SORT_GROWTH] = "growth",
	[RI_SORT_NICE] = "nice",     [RI_SORT_VIRT] = "virt",
	[RI_SORT_START] = "start",   [RI_SORT_HEADROOM] = "headroom",
	[RI_SORT_ETA] = "eta",
	[RI_SORT_CGV + RI_CGV_MEM] = "cg-mem",
	[RI_SORT_CGV + RI_CGV_TASKS] = "cg-tasks",
	[RI_SORT_CGV + RI_CGV_THROTTLED] = "throttled",
	[RI_SORT_CGV + RI_CGV_PSI_CPU] = "psi-cpu",
	[RI_SORT_CGV + RI_CGV_PSI_MEM] = "psi-mem",
	[RI_SORT_CGV + RI_CGV_PSI_IO] = "psi-io",
};

const char *ri_sort_name(enum ri_sort_key k)
{
	if (k >= RI_SORT_FIG && k <= RI_SORT_FIG_LAST)
		return ri_counter_shown(k - RI_SORT_FIG) ? ri_counters[k - RI_SORT_FIG].name :
							    NULL;
	return k < RI_SORT_COUNT ? sort_names[k] : "?";
}

int ri_sort_parse(const char *name, enum ri_sort_key *k)
{
	int i;

	for (i = 0; i < RI_SORT_COUNT; i++) {
		const char *n = ri_sort_name((enum ri_sort_key)i);

		if (n && !strcasecmp(name, n)) {
			*k = (enum ri_sort_key)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool ri_sort_ascends(enum ri_sort_key k)
{
	return k == RI_SORT_PID || k == RI_SORT_COMM || k == RI_SORT_USER;
}

/* A figure's value under a numeric key. */
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
		return f->rate[RI_C_READ] + f->rate[RI_C_WRITE];
	case RI_SORT_CSW:
		return f->csw_ps;
	case RI_SORT_WAIT:
		return f->wait_pct;
	default:
		if (k >= RI_SORT_FIG && k <= RI_SORT_FIG_LAST)
			return f->rate[k - RI_SORT_FIG];
		return 0;
	}
}

struct order {
	enum ri_sort_key key;
	int dir; /* 1: the key's own order, -1: inverted */
};

static int cmp_num(double a, double b)
{
	return a < b ? -1 : a > b;
}

static int cmp(const struct ri_sort_item *a, const struct ri_sort_item *b,
	       const struct order *o)
{
	int c;

	switch (o->key) {
	case RI_SORT_PID:
		c = cmp_num(a->pid, b->pid);
		break;
	case RI_SORT_COMM:
		c = strncmp(a->comm, b->comm, RI_COMM_LEN);
		break;
	case RI_SORT_USER:
		c = cmp_num(a->uid, b->uid);
		break;
	case RI_SORT_THREADS:
		c = -cmp_num(a->nthreads, b->nthreads);
		break;
	case RI_SORT_GROWTH:
		c = -cmp_num(a->growth, b->growth);
		break;
	case RI_SORT_NICE:
		c = -cmp_num(a->nice, b->nice);
		break;
	case RI_SORT_VIRT:
		c = -cmp_num((double)a->vm_bytes, (double)b->vm_bytes);
		break;
	case RI_SORT_START:
		c = -cmp_num((double)a->start_ns, (double)b->start_ns);
		break;
	case RI_SORT_HEADROOM:
		c = -cmp_num(a->room, b->room);
		break;
	case RI_SORT_ETA:
		/* The soonest first: what breaks next is what to look at. */
		c = cmp_num(a->eta, b->eta);
		break;
	default:
		if (o->key >= RI_SORT_CGV && o->key <= RI_SORT_CGV_LAST)
			c = -cmp_num(a->cgv[o->key - RI_SORT_CGV], b->cgv[o->key - RI_SORT_CGV]);
		else
			c = -cmp_num(fig_key(a->fig, o->key), fig_key(b->fig, o->key));
	}
	c *= o->dir;
	return c ? c : cmp_num(a->pid, b->pid);
}

void ri_sort_item_proc(struct ri_sort_item *it, const struct ri_proc *p)
{
	*it = (struct ri_sort_item){
		.fig = &p->fig, .comm = p->comm, .pid = p->pid,
		.nthreads = p->nthreads, .uid = p->uid, .nice = p->nice,
		.growth = p->growth.valid ? p->growth.bps : -INFINITY,
		.vm_bytes = p->vm_bytes, .start_ns = p->start_ns,
		.room = p->lim_known && p->scarce >= 0 ? p->room[p->scarce].pct : -INFINITY,
		.eta = p->lim_known && p->soonest >= 0 ? p->room[p->soonest].eta_s : INFINITY,
	};
	for (int i = 0; i < RI_CGV_COUNT; i++)
		it->cgv[i] = -INFINITY;
}

void ri_sort_item_thread(struct ri_sort_item *it, const struct ri_thread *t)
{
	*it = (struct ri_sort_item){
		.fig = &t->fig, .comm = t->comm, .pid = t->tid, .nthreads = 1,
		.uid = t->proc ? t->proc->uid : 0, .nice = t->nice,
		.growth = -INFINITY, .start_ns = t->start_ns,
		.room = -INFINITY, .eta = INFINITY,
	};
	for (int i = 0; i < RI_CGV_COUNT; i++)
		it->cgv[i] = -INFINITY;
}

static int cmp_proc(const void *a, const void *b, void *ctx)
{
	struct ri_sort_item x, y;

	ri_sort_item_proc(&x, *(struct ri_proc *const *)a);
	ri_sort_item_proc(&y, *(struct ri_proc *const *)b);
	return cmp(&x, &y, ctx);
}

static int cmp_thread(const void *a, const void *b, void *ctx)
{
	struct ri_sort_item x, y;

	ri_sort_item_thread(&x, *(struct ri_thread *const *)a);
	ri_sort_item_thread(&y, *(struct ri_thread *const *)b);
	/* A thread's own uid is its process's: not an order among threads. */
	x.uid = y.uid = 0;
	return cmp(&x, &y, ctx);
}

static int cmp_item(const void *a, const void *b, void *ctx)
{
	return cmp(a, b, ctx);
}

void ri_sort_items(struct ri_sort_item *v, size_t n, enum ri_sort_key k,
		   bool reverse)
{
	struct order o = { k, reverse ? -1 : 1 };

	if (n < 2)
		return;
	qsort_r(v, n, sizeof(*v), cmp_item, &o);
}

void ri_sort_procs(struct ri_proc **v, size_t n, enum ri_sort_key k,
		   bool reverse)
{
	struct order o = { k, reverse ? -1 : 1 };

	if (n < 2)
		return; /* qsort's pointer must not be NULL, even for nothing */
	qsort_r(v, n, sizeof(*v), cmp_proc, &o);
}

void ri_sort_threads(struct ri_thread **v, size_t n, enum ri_sort_key k,
		     bool reverse)
{
	struct order o = { k, reverse ? -1 : 1 };

	if (n < 2)
		return;
	qsort_r(v, n, sizeof(*v), cmp_thread, &o);
}
