// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The kernel side of resource_image.
 *
 * Two programs share one job, "tell user space the kernel's own per-task
 * accounting, losing nothing":
 *
 *  - ri_switch_* (tp_btf, raw_tp or kprobe on finish_task_switch; one
 *    handler behind each, and only one of them is loaded): per switch,
 *    count it, and when the task switched out is dead, push its final
 *    counters to the "exits" ring buffer. That last switch-out is the only
 *    moment that sees *all* of a task's CPU time: sched_process_exit fires
 *    before the task's last run. It reads no clock on the way: a running
 *    task's time is in its se.sum_exec_runtime, which the scheduler keeps
 *    up to date at every tick, and the iterator reads it live.
 *  - ri_iter (iter/task): once per tick, user space reads one snapshot of
 *    every live task's cumulative counters, and the machine's task counts.
 *    Counters are only ever read, never reset, so nothing is lost between
 *    ticks.
 *  - ri_net_tx, ri_net_rx (tp_btf on sock:sock_send_length and
 *    sock:sock_recv_length, 6.3+): the bytes each socket call moved, added
 *    to the calling task's own slot of the "net" task storage, which the
 *    iterators and the exit snapshot read like the kernel's own counters.
 *  - ri_switch_btf also times where each task's wall time goes when it is
 *    off the CPU and not runnable: as a task leaves the CPU to sleep, it
 *    opens a span in its slot of the "states" task storage with the state
 *    it sleeps in (classify()); as it next leaves the CPU, the span is
 *    closed into the state's counter, up to the wake-up the scheduler
 *    stamped (sched_info), all on the run queue's clock, which costs no
 *    clock read. From the wake-up to the switch-in the task is
 *    runnable, which the kernel counts in run_delay, so CPU, run delay and
 *    the states add up to the wall time. Readers add a span still open up
 *    to their own clock reading.
 *  - ri_iter_procs (iter/task on one task, the tool's own): when no
 *    thread rows are wanted, the same per tick, but one record per
 *    process, its threads summed in the kernel. It walks the kernel's
 *    lists of processes and of each one's threads with the open-coded
 *    task iterators (6.7+), which cost a fraction of iter/task's walk of
 *    every pid; where they are missing this program does not load and
 *    ri_iter serves.
 *
 * Every kernel difference is handled with CO-RE (field existence, struct
 * flavours), never with version macros, so one object loads everywhere.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "resource_image.h"

#define PF_KTHREAD 0x00200000
#define TASK_DEAD 0x80

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Set by user space before load (rodata): the tracepoint passes prev's
 * state (5.18+); see ri_switch_raw and ri_switch_btf.
 */
const volatile __u32 raw_state_arg;

/* Set by user space at run time (bss): only chosen tgids are reported. */
volatile __u32 filter_on;

/*
 * Set by user space before load (rodata): socket bytes are counted, into
 * the "net" task storage, by the socket tracepoints (6.3+) or, where the
 * kernel lacks them, by kprobes on the socket calls (task storage and
 * bpf_get_current_task_btf, 5.11+, and kprobes); where neither can be,
 * the verifier drops every use of them. net_on (bss) says the programs
 * are attached: until then, and where they never are, every record says
 * RI_F_NO_NET.
 */
const volatile __u32 net_tps;
volatile __u32 net_on;

/*
 * Set by user space before load (rodata): the kernel has what the state
 * times need (task storage, bpf_task_pt_regs, tp_btf); with it the
 * kfunc that tells whether a lock's owner is alive (bpf_task_from_pid,
 * 6.2+). states_on (bss) says the switch and wake-up programs are both
 * attached: until then every record says RI_F_NO_STATES.
 */
const volatile __u32 states_ok;
const volatile __u32 has_task_from_pid;
volatile __u32 states_on;
/*
 * Spans are timed on the scheduler's run-queue clock (sched_clock), which
 * the switch reads for free; readers convert their CLOCK_MONOTONIC
 * reading with clock_off (bss), CLOCK_MONOTONIC minus the run-queue
 * clock, which the switch program takes as a thread of the tool (tgid
 * self_tgid, rodata) is switched in: a few times per tick, right after
 * the scheduler updated the clock. 0: not taken yet.
 */
const volatile __u32 self_tgid;
volatile __u64 clock_off;
/*
 * Futex waits found asleep by the iterators since user space last ran
 * ri_recheck (bss): it runs it only then.
 */
volatile __u32 recheck_pending;

/* Task counts of the last walk, before the filter (bss, reset by user space). */
struct ri_iter_counts counts;

/* ri_iter_procs: the records a round can hold, and the task it runs on. */
const volatile __u32 procs_cap;
const volatile __u32 procs_anchor;
/* ri_iter_procs: the current round (bss, see struct ri_procs_round). */
struct ri_procs_round procs_round;

/* ri_iter_procs: the process being summed (bss: the walk's own state). */
enum { WALK_SKIP, WALK_COUNT, WALK_EMIT };
struct {
	__u32 idx;     /* processes of the list met so far */
	__u32 state;   /* WALK_*: pass over, count only, count and report */
	__u32 live;    /* its threads that have not begun to exit */
	__u32 kthread;
	__u32 has_mm;  /* memory figures taken from a live thread */
	__u32 skip;    /* threads: live threads to pass over (a split process) */
	__u64 rss_pages, vm_pages; /* threads: the process's memory */
	__u64 now;     /* the walk's clock, for the spans still open (states_now) */
} walk;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* resizable: --exit-buffer */
} exits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RI_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RI_MAX_CHOSEN_PIDS);
	__type(key, __u32); /* tgid */
	__type(value, __u8);
} chosen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RI_MAX_CHOSEN_NAMES);
	__type(key, char[RI_COMM_LEN]); /* process name, NUL-padded */
	__type(value, __u8);
} chosen_comm SEC(".maps");

/*
 * Socket bytes of a task since the tool attached. Only the task itself
 * writes its slot (the tracepoints fire in the caller), so plain adds
 * suffice; a task that never used a socket has no slot, and costs its
 * readers one pointer test, or the look at its states slot's mark. The kernel frees a slot with its task.
 */
struct ri_net {
	__u64 rx;
	__u64 tx;
	/*
	 * The kprobe fall-back's state between a call's entry and return:
	 * the receive is a peek; a sendpage is under way (its fall-back to
	 * sendmsg must not count the bytes twice).
	 */
	__u32 peek;
	__u32 in_sendpage;
	__u32 unmarked; /* its task's states slot does not say it has one yet */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ri_net);
} net SEC(".maps");

/*
 * A task's state times. ns[] holds closed spans; since (the run queue's
 * clock, see rq_clock(); 0 = none) and state the span open while the
 * task sleeps. The task writes since as it leaves the CPU to sleep; as
 * it next leaves the CPU, it clears since and adds the span, which ended
 * at the wake-up the scheduler stamped (span_slept()).
 * Readers take ns[] first and since after, and the closer clears since
 * first: a reader can miss a span being closed for one tick, never count
 * it twice (the model waits for a reading that ran ahead to be caught up).
 */
