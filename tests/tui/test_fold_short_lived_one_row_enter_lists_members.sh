#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Short-lived processes without a flood: churn starts 200 children a
# second (like pgbench -C). The table shows them as one folded row,
# "NAME-c ×N exited", and never as rows of their own; at most one such row
# for that parent and name, screen after screen. Enter on it lists its
# members under it (dimmed, <exited>); f turns folding off and the
# children (filtered by their name) are listed one by one again, as
# before; f turns it back on.
. "$(dirname "$0")/lib.sh"
need_basics
[ -x "$RI_WORKLOADS/churn" ] || skip "no churn workload (make workloads)"

name=rif$(($$ % 10000))
child=$name-c
# A little ahead of the machine's other work, and up to four children at
# once (one at a time by default), so that a busy machine, on which each
# child waits a while for a CPU, does not hold it below its rate.
nice -n -5 "$RI_WORKLOADS/churn" --name "$name" --children 4000 --rate 200 --cpu-ms 1 \
	--parallel 4 --write-kib 0 --dir "$scratch" >/dev/null 2>&1 &
WL_PIDS+=($!)
start_tool 200 50 -- -d 1
wait_for "$child ×[0-9]+ exited" 20 || fail "no folded row for $child"

# Four screens, each a whole frame of its own refresh. Not the first
# one the fold is on: that tick's interval is the half second after the
# start (and churn's first children are still starting).
for i in 1 2 3 4; do
	wait_clock 1 || fail "screen $i: the tool did not refresh"
	settle || fail "screen $i: the screen never settled"
	scr=$SCREEN
	n=$(grep -cE "$child ×[0-9]+ exited" <<<"$scr")
	[ "$n" -eq 1 ] || fail "screen $i: $n folded rows for $child, want 1"
	alone=$(grep -cE "$child <exited>" <<<"$scr")
	[ "$alone" -eq 0 ] || fail "screen $i: $alone children on rows of their own"
	count=$(grep -oE "$child ×[0-9]+" <<<"$scr" | grep -oE '[0-9]+$')
	[ "$count" -ge 100 ] || fail "screen $i: the fold holds $count, want about 200"
done

# Enter on the folded row: its members under it.
keys / "$child" Enter
wait_gone 'Search: ' 5 || fail "search prompt did not close"
keys Enter
wait_for "(├─|└─) $child <exited>" 5 || fail "Enter did not list the fold's members"
members() { m=$(count "(├─|└─) $child <exited>"); [ "$m" -ge 10 ]; }
wait_until 5 members || fail "only $m members listed under the fold"
has "▾$child ×[0-9]+ exited" || fail "the opened fold is not marked open"
keys Enter
wait_gone "(├─|└─) $child <exited>" 5 || fail "Enter did not close the fold"

# f: every child on a row of its own, as before; f again folds. (A filter
# on the name, or the test's own short-lived greps fill the screen.)
keys '\' "$child" Enter
wait_for "filter: $child" 5 || fail "filter not applied"
keys f
wait_for 'every exited process on its own row' 5 || fail "f gave no feedback"
wait_for "$child <exited>" 5 || fail "folding off: no child on a row of its own"
wait_gone "$child ×[0-9]+ exited" 5 || fail "folding off: still a folded row"
unfolded() { n=$(count "$child <exited>"); [ "$n" -ge 10 ]; }
wait_until 5 unfolded || fail "folding off: only $n children listed"
keys f
wait_for "$child ×[0-9]+ exited" 5 || fail "f did not fold again"
pass "one fold of $child (×$count), $m members on Enter, $n rows unfolded"
