// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every counter of core/figures/figures.h, walked from its one
 * declaration through the places that iterate it: a sort key and an alert
 * metric by its name, its value in a rule, a metric family with HELP and
 * TYPE in the exposition, the model's interval figure and rate, the sums
 * of a process's threads, and a recording's round trip; an older
 * recording without it gives n/a. A new counter is tested by adding it.
 * (Batch text and JSON, the table's column and promtool are the
 * end-to-end test's: tests/record/test_every_figure_shows_everywhere.py.)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "check.h"
#include "figures.h"
#include "metrics.h"
#include "record_priv.h"
#include "sort.h"
#include "world.h"

/* CHECK, saying which counter it was about. */
#define CHECK_MSG(c, ...)                                                 \
	do {                                                              \
		if (c)                                                    \
			passed++;                                         \
		else                                                      \
			fail(__FILE__, __LINE__, #c, __VA_ARGS__);        \
	} while (0)

static void test_table(void)
{
	for (int c = 0; c < RI_C_COUNT; c++) {
		const struct ri_counter_info *ci = &ri_counters[c];

		CHECK(ci->field && ci->off + sizeof(uint64_t) <= sizeof(struct ri_task));
		for (int d = 0; d < c; d++)
			CHECK_MSG(ri_counters[d].off != ci->off, "%s twice", ci->field);
		if (!ri_counter_shown(c))
			continue;
		CHECK_MSG(ci->name && ci->title && ci->json && ci->family && ci->help &&
				  ci->brief && ci->text_width >= (int)strlen(ci->title) &&
				  ci->screen_width > 0,
			  "%s: every place it shows", ci->field);
		CHECK_EQ(ri_counter_by_name(ci->name), c);
	}
}

static void test_sort_and_rules(void)
{
	for (int c = 0; c < RI_C_COUNT; c++) {
		const struct ri_counter_info *ci = &ri_counters[c];
		enum ri_sort_key k = RI_SORT_COUNT;
		struct ri_rule r;
		struct ri_rule_error e;
		char rule[64], list[512];

		if (!ri_counter_shown(c))
			continue;
		CHECK_EQ(ri_sort_parse(ci->name, &k), 0);
		CHECK_EQ(k, RI_SORT_FIG + c);
		CHECK(ri_sort_name(k) && !strcmp(ri_sort_name(k), ci->name));
		/* A state's time is a share of the wall time, a rate per period. */
		if (ci->flags & RI_FF_TIME)
			snprintf(rule, sizeof(rule), "%s > 2%% for 5s", ci->name);
		else
			snprintf(rule, sizeof(rule), "%s > 2/min for 5s", ci->name);
		CHECK_MSG(ri_rule_parse(rule, &r, &e) == 0, "%s: %s", rule, e.what);
		CHECK_EQ(r.metric, RI_AM_FIG + c);
		CHECK(fabs(r.value - (ci->flags & RI_FF_TIME ? 2.0 : 2.0 / 60)) < 1e-9);
		CHECK(!strcmp(ri_alert_metric_name(r.metric), ci->name));
		CHECK(strstr(ri_alert_metric_list(list, sizeof(list), ", "), ci->name) != NULL);
	}
}

/* The model's figures, the process's sums and the alert values. */
static void test_model(void)
{
	struct ri_model_opts o = { .missing_grace = 1 };
	struct world w;
	struct ri_proc *p;
	struct ri_thread *t;

	world_init(&w, &o);
	for (uint64_t k = 1; k <= 3; k++) {
		/* Counter c grows by (c + 1) * 1000 a second, twice that in 101. */
		counters(live(&w, task(100, 100, 100 * SEC, "fig")), k);
		counters(live(&w, task(101, 100, 100 * SEC, "fig")), 2 * k);
		tick(&w, SEC);
	}
	p = ri_model_find_proc(w.m, 100);
	t = ri_model_find_thread(w.m, 101);
	CHECK(p && t);
	for (int c = 0; p && t && c < RI_C_COUNT; c++) {
		uint64_t one = 1000 * (uint64_t)(c + 1);
		/* A state's rate: the share of a second it took, in percent. */
		double per = ri_counters[c].flags & RI_FF_TIME ? 1e-7 : 1.0;
		double v = -1;

		CHECK_MSG(t->fig.n[c] == 2 * one, "%s: thread's interval", ri_counters[c].field);
		CHECK_MSG(fabs(t->fig.rate[c] - 2.0 * (double)one * per) < 1e-6,
			  "%s: thread's rate", ri_counters[c].field);
		CHECK_MSG(p->fig.n[c] == 3 * one, "%s: process sums its threads",
			  ri_counters[c].field);
		if (!ri_counter_shown(c))
			continue;
		CHECK(ri_alert_metric_value(RI_AM_FIG + c, p, &v));
		CHECK(fabs(v - 3.0 * (double)one * per) < 1e-6);
		/* n/a: no storage accounting; an older recording. */
		p->fig.disk_na = true;
		CHECK_EQ(ri_alert_metric_value(RI_AM_FIG + c, p, &v),
			 !(ri_counters[c].flags & RI_FF_DISK));
		p->fig.disk_na = false;
		/* n/a: no state times (procfs, an older kernel). */
		p->fig.states_na = true;
		CHECK_EQ(ri_alert_metric_value(RI_AM_FIG + c, p, &v),
			 !(ri_counters[c].flags & RI_FF_TIME));
		p->fig.states_na = false;
		p->fig.newer_na = true;
		CHECK_EQ(ri_alert_metric_value(RI_AM_FIG + c, p, &v),
			 !(ri_counters[c].flags & RI_FF_NEWER));
		p->fig.newer_na = false;
	}
	world_free(&w);
}

/* Each counter shown has its family, HELP and TYPE, for processes too. */
static void test_families(void)
{
	struct ri_model_opts o = { .missing_grace = 1 };
	struct ri_metrics_opts mo = { .linger_s = -1 };
	struct ri_metrics_self self = { "t", "test", "none", 0, 0, 0 };
	struct ri_metrics *mx = ri_metrics_new(&mo);
	struct ri_expo e = { 0 };
	struct world w;
	pid_t pid = 100;

	world_init(&w, &o);
	CHECK_EQ(ri_model_choose(w.m, &pid, 1, NULL, 0), 0);
	for (uint64_t k = 1; k <= 2 && mx; k++) {
		counters(live(&w, task(100, 100, 100 * SEC, "fig")), k);
		tick(&w, SEC);
		CHECK_EQ(ri_metrics_update(mx, w.m), 0);
		CHECK_EQ(ri_metrics_render(mx, w.m, &self, &e), 0);
		CHECK_EQ(ri_metrics_finish(mx, &e), 0);
	}
	for (int c = 0; mx && c < RI_C_COUNT; c++) {
		static const char *const kinds[] = { "group", "process" };
		char want[256];

		if (!ri_counter_shown(c))
			continue;
		for (size_t i = 0; i < 2 && (ri_counters[c].flags & RI_FF_TIME); i++) {
			/* The states share one family, with a label each. */
			snprintf(want, sizeof(want),
				 "# TYPE resource_image_%s_state_seconds counter\n", kinds[i]);
			CHECK_MSG(e.om.p && strstr(e.om.p, want), "%s", want);
			snprintf(want, sizeof(want), "state=\"%s\"} ", ri_counters[c].family);
			CHECK_MSG(e.om.p && strstr(e.om.p, want), "%s", want);
		}
		for (size_t i = 0; i < 2 && !(ri_counters[c].flags & RI_FF_TIME); i++) {
			snprintf(want, sizeof(want), "# TYPE resource_image_%s_%s counter\n",
				 kinds[i], ri_counters[c].family);
			CHECK_MSG(e.om.p && strstr(e.om.p, want), "%s", want);
			snprintf(want, sizeof(want), "# HELP resource_image_%s_%s ", kinds[i],
				 ri_counters[c].family);
			CHECK_MSG(e.om.p && strstr(e.om.p, want), "%s", want);
			snprintf(want, sizeof(want), "resource_image_%s_%s_total{", kinds[i],
				 ri_counters[c].family);
			CHECK_MSG(e.om.p && strstr(e.om.p, want), "%s", want);
		}
	}
	ri_metrics_free(mx);
	ri_expo_free(&e);
	world_free(&w);
}

/* Through the codec and back, each counter whole; an older file's: n/a. */
static void test_recording(void)
{
	struct rec_codec a = { 0 }, b = { 0 };
	struct rbuf buf = { 0 };
	struct ri_drain d = { 0 }, back = { 0 };
	struct ri_rec_choice ch = { 0 };
	struct ri_counters got;
	bool changed;

	counters(push(&d.live, task(42, 42, 0, "")), 7);
	CHECK_EQ(rec_encode(&a, true, &d, NULL, &buf), 0);
	CHECK_EQ(rec_decode(&b, true, buf.p, buf.n, &back, &ch, &changed), 0);
	CHECK_EQ(back.live.n, 1);
	if (back.live.n == 1) {
		ri_counters_get(&got, &back.live.v[0]);
		for (int c = 0; c < RI_C_COUNT; c++)
			CHECK_MSG(got.v[c] == 7000 * (uint64_t)(c + 1), "%s",
				  ri_counters[c].field);
		CHECK(!(back.live.v[0].flags & RI_F_OLD_REC));
	}
	/* A file that coded fewer fields: what it lacks is unknown. */
	b.file_fields = RI_REC_V1_TASK_FIELDS;
	CHECK_EQ(rec_decode(&b, true, buf.p, buf.n, &back, &ch, &changed), 0);
	CHECK(back.live.n == 1 &&
	      (bool)(back.live.v[0].flags & RI_F_OLD_REC) ==
		      (rec_task_fields() > RI_REC_V1_TASK_FIELDS));
	rec_codec_free(&a);
	rec_codec_free(&b);
	rbuf_free(&buf);
	ri_drain_free(&d);
	ri_drain_free(&back);
	ri_rec_choice_free(&ch);
}

int main(void)
{
	test_table();
	test_sort_and_rules();
	test_model();
	test_families();
	test_recording();
	return check_report("test_figures");
}
