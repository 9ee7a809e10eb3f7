#!/bin/sh
# --trace FILE against real guests: hello's timeline event by event against
# tests/golden/trace-hello.txt (its exits are deterministic), counts that
# agree with --stats-json, one process per guest and one track per vCPU
# with their spans, a bad path refused before any guest runs (120), and the
# cap: a flooding guest past MINIKVM_TRACE_MAX_EVENTS says events were
# dropped and still leaves well-formed JSON. POSIX sh with sed and awk only
# (no python in the nested lane): the JSON is read line by line, one event
# a line, as kvm-vmm writes it; python3 -m json.tool and tools/trace-svg
# check a trace on the host side (tests/unit/test_trace_events.c).
#
# usage: trace.sh VMM GUEST_DIR GOLDEN_DIR OS1K_DIR
set -u
VMM=$1
G=$2
GOLD=$3
OS1K=$4
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-trace.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0

[ -c /dev/kvm ] || { echo "trace: /dev/kvm is missing: these tests need KVM" >&2; exit 1; }
[ -x "$VMM" ] || { echo "trace: $VMM is not an executable" >&2; exit 1; }
[ -f "$GOLD/trace-hello.txt" ] || { echo "trace: $GOLD/trace-hello.txt is missing" >&2; exit 1; }

. "$(dirname "$0")/lib.sh"

J=$T/trace.json

# project FILE: one line per event, without its times: "meta NAME VALUE",
# "span NAME", "exit NAME [value V]", "output "BYTES" len N", "note NAME".
project() {
	sed -n \
		-e 's/^{"name":"\([^"]*\)","ph":"M".*"args":{"name":"\([^"]*\)"}},*$/meta \1 \2/p' \
		-e 's/^{"name":"\([^"]*\)","ph":"M".*"args":{"sort_index":\([0-9]*\)}},*$/meta \1 \2/p' \
		-e 's/^{"name":"\([^"]*\)","cat":"guest","ph":"X".*/span \1/p' \
		-e 's/^{"name":"\([^"]*\)","cat":"exit","ph":"X".*"value":"\(0x[0-9a-f]*\)".*/exit \1 value \2/p' \
		-e 's/^{"name":"\([^"]*\)","cat":"exit","ph":"X".*/exit \1/p' \
		-e 's/^{"name":"output","cat":"output".*"args":{"bytes":"\(.*\)","len":\([0-9]*\).*/output "\1" len \2/p' \
		-e 's/^{"name":"\([^"]*\)","cat":"trace",.*/note \1/p' "$1"
}

# shape FILE: empty when FILE is the array kvm-vmm writes: the head, one
# event a line ({"name":... with balanced braces outside strings, a comma
# after all but the last), the tail; else what is wrong.
shape() {
	sed -E 's/"([^"\\]|\\.)*"/S/g' "$1" | awk '
		function fail(why) { print why; failed = 1; exit }
		NR == 1 { if ($0 != "{S:[") fail("line 1 is not the head"); next }
		tail == 0 && $0 == "]," { tail = 1; next }
		tail == 1 { if ($0 != "S:S,") fail("no displayTimeUnit"); tail = 2; next }
		tail == 2 { if ($0 !~ /^S:[{]S:S,S:[0-9]+[}]$/) fail("bad otherData"); tail = 3; next }
		tail == 3 { if ($0 != "}") fail("no closing brace"); tail = 4; next }
		tail == 4 { fail("text after the end") }
		{
			if (NR > 2 && !comma) fail("no comma before line " NR)
			if ($0 !~ /^[{]S:/) fail("line " NR " is not an event")
			line = $0; comma = sub(/,$/, "", line)
			if (gsub(/[{]/, "{", line) != gsub(/[}]/, "}", line) || line !~ /[}]$/) fail("line " NR ": unbalanced")
		}
		END { if (failed) exit; if (tail != 4) print "no tail"; else if (comma) print "comma after the last event" }'
}

# count FILE PATTERN: lines of FILE matching PATTERN.
count() { grep -c -- "$2" "$1"; }

# well_formed NAME FILE: shape has nothing to say about FILE.
well_formed() {
	why=$(shape "$2")
	[ -z "$why" ] && ok "$1" || bad "$1" "$why"
}

