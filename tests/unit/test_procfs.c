// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the procfs source and the monitor, over a fake /proc tree
 * in a temporary directory and fake clocks: what a machine that was
 * suspended for an hour looks like (its boot-time clock an hour ahead of
 * its monotonic one). A process started after the resume but before the
 * tool must not look newborn (no spike of all its lifetime CPU in one
 * interval); one born between two ticks is counted from zero; a PID
 * reused by another process is told apart by its start time. Also: the
 * machine counters and task counts come through the drain, the filter is
 * applied, and the process list is read under the same root.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor.h"
#include "procfs.h"
#include "check.h"

#define SEC 1000000000ULL
#define SUSPEND (3600 * SEC)

static char root[256];
static long hz;

/* The fake machine's clocks: only the boot-time one is ever asked for. */
struct fake_clock {
	uint64_t mono_ns;
};

static uint64_t boot_ns(void *ctx)
{
	return ((struct fake_clock *)ctx)->mono_ns + SUSPEND;
}

static double unix_time(void *ctx)
{
	return 1.7e9 + (double)((struct fake_clock *)ctx)->mono_ns * 1e-9;
}

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

static void rm_rf(const char *p)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", p);
}

/* /proc/PID/stat (or task/TID/stat): fields 3..52 after "(comm)". */
static void stat_file(const char *rel, pid_t pid, const char *comm, pid_t ppid,
		      int nice, int nthreads, uint64_t start_ns, int cpu)
{
	unsigned long long f[53] = { 0 };
	char line[1024];
	size_t o;
	int i;

	f[4] = (unsigned long long)ppid;
	f[20] = (unsigned long long)nthreads;
	f[22] = start_ns / (SEC / (uint64_t)hz);
	f[39] = (unsigned long long)cpu;
	o = (size_t)snprintf(line, sizeof(line), "%d (%s) S", pid, comm);
	for (i = 4; i <= 52; i++) {
		if (i == 19)
			o += (size_t)snprintf(line + o, sizeof(line) - o, " %d", nice);
		else
			o += (size_t)snprintf(line + o, sizeof(line) - o, " %llu", f[i]);
	}
	put(rel, "%s\n", line);
}

/* A one-thread process with @cpu_ns of CPU so far and @rss pages. */
static void process(pid_t pid, const char *comm, uint64_t start_ns,
		    uint64_t cpu_ns, uint64_t delay_ns, unsigned long rss)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "%d/stat", pid);
	stat_file(rel, pid, comm, 1, 5, 1, start_ns, 1);
	snprintf(rel, sizeof(rel), "%d/statm", pid);
	put(rel, "%lu %lu 10 1 0 5 0\n", rss * 4, rss);
	snprintf(rel, sizeof(rel), "%d/task/%d/stat", pid, pid);
	stat_file(rel, pid, comm, 1, 5, 1, start_ns, 1);
	snprintf(rel, sizeof(rel), "%d/task/%d/schedstat", pid, pid);
	put(rel, "%llu %llu 42\n", (unsigned long long)cpu_ns,
	    (unsigned long long)delay_ns);
	snprintf(rel, sizeof(rel), "%d/task/%d/io", pid, pid);
	put(rel, "rchar: 1000\nwchar: 2000\nsyscr: 1\nsyscw: 1\n"
		 "read_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n");
	snprintf(rel, sizeof(rel), "%d/task/%d/status", pid, pid);
	put(rel, "Name:\t%s\nUid:\t1000\t1000\t1000\t1000\n"
		 "voluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t3\n",
	    comm);
	snprintf(rel, sizeof(rel), "%d/comm", pid);
	put(rel, "%s\n", comm);
	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	put(rel, "/usr/bin/%s%c--flag%c", comm, 0, 0);
}

static void gone(pid_t pid)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%d", root, pid);
	rm_rf(p);
}

/* /proc/stat of one CPU that spent @user and @idle ticks so far. */
static void machine_files(unsigned long long user, unsigned long long idle)
{
	put("stat", "cpu  %llu 0 0 %llu 0 0 0 0 0 0\ncpu0 %llu 0 0 %llu 0 0 0 0 0 0\n"
		    "ctxt 10\nprocesses 20\nprocs_running 2\nprocs_blocked 0\n",
	    user, idle, user, idle);
	put("meminfo", "MemTotal: 1000000 kB\nMemAvailable: 400000 kB\n");
	put("loadavg", "0.25 0.50 0.75 2/100 999\n");
	put("uptime", "4210.00 0.00\n");
}

/* Thread @tid of process 300 ("init", @nthreads threads) with @cpu_ns so far. */
static void init_thread(pid_t tid, int nthreads, uint64_t start_ns, uint64_t cpu_ns,
			int nvcsw)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "300/task/%d/stat", tid);
	stat_file(rel, tid, "init", 0, 0, nthreads, start_ns, 1);
	snprintf(rel, sizeof(rel), "300/task/%d/schedstat", tid);
	put(rel, "%llu 5 9\n", (unsigned long long)cpu_ns);
	snprintf(rel, sizeof(rel), "300/task/%d/io", tid);
	put(rel, "rchar: %llu\nwchar: 2\nread_bytes: 3\nwrite_bytes: 4\n",
	    (unsigned long long)cpu_ns);
	snprintf(rel, sizeof(rel), "300/task/%d/status", tid);
	put(rel, "Name:\tinit\nUid:\t0\t0\t0\t0\n"
		 "voluntary_ctxt_switches:\t%d\nnonvoluntary_ctxt_switches:\t1\n", nvcsw);
}

