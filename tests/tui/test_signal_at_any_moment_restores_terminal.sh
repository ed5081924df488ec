#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# SIGINT, SIGTERM, SIGHUP and SIGQUIT (Ctrl-\) sent at any moment, start-up
# included (after a random 0-500 ms, several rounds each): the shell
# gets its terminal back in cooked mode with echo (stty -a shows echo
# and icanon, typed text is echoed and read as a line), off the
# alternate screen; the exit status is 0, or death by that signal when it
# came before the tool had touched anything; no sanitizer report; and
# none of the BPF programs, links and maps the tool held, nor any program
# of ours loaded meanwhile, is left without an owner.
. "$(dirname "$0")/lib.sh"
need_basics
command -v bpftool >/dev/null || skip "bpftool is not installed"

rounds=${RI_SIGNAL_ROUNDS:-4}
declare -A signo=([INT]=2 [TERM]=15 [HUP]=1 [QUIT]=3)
summary=()

# sample PID FILE: every BPF object the process holds, while it lives.
sample() {
	while kill -0 "$1" 2>/dev/null; do
		held_ids "$1" >>"$2"
		sleep 0.02 # the sampling's pace
	done
}

one() { # SIG DELAY_MS
	local sig=$1 ms=$2 what="SIG$1 after $2 ms" pid base st left heldf spid held phase
	base=$(bpf_max_ids)
	start_wrapped 120 30 "" -- -d 0.5
	# The wrapper writes the PID just before the exec: count from there.
	# Polled every 10 ms (5 s at most), finer than the driver's waits,
	# since the delay below counts from the moment it is seen.
	for ((i = 0; i < 500; i++)); do
		[ -s "$(run_file pid)" ] && break
		sleep 0.01
	done
	pid=$(cat "$(run_file pid)" 2>/dev/null)
	[ -n "$pid" ] || fail "$what: no PID written by the wrapper"
	heldf=$(run_file held)
	sample "$pid" "$heldf" &
	spid=$!
	# The moment chosen for the signal, not a wait for the screen.
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	kill -"$sig" "$pid" 2>/dev/null
	wait_for 'EXIT=' 15 || fail "$what: the tool did not exit"
	wait "$spid" 2>/dev/null
	st=$(cat "$(run_file status)")
	# What the signal interrupted: the start-up, or a loaded probe.
	phase=start
	grep -q '^link ' "$heldf" && phase=run
	case $st in
	0) summary+=("$sig@${ms}ms:$phase") ;;
	$((128 + ${signo[$sig]}))) summary+=("$sig@${ms}ms:killed-before-setup") ;;
	*) no_san_report "$what"; fail "$what: exit status $st" ;;
	esac
	no_san_report "$what"
	wait_for 'TTY=cooked' 5 || fail "$what: terminal not cooked (stty -a lacks echo or icanon)"
	[ "$("${TM[@]}" display -p -t "$PANE" '#{alternate_on}')" = 0 ] ||
		fail "$what: alternate screen not left"
	keys 'typed back' Enter
	wait_for '^GOT=typed back$' 5 || fail "$what: a typed line was not read back"
	has '^typed back$' || fail "$what: typed text was not echoed"
	mapfile -t held < <(sort -u "$heldf")
	if [ ${#held[@]} -gt 0 ]; then
		left=$(still_loaded_ids "${held[@]}")
		[ -z "$left" ] || fail "$what: still loaded after the exit: $left"
	fi
	left=$(orphans_since $base)
	[ -z "$left" ] || fail "$what: BPF objects of ours left with no owner: $left"
}

for sig in INT TERM HUP QUIT; do
	for ((r = 0; r < rounds; r++)); do
		# Spread over 0-500 ms: each round draws from its own slice.
		ms=$(((RANDOM % (500 / rounds + 1)) + r * 500 / rounds))
		one "$sig" "$ms"
	done
done
pass "terminal cooked, BPF gone after: ${summary[*]}"
