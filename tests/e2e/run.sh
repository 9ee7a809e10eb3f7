#!/bin/sh
# End-to-end tests of kvm-vmm: every guest against its golden output, exit
# statuses, exit counts, parallel runs, isolation, bad input and faulting
# guests. POSIX sh only: the same file runs on the host and, under busybox,
# inside the nested SVM lane.
#
# usage: run.sh VMM GUEST_DIR GOLDEN_DIR
set -u
VMM=$1
G=$2
GOLD=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0

[ -c /dev/kvm ] || { echo "e2e: /dev/kvm is missing: these tests need KVM" >&2; exit 1; }
[ -x "$VMM" ] || { echo "e2e: $VMM is not an executable" >&2; exit 1; }

. "$(dirname "$0")/lib.sh"


# --- every guest against its golden transcript ---
for g in hello counter multiplication multiplication-puts fibonacci ref-hello ref-stack; do
	vmm "$G/$g.bin"
	expect "$g output" 0 "$GOLD/$g.out"
done
vmm "$G/minimal.bin"
expect "minimal output" 0 /dev/null
[ "$(wc -c <"$G/minimal.bin")" -eq 1 ] && ok "minimal is one byte" || bad "minimal is one byte" "size $(wc -c <"$G/minimal.bin")"

# --- exit counts where they are deterministic ---
# exits NAME GUEST EXPECTED: total VM exits of one run, from --stats-json.
exits() {
	vmm --stats-json "$T/stats.json" "$G/$2.bin"
	n=$(total_exits)
	if [ "$RC" -ne 0 ] || [ "$n" != "$3" ]; then bad "$1" "status $RC, $n exits, expected $3"
	else ok "$1 ($n)"; fi
}
bytes() { wc -c <"$GOLD/$1.out" | tr -d ' '; }
exits "minimal exits" minimal 1
# UART guests poll LSR once per byte, then write THR: two exits a byte, plus HLT.
exits "hello exits" hello $(($(bytes hello) * 2 + 1))
exits "counter exits" counter $(($(bytes counter) * 2 + 1))
# One PUTCHAR exit a byte, plus HLT; with PUTS, one exit for the whole table.
exits "multiplication exits" multiplication $(($(bytes multiplication) + 1))
exits "multiplication-puts exits" multiplication-puts 2
vmm --stats-json "$T/stats.json" "$G/test/multiplication-uart.bin"
[ "$RC" -eq 0 ] && cmp -s "$T/out" "$GOLD/multiplication.out" && [ "$(total_exits)" = $(($(bytes multiplication) + 1)) ] &&
	ok "multiplication through UART writes" || bad "multiplication-uart" "status $RC, $(total_exits) exits"

# --coalesced-io: KVM queues THR writes; the same bytes, in order, far fewer exits.
vmm --coalesced-io --stats-json "$T/stats.json" "$G/hello.bin"
n=$(total_exits); c=$(sed -n 's/.*"total": {.*"coalesced_writes": \([0-9]*\).*/\1/p' "$T/stats.json")
[ "$RC" -eq 0 ] && cmp -s "$T/out" "$GOLD/hello.out" && [ "$n" = $(($(bytes hello) + 1)) ] && [ "$c" = "$(bytes hello)" ] &&
	ok "hello with coalesced UART writes ($n exits, $c queued)" || bad "coalesced hello" "status $RC, $n exits, $c queued"
vmm --coalesced-io --stats-json "$T/stats.json" "$G/test/multiplication-uart.bin"
n=$(total_exits)
[ "$RC" -eq 0 ] && cmp -s "$T/out" "$GOLD/multiplication.out" && [ "$n" -lt 10 ] &&
	ok "multiplication, coalesced UART writes ($n exits)" || bad "coalesced multiplication" "status $RC, $n exits"

# --- matrix: C = A x B computed here, independently of the guest ---
awk 'NR <= 8 { for (j = 1; j <= 8; j++) A[NR, j] = $j }
     NR > 8  { for (j = 1; j <= 8; j++) B[NR - 8, j] = $j }
     END { for (i = 1; i <= 8; i++) { line = "";
             for (j = 1; j <= 8; j++) { s = 0; for (k = 1; k <= 8; k++) s += A[i, k] * B[k, j];
               line = line (j > 1 ? " " : "") s }
             print line } }' "$GOLD/matrix-ab.txt" >"$T/matrix.expected"