static const struct ri_task *in(const struct ri_taskbuf *b, pid_t tid)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if ((pid_t)b->v[i].pid == tid)
			return &b->v[i];
	return NULL;
}

/*
 * ri_procfs_read_tgid holds the files of the process it reads: what it
 * gives at each read is what the files say now, the threads listed again
 * when their count changes, and the task counts counted once a read.
 */
static void read_tgid_again(void)
{
	struct ri_source_opts so = { .kind = RI_SRC_PROCFS, .proc_root = root };
	struct ri_taskbuf b = { 0 };
	struct ri_machine mach = { 0 };
	struct ri_source *src = NULL;
	const struct ri_task *t;
	const uint64_t st = 100 * SEC, st2 = 200 * SEC;
	char err[256], dir[400];

	stat_file("300/stat", 300, "init", 0, 0, 2, st, 1);
	put("300/statm", "400 100 10 1 0 5 0\n");
	init_thread(300, 2, st, 10, 1);
	init_thread(301, 2, st, 20, 2);
	CHECK_EQ(ri_source_procfs_open(&so, &src, err, sizeof(err)), 0);
	if (!src)
		return;
	CHECK_EQ(ri_procfs_read_tgid(src, 300, &b, &mach), 0);
	CHECK_EQ(b.n, 2);
	CHECK_EQ(mach.nr_procs, 1);
	CHECK_EQ(mach.nr_threads, 2);
	t = in(&b, 301);
	CHECK(t != NULL);
	if (t) {
		CHECK_U64(t->cpu_ns, 20);
		CHECK_U64(t->rchar, 20);
		CHECK_U64(t->nvcsw, 2);
		CHECK_U64(t->rss_pages, 100);
		CHECK_U64(t->vm_pages, 0);
		CHECK_EQ(t->tgid, 300);
	}
	t = in(&b, 300);
	CHECK(t && t->vm_pages == 400 && t->start_ns == st);

	/* The same files, new counters: read again from their start. */
	init_thread(301, 2, st, 25, 3);
	put("300/statm", "400 120 10 1 0 5 0\n");
	b.n = 0;
	CHECK_EQ(ri_procfs_read_tgid(src, 300, &b, &mach), 0);
	CHECK_EQ(b.n, 2);
	CHECK_EQ(mach.nr_threads, 4);
	t = in(&b, 301);
	CHECK(t && t->cpu_ns == 25 && t->nvcsw == 3 && t->rss_pages == 120);

	/* 301 gone, 302 and 303 born: the count says list again. */
	snprintf(dir, sizeof(dir), "%s/300/task/301", root);
	rm_rf(dir);
	stat_file("300/stat", 300, "init", 0, 0, 3, st, 1);
	init_thread(300, 3, st, 11, 1);
	init_thread(302, 3, st2, 30, 1);
	init_thread(303, 3, st2, 40, 1);
	b.n = 0;
	memset(&mach, 0, sizeof(mach));
	CHECK_EQ(ri_procfs_read_tgid(src, 300, &b, &mach), 0);
	CHECK_EQ(b.n, 3);
	CHECK_EQ(mach.nr_threads, 3);
	CHECK(in(&b, 301) == NULL);
	t = in(&b, 303);
	CHECK(t && t->cpu_ns == 40 && t->start_ns == st2 && t->pstart_ns == st);
	t = in(&b, 300);
	CHECK(t && t->cpu_ns == 11);

	/*
	 * The process gone: nothing, and nothing counted. (Here a file held
	 * open still reads once removed; procfs's then fail, as an empty one.)
	 */
	put("300/stat", "");
	gone(300);
	b.n = 0;
	memset(&mach, 0, sizeof(mach));
	CHECK_EQ(ri_procfs_read_tgid(src, 300, &b, &mach), 0);
	CHECK_EQ(b.n, 0);
	CHECK_EQ(mach.nr_procs, 0);
	ri_source_close(src);
	ri_taskbuf_free(&b);
}

static const struct ri_proc *find(const struct ri_model *m, pid_t pid,
				  uint64_t start)
{
	size_t i;

	for (i = 0; i < m->nprocs; i++)
		if (m->procs[i]->pid == pid && m->procs[i]->start_ns == start)
			return m->procs[i];
	return NULL;
}

