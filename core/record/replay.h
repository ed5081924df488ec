/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Playing a recording (-r): a monitor over the replay source, so every
 * figure is the model's, computed again as it was live, and the time
 * controls a front end needs (jump to a time with the history that led
 * there, step back and forth, where the cursor is). The batch printers
 * only tick the monitor; the TUI also moves through time.
 *
 * Followed (--follow, or a stream: -r -), the recording's end moves: a
 * tick at the end waits for the next frame (-EAGAIN), the part replayed
 * grows with it, and the first tick is the last frame written (a stream:
 * its first) unless --from says otherwise.
 *
 * Given no alert rules, a replay shows the transitions the live run
 * recorded (the monitor applies them tick by tick); given rules, it
 * evaluates those afresh.
 *
 * The replay source (source_replay.c) feeds the recorded drains in
 * order, merges several into one tick when -d asks for a coarser step,
 * stops at --to, tells the monitor the choice the live run had in force
 * at each drain, filters in user space when a choice is made in the
 * replay, and lists the recorded processes for the picker.
 */
#ifndef RI_REPLAY_H
#define RI_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "monitor.h"
#include "record.h"

struct ri_replay_opts {
	const char *path;      /* -r PATH: a file or a directory */
	const char *from, *to; /* --from, --to TIME (timearg.h); NULL: its ends */
	double every_s;        /* -d: ticks this long, of several frames; 0: as recorded */
	bool follow;           /* --follow: the recording grows while it is read */
	int stream_fd;         /* -r -: the stream's descriptor (owned from open on) */
	struct ri_rec_reader *reader; /* already open (--remote): owned from open on */
};

struct ri_replay;

/*
 * Opens @o->path, with --from, --to and -d resolved against it, as a
 * source (@src) that starts with the frame before --from: a monitor
 * attached over it is primed with that one, and its first tick is the
 * first frame at or after --from. Returns 0; -EDOM when a time is
 * outside the recording or -d asks for a finer step than it has (a
 * usage error); else a negative errno. One sentence in @err either way.
 * @rp lives as long as @src, which the monitor owns once attached.
 */
int ri_replay_open(const struct ri_replay_opts *o, struct ri_source **src,
		   struct ri_replay **rp, char *err, size_t errlen);
/*
 * The player over @mon, the monitor attached over the replay's source:
 * the moves below tick it, restart it, and the part replayed starts at
 * its first tick. Called once, right after the monitor is attached.
 */
void ri_replay_start(struct ri_replay *rp, struct ri_monitor *mon);
/*
 * The cursor onto the last tick at or before @t (the first tick when
 * none is), the history panels refilled with the ticks before it, as
 * the live run had them.
 */
int ri_replay_jump(struct ri_replay *rp, double t);
/* One tick back (the model restarted, history refilled). */
int ri_replay_back(struct ri_replay *rp);
/*
 * One tick forward: 0; -ENODATA at the end (of the recording or --to);
 * -EAGAIN at the end of a recording followed, until the next frame is
 * written.
 */
int ri_replay_forward(struct ri_replay *rp);
bool ri_replay_at_end(const struct ri_replay *rp);
/*
 * Followed (--follow, a stream) and more may come: the end is "now".
 * A stream that ended is no longer followed.
 */
bool ri_replay_following(const struct ri_replay *rp);
/* How often to look for a new frame at the end of a recording followed. */
double ri_replay_poll_s(const struct ri_replay *rp);
/* Unix times: of the cursor's tick, and of the part replayed. */
double ri_replay_now(const struct ri_replay *rp);
double ri_replay_first(const struct ri_replay *rp);
double ri_replay_last(const struct ri_replay *rp);
/* Seconds between two ticks as replayed (recorded, or -d). */
double ri_replay_step_s(const struct ri_replay *rp);
const struct ri_rec_meta *ri_replay_meta(const struct ri_replay *rp);
const char *ri_replay_path(const struct ri_replay *rp);
/*
 * Unix times of the recorded transitions to firing within the part
 * replayed, in order, for the time bar's marks. The first call reads
 * the recording's record headers (none of its frames) and keeps them.
 */
size_t ri_replay_marks(struct ri_replay *rp, const double **v);
/* One line about damage in the recording, once; else NULL. */
const char *ri_replay_news(struct ri_replay *rp);

#endif /* RI_REPLAY_H */
