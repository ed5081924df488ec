// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The task buffers every source fills: grown geometrically, then reused. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source.h"

int ri_taskbuf_reserve(struct ri_taskbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 64;
	struct ri_task *v;

	if (b->n + more <= b->cap)
		return 0;
	while (cap < b->n + more)
		cap *= 2;
	v = realloc(b->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	b->cap = cap;
	return 0;
}

struct ri_task *ri_taskbuf_push(struct ri_taskbuf *b)
{
	if (b->n == b->cap && ri_taskbuf_reserve(b, 1))
		return NULL;
	memset(&b->v[b->n], 0, sizeof(b->v[0]));
	return &b->v[b->n++];
}

void ri_taskbuf_free(struct ri_taskbuf *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/*
 * Only a buffer of 64 pages or more: the whole pages inside it, never
 * those it shares with the allocator's bookkeeping or its neighbours.
 */
void ri_taskbuf_shed(struct ri_taskbuf *b)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)b->v, hi = lo + b->cap * sizeof(b->v[0]);

	lo = (lo + page - 1) / page * page;
	hi = hi / page * page;
	if (b->v && hi > lo && hi - lo >= 64 * page)
		(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}