int main(void)
{
	struct fake_clock clk = { .mono_ns = 610 * SEC };
	struct ri_clocks clocks = { boot_ns, unix_time, &clk };
	struct ri_monitor_opts o;
	struct ri_monitor *mon = NULL;
	struct ri_monitor_info info;
	const struct ri_model *m;
	const struct ri_proc *a, *b, *b2;
	struct ri_proc_list list;
	char err[256] = "";
	/* Started after the resume, 10 s before the tool (boot-time clock). */
	const uint64_t a_start = SUSPEND + 600 * SEC;
	const uint64_t b_start = SUSPEND + 610 * SEC + SEC / 2;
	const uint64_t b2_start = SUSPEND + 611 * SEC + SEC / 2;
	int ret;

	hz = sysconf(_SC_CLK_TCK);
	snprintf(root, sizeof(root), "/tmp/ri-fakeproc-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	put("self/schedstat", "0 0 0\n");
	machine_files(100, 1000);
	process(100, "server", a_start, 5 * SEC, SEC, 250);

	memset(&o, 0, sizeof(o));
	o.src.kind = RI_SRC_PROCFS;
	o.src.proc_root = root;
	o.src.clocks = &clocks;
	o.model.thread_history = true;
	o.keep_privileges = true;
	ret = ri_monitor_open(&o, &mon, err, sizeof(err));
	CHECK_EQ(ret, 0);
	if (ret) {
		fprintf(stderr, "open: %s\n", err);
		rm_rf(root);
		return check_report("test_procfs");
	}
	m = ri_monitor_model(mon);
	ri_monitor_info(mon, &info);
	CHECK_STR(info.source, "procfs");
	CHECK(!info.sees_short_lived && info.degraded);
	/* Every time on the one clock: the drain's is the boot-time clock. */
	CHECK_U64(ri_monitor_drain(mon)->clock_ns, SUSPEND + 610 * SEC);
	CHECK_U64(m->clock_ns, SUSPEND + 610 * SEC);

	/* One second on: A used half a second, B was born and used 0.2 s. */
	clk.mono_ns += SEC;
	machine_files(150, 1050);
	process(100, "server", a_start, 5 * SEC + SEC / 2, SEC + SEC / 4, 250);
	process(200, "job", b_start, SEC / 5, 0, 10);
	CHECK_EQ(ri_monitor_tick(mon), 0);
	a = find(m, 100, a_start);
	b = find(m, 200, b_start);
	CHECK(a && b);
	if (a) {
		/* Not 550%: its 5 s before the tool started are not this second's. */
		CHECK_NEAR(a->fig.cpu_pct, 50.0, 1e-6);
		CHECK_U64(a->fig.cpu_total_ns, 5 * SEC + SEC / 2);
		CHECK_U64(a->fig.rss_bytes, 250 * (uint64_t)sysconf(_SC_PAGESIZE));
		CHECK_EQ(a->nice, 5);
		CHECK_EQ(a->state, 'S');
		CHECK_U64(a->vm_bytes, 1000 * (uint64_t)sysconf(_SC_PAGESIZE));
		CHECK_EQ(a->uid, 1000);
	}
	if (b)
		CHECK_NEAR(b->fig.cpu_pct, 20.0, 1e-6); /* born here: from zero */
	/* The machine came through the drain too. */
	CHECK_NEAR(m->machine.load[2], 0.75, 1e-9);
	CHECK_NEAR(m->machine.uptime_s, 4210, 1e-6);
	CHECK(m->machine.tasks_known);
	CHECK_EQ(m->machine.nr_procs, 2);
	CHECK_EQ(m->machine.nr_threads, 2);
	CHECK_NEAR(m->machine.all.busy, 50.0, 1e-6);

	/* PID 200 is reused by another process: two processes, not one. */
	clk.mono_ns += SEC;
	machine_files(200, 1100);
	gone(200);
	process(100, "server", a_start, 6 * SEC, SEC + SEC / 2, 250);
	process(200, "job2", b2_start, SEC / 10, 0, 10);
	CHECK_EQ(ri_monitor_tick(mon), 0);
	b = find(m, 200, b_start);
	b2 = find(m, 200, b2_start);
	CHECK(b2 != NULL);
	if (b2) {
		CHECK_NEAR(b2->fig.cpu_pct, 10.0, 1e-6);
		CHECK_STR(b2->comm, "job2");
	}
	CHECK(!b || b->exited);

	/* A filter keeps the others out of the drain, but not out of the counts. */
	{
		pid_t one = 100;

		CHECK_EQ(ri_monitor_choose(mon, &one, 1, NULL, 0), 0);
		clk.mono_ns += SEC;
		CHECK_EQ(ri_monitor_tick(mon), 0);
		CHECK_EQ(ri_monitor_drain(mon)->live.n, 1);
		CHECK_EQ(m->machine.nr_procs, 2);
		CHECK_EQ(m->nprocs, 1);
		CHECK(find(m, 100, a_start) != NULL);
	}

	/* The picker's list comes from the same tree. */
	CHECK_EQ(ri_monitor_proc_list(mon, &list), 0);
	CHECK_EQ(list.n, 2);
	if (list.n == 2) {
		size_t i = list.v[0].pid == 100 ? 0 : 1;

		CHECK_STR(list.v[i].comm, "server");
		CHECK_STR(list.v[i].cmdline, "/usr/bin/server --flag");
	}
	ri_proc_list_free(&list);

	ri_monitor_close(mon);
	read_tgid_again();
	rm_rf(root);
	return check_report("test_procfs");
}