struct ri_states {
	__u64 ns[RI_NSTATES];
	__u64 since;
	__u64 cpu0, rd0; /* sum_exec_runtime and run_delay as the span opened */
	__u32 state;
	__u32 holder; /* RI_ST_LOCK: the lock owner's TID */
	__u32 born;   /* set up: a task asleep before the tool gets a span */
	__u32 recheck; /* a futex wait found asleep: ri_recheck reads its word */
	/*
	 * The last sleep classified from its descriptors (classify()): the
	 * syscall and its first argument, the state, and the run-queue clock
	 * until which the next sleep with the same key takes that state
	 * without reading the descriptor table again.
	 */
	__u64 c_key;
	__u64 c_until;
	__u32 c_state;
	__u32 c_pad;
	/*
	 * The task has a "net" slot. Every thread walked has a slot here,
	 * and so a pointer to task storage: without this mark the walk would
	 * look each one up in "net" too, a walk of the task's storage list
	 * (two cache misses a thread, 1.5 ms a tick with 10,000 threads).
	 */
	__u32 net;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ri_states);
} states SEC(".maps");

/*
 * ri_iter_procs writes its records here; user space reads them where they
 * lie (mappable: 6.7's kernel-side loader has it; libbpf's sets it when
 * it loads the walk), else in a batch.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
#ifdef RI_LITE
	__uint(map_flags, BPF_F_MMAPABLE);
#endif
	__uint(max_entries, 1); /* sized by user space: procs_cap */
	__type(key, __u32);
	__type(value, struct ri_task);
} procs SEC(".maps");

/*
 * The open-coded task iterators (6.7+). Weak, so that the object still
 * opens where the kernel lacks them; the one program that calls them then
 * fails to load, and user space loads the object without it. The
 * iterator's state is opaque: our own type of its size, so the object
 * builds whatever kernel generated vmlinux.h.
 */
struct ri_task_iter {
	__u64 opaque[3];
} __attribute__((aligned(8)));

#define RI_ITER_ALL_PROCS 0
#define RI_ITER_ALL_THREADS 1

extern int bpf_iter_task_new(struct ri_task_iter *it, struct task_struct *task,
			     unsigned int flags) __weak __ksym;
extern struct task_struct *bpf_iter_task_next(struct ri_task_iter *it) __weak __ksym;
extern void bpf_iter_task_destroy(struct ri_task_iter *it) __weak __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __weak __ksym;
extern void bpf_task_release(struct task_struct *p) __weak __ksym;
extern struct task_struct *bpf_task_from_pid(s32 pid) __weak __ksym;

/* A global function's argument the verifier takes as a trusted pointer. */
#define __arg_trusted __attribute__((btf_decl_tag("arg:trusted")))

/* Kernel layouts that changed over the years (CO-RE flavours). */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

struct task_struct___pre516 {
	unsigned int cpu;
} __attribute__((preserve_access_index));

/* Before 5.5 the boot-based start time had another name. */
struct task_struct___pre55 {
	u64 real_start_time;
} __attribute__((preserve_access_index));

struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

static __always_inline void stat_add(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		*v += 1;
}

/*
 * The state times take the run queue's clock through a task's
 * se.cfs_rq (rq_clock()), which a kernel without group scheduling lacks:
 * there they are n/a.
 */
#define STATES_CLOCK(t) bpf_core_field_exists((t)->se.cfs_rq)

/*
 * Reads a field of a task: a plain load where the verifier trusts the
 * pointer (tp_btf, the task iterator), a probe read elsewhere. @btf is a
 * constant, so each program keeps only one of the two. Plain loads are
 * what keeps the per-switch and per-task costs low.
 */
#define TASK_READ(btf, t, field) ((btf) ? (t)->field : BPF_CORE_READ(t, field))
#define TASK_READ2(btf, t, a, b) ((btf) ? (t)->a->b : BPF_CORE_READ(t, a, b))

static __always_inline __s32 task_cpu(struct task_struct *t, bool btf)
{
	if (bpf_core_field_exists(t->thread_info.cpu))
		return TASK_READ(btf, t, thread_info.cpu);
	return TASK_READ(btf, (struct task_struct___pre516 *)t, cpu);
}

static __always_inline __u64 mm_rss_pages(struct mm_struct *mm, bool btf)
{
	__s64 file, anon, shmem;

	if (!mm)
		return 0;
	if (bpf_core_type_exists(struct mm_rss_stat___pre62)) {
		struct mm_struct___pre62 *old = (void *)mm;

		/*
		 * Probe reads even where @btf: the verifiers of these kernels
		 * (5.10, 6.1) cannot walk an array of atomic_long_t, a typedef
		 * ("Type 'atomic_long_t' is not a struct"), and refuse the load.
		 */
		file = BPF_CORE_READ(old, rss_stat.count[MM_FILEPAGES].counter);
		anon = BPF_CORE_READ(old, rss_stat.count[MM_ANONPAGES].counter);
		shmem = BPF_CORE_READ(old, rss_stat.count[MM_SHMEMPAGES].counter);
	} else {
		/*
		 * percpu_counter.count is the folded value that /proc's
		 * statm and status report (percpu_counter_read_positive).
		 */
		file = TASK_READ(btf, mm, rss_stat[MM_FILEPAGES].count);
		anon = TASK_READ(btf, mm, rss_stat[MM_ANONPAGES].count);
		shmem = TASK_READ(btf, mm, rss_stat[MM_SHMEMPAGES].count);
	}
	file = file < 0 ? 0 : file;
	anon = anon < 0 ? 0 : anon;
	shmem = shmem < 0 ? 0 : shmem;
	return file + anon + shmem;
}

static __always_inline __u64 task_start(struct task_struct *t, bool btf)
{
	if (bpf_core_field_exists(t->start_boottime))
		return TASK_READ(btf, t, start_boottime);
	return TASK_READ(btf, (struct task_struct___pre55 *)t, real_start_time);
}

static __always_inline unsigned int task_state(struct task_struct *t, bool btf)
{
	if (bpf_core_field_exists(t->__state))
		return TASK_READ(btf, t, __state);
	return TASK_READ(btf, (struct task_struct___pre514 *)t, state);
}

/*
 * ps's letter for a state, as the kernel's task_state_index() picks it:
 * TASK_IDLE is 'I', else the highest reportable bit of "RSDTtXZP".
 */
static __always_inline __u32 state_letter(unsigned int st, unsigned int exit_state)
{
	unsigned int s = (st | exit_state) & 0x7f;

	if (st == 0x402) /* TASK_IDLE: TASK_UNINTERRUPTIBLE | TASK_NOLOAD */
		return 'I';
	if (s & 0x40)
		return 'P';
	if (s & 0x20)
		return 'Z';
	if (s & 0x10)
		return 'X';
	if (s & 0x08)
		return 't';
	if (s & 0x04)
		return 'T';
	if (s & 0x02)
		return 'D';
	return s & 0x01 ? 'S' : 'R';
}

