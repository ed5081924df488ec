// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The machine's figures over the last interval, from two of its
 * snapshots: CPU shares per CPU and in all, memory and swap, load, tasks,
 * pressure. Pure arithmetic on what the source delivered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

static uint64_t span(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;
}

static uint64_t times_total(const struct ri_cpu_times *t)
{
	/* guest and guest_nice are already in user and nice. */
	return t->user + t->nice + t->system + t->idle + t->iowait + t->irq +
	       t->softirq + t->steal;
}

/* Shares of @b - @a in %, all zero when the counters did not advance. */
static void cpu_fig(struct ri_cpu_fig *f, const struct ri_cpu_times *a,
		    const struct ri_cpu_times *b)
{
	uint64_t ta = times_total(a), tb = times_total(b);
	uint64_t idle_a = a->idle + a->iowait, idle_b = b->idle + b->iowait;
	double total, k;

	memset(f, 0, sizeof(*f));
	/* A CPU brought back online restarts its counters: no figure then. */
	if (tb <= ta || idle_b < idle_a || tb - idle_b < ta - idle_a)
		return;
	total = (double)(tb - ta);
	k = 100.0 / total;
	f->busy = (double)((tb - idle_b) - (ta - idle_a)) * k;
	f->user = (double)(span(a->user, b->user) + span(a->nice, b->nice)) * k;
	f->system = (double)(span(a->system, b->system) + span(a->irq, b->irq) +
			     span(a->softirq, b->softirq)) * k;
	f->iowait = (double)span(a->iowait, b->iowait) * k;
	f->steal = (double)span(a->steal, b->steal) * k;
}

/* Keeps a deep copy of @src in @dst (the per-CPU arrays are the drain's). */
static int machine_copy(struct ri_machine *dst, const struct ri_machine *src)
{
	struct ri_cpu_times *cpu = dst->cpu;
	uint8_t *on = dst->cpu_online;
	uint32_t cap = dst->ncpu_slots;

	if (src->ncpu_slots > cap || (src->ncpu_slots && !cpu)) {
		cpu = realloc(cpu, src->ncpu_slots * sizeof(*cpu));
		if (!cpu)
			return -ENOMEM;
		dst->cpu = cpu;
		on = realloc(on, src->ncpu_slots);
		if (!on)
			return -ENOMEM;
		dst->cpu_online = on;
	}
	*dst = *src;
	dst->cpu = cpu;
	dst->cpu_online = on;
	dst->ncpu_slots = src->ncpu_slots;
	if (src->ncpu_slots) {
		memcpy(cpu, src->cpu, src->ncpu_slots * sizeof(*cpu));
		memcpy(on, src->cpu_online, src->ncpu_slots);
	}
	return 0;
}

static int fig_reserve(struct ri_machine_fig *f, uint32_t slots, uint32_t *cap)
{
	struct ri_cpu_fig *c;

	if (slots <= *cap)
		return 0;
	c = realloc(f->cpu, slots * sizeof(*c));
	if (!c)
		return -ENOMEM;
	f->cpu = c;
	*cap = slots;
	return 0;
}

int ri_machine_update(struct ri_model *m, const struct ri_machine *now, double dt)
{
	struct ri_model_priv *p = m->priv;
	const struct ri_machine *was = &p->last_machine;
	struct ri_machine_fig *f = &m->machine;
	bool prev = p->machine_primed;
	uint32_t i;
	int r;

	if ((r = fig_reserve(f, now->ncpu_slots, &p->machine_fig_cap)))
		return r;
	f->ncpu = (int)now->ncpu;
	f->ncpu_slots = now->ncpu_slots;
	f->cpu_online = NULL;
	memset(&f->all, 0, sizeof(f->all));
	if (f->cpu && f->ncpu_slots)
		memset(f->cpu, 0, f->ncpu_slots * sizeof(*f->cpu));
	if (prev) {
		cpu_fig(&f->all, &was->total, &now->total);
		for (i = 0; i < now->ncpu_slots && i < was->ncpu_slots; i++)
			if (now->cpu_online[i] && was->cpu_online[i])
				cpu_fig(&f->cpu[i], &was->cpu[i], &now->cpu[i]);
	}
	f->mem_total = now->mem_total;
	f->mem_available = now->mem_available;
	f->mem_free = now->mem_free;
	f->mem_used = now->mem_total > now->mem_available ?
			      now->mem_total - now->mem_available : 0;
	f->buffers = now->buffers;
	f->cached = now->cached + now->sreclaimable;
	f->swap_total = now->swap_total;
	f->swap_used = now->swap_total > now->swap_free ?
			       now->swap_total - now->swap_free : 0;
	f->load[0] = now->load1;
	f->load[1] = now->load5;
	f->load[2] = now->load15;
	f->uptime_s = (double)now->uptime_ns * 1e-9;
	f->tasks_known = now->flags & RI_MACH_TASKS;
	f->nr_running = now->nr_running;
	f->nr_blocked = now->nr_blocked;
	f->nr_procs = now->nr_procs;
	f->nr_threads = now->nr_threads;
	f->nr_kthreads = now->nr_kthreads;
	f->ctxt_ps = prev && dt > 0 ? (double)span(was->ctxt, now->ctxt) / dt : 0;
	f->forks_ps = prev && dt > 0 ? (double)span(was->forks, now->forks) / dt : 0;
	f->has_psi = now->flags & RI_MACH_PSI;
	for (i = 0; i < RI_PSI_COUNT; i++) {
		const struct ri_psi *a = &was->psi[i], *b = &now->psi[i];
		bool ok = f->has_psi && prev && (was->flags & RI_MACH_PSI) && dt > 0;
		double us = dt * 1e6;

		f->psi_some[i] = ok ? (double)span(a->some_us, b->some_us) * 100.0 / us : 0;
		f->psi_full[i] = ok ? (double)span(a->full_us, b->full_us) * 100.0 / us : 0;
		if (f->psi_some[i] > 100)
			f->psi_some[i] = 100;
		if (f->psi_full[i] > 100)
			f->psi_full[i] = 100;
		f->psi_some_avg10[i] = f->has_psi ? b->some_avg10 : 0;
	}
	/*
	 * An interface that goes away takes its counters out of the sum:
	 * span() makes that interval 0 rather than a wrapped huge rate.
	 */
	f->net_known = now->flags & RI_MACH_NET;
	f->has_net = prev && dt > 0 && (now->flags & RI_MACH_NET) &&
		     (was->flags & RI_MACH_NET);
	f->net_rx_bps = f->has_net ? (double)span(was->net_rx_bytes, now->net_rx_bytes) / dt : 0;
	f->net_tx_bps = f->has_net ? (double)span(was->net_tx_bytes, now->net_tx_bytes) / dt : 0;
	f->net_rx_pps = f->has_net ?
				(double)span(was->net_rx_packets, now->net_rx_packets) / dt : 0;
	f->net_tx_pps = f->has_net ?
				(double)span(was->net_tx_packets, now->net_tx_packets) / dt : 0;
	if ((r = machine_copy(&p->last_machine, now)))
		return r;
	f->cpu_online = p->last_machine.cpu_online;
	p->machine_primed = true;
	return 0;
}

void ri_machine_free(struct ri_model *m)
{
	free(m->machine.cpu);
	free(m->priv->last_machine.cpu);
	free(m->priv->last_machine.cpu_online);
}
