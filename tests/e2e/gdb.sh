#!/bin/sh
# kvm-vmm's gdb stub (--gdb, --gdb-wait; docs/gdb.md) driven by Debian's
# unmodified gdb in batch mode: a real-mode guest, the 1K OS (its kernel by
# symbol, a user program by address, two vCPUs as threads), a long-mode
# guest, the i386 1K OS; registers, breakpoints hit, steps, memory read
# and written, watchpoints, monitor commands, Ctrl-C, detach and kill; and
# a client that sends garbage. Every guest runs to its end with the exit
# status and output it has without gdb.
# POSIX sh: runs on the host and in the nested lane (busybox, where
# tests/e2e/nested-gdb.sh carries gdb and writes symbols.sh, since the lane
# has no nm).
#
# usage: gdb.sh VMM GUEST_DIR OS1K_DIR GOLDEN_DIR [GDB]
#        gdb.sh --symbols GUEST_DIR OS1K_DIR    (prints symbols.sh)
# On kvm-pvm (no int3 interception; steps and hardware breakpoints in real
# mode and ring 0 only) the ring-3 and i386 cases are skipped, said so.
set -u

# --- addresses in the guests, from their objects -------------------------
symbols() {
	sym() { nm "$1" | sed -n "s/^0*\([0-9a-f][0-9a-f]*\) [tT] $2\$/\1/p" | head -n 1; }
	echo "COUNTER_PUTC=0x$(sym "$1/counter.o" uart_putc)"
	echo "LONG64_FACTORIAL=0x$(sym "$1/flat/long64.o" factorial)"
	entry=$(readelf -h "$2/x86_64/progs/counter.elf" 2>/dev/null | sed -n 's/.*Entry point address: *//p')
	echo "OS1K_USER_ENTRY=${entry:-0x40001000}"
}
if [ "${1:-}" = --symbols ]; then
	symbols "$2" "$3"
	exit 0
fi

VMM=$1 GUESTS=$2 OS1K=$3 GOLD=$4 GDB=${5:-gdb}
# Without gdb (the host lane on a machine that lacks it) there is nothing
# to run: one line says so, and the summary counts nothing.
if ! command -v "$GDB" >/dev/null 2>&1; then
	echo "skip gdb: $GDB is not installed (apt-get install gdb)"
	echo "gdb: 0 passed, 0 failed"
	exit 0
fi
# The kernels with their symbols: from a build tree, or as nested-gdb.sh
# names them (kernel-x86_64.elf is the ELF64 made ELF32 for multiboot
# loaders; gdb wants the ELF64).
for a in x86_64 i386; do
	sym=$OS1K/$a/kernel.elf
	[ -f "$OS1K/kernel-$a.sym" ] && sym=$OS1K/kernel-$a.sym
	eval "SYM_$a=\$sym"
done
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-gdb.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
PVM=0
[ -d /sys/module/kvm_pvm ] && PVM=1
if [ -f "$GUESTS/symbols.sh" ]; then . "$GUESTS/symbols.sh"
else eval "$(symbols "$GUESTS" "$OS1K")"; fi
# The lane's init leaves loopback down.
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null
PORT=$((20000 + $$ % 20000))

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
# The first failure of a case shows gdb's transcript and kvm-vmm's stderr.
SHOWN=
bad() {
	FAIL=$((FAIL + 1)); echo "FAIL $1: $2"
	[ "$SHOWN" = "$CASE" ] && return 0
	SHOWN=$CASE
	for f in "$T/$CASE.gdb" "$T/$CASE.err"; do
		[ -s "$f" ] && head -n 80 "$f" | sed 's/^/  | /'
	done
	return 0
}
skip() { echo "skip $1: $2"; }

# start CASE INPUT VMM-ARGS...: kvm-vmm in the background on a new port,
# waiting for gdb; returns once it listens. SPEC: more of --gdb's argument.
SPEC=
start() {
	CASE=$1 input=$2
	shift 2
	PORT=$((PORT + 1))
	timeout 300 "$VMM" --timeout 240 --gdb "127.0.0.1:$PORT$SPEC" --gdb-wait "$@" \
		<"$input" >"$T/$CASE.out" 2>"$T/$CASE.err" &
	VPID=$!
	n=0
	until grep -q 'gdb: the guest waits' "$T/$CASE.err" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt 600 ] || ! kill -0 $VPID 2>/dev/null; then
			bad "$CASE: start" "kvm-vmm did not listen"
			return 1
		fi
		sleep 0.1
	done
}

# debug ARGS...: gdb -batch, connected, then the -ex commands given.
debug() {
	timeout 240 "$GDB" -nx -batch -iex 'set pagination off' -iex 'set confirm off' \
		-iex 'set remotetimeout 60' "$@" >"$T/$CASE.gdb" 2>&1 </dev/null
}
connect() { echo "target remote 127.0.0.1:$PORT"; }

