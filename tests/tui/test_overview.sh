#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The overview: the busiest workload is on top with its header figures;
# Enter shows its threads by name and Enter again hides them; M re-sorts
# by memory (MEM% column descending); the selection follows the task.
. "$(dirname "$0")/lib.sh"
need_basics

burn_workload rihot alpha:70 beta:50 gamma:25
start_tool 160 40 -- -d 1
wait_for 'rihot' 15 || fail "workload never listed"
# Two refreshes with figures. Other suites may run burners too: rihot
# must be among the first rows (once the figures say so), and the CPU%
# column must descend, on a whole frame.
wait_clock 2 || fail "the tool did not refresh"
top3() { [[ $(table_row 1 "$SCREEN"; table_row 2 "$SCREEN"; table_row 3 "$SCREEN") == *rihot* ]]; }
wait_until 5 top3 || fail "busiest workload not on top"
settle || fail "the screen never settled"
cpus=$(column_values 'CPU%' 6 <<<"$SCREEN" | head -n 10)
[ "$cpus" = "$(printf '%s\n' "$cpus" | sort -rn)" ] ||
	fail "CPU% not descending: $(echo $cpus)"
head -n 1 <<<"$SCREEN" | grep -qE 'source bpf/(tp_btf|raw_tp|kprobe)' ||
	fail "header does not name the source and probe"
sed -n 2p <<<"$SCREEN" | grep -qE 'CPU +[0-9.]+% busy.*MEM .*events' ||
	fail "header lacks CPU / MEM / events"

# Search selects rihot; Enter expands its threads.
keys / r i h o t Enter
wait_gone 'Search: ' 5 || fail "search prompt did not close"
keys Enter
wait_for '├─ alpha|`- alpha|└─ alpha' 5 || fail "Enter did not show thread alpha"
for t in alpha beta gamma; do
	wait_for "(├─|└─) $t" 3 || fail "thread $t not listed under rihot"
done
four() { n=$(count '(├─|└─) '); [ "$n" -eq 4 ]; }
wait_until 3 four || fail "expected 4 thread rows (3 burners + main), got $n"
# Expansion survives refreshes.
wait_clock 2 || fail "the tool did not refresh"
settle || fail "the screen never settled"
has '(├─|└─) alpha' || fail "expansion lost after a refresh"
keys Enter
wait_gone '(├─|└─) alpha' 5 || fail "second Enter did not collapse"

# M: sort by MEM%; the MEM% column (6th field of process rows) descends.
keys M
wait_for 'sorted by mem' 5 || fail "no feedback for M"
settle || fail "the screen never settled"
mems=$(column_values 'MEM%' 5 <<<"$SCREEN" | head -n 15)
sorted=$(printf '%s\n' "$mems" | sort -rn)
[ "$mems" = "$sorted" ] || fail "MEM% not descending after M: $(echo $mems)"
keys P
wait_for 'sorted by cpu' 5 || fail "no feedback for P"
wait_until 3 top3 || fail "P did not bring the CPU sort back"
pass "busiest on top, threads by name, M sorts by memory"
