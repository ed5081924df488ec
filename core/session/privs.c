// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Giving up privileges after attach, with raw syscalls (no libcap): the
 * BPF links and maps are file descriptors, which stay usable without any
 * capability on most kernels (see bpf_needs_cap for the others); what the
 * tool still reads is /proc. Then a seccomp filter narrows what is left:
 * bpf() only for the commands a drain uses on descriptors already held,
 * and none of the ways CAP_SYS_PTRACE could reach into another process
 * (that capability is kept for reading other users' /proc files only).
 */
#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
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

#if defined(__x86_64__)
#define RI_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define RI_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define RI_AUDIT_ARCH AUDIT_ARCH_RISCV64
#endif

/*
 * The sanitizer build's leak checker stops the world at exit by tracing the
 * process's own threads: that build leaves ptrace to it.
 */
#if defined(__SANITIZE_ADDRESS__)
#define RI_ALLOW_PTRACE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RI_ALLOW_PTRACE 1
#endif
#endif

#ifdef RI_AUDIT_ARCH
#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LD_ARG0 BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define IF_EQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define DENY (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

/*
 * bpf(): only lookups (one by one or in a batch), updates, deletions and
 * walks of maps already open, and new reads of the iterators already
 * attached. Nothing can be loaded,
 * attached, pinned or looked up by id. ptrace and reading or writing
 * another process's memory: never.
 */
static int install_seccomp(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		IF_EQ(RI_AUDIT_ARCH, 1, 0),
		RET(SECCOMP_RET_ALLOW), /* another ABI: not ours to judge */
		LD_NR,
#ifdef __x86_64__
		/* x32 system calls share the arch: none of them is ours. */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
		RET(DENY),
#endif
#ifndef RI_ALLOW_PTRACE
		IF_EQ(__NR_ptrace, 0, 1),
		RET(DENY),
#endif
		IF_EQ(__NR_process_vm_readv, 0, 1),
		RET(DENY),
		IF_EQ(__NR_process_vm_writev, 0, 1),
		RET(DENY),
#ifdef __NR_pidfd_getfd
		IF_EQ(__NR_pidfd_getfd, 0, 1),
		RET(DENY),
#endif
		IF_EQ(__NR_bpf, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		LD_ARG0,
		IF_EQ(BPF_MAP_LOOKUP_ELEM, 6, 0),
		IF_EQ(BPF_MAP_UPDATE_ELEM, 5, 0),
		IF_EQ(BPF_MAP_DELETE_ELEM, 4, 0),
		IF_EQ(BPF_MAP_GET_NEXT_KEY, 3, 0),
		/* The per-process walk's records, read back in one call. */
		IF_EQ(BPF_MAP_LOOKUP_BATCH, 2, 0),
		IF_EQ(BPF_ITER_CREATE, 1, 0),
		RET(DENY),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		return -errno;
	return 0;
}
#else
static int install_seccomp(void)
{
	return -ENOSYS;
}
#endif

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
	/*
	 * Whatever the tool runs later (an alert hook) runs without its
	 * capabilities: with SECBIT_NOROOT, uid 0 gains none at execve. Set
	 * while CAP_SETPCAP is still held, and locked.
	 */
	prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
					 SECBIT_NO_CAP_AMBIENT_RAISE |
					 SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
	      0, 0, 0);
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
	return install_seccomp();
}
