// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The BPF source: loads the context-switch probe and the task iterator,
 * and drains them once per tick.
 *
 * Lifecycle, always in this order: open -> size maps -> choose the switch
 * program (the others do not load) -> load -> attach -> drain ... ->
 * destroy. Every link is held by a file descriptor of this process and
 * nothing is pinned, so whatever way the process ends, the kernel detaches
 * and unloads everything.
 *
 * Two loaders for the same programs. The kernel-side one (a light
 * skeleton, resource_image.lskel.h: a loader program does the CO-RE
 * relocations and loads the rest inside the kernel) reads no BTF in user
 * space: libbpf's own parses the kernel's 5.5 MB BTF twice over at once,
 * which was most of the tool's memory peak at start-up. It serves tp_btf
 * where the kernel has all the programs need (syscall programs, kernel-side
 * CO-RE, the open-coded task iterators); everywhere else, for --btf, and
 * for the raw_tp and kprobe fall-backs, libbpf's skeleton loads them. Once
 * loaded, both are the same descriptors, which the drain uses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <link.h>
#include <sys/mman.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "limits_read.h"
#include "procfs.h"
#include "ringbuf.h"
#include "figures.h"
#include "source.h"
#include "resource_image.skel.h"
#include "resource_image.lskel.h"

#define DEFAULT_EXIT_BUFFER (1u << 20) /* ~8,000 exits per tick */
#define DEFAULT_BTF "/sys/kernel/btf/vmlinux"
/*
 * Process records one round of the per-process walk holds (kernel memory:
 * 176 bytes each); a machine with more processes takes more rounds.
 */
#define PROCS_PER_ROUND 16384u

/* What the probe asked for is called on the command line and in the output. */
static const char *probe_name(enum ri_probe p)
{
	switch (p) {
	case RI_PROBE_TP_BTF:
		return "tp_btf";
	case RI_PROBE_RAW_TP:
		return "raw_tp";
	case RI_PROBE_KPROBE:
		return "kprobe";
	default:
		return "auto";
	}
}

struct bpf_source {
	struct ri_source base;
	/* What loaded the programs: one of the two. */
	struct resource_image_bpf *skel;
	struct ri_lite *lite;
	/* The same whichever did: maps, iterator links (-1: none), globals. */
	int exits_fd, stats_fd, chosen_fd, chosen_comm_fd, procs_fd;
	int iter_fd, procs_iter_fd;
	int recheck_fd;                  /* ri_recheck's link, -1: none */
	volatile __u32 *recheck_pending; /* futex waits found asleep, to re-check */
	struct ri_iter_counts *counts;
	struct ri_procs_round *round;
	volatile __u32 *filter_on;
	volatile __u32 *net_on; /* socket bytes are counted (else RI_F_NO_NET) */
	const char *net_how;    /* how, for -v */
	int net_path;           /* enum net_path */
	unsigned net_fns;       /* the kprobe fall-back's functions found */
	struct bpf_link *net_links[2 * 16]; /* and its links */
	size_t nnet_links;
	struct ri_ring rb;      /* the exits, mapped once (ringbuf.h) */
	size_t rb_size;
	struct ri_task wrapped; /* an exit record that wraps the ring's end */
	struct ri_taskbuf *exited; /* where the ring buffer callback writes */
	int ncpu;
	__u64 *pcpu; /* one value per possible CPU, for per-CPU map reads */
	int oom; /* a callback could not store a record */
	struct ri_machine_reader *mr;
	struct ri_limits_reader *lim;
	/*
	 * Some kernels' task iterator never visits the init process (6.18
	 * here skips every thread of tgid 1, and a link restricted to it,
	 * task.pid or task.tid 1, walks nothing); procfs fills that gap,
	 * its files held open from tick to tick (ri_procfs_read_tgid).
	 */
	struct ri_source *procfs;
	bool init_from_procfs;
	long hz;
	/* The per-process walk (ri_iter_procs), when wanted and loaded. */
	bool want_procs;
	bool per_process; /* a record per process (else per thread) */
	/*
	 * What the last load left out that the kernel refused: 1 the
	 * re-check of futex waits (a sleepable task walk), 2 the state times.
	 */
	int states_drop;
	const char *states_how; /* why the state times are not measured (-v) */
	__u32 *keys; /* PROCS_PER_ROUND keys, for the batch lookup */
	/*
	 * Wait sites: the iterators' records (bss), how many and how many
	 * did not fit; NULL where the object has none or sites are off.
	 */
	struct ri_wait *waits;
	__u32 *waits_n, *waits_lost;
	volatile __u32 *sites_on;
	volatile __u64 *sites_after_ns;
	struct ri_ksyms *ksyms; /* opened before privileges drop; NULL: no sites */
	uint64_t lost_total;
	/*
	 * The "procs" array mapped (BPF_F_MMAPABLE), else NULL: a round's
	 * records are read with one copy where the batch lookup copies each
	 * record and its key in and out of the kernel one by one, 3 ms a
	 * tick with 10,000 thread rows.
	 */
	const struct ri_task *procs_mem;
	size_t procs_mem_len; /* bytes of it mapped */
	bool procs_mappable;
	size_t procs_window; /* bytes of it kept mapped at most */
	struct ri_taskbuf init_threads; /* the init gap, before its sum */
};

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	/* Quiet unless -v: what failed is folded into our one line. */
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * Whether the sched_switch tracepoint passes prev's state (5.18+): its
 * btf_trace_ typedef then points to a prototype of five parameters
 * (void *, preempt, prev, next, prev_state).
 */
static bool switch_has_state_arg(const char *btf_path)
{
	struct btf *btf = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	const struct btf_type *t;
	bool has = false;
	int id;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "btf_trace_sched_switch", BTF_KIND_TYPEDEF);
	if (id > 0) {
		t = btf__type_by_id(btf, (__u32)id);
		t = t ? btf__type_by_id(btf, t->type) : NULL; /* the pointer */
		t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
		has = t && btf_is_func_proto(t) && btf_vlen(t) == 5;
	}
	btf__free(btf);
	return has;
}

/*
 * Whether the kernel has the socket tracepoints the network counters need
 * (sock:sock_send_length and sock:sock_recv_length, 6.3+).
 */
