// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A run of the tool: the command line turned into each part's own
 * options, and the parts opened in one order and closed in the reverse
 * (session.h says which and why).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exporter.h"
#include "remote.h"
#include "session.h"

struct ri_session {
	const struct ri_opts *o;
	struct ri_exporter *exporter; /* bound at new, serving once open */
	struct ri_recorder *rec;
	struct ri_monitor_opts mo;
	struct ri_monitor *mon;
	struct ri_replay *rp;
	struct ri_hook *hook;
	char warning[512];
};

/* ---- each part's options, from the command line's ---- */

static void exporter_opts(const struct ri_opts *o, struct ri_exporter_opts *x)
{
	memset(x, 0, sizeof(*x));
	x->addr = o->listen_addr;
	x->metrics.max_series = o->max_series;
	x->metrics.linger_s = o->metrics_linger_set ? o->metrics_linger : -1;
	x->metrics.threads = o->metrics_threads;
}

static void recorder_opts(const struct ri_opts *o, struct ri_recorder_opts *r)
{
	memset(r, 0, sizeof(*r));
	r->path = o->record;
	r->keep_s = o->keep_s;
	r->max_size = o->max_size;
	r->group = o->group;
	r->interval_s = o->delay;
	r->argc = o->argc;
	r->argv = o->argv;
}

static void replay_opts(const struct ri_opts *o, struct ri_replay_opts *r)
{
	memset(r, 0, sizeof(*r));
	r->path = o->replay;
	r->from = o->from;
	r->to = o->to;
	/* --remote: -d is the step of a monitor started there. */
	r->every_s = o->delay_set && !o->remote ? o->delay : 0;
	r->follow = o->follow;
	r->stream_fd = o->replay_fd > 0 ? o->replay_fd : -1;
}

static void monitor_opts(struct ri_session *s, const struct ri_session_front *f)
{
	const struct ri_opts *o = s->o;
	struct ri_monitor_opts *mo = &s->mo;

	memset(mo, 0, sizeof(*mo));
	mo->src.kind = o->source;
	mo->src.probe = o->probe;
	mo->src.exit_buffer = o->exit_buffer;
	mo->src.no_states = o->no_states;
	mo->src.no_sites = o->no_sites;
	mo->src.sites_after_ns = o->sites_after_ns;
	mo->src.btf_path = o->btf_path;
	mo->src.verbose = o->verbose;
	mo->src.warning = s->warning;
	mo->src.warning_len = sizeof(s->warning);
	mo->model = f->model;
	mo->alerts = &o->alerts;
	/*
	 * The exporter's thread series need every thread in the model; a
	 * recording keeps every thread (replayed later with its threads),
	 * so the source reads them all and the monitor sums them.
	 */
	mo->sum_threads = f->no_thread_rows && !o->metrics_threads;
	mo->src.per_process = mo->sum_threads && !o->record;
	mo->src.lean = f->screen;
	/* The command line's choice holds from the first drain on. */
	mo->pids = o->pids;
	mo->npids = o->npids;
	mo->names = (const char(*)[RI_COMM_LEN])o->names;
	mo->nnames = o->nnames;
}

/* ---- opening and closing ---- */

int ri_session_new(const struct ri_opts *o, struct ri_session **out, char *err,
		   size_t errlen)
{
	struct ri_session *s = calloc(1, sizeof(*s));
	int ret;

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->o = o;
	if (o->listen) {
		struct ri_exporter_opts xo;

		exporter_opts(o, &xo);
		if ((ret = ri_exporter_prepare(&xo, &s->exporter, err, errlen))) {
			free(s);
			return ret;
		}
	}
	*out = s;
	return 0;
}

int ri_session_open(struct ri_session *s, const struct ri_session_front *f,
		    char *err, size_t errlen)
{
	const struct ri_opts *o = s->o;
	struct ri_source *src;
	struct ri_replay *rp = NULL;
	int ret;

	err[0] = '\0';
	if (o->record) {
		struct ri_recorder_opts ro;

		recorder_opts(o, &ro);
		if ((ret = ri_recorder_open(&ro, &s->rec, err, errlen)))
			return ret;
	}
	monitor_opts(s, f);
	if (o->remote) {
		/* A screen's history panels start full: the recorder's last ticks. */
		struct ri_remote_opts mo = { .host = o->remote, .dir = o->remote_dir,
					     .command = o->remote_command,
					     .delay = o->delay,
					     .history_s = f->screen ? RI_HIST_LEN * o->delay : 0 };
		struct ri_replay_opts ro;

		replay_opts(o, &ro);
		ro.path = o->remote;
		if (!(ret = ri_remote_open(&mo, &ro.reader, err, errlen)))
			ret = ri_replay_open(&ro, &src, &rp, err, errlen);
	} else if (o->replay) {
		struct ri_replay_opts ro;

		replay_opts(o, &ro);
		ret = ri_replay_open(&ro, &src, &rp, err, errlen);
	} else {
		ret = ri_source_open(&s->mo.src, &src, err, errlen);
	}
	if (ret)
		goto failed;
	/* The monitor owns the source from here, failure included. */
	if ((ret = ri_monitor_attach(&s->mo, src, &s->mon, err, errlen)))
		goto failed;
	if (rp) {
		s->rp = rp;
		ri_replay_start(rp, s->mon);
	}
	/* A recording relayed (-r ... -w -) says the step it was recorded at. */
	if (s->rec && rp)
		ri_recorder_interval(s->rec, ri_replay_step_s(rp));
	if (s->rec)
		ri_recorder_attach(s->rec, s->mon);
	if (s->exporter && (ret = ri_exporter_attach(s->exporter, s->mon, err, errlen)))
		goto failed;
	if (o->alert_exec) {
		struct ri_hook_opts ho = { .cmd = o->alert_exec, .quiet = f->screen };

		if ((ret = ri_hook_start(&ho, &s->hook, err, errlen)))
			goto failed;
		ri_monitor_add_sink(s->mon, ri_hook_sink(s->hook));
	}
	return 0;
failed:
	if (!err[0])
		snprintf(err, errlen, "%s", strerror(ret < 0 ? -ret : ret));
	return ret;
}

void ri_session_close(struct ri_session *s, FILE *err)
{
	if (!s)
		return;
	ri_exporter_stop(s->exporter);
	ri_recorder_close(s->rec);
	ri_monitor_close(s->mon);
	ri_hook_finish(s->hook, err);
	free(s);
}

/* ---- what a front end asks ---- */

struct ri_monitor *ri_session_monitor(const struct ri_session *s)
{
	return s->mon;
}

struct ri_replay *ri_session_replay(const struct ri_session *s)
{
	return s->rp;
}

struct ri_recorder *ri_session_recorder(const struct ri_session *s)
{
	return s->rec;
}

struct ri_hook *ri_session_hook(const struct ri_session *s)
{
	return s->hook;
}

const char *ri_session_warning(const struct ri_session *s)
{
	return s->warning[0] ? s->warning : NULL;
}

const char *ri_session_news(struct ri_session *s)
{
	const char *m = ri_recorder_news(s->rec);

	if (!m && s->rp)
		m = ri_replay_news(s->rp);
	return m;
}

double ri_session_pace_s(const struct ri_session *s)
{
	if (!s->rp)
		return s->o->delay;
	return s->o->listen ? ri_replay_step_s(s->rp) : 0;
}
