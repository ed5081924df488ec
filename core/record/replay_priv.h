/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The state of a replay, shared by its source (source_replay.c) and its
 * player (replay.c), and seen by nobody else.
 */
#ifndef RI_REPLAY_PRIV_H
#define RI_REPLAY_PRIV_H

#include "replay.h"

struct leader {
	pid_t pid;
	uid_t uid;
	char comm[RI_COMM_LEN];
};

/* The source's options. */
struct ri_replay_src_opts {
	double every_s; /* merge frames into ticks at least this long; 0: each frame */
	int64_t to_us;  /* no frame after this; INT64_MAX: to the end */
	bool follow;    /* at the end, look again for a frame written since */
};

struct ri_replay {
	struct ri_source base;
	struct ri_replay_src_opts o;
	struct ri_rec_reader *rd;
	struct ri_monitor *mon;
	char name[16], probe[16];

	/* The frame ahead. */
	struct ri_drain next;
	struct ri_rec_choice next_choice;
	bool have_next;
	int64_t next_us;
	struct ri_alert_transition *next_ev; /* the frame ahead's transitions */
	size_t nnext_ev, next_ev_cap;
	/* The last tick's: of every frame merged into it, in order. */
	struct ri_alert_transition *tick_ev;
	size_t ntick_ev, tick_ev_cap;
	double *marks;    /* ri_replay_marks: once listed */
	size_t nmarks;
	bool marks_done;

	int64_t now_us;   /* of the last frame drained */
	int64_t given_us; /* of the last tick given; INT64_MIN after a seek */

	/* A choice made during the replay. */
	bool filter_on;
	pid_t *tgids;     /* sorted */
	size_t ntgids;
	char (*names)[RI_COMM_LEN];
	size_t nnames;
	pid_t *by_name;   /* tgids whose leader has a chosen name, this drain */
	size_t nby_name, by_name_cap;

	struct leader *leaders; /* of the last frame, unfiltered */
	size_t nleaders, leaders_cap;

	/* The player's (replay.c). */
	double first, last;  /* Unix times of the part replayed */
	double step_s;       /* between two ticks */
	char path[4096];
};

/* A replay source over @rd (which it owns from now on). */
int ri_source_replay_open(struct ri_rec_reader *rd,
			  const struct ri_replay_src_opts *o,
			  struct ri_source **out, struct ri_replay **rp);
/* The next drain is the last frame before @t_us (the first when none). */
int ri_replay_src_seek(struct ri_replay *rp, int64_t t_us);

#endif /* RI_REPLAY_PRIV_H */