# finish WANT_STATUS GOLDEN: kvm-vmm's end against what it does without gdb.
finish() {
	wait $VPID
	rc=$?
	if [ $rc -ne "$1" ]; then bad "$CASE: exit status" "$rc, expected $1"
	elif [ -n "$2" ] && ! cmp -s "$T/$CASE.out" "$2"; then bad "$CASE: output" "differs from $2"
	else ok "$CASE: status $rc and output as without gdb"; fi
}

# expect LABEL PATTERN: gdb's transcript has a line matching PATTERN (grep -E).
expect() {
	if grep -Eq -- "$2" "$T/$CASE.gdb"; then ok "$CASE: $1"
	else bad "$CASE: $1" "no line matching '$2'"; fi
}

# --- a real-mode guest: i8086 registers, linear breakpoints ---------------
real_mode() {
	start real /dev/null "$GUESTS/counter.bin" || return
	debug -ex "$(connect)" -ex 'show architecture' -ex 'info registers cs eip' \
		-ex 'x/2xb $cs*16+$eip' -ex 'x/i $cs*16+$eip' \
		-ex "break *(0x10000+$COUNTER_PUTC)" -ex continue -ex 'p/x $eip' -ex 'p/x $al' \
		-ex continue -ex 'p/x $al' -ex stepi -ex 'p/x $eip' \
		-ex 'set {int}0x30000 = 0x12345678' -ex 'x/xw 0x30000' \
		-ex 'info threads' -ex delete -ex continue
	expect "architecture i8086" 'architecture is set to "auto" \(currently "i8086"\)'
	expect "cs at entry" '^cs +0x1000 '
	expect "eip at entry" '^eip +0x0 '
	expect "memory read" ':[[:space:]]+0xb0[[:space:]]+0x30'
	expect "disassembly at CS:IP" 'mov +\$0x30,%al'
	expect "breakpoint hit" "^\\\$1 = $COUNTER_PUTC\$"
	expect "breakpoint hit again" '^\$3 = 0xa$'
	expect "stepi" '^\$4 = 0x14$'
	expect "memory written" ':[[:space:]]+0x12345678'
	expect "one thread" '^\* 1 +Thread 1'
	expect "continue to the end" 'exited normally'
	finish 0 "$GOLD/counter.out"
}

# --- the 1K OS: kernel by symbol, a user program, two vCPUs ---------------
os1k_x86_64() {
	user=1
	[ $PVM -eq 1 ] && user=0 && skip "os1k user program" "kvm-pvm: no breakpoints in ring 3"
	if [ $user -eq 1 ]; then
		set -- -ex "hbreak *$OS1K_USER_ENTRY" -ex continue -ex 'p/x $pc' -ex 'p $cs & 3' \
			-ex 'x/4xb $pc' -ex delete
	else
		set --
	fi
	# The kernel starts in 32-bit mode (multiboot) and switches to long
	# mode: gdb gets the 64-bit layout from the start (arch=x86-64).
	SPEC=,arch=x86-64
	start os1k "$GOLD/os1k/prog2-counter.in" --smp 2 "$OS1K/kernel-x86_64.elf" || return
	SPEC=
	debug "$SYM_x86_64" -ex "$(connect)" -ex 'show architecture' \
		-ex 'p/x $pc' -ex 'info threads' -ex 'break kmain' -ex continue \
		-ex 'monitor regs' -ex 'stepi' -ex 'p $pc != kmain' -ex delete \
		-ex 'break load_program' -ex continue -ex bt -ex delete "$@" \
		-ex 'thread 2' -ex 'p/x $pc' -ex 'thread 1' -ex 'monitor stats' -ex continue
	expect "x86-64 layout" 'currently "i386:x86-64"'
	expect "stopped at the multiboot entry" '^\$1 = 0x10000c$'
	expect "two vCPUs, two threads" '^  2 +Thread 2'
	expect "kernel breakpoint by symbol" 'Breakpoint 1, .*kmain'
	expect "monitor regs: long mode" '^efer +0000000000000d00|^efer +0000000000000500'
	expect "stepi" '^\$2 = 1$'
	expect "second breakpoint, backtrace" '^#0 .*load_program'
	if [ $user -eq 1 ]; then
		expect "user program: hardware breakpoint" "^\\\$3 = $OS1K_USER_ENTRY\$"
		expect "user program: ring 3" '^\$4 = 3$'
	fi
	expect "thread 2 selected" 'Switching to thread 2'
	expect "monitor stats" 'exits'
	expect "continue to the end" 'exited normally'
	finish 0 "$GOLD/os1k/prog2-counter.out"
}

