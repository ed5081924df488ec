/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The model: turns each drain's cumulative snapshots (struct ri_drain)
 * into per-interval figures for every thread, every process and the
 * machine, and keeps their history. It does no I/O at all: whatever it
 * shows came through the source, so a recording played back gives the
 * same figures as the live run did.
 *
 * Tasks are keyed by pid and told apart from a later task that reuses the
 * pid by their start time. Process figures are sums over threads,
 * including threads that exited during the interval; memory is counted once
 * per process. Storage is pooled: in steady state a tick allocates nothing.
 *
 * Front ends (batch, TUI) only read this; they never see the source.
 *
 * The parts, one file each: model.c (lifetime, lookups, one update),
 * tick.c (snapshots -> thread and process figures), perproc.c (drains
 * of one record per process), choice.c (the
 * user's choice), pool.c (node pools), machine.c (the machine's figures),
 * growth.c (the trend of memory), pidtab.c, hist.c and sort.c.
 */
#ifndef RI_MODEL_H
#define RI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "figures.h"
#include "hist.h"
#include "source.h"

/*
 * Figures of one thread or one process over the last interval. Every
 * counter of figures.h has its interval's difference in n[] and its rate
 * per second in rate[]; the figures made of several counters are named.
 */
struct ri_fig {
	uint64_t n[RI_C_COUNT];    /* each counter's growth in the interval */
	double rate[RI_C_COUNT];   /* the same per second */
	double cpu_pct;         /* of one CPU, like top: 200 = two CPUs busy */
	double mem_pct;         /* RSS / MemTotal * 100 */
	uint64_t cpu_total_ns;  /* CPU time since the task started */
	uint64_t rss_bytes;
	double csw_ps;          /* voluntary + involuntary switches per second */
	double wait_pct;        /* run-queue wait over the interval, of one CPU like CPU% */
	double wait_avg_ns;     /* mean wait per scheduling; 0 when not scheduled */
	int cpu;                /* last CPU */
	bool disk_na;           /* storage I/O not measurable: show n/a */
	bool net_na;            /* socket bytes not counted (RI_F_NO_NET): n/a */
	bool states_na;         /* state times not counted (RI_F_NO_STATES): n/a */
	bool wait_na;           /* no run-queue accounting in this kernel: n/a */
	bool newer_na;             /* a recording older than the RI_FF_NEWER counters */
};

/* Whether counter @c of @f has no figure (n/a) in this interval. */
static inline bool ri_fig_na(const struct ri_fig *f, int c)
{
	unsigned fl = ri_counters[c].flags;

	return ((fl & RI_FF_DISK) && f->disk_na) || ((fl & RI_FF_NET) && f->net_na) ||
	       ((fl & RI_FF_TIME) && f->states_na) ||
	       ((fl & RI_FF_NEWER) && f->newer_na);
}

/*
 * The trend of a process's RSS over the growth window: a least-squares
 * line through the history samples (growth.c). "growing" asks for a
 * steady climb, not a cache that fills and empties.
 */
struct ri_growth {
	bool valid;    /* the window holds enough samples for a figure */
	bool growing;  /* slope above zero and a good fit (R^2 >= RI_GROWTH_R2) */
	double bps;    /* slope, bytes per second (signed) */
	double r2;     /* coefficient of determination of the fit, 0..1 */
	double span_s; /* time the fit covers */
};

#define RI_GROWTH_R2 0.9
#define RI_GROWTH_WINDOW_S 60.0

/*
 * The counts a process can run out of besides memory (open descriptors,
 * threads), a sample a tick over the growth window, exact: what their
 * growth fits read (memory's is the history ring's RSS).
 */
enum ri_count_series { RI_CS_FDS, RI_CS_THREADS, RI_CS_COUNT };

struct ri_counts_hist {
	uint16_t head, len, cap;
	uint32_t v[][RI_CS_COUNT];
};

/*
 * How close a process is to one of its limits (figures.h's
 * RI_RESOURCES): what it uses, the limit, and when the trend meets it.
 */
struct ri_room {
	bool known;      /* a limit applies and was read */
	bool own;        /* a limit set for it (rlimit, its cgroup's), not the
			    machine's */
	uint64_t used, limit;
	double pct;      /* used / limit, in % */
	double eta_s;    /* seconds until the trend meets the limit; < 0: the
			    trend does not head there, or fits poorly */
	struct ri_growth trend; /* of what it uses, per second */
};

/*
 * The model's view of one cgroup in the interval: the source's values
 * and what the interval made of its counters.
 */
