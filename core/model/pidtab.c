// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The model's pid tables (see pidtab.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pidtab.h"

static size_t slot(const struct ri_pidtab *t, uint32_t key)
{
	/* Fibonacci hashing: pids are dense, this spreads them. */
	return (size_t)((key * 2654435769u) >> 7) & (t->cap - 1);
}

void *ri_pidtab_get(const struct ri_pidtab *t, uint32_t key)
{
	size_t i;

	if (!t->cap || !key)
		return NULL;
	for (i = slot(t, key); t->keys[i]; i = (i + 1) & (t->cap - 1))
		if (t->keys[i] == key)
			return t->vals[i];
	return NULL;
}

static int grow(struct ri_pidtab *t)
{
	struct ri_pidtab n = { .cap = t->cap ? t->cap * 2 : 1024 };
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
			ri_pidtab_put(&n, t->keys[i], t->vals[i]);
	free(t->keys);
	free(t->vals);
	*t = n;
	return 0;
}

int ri_pidtab_put(struct ri_pidtab *t, uint32_t key, void *val)
{
	size_t i;

	if (!key)
		return -EINVAL;
	if ((t->n + 1) * 2 > t->cap && grow(t))
		return -ENOMEM;
	for (i = slot(t, key); t->keys[i]; i = (i + 1) & (t->cap - 1)) {
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

void ri_pidtab_del(struct ri_pidtab *t, uint32_t key)
{
	size_t i, j, k, mask = t->cap - 1;

	if (!t->cap || !key)
		return;
	for (i = slot(t, key); t->keys[i]; i = (i + 1) & mask)
		if (t->keys[i] == key)
			break;
	if (!t->keys[i])
		return;
	/* Shift later members of the cluster back so probes stay unbroken. */
	for (j = (i + 1) & mask; t->keys[j]; j = (j + 1) & mask) {
		k = slot(t, t->keys[j]);
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

void ri_pidtab_free(struct ri_pidtab *t)
{
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}
