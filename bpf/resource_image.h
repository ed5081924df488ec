/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The ABI between the BPF program (resource_image.bpf.c) and core/.
 *
 * Plain structs of fixed-width integers only: the same bytes are written by
 * the kernel side and read by user space, so no pointers, no bools, no
 * padding left to the compiler's taste.
 */
#ifndef RI_BPF_ABI_H
#define RI_BPF_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define RI_COMM_LEN 16

/*
 * What the kernel-side filter can hold: the chosen tgids and the chosen
 * process names (the "chosen" and "chosen_comm" maps). The command line
 * and the picker refuse more, so a choice never half-fills the maps.
 */
#define RI_MAX_CHOSEN_PIDS 4096
#define RI_MAX_CHOSEN_NAMES 256

/* ri_task.flags */
#define RI_F_EXITED 0x1u  /* final snapshot, taken at the task's last switch-out */
#define RI_F_NO_DISK 0x2u /* kernel has no storage I/O accounting: show n/a */
/*
 * No socket byte counts: the kernel has no sock_send_length and
 * sock_recv_length tracepoints (before 6.3), they did not attach, or the
 * source cannot see sockets (procfs). net_rx/net_tx are n/a, never 0.
 */
#define RI_F_NO_NET 0x4u
#define RI_F_KTHREAD 0x8u /* kernel thread (no mm) */
#define RI_F_NO_SCHED 0x10u /* no sched_info accounting: run_delay/pcount n/a */
/*
 * A live record that stands for a whole process: its counters are the
 * sums over the process's live threads (nthreads of them), its other
 * fields the leader's. Exited threads still come one by one through the
 * exit ring. Only drains with ri_drain.per_process carry these.
 */
#define RI_F_PROC 0x20u
/*
 * Decoded from a recording made before some counters existed (figures.h's
 * RI_FF_NEWER ones): those are unknown, not 0. Set by the replay only.
 */
#define RI_F_OLD_REC 0x40u
/*
 * No state times: the kernel has no task storage (before 5.11) or
 * bpf_task_pt_regs (before 5.15), the switch is not seen through tp_btf,
 * or the source cannot time sleeps (procfs). state_ns[] is n/a, never 0.
 */
#define RI_F_NO_STATES 0x80u

/*
 * No limit figures (nfds, fd_limit, swap_bytes, cg_key, nspid): a
 * recording made before they existed, or a leader whose /proc files
 * could not be read. Unknown, not 0.
 */
#define RI_F_NO_LIMITS 0x100u


/*
 * Where a thread's wall time goes while it is off the CPU and not
 * runnable (runnable is the kernel's run_delay, on the CPU its
 * sum_exec_runtime). A span starts as the task leaves the CPU (the state
 * it leaves in, the syscall it sleeps in) and ends at its wake-up.
 * README "How it works" says exactly what each one holds.
 */
enum ri_state {
	RI_ST_DISK,    /* uninterruptible, in I/O wait (in_iowait) */
	RI_ST_BLOCKED, /* any other uninterruptible sleep */
	RI_ST_LOCK,    /* futex wait on a lock a live thread of its process holds */
	RI_ST_NET,     /* socket call, or poll/select/epoll over a socket */
	RI_ST_SLEEP,   /* timers, wait4, signal waits, waiting for work */
	RI_ST_OTHER,   /* any other sleep: pipes, terminals, eventfd, stopped */
	RI_NSTATES
};

/*
 * Cumulative counters of one task, straight from the kernel's own
 * accounting. User space turns two snapshots into a rate; it never needs
 * the kernel to reset anything, which is why nothing is lost between ticks.
 *
 * Every time in here is on the boot-time clock (CLOCK_BOOTTIME, suspend
 * included), the clock /proc/PID/stat counts start times on: both sources
 * then agree, and a task that predates a suspend never looks newborn.
 */
