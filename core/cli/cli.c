// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Command-line parsing. Strict on purpose: a bad flag or value prints what
 * is wrong and the usage, and nothing is started (exit 2).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "format.h"
#include "units.h"
#include "metrics.h"
#include "timearg.h"

enum {
	OPT_JSON = 256,
	OPT_SOURCE,
	OPT_PROBE,
	OPT_EXIT_BUFFER,
	OPT_NO_STATES,
	OPT_NO_SITES,
	OPT_SITES_AFTER,
	OPT_BTF,
	OPT_FROM,
	OPT_TO,
	OPT_FOLLOW,
	OPT_GROUP,
	OPT_REMOTE,
	OPT_REMOTE_DIR,
	OPT_REMOTE_COMMAND,
	OPT_REMOTE_CONTROL,
	OPT_KEEP,
	OPT_MAX_SIZE,
	OPT_NO_FOLD,
	OPT_NO_CONFIG,
	OPT_TREE,
	OPT_LISTEN,
	OPT_MAX_SERIES,
	OPT_METRICS_LINGER,
	OPT_METRICS_THREADS,
};

static const struct option longopts[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "delay", required_argument, NULL, 'd' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "pid", required_argument, NULL, 'p' },
	{ "command", required_argument, NULL, 'c' },
	{ "threads", no_argument, NULL, 'H' },
	{ "sort", required_argument, NULL, 's' },
	{ "theme", required_argument, NULL, 't' },
	{ "no-color", no_argument, NULL, 'C' },
	{ "no-colour", no_argument, NULL, 'C' },
	{ "no-unicode", no_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "probe", required_argument, NULL, OPT_PROBE },
	{ "exit-buffer", required_argument, NULL, OPT_EXIT_BUFFER },
	{ "no-states", no_argument, NULL, OPT_NO_STATES },
	{ "no-sites", no_argument, NULL, OPT_NO_SITES },
	{ "sites-after", required_argument, NULL, OPT_SITES_AFTER },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "write", required_argument, NULL, 'w' },
	{ "read", required_argument, NULL, 'r' },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "remote", required_argument, NULL, OPT_REMOTE },
	{ "remote-dir", required_argument, NULL, OPT_REMOTE_DIR },
	{ "remote-command", required_argument, NULL, OPT_REMOTE_COMMAND },
	{ "remote-control", no_argument, NULL, OPT_REMOTE_CONTROL },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "no-fold", no_argument, NULL, OPT_NO_FOLD },
	{ "no-mouse", no_argument, NULL, 'M' },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "tree", no_argument, NULL, OPT_TREE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "max-series", required_argument, NULL, OPT_MAX_SERIES },
	{ "metrics-linger", required_argument, NULL, OPT_METRICS_LINGER },
	{ "metrics-threads", no_argument, NULL, OPT_METRICS_THREADS },
	{ "alert", required_argument, NULL, RI_OPT_ALERT },
	{ "alerts", required_argument, NULL, RI_OPT_ALERTS },
	{ "alert-exec", required_argument, NULL, RI_OPT_ALERT_EXEC },
	{ "growth-window", required_argument, NULL, RI_OPT_GROWTH_WINDOW },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

#define STR(x) #x
#define XSTR(x) STR(x)

