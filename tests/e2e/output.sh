#!/bin/sh
# Guest output on a stdout that pushes back: a FIFO nobody reads (--timeout,
# SIGTERM and SIGINT still end the run, and say how many bytes were not
# written), a reader that goes away (`| head -c 10`: EPIPE stops every
# guest, 126), and a write error (/dev/full: 126, the error named; the
# same for --stats-json, and --trace's refused before the run). The
# flooding guest is guests/test/flood.S: 16000-byte PUTS calls, forever.
# (A non-blocking stdout, EAGAIN, is tests/unit/test_output.c: sh cannot
# set O_NONBLOCK.) POSIX sh: runs on the host and, under busybox, inside
# the nested SVM lane.
#
# usage: output.sh VMM GUEST_DIR GOLDEN_DIR
set -u
VMM=$1
G=$2
GOLD=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-output.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0

[ -c /dev/kvm ] || { echo "output: /dev/kvm is missing: these tests need KVM" >&2; exit 1; }
[ -x "$VMM" ] || { echo "output: $VMM is not an executable" >&2; exit 1; }
[ -f "$G/test/flood.bin" ] || { echo "output: $G/test/flood.bin is missing" >&2; exit 1; }
[ -d "$GOLD" ] || { echo "output: $GOLD is not a directory" >&2; exit 1; }

. "$(dirname "$0")/lib.sh"

FLOOD=$G/test/flood.bin
STOPPED='bytes of guest output not written: the run was stopped'

# A FIFO with a reader that never reads (this shell holds it open on fd 3,
# so opening it for writing does not wait): a pipe that fills and stays full.
mkfifo "$T/fifo"
exec 3<>"$T/fifo"