# --- hello, event by event ---
vmm --trace "$J" "$G/hello.bin"
if [ "$RC" -eq 0 ] && cmp -s "$T/out" "$GOLD/hello.out" && [ -s "$J" ]; then
	ok "hello --trace: status 0, the same output, a trace"
else bad "hello --trace" "status $RC"; fi
well_formed "hello: the trace is the array, one event a line" "$J"
project "$J" >"$T/hello.txt"
if cmp -s "$T/hello.txt" "$GOLD/trace-hello.txt"; then
	ok "hello: all $(wc -l <"$T/hello.txt" | tr -d ' ') events as tests/golden/trace-hello.txt lists them"
else
	bad "hello: events" "differ from $GOLD/trace-hello.txt"
	diff "$GOLD/trace-hello.txt" "$T/hello.txt" | head -n 10
fi
# The exits on one track: in time order, none overlapping, within the run span.
order=$(sed -n -e 's/^{"name":"run","cat":"guest","ph":"X","ts":\([0-9.]*\),"dur":\([0-9.]*\).*/run \1 \2/p' \
	-e 's/^{"name":"[^"]*","cat":"exit","ph":"X","ts":\([0-9.]*\),"dur":\([0-9.]*\).*/exit \1 \2/p' "$J" | awk '
	$1 == "run" { b = $2; e = $2 + $3; next }
	{ if ($2 < end || $2 < b || $2 + $3 > e + 0.001) { print "exit " NR - 1 " at " $2; bad = 1; exit } end = $2 + $3; n++ }
	END { if (!bad && n != 25) print n " exits" }')
[ -z "$order" ] && ok "hello: 25 exits in time order, within the run span" || bad "hello: times" "$order"
grep -q '"dropped_events":0}$' "$J" && ok "hello: nothing dropped" || bad "hello: dropped" "$(tail -n 2 "$J")"

# --- counts agree with --stats-json; --verbose alongside ---
vmm --trace "$J" --stats-json "$T/stats.json" "$G/multiplication.bin"
n=$(count "$J" '"cat":"exit"'); o=$(count "$J" '"cat":"output"'); bytes=$(wc -c <"$GOLD/multiplication.out" | tr -d ' ')
if [ "$RC" -eq 0 ] && [ "$n" = "$(total_exits)" ] && [ "$o" = "$bytes" ] &&
	[ "$(count "$J" '"name":"IO out 0x500 PUTCHAR"')" = "$bytes" ]; then
	ok "multiplication: $n exits as --stats-json counts them, $o PUTCHAR outputs"
else bad "multiplication --trace" "status $RC, $n exits (stats: $(total_exits)), $o outputs"; fi
well_formed "multiplication: well-formed" "$J"
vmm --trace "$J" --verbose "$G/hello.bin"
[ "$RC" -eq 0 ] && [ "$(count "$T/err" ' cpu0 IO ')" = 24 ] && [ "$(count "$J" '"cat":"exit"')" = 25 ] &&
	ok "--trace with --verbose: both, whole" || bad "--trace --verbose" "status $RC"
vmm --coalesced-io --trace "$J" "$G/hello.bin"
[ "$RC" -eq 0 ] && [ "$(count "$J" '"cat":"exit"')" = 13 ] && [ "$(count "$J" '"cat":"output"')" = 12 ] &&
	ok "--coalesced-io: 13 exits, the 12 queued bytes still output events" || bad "--coalesced-io --trace" "status $RC"

# --- one process per guest, one track per vCPU, the spans ---
vmm --trace "$J" "$G/hello.bin" "$G/counter.bin"
if [ "$RC" -eq 0 ] && grep -q '"process_name","ph":"M","pid":1,.*"hello.bin"' "$J" &&
	grep -q '"process_name","ph":"M","pid":2,.*"counter.bin"' "$J" &&
	[ "$(count "$J" '"cat":"exit".*"pid":1,"tid":100,')" = 25 ] &&
	[ "$(count "$J" '"cat":"exit".*"pid":2,"tid":200,')" = 41 ]; then
	ok "two guests: one file, a process each (pid 1 hello: 25 exits, pid 2 counter: 41)"
else bad "two guests" "status $RC"; fi
well_formed "two guests: well-formed" "$J"
K=$OS1K/kernel-x86_64.elf
if [ -f "$K" ]; then
	IN=$GOLD/os1k/prog4-fibonacci.in vmm --smp 2 --mem 64M --timeout 60 --trace "$J" "$K"
	tracks=$(sed -n 's/^{"name":"thread_name","ph":"M","pid":1,"tid":\([0-9]*\),"args":{"name":"\(cpu[0-9]\)"}},$/\1 \2/p' "$J" | tr '\n' ' ')
	others=$(grep '"cat":"exit"' "$J" | grep -vc '"pid":1,"tid":10[01],')
	spans=$(project "$J" | grep '^span' | sort | tr '\n' ' ')
	if [ "$RC" -eq 0 ] && cmp -s "$T/out" "$GOLD/os1k/prog4-fibonacci.out" && [ "$tracks" = "100 cpu0 101 cpu1 " ] &&
		[ "$others" = 0 ] && [ "$spans" = "span run span run span set-up span teardown " ] &&
		[ "$(count "$J" '"cat":"exit".*"tid":100,')" -gt 100 ]; then
		ok "1K OS --smp 2: a track per vCPU, a run span on each, set-up and teardown"
	else bad "1K OS --smp 2" "status $RC, tracks '$tracks', spans '$spans', $others exits elsewhere"; fi
	well_formed "1K OS: well-formed" "$J"
else
	bad "1K OS" "$K is missing"
fi

# --- refused before any guest runs ---
input "--trace into a missing directory: usage error" 120 \
	"^kvm-vmm: --trace '$T/no/such/dir/t.json': cannot create the file: No such file or directory$" \
	--trace "$T/no/such/dir/t.json" "$G/hello.bin"
input "--trace into a directory: usage error" 120 "^kvm-vmm: --trace '$T': cannot create the file: Is a directory$" \
	--trace "$T" "$G/hello.bin"
input "--trace= empty: usage error" 120 "^kvm-vmm: --trace: needs a file name$" --trace= "$G/hello.bin"
input "--trace -: usage error (stdout is the console)" 120 "^kvm-vmm: --trace -: standard output is the guests' console" \
	--trace - "$G/hello.bin"
MINIKVM_TRACE_MAX_EVENTS=lots vmm --trace "$J" "$G/hello.bin"
[ "$RC" -eq 120 ] && grep -q "MINIKVM_TRACE_MAX_EVENTS 'lots'" "$T/err" && [ ! -s "$T/out" ] &&
	ok "a bad MINIKVM_TRACE_MAX_EVENTS: usage error" || bad "MINIKVM_TRACE_MAX_EVENTS=lots" "status $RC"
vmm --trace "$T/new.json" "$T/missing.bin"
[ "$RC" -eq 121 ] && [ ! -e "$T/new.json" ] && ok "a run that never starts leaves no trace file" ||
	bad "no run, no file" "status $RC"

# --- the cap: a guest that floods, 100 events kept ---
MINIKVM_TRACE_MAX_EVENTS=100 "$VMM" --timeout 1 --trace "$J" "$G/test/flood.bin" </dev/null >/dev/null 2>"$T/err"
RC=$?
if [ "$RC" -eq 124 ] && grep -q "flood.bin cpu0: --trace: [0-9]* events dropped past the cap of 100 per vCPU" "$T/err" &&
	[ "$(grep -c '"cat":"\(exit\|output\)"' "$J")" = 100 ] && grep -q '"name":"events dropped","cat":"trace"' "$J" &&
	grep -q '"dropped_events":[1-9][0-9]*}$' "$J"; then
	ok "flood past the cap: 100 events kept, the rest counted as dropped"
else bad "flood past the cap" "status $RC, $(grep -c '"cat":"\(exit\|output\)"' "$J") events"; fi
well_formed "flood past the cap: well-formed" "$J"
grep -q '"len":16000,"truncated":true}}' "$J" && ok "flood: 16000-byte PUTS kept in part, marked truncated" ||
	bad "flood: truncated" "no truncated output event"

echo "trace: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
