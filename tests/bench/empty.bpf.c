// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The yardstick for `make bench`: a sched_switch program that does nothing.
 * Its in-kernel run time per call is the floor every probe pays; the
 * probe's cost is reported as a ratio to it, measured in the same run.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_switch")
int BPF_PROG(ri_bench_empty, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return 0;
}
