/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Alerts: rules, their parser, and the state of every rule on every
 * process, evaluated once per tick on the model's figures (the monitor
 * does it, before its sinks run). So the TUI, batch text, JSON, a
 * recording and the metrics endpoint all see the same alerts, and a
 * recording played back fires exactly what the live run fired: nothing
 * here reads a clock or a file, only the model.
 *
 * A rule, one a line ('#' starts a comment):
 *
 *   [comm=NAME: | pid=PID:] METRIC OP VALUE[UNIT] [for DURATION]
 *
 *   METRIC  cpu mem wait (percent: CPU%, MEM%, WAIT%), rss (bytes),
 *           growth (bytes per second, the steady trend of RSS), the
 *           rates of figures.h by their names (read write disk-read
 *           disk-write ...: bytes or events per second), csw (per
 *           second), threads (live threads)
 *   OP      > >= < <=
 *   UNIT    % for percentages; K M G T for bytes (1024-based); /s /min
 *           (or /m, /h) for rates, per second when left out
 *   for     how long the condition must hold before the alert fires
 *           (units.h durations: 30s, 5m, ...); without it, at once
 *
 * Without a selector a rule applies to each process watched; NAME is the
 * comm (15 bytes at most; quote it, comm="a:b":, when it holds a colon).
 *
 * States of a rule on one process, Prometheus's: inactive -> pending
 * (condition true, its "for" not yet elapsed) -> firing -> resolved
 * (condition false again, the process gone, or out of the watched set);
 * a pending alert whose condition turns false goes back to inactive.
 */
#ifndef RI_ALERTS_H
#define RI_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "model.h"

/*
 * What an alert is about, NUL included: what runs out for the limits'
 * metrics ("fd"); for hung and deadlock, the threads and where they wait
 * ("8706 in kernel_clone <- vfork").
 */
#define RI_RESOURCE_TEXT 96

enum ri_alert_metric {
	RI_AM_CPU,
	RI_AM_MEM,
	RI_AM_RSS,
	RI_AM_GROWTH,
	/* The counters of figures.h with a figure of their own, by RI_C_ index. */
	RI_AM_FIG,
	RI_AM_FIG_LAST = RI_AM_FIG + RI_C_COUNT - 1,
	RI_AM_CSW,
	RI_AM_WAIT,
	RI_AM_THREADS,
	RI_AM_DEADLOCK, /* threads waiting for locks in a cycle */
	RI_AM_HUNG,     /* seconds its longest uninterruptible thread has been so */
	RI_AM_ETA,       /* seconds until the soonest limit meets its trend */
	/* % used of each limit of figures.h's RI_RESOURCES, by RI_R_ index. */
	RI_AM_LIMIT,
	RI_AM_LIMIT_LAST = RI_AM_LIMIT + RI_R_COUNT - 1,
	RI_AM_THROTTLED, /* % of its cgroup's quota periods throttled */
	RI_AM_OOM_KILL,  /* OOM kills in its cgroup this interval */
	RI_AM_COUNT
};

enum ri_alert_op { RI_OP_GT, RI_OP_GE, RI_OP_LT, RI_OP_LE };
enum ri_alert_sel { RI_SEL_ALL, RI_SEL_COMM, RI_SEL_PID };

#define RI_RULE_TEXT 192 /* longest rule, as written, with its NUL */
#define RI_MAX_RULES 128

struct ri_rule {
	enum ri_alert_sel sel;
	char comm[RI_COMM_LEN];
	pid_t pid;
	enum ri_alert_metric metric;
	enum ri_alert_op op;
	double value;    /* in the metric's base unit: %, bytes, bytes/s, /s */
	double for_s;    /* 0: fires in the first tick it holds */
	char text[RI_RULE_TEXT]; /* as written, comment and blanks trimmed */
};

/* Fixed size, no allocation: it lives in the command line's options. */
struct ri_ruleset {
	struct ri_rule v[RI_MAX_RULES];
	size_t n;
};

/* Where a rule went wrong: an offset into the text and what was expected. */
struct ri_rule_error {
	size_t pos;
	char what[160];
};

/*
 * Parses one rule (a comment and surrounding blanks allowed). Returns 0,
 * 1 for a line with no rule (blank or comment only), or -EINVAL with @e
 * set.
 */
int ri_rule_parse(const char *line, struct ri_rule *r, struct ri_rule_error *e);
/* Parses and appends; -E2BIG past RI_MAX_RULES (e->pos 0). */
int ri_rules_add(struct ri_ruleset *rs, const char *line, struct ri_rule_error *e);
/*
 * Reads a rules file into @rs. On a bad line, -EINVAL with *@lineno set
 * and the line (trimmed of its newline) in @bad; -errno when the file
 * cannot be read (*@lineno 0).
 */
int ri_rules_read_file(const char *path, struct ri_ruleset *rs, size_t *lineno,
		       char *bad, size_t badlen, struct ri_rule_error *e);
/*
 * "where: what was expected", the rule, and a caret under its first bad
 * character, on three lines.
 */
void ri_rule_error_print(FILE *f, const char *where, const char *line,
			 const struct ri_rule_error *e);

/*
 * What @m's value of @p is about: the resource that runs out for the
 * limits' metrics (eta: the soonest), "" for the others.
 */
const char *ri_alert_metric_resource(enum ri_alert_metric m, const struct ri_proc *p);

