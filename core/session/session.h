/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A run of the tool, whatever shows it (the screen, batch text, JSON,
 * -q) and whatever feeds it (the live system, a recording): the source,
 * the monitor over it and the sinks (-w the recorder, --listen the
 * exporter, --alert-exec the hook), opened in one order and closed in
 * the reverse. A front end holds a session and asks it for the monitor.
 *
 * Opening, in two steps, each part from its own options (filled here
 * from the command line's):
 *
 *   ri_session_new   before anything is loaded, before the terminal:
 *                    --listen's port is bound (a busy one costs no BPF
 *                    load; one below 1024 works for root)
 *   ri_session_open  -w's file opened (a path that cannot be written
 *                    stops the tool before the probe loads); the source,
 *                    live or the recording; the monitor over it, which
 *                    drops privileges once attached (privs.h) and primes
 *                    the model; then the sinks, in the order they are fed:
 *                    the recorder, the exporter (its server threads start
 *                    now, holding no privilege), the hook
 *   ri_session_close the reverse: the exporter stopped, the recording
 *                    closed, the monitor closed (the BPF programs
 *                    detached); the hook last all the same, as nothing
 *                    ticks any more to reach it and waiting for the
 *                    programs it started (RI_HOOK_EXIT_GRACE_S at most)
 *                    must never keep the probe attached
 *
 * A replay is served and runs the hook as a live run does: the exporter
 * serves the replayed ticks, the hook runs at the transitions of the
 * replayed ticks (once each, a jump back notwithstanding).
 */
#ifndef RI_SESSION_H
#define RI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "hook.h"
#include "monitor.h"
#include "recorder.h"
#include "replay.h"

/* What the front end asks of the model; the rest is the command line's. */
struct ri_session_front {
	struct ri_model_opts model;
	/*
	 * No thread row is shown (batch without -H): the model gets the
	 * threads summed per process, unless the exporter's thread series
	 * need them; summed in the kernel where it can, unless the recorder
	 * keeps every thread (a replay may show them).
	 */
	bool no_thread_rows;
	/* A screen is drawn: the hook's programs get no stderr to scribble on. */
	bool screen;
};

struct ri_session;

/* 0, or a negative errno with one sentence in @err (exit 1). */
int ri_session_new(const struct ri_opts *o, struct ri_session **out, char *err,
		   size_t errlen);
/*
 * 0; -EDOM with one sentence in @err when the command line asks for
 * what the recording does not hold (exit 2); else a negative errno and
 * one sentence (exit 1). On failure too, the session is closed with
 * ri_session_close.
 */
int ri_session_open(struct ri_session *s, const struct ri_session_front *f,
		    char *err, size_t errlen);
/*
 * Closes what was opened, in the reverse order; one line on @err when
 * the hook could not run everything. NULL: nothing.
 */
void ri_session_close(struct ri_session *s, FILE *err);

/* Once open: */
struct ri_monitor *ri_session_monitor(const struct ri_session *s);
/* The recording played (-r), NULL live: its player, for the screen's moves. */
struct ri_replay *ri_session_replay(const struct ri_session *s);
/* The recorder (-w), NULL without: what it has to say (ri_recorder_news). */
struct ri_recorder *ri_session_recorder(const struct ri_session *s);
/* The hook (--alert-exec), NULL without: its counts, for the screen and JSON. */
struct ri_hook *ri_session_hook(const struct ri_session *s);
/* Why the source is not the one asked for (BPF unavailable), or NULL. */
const char *ri_session_warning(const struct ri_session *s);
/*
 * A line for the user, each said once, else NULL: the recorder stopped
 * or resumed, the recording played is damaged. Call until NULL.
 */
const char *ri_session_news(struct ri_session *s);
/*
 * Seconds between two ticks, for a front end that does not steer time
 * (batch, -q): -d live; a replay as fast as it can be read, but at its
 * own pace (as recorded, or -d) when it is served (--listen), so that a
 * scraper sees its ticks as it would have seen them live.
 */
double ri_session_pace_s(const struct ri_session *s);

#endif /* RI_SESSION_H */
