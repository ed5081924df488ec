// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Finding theme files: by path, or by name in the user's config dir, the
 * installed share dir, then beside the binary: PREFIX/share of the prefix
 * it is installed in, or the source checkout it was built in (found at run
 * time from the binary's own path, so a fresh build finds its themes
 * without installing, and an installed binary carries no build path).
 * Reading and listing them; parsing is theme.c's.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "view.h"

#ifndef RI_DATADIR
#define RI_DATADIR "/usr/local/share/resource_image"
#endif

#define MAX_THEME_BYTES (1 << 20)
#define NDIRS 4
/* build/resource_image and build/san/resource_image sit this deep. */
#define CHECKOUT_DEPTH 3

/*
 * The source checkout @dir lies in, if any: the first parent (up to
 * CHECKOUT_DEPTH levels) that holds themes/default.theme and this
 * tool's man page source. Writes its themes directory into @out.
 */
static bool checkout_themes(const char *dir, char *out, size_t len)
{
	char d[PATH_MAX], probe[PATH_MAX + 64];
	int i;

	snprintf(d, sizeof(d), "%s", dir);
	for (i = 0; i < CHECKOUT_DEPTH && strcmp(d, "/"); i++) {
		snprintf(d + strlen(d), sizeof(d) - strlen(d), "%s", "/..");
		snprintf(probe, sizeof(probe), "%s/tui/resource_image.8", d);
		if (access(probe, R_OK))
			continue;
		snprintf(probe, sizeof(probe), "%s/themes/default.theme", d);
		if (access(probe, R_OK))
			continue;
		/* The probe path fitted, so this one does (it is shorter). */
		if (snprintf(out, len, "%.*s/themes", (int)(len - 8), d) >= (int)len)
			return false;
		return true;
	}
	return false;
}

/* The search path, most personal first. Empty entries are skipped. */
static void theme_dirs(char dirs[NDIRS][PATH_MAX])
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char exe[PATH_MAX];
	ssize_t n;

	memset(dirs, 0, NDIRS * PATH_MAX);
	if (xdg && *xdg)
		snprintf(dirs[0], PATH_MAX, "%s/resource_image/themes", xdg);
	else if (home && *home)
		snprintf(dirs[0], PATH_MAX, "%s/.config/resource_image/themes",
			 home);
	snprintf(dirs[1], PATH_MAX, "%s/themes", RI_DATADIR);
	/*
	 * Beside the binary: PREFIX/bin -> PREFIX/share/... (installed with
	 * another PREFIX than it was built with), or the source checkout it
	 * runs from.
	 */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *dir;

		exe[n] = '\0';
		dir = dirname(exe);
		snprintf(dirs[2], PATH_MAX, "%s/../share/resource_image/themes", dir);
		checkout_themes(dir, dirs[3], PATH_MAX);
	}
}

/*
 * Only a regular file: a directory would read as empty and a FIFO
 * would block the start-up (O_NONBLOCK keeps the open from waiting).
 * Anything else (FIFO, device, socket) returns 1: no errno says so.
 */
static int read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = 1;
		goto out;
	}
	*buf = malloc(MAX_THEME_BYTES);
	if (!*buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (got < MAX_THEME_BYTES) {
		n = read(fd, *buf + got, MAX_THEME_BYTES - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	if (!ret && got == MAX_THEME_BYTES)
		ret = -EFBIG;
	if (ret) {
		free(*buf);
		*buf = NULL;
	}
	*len = got;
out:
	close(fd);
	return ret;
}

static int find_theme(const char *name, char *path, size_t len)
{
	char dirs[NDIRS][PATH_MAX];
	int i;

	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		return access(path, R_OK) ? -errno : 0;
	}
	theme_dirs(dirs);
	for (i = 0; i < NDIRS; i++) {
		if (!dirs[i][0])
			continue;
		if (snprintf(path, len, "%s/%s.theme", dirs[i], name) >= (int)len)
			continue;
		if (!access(path, R_OK))
			return 0;
	}
	return -ENOENT;
}

int theme_load(const char *name, struct ri_theme *t, char *err, size_t errlen)
{
	char path[PATH_MAX], perr[160], base[64];
	struct ri_theme tmp;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ri_theme_default(t);
	ret = find_theme(name, path, sizeof(path));
	if (ret == -ENOENT && !strcmp(name, "default"))
		return 0; /* the built-in one */
	if (ret == -ENOENT) {
		snprintf(err, errlen, "theme '%s' not found (%s); using the default",
			 name, strerror(-ret));
		return ret;
	}
	if (!ret)
		ret = read_file(path, &buf, &len);
	if (ret) {
		snprintf(err, errlen, "cannot read theme %s: %s; using the default",
			 path, ret > 0 ? "not a regular file" : strerror(-ret));
		return ret > 0 ? -EINVAL : ret;
	}
	if (!len) {
		/* A theme that sets nothing is a mistake (truncated, wrong file). */
		free(buf);
		snprintf(err, errlen, "theme %s: empty file; using the default",
			 path);
		return -EINVAL;
	}
	tmp = *t;
	ret = ri_theme_parse(buf, len, &tmp, perr, sizeof(perr));
	free(buf);
	if (ret) {
		snprintf(err, errlen, "theme %s: %s; using the default", path, perr);
		return ret;
	}
	*t = tmp;
	snprintf(base, sizeof(base), "%s", basename(path));
	if (strlen(base) > 6 && !strcmp(base + strlen(base) - 6, ".theme"))
		base[strlen(base) - 6] = '\0';
	snprintf(t->name, sizeof(t->name), "%s", base);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void add_name(char names[][64], int *n, int max, const char *s)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp(names[i], s))
			return;
	if (*n < max)
		snprintf(names[(*n)++], 64, "%s", s);
}

/* Every theme name found, "default" first, the rest sorted. */
int theme_list(char names[][64], int max)
{
	char dirs[NDIRS][PATH_MAX], name[64];
	struct dirent *e;
	int n = 0, i;
	DIR *d;

	add_name(names, &n, max, "default");
	theme_dirs(dirs);
	for (i = 0; i < NDIRS; i++) {
		if (!dirs[i][0] || !(d = opendir(dirs[i])))
			continue;
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);

			if (l <= 6 || l - 6 >= sizeof(name) ||
			    strcmp(e->d_name + l - 6, ".theme"))
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(l - 6),
				 e->d_name);
			add_name(names, &n, max, name);
		}
		closedir(d);
	}
	if (n > 1)
		qsort(names + 1, n - 1, 64, cmp_name);
	return n;
}
