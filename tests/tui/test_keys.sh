#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The other keys of the main view: d sets the delay and ] [ nudge it, Z
# pauses (the clock stops), \ filters rows and Esc clears, s cycles the
# sparkline metric, H shows every process's threads, I inverts the sort,
# > moves the sort column, Ctrl-L redraws.
. "$(dirname "$0")/lib.sh"
need_basics

burn_workload rikeys t1:20 t2:10
start_tool 160 40 -- -d 1
wait_for 'rikeys' 15 || fail "tool did not start"

keys d
wait_for 'Delay \(seconds\):' 3 || fail "d opened no prompt"
keys 0 . 5 Enter
wait_for 'every 0.5s' 3 || fail "delay not set to 0.5"
keys ']'
wait_for 'every 1s' 3 || fail "] did not slow down to 1 s"
keys '['
wait_for 'every 0.5s' 3 || fail "[ did not speed up to 0.5 s"

keys Z
wait_for 'PAUSED' 3 || fail "Z did not pause"
t1=$(head -n 1 <<<"$SCREEN" | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}')
# Not a wait for the screen: a stopped clock is watched for a while, in
# which a running one would have moved on twice.
sleep 2.2
settle || fail "paused, the screen never settled"
t2=$(head -n 1 <<<"$SCREEN" | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}')
[ "$t1" = "$t2" ] || fail "clock moved while paused ($t1 -> $t2)"
keys Z
wait_gone PAUSED 5 || fail "Z did not resume"

keys '\' r i k e y s Enter
wait_for 'filter: rikeys' 5 || fail "active filter not shown"
wait_gone 'Filter: ' 5 || fail "filter prompt did not close"
one_row() { n=$(table_rows "$SCREEN"); [ "$n" -eq 1 ]; }
wait_until 5 one_row || fail "filter rikeys left $n rows"
has 'filter: rikeys' || fail "active filter not shown"
keys Escape
wait_gone 'filter: rikeys' 5 || fail "Esc did not clear the filter"
rows_back() { n=$(table_rows "$SCREEN"); [ "$n" -gt 1 ]; }
wait_until 5 rows_back || fail "Esc did not clear the filter"

for m in MEM READ/s WRITE/s NET-RX/s NET-TX/s 'CPU%'; do
	keys s
	# The sparkline's title: its metric, "history" after it when wide.
	wait_for " $m( history)?\$" 3 || fail "s did not switch the sparkline to $m"
done

keys H
wait_for '(├─|└─) t1' 3 || fail "H did not show all threads"
keys H
wait_gone '(├─|└─) t1' 5 || fail "H did not hide the threads again"

keys N
wait_for 'sorted by pid$' 5 || fail "N did not sort by PID"
settle || fail "N: the screen never settled"
first=$(table_row 1 "$SCREEN" | awk '{ print $1 }')
keys I
wait_for 'sorted by pid \(inverted\)' 5 || fail "I did not invert"
settle || fail "I: the screen never settled"
last=$(table_row 1 "$SCREEN" | awk '{ print $1 }')
[ "$first" -lt "$last" ] || fail "I did not invert the PID sort ($first, $last)"
keys '>'
wait_for 'sorted by' 3 || fail "> gave no feedback"
keys C-l
# A refresh after the redraw: a screen cleared and not drawn again has
# no clock.
wait_clock 1 || fail "Ctrl-L lost the screen"
wait_for 'PID' 5 || fail "Ctrl-L lost the screen"
pass "d ] [ Z \\ Esc s H N I > Ctrl-L"
