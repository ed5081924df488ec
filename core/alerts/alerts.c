// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The state of every alert rule on every process, stepped once per tick
 * on the model's figures (alerts.h has the states), the transitions of
 * that tick, and a log of the last RI_ALERT_LOG of them.
 *
 * Durations ("for 30s") are measured on the tick's boot-time clock, the
 * one the drain carries: a wall-clock step cannot fire or hold back an
 * alert, and a recording played back measures exactly what the live run
 * measured (give or take the jitter of a tick, see slack_ns). Only alerts that are pending or firing are kept (plus, for
 * one tick, those that just resolved), so the cost is that of the rules
 * times the processes watched, and memory follows what is alerting.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "format.h"

struct ri_alerts {
	struct ri_ruleset rules;
	uint64_t for_ns[RI_MAX_RULES];
	bool learned[RI_MAX_RULES]; /* ri_alerts_apply: a recorded rule that parsed */

	/* Alerts not inactive, in the order they began. */
	struct ri_alert *v;
	size_t n, cap;
	/* (rule, pid, start) -> index + 1 into v; 0 is empty. */
	uint32_t *slot;
	size_t nslots;

	struct ri_alert_transition *tr; /* of the last tick */
	size_t ntr, trcap;

	struct ri_alert_transition log[RI_ALERT_LOG];
	size_t log_head, log_len;
	uint64_t log_total;

	uint64_t tick;
	size_t nfiring;
	const struct ri_alert *newest;
};

static const char *const state_names[] = {
	[RI_ALERT_INACTIVE] = "inactive",
	[RI_ALERT_PENDING] = "pending",
	[RI_ALERT_FIRING] = "firing",
	[RI_ALERT_RESOLVED] = "resolved",
};

const char *ri_alert_state_name(enum ri_alert_state s)
{
	return s <= RI_ALERT_RESOLVED ? state_names[s] : "?";
}

bool ri_alert_metric_value(enum ri_alert_metric m, const struct ri_proc *p,
			   double *v)
{
	const struct ri_fig *f = &p->fig;

	switch (m) {
	case RI_AM_CPU: *v = f->cpu_pct; return true;
	case RI_AM_MEM: *v = f->mem_pct; return true;
	case RI_AM_RSS: *v = (double)f->rss_bytes; return true;
	case RI_AM_GROWTH:
		/* The steady trend only: memory that breathes is not growing. */
		*v = p->growth.r2 >= RI_GROWTH_R2 ? p->growth.bps : 0;
		return p->growth.valid;
	case RI_AM_CSW: *v = f->csw_ps; return true;
	case RI_AM_WAIT: *v = f->wait_pct; return !f->wait_na;
	case RI_AM_THREADS: *v = p->nthreads; return true;
	case RI_AM_DEADLOCK: *v = p->deadlocked; return !f->states_na && !f->newer_na;
	case RI_AM_HUNG: *v = p->hung_s; return !f->states_na && !f->newer_na;
	case RI_AM_ETA:
		/* No trend heading to a limit: nothing to compare, not 0. */
		if (!p->lim_known || p->soonest < 0)
			return false;
		*v = p->room[p->soonest].eta_s;
		return true;
	case RI_AM_THROTTLED:
		*v = p->throttled_pct;
		return p->lim_known && p->throttle_known;
	case RI_AM_OOM_KILL:
		/* Known of a process that exited too: the kill may be what ended it. */
		*v = (double)p->oom_kills;
		return p->oom_known;
	default:
		if (m >= RI_AM_LIMIT && m <= RI_AM_LIMIT_LAST) {
			const struct ri_room *o = &p->room[m - RI_AM_LIMIT];

			*v = o->pct;
			return p->lim_known && o->known;
		}
		if (m >= RI_AM_FIG && m <= RI_AM_FIG_LAST) {
			*v = f->rate[m - RI_AM_FIG];
			return !ri_fig_na(f, m - RI_AM_FIG);
		}
		return false;
	}
}

