// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Alerts in batch output. Text: one line per transition after the tick's
 * rows, so `grep ^ALERT` is the alert history. JSON: every tick carries
 * "alerts", the pending and firing ones and those that resolved or went
 * inactive in that tick, each {rule, pid, comm, state, since, value}
 * (since: Unix time the state began; value: the metric in the rule's base
 * unit); an alert whose since is the tick's time changed state in it.
 */
#include <string.h>
#include <time.h>

#include "batch_alerts.h"
#include "format.h"

static void clock_text(char *buf, size_t len, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

void ri_batch_alerts_text(FILE *f, const struct ri_alerts *a, struct ri_hook *h)
{
	const struct ri_alert_transition *t;
	size_t n = a ? ri_alerts_transitions(a, &t) : 0, i;

	for (i = 0; i < n; i++) {
		const struct ri_rule *r = &ri_alerts_rules(a)->v[t[i].rule];
		char when[16], since[16], v[160], name[RI_COMM_LEN * 4 + 8];

		clock_text(when, sizeof(when), t[i].time);
		clock_text(since, sizeof(since), t[i].since);
		ri_printable(name, sizeof(name), t[i].comm, RI_COMM_LEN);
		ri_alert_fmt_value_of(v, sizeof(v), r->metric, t[i].value, t[i].resource);
		fprintf(f, "ALERT %s %-8s pid %d (%s) %s %s", when,
			ri_alert_state_name((enum ri_alert_state)t[i].to), t[i].pid, name,
			ri_alert_metric_name(r->metric), v);
		if (t[i].from != RI_ALERT_INACTIVE)
			fprintf(f, ", %s since %s", ri_alert_state_name((enum ri_alert_state)t[i].from),
				since);
		fprintf(f, "  rule: %s\n", t[i].text);
	}
	if (h) {
		struct ri_hook_stats st;

		ri_hook_stats(h, &st);
		if (st.dropped)
			fprintf(f, "ALERT-EXEC %llu transitions not run (more than %d queued)\n",
				(unsigned long long)st.dropped, RI_HOOK_QUEUE);
	}
}

void ri_batch_alerts_json(FILE *f, const struct ri_alerts *a, struct ri_hook *h)
{
	const struct ri_alert *v;
	size_t n = a ? ri_alerts_list(a, &v) : 0, i;
	char num[48];

	fputs(",\"alerts\":[", f);
	for (i = 0; i < n; i++) {
		fputs(i ? ",{\"rule\":" : "{\"rule\":", f);
		ri_json_str(f, ri_alerts_rules(a)->v[v[i].rule].text, RI_RULE_TEXT);
		fprintf(f, ",\"pid\":%d,\"comm\":", (int)v[i].pid);
		ri_json_str(f, v[i].comm, RI_COMM_LEN);
		fprintf(f, ",\"state\":\"%s\",\"since\":%s", ri_alert_state_name(v[i].state),
			ri_fmt_fixed(num, sizeof(num), v[i].since, 6));
		fprintf(f, ",\"value\":%s", ri_fmt_fixed(num, sizeof(num), v[i].value, 3));
		/* What runs out, for the limits' metrics; null for the others. */
		if (v[i].resource[0]) {
			fputs(",\"resource\":", f);
			ri_json_str(f, v[i].resource, RI_RESOURCE_TEXT);
			fputc('}', f);
		} else {
			fputs(",\"resource\":null}", f);
		}
	}
	fputc(']', f);
	if (h) {
		struct ri_hook_stats st;

		ri_hook_stats(h, &st);
		fprintf(f, ",\"alert_exec\":{\"queued\":%llu,\"started\":%llu,\"failed\":%llu,"
			   "\"timed_out\":%llu,\"dropped\":%llu,\"running\":%u}",
			(unsigned long long)st.queued, (unsigned long long)st.started,
			(unsigned long long)st.failed, (unsigned long long)st.timed_out,
			(unsigned long long)st.dropped, st.running);
	}
}
