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
#include "record.h"

struct ri_monitor {
	struct ri_source *src;
	struct ri_model *model;
	struct ri_model_opts mopts;
	bool own_choice; /* the front end chose: a recording's choices no longer hold */
	struct ri_drain drain;
	const char *proc_root;
	pid_t *filter_buf;
	size_t filter_cap;
	struct ri_sink *sinks;
	double tick_s; /* the last complete tick's wall time */
	struct ri_alerts *alerts;
	const struct ri_ruleset *rules; /* what alerts evaluates, kept for a restart */
	/*
	 * A replay given no rules: alerts holds the recorded transitions,
	 * applied each tick, instead of rules evaluated afresh.
	 */
	bool recorded_alerts;
	/* No thread row is shown: the model gets the drain summed per process. */
	bool sum_procs;
	struct ri_drain_procs procs_sum;
};

static int push_filter(struct ri_monitor *mon);

/* A replay takes the choice the live run had in force at each drain. */
static int follow_recording(struct ri_monitor *mon)
{
	const struct ri_rec_choice *c = mon->src->ops->recorded_choice(mon->src);
	struct ri_model *m = mon->model;
	bool same;
	size_t i;
	int err;

	if (!c)
		return 0;
	same = c->npids == m->nchoice_pids && c->nnames == m->nchoice_names;
	for (i = 0; same && i < c->npids; i++)
		same = c->pids[i] == m->choice_pids[i];
	for (i = 0; same && i < c->nnames; i++)
		same = !strncmp(c->names[i], m->choice_names[i], RI_COMM_LEN);
	if (same)
		return 0;
	err = ri_model_choose(m, c->pids, c->npids,
			      (const char(*)[RI_COMM_LEN])c->names, c->nnames);
	if (err)
		return err;
	/* Bound to the processes the live run bound them to. */
	for (i = 0; i < c->npids; i++)
		if (c->starts[i])
			m->choice_starts[i] = c->starts[i];
	return push_filter(mon);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ri_monitor_tick(struct ri_monitor *mon)
{
	const struct ri_drain *md = &mon->drain;
	struct ri_sink *s;
	double t0 = mono_s();
	int err;

	if (mon->src->ops->recorded_choice && !mon->own_choice &&
	    (err = follow_recording(mon)))
		return err;
	err = ri_source_drain(mon->src, &mon->drain);
	if (err)
		return err;
	if (mon->sum_procs && (err = ri_drain_procs_sum(&mon->procs_sum, &mon->drain, &md)))
		return err;
	err = ri_model_update(mon->model, md);
	if (err)
		return err;
	if (mon->recorded_alerts) {
		const struct ri_alert_transition *v;
		size_t n = mon->src->ops->recorded_alerts(mon->src, &v);

		if ((err = ri_alerts_apply(mon->alerts, mon->model, v, n)))
			return err;
	} else if (mon->alerts && (err = ri_alerts_eval(mon->alerts, mon->model))) {
		return err;
	}
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

	mon->own_choice = true;
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
	/*
	 * Only a source that sees every exit: the per-process sums count a
	 * dead thread's last slice by its exit record, which procfs has not.
	 */
	mon->sum_procs = o->sum_threads && src->sees_short_lived;
	mon->mopts = o->model;
	mon->model = ri_model_new(&o->model);
	if (o->alerts && o->alerts->n) {
		mon->rules = o->alerts;
		mon->alerts = ri_alerts_new(o->alerts);
	} else if (src->ops->recorded_alerts) {
		/* No rules of its own: a replay shows the ones recorded. */
		mon->recorded_alerts = true;
		mon->alerts = ri_alerts_new(NULL);
	}
	if (!mon->model || ((mon->rules || mon->recorded_alerts) && !mon->alerts)) {
		ri_monitor_close(mon);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((o->npids || o->nnames) &&
	    (ret = ri_monitor_choose(mon, o->pids, o->npids, o->names, o->nnames))) {
		snprintf(err, errlen, "cannot apply the choice: %s", strerror(-ret));
		ri_monitor_close(mon);
		return ret;
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
			 mon->src->name ? mon->src->name : mon->src->ops->name,
			 strerror(-ret));
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
	ri_drain_procs_free(&mon->procs_sum);
	free(mon->filter_buf);
	free(mon);
}

int ri_monitor_restart(struct ri_monitor *mon)
{
	struct ri_model *old = mon->model, *m = ri_model_new(&mon->mopts);
	struct ri_alerts *a = NULL;
	int err = 0;

	/*
	 * The alerts start afresh too: a rule pending or firing at the time
	 * left says nothing of the time jumped to.
	 */
	if (m && (mon->rules || mon->recorded_alerts) &&
	    !(a = ri_alerts_new(mon->rules))) {
		ri_model_free(m);
		return -ENOMEM;
	}
	if (!m)
		return -ENOMEM;
	if (mon->own_choice && ri_model_has_choice(old)) {
		err = ri_model_choose(m, old->choice_pids, old->nchoice_pids,
				      (const char(*)[RI_COMM_LEN])old->choice_names,
				      old->nchoice_names);
		if (!err)
			memcpy(m->choice_starts, old->choice_starts,
			       old->nchoice_pids * sizeof(*m->choice_starts));
	}
	if (err) {
		ri_alerts_free(a);
		ri_model_free(m);
		return err;
	}
	if (a) {
		ri_alerts_free(mon->alerts);
		mon->alerts = a;
	}
	{
		/*
		 * The new model takes the old one's place in memory: front ends
		 * keep the pointer ri_monitor_model gave them (their rows do
		 * not: they are rebuilt after).
		 */
		struct ri_model t = *old;

		*old = *m;
		*m = t;
		ri_model_free(m);
	}
	/* The first drain only sets every task's starting point. */
	return ri_monitor_tick(mon);
}

const struct ri_model *ri_monitor_model(const struct ri_monitor *mon)
{
	return mon->model;
}

void ri_monitor_info(const struct ri_monitor *mon, struct ri_monitor_info *out)
{
	const struct ri_source *s = mon->src;

	out->source = s->name ? s->name : s->ops->name;
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

void ri_monitor_shed(struct ri_monitor *mon)
{
	ri_taskbuf_shed(&mon->drain.live);
	ri_taskbuf_shed(&mon->drain.exited);
	ri_taskbuf_shed(&mon->procs_sum.live);
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