const char *ri_alert_metric_resource(enum ri_alert_metric m, const struct ri_proc *p)
{
	if (m == RI_AM_ETA)
		return p->lim_known && p->soonest >= 0 ? ri_resources[p->soonest].name : "";
	if (m >= RI_AM_LIMIT && m <= RI_AM_LIMIT_LAST)
		return ri_resources[m - RI_AM_LIMIT].name;
	if (m == RI_AM_THROTTLED)
		return "cpu";
	if (m == RI_AM_OOM_KILL)
		return "mem";
	return "";
}

char *ri_alert_wait_resource(char *buf, size_t len, enum ri_alert_metric m,
			     const struct ri_model *model, const struct ri_proc *p)
{
	const struct ri_thread *t, *first = NULL;
	const struct ri_site *s;
	size_t o = 0;
	int n = 0;

	buf[0] = '\0';
	if (m != RI_AM_HUNG && m != RI_AM_DEADLOCK)
		return buf;
	for (t = p->threads; t; t = t->next) {
		if (t->exited)
			continue;
		if (m == RI_AM_HUNG && t->stuck_since &&
		    (!first || t->stuck_since < first->stuck_since))
			first = t;
		if (m == RI_AM_DEADLOCK && t->deadlocked) {
			/* The threads of the cycle, four at most. */
			if (n < 4 && o < len)
				o += (size_t)snprintf(buf + o, len - o, "%s%d", n ? "," : "",
						      (int)t->tid);
			else if (n == 4 && o < len)
				o += (size_t)snprintf(buf + o, len - o, ",...");
			if (!first)
				first = t;
			n++;
		}
	}
	if (!first)
		return buf;
	if (m == RI_AM_HUNG)
		o = (size_t)snprintf(buf, len, "%d", (int)first->tid);
	s = ri_site_table_find(&model->sites, (uint32_t)p->pid, (uint32_t)first->tid);
	if (s && *s->fn && o < len) {
		char site[RI_SITE_LEN + 32];

		snprintf(buf + o, len - o, " in %s",
			 ri_site_text(site, sizeof(site), s->fn, s->nr, "<-"));
	}
	return buf;
}

char *ri_alert_fmt_value(char *buf, size_t len, enum ri_alert_metric m, double v)
{
	char num[32];

	if (m >= RI_AM_LIMIT && m <= RI_AM_LIMIT_LAST)
		m = RI_AM_CPU; /* a percentage like it */
	switch (m) {
	case RI_AM_ETA:
		ri_fmt_eta(buf, len, v);
		break;
	case RI_AM_OOM_KILL:
		ri_fmt_fixed(buf, len, v, 0);
		break;
	case RI_AM_CPU:
	case RI_AM_MEM:
	case RI_AM_THROTTLED:
	case RI_AM_WAIT:
		snprintf(buf, len, "%s%%", ri_fmt_fixed(num, sizeof(num), v, 1));
		break;
	case RI_AM_RSS:
		ri_fmt_bytes(buf, len, v, 5);
		break;
	case RI_AM_GROWTH:
		ri_fmt_growth(buf, len, v);
		break;
	case RI_AM_CSW:
		snprintf(buf, len, "%s/s", ri_fmt_fixed(num, sizeof(num), v, 0));
		break;
	case RI_AM_THREADS:
	case RI_AM_DEADLOCK:
		ri_fmt_fixed(buf, len, v, 0);
		break;
	case RI_AM_HUNG:
		snprintf(buf, len, "%ss", ri_fmt_fixed(num, sizeof(num), v, 0));
		break;
	default:
		if (m >= RI_AM_FIG && m <= RI_AM_FIG_LAST &&
		    (ri_counters[m - RI_AM_FIG].flags & RI_FF_TIME)) {
			snprintf(buf, len, "%s%%", ri_fmt_fixed(num, sizeof(num), v, 1));
			break;
		}
		if (m >= RI_AM_FIG && m <= RI_AM_FIG_LAST &&
		    !(ri_counters[m - RI_AM_FIG].flags & RI_FF_BYTES)) {
			snprintf(buf, len, "%s/s", ri_fmt_fixed(num, sizeof(num), v, 0));
			break;
		}
		snprintf(buf, len, "%s/s", ri_fmt_rate(num, sizeof(num), v, 5));
		break;
	}
	return buf;
}

