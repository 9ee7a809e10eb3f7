#!/bin/sh
# End-to-end tests of the flat-binary boot protocols of kvm-vmm: --long-mode
# (guests/flat/long64.S) and --paging (guests/flat/paging32.S, 32-bit
# paging, which this host's KVM may refuse), their options (--load, --entry,
# --mem), the debug options (--verbose, --dump-regs, --dump-mem) and the
# reference's spellings --linux and --cmdline. POSIX sh only: the same file
# runs on the host and, under busybox, inside the nested SVM lane.
#
# usage: flat.sh VMM GUEST_DIR GOLDEN_DIR
#   GUEST_DIR: build/guests (the flat guests are in GUEST_DIR/flat)
#   GOLDEN_DIR: tests/golden (their transcripts are in GOLDEN_DIR/flat)
set -u
VMM=$1
G=$2
GOLD=$3
F=$G/flat
FG=$GOLD/flat
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-flat.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0
PVM=0
[ -d /sys/module/kvm_pvm ] && PVM=1

[ -c /dev/kvm ] || { echo "flat: /dev/kvm is missing: these tests need KVM" >&2; exit 1; }
[ -x "$VMM" ] || { echo "flat: $VMM is not an executable" >&2; exit 1; }

. "$(dirname "$0")/lib.sh"

# json_total KEY: a number of the "total" object in $T/stats.json.
json_total() {
	sed -n "s/.*\"total\": {.*\"$1\": \\([0-9]*\\).*/\\1/p" "$T/stats.json"
}

# bytes_at FILE OFFSET N: N bytes of FILE from OFFSET, as "ef cd ab ...".
bytes_at() {
	echo $(od -A n -t x1 -v -j "$2" -N "$3" "$1")
}

# events: the --verbose exit lines of $T/err (register lines, which start
# with two spaces, left out), without the time stamp, the guest name and
# the vCPU -> $T/events; the same without their "rip 0x..." -> $T/seen
# (where in the line the VMM puts it does not matter there); the names of
# the guests and vCPUs -> $T/who.
events() {
	grep -v '^  ' "$T/err" | sed -n 's/^\[+[0-9.]*\] \([^ ]* cpu[0-9]*\) \(.*\)$/\2/p' >"$T/events"
	sed 's/ rip 0x[0-9a-f]*//' "$T/events" >"$T/seen"
	grep -v '^  ' "$T/err" | sed -n 's/^\[+[0-9.]*\] \([^ ]* cpu[0-9]*\) .*$/\1/p' | sort -u >"$T/who"
}

for f in long64.bin paging32.bin; do
	[ -f "$F/$f" ] || { echo "flat: $F/$f is missing (make all)" >&2; echo "flat: $PASS passed, 1 failed"; exit 1; }
