// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The front door: parse the command line once, check what can be checked
 * before anything is loaded, then hand over to the batch or the
 * interactive front end.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "exporter.h"
#include "tui.h"

/* A PID that names no process is a usage error: nothing is started. */
static int check_pids(const struct ri_opts *o)
{
	size_t i;

	for (i = 0; i < o->npids; i++) {
		if (kill(o->pids[i], 0) && errno == ESRCH) {
			fprintf(stderr, "resource_image: -p: no process with PID %d\n\n",
				o->pids[i]);
			ri_cli_usage(stderr);
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct ri_opts o;
	struct ri_monitor_opts mo = { 0 };
	char err[256];
	int r;

	setlocale(LC_ALL, "");
	r = ri_cli_parse(argc, argv, &o, stdout, stderr);
	if (r == RI_CLI_EXIT)
		return 0;
	if (r != RI_CLI_RUN)
		return 2;
	/* In a replay, PIDs name recorded processes, not live ones. */
	if (!o.replay && (r = check_pids(&o)))
		return r;
	/* The port before the probe: a busy one costs no BPF load. */
	if (ri_exporter_prepare(&o, err, sizeof(err))) {
		fprintf(stderr, "resource_image: %s\n", err);
		return 1;
	}
	if (o.batch) {
		mo.src.kind = o.source;
		mo.src.probe = o.probe;
		mo.src.exit_buffer = o.exit_buffer;
		mo.src.btf_path = o.btf_path;
		mo.src.verbose = o.verbose;
		/*
		 * Without -H no thread row is printed: sum them per process,
		 * in the kernel where it can, unless the exporter's thread
		 * series need every thread. A recording (replayed later with
		 * its threads) reads every thread and the monitor sums them
		 * for the model, as it does in a replay without -H.
		 */
		mo.fold_threads = !o.threads && !o.metrics_threads;
		mo.src.per_process = mo.fold_threads && !o.record;
		mo.model.linger_ticks = 0;
		mo.model.keep_chosen = false;
		/*
		 * Batch draws no history: processes keep only the RSS the
		 * growth fit (-s growth, GROWTH, alerts) reads, threads nothing.
		 */
		mo.model.thread_history = false;
		mo.model.hist_metrics = RI_HIST_METRIC(RI_M_MEM);
		mo.model.hist_len = (size_t)((o.growth_window > 0 ? o.growth_window :
								     RI_GROWTH_WINDOW_S) /
					     o.delay) + 3;
		mo.model.growth_window_s = o.growth_window;
		mo.alerts = &o.alerts;
		return ri_batch_run(&o, &mo);
	}
	return ri_tui_run(&o);
}
