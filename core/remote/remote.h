/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Another host's figures (--remote [USER@]HOST): the tool run there over
 * the user's own ssh (its config, keys and known hosts; no port opened
 * and no daemon of ours), its recording's stream form read here as -r -
 * reads it. There, a recorder that wrote in the last minute is followed
 * (no second probe); else a monitor is started with -w -. A dropped
 * connection is said, then retried with a backoff (1 s, doubling, at
 * most 30 s), asking the host for what came after the newest frame read,
 * so nothing the host still has is lost.
 *
 * ssh runs with BatchMode (never a prompt: a refused key is an error, not
 * a hang), ConnectTimeout and ServerAlive (a dead link is noticed in
 * seconds), in a session of its own (the terminal's keys never reach it).
 * RI_SSH replaces "ssh" (words split on blanks), e.g. "ssh -F FILE".
 */
#ifndef RI_REMOTE_H
#define RI_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct ri_remote_opts {
	const char *host;    /* [USER@]HOST, as ssh takes it */
	const char *dir;     /* the recorder's directory there; NULL: /var/log/resource_image */
	const char *command; /* the tool there; NULL: resource_image */
	double delay;        /* -d of a monitor started there */
	double history_s;    /* at the start, the recorder's last seconds too (0: none) */
};

/*
 * Connects, and waits for the stream's first frame: a reader of it that
 * reconnects by itself (record.h's ri_rec_reconnect). When nothing can
 * be shown (ssh failed, the tool is missing there, what came is not a
 * recording this version reads): one sentence in @err, naming the host.
 */
int ri_remote_open(const struct ri_remote_opts *o, struct ri_rec_reader **out,
		   char *err, size_t errlen);

/*
 * Runs @cmd on @host over the same ssh and waits for it (--remote-control:
 * a signal, a nice value): its exit status, and in @said its first line
 * of output, or on failure the last line ssh or the host said.
 */
int ri_remote_run(const char *host, const char *cmd, char *said, size_t len);

#endif /* RI_REMOTE_H */
