#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test initramfs (run.sh builds it): busybox, the static
# resource_image, static workloads and check.sh. Runs check.sh once per
# probe path and prints its lines on the serial console, then powers off.
# cgroup v2 is mounted alone, as on a v2-only host. The kernel label comes from the command line (ri.kernel=5.10).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys            # BTF, the kprobe PMU
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null   # legacy kprobes
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# cgroup v2 alone, every controller on it, as a v2-only host has it: the
# limits check makes its cgroup there.
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null &&
	echo "+memory +pids +cpu" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
# Loopback up: the network check sends over it.
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
# BPF maps are charged to RLIMIT_MEMLOCK before 5.11; libbpf raises it.

label=unknown
for arg in $(cat /proc/cmdline); do
	case $arg in ri.kernel=*) label=${arg#ri.kernel=} ;; esac
done
# Every finish_task_switch entry, the __pfx_ padding twins included: the
# tool must pick the real one at run time.
sym=$(grep -E ' [tT] (__pfx_)?finish_task_switch(\.[^ ]*)?$' /proc/kallsyms |
	awk '{ printf "%s%s", n++ ? "," : "", $3 }')
btf=no
[ -r /sys/kernel/btf/vmlinux ] && btf=yes
kp=no
[ -e /sys/bus/event_source/devices/kprobe ] && kp=yes
echo "INFO $label release=$(uname -r) btf=$btf kprobes=$kp switch_symbol=${sym:-none} ncpu=$(nproc) up=$(cut -d' ' -f1 /proc/uptime)s"

for probe in tp_btf raw_tp kprobe; do
	RI_BIN=/ri/resource_image RI_WORKLOADS=/ri/workloads RI_TMP=/tmp \
		sh /ri/check.sh "$label" "$probe"
done
echo "DONE $label up=$(cut -d' ' -f1 /proc/uptime)s"
poweroff -f
