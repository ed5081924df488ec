// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The table's rows: the model's processes sorted and filtered, with the
 * threads of expanded processes inlined under them. Expansion is kept by
 * PID and the selection by PID/TID, so both survive refreshes, re-sorting
 * and processes coming and going.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "view.h"

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

bool rows_is_expanded(const struct tui *v, pid_t pid)
{
	size_t i;

	for (i = 0; i < v->nexpanded; i++)
		if (v->expanded[i] == pid)
			return true;
	return false;
}

void rows_set_expanded(struct tui *v, pid_t pid, bool on)
{
	size_t i;

	for (i = 0; i < v->nexpanded; i++) {
		if (v->expanded[i] != pid)
			continue;
		if (!on)
			v->expanded[i] = v->expanded[--v->nexpanded];
		return;
	}
	if (on && !grow((void **)&v->expanded, &v->expanded_cap,
			v->nexpanded + 1, sizeof(pid_t)))
		v->expanded[v->nexpanded++] = pid;
}

/* Case-insensitive match on the name or a PID/TID prefix. */
bool rows_match(const struct row *r, const char *needle)
{
	char pid[16];

	if (!needle[0])
		return true;
	if (strcasestr(r->t ? r->t->comm : r->p->comm, needle))
		return true;
	snprintf(pid, sizeof(pid), "%d", r->t ? r->t->tid : r->p->pid);
	return !strncmp(pid, needle, strlen(needle));
}

static bool proc_matches(const struct tui *v, struct ri_proc *p)
{
	struct row r = { .p = p };
	struct ri_thread *t;

	if (rows_match(&r, v->filter))
		return true;
	/* A process stays when one of its threads matches the filter. */
	for (t = p->threads; t; t = t->next) {
		r.t = t;
		if (rows_match(&r, v->filter))
			return true;
	}
	return false;
}

static int push_row(struct tui *v, struct ri_proc *p, struct ri_thread *t,
		    bool last)
{
	if (grow((void **)&v->rows, &v->rows_cap, v->nrows + 1,
		 sizeof(struct row)))
		return -1;
	v->rows[v->nrows++] = (struct row){ .p = p, .t = t, .last = last };
	return 0;
}

static void push_threads(struct tui *v, struct ri_proc *p)
{
	struct ri_thread *t;
	size_t n = 0, i;

	for (t = p->threads; t; t = t->next)
		n++;
	if (!n || grow((void **)&v->tbuf, &v->tbuf_cap, n, sizeof(*v->tbuf)))
		return;
	n = 0;
	for (t = p->threads; t; t = t->next)
		v->tbuf[n++] = t;
	ri_sort_threads(v->tbuf, n, v->sort, v->reverse);
	for (i = 0; i < n; i++)
		push_row(v, p, v->tbuf[i], i == n - 1);
}

/* Puts the selection back on the task it was on, wherever it moved. */
static void follow_selection(struct tui *v)
{
	size_t i;

	/* Until the user moves, the cursor stays on the top (busiest) row. */
	if (!v->user_moved) {
		rows_select(v, 0);
		return;
	}
	for (i = 0; i < v->nrows; i++) {
		const struct row *r = &v->rows[i];

		if (r->p->pid == v->sel_pid &&
		    (r->t ? r->t->tid : 0) == v->sel_tid) {
			v->sel = i;
			return;
		}
	}
	/* A vanished thread: fall back to its process, else keep the slot. */
	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].p->pid == v->sel_pid && !v->rows[i].t) {
			rows_select(v, i);
			return;
		}
	}
	rows_select(v, v->nrows && v->sel >= v->nrows ? v->nrows - 1 : v->sel);
}

void rows_rebuild(struct tui *v)
{
	struct ri_model *m = v->m;
	size_t i;

	v->nrows = 0;
	if (!m)
		return;
	/* Sort a copy: the model's own array is the model's business. */
	if (grow((void **)&v->pbuf, &v->pbuf_cap, m->nprocs + 1,
		 sizeof(*v->pbuf)))
		return;
	memcpy(v->pbuf, m->procs, m->nprocs * sizeof(*v->pbuf));
	ri_sort_procs(v->pbuf, m->nprocs, v->sort, v->reverse);
	for (i = 0; i < m->nprocs; i++) {
		struct ri_proc *p = v->pbuf[i];

		if (!proc_matches(v, p))
			continue;
		push_row(v, p, NULL, false);
		if (v->all_threads || rows_is_expanded(v, p->pid))
			push_threads(v, p);
	}
	follow_selection(v);
}

void rows_select(struct tui *v, size_t i)
{
	if (!v->nrows) {
		v->sel = 0;
		return;
	}
	if (i >= v->nrows)
		i = v->nrows - 1;
	v->sel = i;
	v->sel_pid = v->rows[i].p->pid;
	v->sel_tid = v->rows[i].t ? v->rows[i].t->tid : 0;
}

/* The user puts the cursor somewhere: from now on it follows that task. */
void rows_pick(struct tui *v, size_t i)
{
	v->user_moved = true;
	rows_select(v, i);
}

void rows_move(struct tui *v, long delta)
{
	long i = (long)v->sel + delta;

	v->user_moved = true;
	if (i < 0)
		i = 0;
	rows_select(v, (size_t)i);
}

void rows_free(struct tui *v)
{
	free(v->rows);
	free(v->expanded);
	free(v->tbuf);
	free(v->pbuf);
}
