// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The settings file (see config.h): a line parser that skips what it
 * cannot take and says why, the writer of the whole file, and writing it
 * atomically.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define MAX_FILE (64 * 1024)
#define MAX_LINE 1024

/* In enum ri_metric's order (hist.h). */
static const char *const metrics[] = { "cpu", "mem", "read", "write", "net-rx", "net-tx", NULL };
#define NMETRICS ((int)(sizeof(metrics) / sizeof(metrics[0])) - 1)
static const char *const styles[] = { "block", "braille", "ascii", NULL };
static const char *const views[] = { "list", "tree", "cgroup", NULL };

struct ctx {
	void (*warn)(void *ctx, int line, const char *msg);
	void *wctx;
	int line, bad;
};

static void bad(struct ctx *x, const char *fmt, const char *arg)
{
	char msg[160];

	snprintf(msg, sizeof(msg), fmt, arg);
	x->bad++;
	if (x->warn)
		x->warn(x->wctx, x->line, msg);
}

static int word(const char *const *list, const char *s)
{
	int i;

	for (i = 0; list[i]; i++)
		if (!strcasecmp(list[i], s))
			return i;
	return -1;
}

static int yes_no(const char *s, bool *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcasecmp(s, "on") ||
	    !strcmp(s, "1")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcasecmp(s, "off") ||
	    !strcmp(s, "0")) {
		*out = false;
		return 0;
	}
	return -1;
}

static int find_name(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcasecmp(names[i], s))
			return i;
	return -1;
}

/*
 * Splits @v on commas; each name found in @names is given to @take, the
 * others are said in one warning for the line.
 */
static int name_list(struct ctx *x, char *v, const char *const *names, int n,
		     const char *what, void (*take)(struct ri_config *, int),
		     struct ri_config *c)
{
	char *save = NULL, *tok, unknown[120] = "";
	int found = 0, nunknown = 0;
	size_t o = 0;

	for (tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *e = tok + strlen(tok);
		int k;

		while (isspace((unsigned char)*tok))
			tok++;
		while (e > tok && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*tok)
			continue;
		k = find_name(names, n, tok);
		if (k < 0) {
			if (o < sizeof(unknown))
				o += (size_t)snprintf(unknown + o, sizeof(unknown) - o,
						      "%s'%.24s'", nunknown ? ", " : "", tok);
			nunknown++;
			continue;
		}
		take(c, k);
		found++;
	}
	if (nunknown) {
		char msg[160];

		snprintf(msg, sizeof(msg), "unknown %s%s %s", what, nunknown > 1 ? "s" : "",
			 unknown);
		bad(x, "%s", msg);
	}
	return found;
}

static void take_column(struct ri_config *c, int k)
{
	int i;

	for (i = 0; i < c->ncolumns; i++)
		if (c->columns[i] == k)
			return;
	if (c->ncolumns < RI_CONFIG_MAX_COLS)
		c->columns[c->ncolumns++] = k;
}

static void take_meter(struct ri_config *c, int k)
{
	if (k < 32)
		c->meters |= 1u << k;
}

/* One "key = value" line, already trimmed and NUL-free. */
static void setting(struct ctx *x, char *line, const struct ri_config_names *nm,
		    struct ri_config *c)
{
	char *eq = strchr(line, '='), *key = line, *v, *e, *end;
	int k;
	bool b;
	double d;

