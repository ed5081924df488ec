#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A bad theme file given with -t PATH never stops the tool: an empty
# file, binary garbage (with and without NUL bytes), a 1 MiB line (a
# file over the 1 MiB limit) and a long line inside a small file, an
# unknown key, bad colour values, and files that cannot be read (a
# directory, a FIFO with no writer, a chmod 000 file for a root without
# its capabilities, a missing file). Each gives exactly one message on
# stderr naming the file, and the line where there is one, the same
# message on screen, and the tool starts with the default theme: the
# screen renders with the default colours, and q exits 0.
. "$(dirname "$0")/lib.sh"
need_basics

t=$scratch/themes
mkdir -p "$t"

# The escapes of the column-title row: what the theme colours there.
title_sgr() {
	cap_e | grep -E 'PID.*USER|PID.*COMM' | head -n 1 | grep -oE $'\e\\[[0-9;]*m' | sort -u | tr -d '\n\e'
}
# Whether the title row is drawn, the same in two captures: in $sgr.
title_drawn() {
	sgr=$(title_sgr)
	[ -n "$sgr" ] && [ "$sgr" = "$(title_sgr)" ]
}

quit_ok() { # WHAT
	keys q
	wait_for 'EXIT=0' 10 || fail "$1: q did not exit 0"
	no_san_report "$1"
}

# The default theme's look, for comparison.
start_wrapped 160 30 "" -- -d 0.5
wait_for 'PID USER' 15 || fail "tool did not start without a theme"
wait_until 5 title_drawn
default_sgr=$sgr
[ -n "$default_sgr" ] || fail "no colour on the title row with the default theme"
quit_ok "no theme"

# case NAME FILE REGEX [ARGS...]: the tool started with -t FILE says
# "resource_image: <REGEX>" once on stderr, shows it, looks default.
check() {
	local name=$1 file=$2 re=$3 err msg
	shift 3
	start_wrapped 160 30 "" -- -d 0.5 -t "$file" "$@"
	pid=$(wrapped_pid) || fail "$name: no PID written by the wrapper"
	wait_for 'PID USER' 15 || { no_san_report "$name"; fail "$name: the tool did not start (status $(cat "$(run_file status)" 2>/dev/null))"; }
	err=$(run_file err)
	grep -qE "^resource_image: $re" "$err" ||
		fail "$name: stderr lacks '$re': $(head -c 300 "$err")"
	[ "$(grep -c '' "$err")" = 1 ] || fail "$name: not one line on stderr: $(head -c 500 "$err")"
	msg=$(sed 's/^resource_image: //' "$err")
	# The footer holds the message for a few seconds, cut to the width.
	wait_until 5 has_text "${msg:0:100}" || fail "$name: message not on screen: $msg"
	default_look() { title_drawn && [ "$sgr" = "$default_sgr" ]; }
	wait_until 5 default_look || fail "$name: title row not in the default colours"
	quit_ok "$name"
	seen+=("$name")
}
seen=()
q() { printf '%s' "$1" | sed 's/[][\.*^$/]/\\&/g'; } # a path as a regex

: >"$t/empty.theme"
check empty "$t/empty.theme" "theme $(q "$t/empty.theme"): empty file; using the default$"

python3 -c '
import random, sys
r = random.Random(7)
sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(4096)))' >"$t/garbage.theme"
check garbage "$t/garbage.theme" "theme $(q "$t/garbage.theme"): line [0-9]+: .*; using the default$"

# Binary with no NUL and no newline: high bytes, escapes, C1 controls.
python3 -c '
import sys
sys.stdout.buffer.write(bytes([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x9b, 0xff, 0xfe, 0x80, 0x7f] * 40))' >"$t/escapes.theme"
check escapes "$t/escapes.theme" "theme $(q "$t/escapes.theme"): line 1: [^[:cntrl:]]*; using the default$"

python3 -c '
import sys
sys.stdout.write("header = \"#ff0000\"\n# ok\nsort = \"" + "1" * (1 << 20) + "\"\n")' >"$t/huge.theme"
check "1MiB line" "$t/huge.theme" "cannot read theme $(q "$t/huge.theme"): File too large; using the default$"

python3 -c '
import sys
sys.stdout.write("header = \"#ff0000\"\n\ntree = \"" + "2" * 70000 + "\"\n")' >"$t/long.theme"
check "long line" "$t/long.theme" "theme $(q "$t/long.theme"): line 3: line too long; using the default$"

printf 'header = "#ff0000"\nheadr = "#00ff00"\n' >"$t/unknown.theme"
check "unknown key" "$t/unknown.theme" "theme $(q "$t/unknown.theme"): line 2: unknown key \"headr\"; using the default$"

n=0
for v in '#zzzzzz' '#12345' '256' '-1' '300 0 0' '1 2' 'bright_nothing' 'rgb(1,2,3)' '#ff00001'; do
	n=$((n + 1))
	printf '# colours\nheader = "#ff0000"\ncpu_low = "%s"\n' "$v" >"$t/colour$n.theme"
	check "colour $v" "$t/colour$n.theme" "theme $(q "$t/colour$n.theme"): line 3: bad colour \".*\"; using the default$"
done

mkdir "$t/dir.theme"
check directory "$t/dir.theme" "cannot read theme $(q "$t/dir.theme"): Is a directory; using the default$"

mkfifo "$t/fifo.theme"
check fifo "$t/fifo.theme" "cannot read theme $(q "$t/fifo.theme"): not a regular file; using the default$"

check missing "$t/no-such.theme" "theme '$(q "$t/no-such.theme")' not found \(No such file or directory\); using the default$"

# Root reads any file; a root without capabilities does not.
if command -v setpriv >/dev/null &&
	setpriv --bounding-set=-all --inh-caps=-all true 2>/dev/null; then
	printf 'header = "#ff0000"\n' >"$t/locked.theme"
	chmod 000 "$t/locked.theme"
	RUNNER="setpriv --bounding-set=-all --inh-caps=-all --"
	check unreadable "$t/locked.theme" "cannot read theme $(q "$t/locked.theme"): Permission denied; using the default$" --source procfs
	RUNNER=
fi
pass "${#seen[@]} bad theme files reported once, default theme used: ${seen[*]}"
