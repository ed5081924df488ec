/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading procfs: small files under a directory fd, the machine's own
 * counters (/proc/stat, meminfo, loadavg, uptime, pressure) into a
 * struct ri_machine, and every process as a list (for the picker). Used
 * by the live sources; the model never reads a file.
 *
 * The parsers are pure functions over a buffer, so unit tests and fuzzers
 * call them on synthetic text.
 */
#ifndef RI_PROCFS_H
#define RI_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

#include "source.h"

/*
 * Reads the small file @name under directory @dirfd into @buf, NUL
 * terminated; returns its length, or -1 (the task may have gone).
 */
ssize_t ri_procfs_read_at(int dirfd, const char *name, char *buf, size_t len);

/* Parsers of the machine's files; each fills its part of @m, 0 or -EINVAL. */
int ri_parse_proc_stat(const char *buf, struct ri_machine *m, long hz);
int ri_parse_meminfo(const char *buf, struct ri_machine *m);
int ri_parse_loadavg(const char *buf, struct ri_machine *m);
int ri_parse_uptime(const char *buf, struct ri_machine *m);
int ri_parse_pressure(const char *buf, struct ri_psi *p);
/* /proc/net/dev: the sums over every interface but loopback. */
int ri_parse_net_dev(const char *buf, struct ri_machine *m);

/*
 * The machine's counters, read through file descriptors opened once
 * (pread from offset 0 each tick: no open/close per tick).
 */
struct ri_machine_reader;

int ri_machine_reader_open(struct ri_machine_reader **out, const char *proc_root);
/* Fills @m but for the task counts, which only a source can count. */
int ri_machine_read(struct ri_machine_reader *r, struct ri_machine *m);
void ri_machine_reader_close(struct ri_machine_reader *r);

/* Stamps @d with the clocks of now (boot-time and real); @c NULL: the system's. */
void ri_drain_stamp(struct ri_drain *d, const struct ri_clocks *c);

/* A process as a list shows it: for choosing, not for figures. */
struct ri_proc_entry {
	pid_t pid;
	uid_t uid;
	char comm[RI_COMM_LEN];
	char *cmdline; /* printable, spaces for NULs; never NULL */
};

struct ri_proc_list {
	struct ri_proc_entry *v;
	size_t n;
};

/* Every process under @proc_root (NULL: /proc); 0 or a negative errno. */
int ri_proc_list_read(struct ri_proc_list *l, const char *proc_root);
void ri_proc_list_free(struct ri_proc_list *l);

#endif /* RI_PROCFS_H */
