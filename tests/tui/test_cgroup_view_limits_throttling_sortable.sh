#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The cgroup view's limits: a CPU hog in a cgroup the test makes with a
# 256 MiB memory limit, pids.max 50 and a CPU quota, another in one with
# no limit. The quota is the least the kernel takes (1 ms every 100 ms),
# so the hog is throttled even on a machine so busy it gets little CPU.
# Grouped by cgroup (c), the limited cgroup's row shows its memory
# against 256M, its tasks against 50, its throttled share of quota
# periods, HEADROOM, and its pressure (a share on cgroup v2, n/a where
# the kernel keeps none for it: v1); the other cgroup's row shows no
# limit and no throttled share. Sorted by THROTL%, the limited cgroup
# comes first; reversed (I), last. v1 controllers on a hybrid host, v2
# elsewhere; the cgroups are removed on the way out.
. "$(dirname "$0")/lib.sh"
need_basics

base=/sys/fs/cgroup
made=()
# The workloads go first: a cgroup with a task in it cannot be removed.
rm_cgroups() {
	local rc=$? p d
	for p in "${WL_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${WL_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for d in "${made[@]}"; do rmdir "$d" 2>/dev/null; done
	(exit "$rc")
	cleanup
}
trap rm_cgroups EXIT
v1=0
if [ -d $base/memory ] && [ ! -e $base/cgroup.controllers ]; then
	v1=1
	cpu=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $2 }' /proc/self/cgroup)
	[ -n "$cpu" ] || skip "no v1 cpu controller"
else
	echo "+memory +pids +cpu" >$base/cgroup.subtree_control 2>/dev/null ||
		skip "cannot enable the v2 controllers"
fi
# mk NAME PID [limits]: a cgroup of the test's own with PID in it.
mk() {
	local name=$1 pid=$2 lim=${3:-} d ctl
	if [ $v1 = 1 ]; then
		for ctl in memory pids "$cpu"; do
			d=$base/$ctl/$name
			mkdir "$d" || skip "cannot make $d"
			made+=("$d")
			if [ -n "$lim" ]; then
				case $ctl in
				memory) echo 268435456 >"$d/memory.limit_in_bytes" ;;
				pids) echo 50 >"$d/pids.max" ;;
				*) echo 100000 >"$d/cpu.cfs_period_us"
				   echo 1000 >"$d/cpu.cfs_quota_us" ;;
				esac
			fi
			echo "$pid" >"$d/cgroup.procs" || fail "cannot move $pid into $d"
		done
	else
		d=$base/$name
		mkdir "$d" || skip "cannot make $d"
		made+=("$d")
		if [ -n "$lim" ]; then
			echo 268435456 >"$d/memory.max"
			echo 50 >"$d/pids.max"
			echo "1000 100000" >"$d/cpu.max"
		fi
		echo "$pid" >"$d/cgroup.procs" || fail "cannot move $pid into $d"
	fi
}

lim=rilim$$.service
free=rifree$$.service
burn_workload rilimhog$$ t1:100
a=${WL_PIDS[-1]}
burn_workload rifreehog$$ t1:20
b=${WL_PIDS[-1]}
mk "$lim" "$a" limits
mk "$free" "$b"
mkdir -p "$scratch/config/resource_image"
printf '%s\n' 'columns = PID,COMM,CPU%,HEADROOM,CG-MEM,CG-TASKS,THROTL%,PSI-CPU,CGROUP' \
	'sort = throttled' >"$scratch/config/resource_image/config"
start_tool 170 30 -- -d 0.5 -p "$a,$b"
wait_for "rilimhog$$" 15 || fail "the hogs are not shown"
keys c
wait_for "by cgroup" 5 || fail "c does not group by cgroup"

# The limited cgroup's row: its limits, a throttled share, HEADROOM.
row_of() { grep -E "[▸▾+-]$1 \(" <<<"$SCREEN" | head -n 1; }
limited_row() {
	SCREEN=$(cap)
	local r
	r=$(row_of "$lim")
	[[ $r =~ /256M ]] && [[ $r =~ [0-9]+/50 ]] && [[ $r =~ (mem|threads)\ [0-9]+% ]]
}
wait_until 20 limited_row || fail "the limited cgroup's row lacks its limits: $(row_of "$lim")"
# THROTL% of that row, by position under the title.
thr() { column_values THROTL 7 <<<"$SCREEN" | sed -n "$1p"; }
throttled_most() {
	SCREEN=$(cap)
	local v
	v=$(thr 1)
	[ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 > 0 && v + 0 <= 100) }' &&
		row_of "$lim" >/dev/null && [ "$(grep -nE "[▸▾+-]$lim \(" <<<"$SCREEN" | cut -d: -f1)" -lt \
		"$(grep -nE "[▸▾+-]$free \(" <<<"$SCREEN" | cut -d: -f1)" ]
}
wait_until 20 throttled_most ||
	fail "sorted by THROTL%: the limited cgroup is not first with periods throttled (THROTL% '$(thr 1)')"
r=$(row_of "$free")
[[ $r =~ /256M|/50 ]] && fail "the cgroup with no limit shows one: $r"
[ -z "$(thr 2)" ] || fail "the cgroup with no quota shows a throttled share: '$(thr 2)'"
# PSI-CPU ends a cgroup's row (its CGROUP cell is blank: the row names it).
psi=$(row_of "$lim" | awk '{ print $NF }')
if [ $v1 = 1 ]; then
	[ "$psi" = n/a ] || fail "v1 keeps no pressure per cgroup: PSI-CPU should be n/a, is '$psi'"
else
	awk -v v="$psi" 'BEGIN { exit !(v ~ /^[0-9.]+$/) }' ||
		fail "v2 keeps pressure per cgroup: PSI-CPU should be a share, is '$psi'"
fi
# Reversed: the limited cgroup last.
keys I
reversed() {
	SCREEN=$(cap)
	[ "$(grep -nE "[▸▾+-]$lim \(" <<<"$SCREEN" | cut -d: -f1)" -gt \
		"$(grep -nE "[▸▾+-]$free \(" <<<"$SCREEN" | cut -d: -f1)" ] 2>/dev/null
}
wait_until 5 reversed || fail "I does not reverse the cgroups' order by THROTL%"
keys q
wait_for "EXIT=0" 5 || fail "q does not leave with exit 0"
pass