struct ri_cgroup_fig {
	struct ri_cgroup cg;
	bool primed;          /* seen before: the interval figures hold */
	double throttled_pct; /* of its quota periods, those throttled */
	double throttled_s;   /* seconds throttled in the interval */
	uint64_t oom_kills;   /* in the interval */
	uint64_t max_events;  /* memory limit hits in the interval */
	/* Share of the interval some tasks stalled on CPU, memory, I/O (PSI). */
	double psi_pct[3];
	bool psi_known[3];
};

struct ri_proc;


struct ri_thread {
	/* Wide members first, then narrow: no padding between them. */
	uint64_t start_ns;
	/*
	 * Unix time since which it has been seen uninterruptible (BLOCKED or
	 * DISK) at every snapshot with no CPU time in between; 0: it is not.
	 */
	double stuck_since;
	struct ri_fig fig;
	/*
	 * Its cumulative counters as of its last snapshot (each interval's
	 * figures are their growth): what counters that only grow follow.
	 */
	struct ri_counters total;
	struct ri_hist *hist; /* NULL unless thread_history */
	double exit_time;  /* Unix time of exit, when exited */
	struct ri_proc *proc;
	struct ri_thread *next; /* in the process's thread list */
	pid_t tid;
	int nice;
	/*
	 * As of the last snapshot: the state it sleeps in (enum ri_state + 1;
	 * 0: on a CPU, runnable, or not known) and, asleep in RI_ST_LOCK, the
	 * TID of the thread holding the lock (0: not known).
	 */
	pid_t lock_holder;
	int gone_ticks;    /* ticks since exit (front ends dim, then drop) */
	char comm[RI_COMM_LEN];
	char state;        /* ps's letter, as of the last snapshot */
	uint8_t wait_state;
	bool deadlocked; /* in a cycle of lock waits, as of the last tick */
	bool exited;

	/* private to the model */
	bool counted;   /* alive, or exited in this tick: part of the sums */
	bool in_table;  /* the pid table maps tid to this thread */
	bool whole;     /* stands for all the process's threads (perproc.c) */
	bool primed;    /* whole: its first figures are taken */
	int missing;
	uint64_t last_rss_pages;
	struct ri_thread *prev;
	uint64_t seen_tick;
};

struct ri_proc {
	pid_t pid;
	uint64_t start_ns; /* boot-time clock */
	uid_t uid;
	pid_t ppid;
	char comm[RI_COMM_LEN];
	char state;        /* the leader's letter */
	int nice;          /* the leader's */
	uint64_t vm_bytes; /* virtual size of the address space */
	uint64_t cgroup_id; /* cgroup v2 id, 0 when unknown */
	int nthreads;      /* live threads */
	/*
	 * Of its threads, as of the last tick: how many wait for locks in a
	 * cycle (each waits for a lock the next one holds: a deadlock), and
	 * how long the one uninterruptible the longest has been (seconds,
	 * 0: none). Live sources and recordings of the states only.
	 */
	int deadlocked;
	double hung_s;
	struct ri_fig fig;
	struct ri_hist *hist;    /* NULL only when out of memory */
	struct ri_growth growth; /* of RSS, over the growth window */
	/* What it can run out of (headroom.c); valid while lim_known. */
	bool lim_known;    /* its leader's limits were read */
	uint64_t nfds, fd_limit, swap_bytes, cg_key;
	uint32_t nspid;    /* PID in its own namespace; 0: the host's */
	struct ri_room room[RI_R_COUNT];
	int scarce;        /* the resource most used, in % of its limit; -1 */
	int soonest;       /* the resource with the nearest exhaustion; -1 */
	long cgi;          /* its entry in the model's cgroups; -1: none */
	/*
	 * The cgroup it is listed under (the grouped view): its v2 one, or,
	 * where its limits come from v1 controllers (a hybrid host, whose
	 * processes share the v2 root), the key of those (cg_key). 0: the
	 * v2 one (ri_proc_view_cgroup).
	 */
	uint64_t view_cgroup;
	double throttled_pct; /* its cgroup's, this interval (throttle_known) */
	uint64_t oom_kills;   /* in its cgroup this interval (oom_known) */
	bool throttle_known, oom_known;
	struct ri_counts_hist *counts; /* NULL until its limits are known */
	bool exited;
	double exit_time;
	int gone_ticks;
	bool kthread;
	bool chosen;       /* part of the user's choice (always true without one) */
	struct ri_thread *threads; /* newest first; exited ones linger */

