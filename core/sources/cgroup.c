// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cgroup ids to paths and short names (see cgroup.h): one walk of the
 * cgroup2 mount fills a table of directory inode -> path; an unknown id
 * triggers a new walk, at most once a second.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

#define CGROUP2_MAGIC 0x63677270
#define MAX_DEPTH 32        /* nesting walked at most */
#define MAX_CGROUPS 65536   /* directories recorded at most */
#define RESCAN_NS 1000000000ULL

struct entry {
	uint64_t id;
	uint32_t off; /* into pool */
};

struct ri_cgroups {
	char root[256];
	bool usable;
	struct entry *tab; /* open addressing, 0 id = empty */
	size_t cap, n;
	char *pool;
	size_t pool_len, pool_cap;
	uint64_t last_scan_ns;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool is_cgroup2(const char *path)
{
	struct statfs sf;

	return !statfs(path, &sf) && (unsigned long)sf.f_type == CGROUP2_MAGIC;
}

/* The cgroup2 mount: @root as given, else the usual places. */
static const char *find_root(const char *root)
{
	if (root)
		return root;
	if (is_cgroup2("/sys/fs/cgroup"))
		return "/sys/fs/cgroup";
	if (is_cgroup2("/sys/fs/cgroup/unified"))
		return "/sys/fs/cgroup/unified";
	return NULL;
}

int ri_cgroup_root_fd(const char *root)
{
	const char *r = find_root(root);

	return r ? open(r, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

uint64_t ri_cgroup_id_at(int rootfd, const char *path)
{
	struct stat st;

	if (rootfd < 0 || !path || path[0] != '/')
		return 0;
	while (*path == '/')
		path++;
	if (fstatat(rootfd, *path ? path : ".", &st, 0) || !S_ISDIR(st.st_mode))
		return 0;
	return (uint64_t)st.st_ino;
}

const char *ri_cgroup_parse_proc(char *buf)
{
	char *p = buf, *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(p, "0::", 3))
			return p + 3;
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* --- the table ----------------------------------------------------------- */

static size_t slot(uint64_t id, size_t cap)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)id & (cap - 1);
}

static int put(struct ri_cgroups *c, uint64_t id, const char *path, size_t plen)
{
	size_t i;

	if (!id || c->n >= MAX_CGROUPS)
		return 0;
	if ((c->n + 1) * 2 > c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256, k;
		struct entry *nt = calloc(ncap, sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		for (k = 0; k < c->cap; k++) {
			if (!c->tab[k].id)
				continue;
			for (i = slot(c->tab[k].id, ncap); nt[i].id; i = (i + 1) & (ncap - 1))
				;
			nt[i] = c->tab[k];
		}
		free(c->tab);
		c->tab = nt;
		c->cap = ncap;
	}
	if (c->pool_len + plen + 1 > c->pool_cap) {
		size_t ncap = c->pool_cap ? c->pool_cap : 4096;
		char *np;

		while (ncap < c->pool_len + plen + 1)
			ncap *= 2;
		np = realloc(c->pool, ncap);
		if (!np)
			return -ENOMEM;
		c->pool = np;
		c->pool_cap = ncap;
	}
	for (i = slot(id, c->cap); c->tab[i].id; i = (i + 1) & (c->cap - 1))
		if (c->tab[i].id == id)
			return 0;
	memcpy(c->pool + c->pool_len, path, plen);
	c->pool[c->pool_len + plen] = '\0';
	c->tab[i].id = id;
	c->tab[i].off = (uint32_t)c->pool_len;
	c->pool_len += plen + 1;
	c->n++;
	return 0;
}

/* Records @dfd (at @path, @plen bytes) and every directory under it. */
static int walk(struct ri_cgroups *c, int dfd, char *path, size_t plen, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int err = 0;

	if (fstat(dfd, &st) || (err = put(c, (uint64_t)st.st_ino, plen ? path : "/",
					  plen ? plen : 1))) {
		close(dfd);
		return err;
	}
	if (depth >= MAX_DEPTH || !(d = fdopendir(dfd))) {
		close(dfd);
		return 0;
	}
	while (!err && (de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		int sub;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (plen + 1 + nl >= 4096)
			continue;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
							O_NOFOLLOW);
		if (sub < 0)
			continue;
		path[plen] = '/';
		memcpy(path + plen + 1, de->d_name, nl + 1);
		err = walk(c, sub, path, plen + 1 + nl, depth + 1);
		path[plen] = '\0';
	}
	closedir(d);
	return err;
}

static int scan(struct ri_cgroups *c)
{
	char path[4096] = "";
	int fd;

	c->last_scan_ns = mono_ns();
	if (!c->usable)
		return 0;
	fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	return walk(c, fd, path, 0, 0);
}

int ri_cgroups_open(struct ri_cgroups **out, const char *root)
{
	struct ri_cgroups *c = calloc(1, sizeof(*c));
	const char *r = find_root(root);
	int err;

	if (!c)
		return -ENOMEM;
	if (r && strlen(r) < sizeof(c->root)) {
		snprintf(c->root, sizeof(c->root), "%s", r);
		c->usable = true;
	}
	if ((err = scan(c))) {
		ri_cgroups_close(c);
		return err;
	}
	*out = c;
	return 0;
}

void ri_cgroups_close(struct ri_cgroups *c)
{
	if (!c)
		return;
	free(c->tab);
	free(c->pool);
	free(c);
}

static const char *lookup(const struct ri_cgroups *c, uint64_t id)
{
	size_t i;

	if (!c->cap)
		return NULL;
	for (i = slot(id, c->cap); c->tab[i].id; i = (i + 1) & (c->cap - 1))
		if (c->tab[i].id == id)
			return c->pool + c->tab[i].off;
	return NULL;
}

const char *ri_cgroup_path(struct ri_cgroups *c, uint64_t id)
{
	const char *p;

	if (!c || !id)
		return NULL;
	p = lookup(c, id);
	/* A cgroup made since the last walk: walk again, but not every call. */
	if (!p && c->usable && mono_ns() - c->last_scan_ns >= RESCAN_NS) {
		scan(c);
		p = lookup(c, id);
	}
	return p;
}

/* --- short names --------------------------------------------------------- */

/* Length of the run of hex digits at @s. */
static size_t hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && isxdigit((unsigned char)s[i]); i++)
		;
	return i;
}

