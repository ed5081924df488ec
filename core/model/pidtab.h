/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pid -> node: open addressing with linear probing and backward-shift
 * deletion, so a long churn of tasks never leaves tombstones behind.
 * Key 0 means empty (pid 0 is the idle task, never a row).
 */
#ifndef RI_PIDTAB_H
#define RI_PIDTAB_H

#include <stddef.h>
#include <stdint.h>

struct ri_pidtab {
	uint32_t *keys;
	void **vals;
	size_t cap, n; /* cap is a power of two */
};

void *ri_pidtab_get(const struct ri_pidtab *t, uint32_t key);
/* Inserts or replaces; 0, -EINVAL (key 0) or -ENOMEM. */
int ri_pidtab_put(struct ri_pidtab *t, uint32_t key, void *val);
void ri_pidtab_del(struct ri_pidtab *t, uint32_t key);
void ri_pidtab_free(struct ri_pidtab *t);

#endif /* RI_PIDTAB_H */
