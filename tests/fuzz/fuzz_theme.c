// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for theme files: any bytes are a possible theme file.
 * The parser must accept or reject with a message, never read past the
 * buffer, and leave every colour well-formed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ri_theme t;
	char err[256];
	int i, r;

	ri_theme_default(&t);
	err[0] = '\0';
	r = ri_theme_parse((const char *)data, size, &t, err, sizeof(err));
	if (r != 0 && !err[0])
		abort(); /* a rejection always says why */
	if (strnlen(err, sizeof(err)) >= sizeof(err))
		abort();
	for (i = 0; i < RI_TK_COUNT; i++)
		if (t.c[i].kind != RI_COL_DEFAULT && t.c[i].kind != RI_COL_INDEX &&
		    t.c[i].kind != RI_COL_RGB)
			abort();
	return 0;
}
