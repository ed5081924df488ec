// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of replay (core/record/replay.c, core/record/source_replay.c) against the
 * live run it replays: a monitor over a synthetic source records every
 * drain (a choice made and undone on the way); the replay's model must
 * then equal the live model tick for tick, every process's figures and
 * history included; a jump or a step back lands on the right tick with
 * the history the live run had there; -d merges ticks without losing a
 * CPU nanosecond or an exit; --from and --to bound it; a choice made in
 * the replay narrows it; -d finer than the recording is refused. The
 * live run's alert transitions come back, tick for tick, in a replay
 * given no rules (merged with -d, marked on the bar); one given rules
 * evaluates those instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "cli.h"
#include "record.h"
#include "replay.h"
#include "check.h"
#include "synth.h"

#define TICKS 400
#define CHOOSE_AT 120
#define UNCHOOSE_AT 180

/* ---- the live side: a source of synthetic drains, and a recorder ---- */

struct fake {
	struct ri_source base;
	struct synth s;
	/* The kernel filter: chosen tgids, and leaders' names. */
	bool on;
	pid_t tgids[8];
	size_t ntgids;
	char names[8][RI_COMM_LEN];
	size_t nnames;
};

static bool fake_takes(const struct fake *f, const struct ri_drain *d,
		       const struct ri_task *t)
{
	size_t i, k;

	for (i = 0; i < f->ntgids; i++)
		if ((pid_t)t->tgid == f->tgids[i])
			return true;
	for (k = 0; k < d->live.n; k++) {
		const struct ri_task *l = &d->live.v[k];

		if (l->pid != t->tgid)
			continue;
		for (i = 0; i < f->nnames; i++)
			if (!strncmp(l->comm, f->names[i], RI_COMM_LEN))
				return true;
	}
	return false;
}

static void fake_narrow(const struct fake *f, struct ri_drain *d,
			struct ri_taskbuf *tb)
{
	size_t i, n = 0;

	for (i = 0; i < tb->n; i++)
		if (fake_takes(f, d, &tb->v[i]))
			tb->v[n++] = tb->v[i];
	tb->n = n;
}

static int fake_drain(struct ri_source *src, struct ri_drain *d)
{
	struct fake *f = (struct fake *)src;

	if (synth_tick(&f->s, d, SYNTH_SEC))
		return -ENOMEM;
	if (f->on) {
		/* Exits first: the leaders' names are looked up among the live. */
		fake_narrow(f, d, &d->exited);
		fake_narrow(f, d, &d->live);
	}
	return 0;
}

static int fake_filter(struct ri_source *src, const struct ri_filter *flt)
{
	struct fake *f = (struct fake *)src;
	size_t i;

	f->on = flt && (flt->ntgids || flt->nnames);
	f->ntgids = f->nnames = 0;
	for (i = 0; f->on && i < flt->ntgids && i < 8; i++)
		f->tgids[f->ntgids++] = flt->tgids[i];
	for (i = 0; f->on && i < flt->nnames && i < 8; i++)
		memcpy(f->names[f->nnames++], flt->names[i], RI_COMM_LEN);
	return 0;
}

static void fake_close(struct ri_source *src)
{
	synth_free(&((struct fake *)src)->s);
	free(src);
}

static const struct ri_source_ops fake_ops = {
	.name = "bpf", .drain = fake_drain, .set_filter = fake_filter,
	.close = fake_close,
};

struct rec_sink {
	struct ri_sink sink;
	struct ri_rec_writer *w;
	struct ri_rec_choice ch;
};

static void rec_tick(struct ri_sink *s, const struct ri_monitor *mon)
{
	struct rec_sink *r = (struct rec_sink *)s;
	const struct ri_model *m = ri_monitor_model(mon);
	const struct ri_alerts *a = ri_monitor_alerts(mon);
	const struct ri_alert_transition *v;
	size_t n = a ? ri_alerts_transitions(a, &v) : 0;

	if (n)
		CHECK_EQ(ri_rec_writer_events(r->w, v, n), 0);
	ri_rec_choice_set(&r->ch, m->choice_pids, m->choice_starts, m->nchoice_pids,
			  (const char(*)[RI_COMM_LEN])m->choice_names, m->nchoice_names);
	CHECK_EQ(ri_rec_writer_frame(r->w, ri_monitor_drain(mon), &r->ch), 0);
}