/* Appends @s (@n bytes) to @buf, cutting 64-hex ids to their first 12. */
static size_t append_short(char *buf, size_t len, size_t o, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && o + 1 < len) {
		size_t h = hex_run(s + i, n - i);

		if (h >= 64 && (i == 0 || !isxdigit((unsigned char)s[i - 1]))) {
			size_t k;

			for (k = 0; k < 12 && o + 1 < len; k++)
				buf[o++] = s[i + k];
			i += h;
			continue;
		}
		buf[o++] = s[i++];
	}
	buf[o] = '\0';
	return o;
}

const char *ri_cgroup_short(char *buf, size_t len, const char *path)
{
	const char *end, *last, *prev;
	size_t o = 0, n;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!path)
		return buf;
	end = path + strlen(path);
	while (end > path && end[-1] == '/')
		end--;
	if (end == path) {
		snprintf(buf, len, "/");
		return buf;
	}
	for (last = end; last > path && last[-1] != '/'; last--)
		;
	n = (size_t)(end - last);
	/* A bare container id says little alone: keep who made it. */
	if (hex_run(last, n) == n && n >= 32 && last > path + 1) {
		for (prev = last - 1; prev > path && prev[-1] != '/'; prev--)
			;
		o = append_short(buf, len, o, prev, (size_t)(last - 1 - prev));
		if (o + 1 < len) {
			buf[o++] = '/';
			buf[o] = '\0';
		}
	}
	append_short(buf, len, o, last, n);
	return buf;
}