	/* private to the model */
	uint64_t cpu_total_base; /* CPU of threads already dropped */
	uint64_t last_rss;       /* RSS bytes of the last sample */
	uint32_t rss_still;      /* samples in a row with the same RSS */
	bool by_name;            /* chosen once by name: stays chosen */
	bool in_table;
	bool whole;              /* known by per-process records (perproc.c) */
	struct ri_counters dead; /* whole: the final counters of its exited threads */
	uint64_t exit_tick;      /* whole: last tick that brought an exit */
	struct ri_proc *all_prev, *all_next;
};

struct ri_model_opts {
	/*
	 * Ticks an exited task stays listed after its exit tick (0: shown in
	 * the tick it exited, then dropped). Exited chosen processes are kept
	 * with their history as long as keep_chosen is set.
	 */
	int linger_ticks;
	bool keep_chosen;
	/*
	 * Ticks a task may be missing from the live set, with no exit
	 * snapshot, before it counts as exited. BPF: 1 (its exit snapshot
	 * may land one drain late); procfs: 0.
	 */
	int missing_grace;
	/*
	 * Keep a history ring per thread too (the TUI's thread rows). A
	 * batch run never shows one: skipping it saves a third of the
	 * per-tick cost with ten thousand threads, and most of the memory.
	 */
	bool thread_history;
	/*
	 * What each process's ring keeps: samples (0: RI_HIST_LEN) and
	 * metrics (RI_HIST_METRIC mask, 0: all, and the states). Batch keeps
	 * the RSS of the growth window only; the TUI's detail panel wants
	 * everything.
	 */
	size_t hist_len;
	unsigned hist_metrics;
	/*
	 * Samples of each thread's ring (0: hist_len): a sparkline's width,
	 * the only place it is drawn, hence 8-bit samples (hist.h).
	 */
	size_t thread_hist_len;
	/* Seconds of RSS history the growth fit covers; 0: RI_GROWTH_WINDOW_S. */
	double growth_window_s;
};

/* Aggregates for the header: the machine's, whatever the choice. */
struct ri_totals {
	double cpu_pct;      /* CPU busy on the whole machine, of one CPU
				(200 = two CPUs busy), from /proc/stat */
	double tracked_cpu_pct; /* sum of the tracked tasks' CPU% */
	uint64_t mem_used;   /* MemTotal - MemAvailable */
	uint64_t mem_total;
	size_t ntasks, nprocs; /* tracked (all, or the chosen ones) */
};

/* Share of one CPU's time (or the machine's) in the interval, in %. */
struct ri_cpu_fig {
	double busy;    /* everything but idle and iowait */
	double user;    /* user + nice */
	double system;  /* system + irq + softirq */
	double iowait;
	double steal;
};

/* The machine over the last interval, from its own counters. */
struct ri_machine_fig {
	int ncpu;                  /* online */
	struct ri_cpu_fig all;     /* of all CPUs together: 0..100 */
	struct ri_cpu_fig *cpu;    /* ncpu_slots entries, by CPU id */
	const uint8_t *cpu_online; /* ncpu_slots flags */
	uint32_t ncpu_slots;
	uint64_t mem_total, mem_used, mem_available, mem_free;
	uint64_t buffers, cached; /* cached includes SReclaimable, as htop does */
	uint64_t swap_total, swap_used;
	double load[3];
	double uptime_s;
	double ctxt_ps, forks_ps;
	bool tasks_known;          /* the source counted them */
	uint32_t nr_running, nr_blocked, nr_procs, nr_threads, nr_kthreads;
	bool has_psi;
	double psi_some[RI_PSI_COUNT]; /* % of the interval stalled, some tasks */
	double psi_full[RI_PSI_COUNT]; /* all non-idle tasks */
	float psi_some_avg10[RI_PSI_COUNT]; /* the kernel's own 10 s averages */
	/*
	 * Every interface but loopback (/proc/net/dev): net_known when the
	 * source reads it (the header keeps its line from the first tick),
	 * has_net once the rates are figures (two readings); else n/a.
	 */
	bool net_known, has_net;
	double net_rx_bps, net_tx_bps, net_rx_pps, net_tx_pps;
};

struct ri_model {
	struct ri_model_opts opts;
	uint64_t tick;        /* number of updates so far */
	double time;          /* Unix time of the last update */
	double interval_s;    /* length of the last interval */
	uint64_t clock_ns;    /* CLOCK_BOOTTIME of the last update */
	uint64_t mem_total;   /* bytes */
	long page_size;
	int ncpu;
	uint64_t dropped;     /* cumulative, from the source */
	uint64_t dropped_delta;
	double events_ps;     /* events recorded per second */
	struct ri_totals totals;
	struct ri_machine_fig machine;

