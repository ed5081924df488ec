#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check.sh KERNEL PROBE - the real resource_image against workloads with
# known truth, with one context-switch probe path, on the running kernel.
#
# Runs the same way inside a qemu guest (busybox sh and awk, nothing else)
# and on the host, so every row of the kernel matrix is measured alike.
# One tool run in batch/JSON mode with thread rows (-H), chosen by name
# (-c) so every workload is seen from its birth, in four phases:
#
#   1. grow    holds 48 MiB resident    rss_bytes within 5% of statm
#      burn    one thread at 50%, alone median cpu_pct within 5 points of
#                                       what it got, CPU sum within 3%
#      burn    two 100% threads pinned  median wait_pct (WAIT%) within 10
#              to one CPU               points of their schedstat run_delay
#                                       over the phase (about 100: each
#                                       waits half the time), never null
#   2. writer  4 MiB/s for 2 s          io_write_bytes sum within 5%
#      churn   20 short-lived children  every one reported as exited,
#                                       CPU sum within 5% of rusage
#   3. net     1 s of loopback TCP      net_tx_bytes and net_rx_bytes
#              between two threads      sums within 1% of the bytes
#                                       moved, where the tool says it
#                                       counts socket bytes (and how:
#                                       tracepoints or kprobes); null
#                                       in every row where it says not
#   4. states  a spinning thread, a     where the tool says it measures
#              nanosleep loop and a     thread states: CPU (cpu_ns), SLEEP
#              reader of a pipe nobody  and OTHER >= 95% of the window's
#              writes (3 s)             wall time; where it says not (raw_tp,
#                                       kprobe, before 5.15), every state of
#                                       every row null (n/a), never 0
#      limits  burn (a thread at 100%,  with the tp_btf probe, where cgroup v2
#              three idle) and grow     is mounted alone at /sys/fs/cgroup
#              (32 MiB) in a cgroup of  (the guests): the cgroup's path,
#              pids.max 40, memory.max  pids.max, memory.max and cpu.max as
#              64 MiB, cpu.max "20000   written; pids.current and
#              100000" (3 s)            memory.current as read (5%); the
#                                       median throttled share within 5
#                                       points of cpu.stat's nr_throttled /
#                                       nr_periods, the hog's CPU% within 3
#                                       of the cgroup's usage_usec and about
#                                       20. On a hybrid host (v1 controllers)
#                                       not here: tests/truth/test_limits.py
#   every tick: each thread row alive for the whole tick (in the tick
#   before, not exited) adds up to 100% +- 5 points (CPU% + WAIT% + the
#   states), where the states are measured; a row next to a wait for a
#   CPU (WAIT% over 5 in it or a row either side: run_delay counts a wait
#   in the tick it ends in) is held to CPU% + states <= 105 instead. On
#   the host, shared, the spinner's and the napper's RUNQ count with
#   their CPU and SLEEP
#
# Prints "  ok ..." / "  FAIL ..." detail lines, then one line
#   RESULT <kernel> <probe> PASS|FAIL|SKIP <summary>
# and exits 0 (pass), 1 (fail) or 77 (skip).
#
# Environment: RI_BIN (the tool), RI_WORKLOADS (burn churn writer grow net
# states),
# RI_TMP (scratch directory, default /tmp).

kernel=${1:?kernel label}
probe=${2:?probe: tp_btf, raw_tp or kprobe}
: "${RI_BIN:?RI_BIN: the resource_image binary}"
: "${RI_WORKLOADS:?RI_WORKLOADS: directory with burn churn writer grow}"
tmp=${RI_TMP:-/tmp}/ri-check-$probe-$$
children=20
burn_s=3
wait_s=2
# Names of this run only (a comm holds 15 bytes): -c picks exactly these.
sfx=$(($$ % 100000))
b_name=riburn$sfx c_name=richurn$sfx w_name=riwriter$sfx g_name=rigrow$sfx
q_name=riwait$sfx n_name=rinet$sfx s_name=ristate$sfx l_name=rilim$sfx
m_name=rimem$sfx
cg=/sys/fs/cgroup/rilim$sfx

result() { # status summary
	echo "RESULT $kernel $probe $1 $2"
	case $1 in
	PASS) exit 0 ;;
	SKIP) exit 77 ;;
	*) exit 1 ;;
	esac
}