static bool kernel_has_net_tps(const char *btf_path)
{
	struct btf *btf = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	bool has;

	if (!btf)
		return false;
	has = btf__find_by_name_kind(btf, "btf_trace_sock_send_length", BTF_KIND_TYPEDEF) > 0 &&
	      btf__find_by_name_kind(btf, "btf_trace_sock_recv_length", BTF_KIND_TYPEDEF) > 0;
	btf__free(btf);
	return has;
}

/* Which of @names[n] /proc/kallsyms has as functions: a bit each. */
static unsigned kernel_functions(const char *const *names, int n)
{
	char line[512], name[256], type;
	unsigned long long addr;
	unsigned has = 0;
	FILE *f = fopen("/proc/kallsyms", "re");
	int i;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 &&
		    (type == 't' || type == 'T'))
			for (i = 0; i < n; i++)
				if (!strcmp(name, names[i]))
					has |= 1u << i;
	fclose(f);
	return has;
}

enum net_path { NET_NONE, NET_TPS, NET_KPROBES };

/*
 * The kprobe fall-back's functions, by kind (bpf/resource_image.bpf.c):
 * a send's result, a receive's entry and result, a sendpage's entry and
 * result. Not unix_seqpacket_*: they call unix_dgram_*, counted there.
 */
enum { NK_SEND, NK_RECV, NK_PAGE };
static const struct {
	const char *fn;
	int kind;
} net_fns[] = {
	{ "inet_sendmsg", NK_SEND },	    { "inet6_sendmsg", NK_SEND },
	{ "unix_stream_sendmsg", NK_SEND }, { "unix_dgram_sendmsg", NK_SEND },
	{ "inet_recvmsg", NK_RECV },	    { "inet6_recvmsg", NK_RECV },
	{ "unix_stream_recvmsg", NK_RECV }, { "unix_dgram_recvmsg", NK_RECV },
	{ "inet_sendpage", NK_PAGE },	    { "unix_stream_sendpage", NK_PAGE },
};
#define NET_FNS (sizeof(net_fns) / sizeof(net_fns[0]))
_Static_assert(NET_FNS <= 16, "a bit each, two links each (net_links)");

/*
 * How socket bytes can be counted here: the tracepoints (6.3+); else
 * kprobes on the families' calls, where the kernel has kprobes, task
 * storage (5.11+) and at least inet's send and receive; else not at all
 * (n/a), *@why saying so. *@fns: the functions found, a bit each.
 */
static enum net_path choose_net_path(const char *btf_path, unsigned *fns, const char **why)
{
	const char *names[NET_FNS];
	size_t i;

	*fns = 0;
	if (kernel_has_net_tps(btf_path))
		return NET_TPS;
	if (access("/sys/bus/event_source/devices/kprobe", F_OK)) {
		*why = "not counted (no socket tracepoints before 6.3, and no kprobes)";
		return NET_NONE;
	}
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) <= 0) {
		*why = "not counted (no socket tracepoints before 6.3, and no task "
		       "storage before 5.11)";
		return NET_NONE;
	}
	for (i = 0; i < NET_FNS; i++)
		names[i] = net_fns[i].fn;
	*fns = kernel_functions(names, (int)NET_FNS);
	if ((*fns & 0x11) != 0x11) {
		*why = "not counted (no socket tracepoints, and no inet_sendmsg or "
		       "inet_recvmsg to probe)";
		return NET_NONE;
	}
	return NET_KPROBES;
}

/* Detaches the fall-back's kprobes. */
static void net_links_destroy(struct bpf_source *s)
{
	while (s->nnet_links)
		bpf_link__destroy(s->net_links[--s->nnet_links]);
}

/* Attaches the fall-back's programs to every function found; 0 or -errno. */
static int net_kprobes_attach(struct bpf_source *s)
{
	struct resource_image_bpf *k = s->skel;
	size_t i;

	for (i = 0; i < NET_FNS; i++) {
		struct bpf_program *in = NULL, *out = NULL;
		struct bpf_link *l;

		if (!(s->net_fns & (1u << i)))
			continue;
		switch (net_fns[i].kind) {
		case NK_SEND: out = k->progs.ri_net_tx_kp; break;
		case NK_RECV: in = k->progs.ri_net_rx_kp_in; out = k->progs.ri_net_rx_kp; break;
		default: in = k->progs.ri_net_page_kp_in; out = k->progs.ri_net_page_kp; break;
		}
		if (in) {
			if (!(l = bpf_program__attach_kprobe(in, false, net_fns[i].fn)))
				return -errno;
			s->net_links[s->nnet_links++] = l;
		}
		if (!(l = bpf_program__attach_kprobe(out, true, net_fns[i].fn)))
			return -errno;
		s->net_links[s->nnet_links++] = l;
	}
	return 0;
}

/* Whether enum @type of @btf has a value named @name. */
static bool btf_has_enum_value(const struct btf *btf, const char *type, const char *name)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_ENUM);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (__u32)id) : NULL;
	const struct btf_enum *e;

	if (!t)
		return false;
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, e[i].name_off), name))
			return true;
	return false;
}

/*
 * What the state times need of the kernel: task storage (5.11) and
 * bpf_task_pt_regs (5.15) in states_ok; bpf_task_from_pid (6.2), which
 * tells a lock's owner alive, in has_task_from_pid; bpf_copy_from_user_task
 * (5.18), with which ri_recheck reads the futex word of a task found
 * asleep, in @recheck.
 */
static void kernel_has_states(const char *btf_path, bool *ok, bool *from_pid, bool *recheck)
{
	struct btf *btf = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();

	*ok = *from_pid = *recheck = false;
	if (!btf)
		return;
	*ok = btf_has_enum_value(btf, "bpf_map_type", "BPF_MAP_TYPE_TASK_STORAGE") &&
	      btf_has_enum_value(btf, "bpf_func_id", "BPF_FUNC_task_pt_regs");
	*from_pid = btf__find_by_name_kind(btf, "bpf_task_from_pid", BTF_KIND_FUNC) > 0;
	*recheck = *ok && btf_has_enum_value(btf, "bpf_func_id", "BPF_FUNC_copy_from_user_task");
	btf__free(btf);
}

