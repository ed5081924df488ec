// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The procfs source, for machines where BPF is denied. It reads the same
 * kernel counters as the probe (schedstat's sum_exec_runtime, run delay and
 * pcount, io, status, statm) for every thread at each tick. What it cannot
 * do: see a task that is born and dies between two ticks, or the last
 * slice of one that exits.
 *
 * Start times come from /proc/PID/stat in clock ticks of the boot-time
 * clock, the clock the BPF source reads too (task->start_boottime).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "limits_read.h"
#include "procfs.h"
#include "figures.h"
#include "source.h"

#define PF_KTHREAD 0x00200000u

struct procfs_source {
	struct ri_source base;
	pid_t *tgids;
	size_t ntgids;
	char (*names)[RI_COMM_LEN];
	size_t nnames;
	bool filter_on;
	long hz;
	int rootfd;
	struct ri_machine_reader *mr;
	struct ri_limits_reader *lim;
	const struct ri_clocks *clocks;
	int cgroupfd; /* the cgroup2 mount, -1: none (ids stay 0) */
	struct watch *watch; /* the process ri_procfs_read_tgid reads, or NULL */
	pid_t unwatched;     /* a process with too many threads to watch, or 0 */
};

static unsigned long long field_after(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* What /proc/.../stat says beyond the task snapshot's own fields. */
struct stat_extra {
	unsigned long long start; /* field 22: start time in clock ticks */
	unsigned int flags;       /* field 9: PF_* */
	unsigned int nthreads;    /* field 20 */
};

/* /proc/.../stat: the comm is between the first '(' and the last ')'. */
static int parse_stat(const char *buf, struct ri_task *t, struct stat_extra *x)
{
	const char *l = strchr(buf, '('), *r = strrchr(buf, ')');
	unsigned long long f[64];
	size_t n = 0, clen;
	char *end;

	if (!l || !r || r < l)
		return -EINVAL;
	clen = (size_t)(r - l - 1);
	if (clen >= RI_COMM_LEN)
		clen = RI_COMM_LEN - 1;
	memcpy(t->comm, l + 1, clen);
	t->comm[clen] = '\0';
	/* Fields from "state" (field 3) on; state itself is a letter. */
	for (r += 2; *r && n < 64; n++) {
		while (*r == ' ')
			r++;
		if (n == 0) {
			f[n] = 0;
			t->state = (unsigned char)*r;
			r++;
			continue;
		}
		f[n] = strtoull(r, &end, 10);
		if (end == r)
			break;
		r = end;
	}
	if (n < 37)
		return -EINVAL;
	t->ppid = (__u32)f[1];  /* field 4 */
	x->flags = (unsigned int)f[6]; /* field 9 */
	t->nice = (__s32)(long long)f[16]; /* field 19 (strtoull keeps the sign bits) */
	x->nthreads = (unsigned int)f[17]; /* field 20 */
	x->start = f[19];       /* field 22: start time in clock ticks */
	t->cpu = (__s32)f[36];  /* field 39: processor */
	/* The counters figures.h says this file holds (f[k] is field k + 3). */
	for (int i = 0; i < RI_C_COUNT; i++) {
		int k = ri_counters[i].pf_field - 3;

		if (ri_counters[i].pf == RI_PF_STAT_FILE && k > 0 && (size_t)k < n)
			*(uint64_t *)((char *)t + ri_counters[i].off) = f[k];
	}
	return 0;
}

static bool chosen(struct procfs_source *s, pid_t tgid, const char *comm)
{
	size_t i;

	if (!s->filter_on)
		return true;
	for (i = 0; i < s->ntgids; i++)
		if (s->tgids[i] == tgid)
			return true;
	for (i = 0; i < s->nnames; i++)
		if (!strncmp(s->names[i], comm, RI_COMM_LEN))
			return true;
	return false;
}

/*
 * A thread's counters from the text of its schedstat, io and status files
 * (NULL: unreadable): sum_exec_runtime, run_delay and pcount are the
 * scheduler's own figures.
 */
static void parse_thread(struct ri_task *t, const char *sched, const char *io,
			 const char *status)
{
	unsigned long long v[3];

	if (sched && sscanf(sched, "%llu %llu %llu", &v[0], &v[1], &v[2]) == 3) {
		t->cpu_ns = v[0];
		t->run_delay_ns = v[1];
		t->pcount = v[2];
	} else {
		t->flags |= RI_F_NO_SCHED;
	}
	if (io) {
		for (int i = 0; i < RI_C_COUNT; i++)
			if (ri_counters[i].pf == RI_PF_IO_FILE)
				*(uint64_t *)((char *)t + ri_counters[i].off) =
					field_after(io, ri_counters[i].pf_key);
	} else {
		t->flags |= RI_F_NO_DISK;
	}
	/* No file of /proc counts a task's socket bytes (RI_PF_OWN): n/a. */
	t->flags |= RI_F_NO_NET;
	/* Nor the time a task spends in each state: n/a. */
	t->flags |= RI_F_NO_STATES;
	if (status) {
		t->nvcsw = field_after(status, "\nvoluntary_ctxt_switches:");
		t->nivcsw = field_after(status, "\nnonvoluntary_ctxt_switches:");
		t->uid = (__u32)field_after(status, "\nUid:");
	}
}

static void read_thread(int tdir, struct ri_task *t)
{
	char sched[256], io[512], status[4096];
	bool s_ok = ri_procfs_read_at(tdir, "schedstat", sched, sizeof(sched)) > 0;
	bool i_ok = ri_procfs_read_at(tdir, "io", io, sizeof(io)) > 0;
	bool st_ok = ri_procfs_read_at(tdir, "status", status, sizeof(status)) > 0;

	parse_thread(t, s_ok ? sched : NULL, i_ok ? io : NULL, st_ok ? status : NULL);
}

static void count_task(struct ri_machine *m, const struct stat_extra *x)
{
	if (!m)
		return;
	if (x->flags & PF_KTHREAD) {
		m->nr_kthreads++;
	} else {
		m->nr_procs++;
		m->nr_threads += x->nthreads ? x->nthreads : 1;
	}
}

/*
 * A thread's place in its process: ids, start times (clock ticks to ns),
 * the process's memory, and what only the leader's record carries.
 */
static void place_thread(struct ri_task *t, pid_t tid, pid_t tgid,
			 const struct ri_task *lead, const struct stat_extra *tx,
			 const struct stat_extra *px, uint64_t tick_ns,
			 unsigned long long rss, unsigned long long size)
{
	t->pid = (__u32)tid;
	t->tgid = (__u32)tgid;
	t->ppid = lead->ppid;
	t->start_ns = tx->start * tick_ns;
	t->pstart_ns = px->start * tick_ns;
	t->rss_pages = rss;
	if (t->pid == t->tgid) {
		t->vm_pages = size;
		t->cgroup_id = lead->cgroup_id;
	}
	if (px->flags & PF_KTHREAD)
		t->flags |= RI_F_KTHREAD;
}

static int read_process(struct procfs_source *s, int procfd, pid_t tgid,
			struct ri_taskbuf *live, struct ri_machine *m)
{
	char buf[4096], name[32];
	unsigned long long size = 0, rss = 0;
	uint64_t tick_ns = 1000000000ULL / (uint64_t)s->hz;
	struct stat_extra px, tx;
	struct ri_task lead = { 0 };
	struct dirent *de;
	DIR *td;
	int pdir, tasks;

	snprintf(name, sizeof(name), "%d", tgid);
	pdir = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pdir < 0)
		return 0; /* exited meanwhile */
	if (ri_procfs_read_at(pdir, "stat", buf, sizeof(buf)) < 0 ||
	    parse_stat(buf, &lead, &px)) {
		close(pdir);
		return 0;
	}
	/* Counted before the filter: the header shows the machine's tasks. */
	count_task(m, &px);
	if (!chosen(s, tgid, lead.comm)) {
		close(pdir);
		return 0;
	}
	if (ri_procfs_read_at(pdir, "statm", buf, sizeof(buf)) > 0)
		sscanf(buf, "%llu %llu", &size, &rss);
	/* The id the kernel side reads: the inode of the cgroup's directory. */
	if (s->cgroupfd >= 0 && ri_procfs_read_at(pdir, "cgroup", buf, sizeof(buf)) > 0)
		lead.cgroup_id = ri_cgroup_id_at(s->cgroupfd, ri_cgroup_parse_proc(buf));
	tasks = openat(pdir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(pdir);
	if (tasks < 0)
		return 0;
	td = fdopendir(tasks);
	if (!td) {
		close(tasks);
		return 0;
	}
	while ((de = readdir(td))) {
		struct ri_task *t;
		int tdir;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		tdir = openat(tasks, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tdir < 0)
			continue;
		t = ri_taskbuf_push(live);
		if (!t) {
			close(tdir);
			closedir(td);
			return -ENOMEM;
		}
		if (ri_procfs_read_at(tdir, "stat", buf, sizeof(buf)) < 0 ||
		    parse_stat(buf, t, &tx)) {
			live->n--; /* gone between readdir and read */
			close(tdir);
			continue;
		}
		place_thread(t, atoi(de->d_name), tgid, &lead, &tx, &px, tick_ns, rss, size);
		read_thread(tdir, t);
		close(tdir);
	}
	closedir(td);
	return 0;
}

/*
 * The process another source cannot see (the BPF source's init gap), read
 * at every tick: each open of a /proc path costs a lookup of the task and
 * of every dentry on the way, more than the read itself. Its files stay
 * open instead, read again from offset 0 (a seq_file then writes them
 * afresh), and its task directory is listed again only when the thread set
 * may have changed: another thread count in its stat, or a thread's file
 * that no longer reads (that thread has gone, and its tid may serve
 * another). Past WATCH_MAX_THREADS threads it is read the plain way, which
 * holds no descriptor.
 */
#define WATCH_MAX_THREADS 256u

enum { TF_STAT, TF_SCHED, TF_IO, TF_STATUS, TF_COUNT };
static const char *const thread_files[TF_COUNT] = { "stat", "schedstat", "io", "status" };

struct watch_thread {
	pid_t tid;
	int fd[TF_COUNT]; /* -1: would not open */
};

struct watch {
	pid_t tgid;
	int stat, statm, cgroup; /* the process's own files, -1: none */
	DIR *tasks;              /* its task directory */
	struct watch_thread *th;
	size_t n;
	unsigned int nthreads;   /* the count of its stat at the last listing */
	bool listed;
	char cgroup_text[512];   /* the cgroup file as last resolved, and its id */
	uint64_t cgroup_id;
};

static void watch_thread_close(struct watch_thread *t)
{
	int i;

	for (i = 0; i < TF_COUNT; i++)
		if (t->fd[i] >= 0)
			close(t->fd[i]);
}

static void watch_free(struct watch *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->n; i++)
		watch_thread_close(&w->th[i]);
	if (w->stat >= 0)
		close(w->stat);
	if (w->statm >= 0)
		close(w->statm);
	if (w->cgroup >= 0)
		close(w->cgroup);
	if (w->tasks)
		closedir(w->tasks);
	free(w->th);
	free(w);
}

