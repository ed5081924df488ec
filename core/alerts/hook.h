/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --alert-exec CMD: a program run at every alert transition, as a monitor
 * sink that never slows a tick. The tick only queues the transition; a
 * thread of its own starts the program (fork + execve, no shell), waits
 * for it, and kills it (its whole process group) after a timeout. At most
 * RI_HOOK_RUNNING run at once and RI_HOOK_QUEUE wait; a transition past
 * that is not run but counted (dropped), and reported.
 *
 * The program gets, on top of the tool's environment:
 *   RI_ALERT_RULE   the rule as written       RI_ALERT_STATE  pending, firing,
 *   RI_ALERT_PID    the process                               resolved, inactive
 *   RI_ALERT_COMM   its name                  RI_ALERT_VALUE  the metric, in the
 *   RI_ALERT_TIME   Unix time of the tick                     rule's base unit
 *   RI_ALERT_SINCE  Unix time the previous state began
 * stdin and stdout on /dev/null (stdout is the tool's JSON stream in batch
 * mode), stderr the tool's in batch mode and /dev/null under the
 * interactive screen, no other file descriptor (no BPF object leaks into
 * it), its own process group, default signal dispositions. It runs with
 * no capability even as root: the tool has set SECBIT_NOROOT and
 * no_new_privs by then (privs.c), and inherits its seccomp filter.
 */
#ifndef RI_HOOK_H
#define RI_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor.h"

#define RI_HOOK_RUNNING 4
#define RI_HOOK_QUEUE 256
#define RI_HOOK_TIMEOUT_S 10.0
/* At exit, how long what is queued or running may still take. */
#define RI_HOOK_EXIT_GRACE_S 3.0
#define RI_HOOK_MAX_ARGS 64

/*
 * Splits @cmd into words as a shell would, without one: blanks separate;
 * '...' keeps everything literally; "..." too, but \" \\ \$ \` escape;
 * elsewhere a backslash escapes the next character. No variables, globs,
 * pipes or redirections (use sh -c '...' for those). The words go into
 * @buf, pointers into @argv (NULL-terminated, at most @maxargv - 1 words).
 * Returns the number of words, or -EINVAL with *@errpos at the bad
 * character and *@what saying what was wrong.
 */
int ri_argv_split(const char *cmd, char *buf, size_t buflen, char **argv,
		  size_t maxargv, size_t *errpos, const char **what);
/*
 * Where @prog would be executed from: itself when it holds a '/', else
 * the first executable match in $PATH. 0, or -ENOENT / -EACCES.
 */
int ri_find_program(const char *prog, char *out, size_t outlen);

struct ri_hook_opts {
	const char *cmd;       /* split with ri_argv_split */
	double timeout_s;      /* 0: RI_HOOK_TIMEOUT_S */
	bool quiet;            /* stderr to /dev/null too (the interactive screen) */
};

struct ri_hook_stats {
	uint64_t queued;    /* transitions handed to the hook */
	uint64_t started;   /* programs started */
	uint64_t failed;    /* exited non-zero, killed by a signal, or could not start */
	uint64_t timed_out; /* killed after the timeout */
	uint64_t dropped;   /* not run: queue full, or still queued at exit */
	unsigned running;   /* now */
};

struct ri_hook;

/* Starts the hook's thread. 0, or a negative errno and one sentence in @err. */
int ri_hook_start(const struct ri_hook_opts *o, struct ri_hook **out, char *err,
		  size_t errlen);
/* The sink to add to the monitor (ri_monitor_add_sink). */
struct ri_sink *ri_hook_sink(struct ri_hook *h);
void ri_hook_stats(struct ri_hook *h, struct ri_hook_stats *st);
/*
 * Runs what is queued and waits for every program, each within its
 * timeout and all within @grace_s, then kills what is left; frees @h.
 */
void ri_hook_stop(struct ri_hook *h, double grace_s, struct ri_hook_stats *st);
/*
 * The front ends' end of it: ri_hook_stop with RI_HOOK_EXIT_GRACE_S, then
 * one line on @err when anything failed, was killed or was not run.
 * NULL: nothing.
 */
void ri_hook_finish(struct ri_hook *h, FILE *err);

#endif /* RI_HOOK_H */
