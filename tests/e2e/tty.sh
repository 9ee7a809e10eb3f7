#!/bin/sh
# The interactive console at a real terminal (a pty from script(1)): raw
# mode with the guest echoing, QEMU's Ctrl-A escapes (X quit, H help, S
# statistics, T timestamps, Ctrl-A Ctrl-A a literal Ctrl-A, anything else a
# hint), for the 1K OS (UART interrupts) and for real-mode guests (polled
# UART, or no input at all); and the terminal restored afterwards, exactly
# (stty -a before and after), on every way out: Ctrl-A X, the guest ending,
# a guest fault, a VMM error, SIGTERM, SIGHUP and every other signal that
# ends a process, and a crash of kvm-vmm itself.
# POSIX sh: runs under busybox in the nested lane, with util-linux script.
# usage: tty.sh VMM KERNEL [GUEST_DIR]
# GUEST_DIR (default: KERNEL's directory/../guests) holds the real-mode guests.
set -u
VMM=$1 KERNEL=$2
G=${3:-$(dirname "$KERNEL")/../guests}
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-tty.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
. "$(dirname "$0")/lib.sh" # started; ok and bad are this file's own
ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1: $2"; sed 's/^/  | /' "$T/out" | tail -n 12; }

# in_pty KEYS_SCRIPT ARGS...: runs the VMM with ARGS in a pty fed by
# KEYS_SCRIPT; its pid goes to $T/pid (for the signal tests), its status
# and output to $T/out, the terminal's settings before and after the run
# to $T/before and $T/after.
in_pty() {
	keys=$1
	shift
	cat >"$T/in-pty.sh" <<EOF
stty -a >"$T/before" 2>"$T/stty.err"
sh -c 'echo \$\$ >"\$1"; shift; exec "\$@"' sh "$T/pid" "$VMM" $*
echo status=\$?
stty -a >"$T/after" 2>>"$T/stty.err"
EOF
	rm -f "$T/before" "$T/after" "$T/pid"
	# The keys' times count from the VMM's start (lib.sh), not the pty's:
	# typed during a slow start they would come in cooked mode, all at once.
	{
		n=0
		while [ ! -s "$T/pid" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
		started "$(cat "$T/pid" 2>/dev/null)"
		sh -c "$keys"
	} | timeout 30 script -qec "sh $T/in-pty.sh" /dev/null >"$T/out" 2>&1
}
# restored WHAT: the terminal's settings equal those before the run.
restored() {
	if grep -qw icanon "$T/before" && cmp -s "$T/before" "$T/after"; then ok "terminal restored after $1"
	else bad "terminal after $1" "stty -a differs"; diff "$T/before" "$T/after" | head -n 6; fi
}
has() { grep -q -- "$1" "$T/out"; }
status_is() { grep -q "status=$1" "$T/out"; }
# kill_after SECONDS SIGNAL: sends SIGNAL to the VMM SECONDS after it has
# started (lib.sh: its signals blocked, so a slow start cannot meet the
# signal's default action).
kill_after() {
	rm -f "$T/pid"
	(
		n=0
		while [ ! -s "$T/pid" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
		pid=$(cat "$T/pid")
		started "$pid"
		sleep "$1"
		kill -"$2" "$pid"
	) &
}

ESC=$(printf '\001')

# --- the 1K OS: its UART raises interrupts ---
# Typed ahead of the boot, "2" runs the counter; Ctrl-A X then quits.
in_pty "printf '2\n'; sleep 2; printf '\001x'" "$KERNEL"
if has 'quit (Ctrl-A X)' && status_is 0 && grep -q '^9' "$T/out"; then
	ok "1K OS: typed input reaches the guest, Ctrl-A X quits with status 0"
else bad "1K OS Ctrl-A X" "no quit"; fi
restored "Ctrl-A X (1K OS)"

# Interactive echo: a line typed at the prompt comes back once, from the
# guest (the host terminal's own echo is off).
in_pty "sleep 1; printf '3\n'; sleep 0.5; printf 'xyzzy\n'; sleep 0.5; printf '\001x'" "$KERNEL"
[ "$(grep -c 'xyzzy' "$T/out")" -eq 2 ] && ok "1K OS: the guest echoes typed input, the host does not" ||
	bad "echo" "xyzzy seen $(grep -c xyzzy "$T/out") times, expected 2 (echo + program output)"

# H, S, an unknown key and T while the shell waits; then 2 runs the counter
# with timestamps on, and X quits: the guest ran on after S.
in_pty "sleep 1.5; printf '\001h'; sleep 0.3; printf '\001s'; sleep 0.3; printf '\001q'; sleep 0.3; printf '\001t'; sleep 0.3; printf '2\n'; sleep 1.5; printf '\001x'" "$KERNEL"
has 'Ctrl-A Ctrl-A  send one Ctrl-A' && ok "1K OS: Ctrl-A H lists the escapes" || bad "1K OS Ctrl-A H" "no help"
has '^--- kvm-vmm statistics' && has 'kernel-x86_64.elf: running, [0-9]* exits' && has 'port 0x03f8' &&
	ok "1K OS: Ctrl-A S prints the statistics so far, the guest running" || bad "1K OS Ctrl-A S" "no statistics"
has 'Ctrl-A q is no escape, dropped (Ctrl-A H for help)' && ok "1K OS: Ctrl-A q: a hint, dropped" || bad "1K OS Ctrl-A q" "no hint"
has 'console timestamps on' && grep -q '^\[00:00:0[0-9]\.[0-9][0-9][0-9]\] 9' "$T/out" &&
	ok "1K OS: Ctrl-A T prefixes output lines with [HH:MM:SS.mmm]" || bad "1K OS Ctrl-A T" "no timestamps"
has 'quit (Ctrl-A X)' && status_is 0 && ok "1K OS: ran on after the escapes; Ctrl-A X quits" || bad "1K OS after escapes" "no quit"
restored "the escapes (1K OS)"

# The guest ending by itself: 0 ends the shell.
in_pty "sleep 1; printf '0\n'; sleep 2" "$KERNEL"
has 'power off' && status_is 0 && ok "1K OS: the guest powers off, status 0" || bad "1K OS power off" "status"
restored "the guest's own end (1K OS)"

# SIGTERM and SIGHUP from outside: 143 and 129. The input stays open 12 s
# past the signal: its end would hang up the pty first (seen under ASan in
# the nested lane, where the 1K OS is slowest: with 4 s, twice in one run,
# the signal found the VMM already ended by the end of input).
kill_after 2 TERM
in_pty "sleep 14" "$KERNEL"
wait
status_is 143 && ok "1K OS: SIGTERM ends the run with status 143" || bad "SIGTERM" "status"
restored "SIGTERM (1K OS)"
kill_after 2 HUP
in_pty "sleep 14" "$KERNEL"
wait
status_is 129 && ok "1K OS: SIGHUP ends the run with status 129" || bad "SIGHUP" "status"
restored "SIGHUP (1K OS)"

# --- real-mode guests: a polled UART (echo.bin), no input (spin.bin) ---
in_pty "sleep 1; printf 'abc\n'; sleep 0.3; printf 'b\001\001c\n'; sleep 0.3; printf '\001t'; sleep 0.3; printf 'stamped\n'; sleep 0.3; printf '\001h'; sleep 0.3; printf '\001s'; sleep 0.3; printf '\001z'; sleep 0.3; printf '\001x'" "$G/test/echo.bin"
[ "$(grep -c '^abc' "$T/out")" -eq 1 ] && ok "echo.bin: typed input echoed once, by the guest" ||
	bad "echo.bin echo" "abc seen $(grep -c abc "$T/out") times"
grep -q "^b${ESC}c" "$T/out" && ok "echo.bin: Ctrl-A Ctrl-A sends one Ctrl-A" || bad "echo.bin Ctrl-A Ctrl-A" "no b^Ac"
grep -q '^\[00:00:0[0-9]\.[0-9][0-9][0-9]\] stamped' "$T/out" && ok "echo.bin: Ctrl-A T timestamps" || bad "echo.bin Ctrl-A T" "no timestamp"
has 'Ctrl-A X       quit' && ok "echo.bin: Ctrl-A H" || bad "echo.bin Ctrl-A H" "no help"
has 'echo.bin: running, [0-9]* exits' && has 'IO  *[0-9]' && ok "echo.bin: Ctrl-A S" || bad "echo.bin Ctrl-A S" "no statistics"
has 'Ctrl-A z is no escape' && ok "echo.bin: Ctrl-A z: a hint" || bad "echo.bin Ctrl-A z" "no hint"
has 'quit (Ctrl-A X)' && status_is 0 && ! has 'EOF' && ok "echo.bin: Ctrl-A X quits with status 0" || bad "echo.bin Ctrl-A X" "status"
restored "Ctrl-A X (echo.bin)"

# A guest that never reads its input still hears Ctrl-A S and Ctrl-A X.
in_pty "sleep 1; printf 'ignored'; sleep 0.3; printf '\001s'; sleep 0.3; printf '\001x'" "$G/test/spin.bin"
has 'spin.bin: running' && has 'quit (Ctrl-A X)' && status_is 0 &&
	ok "spin.bin (reads no input): Ctrl-A S, then Ctrl-A X quits" || bad "spin.bin Ctrl-A X" "no quit"
restored "Ctrl-A X (spin.bin)"
kill_after 1 HUP
in_pty "sleep 3" "$G/test/spin.bin"
wait
status_is 129 && ok "spin.bin: SIGHUP, status 129" || bad "spin.bin SIGHUP" "status"
restored "SIGHUP (spin.bin)"
# Every other signal that ends a process: 128 + its number, the terminal
# restored (SIGRTMIN+6 is 40 on glibc).
for sig in QUIT:131 ALRM:142 XCPU:152 40:168; do
	kill_after 1 "${sig%%:*}"
	in_pty "sleep 3" "$G/test/spin.bin"
	wait
	status_is "${sig#*:}" && ok "spin.bin: signal ${sig%%:*}, status ${sig#*:}" || bad "spin.bin signal ${sig%%:*}" "status"
	restored "signal ${sig%%:*} (spin.bin)"
done
# SIGUSR1 and SIGUSR2 are kvm-vmm's own (a vCPU kick, a guest's end): from
# outside they change nothing, and the run goes on until SIGTERM.
kill_after 1 USR1
kill_after 1.5 USR2
kill_after 2.5 TERM
in_pty "sleep 4" "$G/test/spin.bin"
wait
status_is 143 && ok "spin.bin: SIGUSR1 and SIGUSR2 from outside change nothing; SIGTERM then ends it (143)" ||
	bad "spin.bin SIGUSR1/SIGUSR2" "status"
restored "SIGUSR1, SIGUSR2, SIGTERM (spin.bin)"
# A crash of kvm-vmm itself (SIGABRT: a failed assertion) restores the
# terminal too, then dies of the signal as it would have (134).
kill_after 1 ABRT
in_pty "sleep 3" "$G/test/spin.bin"
wait
status_is 134 && ok "spin.bin: SIGABRT (a crash of kvm-vmm) kills it, status 134" || bad "spin.bin SIGABRT" "status"
restored "a crash of kvm-vmm (SIGABRT)"

# The other ways out: the guest's end, a guest fault, a VMM error.
in_pty "sleep 2" "$G/hello.bin"
has 'Hello, KVM!' && status_is 0 && ok "hello.bin at a terminal: ends by itself, status 0" || bad "hello.bin" "status"
restored "the guest's own end (hello.bin)"
in_pty "sleep 2" "$G/test/triple.bin"
status_is 123 && ok "triple.bin at a terminal: guest fault, status 123" || bad "triple.bin" "status"
restored "a guest fault (triple.bin)"
in_pty "sleep 2" --dump-mem=/nonexistent/dir/mem "$G/hello.bin"
status_is 126 && ok "a VMM error (--dump-mem unwritable): status 126" || bad "VMM error" "status"
restored "a VMM error"
in_pty "sleep 2" "$G/hello.bin" "$G/hello.bin"
[ "$(grep -c '^Hello, KVM!' "$T/out")" -eq 2 ] && status_is 0 && ok "2 x hello.bin at a terminal: two whole lines" ||
	bad "2 x hello.bin at a terminal" "lines"

echo "tty: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
