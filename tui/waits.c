// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The "waits" lines of a detail panel: where the process's threads are
 * blocked now, grouped ("6 in futex_do_wait <- futex, 2 in ep_poll <-
 * epoll_wait"), and the threads holding the locks the others wait for.
 * Nothing for a process with no site known (a source that reads none,
 * a recording made without them).
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "view.h"

#define WAITS_LINES 2 /* of sites; a line of lock holders after them */
#define LABEL_W 8
#define MAX_GROUPS 64

struct waits_text {
	char line[WAITS_LINES + 1][512];
	int n;
	int holders; /* the line of lock holders, -1: none */
	bool hot;    /* a deadlock: that line drawn as a warning */
};

/* Appends @s to the lines, a new one when it would pass @w columns. */
static void add(struct waits_text *t, int w, const char *s, bool sep)
{
	char *l = t->n ? t->line[t->n - 1] : NULL;
	size_t len = l ? strlen(l) : 0, sl = strlen(s);

	if (!l || (len && len + 2 + sl > (size_t)w)) {
		if (t->n == WAITS_LINES)
			return;
		l = t->line[t->n++];
		l[0] = '\0';
		len = 0;
		sep = false;
	}
	snprintf(l + len, sizeof(t->line[0]) - len, "%s%s", sep && len ? ", " : "", s);
}

/* The holders of the locks its threads wait for, most waited for first. */
static void holders(struct waits_text *t, const struct tui *v, const struct ri_proc *p)
{
	pid_t who[8];
	int n[8], nh = 0, i;
	char l[512], name[RI_COMM_LEN + 1];
	size_t o;

	for (const struct ri_thread *u = p->threads; u; u = u->next) {
		if (u->exited || u->wait_state != RI_ST_LOCK + 1 || !u->lock_holder)
			continue;
		for (i = 0; i < nh && who[i] != u->lock_holder; i++)
			;
		if (i == nh) {
			if (nh == 8)
				continue;
			who[nh] = u->lock_holder;
			n[nh++] = 0;
		}
		n[i]++;
	}
	if (!nh)
		return;
	o = (size_t)snprintf(l, sizeof(l), "lock holders:");
	for (i = 0; i < nh && o < sizeof(l); i++) {
		const struct ri_thread *h = NULL;

		for (const struct ri_thread *u = p->threads; u; u = u->next)
			if (u->tid == who[i] && !u->exited)
				h = u;
		name[0] = '\0';
		if (h)
			ri_printable(name, sizeof(name), h->comm, RI_COMM_LEN);
		o += (size_t)snprintf(l + o, sizeof(l) - o, "%s %d%s%s %s %d waiting%s", i ? "," : "",
				      (int)who[i], name[0] ? " " : "", name, v->utf8 ? "←" : "<-",
				      n[i], h && h->deadlocked ? " DEADLOCK" : "");
	}
	t->holders = t->n;
	snprintf(t->line[t->n++], sizeof(t->line[0]), "%s", l);
}

static void waits_build(const struct tui *v, const struct ri_proc *p, struct waits_text *t)
{
	struct ri_site_group g[MAX_GROUPS];
	const struct ri_site *s;
	size_t n, ng;
	int w = COLS - LABEL_W;

	t->n = 0;
	t->holders = -1;
	t->hot = p->deadlocked;
	if (!v->m->sites.known || p->exited)
		return;
	s = ri_site_table_proc(&v->m->sites, (uint32_t)p->pid, &n);
	ng = ri_site_group(s, n, g, MAX_GROUPS);
	for (size_t i = 0; i < ng; i++) {
		char site[RI_SITE_LEN + 40], item[RI_SITE_LEN + 64];

		ri_site_text(site, sizeof(site), g[i].fn, g[i].nr, v->utf8 ? "←" : "<-");
		snprintf(item, sizeof(item), "%u %s %s", g[i].threads,
			 g[i].threads == 1 ? "thread in" : "threads in", site);
		if (i)
			snprintf(item, sizeof(item), "%u in %s", g[i].threads, site);
		add(t, w, item, true);
	}
	if (ng)
		holders(t, v, p);
}

int waits_lines(const struct tui *v, const struct ri_proc *p)
{
	struct waits_text t;

	waits_build(v, p, &t);
	return t.n;
}

int waits_draw(struct tui *v, const struct ri_proc *p, int y)
{
	struct waits_text t;

	waits_build(v, p, &t);
	for (int i = 0; i < t.n; i++) {
		if (!i)
			put_str(y, 0, LABEL_W, "waits", v->attr[R_NORMAL] | A_BOLD, false);
		put_str(y + i, LABEL_W, COLS - LABEL_W, t.line[i],
			v->attr[t.hot && i == t.holders ? R_WARNING : R_NORMAL], false);
	}
	return t.n;
}
