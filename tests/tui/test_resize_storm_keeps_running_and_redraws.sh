#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A resize storm (SIGWINCH after SIGWINCH: hundreds of window sizes in a
# few seconds, down to 1x1 and 20x5 and back) while the tool refreshes
# five times a second, over the table, the help, the picker, expanded
# threads and the detail panels of a chosen process: the tool keeps
# running with no sanitizer report, and once the storm is over the
# screen is whole again at 120x40 (header, column titles, rows, footer,
# no leftover "too small" message). q still exits 0 to a cooked tty.
. "$(dirname "$0")/lib.sh"
need_basics

# Sizes around every threshold the drawing code has: 1x1, the 40x10
# minimum and one cell either side, narrow screens where columns drop,
# one row, one column, and large.
sizes=(1x1 20x5 120x40 40x10 39x10 40x9 41x11 2x2 60x15 1x40 200x1 80x24
	45x12 30x8 200x60 50x11 100x13 120x40 3x100 1x1 20x5 70x14)

# storm N: N resizes through the list, as fast as tmux takes them.
storm() {
	local n=$1 i s
	for ((i = 0; i < n; i++)); do
		s=${sizes[i % ${#sizes[@]}]}
		resize "${s%x*}" "${s#*x}"
	done
}

alive() { # WHAT
	kill -0 "$pid" 2>/dev/null && [ ! -e "$(run_file status)" ] ||
		{ no_san_report "$1"; fail "$1: the tool died (exit status $(cat "$(run_file status)" 2>/dev/null))"; }
	no_san_report "$1"
}

# whole WHAT: after the storm, at 120x40, the full screen is back.
whole() {
	local what=$1 scr
	resize 120 40
	wait_for '^ +PID +USER +COMM +THR' 5 || fail "$what: no column titles after the storm"
	wait_for '^resource_image [0-9:]+ +every' 5 || fail "$what: no header after the storm"
	wait_for '^CPU +[0-9.]+% busy' 5 || fail "$what: header's CPU line missing"
	wait_for 'CSW/s' 5 || fail "$what: a column title missing at 120 columns"
	wait_for 'F1Help' 5 || fail "$what: footer missing"
	wait_gone 'terminal too small' 5 || fail "$what: 'too small' left on a 120x40 screen"
	settle || fail "$what: the screen never settled"
	scr=$SCREEN
	[ "$(wc -L <<<"$scr")" -le 120 ] || fail "$what: a line wider than the screen"
	[ "$(pane_size)" = 120x40 ] || fail "$what: pane is $(pane_size), not 120x40"
}

burn_workload ristorm a:30 b:10
bp=${WL_PIDS[-1]}

# 1. The whole-machine table.
start_wrapped 120 40 "" -- -d 0.2
pid=$(wrapped_pid) || fail "no PID written by the wrapper"
wait_for 'PID USER' 15 || fail "tool did not start"
t0=$(date +%s.%N)
storm 200
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
alive "table storm"
whole "table storm"
# Row 5: a process's, or a fold of short-lived ones (no PID; a busy
# machine's compilers and shells bring those to the top).
[ "$(table_row 5 "$SCREEN" | grep -cE '^ +[0-9]+ |^ +[^ ]+ +▸')" = 1 ] ||
	fail "table storm: fewer than 5 rows"

# 2. The help screen, then the picker, each through a storm.
keys '?'
wait_for 'move up' 5 || fail "? did not open the help"
storm 100
alive "help storm"
resize 120 40
wait_for 'move up' 5 || fail "help storm: help not redrawn at 120x40"
keys x
whole "help storm"

keys p
wait_for 'Space' 5 || fail "p did not open the picker"
storm 100
alive "picker storm"
resize 120 40
wait_for 'Space' 5 || fail "picker storm: picker not redrawn at 120x40"
keys Escape
whole "picker storm"

keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0 after the storms"
wait_for 'TTY=cooked' 5 || fail "terminal not cooked after q"
no_san_report "after q"

# 3. A chosen process with its threads expanded: the detail panels and
# the shrunken table are laid out at every size too.
start_wrapped 120 40 "" -- -d 0.2 -p "$bp"
pid=$(wrapped_pid) || fail "no PID written by the wrapper"
wait_for "▶ $bp ristorm" 15 || fail "-p: detail panel not shown"
keys Enter
wait_for '└─ ' 5 || fail "-p: threads did not expand"
storm 200
alive "detail storm"
whole "detail storm"
wait_for "▶ $bp ristorm" 5 || fail "detail storm: detail panel not redrawn"
wait_for '├─ a' 5 || fail "detail storm: thread rows not redrawn"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0 after the detail storm"
wait_for 'TTY=cooked' 5 || fail "terminal not cooked after the detail storm"
no_san_report "detail storm, after q"
pass "600 resizes (200 in ${secs}s, 1x1..200x60) over table, help, picker, details: alive, redrawn whole"