vmm "$G/matrix.bin"
expect "matrix product" 0 "$T/matrix.expected"
grep -q '[1-9]' "$T/matrix.expected" && ok "matrix expectation is not all zeros" || bad "matrix expectation" "all zeros"

# --- hypercalls and input ---
vmm "$G/hctest.bin"
expect "hctest, stdin at EOF" 0 "$GOLD/hctest-eof.out"
printf 'ab' >"$T/in"
IN=$T/in vmm "$G/hctest.bin"
expect "hctest, stdin 'ab'" 0 "$GOLD/hctest-ab.out"
vmm --debug-io "$G/hctest.bin"
expect_err "--debug-io logs unclaimed ports" 0 "unclaimed port read"
printf 'hi\n' >"$T/in"
IN=$T/in vmm "$G/test/echo.bin"
expect "UART input echoed until carrier drops at EOF" 0 "$GOLD/echo-hi.out"
IN=$T/in vmm --tag "$G/hello.bin" "$G/test/echo.bin"
grep '^\[echo.bin\]' "$T/out" >"$T/one"
[ "$RC" -eq 0 ] && [ "$(cat "$T/one")" = "[echo.bin] EOF" ] && ok "only the first guest reads stdin" || bad "second guest input" "status $RC"
vmm "$G/test/exit7.bin"
expect "EXIT status passes through" 7 "$GOLD/exit7.out"

# --- the reference's way of reading input: GETCHAR, then IN from 0x500 ---
# ref-input uses only what the IN returns: a VMM that answered it with all
# ones would show "[0 bytes]", one that refused it a status of 125.
printf 'Hello, reference VMM: abc-xyz 123\nlast line, no newline' >"$T/in"
IN=$T/in vmm "$G/ref-input.bin"
expect "IN from the hypercall port returns the GETCHAR byte (ref-input)" 0 "$GOLD/ref-input.out"
vmm "$G/ref-input.bin"
printf '[0 bytes]\n' >"$T/expected"
expect "IN from the hypercall port at end of input: 0xFFFF (ref-input)" 0 "$T/expected"
# A byte 0xFF is data, not the end: the 16-bit IN tells them apart.
printf 'a\377b' >"$T/in"
printf 'A\377B[3 bytes]\n' >"$T/expected"
IN=$T/in vmm "$G/ref-input.bin"
expect "IN from the hypercall port: byte 0xFF is not the end of input" 0 "$T/expected"

# --- a guest status above 119 is reported as 119 (120 and up are kvm-vmm's) ---
# exitwith MODE VALUE EXPECTED: exitwith.bin reads MODE ('e': EXIT with
# BL = VALUE; 'd': isa-debug-exit write of VALUE) and the byte VALUE.
exitwith() {
	printf '%s' "$1" >"$T/in"
	printf "\\$(printf %03o "$2")" >>"$T/in"
	if [ "$(wc -c <"$T/in" | tr -d ' ')" -ne 2 ]; then
		bad "status $1 $2" "this sh could not write the byte $2"; return
	fi
	IN=$T/in vmm "$G/test/exitwith.bin"
	req=$2 what="EXIT $2"
	[ "$1" = d ] && req=$((($2 << 1) | 1)) what="isa-debug-exit $2 (status $req asked)"
	if [ "$RC" -ne "$3" ]; then bad "$what" "status $RC, expected $3"
	elif [ -s "$T/out" ]; then bad "$what" "wrote to stdout"
	elif [ "$req" -gt 119 ] && ! grep -q 119 "$T/err"; then
		bad "$what" "no warning on stderr that $req is reported as 119"
	else ok "$what -> status $3"; fi
}
for c in 0:1 1:3 59:119 60:119 63:119 64:119 127:119; do exitwith d "${c%:*}" "${c#*:}"; done
for c in 0:0 1:1 7:7 119:119 120:119 200:119 255:119; do exitwith e "${c%:*}" "${c#*:}"; done

