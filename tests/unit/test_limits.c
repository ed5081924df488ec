// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of what processes can run out of: the parsers of
 * /proc/PID/cgroup, limits and status and of every cgroup file read, on
 * v2 and v1 text; the reader over a fake /proc and a fake cgroup v2 tree
 * (two processes of one cgroup share one entry read once, a process
 * whose files are gone is marked unknown); the model's headroom and
 * time to exhaustion from drains (a steady leak meets its limit when the
 * line says, a sawtooth gets no time, a cgroup's throttling and OOM
 * kills per interval); and the recording of all of it, older recordings
 * replaying with the limits unknown.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "limits_read.h"
#include "record_priv.h"
#include "rows.h"
#include "check.h"
#include "world.h"

static char root[256];

static void put(const char *rel, const char *fmt, ...)
{
	char path[512], dir[512], *slash;
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = dir + strlen(root) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static uint64_t cgf(const struct ri_cgroup *cg, int f)
{
	return *(const uint64_t *)((const char *)cg + ri_cg_fields[f].off);
}

static void test_parsers(void)
{
	struct ri_cg_paths p;
	struct ri_cgroup cg;
	uint64_t v, swap;
	uint32_t nspid;

	/* A hybrid host: v1 controllers, v2 with none of them. */
	CHECK_EQ(ri_parse_proc_cgroup("12:pids:/ri/a\n9:memory:/ri/a\n"
				      "4:cpu,cpuacct:/ri/b\n1:name=systemd:/x.scope\n0::/x.scope\n",
				      &p),
		 0);
	CHECK_STR(p.v2, "/x.scope");
	CHECK_STR(p.mem, "memory/ri/a");
	CHECK_STR(p.pids, "pids/ri/a");
	CHECK_STR(p.cpu, "cpu,cpuacct/ri/b");
	/* cpuacct alone is not cpu. */
	CHECK_EQ(ri_parse_proc_cgroup("3:cpuacct:/q\n", &p), 0);
	CHECK_STR(p.cpu, "");
	/* v2 only. */
	CHECK_EQ(ri_parse_proc_cgroup("0::/system.slice/web.service\n", &p), 0);
	CHECK_STR(p.v2, "/system.slice/web.service");
	CHECK_STR(p.mem, "");
	/* Bad lines are errors, never half a result taken for whole. */
	CHECK_EQ(ri_parse_proc_cgroup("garbage\n", &p), -EINVAL);
	CHECK_EQ(ri_parse_proc_cgroup("0:memory\n", &p), -EINVAL);
	CHECK_EQ(ri_parse_proc_cgroup("7::/x\n", &p), -EINVAL);
	CHECK_EQ(ri_parse_proc_cgroup("0::/../../etc\n", &p), -EINVAL);

	CHECK_EQ(ri_parse_nofile("Limit                     Soft Limit           Hard Limit           Units\n"
				 "Max open files            1024                 524288               files\n",
				 &v),
		 0);
	CHECK_U64(v, 1024);
	CHECK_EQ(ri_parse_nofile("x\nMax open files            unlimited            unlimited            files\n",
				 &v),
		 0);
	CHECK_U64(v, RI_CG_NONE);
	CHECK_EQ(ri_parse_nofile("Max processes 10 10\n", &v), -EINVAL);
	CHECK_EQ(ri_parse_nofile("x\nMax open files   lots\n", &v), -EINVAL);

	CHECK_EQ(ri_parse_status_limits("Name:\tx\nNSpid:\t4242\t7\t1\nVmSwap:\t    12 kB\n",
					&swap, &nspid),
		 0);
	CHECK_U64(swap, 12 * 1024);
	CHECK_EQ(nspid, 1);
	CHECK_EQ(ri_parse_status_limits("Name:\tx\nNSpid:\t4242\n", &swap, &nspid), 0);
	CHECK_EQ(nspid, 0);
	CHECK_U64(swap, 0);
	CHECK_EQ(ri_parse_status_limits("Name:\tx\nVmSwap:\tmany kB\n", &swap, &nspid), -EINVAL);

	memset(&cg, 0, sizeof(cg));
	CHECK_EQ(ri_parse_cg_file("memory.max", "max\n", &cg), 0);
	CHECK_U64(cg.mem_max, RI_CG_NONE);
	CHECK_EQ(ri_parse_cg_file("memory.limit_in_bytes", "9223372036854771712\n", &cg), 0);
	CHECK_U64(cg.mem_max, RI_CG_NONE);
	CHECK_EQ(ri_parse_cg_file("memory.limit_in_bytes", "268435456\n", &cg), 0);
	CHECK_U64(cg.mem_max, 268435456);
	CHECK_EQ(ri_parse_cg_file("cpu.max", "max 100000\n", &cg), 0);
	CHECK_U64(cg.cpu_quota_us, RI_CG_NONE);
	CHECK_EQ(ri_parse_cg_file("cpu.max", "20000 100000\n", &cg), 0);
	CHECK_U64(cg.cpu_quota_us, 20000);
	CHECK_U64(cg.cpu_period_us, 100000);
	CHECK_EQ(ri_parse_cg_file("cpu.cfs_quota_us", "-1\n", &cg), 0);
	CHECK_U64(cg.cpu_quota_us, RI_CG_NONE);
	CHECK_EQ(ri_parse_cg_file("cpu.stat", "usage_usec 5\nnr_periods 40\nnr_throttled 10\n"
				  "throttled_usec 2500\nnr_bursts 0\n", &cg), 0);
	CHECK_U64(cg.nr_periods, 40);
	CHECK_U64(cg.nr_throttled, 10);
	CHECK_U64(cg.throttled_ns, 2500000);
	CHECK_EQ(ri_parse_cg_file("cpu.stat", "nr_periods 41\nnr_throttled 11\n"
				  "throttled_time 123456789\n", &cg), 0);
	CHECK_U64(cg.throttled_ns, 123456789);
	CHECK_EQ(ri_parse_cg_file("memory.events", "low 0\nhigh 3\nmax 7\noom 2\noom_kill 1\n"
				  "oom_group_kill 0\n", &cg), 0);
	CHECK_U64(cg.ev_high, 3);
	CHECK_U64(cg.ev_max, 7);
	CHECK_U64(cg.ev_oom, 2);
	CHECK_U64(cg.ev_oom_kill, 1);
	CHECK_EQ(ri_parse_cg_file("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n"
				  "oom_kill 4\n", &cg), 0);
	CHECK_U64(cg.ev_oom_kill, 4);
	CHECK_EQ(ri_parse_cg_file("memory.pressure",
				  "some avg10=0.00 avg60=0.00 avg300=0.00 total=77\n"
				  "full avg10=0.00 avg60=0.00 avg300=0.00 total=55\n", &cg), 0);
	CHECK_U64(cg.psi_mem_some_us, 77);
	CHECK_U64(cg.psi_mem_full_us, 55);
	CHECK(cg.have & (1u << RI_CGF_psi_mem_full_us));
	CHECK(!(cg.have & (1u << RI_CGF_psi_cpu_some_us)));
	CHECK_EQ(ri_parse_cg_file("pids.max", "lots\n", &cg), -EINVAL);
	CHECK_EQ(ri_parse_cg_file("cpu.stat", "nr_periods x\n", &cg), -EINVAL);
	CHECK_EQ(ri_parse_cg_file("memory.pressure", "some avg10=0.00\n", &cg), -EINVAL);
	CHECK_EQ(ri_parse_cg_file("no.such.file", "1\n", &cg), -EINVAL);
}

/* A fake /proc and a fake cgroup v2 tree under one temporary directory. */
static void test_reader(void)
{
	char proc[300], cgr[300];
	struct ri_limits_reader *r;
	struct ri_drain d = { 0 };
	const struct ri_cgroup *cg;
	struct ri_task *a, *b, *c, *t;
	static const char limits[] =
		"Limit                     Soft Limit           Hard Limit           Units\n"
		"Max open files            %d                 4096               files\n";

	snprintf(root, sizeof(root), "/tmp/ri-limits-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(1);
	}
	put("proc/sys/kernel/threads-max", "123456\n");
	for (int pid = 100; pid <= 200; pid += 100) {
		char rel[64];

		snprintf(rel, sizeof(rel), "proc/%d/limits", pid);
		put(rel, limits, pid == 100 ? 64 : 1024);
		snprintf(rel, sizeof(rel), "proc/%d/status", pid);
		put(rel, "Name:\tapp\nNSpid:\t%d\t%d\nVmSwap:\t  8 kB\n", pid, pid / 100);
		snprintf(rel, sizeof(rel), "proc/%d/cgroup", pid);
		put(rel, "0::/app.slice/web.service\n");
		for (int fd = 0; fd < pid / 25; fd++) {
			snprintf(rel, sizeof(rel), "proc/%d/fd/%d", pid, fd);
			put(rel, "");
		}
	}
	put("cg/cgroup.controllers", "memory pids cpu\n");
	put("cg/app.slice/web.service/memory.current", "1048576\n");
	put("cg/app.slice/web.service/memory.max", "4194304\n");
	put("cg/app.slice/web.service/memory.high", "max\n");
	put("cg/app.slice/web.service/memory.events", "high 0\nmax 2\noom 1\noom_kill 1\n");
	put("cg/app.slice/web.service/pids.current", "7\n");
	put("cg/app.slice/web.service/pids.max", "max\n");
	put("cg/app.slice/web.service/cpu.max", "50000 100000\n");
	put("cg/app.slice/web.service/cpu.stat", "nr_periods 10\nnr_throttled 5\nthrottled_usec 7\n");
	/* A damaged file stays unread; the others are read. */
	put("cg/app.slice/web.service/cpu.pressure", "garbage\n");
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(cgr, sizeof(cgr), "%s/cg", root);
	CHECK_EQ(ri_limits_reader_open(&r, proc, cgr), 0);

	a = push(&d.live, task(100, 100, SEC, "app"));
	b = push(&d.live, task(101, 100, SEC, "app"));
	c = push(&d.live, task(200, 200, SEC, "app"));
	t = push(&d.live, task(300, 300, SEC, "gone"));
	(void)a, (void)b, (void)c, (void)t;
	CHECK_EQ(ri_limits_read(r, &d), 0);
	a = &d.live.v[0], b = &d.live.v[1], c = &d.live.v[2], t = &d.live.v[3];
	CHECK_U64(a->nfds, 4);
	CHECK_U64(a->fd_limit, 64);
	CHECK_U64(a->swap_bytes, 8192);
	CHECK_EQ(a->nspid, 1);
	CHECK(!(a->flags & RI_F_NO_LIMITS));
	CHECK_U64(c->nfds, 8);
	CHECK_EQ(c->nspid, 2);
	/* A thread after its leader repeats what does not move, no more. */
	CHECK_U64(b->fd_limit, 64);
	CHECK_U64(b->cg_key, a->cg_key);
	CHECK_U64(b->nfds, 0);
	CHECK(!(b->flags & RI_F_NO_LIMITS));
	CHECK(t->flags & RI_F_NO_LIMITS);
	CHECK_U64(d.cgroups.threads_max, 123456);
	CHECK(d.cgroups.known);
	/* One cgroup, one entry, whatever number of processes share it. */
	CHECK_EQ(d.cgroups.n, 1);
	CHECK(a->cg_key && a->cg_key == c->cg_key);
	cg = ri_cg_table_find(&d.cgroups, a->cg_key);
	CHECK(cg != NULL);
	if (cg) {
		CHECK_STR(cg->path, "/app.slice/web.service");
		CHECK(!(cg->flags & RI_CG_V1));
		CHECK_U64(cg->mem_usage, 1048576);
		CHECK_U64(cg->mem_max, 4194304);
		CHECK_U64(cg->mem_high, RI_CG_NONE);
		CHECK_U64(cg->pids_max, RI_CG_NONE);
		CHECK_U64(cg->cpu_quota_us, 50000);
		CHECK_U64(cg->throttled_ns, 7000);
		CHECK_U64(cg->ev_oom_kill, 1);
		CHECK(!(cg->have & (1u << RI_CGF_psi_cpu_some_us)));
		CHECK(!(cg->have & (1u << RI_CGF_psi_io_some_us)));
	}
	/* The next tick starts its table afresh. */
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_EQ(d.cgroups.n, 1);
	/*
	 * Descriptors are counted every tick; a limit raised is seen within
	 * a few ticks (the slower files are read in turn).
	 */
	put("proc/100/fd/9", "");
	put("proc/100/limits", limits, 2048);
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_U64(d.live.v[0].nfds, 5);
	for (int i = 0; i < 32 && d.live.v[0].fd_limit != 2048; i++)
		CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_U64(d.live.v[0].fd_limit, 2048);
	CHECK_EQ(d.cgroups.n, 1);
	/* Many processes: the table grows and remembers them all. */
	for (int i = 0; i < 200; i++) {
		char rel[64];

		/* A descriptor table each: every one of them takes a slot. */
		snprintf(rel, sizeof(rel), "proc/%d/fd/0", 1000 + i);
		put(rel, "");
		push(&d.live, task(1000 + i, 1000 + i, SEC, "many"));
	}
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_U64(d.live.v[0].fd_limit, 2048);
	CHECK(d.live.v[10].flags & RI_F_NO_LIMITS);
	/*
	 * Most of them exit at once: the last tick's 200 entries are carried
	 * over to a table sized for the survivors too (a table of 64 slots
	 * would fill up and its lookups never end), and the survivors keep
	 * what they had.
	 */
	d.live.n = 4;
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_U64(d.live.v[0].fd_limit, 2048);
	CHECK_U64(d.live.v[2].nfds, 8);
	/*
	 * A choice of one process after many were seen (the picker on a busy
	 * machine): the table shrinks, and what it carries over still fits.
	 */
	d.live.n = 1;
	for (int i = 0; i < 300; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "proc/%d/fd/0", 3000 + i);
		put(rel, "");
		push(&d.live, task(3000 + i, 3000 + i, SEC, "seen"));
	}
	CHECK_EQ(ri_limits_read(r, &d), 0);
	d.live.n = 1;
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_U64(d.live.v[0].fd_limit, 2048);
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_U64(d.live.v[0].nfds, 5);
	ri_limits_reader_close(r);
	ri_drain_free(&d);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		CHECK_EQ(system(cmd), 0);
	}
}