done
L64=$F/long64.bin
P32=$F/paging32.bin
# Bytes of long64's output that go through the UART (all but the PUTS line).
PUTS_LINE="long64: this line through PUTS"
UART_BYTES=$(($(wc -c <"$FG/long64.out") - ${#PUTS_LINE} - 1))

# --- --long-mode: entered in 64-bit mode, hlt ends it ---
vmm --long-mode "$L64"
expect "long64: long mode, page tables, stack, PUTS; hlt ends it" 0 "$FG/long64.out"
vmm --long-mode --stats-json "$T/stats.json" "$L64"
n=$(total_exits)
# One LSR read and one THR write a UART byte, one PUTS, one HLT.
[ "$RC" -eq 0 ] && [ "$n" = $((UART_BYTES * 2 + 2)) ] && ok "long64 exits ($n)" ||
	bad "long64 exits" "status $RC, $n exits, expected $((UART_BYTES * 2 + 2))"
vmm --long-mode --coalesced-io --stats-json "$T/stats.json" "$L64"
n=$(total_exits); c=$(json_total coalesced_writes)
[ "$RC" -eq 0 ] && cmp -s "$T/out" "$FG/long64.out" && [ "$n" = $((UART_BYTES + 2)) ] && [ "$c" = "$UART_BYTES" ] &&
	ok "long64 with --coalesced-io ($n exits, $c queued)" ||
	bad "long64 with --coalesced-io" "status $RC, $n exits, $c queued; expected $((UART_BYTES + 2)), $UART_BYTES"
sed 's/RSP at entry 0x400000/RSP at entry 0x800000/' "$FG/long64.out" >"$T/long64-8m.out"
vmm --long-mode --mem 8M "$L64"
expect "long64 --mem 8M: RSP at the top of RAM" 0 "$T/long64-8m.out"
vmm --long-mode --load 0x8000 "$L64"
expect "long64 --load 0x8000: entered at the load offset" 0 "$FG/long64.out"
vmm --long-mode --load 0x8000 --entry 0x8000 "$L64"
expect "long64 --load 0x8000 --entry 0x8000" 0 "$FG/long64.out"
# minimal.bin is one hlt byte: in any mode RIP is just past it.
vmm --verbose --long-mode --load 0x8000 "$G/minimal.bin"
events
if [ "$RC" -eq 0 ] && [ "$(grep -c . "$T/events")" -eq 1 ] && grep -q '^HLT rip 0x8001$' "$T/events"; then
	ok "--long-mode --load 0x8000: one hlt at 0x8000"
else bad "--long-mode --load 0x8000, minimal" "status $RC, $(grep -c . "$T/events") exits"; fi
vmm --verbose --long-mode --load 0x2000 --entry 0x2000 "$G/minimal.bin"
events
[ "$RC" -eq 0 ] && grep -q '^HLT rip 0x2001$' "$T/events" && ok "--long-mode --entry 0x2000" ||
	bad "--long-mode --entry 0x2000" "status $RC"
# ud2 with a zeroed IDT: #UD, #GP, double fault, triple fault. kvm-pvm
# emulates ring 0 and may instead give up on it (an emulation failure).
printf '\017\013' >"$T/ud2.bin"
UD2_ERR="triple fault" UD2_EXIT="SHUTDOWN"
[ $PVM -eq 1 ] && UD2_ERR="triple fault\|emulation failure" UD2_EXIT="SHUTDOWN\|INTERNAL_ERROR"
vmm --long-mode "$T/ud2.bin"
if [ "$RC" -eq 123 ] && grep -q "$UD2_ERR" "$T/err" && [ ! -s "$T/out" ]; then ok "long mode, zeroed IDT: ud2 ends the guest (123)"
else bad "long mode ud2" "status $RC, expected 123 and '$UD2_ERR'"; fi

# --- --dump-mem: the whole RAM, written when the guest ends ---
vmm --long-mode --dump-mem "$T/mem" "$L64"
if [ "$RC" -ne 0 ] || ! cmp -s "$T/out" "$FG/long64.out"; then bad "--dump-mem run" "status $RC"
elif [ ! -f "$T/mem" ]; then bad "--dump-mem" "no file $T/mem"
else
	size=$(wc -c <"$T/mem" | tr -d ' ')
	[ "$size" -eq 4194304 ] && ok "--dump-mem: 4 MiB, the whole RAM" || bad "--dump-mem size" "$size bytes, expected 4194304"
	m=$(bytes_at "$T/mem" 2097152 8)
	[ "$m" = "ef cd ab 89 67 45 23 01" ] && ok "--dump-mem: the guest's magic at 0x200000" ||
		bad "--dump-mem magic" "read '$m' at 0x200000"
	# The code at the start of the image (its data, at the end, the guest writes).
	cmp -s -n 256 "$L64" "$T/mem" 0 4096 && ok "--dump-mem: the image at 0x1000" ||
		bad "--dump-mem image" "long64.bin is not at 0x1000 in the dump"
	# PML4[0] -> 0x101000, present and writable (the CPU may set the accessed bit).
	p=$(bytes_at "$T/mem" 1048576 4)
	case $p in "03 10 10 00" | "23 10 10 00") ok "--dump-mem: the VMM's PML4 at 0x100000" ;;
	*) bad "--dump-mem PML4" "PML4[0] bytes '$p'" ;; esac
fi
rm -f "$T/mem"
vmm --long-mode --mem 8M --dump-mem "$T/mem" "$L64"
size=$(wc -c <"$T/mem" 2>/dev/null | tr -d ' ')
[ "$RC" -eq 0 ] && [ "$size" = 8388608 ] && [ "$(bytes_at "$T/mem" 2097152 8)" = "ef cd ab 89 67 45 23 01" ] &&
	ok "--dump-mem with --mem 8M: 8 MiB" || bad "--dump-mem --mem 8M" "status $RC, size '$size'"
rm -f "$T/mem"
vmm --long-mode --dump-mem "$T/mem" "$L64" "$L64"
r=0
for i in 0 1; do
	[ -f "$T/mem.$i" ] && [ "$(wc -c <"$T/mem.$i" | tr -d ' ')" -eq 4194304 ] &&
		[ "$(bytes_at "$T/mem.$i" 2097152 8)" = "ef cd ab 89 67 45 23 01" ] || r=1
done
[ "$RC" -eq 0 ] && [ $r -eq 0 ] && [ ! -e "$T/mem" ] && ok "--dump-mem, 2 guests: FILE.0 and FILE.1" ||
	bad "--dump-mem, 2 guests" "status $RC; files: $(cd "$T" && echo mem*)"
rm -f "$T"/mem*
vmm --dump-mem "$T/mem" "$G/hello.bin"
size=$(wc -c <"$T/mem" 2>/dev/null | tr -d ' ')
[ "$RC" -eq 0 ] && [ "$size" = 1048576 ] && ok "--dump-mem of a real-mode guest: 1 MiB" ||
	bad "--dump-mem real mode" "status $RC, size '$size'"
rm -f "$T/mem"
vmm --long-mode --dump-mem "$T" "$L64"
[ "$RC" -eq 126 ] && grep -q -- "$T" "$T/err" && ok "--dump-mem to a directory: 126, named" ||
	bad "--dump-mem to a directory" "status $RC, expected 126"

# --- --paging: 32-bit protected mode with paging, the high mapping ---
if [ $PVM -eq 1 ]; then
	# This host's KVM refuses 32-bit paging: one line, nothing run.
	vmm --paging "$P32"
	if [ "$RC" -ne 122 ]; then bad "paging32 on kvm-pvm" "status $RC, expected 122"
	elif [ -s "$T/out" ]; then bad "paging32 on kvm-pvm" "wrote to stdout"
	elif [ "$(grep -c . "$T/err")" -ne 1 ] || ! grep -q "refuses 32-bit paging" "$T/err"; then
		bad "paging32 on kvm-pvm" "stderr is not one line with 'refuses 32-bit paging'"
	else ok "paging32 on kvm-pvm: refused in one line (122)"; fi
else
	printf 'x' >"$T/in"
	IN=$T/in vmm --paging "$P32"
	expect "paging32: entry state, paging, aliasing, PUTS, GETCHAR 'x'; debug-exit 33" 33 "$FG/paging32-x.out"
	vmm --paging "$P32"
	expect "paging32: GETCHAR at end of input" 33 "$FG/paging32-eof.out"
	IN=$T/in vmm --paging --entry 0x1000 "$P32"
	expect "paging32 --entry 0x1000: entered through the low alias" 33 "$FG/paging32-x.out"
	# --paging's machine has interrupts: KVM cannot queue its UART output.
	input "paging32 with --coalesced-io: refused" 120 "coalesced-io: applies to real-mode and --long-mode binaries" --paging --coalesced-io "$P32"
	IN=$T/in vmm --paging --verbose "$P32"
	events
	[ "$RC" -eq 33 ] && grep -q '^IO out port 0x500 size 1 value 0x02 hypercall GETCHAR$' "$T/seen" &&
		grep -A 1 'hypercall GETCHAR$' "$T/seen" | grep -q '^IO in port 0x500 size 4 value 0x00000078$' &&
		[ "$(tail -n 1 "$T/seen")" = "IO out port 0xf4 size 1 value 0x10" ] &&
		ok "paging32 --verbose: GETCHAR, IN 'x', debug-exit" || bad "paging32 --verbose" "status $RC"
fi

# --- bad input for the new options ---
input "--paging with --long-mode" 120 "two boot protocols" --paging --long-mode "$L64"
input "--load without --paging or --long-mode" 120 "--load and --entry apply to" --load 0x2000 "$G/hello.bin"
input "--entry without --paging or --long-mode" 120 "--load and --entry apply to" --entry 0x2000 "$G/hello.bin"
input "--long-mode --mem 3M: not a multiple of 2 MiB" 120 "multiple of 2M" --long-mode --mem 3M "$L64"
input "--long-mode --load abc" 120 "invalid --load 'abc'" --long-mode --load abc "$L64"
dd if=/dev/zero of="$T/big.bin" bs=1024 count=1100 2>/dev/null
input "--long-mode image over the page tables at 1 MiB" 121 "big.bin: .*overlap" --long-mode "$T/big.bin"
input "--long-mode --load over the GDT and IDT" 121 "long64.bin: .*overlap" --long-mode --load 0x600 "$L64"
input "--long-mode --load beyond RAM" 121 "long64.bin: .*overlap" --long-mode --load 0x400000 "$L64"
input "--long-mode --entry beyond RAM" 121 "long64.bin: --entry 0x400000" --long-mode --entry 0x400000 "$L64"
input "--paging --entry not mapped" 121 "paging32.bin: --entry 0x40000000" --paging --entry 0x40000000 "$P32"
input "--paging given a multiboot ELF" 121 "mbtest.elf: a multiboot kernel" --paging "$G/test/mbtest.elf"
input "--long-mode given a multiboot ELF" 121 "mbtest.elf: a multiboot kernel" --long-mode "$G/test/mbtest.elf"

# --- --verbose: one stderr line per VM exit, in order ---
vmm --verbose "$G/hello.bin"
events
# Each byte of hello's output: LSR read (THRE and TEMT set, no input), THR write.
od -A n -t x1 -v "$GOLD/hello.out" | awk '{ for (i = 1; i <= NF; i++)
	printf "IO in port 0x3fd size 1 value 0x60\nIO out port 0x3f8 size 1 value 0x%s\n", $i }
	END { print "HLT" }' >"$T/expected"
