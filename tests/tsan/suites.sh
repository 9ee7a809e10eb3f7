#!/bin/sh
# The end-to-end suites against the ThreadSanitizer build, on the /dev/kvm
# at hand: the host's (make test-tsan on a KVM host) or the nested lane's
# (tests/tsan/nested-tsan.sh copies this file there). Every run of the VMM
# writes any TSan report to a file of its own in one directory and ends at
# the first (exit status 66), so a race fails the test that met it; and
# since a suite may not look at every status or at stderr, one last check
# fails when any report file exists, and prints them all. The VMM itself
# does not symbolize (its sandbox allows no symbolizer process): the check
# gives each of its frames a function and line with addr2line, if present.
# POSIX sh: runs under busybox in the nested lane.
#
# usage: suites.sh TSAN_VMM GUEST_DIR GOLDEN_DIR OS1K_DIR [SUITE...]
# SUITE: run flat qemu-compat lines output os1k tty (default: all of them,
# in that order); the suites are read from ../e2e beside this file.
# Environment: TSAN_OPTIONS, added in front of this file's own options;
# TSAN_REPORT_DIR, where the reports go (default: a scratch directory,
# removed at the end).
set -u
[ $# -ge 4 ] || { echo "usage: suites.sh TSAN_VMM GUEST_DIR GOLDEN_DIR OS1K_DIR [SUITE...]" >&2; exit 2; }
VMM=$1 G=$2 GOLD=$3 OS1K=$4
shift 4
E2E=$(cd "$(dirname "$0")/../e2e" && pwd) || exit 1
SUITES=${*:-run flat qemu-compat lines output os1k tty}
if [ -n "${TSAN_REPORT_DIR:-}" ]; then
	R=$TSAN_REPORT_DIR
	mkdir -p "$R" || exit 1
else
	R=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-tsan.XXXXXX") || exit 1
	trap 'rm -rf "$R"' EXIT
fi
# Ours last: a later setting wins. log_path: REPORT.PID per process, so no
# report is mixed into the output a suite compares.
export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS }halt_on_error=1 exitcode=66 second_deadlock_stack=1 symbolize=0 log_path=$R/report"

# symbolize FILE: FILE with each frame in the VMM, "#N <null> <null>
# (kvm-vmm+0xOFFSET) ...", followed by where that is.
symbolize() {
	base=$(basename "$VMM")
	while IFS= read -r line; do
		case $line in
		*"#"*"($base+0x"*")"*)
			off=${line#*"($base+"}
			off=${off%%")"*}
			where=$(addr2line -f -i -C -p -e "$VMM" "$off" 2>/dev/null | sed 's/ (inlined by)/; inlined in/' | tr '\n' ' ')
			echo "$line ${where:-}"
			;;
		*) echo "$line" ;;
		esac
	done <"$1"
}

r=0
for s in $SUITES; do
	t0=$(date +%s)
	case $s in
	run) sh "$E2E/run.sh" "$VMM" "$G" "$GOLD" ;;
	flat) sh "$E2E/flat.sh" "$VMM" "$G" "$GOLD" ;;
	qemu-compat) sh "$E2E/qemu-compat.sh" vmm "$VMM" "$G/qemu" "$GOLD/qemu" ;;
	lines) sh "$E2E/lines.sh" "$VMM" "$G" "$GOLD" ;;
	output) sh "$E2E/output.sh" "$VMM" "$G" "$GOLD" ;;
	os1k) sh "$E2E/os1k.sh" vmm "$VMM" "$OS1K" "$GOLD/os1k" ;;
	tty) sh "$E2E/tty.sh" "$VMM" "$OS1K/kernel-x86_64.elf" "$G" ;;
	*) echo "suites.sh: unknown suite '$s'" >&2; false ;;
	esac || r=1
	echo "=== $s: $(($(date +%s) - t0)) s"
done

# The check of its own: no report from any run of any suite.
reports=$(find "$R" -type f -name 'report*' | sort)
if [ -z "$reports" ]; then
	echo "ok   no ThreadSanitizer report from any run"
	echo "tsan-reports: 1 passed, 0 failed"
else
	for f in $reports; do
		echo "--- $f"
		if command -v addr2line >/dev/null 2>&1; then symbolize "$f"; else cat "$f"; fi
	done
	echo "FAIL ThreadSanitizer reports: $(echo "$reports" | wc -l | tr -d ' ') processes reported (above)"
	echo "tsan-reports: 0 passed, 1 failed"
	r=1
fi
exit $r
