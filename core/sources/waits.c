// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Wait sites (waits.h): the drain's table, grouping, the scheduler's own
 * functions, x86_64's syscall names, and naming kernel addresses from
 * /proc/kallsyms without keeping a copy of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "waits.h"

/* ---- the table ---- */

struct ri_site *ri_site_table_push(struct ri_site_table *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct ri_site *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

int ri_site_table_copy(struct ri_site_table *dst, const struct ri_site_table *src)
{
	if (src->n > dst->cap) {
		struct ri_site *v = realloc(dst->v, src->n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		dst->v = v;
		dst->cap = src->n;
	}
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	dst->n = src->n;
	dst->lost = src->lost;
	dst->known = src->known;
	return 0;
}

static int site_cmp(const void *a, const void *b)
{
	const struct ri_site *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

void ri_site_table_sort(struct ri_site_table *t)
{
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), site_cmp);
}

const struct ri_site *ri_site_table_proc(const struct ri_site_table *t, uint32_t tgid,
					 size_t *n)
{
	size_t lo = 0, hi = t->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].tgid < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < t->n && t->v[end].tgid == tgid; end++)
		;
	*n = end - lo;
	return *n ? &t->v[lo] : NULL;
}

const struct ri_site *ri_site_table_find(const struct ri_site_table *t, uint32_t tgid,
					 uint32_t tid)
{
	size_t n;
	const struct ri_site *s = ri_site_table_proc(t, tgid, &n);

	for (size_t i = 0; i < n; i++)
		if (s[i].tid == tid)
			return &s[i];
	return NULL;
}

void ri_site_table_free(struct ri_site_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int group_cmp(const void *a, const void *b)
{
	const struct ri_site_group *x = a, *y = b;
	int c;

	if (x->threads != y->threads)
		return x->threads > y->threads ? -1 : 1;
	if ((c = strcmp(x->fn, y->fn)))
		return c;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

size_t ri_site_group(const struct ri_site *s, size_t n, struct ri_site_group *g, size_t max)
{
	size_t ng = 0, i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ng; j++)
			if (g[j].nr == s[i].nr && !strcmp(g[j].fn, s[i].fn))
				break;
		if (j == ng) {
			if (ng == max)
				continue;
			g[ng++] = (struct ri_site_group){ .fn = s[i].fn, .nr = s[i].nr };
		}
		g[j].threads++;
	}
	if (ng > 1)
		qsort(g, ng, sizeof(*g), group_cmp);
	return ng;
}

/* ---- names ---- */

static const char *const syscalls[] = {
#include "syscalls_x86_64.inc"
};

const char *ri_syscall_name(int32_t nr)
{
	if (nr < 0 || (size_t)nr >= sizeof(syscalls) / sizeof(syscalls[0]))
		return NULL;
	return syscalls[nr];
}

char *ri_site_text(char *buf, size_t len, const char *fn, int32_t nr, const char *arrow)
{
	const char *sc = ri_syscall_name(nr);

	if (sc)
		snprintf(buf, len, "%s %s %s", *fn ? fn : "?", arrow, sc);
	else
		snprintf(buf, len, "%s", *fn ? fn : "?");
	return buf;
}

