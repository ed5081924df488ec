#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Started in a tiny terminal: at 1x1 the tool runs without crashing; at
# 20x5 it shows as much of "terminal too small (need 40x10)" as fits; at
# 39x10 and 40x9 the whole message; at exactly 40x10 the table. Grown to
# 120x40 afterwards, each shows the full screen. q exits 0 to a cooked
# tty and the tool's stderr holds no sanitizer report.
. "$(dirname "$0")/lib.sh"
need_basics

msg="terminal too small (need 40x10)"

# full WHAT: grown to 120x40, the full screen appears.
full() {
	resize 120 40
	wait_for '^ +PID +USER +COMM +THR' 5 || fail "$1: no column titles after growing to 120x40"
	wait_for '^resource_image [0-9:]+ +every' 5 || fail "$1: no header after growing"
	wait_for 'F1Help' 5 || fail "$1: no footer after growing"
	wait_gone 'terminal too small' 5 || fail "$1: 'too small' left after growing"
}

quit_clean() { # WHAT
	keys q
	wait_for 'EXIT=0' 10 || fail "$1: q did not exit 0"
	wait_for 'TTY=cooked' 5 || fail "$1: terminal not cooked after q"
	no_san_report "$1"
}

for size in 1x1 20x5 39x10 40x9 40x10; do
	c=${size%x*} r=${size#*x}
	start_wrapped "$c" "$r" "" -- -d 0.3
	pid=$(wrapped_pid) || fail "$size: no PID written by the wrapper"
	# Until the probe is loaded (up to 10 s), then a few refreshes.
	probed() { [ -e "$(run_file status)" ] || grep -qs '^prog_id:' /proc/"$pid"/fdinfo/*; }
	wait_until 10 probed
	# Not a wait for the screen: the refreshes at this size, which must
	# not crash the tool (a 1x1 screen shows none of them).
	sleep 1
	kill -0 "$pid" 2>/dev/null && [ ! -e "$(run_file status)" ] ||
		{ no_san_report "$size"; fail "$size: the tool died (status $(cat "$(run_file status)" 2>/dev/null))"; }
	[ "$(pane_size)" = "$size" ] || fail "$size: pane is $(pane_size)"
	case $size in
	1x1) ;; # nothing sensible fits; not crashing is the point
	20x5)
		wait_until 5 has_text "${msg:0:20}" ||
			fail "20x5: '${msg:0:20}' not shown"
		;;
	40x10)
		wait_for '^ +PID +(USER +)?COMM' 5 || fail "40x10: no table at the minimum size"
		settle || fail "40x10: the screen never settled"
		has 'terminal too small' && fail "40x10: 'too small' at the minimum size"
		;;
	*)
		wait_until 5 has_text "$msg" || fail "$size: '$msg' not shown"
		;;
	esac
	no_san_report "$size"
	full "$size"
	quit_clean "$size"
done
pass "1x1, 20x5, 39x10, 40x9: no crash, 'too small' as far as it fits; 40x10 table; full screen after growing"
