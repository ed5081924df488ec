// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * procfs as the live sources read it: small files, the machine's own
 * counters, and the list of every process.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "procfs.h"

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

void ri_drain_stamp(struct ri_drain *d, const struct ri_clocks *c)
{
	struct timespec b, r;

	if (c) {
		d->clock_ns = c->boot_ns(c->ctx);
		d->unix_time = c->unix_time(c->ctx);
		return;
	}
	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_REALTIME, &r);
	d->clock_ns = (uint64_t)b.tv_sec * 1000000000ULL + (uint64_t)b.tv_nsec;
	d->unix_time = (double)r.tv_sec + (double)r.tv_nsec * 1e-9;
}

void ri_drain_free(struct ri_drain *d)
{
	ri_taskbuf_free(&d->live);
	ri_taskbuf_free(&d->exited);
	free(d->machine.cpu);
	free(d->machine.cpu_online);
	free(d->cgroups.v);
	ri_site_table_free(&d->sites);
	memset(d, 0, sizeof(*d));
}

int ri_machine_reserve(struct ri_machine *m, uint32_t slots)
{
	struct ri_cpu_times *c;
	uint8_t *on;

	if (slots <= m->ncpu_slots && (m->cpu || !slots))
		return 0;
	c = realloc(m->cpu, slots * sizeof(*c));
	if (!c)
		return -ENOMEM;
	m->cpu = c;
	on = realloc(m->cpu_online, slots);
	if (!on)
		return -ENOMEM;
	m->cpu_online = on;
	memset(c + m->ncpu_slots, 0, (slots - m->ncpu_slots) * sizeof(*c));
	memset(on + m->ncpu_slots, 0, slots - m->ncpu_slots);
	m->ncpu_slots = slots;
	return 0;
}

/* --- parsers -------------------------------------------------------------- */

/* The numbers of one "cpu" line, ticks to ns. Returns the end of the line. */
static const char *cpu_times(const char *p, struct ri_cpu_times *t, long hz)
{
	unsigned long long v[10] = { 0 };
	uint64_t ns = 1000000000ULL / (uint64_t)(hz > 0 ? hz : 100);
	char *end;
	int i;

	for (i = 0; i < 10; i++) {
		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			break;
		v[i] = strtoull(p, &end, 10);
		p = end;
	}
	t->user = v[0] * ns;
	t->nice = v[1] * ns;
	t->system = v[2] * ns;
	t->idle = v[3] * ns;
	t->iowait = v[4] * ns;
	t->irq = v[5] * ns;
	t->softirq = v[6] * ns;
	t->steal = v[7] * ns;
	t->guest = v[8] * ns;
	t->guest_nice = v[9] * ns;
	return p;
}

static const char *next_line(const char *p)
{
	p = strchr(p, '\n');
	return p ? p + 1 : NULL;
}

static unsigned long long num_after(const char *line, size_t klen)
{
	return strtoull(line + klen, NULL, 10);
}

int ri_parse_proc_stat(const char *buf, struct ri_machine *m, long hz)
{
	const char *p;
	bool total = false;

	m->ncpu = 0;
	if (m->cpu_online && m->ncpu_slots)
		memset(m->cpu_online, 0, m->ncpu_slots);
	for (p = buf; p && *p; p = next_line(p)) {
		if (!strncmp(p, "cpu ", 4)) {
			cpu_times(p + 4, &m->total, hz);
			total = true;
		} else if (!strncmp(p, "cpu", 3) && isdigit((unsigned char)p[3])) {
			char *end;
			unsigned long id = strtoul(p + 3, &end, 10);

			if (id >= RI_MAX_CPUS)
				continue;
			if (ri_machine_reserve(m, (uint32_t)id + 1))
				return -ENOMEM;
			cpu_times(end, &m->cpu[id], hz);
			m->cpu_online[id] = 1;
			m->ncpu++;
		} else if (!strncmp(p, "ctxt ", 5)) {
			m->ctxt = num_after(p, 5);
		} else if (!strncmp(p, "processes ", 10)) {
			m->forks = num_after(p, 10);
		} else if (!strncmp(p, "procs_running ", 14)) {
			m->nr_running = (uint32_t)num_after(p, 14);
		} else if (!strncmp(p, "procs_blocked ", 14)) {
			m->nr_blocked = (uint32_t)num_after(p, 14);
		}
	}
	return total ? 0 : -EINVAL;
}

