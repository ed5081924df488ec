// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the files a process or a cgroup's owner controls
 * the content of, as the limits reader parses them: /proc/PID/cgroup
 * (paths of any bytes) and the containers its paths name, limits,
 * status, and every cgroup file. The first
 * byte picks the parser (and the cgroup file's name), the rest is the
 * text. Whatever the bytes: no crash, no read past the text, and what a
 * parser says it read is consistent (paths NUL-terminated within their
 * buffers, only the fields read marked as read).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "limits_read.h"

static const char *const names[] = {
	"memory.current", "memory.max", "memory.high", "memory.events", "pids.current",
	"pids.max", "cpu.max", "cpu.stat", "cpu.pressure", "memory.pressure", "io.pressure",
	"memory.usage_in_bytes", "memory.limit_in_bytes", "memory.soft_limit_in_bytes",
	"memory.failcnt", "memory.oom_control", "cpu.cfs_quota_us", "cpu.cfs_period_us",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ri_cg_paths p;
	struct ri_container ct;
	struct ri_cgroup cg;
	uint64_t v, swap;
	uint32_t nspid;
	char *text;
	unsigned pick;

	if (!size)
		return 0;
	pick = data[0];
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (pick % 4) {
	case 0:
		/* A path names a container with a whole id or none. */
		if (ri_container_of(text, &ct) &&
		    (strnlen(ct.id, sizeof(ct.id)) == sizeof(ct.id) ||
		     (ct.id[0] && strlen(ct.id) != 64) ||
		     (ct.pod_uid[0] && strlen(ct.pod_uid) != 36)))
			abort();
		if (!ri_parse_proc_cgroup(text, &p) &&
		    (strnlen(p.v2, sizeof(p.v2)) == sizeof(p.v2) ||
		     strnlen(p.mem, sizeof(p.mem)) == sizeof(p.mem) ||
		     strnlen(p.pids, sizeof(p.pids)) == sizeof(p.pids) ||
		     strnlen(p.cpu, sizeof(p.cpu)) == sizeof(p.cpu)))
			abort();
		break;
	case 1:
		(void)ri_parse_nofile(text, &v);
		break;
	case 2:
		(void)ri_parse_status_limits(text, &swap, &nspid);
		break;
	default:
		memset(&cg, 0, sizeof(cg));
		(void)ri_parse_cg_file(names[(pick / 4) % NNAMES], text, &cg);
		if (cg.have >> RI_CGF_COUNT)
			abort();
		break;
	}
	free(text);
	return 0;
}