# --- a long-mode guest: 64-bit registers, watchpoints ---------------------
long_mode() {
	start long /dev/null --long-mode "$GUESTS/flat/long64.bin" || return
	debug -ex "$(connect)" -ex 'show architecture' -ex 'p/x $rip' -ex 'p/x $rsp' \
		-ex 'p/x $cr0' -ex "break *(0x1000+$LONG64_FACTORIAL)" -ex continue -ex 'p/x $pc' \
		-ex 'stepi' -ex 'p $pc > 0x1000+'"$LONG64_FACTORIAL" -ex delete \
		-ex 'set {long}0x300000 = 0x1122334455667788' -ex 'x/gx 0x300000' \
		-ex 'watch *(long *)0x200000' -ex continue -ex delete \
		-ex 'monitor phys 0x200000 8' -ex 'monitor bogus' -ex 'p $eflags' -ex continue
	expect "x86-64 layout" 'currently "i386:x86-64"'
	expect "rip at entry" '^\$1 = 0x1000$'
	expect "rsp at entry" '^\$2 = 0x400000$'
	expect "cr0" '^\$3 = 0x8000001[01]$'
	expect "breakpoint hit" "Breakpoint 1, 0x0*$(printf %x $((0x1000 + LONG64_FACTORIAL)))"
	expect "stepi" '^\$5 = 1$'
	expect "memory written" ':[[:space:]]+0x1122334455667788'
	expect "watchpoint" 'New value = 81985529216486895'
	expect "monitor phys" '^0*200000: ef cd ab 89 67 45 23 01'
	expect "unknown monitor command" "unknown monitor command 'bogus'"
	expect "eflags" '^\$6 = \['
	expect "continue to the end" 'exited normally'
	finish 0 "$GOLD/flat/long64.out"
}

# --- the i386 1K OS: the i386 layout, 32-bit paging ----------------------
os1k_i386() {
	if [ $PVM -eq 1 ]; then skip "os1k i386" "kvm-pvm refuses 32-bit paging"; return; fi
	start i386 "$GOLD/os1k/prog2-counter.in" "$OS1K/kernel-i386.elf" || return
	debug "$SYM_i386" -ex "$(connect)" -ex 'show architecture' \
		-ex 'break kmain' -ex continue -ex 'p/x $eip == kmain' -ex 'info registers eip' \
		-ex 'next' -ex 'p/x $esp' -ex delete -ex continue
	expect "i386 layout" 'currently "i386"'
	expect "kernel breakpoint by symbol" 'Breakpoint 1, .*kmain'
	expect "eip" '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <kmain'
	expect "continue to the end" 'exited normally'
	finish 0 "$GOLD/os1k/prog2-counter.out"
}

# --- Ctrl-C (SIGINT to gdb), then kill ------------------------------------
interrupt_and_kill() {
	start interrupt /dev/null "$GUESTS/test/spin.bin" || return
	# gdb gets SIGINT after 5 s, as from Ctrl-C at its terminal.
	timeout 240 timeout -s INT 5 "$GDB" -nx -batch -iex 'set pagination off' \
		-iex 'set confirm off' -ex "$(connect)" -ex continue -ex 'p $pc >= 0' -ex kill \
		>"$T/$CASE.gdb" 2>&1 </dev/null
	expect "Ctrl-C stops the guest" 'received signal SIGINT'
	expect "registers after the stop" '^\$1 = 1$'
	finish 137 ""
}

# --- detach: the guest runs on, unchanged ---------------------------------
detach() {
	start detach /dev/null "$GUESTS/hello.bin" || return
	debug -ex "$(connect)" -ex 'break *0x10005' -ex detach
	expect "detached" 'Inferior 1 \(Remote target\) detached'
	finish 0 "$GOLD/hello.out"
}

# --- garbage from a client: error replies, no crash -----------------------
garbage() {
	nc=
	if command -v nc >/dev/null 2>&1; then nc=nc
	elif command -v busybox >/dev/null 2>&1; then nc="busybox nc"; fi
	if [ -z "$nc" ]; then skip "garbage" "no nc"; return; fi
	start garbage /dev/null "$GUESTS/hello.bin" || return
	long=$(printf "%05000d" 0 | tr 0 a)
	first=$(od -An -tx1 -N2 "$GUESTS/hello.bin" | tr -d ' \n')
	# Noise, a Ctrl-C while stopped, a bad checksum, a bad checksum digit,
	# an over-long packet, numbers too long, an unknown breakpoint type,
	# a G with no hex, then two packets that must still work.
	{
		printf 'junk\003+-}}}*#zz$#00$qSupported#00$qSupported#zz'
		printf '$m0,ffffffffffffffff#29'
		printf '$%s#%02x' "$long" $(((97 * 5000) % 256))
		printf '$m12345678901234567890,1#e4$Z9,0,0#4b$Gzz#3b$?#3f$m10000,2#bc'
		sleep 2
	} | timeout 10 $nc 127.0.0.1 $PORT >"$T/garbage.gdb" 2>&1
	expect "a too long packet: E02" '\$E02#a7'
	expect "malformed packets: E01" '\$E01#a6'
	expect "a bad checksum: -" '^-|[^$]-'
	expect "a stop reply still" '\$T05thread:1;#d7'
	expect "memory read after the garbage" "\\\$$first#"
	# The connection closed: as a detach, the guest runs to its end.
	finish 0 "$GOLD/hello.out"
}

real_mode
os1k_x86_64
long_mode
os1k_i386
interrupt_and_kill
detach
garbage
echo "gdb: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
