/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the numbers come from. Once per tick a source fills one drain
 * (struct ri_drain) with *cumulative* counters only: the tasks alive now,
 * the tasks that died since the last drain with their final counters
 * (struct ri_task, the BPF ABI), the machine's own counters (/proc/stat,
 * meminfo, load, PSI), its event and drop counters, and the clocks of the
 * moment it was drained. Rates, history and alerts are the model's
 * business, so they come out the same whatever the source.
 *
 * Implementations: BPF (source_bpf.c: context-switch probe + task
 * iterator), procfs (source_procfs.c: for machines where BPF is denied;
 * it cannot see tasks that live and die between two ticks), and a
 * recording played back (the replay source).
 */
#ifndef RI_SOURCE_H
#define RI_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include "resource_image.h"
#include "figures.h"
#include "waits.h"

enum ri_source_kind { RI_SRC_AUTO, RI_SRC_BPF, RI_SRC_PROCFS };

/*
 * A thread of a process not chosen gets its wait site once it has been
 * uninterruptible this long: well before the hung rule people set (10 s
 * and more), long enough that a disk read in passing is not one.
 */
#define RI_SITES_AFTER_NS 2000000000ull

/*
 * The clocks a live source stamps its drains with. Every time a source
 * delivers is on the boot-time clock (see bpf/resource_image.h); tests
 * put a machine that was suspended in place of the real one.
 */
struct ri_clocks {
	uint64_t (*boot_ns)(void *ctx); /* CLOCK_BOOTTIME */
	double (*unix_time)(void *ctx); /* CLOCK_REALTIME */
	void *ctx;
};
enum ri_probe { RI_PROBE_AUTO, RI_PROBE_TP_BTF, RI_PROBE_RAW_TP, RI_PROBE_KPROBE };

struct ri_source_opts {
	enum ri_source_kind kind;
	enum ri_probe probe;
	size_t exit_buffer;  /* bytes of the BPF exit ring buffer, 0 = default */
	bool no_states;      /* leave the state times out (RI_F_NO_STATES) */
	bool no_sites;       /* read no wait sites (nor /proc/kallsyms) */
	/*
	 * Of a process not chosen, a thread's site is read once it has been
	 * uninterruptible this long (ns); 0: RI_SITES_AFTER_NS.
	 */
	uint64_t sites_after_ns;
	const char *btf_path; /* kernel BTF to require; NULL = /sys/kernel/btf/vmlinux */
	const char *proc_root; /* procfs mount; NULL = /proc (tests use a fake tree) */
	const struct ri_clocks *clocks; /* NULL = the system's (tests set others) */
	bool verbose;         /* let libbpf talk */
	const char *cgroup_root; /* cgroup mounts; NULL = /sys/fs/cgroup */
	/*
	 * No thread rows are wanted (batch without -H): a source that can
	 * may then deliver one live record per process (RI_F_PROC), its
	 * threads summed where they are read, and say so in the drain.
	 */
	bool per_process;
	/*
	 * Memory before CPU: a screen stays up for days, where a batch run
	 * or a recording wants each tick cheap (see PROCS_WINDOW).
	 */
	bool lean;
	/* Set when auto fell back to procfs: one line for stderr. */
	char *warning;
	size_t warning_len;
};

/* A growable array of task snapshots, reused from tick to tick. */
struct ri_taskbuf {
	struct ri_task *v;
	size_t n, cap;
};

struct ri_task *ri_taskbuf_push(struct ri_taskbuf *b);
/* Room for @more records past b->n, not zeroed; 0 or -ENOMEM. */
int ri_taskbuf_reserve(struct ri_taskbuf *b, size_t more);
void ri_taskbuf_free(struct ri_taskbuf *b);
/*
 * Gives the pages of @b's records back to the kernel, keeping the buffer
 * and n: what they held reads as 0 until the next drain writes it again.
 * For a front end that reads nothing of a drain between two drains.
 */
void ri_taskbuf_shed(struct ri_taskbuf *b);

/* CPU time of one CPU, or of all, by kind (ns, from /proc/stat's ticks). */
struct ri_cpu_times {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
	uint64_t guest, guest_nice; /* already included in user and nice */
};