/*
 * For hung and deadlock: the thread stuck the longest, or the threads in
 * a cycle of lock waits, and where the first waits (its kernel function
 * and syscall, when the model has its site) into @buf; "" for the other
 * metrics, or when no thread is known.
 */
char *ri_alert_wait_resource(char *buf, size_t len, enum ri_alert_metric m,
			     const struct ri_model *model, const struct ri_proc *p);

/* The metric's name in a rule; NULL for a number that is no metric. */
const char *ri_alert_metric_name(enum ri_alert_metric m);
/* Every metric's name, in order, separated by @sep. */
char *ri_alert_metric_list(char *buf, size_t len, const char *sep);
/*
 * A process's figure for @m, in the rule's unit; false when it has none
 * this tick (storage I/O or run-queue wait not measurable, growth window
 * not full). growth is the slope of a steady fit only: a fit with R^2
 * under RI_GROWTH_R2 (memory that breathes) counts as 0.
 */
bool ri_alert_metric_value(enum ri_alert_metric m, const struct ri_proc *p,
			   double *v);
/* @v as the table would show it: "93.2%", "2.1G", "+8.0M/m", "12.0M/s". */
char *ri_alert_fmt_value(char *buf, size_t len, enum ri_alert_metric m, double v);
/* The same after what runs out, when there is one: "fd 91.0%", "fd 14m". */
char *ri_alert_fmt_value_of(char *buf, size_t len, enum ri_alert_metric m, double v,
			    const char *resource);

enum ri_alert_state {
	RI_ALERT_INACTIVE,
	RI_ALERT_PENDING,
	RI_ALERT_FIRING,
	RI_ALERT_RESOLVED,
};

const char *ri_alert_state_name(enum ri_alert_state s);

/* One rule on one process, as of the last tick. */
struct ri_alert {
	uint32_t rule;        /* index in the rule set */
	pid_t pid;
	uint64_t start_ns;    /* the process's start: a reused PID is another */
	char comm[RI_COMM_LEN];
	enum ri_alert_state state;
	double since;         /* Unix time of the tick the state began */
	double value;         /* the metric at the last evaluation */
	char resource[RI_RESOURCE_TEXT]; /* what runs out ("fd"), or "" */
	/* private */
	uint64_t since_ns;    /* boot clock of that tick, for "for" */
	uint64_t seen;
};

/*
 * A change of state, plain and fixed-size (no pointers), so a recorder
 * can store it as is and a replay or a hook needs nothing else.
 */
struct ri_alert_transition {
	double time;       /* Unix time of the tick */
	double value;      /* the metric then */
	double since;      /* when the state left began (how long it held) */
	uint64_t start_ns; /* the process's start time (boot clock) */
	uint32_t rule;     /* index in the rule set */
	int32_t pid;
	uint32_t from, to; /* enum ri_alert_state */
	char comm[RI_COMM_LEN];
	char text[RI_RULE_TEXT]; /* the rule */
	/*
	 * What runs out, for the limits' metrics ("fd", "mem", "cpu"): eta
	 * names the soonest; "" for the others.
	 */
	char resource[RI_RESOURCE_TEXT];
};

/* Transitions kept for the alert log, newest last. */
#define RI_ALERT_LOG 512

struct ri_alerts;

/* A copy of @rules is taken. NULL when out of memory. */
struct ri_alerts *ri_alerts_new(const struct ri_ruleset *rules);
void ri_alerts_free(struct ri_alerts *a);
/* Once per tick, after the model's update. 0 or -ENOMEM. */
int ri_alerts_eval(struct ri_alerts *a, const struct ri_model *m);

/*
 * Instead of ri_alerts_eval, in a replay given no rules: the recorded
 * transitions of the tick (@v, in order) become this tick's, as if
 * evaluated; the rule set is learned from their texts. 0 or -ENOMEM.
 */
int ri_alerts_apply(struct ri_alerts *a, const struct ri_model *m,
		    const struct ri_alert_transition *v, size_t n);

/* --- reading (every front end, the recorder, the exporter) --- */

const struct ri_ruleset *ri_alerts_rules(const struct ri_alerts *a);
/*
 * The alerts of the last tick: pending and firing ones, and those that
 * resolved or went inactive in that tick, oldest first.
 */
size_t ri_alerts_list(const struct ri_alerts *a, const struct ri_alert **v);
/* The changes of the last tick, in the order they happened. */
size_t ri_alerts_transitions(const struct ri_alerts *a,
			     const struct ri_alert_transition **v);
size_t ri_alerts_firing(const struct ri_alerts *a);
/* The firing alert that began last, or NULL. */
const struct ri_alert *ri_alerts_newest_firing(const struct ri_alerts *a);
/* Whether a rule fires on the process (@start_ns tells a reused PID apart). */
bool ri_alerts_proc_firing(const struct ri_alerts *a, pid_t pid,
			   uint64_t start_ns);
/* Entries in the log (at most RI_ALERT_LOG); @i = 0 is the newest. */
size_t ri_alerts_log_len(const struct ri_alerts *a);
const struct ri_alert_transition *ri_alerts_log_get(const struct ri_alerts *a,
						    size_t i);
/* Transitions ever (the log forgets the oldest past RI_ALERT_LOG). */
uint64_t ri_alerts_log_total(const struct ri_alerts *a);

#endif /* RI_ALERTS_H */
