// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The metric families and their exposition: once per tick, every sample
 * is written once in the OpenMetrics buffer and copied as is into the
 * Prometheus text one (a sample line is the same in both); only the
 * families' metadata differ (OpenMetrics names a counter's family without
 * "_total", has # UNIT and ends with # EOF). Numbers are written without
 * printf: with ten thousand series it would be most of the cost.
 *
 * A new family is an entry in one of the tables below (or its own
 * ri_mx_family) and a loop calling ri_expo_sample_*() over its entities.
 */
#include <pthread.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "metrics_priv.h"

/* ---- buffers --------------------------------------------------------- */

static bool buf_room(struct ri_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + n <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void ri_buf_put(struct ri_buf *b, const char *s, size_t n)
{
	if (!buf_room(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void ri_buf_puts(struct ri_buf *b, const char *s)
{
	ri_buf_put(b, s, strlen(s));
}

void ri_buf_free(struct ri_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- label values ----------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at @s (RFC 3629), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

char *ri_mx_value(char out[RI_MX_VALUE_MAX], const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, len = strnlen(s, n);

	while (i < len && o + 4 <= RI_MX_VALUE_MAX) {
		size_t k = utf8_seq(u + i, len - i);

		if (k) {
			memcpy(out + o, u + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3); /* U+FFFD */
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

void ri_mx_label(char *out, size_t len, const char *name, const char *value)
{
	size_t o = strlen(out);

	/* Room for the worst case: every byte escaped, plus the frame. */
	if (o + strlen(name) + 2 * strlen(value) + 5 > len)
		return;
	if (o)
		out[o++] = ',';
	o += (size_t)sprintf(out + o, "%s=\"", name);
	for (; *value; value++) {
		switch (*value) {
		case '\\':
			out[o++] = '\\';
			out[o++] = '\\';
			break;
		case '"':
			out[o++] = '\\';
			out[o++] = '"';
			break;
		case '\n':
			out[o++] = '\\';
			out[o++] = 'n';
			break;
		default:
			out[o++] = *value;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* ---- the exposition ---------------------------------------------------- */

static const char *suffix(enum ri_mx_type t)
{
	return t == RI_MX_COUNTER ? "_total" : t == RI_MX_INFO ? "_info" : "";
}

/* The family's metadata, in each format's words, before its first sample. */
static void family(struct ri_expo *e, const struct ri_mx_family *f)
{
	static const char *om_type[] = { "counter", "gauge", "info" };
	static const char *text_type[] = { "counter", "gauge", "gauge" };
	const char *sfx = suffix(f->type);

	if (e->family == f)
		return;
	e->family = f;
	ri_buf_puts(&e->om, "# TYPE ");
	ri_buf_puts(&e->om, f->name);
	ri_buf_puts(&e->om, " ");
	ri_buf_puts(&e->om, om_type[f->type]);
	if (f->unit) {
		ri_buf_puts(&e->om, "\n# UNIT ");
		ri_buf_puts(&e->om, f->name);
		ri_buf_puts(&e->om, " ");
		ri_buf_puts(&e->om, f->unit);
	}
	ri_buf_puts(&e->om, "\n# HELP ");
	ri_buf_puts(&e->om, f->name);
	ri_buf_puts(&e->om, " ");
	ri_buf_puts(&e->om, f->help);
	ri_buf_puts(&e->om, "\n");

	ri_buf_puts(&e->text, "# HELP ");
	ri_buf_puts(&e->text, f->name);
	ri_buf_puts(&e->text, sfx);
	ri_buf_puts(&e->text, " ");
	ri_buf_puts(&e->text, f->help);
	ri_buf_puts(&e->text, "\n# TYPE ");
	ri_buf_puts(&e->text, f->name);
	ri_buf_puts(&e->text, sfx);
	ri_buf_puts(&e->text, " ");
	ri_buf_puts(&e->text, text_type[f->type]);
	ri_buf_puts(&e->text, "\n");
}

/* name{labels} value: written to the OpenMetrics buffer, copied to text. */
static void sample(struct ri_expo *e, const struct ri_mx_family *f,
		   const char *labels, const char *value)
{
	size_t start;

	family(e, f);
	start = e->om.len;
	ri_buf_puts(&e->om, f->name);
	ri_buf_puts(&e->om, suffix(f->type));
	if (labels && *labels) {
		ri_buf_put(&e->om, "{", 1);
		ri_buf_puts(&e->om, labels);
		ri_buf_put(&e->om, "}", 1);
	}
	ri_buf_put(&e->om, " ", 1);
	ri_buf_puts(&e->om, value);
	ri_buf_put(&e->om, "\n", 1);
	if (!e->om.oom)
		ri_buf_put(&e->text, e->om.p + start, e->om.len - start);
	e->series++;
}

void ri_expo_reset(struct ri_expo *e)
{
	e->text.len = e->om.len = 0;
	e->text.oom = e->om.oom = false;
	e->series = 0;
	e->family = NULL;
}

void ri_expo_sample_u64(struct ri_expo *e, const struct ri_mx_family *f,
			const char *labels, uint64_t v)
{
	char b[24];

	sample(e, f, labels, ri_fmt_u64(b, sizeof(b), v));
}

void ri_expo_sample_ns(struct ri_expo *e, const struct ri_mx_family *f,
		       const char *labels, uint64_t ns)
{
	char b[40];
	uint64_t frac = ns % 1000000000ULL;
	size_t n;
	int i;

	ri_fmt_u64(b, sizeof(b), ns / 1000000000ULL);
	if (frac) {
		/* Exact: nine decimals, trailing zeros dropped. */
		n = strlen(b);
		b[n++] = '.';
		for (i = 8; i >= 0; i--) {
			b[n + (size_t)i] = (char)('0' + frac % 10);
			frac /= 10;
		}
		n += 9;
		while (b[n - 1] == '0')
			n--;
		b[n] = '\0';
	}
	sample(e, f, labels, b);
}

void ri_expo_sample_double(struct ri_expo *e, const struct ri_mx_family *f,
			   const char *labels, double v)
{
	char b[48];

	if (!isfinite(v))
		return; /* NaN and infinities say nothing here */
	snprintf(b, sizeof(b), "%.9g", v);
	sample(e, f, labels, b);
}

void ri_expo_finish(struct ri_expo *e)
{
	ri_buf_puts(&e->om, "# EOF\n");
	e->family = NULL;
}

void ri_expo_free(struct ri_expo *e)
{
	ri_buf_free(&e->text);
	ri_buf_free(&e->om);
}

/* ---- the families ------------------------------------------------------ */

enum mx_what {
	W_CPU, W_CSW, W_WAIT, W_STATES, W_EXITED,
	W_RSS, W_PROCS, W_THREADS, W_START, W_GROWTH,
	W_FDS, W_FD_LIMIT, W_ROOM, W_ETA,
	W_FIG, /* W_FIG + c: counter c of figures.h */
};

struct mx_fam {
	struct ri_mx_family f;
	enum mx_what what;
};

/* One entity as every family sees it: its series, and what only some have. */
struct mx_view {
	const struct mx_series *s;
	uint64_t exited, nprocs;  /* groups */
	double start_time, growth; /* processes */
	bool growth_valid;
	const struct mx_proc *p;  /* processes: their limits */
};

/*
 * The families of one kind of entity: CPU, then a counter for each
 * counter of figures.h with a figure of its own, the switches and the
 * wait, then the kind's own gauges. Made once, from figures.h: the names
 * and HELP texts are its, with who counts them.
 */
#define MX_MAX_FAMS (MX_COUNTER_SERIES + 8)

struct mx_kind {
	const char *prefix, *who;
	struct mx_fam fams[MX_MAX_FAMS];
	char names[RI_C_COUNT][RI_MX_VALUE_MAX];
	char helps[RI_C_COUNT][256];
	size_t n;
};

#define G "resource_image_group_"
#define P "resource_image_process_"
#define T "resource_image_thread_"
#define GWHO "the processes of this name, exited ones included"
#define PWHO "this process, its exited threads included"
#define TWHO "the threads of this name in this process, exited ones included"

static void fam(struct mx_kind *k, const char *name, enum ri_mx_type type, const char *unit,
		const char *help, enum mx_what what)
{
	k->fams[k->n++] = (struct mx_fam){ { name, type, unit, help }, what };
}

static void counter_fams(struct mx_kind *k, const char *cpu_name, const char *cpu_help,
			 const char *csw_name, const char *csw_help, const char *wait_name,
			 const char *wait_help)
{
	int st = -1;

	fam(k, cpu_name, RI_MX_COUNTER, "seconds", cpu_help, W_CPU);
	for (int c = 0; c < RI_C_COUNT; c++) {
		if (!ri_counter_shown(c))
			continue;
		if (ri_counters[c].flags & RI_FF_TIME) {
			/* One family for every state, told apart by a label. */
			if (st < 0)
				st = c;
			continue;
		}
		snprintf(k->names[c], sizeof(k->names[c]), "%s%s", k->prefix,
			 ri_counters[c].family);
		ri_counter_help(k->helps[c], sizeof(k->helps[c]), c, k->who);
		fam(k, k->names[c], RI_MX_COUNTER,
		    ri_counters[c].flags & RI_FF_BYTES ? "bytes" : NULL, k->helps[c],
		    (enum mx_what)(W_FIG + c));
	}
	fam(k, csw_name, RI_MX_COUNTER, NULL, csw_help, W_CSW);
	fam(k, wait_name, RI_MX_COUNTER, "seconds", wait_help, W_WAIT);
	if (st >= 0) {
		snprintf(k->names[st], sizeof(k->names[st]), "%sstate_seconds", k->prefix);
		snprintf(k->helps[st], sizeof(k->helps[st]),
			 "Where the time of %s went, by state: cpu, runq (runnable, "
			 "waiting for a CPU), then disk, blocked, lock, net, sleep and "
			 "other, these counted since the tool started (see the man page)",
			 k->who);
		fam(k, k->names[st], RI_MX_COUNTER, "seconds", k->helps[st], W_STATES);
	}
}

/*
 * Where the time of an entity went, state by state: cpu and runq (the
 * same counts as ..._cpu_seconds and ..._wait_seconds, so that one query
 * adds up to the wall time), then figures.h's states; none where n/a.
 */
static void put_states(struct ri_expo *e, const struct ri_mx_family *f,
		       const struct mx_view *v)
{
	char lb[MX_LABELS_MAX + 32];

	snprintf(lb, sizeof(lb), "%s,state=\"cpu\"", v->s->labels);
	ri_expo_sample_ns(e, f, lb, v->s->c.v[RI_C_CPU]);
	if (!v->s->wait_na) {
		snprintf(lb, sizeof(lb), "%s,state=\"runq\"", v->s->labels);
		ri_expo_sample_ns(e, f, lb, v->s->c.v[RI_C_RUN_DELAY]);
	}
	if (v->s->states_na || v->s->newer_na)
		return;
	for (int c = 0; c < RI_C_COUNT; c++) {
		if (!ri_counter_shown(c) || !(ri_counters[c].flags & RI_FF_TIME))
			continue;
		snprintf(lb, sizeof(lb), "%s,state=\"%s\"", v->s->labels,
			 ri_counters[c].family);
		ri_expo_sample_ns(e, f, lb, v->s->c.v[c]);
	}
}

#define COUNTER_FAMS(k, p, who)                                                          \
	counter_fams(k, p "cpu_seconds",                                                 \
		     "CPU time of " who ", from the scheduler's own clock (sum_exec_runtime)", \
		     p "context_switches", "Context switches of " who ", by kind",          \
		     p "wait_seconds",                                                      \
		     "Time " who " spent runnable, waiting for a CPU (run-queue wait, run_delay)")

static struct mx_kind group_kind = { .prefix = G, .who = GWHO };
static struct mx_kind proc_kind = { .prefix = P, .who = PWHO };
static struct mx_kind thread_kind = { .prefix = T, .who = TWHO };

static void make_cgroup_fams(void);

static void make_kinds(void)
{
	struct mx_kind *k;

	k = &group_kind;
	COUNTER_FAMS(k, G, GWHO);
	fam(k, G "exited_processes", RI_MX_COUNTER, NULL,
	    "Processes of this name that exited while watched", W_EXITED);
	fam(k, G "resident_memory_bytes", RI_MX_GAUGE, "bytes",
	    "Resident memory (file, anon and shmem pages) of the live processes of this name",
	    W_RSS);
	fam(k, G "processes", RI_MX_GAUGE, NULL, "Live processes of this name", W_PROCS);
	fam(k, G "threads", RI_MX_GAUGE, NULL, "Live threads of the processes of this name",
	    W_THREADS);

	k = &proc_kind;
	COUNTER_FAMS(k, P, PWHO);
	fam(k, P "resident_memory_bytes", RI_MX_GAUGE, "bytes",
	    "Resident memory (file, anon and shmem pages) of this process", W_RSS);
	fam(k, P "threads", RI_MX_GAUGE, NULL, "Live threads of this process", W_THREADS);
	fam(k, P "start_time_seconds", RI_MX_GAUGE, "seconds",
	    "Start time of this process, seconds since the Unix epoch", W_START);
	fam(k, P "rss_growth_bytes_per_second", RI_MX_GAUGE, NULL,
	    "Trend of this process's resident memory: least-squares slope over the growth window",
	    W_GROWTH);
	fam(k, P "open_fds", RI_MX_GAUGE, NULL, "Open file descriptors of this process",
	    W_FDS);
	fam(k, P "fd_limit", RI_MX_GAUGE, NULL,
	    "Soft limit of open file descriptors (RLIMIT_NOFILE) of this process", W_FD_LIMIT);
	fam(k, P "limit_used_ratio", RI_MX_GAUGE, NULL,
	    "Share of each limit this process can run out of that is used (resource: fd, "
	    "threads, mem)",
	    W_ROOM);
	fam(k, P "seconds_to_exhaustion", RI_MX_GAUGE, "seconds",
	    "Time until the trend of what this process uses meets its limit (the growth fit); "
	    "absent when the trend does not head there",
	    W_ETA);

	make_cgroup_fams();

	k = &thread_kind;
	COUNTER_FAMS(k, T, TWHO);
	fam(k, T "threads", RI_MX_GAUGE, NULL, "Live threads of this name in this process",
	    W_THREADS);
}

/*
 * The cgroups that bound processes with a limit set (containers, units
 * with MemoryMax=...): each field of figures.h's RI_CG_FIELDS read,
 * labelled by the cgroup's path; at most MX_MAX_CGROUPS of them.
 */
#define MX_MAX_CGROUPS 64
#define C "resource_image_cgroup_"

static struct ri_mx_family cg_fams[RI_CGF_COUNT];
static char cg_names[RI_CGF_COUNT][96];

static void make_cgroup_fams(void)
{
	for (int i = 0; i < RI_CGF_COUNT; i++) {
		const struct ri_cg_field_info *fi = &ri_cg_fields[i];

		snprintf(cg_names[i], sizeof(cg_names[i]), C "%s", fi->family);
		cg_fams[i] = (struct ri_mx_family){
			cg_names[i], fi->kind == RI_GF_COUNTER ? RI_MX_COUNTER : RI_MX_GAUGE,
			strstr(fi->family, "seconds") ? "seconds" :
			strstr(fi->family, "bytes") ? "bytes" : NULL,
			fi->help
		};
	}
}

static bool cg_limited(const struct ri_cgroup *cg)
{
	static const int lims[] = { RI_CGF_mem_max, RI_CGF_mem_high, RI_CGF_pids_max,
				    RI_CGF_cpu_quota_us };

	for (size_t i = 0; i < sizeof(lims) / sizeof(lims[0]); i++)
		if ((cg->have & (1u << lims[i])) &&
		    *(const uint64_t *)((const char *)cg + ri_cg_fields[lims[i]].off) !=
			    RI_CG_NONE)
			return true;
	return false;
}

static void cgroup_label(char *lb, size_t len, const struct ri_cgroup *cg)
{
	char v[RI_MX_VALUE_MAX];
	bool plain = true;

	for (const char *c = cg->path; *c; c++)
		plain &= *c >= 0x20 && *c < 0x7f;
	lb[0] = '\0';
	ri_mx_label(lb, len, "cgroup", plain ? cg->path : ri_mx_value(v, cg->path, sizeof(cg->path)));
}

/* Family by family, as the formats want a family's samples together. */
static void cgroup_samples(struct ri_expo *e, const struct ri_model *m)
{
	char lb[MX_LABELS_MAX * 2];

	for (int f = 0; f < RI_CGF_COUNT; f++) {
		const struct ri_cg_field_info *fi = &ri_cg_fields[f];
		size_t i, shown = 0;

		for (i = 0; i < m->ncgroups && shown < MX_MAX_CGROUPS; i++) {
			const struct ri_cgroup *cg = &m->cgroups[i].cg;
			uint64_t x = *(const uint64_t *)((const char *)cg + fi->off);

			if (!cg_limited(cg))
				continue;
			shown++;
			if (!(cg->have & (1u << f)) || x == RI_CG_NONE)
				continue;
			cgroup_label(lb, sizeof(lb), cg);
			if (fi->scale != 1)
				ri_expo_sample_double(e, &cg_fams[f], lb, (double)x * fi->scale);
			else
				ri_expo_sample_u64(e, &cg_fams[f], lb, x);
		}
	}
}

static pthread_once_t kinds_once = PTHREAD_ONCE_INIT;

static const struct ri_mx_family f_build = {
	"resource_image_build", RI_MX_INFO, NULL,
	"Version of the tool, and where its figures come from (source, probe)"
};
static const struct ri_mx_family f_dropped = {
	"resource_image_dropped_exits", RI_MX_COUNTER, NULL,
	"Exits of tasks whose final counters could not be recorded (ring buffer full)"
};
static const struct ri_mx_family f_switches = {
	"resource_image_context_switches_seen", RI_MX_COUNTER, NULL,
	"Context switches the probe saw, on the whole machine"
};
static const struct ri_mx_family f_tick = {
	"resource_image_tick_duration_seconds", RI_MX_GAUGE, "seconds",
	"How long the last complete tick took: drain, model, and everything fed by it"
};
static const struct ri_mx_family f_cpu = {
	"resource_image_exposition_cpu_seconds", RI_MX_GAUGE, "seconds",
	"CPU time the last tick spent on the metrics: their counters and the rendering "
	"of both formats"
};
static const struct ri_mx_family f_series = {
	"resource_image_series", RI_MX_GAUGE, NULL,
	"Series in this exposition (at most --max-series)"
};
static const struct ri_mx_family f_folded = {
	"resource_image_series_folded", RI_MX_COUNTER, NULL,
	"Series the --max-series bound kept out: groups folded into the group named "
	"other, and processes' and threads' series left out"
};

static void put(struct ri_expo *e, const struct mx_fam *fm, const struct mx_view *v)
{
	char lb[MX_LABELS_MAX + 32];
	const struct ri_mx_family *f = &fm->f;

	switch (fm->what) {
	case W_CPU:
		ri_expo_sample_ns(e, f, v->s->labels, v->s->c.v[RI_C_CPU]);
		break;
	case W_CSW:
		snprintf(lb, sizeof(lb), "%s,kind=\"voluntary\"", v->s->labels);
		ri_expo_sample_u64(e, f, lb, v->s->c.v[RI_C_VCSW]);
		snprintf(lb, sizeof(lb), "%s,kind=\"involuntary\"", v->s->labels);
		ri_expo_sample_u64(e, f, lb, v->s->c.v[RI_C_IVCSW]);
		break;
	case W_WAIT:
		if (!v->s->wait_na)
			ri_expo_sample_ns(e, f, v->s->labels, v->s->c.v[RI_C_RUN_DELAY]);
		break;
	case W_STATES:
		put_states(e, f, v);
		break;
	case W_EXITED:
		ri_expo_sample_u64(e, f, v->s->labels, v->exited);
		break;
	case W_RSS:
		ri_expo_sample_u64(e, f, v->s->labels, v->s->rss);
		break;
	case W_PROCS:
		ri_expo_sample_u64(e, f, v->s->labels, v->nprocs);
		break;
	case W_THREADS:
		ri_expo_sample_u64(e, f, v->s->labels, v->s->nthreads);
		break;
	case W_START:
		ri_expo_sample_double(e, f, v->s->labels, v->start_time);
		break;
	case W_GROWTH:
		if (v->growth_valid)
			ri_expo_sample_double(e, f, v->s->labels, v->growth);
		break;
	case W_FDS:
		if (v->p && v->p->lim_known)
			ri_expo_sample_u64(e, f, v->s->labels, v->p->nfds);
		break;
	case W_FD_LIMIT:
		if (v->p && v->p->lim_known && v->p->fd_limit != RI_CG_NONE)
			ri_expo_sample_u64(e, f, v->s->labels, v->p->fd_limit);
		break;
	case W_ROOM:
	case W_ETA:
		for (int r = 0; v->p && r < RI_R_COUNT; r++) {
			double x = fm->what == W_ROOM ? v->p->room[r] : v->p->eta[r];

			if (x < 0)
				continue;
			snprintf(lb, sizeof(lb), "%s,resource=\"%s\"", v->s->labels,
				 ri_resources[r].name);
			ri_expo_sample_double(e, f, lb, x);
		}
		break;
	default: {
		int c = (int)fm->what - W_FIG;
		unsigned fl = ri_counters[c].flags;

		if (!((fl & RI_FF_DISK) && v->s->disk_na) && !((fl & RI_FF_NET) && v->s->net_na) &&
		    !((fl & RI_FF_NEWER) && v->s->newer_na))
			ri_expo_sample_u64(e, f, v->s->labels, v->s->c.v[c]);
		break;
	}
	}
}


int ri_metrics_render(const struct ri_metrics *mx, const struct ri_model *m,
		      const struct ri_metrics_self *self, struct ri_expo *e)
{
	char lb[MX_LABELS_MAX];
	char v[RI_MX_VALUE_MAX];
	struct mx_view view;
	size_t f, i;

	pthread_once(&kinds_once, make_kinds);
	ri_expo_reset(e);
	for (f = 0; f < group_kind.n; f++) {
		for (i = 0; i < mx->ngroups; i++) {
			const struct mx_group *g = mx->groups[i];

			if (g->folded)
				continue;
			view = (struct mx_view){ &g->s, g->exited, g->nprocs, 0, 0, false, NULL };
			put(e, &group_kind.fams[f], &view);
		}
	}
	for (f = 0; mx->choice && f < proc_kind.n; f++) {
		for (i = 0; i < mx->nprocs; i++) {
			const struct mx_proc *p = mx->procs[i];

			if (p->s.admit != MX_IN)
				continue;
			view = (struct mx_view){ &p->s, 0, 0, p->start_time, p->growth_bps,
						 p->growth_valid, p };
			put(e, &proc_kind.fams[f], &view);
		}
	}
	for (f = 0; mx->choice && mx->opts.threads && f < thread_kind.n; f++) {
		for (i = 0; i < mx->nbuckets; i++) {
			const struct mx_bucket *b = mx->buckets[i];

			if (b->s.admit != MX_IN || b->proc->s.admit != MX_IN)
				continue;
			view = (struct mx_view){ &b->s, 0, 0, 0, 0, false, NULL };
			put(e, &thread_kind.fams[f], &view);
		}
	}

	cgroup_samples(e, m);

	/* The tool itself (its series count comes with ri_metrics_finish). */
	lb[0] = '\0';
	ri_mx_label(lb, sizeof(lb), "version", ri_mx_value(v, self->version, 32));
	ri_mx_label(lb, sizeof(lb), "source", ri_mx_value(v, self->source, 32));
	ri_mx_label(lb, sizeof(lb), "probe", ri_mx_value(v, self->probe, 32));
	ri_expo_sample_u64(e, &f_build, lb, 1);
	ri_expo_sample_u64(e, &f_dropped, NULL, m->dropped);
	ri_expo_sample_u64(e, &f_switches, NULL, self->events);
	ri_expo_sample_double(e, &f_tick, NULL, self->tick_s);
	ri_expo_sample_double(e, &f_cpu, NULL, self->cpu_s);
	ri_expo_sample_u64(e, &f_folded, NULL, mx->folded);
	return e->text.oom || e->om.oom ? -ENOMEM : 0;
}

int ri_metrics_finish(const struct ri_metrics *mx, struct ri_expo *e)
{
	(void)mx;
	/* Last, as it counts itself too. */
	ri_expo_sample_u64(e, &f_series, NULL, e->series + 1);
	ri_expo_finish(e);
	return e->text.oom || e->om.oom ? -ENOMEM : 0;
}
