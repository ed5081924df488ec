/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The command line, shared by the batch and interactive front ends so a
 * flag means the same in both.
 */
#ifndef RI_CLI_H
#define RI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "listen.h"
#include "sort.h"
#include "source.h"

#define RI_VERSION "0.1.0"

struct ri_opts {
	bool batch;       /* -b */
	bool json;        /* --json */
	bool threads;     /* -H */
	bool no_color;    /* -C, or NO_COLOR set and non-empty */
	bool no_unicode;  /* -U */
	bool verbose;     /* -v: libbpf's messages on stderr */
	double delay;     /* -d seconds, > 0 */
	long count;       /* -n ticks, 0 = until interrupted */
	/* At most what the kernel-side filter holds (bpf/resource_image.h). */
	pid_t pids[RI_MAX_CHOSEN_PIDS];
	size_t npids;
	char names[RI_MAX_CHOSEN_NAMES][RI_COMM_LEN];
	size_t nnames;
	enum ri_source_kind source;
	enum ri_probe probe;
	enum ri_sort_key sort; /* -s */
	const char *theme;     /* -t NAME|PATH, NULL = default */
	size_t exit_buffer;    /* --exit-buffer BYTES, 0 = default */
	const char *btf_path;  /* --btf PATH (testing: pretend BTF is there or not) */
	bool quiet;            /* -q: batch that prints nothing (with --listen: an exporter) */
	/* The metrics endpoint (exporter.h). */
	bool listen;                 /* --listen [ADDR:]PORT */
	struct ri_listen listen_addr;
	size_t max_series;           /* --max-series N, 0 = default */
	double metrics_linger;       /* --metrics-linger DURATION, seconds */
	bool metrics_linger_set;
	bool metrics_threads;        /* --metrics-threads */
};

enum ri_cli_result {
	RI_CLI_RUN = 0,   /* go on */
	RI_CLI_EXIT = 1,  /* --help or --version printed: exit 0 */
	RI_CLI_USAGE = 2, /* bad flag or value: usage printed to @err, exit 2 */
};

enum ri_cli_result ri_cli_parse(int argc, char **argv, struct ri_opts *o,
				FILE *out, FILE *err);
void ri_cli_usage(FILE *f);

#endif /* RI_CLI_H */