# Seconds since boot, as a float: the clock for our own timeouts.
now() { cut -d' ' -f1 /proc/uptime; }
before() { awk -v a="$(now)" -v b="$1" 'BEGIN { exit !(a < b) }'; }
deadline() { awk -v a="$(now)" -v s="$1" 'BEGIN { printf "%.2f", a + s }'; }

lines() { if [ -e "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
	# The cgroup empties as its killed tasks go.
	if [ -d "$cg" ]; then
		t_end=$(deadline 5)
		until rmdir "$cg" 2>/dev/null || ! before "$t_end"; do sleep 0.05; done
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- preconditions ----------------------------------------------------------

if [ "$probe" = kprobe ] && [ ! -e /sys/bus/event_source/devices/kprobe ] &&
	[ ! -e /sys/kernel/tracing/kprobe_events ] &&
	[ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
	# The tool must say so itself, not fail in some other way.
	msg=$("$RI_BIN" -b --json --source bpf --probe kprobe -n 1 -d 0.1 -p 1 2>&1 >/dev/null)
	case $msg in
	*kprobe*)
		echo "  ok   without kprobes the tool says: $msg"
		result SKIP "this kernel has no kprobes" ;;
	*) echo "  FAIL without kprobes the tool said: $msg"
	   result FAIL "no kprobes, and the tool's error does not say so" ;;
	esac
fi
for w in burn churn writer grow net states; do
	[ -x "$RI_WORKLOADS/$w" ] || result FAIL "workload $w missing in $RI_WORKLOADS"
done
mkdir -p "$tmp" || result FAIL "cannot create $tmp"

# The limits phase: with tp_btf only (the limits do not depend on the
# probe), where cgroup v2 holds every controller at /sys/fs/cgroup. A
# hybrid host keeps memory, pids and cpu on v1: test_limits.py covers it.
cg_on=0
cg_why="not checked: no cgroup v2 alone at /sys/fs/cgroup (a hybrid or v1 host: tests/truth/test_limits.py)"
if [ "$probe" != tp_btf ]; then
	cg_why="checked with tp_btf"
elif [ -e /sys/fs/cgroup/cgroup.controllers ] && [ ! -d /sys/fs/cgroup/memory ]; then
	echo "+memory +pids +cpu" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	if mkdir "$cg" && echo 40 >"$cg/pids.max" && echo $((64 << 20)) >"$cg/memory.max" &&
		echo "20000 100000" >"$cg/cpu.max"; then
		echo 0 >"$cg/memory.swap.max" 2>/dev/null
		cg_on=1
	elif [ "$kernel" = host ]; then
		cg_why="not checked: cannot make a cgroup v2 with memory, pids and cpu here"
	else
		result FAIL "cannot make a cgroup v2 with pids.max, memory.max, cpu.max: $(cat /sys/fs/cgroup/cgroup.subtree_control 2>&1)"
	fi
fi

# ---- one tool run, four workloads -------------------------------------------

out=$tmp/ticks.json
"$RI_BIN" -v -b --json --source bpf --probe "$probe" -d 0.5 \
	-H -c "$b_name" -c "$c_name-c" -c "$w_name" -c "$g_name" -c "$q_name" -c "$n_name" \
	-c "$s_name" -c "$l_name" -c "$m_name" >"$out" 2>"$tmp/tool.err" &
tool=$!
pids="$pids $tool"

wait_ticks() { # count, seconds
	t_end=$(deadline "$2")
	while [ "$(lines "$out")" -lt "$1" ]; do
		if ! kill -0 "$tool" 2>/dev/null; then
			echo "  FAIL tool exited early: $(tail -n 3 "$tmp/tool.err" | tr '\n' ' ')"
			result FAIL "tool exited early: $(tail -n 1 "$tmp/tool.err")"
		fi
		before "$t_end" || result FAIL "no tick $1 within $2 s"
		sleep 0.2
	done
}

wait_ready() { # stderr file of a workload, pid, seconds
	t_end=$(deadline "$3")
	until grep -q '^ready' "$1" 2>/dev/null; do
		kill -0 "$2" 2>/dev/null || result FAIL "workload died early: $(tail -n 1 "$1")"
		before "$t_end" || result FAIL "workload not ready within $3 s"
		sleep 0.05
	done
}

# Under emulation a load the verifier refuses and the one after take a while.
wait_ticks 1 240
# Which loader served, what a drain walks, what it counts (-v says, as it
# loads; the matrix shows it).
how=$(grep -m1 'loaded by' "$tmp/tool.err" | sed 's/^resource_image: //')
echo "  info ${how:-the tool did not say how it loaded}"
case $how in
*"thread states: measured"*) states_on=1 ;;
*"thread states: not measured"*) states_on=0 ;;
*) result FAIL "the tool did not say whether it measures thread states: $how" ;;
esac
states_how=${how##*thread states: }
# Only tp_btf reads them, and from 5.15 (bpf_task_pt_regs) every kernel can.
if [ "$probe" != tp_btf ] && [ $states_on = 1 ]; then
	result FAIL "thread states measured through $probe, which cannot read them"
fi
if [ "$probe" = tp_btf ] && [ $states_on = 0 ] &&
	uname -r | awk -F. '{ exit !($1 > 5 || ($1 == 5 && $2 + 0 >= 15)) }'; then
	result FAIL "thread states not measured on $(uname -r): $states_how"
fi

# Phase 1: the burner alone (grow only holds its pages by then), so that
# on two emulated CPUs nothing else competes for its 50%.
"$RI_WORKLOADS/grow" --name "$g_name" --start 48M --rate 0 --seconds 120 \
	--truth "$tmp/grow.truth" 2>"$tmp/grow.err" &
grow=$!
pids="$pids $grow"
wait_ready "$tmp/grow.err" "$grow" 60
"$RI_WORKLOADS/burn" --name "$b_name" --seconds 120 --thread "$b_name-t:50" \
	--truth "$tmp/burn.truth" 2>"$tmp/burn.err" &
burn=$!
pids="$pids $burn"
wait_ready "$tmp/burn.err" "$burn" 30
# Its steady ticks: the first and last ones it appears in are partial.
n=$(lines "$out")
wait_ticks $((n + burn_s * 2 + 2)) $((burn_s * 4 + 30))
kill -TERM "$burn"
wait "$burn"
rss_truth=$(awk '{ print $2 * 4096 }' "/proc/$grow/statm")

# Phase 1b: run-queue wait. Two 100% threads share the last CPU, so each
# waits for it about half the time; the truth is their own run_delay
# (schedstat field 2, the main thread's too) over the phase, by uptime.
qcpu=$(($(nproc) - 1))
"$RI_WORKLOADS/burn" --name "$q_name" --seconds 120 --thread "$q_name-a:100:$qcpu" \
	--thread "$q_name-b:100:$qcpu" 2>"$tmp/wait.err" &
qburn=$!
pids="$pids $qburn"
wait_ready "$tmp/wait.err" "$qburn" 30
delay_sum() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $2 } END { printf "%.0f\n", s }'; }
q_t0=$(now)
q_d0=$(delay_sum "$qburn")
n=$(lines "$out")
wait_ticks $((n + wait_s * 2 + 2)) $((wait_s * 4 + 30))
q_t1=$(now)
q_d1=$(delay_sum "$qburn")
kill -TERM "$qburn"
wait "$qburn"
wait_truth=$(awk -v a="$q_d0" -v b="$q_d1" -v t0="$q_t0" -v t1="$q_t1" \
	'BEGIN { printf "%.2f", (t1 > t0 ? (b - a) / 1e7 / (t1 - t0) : -1) }')