/* ---- a digest of what a model shows ---- */

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 1099511628211ULL;
	return h;
}

/* A history ring's samples, newest first (the ring is apart from its task). */
static uint64_t mix_hist(uint64_t h, const struct ri_hist *r)
{
	size_t ago, n = ri_hist_len(r);
	int k;

	h = mix(h, &n, sizeof(n));
	for (ago = 0; ago < n; ago++) {
		uint8_t st[RI_HIST_NSTATES];
		bool has = ri_hist_states(r, ago, st);

		for (k = 0; k < RI_M_COUNT; k++) {
			double v = ri_hist_get(r, (enum ri_metric)k, ago);

			h = mix(h, &v, sizeof(v));
		}
		/* Where the time went (the STATES graph) is rebuilt alike. */
		h = mix(h, &has, sizeof(has));
		h = mix(h, st, sizeof(st));
	}
	return h;
}

static uint64_t digest(const struct ri_model *m)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	h = mix(h, &m->totals, sizeof(m->totals));
	h = mix(h, &m->machine.all, sizeof(m->machine.all));
	h = mix(h, &m->interval_s, sizeof(m->interval_s));
	for (i = 0; i < m->nprocs; i++) {
		const struct ri_proc *p = m->procs[i];
		const struct ri_thread *t;

		h = mix(h, &p->pid, sizeof(p->pid));
		h = mix(h, &p->fig, sizeof(p->fig));
		h = mix_hist(h, p->hist);
		h = mix(h, &p->growth, sizeof(p->growth));
		h = mix(h, &p->exited, sizeof(p->exited));
		for (t = p->threads; t; t = t->next) {
			h = mix(h, &t->tid, sizeof(t->tid));
			h = mix(h, &t->fig, sizeof(t->fig));
			h = mix_hist(h, t->hist);
		}
	}
	return h;
}

static struct ri_model_opts model_opts(void)
{
	struct ri_model_opts o = { .linger_ticks = 3, .keep_chosen = true,
				   .thread_history = true };
	return o;
}

static uint64_t live_digest[TICKS + 1];
static double live_time[TICKS + 1];
static uint64_t live_cpu[TICKS + 1], live_exits[TICKS + 1];
/* The live run's alerts: a digest of each tick's transitions, and when they fired. */
#define LIVE_RULE "cpu > 40% for 2s"
static uint64_t live_tr[TICKS + 1];
static size_t live_ntr[TICKS + 1], live_ntr_all, nlive_fired;
static double live_fired[TICKS * 16];

static uint64_t mix(uint64_t h, const void *p, size_t n);

static uint64_t tr_digest(const struct ri_alerts *a, size_t *n)
{
	const struct ri_alert_transition *v;

	*n = a ? ri_alerts_transitions(a, &v) : 0;
	return *n ? mix(14695981039346656037ULL, v, *n * sizeof(*v)) : 0;
}

/* CPU time of a tick: every process's, an exited one's in its exit tick. */
static uint64_t tick_cpu(const struct ri_model *m)
{
	uint64_t c = 0;
	size_t k;

	for (k = 0; k < m->nprocs; k++)
		if (!m->procs[k]->exited || m->procs[k]->gone_ticks == 0)
			c += m->procs[k]->fig.n[RI_C_CPU];
	return c;
}
static char path[256];

