// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the command line (core/cli/cli.c): every flag in its short and
 * long form, the defaults, and every bad value refused with a reason and
 * the usage on the error stream and nothing started. --help and --version
 * go to the output stream. NO_COLOR counts only when non-empty
 * (no-color.org).
 *
 * getopt reports unknown options on the real stderr, not on the stream
 * given to the parser, so each parse runs with fd 2 captured.
 *
 * Plain C, no root: exit 0 when every check passes, 1 otherwise, one line
 * per failed check and a last line with the count.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "check.h"

/* --- running the parser ------------------------------------------------------ */

#define MAXARGS 2300

struct run {
	enum ri_cli_result r;
	char out[8192], err[8192], fd2[1024];
};

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
}

/* Parses argv[1..argc-1] (argv[0] supplied) into @o; outputs into @run. */
static void parse_v(struct run *run, struct ri_opts *o, int argc,
		    const char *const *args)
{
	/* Kept until the next parse: ri_opts points into them (-t, --btf). */
	static char *argv[MAXARGS + 2];
	FILE *out, *err, *fd2;
	int i, saved;

	for (i = 0; argv[i]; i++) {
		free(argv[i]);
		argv[i] = NULL;
	}
	if (argc < 0)
		return; /* just the cleanup */
	out = tmpfile();
	err = tmpfile();
	fd2 = tmpfile();

	if (!out || !err || !fd2 || argc > MAXARGS) {
		fprintf(stderr, "test setup failed\n");
		exit(1);
	}
	/* getopt permutes argv: give it copies it may own. */
	argv[0] = strdup("resource_image");
	for (i = 0; i < argc; i++)
		argv[i + 1] = strdup(args[i]);
	argv[argc + 1] = NULL;

	fflush(stderr);
	saved = dup(2);
	dup2(fileno(fd2), 2);
	run->r = ri_cli_parse(argc + 1, argv, o, out, err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	slurp(out, run->out, sizeof(run->out));
	slurp(err, run->err, sizeof(run->err));
	slurp(fd2, run->fd2, sizeof(run->fd2));
	fclose(out);
	fclose(err);
	fclose(fd2);
}

#define PARSE(run, o, ...)                                                \
	do {                                                              \
		static const char *const a_[] = { __VA_ARGS__ };          \
		parse_v(run, o, (int)(sizeof(a_) / sizeof(a_[0])), a_);  \
	} while (0)

static struct ri_opts o;
static struct run run;

/* A refused command line: exit 2, a reason, the usage, nothing on out. */
static void refused(int line, const char *why, int argc, const char *const *args)
{
	const char *reason = why;

	parse_v(&run, &o, argc, args);
	if (run.r != RI_CLI_USAGE) {
		fail(__FILE__, line, "result == RI_CLI_USAGE", "%d for %s %s",
		     run.r, args[0], argc > 1 ? args[1] : "");
		return;
	}
	passed++;
	/* getopt's own complaints go to fd 2, ours to @err. */
	if (!strstr(run.err, reason) && !strstr(run.fd2, reason))
		fail(__FILE__, line, "reason given", "want \"%s\", err: %.120s%s",
		     reason, run.err, run.fd2);
	else
		passed++;
	if (!strstr(run.err, "Usage: resource_image"))
		fail(__FILE__, line, "usage on err", NULL);
	else
		passed++;
	if (run.out[0])
		fail(__FILE__, line, "nothing on out", "%.80s", run.out);
	else
		passed++;
}

#define REFUSED(why, ...)                                                 \
	do {                                                              \
		static const char *const a_[] = { __VA_ARGS__ };          \
		refused(__LINE__, why, (int)(sizeof(a_) / sizeof(a_[0])), a_); \
	} while (0)

/* --- tests ------------------------------------------------------------------ */

static void test_defaults(void)
{
	static const char *const none[1];

	unsetenv("NO_COLOR");
	parse_v(&run, &o, 0, none);
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK(!o.batch && !o.json && !o.threads && !o.no_color);
	CHECK(!o.no_unicode && !o.verbose);
	CHECK(o.delay == 1.0);
	CHECK_EQ(o.count, 0);
	CHECK_EQ(o.npids, 0);
	CHECK_EQ(o.nnames, 0);
	CHECK_EQ(o.source, RI_SRC_AUTO);
	CHECK_EQ(o.probe, RI_PROBE_AUTO);
	CHECK_EQ(o.sort, RI_SORT_CPU);
	CHECK(o.theme == NULL && o.btf_path == NULL);
	CHECK_EQ(o.exit_buffer, 0);
	CHECK(!o.no_fold && !o.no_mouse && !o.no_config && !o.tree);
	CHECK(!o.sort_given && !o.delay_given);
	CHECK(!run.out[0] && !run.err[0] && !run.fd2[0]);
}

static void test_good_flags(void)
{
	PARSE(&run, &o, "-b", "-d", "0.5", "-n", "3", "-p", "1,2", "-p", "3",
	      "-c", "name", "-H", "--json", "--source", "procfs", "--probe",
	      "raw_tp", "-s", "mem");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK(o.batch && o.json && o.threads);
	CHECK(o.delay == 0.5);
	CHECK_EQ(o.count, 3);
	CHECK_EQ(o.npids, 3);
	CHECK(o.pids[0] == 1 && o.pids[1] == 2 && o.pids[2] == 3);
	CHECK_EQ(o.nnames, 1);
	CHECK_STR(o.names[0], "name");
	CHECK_EQ(o.source, RI_SRC_PROCFS);
	CHECK_EQ(o.probe, RI_PROBE_RAW_TP);
	CHECK_EQ(o.sort, RI_SORT_MEM);
	CHECK(o.sort_given && o.delay_given);
	CHECK(!run.out[0] && !run.err[0] && !run.fd2[0]);

	/* What the interactive view and the fold take. */
	PARSE(&run, &o, "--no-fold", "-M", "--no-config", "--tree");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK(o.no_fold && o.no_mouse && o.no_config && o.tree);
	PARSE(&run, &o, "--no-mouse");
	CHECK(o.no_mouse && !o.no_fold);

	/* Long forms, "=" forms, clusters. */
	PARSE(&run, &o, "--batch", "--delay=2.5", "--iterations", "7",
	      "--pid=42", "--command", "sshd", "--command=nginx", "--threads",
	      "--sort=DISK-write", "--theme", "dark", "--no-color",
	      "--no-unicode", "--verbose", "--source=bpf", "--probe=kprobe",
	      "--exit-buffer", "64K", "--btf", "/nonexistent");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK(o.batch && o.threads && o.no_color && o.no_unicode && o.verbose);
	CHECK(!o.json);
	CHECK(o.delay == 2.5);
	CHECK_EQ(o.count, 7);
	CHECK(o.npids == 1 && o.pids[0] == 42);
	CHECK(o.nnames == 2 && !strcmp(o.names[1], "nginx"));
	CHECK_EQ(o.sort, (RI_SORT_FIG + RI_C_DISK_WRITE));
	CHECK(o.theme && !strcmp(o.theme, "dark"));
	CHECK_EQ(o.source, RI_SRC_BPF);
	CHECK_EQ(o.probe, RI_PROBE_KPROBE);
	CHECK_EQ(o.exit_buffer, 65536);
	CHECK(o.btf_path && !strcmp(o.btf_path, "/nonexistent"));

	PARSE(&run, &o, "-bHCUv", "-d0.01", "-n1", "-tlight", "--probe",
	      "tp_btf", "--source", "auto", "--exit-buffer", "1M");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK(o.batch && o.threads && o.no_color && o.no_unicode && o.verbose);
	CHECK(o.delay == 0.01);
	CHECK_EQ(o.count, 1);
	CHECK_EQ(o.probe, RI_PROBE_TP_BTF);
	CHECK_EQ(o.source, RI_SRC_AUTO);
	CHECK_EQ(o.exit_buffer, 1024 * 1024);

	/* --json alone means batch: JSON is a stream, not a screen. */
	PARSE(&run, &o, "--json");
	CHECK(o.json && o.batch);
	/* The extremes that are still allowed. */
	PARSE(&run, &o, "-d", "86400", "-c", "fifteen-chars-x", "--exit-buffer",
	      "1.5k", "--probe", "auto");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK(o.delay == 86400);
	CHECK_STR(o.names[0], "fifteen-chars-x");
	CHECK_EQ(o.exit_buffer, 1536);
	/* Every sort key by name. */
	{
		int k;

		for (k = 0; k < RI_SORT_COUNT; k++) {
			const char *args[2] = { "-s", ri_sort_name((enum ri_sort_key)k) };

			if (!args[1])
				continue; /* a counter without a figure of its own */
			parse_v(&run, &o, 2, args);
			CHECK(run.r == RI_CLI_RUN && o.sort == (enum ri_sort_key)k);
		}
	}
	/* A later flag wins. */
	PARSE(&run, &o, "-s", "pid", "-s", "io", "-d", "3", "-d", "4");
	CHECK(o.sort == RI_SORT_IO && o.delay == 4);
}

static void test_bad_values(void)
{
	REFUSED("-d: 0 is out of range", "-d", "0");
	REFUSED("-d: -1 is out of range", "-d", "-1");
	REFUSED("-d: 0.001 is out of range", "-d", "0.001");
	REFUSED("-d: 86401 is out of range", "-d", "86401");
	REFUSED("-d: 'abc' is not a number", "-d", "abc");
	REFUSED("-d: 'inf' is not a number", "-d", "inf");
	REFUSED("-d: 'nan' is not a number", "-d", "nan");
	REFUSED("-d: '1e999' is not a number", "-d", "1e999");
	REFUSED("-d: '' is not a number", "-d", "");
	REFUSED("-d: '1s' is not a number", "--delay=1s");
	REFUSED("-n: '0' is not a count", "-n", "0");
	REFUSED("-n: 'x' is not a count", "-n", "x");
	REFUSED("-n: '-3' is not a count", "-n", "-3");
	REFUSED("-n: '1.5' is not a count", "-n", "1.5");
	REFUSED("-n: '99999999999999999999999' is not a count", "-n",
		"99999999999999999999999");
	REFUSED("-p: 'notapid' is not a PID", "-p", "notapid");
	REFUSED("-p: '12x' is not a PID", "-p", "1,12x");
	REFUSED("-p: 999999999 is out of the range of PIDs", "-p", "999999999");
	REFUSED("-p: 0 is out of the range of PIDs", "-p", "0");
	REFUSED("-p: -5 is out of the range of PIDs", "-p", "-5");
	REFUSED("-p: '' names no PID", "-p", "");
	REFUSED("-p: ',,' names no PID", "-p", ",,");
	REFUSED("-c: '0123456789abcdef' is longer than the 15 characters", "-c",
		"0123456789abcdef");
	REFUSED("-c: empty name", "-c", "");
	REFUSED("unrecognized option '--bogus'", "--bogus");
	REFUSED("invalid option -- 'Z'", "-Z");
	REFUSED("invalid option -- 'Z'", "-bZ");
	REFUSED("requires an argument", "-d");
	REFUSED("requires an argument", "--pid");
	REFUSED("doesn't allow an argument", "--batch=yes");
	REFUSED("unexpected argument 'foo'", "foo");
	REFUSED("unexpected argument 'foo'", "-b", "foo", "-H");
	REFUSED("unexpected argument 'x'", "--", "x");
	REFUSED("--source: 'x' is not auto, bpf or procfs", "--source", "x");
	REFUSED("--source: 'BPF' is not", "--source", "BPF");
	REFUSED("--probe: 'x' is not auto, tp_btf, raw_tp or kprobe", "--probe",
		"x");
	REFUSED("-s: unknown sort key 'nosuchkey'", "-s", "nosuchkey");
	REFUSED("-s: unknown sort key ''", "-s", "");
	REFUSED("--exit-buffer: '0' is not a size", "--exit-buffer", "0");
	REFUSED("--exit-buffer: '-1' is not a size", "--exit-buffer", "-1");
	REFUSED("--exit-buffer: '2G' is not a size", "--exit-buffer", "2G");
	REFUSED("--exit-buffer: '1x' is not a size", "--exit-buffer", "1x");
	REFUSED("--exit-buffer: 'nan' is not a size", "--exit-buffer", "nan");

	/*
	 * Each -p must name a PID, also after an earlier good one ("names
	 * no PID" is about this argument, not the ones before).
	 */
	REFUSED("-p: '' names no PID", "-p", "1", "-p", "");
}

static void test_limits(void)
{
	static const char *args[MAXARGS];
	static char lists[2][32768], names[300][RI_COMM_LEN];
	size_t len;
	int i, n;

	/* One more PID than the kernel filter holds, over two lists. */
	for (i = 0; i < 2; i++) {
		len = 0;
		for (n = 1; n <= 2049; n++)
			len += (size_t)snprintf(lists[i] + len, sizeof(lists[i]) - len,
						"%s%d", n > 1 ? "," : "", n + i * 2049);
		args[2 * i] = "-p";
		args[2 * i + 1] = lists[i];
	}
	refused(__LINE__, "-p: more than 4096 PIDs", 4, args);
	/* Exactly RI_MAX_CHOSEN_PIDS is fine, and a PID given twice counts once. */
	len = 0;
	for (n = 2050; n <= RI_MAX_CHOSEN_PIDS; n++)
		len += (size_t)snprintf(lists[1] + len, sizeof(lists[1]) - len,
					"%s%d", n > 2050 ? "," : "", n);
	snprintf(lists[1] + len, sizeof(lists[1]) - len, ",1,2,3");
	parse_v(&run, &o, 4, args);
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK_EQ(o.npids, RI_MAX_CHOSEN_PIDS);
	CHECK_EQ(o.pids[RI_MAX_CHOSEN_PIDS - 1], RI_MAX_CHOSEN_PIDS);

	for (i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "n%u", (unsigned int)i);
		args[2 * i] = "-c";
		args[2 * i + 1] = names[i];
	}
	refused(__LINE__, "-c: more than 256 names", 2 * 257, args);
	refused(__LINE__, "-c: more than 256 names", 2 * 300, args);
	parse_v(&run, &o, 2 * RI_MAX_CHOSEN_NAMES, args);
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK_EQ(o.nnames, RI_MAX_CHOSEN_NAMES);
	/* The same name again is no new name. */
	args[2 * RI_MAX_CHOSEN_NAMES] = "-c";
	args[2 * RI_MAX_CHOSEN_NAMES + 1] = names[0];
	parse_v(&run, &o, 2 * RI_MAX_CHOSEN_NAMES + 2, args);
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK_EQ(o.nnames, RI_MAX_CHOSEN_NAMES);
}