# Phase 2: the writer and the short-lived children together.
"$RI_WORKLOADS/writer" --name "$w_name" --rate 4M --seconds 2 --chunk 64K \
	--file-size 8M --dir "$tmp" --truth "$tmp/writer.truth" 2>"$tmp/writer.err" &
writer=$!
pids="$pids $writer"
"$RI_WORKLOADS/churn" --name "$c_name" --children $children --cpu-ms 20 \
	--write-kib 16 --dir "$tmp" --truth "$tmp/churn.truth" 2>"$tmp/churn.err"
churn_rc=$?
wait "$writer"
writer_rc=$?
# The interval holding the last exits, plus one spare.
n=$(lines "$out")
wait_ticks $((n + 2)) 30

# Phase 3: socket bytes, a second of loopback TCP; its last bytes are in
# the tick after its exit.
"$RI_WORKLOADS/net" --name "$n_name" --stream 1 >"$tmp/net.out" 2>"$tmp/net.err" &
netw=$!
wait "$netw"
net_rc=$?
net_truth=$(awk '$1 == "bytes" { print $2 }' "$tmp/net.out")
n=$(lines "$out")
wait_ticks $((n + 2)) 30

# Phase 4: the states, and the limits of a cgroup v2, side by side: the
# spinner has the last CPU, the throttled hog the first.
states=0 lburn=0 lgrow=0
if [ $states_on = 1 ]; then
	"$RI_WORKLOADS/states" --name "$s_name" --only spin,nap,pipe \
		--truth "$tmp/states.truth" 2>"$tmp/states.err" &
	states=$!
	pids="$pids $states"
	wait_ready "$tmp/states.err" "$states" 30
