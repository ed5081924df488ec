/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where threads wait: the drain's table of wait sites (a thread, the
 * syscall it sleeps in, the kernel function it is blocked in), the
 * symbolizer that names kernel addresses from /proc/kallsyms, and the
 * names of x86_64's syscalls.
 *
 * The symbolizer keeps no copy of kallsyms (121 000 functions, 3 MiB of
 * names on a distribution kernel): it keeps the file open, opened before
 * the privileges are dropped (the kernel decides at open time whether a
 * reader sees addresses), and reads it through once whenever a drain
 * brings addresses it has not named yet, caching each address's name.
 * Wait stacks repeat, so after the first ticks it reads nothing.
 */
#ifndef RI_WAITS_H
#define RI_WAITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resource_image.h"

/* Bytes of a site's function name, its NUL included. */
#define RI_SITE_LEN 48

struct ri_site {
	uint32_t tid, tgid;
	int32_t nr;           /* syscall number (x86_64); -1: none */
	char fn[RI_SITE_LEN]; /* kernel function it is blocked in; "": unknown */
};

/* The sites of one drain, sorted by tgid then tid (ri_site_table_sort). */
struct ri_site_table {
	struct ri_site *v;
	size_t n, cap;
	uint64_t lost; /* sleeping threads wanted whose site did not fit */
	bool known;    /* the source reads sites: false from procfs, or a
			  recording made without them */
};

/* A new zeroed entry at the end of @t, or NULL when out of memory. */
struct ri_site *ri_site_table_push(struct ri_site_table *t);
/* @dst = @src, @dst's buffer reused; 0 or -ENOMEM. */
int ri_site_table_copy(struct ri_site_table *dst, const struct ri_site_table *src);
void ri_site_table_sort(struct ri_site_table *t);
/* The sites of process @tgid (a sorted table): *@n of them from the result. */
const struct ri_site *ri_site_table_proc(const struct ri_site_table *t, uint32_t tgid,
					 size_t *n);
/* The site of thread @tid of process @tgid, or NULL. */
const struct ri_site *ri_site_table_find(const struct ri_site_table *t, uint32_t tgid,
					 uint32_t tid);
void ri_site_table_free(struct ri_site_table *t);

/*
 * The sites of one process grouped: how many threads wait in each
 * (function, syscall), most first, then by name.
 */
struct ri_site_group {
	const char *fn;
	int32_t nr;
	uint32_t threads;
};
/*
 * Groups @n sites into @g, room for @max; returns the groups. Sites of a
 * place past the first @max are left out.
 */
size_t ri_site_group(const struct ri_site *s, size_t n, struct ri_site_group *g, size_t max);

/* x86_64's name of syscall @nr, or NULL. */
const char *ri_syscall_name(int32_t nr);
/* "6 threads in futex_wait_queue <- futex": @arrow between the two. */
char *ri_site_text(char *buf, size_t len, const char *fn, int32_t nr, const char *arrow);

/*
 * Whether @fn is one of the scheduler's own functions a sleeping task's
 * stack starts with (schedule, schedule_timeout, io_schedule, the
 * generic waits of wait_woken and the completions...), which say nothing
 * of what it waits for.
 */
bool ri_site_is_sched(const char *fn);

struct ri_ksyms;

/*
 * Opens @path (NULL: /proc/kallsyms) and checks that it shows
 * addresses: -EPERM when it shows zeros (no privilege), -errno when it
 * cannot be opened.
 */
int ri_ksyms_open(struct ri_ksyms **out, const char *path);
void ri_ksyms_close(struct ri_ksyms *k);
/*
 * The functions of @n addresses into @fn[i] (RI_SITE_LEN each; clone
 * suffixes such as ".isra.0" dropped, "" when unknown). Reads the file
 * once if any address is not cached. 0 or -errno.
 */
int ri_ksyms_name(struct ri_ksyms *k, const uint64_t *ips, size_t n, char (*fn)[RI_SITE_LEN]);
/* Reads of the file so far, and addresses cached (for -v and tests). */
void ri_ksyms_stats(const struct ri_ksyms *k, size_t *reads, size_t *cached);

/*
 * Parses kallsyms text in pieces (a line may straddle two): each text
 * symbol (type t or T) at or below an address of @want (sorted, @n of
 * them) that is nearer than the one found so far becomes its best, its
 * name in @best_fn. For ri_ksyms_name and the fuzzer.
 */
struct ri_ksyms_pass {
	const uint64_t *want;
	size_t n;
	uint64_t *best;              /* address of each one's best symbol, 0: none */
	char (*best_fn)[RI_SITE_LEN];
	char line[512];              /* the piece of a line carried over */
	size_t linelen;
	size_t lines;
};
void ri_ksyms_pass_feed(struct ri_ksyms_pass *p, const char *buf, size_t len);
void ri_ksyms_pass_end(struct ri_ksyms_pass *p);

/*
 * The sites of @n wait records of the kernel (struct ri_wait) appended
 * to @out: for each, the first function of its stack that is not the
 * scheduler's (the last one if all are), named in one read of the file
 * at most. 0 or -errno.
 */
int ri_wait_sites(struct ri_ksyms *k, const struct ri_wait *w, size_t n,
		  struct ri_site_table *out);

#endif /* RI_WAITS_H */
