// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Dropping capabilities after attach, with raw syscalls (no libcap): the
 * BPF links and maps are file descriptors, which stay usable without any
 * capability on most kernels (see bpf_needs_cap for the others); what the
 * tool still reads is /proc.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privs.h"

#define KEEP_MASK ((1ull << CAP_SYS_PTRACE) | (1ull << CAP_DAC_READ_SEARCH))
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/*
 * Whether this kernel refuses every bpf() command, even one on a file
 * descriptor already held, to a caller without CAP_BPF: older kernels
 * (5.10 here) do so while kernel.unprivileged_bpf_disabled is set, as
 * Debian sets it by default; 6.1 checks only loading. Asked of the kernel
 * itself: with CAP_BPF and CAP_SYS_ADMIN out of the effective set for a
 * moment, a lookup on fd -1 fails with EBADF where the fd is all that
 * counts, EPERM where the capability is still needed.
 */
static int bpf_needs_cap(struct __user_cap_header_struct *hdr,
			 const struct __user_cap_data_struct cur[2])
{
	struct __user_cap_data_struct probe[2];
	union bpf_attr attr;
	int needs;

	memcpy(probe, cur, sizeof(probe));
	probe[0].effective &= ~(1u << CAP_SYS_ADMIN);
	probe[1].effective &= ~(1u << (CAP_BPF - 32));
	if (syscall(SYS_capset, hdr, probe))
		return 0;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (__u32)-1;
	needs = syscall(SYS_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)) < 0 &&
		errno == EPERM;
	syscall(SYS_capset, hdr, cur);
	return needs;
}

int ri_drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	unsigned long long keep = KEEP_MASK;
	int cap, last = CAP_LAST_CAP;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	if (bpf_needs_cap(&hdr, data))
		keep |= 1ull << CAP_BPF; /* the drain still calls bpf() */
	/* The bounding set first: dropping from it needs CAP_SETPCAP. */
	for (cap = 0; cap <= last + 8; cap++) {
		if (cap < 64 && (keep & (1ull << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break; /* past the kernel's last capability */
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	data[0].effective &= (__u32)keep;
	data[0].permitted &= (__u32)keep;
	data[0].inheritable = 0;
	data[1].effective &= (__u32)(keep >> 32);
	data[1].permitted &= (__u32)(keep >> 32);
	data[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return 0;
}