fi
if [ $cg_on = 1 ]; then
	# Born in the cgroup: the shell moves itself in, then becomes the workload.
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' - "$cg" \
		"$RI_WORKLOADS/grow" --name "$m_name" --start 32M --rate 0 --seconds 120 \
		2>"$tmp/lgrow.err" &
	lgrow=$!
	pids="$pids $lgrow"
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' - "$cg" \
		"$RI_WORKLOADS/burn" --name "$l_name" --seconds 120 --thread "$l_name-h:100:0" \
		--thread "$l_name-a:0" --thread "$l_name-b:0" --thread "$l_name-c:0" \
		2>"$tmp/lburn.err" &
	lburn=$!
	pids="$pids $lburn"
	wait_ready "$tmp/lgrow.err" "$lgrow" 30
	wait_ready "$tmp/lburn.err" "$lburn" 30
fi
cg_stat() { awk '{ printf "%s=%s ", $1, $2 }' "$cg/cpu.stat"; }
if [ $states -ne 0 ] || [ $cg_on = 1 ]; then
	n=$(lines "$out")
	# The throttling is compared over these ticks only: the workloads
	# may have taken a while to be ready.
	[ $cg_on = 1 ] && l_n0=$n && l_t0=$(now) && l_s0=$(cg_stat)
	wait_ticks $((n + 7)) 40
	if [ $cg_on = 1 ]; then
		l_t1=$(now)
		l_s1=$(cg_stat)
		l_pids=$(cat "$cg/pids.current")
		l_mem=$(cat "$cg/memory.current")
	fi
fi

rss_truth2=$(awk '{ print $2 * 4096 }' "/proc/$grow/statm")
# The tool first: its last tick must not see grow go.
kill -TERM "$tool"
wait "$tool"
tool_rc=$?
kill -TERM "$grow"
wait "$grow"
for p in $states $lburn $lgrow; do
	[ "$p" -ne 0 ] && kill -TERM "$p" && wait "$p"
done
pids=""

[ "$tool_rc" -eq 0 ] || result FAIL "tool exit code $tool_rc: $(tail -n 1 "$tmp/tool.err")"
[ "$writer_rc" -eq 0 ] || result FAIL "writer failed: $(tail -n 1 "$tmp/writer.err")"
[ "$churn_rc" -eq 0 ] || result FAIL "churn failed: $(tail -n 1 "$tmp/churn.err")"
[ "$net_rc" -eq 0 ] && [ -n "$net_truth" ] ||
	result FAIL "net workload failed: $(tail -n 1 "$tmp/net.err")"