/* The real name of finish_task_switch: often a compiler clone (.isra.0). */
static int find_switch_symbol(char *sym, size_t len)
{
	char line[512], name[256], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "re");
	int found = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (type != 't' && type != 'T')
			continue;
		/* Exact name wins; a "__pfx_" padding entry is never it. */
		if (!strcmp(name, "finish_task_switch")) {
			snprintf(sym, len, "%s", name);
			found = 0;
			break;
		}
		if (!strncmp(name, "finish_task_switch.", 19) && found) {
			snprintf(sym, len, "%s", name);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

static int on_exit_record(void *ctx, const void *data, size_t size)
{
	struct bpf_source *s = ctx;
	struct ri_task *t;

	if (size < sizeof(*t))
		return 0;
	t = ri_taskbuf_push(s->exited);
	if (!t) {
		s->oom++;
		return 0;
	}
	memcpy(t, data, sizeof(*t));
	return 0;
}

static uint64_t stat_sum(struct bpf_source *s, __u32 key)
{
	uint64_t sum = 0;
	int i;

	if (bpf_map_lookup_elem(s->stats_fd, &key, s->pcpu))
		return 0;
	for (i = 0; i < s->ncpu; i++)
		sum += s->pcpu[i];
	return sum;
}

static void sum_counters(struct bpf_source *s, struct ri_drain *d)
{
	d->dropped = stat_sum(s, RI_STAT_EXIT_DROPPED) + (uint64_t)s->oom;
	d->events = stat_sum(s, RI_STAT_SWITCHES);
}

static int init_gap(struct bpf_source *s, const struct ri_iter_counts *c,
		    struct ri_taskbuf *live, struct ri_machine *m)
{
	if (c->init_seen)
		return 0;
	s->init_from_procfs = true;
	return ri_procfs_read_tgid(s->procfs, 1, live, m);
}

/*
 * The same gap in a per-process drain: the init process's threads, as
 * procfs shows them, summed into one record like the walk's.
 */
static int init_gap_process(struct bpf_source *s, const struct ri_iter_counts *c,
			    struct ri_taskbuf *live, struct ri_machine *m)
{
	struct ri_taskbuf *th = &s->init_threads;
	const struct ri_task *lead;
	struct ri_task *r;
	size_t i;
	int err;

	if (c->init_seen)
		return 0;
	s->init_from_procfs = true;
	th->n = 0;
	if ((err = ri_procfs_read_tgid(s->procfs, 1, th, m)) || !th->n)
		return err;
	lead = &th->v[0];
	for (i = 0; i < th->n; i++)
		if (th->v[i].pid == th->v[i].tgid)
			lead = &th->v[i];
	if (!(r = ri_taskbuf_push(live)))
		return -ENOMEM;
	*r = *lead;
	ri_counters_put(r, &(struct ri_counters){ 0 });
	for (i = 0; i < th->n; i++)
		ri_counters_add_task(r, &th->v[i]);
	r->start_ns = r->pstart_ns;
	r->flags |= RI_F_PROC;
	r->nthreads = (__u32)th->n;
	return 0;
}

/*
 * procfs gives start times in clock ticks: give the exit snapshots of the
 * init process the same precision, or the model would take them for
 * other tasks that reuse the PIDs.
 */
static void quantize_init_exits(struct bpf_source *s, struct ri_taskbuf *ex)
{
	uint64_t q = 1000000000ULL / (uint64_t)s->hz;
	size_t i;

	for (i = 0; i < ex->n; i++) {
		if (ex->v[i].tgid != 1)
			continue;
		ex->v[i].start_ns -= ex->v[i].start_ns % q;
		ex->v[i].pstart_ns -= ex->v[i].pstart_ns % q;
	}
}

/*
 * Runs the iterator of link @link_fd once, appending what it writes to @live:
 * records are fixed-size and contiguous, read straight into the buffer.
 */
static int read_iter(int link_fd, struct ri_taskbuf *live)
{
	size_t off = live->n * sizeof(struct ri_task);
	ssize_t r;
	int fd = bpf_iter_create(link_fd);

	if (fd < 0)
		return -errno;
	for (;;) {
		size_t cap = live->cap * sizeof(struct ri_task);

		if (cap - off < sizeof(struct ri_task)) {
			if (ri_taskbuf_reserve(live, live->cap - live->n + 1)) {
				close(fd);
				return -ENOMEM;
			}
			continue;
		}
		r = read(fd, (char *)live->v + off, cap - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	if (r < 0)
		return -errno;
	live->n = off / sizeof(struct ri_task);
	return 0;
}

#define PROCS_MEM_LEN ((size_t)PROCS_PER_ROUND * sizeof(struct ri_task))
/*
 * Bytes of the "procs" array a screen keeps mapped from one drain to the
 * next (ri_source_opts.lean): the kernel maps a BPF array's pages whole
 * at mmap(), so they count in the tool's RSS at once, and the records are
 * copied out at each drain anyway. 128 KiB hold 431 records, a round of
 * most machines' processes; records past them are copied through a window
 * of the same size mapped for the copy alone (the records of 10,000
 * thread rows would otherwise keep 3 to 4 MiB resident twice over, here
 * and in the drain). Other front ends keep the array mapped as far as
 * the rounds needed: mapping windows each drain cost a recording of
 * 10,000 threads a fifth more CPU per tick.
 */
#define PROCS_WINDOW ((size_t)128 << 10)

/* Whether the "procs" array can be mapped (else: the batch lookup). */
static void map_procs(struct bpf_source *s)
{
	s->procs_mappable = s->procs_fd >= 0 && s->procs_iter_fd >= 0;
}

static void unmap_procs(struct bpf_source *s)
{
	if (s->procs_mem)
		munmap((void *)s->procs_mem, s->procs_mem_len);
	s->procs_mem = NULL;
	s->procs_mem_len = 0;
}

/* Bytes @want of the array, rounded up to pages, within its size. */
static size_t procs_span(size_t want, size_t page)
{
	size_t all = (PROCS_MEM_LEN + page - 1) / page * page;

	want = (want + page - 1) / page * page;
	return want < all ? want : all;
}

/*
 * Grows the lasting mapping towards @want bytes (procs_window at most):
 * false when the array cannot be mapped.
 */
static bool procs_map(struct bpf_source *s, size_t want, size_t page)
{
	size_t len;
	void *p;

	if (want > s->procs_window)
		want = s->procs_window;
	if (want <= s->procs_mem_len)
		return true;
	if (!s->procs_mappable)
		return false;
	len = s->procs_mem_len ? s->procs_mem_len : 16 * page;
	while (len < want)
		len *= 2;
	len = procs_span(len < s->procs_window ? len : s->procs_window, page);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, s->procs_fd, 0);
	if (p == MAP_FAILED) {
		s->procs_mappable = false;
		return false;
	}
	unmap_procs(s);
	s->procs_mem = p;
	s->procs_mem_len = len;
	return true;
}

/*
 * Copies the round's first @count records into @dst: those within the
 * lasting mapping from it, the rest through windows mapped at their
 * offset for the copy. False when the array cannot be mapped.
 */
static bool procs_copy(struct bpf_source *s, struct ri_task *dst, size_t count)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), want = count * sizeof(*dst), done;

	if (!procs_map(s, want, page))
		return false;
	done = want < s->procs_mem_len ? want : s->procs_mem_len;
	memcpy(dst, s->procs_mem, done);
	while (done < want) {
		size_t at = done / page * page, len = procs_span(want, page) - at, n;
		void *p;

		if (len > s->procs_window)
			len = s->procs_window;
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, s->procs_fd, (off_t)at);
		if (p == MAP_FAILED)
			return false;
		n = at + len - done < want - done ? at + len - done : want - done;
		memcpy((char *)dst + done, (char *)p + (done - at), n);
		munmap(p, len);
		done += n;
	}
	return true;
}

