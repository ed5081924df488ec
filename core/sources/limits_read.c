// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading what processes can run out of (limits_read.h). Per leader and
 * tick: one stat() of /proc/PID/fd (since Linux 6.2 its size is the
 * number of open descriptors, O(1); before, the directory is counted);
 * in turn, /proc/PID/status (swap) every RI_LIMITS_EVERY ticks, limits
 * and cgroup, which hardly ever change, every RI_LIMITS_RARE ticks (and
 * all three when a process is first seen): at 1,000 processes the three
 * files cost about 40 us a process, the stat 4 us. Per cgroup: its files once a tick, however many processes
 * share it, when it sets a limit; else every RI_LIMITS_EVERY ticks.
 *
 * Which files: cgroup v2 names first, then v1's where a hybrid or v1
 * host keeps the controller there (memory, pids, cpu); a file that is
 * not there (the v2 root, a controller not enabled) leaves its field
 * unread (ri_cgroup.have), never 0.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "container.h"
#include "limits_read.h"
#include "procfs.h"


/*
 * What a process's slower files said (limits, status, cgroup), kept from
 * tick to tick: they are read again every RI_LIMITS_EVERY ticks, each
 * process in its own tick of those (its PID decides), and at once for a
 * process not seen before; only /proc/PID/fd is looked at every tick.
 */
struct lim_entry {
	uint32_t tgid;     /* 0: empty slot */
	uint32_t nspid;
	uint64_t pstart;
	uint64_t fd_limit, swap, key; /* key 0: no cgroup known */
	uint64_t read_tick;
	bool ok;
};

/*
 * The paths of a cgroup key some cached process is in, and what they
 * last read: a cgroup with no limit set is read again only every
 * RI_LIMITS_EVERY ticks (its usage and pressure a little late), one
 * with a limit every tick (its headroom, throttling and OOM kills).
 */
struct lim_paths {
	uint64_t key, used_tick, read_tick;
	struct ri_cg_paths p;
	struct ri_cgroup cg;
	struct ri_ct_names names; /* read once, at first sight */
	bool read, limited, named;
};

#define RI_LIMITS_EVERY 8
#define RI_LIMITS_RARE 32 /* a multiple of RI_LIMITS_EVERY */

struct ri_limits_reader {
	int procfd;
	int cgfd;          /* the cgroup root, -1: none */
	char v2base[16];   /* "" (v2 at the root) or "unified" (hybrid); "-": none */
	char *rtroot;      /* where the container runtimes' files are; NULL: / */
	bool fd_size;      /* a real procfs: /proc/PID/fd's size may be its count */
	uint64_t tick;
	struct lim_entry *tab, *next; /* last tick's processes, and this one's */
	size_t ntab;
	size_t ntab_used, nnext_used; /* entries in each */
	struct lim_paths *paths;
	size_t npaths, cpaths;
	char buf[8192];
};

struct ri_cgroup *ri_cg_table_push(struct ri_cg_table *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct ri_cgroup *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	return &c->v[c->n++];
}

int ri_cg_table_copy(struct ri_cg_table *dst, const struct ri_cg_table *src)
{
	dst->n = 0;
	for (size_t i = 0; i < src->n; i++) {
		struct ri_cgroup *cg = ri_cg_table_push(dst);

		if (!cg)
			return -ENOMEM;
		*cg = src->v[i];
	}
	dst->threads_max = src->threads_max;
	dst->known = src->known;
	return 0;
}

const struct ri_cgroup *ri_cg_table_find(const struct ri_cg_table *c, uint64_t key)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].key == key)
			return &c->v[i];
	return NULL;
}

/* ---- reading ---- */

static const char *const v2_files[] = {
	"memory.current", "memory.max",	  "memory.high",  "memory.events", "pids.current",
	"pids.max",	  "cpu.max",	  "cpu.stat",	  "cpu.pressure",  "memory.pressure",
	"io.pressure",
};
static const char *const v1_mem_files[] = {
	"memory.usage_in_bytes", "memory.limit_in_bytes", "memory.soft_limit_in_bytes",
	"memory.failcnt",	 "memory.oom_control",
};
static const char *const v1_pids_files[] = { "pids.current", "pids.max" };
static const char *const v1_cpu_files[] = { "cpu.cfs_quota_us", "cpu.cfs_period_us",
					    "cpu.stat" };

