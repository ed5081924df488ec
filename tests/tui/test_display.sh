#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What the screen looks like: ? shows the help, C changes the colours,
# NO_COLOR and -C give a monochrome screen that still marks the selection
# and the sort column, and a broken theme file is reported by file and
# line while the tool starts with the default theme.
. "$(dirname "$0")/lib.sh"
need_basics

burn_workload ridisp a:20
start_tool 140 40 -- -d 0.5
wait_for 'ridisp' 15 || fail "tool did not start"

keys '?'
wait_for 'help' 5 || fail "? did not open the help"
for k in 'move up' 'expand / collapse' 'picker' 'sort by CPU%' 'sort by MEM%'; do
	wait_until 3 has_text "$k" || fail "help lacks '$k'"
done
keys NPage
wait_for 'In the picker' 5 || fail "help did not scroll"
for k in 'quit' 'In the picker' 'refresh slower / faster'; do
	wait_until 3 has_text "$k" || fail "help (scrolled) lacks '$k'"
done
keys x
wait_for 'PID USER' 5 || fail "a key did not close the help"

# The escapes of the header's first lines, on a frame the same in two
# captures.
header_sgr() { cap_e | head -n 4 | grep -oE '\[[0-9;]*m' | sort -u | tr -d '\n'; }
header_drawn() { sgr=$(header_sgr); [ -n "$sgr" ] && [ "$sgr" = "$(header_sgr)" ]; }
wait_until 5 header_drawn
before=$sgr
keys C
wait_for 'theme: ' 5 || fail "C gave no feedback"
recoloured() { header_drawn && [ "$sgr" != "$before" ]; }
wait_until 5 recoloured || fail "C did not change the colours"
coloured() { cap_e | grep -qE '\[[0-9;]*(38;5;|3[0-7]|9[0-7])[0-9;]*m'; }
wait_until 3 coloured || fail "no colour in colour mode"

for mode in NO_COLOR -C; do

	if [ $mode = NO_COLOR ]; then
		start_tool 140 30 NO_COLOR=1 -- -d 0.5
	else
		start_tool 140 30 -- -d 0.5 -C
	fi
	wait_for 'PID USER' 10 || fail "$mode: tool did not start"
	# Refreshes with figures (what colour mode would colour), then a
	# frame the same in two captures.
	wait_clock 2 || fail "$mode: the tool did not refresh"
	whole() { screen=$(cap_e); [ "$screen" = "$(cap_e)" ]; }
	wait_until 5 whole || fail "$mode: the screen never settled"
	grep -qE $'\e\\[[0-9;]*(38;5;|38;2;|48;5;|3[0-7]m|4[0-7]m)' <<<"$screen" &&
		fail "$mode: colour escapes on a monochrome screen"
	grep -q $'\e\\[[0-9;]*7m' <<<"$screen" || fail "$mode: no reverse video for selection/title"
	grep -qE $'\e\\[[0-9;]*1;4m|\e\\[[0-9;]*4;1m|\e\\[1m\e\\[4m' <<<"$screen" ||
		fail "$mode: sort column not marked by bold underline"
done

# A theme by name from $XDG_CONFIG_HOME/resource_image/themes.
mkdir -p "$scratch/xdg/resource_image/themes"
printf '# mine\nheader = "#ff0000"\n' >"$scratch/xdg/resource_image/themes/mine.theme"
start_tool 140 30 XDG_CONFIG_HOME="$scratch/xdg" -- -d 0.5 -t mine
wait_for 'PID USER' 10 || fail "tool did not start with -t mine"
red_header() { cap_e | head -n 2 | grep -qE '(38;5;(196|9)|\[91)m'; }
wait_until 5 red_header || fail "theme 'mine' (header #ff0000) not applied"
has "not found" && fail "theme 'mine' not found in XDG_CONFIG_HOME"

# A broken theme file: one clear message naming the file and line.

printf 'header = "#ffffff"\ncpu_low = "#zzzzzz"\n' >"$scratch/broken.theme"
start_tool 160 30 -- -d 0.5 -t "$scratch/broken.theme"
wait_for 'PID USER' 10 || fail "tool did not start with a broken theme"
wait_for "broken.theme: line 2: bad colour" 5 || fail "theme error does not name file and line"
keys q
wait_for 'EXIT=0' 10 || fail "q did not exit"
# Said on stderr before the shell's EXIT= line: on the screen with it.
has "broken.theme: line 2" || fail "theme error not left on the terminal"
pass "help, theme cycling, monochrome modes, broken theme"
