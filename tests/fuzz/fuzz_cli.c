// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the command line: the input is split on NUL bytes
 * into argv. Whatever the words, ri_cli_parse must return one of its three
 * results, keep counts within their arrays, and never crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ri_opts o;
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 2];
	FILE *out = fopen("/dev/null", "w");
	int argc = 1;
	size_t i, start = 0;
	enum ri_cli_result r;

	if (!buf || !out)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "resource_image";
	for (i = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (i == size || buf[i] == '\0') {
			buf[i] = '\0';
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	r = ri_cli_parse(argc, argv, &o, out, out);
	if (r != RI_CLI_RUN && r != RI_CLI_EXIT && r != RI_CLI_USAGE)
		abort();
	if (r == RI_CLI_RUN) {
		if (o.npids > RI_MAX_CHOSEN_PIDS || o.nnames > RI_MAX_CHOSEN_NAMES)
			abort();
		if (!(o.delay >= 0.01 && o.delay <= 86400))
			abort();
		for (i = 0; i < o.nnames; i++)
			if (strnlen(o.names[i], RI_COMM_LEN) >= RI_COMM_LEN)
				abort();
	}
	fclose(out);
	free(buf);
	return 0;
}
