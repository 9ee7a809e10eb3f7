#!/bin/sh
# `make run`: each real-mode guest alone (the reference-style ones too),
# then four at once with --tag.
# usage: demo.sh VMM GUEST_DIR
set -u
VMM=$1
G=$2
for g in minimal hello counter multiplication fibonacci matrix hctest ref-hello ref-stack; do
	echo "=== $g ==="
	"$VMM" "$G/$g.bin" </dev/null || echo "(exit status $?)"
done
echo "=== ref-input (stdin: 'written for the reference VMM') ==="
printf 'written for the reference VMM\n' | "$VMM" "$G/ref-input.bin" || echo "(exit status $?)"
echo "=== four guests at once, each in its own VM (--tag --stats) ==="
"$VMM" --tag --stats "$G/hello.bin" "$G/counter.bin" "$G/fibonacci.bin" "$G/matrix.bin" </dev/null
