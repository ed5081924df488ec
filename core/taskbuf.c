// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The task buffers every source fills: grown geometrically, then reused. */
#include <stdlib.h>
#include <string.h>

#include "source.h"

struct ri_task *ri_taskbuf_push(struct ri_taskbuf *b)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		struct ri_task *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		b->v = v;
		b->cap = cap;
	}
	memset(&b->v[b->n], 0, sizeof(b->v[0]));
	return &b->v[b->n++];
}

void ri_taskbuf_free(struct ri_taskbuf *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}