static void live_run(void)
{
	struct ri_monitor_opts mo = { .model = model_opts(), .keep_privileges = true };
	static struct ri_ruleset rules;
	struct ri_rule_error re;
	struct ri_rec_writer_opts wo = { .key_every = 50 };
	struct rec_sink rs = { .sink.tick = rec_tick };
	struct ri_rec_meta meta = { 0 };
	struct fake *f = calloc(1, sizeof(*f));
	struct ri_monitor *mon;
	char err[512];
	pid_t pids[1] = { 1000 };
	char names[1][RI_COMM_LEN] = { "proc4" };
	int i;

	f->base.ops = &fake_ops;
	f->base.probe = "tp_btf";
	f->base.sees_short_lived = true;
	synth_init(&f->s, 10, 3, 11);
	CHECK_EQ(ri_rules_add(&rules, LIVE_RULE, &re), 0);
	mo.alerts = &rules;
	wo.path = path;
	CHECK_EQ(ri_rec_writer_open(&wo, &rs.w, err, sizeof(err)), 0);
	/* The header says what ran: the replay's model is set up the same. */
	meta.sees_short_lived = true;
	meta.interval_s = 1.0;
	snprintf(meta.source, sizeof(meta.source), "bpf");
	snprintf(meta.probe, sizeof(meta.probe), "tp_btf");
	ri_rec_writer_meta(rs.w, &meta);
	CHECK_EQ(ri_monitor_attach(&mo, &f->base, &mon, err, sizeof(err)), 0);
	rec_tick(&rs.sink, mon); /* the first drain, as the recorder does */
	ri_monitor_add_sink(mon, &rs.sink);
	for (i = 1; i <= TICKS; i++) {
		const struct ri_model *m;

		if (i == CHOOSE_AT)
			ri_monitor_choose(mon, pids, 1, (const char(*)[RI_COMM_LEN])names, 1);
		if (i == UNCHOOSE_AT)
			ri_monitor_choose(mon, NULL, 0, NULL, 0);
		CHECK_EQ(ri_monitor_tick(mon), 0);
		m = ri_monitor_model(mon);
		live_digest[i] = digest(m);
		live_time[i] = m->time;
		live_cpu[i] = tick_cpu(m);
		live_exits[i] = ri_monitor_drain(mon)->exited.n;
		live_tr[i] = tr_digest(ri_monitor_alerts(mon), &live_ntr[i]);
		live_ntr_all += live_ntr[i];
		{
			const struct ri_alert_transition *v;
			size_t n = ri_alerts_transitions(ri_monitor_alerts(mon), &v), k;

			for (k = 0; k < n; k++)
				if (v[k].to == RI_ALERT_FIRING && (!nlive_fired ||
				    live_fired[nlive_fired - 1] != m->time))
					live_fired[nlive_fired++] = m->time;
		}
	}
	ri_monitor_close(mon);
	ri_rec_writer_close(rs.w);
	ri_rec_choice_free(&rs.ch);
}

static int open_replay(struct ri_opts *o, struct ri_monitor **mon,
		       struct ri_replay **rp)
{
	struct ri_monitor_opts mo = { .model = model_opts(), .keep_privileges = true };
	char err[512];

	struct ri_replay_opts ro = { .path = path, .from = o->from, .to = o->to,
				     .every_s = o->delay_set ? o->delay : 0 };
	struct ri_source *src;
	int ret;

	if (o->alerts.n)
		mo.alerts = &o->alerts;
	mo.pids = o->pids;
	mo.npids = o->npids;
	mo.names = (const char(*)[RI_COMM_LEN])o->names;
	mo.nnames = o->nnames;
	if ((ret = ri_replay_open(&ro, &src, rp, err, sizeof(err))))
		return ret;
	if ((ret = ri_monitor_attach(&mo, src, mon, err, sizeof(err))))
		return ret;
	ri_replay_start(*rp, *mon);
	return 0;
}

/* The tick of the live run at @t, or -1. */
static int live_tick_at(double t)
{
	int i;

	for (i = 1; i <= TICKS; i++)
		if (live_time[i] == t)
			return i;
	return -1;
}

static void test_tick_for_tick(void)
{
	static struct ri_opts o;
	struct ri_monitor *mon;
	struct ri_replay *rp;
	int i, differ = 0, n = 0;

	memset(&o, 0, sizeof(o));
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	CHECK_NEAR(ri_replay_first(rp), live_time[1], 1e-6);
	CHECK_NEAR(ri_replay_last(rp), live_time[TICKS], 1e-6);
	CHECK_NEAR(ri_replay_step_s(rp), 1.0, 1e-9);
	for (i = 1; i <= TICKS; i++) {
		if (ri_monitor_tick(mon))
			break;
		n++;
		if (digest(ri_monitor_model(mon)) != live_digest[i] && !differ++)
			fprintf(stderr, "the first tick that differs: %d\n", i);
	}
	CHECK_EQ(n, TICKS);
	CHECK_EQ(differ, 0);
	CHECK_EQ(ri_monitor_tick(mon), -ENODATA);
	CHECK(ri_replay_at_end(rp));
	ri_monitor_close(mon);
}

