# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The one driver of the TUI tests: runs the real binary in a private tmux
# server, sends keys, waits for the screen to show what a test expects,
# and cleans up whatever happens.
#
# Contract of a test: exit 0 pass, 1 fail, 77 skip. Its verdict comes
# from pass, fail or skip. fail "check: details" prints that as the FIRST
# line of the test's output, then the last screen, then whatever else the
# test printed on its way (kept aside until the verdict), so that a
# failed test's log opens with the check that failed. A test that ends
# without a verdict fails the same way.
#
# Waiting: a test never sleeps a fixed time for the screen. After a key
# it waits for what the key should show (wait_for), or take away
# (wait_gone), or for any other condition (wait_until), each with a
# deadline: a loaded machine may take its time to schedule the tool, and
# a deadline only costs time when the check fails.
#
# Env: RI_BIN (the tool; the sanitizer build when there is one),
# RI_WORKLOADS (built test workloads; burn is used when present, a shell
# loop otherwise).

set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -z "${RI_BIN:-}" ]; then
	RI_BIN=$root/build/san/resource_image
	[ -x "$RI_BIN" ] || RI_BIN=$root/build/resource_image
fi
: "${RI_WORKLOADS:=$root/build/tests/workloads}"
SOCK=ri-test-$$
TM=(tmux -L "$SOCK")
nstarts=0
PANE=ri:0.0
WL_PIDS=()
SCREEN=
scratch=$(mktemp -d)
verdict=

# What the test prints is kept aside until its verdict (fd 3 is the
# test's real output).
exec 3>&1 >"$scratch/output" 2>&1

# ---- verdicts ---------------------------------------------------------------

_output() { # what the test printed, if anything
	[ -s "$scratch/output" ] || return 0
	echo "--- printed by the test:"
	sed 's/^/  >/' "$scratch/output"
}

_last_screen() {
	local s
	s=$(cap)
	if [ -n "$s" ]; then
		echo "--- last screen ($(pane_size 2>/dev/null)):"
		sed 's/^/  |/' <<<"$s"
	else
		echo "--- no screen (the pane is gone)"
	fi
}

pass() {
	verdict=pass
	{ [ -s "$scratch/output" ] && cat "$scratch/output"; echo "PASS: $*"; } >&3
	exit 0
}

skip() {
	verdict=skip
	{ [ -s "$scratch/output" ] && cat "$scratch/output"; echo "SKIP: $*"; } >&3
	exit 77
}

# fail "check name: details": the check first, then the last screen.
fail() {
	verdict=fail
	{ echo "FAIL: $*"; _last_screen; _output; } >&3
	exit 1
}

cleanup() {
	local rc=$? p
	if [ -z "$verdict" ]; then
		# An error of the test itself (a command not found, an unset
		# variable): no check failed, say so before anything else.
		{ echo "FAIL: the test ended without a verdict (exit $rc)"; _last_screen; _output; } >&3
		[ "$rc" = 0 ] && rc=1
	fi
	for p in "${WL_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	"${TM[@]}" kill-server 2>/dev/null
	rm -rf "$scratch"
	exit "$rc"
}
trap cleanup EXIT

need_basics() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	[ -x "$RI_BIN" ] || skip "no binary at $RI_BIN (run make)"
	[ "$(id -u)" = 0 ] || skip "needs root for the BPF probe"
	[ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF"
}

# ---- the tool in a pane -----------------------------------------------------

# A fresh tmux server for each start: reusing a socket while the old
# server is still shutting down makes tmux fail with "server exited
# unexpectedly".
new_server() {
	"${TM[@]}" kill-server 2>/dev/null
	nstarts=$((nstarts + 1))
	SOCK=ri-test-$$-$nstarts
	TM=(tmux -L "$SOCK")
}

# start_tool COLS ROWS [ENV=VAL ...] -- [ARGS...]
# Runs the tool in a fresh pane; the pane shell prints EXIT=<code> after.
# The settings file is the test's own ($scratch/config unless ENV says
# otherwise): keys one test presses never change how the next one starts.
start_tool() {
	local cols=$1 rows=$2 envs=() args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	args=("$@")
	new_server
	"${TM[@]}" -f /dev/null new-session -d -s ri -x "$cols" -y "$rows" \
		"env TERM=tmux-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$scratch/config ${envs[*]} $RI_BIN ${args[*]}; echo EXIT=\$?; cat >/dev/null"
	"${TM[@]}" set -g status off >/dev/null 2>&1
}

