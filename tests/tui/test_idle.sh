#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The front end sleeps between ticks: over 6 s at -d 2 with no input it
# wakes a handful of times (poll on the keyboard and the timer, no busy
# loop) and uses well under 5% of one CPU.
. "$(dirname "$0")/lib.sh"
need_basics

start_tool 120 30 -- -d 2
wait_for 'PID USER' 15 || fail "tool did not start"
# Not a wait for the screen: the start-up's work (the first ticks) is
# not idleness, so the measure begins 2.5 s in.
sleep 2.5
pid=$(tool_pid)
[ -n "$pid" ] || fail "cannot find the tool's PID"

sample() { # prints "cpu_ticks voluntary_switches"
	local stat sw
	stat=$(awk '{ print $14 + $15 }' /proc/"$pid"/stat)
	sw=$(awk '/^voluntary_ctxt_switches/ { print $2 }' /proc/"$pid"/status)
	echo "$stat $sw"
}
read -r c0 s0 < <(sample)
# The measure itself: 6 s of wall time with no input.
sleep 6
read -r c1 s1 < <(sample)
hz=$(getconf CLK_TCK)
pct=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / 6 }')
wakeups=$((s1 - s0))
awk -v p="$pct" 'BEGIN { exit !(p < 5) }' || fail "front end used $pct% CPU while idle"
[ "$wakeups" -lt 40 ] || fail "$wakeups wake-ups in 6 s at -d 2: busy loop?"
pass "idle: $pct% CPU, $wakeups wake-ups in 6 s"