bool ri_site_is_sched(const char *fn)
{
	static const char *const prefixes[] = {
		"__schedule", "schedule", "io_schedule", "preempt_schedule",
		"__cond_resched", "wait_for_completion", "__wait_for_common",
		"wait_for_common", "do_wait_for_common", "bit_wait", "__wait_on_bit",
		"out_of_line_wait_on_bit", "freezable_schedule", "usleep_range",
	};
	static const char *const exact[] = { "wait_woken", "__switch_to", "__switch_to_asm" };
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(fn, exact[i]))
			return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(fn, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* ---- the kallsyms parser ---- */

/* A symbol farther than this below an address is not its function. */
#define SYM_REACH (1u << 20)

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "ffffffff81000000 T _stext" or "... t name\t[module]" */
static void pass_line(struct ri_ksyms_pass *p, const char *s, size_t len)
{
	const char *end = s + len, *name;
	uint64_t addr = 0;
	size_t lo = 0, hi = p->n, nlen, i;
	int digits = 0, v;

	p->lines++;
	while (s < end && (v = hexval(*s)) >= 0) {
		if (++digits > 16)
			return;
		addr = addr << 4 | (uint64_t)v;
		s++;
	}
	if (!digits || end - s < 3 || s[0] != ' ' || (s[1] != 't' && s[1] != 'T') || s[2] != ' ')
		return;
	name = s + 3;
	for (nlen = 0; name + nlen < end && name[nlen] != '\t' && name[nlen] != ' ' &&
		       name[nlen] != '.';
	     nlen++)
		;
	if (!nlen || !addr)
		return;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->want[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < p->n; i++) {
		if (p->want[i] - addr >= SYM_REACH)
			break;
		if (p->best[i] && p->best[i] >= addr)
			continue;
		p->best[i] = addr;
		if (nlen >= RI_SITE_LEN)
			nlen = RI_SITE_LEN - 1;
		memcpy(p->best_fn[i], name, nlen);
		p->best_fn[i][nlen] = '\0';
	}
}

void ri_ksyms_pass_feed(struct ri_ksyms_pass *p, const char *buf, size_t len)
{
	const char *end = buf + len;

	while (buf < end) {
		const char *nl = memchr(buf, '\n', (size_t)(end - buf));
		size_t n = nl ? (size_t)(nl - buf) : (size_t)(end - buf);

		if (p->linelen || !nl) {
			/* A piece of a line: carried over (a line too long is cut). */
			size_t room = sizeof(p->line) - p->linelen;

			memcpy(p->line + p->linelen, buf, n < room ? n : room);
			p->linelen += n < room ? n : room;
			if (nl) {
				pass_line(p, p->line, p->linelen);
				p->linelen = 0;
			}
		} else {
			pass_line(p, buf, n);
		}
		buf += n + (nl != NULL);
	}
}

void ri_ksyms_pass_end(struct ri_ksyms_pass *p)
{
	if (p->linelen)
		pass_line(p, p->line, p->linelen);
	p->linelen = 0;
}

/* ---- the symbolizer ---- */

struct ksym_entry {
	uint64_t ip;
	uint32_t name; /* offset in pool */
};

struct ri_ksyms {
	int fd;
	struct ksym_entry *v; /* sorted by ip */
	size_t n, cap;
	char *pool;
	size_t pool_n, pool_cap;
	size_t reads;
};

/* Addresses cached at most: what a pathological machine costs, bounded. */
#define KSYMS_MAX (1u << 16)

int ri_ksyms_open(struct ri_ksyms **out, const char *path)
{
	struct ri_ksyms *k;
	char buf[64];
	ssize_t r;
	int fd = open(path ? path : "/proc/kallsyms", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	r = read(fd, buf, sizeof(buf) - 1);
	if (r < 0) {
		r = -errno;
		close(fd);
		return (int)r;
	}
	buf[r] = '\0';
	/* Zeros for every address: not privileged when it was opened. */
	if (strtoull(buf, NULL, 16) == 0) {
		close(fd);
		return -EPERM;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		close(fd);
		return -ENOMEM;
	}
	k->fd = fd;
	*out = k;
	return 0;
}

void ri_ksyms_close(struct ri_ksyms *k)
{
	if (!k)
		return;
	close(k->fd);
	free(k->v);
	free(k->pool);
	free(k);
}

void ri_ksyms_stats(const struct ri_ksyms *k, size_t *reads, size_t *cached)
{
	*reads = k ? k->reads : 0;
	*cached = k ? k->n : 0;
}

static const struct ksym_entry *cache_find(const struct ri_ksyms *k, uint64_t ip)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->v[mid].ip < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && k->v[lo].ip == ip ? &k->v[lo] : NULL;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct ksym_entry *x = a, *y = b;

	return x->ip < y->ip ? -1 : x->ip > y->ip;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cache_add(struct ri_ksyms *k, uint64_t ip, const char *fn)
{
	size_t len = strlen(fn) + 1;

	if (k->n >= KSYMS_MAX)
		return 0;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 256;
		struct ksym_entry *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	if (k->pool_n + len > k->pool_cap) {
		size_t cap = k->pool_cap ? k->pool_cap * 2 : 4096;
		char *p;

		while (cap < k->pool_n + len)
			cap *= 2;
		if (!(p = realloc(k->pool, cap)))
			return -ENOMEM;
		k->pool = p;
		k->pool_cap = cap;
	}
	memcpy(k->pool + k->pool_n, fn, len);
	k->v[k->n++] = (struct ksym_entry){ .ip = ip, .name = (uint32_t)k->pool_n };
	k->pool_n += len;
	return 0;
}

/* Names the addresses of @want (sorted, distinct) from one read of the file. */
static int read_pass(struct ri_ksyms *k, const uint64_t *want, size_t n)
{
	struct ri_ksyms_pass p = { .want = want, .n = n };
	char buf[16384];
	ssize_t r;
	int err = 0;

	p.best = calloc(n, sizeof(*p.best));
	p.best_fn = calloc(n, sizeof(*p.best_fn));
	if (!p.best || !p.best_fn) {
		err = -ENOMEM;
		goto out;
	}
	k->reads++;
	if (lseek(k->fd, 0, SEEK_SET) < 0) {
		err = -errno;
		goto out;
	}
	while ((r = read(k->fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		ri_ksyms_pass_feed(&p, buf, (size_t)r);
	}
	ri_ksyms_pass_end(&p);
	for (size_t i = 0; i < n && !err; i++)
		err = cache_add(k, want[i], p.best_fn[i]);
	if (k->n > 1)
		qsort(k->v, k->n, sizeof(*k->v), entry_cmp);
out:
	free(p.best);
	free(p.best_fn);
	return err;
}

int ri_ksyms_name(struct ri_ksyms *k, const uint64_t *ips, size_t n, char (*fn)[RI_SITE_LEN])
{
	uint64_t *want = NULL;
	size_t nw = 0, i, j;
	int err = 0;

	for (i = 0; i < n; i++)
		if (!cache_find(k, ips[i]))
			nw++;
	if (nw) {
		if (!(want = malloc(nw * sizeof(*want))))
			return -ENOMEM;
		for (i = 0, nw = 0; i < n; i++)
			if (!cache_find(k, ips[i]))
				want[nw++] = ips[i];
		qsort(want, nw, sizeof(*want), u64_cmp);
		for (i = j = 0; i < nw; i++)
			if (!j || want[j - 1] != want[i])
				want[j++] = want[i];
		err = read_pass(k, want, j);
		free(want);
	}
	for (i = 0; i < n; i++) {
		const struct ksym_entry *e = cache_find(k, ips[i]);

		snprintf(fn[i], RI_SITE_LEN, "%s", e ? k->pool + e->name : "");
	}
	return err;
}

int ri_wait_sites(struct ri_ksyms *k, const struct ri_wait *w, size_t n,
		  struct ri_site_table *out)
{
	char(*fn)[RI_SITE_LEN] = NULL;
	uint64_t *ips = NULL;
	size_t nips = 0, i, at;
	int err = 0;

	for (i = 0; i < n; i++)
		nips += w[i].nframes < RI_WAIT_FRAMES ? w[i].nframes : RI_WAIT_FRAMES;
	if (nips) {
		ips = malloc(nips * sizeof(*ips));
		fn = malloc(nips * sizeof(*fn));
		if (!ips || !fn) {
			err = -ENOMEM;
			goto out;
		}
		for (i = 0, at = 0; i < n; i++)
			for (uint32_t f = 0; f < w[i].nframes && f < RI_WAIT_FRAMES; f++)
				ips[at++] = w[i].ips[f];
		if ((err = ri_ksyms_name(k, ips, nips, fn)))
			goto out;
	}
	for (i = 0, at = 0; i < n; i++) {
		struct ri_site *s = ri_site_table_push(out);
		uint32_t nf = w[i].nframes < RI_WAIT_FRAMES ? w[i].nframes : RI_WAIT_FRAMES;
		const char *pick = "";

		if (!s) {
			err = -ENOMEM;
			goto out;
		}
		s->tid = w[i].tid;
		s->tgid = w[i].tgid;
		s->nr = w[i].nr;
		for (uint32_t f = 0; f < nf; f++) {
			pick = fn[at + f];
			if (*pick && !ri_site_is_sched(pick))
				break;
		}
		snprintf(s->fn, sizeof(s->fn), "%s", pick);
		at += nf;
	}
out:
	free(ips);
	free(fn);
	return err;
}
