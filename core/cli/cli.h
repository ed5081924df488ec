/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The command line, shared by the batch and interactive front ends so a
 * flag means the same in both.
 */
#ifndef RI_CLI_H
#define RI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "listen.h"
#include "alerts.h"
#include "sort.h"
#include "source.h"
#include "version.h"

/* Hosts a screen shows at once (--remote, repeated). */
#define RI_MAX_REMOTES 8
#define RI_STR_(x) #x
#define RI_STR(x) RI_STR_(x)

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
	bool no_states;        /* --no-states: no state times, nor their cost */
	bool no_sites;         /* --no-sites: no wait sites */
	uint64_t sites_after_ns; /* --sites-after SECONDS; 0: the default */
	const char *btf_path;  /* --btf PATH (testing: pretend BTF is there or not) */
	bool no_fold;     /* --no-fold: every exited process on its own row */
	bool no_mouse;    /* -M */
	bool no_config;   /* --no-config: the settings file is neither read nor written */
	bool tree;        /* --tree (interactive) */
	/* Given on the command line: these win over the settings file for the run. */
	bool sort_given, delay_given;
	/* Recording and replay (record.h, replay.h). */
	const char *record;    /* -w PATH: a file, or a directory of hourly files */
	const char *replay;    /* -r PATH */
	const char *from, *to; /* --from, --to TIME (timearg.h; syntax checked) */
	bool follow;           /* --follow (and -r -): the recording grows */
	int replay_fd;         /* -r - on a screen: the stream, moved off fd 0; else -1 */
	const char *group;     /* --group: who may read what -w writes */
	/* Another host (remote.h). */
	const char *remote;         /* --remote [USER@]HOST: the first one */
	const char *remotes[RI_MAX_REMOTES]; /* every --remote, in order */
	size_t nremotes;
	const char *remote_dir;     /* --remote-dir: its recorder's directory */
	const char *remote_command; /* --remote-command: the tool there */
	bool remote_control;        /* --remote-control: signals and nice there */
	double keep_s;         /* --keep DURATION, 0 = 7 days */
	uint64_t max_size;     /* --max-size SIZE, 0 = no limit */
	bool delay_set;        /* -d was given (in replay: aggregate ticks) */
	int argc;              /* the command line, as the recording's header */
	char **argv;           /* keeps it */
	bool quiet;            /* -q: batch that prints nothing (with --listen: an exporter; with -w: a recorder) */
	/* The metrics endpoint (exporter.h). */
	bool listen;                 /* --listen [ADDR:]PORT */
	struct ri_listen listen_addr;
	size_t max_series;           /* --max-series N, 0 = default */
	double metrics_linger;       /* --metrics-linger DURATION, seconds */
	bool metrics_linger_set;
	bool metrics_threads;        /* --metrics-threads */

	/* Early warning (cli_alerts.c). */
	struct ri_ruleset alerts; /* --alert, --alerts FILE, or the user's file */
	bool alerts_file_given;   /* --alerts: the user's default file is not read */
	const char *alert_exec;   /* --alert-exec CMD */
	double growth_window;     /* --growth-window, seconds; 0: the default */
};

/* Option codes of cli_alerts.c, past those of cli.c. */
enum {
	RI_OPT_ALERT = 512,
	RI_OPT_ALERTS,
	RI_OPT_ALERT_EXEC,
	RI_OPT_GROWTH_WINDOW,
};

enum ri_cli_result {
	RI_CLI_RUN = 0,   /* go on */
	RI_CLI_EXIT = 1,  /* --help or --version printed: exit 0 */
	RI_CLI_USAGE = 2, /* bad flag or value: usage printed to @err, exit 2 */
};

enum ri_cli_result ri_cli_parse(int argc, char **argv, struct ri_opts *o,
				FILE *out, FILE *err);

/*
 * cli_alerts.c: one of the RI_OPT_ALERT* options, and what is checked
 * once every option is read (the user's alerts file read when no
 * --alerts was given; --growth-window against -d). 0; RI_CLI_USAGE,
 * everything said on @err; or RI_CLI_USAGE_FOLLOWS, the error said and
 * the usage left for the caller to print under it.
 */
#define RI_CLI_USAGE_FOLLOWS 3
int ri_cli_alert_opt(struct ri_opts *o, int c, const char *arg, FILE *err);
int ri_cli_alerts_finish(struct ri_opts *o, FILE *err);
/* Where the user's alerts file is looked for: 0, or -ENOENT without a home. */
int ri_alerts_default_path(char *buf, size_t len);
/* The usage's part on alerts. */
void ri_cli_alerts_usage(FILE *f);
void ri_cli_usage(FILE *f);

#endif /* RI_CLI_H */
