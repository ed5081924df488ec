// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Playing a recording (replay.h): opening it with --from, --to and -d
 * resolved against what it holds, a monitor primed with the frame before
 * the first tick, and moving the cursor through time for the TUI: a move
 * restarts the model a history's length before the target and ticks up
 * to it, so the sparklines and detail panels hold what they held live.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay_priv.h"
#include "timearg.h"

static void say_time(char *buf, size_t len, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/*
 * The recording's own step: the interval asked for, or, when the header
 * does not say, the first two frames' distance.
 */
static double recorded_step(struct ri_rec_reader *rd)
{
	const struct ri_rec_meta *m = ri_rec_meta(rd);
	int64_t a, b;
	struct ri_drain d = { 0 };
	double step = 1.0;

	/* A header's interval may be anything: a day at most keeps sums finite. */
	if (m->known && m->interval_s > 0)
		return m->interval_s < 86400 ? m->interval_s : 86400;
	ri_rec_seek(rd, INT64_MIN);
	a = ri_rec_peek_us(rd);
	if (a != INT64_MIN && ri_rec_read(rd, &d, NULL) == 0) {
		b = ri_rec_peek_us(rd);
		if (b != INT64_MIN && b > a)
			step = fmin(((double)b - (double)a) * 1e-6, 86400);
	}
	ri_drain_free(&d);
	return step;
}

/* --from, --to and -d against the recording. -EDOM: the user's to fix. */
static int resolve(const struct ri_replay_opts *o, struct ri_rec_reader *rd,
		   struct ri_replay_src_opts *so, double *from, double *to,
		   double *step, char *err, size_t errlen)
{
	double first = (double)ri_rec_first_us(rd) * 1e-6;
	double last = (double)ri_rec_last_us(rd) * 1e-6;
	char a[32], b[32];
	struct ri_when w;

	*from = first;
	*to = last;
	*step = recorded_step(rd);
	say_time(a, sizeof(a), first);
	say_time(b, sizeof(b), last);
	if (o->from && !ri_when_parse(o->from, &w))
		*from = ri_when_resolve(&w, first, last);
	if (o->to && !ri_when_parse(o->to, &w))
		*to = ri_when_resolve(&w, first, last);
	if (*from > last + 1e-6) {
		snprintf(err, errlen, "--from %s: after the recording's end "
				      "(it holds %s to %s)", o->from, a, b);
		return -EDOM;
	}
	if (*to < first - 1e-6 || *to < *from) {
		snprintf(err, errlen, "--to %s: before %s (the recording holds %s to %s)",
			 o->to, *to < first ? "the recording's start" : "--from", a, b);
		return -EDOM;
	}
	if (o->every_s > 0 && o->every_s < *step * 0.9) {
		snprintf(err, errlen, "-d %g: in a replay -d may only coarsen, and "
				      "this recording has a tick every %g s",
			 o->every_s, *step);
		return -EDOM;
	}
	so->every_s = o->every_s > 0 ? o->every_s : 0;
	so->to_us = o->to ? (int64_t)(*to * 1e6) : INT64_MAX;
	if (o->every_s > 0)
		*step = o->every_s;
	if (*from < first)
		*from = first;
	if (*to > last)
		*to = last;
	return 0;
}

int ri_replay_open(const struct ri_replay_opts *o, struct ri_source **out,
		   struct ri_replay **rpp, char *err, size_t errlen)
{
	struct ri_replay_src_opts so = { 0 };
	struct ri_rec_reader *rd;
	struct ri_source *src;
	struct ri_replay *rp;
	double from, to, step;
	int ret;

	if (o->reader)
		rd = o->reader, ret = 0;
	else if (!strcmp(o->path, "-"))
		ret = ri_rec_open_stream(o->stream_fd >= 0 ? o->stream_fd : dup(0), &rd,
					 err, errlen);
	else if (!(ret = ri_rec_open(o->path, &rd, err, errlen)) && o->follow)
		ri_rec_follow(rd);
	if (ret)
		return ret;
	so.follow = o->follow || !strcmp(o->path, "-") || o->reader;
	if ((ret = resolve(o, rd, &so, &from, &to, &step, err, errlen))) {
		ri_rec_close(rd);
		return ret;
	}
	if ((ret = ri_source_replay_open(rd, &so, &src, &rp))) {
		snprintf(err, errlen, "out of memory");
		return ret;
	}
	rp->first = from;
	rp->last = to;
	rp->step_s = step;
	snprintf(rp->path, sizeof(rp->path), "%s",
		 o->reader || strcmp(o->path, "-") ? o->path : "standard input");
	/*
	 * The frame before --from is the starting point of the first tick;
	 * a file followed starts at its last frame, as tail -f does (its
	 * past is a rewind away), a stream at its first.
	 */
	if (!o->from && o->follow && strcmp(o->path, "-") && !o->reader)
		from = to;
	ri_replay_src_seek(rp, o->from || (o->follow && strcmp(o->path, "-") && !o->reader) ?
				       (int64_t)(from * 1e6) : INT64_MIN);
	if (!rp->have_next) {
		const char *d = ri_rec_damage(rd);

		snprintf(err, errlen, "%s", d ? d : "");
		snprintf(err + strlen(err), errlen - strlen(err), "%sno frame of %s can be read",
			 d ? "; " : "", rp->path);
		ri_source_close(src);
		return -EINVAL;
	}
	*out = src;
	*rpp = rp;
	return 0;
}

void ri_replay_start(struct ri_replay *rp, struct ri_monitor *mon)
{
	rp->mon = mon;
	/*
	 * The part replayed starts at the first tick: the frame after the
	 * prime; followed, the time bar spans all that was written before.
	 */
	if (rp->have_next && !rp->o.follow)
		rp->first = (double)rp->next_us * 1e-6;
}

/*
 * Restarts the model a history's length before @start_us, then ticks
 * while @more says so (at least once, when there is a frame).
 */
static int replay_to(struct ri_replay *rp, int64_t start_us,
		     bool (*more)(const struct ri_replay *, int64_t), int64_t t_us)
{
	int64_t back = (int64_t)(rp->step_s * 1e6) * RI_HIST_LEN;
	int err;

	/* A damaged file's times may be anything: saturate, never overflow. */
	ri_replay_src_seek(rp, start_us < INT64_MIN + back ? INT64_MIN : start_us - back);
	if ((err = ri_monitor_restart(rp->mon)))
		return err;
	do {
		if (!rp->have_next)
			break;
		if ((err = ri_monitor_tick(rp->mon)))
			return err;
	} while (more(rp, t_us));
	return 0;
}

/* The cursor is on the first tick at or after t. */
static bool before_target(const struct ri_replay *rp, int64_t t_us)
{
	return rp->have_next && rp->now_us < t_us;
}

/* The next tick would still be before t. */
static bool next_before(const struct ri_replay *rp, int64_t t_us)
{
	return rp->have_next && rp->next_us < t_us;
}

int ri_replay_jump(struct ri_replay *rp, double t)
{
	int64_t t_us;

	if (t < rp->first)
		t = rp->first;
	if (t > rp->last)
		t = rp->last;
	t_us = (int64_t)(t * 1e6);
	return replay_to(rp, t_us, before_target, t_us);
}

int ri_replay_back(struct ri_replay *rp)
{
	int64_t now = rp->now_us;

	if ((double)now * 1e-6 <= rp->first + 1e-6)
		return ri_replay_jump(rp, rp->first);
	/* With -d a tick spans several frames: go one step back in time. */
	if (rp->o.every_s > 0)
		return ri_replay_jump(rp, (double)now * 1e-6 - rp->o.every_s);
	return replay_to(rp, now, next_before, now);
}

int ri_replay_forward(struct ri_replay *rp)
{
	if (!rp->have_next && !ri_replay_following(rp))
		return -ENODATA;
	return ri_monitor_tick(rp->mon);
}

bool ri_replay_following(const struct ri_replay *rp)
{
	return rp->o.follow && ri_rec_following(rp->rd);
}

double ri_replay_poll_s(const struct ri_replay *rp)
{
	/* A fifth of a tick: a frame shows well within the tick it was written in. */
	return fmax(0.02, fmin(rp->step_s / 5, 0.25));
}

bool ri_replay_at_end(const struct ri_replay *rp)
{
	return !rp->have_next;
}

double ri_replay_now(const struct ri_replay *rp)
{
	return (double)rp->now_us * 1e-6;
}

double ri_replay_first(const struct ri_replay *rp)
{
	return rp->first;
}

double ri_replay_last(const struct ri_replay *rp)
{
	return rp->last;
}

double ri_replay_step_s(const struct ri_replay *rp)
{
	return rp->step_s;
}

const struct ri_rec_meta *ri_replay_meta(const struct ri_replay *rp)
{
	return ri_rec_meta(rp->rd);
}

const char *ri_replay_path(const struct ri_replay *rp)
{
	return rp->path;
}

const char *ri_replay_news(struct ri_replay *rp)
{
	return ri_rec_damage(rp->rd);
}

size_t ri_replay_marks(struct ri_replay *rp, const double **v)
{
	const int64_t *us;
	size_t n, i;

	if (!rp->marks_done && ri_rec_firing_times(rp->rd, &us, &n) == 0) {
		rp->marks_done = true;
		rp->marks = n ? malloc(n * sizeof(*rp->marks)) : NULL;
		for (i = 0; rp->marks && i < n; i++) {
			double t = (double)us[i] * 1e-6;

			/* --from and --to: only what the bar spans. */
			if (t >= rp->first - 1e-6 && t <= rp->last + 1e-6)
				rp->marks[rp->nmarks++] = t;
		}
	}
	*v = rp->marks;
	return rp->nmarks;
}