/*
 * One record per process (ri_iter_procs), round after round while the
 * kernel's list holds more processes than a round: each round fills the
 * "procs" array, read back in one batch.
 */
static int read_procs(struct bpf_source *s, struct ri_taskbuf *live)
{
	struct ri_procs_round *rd = s->round;
	int mfd = s->procs_fd, err;
	__u32 start = 0, tstart = 0, out, count;

	do {
		rd->start = start;
		rd->tstart = tstart;
		rd->threads = !s->per_process;
		rd->n = rd->more = rd->next = rd->tnext = 0;
		/* The program writes nothing to read: reading runs it. */
		if ((err = read_iter(s->procs_iter_fd, live)))
			return err;
		count = rd->n < PROCS_PER_ROUND ? rd->n : PROCS_PER_ROUND;
		if (count && ri_taskbuf_reserve(live, count))
			return -ENOMEM;
		if (count && procs_copy(s, live->v + live->n, count)) {
			live->n += count;
		} else if (count) {
			LIBBPF_OPTS(bpf_map_batch_opts, bo);

			if (bpf_map_lookup_batch(mfd, NULL, &out, s->keys,
						 live->v + live->n, &count, &bo) &&
			    errno != ENOENT)
				return -errno;
			live->n += count;
		}
		/* No progress would loop for ever: a round moves on, or fails. */
		if (rd->more && (rd->next < start || (rd->next == start && rd->tnext <= tstart)))
			return -EIO;
		start = rd->next;
		tstart = rd->tnext;
	} while (rd->more);
	return 0;
}

/*
 * The wait sites the walk just noted, named. The kernel's stacks of
 * threads whose process is not chosen come only once they have been
 * uninterruptible for sites_after_ns.
 */
static int read_sites(struct bpf_source *s, struct ri_site_table *t)
{
	__u32 n;
	int err;

	t->n = 0;
	t->known = s->ksyms && *s->sites_on;
	if (!t->known)
		return 0;
	n = *s->waits_n < RI_MAX_WAITS ? *s->waits_n : RI_MAX_WAITS;
	s->lost_total += *s->waits_lost;
	t->lost = s->lost_total;
	if ((err = ri_wait_sites(s->ksyms, s->waits, n, t)) == -ENOMEM)
		return err;
	/* A read of kallsyms that failed leaves names unknown, not the tick. */
	ri_site_table_sort(t);
	return 0;
}

static int bpf_drain(struct ri_source *base, struct ri_drain *d)
{
	struct bpf_source *s = (struct bpf_source *)base;
	struct ri_taskbuf *live = &d->live, *exited = &d->exited;
	struct ri_iter_counts *c = s->counts;
	bool walk = s->procs_iter_fd >= 0, per_process = walk && s->per_process;
	int r;

	live->n = 0;
	exited->n = 0;
	/*
	 * Futex waits the last walk found asleep: their words, read from
	 * their memory by a sleepable walk, before this one reads the spans.
	 */
	if (s->recheck_fd >= 0 && *s->recheck_pending) {
		*s->recheck_pending = 0;
		if ((r = read_iter(s->recheck_fd, live)))
			return r;
	}
	memset(c, 0, sizeof(*c));
	if (s->waits_n)
		*s->waits_n = *s->waits_lost = 0;
	s->exited = exited;
	d->per_process = per_process;
	d->exits_first = walk;
	if (walk) {
		/*
		 * Exits first: a thread pushes its final counters after it
		 * has left the live sums, so none read here is also in the
		 * walk that follows (one that exits during the walk comes
		 * with the next drain, and its slice with it).
		 */
		r = (int)ri_ring_consume(&s->rb, on_exit_record, s, &s->wrapped,
					 sizeof(s->wrapped));
		if (r < 0)
			return r;
		if ((r = read_procs(s, live)))
			return r;
	} else if ((r = read_iter(s->iter_fd, live))) {
		return r;
	}
	/*
	 * The clocks of the snapshot: the iterator's estimate of a running
	 * task's time is as of now, give or take the walk itself.
	 */
	ri_drain_stamp(d, NULL);
	d->machine.nr_procs = c->procs;
	d->machine.nr_threads = c->threads;
	d->machine.nr_kthreads = c->kthreads;
	d->machine.flags |= RI_MACH_TASKS;
	r = per_process ? init_gap_process(s, c, live, &d->machine) :
			  init_gap(s, c, live, &d->machine);
	if (r)
		return r;

	if (!walk) {
		r = (int)ri_ring_consume(&s->rb, on_exit_record, s, &s->wrapped,
					 sizeof(s->wrapped));
		if (r < 0)
			return r;
	}
	if (s->init_from_procfs)
		quantize_init_exits(s, exited);
	if ((r = read_sites(s, &d->sites)))
		return r;
	sum_counters(s, d);
	if ((r = ri_limits_read(s->lim, d)))
		return r;
	return ri_machine_read(s->mr, &d->machine);
}

static int map_clear(int fd, size_t keysz)
{
	char key[64], next[64];

	/* Deleting while walking restarts from the first key each time. */
	while (!bpf_map_get_next_key(fd, NULL, next)) {
		memcpy(key, next, keysz);
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	}
	return 0;
}