char *ri_alert_fmt_value_of(char *buf, size_t len, enum ri_alert_metric m, double v,
			    const char *resource)
{
	char val[32];

	ri_alert_fmt_value(val, sizeof(val), m, v);
	if (resource && *resource && (m == RI_AM_HUNG || m == RI_AM_DEADLOCK))
		snprintf(buf, len, "%s (%.*s)", val, RI_RESOURCE_TEXT, resource);
	else if (resource && *resource)
		snprintf(buf, len, "%.*s %s", RI_RESOURCE_TEXT, resource, val);
	else
		snprintf(buf, len, "%s", val);
	return buf;
}

struct ri_alerts *ri_alerts_new(const struct ri_ruleset *rules)
{
	struct ri_alerts *a = calloc(1, sizeof(*a));
	size_t i;

	if (!a)
		return NULL;
	if (rules)
		a->rules = *rules;
	for (i = 0; i < a->rules.n; i++)
		a->for_ns[i] = (uint64_t)llround(a->rules.v[i].for_s * 1e9);
	return a;
}

void ri_alerts_free(struct ri_alerts *a)
{
	if (!a)
		return;
	free(a->v);
	free(a->slot);
	free(a->tr);
	free(a);
}

/* ---- the index of alerts by rule and process ---- */

static size_t hash(uint32_t rule, pid_t pid, uint64_t start)
{
	uint64_t h = (uint64_t)rule * 0x9e3779b97f4a7c15ULL;

	h ^= (uint64_t)(uint32_t)pid * 0xc2b2ae3d27d4eb4fULL;
	h ^= start + (h << 6) + (h >> 2);
	h ^= h >> 29;
	return (size_t)(h * 0xbf58476d1ce4e5b9ULL >> 17);
}

static void index_put(struct ri_alerts *a, size_t i)
{
	const struct ri_alert *x = &a->v[i];
	size_t mask = a->nslots - 1, s = hash(x->rule, x->pid, x->start_ns) & mask;

	while (a->slot[s])
		s = (s + 1) & mask;
	a->slot[s] = (uint32_t)(i + 1);
}

/* Room for @n alerts at a load of at most a half. */
static int index_rebuild(struct ri_alerts *a, size_t n)
{
	size_t want = 16, i;

	while (want < 2 * n)
		want *= 2;
	if (want != a->nslots) {
		uint32_t *s = calloc(want, sizeof(*s));

		if (!s)
			return -ENOMEM;
		free(a->slot);
		a->slot = s;
		a->nslots = want;
	} else {
		memset(a->slot, 0, want * sizeof(*a->slot));
	}
	for (i = 0; i < a->n; i++)
		index_put(a, i);
	return 0;
}

static struct ri_alert *find_key(struct ri_alerts *a, uint32_t rule, pid_t pid,
				 uint64_t start)
{
	size_t mask = a->nslots - 1, s = hash(rule, pid, start) & mask;

	for (; a->slot[s]; s = (s + 1) & mask) {
		struct ri_alert *x = &a->v[a->slot[s] - 1];

		if (x->rule == rule && x->pid == pid && x->start_ns == start)
			return x;
	}
	return NULL;
}

static struct ri_alert *find(struct ri_alerts *a, uint32_t rule,
			     const struct ri_proc *p)
{
	return find_key(a, rule, p->pid, p->start_ns);
}

/* ---- transitions ---- */

/* One more transition this tick: in its list and in the log. */
static struct ri_alert_transition *new_transition(struct ri_alerts *a)
{
	struct ri_alert_transition *t;

