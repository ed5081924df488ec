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

/* Set by user space before load (rodata): see ri_switch_raw. */
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
 * readers one pointer test. The kernel frees a slot with its task.
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
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ri_net);
} net SEC(".maps");

/* ri_iter_procs writes its records here; user space reads them in a batch. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
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
 * program (85 ns here, with kvm-clock). The run in progress of a task that
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
	n = bpf_task_storage_get(&net, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
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
	return bpf_task_storage_get(&net, bpf_get_current_task_btf(), 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
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

SEC("iter/task")
int ri_iter(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	struct ri_task r = {};

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
	if (net_tps)
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
	if (net_tps)
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
	if (net_tps)
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
