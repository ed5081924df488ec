// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Several hosts on one screen (--remote, repeated): each its own session,
 * monitor and replay; the screen shows one at a time. Tab and Shift-Tab
 * switch (the rows rebuilt over that host's model), and O opens the
 * summary, an overlay of one line per host: whether it is live, its CPU
 * and memory, its busiest process and its firing alerts; Enter there
 * shows the host under the cursor. The hosts not shown keep up with
 * their streams on every tick of the screen, so a switch shows them as
 * they are, and the summary is current.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "view.h"

static const struct overlay summary_overlay;

void hosts_switch(struct tui *v, int i)
{
	struct tui_host *h;

	if (v->nhosts < 2 || i == v->host)
		return;
	v->hosts[v->host].replay = v->replay;
	v->host = (i + v->nhosts) % v->nhosts;
	h = &v->hosts[v->host];
	v->mon = h->mon;
	v->m = ri_monitor_model(v->mon);
	v->replay = h->replay;
	v->info = h->info;
	v->top = 0;
	replay_pace(v);
	tui_rebuild_rows(v);
	tui_message(v, "host %s (%d of %d; Tab: the next, O: all of them)", h->name,
		    v->host + 1, v->nhosts);
}

void hosts_keep_up(struct tui *v)
{
	int i;

	for (i = 0; i < v->nhosts; i++)
		if (i != v->host)
			replay_background(v, v->hosts[i].replay);
}

static enum ri_next one_host(struct tui *v)
{
	tui_message(v, "one host: give --remote several times to switch between them");
	return NEXT_REDRAW;
}

static enum ri_next hosts_next(struct tui *v)
{
	if (v->nhosts < 2)
		return one_host(v);
	hosts_switch(v, v->host + 1);
	return NEXT_REDRAW;
}

static enum ri_next hosts_prev(struct tui *v)
{
	if (v->nhosts < 2)
		return one_host(v);
	hosts_switch(v, v->host - 1);
	return NEXT_REDRAW;
}

static enum ri_next hosts_summary(struct tui *v)
{
	if (v->nhosts < 2)
		return one_host(v);
	v->host_sel = v->host;
	overlay_push(v, &summary_overlay);
	return NEXT_REDRAW;
}

/* The process with the most CPU in @m's last tick, or NULL. */
static const struct ri_proc *busiest(const struct ri_model *m)
{
	const struct ri_proc *b = NULL;
	size_t i;

	for (i = 0; i < m->nprocs; i++)
		if (!m->procs[i]->exited && (!b || m->procs[i]->fig.cpu_pct > b->fig.cpu_pct))
			b = m->procs[i];
	return b;
}

static void human(char *buf, size_t len, double bytes)
{
	static const char units[] = "BKMGTP";
	int u = 0;

	while (bytes >= 1024 && u < 5) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%c" : "%.0f%c", bytes, units[u]);
}

static void summary_draw(struct tui *v)
{
	char line[512], mem[48], used[16], total[16], busy[64], state[32], al[160];
	int i, y = 2;

	snprintf(line, sizeof(line), "Hosts: %d   Up/Down choose, Enter shows it, Esc or O returns",
		 v->nhosts);
	put_str(0, 0, COLS, line, v->attr[R_HEADER] | A_BOLD, false);
	snprintf(line, sizeof(line), " %-20s %-16s %7s %-18s %-28s %s", "HOST", "STATE", "CPU%",
		 "MEM", "BUSIEST", "ALERTS");
	put_str(1, 0, COLS, line, v->attr[R_TITLE], false);
	for (i = 0; i < v->nhosts && y < LINES; i++, y++) {
		const struct tui_host *h = &v->hosts[i];
		const struct ri_model *m = ri_monitor_model(h->mon);
		const struct ri_alerts *a = ri_monitor_alerts(h->mon);
		const struct ri_alert *f = a ? ri_alerts_newest_firing(a) : NULL;
		const struct ri_proc *b = busiest(m);
		struct tui_replay *r = i == v->host ? v->replay : h->replay;
		size_t nf = a ? ri_alerts_firing(a) : 0;

		replay_state(r, state, sizeof(state));
		human(used, sizeof(used), (double)m->totals.mem_used);
		human(total, sizeof(total), (double)m->totals.mem_total);
		snprintf(mem, sizeof(mem), "%s/%s", used, total);
		if (b)
			snprintf(busy, sizeof(busy), "%d %.15s %.1f%%", b->pid, b->comm, b->fig.cpu_pct);
		else
			snprintf(busy, sizeof(busy), "-");
		if (nf && f)
			snprintf(al, sizeof(al), "%zu firing: %d %.15s", nf, f->pid, f->comm);
		else
			snprintf(al, sizeof(al), "%zu firing", nf);
		/* Busy of all the CPUs, as the header says it. */
		snprintf(line, sizeof(line), "%c%-20.20s %-16.16s %7.1f %-18s %-28.28s %s",
			 i == v->host ? '*' : ' ', h->name, state,
			 m->ncpu > 0 ? m->totals.cpu_pct / m->ncpu : m->totals.cpu_pct, mem, busy,
			 al);
		put_str(y, 0, COLS, line,
			i == v->host_sel ? v->attr[R_SELECTION] :
			nf ? (int)(v->attr[R_WARNING] | A_BOLD) : v->attr[R_NORMAL], false);
	}
}

static enum ri_next summary_key(struct tui *v, int ch)
{
	switch (ch) {
	case KEY_UP: case 'k':
		v->host_sel = v->host_sel > 0 ? v->host_sel - 1 : 0;
		return NEXT_REDRAW;
	case KEY_DOWN: case 'j':
		v->host_sel = v->host_sel + 1 < v->nhosts ? v->host_sel + 1 : v->host_sel;
		return NEXT_REDRAW;
	case '\n': case '\r': case KEY_ENTER:
		overlay_pop(v, &summary_overlay);
		hosts_switch(v, v->host_sel);
		return NEXT_REDRAW;
	case '\t':
		hosts_switch(v, v->host + 1);
		v->host_sel = v->host;
		return NEXT_REDRAW;
	case 'q': case KEY_F(10):
		return NEXT_QUIT;
	case 27: case 'O':
		overlay_pop(v, &summary_overlay);
		return NEXT_REDRAW;
	default:
		return NEXT_NONE;
	}
}

static enum ri_next summary_click(struct tui *v, int y, int x)
{
	(void)x;
	if (y < 2 || y - 2 >= v->nhosts)
		return NEXT_NONE;
	v->host_sel = y - 2;
	return summary_key(v, '\n');
}

static const struct overlay summary_overlay = {
	.name = "hosts",
	.flags = OVERLAY_FULL,
	.draw = summary_draw,
	.key = summary_key,
	.click = summary_click,
};

static const struct action actions[] = {
	{ "Hosts (--remote, repeated)", "Tab S-Tab", "the next, the previous host",
	  hosts_next, { '\t' } },
	{ NULL, NULL, NULL, hosts_prev, { KEY_BTAB } },
	{ NULL, "O", "all hosts: live or not, CPU, memory, busiest, alerts",
	  hosts_summary, { 'O' } },
};

const struct view_mode *hosts_mode(void)
{
	static struct view_mode m;

	m = replay_mode;
	m.more = actions;
	m.nmore = sizeof(actions) / sizeof(actions[0]);
	return &m;
}
