#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Process and thread names holding control characters, terminal escapes
# (an OSC title change and BEL among them), invalid UTF-8, a wide emoji,
# quotes, backslashes and an empty name (the weird workload) never break
# the table: in every row each column starts and ends at the same screen
# cell as its title, the cells between columns stay blank, every screen
# line is a whole row, no line is wider than the screen, the pane's title
# is not changed and no bell rings. Checked with the process chosen
# (-p, threads shown, detail panel), in the whole-machine table
# filtered to it, at 60 columns, and in an ASCII locale.
. "$(dirname "$0")/lib.sh"
need_basics
[ -x "$RI_WORKLOADS/weird" ] || skip "no weird workload at $RI_WORKLOADS (make workloads)"

# The process's own name: findable by the filter (a PID is matched as a
# prefix, and would match other tasks too), then a quote, a backslash,
# an OSC title change ended by BEL, and a byte that is not UTF-8.
tag=rh$((RANDOM % 1000))
"$RI_WORKLOADS/weird" --seconds 120 --name "$tag\"\\"$'\e]0;x\a\xff' >/dev/null 2>&1 &
WL_PIDS+=($!)
wpid=$!
nthreads=13 # the main thread and twelve hostile names

# aligned WIDTH MINROWS: checks the table on the screen (stdin).
aligned() {
	python3 -c '
import ctypes, re, sys
libc = ctypes.CDLL(None)
libc.setlocale(6, b"C.UTF-8")
width, minrows = int(sys.argv[1]), int(sys.argv[2])
def cells(s):
    out = []
    for ch in s:
        w = libc.wcwidth(ctypes.c_wchar(ch))
        out.append(ch)
        if w == 2:
            out.append("")
        elif w != 1:
            sys.exit("a character of width %d on screen: %r" % (w, ch))
    return out
widths = {"PID": 7, "THR": 4, "CPU": 3, "CPU%": 6, "MEM%": 5, "RSS": 6,
          "TIME+": 9, "READ/s": 7, "WRITE/s": 7, "DISK-R/s": 8,
          "DISK-W/s": 8, "CSW/s": 6}
lines = sys.stdin.read().split("\n")
ti = next((i for i, l in enumerate(lines) if re.match(r"^ +PID\S* +", l)), None)
if ti is None:
    sys.exit("no column titles")
title = cells(lines[ti])
# Right-aligned columns: title word -> (first cell, last cell).
cols, i = [], 0
while i < len(title):
    if title[i] in (" ", ""):
        i += 1
        continue
    j = i
    while j < len(title) and title[j] != " ":
        j += 1
    word = "".join(title[i:j]).rstrip("▲▼^v")
    # The first of each: the sparkline title repeats its metric, CPU%.
    if word in widths and word not in [c[0] for c in cols]:
        cols.append((word, j - widths[word], j - 1))
    i = j
if len(cols) < 4:
    sys.exit("too few columns in the title: %r" % lines[ti])
rows = []
for l in lines[ti + 1:]:
    if not l.strip():
        break
    rows.append(l)
if len(rows) < minrows:
    sys.exit("only %d rows under the titles (want %d)" % (len(rows), minrows))
for l in lines:
    if len(cells(l)) > width:
        sys.exit("line wider than %d cells: %r" % (width, l))
for r in rows:
    c = cells(r) + [" "] * width
    if not re.match(r"^ *[0-9]+ ", r):
        sys.exit("a line under the titles is not a row: %r" % r)
    for word, a, b in cols:
        if c[a - 1] != " " or c[b + 1] != " ":
            sys.exit("column %s not blank-separated (cells %d, %d) in %r" % (word, a - 1, b + 1, r))
        v = "".join(c[a:b + 1]).lstrip(" ")
        if not re.fullmatch(r"[0-9.:]*[0-9KMGTk]?|n/a", v):
            sys.exit("column %s holds %r in %r" % (word, v, r))
print(len(rows))
' "$@"
}

# look WHAT WIDTH MINROWS: the table (once it has MINROWS rows, on a
# whole frame), the pane title and the bell.
enough_rows() { [ "$(table_rows "$SCREEN")" -ge "$1" ]; }
look() {
	local what=$1 out
	wait_until 5 enough_rows "$3"
	settle || fail "$what: the screen never settled"
	out=$(aligned "$2" "$3" <<<"$SCREEN") || fail "$what: $out"
	[ "$("${TM[@]}" display -p -t "$PANE" '#{pane_title}')" != x ] ||
		fail "$what: a name's escape set the pane title"
	[ "$("${TM[@]}" display -p -t "$PANE" '#{window_bell_flag}')" = 0 ] ||
		fail "$what: a name's BEL rang the bell"
	cap_e | grep -qF $'\e]0;' && fail "$what: an escape from a name on screen"
	seen+=("$what:${out}rows")
}
seen=()

# 1. Chosen with -p, threads shown: table plus detail panel.
start_wrapped 160 50 "" -- -d 0.5 -p "$wpid" -H
wait_for "^ +$wpid " 15 || fail "-p: the weird process not shown"
wait_for '└─ ' 5 || fail "-p: threads not shown"
look "-p -H" 160 $((nthreads + 1))
wait_for "^▶ $wpid .*\(root\)" 3 || fail "-p: detail panel title broken"
keys q
wait_for 'EXIT=0' 10 || fail "-p: q did not exit 0"
no_san_report "-p -H"

# 2. The whole-machine table filtered by name, expanded; then 60 columns.
start_wrapped 160 50 "" -- -d 0.5
wait_for 'PID USER' 15 || fail "tool did not start"
keys '\' "$tag" Enter
wait_for "^ +$wpid " 5 || fail "filter: the weird process not shown"
keys Enter
wait_for '└─ ' 5 || fail "filter: Enter did not expand the threads"
look "filtered" 160 $((nthreads + 1))
# Cropped by tmux, the old titles still read "PID USER COMM": these are
# the tool's own at 60 columns.
resize 60 30
wait_for '^ +PID +COMM' 5 || fail "60 columns: no titles"
look "60 cols" 60 $((nthreads + 1))
keys q
wait_for 'EXIT=0' 10 || fail "filter: q did not exit 0"
no_san_report "filtered"

# 3. An ASCII locale: every byte outside ASCII is shown as one cell.
start_wrapped 160 50 "export LC_ALL=C" -- -d 0.5 -p "$wpid" -H
wait_for '`- ' 15 || fail "C locale: threads not shown"
wait_until 5 enough_rows $((nthreads + 1))
settle || fail "C locale: the screen never settled"
LC_ALL=C grep -q $'[\x80-\xff]' <<<"$SCREEN" && fail "C locale: non-ASCII bytes on screen"
look "C locale" 160 $((nthreads + 1))
keys q
wait_for 'EXIT=0' 10 || fail "C locale: q did not exit 0"
no_san_report "C locale"
pass "hostile names, columns in place: ${seen[*]}"