/* Pressure stall information of one resource (/proc/pressure/NAME). */
struct ri_psi {
	uint64_t some_us, full_us; /* cumulative stall time */
	float some_avg10, some_avg60, some_avg300; /* the kernel's own averages, % */
	float full_avg10, full_avg60, full_avg300;
};

enum ri_psi_res { RI_PSI_CPU, RI_PSI_MEM, RI_PSI_IO, RI_PSI_COUNT };

/* ri_machine.flags */
#define RI_MACH_PSI 0x1u   /* psi[] is valid: the kernel has pressure accounting */
#define RI_MACH_TASKS 0x2u /* nr_procs/nr_threads/nr_kthreads were counted */
#define RI_MACH_NET 0x4u   /* net_* are valid: /proc/net/dev was read */

/* Most CPUs a machine snapshot describes one by one. */
#define RI_MAX_CPUS 1024

/*
 * The machine's own counters at one drain. Cumulative where the kernel
 * keeps them cumulative (CPU times, PSI totals, switches, forks), the
 * kernel's instantaneous values otherwise (memory, load, task counts).
 */
struct ri_machine {
	uint32_t flags;          /* RI_MACH_* */
	uint32_t ncpu;           /* CPUs online ("cpuN" lines in /proc/stat) */
	uint32_t ncpu_slots;     /* entries in cpu[]: highest CPU id + 1 */
	uint32_t page_size;      /* bytes of a page (ri_task.rss_pages) */
	struct ri_cpu_times total;
	struct ri_cpu_times *cpu; /* ncpu_slots entries, by CPU id; owned by the drain */
	uint8_t *cpu_online;      /* ncpu_slots flags: 1 where cpu[i] is listed */
	uint64_t mem_total, mem_free, mem_available, buffers, cached, shmem,
		sreclaimable, swap_total, swap_free; /* bytes */
	double load1, load5, load15;
	uint64_t uptime_ns;      /* /proc/uptime: boot time clock, suspend included */
	uint64_t ctxt, forks;    /* /proc/stat: context switches, processes created */
	uint32_t nr_running, nr_blocked; /* /proc/stat: procs_running, procs_blocked */
	uint32_t nr_procs, nr_threads, nr_kthreads; /* as the source counted them */
	struct ri_psi psi[RI_PSI_COUNT];
	/*
	 * /proc/net/dev summed over every interface but loopback (whose
	 * bytes are the machine talking to itself, counted twice), as htop's
	 * network meter does; of the network namespace the tool runs in.
	 */
	uint64_t net_rx_bytes, net_tx_bytes, net_rx_packets, net_tx_packets;
};

/*
 * The cgroups of the processes of one drain (limits_read.c reads them; a
 * replay gives them as recorded): each process's leader record names
 * its entry by ri_task.cg_key.
 */
struct ri_cg_table {
	struct ri_cgroup *v;
	size_t n, cap;
	uint64_t threads_max; /* kernel.threads-max; 0: unknown */
	bool known;           /* read at all: false from a source or a
				 recording that has none */
};

/* A new zeroed entry at the end of @c, or NULL when out of memory. */
struct ri_cgroup *ri_cg_table_push(struct ri_cg_table *c);
/* @dst = @src, @dst's buffer reused; 0 or -ENOMEM. */
int ri_cg_table_copy(struct ri_cg_table *dst, const struct ri_cg_table *src);
/* The entry of @key, or NULL. */
const struct ri_cgroup *ri_cg_table_find(const struct ri_cg_table *c, uint64_t key);

/*
 * Everything one drain delivers. The buffers are reused tick after tick:
 * the source overwrites them, the model reads them, nobody keeps pointers.
 */
struct ri_drain {
	struct ri_taskbuf live, exited;
	/*
	 * live holds one record per process (RI_F_PROC: the sums over its
	 * live threads) instead of one per thread; exited is per thread as
	 * ever. The exits were read before the live records: an exit in
	 * this drain is never also in a live sum of it.
	 */
	bool per_process;
	/*
	 * The exits were read before the live records (a walk of threads
	 * that reads them first): no exit is also in live.
	 */
	bool exits_first;
	struct ri_machine machine;
	struct ri_cg_table cgroups;
	struct ri_site_table sites; /* where threads wait (waits.h) */
	uint64_t dropped;  /* cumulative events that could not be recorded */
	uint64_t events;   /* cumulative events recorded (context switches) */
	uint64_t clock_ns; /* CLOCK_BOOTTIME at the drain: the clock of every
			      start and exit time in the task snapshots */
	double unix_time;  /* CLOCK_REALTIME at the drain */
};