# --- multiboot kernels: ELF loading, information block, isa-debug-exit ---
vmm --append "hello world" "$G/test/mbtest.elf"
unpath "$G/test/mbtest.elf"
expect "multiboot kernel: magic, memory, cmdline; debug-exit status 33" 33 "$GOLD/mbtest.out"
# More RAM than fits below the PC hole: mem_upper ends at 3 GiB, the rest
# is at 4 GiB.
vmm --mem 5G --append "hello world" "$G/test/mbtest.elf"
unpath "$G/test/mbtest.elf"
sed 's/mem_upper 64512/mem_upper 3144704/' "$GOLD/mbtest.out" >"$T/mbtest-5g.out"
expect "multiboot kernel with 5 GiB: mem_upper stops at the hole" 33 "$T/mbtest-5g.out"
# Guest RAM's host mapping: 4 KiB pages for a multiboot kernel, which
# touches a few pages of its 64 MiB; huge pages when asked (src/vm.c).
vmm --stats --append "hello world" "$G/test/mbtest.elf"
unpath "$G/test/mbtest.elf"
expect "multiboot kernel with --stats" 33 "$GOLD/mbtest.out"
expect_err "multiboot kernel: RAM in 4 KiB host pages by default (--stats)" 33 \
	"^mbtest.elf: RAM 65536 KiB, host mapping in 4 KiB pages\$"
vmm --stats --huge-pages=on --append "hello world" "$G/test/mbtest.elf"
unpath "$G/test/mbtest.elf"
expect "multiboot kernel with --huge-pages=on" 33 "$GOLD/mbtest.out"
expect_err "multiboot kernel, --huge-pages=on: RAM 2 MiB-aligned, huge pages advised (--stats)" 33 \
	"^mbtest.elf: RAM 65536 KiB, host mapping 2 MiB-aligned, huge pages advised\$"
# A multiboot header in a file that is not ELF is refused by name.
printf 'NOT-AN-ELF-FILE!' >"$T/noelf.bin"
dd if="$G/test/mbtest.elf" bs=4096 skip=1 count=1 2>/dev/null >>"$T/noelf.bin"
vmm "$T/noelf.bin"
expect_err "multiboot image that is not ELF refused" 121 "noelf.bin: multiboot kernel is not an ELF file"

# --- parallel guests, each in its own VM; --tag separates their output ---
# tagged NAME TAG GOLDEN: the lines of one guest, untagged, equal GOLDEN.
tagged() {
	grep "^\[$2\] " "$T/out" | sed "s/^\[$2\] //" >"$T/one"
	if cmp -s "$T/one" "$3"; then return 0; fi
	bad "$1" "output of $2 differs from $3"; return 1
}
# together NAME R [EXTRA]: the verdict of a run of several guests: ok if
# every guest's output matched (R = 0) and the status was 0; a mismatch was
# already counted by tagged, a wrong status (or EXTRA) is counted here.
together() {
	if [ "$2" -ne 0 ]; then return 0
	elif [ "$RC" -ne 0 ]; then bad "$1" "status $RC, expected 0"
	else ok "$1"; fi
}
vmm --tag "$G/hello.bin" "$G/counter.bin"
r=0; tagged "2 guests" hello.bin "$GOLD/hello.out" || r=1; tagged "2 guests" counter.bin "$GOLD/counter.out" || r=1
together "2 guests at once" $r
vmm --tag "$G/hello.bin" "$G/counter.bin" "$G/fibonacci.bin" "$G/multiplication.bin"
r=0
for g in hello counter fibonacci multiplication; do tagged "4 guests" "$g.bin" "$GOLD/$g.out" || r=1; done
together "4 guests at once" $r
vmm --tag "$G/ref-hello.bin" "$G/ref-stack.bin" "$G/hello.bin"
r=0
for g in ref-hello ref-stack hello; do tagged "reference-style guests" "$g.bin" "$GOLD/$g.out" || r=1; done
together "reference-style guests alongside the others" $r
vmm --coalesced-io --tag "$G/counter.bin" "$G/fibonacci.bin"
r=0; tagged "coalesced, 2 guests" counter.bin "$GOLD/counter.out" || r=1; tagged "coalesced, 2 guests" fibonacci.bin "$GOLD/fibonacci.out" || r=1
together "coalesced writes of 2 guests stay apart and in order" $r
set --
i=0; while [ $i -lt 16 ]; do set -- "$@" "$G/counter.bin"; i=$((i + 1)); done
vmm --tag --stats-json "$T/stats.json" "$@"
r=0; i=0
while [ $i -lt 16 ]; do tagged "16 guests" "counter.bin#$i" "$GOLD/counter.out" || r=1; i=$((i + 1)); done
n=$(total_exits)
if [ $r -ne 0 ]; then :	# counted by tagged
elif [ "$RC" -eq 0 ] && [ "$n" = $((16 * ($(bytes counter) * 2 + 1))) ]; then ok "16 guests at once ($n exits)"
else bad "16 guests" "status $RC, $n exits, expected 0 and $((16 * ($(bytes counter) * 2 + 1)))"; fi
vmm --tag "$G/test/secret.bin" "$G/test/spy.bin"
if [ "$RC" -eq 0 ] && grep -q '^\[secret.bin\] secret: planted$' "$T/out" &&
	grep -q '^\[spy.bin\] spy: own write visible$' "$T/out" &&
	grep -q '^\[spy.bin\] spy: PASS' "$T/out"; then ok "a guest cannot see another guest's memory"