static int bpf_set_filter(struct ri_source *base, const struct ri_filter *f)
{
	struct bpf_source *s = (struct bpf_source *)base;
	int pfd = s->chosen_fd;
	int nfd = s->chosen_comm_fd;
	__u8 one = 1;
	size_t i;
	int err;

	if (!f || (!f->ntgids && !f->nnames)) {
		*s->filter_on = 0;
		map_clear(pfd, sizeof(__u32));
		map_clear(nfd, RI_COMM_LEN);
		return ri_source_set_filter(s->procfs, f);
	}
	/* Widen first, then narrow, so a chosen task is never missed. */
	*s->filter_on = 0;
	if ((err = map_clear(pfd, sizeof(__u32))) || (err = map_clear(nfd, RI_COMM_LEN)))
		return err;
	for (i = 0; i < f->ntgids; i++) {
		__u32 k = (__u32)f->tgids[i];

		if (bpf_map_update_elem(pfd, &k, &one, BPF_ANY))
			return -errno;
	}
	for (i = 0; i < f->nnames; i++) {
		char k[RI_COMM_LEN] = { 0 };

		strncpy(k, f->names[i], RI_COMM_LEN - 1);
		if (bpf_map_update_elem(nfd, k, &one, BPF_ANY))
			return -errno;
	}
	*s->filter_on = 1;
	return ri_source_set_filter(s->procfs, f);
}

static void bpf_close(struct ri_source *base)
{
	struct bpf_source *s = (struct bpf_source *)base;

	ri_ring_unmap(&s->rb);
	/* Closing every descriptor detaches every link. */
	if (s->procs_iter_fd >= 0)
		close(s->procs_iter_fd);
	net_links_destroy(s);
	unmap_procs(s);
	ri_lite__destroy(s->lite);
	resource_image_bpf__destroy(s->skel);
	ri_source_close(s->procfs);
	ri_machine_reader_close(s->mr);
	ri_limits_reader_close(s->lim);
	ri_taskbuf_free(&s->init_threads);
	ri_ksyms_close(s->ksyms);
	free(s->keys);
	free(s->pcpu);
	free(s);
}

static const struct ri_source_ops bpf_ops = {
	.name = "bpf",
	.drain = bpf_drain,
	.set_filter = bpf_set_filter,
	.close = bpf_close,
};

static size_t ring_size(size_t want)
{
	size_t sz = 4096;

	/* The kernel wants a power of two, a multiple of the page size. */
	while (sz < want && sz < (1u << 30))
		sz <<= 1;
	return sz;
}

static int open_ring(struct bpf_source *s, char *why, size_t whylen)
{
	int err;

	err = ri_ring_map(&s->rb, s->exits_fd, s->rb_size);
	if (err)
		snprintf(why, whylen, "ring buffer failed: %s", strerror(-err));
	return err;
}

/*
 * The per-process walk (program @prog_fd, whichever loader loaded it)
 * runs on one task, the tool's own, whatever the number of tasks. Its
 * link is ours to close. Without it (an older kernel, or a kernel that
 * refuses the link) ri_iter serves alone.
 */
static void attach_procs(struct bpf_source *s, int prog_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	union bpf_iter_link_info li;

	memset(&li, 0, sizeof(li));
	li.task.tid = (__u32)getpid();
	lo.iter_info = &li;
	lo.iter_info_len = sizeof(li);
	s->procs_iter_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_ITER, &lo);
	if (s->procs_iter_fd < 0 && verbose)
		fprintf(stderr, "resource_image: per-process walk not attached (%s): "
				"reading every task\n", strerror(errno));
}

/*
 * tp_btf through the kernel-side loader: no BTF read here. Fails where
 * the kernel lacks anything the programs need; the caller then loads them
 * with libbpf.
 */
static int try_lite(struct bpf_source *s, const struct ri_source_opts *o,
		    char *why, size_t whylen)
{
	struct ri_lite *l = ri_lite__open();
	int err;

	if (!l) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	s->lite = l;
	s->rb_size = ring_size(o->exit_buffer ? o->exit_buffer : DEFAULT_EXIT_BUFFER);
	l->maps.exits.max_entries = (__u32)s->rb_size;
	l->maps.procs.max_entries = PROCS_PER_ROUND;
	l->rodata->procs_cap = PROCS_PER_ROUND;
	l->rodata->procs_anchor = (__u32)getpid();
	/*
	 * What this loader serves (6.7+) has the socket tracepoints, and what
	 * the state times need.
	 */
	l->rodata->net_tps = 1;
	l->rodata->raw_state_arg = 1;
	l->rodata->states_ok = 1;
	l->rodata->has_task_from_pid = 1;
	l->rodata->self_tgid = (__u32)getpid();
	err = ri_lite__load(l);
	if (err) {
		err = err < 0 ? err : -EINVAL;
		snprintf(why, whylen, "kernel-side load failed: %s", strerror(-err));
		return err;
	}
	/* The switch program opens and closes the spans alike. */
	if (ri_lite__ri_switch_btf__attach(l) <= 0 || ri_lite__ri_iter__attach(l) <= 0) {
		err = -errno;
		snprintf(why, whylen, "attach failed: %s", strerror(-err));
		return err;
	}
	if (s->want_procs)
		attach_procs(s, l->progs.ri_iter_procs.prog_fd);
	s->net_on = &l->bss->net_on;
	*s->net_on = ri_lite__ri_net_tx__attach(l) > 0 && ri_lite__ri_net_rx__attach(l) > 0;
	s->net_how = *s->net_on ? "tracepoints sock_send_length, sock_recv_length" :
				  "not counted (the socket tracepoints did not attach)";
	s->exits_fd = l->maps.exits.map_fd;
	l->bss->states_on = 1;
	s->recheck_pending = &l->bss->recheck_pending;
	if (ri_lite__ri_recheck__attach(l) > 0)
		s->recheck_fd = l->links.ri_recheck_fd;
	s->stats_fd = l->maps.stats.map_fd;
	s->chosen_fd = l->maps.chosen.map_fd;
	s->chosen_comm_fd = l->maps.chosen_comm.map_fd;
	s->procs_fd = l->maps.procs.map_fd;
	s->iter_fd = l->links.ri_iter_fd;
	s->counts = &l->bss->counts;
	s->round = &l->bss->procs_round;
	s->filter_on = &l->bss->filter_on;
	s->waits = l->bss->waits;
	s->waits_n = &l->bss->waits_n;
	s->waits_lost = &l->bss->waits_lost;
	s->sites_on = &l->bss->sites_on;
	s->sites_after_ns = &l->bss->sites_after_ns;
	return open_ring(s, why, whylen);
}

