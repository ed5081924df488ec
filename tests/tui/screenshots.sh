#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `make screenshots`: runs the real tool on demo workloads in tmux and
# renders what the terminal shows to PNG files in screenshots/:
#
#   overview.png     all processes, busiest first, sparkline column
#   picker.png       p with a filter typed and a process marked
#   chosen.png       two chosen processes with their detail panels
#   threads.png      a process expanded to its named threads
#   theme-light.png, theme-nord.png   two more themes
#   alerts.png       alert rules firing: the header's alert line, rows in
#                    the warning colour
#   alert-log.png    ! : the alert log
#
# The renderer is tests/tui/ansi2png.py (python3-pil, fonts-dejavu-core).
# Needs root (the BPF probe) and the workloads built by `make workloads`.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${RI_BIN:=$root/build/resource_image}"
: "${RI_WORKLOADS:=$root/build/tests/workloads}"
out=$root/screenshots
render=$root/tests/tui/ansi2png.py
COLS=150
ROWS=38
SOCK=ri-shots-$$
TM=(tmux -L "$SOCK")
pids=()
tmp=$(mktemp -d)

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	"${TM[@]}" kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

die() { echo "screenshots: $*" >&2; exit 1; }
[ -x "$RI_BIN" ] || die "no binary at $RI_BIN (run make)"
[ -x "$RI_WORKLOADS/burn" ] || die "no workloads in $RI_WORKLOADS (run make workloads)"
/usr/bin/python3 -c 'import PIL' 2>/dev/null ||
	die "python3-pil is missing (apt-get install python3-pil fonts-dejavu-core)"
mkdir -p "$out"

# wl NAME PROGRAM ARGS...: the picker shows NAME as the command, not
# the build directory's path.
wl() {
	local name=$1
	shift
	(exec -a "$name" "$@" >/dev/null 2>&1) &
	pids+=($!)
}

# Demo: a web server with busy workers, a leaking cache, a backup writer.
W=$RI_WORKLOADS
wl webserver "$W/burn" --name webserver --seconds 600 --thread worker-1:55 \
	--thread worker-2:35 --thread worker-3:20 --thread acceptor:5
wl cache-leak "$W/grow" --rate 3000000 --seconds 600 --name cache-leak
wl backup "$W/writer" --rate 4000000 --seconds 600 --dir "$tmp" --name backup
wl indexer "$W/burn" --name indexer --seconds 600 --thread idx:15

start() { # theme [more arguments, quoted for the shell]
	local theme=$1
	shift
	"${TM[@]}" kill-server 2>/dev/null
	SOCK=ri-shots-$$-$theme
	TM=(tmux -L "$SOCK")
	"${TM[@]}" -f /dev/null new-session -d -s ri -x $COLS -y $ROWS \
		"env TERM=tmux-256color LANG=C.UTF-8 $RI_BIN -d 0.5 -t $theme $*; cat >/dev/null"
	"${TM[@]}" set -g status off >/dev/null
}
keys() { "${TM[@]}" send-keys -t ri "$@"; }
shot() { # name title
	"${TM[@]}" capture-pane -p -e -N -t ri >"$tmp/$1.txt"
	/usr/bin/python3 "$render" "$tmp/$1.txt" "$out/$1.png" \
		--cols $COLS --rows $ROWS --title "$2" || die "render $1 failed"
	echo "  SHOT     screenshots/$1.png"
}

start default
sleep 20 # fill the sparklines
shot overview "resource_image - overview, sorted by CPU%"

keys / w e b s e r v e r Enter
sleep 0.3
keys Enter
sleep 1.5
shot threads "resource_image - Enter expands a process into its threads"
keys Enter

keys p
sleep 0.5
keys c a c h e - l e a k
sleep 0.3
keys Space
sleep 0.3
shot picker "resource_image - p: pick processes (type to filter, Space marks)"
keys C-u w e b s e r v e r Space Enter
sleep 3
shot chosen "resource_image - chosen processes with their history panels"

for t in light nord; do
	start $t
	sleep 12
	shot theme-$t "resource_image - theme $t"
done

# Alert rules: the web server's CPU, and any steady climb of memory.
start default --growth-window 10s \
	"'--alert=comm=webserver: cpu > 80% for 5s'" \
	"'--alert=growth > 1M/min for 10s'" "'--alert=wait > 50% for 10s'"
sleep 24
# The cursor off the busiest rows, so their warning colour shows.
keys j j j j j j
sleep 1
shot alerts "resource_image - alert rules firing: the header says so, rows turn red"
keys '!'
sleep 0.5
shot alert-log "resource_image - !: the alert log"
