// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the container runtimes' files the names of
 * containers are read from (Docker's config.v2.json, the OCI config.json
 * of containerd and CRI-O, Podman's containers.json): whoever can write
 * a container's labels or annotations chooses their bytes. The text is
 * not NUL-ended (a copy of exactly its bytes, so ASan sees a read past
 * it). Whatever the bytes: no crash, no read past the text, every name
 * NUL-ended within its buffer with no control byte, and a key's value
 * found again from where a scan left off lies within the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "figures.h"

static void check_name(const char *s, size_t len)
{
	size_t n = strnlen(s, len);

	if (n == len)
		abort(); /* not NUL-ended */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char id[] =
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct ri_ct_names nm;
	char *text, v[16], label[2 * RI_CT_NAME + 2];
	const char *p, *end;

	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	end = text + size;
	memset(&nm, 0, sizeof(nm));
	ri_container_names_parse(text, size, id, &nm);
	check_name(nm.name, sizeof(nm.name));
	check_name(nm.pod, sizeof(nm.pod));
	check_name(nm.pod_ns, sizeof(nm.pod_ns));
	if (ri_ct_names_label(label, sizeof(label), &nm))
		check_name(label, sizeof(label));
	/* A small buffer cuts, never overruns; a scan resumes within the text. */
	for (p = text; (p = ri_json_value(p, end, "a", -1, v, sizeof(v)));) {
		check_name(v, sizeof(v));
		if (p < text || p > end)
			abort();
	}
	free(text);
	return 0;
}
