#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The picker: p, typing a name, Space, Enter leaves only that process,
# with its detail panel (CPU%, MEM, READ/s, WRITE/s sparklines and their
# span); Enter lists its threads; a and Esc return to all processes;
# -c NAME preselects, and the picker opens with it marked.
. "$(dirname "$0")/lib.sh"
need_basics

burn_workload ripick one:30 two:20 three:10
burn_workload riother x:5
start_tool 160 40 -- -d 0.5
wait_for 'ripick' 15 || fail "workload never listed"

keys p
wait_for 'Pick processes' 5 || fail "p did not open the picker"
keys r i p i c k
wait_for 'Filter: ripick' 5 || fail "typed filter not shown"
wait_for ' ripick ' 5 || fail "filter did not keep ripick"
wait_gone riother 5 || fail "filter did not hide riother"
keys Space
wait_for '1 marked' 3 || fail "Space did not mark"
keys Enter
wait_for 'chosen: ' 5 || fail "no choice shown after Enter"
one_proc() { procs=$(table_rows "$SCREEN"); [ "$procs" -eq 1 ]; }
wait_until 5 one_proc || fail "expected only ripick, got $procs rows"
table_row 1 "$SCREEN" | grep -q ripick || fail "chosen row is not ripick"
for m in 'CPU%' MEM 'READ/s' 'WRITE/s'; do
	wait_for "^$m +.*now .* min .* max " 5 ||
		fail "detail panel lacks the $m line"
done
wait_for 'ripick .*last [0-9]+:[0-9]{2}, [0-9]+ samples' 5 ||
	fail "detail panel lacks its time span"
wait_for '^MEM .*(flat|[+-][0-9.]+ [KMGT]?i?B/min)' 5 ||
	fail "no memory growth rate next to the MEM sparkline"

keys Enter
wait_for '(├─|└─) one' 5 || fail "Enter did not show the threads of ripick"
for t in one two three; do
	wait_for "(├─|└─) $t" 3 || fail "thread $t missing"
done

keys a
wait_for 'riother' 5 || fail "a did not return to all processes"
wait_gone 'chosen:' 5 || fail "choice still shown after a"

# Esc from an empty filter returns to all as well.
keys p
wait_for 'Pick processes' 5 || fail "picker did not reopen"
keys r i o t h e r Space Enter
wait_for 'chosen: ' 5 || fail "second choice not applied"
keys Escape
wait_for 'ripick' 5 || fail "Esc did not return to all processes"

# -c NAME: preselected, and marked when the picker opens.

start_tool 160 40 -- -d 0.5 -c ripick
wait_for 'chosen: ripick' 10 || fail "-c ripick not applied at start"
wait_for ' ripick ' 5 || fail "-c ripick shows no process"
keys p
wait_for 'Pick processes' 5 || fail "picker did not open"
wait_for '(●|\*) +[0-9]+ .*ripick' 3 || fail "-c choice not marked in the picker"
keys Escape
pass "picker filters, marks and applies; a and Esc return to all"
