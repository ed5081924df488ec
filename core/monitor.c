// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Source + model, ticked together; the choice kept in step with the
 * kernel-side filter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor.h"
#include "privs.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ri_monitor_tick(struct ri_monitor *mon)
{
	uint64_t now;
	double wall;
	int err;

	err = ri_source_drain(mon->src, &mon->live, &mon->exited);
	if (err)
		return err;
	/*
	 * Taken after the drain: the iterator's own estimate of a running
	 * task's time is as of now, give or take the read itself.
	 */
	now = mono_ns();
	wall = unix_now();
	return ri_model_update(mon->model, &mon->live, &mon->exited, now, wall,
			       mon->src->dropped, mon->src->events);
}

static int push_filter(struct ri_monitor *mon)
{
	struct ri_filter f;
	size_t need = mon->model->nchoice_pids + 1;

	if (need > mon->filter_cap) {
		pid_t *b = realloc(mon->filter_buf, need * sizeof(*b));

		if (!b)
			return -ENOMEM;
		mon->filter_buf = b;
		mon->filter_cap = need;
	}
	ri_model_filter(mon->model, &f, mon->filter_buf, mon->filter_cap);
	return ri_source_set_filter(mon->src, &f);
}

int ri_monitor_choose(struct ri_monitor *mon, const pid_t *pids, size_t npids,
		      const char (*names)[RI_COMM_LEN], size_t nnames)
{
	int err = ri_model_choose(mon->model, pids, npids, names, nnames);

	return err ? err : push_filter(mon);
}

int ri_monitor_open(struct ri_monitor_opts *o, struct ri_monitor **out,
		    char *err, size_t errlen)
{
	struct ri_monitor *mon = calloc(1, sizeof(*mon));
	int ret;

	if (!mon)
		return -ENOMEM;
	ret = ri_source_open(&o->src, &mon->src, err, errlen);
	if (ret) {
		free(mon);
		return ret;
	}
	o->model.missing_grace = mon->src->sees_short_lived ? 1 : 0;
	mon->model = ri_model_new(&o->model);
	if (!mon->model) {
		ri_monitor_close(mon);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/*
	 * Attached: from here on the tool only reads file descriptors and
	 * /proc, so the rest of root's power goes.
	 */
	if (o->drop_privileges)
		ri_drop_privileges();
	/* The first drain only sets every task's starting point. */
	ret = ri_monitor_tick(mon);
	if (ret) {
		snprintf(err, errlen, "first read of the %s source failed: %s",
			 mon->src->ops->name, strerror(-ret));
		ri_monitor_close(mon);
		return ret;
	}
	*out = mon;
	return 0;
}

void ri_monitor_close(struct ri_monitor *mon)
{
	if (!mon)
		return;
	ri_source_close(mon->src);
	ri_model_free(mon->model);
	ri_taskbuf_free(&mon->live);
	ri_taskbuf_free(&mon->exited);
	free(mon->filter_buf);
	free(mon);
}