/*
 * A leader with the limit fields set, in cgroup @key of @w's next drain:
 * what a live source delivers.
 */
static struct ri_task *leader(struct world *w, pid_t pid, uint64_t nfds, uint64_t limit,
			      uint64_t key, uint64_t rss_pages)
{
	struct ri_task t = task(pid, pid, SEC, "leak"), *r;

	t.nfds = nfds;
	t.fd_limit = limit;
	t.cg_key = key;
	t.rss_pages = rss_pages;
	r = live(w, t);
	return r;
}

static struct ri_cgroup *cgroup(struct world *w, uint64_t key)
{
	struct ri_cgroup *cg = ri_cg_table_push(&w->d.cgroups);

	if (!cg)
		exit(1);
	cg->key = key;
	snprintf(cg->path, sizeof(cg->path), "/box");
	w->d.cgroups.known = true;
	w->d.cgroups.threads_max = 100000;
	return cg;
}

static void set(struct ri_cgroup *cg, int f, uint64_t v)
{
	*(uint64_t *)((char *)cg + ri_cg_fields[f].off) = v;
	cg->have |= 1u << f;
}

static void test_model(void)
{
	struct ri_model_opts o = { .growth_window_s = 10 };
	struct world w;
	struct ri_proc *leak, *saw, *full;
	int i;

	world_init(&w, &o);
	w.d.machine.mem_available = 1ULL << 30;
	w.d.machine.flags |= RI_MACH_TASKS;
	w.d.machine.nr_threads = 500;
	/*
	 * 20 descriptors a second from 100 under a limit of 1000; a sawtooth
	 * of 0..300 every 2 s; a process in a cgroup whose memory use climbs
	 * 1 MiB a second towards its 64 MiB limit, with throttling and a kill.
	 */
	for (i = 0; i <= 30; i++) {
		struct ri_cgroup *cg = cgroup(&w, 77);

		set(cg, RI_CGF_mem_usage, (uint64_t)(16 + i) << 20);
		set(cg, RI_CGF_mem_max, 64ULL << 20);
		set(cg, RI_CGF_mem_high, RI_CG_NONE);
		set(cg, RI_CGF_pids_current, 3);
		set(cg, RI_CGF_pids_max, 10);
		set(cg, RI_CGF_nr_periods, (uint64_t)i * 10);
		set(cg, RI_CGF_nr_throttled, (uint64_t)i * 4);
		set(cg, RI_CGF_ev_oom_kill, i >= 20 ? 1 : 0);
		set(cg, RI_CGF_cpu_quota_us, 20000);
		/* A quarter of each second some of it waits for a CPU. */
		set(cg, RI_CGF_psi_cpu_some_us, (uint64_t)i * 250000);
		leader(&w, 10, 100 + (uint64_t)i * 20, 1000, 0, 100);
		leader(&w, 20, (uint64_t)(i % 4) * 100, 1000, 0, 100);
		leader(&w, 30, 5, RI_CG_NONE, 77, (uint64_t)(4 + i) * 256);
		CHECK_EQ(tick(&w, SEC), 0);
		w.d.cgroups.n = 0;
		leak = ri_model_find_proc(w.m, 10);
		full = ri_model_find_proc(w.m, 30);
		if (i == 20 && full) {
			const struct ri_cgroup_fig *cf = ri_proc_cgroup(w.m, full);

			CHECK(cf && cf->oom_kills == 1);
			CHECK(full->oom_known && full->oom_kills == 1);
			CHECK_NEAR(full->throttled_pct, 40.0, 1e-9);
			/* The cgroup view's figures: its own, known or not. */
			if (cf) {
				double x;

				CHECK(cf->psi_known[0] && !cf->psi_known[1] && !cf->psi_known[2]);
				CHECK_NEAR(cf->psi_pct[0], 25.0, 1e-9);
				CHECK(ri_cgroup_view_value(cf, RI_CGV_MEM, &x) && x == (double)(36u << 20));
				CHECK(ri_cgroup_view_value(cf, RI_CGV_TASKS, &x) && x == 3);
				CHECK(ri_cgroup_view_value(cf, RI_CGV_THROTTLED, &x) && x == 40.0);
				CHECK(ri_cgroup_view_value(cf, RI_CGV_PSI_CPU, &x) && x == 25.0);
				CHECK(!ri_cgroup_view_value(cf, RI_CGV_PSI_IO, &x));
				CHECK(!ri_cgroup_view_value(NULL, RI_CGV_MEM, &x));
			}
		}
		if (i == 21 && full)
			CHECK(full->oom_kills == 0);
		if (i == 5 && leak)
			/* The window is not full: no time yet. */
			CHECK(leak->room[RI_R_FD].eta_s < 0);
	}
	leak = ri_model_find_proc(w.m, 10);
	saw = ri_model_find_proc(w.m, 20);
	full = ri_model_find_proc(w.m, 30);
	CHECK(leak && saw && full);
	if (!leak || !saw || !full)
		goto out;
	/* 700 descriptors in use, 300 left at 20 a second: 15 s. */
	CHECK(leak->lim_known);
	CHECK_U64(leak->room[RI_R_FD].used, 700);
	CHECK_NEAR(leak->room[RI_R_FD].pct, 70.0, 1e-9);
	CHECK_NEAR(leak->room[RI_R_FD].eta_s, 15.0, 0.01);
	CHECK_EQ(leak->scarce, RI_R_FD);
	CHECK_EQ(leak->soonest, RI_R_FD);
	/* The machine's threads: not its own limit. */
	CHECK(leak->room[RI_R_THREADS].known && !leak->room[RI_R_THREADS].own);
	CHECK_U64(leak->room[RI_R_THREADS].limit, 100000);
	/* A sawtooth heads nowhere. */
	CHECK(saw->room[RI_R_FD].eta_s < 0);
	CHECK(!saw->room[RI_R_FD].trend.growing);
	CHECK_EQ(saw->soonest, -1);
	/* No descriptor limit: no fd room; the cgroup's memory is the wall. */
	CHECK(!full->room[RI_R_FD].known);
	CHECK(full->room[RI_R_MEM].own);
	CHECK_U64(full->room[RI_R_MEM].used, 46ULL << 20);
	CHECK_U64(full->room[RI_R_MEM].limit, 64ULL << 20);
	/* RSS climbs 1 MiB a second: 18 MiB left, 18 s. */
	CHECK_NEAR(full->room[RI_R_MEM].eta_s, 18.0, 0.05);
	CHECK(full->room[RI_R_THREADS].own);
	CHECK_NEAR(full->room[RI_R_THREADS].pct, 30.0, 1e-9);
	CHECK_EQ(full->scarce, RI_R_MEM);
	CHECK_EQ(full->soonest, RI_R_MEM);
	/* A drain without limits (an older recording): none known. */
	live(&w, task(10, 10, SEC, "leak"))->flags |= RI_F_NO_LIMITS;
	w.d.cgroups.known = false;
	CHECK_EQ(tick(&w, SEC), 0);
	leak = ri_model_find_proc(w.m, 10);
	CHECK(leak && !leak->lim_known && leak->scarce == -1 && leak->soonest == -1);
out:
	world_free(&w);
}

