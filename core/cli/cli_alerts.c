// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The command line of early warning: --alert RULE, --alerts FILE (and the
 * user's own alerts file), --alert-exec CMD and --growth-window. A bad
 * rule is a usage error like any bad flag: the rule echoed with a caret
 * under its first bad character and what was expected there, exit 2,
 * nothing started.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "figures.h"
#include "format.h"
#include "hook.h"
#include "units.h"

#define GRAMMAR "[comm=NAME: | pid=PID:] METRIC OP VALUE[UNIT] [for DURATION]"

void ri_cli_alerts_usage(FILE *f)
{
	fputs("      --alert RULE       warn when RULE holds (repeatable), e.g.\n"
	      "                         'cpu > 80% for 30s', 'comm=nginx: rss > 2G',\n"
	      "                         'growth > 10M/min for 5m', 'wait > 20% for 10s'\n"
	      "      --alerts FILE      rules from FILE, one a line, # comments (default:\n"
	      "                         $XDG_CONFIG_HOME/resource_image/alerts if present)\n"
	      "      --alert-exec CMD   run CMD (words split without a shell) at every\n"
	      "                         alert transition, RI_ALERT_RULE, _PID, _COMM,\n"
	      "                         _STATE, _VALUE, _RESOURCE in its environment\n"
	      "      --growth-window DURATION  span of the GROWTH trend (default 60s)\n"
	      "\n"
	      "Alert rules: " GRAMMAR "\n"
	      "  METRIC  cpu mem wait (VALUE in %), rss (K M G T), growth (e.g. 10M/min),\n"
	      "         ",
	      f);
	{
		int col = 9;

		/*
		 * The rates of figures.h: sizes per second, then counts per
		 * second, then the states' shares of the time.
		 */
		for (int kind = 0; kind < 3; kind++) {
			static const char *const unit[] = { "(e.g. 50M/s),", "(/s),", "(%),"};

			for (int c = 0; c < RI_C_COUNT; c++) {
				unsigned fl = ri_counters[c].flags;
				int k = fl & RI_FF_TIME ? 2 : fl & RI_FF_BYTES ? 0 : 1;

				if (ri_counter_shown(c) && k == kind)
					col = ri_put_word(f, col, 10, ri_counters[c].name);
			}
			col = ri_put_word(f, col, 10, unit[kind]);
		}
		col = ri_put_word(f, col, 10, "csw (/s),");
		col = ri_put_word(f, col, 10, "threads,");
		col = ri_put_word(f, col, 10, "deadlock (threads waiting for locks in a cycle),");
		col = ri_put_word(f, col, 10, "hung (seconds uninterruptible),");
		/* What can run out (figures.h's resources): % of each limit. */
		for (int r = 0; r < RI_R_COUNT; r++)
			col = ri_put_word(f, col, 10, ri_resources[r].metric);
		col = ri_put_word(f, col, 10, "(% of the limit), throttled (%),");
		col = ri_put_word(f, col, 10, "eta (e.g. 30m),");
		ri_put_word(f, col, 10, "oom_kill");
	}
	fputs("\n  OP      > >= < <=      DURATION  e.g. 30s, 5m, 1h\n", f);
}

static int rule_error(FILE *err, const char *where, const char *line,
		      const struct ri_rule_error *e)
{
	char w[640];

	snprintf(w, sizeof(w), "resource_image: %s", where);
	ri_rule_error_print(err, w, line, e);
	fputs("Alert rules: " GRAMMAR "\n(resource_image --help lists the metrics and units)\n",
	      err);
	return RI_CLI_USAGE;
}

/* The error said; the usage under it is the caller's (cli.c) to print. */
static int usage_error(FILE *err, const char *fmt, const char *a, const char *b)
{
	fputs("resource_image: ", err);
	fprintf(err, fmt, a, b);
	fputs("\n\n", err);
	return RI_CLI_USAGE_FOLLOWS;
}

