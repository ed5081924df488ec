// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for what any process controls in the exposition: its
 * name (comm, 15 bytes of anything), made a label value by ri_mx_value
 * and escaped by ri_mx_label. Whatever the bytes, the value is valid
 * UTF-8 within RI_MX_VALUE_MAX, the label holds no raw newline, quote or
 * lone backslash, and unescaping it gives the value back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* A strict UTF-8 check, written apart from the code under test. */
static int valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s, n, cp, i;

		if (c < 0x80) {
			s++;
			continue;
		}
		n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 9;
		if (n == 9 || c > 0xf4)
			return 0;
		cp = c & (0x3f >> n);
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char comm[16], v[RI_MX_VALUE_MAX], l[256] = "", back[RI_MX_VALUE_MAX];
	size_t n = size < 15 ? size : 15, o = 0;
	const char *p;

	memcpy(comm, data, n);
	comm[n] = '\0';
	ri_mx_value(v, comm, sizeof(comm));
	if (strlen(v) >= RI_MX_VALUE_MAX || !valid_utf8((const unsigned char *)v))
		abort();
	ri_mx_label(l, sizeof(l), "comm", v);
	if (strncmp(l, "comm=\"", 6) || l[strlen(l) - 1] != '"')
		abort();
	for (p = l + 6; p < l + strlen(l) - 1; p++) {
		if (*p == '\n' || *p == '"')
			abort();
		if (*p == '\\') {
			p++;
			if (*p != '\\' && *p != '"' && *p != 'n')
				abort();
			back[o++] = *p == 'n' ? '\n' : *p;
		} else {
			back[o++] = *p;
		}
		if (o >= sizeof(back))
			abort();
	}
	back[o] = '\0';
	if (strcmp(back, v))
		abort();
	return 0;
}
