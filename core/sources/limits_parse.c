// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The parsers of what the limits reader reads (limits_read.h): pure
 * functions over a buffer, for the reader, the unit tests and the
 * fuzzer. /proc/PID/cgroup, limits and status, and each cgroup file by
 * its name, v2 or v1: a limit ("max" or a number; v1's -1 and huge
 * values are none), a value, or keyed counters.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits_read.h"

/* A v1 memory limit at or above this is "unlimited" (PAGE_COUNTER_MAX pages). */
#define V1_UNLIMITED (1ull << 62)

static bool has_token(const char *list, size_t n, const char *tok)
{
	size_t tl = strlen(tok);
	const char *p = list, *end = list + n;

	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t l = c ? (size_t)(c - p) : (size_t)(end - p);

		if (l == tl && !memcmp(p, tok, tl))
			return true;
		p += l + 1;
	}
	return false;
}

static void set_path(char *dst, const char *ctl, size_t cl, const char *path, size_t pl)
{
	/* A path too long for the table is cut: it names the entry, no more. */
	snprintf(dst, RI_CG_PATH, "%.*s%.*s", (int)cl, ctl, (int)pl, path);
}

int ri_parse_proc_cgroup(const char *buf, struct ri_cg_paths *p)
{
	const char *line = buf;

	memset(p, 0, sizeof(*p));
	while (*line) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
		const char *c1 = memchr(line, ':', (size_t)(end - line)), *c2;
		size_t cl;

		if (end == line) {
			line = nl ? nl + 1 : end;
			continue;
		}
		if (!c1 || !(c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1))) || c2[1] != '/')
			return -EINVAL;
		/*
		 * Outside the reader's cgroup namespace a path starts "/..":
		 * nothing under the mounts it can name.
		 */
		if (memmem(c2 + 1, (size_t)(end - c2 - 1), "/..", 3))
			return -EINVAL;
		cl = (size_t)(c2 - c1 - 1);
		if (cl == 0) {
			if (c1 - line != 1 || line[0] != '0')
				return -EINVAL;
			set_path(p->v2, "", 0, c2 + 1, (size_t)(end - c2 - 1));
		} else {
			/* The hierarchy's directory is named after its controllers. */
			char ctl[64];

			if (cl + 2 > sizeof(ctl))
				goto next;
			memcpy(ctl, c1 + 1, cl);
			ctl[cl] = '/';
			ctl[cl + 1] = '\0';
			if (has_token(c1 + 1, cl, "memory"))
				set_path(p->mem, ctl, cl + 1, c2 + 2, (size_t)(end - c2 - 2));
			if (has_token(c1 + 1, cl, "pids"))
				set_path(p->pids, ctl, cl + 1, c2 + 2, (size_t)(end - c2 - 2));
			if (has_token(c1 + 1, cl, "cpu"))
				set_path(p->cpu, ctl, cl + 1, c2 + 2, (size_t)(end - c2 - 2));
		}
next:
		line = nl ? nl + 1 : end;
	}
	return 0;
}

static int parse_u64(const char *s, const char **end, uint64_t *v)
{
	char *e;
	unsigned long long x;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &e, 10);
	if (errno)
		return -EINVAL;
	*v = x;
	if (end)
		*end = e;
	return 0;
}

int ri_parse_nofile(const char *buf, uint64_t *soft)
{
	const char *p = strstr(buf, "\nMax open files");

	p = p ? p + 1 : !strncmp(buf, "Max open files", 14) ? buf : NULL;
	if (!p)
		return -EINVAL;
	p += 14;
	while (*p == ' ')
		p++;
	if (!strncmp(p, "unlimited", 9)) {
		*soft = RI_CG_NONE;
		return 0;
	}
	return parse_u64(p, NULL, soft);
}

int ri_parse_status_limits(const char *buf, uint64_t *swap, uint32_t *nspid)
{
	const char *p = strstr(buf, "\nVmSwap:");
	uint64_t v, last = 0;
	int n = 0;

	*swap = 0;
	*nspid = 0;
	/* A kernel thread has no VmSwap: nothing swapped. */
	if (p) {
		if (parse_u64(p + 8, NULL, &v) || v > UINT64_MAX / 1024)
			return -EINVAL;
		*swap = v * 1024;
	}
	p = strstr(buf, "\nNSpid:");
	if (p) {
		const char *e;

		for (p += 7; !parse_u64(p, &e, &v); p = e) {
			last = v;
			n++;
		}
		/* The innermost namespace's PID, when it is not the host's. */
		if (n > 1 && last <= UINT32_MAX)
			*nspid = (uint32_t)last;
	}
	return 0;
}

/* "max" or a number; v1's -1 and huge values are no limit too. */
static int parse_limit(const char *s, uint64_t *v)
{
	while (*s == ' ')
		s++;
	if (!strncmp(s, "max", 3) || !strncmp(s, "-1", 2)) {
		*v = RI_CG_NONE;
		return 0;
	}
	if (parse_u64(s, NULL, v))
		return -EINVAL;
	if (*v >= V1_UNLIMITED)
		*v = RI_CG_NONE;
	return 0;
}

static void put(struct ri_cgroup *cg, int f, uint64_t v)
{
	*(uint64_t *)((char *)cg + ri_cg_fields[f].off) = v;
	cg->have |= 1u << f;
}

