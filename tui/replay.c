// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The screen over a recording (-r): opening the replay, what it adds to
 * the main view (struct view_mode: its own key table, looked up before the
 * main one, only when replaying: t / T step one tick forward / back as in
 * atop, b jumps to a time, Space plays and pauses at the recorded pace, x
 * makes that x1, x10 or x60, [ and ] go to the recording's start and end;
 * the time bar under the header, the header's title, the footer's hints),
 * and the jump prompt. Everything else (the table, threads, the picker,
 * sorting, filter, search) is the live screen's, over the model the
 * replay feeds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay.h"
#include "timearg.h"
#include "view.h"

static const int speeds[] = { 1, 10, 60 };
#define NSPEEDS ((int)(sizeof(speeds) / sizeof(speeds[0])))

struct tui_replay {
	struct ri_replay *rp;
	int speed;    /* index into speeds */
	bool playing;
	/*
	 * Followed and keeping up: each frame shows as soon as it is read (a
	 * burst after a reconnection is caught up at once, never trailed at
	 * the recorded pace). A move back in time or a pause leaves it; the
	 * end reached again, or ], comes back to it.
	 */
	bool live;
};

/* Followed, playing and at the end: the screen shows each frame as it is written. */
static bool live(const struct tui_replay *r)
{
	return r->live && r->playing && ri_replay_following(r->rp);
}

static void pace(struct tui *v)
{
	struct tui_replay *r = v->replay;

	v->paused = !r->playing;
	v->delay = live(r) ? ri_replay_poll_s(r->rp) :
			     ri_replay_step_s(r->rp) / speeds[r->speed];
}

/* After a move in time: the rows point into the model's new nodes. */
/* A move into the past: paused there, no longer live. */
static void into_past(struct tui *v)
{
	struct tui_replay *r = v->replay;

	if (!r->live)
		return;
	r->live = r->playing = false;
	pace(v);
}

static enum ri_next moved(struct tui *v, int err)
{
	if (err && err != -ENODATA)
		tui_message(v, "replay: %s", strerror(-err));
	v->m = ri_monitor_model(v->mon);
	return NEXT_REBUILD;
}

int replay_open(struct tui *v, struct ri_replay *rp)
{
	const struct ri_opts *o = v->opts;
	struct tui_replay *r = calloc(1, sizeof(*r));
	const char *news;
	int ret;

	if (!r)
		return -ENOMEM;
	r->rp = rp;
	v->replay = r;
	/*
	 * The first tick on screen: at --from, or the recording's first;
	 * followed, its last, with the history that led there, and live.
	 */
	if (ri_replay_following(rp) && !o->from) {
		r->playing = r->live = true;
		ret = ri_replay_jump(r->rp, ri_replay_last(r->rp));
	} else {
		r->playing = r->live = ri_replay_following(rp);
		ret = o->from ? ri_replay_jump(r->rp, ri_replay_first(r->rp)) :
				ri_replay_forward(r->rp);
	}
	moved(v, ret);
	if ((news = ri_replay_news(r->rp)))
		tui_message(v, "%s", news);
	pace(v);
	tui_rebuild_rows(v);
	return 0;
}

void replay_close(struct tui *v)
{
	free(v->replay);
	v->replay = NULL;
}

int replay_tick(struct tui *v)
{
	struct tui_replay *r = v->replay;
	const char *news;
	int ret = ri_replay_forward(r->rp), i;

	/*
	 * Live, every frame that came is taken now (a burst after a
	 * reconnection, the history sent at the start): the screen shows
	 * the newest, never trails behind at the recorded pace.
	 */
	for (i = 0; r->live && ret == 0 && i < 1000; i++)
		ret = ri_replay_forward(r->rp);
	if (ret == -EAGAIN)
		ret = 0; /* followed: nothing written since */
	if (ri_replay_following(r->rp)) {
		if (r->playing && ri_replay_at_end(r->rp))
			r->live = true; /* caught up: from the recorded pace to live */
		pace(v);
	} else if (ret == -ENODATA || ri_replay_at_end(r->rp)) {
		if (r->playing)
			tui_message(v, "end of the recording");
		r->playing = false;
		pace(v);
		ret = 0;
	}
	if ((news = ri_replay_news(r->rp)))
		tui_message(v, "%s", news);
	return ret;
}

void replay_pace(struct tui *v)
{
	pace(v);
}

void replay_background(struct tui *v, struct tui_replay *r)
{
	const char *news;
	int i;

	/* As many frames as came, in one go: a host not shown has no pace. */
	for (i = 0; r->live && i < 1000 && ri_replay_forward(r->rp) == 0; i++)
		;
	while ((news = ri_replay_news(r->rp)))
		tui_message(v, "%s", news);
}

