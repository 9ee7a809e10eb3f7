#!/bin/sh
# Several guests at once without --tag: each guest's output still reaches
# stdout in whole lines (one write per line), so two hello.bin print two
# clean "Hello, KVM!" lines, never "HeHelllloo"; a line that does not end
# is written after a short delay, not held until the guest stops. POSIX sh:
# runs on the host and, under busybox, inside the nested SVM lane.
#
# usage: lines.sh VMM GUEST_DIR GOLDEN_DIR [OS1K_KERNEL]
# OS1K_KERNEL (default GUEST_DIR/../os1k/kernel-x86_64.elf) prints a prompt
# without a newline, for the delay test; skipped when it is missing.
set -u
VMM=$1
G=$2
GOLD=$3
OS1K=${4:-$G/../os1k/kernel-x86_64.elf}
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-lines.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0

[ -c /dev/kvm ] || { echo "lines: /dev/kvm is missing: these tests need KVM" >&2; exit 1; }
[ -x "$VMM" ] || { echo "lines: $VMM is not an executable" >&2; exit 1; }

. "$(dirname "$0")/lib.sh"

# repeat N WORD: WORD N times, space-separated.
repeat() {
	i=0 w=
	while [ "$i" -lt "$1" ]; do w="$w $2"; i=$((i + 1)); done
	echo "$w"
}

# every_line_from NAME GOLDEN N: stdout holds N copies of GOLDEN's lines,
# each one whole (in any order between guests), and nothing else.
every_line_from() {
	for i in $(repeat "$3" x); do cat "$2"; done | sort >"$T/want"
	sort "$T/out" >"$T/got"
	if [ "$RC" -ne 0 ]; then bad "$1" "status $RC"
	elif ! cmp -s "$T/want" "$T/got"; then bad "$1" "lines differ from $3 x $2"; diff "$T/want" "$T/got" | head -n 10
	else ok "$1"; fi
}

# --- two guests: exactly two clean lines ---
vmm "$G/hello.bin" "$G/hello.bin"
printf 'Hello, KVM!\nHello, KVM!\n' >"$T/expected"
expect "2 x hello.bin: two whole lines" 0 "$T/expected"
vmm "$G/hello.bin" "$G/counter.bin"
cat "$GOLD/hello.out" "$GOLD/counter.out" >"$T/hello-counter"
every_line_from "hello.bin + counter.bin: whole lines" "$T/hello-counter" 1
grep -q 'Hello, KVM!' "$T/out" && grep -qx 9 "$T/out" && ok "hello.bin + counter.bin: both guests' output" ||
	bad "hello + counter" "a guest's output missing"

# --- sixteen guests ---
vmm $(repeat 16 "$G/counter.bin")
n=$(grep -c . "$T/out")
if [ "$RC" -eq 0 ] && [ "$n" -eq 160 ] && ! grep -qvx '[0-9]' "$T/out"; then
	ok "16 x counter.bin: 160 lines, each a single digit"
else bad "16 x counter.bin" "status $RC, $n lines, or a line not one digit"; fi
for d in 0 1 2 3 4 5 6 7 8 9; do
	[ "$(grep -cx "$d" "$T/out")" -eq 16 ] || { bad "16 x counter.bin" "digit $d not 16 times"; break; }
done
vmm $(repeat 16 "$G/hello.bin")
every_line_from "16 x hello.bin: 16 whole lines" "$GOLD/hello.out" 16
# One PUTCHAR hypercall a byte, 72 lines a guest.
vmm $(repeat 4 "$G/multiplication.bin")
every_line_from "4 x multiplication.bin (PUTCHAR): whole lines" "$GOLD/multiplication.out" 4

# --- --tag keeps its own whole, prefixed lines ---
vmm --tag "$G/hello.bin" "$G/hello.bin"
printf '[hello.bin#0] Hello, KVM!\n[hello.bin#1] Hello, KVM!\n' | sort >"$T/want"
sort "$T/out" >"$T/got"
[ "$RC" -eq 0 ] && cmp -s "$T/want" "$T/got" && ok "--tag 2 x hello.bin: tagged whole lines" || bad "--tag" "lines differ"

# --- one guest: written byte by byte, as before ---
vmm "$G/hello.bin"
expect "1 x hello.bin: unchanged" 0 "$GOLD/hello.out"

# --- an unended line is written after a short delay ---
# The 1K OS prompts "Select: " and waits for input that a pipe held open
# never brings; the prompt must appear while it still runs.
if [ -f "$OS1K" ]; then
	(sleep 6) | "$VMM" "$OS1K" "$G/hello.bin" >"$T/out" 2>"$T/err" &
	pid=$!
	i=0 seen=0
	while [ $i -lt 10 ]; do
		sleep 0.5
		i=$((i + 1))
		[ "$(tail -c 8 "$T/out")" = "Select: " ] && { seen=1; break; }
	done
	if [ $seen -eq 1 ] && grep -qx 'Hello, KVM!' "$T/out"; then
		ok "unended line (the 1K OS's prompt) written while the guest waits"
	else bad "delay flush" "no 'Select: ' at the end of stdout after $i x 0.5 s"; fi
	wait $pid
	RC=$?
	[ "$RC" -eq 0 ] && grep -qx 'end of input' "$T/out" &&
		ok "the 1K OS goes on after the delay flush and ends at end of input" || bad "after the delay flush" "status $RC or line"
else
	echo "skip delay flush: no $OS1K"
fi

echo "lines: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
