#!/bin/sh
# Runs the end-to-end suite a second time inside the nested lane: Debian's
# kernel under QEMU/TCG with kvm_amd, a real SVM KVM (tests/nested/).
# usage: nested.sh STATIC_VMM GUEST_DIR GOLDEN_DIR
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
payload=$top/build/nested/payload
rm -rf "$payload"
mkdir -p "$payload"
cp "$1" "$payload/kvm-vmm"
cp -r "$2" "$payload/guests"
cp -r "$3" "$payload/golden"
cp "$top/tests/e2e/run.sh" "$payload/run.sh"
exec "$top/tests/nested/run-lane.sh" "$payload" sh ./run.sh ./kvm-vmm ./guests ./golden