void ri_cli_usage(FILE *f)
{
	fputs("Usage: resource_image [OPTION]...\n"
	      "       resource_image -r PATH [--from TIME] [--to TIME] [OPTION]...\n"
	      "Per-process and per-thread CPU, memory and I/O, measured in the kernel\n"
	      "at every context switch. Interactive unless -b is given.\n"
	      "\n"
	      "  -b, --batch            plain text (or --json) to stdout, no screen\n"
	      "  -d, --delay SECS       refresh interval, fractions allowed (default 1)\n"
	      "  -n, --iterations N     exit after N refreshes\n"
	      "  -p, --pid PID[,PID..]  show only these processes (repeatable; at most\n"
	      "                         " XSTR(RI_MAX_CHOSEN_PIDS) ")\n"
	      "  -c, --command NAME     show only processes named NAME, including ones\n"
	      "                         that start later (repeatable; 15 chars max;\n"
	      "                         at most " XSTR(RI_MAX_CHOSEN_NAMES) " names)\n"
	      "  -H, --threads          show threads (batch: thread rows; TUI: expanded)\n",
	      f);
	fputs("  -s, --sort KEY        ", f);
	{
		int col = 23;

		for (int k = 0; k < RI_SORT_COUNT; k++)
			if (ri_sort_name((enum ri_sort_key)k))
				col = ri_put_word(f, col, 25, ri_sort_name((enum ri_sort_key)k));
		ri_put_word(f, col, 25, "(default cpu)");
	}
	fputs("\n"
	      "      --json             batch output as JSON Lines, one object per tick\n"
	      "  -t, --theme NAME|PATH  colour theme (interactive)\n"
	      "  -C, --no-color         monochrome (also when NO_COLOR is set)\n"
	      "  -U, --no-unicode       ASCII sparklines and tree\n"
	      "      --no-fold          list every exited process on its own row (by\n"
	      "                         default those of one parent and name that exited\n"
	      "                         in the interval are one row, with their sums)\n"
	      "      --tree             start in the tree view (interactive)\n"
	      "  -M, --no-mouse         leave the mouse to the terminal (interactive)\n"
	      "      --no-config        neither read nor write the settings file\n"
	      "      --source KIND      auto, bpf or procfs (default auto: bpf, or procfs\n"
	      "                         with a warning when BPF is unavailable)\n"
	      "      --probe KIND       auto, tp_btf, raw_tp or kprobe (default auto)\n"
	      "      --exit-buffer BYTES  BPF ring buffer for exiting tasks (default 1M)\n"
	      "      --no-states        leave out where threads' time goes (DISK% ...\n"
	      "                         OTHER% n/a) and what timing it costs per switch\n"
	      "      --no-sites         read no wait sites (where threads are blocked)\n"
	      "      --sites-after SECS  a thread of a process not chosen gets its wait\n"
	      "                         site once uninterruptible this long (default 2)\n"
	      "  -w, --write PATH       record to PATH while running (any mode): a file,\n"
	      "                         or a directory for one file per hour; -w - with\n"
	      "                         -q: the stream form on standard output\n"
	      "      --group GROUP      -w: the files readable by GROUP (-w DIR: default\n"
	      "                         adm, where it exists), so it can follow them\n"
	      "      --keep DURATION    -w DIR: remove files older than this (default 7d)\n"
	      "      --max-size SIZE    -w DIR: remove the oldest files past this (e.g. 2G)\n"
	      "  -r, --read PATH        replay a recording (file or directory): the screen,\n"
	      "                         or with -b/--json what the live run printed;\n"
	      "                         -d may only coarsen (aggregate recorded ticks)\n"
	      "      --from TIME        replay from TIME: HH:MM[:SS], 'YYYY-MM-DD HH:MM[:SS]',\n"
	      "                         -10m / -2h (before the end), +10m, Unix seconds\n"
	      "      --to TIME          replay up to TIME (same forms)\n"
	      "      --follow           -r: follow the recording as it grows (a file, or\n"
	      "                         a directory across the hourly files), from its\n"
	      "                         end; -r - reads the stream form on standard\n"
	      "                         input, followed (ssh HOST resource_image -q -w -)\n"
	      "      --remote [USER@]HOST  show HOST's processes here, over ssh: its\n"
	      "                         recorder followed when one runs there, else a\n"
	      "                         monitor started there (-q -w -); reconnects.\n"
	      "                         Repeated: several hosts, Tab switches, O sums up\n"
	      "      --remote-dir DIR   the recorder's directory on HOST\n"
	      "                         (default /var/log/resource_image)\n"
	      "      --remote-command CMD  the tool on HOST (default resource_image)\n"
	      "      --remote-control   let k and nice act on HOST's processes (over ssh)\n"
	      "  -q, --quiet            batch mode that prints nothing (with --listen:\n"
	      "                         a pure exporter; with -w: a headless recorder)\n"
	      "      --listen [ADDR:]PORT  serve Prometheus/OpenMetrics metrics on\n"
	      "                         http://ADDR:PORT/metrics (ADDR default\n"
	      "                         127.0.0.1; [::1]:PORT for IPv6)\n"
	      "      --max-series N     at most N series (default 10000); past it the\n"
	      "                         smallest groups fold into comm=\"other\"\n"
	      "      --metrics-linger DURATION  how long the series of exited\n"
	      "                         processes stay (default 5m; 90s, 1h, 0)\n"
	      "      --metrics-threads  per-thread-name series of chosen processes\n"
	      "  -v, --verbose          show libbpf's messages, and how the probe\n"
	      "                         loaded: what it counts, what is n/a\n"
	      "  -h, --help             this text\n"
	      "  -V, --version          version\n",
	      f);
	ri_cli_alerts_usage(f);
	fputs("\nExit status: 0 ok, 1 runtime failure (BPF, privileges), 2 usage error.\n",
	      f);
}

