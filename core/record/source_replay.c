// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The replay source: a recording's drains, fed to the model as a live
 * source would feed them. It reads one frame ahead, so it can tell the
 * monitor the choice in force at the next drain before that drain is
 * taken, and when the next frame is; with -d it merges frames into
 * coarser ticks (counters are cumulative: the later frame's values, and
 * the exits of every frame merged); it stops at --to; a choice made
 * during the replay narrows the recorded tasks here, with the kernel
 * filter's rule (a chosen tgid, or a leader with a chosen name); and it
 * lists the processes of the last frame for the picker.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"
#include "replay_priv.h"

/* Appends @n transitions to *@v (of *@len, room *@cap). */
static int push_events(struct ri_alert_transition **v, size_t *len, size_t *cap,
		       const struct ri_alert_transition *add, size_t n)
{
	if (*len + n > *cap) {
		size_t c = *cap ? *cap : 16;
		struct ri_alert_transition *p;

		while (c < *len + n)
			c *= 2;
		if (!(p = realloc(*v, c * sizeof(*p))))
			return -ENOMEM;
		*v = p;
		*cap = c;
	}
	if (n)
		memcpy(*v + *len, add, n * sizeof(*add));
	*len += n;
	return 0;
}

/* A frame followed in that has a transition to firing: a mark of its own. */
static void note_mark(struct ri_replay *s)
{
	double t = (double)s->next_us * 1e-6, *m;
	size_t i;

	for (i = 0; i < s->nnext_ev; i++)
		if (s->next_ev[i].to == RI_ALERT_FIRING)
			break;
	if (i == s->nnext_ev || (s->nmarks && s->marks[s->nmarks - 1] >= t))
		return;
	if (!(m = realloc(s->marks, (s->nmarks + 1) * sizeof(*m))))
		return;
	s->marks = m;
	s->marks[s->nmarks++] = t;
}

static void load_next(struct ri_replay *s)
{
	const struct ri_alert_transition *ev;
	size_t nev;

	s->have_next = ri_rec_read(s->rd, &s->next, &s->next_choice) == 0;
	/* The reader's copy lasts until its next read: keep the frame's. */
	s->nnext_ev = 0;
	nev = s->have_next ? ri_rec_events(s->rd, &ev) : 0;
	if (nev && push_events(&s->next_ev, &s->nnext_ev, &s->next_ev_cap, ev, nev))
		s->nnext_ev = 0; /* out of memory: the tick goes on without them */
	s->next_us = s->have_next ? (int64_t)(s->next.unix_time * 1e6) : INT64_MIN;
	if (s->have_next && s->next_us > s->o.to_us) {
		s->have_next = false;
		s->next_us = INT64_MIN;
	}
	/* Followed, the part replayed ends with the last frame written. */
	if (s->have_next && s->o.follow && (double)s->next_us * 1e-6 > s->last)
		s->last = (double)s->next_us * 1e-6;
	if (s->have_next && s->marks_done)
		note_mark(s);
}

/* At the end of a recording followed: a frame written since, if any. */
static bool more(struct ri_replay *s)
{
	if (!s->have_next && s->o.follow)
		load_next(s);
	return s->have_next;
}

static int append_tasks(struct ri_taskbuf *dst, const struct ri_taskbuf *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		struct ri_task *t = ri_taskbuf_push(dst);

		if (!t)
			return -ENOMEM;
		*t = src->v[i];
	}
	return 0;
}

