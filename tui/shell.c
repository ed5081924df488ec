// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The shell under every screen: the passing message on the footer, the
 * refresh delay, the choice of processes, the rows rebuilt from the
 * model, the monitor's options (live and replayed), and the stack of
 * overlays (opening one puts it on top; screen.c draws the stack and
 * routes the input to its top). Screens call these; this file calls no
 * screen.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "view.h"

double tui_now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void tui_message(struct tui *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
	v->msg_until = tui_now_real() + 4;
}

void tui_set_delay(struct tui *v, double d)
{
	v->delay = d;
	tui_message(v, "refresh every %g s", d);
}

enum ri_next tui_apply_choice(struct tui *v, const pid_t *pids, size_t n,
			      const char (*names)[RI_COMM_LEN], size_t nnames)
{
	int ret = ri_monitor_choose(v->mon, pids, n, names, nnames);

	if (ret == -E2BIG)
		tui_message(v, "at most %d processes and %d names can be chosen",
			    RI_MAX_CHOSEN_PIDS, RI_MAX_CHOSEN_NAMES);
	else if (ret < 0)
		tui_message(v, "could not apply the choice: %s", strerror(-ret));
	return NEXT_REBUILD;
}

void tui_rebuild_rows(struct tui *v)
{
	struct ri_rows_opts o = {
		.sort = v->sort,
		.reverse = v->reverse,
		.all_threads = v->all_threads,
		.filter = v->filter,
		.view = v->view,
		.fold = v->fold,
		.hide_kthreads = v->hide_kthreads,
		.by_user = v->by_user,
		.uid = v->user,
		.group_history = true,
	};
	size_t i;

	if (!v->m)
		return;
	if (ri_rows_build(&v->rows, v->m, &o)) {
		tui_message(v, "out of memory building the table");
		return;
	}
	if (!v->follow)
		return;
	/* F: the followed process, wherever it went; said once when it is gone. */
	for (i = 0; i < v->rows.n; i++) {
		const struct ri_row *r = &v->rows.v[i];

		if (r->kind == RI_ROW_PROC && !r->member && r->p->pid == v->follow_pid) {
			ri_rows_pick(&v->rows, i);
			if (r->p->exited) {
				tui_message(v, "%d exited; no longer following", v->follow_pid);
				v->follow = false;
			}
			return;
		}
	}
	tui_message(v, "%d is not listed; no longer following", v->follow_pid);
	v->follow = false;
}

bool overlay_push(struct tui *v, const struct overlay *o)
{
	overlay_pop(v, o);
	if (v->nov >= OVERLAY_MAX)
		return false;
	v->ov[v->nov++] = o;
	return true;
}

void overlay_pop(struct tui *v, const struct overlay *o)
{
	int i, k = 0;

	for (i = 0; i < v->nov; i++)
		if (v->ov[i] != o)
			v->ov[k++] = v->ov[i];
	v->nov = k;
}

enum ri_next overlay_wheel_keys(struct tui *v,
				enum ri_next (*key)(struct tui *v, int ch),
				int dir, int n)
{
	enum ri_next next = NEXT_NONE;

	while (n-- > 0)
		next |= key(v, dir < 0 ? KEY_UP : KEY_DOWN);
	return next;
}