static void test_help_version(void)
{
	static char first[] = "-hb";

	PARSE(&run, &o, "--help");
	CHECK_EQ(run.r, RI_CLI_EXIT);
	CHECK(strstr(run.out, "Usage: resource_image") != NULL);
	CHECK(strstr(run.out, "--json") != NULL);
	CHECK(!run.err[0] && !run.fd2[0]);
	PARSE(&run, &o, "-h");
	CHECK_EQ(run.r, RI_CLI_EXIT);
	CHECK(strstr(run.out, "Usage: resource_image") != NULL);
	PARSE(&run, &o, "--version");
	CHECK_EQ(run.r, RI_CLI_EXIT);
	CHECK_STR(run.out, "resource_image " RI_VERSION "\n");
	CHECK(!run.err[0]);
	PARSE(&run, &o, "-b", "-V");
	CHECK_EQ(run.r, RI_CLI_EXIT);
	CHECK_STR(run.out, "resource_image " RI_VERSION "\n");

	/*
	 * A parse that stops inside a cluster ("-hb" stops at h) must not
	 * leak its leftover "b" into the next parse. Static argv: the
	 * leftover stays readable, so a stale getopt shows as a wrong result
	 * rather than as a read of freed memory inside libc.
	 */
	{
		static char prog[] = "resource_image";
		static char *argv1[] = { prog, first, NULL };
		static char *argv2[] = { prog, NULL };
		FILE *null = fopen("/dev/null", "w");

		if (!null)
			exit(1);
		CHECK_EQ(ri_cli_parse(2, argv1, &o, null, null), RI_CLI_EXIT);
		CHECK_EQ(ri_cli_parse(1, argv2, &o, null, null), RI_CLI_RUN);
		CHECK(!o.batch);
		fclose(null);
	}
	PARSE(&run, &o, "-d", "0", "-b");
	PARSE(&run, &o, "-H");
	CHECK(run.r == RI_CLI_RUN && o.threads && !o.batch && o.delay == 1.0);
}