cap() { "${TM[@]}" capture-pane -p -t "$PANE" 2>/dev/null; }
cap_e() { "${TM[@]}" capture-pane -p -e -t "$PANE" 2>/dev/null; }
keys() { "${TM[@]}" send-keys -t "$PANE" "$@"; }

# ---- waiting for the screen -------------------------------------------------

# Microseconds, now (_now) and in SECONDS, which may have a fraction (_us).
_now() { _t=${EPOCHREALTIME/[.,]/}; }
_us() {
	local i=${1%%.*} f=
	[[ $1 == *.* ]] && f=${1#*.}
	f=${f}000000
	_t=$((${i:-0} * 1000000 + 10#${f:0:6}))
}
_deadline() { # SECONDS: sets _end
	_us "$1"
	_end=$_t
	_now
	_end=$((_end + _t))
}
_late() { _now; [ "$_t" -ge "$_end" ]; }

# wait_for REGEX [SECONDS]: until the screen matches (an extended regex,
# line by line), or false after SECONDS (10 by default). The screen that
# matched is left in $SCREEN, for the checks that go with it.
wait_for() {
	local _end
	_deadline "${2:-10}"
	while :; do
		SCREEN=$(cap)
		grep -qE -- "$1" <<<"$SCREEN" && return 0
		_late && return 1
		sleep 0.05
	done
}

# wait_gone REGEX [SECONDS]: until the screen no longer matches.
wait_gone() {
	local _end
	_deadline "${2:-10}"
	while :; do
		SCREEN=$(cap)
		grep -qE -- "$1" <<<"$SCREEN" || return 0
		_late && return 1
		sleep 0.05
	done
}

# wait_until SECONDS COMMAND...: until COMMAND succeeds (it may read the
# screen in $SCREEN, captured just before each try), or false.
wait_until() {
	local _end
	_deadline "$1"
	shift
	while :; do
		SCREEN=$(cap)
		"$@" && return 0
		_late && return 1
		sleep 0.05
	done
}

# The header's clock (HH:MM:SS on the first line) in seconds of the day.
_clock() {
	local c
	c=$(head -n 1 <<<"$SCREEN" | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}' | head -n 1)
	[ -n "$c" ] || return 1
	echo $((10#${c:0:2} * 3600 + 10#${c:3:2} * 60 + 10#${c:6:2}))
}

# wait_clock SECONDS [DEADLINE]: until the tool has drawn a screen whose
# clock is SECONDS past the one it shows now (it shows whole seconds: at
# least SECONDS - 1 s later): it has kept refreshing that long (history
# in the sparklines, refreshes survived), however long a loaded machine
# made that take. DEADLINE: SECONDS + 10 by default.
wait_clock() {
	local n=$1 t0
	SCREEN=$(cap)
	t0=$(_clock) || return 1
	_clock_past() {
		local t
		t=$(_clock) || return 1
		[ $(((t - t0 + 86400) % 86400)) -ge "$n" ]
	}
	wait_until "${2:-$((n + 10))}" _clock_past
}

# settle [SECONDS]: until two captures 0.1 s apart are the same: a whole
# frame, not one the tool is still writing, for checks that look at the
# screen as a whole (counts, alignment, what must not be there). The
# frame is left in $SCREEN; false when the screen kept changing for
# SECONDS (5 by default).
settle() {
	local _end prev
	_deadline "${1:-5}"
	prev=$(cap)
	while :; do
		sleep 0.1
		SCREEN=$(cap)
		[ "$SCREEN" = "$prev" ] && return 0
		_late && return 1
		prev=$SCREEN
	done
}

# has REGEX: whether $SCREEN (the last screen a wait saw) matches.
has() { grep -qE -- "$1" <<<"$SCREEN"; }

# has_text TEXT: whether $SCREEN holds TEXT, as it is (no regex).
has_text() { grep -qF -- "$1" <<<"$SCREEN"; }

# count REGEX: the lines of $SCREEN that match.
count() { grep -cE -- "$1" <<<"$SCREEN"; }

# The PID of the tool running in the pane.
tool_pid() {
	local shell
	shell=$("${TM[@]}" display -p -t "$PANE" '#{pane_pid}')
	pgrep -P "$shell" | head -n 1
}

# ---- workloads ----------------------------------------------------------------

# burn_workload NAME THREAD:DUTY... : a busy process with named threads.
burn_workload() {
	local name=$1
	shift
	local a=()
	for t in "$@"; do a+=(--thread "$t"); done
	if [ -x "$RI_WORKLOADS/burn" ]; then
		"$RI_WORKLOADS/burn" --name "$name" --seconds 120 "${a[@]}" \
			>/dev/null 2>&1 &
	else
		# Fallback: one busy shell under the given name (no threads).
		bash -c "exec -a $name bash -c 'while :; do :; done'" &
	fi
	WL_PIDS+=($!)
}

# ---- reading the table --------------------------------------------------------

# table_row N [SCREEN]: row N (1-based) of the table, the first line after
# the column titles, of SCREEN (the screen now without one).
table_row() {
	local s=${2-$(cap)}
	awk -v n="$1" 'f && ++i == n { print; exit } /^ +PID[^ ]* +/ { f = 1 }' <<<"$s"
}

# table_rows [SCREEN]: how many process rows the table shows.
table_rows() {
	local s=${1-$(cap)}
	awk '/^ +PID[^ ]* +/ { f = 1; next } f && /^ +[0-9]+ / { n++ } /^$/ { if (f) exit }
	     END { print n + 0 }' <<<"$s"
}

# column_values TITLE WIDTH: the values of a right-aligned column, cut by
# position under its title (COMM may hold blanks, so fields would not do).
# The sorted column's title ends with an arrow in the last cell. awk
# counts bytes: every other character (the arrow, a folded row's ▸ and
# ×) is made one byte first, or the cut would miss under it.
column_values() {
	LC_ALL=C.UTF-8 sed 's/[^ -~]/?/g' | awk -v t="$1" -v w="$2" '
	/^ +PID[^ ]* +/ {
		p = index($0, t); r = p + length(t) - 1
		if (substr($0, r + 1, 1) != " ") r++
		next
	}
	p && length($0) > r { v = substr($0, r - w + 1, w); gsub(/ /, "", v); print v }'
}

# ---- the tool under a wrapper: stderr, PID, exit status ---------------------
#
# For the robustness tests (resize storms, tiny terminals, hang-ups,
# signals, bad theme files, hostile names): the tool runs inside a small
# wrapper script in the pane, so that the test can read what a user would
# only see for an instant: its stderr (sanitizer reports land there, not
# in a log file), its PID and its exit status.

# Sanitizer reports of the tool go to its stderr file, where the test
# looks for them; the rest of the caller's options are kept.
san_opts() { # VAR: prints VAR=...:log_path=stderr
	local cur=${!1:-}
	echo "$1=${cur:+$cur:}log_path=stderr"
}

# A file written by the wrapper; run N's files are $scratch/run$N.*
run_file() { echo "$scratch/run$nstarts.$1"; }

# start_wrapped COLS ROWS PRE -- ARGS...: the tool in a fresh tmux server,
# run in the foreground (as from a shell prompt) by a wrapper that writes
# its PID (.pid, before the exec, so a test can signal it from its first
# instant), stderr (.err) and exit status (.status), then prints
# EXIT=<status>, TTY=cooked when the terminal is back in cooked mode with
# echo, and reads one line, printing GOT=<line>; it ends with the
# terminal. PRE is shell text run
# first (e.g. "trap '' HUP" to outlive a hang-up and write the status);
# RUNNER (env) goes before the tool's command (e.g. "setsid").
#
# The wrapper is not the pane's first process: as with a user's login
# shell, the session leader is a shell of its own, which a hang-up kills,
# and whose death sends SIGHUP to the foreground processes, the tool's.
start_wrapped() {
	local cols=$1 rows=$2 pre=$3 w
	shift 3
	[ "${1:-}" = -- ] && shift
	new_server
	w=$(run_file sh)
	{
		# Job control, as in a user's shell: the tool gets a process
		# group of its own, the terminal's foreground one (PRE may say
		# "set +m" to share this shell's, as a script's commands do).
		echo 'set -m'
		# A script's bash that sees its foreground job die of SIGINT
		# acts as if it got the SIGINT itself, and ends: the tool killed
		# by a SIGINT before it handles one (the signal test's early
		# rounds) took the wrapper, its EXIT= line and the pane with it.
		# A trap (not an ignore: children get the default back) keeps
		# the wrapper going.
		echo 'trap : INT'
		echo 'ulimit -c 0'
		echo "$pre"
		echo "export TERM=tmux-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$scratch/config $(san_opts ASAN_OPTIONS) $(san_opts UBSAN_OPTIONS)"
		printf 'sh -c %q %s ' 'echo $$ >"$0"; exec "$@"' "$(run_file pid)"
		printf '%q ' ${RUNNER:-} "$RI_BIN" "$@"
		printf '2>%q
' "$(run_file err)"
		echo 'st=$?'
		echo "echo \$st >$(run_file status)"
		# Hung up: no terminal to check or to keep open.
		echo 'stty -g >/dev/null 2>&1 || exit 0'
		echo 'echo EXIT=$st'
		echo "stty -a | grep -qE '(^| )icanon( |\$)' && stty -a | grep -qE '(^| )echo( |\$)' && echo TTY=cooked"
		echo 'read -r line; echo "GOT=$line"'
		# Keep the pane open for the test; go with the terminal.
		echo 'for i in $(seq 600); do stty -g >/dev/null 2>&1 || break; sleep 1; done'
	} >"$w"
	"${TM[@]}" -f /dev/null new-session -d -s ri -x "$cols" -y "$rows" "bash --norc --noprofile -c 'bash --norc --noprofile $w; :'"
	"${TM[@]}" set -g status off >/dev/null 2>&1
}

# The PID the wrapper wrote (waits up to 10 s for it).
wrapped_pid() {
	local f
	f=$(run_file pid)
	wait_until 10 test -s "$f" || return 1
	cat "$f"
}

# The exit status the wrapper wrote (waits up to SECONDS, 5 by default).
wrapped_status() {
	local f
	f=$(run_file status)
	wait_until "${1:-5}" test -s "$f" || return 1
	cat "$f"
}

# no_san_report [WHAT]: fails when the tool's stderr holds a sanitizer
# report (or any crash message of ASan/UBSan/LSan), the report's first
# lines in the failure's details.
no_san_report() {
	local e
	e=$(run_file err)
	if grep -qE 'runtime error:|ERROR: [A-Za-z]*Sanitizer|SUMMARY: [A-Za-z]*Sanitizer' "$e" 2>/dev/null; then
		fail "${1:-}: sanitizer report in the tool's stderr:
$(head -n 60 "$e" | sed 's/^/  !/')"
	fi
}

# held_ids PID: "prog ID", "link ID", "map ID" lines for every BPF object
# the process holds a descriptor of (bpftool here prints no PIDs).
held_ids() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		awk '/^link_id:/ { print "link", $2; l = 1 }
		     /^prog_id:/ { p = $2 }
		     /^map_id:/ { print "map", $2 }
		     END { if (p != "" && !l) print "prog", p }' "$f" 2>/dev/null
	done | sort -u
}

# The leftover checks are those of every test (tests/lib/leftover.py):
#
# still_loaded_ids "prog ID" ...: those of the given objects still
# loaded, after up to 5 s for the kernel's deferred freeing.
still_loaded_ids() { python3 "$root/tests/lib/leftover.py" gone "$@"; }

# bpf_max_ids: "PROGMAX LINKMAX", the highest IDs loaded now.
bpf_max_ids() { python3 "$root/tests/lib/leftover.py" mark; }

# orphans_since PROGMAX LINKMAX: our programs (named ri_*) and links to
# them created after the given IDs that no live process holds any more:
# what a crash or a half-done start-up could leave behind. Other
# instances of the tool may run meanwhile; what they hold is theirs.
orphans_since() { python3 "$root/tests/lib/leftover.py" since "$1" "$2"; }

# gone_within PID SECONDS: true once the process is gone (or a zombie);
# prints the seconds it took.
gone_within() {
	local t0 now st
	t0=$(date +%s.%N)
	while :; do
		st=$(awk '{ print $3 }' /proc/"$1"/stat 2>/dev/null)
		now=$(date +%s.%N)
		if [ -z "$st" ] || [ "$st" = Z ]; then
			awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.2f\n", b - a }'
			return 0
		fi
		awk -v a="$t0" -v b="$now" -v m="$2" 'BEGIN { exit !(b - a > m) }' && return 1
		sleep 0.02
	done
}

# The pane's size as tmux sees it, "COLSxROWS".
pane_size() { "${TM[@]}" display -p -t "$PANE" '#{pane_width}x#{pane_height}'; }

resize() {
	"${TM[@]}" resize-window -t ri -x "$1" -y "$2" 2>/dev/null
}
