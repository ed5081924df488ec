#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `make screenshots`: runs the real tool on demo workloads in tmux and
# renders what the terminal shows to PNG files in screenshots/:
#
#   overview.png     all processes, busiest first, sparkline column
#   picker.png       p with a filter typed and a process marked
#   chosen.png       two chosen processes with their detail panels
#   threads.png      a process expanded to its named threads
#   tree.png         t: the tree by parent
#   cgroups.png      c: processes grouped by cgroup
#   setup.png        F2: the setup screen's columns
#   fold.png         a swarm of short-lived children, folded and opened
#   theme-light.png, theme-nord.png   two more themes
#   replay.png       the first screen's recording (-w) replayed (-r)
#   alerts.png       alert rules firing: the header's alert line, rows in
#                    the warning colour
#   alert-log.png    ! : the alert log
#   network.png      a server's worker threads and the socket bytes each
#                    moves (NET-RX/s, NET-TX/s), with its history panel
#   states.png       where a server's threads' time goes: the STATES bar
#                    and the state columns, threads taking turns on a
#                    lock, what they sleep in and who holds the lock, and
#                    where in the kernel they wait (the panel's waits)
#   headroom.png     a descriptor leak and a memory leak counting down to
#                    their limits (HEADROOM, ETA), the detail panel's
#                    limits with their bars and times to exhaustion
#
# `tests/tui/screenshots.sh headroom` (or any one name of those with a
# section of its own: headroom) makes that shot alone.
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

