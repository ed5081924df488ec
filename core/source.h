/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the numbers come from. A source fills two task buffers per tick
 * with *cumulative* per-task counters (struct ri_task, the BPF ABI): the
 * tasks alive now, and the tasks that died since the last drain with their
 * final counters. Rates are the model's business, not the source's.
 *
 * Implementations: BPF (source_bpf.c: context-switch probe + task
 * iterator) and procfs (source_procfs.c: for machines where BPF is denied;
 * it cannot see tasks that live and die between two ticks).
 */
#ifndef RI_SOURCE_H
#define RI_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../bpf/resource_image.h"

enum ri_source_kind { RI_SRC_AUTO, RI_SRC_BPF, RI_SRC_PROCFS };
enum ri_probe { RI_PROBE_AUTO, RI_PROBE_TP_BTF, RI_PROBE_RAW_TP, RI_PROBE_KPROBE };

struct ri_source_opts {
	enum ri_source_kind kind;
	enum ri_probe probe;
	size_t exit_buffer;  /* bytes of the BPF exit ring buffer, 0 = default */
	const char *btf_path; /* kernel BTF to require; NULL = /sys/kernel/btf/vmlinux */
	bool verbose;         /* let libbpf talk */
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
void ri_taskbuf_free(struct ri_taskbuf *b);

/* A process choice as the kernel-side filter sees it. */
struct ri_filter {
	const pid_t *tgids;
	size_t ntgids;
	const char (*names)[RI_COMM_LEN];
	size_t nnames;
};

struct ri_source;

struct ri_source_ops {
	const char *name;
	int (*drain)(struct ri_source *s, struct ri_taskbuf *live,
		     struct ri_taskbuf *exited);
	/* NULL filter or empty: every task. */
	int (*set_filter)(struct ri_source *s, const struct ri_filter *f);
	void (*close)(struct ri_source *s);
};

struct ri_source {
	const struct ri_source_ops *ops;
	const char *probe;   /* "tp_btf", "raw_tp", "kprobe" or "none" */
	uint64_t dropped;    /* cumulative events that could not be recorded */
	uint64_t events;     /* cumulative events recorded (context switches) */
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
 * Reads the small /proc file @name under directory @dirfd into @buf, NUL
 * terminated; returns its length, or -1 (the task may have gone).
 */
ssize_t ri_procfs_read_at(int dirfd, const char *name, char *buf, size_t len);

/*
 * Appends the threads of process @tgid as procfs shows them (if @s's
 * filter takes it). For what another source cannot see. @s must be a
 * procfs source.
 */
int ri_procfs_read_tgid(struct ri_source *s, pid_t tgid,
			struct ri_taskbuf *live);

static inline int ri_source_drain(struct ri_source *s, struct ri_taskbuf *live,
				  struct ri_taskbuf *exited)
{
	return s->ops->drain(s, live, exited);
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

const char *ri_probe_name(enum ri_probe p);

#endif /* RI_SOURCE_H */