static void read_dir(struct ri_limits_reader *r, const char *dir,
		     const char *const *names, size_t n, struct ri_cgroup *cg)
{
	int fd;

	if (r->cgfd < 0 || !*dir)
		return;
	fd = openat(r->cgfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (ri_procfs_read_at(fd, names[i], r->buf, sizeof(r->buf)) >= 0)
			/* A file that does not read as it should stays unread. */
			(void)ri_parse_cg_file(names[i], r->buf, cg);
	close(fd);
}

/* FNV-1a over the paths: one key per set of cgroups, stable tick to tick. */
static uint64_t paths_key(const struct ri_cg_paths *p)
{
	const char *parts[] = { p->v2, p->mem, p->pids, p->cpu };
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < 4; i++)
		for (const char *c = parts[i];; c++) {
			h = (h ^ (uint8_t)*c) * 1099511628211ull;
			if (!*c)
				break;
		}
	return h ? h : 1;
}

static int add_cgroup(struct ri_limits_reader *r, struct ri_cg_table *t,
		      struct lim_paths *lp, uint64_t key)
{
	const struct ri_cg_paths *p = &lp->p;
	struct ri_cgroup *cg = ri_cg_table_push(t);
	struct ri_container ct;
	char dir[RI_CG_PATH + 24];

	if (!cg)
		return -ENOMEM;
	cg->key = key;
	/* The v2 root's files are the machine's: the header has them. */
	if (r->v2base[0] != '-' && p->v2[0] && strcmp(p->v2, "/")) {
		snprintf(dir, sizeof(dir), "%s%s%s", r->v2base, *r->v2base ? "" : ".",
			 p->v2);
		read_dir(r, dir, v2_files, sizeof(v2_files) / sizeof(v2_files[0]), cg);
	}
	read_dir(r, p->mem, v1_mem_files, sizeof(v1_mem_files) / sizeof(v1_mem_files[0]), cg);
	read_dir(r, p->pids, v1_pids_files, sizeof(v1_pids_files) / sizeof(v1_pids_files[0]),
		 cg);
	read_dir(r, p->cpu, v1_cpu_files, sizeof(v1_cpu_files) / sizeof(v1_cpu_files[0]), cg);
	if (p->mem[0] || p->pids[0] || p->cpu[0])
		cg->flags |= RI_CG_V1;
	/* Named where its memory is limited: v1's memory path, else v2's. */
	if (p->mem[0] && strcmp(strchr(p->mem, '/'), "/"))
		snprintf(cg->path, sizeof(cg->path), "%s", strchr(p->mem, '/'));
	else if (p->v2[0])
		snprintf(cg->path, sizeof(cg->path), "%s", p->v2);
	else if (p->pids[0] || p->cpu[0])
		snprintf(cg->path, sizeof(cg->path), "%s",
			 strchr(p->pids[0] ? p->pids : p->cpu, '/'));
	else
		snprintf(cg->path, sizeof(cg->path), "/");
	/* The runtime's names of its container, once: they do not change. */
	if (!lp->named) {
		lp->named = true;
		if (ri_container_of(cg->path, &ct))
			(void)ri_container_names(r->rtroot, &ct, &lp->names);
	}
	cg->names = lp->names;
	return 0;
}

/*
 * Open descriptors of @tgid: the size of /proc/PID/fd (6.2+: one stat,
 * no open), else its entries counted.
 */
static int count_fds(struct ri_limits_reader *r, uint32_t tgid, uint64_t *n)
{
	struct stat st;
	struct dirent *de;
	char path[32];
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%u/fd", tgid);
	if (fstatat(r->procfd, path, &st, 0))
		return -errno;
	/* Before 6.2 the size is 0; a directory of another filesystem has one. */
	if (r->fd_size && st.st_size > 0) {
		*n = (uint64_t)st.st_size;
		return 0;
	}
	fd = openat(r->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -ENOMEM;
	}
	*n = 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			(*n)++;
	closedir(d);
	return 0;
}