if [ "$RC" -ne 0 ] || ! cmp -s "$T/out" "$GOLD/hello.out"; then bad "hello --verbose" "status $RC, or stdout is not hello's"
elif [ "$(grep -c . "$T/err")" -ne 25 ]; then bad "hello --verbose" "$(grep -c . "$T/err") stderr lines, expected 25"
elif ! cmp -s "$T/seen" "$T/expected"; then bad "hello --verbose" "exit sequence differs"; diff "$T/expected" "$T/seen" | head -n 10
elif [ "$(grep -c ' rip 0x[0-9a-f]*' "$T/events")" -ne 25 ]; then bad "hello --verbose" "a line lacks its rip"
elif [ "$(cat "$T/who")" != "hello.bin cpu0" ]; then bad "hello --verbose" "guest and vCPU named '$(cat "$T/who")'"
else ok "hello --verbose: 25 exits, LSR read then THR write a byte, then HLT"; fi
vmm --verbose --dump-regs "$G/hello.bin"
events
nregs=$(grep -c '^  rip [0-9a-f]*  *rsp ' "$T/err")
ncr=$(grep -c '^  cr0 [0-9a-f]* .*cr3 [0-9a-f]* .*efer [0-9a-f]*' "$T/err")
nseg=$(grep -c '^  cs [0-9a-f]* (base ' "$T/err")
[ "$RC" -eq 0 ] && cmp -s "$T/out" "$GOLD/hello.out" && [ "$(grep -c . "$T/events")" -eq 25 ] &&
	[ "$nregs" -eq 25 ] && [ "$ncr" -eq 25 ] && [ "$nseg" -eq 25 ] &&
	ok "hello --verbose --dump-regs: a register block after each of the 25 exits" ||
	bad "hello --dump-regs" "status $RC, $(grep -c . "$T/events") exits, $nregs rip lines, $ncr cr lines, $nseg segment lines"
