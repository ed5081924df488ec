#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The mouse, through the escape sequences a terminal sends: the X10 form
# (TERM=tmux-256color, what ncurses asks of tmux) and SGR 1006
# (TERM=xterm-256color). A click on a row selects it (k's menu then names
# it); a click on a column title sorts by it and a second one inverts;
# the wheel moves the cursor; a click on F1Help in the function bar opens
# the help and a click closes it; in the picker a click marks. -M leaves
# the mouse alone: the terminal is never asked for mouse reports.
. "$(dirname "$0")/lib.sh"
need_basics

chmod 755 "$scratch"
a=rimsa$(($$ % 1000)) b=rimsb$(($$ % 1000))
cp "$(command -v sleep)" "$scratch/$a"
cp "$(command -v sleep)" "$scratch/$b"
"$scratch/$a" 120 & WL_PIDS+=($!); apid=$!
"$scratch/$b" 120 & WL_PIDS+=($!); bpid=$!
# Three more, for the wheel to move among rows that stay.
for x in c d e; do
	cp "$(command -v sleep)" "$scratch/rims$x$(($$ % 1000))"
	"$scratch/rims$x$(($$ % 1000))" 120 &
	WL_PIDS+=($!)
done

# esc REGEX WHAT: Escape, then until what it closes (REGEX) is gone:
# ncurses takes bytes that follow an Escape within its escape delay for
# one sequence (no hand is that fast), so the next key waits for it.
esc() { keys Escape; wait_gone "$1" 5 || fail "$form: Escape did not close $2"; }
# click X Y: a press and a release of button 1 at cell X, Y (from 0).
click() {
	if [ "$form" = sgr ]; then
		keys -l $'\e'"[<0;$(($1 + 1));$(($2 + 1))M"$'\e'"[<0;$(($1 + 1));$(($2 + 1))m"
	else
		keys -H 1b 5b 4d 20 "$(printf %02x $((33 + $1)))" "$(printf %02x $((33 + $2)))" \
			1b 5b 4d 23 "$(printf %02x $((33 + $1)))" "$(printf %02x $((33 + $2)))"
	fi
}
wheel_down() { # X Y
	if [ "$form" = sgr ]; then
		keys -l $'\e'"[<65;$(($1 + 1));$(($2 + 1))M"
	else
		keys -H 1b 5b 4d 61 "$(printf %02x $((33 + $1)))" "$(printf %02x $((33 + $2)))"
	fi
}
# line_of REGEX: the line (from 0) of $SCREEN that first matches. Read
# from the screen a wait saw it on: a capture of its own could catch a
# frame the tool is still drawing (a menu half gone), without it.
line_of() { grep -nE -- "$1" <<<"$SCREEN" | head -n 1 | cut -d: -f1 | awk '{ print $1 - 1 }'; }
# col_of LINE TEXT: the cell where TEXT starts on that line of $SCREEN.
col_of() { sed -n "$(($1 + 1))p" <<<"$SCREEN" | awk -v t="$2" '{ print index($0, t) - 1 }'; }

