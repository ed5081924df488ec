#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The wheel goes to what is on top: turned over the alert log (and over
# the help), it leaves the table hidden under it where it was, so the
# cursor is on the same process once the log is closed. Then, over the
# table itself, the same wheel moves the cursor: the turns did reach the
# tool. Mouse reports as X10 sequences (TERM=tmux-256color).
. "$(dirname "$0")/lib.sh"
need_basics

# Five idle processes of our own, under names the filter keeps alone.
chmod 755 "$scratch"
tag=riwh$(($$ % 1000))
pids=()
for x in a b c d e; do
	cp "$(command -v sleep)" "$scratch/$tag$x"
	"$scratch/$tag$x" 120 &
	WL_PIDS+=($!)
	pids+=($!)
done
first=$(printf '%s\n' "${pids[@]}" | sort -n | head -n 1)

# wheel_down X Y: one turn down at cell X, Y (from 0).
wheel_down() {
	keys -H 1b 5b 4d 61 "$(printf %02x $((33 + $1)))" "$(printf %02x $((33 + $2)))"
}
# selected WHEN: sets s to the PID k's menu is for (the menu closed again).
selected() {
	keys k
	wait_for 'Send signal to [0-9]+ ' 5 || fail "$1: k opened no menu"
	s=$(cap | sed -nE 's/.*Send signal to ([0-9]+) .*/\1/p' | head -n 1)
	keys q
	wait_gone 'Send signal to' 5 || fail "$1: q did not close the menu"
}

start_tool 150 40 -- -d 0.5
wait_for 'PID USER' 15 || fail "tool did not start"
keys '\' "$tag" Enter
wait_for "filter: $tag" 5 || fail "filter not applied"
keys N
wait_for 'sorted by pid$' 5 || fail "N did not sort by PID"
keys g
for p in "${pids[@]}"; do
	wait_for " $p " 5 || fail "process $p not listed"
done
selected "before"
[ "$s" = "$first" ] || fail "before: cursor on $s, not on the first row ($first)"

# The alert log, three turns of the wheel over it, closed.
keys '!'
wait_for 'Alert log:' 5 || fail "! did not open the alert log"
wheel_down 10 10
wheel_down 10 10
wheel_down 10 20
keys '!'
wait_gone 'Alert log:' 5 || fail "! did not close the alert log"
wait_for '^ +PID' 5 || fail "the table is not back after the alert log"
selected "after the alert log"
[ "$s" = "$first" ] || fail "wheel over the alert log moved the table: cursor on $s, not $first"

# The help too: the wheel scrolls it, a key closes it.
keys '?'
wait_for 'resource_image help' 5 || fail "? did not open the help"
wheel_down 10 10
wheel_down 10 10
keys x
wait_gone 'resource_image help' 5 || fail "a key did not close the help"
wait_for '^ +PID' 5 || fail "the table is not back after the help"
selected "after the help"
[ "$s" = "$first" ] || fail "wheel over the help moved the table: cursor on $s, not $first"

# The control: the same turn over the table moves its cursor 3 rows.
wheel_down 10 10
selected "over the table"
[ "$s" != "$first" ] || fail "wheel over the table did not move the cursor (no turn reached the tool?)"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0"
pass "wheel over the alert log and the help leaves the table; over the table it moves"
