// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The front door: parse the command line once, check what can be checked
 * before anything is loaded, start the session, then hand it over to the
 * batch or the interactive front end, and close it when that is done.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "session.h"
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

/*
 * -r - on a screen: standard input is the stream, the keys come from
 * the terminal. The stream moves to a descriptor of its own and the
 * terminal takes its place, so the screen reads fd 0 as always.
 */
static int stream_off_stdin(struct ri_opts *o)
{
	int tty;

	if (!o->replay || strcmp(o->replay, "-"))
		return 0;
	if (isatty(STDIN_FILENO)) {
		fprintf(stderr, "resource_image: -r -: standard input is a terminal, "
				"not a recording: pipe one in (ssh HOST resource_image "
				"-q -w - | resource_image -r -)\n");
		return 1;
	}
	if (o->batch)
		return 0;
	tty = open("/dev/tty", O_RDONLY | O_CLOEXEC);
	if (tty < 0 || (o->replay_fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    dup2(tty, STDIN_FILENO) < 0) {
		fprintf(stderr, "resource_image: -r -: no terminal for the keys (%s); "
				"use -b or --json\n", strerror(errno));
		return 1;
	}
	close(tty);
	return 0;
}

int main(int argc, char **argv)
{
	static struct ri_opts o;
	struct ri_opts *oo[RI_MAX_REMOTES] = { 0 };
	struct ri_session *s, *ss[RI_MAX_REMOTES];
	size_t n = 1;
	char err[256];
	int r;

	setlocale(LC_ALL, "");
	r = ri_cli_parse(argc, argv, &o, stdout, stderr);
	if (r == RI_CLI_EXIT)
		return 0;
	if (r != RI_CLI_RUN)
		return 2;
	/* In a replay or of another host, PIDs are not this host's live ones. */
	if (!o.replay && !o.remote && (r = check_pids(&o)))
		return r;
	if (stream_off_stdin(&o))
		return 1;
	/* The port before the probe: a busy one costs no BPF load. */
	if (ri_session_new(&o, &s, err, sizeof(err))) {
		fprintf(stderr, "resource_image: %s\n", err);
		return 1;
	}
	/*
	 * Several hosts: a session each, of the same options but its host
	 * (the first one serves --listen and runs --alert-exec).
	 */
	ss[0] = s;
	for (n = 1; n < o.nremotes; n++) {
		if (!(oo[n] = malloc(sizeof(*oo[n])))) {
			fprintf(stderr, "resource_image: out of memory\n");
			r = 1;
			goto out;
		}
		*oo[n] = o;
		oo[n]->remote = o.remotes[n];
		oo[n]->listen = false;
		oo[n]->alert_exec = NULL;
		if (ri_session_new(oo[n], &ss[n], err, sizeof(err))) {
			fprintf(stderr, "resource_image: %s\n", err);
			free(oo[n]);
			r = 1;
			goto out;
		}
	}
	/* The front end opens the session when it is ready for it. */
	r = o.batch ? ri_batch_run(&o, s) : ri_tui_run(&o, ss, n);
out:
	while (n-- > 1) {
		ri_session_close(ss[n], stderr);
		free(oo[n]);
	}
	ri_session_close(s, stderr);
	return r;
}
