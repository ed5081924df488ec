#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run_all.sh - the fault and bad-input tests, one after another (they
# load BPF programs and start storms, so not in parallel). One line per
# test: PASS/FAIL/SKIP, seconds, and the test's last output line; ends
# with "N passed, N failed, N skipped"; exit 1 if any failed.
#
#   sudo tests/faults/run_all.sh                 # all
#   sudo tests/faults/run_all.sh storm signals   # names containing a word
#
# Environment: RI_BIN (default build/san/resource_image when built, else
# build/resource_image), RI_WORKLOADS (default build/tests/workloads).
# Needs root; python3.
set -u
cd "$(dirname "$0")" || exit 1
pass=0 fail=0 skip=0
for t in test_*; do
	[ -x "$t" ] || continue
	if [ $# -gt 0 ]; then
		m=0
		for w in "$@"; do [[ $t == *"$w"* ]] && m=1; done
		[ $m = 1 ] || continue
	fi
	log=$(mktemp)
	t0=$(date +%s.%N)
	"./$t" >"$log" 2>&1 </dev/null
	rc=$?
	dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0) pass=$((pass + 1)); v=PASS ;;
	77) skip=$((skip + 1)); v=SKIP ;;
	*) fail=$((fail + 1)); v=FAIL ;;
	esac
	printf '%s %-66s %5ss  %s\n' "$v" "${t%.*}" "$dt" "$(tail -n 1 "$log")"
	[ $v = FAIL ] && sed 's/^/    | /' "$log" | tail -n 20
	rm -f "$log"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