static struct watch *watch_open(struct procfs_source *s, pid_t tgid)
{
	struct watch *w = calloc(1, sizeof(*w));
	char name[32];
	int pdir, tfd;

	if (!w)
		return NULL;
	w->tgid = tgid;
	w->stat = w->statm = w->cgroup = -1;
	snprintf(name, sizeof(name), "%d", tgid);
	pdir = openat(s->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pdir < 0) {
		free(w);
		return NULL;
	}
	w->stat = openat(pdir, "stat", O_RDONLY | O_CLOEXEC);
	w->statm = openat(pdir, "statm", O_RDONLY | O_CLOEXEC);
	if (s->cgroupfd >= 0)
		w->cgroup = openat(pdir, "cgroup", O_RDONLY | O_CLOEXEC);
	tfd = openat(pdir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(pdir);
	if (tfd >= 0 && !(w->tasks = fdopendir(tfd)))
		close(tfd);
	if (w->stat < 0 || !w->tasks) {
		watch_free(w);
		return NULL;
	}
	return w;
}

/* The whole of small file @fd, from its start, NUL terminated; or -1. */
static ssize_t pread_all(int fd, char *buf, size_t len)
{
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = pread(fd, buf, len - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static struct watch_thread *watch_find(struct watch_thread *v, size_t n, pid_t tid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].tid == tid)
			return &v[i];
	return NULL;
}

/*
 * Lists the task directory again: a thread already held keeps its files,
 * a new one (or one whose files failed, its tid negated) has its files
 * opened, a gone one has them closed. 0, -ENOMEM, or -E2BIG past
 * WATCH_MAX_THREADS.
 */
static int watch_list(struct watch *w)
{
	struct watch_thread *v = NULL, *old;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int tasks = dirfd(w->tasks), err = 0, j;

	rewinddir(w->tasks);
	while ((de = readdir(w->tasks))) {
		pid_t tid;
		int tdir;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == WATCH_MAX_THREADS) {
			err = -E2BIG;
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct watch_thread *nv = realloc(v, ncap * sizeof(*v));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			v = nv;
			cap = ncap;
		}
		tid = (pid_t)atoi(de->d_name);
		old = watch_find(w->th, w->n, tid);
		if (old) {
			v[n++] = *old;
			old->tid = 0; /* moved: not closed below */
			continue;
		}
		tdir = openat(tasks, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tdir < 0)
			continue; /* gone between readdir and open */
		v[n].tid = tid;
		for (j = 0; j < TF_COUNT; j++)
			v[n].fd[j] = openat(tdir, thread_files[j], O_RDONLY | O_CLOEXEC);
		close(tdir);
		n++;
	}
	for (i = 0; i < w->n; i++)
		if (w->th[i].tid)
			watch_thread_close(&w->th[i]);
	free(w->th);
	w->th = v;
	w->n = n;
	w->listed = !err;
	return err;
}

