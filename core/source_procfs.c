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
#include "procfs.h"
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
	const struct ri_clocks *clocks;
	int cgroupfd; /* the cgroup2 mount, -1: none (ids stay 0) */
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

static void read_thread(struct procfs_source *s, int tdir, struct ri_task *t)
{
	unsigned long long v[3];
	char buf[4096];

	/* sum_exec_runtime, run_delay, pcount: the scheduler's own figures. */
	if (ri_procfs_read_at(tdir, "schedstat", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%llu %llu %llu", &v[0], &v[1], &v[2]) == 3) {
		t->cpu_ns = v[0];
		t->run_delay_ns = v[1];
		t->pcount = v[2];
	} else {
		t->flags |= RI_F_NO_SCHED;
	}
	if (ri_procfs_read_at(tdir, "io", buf, sizeof(buf)) > 0) {
		t->rchar = field_after(buf, "rchar: ");
		t->wchar = field_after(buf, "wchar: ");
		t->read_bytes = field_after(buf, "\nread_bytes: ");
		t->write_bytes = field_after(buf, "\nwrite_bytes: ");
	} else {
		t->flags |= RI_F_NO_DISK;
	}
	if (ri_procfs_read_at(tdir, "status", buf, sizeof(buf)) > 0) {
		t->nvcsw = field_after(buf, "\nvoluntary_ctxt_switches:");
		t->nivcsw = field_after(buf, "\nnonvoluntary_ctxt_switches:");
		t->uid = (__u32)field_after(buf, "\nUid:");
	}
	(void)s;
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
		t->pid = (__u32)atoi(de->d_name);
		t->tgid = (__u32)tgid;
		t->ppid = lead.ppid;
		t->start_ns = tx.start * tick_ns;
		t->pstart_ns = px.start * tick_ns;
		t->rss_pages = rss;
		if (t->pid == t->tgid) {
			t->vm_pages = size;
			t->cgroup_id = lead.cgroup_id;
		}
		if (px.flags & PF_KTHREAD)
			t->flags |= RI_F_KTHREAD;
		read_thread(s, tdir, t);
		close(tdir);
	}
	closedir(td);
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
	if ((err = ri_machine_read(s->mr, m)))
		return err;
	ri_drain_stamp(dr, s->clocks);
	return 0;
}

int ri_procfs_read_tgid(struct ri_source *base, pid_t tgid,
			struct ri_taskbuf *live, struct ri_machine *m)
{
	struct procfs_source *s = (struct procfs_source *)base;

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
	ri_machine_reader_close(s->mr);
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
	if (ret) {
		snprintf(err, errlen, "%s/stat unreadable (%s): is /proc mounted?",
			 root, strerror(-ret));
		procfs_close(&s->base);
		return ret;
	}
	*out = &s->base;
	return 0;
}
