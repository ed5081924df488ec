/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The model: turns each tick's cumulative task snapshots into per-interval
 * figures for every thread and every process, and keeps their history.
 *
 * Tasks are keyed by pid and told apart from a later task that reuses the
 * pid by their start time. Process figures are sums over threads,
 * including threads that exited during the interval; memory is counted once
 * per process. Storage is pooled: in steady state a tick allocates nothing.
 *
 * Front ends (batch, TUI) only read this; they never see the source.
 */
#ifndef RI_MODEL_H
#define RI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "source.h"

/* Samples kept per process and per thread: 300 ticks, 5 minutes at -d 1. */
#define RI_HIST_LEN 300

enum ri_metric {
	RI_M_CPU,   /* CPU% */
	RI_M_MEM,   /* RSS bytes (MEM% = RSS / MemTotal) */
	RI_M_READ,  /* logical read bytes/s */
	RI_M_WRITE, /* logical write bytes/s */
	RI_M_COUNT
};

/*
 * A fixed ring of samples. Values are stored as 16-bit logarithms (0.05%
 * relative precision from 1e-6 to 2^64, and exact 0): 2.4 KiB per task
 * instead of 9.6, which matters with tens of thousands of threads.
 */
struct ri_hist {
	uint16_t v[RI_M_COUNT][RI_HIST_LEN];
	uint32_t head; /* next slot to write */
	uint32_t len;  /* valid samples, <= RI_HIST_LEN */
};

/* Sample @ago ticks back (0 = newest). @ago must be < h->len. */
double ri_hist_get(const struct ri_hist *h, enum ri_metric m, size_t ago);
void ri_hist_push(struct ri_hist *h, const double v[RI_M_COUNT]);
uint16_t ri_hist_encode(double x);
double ri_hist_decode(uint16_t e);

/* Figures of one thread or one process over the last interval. */
struct ri_fig {
	double cpu_pct;         /* of one CPU, like top: 200 = two CPUs busy */
	double mem_pct;         /* RSS / MemTotal * 100 */
	uint64_t cpu_ns;        /* CPU time used in the interval */
	uint64_t cpu_total_ns;  /* CPU time since the task started */
	uint64_t rss_bytes;
	uint64_t io_rd, io_wr;     /* logical bytes in the interval */
	uint64_t disk_rd, disk_wr; /* storage bytes in the interval */
	double io_rd_bps, io_wr_bps, disk_rd_bps, disk_wr_bps;
	uint64_t vcsw, ivcsw;   /* switches in the interval */
	double csw_ps;          /* (vcsw + ivcsw) per second */
	int cpu;                /* last CPU */
	bool disk_na;           /* storage I/O not measurable: show n/a */
};

struct ri_proc;

struct ri_thread {
	pid_t tid;
	uint64_t start_ns;
	char comm[RI_COMM_LEN];
	struct ri_fig fig;
	struct ri_hist hist;
	bool exited;
	double exit_time;  /* Unix time of exit, when exited */
	int gone_ticks;    /* ticks since exit (front ends dim, then drop) */
	struct ri_proc *proc;
	struct ri_thread *next; /* in the process's thread list */

	/* private to the model */
	struct ri_task last; /* previous cumulative snapshot */
	struct ri_thread *prev;
	uint64_t seen_tick;
	int missing;
	bool counted;   /* alive, or exited in this tick: part of the sums */
	bool in_table;  /* the pid table maps tid to this thread */
};

struct ri_proc {
	pid_t pid;
	uint64_t start_ns;
	uid_t uid;
	pid_t ppid;
	char comm[RI_COMM_LEN];
	int nthreads;      /* live threads */
	struct ri_fig fig;
	struct ri_hist hist;
	bool exited;
	double exit_time;
	int gone_ticks;
	bool kthread;
	bool chosen;       /* part of the user's choice (always true without one) */
	struct ri_thread *threads; /* newest first; exited ones linger */

	/* private to the model */
	uint64_t cpu_total_base; /* CPU of threads already dropped */
	uint64_t rss_pages;
	bool by_name;            /* chosen once by name: stays chosen */
	bool in_table;
	int choice_slot;         /* index into choice_pids, -1 if none */
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
	 * batch run without -H never shows one: skipping it saves a third
	 * of the per-tick cost with ten thousand threads.
	 */
	bool thread_history;
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

struct ri_model {
	struct ri_model_opts opts;
	uint64_t tick;        /* number of updates so far */
	double time;          /* Unix time of the last update */
	double interval_s;    /* length of the last interval */
	uint64_t mono_ns;     /* CLOCK_MONOTONIC of the last update */
	uint64_t mem_total;   /* bytes */
	long page_size;
	int ncpu;
	uint64_t dropped;     /* cumulative, from the source */
	uint64_t dropped_delta;
	double events_ps;     /* events recorded per second */
	struct ri_totals totals;

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

/*
 * One tick. @live and @exited as drained from a source; @mono_ns and
 * @unix_time when they were drained.
 */
int ri_model_update(struct ri_model *m, const struct ri_taskbuf *live,
		    const struct ri_taskbuf *exited, uint64_t mono_ns,
		    double unix_time, uint64_t dropped, uint64_t events);

/* Replaces the choice (copies). Both empty: every process. */
int ri_model_choose(struct ri_model *m, const pid_t *pids, size_t npids,
		    const char (*names)[RI_COMM_LEN], size_t nnames);
bool ri_model_has_choice(const struct ri_model *m);
/* Names of the choice that match no process yet ("waiting for NAME"). */
size_t ri_model_waiting(const struct ri_model *m, const char **names,
			size_t max);

struct ri_proc *ri_model_find_proc(const struct ri_model *m, pid_t pid);
struct ri_thread *ri_model_find_thread(const struct ri_model *m, pid_t tid);

/* The current kernel-side filter implied by the choice (for the source). */
void ri_model_filter(const struct ri_model *m, struct ri_filter *f,
		     pid_t *buf, size_t bufn);

enum ri_sort_key {
	RI_SORT_CPU,
	RI_SORT_MEM,
	RI_SORT_TIME,
	RI_SORT_PID,
	RI_SORT_IO,    /* logical read + write rate */
	RI_SORT_COMM,
	RI_SORT_READ,
	RI_SORT_WRITE,
	RI_SORT_DISK_READ,
	RI_SORT_DISK_WRITE,
	RI_SORT_CSW,
	RI_SORT_THREADS,
	RI_SORT_RSS,
	RI_SORT_USER,
	RI_SORT_COUNT
};

/* Descending by key unless @reverse (PID, COMM and USER ascend); ties by PID. */
void ri_sort_procs(struct ri_proc **v, size_t n, enum ri_sort_key k,
		   bool reverse);
void ri_sort_threads(struct ri_thread **v, size_t n, enum ri_sort_key k,
		     bool reverse);
const char *ri_sort_name(enum ri_sort_key k);
int ri_sort_parse(const char *name, enum ri_sort_key *k);

#endif /* RI_MODEL_H */
