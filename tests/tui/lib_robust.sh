# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared by the robustness tests (resize storms, tiny terminals, hang-ups,
# signals, bad theme files, hostile names), sourced after lib.sh.
#
# The tool runs inside a small wrapper script in the pane, so that the
# test can read what a user would only see for an instant: its stderr
# (sanitizer reports land there, not in a log file), its PID and its
# exit status.

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
	"${TM[@]}" kill-server 2>/dev/null
	nstarts=$((nstarts + 1))
	SOCK=ri-test-$$-$nstarts
	TM=(tmux -L "$SOCK")
	w=$(run_file sh)
	{
		# Job control, as in a user's shell: the tool gets a process
		# group of its own, the terminal's foreground one (PRE may say
		# "set +m" to share this shell's, as a script's commands do).
		echo 'set -m'
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

# The PID the wrapper wrote (waits up to 5 s for it).
wrapped_pid() {
	local i f
	f=$(run_file pid)
	for ((i = 0; i < 50; i++)); do
		[ -s "$f" ] && { cat "$f"; return 0; }
		sleep 0.1
	done
	return 1
}

# no_san_report [WHAT]: fails when the tool's stderr holds a sanitizer
# report (or any crash message of ASan/UBSan/LSan).
no_san_report() {
	local e
	e=$(run_file err)
	if grep -qE 'runtime error:|ERROR: [A-Za-z]*Sanitizer|SUMMARY: [A-Za-z]*Sanitizer' "$e" 2>/dev/null; then
		echo "--- tool stderr:"
		head -n 60 "$e" | sed 's/^/  !/'
		fail "${1:-}: sanitizer report in the tool's stderr"
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
