#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The tool never outlives its terminal, whatever it is doing when the
# terminal goes, on a busy machine (both CPUs burnt meanwhile):
#  - the tmux server is killed while the screen shows the main table, the
#    picker (p), the detail panel (Enter), help (h, F1), the search and
#    filter prompts (/ \), the signal menu (k), the setup (S, F2): the
#    tool is gone within 3 s, with no sanitizer report and none of the
#    BPF programs and links it held still loaded;
#  - 700 processes exit at once: the screen keeps refreshing, and the
#    tool is gone within 3 s of the hang-up that follows;
#  - the terminal is closed under a tool outside its session (setsid: no
#    SIGHUP) and a plain SIGTERM follows at once: gone within 3 s;
#  - the tool is already leaving (q) when hang-up signals keep landing
#    (SIGHUP with SIGCONT, as the kernel sends them to the terminal's
#    foreground group when the session leader exits): gone within 8 s
#    (the exit is bounded to 5 s from the end of the screen loop).
#    In the sanitizer build a SIGCONT in the exit-time leak check used to
#    leave the process spinning forever, deaf to SIGTERM.
. "$(dirname "$0")/lib.sh"
need_basics
command -v bpftool >/dev/null || skip "bpftool is not installed"

burn_workload ri_hup_burn a:1.0 b:1.0

times=()

# launch PRE: the tool in a fresh pane; sets pid, ids (its BPF objects).
launch() {
	start_wrapped 120 30 "$1" -- -d 0.5
	pid=$(wrapped_pid) || fail "$what: no PID written by the wrapper"
	wait_for 'PID USER' 20 || fail "$what: tool did not start"
	if [ "$RUNNER" = "setsid -w" ]; then
		pid=$(pgrep -P "$pid") || fail "$what: no tool under setsid"
	fi
	attached() { ids=$(held_ids "$pid"); grep -q '^prog ' <<<"$ids" && grep -q '^link ' <<<"$ids"; }
	wait_until 10 attached || fail "$what: the tool holds no BPF program and link while running"
}

# stuck CHECK: fails with CHECK, ending the tool first (it may be past
# hearing anything but SIGKILL).
stuck() {
	kill -KILL "$pid" 2>/dev/null
	fail "$1"
}

# finish SECONDS [WHEN]: the tool must be gone within SECONDS (WHEN says
# since when, for the failure's message); its BPF released.
finish() {
	local dt left held
	dt=$(gone_within "$pid" "$1") || {
		local st
		st=$(ps -o stat=,pcpu= -p "$pid" 2>/dev/null)
		kill -KILL "$pid" 2>/dev/null
		pkill -KILL -P "$pid" 2>/dev/null
		fail "$what: the tool still runs ${2:-$1 s after the terminal went} (state, %CPU: ${st:-?})"
	}
	times+=("$what:${dt}s")
	no_san_report "$what"
	mapfile -t held <<<"$ids"
	left=$(still_loaded_ids "${held[@]}")
	[ -z "$left" ] || fail "$what: still loaded after the exit: $left"
}

# A state and the key that opens it; what shows that it is open.
states=(
	"table::PID USER"
	"picker:p:."
	"detail:Enter:."
	"help-h:h:."
	"help-F1:F1:."
	"search:/:."
	"filter:\\:."
	"kill-menu:k:."
	"setup-S:S:."
	"setup-F2:F2:."
)
base=$(bpf_max_ids)
RUNNER=
for s in "${states[@]}"; do
	what=${s%%:*}
	rest=${s#*:}
	key=${rest%%:*}
	launch ""
	before=$(cap)
	if [ -n "$key" ]; then
		keys "$key"
		changed() { [ "$SCREEN" != "$before" ]; }
		wait_until 5 changed || stuck "$what: the screen did not change after $key"
	fi
	"${TM[@]}" kill-server
	finish 3
done

# Most processes of the machine exit at once (as when a test suite or a
# build ends): the screen keeps refreshing, and still leaves on hang-up.
# The limits reader's table used to shrink below what it carried over
# and loop forever in the next refresh, at full CPU, deaf to SIGTERM.
what=mass-exit
launch ""
many=()
for i in $(seq 700); do
	sleep 300 &
	many+=($!)
done
procs() { grep -oE 'procs [0-9]+' <<<"$SCREEN" | head -n 1 | awk '{ exit !($2 >= 700) }'; }
wait_until 20 procs || { kill "${many[@]}"; stuck "$what: the header never counted the 700 sleepers"; }
kill "${many[@]}"
wait "${many[@]}" 2>/dev/null
wait_clock 2 || stuck "$what: the screen stopped refreshing after 700 processes exited at once"
"${TM[@]}" kill-server
finish 3

what=setsid-sigterm
RUNNER="setsid -w"
launch "trap '' HUP"
RUNNER=
"${TM[@]}" kill-server
kill -TERM "$pid"
finish 3

# hangup_storm: SIGHUP and SIGCONT, as fast as they go, until the tool
# is gone or 8 s have passed.
hangup_storm() {
	local t0=${EPOCHREALTIME/[.,]/}
	while kill -0 "$pid" 2>/dev/null && [ $((${EPOCHREALTIME/[.,]/} - t0)) -lt 8000000 ]; do
		kill -HUP "$pid" 2>/dev/null
		kill -CONT "$pid" 2>/dev/null
	done
}

# Several rounds, on an idle machine, two storms at once: the signals must
# land in the few microseconds the leak check's stop takes.
for p in "${WL_PIDS[@]}"; do kill "$p" 2>/dev/null; done
for round in 1 2 3 4 5 6; do
	what=hangup-while-leaving-$round
	launch "trap '' HUP"
	keys q
	t0=${EPOCHREALTIME/[.,]/}
	hangup_storm &
	storm=$!
	hangup_storm
	wait "$storm"
	# The whole exit under the signals counts, from q on.
	finish 0.1 "8 s after q, under SIGHUP and SIGCONT"
	times[-1]="$what:$(((${EPOCHREALTIME/[.,]/} - t0) / 10000))cs"
	"${TM[@]}" kill-server
done

left=$(orphans_since $base)
[ -z "$left" ] || fail "BPF objects of ours left with no owner: $left"
pass "terminal gone in every state, CPUs busy, SIGTERM, hang-up while leaving: gone in ${times[*]}"
