/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A synthetic machine for the recording's tests and its generator: a
 * deterministic stream of drains as a source would fill them (processes
 * and their threads, some busy and most idle, short-lived children that
 * appear only in the exited list, a process now and then that ends and
 * another that takes its PID, the machine's counters), its tasks made by
 * world.h's builders. Header-only.
 */
#ifndef RI_TEST_SYNTH_H
#define RI_TEST_SYNTH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world.h"

#define SYNTH_SEC SEC

struct synth {
	uint64_t rng;
	uint64_t now;     /* boot-time clock */
	double unix0;
	uint32_t next_pid;
	size_t nproc, nthr; /* threads per process */
	struct ri_task *t; /* nproc * nthr live tasks */
	uint32_t ncpu;
	struct ri_cpu_times cpu[4];
	uint64_t ctxt, forks, events;
	uint64_t net_rx, net_tx, net_rxp, net_txp;
	uint64_t tick;
};

static inline uint64_t synth_rand(struct synth *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

static inline void synth_proc(struct synth *s, size_t p)
{
	uint32_t pid = s->next_pid;
	size_t k;

	s->next_pid += (uint32_t)s->nthr + 1;
	for (k = 0; k < s->nthr; k++) {
		struct ri_task *t = &s->t[p * s->nthr + k];
		char comm[32]; /* task() keeps what fits a comm */

		snprintf(comm, sizeof(comm), k ? "worker-%zu" : "proc%zu", k ? k : p);
		*t = task((pid_t)(pid + k), (pid_t)pid, s->now - 1000, comm);
		t->cpu_ns = synth_rand(s) % 1000000000ULL;
		t->rss_pages = k ? 0 : 1000 + synth_rand(s) % 100000;
		t->vm_pages = k ? 0 : t->rss_pages * 4;
		t->uid = k ? 0 : (uint32_t)(synth_rand(s) % 3) * 1000;
		t->state = 'S';
		t->cgroup_id = k ? 0 : 4242;
	}
}

static inline void synth_init(struct synth *s, size_t nproc, size_t nthr,
			      uint64_t seed)
{
	size_t p;

	memset(s, 0, sizeof(*s));
	s->rng = seed | 1;
	s->now = 5000 * SYNTH_SEC;
	s->unix0 = 1764000000.0;
	s->next_pid = 1000;
	s->nproc = nproc;
	s->nthr = nthr;
	s->ncpu = 2;
	s->t = calloc(nproc * nthr, sizeof(*s->t));
	if (!s->t)
		exit(1);
	for (p = 0; p < nproc; p++)
		synth_proc(s, p);
}

static inline void synth_free(struct synth *s)
{
	free(s->t);
}

/*
 * The next tick, @step_ns later, into @d. Every task that ran moves its
 * counters; one in eight runs each tick. Every 7th tick a process ends
 * (its threads in the exited list) and a new one takes its place; each
 * tick a short-lived child appears exited only.
 */
static inline int synth_tick(struct synth *s, struct ri_drain *d,
			     uint64_t step_ns)
{
	size_t i, n = s->nproc * s->nthr;
	struct ri_machine *m = &d->machine;
	uint32_t c;

	s->now += step_ns;
	s->tick++;
	d->live.n = 0;
	d->exited.n = 0;
	if (s->tick % 7 == 0 && s->nproc > 1) {
		size_t p = (size_t)(synth_rand(s) % s->nproc), k;

		for (k = 0; k < s->nthr; k++)
			push(&d->exited, exited(s->t[p * s->nthr + k], s->now - 1000))
				->cpu_ns += 1234;
		synth_proc(s, p);
	}
	for (i = 0; i < n; i++) {
		struct ri_task *t = &s->t[i];

		if (synth_rand(s) % 8 == 0) {
			uint64_t ran = synth_rand(s) % step_ns;

			t->cpu_ns += ran;
			t->nvcsw += 1 + synth_rand(s) % 50;
			t->pcount += 1 + synth_rand(s) % 50;
			t->run_delay_ns += synth_rand(s) % 100000;
			t->cpu = (int32_t)(synth_rand(s) % s->ncpu);
			t->rchar += synth_rand(s) % 3 ? 0 : synth_rand(s) % 100000;
			t->state = synth_rand(s) % 4 ? 'S' : 'R';
		}
		push(&d->live, *t);
	}
	{
		pid_t pid = (pid_t)s->next_pid++;
		struct ri_task *x = push(&d->exited,
					 exited(task(pid, pid, s->now - step_ns / 2, "child"),
						s->now - step_ns / 4));

		x->cpu_ns = 300000 + synth_rand(s) % 1000;
		x->uid = 0; /* root's */
	}
	if (ri_machine_reserve(m, s->ncpu))
		return -1;
	m->ncpu = s->ncpu;
	m->ncpu_slots = s->ncpu;
	m->page_size = 4096;
	m->flags = RI_MACH_TASKS | RI_MACH_PSI | RI_MACH_NET;
	memset(&m->total, 0, sizeof(m->total));
	for (c = 0; c < s->ncpu; c++) {
		s->cpu[c].user += step_ns / 10 + synth_rand(s) % 1000000;
		s->cpu[c].system += step_ns / 50;
		s->cpu[c].idle += step_ns - step_ns / 10 - step_ns / 50;
		m->cpu[c] = s->cpu[c];
		m->cpu_online[c] = 1;
		m->total.user += s->cpu[c].user;
		m->total.system += s->cpu[c].system;
		m->total.idle += s->cpu[c].idle;
	}
	m->mem_total = 8ULL << 30;
	m->mem_free = (2ULL << 30) + synth_rand(s) % (1 << 20) * 4096;
	m->mem_available = m->mem_free + (1ULL << 30);
	m->load1 = 0.5 + (double)(synth_rand(s) % 100) / 100;
	m->load5 = 0.7;
	m->load15 = 0.9;
	m->uptime_ns = s->now;
	s->ctxt += 1000 + synth_rand(s) % 1000;
	s->forks += 1;
	m->ctxt = s->ctxt;
	m->forks = s->forks;
	/* The network without a draw of its own: the other figures stay put. */
	s->net_rx += 1500000 + (s->ctxt % 7) * 1000;
	s->net_rxp += 1100;
	s->net_tx += 250000;
	s->net_txp += 900;
	m->net_rx_bytes = s->net_rx;
	m->net_rx_packets = s->net_rxp;
	m->net_tx_bytes = s->net_tx;
	m->net_tx_packets = s->net_txp;
	m->nr_procs = (uint32_t)s->nproc;
	m->nr_threads = (uint32_t)n;
	m->psi[RI_PSI_CPU].some_us += synth_rand(s) % 1000;
	m->psi[RI_PSI_CPU].some_avg10 = (float)(synth_rand(s) % 100) / 10.0f;
	s->events += 2000;
	d->events = s->events;
	d->dropped = 0;
	d->clock_ns = s->now;
	d->unix_time = s->unix0 + (double)(s->now - 5000 * SYNTH_SEC) * 1e-9;
	return 0;
}

#endif /* RI_TEST_SYNTH_H */