static uint32_t hash_tgid(uint32_t tgid)
{
	return tgid * 2654435761u;
}

static struct lim_entry *slot_of(struct lim_entry *tab, size_t n, uint32_t tgid)
{
	size_t i;

	for (i = hash_tgid(tgid) & (n - 1); tab[i].tgid && tab[i].tgid != tgid; i = (i + 1) & (n - 1))
		;
	return &tab[i];
}

/*
 * The next tick's table: @want processes at most half full. It also
 * holds the last tick's entries, carried over when the size changes:
 * when many processes have just exited, or one is chosen after a
 * thousand were seen (the picker), those outnumber @want, and a table
 * sized for @want alone would fill up and slot_of() would probe it
 * forever.
 */
static int next_table(struct ri_limits_reader *r, size_t want)
{
	size_t n = 64, had = r->ntab_used;

	if (want < had)
		want = had;
	while (n < 2 * want)
		n *= 2;
	if (n != r->ntab) {
		struct lim_entry *a = calloc(n, sizeof(*a)), *b = calloc(n, sizeof(*b));

		if (!a || !b) {
			free(a);
			free(b);
			return -ENOMEM;
		}
		/* Carry the last tick's entries over to the new size. */
		for (size_t i = 0; i < r->ntab; i++)
			if (r->tab[i].tgid)
				*slot_of(a, n, r->tab[i].tgid) = r->tab[i];
		free(r->tab);
		free(r->next);
		r->tab = a;
		r->next = b;
		r->ntab = n;
	}
	memset(r->next, 0, r->ntab * sizeof(*r->next));
	r->nnext_used = 0;
	return 0;
}

static struct lim_paths *paths_of(struct ri_limits_reader *r, uint64_t key)
{
	for (size_t i = 0; i < r->npaths; i++)
		if (r->paths[i].key == key) {
			r->paths[i].used_tick = r->tick;
			return &r->paths[i];
		}
	return NULL;
}

