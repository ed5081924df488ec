// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Source + model, ticked together, and the alerts evaluated on the
 * model's figures; the choice kept in step with the kernel-side filter;
 * privileges given up once attached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor.h"
#include "privs.h"

struct ri_monitor {
	struct ri_source *src;
	struct ri_model *model;
	struct ri_drain drain;
	const char *proc_root;
	pid_t *filter_buf;
	size_t filter_cap;
	struct ri_sink *sinks;
	double tick_s; /* the last complete tick's wall time */
	struct ri_alerts *alerts;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ri_monitor_tick(struct ri_monitor *mon)
{
	struct ri_sink *s;
	double t0 = mono_s();
	int err;

	err = ri_source_drain(mon->src, &mon->drain);
	if (err)
		return err;
	err = ri_model_update(mon->model, &mon->drain);
	if (err)
		return err;
	if (mon->alerts && (err = ri_alerts_eval(mon->alerts, mon->model)))
		return err;
	for (s = mon->sinks; s; s = s->next)
		s->tick(s, mon);
	mon->tick_s = mono_s() - t0;
	return 0;
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

int ri_monitor_attach(struct ri_monitor_opts *o, struct ri_source *src,
		      struct ri_monitor **out, char *err, size_t errlen)
{
	struct ri_monitor *mon = calloc(1, sizeof(*mon));
	int ret;

	if (!mon) {
		ri_source_close(src);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	mon->src = src;
	mon->proc_root = o->src.proc_root;
	o->model.missing_grace = src->sees_short_lived ? 1 : 0;
	mon->model = ri_model_new(&o->model);
	if (o->alerts && o->alerts->n)
		mon->alerts = ri_alerts_new(o->alerts);
	if (!mon->model || (o->alerts && o->alerts->n && !mon->alerts)) {
		ri_monitor_close(mon);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/*
	 * Attached: from here on the tool only reads file descriptors it
	 * holds and /proc, so the rest of root's power goes, in every mode.
	 */
	if (!o->keep_privileges)
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

int ri_monitor_open(struct ri_monitor_opts *o, struct ri_monitor **out,
		    char *err, size_t errlen)
{
	struct ri_source *src;
	int ret = ri_source_open(&o->src, &src, err, errlen);

	if (ret)
		return ret;
	return ri_monitor_attach(o, src, out, err, errlen);
}

void ri_monitor_close(struct ri_monitor *mon)
{
	if (!mon)
		return;
	ri_source_close(mon->src);
	ri_model_free(mon->model);
	ri_alerts_free(mon->alerts);
	ri_drain_free(&mon->drain);
	free(mon->filter_buf);
	free(mon);
}

const struct ri_model *ri_monitor_model(const struct ri_monitor *mon)
{
	return mon->model;
}

void ri_monitor_info(const struct ri_monitor *mon, struct ri_monitor_info *out)
{
	const struct ri_source *s = mon->src;

	out->source = s->ops->name;
	out->probe = s->probe ? s->probe : "none";
	out->sees_short_lived = s->sees_short_lived;
	out->degraded = !strcmp(out->probe, "none");
	out->tick_s = mon->tick_s;
}

const struct ri_alerts *ri_monitor_alerts(const struct ri_monitor *mon)
{
	return mon->alerts;
}

const struct ri_drain *ri_monitor_drain(const struct ri_monitor *mon)
{
	return &mon->drain;
}

int ri_monitor_proc_list(const struct ri_monitor *mon, struct ri_proc_list *out)
{
	if (mon->src->ops->proc_list)
		return mon->src->ops->proc_list(mon->src, out);
	return ri_proc_list_read(out, mon->proc_root);
}

void ri_monitor_add_sink(struct ri_monitor *mon, struct ri_sink *s)
{
	struct ri_sink **p = &mon->sinks;

	while (*p)
		p = &(*p)->next;
	s->next = NULL;
	*p = s;
}
