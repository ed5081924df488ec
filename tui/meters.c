// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The header's meters, htop's way: a bar per CPU (user, system, and
 * iowait + steal in their own colours), memory (used, buffers and cache)
 * and swap on the left; tasks, load averages, uptime, pressure (PSI
 * "some", the kernel's 10 s average) and the network's rates on the right. Every figure is the
 * model's machine figure (m->machine), so it came through the source and
 * a recording replays the header as it was.
 *
 * It fits what there is: one CPU per line while the lines allow, then
 * the CPUs in two or four columns, then a summary bar with one glyph per
 * CPU; on a short screen two lines of summary, or nothing (the header's
 * own line still says CPU and memory).
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "view.h"

#define MAX_TEXT 5 /* text meters on the right */

struct seg {
	double frac; /* of the bar */
	int role;
};

const char *meter_name(unsigned bit)
{
	switch (bit) {
	case METER_CPUS: return "CPUs";
	case METER_MEMORY: return "memory";
	case METER_SWAP: return "swap";
	case METER_TASKS: return "tasks";
	case METER_LOAD: return "load average";
	case METER_UPTIME: return "uptime";
	case METER_PSI: return "pressure (PSI)";
	case METER_NET: return "network";
	}
	return "?";
}

static int cpu_role(double busy)
{
	return busy < 30 ? R_CPU_LOW : busy < 70 ? R_CPU_MID : R_CPU_HIGH;
}

/*
 * "LBL[|||||     text]" in @w cells at (@y, @x): the segments in their
 * colours, the text over the bar's right end, as htop draws it.
 */
static void bar(struct tui *v, int y, int x, int w, const char *label,
		const struct seg *s, int ns, const char *text)
{
	int lw = (int)strlen(label), bw = w - lw - 2, i, k, filled = 0, tl;
	double acc = 0;

	if (bw < 1)
		return;
	attrset(v->attr[R_HEADER] | A_BOLD);
	mvaddstr(y, x, label);
	attrset(A_BOLD);
	addch('[');
	for (k = 0; k < ns; k++) {
		int upto;

		acc += s[k].frac > 0 ? s[k].frac : 0;
		upto = (int)floor((acc > 1 ? 1 : acc) * bw + 0.5);
		attrset(v->attr[s[k].role]);
		for (; filled < upto; filled++)
			addch('|');
	}
	attrset(A_NORMAL);
	for (i = filled; i < bw; i++)
		addch(' ');
	attrset(A_BOLD);
	addch(']');
	tl = (int)strlen(text);
	if (tl <= bw) {
		attrset(filled > bw - tl ? (int)A_BOLD : v->attr[R_EXITED]);
		mvaddstr(y, x + lw + 1 + bw - tl, text);
	}
	attrset(A_NORMAL);
}

static void cpu_bar(struct tui *v, int y, int x, int w, const char *label,
		    const struct ri_cpu_fig *c)
{
	struct seg s[3] = {
		{ c->user / 100, R_CPU_LOW },
		{ c->system / 100, R_CPU_HIGH },
		{ (c->iowait + c->steal) / 100, R_EXITED },
	};
	char t[16];

	snprintf(t, sizeof(t), "%.1f%%", c->busy);
	bar(v, y, x, w, label, s, 3, t);
}

static void mem_bar(struct tui *v, int y, int x, int w)
{
	const struct ri_machine_fig *f = &v->m->machine;
	double tot = f->mem_total ? (double)f->mem_total : 1;
	uint64_t cache = f->buffers + f->cached;
	uint64_t used = f->mem_used;
	struct seg s[2] = {
		{ used / tot, R_MEMORY },
		/* What MemAvailable counts as reclaimable shows apart from use. */
		{ (double)(cache > f->mem_total - used ? 0 : cache) / tot, R_TREE },
	};
	char a[16], b[16], t[40];

	snprintf(t, sizeof(t), "%s/%s", ri_fmt_bytes(a, sizeof(a), (double)used, 5),
		 ri_fmt_bytes(b, sizeof(b), (double)f->mem_total, 5));
	bar(v, y, x, w, "Mem", s, 2, t);
}

static void swap_bar(struct tui *v, int y, int x, int w)
{
	const struct ri_machine_fig *f = &v->m->machine;
	struct seg s = { f->swap_total ? (double)f->swap_used / f->swap_total : 0,
			 R_WARNING };
	char a[16], b[16], t[40];

	snprintf(t, sizeof(t), "%s/%s",
		 ri_fmt_bytes(a, sizeof(a), (double)f->swap_used, 5),
		 ri_fmt_bytes(b, sizeof(b), (double)f->swap_total, 5));
	bar(v, y, x, w, "Swp", &s, 1, t);
}

/* The right column's lines; returns how many. */
static int text_meters(struct tui *v, char out[MAX_TEXT][160])
{
	const struct ri_machine_fig *f = &v->m->machine;
	int n = 0;

	if ((v->meters & METER_TASKS) && f->tasks_known)
		snprintf(out[n++], 160, "Tasks: %u, %u thr, %u kthr; %u running",
			 f->nr_procs, f->nr_threads, f->nr_kthreads, f->nr_running);
	if (v->meters & METER_LOAD)
		snprintf(out[n++], 160, "Load average: %.2f %.2f %.2f", f->load[0],
			 f->load[1], f->load[2]);
	if (v->meters & METER_UPTIME) {
		long s = (long)f->uptime_s, d = s / 86400;

		if (d)
			snprintf(out[n++], 160, "Uptime: %ld day%s, %02ld:%02ld:%02ld", d,
				 d == 1 ? "" : "s", s % 86400 / 3600, s % 3600 / 60, s % 60);
		else
			snprintf(out[n++], 160, "Uptime: %02ld:%02ld:%02ld", s / 3600,
				 s % 3600 / 60, s % 60);
	}
	if ((v->meters & METER_PSI) && f->has_psi)
		snprintf(out[n++], 160, "PSI some: cpu %.2f%% mem %.2f%% io %.2f%%",
			 f->psi_some_avg10[RI_PSI_CPU], f->psi_some_avg10[RI_PSI_MEM],
			 f->psi_some_avg10[RI_PSI_IO]);
	/* From the first tick on, so the header does not grow a line later. */
	if ((v->meters & METER_NET) && f->net_known) {
		char rx[16], tx[16];

		snprintf(out[n++], 160, "Network: rx %s/s tx %s/s (%.0f/%.0f pkt/s)",
			 ri_fmt_rate(rx, sizeof(rx), f->net_rx_bps, 1),
			 ri_fmt_rate(tx, sizeof(tx), f->net_tx_bps, 1), f->net_rx_pps,
			 f->net_tx_pps);
	}
	return n;
}

static void text_line(struct tui *v, int y, int x, int w, const char *s)
{
	const char *colon = strchr(s, ':');
	int k = colon ? (int)(colon - s) + 1 : 0;

	if (w <= 0)
		return;
	attrset(v->attr[R_HEADER] | A_BOLD);
	mvaddnstr(y, x, s, k < w ? k : w);
	attrset(A_BOLD);
	if (k < w)
		addnstr(s + k, w - k);
	attrset(A_NORMAL);
}

/* Online CPU ids, in order. */
static int online_cpus(const struct ri_machine_fig *f, int *ids, int max)
{
	int n = 0;
	uint32_t i;

	for (i = 0; i < f->ncpu_slots && n < max; i++)
		if (f->cpu_online && f->cpu_online[i])
			ids[n++] = (int)i;
	return n;
}

/* One glyph per CPU by how busy it was: many CPUs on one line. */
static void cpu_strip(struct tui *v, int y, int x, int w, const int *ids, int n,
		      int from)
{
	static const char *const blocks[9] = { " ", "▁", "▂", "▃", "▄",
					       "▅", "▆", "▇", "█" };
	static const char *const ascii[9] = { " ", ".", ":", "-", "=",
					      "+", "*", "#", "@" };
	const struct ri_machine_fig *f = &v->m->machine;
	int k;

	attrset(v->attr[R_HEADER] | A_BOLD);
	mvprintw(y, x, "%4d ", ids[from]);
	for (k = from; k < n && k - from < w - 5; k++) {
		double b = f->cpu[ids[k]].busy;
		int lv = b > 0 ? 1 + (int)floor(b / 100 * 7 + 0.5) : 0;

		if (lv > 8)
			lv = 8;
		attrset(v->attr[cpu_role(b)]);
		addstr((v->utf8 ? blocks : ascii)[lv]);
	}
	attrset(A_NORMAL);
}

/*
 * Below the CPU meters on the left from line @k: memory and swap; on the
 * right from line @ty: the text meters.
 */
static void mem_swap_text(struct tui *v, int y, int k, int lw, bool mem,
			  bool swap, char (*text)[160], int nt, int ty, int rx)
{
	int i;

	if (mem)
		mem_bar(v, y + k++, 0, lw);
	if (swap)
		swap_bar(v, y + k++, 0, lw);
	for (i = 0; i < nt; i++)
		text_line(v, y + ty + i, rx, COLS - rx, text[i]);
}

int meters_draw(struct tui *v, int y, int h)
{
	const struct ri_machine_fig *f = &v->m->machine;
	char text[MAX_TEXT][160], label[16];
	int ids[RI_MAX_CPUS], n = 0, nt, left, half = COLS / 2, lw, rx, i, k;
	int cols = 1, per, lines, strip = 0;
	bool cpus = v->meters & METER_CPUS, mem = v->meters & METER_MEMORY,
	     swap = v->meters & METER_SWAP;

	if (h < 2 || !v->m->tick)
		return 0;
	if (cpus)
		n = online_cpus(f, ids, RI_MAX_CPUS);
	nt = text_meters(v, text);
	left = mem + swap;
	lw = half - 1;
	rx = half + 1;
	/* The layout that shows most and fits: 1, 2, 4 CPU columns, a strip. */
	for (;;) {
		per = (n + cols - 1) / cols;
		if (cols == 1)
			lines = per + left > nt ? per + left : nt;
		else
			lines = per + (left > nt ? left : nt);
		if (lines <= h || cols == 4 || (cols == 2 && COLS < 100))
			break;
		cols *= 2;
	}
	if (lines > h && n) {
		/* Summary: the average bar, then one glyph per CPU. */
		strip = (n + (COLS - 6) - 1) / (COLS - 6);
		lines = (1 + left > nt ? 1 + left : nt) + strip;
		if (lines > h) {
			/* Short screen: the average, memory, the first text meters. */
			cpu_bar(v, y, 0, lw, "CPU", &f->all);
			if (mem)
				mem_bar(v, y + 1, 0, lw);
			for (i = 0; i < nt && i < 2; i++)
				text_line(v, y + i, rx, COLS - rx, text[i]);
			return 2;
		}
		cpu_bar(v, y, 0, lw, "CPU", &f->all);
		mem_swap_text(v, y, 1, lw, mem, swap, text, nt, 0, rx);
		k = lines - strip;
		for (i = 0; i < strip; i++)
			cpu_strip(v, y + k + i, 0, COLS, ids, n, i * (COLS - 6));
		return lines;
	}
	if (cols == 1) {
		for (i = 0; i < n; i++) {
			snprintf(label, sizeof(label), "%3d", ids[i]);
			cpu_bar(v, y + i, 0, lw, label, &f->cpu[ids[i]]);
		}
		mem_swap_text(v, y, n, lw, mem, swap, text, nt, 0, rx);
		return lines;
	}
	for (i = 0; i < n; i++) {
		int c = i / per, w = (COLS - (cols - 1)) / cols;

		snprintf(label, sizeof(label), "%3d", ids[i]);
		cpu_bar(v, y + i % per, c * (w + 1), w, label, &f->cpu[ids[i]]);
	}
	mem_swap_text(v, y, per, lw, mem, swap, text, nt, per, rx);
	return lines;
}
