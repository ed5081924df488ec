// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The BPF source is not built into the unit tests and fuzzers (it needs
 * the generated skeleton, clang and bpftool): this stands in for it.
 */
#include <errno.h>
#include <stdio.h>

#include "source.h"

int ri_source_bpf_open(const struct ri_source_opts *o, struct ri_source **out,
		       char *err, size_t errlen)
{
	(void)o;
	(void)out;
	snprintf(err, errlen, "this build has no BPF source");
	return -ENOSYS;
}