else bad "isolation" "status $RC"; fi
vmm --tag "$G/test/exit7.bin" "$G/hello.bin"
[ "$RC" -eq 7 ] && grep -q '^\[hello.bin\] Hello, KVM!$' "$T/out" && ok "status of several guests is the highest" || bad "several statuses" "status $RC"

# --- misbehaving guests are stopped and reported; their output is kept ---
vmm "$G/test/badcall.bin"
expect "unknown hypercall: output kept" 125 "$GOLD/before.out"
expect_err "unknown hypercall: reported" 125 "unknown hypercall number 99"
for g in badptr badptr2; do
	vmm "$G/test/$g.bin"
	expect_err "$g: PUTS outside guest memory refused" 125 "outside guest memory"
done
{ "$VMM" "$G/test/triple.bin" </dev/null 2>"$T/err"; echo $? >"$T/rc"; } | cat >"$T/out"
RC=$(cat "$T/rc")
expect "triple fault: output through a pipe kept" 123 "$GOLD/before.out"
expect_err "triple fault: reason and registers" 123 "triple fault"
grep -q "rip " "$T/err" && ok "triple fault: registers shown" || bad "triple fault registers" "no rip"
# A PC guest that calls the BIOS jumps through the zeroed vector table.
# Where KVM honours the VMM's breakpoint at 0000:0000 the guest stops there
# at once (123); where it does not (QEMU's emulated SVM) it runs on through
# zeroes until --timeout (124). Either way the report names the cause.
vmm --timeout 2 "$G/test/bios.bin"
case $RC in 123 | 124) bios_rc=$RC ;; *) bios_rc=123 ;; esac
expect "BIOS call (INT 0x10): output kept (status $RC)" $bios_rc "$GOLD/before.out"
expect_err "BIOS call (INT 0x10): reported as no BIOS" $bios_rc "no BIOS is provided"
vmm "$G/test/emulfail.bin"
if [ -d /sys/module/kvm_pvm ]; then
	# Software KVM emulates real mode, and its emulator lacks popcnt.
	expect "emulation failure: output kept" 123 "$GOLD/before.out"
	expect_err "emulation failure: instruction bytes shown" 123 "emulation failure.*instruction bytes f3 0f b8"
else
	expect "popcnt runs natively on hardware KVM" 0 "$GOLD/before-after.out"
fi
vmm --timeout 1 "$G/test/spin.bin"
expect "timeout: output kept" 124 "$GOLD/spin.out"
expect_err "timeout: where it stopped" 124 "rip "
"$VMM" "$G/test/spin.bin" </dev/null >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
RC=$?
expect "SIGTERM ends the run, output kept" 143 "$GOLD/spin.out"

