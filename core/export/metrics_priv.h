/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What metrics_acc.c (the accumulators) and metrics.c (the rendering)
 * share: the state behind struct ri_metrics.
 */
#ifndef RI_METRICS_PRIV_H
#define RI_METRICS_PRIV_H

#include "figures.h"
#include "metrics.h"

/* Series each entity renders at most: what the bound counts. */
#define MX_SELF_SERIES 7   /* build_info, dropped, switches, tick, exporter CPU,
			      series, folded */
/*
 * Counter series of every entity: CPU, the two kinds of switches, the
 * run-queue wait, each counter of figures.h with a figure of its own, and
 * the cpu and runq of the states' family.
 */
#define MX_COUNTER_SERIES (6 + RI_C_SHOWN)
#define MX_GROUP_SERIES (MX_COUNTER_SERIES + 4) /* exited, 3 gauges */
/* rss, threads, start time, growth; open FDs, their limit, and per resource
   the share of its limit used and the seconds to exhaustion */
#define MX_PROC_SERIES (MX_COUNTER_SERIES + 6 + 2 * RI_R_COUNT)
#define MX_BUCKET_SERIES (MX_COUNTER_SERIES + 1) /* threads */

/* Room for 'pid="4194304",comm="...",thread="..."', escaped. */
#define MX_LABELS_MAX 256

/* The name of the group the smallest groups fold into. */
#define MX_OTHER "other"

/* An entity's counters, by figures.h's RI_C_ index. */
#define mx_counters ri_counters

/* Whether an entity's series are in the exposition (the bound). */
enum mx_admit { MX_UNDECIDED, MX_IN, MX_OUT };

/* What every entity with series has: a name, labels, counters, gauges. */
struct mx_series {
	char name[RI_MX_VALUE_MAX];
	char labels[MX_LABELS_MAX];
	struct mx_counters c;
	uint64_t rss;      /* resident memory, live processes */
	uint32_t nthreads; /* live threads */
	double last_live;  /* model time a task of it last ran or exited */
	bool disk_na, net_na, states_na, wait_na, newer_na;
	enum mx_admit admit; /* processes and thread names (groups fold instead) */
	uint64_t admit_seq;
};

/* The processes of one name, exited ones included. */
struct mx_group {
	struct mx_series s;
	uint32_t hash;
	uint64_t exited;
	uint32_t nprocs;  /* live, this tick */
	bool folded;      /* its counts go to "other" */
};

/* One process seen (pid + start time), chosen or not. */
struct mx_proc {
	struct mx_series s;
	pid_t pid;
	uint64_t start_ns;
	uint32_t hash, id; /* id: stable, for its thread buckets */
	double start_time;  /* Unix time */
	double growth_bps;
	bool growth_valid;
	bool lim_known;        /* its limits were read this tick */
	uint64_t nfds, fd_limit; /* fd_limit RI_CG_NONE: unlimited */
	double room[RI_R_COUNT]; /* ratio of each limit used; < 0: none known */
	double eta[RI_R_COUNT];  /* seconds to exhaustion; < 0: none */
	bool exited;
	bool threads_seen; /* its threads have been counted once */
	bool removed;      /* swept: its buckets go too */
	double last_seen, exit_time;
	uint64_t seen_tick;
	struct mx_proc *next_free;
};

/* The threads of one name in one chosen process. */
struct mx_bucket {
	struct mx_series s;
	uint32_t proc_id, hash;
	struct mx_proc *proc;
	struct mx_bucket *next_free;
};

/* Open addressing over an array of pointers: slots hold index + 1. */
struct mx_index {
	uint32_t *slot;
	size_t mask; /* capacity - 1; 0 before the first build */
};

struct ri_metrics {
	struct ri_metrics_opts opts;
	uint64_t tick;
	double now;        /* model time of the last update */
	bool choice;       /* the model had a choice at the last update */
	uint64_t folded;   /* series kept out by the bound, cumulative */
	uint64_t seq;      /* admissions so far */
	uint32_t next_id;
	void **scratch;    /* for sorting in the bound */
	size_t cap_scratch;

	struct mx_group **groups;
	size_t ngroups, cap_groups;
	struct mx_index group_ix;

	struct mx_proc **procs;
	size_t nprocs, cap_procs;
	struct mx_index proc_ix;
	struct mx_proc *free_procs;

	struct mx_bucket **buckets;
	size_t nbuckets, cap_buckets;
	struct mx_index bucket_ix;
	struct mx_bucket *free_buckets;
};

#endif /* RI_METRICS_PRIV_H */
