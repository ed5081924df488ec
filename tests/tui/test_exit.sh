#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Every way out restores the terminal and unloads the probe: q, F10,
# Ctrl-C (SIGINT) and SIGTERM each exit 0 (a crash, SIGSEGV, non-zero),
# leave the alternate screen,
# give back a cooked tty, and leave none of the tool's BPF programs
# loaded (bpftool prog show). -n N exits by itself after N refreshes.
. "$(dirname "$0")/lib.sh"
need_basics
command -v bpftool >/dev/null || skip "bpftool is not installed"

# IDs of loaded programs named ri_* held by process $1: its file
# descriptors' fdinfo name the program IDs (bpftool may lack pid info).
ri_progs_of() {
	local ids
	ids=$(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u)
	[ -n "$ids" ] || return 0
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
want = set(sys.argv[1:])
for p in json.load(sys.stdin):
    if str(p["id"]) in want and p.get("name", "").startswith("ri_"):
        print(p["id"])' $ids
}

# Programs still loaded among the IDs given, after up to 5 s for the
# kernel's deferred freeing (the suite's one leftover check).
still_loaded() {
	local i args=()
	for i in "$@"; do args+=("prog $i"); done
	python3 "$root/tests/lib/leftover.py" gone "${args[@]}"
}

run_and_quit() { # how
	local how=$1 pid ids left
	new_server
	"${TM[@]}" -f /dev/null new-session -d -s ri -x 120 -y 30 \
		"env TERM=tmux-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$scratch/config $RI_BIN -d 0.5; echo EXIT=\$?; \
		 stty -a | grep -qE '(^| )icanon( |$)' && stty -a | grep -qE '(^| )echo( |$)' && echo TTY=cooked; \
		 cat >/dev/null"
	wait_for 'PID USER' 15 || fail "$how: tool did not start"
	wait_until 5 eval 'pid=$(tool_pid); [ -n "$pid" ]' || fail "$how: cannot find the tool's PID"
	wait_until 5 eval 'ids=$(ri_progs_of "$pid"); [ -n "$ids" ]' ||
		fail "$how: no ri_* BPF program held by the tool while running"
	[ "$("${TM[@]}" display -p -t "$PANE" '#{alternate_on}')" = 1 ] ||
		fail "$how: tool not on the alternate screen"
	case $how in
	q) keys q ;;
	F10) keys F10 ;;
	SIGINT) keys C-c ;;
	SIGTERM) kill -TERM "$pid" ;;
	SIGSEGV) kill -SEGV "$pid" ;;
	esac
	# The shell's EXIT=<code> line comes in one write.
	wait_for 'EXIT=' 15 || fail "$how: tool did not exit"
	if [ "$how" = SIGSEGV ]; then
		has 'EXIT=0' && fail "$how: a crash exited 0"
	else
		has 'EXIT=0' || fail "$how: exit code not 0"
	fi
	wait_for 'TTY=cooked' 5 || fail "$how: terminal left raw"
	[ "$("${TM[@]}" display -p -t "$PANE" '#{alternate_on}')" = 0 ] ||
		fail "$how: alternate screen not left"
	left=$(still_loaded $ids)
	[ -z "$left" ] || fail "$how: BPF programs still loaded: $left"
}

# SIGSEGV stands for a crash: the terminal must still come back cooked;
# the kernel drops the BPF links with the dead process's descriptors.
for how in q F10 SIGINT SIGTERM SIGSEGV; do
	run_and_quit "$how"
done

start_tool 100 20 -- -d 0.2 -n 5
wait_for 'EXIT=0' 15 || fail "-n 5 did not exit by itself"
pass "q, F10, Ctrl-C, SIGTERM, SIGSEGV, -n: terminal restored, BPF programs unloaded"