void replay_state(struct tui_replay *r, char *buf, size_t len)
{
	double age = tui_now_real() - ri_replay_last(r->rp);
	time_t t = (time_t)ri_replay_now(r->rp);
	struct tm tm;
	char at[16];

	localtime_r(&t, &tm);
	strftime(at, sizeof(at), "%H:%M:%S", &tm);
	/* Live, but nothing new for three ticks: the connection is likely down. */
	if (!live(r))
		snprintf(buf, len, "REPLAY %s", at);
	else if (age > 3 * ri_replay_step_s(r->rp) + 1)
		snprintf(buf, len, "no news %.0fs", age);
	else
		snprintf(buf, len, "LIVE");
}

/* The jump prompt's text, when Enter is pressed. */
static enum ri_next jump_to(struct tui *v, const char *text)
{
	struct tui_replay *r = v->replay;
	struct ri_when w;
	double t;

	if (!r || !text[0])
		return NEXT_NONE;
	if (ri_when_parse(text, &w)) {
		tui_message(v, "not a time: %s (HH:MM[:SS], YYYY-MM-DD HH:MM, -10m, +1h)",
			    text);
		return NEXT_REDRAW;
	}
	t = ri_when_resolve(&w, ri_replay_first(r->rp), ri_replay_last(r->rp));
	into_past(v);
	return moved(v, ri_replay_jump(r->rp, t));
}

static const struct prompt_def jump_def = {
	.label = "Jump to (HH:MM[:SS], YYYY-MM-DD HH:MM, -10m, +1h): ",
	.done = jump_to,
};

static enum ri_next a_forward(struct tui *v)
{
	struct tui_replay *r = v->replay;

	if (ri_replay_at_end(r->rp)) {
		tui_message(v, ri_replay_following(r->rp) ? "live: the last frame written" :
							     "end of the recording");
		return NEXT_REDRAW;
	}
	return moved(v, ri_replay_forward(r->rp));
}

static enum ri_next a_back(struct tui *v)
{
	struct tui_replay *r = v->replay;

	if (ri_replay_now(r->rp) <= ri_replay_first(r->rp) + 1e-6) {
		tui_message(v, "start of the recording");
		return NEXT_REDRAW;
	}
	into_past(v);
	return moved(v, ri_replay_back(r->rp));
}

static enum ri_next a_jump(struct tui *v)
{
	return prompt_open(v, &jump_def, NULL);
}

static enum ri_next a_play(struct tui *v)
{
	struct tui_replay *r = v->replay;

	r->playing = !r->playing && (!ri_replay_at_end(r->rp) || ri_replay_following(r->rp));
	r->live = r->playing && r->live;
	if (!r->playing && ri_replay_at_end(r->rp) && !ri_replay_following(r->rp))
		tui_message(v, "end of the recording");
	pace(v);
	return NEXT_REDRAW;
}

static enum ri_next a_speed(struct tui *v)
{
	struct tui_replay *r = v->replay;

	r->speed = (r->speed + 1) % NSPEEDS;
	pace(v);
	tui_message(v, "replay speed x%d", speeds[r->speed]);
	return NEXT_REDRAW;
}

static enum ri_next a_start(struct tui *v)
{
	struct tui_replay *r = v->replay;

	into_past(v);
	return moved(v, ri_replay_jump(r->rp, ri_replay_first(r->rp)));
}

static enum ri_next a_end(struct tui *v)
{
	struct tui_replay *r = v->replay;

	enum ri_next next;

	/* Followed, the end is live. */
	r->playing = r->live = ri_replay_following(r->rp);
	next = moved(v, ri_replay_jump(r->rp, ri_replay_last(r->rp)));
	pace(v);
	return next;
}

static enum ri_next a_delay(struct tui *v)
{
	tui_message(v, "in a replay x sets the speed; -d on the command line "
		       "makes the ticks coarser");
	return NEXT_REDRAW;
}

/* Keys of the replay, before the main table's; the help lists them too. */
static const struct action actions[] = {
	{ "Replay", "t", "one tick forward", a_forward, { 't' } },
	{ NULL, "T", "one tick back", a_back, { 'T' } },
	{ NULL, "b", "jump to a time (HH:MM[:SS], YYYY-MM-DD HH:MM, -10m, +1h)",
	  a_jump, { 'b' } },
	{ NULL, "Space", "play / pause at the recorded pace", a_play,
	  { ' ', 'Z' } },
	{ NULL, "x", "speed: x1, x10, x60", a_speed, { 'x' } },
	{ NULL, "[ ]", "start / end of the recording", a_start,
	  { '[', KEY_SHOME } },
	{ NULL, NULL, NULL, a_end, { ']', KEY_SEND } },
	{ NULL, NULL, NULL, a_delay, { 'd' } },
};