/* Cumulative counters of @t, as the kernel accounts them. */
static __always_inline void fill_task(struct ri_task *r, struct task_struct *t,
				      bool btf)
{
	r->cpu_ns = TASK_READ(btf, t, se.sum_exec_runtime);
	r->start_ns = task_start(t, btf);
	r->pstart_ns = task_start(TASK_READ(btf, t, group_leader), btf);
	r->nvcsw = TASK_READ(btf, t, nvcsw);
	r->nivcsw = TASK_READ(btf, t, nivcsw);
	r->pid = TASK_READ(btf, t, pid);
	r->tgid = TASK_READ(btf, t, tgid);
	/*
	 * Parent and owner are the process's: read them from the leader only,
	 * saving two cache misses per thread with ten thousand threads.
	 */
	if (r->pid == r->tgid) {
		r->ppid = TASK_READ2(btf, t, real_parent, tgid);
		r->uid = btf ? t->real_cred->uid.val :
			       BPF_CORE_READ(t, real_cred, uid.val);
		r->cgroup_id = btf ? t->cgroups->dfl_cgrp->kn->id :
				     BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	}
	r->nice = (__s32)TASK_READ(btf, t, static_prio) - 120;
	r->min_flt = TASK_READ(btf, t, min_flt);
	r->maj_flt = TASK_READ(btf, t, maj_flt);
	if (!net_on)
		r->flags |= RI_F_NO_NET;
	if (!states_on || !STATES_CLOCK(t))
		r->flags |= RI_F_NO_STATES;
	if (bpf_core_field_exists(t->sched_info)) {
		r->run_delay_ns = TASK_READ(btf, t, sched_info.run_delay);
		r->pcount = TASK_READ(btf, t, sched_info.pcount);
	} else {
		r->flags |= RI_F_NO_SCHED;
	}
	if (TASK_READ(btf, t, flags) & PF_KTHREAD)
		r->flags |= RI_F_KTHREAD;
	if (bpf_core_field_exists(t->ioac)) {
		r->rchar = TASK_READ(btf, t, ioac.rchar);
		r->wchar = TASK_READ(btf, t, ioac.wchar);
		r->read_bytes = TASK_READ(btf, t, ioac.read_bytes);
		r->write_bytes = TASK_READ(btf, t, ioac.write_bytes);
	} else {
		r->flags |= RI_F_NO_DISK;
	}
	if (btf)
		__builtin_memcpy(r->comm, t->comm, RI_COMM_LEN);
	else
		BPF_CORE_READ_STR_INTO(&r->comm, t, comm);
}

/*
 * With a choice made, a task is reported when its process is chosen by PID
 * or by name. The name is the group leader's, so a process chosen by name
 * is caught even when it is born and dies between two ticks.
 */
static __always_inline bool reported(struct task_struct *t, __u32 tgid)
{
	char comm[RI_COMM_LEN] = {};

	if (!filter_on || bpf_map_lookup_elem(&chosen, &tgid))
		return true;
	BPF_CORE_READ_STR_INTO(&comm, t, group_leader, comm);
	return bpf_map_lookup_elem(&chosen_comm, comm) != NULL;
}

/* The hot path's one load: compared in the field's own width. */
static __always_inline bool task_dead(struct task_struct *t, bool btf)
{
	if (bpf_core_field_exists(t->__state))
		return TASK_READ(btf, t, __state) == TASK_DEAD;
	return TASK_READ(btf, (struct task_struct___pre514 *)t, state) == TASK_DEAD;
}

/*
 * The "net" slot of @t, a task from an iterator, or NULL. A task that
 * never had task storage of any map is told at once from its pointer:
 * most of ten thousand threads, each a helper call and a per-CPU lock
 * saved.
 */
static __always_inline struct ri_net *net_of(struct task_struct *t)
{
	if (bpf_core_field_exists(t->bpf_storage) && !t->bpf_storage)
		return NULL;
	return bpf_task_storage_get(&net, t, 0, 0);
}

/* @r's socket bytes from slot @n (NULL: the task never used a socket). */
static __always_inline void add_net(struct ri_task *r, const struct ri_net *n)
{
	if (n) {
		r->net_rx += n->rx;
		r->net_tx += n->tx;
	}
}

/*
 * ---- State times ----
 *
 * The syscall a sleeping task is in is its pt_regs' orig_ax, x86_64's
 * numbers; elsewhere every interruptible sleep of a user task is OTHER.
 */
#define TASK_INTERRUPTIBLE 0x1
#define TASK_UNINTERRUPTIBLE 0x2
#define TASK_NOLOAD 0x400
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define FUTEX_WAIT 0
#define FUTEX_LOCK_PI 6
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_LOCK_PI2 13
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define RI_POLL_FDS 8  /* poll/select: the first fds looked at */
#define RI_EPOLL_FDS 8 /* epoll: the watched files looked at */
/*
 * How long a sleep classified from its descriptors stands for the next
 * sleeps of the same thread with the same syscall and first argument
 * (struct ri_states' c_key): a thread that sleeps a hundred thousand
 * times a second on one pipe or socket reads its descriptor table a
 * hundred times. A descriptor closed and opened again as another kind of
 * file is classified as the old one for at most this long.
 */
#define RI_CLASS_TTL_NS 10000000ull

enum {
	NR_read = 0, NR_write = 1, NR_poll = 7, NR_readv = 19, NR_writev = 20,
	NR_select = 23, NR_pause = 34, NR_nanosleep = 35, NR_connect = 42,
	NR_accept = 43, NR_sendto = 44, NR_recvfrom = 45, NR_sendmsg = 46,
	NR_recvmsg = 47, NR_wait4 = 61, NR_rt_sigtimedwait = 128,
	NR_rt_sigsuspend = 130, NR_futex = 202, NR_clock_nanosleep = 230,
	NR_epoll_wait = 232, NR_waitid = 247, NR_pselect6 = 270, NR_ppoll = 271,
	NR_epoll_pwait = 281, NR_accept4 = 288, NR_recvmmsg = 299,
	NR_sendmmsg = 307, NR_epoll_pwait2 = 441,
};