static bool same_cgroups(const struct ri_cg_table *a, const struct ri_cg_table *b)
{
	if (a->n != b->n || a->threads_max != b->threads_max || a->known != b->known)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct ri_cgroup *x = &a->v[i], *y = &b->v[i];

		if (x->key != y->key || x->have != y->have || x->flags != y->flags ||
		    strcmp(x->path, y->path))
			return false;
		for (int f = 0; f < RI_CGF_COUNT; f++)
			if (cgf(x, f) != cgf(y, f))
				return false;
	}
	return true;
}

static void test_codec(void)
{
	struct rec_codec wr = { 0 }, rd = { 0 };
	struct rbuf out = { 0 };
	struct ri_drain d = { 0 }, back = { 0 };
	struct ri_rec_choice ch = { 0 };
	struct ri_alert_transition tr;
	bool changed;
	size_t off;
	int k;

	d.machine.page_size = 4096;
	for (k = 0; k < 3; k++) {
		struct ri_task t = task(100 + k, 100 + k, SEC, "p");
		struct ri_cgroup *cg;

		t.nfds = 10 + (uint64_t)k;
		t.fd_limit = k == 2 ? RI_CG_NONE : 1024;
		t.swap_bytes = 4096ULL * (uint64_t)k;
		t.cg_key = 1000 + (uint64_t)(k % 2);
		t.nspid = (uint32_t)k;
		push(&d.live, t);
		if (k == 2)
			continue;
		cg = ri_cg_table_push(&d.cgroups);
		cg->key = 1000 + (uint64_t)k;
		cg->flags = RI_CG_V1;
		snprintf(cg->path, sizeof(cg->path), "/docker/%064d", k);
		set(cg, RI_CGF_mem_max, k ? RI_CG_NONE : 256ULL << 20);
		set(cg, RI_CGF_nr_periods, 500);
		set(cg, RI_CGF_ev_oom_kill, (uint64_t)k);
	}
	d.cgroups.known = true;
	d.cgroups.threads_max = 99999;
	d.clock_ns = 5 * SEC;
	/* A key frame, then a delta where one cgroup moved and one went. */
	CHECK_EQ(rec_encode(&wr, true, &d, NULL, &out), 0);
	CHECK_EQ(rec_decode(&rd, true, out.p, out.n, &back, &ch, &changed), 0);
	CHECK(same_cgroups(&back.cgroups, &d.cgroups));
	CHECK_EQ(back.live.n, 3);
	for (k = 0; k < 3 && (size_t)k < back.live.n; k++)
		CHECK(memcmp(&back.live.v[k], &d.live.v[k], sizeof(d.live.v[k])) == 0);
	set(&d.cgroups.v[0], RI_CGF_nr_periods, 510);
	set(&d.cgroups.v[0], RI_CGF_ev_oom_kill, 1);
	d.cgroups.v[1] = d.cgroups.v[0];
	d.cgroups.n = 1;
	d.live.v[0].nfds = 11;
	d.clock_ns = 6 * SEC;
	memset(&tr, 0, sizeof(tr));
	tr.to = RI_ALERT_FIRING;
	tr.pid = 100;
	snprintf(tr.text, sizeof(tr.text), "fd > 0");
	snprintf(tr.resource, sizeof(tr.resource), "fd");
	CHECK_EQ(rec_codec_set_events(&wr, &tr, 1), 0);
	off = out.n;
	CHECK_EQ(rec_encode(&wr, false, &d, NULL, &out), 0);
	CHECK_EQ(rec_decode(&rd, false, out.p + off, out.n - off, &back, &ch, &changed), 0);
	CHECK(same_cgroups(&back.cgroups, &d.cgroups));
	CHECK_U64(back.live.v[0].nfds, 11);
	CHECK_EQ(rd.nev, 1);
	if (rd.nev)
		CHECK_STR(rd.ev[0].resource, "fd");
	/* A frame where no cgroup changed: a byte each, and back as they were. */
	{
		size_t at = out.n, was;

		d.clock_ns = 7 * SEC;
		CHECK_EQ(rec_codec_set_events(&wr, NULL, 0), 0);
		for (k = 0; k < 12; k++) {
			struct ri_cgroup *cg = ri_cg_table_push(&d.cgroups);

			*cg = d.cgroups.v[0];
			cg->key = 2000 + (uint64_t)k;
		}
		CHECK_EQ(rec_encode(&wr, false, &d, NULL, &out), 0);
		CHECK_EQ(rec_decode(&rd, false, out.p + at, out.n - at, &back, &ch, &changed), 0);
		CHECK(same_cgroups(&back.cgroups, &d.cgroups));
		was = out.n - at;
		at = out.n;
		d.clock_ns = 8 * SEC;
		CHECK_EQ(rec_encode(&wr, false, &d, NULL, &out), 0);
		CHECK_EQ(rec_decode(&rd, false, out.p + at, out.n - at, &back, &ch, &changed), 0);
		CHECK(same_cgroups(&back.cgroups, &d.cgroups));
		CHECK(out.n - at < was);
		out.n = at;
		d.cgroups.n = 1;
		d.clock_ns = 6 * SEC;
	}
	/* Cut anywhere: refused, never read past what is there. */
	for (size_t n = off + 1; n < out.n; n++) {
		struct rec_codec x = { 0 };
		struct ri_drain y = { 0 };

		CHECK_EQ(rec_decode(&x, true, out.p, off, &y, &ch, &changed), 0);
		(void)rec_decode(&x, false, out.p + off, n - off, &y, &ch, &changed);
		rec_codec_free(&x);
		ri_drain_free(&y);
	}
	/* A reader of a file written before the limits: unknown, not 0. */
	rec_codec_reset(&rd);
	rd.file_fields = (uint32_t)(rec_task_fields() - 5);
	CHECK_EQ(rec_decode(&rd, true, out.p, off, &back, &ch, &changed), 0);
	CHECK(back.live.v[0].flags & RI_F_NO_LIMITS);
	CHECK(!(back.live.v[0].flags & RI_F_OLD_REC));
	rbuf_free(&out);
	rec_codec_free(&wr);
	rec_codec_free(&rd);
	ri_drain_free(&d);
	ri_drain_free(&back);
	ri_rec_choice_free(&ch);
}

