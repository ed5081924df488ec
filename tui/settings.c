// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The settings file of the interactive view,
 * $XDG_CONFIG_HOME/resource_image/config (~/.config/... when unset): read
 * at start, written whenever a setting changes (atomically: see
 * core/cli/config.c), so a kill -9 never loses what was set nor leaves half a
 * file. What the command line gave wins for its run and is not written
 * unless the user changes it there. A bad line is said once, with the
 * file and line, on stderr and on the message line, and the rest applies.
 * --no-config: neither read nor written.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view.h"

/* The meters' names in the file, by bit (METER_*). */
static const char *const meter_keys[] = { "cpus", "memory", "swap", "tasks",
					  "load", "uptime", "psi", "net" };
#define NMETERS ((int)(sizeof(meter_keys) / sizeof(meter_keys[0])))

static void names_of(struct ri_config_names *n, const char **cols)
{
	int i;

	for (i = 0; i < table_ncolumns() && i < RI_CONFIG_MAX_COLS * 2; i++)
		cols[i] = table_column_name(i);
	n->columns = cols;
	n->ncolumns = i;
	n->meters = meter_keys;
	n->nmeters = NMETERS;
}

static void config_path(struct tui *v)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (xdg && xdg[0] == '/') {
		snprintf(v->config_path, sizeof(v->config_path),
			 "%s/resource_image/config", xdg);
		return;
	}
	if (!home || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (home)
		snprintf(v->config_path, sizeof(v->config_path),
			 "%s/.config/resource_image/config", home);
}

void settings_capture(const struct tui *v, struct ri_config *c)
{
	memset(c, 0, sizeof(*c));
	c->sort = v->sort;
	c->reverse = v->reverse;
	c->delay = v->delay;
	snprintf(c->theme, sizeof(c->theme), "%s", v->theme_name);
	memcpy(c->columns, v->cols, sizeof(int) * (size_t)v->ncols);
	c->ncolumns = v->ncols;
	c->meters = v->meters;
	c->metric = v->spark_metric;
	c->spark_style = v->spark_style;
	c->view = v->view;
	c->hide_kthreads = v->hide_kthreads;
	c->fold = v->fold;
	c->threads = v->all_threads;
}

/* The file's values in @c where the command line set others for this run. */
static void keep_file_values(const struct tui *v, struct ri_config *c,
			     const struct ri_config *file)
{
	if (v->cli_sort && c->sort == v->cli_base.sort)
		c->sort = file->sort;
	if (v->cli_delay && c->delay == v->cli_base.delay)
		c->delay = file->delay;
	if (v->cli_theme && !strcmp(c->theme, v->cli_base.theme))
		memcpy(c->theme, file->theme, sizeof(c->theme));
	if (v->cli_threads && c->threads == v->cli_base.threads)
		c->threads = file->threads;
	if (v->cli_view && c->view == v->cli_base.view)
		c->view = file->view;
	if (v->opts->no_fold && !c->fold)
		c->fold = file->fold;
}

/* What a setting the command line gave would be without it. */
static void unset_cli(const struct tui *v, struct ri_config *c)
{
	if (v->cli_sort)
		c->sort = RI_SORT_CPU;
	if (v->cli_delay)
		c->delay = 1.0;
	if (v->cli_theme)
		snprintf(c->theme, sizeof(c->theme), "default");
	if (v->cli_threads)
		c->threads = false;
	if (v->cli_view)
		c->view = RI_VIEW_LIST;
	if (v->opts->no_fold)
		c->fold = true;
}

struct warnings {
	const char *path;
	char first[300];
	int n;
};

static void warn(void *ctx, int line, const char *msg)
{
	struct warnings *w = ctx;

	fprintf(stderr, "resource_image: %s: line %d: %s\n", w->path, line, msg);
	if (!w->n++)
		snprintf(w->first, sizeof(w->first), "%s: line %d: %s", w->path, line, msg);
}