static long pid_max(void)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	long v = 4194304; /* the kernel's own limit for 64-bit */

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 4194304;
		fclose(f);
	}
	return v;
}

static int bad(FILE *err, const char *fmt, const char *arg)
{
	fputs("resource_image: ", err);
	fprintf(err, fmt, arg);
	fputs("\n\n", err);
	ri_cli_usage(err);
	return RI_CLI_USAGE;
}

/* cli_alerts.c said what was wrong: the usage goes under it. */
static int usage_follows(int r, FILE *err)
{
	if (r != RI_CLI_USAGE_FOLLOWS)
		return r;
	ri_cli_usage(err);
	return RI_CLI_USAGE;
}

static bool have_pid(const struct ri_opts *o, pid_t p)
{
	size_t i;

	for (i = 0; i < o->npids; i++)
		if (o->pids[i] == p)
			return true;
	return false;
}

static bool have_name(const struct ri_opts *o, const char *n)
{
	size_t i;

	for (i = 0; i < o->nnames; i++)
		if (!strncmp(o->names[i], n, RI_COMM_LEN))
			return true;
	return false;
}

static int parse_pids(struct ri_opts *o, const char *arg, FILE *err)
{
	char *buf, *save = NULL, *tok, *end;
	long max = pid_max(), v;
	int ret = 0;
	bool any = false;

	buf = strdup(arg);
	if (!buf)
		return bad(err, "-p: out of memory%s", "");
	for (tok = strtok_r(buf, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		errno = 0;
		v = strtol(tok, &end, 10);
		if (errno || end == tok || *end)
			ret = bad(err, "-p: '%.64s' is not a PID", tok);
		else if (v < 1 || v > max)
			ret = bad(err, "-p: %.64s is out of the range of PIDs", tok);
		else if (!have_pid(o, (pid_t)v) && o->npids >= RI_MAX_CHOSEN_PIDS)
			ret = bad(err, "-p: more than " XSTR(RI_MAX_CHOSEN_PIDS)
				       " PIDs, the most the kernel filter holds (at %.64s)",
				  tok);
		else if (!have_pid(o, (pid_t)v))
			o->pids[o->npids++] = (pid_t)v;
		any = true;
	}
	free(buf);
	if (!ret && !any)
		ret = bad(err, "-p: '%.64s' names no PID", arg);
	return ret;
}

/* --exit-buffer: units.h's sizes, up to 1 GiB. */
static int parse_size(const char *arg, size_t *out)
{
	uint64_t v;

	if (ri_size_arg(arg, &v) || v > (1u << 30))
		return -EINVAL;
	*out = (size_t)v;
	return 0;
}

static int parse_one(struct ri_opts *o, int c, const char *arg, FILE *out,
		     FILE *err)
{
	char *end;
	double d;
	long n;

	switch (c) {
	case 'b':
		o->batch = true;
		return 0;
	case 'd':
		o->delay_set = true;
		errno = 0;
		d = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(d))
			return bad(err, "-d: '%s' is not a number of seconds", arg);
		if (d < 0.01 || d > 86400)
			return bad(err, "-d: %s is out of range (0.01 to 86400 seconds)", arg);
		o->delay = d;
		o->delay_given = true;
		return 0;
	case 'n':
		errno = 0;
		n = strtol(arg, &end, 10);
		if (errno || end == arg || *end || n < 1)
			return bad(err, "-n: '%s' is not a count of 1 or more", arg);
		o->count = n;
		return 0;
	case 'p':
		return parse_pids(o, arg, err);
	case 'c':
		if (!*arg)
			return bad(err, "-c: empty name%s", "");
		if (strlen(arg) >= RI_COMM_LEN)
			return bad(err, "-c: '%.64s' is longer than the 15 characters the kernel keeps of a name", arg);
		if (have_name(o, arg))
			return 0;
		if (o->nnames >= RI_MAX_CHOSEN_NAMES)
			return bad(err, "-c: more than " XSTR(RI_MAX_CHOSEN_NAMES)
				       " names, the most the kernel filter holds (at %.64s)",
				   arg);
		strncpy(o->names[o->nnames++], arg, RI_COMM_LEN - 1);
		return 0;
	case 'H':
		o->threads = true;
		return 0;
	case 's':
		if (ri_sort_parse(arg, &o->sort))
			return bad(err, "-s: unknown sort key '%.64s'", arg);
		o->sort_given = true;
		return 0;
	case 't':
		o->theme = arg;
		return 0;
	case 'C':
		o->no_color = true;
		return 0;
	case 'U':
		o->no_unicode = true;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_SOURCE:
		if (!strcmp(arg, "auto"))
			o->source = RI_SRC_AUTO;
		else if (!strcmp(arg, "bpf"))
			o->source = RI_SRC_BPF;
		else if (!strcmp(arg, "procfs"))
			o->source = RI_SRC_PROCFS;
		else
			return bad(err, "--source: '%.64s' is not auto, bpf or procfs", arg);
		return 0;
	case OPT_PROBE:
		if (!strcmp(arg, "auto"))
			o->probe = RI_PROBE_AUTO;
		else if (!strcmp(arg, "tp_btf"))
			o->probe = RI_PROBE_TP_BTF;
		else if (!strcmp(arg, "raw_tp"))
			o->probe = RI_PROBE_RAW_TP;
		else if (!strcmp(arg, "kprobe"))
			o->probe = RI_PROBE_KPROBE;
		else
			return bad(err, "--probe: '%.64s' is not auto, tp_btf, raw_tp or kprobe", arg);
		return 0;
	case OPT_NO_STATES:
		o->no_states = true;
		return 0;
	case OPT_NO_SITES:
		o->no_sites = true;
		return 0;
	case OPT_SITES_AFTER:
		errno = 0;
		d = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(d) || d < 0.1 || d > 86400)
			return bad(err, "--sites-after: '%.64s' is not a number of seconds "
					"from 0.1 to 86400", arg);
		o->sites_after_ns = (uint64_t)(d * 1e9);
		return 0;
	case OPT_EXIT_BUFFER:
		if (parse_size(arg, &o->exit_buffer))
			return bad(err, "--exit-buffer: '%.64s' is not a size (e.g. 4096, 64K, 1M)", arg);
		return 0;
	case OPT_BTF:
		o->btf_path = arg;
		return 0;
	case 'w':
		if (!*arg)
			return bad(err, "-w: empty path%s", "");
		o->record = arg;
		return 0;
	case 'r':
		if (!*arg)
			return bad(err, "-r: empty path%s", "");
		o->replay = arg;
		return 0;
	case OPT_REMOTE:
		/* An option-looking host would become an option of ssh. */
		if (!*arg || *arg == '-' || strpbrk(arg, " \t\n"))
			return bad(err, "--remote: '%.64s' is not a [USER@]HOST", arg);
		if (o->nremotes == RI_MAX_REMOTES)
			return bad(err, "--remote: at most %s hosts", RI_STR(RI_MAX_REMOTES));
		o->remotes[o->nremotes++] = arg;
		o->remote = o->remotes[0];
		return 0;
	case OPT_REMOTE_DIR:
		o->remote_dir = arg;
		return 0;
	case OPT_REMOTE_COMMAND:
		o->remote_command = arg;
		return 0;
	case OPT_REMOTE_CONTROL:
		o->remote_control = true;
		return 0;
	case OPT_FOLLOW:
		o->follow = true;
		return 0;
	case OPT_GROUP:
		if (!*arg)
			return bad(err, "--group: empty name%s", "");
		o->group = arg;
		return 0;
	case OPT_FROM:
	case OPT_TO: {
		struct ri_when w;

		if (ri_when_parse(arg, &w))
			return bad(err, c == OPT_FROM ?
				   "--from: '%.64s' is not a time (HH:MM[:SS], "
				   "'YYYY-MM-DD HH:MM[:SS]', -10m, +1h, Unix seconds)" :
				   "--to: '%.64s' is not a time (HH:MM[:SS], "
				   "'YYYY-MM-DD HH:MM[:SS]', -10m, +1h, Unix seconds)",
				   arg);
		if (c == OPT_FROM)
			o->from = arg;
		else
			o->to = arg;
		return 0;
	}
	case OPT_KEEP:
		if (ri_duration_arg(arg, &o->keep_s) || !(o->keep_s > 0))
			return bad(err, "--keep: '%.64s' is not a duration (e.g. 7d, 12h, 90m)", arg);
		return 0;
	case OPT_MAX_SIZE:
		if (ri_size_arg(arg, &o->max_size))
			return bad(err, "--max-size: '%.64s' is not a size (e.g. 500M, 2G)", arg);
		return 0;
	case OPT_NO_FOLD:
		o->no_fold = true;
		return 0;
	case 'M':
		o->no_mouse = true;
		return 0;
	case OPT_NO_CONFIG:
		o->no_config = true;
		return 0;
	case OPT_TREE:
		o->tree = true;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case OPT_LISTEN: {
		char why[160];

		if (ri_listen_parse(arg, &o->listen_addr, why, sizeof(why)))
			return bad(err, "--listen: %s", why);
		o->listen = true;
		return 0;
	}
	case OPT_MAX_SERIES:
		errno = 0;
		n = strtol(arg, &end, 10);
		if (errno || end == arg || *end || n < RI_METRICS_MIN_SERIES || n > 10000000)
			return bad(err, "--max-series: '%.64s' is not a count from "
				       XSTR(RI_METRICS_MIN_SERIES) " to 10000000", arg);
		o->max_series = (size_t)n;
		return 0;
	case OPT_METRICS_LINGER:
		if (ri_duration_arg(arg, &d) || d > 86400)
			return bad(err, "--metrics-linger: '%.64s' is not a duration "
				       "up to a day (e.g. 300, 90s, 5m, 1h, 0)", arg);
		o->metrics_linger = d;
		o->metrics_linger_set = true;
		return 0;
	case OPT_METRICS_THREADS:
		o->metrics_threads = true;
		return 0;
	case RI_OPT_ALERT:
	case RI_OPT_ALERTS:
	case RI_OPT_ALERT_EXEC:
	case RI_OPT_GROWTH_WINDOW:
		return usage_follows(ri_cli_alert_opt(o, c, arg, err), err);
	case 'h':
		ri_cli_usage(out);
		return RI_CLI_EXIT;
	case 'V':
		fprintf(out, "resource_image %s\n", RI_VERSION);
		return RI_CLI_EXIT;
	default:
		/* getopt has already said what was wrong. */
		fputc('\n', err);
		ri_cli_usage(err);
		return RI_CLI_USAGE;
	}
}