/* "resource_image REPLAY FILE  HH:MM:SS  every Ns  source " */
static void title(struct tui *v, const char *clock)
{
	struct tui_replay *r = v->replay;

	const struct ri_rec_meta *m = ri_replay_meta(r->rp);

	attrset(v->attr[R_HEADER] | A_BOLD);
	mvprintw(0, 0, "resource_image");
	/* Followed: LIVE at the end; in the past, the time the cursor is at. */
	attrset(v->attr[live(r) ? R_PICKED : R_WARNING] | A_BOLD);
	printw(live(r) ? " LIVE" : " REPLAY");
	attrset(v->attr[R_HEADER]);
	printw(" %s", ri_replay_path(r->rp));
	/* Followed: whose figures they are, when the path does not say. */
	if (ri_replay_following(r->rp) && m->host[0] && strcmp(m->host, ri_replay_path(r->rp)))
		printw(" (%s)", m->host);
	printw("  %s  every %gs  source ", clock, ri_replay_step_s(r->rp));
}

static void hms(char *b, size_t n, double s)
{
	long t = s > 0 && s < 1e8 ? (long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(b, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(b, n, "%02ld:%02ld", t / 60, t % 60);
}

/*
 * The time bar: the cursor's date and time, the time since the start of
 * the part replayed and its length, a bar of where the cursor is in it,
 * its first and last ticks' times, and whether it plays. A '!' marks
 * where the live run had an alert turn firing (the cursor's '|' wins
 * where they meet).
 */
static int bar_draw(struct tui *v, int y)
{
	struct tui_replay *r = v->replay;
	double first, last, now, f;
	char when[32], from[16], to[16], at[32], span[32], state[24];
	time_t t;
	struct tm tm;
	int w, i, pos, x;
	const double *marks;
	size_t nm, k;

	if (!r)
		return 0;
	first = ri_replay_first(r->rp);
	last = ri_replay_last(r->rp);
	now = ri_replay_now(r->rp);
	t = (time_t)now;
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	t = (time_t)first;
	localtime_r(&t, &tm);
	strftime(from, sizeof(from), "%H:%M:%S", &tm);
	t = (time_t)last;
	localtime_r(&t, &tm);
	strftime(to, sizeof(to), "%H:%M:%S", &tm);
	hms(at, sizeof(at), now - first);
	hms(span, sizeof(span), last - first);
	if (live(r))
		snprintf(state, sizeof(state), "live");
	else
		snprintf(state, sizeof(state), "%s x%d", r->playing ? "playing" : "paused",
			 speeds[r->speed]);
	f = last > first ? (now - first) / (last - first) : 1;
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	move(y, 0);
	attrset(v->attr[R_HEADER] | A_BOLD);
	printw("%s", when);
	attrset(v->attr[R_HEADER]);
	printw("  %s/%s  ", at, span);
	/* The bar takes what the text leaves. */
	w = COLS - getcurx(stdscr) - (int)(strlen(from) + strlen(to) + strlen(state) + 7);
	if (w >= 10) {
		pos = (int)(f * (w - 3) + 0.5);
		x = getcurx(stdscr);
		addch('[');
		for (i = 0; i < w - 2; i++)
			addch(i < pos ? '=' : ' ');
		addch(']');
		attrset(v->attr[R_WARNING] | A_BOLD);
		nm = ri_replay_marks(r->rp, &marks);
		for (k = 0; k < nm && last > first; k++) {
			double mf = (marks[k] - first) / (last - first);

			mvaddch(y, x + 1 + (int)(mf * (w - 3) + 0.5), '!');
		}
		attrset(v->attr[R_SELECTION] | A_BOLD);
		mvaddch(y, x + 1 + pos, '|');
		attrset(v->attr[R_HEADER]);
		move(y, x + w);
		printw(" %s..%s  ", from, to);
	}
	attrset(v->attr[r->playing ? R_PICKED : R_WARNING] | A_BOLD);
	addnstr(state, COLS - getcurx(stdscr));
	attrset(A_NORMAL);
	return 1;
}

static const struct fbar_hint hints[] = {
	{ "F1", "Help", KEY_F(1) },	{ "t/T", "Step", 't' },
	{ "b", "Jump", 'b' },		{ "Space", "Play", ' ' },
	{ "x", "Speed", 'x' },		{ "p", "Pick", 'p' },
	{ "Enter", "Threads", '\n' },	{ "F5", "Tree", KEY_F(5) },
	{ "<>", "Sort", '>' },		{ "q", "Quit", 'q' },
};

/* What the replay adds to the main view; its keys come before the main ones. */
const struct view_mode replay_mode = {
	.actions = actions,
	.nactions = sizeof(actions) / sizeof(actions[0]),
	.title = title,
	.bar_draw = bar_draw,
	.hints = hints,
	.nhints = (int)(sizeof(hints) / sizeof(hints[0])),
};
