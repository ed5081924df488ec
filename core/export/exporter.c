// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exporter: a monitor sink that, once per tick, updates the metrics'
 * counters (metrics_acc.c), renders the exposition into a buffer the
 * server lent (metrics.c) and publishes it (http.c), which then serves it
 * from its own threads until the next tick. See exporter.h for when each
 * call comes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "exporter.h"
#include "http.h"
#include "listen.h"
#include "metrics.h"
#include "version.h"

struct ri_exporter {
	struct ri_sink sink; /* first: the monitor hands it back */
	struct ri_metrics_opts mo;
	struct ri_metrics *mx;
	struct ri_http *http;
	struct ri_monitor *mon;
	int fd;              /* bound, not yet served; -1 */
	double cpu_s;        /* CPU time of the last exporter_tick */
};

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * One sample per alert firing now, so the fleet's Prometheus can page on the
 * tool's own rules; its evaluation is the one the screen and batch show.
 */
static void alert_family(struct ri_expo *e, const struct ri_alerts *a)
{
	static const struct ri_mx_family firing = {
		"resource_image_alert_firing", RI_MX_GAUGE, NULL,
		"Alerts of the tool's own rules (--alert) firing now, per rule and process"
	};
	const struct ri_ruleset *rules;
	const struct ri_alert *v;
	size_t i, n;

	if (!a)
		return;
	rules = ri_alerts_rules(a);
	n = ri_alerts_list(a, &v);
	for (i = 0; i < n; i++) {
		char lb[512] = "", pid[16], comm[RI_MX_VALUE_MAX];

		if (v[i].state != RI_ALERT_FIRING || v[i].rule >= rules->n)
			continue;
		snprintf(pid, sizeof(pid), "%d", (int)v[i].pid);
		ri_mx_label(lb, sizeof(lb), "rule", rules->v[v[i].rule].text);
		ri_mx_label(lb, sizeof(lb), "pid", pid);
		ri_mx_label(lb, sizeof(lb), "comm",
			    ri_mx_value(comm, v[i].comm, sizeof(v[i].comm)));
		ri_expo_sample_u64(e, &firing, lb, 1);
	}
}

static void exporter_tick(struct ri_sink *s, const struct ri_monitor *mon)
{
	struct ri_exporter *x = (struct ri_exporter *)s;
	const struct ri_model *m = ri_monitor_model(mon);
	double t0 = thread_cpu_s();
	struct ri_monitor_info info;
	struct ri_metrics_self self;
	struct ri_expo *e;

	if (!x->mx)
		return; /* stopped */
	/* Out of memory: the last exposition stays served, nothing stops. */
	if (ri_metrics_update(x->mx, m))
		return;
	e = ri_http_expo(x->http);
	if (!e)
		return;
	/* What this costs, said in the exposition (of the tick before). */
	self.cpu_s = x->cpu_s;
	ri_monitor_info(mon, &info);
	self.version = RI_VERSION;
	self.source = info.source;
	self.probe = info.probe;
	self.events = ri_monitor_drain(mon)->events;
	self.tick_s = info.tick_s;
	/* Families of other parts of the tool go between the two. */
	if (ri_metrics_render(x->mx, m, &self, e)) {
		ri_http_discard(x->http, e);
	} else {
		alert_family(e, ri_monitor_alerts(mon));
		if (ri_metrics_finish(x->mx, e))
			ri_http_discard(x->http, e);
		else
			ri_http_publish(x->http, e);
	}
	x->cpu_s = thread_cpu_s() - t0;
}

int ri_exporter_prepare(const struct ri_exporter_opts *o, struct ri_exporter **out,
			char *err, size_t errlen)
{
	struct ri_exporter *x;
	int fd;

	*out = NULL;
	if (!ri_http_available()) {
		struct ri_http *none;

		/* Says why in the same words as starting it would. */
		return ri_http_start(-1, &none, err, errlen);
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	x->mo = o->metrics;
	fd = ri_listen_open(&o->addr, err, errlen);
	if (fd < 0) {
		free(x);
		return fd;
	}
	x->fd = fd;
	*out = x;
	return 0;
}

int ri_exporter_attach(struct ri_exporter *x, struct ri_monitor *mon, char *err,
		       size_t errlen)
{
	int ret, fd = x->fd;

	if (fd < 0)
		return 0;
	x->fd = -1;
	x->mx = ri_metrics_new(&x->mo);
	if (!x->mx) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = ri_http_start(fd, &x->http, err, errlen);
	if (ret) {
		ri_metrics_free(x->mx);
		x->mx = NULL;
		return ret;
	}
	x->sink.tick = exporter_tick;
	x->mon = mon;
	/* The first exposition from the primed model: never an empty page. */
	exporter_tick(&x->sink, mon);
	ri_monitor_add_sink(mon, &x->sink);
	return 0;
}

void ri_exporter_stop(struct ri_exporter *x)
{
	if (!x)
		return;
	if (x->fd >= 0)
		close(x->fd);
	if (x->http)
		ri_http_stop(x->http);
	/*
	 * Its sink stays in the monitor's list: the monitor is closed next,
	 * and ticks no more.
	 */
	ri_metrics_free(x->mx);
	free(x);
}
