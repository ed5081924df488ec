// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of a thread drain summed into process records
 * (core/sources/drain_procs.c): the sums and the thread count, the leader's identity
 * wherever it comes in the walk, a process named by a thread when its
 * leader is a zombie, a thread whose exit is in the same drain left out
 * of the sums (its exit counts it), a drain of processes passed as it is,
 * and the buffers reused from tick to tick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "check.h"
#include "world.h"

/*
 * Thread @pid of process @tgid as a source reads it, its counters after
 * @cpu_ms of CPU; a leader with its process's memory and cgroup.
 */
static struct ri_task thr(uint32_t pid, uint32_t tgid, uint64_t cpu_ms, const char *comm)
{
	struct ri_task t = task((pid_t)pid, (pid_t)tgid, 1000 * MS + tgid, comm);

	t.cpu_ns = cpu_ms * MS;
	t.rchar = 10 * cpu_ms;
	t.wchar = 20 * cpu_ms;
	t.read_bytes = 4096;
	t.write_bytes = 8192;
	t.nvcsw = 3;
	t.nivcsw = 1;
	t.run_delay_ns = cpu_ms * 1000;
	t.pcount = 7;
	t.rss_pages = 50;
	t.state = 'S';
	if (pid == tgid) {
		t.vm_pages = 900;
		t.cgroup_id = 42;
	}
	return t;
}

static const struct ri_task *find(const struct ri_drain *d, uint32_t tgid)
{
	size_t i;

	for (i = 0; i < d->live.n; i++)
		if (d->live.v[i].tgid == tgid)
			return &d->live.v[i];
	return NULL;
}

static void test_sums_and_identity(void)
{
	struct ri_drain in = { 0 };
	const struct ri_drain *out;
	const struct ri_task *a, *b;
	struct ri_drain_procs f = { 0 };

	/* Threads of two processes interleaved; a's leader after a thread. */
	push(&in.live, thr(11, 10, 5, "a-worker"));
	push(&in.live, thr(20, 20, 7, "b"));
	push(&in.live, thr(10, 10, 100, "a"));
	push(&in.live, thr(21, 20, 1, "b-io"));
	push(&in.live, thr(12, 10, 30, "a-worker"));
	in.machine.nr_threads = 5;
	in.unix_time = 123.5;
	CHECK_EQ(ri_drain_procs_sum(&f, &in, &out), 0);
	CHECK(out != &in);
	CHECK(out->per_process);
	CHECK_EQ(out->live.n, 2);
	CHECK(out->unix_time == 123.5);
	CHECK_EQ(out->machine.nr_threads, 5);
	a = find(out, 10);
	b = find(out, 20);
	CHECK(a && b);
	if (!a || !b)
		return;
	CHECK_U64(a->cpu_ns, 135 * MS);
	CHECK_U64(a->rchar, 1350);
	CHECK_U64(a->wchar, 2700);
	CHECK_U64(a->read_bytes, 3 * 4096);
	CHECK_U64(a->write_bytes, 3 * 8192);
	CHECK_U64(a->nvcsw, 9);
	CHECK_U64(a->nivcsw, 3);
	CHECK_U64(a->run_delay_ns, 135 * 1000);
	CHECK_U64(a->pcount, 21);
	CHECK_EQ(a->nthreads, 3);
	CHECK_EQ(a->pid, 10);
	CHECK_U64(a->start_ns, 1000 * MS + 10);
	CHECK(a->flags & RI_F_PROC);
	CHECK(!strcmp(a->comm, "a"));
	CHECK_EQ(a->ppid, 1);
	CHECK_EQ(a->uid, 1000);
	CHECK_U64(a->vm_pages, 900);
	CHECK_U64(a->cgroup_id, 42);
	CHECK_U64(a->rss_pages, 50);
	CHECK_U64(b->cpu_ns, 8 * MS);
	CHECK_EQ(b->nthreads, 2);
	CHECK(!strcmp(b->comm, "b"));

	/* The next tick reuses the buffers: a new sum, not an added one. */
	in.live.n = 0;
	push(&in.live, thr(10, 10, 200, "a"));
	CHECK_EQ(ri_drain_procs_sum(&f, &in, &out), 0);
	CHECK_EQ(out->live.n, 1);
	CHECK_U64(out->live.v[0].cpu_ns, 200 * MS);
	CHECK_EQ(out->live.v[0].nthreads, 1);
	ri_drain_procs_free(&f);
	ri_drain_free(&in);
}