/*
 * Opens the object and sets it up for switch program @p: sizes, the one
 * switch program that loads, and the per-process walk if @procs.
 */
static int open_object(struct bpf_source *s, const struct ri_source_opts *o,
		       enum ri_probe p, bool procs, char *why, size_t whylen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	int err;

	if (o->btf_path)
		oo.btf_custom_path = o->btf_path;
	s->skel = resource_image_bpf__open_opts(&oo);
	if (!s->skel) {
		err = -errno;
		snprintf(why, whylen, "open failed: %s", strerror(-err));
		return err;
	}
	s->rb_size = ring_size(o->exit_buffer ? o->exit_buffer : DEFAULT_EXIT_BUFFER);
	bpf_map__set_max_entries(s->skel->maps.exits, (__u32)s->rb_size);
	if (p == RI_PROBE_RAW_TP || p == RI_PROBE_TP_BTF)
		s->skel->rodata->raw_state_arg = switch_has_state_arg(o->btf_path);
	bpf_program__set_autoload(s->skel->progs.ri_switch_btf, p == RI_PROBE_TP_BTF);
	bpf_program__set_autoload(s->skel->progs.ri_switch_raw, p == RI_PROBE_RAW_TP);
	bpf_program__set_autoload(s->skel->progs.ri_switch_kp, p == RI_PROBE_KPROBE);
	bpf_program__set_autoload(s->skel->progs.ri_iter_procs, procs);
	s->net_how = "not counted";
	s->net_path = choose_net_path(o->btf_path, &s->net_fns, &s->net_how);
	if (s->net_path != NET_NONE && p == RI_PROBE_KPROBE) {
		/*
		 * The kprobe switch program runs after the switch, in the next
		 * task: an exiting thread's slot is not the current task's and
		 * cannot be read there, so its last bytes would be lost.
		 */
		s->net_path = NET_NONE;
		s->net_how = "not counted (the kprobe switch probe cannot read an "
			     "exiting thread's socket bytes)";
	}
	s->skel->rodata->net_tps = s->net_path != NET_NONE;
	bpf_program__set_autoload(s->skel->progs.ri_net_tx, s->net_path == NET_TPS);
	bpf_program__set_autoload(s->skel->progs.ri_net_rx, s->net_path == NET_TPS);
	bpf_program__set_autoload(s->skel->progs.ri_net_tx_kp, s->net_path == NET_KPROBES);
	bpf_program__set_autoload(s->skel->progs.ri_net_rx_kp_in, s->net_path == NET_KPROBES);
	bpf_program__set_autoload(s->skel->progs.ri_net_rx_kp, s->net_path == NET_KPROBES);
	bpf_program__set_autoload(s->skel->progs.ri_net_page_kp_in, s->net_path == NET_KPROBES);
	bpf_program__set_autoload(s->skel->progs.ri_net_page_kp, s->net_path == NET_KPROBES);
	if (s->net_path == NET_NONE) {
		/*
		 * Nothing uses the task storage then (the verifier drops the
		 * code), but the map would still be made, and kernels before
		 * 5.11 have no such map: a map of one entry stands in.
		 */
		bpf_map__set_type(s->skel->maps.net, BPF_MAP_TYPE_HASH);
		bpf_map__set_max_entries(s->skel->maps.net, 1);
	}
	bool recheck = false;

	s->states_how = NULL;
	if (p != RI_PROBE_TP_BTF)
		s->states_how = "not measured (only the tp_btf switch probe reads them)";
	else if (o->no_states)
		s->states_how = "not measured (--no-states)";
	else if (s->states_drop >= 2)
		s->states_how = "not measured (the kernel refused the programs)";
	if (p == RI_PROBE_TP_BTF && !o->no_states && s->states_drop < 2) {
		bool ok, from_pid;

		kernel_has_states(o->btf_path, &ok, &from_pid, &recheck);
		s->skel->rodata->states_ok = ok;
		s->skel->rodata->has_task_from_pid = from_pid;
		s->skel->rodata->self_tgid = (__u32)getpid();
		recheck = recheck && !s->states_drop;
		if (!ok)
			s->states_how = "not measured (no task storage or bpf_task_pt_regs: "
					"before 5.15)";
	}
	bpf_program__set_autoload(s->skel->progs.ri_recheck, recheck);
	if (!s->skel->rodata->states_ok) {
		/* As for "net": the state times need task storage. */
		bpf_map__set_type(s->skel->maps.states, BPF_MAP_TYPE_HASH);
		bpf_map__set_max_entries(s->skel->maps.states, 1);
	}
	if (procs) {
		s->skel->rodata->procs_cap = PROCS_PER_ROUND;
		s->skel->rodata->procs_anchor = (__u32)getpid();
		bpf_map__set_max_entries(s->skel->maps.procs, PROCS_PER_ROUND);
		/* 5.5+, and the walk needs 6.7: read in place (map_procs). */
		bpf_map__set_map_flags(s->skel->maps.procs,
				       bpf_map__map_flags(s->skel->maps.procs) | BPF_F_MMAPABLE);
	}
	return 0;
}

/*
 * One attempt with one switch program. Returns 0, or a negative errno with
 * what went wrong in @why.
 */
static int try_probe(struct bpf_source *s, const struct ri_source_opts *o,
		     enum ri_probe p, char *why, size_t whylen)
{
	struct bpf_program *sw = NULL;
	struct bpf_link *link;
	bool procs = s->want_procs;
	char sym[256];
	int err;

	s->states_drop = 0;
	if ((err = open_object(s, o, p, procs, why, whylen)))
		return err;
	if (p == RI_PROBE_KPROBE) {
		err = find_switch_symbol(sym, sizeof(sym));
		if (err) {
			snprintf(why, whylen,
				 "no finish_task_switch symbol in /proc/kallsyms");
			return err;
		}
	}