static void test_jumps(void)
{
	static struct ri_opts o;
	static const int at[] = { 1, 2, 50, 51, 119, 121, 150, 181, 299, 300,
				  301, 333, 399, 400 };
	struct ri_monitor *mon;
	struct ri_replay *rp;
	size_t i;
	int wrong = 0, differ = 0, k;

	memset(&o, 0, sizeof(o));
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		k = at[i];
		/* A time a little past the tick: the tick at or after it is the next. */
		ri_replay_jump(rp, live_time[k] - 0.3);
		wrong += live_tick_at(ri_replay_now(rp)) != k;
		/* Past tick 300 the history holds 300 samples, as the live one. */
		differ += digest(ri_monitor_model(mon)) != live_digest[k];
	}
	CHECK_EQ(wrong, 0);
	CHECK_EQ(differ, 0);
	/* Back, and forth. */
	ri_replay_jump(rp, live_time[200]);
	CHECK_EQ(live_tick_at(ri_replay_now(rp)), 200);
	CHECK_EQ(ri_replay_back(rp), 0);
	CHECK_EQ(live_tick_at(ri_replay_now(rp)), 199);
	CHECK(digest(ri_monitor_model(mon)) == live_digest[199]);
	CHECK_EQ(ri_replay_forward(rp), 0);
	CHECK_EQ(live_tick_at(ri_replay_now(rp)), 200);
	CHECK(digest(ri_monitor_model(mon)) == live_digest[200]);
	/* Before the start, after the end: clamped. */
	ri_replay_jump(rp, live_time[1] - 1000);
	CHECK_EQ(live_tick_at(ri_replay_now(rp)), 1);
	ri_replay_back(rp);
	CHECK_EQ(live_tick_at(ri_replay_now(rp)), 1);
	ri_replay_jump(rp, live_time[TICKS] + 1000);
	CHECK_EQ(live_tick_at(ri_replay_now(rp)), TICKS);
	CHECK(ri_replay_at_end(rp));
	CHECK_EQ(ri_replay_forward(rp), -ENODATA);
	ri_monitor_close(mon);
}

static void test_from_to(void)
{
	static struct ri_opts o;
	struct ri_monitor *mon;
	struct ri_replay *rp;
	char from[32], to[32];
	int n = 0, first = -1, last = -1;

	memset(&o, 0, sizeof(o));
	snprintf(from, sizeof(from), "%.3f", live_time[100] - 0.5);
	snprintf(to, sizeof(to), "%.3f", live_time[110] + 0.5);
	o.from = from;
	o.to = to;
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	while (ri_monitor_tick(mon) == 0) {
		int k = live_tick_at(ri_monitor_model(mon)->time);

		if (first < 0)
			first = k;
		last = k;
		n++;
	}
	CHECK_EQ(first, 100);
	CHECK_EQ(last, 110);
	CHECK_EQ(n, 11);
	ri_monitor_close(mon);

	/* --from after the end, --to before the start: the user's to fix. */
	snprintf(from, sizeof(from), "%.3f", live_time[TICKS] + 100);
	o.to = NULL;
	CHECK_EQ(open_replay(&o, &mon, &rp), -EDOM);
	o.from = NULL;
	snprintf(to, sizeof(to), "%.3f", live_time[1] - 100);
	o.to = to;
	CHECK_EQ(open_replay(&o, &mon, &rp), -EDOM);
	/* Relative to the end. */
	o.to = NULL;
	o.from = "-10s";
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	CHECK_EQ(ri_monitor_tick(mon), 0);
	CHECK_EQ(live_tick_at(ri_monitor_model(mon)->time), TICKS - 10);
	ri_monitor_close(mon);
}

static void test_coarser(void)
{
	static struct ri_opts o;
	struct ri_monitor *mon;
	struct ri_replay *rp;
	uint64_t cpu = 0, exits = 0, want_cpu = 0, want_exits = 0;
	double t0 = 0;
	int n = 0, bad_interval = 0, i;

	memset(&o, 0, sizeof(o));
	o.delay = 0.5;
	o.delay_set = true;
	CHECK_EQ(open_replay(&o, &mon, &rp), -EDOM);
	o.delay = 5;
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	CHECK_NEAR(ri_replay_step_s(rp), 5.0, 1e-9);
	while (ri_monitor_tick(mon) == 0) {
		const struct ri_model *m = ri_monitor_model(mon);

		n++;
		/* The first tick is one frame; then five at a time. */
		bad_interval += n > 1 && n < 80 && fabs(m->interval_s - 5.0) > 1e-6;
		/* After the choice is undone: the same tasks as live. */
		if (m->time <= live_time[UNCHOOSE_AT + 5])
			continue;
		if (!t0)
			t0 = m->time - m->interval_s;
		cpu += tick_cpu(m);
		exits += ri_monitor_drain(mon)->exited.n;
	}
	for (i = 1; i <= TICKS; i++) {
		if (live_time[i] <= t0 + 0.5)
			continue;
		want_cpu += live_cpu[i];
		want_exits += live_exits[i];
	}
	CHECK_EQ(n, TICKS / 5);
	CHECK_EQ(bad_interval, 0);
	/* Merged ticks lose nothing: the same CPU time, every exit. */
	CHECK(exits > 50);
	CHECK_EQ(exits, want_exits);
	CHECK_U64(cpu, want_cpu);
	ri_monitor_close(mon);
}