int ri_parse_meminfo(const char *buf, struct ri_machine *m)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "MemTotal:", offsetof(struct ri_machine, mem_total) },
		{ "MemFree:", offsetof(struct ri_machine, mem_free) },
		{ "MemAvailable:", offsetof(struct ri_machine, mem_available) },
		{ "Buffers:", offsetof(struct ri_machine, buffers) },
		{ "Cached:", offsetof(struct ri_machine, cached) },
		{ "Shmem:", offsetof(struct ri_machine, shmem) },
		{ "SReclaimable:", offsetof(struct ri_machine, sreclaimable) },
		{ "SwapTotal:", offsetof(struct ri_machine, swap_total) },
		{ "SwapFree:", offsetof(struct ri_machine, swap_free) },
	};
	const char *p;
	size_t i;
	int found = 0;

	for (p = buf; p && *p; p = next_line(p)) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);

			if (strncmp(p, keys[i].key, kl))
				continue;
			*(uint64_t *)((char *)m + keys[i].off) = num_after(p, kl) * 1024;
			found++;
			break;
		}
	}
	return found ? 0 : -EINVAL;
}

int ri_parse_loadavg(const char *buf, struct ri_machine *m)
{
	double a, b, c;

	if (sscanf(buf, "%lf %lf %lf", &a, &b, &c) != 3)
		return -EINVAL;
	m->load1 = a;
	m->load5 = b;
	m->load15 = c;
	return 0;
}

int ri_parse_uptime(const char *buf, struct ri_machine *m)
{
	double up;

	if (sscanf(buf, "%lf", &up) != 1 || !(up >= 0))
		return -EINVAL;
	m->uptime_ns = (uint64_t)(up * 1e9);
	return 0;
}

static void psi_line(const char *p, float avg[3], uint64_t *total)
{
	const char *q;

	if ((q = strstr(p, "avg10=")))
		avg[0] = strtof(q + 6, NULL);
	if ((q = strstr(p, "avg60=")))
		avg[1] = strtof(q + 6, NULL);
	if ((q = strstr(p, "avg300=")))
		avg[2] = strtof(q + 7, NULL);
	if ((q = strstr(p, "total=")))
		*total = strtoull(q + 6, NULL, 10);
}

int ri_parse_pressure(const char *buf, struct ri_psi *p)
{
	const char *l;
	float avg[3];
	bool some = false;

	memset(p, 0, sizeof(*p));
	for (l = buf; l && *l; l = next_line(l)) {
		memset(avg, 0, sizeof(avg));
		if (!strncmp(l, "some ", 5)) {
			psi_line(l, avg, &p->some_us);
			p->some_avg10 = avg[0];
			p->some_avg60 = avg[1];
			p->some_avg300 = avg[2];
			some = true;
		} else if (!strncmp(l, "full ", 5)) {
			psi_line(l, avg, &p->full_us);
			p->full_avg10 = avg[0];
			p->full_avg60 = avg[1];
			p->full_avg300 = avg[2];
		}
	}
	return some ? 0 : -EINVAL;
}

/*
 * "  eth0: rxbytes rxpackets errs drop fifo frame compressed multicast
 * txbytes txpackets ...": two header lines, then an interface a line.
 * Loopback is left out (what the machine sends itself it also receives,
 * and no wire carries it); so are lines that do not parse.
 */
int ri_parse_net_dev(const char *buf, struct ri_machine *m)
{
	const char *l;
	int seen = 0;

	m->net_rx_bytes = m->net_tx_bytes = 0;
	m->net_rx_packets = m->net_tx_packets = 0;
	for (l = buf; l && *l; l = next_line(l)) {
		unsigned long long v[10];
		const char *colon = strchr(l, ':'), *nl = strchr(l, '\n');
		const char *name = l;
		char *end;
		int k;

		if (!colon || (nl && colon > nl))
			continue;
		while (*name == ' ')
			name++;
		if (colon - name == 2 && !strncmp(name, "lo", 2)) {
			seen++;
			continue;
		}
		end = (char *)colon + 1;
		for (k = 0; k < 10; k++) {
			const char *at = end;

			while (*at == ' ')
				at++;
			if (*at < '0' || *at > '9')
				break;
			v[k] = strtoull(at, &end, 10);
		}
		if (k < 10)
			continue;
		m->net_rx_bytes += v[0];
		m->net_rx_packets += v[1];
		m->net_tx_bytes += v[8];
		m->net_tx_packets += v[9];
		seen++;
	}
	return seen ? 0 : -EINVAL;
}

/* --- the machine reader --------------------------------------------------- */

enum { F_STAT, F_MEMINFO, F_LOADAVG, F_UPTIME, F_PSI_CPU, F_PSI_MEM, F_PSI_IO,
       F_NET_DEV, F_COUNT };

static const char *const files[F_COUNT] = {
	"stat", "meminfo", "loadavg", "uptime",
	"pressure/cpu", "pressure/memory", "pressure/io", "net/dev",
};

struct ri_machine_reader {
	int fd[F_COUNT];
	char *buf;
	size_t cap;
	long hz;
	long page_size;
};

