#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Terminal sizes and locales: 60x15 and 200x50 still render a table,
# columns drop in order on narrow screens, below 40x10 a clear message;
# an ASCII locale (and -U) draws ASCII sparklines; an unknown TERM gives
# one clear error and exit 1.
. "$(dirname "$0")/lib.sh"
need_basics

burn_workload riterm a:60
start_tool 120 30 -- -d 0.5
wait_for 'riterm' 15 || fail "tool did not start"
wait_for '[▁▂▃▄▅▆▇█]' 10 || fail "no block sparklines in a UTF-8 locale"

# Cropped by tmux, the old titles still read "PID USER COMM": these are
# the tool's own at 60 columns.
"${TM[@]}" resize-window -t ri -x 60 -y 15
wait_for '^ +PID +COMM .*CPU%' 5 || fail "60x15: no table header"
wait_for 'riterm' 5 || fail "60x15: workload row missing"
settle || fail "60x15: the screen never settled"
[ "$(wc -L <<<"$SCREEN")" -le 60 ] ||
	fail "60x15: lines wider than the screen"
has 'USER' && fail "60x15: USER should have dropped out"

"${TM[@]}" resize-window -t ri -x 200 -y 50
for c in PID USER COMM THR CPU% MEM% RSS READ/s WRITE/s DISK-R/s DISK-W/s CSW/s history; do
	wait_until 5 has_text "$c" || fail "200x50: column $c missing"
done
full() { [ "$(count '^ +[0-9]+ ')" -ge 20 ]; }
wait_until 5 full || fail "200x50: table does not fill the screen"

"${TM[@]}" resize-window -t ri -x 30 -y 8
wait_for 'terminal too small' 3 || fail "30x8: no 'too small' message"
"${TM[@]}" resize-window -t ri -x 100 -y 30
wait_for '^ +PID +USER' 3 || fail "screen did not come back after growing"

for how in locale -U; do

	if [ $how = locale ]; then
		start_tool 120 30 LANG=C LC_ALL=C -- -d 0.5
	else
		start_tool 120 30 -- -d 0.5 -U
	fi
	wait_for 'riterm' 15 || fail "$how: tool did not start"
	ascii_spark() { grep -E 'riterm' <<<"$SCREEN" | grep -qE '[.:=+*#@-]{2,} *$'; }
	wait_until 10 ascii_spark || fail "$how: no ASCII sparkline on the workload row"
	settle || fail "$how: the screen never settled"
	has '[▁▂▃▄▅▆▇█├└]' && fail "$how: Unicode glyphs in ASCII mode"
done


start_tool 100 20 TERM=no-such-terminal -- -d 0.5
wait_for 'EXIT=' 10 || fail "unknown TERM: tool did not exit"
has 'EXIT=1' || fail "unknown TERM: exit code is not 1"
wait_for "unknown terminal type 'no-such-terminal'" 3 || fail "unknown TERM: no clear message"
# Hostile names (escapes, bad UTF-8, wide emoji, empty) cannot break rows.
if [ -x "$RI_WORKLOADS/weird" ]; then
	"$RI_WORKLOADS/weird" --seconds 60 >/dev/null 2>&1 &
	WL_PIDS+=($!)
	wpid=$!
	# Chosen, so a busy machine's other rows cannot push its threads off
	# the screen.
	start_tool 120 40 -- -d 0.5 -p "$wpid"
	wait_for 'PID USER' 10 || fail "weird: tool did not start"
	wait_for "^ +$wpid " 10 || fail "weird: the hostile process not listed"
	keys / "$wpid" Enter
	wait_gone 'Search: ' 5 || fail "weird: search prompt did not close"
	keys Enter
	wait_for '└─ ' 5 || fail "weird: threads of the hostile process not shown"
	laid_out() { n=$(count '^ +[0-9]+ +root +(├─|└─) '); [ "$n" -ge 10 ]; }
	wait_until 5 laid_out || fail "weird: only $n thread rows laid out as rows"
	settle || fail "weird: the screen never settled"
	[ "$(wc -L <<<"$SCREEN")" -le 120 ] || fail "weird: a line is wider than the screen"
	cap_e | grep -q $'\e\[31mred' && fail "weird: an escape in a name reached the terminal"
fi
pass "sizes 60x15, 200x50, too small, ASCII sparklines, unknown TERM, hostile names"