/* What recording and replay options mean together. */
static int check_record_options(struct ri_opts *o, FILE *err)
{
	/* -r ... -q -w -: a recording relayed as a stream (what --remote runs). */
	if (o->record && o->replay && strcmp(o->record, "-"))
		return bad(err, "-w and -r: a replay is not recorded again (but to -w -)%s", "");
	if (o->remote && (o->replay || o->record))
		return bad(err, "--remote shows another host: not with -r or -w%s", "");
	if ((o->remote_dir || o->remote_command || o->remote_control) && !o->remote)
		return bad(err, "--remote-dir, --remote-command and --remote-control go "
				"with --remote%s", "");
	if (o->nremotes > 1 && o->batch)
		return bad(err, "several --remote: the screen shows them, a key switches; "
				"-b, --json and -q take one host%s", "");
	if (o->remote) {
		if (o->to)
			return bad(err, "--remote and --to: a host followed has no end%s", "");
		o->follow = true;
	}
	if ((o->from || o->to) && !o->replay && !o->remote)
		return bad(err, "--from and --to choose the part of a recording to "
				"replay: they need -r%s", "");
	if ((o->keep_s || o->max_size) && !o->record)
		return bad(err, "--keep and --max-size are for -w DIR%s", "");
	if (o->group && !o->record)
		return bad(err, "--group says who may read what -w writes: it needs -w%s", "");
	if (o->follow && !o->replay && !o->remote)
		return bad(err, "--follow follows a recording: it needs -r PATH%s", "");
	if (o->replay && !strcmp(o->replay, "-"))
		o->follow = true; /* a stream is read as it comes */
	if (o->follow && o->to)
		return bad(err, "--follow and --to: a recording followed has no end%s", "");
	/* Standard output carries the recording: nothing else may go there. */
	if (o->record && !strcmp(o->record, "-") && !o->quiet)
		return bad(err, "-w - writes the recording to standard output: "
				"add -q, so that nothing else is printed there%s", "");
	if (o->record && !strcmp(o->record, "-") && (o->keep_s || o->max_size || o->group))
		return bad(err, "--keep, --max-size and --group are for files, not -w -%s", "");
	return 0;
}