static int copy_machine(struct ri_machine *dst, const struct ri_machine *src)
{
	struct ri_cpu_times *cpu;
	uint8_t *on;

	dst->ncpu_slots = dst->cpu ? dst->ncpu_slots : 0;
	if (ri_machine_reserve(dst, src->ncpu_slots))
		return -ENOMEM;
	cpu = dst->cpu;
	on = dst->cpu_online;
	*dst = *src;
	dst->cpu = cpu;
	dst->cpu_online = on;
	if (src->ncpu_slots) {
		memcpy(cpu, src->cpu, src->ncpu_slots * sizeof(*cpu));
		memcpy(on, src->cpu_online, src->ncpu_slots);
	}
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static bool has_pid(const pid_t *v, size_t n, pid_t p)
{
	return n && bsearch(&p, v, n, sizeof(*v), cmp_pid);
}

static bool name_chosen(const struct ri_replay *s, const char *comm)
{
	size_t i;

	for (i = 0; i < s->nnames; i++)
		if (!strncmp(s->names[i], comm, RI_COMM_LEN))
			return true;
	return false;
}

static int note_leaders(struct ri_replay *s, const struct ri_taskbuf *tb,
			bool for_names)
{
	size_t i;

	for (i = 0; i < tb->n; i++) {
		const struct ri_task *t = &tb->v[i];

		if (t->pid != t->tgid)
			continue;
		if (for_names) {
			if (!name_chosen(s, t->comm))
				continue;
			if (s->nby_name == s->by_name_cap) {
				size_t cap = s->by_name_cap ? s->by_name_cap * 2 : 64;
				pid_t *v = realloc(s->by_name, cap * sizeof(*v));

				if (!v)
					return -ENOMEM;
				s->by_name = v;
				s->by_name_cap = cap;
			}
			s->by_name[s->nby_name++] = (pid_t)t->tgid;
			continue;
		}
		if (s->nleaders == s->leaders_cap) {
			size_t cap = s->leaders_cap ? s->leaders_cap * 2 : 256;
			struct leader *v = realloc(s->leaders, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			s->leaders = v;
			s->leaders_cap = cap;
		}
		s->leaders[s->nleaders].pid = (pid_t)t->pid;
		s->leaders[s->nleaders].uid = t->uid;
		memcpy(s->leaders[s->nleaders].comm, t->comm, RI_COMM_LEN);
		s->leaders[s->nleaders].comm[RI_COMM_LEN - 1] = '\0';
		s->nleaders++;
	}
	return 0;
}

static bool keep(const struct ri_replay *s, const struct ri_task *t)
{
	if (has_pid(s->tgids, s->ntgids, (pid_t)t->tgid) ||
	    has_pid(s->by_name, s->nby_name, (pid_t)t->tgid))
		return true;
	/* A thread whose leader is not in this frame: its own name decides. */
	return t->pid != t->tgid && name_chosen(s, t->comm);
}

static void filter_tasks(struct ri_replay *s, struct ri_taskbuf *tb)
{
	size_t i, n = 0;

	for (i = 0; i < tb->n; i++)
		if (keep(s, &tb->v[i]))
			tb->v[n++] = tb->v[i];
	tb->n = n;
}

static int apply_filter(struct ri_replay *s, struct ri_drain *d)
{
	int err;

	s->nby_name = 0;
	if (s->nnames && ((err = note_leaders(s, &d->live, true)) ||
			  (err = note_leaders(s, &d->exited, true))))
		return err;
	if (s->nby_name)
		qsort(s->by_name, s->nby_name, sizeof(*s->by_name), cmp_pid);
	filter_tasks(s, &d->live);
	filter_tasks(s, &d->exited);
	return 0;
}

static int replay_drain(struct ri_source *src, struct ri_drain *d)
{
	struct ri_replay *s = (struct ri_replay *)src;
	int64_t taken;
	int err;

	if (!more(s))
		return s->o.follow && ri_rec_following(s->rd) ? -EAGAIN : -ENODATA;
	d->live.n = 0;
	d->exited.n = 0;
	s->ntick_ev = 0;
	for (;;) {
		d->live.n = 0;
		if ((err = push_events(&s->tick_ev, &s->ntick_ev, &s->tick_ev_cap,
				       s->next_ev, s->nnext_ev)) ||
		    (err = append_tasks(&d->live, &s->next.live)) ||
		    (err = append_tasks(&d->exited, &s->next.exited)) ||
		    (err = copy_machine(&d->machine, &s->next.machine)) ||
		    (err = ri_cg_table_copy(&d->cgroups, &s->next.cgroups)) ||
		    (err = ri_site_table_copy(&d->sites, &s->next.sites)))
			return err;
		d->dropped = s->next.dropped;
		d->events = s->next.events;
		d->clock_ns = s->next.clock_ns;
		d->unix_time = s->next.unix_time;
		taken = s->next_us;
		load_next(s);
		/*
		 * -d: take frames until the tick is long enough. A tenth
		 * short still counts, so a 5 s step over 1 s frames takes
		 * every fifth whatever the jitter of their clocks.
		 */
		if (s->o.every_s <= 0 || s->given_us == INT64_MIN || !s->have_next ||
		    (double)(taken - s->given_us) * 1e-6 >= s->o.every_s * 0.9)
			break;
	}
	s->given_us = taken;
	s->now_us = taken;
	s->nleaders = 0;
	if ((err = note_leaders(s, &d->live, false)))
		return err;
	return s->filter_on ? apply_filter(s, d) : 0;
}

static int replay_set_filter(struct ri_source *src, const struct ri_filter *f)
{
	struct ri_replay *s = (struct ri_replay *)src;
	pid_t *t = NULL;
	char(*n)[RI_COMM_LEN] = NULL;

	if (!f || (!f->ntgids && !f->nnames)) {
		s->filter_on = false;
		return 0;
	}
	if (f->ntgids && !(t = malloc(f->ntgids * sizeof(*t))))
		return -ENOMEM;
	if (f->nnames && !(n = malloc(f->nnames * sizeof(*n)))) {
		free(t);
		return -ENOMEM;
	}
	if (t) {
		memcpy(t, f->tgids, f->ntgids * sizeof(*t));
		qsort(t, f->ntgids, sizeof(*t), cmp_pid);
	}
	if (n)
		memcpy(n, f->names, f->nnames * sizeof(*n));
	free(s->tgids);
	free(s->names);
	s->tgids = t;
	s->ntgids = f->ntgids;
	s->names = n;
	s->nnames = f->nnames;
	s->filter_on = true;
	return 0;
}

/* The processes of the last frame, every one of them, for the picker. */
static int replay_proc_list(struct ri_source *src, struct ri_proc_list *out)
{
	struct ri_replay *s = (struct ri_replay *)src;
	size_t i;

	out->n = 0;
	out->v = calloc(s->nleaders ? s->nleaders : 1, sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	for (i = 0; i < s->nleaders; i++) {
		struct ri_proc_entry *e = &out->v[i];

		e->pid = s->leaders[i].pid;
		e->uid = s->leaders[i].uid;
		memcpy(e->comm, s->leaders[i].comm, RI_COMM_LEN);
		/* No command line is recorded: the name stands in. */
		e->cmdline = strdup(s->leaders[i].comm);
		if (!e->cmdline) {
			ri_proc_list_free(out);
			return -ENOMEM;
		}
		out->n++;
	}
	return 0;
}

static const struct ri_rec_choice *replay_choice(struct ri_source *src)
{
	struct ri_replay *s = (struct ri_replay *)src;

	return more(s) ? &s->next_choice : NULL;
}

static size_t replay_alerts(struct ri_source *src,
			    const struct ri_alert_transition **v)
{
	struct ri_replay *s = (struct ri_replay *)src;

	*v = s->tick_ev;
	return s->ntick_ev;
}

static void replay_close(struct ri_source *src)
{
	struct ri_replay *s = (struct ri_replay *)src;

	free(s->next_ev);
	free(s->tick_ev);
	free(s->marks);
	ri_rec_close(s->rd);
	ri_drain_free(&s->next);
	ri_rec_choice_free(&s->next_choice);
	free(s->tgids);
	free(s->names);
	free(s->by_name);
	free(s->leaders);
	free(s);
}

static const struct ri_source_ops replay_ops = {
	.name = "replay",
	.drain = replay_drain,
	.set_filter = replay_set_filter,
	.close = replay_close,
	.proc_list = replay_proc_list,
	.recorded_choice = replay_choice,
	.recorded_alerts = replay_alerts,
};

int ri_source_replay_open(struct ri_rec_reader *rd,
			  const struct ri_replay_src_opts *o,
			  struct ri_source **out, struct ri_replay **rp)
{
	struct ri_replay *s = calloc(1, sizeof(*s));
	const struct ri_rec_meta *m = ri_rec_meta(rd);

	if (!s) {
		ri_rec_close(rd);
		return -ENOMEM;
	}
	s->rd = rd;
	s->o = *o;
	s->given_us = INT64_MIN;
	/* What ran, as the header says; a damaged one leaves it unknown. */
	snprintf(s->name, sizeof(s->name), "%s", m->source[0] ? m->source : "unknown");
	snprintf(s->probe, sizeof(s->probe), "%s", m->probe[0] ? m->probe : "none");
	s->base.ops = &replay_ops;
	s->base.name = s->name;
	s->base.probe = s->probe;
	s->base.sees_short_lived = m->known ? m->sees_short_lived : true;
	load_next(s);
	*out = &s->base;
	*rp = s;
	return 0;
}

int ri_replay_src_seek(struct ri_replay *s, int64_t t_us)
{
	int err = ri_rec_seek(s->rd, t_us);

	s->given_us = INT64_MIN;
	load_next(s);
	return err;
}
