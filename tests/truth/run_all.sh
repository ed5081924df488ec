#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_all.sh - runs every tests/truth/test_*.py one after another (they
# measure CPU and I/O, so running them in parallel would skew each other)
# and prints one PASS/FAIL/SKIP line per test.  Exit status is 1 if any
# test failed, else 0.  Extra arguments select tests by name, e.g.
#   tests/truth/run_all.sh cpu_duty io
# Environment: see README.md (RI_BIN, RI_WORKLOADS, RI_SOURCE, RI_IODIR).

cd "$(dirname "$0")" || exit 1

if [ $# -gt 0 ]; then
	tests=""
	for t in "$@"; do
		tests="$tests test_${t#test_}"
	done
else
	tests=$(ls test_*.py | sed 's/\.py$//')
fi

failed=0
for t in $tests; do
	echo "=== $t (source ${RI_SOURCE:-bpf})"
	python3 "./${t%.py}.py"
	rc=$?
	case $rc in
	0) echo "PASS $t" ;;
	77) echo "SKIP $t" ;;
	*) echo "FAIL $t (exit $rc)"; failed=1 ;;
	esac
done
exit $failed
