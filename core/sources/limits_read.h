/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What processes can run out of, read at each drain by the live
 * sources: each leader's open file descriptors, its RLIMIT_NOFILE soft
 * limit, its swap and its PID inside its namespace, and the cgroups it
 * is in with their limits, usage, throttling, memory events and
 * pressure (struct ri_cgroup), on cgroup v2 or on the v1 controllers of
 * a hybrid host. Each cgroup is read once a tick however many processes
 * share it.
 *
 * The parsers (limits_parse.c) are pure functions over a buffer, for
 * unit tests and fuzzers; the reader (limits_read.c) takes the roots of /proc and of the cgroup mounts,
 * so tests give it a tree of their own.
 */
#ifndef RI_LIMITS_READ_H
#define RI_LIMITS_READ_H

#include <stdint.h>

#include "source.h"

/* Where the cgroups of one process are, relative to the cgroup root. */
struct ri_cg_paths {
	char v2[RI_CG_PATH];   /* the v2 cgroup ("0::PATH"), "" if none */
	char mem[RI_CG_PATH];  /* v1 controllers: "memory/PATH", "" if none */
	char pids[RI_CG_PATH];
	char cpu[RI_CG_PATH];  /* "cpu,cpuacct/PATH" as the hierarchy is named */
};

/* /proc/PID/cgroup into @p; 0, or -EINVAL for a line it cannot read. */
int ri_parse_proc_cgroup(const char *buf, struct ri_cg_paths *p);
/* /proc/PID/limits: the soft limit of "Max open files" (RI_CG_NONE: unlimited). */
int ri_parse_nofile(const char *buf, uint64_t *soft);
/* /proc/PID/status: VmSwap in bytes and the innermost NSpid (0: none nested). */
int ri_parse_status_limits(const char *buf, uint64_t *swap, uint32_t *nspid);
/*
 * One cgroup file named @name (the v2 name or the v1 one) into @cg: a
 * limit ("max" or a number), a value, or keyed counters (cpu.stat,
 * memory.events, memory.oom_control, PSI). 0, or -EINVAL when it does not
 * read as that file should.
 */
int ri_parse_cg_file(const char *name, const char *buf, struct ri_cgroup *cg);
/* A file that holds one number (kernel.threads-max); 0 or -EINVAL. */
int ri_parse_limits_u64(const char *buf, uint64_t *v);

struct ri_limits_reader;

/* NULL roots: /proc and /sys/fs/cgroup. 0 or a negative errno. */
int ri_limits_reader_open(struct ri_limits_reader **out, const char *proc_root,
			  const char *cgroup_root);
/*
 * Fills the limit fields of every process leader in d->live and makes
 * d->cgroups the table of their cgroups. A process whose files cannot
 * be read (gone, or not ours to read) gets RI_F_NO_LIMITS. 0 or -ENOMEM.
 */
int ri_limits_read(struct ri_limits_reader *r, struct ri_drain *d);
/*
 * Where the container runtimes keep their files (/var/lib/docker,
 * /run/containerd, ...), for tests: NULL or "/" is the machine's. 0 or
 * -ENOMEM.
 */
int ri_limits_reader_runtime_root(struct ri_limits_reader *r, const char *root);
void ri_limits_reader_close(struct ri_limits_reader *r);

#endif /* RI_LIMITS_READ_H */
