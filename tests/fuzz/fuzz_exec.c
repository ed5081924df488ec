// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the --alert-exec command line (ri_argv_split in
 * core/alerts/hook.c): whatever the bytes, the split returns words that fit the
 * buffer, a NULL-terminated argv within its bound, or an error with a
 * position inside the command and a reason.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cmd = malloc(size + 1), words[512], *argv[9];
	const char *what;
	size_t pos, i;
	int n;

	if (!cmd)
		abort();
	memcpy(cmd, data, size);
	cmd[size] = '\0';
	n = ri_argv_split(cmd, words, sizeof(words), argv, 9, &pos, &what);
	if (n < 0) {
		if (n != -EINVAL || !what || pos > strlen(cmd))
			abort();
	} else {
		if (n < 1 || n > 8 || argv[n])
			abort();
		for (i = 0; i < (size_t)n; i++)
			if (argv[i] < words || argv[i] + strlen(argv[i]) >= words + sizeof(words))
				abort();
	}
	free(cmd);
	return 0;
}