static int keep_paths(struct ri_limits_reader *r, uint64_t key, const struct ri_cg_paths *p)
{
	size_t i, k = 0;

	if (paths_of(r, key))
		return 0;
	/* Those no process used for a while go first. */
	for (i = 0; i < r->npaths; i++)
		if (r->paths[i].used_tick + 2 * RI_LIMITS_EVERY >= r->tick)
			r->paths[k++] = r->paths[i];
	r->npaths = k;
	if (r->npaths == r->cpaths) {
		size_t cap = r->cpaths ? r->cpaths * 2 : 8;
		struct lim_paths *v = realloc(r->paths, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->paths = v;
		r->cpaths = cap;
	}
	memset(&r->paths[r->npaths], 0, sizeof(r->paths[0]));
	r->paths[r->npaths].key = key;
	r->paths[r->npaths].used_tick = r->tick;
	r->paths[r->npaths].p = *p;
	r->npaths++;
	return 0;
}

static bool limited(const struct ri_cgroup *cg)
{
	static const int lims[] = { RI_CGF_mem_max, RI_CGF_mem_high, RI_CGF_pids_max,
				    RI_CGF_cpu_quota_us };

	for (size_t i = 0; i < sizeof(lims) / sizeof(lims[0]); i++)
		if ((cg->have & (1u << lims[i])) &&
		    *(const uint64_t *)((const char *)cg + ri_cg_fields[lims[i]].off) != RI_CG_NONE)
			return true;
	return false;
}

/*
 * status into @e, and with @all limits and cgroup too; -ENOENT when they
 * cannot be read. Without @all, @e holds the last ones already.
 */
static int read_slow(struct ri_limits_reader *r, uint32_t tgid, struct lim_entry *e, bool all)
{
	struct ri_cg_paths paths;
	uint64_t soft = 0, swap = 0;
	uint32_t nspid = 0;
	char name[32];
	int pidfd, err = 0;

	e->ok = false;
	if (!all) {
		/* One file: no directory to open for it. */
		snprintf(name, sizeof(name), "%u/status", tgid);
		if (ri_procfs_read_at(r->procfd, name, r->buf, sizeof(r->buf)) < 0 ||
		    ri_parse_status_limits(r->buf, &swap, &nspid))
			return -ENOENT;
		e->swap = swap;
		e->nspid = nspid;
		e->ok = true;
		e->read_tick = r->tick;
		return 0;
	}
	snprintf(name, sizeof(name), "%u", tgid);
	pidfd = openat(r->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pidfd < 0)
		return -ENOENT;
	if (ri_procfs_read_at(pidfd, "limits", r->buf, sizeof(r->buf)) < 0 ||
	    ri_parse_nofile(r->buf, &soft) ||
	    ri_procfs_read_at(pidfd, "status", r->buf, sizeof(r->buf)) < 0 ||
	    ri_parse_status_limits(r->buf, &swap, &nspid)) {
		close(pidfd);
		return -ENOENT;
	}
	e->fd_limit = soft;
	e->swap = swap;
	e->nspid = nspid;
	e->key = 0;
	e->ok = true;
	e->read_tick = r->tick;
	/* Limits without a cgroup known: the machine's. */
	if (ri_procfs_read_at(pidfd, "cgroup", r->buf, sizeof(r->buf)) >= 0 &&
	    !ri_parse_proc_cgroup(r->buf, &paths)) {
		e->key = paths_key(&paths);
		err = keep_paths(r, e->key, &paths);
	}
	close(pidfd);
	return err;
}

static int read_leader(struct ri_limits_reader *r, struct ri_cg_table *t, struct ri_task *k)
{
	struct lim_entry *was = slot_of(r->tab, r->ntab, k->tgid);
	struct lim_entry *e = slot_of(r->next, r->ntab, k->tgid);
	struct lim_paths *lp;
	uint64_t nfds = 0;
	bool known;
	int err = 0;

	if (count_fds(r, k->tgid, &nfds))
		return -ENOENT;
	r->nnext_used += !e->tgid;
	known = was->tgid == k->tgid && was->pstart == k->pstart_ns && was->ok;
	if (known && (r->tick + k->tgid) % RI_LIMITS_EVERY) {
		*e = *was;
	} else {
		if (known)
			*e = *was;
		e->tgid = k->tgid;
		e->pstart = k->pstart_ns;
		err = read_slow(r, k->tgid, e, !known || !((r->tick + k->tgid) % RI_LIMITS_RARE));
		if (err)
			return err;
	}
	k->nfds = nfds;
	k->fd_limit = e->fd_limit;
	k->swap_bytes = e->swap;
	k->nspid = e->nspid;
	if (!e->key || !(lp = paths_of(r, e->key)))
		return 0;
	if (!ri_cg_table_find(t, e->key)) {
		if (lp->read && !lp->limited &&
		    (r->tick + (uint32_t)e->key) % RI_LIMITS_EVERY) {
			struct ri_cgroup *cg = ri_cg_table_push(t);

			if (!cg)
				return -ENOMEM;
			*cg = lp->cg;
		} else {
			if ((err = add_cgroup(r, t, lp, e->key)))
				return err;
			lp->cg = t->v[t->n - 1];
			lp->read = true;
			lp->limited = limited(&lp->cg);
		}
	}
	k->cg_key = e->key;
	return 0;
}

int ri_limits_read(struct ri_limits_reader *r, struct ri_drain *d)
{
	struct ri_cg_table *t = &d->cgroups;
	const struct ri_task *lead = NULL;
	struct lim_entry *swap;
	size_t leaders = 0;
	uint64_t v;
	int err;

	t->n = 0;
	t->known = true;
	t->threads_max = 0;
	r->tick++;
	/*
	 * Sized for the leaders, the only tasks it keeps: one sized for
	 * every thread (two copies, one cleared each tick) held 3.6 MiB at
	 * 10,000 threads, and clearing it cost a recording more than
	 * reading the processes' limits.
	 */
	for (size_t i = 0; i < d->live.n; i++)
		leaders += d->live.v[i].pid == d->live.v[i].tgid &&
			   !(d->live.v[i].flags & RI_F_KTHREAD);
	if ((err = next_table(r, leaders)))
		return err;
	if (ri_procfs_read_at(r->procfd, "sys/kernel/threads-max", r->buf,
			      sizeof(r->buf)) >= 0 &&
	    !ri_parse_limits_u64(r->buf, &v))
		t->threads_max = v;
	for (size_t i = 0; i < d->live.n; i++) {
		struct ri_task *k = &d->live.v[i];

		k->nfds = k->fd_limit = k->swap_bytes = k->cg_key = 0;
		k->nspid = 0;
		if (k->flags & RI_F_KTHREAD)
			continue;
		if (k->pid != k->tgid) {
			/*
			 * A thread after its leader repeats what does not move:
			 * a recording codes each task against the one before it,
			 * so a process's threads then cost nothing for them.
			 */
			if (lead && lead->tgid == k->tgid) {
				k->fd_limit = lead->fd_limit;
				k->cg_key = lead->cg_key;
			}
			continue;
		}
		lead = k;
		err = read_leader(r, t, k);
		if (err == -ENOMEM)
			return err;
		if (err)
			k->flags |= RI_F_NO_LIMITS;
	}
	/*
	 * A cgroup whose last watched process went since the last tick is
	 * read once more: the OOM kill that ended a process alone in its
	 * cgroup shows in memory.events only now, when nothing points at it.
	 */
	for (size_t i = 0; i < r->npaths; i++) {
		struct lim_paths *lp = &r->paths[i];

		if (lp->used_tick + 1 != r->tick || ri_cg_table_find(t, lp->key))
			continue;
		if ((err = add_cgroup(r, t, lp, lp->key)))
			return err;
	}
	/* What this tick saw is what the next one remembers. */
	swap = r->tab;
	r->tab = r->next;
	r->next = swap;
	r->ntab_used = r->nnext_used;
	return 0;
}

int ri_limits_reader_open(struct ri_limits_reader **out, const char *proc_root,
			  const char *cgroup_root)
{
	struct ri_limits_reader *r = calloc(1, sizeof(*r));
	struct statfs sf;
	struct stat st;

	if (!r)
		return -ENOMEM;
	r->procfd = open(proc_root ? proc_root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->procfd < 0) {
		int err = -errno;

		free(r);
		return err;
	}
	r->fd_size = !fstatfs(r->procfd, &sf) && sf.f_type == PROC_SUPER_MAGIC;
	/* A fake /proc (tests) comes without cgroups unless given some. */
	r->cgfd = cgroup_root || !proc_root ?
			  open(cgroup_root ? cgroup_root : "/sys/fs/cgroup",
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
			  -1;
	/* v2 at the root (v2 only), under unified/ (hybrid), or nowhere (v1). */
	if (r->cgfd >= 0 && !fstatat(r->cgfd, "cgroup.controllers", &st, 0))
		snprintf(r->v2base, sizeof(r->v2base), "%s", "");
	else if (r->cgfd >= 0 && !fstatat(r->cgfd, "unified/cgroup.controllers", &st, 0))
		snprintf(r->v2base, sizeof(r->v2base), "%s", "unified");
	else
		snprintf(r->v2base, sizeof(r->v2base), "%s", "-");
	*out = r;
	return 0;
}

int ri_limits_reader_runtime_root(struct ri_limits_reader *r, const char *root)
{
	char *s = root ? strdup(root) : NULL;

	if (root && !s)
		return -ENOMEM;
	free(r->rtroot);
	r->rtroot = s;
	return 0;
}

void ri_limits_reader_close(struct ri_limits_reader *r)
{
	if (!r)
		return;
	free(r->rtroot);
	close(r->procfd);
	if (r->cgfd >= 0)
		close(r->cgfd);
	free(r->tab);
	free(r->next);
	free(r->paths);
	free(r);
}
