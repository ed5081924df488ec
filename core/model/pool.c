// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pools of thread and process nodes. Freed nodes are kept for reuse, so a
 * steady churn allocates nothing; past POOL_KEEP, storms give memory back.
 * A node keeps its history ring while pooled (every ring of a model has
 * the same size), emptied for its next task.
 */
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

#define POOL_KEEP 4096

struct ri_thread *ri_pool_thread(struct ri_model_priv *p)
{
	struct ri_thread *t = p->free_threads;
	struct ri_hist *h = NULL;

	if (t) {
		p->free_threads = t->next;
		p->nfree_threads--;
		h = t->hist;
	} else {
		t = malloc(sizeof(*t));
		if (!t)
			return NULL;
	}
	memset(t, 0, sizeof(*t));
	ri_hist_clear(h);
	t->hist = h;
	return t;
}

void ri_pool_put_thread(struct ri_model_priv *p, struct ri_thread *t)
{
	if (p->nfree_threads >= POOL_KEEP) {
		free(t->hist);
		free(t);
		return;
	}
	t->next = p->free_threads;
	p->free_threads = t;
	p->nfree_threads++;
}

struct ri_proc *ri_pool_proc(struct ri_model_priv *p)
{
	struct ri_proc *pr = p->free_procs;
	struct ri_hist *h = NULL;
	struct ri_counts_hist *c = NULL;

	if (pr) {
		p->free_procs = pr->all_next;
		p->nfree_procs--;
		h = pr->hist;
		c = pr->counts;
	} else {
		pr = malloc(sizeof(*pr));
		if (!pr)
			return NULL;
	}
	memset(pr, 0, sizeof(*pr));
	ri_hist_clear(h);
	pr->hist = h;
	if (c)
		c->len = c->head = 0;
	pr->counts = c;
	pr->scarce = pr->soonest = -1;
	pr->cgi = -1;
	return pr;
}

void ri_pool_put_proc(struct ri_model_priv *p, struct ri_proc *pr)
{
	if (p->nfree_procs >= POOL_KEEP) {
		free(pr->hist);
		free(pr->counts);
		free(pr);
		return;
	}
	pr->all_next = p->free_procs;
	p->free_procs = pr;
	p->nfree_procs++;
}

/* Every node, in use or pooled. */
void ri_pool_free(struct ri_model_priv *p)
{
	struct ri_proc *pr, *pn;
	struct ri_thread *t, *tn;

	for (pr = p->all; pr; pr = pn) {
		pn = pr->all_next;
		for (t = pr->threads; t; t = tn) {
			tn = t->next;
			free(t->hist);
			free(t);
		}
		free(pr->hist);
		free(pr->counts);
		free(pr);
	}
	p->all = NULL;
	for (t = p->free_threads; t; t = tn) {
		tn = t->next;
		free(t->hist);
		free(t);
	}
	for (pr = p->free_procs; pr; pr = pn) {
		pn = pr->all_next;
		free(pr->hist);
		free(pr->counts);
		free(pr);
	}
	p->free_threads = NULL;
	p->free_procs = NULL;
	p->nfree_threads = p->nfree_procs = 0;
}