	if (a->ntr == a->trcap) {
		size_t cap = a->trcap ? a->trcap * 2 : 16;
		struct ri_alert_transition *v = realloc(a->tr, cap * sizeof(*v));

		if (!v)
			return NULL;
		a->tr = v;
		a->trcap = cap;
	}
	t = &a->tr[a->ntr++];
	memset(t, 0, sizeof(*t));
	return t;
}

static void log_transition(struct ri_alerts *a, const struct ri_alert_transition *t)
{
	a->log[a->log_head] = *t;
	a->log_head = (a->log_head + 1) % RI_ALERT_LOG;
	if (a->log_len < RI_ALERT_LOG)
		a->log_len++;
	a->log_total++;
}

static int transition(struct ri_alerts *a, const struct ri_model *m,
		      struct ri_alert *x, enum ri_alert_state to)
{
	struct ri_alert_transition *t = new_transition(a);

	if (!t)
		return -ENOMEM;
	t->time = m->time;
	t->value = x->value;
	t->since = x->state == RI_ALERT_INACTIVE ? m->time : x->since;
	t->start_ns = x->start_ns;
	t->rule = x->rule;
	t->pid = x->pid;
	t->from = x->state;
	t->to = to;
	memcpy(t->comm, x->comm, RI_COMM_LEN);
	memcpy(t->text, a->rules.v[x->rule].text, RI_RULE_TEXT);
	memcpy(t->resource, x->resource, RI_RESOURCE_TEXT);
	log_transition(a, t);
	x->state = to;
	x->since = m->time;
	x->since_ns = m->clock_ns;
	return 0;
}

static struct ri_alert *add_key(struct ri_alerts *a, uint32_t rule, pid_t pid,
				uint64_t start)
{
	struct ri_alert *x;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct ri_alert *v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		a->v = v;
		a->cap = cap;
	}
	if (2 * (a->n + 1) > a->nslots && index_rebuild(a, a->n + 1))
		return NULL;
	x = &a->v[a->n++];
	memset(x, 0, sizeof(*x));
	x->rule = rule;
	x->pid = pid;
	x->start_ns = start;
	x->state = RI_ALERT_INACTIVE;
	index_put(a, a->n - 1);
	return x;
}

static struct ri_alert *add(struct ri_alerts *a, uint32_t rule,
			    const struct ri_proc *p)
{
	return add_key(a, rule, p->pid, p->start_ns);
}

/* Last tick's resolved and inactive alerts go; the index follows. */
static int compact(struct ri_alerts *a)
{
	size_t i, k = 0;

	for (i = 0; i < a->n; i++)
		if (a->v[i].state == RI_ALERT_PENDING || a->v[i].state == RI_ALERT_FIRING)
			a->v[k++] = a->v[i];
	if (k == a->n && a->nslots)
		return 0;
	a->n = k;
	return index_rebuild(a, k);
}

static bool applies(const struct ri_rule *r, const struct ri_proc *p)
{
	switch (r->sel) {
	case RI_SEL_PID: return p->pid == r->pid;
	case RI_SEL_COMM: return !strncmp(p->comm, r->comm, RI_COMM_LEN);
	default: return true;
	}
}

static bool holds(const struct ri_rule *r, double v)
{
	switch (r->op) {
	case RI_OP_GT: return v > r->value;
	case RI_OP_GE: return v >= r->value;
	case RI_OP_LT: return v < r->value;
	default: return v <= r->value;
	}
}

/*
 * Ticks come a little late or early (scheduling): "for 3s" at -d 1 must
 * fire at the third tick, not at the third or the fourth as the clock
 * falls. So "for" counts as elapsed within 1% of a refresh (10 ms at
 * most) of its end, which no refresh interval can mistake for a tick.
 */
static uint64_t slack_ns(const struct ri_model *m)
{
	double s = m->interval_s * 0.01;

	return (uint64_t)((s < 0.01 ? s : 0.01) * 1e9);
}

