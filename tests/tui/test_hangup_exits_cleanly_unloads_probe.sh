#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The terminal goes away under the tool: its tmux pane is killed (the
# kernel hangs the tty up and the tool gets SIGHUP, run from a shell
# with job control or in a script's process group), SIGHUP arrives by
# kill while the terminal stays, or the terminal is closed under a tool
# that is not in its session (setsid: no SIGHUP at all, only a dead tty).
# Each time the tool exits with status 0 within 2 s, with no sanitizer
# report, and none of the BPF programs, links and maps it held stays
# loaded; when the terminal is still there, it is back in cooked mode
# with echo.
. "$(dirname "$0")/lib.sh"
need_basics
command -v bpftool >/dev/null || skip "bpftool is not installed"

times=()

# round HOW: HOW is pane (kill the tmux server, closing the pty), hup
# (kill -HUP the tool), pane-nojobs (pane killed, the tool in its shell's
# process group, as run from a script) or setsid (the tool in its own
# session, pane killed).
round() {
	local how=$1 pid ids base left dt st held pre
	base=$(bpf_max_ids)
	RUNNER= ; [ "$how" = setsid ] && RUNNER="setsid -w"
	pre="trap '' HUP"
	[ "$how" = pane-nojobs ] && pre="$pre; set +m"
	start_wrapped 120 30 "$pre" -- -d 0.5
	RUNNER=
	pid=$(wrapped_pid) || fail "$how: no PID written by the wrapper"
	wait_for 'PID USER' 15 || fail "$how: tool did not start"
	# setsid forks (a process group leader cannot start a session).
	[ "$how" = setsid ] && { pid=$(pgrep -P "$pid") || fail "setsid: no tool under setsid"; }
	attached() { ids=$(held_ids "$pid"); grep -q '^prog ' <<<"$ids" && grep -q '^link ' <<<"$ids"; }
	wait_until 5 attached
	grep -q '^prog ' <<<"$ids" || fail "$how: the tool holds no BPF program while running"
	grep -q '^link ' <<<"$ids" || fail "$how: the tool holds no BPF link while running"
	case $how in
	pane | pane-nojobs | setsid) "${TM[@]}" kill-server ;;
	hup) kill -HUP "$pid" ;;
	esac
	dt=$(gone_within "$pid" 2) || {
		kill -KILL "$pid" 2>/dev/null
		fail "$how: the tool still runs 2 s after the hang-up"
	}
	times+=("$how ${dt}s")
	st=$(wrapped_status 5)
	[ "$st" = 0 ] || { no_san_report "$how"; fail "$how: exit status '${st:-none}', not 0"; }
	no_san_report "$how"
	if [ "$how" = hup ]; then
		wait_for 'TTY=cooked' 5 || fail "$how: terminal not cooked after the exit"
		[ "$("${TM[@]}" display -p -t "$PANE" '#{alternate_on}')" = 0 ] ||
			fail "$how: alternate screen not left"
	fi
	mapfile -t held <<<"$ids"
	left=$(still_loaded_ids "${held[@]}")
	[ -z "$left" ] || fail "$how: still loaded after the exit: $left"
	left=$(orphans_since $base)
	[ -z "$left" ] || fail "$how: BPF objects of ours left with no owner: $left"
}

for how in pane pane-nojobs hup setsid; do
	round "$how"
done
pass "pane killed, kill -HUP, tty closed without SIGHUP: exit 0 in ${times[*]}; BPF unloaded"