# --- bad input: one line naming the file and the problem ---
: >"$T/empty.bin"
dd if=/dev/zero of="$T/huge.bin" bs=1024 count=1100 2>/dev/null
input "missing image" 121 "$T/nope.bin: cannot open image" "$T/nope.bin"
input "directory as image" 121 "$T: is a directory" "$T"
input "empty image" 121 "$T/empty.bin: empty image" "$T/empty.bin"
input "image too large" 121 "$T/huge.bin: image is 1126400 bytes" "$T/huge.bin"
# 128 KiB of RAM leaves 65536 bytes above the load address 0x10000.
dd if=/dev/zero of="$T/65537.bin" bs=65537 count=1 2>/dev/null
input "image too large for --mem" 121 "65537.bin: image is 65537 bytes, more than the 65536 bytes" --mem 128K "$T/65537.bin"
# The multiboot command line holds at most 3327 bytes.
long=$(head -c 4000 /dev/zero | tr '\0' x)
input "--append longer than the multiboot command line" 121 "append.*4000 bytes.*at most 3327" --append "$long" "$G/test/mbtest.elf"
[ "$(grep -c . "$T/err")" -eq 1 ] && ok "--append too long: one line" || bad "--append too long" "$(grep -c . "$T/err") lines on stderr"
input "bad input stops every guest before any runs" 121 "nope.bin" "$G/hello.bin" "$T/nope.bin"
input "unknown option" 120 "unknown option '--bogus'" --bogus "$G/hello.bin"
input "no image" 120 "no guest image given"
input "bad --timeout" 120 "invalid --timeout" --timeout abc "$G/hello.bin"
set --
i=0; while [ $i -lt 65 ]; do set -- "$@" "$G/minimal.bin"; i=$((i + 1)); done
input "too many guests" 121 "65 guests given; at most 64" "$@"

# --- the host runs out: status 126, one line naming the problem ---
# A 1 GiB guest under a 150 MB address-space limit cannot be mapped. ASan
# reserves terabytes of shadow memory and cannot run under ulimit -v; TSan
# too (its shadow and metadata ranges are mapped at start).
if grep -q -e __asan_init -e __tsan_init "$VMM"; then
	echo "skip out of memory -> 126: $VMM is a sanitizer build (ASan and TSan cannot run under ulimit -v)"
else
	(ulimit -v 150000; "$VMM" --mem 1G "$G/hello.bin" </dev/null >"$T/out" 2>"$T/err"); RC=$?
	if [ "$RC" -ne 126 ]; then bad "out of memory" "status $RC, expected 126"
	elif ! head -n 1 "$T/err" | grep -qiE "out of memory|cannot map|cannot allocate"; then bad "out of memory" "stderr does not name the problem"
	elif [ -s "$T/out" ]; then bad "out of memory" "wrote to stdout"
	else ok "out of memory (ulimit -v): status 126, the problem named"; fi
fi

# --- the CLI itself ---
vmm --help
[ "$RC" -eq 0 ] && grep -q -- '--timeout' "$T/out" && grep -q -- '--stats-json' "$T/out" &&
	grep -q -- '--tag' "$T/out" && grep -q -- '--debug-io' "$T/out" && grep -q 'Exit status' "$T/out" &&
	ok "--help" || bad "--help" "status $RC"
vmm --version
[ "$RC" -eq 0 ] && grep -q '^kvm-vmm (Mini-KVM) ' "$T/out" && ok "--version" || bad "--version" "status $RC"
vmm --stats "$G/hello.bin"
[ "$RC" -eq 0 ] && grep -q 'HLT  *1$' "$T/err" && grep -q 'port 0x03f8 COM1 THR/RBR  ' "$T/err" &&
	grep -q 'port 0x03fd COM1 LSR  ' "$T/err" && grep -q '^hello.bin: halted, 25 exits to user space$' "$T/err" &&
	grep -q 'set-up' "$T/err" && ok "--stats report: exits to user space, ports named" || bad "--stats" "status $RC"

