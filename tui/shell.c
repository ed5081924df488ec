// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The shell under every screen: the passing message on the footer, the
 * refresh delay, the choice of processes, and the rows rebuilt from the
 * model. Screens call these; this file calls no screen.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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
	};

	if (v->m && ri_rows_build(&v->rows, v->m, &o))
		tui_message(v, "out of memory building the table");
}
