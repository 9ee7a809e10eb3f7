#!/bin/sh
# `make test`: every lane, then one closing line with the totals.
#   unit     parts of the VMM that need no /dev/kvm
#   build    the VMM and its tests compile warning-free under clang too
#   host     end-to-end suite on this machine's /dev/kvm
#   asan     the same suite against an ASan+UBSan build
#   nested   the same suite on a real SVM KVM inside QEMU (tests/nested/)
# Set LANES to run fewer, e.g. LANES="unit host".
set -u
cd "$(dirname "$0")/.."
LANES=${LANES:-unit build host asan nested}
MAKE=${MAKE:-make}
log=build/test-logs
mkdir -p "$log"
passed=0 failed=0 lane_failures=""

# count LOG: adds the "N passed, N failed" of a suite's last summary line.
count() {
	line=$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
	if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
	p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$line" | sed 's/.* \([0-9]*\) failed$/\1/')
	passed=$((passed + p)); failed=$((failed + f))
}

run_lane() {
	lane=$1; shift
	echo "=== $lane ==="
	"$@" 2>&1 | tee "$log/$lane.log"
}

for lane in $LANES; do
	case $lane in
	unit) run_lane unit $MAKE -s test-unit ;;
	build)
		run_lane build sh -c "$MAKE -s clean-clang && $MAKE -s CC=clang B=build/clang build/clang/kvm-vmm build/clang/unit-tests && echo 'build: 1 passed, 0 failed' || echo 'build: 0 passed, 1 failed'" ;;
	host) run_lane host $MAKE -s test-host ;;
	asan) run_lane asan $MAKE -s test-asan ;;
	nested) run_lane nested $MAKE -s test-nested ;;
	*) echo "unknown lane $lane"; failed=$((failed + 1)); continue ;;
	esac
	before=$failed
	count "$log/$lane.log"
	[ "$failed" -ne "$before" ] && lane_failures="$lane_failures $lane"
done
[ -n "$lane_failures" ] && echo "lanes with failures:$lane_failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
