/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Sort keys of the table, shared by every front end: the names the
 * command line takes (-s KEY) and the orders they mean.
 */
#ifndef RI_SORT_H
#define RI_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "figures.h"

struct ri_proc;
struct ri_thread;

/*
 * What the cgroup view shows of a cgroup (ri_cgroup_view_value): memory
 * charged, tasks, the interval's throttled share of its quota periods,
 * and its pressure (the share of the interval some of its tasks stalled
 * on CPU, memory, I/O).
 */
enum ri_cg_view {
	RI_CGV_MEM,
	RI_CGV_TASKS,
	RI_CGV_THROTTLED,
	RI_CGV_PSI_CPU,
	RI_CGV_PSI_MEM,
	RI_CGV_PSI_IO,
	RI_CGV_COUNT
};

enum ri_sort_key {
	RI_SORT_CPU,
	RI_SORT_MEM,
	RI_SORT_TIME,
	RI_SORT_PID,
	RI_SORT_IO,    /* logical read + write rate */
	RI_SORT_COMM,
	/* The counters of figures.h with a figure of their own, by RI_C_ index. */
	RI_SORT_FIG,
	RI_SORT_FIG_LAST = RI_SORT_FIG + RI_C_COUNT - 1,
	RI_SORT_CSW,
	RI_SORT_THREADS,
	RI_SORT_RSS,
	RI_SORT_USER,
	RI_SORT_WAIT,   /* run-queue wait, WAIT% */
	RI_SORT_GROWTH, /* RSS growth per second (processes) */
	RI_SORT_NICE,   /* nice value (PRI sorts the same) */
	RI_SORT_VIRT,   /* virtual size of the address space */
	RI_SORT_START,  /* start time, newest first */
	RI_SORT_HEADROOM, /* % used of the scarcest limit (processes) */
	RI_SORT_ETA,    /* time to exhaustion, soonest first (processes) */
	RI_SORT_CGV,    /* the cgroup's figures of enum ri_cg_view, most first */
	RI_SORT_CGV_LAST = RI_SORT_CGV + RI_CGV_COUNT - 1,
	RI_SORT_COUNT
};

/*
 * What a comparison needs of a row, whatever it is: a process, a thread,
 * or a group of processes (rows.c sorts all three with one order).
 */
struct ri_sort_item {
	const struct ri_fig *fig;
	const char *comm;
	pid_t pid;
	int nthreads;
	uid_t uid;
	int nice;
	double growth; /* bytes per second; -INFINITY when unknown (sorts last) */
	double room;   /* % of the scarcest limit; -INFINITY when unknown */
	double eta;    /* seconds to exhaustion; INFINITY when none (sorts last) */
	double cgv[RI_CGV_COUNT]; /* its cgroup's; -INFINITY when unknown */
	uint64_t vm_bytes, start_ns;
	size_t ref;    /* the caller's: what the item stands for */
};

/*
 * Descending by key unless @reverse (PID, COMM and USER ascend); ties by
 * PID, always ascending, so rows do not jump.
 */
void ri_sort_procs(struct ri_proc **v, size_t n, enum ri_sort_key k,
		   bool reverse);
void ri_sort_threads(struct ri_thread **v, size_t n, enum ri_sort_key k,
		     bool reverse);
/* The same order over items (a process's: ri_sort_item_proc). */
void ri_sort_items(struct ri_sort_item *v, size_t n, enum ri_sort_key k,
		   bool reverse);
void ri_sort_item_proc(struct ri_sort_item *it, const struct ri_proc *p);
void ri_sort_item_thread(struct ri_sort_item *it, const struct ri_thread *t);
/* Whether @k ascends when not reversed (PID, COMM, USER). */
bool ri_sort_ascends(enum ri_sort_key k);
/*
 * The key's name for -s and the settings: "?" past the last key, NULL for
 * a counter of figures.h that has no figure of its own.
 */
const char *ri_sort_name(enum ri_sort_key k);
int ri_sort_parse(const char *name, enum ri_sort_key *k);

#endif /* RI_SORT_H */
