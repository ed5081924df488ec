// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the kallsyms parser (core/sources/waits.c), which
 * reads the kernel's text: the first byte says how large the pieces fed
 * are (a line may straddle any two), the next 32 the addresses wanted,
 * the rest is the text. Whatever the bytes: no crash, nothing read out of
 * bounds, every name found ends in a NUL within RI_SITE_LEN, and each
 * address's symbol is at or below it, within reach.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "waits.h"

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t want[4], best[4] = { 0 };
	char fn[4][RI_SITE_LEN];
	struct ri_ksyms_pass p = { .want = want, .n = 4, .best = best, .best_fn = fn };
	size_t piece, i;

	if (size < 33)
		return 0;
	piece = (size_t)data[0] + 1;
	memcpy(want, data + 1, sizeof(want));
	qsort(want, 4, sizeof(want[0]), cmp);
	memset(fn, 0, sizeof(fn));
	data += 33;
	size -= 33;
	for (i = 0; i < size; i += piece)
		ri_ksyms_pass_feed(&p, (const char *)data + i, size - i < piece ? size - i : piece);
	ri_ksyms_pass_end(&p);
	for (i = 0; i < 4; i++) {
		if (!memchr(fn[i], 0, RI_SITE_LEN))
			abort();
		if (best[i] && (best[i] > want[i] || want[i] - best[i] >= (1u << 20)))
			abort();
	}
	return 0;
}