	/* The cgroups of this tick's processes (headroom.c). */
	struct ri_cgroup_fig *cgroups;
	size_t ncgroups;
	bool cgroups_known;  /* the source read them */
	uint64_t threads_max; /* kernel.threads-max; 0: unknown */

	/*
	 * Where threads wait, as of this tick (waits.h; sorted by process):
	 * the sleeping threads of chosen processes and those uninterruptible
	 * for long. sites.known: the source reads them.
	 */
	struct ri_site_table sites;

	/* The processes to show: chosen (or all), including lingering exits. */
	struct ri_proc **procs;
	size_t nprocs;

	/* The choice. Empty = every process. */
	pid_t *choice_pids;
	uint64_t *choice_starts; /* start time bound to each PID, 0 = not yet */
	size_t nchoice_pids;
	char (*choice_names)[RI_COMM_LEN];
	size_t nchoice_names;

	struct ri_model_priv *priv;
};

struct ri_model *ri_model_new(const struct ri_model_opts *o);
void ri_model_free(struct ri_model *m);

/* One tick, from what a source drained. */
int ri_model_update(struct ri_model *m, const struct ri_drain *d);

/* Replaces the choice (copies). Both empty: every process. */
int ri_model_choose(struct ri_model *m, const pid_t *pids, size_t npids,
		    const char (*names)[RI_COMM_LEN], size_t nnames);
bool ri_model_has_choice(const struct ri_model *m);
/* Whether @comm is one of the chosen names. */
bool ri_model_name_chosen(const struct ri_model *m, const char *comm);
/* Whether @pid is one of the chosen PIDs. */
bool ri_model_pid_chosen(const struct ri_model *m, pid_t pid);
/* Names of the choice that match no process yet ("waiting for NAME"). */
size_t ri_model_waiting(const struct ri_model *m, const char **names,
			size_t max);

/*
 * The growth fit over the newest samples of @h that cover @window_s, the
 * samples being @dt seconds apart (growth.c: one place for every figure
 * of growth, the table's, the detail panel's and the alerts').
 */
void ri_growth_fit(const struct ri_hist *h, double window_s, double dt,
		   struct ri_growth *g);
/*
 * The same, knowing the newest @still samples are all equal: a window
 * that lies within them is flat without a fit (most processes, most of
 * the time), so the cost per tick stays flat too.
 */
void ri_growth_update(const struct ri_hist *h, uint32_t still, double window_s,
		      double dt, struct ri_growth *g);

/* The same fit over series @k of a process's counts. */
void ri_growth_fit_counts(const struct ri_counts_hist *h, int k, double window_s,
			  double dt, struct ri_growth *g);
/* A ring of @cap samples of each count (NULL without memory; free()). */
struct ri_counts_hist *ri_counts_hist_new(size_t cap);
void ri_counts_hist_push(struct ri_counts_hist *h, const uint32_t v[RI_CS_COUNT]);

/*
 * The cgroup figures of @p (NULL: it has none known), the entry of the
 * model's table for this tick.
 */
const struct ri_cgroup_fig *ri_proc_cgroup(const struct ri_model *m,
					   const struct ri_proc *p);

/* The model's figures of the cgroup of key or v2 id @id, or NULL. */
const struct ri_cgroup_fig *ri_model_cgroup(const struct ri_model *m, uint64_t id);

/*
 * The scarcest of a cgroup's own limits (memory, tasks), as a process's
 * HEADROOM: its RI_R_ resource and *@pct, or -1 when it sets none.
 */
int ri_cgroup_scarce(const struct ri_cgroup *cg, double *pct);

static inline uint64_t ri_proc_view_cgroup(const struct ri_proc *p)
{
	return p->view_cgroup ? p->view_cgroup : p->cgroup_id;
}

/*
 * One history sample (CPU%, RSS, read and write rates) of @f into @h: what
 * the model keeps per process and thread, and the rows per folded group.
 */
void ri_hist_sample(struct ri_hist *h, const struct ri_fig *f);

struct ri_proc *ri_model_find_proc(const struct ri_model *m, pid_t pid);
struct ri_thread *ri_model_find_thread(const struct ri_model *m, pid_t tid);

/* The current kernel-side filter implied by the choice (for the source). */
void ri_model_filter(const struct ri_model *m, struct ri_filter *f,
		     pid_t *buf, size_t bufn);

#endif /* RI_MODEL_H */