case $how in
*"socket bytes: not counted"*) net_counted=0 ;;
*"socket bytes: "*) net_counted=1 ;;
*) result FAIL "the tool did not say how it counts socket bytes: $how" ;;
esac
net_how=${how#*socket bytes: }
net_how=${net_how%%; thread states: *}

# ---- the verdict ------------------------------------------------------------

awk -v kernel="$kernel" -v probe="$probe" \
	-v burn="$burn" -v writer="$writer" -v grow="$grow" -v qburn="$qburn" \
	-v wait_truth="$wait_truth" \
	-v netw="$netw" -v net_truth="$net_truth" -v net_counted="$net_counted" \
	-v net_how="$net_how" \
	-v states="$states" -v states_on="$states_on" -v states_how="$states_how" \
	-v cg_on="$cg_on" -v cg_why="$cg_why" -v cg_path="/${cg##*/}" \
	-v lburn="$lburn" -v lgrow="$lgrow" -v l_pids="${l_pids:-}" -v l_mem="${l_mem:-}" \
	-v l_s0="${l_s0:-}" -v l_s1="${l_s1:-}" -v l_t0="${l_t0:-0}" -v l_t1="${l_t1:-0}" -v l_n0="${l_n0:-0}" \
	-v children="$children" -v child_comm="$c_name-c" -v rss1="$rss_truth" -v rss2="$rss_truth2" \
	-v burn_truth="$(cat "$tmp/burn.truth")" \
	-v writer_truth="$(cat "$tmp/writer.truth")" \
	-v churn_truth="$(cat "$tmp/churn.truth")" '
# The value of "key": in a flat JSON object (string or number).
function val(s, key,   i, v) {
	i = index(s, "\"" key "\":")
	if (!i)
		return ""
	v = substr(s, i + length(key) + 3)
	if (substr(v, 1, 1) == "\"") {
		v = substr(v, 2)
		return substr(v, 1, index(v, "\"") - 1)
	}
	match(v, /^[^],}]*/)
	return substr(v, 1, RLENGTH)
}
function abs(x) { return x < 0 ? -x : x }
# The value of "key=value" in a line of such words (cpu.stat, as read).
function kv(s, key,   i, v) {
	i = index(" " s, " " key "=")
	if (!i)
		return ""
	v = substr(s, i + length(key) + 1)
	return substr(v, 1, index(v " ", " ") - 1)
}
# The shares of a row against 100%: the worst, and the first ones off.
function sum_check(sum, pid, comm, what) {
	nsum++
	if (abs(sum - 100) > maxdev)
		maxdev = abs(sum - 100)
	if (abs(sum - 100) > 5) {
		sum_bad++
		if (sum_bad <= 3)
			sum_ex = sum_ex sprintf(" %s/%s %s %.1f%%", pid, comm, what, sum)
	}
}
# A thread row of process pid in tick nticks: the sum of its shares, and
# what the threads of the states workload spent in each state.
#
# RUNQ is run_delay of the kernel, which a wait joins only as the thread
# gets a CPU: a wait across the edge of a tick counts in the tick it ends in.
# So a row is held to 100% +- 5 (emulated clocks jitter) when neither it
# nor the rows either side of it wait more than 5% (the row after
# decides); else its CPU and states alone, which are cut at the tick,
# must not pass 100% + 5.
function thread_row(t, pid,   tid, comm, k, sum, x, st, nul, w) {
	tid = val(t, "tid")
	comm = val(t, "comm")
	nthr++
	nul = 0
	sum = 0
	for (k = 1; k <= 8; k++) {
		x = val(t, shares[k])
		if (x == "null" || x == "")
			nul = 1
		sum += x
	}
	w = val(t, "wait_pct") + 0
	if (states_on && pend[tid] && pend[tid] == nticks - 1) {
		if (w <= 5)
			sum_check(psum[tid], pid, comm, "")
		else
			nedge++
	}
	pend[tid] = 0
	if (states_on && last_seen[tid] == nticks - 1 && val(t, "exited") != "true") {
		if (nul)
			sum_null++
		else if (w <= 5 && last_wait[tid] <= 5) {
			pend[tid] = nticks
			psum[tid] = sum
		} else {
			nedge++
			if (sum - w > 105)
				sum_check(sum - w, pid, comm, "without RUNQ")
		}
	}
	last_seen[tid] = nticks
	last_wait[tid] = w
	if (pid == states && (comm == "spin" || comm == "nap" || comm == "pipe")) {
		k = ++seen[comm]
		ival[comm, k] = interval
		st[1] = "cpu_ns"; st[2] = "state_sleep_ns"; st[3] = "state_other_ns"
		st[4] = "wait_ns"
		for (x = 1; x <= 4; x++)
			tns[comm, k, st[x]] = val(t, st[x]) + 0
	}
}
# The share of its window (its 3rd to next-to-last tick: the first is
# partial, the second may still hold the sleep it started in) that thread
# comm spent in key, in percent; -1 with too few ticks.
function window(comm, key,   k, w, v) {
	w = v = 0
	for (k = 3; k < seen[comm]; k++) {
		w += ival[comm, k] * 1e9
		v += tns[comm, k, key]
	}
	return w > 0 && seen[comm] >= 5 ? 100 * v / w : -1
}
BEGIN {
	shares[1] = "cpu_pct"; shares[2] = "wait_pct"
	shares[3] = "state_disk_pct"; shares[4] = "state_blocked_pct"
	shares[5] = "state_lock_pct"; shares[6] = "state_net_pct"
	shares[7] = "state_sleep_pct"; shares[8] = "state_other_pct"
}
# The median of v[2..n-1] (the first and last ticks are partial), -1 if
# none; how many it had in nsteady.
function steady_median(v, n,   s, m, k, a, b, t) {
	m = 0
	for (k = 2; k < n; k++)
		s[++m] = v[k]
	for (a = 2; a <= m; a++)
		for (b = a; b > 1 && s[b - 1] > s[b]; b--) {
			t = s[b]; s[b] = s[b - 1]; s[b - 1] = t
		}
	nsteady = m
	return m ? (m % 2 ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2) : -1
}
function check(ok, text) {
	printf "  %s %s\n", ok ? "ok  " : "FAIL", text
	if (!ok)
		bad++
}
{
	nticks++
	if (val($0, "source") != "bpf" || val($0, "probe") != probe)
		wrong = "tick " nticks " says source " val($0, "source") " probe " val($0, "probe")
	dropped = val($0, "dropped")
	interval = val($0, "interval_s") + 0
	# n/a: every state field of every row, process and thread, is null.
	if (!states_on) {
		s = $0
		st_all += gsub(/"state_[a-z]+_(pct|ns)":/, "", s)
		s = $0
		st_null += gsub(/"state_[a-z]+_(pct|ns)":null/, "", s)
	}
	s = $0
	i = index(s, "\"processes\":[")
	s = i ? substr(s, i) : ""
	while ((i = index(s, "{\"pid\":")) > 0) {
		s = substr(s, i + 1)
		j = index(s, "{\"pid\":")
		p = j ? substr(s, 1, j - 1) : s
		pid = val(p, "pid")
		comm = val(p, "comm")
		i = index(p, "\"threads\":[")
		ts = i ? substr(p, i) : ""
		while ((i = index(ts, "{\"tid\":")) > 0) {
			ts = substr(ts, i + 1)
			j = index(ts, "{\"tid\":")
			thread_row(j ? substr(ts, 1, j - 1) : ts, pid)
		}
		if (cg_on && (pid == lburn || pid == lgrow)) {
			lrows++
			if (val(p, "cgroup") != cg_path)
				lwrong = "cgroup " val(p, "cgroup")
			if (val(p, "path") != cg_path || val(p, "v1") != "false")
				lwrong = "limits_cgroup path " val(p, "path") " v1 " val(p, "v1")
			lim_pids = val(p, "pids") " of " val(p, "pids_max")
			lim_mem = val(p, "memory_bytes") " of " val(p, "memory_max_bytes")
			lim_cpu = val(p, "cpu_quota_seconds") " every " val(p, "cpu_period_seconds")
			x = substr(p, index(p, "\"headroom\":"))
			room_thr = val(substr(x, index(x, "\"threads\":")), "limit")
			room_mem = val(substr(x, index(x, "\"mem\":")), "limit")
			room_mem_pct = val(substr(x, index(x, "\"mem\":")), "pct")
		}
		if (cg_on && pid == lburn && nticks > l_n0) {
			lpct[++nl] = val(p, "cpu_pct") + 0
			x = val(p, "throttled_pct")
			if (x == "null" || x == "")
				tnull++
			else
				tpct[++nt] = x + 0
		}
		if (pid == burn) {
			bpct[++nb] = val(p, "cpu_pct") + 0
			bcpu += val(p, "cpu_ns")
		}
		if (pid == writer)
			wbytes += val(p, "io_write_bytes")
		if (pid == qburn) {
			w = val(p, "wait_pct")
			if (w == "null" || w == "")
				wnull++
			else
				wpct[++nw] = w + 0
		}
		if (pid == grow)
			rss = val(p, "rss_bytes") + 0
		if (pid == netw) {
			nrows++
			if (val(p, "net_tx_bytes") == "null" || val(p, "net_rx_bytes") == "null")
				nnull++
			else {
				ntx += val(p, "net_tx_bytes")
				nrx += val(p, "net_rx_bytes")
			}
		}
		if (comm == child_comm) {
			if (val(p, "exited") == "true" && !(pid in dead)) {
				dead[pid] = 1
				ndead++
			}
			ccpu += val(p, "cpu_ns")
		}
	}
}
END {
	check(wrong == "", "every tick from source bpf, probe " probe (wrong == "" ? "" : ": " wrong))
	check(nticks > 0 && dropped == 0, nticks " ticks, " dropped + 0 " exit records dropped")

	# burn: median of the steady ticks (first and last appearance dropped).
	med = steady_median(bpct, nb)
	m = nsteady
	# Truth is what the burner got by its own CPU clock: 50% of a CPU
	# unless the machine starved it.
	duty = val(burn_truth, "measured_duty") + 0
	check(m >= 3 && abs(med - duty) <= 5,
	      sprintf("burn: cpu_pct median of %d steady ticks %.1f (truth %.1f from the burner CPU clock, asked 50, tol 5)",
		      m, med, duty))
	bns = val(burn_truth, "cpu_ns") + 0
	check(bns > 0 && abs(bcpu - bns) <= 0.03 * bns,
	      sprintf("burn: cpu_ns sum %.1f ms (truth %.1f ms, tol 3%%)", bcpu / 1e6, bns / 1e6))

	# run-queue wait: the median of the steady ticks against run_delay.
	wmed = steady_median(wpct, nw)
	m = nsteady
	wtol = wait_truth > 100 ? wait_truth / 10 : 10
	check(!wnull && m >= 2 && wait_truth > 50 && abs(wmed - wait_truth) <= wtol,
	      sprintf("wait: wait_pct median of %d steady ticks %.1f (schedstat run_delay %.1f, tol 10 or 10%%; %d null)",
		      m, wmed, wait_truth, wnull))

	# churn: every child seen exiting, and all of its CPU time.
	cns = val(churn_truth, "children_cpu_ns") + 0
	cok = val(churn_truth, "children_ok") + 0
	check(ndead == children && cok == children,
	      sprintf("churn: %d of %d children reported exited (%d succeeded)", ndead, children, cok))
	check(cns > 0 && abs(ccpu - cns) <= 0.05 * cns,
	      sprintf("churn: children cpu_ns sum %.1f ms (rusage %.1f ms, tol 5%%)", ccpu / 1e6, cns / 1e6))

	# writer: logical bytes over its whole life, exit included.
	wt = val(writer_truth, "bytes_written") + 0
	check(wt > 0 && abs(wbytes - wt) <= 0.05 * wt,
	      sprintf("writer: io_write_bytes sum %d (wrote %d, tol 5%%)", wbytes, wt))

	# grow: resident bytes against the kernel own statm, read around the run.
	rt = (rss1 + rss2) / 2
	check(rt > 0 && abs(rss - rt) <= 0.05 * rt,
	      sprintf("grow: rss_bytes %.1f MiB (statm %.1f MiB, tol 5%%; 48 MiB touched)", rss / 1048576, rt / 1048576))

	# net: every byte each way, by the path the tool said; or n/a.
	if (net_counted) {
		check(nrows > 0 && !nnull && abs(ntx - net_truth) <= 0.01 * net_truth &&
		      abs(nrx - net_truth) <= 0.01 * net_truth,
		      sprintf("net (%s): sent %.0f, received %.0f (moved %.0f each way, tol 1%%; %d of %d rows null)",
			      net_how, ntx, nrx, net_truth, nnull, nrows))
		nets = sprintf("%.1f%%", net_truth ? 100 * ntx / net_truth : 0)
	} else {
		check(nrows > 0 && nnull == nrows,
		      sprintf("net: %s, and every row says null (%d of %d)", net_how, nnull, nrows))
		nets = "n/a"
	}
	# states: what the three threads did, and every row adding up; or n/a.
	if (states_on) {
		sc = window("spin", "cpu_ns")
		ss = window("nap", "state_sleep_ns")
		so = window("pipe", "state_other_ns")
		# A host is shared: a task of another cgroup takes its share of the
		# spinner CPU whatever its nice value, and delays the napper wake-ups.
		# What the machine held back is RUNQ there; a guest is ours alone.
		if (kernel == "host") {
			sq = window("spin", "wait_ns")
			nq = window("nap", "wait_ns")
		} else
			sq = nq = 0
		check(sc + sq >= 95, sprintf("states: spin CPU %.1f%% of its window (>= 95%s)", sc,
			kernel == "host" ? sprintf(" with RUNQ %.1f on a shared host", sq) : ""))
		check(ss + nq >= 95, sprintf("states: nap SLEEP %.1f%% of its window (>= 95%s)", ss,
			kernel == "host" ? sprintf(" with RUNQ %.1f on a shared host", nq) : ""))
		check(so >= 95, sprintf("states: pipe OTHER %.1f%% of its window (>= 95)", so))
		check(nsum > 0 && !sum_bad && !sum_null,
		      sprintf("states: %d thread rows alive for the whole tick add up to 100%% +- 5 (worst %.1f off; %d null; %d next to a wait for a CPU, CPU + states <= 105)%s",
			      nsum, maxdev, sum_null, nedge, sum_bad ? ":" sum_ex : ""))
		sts = sprintf("cpu%.0f/sleep%.0f/other%.0f/sum+-%.1f", sc, ss, so, maxdev)
	} else {
		check(nthr > 0 && st_all > 0 && st_null == st_all,
		      sprintf("states: %s, and every state of every row is null (%d of %d fields, %d thread rows)",
			      states_how, st_null, st_all, nthr))
		sts = "n/a"
	}

	# limits of a cgroup v2: as written, as read, and its throttling.
	if (cg_on) {
		tp = kv(l_s1, "nr_periods") - kv(l_s0, "nr_periods")
		tt = kv(l_s1, "nr_throttled") - kv(l_s0, "nr_throttled")
		tshare = tp > 0 ? 100 * tt / tp : -1
		tusage = l_t1 > l_t0 ? (kv(l_s1, "usage_usec") - kv(l_s0, "usage_usec")) / 1e4 / (l_t1 - l_t0) : -1
		check(lrows > 0 && lwrong == "",
		      sprintf("limits: %d rows of the cgroup name it %s (v2)%s", lrows, cg_path,
			      lwrong == "" ? "" : ": " lwrong))
		check(lim_pids == l_pids " of 40" && room_thr + 0 == 40,
		      sprintf("limits: tasks %s (pids.current %s, pids.max 40), threads headroom against %s",
			      lim_pids, l_pids, room_thr))
		split(lim_mem, mm, " of ")
		check(mm[2] + 0 == 64 * 1048576 && room_mem + 0 == 64 * 1048576 &&
		      abs(mm[1] - l_mem) <= 0.05 * l_mem && abs(room_mem_pct - 100 * l_mem / mm[2]) <= 5,
		      sprintf("limits: memory %.1f MiB of %.1f MiB (memory.current %.1f MiB, tol 5%%), headroom %.1f%% of %.1f MiB",
			      mm[1] / 1048576, mm[2] / 1048576, l_mem / 1048576, room_mem_pct, room_mem / 1048576))
		check(lim_cpu == "0.020000 every 0.100000",
		      sprintf("limits: cpu quota %s s (cpu.max 20000 100000)", lim_cpu))
		tmed = steady_median(tpct, nt)
		m = nsteady
		check(!tnull && m >= 3 && abs(tmed - tshare) <= 5,
		      sprintf("limits: throttled median of %d steady ticks %.1f%% (cpu.stat %d of %d periods: %.1f%%, tol 5; %d null)",
			      m, tmed, tt, tp, tshare, tnull))
		lmed = steady_median(lpct, nl)
		m = nsteady
		check(m >= 3 && abs(lmed - tusage) <= 3 && abs(lmed - 20) <= 3,
		      sprintf("limits: throttled hog cpu_pct median of %d steady ticks %.1f (cpu.stat usage %.1f%%, quota 20%%, tol 3)",
			      m, lmed, tusage))
		cgs = sprintf("thr%.0f/%.0f,cpu%.1f", tmed, tshare, lmed)
	} else {
		cgs = "n/a"
		if (probe == "tp_btf")
			printf "  info limits %s\n", cg_why
	}
	printf "RESULT %s %s %s cpu=%.1f%% exits=%d/%d write=%.1f%% rss=%.1f%% wait=%.0f/%.0f%% net=%s states=%s cgv2=%s\n",
		kernel, probe, bad ? "FAIL" : "PASS", med, ndead, children,
		wt ? 100 * wbytes / wt : 0, rt ? 100 * rss / rt : 0, wmed, wait_truth, nets, sts, cgs
	exit bad ? 1 : 0
}' "$out"