static void test_no_color(void)
{
	static const char *const none[1];

	setenv("NO_COLOR", "1", 1);
	parse_v(&run, &o, 0, none);
	CHECK(o.no_color);
	setenv("NO_COLOR", "anything", 1);
	parse_v(&run, &o, 0, none);
	CHECK(o.no_color);
	/* no-color.org: set but empty does not count. */
	setenv("NO_COLOR", "", 1);
	parse_v(&run, &o, 0, none);
	CHECK(!o.no_color);
	unsetenv("NO_COLOR");
	parse_v(&run, &o, 0, none);
	CHECK(!o.no_color);
	PARSE(&run, &o, "-C");
	CHECK(o.no_color);
}

/* Recording and replay: the flags, what they imply, what they exclude. */
static void test_record_replay(void)
{
	PARSE(&run, &o, "-w", "/var/log/ri/", "-q", "--keep", "3d", "--max-size", "2G");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK_STR(o.record, "/var/log/ri/");
	CHECK(o.quiet && o.batch); /* a recorder that prints nothing has no screen */
	CHECK_NEAR(o.keep_s, 3 * 86400, 0);
	CHECK_U64(o.max_size, 2ull << 30);
	PARSE(&run, &o, "--write=x.rirec", "-H");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK_STR(o.record, "x.rirec");
	CHECK(!o.batch && !o.quiet);
	PARSE(&run, &o, "-r", "x.rirec", "--from", "-10m", "--to", "03:10", "-d", "5");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK_STR(o.replay, "x.rirec");
	CHECK_STR(o.from, "-10m");
	CHECK_STR(o.to, "03:10");
	CHECK(o.delay_set);
	PARSE(&run, &o, "--read", "x.rirec", "--from=2026-11-27 03:10", "-b", "-n", "1");
	CHECK_EQ(run.r, RI_CLI_RUN);
	CHECK_STR(o.from, "2026-11-27 03:10");
	CHECK(!o.delay_set);
	PARSE(&run, &o, "-r", "x.rirec", "--from", "1795744800");
	CHECK_EQ(run.r, RI_CLI_RUN);
	REFUSED("-w and -r", "-w", "a", "-r", "b");
	REFUSED("--keep: '0' is not a duration", "-w", "d/", "--keep", "0");
	REFUSED("they need -r", "--from", "03:10");
	REFUSED("they need -r", "--to", "-5m");
	REFUSED("--keep and --max-size are for -w DIR", "--keep", "1d");
	REFUSED("--from: 'noon' is not a time", "-r", "x", "--from", "noon");
	REFUSED("--to: '25:00' is not a time", "-r", "x", "--to", "25:00");
	REFUSED("--keep: '7 days' is not a duration", "-w", "d/", "--keep", "7 days");
	REFUSED("--max-size: '2Q' is not a size", "-w", "d/", "--max-size", "2Q");
	REFUSED("-w: empty path", "-w", "");
	REFUSED("-r: empty path", "-r", "");
}

int main(void)
{
	test_record_replay();
	test_defaults();
	test_good_flags();
	test_bad_values();
	test_limits();
	test_help_version();
	test_no_color();
	parse_v(&run, &o, -1, NULL);
	return check_report("test_cli");
}
