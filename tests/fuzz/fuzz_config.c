// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the settings file: any bytes are a possible file.
 * The parser must never read past the buffer, must say why for every
 * line it skips, and must leave settings that write out to a file which
 * reads back to the same settings with no complaint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static const char *const cols[] = { "PID", "USER", "COMM", "THR", "CPU", "CPU%",
				    "MEM%", "RSS", "TIME+", "READ/s", "CGROUP", "HISTORY" };
static const char *const meters[] = { "cpus", "memory", "swap", "tasks", "load",
				      "uptime", "psi" };
static const struct ri_config_names names = { cols, 12, meters, 7 };

static int nwarn;

static void warn(void *ctx, int line, const char *msg)
{
	(void)ctx;
	if (line < 1 || !msg || !msg[0] || strlen(msg) >= 160)
		abort();
	nwarn++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ri_config c, d;
	char text[4096];
	int bad, n, i;

	/* The caller's settings before the file: valid, as the tool's are. */
	memset(&c, 0, sizeof(c));
	c.delay = 1.0;
	nwarn = 0;
	bad = ri_config_parse((const char *)data, size, &names, &c, warn, NULL);
	if (bad != nwarn)
		abort();
	if (c.ncolumns < 0 || c.ncolumns > RI_CONFIG_MAX_COLS)
		abort();
	for (i = 0; i < c.ncolumns; i++)
		if (c.columns[i] < 0 || c.columns[i] >= names.ncolumns)
			abort();
	if (c.theme[sizeof(c.theme) - 1])
		abort();
	n = ri_config_format(&c, &names, text, sizeof(text));
	if (n < 0)
		abort();
	memset(&d, 0, sizeof(d));
	nwarn = 0;
	/* Only an empty column list (the file may say "columns =") is refused. */
	if (ri_config_parse(text, (size_t)n, &names, &d, warn, NULL) != !c.ncolumns)
		abort();
	if (d.delay != c.delay)
		abort();
	if (d.sort != c.sort || d.reverse != c.reverse || d.metric != c.metric ||
	    d.spark_style != c.spark_style || d.view != c.view || d.fold != c.fold ||
	    d.hide_kthreads != c.hide_kthreads || d.threads != c.threads ||
	    (c.meters & 0x7f) != d.meters)
		abort();
	if (c.ncolumns && (d.ncolumns != c.ncolumns ||
			   memcmp(d.columns, c.columns, sizeof(int) * (size_t)c.ncolumns)))
		abort();
	if (c.theme[0] && strcmp(c.theme, d.theme))
		abort();
	return 0;
}