# --- QEMU's and kvmtool's spellings; errors that name the option; --stats-json ---
# -m SIZE: a bare number is MiB, as QEMU's and kvmtool's -m: the multiboot
# kernel's mem_upper is (512 - 1) * 1024 KiB.
sed 's/mem_upper 64512/mem_upper 523264/' "$GOLD/mbtest.out" >"$T/mbtest-512.out"
vmm -m 512 --append "hello world" "$G/test/mbtest.elf"
unpath "$G/test/mbtest.elf"
expect "-m 512 is 512 MiB (multiboot mem_upper 523264)" 33 "$T/mbtest-512.out"
vmm -kernel "$G/test/mbtest.elf" -append "hello world" -m 64 -smp 1 -nographic -serial stdio
unpath "$G/test/mbtest.elf"
expect "QEMU's spellings: -kernel -append -m 64 -smp 1 -nographic -serial stdio" 33 "$GOLD/mbtest.out"
vmm -k "$G/test/mbtest.elf" -p "hello world" -m 64 -c 1
unpath "$G/test/mbtest.elf"
expect "kvmtool's spellings: -k -p -m 64 -c 1; --kernel takes a multiboot kernel" 33 "$GOLD/mbtest.out"
vmm --mem 131072B "$G/hello.bin"
expect "--mem 131072B is bytes (128 KiB)" 0 "$GOLD/hello.out"
# --stats-json -: the JSON on stdout after everything the guests wrote.
vmm --stats-json - "$G/hello.bin"
n=$(bytes hello)
head -c "$n" "$T/out" >"$T/first"
tail -c +$((n + 1)) "$T/out" >"$T/stats.json"
if [ "$RC" -ne 0 ] || ! cmp -s "$T/first" "$GOLD/hello.out"; then bad "--stats-json -" "status $RC, or stdout does not start with hello's output"
elif [ "$(head -n 1 "$T/stats.json")" != "{" ] || [ "$(tail -n 1 "$T/stats.json")" != "}" ]; then bad "--stats-json -" "no JSON object after the guest's output"
elif [ "$(total_exits)" != 25 ] || ! grep -q '^  "format": 2,$' "$T/stats.json"; then bad "--stats-json -" "total exits '$(total_exits)', or no \"format\": 2"
elif ! grep -q '{"port": "0x3f8", "name": "COM1 THR/RBR", "in": 0, "out": 12}' "$T/stats.json"; then bad "--stats-json -" "port 0x3f8 not a named hex string"
else ok "--stats-json -: the JSON (format 2, hex ports, names) after the guest's output"; fi
vmm --tag --stats-json - "$G/hello.bin" "$G/counter.bin"
last_tag=$(grep -n '^\[' "$T/out" | tail -n 1 | cut -d: -f1)
json_at=$(grep -n '^{$' "$T/out" | cut -d: -f1)
[ "$RC" -eq 0 ] && [ -n "$json_at" ] && [ -n "$last_tag" ] && [ "$json_at" -gt "$last_tag" ] &&
	[ "$(grep -c '^\[' "$T/out")" -eq $(($(grep -c . "$GOLD/hello.out") + $(grep -c . "$GOLD/counter.out"))) ] &&
	ok "--stats-json -, 2 guests: the JSON after both guests' output" ||
	bad "--stats-json -, 2 guests" "status $RC, JSON at line '$json_at', last guest line '$last_tag'"
# The file is created before any guest runs: a bad path is a usage error.
input "--stats-json to a missing directory: usage error before anything runs" 120 \
	"^kvm-vmm: --stats-json '$T/nodir/x.json': cannot create the file: No such file or directory$" \
	--stats-json "$T/nodir/x.json" "$G/hello.bin"
rm -f "$T/early.json"
vmm --stats-json "$T/early.json" "$T/nope.bin"
[ "$RC" -eq 121 ] && [ ! -e "$T/early.json" ] && ok "--stats-json file it created is removed when the run never starts" ||
	bad "--stats-json, bad image" "status $RC; $T/early.json $( [ -e "$T/early.json" ] && echo left || echo gone)"
# Errors name the option as typed (not argv[optind - 1], once the program's name).
input "unknown single-dash option named as typed" 120 "^kvm-vmm: unknown option '-bogus'$" -bogus "$G/hello.bin"
input "unknown short option named" 120 "^kvm-vmm: unknown option '-q'$" -q "$G/hello.bin"
input "unknown option in a group" 120 "^kvm-vmm: unknown option '-x' in '-vx'$" -vx "$G/hello.bin"
input "ambiguous long option: its candidates" 120 "^kvm-vmm: option '--st' is ambiguous: --stats, --stats-json$" --st "$G/hello.bin"
input "-kernel without a value" 120 "^kvm-vmm: option '-kernel' needs a value$" -kernel
input "-serial other than stdio" 120 "^kvm-vmm: -serial 'pty': kvm-vmm's one serial port" -serial pty "$G/hello.bin"
input "-m with a bad size" 120 "^kvm-vmm: invalid -m '1X': need a multiple of 4K" -m 1X "$G/hello.bin"
# Options the image's protocol does not take: 120, one line naming both.
# refused_option NAME PATTERN ARGS...: status 120, exactly one stderr line.
refused_option() {
	name=$1 pat=$2
	shift 2
	input "$name" 120 "$pat" "$@"
	[ "$RC" -eq 120 ] && [ "$(grep -c . "$T/err")" -ne 1 ] && bad "$name" "$(grep -c . "$T/err") lines on stderr, expected 1"
	return 0
}
refused_option "-smp for a real-mode binary" \
	"^kvm-vmm: --smp: applies to Linux and multiboot kernels; $G/hello.bin is a real-mode flat binary$" -smp 2 "$G/hello.bin"
