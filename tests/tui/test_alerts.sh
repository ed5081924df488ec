#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Alerts on the interactive screen: with 'comm=NAME: cpu > 10% for 1s'
# and a burner of that name, the header says one alert fires and names
# the newest; the burner's row is drawn in the theme's warning colour
# (the header's own ALERT colour); ! opens the alert log with the firing
# alert and its pending transition, Esc closes it; the help lists !; the
# WAIT% and GROWTH columns are there; when the burner ends, the header
# says none fires. q leaves with exit 0.
. "$(dirname "$0")/lib.sh"
need_basics

name=rialert$$
name=${name:0:15}
burn_workload "$name" t1:100
bpid=${WL_PIDS[-1]}
# Two idle ones beside it, so that the burner's row is not the selected one.
burn_workload idle1$$ t1:1
i1=${WL_PIDS[-1]}
burn_workload idle2$$ t1:1
# Far above the idle ones' 1%, and far below what the burner gets even
# on a loaded machine (under half a CPU beside two other CPU hogs).
rule="comm=$name: cpu > 10% for 1s"
start_tool 160 60 -- -d 0.5 -c "$name" -c idle1$$ -c idle2$$ --alert "'$rule'"
wait_for "ALERT 1 firing, newest: $bpid $name" 20 || fail "header does not say the alert fires"
wait_for '^ +PID .*WAIT%' 5 && wait_for '^ +PID .*RSS +GROWTH' 5 ||
	fail "no WAIT% and GROWTH columns"

# The escapes that start the table row of PID $1 (rows begin "   PID ").
lead() {
	grep -aE $'^(\e\\[[0-9;]*m)* +'"$1"'([^0-9]|$)' <<<"$screen" | head -n 1 |
		grep -oaE $'^(\e\\[[0-9;]*m)+'
}
# The busiest first, then the cursor two rows down: the burner's row and
# an idle one show their own colours, once the cursor has left the
# burner's row (no selection background there) on a whole frame.
keys Down Down
off_burner() {
	screen=$(cap_e)
	[ "$screen" = "$(cap_e)" ] && lead "$bpid" >/dev/null && ! lead "$bpid" | grep -q '48;5;'
}
wait_until 5 off_burner || fail "Down Down: the cursor did not leave the burner's row"
# The header's ALERT line is drawn in the warning colour: the same colour
# must start the burner's row (its PID cell), and not a row without one.
sgr=$(grep -a 'ALERT 1 firing' <<<"$screen" | grep -oaE $'\e\\[[0-9;]*m' | head -n 2 | tr -d '\n')
code=$(grep -oE '38;5;[0-9]+|3[0-7]m' <<<"$sgr" | tail -n 1)
code=${code%m}
[ -n "$code" ] || fail "no colour on the header's ALERT line"
grep -q -- "$code" <<<"$(lead "$bpid")" ||
	fail "the burner's row does not start in the warning colour ($code)"
# Of the idle two, the one not selected (no selection background). Its
# row may start with no escape at all: in the colour the line before
# ended in, the default one.
idle= found=
for p in "$i1" "${WL_PIDS[-1]}"; do
	grep -qaE $'^(\e\\[[0-9;]*m)* +'"$p"'([^0-9]|$)' <<<"$screen" || continue
	found=1
	idle=$(lead "$p")
	grep -q '48;5;' <<<"$idle" || break
done
[ -n "$found" ] || fail "no row for the idle processes"
grep -q -- "$code" <<<"$idle" && fail "an idle row is in the warning colour too"

keys '!'
wait_for 'Alert log: 1 firing' 5 || fail "! did not open the alert log"
wait_for "firing +$bpid $name .*$rule" 3 ||
	fail "the log does not list the firing alert"
wait_for "pending +$bpid $name" 3 || fail "the log does not list the pending transition"
wait_for "firing +$bpid .*\(pending since [0-9:]+\)" 3 ||
	fail "the firing transition does not say since when it was pending"
keys Escape
wait_gone 'Alert log' 5 || fail "Esc did not close the alert log"
wait_for '^ +PID ' 3 || fail "table not back after the log"

keys '?'
wait_for '^ Alerts' 5 || fail "help has no Alerts section"
wait_for '^ +! +alert log' 3 || fail "help does not list !"
keys Escape
wait_gone '^ Alerts' 5 || fail "help did not close"

kill "$bpid"
wait_for 'alerts: none firing \(1 rule\)' 10 || fail "the alert did not resolve after the burner ended"
keys '!'
wait_for "resolved +$bpid $name" 5 || fail "the log does not list the resolution"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0"
pass "header, warning-coloured row ($code), ! log, help, resolution"