vmm --dump-regs "$G/hello.bin"
events
[ "$RC" -eq 0 ] && [ "$(grep -c . "$T/events")" -eq 25 ] && [ "$(grep -c '^  rip [0-9a-f]*  *rsp ' "$T/err")" -eq 25 ] &&
	ok "--dump-regs implies --verbose" || bad "--dump-regs alone" "status $RC, $(grep -c . "$T/events") exits"
vmm --verbose --tag "$G/minimal.bin" "$G/minimal.bin"
events
[ "$RC" -eq 0 ] && [ "$(grep -c . "$T/events")" -eq 2 ] && grep -q '^minimal.bin#0 cpu0$' "$T/who" && grep -q '^minimal.bin#1 cpu0$' "$T/who" &&
	ok "--verbose, 2 guests: each line names its guest" || bad "--verbose, 2 guests" "status $RC; names: $(cat "$T/who")"
vmm --verbose --long-mode "$L64"
events
[ "$RC" -eq 0 ] && cmp -s "$T/out" "$FG/long64.out" &&
	[ "$(grep -c . "$T/events")" -eq $((UART_BYTES * 2 + 2)) ] &&
	[ "$(grep -c ' rip 0x[0-9a-f]*' "$T/events")" -eq $((UART_BYTES * 2 + 2)) ] &&
	grep -q '^IO out port 0x500 size 2 value 0x0003 hypercall PUTS$' "$T/seen" &&
	[ "$(tail -n 1 "$T/seen")" = HLT ] &&
	ok "long64 --verbose: every exit, the PUTS hypercall named, HLT last" ||
	bad "long64 --verbose" "status $RC, $(grep -c . "$T/events") exits, expected $((UART_BYTES * 2 + 2))"