	err = resource_image_bpf__load(s->skel);
	/*
	 * What a kernel may refuse, left out one at a time, what costs only
	 * time first: the per-process walk (it needs the open-coded task
	 * iterators, 6.7+; and 6.12's verifier finds it too complex with the
	 * state times in: every task is read instead), then the re-check of
	 * futex waits (a sleepable task walk), then the state times (n/a).
	 */
	while (err && (s->skel->rodata->states_ok || procs)) {
		const char *what;

		if (procs) {
			what = "per-process walk";
			procs = false;
		} else {
			what = s->states_drop++ ? "state times" : "re-check of futex waits";
		}
		if (verbose)
			fprintf(stderr, "resource_image: %s refused (%s): loading without it\n",
				what, strerror(-err));
		resource_image_bpf__destroy(s->skel);
		s->skel = NULL;
		if ((err = open_object(s, o, p, procs, why, whylen)))
			return err;
		err = resource_image_bpf__load(s->skel);
	}
	if (err) {
		snprintf(why, whylen, "load failed: %s", strerror(-err));
		return err;
	}
	switch (p) {
	case RI_PROBE_TP_BTF:
		sw = s->skel->progs.ri_switch_btf;
		link = bpf_program__attach(sw);
		s->skel->links.ri_switch_btf = link;
		break;
	case RI_PROBE_RAW_TP:
		sw = s->skel->progs.ri_switch_raw;
		link = bpf_program__attach_raw_tracepoint(sw, "sched_switch");
		s->skel->links.ri_switch_raw = link;
		break;
	default:
		sw = s->skel->progs.ri_switch_kp;
		link = bpf_program__attach_kprobe(sw, false, sym);
		s->skel->links.ri_switch_kp = link;
		break;
	}
	if (!link) {
		err = -errno;
		if (p == RI_PROBE_KPROBE &&
		    access("/sys/bus/event_source/devices/kprobe", F_OK))
			snprintf(why, whylen, "this kernel has no kprobe support (%s)",
				 strerror(-err));
		else
			snprintf(why, whylen, "attach failed: %s", strerror(-err));
		return err;
	}
	s->skel->links.ri_iter = bpf_program__attach_iter(s->skel->progs.ri_iter, NULL);
	if (!s->skel->links.ri_iter) {
		err = -errno;
		snprintf(why, whylen, "task iterator failed: %s", strerror(-err));
		return err;
	}
	if (procs)
		attach_procs(s, bpf_program__fd(s->skel->progs.ri_iter_procs));
	s->net_on = &s->skel->bss->net_on;
	if (s->net_path == NET_TPS) {
		s->skel->links.ri_net_tx = bpf_program__attach(s->skel->progs.ri_net_tx);
		s->skel->links.ri_net_rx = bpf_program__attach(s->skel->progs.ri_net_rx);
		*s->net_on = s->skel->links.ri_net_tx && s->skel->links.ri_net_rx;
		s->net_how = *s->net_on ? "tracepoints sock_send_length, sock_recv_length" :
					  "not counted (the socket tracepoints did not attach)";
	} else if (s->net_path == NET_KPROBES) {
		*s->net_on = !net_kprobes_attach(s);
		s->net_how = *s->net_on ? "kprobes on the inet, inet6 and unix sendmsg, "
					  "recvmsg and sendpage" :
					  "not counted (the socket kprobes did not attach)";
	}
	if (!*s->net_on) {
		/* Half attached counts half the calls: none rather than a wrong sum. */
		bpf_link__destroy(s->skel->links.ri_net_tx);
		bpf_link__destroy(s->skel->links.ri_net_rx);
		s->skel->links.ri_net_tx = s->skel->links.ri_net_rx = NULL;
		net_links_destroy(s);
	}
	/* The switch program is attached: it opens and closes the spans. */
	s->skel->bss->states_on = s->skel->rodata->states_ok && p == RI_PROBE_TP_BTF;
	s->recheck_pending = &s->skel->bss->recheck_pending;
	if (bpf_program__autoload(s->skel->progs.ri_recheck)) {
		s->skel->links.ri_recheck = bpf_program__attach_iter(s->skel->progs.ri_recheck,
								     NULL);
		if (s->skel->links.ri_recheck)
			s->recheck_fd = bpf_link__fd(s->skel->links.ri_recheck);
	}
	s->exits_fd = bpf_map__fd(s->skel->maps.exits);
	s->stats_fd = bpf_map__fd(s->skel->maps.stats);
	s->chosen_fd = bpf_map__fd(s->skel->maps.chosen);
	s->chosen_comm_fd = bpf_map__fd(s->skel->maps.chosen_comm);
	s->procs_fd = bpf_map__fd(s->skel->maps.procs);
	s->iter_fd = bpf_link__fd(s->skel->links.ri_iter);
	s->counts = &s->skel->bss->counts;
	s->round = &s->skel->bss->procs_round;
	s->filter_on = &s->skel->bss->filter_on;
	s->waits = s->skel->bss->waits;
	s->waits_n = &s->skel->bss->waits_n;
	s->waits_lost = &s->skel->bss->waits_lost;
	s->sites_on = &s->skel->bss->sites_on;
	s->sites_after_ns = &s->skel->bss->sites_after_ns;
	return open_ring(s, why, whylen);
}

static void undo(struct bpf_source *s)
{
	unmap_procs(s);
	ri_ring_unmap(&s->rb);
	if (s->procs_iter_fd >= 0)
		close(s->procs_iter_fd);
	s->procs_iter_fd = -1;
	net_links_destroy(s);
	s->recheck_fd = -1; /* the skeleton's link: closed with it */
	ri_lite__destroy(s->lite);
	s->lite = NULL;
	resource_image_bpf__destroy(s->skel);
	s->skel = NULL;
}

/*
 * Wait sites need the state times' walk (they are read beside them) and
 * /proc/kallsyms showing addresses, which only an open made now, before
 * the privileges drop, can do.
 */
static void sites_setup(struct bpf_source *s, const struct ri_source_opts *o)
{
	int err;

	if (o->no_sites || !s->sites_on)
		return;
	if (!(s->lite ? s->lite->bss->states_on : s->skel->bss->states_on)) {
		if (verbose)
			fprintf(stderr, "resource_image: wait sites: n/a (no state times)\n");
		return;
	}
	if ((err = ri_ksyms_open(&s->ksyms, NULL))) {
		if (verbose)
			fprintf(stderr, "resource_image: wait sites: n/a (/proc/kallsyms: %s)\n",
				strerror(-err));
		return;
	}
	*s->sites_after_ns = o->sites_after_ns ? o->sites_after_ns : RI_SITES_AFTER_NS;
	*s->sites_on = 1;
}

/*
 * -v: how the programs were loaded, what a drain walks, and which figures
 * this kernel and probe leave n/a (the kernels matrix checks both ways).
 */
