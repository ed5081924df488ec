/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Giving up privileges once the probe is attached: loading BPF needs root
 * (or CAP_BPF + CAP_PERFMON), but reading the attached programs' output,
 * /proc and drawing the screen need almost none of it.
 */
#ifndef RI_PRIVS_H
#define RI_PRIVS_H

/*
 * Keeps only CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (to read other users'
 * /proc/PID/io and cmdline), plus CAP_BPF on kernels that still ask it of
 * every bpf() call, and drops every other capability for good,
 * including from the bounding set; sets no_new_privs and SECBIT_NOROOT
 * (so anything it executes gains no capability, even as root); then a seccomp
 * filter leaves bpf() only the commands a drain uses on descriptors it
 * holds, and denies ptrace and cross-process memory access. Returns 0, or
 * a negative errno (the caller carries on: this is hardening, not a need).
 */
int ri_drop_privileges(void);

#endif /* RI_PRIVS_H */