int ri_machine_reader_open(struct ri_machine_reader **out, const char *proc_root)
{
	struct ri_machine_reader *r = calloc(1, sizeof(*r));
	int dir, i;

	if (!r)
		return -ENOMEM;
	dir = open(proc_root ? proc_root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		free(r);
		return -errno;
	}
	for (i = 0; i < F_COUNT; i++)
		r->fd[i] = openat(dir, files[i], O_RDONLY | O_CLOEXEC);
	close(dir);
	if (r->fd[F_STAT] < 0) {
		ri_machine_reader_close(r);
		return -ENOENT;
	}
	r->hz = sysconf(_SC_CLK_TCK);
	if (r->hz <= 0)
		r->hz = 100;
	r->page_size = sysconf(_SC_PAGESIZE);
	*out = r;
	return 0;
}

/* The whole of one file into r->buf; its length, or -1. */
static ssize_t slurp(struct ri_machine_reader *r, int f)
{
	size_t off = 0;
	ssize_t n;

	if (r->fd[f] < 0)
		return -1;
	for (;;) {
		if (r->cap - off < 4096) {
			size_t cap = r->cap ? r->cap * 2 : 16384;
			char *b = realloc(r->buf, cap);

			if (!b)
				return -1;
			r->buf = b;
			r->cap = cap;
		}
		n = pread(r->fd[f], r->buf + off, r->cap - off - 1, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (n < 0)
		return -1;
	r->buf[off] = '\0';
	return (ssize_t)off;
}

int ri_machine_read(struct ri_machine_reader *r, struct ri_machine *m)
{
	static const int psi_file[RI_PSI_COUNT] = { F_PSI_CPU, F_PSI_MEM, F_PSI_IO };
	int i, err;

	m->page_size = (uint32_t)r->page_size;
	if (slurp(r, F_STAT) < 0)
		return -EIO;
	if ((err = ri_parse_proc_stat(r->buf, m, r->hz)))
		return err;
	if (slurp(r, F_MEMINFO) >= 0)
		ri_parse_meminfo(r->buf, m);
	if (slurp(r, F_LOADAVG) >= 0)
		ri_parse_loadavg(r->buf, m);
	if (slurp(r, F_UPTIME) >= 0)
		ri_parse_uptime(r->buf, m);
	m->flags |= RI_MACH_PSI;
	for (i = 0; i < RI_PSI_COUNT; i++)
		if (slurp(r, psi_file[i]) < 0 || ri_parse_pressure(r->buf, &m->psi[i]))
			m->flags &= ~RI_MACH_PSI;
	if (slurp(r, F_NET_DEV) >= 0 && !ri_parse_net_dev(r->buf, m))
		m->flags |= RI_MACH_NET;
	else
		m->flags &= ~RI_MACH_NET;
	return 0;
}

void ri_machine_reader_close(struct ri_machine_reader *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < F_COUNT; i++)
		if (r->fd[i] >= 0)
			close(r->fd[i]);
	free(r->buf);
	free(r);
}

/* --- every process, for choosing ----------------------------------------- */

#define CMDLINE_MAX 512

/* NULs between arguments become spaces; bytes that could break a screen, '?'. */
static char *cmdline_text(int dirfd)
{
	char raw[CMDLINE_MAX], out[CMDLINE_MAX * 2];
	ssize_t n = ri_procfs_read_at(dirfd, "cmdline", raw, sizeof(raw));
	ssize_t i;

	if (n <= 0)
		return strdup("");
	for (i = 0; i < n; i++)
		if (!raw[i])
			raw[i] = ' ';
	while (n && raw[n - 1] == ' ')
		raw[--n] = '\0';
	ri_printable(out, sizeof(out), raw, (size_t)n);
	return strdup(out);
}

static int read_entry(int procfd, const char *name, struct ri_proc_entry *e)
{
	char comm[64];
	struct stat st;
	ssize_t n;
	int fd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = ri_procfs_read_at(fd, "comm", comm, sizeof(comm));
	if (n <= 0 || fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	if (comm[n - 1] == '\n')
		comm[--n] = '\0';
	memset(e, 0, sizeof(*e));
	e->pid = atoi(name);
	e->uid = st.st_uid;
	/* The kernel's bytes: filters and choices compare them as they are. */
	memcpy(e->comm, comm, (size_t)n < RI_COMM_LEN - 1 ? (size_t)n : RI_COMM_LEN - 1);
	e->cmdline = cmdline_text(fd);
	close(fd);
	return e->cmdline ? 0 : -1;
}

int ri_proc_list_read(struct ri_proc_list *l, const char *proc_root)
{
	struct ri_proc_entry *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(proc_root ? proc_root : "/proc");

	memset(l, 0, sizeof(*l));
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				closedir(d);
				l->v = v;
				l->n = n;
				ri_proc_list_free(l);
				return -ENOMEM;
			}
			v = nv;
		}
		/* A process that exits while we read is simply left out. */
		if (!read_entry(dirfd(d), de->d_name, &v[n]))
			n++;
	}
	closedir(d);
	l->v = v;
	l->n = n;
	return 0;
}

void ri_proc_list_free(struct ri_proc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].cmdline);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
