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
	bool no_fold;     /* --no-fold: every exited process on its own row */
	bool no_mouse;    /* -M */
	bool no_config;   /* --no-config: the settings file is neither read nor written */
	bool tree;        /* --tree (interactive) */
	/* Given on the command line: these win over the settings file for the run. */
	bool sort_given, delay_given;
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
