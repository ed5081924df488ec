/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A source and a model, ticked together: what a front end asks its session
 * (session.h) for, and ticks. Keeps the kernel-side filter in step with
 * the model's choice and gives up privileges once the source is attached.
 * A front end never touches the source (nor libbpf) itself: what it wants
 * to know of it, it asks here (ri_monitor_info), and what it lists, it
 * lists through here.
 */
#ifndef RI_MONITOR_H
#define RI_MONITOR_H

#include "alerts.h"
#include "model.h"
#include "procfs.h"
#include "source.h"

struct ri_monitor_opts {
	struct ri_source_opts src;
	struct ri_model_opts model;
	/*
	 * Alert rules, evaluated every tick after the model's update and
	 * before the sinks (so a recorder or an exporter sees the alerts of
	 * the tick it is given). NULL or empty: none. Copied at attach.
	 */
	const struct ri_ruleset *alerts;
	/*
	 * Keep every privilege after attach. Only for tests that feed a
	 * source of their own; every mode of the tool drops them.
	 */
	bool keep_privileges;
	/*
	 * No thread row is wanted (batch without -H): a drain of threads is
	 * summed per process before the model (ri_drain_procs_sum), when the source
	 * sees every exit. A source asked for src.per_process may already
	 * deliver such drains; with a recording, which keeps every thread,
	 * or a kernel without the per-process walk, it cannot.
	 */
	bool sum_threads;
	/*
	 * The choice to start with (-p, -c), applied before the first drain
	 * so that even that one holds only the chosen processes.
	 */
	const pid_t *pids;
	size_t npids;
	const char (*names)[RI_COMM_LEN];
	size_t nnames;
};

struct ri_monitor;

/* What a front end may know of the source. */
struct ri_monitor_info {
	const char *source;     /* "bpf", "procfs", ... */
	const char *probe;      /* "tp_btf", "raw_tp", "kprobe" or "none" */
	bool sees_short_lived;  /* tasks born and dead between ticks counted */
	bool degraded;          /* a fallback source: say so on screen */
	double tick_s;          /* wall time the last complete tick took:
				   drain, model update and every sink */
};

/*
 * Something fed after every tick, in the order added: a recorder, an
 * exporter, alerts. It must not slow the tick: append, render a buffer,
 * hand off, and return.
 */
struct ri_sink {
	void (*tick)(struct ri_sink *s, const struct ri_monitor *mon);
	struct ri_sink *next;
};

/*
 * Opens the source and primes the model with a first snapshot, so the
 * first ri_monitor_tick() reports the interval since open. Returns a
 * negative errno and one sentence in @err on failure.
 */
int ri_monitor_open(struct ri_monitor_opts *o, struct ri_monitor **out,
		    char *err, size_t errlen);
/* The same over a source already opened (the monitor then owns it). */
int ri_monitor_attach(struct ri_monitor_opts *o, struct ri_source *src,
		      struct ri_monitor **out, char *err, size_t errlen);
/* Drain the source, update the model, feed the sinks: once per tick. */
int ri_monitor_tick(struct ri_monitor *mon);
/*
 * Replace the process choice, in the model and in the kernel filter.
 * More than RI_MAX_CHOSEN_PIDS PIDs or RI_MAX_CHOSEN_NAMES names: -E2BIG.
 */
int ri_monitor_choose(struct ri_monitor *mon, const pid_t *pids, size_t npids,
		      const char (*names)[RI_COMM_LEN], size_t nnames);
void ri_monitor_close(struct ri_monitor *mon);
/*
 * Starts the model afresh over the same source, with the same options
 * and the front end's own choice, primed with the source's next drain:
 * for a replay that jumps in time. Sinks are kept, and so is the
 * pointer ri_monitor_model returns; rows built on the old model must be
 * rebuilt.
 */
int ri_monitor_restart(struct ri_monitor *mon);

const struct ri_model *ri_monitor_model(const struct ri_monitor *mon);
void ri_monitor_info(const struct ri_monitor *mon, struct ri_monitor_info *out);
/* The alerts as of the last tick; NULL when no rule was given. */
const struct ri_alerts *ri_monitor_alerts(const struct ri_monitor *mon);
/* What the last tick drained (for sinks that store or serve it). */
const struct ri_drain *ri_monitor_drain(const struct ri_monitor *mon);
/*
 * Gives back the pages of the last drain's task records (its sinks have
 * had them; ri_monitor_drain's records then read 0 until the next tick):
 * a front end that waits a second between ticks need not keep them, 3 MiB
 * at 10,000 thread rows.
 */
void ri_monitor_shed(struct ri_monitor *mon);
/* Every process there is now, to choose from (not only the chosen ones). */
int ri_monitor_proc_list(const struct ri_monitor *mon, struct ri_proc_list *out);
void ri_monitor_add_sink(struct ri_monitor *mon, struct ri_sink *s);

#endif /* RI_MONITOR_H */