void ri_drain_free(struct ri_drain *d);

/*
 * A drain of threads summed per process (drain_procs.c), for ticks that
 * show no thread row. Its buffers are kept from tick to tick.
 */
struct ri_drain_procs {
	struct ri_taskbuf live;  /* the process records */
	struct ri_drain out;     /* the summed drain: @live, the rest shared */
	uint32_t *slot;          /* open addressing: index + 1, 0 = empty */
	size_t nslot;
	bool *skip;              /* per live record: its exit is in this drain */
	size_t skip_cap;
};

/*
 * *@out = @in summed per process, or @in itself when it already holds
 * processes. The summed drain shares @in's exits and machine and lives
 * until the next call; never free it. 0 or -ENOMEM.
 */
int ri_drain_procs_sum(struct ri_drain_procs *f, const struct ri_drain *in,
		       const struct ri_drain **out);
void ri_drain_procs_free(struct ri_drain_procs *f);
/* Makes room for @slots per-CPU entries in d->machine; 0 or -ENOMEM. */
int ri_machine_reserve(struct ri_machine *m, uint32_t slots);

/* A process choice as the kernel-side filter sees it. */
struct ri_filter {
	const pid_t *tgids;
	size_t ntgids;
	const char (*names)[RI_COMM_LEN];
	size_t nnames;
};

struct ri_source;
struct ri_proc_list;
struct ri_rec_choice;

struct ri_alert_transition; /* alerts.h */

struct ri_source_ops {
	const char *name;
	int (*drain)(struct ri_source *s, struct ri_drain *d);
	/* NULL filter or empty: every task. */
	int (*set_filter)(struct ri_source *s, const struct ri_filter *f);
	void (*close)(struct ri_source *s);
	/*
	 * Every process there is to choose from (struct ri_proc_list, in
	 * procfs.h); NULL: the live system's, from /proc.
	 */
	int (*proc_list)(struct ri_source *s, struct ri_proc_list *out);
	/*
	 * A recording's: the choice that was in force when the next drain
	 * was made, so a replay takes each choice at the tick the live run
	 * did. NULL (or returning NULL): the source has none to tell.
	 */
	const struct ri_rec_choice *(*recorded_choice)(struct ri_source *s);
	/*
	 * A recording's: the alert transitions the live run had in the
	 * frames of the last drain. NULL: the source has none to tell.
	 */
	size_t (*recorded_alerts)(struct ri_source *s,
				  const struct ri_alert_transition **v);
};

struct ri_source {
	const struct ri_source_ops *ops;
	const char *name;    /* what it says it is; NULL: ops->name (a replay
				says what the recorded source was) */
	const char *probe;   /* "tp_btf", "raw_tp", "kprobe" or "none" */
	bool sees_short_lived; /* tasks born and dead between ticks are counted */
};

/*
 * Opens the source asked for. On failure returns a negative errno and
 * writes one sentence for the user into err.
 */
int ri_source_open(struct ri_source_opts *o, struct ri_source **out, char *err,
		   size_t errlen);
int ri_source_bpf_open(const struct ri_source_opts *o, struct ri_source **out,
		       char *err, size_t errlen);
int ri_source_procfs_open(const struct ri_source_opts *o,
			  struct ri_source **out, char *err, size_t errlen);

/*
 * Appends the threads of process @tgid as procfs shows them (if @s's
 * filter takes it), and counts them into @m's task counts. For what
 * another source cannot see, read again at every tick: @s holds the
 * files of the last process asked for until another is, or @s closes.
 * @s must be a procfs source.
 */
int ri_procfs_read_tgid(struct ri_source *s, pid_t tgid,
			struct ri_taskbuf *live, struct ri_machine *m);

static inline int ri_source_drain(struct ri_source *s, struct ri_drain *d)
{
	return s->ops->drain(s, d);
}

static inline int ri_source_set_filter(struct ri_source *s,
				       const struct ri_filter *f)
{
	return s->ops->set_filter(s, f);
}

static inline void ri_source_close(struct ri_source *s)
{
	if (s)
		s->ops->close(s);
}

#endif /* RI_SOURCE_H */