static void test_containers(void)
{
	static const char id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct ri_container c;
	char path[512];

	snprintf(path, sizeof(path), "/docker/%s", id);
	CHECK(ri_container_of(path, &c) && !strcmp(c.runtime, "docker") && !strcmp(c.id, id));
	CHECK_STR(c.pod_uid, "");
	snprintf(path, sizeof(path), "/system.slice/docker-%s.scope", id);
	CHECK(ri_container_of(path, &c) && !strcmp(c.runtime, "docker") && !strcmp(c.id, id));
	snprintf(path, sizeof(path),
		 "/kubepods.slice/kubepods-burstable.slice/"
		 "kubepods-burstable-pod1b2c3d4e_0000_4abc_8def_0123456789ab.slice/"
		 "cri-containerd-%s.scope", id);
	CHECK(ri_container_of(path, &c) && !strcmp(c.runtime, "containerd") && !strcmp(c.id, id));
	CHECK_STR(c.pod_uid, "1b2c3d4e-0000-4abc-8def-0123456789ab");
	snprintf(path, sizeof(path), "/kubepods/besteffort/pod1b2c3d4e-0000-4abc-8def-0123456789ab/%s",
		 id);
	CHECK(ri_container_of(path, &c) && !strcmp(c.runtime, "containerd"));
	CHECK_STR(c.pod_uid, "1b2c3d4e-0000-4abc-8def-0123456789ab");
	snprintf(path, sizeof(path), "/kubepods.slice/kubepods-pod1b2c3d4e_0000_4abc_8def_0123456789ab.slice/crio-%s.scope", id);
	CHECK(ri_container_of(path, &c) && !strcmp(c.runtime, "cri-o"));
	snprintf(path, sizeof(path), "/machine.slice/libpod-%s.scope", id);
	CHECK(ri_container_of(path, &c) && !strcmp(c.runtime, "podman"));
	snprintf(path, sizeof(path), "/libpod_parent/libpod-%s", id);
	CHECK(ri_container_of(path, &c) && !strcmp(c.runtime, "podman"));
	/* A pod's own slice: the pod, no container. */
	CHECK(ri_container_of("/kubepods/burstable/pod1b2c3d4e-0000-4abc-8def-0123456789ab", &c) &&
	      !c.runtime);
	/* Not containers. */
	CHECK(!ri_container_of("/system.slice/nginx.service", &c));
	CHECK(!ri_container_of("/", &c));
	CHECK(!ri_container_of("/docker-0123.scope", &c));
	CHECK(!ri_container_of("/kubepods/podnot-a-uid", &c));
	CHECK(!ri_container_of(NULL, &c));
}

