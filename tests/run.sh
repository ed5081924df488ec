#!/usr/bin/env bash
# The whole test suite: unit tests of core/, truth tests (the tool against
# workloads that know their own numbers, BPF and procfs sources), faults
# and bad input, recording and replay, fuzzers, the metrics endpoint under
# a real Prometheus, TUI tests in tmux, every kernel. Each test is a
# program that exits 0 (pass), 77 (skip, reason on its last line) or
# anything else (fail). Ends with one line: "N passed, N failed, N skipped".
#
# Environment (set by `make test`): RI_BIN, RI_WORKLOADS, RI_UNIT.
# RI_TESTS=pattern runs only the tests whose name contains the pattern.
# --unit runs only the unit tests (make unit: no root, no BPF toolchain).
set -u
only_unit=false
[ "${1:-}" = --unit ] && only_unit=true
cd "$(dirname "$0")/.."
root=$PWD
: "${RI_BIN:=$root/build/san/resource_image}"
: "${RI_WORKLOADS:=$root/build/tests/workloads}"
: "${RI_UNIT:=$root/build/unit}"
: "${RI_FUZZ:=$root/build/fuzz}"
export RI_BIN RI_WORKLOADS RI_UNIT RI_FUZZ

logdir=$root/build/test-logs
rm -rf "$logdir"
mkdir -p "$logdir/san"
# Sanitizer reports go to files: a report anywhere fails the suite.
export ASAN_OPTIONS="log_path=$logdir/san/asan:detect_leaks=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="log_path=$logdir/san/ubsan:print_stacktrace=1:halt_on_error=1"

pass=0 fail=0 skip=0
failed=()
# The highest BPF program and link ids now: what is older is not the suite's.
bpf_mark=
$only_unit || bpf_mark=$(python3 tests/lib/leftover.py mark 2>/dev/null) || bpf_mark=

run_one() { # name, command...
	local name=$1 log rc t0 t1
	shift
	[ -n "${RI_TESTS:-}" ] && [[ $name != *"$RI_TESTS"* ]] && return
	log=$logdir/${name//\//_}.log
	t0=$(date +%s.%N)
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	t1=$(date +%s.%N)
	local dt
	dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0)
		pass=$((pass + 1))
		printf 'PASS %-60s %5ss  %s\n' "$name" "$dt" "$(tail -n 1 "$log")"
		;;
	77)
		skip=$((skip + 1))
		printf 'SKIP %-60s %5ss  %s\n' "$name" "$dt" "$(tail -n 1 "$log")"
		;;
	*)
		fail=$((fail + 1))
		failed+=("$name")
		printf 'FAIL %-60s %5ss  (exit %d)\n' "$name" "$dt" "$rc"
		# The first line (a TUI test's failed check) and the last ones.
		if [ "$(wc -l <"$log")" -gt 30 ]; then
			head -n 1 "$log" | sed 's/^/    | /'
			echo "    | ..."
		fi
		sed 's/^/    | /' "$log" | tail -n 30
		;;
	esac
}

echo "== unit tests (core/, no root needed)"
for t in "$RI_UNIT"/test_*; do
	[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
if ! $only_unit; then
	echo "== the code's shape (the binary's objects)"
	for t in tests/structure/test_*.py; do
		[ -e "$t" ] && run_one "structure/$(basename "$t" .py)" python3 "$t"
	done
fi
san_reports() {
	# Some runtimes ignore log_path and print to stderr: look in the logs too.
	grep -lE 'runtime error:|ERROR: (Address|Leak)Sanitizer' "$logdir"/*.log 2>/dev/null |
		while read -r l; do cp "$l" "$logdir/san/from-$(basename "$l")"; done
	if ls "$logdir"/san/* >/dev/null 2>&1; then
		fail=$((fail + 1))
		failed+=("sanitizers")
		echo "FAIL sanitizer reports:"
		cat "$logdir"/san/* | head -n 60 | sed 's/^/    | /'
	fi
}

if $only_unit; then
	san_reports
	[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit
fi

echo "== truth tests: the tool against workloads that know their numbers (source: bpf)"
for t in tests/truth/test_*.py; do
	[ -e "$t" ] && run_one "truth/bpf/$(basename "$t" .py)" env RI_SOURCE=bpf python3 "$t"
done

echo "== truth tests, the same truth from the procfs source"
for n in cpu_duty threads io memory short_lived wait cgroup faults net header_network states limits sites; do
	t=tests/truth/test_$n.py
	[ -e "$t" ] && run_one "truth/procfs/test_$n" env RI_SOURCE=procfs python3 "$t"
done

echo "== faults and bad input (what the user sees, in each test's name)"
for t in tests/faults/test_*.py; do
	[ -e "$t" ] && run_one "faults/$(basename "$t" .py)" python3 "$t"
done

echo "== record and replay (the same output replayed, the v1 fixture, damage, crashes, files)"
for t in tests/record/test_*.py; do
	[ -e "$t" ] && run_one "record/$(basename "$t" .py)" python3 "$t"
done

echo "== fuzzers (short round of each parser)"
for t in tests/fuzz/fuzz_*.c; do
	n=$(basename "$t" .c)
	run_one "fuzz/${n#fuzz_}" bash tests/fuzz/run_short.sh "${n#fuzz_}"
done

echo "== the metrics endpoint: a real Prometheus, promtool, abusive clients"
for t in tests/prometheus/test_*.py; do
	[ -e "$t" ] && run_one "prometheus/$(basename "$t" .py)" python3 "$t"
done

echo "== TUI tests (real binary in tmux)"
for t in tests/tui/test_*; do
	case $t in
	*.sh) run_one "tui/$(basename "$t" .sh)" bash "$t" ;;
	*.py) run_one "tui/$(basename "$t" .py)" python3 "$t" ;;
	esac
done

echo "== every kernel, every probe path (qemu; the host's own kernel directly)"
for t in tests/kernels/test_*.sh; do
	[ -e "$t" ] && run_one "kernels/$(basename "$t" .sh)" bash "$t"
done

san_reports

# Nothing of ours may stay loaded, whatever the tests did: no ri_* program
# loaded since the suite began that no live process holds (the same check
# as every Python test's, from tests/lib/rilib.py).
echo "== nothing of ours left loaded"
verdict=$(python3 tests/lib/leftover.py ${bpf_mark:+--since $bpf_mark} 2>&1)
case $? in
0) echo "ok   ${verdict#PASS: }" ;;
77) echo "SKIP ${verdict#SKIP: }" ;;
*)
	fail=$((fail + 1))
	failed+=("leftover-bpf")
	echo "FAIL ${verdict#FAIL: }"
	;;
esac

[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
