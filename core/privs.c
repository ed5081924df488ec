// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Dropping capabilities after attach, with raw syscalls (no libcap): the
 * BPF links and maps are file descriptors, which stay usable without any
 * capability; what the tool still reads is /proc.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privs.h"

#define KEEP_MASK ((1u << CAP_SYS_PTRACE) | (1u << CAP_DAC_READ_SEARCH))

int ri_drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	int cap, last = CAP_LAST_CAP;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	/* The bounding set first: dropping from it needs CAP_SETPCAP. */
	for (cap = 0; cap <= last + 8; cap++) {
		if (cap < 32 && (KEEP_MASK & (1u << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break; /* past the kernel's last capability */
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	data[0].effective &= KEEP_MASK;
	data[0].permitted &= KEEP_MASK;
	data[0].inheritable = 0;
	data[1].effective = data[1].permitted = data[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return 0;
}