vmm --verbose --dump-regs --long-mode "$L64"
# The registers at the HLT: CR0 PG|ET|PE, CR3 the PML4, CR4 PAE, EFER LMA|LME.
sed -n '/ HLT rip /,$p' "$T/err" >"$T/last"
[ "$RC" -eq 0 ] && grep -q '^  cr0 0*80000011 .*cr3 0*100000 .*cr4 0*20 .*efer 0*500$' "$T/last" &&
	grep -q '^  cs 0008 ' "$T/last" && ok "long64 --dump-regs: long-mode control registers at the HLT" ||
	bad "long64 --dump-regs" "status $RC; last lines: $(grep '^  c' "$T/last" | tr '\n' '|')"
vmm --verbose --long-mode "$T/ud2.bin"
events
[ "$RC" -eq 123 ] && tail -n 1 "$T/events" | grep -q "^\\($UD2_EXIT\\)" && ok "--verbose names the exit that ended ud2 ($(tail -n 1 "$T/seen"))" ||
	bad "--verbose SHUTDOWN" "status $RC; last: $(tail -n 1 "$T/events")"

# --- the reference's spellings: --linux = --kernel, --cmdline = --append ---
vmm --cmdline "hello world" "$G/test/mbtest.elf"
unpath "$G/test/mbtest.elf"
expect "--cmdline is --append" 33 "$GOLD/mbtest.out"
vmm --kernel "$T/nope.bzImage"
RC1=$RC
vmm --linux "$T/nope.bzImage"
[ "$RC1" -eq 121 ] && [ "$RC" -eq 121 ] && grep -q "nope.bzImage" "$T/err" && ok "--linux is --kernel" ||
	bad "--linux" "status $RC (--kernel: $RC1)"

# --- --help names the new options ---
vmm --help
r=0
for o in --long-mode --paging --load --entry --verbose --dump-regs --dump-mem; do
	grep -q -- "$o" "$T/out" || { r=1; echo "  --help lacks $o"; }
done
[ "$RC" -eq 0 ] && [ $r -eq 0 ] && ok "--help names the new options" || bad "--help" "status $RC"

echo "flat: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