/*
 * One thread into @t from its open files. -ESRCH when its stat no longer
 * reads: the thread has gone, or the fd is of a task that has.
 */
static int watch_read_thread(struct watch_thread *wt, struct ri_task *t,
			     struct stat_extra *x)
{
	char stat[2048], sched[256], io[512], status[4096];
	bool s_ok, i_ok, st_ok;

	if (pread_all(wt->fd[TF_STAT], stat, sizeof(stat)) < 0 || parse_stat(stat, t, x))
		return -ESRCH;
	s_ok = pread_all(wt->fd[TF_SCHED], sched, sizeof(sched)) > 0;
	i_ok = pread_all(wt->fd[TF_IO], io, sizeof(io)) > 0;
	st_ok = pread_all(wt->fd[TF_STATUS], status, sizeof(status)) > 0;
	parse_thread(t, s_ok ? sched : NULL, i_ok ? io : NULL, st_ok ? status : NULL);
	return 0;
}

/* The cgroup id of the watched process, resolved again only when its file changes. */
static uint64_t watch_cgroup_id(struct procfs_source *s, struct watch *w)
{
	char buf[sizeof(w->cgroup_text)];

	if (pread_all(w->cgroup, buf, sizeof(buf)) <= 0)
		return 0;
	if (strcmp(buf, w->cgroup_text)) {
		memcpy(w->cgroup_text, buf, sizeof(buf));
		w->cgroup_id = ri_cgroup_id_at(s->cgroupfd, ri_cgroup_parse_proc(buf));
	}
	return w->cgroup_id;
}