/* One rule on one process, this tick. */
static int step(struct ri_alerts *a, const struct ri_model *m, uint32_t ri,
		const struct ri_proc *p)
{
	const struct ri_rule *r = &a->rules.v[ri];
	struct ri_alert *x = find(a, ri, p);
	double v = 0;
	bool known = ri_alert_metric_value(r->metric, p, &v);
	bool cond = known && holds(r, v);

	if (!x) {
		if (!cond)
			return 0;
		if (!(x = add(a, ri, p)))
			return -ENOMEM;
	}
	x->seen = a->tick;
	memcpy(x->comm, p->comm, RI_COMM_LEN);
	if (known) {
		x->value = v;
		if (r->metric == RI_AM_HUNG || r->metric == RI_AM_DEADLOCK)
			ri_alert_wait_resource(x->resource, sizeof(x->resource), r->metric, m, p);
		else
			snprintf(x->resource, sizeof(x->resource), "%s",
				 ri_alert_metric_resource(r->metric, p));
	}
	if (x->state == RI_ALERT_INACTIVE)
		return transition(a, m, x, a->for_ns[ri] ? RI_ALERT_PENDING : RI_ALERT_FIRING);
	if (!cond)
		return transition(a, m, x, x->state == RI_ALERT_FIRING ? RI_ALERT_RESOLVED :
									  RI_ALERT_INACTIVE);
	if (x->state == RI_ALERT_PENDING && m->clock_ns >= x->since_ns &&
	    m->clock_ns - x->since_ns + slack_ns(m) >= a->for_ns[ri])
		return transition(a, m, x, RI_ALERT_FIRING);
	return 0;
}

static void count_firing(struct ri_alerts *a)
{
	size_t k;

	a->nfiring = 0;
	a->newest = NULL;
	for (k = 0; k < a->n; k++) {
		if (a->v[k].state != RI_ALERT_FIRING)
			continue;
		a->nfiring++;
		if (!a->newest || a->v[k].since >= a->newest->since)
			a->newest = &a->v[k];
	}
}

/*
 * The start of a tick's evaluation, live or recorded: 1 to go on, 0 when the
 * model has no figures yet (its first drain only primes it), or -errno.
 */
static int begin_tick(struct ri_alerts *a, const struct ri_model *m)
{
	int err;

	if (!(m->interval_s > 0))
		return 0;
	a->tick++;
	a->ntr = 0;
	if ((err = compact(a)))
		return err;
	return 1;
}

int ri_alerts_eval(struct ri_alerts *a, const struct ri_model *m)
{
	size_t i, k;
	uint32_t r;
	int err;

	if ((err = begin_tick(a, m)) <= 0)
		return err;
	for (i = 0; i < m->nprocs; i++) {
		const struct ri_proc *p = m->procs[i];

		for (r = 0; r < a->rules.n; r++) {
			/*
			 * An exited process's alerts end below, with the unseen;
			 * only the OOM kill that ended it still fires, once.
			 */
			if (p->exited && (a->rules.v[r].metric != RI_AM_OOM_KILL || !p->oom_known))
				continue;
			if (applies(&a->rules.v[r], p) && (err = step(a, m, r, p)))
				return err;
		}
	}
	/* Gone, exited or no longer watched: nothing holds any more. */
	for (k = 0; k < a->n; k++) {
		struct ri_alert *x = &a->v[k];

		err = 0;
		if (x->seen == a->tick)
			continue;
		if (x->state == RI_ALERT_FIRING)
			err = transition(a, m, x, RI_ALERT_RESOLVED);
		else if (x->state == RI_ALERT_PENDING)
			err = transition(a, m, x, RI_ALERT_INACTIVE);
		if (err)
			return err;
	}
	count_firing(a);
	return 0;
}

/* A rule as the recording wrote it: its metric formats the values. */
static void learn_rule(struct ri_alerts *a, uint32_t ri, const char *text)
{
	struct ri_rule *r = &a->rules.v[ri];
	struct ri_rule_error e;

	while (a->rules.n <= ri)
		memset(&a->rules.v[a->rules.n++], 0, sizeof(*r));
	if (r->text[0] && !strncmp(r->text, text, RI_RULE_TEXT))
		return;
	/* A text this version cannot parse still names the rule. */
	a->learned[ri] = ri_rule_parse(text, r, &e) == 0;
	if (!a->learned[ri])
		memset(r, 0, sizeof(*r));
	snprintf(r->text, sizeof(r->text), "%s", text);
}

