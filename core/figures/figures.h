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

#endif /* RI_FIGURES_H */