struct ri_task {
	__u64 cpu_ns;      /* se.sum_exec_runtime */
	__u64 start_ns;    /* task->start_boottime: tells a reused PID apart */
	__u64 pstart_ns;   /* start_boottime of the group leader (the process) */
	__u64 rchar;       /* ioac.rchar: bytes asked of read-like syscalls */
	__u64 wchar;       /* ioac.wchar */
	__u64 read_bytes;  /* ioac.read_bytes: bytes fetched from storage */
	__u64 write_bytes; /* ioac.write_bytes: bytes sent towards storage */
	__u64 nvcsw;       /* voluntary context switches */
	__u64 nivcsw;      /* involuntary context switches */
	__u64 rss_pages;   /* file + anon + shmem pages of the task's mm */
	__u64 exit_ns;     /* CLOCK_BOOTTIME of the final switch, 0 if alive */
	__u64 run_delay_ns; /* sched_info.run_delay: runnable, waiting for a CPU */
	__u64 pcount;      /* sched_info.pcount: times scheduled in */
	__u64 vm_pages;    /* mm->total_vm (leader only; 0 in threads) */
	__u64 cgroup_id;   /* id of the cgroup v2 the process is in (leader only) */
	__u64 min_flt;     /* page faults served without I/O (minor) */
	__u64 maj_flt;     /* page faults that waited for I/O (major) */
	__u64 net_rx;      /* bytes received through sockets (task storage "net") */
	__u64 net_tx;      /* bytes sent through sockets, sendfile and splice included */
	__u64 state_ns[RI_NSTATES]; /* ns spent in each enum ri_state (task storage "states") */
	__u32 pid;         /* kernel pid = thread id */
	__u32 tgid;        /* kernel tgid = process id */
	__s32 cpu;         /* last CPU the task ran on */
	__u32 flags;       /* RI_F_* */
	__u32 ppid;        /* tgid of the real parent (leader only; 0 in threads) */
	__u32 uid;         /* real uid, init namespace (leader only) */
	__s32 nice;        /* static_prio - 120 */
	__u32 state;       /* ps's letter: 'R', 'S', 'D', 'T', 't', 'I', ... */
	char comm[RI_COMM_LEN];
	__u32 nthreads;    /* RI_F_PROC: live threads summed; 0 otherwise */
	__u32 reserved;    /* keeps the size a multiple of 8; always 0 */
	__u32 wait_state;  /* the state it sleeps in now: enum ri_state + 1; 0 = CPU or runnable */
	__u32 lock_holder; /* in RI_ST_LOCK: TID of the thread holding the lock; else 0 */
	/*
	 * What a process can run out of, read by user space from /proc at
	 * the drain (core/sources/limits_read.c), on the leader's record (a
	 * thread after it repeats fd_limit and cg_key, which a recording then
	 * codes for nothing); the BPF program leaves them 0. See figures.h's
	 * RI_LIMIT_FIELDS.
	 */
	__u64 nfds;        /* open file descriptors */
	__u64 fd_limit;    /* RLIMIT_NOFILE soft limit; ~0: unlimited, 0: unknown */
	__u64 swap_bytes;  /* VmSwap */
	__u64 cg_key;      /* its cgroups' entry in the drain's table, 0: none */
	__u32 nspid;       /* PID in its innermost PID namespace; 0: the same */
	__u32 reserved2;   /* always 0 */
};

/*
 * Where a thread waits (its "wait site"), read by the iterators at tick
 * time for the sleeping threads of chosen processes and for any thread
 * uninterruptible for longer than a threshold: the syscall it sleeps in
 * and its kernel stack, which user space symbolizes. The iterators fill
 * the global array "waits" (bss), at most RI_MAX_WAITS a drain.
 */
#define RI_MAX_WAITS 1024
#define RI_WAIT_FRAMES 12

struct ri_wait {
	__u32 tid;
	__u32 tgid;
	__s32 nr;      /* syscall number (x86_64); -1: none (a kernel thread) */
	__u32 nframes; /* entries of ips[], innermost first */
	__u64 ips[RI_WAIT_FRAMES];
};

/* Indexes of the per-CPU "stats" array. */
enum ri_stat {
	RI_STAT_EXIT_DROPPED = 0, /* exit snapshot lost: ring buffer full */
	RI_STAT_EXITS = 1,        /* exit snapshots recorded */
	RI_STAT_SWITCHES = 2,     /* context switches seen (events) */
	RI_STAT_MAX = 4,
};

/*
 * What the task iterator saw on its last walk, before any filter: the
 * machine's task counts for the header (bss, reset before each walk).
 */
struct ri_iter_counts {
	__u32 procs;    /* user-space processes (thread group leaders) */
	__u32 threads;  /* user-space tasks, leaders included */
	__u32 kthreads; /* kernel threads */
	__u32 init_seen; /* a task of tgid 1 was visited (see source_bpf.c) */
};

/*
 * The per-process walk (ri_iter_procs), in rounds: user space sets start
 * (how many processes of the kernel's list to pass over) and reads n
 * records from the "procs" array; more says the array filled up and the
 * walk stopped at process next, where the next round starts. With
 * threads set, the records are the live threads' own, not the processes'
 * sums, and a process with more threads than a round holds is split: the
 * next round passes over the first tnext live threads of process next
 * (tstart, as user space sets it).
 */
struct ri_procs_round {
	__u32 start;
	__u32 n;
	__u32 next;
	__u32 more;
	__u32 threads;
	__u32 tstart;
	__u32 tnext;
	__u32 pad;
};

#endif /* RI_BPF_ABI_H */
