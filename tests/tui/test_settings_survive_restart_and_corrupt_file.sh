#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Settings are remembered. M (sort by memory), s (sparkline metric), t
# (tree), K (kernel threads), C (theme) and, in setup (F2), the sparkline
# style braille and the START column are written to
# $XDG_CONFIG_HOME/resource_image/config as they change (no temporary file
# left) and come back after a restart. What the command line gives (-s
# cpu) wins for its run and is not written. A file with a broken line
# and an unknown setting gets one message naming the file and the line,
# on the screen and on stderr after exit, and its good lines still apply.
# An unwritable place is said once; --no-config ignores the file.
. "$(dirname "$0")/lib.sh"
need_basics

cfg=$scratch/xdg/resource_image/config
start_tool 160 40 XDG_CONFIG_HOME="$scratch/xdg" -- -d 0.5
wait_for 'PID +USER' 15 || fail "tool did not start"
[ -e "$cfg" ] && fail "a settings file was written before anything changed"
keys M
wait_for 'sorted by mem' 5 || fail "M gave no feedback"
wait_until 3 grep -qx 'sort = mem' "$cfg" || fail "M was not written at once: $(cat "$cfg" 2>&1)"
keys s t K C
wait_for 'tree \(t: list\)' 5 || fail "t did not switch to the tree"
wait_for 'theme: [a-z-]+' 5 || fail "C gave no feedback"
theme=$(grep -oE 'theme: [a-z-]+' <<<"$SCREEN" | tail -n 1 | cut -d' ' -f2)
keys F2
wait_for 'Setup' 5 || fail "F2 did not open setup"
keys 3
wait_for 'Sparkline style' 5 || fail "setup has no Display section"
keys Down Right
wait_for 'Sparkline style +< braille >' 5 || fail "Right did not choose braille"
keys 1
# START is the list's last column, below the first screenful.
keys End
wait_for '\[ \] START' 5 || fail "setup lists no START column"
keys Space
wait_for '\[x\] START' 5 || fail "Space did not show START"
keys Escape
wait_for 'START' 5 || fail "the START column is not shown"
wants=('sort = mem' 'spark_metric = mem' 'view = tree' 'kernel_threads = hide'
	"theme = \"$theme\"" 'spark_style = braille')
written() {
	local w
	for w in "${wants[@]}"; do grep -qxF "$w" "$cfg" || return 1; done
	grep -qE '^columns = .*START$' "$cfg"
}
wait_until 5 written
for want in "${wants[@]}"; do
	grep -qxF "$want" "$cfg" || fail "the file lacks '$want': $(cat "$cfg")"
done
grep -qE '^columns = .*START$' "$cfg" || fail "the file's columns lack START"
ls "$(dirname "$cfg")" | grep -q tmp && fail "a temporary file was left: $(ls "$(dirname "$cfg")")"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0"

# Back after a restart.
start_tool 160 40 XDG_CONFIG_HOME="$scratch/xdg" -- -d 0.5
wait_for 'PID +USER' 15 || fail "tool did not start again"
wait_for 'MEM%▼' 5 || fail "the restart is not sorted by memory"
wait_for 'tree \(t: list\)' 5 || fail "the restart is not in the tree"
wait_for 'kernel threads hidden' 5 || fail "the restart shows kernel threads"
# The sparkline's title is its metric ("MEM history" when wide enough).
wait_for ' MEM( history)? +START *$' 5 || fail "the restart's sparklines are not of memory"
wait_for ' START( |$)' 5 || fail "the restart has no START column"
braille() {
	python3 -c 'import sys; sys.exit(not any(0x2800 <= ord(c) <= 0x28ff for c in sys.stdin.read()))' \
		<<<"$SCREEN"
}
wait_until 5 braille || fail "the restart's sparklines are not braille"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0"

# The command line wins for its run, and is not written.
start_tool 160 40 XDG_CONFIG_HOME="$scratch/xdg" -- -d 0.5 -s cpu
wait_for 'CPU%▼' 15 || fail "-s cpu did not win over the file's sort"
keys s
wait_until 5 grep -qx 'spark_metric = read' "$cfg"
grep -qx 'sort = mem' "$cfg" || fail "-s cpu was written over the file's sort"
grep -qx 'spark_metric = read' "$cfg" || fail "s was not written beside -s"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0"

# A broken file: one message naming the file and line; the rest applies.
printf 'sort = pid\nthis is not a setting\ncolumns = PID,COMM,CPU%%\nfrobnicate = 3\n' >"$cfg"
start_tool 160 40 XDG_CONFIG_HOME="$scratch/xdg" -- -d 0.5
wait_for "config: line 2: not 'key = value'" 10 ||
	fail "no message naming the file and line 2"
wait_for 'and 1 more bad line' 5 || fail "the message does not count the other bad line"
wait_for '^ +PID▲ +COMM +CPU% *$' 5 ||
	fail "the good lines did not apply: $(grep -E '^ +PID' <<<"$SCREEN")"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0"
wait_for "resource_image/config: line 2: not 'key = value'" 3 ||
	fail "line 2 not said on stderr"
wait_for "resource_image/config: line 4: unknown setting 'frobnicate'" 3 ||
	fail "line 4 not said on stderr"

# --no-config: the file neither read nor written.
start_tool 160 40 XDG_CONFIG_HOME="$scratch/xdg" -- -d 0.5 --no-config
wait_for 'CPU%▼' 15 || fail "--no-config read the file's sort"
keys M
# A write would come before the screen says it sorted.
wait_for 'sorted by mem' 5 || fail "--no-config: M gave no feedback"
grep -qx 'sort = pid' "$cfg" || fail "--no-config wrote the file"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit 0"

# Nowhere to write: said once, the tool runs on.
: >"$scratch/file"
start_tool 160 40 XDG_CONFIG_HOME="$scratch/file" -- -d 0.5
wait_for 'PID +USER' 15 || fail "tool did not start with an unwritable place"
keys M
wait_for 'settings are not saved' 5 || fail "a failed write was not said"
keys N
# Said again, it would stand in the footer in place of N's own word.
said_once() { has 'sorted by pid' && ! has 'settings are not saved'; }
wait_until 5 said_once || fail "a failed write was said twice"
pass "written as they change, back after a restart, -s wins, broken lines said, --no-config, unwritable said once"