	if (!eq) {
		bad(x, "not 'key = value': '%.40s'", line);
		return;
	}
	*eq = '\0';
	v = eq + 1;
	for (e = eq; e > key && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	while (isspace((unsigned char)*v))
		v++;
	e = v + strlen(v);
	/* A value may be quoted, as theme files' are. */
	if (e - v >= 2 && *v == '"' && e[-1] == '"') {
		e[-1] = '\0';
		v++;
	}
	if (!strcmp(key, "sort")) {
		if (ri_sort_parse(v, &c->sort))
			bad(x, "unknown sort key '%.40s'", v);
		else
			c->set |= RI_CFG_SORT;
	} else if (!strcmp(key, "reverse") || !strcmp(key, "fold") ||
		   !strcmp(key, "threads")) {
		if (yes_no(v, &b)) {
			bad(x, "'%.40s' is not yes or no", v);
		} else if (key[0] == 'r') {
			c->reverse = b;
			c->set |= RI_CFG_REVERSE;
		} else if (key[0] == 'f') {
			c->fold = b;
			c->set |= RI_CFG_FOLD;
		} else {
			c->threads = b;
			c->set |= RI_CFG_THREADS;
		}
	} else if (!strcmp(key, "delay")) {
		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || !isfinite(d) || d < 0.01 || d > 86400)
			bad(x, "delay '%.40s' is not 0.01 to 86400 seconds", v);
		else {
			/* Milliseconds: what is written reads back the same. */
			c->delay = round(d * 1000) / 1000;
			c->set |= RI_CFG_DELAY;
		}
	} else if (!strcmp(key, "theme")) {
		size_t i, n = strlen(v);

		for (i = 0; i < n && isprint((unsigned char)v[i]); i++)
			;
		if (!n || i < n || n >= sizeof(c->theme))
			bad(x, "theme '%.40s' is not a name or path", v);
		else {
			memcpy(c->theme, v, n + 1);
			c->set |= RI_CFG_THEME;
		}
	} else if (!strcmp(key, "columns")) {
		struct ri_config tmp = *c;

		tmp.ncolumns = 0;
		int before = x->bad;

		/* The columns it knows apply, even beside a name it does not. */
		if (name_list(x, v, nm->columns, nm->ncolumns, "column", take_column,
			      &tmp) > 0) {
			memcpy(c->columns, tmp.columns, sizeof(c->columns));
			c->ncolumns = tmp.ncolumns;
			c->set |= RI_CFG_COLUMNS;
		} else if (x->bad == before) {
			bad(x, "no columns%s", "");
		}
	} else if (!strcmp(key, "meters")) {
		struct ri_config tmp = *c;

		tmp.meters = 0;
		name_list(x, v, nm->meters, nm->nmeters, "meter", take_meter, &tmp);
		c->meters = tmp.meters;
		c->set |= RI_CFG_METERS;
	} else if (!strcmp(key, "spark_metric")) {
		if ((k = word(metrics, v)) < 0)
			bad(x, "spark_metric '%.40s' is not cpu, mem, read, write, net-rx or net-tx", v);
		else {
			c->metric = k;
			c->set |= RI_CFG_METRIC;
		}
	} else if (!strcmp(key, "spark_style")) {
		if ((k = word(styles, v)) < 0)
			bad(x, "spark_style '%.40s' is not block, braille or ascii", v);
		else {
			c->spark_style = k;
			c->set |= RI_CFG_STYLE;
		}
	} else if (!strcmp(key, "view")) {
		if ((k = word(views, v)) < 0)
			bad(x, "view '%.40s' is not list, tree or cgroup", v);
		else {
			c->view = k;
			c->set |= RI_CFG_VIEW;
		}
	} else if (!strcmp(key, "kernel_threads")) {
		if (!strcasecmp(v, "show") || !strcasecmp(v, "hide")) {
			c->hide_kthreads = !strcasecmp(v, "hide");
			c->set |= RI_CFG_KTHREADS;
		} else {
			bad(x, "kernel_threads '%.40s' is not show or hide", v);
		}
	} else {
		bad(x, "unknown setting '%.40s'", key);
	}
}

