#!/bin/sh
# The interactive console at a real terminal (a pty from script(1)): raw
# mode with the guest echoing, Ctrl-A X to quit, and the terminal restored
# afterwards, also when kvm-vmm is stopped by a signal.
# usage: tty.sh VMM KERNEL
set -u
VMM=$1 KERNEL=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-tty.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1: $2"; sed 's/^/  | /' "$T/out" | tail -n 8; }

# The command script(1) runs in the pty: the VMM (its pid in $T/pid, for
# the signal test), then its status and the terminal flags raw mode changes.
cat >"$T/in-pty.sh" <<EOF
sh -c 'echo \$\$ >"\$1"; exec "\$2" "\$3"' sh "$T/pid" "$VMM" "$KERNEL"
echo status=\$?
stty -a
EOF
# in_pty KEYS_SCRIPT: runs that in a pty fed by KEYS_SCRIPT.
in_pty() {
	sh -c "$1" | timeout 30 script -qec "sh $T/in-pty.sh" /dev/null >"$T/out" 2>&1
}
restored() { grep -qw icanon "$T/out" && grep -qw echo "$T/out" && grep -qw isig "$T/out" && ! grep -qw -- -icanon "$T/out"; }

# Typed ahead of the boot, "2" runs the counter; Ctrl-A X then quits.
in_pty "printf '2\n'; sleep 2; printf '\001x'"
if grep -q 'quit (Ctrl-A X)' "$T/out" && grep -q 'status=0' "$T/out" && grep -q '^9' "$T/out"; then
	ok "raw console: typed input reaches the guest, Ctrl-A X quits with status 0"
else bad "Ctrl-A X" "no quit"; fi
restored && ok "terminal restored after Ctrl-A X" || bad "terminal after Ctrl-A X" "flags not restored"

# Interactive echo: a line typed at the prompt comes back once, from the
# guest (the host terminal's own echo is off).
in_pty "sleep 1; printf '3\n'; sleep 0.5; printf 'xyzzy\n'; sleep 0.5; printf '\001x'"
[ "$(grep -c 'xyzzy' "$T/out")" -eq 2 ] && ok "the guest echoes typed input, the host does not" ||
	bad "echo" "xyzzy seen $(grep -c xyzzy "$T/out") times, expected 2 (echo + program output)"

# SIGTERM from outside: the run ends with 143 and the terminal is restored.
rm -f "$T/pid"
( sleep 2; kill -TERM "$(cat "$T/pid")" ) &
in_pty "sleep 4"
wait
grep -q 'status=143' "$T/out" && ok "SIGTERM ends the run with status 143" || bad "SIGTERM" "status"
restored && ok "terminal restored after SIGTERM" || bad "terminal after SIGTERM" "flags not restored"

echo "tty: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