/*
 * What read_process gives for @w's process, through the open files.
 * -ESRCH: the process itself no longer reads (gone, or its PID reused);
 * -E2BIG: too many threads to hold; -ENOMEM.
 */
static int watch_read(struct procfs_source *s, struct watch *w,
		      struct ri_taskbuf *live, struct ri_machine *m)
{
	char buf[2048];
	unsigned long long size = 0, rss = 0;
	uint64_t tick_ns = 1000000000ULL / (uint64_t)s->hz;
	struct stat_extra px, tx;
	struct ri_task lead = { 0 };
	size_t base = live->n, i;
	int err, pass;

	if (pread_all(w->stat, buf, sizeof(buf)) < 0 || parse_stat(buf, &lead, &px))
		return -ESRCH;
	/* Counted before the filter: the header shows the machine's tasks. */
	count_task(m, &px);
	if (!chosen(s, w->tgid, lead.comm))
		return 0;
	if (pread_all(w->statm, buf, sizeof(buf)) > 0)
		sscanf(buf, "%llu %llu", &size, &rss);
	if (w->cgroup >= 0)
		lead.cgroup_id = watch_cgroup_id(s, w);
	/*
	 * After a thread's files failed, the second pass lists the threads
	 * again, that one's files opened anew: one that still fails then is
	 * a thread that went meanwhile, left out as read_process leaves it.
	 */
	for (pass = 0; pass < 2; pass++) {
		bool failed = false;

		if ((pass || !w->listed || px.nthreads != w->nthreads) &&
		    (err = watch_list(w)))
			return err;
		w->nthreads = px.nthreads;
		live->n = base;
		for (i = 0; i < w->n; i++) {
			struct watch_thread *wt = &w->th[i];
			struct ri_task *t = ri_taskbuf_push(live);

			if (!t)
				return -ENOMEM;
			if (watch_read_thread(wt, t, &tx)) {
				live->n--;
				wt->tid = -wt->tid; /* not found again: reopened if listed */
				failed = true;
				continue;
			}
			place_thread(t, wt->tid, w->tgid, &lead, &tx, &px, tick_ns, rss, size);
		}
		if (!failed)
			break;
	}
	return 0;
}

static int procfs_drain(struct ri_source *base, struct ri_drain *dr)
{
	struct procfs_source *s = (struct procfs_source *)base;
	struct ri_machine *m = &dr->machine;
	struct dirent *de;
	int err = 0, fd;
	DIR *d;

	dr->live.n = 0;
	dr->exited.n = 0; /* procfs never sees an exit: the model notices absence */
	fd = openat(s->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	m->nr_procs = m->nr_threads = m->nr_kthreads = 0;
	while ((de = readdir(d)) && !err) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		err = read_process(s, dirfd(d), (pid_t)atoi(de->d_name), &dr->live, m);
	}
	closedir(d);
	if (err)
		return err;
	m->flags |= RI_MACH_TASKS;
	if ((err = ri_limits_read(s->lim, dr)) || (err = ri_machine_read(s->mr, m)))
		return err;
	ri_drain_stamp(dr, s->clocks);
	return 0;
}