int ri_alerts_apply(struct ri_alerts *a, const struct ri_model *m,
		    const struct ri_alert_transition *v, size_t n)
{
	size_t i;
	int err;

	if ((err = begin_tick(a, m)) <= 0)
		return err;
	for (i = 0; i < n; i++) {
		const struct ri_alert_transition *t = &v[i];
		struct ri_alert_transition *c;
		struct ri_alert *x;
		char text[RI_RULE_TEXT];

		if (t->rule >= RI_MAX_RULES || t->to > RI_ALERT_RESOLVED)
			continue; /* not what a writer writes: nothing to show */
		memcpy(text, t->text, sizeof(text));
		text[sizeof(text) - 1] = '\0';
		learn_rule(a, t->rule, text);
		x = find_key(a, t->rule, t->pid, t->start_ns);
		if (!x && !(x = add_key(a, t->rule, t->pid, t->start_ns)))
			return -ENOMEM;
		if (!(c = new_transition(a)))
			return -ENOMEM;
		*c = *t;
		log_transition(a, c);
		memcpy(x->comm, t->comm, RI_COMM_LEN);
		x->comm[RI_COMM_LEN - 1] = '\0';
		x->value = t->value;
		memcpy(x->resource, t->resource, RI_RESOURCE_TEXT);
		x->resource[RI_RESOURCE_TEXT - 1] = '\0';
		x->state = (enum ri_alert_state)t->to;
		x->since = t->time;
		x->since_ns = m->clock_ns;
		x->seen = a->tick;
	}
	/*
	 * Pending and firing alerts that did not change: their value is the
	 * metric now, as live, from the model the replay rebuilt.
	 */
	for (i = 0; a->n && i < m->nprocs; i++) {
		const struct ri_proc *p = m->procs[i];
		uint32_t r;

		for (r = 0; r < a->rules.n; r++) {
			struct ri_alert *x = find_key(a, r, p->pid, p->start_ns);
			double val;

			if (x && x->seen != a->tick && a->learned[r] &&
			    ri_alert_metric_value(a->rules.v[r].metric, p, &val))
				x->value = val;
		}
	}
	count_firing(a);
	return 0;
}

const struct ri_ruleset *ri_alerts_rules(const struct ri_alerts *a)
{
	return &a->rules;
}

size_t ri_alerts_list(const struct ri_alerts *a, const struct ri_alert **v)
{
	*v = a->v;
	return a->n;
}

size_t ri_alerts_transitions(const struct ri_alerts *a,
			     const struct ri_alert_transition **v)
{
	*v = a->tr;
	return a->ntr;
}

size_t ri_alerts_firing(const struct ri_alerts *a)
{
	return a->nfiring;
}

const struct ri_alert *ri_alerts_newest_firing(const struct ri_alerts *a)
{
	return a->newest;
}

bool ri_alerts_proc_firing(const struct ri_alerts *a, pid_t pid,
			   uint64_t start_ns)
{
	size_t i;

	if (!a->nfiring)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->v[i].state == RI_ALERT_FIRING && a->v[i].pid == pid &&
		    a->v[i].start_ns == start_ns)
			return true;
	return false;
}

size_t ri_alerts_log_len(const struct ri_alerts *a)
{
	return a->log_len;
}

const struct ri_alert_transition *ri_alerts_log_get(const struct ri_alerts *a,
						    size_t i)
{
	if (i >= a->log_len)
		return NULL;
	return &a->log[(a->log_head + RI_ALERT_LOG - 1 - i) % RI_ALERT_LOG];
}

uint64_t ri_alerts_log_total(const struct ri_alerts *a)
{
	return a->log_total;
}
