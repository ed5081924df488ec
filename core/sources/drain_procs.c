// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A drain of thread records made into a drain of process records, the
 * kind the kernel's per-process walk delivers (see ri_iter_procs in
 * bpf/resource_image.bpf.c), for ticks that show no thread row while the
 * source had to read every thread: a recording keeps them all, and a
 * kernel without the open-coded task iterators has no per-process walk.
 * Then the model's work and memory grow with the processes, not the
 * threads, whatever the source read. A replay sums the recorded threads
 * the same way, so it prints what the live run printed.
 *
 * A process's record is its leader's identity with the sums over its
 * live threads, as the kernel's. One difference in what the drain holds:
 * a thread walk reads its exits after the walk, so a thread that died in
 * between is in both; its exit carries its final counters and it leaves
 * the live sums here, as it had left the kernel's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "source.h"

static uint32_t hash32(uint32_t x)
{
	x *= 0x9e3779b1u;
	return x ^ (x >> 16);
}

/* Room for @n keys at most half full; slots hold index + 1, 0 = empty. */
static int table_reserve(struct ri_drain_procs *f, size_t n)
{
	size_t want = 64;

	while (want < 2 * n)
		want *= 2;
	if (want > f->nslot) {
		uint32_t *s = malloc(want * sizeof(*s));

		if (!s)
			return -ENOMEM;
		free(f->slot);
		f->slot = s;
		f->nslot = want;
	}
	memset(f->slot, 0, f->nslot * sizeof(*f->slot));
	return 0;
}

/* Whether @r died in this drain: its exit is in @ex (pid, start). */
static bool exited_here(const struct ri_drain_procs *f, const struct ri_taskbuf *ex,
			const struct ri_task *r)
{
	size_t mask = f->nslot - 1, i;

	for (i = hash32(r->pid) & mask; f->slot[i]; i = (i + 1) & mask) {
		const struct ri_task *e = &ex->v[f->slot[i] - 1];

		if (e->pid == r->pid && e->start_ns == r->start_ns)
			return true;
	}
	return false;
}

/* @p takes the leader @t's identity, keeping the sums. */
static void name_after(struct ri_task *p, const struct ri_task *t)
{
	struct ri_counters sums;
	__u32 nthreads = p->nthreads;

	ri_counters_get(&sums, p);
	*p = *t;
	ri_counters_put(p, &sums);
	p->nthreads = nthreads;
	p->flags |= RI_F_PROC;
}

static struct ri_task *start_proc(struct ri_taskbuf *out, const struct ri_task *t)
{
	struct ri_task *p = ri_taskbuf_push(out);

	if (!p)
		return NULL;
	*p = *t;
	ri_counters_put(p, &(struct ri_counters){ 0 });
	p->nthreads = 0;
	/* Named by a thread until its leader is met (a zombie never is). */
	p->pid = t->tgid;
	p->start_ns = t->pstart_ns;
	p->flags |= RI_F_PROC;
	return p;
}

int ri_drain_procs_sum(struct ri_drain_procs *f, const struct ri_drain *in, const struct ri_drain **out)
{
	const struct ri_taskbuf *live = &in->live, *ex = &in->exited;
	struct ri_task *p = NULL; /* the process of the last thread */
	size_t mask, i, j;
	int err;

	*out = in;
	if (in->per_process)
		return 0;
	f->live.n = 0;
	if ((err = ri_taskbuf_reserve(&f->live, live->n)))
		return err;
	if (live->n > f->skip_cap) {
		bool *b = realloc(f->skip, live->n * sizeof(*b));

		if (!b)
			return -ENOMEM;
		f->skip = b;
		f->skip_cap = live->n;
	}
	/* The exits first, then the same table for the processes. */
	if ((err = table_reserve(f, ex->n > live->n ? ex->n : live->n)))
		return err;
	mask = f->nslot - 1;
	if (ex->n && !in->exits_first) {
		for (j = 0; j < ex->n; j++) {
			for (i = hash32(ex->v[j].pid) & mask; f->slot[i]; i = (i + 1) & mask)
				;
			f->slot[i] = (uint32_t)j + 1;
		}
		for (j = 0; j < live->n; j++)
			f->skip[j] = exited_here(f, ex, &live->v[j]);
		memset(f->slot, 0, f->nslot * sizeof(*f->slot));
	} else {
		memset(f->skip, 0, live->n * sizeof(*f->skip));
	}
	for (j = 0; j < live->n; j++) {
		const struct ri_task *t = &live->v[j];

		if (f->skip[j])
			continue;
		/* A walk gives a process's threads one after the other. */
		if (!p || p->tgid != t->tgid) {
			p = NULL;
			for (i = hash32(t->tgid) & mask; f->slot[i]; i = (i + 1) & mask)
				if (f->live.v[f->slot[i] - 1].tgid == t->tgid) {
					p = &f->live.v[f->slot[i] - 1];
					break;
				}
		}
		if (!p) {
			if (!(p = start_proc(&f->live, t)))
				return -ENOMEM;
			f->slot[i] = (uint32_t)f->live.n;
		}
		if (t->pid == t->tgid)
			name_after(p, t);
		/* Threads share the process's memory: any live one tells it. */
		if (t->rss_pages > p->rss_pages)
			p->rss_pages = t->rss_pages;
		ri_counters_add_task(p, t);
		p->nthreads++;
	}
	f->out = *in;
	f->out.live = f->live;
	f->out.per_process = true;
	*out = &f->out;
	return 0;
}

void ri_drain_procs_free(struct ri_drain_procs *f)
{
	ri_taskbuf_free(&f->live);
	free(f->slot);
	free(f->skip);
	memset(f, 0, sizeof(*f));
}