for form in x10 sgr; do
	term=tmux-256color
	[ $form = sgr ] && term=xterm-256color
	start_tool 150 40 TERM=$term XDG_CONFIG_HOME="$scratch/$form" -- -d 0.5
	wait_for 'PID USER' 15 || fail "$form: tool did not start"
	keys '\' r i m s Enter
	wait_for 'filter: rims' 5 || fail "$form: filter not applied"
	wait_for "$b" 5 || fail "$form: workloads not listed"
	# All five listed, so the rows clicked at stay where they are.
	five() { [ "$(table_rows "$SCREEN")" -ge 5 ]; }
	wait_until 5 five || fail "$form: not the five workloads listed"

	# A click on a row selects it. (The key after a click needs no pause:
	# the tool reads them in the order they were sent.) Sorted by PID, the
	# rows stay where they were seen: by CPU%, a tick that still counted
	# one's start-up could move it between the look and the click.
	keys N
	wait_for 'sorted by pid$' 5 || fail "$form: N did not sort by PID"
	wait_for " $b( |$)" 5 || fail "$form: $b not listed"
	y=$(line_of " $b( |$)")
	click 10 "$y"
	keys k
	wait_for "Send signal to $bpid $b" 5 || fail "$form: a click on $b did not select it"
	esc 'Send signal to' "the signal list"
	wait_for " $a( |$)" 5 || fail "$form: $a not listed"
	y=$(line_of " $a( |$)")
	click 10 "$y"
	keys k
	wait_for "Send signal to $apid $a" 5 || fail "$form: a click on $a did not select it"
	esc 'Send signal to' "the signal list"

	# A click on a title sorts; again inverts.
	wait_for '^ +PID' 5 || fail "$form: no column titles"
	t=$(line_of '^ +PID')
	click "$(col_of "$t" 'MEM%')" "$t"
	wait_for 'sorted by mem' 5 || fail "$form: a click on MEM% did not sort by it"
	click "$(col_of "$t" 'PID')" "$t"
	wait_for 'sorted by pid$' 5 || fail "$form: a click on PID did not sort by it"
	click "$(col_of "$t" 'PID')" "$t"
	wait_for 'sorted by pid \(inverted\)' 5 || fail "$form: a second click did not invert"

	# The wheel moves the cursor down, among our five processes. (g, not
	# Home: tmux sends Home as xterm does not, for TERM=xterm-256color.)
	keys N g
	wait_for 'sorted by pid' 5 || fail "$form: N did not sort by PID"
	settle || fail "$form: the screen never settled"
	first=$(table_row 1 "$SCREEN" | awk '{ print $1 }')
	fourth=$(table_row 4 "$SCREEN" | awk '{ print $1 }')
	wheel_down 10 "$(line_of '^ +PID')"
	keys k
	wait_for "Send signal to ($fourth|$first) " 5 || fail "$form: no menu after the wheel"
	has "Send signal to $fourth " || fail "$form: the wheel did not move 3 rows down"
	esc 'Send signal to' "the signal list"

	keys Escape
	wait_gone 'filter: rims' 5 || fail "$form: Esc did not clear the filter"

	# The function bar (once the last message has gone from the line):
	# F1Help opens the help; a click closes it.
	wait_for 'F1Help' 8 || fail "$form: no function bar"
	f=$(line_of 'F1Help')
	click "$(col_of "$f" 'F1Help')" "$f"
	wait_for 'resource_image help' 5 || fail "$form: a click on F1Help did not open the help"
	click 5 5
	wait_gone 'resource_image help' 5 || fail "$form: a click did not close the help"

	# The picker: a click marks.
	keys p
	wait_for 'Pick processes' 5 || fail "$form: p did not open the picker"
	keys r i m s a
	# Filtered, so that the line clicked at is still $a's.
	wait_for "Filter: rimsa" 5 && wait_gone " $b( |$)" 5 && wait_for " $a( |$)" 5 ||
		fail "$form: picker filter"
	click 20 "$(line_of " $a( |$)")"
	wait_for '1 marked' 5 || fail "$form: a click in the picker did not mark"
	esc 'Pick processes' "the picker"
	keys q
	wait_for 'EXIT=0' 10 || fail "$form: q did not exit 0"
done

# -M: the terminal is not asked for mouse reports (tmux knows what a pane
# asked for), so clicks stay the terminal's own.
start_tool 150 40 XDG_CONFIG_HOME="$scratch/no-mouse" -- -d 0.5 -M
wait_for 'PID USER' 15 || fail "-M: tool did not start"
flag=$("${TM[@]}" display -p -t "$PANE" '#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}')
[ "$flag" = 000 ] || fail "-M: the tool asked the terminal for mouse reports ($flag)"
keys q
wait_for 'EXIT=0' 10 || fail "-M: q did not exit 0"
start_tool 150 40 XDG_CONFIG_HOME="$scratch/no-mouse" -- -d 0.5
wait_for 'PID USER' 15 || fail "tool did not start"
flag=$("${TM[@]}" display -p -t "$PANE" '#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}')
[ "$flag" != 000 ] || fail "without -M the tool did not ask for mouse reports"
pass "X10 and SGR: click selects, title sorts and inverts, wheel, function bar, picker; -M"