/*
 * The names of containers: the runtimes' files parsed (every runtime's
 * layout, the keys only where they are keys, cut text), read by the
 * reader under a runtime root of the test's own at the first sight of a
 * cgroup, and carried by a recording. And a cgroup whose last process
 * went is read once more (the OOM kill that ended it), then no more.
 */
static void test_names(void)
{
	static const char id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const char id2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
	static const char containerd[] =
		"{\"ociVersion\":\"1.1.0\",\"annotations\":{"
		"\"io.kubernetes.cri.container-type\":\"container\","
		"\"io.kubernetes.cri.container-name\":\"app\","
		"\"io.kubernetes.cri.sandbox-name\":\"web-7d4f9\","
		"\"io.kubernetes.cri.sandbox-namespace\":\"shop\"}}";
	static const char crio[] =
		"{\"annotations\": {\"io.kubernetes.pod.name\" : \"db-0\",\n"
		"  \"io.kubernetes.pod.namespace\": \"data\", \"io.kubernetes.container.name\": \"pg\"}}";
	struct ri_ct_names nm;
	char buf[4096], label[160], proc[300], cgr[300], rt[300], rel[300];
	struct ri_limits_reader *r;
	struct ri_drain d = { 0 }, back = { 0 };
	const struct ri_cgroup *cg;

	/* Docker: the top object's Name, not a volume's nested one. */
	snprintf(buf, sizeof(buf),
		 "{\"ID\":\"%s\",\"MountPoints\":{\"/d\":{\"Name\":\"vol\"}},"
		 "\"Config\":{\"Hostname\":\"h\"},\"Name\":\"/web-1\"}", id);
	memset(&nm, 0, sizeof(nm));
	ri_container_names_parse(buf, strlen(buf), NULL, &nm);
	CHECK_STR(nm.name, "web-1");
	CHECK_STR(nm.pod, "");
	CHECK(!ri_ct_names_label(label, sizeof(label), &(struct ri_ct_names){ 0 }));
	CHECK_STR(ri_ct_names_label(label, sizeof(label), &nm), "web-1");
	/* containerd under Kubernetes, and CRI-O: the annotations. */
	memset(&nm, 0, sizeof(nm));
	ri_container_names_parse(containerd, strlen(containerd), NULL, &nm);
	CHECK_STR(nm.name, "app");
	CHECK_STR(nm.pod, "web-7d4f9");
	CHECK_STR(nm.pod_ns, "shop");
	CHECK_STR(ri_ct_names_label(label, sizeof(label), &nm), "web-7d4f9/app");
	memset(&nm, 0, sizeof(nm));
	ri_container_names_parse(crio, strlen(crio), NULL, &nm);
	CHECK_STR(nm.name, "pg");
	CHECK_STR(nm.pod, "db-0");
	CHECK_STR(nm.pod_ns, "data");
	/* Podman: the entry of its id among others, escapes undone. */
	snprintf(buf, sizeof(buf),
		 "[{\"id\":\"%s\",\"names\":[\"other\"]},\n"
		 " {\"id\":\"%s\",\"names\":[\"my\\\"db\",\"alias\"],\"image\":\"x\"}]", id2, id);
	memset(&nm, 0, sizeof(nm));
	ri_container_names_parse(buf, strlen(buf), id, &nm);
	CHECK_STR(nm.name, "my\"db");
	/* An id absent: no name; a value that is no string: none either. */
	memset(&nm, 0, sizeof(nm));
	ri_container_names_parse(buf, strlen(buf), "abc", &nm);
	CHECK_STR(nm.name, "");
	CHECK(!ri_json_value(buf, buf + strlen(buf), "image", 1, label, sizeof(label)));
	CHECK(ri_json_value(buf, buf + strlen(buf), "image", -1, label, sizeof(label)) != NULL);
	CHECK_STR(label, "x");
	snprintf(buf, sizeof(buf), "{\"Name\":42,\"x\":\"Name\",\"Name\":\"/b\"}");
	memset(&nm, 0, sizeof(nm));
	ri_container_names_parse(buf, strlen(buf), NULL, &nm);
	CHECK_STR(nm.name, "b");
	/* Cut anywhere: names cut or none, never a read past the text. */
	for (size_t n = 0; n < strlen(containerd); n++) {
		char *cut = malloc(n ? n : 1);

		memcpy(cut, containerd, n);
		memset(&nm, 0, sizeof(nm));
		ri_container_names_parse(cut, n, NULL, &nm);
		CHECK(strlen(nm.name) < sizeof(nm.name));
		free(cut);
	}
	/* A long name is cut to what is kept, a control byte shown as '?'. */
	snprintf(buf, sizeof(buf), "{\"Name\":\"/%0100d\\n\"}", 7);
	memset(&nm, 0, sizeof(nm));
	ri_container_names_parse(buf, strlen(buf), NULL, &nm);
	CHECK_EQ((int)strlen(nm.name), RI_CT_NAME - 1);

	/* The reader: Docker's file under the test's runtime root. */
	snprintf(root, sizeof(root), "/tmp/ri-names-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(1);
	}
	put("proc/500/limits", "Max open files            1024                 4096               files\n");
	put("proc/500/status", "Name:\tweb\nVmSwap:\t  0 kB\n");
	put("proc/500/fd/0", "");
	snprintf(rel, sizeof(rel), "proc/500/cgroup");
	put(rel, "0::/system.slice/docker-%s.scope\n", id);
	put("cg/cgroup.controllers", "memory pids cpu\n");
	snprintf(rel, sizeof(rel), "cg/system.slice/docker-%s.scope/memory.max", id);
	put(rel, "1048576\n");
	snprintf(rel, sizeof(rel), "cg/system.slice/docker-%s.scope/memory.events", id);
	put(rel, "oom_kill 0\n");
	snprintf(rel, sizeof(rel), "rt/var/lib/docker/containers/%s/config.v2.json", id);
	put(rel, "{\"ID\":\"%s\",\"Name\":\"/shop-db\"}", id);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(cgr, sizeof(cgr), "%s/cg", root);
	snprintf(rt, sizeof(rt), "%s/rt", root);
	CHECK_EQ(ri_limits_reader_open(&r, proc, cgr), 0);
	CHECK_EQ(ri_limits_reader_runtime_root(r, rt), 0);
	push(&d.live, task(500, 500, SEC, "web"));
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_EQ(d.cgroups.n, 1);
	cg = d.cgroups.n ? &d.cgroups.v[0] : NULL;
	CHECK(cg && !strcmp(cg->names.name, "shop-db"));
	/* Read at first sight only: the file going changes nothing. */
	snprintf(rel, sizeof(rel), "rt/var/lib/docker/containers/%s/config.v2.json", id);
	put(rel, "{}");
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK(d.cgroups.n == 1 && !strcmp(d.cgroups.v[0].names.name, "shop-db"));

	/* A recording carries the names: a key frame, then a delta. */
	{
		struct rec_codec wr = { 0 }, rd = { 0 };
		struct rbuf out = { 0 };
		struct ri_rec_choice ch = { 0 };
		bool changed;
		size_t off;

		d.machine.page_size = 4096;
		d.clock_ns = SEC;
		CHECK_EQ(rec_encode(&wr, true, &d, NULL, &out), 0);
		CHECK_EQ(rec_decode(&rd, true, out.p, out.n, &back, &ch, &changed), 0);
		CHECK(back.cgroups.n == 1 && !strcmp(back.cgroups.v[0].names.name, "shop-db"));
		off = out.n;
		d.clock_ns = 2 * SEC;
		CHECK_EQ(rec_encode(&wr, false, &d, NULL, &out), 0);
		CHECK_EQ(rec_decode(&rd, false, out.p + off, out.n - off, &back, &ch, &changed), 0);
		CHECK(back.cgroups.n == 1 && !strcmp(back.cgroups.v[0].names.name, "shop-db"));
		/* A cgroup of no name costs no section: a cut one is refused. */
		for (size_t n = 0; n < out.n - off; n++) {
			struct rec_codec x = { 0 };
			struct ri_drain y = { 0 };

			CHECK_EQ(rec_decode(&x, true, out.p, off, &y, &ch, &changed), 0);
			(void)rec_decode(&x, false, out.p + off, n, &y, &ch, &changed);
			rec_codec_free(&x);
			ri_drain_free(&y);
		}
		rbuf_free(&out);
		rec_codec_free(&wr);
		rec_codec_free(&rd);
		ri_rec_choice_free(&ch);
	}

	/* Its last process gone: the cgroup is read once more, then not. */
	snprintf(rel, sizeof(rel), "cg/system.slice/docker-%s.scope/memory.events", id);
	put(rel, "oom_kill 1\n");
	d.live.n = 0;
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_EQ(d.cgroups.n, 1);
	CHECK(d.cgroups.n == 1 && d.cgroups.v[0].ev_oom_kill == 1 &&
	      !strcmp(d.cgroups.v[0].names.name, "shop-db"));
	CHECK_EQ(ri_limits_read(r, &d), 0);
	CHECK_EQ(d.cgroups.n, 0);
	ri_limits_reader_close(r);
	ri_drain_free(&d);
	ri_drain_free(&back);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		CHECK_EQ(system(cmd), 0);
	}
}

int main(void)
{
	/* A table probed without end (a full hash table) fails, not hangs. */
	alarm(60);
	test_containers();
	test_names();
	test_parsers();
	test_reader();
	test_model();
	test_codec();
	return check_report("test_limits");
}