static void say_loaded(const struct bpf_source *s)
{
	bool states = s->lite ? s->lite->bss->states_on : s->skel->bss->states_on;

	if (verbose)
		fprintf(stderr, "resource_image: %s loaded by %s; each drain walks %s; "
				"socket bytes: %s; thread states: %s\n",
			s->base.probe, s->lite ? "the kernel (no BTF read here)" : "libbpf",
			s->procs_iter_fd >= 0 ? "processes (threads summed in the kernel)" :
						"every task",
			s->net_how ? s->net_how : "?",
			states ? "measured" :
			s->states_how ? s->states_how :
					"not measured (the wake-up program did not attach)");
}

/*
 * The programs are loaded: the objects they came from (embedded in the
 * tool's read-only data, 450 KiB of it, read once at load) need not stay
 * resident. Every read-only segment of the executable has its pages
 * dropped: they are clean pages of the file, read back from the page
 * cache where touched again (the constants in use), so nothing is lost.
 */
static int shed_segment(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	(void)size;
	(void)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_filesz;

		if (ph->p_type != PT_LOAD || ph->p_flags != PF_R)
			continue;
		lo = (lo + page - 1) / page * page;
		hi = hi / page * page;
		if (hi > lo)
			(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
	}
	return 1; /* the executable comes first: the libraries stay as they are */
}

int ri_source_bpf_open(const struct ri_source_opts *o, struct ri_source **out,
		       char *err, size_t errlen)
{
	static const enum ri_probe order[] = { RI_PROBE_TP_BTF, RI_PROBE_RAW_TP,
					       RI_PROBE_KPROBE };
	const char *btf = o->btf_path ? o->btf_path : DEFAULT_BTF;
	struct bpf_source *s;
	char why[256];
	size_t used = 0, i;
	int ret = -ENOENT;

	verbose = o->verbose;
	libbpf_set_print(libbpf_print);
	if (access(btf, R_OK)) {
		ret = -errno;
		if (o->btf_path)
			snprintf(err, errlen,
				 "kernel BTF not readable at %s (%s): give the "
				 "kernel's BTF file, or use --source procfs",
				 btf, strerror(-ret));
		else
			snprintf(err, errlen,
				 "kernel BTF not readable at %s (%s): this kernel "
				 "lacks CONFIG_DEBUG_INFO_BTF; use --source procfs",
				 btf, strerror(-ret));
		return ret;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &bpf_ops;
	s->base.sees_short_lived = true;
	s->procs_window = o->lean ? PROCS_WINDOW : PROCS_MEM_LEN;
	s->ncpu = libbpf_num_possible_cpus();
	if (s->ncpu <= 0) {
		ret = s->ncpu;
		free(s);
		snprintf(err, errlen, "cannot count the CPUs: %s", strerror(-ret));
		return -EINVAL;
	}

	s->pcpu = calloc((size_t)s->ncpu, sizeof(*s->pcpu));
	if (!s->pcpu) {
		free(s);
		return -ENOMEM;
	}
	s->hz = sysconf(_SC_CLK_TCK);
	if (s->hz <= 0)
		s->hz = 100;
	/*
	 * The open-coded walk serves thread rows too (a record per live
	 * thread): cheaper than iter/task's lookup of every pid.
	 */
	s->per_process = o->per_process;
	s->keys = calloc(PROCS_PER_ROUND, sizeof(*s->keys));
	s->want_procs = s->keys != NULL;
	ret = ri_source_procfs_open(o, &s->procfs, err, errlen);
	if (ret) {
		free(s->keys);
		free(s->pcpu);
		free(s);
		return ret;
	}
	ret = ri_machine_reader_open(&s->mr, o->proc_root);
	if (!ret && (ret = ri_limits_reader_open(&s->lim, o->proc_root, o->cgroup_root)))
		ri_machine_reader_close(s->mr);
	if (ret) {
		snprintf(err, errlen, "/proc/stat unreadable: %s", strerror(-ret));
		ri_source_close(s->procfs);
		free(s->keys);
		free(s->pcpu);
		free(s);
		return ret;
	}

	s->procs_iter_fd = -1;
	s->recheck_fd = -1;
	used = (size_t)snprintf(err, errlen, "no context-switch probe could attach:");
	/* The kernel-side loader has the states built in: --no-states loads with libbpf. */
	if ((o->probe == RI_PROBE_AUTO || o->probe == RI_PROBE_TP_BTF) && !o->btf_path &&
	    !o->no_states) {
		ret = try_lite(s, o, why, sizeof(why));
		if (!ret) {
			s->base.probe = probe_name(RI_PROBE_TP_BTF);
			sites_setup(s, o);
			*out = &s->base;
			map_procs(s);
			say_loaded(s);
			dl_iterate_phdr(shed_segment, NULL);
			return 0;
		}
		if (verbose)
			fprintf(stderr, "resource_image: %s; loading with libbpf\n", why);
		/*
		 * Too complex for this verifier (6.12): the same programs through
		 * libbpf would be too, and each refusal is a long verification.
		 * The per-process walk, which only saves time, goes first.
		 */
		if (ret == -E2BIG)
			s->want_procs = false;
		undo(s);
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (o->probe != RI_PROBE_AUTO && o->probe != order[i])
			continue;
		ret = try_probe(s, o, order[i], why, sizeof(why));
		if (!ret) {
			s->base.probe = probe_name(order[i]);
			sites_setup(s, o);
			*out = &s->base;
			map_procs(s);
			say_loaded(s);
			dl_iterate_phdr(shed_segment, NULL);
			return 0;
		}
		undo(s);
		if (used < errlen)
			used += (size_t)snprintf(err + used, errlen - used, " %s: %s;",
						 probe_name(order[i]), why);
		if (ret == -EPERM || ret == -EACCES)
			break; /* no privilege: the other probes fail alike */
	}
	if (ret == -EPERM || ret == -EACCES)
		snprintf(err, errlen,
			 "BPF denied (%s): run as root or grant CAP_BPF and "
			 "CAP_PERFMON; or use --source procfs",
			 strerror(-ret));
	else if (used && used < errlen && err[used - 1] == ';')
		err[used - 1] = '\0';
	ri_source_close(s->procfs);
	ri_machine_reader_close(s->mr);
	ri_limits_reader_close(s->lim);
	free(s->keys);
	free(s->pcpu);
	free(s);
	return ret;
}
