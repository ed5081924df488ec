/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The settings file of the interactive view
 * ($XDG_CONFIG_HOME/resource_image/config): what it holds, its parser and
 * its writer. One "key = value" per line, '#' starts a comment line:
 *
 *   sort = cpu              a sort key (-s's names)
 *   reverse = no            yes/no
 *   delay = 1               seconds
 *   theme = default         a theme name or path
 *   columns = PID,USER,...  the table's columns, in order
 *   meters = cpus,memory,...  the header's meters
 *   spark_metric = cpu      cpu, mem, read, write, net-rx, net-tx
 *   spark_style = block     block, braille, ascii
 *   view = list             list, tree, cgroup
 *   kernel_threads = show   show, hide
 *   fold = yes              fold processes that exited, per parent and name
 *   threads = no            every process's threads (H)
 *
 * The parser is a pure function over a buffer (no files, no curses), so
 * unit tests and a fuzzer call it directly. A bad or unknown line is
 * reported with its number and skipped; everything else still applies.
 * Column and meter names are the caller's (the table's own names), so
 * the file follows the table as columns are added.
 */
#ifndef RI_CONFIG_H
#define RI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "sort.h"

#define RI_CONFIG_MAX_COLS 32

/* ri_config.set: what a file set. */
enum {
	RI_CFG_SORT = 1 << 0,
	RI_CFG_REVERSE = 1 << 1,
	RI_CFG_DELAY = 1 << 2,
	RI_CFG_THEME = 1 << 3,
	RI_CFG_COLUMNS = 1 << 4,
	RI_CFG_METERS = 1 << 5,
	RI_CFG_METRIC = 1 << 6,
	RI_CFG_STYLE = 1 << 7,
	RI_CFG_VIEW = 1 << 8,
	RI_CFG_KTHREADS = 1 << 9,
	RI_CFG_FOLD = 1 << 10,
	RI_CFG_THREADS = 1 << 11,
};

struct ri_config {
	unsigned set;
	enum ri_sort_key sort;
	bool reverse;
	double delay;
	char theme[64];
	int columns[RI_CONFIG_MAX_COLS]; /* indexes into the column names */
	int ncolumns;
	unsigned meters;  /* bit i: meter name i */
	int metric;       /* enum ri_metric: 0 cpu, 1 mem, 2 read, 3 write, 4 net-rx, 5 net-tx */
	int spark_style;  /* 0 block, 1 braille, 2 ascii */
	int view;         /* enum ri_view */
	bool hide_kthreads, fold, threads;
};

/* The names a file may use for columns and meters (the caller's). */
struct ri_config_names {
	const char *const *columns;
	int ncolumns;
	const char *const *meters;
	int nmeters;
};

/*
 * Applies the lines of @buf (@len bytes; need not end in a NUL, may hold
 * anything) over @c. For each bad line @warn gets its number and what is
 * wrong. Returns the number of bad lines.
 */
int ri_config_parse(const char *buf, size_t len, const struct ri_config_names *names,
		    struct ri_config *c,
		    void (*warn)(void *ctx, int line, const char *msg), void *ctx);

/* The file's text for @c (every setting); its length, or -1 if @len is short. */
int ri_config_format(const struct ri_config *c, const struct ri_config_names *names,
		     char *buf, size_t len);

/*
 * Writes @text to @path atomically (a temporary file in the same
 * directory, synced, then renamed over it): a crash leaves the old file
 * or the new, never half of one. Makes the directory when missing. 0, or
 * a negative errno with one sentence in @err.
 */
int ri_config_write(const char *path, const char *text, size_t len, char *err,
		    size_t errlen);

/*
 * Reads @path whole (at most 64 KiB); 0, -ENOENT when there is none, or
 * another negative errno. *@buf is malloc'ed, NUL-terminated.
 */
int ri_config_read(const char *path, char **buf, size_t *len);

#endif /* RI_CONFIG_H */