static __always_inline bool file_is_socket(struct file *f)
{
	return f && (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFSOCK;
}

/*
 * Whether descriptor @fd of file table @fdt is a socket. Global functions
 * taking the table as a number: the verifier checks each once, not at
 * every call of the loops below.
 */
__noinline int ri_fd_is_socket(__u64 fdt, int fd)
{
	struct fdtable *ft = (struct fdtable *)fdt;
	struct file **fds, *f = NULL;

	if (!ft || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(ft, max_fds))
		return 0;
	fds = BPF_CORE_READ(ft, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return 0;
	return file_is_socket(f);
}

/*
 * Whether epoll descriptor @epfd of file table @fdt watches a socket
 * among its first RI_EPOLL_FDS files (breadth first in its tree).
 */
__noinline int ri_epoll_has_socket(__u64 fdt, int epfd)
{
	struct fdtable *ft = (struct fdtable *)fdt;
	struct rb_node *q[RI_EPOLL_FDS], *n;
	struct file **fds, *f = NULL;
	struct eventpoll *ep;
	__u32 head = 0, tail = 0;

	if (!ft || epfd < 0 || (unsigned int)epfd >= BPF_CORE_READ(ft, max_fds))
		return 0;
	fds = BPF_CORE_READ(ft, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[epfd]) || !f)
		return 0;
	ep = BPF_CORE_READ(f, private_data);
	if (!ep)
		return 0;
	n = BPF_CORE_READ(ep, rbr.rb_root.rb_node);
	if (!n)
		return 0;
	q[tail++ & (RI_EPOLL_FDS - 1)] = n;
	for (int i = 0; i < RI_EPOLL_FDS; i++) {
		struct rb_node *l, *r;

		if (head >= tail)
			break;
		n = q[head++ & (RI_EPOLL_FDS - 1)];
		/* rbn is the first member of struct epitem */
		if (file_is_socket(BPF_CORE_READ((struct epitem *)n, ffd.file)))
			return 1;
		l = BPF_CORE_READ(n, rb_left);
		r = BPF_CORE_READ(n, rb_right);
		if (l && tail < RI_EPOLL_FDS)
			q[tail++ & (RI_EPOLL_FDS - 1)] = l;
		if (r && tail < RI_EPOLL_FDS)
			q[tail++ & (RI_EPOLL_FDS - 1)] = r;
	}
	return 0;
}

/* poll(2)'s array, read from the current task: NET if a socket is in it. */
__noinline int ri_poll_state(__u64 fdt, __u64 ufds, __u32 nfds)
{
	const struct pollfd *p = (const struct pollfd *)ufds;
	int fd;

	if (!nfds)
		return RI_ST_SLEEP; /* poll(NULL, 0, ms): a sleep */
	for (int i = 0; i < RI_POLL_FDS; i++) {
		if (i >= nfds || bpf_probe_read_user(&fd, sizeof(fd), &p[i].fd))
			break;
		if (fd >= 0 && ri_fd_is_socket(fdt, fd))
			return RI_ST_NET;
	}
	return RI_ST_OTHER;
}

/* select(2)'s sets (their first word), read from the current task. */
__noinline int ri_select_state(__u64 fdt, __u32 nfds, __u64 rd, __u64 wr)
{
	__u64 bits = 0, w = 0;

	if (!nfds)
		return RI_ST_SLEEP; /* select(0, ...): a sleep */
	if (rd && bpf_probe_read_user(&bits, sizeof(bits), (const void *)rd))
		return RI_ST_OTHER;
	if (wr && !bpf_probe_read_user(&w, sizeof(w), (const void *)wr))
		bits |= w;
	for (int fd = 0; fd < 64; fd++) {
		if (fd >= nfds)
			break;
		if ((bits & (1ull << fd)) && ri_fd_is_socket(fdt, fd))
			return RI_ST_NET;
	}
	return RI_ST_OTHER;
}

/* @t's file table, as a number for the functions above. */
static __always_inline __u64 fdt(struct task_struct *t)
{
	return (__u64)BPF_CORE_READ(t, files, fdt);
}

/*
 * Whether TID @tid is a live thread of @t's process other than @t (the
 * init namespace's TIDs: a process in a PID namespace of its own has its
 * locks' waits counted as SLEEP).
 */
static __always_inline bool same_process(struct task_struct *t, __u32 tid)
{
	struct task_struct *o;
	bool yes;

	if (!tid || tid == t->pid)
		return false;
	if (!has_task_from_pid)
		return true; /* cannot ask: the owner word's say-so */
	o = bpf_task_from_pid(tid);
	if (!o)
		return false;
	yes = o->tgid == t->tgid && !o->exit_state;
	bpf_task_release(o);
	return yes;
}

/*
 * A futex wait of the current task: LOCK when the word is a lock that a
 * live thread of the same process holds, else SLEEP (a condition
 * variable, a semaphore, a pool waiting for work: nobody holds those).
 * glibc's mutexes sleep on their word with the value 2 ("locked, with
 * waiters") and keep the owner's TID 8 bytes after it; robust and PI
 * mutexes keep the owner's TID in the word itself.
 */
/*
 * Reads a u32 of @t's memory: @t is the current task (a probe read), or,
 * from the sleepable re-check, any task.
 */
static __always_inline long read_user_u32(__u32 *dst, const __u32 *p, struct task_struct *t,
					  bool sleepable)
{
	if (sleepable)
		return bpf_copy_from_user_task(dst, sizeof(*dst), p, t, 0);
	return bpf_probe_read_user(dst, sizeof(*dst), p);
}

static __always_inline __u32 futex_state_of(struct task_struct *t, struct pt_regs *regs,
					    __u32 *holder, bool sleepable)
{
	__u32 *uaddr = (__u32 *)regs->di, op = regs->si & 0x7f, val = regs->dx, owner = 0;

	switch (op) {
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_TRYLOCK_PI:
		if (read_user_u32(&owner, uaddr, t, sleepable))
			return RI_ST_SLEEP;
		owner &= FUTEX_TID_MASK;
		break;
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (val == 2) {
			if (read_user_u32(&owner, uaddr + 2, t, sleepable))
				return RI_ST_SLEEP;
		} else if (val & FUTEX_WAITERS) {
			owner = val & FUTEX_TID_MASK;
		}
		break;
	default:
		return RI_ST_SLEEP;
	}
	if (!same_process(t, owner))
		return RI_ST_SLEEP;
	*holder = owner;
	return RI_ST_LOCK;
}

static __noinline __u32 futex_state(struct task_struct *t, struct pt_regs *regs, __u32 *holder)
{
	return futex_state_of(t, regs, holder, false);
}

/*
 * The state of task @t leaving the CPU (or found asleep) in state @st.
 * @cur: @t is the current task, whose user memory can be read (the
 * futex word, poll's array); a task found asleep by the iterator is
 * classified without it (poll and select: OTHER until it next sleeps;
 * futex: SLEEP until ri_recheck reads its word); a lock's holder goes to
 * @s->holder. When @cur, the state of a sleep in a syscall other than
 * futex is kept in @s's cache for RI_CLASS_TTL_NS of run-queue clock
 * (@now), for the next sleeps in the same syscall on the same first
 * argument: classify_cur() takes it from there without a call.
 */
static __noinline __u32 classify(struct task_struct *t, __u32 st, bool cur, struct ri_states *s,
				 __u64 now)
{
	struct pt_regs *regs;
	__u32 state;
	__u64 key;
	long nr;

	if (st & TASK_UNINTERRUPTIBLE) {
		/* TASK_IDLE: a kernel thread waiting for work, not loading the machine */
		if (st & TASK_NOLOAD)
			return RI_ST_SLEEP;
		return BPF_CORE_READ_BITFIELD(t, in_iowait) ? RI_ST_DISK : RI_ST_BLOCKED;
	}
	if (!(st & TASK_INTERRUPTIBLE))
		return RI_ST_OTHER; /* stopped or traced */
	if (t->flags & PF_KTHREAD)
		return RI_ST_SLEEP;
#if defined(__TARGET_ARCH_x86)
	regs = (struct pt_regs *)bpf_task_pt_regs(t);
	if (!regs)
		return RI_ST_OTHER;
	nr = regs->orig_ax;
	if (nr == NR_futex)
		return cur ? futex_state(t, regs, &s->holder) : RI_ST_SLEEP;
	key = (__u64)nr << 32 | (__u32)regs->di;
	if (cur && s->c_key == key && now < s->c_until)
		return s->c_state;
	switch (nr) {
	case NR_nanosleep:
	case NR_clock_nanosleep:
	case NR_pause:
	case NR_wait4:
	case NR_waitid:
	case NR_rt_sigsuspend:
	case NR_rt_sigtimedwait:
		state = RI_ST_SLEEP;
		break;
	case NR_connect:
	case NR_accept:
	case NR_accept4:
	case NR_sendto:
	case NR_recvfrom:
	case NR_sendmsg:
	case NR_recvmsg:
	case NR_recvmmsg:
	case NR_sendmmsg:
		state = RI_ST_NET;
		break;
	case NR_read:
	case NR_write:
	case NR_readv:
	case NR_writev:
		state = ri_fd_is_socket(fdt(t), (int)regs->di) ? RI_ST_NET : RI_ST_OTHER;
		break;
	case NR_epoll_wait:
	case NR_epoll_pwait:
	case NR_epoll_pwait2:
		state = ri_epoll_has_socket(fdt(t), (int)regs->di) ? RI_ST_NET : RI_ST_OTHER;
		break;
	case NR_poll:
	case NR_ppoll:
		if (!cur)
			return RI_ST_OTHER;
		state = ri_poll_state(fdt(t), regs->di, (__u32)regs->si);
		break;
	case NR_select:
	case NR_pselect6:
		if (!cur)
			return RI_ST_OTHER;
		state = ri_select_state(fdt(t), (__u32)regs->di, regs->si, regs->dx);
		break;
	default:
		state = RI_ST_OTHER;
	}
	if (cur) {
		s->c_key = key;
		s->c_state = state;
		s->c_until = now + RI_CLASS_TTL_NS;
	}
	return state;
#else
	return RI_ST_OTHER;
#endif
}

/*
 * classify() of the current task, the cache taken without calling it:
 * on x86_64 the switch program's calls cost (return thunks) as much as
 * the loads.
 */
static __always_inline __u32 classify_cur(struct task_struct *t, __u32 st, struct ri_states *s,
					  __u64 now)
{
#if defined(__TARGET_ARCH_x86)
	struct pt_regs *regs;

	if ((st & (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)) == TASK_INTERRUPTIBLE &&
	    !(t->flags & PF_KTHREAD) && now < s->c_until) {
		regs = (struct pt_regs *)bpf_task_pt_regs(t);
		if (regs && s->c_key == ((__u64)regs->orig_ax << 32 | (__u32)regs->di) &&
		    regs->orig_ax != NR_futex)
			return s->c_state;
	}
#endif
	return classify(t, st, true, s, now);
}

static __always_inline __u64 run_delay(struct task_struct *t)
{
	return bpf_core_field_exists(t->sched_info) ? t->sched_info.run_delay : 0;
}

/*
 * When the scheduler last queued @t to run (its wake-up; 0: not queued),
 * and last switched it in; on the run queue's clock.
 */
static __always_inline __u64 last_queued(struct task_struct *t)
{
	return bpf_core_field_exists(t->sched_info) ? t->sched_info.last_queued : 0;
}

static __always_inline __u64 last_arrival(struct task_struct *t)
{
	return bpf_core_field_exists(t->sched_info) ? t->sched_info.last_arrival : 0;
}

/*
 * The clock of @t's run queue (sched_clock, as the scheduler last read
 * it), with plain loads: __schedule() brings it up to date before the
 * switch, try_to_wake_up() before it queues a task, and the wake-up stamp
 * sched_info.last_queued is on the same clock. bpf_ktime_get_ns() would
 * cost more than the rest of the switch program (85 ns in a virtual
 * machine). se.cfs_rq, and its rq, come with group scheduling
 * (STATES_CLOCK).
 */
static __always_inline __u64 rq_clock(struct task_struct *t)
{
	if (!STATES_CLOCK(t))
		return 0;
	return t->se.cfs_rq->rq->clock;
}

/*
 * A reader's "now" on the spans' clock: CLOCK_MONOTONIC less clock_off;
 * until the offset is taken, the current CPU's run-queue clock (up to a
 * scheduler tick behind).
 */
static __always_inline __u64 states_now(void)
{
	__u64 off = clock_off;

	if (off)
		return bpf_ktime_get_ns() - off;
	return rq_clock(bpf_get_current_task_btf());
}

/* Opens the span of @t, which sleeps from @now in state @st. */
static __always_inline void span_open(struct ri_states *s, struct task_struct *t, __u32 st,
				      bool cur, __u64 now)
{
	s->holder = 0;
	s->state = cur ? classify_cur(t, st, s, now) : classify(t, st, false, s, now);
	s->cpu0 = t->se.sum_exec_runtime;
	s->rd0 = run_delay(t);
	s->since = now;
}

/*
 * What awake task @t slept of the span opened at @since, seen at @now
 * (on the run queue's clock). The sleep ended at the wake-up: while @t
 * waits in the run queue, at last_queued; once it runs, at its switch-in
 * (last_arrival) less the run-queue wait before it, which the switch-in
 * added to run_delay. A migration in the run queue moves the wait so far
 * into run_delay and stamps last_queued again: the same sum. Where a
 * close was missed and @t has run since the span opened, what it ran
 * before it was last queued is taken off too (its run since its last
 * switch-in is not, as that came after the end). Where the kernel keeps
 * no such stamps, up to @now less what it ran and waited.
 */
static __always_inline __u64 span_slept(struct ri_states *s, struct task_struct *t, __u64 since,
					__u64 now)
{
	__u64 end = now, lq = last_queued(t), la = last_arrival(t), away;

	away = run_delay(t) - s->rd0;
	if (lq > since && lq > la) {
		end = lq;
		away += t->se.sum_exec_runtime - s->cpu0;
	} else if (la > since) {
		end = la;
	} else {
		away += t->se.sum_exec_runtime - s->cpu0;
	}
	if (end <= since)
		return 0;
	return end - since > away ? end - since - away : 0;
}

/*
 * Closes the span of @t at its first switch-out since it woke (the
 * switch program's one lookup of a switch; a span whose close that
 * missed, the slot busy, say, is closed the same way at the next one).
 * since is cleared first (see struct ri_states).
 */
static __always_inline void span_close(struct ri_states *s, struct task_struct *t, __u64 now)
{
	__u64 since = s->since, d;
	__u32 st = s->state;

	*(volatile __u64 *)&s->since = 0;
	asm volatile("" ::: "memory");
	d = span_slept(s, t, since, now);
	if (st < RI_NSTATES)
		s->ns[st] += d;
}

/*
 * The per-switch part: @prev leaves the CPU in state @st (0: still
 * runnable, preempted, counted by run_delay; TASK_DEAD: its exit record
 * carries its times). The span it opened as it last went to sleep is
 * closed here, the first time it leaves the CPU since; if it sleeps
 * again, it opens the next. One task storage lookup, and none for a
 * preempted task that never had task storage (told at once from its
 * pointer) or the idle task.
 */
static __always_inline void states_switch(struct task_struct *prev, struct task_struct *next,
					  bool preempt, __u32 st)
{
	bool sleeps = !preempt && st && st != TASK_DEAD;
	struct ri_states *s;
	__u64 now;

	if (self_tgid && next->tgid == self_tgid)
		clock_off = bpf_ktime_get_ns() - rq_clock(next);
	if (st == TASK_DEAD || !prev->pid || !STATES_CLOCK(prev))
		return;
	if (!sleeps && bpf_core_field_exists(prev->bpf_storage) && !prev->bpf_storage)
		return;
	s = bpf_task_storage_get(&states, prev, 0, sleeps ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	if (!s)
		return;
	now = rq_clock(prev);
	if (s->since)
		span_close(s, prev, now);
	if (!sleeps)
		return;
	s->born = 1;
	span_open(s, prev, st, true, now);
}

/*
 * @r's state times from slot @s (NULL: never slept since the tool began)
 * of task @t (NULL: it is not running, the exit snapshot). A span still
 * open counts up to @now (the spans' clock) while @t sleeps. If @t is
 * awake, it has not left the CPU since it woke, when the switch program
 * closes its span: the span holds what span_slept() gives, as the close
 * will make it, not the time @t has been waiting for a CPU or running
 * since.
 */
static __always_inline void add_states(struct ri_task *r, struct ri_states *s,
				       struct task_struct *t, __u64 now, bool one)
{
	__u64 since;
	__u32 st;

	if (!s)
		return;
	for (int i = 0; i < RI_NSTATES; i++)
		r->state_ns[i] += s->ns[i];
	asm volatile("" ::: "memory");
	since = *(volatile __u64 *)&s->since;
	st = s->state;
	if (!since || st >= RI_NSTATES)
		return;
	if (t && !task_state(t, true)) {
		r->state_ns[st] += span_slept(s, t, since, now);
		return;
	}
	if (now <= since)
		return;
	r->state_ns[st] += now - since;
	if (one) {
		r->wait_state = st + 1;
		r->lock_holder = st == RI_ST_LOCK ? s->holder : 0;
	}
}

/* Whether @t, asleep in state @st, sleeps in a futex wait (x86_64). */
static __always_inline bool is_futex_wait(struct task_struct *t, __u32 st)
{
#if defined(__TARGET_ARCH_x86)
	struct pt_regs *regs;

	if (!(st & TASK_INTERRUPTIBLE) || (st & TASK_UNINTERRUPTIBLE) || (t->flags & PF_KTHREAD))
		return false;
	regs = (struct pt_regs *)bpf_task_pt_regs(t);
	return regs && regs->orig_ax == NR_futex;
#else
	return false;
#endif
}

/*
 * A task the iterators find with no slot, or with a slot it never
 * opened a span in: asleep since before the tool began. Its span opens
 * now, classified from outside (see classify()).
 */
static __always_inline struct ri_states *states_of(struct task_struct *t, __u64 now)
{
	struct ri_states *s;
	__u32 st;

	s = bpf_task_storage_get(&states, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s || s->born)
		return s;
	s->born = 1;
	st = task_state(t, true);
	if (st && !t->on_cpu && !t->exit_state) {
		span_open(s, t, st, false, now);
		if (is_futex_wait(t, st)) {
			s->recheck = 1;
			recheck_pending = 1;
		}
	}
	return s;
}

/*
 * A task found asleep in a futex wait by the iterators (states_of) was
 * counted SLEEP: its futex word could not be read from there. Run by user
 * space before the next read of the iterators when any such task was
 * found, this sleepable walk reads the word from the task's memory and
 * makes the span LOCK where the word is a lock a live thread holds. The
 * span is a tick old at most, and so was what was counted SLEEP of it.
 */
SEC("iter.s/task")
int ri_recheck(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct ri_states *s;
	struct pt_regs *regs;
	__u32 holder = 0;

	if (!t || !states_ok)
		return 0;
	s = bpf_task_storage_get(&states, t, 0, 0);
	if (!s || !s->recheck)
		return 0;
	s->recheck = 0;
	if (!s->since || s->state != RI_ST_SLEEP)
		return 0;
#if defined(__TARGET_ARCH_x86)
	regs = (struct pt_regs *)bpf_task_pt_regs(t);
	if (!regs || regs->orig_ax != NR_futex)
		return 0;
	if (futex_state_of(t, regs, &holder, true) == RI_ST_LOCK) {
		s->holder = holder;
		s->state = RI_ST_LOCK;
	}
#endif
	return 0;
}

/*
 * The rare path: a task's last switch-out. @cur says the current task is
 * @prev (sched_switch fires before the switch; finish_task_switch after
 * it), whose socket bytes are then read through the helper that gives
 * the current task as a pointer task storage accepts.
 */
static __noinline int record_exit(struct task_struct *prev, __u32 cpu, bool cur)
{
	__u32 tgid = BPF_CORE_READ(prev, tgid);
	struct ri_task *r;

	if (!reported(prev, tgid))
		return 0;
	r = bpf_ringbuf_reserve(&exits, sizeof(*r), 0);
	if (!r) {
		/* A silent drop would be a lie in the numbers: count it. */
		stat_add(RI_STAT_EXIT_DROPPED);
		return 0;
	}
	__builtin_memset(r, 0, sizeof(*r));
	fill_task(r, prev, false);
	if (net_tps && cur)
		add_net(r, bpf_task_storage_get(&net, bpf_get_current_task_btf(), 0, 0));
	else
		r->flags |= RI_F_NO_NET;
	/* It was running: no span is open. */
	if (states_ok && cur)
		add_states(r, bpf_task_storage_get(&states, bpf_get_current_task_btf(), 0, 0), NULL,
			   0, false);
	else
		r->flags |= RI_F_NO_STATES;
	r->cpu = cpu;
	r->state = 'X';
	r->flags |= RI_F_EXITED;
	/* The rare path may read a clock: the one start times are on. */
	r->exit_ns = bpf_ktime_get_boot_ns();
	bpf_ringbuf_submit(r, 0);
	stat_add(RI_STAT_EXITS);
	return 0;
}

/*
 * The hot path: runs on every context switch of the machine. It counts the
 * switch in this CPU's own slot and looks at one field of the task leaving;
 * only a task's last switch-out does more.
 *
 * It reads no clock: in a virtual machine that costs more than the whole
 * program (85 ns here, with kvm-clock); the state times take the run
 * queue's, which the scheduler has just read. The run in progress of a task that
 * never leaves its CPU is in its se.sum_exec_runtime anyway, which the
 * scheduler brings up to date at every tick.
 */
static __always_inline int on_switch(struct task_struct *prev, bool btf)
{
	stat_add(RI_STAT_SWITCHES);
	if (task_dead(prev, btf))
		return record_exit(prev, bpf_get_smp_processor_id(), btf);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(ri_switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	/*
	 * The state __schedule() read as it began, when the tracepoint passes
	 * it: by now a waker on another CPU may have made __state
	 * TASK_WAKING.
	 */
	if (states_ok)
		states_switch(prev, next, preempt,
			      raw_state_arg ? (__u32)ctx[3] : task_state(prev, true));
	return on_switch(prev, true);
}

#ifndef RI_LITE
/*
 * The fall-backs, not in the object for the kernel-side loader (RI_LITE,
 * see core/sources/source_bpf.c): that one loads every program it holds, and
 * serves tp_btf alone.
 *
 * Since 5.18 the tracepoint passes prev's state as a fourth argument: a
 * raw_tp program can take it from its context instead of a probe read,
 * which costs as much as the rest of the program. User space says whether
 * the argument exists (from the kernel's BTF); on older kernels the
 * verifier drops that branch, and with it the access to ctx[3], which
 * would otherwise refuse the attach.
 */
SEC("raw_tp/sched_switch")
int ri_switch_raw(__u64 *ctx)
{
	struct task_struct *prev = (struct task_struct *)ctx[1];
	bool dead;

	stat_add(RI_STAT_SWITCHES);
	if (raw_state_arg)
		dead = (__u32)ctx[3] == TASK_DEAD;
	else
		dead = task_dead(prev, false);
	return dead ? record_exit(prev, bpf_get_smp_processor_id(), true) : 0;
}

/*
 * finish_task_switch(prev) runs once the switch is done. The symbol is
 * resolved at run time (it is often a clone such as
 * finish_task_switch.isra.0), hence no target in the section name.
 */
SEC("kprobe")
int BPF_KPROBE(ri_switch_kp, struct task_struct *prev)
{
	/* "next" (the current task) is not needed: nothing is noted of it. */
	return on_switch(prev, false);
}
#endif /* RI_LITE */

/*
 * The current task's "net" slot, made on its first socket call, and the
 * mark in its states slot that the walk tests before it looks in "net"
 * (made here should the task not have left a CPU yet: born stays 0, as
 * for a slot the walk makes). Marked once; again while it could not be.
 */
static __always_inline struct ri_net *net_create(void)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct ri_states *s;
	struct ri_net *n;

	n = bpf_task_storage_get(&net, cur, 0, 0);
	if (n && !n->unmarked)
		return n;
	if (!n)
		n = bpf_task_storage_get(&net, cur, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!n || !states_ok)
		return n;
	s = bpf_task_storage_get(&states, cur, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (s)
		s->net = 1;
	n->unmarked = !s;
	return n;
}

/*
 * Bytes a socket call of the current task moved: every send and receive
 * of every family goes through sock_sendmsg or sock_recvmsg, write(2),
 * read(2) and sendfile(2) or splice(2) towards a socket included. @ret is
 * the call's result (an error when negative); a peek leaves its bytes in
 * the socket, for the receive that takes them.
 */
static __always_inline void count_net(int ret, bool rx)
{
	struct ri_net *n;

	if (ret <= 0)
		return;
	n = net_create();
	if (!n)
		return;
	if (rx)
		n->rx += (__u32)ret;
	else
		n->tx += (__u32)ret;
}

#ifndef MSG_PEEK
#define MSG_PEEK 2
#endif

SEC("tp_btf/sock_send_length")
int BPF_PROG(ri_net_tx, struct sock *sk, int ret, int flags)
{
	count_net(ret, false);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(ri_net_rx, struct sock *sk, int ret, int flags)
{
	if (!(flags & MSG_PEEK))
		count_net(ret, true);
	return 0;
}

#ifndef RI_LITE /* a fall-back too: see ri_switch_raw */
/*
 * The fall-back before 6.3, on kprobes: the families' own sendmsg and
 * recvmsg (inet_, inet6_, unix_stream_ and unix_dgram_), which
 * sock_sendmsg and sock_recvmsg call through the socket's ops; those two
 * are often inlined into the system calls, their symbols then seeing
 * only the kernel's own callers. User space attaches each program to
 * every function of its kind the kernel has. Before 6.5 sendfile(2) and
 * splice(2) to a socket go through the families' sendpage instead, whose
 * fall-back for sockets without one calls sendmsg: counted once, there.
 */
static __always_inline struct ri_net *net_slot(void)
{
	return net_create();
}

SEC("kretprobe")
int BPF_KRETPROBE(ri_net_tx_kp, int ret)
{
	struct ri_net *n = net_slot();

	if (n && !n->in_sendpage && ret > 0)
		n->tx += (__u32)ret;
	return 0;
}

/* recvmsg(sock, msg, size, flags) in every family probed. */
SEC("kprobe")
int BPF_KPROBE(ri_net_rx_kp_in, void *sock, void *msg, __u64 size, int flags)
{
	struct ri_net *n = net_slot();

	if (n)
		n->peek = !!(flags & MSG_PEEK);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(ri_net_rx_kp, int ret)
{
	struct ri_net *n = net_slot();

	if (n && !n->peek && ret > 0)
		n->rx += (__u32)ret;
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(ri_net_page_kp_in)
{
	struct ri_net *n = net_slot();

	if (n)
		n->in_sendpage++;
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(ri_net_page_kp, int ret)
{
	struct ri_net *n = net_slot();

	if (!n)
		return 0;
	if (n->in_sendpage)
		n->in_sendpage--;
	if (ret > 0)
		n->tx += (__u32)ret;
	return 0;
}
#endif /* RI_LITE */

/*
 * ---- Wait sites ----
 *
 * Read by the iterators only, never at a switch. sites_on (bss) is set by
 * user space once it can symbolize what it gets; sites_after_ns (bss) is
 * how long a thread of a process not chosen must have been asleep
 * uninterruptible before its site is read. waits_n counts the entries of
 * this drain (user space resets it), waits_lost those that did not fit.
 */
volatile __u32 sites_on;
volatile __u64 sites_after_ns;
__u32 waits_n;
__u32 waits_lost;
struct ri_wait waits[RI_MAX_WAITS];

/*
 * Notes where @t sleeps if it is wanted: any sleeping thread of a
 * process reported under a choice (the iterators report only chosen
 * ones then), else an uninterruptible one whose span has been open for
 * sites_after_ns. The stack of a task on a CPU would be a guess: skipped.
 */
static __always_inline void wait_site(struct task_struct *t, __u64 now)
{
	struct ri_states *s;
	struct ri_wait *w;
	__u32 st, i;
	long n;

	if (!sites_on)
		return;
	st = task_state(t, true);
	if (!st || t->on_cpu)
		return;
	if (!filter_on) {
		if (!(st & TASK_UNINTERRUPTIBLE) || (st & TASK_NOLOAD))
			return;
		s = bpf_task_storage_get(&states, t, 0, 0);
		if (!s || !s->since || now <= s->since || now - s->since < sites_after_ns)
			return;
	}
	i = waits_n;
	if (i >= RI_MAX_WAITS) {
		waits_lost++;
		return;
	}
	waits_n = i + 1;
	w = &waits[i];
	w->tid = t->pid;
	w->tgid = t->tgid;
	w->nr = -1;
#if defined(__TARGET_ARCH_x86)
	if (!(t->flags & PF_KTHREAD)) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);

		if (regs)
			w->nr = (__s32)regs->orig_ax;
	}
#endif
	n = bpf_get_task_stack(t, w->ips, sizeof(w->ips), 0);
	w->nframes = n > 0 ? (__u32)n / sizeof(__u64) : 0;
}

SEC("iter/task")
int ri_iter(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	struct ri_task r = {};
	struct ri_states *s = NULL;
	struct mm_struct *mm;
	unsigned int flags;

	if (!t)
		return 0;
	/* Dead or zombie: its final snapshot travels through "exits". */
	if (t->exit_state)
		return 0;
	flags = t->flags;
	if (flags & PF_KTHREAD) {
		counts.kthreads++;
	} else {
		counts.threads++;
		if (t->pid == t->tgid)
			counts.procs++;
	}
	if (t->tgid == 1)
		counts.init_seen = 1;
	if (!reported(t, t->tgid))
		return 0;

	fill_task(&r, t, true);
	if (states_ok && states_on) {
		__u64 now = states_now();

		s = states_of(t, now);
		add_states(&r, s, t, now, true);
		wait_site(t, now);
	}
	if (net_tps && (!s || s->net))
		add_net(&r, net_of(t));
	mm = t->mm;
	r.rss_pages = mm_rss_pages(mm, true);
	if (mm && r.pid == r.tgid)
		r.vm_pages = mm->total_vm;
	r.cpu = task_cpu(t, true);
	r.state = state_letter(task_state(t, true), 0);
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

/*
 * Adds the cumulative counters of one live thread to a process's record.
 * The same fields fill_task reads, straight from the trusted pointers the
 * task iterators give.
 */
static __always_inline void add_thread(struct ri_task *r, struct task_struct *t)
{
	struct ri_states *s = NULL;

	r->cpu_ns += t->se.sum_exec_runtime;
	r->nvcsw += t->nvcsw;
	r->nivcsw += t->nivcsw;
	r->min_flt += t->min_flt;
	r->maj_flt += t->maj_flt;
	if (bpf_core_field_exists(t->sched_info)) {
		r->run_delay_ns += t->sched_info.run_delay;
		r->pcount += t->sched_info.pcount;
	}
	if (bpf_core_field_exists(t->ioac)) {
		r->rchar += t->ioac.rchar;
		r->wchar += t->ioac.wchar;
		r->read_bytes += t->ioac.read_bytes;
		r->write_bytes += t->ioac.write_bytes;
	}
	if (states_ok && states_on) {
		s = states_of(t, walk.now);
		add_states(r, s, t, walk.now, false);
		wait_site(t, walk.now);
	}
	/* A thread with a states slot but no mark has no "net" slot. */
	if (net_tps && (!s || s->net))
		add_net(r, net_of(t));
}


/* Ends the process being summed: counts it, and keeps its record. */
static __always_inline void walk_close(void)
{
	__u32 key = procs_round.n;
	struct ri_task *r;

	if (walk.state == WALK_SKIP || !walk.live)
		return;
	if (walk.kthread) {
		counts.kthreads += walk.live;
	} else {
		counts.threads += walk.live;
		counts.procs++;
	}
	if (walk.state != WALK_EMIT || procs_round.threads)
		return;
	r = bpf_map_lookup_elem(&procs, &key);
	if (!r)
		return;
	r->nthreads = walk.live;
	procs_round.n = key + 1;
}

/*
 * A process begins with its leader @p: closes the one before, and opens
 * its record with the leader's identity, counters at zero. Returns 1 when
 * the round is full. A global function, so the verifier checks it once
 * rather than in every state of the walk's loop (from 0.5 s to a few ms
 * of loading).
 */
__noinline int ri_walk_leader(struct task_struct *p __arg_trusted)
{
	struct ri_task *r;
	__u32 key;

	walk_close();
	walk.state = WALK_SKIP;
	walk.live = 0;
	walk.has_mm = 0;
	/* The idle task heads the list; it is no process. */
	if (!p->pid || walk.idx++ < procs_round.start)
		return 0;
	if (procs_round.n >= procs_cap) {
		procs_round.more = 1;
		procs_round.next = walk.idx - 1;
		return 1;
	}
	walk.kthread = !!(p->flags & PF_KTHREAD);
	walk.state = WALK_COUNT;
	walk.skip = walk.idx - 1 == procs_round.start ? procs_round.tstart : 0;
	walk.rss_pages = walk.vm_pages = 0;
	if (p->tgid == 1)
		counts.init_seen = 1;
	if (!reported(p, p->tgid))
		return 0;
	if (procs_round.threads) {
		/* Each thread takes a record of its own (walk_thread). */
		walk.state = WALK_EMIT;
		return 0;
	}
	key = procs_round.n;
	r = bpf_map_lookup_elem(&procs, &key);
	if (!r)
		return 0;
	walk.state = WALK_EMIT;
	__builtin_memset(r, 0, sizeof(*r));
	r->start_ns = task_start(p, true);
	r->pstart_ns = r->start_ns;
	r->pid = p->pid;
	r->tgid = p->tgid;
	r->ppid = p->real_parent->tgid;
	r->uid = p->real_cred->uid.val;
	r->cgroup_id = p->cgroups->dfl_cgrp->kn->id;
	r->nice = (__s32)p->static_prio - 120;
	r->flags = RI_F_PROC | (walk.kthread ? RI_F_KTHREAD : 0);
	if (!bpf_core_field_exists(p->sched_info))
		r->flags |= RI_F_NO_SCHED;
	if (!bpf_core_field_exists(p->ioac))
		r->flags |= RI_F_NO_DISK;
	if (!net_on)
		r->flags |= RI_F_NO_NET;
	if (!states_on || !STATES_CLOCK(p))
		r->flags |= RI_F_NO_STATES;
	__builtin_memcpy(r->comm, p->comm, RI_COMM_LEN);
	r->cpu = task_cpu(p, true);
	r->state = state_letter(task_state(p, true), p->exit_state);
	return 0;
}

/*
 * Live thread @t's own record, as ri_iter gives it, its process's memory
 * taken once (ri_walk_mm). Returns 1 when the round is full: the walk
 * stops there, and the next round resumes at this thread.
 */
static __always_inline int emit_thread(struct task_struct *t)
{
	struct ri_states *s = NULL;
	__u32 key = procs_round.n;
	struct ri_task *r;

	if (walk.skip) {
		walk.skip--;
		return 0;
	}
	if (key >= procs_cap) {
		procs_round.more = 1;
		procs_round.next = walk.idx - 1;
		procs_round.tnext = walk.live - 1;
		return 1;
	}
	r = bpf_map_lookup_elem(&procs, &key);
	if (!r)
		return 0;
	__builtin_memset(r, 0, sizeof(*r));
	fill_task(r, t, true);
	if (states_ok && states_on) {
		s = states_of(t, walk.now);
		add_states(r, s, t, walk.now, true);
		wait_site(t, walk.now);
	}
	if (net_tps && (!s || s->net))
		add_net(r, net_of(t));
	r->rss_pages = walk.rss_pages;
	if (r->pid == r->tgid)
		r->vm_pages = walk.vm_pages;
	r->cpu = task_cpu(t, true);
	r->state = state_letter(task_state(t, true), 0);
	procs_round.n = key + 1;
	return 0;
}

/*
 * Adds live thread @t to the process being summed, or gives its own
 * record; 1 when the round is full.
 */
static __always_inline int walk_thread(struct task_struct *t)
{
	__u32 key = procs_round.n;
	struct ri_task *r;

	if (walk.state == WALK_SKIP || t->exit_state)
		return 0;
	walk.live++;
	if (walk.state != WALK_EMIT)
		return 0;
	if (procs_round.threads)
		return emit_thread(t);
	r = bpf_map_lookup_elem(&procs, &key);
	if (!r)
		return 0;
	add_thread(r, t);
	return 0;
}

/*
 * The memory of the process being summed, from @t's mm (threads share
 * one): the leader's, or a live thread's when the leader is a zombie.
 */
__noinline int ri_walk_mm(struct task_struct *t __arg_trusted)
{
	__u32 key = procs_round.n;
	struct ri_task *r = bpf_map_lookup_elem(&procs, &key);
	struct mm_struct *mm = t->mm;

	if (!mm || walk.state != WALK_EMIT)
		return 0;
	if (procs_round.threads) {
		walk.rss_pages = mm_rss_pages(mm, true);
		walk.vm_pages = mm->total_vm;
	} else if (r) {
		r->rss_pages = mm_rss_pages(mm, true);
		r->vm_pages = mm->total_vm;
	} else {
		return 0;
	}
	walk.has_mm = 1;
	return 0;
}

/*
 * One record per process, for a tick that needs no thread rows. Runs once
 * per read, on the tool's own task (the link's tid filter), and walks the
 * kernel's lists of processes (creation order) and of each one's threads,
 * which the iterator gives leader first: a pointer chase per task, where
 * iter/task looks up every pid, takes a reference on its task and runs a
 * program for it.
 *
 * A process's record holds its leader's identity and the sums over the
 * threads that have not begun to exit (exit_state still 0), the ones
 * ri_iter would report one by one: a thread that exits pushes its final
 * counters through "exits" after it has left these sums, so each slice is
 * counted once. A zombie leader with live threads still names the
 * process; a process with no live thread is left to its exit records.
 */
SEC("iter/task")
int ri_iter_procs(struct bpf_iter__task *ctx)
{
	struct task_struct *me = ctx->task, *t, *ref;
	struct ri_task_iter it;
	int full = 0;

	/* Only on the anchor, even should a kernel ignore the tid filter. */
	if (!me || me->pid != procs_anchor)
		return 0;
	procs_round.n = 0;
	procs_round.more = 0;
	procs_round.tnext = 0;
	walk.idx = 0;
	walk.state = WALK_SKIP;
	walk.live = 0;
	walk.now = states_ok ? states_now() : 0;
	bpf_iter_task_new(&it, NULL, RI_ITER_ALL_THREADS);
	while ((t = bpf_iter_task_next(&it))) {
		if (t->pid == t->tgid) {
			/*
			 * The iterator's tasks are only RCU-safe; a global
			 * function wants them trusted: a reference, for the
			 * time of the call (once per process).
			 */
			ref = bpf_task_acquire(t);
			if (ref) {
				full = ri_walk_leader(ref);
				if (!full)
					ri_walk_mm(ref);
				bpf_task_release(ref);
			} else {
				walk_close(); /* being freed: exited */
				walk.state = WALK_SKIP;
			}
			if (full)
				break;
		} else if (!walk.has_mm && walk.state == WALK_EMIT &&
			   !t->exit_state && (ref = bpf_task_acquire(t))) {
			ri_walk_mm(ref);
			bpf_task_release(ref);
		}
		if (walk_thread(t)) {
			/* Full in the middle of a process: it starts the next round. */
			full = 1;
			break;
		}
	}
	/* The last process (unless the round is full: it starts the next). */
	if (!full)
		walk_close();
	bpf_iter_task_destroy(&it);
	return 0;
}
