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

/* Task counts of the last walk, before the filter (bss, reset by user space). */
struct ri_iter_counts counts;

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

/* The rare path: a task's last switch-out. */
static __noinline int record_exit(struct task_struct *prev, __u32 cpu)
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
		return record_exit(prev, bpf_get_smp_processor_id());
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(ri_switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(prev, true);
}

/*
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
	return dead ? record_exit(prev, bpf_get_smp_processor_id()) : 0;
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
	mm = t->mm;
	r.rss_pages = mm_rss_pages(mm, true);
	if (mm && r.pid == r.tgid)
		r.vm_pages = mm->total_vm;
	r.cpu = task_cpu(t, true);
	r.state = state_letter(task_state(t, true), 0);
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}