# start ARGS...: runs the VMM in the background, stdout to the FIFO; its
# pid in $T/pid (written before the exec), its status in $T/rc once it ends.
# Returns once it has started (lib.sh), so the seconds a test then waits
# before a signal are seconds of the guests running.
start() {
	rm -f "$T/pid" "$T/rc"
	( sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$T/pid" "$VMM" "$@" \
		<"${IN:-/dev/null}" >"$T/fifo" 2>"$T/err" 3<&-; echo $? >"$T/rc" ) &
	i=0
	while [ ! -s "$T/pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	PID=$(cat "$T/pid" 2>/dev/null)
	started "$PID"
}

# ended TENTHS: true when the VMM ended within TENTHS tenths of a second
# (RC its status); else it is killed and RC is empty.
ended() {
	i=0
	while [ ! -s "$T/rc" ] && [ $i -lt "$1" ]; do sleep 0.1; i=$((i + 1)); done
	if [ -s "$T/rc" ]; then
		wait
		RC=$(cat "$T/rc")
		return 0
	fi
	kill -9 "$PID" 2>/dev/null
	wait
	RC=
	return 1
}

# One read takes what the full pipe holds, so the next run starts empty.
drain_fifo() { timeout 2 dd if="$T/fifo" of=/dev/null bs=65536 count=1 2>/dev/null; }

# stopped NAME STATUS: it ended with STATUS and said what was not written.
stopped() {
	if [ -z "$RC" ]; then bad "$1" "still running: killed"
	elif [ "$RC" -ne "$2" ]; then bad "$1" "status $RC, expected $2"
	elif ! grep -q "$STOPPED" "$T/err"; then bad "$1" "stderr lacks '$STOPPED'"
	else ok "$1"; fi
}

# --- (a) --timeout with stdout a pipe nobody reads ---
start --timeout 1 "$FLOOD"
ended 50
stopped "--timeout 1, stdout full: ends (124) within 5 s" 124
drain_fifo

start --timeout 1 "$FLOOD" "$FLOOD"
ended 50
stopped "--timeout 1, two guests (whole lines), stdout full: 124 within 5 s" 124
drain_fifo

start --tag --timeout 1 "$FLOOD"
ended 50
stopped "--tag --timeout 1, stdout full: 124 within 5 s" 124
drain_fifo

# --- (b) SIGTERM, SIGINT ---
start "$FLOOD"
sleep 1
kill -TERM "$PID"
ended 20
stopped "SIGTERM, stdout full: ends (143) within 2 s" 143
drain_fifo

start "$FLOOD" "$FLOOD"
sleep 1
kill -TERM "$PID"
ended 20
stopped "SIGTERM, two guests, stdout full: 143 within 2 s" 143
drain_fifo

start "$FLOOD"
sleep 1
kill -INT "$PID"
ended 20
stopped "SIGINT, stdout full: ends (130) within 2 s" 130
drain_fifo
exec 3<&-

# --- (c) the reader goes away: EPIPE stops every guest, 126 ---
# pipe_to_head BYTES ARGS...: the VMM's stdout into head -c BYTES.
pipe_to_head() {
	n=$1
	shift
	rm -f "$T/rc"
	{ timeout 20 "$VMM" "$@" </dev/null 2>"$T/err"; echo $? >"$T/rc"; } | head -c "$n" >"$T/out"
	RC=$(cat "$T/rc")
}
pipe_to_head 10 "$FLOOD"
if [ "$RC" -ne 126 ]; then bad "flood | head -c 10" "status $RC, expected 126"
elif [ "$(cat "$T/out")" != "flood: 012" ]; then bad "flood | head -c 10" "stdout is not the first 10 bytes"
elif [ "$(grep -c 'standard output closed (EPIPE): stopping' "$T/err")" -ne 1 ]; then
	bad "flood | head -c 10" "stderr lacks one 'standard output closed (EPIPE): stopping'"
elif grep -q "$STOPPED" "$T/err"; then bad "flood | head -c 10" "EPIPE reported as a stop"
else ok "flood | head -c 10: 126, 'standard output closed (EPIPE): stopping'"; fi

pipe_to_head 10 "$FLOOD" "$FLOOD" "$G/test/spin.bin"
if [ "$RC" -eq 126 ] && grep -q 'standard output closed (EPIPE): stopping' "$T/err"; then
	ok "flood x2 + spin | head -c 10: every guest stops, 126"
else bad "flood x2 + spin | head -c 10" "status $RC, expected 126"; fi

# Everything before the reader left arrived, in order: 10000 lines.
awk 'BEGIN { for (i = 0; i < 10000; i++) print "flood: 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQR" }' >"$T/want"
pipe_to_head 640000 "$FLOOD"
if [ "$RC" -eq 126 ] && cmp -s "$T/out" "$T/want"; then ok "flood | head -c 640000: every byte, in order"
else bad "flood | head -c 640000" "status $RC, or stdout differs"; fi

# --- (d) a write error: reported once, named, 126 ---
vmm_full() { "$VMM" "$@" </dev/null >/dev/full 2>"$T/err"; RC=$?; }
vmm_full "$G/hello.bin"
if [ "$RC" -ne 126 ]; then bad "hello > /dev/full" "status $RC, expected 126"
elif [ "$(grep -c 'cannot write guest output to standard output: No space left on device' "$T/err")" -ne 1 ]; then
	bad "hello > /dev/full" "stderr lacks one 'cannot write guest output to standard output: No space left on device'"
else ok "hello > /dev/full: 126, one line naming ENOSPC"; fi
vmm_full --timeout 1 "$FLOOD"
if [ "$RC" -eq 126 ] && [ "$(grep -c 'cannot write guest output' "$T/err")" -eq 1 ]; then
	ok "flood > /dev/full --timeout 1: 126, reported once"
else bad "flood > /dev/full" "status $RC, expected 126 and one report"; fi

# The statistics file fails only when it is closed, after the run: the
# guest's output is all there and the status says the report was lost.
"$VMM" --stats-json /dev/full "$G/hello.bin" </dev/null >"$T/out" 2>"$T/err"; RC=$?
if [ "$RC" -ne 126 ]; then bad "--stats-json /dev/full" "status $RC, expected 126"
elif ! cmp -s "$T/out" "$GOLD/hello.out"; then bad "--stats-json /dev/full" "the guest's output differs from hello.out"
elif [ "$(grep -c '^kvm-vmm: /dev/full: cannot write statistics: No space left on device$' "$T/err")" -ne 1 ]; then
	bad "--stats-json /dev/full" "stderr lacks one '/dev/full: cannot write statistics: No space left on device'"
else ok "--stats-json /dev/full: 126, the guest's output whole, one line naming the file"; fi
# The trace's first bytes are written when it opens: a usage error, and
# no guest has run.
"$VMM" --trace /dev/full "$G/hello.bin" </dev/null >"$T/out" 2>"$T/err"; RC=$?
if [ "$RC" -eq 120 ] && [ ! -s "$T/out" ] &&
	grep -q "^kvm-vmm: --trace '/dev/full': cannot write the file: No space left on device$" "$T/err"; then
	ok "--trace /dev/full: 120 before any guest ran, the file named"
else bad "--trace /dev/full" "status $RC (expected 120), $(wc -c <"$T/out") bytes of output, or the error is not named"; fi

# And ordinary output is as before: the golden hello through a pipe.
"$VMM" "$G/hello.bin" </dev/null 2>"$T/err" | cat >"$T/out"
cmp -s "$T/out" "$GOLD/hello.out" && ok "hello | cat: golden output" || bad "hello | cat" "stdout differs"

echo "output: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
