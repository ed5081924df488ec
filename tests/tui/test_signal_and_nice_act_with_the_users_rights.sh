#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# k sends a signal from a list, SIGTERM first: Enter ends a test workload
# and says so; 9 picks SIGKILL. F8 raises the nice value of every thread
# of a process, seen in /proc/PID/task/*/stat; F7 lowers it back (the
# workload's RLIMIT_NICE allows down to 0), and below 0 the kernel says
# no: "permission denied", the value unchanged. A process of another user
# (nobody) cannot be signalled: "permission denied", and it lives on. The
# tool keeps no CAP_KILL nor CAP_SYS_NICE once attached: it acts with its
# user's own rights.
. "$(dirname "$0")/lib.sh"
need_basics
id nobody >/dev/null 2>&1 || skip "no user nobody"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
command -v prlimit >/dev/null || skip "no prlimit (util-linux)"
[ -x "$RI_WORKLOADS/burn" ] || skip "no burn workload (make workloads)"

chmod 755 "$scratch"
term=riterm$(($$ % 1000)) kil=rikill$(($$ % 1000)) nic=rinice$(($$ % 1000))
nob=rinobo$(($$ % 1000))
cp "$(command -v sleep)" "$scratch/$term"
cp "$(command -v sleep)" "$scratch/$kil"
cp "$(command -v sleep)" "$scratch/$nob"
"$scratch/$term" 120 & WL_PIDS+=($!); tpid=$!
"$scratch/$kil" 120 & WL_PIDS+=($!); kpid=$!
setpriv --reuid=nobody --regid=nogroup --clear-groups "$scratch/$nob" 120 &
WL_PIDS+=($!); npid=$!
# RLIMIT_NICE 20 lets the workload's nice go back down to 0, if we may set it.
limit=
prlimit --nice=20 true 2>/dev/null && limit="prlimit --nice=20"
$limit setpriv --bounding-set=-all --inh-caps=-all \
	"$RI_WORKLOADS/burn" --name "$nic" --seconds 120 --thread a:2 \
	--thread b:2 >/dev/null 2>&1 &
WL_PIDS+=($!); bpid=$!

start_tool 160 40 -- -d 0.5
wait_for 'PID USER' 15 || fail "tool did not start"

select_proc() { # NAME
	keys / "$1" Enter
	wait_gone 'Search: ' 5 || fail "search prompt did not close"
}

nice_of() { # PID: the nice value (field 19) of each thread, sorted, unique
	for s in /proc/$1/task/*/stat; do
		sed 's/.*) //' "$s" | awk '{ print $17 }'
	done | sort -u | tr '\n' ' '
}

# k, Enter: SIGTERM.
select_proc "$term"
keys k
wait_for "Send signal to $tpid $term" 5 || fail "k opened no signal list for $term"
wait_for '^ +  15 SIGTERM' 5 || fail "SIGTERM is not in the list"
first=$(grep -E '^ +  [0-9]+ SIG' <<<"$SCREEN" | head -n 1)
[[ $first == *SIGTERM* ]] || fail "SIGTERM is not first: $first"
keys Enter
wait_for "sent SIGTERM to $tpid \\($term\\)" 5 || fail "no word that SIGTERM was sent"
wait_until 5 eval '! kill -0 $tpid 2>/dev/null'
kill -0 $tpid 2>/dev/null && fail "$term ($tpid) still runs after SIGTERM"
wait $tpid 2>/dev/null
st=$?
[ "$st" = 143 ] || fail "$term ended with status $st, not by SIGTERM (143)"

# k, 9, Enter: SIGKILL.
select_proc "$kil"
keys k
wait_for "Send signal to $kpid" 5 || fail "k opened no signal list for $kil"
keys 9 Enter
wait_for "sent SIGKILL to $kpid" 5 || fail "no word that SIGKILL was sent"
wait_until 5 eval '! kill -0 $kpid 2>/dev/null'
wait $kpid 2>/dev/null
st=$?
[ "$st" = 137 ] || fail "$kil ended with status $st, not by SIGKILL (137)"

# Another user's process: refused, said, and it lives on.
select_proc "$nob"
keys k
wait_for "Send signal to $npid $nob" 5 || fail "k opened no signal list for $nob"
keys Enter
wait_for "SIGTERM to $npid \\($nob\\): permission denied" 5 ||
	fail "no 'permission denied' for nobody's process"
# Not a wait for the screen: a signal wrongly delivered would take a
# moment to end it.
sleep 0.5
kill -0 $npid 2>/dev/null || fail "nobody's process died"

# F8, F7: every thread's nice value.
select_proc "$nic"
[ "$(nice_of $bpid)" = "0 " ] || fail "$nic does not start at nice 0: $(nice_of $bpid)"
keys F8
wait_for "$bpid \\($nic\\): nice 0 -> 1" 5 || fail "F8 said nothing of nice 0 -> 1"
[ "$(nice_of $bpid)" = "1 " ] || fail "after F8 the threads are at nice $(nice_of $bpid)"
at=1
if [ -n "$limit" ]; then
	keys F7
	wait_for "nice 1 -> 0" 5 || fail "F7 said nothing of nice 1 -> 0"
	[ "$(nice_of $bpid)" = "0 " ] || fail "after F7 the threads are at nice $(nice_of $bpid)"
	at=0
fi
keys F7
wait_for "nice $at -> $((at - 1)) for $bpid \\($nic\\): permission denied" 5 ||
	fail "F7 past the limit: no 'permission denied'"
[ "$(nice_of $bpid)" = "$at " ] || fail "a refused F7 changed the nice value: $(nice_of $bpid)"
pass "SIGTERM and SIGKILL end workloads; nobody's: permission denied; F8 on 3 threads;" \
	"F7 ${limit:+back to 0, then }refused at $at"