static void test_choice_in_replay(void)
{
	static struct ri_opts o;
	struct ri_monitor *mon;
	struct ri_replay *rp;
	int i, others = 0, seen = 0;

	memset(&o, 0, sizeof(o));
	o.pids[0] = 1004;
	o.npids = 1;
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	for (i = 0; i < 100 && ri_monitor_tick(mon) == 0; i++) {
		const struct ri_model *m = ri_monitor_model(mon);
		const struct ri_drain *d = ri_monitor_drain(mon);
		size_t k;

		for (k = 0; k < m->nprocs; k++) {
			seen += m->procs[k]->pid == 1004;
			others += m->procs[k]->pid != 1004;
		}
		/* Narrowed in the source: the drain holds that process only. */
		for (k = 0; k < d->live.n; k++)
			others += d->live.v[k].tgid != 1004;
	}
	CHECK(seen > 0);
	CHECK_EQ(others, 0);
	ri_monitor_close(mon);
}

static void test_recorded_alerts(void)
{
	static struct ri_opts o;
	struct ri_rule_error re;
	struct ri_monitor *mon;
	struct ri_replay *rp;
	const double *marks;
	size_t nm, n, k, total = 0;
	int i, differ = 0, fresh = 0, mine = 0;

	/* The synthetic CPU crosses 40% often: the rule must have had a life. */
	CHECK(live_ntr_all > 20);
	CHECK(nlive_fired > 3);
	memset(&o, 0, sizeof(o));
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	for (i = 1; i <= TICKS && ri_monitor_tick(mon) == 0; i++)
		if (tr_digest(ri_monitor_alerts(mon), &n) != live_tr[i] || n != live_ntr[i])
			differ++;
	CHECK_EQ(differ, 0);
	CHECK_STR(ri_alerts_rules(ri_monitor_alerts(mon))->v[0].text, LIVE_RULE);
	nm = ri_replay_marks(rp, &marks);
	CHECK_EQ(nm, nlive_fired);
	for (k = 0; k < nm && k < nlive_fired; k++)
		CHECK_NEAR(marks[k], live_fired[k], 1e-6);
	ri_monitor_close(mon);

	/* -d 5: the transitions of every frame merged, none lost. */
	memset(&o, 0, sizeof(o));
	o.delay = 5;
	o.delay_set = true;
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	while (ri_monitor_tick(mon) == 0) {
		const struct ri_alert_transition *v;

		total += ri_alerts_transitions(ri_monitor_alerts(mon), &v);
	}
	CHECK_EQ(total, live_ntr_all);
	ri_monitor_close(mon);

	/* Rules given: evaluated afresh, the recorded ones not shown. */
	memset(&o, 0, sizeof(o));
	CHECK_EQ(ri_rules_add(&o.alerts, "cpu > 10%", &re), 0);
	CHECK_EQ(open_replay(&o, &mon, &rp), 0);
	for (i = 1; i <= TICKS && ri_monitor_tick(mon) == 0; i++) {
		const struct ri_alert_transition *v;

		n = ri_alerts_transitions(ri_monitor_alerts(mon), &v);
		for (k = 0; k < n; k++) {
			fresh += !strcmp(v[k].text, "cpu > 10%");
			mine += !strcmp(v[k].text, LIVE_RULE);
		}
	}
	CHECK(fresh > 0);
	CHECK_EQ(mine, 0);
	ri_monitor_close(mon);
}

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/ri-test-replay-%d.rirec", (int)getpid());
	live_run();
	test_tick_for_tick();
	test_jumps();
	test_from_to();
	test_coarser();
	test_choice_in_replay();
	test_recorded_alerts();
	unlink(path);
	return check_report("test_replay");
}
