// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The row seam (see rows.h). Expansion is kept by PID and the selection
 * by PID/TID, so both survive refreshes, re-sorting and processes coming
 * and going.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"

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
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

bool ri_rows_is_expanded(const struct ri_rows *r, pid_t pid)
{
	size_t i;

	for (i = 0; i < r->nexpanded; i++)
		if (r->expanded[i] == pid)
			return true;
	return false;
}

int ri_rows_set_expanded(struct ri_rows *r, pid_t pid, bool on)
{
	size_t i;

	for (i = 0; i < r->nexpanded; i++) {
		if (r->expanded[i] != pid)
			continue;
		if (!on)
			r->expanded[i] = r->expanded[--r->nexpanded];
		return 0;
	}
	if (!on)
		return 0;
	if (grow((void **)&r->expanded, &r->expanded_cap, r->nexpanded + 1,
		 sizeof(pid_t)))
		return -ENOMEM;
	r->expanded[r->nexpanded++] = pid;
	return 0;
}

static bool has_substr_nocase(const char *hay, size_t n, const char *needle)
{
	size_t i, j, k = strlen(needle);

	for (i = 0; i + k <= n && hay[i]; i++) {
		for (j = 0; j < k; j++) {
			unsigned char a = (unsigned char)hay[i + j];
			unsigned char b = (unsigned char)needle[j];

			if (!a)
				return false;
			if (a >= 'A' && a <= 'Z')
				a += 'a' - 'A';
			if (b >= 'A' && b <= 'Z')
				b += 'a' - 'A';
			if (a != b)
				break;
		}
		if (j == k)
			return true;
	}
	return false;
}

bool ri_row_matches(const struct ri_row *row, const char *needle)
{
	char pid[16];

	if (!needle || !needle[0])
		return true;
	if (has_substr_nocase(row->t ? row->t->comm : row->p->comm, RI_COMM_LEN,
			      needle))
		return true;
	snprintf(pid, sizeof(pid), "%d", row->t ? row->t->tid : row->p->pid);
	return !strncmp(pid, needle, strlen(needle));
}

/* A process stays when it or one of its threads matches the filter. */
static bool proc_matches(struct ri_proc *p, const char *filter)
{
	struct ri_row row = { .kind = RI_ROW_PROC, .p = p };
	struct ri_thread *t;

	if (ri_row_matches(&row, filter))
		return true;
	for (t = p->threads; t; t = t->next) {
		row.t = t;
		if (ri_row_matches(&row, filter))
			return true;
	}
	return false;
}

static int push_row(struct ri_rows *r, const struct ri_row *row)
{
	if (grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v)))
		return -ENOMEM;
	r->v[r->n++] = *row;
	return 0;
}

static int push_threads(struct ri_rows *r, struct ri_proc *p,
			const struct ri_rows_opts *o)
{
	struct ri_thread *t;
	size_t n = 0, i;

	for (t = p->threads; t; t = t->next)
		n++;
	if (!n)
		return 0;
	if (grow((void **)&r->tbuf, &r->tbuf_cap, n, sizeof(*r->tbuf)))
		return -ENOMEM;
	n = 0;
	for (t = p->threads; t; t = t->next)
		r->tbuf[n++] = t;
	ri_sort_threads(r->tbuf, n, o->sort, o->reverse);
	for (i = 0; i < n; i++) {
		struct ri_row row = { .kind = RI_ROW_THREAD, .p = p,
				      .t = r->tbuf[i], .last = i == n - 1 };

		if (push_row(r, &row))
			return -ENOMEM;
	}
	return 0;
}

/* Puts the selection back on the task it was on, wherever it moved. */
static void follow_selection(struct ri_rows *r)
{
	size_t i;

	/* Until the user moves, the cursor stays on the top (busiest) row. */
	if (!r->pinned) {
		ri_rows_select(r, 0);
		return;
	}
	for (i = 0; i < r->n; i++) {
		const struct ri_row *row = &r->v[i];

		if (row->p->pid == r->sel_pid &&
		    (row->t ? row->t->tid : 0) == r->sel_tid) {
			r->sel = i;
			return;
		}
	}
	/* A vanished thread: fall back to its process, else keep the slot. */
	for (i = 0; i < r->n; i++) {
		if (r->v[i].p->pid == r->sel_pid && !r->v[i].t) {
			ri_rows_select(r, i);
			return;
		}
	}
	ri_rows_select(r, r->n && r->sel >= r->n ? r->n - 1 : r->sel);
}

int ri_rows_build(struct ri_rows *r, const struct ri_model *m,
		  const struct ri_rows_opts *o)
{
	size_t i;
	int err = 0;

	r->n = 0;
	/* Sort a copy: the model's own array is the model's business. */
	if (grow((void **)&r->pbuf, &r->pbuf_cap, m->nprocs + 1, sizeof(*r->pbuf)))
		return -ENOMEM;
	if (m->nprocs)
		memcpy(r->pbuf, m->procs, m->nprocs * sizeof(*r->pbuf));
	ri_sort_procs(r->pbuf, m->nprocs, o->sort, o->reverse);
	for (i = 0; i < m->nprocs && !err; i++) {
		struct ri_proc *p = r->pbuf[i];
		struct ri_row row = { .kind = RI_ROW_PROC, .p = p };

		if (!proc_matches(p, o->filter))
			continue;
		row.expanded = o->all_threads || ri_rows_is_expanded(r, p->pid);
		err = push_row(r, &row);
		if (!err && row.expanded)
			err = push_threads(r, p, o);
	}
	follow_selection(r);
	return err;
}

void ri_rows_select(struct ri_rows *r, size_t i)
{
	if (!r->n) {
		r->sel = 0;
		return;
	}
	if (i >= r->n)
		i = r->n - 1;
	r->sel = i;
	r->sel_pid = r->v[i].p->pid;
	r->sel_tid = r->v[i].t ? r->v[i].t->tid : 0;
}

void ri_rows_pick(struct ri_rows *r, size_t i)
{
	r->pinned = true;
	ri_rows_select(r, i);
}

void ri_rows_move(struct ri_rows *r, long delta)
{
	long i = (long)r->sel + delta;

	r->pinned = true;
	if (i < 0)
		i = 0;
	ri_rows_select(r, (size_t)i);
}

const struct ri_row *ri_rows_selected(const struct ri_rows *r)
{
	return r->sel < r->n ? &r->v[r->sel] : NULL;
}

void ri_rows_free(struct ri_rows *r)
{
	free(r->v);
	free(r->expanded);
	free(r->pbuf);
	free(r->tbuf);
	memset(r, 0, sizeof(*r));
}