cgs=()
cleanup() {
	local p c
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
	done
	for c in "${cgs[@]}"; do rmdir "$c" 2>/dev/null; done
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

# new_screen TAG COMMAND: COMMAND (a shell line) alone in a new tmux server of
# its own, the last one gone; the pane stays when it exits. Each server has
# a socket of its own: a new one on the socket of one still exiting died
# with it ("server exited unexpectedly").
nscreen=0
new_screen() {
	"${TM[@]}" kill-server 2>/dev/null
	nscreen=$((nscreen + 1))
	SOCK=ri-shots-$$-$nscreen-$1
	TM=(tmux -L "$SOCK")
	"${TM[@]}" -f /dev/null new-session -d -s ri -x $COLS -y $ROWS "$2; cat >/dev/null"
	"${TM[@]}" set -g status off >/dev/null
}
start() { # theme [more arguments, quoted for the shell]
	local theme=$1
	shift
	new_screen "$theme" "env TERM=tmux-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp/config $RI_BIN -d 0.5 -t $theme $*"
}
keys() { "${TM[@]}" send-keys -t ri "$@"; }
shot() { # name title
	"${TM[@]}" capture-pane -p -e -N -t ri >"$tmp/$1.txt"
	/usr/bin/python3 "$render" "$tmp/$1.txt" "$out/$1.png" \
		--cols $COLS --rows $ROWS --title "$2" || die "render $1 failed"
	echo "  SHOT     screenshots/$1.png"
}

# The headroom: a descriptor leak (20 a second under `ulimit -n 1024`)
# in a unit with memory, pids and CPU limits, and a memory leak (4 MiB a
# second) in one with a 256 MiB memory limit, chosen, HEADROOM and ETA
# on, a 10 s growth window. The cgroups are v1's on a hybrid host,
# v2's elsewhere, and removed on the way out.
limit_cgroup() { # NAME PID MEMORY_MAX PIDS_MAX CPU_QUOTA_US
	local base=/sys/fs/cgroup d ctl cpu=cpu
	if [ -d $base/memory ] && [ ! -e $base/cgroup.controllers ]; then
		cpu=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $2 }' /proc/self/cgroup)
		for ctl in memory pids "$cpu"; do
			d=$base/$ctl/$1
			mkdir -p "$d" && cgs+=("$d") || return 1
			case $ctl in
			memory) echo "$3" >"$d/memory.limit_in_bytes" ;;
			pids) [ -n "$4" ] && echo "$4" >"$d/pids.max" ;;
			*) [ -n "$5" ] && echo 100000 >"$d/cpu.cfs_period_us" &&
				echo "$5" >"$d/cpu.cfs_quota_us" ;;
			esac
			echo "$2" >"$d/cgroup.procs" || return 1
		done
	else
		echo "+memory +pids +cpu" >$base/cgroup.subtree_control 2>/dev/null
		d=$base/$1
		mkdir -p "$d" && cgs+=("$d") || return 1
		echo "$3" >"$d/memory.max"
		[ -n "$4" ] && echo "$4" >"$d/pids.max"
		[ -n "$5" ] && echo "$5 100000" >"$d/cpu.max"
		echo "$2" >"$d/cgroup.procs" || return 1
	fi
}
shot_headroom() {
	local fds mem
	wl leaky "$RI_WORKLOADS/limits" --mode fds --rate 20 --nofile 1024 --name leaky
	fds=${pids[${#pids[@]} - 1]}
	wl image-cache "$RI_WORKLOADS/limits" --mode mem --rate 4194304 --name image-cache
	mem=${pids[${#pids[@]} - 1]}
	sleep 0.5
	limit_cgroup fdleak.service "$fds" 536870912 100 50000 ||
		die "cannot make the cgroups of the headroom shot"
	limit_cgroup imgcache.service "$mem" 268435456 "" "" ||
		die "cannot make the cgroups of the headroom shot"
	kill -USR1 "$fds" "$mem"
	mkdir -p "$tmp/hrconfig/resource_image"
	printf '%s\n' 'columns = PID,USER,COMM,THR,CPU%,RSS,GROWTH,HEADROOM,ETA,CGROUP,HISTORY' \
		'sort = rss' >"$tmp/hrconfig/resource_image/config"
	new_screen headroom "env TERM=tmux-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp/hrconfig $RI_BIN -d 0.5 --growth-window 10s -p $fds,$mem"
	sleep 30
	shot headroom "resource_image - leaks counting down to their limits: HEADROOM, ETA and the limits in the detail panel"
}
if [ "${1:-}" = headroom ]; then
	shot_headroom
	exit 0
fi

# Demo: a web server with busy workers, a leaking cache, a backup writer.
W=$RI_WORKLOADS
wl webserver "$W/burn" --name webserver --seconds 600 --thread worker-1:55 \
	--thread worker-2:35 --thread worker-3:20 --thread acceptor:5
wl cache-leak "$W/grow" --rate 3000000 --seconds 600 --name cache-leak
wl backup "$W/writer" --rate 4000000 --seconds 600 --dir "$tmp" --name backup
wl indexer "$W/burn" --name indexer --seconds 600 --thread idx:15
# A pool that starts a short-lived backend per request, like pgbench -C.
wl backend "$W/churn" --name backend --children 1000000 --rate 150 \
	--cpu-ms 2 --write-kib 0 --dir "$tmp"
# An API server whose four workers each feed a client of "loadgen" over
# loopback TCP: 24, 9, 3 and 0.5 MB/s.
wl api-server "$W/net" --name api-server --serve 24,9,3,0.5 --seconds 600
api=${pids[${#pids[@]} - 1]}

# Units and a container for the cgroup view, where cgroup v2 is writable
# (removed on the way out).
cg=$(findmnt -t cgroup2 -n -o TARGET 2>/dev/null | head -n 1)
in_cgroup() { # NAME PID
	[ -n "$cg" ] || return 0
	mkdir -p "$cg/$1" 2>/dev/null && cgs+=("$cg/$1") &&
		echo "$2" >"$cg/$1/cgroup.procs" 2>/dev/null
	return 0
}
in_cgroup nginx.service "${pids[0]}"
in_cgroup cache.service "${pids[1]}"
in_cgroup backup.service "${pids[2]}"
in_cgroup docker-4f7c2a9e1b3d5f6a8c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d1f3a.scope "${pids[3]}"
in_cgroup postgresql.service "${pids[4]}"

start default -w "$tmp/demo.rirec"
sleep 20 # fill the sparklines
shot overview "resource_image - overview, sorted by CPU%"

keys / w e b s e r v e r Enter
sleep 0.3
keys Enter
sleep 1.5
shot threads "resource_image - Enter expands a process into its threads"
keys Enter

keys t
sleep 1.5
shot tree "resource_image - t: the tree by parent, threads under their process"
keys t
keys c
sleep 1.5
shot cgroups "resource_image - c: processes grouped by cgroup, with their sums"
keys c
keys / b a c k e n d - c Enter
sleep 0.3
keys Enter
sleep 1.5
shot fold "resource_image - short-lived children folded into one row, Enter lists them"
keys Enter
keys F2
sleep 0.5
shot setup "resource_image - F2: setup (columns, meters, sparklines, theme)"
keys Escape
sleep 0.3

# The picker's list follows the filter a moment after each key: on a
# busy machine, wait for it before Space marks the row under the cursor.
keys p
sleep 0.5
keys c a c h e - l e a k
sleep 1
keys Space
sleep 0.5
shot picker "resource_image - p: pick processes (type to filter, Space marks)"
keys Escape
# The chosen processes from the command line, their history gathered
# for 20 s.
start default -p "${pids[0]},${pids[1]}"
sleep 20
# The leaking cache selected: its panel first, its memory climbing.
keys Down
sleep 1
shot chosen "resource_image - chosen processes with their history panels"

for t in light nord; do
	start $t
	sleep 12
	shot theme-$t "resource_image - theme $t"
done

# The first screen's recording, replayed: ten seconds before its end,
# the web server's threads expanded.
new_screen replay "cd $tmp && env TERM=tmux-256color LANG=C.UTF-8 $RI_BIN -r demo.rirec"
sleep 1
keys b - 1 0 s Enter
sleep 1
keys / w e b s e r v e r Enter
sleep 0.3
keys Enter
sleep 1
shot replay "resource_image -r: a recording replayed (t/T step, b jumps, Space plays)"
# Alert rules: the web server's CPU, and any steady climb of memory.
start default --growth-window 10s \
	"'--alert=comm=webserver: cpu > 80% for 5s'" \
	"'--alert=growth > 1M/min for 10s'" "'--alert=wait > 50% for 10s'"
sleep 24
# The cursor off the busiest rows, so their warning colour shows.
keys Down Down Down Down Down Down
sleep 1
shot alerts "resource_image - alert rules firing: the header says so, rows turn red"
keys '!'
sleep 0.5
shot alert-log "resource_image - !: the alert log"

# The network: the API server chosen, its workers' socket bytes, sorted
# by bytes sent, the sparkline and the history panel on them. The
# columns come from a settings file of the shot's own (NET-RX/s and
# NET-TX/s are off by default: F2 turns them on).
mkdir -p "$tmp/netconfig/resource_image"
printf '%s\n' 'columns = PID,USER,COMM,THR,CPU%,MEM%,RSS,NET-RX/s,NET-TX/s,READ/s,WRITE/s,CSW/s,WAIT%,HISTORY' \
	'spark_metric = net-tx' 'sort = net-tx' >"$tmp/netconfig/resource_image/config"
new_screen net "env TERM=tmux-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp/netconfig $RI_BIN -d 0.5 -p $api"
sleep 12
keys Enter
sleep 1.5
shot network "resource_image - a server's worker threads and the socket bytes each moves"

# Where the time goes: a server whose threads take turns on one lock
# (the states workload), chosen, its threads open, the STATES bar and
# the state columns on (a settings file of the shot's own).
wl payments "$W/states" --name payments --dir "$tmp" --lockers 6 --idle 6
pay=${pids[${#pids[@]} - 1]}
mkdir -p "$tmp/stconfig/resource_image"
printf '%s\n' 'columns = PID,USER,COMM,THR,CPU%,WAIT%,STATES,DISK%,BLKD%,LOCK%,NET%,SLEEP%,OTHER%' \
	'sort = lock' >"$tmp/stconfig/resource_image/config"
new_screen states "env TERM=tmux-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp/stconfig $RI_BIN -d 0.5 -p $pay"
sleep 10
keys Enter
sleep 1.5
shot states "resource_image - where each thread's time goes: a lock taken in turns"

shot_headroom
