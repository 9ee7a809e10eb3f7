#!/bin/sh
# Runs the fuzz targets for fuzz.mk, and sums them up. Two commands:
#   run.sh run NAME DIR SECONDS
#       copies tests/fuzz/corpus/NAME/ into DIR/corpus/NAME/ (the copy
#       grows; the tree's seeds never change), runs DIR/fuzz_NAME on it for
#       SECONDS, keeps any crash, leak or timeout input in
#       DIR/crashes/NAME/ and libFuzzer's output in DIR/logs/NAME.log, and
#       writes the outcome to DIR/results/NAME. Never fails itself, so
#       make -j lets every target finish.
#   run.sh summary MODE DIR NAME...
#       one line per target, then "fuzz: N passed, M failed"; fails when
#       M > 0. A target that did not build or did not run counts as failed.
set -u

# run_target NAME DIR SECONDS
run_target() {
	name=$1 dir=$2 secs=$3
	bin=$dir/fuzz_$name corpus=$dir/corpus/$name crashes=$dir/crashes/$name
	result=$dir/results/$name log=$dir/logs/$name.log
	mkdir -p "$corpus" "$crashes" "$dir/results" "$dir/logs"
	if [ ! -x "$bin" ]; then
		echo "build" >"$result"
		return 0
	fi
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	fi
	stamp=$dir/results/.$name.start
	: >"$stamp"
	# -close_fd_mask=3: the VMM's own messages (every refused image says
	# why on stderr) go nowhere; libFuzzer's and the sanitizers' reports
	# still reach the log.
	"$bin" -max_total_time="$secs" -print_final_stats=1 -close_fd_mask=3 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" \
		"$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	found=$(find "$crashes" -type f -newer "$stamp" ! -name 'slow-unit-*' | head -n 1)
	rm -f "$stamp"
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		echo "ok ${execs:-0}" >"$result"
	else
		echo "found ${execs:-?} ${rc} ${found:-none}" >"$result"
	fi
	return 0
}

# describe NAME DIR: the target's summary line; returns 1 when it failed.
describe() {
	name=$1 dir=$2
	if [ ! -f "$dir/results/$name" ]; then
		echo "fuzz $name: FAILED: did not run"
		return 1
	fi
	read -r what execs rc found <"$dir/results/$name"
	case $what in
	ok)
		echo "fuzz $name: $execs executions, no crash"
		return 0 ;;
	build)
		echo "fuzz $name: FAILED: did not build"
		return 1 ;;
	*)
		echo "fuzz $name: $execs executions, FAILED (libFuzzer status $rc): input $found, log $dir/logs/$name.log"
		return 1 ;;
	esac
}

summary() {
	mode=$1 dir=$2
	shift 2
	passed=0 failed=0
	for name in "$@"; do
		if describe "$name" "$dir"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	[ "$mode" = fuzz ] || [ "$mode" = test-fuzz ] || echo "run.sh: unknown mode $mode"
	echo "fuzz: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

case ${1:-} in
run)
	shift
	run_target "$@" ;;
summary)
	shift
	summary "$@" ;;
*)
	echo "usage: run.sh run NAME DIR SECONDS | run.sh summary MODE DIR NAME..." >&2
	exit 2 ;;
esac
