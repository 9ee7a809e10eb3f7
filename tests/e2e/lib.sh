# The helpers the end-to-end suites share (sourced by run.sh, flat.sh,
# output.sh, tty.sh and others).
# The caller sets VMM, T (its scratch directory), PASS=0 and FAIL=0.

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() {
	FAIL=$((FAIL + 1)); echo "FAIL $1: $2"
	for f in "$T/out" "$T/err"; do
		[ -s "$f" ] && { echo "  --- $(basename "$f"):"; head -n 20 "$f" | sed 's/^/  | /'; }
	done
	return 0
}

# vmm ARGS...: runs the VMM with stdin from $IN (default /dev/null);
# stdout -> $T/out, stderr -> $T/err, status -> $RC.
vmm() {
	"$VMM" "$@" <"${IN:-/dev/null}" >"$T/out" 2>"$T/err"
	RC=$?
}

# expect NAME STATUS GOLDEN_FILE: status and exact stdout.
expect() {
	if [ "$RC" -ne "$2" ]; then bad "$1" "status $RC, expected $2"
	elif ! cmp -s "$T/out" "$3"; then bad "$1" "stdout differs from $3"; diff "$3" "$T/out" | head -n 10
	else ok "$1"; fi
}

# expect_err NAME STATUS PATTERN: status, and one stderr line matching PATTERN.
expect_err() {
	if [ "$RC" -ne "$2" ]; then bad "$1" "status $RC, expected $2"
	elif ! grep -q -- "$3" "$T/err"; then bad "$1" "stderr lacks '$3'"
	else ok "$1"; fi
}

# input NAME STATUS PATTERN ARGS...: a refusal before any guest runs: STATUS,
# the first stderr line matches PATTERN, nothing on stdout.
input() {
	name=$1 st=$2 pat=$3
	shift 3
	vmm "$@"
	if [ "$RC" -ne "$st" ]; then bad "$name" "status $RC, expected $st"
	elif [ "$(grep -c . "$T/err")" -lt 1 ] || ! head -n 1 "$T/err" | grep -q -- "$pat"; then bad "$name" "stderr lacks '$pat'"
	elif [ -s "$T/out" ]; then bad "$name" "wrote to stdout"
	else ok "$name"; fi
}

# total_exits: the "exits" of the "total" object in $T/stats.json.
total_exits() {
	sed -n 's/.*"total": {"exits": \([0-9]*\).*/\1/p' "$T/stats.json"
}

# unpath FILE: writes KERNEL for FILE's path in $T/out. A multiboot kernel's
# command line starts with its path, as QEMU passes it, and the path
# differs from lane to lane.
unpath() {
	sed "s|$1|KERNEL|g" "$T/out" >"$T/out.unpathed" && mv "$T/out.unpathed" "$T/out"
}

# started PID: waits (10 s at most) until the VMM PID has blocked the signals
# it waits for (SIGUSR2 in its SigBlk): a signal sent before that meets its
# default action instead, and a slow start (a sanitizer build in the nested
# lane takes a second) must not turn a test of kvm-vmm's handling into one
# of the kernel's.
started() {
	i=0
	while [ $i -lt 100 ]; do
		m=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
		[ -n "$m" ] || return 1
		m=${m#"${m%????????}"} # the low 32 signals: sh arithmetic may not take 64 bits
		[ $((0x$m & 0x800)) -ne 0 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
