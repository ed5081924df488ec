// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The procfs source, for machines where BPF is denied. It reads the same
 * kernel counters as the probe (schedstat's sum_exec_runtime, io, status,
 * statm) for every thread at each tick. What it cannot do: see a task that
 * is born and dies between two ticks, or the last slice of one that exits.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	long page_size;
};

ssize_t ri_procfs_read_at(int dirfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static unsigned long long field_after(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* /proc/.../stat: the comm is between the first '(' and the last ')'. */
static int parse_stat(const char *buf, struct ri_task *t, unsigned long long *start,
		      unsigned int *pflags)
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
	*pflags = (unsigned int)f[6]; /* field 9 */
	*start = f[19];         /* field 22: start time in clock ticks */
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
	char buf[4096];

	if (ri_procfs_read_at(tdir, "schedstat", buf, sizeof(buf)) > 0)
		t->cpu_ns = strtoull(buf, NULL, 10);
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

static int read_process(struct procfs_source *s, int procfd, pid_t tgid,
			struct ri_taskbuf *live)
{
	char buf[4096], name[32];
	unsigned long long pstart, start;
	unsigned int pflags, tflags;
	struct ri_task lead = { 0 };
	__u64 rss = 0;
	struct dirent *de;
	DIR *td;
	int pdir, tasks;

	snprintf(name, sizeof(name), "%d", tgid);
	pdir = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pdir < 0)
		return 0; /* exited meanwhile */
	if (ri_procfs_read_at(pdir, "stat", buf, sizeof(buf)) < 0 ||
	    parse_stat(buf, &lead, &pstart, &pflags) ||
	    !chosen(s, tgid, lead.comm)) {
		close(pdir);
		return 0;
	}
	if (ri_procfs_read_at(pdir, "statm", buf, sizeof(buf)) > 0)
		sscanf(buf, "%*u %llu", (unsigned long long *)&rss);
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
		    parse_stat(buf, t, &start, &tflags)) {
			live->n--; /* gone between readdir and read */
			close(tdir);
			continue;
		}
		t->pid = (__u32)atoi(de->d_name);
		t->tgid = (__u32)tgid;
		t->ppid = lead.ppid;
		t->start_ns = start * (1000000000ULL / (unsigned long long)s->hz);
		t->pstart_ns = pstart * (1000000000ULL / (unsigned long long)s->hz);
		t->rss_pages = rss;
		if (pflags & PF_KTHREAD)
			t->flags |= RI_F_KTHREAD;
		read_thread(s, tdir, t);
		close(tdir);
	}
	closedir(td);
	return 0;
}

static int procfs_drain(struct ri_source *base, struct ri_taskbuf *live,
			struct ri_taskbuf *exited)
{
	struct procfs_source *s = (struct procfs_source *)base;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int err = 0;

	live->n = 0;
	exited->n = 0; /* procfs never sees an exit: the model notices absence */
	if (!d)
		return -errno;
	while ((de = readdir(d)) && !err) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		err = read_process(s, dirfd(d), (pid_t)atoi(de->d_name), live);
	}
	closedir(d);
	return err;
}

int ri_procfs_read_tgid(struct ri_source *base, pid_t tgid,
			struct ri_taskbuf *live)
{
	struct procfs_source *s = (struct procfs_source *)base;
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	if (procfd < 0)
		return -errno;
	err = read_process(s, procfd, tgid, live);
	close(procfd);
	return err;
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
	struct procfs_source *s;

	(void)o;
	if (access("/proc/self/schedstat", R_OK)) {
		snprintf(err, errlen,
			 "/proc/self/schedstat unreadable (%s): is /proc mounted, "
			 "with CONFIG_SCHED_INFO?",
			 strerror(errno));
		return -ENOENT;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &procfs_ops;
	s->base.probe = "none";
	s->base.sees_short_lived = false;
	s->hz = sysconf(_SC_CLK_TCK);
	if (s->hz <= 0)
		s->hz = 100;
	s->page_size = sysconf(_SC_PAGESIZE);
	*out = &s->base;
	return 0;
}
