#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check.sh KERNEL PROBE - the real resource_image against workloads with
# known truth, with one context-switch probe path, on the running kernel.
#
# Runs the same way inside a qemu guest (busybox sh and awk, nothing else)
# and on the host, so every row of the kernel matrix is measured alike.
# One tool run in batch/JSON mode, chosen by name (-c) so every workload
# is seen from its birth, in two phases:
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
#
# Prints "  ok ..." / "  FAIL ..." detail lines, then one line
#   RESULT <kernel> <probe> PASS|FAIL|SKIP <summary>
# and exits 0 (pass), 1 (fail) or 77 (skip).
#
# Environment: RI_BIN (the tool), RI_WORKLOADS (burn churn writer grow net),
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
q_name=riwait$sfx n_name=rinet$sfx

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
for w in burn churn writer grow net; do
	[ -x "$RI_WORKLOADS/$w" ] || result FAIL "workload $w missing in $RI_WORKLOADS"
done
mkdir -p "$tmp" || result FAIL "cannot create $tmp"

# Which loader served, and what a drain walks (-v says; the matrix shows it).
how=$("$RI_BIN" -v -b --source bpf --probe "$probe" -n 1 -d 0.1 -p 1 2>&1 >/dev/null |
	grep 'loaded by' | sed 's/^resource_image: //')
echo "  info ${how:-the tool did not say how it loaded}"

# ---- one tool run, four workloads -------------------------------------------

out=$tmp/ticks.json
"$RI_BIN" -b --json --source bpf --probe "$probe" -d 0.5 \
	-c "$b_name" -c "$c_name-c" -c "$w_name" -c "$g_name" -c "$q_name" -c "$n_name" \
	>"$out" 2>"$tmp/tool.err" &
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

wait_ticks 1 60

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

rss_truth2=$(awk '{ print $2 * 4096 }' "/proc/$grow/statm")
kill -TERM "$tool" "$grow"
wait "$tool"
tool_rc=$?
wait "$grow"
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
net_how=${how##*socket bytes: }

# ---- the verdict ------------------------------------------------------------

awk -v kernel="$kernel" -v probe="$probe" \
	-v burn="$burn" -v writer="$writer" -v grow="$grow" -v qburn="$qburn" \
	-v wait_truth="$wait_truth" \
	-v netw="$netw" -v net_truth="$net_truth" -v net_counted="$net_counted" \
	-v net_how="$net_how" \
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
	s = $0
	i = index(s, "\"processes\":[")
	s = i ? substr(s, i) : ""
	while ((i = index(s, "{\"pid\":")) > 0) {
		s = substr(s, i + 1)
		j = index(s, "{\"pid\":")
		p = j ? substr(s, 1, j - 1) : s
		pid = val(p, "pid")
		comm = val(p, "comm")
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
	printf "RESULT %s %s %s cpu=%.1f%% exits=%d/%d write=%.1f%% rss=%.1f%% wait=%.0f/%.0f%% net=%s\n",
		kernel, probe, bad ? "FAIL" : "PASS", med, ndead, children,
		wt ? 100 * wbytes / wt : 0, rt ? 100 * rss / rt : 0, wmed, wait_truth, nets
	exit bad ? 1 : 0
}' "$out"
