/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one object a front end holds: a source and a model, ticked together.
 * Keeps the kernel-side filter in step with the model's choice, so a front
 * end never touches the source (nor libbpf) itself.
 */
#ifndef RI_MONITOR_H
#define RI_MONITOR_H

#include "model.h"
#include "source.h"

struct ri_monitor_opts {
	struct ri_source_opts src;
	struct ri_model_opts model;
	/* After attach, keep only what reading /proc needs (privs.h). */
	bool drop_privileges;
};

struct ri_monitor {
	struct ri_source *src;
	struct ri_model *model;
	struct ri_taskbuf live, exited;
	pid_t *filter_buf;
	size_t filter_cap;
};

/*
 * Opens the source and primes the model with a first snapshot, so the
 * first ri_monitor_tick() reports the interval since open. Returns a
 * negative errno and one sentence in @err on failure.
 */
int ri_monitor_open(struct ri_monitor_opts *o, struct ri_monitor **out,
		    char *err, size_t errlen);
/* Drain the source and update the model: call once per refresh tick. */
int ri_monitor_tick(struct ri_monitor *mon);
/* Replace the process choice, in the model and in the kernel filter. */
int ri_monitor_choose(struct ri_monitor *mon, const pid_t *pids, size_t npids,
		      const char (*names)[RI_COMM_LEN], size_t nnames);
void ri_monitor_close(struct ri_monitor *mon);

static inline const struct ri_model *ri_monitor_model(const struct ri_monitor *m)
{
	return m->model;
}

#endif /* RI_MONITOR_H */
