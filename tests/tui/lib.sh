# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared by the TUI tests: run the real binary in a private tmux server,
# send keys, read the screen back, and clean up whatever happens.
#
# Contract of a test: exit 0 pass, 1 fail, 77 skip, with one line saying
# why on the way out. Env: RI_BIN (the tool), RI_WORKLOADS (built test
# workloads; burn is used when present, a shell loop otherwise).

set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${RI_BIN:=$root/build/resource_image}"
: "${RI_WORKLOADS:=$root/build/tests/workloads}"
SOCK=ri-test-$$
TM=(tmux -L "$SOCK")
nstarts=0
PANE=ri:0.0
WL_PIDS=()
scratch=$(mktemp -d)

pass() { echo "PASS: $*"; exit 0; }
fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	cap 2>/dev/null | sed 's/^/  |/'
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }

cleanup() {
	local p
	for p in "${WL_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	"${TM[@]}" kill-server 2>/dev/null
	rm -rf "$scratch"
}
trap cleanup EXIT

need_basics() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	[ -x "$RI_BIN" ] || skip "no binary at $RI_BIN (run make)"
	[ "$(id -u)" = 0 ] || skip "needs root for the BPF probe"
	[ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF"
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
	# A new server per start: reusing a socket while the old server is
	# still shutting down makes tmux fail with "server exited unexpectedly".
	"${TM[@]}" kill-server 2>/dev/null
	nstarts=$((nstarts + 1))
	SOCK=ri-test-$$-$nstarts
	TM=(tmux -L "$SOCK")
	"${TM[@]}" -f /dev/null new-session -d -s ri -x "$cols" -y "$rows" \
		"env TERM=tmux-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$scratch/config ${envs[*]} $RI_BIN ${args[*]}; echo EXIT=\$?; cat >/dev/null"
	"${TM[@]}" set -g status off >/dev/null 2>&1
}

cap() { "${TM[@]}" capture-pane -p -t "$PANE" 2>/dev/null; }
cap_e() { "${TM[@]}" capture-pane -p -e -t "$PANE"; }
keys() { "${TM[@]}" send-keys -t "$PANE" "$@"; }

# wait_for REGEX [SECONDS]: until the screen matches, or fail.
wait_for() {
	local re=$1 t=${2:-10} i
	for ((i = 0; i < t * 10; i++)); do
		cap | grep -qE -- "$re" && return 0
		sleep 0.1
	done
	return 1
}

# wait_gone REGEX [SECONDS]: until the screen no longer matches. Checks
# after a key wait like this, not with a fixed sleep: on a loaded 2-CPU
# machine the tool may need a moment to get scheduled.
wait_gone() {
	local re=$1 t=${2:-10} i
	for ((i = 0; i < t * 10; i++)); do
		cap | grep -qE -- "$re" || return 0
		sleep 0.1
	done
	return 1
}

# The PID of the tool running in the pane.
tool_pid() {
	local shell
	shell=$("${TM[@]}" display -p -t "$PANE" '#{pane_pid}')
	pgrep -P "$shell" | head -n 1
}

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

# Row N (1-based) of the table: the first line after the column titles.
table_row() {
	cap | awk -v n="$1" 'f && ++i == n { print; exit } /^ +PID[^ ]* +/ { f = 1 }'
}

# column_values TITLE WIDTH: the values of a right-aligned column, cut by
# position under its title (COMM may hold blanks, so fields would not do).
# The sorted column's title ends with an arrow in the last cell.
column_values() {
	awk -v t="$1" -v w="$2" '
	/^ +PID[^ ]* +/ {
		p = index($0, t); r = p + length(t) - 1
		if (substr($0, r + 1, 1) != " ") r++
		next
	}
	p && length($0) > r { v = substr($0, r - w + 1, w); gsub(/ /, "", v); print v }'
}