refused_option "--initrd for a real-mode binary" \
	"^kvm-vmm: --initrd: applies to Linux and multiboot kernels; $G/hello.bin is a real-mode flat binary$" --initrd "$G/counter.bin" "$G/hello.bin"
refused_option "-append for a real-mode binary" \
	"^kvm-vmm: --append: applies to Linux and multiboot kernels; $G/hello.bin is a real-mode flat binary$" -append quiet "$G/hello.bin"
refused_option "-p for a --long-mode binary" \
	"^kvm-vmm: --append: applies to Linux and multiboot kernels; $G/hello.bin is a flat 64-bit binary (--long-mode)$" --long-mode -p quiet "$G/hello.bin"
refused_option "--append for a --paging binary" \
	"^kvm-vmm: --append: applies to Linux and multiboot kernels; $G/hello.bin is a flat 32-bit binary (--paging)$" --paging --append quiet "$G/hello.bin"
refused_option "--smp for a --long-mode binary" \
	"^kvm-vmm: --smp: applies to Linux and multiboot kernels; $G/hello.bin is a flat 64-bit binary (--long-mode)$" --long-mode --smp 2 "$G/hello.bin"
refused_option "--coalesced-io for a multiboot kernel" \
	"^kvm-vmm: --coalesced-io: applies to real-mode and --long-mode binaries; $G/test/mbtest.elf is a multiboot kernel$" --coalesced-io "$G/test/mbtest.elf"
refused_option "--coalesced-io for a --paging binary" \
	"^kvm-vmm: --coalesced-io: applies to real-mode and --long-mode binaries; $G/hello.bin is a flat 32-bit binary (--paging)$" --coalesced-io --paging "$G/hello.bin"
refused_option "--device pc-testdev for a real-mode binary" \
	"^kvm-vmm: --device pc-testdev: applies to multiboot kernels; $G/hello.bin is a real-mode flat binary$" --device pc-testdev "$G/hello.bin"
refused_option "an option one of several guests does not take" \
	"^kvm-vmm: --append: applies to Linux and multiboot kernels; $G/hello.bin is a real-mode flat binary$" --append x "$G/test/mbtest.elf" "$G/hello.bin"
input "-kernel given a real-mode binary" 121 \
	"^kvm-vmm: $G/hello.bin: not a Linux bzImage or a multiboot kernel, which --kernel boots" -kernel "$G/hello.bin"

# --- loader defects: files that are no regular file, messages, BSS, flags ---
# le16/le32 V: V's bytes, little-endian, on stdout.
le16() { printf "\\$(printf %o $(($1 & 255)))\\$(printf %o $((($1 >> 8) & 255)))"; }
le32() { le16 $(($1 & 65535)); le16 $((($1 >> 16) & 65535)); }
# mb_elf FILE FLAGS FILESZ MEMSZ: a 100-byte ELF32 multiboot kernel, one
# PT_LOAD at 1 MiB from file offset 84: the header, then "mov al,0; out
# 0xf4,al" (isa-debug-exit: status 1), entered at 1 MiB + 12.
mb_elf() {
	{
		printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000'
		le16 2; le16 3; le32 1; le32 0x10000c; le32 52; le32 0; le32 0
		le16 52; le16 32; le16 1; le16 0; le16 0; le16 0
		le32 1; le32 84; le32 0x100000; le32 0x100000; le32 "$3"; le32 "$4"; le32 7; le32 4
		le32 0x1badb002; le32 "$2"; le32 $(((0 - 0x1badb002 - $2) & 0xffffffff))
		printf '\260\000\346\364'
	} >"$1"
}
mkfifo "$T/fifo"
input "a FIFO as the image: refused, not waited on" 121 "^kvm-vmm: $T/fifo: a FIFO, not a regular file$" "$T/fifo"
input "a FIFO as a multiboot module" 121 "^kvm-vmm: $T/fifo: a FIFO, not a regular file$" --initrd "$T/fifo" "$G/test/mbtest.elf"
input "a device as the image" 121 "^kvm-vmm: /dev/null: a device, not a regular file$" /dev/null
mb_elf "$T/fsz.elf" 3 16 8
input "ELF file size over memory size: said so" 121 \
	"^kvm-vmm: $T/fsz.elf: ELF segment 0: file size 0x10 is larger than its memory size 0x8$" "$T/fsz.elf"