static void test_exit_in_the_same_drain(void)
{
	struct ri_drain in = { 0 };
	const struct ri_drain *out;
	const struct ri_task *a;
	struct ri_drain_procs f = { 0 };
	struct ri_task e;

	push(&in.live, thr(10, 10, 100, "a"));
	push(&in.live, thr(11, 10, 40, "a-worker"));
	/* 11 died after the walk read it: its exit has its last counters. */
	push(&in.exited, exited(thr(11, 10, 41, "a-worker"), 5000 * MS));
	/* A PID reused: 12's exit is of an older task of that number. */
	push(&in.live, thr(12, 10, 3, "a-worker"));
	e = thr(12, 10, 9, "a-old");
	e.start_ns -= 1;
	push(&in.exited, exited(e, 5000 * MS));
	/* A process whose one thread died after the walk: left to its exit. */
	push(&in.live, thr(30, 30, 2, "brief"));
	push(&in.exited, exited(thr(30, 30, 3, "brief"), 5000 * MS));
	CHECK_EQ(ri_drain_procs_sum(&f, &in, &out), 0);
	CHECK_EQ(out->live.n, 1);
	CHECK(out->exited.v == in.exited.v && out->exited.n == 3);
	a = find(out, 10);
	CHECK(a && a->cpu_ns == 103 * MS);
	CHECK(a && a->nthreads == 2);
	CHECK(!find(out, 30));
	/*
	 * A walk that read its exits first (bpf) never has a thread in both:
	 * an exit of the same PID is an older task's, and nothing is left out.
	 */
	in.exits_first = true;
	CHECK_EQ(ri_drain_procs_sum(&f, &in, &out), 0);
	CHECK_EQ(out->live.n, 2);
	a = find(out, 10);
	CHECK(a && a->cpu_ns == 143 * MS && a->nthreads == 3);
	a = find(out, 30);
	CHECK(a && a->cpu_ns == 2 * MS && a->nthreads == 1);
	ri_drain_procs_free(&f);
	ri_drain_free(&in);
}

/* Threads of two processes in turns (a source in PID order) sum apart. */
static void test_interleaved_threads(void)
{
	struct ri_drain in = { 0 };
	const struct ri_drain *out;
	const struct ri_task *a;
	struct ri_drain_procs f = { 0 };

	push(&in.live, thr(10, 10, 1, "a"));
	push(&in.live, thr(11, 20, 10, "b-worker"));
	push(&in.live, thr(12, 10, 100, "a-worker"));
	push(&in.live, thr(20, 20, 1000, "b"));
	push(&in.live, thr(21, 10, 10000, "a-worker"));
	CHECK_EQ(ri_drain_procs_sum(&f, &in, &out), 0);
	CHECK_EQ(out->live.n, 2);
	a = find(out, 10);
	CHECK(a && a->cpu_ns == 10101 * MS && a->nthreads == 3 && !strcmp(a->comm, "a"));
	a = find(out, 20);
	CHECK(a && a->cpu_ns == 1010 * MS && a->nthreads == 2 && !strcmp(a->comm, "b"));
	ri_drain_procs_free(&f);
	ri_drain_free(&in);
}

static void test_zombie_leader(void)
{
	struct ri_drain in = { 0 };
	const struct ri_drain *out;
	struct ri_drain_procs f = { 0 };

	/* The walk skips a zombie leader: a thread names the process. */
	push(&in.live, thr(41, 40, 6, "z-worker"));
	push(&in.live, thr(42, 40, 4, "z-worker"));
	CHECK_EQ(ri_drain_procs_sum(&f, &in, &out), 0);
	CHECK_EQ(out->live.n, 1);
	CHECK_EQ(out->live.v[0].pid, 40);
	CHECK_EQ(out->live.v[0].tgid, 40);
	CHECK_U64(out->live.v[0].start_ns, 1000 * MS + 40);
	CHECK_U64(out->live.v[0].cpu_ns, 10 * MS);
	CHECK_EQ(out->live.v[0].nthreads, 2);
	ri_drain_procs_free(&f);
	ri_drain_free(&in);
}

static void test_processes_pass(void)
{
	struct ri_drain in = { 0 };
	const struct ri_drain *out = NULL;
	struct ri_drain_procs f = { 0 };

	push(&in.live, whole(thr(10, 10, 100, "a"), 4));
	in.per_process = true;
	CHECK_EQ(ri_drain_procs_sum(&f, &in, &out), 0);
	CHECK(out == &in);

	/* Many processes: the table grows past its first size. */
	in.per_process = false;
	in.live.n = 0;
	for (uint32_t i = 0; i < 5000; i++)
		push(&in.live, thr(100 + i, 100 + (i / 4) * 4, 1, "many"));
	CHECK_EQ(ri_drain_procs_sum(&f, &in, &out), 0);
	CHECK_EQ(out->live.n, 1250);
	CHECK(find(out, 100 + 4 * 1249) && find(out, 100 + 4 * 1249)->nthreads == 4);
	ri_drain_procs_free(&f);
	ri_drain_free(&in);
}

int main(void)
{
	test_sums_and_identity();
	test_exit_in_the_same_drain();
	test_interleaved_threads();
	test_zombie_leader();
	test_processes_pass();
	return check_report("test_drain_procs");
}
