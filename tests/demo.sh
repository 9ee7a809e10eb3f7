#!/bin/sh
# `make run`: each real-mode guest alone, then four at once with --tag.
# usage: demo.sh VMM GUEST_DIR
set -u
VMM=$1
G=$2
for g in minimal hello counter multiplication fibonacci matrix hctest; do
	echo "=== $g ==="
	"$VMM" "$G/$g.bin" </dev/null || echo "(exit status $?)"
done
echo "=== four guests at once, each in its own VM (--tag --stats) ==="
"$VMM" --tag --stats "$G/hello.bin" "$G/counter.bin" "$G/fibonacci.bin" "$G/matrix.bin" </dev/null