mb_elf "$T/bit3.elf" 11 16 16
input "multiboot header flag bit 3: refused" 121 \
	"^kvm-vmm: $T/bit3.elf: the multiboot header requires flag bit 3, which kvm-vmm does not know" "$T/bit3.elf"
mb_elf "$T/bit16.elf" 65539 16 16
input "multiboot flag bit 16 without the addresses: refused" 121 \
	"^kvm-vmm: $T/bit16.elf: the multiboot header sets flag bit 16" "$T/bit16.elf"
input "multiboot kernel with --mem under 2 MiB: 121 before KVM" 121 \
	"^kvm-vmm: $G/test/mbtest.elf: a multiboot kernel needs at least 2 MiB of guest memory; --mem gives 1024 KiB$" --mem 1M "$G/test/mbtest.elf"
# A 2 GiB BSS: not written, so the guest starts at once and the host backs
# none of it.
mb_elf "$T/bss.elf" 3 16 0x80000000
t0=$(date +%s)
vmm --mem 2200M --timeout 30 "$T/bss.elf"
t1=$(date +%s)
[ "$RC" -eq 1 ] && [ $((t1 - t0)) -le 5 ] && ok "a 2 GiB BSS is not written ($((t1 - t0)) s)" ||
	bad "a 2 GiB BSS" "status $RC, $((t1 - t0)) s"
mb_elf "$T/ok.elf" 3 16 16
vmm "$T/ok.elf"
[ "$RC" -eq 1 ] && ok "the hand-made multiboot kernel runs" || bad "hand-made multiboot kernel" "status $RC"
# The guests' RAM added up: 64 guests of 64 GiB are more than this machine has.
set --
for i in $(seq 64); do set -- "$@" "$G/hello.bin"; done
input "64 guests of 64 GiB: more RAM than the host's" 121 "^kvm-vmm: the 64 guests' RAM adds up to 4194304 MiB, more than 8 times this host's" --mem 64G "$@"
set --

# --- the seccomp sandbox (docs/security.md): on by default ---
# The test hook makes the hypercall device attempt a system call the
# sandbox forbids, at the guest's first hypercall: the run ends with 159
# and one line naming the call; with --no-sandbox it completes as usual.
# A sanitizer build's sandbox allows openat (its runtime reads /proc), so
# the open case is for the release builds.
calls=socket
grep -q -e __asan_init -e __tsan_init "$VMM" || calls="socket open"
for call in $calls; do
	name=$call; [ "$call" = open ] && name=openat
	MINIKVM_TEST_FORBIDDEN_CALL=$call vmm "$G/multiplication-puts.bin"
	if [ "$RC" -ne 159 ]; then bad "sandbox: a forbidden $name" "status $RC, expected 159"
	elif [ "$(grep -c . "$T/err")" -ne 1 ] || ! grep -q "^kvm-vmm: sandbox: forbidden system call $name ([0-9]*): a bug in kvm-vmm" "$T/err"; then
		bad "sandbox: a forbidden $name" "stderr is not the one line naming it"
	else ok "sandbox: a forbidden $name ends the run with 159, named"; fi
	MINIKVM_TEST_FORBIDDEN_CALL=$call vmm --no-sandbox "$G/multiplication-puts.bin"
	expect "--no-sandbox: the same $name is made and the guest runs on" 0 "$GOLD/multiplication-puts.out"
done

echo "e2e: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
