// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Choosing a source, with --source auto's fall-back to procfs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

int ri_source_open(struct ri_source_opts *o, struct ri_source **out, char *err,
		   size_t errlen)
{
	char why[512];
	int ret;

	if (o->kind == RI_SRC_PROCFS)
		return ri_source_procfs_open(o, out, err, errlen);
	/* A probe asked for by name is a request for BPF, not a hint. */
	if (o->kind == RI_SRC_BPF || o->probe != RI_PROBE_AUTO)
		return ri_source_bpf_open(o, out, err, errlen);

	ret = ri_source_bpf_open(o, out, why, sizeof(why));
	if (!ret)
		return 0;
	/* auto: BPF is better, procfs is better than nothing. Say so. */
	ret = ri_source_procfs_open(o, out, err, errlen);
	if (!ret && o->warning && o->warning_len)
		snprintf(o->warning, o->warning_len,
			 "BPF unavailable (%s); using procfs, which cannot see "
			 "tasks that live between two refreshes",
			 why);
	return ret;
}
