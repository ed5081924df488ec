/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every per-task counter, declared once (htop's Process_fields[], the
 * kernel's X-macros): where it comes from (its field of the ABI's struct
 * ri_task, and where the procfs source reads it), how the model derives
 * its figures, and, for the counters shown as a rate of their own, every
 * place a user sees it: the column (title, width, help), the batch text
 * column, the JSON keys, the sort key and alert metric name, and the
 * metric family. The model's interval step, the per-process sums, the
 * drains summed per process, sorting, the table and its setup, batch
 * text and JSON, the exporter, the rule grammar, --help and the
 * recording codec all iterate this list; none names a counter.
 *
 * Each counter is cumulative and only grows: the model takes the
 * difference of two snapshots for the interval (struct ri_fig's n[]),
 * divides it by the interval for a rate (rate[]), and sums threads into
 * their process. Counters with a figure of their own (RI_FF_SHOWN) get
 * everything below; the others feed figures computed from several
 * counters (CPU%, CSW/s, WAIT%, AVGWAIT), which the model names.
 *
 * Columns of an entry:
 *   id      the enum's name: RI_C_<id>
 *   field   the member of struct ri_task (bpf/resource_image.h)
 *   procfs  how the procfs source reads it: RI_PF_IO(key) a line of
 *           /proc/TID/io (the key as it follows a newline, unless first), RI_PF_STAT(n) field n of /proc/TID/stat (as
 *           proc(5) numbers them), RI_PF_OWN read by the source's own code
 *   flags   RI_FF_*
 *   name    the sort key (-s) and alert metric; also the column's name in
 *           the settings file
 *   title   column title, batch text and screen
 *   tw, sw  width of the batch text column and of the screen's column
 *   drop    the screen's column leaves a narrow screen in this order
 *           (highest first; see the man page)
 *   json    JSON key stem: "<json>_bps" + "<json>_bytes" for bytes,
 *           "<json>_ps" + "<json>" for counts
 *   family  metric family stem (..._<family>), a counter; for RI_FF_TIME
 *           the value of the "state" label of the one ..._state_seconds
 *           family
 *   help    what it counts, for the metric's HELP; "%s" is who ("this
 *           process", ...)
 *   brief   the column's help in the setup screen
 *
 * The order is the order of the columns, the JSON keys and the families.
 * A recording codes the counters of version 1 in its own frozen order
 * (record_codec.c asks for them by RI_C_ id), and a counter added later
 * by its place here.
 */
#ifndef RI_FIGURES_H
#define RI_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resource_image.h"

enum ri_procfs_file { RI_PF_NONE, RI_PF_IO_FILE, RI_PF_STAT_FILE };
#define RI_PF_IO(key) RI_PF_IO_FILE, key, 0
#define RI_PF_STAT(n) RI_PF_STAT_FILE, NULL, n
#define RI_PF_OWN RI_PF_NONE, NULL, 0

/* Flags of a counter. */
#define RI_FF_SHOWN 0x1u    /* a rate of its own: column, JSON, sort, alert, metric */
#define RI_FF_BYTES 0x2u    /* counts bytes (a rate in bytes/s); else events */
#define RI_FF_DISK 0x4u     /* n/a where the kernel has no storage accounting */
#define RI_FF_IN 0x8u       /* coloured as a read: something comes in */
#define RI_FF_OUT 0x10u     /* coloured as a write */
#define RI_FF_NEWER 0x20u   /* appended to a recording's task fields after version
				 * 1's: an older recording has none (n/a) */
#define RI_FF_HIDDEN 0x40u  /* its column is off until the setup turns it on */
#define RI_FF_NET 0x80u     /* n/a where socket bytes are not counted (RI_F_NO_NET) */
#define RI_FF_TIME 0x100u   /* nanoseconds in a state (RI_F_NO_STATES: n/a): its rate
			     * is a share of the wall time, in percent like CPU% */

/* clang-format off */
#define RI_COUNTERS(X)                                                           \
	X(CPU, cpu_ns, RI_PF_OWN, 0, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL) \
	X(VCSW, nvcsw, RI_PF_OWN, 0, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL) \
	X(IVCSW, nivcsw, RI_PF_OWN, 0, NULL, NULL, 0, 0, 0, NULL, NULL, NULL,    \
	  NULL)                                                                  \
	X(RUN_DELAY, run_delay_ns, RI_PF_OWN, 0, NULL, NULL, 0, 0, 0, NULL, NULL, \
	  NULL, NULL)                                                            \
	X(PCOUNT, pcount, RI_PF_OWN, 0, NULL, NULL, 0, 0, 0, NULL, NULL, NULL,   \
	  NULL)                                                                  \
	X(READ, rchar, RI_PF_IO("rchar: "),                                      \
	  RI_FF_SHOWN | RI_FF_BYTES | RI_FF_IN, "read", "READ/s", 7, 7, 4,       \
	  "io_read", "read_bytes",                                               \
	  "Bytes %s passed to read-like system calls (rchar), cache hits included", \
	  "logical reads per second")                                            \
	X(WRITE, wchar, RI_PF_IO("wchar: "),                                     \
	  RI_FF_SHOWN | RI_FF_BYTES | RI_FF_OUT, "write", "WRITE/s", 7, 7, 4,    \
	  "io_write", "written_bytes",                                           \
	  "Bytes %s passed to write-like system calls (wchar)",                  \
	  "logical writes per second")                                           \
	X(DISK_READ, read_bytes, RI_PF_IO("\nread_bytes: "),                       \
	  RI_FF_SHOWN | RI_FF_BYTES | RI_FF_DISK | RI_FF_IN, "disk-read",        \
	  "DISK-R/s", 8, 8, 9, "disk_read", "disk_read_bytes",                   \
	  "Bytes %s caused to be fetched from storage (read_bytes)",             \
	  "storage reads per second")                                            \
	X(DISK_WRITE, write_bytes, RI_PF_IO("\nwrite_bytes: "),                    \
	  RI_FF_SHOWN | RI_FF_BYTES | RI_FF_DISK | RI_FF_OUT, "disk-write",      \
	  "DISK-W/s", 8, 8, 9, "disk_write", "disk_written_bytes",               \
	  "Bytes %s caused to be sent towards storage (write_bytes)",            \
	  "storage writes per second")                                           \
	X(MINFLT, min_flt, RI_PF_STAT(10),                                       \
	  RI_FF_SHOWN | RI_FF_NEWER | RI_FF_HIDDEN, "minflt", "MINFLT/s", 8, 8,  \
	  14, "min_flt", "minor_page_faults",                                    \
	  "Minor page faults (min_flt: served without I/O, memory touched for "  \
	  "the first time or found in the page cache) of %s",                    \
	  "minor page faults per second: pages found in memory")                 \
	X(MAJFLT, maj_flt, RI_PF_STAT(12),                                       \
	  RI_FF_SHOWN | RI_FF_NEWER | RI_FF_HIDDEN, "majflt", "MAJFLT/s", 8, 8,  \
	  14, "maj_flt", "major_page_faults",                                    \
	  "Major page faults (maj_flt: pages read from storage, a sign of "      \
	  "memory pressure) of %s",                                              \
	  "major page faults per second: pages read from storage")              \
	X(NET_RX, net_rx, RI_PF_OWN,                                             \
	  RI_FF_SHOWN | RI_FF_BYTES | RI_FF_IN | RI_FF_NET | RI_FF_NEWER |       \
	  RI_FF_HIDDEN, "net-rx", "NET-RX/s", 8, 8, 13, "net_rx", "network_received_bytes", \
	  "Bytes %s received through sockets of every family (TCP, UDP, Unix, "  \
	  "...), counted since the tool started",                                \
	  "bytes received through sockets per second")                           \
	X(NET_TX, net_tx, RI_PF_OWN,                                             \
	  RI_FF_SHOWN | RI_FF_BYTES | RI_FF_OUT | RI_FF_NET | RI_FF_NEWER |      \
	  RI_FF_HIDDEN, "net-tx", "NET-TX/s", 8, 8, 13, "net_tx", "network_sent_bytes", \
	  "Bytes %s sent through sockets of every family (TCP, UDP, Unix, ...), " \
	  "sendfile and splice included, counted since the tool started",        \
	  "bytes sent through sockets per second")                               \
	X(ST_DISK, state_ns[RI_ST_DISK], RI_PF_OWN,                              \
	  RI_FF_SHOWN | RI_FF_TIME | RI_FF_NEWER | RI_FF_HIDDEN, "disk", "DISK%", \
	  6, 6, 13, "state_disk", "disk",                                        \
	  "Time %s spent uninterruptible in I/O wait (storage, page-cache "      \
	  "misses), counted since the tool started",                             \
	  "share of the time uninterruptible in I/O wait (storage)")             \
	X(ST_BLOCKED, state_ns[RI_ST_BLOCKED], RI_PF_OWN,                        \
	  RI_FF_SHOWN | RI_FF_TIME | RI_FF_NEWER | RI_FF_HIDDEN, "blocked",      \
	  "BLKD%", 6, 6, 13, "state_blocked", "blocked",                         \
	  "Time %s spent in other uninterruptible sleeps (kernel locks, "       \
	  "reclaim, a file server that does not answer, vfork), counted since "  \
	  "the tool started",                                                    \
	  "share of the time in other uninterruptible sleeps (hung tasks live here)") \
	X(ST_LOCK, state_ns[RI_ST_LOCK], RI_PF_OWN,                              \
	  RI_FF_SHOWN | RI_FF_TIME | RI_FF_NEWER | RI_FF_HIDDEN, "lock", "LOCK%", \
	  6, 6, 13, "state_lock", "lock",                                        \
	  "Time %s spent in futex waits on a lock another live thread of the "   \
	  "process holds, counted since the tool started",                       \
	  "share of the time waiting for a lock another thread holds")          \
	X(ST_NET, state_ns[RI_ST_NET], RI_PF_OWN,                                \
	  RI_FF_SHOWN | RI_FF_TIME | RI_FF_NEWER | RI_FF_HIDDEN, "net", "NET%",  \
	  6, 6, 13, "state_net", "net",                                          \
	  "Time %s spent asleep in socket calls, or polling sockets, counted "   \
	  "since the tool started",                                              \
	  "share of the time waiting on sockets")                                \
	X(ST_SLEEP, state_ns[RI_ST_SLEEP], RI_PF_OWN,                            \
	  RI_FF_SHOWN | RI_FF_TIME | RI_FF_NEWER | RI_FF_HIDDEN, "sleep",        \
	  "SLEEP%", 6, 6, 13, "state_sleep", "sleep",                            \
	  "Time %s spent in timers, child and signal waits, and waiting for "    \
	  "work (futex waits nobody holds), counted since the tool started",     \
	  "share of the time in timers, child and signal waits, waiting for work") \
	X(ST_OTHER, state_ns[RI_ST_OTHER], RI_PF_OWN,                            \
	  RI_FF_SHOWN | RI_FF_TIME | RI_FF_NEWER | RI_FF_HIDDEN, "other",        \
	  "OTHER%", 6, 6, 13, "state_other", "other",                            \
	  "Time %s spent in any other sleep (pipes, terminals, eventfd, "        \
	  "stopped), counted since the tool started",                            \
	  "share of the time in other sleeps: pipes, terminals, eventfd, stopped")
/* clang-format on */

enum ri_counter {
#define RI_X_ENUM(id, ...) RI_C_##id,
	RI_COUNTERS(RI_X_ENUM)
#undef RI_X_ENUM
	RI_C_COUNT
};

/* How many counters have a figure of their own. */
#define RI_X_SHOWN(id, field, pf, flags, ...) +!!((flags)&RI_FF_SHOWN)
#define RI_C_SHOWN (0 RI_COUNTERS(RI_X_SHOWN))

/* Where each counter is in struct ri_task: constants, for static tables. */
enum ri_counter_offset {
#define RI_X_OFF(id, field, ...) RI_C_OFF_##id = offsetof(struct ri_task, field),
	RI_COUNTERS(RI_X_OFF)
#undef RI_X_OFF
};

/* The cumulative counters of a task, by RI_C_ index. */
struct ri_counters {
	uint64_t v[RI_C_COUNT];
};

/* One counter as the rest of the tool sees it. */
struct ri_counter_info {
	const char *field;      /* struct ri_task's member, for messages */
	size_t off;             /* offsetof(struct ri_task, field) */
	enum ri_procfs_file pf; /* where the procfs source reads it */
	const char *pf_key;     /* RI_PF_IO: the line's key, colon and blank included */
	int pf_field;           /* RI_PF_STAT: the field's number */
	unsigned flags;
	const char *name, *title;
	int text_width, screen_width, drop;
	const char *json, *family, *help, *brief;
};

extern const struct ri_counter_info ri_counters[RI_C_COUNT];

/* The counters of @r, and @r's counters set from @c. */
static inline void ri_counters_get(struct ri_counters *c, const struct ri_task *r)
{
	for (int i = 0; i < RI_C_COUNT; i++)
		c->v[i] = *(const uint64_t *)((const char *)r + ri_counters[i].off);
}

static inline void ri_counters_put(struct ri_task *r, const struct ri_counters *c)
{
	for (int i = 0; i < RI_C_COUNT; i++)
		*(uint64_t *)((char *)r + ri_counters[i].off) = c->v[i];
}

/* @r's counters plus @t's (a sum of threads, or of exits). */
static inline void ri_counters_add_task(struct ri_task *r, const struct ri_task *t)
{
	for (int i = 0; i < RI_C_COUNT; i++)
		*(uint64_t *)((char *)r + ri_counters[i].off) +=
			*(const uint64_t *)((const char *)t + ri_counters[i].off);
}

static inline void ri_counters_add(struct ri_counters *a, const struct ri_counters *b)
{
	for (int i = 0; i < RI_C_COUNT; i++)
		a->v[i] += b->v[i];
}

/* The name of state @s (enum ri_state): "disk", ..., "other". */
const char *ri_state_name(int s);

/* Whether @c is a figure of its own, and which one @name is (-1: none). */
static inline bool ri_counter_shown(int c)
{
	return c >= 0 && c < RI_C_COUNT && (ri_counters[c].flags & RI_FF_SHOWN);
}
int ri_counter_by_name(const char *name);

/*
 * "Bytes this process passed to ..." from @c's help and @who, into @buf
 * (the help with its first letter as written).
 */
char *ri_counter_help(char *buf, size_t len, int c, const char *who);

/*
 * What a process can run out of, declared once like the counters: the
 * model's headroom (used, limit, % and time to exhaustion, model.h's
 * struct ri_room), the HEADROOM and ETA columns, the alert metric, the
 * JSON object and the exporter's resource label all iterate this list.
 *
 *   id      RI_R_<id>
 *   name    the short name shown ("fd 91%") and the exporter's label
 *   metric  the alert metric: percent of the limit used
 *   json    the key of its object under "headroom"
 *   what    the limit, for the man page, the help and the metric's HELP
 */
/* clang-format off */
#define RI_RESOURCES(X)                                                          \
	X(FD, "fd", "fd", "fd",                                                  \
	  "open file descriptors against the RLIMIT_NOFILE soft limit")          \
	X(THREADS, "threads", "threads-limit", "threads",                        \
	  "tasks of its cgroup against pids.max, or the machine's threads "      \
	  "against kernel.threads-max")                                          \
	X(MEM, "mem", "mem-limit", "mem",                                        \
	  "memory charged to its cgroup against memory.max or memory.high, or "  \
	  "its RSS and swap against what the machine has (MemAvailable)")
/* clang-format on */

enum ri_resource {
#define RI_X_ENUM(id, ...) RI_R_##id,
	RI_RESOURCES(RI_X_ENUM)
#undef RI_X_ENUM
	RI_R_COUNT
};

struct ri_resource_info {
	const char *name, *metric, *json, *what;
};

extern const struct ri_resource_info ri_resources[RI_R_COUNT];

/*
 * What the source reads of each process's limits into its leader's
 * record (bpf/resource_image.h): the recording carries them in this
 * order after the counters, JSON and the exporter show those with a key.
 *
 *   field   the member of struct ri_task
 *   json    JSON key (NULL: none of its own)
 *   family  metric family stem, a gauge (NULL: none)
 *   help    for the metric's HELP; "%s" is who
 */
/* clang-format off */
#define RI_LIMIT_FIELDS(X)                                                       \
	X(nfds, "open_fds", "open_fds", "Open file descriptors of %s")           \
	X(fd_limit, "fd_limit", "fd_limit",                                      \
	  "Soft limit of open file descriptors (RLIMIT_NOFILE) of %s")           \
	X(swap_bytes, "swap_bytes", "swap_bytes", "Swap used by %s (VmSwap)")   \
	X(nspid, "nspid", NULL, NULL)                                            \
	X(cg_key, NULL, NULL, NULL)
/* clang-format on */

/*
 * What the source reads of the cgroups that bound a process (struct
 * ri_cgroup in source.h), each once per tick however many processes
 * share them, on cgroup v2 or on v1's controllers (a hybrid host keeps
 * memory, pids and cpu there). Declared once: the source's reader, the
 * recording, the model's interval figures, JSON and the exporter
 * iterate this list.
 *
 *   field   the member of struct ri_cgroup (uint64_t)
 *   kind    RI_GF_GAUGE a value now; RI_GF_LIMIT a limit, RI_CG_NONE when
 *           none is set; RI_GF_COUNTER cumulative, only grows
 *   scale   to the exporter's base unit (seconds, bytes)
 *   json    JSON key in the cgroup's object
 *   family  metric family stem (..._cgroup_<family>; "_total" for counters)
 *   help    where it comes from, v2 and v1
 */
#define RI_GF_GAUGE 0
#define RI_GF_LIMIT 1
#define RI_GF_COUNTER 2

/* clang-format off */
#define RI_CG_FIELDS(X)                                                          \
	X(mem_usage, RI_GF_GAUGE, 1, "memory_bytes", "memory_bytes",             \
	  "Memory charged to the cgroup (memory.current; v1 memory.usage_in_bytes)") \
	X(mem_max, RI_GF_LIMIT, 1, "memory_max_bytes", "memory_max_bytes",       \
	  "Hard memory limit of the cgroup (memory.max; v1 memory.limit_in_bytes)") \
	X(mem_high, RI_GF_LIMIT, 1, "memory_high_bytes", "memory_high_bytes",    \
	  "Memory above which the cgroup is throttled and reclaimed (memory.high; " \
	  "v1 memory.soft_limit_in_bytes)")                                      \
	X(pids_current, RI_GF_GAUGE, 1, "pids", "pids",                          \
	  "Tasks in the cgroup (pids.current)")                                  \
	X(pids_max, RI_GF_LIMIT, 1, "pids_max", "pids_max",                      \
	  "Most tasks the cgroup may hold (pids.max)")                           \
	X(cpu_quota_us, RI_GF_LIMIT, 1e-6, "cpu_quota_seconds", "cpu_quota_seconds", \
	  "CPU time the cgroup may use per period (cpu.max; v1 cpu.cfs_quota_us)") \
	X(cpu_period_us, RI_GF_GAUGE, 1e-6, "cpu_period_seconds", "cpu_period_seconds", \
	  "Period of the CPU quota (cpu.max; v1 cpu.cfs_period_us)")             \
	X(nr_periods, RI_GF_COUNTER, 1, "cpu_periods", "cpu_periods",            \
	  "Quota periods in which the cgroup ran (cpu.stat nr_periods)")         \
	X(nr_throttled, RI_GF_COUNTER, 1, "cpu_throttled_periods",               \
	  "cpu_throttled_periods",                                               \
	  "Periods that ended with the cgroup throttled (cpu.stat nr_throttled)") \
	X(throttled_ns, RI_GF_COUNTER, 1e-9, "throttled_seconds", "throttled_seconds", \
	  "Time the cgroup's tasks were throttled (cpu.stat throttled_usec; v1 " \
	  "throttled_time)")                                                     \
	X(ev_high, RI_GF_COUNTER, 1, "memory_high_events", "memory_high_events", \
	  "Times the cgroup went over memory.high (memory.events high)")         \
	X(ev_max, RI_GF_COUNTER, 1, "memory_max_events", "memory_max_events",    \
	  "Times the cgroup hit its memory limit (memory.events max; v1 "        \
	  "memory.failcnt)")                                                     \
	X(ev_oom, RI_GF_COUNTER, 1, "oom_events", "oom_events",                  \
	  "Times the cgroup ran out of memory (memory.events oom)")              \
	X(ev_oom_kill, RI_GF_COUNTER, 1, "oom_kills", "oom_kills",               \
	  "Processes of the cgroup the OOM killer killed (memory.events "        \
	  "oom_kill; v1 memory.oom_control oom_kill)")                           \
	X(psi_cpu_some_us, RI_GF_COUNTER, 1e-6, "cpu_pressure_some_seconds",     \
	  "cpu_pressure_some_seconds",                                           \
	  "Time some of the cgroup's tasks waited for a CPU (cpu.pressure)")     \
	X(psi_mem_some_us, RI_GF_COUNTER, 1e-6, "memory_pressure_some_seconds",  \
	  "memory_pressure_some_seconds",                                        \
	  "Time some of the cgroup's tasks stalled on memory (memory.pressure)") \
	X(psi_mem_full_us, RI_GF_COUNTER, 1e-6, "memory_pressure_full_seconds",  \
	  "memory_pressure_full_seconds",                                        \
	  "Time all of the cgroup's tasks stalled on memory (memory.pressure)")  \
	X(psi_io_some_us, RI_GF_COUNTER, 1e-6, "io_pressure_some_seconds",       \
	  "io_pressure_some_seconds",                                            \
	  "Time some of the cgroup's tasks stalled on I/O (io.pressure)")
/* clang-format on */

enum ri_cg_field {
#define RI_X_ENUM(f, ...) RI_CGF_##f,
	RI_CG_FIELDS(RI_X_ENUM)
#undef RI_X_ENUM
	RI_CGF_COUNT
};

struct ri_cg_field_info {
	size_t off; /* in struct ri_cgroup */
	int kind;   /* RI_GF_* */
	double scale;
	const char *field, *json, *family, *help;
};

extern const struct ri_cg_field_info ri_cg_fields[RI_CGF_COUNT];

#define RI_CG_PATH 200          /* bytes of a cgroup's path kept, NUL included */
#define RI_CG_NONE UINT64_MAX   /* a limit that is not set ("max") */

/* ri_cgroup.flags */
#define RI_CG_V1 0x1u /* its limits are v1 controllers' (a hybrid or v1 host) */

#define RI_CT_NAME 64 /* bytes of a container, pod or namespace name kept */

/*
 * What a container's runtime calls it, from the runtime's own files
 * (container_names.c); "" where they say nothing or cannot be read.
 */
struct ri_ct_names {
	char name[RI_CT_NAME];   /* the container ("web-1"; Kubernetes' container name) */
	char pod[RI_CT_NAME];    /* the Kubernetes pod */
	char pod_ns[RI_CT_NAME]; /* the pod's namespace */
};

/*
 * The cgroups one set of processes shares, as one drain saw them: those
 * whose /proc/PID/cgroup read the same share one entry (its key), read
 * once in the tick. @path names it: the v1 memory controller's path
 * where it has one, else the v2 one.
 */
struct ri_cgroup {
	uint64_t key;  /* ri_task.cg_key of its processes; never 0 */
	uint32_t have; /* bit RI_CGF_<field>: the field was read */
	uint32_t flags; /* RI_CG_* */
	char path[RI_CG_PATH];
	struct ri_ct_names names; /* of the container its path names */
#define RI_X_MEMBER(f, ...) uint64_t f;
	RI_CG_FIELDS(RI_X_MEMBER)
#undef RI_X_MEMBER
};
_Static_assert(RI_CGF_COUNT <= 32, "ri_cgroup.have is 32 bits");

#endif /* RI_FIGURES_H */