int ri_procfs_read_tgid(struct ri_source *base, pid_t tgid,
			struct ri_taskbuf *live, struct ri_machine *m)
{
	struct procfs_source *s = (struct procfs_source *)base;
	uint32_t procs = m->nr_procs, threads = m->nr_threads, kthreads = m->nr_kthreads;
	size_t n = live->n;
	int err, tries;

	for (tries = 0; tries < 2 && tgid != s->unwatched; tries++) {
		if (s->watch && s->watch->tgid != tgid) {
			watch_free(s->watch);
			s->watch = NULL;
		}
		if (!s->watch && !(s->watch = watch_open(s, tgid)))
			break;
		if (!(err = watch_read(s, s->watch, live, m)))
			return 0;
		/* What a read that failed half-way counted, it did not read. */
		live->n = n;
		m->nr_procs = procs;
		m->nr_threads = threads;
		m->nr_kthreads = kthreads;
		watch_free(s->watch);
		s->watch = NULL;
		if (err == -ENOMEM)
			return err;
		if (err == -E2BIG)
			s->unwatched = tgid; /* too many descriptors to hold, for good */
		/* -ESRCH: the files held are of a process gone; open anew. */
	}
	return read_process(s, s->rootfd, tgid, live, m);
}

static int procfs_set_filter(struct ri_source *base, const struct ri_filter *f)
{
	struct procfs_source *s = (struct procfs_source *)base;
	pid_t *t = NULL;
	char(*n)[RI_COMM_LEN] = NULL;

	if (f && f->ntgids) {
		t = malloc(f->ntgids * sizeof(*t));
		if (!t)
			return -ENOMEM;
		memcpy(t, f->tgids, f->ntgids * sizeof(*t));
	}
	if (f && f->nnames) {
		n = malloc(f->nnames * sizeof(*n));
		if (!n) {
			free(t);
			return -ENOMEM;
		}
		memcpy(n, f->names, f->nnames * sizeof(*n));
	}
	free(s->tgids);
	free(s->names);
	s->tgids = t;
	s->ntgids = f ? f->ntgids : 0;
	s->names = n;
	s->nnames = f ? f->nnames : 0;
	s->filter_on = s->ntgids || s->nnames;
	return 0;
}

static void procfs_close(struct ri_source *base)
{
	struct procfs_source *s = (struct procfs_source *)base;

	free(s->tgids);
	free(s->names);
	watch_free(s->watch);
	ri_machine_reader_close(s->mr);
	ri_limits_reader_close(s->lim);
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->cgroupfd >= 0)
		close(s->cgroupfd);
	free(s);
}

static const struct ri_source_ops procfs_ops = {
	.name = "procfs",
	.drain = procfs_drain,
	.set_filter = procfs_set_filter,
	.close = procfs_close,
};

int ri_source_procfs_open(const struct ri_source_opts *o, struct ri_source **out,
			  char *err, size_t errlen)
{
	const char *root = o->proc_root ? o->proc_root : "/proc";
	struct procfs_source *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &procfs_ops;
	s->base.probe = "none";
	s->base.sees_short_lived = false;
	s->hz = sysconf(_SC_CLK_TCK);
	if (s->hz <= 0)
		s->hz = 100;
	s->clocks = o->clocks;
	/* A fake /proc (tests) comes without cgroups: only the real one has them. */
	s->cgroupfd = o->proc_root ? -1 : ri_cgroup_root_fd(NULL);
	s->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0 || faccessat(s->rootfd, "self/schedstat", R_OK, 0)) {
		snprintf(err, errlen,
			 "%s/self/schedstat unreadable (%s): is /proc mounted, "
			 "with CONFIG_SCHED_INFO?",
			 root, strerror(errno));
		procfs_close(&s->base);
		return -ENOENT;
	}
	ret = ri_machine_reader_open(&s->mr, root);
	if (!ret)
		ret = ri_limits_reader_open(&s->lim, o->proc_root, o->cgroup_root);
	if (ret) {
		snprintf(err, errlen, "%s/stat unreadable (%s): is /proc mounted?",
			 root, strerror(-ret));
		procfs_close(&s->base);
		return ret;
	}
	*out = &s->base;
	return 0;
}