/* "key value" lines: the value of @key into field @f, scaled by @mul. */
static int keyed(const char *buf, const char *key, int f, uint64_t mul,
		 struct ri_cgroup *cg)
{
	size_t kl = strlen(key);
	const char *p = buf;
	uint64_t v;

	for (;;) {
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			if (parse_u64(p + kl + 1, NULL, &v))
				return -EINVAL;
			put(cg, f, v * mul);
			return 0;
		}
		if (!(p = strchr(p, '\n')))
			return 0; /* an older kernel's file without the key */
		p++;
	}
}

/* PSI: the "total=" of the "some" or "full" line. */
static int psi_total(const char *buf, const char *which, int f, struct ri_cgroup *cg)
{
	const char *p = buf;
	uint64_t v;

	for (;;) {
		if (!strncmp(p, which, 4)) {
			const char *t = strstr(p, "total=");
			const char *nl = strchr(p, '\n');

			if (!t || (nl && t > nl) || parse_u64(t + 6, NULL, &v))
				return -EINVAL;
			put(cg, f, v);
			return 0;
		}
		if (!(p = strchr(p, '\n')))
			return 0;
		p++;
	}
}

int ri_parse_cg_file(const char *name, const char *buf, struct ri_cgroup *cg)
{
	uint64_t v, w;
	const char *e;
	int err = 0;

	if (!strcmp(name, "memory.current") || !strcmp(name, "memory.usage_in_bytes")) {
		if (parse_u64(buf, NULL, &v))
			return -EINVAL;
		put(cg, RI_CGF_mem_usage, v);
	} else if (!strcmp(name, "memory.max") || !strcmp(name, "memory.limit_in_bytes")) {
		if (parse_limit(buf, &v))
			return -EINVAL;
		put(cg, RI_CGF_mem_max, v);
	} else if (!strcmp(name, "memory.high") ||
		   !strcmp(name, "memory.soft_limit_in_bytes")) {
		if (parse_limit(buf, &v))
			return -EINVAL;
		put(cg, RI_CGF_mem_high, v);
	} else if (!strcmp(name, "pids.current")) {
		if (parse_u64(buf, NULL, &v))
			return -EINVAL;
		put(cg, RI_CGF_pids_current, v);
	} else if (!strcmp(name, "pids.max")) {
		if (parse_limit(buf, &v))
			return -EINVAL;
		put(cg, RI_CGF_pids_max, v);
	} else if (!strcmp(name, "cpu.max")) {
		/* "QUOTA PERIOD", QUOTA "max" when there is none. */
		if (parse_limit(buf, &v))
			return -EINVAL;
		e = buf;
		while (*e == ' ')
			e++;
		e += strcspn(e, " ");
		if (parse_u64(e, NULL, &w))
			return -EINVAL;
		put(cg, RI_CGF_cpu_quota_us, v);
		put(cg, RI_CGF_cpu_period_us, w);
	} else if (!strcmp(name, "cpu.cfs_quota_us")) {
		if (parse_limit(buf, &v))
			return -EINVAL;
		put(cg, RI_CGF_cpu_quota_us, v);
	} else if (!strcmp(name, "cpu.cfs_period_us")) {
		if (parse_u64(buf, NULL, &v))
			return -EINVAL;
		put(cg, RI_CGF_cpu_period_us, v);
	} else if (!strcmp(name, "cpu.stat")) {
		err = keyed(buf, "nr_periods", RI_CGF_nr_periods, 1, cg) ?:
		      keyed(buf, "nr_throttled", RI_CGF_nr_throttled, 1, cg) ?:
		      keyed(buf, "throttled_usec", RI_CGF_throttled_ns, 1000, cg) ?:
		      keyed(buf, "throttled_time", RI_CGF_throttled_ns, 1, cg);
	} else if (!strcmp(name, "memory.events")) {
		err = keyed(buf, "high", RI_CGF_ev_high, 1, cg) ?:
		      keyed(buf, "max", RI_CGF_ev_max, 1, cg) ?:
		      keyed(buf, "oom", RI_CGF_ev_oom, 1, cg) ?:
		      keyed(buf, "oom_kill", RI_CGF_ev_oom_kill, 1, cg);
	} else if (!strcmp(name, "memory.failcnt")) {
		if (parse_u64(buf, NULL, &v))
			return -EINVAL;
		put(cg, RI_CGF_ev_max, v);
	} else if (!strcmp(name, "memory.oom_control")) {
		err = keyed(buf, "oom_kill", RI_CGF_ev_oom_kill, 1, cg);
	} else if (!strcmp(name, "cpu.pressure")) {
		err = psi_total(buf, "some", RI_CGF_psi_cpu_some_us, cg);
	} else if (!strcmp(name, "memory.pressure")) {
		err = psi_total(buf, "some", RI_CGF_psi_mem_some_us, cg) ?:
		      psi_total(buf, "full", RI_CGF_psi_mem_full_us, cg);
	} else if (!strcmp(name, "io.pressure")) {
		err = psi_total(buf, "some", RI_CGF_psi_io_some_us, cg);
	} else {
		return -EINVAL;
	}
	return err;
}

int ri_parse_limits_u64(const char *buf, uint64_t *v)
{
	return parse_u64(buf, NULL, v);
}
