// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The recorder: a sink that turns each tick's drain, choice and alert
 * transitions into one frame of a recording (record_write.c does the bytes), and the header's
 * account of the run: host, kernel, CPUs, page size, boot time, the
 * tool's version, the command line, the source and its probe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "record.h"
#include "recorder.h"
#include "version.h"

struct ri_recorder {
	struct ri_sink sink; /* first: the monitor hands it back */
	struct ri_rec_writer *w;
	struct ri_rec_meta meta;
	struct ri_rec_choice choice;
	char options[sizeof(((struct ri_rec_meta *)0)->options)];
	double interval_s;
};

/* The command line, words with blanks in quotes: for the header. */
static void options_text(char *buf, size_t len, const struct ri_recorder_opts *o)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i < o->argc && n + 4 < len; i++) {
		const char *a = o->argv[i];
		bool q = strpbrk(a, " \t'") != NULL;

		n += (size_t)snprintf(buf + n, len - n, "%s%s%s%s", n ? " " : "",
				      q ? "'" : "", a, q ? "'" : "");
	}
	if (n >= len)
		buf[len - 1] = '\0';
}

static int record(struct ri_recorder *r, const struct ri_monitor *mon)
{
	const struct ri_model *m = ri_monitor_model(mon);
	const struct ri_alerts *a = ri_monitor_alerts(mon);
	const struct ri_alert_transition *v;
	size_t n = a ? ri_alerts_transitions(a, &v) : 0;

	/* Evaluated before the sinks: the transitions of this very tick. */
	if (n && ri_rec_writer_events(r->w, v, n))
		return -ENOMEM;
	if (ri_rec_choice_set(&r->choice, m->choice_pids, m->choice_starts,
			      m->nchoice_pids,
			      (const char(*)[RI_COMM_LEN])m->choice_names,
			      m->nchoice_names))
		return -ENOMEM;
	return ri_rec_writer_frame(r->w, ri_monitor_drain(mon), &r->choice);
}

static void on_tick(struct ri_sink *s, const struct ri_monitor *mon)
{
	/* Errors are the writer's to report, once: the tick goes on. */
	record((struct ri_recorder *)s, mon);
}

int ri_recorder_open(const struct ri_recorder_opts *o, struct ri_recorder **out,
		     char *err, size_t errlen)
{
	struct ri_rec_writer_opts wo = {
		.path = o->path,
		.keep_s = o->keep_s,
		.max_size = o->max_size,
		.group = o->group,
		.sync = strcmp(o->path, "-") != 0,
	};
	struct ri_recorder *r = calloc(1, sizeof(*r));
	const char *rot = getenv("RI_RECORD_ROTATE_S");
	int ret;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* For tests only: rotation in seconds instead of every hour. */
	if (rot && atof(rot) > 0)
		wo.rotate_s = atof(rot);
	ret = ri_rec_writer_open(&wo, &r->w, err, errlen);
	if (ret) {
		free(r);
		return ret;
	}
	options_text(r->options, sizeof(r->options), o);
	r->interval_s = o->interval_s;
	r->sink.tick = on_tick;
	*out = r;
	return 0;
}

void ri_recorder_attach(struct ri_recorder *r, struct ri_monitor *mon)
{
	const struct ri_drain *d = ri_monitor_drain(mon);
	struct ri_monitor_info info;
	struct utsname u;

	ri_monitor_info(mon, &info);
	memset(&r->meta, 0, sizeof(r->meta));
	if (uname(&u) == 0) {
		snprintf(r->meta.host, sizeof(r->meta.host), "%s", u.nodename);
		snprintf(r->meta.kernel, sizeof(r->meta.kernel), "%s", u.release);
	}
	snprintf(r->meta.tool, sizeof(r->meta.tool), "resource_image %s", RI_VERSION);
	snprintf(r->meta.options, sizeof(r->meta.options), "%s", r->options);
	snprintf(r->meta.source, sizeof(r->meta.source), "%s", info.source);
	snprintf(r->meta.probe, sizeof(r->meta.probe), "%s", info.probe);
	r->meta.sees_short_lived = info.sees_short_lived;
	r->meta.ncpu = d->machine.ncpu;
	r->meta.page_size = d->machine.page_size;
	r->meta.boot_us = (int64_t)(d->unix_time * 1e6) - (int64_t)(d->clock_ns / 1000);
	r->meta.interval_s = r->interval_s;
	ri_rec_writer_meta(r->w, &r->meta);
	record(r, mon);
	ri_monitor_add_sink(mon, &r->sink);
}

const char *ri_recorder_news(struct ri_recorder *r)
{
	return r ? ri_rec_writer_status(r->w) : NULL;
}

void ri_recorder_interval(struct ri_recorder *r, double s)
{
	r->interval_s = s;
}

bool ri_recorder_gone(const struct ri_recorder *r)
{
	return r && ri_rec_writer_gone(r->w);
}

void ri_recorder_close(struct ri_recorder *r)
{
	if (!r)
		return;
	ri_rec_writer_close(r->w);
	ri_rec_choice_free(&r->choice);
	free(r);
}
