#!/bin/sh
# Drives the random-guest soak (tests/soak/README.md) where it can run: on
# this machine's /dev/kvm when there is one, else in the nested lane
# (tests/nested/), carrying the ASan build with its libraries. Images are
# generated and run in chunks (one lane boot each), so that the long form
# neither fills a disk nor outlives one lane's timeout; the failures the
# chunks print are collected into build/soak/failures/, each image written
# again there from its name by the generator.
#
# usage: soak.sh VMM GEN SEED N
#   VMM  the kvm-vmm to soak (the ASan+UBSan build); GEN  a static gen
# Environment: SOAK_CHUNK (images per chunk, default 1000), SOAK_TIMEOUT,
# SOAK_KILL, SOAK_MAX_FAIL (run.sh's, per chunk), SOAK_WHERE (host or nested; default: host when
# /dev/kvm exists), NESTED_TIMEOUT (per chunk; default from its size).
set -u
[ $# -eq 4 ] || { echo "usage: soak.sh VMM GEN SEED N" >&2; exit 2; }
vmm=$1 gen=$2 seed=$3 n=$4
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/soak
chunk=${SOAK_CHUNK:-1000}
# Nested, a guest still running at half a second is as good as hung: a run
# costs 0.3-0.6 s of the ASan build's start and teardown besides (measured
# on a loaded 2-core machine). 10 s is far beyond what any run needs.
SOAK_TIMEOUT=${SOAK_TIMEOUT:-0.5} SOAK_KILL=${SOAK_KILL:-10} SOAK_MAX_FAIL=${SOAK_MAX_FAIL:-25}
export SOAK_TIMEOUT SOAK_KILL SOAK_MAX_FAIL
where=${SOAK_WHERE:-}
[ -n "$where" ] || { [ -c /dev/kvm ] && where=host || where=nested; }
case $seed$n$chunk$SOAK_KILL$SOAK_MAX_FAIL in *[!0-9]*)
	echo "soak: SEED, N, SOAK_CHUNK, SOAK_KILL and SOAK_MAX_FAIL must be whole numbers" >&2; exit 2 ;;
esac
[ "$chunk" -gt 0 ] || chunk=1000

rm -rf "$out/failures" "$out/images" "$out/payload" "$out/logs"
mkdir -p "$out/failures" "$out/logs" || exit 1
echo "soak: seed $seed, $n images, --timeout $SOAK_TIMEOUT, killed as hung after $SOAK_KILL s, $vmm, on $([ "$where" = host ] && echo "this machine's /dev/kvm" || echo "the nested lane's KVM")"
echo "soak: reproduce one image with: $gen --one NAME DIR && $vmm --timeout $SOAK_TIMEOUT DIR/NAME"

if [ "$where" = nested ]; then
	ldd "$gen" >/dev/null 2>&1 && { echo "soak: $gen is dynamically linked; the lane runs only static binaries" >&2; exit 2; }
	. "$top/tests/nested/with-libs.sh"
	with_libs "$vmm" "$out/payload/asan"
	cp "$gen" "$out/payload/gen" && cp "$top/tests/soak/run.sh" "$out/payload/" || exit 1
fi

# collect LOG: each failure's stderr and status into failures/, and its
# image, written again from its name (the lane's files stay in the lane).
collect() {
	sed -n 's/^@@soak-stderr-begin \([^ ]*\) \([0-9]*\)$/\1 \2/p' "$1" | while read -r name rc; do
		sed -n "/^@@soak-stderr-begin $name /,/^@@soak-stderr-end $name\$/p" "$1" | sed '1d; $d' >"$out/failures/$name.err"
		grep "^FAIL $name: " "$1" | sed "s/^FAIL $name: /$rc /" >"$out/failures/$name.status"
		[ -f "$out/failures/$name" ] || "$gen" --one "$name" "$out/failures" >/dev/null
	done
}

passed=0 failed=0 first=0 k=0
: >"$out/logs/statuses"
while [ "$first" -lt "$n" ]; do
	count=$((n - first))
	[ "$count" -gt "$chunk" ] && count=$chunk
	k=$((k + 1))
	label="soak chunk $k (images $first-$((first + count - 1)))"
	log=$out/logs/chunk-$k.log
	if [ "$where" = host ]; then
		mkdir -p "$out/images" && "$gen" "$seed" "$count" "$out/images" "$first" || exit 1
		SOAK_LABEL=$label SOAK_SAVE=$out/failures sh "$top/tests/soak/run.sh" "$vmm" "$out/images" 2>&1 | tee "$log" | grep -v '^@@soak-run '
		rm -rf "$out/images"
	else
		# Two seconds an image is about four times what a run takes here,
		# and each hang run.sh waits out before it stops costs SOAK_KILL;
		# boot and generation get three minutes.
		NESTED_TIMEOUT=${NESTED_TIMEOUT:-$((180 + 2 * count + SOAK_MAX_FAIL * SOAK_KILL))} \
			"$top/tests/nested/run-lane.sh" "$out/payload" sh -c "mkdir -p /tmp/img && ./gen $seed $count /tmp/img $first &&
				SOAK_TIMEOUT=$SOAK_TIMEOUT SOAK_KILL=$SOAK_KILL SOAK_MAX_FAIL=$SOAK_MAX_FAIL SOAK_LABEL='$label' sh ./run.sh ./asan/kvm-vmm /tmp/img" 2>&1 | tee "$log" | grep -v '^@@soak-run '
	fi
	collect "$log"
	sed -n 's/^soak chunk [0-9]* ([^)]*) statuses (status:count): \([^;]*\);.*/\1/p' "$log" | tr ' ' '\n' >>"$out/logs/statuses"
	line=$(grep "^$label: [0-9]* passed, [0-9]* failed\$" "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=${line##*: } p=${p%% passed*} f=${line% failed} f=${f##* }
		passed=$((passed + p)) failed=$((failed + f))
	else
		last=$(sed -n 's/^@@soak-run //p' "$log" | tail -n 1)
		echo "FAIL $label: ended before its summary (see $log)${last:+; the last image started was $last, saved in $out/failures/}"
		if [ -n "$last" ] && [ ! -f "$out/failures/$last.status" ]; then
			echo "lane died while it ran" >"$out/failures/$last.status"
			"$gen" --one "$last" "$out/failures" >/dev/null
		fi
		failed=$((failed + 1))
	fi
	first=$((first + count))
done

tally=$(grep : "$out/logs/statuses" | awk -F: '{ c[$1] += $2 } END { for (s in c) print s, c[s] }' | sort -n |
	awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $1, $2 }')
nfail=$(find "$out/failures" -name '*.status' | wc -l)
[ "$k" -gt 1 ] && echo "soak statuses (status:count), all chunks: $tally"
[ "$nfail" -gt 0 ] && echo "soak: $nfail failing images, with their stderr and status, in $out/failures/"
echo "soak: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