int ri_alerts_default_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	/* XDG: a relative value is invalid and ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/resource_image/alerts", xdg);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.config/resource_image/alerts", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Rules of @path; a missing file is fine when @optional. */
static int read_rules(struct ri_opts *o, const char *path, bool optional, FILE *err)
{
	struct ri_rule_error e;
	char bad[1100], where[600];
	size_t lineno;
	int r = ri_rules_read_file(path, &o->alerts, &lineno, bad, sizeof(bad), &e);

	if (!r)
		return 0;
	if (!lineno) {
		struct stat st;

		/*
		 * The user's file is read "when present": not there, or in a
		 * home this user may not look into (sudo -u keeps HOME), is
		 * not present. A file in sight that cannot be read is an error.
		 */
		if (optional && (r == -ENOENT || r == -ENOTDIR ||
				 (r == -EACCES && stat(path, &st))))
			return 0;
		return usage_error(err, optional ? "cannot read the alerts file %.500s: %s" :
						   "--alerts: cannot read %.500s: %s",
				   path, r == -EINVAL ? "not a regular file" : strerror(-r));
	}
	snprintf(where, sizeof(where), "%.500s:%zu", path, lineno);
	return rule_error(err, where, bad, &e);
}

static int check_exec(const char *cmd, FILE *err)
{
	char words[4096], *argv[RI_HOOK_MAX_ARGS + 1], path[4096], at[32];
	const char *what;
	size_t pos;
	int r = ri_argv_split(cmd, words, sizeof(words), argv, RI_HOOK_MAX_ARGS + 1,
			      &pos, &what);

	if (r < 0) {
		snprintf(at, sizeof(at), " at character %zu", pos + 1);
		return usage_error(err, "--alert-exec: %s%s", what, *cmd ? at : "");
	}
	r = ri_find_program(argv[0], path, sizeof(path));
	if (r == -EACCES)
		return usage_error(err, "--alert-exec: %.300s%s is not executable", argv[0], "");
	if (r)
		return usage_error(err, "--alert-exec: %.300s%s: no such program",
				   argv[0], strchr(argv[0], '/') ? "" : " (in $PATH)");
	return 0;
}

int ri_cli_alert_opt(struct ri_opts *o, int c, const char *arg, FILE *err)
{
	struct ri_rule_error e;
	double d;
	int r;

	switch (c) {
	case RI_OPT_ALERT:
		r = ri_rules_add(&o->alerts, arg, &e);
		if (r == 1) {
			e.pos = 0;
			snprintf(e.what, sizeof(e.what), "expected a rule, not an empty one");
		}
		return r ? rule_error(err, "--alert", arg, &e) : 0;
	case RI_OPT_ALERTS:
		o->alerts_file_given = true;
		return read_rules(o, arg, false, err);
	case RI_OPT_ALERT_EXEC:
		o->alert_exec = arg;
		return check_exec(arg, err);
	case RI_OPT_GROWTH_WINDOW:
		if (ri_duration_arg(arg, &d) || !(d > 0) || d > 86400)
			return usage_error(err, "--growth-window: '%.64s' is not a duration "
						"of up to a day (e.g. 90s, 5m)%s", arg, "");
		o->growth_window = d;
		return 0;
	default:
		return RI_CLI_USAGE;
	}
}

int ri_cli_alerts_finish(struct ri_opts *o, FILE *err)
{
	char path[4096];
	double n;

	if (!o->alerts_file_given && !ri_alerts_default_path(path, sizeof(path))) {
		int r = read_rules(o, path, true, err);

		if (r)
			return r;
	}
	if (o->growth_window > 0) {
		char w[32], d[32];

		/* The fit needs 3 samples, and history keeps RI_HIST_LEN. */
		n = o->growth_window / o->delay;
		snprintf(w, sizeof(w), "%gs", o->growth_window);
		snprintf(d, sizeof(d), "%g", o->delay);
		if (n < 3)
			return usage_error(err, "--growth-window: %s is less than 3 refreshes at -d %s",
					   w, d);
		if (n > RI_HIST_LEN)
			return usage_error(err, "--growth-window: %s is more than the 300 refreshes "
						"of history at -d %s", w, d);
	}
	return 0;
}
