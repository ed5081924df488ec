#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The picker on a busy machine: among 1,100 more processes, choosing one
# (found past the picker's first screen, then by a typed filter) leaves
# the table and the detail panel with that process alone, at once and
# for the refreshes after; the tool keeps refreshing (a choice of one
# after a thousand once sent a refresh into a loop without end, the
# screen left with processes not chosen). a returns to all.
. "$(dirname "$0")/lib.sh"
need_basics

many=1100
for _ in $(seq "$many"); do
	sleep 600 &
	WL_PIDS+=($!)
done
burn_workload ripick one:5
pick=${WL_PIDS[-1]}
start_tool 160 40 -- -d 0.5
wait_for 'ripick' 20 || fail "workload never listed"
wait_for "Tasks: [0-9]{4}" 20 || fail "the $many sleepers never counted"

keys p
wait_for 'Pick processes: [0-9]{4} shown' 10 || fail "p did not open the picker over all processes"
# Past the first screen and back: the list is longer than the screen.
keys End
wait_gone ' ripick ' 5 || fail "End did not scroll the picker past its first screen"
keys r i p i c k
wait_for 'Filter: ripick' 5 || fail "typed filter not shown"
wait_for "^ +$pick .*ripick" 5 || fail "filter did not keep ripick ($pick)"
keys Space
wait_for '1 marked' 3 || fail "Space did not mark"
keys Enter
wait_for "chosen: $pick" 5 || fail "no choice of $pick shown after Enter"

# From the first frame after Enter, and for the refreshes after it, the
# table holds ripick alone and the detail panel is about it.
only_pick() {
	procs=$(table_rows "$SCREEN")
	[ "$procs" -eq 1 ] && table_row 1 "$SCREEN" | grep -qE "^ +$pick .*ripick" &&
		has "^▶ $pick ripick"
}
settle 5 || fail "screen never settled after the choice"
only_pick || fail "first frame after the choice: expected only ripick ($pick), got $procs rows"
wait_clock 3 || fail "the tool stopped refreshing after the choice"
only_pick || fail "after 3 s of refreshes: expected only ripick ($pick), got $procs rows"

keys a
wait_for 'Tasks: [0-9]{4}' 5 || fail "a did not return to all processes"
wait_gone 'chosen:' 5 || fail "choice still shown after a"
many_rows() { procs=$(table_rows "$SCREEN"); [ "$procs" -gt 1 ]; }
wait_until 10 many_rows || fail "a did not list all processes again ($procs rows)"
wait_clock 2 || fail "the tool stopped refreshing after a"
pass "one chosen among $many more: the table and panel show it alone, refreshing"