enum ri_cli_result ri_cli_parse(int argc, char **argv, struct ri_opts *o,
				FILE *out, FILE *err)
{
	const char *nc = getenv("NO_COLOR");
	int c, r;

	memset(o, 0, sizeof(*o));
	o->delay = 1.0;
	o->sort = RI_SORT_CPU;
	o->no_color = nc && *nc;
	opterr = 1;
	/* 0, not 1: glibc then also forgets a half-read "-abc" cluster. */
	optind = 0;
	o->argc = argc;
	o->argv = argv;
	while ((c = getopt_long(argc, argv, "bd:n:p:c:Hs:t:CUMvqhVw:r:", longopts, NULL)) != -1) {
		r = parse_one(o, c, optarg, out, err);
		if (r)
			return (enum ri_cli_result)r;
	}
	if (optind < argc)
		return (enum ri_cli_result)bad(err, "unexpected argument '%.64s'", argv[optind]);
	if ((r = usage_follows(ri_cli_alerts_finish(o, err), err)))
		return (enum ri_cli_result)r;
	if (o->json && !o->batch)
		o->batch = true; /* JSON only makes sense as a stream */
	if (o->quiet)
		o->batch = true; /* nothing printed: no screen either */
	if (!o->listen && (o->max_series || o->metrics_linger_set || o->metrics_threads))
		return (enum ri_cli_result)bad(err, "--max-series, --metrics-linger and "
					       "--metrics-threads go with --listen%s", "");
	r = check_record_options(o, err);
	return r ? (enum ri_cli_result)r : RI_CLI_RUN;
}