int ri_config_parse(const char *buf, size_t len, const struct ri_config_names *names,
		    struct ri_config *c,
		    void (*warn)(void *ctx, int line, const char *msg), void *ctx)
{
	struct ctx x = { .warn = warn, .wctx = ctx };
	char line[MAX_LINE];
	size_t i = 0;

	while (i < len) {
		size_t start = i, n, k;
		bool nul = false;
		char *s, *e;

		while (i < len && buf[i] != '\n')
			i++;
		n = i - start;
		i++; /* past the newline */
		x.line++;
		if (n >= sizeof(line)) {
			bad(&x, "line longer than %s bytes", "1023");
			continue;
		}
		memcpy(line, buf + start, n);
		line[n] = '\0';
		for (k = 0; k < n; k++)
			nul |= line[k] == '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		s = line;
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (nul) {
			bad(&x, "a NUL byte in the line%s", "");
			continue;
		}
		if (!*s || *s == '#')
			continue;
		setting(&x, s, names, c);
	}
	return x.bad;
}

#define OUT(...)                                                               \
	do {                                                                   \
		int w_ = snprintf(buf + o, len > o ? len - o : 0, __VA_ARGS__); \
		if (w_ < 0)                                                    \
			return -1;                                             \
		o += (size_t)w_;                                               \
	} while (0)

int ri_config_format(const struct ri_config *c, const struct ri_config_names *nm,
		     char *buf, size_t len)
{
	size_t o = 0;
	int i, k;

	OUT("# resource_image settings: written whenever one changes in the\n"
	    "# interactive view; command-line options win for their run.\n");
	OUT("sort = %s\n", ri_sort_name(c->sort));
	OUT("reverse = %s\n", c->reverse ? "yes" : "no");
	{
		char d[32];
		size_t e;

		snprintf(d, sizeof(d), "%.3f", c->delay);
		for (e = strlen(d); e > 1 && d[e - 1] == '0'; e--)
			d[e - 1] = '\0';
		if (e > 1 && d[e - 1] == '.')
			d[e - 1] = '\0';
		OUT("delay = %s\n", d);
	}
	OUT("theme = \"%s\"\n", c->theme[0] ? c->theme : "default");
	OUT("columns = ");
	for (i = 0; i < c->ncolumns; i++)
		if (c->columns[i] >= 0 && c->columns[i] < nm->ncolumns)
			OUT("%s%s", i ? "," : "", nm->columns[c->columns[i]]);
	OUT("\nmeters = ");
	for (i = 0, k = 0; i < nm->nmeters && i < 32; i++)
		if (c->meters & (1u << i))
			OUT("%s%s", k++ ? "," : "", nm->meters[i]);
	OUT("\nspark_metric = %s\n", metrics[c->metric >= 0 && c->metric < NMETRICS ? c->metric : 0]);
	OUT("spark_style = %s\n",
	    styles[c->spark_style >= 0 && c->spark_style < 3 ? c->spark_style : 0]);
	OUT("view = %s\n", views[c->view >= 0 && c->view < 3 ? c->view : 0]);
	OUT("kernel_threads = %s\n", c->hide_kthreads ? "hide" : "show");
	OUT("fold = %s\n", c->fold ? "yes" : "no");
	OUT("threads = %s\n", c->threads ? "yes" : "no");
	return o < len ? (int)o : -1;
}

static int mkdirs(char *dir)
{
	char *p;

	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int ri_config_write(const char *path, const char *text, size_t len, char *err,
		    size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 32];
	const char *slash = strrchr(path, '/');
	size_t off = 0;
	int fd, e;

	if (!slash || (size_t)(slash - path) >= sizeof(dir)) {
		snprintf(err, errlen, "%s: not a path to a file", path);
		return -EINVAL;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (dir[0] && (e = mkdirs(dir))) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(-e));
		return e;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		e = -errno;
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(-e));
		return e;
	}
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w <= 0) {
			e = w < 0 ? -errno : -EIO;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd)) {
		e = -errno;
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		e = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		e = -errno;
		goto fail;
	}
	/* The rename itself on disk, too. */
	if ((fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(-e));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return e;
}

int ri_config_read(const char *path, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	char *b;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		close(fd);
		return e;
	}
	b = malloc(MAX_FILE + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, b, MAX_FILE);
	e = n < 0 ? -errno : 0;
	close(fd);
	if (e) {
		free(b);
		return e;
	}
	b[n] = '\0';
	*buf = b;
	*len = (size_t)n;
	return 0;
}
