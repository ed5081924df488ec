#!/usr/bin/env bash
# A short fuzzing round of one harness, as part of `make test`: the seed
# corpus plus FUZZ_SHORT seconds of new inputs. Any crash fails the test,
# and so does an input that takes over 10 s (a parser that spins: without
# -timeout libFuzzer waits 20 minutes on one input).
set -u
name=$1
bin=$RI_FUZZ/fuzz_$name
[ -x "$bin" ] || { echo "fuzzer $bin not built"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" -max_total_time="${FUZZ_SHORT:-6}" -timeout=10 -artifact_prefix="$work/" \
	"$work" "$(dirname "$0")/corpus/$name" >"$work/log" 2>&1
rc=$?
if [ $rc -ne 0 ] || ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* >/dev/null 2>&1; then
	tail -n 40 "$work/log"
	exit 1
fi
echo "$(grep -E '^Done [0-9]+ runs' "$work/log" | tail -n 1), no crash"