static void apply(struct tui *v, const struct ri_config *c)
{
	if ((c->set & RI_CFG_SORT) && !v->cli_sort)
		v->sort = c->sort;
	if (c->set & RI_CFG_REVERSE)
		v->reverse = c->reverse;
	if ((c->set & RI_CFG_DELAY) && !v->cli_delay)
		v->delay = c->delay;
	if ((c->set & RI_CFG_THEME) && !v->cli_theme)
		snprintf(v->theme_name, sizeof(v->theme_name), "%s", c->theme);
	if ((c->set & RI_CFG_COLUMNS) && c->ncolumns > 0) {
		memcpy(v->cols, c->columns, sizeof(int) * (size_t)c->ncolumns);
		v->ncols = c->ncolumns;
	}
	if (c->set & RI_CFG_METERS)
		v->meters = c->meters;
	if (c->set & RI_CFG_METRIC)
		v->spark_metric = (enum ri_metric)c->metric;
	if (c->set & RI_CFG_STYLE)
		v->spark_style = (enum spark_style)c->spark_style;
	if ((c->set & RI_CFG_VIEW) && !v->cli_view)
		v->view = (enum ri_view)c->view;
	if (c->set & RI_CFG_KTHREADS)
		v->hide_kthreads = c->hide_kthreads;
	if (c->set & RI_CFG_FOLD)
		v->fold = c->fold;
	if ((c->set & RI_CFG_THREADS) && !v->cli_threads)
		v->all_threads = c->threads;
}

void settings_load(struct tui *v)
{
	const char *cols[RI_CONFIG_MAX_COLS * 2];
	struct ri_config_names nm;
	struct warnings w = { 0 };
	struct ri_config file, now;
	char *buf = NULL;
	size_t len = 0;
	int e;

	settings_capture(v, &v->cli_base);
	file = v->cli_base;
	unset_cli(v, &file);
	v->saved = file;
	v->config_on = !v->opts->no_config;
	if (!v->config_on)
		return;
	config_path(v);
	if (!v->config_path[0]) {
		v->config_on = false;
		return;
	}
	e = ri_config_read(v->config_path, &buf, &len);
	if (e && e != -ENOENT) {
		fprintf(stderr, "resource_image: %s: %s; settings from it not used\n",
			v->config_path, strerror(-e));
		tui_message(v, "%s: %s; settings from it not used", v->config_path,
			    strerror(-e));
		v->msg_until += 6;
	}
	if (buf) {
		names_of(&nm, cols);
		w.path = v->config_path;
		ri_config_parse(buf, len, &nm, &file, warn, &w);
		free(buf);
		apply(v, &file);
		if (w.n) {
			if (w.n > 1)
				tui_message(v, "%s (and %d more bad lines; the rest applies)",
					    w.first, w.n - 1);
			else
				tui_message(v, "%s (the rest applies)", w.first);
			v->msg_until += 6;
		}
	}
	/* What the file stands for: the command line's values do not count. */
	settings_capture(v, &now);
	keep_file_values(v, &now, &file);
	v->saved = now;
}

static bool same(const struct ri_config *a, const struct ri_config *b)
{
	return a->sort == b->sort && a->reverse == b->reverse && a->delay == b->delay &&
	       !strcmp(a->theme, b->theme) && a->ncolumns == b->ncolumns &&
	       !memcmp(a->columns, b->columns, sizeof(int) * (size_t)a->ncolumns) &&
	       a->meters == b->meters && a->metric == b->metric &&
	       a->spark_style == b->spark_style && a->view == b->view &&
	       a->hide_kthreads == b->hide_kthreads && a->fold == b->fold &&
	       a->threads == b->threads;
}

void settings_save_if_changed(struct tui *v)
{
	const char *cols[RI_CONFIG_MAX_COLS * 2];
	struct ri_config_names nm;
	struct ri_config now;
	char text[4096], err[600];
	int n;

	if (!v->config_on || v->config_failed)
		return;
	settings_capture(v, &now);
	keep_file_values(v, &now, &v->saved);
	if (same(&now, &v->saved))
		return;
	names_of(&nm, cols);
	n = ri_config_format(&now, &nm, text, sizeof(text));
	if (n < 0)
		return;
	if (ri_config_write(v->config_path, text, (size_t)n, err, sizeof(err))) {
		/* Said once: the tool runs on, settings live for this run only. */
		tui_message(v, "%s; settings are not saved", err);
		v->config_failed = true;
		return;
	}
	v->saved = now;
}
