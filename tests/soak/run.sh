#!/bin/sh
# The random-guest soak's runner (tests/soak/README.md): runs every image in
# a directory through a VMM, one run each, and fails a run that ends in a way
# kvm-vmm never promises: killed by a signal, a status outside its table, a
# hang past --timeout, or a sanitizer report on stderr. POSIX sh: it runs in
# the nested lane under busybox as well as on a host with /dev/kvm.
#
# usage: run.sh VMM IMAGE_DIR
# Environment:
#   SOAK_TIMEOUT  kvm-vmm's --timeout, seconds (default 2)
#   SOAK_KILL     seconds after which a run is killed as hung (default 10):
#                 --timeout plus the start and teardown of the VMM
#   SOAK_SAVE     a directory to copy each failing image, stderr, status to
#   SOAK_LABEL    the summary line's name (default soak)
#   SOAK_MIN_RAN  percent of images that must run guest code (default 33)
#   SOAK_MAX_FAIL stop after this many failures (default 25): a VMM that
#                 hangs every time would otherwise hold the lane for hours
# Each run is announced as `@@soak-run NAME` (soak.sh hides these; should
# the lane die, the last one names the image). Each failure prints
# `FAIL NAME: why`, then its stderr between the lines
# `@@soak-stderr-begin NAME STATUS` and `@@soak-stderr-end NAME`, which
# soak.sh extracts. `gen --one NAME DIR` writes the image again.
# Output ends with a status tally and `LABEL: N passed, M failed`.
set -u
[ $# -eq 2 ] || { echo "usage: run.sh VMM IMAGE_DIR" >&2; exit 2; }
vmm=$1 dir=$2
t=${SOAK_TIMEOUT:-2} kill_s=${SOAK_KILL:-10} label=${SOAK_LABEL:-soak}
min_ran=${SOAK_MIN_RAN:-33} max_fail=${SOAK_MAX_FAIL:-25}
# UBSan's reports name the line; a stack trace says how it got there.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/statuses"

# Centiseconds since boot: busybox's date has no %N. The 1 in front keeps
# a fraction such as 05 from being read as octal.
now_cs() { read -r up _ </proc/uptime; echo $((${up%.*} * 100 + 1${up#*.} - 100)); }

# why STATUS: empty when the run passes, else what was wrong with it.
why() {
	if grep -q -E 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|MemorySanitizer|runtime error:' "$tmp/err"; then
		echo "sanitizer report (status $1)"
	elif [ "$1" -eq 137 ]; then
		echo "hang: killed after $kill_s s, though --timeout $t asked for an end at $t s"
	elif [ "$1" -eq 120 ]; then
		echo "status 120, a usage error: the soak's own command line is wrong"
	elif [ "$1" -eq 159 ]; then
		echo "status 159: the sandbox stopped kvm-vmm at a forbidden system call (a kvm-vmm bug)"
	elif [ "$1" -gt 128 ]; then
		echo "killed by signal $(($1 - 128)) (status $1)"
	elif [ "$1" -gt 126 ]; then
		echo "status $1, which kvm-vmm does not document"
	fi
}

n=0 passed=0 failed=0 ran=0 slow_cs=0 slow_name=
start=$(now_cs)
for img in "$dir"/*; do
	[ -f "$img" ] || continue
	name=$(basename "$img")
	n=$((n + 1))
	echo "@@soak-run $name"
	t0=$(now_cs)
	timeout -s KILL "$kill_s" "$vmm" --timeout "$t" "$img" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	dt=$(($(now_cs) - t0))
	[ "$dt" -gt "$slow_cs" ] && slow_cs=$dt slow_name=$name
	echo "$rc" >>"$tmp/statuses"
	# Guest code certainly ran: it halted or exited (0-119), faulted (123)
	# or made a bad hypercall (125). Not 121 (refused by the loader), nor
	# 124, which a guest stuck before its first instruction also gives.
	case $rc in 123 | 125) ran=$((ran + 1)) ;; *) [ "$rc" -le 119 ] && ran=$((ran + 1)) ;; esac
	reason=$(why "$rc")
	if [ -z "$reason" ]; then
		passed=$((passed + 1))
		[ -n "${SOAK_VERBOSE:-}" ] && echo "ok   $name: status $rc, $dt cs"
		[ $((n % 50)) -eq 0 ] && echo "$label: $n images, $failed failed so far, $(($(now_cs) - start))0 ms"
		continue
	fi
	failed=$((failed + 1))
	echo "FAIL $name: $reason; reproduce: gen --one $name DIR && kvm-vmm --timeout $t DIR/$name"
	echo "@@soak-stderr-begin $name $rc"
	head -n 200 "$tmp/err"
	echo "@@soak-stderr-end $name"
	if [ -n "${SOAK_SAVE:-}" ]; then
		mkdir -p "$SOAK_SAVE" && cp "$img" "$SOAK_SAVE/$name" && cp "$tmp/err" "$SOAK_SAVE/$name.err" &&
			echo "$rc $reason" >"$SOAK_SAVE/$name.status"
	fi
	if [ "$failed" -ge "$max_fail" ]; then
		left=$(($(find "$dir" -type f | wc -l) - n))
		[ "$left" -gt 0 ] && echo "$label: stopping after $failed failures (SOAK_MAX_FAIL): $left images not run"
		break
	fi
done
total_cs=$(($(now_cs) - start))

# One line of how the runs ended, so that a soak in which nothing ran shows.
tally=$(sort -n "$tmp/statuses" | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }')
echo "$label statuses (status:count): ${tally:-none}; ran guest code: $ran of $n; $((total_cs / 100)) s, slowest $((slow_cs / 100)).$((slow_cs % 100 / 10)) s ($slow_name)"
if [ $((ran * 100)) -lt $((n * min_ran)) ] || [ "$n" -eq 0 ]; then
	echo "FAIL coverage: only $ran of $n images ran guest code (statuses 0-119, 123, 125); at least $min_ran% must"
	failed=$((failed + 1))
fi
echo "$label: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
