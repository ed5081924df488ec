// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the settings file (core/cli/config.c): every setting read,
 * bad and unknown lines reported by number while the rest applies,
 * unknown column names skipped beside known ones, what is written read
 * back the same, the write atomic (no temporary left, the directory
 * made), and reading a file that is not one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "check.h"

static const char *const cols[] = { "PID", "USER", "COMM", "CPU%", "MEM%", "CGROUP" };
static const char *const meters[] = { "cpus", "memory", "swap", "tasks", "load" };
static const struct ri_config_names names = { cols, 6, meters, 5 };

struct seen {
	int lines[16];
	char msg[16][160];
	int n;
};

static void warn(void *ctx, int line, const char *msg)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->lines[s->n] = line;
		snprintf(s->msg[s->n], sizeof(s->msg[0]), "%s", msg);
	}
	s->n++;
}

static int parse(const char *text, struct ri_config *c, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return ri_config_parse(text, strlen(text), &names, c, warn, s);
}

int main(void)
{
	struct ri_config c, d;
	struct seen s;
	char buf[2048], path[256], dir[] = "/tmp/ri-config-XXXXXX", *rb;
	size_t rl;
	struct stat st;
	int n;

	memset(&c, 0, sizeof(c));
	CHECK_EQ(parse("# a comment\n\n  sort = mem\nreverse=yes\ndelay = 0.5\n"
		       "theme = \"nord\"\ncolumns = PID, comm ,CPU%\nmeters = cpus,load\n"
		       "spark_metric = write\nspark_style = braille\nview = tree\n"
		       "kernel_threads = hide\nfold = no\nthreads = on\r\n",
		       &c, &s),
		 0);
	CHECK_EQ(c.sort, RI_SORT_MEM);
	CHECK(c.reverse && c.delay == 0.5);
	CHECK_STR(c.theme, "nord");
	CHECK(c.ncolumns == 3 && c.columns[0] == 0 && c.columns[1] == 2 && c.columns[2] == 3);
	CHECK_EQ(c.meters, 1u | 16u);
	CHECK(c.metric == 3 && c.spark_style == 1 && c.view == 1);
	CHECK(c.hide_kthreads && !c.fold && c.threads);
	CHECK_EQ(c.set, RI_CFG_SORT | RI_CFG_REVERSE | RI_CFG_DELAY | RI_CFG_THEME |
				RI_CFG_COLUMNS | RI_CFG_METERS | RI_CFG_METRIC | RI_CFG_STYLE |
				RI_CFG_VIEW | RI_CFG_KTHREADS | RI_CFG_FOLD | RI_CFG_THREADS);

	/* Bad lines: each said once with its number; the good ones apply. */
	memset(&c, 0, sizeof(c));
	CHECK_EQ(parse("sort = nosuch\nwhat = ever\njunk\ndelay = 0\ndelay = abc\n"
		       "sort = pid\ncolumns = PID,WAIT%,GROWTH,USER\nfold = maybe\n"
		       "columns = nothing\nmeters = \n",
		       &c, &s),
		 8);
	CHECK(s.n == 8 && s.lines[0] == 1 && s.lines[1] == 2 && s.lines[2] == 3 &&
	      s.lines[3] == 4 && s.lines[4] == 5 && s.lines[5] == 7 && s.lines[6] == 8 &&
	      s.lines[7] == 9);
	CHECK(strstr(s.msg[0], "nosuch") != NULL);
	CHECK(strstr(s.msg[1], "unknown setting 'what'") != NULL);
	CHECK(strstr(s.msg[5], "'WAIT%', 'GROWTH'") != NULL);
	CHECK_EQ(c.sort, RI_SORT_PID);
	CHECK(c.ncolumns == 2 && c.columns[0] == 0 && c.columns[1] == 1);
	CHECK((c.set & RI_CFG_METERS) && c.meters == 0);
	CHECK(!(c.set & RI_CFG_DELAY) && !(c.set & RI_CFG_FOLD));

	/* Bytes that are not text, a NUL, an over-long line, no final newline. */
	memset(&c, 0, sizeof(c));
	memset(buf, 'x', 1500);
	memcpy(buf, "theme = ", 8);
	buf[1500] = '\n';
	memcpy(buf + 1501, "sort\0= io\nsort = io", 19);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(ri_config_parse(buf, 1520, &names, &c, warn, &s), 2);
	CHECK(s.lines[0] == 1 && s.lines[1] == 2);
	CHECK_EQ(c.sort, RI_SORT_IO);
	CHECK_EQ(ri_config_parse("", 0, &names, &c, NULL, NULL), 0);

	/* What is written reads back the same. */
	memset(&c, 0, sizeof(c));
	c.sort = RI_SORT_WAIT;
	c.delay = 2.5;
	snprintf(c.theme, sizeof(c.theme), "light");
	c.columns[0] = 5;
	c.columns[1] = 0;
	c.ncolumns = 2;
	c.meters = 1 | 8;
	c.metric = 1;
	c.spark_style = 2;
	c.view = 2;
	c.fold = true;
	n = ri_config_format(&c, &names, buf, sizeof(buf));
	CHECK(n > 0);
	memset(&d, 0, sizeof(d));
	CHECK_EQ(parse(buf, &d, &s), 0);
	CHECK(d.sort == c.sort && d.delay == c.delay && !strcmp(d.theme, "light"));
	CHECK(d.ncolumns == 2 && d.columns[0] == 5 && d.columns[1] == 0);
	CHECK(d.meters == c.meters && d.metric == 1 && d.spark_style == 2 && d.view == 2);
	CHECK(d.fold && !d.threads && !d.hide_kthreads && !d.reverse);
	CHECK_EQ(ri_config_format(&c, &names, buf, 20), -1);

	/* Atomic write: the directory made, the file whole, nothing else left. */
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/a/b/config", dir);
	CHECK_EQ(ri_config_write(path, "sort = cpu\n", 11, buf, sizeof(buf)), 0);
	CHECK_EQ(ri_config_read(path, &rb, &rl), 0);
	CHECK(rl == 11 && !strcmp(rb, "sort = cpu\n"));
	free(rb);
	CHECK_EQ(ri_config_write(path, "sort = mem\n", 11, buf, sizeof(buf)), 0);
	CHECK_EQ(ri_config_read(path, &rb, &rl), 0);
	CHECK_STR(rb, "sort = mem\n");
	free(rb);
	snprintf(buf, sizeof(buf), "%s/a/b/config.tmp.%d", dir, (int)getpid());
	CHECK(stat(buf, &st) != 0);
	/* A directory where the file should be: refused, said why. */
	snprintf(path, sizeof(path), "%s/a", dir);
	CHECK_EQ(ri_config_read(path, &rb, &rl), -EISDIR);
	snprintf(path, sizeof(path), "%s/nothing", dir);
	CHECK_EQ(ri_config_read(path, &rb, &rl), -ENOENT);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	CHECK(ri_config_write(path, "x", 1, buf, sizeof(buf)) < 0);
	CHECK(strstr(buf, "cannot write") != NULL);
	snprintf(path, sizeof(path), "%s/a/b/config", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", dir);
	rmdir(path);
	rmdir(dir);
	return check_report("test_config");
}
